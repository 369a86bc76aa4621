/* staff_view: the staff's messages built from data that staff_plan.c and staff_lists.c
 * gathered: content, store rows handed over as plain values, and the day. Nothing here reads
 * the store or sends: each builder adds to the JSON it is given (a row that cannot be built for
 * want of memory is left out, as cJSON does). */
#include "staff_int.h"

#include "cards.h"

#include "content_text.h"
#include "flow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Text without the content's **bold** marks, into out. */
static void plain(const char *text, buf *out)
{
	buf_reset(out);
	for (const char *p = text ? text : ""; *p; p++) {
		if (p[0] == '*' && p[1] == '*') {
			p++;
			continue;
		}
		buf_append(out, p, 1);
	}
}

/* Who wrote an answer: the visit's writer ("me" or "helper") and the helper's name and
 * relationship; null when it is not known. */
static cJSON *by_obj(const staff_plan_data *d, long long visit)
{
	for (size_t i = 0; visit > 0 && i < d->nvisits; i++)
		if (d->visits[i].id == visit) {
			cJSON *b = cJSON_CreateObject();

			cJSON_AddNumberToObject(b, "visit", (double)visit);
			cJSON_AddStringToObject(b, "writer", d->visits[i].writer);
			cJSON_AddStringToObject(b, "helper_name", d->visits[i].name);
			cJSON_AddStringToObject(b, "relationship", d->visits[i].relationship);
			return b;
		}
	return cJSON_CreateNull();
}

static long long visit_of(const staff_plan_data *d, const char *page, long long item,
			  const char *field)
{
	for (size_t i = 0; i < d->answers.n; i++)
		if (d->answers.a[i].item == item && strcmp(d->answers.a[i].page, page) == 0 &&
		    strcmp(d->answers.a[i].field, field) == 0)
			return d->answer_visit[i];
	return 0;
}

/* One answer of the person: verbatim, with the words of a chosen option, and who wrote it. */
static void add_answer(const content *c, const staff_plan_data *d, cJSON *arr,
		       const content_page *pg, long long item, const content_field *f, buf *scratch)
{
	const char *field = f ? f->name : "";
	const char *v = plan_answers_get(&d->answers, pg->id, item, field);
	cJSON *a = cJSON_CreateObject();

	cJSON_AddStringToObject(a, "page", pg->id);
	cJSON_AddNumberToObject(a, "item", (double)item);
	cJSON_AddStringToObject(a, "field", field);
	plain(f ? f->label : pg->title, scratch);
	cJSON_AddStringToObject(a, "label", buf_str(scratch));
	if (!f) {
		plain(pg->ask, scratch);
		cJSON_AddStringToObject(a, "ask", buf_str(scratch));
	}
	if (v)
		cJSON_AddStringToObject(a, "value", v);
	else
		cJSON_AddNullToObject(a, "value");
	/* A choice's words, as the person read them; an amount or a date as they wrote it. */
	if (v && f && (f->type == FIELD_MONEY || f->type == FIELD_DATE)) {
		char *t = content_field_text(c, f, v);

		if (t)
			cJSON_AddStringToObject(a, "text", t);
		free(t);
	} else if (v && pg->kind == KIND_YES_NO) {
		const char *t = content_message(c, strcmp(v, "yes") == 0 ? "yes" : "no");

		cJSON_AddStringToObject(a, "text", t ? t : v);
	} else if (v && pg->kind == KIND_CHOICE) {
		for (size_t o = 0; o < pg->noptions; o++)
			if (strcmp(pg->options[o].value, v) == 0) {
				plain(pg->options[o].text, scratch);
				cJSON_AddStringToObject(a, "text", buf_str(scratch));
			}
	}
	/* The person's own words, shown as written in their language and script. */
	cJSON_AddBoolToObject(a, "verbatim", v && staff_is_own_words(pg, field));
	cJSON_AddItemToObject(a, "by", by_obj(d, v ? visit_of(d, pg->id, item, field) : 0));
	cJSON_AddItemToArray(arr, a);
}

/* The picture cards the person chose on pg, as one more row (none when none is chosen): their
 * words as a list (docs/staff.md), labelled staff.cards, and who chose them. */
