/* store: the SQLite database. Only the store_*.c files (sharing store_int.h) include sqlite3.h.
 *
 * One connection, used only from the server's event loop thread. Changes are grouped into
 * batches: the first change opens a transaction, each request's changes sit inside a savepoint
 * (so a request that fails halfway leaves nothing behind), and store_commit() makes the whole
 * batch durable (WAL, synchronous=FULL) at once. Nothing may be acknowledged to a person before
 * the store_commit() that holds it has returned 0.
 *
 * Functions return 0 on success and -1 on error (with a reason in err when err is not NULL);
 * lookups return 1 for "not found". Strings passed in are copied; strings handed to callbacks
 * are borrowed for the duration of the callback.
 *
 * Staff writes (accounts, logins, sessions; the functions from "staff accounts" down) are rare
 * and small, and must never commit or break a kiosk batch. With no batch open, each makes its own
 * transaction (BEGIN IMMEDIATE ... COMMIT) and is durable when it returns 0. With a batch open
 * (a staff request handled in the same loop iteration as a kiosk message), it joins the batch
 * inside its own savepoint: a failure undoes only the staff change, and the change becomes
 * durable with the batch's store_commit() (and is rolled back with it if that commit fails). A
 * caller that must not answer before the change is durable checks store_batch_open() afterwards
 * and holds its answer until the commit, as the kiosk's replies are held. */
#ifndef PLANALOUD_STORE_H
#define PLANALOUD_STORE_H

#include "plan.h"

#include <stddef.h>

typedef struct store store;

#define STORE_HASH_BYTES 32
#define STORE_ERR_LEN	 256

/* Opens (creating and migrating) the database at path; ":memory:" for tests. */
store *store_open(const char *path, char *err, size_t errlen);
void store_close(store *s);
/* 0 when the database answers a query. */
int store_ping(store *s);
int store_schema_version(store *s);

/* ---- batches ---- */
/* Opens the batch if none is open, then a savepoint for one request's changes. */
int store_request_begin(store *s, char *err, size_t errlen);
/* Keeps the request's changes in the batch. */
int store_request_end(store *s);
/* Undoes the request's changes; the rest of the batch stays. */
void store_request_undo(store *s);
int store_batch_open(const store *s);
/* Commits the batch. On failure everything in it is rolled back and -1 returned. */
int store_commit(store *s, char *err, size_t errlen);
/* How many batches have committed, for tests and the benchmark. */
unsigned long store_commits(const store *s);
/* A write made of several changes, whole or not at all: with no batch open its own transaction
 * (BEGIN IMMEDIATE ... COMMIT, durable when store_write_end returns 0), inside an open batch a
 * savepoint the batch's store_commit() makes durable (see the top of this file). store_write_end
 * keeps the changes when ok (0), otherwise undoes them (-1); err is written only when keeping
 * them failed. Each store_write_begin that returned 0 needs its store_write_end. */
int store_write_begin(store *s, char *err, size_t errlen);
int store_write_end(store *s, int ok, char *err, size_t errlen);
/* store_write_end keeping the write only when rc is 0 (1: nothing to change; -1: failed).
 * Returns rc, or -1 when keeping the change failed. */
int store_write_finish(store *s, int rc, char *err, size_t errlen);

/* ---- plans ---- */
typedef struct store_plan {
	long long id;
	plan_status status;
	char person_name[128];
	long long budget_pence; /* -1 when no budget was given */
	char last_page[64];
	char lang[16]; /* the language the person chose ("cy"), or "" when none was kept */
} store_plan;

/* Makes a plan in status draft; *id gets its id. */
int store_plan_create(store *s, const unsigned char hash[STORE_HASH_BYTES], const char *person_name,
		      long long budget_pence, long long *id, char *err, size_t errlen);
/* 0 and *id, 1 when no plan has that code hash. */
int store_plan_find(store *s, const unsigned char hash[STORE_HASH_BYTES], long long *id);
/* 0, or 1 when there is no such plan. */
int store_plan_get(store *s, long long id, store_plan *out);
int store_plan_set_last_page(store *s, long long id, const char *page);
/* Keeps the language the person reads the plan in (a language tag, "cy"). */
int store_plan_set_lang(store *s, long long id, const char *lang);

/* ---- assessed needs (from the caseworker's invitation) ---- */
int store_need_add(store *s, long long plan, const char *text, int eligible);
typedef void (*store_need_fn)(void *ctx, const char *text, int eligible);
int store_needs_each(store *s, long long plan, store_need_fn fn, void *ctx);

/* ---- visits: who wrote, each time the plan was opened ---- */
int store_visit_start(store *s, long long plan, long long *visit);
/* field: "writer", "helper_name" or "helper_relationship". */
int store_visit_set(store *s, long long visit, const char *field, const char *value);
typedef void (*store_visit_fn)(void *ctx, long long visit, const char *writer,
			       const char *helper_name, const char *relationship);
