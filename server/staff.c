#include "staff.h"

#include "auth.h"
#include "buf.h"
#include "code.h"
#include "flow.h"
#include "message.h"
#include "plan.h"
#include "staff_words.h"
#include "utf8.h"
#include "version.h"
#include "view.h"
#include "workflow.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Bounds on what staff type (characters). */
#define PERSON_MAX 100
#define NEEDS_MAX  20
#define NEED_MAX   300
#define TEXT_MAX   2000 /* comments, how a need is met, risks, reasons, review answers */
#define WHAT_MAX   300	/* a support item */
#define PANEL_MAX  500
#define AUDIT_PAGE 200 /* audit rows in one reply */
#define CODE_TRIES 5

struct staff {
	const content *c;
	store *st;
	users *u;
	const unsigned char *code_key;
	message_io io;
	staff_clock_fn clock;
	void *clock_ctx;
};

struct staff_session {
	staff *sf;
	void *conn;
	char addr[64];
	int has_token;
	unsigned char token[USERS_TOKEN_BYTES];
	users_staff who; /* valid while the login is alive */
	int closing;	 /* login-needed has been said: nothing more is handled */

	/* set while a handler fails */
	message_error err;
	const char *err_status; /* not-allowed: the plan's status now (a static name), or NULL */
};

/* ---- time ---- */

static long long real_clock(void *ctx)
{
	(void)ctx;
	return (long long)time(NULL);
}

static long long now_s(const staff *sf)
{
	return sf->clock(sf->clock_ctx);
}

static void today(const staff *sf, char out[PLAN_DATE_LEN])
{
	plan_date_of(now_s(sf), out);
}

#define ISO_LEN 64

/* UTC milliseconds since 1970 as "2026-11-22T19:00:00.000Z". */
static void iso_ms(long long ms, char out[ISO_LEN])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (ms < 0 || !gmtime_r(&t, &tm)) {
		snprintf(out, ISO_LEN, "?");
		return;
	}
	snprintf(out, ISO_LEN, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}

/* ---- replies ---- */

