/* store_int: what the store_*.c files share, and nothing else includes (as SQLite's files share
 * sqliteInt.h). Only the store_*.c files include sqlite3.h.
 *
 * The helpers here run inside whatever transaction is open; none opens one. SQL passed to
 * db_prepare() and the helpers built on it must be a string literal: its address keys the
 * statement cache. */
#ifndef PLANALOUD_STORE_INT_H
#define PLANALOUD_STORE_INT_H

#include "store.h"

#include <sqlite3.h>
#include <stdarg.h>

#define STMT_CACHE 96

/* Statements are compiled once and kept: each call site's SQL is a string literal, so the
 * literal's address identifies it. Kept statements are reset after use, finalized at close. */
typedef struct cached_stmt {
	const char *sql;
	sqlite3_stmt *st;
} cached_stmt;

struct store {
	sqlite3 *db;
	int in_batch;
	int batch_broken; /* a request could not be undone: the batch must not commit */
	unsigned long commits;
	cached_stmt cache[STMT_CACHE];
	size_t ncache;
	/* store_reviews_due_each found nothing due for due_from on due_today at reviews mark
	 * due_mark (migration 5's triggers move the mark): it need not look again until one
	 * changes. */
	int due_none;
	int due_from;
	long long due_mark;
	char due_today[16];
};

/* The database's own clock as time text, for times no workflow step sets. */
#define NOW_TEXT "strftime('%Y-%m-%dT%H:%M:%fZ','now')"

/* ---- store.c: statements ---- */
/* "what: SQLite's message" into err (may be NULL); db NULL means memory ran out. */
void db_err(char *err, size_t errlen, const char *what, sqlite3 *db);
/* Runs SQL text (several statements, no parameters), uncached. */
int db_exec(store *s, const char *sql, char *err, size_t errlen);
/* The compiled statement for sql, cached; handed back with db_done(). NULL on error. */
sqlite3_stmt *db_prepare(store *s, const char *sql);
void db_done(store *s, sqlite3_stmt *st);
/* Runs one statement without parameters or rows (BEGIN, SAVEPOINT, COMMIT ...). */
int db_step_once(store *s, const char *sql, char *err, size_t errlen);
/* Binds parameters from index `first` (1-based) by type letter: T text, I int64, N int64 or
 * NULL when negative, B a hash. */
int db_bind(sqlite3_stmt *st, int first, const char *types, va_list ap);
/* Runs a statement that returns no rows. */
int db_run(store *s, const char *sql, const char *types, ...);
int db_runv(store *s, const char *sql, const char *types, va_list ap);
/* Called for each row of a query, the statement borrowed for the call: 0 to go on, 1 to stop
 * (a success), -1 to stop with an error. */
typedef int (*db_row_fn)(void *ctx, sqlite3_stmt *st);
/* The row loop every listing uses: binds the parameters by types, calls fn for each row.
 * The number of rows fn was called for, or -1 on error (fn's included). */
int db_rows(store *s, db_row_fn fn, void *ctx, const char *sql, const char *types, ...);
/* One row: fn (which returns 1) is called for the first. 0, 1 for no row, -1 on error. */
int db_row(store *s, db_row_fn fn, void *ctx, const char *sql, const char *types, ...);
/* Runs a query whose first column is an integer: 0 and *out, 1 for no row, -1 on error. */
int db_query_int(store *s, long long *out, const char *sql, const char *types, ...);
/* The one audit row writer: sql is AUDIT_SQL(detail expression), a literal; the actor (NULL: the
 * system), plan (-1: none) and action are bound first, then the detail's parameters by types. */
#define AUDIT_SQL(detail)                                                                          \
	"INSERT INTO audit (actor_kind, actor_id, role, plan_id, action, detail) "                 \
	"VALUES (?, ?, ?, ?, ?, " detail ")"
int db_audit(store *s, const store_actor *by, long long plan, const char *action, const char *sql,
	     const char *types, ...);
/* now_ms as database time text, "2026-11-22T19:00:00.000Z". */
#define DB_TIME_LEN 32
void db_time_text(long long ms, char out[DB_TIME_LEN]);
void db_copy_col(char *dst, size_t n, sqlite3_stmt *st, int col);
/* A text column, "" for NULL; borrowed until the next step. */
const char *db_col_text(sqlite3_stmt *st, int col);
/* A status column (the schema allows only the statuses' names). */
plan_status db_col_status(sqlite3_stmt *st, int col);

/* ---- store_version.c and store_caseload.c ---- */
/* Plans in status ?1 that may become due for review on day ?2: from the open requests and the
 * waiting reviews due (indexes flags_urgent and reviews_due), each joined to its plan; not every
 * plan, nor every plan of a status (store_caseload_explain shows how it is read). */
#define REVIEWS_DUE_SQL                                                                            \
	"SELECT p.id, p.status, EXISTS (SELECT 1 FROM flags f WHERE "                              \
	"f.plan_id = p.id AND f.kind = 'review' AND f.closed_at IS NULL) "                         \
	"FROM (SELECT f.plan_id AS id FROM flags f CROSS JOIN plans p ON "                         \
	"p.id = f.plan_id WHERE f.kind = 'review' AND f.closed_at IS NULL AND "                    \
	"p.status = ?1 UNION SELECT r.plan_id FROM reviews r CROSS JOIN plans p ON "               \
	"p.id = r.plan_id WHERE r.state = 'open' AND r.due <= ?2 AND "                             \
	"p.status = ?1) due JOIN plans p ON p.id = due.id ORDER BY p.id"

/* ---- store_migrate.c ---- */
int db_migrate(store *s, char *err, size_t errlen);
/* The schema version this program's migrations reach. */
int db_schema_target(void);

/* ---- store_audit.c ---- */
/* The three audit columns for an actor; NULL is the system. */
typedef struct db_actor_cols {
	const char *kind;
	long long id; /* -1 binds NULL */
	const char *role;
} db_actor_cols;

db_actor_cols db_actor(const store_actor *by);

/* ---- store_plan.c ---- */
/* 0 when the plan exists, 1 when not, -1 on error. */
int db_plan_exists(store *s, long long plan);

#endif
