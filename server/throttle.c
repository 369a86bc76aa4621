#include "throttle.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define DIGEST 16 /* bytes of keyed hash: collisions among a few thousand keys cannot matter */

typedef struct entry {
	unsigned char digest[DIGEST];
	int used;
	int failures;
	long long last_ms;  /* the latest failure */
	long long until_ms; /* no try before this */
	long long forget_ms;
} entry;

struct throttle {
	unsigned char key[crypto_generichash_KEYBYTES];
	entry *e;
	size_t n;
};

throttle *throttle_new(size_t max_keys)
{
	throttle *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->n = max_keys ? max_keys : 1;
	t->e = calloc(t->n, sizeof(*t->e));
	if (!t->e) {
		free(t);
		return NULL;
	}
	randombytes_buf(t->key, sizeof(t->key));
	return t;
}

void throttle_free(throttle *t)
{
	if (!t)
		return;
	sodium_memzero(t->key, sizeof(t->key));
	free(t->e);
	free(t);
}

static void digest_of(const throttle *t, const void *key, size_t len, unsigned char out[DIGEST])
{
	crypto_generichash(out, DIGEST, key, len, t->key, sizeof(t->key));
}

/* The key's live entry, or NULL. A forgotten key's entry is freed on the way. */
static entry *find(throttle *t, const unsigned char d[DIGEST], long long now_ms)
{
	for (size_t i = 0; i < t->n; i++) {
		entry *e = &t->e[i];

		if (!e->used || memcmp(e->digest, d, DIGEST) != 0)
			continue;
		if (now_ms - e->last_ms >= e->forget_ms && now_ms >= e->until_ms) {
			memset(e, 0, sizeof(*e));
			return NULL;
		}
		return e;
	}
	return NULL;
}

/* A free entry, or the one whose last failure is oldest. */
static entry *room(throttle *t)
{
	entry *oldest = &t->e[0];

	for (size_t i = 0; i < t->n; i++) {
		if (!t->e[i].used)
			return &t->e[i];
		if (t->e[i].last_ms < oldest->last_ms)
			oldest = &t->e[i];
	}
	return oldest;
}

long long throttle_wait(throttle *t, const void *key, size_t len, long long now_ms)
{
	unsigned char d[DIGEST];
	entry *e;

	digest_of(t, key, len, d);
	e = find(t, d, now_ms);
	return e && e->until_ms > now_ms ? e->until_ms - now_ms : 0;
}

int throttle_fail(throttle *t, const void *key, size_t len, const throttle_rule *rule,
		  long long now_ms, long long *wait_ms)
{
	unsigned char d[DIGEST];
	long long wait = 0;
	entry *e;

	digest_of(t, key, len, d);
	e = find(t, d, now_ms);
	if (!e) {
		e = room(t);
		memset(e, 0, sizeof(*e));
		memcpy(e->digest, d, DIGEST);
		e->used = 1;
	}
	if (e->failures < 1000000)
		e->failures++;
	if (e->failures > rule->free) {
		wait = rule->first_ms;
		for (int i = rule->free + 1; i < e->failures && wait < rule->max_ms; i++)
			wait *= 2;
		if (wait > rule->max_ms)
			wait = rule->max_ms;
	}
	e->last_ms = now_ms;
	e->forget_ms = rule->forget_ms;
	if (now_ms + wait > e->until_ms)
		e->until_ms = now_ms + wait;
	if (wait_ms)
		*wait_ms = e->until_ms - now_ms;
	return e->failures;
}

void throttle_forget(throttle *t, const void *key, size_t len)
{
	unsigned char d[DIGEST];
	entry *e;

	digest_of(t, key, len, d);
	for (size_t i = 0; i < t->n; i++) {
		e = &t->e[i];
		if (e->used && memcmp(e->digest, d, DIGEST) == 0)
			memset(e, 0, sizeof(*e));
	}
}
