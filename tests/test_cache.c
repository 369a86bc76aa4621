/* cache: a bounded folder of values under keys, least recently used out first. */
#include "cache.h"
#include "check.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64];

static void fresh_dir(void)
{
	snprintf(dir, sizeof(dir), "/tmp/planaloud-cache-XXXXXX");
	if (!mkdtemp(dir))
		dir[0] = '\0';
}

static void remove_dir(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[512];

	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			unlink(path);
		}
	if (d)
		closedir(d);
	rmdir(dir);
}

static int has(cache *c, const char *key, const char *expect)
{
	buf b = BUF_INIT;
	int rc = cache_get(c, key, strlen(key), &b);
	int ok = rc == 0 && b.len == strlen(expect) && memcmp(b.data, expect, b.len) == 0;

	buf_release(&b);
	return ok;
}

static void a_value_put_should_come_back_and_a_missing_key_should_not(void)
{
	char err[256];
	cache *c;
	buf b = BUF_INIT;

	fresh_dir();
	c = cache_open(dir, 1 << 20, "1", err, sizeof(err));
	CHECK(c != NULL);
	CHECK(cache_put(c, "ruth|normal|Hello", 17, "PCM-1", 5) == 0);
	CHECK(has(c, "ruth|normal|Hello", "PCM-1"));
	CHECK(cache_get(c, "ruth|slower|Hello", 17, &b) == 1);
	CHECK(b.len == 0);
	CHECK(cache_put(c, "ruth|normal|Hello", 17, "PCM-two", 7) == 0);
	CHECK(has(c, "ruth|normal|Hello", "PCM-two"));
	CHECK(cache_entries(c) == 1 && cache_bytes(c) == 7);
	cache_close(c);
	remove_dir();
}

static void the_cache_should_stay_within_its_bound_dropping_the_least_recently_used(void)
{
	char err[256], value[400];
	cache *c;

	fresh_dir();
	memset(value, 'x', sizeof(value));
	c = cache_open(dir, 1000, "1", err, sizeof(err));
	CHECK(cache_put(c, "a", 1, value, 400) == 0);
	CHECK(cache_put(c, "b", 1, value, 400) == 0);
	{
		buf b = BUF_INIT;

		CHECK(cache_get(c, "a", 1, &b) == 0); /* "a" is now more recent than "b" */
		buf_release(&b);
	}
	CHECK(cache_put(c, "c", 1, value, 400) == 0);
	CHECK(cache_bytes(c) <= 1000);
	CHECK(cache_entries(c) == 2);
	{
		buf b = BUF_INIT;

		CHECK(cache_get(c, "b", 1, &b) == 1); /* the least recently used went */
		CHECK(cache_get(c, "a", 1, &b) == 0);
		CHECK(cache_get(c, "c", 1, &b) == 0);
		buf_release(&b);
	}
	cache_close(c);
	remove_dir();
}

static void a_value_bigger_than_the_bound_should_not_be_stored(void)
{
	char err[256], value[2000];
	cache *c;
	buf b = BUF_INIT;

	fresh_dir();
	memset(value, 'y', sizeof(value));
	c = cache_open(dir, 1000, "1", err, sizeof(err));
	CHECK(cache_put(c, "k", 1, "small", 5) == 0);
	CHECK(cache_put(c, "big", 3, value, sizeof(value)) == 1);
	CHECK(cache_get(c, "big", 3, &b) == 1);
	CHECK(has(c, "k", "small"));
	cache_close(c);
	remove_dir();
}

static void a_reopened_cache_should_find_what_was_there_and_clear_half_written_files(void)
{
	char err[256], path[512];
	cache *c;
	FILE *f;

	fresh_dir();
	c = cache_open(dir, 1 << 20, "1", err, sizeof(err));
	CHECK(cache_put(c, "kept", 4, "value", 5) == 0);
	cache_close(c);
	snprintf(path, sizeof(path), "%s/deadbeef.tmp", dir);
	f = fopen(path, "w");
	fputs("half", f);
	fclose(f);
	c = cache_open(dir, 1 << 20, "1", err, sizeof(err));
	CHECK(c != NULL);
	CHECK(cache_entries(c) == 1 && cache_bytes(c) == 5);
	CHECK(has(c, "kept", "value"));
	CHECK(access(path, F_OK) != 0);
	cache_close(c);
	remove_dir();
}

/* Entries kept under an earlier rule (an earlier generation, or none: before generations) are
 * removed when the cache opens; entries of its own generation stay. */
static void entries_of_another_generation_should_be_removed_at_open(void)
{
	char err[256], old[512];
	cache *c;
	FILE *f;

	fresh_dir();
	/* a file as a cache without generations left it: a 64-hex-digit name */
	snprintf(old, sizeof(old), "%s/%064d", dir, 7);
	f = fopen(old, "w");
	fputs("someone's words", f);
	fclose(f);
	c = cache_open(dir, 1 << 20, "2", err, sizeof(err));
	CHECK(c != NULL && cache_entries(c) == 0 && cache_bytes(c) == 0);
	CHECK(access(old, F_OK) != 0);
	CHECK(c && cache_put(c, "kept", 4, "value", 5) == 0);
	cache_close(c);
	/* the same generation again: kept */
	c = cache_open(dir, 1 << 20, "2", err, sizeof(err));
	CHECK(c && cache_entries(c) == 1 && has(c, "kept", "value"));
	cache_close(c);
	/* a new one: gone */
	c = cache_open(dir, 1 << 20, "3", err, sizeof(err));
	CHECK(c && cache_entries(c) == 0 && !has(c, "kept", "value"));
	cache_close(c);
	remove_dir();
}

static void a_file_removed_from_under_the_cache_should_read_as_missing(void)
{
	char err[256];
	cache *c;
	buf b = BUF_INIT;

	fresh_dir();
	c = cache_open(dir, 1 << 20, "1", err, sizeof(err));
	CHECK(cache_put(c, "gone", 4, "value", 5) == 0);
	remove_dir();
	CHECK(cache_get(c, "gone", 4, &b) == 1);
	CHECK(cache_entries(c) == 0);
	cache_close(c);
}

static void a_folder_that_cannot_be_made_should_be_refused_with_a_reason(void)
{
	char err[256] = "";

	CHECK(cache_open("/proc/planaloud-no/cache", 1000, "1", err, sizeof(err)) == NULL);
	CHECK(strstr(err, "/proc/planaloud-no/cache") != NULL);
}

int main(void)
{
	RUN(a_value_put_should_come_back_and_a_missing_key_should_not);
	RUN(the_cache_should_stay_within_its_bound_dropping_the_least_recently_used);
	RUN(a_value_bigger_than_the_bound_should_not_be_stored);
	RUN(a_reopened_cache_should_find_what_was_there_and_clear_half_written_files);
	RUN(entries_of_another_generation_should_be_removed_at_open);
	RUN(a_file_removed_from_under_the_cache_should_read_as_missing);
	RUN(a_folder_that_cannot_be_made_should_be_refused_with_a_reason);
	return check_report();
}
