#include "restore.h"

#include "backup.h"
#include "code.h"
#include "datadir.h"
#include "err.h"
#include "log.h"
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DB_NAME "planaloud.db"

/* The key that goes with the backup (see restore.h), into key and from (its file). */
static int find_key(const char *data, const char *src, const store_health *h,
		    unsigned char key[CODE_KEY_BYTES], char *from, restore_result *out, char *err,
		    size_t errlen)
{
	char folder[PATH_LEN], copy[PATH_LEN], places[2][PATH_LEN];
	unsigned char id[CODE_HASH_BYTES];

	snprintf(copy, sizeof(copy), "%s", src);
	snprintf(folder, sizeof(folder), "%s", dirname(copy));
	if (path_join(places[0], PATH_LEN, folder, BACKUP_KEY_NAME, err, errlen) ||
	    path_join(places[1], PATH_LEN, data, BACKUP_KEY_NAME, err, errlen))
		return -1;
	for (int i = 0; i < 2; i++) {
		int got = code_key_read(places[i], key, NULL, 0);

		if (got != 0)
			continue;
		code_key_id(key, id);
		if (h->has_key_id && memcmp(id, h->key_id, sizeof(id)) != 0)
			continue;
		out->key_unchecked = !h->has_key_id;
		memcpy(from, places[i], PATH_LEN);
		return 0;
	}
	sodium_memzero(key, CODE_KEY_BYTES);
	return err_set(err, errlen,
		       "the secret key this backup was made with is not beside it (%s) nor in "
		       "%s. Without it no plan code would open its plan. Put the secret.key that "
		       "was backed up with it beside the backup, then try again",
		       places[0], data);
}

/* Now as UTC "2026-12-07T195510Z", for the names of what is kept aside. */
static void stamp_now(char *out, size_t n)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%dT%H%M%SZ", &tm);
}

static int sync_folder(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* Renames from to to when from exists; never over a file already there (a restore a second
 * ago kept one under that name). 0, or -1 (err). */
static int move_if_there(const char *from, const char *to, char *err, size_t errlen)
{
	struct stat sb;

	if (lstat(to, &sb) == 0)
		return err_set(err, errlen, "%s is already there: try again in a second", to);
	if (rename(from, to) == 0 || errno == ENOENT)
		return 0;
	return err_set(err, errlen, "cannot move %s aside: %s", from, strerror(errno));
}

/* The data folder's database (with its -wal and -shm, its log first written into it) moved to
 * DB_NAME.before-restore-STAMP. out->aside names it; "" when there was none. */
static int set_aside(const char *data, const char *stamp, restore_result *out, char *err,
		     size_t errlen)
{
	static const char *const ends[] = {"-wal", "-shm", ""};
	char db[PATH_LEN], from[PATH_LEN + 8], to[PATH_LEN + 8], name[96];
	struct stat sb;

	snprintf(name, sizeof(name), DB_NAME ".before-restore-%s", stamp);
	if (path_join(db, sizeof(db), data, DB_NAME, err, errlen) ||
	    path_join(out->aside, sizeof(out->aside), data, name, err, errlen))
		return -1;
	if (stat(db, &sb) != 0) {
		out->aside[0] = '\0';
		return 0;
	}
	if (lstat(out->aside, &sb) == 0)
		return err_set(err, errlen, "%s is already there: try again in a second",
			       out->aside);
	store_checkpoint_file(db, NULL, 0); /* a damaged database is moved as it is */
	/* The logs first: a -wal left behind would be read into the restored database. */
	for (size_t i = 0; i < sizeof(ends) / sizeof(*ends); i++) {
		snprintf(from, sizeof(from), "%s%s", db, ends[i]);
		snprintf(to, sizeof(to), "%s%s", out->aside, ends[i]);
		if (move_if_there(from, to, err, errlen))
			return -1;
	}
	return 0;
}

/* The backup's key made the data folder's, the old one kept aside, when they differ. */
static int install_key(const char *data, const char *from, const unsigned char *key,
		       const char *stamp, restore_result *out, char *err, size_t errlen)
{
	char path[PATH_LEN], tmp[PATH_LEN], name[64];
	unsigned char now[CODE_KEY_BYTES];
	int got, fd;

	if (path_join(path, sizeof(path), data, BACKUP_KEY_NAME, err, errlen) ||
	    path_join(tmp, sizeof(tmp), data, BACKUP_KEY_NAME ".restoring", err, errlen))
		return -1;
	if (strcmp(from, path) == 0)
		return 0;
	got = code_key_read(path, now, NULL, 0);
	if (got == 0 && sodium_memcmp(now, key, CODE_KEY_BYTES) == 0)
		return 0;
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, key, CODE_KEY_BYTES) != CODE_KEY_BYTES || fsync(fd) != 0) {
		err_set(err, errlen, "cannot write the secret key %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		unlink(tmp);
		return -1;
	}
	close(fd);
	snprintf(name, sizeof(name), BACKUP_KEY_NAME ".before-restore-%s", stamp);
	if (got != 1 &&
	    (path_join(out->key_aside, sizeof(out->key_aside), data, name, err, errlen) ||
	     move_if_there(path, out->key_aside, err, errlen)))
		return -1;
	if (rename(tmp, path) != 0)
		return err_set(err, errlen, "cannot put the secret key in %s: %s", data,
			       strerror(errno));
	out->key_copied = 1;
	return 0;
}

