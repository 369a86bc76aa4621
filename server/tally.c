#include "tally.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUCKETS 4096
#define KEY_LEN 64

struct tally_entry {
	tally_entry *next;
	unsigned bucket;
	int count;
	char key[KEY_LEN];
};

struct tally {
	int max_total, max_per_key, total;
	tally_entry *buckets[BUCKETS];
};

static unsigned bucket_of(const char *key)
{
	unsigned long h = 5381;

	for (size_t i = 0; key[i] && i < KEY_LEN - 1; i++)
		h = h * 33 + (unsigned char)key[i];
	return (unsigned)(h % BUCKETS);
}

static tally_entry *find(const tally *t, const char *key)
{
	for (tally_entry *e = t->buckets[bucket_of(key)]; e; e = e->next)
		if (strncmp(e->key, key, KEY_LEN - 1) == 0)
			return e;
	return NULL;
}

void tally_set_max_per_key(tally *t, int max_per_key)
{
	t->max_per_key = max_per_key;
}

tally *tally_new(int max_total, int max_per_key)
{
	tally *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->max_total = max_total;
	t->max_per_key = max_per_key;
	return t;
}

void tally_free(tally *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < BUCKETS; i++)
		while (t->buckets[i]) {
			tally_entry *e = t->buckets[i];

			t->buckets[i] = e->next;
			free(e);
		}
	free(t);
}

tally_entry *tally_take(tally *t, const char *key, int per_key)
{
	tally_entry *e = find(t, key);

	if (t->total >= t->max_total || (per_key && e && e->count >= t->max_per_key))
		return NULL;
	if (!e) {
		e = calloc(1, sizeof(*e));
		if (!e)
			return NULL;
		snprintf(e->key, sizeof(e->key), "%s", key);
		e->bucket = bucket_of(key);
		e->next = t->buckets[e->bucket];
		t->buckets[e->bucket] = e;
	}
	e->count++;
	t->total++;
	return e;
}

void tally_drop(tally *t, tally_entry *e)
{
	tally_entry **p;

	if (!e)
		return;
	t->total--;
	if (--e->count > 0)
		return;
	for (p = &t->buckets[e->bucket]; *p; p = &(*p)->next)
		if (*p == e) {
			*p = e->next;
			break;
		}
	free(e);
}

int tally_total(const tally *t)
{
	return t->total;
}

int tally_count(const tally *t, const char *key)
{
	const tally_entry *e = find(t, key);

	return e ? e->count : 0;
}