static void add_cards(const content *c, const staff_plan_data *d, cJSON *arr,
		      const content_page *pg)
{
	const char *v = plan_answers_get(&d->answers, pg->id, 0, CARDS_FIELD);
	const char *label = content_message(c, "staff.cards");
	cJSON *a, *words = cards_words(pg, v);

	if (!words) /* none chosen: the page's own row says what there is */
		return;
	a = cJSON_CreateObject();

	cJSON_AddStringToObject(a, "page", pg->id);
	cJSON_AddNumberToObject(a, "item", 0);
	cJSON_AddStringToObject(a, "field", CARDS_FIELD);
	cJSON_AddStringToObject(a, "label", label ? label : "Picture cards chosen");
	cJSON_AddStringToObject(a, "value", v);
	cJSON_AddItemToObject(a, "text", words);
	cJSON_AddItemToObject(a, "by", by_obj(d, visit_of(d, pg->id, 0, CARDS_FIELD)));
	cJSON_AddItemToArray(arr, a);
}

/* The entries gathered for list page `page`; NULL when it was not gathered. */
static const staff_list *list_of(const staff_plan_data *d, const char *page)
{
	for (size_t i = 0; i < d->nlists; i++)
		if (strcmp(d->lists[i].page, page) == 0)
			return &d->lists[i];
	return NULL;
}

/* One page's rows: its answer, or for a list one row per entry and field (one row saying so
 * when the list is empty). */
static void add_page(const content *c, const staff_plan_data *d, cJSON *answers,
		     const content_page *pg, buf *scratch)
{
	const staff_list *l = pg->kind == KIND_LIST ? list_of(d, pg->id) : NULL;

	if (!l || l->n == 0) {
		add_answer(c, d, answers, pg, 0, NULL, scratch);
		if (pg->ncards)
			add_cards(c, d, answers, pg);
		return;
	}
	for (size_t k = 0; k < l->n; k++)
		for (size_t f = 0; f < pg->nfields; f++)
			add_answer(c, d, answers, pg, l->ids[k], &pg->fields[f], scratch);
}

/* The person's answers, part by part in the journey's order: every page they were shown
 * (show-if holds) that takes an answer, answered or not. */
int staff_view_sections(const content *c, const staff_plan_data *d, cJSON *o)
{
	cJSON *sections = cJSON_AddArrayToObject(o, "sections");
	buf scratch = BUF_INIT;

	if (!sections)
		return -1;
	for (int part = 0; (size_t)part < content_part_count(c); part++) {
		cJSON *sec = NULL, *answers = NULL;

		for (size_t i = 0; i < content_page_count(c); i++) {
			const content_page *pg = content_page_at(c, i);

			if (pg->part != part || !flow_visible(c, &d->answers, pg) ||
			    !(page_kind_takes_answer(pg->kind) || pg->kind == KIND_LIST))
				continue;
			if (!sec) {
				sec = cJSON_CreateObject();
				cJSON_AddNumberToObject(sec, "part", part + 1);
				plain(content_part_title(c, part), &scratch);
				cJSON_AddStringToObject(sec, "title", buf_str(&scratch));
				answers = cJSON_AddArrayToObject(sec, "answers");
				cJSON_AddItemToArray(sections, sec);
			}
			add_page(c, d, answers, pg, &scratch);
		}
	}
	buf_release(&scratch);
	return 0;
}

/* The words to name a plan by: the person's name, or for a plan started at the kiosk without
 * one, staff.no-name with the day it was started (created: an ISO time). Malloc'd, or NULL. */
char *staff_view_label(const content *c, const char *person, const char *created)
{
	char *day, *label;

	if (*person)
		return strdup(person);
	day = content_date_words(c, created);
	label =
	    content_fill(c, "staff.no-name", (const char *const[]){"date", day ? day : "", NULL});
	free(day);
	return label;
}

