#include "protocol.h"

#include "code.h"
#include "flow.h"
#include "limiter.h"
#include "message.h"
#include "plan.h"
#include "utf8.h"
#include "view.h"
#include "workflow.h"

#include <assert.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CONNECTION_FREE_TRIES 3 /* wrong codes on one connection before it must wait */
#define CONNECTION_WAIT_MAX 300

typedef struct held_msg {
	struct held_msg *next;
	size_t len;
	int close_after;
	char data[];
} held_msg;

struct protocol {
	const content *c;
	store *st;
	unsigned char key[CODE_KEY_BYTES];
	protocol_config cfg;
	message_io io;
	limiter *lim;
	session *waiting; /* sessions with replies held for the open batch */
	size_t code_index;
	narrator *nar; /* NULL: no sound */
	struct {
		const char **texts; /* borrowed from the content */
		size_t ntexts, next, done, total;
		int outstanding;
	} pre;
};

#define PRERENDER_AT_ONCE 4 /* so a person's own request waits behind at most a few */

#define MAX_NARRATIONS 64 /* texts one session may have waiting for the voice */
#define TEXT_ID_LEN 160

/* A text on the page the session was last shown: what narrate may ask for. */
typedef struct page_text {
	char *id;
	char *text;
} page_text;

typedef struct pending_narration {
	uint64_t tag; /* also the `n` in its messages and audio frames (its low 32 bits) */
	long long seq;
	int started; /* the `narration` message has gone */
	size_t sent; /* samples sent */
	char id[TEXT_ID_LEN];
	char voice[32];
	char speed[16];
} pending_narration;

struct session {
	protocol *p;
	void *conn;
	char addr[64];

	long long plan; /* 0 until a plan is open */
	long long visit;
	char code[CODE_MAX];
	plan_status status;
	long long budget;
	char managing[64]; /* the ways of managing the council offered ("" when none were named) */

	size_t page;
	long long editing;
	int return_to_check;
	int new_code;
	int review_requested;
	int disagree_sent;
	const char *notice;
	plan_answers held_answers; /* "who is writing" answers, until the plan's opening commits */
	int opened_in_batch;       /* the plan was opened in the batch not yet committed */

	int wrong_codes;
	time_t wait_until;

	/* set while a handler fails */
	message_error err;

	page_text *texts; /* of the page last shown */
	size_t ntexts;
	pending_narration narrations[MAX_NARRATIONS];
	size_t nnarrations;
	uint64_t next_tag;

	int in_batch;
	held_msg *held;
	held_msg **held_tail;
	session *next_waiting;
};

/* Visit fields: the "who is writing" pages are recorded per visit as well as answers. */
static const struct {
	const char *page;
	const char *field;
} visit_pages[] = {
	{ "who", "writer" },
	{ "helper-name", "helper_name" },
	{ "helper-relationship", "helper_relationship" },
};

/* Pages outside the journey that Back leaves for the welcome-back page. */
static int returns_to_welcome_back(const content_page *pg)
{
	return pg->kind == KIND_STATUS || pg->kind == KIND_REVIEW || pg->kind == KIND_COMMENTS ||
	       pg->kind == KIND_AGREE || pg->kind == KIND_AGREED || pg->kind == KIND_NOT_AGREED ||
	       pg->kind == KIND_COPY;
}

/* ---- replies ---- */

static void send_raw(session *s, const char *data, size_t len, int close_after)
{
	held_msg *h;

	if (!s->in_batch) {
		s->p->io.send(s->conn, data, len, close_after);
		return;
	}
	h = malloc(sizeof(*h) + len);
	if (!h)
		return;
	h->next = NULL;
	h->len = len;
	h->close_after = close_after;
	memcpy(h->data, data, len);
	*s->held_tail = h;
	s->held_tail = &h->next;
}

/* Sends (or holds) msg and deletes it. */
static void reply(session *s, cJSON *msg, int close_after)
{
	char *text;

	if (!msg)
		return;
	text = cJSON_PrintUnformatted(msg);
	if (text)
		send_raw(s, text, strlen(text), close_after);
	free(text);
	cJSON_Delete(msg);
}

static void reply_error(session *s, const char *code, long long seq, const char *const *kv)
{
	reply(s, view_error(s->p->c, code, seq, kv), 0);
}

static int fail(session *s, const char *code)
{
	message_fail(&s->err, code, NULL, 0);
	return -1; /* here, so the compiler sees every failing path return -1 */
}

static int fail_with(session *s, const char *code, const char *name, long long value)
{
	message_fail(&s->err, code, name, value);
	return -1;
}

/* From now until the commit, this session's replies wait for the batch. */
static void join_batch(session *s)
{
	if (s->in_batch)
		return;
	s->in_batch = 1;
	s->held = NULL;
	s->held_tail = &s->held;
	s->next_waiting = s->p->waiting;
	s->p->waiting = s;
}

static void drop_held(session *s)
{
	while (s->held) {
		held_msg *h = s->held;

		s->held = h->next;
		free(h);
	}
	s->held_tail = &s->held;
}

/* ---- the plan's state ---- */

static int load_answer(void *ctx, const char *page, long long item, const char *field,
		       const char *value)
{
	return plan_answers_add(ctx, page, item, field, value);
}

/* The answers the flow and the page see: the plan's, or those held before it opened. */
static int load_answers(session *s, plan_answers *pa)
{
	plan_answers_init(pa);
	if (!s->plan) {
		for (size_t i = 0; i < s->held_answers.n; i++)
			if (plan_answers_add(pa, s->held_answers.a[i].page, 0, "",
					     s->held_answers.a[i].value))
				return -1;
		return 0;
	}
	return store_answers_each(s->p->st, s->plan, load_answer, pa);
}

/* The open plan's status, read afresh into s->status: another kiosk with the same code, or
 * staff, may have moved it since this session opened it. */
static plan_status status_now(session *s)
{
	store_plan pl;

	if (s->plan && store_plan_get(s->p->st, s->plan, &pl) == 0)
		s->status = pl.status;
	return s->status;
}

/* 1 when the open plan cannot be changed by the person now. */
static int read_only(session *s)
{
	if (!s->plan)
		return 0;
	return !plan_person_can_edit(status_now(s));
}

static size_t kind_index(const session *s, page_kind kind)
{
	size_t i = 0;

	content_page_find(s->p->c, content_page_of_kind(s->p->c, kind)->id, &i);
	return i;
}

static void forget_texts(session *s)
{
	for (size_t i = 0; i < s->ntexts; i++) {
		free(s->texts[i].id);
		free(s->texts[i].text);
	}
	free(s->texts);
	s->texts = NULL;
	s->ntexts = 0;
}

