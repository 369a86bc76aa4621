/* store_council: the council's parts of a plan, support items, comments, and agreement. */

#include "store_int.h"

#include "err.h"

#include <stdio.h>
#include <string.h>

/* ---- the council's parts ---- */

/* One change to the council's parts, inside the caller's write: the statement (bound by types
 * and the arguments), then the audit row naming the field. 1 when the statement changed nothing
 * (no such plan, need or item). */
static int council_change(store *s, long long plan, const char *field, const store_actor *by,
			  char *err, size_t errlen, const char *sql, const char *types, ...)
{
	va_list ap;
	int failed;

	va_start(ap, types);
	failed = db_runv(s, sql, types, ap);
	va_end(ap);
	if (failed) {
		db_err(err, errlen, "changing the council's parts", s->db);
		return -1;
	}
	if (sqlite3_changes(s->db) == 0)
		return 1;
	if (db_audit(s, by, plan, "council_changed", AUDIT_SQL("json_object('field', ?)"), "T",
		     field)) {
		db_err(err, errlen, "auditing the council's parts", s->db);
		return -1;
	}
	return 0;
}

int store_need_set_how(store *s, long long plan, long long need, const char *how,
		       const store_actor *by, char *err, size_t errlen)
{
	char field[48];

	snprintf(field, sizeof(field), "need/%lld/how", need);
	return council_change(s, plan, field, by, err, errlen,
			      "UPDATE needs SET how = ? WHERE id = ? AND plan_id = ?", "TII", how,
			      need, plan);
}

int store_need_set_direct_payment(store *s, long long plan, long long need, int yes,
				  const store_actor *by, char *err, size_t errlen)
{
	char field[48];

	snprintf(field, sizeof(field), "need/%lld/direct_payment", need);
	return council_change(s, plan, field, by, err, errlen,
			      "UPDATE needs SET direct_payment = ? WHERE id = ? AND plan_id = ?",
			      "III", (long long)(yes != 0), need, plan);
}

int store_plan_set_risks(store *s, long long plan, const char *risks, const store_actor *by,
			 char *err, size_t errlen)
{
	return council_change(s, plan, "risks", by, err, errlen,
			      "UPDATE plans SET risks = ? WHERE id = ?", "TI", risks, plan);
}

int store_plan_set_emergency_checked(store *s, long long plan, int yes, const store_actor *by,
				     char *err, size_t errlen)
{
	return council_change(s, plan, "emergency_checked", by, err, errlen,
			      "UPDATE plans SET emergency_checked = ? WHERE id = ?", "II",
			      (long long)(yes != 0), plan);
}

int store_support_add(store *s, long long plan, const char *what, long long cost_pence,
		      const store_actor *by, long long *id, char *err, size_t errlen)
{
	int rc = council_change(s, plan, "support/add", by, err, errlen,
				"INSERT INTO support (plan_id, what, cost_pence) SELECT id, ?, ? "
				"FROM plans WHERE id = ?",
				"TII", what, cost_pence, plan);

	/* The audit row came after the insert: the item is the newest of the plan's. */
	if (rc == 0 && id &&
	    db_query_int(s, id, "SELECT max(id) FROM support WHERE plan_id = ?", "I", plan))
		return -1;
	return rc;
}

int store_support_set(store *s, long long plan, long long id, const char *what,
		      long long cost_pence, const store_actor *by, char *err, size_t errlen)
{
	char field[48];

	snprintf(field, sizeof(field), "support/%lld", id);
	return council_change(
	    s, plan, field, by, err, errlen,
	    "UPDATE support SET what = ?, cost_pence = ? WHERE id = ? AND plan_id = ?", "TIII",
	    what, cost_pence, id, plan);
}

int store_support_remove(store *s, long long plan, long long id, const store_actor *by, char *err,
			 size_t errlen)
{
	char field[48];

	snprintf(field, sizeof(field), "support/%lld/remove", id);
	return council_change(s, plan, field, by, err, errlen,
			      "DELETE FROM support WHERE id = ? AND plan_id = ?", "II", id, plan);
}

