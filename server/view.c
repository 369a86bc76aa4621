#include "view.h"

#include "buf.h"
#include "cards.h"
#include "code.h"
#include "content_text.h"
#include "flow.h"
#include "message.h"
#include "narrate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ID_LEN 160

cJSON *view_text(const char *id, const char *text)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "id", id);
	cJSON_AddStringToObject(o, "text", text);
	return o;
}

/* A text not read aloud unless the person is listening privately (docs/narration.md, "Private
 * listening"): the code, the answers of a `private: yes` page, the names of helpers. The kiosk's
 * narrate refuses it otherwise; the page leaves it out when it reads. Returns o. */
static cJSON *private_text(cJSON *o)
{
	cJSON_AddBoolToObject(o, "private", 1);
	return o;
}

static cJSON *page_text(const content_page *pg, const char *what, const char *text)
{
	char id[2 * ID_LEN + 2]; /* page names and `what` are each shorter than ID_LEN */

	snprintf(id, sizeof(id), "%s/%s", pg->id, what);
	return view_text(id, text);
}

static cJSON *msg_obj(const content *c, const char *name, const char *const *kv)
{
	char id[ID_LEN];
	char *text = content_fill(c, name, kv);
	cJSON *o;

	snprintf(id, sizeof(id), "msg/%s", name);
	o = view_text(id, text ? text : "");
	free(text);
	return o;
}

/* A part's name: the same id wherever it is shown (the progress line, the check page). */
static cJSON *part_title(const content *c, int part)
{
	char id[ID_LEN];

	snprintf(id, sizeof(id), "part/%d/title", part + 1);
	return view_text(id, content_part_title(c, part));
}

/* The code as pieces to read one at a time, "code/1" to "code/7": each word whole, each digit
 * alone ("apple", "river", "boat", "4", "8", "2", "7"), so the voice says "four, eight, two,
 * seven" rather than "four thousand eight hundred...", slowly, and the highlight moves piece by
 * piece. The page shows the pieces joined as in `code`. No piece is the whole code, so the code
 * is never kept whole in the audio cache (docs/security.md: codes are never stored in clear). */
static cJSON *code_pieces(const char *code)
{
	cJSON *arr = cJSON_CreateArray();
	char id[ID_LEN], piece[CODE_MAX];
	int n = 0;

	for (const char *t = code ? code : ""; *t;) {
		size_t len = strcspn(t, "-");
		size_t each = strspn(t, "0123456789") >= len ? 1 : len; /* digits one at a time */

		for (size_t k = 0; k < len; k += each) {
			snprintf(id, sizeof(id), "code/%d", ++n);
			snprintf(piece, sizeof(piece), "%.*s", (int)each, t + k);
			cJSON_AddItemToArray(arr, private_text(view_text(id, piece)));
		}
		t += len;
		t += strspn(t, "-");
	}
	return arr;
}

/* The code's numbers (code.h, "2234 3532 2299 4827"), for people who read no English words, and
 * their pieces "code-numbers/1" to "code-numbers/16", each digit alone: said digit by digit in
 * the person's language, as the code's own digits are. Both empty without a code. */
static void add_numbers(cJSON *o, const view_params *vp)
{
	char numbers[CODE_NUMBERS_MAX] = "", id[ID_LEN], digit[2] = "";
	cJSON *pieces;
	int n = 0;

	if (vp->code)
		code_numbers(vp->c, vp->code, numbers);
	cJSON_AddStringToObject(o, "code_numbers", numbers);
	pieces = cJSON_AddArrayToObject(o, "code_numbers_text");
	for (const char *t = numbers; *t; t++) {
		if (*t == ' ')
			continue;
		snprintf(id, sizeof(id), "code-numbers/%d", ++n);
		digit[0] = *t;
		cJSON_AddItemToArray(pieces, private_text(view_text(id, digit)));
	}
}