/* Sends msg (and deletes it). close_after: the connection closes once it has gone. */
static void reply(staff_session *ss, cJSON *msg, int close_after)
{
	char *text = msg ? cJSON_PrintUnformatted(msg) : NULL;

	if (text)
		ss->sf->io.send(ss->conn, text, strlen(text), close_after);
	free(text);
	cJSON_Delete(msg);
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

/* The error reply. Staff read their own wording where the content has one
 * ("staff.error.<code>"); otherwise the kiosk's ("error.<code>"). not-allowed also says the
 * plan's status now, in the message ({status}) and as a field. */
static void reply_error(staff_session *ss, const char *code, long long seq, const char *const *kv)
{
	const content *c = ss->sf->c;
	cJSON *e = view_error(c, code, seq, kv);
	char name[64], words[64];
	const char *status_kv[] = { "status", words, NULL }; /* lives as long as kv may point here */

	snprintf(name, sizeof(name), "staff.error.%s", code);
	if (e && ss->err_status && strcmp(code, "not-allowed") == 0) {
		status_words(c, ss->err_status, words, sizeof(words));
		cJSON_AddStringToObject(e, "status", ss->err_status);
		kv = status_kv;
	}
	if (e && content_message(c, name)) {
		char *text = content_fill(c, name, kv);

		if (text)
			cJSON_ReplaceItemInObject(e, "message", cJSON_CreateString(text));
		free(text);
	}
	reply(ss, e, 0);
}

/* For handlers: fail with this error code (and returns -1). */
static int fail(staff_session *ss, const char *code)
{
	message_fail(&ss->err, code, NULL, 0);
	return -1; /* here, so the compiler sees every failing path return -1 */
}

/* Fails with code and one {name} filled with a number. */
static int fail_with(staff_session *ss, const char *code, const char *name, long long value)
{
	message_fail(&ss->err, code, name, value);
	return -1;
}

/* The plan's status does not allow this now: not-allowed, naming the status. */
static int fail_status(staff_session *ss, plan_status status)
{
	ss->err_status = plan_status_name(status);
	return fail(ss, "not-allowed");
}

/* The login has gone (logged out elsewhere, idle too long, user disabled): say so and close. */
static void login_needed(staff_session *ss, long long seq)
{
	ss->closing = 1;
	sodium_memzero(ss->token, sizeof(ss->token));
	ss->has_token = 0;
	reply(ss, view_error(ss->sf->c, "login-needed", seq, NULL), 1);
}

static store_actor actor(const staff_session *ss)
{
	return (store_actor){STORE_ACTOR_STAFF, ss->who.id, auth_role_name(ss->who.role)};
}

/* ---- reading requests ---- */

/* The plan the message names, which must exist: 0 and *pl, or -1 (failed). */
static int plan_arg(staff_session *ss, const cJSON *m, store_plan *pl)
{
	long long id = message_id(m, "plan");

	if (id <= 0)
		return fail(ss, "bad-message");
	switch (store_plan_get(ss->sf->st, id, pl)) {
	case 0:
		return 0;
	case 1:
		return fail(ss, "no-plan");
	default:
		return fail(ss, "server");
	}
}

/* 1 when text has something other than spaces in it. */
static int has_words(const char *text)
{
	for (; *text; text++)
		if (*text != ' ' && *text != '\t' && *text != '\n' && *text != '\r')
			return 1;
	return 0;
}

/* Checks text against min (0 or 1: may it be empty?) and max characters. 0, or -1 (failed). */
static int text_ok(staff_session *ss, const char *text, int min, int max)
{
	if (min > 0 && !has_words(text))
		return fail(ss, "bad-field");
	if (utf8_chars(text, strlen(text)) > (size_t)max)
		return fail_with(ss, "too-long", "limit", max);
	return 0;
}

/* The string field `name`: 0 and *out (borrowed from m), or -1 (failed: absent or not text
 * is bad-message). */
static int text_arg(staff_session *ss, const cJSON *m, const char *name, int min, int max,
		    const char **out)
{
	const char *t = message_str(m, name);

	if (!t)
		return fail(ss, "bad-message");
	if (text_ok(ss, t, min, max))
		return -1;
	*out = t;
	return 0;
}

/* A true/false field: 0 and *out, or -1 (failed). */
static int bool_arg(staff_session *ss, const cJSON *v, int *out)
{
	if (!cJSON_IsBool(v))
		return fail(ss, "bad-field");
	*out = cJSON_IsTrue(v);
	return 0;
}

/* A money field: text such as "245.50" -> pence. 0, or -1 (failed). */
static int money_arg(staff_session *ss, const cJSON *v, long long *pence)
{
	if (!cJSON_IsString(v) || plan_money_parse(v->valuestring, pence))
		return fail(ss, "bad-money");
	return 0;
}

/* The move from the plan's status to `to` is allowed: 0, or -1 (failed: not-allowed). */
static int may_move(staff_session *ss, const store_plan *pl, plan_status to)
{
	if (!plan_can_transition(pl->status, to))
		return fail_status(ss, pl->status);
	return 0;
}

/* Staff changes of status: made as the user logged in, at the time by the staff clock. by is
 * filled and must outlive the result. */
static workflow as_staff(staff_session *ss, store_actor *by)
{
	*by = actor(ss);
	return (workflow){ss->sf->st, by, now_s(ss->sf) * 1000};
}

/* A store write's result: 0 done; 1 the plan moved on meanwhile (not-allowed, naming where it
 * is now); -1 not-saved. */
static int wrote(staff_session *ss, long long plan, int rc)
{
	store_plan now;

	if (rc == 0)
		return 0;
	if (rc == 1) {
		if (store_plan_get(ss->sf->st, plan, &now) == 0)
			return fail_status(ss, now.status);
		return fail(ss, "not-allowed");
	}
	return fail(ss, "not-saved");
}

/* A page of the journey that a comment may be about: one that shows the person's answers or
 * the needs. */
static int section_known(const content *c, const char *id)
{
	const content_page *pg = content_page_find(c, id, NULL);

	return pg && pg->part >= 0 &&
	       (page_kind_takes_answer(pg->kind) || pg->kind == KIND_LIST ||
		pg->kind == KIND_NEEDS);
}

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

/* ---- the plan, as staff read it ---- */

typedef struct visit_row {
	long long id;
	char *writer, *name, *relationship;
} visit_row;

typedef struct plan_read {
	staff_session *ss;
	cJSON *o;
	plan_answers answers;
	long long *answer_visit; /* parallel to answers */
	size_t nvisit_cap;
	visit_row *visits;
	size_t nvisits;
	int failed;
	long long support_total;
} plan_read;

static int collect_answer(void *ctx, const char *page, long long item, const char *field,
			  const char *value, long long visit)
{
	plan_read *r = ctx;

	if (r->answers.n >= r->nvisit_cap) {
		size_t cap = r->nvisit_cap ? r->nvisit_cap * 2 : 64;
		long long *v = realloc(r->answer_visit, cap * sizeof(*v));

		if (!v)
			return -1;
		r->answer_visit = v;
		r->nvisit_cap = cap;
	}
	if (plan_answers_add(&r->answers, page, item, field, value))
		return -1;
	r->answer_visit[r->answers.n - 1] = visit;
	return 0;
}

static void collect_visit(void *ctx, long long visit, const char *writer, const char *name,
			  const char *relationship)
{
	plan_read *r = ctx;
	visit_row *v = realloc(r->visits, (r->nvisits + 1) * sizeof(*v));

	if (!v) {
		r->failed = 1;
		return;
	}
	r->visits = v;
	v = &r->visits[r->nvisits];
	v->id = visit;
	v->writer = strdup(writer);
	v->name = strdup(name);
	v->relationship = strdup(relationship);
	if (!v->writer || !v->name || !v->relationship) {
		free(v->writer);
		free(v->name);
		free(v->relationship);
		r->failed = 1;
		return;
	}
	r->nvisits++;
}

static void plan_read_release(plan_read *r)
{
	plan_answers_release(&r->answers);
	free(r->answer_visit);
	for (size_t i = 0; i < r->nvisits; i++) {
		free(r->visits[i].writer);
		free(r->visits[i].name);
		free(r->visits[i].relationship);
	}
	free(r->visits);
}

/* Who wrote an answer: the visit's writer ("me" or "helper") and the helper's name and
 * relationship; null when it is not known. */
static cJSON *by_obj(const plan_read *r, long long visit)
{
	for (size_t i = 0; visit > 0 && i < r->nvisits; i++)
		if (r->visits[i].id == visit) {
			cJSON *b = cJSON_CreateObject();

			cJSON_AddNumberToObject(b, "visit", (double)visit);
			cJSON_AddStringToObject(b, "writer", r->visits[i].writer);
			cJSON_AddStringToObject(b, "helper_name", r->visits[i].name);
			cJSON_AddStringToObject(b, "relationship", r->visits[i].relationship);
			return b;
		}
	return cJSON_CreateNull();
}

static long long visit_of(const plan_read *r, const char *page, long long item, const char *field)
{
	for (size_t i = 0; i < r->answers.n; i++)
		if (r->answers.a[i].item == item && strcmp(r->answers.a[i].page, page) == 0 &&
		    strcmp(r->answers.a[i].field, field) == 0)
			return r->answer_visit[i];
	return 0;
}

/* One answer of the person: verbatim, with the words of a chosen option, and who wrote it. */
static void add_answer(plan_read *r, cJSON *arr, const content_page *pg, long long item,
		       const content_field *f, buf *scratch)
{
	const content *c = r->ss->sf->c;
	const char *field = f ? f->name : "";
	const char *v = plan_answers_get(&r->answers, pg->id, item, field);
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
		char *t = view_field_text(c, f, v);

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
	cJSON_AddItemToObject(a, "by", by_obj(r, v ? visit_of(r, pg->id, item, field) : 0));
	cJSON_AddItemToArray(arr, a);
}

typedef struct items_ctx {
	long long *ids;
	size_t n;
	int failed;
} items_ctx;

static void collect_item(void *ctx, long long item)
{
	items_ctx *ic = ctx;
	long long *ids = realloc(ic->ids, (ic->n + 1) * sizeof(*ids));

	if (!ids) {
		ic->failed = 1;
		return;
	}
	ic->ids = ids;
	ic->ids[ic->n++] = item;
}

/* The person's answers, part by part in the journey's order: every page they were shown
 * (show-if holds) that takes an answer, answered or not. */
static int add_sections(plan_read *r, long long plan)
{
	const content *c = r->ss->sf->c;
	cJSON *sections = cJSON_AddArrayToObject(r->o, "sections");
	buf scratch = BUF_INIT;

	for (int part = 0; (size_t)part < content_part_count(c); part++) {
		cJSON *sec = NULL, *answers = NULL;

		for (size_t i = 0; i < content_page_count(c); i++) {
			const content_page *pg = content_page_at(c, i);

			if (pg->part != part || !flow_visible(c, &r->answers, pg) ||
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
			if (pg->kind != KIND_LIST) {
				add_answer(r, answers, pg, 0, NULL, &scratch);
				continue;
			}
			items_ctx ic = {NULL, 0, 0};

			if (store_items_each(r->ss->sf->st, plan, pg->id, collect_item, &ic) ||
			    ic.failed) {
				free(ic.ids);
				buf_release(&scratch);
				return -1;
			}
			if (ic.n == 0) /* an empty list: one row saying so */
				add_answer(r, answers, pg, 0, NULL, &scratch);
			for (size_t k = 0; k < ic.n; k++)
				for (size_t f = 0; f < pg->nfields; f++)
					add_answer(r, answers, pg, ic.ids[k], &pg->fields[f],
						   &scratch);
			free(ic.ids);
		}
	}
	buf_release(&scratch);
	return 0;
}

/* The words to name a plan by: the person's name, or for a plan started at the kiosk without
 * one, staff.no-name with the day it was started (created: an ISO time). Malloc'd, or NULL. */
static char *plan_label(const content *c, const char *person, const char *created)
{
	char *day, *label;

	if (*person)
		return strdup(person);
	day = view_date_words(c, created);
	label = content_fill(c, "staff.no-name", (const char *const[]){ "date", day ? day : "", NULL });
	free(day);
	return label;
}

static void add_detail(void *ctx, const store_plan_detail *d)
{
	plan_read *r = ctx;
	cJSON *o = r->o, *x, *managing;
	const char *p;
	char *label;

	cJSON_AddNumberToObject(o, "plan", (double)d->id);
	cJSON_AddStringToObject(o, "person", d->person_name);
	label = plan_label(r->ss->sf->c, d->person_name, d->created_at);
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

static void add_need(void *ctx, const store_need *n)
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

static void add_support(void *ctx, long long id, const char *what, long long cost_pence)
{
	plan_read *r = ctx;
	cJSON *items = cJSON_GetObjectItem(cJSON_GetObjectItem(r->o, "support"), "items");
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "id", (double)id);
	cJSON_AddStringToObject(o, "what", what);
	cJSON_AddNumberToObject(o, "cost_pence", (double)cost_pence);
	cJSON_AddItemToObject(o, "cost", money(cost_pence));
	cJSON_AddItemToArray(items, o);
	r->support_total += cost_pence;
}

static void add_comment(void *ctx, const store_comment *cm)
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

static void add_plan_flag(void *ctx, const store_flag_row *f)
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

static void add_version(void *ctx, const store_version *v)
{
	cJSON *arr = ctx, *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "n", v->n);
	cJSON_AddStringToObject(o, "kind", v->kind);
	cJSON_AddStringToObject(o, "at", v->at);
	cJSON_AddStringToObject(o, "by", *v->by ? v->by : v->actor_kind);
	cJSON_AddStringToObject(o, "role", v->role);
	cJSON_AddItemToArray(arr, o);
}

typedef struct reviews_ctx {
	cJSON *arr;
	const char *today;
} reviews_ctx;

static void add_review(void *ctx, const store_review *rv)
{
	reviews_ctx *rc = ctx;
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

/* What the plan's status allows staff to do now, for the page to offer. */
static void add_can(cJSON *o, const char *status, int ready, int caseworker_agreed)
{
	cJSON *can = cJSON_AddObjectToObject(o, "can");
	plan_status s;

	if (plan_status_parse(status, &s))
		return;
	cJSON_AddBoolToObject(can, "council", plan_council_parts_open(s));
	cJSON_AddBoolToObject(can, "send_back", plan_can_transition(s, PLAN_CHANGES_REQUESTED));
	cJSON_AddBoolToObject(can, "ready", plan_asks_agreement(s) && !ready);
	cJSON_AddBoolToObject(can, "agree", plan_asks_agreement(s) && !caseworker_agreed);
	cJSON_AddBoolToObject(can, "not_agreed", plan_can_transition(s, PLAN_NOT_AGREED));
	cJSON_AddBoolToObject(can, "sign_off",
			      s == PLAN_AGREED && plan_can_transition(s, PLAN_SIGNED_OFF));
	cJSON_AddBoolToObject(can, "review", plan_council_agreed(s));
}

/* The whole plan for the staff page (docs/staff.md, `plan`). NULL with the error set. */
static cJSON *plan_msg(staff_session *ss, long long plan, long long seq)
{
	store *st = ss->sf->st;
	plan_read r = {.ss = ss};
	reviews_ctx rc;
	cJSON *support;
	char day[PLAN_DATE_LEN];
	int ready = 0, caseworker_agreed = 0, rcode;
	const cJSON *status;

	plan_answers_init(&r.answers);
	r.o = cJSON_CreateObject();
	if (!r.o)
		goto fail;
	cJSON_AddStringToObject(r.o, "type", "plan");
	message_add_seq(r.o, seq);
	rcode = store_plan_detail_get(st, plan, add_detail, &r);
	if (rcode == 1) {
		fail(ss, "no-plan");
		goto out;
	}
	today(ss->sf, day);
	rc = (reviews_ctx){NULL, day};
	if (rcode || store_answers_each_with_visit(st, plan, collect_answer, &r) ||
	    store_visits_each(st, plan, collect_visit, &r) || r.failed ||
	    store_needs_each_full(st, plan, add_need, cJSON_AddArrayToObject(r.o, "needs")) ||
	    add_sections(&r, plan))
		goto fail;
	support = cJSON_AddObjectToObject(r.o, "support");
	cJSON_AddArrayToObject(support, "items");
	if (store_support_each(st, plan, add_support, &r))
		goto fail;
	cJSON_AddNumberToObject(support, "total_pence", (double)r.support_total);
	cJSON_AddItemToObject(support, "total", money(r.support_total));
	{
		const cJSON *b = cJSON_GetObjectItem(r.o, "budget_pence");

		cJSON_AddBoolToObject(support, "over_budget",
				      cJSON_IsNumber(b) &&
					  r.support_total > (long long)b->valuedouble);
	}
	rc.arr = cJSON_AddArrayToObject(r.o, "reviews");
	if (store_comments_each(st, plan, add_comment, cJSON_AddArrayToObject(r.o, "comments")) ||
	    store_flags_each(st, plan, add_plan_flag, cJSON_AddArrayToObject(r.o, "flags")) ||
	    store_versions_each(st, plan, add_version, cJSON_AddArrayToObject(r.o, "versions")) ||
	    store_reviews_each(st, plan, add_review, &rc) ||
	    store_plan_agreement(st, plan, &ready, NULL, &caseworker_agreed))
		goto fail;
	status = cJSON_GetObjectItem(r.o, "status");
	add_can(r.o, cJSON_GetStringValue(status) ? status->valuestring : "", ready,
		caseworker_agreed);
	plan_read_release(&r);
	return r.o;
fail:
	fail(ss, "server");
out:
	plan_read_release(&r);
	cJSON_Delete(r.o);
	return NULL;
}

static int send_plan(staff_session *ss, long long plan, long long seq)
{
	cJSON *o = plan_msg(ss, plan, seq);

	if (!o)
		return -1;
	reply(ss, o, 0);
	return 0;
}

/* ---- handlers ---- */

static int handle_me(staff_session *ss, const cJSON *m, long long seq)
{
	cJSON *r = cJSON_CreateObject();

	(void)m;
	if (!r)
		return fail(ss, "server");
	cJSON_AddStringToObject(r, "type", "me");
	message_add_seq(r, seq);
	cJSON_AddStringToObject(r, "name", ss->who.name);
	cJSON_AddStringToObject(r, "role", auth_role_name(ss->who.role));
	cJSON_AddNumberToObject(r, "idle_minutes", (double)(USERS_IDLE_MS / 60000));
	cJSON_AddItemToObject(r, "words", staff_words_new(ss->sf->c, ss->who.role));
	reply(ss, r, 0);
	return 0;
}

typedef struct caseload_ctx {
	cJSON *urgent, *plans;
	const char *today;
} caseload_ctx;

static void add_urgent(void *ctx, const store_flag_row *f)
{
	caseload_ctx *cc = ctx;
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "plan", (double)f->plan);
	cJSON_AddStringToObject(o, "person", f->person);
	cJSON_AddStringToObject(o, "kind", f->kind);
	cJSON_AddStringToObject(o, "raised", f->raised);
	cJSON_AddStringToObject(o, "detail", f->detail);
	cJSON_AddItemToArray(cc->urgent, o);
}

static void add_caseload_plan(void *ctx, const store_caseload_row *row)
{
	caseload_ctx *cc = ctx;
	cJSON *o = cJSON_CreateObject(), *flags, *u;

	cJSON_AddNumberToObject(o, "plan", (double)row->plan);
	cJSON_AddStringToObject(o, "person", row->person);
	cJSON_AddStringToObject(o, "status", plan_status_name(row->status));
	cJSON_AddStringToObject(o, "updated", row->updated);
	flags = cJSON_AddArrayToObject(o, "flags");
	cJSON_ArrayForEach(u, cc->urgent)
	{
		if (cJSON_GetNumberValue(cJSON_GetObjectItem(u, "plan")) == (double)row->plan) {
			cJSON *f = cJSON_CreateObject();

			cJSON_AddStringToObject(
			    f, "kind", cJSON_GetStringValue(cJSON_GetObjectItem(u, "kind")));
			cJSON_AddStringToObject(
			    f, "raised", cJSON_GetStringValue(cJSON_GetObjectItem(u, "raised")));
			cJSON_AddItemToArray(flags, f);
		}
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
	cJSON_AddItemToArray(cc->plans, o);
}

static void keep_created(void *ctx, const store_plan_detail *d)
{
	snprintf(ctx, ISO_LEN, "%s", d->created_at);
}

/* Each row of arr (caseload plans or urgent flags) gets "label": the words to name its plan by,
 * the person's name, or for a plan started at the kiosk without one, staff.no-name with the day
 * it was started. 0, or -1 when a plan cannot be read. */
static int add_labels(staff_session *ss, cJSON *arr)
{
	const content *c = ss->sf->c;
	cJSON *row;

	cJSON_ArrayForEach(row, arr)
	{
		const char *person = cJSON_GetStringValue(cJSON_GetObjectItem(row, "person"));
		long long plan = (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(row, "plan"));
		char created[ISO_LEN] = "", *label;

		if ((!person || !*person) &&
		    store_plan_detail_get(ss->sf->st, plan, keep_created, created))
			return -1;
		label = plan_label(c, person ? person : "", created);
		cJSON_AddStringToObject(row, "label", label ? label : "");
		free(label);
	}
	return 0;
}

static int handle_caseload(staff_session *ss, const cJSON *m, long long seq)
{
	store *st = ss->sf->st;
	char day[PLAN_DATE_LEN], now[ISO_LEN];
	caseload_ctx cc;
	cJSON *r;
	int moved;

	(void)m;
	today(ss->sf, day);
	/* Reviews whose day has come (or that the person asked for) make their plans review_due
	 * as the caseload is read: the system's move, audited as such. */
	if (workflow_reviews_make_due(&(workflow){st, NULL, now_s(ss->sf) * 1000}, day, &moved, NULL,
				      0))
		return fail(ss, "not-saved");
	r = cJSON_CreateObject();
	if (!r)
		return fail(ss, "server");
	cJSON_AddStringToObject(r, "type", "caseload");
	message_add_seq(r, seq);
	iso_ms(now_s(ss->sf) * 1000, now);
	cJSON_AddStringToObject(r, "now", now);
	cJSON_AddStringToObject(r, "today", day);
	cc = (caseload_ctx){cJSON_AddArrayToObject(r, "urgent"), cJSON_AddArrayToObject(r, "plans"),
			    day};
	if (store_flags_open_each(st, add_urgent, &cc) ||
	    store_caseload_each(st, add_caseload_plan, &cc) || add_labels(ss, cc.urgent) ||
	    add_labels(ss, cc.plans)) {
		cJSON_Delete(r);
		return fail(ss, "server");
	}
	reply(ss, r, 0);
	return 0;
}

/* A new code no plan has, and its hash. 0, or -1 (failed). */
static int fresh_code(staff_session *ss, char code[CODE_MAX], unsigned char hash[CODE_HASH_BYTES])
{
	long long other;

	for (int tries = 0; tries < CODE_TRIES; tries++) {
		code_generate(ss->sf->c, code);
		code_hash(ss->sf->code_key, code, hash);
		switch (store_plan_find(ss->sf->st, hash, &other)) {
		case 1:
			return 0;
		case 0:
			continue;
		default:
			return fail(ss, "server");
		}
	}
	return fail(ss, "server");
}

static int send_invited(staff_session *ss, long long plan, const char *code, long long seq)
{
	cJSON *r = cJSON_CreateObject();

	if (!r)
		return fail(ss, "server");
	cJSON_AddStringToObject(r, "type", "invited");
	message_add_seq(r, seq);
	cJSON_AddNumberToObject(r, "plan", (double)plan);
	cJSON_AddStringToObject(r, "code", code);
	reply(ss, r, 0);
	return 0;
}

static const char *const managing_ways[] = {"direct", "council", "provider", "mix"};

static int handle_invite(staff_session *ss, const cJSON *m, long long seq)
{
	store_invite_need needs[NEEDS_MAX];
	const cJSON *list = cJSON_GetObjectItem(m, "needs"), *v;
	const cJSON *ways = cJSON_GetObjectItem(m, "managing");
	const char *person;
	char code[CODE_MAX], managing[64] = "";
	unsigned char hash[CODE_HASH_BYTES];
	store_actor by = actor(ss);
	long long budget = -1, plan;
	size_t n = 0;
	int rc;

	if (text_arg(ss, m, "person", 1, PERSON_MAX, &person))
		return -1;
	if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) < 1)
		return fail(ss, "bad-field");
	if (cJSON_GetArraySize(list) > NEEDS_MAX)
		return fail_with(ss, "list-full", "limit", NEEDS_MAX);
	cJSON_ArrayForEach(v, list)
	{
		const char *text = cJSON_GetStringValue(cJSON_GetObjectItem(v, "text"));
		int eligible;

		if (!cJSON_IsObject(v) || !text)
			return fail(ss, "bad-message");
		if (text_ok(ss, text, 1, NEED_MAX) ||
		    bool_arg(ss, cJSON_GetObjectItem(v, "eligible"), &eligible))
			return -1;
		needs[n++] = (store_invite_need){text, eligible};
	}
	v = cJSON_GetObjectItem(m, "budget");
	if (v && !cJSON_IsNull(v) && money_arg(ss, v, &budget))
		return -1;
	/* The ways of managing support the council offers this person: all four unless said. */
	if (ways && !cJSON_IsNull(ways)) {
		int seen[4] = {0};

		if (!cJSON_IsArray(ways))
			return fail(ss, "bad-field");
		cJSON_ArrayForEach(v, ways)
		{
			size_t w = 0;

			while (w < 4 && !(cJSON_IsString(v) &&
					  strcmp(v->valuestring, managing_ways[w]) == 0))
				w++;
			if (w == 4 || seen[w]++)
				return fail(ss, "bad-field");
		}
		for (size_t w = 0; w < 4; w++)
			if (seen[w])
				snprintf(managing + strlen(managing),
					 sizeof(managing) - strlen(managing), "%s%s",
					 *managing ? "," : "", managing_ways[w]);
	} else {
		snprintf(managing, sizeof(managing), "direct,council,provider,mix");
	}
	if (fresh_code(ss, code, hash))
		return -1;
	rc = store_plan_invite(ss->sf->st, hash, person, needs, n, budget, managing, &by, &plan,
			       NULL, 0);
	if (rc) {
		sodium_memzero(code, sizeof(code));
		return fail(ss, "not-saved");
	}
	rc = send_invited(ss, plan, code, seq);
	sodium_memzero(code, sizeof(code));
	return rc;
}