typedef struct each {
	union {
		store_support_fn support;
		store_comment_fn comment;
	} fn;
	void *ctx;
} each;

static int each_support(void *ctx, sqlite3_stmt *st)
{
	each *e = ctx;

	e->fn.support(e->ctx, sqlite3_column_int64(st, 0), db_col_text(st, 1),
		      sqlite3_column_int64(st, 2));
	return 0;
}

int store_support_each(store *s, long long plan, store_support_fn fn, void *ctx)
{
	each e = {.fn.support = fn, .ctx = ctx};

	return db_rows(s, each_support, &e,
		       "SELECT id, what, cost_pence FROM support WHERE plan_id = ? ORDER BY id",
		       "I", plan) < 0
		   ? -1
		   : 0;
}

int store_support_count(store *s, long long plan)
{
	long long n = -1;

	if (db_query_int(s, &n, "SELECT count(*) FROM support WHERE plan_id = ?", "I", plan))
		return -1;
	return (int)n;
}

/* ---- comments ---- */

int store_comment_add(store *s, long long plan, const char *section, const char *text,
		      const store_actor *by, long long *id, char *err, size_t errlen)
{
	long long cid = 0;
	int rc = -1;

	if (!by || by->kind != STORE_ACTOR_STAFF)
		return err_set(err, errlen, "only staff write comments");
	if (store_write_begin(s, err, errlen))
		return -1;
	if ((rc = db_plan_exists(s, plan)) != 0) {
		if (rc < 0)
			db_err(err, errlen, "finding a plan", s->db);
		goto out;
	}
	rc = -1;
	if (db_run(s, "INSERT INTO comments (plan_id, section, text, user_id) VALUES (?, ?, ?, ?)",
		   "ITTI", plan, section, text, by->id)) {
		db_err(err, errlen, "adding a comment", s->db);
		goto out;
	}
	cid = sqlite3_last_insert_rowid(s->db);
	if (db_audit(s, by, plan, "comment_added",
		     AUDIT_SQL("json_object('comment', ?, 'section', ?)"), "IT", cid, section)) {
		db_err(err, errlen, "auditing a comment", s->db);
		goto out;
	}
	rc = 0;
out:
	if ((rc = store_write_finish(s, rc, err, errlen)) == 0 && id)
		*id = cid;
	return rc;
}

static int each_comment(void *ctx, sqlite3_stmt *st)
{
	each *e = ctx;
	store_comment c = {sqlite3_column_int64(st, 0), db_col_text(st, 1),
			   db_col_text(st, 2),		db_col_text(st, 3),
			   db_col_text(st, 4),		sqlite3_column_int(st, 5)};

	e->fn.comment(e->ctx, &c);
	return 0;
}

int store_comments_each(store *s, long long plan, store_comment_fn fn, void *ctx)
{
	each e = {.fn.comment = fn, .ctx = ctx};

	return db_rows(s, each_comment, &e,
		       "SELECT c.id, c.section, c.text, coalesce(u.name, ''), c.at, "
		       "c.seen_at IS NOT NULL FROM comments c LEFT JOIN users u ON "
		       "u.id = c.user_id WHERE c.plan_id = ? ORDER BY c.id",
		       "I", plan) < 0
		   ? -1
		   : 0;
}

int store_comments_mark_seen(store *s, long long plan)
{
	store_actor person = {STORE_ACTOR_PERSON, plan, NULL};
	long long n;
	int ok = 0;

	if (store_write_begin(s, NULL, 0))
		return -1;
	if (db_run(s,
		   "UPDATE comments SET seen_at = " NOW_TEXT
		   " WHERE plan_id = ? AND seen_at IS NULL",
		   "I", plan))
		goto out;
	n = sqlite3_changes(s->db);
	if (n > 0 && db_audit(s, &person, plan, "comments_seen",
			      AUDIT_SQL("json_object('comments', ?)"), "I", n))
		goto out;
	ok = 1;
out:
	return store_write_end(s, ok, NULL, 0);
}