static void money_plain(long long pence, char *out, size_t n)
{
	snprintf(out, n, "%lld.%02lld", pence / 100, pence % 100);
}

static cJSON *list_items(const view_params *vp, const content_page *pg, long long *total)
{
	const view_data *d = vp->data;
	cJSON *items = cJSON_CreateArray();
	char id[ID_LEN];

	*total = 0;
	for (size_t i = 0; d && i < d->nitems; i++) {
		long long entry = d->items[i].id;
		cJSON *item, *values;

		if (strcmp(d->items[i].page, pg->id) != 0)
			continue;
		item = cJSON_CreateObject();
		values = cJSON_CreateObject();
		cJSON_AddNumberToObject(item, "id", (double)entry);
		for (size_t f = 0; f < pg->nfields; f++) {
			const content_field *fd = &pg->fields[f];
			const char *v = plan_answers_get(vp->answers, pg->id, entry, fd->name);
			char *shown;
			cJSON *value;

			if (!v)
				continue;
			/* amounts and dates written out; the person's own words as they are */
			shown = content_field_text(vp->c, fd, v);
			snprintf(id, sizeof(id), "answer/%s/%lld/%s", pg->id, entry, fd->name);
			value = view_text(id, shown ? shown : v);
			cJSON_AddItemToObject(values, fd->name,
					      pg->private_answers ? private_text(value) : value);
			free(shown);
			if (pg->total && strcmp(pg->total, fd->name) == 0)
				*total += strtoll(v, NULL, 10);
		}
		cJSON_AddItemToObject(item, "values", values);
		cJSON_AddItemToArray(items, item);
	}
	return items;
}

static void add_list(cJSON *o, const view_params *vp, const content_page *pg)
{
	const content *c = vp->c;
	cJSON *fields = cJSON_AddArrayToObject(o, "fields");
	long long total;
	char id[ID_LEN];

	for (size_t f = 0; f < pg->nfields; f++) {
		static const char *const types[] = {"text", "long-text", "money", "date"};
		cJSON *fo = cJSON_CreateObject();

		cJSON_AddStringToObject(fo, "name", pg->fields[f].name);
		cJSON_AddStringToObject(fo, "type", types[pg->fields[f].type]);
		snprintf(id, sizeof(id), "item/%s", pg->fields[f].name);
		cJSON_AddItemToObject(fo, "label", page_text(pg, id, pg->fields[f].label));
		cJSON_AddNumberToObject(fo, "limit", pg->fields[f].limit);
		cJSON_AddItemToArray(fields, fo);
	}
	cJSON_AddItemToObject(o, "items", list_items(vp, pg, &total));
	cJSON_AddNumberToObject(o, "max_items", PLAN_MAX_ITEMS);
	if (vp->editing) {
		cJSON *ed = cJSON_AddObjectToObject(o, "editing"), *values;

		cJSON_AddNumberToObject(ed, "id", (double)vp->editing);
		values = cJSON_AddObjectToObject(ed, "values");
		for (size_t f = 0; f < pg->nfields; f++) {
			const char *v =
			    plan_answers_get(vp->answers, pg->id, vp->editing, pg->fields[f].name);
			char raw[32];

			if (v && pg->fields[f].type == FIELD_MONEY) {
				money_plain(strtoll(v, NULL, 10), raw, sizeof(raw));
				v = raw;
			}
			cJSON_AddStringToObject(values, pg->fields[f].name, v ? v : "");
		}
	} else {
		cJSON_AddNullToObject(o, "editing");
	}
	if (pg->total) {
		cJSON *t = cJSON_AddObjectToObject(o, "total");
		cJSON *lines = cJSON_AddArrayToObject(t, "lines");
		char tot[32], bud[32], diff[32];

		plan_money_format(total, tot, sizeof(tot));
		cJSON_AddNumberToObject(t, "total_pence", (double)total);
		if (vp->budget_pence < 0) {
			cJSON_AddNullToObject(t, "budget_pence");
			cJSON_AddItemToArray(lines, msg_obj(c, "budget.none", NULL));
			cJSON_AddItemToArray(
			    lines,
			    msg_obj(c, "budget.total", (const char *const[]){"total", tot, NULL}));
			return;
		}
		plan_money_format(vp->budget_pence, bud, sizeof(bud));
		plan_money_format(total > vp->budget_pence ? total - vp->budget_pence
							   : vp->budget_pence - total,
				  diff, sizeof(diff));
		cJSON_AddNumberToObject(t, "budget_pence", (double)vp->budget_pence);
		cJSON_AddItemToArray(
		    lines, msg_obj(c, "budget.amount", (const char *const[]){"budget", bud, NULL}));
		cJSON_AddItemToArray(
		    lines, msg_obj(c, "budget.total", (const char *const[]){"total", tot, NULL}));
		if (total > vp->budget_pence)
			cJSON_AddItemToArray(
			    lines,
			    msg_obj(c, "budget.over", (const char *const[]){"over", diff, NULL}));
		else
			cJSON_AddItemToArray(
			    lines,
			    msg_obj(c, "budget.left", (const char *const[]){"left", diff, NULL}));
	}
}

