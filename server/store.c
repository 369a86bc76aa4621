#include "store.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STMT_CACHE 48

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

/* Versioned migrations, applied in order once each; user_version records how far. Never edit a
 * migration that has shipped: add the next one. */
static const char *const migrations[] = {
	/* 1: plans, answers, lists, visits, needs, flags */
	"CREATE TABLE plans ("
	"  id INTEGER PRIMARY KEY,"
	"  code_hash BLOB NOT NULL UNIQUE CHECK (length(code_hash) = 32),"
	"  person_name TEXT NOT NULL DEFAULT '',"
	"  status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','submitted',"
	"    'changes_requested','agreed','not_agreed','signed_off','review_due')),"
	"  budget_pence INTEGER CHECK (budget_pence IS NULL OR budget_pence >= 0),"
	"  last_page TEXT NOT NULL DEFAULT '',"
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),"
	"  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),"
	"  submitted_at TEXT"
	");"
	"CREATE TABLE needs ("
	"  id INTEGER PRIMARY KEY,"
	"  plan_id INTEGER NOT NULL REFERENCES plans(id),"
	"  text TEXT NOT NULL,"
	"  eligible INTEGER NOT NULL CHECK (eligible IN (0,1))"
	");"
	"CREATE INDEX needs_plan ON needs(plan_id);"
	"CREATE TABLE visits ("
	"  id INTEGER PRIMARY KEY,"
	"  plan_id INTEGER NOT NULL REFERENCES plans(id),"
	"  started_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),"
	"  writer TEXT NOT NULL DEFAULT '',"
	"  helper_name TEXT NOT NULL DEFAULT '',"
	"  helper_relationship TEXT NOT NULL DEFAULT ''"
	");"
	"CREATE INDEX visits_plan ON visits(plan_id);"
	"CREATE TABLE items ("
	"  id INTEGER PRIMARY KEY,"
	"  plan_id INTEGER NOT NULL REFERENCES plans(id),"
	"  page TEXT NOT NULL,"
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))"
	");"
	"CREATE INDEX items_plan ON items(plan_id, page);"
	"CREATE TABLE answers ("
	"  plan_id INTEGER NOT NULL REFERENCES plans(id),"
	"  page TEXT NOT NULL,"
	"  item_id INTEGER NOT NULL DEFAULT 0,"
	"  field TEXT NOT NULL DEFAULT '',"
	"  value TEXT NOT NULL,"
	"  visit_id INTEGER REFERENCES visits(id),"
	"  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),"
	"  PRIMARY KEY (plan_id, page, item_id, field)"
	") WITHOUT ROWID;"
	"CREATE TABLE flags ("
	"  id INTEGER PRIMARY KEY,"
	"  plan_id INTEGER NOT NULL REFERENCES plans(id),"
	"  kind TEXT NOT NULL CHECK (kind IN ('safeguarding','advocacy','review')),"
	"  detail TEXT NOT NULL DEFAULT '',"
	"  visit_id INTEGER REFERENCES visits(id),"
	"  raised_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),"
	"  closed_at TEXT"
	");"
	"CREATE INDEX flags_open ON flags(plan_id, kind) WHERE closed_at IS NULL;",
};

static void set_err(char *err, size_t errlen, const char *what, sqlite3 *db)
{
	if (err)
		snprintf(err, errlen, "%s: %s", what, db ? sqlite3_errmsg(db) : "out of memory");
}

