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
};

/* Database times are UTC text, "2026-11-22T19:00:00.000Z". */
#define NOW_TEXT "strftime('%Y-%m-%dT%H:%M:%fZ','now')"
/* The start of an audit row; the caller's SQL goes on with the detail expression and ")".
 * Parameters: actor kind, actor id, role, plan id, action, then the detail's. */
#define AUDIT_INSERT                                                                               \
	"INSERT INTO audit (actor_kind, actor_id, role, plan_id, action, detail) "                 \
	"VALUES (?, ?, ?, ?, ?, "

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
/* Binds parameters by type letter: T text, I int64, N int64 or NULL when negative, B a hash. */
int db_bind(sqlite3_stmt *st, const char *types, va_list ap);
/* Runs a statement that returns no rows. */
int db_run(store *s, const char *sql, const char *types, ...);
/* Runs a query whose first column is an integer: 0 and *out, 1 for no row, -1 on error. */
int db_query_int(store *s, long long *out, const char *sql, const char *types, ...);
void db_copy_col(char *dst, size_t n, sqlite3_stmt *st, int col);
/* A text column, "" for NULL; borrowed until the next step. */
const char *db_col_text(sqlite3_stmt *st, int col);

/* ---- store_migrate.c ---- */
int db_migrate(store *s, char *err, size_t errlen);

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

/* ---- store_council.c ---- */
int db_agreement_forget(store *s, long long plan);
int db_move(store *s, long long plan, const char *from, const char *to);

/* ---- store_version.c ---- */
int db_freeze(store *s, long long plan, const char *kind, db_actor_cols a, int *n);

#endif
