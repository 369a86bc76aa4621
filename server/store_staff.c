/* store_staff: staff accounts, login failures and sessions. */

#include "store_int.h"

#include "err.h"

#include <string.h>

/* ---- staff accounts ---- */

#define USER_COLUMNS "id, name, role, password_hash, disabled, created_ms"

static void read_user(sqlite3_stmt *st, store_user *out)
{
	out->id = sqlite3_column_int64(st, 0);
	db_copy_col(out->name, sizeof(out->name), st, 1);
	db_copy_col(out->role, sizeof(out->role), st, 2);
	db_copy_col(out->password_hash, sizeof(out->password_hash), st, 3);
	out->disabled = sqlite3_column_int(st, 4);
	out->created_ms = sqlite3_column_int64(st, 5);
}

static int one_user(void *ctx, sqlite3_stmt *st)
{
	read_user(st, ctx);
	return 1;
}

static int one_role(void *ctx, sqlite3_stmt *st)
{
	db_copy_col(ctx, 16, st, 0);
	return 1;
}

int store_user_find(store *s, const char *name, store_user *out)
{
	return db_row(s, one_user, out, "SELECT " USER_COLUMNS " FROM users WHERE name = ?", "T",
		      name);
}

int store_user_get(store *s, long long id, store_user *out)
{
	return db_row(s, one_user, out, "SELECT " USER_COLUMNS " FROM users WHERE id = ?", "I", id);
}

int store_user_add(store *s, const char *name, const char *role, const char *password_hash,
		   long long now_ms, const store_actor *by, long long *id, char *err, size_t errlen)
{
	long long uid = 0;
	int rc = -1, taken;

	if (store_write_begin(s, err, errlen))
		return -1;
	taken = db_query_int(s, &uid, "SELECT id FROM users WHERE name = ?", "T", name);
	if (taken == 0) {
		rc = 1;
		goto out;
	}
	if (taken < 0 || db_run(s,
				"INSERT INTO users (name, role, password_hash, created_ms) "
				"VALUES (?, ?, ?, ?)",
				"TTTI", name, role, password_hash, now_ms)) {
		db_err(err, errlen, "adding a user", s->db);
		goto out;
	}
	uid = sqlite3_last_insert_rowid(s->db);
	if (db_audit(s, by, -1, "user_added",
		     AUDIT_SQL("json_object('user_id', ?, 'name', ?, 'role', ?)"), "ITT", uid, name,
		     role)) {
		db_err(err, errlen, "auditing a new user", s->db);
		goto out;
	}
	rc = 0;
out:
	if ((rc = store_write_finish(s, rc, err, errlen)) == 0 && id)
		*id = uid;
	return rc;
}

int store_user_set_password(store *s, long long id, const char *password_hash,
			    const store_actor *by, char *err, size_t errlen)
{
	int rc = -1;

	if (store_write_begin(s, err, errlen))
		return -1;
	if (db_run(s, "UPDATE users SET password_hash = ? WHERE id = ?", "TI", password_hash, id)) {
		db_err(err, errlen, "changing a password", s->db);
		goto out;
	}
	if (sqlite3_changes(s->db) == 0) {
		rc = 1;
		goto out;
	}
	/* A new password is often given because the old one may be known: every session made
	 * with the old one ends with it. */
	if (db_run(s, "DELETE FROM staff_sessions WHERE user_id = ?", "I", id)) {
		db_err(err, errlen, "ending a user's sessions", s->db);
		goto out;
	}
	if (db_audit(s, by, -1, "password_set",
		     AUDIT_SQL("json_object('user_id', ?6, 'name', (SELECT name FROM users "
			       "WHERE id = ?6))"),
		     "I", id)) {
		db_err(err, errlen, "auditing a new password", s->db);
		goto out;
	}
	rc = 0;
out:
	return store_write_finish(s, rc, err, errlen);
}

int store_user_rehash(store *s, long long id, const char *password_hash)
{
	/* One statement: atomic on its own, in a batch or not. */
	return db_run(s, "UPDATE users SET password_hash = ? WHERE id = ?", "TI", password_hash,
		      id);
}

