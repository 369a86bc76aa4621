/* store: opening and closing the database, the statement cache and helpers, batches. */

#include "store_int.h"

#include "err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void db_err(char *err, size_t errlen, const char *what, sqlite3 *db)
{
	err_set(err, errlen, "%s: %s", what, db ? sqlite3_errmsg(db) : "out of memory");
}

int db_exec(store *s, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		err_set(err, errlen, "%s", msg ? msg : sqlite3_errmsg(s->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* The compiled statement for sql (a string literal), from the cache when it was compiled
 * before. The caller hands it back with db_done(). NULL on error. */
sqlite3_stmt *db_prepare(store *s, const char *sql)
{
	sqlite3_stmt *st = NULL;

	for (size_t i = 0; i < s->ncache; i++)
		if (s->cache[i].sql == sql)
			return s->cache[i].st;
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
		return NULL;
	if (s->ncache < STMT_CACHE)
		s->cache[s->ncache++] = (cached_stmt){sql, st};
	return st;
}

/* Resets a cached statement for its next use; finalizes one the cache had no room for. */
void db_done(store *s, sqlite3_stmt *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < s->ncache; i++)
		if (s->cache[i].st == st) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return;
		}
	sqlite3_finalize(st);
}

/* Runs one statement without parameters or rows (BEGIN, SAVEPOINT, COMMIT ...). */
int db_step_once(store *s, const char *sql, char *err, size_t errlen)
{
	sqlite3_stmt *st = db_prepare(s, sql);
	int rc = st && sqlite3_step(st) == SQLITE_DONE ? 0 : -1;

	if (rc)
		err_set(err, errlen, "%s", sqlite3_errmsg(s->db));
	db_done(s, st);
	return rc;
}

store *store_open(const char *path, char *err, size_t errlen)
{
	store *s = calloc(1, sizeof(*s));

	if (!s) {
		db_err(err, errlen, "opening the database", NULL);
		return NULL;
	}
	if (sqlite3_open_v2(path, &s->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		db_err(err, errlen, path, s->db);
		goto fail;
	}
	sqlite3_busy_timeout(s->db, 5000);
	sqlite3_extended_result_codes(s->db, 1);
	if (db_exec(s, "PRAGMA journal_mode = WAL", err, errlen) ||
	    db_exec(s, "PRAGMA synchronous = FULL", err, errlen) ||
	    db_exec(s, "PRAGMA foreign_keys = ON", err, errlen) ||
	    db_exec(s, "PRAGMA secure_delete = ON", err, errlen) ||
	    db_exec(s, "PRAGMA trusted_schema = OFF", err, errlen) || db_migrate(s, err, errlen))
		goto fail;
	return s;
fail:
	store_close(s);
	return NULL;
}

void store_close(store *s)
{
	if (!s)
		return;
	if (s->in_batch)
		db_exec(s, "ROLLBACK", NULL, 0);
	for (size_t i = 0; i < s->ncache; i++)
		sqlite3_finalize(s->cache[i].st);
	sqlite3_close(s->db);
	free(s);
}

int store_ping(store *s)
{
	long long n;

	return db_query_int(s, &n, "SELECT count(*) FROM plans", "") ? -1 : 0;
}

int store_schema_version(store *s)
{
	long long v = -1;

	return db_query_int(s, &v, "PRAGMA user_version", "") ? -1 : (int)v;
}

/* ---- batches ---- */

int store_request_begin(store *s, char *err, size_t errlen)
{
	if (!s->in_batch) {
		if (db_step_once(s, "BEGIN IMMEDIATE", err, errlen))
			return -1;
		s->in_batch = 1;
	}
	return db_step_once(s, "SAVEPOINT request", err, errlen);
}

int store_request_end(store *s)
{
	return db_step_once(s, "RELEASE request", NULL, 0);
}

void store_request_undo(store *s)
{
	if (db_step_once(s, "ROLLBACK TO request", NULL, 0) ||
	    db_step_once(s, "RELEASE request", NULL, 0))
		s->batch_broken = 1;
}

int store_batch_open(const store *s)
{
	return s->in_batch;
}

int store_commit(store *s, char *err, size_t errlen)
{
	if (!s->in_batch)
		return 0;
	s->in_batch = 0;
	if (s->batch_broken) {
		s->batch_broken = 0;
		db_exec(s, "ROLLBACK", NULL, 0);
		return err_set(err, errlen, "a failed request could not be undone");
	}
	if (db_step_once(s, "COMMIT", err, errlen)) {
		/* A failed COMMIT may leave the transaction open; make sure nothing half-done
		 * stays. */
		if (!sqlite3_get_autocommit(s->db))
			db_exec(s, "ROLLBACK", NULL, 0);
		return -1;
	}
	s->commits++;
	return 0;
}

unsigned long store_commits(const store *s)
{
	return s->commits;
}

/* ---- one-statement helpers ---- */

int db_bind(sqlite3_stmt *st, int first, const char *types, va_list ap)
{
	for (int i = 0; types[i]; i++) {
		int rc, at = first + i;

		switch (types[i]) {
		case 'T':
			rc = sqlite3_bind_text(st, at, va_arg(ap, const char *), -1,
					       SQLITE_TRANSIENT);
			break;
		case 'I':
			rc = sqlite3_bind_int64(st, at, va_arg(ap, long long));
			break;
		case 'N': { /* int64, or NULL when negative */
			long long v = va_arg(ap, long long);

			rc = v < 0 ? sqlite3_bind_null(st, at) : sqlite3_bind_int64(st, at, v);
			break;
		}
		case 'B':
			rc = sqlite3_bind_blob(st, at, va_arg(ap, const unsigned char *),
					       STORE_HASH_BYTES, SQLITE_TRANSIENT);
			break;
		default:
			return -1;
		}
		if (rc != SQLITE_OK)
			return -1;
	}
	return 0;
}

int db_runv(store *s, const char *sql, const char *types, va_list ap)
{
	sqlite3_stmt *st = db_prepare(s, sql);
	int rc = -1;

	if (!st)
		return -1;
	if (db_bind(st, 1, types, ap) == 0 && sqlite3_step(st) == SQLITE_DONE)
		rc = 0;
	db_done(s, st);
	return rc;
}

int db_run(store *s, const char *sql, const char *types, ...)
{
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = db_runv(s, sql, types, ap);
	va_end(ap);
	return rc;
}

/* The one row loop: prepare, bind, step each row into fn, hand the statement back. */
static int rows_v(store *s, db_row_fn fn, void *ctx, const char *sql, const char *types, va_list ap)
{
	sqlite3_stmt *st = db_prepare(s, sql);
	int n = 0, step = SQLITE_ERROR, got = 0;

	if (!st)
		return -1;
	if (db_bind(st, 1, types, ap) == 0)
		while ((step = sqlite3_step(st)) == SQLITE_ROW) {
			n++;
			if ((got = fn(ctx, st)) != 0)
				break;
		}
	db_done(s, st);
	if (got < 0 || (got == 0 && step != SQLITE_DONE))
		return -1;
	return n;
}

int db_rows(store *s, db_row_fn fn, void *ctx, const char *sql, const char *types, ...)
{
	va_list ap;
	int n;

	va_start(ap, types);
	n = rows_v(s, fn, ctx, sql, types, ap);
	va_end(ap);
	return n;
}

int db_row(store *s, db_row_fn fn, void *ctx, const char *sql, const char *types, ...)
{
	va_list ap;
	int n;

	va_start(ap, types);
	n = rows_v(s, fn, ctx, sql, types, ap);
	va_end(ap);
	return n < 0 ? -1 : n == 0 ? 1 : 0;
}

static int read_int(void *ctx, sqlite3_stmt *st)
{
	*(long long *)ctx = sqlite3_column_int64(st, 0);
	return 1;
}

int db_query_int(store *s, long long *out, const char *sql, const char *types, ...)
{
	va_list ap;
	int n;

	va_start(ap, types);
	n = rows_v(s, read_int, out, sql, types, ap);
	va_end(ap);
	return n < 0 ? -1 : n == 0 ? 1 : 0;
}

int db_audit(store *s, const store_actor *by, long long plan, const char *action, const char *sql,
	     const char *types, ...)
{
	db_actor_cols a = db_actor(by);
	sqlite3_stmt *st = db_prepare(s, sql);
	va_list ap;
	int rc = -1;

	if (!st)
		return -1;
	va_start(ap, types);
	if (sqlite3_bind_text(st, 1, a.kind, -1, SQLITE_STATIC) == SQLITE_OK &&
	    (a.id < 0 ? sqlite3_bind_null(st, 2) : sqlite3_bind_int64(st, 2, a.id)) == SQLITE_OK &&
	    sqlite3_bind_text(st, 3, a.role, -1, SQLITE_TRANSIENT) == SQLITE_OK &&
	    (plan < 0 ? sqlite3_bind_null(st, 4) : sqlite3_bind_int64(st, 4, plan)) == SQLITE_OK &&
	    sqlite3_bind_text(st, 5, action, -1, SQLITE_TRANSIENT) == SQLITE_OK &&
	    db_bind(st, 6, types, ap) == 0 && sqlite3_step(st) == SQLITE_DONE)
		rc = 0;
	va_end(ap);
	db_done(s, st);
	return rc;
}

void db_time_text(long long ms, char out[DB_TIME_LEN])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (ms < 0 || !gmtime_r(&t, &tm) ||
	    strftime(out, DB_TIME_LEN, "%Y-%m-%dT%H:%M:%S", &tm) != 19) {
		snprintf(out, DB_TIME_LEN, "1970-01-01T00:00:00.000Z");
		return;
	}
	snprintf(out + 19, DB_TIME_LEN - 19, ".%03dZ", (int)(ms % 1000));
}

void db_copy_col(char *dst, size_t n, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	snprintf(dst, n, "%s", t ? (const char *)t : "");
}

const char *db_col_text(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	return t ? (const char *)t : "";
}

/* ---- staff writes: their own transaction, or a savepoint inside an open batch ---- */

/* Staff writes never commit a kiosk batch early (its held replies would be released by a commit
 * they did not ask for) and never leave it broken. With no batch open they take the write lock
 * at once (BEGIN IMMEDIATE, so a second process such as `planaloud user add` waits in the busy
 * handler instead of failing) and commit before returning. With a batch open they run inside
 * the savepoint "staff": the batch's store_commit() makes them durable. */
int store_write_begin(store *s, char *err, size_t errlen)
{
	return db_step_once(s, s->in_batch ? "SAVEPOINT staff" : "BEGIN IMMEDIATE", err, errlen);
}

/* Keeps the changes when ok (0 once they are committed or released into the batch), otherwise
 * undoes them and returns -1. err is only written when keeping them fails. */
int store_write_end(store *s, int ok, char *err, size_t errlen)
{
	if (s->in_batch) {
		if (ok && db_step_once(s, "RELEASE staff", err, errlen) == 0)
			return 0;
		if (db_step_once(s, "ROLLBACK TO staff", NULL, 0) ||
		    db_step_once(s, "RELEASE staff", NULL, 0))
			s->batch_broken = 1;
		return -1;
	}
	if (ok && db_step_once(s, "COMMIT", err, errlen) == 0)
		return 0;
	if (!sqlite3_get_autocommit(s->db))
		db_exec(s, "ROLLBACK", NULL, 0);
	return -1;
}

int store_write_finish(store *s, int rc, char *err, size_t errlen)
{
	int end = store_write_end(s, rc == 0, err, errlen);

	return rc ? rc : end ? -1 : 0;
}

/* The three audit columns for an actor; NULL is the system. */

plan_status db_col_status(sqlite3_stmt *st, int col)
{
	plan_status s = PLAN_DRAFT;

	plan_status_parse(db_col_text(st, col), &s);
	return s;
}
