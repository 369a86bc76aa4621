/* store_backup: the database copied whole while the server runs (SQLite's online backup API),
 * a database file checked without changing it, the record of backups taken, and the id of the
 * secret key the database belongs to. */

#include "store_int.h"

#include "err.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* Copies the database `from` holds into the empty SQLite file at path, as one snapshot, and
 * leaves it a single file (no -wal). *bytes (may be NULL) gets its size. */
static int copy_db(sqlite3 *from, const char *path, long long *bytes, char *err, size_t errlen)
{
	sqlite3 *dest = NULL;
	sqlite3_backup *b = NULL;
	struct stat sb;
	int rc = -1, step;

	if (sqlite3_open_v2(path, &dest, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		db_err(err, errlen, "opening the copy", dest);
		goto out;
	}
	sqlite3_busy_timeout(dest, 5000);
	b = sqlite3_backup_init(dest, "main", from, "main");
	if (!b) {
		db_err(err, errlen, "starting the copy", dest);
		goto out;
	}
	/* All pages in one step: one read transaction, so one snapshot. In WAL mode it holds no
	 * writer up; it only keeps a checkpoint from passing it until it ends. */
	step = sqlite3_backup_step(b, -1);
	if (sqlite3_backup_finish(b) != SQLITE_OK || step != SQLITE_DONE) {
		b = NULL;
		db_err(err, errlen, "copying the database", dest);
		goto out;
	}
	b = NULL;
	/* The copy is one file: no -wal beside it to lose on the way to another disk. */
	if (sqlite3_exec(dest, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL) != SQLITE_OK) {
		db_err(err, errlen, "finishing the copy", dest);
		goto out;
	}
	if (sqlite3_close(dest) != SQLITE_OK) {
		db_err(err, errlen, "closing the copy", dest);
		goto out;
	}
	dest = NULL;
	if (stat(path, &sb) != 0) {
		err_set(err, errlen, "the copy is gone");
		goto out;
	}
	if (bytes)
		*bytes = (long long)sb.st_size;
	rc = 0;
out:
	if (b)
		sqlite3_backup_finish(b);
	sqlite3_close(dest);
	return rc;
}

int store_backup_to(store *s, const char *path, long long *bytes, char *err, size_t errlen)
{
	if (s->in_batch)
		return err_set(err, errlen, "a backup cannot be taken inside a batch");
	return copy_db(s->db, path, bytes, err, errlen);
}

int store_copy_file(const char *from, const char *path, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	int rc = -1;

	if (sqlite3_open_v2(from, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		db_err(err, errlen, "opening it", db);
		goto out;
	}
	sqlite3_busy_timeout(db, 5000);
	rc = copy_db(db, path, NULL, err, errlen);
out:
	sqlite3_close(db);
	return rc;
}

int store_backup_record(store *s, const store_backup_row *row, char *err, size_t errlen)
{
	int rc;

	if (store_write_begin(s, err, errlen))
		return -1;
	rc = db_run(s, "INSERT INTO backups (at_ms, took_ms, bytes, ok) VALUES (?, ?, ?, ?)",
		    "IIII", row->at_ms, row->took_ms < 0 ? 0 : row->took_ms,
		    row->bytes < 0 ? 0 : row->bytes, (long long)(row->ok != 0));
	if (rc)
		db_err(err, errlen, "recording the backup", s->db);
	return store_write_finish(s, rc, err, errlen);
}

static int read_backup(void *ctx, sqlite3_stmt *st)
{
	store_backup_row *r = ctx;

	r->at_ms = sqlite3_column_int64(st, 0);
	r->took_ms = sqlite3_column_int64(st, 1);
	r->bytes = sqlite3_column_int64(st, 2);
	r->ok = sqlite3_column_int(st, 3);
	return 1;
}

int store_last_backup(store *s, int ok_only, store_backup_row *out)
{
	if (ok_only)
		return db_row(s, read_backup, out,
			      "SELECT at_ms, took_ms, bytes, ok FROM backups WHERE ok = 1 "
			      "ORDER BY at_ms DESC, id DESC LIMIT 1",
			      "");
	return db_row(s, read_backup, out,
		      "SELECT at_ms, took_ms, bytes, ok FROM backups ORDER BY at_ms DESC, id DESC "
		      "LIMIT 1",
		      "");
}

static int read_key_id(void *ctx, sqlite3_stmt *st)
{
	const void *blob = sqlite3_column_blob(st, 0);

	if (!blob || sqlite3_column_bytes(st, 0) != STORE_KEY_ID_BYTES)
		return -1;
	memcpy(ctx, blob, STORE_KEY_ID_BYTES);
	return 1;
}

int store_key_id_check(store *s, const unsigned char id[STORE_KEY_ID_BYTES], char *err,
		       size_t errlen)
{
	unsigned char have[STORE_KEY_ID_BYTES];
	int rc, found;

	if (store_write_begin(s, err, errlen))
		return -1;
	found = db_row(s, read_key_id, have, "SELECT id FROM key_id WHERE one = 1", "");
	if (found == 1)
		rc = db_run(s, "INSERT INTO key_id (one, id) VALUES (1, ?)", "B", id);
	else
		rc = found;
	if (rc)
		db_err(err, errlen, "reading the secret key's id", s->db);
	if (store_write_finish(s, rc, err, errlen))
		return -1;
	return found == 0 && memcmp(have, id, STORE_KEY_ID_BYTES) != 0 ? 1 : 0;
}

/* ---- a database file checked without changing it ---- */

static int one_int(sqlite3 *db, const char *sql, long long *out)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

/* PRAGMA integrity_check: 1 when it says "ok"; else 0 and its first line in problem. -1 when it
 * could not run (not a database). */
static int integrity(sqlite3 *db, char *problem, size_t n)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check(20)", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		const char *line = (const char *)sqlite3_column_text(st, 0);

		rc = line && strcmp(line, "ok") == 0;
		if (!rc)
			snprintf(problem, n, "it is damaged (%s)", line ? line : "no answer");
	}
	sqlite3_finalize(st);
	return rc;
}