/* Every {"id","text"} object in the page description: the texts narration may read. */
static void remember_texts(session *s, const cJSON *node)
{
	const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(node, "id"));
	const char *text = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(node, "text"));
	const cJSON *child;

	if (id && text && strlen(id) < TEXT_ID_LEN) {
		page_text *t = realloc(s->texts, (s->ntexts + 1) * sizeof(*t));

		if (t) {
			s->texts = t;
			t[s->ntexts].id = strdup(id);
			t[s->ntexts].text = strdup(text);
			if (t[s->ntexts].id && t[s->ntexts].text)
				s->ntexts++;
			else {
				free(t[s->ntexts].id);
				free(t[s->ntexts].text);
			}
		}
	}
	cJSON_ArrayForEach(child, node)
	{
		if (cJSON_IsObject(child) || cJSON_IsArray(child))
			remember_texts(s, child);
	}
}

#define FILLED_BLANKS 4 /* blanks a message filled from its id may have */
#define FILLED_DIGITS 6 /* digits in each value */

/* A message with its blanks filled from the id: "timeout.body?seconds=30" (what follows "msg/";
 * values joined with &). Each key must be a blank of the message, given once; every blank must be
 * filled; each value is 1 to FILLED_DIGITS digits. Anything else, or a message without blanks
 * asked for this way, is NULL. Returns a malloc'd text. */
static char *filled_message(const content *c, const char *name_and_values)
{
	const char *q = strchr(name_and_values, '?'), *text, *t, *open, *close;
	char name[TEXT_ID_LEN], keys[FILLED_BLANKS][TEXT_ID_LEN];
	char values[FILLED_BLANKS][FILLED_DIGITS + 1];
	const char *kv[2 * FILLED_BLANKS + 1];
	int used[FILLED_BLANKS] = { 0 };
	size_t n = 0;

	if (!q || (size_t)(q - name_and_values) >= sizeof(name))
		return NULL;
	snprintf(name, sizeof(name), "%.*s", (int)(q - name_and_values), name_and_values);
	if (!(text = content_message(c, name)))
		return NULL;
	for (t = q + 1;;) {
		size_t klen = strcspn(t, "=&"), vlen;

		if (n == FILLED_BLANKS || klen == 0 || klen >= TEXT_ID_LEN || t[klen] != '=')
			return NULL;
		vlen = strspn(t + klen + 1, "0123456789");
		if (vlen < 1 || vlen > FILLED_DIGITS)
			return NULL;
		snprintf(keys[n], sizeof(keys[n]), "%.*s", (int)klen, t);
		snprintf(values[n], sizeof(values[n]), "%.*s", (int)vlen, t + klen + 1);
		for (size_t k = 0; k < n; k++)
			if (strcmp(keys[k], keys[n]) == 0)
				return NULL;
		kv[2 * n] = keys[n];
		kv[2 * n + 1] = values[n];
		n++;
		t += klen + 1 + vlen;
		if (!*t)
			break;
		if (*t++ != '&')
			return NULL;
	}
	kv[2 * n] = NULL;
	/* Every blank filled, and every key a blank: the blanks as content_fill finds them, "{" to the
	 * next "}". */
	for (open = strchr(text, '{'); open && (close = strchr(open, '}'));
	     open = strchr(close, '{')) {
		size_t k = 0, len = (size_t)(close - open - 1);

		while (k < n && (strlen(keys[k]) != len || strncmp(keys[k], open + 1, len) != 0))
			k++;
		if (k == n)
			return NULL;
		used[k] = 1;
	}
	for (size_t k = 0; k < n; k++)
		if (!used[k])
			return NULL;
	return content_fill(c, name, kv);
}

/* The person's answer on its own page, as stored now: it changes as they type, and the page is
 * not drawn again for that ("saved" says it is stored), so the text drawn with the page is old. */
static void refresh_own_answer(session *s, page_text *t)
{
	const content_page *pg = content_page_at(s->p->c, s->page);
	plan_answers pa;
	char *now = NULL;

	if ((pg->kind != KIND_TEXT && pg->kind != KIND_LONG_TEXT && pg->kind != KIND_REVIEW &&
	     pg->kind != KIND_NOT_AGREED) ||
	    strncmp(t->id, "answer/", 7) != 0 || strcmp(t->id + 7, pg->id) != 0)
		return;
	if (load_answers(s, &pa) == 0) {
		const char *v = plan_answers_get(&pa, pg->id, 0, "");

		now = strdup(v ? v : "");
	}
	plan_answers_release(&pa);
	if (now) {
		free(t->text);
		t->text = now;
	}
}

/* The text narration may read for id: one on the page last shown (the person's answer on its own
 * page as stored now), any message of the content that has no blanks to fill ("Saved", error
 * messages, button labels), or a message with its blanks filled from the id (filled_message).
 * A filled message is kept with the page's texts, in place of the one filled before, so what is
 * returned stays valid until the next call or the next page (narrator_say copies it at once). */
static const char *page_text_of(session *s, const char *id)
{
	const char *t;
	char *filled, *fid;
	page_text *last;

	if (strlen(id) >= TEXT_ID_LEN)
		return NULL;
	for (size_t i = 0; i < s->ntexts; i++)
		if (strcmp(s->texts[i].id, id) == 0) {
			refresh_own_answer(s, &s->texts[i]);
			return s->texts[i].text;
		}
	if (strncmp(id, "msg/", 4) != 0)
		return NULL;
	if (!strchr(id, '?'))
		return (t = content_message(s->p->c, id + 4)) && !strchr(t, '{') ? t : NULL;
	if (!(filled = filled_message(s->p->c, id + 4)))
		return NULL;
	fid = strdup(id);
	last = s->ntexts ? &s->texts[s->ntexts - 1] : NULL;
	if (fid && !(last && strncmp(last->id, "msg/", 4) == 0 && strchr(last->id, '?'))) {
		last = realloc(s->texts, (s->ntexts + 1) * sizeof(*last));
		if (last) {
			s->texts = last;
			last = &s->texts[s->ntexts++];
			*last = (page_text){ NULL, NULL };
		}
	}
	if (!fid || !last) {
		free(fid);
		free(filled);
		return NULL;
	}
	free(last->id);
	free(last->text);
	last->id = fid;
	last->text = filled;
	return filled;
}

typedef struct comment_count {
	int all, unseen;
} comment_count;

static void count_comment(void *ctx, const store_comment *c)
{
	comment_count *n = ctx;

	n->all++;
	n->unseen += !c->seen;
}

/* What the social worker has written on the open plan. */
static comment_count comments_of(session *s)
{
	comment_count n = { 0, 0 };

	store_comments_each(s->p->st, s->plan, count_comment, &n);
	return n;
}

/* 1 when the social worker wrote something the person has not been shown. */
static int new_comments(session *s)
{
	return comments_of(s).unseen > 0;
}

/* 1 while the social worker is asking the person to agree and they have not said yes. */
static int agreement_asked(session *s)
{
	int ready = 0, agreed = 0;

	return plan_asks_agreement(s->status) &&
	       store_plan_agreement(s->p->st, s->plan, &ready, &agreed, NULL) == 0 && ready && !agreed;
}

