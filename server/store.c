#include "store.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

	/* 2: staff accounts, their sessions, login failures, and the append-only audit log. The
	 * audit log names users and plans by id without foreign keys: it must outlive anything it
	 * mentions. Its triggers refuse changing, deleting and overwriting (INSERT OR REPLACE) rows:
	 * they stop a bug or a stray statement, not someone who can replace the file. */
	"CREATE TABLE users ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  name TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (length(name) BETWEEN 1 AND 64"
	"    AND name NOT GLOB '*[^A-Za-z0-9._-]*'),"
	"  role TEXT NOT NULL CHECK (role IN ('caseworker','manager','admin')),"
	"  password_hash TEXT NOT NULL CHECK (substr(password_hash, 1, 10) = '$argon2id$'"
	"    AND length(password_hash) < 128),"
	"  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0,1)),"
	"  created_ms INTEGER NOT NULL,"
	"  disabled_ms INTEGER"
	");"
	"CREATE TABLE staff_sessions ("
	"  token_hash BLOB PRIMARY KEY CHECK (length(token_hash) = 32),"
	"  user_id INTEGER NOT NULL REFERENCES users(id),"
	"  created_ms INTEGER NOT NULL,"
	"  seen_ms INTEGER NOT NULL"
	") WITHOUT ROWID;"
	"CREATE INDEX staff_sessions_user ON staff_sessions(user_id);"
	"CREATE TABLE login_failures ("
	"  name TEXT PRIMARY KEY COLLATE NOCASE,"
	"  failures INTEGER NOT NULL CHECK (failures >= 0),"
	"  locked_until_ms INTEGER NOT NULL DEFAULT 0,"
	"  last_ms INTEGER NOT NULL"
	") WITHOUT ROWID;"
	"CREATE TABLE audit ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  at_ms INTEGER NOT NULL DEFAULT (CAST(strftime('%s','now') AS INTEGER) * 1000"
	"    + CAST(substr(strftime('%f','now'), 4) AS INTEGER)),"
	"  actor_kind TEXT NOT NULL CHECK (actor_kind IN ('person','staff','system')),"
	"  actor_id INTEGER,"
	"  role TEXT NOT NULL DEFAULT '',"
	"  plan_id INTEGER,"
	"  action TEXT NOT NULL CHECK (length(action) BETWEEN 1 AND 64),"
	"  detail TEXT NOT NULL DEFAULT '{}' CHECK (length(detail) <= 4096)"
	");"
	"CREATE INDEX audit_plan ON audit(plan_id, id) WHERE plan_id IS NOT NULL;"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN"
	"  SELECT RAISE(ABORT, 'the audit log is append-only: its rows cannot be changed');"
	"END;"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN"
	"  SELECT RAISE(ABORT, 'the audit log is append-only: its rows cannot be deleted');"
	"END;"
	"CREATE TRIGGER audit_no_replace BEFORE INSERT ON audit"
	"  WHEN EXISTS (SELECT 1 FROM audit WHERE id = NEW.id) BEGIN"
	"  SELECT RAISE(ABORT, 'the audit log is append-only: its rows cannot be replaced');"
	"END;",

	/* 3: the staff workspace (docs/staff.md). On plans: the ways of managing support the
	 * council offers, who invited, the agreement (ready, the person's yes or no, the
	 * caseworker's yes), the council's parts (risks, emergency plan checked), the not-agreed
	 * record, the sign-off and any panel. On needs: how the council will meet each, and
	 * whether a direct payment can. Support items costed by the council, comments for the
	 * person, frozen versions (append-only, like the audit log), scheduled reviews. Flags can
	 * now be closed by staff with a note. */
	"ALTER TABLE plans ADD COLUMN managing TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE plans ADD COLUMN invited_by INTEGER;"
	"ALTER TABLE plans ADD COLUMN ready INTEGER NOT NULL DEFAULT 0 CHECK (ready IN (0,1));"
	"ALTER TABLE plans ADD COLUMN person_agreed_at TEXT;"
	"ALTER TABLE plans ADD COLUMN person_agreed_visit INTEGER;"
	"ALTER TABLE plans ADD COLUMN person_disagreed_at TEXT;"
	"ALTER TABLE plans ADD COLUMN person_disagree_reason TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE plans ADD COLUMN caseworker_agreed_at TEXT;"
	"ALTER TABLE plans ADD COLUMN caseworker_agreed_by INTEGER;"
	"ALTER TABLE plans ADD COLUMN risks TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE plans ADD COLUMN emergency_checked INTEGER NOT NULL DEFAULT 0"
	"  CHECK (emergency_checked IN (0,1));"
	"ALTER TABLE plans ADD COLUMN not_agreed_at TEXT;"
	"ALTER TABLE plans ADD COLUMN not_agreed_by INTEGER;"
	"ALTER TABLE plans ADD COLUMN not_agreed_reasons TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE plans ADD COLUMN not_agreed_safety TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE plans ADD COLUMN not_agreed_complaints INTEGER NOT NULL DEFAULT 0"
	"  CHECK (not_agreed_complaints IN (0,1));"
	"ALTER TABLE plans ADD COLUMN signed_off_at TEXT;"
	"ALTER TABLE plans ADD COLUMN signed_off_by INTEGER;"
	"ALTER TABLE plans ADD COLUMN panel_decision TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE plans ADD COLUMN panel_date TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE needs ADD COLUMN how TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE needs ADD COLUMN direct_payment INTEGER NOT NULL DEFAULT 0"
	"  CHECK (direct_payment IN (0,1));"
	"ALTER TABLE flags ADD COLUMN closed_by INTEGER;"
	"ALTER TABLE flags ADD COLUMN closed_note TEXT NOT NULL DEFAULT '';"
	"CREATE TABLE support ("
	"  id INTEGER PRIMARY KEY,"
	"  plan_id INTEGER NOT NULL REFERENCES plans(id),"
	"  what TEXT NOT NULL,"
	"  cost_pence INTEGER NOT NULL CHECK (cost_pence >= 0)"
	");"
	"CREATE INDEX support_plan ON support(plan_id);"
	"CREATE TABLE comments ("
	"  id INTEGER PRIMARY KEY,"
	"  plan_id INTEGER NOT NULL REFERENCES plans(id),"
	"  section TEXT NOT NULL,"
	"  text TEXT NOT NULL,"
	"  user_id INTEGER NOT NULL REFERENCES users(id),"
	"  at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),"
	"  seen_at TEXT"
	");"
	"CREATE INDEX comments_plan ON comments(plan_id, id);"
	"CREATE TABLE versions ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  plan_id INTEGER NOT NULL REFERENCES plans(id),"
	"  n INTEGER NOT NULL CHECK (n >= 1),"
	"  kind TEXT NOT NULL CHECK (kind IN ('submitted','agreed','signed_off')),"
	"  at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),"
	"  actor_kind TEXT NOT NULL CHECK (actor_kind IN ('person','staff','system')),"
	"  actor_id INTEGER,"
	"  role TEXT NOT NULL DEFAULT '',"
	"  snapshot TEXT NOT NULL,"
	"  UNIQUE (plan_id, n)"
	");"
	"CREATE TRIGGER versions_no_update BEFORE UPDATE ON versions BEGIN"
	"  SELECT RAISE(ABORT, 'versions are frozen: they cannot be changed');"
	"END;"
	"CREATE TRIGGER versions_no_delete BEFORE DELETE ON versions BEGIN"
	"  SELECT RAISE(ABORT, 'versions are frozen: they cannot be deleted');"
	"END;"
	"CREATE TRIGGER versions_no_replace BEFORE INSERT ON versions"
	"  WHEN EXISTS (SELECT 1 FROM versions WHERE id = NEW.id"
	"    OR (plan_id = NEW.plan_id AND n = NEW.n)) BEGIN"
	"  SELECT RAISE(ABORT, 'versions are frozen: they cannot be replaced');"
	"END;"
	"CREATE TABLE reviews ("
	"  id INTEGER PRIMARY KEY,"
	"  plan_id INTEGER NOT NULL REFERENCES plans(id),"
	"  kind TEXT NOT NULL CHECK (kind IN ('light','full')),"
	"  due TEXT NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open','done','replaced')),"
	"  done_at TEXT,"
	"  done_by INTEGER,"
	"  outcome TEXT CHECK (outcome IS NULL OR outcome IN ('confirm','reopen')),"
	"  answers TEXT NOT NULL DEFAULT '{}'"
	");"
	"CREATE INDEX reviews_open ON reviews(plan_id, due) WHERE state = 'open';",
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
	sqlite3_finalize(st);
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
	if (sqlite3_changes(s->db) != 1)
		return 1;
	if (run(s, "INSERT INTO audit (actor_kind, actor_id, role, plan_id, action, detail) "
		   "VALUES ('person', ?, '', ?, 'status_changed', json_object('from', ?, 'to', ?))",
		"IITT", id, id, from, to)) {
		set_err(err, errlen, "auditing the plan's status", s->db);
		return -1;
	}
	return 0;
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
		plan, kind, detail, visit > 0 ? visit : -1LL) ||
	    /* who raised it and when, not what they said */
	    run(s, "INSERT INTO audit (actor_kind, actor_id, role, plan_id, action, detail) "
		   "VALUES ('person', ?, '', ?, 'flag_raised', json_object('kind', ?, 'visit', ?))",
		"IITN", plan, plan, kind, visit > 0 ? visit : -1LL))
		return -1;
	*raised = 1;
	return 0;
}

