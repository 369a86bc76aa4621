/* store_migrate: the schema, as versioned migrations. */

#include "store_int.h"

#include "err.h"

#include <stdio.h>

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

    /* 4: resume tokens: a hash of each, never the token; the code sealed with the token. */
    "CREATE TABLE resume_tokens ("
    "  token_hash BLOB PRIMARY KEY CHECK (length(token_hash) = 32),"
    "  plan_id INTEGER NOT NULL REFERENCES plans(id),"
    "  visit_id INTEGER REFERENCES visits(id),"
    "  page TEXT NOT NULL,"
    "  code_box BLOB NOT NULL,"
    "  expires_ms INTEGER NOT NULL"
    ") WITHOUT ROWID;"
    "CREATE INDEX resume_tokens_expiry ON resume_tokens(expires_ms);",

    /* 5: the caseload a page at a time (store_caseload.c): plans by status and last change,
     * open flags by kind and age, waiting reviews by date; and how many plans are in each
     * status, kept by triggers so that counting them reads seven rows, not every plan (and
     * the open flags, in caseload_marks). */
    "CREATE INDEX IF NOT EXISTS plans_caseload ON plans(status, updated_at DESC, id DESC);"
    "CREATE INDEX IF NOT EXISTS flags_urgent ON flags(kind, raised_at, id)"
    "  WHERE closed_at IS NULL;"
    "CREATE INDEX IF NOT EXISTS reviews_due ON reviews(due) WHERE state = 'open';"
    "CREATE TABLE plan_counts ("
    "  status TEXT PRIMARY KEY,"
    "  n INTEGER NOT NULL"
    ") WITHOUT ROWID;"
    "INSERT INTO plan_counts (status, n) SELECT status, count(*) FROM plans GROUP BY status;"
    "CREATE TRIGGER plan_counts_insert AFTER INSERT ON plans BEGIN"
    "  INSERT INTO plan_counts (status, n) VALUES (NEW.status, 1)"
    "    ON CONFLICT (status) DO UPDATE SET n = n + 1;"
    "END;"
    "CREATE TRIGGER plan_counts_update AFTER UPDATE OF status ON plans"
    "  WHEN OLD.status IS NOT NEW.status BEGIN"
    "  UPDATE plan_counts SET n = n - 1 WHERE status = OLD.status;"
    "  INSERT INTO plan_counts (status, n) VALUES (NEW.status, 1)"
    "    ON CONFLICT (status) DO UPDATE SET n = n + 1;"
    "END;"
    "CREATE TRIGGER plan_counts_delete AFTER DELETE ON plans BEGIN"
    "  UPDATE plan_counts SET n = n - 1 WHERE status = OLD.status;"
    "END;"
    /* The reviews mark moves whenever a plan may have become due for review (a request, a
     * sign-off, a review scheduled): until it moves, or the day changes, the caseload need not
     * look for plans due again (store_reviews_due_each). */
    "CREATE TABLE caseload_marks ("
    "  name TEXT PRIMARY KEY,"
    "  n INTEGER NOT NULL"
    ") WITHOUT ROWID;"
    "INSERT INTO caseload_marks (name, n) VALUES ('reviews', 0);"
    "CREATE TRIGGER reviews_mark_request AFTER INSERT ON flags WHEN NEW.kind = 'review' BEGIN"
    "  UPDATE caseload_marks SET n = n + 1 WHERE name = 'reviews';"
    "END;"
    "CREATE TRIGGER reviews_mark_reopened AFTER UPDATE OF closed_at ON flags"
    "  WHEN NEW.kind = 'review' AND NEW.closed_at IS NULL BEGIN"
    "  UPDATE caseload_marks SET n = n + 1 WHERE name = 'reviews';"
    "END;"
    "CREATE TRIGGER reviews_mark_signed_off AFTER UPDATE OF status ON plans"
    "  WHEN NEW.status = 'signed_off' AND OLD.status IS NOT NEW.status BEGIN"
    "  UPDATE caseload_marks SET n = n + 1 WHERE name = 'reviews';"
    "END;"
    "CREATE TRIGGER reviews_mark_scheduled AFTER INSERT ON reviews BEGIN"
    "  UPDATE caseload_marks SET n = n + 1 WHERE name = 'reviews';"
    "END;"
    "CREATE TRIGGER reviews_mark_changed AFTER UPDATE OF state, due ON reviews"
    "  WHEN NEW.state = 'open' BEGIN"
    "  UPDATE caseload_marks SET n = n + 1 WHERE name = 'reviews';"
    "END;"
    /* How many flags are open, kept the same way (the urgent list's total). */
    "INSERT INTO caseload_marks (name, n)"
    "  SELECT 'open_flags', count(*) FROM flags WHERE closed_at IS NULL;"
    "CREATE TRIGGER open_flags_raised AFTER INSERT ON flags WHEN NEW.closed_at IS NULL BEGIN"
    "  UPDATE caseload_marks SET n = n + 1 WHERE name = 'open_flags';"
    "END;"
    "CREATE TRIGGER open_flags_closed AFTER UPDATE OF closed_at ON flags"
    "  WHEN (OLD.closed_at IS NULL) <> (NEW.closed_at IS NULL) BEGIN"
    "  UPDATE caseload_marks SET n = n + CASE WHEN NEW.closed_at IS NULL THEN 1 ELSE -1 END"
    "    WHERE name = 'open_flags';"
    "END;"
    "CREATE TRIGGER open_flags_removed AFTER DELETE ON flags WHEN OLD.closed_at IS NULL BEGIN"
    "  UPDATE caseload_marks SET n = n - 1 WHERE name = 'open_flags';"
    "END;",

    /* 6: enrolled kiosks (docs/staff.md): a label, the hash of the one-time enrolment link
     * (until it is used or expires) and of the device's own token, never the tokens. A revoked
     * kiosk keeps its row, without hashes, for the audit log's sake. */
    "CREATE TABLE kiosks ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  label TEXT NOT NULL CHECK (length(label) BETWEEN 1 AND 400),"
    "  link_hash BLOB UNIQUE CHECK (link_hash IS NULL OR length(link_hash) = 32),"
    "  link_expires_ms INTEGER,"
    "  device_hash BLOB UNIQUE CHECK (device_hash IS NULL OR length(device_hash) = 32),"
    "  created_ms INTEGER NOT NULL,"
    "  created_by INTEGER,"
    "  enrolled_ms INTEGER,"
    "  revoked_ms INTEGER"
    ");",

    /* 7: people's data over its whole life. An erasure leaves a tombstone (the plan's number,
     * when, who, and the kind of reason: never free text); the tombstone is permanent, needs the
     * plan to exist when it is written, and its number is never given to a new plan. Frozen
     * versions may now be deleted, but only for a plan with a tombstone: the erasure path and
     * nothing else. Staff reading a plan is audited once per user, plan and few minutes;
     * plan_reads counts the reads each such audit row stands for. */
    "CREATE TABLE erasures ("
    "  plan_id INTEGER PRIMARY KEY,"
    "  at_ms INTEGER NOT NULL,"
    "  actor_kind TEXT NOT NULL CHECK (actor_kind IN ('staff','system')),"
    "  actor_id INTEGER,"
    "  role TEXT NOT NULL DEFAULT '',"
    "  reason TEXT NOT NULL CHECK (reason IN ('person_asked','made_in_error',"
    "    'draft_expired','closed_expired'))"
    ");"
    "CREATE TRIGGER erasures_need_plan BEFORE INSERT ON erasures"
    "  WHEN NOT EXISTS (SELECT 1 FROM plans WHERE id = NEW.plan_id) BEGIN"
    "  SELECT RAISE(ABORT, 'only a plan that exists can be erased');"
    "END;"
    "CREATE TRIGGER erasures_no_replace BEFORE INSERT ON erasures"
    "  WHEN EXISTS (SELECT 1 FROM erasures WHERE plan_id = NEW.plan_id) BEGIN"
    "  SELECT RAISE(ABORT, 'an erasure is recorded once');"
    "END;"
    "CREATE TRIGGER erasures_no_update BEFORE UPDATE ON erasures BEGIN"
    "  SELECT RAISE(ABORT, 'an erasure record cannot be changed');"
    "END;"
    "CREATE TRIGGER erasures_no_delete BEFORE DELETE ON erasures BEGIN"
    "  SELECT RAISE(ABORT, 'an erasure record cannot be deleted');"
    "END;"
    "CREATE TRIGGER plans_no_reuse AFTER INSERT ON plans"
    "  WHEN EXISTS (SELECT 1 FROM erasures WHERE plan_id = NEW.id) BEGIN"
    "  SELECT RAISE(ABORT, 'an erased plan number is never used again');"
    "END;"
    "DROP TRIGGER versions_no_delete;"
    "CREATE TRIGGER versions_no_delete BEFORE DELETE ON versions"
    "  WHEN NOT EXISTS (SELECT 1 FROM erasures WHERE plan_id = OLD.plan_id) BEGIN"
    "  SELECT RAISE(ABORT, 'versions are frozen: they cannot be deleted');"
    "END;"
    "CREATE TABLE plan_reads ("
    "  audit_id INTEGER PRIMARY KEY,"
    "  user_id INTEGER NOT NULL,"
    "  plan_id INTEGER NOT NULL,"
    "  started_ms INTEGER NOT NULL,"
    "  last_ms INTEGER NOT NULL,"
    "  plan_n INTEGER NOT NULL DEFAULT 0,"
    "  versions_n INTEGER NOT NULL DEFAULT 0,"
    "  diff_n INTEGER NOT NULL DEFAULT 0"
    ");"
    "CREATE INDEX plan_reads_who ON plan_reads(user_id, plan_id, started_ms);"
    /* An erasure and the retention schedule find a plan's rows in these by its number; and
     * deleting a visit makes SQLite look for answers and flags that point to it (the foreign
     * key), a scan of every answer without an index: 122 ms a turn of 20 erasures among 2,000
     * plans, 36 ms with (docs/performance.md). */
    "CREATE INDEX flags_plan ON flags(plan_id);"
    "CREATE INDEX reviews_plan ON reviews(plan_id);"
    "CREATE INDEX resume_tokens_plan ON resume_tokens(plan_id);"
    "CREATE INDEX answers_visit ON answers(visit_id);"
    "CREATE INDEX flags_visit ON flags(visit_id);",

    /* 8: backups. Each backup taken (`planaloud backup`), good or failed, so that its age can
     * be shown; and the id of the secret key the plan codes are hashed with (a keyed hash of a
     * fixed text: it tells keys apart and gives nothing of the key), so that a database restored
     * beside the wrong key is noticed rather than every code silently failing. */
    "CREATE TABLE backups ("
    "  id INTEGER PRIMARY KEY,"
    "  at_ms INTEGER NOT NULL,"
    "  took_ms INTEGER NOT NULL CHECK (took_ms >= 0),"
    "  bytes INTEGER NOT NULL CHECK (bytes >= 0),"
    "  ok INTEGER NOT NULL CHECK (ok IN (0,1))"
    ");"
    "CREATE INDEX backups_ok ON backups(ok, at_ms);"
    "CREATE TABLE key_id ("
    "  one INTEGER PRIMARY KEY CHECK (one = 1),"
    "  id BLOB NOT NULL CHECK (length(id) = 32)"
    ");",

    /* 9: the alerts outbox (store_alerts.c): one row per flag and way of telling the duty team
     * (email, webhook), written in the same transaction as the flag and kept until delivered.
     * It names the kind and the plan's number, never the person. No foreign key: an erased plan
     * leaves its number, and an alert about it is still owed. */
    "CREATE TABLE alerts ("
    "  id INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL CHECK (kind IN ('safeguarding','advocacy','review')),"
    "  channel TEXT NOT NULL CHECK (channel IN ('email','webhook')),"
    "  plan_id INTEGER NOT NULL,"
    "  created_ms INTEGER NOT NULL,"
    "  tries INTEGER NOT NULL DEFAULT 0,"
    "  next_ms INTEGER NOT NULL,"
    "  last_error TEXT NOT NULL DEFAULT '',"
    "  sent_ms INTEGER"
    ");"
    "CREATE INDEX alerts_due ON alerts(next_ms) WHERE sent_ms IS NULL;",

    /* 10: the admin's audit log of the service (logins, accounts, kiosks: the rows about no
     * plan), read newest first a page at a time without passing every plan's rows. */
    "CREATE INDEX IF NOT EXISTS audit_service ON audit(id) WHERE plan_id IS NULL;",

    /* 11: the language the person reads their plan in (easyread/<lang>/): coming back with the
     * code opens it in that language, and staff see which it is. NULL: none kept (English). */
    "ALTER TABLE plans ADD COLUMN lang TEXT;",
};

int db_schema_target(void)
{
	return (int)(sizeof(migrations) / sizeof(*migrations));
}

int db_migrate(store *s, char *err, size_t errlen)
{
	int version = store_schema_version(s);
	int target = (int)(sizeof(migrations) / sizeof(*migrations));
	char sql[64];

	if (version < 0) {
		db_err(err, errlen, "reading the schema version", s->db);
		return -1;
	}
	if (version > target) {
		return err_set(err, errlen,
			       "the database is from a newer Plan Aloud (schema %d, this is %d)",
			       version, target);
	}
	for (int v = version; v < target; v++) {
		if (db_step_once(s, "BEGIN IMMEDIATE", err, errlen))
			return -1;
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
		if (db_exec(s, migrations[v], err, errlen) || db_exec(s, sql, err, errlen)) {
			db_exec(s, "ROLLBACK", NULL, 0);
			return -1;
		}
		if (db_step_once(s, "COMMIT", err, errlen))
			return -1;
	}
	return 0;
}