/* The backup copied into the folder beside the database, and checked again there. */
static int copy_in(const char *src, const char *tmp, char *err, size_t errlen)
{
	char why[STORE_ERR_LEN];
	store_health h;
	int fd;

	unlink(tmp); /* left by a restore that stopped halfway: the folder is locked */
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_set(err, errlen, "cannot write in the data folder: %s", strerror(errno));
	close(fd);
	if (store_copy_file(src, tmp, why, sizeof(why)) ||
	    store_check_file(tmp, &h, why, sizeof(why)) || !h.integrity_ok) {
		unlink(tmp);
		return err_set(err, errlen, "copying the backup into the data folder failed: %s",
			       why);
	}
	fd = open(tmp, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) != 0) {
		if (fd >= 0)
			close(fd);
		unlink(tmp);
		return err_set(err, errlen, "cannot write in the data folder: %s", strerror(errno));
	}
	close(fd);
	return 0;
}

/* With the folder locked: the copy in, the old aside, the copy named, the key. */
static int put_back(const char *data, const char *src, const char *key_from,
		    const unsigned char *key, restore_result *out, char *err, size_t errlen)
{
	char db[PATH_LEN], tmp[PATH_LEN], stamp[32];

	stamp_now(stamp, sizeof(stamp));
	if (path_join(db, sizeof(db), data, DB_NAME, err, errlen) ||
	    path_join(tmp, sizeof(tmp), data, DB_NAME ".restoring", err, errlen) ||
	    copy_in(src, tmp, err, errlen))
		return -1;
	if (set_aside(data, stamp, out, err, errlen)) {
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, db) != 0) {
		err_set(err, errlen,
			"cannot put the backup in place: %s (the old database is "
			"kept as %s)",
			strerror(errno), out->aside);
		unlink(tmp);
		return -1;
	}
	if (install_key(data, key_from, key, stamp, out, err, errlen))
		return -1;
	sync_folder(data);
	return 0;
}

int restore_run(const char *data, const char *src, restore_result *out, char *err, size_t errlen)
{
	unsigned char key[CODE_KEY_BYTES];
	char key_from[PATH_LEN], why[STORE_ERR_LEN];
	store_health h;
	struct stat sb;
	int lock = -1, rc = -1, got;

	*out = (restore_result){0};
	if (stat(src, &sb) != 0 || !S_ISREG(sb.st_mode))
		return err_set(err, errlen, "%s is not a file that can be read", src);
	if (store_check_file(src, &h, why, sizeof(why)))
		return err_set(err, errlen, "%s cannot be restored: %s", src, why);
	if (!h.plan_aloud || !h.integrity_ok || !h.foreign_keys_ok || h.schema > h.schema_known)
		return err_set(err, errlen, "%s cannot be restored: %s", src, h.problem);
	if (find_key(data, src, &h, key, key_from, out, err, errlen) ||
	    datadir_check(data, NULL, err, errlen))
		goto out;
	got = datadir_lock(data, &lock, err, errlen);
	if (got) {
		if (got > 0)
			err_set(err, errlen,
				"a Plan Aloud server (or another restore) is using the data folder "
				"%s. Stop the server first (systemctl stop planaloud)",
				data);
		rc = got;
		goto out;
	}
	if (put_back(data, src, key_from, key, out, err, errlen))
		goto out;
	out->plans = h.plans;
	log_event(LOG_INFO, "restore-done", "plans=%lld key_copied=%d", h.plans, out->key_copied);
	rc = 0;
out:
	datadir_unlock(lock);
	sodium_memzero(key, sizeof(key));
	return rc;
}