static void show_page(session *s, long long seq)
{
	const content *c = s->p->c;
	const content_page *pg = content_page_at(c, s->page);
	plan_answers pa;
	view_params vp = { 0 };
	cJSON *msg;

	if (load_answers(s, &pa)) {
		plan_answers_release(&pa);
		reply_error(s, "server", seq, NULL);
		return;
	}
	vp.c = c;
	vp.st = s->p->st;
	vp.plan = s->plan;
	vp.answers = &pa;
	vp.status = s->plan ? s->status : PLAN_DRAFT;
	vp.budget_pence = s->plan ? s->budget : -1;
	vp.managing = s->plan ? s->managing : NULL;
	vp.code = s->plan ? s->code : NULL;
	vp.new_code = s->new_code;
	vp.editing = pg->kind == KIND_LIST ? s->editing : 0;
	if (s->plan && pg->part < 0) { /* the pages for coming back offer what applies now */
		vp.has_comments = comments_of(s).all > 0;
		vp.agreement_asked = agreement_asked(s);
	}
	vp.review_requested = s->review_requested;
	vp.disagree_sent = s->disagree_sent;
	vp.notice = s->notice;
	vp.read_only = read_only(s);
	if (pg->part >= 0) {
		vp.back = flow_prev(c, &pa, s->page) >= 0;
		vp.next = pg->kind != KIND_SEND && (s->return_to_check || flow_next(c, &pa, s->page) >= 0);
		if (pg->kind == KIND_CODE && !s->plan)
			vp.next = 0;
	} else {
		vp.back = s->plan && returns_to_welcome_back(pg);
		vp.next = 0;
	}
	msg = view_page(&vp, s->page);
	forget_texts(s);
	remember_texts(s, msg);
	message_add_seq(msg, seq);
	reply(s, msg, 0);
	s->notice = NULL;
	plan_answers_release(&pa);
}

/* Moves to a page and shows it; remembers journey pages so "carry on" can return there. */
static void go_to(session *s, size_t index, long long seq)
{
	const content_page *pg = content_page_at(s->p->c, index);

	if (index != s->page)
		s->editing = 0;
	s->page = index;
	/* Not acknowledged to anyone: the page goes out now, unheld, and the change commits with
	 * the current batch (or opens one). */
	if (s->plan && pg->part >= 0 && !read_only(s) && store_request_begin(s->p->st, NULL, 0) == 0) {
		if (store_plan_set_last_page(s->p->st, s->plan, pg->id))
			store_request_undo(s->p->st);
		else
			store_request_end(s->p->st);
	}
	show_page(s, seq);
}

static const char *visit_field(const char *page)
{
	for (size_t i = 0; i < sizeof(visit_pages) / sizeof(*visit_pages); i++)
		if (strcmp(visit_pages[i].page, page) == 0)
			return visit_pages[i].field;
	return NULL;
}

static int store_answer(session *s, const char *page, long long item, const char *field,
			const char *value)
{
	const char *vf = item ? NULL : visit_field(page);

	if (store_answer_set(s->p->st, s->plan, s->visit, page, item, field, value, NULL, 0))
		return fail(s, "not-saved");
	if (vf && store_visit_set(s->p->st, s->visit, vf, value))
		return fail(s, "not-saved");
	return 0;
}

static void close_plan(session *s)
{
	s->plan = 0;
	s->visit = 0;
	sodium_memzero(s->code, sizeof(s->code));
	s->status = PLAN_DRAFT;
	s->editing = 0;
	s->new_code = 0;
}

static void keep_managing(void *ctx, const store_plan_detail *d)
{
	session *s = ctx;

	snprintf(s->managing, sizeof(s->managing), "%s", d->managing);
}

/* Opens the plan for this session: a new visit, with the answers held so far. */
static int open_plan(session *s, long long id, const char *code)
{
	store_plan pl;

	s->managing[0] = '\0';
	if (store_plan_get(s->p->st, id, &pl) || store_plan_detail_get(s->p->st, id, keep_managing, s))
		return fail(s, "server");
	if (store_visit_start(s->p->st, id, &s->visit)) {
		s->visit = 0;
		return fail(s, "not-saved");
	}
	s->plan = id;
	snprintf(s->code, sizeof(s->code), "%s", code);
	s->status = pl.status;
	s->budget = pl.budget_pence;
	for (size_t i = 0; i < s->held_answers.n; i++) {
		const plan_answer *a = &s->held_answers.a[i];
		const char *vf = visit_field(a->page);

		/* A sent plan keeps its answers; who helped on this visit is still recorded. */
		if (!read_only(s) ? store_answer(s, a->page, 0, "", a->value) != 0
				  : vf && store_visit_set(s->p->st, s->visit, vf, a->value) != 0) {
			close_plan(s); /* the request is undone: so is the opening */
			return fail(s, "not-saved");
		}
	}
	/* The held answers are dropped only once this commits (protocol_flush). */
	s->opened_in_batch = 1;
	return 0;
}


/* ---- message fields ---- */

static const content_page *list_page(session *s, const cJSON *m)
{
	const char *id = message_str(m, "page");
	const content_page *pg = id ? content_page_find(s->p->c, id, NULL) : NULL;

	return pg && pg->kind == KIND_LIST ? pg : NULL;
}

/* ---- handlers ---- */

