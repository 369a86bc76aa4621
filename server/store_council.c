/* store_council: the council's parts of a plan, support items, comments, and agreement. */

#include "store_int.h"

#include <stdio.h>
#include <string.h>

int db_agreement_forget(store *s, long long plan)
{
	return db_run(s, "UPDATE plans SET person_agreed_at = NULL, person_agreed_visit = NULL, "
		      "person_disagreed_at = NULL, person_disagree_reason = '', "
		      "caseworker_agreed_at = NULL, caseworker_agreed_by = NULL WHERE id = ?",
		   "I", plan);
}

/* Moves the plan from `from` to `to` inside the open transaction: 0, 1 when it is not in
 * `from`, -1 on error. Going back for changes also forgets the agreement and the request for
 * it. */
int db_move(store *s, long long plan, const char *from, const char *to)
{
	if (db_run(s, "UPDATE plans SET status = ?, updated_at = " NOW_TEXT
		   " WHERE id = ? AND status = ?",
		"TIT", to, plan, from))
		return -1;
	if (sqlite3_changes(s->db) != 1)
		return 1;
	if (strcmp(to, "changes_requested") == 0 &&
	    (db_agreement_forget(s, plan) || db_run(s, "UPDATE plans SET ready = 0 WHERE id = ?", "I", plan)))
		return -1;
	return 0;
}

/* ---- the council's parts ---- */

/* One change to the council's parts, in its own transaction: the statement (bound by types and
 * the arguments), then the agreement forgotten and the audit row naming the field. 1 when the
 * statement changed nothing (no such plan, need or item). */
static int council_change(store *s, long long plan, const char *field, const store_actor *by,
			  char *err, size_t errlen, const char *sql, const char *types, ...)
{
	db_actor_cols a = db_actor(by);
	sqlite3_stmt *st;
	va_list ap;
	int rc = -1, step = SQLITE_ERROR;

	if (store_write_begin(s, err, errlen))
		return -1;
	st = db_prepare(s, sql);
	if (st) {
		va_start(ap, types);
		if (db_bind(st, types, ap) == 0)
			step = sqlite3_step(st);
		va_end(ap);
		db_done(s, st);
	}
	if (step != SQLITE_DONE) {
		db_err(err, errlen, "changing the council's parts", s->db);
		goto out;
	}
	if (sqlite3_changes(s->db) == 0) {
		rc = 1;
		goto out;
	}
	if (db_agreement_forget(s, plan) ||
	    db_run(s, "UPDATE plans SET updated_at = " NOW_TEXT " WHERE id = ?", "I", plan) ||
	    db_run(s, AUDIT_INSERT "json_object('field', ?))", "TNTITT", a.kind, a.id, a.role, plan,
		"council_changed", field)) {
		db_err(err, errlen, "auditing the council's parts", s->db);
		goto out;
	}
	rc = 0;
out:
	if (store_write_end(s, rc == 0, err, errlen))
		return rc == 1 ? 1 : -1;
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
	if (rc == 0 && id && db_query_int(s, id, "SELECT max(id) FROM support WHERE plan_id = ?", "I",
				       plan))
		return -1;
	return rc;
}

int store_support_set(store *s, long long plan, long long id, const char *what,
		      long long cost_pence, const store_actor *by, char *err, size_t errlen)
{
	char field[48];

	snprintf(field, sizeof(field), "support/%lld", id);
	return council_change(s, plan, field, by, err, errlen,
			      "UPDATE support SET what = ?, cost_pence = ? WHERE id = ? AND plan_id = ?",
			      "TIII", what, cost_pence, id, plan);
}

int store_support_remove(store *s, long long plan, long long id, const store_actor *by, char *err,
			 size_t errlen)
{
	char field[48];

	snprintf(field, sizeof(field), "support/%lld/remove", id);
	return council_change(s, plan, field, by, err, errlen,
			      "DELETE FROM support WHERE id = ? AND plan_id = ?", "II", id, plan);
}