/* ---- staff writes: their own transaction, or a savepoint inside an open batch ---- */

/* Staff writes never commit a kiosk batch early (its held replies would be released by a commit
 * they did not ask for) and never leave it broken. With no batch open they take the write lock
 * at once (BEGIN IMMEDIATE, so a second process such as `planaloud user add` waits in the busy
 * handler instead of failing) and commit before returning. With a batch open they run inside
 * the savepoint "staff": the batch's store_commit() makes them durable. */
static int write_begin(store *s, char *err, size_t errlen)
{
	return step_once(s, s->in_batch ? "SAVEPOINT staff" : "BEGIN IMMEDIATE", err, errlen);
}

/* Keeps the changes when ok (0 once they are committed or released into the batch), otherwise
 * undoes them and returns -1. err is only written when keeping them fails. */
static int write_end(store *s, int ok, char *err, size_t errlen)
{
	if (s->in_batch) {
		if (ok && step_once(s, "RELEASE staff", err, errlen) == 0)
			return 0;
		if (step_once(s, "ROLLBACK TO staff", NULL, 0) ||
		    step_once(s, "RELEASE staff", NULL, 0))
			s->batch_broken = 1;
		return -1;
	}
	if (ok && step_once(s, "COMMIT", err, errlen) == 0)
		return 0;
	if (!sqlite3_get_autocommit(s->db))
		exec(s, "ROLLBACK", NULL, 0);
	return -1;
}

/* The three audit columns for an actor; NULL is the system. */
typedef struct actor_cols {
	const char *kind;
	long long id; /* -1 binds NULL */
	const char *role;
} actor_cols;

static actor_cols actor_of(const store_actor *by)
{
	static const char *const kinds[] = { "person", "staff", "system" };

	if (!by || by->kind == STORE_ACTOR_SYSTEM || (unsigned)by->kind > STORE_ACTOR_SYSTEM)
		return (actor_cols){ "system", -1, "" };
	return (actor_cols){ kinds[by->kind], by->id, by->role ? by->role : "" };
}

/* ---- staff accounts ---- */

#define USER_COLUMNS "id, name, role, password_hash, disabled, created_ms"

static void read_user(sqlite3_stmt *st, store_user *out)
{
	out->id = sqlite3_column_int64(st, 0);
	copy_col(out->name, sizeof(out->name), st, 1);
	copy_col(out->role, sizeof(out->role), st, 2);
	copy_col(out->password_hash, sizeof(out->password_hash), st, 3);
	out->disabled = sqlite3_column_int(st, 4);
	out->created_ms = sqlite3_column_int64(st, 5);
}

/* Runs a one-row user query bound to one int64 (types "I") or one text (types "T"). */
static int query_user(store *s, const char *sql, const char *types, store_user *out, ...)
{
	sqlite3_stmt *st = prepare(s, sql);
	va_list ap;
	int rc = -1, step;

	if (!st)
		return -1;
	va_start(ap, out);
	if (bind_all(st, types, ap) == 0) {
		step = sqlite3_step(st);
		if (step == SQLITE_ROW) {
			read_user(st, out);
			rc = 0;
		} else if (step == SQLITE_DONE) {
			rc = 1;
		}
	}
	va_end(ap);
	done(s, st);
	return rc;
}

int store_user_find(store *s, const char *name, store_user *out)
{
	return query_user(s, "SELECT " USER_COLUMNS " FROM users WHERE name = ?", "T", out, name);
}

int store_user_get(store *s, long long id, store_user *out)
{
	return query_user(s, "SELECT " USER_COLUMNS " FROM users WHERE id = ?", "I", out, id);
}

int store_user_add(store *s, const char *name, const char *role, const char *password_hash,
		   long long now_ms, const store_actor *by, long long *id, char *err, size_t errlen)
{
	actor_cols a = actor_of(by);
	long long uid = 0;
	int rc = -1, taken;

	if (write_begin(s, err, errlen))
		return -1;
	taken = query_int(s, &uid, "SELECT id FROM users WHERE name = ?", "T", name);
	if (taken == 0) {
		rc = 1;
		goto out;
	}
	if (taken < 0 || run(s, "INSERT INTO users (name, role, password_hash, created_ms) "
				"VALUES (?, ?, ?, ?)",
			     "TTTI", name, role, password_hash, now_ms)) {
		set_err(err, errlen, "adding a user", s->db);
		goto out;
	}
	uid = sqlite3_last_insert_rowid(s->db);
	if (run(s, "INSERT INTO audit (actor_kind, actor_id, role, action, detail) VALUES (?, ?, ?, "
		   "'user_added', json_object('user_id', ?, 'name', ?, 'role', ?))",
		"TNTITT", a.kind, a.id, a.role, uid, name, role)) {
		set_err(err, errlen, "auditing a new user", s->db);
		goto out;
	}
	rc = 0;
out:
	if (write_end(s, rc == 0, err, errlen))
		return rc == 1 ? 1 : -1;
	if (id)
		*id = uid;
	return 0;
}

int store_user_set_password(store *s, long long id, const char *password_hash,
			    const store_actor *by, char *err, size_t errlen)
{
	actor_cols a = actor_of(by);
	int rc = -1;

	if (write_begin(s, err, errlen))
		return -1;
	if (run(s, "UPDATE users SET password_hash = ? WHERE id = ?", "TI", password_hash, id)) {
		set_err(err, errlen, "changing a password", s->db);
		goto out;
	}
	if (sqlite3_changes(s->db) == 0) {
		rc = 1;
		goto out;
	}
	if (run(s, "INSERT INTO audit (actor_kind, actor_id, role, action, detail) VALUES (?, ?, ?, "
		   "'password_set', json_object('user_id', ?, 'name', (SELECT name FROM users "
		   "WHERE id = ?)))",
		"TNTII", a.kind, a.id, a.role, id, id)) {
		set_err(err, errlen, "auditing a new password", s->db);
		goto out;
	}
	rc = 0;
out:
	if (write_end(s, rc == 0, err, errlen))
		return rc == 1 ? 1 : -1;
	return 0;
}

int store_user_rehash(store *s, long long id, const char *password_hash)
{
	/* One statement: atomic on its own, in a batch or not. */
	return run(s, "UPDATE users SET password_hash = ? WHERE id = ?", "TI", password_hash, id);
}