typedef struct needs_ctx {
	cJSON *arr;
	int n;
	int dp; /* needs a direct payment could meet */
} needs_ctx;

/* Each need, and whether the social worker says a direct payment could meet it: the person
 * must be told. */
static void add_need(needs_ctx *nc, const view_need *n)
{
	cJSON *o = cJSON_CreateObject();
	char id[ID_LEN];

	snprintf(id, sizeof(id), "need/%d", ++nc->n);
	cJSON_AddItemToObject(o, "text", view_text(id, n->text));
	cJSON_AddBoolToObject(o, "eligible", n->eligible);
	cJSON_AddBoolToObject(o, "direct_payment", n->eligible && n->direct_payment);
	nc->dp += n->eligible && n->direct_payment;
	cJSON_AddItemToArray(nc->arr, o);
}

/* The person's answer as they will read it back: an option's words, or their own. */
static cJSON *answer_obj(const view_params *vp, const content_page *pg)
{
	const char *v = plan_answers_get(vp->answers, pg->id, 0, "");
	char id[ID_LEN];

	if (!v || !*v)
		return NULL;
	snprintf(id, sizeof(id), "answer/%s", pg->id);
	if (pg->private_answers) { /* an id of its own, not the option's or "Yes" shared by all */
		const char *shown = v;

		if (pg->kind == KIND_YES_NO)
			shown = content_message(vp->c, strcmp(v, "yes") == 0 ? "yes" : "no");
		for (size_t o = 0; o < pg->noptions; o++)
			if (strcmp(pg->options[o].value, v) == 0)
				shown = pg->options[o].text;
		return private_text(view_text(id, shown ? shown : v));
	}
	if (pg->kind == KIND_YES_NO)
		return msg_obj(vp->c, strcmp(v, "yes") == 0 ? "yes" : "no", NULL);
	for (size_t o = 0; o < pg->noptions; o++)
		if (strcmp(pg->options[o].value, v) == 0) {
			snprintf(id, sizeof(id), "option/%s", v);
			return page_text(pg, id, pg->options[o].text);
		}
	return view_text(id, v);
}

typedef struct helpers_ctx {
	cJSON *arr;
	int n;
} helpers_ctx;