static int handle_go(session *s, const cJSON *m, long long seq)
{
	const content *c = s->p->c;
	const char *to = message_str(m, "to");
	const content_page *cur = content_page_at(c, s->page), *pg;
	plan_answers pa;
	long long target = -1;
	size_t index;
	int was_check = cur->kind == KIND_CHECK;

	if (!to)
		return fail(s, "bad-message");
	if (load_answers(s, &pa)) {
		plan_answers_release(&pa);
		return fail(s, "server");
	}
	if (strcmp(to, "next") == 0) {
		if (cur->kind == KIND_CODE && !s->plan)
			fail(s, "no-plan");
		else if (cur->part < 0 || cur->kind == KIND_SEND)
			fail(s, "not-allowed");
		else if (s->return_to_check)
			target = (long long)kind_index(s, KIND_CHECK);
		else if (cur->kind == KIND_CHECK && read_only(s)) /* read back: nothing to send */
			target = (long long)kind_index(s, KIND_WELCOME_BACK);
		else if ((target = flow_next(c, &pa, s->page)) < 0)
			fail(s, "not-allowed");
		if (target >= 0)
			s->return_to_check = 0;
	} else if (strcmp(to, "back") == 0) {
		if (cur->part >= 0)
			target = flow_prev(c, &pa, s->page);
		else if (s->plan && returns_to_welcome_back(cur))
			target = (long long)kind_index(s, KIND_WELCOME_BACK);
		if (target < 0)
			fail(s, "not-allowed");
	} else if (!s->plan) {
		fail(s, "no-plan");
	} else if (strcmp(to, "continue") == 0) {
		if (read_only(s))
			target = (long long)kind_index(s, KIND_STATUS);
		else {
			store_plan pl;

			if (store_plan_get(s->p->st, s->plan, &pl) == 0 &&
			    (pg = content_page_find(c, pl.last_page, &index)) &&
			    index > s->p->code_index && flow_visible(c, &pa, pg))
				target = (long long)index;
			else
				target = flow_next(c, &pa, s->p->code_index);
		}
	} else if (strcmp(to, "check") == 0) {
		target = (long long)kind_index(s, KIND_CHECK);
	} else if (strcmp(to, "status") == 0) {
		target = (long long)kind_index(s, KIND_STATUS);
	} else if (strcmp(to, "review") == 0) {
		target = (long long)kind_index(s, KIND_REVIEW);
	} else if (strcmp(to, "comments") == 0) {
		target = (long long)kind_index(s, KIND_COMMENTS);
	} else if (strcmp(to, "agree") == 0 || strcmp(to, "not-agreed") == 0) {
		int ready = 0, agreed = 0;

		/* Only while the social worker is asking: otherwise there is nothing to answer. */
		if (!plan_asks_agreement(status_now(s)) ||
		    store_plan_agreement(s->p->st, s->plan, &ready, &agreed, NULL) != 0 || !ready)
			fail(s, "not-allowed");
		else
			target = (long long)kind_index(s, to[0] == 'a' ? KIND_AGREE : KIND_NOT_AGREED);
	} else if (strcmp(to, "copy") == 0) {
		/* The person's copy: only of a plan the council has agreed. */
		if (!plan_council_agreed(status_now(s)))
			fail(s, "not-allowed");
		else
			target = (long long)kind_index(s, KIND_COPY);
	} else if (strcmp(to, "save-later") == 0) {
		target = (long long)kind_index(s, KIND_SAVED_CODE);
	} else if (strcmp(to, "welcome-back") == 0) {
		target = (long long)kind_index(s, KIND_WELCOME_BACK);
	} else if ((pg = content_page_find(c, to, &index)) && flow_visible(c, &pa, pg) &&
		   pg->kind != KIND_CODE) {
		target = (long long)index;
		s->return_to_check = was_check;
	} else {
		fail(s, "bad-field");
	}
	plan_answers_release(&pa);
	if (target < 0)
		return -1;
	s->new_code = 0;
	go_to(s, (size_t)target, seq);
	return 0;
}

/* Checks an answer's value against its page or list field; *stored gets what to store. */
static int check_value(session *s, const content_page *pg, const content_field *f,
		       const char *value, char *stored, size_t storedlen)
{
	int limit = f ? f->limit : pg->limit;
	size_t chars = utf8_chars(value, strlen(value));

	snprintf(stored, storedlen, "%s", value);
	if (chars > (size_t)limit)
		return fail_with(s, "too-long", "limit", limit);
	if (!f && (pg->kind == KIND_CHOICE || pg->kind == KIND_YES_NO) && *value) {
		int ok = pg->kind == KIND_YES_NO && (!strcmp(value, "yes") || !strcmp(value, "no"));

		for (size_t o = 0; o < pg->noptions; o++)
			ok |= !strcmp(pg->options[o].value, value);
		if (!ok)
			return fail(s, "bad-field");
	}
	if (f && f->type == FIELD_MONEY && *value) {
		long long pence;

		if (plan_money_parse(value, &pence))
			return fail(s, "bad-money");
		snprintf(stored, storedlen, "%lld", pence);
	}
	if (f && f->type == FIELD_DATE && *value && !plan_date_valid(value))
		return fail(s, "bad-date");
	return 0;
}

static int handle_answer(session *s, const cJSON *m, long long seq)
{
	const content *c = s->p->c;
	const char *page = message_str(m, "page"), *value = message_str(m, "value");
	const char *field = message_str(m, "field");
	long long item = message_id(m, "item");
	const content_page *pg;
	const content_field *f = NULL;
	size_t index;
	char *stored = NULL;
	cJSON *ack;
	int rc = -1, raised = 0;

	if (!page || !value || item < 0 || (cJSON_HasObjectItem(m, "field") && !field))
		return fail(s, "bad-message");
	pg = content_page_find(c, page, &index);
	if (!pg)
		return fail(s, "bad-field");
	if (item || field) {
		if (pg->kind != KIND_LIST || !item || !field)
			return fail(s, "bad-field");
		for (size_t k = 0; k < pg->nfields; k++)
			if (strcmp(pg->fields[k].name, field) == 0)
				f = &pg->fields[k];
		if (!f)
			return fail(s, "bad-field");
	} else if (!page_kind_takes_answer(pg->kind)) {
		return fail(s, "bad-field");
	}
	stored = malloc(strlen(value) + 32);
	if (!stored)
		return fail(s, "server");
	if (check_value(s, pg, f, value, stored, strlen(value) + 32))
		goto out;
	if (!s->plan) {
		/* Only the pages before the code can be answered before a plan is open. */
		if (f || index >= s->p->code_index) {
			fail(s, "no-plan");
			goto out;
		}
		if (plan_answers_set(&s->held_answers, page, 0, "", stored)) {
			fail(s, "server");
			goto out;
		}
		ack = cJSON_CreateObject();
		cJSON_AddStringToObject(ack, "type", "kept");
		message_add_seq(ack, seq);
		cJSON_AddStringToObject(ack, "page", page);
		reply(s, ack, 0);
		rc = 0;
		goto out;
	}
	if (pg->kind != KIND_REVIEW && pg->kind != KIND_NOT_AGREED && read_only(s)) {
		fail(s, "already-sent");
		goto out;
	}
	if (f && store_item_exists(s->p->st, s->plan, page, item) != 0) {
		fail(s, "no-item");
		goto out;
	}
	if (store_answer(s, page, item, f ? f->name : "", stored))
		goto out;
	if (pg->flag && strcmp(stored, "yes") == 0 &&
	    store_flag_raise(s->p->st, s->plan, s->visit, pg->flag, "", &raised)) {
		fail(s, "not-saved");
		goto out;
	}
	ack = cJSON_CreateObject();
	cJSON_AddStringToObject(ack, "type", "saved");
	message_add_seq(ack, seq);
	cJSON_AddStringToObject(ack, "page", page);
	if (f) {
		cJSON_AddNumberToObject(ack, "item", (double)item);
		cJSON_AddStringToObject(ack, "field", f->name);
	}
	if (raised)
		cJSON_AddStringToObject(ack, "flag", pg->flag);
	reply(s, ack, 0);
	rc = 0;
out:
	free(stored);
	return rc;
}

