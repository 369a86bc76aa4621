/* store_version: frozen versions of a plan, and its reviews. */

#include "store_int.h"

#include <stdio.h>
#include <string.h>

typedef struct each {
	union {
		store_version_fn version;
		store_snapshot_fn snapshot;
		store_review_fn review;
		store_review_due_fn due;
	} fn;
	void *ctx;
} each;

/* ---- versions ---- */

/* The snapshot is made by SQLite's JSON functions (json() around each subquery keeps its result
 * JSON rather than text). */
int store_version_freeze(store *s, long long plan, plan_status kind, const store_actor *by,
			 long long now_ms, int *n, char *err, size_t errlen)
{
	db_actor_cols a = db_actor(by);
	char now[DB_TIME_LEN];
	long long got = 0;
	int rc = db_plan_exists(s, plan);

	db_time_text(now_ms, now);
	if (rc == 0 &&
	    (db_run(
		 s,
		 "INSERT INTO versions (plan_id, n, kind, at, actor_kind, actor_id, role, "
		 "snapshot) "
		 "SELECT p.id, coalesce((SELECT max(n) FROM versions WHERE plan_id = ?1), 0) + 1, "
		 "?2, ?6, ?3, ?4, ?5, json_object("
		 "'person', p.person_name, 'status', p.status, 'budget_pence', p.budget_pence, "
		 "'managing', p.managing, 'risks', p.risks, "
		 "'emergency_checked', p.emergency_checked, "
		 "'answers', json((SELECT coalesce(json_group_array(json(x)), '[]') FROM ("
		 "  SELECT json_object('page', page, 'item', item_id, 'field', field, "
		 "  'value', value, 'visit', visit_id) AS x FROM answers WHERE plan_id = ?1 "
		 "  ORDER BY page, item_id, field))), "
		 "'needs', json((SELECT coalesce(json_group_array(json(x)), '[]') FROM ("
		 "  SELECT json_object('id', id, 'text', text, 'eligible', eligible, 'how', how, "
		 "  'direct_payment', direct_payment) AS x FROM needs WHERE plan_id = ?1 "
		 "  ORDER BY id))), "
		 "'support', json((SELECT coalesce(json_group_array(json(x)), '[]') FROM ("
		 "  SELECT json_object('id', id, 'what', what, 'cost_pence', cost_pence) AS x "
		 "  FROM support WHERE plan_id = ?1 ORDER BY id)))) "
		 "FROM plans p WHERE p.id = ?1",
		 "ITTNTT", plan, plan_status_name(kind), a.kind, a.id, a.role, now) ||
	     sqlite3_changes(s->db) != 1 ||
	     db_query_int(s, &got, "SELECT max(n) FROM versions WHERE plan_id = ?", "I", plan) ||
	     db_audit(s, by, plan, "version_frozen",
		      AUDIT_SQL("json_object('version', ?, 'kind', ?)"), "IT", got,
		      plan_status_name(kind))))
		rc = -1;
	if (rc < 0)
		db_err(err, errlen, "freezing a version", s->db);
	if (rc == 0 && n)
		*n = (int)got;
	return rc;
}

static int each_version(void *ctx, sqlite3_stmt *st)
{
	each *e = ctx;
	store_version v = {sqlite3_column_int(st, 0), db_col_text(st, 1), db_col_text(st, 2),
			   db_col_text(st, 3),	      db_col_text(st, 4), db_col_text(st, 5)};

	e->fn.version(e->ctx, &v);
	return 0;
}

int store_versions_each(store *s, long long plan, store_version_fn fn, void *ctx)
{
	each e = {.fn.version = fn, .ctx = ctx};

	return db_rows(s, each_version, &e,
		       "SELECT v.n, v.kind, v.at, v.actor_kind, coalesce(u.name, ''), v.role "
		       "FROM versions v LEFT JOIN users u ON v.actor_kind = 'staff' AND "
		       "u.id = v.actor_id WHERE v.plan_id = ? ORDER BY v.n",
		       "I", plan) < 0
		   ? -1
		   : 0;
}

static int read_snapshot(void *ctx, sqlite3_stmt *st)
{
	each *e = ctx;

	return e->fn.snapshot(e->ctx, db_col_text(st, 0)) ? -1 : 1;
}

int store_version_snapshot(store *s, long long plan, int n, store_snapshot_fn fn, void *ctx)
{
	each e = {.fn.snapshot = fn, .ctx = ctx};

	return db_row(s, read_snapshot, &e,
		      "SELECT snapshot FROM versions WHERE plan_id = ? AND n = ?", "II", plan,
		      (long long)n);
}

/* ---- reviews ---- */