/* A helper named on a visit, once however many visits they helped on. */
static void add_helper(helpers_ctx *hc, const char *writer, const char *name,
		       const char *relationship)
{
	char id[ID_LEN];
	buf text = BUF_INIT;
	cJSON *it;

	if (strcmp(writer, "helper") != 0 || !*name)
		return;
	if (*relationship ? buf_printf(&text, "%s (%s)", name, relationship)
			  : buf_puts(&text, name))
		goto out;
	cJSON_ArrayForEach(it, hc->arr)
	{
		const char *seen = cJSON_GetStringValue(cJSON_GetObjectItem(it, "text"));

		if (seen && strcmp(seen, buf_str(&text)) == 0)
			goto out;
	}
	snprintf(id, sizeof(id), "helper/%d", ++hc->n);
	cJSON_AddItemToArray(hc->arr, private_text(view_text(id, buf_str(&text))));
out:
	buf_release(&text);
}

/* The answer to "Is anyone hurting you?" (the page that raises the safeguarding flag) stays
 * between the person and the council: the person's copy, printed and taken home, says the
 * social worker has it instead. */
static int is_private(const content_page *pg)
{
	return pg->flag && strcmp(pg->flag, "safeguarding") == 0;
}

/* The cards chosen on pg, added to the check page's row as "cards"; 0 when none is chosen. */
static int chosen_cards(const view_params *vp, const content_page *pg, cJSON *row)
{
	cJSON *cards = pg->ncards
			   ? cards_answer(pg, plan_answers_get(vp->answers, pg->id, 0, CARDS_FIELD))
			   : NULL;

	return cards ? cJSON_AddItemToObject(row, "cards", cards), 1 : 0;
}

/* The check page's sections, every question with its answer; with answered_only (the person's
 * copy), only the questions they answered. */
static void add_check(cJSON *o, const view_params *vp, int answered_only)
{
	const content *c = vp->c;
	cJSON *sections = cJSON_AddArrayToObject(o, "sections");
	helpers_ctx hc = {cJSON_AddArrayToObject(o, "helpers"), 0};

	for (int part = 0; (size_t)part < content_part_count(c); part++) {
		cJSON *section = NULL, *rows = NULL;

		for (size_t i = 0; i < content_page_count(c); i++) {
			const content_page *pg = content_page_at(c, i);
			cJSON *row, *ans;

			int answered;

			if (pg->part != part || !flow_visible(c, vp->answers, pg) ||
			    !(page_kind_takes_answer(pg->kind) || pg->kind == KIND_LIST))
				continue;
			row = cJSON_CreateObject();
			cJSON_AddStringToObject(row, "page", pg->id);
			cJSON_AddItemToObject(row, "ask", page_text(pg, "ask", pg->ask));
			if (pg->kind == KIND_LIST) {
				long long total;
				cJSON *items = list_items(vp, pg, &total);

				answered = cJSON_GetArraySize(items) > 0;
				cJSON_AddNullToObject(row, "answer");
				cJSON_AddItemToObject(row, "items", items);
			} else {
				/* words, or picture cards, or both */
				answered = chosen_cards(vp, pg, row);
				if ((ans = answer_obj(vp, pg))) {
					answered = 1;
					if (answered_only &&
					    is_private(pg)) { /* a copy goes home on paper */
						cJSON_Delete(ans);
						ans = msg_obj(c, "copy.private", NULL);
					}
				}
				cJSON_AddItemToObject(row, "answer",
						      ans ? ans : cJSON_CreateNull());
			}
			if (answered_only && !answered) {
				cJSON_Delete(row);
				continue;
			}
			if (!section) {
				section = cJSON_CreateObject();
				cJSON_AddItemToObject(section, "part", part_title(c, part));
				rows = cJSON_AddArrayToObject(section, "rows");
				cJSON_AddItemToArray(sections, section);
			}
			cJSON_AddItemToArray(rows, row);
		}
	}
	for (size_t i = 0; vp->data && i < vp->data->nvisits; i++)
		add_helper(&hc, vp->data->visits[i].writer, vp->data->visits[i].name,
			   vp->data->visits[i].relationship);
}

/* ---- the person's copy of their signed-off plan ---- */

/* An eligible need, with how the council will meet it (as the social worker wrote it), and
 * whether a direct payment could. n counts the needs added. */