/* Where someone arriving with a code goes: back to their plan's menu, or on to start it. */
static void arrive(session *s, long long seq)
{
	const content *c = s->p->c;
	plan_answers pa;
	int started = read_only(s);
	long long next;

	if (load_answers(s, &pa) == 0)
		for (size_t i = 0; i < pa.n && !started; i++) {
			size_t index;

			if (content_page_find(c, pa.a[i].page, &index) && index > s->p->code_index)
				started = 1;
		}
	next = flow_next(c, &pa, s->p->code_index);
	plan_answers_release(&pa);
	if (started && new_comments(s)) {
		/* What the social worker wrote, first, the new comments marked new; shown, they count
		 * as seen from now (in the request that opens the plan, so it is undone with it). */
		go_to(s, kind_index(s, KIND_COMMENTS), seq);
		store_comments_mark_seen(s->p->st, s->plan);
	} else if (started && agreement_asked(s))
		go_to(s, kind_index(s, KIND_AGREE), seq);
	else if (started || next < 0)
		go_to(s, kind_index(s, KIND_WELCOME_BACK), seq);
	else
		go_to(s, (size_t)next, seq);
}

static int handle_code(session *s, const cJSON *m, long long seq)
{
	protocol *p = s->p;
	const char *typed = message_str(m, "code");
	char canonical[CODE_MAX];
	unsigned char hash[CODE_HASH_BYTES];
	long long id;
	time_t now = time(NULL);
	int wait, found;

	if (!typed)
		return fail(s, "bad-message");
	if (s->plan)
		return fail(s, "not-allowed");
	if (now < s->wait_until)
		return fail_with(s, "slow-down", "seconds", (long long)(s->wait_until - now));
	if ((wait = limiter_wait(p->lim, s->addr, now)) > 0)
		return fail_with(s, "slow-down", "seconds", wait);
	found = code_normalise(p->c, typed, strlen(typed), canonical) == 0;
	if (found) {
		code_hash(p->key, canonical, hash);
		found = store_plan_find(p->st, hash, &id) == 0;
	}
	if (!found) {
		limiter_fail(p->lim, s->addr, now);
		if (++s->wrong_codes >= CONNECTION_FREE_TRIES) {
			int w = 5 << (s->wrong_codes - CONNECTION_FREE_TRIES < 6
					      ? s->wrong_codes - CONNECTION_FREE_TRIES
					      : 6);

			s->wait_until = now + (w < CONNECTION_WAIT_MAX ? w : CONNECTION_WAIT_MAX);
		}
		sodium_memzero(canonical, sizeof(canonical));
		return fail(s, "wrong-code");
	}
	if (open_plan(s, id, canonical)) {
		sodium_memzero(canonical, sizeof(canonical));
		return -1;
	}
	sodium_memzero(canonical, sizeof(canonical));
	s->wrong_codes = 0;
	arrive(s, seq);
	return 0;
}

static int handle_new_plan(session *s, const cJSON *m, long long seq)
{
	protocol *p = s->p;
	char code[CODE_MAX];
	unsigned char hash[CODE_HASH_BYTES];
	long long id;
	int tries = 0;

	(void)m;
	if (s->plan)
		return fail(s, "not-allowed");
	do {
		if (++tries > 5)
			return fail(s, "server");
		code_generate(p->c, code);
		code_hash(p->key, code, hash);
	} while (store_plan_find(p->st, hash, &id) != 1);
	if (store_plan_create(p->st, hash, "", -1, &id, NULL, 0))
		return fail(s, "not-saved");
	if (open_plan(s, id, code))
		return -1;
	sodium_memzero(code, sizeof(code));
	s->new_code = 1;
	go_to(s, p->code_index, seq);
	return 0;
}

/* Shows a list page, editing one entry (or none: 0). */
static void show_list(session *s, const content_page *pg, long long editing, long long seq)
{
	size_t index;

	content_page_find(s->p->c, pg->id, &index);
	s->page = index;
	s->editing = editing;
	show_page(s, seq);
}

static int handle_item_add(session *s, const cJSON *m, long long seq)
{
	const content_page *pg = list_page(s, m);
	long long item;
	int n;

	if (!pg)
		return fail(s, "bad-field");
	n = store_item_count(s->p->st, s->plan, pg->id);
	if (n < 0)
		return fail(s, "server");
	if (n >= PLAN_MAX_ITEMS)
		return fail_with(s, "list-full", "limit", PLAN_MAX_ITEMS);
	if (store_item_add(s->p->st, s->plan, pg->id, &item))
		return fail(s, "not-saved");
	show_list(s, pg, item, seq);
	return 0;
}

static int handle_item_edit(session *s, const cJSON *m, long long seq)
{
	const content_page *pg = list_page(s, m);
	long long item = message_id(m, "item");

	if (item <= 0)
		return fail(s, "bad-message");
	if (!pg)
		return fail(s, "bad-field");
	if (store_item_exists(s->p->st, s->plan, pg->id, item) != 0)
		return fail(s, "no-item");
	show_list(s, pg, item, seq);
	return 0;
}

static int handle_item_done(session *s, const cJSON *m, long long seq)
{
	const content_page *pg = list_page(s, m);

	if (!pg)
		return fail(s, "bad-field");
	show_list(s, pg, 0, seq);
	return 0;
}

static int handle_item_remove(session *s, const cJSON *m, long long seq)
{
	const content_page *pg = list_page(s, m);
	long long item = message_id(m, "item");
	int rc;

	if (item <= 0)
		return fail(s, "bad-message");
	if (!pg)
		return fail(s, "bad-field");
	rc = store_item_remove(s->p->st, s->plan, pg->id, item);
	if (rc == 1)
		return fail(s, "no-item");
	if (rc)
		return fail(s, "not-saved");
	show_list(s, pg, s->editing == item ? 0 : s->editing, seq);
	return 0;
}

/* The person's changes of status: made as the person, at the time now. person is filled and
 * must outlive the result. */
static workflow as_person(session *s, store_actor *person)
{
	*person = (store_actor){ STORE_ACTOR_PERSON, s->plan, NULL };
	return (workflow){ s->p->st, person, workflow_now_ms() };
}

static int handle_send(session *s, const cJSON *m, long long seq)
{
	store_actor person;
	workflow w = as_person(s, &person);
	plan_status from = status_now(s);

	(void)m;
	if (from == PLAN_SUBMITTED)
		return fail(s, "already-sent");
	switch (workflow_submit(&w, s->plan, from, NULL, NULL, 0)) {
	case 0:
		break;
	case 1:
		return fail(s, "not-allowed");
	default:
		return fail(s, "not-saved");
	}
	s->status = PLAN_SUBMITTED;
	go_to(s, kind_index(s, KIND_SENT), seq);
	return 0;
}

/* The person's answer on the page of this kind (a reason they typed), copied; NULL when memory
 * runs out or the answers cannot be read. */
static char *reason_on(session *s, page_kind kind)
{
	const content_page *pg = content_page_of_kind(s->p->c, kind);
	plan_answers pa;
	const char *v;
	char *out = NULL;

	if (load_answers(s, &pa) == 0) {
		v = plan_answers_get(&pa, pg->id, 0, "");
		out = strdup(v ? v : "");
	}
	plan_answers_release(&pa);
	return out;
}