int store_visits_each(store *s, long long plan, store_visit_fn fn, void *ctx);

/* ---- answers ---- */
/* Stores a page's answer (item 0, field "") or a list entry's field. */
int store_answer_set(store *s, long long plan, long long visit, const char *page, long long item,
		     const char *field, const char *value, char *err, size_t errlen);
typedef int (*store_answer_fn)(void *ctx, const char *page, long long item, const char *field,
			       const char *value);
int store_answers_each(store *s, long long plan, store_answer_fn fn, void *ctx);

/* ---- list entries ---- */
int store_item_add(store *s, long long plan, const char *page, long long *item);
/* 0, or 1 when the plan has no such entry on that page. */
int store_item_remove(store *s, long long plan, const char *page, long long item);
int store_item_exists(store *s, long long plan, const char *page, long long item);
typedef void (*store_item_fn)(void *ctx, long long item);
int store_items_each(store *s, long long plan, const char *page, store_item_fn fn, void *ctx);
int store_item_count(store *s, long long plan, const char *page);

/* ---- flags for staff: "safeguarding", "advocacy", "review" ---- */
/* Raises a flag unless one of that kind is already open for the plan; *raised says which. */
int store_flag_raise(store *s, long long plan, long long visit, const char *kind,
		     const char *detail, int *raised);
int store_flag_open_count(store *s, long long plan, const char *kind);

/* ---- who did something: for the audit log (a NULL actor is the system) ---- */
typedef enum store_actor_kind {
	STORE_ACTOR_PERSON, /* the person the plan is about (or their helper), at the kiosk */
	STORE_ACTOR_STAFF,  /* a staff user */
	STORE_ACTOR_SYSTEM  /* the server itself, the command line, --demo */
} store_actor_kind;

typedef struct store_actor {
	store_actor_kind kind;
	long long id;	  /* staff: the user's id; person: the plan's id; system: ignored */
	const char *role; /* staff: "caseworker", "manager" or "admin"; else NULL. Borrowed. */
} store_actor;

/* ---- staff accounts ---- */
#define STORE_NAME_MAX	 64  /* a user name, without its NUL */
#define STORE_PWHASH_MAX 128 /* an encoded password hash with its NUL (crypto_pwhash_STRBYTES) */

typedef struct store_user {
	long long id;
	char name[STORE_NAME_MAX + 1];
	char role[16];
	char password_hash[STORE_PWHASH_MAX];
	int disabled;
	long long created_ms;
} store_user;

/* Adds a user (names are unique whatever their case) and audits "user_added" by `by`.
 * password_hash is an Argon2id string ("$argon2id$..."); the database refuses anything else, a
 * name that is not 1 to 64 of [A-Za-z0-9._-], and a role that is not one of the three.
 * 0 and *id (may be NULL); 1 when the name is taken; -1 on error. */
int store_user_add(store *s, const char *name, const char *role, const char *password_hash,
		   long long now_ms, const store_actor *by, long long *id, char *err,
		   size_t errlen);
/* By name, whatever its case: 0 and *out, 1 when there is no such user. */
int store_user_find(store *s, const char *name, store_user *out);
int store_user_get(store *s, long long id, store_user *out);
/* A new password, audited as "password_set" by `by`; every session of the user ends with the old
 * password. 0, or 1 when there is no such user. */
int store_user_set_password(store *s, long long id, const char *password_hash,
			    const store_actor *by, char *err, size_t errlen);
/* The same password under stronger hashing parameters (at login): not audited. */
int store_user_rehash(store *s, long long id, const char *password_hash);
/* Disables (ending every session of the user at once) or enables a user, audited as
 * "user_disabled" or "user_enabled" by `by`. 0; 1 when there is no such user; 2 (and err says
 * why) when disabling would leave no enabled admin. Setting the state the user is already in
 * changes nothing and audits nothing. */
int store_user_set_disabled(store *s, long long id, int disabled, long long now_ms,
			    const store_actor *by, char *err, size_t errlen);
/* A new role ("caseworker", "manager" or "admin"), audited as "role_changed" ({user_id, name,
 * from, to}) by `by`. 0 (the same role: nothing changes, nothing is audited); 1 when there is no
 * such user; 2 (and err says why) when it would leave no enabled admin. */
int store_user_set_role(store *s, long long id, const char *role, const store_actor *by, char *err,
			size_t errlen);
/* Every user, by name. The user is borrowed for the callback. */
typedef void (*store_user_fn)(void *ctx, const store_user *u);
int store_users_each(store *s, store_user_fn fn, void *ctx);

/* ---- logins ---- */
/* Audits a failed login as "login_failed": user is the account the name typed belongs to, or NULL
 * for a name that is no user's, which is recorded as "unknown" and never as typed (people type
 * passwords into the name box). failures: the name's failures lately; wait_ms: how long it must
 * now wait. The counts themselves are the caller's (users.c keeps them in memory). */