static void copy_need(cJSON *needs, int *n, const view_need *vn)
{
	cJSON *o;
	char id[ID_LEN];

	if (!vn->eligible)
		return;
	o = cJSON_CreateObject();
	snprintf(id, sizeof(id), "need/%d", ++*n);
	cJSON_AddItemToObject(o, "text", view_text(id, vn->text));
	if (vn->how && *vn->how) {
		snprintf(id, sizeof(id), "need/%d/how", *n);
		cJSON_AddItemToObject(o, "how", view_text(id, vn->how));
	}
	cJSON_AddBoolToObject(o, "direct_payment", vn->direct_payment);
	cJSON_AddItemToArray(needs, o);
}

/* When it was agreed and when it is next reviewed, the council's part (each eligible need and
 * how it will be met, the budget), and then everything the person wrote, as on the check page:
 * every piece a text the page can read aloud. */
static void add_copy(cJSON *o, const view_params *vp)
{
	const content *c = vp->c;
	const view_data *d = vp->data;
	cJSON *needs = cJSON_AddArrayToObject(o, "needs");
	char *date;
	int n = 0;

	for (size_t i = 0; d && i < d->nneeds; i++)
		copy_need(needs, &n, &d->needs[i]);
	if ((date = content_date_words(c, d ? d->signed_off : NULL)))
		cJSON_AddItemToObject(
		    o, "agreed_text",
		    msg_obj(c, "copy.agreed", (const char *const[]){"date", date, NULL}));
	free(date);
	if ((date = content_date_words(c, d ? d->next_review : NULL)))
		cJSON_AddItemToObject(
		    o, "review_text",
		    msg_obj(c, "copy.review", (const char *const[]){"date", date, NULL}));
	free(date);
	cJSON_AddItemToObject(o, "council_heading", msg_obj(c, "copy.council", NULL));
	cJSON_AddItemToObject(o, "direct_payment_text", msg_obj(c, "needs.direct-payment", NULL));
	cJSON_AddItemToObject(o, "money_heading", msg_obj(c, "copy.money", NULL));
	if (vp->budget_pence >= 0) {
		char bud[32];

		plan_money_format(vp->budget_pence, bud, sizeof(bud));
		cJSON_AddItemToObject(
		    o, "budget_text",
		    msg_obj(c, "budget.amount", (const char *const[]){"budget", bud, NULL}));
	} else {
		cJSON_AddItemToObject(o, "budget_text", msg_obj(c, "budget.none", NULL));
	}
	cJSON_AddItemToObject(o, "yours_heading", msg_obj(c, "copy.yours", NULL));
	add_check(o, vp, 1);
}

/* A comment of the social worker's: its text, who wrote it and which part it is about, as texts
 * the page can read aloud. */
static void add_comment(cJSON *list, const content *c, const view_comment *sc)
{
	const content_page *about = content_page_find(c, sc->section, NULL);
	const char *part =
	    about ? (about->part >= 0 ? content_part_title(c, about->part) : about->title) : NULL;
	cJSON *o = cJSON_CreateObject();
	char id[ID_LEN];
	char *text;

	snprintf(id, sizeof(id), "comment/%lld", sc->id);
	cJSON_AddItemToObject(o, "text", view_text(id, sc->text));
	snprintf(id, sizeof(id), "comment/%lld/from", sc->id);
	text = content_fill(c, "comments.from", (const char *const[]){"name", sc->author, NULL});
	cJSON_AddItemToObject(o, "from", view_text(id, text ? text : ""));
	free(text);
	if (part) {
		snprintf(id, sizeof(id), "comment/%lld/about", sc->id);
		text = content_fill(c, "comments.about", (const char *const[]){"part", part, NULL});
		cJSON_AddItemToObject(o, "about", view_text(id, text ? text : ""));
		free(text);
	}
	cJSON_AddBoolToObject(o, "new", !sc->seen);
	if (!sc->seen) /* said as well as shown, before the comment's words */
		cJSON_AddItemToObject(o, "new_text", msg_obj(c, "comments.new", NULL));
	cJSON_AddItemToArray(list, o);
}