int store_user_set_disabled(store *s, long long id, int disabled, long long now_ms,
			    const store_actor *by, char *err, size_t errlen)
{
	actor_cols a = actor_of(by);
	long long was;
	int rc = -1, found, failed;

	if (write_begin(s, err, errlen))
		return -1;
	found = query_int(s, &was, "SELECT disabled FROM users WHERE id = ?", "I", id);
	if (found) {
		rc = found;
		if (found < 0)
			set_err(err, errlen, "finding a user", s->db);
		goto out;
	}
	if ((was != 0) == (disabled != 0)) {
		rc = 0;
		goto out;
	}
	if (disabled)
		failed = run(s, "UPDATE users SET disabled = 1, disabled_ms = ? WHERE id = ?", "II",
			     now_ms, id) ||
			 run(s, "DELETE FROM staff_sessions WHERE user_id = ?", "I", id);
	else
		failed = run(s, "UPDATE users SET disabled = 0, disabled_ms = NULL WHERE id = ?", "I",
			     id);
	if (failed) {
		set_err(err, errlen, "changing a user", s->db);
		goto out;
	}
	if (run(s, "INSERT INTO audit (actor_kind, actor_id, role, action, detail) VALUES (?, ?, ?, "
		   "?, json_object('user_id', ?, 'name', (SELECT name FROM users WHERE id = ?)))",
		"TNTTII", a.kind, a.id, a.role, disabled ? "user_disabled" : "user_enabled", id, id)) {
		set_err(err, errlen, "auditing a change of user", s->db);
		goto out;
	}
	rc = 0;
out:
	if (write_end(s, rc == 0, err, errlen))
		return rc == 1 ? 1 : -1;
	return 0;
}

int store_users_each(store *s, store_user_fn fn, void *ctx)
{
	sqlite3_stmt *st = prepare(s, "SELECT " USER_COLUMNS " FROM users ORDER BY name, id");
	store_user u;
	int step;

	if (!st)
		return -1;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		read_user(st, &u);
		fn(ctx, &u);
	}
	done(s, st);
	return step == SQLITE_DONE ? 0 : -1;
}

/* ---- login failures ---- */

int store_login_state(store *s, const char *name, int *failures, long long *locked_until_ms)
{
	sqlite3_stmt *st =
		prepare(s, "SELECT failures, locked_until_ms FROM login_failures WHERE name = ?");
	int rc = -1, step;

	*failures = 0;
	*locked_until_ms = 0;
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		*failures = sqlite3_column_int(st, 0);
		*locked_until_ms = sqlite3_column_int64(st, 1);
		rc = 0;
	} else if (step == SQLITE_DONE) {
		rc = 0;
	}
	done(s, st);
	return rc;
}

int store_login_failed(store *s, const char *name, const store_user *user, const char *audit_name,
		       int failures, long long locked_until_ms, long long now_ms, char *err,
		       size_t errlen)
{
	long long locked_for_s = locked_until_ms > now_ms ? (locked_until_ms - now_ms + 999) / 1000 : 0;
	int ok = 0;

	if (write_begin(s, err, errlen))
		return -1;
	if (run(s, "INSERT INTO login_failures (name, failures, locked_until_ms, last_ms) "
		   "VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET failures = excluded.failures, "
		   "locked_until_ms = excluded.locked_until_ms, last_ms = excluded.last_ms",
		"TIII", name, (long long)failures, locked_until_ms, now_ms)) {
		set_err(err, errlen, "counting a failed login", s->db);
		goto out;
	}
	/* An unknown name is audited with no actor id: nobody is known to have tried. */
	if (run(s, "INSERT INTO audit (actor_kind, actor_id, role, action, detail) VALUES ('staff', "
		   "?, ?, 'login_failed', json_object('name', ?, 'failures', ?, 'locked_for_s', ?))",
		"NTTII", user ? user->id : -1LL, user ? user->role : "", audit_name,
		(long long)failures, locked_for_s)) {
		set_err(err, errlen, "auditing a failed login", s->db);
		goto out;
	}
	ok = 1;
out:
	return write_end(s, ok, err, errlen);
}

int store_login_ok(store *s, const store_user *user, const unsigned char token_hash[STORE_HASH_BYTES],
		   long long now_ms, char *err, size_t errlen)
{
	int ok = 0;

	if (write_begin(s, err, errlen))
		return -1;
	if (run(s, "DELETE FROM login_failures WHERE name = ?", "T", user->name) ||
	    run(s, "INSERT INTO staff_sessions (token_hash, user_id, created_ms, seen_ms) "
		   "VALUES (?, ?, ?, ?)",
		"BIII", token_hash, user->id, now_ms, now_ms)) {
		set_err(err, errlen, "starting a staff session", s->db);
		goto out;
	}
	if (run(s, "INSERT INTO audit (actor_kind, actor_id, role, action, detail) VALUES ('staff', "
		   "?, ?, 'login_ok', json_object('name', ?))",
		"ITT", user->id, user->role, user->name)) {
		set_err(err, errlen, "auditing a login", s->db);
		goto out;
	}
	ok = 1;
out:
	return write_end(s, ok, err, errlen);
}

/* ---- staff sessions ---- */

int store_session_find(store *s, const unsigned char token_hash[STORE_HASH_BYTES],
		       store_session *out)
{
	/* The password hash is not needed to know who someone is: it stays in the table. */
	sqlite3_stmt *st = prepare(s, "SELECT u.id, u.name, u.role, '', u.disabled, u.created_ms, "
				      "t.created_ms, t.seen_ms FROM staff_sessions t "
				      "JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?");
	int rc = -1, step;

	if (!st)
		return -1;
	sqlite3_bind_blob(st, 1, token_hash, STORE_HASH_BYTES, SQLITE_TRANSIENT);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		read_user(st, &out->user);
		out->created_ms = sqlite3_column_int64(st, 6);
		out->seen_ms = sqlite3_column_int64(st, 7);
		rc = 0;
	} else if (step == SQLITE_DONE) {
		rc = 1;
	}
	done(s, st);
	return rc;
}

int store_session_touch(store *s, const unsigned char token_hash[STORE_HASH_BYTES], long long now_ms)
{
	return run(s, "UPDATE staff_sessions SET seen_ms = ? WHERE token_hash = ?", "IB", now_ms,
		   token_hash);
}

int store_session_end(store *s, const unsigned char token_hash[STORE_HASH_BYTES],
		      const store_actor *by)
{
	actor_cols a = actor_of(by);
	int rc = -1;

	if (write_begin(s, NULL, 0))
		return -1;
	if (run(s, "DELETE FROM staff_sessions WHERE token_hash = ?", "B", token_hash))
		goto out;
	if (sqlite3_changes(s->db) == 0) {
		rc = 1;
		goto out;
	}
	if (by && run(s, "INSERT INTO audit (actor_kind, actor_id, role, action) VALUES (?, ?, ?, "
			 "'logout')",
		      "TNT", a.kind, a.id, a.role))
		goto out;
	rc = 0;
out:
	if (write_end(s, rc == 0, NULL, 0))
		return rc == 1 ? 1 : -1;
	return 0;
}

int store_staff_prune(store *s, long long seen_before_ms, long long created_before_ms,
		      long long failures_before_ms)
{
	int ok;

	if (write_begin(s, NULL, 0))
		return -1;
	ok = run(s, "DELETE FROM staff_sessions WHERE seen_ms < ? OR created_ms < ?", "II",
		 seen_before_ms, created_before_ms) == 0 &&
	     run(s, "DELETE FROM login_failures WHERE last_ms < ? AND locked_until_ms < ?", "II",
		 failures_before_ms, failures_before_ms) == 0;
	return write_end(s, ok, NULL, 0);
}

/* ---- the audit log ---- */

int store_audit_append(store *s, const store_actor *by, long long plan_id, const char *action,
		       const char *detail_json, char *err, size_t errlen)
{
	actor_cols a = actor_of(by);

	/* One statement: atomic on its own; inside a batch it is kept or undone with the
	 * request around it. json() refuses text that is not JSON (a CHECK cannot say so: with
	 * trusted_schema off, the schema may not call the JSON functions). */
	if (run(s, "INSERT INTO audit (actor_kind, actor_id, role, plan_id, action, detail) "
		   "VALUES (?, ?, ?, ?, ?, json(?))",
		"TNTNTT", a.kind, a.id, a.role, plan_id, action, detail_json ? detail_json : "{}")) {
		set_err(err, errlen, "writing the audit log", s->db);
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
			.actor_kind = col_text(st, 2),
			.actor_id = sqlite3_column_int64(st, 3),
			.role = col_text(st, 4),
			.plan_id = sqlite3_column_int64(st, 5),
			.action = col_text(st, 6),
			.detail = col_text(st, 7),
		};
		rc = fn(ctx, &row);
	}
	done(s, st);
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
	st = prepare(s, "SELECT " AUDIT_COLUMNS " FROM audit WHERE plan_id = ? AND id < ? "
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
	st = prepare(s, "SELECT " AUDIT_COLUMNS " FROM audit WHERE id < ? ORDER BY id DESC LIMIT ?");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, before_id > 0 ? before_id : INT64_MAX);
	sqlite3_bind_int(st, 2, limit < STORE_AUDIT_LIST_MAX ? limit : STORE_AUDIT_LIST_MAX);
	return audit_each(s, st, fn, ctx);
}

