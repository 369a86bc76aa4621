/* staff_int: what the staff protocol's files share, and nothing outside them includes. staff.c
 * owns the sessions, the table of routes, the replies and the readers of a request's fields;
 * staff_plan.c gathers a plan as staff read it; staff_council.c holds the council's work on a
 * plan (its parts, comments, agreement, sign-off, reviews, flags); staff_lists.c the rest (me,
 * caseload, invitations and codes, versions and their differences, the audit trail);
 * staff_view.c turns gathered data into messages and reads nothing.
 *
 * Every handler has the envelope's shape (message_handler_fn): session is a staff_session. It
 * answers and returns 0, or returns -1 with the session's error set (staff_fail...). */
#ifndef PLANALOUD_STAFF_INT_H
#define PLANALOUD_STAFF_INT_H

#include "buf.h"
#include "content.h"
#include "languages.h"
#include "plan.h"
#include "staff.h"
#include "store.h"
#include "users.h"
#include "workflow.h"

#include <cjson/cJSON.h>
#include <stddef.h>

/* Bounds on what staff type (characters). */
#define STAFF_PERSON_MAX 100
#define STAFF_NEEDS_MAX	 20
#define STAFF_NEED_MAX	 300
#define STAFF_TEXT_MAX	 2000 /* comments, how a need is met, risks, reasons, review answers */
#define STAFF_WHAT_MAX	 300  /* a support item */
#define STAFF_PANEL_MAX	 500
#define STAFF_AUDIT_PAGE 200 /* audit rows in one reply */

#define STAFF_ISO_LEN 64

struct staff {
	const content *c;	/* English: the staff's own words */
	const languages *langs; /* every language a person may write in, or NULL: English alone */
	store *st;
	users *u;
	const unsigned char *code_key;
	message_io io;
	staff_clock_fn clock;
	void *clock_ctx;
	const alerts *alerts;	/* the duty team's alerts, or NULL */
	staff_health_fn health; /* staff_service.c: what the server says of itself, or NULL */
	void *health_ctx;
	long long started_s;	      /* when staff_new ran */
	staff_session *sessions;      /* every open one, for news (staff_live.c) */
	staff_live_send_fn live_send; /* NULL: io.send */
};

struct staff_session {
	staff *sf;
	void *conn;
	char addr[64];
	int has_token;
	unsigned char token[USERS_TOKEN_BYTES];
	users_staff who;	    /* valid while the login is alive */
	int closing;		    /* login-needed has been said: nothing more is handled */
	staff_session *prev, *next; /* in sf->sessions */
	int live_missed; /* news overflowed: none more until the caseload is read again */
	int quiet; /* the message being handled was the page's own doing: not the user's use */

	/* set while a handler fails */
	message_error err;
	const char *err_status; /* not-allowed: the plan's status now (a static name), or NULL */
};

/* ---- staff.c: time, replies, failing, reading requests ---- */

/* The staff clock: seconds since 1970; today's date by it. */
long long staff_now(const staff *sf);
void staff_today(const staff *sf, char out[PLAN_DATE_LEN]);
/* UTC milliseconds since 1970 as "2026-11-22T19:00:00.000Z" ("?" when out of range). */
void staff_iso_ms(long long ms, char out[STAFF_ISO_LEN]);

/* Sends msg (taking it: it is deleted). close_after: the connection closes once it has gone. */
void staff_reply(staff_session *ss, cJSON *msg, int close_after);
/* For handlers: fail with this error code; with one {name} filled with a number; with
 * not-allowed naming the plan's status now. Each returns -1. */
int staff_fail(staff_session *ss, const char *code);
int staff_fail_with(staff_session *ss, const char *code, const char *name, long long value);
int staff_fail_status(staff_session *ss, plan_status status);

/* The user logged in, as the store records an actor (borrows the session's name). */
store_actor staff_actor(const staff_session *ss);
/* Staff changes of status: made as the user logged in, at the time by the staff clock. by is
 * filled and must outlive the result. */
workflow staff_workflow(staff_session *ss, store_actor *by);
/* A store write's result: 0 done; 1 the plan moved on meanwhile (not-allowed, naming where it
 * is now); -1 not-saved. Returns 0 or -1 (failed). */
int staff_wrote(staff_session *ss, long long plan, int rc);
/* The move from the plan's status to `to` is allowed: 0, or -1 (failed: not-allowed). */
int staff_may_move(staff_session *ss, const store_plan *pl, plan_status to);

/* Readers of a request: 0 and the value, or -1 with the error set. */
/* The plan the message names, which must exist. */
int staff_plan_arg(staff_session *ss, const cJSON *m, store_plan *pl);
/* text against min (0 or 1: may it be empty?) and max characters. */
int staff_text_ok(staff_session *ss, const char *text, int min, int max);
/* The string field `name` (*out borrowed from m); absent or not text is bad-message. */
int staff_text_arg(staff_session *ss, const cJSON *m, const char *name, int min, int max,
		   const char **out);
int staff_bool_arg(staff_session *ss, const cJSON *v, int *out);
/* Text such as "245.50" -> pence. */
int staff_money_arg(staff_session *ss, const cJSON *v, long long *pence);