static int each_review(void *ctx, sqlite3_stmt *st)
{
	each *e = ctx;
	store_review r = {sqlite3_column_int64(st, 0), db_col_text(st, 1), db_col_text(st, 2),
			  db_col_text(st, 3),	       db_col_text(st, 4), db_col_text(st, 5),
			  db_col_text(st, 6),	       db_col_text(st, 7)};

	e->fn.review(e->ctx, &r);
	return 0;
}

int store_reviews_each(store *s, long long plan, store_review_fn fn, void *ctx)
{
	each e = {.fn.review = fn, .ctx = ctx};

	/* A replaced review was never done and is no longer waiting: listing it would show it
	 * beside the review that replaced it as one more "not yet". */
	return db_rows(s, each_review, &e,
		       "SELECT r.id, r.kind, r.due, r.state, coalesce(r.done_at, ''), "
		       "coalesce(r.outcome, ''), r.answers, coalesce(u.name, '') "
		       "FROM reviews r LEFT JOIN users u ON u.id = r.done_by "
		       "WHERE r.plan_id = ? AND r.state <> 'replaced' ORDER BY r.due, r.id",
		       "I", plan) < 0
		   ? -1
		   : 0;
}

static int each_due(void *ctx, sqlite3_stmt *st)
{
	each *e = ctx;

	return e->fn.due(e->ctx, sqlite3_column_int64(st, 0), db_col_status(st, 1),
			 sqlite3_column_int(st, 2))
		   ? -1
		   : 0;
}

/* The reviews mark: moved by migration 5's triggers whenever something may have become due
 * (a review request raised, a plan signed off, a review scheduled). -1 when it cannot be read. */
static long long reviews_mark(store *s)
{
	long long n = -1;

	return db_query_int(s, &n, "SELECT n FROM caseload_marks WHERE name = 'reviews'", "") ? -1
											      : n;
}

int store_reviews_due_each(store *s, plan_status from, const char *today, store_review_due_fn fn,
			   void *ctx)
{
	each e = {.fn.due = fn, .ctx = ctx};
	long long mark = reviews_mark(s);
	int n;

	/* The caseload asks this on every read: nothing new can be due on the same day when the
	 * mark has not moved since a look that found nothing. */
	if (mark >= 0 && s->due_none && s->due_mark == mark && s->due_from == (int)from &&
	    strcmp(s->due_today, today) == 0)
		return 0;
	n = db_rows(s, each_due, &e, REVIEWS_DUE_SQL, "TT", plan_status_name(from), today);
	/* Remembered only outside any transaction: what was read is committed, so a rollback
	 * cannot take the mark back to a number remembered. */
	s->due_none = n == 0 && mark >= 0 && sqlite3_get_autocommit(s->db);
	s->due_mark = mark;
	s->due_from = (int)from;
	snprintf(s->due_today, sizeof(s->due_today), "%s", today);
	return n < 0 ? -1 : 0;
}

int store_reviews_schedule(store *s, long long plan, const char *light_due, const char *full_due)
{
	if (db_run(s, "UPDATE reviews SET state = 'replaced' WHERE plan_id = ? AND state = 'open'",
		   "I", plan) ||
	    (light_due &&
	     db_run(s, "INSERT INTO reviews (plan_id, kind, due) VALUES (?, 'light', ?)", "IT",
		    plan, light_due)) ||
	    (full_due && db_run(s, "INSERT INTO reviews (plan_id, kind, due) VALUES (?, 'full', ?)",
				"IT", plan, full_due)))
		return -1;
	return 0;
}

int store_review_record(store *s, long long plan, const char *answers_json, const char *outcome,
			const char *today, long long user, long long now_ms, long long *review)
{
	char now[DB_TIME_LEN];
	long long id = 0;
	int found;

	db_time_text(now_ms, now);
	/* The review done is the earliest one waiting; a review nobody scheduled (the person
	 * asked, or the caseworker saw the need) is recorded as a full one due today. */
	found = db_query_int(s, &id,
			     "SELECT id FROM reviews WHERE plan_id = ? AND state = 'open' "
			     "ORDER BY due, id LIMIT 1",
			     "I", plan);
	if (found < 0 ||
	    (found == 1 &&
	     (db_run(s, "INSERT INTO reviews (plan_id, kind, due) VALUES (?, 'full', ?)", "IT",
		     plan, today) ||
	      (id = sqlite3_last_insert_rowid(s->db)) == 0)))
		return -1;
	if (db_run(s,
		   "UPDATE reviews SET state = 'done', done_at = ?, done_by = ?, outcome = ?, "
		   "answers = json(?) WHERE id = ?",
		   "TNTTI", today, user, outcome, answers_json, id) ||
	    db_run(s,
		   "UPDATE flags SET closed_at = ?, closed_by = ?, closed_note = 'review done' "
		   "WHERE plan_id = ? AND kind = 'review' AND closed_at IS NULL",
		   "TNI", now, user, plan))
		return -1;
	if (review)
		*review = id;
	return 0;
}
