/* store_audit: the append-only audit log. */

#include "store_int.h"

#include <stdint.h>

db_actor_cols db_actor(const store_actor *by)
{
	static const char *const kinds[] = {"person", "staff", "system"};

	if (!by || by->kind == STORE_ACTOR_SYSTEM || (unsigned)by->kind > STORE_ACTOR_SYSTEM)
		return (db_actor_cols){"system", -1, ""};
	return (db_actor_cols){kinds[by->kind], by->id, by->role ? by->role : ""};
}

/* ---- the audit log ---- */

int store_audit_append(store *s, const store_actor *by, long long plan_id, const char *action,
		       const char *detail_json, char *err, size_t errlen)
{
	/* One statement: atomic on its own; inside a batch it is kept or undone with the
	 * request around it. json() refuses text that is not JSON (a CHECK cannot say so: with
	 * trusted_schema off, the schema may not call the JSON functions). */
	if (db_audit(s, by, plan_id, action, AUDIT_SQL("json(?)"), "T",
		     detail_json ? detail_json : "{}")) {
		db_err(err, errlen, "writing the audit log", s->db);
		return -1;
	}
	return 0;
}

typedef struct audit_each {
	store_audit_fn fn;
	void *ctx;
} audit_each;

static int each_audit(void *ctx, sqlite3_stmt *st)
{
	audit_each *e = ctx;
	store_audit_row row = {
	    .id = sqlite3_column_int64(st, 0),
	    .at_ms = sqlite3_column_int64(st, 1),
	    .actor_kind = db_col_text(st, 2),
	    .actor_id = sqlite3_column_int64(st, 3),
	    .role = db_col_text(st, 4),
	    .plan_id = sqlite3_column_int64(st, 5),
	    .action = db_col_text(st, 6),
	    .detail = db_col_text(st, 7),
	};

	return e->fn(e->ctx, &row) ? 1 : 0; /* the caller stopping is not an error */
}

/* A read's row says how many reads of each kind it stands for (store_reads.c). */
#define AUDIT_COLUMNS                                                                              \
	"id, at_ms, actor_kind, coalesce(actor_id, -1), role, coalesce(plan_id, -1), action, "     \
	"CASE WHEN action = 'plan_read' THEN coalesce((SELECT json_set(audit.detail, '$.reads', "  \
	"r.plan_n + r.versions_n + r.diff_n, '$.counts', json_object('plan', r.plan_n, "           \
	"'versions', r.versions_n, 'diff', r.diff_n)) FROM plan_reads r "                          \
	"WHERE r.audit_id = audit.id), detail) ELSE detail END"

static int bounded(int limit)
{
	return limit < STORE_AUDIT_LIST_MAX ? limit : STORE_AUDIT_LIST_MAX;
}

int store_audit_each_for_plan(store *s, long long plan_id, long long before_id, int limit,
			      store_audit_fn fn, void *ctx)
{
	audit_each e = {fn, ctx};

	if (limit < 1)
		return -1;
	return db_rows(s, each_audit, &e,
		       "SELECT " AUDIT_COLUMNS " FROM audit WHERE plan_id = ? AND id < ? "
		       "ORDER BY id DESC LIMIT ?",
		       "III", plan_id, before_id > 0 ? before_id : (long long)INT64_MAX,
		       (long long)bounded(limit)) < 0
		   ? -1
		   : 0;
}

int store_audit_each_recent(store *s, long long before_id, int limit, store_audit_fn fn, void *ctx)
{
	audit_each e = {fn, ctx};

	if (limit < 1)
		return -1;
	return db_rows(s, each_audit, &e,
		       "SELECT " AUDIT_COLUMNS " FROM audit WHERE id < ? ORDER BY id DESC LIMIT ?",
		       "II", before_id > 0 ? before_id : (long long)INT64_MAX,
		       (long long)bounded(limit)) < 0
		   ? -1
		   : 0;
}

static int window_of(void *ctx, sqlite3_stmt *st)
{
	long long *w = ctx;

	w[0] = sqlite3_column_int64(st, 0);
	w[1] = sqlite3_column_int64(st, 1);
	return 1;
}

int store_audit_each_service(store *s, long long before_id, int limit, const char *const *actions,
			     int nactions, long long user_id, long long *scan_end,
			     store_audit_fn fn, void *ctx)
{
	audit_each e = {fn, ctx};
	const char *a[STORE_AUDIT_ACTIONS_MAX] = {0};
	long long from = before_id > 0 ? before_id : (long long)INT64_MAX, w[2] = {0, 0};

	*scan_end = 0;
	if (limit < 1 || nactions < 0 || nactions > STORE_AUDIT_ACTIONS_MAX)
		return -1;
	for (int i = 0; i < nactions; i++)
		a[i] = actions[i];
	/* The window: the next STORE_AUDIT_SCAN rows about no plan (how many, the oldest). */
	if (db_row(s, window_of, w,
		   "SELECT count(*), coalesce(min(id), 0) FROM (SELECT id FROM audit INDEXED BY "
		   "audit_service WHERE plan_id IS NULL AND id < ?1 ORDER BY id DESC LIMIT ?2)",
		   "II", from, (long long)STORE_AUDIT_SCAN) < 0)
		return -1;
	if (w[0] == STORE_AUDIT_SCAN)
		*scan_end = w[1];
	/* ?2 to ?7 are the actions asked for ("" where fewer); ?8 the user (0: anyone); ?9 how
	 * many actions (0: any); ?10 the limit; ?11 the window's oldest id. */
	return db_rows(s, each_audit, &e,
		       "SELECT " AUDIT_COLUMNS " FROM audit INDEXED BY audit_service "
		       "WHERE plan_id IS NULL AND id < ?1 AND id >= ?11 AND (?9 = 0 OR action IN "
		       "(?2, ?3, ?4, ?5, ?6, ?7)) AND (?8 <= 0 OR actor_id = ?8 OR "
		       "json_extract(detail, '$.user_id') = ?8) ORDER BY id DESC LIMIT ?10",
		       "ITTTTTTIIII", from, a[0] ? a[0] : "", a[1] ? a[1] : "", a[2] ? a[2] : "",
		       a[3] ? a[3] : "", a[4] ? a[4] : "", a[5] ? a[5] : "", user_id,
		       (long long)nactions, (long long)bounded(limit), w[1]) < 0
		   ? -1
		   : 0;
}