static int handle_new_code(staff_session *ss, const cJSON *m, long long seq)
{
	store_plan pl;
	store_actor by = actor(ss);
	char code[CODE_MAX];
	unsigned char hash[CODE_HASH_BYTES];
	int rc;

	if (plan_arg(ss, m, &pl) || fresh_code(ss, code, hash))
		return -1;
	rc = store_plan_set_code(ss->sf->st, pl.id, hash, &by, NULL, 0);
	if (rc)
		rc = rc == 1 ? fail(ss, "no-plan") : fail(ss, "not-saved");
	else
		rc = send_invited(ss, pl.id, code, seq);
	sodium_memzero(code, sizeof(code));
	return rc;
}

static int handle_plan(staff_session *ss, const cJSON *m, long long seq)
{
	store_plan pl;

	if (plan_arg(ss, m, &pl))
		return -1;
	return send_plan(ss, pl.id, seq);
}

/* "need/12/how" -> 12 and the rest ("how") in *rest; 0 when prefix does not start it or no
 * whole number >= 1 follows. */
static long long field_id(const char *field, const char *prefix, const char **rest)
{
	size_t n = strlen(prefix);
	long long id = 0;
	const char *p;

	if (strncmp(field, prefix, n) != 0)
		return 0;
	for (p = field + n; *p >= '0' && *p <= '9'; p++) {
		id = id * 10 + (*p - '0');
		if (id > 1000000000000LL)
			return 0;
	}
	if (p == field + n || field[n] == '0')
		return 0;
	*rest = p;
	return id;
}

