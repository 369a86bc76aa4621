/* store_audit: the append-only audit log. */

#include "store_int.h"

#include <stdint.h>
#include <stdio.h>

db_actor_cols db_actor(const store_actor *by)
{
	static const char *const kinds[] = { "person", "staff", "system" };

	if (!by || by->kind == STORE_ACTOR_SYSTEM || (unsigned)by->kind > STORE_ACTOR_SYSTEM)
		return (db_actor_cols){ "system", -1, "" };
	return (db_actor_cols){ kinds[by->kind], by->id, by->role ? by->role : "" };
}

/* ---- the audit log ---- */

int store_audit_append(store *s, const store_actor *by, long long plan_id, const char *action,
		       const char *detail_json, char *err, size_t errlen)
{
	db_actor_cols a = db_actor(by);

	/* One statement: atomic on its own; inside a batch it is kept or undone with the
	 * request around it. json() refuses text that is not JSON (a CHECK cannot say so: with
	 * trusted_schema off, the schema may not call the JSON functions). */
	if (db_run(s, "INSERT INTO audit (actor_kind, actor_id, role, plan_id, action, detail) "
		   "VALUES (?, ?, ?, ?, ?, json(?))",
		"TNTNTT", a.kind, a.id, a.role, plan_id, action, detail_json ? detail_json : "{}")) {
		db_err(err, errlen, "writing the audit log", s->db);
		return -1;
	}
	return 0;
}

static int audit_each(store *s, sqlite3_stmt *st, store_audit_fn fn, void *ctx)
{
	store_audit_row row;
	int step = SQLITE_ERROR, rc = 0;

	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		row = (store_audit_row){
			.id = sqlite3_column_int64(st, 0),
			.at_ms = sqlite3_column_int64(st, 1),
			.actor_kind = db_col_text(st, 2),
			.actor_id = sqlite3_column_int64(st, 3),
			.role = db_col_text(st, 4),
			.plan_id = sqlite3_column_int64(st, 5),
			.action = db_col_text(st, 6),
			.detail = db_col_text(st, 7),
		};
		rc = fn(ctx, &row);
	}
	db_done(s, st);
	return rc != 0 || step == SQLITE_DONE ? 0 : -1;
}

#define AUDIT_COLUMNS                                                                              \
	"id, at_ms, actor_kind, coalesce(actor_id, -1), role, coalesce(plan_id, -1), action, detail"

int store_audit_each_for_plan(store *s, long long plan_id, long long before_id, int limit,
			      store_audit_fn fn, void *ctx)
{
	sqlite3_stmt *st;

	if (limit < 1)
		return -1;
	st = db_prepare(s, "SELECT " AUDIT_COLUMNS " FROM audit WHERE plan_id = ? AND id < ? "
			"ORDER BY id DESC LIMIT ?");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, plan_id);
	sqlite3_bind_int64(st, 2, before_id > 0 ? before_id : INT64_MAX);
	sqlite3_bind_int(st, 3, limit < STORE_AUDIT_LIST_MAX ? limit : STORE_AUDIT_LIST_MAX);
	return audit_each(s, st, fn, ctx);
}

int store_audit_each_recent(store *s, long long before_id, int limit, store_audit_fn fn, void *ctx)
{
	sqlite3_stmt *st;

	if (limit < 1)
		return -1;
	st = db_prepare(s, "SELECT " AUDIT_COLUMNS " FROM audit WHERE id < ? ORDER BY id DESC LIMIT ?");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, before_id > 0 ? before_id : INT64_MAX);
	sqlite3_bind_int(st, 2, limit < STORE_AUDIT_LIST_MAX ? limit : STORE_AUDIT_LIST_MAX);
	return audit_each(s, st, fn, ctx);
}