int store_login_failed(store *s, const store_user *user, int failures, long long wait_ms, char *err,
		       size_t errlen);
/* Records a good login: forgets the name's failures, makes the session under token_hash, and
 * audits "login_ok". */
int store_login_ok(store *s, const store_user *user,
		   const unsigned char token_hash[STORE_HASH_BYTES], long long now_ms, char *err,
		   size_t errlen);

/* ---- staff sessions, found by the hash of their token ---- */
typedef struct store_session {
	store_user user; /* whose session it is, as the users table has them now */
	long long created_ms;
	long long seen_ms;
} store_session;

/* 0 and *out, 1 when there is no such session. */
int store_session_find(store *s, const unsigned char token_hash[STORE_HASH_BYTES],
		       store_session *out);
int store_session_touch(store *s, const unsigned char token_hash[STORE_HASH_BYTES],
			long long now_ms);
/* Ends a session. With `by` not NULL it was a logout and is audited as "logout".
 * 0, or 1 when there was no such session. */
int store_session_end(store *s, const unsigned char token_hash[STORE_HASH_BYTES],
		      const store_actor *by);
/* Forgets sessions last seen before seen_before_ms or made before created_before_ms, and rows
 * older than failures_before_ms of the login_failures table (which earlier versions kept). */
int store_staff_prune(store *s, long long seen_before_ms, long long created_before_ms,
		      long long failures_before_ms);

/* ---- enrolled kiosks (devices.c): hashes of their enrolment links and device tokens ----
 * Staff writes (see the top of this file), each audited in the same transaction. */
#define STORE_KIOSK_LABEL_MAX 400 /* bytes */

typedef struct store_kiosk {
	long long id;
	const char *label;
	long long created_ms;
	long long link_expires_ms; /* -1: no enrolment link waits (used, or revoked) */
	long long enrolled_ms;	   /* -1: not enrolled yet */
	long long revoked_ms;	   /* -1: not revoked */
} store_kiosk;

/* A new kiosk with its enrolment link's hash, live until link_expires_ms; audited "kiosk_added"
 * (its id and label) by `by`. 0 and *id. */
int store_kiosk_add(store *s, const char *label, const unsigned char link_hash[STORE_HASH_BYTES],
		    long long link_expires_ms, long long now_ms, const store_actor *by,
		    long long *id, char *err, size_t errlen);
/* Trades a live enrolment link (not used, not expired, not revoked) for the device's hash: the
 * link stops working; audited "kiosk_enrolled" by the system. 0 and *id; 1 when no live link
 * has that hash. */
int store_kiosk_enrol(store *s, const unsigned char link_hash[STORE_HASH_BYTES],
		      const unsigned char device_hash[STORE_HASH_BYTES], long long now_ms,
		      long long *id, char *err, size_t errlen);
/* The enrolled, unrevoked kiosk with this device hash: 0 and *id; 1 when there is none. */
int store_kiosk_find(store *s, const unsigned char device_hash[STORE_HASH_BYTES], long long *id);
/* Revokes a kiosk: its device token and any enrolment link stop working; audited
 * "kiosk_revoked" by `by`. 0; 1 when there is no such kiosk or it was revoked already. */
int store_kiosk_revoke(store *s, long long id, long long now_ms, const store_actor *by, char *err,
		       size_t errlen);
/* Every kiosk, newest first (the row borrowed for the callback). The number, or -1. */
typedef void (*store_kiosk_fn)(void *ctx, const store_kiosk *k);
int store_kiosks_each(store *s, store_kiosk_fn fn, void *ctx);

/* ---- the audit log: append-only (the database refuses UPDATE and DELETE on it) ---- */
#define STORE_AUDIT_LIST_MAX   500 /* rows one listing may return */
#define STORE_AUDIT_ACTION_MAX 64
#define STORE_AUDIT_DETAIL_MAX 4096

typedef struct store_audit_row {
	long long id;
	long long at_ms;	/* UTC milliseconds since 1970, set by the database */
	const char *actor_kind; /* "person", "staff" or "system" */
	long long actor_id;	/* -1 for none (system, or a login under an unknown name) */
	const char *role;	/* "" for none */
	long long plan_id;	/* -1 for none */
	const char *action;
	const char *detail; /* JSON text, "{}" for none */
} store_audit_row;

/* Appends a row. plan_id -1 for none; action a short machine name (1 to 64 characters);
 * detail_json a JSON value of at most 4 KiB (NULL for "{}"), kept minified; text that is not JSON
 * is refused.
 * Never put a plan's answers or codes in detail: the log is kept for ever. */
int store_audit_append(store *s, const store_actor *by, long long plan_id, const char *action,
		       const char *detail_json, char *err, size_t errlen);
