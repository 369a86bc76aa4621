#include "backup.h"

#include "code.h"
#include "err.h"
#include "log.h"
#include "store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DATED_PREFIX "planaloud-"
#define DATED_SUFFIX ".db"
#define DATED_LEN    (sizeof(DATED_PREFIX "2026-12-07T195510.123Z" DATED_SUFFIX) - 1)
#define MAX_DATED    4096 /* backups one folder may hold for keep N to sort */

static long long wall_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static long long mono_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int backup_name_is_dated(const char *name)
{
	size_t n = strlen(name);

	if (n != DATED_LEN || strncmp(name, DATED_PREFIX, sizeof(DATED_PREFIX) - 1) != 0 ||
	    strcmp(name + n - (sizeof(DATED_SUFFIX) - 1), DATED_SUFFIX) != 0)
		return 0;
	for (size_t i = sizeof(DATED_PREFIX) - 1; i < n - (sizeof(DATED_SUFFIX) - 1); i++)
		if (!strchr("0123456789-T.Z", name[i]))
			return 0;
	return 1;
}

/* Makes sure the data lands on the disk: the file's bytes, or a folder's entries. */
static int sync_path(const char *path, int folder)
{
	int fd = open(path, (folder ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC), rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* The folder part of path (no trailing slash) into out. */
static int folder_of(const char *path, char *out, size_t n, char *err, size_t errlen)
{
	char copy[PATH_LEN];

	if (snprintf(copy, sizeof(copy), "%s", path) >= (int)sizeof(copy) ||
	    snprintf(out, n, "%s", dirname(copy)) >= (int)n)
		return err_set(err, errlen, "the path %s is too long", path);
	return 0;
}

/* Where the backup goes: the final path and the folder that holds it. A folder destination is
 * made (0700) when missing and must be private. */
static int place(const char *dest, int keep, long long at, char *path, char *folder, char *err,
		 size_t errlen)
{
	struct stat sb;
	size_t len = strlen(dest);
	int is_folder = keep > 0 || (len && dest[len - 1] == '/') ||
			(stat(dest, &sb) == 0 && S_ISDIR(sb.st_mode));
	char name[64], stamp[32];
	time_t t = (time_t)(at / 1000);
	struct tm tm;

	if (!is_folder) {
		if (folder_of(dest, folder, PATH_LEN, err, errlen) ||
		    snprintf(path, PATH_LEN, "%s", dest) >= PATH_LEN)
			return err_set(err, errlen, "the path %s is too long", dest);
		int found = stat(folder, &sb) == 0;

		if (!found || !S_ISDIR(sb.st_mode))
			return err_set(err, errlen, "cannot write the backup %s: %s is %s", dest,
				       folder, found ? "not a folder" : "not there");
		return 0;
	}
	if (mkdir(dest, 0700) != 0 && errno != EEXIST)
		return err_set(err, errlen, "cannot make the backup folder %s: %s", dest,
			       strerror(errno));
	if (stat(dest, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return err_set(err, errlen, "%s is not a folder", dest);
	if (sb.st_mode & (S_IRWXG | S_IRWXO))
		return err_set(
		    err, errlen,
		    "other users can open the backup folder %s (mode %03o). Backups "
		    "hold people's plans: make it the server's user's alone, chmod 700 %s",
		    dest, (unsigned)(sb.st_mode & 0777), dest);
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H%M%S", &tm);
	snprintf(name, sizeof(name), DATED_PREFIX "%s.%03dZ" DATED_SUFFIX, stamp, (int)(at % 1000));
	if (snprintf(folder, PATH_LEN, "%s", dest) >= PATH_LEN)
		return err_set(err, errlen, "the path %s is too long", dest);
	while (len > 1 && folder[len - 1] == '/')
		folder[--len] = '\0';
	return path_join(path, PATH_LEN, folder, name, err, errlen);
}

/* The data folder's key and its id: 0; 1 when there is no key (a database never served). */
static int data_key(const char *data, unsigned char key[CODE_KEY_BYTES],
		    unsigned char id[STORE_KEY_ID_BYTES], char *err, size_t errlen)
{
	char path[PATH_LEN];
	int got;

	if (path_join(path, sizeof(path), data, BACKUP_KEY_NAME, err, errlen))
		return -1;
	got = code_key_read(path, key, err, errlen);
	if (got == 0)
		code_key_id(key, id);
	return got;
}

/* The key beside the backups in folder: written (0600, synced) when missing; when there, it must
 * be this key. */
static int key_beside(const char *folder, const unsigned char key[CODE_KEY_BYTES],
		      backup_result *out, char *err, size_t errlen)
{
	unsigned char there[CODE_KEY_BYTES];
	int got, fd, rc = -1;

	if (path_join(out->key_path, sizeof(out->key_path), folder, BACKUP_KEY_NAME, err, errlen))
		return -1;
	got = code_key_read(out->key_path, there, err, errlen);
	if (got < 0)
		return -1;
	if (got == 0) {
		rc = sodium_memcmp(there, key, CODE_KEY_BYTES) == 0
			 ? 0
			 : err_set(err, errlen,
				   "%s is another server's secret key: backups of this server "
				   "must go in a folder of their own",
				   out->key_path);
		sodium_memzero(there, sizeof(there));
		return rc;
	}
	fd = open(out->key_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, key, CODE_KEY_BYTES) != CODE_KEY_BYTES || fsync(fd) != 0) {
		err_set(err, errlen, "cannot write the secret key beside the backup, %s: %s",
			out->key_path, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(out->key_path);
		}
		return -1;
	}
	close(fd);
	out->key_written = 1;
	return 0;
}

/* The database written into a new file beside path, checked, then given path's name. */
static int write_checked(store *st, const char *path, const char *folder, long long *bytes,
			 char *err, size_t errlen)
{
	char tmp[PATH_LEN], why[STORE_ERR_LEN];
	store_health h;
	int fd, rc = -1;

	if (path_join(tmp, sizeof(tmp), folder, ".planaloud-backup-XXXXXX", err, errlen))
		return -1;
	fd = mkstemp(tmp); /* 0600 */
	if (fd < 0)
		return err_set(err, errlen, "cannot write in %s: %s", folder, strerror(errno));
	close(fd);
	if (store_backup_to(st, tmp, bytes, why, sizeof(why))) {
		err_set(err, errlen, "could not copy the database into %s: %s", folder, why);
		goto out;
	}
	if (store_check_file(tmp, &h, why, sizeof(why)) || !h.integrity_ok || !h.foreign_keys_ok) {
		err_set(err, errlen, "the copy failed its check: %s",
			h.problem[0] ? h.problem : why);
		goto out;
	}
	if (sync_path(tmp, 0) != 0 || rename(tmp, path) != 0) {
		err_set(err, errlen, "cannot write the backup %s: %s", path, strerror(errno));
		goto out;
	}
	sync_path(folder, 1);
	rc = 0;
out:
	if (rc)
		unlink(tmp);
	return rc;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Removes the oldest dated backups in folder beyond keep; *removed counts them. */
static void prune(const char *folder, int keep, int *removed)
{
	char *names[MAX_DATED], path[PATH_LEN];
	size_t n = 0;
	struct dirent *e;
	DIR *d = opendir(folder);

	if (!d)
		return;
	while ((e = readdir(d)) && n < MAX_DATED)
		if (backup_name_is_dated(e->d_name) && (names[n] = strdup(e->d_name)))
			n++;
	closedir(d);
	qsort(names, n, sizeof(*names), by_name); /* the dates sort as the names do */
	for (size_t i = 0; i < n; i++) {
		if (n - i > (size_t)keep &&
		    path_join(path, sizeof(path), folder, names[i], NULL, 0) == 0 &&
		    unlink(path) == 0)
			(*removed)++;
		free(names[i]);
	}
	if (*removed)
		sync_path(folder, 1);
}

/* The database in the data folder, opened as the server opens it: refused when there is none
 * (opening would make an empty one). */
static store *open_database(const char *data, char *err, size_t errlen)
{
	char path[PATH_LEN], why[STORE_ERR_LEN];
	struct stat sb;
	store *st;

	if (path_join(path, sizeof(path), data, "planaloud.db", err, errlen))
		return NULL;
	if (stat(path, &sb) != 0) {
		err_set(err, errlen, "there is no database in %s (%s)", data, strerror(errno));
		return NULL;
	}
	st = store_open(path, why, sizeof(why));
	if (!st)
		err_set(err, errlen, "cannot open the database %s: %s", path, why);
	return st;
}

/* Everything but the record and the log line: the key checked, the backup written, the key
 * beside it, the old ones pruned. */
static int take(store *st, const char *data, const char *dest, int keep, long long at,
		backup_result *out, char *err, size_t errlen)
{
	unsigned char key[CODE_KEY_BYTES], id[STORE_KEY_ID_BYTES];
	char folder[PATH_LEN], why[STORE_ERR_LEN];
	int got, rc = -1;

	got = data_key(data, key, id, err, errlen);
	if (got < 0 || place(dest, keep, at, out->path, folder, err, errlen))
		goto out;
	if (got == 0 && store_key_id_check(st, id, why, sizeof(why)) != 0) {
		err_set(err, errlen,
			"the secret key in %s is not the one this database was made with (%s)",
			data, why[0] ? why : "another key");
		goto out;
	}
	if ((got == 0 && key_beside(folder, key, out, err, errlen)) ||
	    write_checked(st, out->path, folder, &out->bytes, err, errlen))
		goto out;
	if (keep > 0)
		prune(folder, keep, &out->removed);
	rc = 0;
out:
	sodium_memzero(key, sizeof(key));
	return rc;
}

int backup_take(const char *data, const char *dest, int keep, backup_result *out, char *err,
		size_t errlen)
{
	store_backup_row row = {.at_ms = wall_ms()};
	long long start = mono_ms();
	char why[STORE_ERR_LEN], quoted[STORE_ERR_LEN + 8];
	store *st;

	*out = (backup_result){0};
	st = open_database(data, err, errlen);
	if (st && take(st, data, dest, keep, row.at_ms, out, err, errlen) == 0)
		row.ok = 1;
	row.took_ms = out->took_ms = mono_ms() - start;
	row.bytes = row.ok ? out->bytes : 0;
	if (st && store_backup_record(st, &row, why, sizeof(why)) && row.ok) {
		/* The backup is good; only its record failed: say so, and count it as failed. */
		err_set(err, errlen, "the backup was written but could not be recorded: %s", why);
		row.ok = 0;
	}
	store_close(st);
	if (row.ok)
		log_event(LOG_INFO, "backup-done", "bytes=%lld took_ms=%lld removed=%d", out->bytes,
			  out->took_ms, out->removed);
	else
		log_event(LOG_ERROR, "backup-failed", "took_ms=%lld reason=%s", out->took_ms,
			  log_value(err ? err : "", quoted, sizeof(quoted)));
	return row.ok ? 0 : -1;
}