static void add_action(cJSON *acts, const content *c, const char *go)
{
	cJSON *a = cJSON_CreateObject();
	char name[64];

	snprintf(name, sizeof(name), "welcome-back.%s", go);
	cJSON_AddStringToObject(a, "go", go);
	cJSON_AddItemToObject(a, "text", msg_obj(c, name, NULL));
	cJSON_AddItemToArray(acts, a);
}

/* A choice's or a yes-no page's answer and options (a choice `offered: managing` shows only the
 * ways of managing the council offered). */
static void add_choices(cJSON *o, const view_params *vp, const content_page *pg)
{
	const char *v = plan_answers_get(vp->answers, pg->id, 0, "");
	cJSON *opts;
	char id[ID_LEN];

	cJSON_AddStringToObject(o, "value", v ? v : "");
	/* Which option is chosen is as private as a typed answer: focus speech leaves it out. */
	if (pg->private_answers)
		cJSON_AddBoolToObject(o, "private_answer", 1);
	opts = cJSON_AddArrayToObject(o, "options");
	if (pg->kind == KIND_YES_NO) {
		static const char *const yn[] = {"yes", "no"};

		for (int k = 0; k < 2; k++) {
			cJSON *op = cJSON_CreateObject();

			cJSON_AddStringToObject(op, "value", yn[k]);
			cJSON_AddItemToObject(op, "text", msg_obj(vp->c, yn[k], NULL));
			cJSON_AddItemToArray(opts, op);
		}
		return;
	}
	for (size_t k = 0; k < pg->noptions; k++) {
		cJSON *op;

		if (pg->offered && !plan_managing_offered(vp->managing, pg->options[k].value))
			continue;
		op = cJSON_CreateObject();
		cJSON_AddStringToObject(op, "value", pg->options[k].value);
		snprintf(id, sizeof(id), "option/%s", pg->options[k].value);
		cJSON_AddItemToObject(op, "text", page_text(pg, id, pg->options[k].text));
		cJSON_AddItemToArray(opts, op);
	}
}

/* A page for the person's own words: what they wrote, also as a text to read back. */
static void add_words(cJSON *o, const view_params *vp, const content_page *pg)
{
	const char *v = plan_answers_get(vp->answers, pg->id, 0, "");
	char id[ID_LEN];
	cJSON *answer;

	cJSON_AddStringToObject(o, "value", v ? v : "");
	/* The same words as a text, so that they can be read back on this page too. */
	snprintf(id, sizeof(id), "answer/%s", pg->id);
	answer = view_text(id, v ? v : "");
	cJSON_AddItemToObject(o, "answer", pg->private_answers ? private_text(answer) : answer);
	cJSON_AddNumberToObject(o, "limit", pg->limit);
	if (pg->ncards) { /* answers by touching a picture, and "something else" in words */
		cJSON_AddItemToObject(
		    o, "cards",
		    cards_page(pg, plan_answers_get(vp->answers, pg->id, 0, CARDS_FIELD)));
		cJSON_AddItemToObject(o, "cards_touch", msg_obj(vp->c, "cards.touch", NULL));
		cJSON_AddItemToObject(o, "cards_else", msg_obj(vp->c, "cards.else", NULL));
	}
	if (pg->kind == KIND_REVIEW)
		cJSON_AddBoolToObject(o, "requested", vp->review_requested);
	if (pg->kind == KIND_NOT_AGREED)
		cJSON_AddBoolToObject(o, "sent", vp->disagree_sent);
}

static void add_code(cJSON *o, const view_params *vp)
{
	if (vp->code)
		cJSON_AddStringToObject(o, "code", vp->code);
	else
		cJSON_AddNullToObject(o, "code");
	cJSON_AddItemToObject(o, "code_text", code_pieces(vp->code));
	add_numbers(o, vp);
	cJSON_AddBoolToObject(o, "new_code", vp->new_code);
}