/* 0 when some enabled admin other than user id is left (or an error: -1); else 2, with err. */
static int keeps_an_admin(store *s, long long id, char *err, size_t errlen)
{
	long long others = 0;

	if (db_query_int(s, &others,
			 "SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0 "
			 "AND id <> ?",
			 "I", id)) {
		db_err(err, errlen, "counting administrators", s->db);
		return -1;
	}
	if (others > 0)
		return 0;
	err_set(err, errlen,
		"That would leave no administrator who can log in. Add another admin first.");
	return 2;
}

int store_user_set_disabled(store *s, long long id, int disabled, long long now_ms,
			    const store_actor *by, char *err, size_t errlen)
{
	long long was;
	char role[16] = "";
	int rc = -1, found, failed;

	if (store_write_begin(s, err, errlen))
		return -1;
	found = db_query_int(s, &was, "SELECT disabled FROM users WHERE id = ?", "I", id);
	if (found) {
		rc = found;
		if (found < 0)
			db_err(err, errlen, "finding a user", s->db);
		goto out;
	}
	if ((was != 0) == (disabled != 0)) {
		rc = 0;
		goto out;
	}
	if (disabled &&
	    (db_row(s, one_role, role, "SELECT role FROM users WHERE id = ?", "I", id) < 0 ||
	     (strcmp(role, "admin") == 0 && (rc = keeps_an_admin(s, id, err, errlen)) != 0))) {
		if (rc == 0)
			rc = -1;
		goto out;
	}
	if (disabled)
		failed = db_run(s, "UPDATE users SET disabled = 1, disabled_ms = ? WHERE id = ?",
				"II", now_ms, id) ||
			 db_run(s, "DELETE FROM staff_sessions WHERE user_id = ?", "I", id);
	else
		failed = db_run(s, "UPDATE users SET disabled = 0, disabled_ms = NULL WHERE id = ?",
				"I", id);
	if (failed) {
		db_err(err, errlen, "changing a user", s->db);
		goto out;
	}
	if (db_audit(s, by, -1, disabled ? "user_disabled" : "user_enabled",
		     AUDIT_SQL("json_object('user_id', ?6, 'name', (SELECT name FROM users "
			       "WHERE id = ?6))"),
		     "I", id)) {
		db_err(err, errlen, "auditing a change of user", s->db);
		goto out;
	}
	rc = 0;
out:
	return store_write_finish(s, rc, err, errlen);
}

int store_user_set_role(store *s, long long id, const char *role, const store_actor *by, char *err,
			size_t errlen)
{
	store_user was;
	int rc = -1, found;

	if (store_write_begin(s, err, errlen))
		return -1;
	/* The password hash is not needed here: it stays in the table. */
	found = db_row(s, one_user, &was,
		       "SELECT id, name, role, '', disabled, created_ms FROM users WHERE id = ?",
		       "I", id);
	if (found) {
		rc = found;
		if (found < 0)
			db_err(err, errlen, "finding a user", s->db);
		goto out;
	}
	if (strcmp(was.role, role) == 0) {
		rc = 0;
		goto out;
	}
	/* A disabled admin logs in nowhere: it may stop being one without a check. */
	if (strcmp(was.role, "admin") == 0 && !was.disabled &&
	    (rc = keeps_an_admin(s, id, err, errlen)) != 0)
		goto out;
	rc = -1;
	if (db_run(s, "UPDATE users SET role = ? WHERE id = ?", "TI", role, id)) {
		db_err(err, errlen, "changing a role", s->db);
		goto out;
	}
	if (db_audit(s, by, -1, "role_changed",
		     AUDIT_SQL("json_object('user_id', ?6, 'name', (SELECT name FROM users "
			       "WHERE id = ?6), 'from', ?7, 'to', ?8)"),
		     "ITT", id, was.role, role)) {
		db_err(err, errlen, "auditing a change of role", s->db);
		goto out;
	}
	rc = 0;
out:
	return store_write_finish(s, rc, err, errlen);
}

typedef struct users_each {
	store_user_fn fn;
	void *ctx;
} users_each;

static int each_user(void *ctx, sqlite3_stmt *st)
{
	users_each *e = ctx;
	store_user u;

	read_user(st, &u);
	e->fn(e->ctx, &u);
	return 0;
}

int store_users_each(store *s, store_user_fn fn, void *ctx)
{
	users_each e = {fn, ctx};

	return db_rows(s, each_user, &e, "SELECT " USER_COLUMNS " FROM users ORDER BY name, id",
		       "") < 0
		   ? -1
		   : 0;
}

