/* test_backup: the store's side of backups (the online copy, a file checked read-only, the
 * record of backups, the secret key's id), the names of dated backups, and the data folder's
 * lock. The whole commands, with the real server, are in test_backup_server.c. */
#include "check.h"

#include "backup.h"
#include "code.h"
#include "datadir.h"
#include "store.h"

#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[64];

static void path_in(char *out, size_t n, const char *name)
{
	if (snprintf(out, n, "%s/%s", tmpdir, name) >= (int)n)
		out[0] = '\0';
}

/* A new empty file at path, as backup.c makes one before the copy. */
static int make_empty(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static void the_last_backup_should_be_the_newest_and_the_last_good_one_the_newest_good(void)
{
	store *s = store_open(":memory:", NULL, 0);
	store_backup_row r = {0}, good = {1000, 50, 4096, 1}, bad = {2000, 3, 0, 0};

	CHECK(s != NULL);
	if (!s)
		return;
	CHECK(store_last_backup(s, 0, &r) == 1);
	CHECK(store_last_backup(s, 1, &r) == 1);
	CHECK(store_backup_record(s, &good, NULL, 0) == 0);
	CHECK(store_backup_record(s, &bad, NULL, 0) == 0);
	CHECK(store_last_backup(s, 0, &r) == 0 && r.at_ms == 2000 && r.ok == 0 && r.bytes == 0);
	CHECK(store_last_backup(s, 1, &r) == 0 && r.at_ms == 1000 && r.ok == 1 && r.bytes == 4096 &&
	      r.took_ms == 50);
	store_close(s);
}

static void the_key_id_should_be_recorded_once_then_compared(void)
{
	store *s = store_open(":memory:", NULL, 0);
	unsigned char key[CODE_KEY_BYTES], other[CODE_KEY_BYTES], id[32], other_id[32];

	CHECK(s != NULL);
	if (!s)
		return;
	randombytes_buf(key, sizeof(key));
	randombytes_buf(other, sizeof(other));
	code_key_id(key, id);
	code_key_id(other, other_id);
	CHECK(memcmp(id, other_id, 32) != 0);
	CHECK(memcmp(id, key, 32) != 0); /* the id is not the key */
	CHECK(store_key_id_check(s, id, NULL, 0) == 0);
	CHECK(store_key_id_check(s, id, NULL, 0) == 0);
	CHECK(store_key_id_check(s, other_id, NULL, 0) == 1);
	CHECK(store_key_id_check(s, id, NULL, 0) == 0); /* the other was not recorded */
	store_close(s);
}

static void a_backup_should_hold_the_plans_and_check_sound(void)
{
	char path[128];
	unsigned char hash[STORE_HASH_BYTES] = {7}, id[32] = {9};
	store *s = store_open(":memory:", NULL, 0);
	store_health h;
	long long plan, bytes = 0;

	CHECK(s != NULL);
	if (!s)
		return;
	CHECK(store_plan_create(s, hash, "Sam", 1000, &plan, NULL, 0) == 0);
	CHECK(store_key_id_check(s, id, NULL, 0) == 0);
	path_in(path, sizeof(path), "copy.db");
	CHECK(make_empty(path) == 0);
	CHECK(store_backup_to(s, path, &bytes, NULL, 0) == 0 && bytes > 0);
	CHECK(store_check_file(path, &h, NULL, 0) == 0);
	CHECK(h.plan_aloud && h.integrity_ok && h.foreign_keys_ok && h.problem[0] == '\0');
	CHECK(h.plans == 1 && h.schema == h.schema_known && h.schema == store_schema_version(s));
	CHECK(h.has_key_id && memcmp(h.key_id, id, 32) == 0);
	/* a single file: nothing beside it to lose */
	{
		char wal[160];
		struct stat sb;

		snprintf(wal, sizeof(wal), "%s-wal", path);
		CHECK(stat(wal, &sb) != 0);
	}
	store_close(s);
}

static void a_backup_should_not_be_taken_inside_a_batch(void)
{
	char path[128], err[STORE_ERR_LEN] = "";
	store *s = store_open(":memory:", NULL, 0);

	CHECK(s != NULL);
	if (!s)
		return;
	path_in(path, sizeof(path), "batch.db");
	CHECK(make_empty(path) == 0);
	CHECK(store_request_begin(s, NULL, 0) == 0 && store_request_end(s) == 0);
	CHECK(store_backup_to(s, path, NULL, err, sizeof(err)) == -1 && err[0]);
	CHECK(store_commit(s, NULL, 0) == 0);
	store_close(s);
}

static void a_file_that_is_not_a_plan_aloud_database_should_be_told_apart(void)
{
	char text[128], other[128], err[STORE_ERR_LEN] = "";
	store_health h;
	sqlite3 *db;
	FILE *f;

	path_in(text, sizeof(text), "notes.db");
	f = fopen(text, "w");
	CHECK(f != NULL);
	if (f) {
		fputs("Not a database, but long enough to have a header's worth of bytes in it.\n",
		      f);
		fclose(f);
	}
	CHECK(store_check_file(text, &h, err, sizeof(err)) == -1 && err[0]);
	path_in(other, sizeof(other), "other.db");
	CHECK(sqlite3_open(other, &db) == SQLITE_OK);
	CHECK(sqlite3_exec(db, "CREATE TABLE photos (id INTEGER)", NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
	CHECK(store_check_file(other, &h, NULL, 0) == 0);
	CHECK(!h.plan_aloud && h.integrity_ok && h.problem[0] != '\0');
	path_in(other, sizeof(other), "missing.db");
	CHECK(store_check_file(other, &h, NULL, 0) == -1);
	CHECK(access(other, F_OK) != 0); /* a check makes nothing */
}

static void dated_backup_names_should_be_told_from_other_files(void)
{
	CHECK(backup_name_is_dated("planaloud-2026-12-07T023112.482Z.db"));
	CHECK(!backup_name_is_dated("planaloud-2026-12-07T023112.482Z.db.partial"));
	CHECK(!backup_name_is_dated("planaloud.db"));
	CHECK(!backup_name_is_dated("secret.key"));
	CHECK(!backup_name_is_dated("planaloud-2026-12-07T02311/.482Z.db"));
	CHECK(!backup_name_is_dated("my-planaloud-2026-12-07T023112.482Z.db"));
}

static void the_data_folder_lock_should_be_held_by_one_at_a_time(void)
{
	char dir[128];
	int a = -1, b = -1;

	path_in(dir, sizeof(dir), "data");
	CHECK(mkdir(dir, 0700) == 0);
	CHECK(datadir_lock(dir, &a, NULL, 0) == 0 && a >= 0);
	CHECK(datadir_lock(dir, &b, NULL, 0) == 1 && b == -1);
	datadir_unlock(a);
	CHECK(datadir_lock(dir, &b, NULL, 0) == 0 && b >= 0);
	datadir_unlock(b);
	path_in(dir, sizeof(dir), "no-such-folder");
	CHECK(datadir_lock(dir, &b, NULL, 0) == -1);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/planaloud-backup-unit-XXXXXX");
	if (!mkdtemp(tmpdir))
		return 1;
	RUN(the_last_backup_should_be_the_newest_and_the_last_good_one_the_newest_good);
	RUN(the_key_id_should_be_recorded_once_then_compared);
	RUN(a_backup_should_hold_the_plans_and_check_sound);
	RUN(a_backup_should_not_be_taken_inside_a_batch);
	RUN(a_file_that_is_not_a_plan_aloud_database_should_be_told_apart);
	RUN(dated_backup_names_should_be_told_from_other_files);
	RUN(the_data_folder_lock_should_be_held_by_one_at_a_time);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", tmpdir);
	}
	return check_report();
}