static void add_needs(cJSON *o, const view_params *vp)
{
	needs_ctx nc = {cJSON_AddArrayToObject(o, "needs"), 0, 0};

	for (size_t i = 0; vp->data && i < vp->data->nneeds; i++)
		add_need(&nc, &vp->data->needs[i]);
	if (nc.dp)
		cJSON_AddItemToObject(o, "direct_payment_text",
				      msg_obj(vp->c, "needs.direct-payment", NULL));
}

/* What the person can do on coming back, as applies now. */
static void add_welcome_back(cJSON *o, const view_params *vp)
{
	const content *c = vp->c;
	cJSON *acts = cJSON_AddArrayToObject(o, "actions");

	/* a plan the council has agreed: the person's copy of it first */
	if (plan_council_agreed(vp->status))
		add_action(acts, c, "copy");
	if (vp->agreement_asked)
		add_action(acts, c, "agree");
	if (!vp->read_only)
		add_action(acts, c, "continue");
	if (vp->has_comments)
		add_action(acts, c, "comments");
	add_action(acts, c, "check");
	add_action(acts, c, "status");
	add_action(acts, c, "review");
}

static void add_comments(cJSON *o, const view_params *vp)
{
	cJSON *list = cJSON_AddArrayToObject(o, "comments");

	for (size_t i = 0; vp->data && i < vp->data->ncomments; i++)
		add_comment(list, vp->c, &vp->data->comments[i]);
}

static void add_status(cJSON *o, const view_params *vp)
{
	char name[64];

	snprintf(name, sizeof(name), "status.%s", plan_status_name(vp->status));
	cJSON_AddStringToObject(o, "status", plan_status_name(vp->status));
	cJSON_AddItemToObject(o, "status_text", msg_obj(vp->c, name, NULL));
}

static void add_kind_fields(cJSON *o, const view_params *vp, const content_page *pg)
{
	switch (pg->kind) {
	case KIND_TEXT:
	case KIND_LONG_TEXT:
	case KIND_REVIEW:
	case KIND_NOT_AGREED:
		add_words(o, vp, pg);
		break;
	case KIND_CHOICE:
	case KIND_YES_NO:
		add_choices(o, vp, pg);
		break;
	case KIND_LIST:
		add_list(o, vp, pg);
		break;
	case KIND_CODE:
		add_code(o, vp);
		break;
	case KIND_NEEDS:
		add_needs(o, vp);
		break;
	case KIND_CHECK:
		add_check(o, vp, 0);
		break;
	case KIND_SEND:
		cJSON_AddStringToObject(o, "status", plan_status_name(vp->status));
		break;
	case KIND_WELCOME_BACK:
		add_welcome_back(o, vp);
		break;
	case KIND_COMMENTS:
		add_comments(o, vp);
		break;
	case KIND_AGREE:
		cJSON_AddBoolToObject(o, "asked", vp->agreement_asked);
		break;
	case KIND_STATUS:
		add_status(o, vp);
		break;
	case KIND_SAVED_CODE:
		cJSON_AddStringToObject(o, "code", vp->code ? vp->code : "");
		cJSON_AddItemToObject(o, "code_text", code_pieces(vp->code));
		add_numbers(o, vp);
		break;
	case KIND_COPY:
		add_copy(o, vp);
		break;
	case KIND_INFO:
	case KIND_WELCOME:
	case KIND_SENT:
	case KIND_AGREED:
	case KIND_COUNT:
		break;
	}
}

/* A say line; one holding {budget} says the person's weekly budget, or, where the council has
 * set none yet, budget.none in its place; {who-is-told} alone says who is being told of a
 * safeguarding flag: the duty team now, or the social worker when they look
 * (docs/content-format.md). */