/* ---- the staff workspace ---- */

#define NOW_TEXT "strftime('%Y-%m-%dT%H:%M:%fZ','now')"
/* The start of an audit row; the caller's SQL goes on with the detail expression and ")".
 * Parameters: actor kind, actor id, role, plan id, action, then the detail's. */
#define AUDIT_INSERT                                                                               \
	"INSERT INTO audit (actor_kind, actor_id, role, plan_id, action, detail) "                 \
	"VALUES (?, ?, ?, ?, ?, "

/* The agreement is to the plan as it is: any change to it forgets both yeses (and the person's
 * no). `ready` is the caseworker's request and stays unless the plan goes back for changes. */
static int agreement_forget(store *s, long long plan)
{
	return run(s, "UPDATE plans SET person_agreed_at = NULL, person_agreed_visit = NULL, "
		      "person_disagreed_at = NULL, person_disagree_reason = '', "
		      "caseworker_agreed_at = NULL, caseworker_agreed_by = NULL WHERE id = ?",
		   "I", plan);
}

/* Moves the plan from `from` to `to` inside the open transaction: 0, 1 when it is not in
 * `from`, -1 on error. Going back for changes also forgets the agreement and the request for
 * it. */
static int move(store *s, long long plan, const char *from, const char *to)
{
	if (run(s, "UPDATE plans SET status = ?, updated_at = " NOW_TEXT
		   " WHERE id = ? AND status = ?",
		"TIT", to, plan, from))
		return -1;
	if (sqlite3_changes(s->db) != 1)
		return 1;
	if (strcmp(to, "changes_requested") == 0 &&
	    (agreement_forget(s, plan) || run(s, "UPDATE plans SET ready = 0 WHERE id = ?", "I", plan)))
		return -1;
	return 0;
}

static int plan_exists(store *s, long long plan)
{
	long long one;

	return query_int(s, &one, "SELECT 1 FROM plans WHERE id = ?", "I", plan);
}

/* Freezes the plan as it is now inside the open transaction, with its audit row; *n gets the
 * version's number. The snapshot is made by SQLite's JSON functions (json() around each
 * subquery keeps its result JSON rather than text). */
static int freeze(store *s, long long plan, const char *kind, actor_cols a, int *n)
{
	long long got = 0;

	if (run(s,
		"INSERT INTO versions (plan_id, n, kind, actor_kind, actor_id, role, snapshot) "
		"SELECT p.id, coalesce((SELECT max(n) FROM versions WHERE plan_id = ?1), 0) + 1, "
		"?2, ?3, ?4, ?5, json_object("
		"'person', p.person_name, 'status', p.status, 'budget_pence', p.budget_pence, "
		"'managing', p.managing, 'risks', p.risks, 'emergency_checked', p.emergency_checked, "
		"'answers', json((SELECT coalesce(json_group_array(json(x)), '[]') FROM ("
		"  SELECT json_object('page', page, 'item', item_id, 'field', field, 'value', value, "
		"  'visit', visit_id) AS x FROM answers WHERE plan_id = ?1 "
		"  ORDER BY page, item_id, field))), "
		"'needs', json((SELECT coalesce(json_group_array(json(x)), '[]') FROM ("
		"  SELECT json_object('id', id, 'text', text, 'eligible', eligible, 'how', how, "
		"  'direct_payment', direct_payment) AS x FROM needs WHERE plan_id = ?1 ORDER BY id))), "
		"'support', json((SELECT coalesce(json_group_array(json(x)), '[]') FROM ("
		"  SELECT json_object('id', id, 'what', what, 'cost_pence', cost_pence) AS x "
		"  FROM support WHERE plan_id = ?1 ORDER BY id)))) "
		"FROM plans p WHERE p.id = ?1",
		"ITTNT", plan, kind, a.kind, a.id, a.role) ||
	    sqlite3_changes(s->db) != 1 ||
	    query_int(s, &got, "SELECT max(n) FROM versions WHERE plan_id = ?", "I", plan) ||
	    run(s, AUDIT_INSERT "json_object('version', ?, 'kind', ?))", "TNTITIT", a.kind, a.id,
		a.role, plan, "version_frozen", got, kind))
		return -1;
	if (n)
		*n = (int)got;
	return 0;
}

int store_plan_invite(store *s, const unsigned char hash[STORE_HASH_BYTES], const char *person_name,
		      const store_invite_need *needs, size_t nneeds, long long budget_pence,
		      const char *managing, const store_actor *by, long long *id, char *err,
		      size_t errlen)
{
	actor_cols a = actor_of(by);
	long long plan = 0, eligible = 0;
	int ok = 0;

	if (write_begin(s, err, errlen))
		return -1;
	if (run(s, "INSERT INTO plans (code_hash, person_name, budget_pence, managing, invited_by) "
		   "VALUES (?, ?, ?, ?, ?)",
		"BTNTN", hash, person_name, budget_pence, managing, a.id)) {
		set_err(err, errlen, "making a plan", s->db);
		goto out;
	}
	plan = sqlite3_last_insert_rowid(s->db);
	for (size_t i = 0; i < nneeds; i++) {
		if (store_need_add(s, plan, needs[i].text, needs[i].eligible)) {
			set_err(err, errlen, "adding a need", s->db);
			goto out;
		}
		eligible += needs[i].eligible != 0;
	}
	if (run(s, AUDIT_INSERT "json_object('needs', ?, 'eligible', ?, 'budget_pence', ?))",
		"TNTITIIN", a.kind, a.id, a.role, plan, "plan_invited", (long long)nneeds, eligible,
		budget_pence)) {
		set_err(err, errlen, "auditing an invitation", s->db);
		goto out;
	}
	ok = 1;
out:
	if (write_end(s, ok, err, errlen))
		return -1;
	if (id)
		*id = plan;
	return 0;
}

int store_plan_set_code(store *s, long long plan, const unsigned char hash[STORE_HASH_BYTES],
			const store_actor *by, char *err, size_t errlen)
{
	actor_cols a = actor_of(by);
	int rc = -1;

	if (write_begin(s, err, errlen))
		return -1;
	if (run(s, "UPDATE plans SET code_hash = ? WHERE id = ?", "BI", hash, plan)) {
		set_err(err, errlen, "replacing a plan's code", s->db);
		goto out;
	}
	if (sqlite3_changes(s->db) == 0) {
		rc = 1;
		goto out;
	}
	if (run(s, AUDIT_INSERT "'{}')", "TNTIT", a.kind, a.id, a.role, plan, "code_replaced")) {
		set_err(err, errlen, "auditing a new code", s->db);
		goto out;
	}
	rc = 0;
out:
	if (write_end(s, rc == 0, err, errlen))
		return rc == 1 ? 1 : -1;
	return 0;
}

/* ---- reading a plan as staff see it ---- */