/* Calls fn for rows, newest first: at most `limit` (1 to STORE_AUDIT_LIST_MAX; more is cut
 * to it) with ids below before_id (0: from the newest; pass the last id seen to page on).
 * fn returns 0 to go on, anything else to stop. The row is borrowed for the callback. */
typedef int (*store_audit_fn)(void *ctx, const store_audit_row *row);
int store_audit_each_for_plan(store *s, long long plan_id, long long before_id, int limit,
			      store_audit_fn fn, void *ctx);
int store_audit_each_recent(store *s, long long before_id, int limit, store_audit_fn fn, void *ctx);
/* The rows about no plan (logins, accounts, kiosks), newest first, as the listings above:
 * only those whose action is one of actions[0..nactions) (nactions 0: any action; at most
 * STORE_AUDIT_ACTIONS_MAX), and with user_id > 0 only those the user made or that name them
 * (detail's user_id). Read from an index of those rows alone (migration 8), and at most
 * STORE_AUDIT_SCAN of them a call, so that a rare filter costs no more than a common one:
 * *scan_end is then the id to go on from (before_id of the next call) when the call stopped
 * there, or 0 when it reached the oldest row. */
#define STORE_AUDIT_ACTIONS_MAX 6
#define STORE_AUDIT_SCAN	5000
int store_audit_each_service(store *s, long long before_id, int limit, const char *const *actions,
			     int nactions, long long user_id, long long *scan_end,
			     store_audit_fn fn, void *ctx);

/* ---- the staff workspace (docs/staff.md) ----
 * Every function here that changes something is a staff write (see the top of this file: its
 * own transaction, or its own savepoint inside an open batch, so the kiosk's handlers may call
 * the ones meant for them between store_request_begin and store_request_end) and writes its
 * audit row in the same transaction, except the primitives marked as such, which run inside
 * the caller's write. None puts a person's words, a code or a comment's text in the audit row.
 *
 * Status changes are workflow.c's: it decides each with plan.c's graph and makes it whole (the
 * status, what goes with it, the frozen version, the audit rows) from the primitives here.
 * Times are UTC text, "2026-11-22T19:00:00.000Z"; dates are YYYY-MM-DD. */

typedef struct store_invite_need {
	const char *text;
	int eligible;
} store_invite_need;

/* A new plan in status draft under the code's hash: the person's name, the assessed needs in
 * order, the indicative weekly budget (-1: none), the ways of managing support the council
 * offers (e.g. "direct,council", "" for none named) and the language of the invitation letter,
 * which the kiosk opens the plan in (a tag, "cy"; NULL: none kept). Audited "plan_invited"
 * (counts only). */
int store_plan_invite(store *s, const unsigned char hash[STORE_HASH_BYTES], const char *person_name,
		      const store_invite_need *needs, size_t nneeds, long long budget_pence,
		      const char *managing, const char *lang, const store_actor *by, long long *id,
		      char *err, size_t errlen);
/* Replaces the plan's code hash: the old code opens nothing from now on. Audited
 * "code_replaced". 0; 1 when there is no such plan. */
int store_plan_set_code(store *s, long long plan, const unsigned char hash[STORE_HASH_BYTES],
			const store_actor *by, char *err, size_t errlen);

/* Everything about a plan but its lists, borrowed for the callback. Times and names are ""
 * when there are none. */
typedef struct store_plan_detail {
	long long id;
	plan_status status;
	const char *person_name;
	long long budget_pence; /* -1: none */
	const char *managing;
	const char *created_at, *updated_at, *submitted_at;
	const char *invited_by; /* the user's name */
	int ready;		/* the caseworker has asked the person to agree */
	const char *person_agreed_at;
	const char *person_disagreed_at, *person_disagree_reason;
	const char *caseworker_agreed_at, *caseworker_agreed_by;
	long long caseworker_agreed_by_id; /* -1: none */
	const char *risks;
	int emergency_checked;
	const char *not_agreed_at, *not_agreed_by, *not_agreed_reasons, *not_agreed_safety;
	int not_agreed_complaints;
	const char *signed_off_at, *signed_off_by;
	const char *panel_decision, *panel_date; /* "" when no panel was recorded */
	const char *lang; /* the language the person writes in ("cy"); "" when none was kept */
} store_plan_detail;
typedef void (*store_plan_detail_fn)(void *ctx, const store_plan_detail *d);
/* 0 (fn called once), 1 when there is no such plan. */
int store_plan_detail_get(store *s, long long plan, store_plan_detail_fn fn, void *ctx);

/* Needs with the council's parts. */
typedef struct store_need {
	long long id;
	const char *text;
	int eligible;
	const char *how; /* how the council will meet it ("" until written) */
	int direct_payment;
} store_need;
typedef void (*store_need_full_fn)(void *ctx, const store_need *n);
int store_needs_each_full(store *s, long long plan, store_need_full_fn fn, void *ctx);

