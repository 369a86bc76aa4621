/* store_devices: enrolled kiosks, by the hashes of their enrolment links and device tokens. */

#include "store_int.h"

int store_kiosk_add(store *s, const char *label, const unsigned char link_hash[STORE_HASH_BYTES],
		    long long link_expires_ms, long long now_ms, const store_actor *by,
		    long long *id, char *err, size_t errlen)
{
	long long kid = 0;
	int rc = -1;

	if (store_write_begin(s, err, errlen))
		return -1;
	if (db_run(s,
		   "INSERT INTO kiosks (label, link_hash, link_expires_ms, created_ms, created_by) "
		   "VALUES (?, ?, ?, ?, ?)",
		   "TBIIN", label, link_hash, link_expires_ms, now_ms,
		   by && by->kind == STORE_ACTOR_STAFF ? by->id : -1LL)) {
		db_err(err, errlen, "adding a kiosk", s->db);
		goto out;
	}
	kid = sqlite3_last_insert_rowid(s->db);
	if (db_audit(s, by, -1, "kiosk_added", AUDIT_SQL("json_object('kiosk_id', ?, 'label', ?)"),
		     "IT", kid, label)) {
		db_err(err, errlen, "auditing a new kiosk", s->db);
		goto out;
	}
	rc = 0;
out:
	if ((rc = store_write_finish(s, rc, err, errlen)) == 0 && id)
		*id = kid;
	return rc;
}

int store_kiosk_enrol(store *s, const unsigned char link_hash[STORE_HASH_BYTES],
		      const unsigned char device_hash[STORE_HASH_BYTES], long long now_ms,
		      long long *id, char *err, size_t errlen)
{
	long long kid = 0;
	int rc = -1, found;

	if (store_write_begin(s, err, errlen))
		return -1;
	found = db_query_int(s, &kid,
			     "SELECT id FROM kiosks WHERE link_hash = ? AND link_expires_ms > ? "
			     "AND revoked_ms IS NULL",
			     "BI", link_hash, now_ms);
	if (found) {
		rc = found;
		if (found < 0)
			db_err(err, errlen, "finding a kiosk's link", s->db);
		goto out;
	}
	if (db_run(s,
		   "UPDATE kiosks SET link_hash = NULL, link_expires_ms = NULL, device_hash = ?, "
		   "enrolled_ms = ? WHERE id = ?",
		   "BII", device_hash, now_ms, kid) ||
	    db_audit(s, NULL, -1, "kiosk_enrolled",
		     AUDIT_SQL("json_object('kiosk_id', ?6, 'label', (SELECT label FROM kiosks "
			       "WHERE id = ?6))"),
		     "I", kid)) {
		db_err(err, errlen, "enrolling a kiosk", s->db);
		goto out;
	}
	rc = 0;
out:
	if ((rc = store_write_finish(s, rc, err, errlen)) == 0 && id)
		*id = kid;
	return rc;
}

int store_kiosk_find(store *s, const unsigned char device_hash[STORE_HASH_BYTES], long long *id)
{
	return db_query_int(s, id,
			    "SELECT id FROM kiosks WHERE device_hash = ? AND revoked_ms IS NULL",
			    "B", device_hash);
}

int store_kiosk_revoke(store *s, long long id, long long now_ms, const store_actor *by, char *err,
		       size_t errlen)
{
	int rc = -1;

	if (store_write_begin(s, err, errlen))
		return -1;
	if (db_run(s,
		   "UPDATE kiosks SET revoked_ms = ?, device_hash = NULL, link_hash = NULL, "
		   "link_expires_ms = NULL WHERE id = ? AND revoked_ms IS NULL",
		   "II", now_ms, id)) {
		db_err(err, errlen, "revoking a kiosk", s->db);
		goto out;
	}
	if (sqlite3_changes(s->db) == 0) {
		rc = 1;
		goto out;
	}
	if (db_audit(s, by, -1, "kiosk_revoked",
		     AUDIT_SQL("json_object('kiosk_id', ?6, 'label', (SELECT label FROM kiosks "
			       "WHERE id = ?6))"),
		     "I", id)) {
		db_err(err, errlen, "auditing a revoked kiosk", s->db);
		goto out;
	}
	rc = 0;
out:
	return store_write_finish(s, rc, err, errlen);
}

typedef struct kiosk_rows {
	store_kiosk_fn fn;
	void *ctx;
} kiosk_rows;

static long long col_or_none(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, col);
}

static int kiosk_row(void *ctx, sqlite3_stmt *st)
{
	kiosk_rows *r = ctx;
	store_kiosk k = {
	    .id = sqlite3_column_int64(st, 0),
	    .label = db_col_text(st, 1),
	    .created_ms = sqlite3_column_int64(st, 2),
	    .link_expires_ms = col_or_none(st, 3),
	    .enrolled_ms = col_or_none(st, 4),
	    .revoked_ms = col_or_none(st, 5),
	};

	r->fn(r->ctx, &k);
	return 0;
}

int store_kiosks_each(store *s, store_kiosk_fn fn, void *ctx)
{
	kiosk_rows r = {fn, ctx};

	return db_rows(s, kiosk_row, &r,
		       "SELECT id, label, created_ms, link_expires_ms, enrolled_ms, revoked_ms "
		       "FROM kiosks ORDER BY id DESC",
		       "");
}