/* PRAGMA foreign_key_check: 1 when every row's references hold; else 0 (problem says where). */
static int foreign_keys(sqlite3 *db, char *problem, size_t n)
{
	sqlite3_stmt *st = NULL;
	int rc = 0, step;

	if (sqlite3_prepare_v2(db, "PRAGMA foreign_key_check", -1, &st, NULL) != SQLITE_OK)
		return 0;
	step = sqlite3_step(st);
	if (step == SQLITE_DONE)
		rc = 1;
	else if (step == SQLITE_ROW)
		snprintf(problem, n, "a row of %s points to a row of %s that is not there",
			 (const char *)sqlite3_column_text(st, 0),
			 (const char *)sqlite3_column_text(st, 2));
	sqlite3_finalize(st);
	return rc;
}

/* The parts read after the file is known to be a Plan Aloud database. */
static void read_details(sqlite3 *db, store_health *h)
{
	sqlite3_stmt *st = NULL;
	long long v, tables = 0;

	if (one_int(db, "SELECT count(*) FROM plans", &v) == 0)
		h->plans = v;
	/* A database from before backups were recorded has neither table. */
	if (one_int(db, "SELECT count(*) FROM sqlite_master WHERE name IN ('key_id','backups')",
		    &tables) ||
	    tables != 2)
		return;
	if (sqlite3_prepare_v2(db, "SELECT id FROM key_id WHERE one = 1", -1, &st, NULL) ==
		SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == STORE_KEY_ID_BYTES) {
		memcpy(h->key_id, sqlite3_column_blob(st, 0), STORE_KEY_ID_BYTES);
		h->has_key_id = 1;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_prepare_v2(db,
			       "SELECT at_ms, took_ms, bytes, ok FROM backups WHERE ok = 1 "
			       "ORDER BY at_ms DESC, id DESC LIMIT 1",
			       -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		read_backup(&h->last_backup, st);
		h->has_backup = 1;
	}
	sqlite3_finalize(st);
}

int store_check_file(const char *path, store_health *out, char *err, size_t errlen)
{
	store_health h = {.schema_known = db_schema_target()};
	sqlite3 *db = NULL;
	long long v = 0;
	int rc = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		db_err(err, errlen, "opening it", db);
		goto out;
	}
	sqlite3_busy_timeout(db, 5000);
	/* The schema is read first: a file that is not a database fails here. */
	if (one_int(db, "SELECT count(*) FROM sqlite_master", &v) ||
	    one_int(db, "PRAGMA user_version", &v)) {
		err_set(err, errlen, "it is not a database (%s)", sqlite3_errmsg(db));
		goto out;
	}
	h.schema = (int)v;
	h.integrity_ok = integrity(db, h.problem, sizeof(h.problem)) == 1;
	if (one_int(db,
		    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
		    "('plans','answers','users','audit')",
		    &v) == 0)
		h.plan_aloud = v == 4 && h.schema >= 2;
	if (!h.plan_aloud && !h.problem[0])
		snprintf(h.problem, sizeof(h.problem), "it is not a Plan Aloud database");
	if (h.plan_aloud) {
		h.foreign_keys_ok = foreign_keys(db, h.problem + strlen(h.problem),
						 h.problem[0] ? 0 : sizeof(h.problem));
		read_details(db, &h);
	}
	if (h.plan_aloud && h.schema > h.schema_known && !h.problem[0])
		snprintf(h.problem, sizeof(h.problem),
			 "it is from a newer Plan Aloud (schema %d; this program knows %d)",
			 h.schema, h.schema_known);
	*out = h;
	rc = 0;
out:
	sqlite3_close(db);
	return rc;
}

int store_checkpoint_file(const char *path, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	int rc = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL) != SQLITE_OK) {
		db_err(err, errlen, "writing its log into it", db);
		goto out;
	}
	rc = 0;
out:
	sqlite3_close(db);
	return rc;
}