void staff_view_detail(void *ctx, const store_plan_detail *d)
{
	staff_detail_view *dv = ctx;
	cJSON *o = dv->o, *x, *managing;
	const char *p;
	char *label;

	cJSON_AddNumberToObject(o, "plan", (double)d->id);
	cJSON_AddStringToObject(o, "person", d->person_name);
	staff_view_language(o, dv->c, dv->langs, d->lang);
	dv->status = d->status;
	label = staff_view_label(dv->c, d->person_name, d->created_at);
	cJSON_AddStringToObject(o, "label", label ? label : "");
	free(label);
	cJSON_AddStringToObject(o, "status", plan_status_name(d->status));
	cJSON_AddStringToObject(o, "created", d->created_at);
	cJSON_AddStringToObject(o, "updated", d->updated_at);
	if (*d->submitted_at)
		cJSON_AddStringToObject(o, "submitted", d->submitted_at);
	else
		cJSON_AddNullToObject(o, "submitted");
	cJSON_AddStringToObject(o, "invited_by", d->invited_by);
	if (d->budget_pence >= 0)
		cJSON_AddNumberToObject(o, "budget_pence", (double)d->budget_pence);
	else
		cJSON_AddNullToObject(o, "budget_pence");
	managing = cJSON_AddArrayToObject(o, "managing");
	for (p = d->managing; *p;) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char word[16];

		snprintf(word, sizeof(word), "%.*s", (int)n, p);
		cJSON_AddItemToArray(managing, cJSON_CreateString(word));
		p += n + (end != NULL);
	}
	cJSON_AddBoolToObject(o, "ready", d->ready);
	x = cJSON_AddObjectToObject(o, "agreed");
	if (*d->person_agreed_at)
		cJSON_AddStringToObject(x, "person", d->person_agreed_at);
	else
		cJSON_AddNullToObject(x, "person");
	if (*d->caseworker_agreed_at) {
		cJSON_AddStringToObject(x, "caseworker", d->caseworker_agreed_at);
		cJSON_AddStringToObject(x, "caseworker_name", d->caseworker_agreed_by);
	} else {
		cJSON_AddNullToObject(x, "caseworker");
		cJSON_AddNullToObject(x, "caseworker_name");
	}
	if (*d->person_disagreed_at) {
		x = cJSON_AddObjectToObject(o, "person_disagreed");
		cJSON_AddStringToObject(x, "at", d->person_disagreed_at);
		cJSON_AddStringToObject(x, "reason", d->person_disagree_reason);
	} else {
		cJSON_AddNullToObject(o, "person_disagreed");
	}
	cJSON_AddStringToObject(o, "risks", d->risks);
	cJSON_AddBoolToObject(o, "emergency_checked", d->emergency_checked);
	if (*d->not_agreed_at) {
		x = cJSON_AddObjectToObject(o, "not_agreed");
		cJSON_AddStringToObject(x, "at", d->not_agreed_at);
		cJSON_AddStringToObject(x, "by", d->not_agreed_by);
		cJSON_AddStringToObject(x, "reasons", d->not_agreed_reasons);
		cJSON_AddStringToObject(x, "safety", d->not_agreed_safety);
		cJSON_AddBoolToObject(x, "complaints_given", d->not_agreed_complaints);
	} else {
		cJSON_AddNullToObject(o, "not_agreed");
	}
	if (*d->signed_off_at) {
		x = cJSON_AddObjectToObject(o, "signed_off");
		cJSON_AddStringToObject(x, "at", d->signed_off_at);
		cJSON_AddStringToObject(x, "by", d->signed_off_by);
	} else {
		cJSON_AddNullToObject(o, "signed_off");
	}
	if (*d->panel_decision) {
		x = cJSON_AddObjectToObject(o, "panel");
		cJSON_AddStringToObject(x, "decision", d->panel_decision);
		cJSON_AddStringToObject(x, "date", d->panel_date);
	} else {
		cJSON_AddNullToObject(o, "panel");
	}
}

void staff_view_need(void *ctx, const store_need *n)
{
	cJSON *arr = ctx, *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "id", (double)n->id);
	cJSON_AddStringToObject(o, "text", n->text);
	cJSON_AddBoolToObject(o, "eligible", n->eligible);
	cJSON_AddStringToObject(o, "how", n->how);
	cJSON_AddBoolToObject(o, "direct_payment", n->direct_payment);
	cJSON_AddItemToArray(arr, o);
}

static cJSON *money(long long pence)
{
	char text[32];

	plan_money_format(pence, text, sizeof(text));
	return cJSON_CreateString(text);
}

void staff_view_support(void *ctx, long long id, const char *what, long long cost_pence)
{
	staff_support_view *sv = ctx;
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "id", (double)id);
	cJSON_AddStringToObject(o, "what", what);
	cJSON_AddNumberToObject(o, "cost_pence", (double)cost_pence);
	cJSON_AddItemToObject(o, "cost", money(cost_pence));
	cJSON_AddItemToArray(sv->items, o);
	sv->total_pence += cost_pence;
}

void staff_view_support_total(cJSON *o, const staff_support_view *sv)
{
	cJSON *support = cJSON_AddObjectToObject(o, "support");
	const cJSON *b = cJSON_GetObjectItem(o, "budget_pence");

	if (!support)
		return;
	cJSON_AddItemToObject(support, "items", sv->items);
	cJSON_AddNumberToObject(support, "total_pence", (double)sv->total_pence);
	cJSON_AddItemToObject(support, "total", money(sv->total_pence));
	cJSON_AddBoolToObject(support, "over_budget",
			      cJSON_IsNumber(b) && sv->total_pence > (long long)b->valuedouble);
}