static int handle_review_request(session *s, const cJSON *m, long long seq)
{
	char *reason = reason_on(s, KIND_REVIEW);
	int raised, rc;

	(void)m;
	if (!reason)
		return fail(s, "server");
	rc = store_flag_raise(s->p->st, s->plan, s->visit, "review", reason, &raised);
	free(reason);
	if (rc)
		return fail(s, "not-saved");
	s->review_requested = 1;
	go_to(s, kind_index(s, KIND_REVIEW), seq);
	return 0;
}

/* "Yes, this is my plan". */
static int handle_agree(session *s, const cJSON *m, long long seq)
{
	store_actor person;
	workflow w = as_person(s, &person);
	int agreed = 0;

	(void)m;
	status_now(s); /* another kiosk or staff may have moved it since */
	switch (workflow_person_agree(&w, s->plan, s->visit, &agreed, NULL, 0)) {
	case 0:
		break;
	case 1:
		return fail(s, "not-allowed"); /* nobody is asking the person to agree now */
	default:
		return fail(s, "not-saved");
	}
	if (agreed)
		s->status = PLAN_AGREED;
	go_to(s, kind_index(s, KIND_AGREED), seq);
	return 0;
}

/* "No, I don't agree", with why: the answer on the not-agreed page. */
static int handle_disagree(session *s, const cJSON *m, long long seq)
{
	char *reason = reason_on(s, KIND_NOT_AGREED);
	store_actor person;
	workflow w = as_person(s, &person);
	int rc;

	(void)m;
	if (!reason)
		return fail(s, "server");
	status_now(s);
	rc = workflow_person_disagree(&w, s->plan, s->visit, reason, NULL, 0);
	free(reason);
	if (rc)
		return fail(s, rc == 1 ? "not-allowed" : "not-saved");
	s->disagree_sent = 1;
	go_to(s, kind_index(s, KIND_NOT_AGREED), seq);
	return 0;
}

static int handle_finish(session *s, const cJSON *m, long long seq)
{
	cJSON *bye = cJSON_CreateObject();

	(void)m;
	cJSON_AddStringToObject(bye, "type", "bye");
	message_add_seq(bye, seq);
	reply(s, bye, 1);
	if (s->in_batch)
		return 0; /* the connection closes after the commit; if it fails the plan stays open */
	close_plan(s);
	s->page = 0;
	plan_answers_release(&s->held_answers);
	return 0;
}

/* ---- narration ---- */

/* A narration goes out as `narration` (which text, how it sounds), then its audio in one or more
 * binary frames (a 4-byte little-endian n, then 16-bit little-endian PCM) with, before a frame,
 * `narration_words` for each sentence finished, then `narration_end` (how long, and all the
 * words' timings). Frames carry n because a cached text's three messages
 * may go out between the frames of one still being made. They go out at once, unheld. */
static cJSON *narration_msg(const pending_narration *pn, const char *type)
{
	cJSON *m = cJSON_CreateObject();

	if (!m)
		return NULL;
	cJSON_AddStringToObject(m, "type", type);
	message_add_seq(m, pn->seq);
	cJSON_AddStringToObject(m, "id", pn->id);
	cJSON_AddNumberToObject(m, "n", (double)(uint32_t)pn->tag);
	return m;
}

static void send_now(session *s, cJSON *m)
{
	char *text = m ? cJSON_PrintUnformatted(m) : NULL;

	if (text)
		s->p->io.send(s->conn, text, strlen(text), 0);
	free(text);
	cJSON_Delete(m);
}

static void say_no_sound(session *s, cJSON *m)
{
	char *msg = content_fill(s->p->c, "error.no-sound", NULL);

	cJSON_AddBoolToObject(m, "failed", 1);
	cJSON_AddStringToObject(m, "message", msg ? msg : "");
	free(msg);
}

static void add_words(cJSON *m, const narration *r)
{
	cJSON *words = cJSON_AddArrayToObject(m, "words");

	for (size_t i = 0; i < r->word_count; i++) {
		const double w[3] = { r->words[i].start, r->words[i].length, r->words[i].ms };

		cJSON_AddItemToArray(words, cJSON_CreateDoubleArray(w, 3));
	}
}

/* A whole narration (from the cache) says its words at once, so the page highlights from the
 * first word; a streamed one's come sentence by sentence (narration_words), and all of them
 * again with narration_end. */
static void narration_start(session *s, pending_narration *pn, const narration *r)
{
	cJSON *m = narration_msg(pn, "narration");

	pn->started = 1;
	if (!m)
		return;
	cJSON_AddStringToObject(m, "voice", pn->voice);
	cJSON_AddStringToObject(m, "speed", pn->speed);
	cJSON_AddNumberToObject(m, "sample_rate", r->sample_rate);
	cJSON_AddBoolToObject(m, "cached", r->cached);
	if (!r->piece)
		add_words(m, r);
	send_now(s, m);
}

/* Audio goes out in frames of at most this many samples (1.5 s at 22050 Hz, 64 KiB): the loop
 * then writes one frame to a connection per turn, between other people's saves, instead of half
 * a megabyte at once; and each frame's memory comes from the heap already in use. */
#define FRAME_SAMPLES 32768

static void narration_audio(session *s, pending_narration *pn, const int16_t *samples, size_t count)
{
	const uint32_t n = (uint32_t)pn->tag;
	const unsigned char head[4] = { n & 0xFF, (n >> 8) & 0xFF, (n >> 16) & 0xFF, n >> 24 };

	while (count) {
		size_t k = count < FRAME_SAMPLES ? count : FRAME_SAMPLES;

		if (s->p->io.send_binary(s->conn, head, sizeof(head), samples, k * sizeof(*samples)))
			return;
		pn->sent += k;
		samples += k;
		count -= k;
	}
}

/* The words of the sentences a streamed narration has finished since its last frame: the page
 * can highlight them before narration_end, which may be seconds away on a busy server. */
static void narration_words(session *s, const pending_narration *pn, const narration *r)
{
	cJSON *m = narration_msg(pn, "narration_words");

	if (!m)
		return;
	add_words(m, r);
	send_now(s, m);
}

static void narration_end(session *s, const pending_narration *pn, const narration *r)
{
	cJSON *m = narration_msg(pn, "narration_end");

	if (!m)
		return;
	cJSON_AddNumberToObject(m, "samples", (double)r->sample_count);
	cJSON_AddNumberToObject(m, "duration_ms",
				(double)r->sample_count * 1000.0 / (r->sample_rate ? r->sample_rate : 1));
	add_words(m, r);
	send_now(s, m);
}

static pending_narration *find_narration(session *s, uint64_t tag)
{
	for (size_t i = 0; i < s->nnarrations; i++)
		if (s->narrations[i].tag == tag)
			return &s->narrations[i];
	return NULL;
}