/* Answers with the visit that wrote each (0: unknown). fn returns 0 to go on. */
typedef int (*store_answer_visit_fn)(void *ctx, const char *page, long long item, const char *field,
				     const char *value, long long visit);
int store_answers_each_with_visit(store *s, long long plan, store_answer_visit_fn fn, void *ctx);

/* ---- the council's parts: primitives inside the caller's write (workflow_council_change,
 * which also forgets the agreement to the plan as it was). Each is audited "council_changed"
 * with the field; 1 (nothing changed) when there is no such plan, need or support item of the
 * plan. ---- */
int store_need_set_how(store *s, long long plan, long long need, const char *how,
		       const store_actor *by, char *err, size_t errlen);
int store_need_set_direct_payment(store *s, long long plan, long long need, int yes,
				  const store_actor *by, char *err, size_t errlen);
int store_plan_set_risks(store *s, long long plan, const char *risks, const store_actor *by,
			 char *err, size_t errlen);
int store_plan_set_emergency_checked(store *s, long long plan, int yes, const store_actor *by,
				     char *err, size_t errlen);
/* Support items the council costs: what, and the weekly cost in pence. */
int store_support_add(store *s, long long plan, const char *what, long long cost_pence,
		      const store_actor *by, long long *id, char *err, size_t errlen);
int store_support_set(store *s, long long plan, long long id, const char *what,
		      long long cost_pence, const store_actor *by, char *err, size_t errlen);
int store_support_remove(store *s, long long plan, long long id, const store_actor *by, char *err,
			 size_t errlen);
typedef void (*store_support_fn)(void *ctx, long long id, const char *what, long long cost_pence);
int store_support_each(store *s, long long plan, store_support_fn fn, void *ctx);
int store_support_count(store *s, long long plan);

/* ---- comments from staff, for the person to hear when they come back ---- */
typedef struct store_comment {
	long long id;
	const char *section; /* the page of the journey it is about */
	const char *text;
	const char *author; /* the staff user's name */
	const char *at;
	int seen; /* the person has been shown it */
} store_comment;
/* by must be a staff user. Audited "comment_added" (its id and section, not its text).
 * 0 and *id (may be NULL); 1 when there is no such plan. */
int store_comment_add(store *s, long long plan, const char *section, const char *text,
		      const store_actor *by, long long *id, char *err, size_t errlen);
/* Oldest first. */
typedef void (*store_comment_fn)(void *ctx, const store_comment *c);
int store_comments_each(store *s, long long plan, store_comment_fn fn, void *ctx);
/* The person has been shown every comment so far (kiosk). Audited "comments_seen" as the
 * person when there were any new. */
int store_comments_mark_seen(store *s, long long plan);

/* ---- agreement ---- */
/* ready: the caseworker has asked the person to agree; person_agreed, caseworker_agreed: each
 * has said yes to the plan as it is. Any may be NULL. 0, or 1 when there is no such plan. */
int store_plan_agreement(store *s, long long plan, int *ready, int *person_agreed,
			 int *caseworker_agreed);

/* ---- primitive writes for the workflow (workflow.c decides every status change) ----
 * Each runs inside the caller's store_write_begin .. store_write_end (or a kiosk request) and
 * decides nothing: which move is allowed, and what goes with it, is workflow.c's. Times come
 * from the caller's clock: now_ms is UTC milliseconds since 1970. None writes an audit row
 * but store_version_freeze; the workflow audits each step with store_audit_append. */
/* Moves the plan from `from` to `to` as of now_ms (entering submitted also sets submitted_at).
 * 0; 1 (nothing changed) when the plan is not in `from`. */
int store_plan_move(store *s, long long plan, plan_status from, plan_status to, long long now_ms);
/* The plan changed as of now_ms (its updated_at). */
int store_plan_touch(store *s, long long plan, long long now_ms);
/* Forgets the person's yes or no and the caseworker's yes; with request, also the request to
 * agree. */
int store_plan_agreement_forget(store *s, long long plan, int request);
/* The caseworker asks the person to agree. */
int store_plan_ask_agreement(store *s, long long plan, long long now_ms);
/* The caseworker (staff user `user`) says yes; this also asks the person. */
int store_plan_caseworker_agreed(store *s, long long plan, long long user, long long now_ms);
/* The person says yes on visit `visit` (0: unknown), forgetting an earlier no. */
int store_plan_person_agreed(store *s, long long plan, long long visit, long long now_ms);
/* The person says no, with why (their words), forgetting an earlier yes. */
int store_plan_person_disagreed(store *s, long long plan, const char *reason, long long now_ms);
/* Records why the plan is not agreed, the steps taken to keep the person safe, that the
 * complaints information was given, and who (staff user `user`). */