int store_support_each(store *s, long long plan, store_support_fn fn, void *ctx)
{
	sqlite3_stmt *st =
	    db_prepare(s, "SELECT id, what, cost_pence FROM support WHERE plan_id = ? ORDER BY id");
	int step;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, plan);
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		fn(ctx, sqlite3_column_int64(st, 0), db_col_text(st, 1), sqlite3_column_int64(st, 2));
	db_done(s, st);
	return step == SQLITE_DONE ? 0 : -1;
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
	db_actor_cols a = db_actor(by);
	long long cid = 0;
	int rc = -1;

	if (!by || by->kind != STORE_ACTOR_STAFF) {
		if (err)
			snprintf(err, errlen, "only staff write comments");
		return -1;
	}
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
	if (db_run(s, AUDIT_INSERT "json_object('comment', ?, 'section', ?))", "TNTITIT", a.kind, a.id,
		a.role, plan, "comment_added", cid, section)) {
		db_err(err, errlen, "auditing a comment", s->db);
		goto out;
	}
	rc = 0;
out:
	if (store_write_end(s, rc == 0, err, errlen))
		return rc == 1 ? 1 : -1;
	if (id)
		*id = cid;
	return 0;
}

int store_comments_each(store *s, long long plan, store_comment_fn fn, void *ctx)
{
	sqlite3_stmt *st = db_prepare(s, "SELECT c.id, c.section, c.text, coalesce(u.name, ''), c.at, "
				      "c.seen_at IS NOT NULL FROM comments c LEFT JOIN users u ON "
				      "u.id = c.user_id WHERE c.plan_id = ? ORDER BY c.id");
	store_comment c;
	int step;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, plan);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		c = (store_comment){ sqlite3_column_int64(st, 0), db_col_text(st, 1), db_col_text(st, 2),
				     db_col_text(st, 3), db_col_text(st, 4), sqlite3_column_int(st, 5) };
		fn(ctx, &c);
	}
	db_done(s, st);
	return step == SQLITE_DONE ? 0 : -1;
}

int store_comments_mark_seen(store *s, long long plan)
{
	db_actor_cols a = db_actor(&(store_actor){ STORE_ACTOR_PERSON, plan, NULL });
	long long n;
	int ok = 0;

	if (store_write_begin(s, NULL, 0))
		return -1;
	if (db_run(s, "UPDATE comments SET seen_at = " NOW_TEXT
		   " WHERE plan_id = ? AND seen_at IS NULL",
		"I", plan))
		goto out;
	n = sqlite3_changes(s->db);
	if (n > 0 && db_run(s, AUDIT_INSERT "json_object('comments', ?))", "TNTITI", a.kind, a.id,
			 a.role, plan, "comments_seen", n))
		goto out;
	ok = 1;
out:
	return store_write_end(s, ok, NULL, 0);
}

/* ---- agreement and the plan's statuses ---- */

int store_plan_agreement(store *s, long long plan, int *ready, int *person_agreed,
			 int *caseworker_agreed)
{
	sqlite3_stmt *st = db_prepare(s, "SELECT ready, person_agreed_at IS NOT NULL, "
				      "caseworker_agreed_at IS NOT NULL FROM plans WHERE id = ?");
	int rc = -1, step;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, plan);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		if (ready)
			*ready = sqlite3_column_int(st, 0);
		if (person_agreed)
			*person_agreed = sqlite3_column_int(st, 1);
		if (caseworker_agreed)
			*caseworker_agreed = sqlite3_column_int(st, 2);
		rc = 0;
	} else if (step == SQLITE_DONE) {
		rc = 1;
	}
	db_done(s, st);
	return rc;
}

int store_plan_set_ready(store *s, long long plan, const store_actor *by, char *err, size_t errlen)
{
	db_actor_cols a = db_actor(by);
	int rc = -1;

	if (store_write_begin(s, err, errlen))
		return -1;
	if (db_run(s, "UPDATE plans SET ready = 1, updated_at = " NOW_TEXT
		   " WHERE id = ? AND status = 'submitted' AND ready = 0",
		"I", plan)) {
		db_err(err, errlen, "asking for agreement", s->db);
		goto out;
	}
	if (sqlite3_changes(s->db) == 0) {
		rc = 1;
		goto out;
	}
	if (db_run(s, AUDIT_INSERT "'{}')", "TNTIT", a.kind, a.id, a.role, plan, "ready_to_agree")) {
		db_err(err, errlen, "auditing a request for agreement", s->db);
		goto out;
	}
	rc = 0;
out:
	if (store_write_end(s, rc == 0, err, errlen))
		return rc == 1 ? 1 : -1;
	return 0;
}

