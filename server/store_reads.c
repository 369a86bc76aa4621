/* store_reads: staff reading a plan, audited once per user, plan and few minutes. */

#include "store_int.h"

#include <string.h>

/* The count column for a kind of read; NULL for a kind that is not one. */
static const char *kind_sql(const char *kind)
{
	if (strcmp(kind, "plan") == 0)
		return "UPDATE plan_reads SET plan_n = plan_n + 1, last_ms = ? WHERE audit_id = ?";
	if (strcmp(kind, "versions") == 0)
		return "UPDATE plan_reads SET versions_n = versions_n + 1, last_ms = ? "
		       "WHERE audit_id = ?";
	if (strcmp(kind, "diff") == 0)
		return "UPDATE plan_reads SET diff_n = diff_n + 1, last_ms = ? WHERE audit_id = ?";
	return NULL;
}

int store_plan_read(store *s, const store_actor *by, long long plan, const char *kind,
		    long long now_ms, long long window_ms, char *err, size_t errlen)
{
	const char *count = kind ? kind_sql(kind) : NULL;
	long long row = 0;
	int rc = -1, found;

	if (!count || !by || by->kind != STORE_ACTOR_STAFF) {
		db_err(err, errlen, "auditing a read (an unknown kind or reader)", NULL);
		return -1;
	}
	if (store_write_begin(s, err, errlen))
		return -1;
	found = db_query_int(s, &row,
			     "SELECT audit_id FROM plan_reads WHERE user_id = ? AND plan_id = ? "
			     "AND started_ms > ? ORDER BY started_ms DESC LIMIT 1",
			     "III", by->id, plan, now_ms - window_ms);
	if (found < 0)
		goto fail;
	if (found == 1) {
		if (db_audit(s, by, plan, "plan_read", AUDIT_SQL("json_object('kind', ?)"), "T",
			     kind))
			goto fail;
		row = sqlite3_last_insert_rowid(s->db);
		if (db_run(
			s,
			"INSERT INTO plan_reads (audit_id, user_id, plan_id, started_ms, last_ms) "
			"VALUES (?, ?, ?, ?, ?)",
			"IIIII", row, by->id, plan, now_ms, now_ms))
			goto fail;
	}
	if (db_run(s, count, "II", now_ms, row))
		goto fail;
	rc = 0;
	goto out;
fail:
	db_err(err, errlen, "auditing a read", s->db);
out:
	return store_write_finish(s, rc, err, errlen);
}
