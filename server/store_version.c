/* store_version: frozen versions of a plan, and its reviews. */

#include "store_int.h"

#include <stdio.h>
#include <string.h>

/* Freezes the plan as it is now inside the open transaction, with its audit row; *n gets the
 * version's number. The snapshot is made by SQLite's JSON functions (json() around each
 * subquery keeps its result JSON rather than text). */
int db_freeze(store *s, long long plan, const char *kind, db_actor_cols a, int *n)
{
	long long got = 0;

	if (db_run(s,
		"INSERT INTO versions (plan_id, n, kind, actor_kind, actor_id, role, snapshot) "
		"SELECT p.id, coalesce((SELECT max(n) FROM versions WHERE plan_id = ?1), 0) + 1, "
		"?2, ?3, ?4, ?5, json_object("
		"'person', p.person_name, 'status', p.status, 'budget_pence', p.budget_pence, "
		"'managing', p.managing, 'risks', p.risks, 'emergency_checked', p.emergency_checked, "
		"'answers', json((SELECT coalesce(json_group_array(json(x)), '[]') FROM ("
		"  SELECT json_object('page', page, 'item', item_id, 'field', field, 'value', value, "
		"  'visit', visit_id) AS x FROM answers WHERE plan_id = ?1 "
		"  ORDER BY page, item_id, field))), "
		"'needs', json((SELECT coalesce(json_group_array(json(x)), '[]') FROM ("
		"  SELECT json_object('id', id, 'text', text, 'eligible', eligible, 'how', how, "
		"  'direct_payment', direct_payment) AS x FROM needs WHERE plan_id = ?1 ORDER BY id))), "
		"'support', json((SELECT coalesce(json_group_array(json(x)), '[]') FROM ("
		"  SELECT json_object('id', id, 'what', what, 'cost_pence', cost_pence) AS x "
		"  FROM support WHERE plan_id = ?1 ORDER BY id)))) "
		"FROM plans p WHERE p.id = ?1",
		"ITTNT", plan, kind, a.kind, a.id, a.role) ||
	    sqlite3_changes(s->db) != 1 ||
	    db_query_int(s, &got, "SELECT max(n) FROM versions WHERE plan_id = ?", "I", plan) ||
	    db_run(s, AUDIT_INSERT "json_object('version', ?, 'kind', ?))", "TNTITIT", a.kind, a.id,
		a.role, plan, "version_frozen", got, kind))
		return -1;
	if (n)
		*n = (int)got;
	return 0;
}

/* ---- versions ---- */

int store_version_freeze(store *s, long long plan, const char *kind, const store_actor *by, int *n,
			 char *err, size_t errlen)
{
	int rc;

	if (store_write_begin(s, err, errlen))
		return -1;
	rc = db_plan_exists(s, plan);
	if (rc == 0 && db_freeze(s, plan, kind, db_actor(by), n))
		rc = -1;
	if (rc < 0)
		db_err(err, errlen, "freezing a version", s->db);
	if (store_write_end(s, rc == 0, err, errlen))
		return rc == 1 ? 1 : -1;
	return 0;
}

int store_versions_each(store *s, long long plan, store_version_fn fn, void *ctx)
{
	sqlite3_stmt *st = db_prepare(s, "SELECT v.n, v.kind, v.at, v.actor_kind, coalesce(u.name, ''), "
				      "v.role FROM versions v LEFT JOIN users u ON v.actor_kind = "
				      "'staff' AND u.id = v.actor_id WHERE v.plan_id = ? ORDER BY v.n");
	store_version v;
	int step;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, plan);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		v = (store_version){ sqlite3_column_int(st, 0), db_col_text(st, 1), db_col_text(st, 2),
				     db_col_text(st, 3), db_col_text(st, 4), db_col_text(st, 5) };
		fn(ctx, &v);
	}
	db_done(s, st);
	return step == SQLITE_DONE ? 0 : -1;
}

int store_version_snapshot(store *s, long long plan, int n, store_snapshot_fn fn, void *ctx)
{
	sqlite3_stmt *st = db_prepare(s, "SELECT snapshot FROM versions WHERE plan_id = ? AND n = ?");
	int rc = -1, step;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, plan);
	sqlite3_bind_int(st, 2, n);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		rc = fn(ctx, db_col_text(st, 0)) ? -1 : 0;
	} else if (step == SQLITE_DONE) {
		rc = 1;
	}
	db_done(s, st);
	return rc;
}

/* ---- reviews ---- */

int store_reviews_each(store *s, long long plan, store_review_fn fn, void *ctx)
{
	sqlite3_stmt *st = db_prepare(s, "SELECT r.id, r.kind, r.due, r.state, coalesce(r.done_at, ''), "
				      "coalesce(r.outcome, ''), r.answers, coalesce(u.name, '') "
				      "FROM reviews r LEFT JOIN users u ON u.id = r.done_by "
				      "WHERE r.plan_id = ? ORDER BY r.due, r.id");
	store_review r;
	int step;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, plan);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		r = (store_review){ sqlite3_column_int64(st, 0), db_col_text(st, 1), db_col_text(st, 2),
				    db_col_text(st, 3), db_col_text(st, 4), db_col_text(st, 5),
				    db_col_text(st, 6), db_col_text(st, 7) };
		fn(ctx, &r);
	}
	db_done(s, st);
	return step == SQLITE_DONE ? 0 : -1;
}