int store_plan_not_agreed_record(store *s, long long plan, long long user, const char *reasons,
				 const char *safety, long long now_ms);
/* Records the sign-off by staff user `user`, with a panel's decision and date (both NULL: no
 * panel). */
int store_plan_sign_off_record(store *s, long long plan, long long user, const char *panel_decision,
			       const char *panel_date, long long now_ms);

/* ---- versions: frozen copies of the whole plan; the database refuses UPDATE and DELETE ---- */
/* Freezes the plan as it is now (the person's answers, the needs with the council's parts,
 * support items, risks, budget) as the next version, of kind PLAN_SUBMITTED, PLAN_AGREED or
 * PLAN_SIGNED_OFF, made at now_ms. Audited "version_frozen". 0 and *n (may be NULL); 1 when
 * there is no such plan. A primitive: inside the caller's write (workflow.c). */
int store_version_freeze(store *s, long long plan, plan_status kind, const store_actor *by,
			 long long now_ms, int *n, char *err, size_t errlen);
typedef struct store_version {
	int n;
	const char *kind, *at;
	const char *actor_kind; /* "person", "staff" or "system" */
	const char *by;		/* staff: the user's name; else "" */
	const char *role;
} store_version;
typedef void (*store_version_fn)(void *ctx, const store_version *v);
/* Oldest first. */
int store_versions_each(store *s, long long plan, store_version_fn fn, void *ctx);
/* The snapshot (JSON text) of version n, borrowed for fn, which returns 0 or -1. 0; 1 when
 * there is no such version; -1 on error or when fn failed. */
typedef int (*store_snapshot_fn)(void *ctx, const char *json);
int store_version_snapshot(store *s, long long plan, int n, store_snapshot_fn fn, void *ctx);

/* ---- reviews ---- */
typedef struct store_review {
	long long id;
	const char *kind;    /* "light" or "full" */
	const char *due;     /* YYYY-MM-DD */
	const char *state;   /* "open", "done" or "replaced" (by a later schedule) */
	const char *done_at; /* the date it was done, or "" */
	const char *outcome; /* "confirm", "reopen" or "" */
	const char *answers; /* JSON object: the review form's answers; "{}" until done */
	const char *done_by; /* the user's name, or "" */
} store_review;
typedef void (*store_review_fn)(void *ctx, const store_review *r);
/* The reviews waiting and done, by due date; not those a later schedule replaced. */
int store_reviews_each(store *s, long long plan, store_review_fn fn, void *ctx);
/* Plans in status `from` with a review waiting that is due on or before today, or an open review
 * request from the person (asked 1); the workflow decides which status may become due. Found
 * from the waiting reviews and the open requests, not by reading every plan. fn returns 0 to go
 * on, -1 to stop (the listing then fails). */
typedef int (*store_review_due_fn)(void *ctx, long long plan, plan_status status, int asked);
int store_reviews_due_each(store *s, plan_status from, const char *today, store_review_due_fn fn,
			   void *ctx);
/* Primitives (inside the caller's write): */
/* Replaces the plan's waiting reviews with a light-touch one on light_due and a full one on
 * full_due (either NULL: none). */
int store_reviews_schedule(store *s, long long plan, const char *light_due, const char *full_due);
/* Records a review done today by staff user `user`: the earliest waiting review (or a new full
 * one due today, when none was waiting) gets the answers (a JSON object) and the outcome
 * ("confirm" or "reopen"); the person's open review requests are closed as of now_ms.
 * *review (may be NULL) gets its id. */
int store_review_record(store *s, long long plan, const char *answers_json, const char *outcome,
			const char *today, long long user, long long now_ms, long long *review);

/* ---- the caseload (store_caseload.c): read a page at a time, each from an index ---- */
/* The kinds of flag, in the order staff see them: "safeguarding", "advocacy", "review". */
#define STORE_FLAG_KINDS 3
const char *store_flag_kind(size_t i);

typedef struct store_flag_row {
	long long plan;
	const char *person;
	const char *kind; /* "safeguarding", "advocacy" or "review" */
	const char *detail;
	const char *raised;
	const char *closed, *closed_by, *closed_note; /* "" while open */
	const char *created;			      /* when the plan was started */
	const char *lang; /* the plan's language (store_plan.lang); "" when none was kept */
} store_flag_row;
typedef void (*store_flag_fn)(void *ctx, const store_flag_row *f);
/* The first `limit` open flags of every plan: safeguarding, then advocacy, then review
 * requests, each oldest first. *total (may be NULL) gets how many are open in all. */
int store_flags_open_each(store *s, int limit, long long *total, store_flag_fn fn, void *ctx);
/* One plan's flags, open and closed, oldest first. */
int store_flags_each(store *s, long long plan, store_flag_fn fn, void *ctx);
/* Closes the plan's open flag of that kind with a note of what was done. Audited
 * "flag_closed". 0; 1 when none of that kind is open. */
