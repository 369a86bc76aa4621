/* store_caseload: flags across plans, and the caseload. Every listing here reads one page from
 * an index (migration 5): the caseload stays as quick at 100,000 plans as at 100. */

#include "store_int.h"

#include <stdio.h>
#include <string.h>

static const char *const flag_kinds[STORE_FLAG_KINDS] = {"safeguarding", "advocacy", "review"};

const char *store_flag_kind(size_t i)
{
	return i < STORE_FLAG_KINDS ? flag_kinds[i] : NULL;
}

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
	    .created = db_col_text(st, 8),
	    .lang = db_col_text(st, 9),
	};

	e->fn.flag(e->ctx, &f);
	return 0;
}

#define FLAG_COLUMNS                                                                               \
	"f.plan_id, p.person_name, f.kind, f.detail, f.raised_at, coalesce(f.closed_at, ''), "     \
	"coalesce(u.name, ''), f.closed_note, p.created_at, coalesce(p.lang, '') FROM flags f "    \
	"JOIN plans p ON p.id = f.plan_id "                                                        \
	"LEFT JOIN users u ON u.id = f.closed_by "

#define URGENT_SQL                                                                                 \
	"SELECT " FLAG_COLUMNS "WHERE f.closed_at IS NULL AND f.kind = ? "                         \
	"ORDER BY f.raised_at, f.id LIMIT ?"

int store_flags_open_each(store *s, int limit, long long *total, store_flag_fn fn, void *ctx)
{
	each e = {.fn.flag = fn, .ctx = ctx};

	/* Kept by migration 5's triggers as flags are raised, closed and removed. */
	if (total &&
	    db_query_int(s, total, "SELECT n FROM caseload_marks WHERE name = 'open_flags'", ""))
		return -1;
	/* Kind by kind, each oldest first from the index flags_urgent: no sort of every flag. */
	for (size_t k = 0; k < STORE_FLAG_KINDS && limit > 0; k++) {
		int n =
		    db_rows(s, each_flag, &e, URGENT_SQL, "TI", flag_kinds[k], (long long)limit);

		if (n < 0)
			return -1;
		limit -= n;
	}
	return 0;
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
	store_caseload_row row = {
	    .plan = sqlite3_column_int64(st, 0),
	    .person = db_col_text(st, 1),
	    .status = db_col_status(st, 2),
	    .updated = db_col_text(st, 3),
	    .review_kind = db_col_text(st, 4),
	    .review_due = db_col_text(st, 5),
	    .created = db_col_text(st, 6),
	};

	for (int k = 0; k < STORE_FLAG_KINDS; k++)
		row.flag_raised[k] = db_col_text(st, 7 + k);
	row.lang = db_col_text(st, 7 + STORE_FLAG_KINDS);
	e->fn.caseload(e->ctx, &row);
	return 0;
}

/* A caseload row from plans p: the plan, its next waiting review (r), and when each kind of its
 * open flags was raised, grouped from the join with flags f (a plan has at most one open flag of
 * each kind: store_flag_raise). The plans come first, a page of them; then the join reads only
 * their flags, through the index flags_open. */
#define CASELOAD_COLUMNS                                                                           \
	"p.id, p.person_name, p.status, p.updated_at, coalesce(r.kind, ''), coalesce(r.due, ''), " \
	"p.created_at, coalesce(max(CASE f.kind WHEN 'safeguarding' THEN f.raised_at END), ''), "  \
	"coalesce(max(CASE f.kind WHEN 'advocacy' THEN f.raised_at END), ''), "                    \
	"coalesce(max(CASE f.kind WHEN 'review' THEN f.raised_at END), ''), coalesce(p.lang, '') "
#define CASELOAD_JOINS                                                                             \
	"LEFT JOIN flags f ON f.plan_id = p.id AND f.closed_at IS NULL "                           \
	"LEFT JOIN reviews r ON r.id = (SELECT id FROM reviews WHERE plan_id = p.id AND "          \
	"state = 'open' ORDER BY due, id LIMIT 1) "

/* The page's ids from the index plans_caseload alone, then their rows and flags. */
#define CASELOAD_PAGE_SQL                                                                          \
	"SELECT " CASELOAD_COLUMNS "FROM (SELECT id FROM plans WHERE status = ? "                  \
	"ORDER BY updated_at DESC, id DESC LIMIT ? OFFSET ?) page "                                \
	"JOIN plans p ON p.id = page.id " CASELOAD_JOINS                                           \
	"GROUP BY p.id ORDER BY p.updated_at DESC, p.id DESC"
/* The plans whose next waiting review is due by a day: the waiting reviews due by then, from
 * the index reviews_due, each its plan's next (so one a plan). */
