#include "cache.h"

#include "err.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NAME_LEN 65 /* 32 bytes of hash in hex, and a NUL */

typedef struct entry {
	char name[NAME_LEN];
	size_t size;
	unsigned long used; /* a counter: higher is more recent */
} entry;

struct cache {
	char dir[4096];
	size_t max_bytes, bytes;
	entry *entries;
	size_t n, cap;
	unsigned long clock;
};

static void key_name(const void *key, size_t keylen, char name[NAME_LEN])
{
	unsigned char hash[32];

	crypto_generichash(hash, sizeof(hash), key, keylen, NULL, 0);
	sodium_bin2hex(name, NAME_LEN, hash, sizeof(hash));
}

static int path_of(const cache *c, const char *name, const char *suffix, char *out, size_t n)
{
	return snprintf(out, n, "%s/%s%s", c->dir, name, suffix) < (int)n ? 0 : -1;
}

static entry *find(cache *c, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->entries[i].name, name) == 0)
			return &c->entries[i];
	return NULL;
}

static entry *add(cache *c, const char *name, size_t size)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		entry *e = realloc(c->entries, cap * sizeof(*e));

		if (!e)
			return NULL;
		c->entries = e;
		c->cap = cap;
	}
	snprintf(c->entries[c->n].name, NAME_LEN, "%s", name);
	c->entries[c->n].size = size;
	c->entries[c->n].used = ++c->clock;
	c->bytes += size;
	return &c->entries[c->n++];
}

static void drop(cache *c, size_t i)
{
	char path[4200];

	if (path_of(c, c->entries[i].name, "", path, sizeof(path)) == 0)
		unlink(path);
	c->bytes -= c->entries[i].size;
	c->entries[i] = c->entries[--c->n];
}

/* Removes least recently used entries until the total fits. */
static void shrink(cache *c)
{
	while (c->bytes > c->max_bytes && c->n) {
		size_t oldest = 0;

		for (size_t i = 1; i < c->n; i++)
			if (c->entries[i].used < c->entries[oldest].used)
				oldest = i;
		drop(c, oldest);
	}
}

static int is_entry_name(const char *s)
{
	size_t n = strlen(s);

	return n == NAME_LEN - 1 && strspn(s, "0123456789abcdef") == n;
}

#define GENERATION_FILE "generation"
#define GENERATION_LEN	32

/* 1 when the folder's generation file says generation. */
static int same_generation(const cache *c, const char *generation)
{
	char path[4200], have[GENERATION_LEN + 2] = "";
	FILE *f;
	size_t n = 0;

	if (path_of(c, GENERATION_FILE, "", path, sizeof(path)) || !(f = fopen(path, "rb")))
		return 0;
	n = fread(have, 1, sizeof(have) - 1, f);
	fclose(f);
	have[n] = '\0';
	return strcmp(have, generation) == 0;
}

/* Removes every entry (and half-written file) of another generation, then marks the folder with
 * this one. 0, or -1 with err. */
static int new_generation(cache *c, const char *generation, char *err, size_t errlen)
{
	char path[4200], tmp[4200];
	struct dirent *de;
	DIR *d;
	FILE *f;
	int ok;

	if (same_generation(c, generation))
		return 0;
	if (!(d = opendir(c->dir))) {
		err_set(err, errlen, "%s: %s", c->dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && strcmp(de->d_name, GENERATION_FILE) != 0 &&
		    path_of(c, de->d_name, "", path, sizeof(path)) == 0)
			unlink(path);
	closedir(d);
	if (path_of(c, GENERATION_FILE, "", path, sizeof(path)) ||
	    path_of(c, GENERATION_FILE, ".tmp", tmp, sizeof(tmp)) || !(f = fopen(tmp, "wb"))) {
		err_set(err, errlen, "%s: cannot mark its generation", c->dir);
		return -1;
	}
	ok = fputs(generation, f) >= 0;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, path)) {
		unlink(tmp);
		err_set(err, errlen, "%s: cannot mark its generation", c->dir);
		return -1;
	}
	return 0;
}

cache *cache_open(const char *dir, size_t max_bytes, const char *generation, char *err,
		  size_t errlen)
{
	cache *c = calloc(1, sizeof(*c));
	DIR *d = NULL;
	struct dirent *de;

	if (!c) {
		err_set(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(c->dir, sizeof(c->dir), "%s", dir);
	c->max_bytes = max_bytes;
	if (mkdir(dir, 0700) && errno != EEXIST) {
		err_set(err, errlen, "%s: %s", dir, strerror(errno));
		goto fail;
	}
	if (strlen(generation) > GENERATION_LEN || new_generation(c, generation, err, errlen))
		goto fail;
	d = opendir(dir);
	if (!d) {
		err_set(err, errlen, "%s: %s", dir, strerror(errno));
		goto fail;
	}
	/* What an earlier run left: entries count (oldest first by file time is not worth the
	 * bother: they start equal); half-written temporary files are removed. */
	while ((de = readdir(d))) {
		char path[4200];
		struct stat st;

		if (de->d_name[0] == '.' || path_of(c, de->d_name, "", path, sizeof(path)) ||
		    stat(path, &st) || !S_ISREG(st.st_mode))
			continue;
		if (!is_entry_name(de->d_name)) {
			if (strstr(de->d_name, ".tmp"))
				unlink(path);
			continue;
		}
		if (!add(c, de->d_name, (size_t)st.st_size)) {
			err_set(err, errlen, "out of memory");
			goto fail;
		}
	}
	closedir(d);
	shrink(c);
	return c;
fail:
	if (d)
		closedir(d);
	cache_close(c);
	return NULL;
}

void cache_close(cache *c)
{
	if (!c)
		return;
	free(c->entries);
	free(c);
}

int cache_get(cache *c, const void *key, size_t keylen, buf *out)
{
	char name[NAME_LEN], path[4200], chunk[65536];
	entry *e;
	FILE *f;
	size_t n;
	int rc = -1;

	key_name(key, keylen, name);
	e = find(c, name);
	if (!e)
		return 1;
	if (path_of(c, name, "", path, sizeof(path)) || !(f = fopen(path, "rb"))) {
		/* Gone from under us: forget it. */
		drop(c, (size_t)(e - c->entries));
		return 1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_append(out, chunk, n))
			goto out;
	if (ferror(f))
		goto out;
	e->used = ++c->clock;
	rc = 0;
out:
	fclose(f);
	return rc;
}

int cache_put(cache *c, const void *key, size_t keylen, const void *value, size_t len)
{
	char name[NAME_LEN], path[4200], tmp[4200];
	entry *e;
	FILE *f;
	int ok;

	if (len > c->max_bytes)
		return 1;
	key_name(key, keylen, name);
	if (path_of(c, name, "", path, sizeof(path)) || path_of(c, name, ".tmp", tmp, sizeof(tmp)))
		return -1;
	f = fopen(tmp, "wb");
	if (!f)
		return -1;
	ok = fwrite(value, 1, len, f) == len;
	ok = (fclose(f) == 0) && ok;
	if (!ok || rename(tmp, path)) {
		unlink(tmp);
		return -1;
	}
	e = find(c, name);
	if (e) {
		c->bytes = c->bytes - e->size + len;
		e->size = len;
		e->used = ++c->clock;
	} else if (!add(c, name, len)) {
		unlink(path);
		return -1;
	}
	shrink(c);
	return 0;
}

size_t cache_bytes(const cache *c)
{
	return c->bytes;
}

size_t cache_entries(const cache *c)
{
	return c->n;
}