static int exec(store *s, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		if (err)
			snprintf(err, errlen, "%s", msg ? msg : sqlite3_errmsg(s->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* The compiled statement for sql (a string literal), from the cache when it was compiled
 * before. The caller hands it back with done(). NULL on error. */
static sqlite3_stmt *prepare(store *s, const char *sql)
{
	sqlite3_stmt *st = NULL;

	for (size_t i = 0; i < s->ncache; i++)
		if (s->cache[i].sql == sql)
			return s->cache[i].st;
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
		return NULL;
	if (s->ncache < STMT_CACHE)
		s->cache[s->ncache++] = (cached_stmt){ sql, st };
	return st;
}

/* Resets a cached statement for its next use; finalizes one the cache had no room for. */
static void done(store *s, sqlite3_stmt *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < s->ncache; i++)
		if (s->cache[i].st == st) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return;
		}
	done(s, st);
}

/* Runs one statement without parameters or rows (BEGIN, SAVEPOINT, COMMIT ...). */
static int step_once(store *s, const char *sql, char *err, size_t errlen)
{
	sqlite3_stmt *st = prepare(s, sql);
	int rc = st && sqlite3_step(st) == SQLITE_DONE ? 0 : -1;

	if (rc && err)
		snprintf(err, errlen, "%s", sqlite3_errmsg(s->db));
	done(s, st);
	return rc;
}

static int migrate(store *s, char *err, size_t errlen)
{
	int version = store_schema_version(s);
	int target = (int)(sizeof(migrations) / sizeof(*migrations));
	char sql[64];

	if (version < 0) {
		set_err(err, errlen, "reading the schema version", s->db);
		return -1;
	}
	if (version > target) {
		snprintf(err, errlen, "the database is from a newer Plan Aloud (schema %d, this is %d)",
			 version, target);
		return -1;
	}
	for (int v = version; v < target; v++) {
		if (step_once(s, "BEGIN IMMEDIATE", err, errlen))
			return -1;
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
		if (exec(s, migrations[v], err, errlen) || exec(s, sql, err, errlen)) {
			exec(s, "ROLLBACK", NULL, 0);
			return -1;
		}
		if (step_once(s, "COMMIT", err, errlen))
			return -1;
	}
	return 0;
}

store *store_open(const char *path, char *err, size_t errlen)
{
	store *s = calloc(1, sizeof(*s));

	if (!s) {
		set_err(err, errlen, "opening the database", NULL);
		return NULL;
	}
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		set_err(err, errlen, path, s->db);
		goto fail;
	}
	sqlite3_busy_timeout(s->db, 5000);
	sqlite3_extended_result_codes(s->db, 1);
	if (exec(s, "PRAGMA journal_mode = WAL", err, errlen) ||
	    exec(s, "PRAGMA synchronous = FULL", err, errlen) ||
	    exec(s, "PRAGMA foreign_keys = ON", err, errlen) ||
	    exec(s, "PRAGMA trusted_schema = OFF", err, errlen) || migrate(s, err, errlen))
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
		exec(s, "ROLLBACK", NULL, 0);
	for (size_t i = 0; i < s->ncache; i++)
		sqlite3_finalize(s->cache[i].st);
	sqlite3_close(s->db);
	free(s);
}

int store_ping(store *s)
{
	sqlite3_stmt *st = prepare(s, "SELECT count(*) FROM plans");
	int rc = -1;

	if (st && sqlite3_step(st) == SQLITE_ROW)
		rc = 0;
	done(s, st);
	return rc;
}