/* {"what":"…","cost":"12.50"}: 0 and the two, or -1 (failed). */
static int support_arg(staff_session *ss, const cJSON *v, const char **what, long long *cost)
{
	*what = cJSON_GetStringValue(cJSON_GetObjectItem(v, "what"));
	if (!cJSON_IsObject(v) || !*what)
		return fail(ss, "bad-message");
	if (text_ok(ss, *what, 1, WHAT_MAX) || money_arg(ss, cJSON_GetObjectItem(v, "cost"), cost))
		return -1;
	return 0;
}

static int handle_council(staff_session *ss, const cJSON *m, long long seq)
{
	store *st = ss->sf->st;
	const char *field = message_str(m, "field"), *rest = "", *text, *what;
	const cJSON *v = cJSON_GetObjectItem(m, "value");
	store_actor by;
	workflow w = as_staff(ss, &by);
	workflow_council c = {0};
	store_plan pl;
	long long id, cost;
	int rc, yes;

	if (plan_arg(ss, m, &pl))
		return -1;
	if (!field)
		return fail(ss, "bad-message");
	if (!plan_council_parts_open(pl.status))
		return fail_status(ss, pl.status);
	if ((id = field_id(field, "need/", &rest)) > 0 && strcmp(rest, "/how") == 0) {
		text = cJSON_GetStringValue(v);
		if (!text)
			return fail(ss, "bad-field");
		if (text_ok(ss, text, 0, TEXT_MAX))
			return -1;
		c = (workflow_council){WORKFLOW_NEED_HOW, id, text, 0};
	} else if (id > 0 && strcmp(rest, "/direct_payment") == 0) {
		if (bool_arg(ss, v, &yes))
			return -1;
		c = (workflow_council){WORKFLOW_NEED_DIRECT_PAYMENT, id, NULL, yes};
	} else if (strcmp(field, "support/add") == 0) {
		if (support_arg(ss, v, &what, &cost))
			return -1;
		if (store_support_count(st, pl.id) >= PLAN_MAX_ITEMS)
			return fail_with(ss, "list-full", "limit", PLAN_MAX_ITEMS);
		c = (workflow_council){WORKFLOW_SUPPORT_ADD, 0, what, cost};
	} else if ((id = field_id(field, "support/", &rest)) > 0 && *rest == '\0') {
		if (support_arg(ss, v, &what, &cost))
			return -1;
		c = (workflow_council){WORKFLOW_SUPPORT_SET, id, what, cost};
	} else if (id > 0 && strcmp(rest, "/remove") == 0) {
		c = (workflow_council){WORKFLOW_SUPPORT_REMOVE, id, NULL, 0};
	} else if (strcmp(field, "risks") == 0) {
		text = cJSON_GetStringValue(v);
		if (!text)
			return fail(ss, "bad-field");
		if (text_ok(ss, text, 0, TEXT_MAX))
			return -1;
		c = (workflow_council){WORKFLOW_RISKS, 0, text, 0};
	} else if (strcmp(field, "emergency_checked") == 0) {
		if (bool_arg(ss, v, &yes))
			return -1;
		c = (workflow_council){WORKFLOW_EMERGENCY_CHECKED, 0, NULL, yes};
	} else {
		return fail(ss, "bad-field");
	}
	rc = workflow_council_change(&w, pl.id, &c, NULL, 0);
	if (rc == 1 && (c.part == WORKFLOW_SUPPORT_SET || c.part == WORKFLOW_SUPPORT_REMOVE))
		return fail(ss, "no-item");
	if (rc == 1) /* the plan is there: it was the need */
		return fail(ss, "bad-field");
	if (rc)
		return fail(ss, "not-saved");
	return send_plan(ss, pl.id, seq);
}

