#include "limiter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_LEN 64

typedef struct entry {
	char key[KEY_LEN];
	int next;  /* where the next event goes in the entry's ring of times */
	int count; /* events in the ring (at most max) */
	time_t last;
} entry;

struct limiter {
	int max;
	int window;
	int nslots; /* 1: every key counts together */
	entry *slots;
	time_t *times; /* nslots rings of max times: the latest events of each entry */
};

static limiter *make(int max, int window_seconds, int nslots, int cap)
{
	limiter *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	if (max < 1)
		max = 1;
	if (max > cap)
		max = cap;
	l->max = max;
	l->window = window_seconds;
	l->nslots = nslots;
	l->slots = calloc((size_t)nslots, sizeof(entry));
	l->times = calloc((size_t)nslots * (size_t)max, sizeof(time_t));
	if (!l->slots || !l->times) {
		limiter_free(l);
		return NULL;
	}
	return l;
}

limiter *limiter_new(int max, int window_seconds)
{
	return make(max, window_seconds, LIMITER_KEYS, LIMITER_KEY_MAX);
}

limiter *limiter_new_overall(int max, int window_seconds)
{
	return make(max, window_seconds, 1, LIMITER_ALL_MAX);
}

void limiter_free(limiter *l)
{
	if (!l)
		return;
	free(l->slots);
	free(l->times);
	free(l);
}

int limiter_max(const limiter *l)
{
	return l->max;
}

int limiter_window(const limiter *l)
{
	return l->window;
}

static unsigned long hash(const char *s)
{
	unsigned long h = 5381;

	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

/* The key's entry; with create, a free slot nearby is taken, or else the one idle longest. */
static entry *find(limiter *l, const char *key, int create)
{
	unsigned long h = hash(key);
	entry *victim = NULL;

	if (l->nslots == 1)
		return l->slots;
	for (int probe = 0; probe < 8; probe++) {
		entry *e = &l->slots[(h + (unsigned long)probe) % (unsigned long)l->nslots];

		if (e->key[0] && strncmp(e->key, key, KEY_LEN - 1) == 0)
			return e;
		if (!victim)
			victim = e;
		else if (victim->key[0] && (!e->key[0] || e->last < victim->last))
			victim = e;
	}
	if (!create)
		return NULL;
	memset(victim, 0, sizeof(*victim));
	snprintf(victim->key, KEY_LEN, "%s", key);
	return victim;
}

static time_t *ring(limiter *l, const entry *e)
{
	return l->times + (size_t)(e - l->slots) * (size_t)l->max;
}

static int entry_wait(limiter *l, const entry *e, time_t now)
{
	time_t oldest;

	if (!e || e->count < l->max)
		return 0;
	/* The ring is full: its oldest event, the max-th latest, must have left the window. */
	oldest = ring(l, e)[e->next];
	if (now - oldest >= l->window)
		return 0;
	if (now < oldest) /* the clock went back: wait at most one window */
		return l->window;
	return (int)(l->window - (now - oldest));
}

int limiter_wait(limiter *l, const char *key, time_t now)
{
	return entry_wait(l, find(l, key, 0), now);
}

int limiter_fail(limiter *l, const char *key, time_t now)
{
	entry *e = find(l, key, 1);
	int was = entry_wait(l, e, now) > 0;

	ring(l, e)[e->next] = now;
	e->next = (e->next + 1) % l->max;
	if (e->count < l->max)
		e->count++;
	e->last = now;
	return !was && entry_wait(l, e, now) > 0;
}
