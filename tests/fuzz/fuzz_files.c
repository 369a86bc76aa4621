#include "fuzz.h"
#include "fake_conn.h"
#include "log.h"
#include "store.h"
#include "utf8.h"

#include <cjson/cJSON.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char made[256]; /* the temporary folder, removed at exit */

void fuzz_die(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz set-up: %s: %s\n", what, detail ? detail : "");
	exit(2);
}

/* Removes the files of dir, its sub-folders' files and the folders. */
static void remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[512];

	if (!d)
		return;
	while ((e = readdir(d))) {
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			remove_tree(p);
		else
			unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

static void remove_made(void)
{
	if (made[0])
		remove_tree(made);
}

void fuzz_tmpdir(const char *name, char *dir, size_t n)
{
	struct stat st;
	const char *base = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) ? "/dev/shm" : "/tmp";

	if (made[0])
		fuzz_die("fuzz_tmpdir", "called twice");
	snprintf(made, sizeof(made), "%s/planaloud-fuzz-%s-XXXXXX", base, name);
	if (!mkdtemp(made))
		fuzz_die("mkdtemp", made);
	atexit(remove_made);
	snprintf(dir, n, "%s", made);
}

int fuzz_write(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (!f)
		return -1;
	ok = fwrite(data, 1, len, f) == len;
	return fclose(f) == 0 && ok ? 0 : -1;
}

char *fuzz_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (data = malloc((size_t)n + 1))) {
		if (fread(data, 1, (size_t)n, f) == (size_t)n) {
			data[n] = '\0';
			*len = (size_t)n;
		} else {
			free(data);
			data = NULL;
		}
	}
	fclose(f);
	return data;
}

int fuzz_copy_files(const char *from, const char *to)
{
	DIR *d = opendir(from);
	struct dirent *e;
	char a[512], b[512];
	int rc = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		struct stat st;
		size_t len = 0;
		char *data;

		snprintf(a, sizeof(a), "%s/%s", from, e->d_name);
		if (stat(a, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		snprintf(b, sizeof(b), "%s/%s", to, e->d_name);
		data = fuzz_read(a, &len);
		if (!data || fuzz_write(b, data, len))
			rc = -1;
		free(data);
	}
	closedir(d);
	return rc;
}

int fuzz_next_line(const uint8_t **data, size_t *size, const char **msg, size_t *len)
{
	while (*size) {
		const uint8_t *nl = memchr(*data, '\n', *size);
		size_t n = nl ? (size_t)(nl - *data) : *size;

		*msg = (const char *)*data;
		*len = n;
		*data += n + (nl != NULL);
		*size -= n + (nl != NULL);
		if (n)
			return 1;
	}
	return 0;
}

static void drop(void *ctx, log_level level, const char *line)
{
	(void)ctx;
	(void)level;
	(void)line;
}

void fuzz_quiet(void)
{
	log_set_sink(drop, NULL);
}

static char *db_data, db_work[300];
static size_t db_len;

/* Removes the working copy, its WAL and its shared memory. */
static void db_remove(void)
{
	char path[320];

	unlink(db_work);
	snprintf(path, sizeof(path), "%s-wal", db_work);
	unlink(path);
	snprintf(path, sizeof(path), "%s-shm", db_work);
	unlink(path);
}

void fuzz_db_keep(const char *path)
{
	const char *slash = strrchr(path, '/');

	db_data = fuzz_read(path, &db_len);
	if (!db_data || !slash)
		fuzz_die("cannot read", path);
	snprintf(db_work, sizeof(db_work), "%.*s/work.db", (int)(slash - path), path);
}

store *fuzz_db_open(void)
{
	char err[STORE_ERR_LEN] = "";
	store *st;

	db_remove();
	if (fuzz_write(db_work, db_data, db_len))
		fuzz_die("cannot write", db_work);
	st = store_open(db_work, err, sizeof(err));
	if (!st)
		fuzz_die("store_open", err);
	return st;
}

void fuzz_db_close(store *st)
{
	store_close(st);
	db_remove();
}

void fuzz_check_sent(const fake_conn *fc)
{
	for (int i = 0; i < fc->n; i++) {
		size_t len = strlen(fc->sent[i]);
		cJSON *m;

		if (!utf8_valid(fc->sent[i], len))
			abort();
		m = cJSON_ParseWithLength(fc->sent[i], len);
		if (!cJSON_IsObject(m))
			abort();
		cJSON_Delete(m);
	}
}