static int handle_comment(staff_session *ss, const cJSON *m, long long seq)
{
	const char *section = message_str(m, "section"), *text;
	store_actor by = actor(ss);
	store_plan pl;

	if (plan_arg(ss, m, &pl))
		return -1;
	if (!section)
		return fail(ss, "bad-message");
	if (!section_known(ss->sf->c, section))
		return fail(ss, "bad-field");
	if (text_arg(ss, m, "text", 1, TEXT_MAX, &text))
		return -1;
	if (wrote(ss, pl.id,
		  store_comment_add(ss->sf->st, pl.id, section, text, &by, NULL, NULL, 0)))
		return -1;
	return send_plan(ss, pl.id, seq);
}

static int handle_send_back(staff_session *ss, const cJSON *m, long long seq)
{
	store_actor by;
	workflow w = as_staff(ss, &by);
	store_plan pl;

	if (plan_arg(ss, m, &pl) || may_move(ss, &pl, PLAN_CHANGES_REQUESTED) ||
	    wrote(ss, pl.id, workflow_send_back(&w, pl.id, pl.status, NULL, 0)))
		return -1;
	return send_plan(ss, pl.id, seq);
}

/* Agreement happens while the plan is submitted: 0, or -1 (failed: not-allowed). */
static int agreeing(staff_session *ss, const store_plan *pl, int *ready, int *caseworker_agreed)
{
	if (!plan_asks_agreement(pl->status) || may_move(ss, pl, PLAN_AGREED))
		return fail_status(ss, pl->status);
	if (store_plan_agreement(ss->sf->st, pl->id, ready, NULL, caseworker_agreed))
		return fail(ss, "server");
	return 0;
}