static cJSON *say_text(const view_params *vp, const content_page *pg, size_t i)
{
	const char *line = pg->say[i];
	char what[32], bud[32];
	char *text;
	cJSON *o;

	snprintf(what, sizeof(what), "say/%zu", i + 1);
	if (strcmp(line, "{who-is-told}") == 0) /* what happens now, as it truly does */
		return msg_obj(vp->c,
			       vp->alerts_safeguarding ? "safeguarding.told.alert"
						       : "safeguarding.told.staff",
			       NULL);
	if (!strstr(line, "{budget}"))
		return page_text(pg, what, line);
	if (vp->budget_pence < 0)
		return msg_obj(vp->c, "budget.none", NULL);
	plan_money_format(vp->budget_pence, bud, sizeof(bud));
	text = content_fill_text(line, (const char *const[]){"budget", bud, NULL});
	o = page_text(pg, what, text ? text : line);
	free(text);
	return o;
}

cJSON *view_page(const view_params *vp, size_t index)
{
	const content *c = vp->c;
	const content_page *pg = content_page_at(c, index);
	cJSON *msg = cJSON_CreateObject(), *o, *say;
	char n[16], of[16], src[160];

	if (!msg || !pg)
		goto fail;
	cJSON_AddStringToObject(msg, "type", "page");
	o = cJSON_AddObjectToObject(msg, "page");
	cJSON_AddStringToObject(o, "id", pg->id);
	cJSON_AddStringToObject(o, "kind", page_kind_name(pg->kind));
	if (pg->part >= 0) {
		cJSON *part = cJSON_AddObjectToObject(o, "part");

		snprintf(n, sizeof(n), "%d", pg->part + 1);
		snprintf(of, sizeof(of), "%zu", content_part_count(c));
		cJSON_AddNumberToObject(part, "n", pg->part + 1);
		cJSON_AddNumberToObject(part, "of", (double)content_part_count(c));
		cJSON_AddItemToObject(part, "title", part_title(c, pg->part));
		cJSON_AddItemToObject(
		    part, "text",
		    msg_obj(c, "progress", (const char *const[]){"n", n, "of", of, NULL}));
	} else {
		cJSON_AddNullToObject(o, "part");
	}
	{
		cJSON *pic = cJSON_AddObjectToObject(o, "picture");

		snprintf(src, sizeof(src), "/pictures/%s.svg", pg->picture);
		cJSON_AddStringToObject(pic, "src", src);
		cJSON_AddStringToObject(pic, "alt", content_picture_alt(c, pg->picture));
		/* The same words as a text, read aloud with the page for someone who cannot see it.
		 */
		if (content_picture_alt(c, pg->picture))
			cJSON_AddItemToObject(
			    pic, "text",
			    page_text(pg, "picture", content_picture_alt(c, pg->picture)));
	}
	cJSON_AddItemToObject(o, "title", page_text(pg, "title", pg->title));
	say = cJSON_AddArrayToObject(o, "say");
	for (size_t i = 0; i < pg->nsay; i++)
		cJSON_AddItemToArray(say, say_text(vp, pg, i));
	if (pg->ask)
		cJSON_AddItemToObject(o, "ask", page_text(pg, "ask", pg->ask));
	if (pg->hint)
		cJSON_AddItemToObject(o, "hint", page_text(pg, "hint", pg->hint));
	cJSON_AddBoolToObject(o, "back", vp->back);
	cJSON_AddBoolToObject(o, "next", vp->next);
	cJSON_AddBoolToObject(o, "plan_open", vp->plan != 0);
	cJSON_AddBoolToObject(o, "read_only", vp->read_only);
	if (vp->notice)
		cJSON_AddItemToObject(o, "notice", msg_obj(c, vp->notice, NULL));
	add_kind_fields(o, vp, pg);
	return msg;
fail:
	cJSON_Delete(msg);
	return NULL;
}