void staff_view_comment(void *ctx, const store_comment *cm)
{
	cJSON *arr = ctx, *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "id", (double)cm->id);
	cJSON_AddStringToObject(o, "section", cm->section);
	cJSON_AddStringToObject(o, "text", cm->text);
	cJSON_AddStringToObject(o, "by", cm->author);
	cJSON_AddStringToObject(o, "at", cm->at);
	cJSON_AddBoolToObject(o, "seen", cm->seen);
	cJSON_AddItemToArray(arr, o);
}

void staff_view_flag(void *ctx, const store_flag_row *f)
{
	cJSON *arr = ctx, *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "kind", f->kind);
	cJSON_AddStringToObject(o, "raised", f->raised);
	cJSON_AddStringToObject(o, "detail", f->detail);
	cJSON_AddBoolToObject(o, "open", !*f->closed);
	if (*f->closed) {
		cJSON_AddStringToObject(o, "closed", f->closed);
		cJSON_AddStringToObject(o, "closed_by", f->closed_by);
		cJSON_AddStringToObject(o, "note", f->closed_note);
	}
	cJSON_AddItemToArray(arr, o);
}

void staff_view_version(void *ctx, const store_version *v)
{
	cJSON *arr = ctx, *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "n", v->n);
	cJSON_AddStringToObject(o, "kind", v->kind);
	cJSON_AddStringToObject(o, "at", v->at);
	cJSON_AddStringToObject(o, "by", *v->by ? v->by : v->actor_kind);
	cJSON_AddStringToObject(o, "role", v->role);
	cJSON_AddItemToArray(arr, o);
}

void staff_view_review(void *ctx, const store_review *rv)
{
	staff_reviews_view *rc = ctx;
	cJSON *o = cJSON_CreateObject(), *answers = cJSON_Parse(rv->answers);
	plan_review_state state = plan_review_state_on(rv->due, rc->today);
	int open = strcmp(rv->state, "open") == 0;

	cJSON_AddStringToObject(o, "kind", rv->kind);
	cJSON_AddStringToObject(o, "due", rv->due);
	cJSON_AddStringToObject(o, "state", rv->state);
	cJSON_AddBoolToObject(o, "due_soon", open && state == PLAN_REVIEW_SOON);
	cJSON_AddBoolToObject(o, "overdue", open && state == PLAN_REVIEW_OVERDUE);
	if (*rv->done_at) {
		cJSON_AddStringToObject(o, "done", rv->done_at);
		cJSON_AddStringToObject(o, "by", rv->done_by);
	} else {
		cJSON_AddNullToObject(o, "done");
	}
	if (*rv->outcome)
		cJSON_AddStringToObject(o, "outcome", rv->outcome);
	else
		cJSON_AddNullToObject(o, "outcome");
	cJSON_AddItemToObject(o, "answers", answers ? answers : cJSON_CreateObject());
	cJSON_AddItemToArray(rc->arr, o);
}

void staff_view_can(cJSON *o, plan_status s, int ready, int caseworker_agreed)
{
	cJSON *can = cJSON_AddObjectToObject(o, "can");

	cJSON_AddBoolToObject(can, "council", plan_council_parts_open(s));
	cJSON_AddBoolToObject(can, "send_back", plan_can_transition(s, PLAN_CHANGES_REQUESTED));
	cJSON_AddBoolToObject(can, "ready", plan_asks_agreement(s) && !ready);
	cJSON_AddBoolToObject(can, "agree", plan_asks_agreement(s) && !caseworker_agreed);
	cJSON_AddBoolToObject(can, "not_agreed", plan_can_transition(s, PLAN_NOT_AGREED));
	cJSON_AddBoolToObject(can, "sign_off",
			      s == PLAN_AGREED && plan_can_transition(s, PLAN_SIGNED_OFF));
	cJSON_AddBoolToObject(can, "review", plan_council_agreed(s));
}

/* "label": the words to name the plan by (staff_view_label). */
static void add_label(cJSON *o, const content *c, const char *person, const char *created)
{
	char *label = staff_view_label(c, person, created);

	cJSON_AddStringToObject(o, "label", label ? label : "");
	free(label);
}