/* Inside the open transaction: when both have agreed to the submitted plan, makes it agreed
 * and freezes the version (*agreed 1); otherwise *agreed 0. */
static int agree_if_both(store *s, long long plan, db_actor_cols a, int *agreed)
{
	long long both = 0;
	int n, rc;

	*agreed = 0;
	if (db_query_int(s, &both, "SELECT person_agreed_at IS NOT NULL AND caseworker_agreed_at IS "
				"NOT NULL FROM plans WHERE id = ?",
		      "I", plan))
		return -1;
	if (!both)
		return 0;
	if ((rc = db_move(s, plan, "submitted", "agreed")) != 0)
		return rc;
	if (db_freeze(s, plan, "agreed", a, &n) ||
	    db_run(s, AUDIT_INSERT "json_object('from', 'submitted', 'to', 'agreed', 'version', ?))",
		"TNTITI", a.kind, a.id, a.role, plan, "agreed", (long long)n))
		return -1;
	*agreed = 1;
	return 0;
}

int store_plan_caseworker_agree(store *s, long long plan, const store_actor *by, int *agreed,
				char *err, size_t errlen)
{
	db_actor_cols a = db_actor(by);
	int rc = -1, both = 0;

	if (store_write_begin(s, err, errlen))
		return -1;
	if (db_run(s, "UPDATE plans SET caseworker_agreed_at = " NOW_TEXT ", caseworker_agreed_by = ?, "
		   "ready = 1, updated_at = " NOW_TEXT " WHERE id = ? AND status = 'submitted'",
		"NI", a.id, plan)) {
		db_err(err, errlen, "recording an agreement", s->db);
		goto out;
	}
	if (sqlite3_changes(s->db) == 0) {
		rc = 1;
		goto out;
	}
	if (db_run(s, AUDIT_INSERT "'{}')", "TNTIT", a.kind, a.id, a.role, plan,
		"caseworker_agreed") ||
	    agree_if_both(s, plan, a, &both)) {
		db_err(err, errlen, "recording an agreement", s->db);
		goto out;
	}
	rc = 0;
out:
	if (store_write_end(s, rc == 0, err, errlen))
		return rc == 1 ? 1 : -1;
	if (agreed)
		*agreed = both;
	return 0;
}

int store_plan_person_agree(store *s, long long plan, long long visit, int *agreed)
{
	db_actor_cols a = db_actor(&(store_actor){ STORE_ACTOR_PERSON, plan, NULL });
	int rc = -1, both = 0;

	if (store_write_begin(s, NULL, 0))
		return -1;
	if (db_run(s, "UPDATE plans SET person_agreed_at = " NOW_TEXT ", person_agreed_visit = ?, "
		   "person_disagreed_at = NULL, person_disagree_reason = '', updated_at = " NOW_TEXT
		   " WHERE id = ? AND status = 'submitted' AND ready = 1",
		"NI", visit > 0 ? visit : -1LL, plan))
		goto out;
	if (sqlite3_changes(s->db) == 0) {
		rc = 1;
		goto out;
	}
	if (db_run(s, AUDIT_INSERT "json_object('visit', ?))", "TNTITN", a.kind, a.id, a.role, plan,
		"person_agreed", visit > 0 ? visit : -1LL) ||
	    agree_if_both(s, plan, a, &both))
		goto out;
	rc = 0;
out:
	if (store_write_end(s, rc == 0, NULL, 0))
		return rc == 1 ? 1 : -1;
	if (agreed)
		*agreed = both;
	return 0;
}

int store_plan_person_disagree(store *s, long long plan, long long visit, const char *reason)
{
	db_actor_cols a = db_actor(&(store_actor){ STORE_ACTOR_PERSON, plan, NULL });
	int rc = -1;

	if (store_write_begin(s, NULL, 0))
		return -1;
	if (db_run(s, "UPDATE plans SET person_disagreed_at = " NOW_TEXT ", person_disagree_reason = ?, "
		   "person_agreed_at = NULL, person_agreed_visit = NULL, updated_at = " NOW_TEXT
		   " WHERE id = ? AND status = 'submitted' AND ready = 1",
		"TI", reason ? reason : "", plan))
		goto out;
	if (sqlite3_changes(s->db) == 0) {
		rc = 1;
		goto out;
	}
	if (db_run(s, AUDIT_INSERT "json_object('visit', ?))", "TNTITN", a.kind, a.id, a.role, plan,
		"person_disagreed", visit > 0 ? visit : -1LL))
		goto out;
	rc = 0;
out:
	if (store_write_end(s, rc == 0, NULL, 0))
		return rc == 1 ? 1 : -1;
	return 0;
}