/* A piece of a narration's audio, or the whole narration (cached, finished or failed): what
 * the page has not had yet goes out. A piece after one that was lost (memory ran short) waits
 * for the finished narration, which has all the audio. */
static void deliver_narration(session *s, const narration *r)
{
	pending_narration *pn = find_narration(s, r->tag);
	cJSON *m;

	if (!pn)
		return;
	if (r->failed || !s->p->io.send_binary) {
		m = narration_msg(pn, pn->started ? "narration_end" : "narration");
		if (m)
			say_no_sound(s, m);
		send_now(s, m);
	} else {
		if (!pn->started)
			narration_start(s, pn, r);
		if (r->piece && r->word_count && r->first_sample <= pn->sent)
			narration_words(s, pn, r);
		if (r->first_sample <= pn->sent && pn->sent < r->first_sample + r->sample_count)
			narration_audio(s, pn, r->samples + (pn->sent - r->first_sample),
					r->sample_count - (pn->sent - r->first_sample));
		if (r->piece)
			return;
		narration_end(s, pn, r);
	}
	*pn = s->narrations[--s->nnarrations];
}

static int handle_narrate(session *s, const cJSON *m, long long seq)
{
	protocol *p = s->p;
	const cJSON *ids = cJSON_GetObjectItemCaseSensitive(m, "ids"), *id;
	const char *voice = message_str(m, "voice"), *speed = message_str(m, "speed");
	int n = cJSON_GetArraySize(ids);

	if (!cJSON_IsArray(ids) || n < 1 || n > MAX_NARRATIONS || !voice || !speed)
		return fail(s, "bad-message");
	cJSON_ArrayForEach(id, ids)
	{
		if (!cJSON_IsString(id))
			return fail(s, "bad-message");
		if (!page_text_of(s, id->valuestring))
			return fail(s, "unknown-text");
	}
	if (!p->nar)
		return fail(s, "no-sound");
	if (!narrator_has_voice(p->nar, voice) || !narrate_speed_valid(speed))
		return fail(s, "bad-voice");
	if (s->nnarrations + (size_t)n > MAX_NARRATIONS)
		return fail(s, "busy");
	cJSON_ArrayForEach(id, ids)
	{
		pending_narration *pn = &s->narrations[s->nnarrations];
		char err[128];

		*pn = (pending_narration){ .tag = ++s->next_tag, .seq = seq };
		snprintf(pn->id, sizeof(pn->id), "%s", id->valuestring);
		snprintf(pn->voice, sizeof(pn->voice), "%s", voice);
		snprintf(pn->speed, sizeof(pn->speed), "%s", speed);
		s->nnarrations++;
		if (narrator_say(p->nar, s, pn->tag, voice, speed, page_text_of(s, pn->id), 1, err,
				 sizeof(err))) {
			s->nnarrations--;
			return fail(s, "busy");
		}
	}
	return 0;
}

static int handle_narrate_stop(session *s, const cJSON *m, long long seq)
{
	(void)m;
	(void)seq;
	if (s->p->nar)
		narrator_forget(s->p->nar, s);
	s->nnarrations = 0;
	return 0;
}

static const char *const code_digits[] = { "2", "3", "4", "5", "6", "7", "8", "9" };

/* Feeds the next fixed texts to the synthesis thread, keeping a few in its queue. */
static void prerender_pump(protocol *p)
{
	const voices *v = p->nar ? narrator_voices(p->nar) : NULL;

	while (v && p->pre.outstanding < PRERENDER_AT_ONCE && p->pre.next < p->pre.total) {
		size_t i = p->pre.next++;
		const voice_profile *vp = voices_at(v, i / p->pre.ntexts);
		char err[64];

		/* (one already in the cache from an earlier start comes back at once) */
		if (narrator_say(p->nar, p, 0, vp->name, "normal", p->pre.texts[i % p->pre.ntexts], 0,
				 err, sizeof(err))) {
			p->pre.next--; /* busy: try again when something finishes */
			break;
		}
		p->pre.outstanding++;
	}
}

static int add_text(protocol *p, const char *t)
{
	const char **texts = realloc(p->pre.texts, (p->pre.ntexts + 1) * sizeof(*texts));

	if (!texts)
		return -1;
	p->pre.texts = texts;
	texts[p->pre.ntexts++] = t;
	return 0;
}

void protocol_prerender(protocol *p)
{
	const content *c = p->c;

	if (!p->nar || p->pre.texts)
		return;
	for (size_t i = 0; i < content_part_count(c); i++)
		add_text(p, content_part_title(c, (int)i));
	/* The code is read piece by piece: its digits are always the same few texts. */
	for (size_t i = 0; i < sizeof(code_digits) / sizeof(*code_digits); i++)
		add_text(p, code_digits[i]);
	for (size_t i = 0; i < content_page_count(c); i++) {
		const content_page *pg = content_page_at(c, i);

		add_text(p, pg->title);
		for (size_t k = 0; k < pg->nsay; k++)
			add_text(p, pg->say[k]);
		if (pg->ask)
			add_text(p, pg->ask);
		if (pg->hint)
			add_text(p, pg->hint);
		for (size_t k = 0; k < pg->noptions; k++)
			add_text(p, pg->options[k].text);
		for (size_t k = 0; k < pg->nfields; k++)
			add_text(p, pg->fields[k].label);
	}
	for (size_t i = 0; i < content_message_count(c); i++) {
		const char *name, *text;

		content_message_at(c, i, &name, &text);
		if (!strchr(text, '{')) /* messages with blanks are said once filled in */
			add_text(p, text);
	}
	p->pre.total = p->pre.ntexts * voices_count(narrator_voices(p->nar));
	prerender_pump(p);
}

void protocol_prerender_progress(const protocol *p, size_t *done, size_t *total)
{
	*done = p->pre.done;
	*total = p->pre.total;
}

void protocol_narrations_ready(protocol *p)
{
	narration *r;

	if (!p->nar)
		return;
	while ((r = narrator_poll(p->nar))) {
		if (r->owner == p) { /* a fixed text read at start-up: now in the cache */
			p->pre.outstanding--;
			p->pre.done++;
		} else {
			/* The owner is a live session: a closed session's narrations are forgotten. */
			deliver_narration(r->owner, r);
		}
		narration_free(r);
	}
	prerender_pump(p);
}

void protocol_set_narrator(protocol *p, narrator *n)
{
	p->nar = n;
	if (!n)
		p->pre.total = p->pre.next; /* nothing more to read */
}

enum {
	WRITES = 1,     /* runs inside a savepoint of the batch; replies wait for the commit */
	NEEDS_PLAN = 2, /* a plan must be open */
	EDITS = 4,      /* the plan's status must let the person change it */
};

