/* store_caseload: flags across plans, and the caseload. */

#include "store_int.h"

typedef struct each {
	union {
		store_flag_fn flag;
		store_caseload_fn caseload;
	} fn;
	void *ctx;
} each;

static int each_flag(void *ctx, sqlite3_stmt *st)
{
	each *e = ctx;
	store_flag_row f = {
	    .plan = sqlite3_column_int64(st, 0),
	    .person = db_col_text(st, 1),
	    .kind = db_col_text(st, 2),
	    .detail = db_col_text(st, 3),
	    .raised = db_col_text(st, 4),
	    .closed = db_col_text(st, 5),
	    .closed_by = db_col_text(st, 6),
	    .closed_note = db_col_text(st, 7),
	};

	e->fn.flag(e->ctx, &f);
	return 0;
}

#define FLAG_COLUMNS                                                                               \
	"f.plan_id, p.person_name, f.kind, f.detail, f.raised_at, coalesce(f.closed_at, ''), "     \
	"coalesce(u.name, ''), f.closed_note FROM flags f JOIN plans p ON p.id = f.plan_id "       \
	"LEFT JOIN users u ON u.id = f.closed_by "

int store_flags_open_each(store *s, store_flag_fn fn, void *ctx)
{
	each e = {.fn.flag = fn, .ctx = ctx};

	return db_rows(s, each_flag, &e,
		       "SELECT " FLAG_COLUMNS "WHERE f.closed_at IS NULL ORDER BY "
		       "CASE f.kind WHEN 'safeguarding' THEN 0 WHEN 'advocacy' THEN 1 "
		       "ELSE 2 END, f.raised_at, f.id",
		       "") < 0
		   ? -1
		   : 0;
}

int store_flags_each(store *s, long long plan, store_flag_fn fn, void *ctx)
{
	each e = {.fn.flag = fn, .ctx = ctx};

	return db_rows(s, each_flag, &e,
		       "SELECT " FLAG_COLUMNS "WHERE f.plan_id = ? ORDER BY f.raised_at, f.id", "I",
		       plan) < 0
		   ? -1
		   : 0;
}

int store_flag_close(store *s, long long plan, const char *kind, const char *note,
		     const store_actor *by, char *err, size_t errlen)
{
	db_actor_cols a = db_actor(by);
	int rc = -1;

	if (store_write_begin(s, err, errlen))
		return -1;
	if (db_run(s,
		   "UPDATE flags SET closed_at = " NOW_TEXT ", closed_by = ?, closed_note = ? "
		   "WHERE plan_id = ? AND kind = ? AND closed_at IS NULL",
		   "NTIT", a.id, note, plan, kind)) {
		db_err(err, errlen, "closing a flag", s->db);
		goto out;
	}
	if (sqlite3_changes(s->db) == 0) {
		rc = 1;
		goto out;
	}
	if (db_audit(s, by, plan, "flag_closed", AUDIT_SQL("json_object('kind', ?)"), "T", kind)) {
		db_err(err, errlen, "auditing a closed flag", s->db);
		goto out;
	}
	rc = 0;
out:
	return store_write_finish(s, rc, err, errlen);
}

static int each_caseload(void *ctx, sqlite3_stmt *st)
{
	each *e = ctx;
	store_caseload_row row = {sqlite3_column_int64(st, 0), db_col_text(st, 1),
				  db_col_status(st, 2),	       db_col_text(st, 3),
				  db_col_text(st, 4),	       db_col_text(st, 5)};

	e->fn.caseload(e->ctx, &row);
	return 0;
}

int store_caseload_each(store *s, store_caseload_fn fn, void *ctx)
{
	each e = {.fn.caseload = fn, .ctx = ctx};

	return db_rows(s, each_caseload, &e,
		       "SELECT p.id, p.person_name, p.status, p.updated_at, coalesce(r.kind, ''), "
		       "coalesce(r.due, '') FROM plans p LEFT JOIN reviews r ON r.id = (SELECT id "
		       "FROM reviews WHERE plan_id = p.id AND state = 'open' ORDER BY due, id "
		       "LIMIT 1) ORDER BY p.updated_at DESC, p.id DESC",
		       "") < 0
		   ? -1
		   : 0;
}