/* ---- staff_plan.c: the plan as staff read it ---- */

/* Sends the whole plan (docs/staff.md, `plan`) with seq. 0, or -1 with the error set (no-plan,
 * or server when any of it cannot be read: never a plan with parts missing). */
int staff_send_plan(staff_session *ss, long long plan, long long seq);
/* The same message, for the caller to send or build on (its type "plan"). NULL with the error
 * set. */
cJSON *staff_plan_msg(staff_session *ss, long long plan, long long seq);

/* ---- staff_lists.c ---- */
/* Up to STAFF_AUDIT_PAGE of the plan's audit rows before the row id `before` (0: the newest),
 * newest first, into rows; *last_id the last one's id. How many, or -1 (with no error set). */
int staff_audit_rows(staff_session *ss, long long plan, long long before, cJSON *rows,
		     long long *last_id);

/* ---- staff_data.c: people's data over its whole life ---- */
#define STAFF_READ_WINDOW_MS (5LL * 60 * 1000) /* reads of a plan by one user audited as one */
/* Audits that the user read the plan (kind: "plan", "versions" or "diff"), merged with their
 * reads of it in the last few minutes. 0, or -1 with the error set (server: the read must not
 * go unrecorded). */
int staff_audit_read(staff_session *ss, long long plan, const char *kind);
/* The plan the message names, which exists or was erased: 0 and *plan, or -1 with the error
 * set. */
int staff_plan_or_erased_arg(staff_session *ss, const cJSON *m, long long *plan);

/* ---- staff_view.c: messages from gathered data; nothing here reads the store ---- */

/* Who wrote one visit's answers. */
typedef struct staff_visit {
	long long id;
	char *writer, *name, *relationship;
} staff_visit;

/* A list page's entries (item ids, in order). */
typedef struct staff_list {
	const char *page; /* the content's page id: borrowed from the content */
	long long *ids;
	size_t n;
} staff_list;

/* What the plan's sections are drawn from, gathered by staff_plan.c (which owns and frees it). */
typedef struct staff_plan_data {
	plan_answers answers;
	long long *answer_visit; /* parallel to answers: the visit that wrote each (0: unknown) */
	size_t answer_cap;
	staff_visit *visits;
	size_t nvisits;
	staff_list *lists; /* every list page the person was shown */
	size_t nlists;
} staff_plan_data;

/* The person's answers, part by part, as o's "sections". 0, or -1 when memory runs out. */
int staff_view_sections(const content *c, const staff_plan_data *d, cJSON *o);
/* "interpreter": "yes" or "no", as the person answered STAFF_INTERPRETER_PAGE; null when not
 * answered (staff_lang.c). */
void staff_view_interpreter(cJSON *o, const staff_plan_data *d);
/* The words to name a plan by: the person's name, or for a plan started at the kiosk without
 * one, staff.no-name with the day it was started (created: an ISO time). Malloc'd, or NULL. */
char *staff_view_label(const content *c, const char *person, const char *created);

/* Row builders with the store's callback shapes; ctx is what each names. */
typedef struct staff_detail_view {
	cJSON *o; /* the plan message */
	const content *c;
	const languages *langs; /* may be NULL: English alone */
	plan_status status;	/* set: the plan's status */
} staff_detail_view;
void staff_view_detail(void *ctx, const store_plan_detail *d); /* staff_detail_view */
void staff_view_need(void *ctx, const store_need *n);	       /* cJSON array */
void staff_view_comment(void *ctx, const store_comment *cm);   /* cJSON array */
void staff_view_flag(void *ctx, const store_flag_row *f);      /* cJSON array */
void staff_view_version(void *ctx, const store_version *v);    /* cJSON array */

typedef struct staff_support_view {
	cJSON *items;
	long long total_pence; /* added up as items are added */
} staff_support_view;
void staff_view_support(void *ctx, long long id, const char *what, long long cost_pence);
/* The support object {items, total_pence, total, over_budget} into o, from sv. */
void staff_view_support_total(cJSON *o, const staff_support_view *sv);

typedef struct staff_reviews_view {
	cJSON *arr;
	const char *today; /* PLAN_DATE_LEN */
} staff_reviews_view;
void staff_view_review(void *ctx, const store_review *rv);

/* What the plan's status allows staff to do now ("can"), for the page to offer. */
void staff_view_can(cJSON *o, plan_status status, int ready, int caseworker_agreed);

/* The caseload: urgent flags (into urgent), and plans (into rows: the page of plans, or the
 * reviews due), each plan with its open flags; every row with its label. */
typedef struct staff_caseload_view {
	const content *c;
	const languages *langs; /* may be NULL: English alone */
	cJSON *urgent, *rows;
	const char *today;
} staff_caseload_view;
void staff_view_urgent(void *ctx, const store_flag_row *f);
void staff_view_caseload_plan(void *ctx, const store_caseload_row *row);

/* One audit row into rows; who: the staff user's name, or the kind of actor. */
void staff_view_audit_row(cJSON *rows, const store_audit_row *row, const char *who);