int store_plan_send_back(store *s, long long plan, const char *from, const store_actor *by,
			 char *err, size_t errlen)
{
	db_actor_cols a = db_actor(by);
	int rc;

	if (store_write_begin(s, err, errlen))
		return -1;
	rc = db_move(s, plan, from, "changes_requested");
	if (rc == 0 && db_run(s, AUDIT_INSERT "json_object('from', ?, 'to', 'changes_requested'))",
			   "TNTITT", a.kind, a.id, a.role, plan, "sent_back", from))
		rc = -1;
	if (rc < 0)
		db_err(err, errlen, "sending a plan back", s->db);
	if (store_write_end(s, rc == 0, err, errlen))
		return rc == 1 ? 1 : -1;
	return 0;
}

int store_plan_not_agreed(store *s, long long plan, const char *from, const char *reasons,
			  const char *safety, const store_actor *by, char *err, size_t errlen)
{
	db_actor_cols a = db_actor(by);
	int rc;

	if (store_write_begin(s, err, errlen))
		return -1;
	rc = db_move(s, plan, from, "not_agreed");
	if (rc == 0 &&
	    (db_agreement_forget(s, plan) ||
	     db_run(s, "UPDATE plans SET ready = 0, not_agreed_at = " NOW_TEXT ", not_agreed_by = ?, "
		    "not_agreed_reasons = ?, not_agreed_safety = ?, not_agreed_complaints = 1 "
		    "WHERE id = ?",
		 "NTTI", a.id, reasons, safety, plan) ||
	     db_run(s, AUDIT_INSERT "json_object('from', ?, 'to', 'not_agreed', "
				 "'complaints_given', json('true')))",
		 "TNTITT", a.kind, a.id, a.role, plan, "not_agreed", from)))
		rc = -1;
	if (rc < 0)
		db_err(err, errlen, "recording that the plan is not agreed", s->db);
	if (store_write_end(s, rc == 0, err, errlen))
		return rc == 1 ? 1 : -1;
	return 0;
}

int store_plan_sign_off(store *s, long long plan, const char *panel_decision,
			const char *panel_date, const char *light_due, const char *full_due,
			const store_actor *by, int *version, char *err, size_t errlen)
{
	db_actor_cols a = db_actor(by);
	int rc, n = 0;

	if (store_write_begin(s, err, errlen))
		return -1;
	rc = db_move(s, plan, "agreed", "signed_off");
	if (rc == 0 &&
	    (db_run(s, "UPDATE plans SET signed_off_at = " NOW_TEXT ", signed_off_by = ?, "
		    "panel_decision = ?, panel_date = ? WHERE id = ?",
		 "NTTI", a.id, panel_decision ? panel_decision : "", panel_date ? panel_date : "",
		 plan) ||
	     db_run(s, "UPDATE reviews SET state = 'replaced' WHERE plan_id = ? AND state = 'open'", "I",
		 plan) ||
	     db_run(s, "INSERT INTO reviews (plan_id, kind, due) VALUES (?, 'light', ?), "
		    "(?, 'full', ?)",
		 "ITIT", plan, light_due, plan, full_due) ||
	     db_freeze(s, plan, "signed_off", a, &n) ||
	     db_run(s, AUDIT_INSERT "json_object('from', 'agreed', 'to', 'signed_off', 'version', ?, "
				 "'panel', json(?), 'panel_date', ?, 'light_review', ?, "
				 "'full_review', ?))",
		 "TNTITITTTT", a.kind, a.id, a.role, plan, "signed_off", (long long)n,
		 panel_decision ? "true" : "false", panel_date ? panel_date : "", light_due,
		 full_due)))
		rc = -1;
	if (rc < 0)
		db_err(err, errlen, "signing a plan off", s->db);
	if (store_write_end(s, rc == 0, err, errlen))
		return rc == 1 ? 1 : -1;
	if (version)
		*version = n;
	return 0;
}

