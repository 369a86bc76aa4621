/* store_erase: erasing a plan and everything it holds about a person, leaving a tombstone; the
 * plans whose retention time is up. */

#include "store_int.h"

#include <string.h>

/* Every table that holds a row about the plan, children before the rows they point to (visits,
 * then the plan last). The tombstone is written first: the versions' trigger allows deleting a
 * frozen version only for a plan that has one. */
static const char *const erase_sql[] = {
    "DELETE FROM resume_tokens WHERE plan_id = ?",
    "DELETE FROM answers WHERE plan_id = ?",
    "DELETE FROM flags WHERE plan_id = ?",
    "DELETE FROM items WHERE plan_id = ?",
    "DELETE FROM needs WHERE plan_id = ?",
    "DELETE FROM support WHERE plan_id = ?",
    "DELETE FROM comments WHERE plan_id = ?",
    "DELETE FROM versions WHERE plan_id = ?",
    "DELETE FROM reviews WHERE plan_id = ?",
    "DELETE FROM visits WHERE plan_id = ?",
    "DELETE FROM plans WHERE id = ?",
};

static int reason_known(const char *reason)
{
	static const char *const known[] = {STORE_ERASE_ASKED, STORE_ERASE_MISTAKE,
					    STORE_ERASE_DRAFT_EXPIRED, STORE_ERASE_CLOSED_EXPIRED};

	for (size_t i = 0; i < sizeof(known) / sizeof(*known); i++)
		if (reason && strcmp(reason, known[i]) == 0)
			return 1;
	return 0;
}

int store_plan_erase(store *s, long long plan, const char *reason, const store_actor *by,
		     long long now_ms, char *err, size_t errlen)
{
	db_actor_cols a = db_actor(by);
	long long rows = 0;
	int rc = -1;

	if (!reason_known(reason) || strcmp(a.kind, "person") == 0) {
		db_err(err, errlen, "erasing a plan (an unknown reason or actor)", NULL);
		return -1;
	}
	if (store_write_begin(s, err, errlen))
		return -1;
	switch (db_plan_exists(s, plan)) {
	case 0:
		break;
	case 1:
		rc = 1;
		goto out;
	default:
		db_err(err, errlen, "finding the plan to erase", s->db);
		goto out;
	}
	if (db_run(s,
		   "INSERT INTO erasures (plan_id, at_ms, actor_kind, actor_id, role, reason) "
		   "VALUES (?, ?, ?, ?, ?, ?)",
		   "IITNTT", plan, now_ms, a.kind, a.id, a.role, reason)) {
		db_err(err, errlen, "recording the erasure", s->db);
		goto out;
	}
	for (size_t i = 0; i < sizeof(erase_sql) / sizeof(*erase_sql); i++) {
		if (db_run(s, erase_sql[i], "I", plan)) {
			db_err(err, errlen, "erasing a plan", s->db);
			goto out;
		}
		rows += sqlite3_changes(s->db);
	}
	if (db_audit(s, by, plan, "plan_erased", AUDIT_SQL("json_object('reason', ?, 'rows', ?)"),
		     "TI", reason, rows)) {
		db_err(err, errlen, "auditing an erasure", s->db);
		goto out;
	}
	rc = 0;
out:
	return store_write_finish(s, rc, err, errlen);
}

static int read_erasure(void *ctx, sqlite3_stmt *st)
{
	store_erasure *out = ctx;

	if (out) {
		out->at_ms = sqlite3_column_int64(st, 0);
		db_copy_col(out->reason, sizeof(out->reason), st, 1);
		db_copy_col(out->actor_kind, sizeof(out->actor_kind), st, 2);
		out->actor_id = sqlite3_column_int64(st, 3);
	}
	return 1;
}

int store_plan_erased(store *s, long long plan, store_erasure *out)
{
	return db_row(s, read_erasure, out,
		      "SELECT at_ms, reason, actor_kind, coalesce(actor_id, -1) FROM erasures "
		      "WHERE plan_id = ?",
		      "I", plan);
}

typedef struct expired_each {
	store_expired_fn fn;
	void *ctx;
} expired_each;

static int each_expired(void *ctx, sqlite3_stmt *st)
{
	expired_each *e = ctx;

	return e->fn(e->ctx, sqlite3_column_int64(st, 0), db_col_text(st, 1)) ? 1 : 0;
}

/* The last time anything about plan p changed, as time text. */
#define LAST_TOUCHED                                                                               \
	"max(p.updated_at, p.created_at, "                                                         \
	"coalesce((SELECT max(updated_at) FROM answers WHERE plan_id = p.id), ''), "               \
	"coalesce((SELECT max(started_at) FROM visits WHERE plan_id = p.id), ''), "                \
	"coalesce((SELECT max(at) FROM comments WHERE plan_id = p.id), ''), "                      \
	"coalesce((SELECT max(max(raised_at, coalesce(closed_at, ''))) FROM flags "                \
	"  WHERE plan_id = p.id), ''), "                                                           \
	"coalesce((SELECT max(done_at) FROM reviews WHERE plan_id = p.id), ''))"

int store_expired_each(store *s, const char *drafts_before, const char *closed_before, int limit,
		       store_expired_fn fn, void *ctx)
{
	expired_each e = {fn, ctx};

	if (limit < 1 || limit > 1000)
		return -1;
	/* An anonymous draft: no one invited it and it has no assessed needs (the demo invitation,
	 * made by the system, has them), and it was never sent. */
	return db_rows(
	    s, each_expired, &e,
	    "SELECT id, reason FROM (SELECT p.id AS id, CASE "
	    "  WHEN ?1 != '' AND p.status = 'draft' AND p.invited_by IS NULL "
	    "    AND p.submitted_at IS NULL "
	    "    AND NOT EXISTS (SELECT 1 FROM needs WHERE plan_id = p.id) "
	    "    AND " LAST_TOUCHED " < ?1 THEN '" STORE_ERASE_DRAFT_EXPIRED "' "
	    "  WHEN ?2 != '' AND p.status IN ('not_agreed', 'signed_off') "
	    "    AND " LAST_TOUCHED " < ?2 THEN '" STORE_ERASE_CLOSED_EXPIRED "' "
	    "  END AS reason FROM plans p) WHERE reason IS NOT NULL ORDER BY id LIMIT ?3",
	    "TTI", drafts_before ? drafts_before : "", closed_before ? closed_before : "",
	    (long long)limit);
}

int store_checkpoint(store *s)
{
	if (s->in_batch)
		return 0;
	return db_exec(s, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, 0);
}