int store_flag_close(store *s, long long plan, const char *kind, const char *note,
		     const store_actor *by, char *err, size_t errlen);

typedef struct store_caseload_row {
	long long plan;
	const char *person;
	plan_status status;
	const char *updated;
	const char *review_kind, *review_due; /* the next waiting review; "" when none */
	const char *created;		      /* when the plan was started */
	/* when the plan's open flag of each kind (store_flag_kind(i)) was raised; "" when none */
	const char *flag_raised[STORE_FLAG_KINDS];
	const char *lang; /* the plan's language (store_plan.lang); "" when none was kept */
} store_caseload_row;
typedef void (*store_caseload_fn)(void *ctx, const store_caseload_row *r);
/* How many plans are in each status (counts[status]), from a table the database keeps up to
 * date as plans change (not by counting them). */
int store_caseload_counts(store *s, long long counts[PLAN_STATUS_COUNT]);
/* How many flags of each kind (store_flag_kind(i)) are open: one pass over the open flags'
 * index (metrics). 0, or -1. */
int store_open_flag_counts(store *s, long long counts[STORE_FLAG_KINDS]);
/* The database's size in bytes (its pages; the write-ahead log not counted). 0, or -1. */
int store_size(store *s, long long *bytes);
/* The plans in `status`, most recently changed first, skipping `offset` of them, at most
 * `limit`: each with its next waiting review and its open flags (one query over indexes, however
 * many plans and flags there are). The number of rows listed, or -1. */
int store_caseload_each(store *s, plan_status status, long long offset, int limit,
			store_caseload_fn fn, void *ctx);
/* The plans whose next waiting review is due on or before `until` (YYYY-MM-DD), soonest first,
 * at most `limit`, as store_caseload_each lists them; *total gets how many there are. 0, or -1. */
int store_caseload_reviews_each(store *s, const char *until, int limit, long long *total,
				store_caseload_fn fn, void *ctx);
/* How SQLite reads the caseload's queries (the page, the reviews due, the urgent flags, the
 * plans that may become due), one line each: "page: SEARCH ... USING INDEX ...; ...". For the
 * tests that check each reads an index, never every plan or every flag. 0, or -1. */
int store_caseload_explain(store *s, char *out, size_t outlen);

/* ---- resume tokens (store_resume.c): coming back after a dropped connection ---- */
#define STORE_RESUME_BOX 104 /* the sealed code: a nonce, 64 bytes of code and a tag */
typedef struct store_resume {
	unsigned char hash[STORE_HASH_BYTES]; /* of the token (never the token itself) */
	long long plan;
	long long visit;
	char page[64];			     /* the page the person was on */
	unsigned char box[STORE_RESUME_BOX]; /* the plan's code, sealed with the token */
	long long expires_ms;		     /* it stops working then (ms since 1970) */
} store_resume;

int store_resume_add(store *s, const store_resume *r);
/* Takes a token that has not expired: 0 with *out filled and the row deleted (each token works
 * once), 1 when there is none, -1 on error. Expired tokens are deleted first. */
int store_resume_take(store *s, const unsigned char hash[STORE_HASH_BYTES], long long now_ms,
		      store_resume *out);
/* The person is still here: the page they are on and a new expiry. */
int store_resume_touch(store *s, const unsigned char hash[STORE_HASH_BYTES], const char *page,
		       long long expires_ms);
int store_resume_revoke(store *s, const unsigned char hash[STORE_HASH_BYTES]);

/* ---- people's data over its whole life (store_erase.c, store_reads.c) ---- */
/* Why a plan was erased: a kind, never free text. */
#define STORE_ERASE_ASKED	   "person_asked"   /* the person asked (right to erasure) */
#define STORE_ERASE_MISTAKE	   "made_in_error"  /* made by mistake, or for someone else */
#define STORE_ERASE_DRAFT_EXPIRED  "draft_expired"  /* retention: an untouched anonymous draft */
#define STORE_ERASE_CLOSED_EXPIRED "closed_expired" /* retention: closed for the years kept */

/* Erases the plan: every row that holds anything about the person (the plan, needs, visits,
 * answers, list entries, flags, support, comments, versions, reviews, resume tokens) goes, and a
 * tombstone (the plan's number, now_ms, by, reason) stays for good; the plan's number is never used
 * again. The audit rows about the plan (and the counts of staff reads behind them) stay: they hold
 * no person's words. Audited "plan_erased" (the reason and how many rows went). A staff write (its
 * own transaction). reason: one of STORE_ERASE_*. 0; 1 when there is no such plan (or it was erased
 * already). */
int store_plan_erase(store *s, long long plan, const char *reason, const store_actor *by,
		     long long now_ms, char *err, size_t errlen);