int store_plan_detail_get(store *s, long long plan, store_plan_detail_fn fn, void *ctx)
{
	sqlite3_stmt *st = prepare(
	    s, "SELECT p.id, p.status, p.person_name, coalesce(p.budget_pence, -1), p.managing, "
	       "p.created_at, p.updated_at, coalesce(p.submitted_at, ''), coalesce(iu.name, ''), "
	       "p.ready, coalesce(p.person_agreed_at, ''), coalesce(p.person_disagreed_at, ''), "
	       "p.person_disagree_reason, coalesce(p.caseworker_agreed_at, ''), "
	       "coalesce(cu.name, ''), coalesce(p.caseworker_agreed_by, -1), p.risks, "
	       "p.emergency_checked, coalesce(p.not_agreed_at, ''), coalesce(nu.name, ''), "
	       "p.not_agreed_reasons, p.not_agreed_safety, p.not_agreed_complaints, "
	       "coalesce(p.signed_off_at, ''), coalesce(su.name, ''), p.panel_decision, "
	       "p.panel_date FROM plans p "
	       "LEFT JOIN users iu ON iu.id = p.invited_by "
	       "LEFT JOIN users cu ON cu.id = p.caseworker_agreed_by "
	       "LEFT JOIN users nu ON nu.id = p.not_agreed_by "
	       "LEFT JOIN users su ON su.id = p.signed_off_by WHERE p.id = ?");
	store_plan_detail d;
	int rc = -1, step;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, plan);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		d = (store_plan_detail){
			.id = sqlite3_column_int64(st, 0),
			.status = col_text(st, 1),
			.person_name = col_text(st, 2),
			.budget_pence = sqlite3_column_int64(st, 3),
			.managing = col_text(st, 4),
			.created_at = col_text(st, 5),
			.updated_at = col_text(st, 6),
			.submitted_at = col_text(st, 7),
			.invited_by = col_text(st, 8),
			.ready = sqlite3_column_int(st, 9),
			.person_agreed_at = col_text(st, 10),
			.person_disagreed_at = col_text(st, 11),
			.person_disagree_reason = col_text(st, 12),
			.caseworker_agreed_at = col_text(st, 13),
			.caseworker_agreed_by = col_text(st, 14),
			.caseworker_agreed_by_id = sqlite3_column_int64(st, 15),
			.risks = col_text(st, 16),
			.emergency_checked = sqlite3_column_int(st, 17),
			.not_agreed_at = col_text(st, 18),
			.not_agreed_by = col_text(st, 19),
			.not_agreed_reasons = col_text(st, 20),
			.not_agreed_safety = col_text(st, 21),
			.not_agreed_complaints = sqlite3_column_int(st, 22),
			.signed_off_at = col_text(st, 23),
			.signed_off_by = col_text(st, 24),
			.panel_decision = col_text(st, 25),
			.panel_date = col_text(st, 26),
		};
		fn(ctx, &d);
		rc = 0;
	} else if (step == SQLITE_DONE) {
		rc = 1;
	}
	done(s, st);
	return rc;
}

int store_needs_each_full(store *s, long long plan, store_need_full_fn fn, void *ctx)
{
	sqlite3_stmt *st = prepare(s, "SELECT id, text, eligible, how, direct_payment FROM needs "
				      "WHERE plan_id = ? ORDER BY id");
	store_need n;
	int step;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, plan);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		n = (store_need){ sqlite3_column_int64(st, 0), col_text(st, 1),
				  sqlite3_column_int(st, 2), col_text(st, 3),
				  sqlite3_column_int(st, 4) };
		fn(ctx, &n);
	}
	done(s, st);
	return step == SQLITE_DONE ? 0 : -1;
}

int store_answers_each_with_visit(store *s, long long plan, store_answer_visit_fn fn, void *ctx)
{
	sqlite3_stmt *st = prepare(s, "SELECT page, item_id, field, value, coalesce(visit_id, 0) "
				      "FROM answers WHERE plan_id = ? ORDER BY page, item_id, field");
	int step = SQLITE_DONE, rc = 0;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, plan);
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW)
		rc = fn(ctx, col_text(st, 0), sqlite3_column_int64(st, 1), col_text(st, 2),
			col_text(st, 3), sqlite3_column_int64(st, 4));
	done(s, st);
	return rc == 0 && step == SQLITE_DONE ? 0 : -1;
}

int store_support_each(store *s, long long plan, store_support_fn fn, void *ctx)
{
	sqlite3_stmt *st =
	    prepare(s, "SELECT id, what, cost_pence FROM support WHERE plan_id = ? ORDER BY id");
	int step;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, plan);
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		fn(ctx, sqlite3_column_int64(st, 0), col_text(st, 1), sqlite3_column_int64(st, 2));
	done(s, st);
	return step == SQLITE_DONE ? 0 : -1;
}

int store_support_count(store *s, long long plan)
{
	long long n = -1;

	if (query_int(s, &n, "SELECT count(*) FROM support WHERE plan_id = ?", "I", plan))
		return -1;
	return (int)n;
}

static void read_flag(sqlite3_stmt *st, store_flag_row *f)
{
	*f = (store_flag_row){
		.plan = sqlite3_column_int64(st, 0),
		.person = col_text(st, 1),
		.kind = col_text(st, 2),
		.detail = col_text(st, 3),
		.raised = col_text(st, 4),
		.closed = col_text(st, 5),
		.closed_by = col_text(st, 6),
		.closed_note = col_text(st, 7),
	};
}

#define FLAG_COLUMNS                                                                               \
	"f.plan_id, p.person_name, f.kind, f.detail, f.raised_at, coalesce(f.closed_at, ''), "    \
	"coalesce(u.name, ''), f.closed_note FROM flags f JOIN plans p ON p.id = f.plan_id "      \
	"LEFT JOIN users u ON u.id = f.closed_by "

int store_flags_open_each(store *s, store_flag_fn fn, void *ctx)
{
	sqlite3_stmt *st = prepare(s, "SELECT " FLAG_COLUMNS "WHERE f.closed_at IS NULL ORDER BY "
				      "CASE f.kind WHEN 'safeguarding' THEN 0 WHEN 'advocacy' THEN 1 "
				      "ELSE 2 END, f.raised_at, f.id");
	store_flag_row f;
	int step;

	if (!st)
		return -1;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		read_flag(st, &f);
		fn(ctx, &f);
	}
	done(s, st);
	return step == SQLITE_DONE ? 0 : -1;
}

int store_flags_each(store *s, long long plan, store_flag_fn fn, void *ctx)
{
	sqlite3_stmt *st =
	    prepare(s, "SELECT " FLAG_COLUMNS "WHERE f.plan_id = ? ORDER BY f.raised_at, f.id");
	store_flag_row f;
	int step;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, plan);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		read_flag(st, &f);
		fn(ctx, &f);
	}
	done(s, st);
	return step == SQLITE_DONE ? 0 : -1;
}

int store_flag_close(store *s, long long plan, const char *kind, const char *note,
		     const store_actor *by, char *err, size_t errlen)
{
	actor_cols a = actor_of(by);
	int rc = -1;

	if (write_begin(s, err, errlen))
		return -1;
	if (run(s, "UPDATE flags SET closed_at = " NOW_TEXT ", closed_by = ?, closed_note = ? "
		   "WHERE plan_id = ? AND kind = ? AND closed_at IS NULL",
		"NTIT", a.id, note, plan, kind)) {
		set_err(err, errlen, "closing a flag", s->db);
		goto out;
	}
	if (sqlite3_changes(s->db) == 0) {
		rc = 1;
		goto out;
	}
	if (run(s, AUDIT_INSERT "json_object('kind', ?))", "TNTITT", a.kind, a.id, a.role, plan,
		"flag_closed", kind)) {
		set_err(err, errlen, "auditing a closed flag", s->db);
		goto out;
	}
	rc = 0;
out:
	if (write_end(s, rc == 0, err, errlen))
		return rc == 1 ? 1 : -1;
	return 0;
}

int store_caseload_each(store *s, store_caseload_fn fn, void *ctx)
{
	sqlite3_stmt *st = prepare(
	    s, "SELECT p.id, p.person_name, p.status, p.updated_at, coalesce(r.kind, ''), "
	       "coalesce(r.due, '') FROM plans p LEFT JOIN reviews r ON r.id = (SELECT id FROM "
	       "reviews WHERE plan_id = p.id AND state = 'open' ORDER BY due, id LIMIT 1) "
	       "ORDER BY p.updated_at DESC, p.id DESC");
	store_caseload_row row;
	int step;

	if (!st)
		return -1;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		row = (store_caseload_row){ sqlite3_column_int64(st, 0), col_text(st, 1),
					    col_text(st, 2), col_text(st, 3), col_text(st, 4),
					    col_text(st, 5) };
		fn(ctx, &row);
	}
	done(s, st);
	return step == SQLITE_DONE ? 0 : -1;
}

/* ---- the council's parts ---- */

/* One change to the council's parts, in its own transaction: the statement (bound by types and
 * the arguments), then the agreement forgotten and the audit row naming the field. 1 when the
 * statement changed nothing (no such plan, need or item). */
