#include "keep.h"

#include <stdlib.h>
#include <string.h>

typedef struct entry {
	struct entry *next;
	const void *owner;
	narration *r;
	size_t bytes;
} entry;

struct keep {
	size_t max_bytes, per_owner, bytes;
	entry *list; /* most recently used first */
};

keep *keep_new(size_t max_bytes, size_t per_owner_bytes)
{
	keep *k = calloc(1, sizeof(*k));

	if (!k)
		return NULL;
	k->max_bytes = max_bytes;
	k->per_owner = per_owner_bytes;
	return k;
}

static void release(narration *r)
{
	if (!r)
		return;
	r->keep_in = NULL; /* freed, not handed on */
	narration_free(r);
}

void keep_free(keep *k)
{
	if (!k)
		return;
	while (k->list) {
		entry *e = k->list;

		k->list = e->next;
		release(e->r);
		free(e);
	}
	free(k);
}

static size_t narration_bytes(const narration *r)
{
	return r->sample_count * sizeof(*r->samples) + r->word_count * sizeof(*r->words) +
	       r->cache_key_len + sizeof(*r);
}

narration *narration_copy(const narration *r)
{
	narration *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	*c = (narration){.sample_rate = r->sample_rate,
			 .cached = 1,
			 .sample_count = r->sample_count,
			 .word_count = r->word_count};
	c->samples = malloc(r->sample_count * sizeof(*c->samples) + 1);
	c->words = malloc(r->word_count * sizeof(*c->words) + 1);
	if (!c->samples || !c->words) {
		release(c);
		return NULL;
	}
	memcpy(c->samples, r->samples, r->sample_count * sizeof(*c->samples));
	memcpy(c->words, r->words, r->word_count * sizeof(*c->words));
	return c;
}

narration *keep_copy(keep *k, const void *owner, const char *key, size_t key_len)
{
	for (entry **pp = &k->list; *pp; pp = &(*pp)->next) {
		entry *e = *pp;

		if (e->owner != owner || e->r->cache_key_len != key_len ||
		    memcmp(e->r->cache_key, key, key_len) != 0)
			continue;
		*pp = e->next;
		e->next = k->list;
		k->list = e;
		return narration_copy(e->r);
	}
	return NULL;
}

/* Drops the least recently used entry of owner (any owner when all is 1); 0 when none. */
static int drop_oldest(keep *k, const void *owner, int all)
{
	entry **last = NULL, *e;

	for (entry **pp = &k->list; *pp; pp = &(*pp)->next)
		if (all || (*pp)->owner == owner)
			last = pp;
	if (!last)
		return 0;
	e = *last;
	*last = e->next;
	k->bytes -= e->bytes;
	release(e->r);
	free(e);
	return 1;
}

/* Drops what is kept for owner under key (one at most). */
static void drop_key(keep *k, const void *owner, const char *key, size_t key_len)
{
	for (entry **pp = &k->list; *pp; pp = &(*pp)->next) {
		entry *e = *pp;

		if (e->owner == owner && e->r->cache_key_len == key_len &&
		    memcmp(e->r->cache_key, key, key_len) == 0) {
			*pp = e->next;
			k->bytes -= e->bytes;
			release(e->r);
			free(e);
			return;
		}
	}
}

static size_t owner_bytes(const keep *k, const void *owner)
{
	size_t n = 0;

	for (const entry *e = k->list; e; e = e->next)
		if (e->owner == owner)
			n += e->bytes;
	return n;
}

void keep_put(keep *k, const void *owner, narration *r)
{
	entry *e;
	size_t bytes;

	if (!r)
		return;
	bytes = narration_bytes(r);
	if (!r->cache_key || bytes > k->per_owner || bytes > k->max_bytes / 4 ||
	    !(e = malloc(sizeof(*e)))) {
		release(r);
		return;
	}
	drop_key(k, owner, r->cache_key, r->cache_key_len); /* kept before: replaced */
	while (owner_bytes(k, owner) + bytes > k->per_owner && drop_oldest(k, owner, 0))
		;
	while (k->bytes + bytes > k->max_bytes && drop_oldest(k, NULL, 1))
		;
	r->keep_in = NULL;
	e->owner = owner;
	e->r = r;
	e->bytes = bytes;
	e->next = k->list;
	k->list = e;
	k->bytes += bytes;
}

void keep_drop_owner(keep *k, const void *owner)
{
	for (entry **pp = &k->list; *pp;) {
		entry *e = *pp;

		if (e->owner != owner) {
			pp = &e->next;
			continue;
		}
		*pp = e->next;
		k->bytes -= e->bytes;
		release(e->r);
		free(e);
	}
}

size_t keep_bytes(const keep *k)
{
	return k->bytes;
}