typedef struct store_erasure {
	long long at_ms;
	char reason[32];
	char actor_kind[16]; /* "staff" or "system" */
	long long actor_id;  /* -1: none */
} store_erasure;
/* 0 and *out (may be NULL) when the plan was erased; 1 when not; -1 on error. */
int store_plan_erased(store *s, long long plan, store_erasure *out);
/* Plans whose time is up, oldest number first, at most limit (1 to 1000): anonymous drafts
 * (started at a kiosk without an invitation, never sent) untouched since drafts_before, and
 * plans closed (not agreed, or signed off) untouched since closed_before. Untouched: no change
 * to the plan, answer, visit, comment, flag or review after that time. Either time ("" or NULL)
 * may be left out. fn gets each plan and the reason it would be erased for, and returns 0 to go
 * on. The number of plans, or -1. */
typedef int (*store_expired_fn)(void *ctx, long long plan, const char *reason);
int store_expired_each(store *s, const char *drafts_before, const char *closed_before, int limit,
		       store_expired_fn fn, void *ctx);
/* Writes the write-ahead log into the database and empties it, so that what an erasure
 * removed is not left in the log file. Does nothing inside a batch. 0, or -1. */
int store_checkpoint(store *s);

/* Staff reading a plan ("plan", "versions" or "diff"), audited "plan_read" once per user, plan
 * and window_ms (counted from the first read): later reads in the window add to that row's
 * counts (shown with the row when the audit log is listed). by must be a staff user. A staff
 * write. 0, or -1. */
int store_plan_read(store *s, const store_actor *by, long long plan, const char *kind,
		    long long now_ms, long long window_ms, char *err, size_t errlen);

/* ---- backups and checks (store_backup.c) ----
 * A backup is SQLite's online backup of the whole database, read in one snapshot: a save the
 * server acknowledged before the backup began is in it, and the server's saves go on meanwhile
 * (WAL: a reader holds no writer up). */
#define STORE_KEY_ID_BYTES 32

typedef struct store_backup_row {
	long long at_ms;   /* when it began, UTC milliseconds since 1970 */
	long long took_ms; /* how long it took */
	long long bytes;   /* the backup's size (0 when it failed) */
	int ok;		   /* 1: written and checked; 0: failed */
} store_backup_row;

/* Copies the whole database into the SQLite file at path (which exists, empty, made by the
 * caller with the mode it wants): one consistent snapshot, written as a single file (no -wal).
 * *bytes gets its size. Not inside a batch. 0, or -1 (err says why; path may hold part of a
 * copy, which the caller removes). */
int store_backup_to(store *s, const char *path, long long *bytes, char *err, size_t errlen);
/* store_backup_to from the database file `from` (opened read-only, its -wal read too). */
int store_copy_file(const char *from, const char *path, char *err, size_t errlen);
/* Records a backup (ok or failed) in the database: a staff write. 0, or -1. */
int store_backup_record(store *s, const store_backup_row *row, char *err, size_t errlen);
/* The latest backup (ok_only: the latest good one) into *out. 0; 1 when there is none; -1.
 * For the health and metrics pages: its at_ms is the last backup's age. */
int store_last_backup(store *s, int ok_only, store_backup_row *out);
/* The secret key's id (a keyed hash that tells keys apart and gives nothing of the key): the
 * first call records it; later calls compare. 0 when it is this database's key (or now
 * recorded); 1 when the database was made with another key; -1 on error. A staff write. */
int store_key_id_check(store *s, const unsigned char id[STORE_KEY_ID_BYTES], char *err,
		       size_t errlen);

/* What store_check_file found. */
typedef struct store_health {
	int plan_aloud;	     /* 1: a Plan Aloud database (its tables are there) */
	int schema;	     /* its schema version */
	int schema_known;    /* this program's schema version */
	int integrity_ok;    /* PRAGMA integrity_check said ok */
	int foreign_keys_ok; /* PRAGMA foreign_key_check found nothing */
	long long plans;     /* how many plans it holds */
	int has_key_id;	     /* 1 when key_id holds the id of the key it was made with */
	unsigned char key_id[STORE_KEY_ID_BYTES];
	int has_backup; /* 1 when last_backup holds its latest good backup */
	store_backup_row last_backup;
	char problem[256]; /* the first problem found, in plain words ("" for none) */
} store_health;

/* Checks the database file at path without changing it (opened read-only: the server may be
 * running on it; a file that is not a database is not made one). 0 with *out filled in, even
 * when the database has problems (out->problem says the first); -1 when the file cannot be
 * opened or read as a database at all (err says why). */
int store_check_file(const char *path, store_health *out, char *err, size_t errlen);
/* Writes a database's write-ahead log into it and empties it (no server may be running on it).
 * For a database about to be set aside by a restore. 0, or -1. */
int store_checkpoint_file(const char *path, char *err, size_t errlen);

#endif