void staff_view_urgent(void *ctx, const store_flag_row *f)
{
	staff_caseload_view *cc = ctx;
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "plan", (double)f->plan);
	cJSON_AddStringToObject(o, "person", f->person);
	cJSON_AddStringToObject(o, "kind", f->kind);
	cJSON_AddStringToObject(o, "raised", f->raised);
	cJSON_AddStringToObject(o, "detail", f->detail);
	add_label(o, cc->c, f->person, f->created);
	staff_view_language(o, cc->c, cc->langs, f->lang);
	cJSON_AddItemToArray(cc->urgent, o);
}

void staff_view_caseload_plan(void *ctx, const store_caseload_row *row)
{
	staff_caseload_view *cc = ctx;
	cJSON *o = cJSON_CreateObject(), *flags;

	cJSON_AddNumberToObject(o, "plan", (double)row->plan);
	cJSON_AddStringToObject(o, "person", row->person);
	cJSON_AddStringToObject(o, "status", plan_status_name(row->status));
	cJSON_AddStringToObject(o, "updated", row->updated);
	add_label(o, cc->c, row->person, row->created);
	staff_view_language(o, cc->c, cc->langs, row->lang);
	flags = cJSON_AddArrayToObject(o, "flags");
	for (size_t k = 0; k < STORE_FLAG_KINDS; k++) {
		cJSON *f;

		if (!*row->flag_raised[k])
			continue;
		f = cJSON_CreateObject();
		cJSON_AddStringToObject(f, "kind", store_flag_kind(k));
		cJSON_AddStringToObject(f, "raised", row->flag_raised[k]);
		cJSON_AddItemToArray(flags, f);
	}
	if (*row->review_due) {
		cJSON *rv = cJSON_AddObjectToObject(o, "review");
		plan_review_state state = plan_review_state_on(row->review_due, cc->today);

		cJSON_AddStringToObject(rv, "kind", row->review_kind);
		cJSON_AddStringToObject(rv, "due", row->review_due);
		cJSON_AddBoolToObject(rv, "due_soon", state == PLAN_REVIEW_SOON);
		cJSON_AddBoolToObject(rv, "overdue", state == PLAN_REVIEW_OVERDUE);
	} else {
		cJSON_AddNullToObject(o, "review");
	}
	cJSON_AddItemToArray(cc->rows, o);
}

void staff_view_audit_row(cJSON *rows, const store_audit_row *row, const char *who)
{
	cJSON *o = cJSON_CreateObject(), *detail = cJSON_Parse(row->detail);
	char at[STAFF_ISO_LEN];

	staff_iso_ms(row->at_ms, at);
	cJSON_AddNumberToObject(o, "id", (double)row->id);
	cJSON_AddStringToObject(o, "at", at);
	cJSON_AddStringToObject(o, "who", who);
	cJSON_AddStringToObject(o, "actor", row->actor_kind);
	cJSON_AddStringToObject(o, "role", row->role);
	cJSON_AddStringToObject(o, "action", row->action);
	cJSON_AddItemToObject(o, "detail", detail ? detail : cJSON_CreateObject());
	cJSON_AddItemToArray(rows, o);
}

cJSON *staff_view_message(const char *type, long long seq)
{
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "type", type);
	message_add_seq(o, seq);
	return o;
}

/* A plan's status in words for a message: "staff.status.<name>" from the content, or the name
 * with spaces. Into out. */
static void status_words(const content *c, const char *status, char *out, size_t n)
{
	char name[48];
	const char *t;

	snprintf(name, sizeof(name), "staff.status.%s", status);
	t = content_message(c, name);
	snprintf(out, n, "%s", t ? t : status);
	if (!t)
		for (char *p = out; *p; p++)
			if (*p == '_')
				*p = ' ';
}

cJSON *staff_view_error(const content *c, const char *code, long long seq, const char *const *kv,
			const char *status)
{
	cJSON *e = staff_view_message("error", seq);
	char name[64], words[64];
	const char *status_kv[] = {"status", words, NULL}; /* as long as kv may point here */
	int with_status = status && strcmp(code, "not-allowed") == 0;
	char *text;

	if (!e)
		return NULL;
	/* Staff read their own wording where the content has one; otherwise the kiosk's. */
	snprintf(name, sizeof(name), "staff.error.%s", code);
	if (!content_message(c, name))
		snprintf(name, sizeof(name), "error.%s", code);
	else if (with_status) {
		status_words(c, status, words, sizeof(words));
		kv = status_kv;
	}
	text = content_fill(c, name, kv);
	cJSON_AddStringToObject(e, "code", code);
	cJSON_AddStringToObject(e, "message", text ? text : code);
	if (with_status)
		cJSON_AddStringToObject(e, "status", status);
	free(text);
	return e;
}