/* The error reply {"type":"error", seq, code, message}: the words of "staff.error.<code>" where
 * the content has them, else the kiosk's "error.<code>", with kv filling {placeholders} (may be
 * NULL). status (may be NULL): for not-allowed, the plan's status now, said in the words
 * ({status}) and as a field. NULL when memory runs out. */
cJSON *staff_view_error(const content *c, const char *code, long long seq, const char *const *kv,
			const char *status);
/* A new message {"type": type, "seq": seq (when >= 0)}; NULL when memory runs out. */
cJSON *staff_view_message(const char *type, long long seq);

/* ---- staff_lang.c: the language a person writes in ---- */

/* The yes-no page that asks whether the person wants an interpreter (easyread/, 04-about-me). */
#define STAFF_INTERPRETER_PAGE "interpreter"

/* The language with this tag among en and l's (l NULL: en alone), or NULL (also for NULL or "").
 * Borrowed. staff_language: those the staff serves. */
const content *staff_language_in(const content *en, const languages *l, const char *lang);
const content *staff_language(const staff *sf, const char *lang);
/* The message's "lang": a language the staff serves (*out), or -1 with bad-lang set. Unless
 * required, an absent or null one is 0 with *out NULL. */
int staff_lang_arg(staff_session *ss, const cJSON *m, int required, const content **out);
/* "lang", "language" (its English name) and "dir" ("ltr", "rtl"; "auto" for a language no
 * longer served) of a plan's stored language into o; "" (none kept) is English. */
void staff_view_language(cJSON *o, const content *en, const languages *l, const char *lang);
/* Every language served, English first: [{lang, name (in itself), english, dir}]. NULL when
 * memory runs out. */
cJSON *staff_view_languages(const content *en, const languages *l);
/* 1 when an answer to pg (its field; "" for the page's own) is what the person typed, shown as
 * written in their language; 0 for the content's words (choices, cards, amounts, dates). */
int staff_is_own_words(const content_page *pg, const char *field);
/* Marks each of a diff's changes "verbatim" when its before and after are the person's words. */
void staff_view_mark_verbatim(const content *c, cJSON *changes);

/* ---- the handlers (staff_lists.c, staff_plan.c, staff_council.c) ---- */

int staff_handle_me(void *session, const cJSON *m, long long seq);
int staff_handle_caseload(void *session, const cJSON *m, long long seq);
int staff_handle_invite(void *session, const cJSON *m, long long seq);
int staff_handle_new_code(void *session, const cJSON *m, long long seq);
int staff_handle_plan(void *session, const cJSON *m, long long seq);
int staff_handle_council(void *session, const cJSON *m, long long seq);
int staff_handle_comment(void *session, const cJSON *m, long long seq);
int staff_handle_send_back(void *session, const cJSON *m, long long seq);
int staff_handle_ready(void *session, const cJSON *m, long long seq);
int staff_handle_agree(void *session, const cJSON *m, long long seq);
int staff_handle_not_agreed(void *session, const cJSON *m, long long seq);
int staff_handle_sign_off(void *session, const cJSON *m, long long seq);
int staff_handle_versions(void *session, const cJSON *m, long long seq);
int staff_handle_diff(void *session, const cJSON *m, long long seq);
int staff_handle_audit(void *session, const cJSON *m, long long seq);
int staff_handle_review(void *session, const cJSON *m, long long seq);
int staff_handle_flag_close(void *session, const cJSON *m, long long seq);
/* staff_devices.c: the council's enrolled kiosks (admins). */
int staff_handle_kiosks(void *session, const cJSON *m, long long seq);
int staff_handle_kiosk_add(void *session, const cJSON *m, long long seq);
int staff_handle_kiosk_revoke(void *session, const cJSON *m, long long seq);
int staff_handle_erase(void *session, const cJSON *m, long long seq);
int staff_handle_export(void *session, const cJSON *m, long long seq);
/* staff_words.c: what is hard to read in a text staff write for the person. */
int staff_handle_check_words(void *session, const cJSON *m, long long seq);
/* staff_lang.c: the invitation letter's words in a language. */
int staff_handle_letter_words(void *session, const cJSON *m, long long seq);
/* staff_users.c: staff accounts (admins). */
int staff_handle_users(void *session, const cJSON *m, long long seq);
int staff_handle_user_add(void *session, const cJSON *m, long long seq);
int staff_handle_user_password(void *session, const cJSON *m, long long seq);
int staff_handle_user_disable(void *session, const cJSON *m, long long seq);
int staff_handle_user_enable(void *session, const cJSON *m, long long seq);
int staff_handle_user_role(void *session, const cJSON *m, long long seq);
/* staff_service.c: the service's audit log and its health (admins). */
int staff_handle_audit_log(void *session, const cJSON *m, long long seq);
int staff_handle_health(void *session, const cJSON *m, long long seq);

/* staff_alerts.c: the alerts outbox (admins). */
int staff_handle_alerts(void *session, const cJSON *m, long long seq);
int staff_handle_alert_retry(void *session, const cJSON *m, long long seq);

#endif