static int handle_ready(staff_session *ss, const cJSON *m, long long seq)
{
	store_actor by;
	workflow w = as_staff(ss, &by);
	store_plan pl;
	int ready, agreed;

	if (plan_arg(ss, m, &pl) || agreeing(ss, &pl, &ready, &agreed))
		return -1;
	if (!ready && wrote(ss, pl.id, workflow_ask_agreement(&w, pl.id, NULL, 0)))
		return -1;
	return send_plan(ss, pl.id, seq);
}

static int handle_agree(staff_session *ss, const cJSON *m, long long seq)
{
	store_actor by;
	workflow w = as_staff(ss, &by);
	store_plan pl;
	int ready, agreed;

	if (plan_arg(ss, m, &pl) || agreeing(ss, &pl, &ready, &agreed))
		return -1;
	if (!agreed && wrote(ss, pl.id, workflow_caseworker_agree(&w, pl.id, NULL, NULL, 0)))
		return -1;
	return send_plan(ss, pl.id, seq);
}

static int handle_not_agreed(staff_session *ss, const cJSON *m, long long seq)
{
	const cJSON *given = cJSON_GetObjectItem(m, "complaints_given");
	const char *reasons, *safety;
	store_actor by;
	workflow w = as_staff(ss, &by);
	store_plan pl;

	if (plan_arg(ss, m, &pl) || may_move(ss, &pl, PLAN_NOT_AGREED) ||
	    text_arg(ss, m, "reasons", 1, TEXT_MAX, &reasons) ||
	    text_arg(ss, m, "safety", 1, TEXT_MAX, &safety))
		return -1;
	/* The person must have been told how to complain: that is the record's point. */
	if (!cJSON_IsTrue(given))
		return fail(ss, "bad-field");
	if (wrote(ss, pl.id, workflow_not_agreed(&w, pl.id, pl.status, reasons, safety, NULL, 0)))
		return -1;
	return send_plan(ss, pl.id, seq);
}

typedef struct agreed_by_ctx {
	long long id;
} agreed_by_ctx;

static void note_agreed_by(void *ctx, const store_plan_detail *d)
{
	((agreed_by_ctx *)ctx)->id = d->caseworker_agreed_by_id;
}

static int handle_sign_off(staff_session *ss, const cJSON *m, long long seq)
{
	const cJSON *panel = cJSON_GetObjectItem(m, "panel");
	const char *decision = NULL, *date = NULL;
	char day[PLAN_DATE_LEN], light[PLAN_DATE_LEN], full[PLAN_DATE_LEN];
	store_actor by;
	workflow w = as_staff(ss, &by);
	agreed_by_ctx ab = {-1};
	store_plan pl;

	if (plan_arg(ss, m, &pl) || may_move(ss, &pl, PLAN_SIGNED_OFF))
		return -1;
	/* review_due -> signed_off is a review's confirmation, not a sign-off. */
	if (pl.status != PLAN_AGREED)
		return fail_status(ss, pl.status);
	if (panel && !cJSON_IsNull(panel)) {
		if (!cJSON_IsObject(panel))
			return fail(ss, "bad-message");
		if (!auth_can(ss->who.role, AUTH_RECORD_PANEL_DECISION))
			return fail(ss, "not-allowed-role");
		if (text_arg(ss, panel, "decision", 1, PANEL_MAX, &decision))
			return -1;
		date = message_str(panel, "date");
		if (!date || !plan_date_valid(date))
			return fail(ss, "bad-date");
	}
	/* Four eyes: the manager who agreed the plan as its caseworker does not sign it off. */
	if (store_plan_detail_get(ss->sf->st, pl.id, note_agreed_by, &ab))
		return fail(ss, "server");
	if (ab.id == ss->who.id)
		return fail(ss, "sign-off-own");
	today(ss->sf, day);
	if (plan_review_dates(day, light, full))
		return fail(ss, "server");
	if (wrote(ss, pl.id, workflow_sign_off(&w, pl.id, decision, date, light, full, NULL, NULL, 0)))
		return -1;
	return send_plan(ss, pl.id, seq);
}

