#include "limiter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS	    4096
#define KEY_LEN	    64
#define MAX_TRACKED 64

typedef struct entry {
	char key[KEY_LEN];
	time_t times[MAX_TRACKED]; /* ring of the latest failures */
	int next;
	int count;
	time_t last;
} entry;

struct limiter {
	int max;
	int window;
	entry *slots;
};

limiter *limiter_new(int max_failures, int window_seconds)
{
	limiter *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	if (max_failures < 1)
		max_failures = 1;
	if (max_failures > MAX_TRACKED)
		max_failures = MAX_TRACKED;
	l->max = max_failures;
	l->window = window_seconds;
	l->slots = calloc(SLOTS, sizeof(entry));
	if (!l->slots) {
		free(l);
		return NULL;
	}
	return l;
}

void limiter_free(limiter *l)
{
	if (!l)
		return;
	free(l->slots);
	free(l);
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

	for (int probe = 0; probe < 8; probe++) {
		entry *e = &l->slots[(h + (unsigned long)probe) % SLOTS];

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

int limiter_wait(limiter *l, const char *key, time_t now)
{
	entry *e = find(l, key, 0);
	time_t oldest;

	if (!e || e->count < l->max)
		return 0;
	/* The max-th latest failure must have left the window. */
	oldest = e->times[(e->next - l->max + MAX_TRACKED) % MAX_TRACKED];
	if (now - oldest >= l->window)
		return 0;
	if (now < oldest) /* the clock went back: wait at most one window */
		return l->window;
	return (int)(l->window - (now - oldest));
}

void limiter_fail(limiter *l, const char *key, time_t now)
{
	entry *e = find(l, key, 1);

	e->times[e->next] = now;
	e->next = (e->next + 1) % MAX_TRACKED;
	if (e->count < MAX_TRACKED)
		e->count++;
	e->last = now;
}