int store_schema_version(store *s)
{
	sqlite3_stmt *st = prepare(s, "PRAGMA user_version");
	int v = -1;

	if (st && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	done(s, st);
	return v;
}

/* ---- batches ---- */

int store_request_begin(store *s, char *err, size_t errlen)
{
	if (!s->in_batch) {
		if (step_once(s, "BEGIN IMMEDIATE", err, errlen))
			return -1;
		s->in_batch = 1;
	}
	return step_once(s, "SAVEPOINT request", err, errlen);
}

int store_request_end(store *s)
{
	return step_once(s, "RELEASE request", NULL, 0);
}

void store_request_undo(store *s)
{
	if (step_once(s, "ROLLBACK TO request", NULL, 0) ||
	    step_once(s, "RELEASE request", NULL, 0))
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
		exec(s, "ROLLBACK", NULL, 0);
		if (err)
			snprintf(err, errlen, "a failed request could not be undone");
		return -1;
	}
	if (step_once(s, "COMMIT", err, errlen)) {
		/* A failed COMMIT may leave the transaction open; make sure nothing half-done stays. */
		if (!sqlite3_get_autocommit(s->db))
			exec(s, "ROLLBACK", NULL, 0);
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

/* Binds parameters by type letter: T text, I int64, N int64 or NULL when negative, B a hash. */
static int bind_all(sqlite3_stmt *st, const char *types, va_list ap)
{
	for (int i = 0; types[i]; i++) {
		int rc;

		switch (types[i]) {
		case 'T':
			rc = sqlite3_bind_text(st, i + 1, va_arg(ap, const char *), -1, SQLITE_TRANSIENT);
			break;
		case 'I':
			rc = sqlite3_bind_int64(st, i + 1, va_arg(ap, long long));
			break;
		case 'N': { /* int64, or NULL when negative */
			long long v = va_arg(ap, long long);

			rc = v < 0 ? sqlite3_bind_null(st, i + 1) : sqlite3_bind_int64(st, i + 1, v);
			break;
		}
		case 'B':
			rc = sqlite3_bind_blob(st, i + 1, va_arg(ap, const unsigned char *),
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

/* Runs a statement that returns no rows. */
static int run(store *s, const char *sql, const char *types, ...)
{
	sqlite3_stmt *st = prepare(s, sql);
	va_list ap;
	int rc = -1;

	if (!st)
		return -1;
	va_start(ap, types);
	if (bind_all(st, types, ap) == 0 && sqlite3_step(st) == SQLITE_DONE)
		rc = 0;
	va_end(ap);
	done(s, st);
	return rc;
}

/* Runs a query whose first column is an integer: 0 and *out, 1 for no row, -1 on error. */
static int query_int(store *s, long long *out, const char *sql, const char *types, ...)
{
	sqlite3_stmt *st = prepare(s, sql);
	va_list ap;
	int rc = -1, step;

	if (!st)
		return -1;
	va_start(ap, types);
	if (bind_all(st, types, ap) == 0) {
		step = sqlite3_step(st);
		if (step == SQLITE_ROW) {
			*out = sqlite3_column_int64(st, 0);
			rc = 0;
		} else if (step == SQLITE_DONE) {
			rc = 1;
		}
	}
	va_end(ap);
	done(s, st);
	return rc;
}

static void copy_col(char *dst, size_t n, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	snprintf(dst, n, "%s", t ? (const char *)t : "");
}

static const char *col_text(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	return t ? (const char *)t : "";
}

/* ---- plans ---- */

int store_plan_create(store *s, const unsigned char hash[STORE_HASH_BYTES], const char *person_name,
		      long long budget_pence, long long *id, char *err, size_t errlen)
{
	if (run(s, "INSERT INTO plans (code_hash, person_name, budget_pence) VALUES (?, ?, ?)", "BTN",
		hash, person_name, budget_pence)) {
		set_err(err, errlen, "making a plan", s->db);
		return -1;
	}
	*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int store_plan_find(store *s, const unsigned char hash[STORE_HASH_BYTES], long long *id)
{
	return query_int(s, id, "SELECT id FROM plans WHERE code_hash = ?", "B", hash);
}

int store_plan_get(store *s, long long id, store_plan *out)
{
	sqlite3_stmt *st = prepare(s, "SELECT id, status, person_name, coalesce(budget_pence, -1), "
				      "last_page FROM plans WHERE id = ?");
	int rc = -1, step;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		copy_col(out->status, sizeof(out->status), st, 1);
		copy_col(out->person_name, sizeof(out->person_name), st, 2);
		out->budget_pence = sqlite3_column_int64(st, 3);
		copy_col(out->last_page, sizeof(out->last_page), st, 4);
		rc = 0;
	} else if (step == SQLITE_DONE) {
		rc = 1;
	}
	done(s, st);
	return rc;
}

int store_plan_set_status(store *s, long long id, const char *from, const char *to, char *err,
			  size_t errlen)
{
	const char *sql = strcmp(to, "submitted") == 0
		? "UPDATE plans SET status = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now'), "
		  "submitted_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ? AND status = ?"
		: "UPDATE plans SET status = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') "
		  "WHERE id = ? AND status = ?";

	if (run(s, sql, "TIT", to, id, from)) {
		set_err(err, errlen, "changing the plan's status", s->db);
		return -1;
	}
	return sqlite3_changes(s->db) == 1 ? 0 : 1;
}

int store_plan_set_last_page(store *s, long long id, const char *page)
{
	return run(s, "UPDATE plans SET last_page = ? WHERE id = ?", "TI", page, id);
}

/* ---- needs ---- */

int store_need_add(store *s, long long plan, const char *text, int eligible)
{
	return run(s, "INSERT INTO needs (plan_id, text, eligible) VALUES (?, ?, ?)", "ITI", plan,
		   text, (long long)(eligible != 0));
}

int store_needs_each(store *s, long long plan, store_need_fn fn, void *ctx)
{
	sqlite3_stmt *st = prepare(s, "SELECT text, eligible FROM needs WHERE plan_id = ? ORDER BY id");
	int step;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, plan);
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		fn(ctx, col_text(st, 0), sqlite3_column_int(st, 1));
	done(s, st);
	return step == SQLITE_DONE ? 0 : -1;
}

/* ---- visits ---- */

int store_visit_start(store *s, long long plan, long long *visit)
{
	if (run(s, "INSERT INTO visits (plan_id) VALUES (?)", "I", plan))
		return -1;
	*visit = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int store_visit_set(store *s, long long visit, const char *field, const char *value)
{
	/* Column names cannot be bound: choose from a fixed list. */
	static const char *const sql[] = {
		"UPDATE visits SET writer = ? WHERE id = ?",
		"UPDATE visits SET helper_name = ? WHERE id = ?",
		"UPDATE visits SET helper_relationship = ? WHERE id = ?",
	};
	int which = strcmp(field, "writer") == 0	      ? 0
		    : strcmp(field, "helper_name") == 0	      ? 1
		    : strcmp(field, "helper_relationship") == 0 ? 2
								: -1;

	if (which < 0)
		return -1;
	return run(s, sql[which], "TI", value, visit);
}

int store_visits_each(store *s, long long plan, store_visit_fn fn, void *ctx)
{
	sqlite3_stmt *st = prepare(s, "SELECT id, writer, helper_name, helper_relationship FROM visits "
				      "WHERE plan_id = ? ORDER BY id");
	int step;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, plan);
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		fn(ctx, sqlite3_column_int64(st, 0), col_text(st, 1), col_text(st, 2), col_text(st, 3));
	done(s, st);
	return step == SQLITE_DONE ? 0 : -1;
}

/* ---- answers ---- */

int store_answer_set(store *s, long long plan, long long visit, const char *page, long long item,
		     const char *field, const char *value, char *err, size_t errlen)
{
	if (run(s,
		"INSERT INTO answers (plan_id, page, item_id, field, value, visit_id) "
		"VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (plan_id, page, item_id, field) DO UPDATE SET "
		"value = excluded.value, visit_id = excluded.visit_id, "
		"updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')",
		"ITITTN", plan, page, item, field, value, visit > 0 ? visit : -1LL)) {
		set_err(err, errlen, "storing an answer", s->db);
		return -1;
	}
	return 0;
}

int store_answers_each(store *s, long long plan, store_answer_fn fn, void *ctx)
{
	sqlite3_stmt *st = prepare(s, "SELECT page, item_id, field, value FROM answers "
				      "WHERE plan_id = ? ORDER BY page, item_id, field");
	int step, rc = 0;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, plan);
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW)
		rc = fn(ctx, col_text(st, 0), sqlite3_column_int64(st, 1), col_text(st, 2),
			col_text(st, 3));
	done(s, st);
	return rc == 0 && step == SQLITE_DONE ? 0 : -1;
}

/* ---- list entries ---- */

int store_item_add(store *s, long long plan, const char *page, long long *item)
{
	if (run(s, "INSERT INTO items (plan_id, page) VALUES (?, ?)", "IT", plan, page))
		return -1;
	*item = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int store_item_exists(store *s, long long plan, const char *page, long long item)
{
	long long one;

	return query_int(s, &one, "SELECT 1 FROM items WHERE id = ? AND plan_id = ? AND page = ?",
			 "IIT", item, plan, page);
}

int store_item_remove(store *s, long long plan, const char *page, long long item)
{
	int rc = store_item_exists(s, plan, page, item);

	if (rc)
		return rc;
	if (run(s, "DELETE FROM answers WHERE plan_id = ? AND page = ? AND item_id = ?", "ITI", plan,
		page, item) ||
	    run(s, "DELETE FROM items WHERE id = ?", "I", item))
		return -1;
	return 0;
}

int store_items_each(store *s, long long plan, const char *page, store_item_fn fn, void *ctx)
{
	sqlite3_stmt *st = prepare(s, "SELECT id FROM items WHERE plan_id = ? AND page = ? ORDER BY id");
	int step;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, plan);
	sqlite3_bind_text(st, 2, page, -1, SQLITE_TRANSIENT);
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		fn(ctx, sqlite3_column_int64(st, 0));
	done(s, st);
	return step == SQLITE_DONE ? 0 : -1;
}

int store_item_count(store *s, long long plan, const char *page)
{
	long long n = -1;

	if (query_int(s, &n, "SELECT count(*) FROM items WHERE plan_id = ? AND page = ?", "IT", plan,
		      page))
		return -1;
	return (int)n;
}

/* ---- flags ---- */

int store_flag_open_count(store *s, long long plan, const char *kind)
{
	long long n = -1;

	if (query_int(s, &n,
		      "SELECT count(*) FROM flags WHERE plan_id = ? AND kind = ? AND closed_at IS NULL",
		      "IT", plan, kind))
		return -1;
	return (int)n;
}

int store_flag_raise(store *s, long long plan, long long visit, const char *kind,
		     const char *detail, int *raised)
{
	int open = store_flag_open_count(s, plan, kind);

	*raised = 0;
	if (open < 0)
		return -1;
	if (open > 0 && strcmp(kind, "review") != 0)
		return 0;
	if (open > 0) /* a newer review request replaces the reason of the open one */
		return run(s, "UPDATE flags SET detail = ? WHERE plan_id = ? AND kind = ? AND "
			      "closed_at IS NULL",
			   "TIT", detail, plan, kind);
	if (run(s, "INSERT INTO flags (plan_id, kind, detail, visit_id) VALUES (?, ?, ?, ?)", "ITTN",
		plan, kind, detail, visit > 0 ? visit : -1LL))
		return -1;
	*raised = 1;
	return 0;
}