static int council_change(store *s, long long plan, const char *field, const store_actor *by,
			  char *err, size_t errlen, const char *sql, const char *types, ...)
{
	actor_cols a = actor_of(by);
	sqlite3_stmt *st;
	va_list ap;
	int rc = -1, step = SQLITE_ERROR;

	if (write_begin(s, err, errlen))
		return -1;
	st = prepare(s, sql);
	if (st) {
		va_start(ap, types);
		if (bind_all(st, types, ap) == 0)
			step = sqlite3_step(st);
		va_end(ap);
		done(s, st);
	}
	if (step != SQLITE_DONE) {
		set_err(err, errlen, "changing the council's parts", s->db);
		goto out;
	}
	if (sqlite3_changes(s->db) == 0) {
		rc = 1;
		goto out;
	}
	if (agreement_forget(s, plan) ||
	    run(s, "UPDATE plans SET updated_at = " NOW_TEXT " WHERE id = ?", "I", plan) ||
	    run(s, AUDIT_INSERT "json_object('field', ?))", "TNTITT", a.kind, a.id, a.role, plan,
		"council_changed", field)) {
		set_err(err, errlen, "auditing the council's parts", s->db);
		goto out;
	}
	rc = 0;
out:
	if (write_end(s, rc == 0, err, errlen))
		return rc == 1 ? 1 : -1;
	return 0;
}

int store_need_set_how(store *s, long long plan, long long need, const char *how,
		       const store_actor *by, char *err, size_t errlen)
{
	char field[48];

	snprintf(field, sizeof(field), "need/%lld/how", need);
	return council_change(s, plan, field, by, err, errlen,
			      "UPDATE needs SET how = ? WHERE id = ? AND plan_id = ?", "TII", how,
			      need, plan);
}

int store_need_set_direct_payment(store *s, long long plan, long long need, int yes,
				  const store_actor *by, char *err, size_t errlen)
{
	char field[48];

	snprintf(field, sizeof(field), "need/%lld/direct_payment", need);
	return council_change(s, plan, field, by, err, errlen,
			      "UPDATE needs SET direct_payment = ? WHERE id = ? AND plan_id = ?",
			      "III", (long long)(yes != 0), need, plan);
}

int store_plan_set_risks(store *s, long long plan, const char *risks, const store_actor *by,
			 char *err, size_t errlen)
{
	return council_change(s, plan, "risks", by, err, errlen,
			      "UPDATE plans SET risks = ? WHERE id = ?", "TI", risks, plan);
}

int store_plan_set_emergency_checked(store *s, long long plan, int yes, const store_actor *by,
				     char *err, size_t errlen)
{
	return council_change(s, plan, "emergency_checked", by, err, errlen,
			      "UPDATE plans SET emergency_checked = ? WHERE id = ?", "II",
			      (long long)(yes != 0), plan);
}

int store_support_add(store *s, long long plan, const char *what, long long cost_pence,
		      const store_actor *by, long long *id, char *err, size_t errlen)
{
	int rc = council_change(s, plan, "support/add", by, err, errlen,
				"INSERT INTO support (plan_id, what, cost_pence) SELECT id, ?, ? "
				"FROM plans WHERE id = ?",
				"TII", what, cost_pence, plan);

	/* The audit row came after the insert: the item is the newest of the plan's. */
	if (rc == 0 && id && query_int(s, id, "SELECT max(id) FROM support WHERE plan_id = ?", "I",
				       plan))
		return -1;
	return rc;
}

int store_support_set(store *s, long long plan, long long id, const char *what,
		      long long cost_pence, const store_actor *by, char *err, size_t errlen)
{
	char field[48];

	snprintf(field, sizeof(field), "support/%lld", id);
	return council_change(s, plan, field, by, err, errlen,
			      "UPDATE support SET what = ?, cost_pence = ? WHERE id = ? AND plan_id = ?",
			      "TIII", what, cost_pence, id, plan);
}

int store_support_remove(store *s, long long plan, long long id, const store_actor *by, char *err,
			 size_t errlen)
{
	char field[48];

	snprintf(field, sizeof(field), "support/%lld/remove", id);
	return council_change(s, plan, field, by, err, errlen,
			      "DELETE FROM support WHERE id = ? AND plan_id = ?", "II", id, plan);
}

/* ---- comments ---- */

int store_comment_add(store *s, long long plan, const char *section, const char *text,
		      const store_actor *by, long long *id, char *err, size_t errlen)
{
	actor_cols a = actor_of(by);
	long long cid = 0;
	int rc = -1;

	if (!by || by->kind != STORE_ACTOR_STAFF) {
		if (err)
			snprintf(err, errlen, "only staff write comments");
		return -1;
	}
	if (write_begin(s, err, errlen))
		return -1;
	if ((rc = plan_exists(s, plan)) != 0) {
		if (rc < 0)
			set_err(err, errlen, "finding a plan", s->db);
		goto out;
	}
	rc = -1;
	if (run(s, "INSERT INTO comments (plan_id, section, text, user_id) VALUES (?, ?, ?, ?)",
		"ITTI", plan, section, text, by->id)) {
		set_err(err, errlen, "adding a comment", s->db);
		goto out;
	}
	cid = sqlite3_last_insert_rowid(s->db);
	if (run(s, AUDIT_INSERT "json_object('comment', ?, 'section', ?))", "TNTITIT", a.kind, a.id,
		a.role, plan, "comment_added", cid, section)) {
		set_err(err, errlen, "auditing a comment", s->db);
		goto out;
	}
	rc = 0;
out:
	if (write_end(s, rc == 0, err, errlen))
		return rc == 1 ? 1 : -1;
	if (id)
		*id = cid;
	return 0;
}

int store_comments_each(store *s, long long plan, store_comment_fn fn, void *ctx)
{
	sqlite3_stmt *st = prepare(s, "SELECT c.id, c.section, c.text, coalesce(u.name, ''), c.at, "
				      "c.seen_at IS NOT NULL FROM comments c LEFT JOIN users u ON "
				      "u.id = c.user_id WHERE c.plan_id = ? ORDER BY c.id");
	store_comment c;
	int step;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, plan);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		c = (store_comment){ sqlite3_column_int64(st, 0), col_text(st, 1), col_text(st, 2),
				     col_text(st, 3), col_text(st, 4), sqlite3_column_int(st, 5) };
		fn(ctx, &c);
	}
	done(s, st);
	return step == SQLITE_DONE ? 0 : -1;
}

int store_comments_mark_seen(store *s, long long plan)
{
	actor_cols a = actor_of(&(store_actor){ STORE_ACTOR_PERSON, plan, NULL });
	long long n;
	int ok = 0;

	if (write_begin(s, NULL, 0))
		return -1;
	if (run(s, "UPDATE comments SET seen_at = " NOW_TEXT
		   " WHERE plan_id = ? AND seen_at IS NULL",
		"I", plan))
		goto out;
	n = sqlite3_changes(s->db);
	if (n > 0 && run(s, AUDIT_INSERT "json_object('comments', ?))", "TNTITI", a.kind, a.id,
			 a.role, plan, "comments_seen", n))
		goto out;
	ok = 1;
out:
	return write_end(s, ok, NULL, 0);
}

/* ---- agreement and the plan's statuses ---- */

int store_plan_agreement(store *s, long long plan, int *ready, int *person_agreed,
			 int *caseworker_agreed)
{
	sqlite3_stmt *st = prepare(s, "SELECT ready, person_agreed_at IS NOT NULL, "
				      "caseworker_agreed_at IS NOT NULL FROM plans WHERE id = ?");
	int rc = -1, step;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, plan);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		if (ready)
			*ready = sqlite3_column_int(st, 0);
		if (person_agreed)
			*person_agreed = sqlite3_column_int(st, 1);
		if (caseworker_agreed)
			*caseworker_agreed = sqlite3_column_int(st, 2);
		rc = 0;
	} else if (step == SQLITE_DONE) {
		rc = 1;
	}
	done(s, st);
	return rc;
}