static const struct handler {
	const char *type;
	int (*fn)(session *s, const cJSON *m, long long seq);
	unsigned flags;
} handlers[] = {
	{ "go", handle_go, 0 },
	{ "answer", handle_answer, WRITES },
	{ "code", handle_code, WRITES },
	{ "new_plan", handle_new_plan, WRITES },
	{ "item_add", handle_item_add, WRITES | NEEDS_PLAN | EDITS },
	{ "item_edit", handle_item_edit, NEEDS_PLAN | EDITS },
	{ "item_done", handle_item_done, NEEDS_PLAN },
	{ "item_remove", handle_item_remove, WRITES | NEEDS_PLAN | EDITS },
	{ "send", handle_send, WRITES | NEEDS_PLAN },
	{ "review_request", handle_review_request, WRITES | NEEDS_PLAN },
	{ "yes_my_plan", handle_agree, WRITES | NEEDS_PLAN },
	{ "not_my_plan", handle_disagree, WRITES | NEEDS_PLAN },
	{ "finish", handle_finish, 0 },
	{ "narrate", handle_narrate, 0 },
	{ "narrate_stop", handle_narrate_stop, 0 },
};

/* ---- the way in ---- */

void protocol_handle(session *s, const char *msg, size_t len, int binary)
{
	const struct handler *h = NULL;
	cJSON *m = NULL;
	const char *type, *code = NULL;
	long long seq = -1;
	int rc;

	s->err = (message_error){ 0 };
	m = message_parse(msg, len, binary, MESSAGE_MAX_DEPTH, &seq, &code);
	if (!m) {
		reply_error(s, code, -1, NULL);
		return;
	}
	type = message_str(m, "type");
	for (size_t i = 0; type && i < sizeof(handlers) / sizeof(*handlers); i++)
		if (strcmp(handlers[i].type, type) == 0)
			h = &handlers[i];
	if (!h) {
		reply_error(s, "unknown-type", seq, NULL);
		goto out;
	}
	if ((h->flags & NEEDS_PLAN) && !s->plan) {
		reply_error(s, "no-plan", seq, NULL);
		goto out;
	}
	if ((h->flags & EDITS) && read_only(s)) {
		reply_error(s, "already-sent", seq, NULL);
		goto out;
	}
	if (h->flags & WRITES) {
		if (store_request_begin(s->p->st, NULL, 0)) {
			reply_error(s, "not-saved", seq, NULL);
			goto out;
		}
		join_batch(s);
	}
	rc = h->fn(s, m, seq);
	if (h->flags & WRITES) {
		if (rc)
			store_request_undo(s->p->st);
		else if (store_request_end(s->p->st)) {
			store_request_undo(s->p->st);
			rc = fail(s, "not-saved");
		}
	}
	if (rc)
		reply_error(s, s->err.code ? s->err.code : "server", seq,
			    s->err.kv[0] ? s->err.kv : NULL);
out:
	cJSON_Delete(m);
}

void protocol_too_big(session *s)
{
	char limit[32];

	snprintf(limit, sizeof(limit), "%d", MESSAGE_MAX_BYTES);
	reply_error(s, "too-big", -1, (const char *const[]){ "limit", limit, NULL });
}

/* ---- sessions ---- */

session *protocol_session_open(protocol *p, void *conn, const char *address)
{
	session *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->p = p;
	s->conn = conn;
	snprintf(s->addr, sizeof(s->addr), "%s", address ? address : "");
	s->budget = -1;
	s->held_tail = &s->held;
	plan_answers_init(&s->held_answers);
	reply(s, view_hello(p->c, p->nar ? narrator_voices(p->nar) : NULL, p->cfg.idle_seconds,
			    p->cfg.warn_seconds, MESSAGE_MAX_BYTES), 0);
	s->page = 0;
	show_page(s, -1);
	return s;
}

void protocol_session_close(session *s)
{
	session **pp;

	if (!s)
		return;
	if (s->in_batch)
		for (pp = &s->p->waiting; *pp; pp = &(*pp)->next_waiting)
			if (*pp == s) {
				*pp = s->next_waiting;
				break;
			}
	if (s->p->nar)
		narrator_forget(s->p->nar, s);
	drop_held(s);
	close_plan(s);
	plan_answers_release(&s->held_answers);
	forget_texts(s);
	sodium_memzero(s, sizeof(*s));
	free(s);
}

/* ---- batches ---- */

int protocol_batch_open(const protocol *p)
{
	return store_batch_open(p->st);
}

/* After a failed commit: forget what the session believed was stored, and show the page again. */
static void recover(session *s)
{
	store_plan pl;

	if (s->plan && s->opened_in_batch) {
		/* The plan's opening was rolled back: back to the code, with the visit's answers. */
		close_plan(s);
		s->opened_in_batch = 0;
		s->page = s->p->code_index;
	} else if (s->plan && store_plan_get(s->p->st, s->plan, &pl) != 0) {
		close_plan(s);
		s->page = 0;
	} else if (s->plan) {
		s->status = pl.status;
		if (s->editing && store_item_exists(s->p->st, s->plan,
						    content_page_at(s->p->c, s->page)->id, s->editing))
			s->editing = 0;
	}
	s->review_requested = 0;
	s->disagree_sent = 0;
	s->return_to_check = 0;
	reply_error(s, "not-saved", -1, NULL);
	show_page(s, -1);
}

int protocol_flush(protocol *p, char *err, size_t errlen)
{
	int ok = store_commit(p->st, err, errlen) == 0;
	session *s = p->waiting;

	p->waiting = NULL;
	while (s) {
		session *next = s->next_waiting;
		held_msg *h = s->held;

		s->in_batch = 0;
		s->next_waiting = NULL;
		s->held = NULL;
		s->held_tail = &s->held;
		if (ok) {
			if (s->opened_in_batch) {
				plan_answers_release(&s->held_answers);
				s->opened_in_batch = 0;
			}
			while (h) {
				held_msg *n = h->next;

				p->io.send(s->conn, h->data, h->len, h->close_after);
				free(h);
				h = n;
			}
		} else {
			while (h) {
				held_msg *n = h->next;

				free(h);
				h = n;
			}
			recover(s);
		}
		s = next;
	}
	return ok ? 0 : -1;
}

/* ---- the protocol ---- */

protocol *protocol_new(const content *c, store *st, const unsigned char *code_key,
		       const protocol_config *cfg, message_io io)
{
	protocol *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->c = c;
	p->st = st;
	memcpy(p->key, code_key, CODE_KEY_BYTES);
	p->cfg = *cfg;
	p->io = io;
	p->lim = limiter_new(cfg->address_failures, cfg->address_window);
	if (!p->lim) {
		free(p);
		return NULL;
	}
	p->code_index = flow_code_index(c);
	assert(p->code_index < content_page_count(c));
	return p;
}

void protocol_free(protocol *p)
{
	if (!p)
		return;
	limiter_free(p->lim);
	free(p->pre.texts);
	sodium_memzero(p->key, sizeof(p->key));
	free(p);
}