static int handle_versions(staff_session *ss, const cJSON *m, long long seq)
{
	store_plan pl;
	cJSON *r;

	if (plan_arg(ss, m, &pl))
		return -1;
	r = cJSON_CreateObject();
	if (!r)
		return fail(ss, "server");
	cJSON_AddStringToObject(r, "type", "versions");
	message_add_seq(r, seq);
	cJSON_AddNumberToObject(r, "plan", (double)pl.id);
	if (store_versions_each(ss->sf->st, pl.id, add_version,
				cJSON_AddArrayToObject(r, "versions"))) {
		cJSON_Delete(r);
		return fail(ss, "server");
	}
	reply(ss, r, 0);
	return 0;
}

static int keep_snapshot(void *ctx, const char *json)
{
	char **out = ctx;

	*out = strdup(json);
	return *out ? 0 : -1;
}

static int handle_diff(staff_session *ss, const cJSON *m, long long seq)
{
	const cJSON *from = cJSON_GetObjectItem(m, "from"), *to = cJSON_GetObjectItem(m, "to");
	char *s0 = NULL, *s1 = NULL;
	cJSON *r = NULL, *changes;
	store_plan pl;
	int rc = -1, g0, g1;

	if (plan_arg(ss, m, &pl))
		return -1;
	if (!message_whole(from, 1) || !message_whole(to, 1) || from->valuedouble > 1e9 ||
	    to->valuedouble > 1e9)
		return fail(ss, "bad-message");
	g0 = store_version_snapshot(ss->sf->st, pl.id, from->valueint, keep_snapshot, &s0);
	g1 = g0 ? g0 : store_version_snapshot(ss->sf->st, pl.id, to->valueint, keep_snapshot, &s1);
	if (g0 == 1 || g1 == 1) {
		rc = fail(ss, "no-version");
		goto out;
	}
	if (g0 || g1 || !(changes = version_diff(ss->sf->c, s0, s1))) {
		rc = fail(ss, "server");
		goto out;
	}
	r = cJSON_CreateObject();
	cJSON_AddStringToObject(r, "type", "diff");
	message_add_seq(r, seq);
	cJSON_AddNumberToObject(r, "plan", (double)pl.id);
	cJSON_AddNumberToObject(r, "from", from->valueint);
	cJSON_AddNumberToObject(r, "to", to->valueint);
	cJSON_AddItemToObject(r, "changes", changes);
	reply(ss, r, 0);
	rc = 0;
out:
	free(s0);
	free(s1);
	return rc;
}

typedef struct audit_ctx {
	staff_session *ss;
	cJSON *rows;
	long long last_id;
	int n;
	long long name_id; /* the last staff user looked up, to look up each only once a run */
	char name[USERS_NAME_MAX + 1];
} audit_ctx;

static int add_audit_row(void *ctx, const store_audit_row *row)
{
	audit_ctx *ac = ctx;
	cJSON *o = cJSON_CreateObject(), *detail = cJSON_Parse(row->detail);
	char at[ISO_LEN];
	const char *who = row->actor_kind;

	if (strcmp(row->actor_kind, "staff") == 0 && row->actor_id > 0) {
		store_user u;

		if (ac->name_id != row->actor_id) {
			ac->name_id = row->actor_id;
			snprintf(ac->name, sizeof(ac->name), "%s",
				 store_user_get(ac->ss->sf->st, row->actor_id, &u) == 0 ? u.name
											: "?");
		}
		who = ac->name;
	}
	iso_ms(row->at_ms, at);
	cJSON_AddNumberToObject(o, "id", (double)row->id);
	cJSON_AddStringToObject(o, "at", at);
	cJSON_AddStringToObject(o, "who", who);
	cJSON_AddStringToObject(o, "actor", row->actor_kind);
	cJSON_AddStringToObject(o, "role", row->role);
	cJSON_AddStringToObject(o, "action", row->action);
	cJSON_AddItemToObject(o, "detail", detail ? detail : cJSON_CreateObject());
	cJSON_AddItemToArray(ac->rows, o);
	ac->last_id = row->id;
	ac->n++;
	return 0;
}

static int handle_audit(staff_session *ss, const cJSON *m, long long seq)
{
	const cJSON *before = cJSON_GetObjectItem(m, "before");
	audit_ctx ac = {.ss = ss, .name_id = -1};
	store_plan pl;
	cJSON *r;

	if (plan_arg(ss, m, &pl))
		return -1;
	if (before && !message_whole(before, 1))
		return fail(ss, "bad-message");
	r = cJSON_CreateObject();
	if (!r)
		return fail(ss, "server");
	cJSON_AddStringToObject(r, "type", "audit");
	message_add_seq(r, seq);
	cJSON_AddNumberToObject(r, "plan", (double)pl.id);
	ac.rows = cJSON_AddArrayToObject(r, "rows");
	if (store_audit_each_for_plan(ss->sf->st, pl.id,
				      before ? (long long)before->valuedouble : 0, AUDIT_PAGE,
				      add_audit_row, &ac)) {
		cJSON_Delete(r);
		return fail(ss, "server");
	}
	/* A full page may have more behind it: ask again with "before" set to this. */
	if (ac.n == AUDIT_PAGE)
		cJSON_AddNumberToObject(r, "before", (double)ac.last_id);
	else
		cJSON_AddNullToObject(r, "before");
	reply(ss, r, 0);
	return 0;
}

/* The review form: the questions councils ask at a review (docs/staff.md, "Reviews"). The
 * first two must be answered. */
static const char *const review_keys[] = {
    "working",	    "not_working",	     "outcomes_met",
    "budget_right", "circumstances_changed", "everyone_satisfied"};

static int handle_review(staff_session *ss, const cJSON *m, long long seq)
{
	const cJSON *answers = cJSON_GetObjectItem(m, "answers"), *a;
	const char *outcome = message_str(m, "outcome");
	char day[PLAN_DATE_LEN], next[PLAN_DATE_LEN];
	store_actor by;
	workflow w = as_staff(ss, &by);
	cJSON *kept = NULL;
	char *json = NULL;
	store_plan pl;
	int reopen, rc = -1;

	if (plan_arg(ss, m, &pl))
		return -1;
	if (!cJSON_IsObject(answers) || !outcome)
		return fail(ss, "bad-message");
	if (strcmp(outcome, "confirm") != 0 && strcmp(outcome, "reopen") != 0)
		return fail(ss, "bad-field");
	reopen = outcome[0] == 'r';
	/* A review is of a signed-off plan: due, or done early (workflow_review_complete). */
	if (!plan_council_agreed(pl.status))
		return fail_status(ss, pl.status);
	cJSON_ArrayForEach(a, answers)
	{
		size_t k = 0;

		while (k < sizeof(review_keys) / sizeof(*review_keys) &&
		       strcmp(a->string, review_keys[k]) != 0)
			k++;
		if (k == sizeof(review_keys) / sizeof(*review_keys) || !cJSON_IsString(a))
			return fail(ss, "bad-field");
		if (text_ok(ss, a->valuestring, k < 2, TEXT_MAX))
			return -1;
	}
	for (size_t k = 0; k < 2; k++)
		if (!cJSON_IsString(cJSON_GetObjectItem(answers, review_keys[k])))
			return fail(ss, "bad-field");
	kept = cJSON_CreateObject();
	for (size_t k = 0; kept && k < sizeof(review_keys) / sizeof(*review_keys); k++) {
		const char *v = cJSON_GetStringValue(cJSON_GetObjectItem(answers, review_keys[k]));

		cJSON_AddStringToObject(kept, review_keys[k], v ? v : "");
	}
	json = kept ? cJSON_PrintUnformatted(kept) : NULL;
	today(ss->sf, day);
	if (!json || plan_date_add_months(day, PLAN_FULL_REVIEW_MONTHS, next)) {
		rc = fail(ss, "server");
		goto out;
	}
	if (wrote(ss, pl.id,
		  workflow_review_complete(&w, pl.id, pl.status, json, outcome, day,
					   reopen ? NULL : next, NULL, 0)))
		goto out;
	rc = send_plan(ss, pl.id, seq);
out:
	free(json);
	cJSON_Delete(kept);
	return rc;
}