int store_plan_set_ready(store *s, long long plan, const store_actor *by, char *err, size_t errlen)
{
	actor_cols a = actor_of(by);
	int rc = -1;

	if (write_begin(s, err, errlen))
		return -1;
	if (run(s, "UPDATE plans SET ready = 1, updated_at = " NOW_TEXT
		   " WHERE id = ? AND status = 'submitted' AND ready = 0",
		"I", plan)) {
		set_err(err, errlen, "asking for agreement", s->db);
		goto out;
	}
	if (sqlite3_changes(s->db) == 0) {
		rc = 1;
		goto out;
	}
	if (run(s, AUDIT_INSERT "'{}')", "TNTIT", a.kind, a.id, a.role, plan, "ready_to_agree")) {
		set_err(err, errlen, "auditing a request for agreement", s->db);
		goto out;
	}
	rc = 0;
out:
	if (write_end(s, rc == 0, err, errlen))
		return rc == 1 ? 1 : -1;
	return 0;
}

/* Inside the open transaction: when both have agreed to the submitted plan, makes it agreed
 * and freezes the version (*agreed 1); otherwise *agreed 0. */
static int agree_if_both(store *s, long long plan, actor_cols a, int *agreed)
{
	long long both = 0;
	int n, rc;

	*agreed = 0;
	if (query_int(s, &both, "SELECT person_agreed_at IS NOT NULL AND caseworker_agreed_at IS "
				"NOT NULL FROM plans WHERE id = ?",
		      "I", plan))
		return -1;
	if (!both)
		return 0;
	if ((rc = move(s, plan, "submitted", "agreed")) != 0)
		return rc;
	if (freeze(s, plan, "agreed", a, &n) ||
	    run(s, AUDIT_INSERT "json_object('from', 'submitted', 'to', 'agreed', 'version', ?))",
		"TNTITI", a.kind, a.id, a.role, plan, "agreed", (long long)n))
		return -1;
	*agreed = 1;
	return 0;
}

int store_plan_caseworker_agree(store *s, long long plan, const store_actor *by, int *agreed,
				char *err, size_t errlen)
{
	actor_cols a = actor_of(by);
	int rc = -1, both = 0;

	if (write_begin(s, err, errlen))
		return -1;
	if (run(s, "UPDATE plans SET caseworker_agreed_at = " NOW_TEXT ", caseworker_agreed_by = ?, "
		   "ready = 1, updated_at = " NOW_TEXT " WHERE id = ? AND status = 'submitted'",
		"NI", a.id, plan)) {
		set_err(err, errlen, "recording an agreement", s->db);
		goto out;
	}
	if (sqlite3_changes(s->db) == 0) {
		rc = 1;
		goto out;
	}
	if (run(s, AUDIT_INSERT "'{}')", "TNTIT", a.kind, a.id, a.role, plan,
		"caseworker_agreed") ||
	    agree_if_both(s, plan, a, &both)) {
		set_err(err, errlen, "recording an agreement", s->db);
		goto out;
	}
	rc = 0;
out:
	if (write_end(s, rc == 0, err, errlen))
		return rc == 1 ? 1 : -1;
	if (agreed)
		*agreed = both;
	return 0;
}

int store_plan_person_agree(store *s, long long plan, long long visit, int *agreed)
{
	actor_cols a = actor_of(&(store_actor){ STORE_ACTOR_PERSON, plan, NULL });
	int rc = -1, both = 0;

	if (write_begin(s, NULL, 0))
		return -1;
	if (run(s, "UPDATE plans SET person_agreed_at = " NOW_TEXT ", person_agreed_visit = ?, "
		   "person_disagreed_at = NULL, person_disagree_reason = '', updated_at = " NOW_TEXT
		   " WHERE id = ? AND status = 'submitted' AND ready = 1",
		"NI", visit > 0 ? visit : -1LL, plan))
		goto out;
	if (sqlite3_changes(s->db) == 0) {
		rc = 1;
		goto out;
	}
	if (run(s, AUDIT_INSERT "json_object('visit', ?))", "TNTITN", a.kind, a.id, a.role, plan,
		"person_agreed", visit > 0 ? visit : -1LL) ||
	    agree_if_both(s, plan, a, &both))
		goto out;
	rc = 0;
out:
	if (write_end(s, rc == 0, NULL, 0))
		return rc == 1 ? 1 : -1;
	if (agreed)
		*agreed = both;
	return 0;
}

int store_plan_person_disagree(store *s, long long plan, long long visit, const char *reason)
{
	actor_cols a = actor_of(&(store_actor){ STORE_ACTOR_PERSON, plan, NULL });
	int rc = -1;

	if (write_begin(s, NULL, 0))
		return -1;
	if (run(s, "UPDATE plans SET person_disagreed_at = " NOW_TEXT ", person_disagree_reason = ?, "
		   "person_agreed_at = NULL, person_agreed_visit = NULL, updated_at = " NOW_TEXT
		   " WHERE id = ? AND status = 'submitted' AND ready = 1",
		"TI", reason ? reason : "", plan))
		goto out;
	if (sqlite3_changes(s->db) == 0) {
		rc = 1;
		goto out;
	}
	if (run(s, AUDIT_INSERT "json_object('visit', ?))", "TNTITN", a.kind, a.id, a.role, plan,
		"person_disagreed", visit > 0 ? visit : -1LL))
		goto out;
	rc = 0;
out:
	if (write_end(s, rc == 0, NULL, 0))
		return rc == 1 ? 1 : -1;
	return 0;
}

int store_plan_send_back(store *s, long long plan, const char *from, const store_actor *by,
			 char *err, size_t errlen)
{
	actor_cols a = actor_of(by);
	int rc;

	if (write_begin(s, err, errlen))
		return -1;
	rc = move(s, plan, from, "changes_requested");
	if (rc == 0 && run(s, AUDIT_INSERT "json_object('from', ?, 'to', 'changes_requested'))",
			   "TNTITT", a.kind, a.id, a.role, plan, "sent_back", from))
		rc = -1;
	if (rc < 0)
		set_err(err, errlen, "sending a plan back", s->db);
	if (write_end(s, rc == 0, err, errlen))
		return rc == 1 ? 1 : -1;
	return 0;
}

int store_plan_not_agreed(store *s, long long plan, const char *from, const char *reasons,
			  const char *safety, const store_actor *by, char *err, size_t errlen)
{
	actor_cols a = actor_of(by);
	int rc;

	if (write_begin(s, err, errlen))
		return -1;
	rc = move(s, plan, from, "not_agreed");
	if (rc == 0 &&
	    (agreement_forget(s, plan) ||
	     run(s, "UPDATE plans SET ready = 0, not_agreed_at = " NOW_TEXT ", not_agreed_by = ?, "
		    "not_agreed_reasons = ?, not_agreed_safety = ?, not_agreed_complaints = 1 "
		    "WHERE id = ?",
		 "NTTI", a.id, reasons, safety, plan) ||
	     run(s, AUDIT_INSERT "json_object('from', ?, 'to', 'not_agreed', "
				 "'complaints_given', json('true')))",
		 "TNTITT", a.kind, a.id, a.role, plan, "not_agreed", from)))
		rc = -1;
	if (rc < 0)
		set_err(err, errlen, "recording that the plan is not agreed", s->db);
	if (write_end(s, rc == 0, err, errlen))
		return rc == 1 ? 1 : -1;
	return 0;
}

int store_plan_sign_off(store *s, long long plan, const char *panel_decision,
			const char *panel_date, const char *light_due, const char *full_due,
			const store_actor *by, int *version, char *err, size_t errlen)
{
	actor_cols a = actor_of(by);
	int rc, n = 0;

	if (write_begin(s, err, errlen))
		return -1;
	rc = move(s, plan, "agreed", "signed_off");
	if (rc == 0 &&
	    (run(s, "UPDATE plans SET signed_off_at = " NOW_TEXT ", signed_off_by = ?, "
		    "panel_decision = ?, panel_date = ? WHERE id = ?",
		 "NTTI", a.id, panel_decision ? panel_decision : "", panel_date ? panel_date : "",
		 plan) ||
	     run(s, "UPDATE reviews SET state = 'replaced' WHERE plan_id = ? AND state = 'open'", "I",
		 plan) ||
	     run(s, "INSERT INTO reviews (plan_id, kind, due) VALUES (?, 'light', ?), "
		    "(?, 'full', ?)",
		 "ITIT", plan, light_due, plan, full_due) ||
	     freeze(s, plan, "signed_off", a, &n) ||
	     run(s, AUDIT_INSERT "json_object('from', 'agreed', 'to', 'signed_off', 'version', ?, "
				 "'panel', json(?), 'panel_date', ?, 'light_review', ?, "
				 "'full_review', ?))",
		 "TNTITITTTT", a.kind, a.id, a.role, plan, "signed_off", (long long)n,
		 panel_decision ? "true" : "false", panel_date ? panel_date : "", light_due,
		 full_due)))
		rc = -1;
	if (rc < 0)
		set_err(err, errlen, "signing a plan off", s->db);
	if (write_end(s, rc == 0, err, errlen))
		return rc == 1 ? 1 : -1;
	if (version)
		*version = n;
	return 0;
}