/* A signed-off plan whose review date has come, or whose person asked for a review. */
#define REVIEW_DUE_WHERE                                                                           \
	"status = 'signed_off' AND (EXISTS (SELECT 1 FROM reviews r WHERE r.plan_id = plans.id "  \
	"AND r.state = 'open' AND r.due <= ?) OR EXISTS (SELECT 1 FROM flags f WHERE "           \
	"f.plan_id = plans.id AND f.kind = 'review' AND f.closed_at IS NULL))"

int store_reviews_make_due(store *s, const char *today, int *moved, char *err, size_t errlen)
{
	long long n = 0;
	int ok = 0;

	*moved = 0;
	/* Reading the caseload calls this each time: write only when something is due. */
	if (db_query_int(s, &n, "SELECT count(*) FROM plans WHERE " REVIEW_DUE_WHERE, "T", today)) {
		db_err(err, errlen, "finding reviews that are due", s->db);
		return -1;
	}
	if (n == 0)
		return 0;
	if (store_write_begin(s, err, errlen))
		return -1;
	if (db_run(s, "INSERT INTO audit (actor_kind, role, plan_id, action, detail) SELECT 'system', "
		   "'', id, 'review_due', json_object('from', 'signed_off', 'to', 'review_due', "
		   "'reason', CASE WHEN EXISTS (SELECT 1 FROM flags f WHERE f.plan_id = plans.id "
		   "AND f.kind = 'review' AND f.closed_at IS NULL) THEN 'asked' ELSE 'date' END) "
		   "FROM plans WHERE " REVIEW_DUE_WHERE,
		"T", today) ||
	    db_run(s, "UPDATE plans SET status = 'review_due', updated_at = " NOW_TEXT
		   " WHERE " REVIEW_DUE_WHERE,
		"T", today)) {
		db_err(err, errlen, "making reviews due", s->db);
		goto out;
	}
	n = sqlite3_changes(s->db);
	ok = 1;
out:
	if (store_write_end(s, ok, err, errlen))
		return -1;
	*moved = (int)n;
	return 0;
}

int store_review_complete(store *s, long long plan, const char *from, const char *to,
			  const char *answers_json, const char *outcome, const char *today,
			  const char *next_full_due, const store_actor *by, char *err,
			  size_t errlen)
{
	db_actor_cols a = db_actor(by);
	long long review = 0, now_in = 0;
	int rc = -1, found;

	if (store_write_begin(s, err, errlen))
		return -1;
	if (strcmp(from, to) == 0) {
		found = db_query_int(s, &now_in, "SELECT 1 FROM plans WHERE id = ? AND status = ?", "IT",
				  plan, from);
		rc = found;
	} else {
		rc = db_move(s, plan, from, to);
	}
	if (rc != 0)
		goto out;
	rc = -1;
	/* The review done is the earliest one waiting; a review nobody scheduled (the person
	 * asked, or the caseworker saw the need) is recorded as a full one due today. */
	found = db_query_int(s, &review, "SELECT id FROM reviews WHERE plan_id = ? AND state = 'open' "
				      "ORDER BY due, id LIMIT 1",
			  "I", plan);
	if (found < 0 ||
	    (found == 1 && (db_run(s, "INSERT INTO reviews (plan_id, kind, due) VALUES (?, 'full', ?)",
				"IT", plan, today) ||
			    (review = sqlite3_last_insert_rowid(s->db)) == 0)))
		goto fail;
	if (db_run(s, "UPDATE reviews SET state = 'done', done_at = ?, done_by = ?, outcome = ?, "
		   "answers = json(?) WHERE id = ?",
		"TNTTI", today, a.id, outcome, answers_json, review) ||
	    db_run(s, "UPDATE reviews SET state = 'replaced' WHERE plan_id = ? AND state = 'open'", "I",
		plan) ||
	    (next_full_due && db_run(s, "INSERT INTO reviews (plan_id, kind, due) VALUES (?, 'full', ?)",
				  "IT", plan, next_full_due)) ||
	    db_run(s, "UPDATE flags SET closed_at = " NOW_TEXT ", closed_by = ?, closed_note = "
		   "'review done' WHERE plan_id = ? AND kind = 'review' AND closed_at IS NULL",
		"NI", a.id, plan) ||
	    db_run(s, AUDIT_INSERT "json_object('review', ?, 'outcome', ?, 'from', ?, 'to', ?, "
				"'next_review', ?))",
		"TNTITITTTT", a.kind, a.id, a.role, plan, "review_done", review, outcome, from, to,
		next_full_due))
		goto fail;
	rc = 0;
	goto out;
fail:
	db_err(err, errlen, "recording a review", s->db);
out:
	if (store_write_end(s, rc == 0, err, errlen))
		return rc == 1 ? 1 : -1;
	return 0;
}