/* ---- agreement ---- */

static int read_agreement(void *ctx, sqlite3_stmt *st)
{
	int **out = ctx;

	for (int i = 0; i < 3; i++)
		if (out[i])
			*out[i] = sqlite3_column_int(st, i);
	return 1;
}

int store_plan_agreement(store *s, long long plan, int *ready, int *person_agreed,
			 int *caseworker_agreed)
{
	int *out[3] = {ready, person_agreed, caseworker_agreed};

	return db_row(
	    s, read_agreement, out,
	    "SELECT ready, person_agreed_at IS NOT NULL, caseworker_agreed_at IS NOT NULL "
	    "FROM plans WHERE id = ?",
	    "I", plan);
}

/* ---- primitives for the workflow: inside the caller's write ---- */

int store_plan_agreement_forget(store *s, long long plan, int request)
{
	return db_run(s,
		      "UPDATE plans SET person_agreed_at = NULL, person_agreed_visit = NULL, "
		      "person_disagreed_at = NULL, person_disagree_reason = '', "
		      "caseworker_agreed_at = NULL, caseworker_agreed_by = NULL, "
		      "ready = CASE WHEN ?2 THEN 0 ELSE ready END WHERE id = ?1",
		      "II", plan, (long long)(request != 0));
}

int store_plan_ask_agreement(store *s, long long plan, long long now_ms)
{
	char now[DB_TIME_LEN];

	db_time_text(now_ms, now);
	return db_run(s, "UPDATE plans SET ready = 1, updated_at = ? WHERE id = ?", "TI", now,
		      plan);
}

int store_plan_caseworker_agreed(store *s, long long plan, long long user, long long now_ms)
{
	char now[DB_TIME_LEN];

	db_time_text(now_ms, now);
	return db_run(s,
		      "UPDATE plans SET caseworker_agreed_at = ?1, caseworker_agreed_by = ?2, "
		      "ready = 1, updated_at = ?1 WHERE id = ?3",
		      "TNI", now, user, plan);
}

int store_plan_person_agreed(store *s, long long plan, long long visit, long long now_ms)
{
	char now[DB_TIME_LEN];

	db_time_text(now_ms, now);
	return db_run(s,
		      "UPDATE plans SET person_agreed_at = ?1, person_agreed_visit = ?2, "
		      "person_disagreed_at = NULL, person_disagree_reason = '', updated_at = ?1 "
		      "WHERE id = ?3",
		      "TNI", now, visit > 0 ? visit : -1LL, plan);
}

int store_plan_person_disagreed(store *s, long long plan, const char *reason, long long now_ms)
{
	char now[DB_TIME_LEN];

	db_time_text(now_ms, now);
	return db_run(s,
		      "UPDATE plans SET person_disagreed_at = ?1, person_disagree_reason = ?2, "
		      "person_agreed_at = NULL, person_agreed_visit = NULL, updated_at = ?1 "
		      "WHERE id = ?3",
		      "TTI", now, reason ? reason : "", plan);
}

int store_plan_not_agreed_record(store *s, long long plan, long long user, const char *reasons,
				 const char *safety, long long now_ms)
{
	char now[DB_TIME_LEN];

	db_time_text(now_ms, now);
	return db_run(s,
		      "UPDATE plans SET not_agreed_at = ?, not_agreed_by = ?, "
		      "not_agreed_reasons = ?, not_agreed_safety = ?, not_agreed_complaints = 1 "
		      "WHERE id = ?",
		      "TNTTI", now, user, reasons, safety, plan);
}

int store_plan_sign_off_record(store *s, long long plan, long long user, const char *panel_decision,
			       const char *panel_date, long long now_ms)
{
	char now[DB_TIME_LEN];

	db_time_text(now_ms, now);
	return db_run(s,
		      "UPDATE plans SET signed_off_at = ?, signed_off_by = ?, "
		      "panel_decision = ?, panel_date = ? WHERE id = ?",
		      "TNTTI", now, user, panel_decision ? panel_decision : "",
		      panel_date ? panel_date : "", plan);
}