/* ---- versions ---- */

int store_version_freeze(store *s, long long plan, const char *kind, const store_actor *by, int *n,
			 char *err, size_t errlen)
{
	int rc;

	if (write_begin(s, err, errlen))
		return -1;
	rc = plan_exists(s, plan);
	if (rc == 0 && freeze(s, plan, kind, actor_of(by), n))
		rc = -1;
	if (rc < 0)
		set_err(err, errlen, "freezing a version", s->db);
	if (write_end(s, rc == 0, err, errlen))
		return rc == 1 ? 1 : -1;
	return 0;
}

int store_versions_each(store *s, long long plan, store_version_fn fn, void *ctx)
{
	sqlite3_stmt *st = prepare(s, "SELECT v.n, v.kind, v.at, v.actor_kind, coalesce(u.name, ''), "
				      "v.role FROM versions v LEFT JOIN users u ON v.actor_kind = "
				      "'staff' AND u.id = v.actor_id WHERE v.plan_id = ? ORDER BY v.n");
	store_version v;
	int step;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, plan);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		v = (store_version){ sqlite3_column_int(st, 0), col_text(st, 1), col_text(st, 2),
				     col_text(st, 3), col_text(st, 4), col_text(st, 5) };
		fn(ctx, &v);
	}
	done(s, st);
	return step == SQLITE_DONE ? 0 : -1;
}

int store_version_snapshot(store *s, long long plan, int n, store_snapshot_fn fn, void *ctx)
{
	sqlite3_stmt *st = prepare(s, "SELECT snapshot FROM versions WHERE plan_id = ? AND n = ?");
	int rc = -1, step;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, plan);
	sqlite3_bind_int(st, 2, n);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		rc = fn(ctx, col_text(st, 0)) ? -1 : 0;
	} else if (step == SQLITE_DONE) {
		rc = 1;
	}
	done(s, st);
	return rc;
}

/* ---- reviews ---- */

int store_reviews_each(store *s, long long plan, store_review_fn fn, void *ctx)
{
	sqlite3_stmt *st = prepare(s, "SELECT r.id, r.kind, r.due, r.state, coalesce(r.done_at, ''), "
				      "coalesce(r.outcome, ''), r.answers, coalesce(u.name, '') "
				      "FROM reviews r LEFT JOIN users u ON u.id = r.done_by "
				      "WHERE r.plan_id = ? ORDER BY r.due, r.id");
	store_review r;
	int step;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, plan);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		r = (store_review){ sqlite3_column_int64(st, 0), col_text(st, 1), col_text(st, 2),
				    col_text(st, 3), col_text(st, 4), col_text(st, 5),
				    col_text(st, 6), col_text(st, 7) };
		fn(ctx, &r);
	}
	done(s, st);
	return step == SQLITE_DONE ? 0 : -1;
}

/* A signed-off plan whose review date has come, or whose person asked for a review. */
#define REVIEW_DUE_WHERE                                                                           \
	"status = 'signed_off' AND (EXISTS (SELECT 1 FROM reviews r WHERE r.plan_id = plans.id "  \
	"AND r.state = 'open' AND r.due <= ?) OR EXISTS (SELECT 1 FROM flags f WHERE "           \
	"f.plan_id = plans.id AND f.kind = 'review' AND f.closed_at IS NULL))"

int store_reviews_make_due(store *s, const char *today, int *moved, char *err, size_t errlen)
{
	long long n = 0;
	int ok = 0;

	*moved = 0;
	/* Reading the caseload calls this each time: write only when something is due. */
	if (query_int(s, &n, "SELECT count(*) FROM plans WHERE " REVIEW_DUE_WHERE, "T", today)) {
		set_err(err, errlen, "finding reviews that are due", s->db);
		return -1;
	}
	if (n == 0)
		return 0;
	if (write_begin(s, err, errlen))
		return -1;
	if (run(s, "INSERT INTO audit (actor_kind, role, plan_id, action, detail) SELECT 'system', "
		   "'', id, 'review_due', json_object('from', 'signed_off', 'to', 'review_due', "
		   "'reason', CASE WHEN EXISTS (SELECT 1 FROM flags f WHERE f.plan_id = plans.id "
		   "AND f.kind = 'review' AND f.closed_at IS NULL) THEN 'asked' ELSE 'date' END) "
		   "FROM plans WHERE " REVIEW_DUE_WHERE,
		"T", today) ||
	    run(s, "UPDATE plans SET status = 'review_due', updated_at = " NOW_TEXT
		   " WHERE " REVIEW_DUE_WHERE,
		"T", today)) {
		set_err(err, errlen, "making reviews due", s->db);
		goto out;
	}
	n = sqlite3_changes(s->db);
	ok = 1;
out:
	if (write_end(s, ok, err, errlen))
		return -1;
	*moved = (int)n;
	return 0;
}

int store_review_complete(store *s, long long plan, const char *from, const char *to,
			  const char *answers_json, const char *outcome, const char *today,
			  const char *next_full_due, const store_actor *by, char *err,
			  size_t errlen)
{
	actor_cols a = actor_of(by);
	long long review = 0, now_in = 0;
	int rc = -1, found;

	if (write_begin(s, err, errlen))
		return -1;
	if (strcmp(from, to) == 0) {
		found = query_int(s, &now_in, "SELECT 1 FROM plans WHERE id = ? AND status = ?", "IT",
				  plan, from);
		rc = found;
	} else {
		rc = move(s, plan, from, to);
	}
	if (rc != 0)
		goto out;
	rc = -1;
	/* The review done is the earliest one waiting; a review nobody scheduled (the person
	 * asked, or the caseworker saw the need) is recorded as a full one due today. */
	found = query_int(s, &review, "SELECT id FROM reviews WHERE plan_id = ? AND state = 'open' "
				      "ORDER BY due, id LIMIT 1",
			  "I", plan);
	if (found < 0 ||
	    (found == 1 && (run(s, "INSERT INTO reviews (plan_id, kind, due) VALUES (?, 'full', ?)",
				"IT", plan, today) ||
			    (review = sqlite3_last_insert_rowid(s->db)) == 0)))
		goto fail;
	if (run(s, "UPDATE reviews SET state = 'done', done_at = ?, done_by = ?, outcome = ?, "
		   "answers = json(?) WHERE id = ?",
		"TNTTI", today, a.id, outcome, answers_json, review) ||
	    run(s, "UPDATE reviews SET state = 'replaced' WHERE plan_id = ? AND state = 'open'", "I",
		plan) ||
	    (next_full_due && run(s, "INSERT INTO reviews (plan_id, kind, due) VALUES (?, 'full', ?)",
				  "IT", plan, next_full_due)) ||
	    run(s, "UPDATE flags SET closed_at = " NOW_TEXT ", closed_by = ?, closed_note = "
		   "'review done' WHERE plan_id = ? AND kind = 'review' AND closed_at IS NULL",
		"NI", a.id, plan) ||
	    run(s, AUDIT_INSERT "json_object('review', ?, 'outcome', ?, 'from', ?, 'to', ?, "
				"'next_review', ?))",
		"TNTITITTTT", a.kind, a.id, a.role, plan, "review_done", review, outcome, from, to,
		next_full_due))
		goto fail;
	rc = 0;
	goto out;
fail:
	set_err(err, errlen, "recording a review", s->db);
out:
	if (write_end(s, rc == 0, err, errlen))
		return rc == 1 ? 1 : -1;
	return 0;
}
