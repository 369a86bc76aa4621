/* store_resume: resume tokens, so that a dropped connection or a restarted server takes the
 * person back to their page without their code. Only a hash of each token is kept, with the plan,
 * the visit, the page, the plan's code sealed with a key only the token gives (docs/security.md),
 * and when it stops working. */
#include "store_int.h"

#include <string.h>

int store_resume_add(store *s, const store_resume *r)
{
	sqlite3_stmt *st =
	    db_prepare(s, "INSERT INTO resume_tokens (token_hash, plan_id, visit_id, "
			  "page, code_box, expires_ms) VALUES (?, ?, ?, ?, ?, ?)");
	int rc = -1;

	if (!st)
		return -1;
	if (sqlite3_bind_blob(st, 1, r->hash, STORE_HASH_BYTES, SQLITE_TRANSIENT) == SQLITE_OK &&
	    sqlite3_bind_int64(st, 2, r->plan) == SQLITE_OK &&
	    sqlite3_bind_int64(st, 3, r->visit) == SQLITE_OK &&
	    sqlite3_bind_text(st, 4, r->page, -1, SQLITE_TRANSIENT) == SQLITE_OK &&
	    sqlite3_bind_blob(st, 5, r->box, STORE_RESUME_BOX, SQLITE_TRANSIENT) == SQLITE_OK &&
	    sqlite3_bind_int64(st, 6, r->expires_ms) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_DONE)
		rc = 0;
	db_done(s, st);
	return rc;
}

static int read_resume(void *ctx, sqlite3_stmt *st)
{
	store_resume *r = ctx;

	r->plan = sqlite3_column_int64(st, 0);
	r->visit = sqlite3_column_int64(st, 1);
	db_copy_col(r->page, sizeof(r->page), st, 2);
	if (sqlite3_column_bytes(st, 3) != STORE_RESUME_BOX)
		return -1;
	memcpy(r->box, sqlite3_column_blob(st, 3), STORE_RESUME_BOX);
	r->expires_ms = sqlite3_column_int64(st, 4);
	return 1;
}

int store_resume_take(store *s, const unsigned char hash[STORE_HASH_BYTES], long long now_ms,
		      store_resume *out)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if (db_run(s, "DELETE FROM resume_tokens WHERE expires_ms <= ?", "I", now_ms))
		return -1;
	rc = db_row(s, read_resume, out,
		    "SELECT plan_id, visit_id, page, code_box, expires_ms FROM resume_tokens "
		    "WHERE token_hash = ?",
		    "B", hash);
	if (rc != 0)
		return rc;
	memcpy(out->hash, hash, STORE_HASH_BYTES);
	return store_resume_revoke(s, hash);
}

int store_resume_touch(store *s, const unsigned char hash[STORE_HASH_BYTES], const char *page,
		       long long expires_ms)
{
	return db_run(s, "UPDATE resume_tokens SET page = ?, expires_ms = ? WHERE token_hash = ?",
		      "TIB", page, expires_ms, hash);
}

int store_resume_revoke(store *s, const unsigned char hash[STORE_HASH_BYTES])
{
	return db_run(s, "DELETE FROM resume_tokens WHERE token_hash = ?", "B", hash);
}