#define NEXT_REVIEW_DUE                                                                            \
	"FROM reviews n WHERE n.state = 'open' AND n.due <= ? AND n.id = (SELECT id FROM "         \
	"reviews WHERE plan_id = n.plan_id AND state = 'open' ORDER BY due, id LIMIT 1) "
#define CASELOAD_REVIEWS_SQL                                                                       \
	"SELECT " CASELOAD_COLUMNS "FROM (SELECT n.plan_id AS id, n.due AS due " NEXT_REVIEW_DUE   \
	"ORDER BY n.due, n.plan_id LIMIT ?) page JOIN plans p ON p.id = page.id " CASELOAD_JOINS   \
	"GROUP BY p.id ORDER BY page.due, p.id"
#define CASELOAD_REVIEWS_COUNT_SQL "SELECT count(*) " NEXT_REVIEW_DUE

int store_caseload_counts(store *s, long long counts[PLAN_STATUS_COUNT])
{
	/* Kept by the triggers of migration 5 as plans come, move and go. */
	sqlite3_stmt *st = db_prepare(s, "SELECT status, n FROM plan_counts");
	int rc;

	for (int i = 0; i < PLAN_STATUS_COUNT; i++)
		counts[i] = 0;
	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		plan_status ps;

		/* a status unknown here (a newer program's) is not counted as another */
		if (plan_status_parse(db_col_text(st, 0), &ps) == 0)
			counts[ps] = sqlite3_column_int64(st, 1);
	}
	db_done(s, st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int store_caseload_each(store *s, plan_status status, long long offset, int limit,
			store_caseload_fn fn, void *ctx)
{
	each e = {.fn.caseload = fn, .ctx = ctx};

	return db_rows(s, each_caseload, &e, CASELOAD_PAGE_SQL, "TII", plan_status_name(status),
		       (long long)limit, offset);
}

int store_caseload_reviews_each(store *s, const char *until, int limit, long long *total,
				store_caseload_fn fn, void *ctx)
{
	each e = {.fn.caseload = fn, .ctx = ctx};

	if (db_query_int(s, total, CASELOAD_REVIEWS_COUNT_SQL, "T", until))
		return -1;
	return db_rows(s, each_caseload, &e, CASELOAD_REVIEWS_SQL, "TI", until, (long long)limit) <
		       0
		   ? -1
		   : 0;
}

/* Appends "name: " and the plan's lines of one query, "; " between them, to out. */
static int explain_one(store *s, const char *name, const char *sql, char *out, size_t outlen)
{
	sqlite3_stmt *st = NULL;
	size_t len = strlen(out);
	int rc;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	len += (size_t)snprintf(out + len, len < outlen ? outlen - len : 0,
				"%s%s:", len ? "\n" : "", name);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		len += (size_t)snprintf(out + len, len < outlen ? outlen - len : 0, " %s;",
					db_col_text(st, 3));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE && len < outlen ? 0 : -1;
}

int store_caseload_explain(store *s, char *out, size_t outlen)
{
	if (outlen)
		out[0] = '\0';
	return explain_one(s, "page", "EXPLAIN QUERY PLAN " CASELOAD_PAGE_SQL, out, outlen) ||
		       explain_one(s, "reviews", "EXPLAIN QUERY PLAN " CASELOAD_REVIEWS_SQL, out,
				   outlen) ||
		       explain_one(s, "reviews-count",
				   "EXPLAIN QUERY PLAN " CASELOAD_REVIEWS_COUNT_SQL, out, outlen) ||
		       explain_one(s, "urgent", "EXPLAIN QUERY PLAN " URGENT_SQL, out, outlen) ||
		       explain_one(s, "due", "EXPLAIN QUERY PLAN " REVIEWS_DUE_SQL, out, outlen)
		   ? -1
		   : 0;
}

int store_open_flag_counts(store *s, long long counts[STORE_FLAG_KINDS])
{
	/* Reads the partial index flags_urgent (open flags by kind), never the closed ones. */
	sqlite3_stmt *st =
	    db_prepare(s, "SELECT kind, count(*) FROM flags WHERE closed_at IS NULL GROUP BY kind");
	int rc;

	for (size_t i = 0; i < STORE_FLAG_KINDS; i++)
		counts[i] = 0;
	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		for (size_t i = 0; i < STORE_FLAG_KINDS; i++)
			if (strcmp(db_col_text(st, 0), flag_kinds[i]) == 0)
				counts[i] = sqlite3_column_int64(st, 1);
	db_done(s, st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int store_size(store *s, long long *bytes)
{
	long long pages, size;

	if (db_query_int(s, &pages, "PRAGMA page_count", "") ||
	    db_query_int(s, &size, "PRAGMA page_size", ""))
		return -1;
	*bytes = pages * size;
	return 0;
}