/* ---- logins ---- */

int store_login_failed(store *s, const store_user *user, int failures, long long wait_ms, char *err,
		       size_t errlen)
{
	/* An unknown name is audited with no actor id: nobody is known to have tried. */
	store_actor who = {STORE_ACTOR_STAFF, user ? user->id : -1, user ? user->role : ""};
	int ok = 0;

	if (store_write_begin(s, err, errlen))
		return -1;
	if (db_audit(s, &who, -1, "login_failed",
		     AUDIT_SQL("json_object('name', ?, 'failures', ?, 'wait_s', ?)"), "TII",
		     user ? user->name : "unknown", (long long)failures, (wait_ms + 999) / 1000)) {
		db_err(err, errlen, "auditing a failed login", s->db);
		goto out;
	}
	ok = 1;
out:
	return store_write_end(s, ok, err, errlen);
}

int store_login_ok(store *s, const store_user *user,
		   const unsigned char token_hash[STORE_HASH_BYTES], long long now_ms, char *err,
		   size_t errlen)
{
	store_actor who = {STORE_ACTOR_STAFF, user->id, user->role};
	int ok = 0;

	if (store_write_begin(s, err, errlen))
		return -1;
	if (db_run(s, "DELETE FROM login_failures WHERE name = ?", "T", user->name) ||
	    db_run(s,
		   "INSERT INTO staff_sessions (token_hash, user_id, created_ms, seen_ms) "
		   "VALUES (?, ?, ?, ?)",
		   "BIII", token_hash, user->id, now_ms, now_ms)) {
		db_err(err, errlen, "starting a staff session", s->db);
		goto out;
	}
	if (db_audit(s, &who, -1, "login_ok", AUDIT_SQL("json_object('name', ?)"), "T",
		     user->name)) {
		db_err(err, errlen, "auditing a login", s->db);
		goto out;
	}
	ok = 1;
out:
	return store_write_end(s, ok, err, errlen);
}

/* ---- staff sessions ---- */

static int read_session(void *ctx, sqlite3_stmt *st)
{
	store_session *out = ctx;

	read_user(st, &out->user);
	out->created_ms = sqlite3_column_int64(st, 6);
	out->seen_ms = sqlite3_column_int64(st, 7);
	return 1;
}

int store_session_find(store *s, const unsigned char token_hash[STORE_HASH_BYTES],
		       store_session *out)
{
	/* The password hash is not needed to know who someone is: it stays in the table. */
	return db_row(s, read_session, out,
		      "SELECT u.id, u.name, u.role, '', u.disabled, u.created_ms, t.created_ms, "
		      "t.seen_ms FROM staff_sessions t JOIN users u ON u.id = t.user_id "
		      "WHERE t.token_hash = ?",
		      "B", token_hash);
}

int store_session_touch(store *s, const unsigned char token_hash[STORE_HASH_BYTES],
			long long now_ms)
{
	return db_run(s, "UPDATE staff_sessions SET seen_ms = ? WHERE token_hash = ?", "IB", now_ms,
		      token_hash);
}

int store_session_end(store *s, const unsigned char token_hash[STORE_HASH_BYTES],
		      const store_actor *by)
{
	int rc = -1;

	if (store_write_begin(s, NULL, 0))
		return -1;
	if (db_run(s, "DELETE FROM staff_sessions WHERE token_hash = ?", "B", token_hash))
		goto out;
	if (sqlite3_changes(s->db) == 0) {
		rc = 1;
		goto out;
	}
	if (by && db_audit(s, by, -1, "logout", AUDIT_SQL("'{}'"), ""))
		goto out;
	rc = 0;
out:
	return store_write_finish(s, rc, NULL, 0);
}

int store_staff_prune(store *s, long long seen_before_ms, long long created_before_ms,
		      long long failures_before_ms)
{
	int ok;

	if (store_write_begin(s, NULL, 0))
		return -1;
	ok = db_run(s, "DELETE FROM staff_sessions WHERE seen_ms < ? OR created_ms < ?", "II",
		    seen_before_ms, created_before_ms) == 0 &&
	     db_run(s, "DELETE FROM login_failures WHERE last_ms < ? AND locked_until_ms < ?", "II",
		    failures_before_ms, failures_before_ms) == 0;
	return store_write_end(s, ok, NULL, 0);
}