static int handle_flag_close(staff_session *ss, const cJSON *m, long long seq)
{
	const char *kind = message_str(m, "kind"), *note;
	store_actor by = actor(ss);
	store_plan pl;
	int rc;

	if (plan_arg(ss, m, &pl))
		return -1;
	if (!kind)
		return fail(ss, "bad-message");
	if (strcmp(kind, "safeguarding") != 0 && strcmp(kind, "advocacy") != 0 &&
	    strcmp(kind, "review") != 0)
		return fail(ss, "bad-field");
	if (text_arg(ss, m, "note", 1, TEXT_MAX, &note))
		return -1;
	rc = store_flag_close(ss->sf->st, pl.id, kind, note, &by, NULL, 0);
	if (rc == 1)
		return fail(ss, "no-flag");
	if (rc)
		return fail(ss, "not-saved");
	return send_plan(ss, pl.id, seq);
}

#define ANYONE (-1) /* any logged-in role */

static const struct handler {
	const char *type;
	int (*fn)(staff_session *ss, const cJSON *m, long long seq);
	int action; /* the auth_action the role must be allowed, or ANYONE */
} handlers[] = {
    {"me", handle_me, ANYONE},
    {"caseload", handle_caseload, AUTH_VIEW_CASELOAD},
    {"invite", handle_invite, AUTH_INVITE},
    {"new_code", handle_new_code, AUTH_INVITE},
    {"plan", handle_plan, AUTH_READ_PLAN},
    {"council", handle_council, AUTH_FILL_COUNCIL_PARTS},
    {"comment", handle_comment, AUTH_COMMENT},
    {"send_back", handle_send_back, AUTH_SEND_BACK},
    {"ready", handle_ready, AUTH_CASEWORKER_AGREE},
    {"agree", handle_agree, AUTH_CASEWORKER_AGREE},
    {"not_agreed", handle_not_agreed, AUTH_RECORD_NOT_AGREED},
    {"sign_off", handle_sign_off, AUTH_SIGN_OFF},
    {"versions", handle_versions, AUTH_READ_PLAN},
    {"diff", handle_diff, AUTH_READ_PLAN},
    {"audit", handle_audit, AUTH_VIEW_AUDIT},
    {"review", handle_review, AUTH_COMPLETE_REVIEW},
    {"flag_close", handle_flag_close, AUTH_FILL_COUNCIL_PARTS},
};

/* ---- the way in ---- */

void staff_handle(staff_session *ss, const char *msg, size_t len, int binary)
{
	const struct handler *h = NULL;
	cJSON *m = NULL;
	const char *type, *code = NULL;
	long long seq = -1;

	if (ss->closing)
		return;
	ss->err = (message_error){ 0 };
	ss->err_status = NULL;
	/* Every message proves the login is still alive: logout, idle time and disabling all end
	 * it at once, not at the next page load. */
	if (!ss->has_token || users_session_check(ss->sf->u, ss->token, &ss->who) != 0) {
		login_needed(ss, -1);
		return;
	}
	m = message_parse(msg, len, binary, MESSAGE_MAX_DEPTH, &seq, &code);
	if (!m) {
		reply_error(ss, code, -1, NULL);
		return;
	}
	type = message_str(m, "type");
	for (size_t i = 0; type && i < sizeof(handlers) / sizeof(*handlers); i++)
		if (strcmp(handlers[i].type, type) == 0)
			h = &handlers[i];
	if (!h) {
		reply_error(ss, "unknown-type", seq, NULL);
		goto out;
	}
	if (h->action != ANYONE && !auth_can(ss->who.role, (auth_action)h->action)) {
		reply_error(ss, "not-allowed-role", seq, NULL);
		goto out;
	}
	if (h->fn(ss, m, seq))
		reply_error(ss, ss->err.code ? ss->err.code : "server", seq,
			    ss->err.kv[0] ? ss->err.kv : NULL);
out:
	cJSON_Delete(m);
}

void staff_too_big(staff_session *ss)
{
	char limit[32];

	snprintf(limit, sizeof(limit), "%d", MESSAGE_MAX_BYTES);
	reply_error(ss, "too-big", -1, (const char *const[]){"limit", limit, NULL});
}

/* ---- sessions ---- */

staff_session *staff_session_open(staff *sf, void *conn, const char *address,
				  const unsigned char *token)
{
	staff_session *ss = calloc(1, sizeof(*ss));

	if (!ss)
		return NULL;
	ss->sf = sf;
	ss->conn = conn;
	snprintf(ss->addr, sizeof(ss->addr), "%s", address ? address : "");
	if (token) {
		memcpy(ss->token, token, sizeof(ss->token));
		ss->has_token = 1;
	}
	if (!ss->has_token || users_session_check(sf->u, ss->token, &ss->who) != 0)
		login_needed(ss, -1);
	return ss;
}

void staff_session_close(staff_session *ss)
{
	if (!ss)
		return;
	sodium_memzero(ss->token, sizeof(ss->token));
	free(ss);
}

staff *staff_new(const content *c, store *st, users *u, const unsigned char *code_key,
		 message_io io)
{
	staff *sf = calloc(1, sizeof(*sf));

	if (!sf)
		return NULL;
	sf->c = c;
	sf->st = st;
	sf->u = u;
	sf->code_key = code_key;
	sf->io = io;
	sf->clock = real_clock;
	return sf;
}

void staff_set_clock(staff *sf, staff_clock_fn fn, void *ctx)
{
	sf->clock = fn ? fn : real_clock;
	sf->clock_ctx = fn ? ctx : NULL;
}

void staff_free(staff *sf)
{
	free(sf);
}
