#include "fair.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GROUP_LEN 64

typedef struct group {
	struct group *next;
	char name[GROUP_LEN];
	size_t running, held, owners;
} group;

typedef struct owner {
	struct owner *next;
	const void *who;
	group *g; /* NULL: a group of its own */
	size_t running, held;
	uint64_t served; /* when it last had a request started (fair's clock) */
} owner;

typedef struct waiter {
	uint64_t id;
	owner *o;
} waiter;

typedef struct request {
	struct request *next;
	uint64_t number;
	owner *lead; /* whose turn it takes and whose running place it fills */
	void *key;
	size_t key_len;
	void *payload;
	waiter *w;
	uint64_t *ids; /* fair_waiters' view */
	size_t nw, cap;
	int running;
} request;

struct fair {
	fair_limits lim;
	void (*drop)(void *payload);
	owner *owners;
	group *groups;
	request *reqs, **tail; /* oldest first, waiting and running */
	size_t nwaiting, nrunning;
	uint64_t next_number, clock;
};

fair *fair_new(fair_limits lim, void (*drop)(void *payload))
{
	fair *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->lim = lim;
	f->drop = drop;
	f->tail = &f->reqs;
	return f;
}

static void request_free(request *r)
{
	free(r->key);
	free(r->w);
	free(r->ids);
	free(r);
}

void fair_free(fair *f)
{
	if (!f)
		return;
	while (f->reqs) {
		request *r = f->reqs;

		f->reqs = r->next;
		if (f->drop)
			f->drop(r->payload);
		request_free(r);
	}
	while (f->owners) {
		owner *o = f->owners;

		f->owners = o->next;
		free(o);
	}
	while (f->groups) {
		group *g = f->groups;

		f->groups = g->next;
		free(g);
	}
	free(f);
}

static owner *owner_find(fair *f, const void *who)
{
	for (owner *o = f->owners; o; o = o->next)
		if (o->who == who)
			return o;
	return NULL;
}

static owner *owner_get(fair *f, const void *who)
{
	owner *o = owner_find(f, who);

	if (o || !(o = calloc(1, sizeof(*o))))
		return o;
	o->who = who;
	o->next = f->owners;
	f->owners = o;
	return o;
}

static void group_put(fair *f, group *g)
{
	if (!g || --g->owners)
		return;
	for (group **pp = &f->groups; *pp; pp = &(*pp)->next)
		if (*pp == g) {
			*pp = g->next;
			free(g);
			return;
		}
}

int fair_set_group(fair *f, const void *who, const char *name)
{
	owner *o = owner_get(f, who);
	group *g = NULL;

	if (!o)
		return -1;
	if (o->g && name && strncmp(o->g->name, name, GROUP_LEN - 1) == 0)
		return 0;
	if (name && *name) {
		for (g = f->groups; g && strncmp(g->name, name, GROUP_LEN - 1) != 0; g = g->next)
			;
		if (!g) {
			if (!(g = calloc(1, sizeof(*g))))
				return -1;
			snprintf(g->name, sizeof(g->name), "%s", name);
			g->next = f->groups;
			f->groups = g;
		}
		g->owners++;
		g->running += o->running;
		g->held += o->held;
	}
	if (o->g) {
		o->g->running -= o->running;
		o->g->held -= o->held;
		group_put(f, o->g);
	}
	o->g = g;
	return 0;
}

const char *fair_group_of(fair *f, const void *who)
{
	const owner *o = owner_find(f, who);

	return o && o->g ? o->g->name : "";
}

int fair_hold(fair *f, const void *who)
{
	owner *o = owner_get(f, who);

	if (!o || (o->g && o->g->held >= f->lim.held))
		return -1;
	o->held++;
	if (o->g)
		o->g->held++;
	return 0;
}

void fair_unhold(fair *f, const void *who)
{
	owner *o = owner_find(f, who);

	if (!o || !o->held)
		return;
	o->held--;
	if (o->g)
		o->g->held--;
}

static request *find(const fair *f, uint64_t number)
{
	for (request *r = f->reqs; r; r = r->next)
		if (r->number == number)
			return r;
	return NULL;
}

static int add_waiter(request *r, owner *o, uint64_t id)
{
	if (r->nw == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 2;
		waiter *w = realloc(r->w, cap * sizeof(*w));
		uint64_t *ids;

		if (!w)
			return -1;
		r->w = w;
		if (!(ids = realloc(r->ids, cap * sizeof(*ids))))
			return -1;
		r->ids = ids;
		r->cap = cap;
	}
	r->w[r->nw] = (waiter){id, o};
	r->ids[r->nw] = id;
	r->nw++;
	return 0;
}

uint64_t fair_add(fair *f, const void *who, uint64_t id, const void *key, size_t key_len,
		  void *payload, int *joined)
{
	owner *o = owner_get(f, who);
	request *r;

	*joined = 0;
	if (!o)
		return 0;
	for (r = key ? f->reqs : NULL; r; r = r->next)
		if (r->key && r->key_len == key_len && memcmp(r->key, key, key_len) == 0) {
			if (add_waiter(r, o, id))
				return 0;
			*joined = 1;
			return r->number;
		}
	r = calloc(1, sizeof(*r));
	if (!r || (key && !(r->key = malloc(key_len ? key_len : 1))) || add_waiter(r, o, id)) {
		if (r)
			request_free(r);
		return 0;
	}
	if (key)
		memcpy(r->key, key, key_len);
	r->key_len = key_len;
	r->number = ++f->next_number;
	r->lead = o;
	r->payload = payload;
	*f->tail = r;
	f->tail = &r->next;
	f->nwaiting++;
	return r->number;
}

static int may_start(const fair *f, const request *r)
{
	const owner *o = r->lead;

	return !r->running && o->running < f->lim.per_owner &&
	       (!o->g || o->g->running < f->lim.per_group);
}

static void count_running(request *r, int by)
{
	r->lead->running += (size_t)by;
	if (r->lead->g)
		r->lead->g->running += (size_t)by;
}

uint64_t fair_next(fair *f, void **payload)
{
	request *best = NULL;

	if (f->nrunning >= f->lim.running)
		return 0;
	for (request *r = f->reqs; r; r = r->next) /* oldest first: ties go to the oldest */
		if (may_start(f, r) && (!best || r->lead->served < best->lead->served))
			best = r;
	if (!best)
		return 0;
	best->running = 1;
	count_running(best, 1);
	best->lead->served = ++f->clock;
	f->nwaiting--;
	f->nrunning++;
	*payload = best->payload;
	return best->number;
}

const uint64_t *fair_waiters(const fair *f, uint64_t number, size_t *n)
{
	const request *r = find(f, number);

	*n = r ? r->nw : 0;
	return r ? r->ids : NULL;
}

/* Takes r off the list, uncounted; frees it and returns its payload. */
static void *take(fair *f, request *r)
{
	void *payload = r->payload;

	for (request **pp = &f->reqs; *pp; pp = &(*pp)->next)
		if (*pp == r) {
			*pp = r->next;
			if (f->tail == &r->next)
				f->tail = pp;
			break;
		}
	if (r->running) {
		count_running(r, -1);
		f->nrunning--;
	} else {
		f->nwaiting--;
	}
	request_free(r);
	return payload;
}

void *fair_done(fair *f, uint64_t number)
{
	request *r = find(f, number);

	return r ? take(f, r) : NULL;
}

/* Removes o's waiters from r; a lead that goes passes to the first waiter left. */
static void remove_waiters(request *r, const owner *o)
{
	size_t k = 0;

	for (size_t i = 0; i < r->nw; i++)
		if (r->w[i].o != o) {
			r->w[k] = r->w[i];
			r->ids[k] = r->ids[i];
			k++;
		}
	r->nw = k;
	if (r->lead == o && k) {
		if (r->running)
			count_running(r, -1);
		r->lead = r->w[0].o;
		if (r->running)
			count_running(r, 1);
	}
}

void fair_forget(fair *f, const void *who, void (*gone)(void *ctx, void *payload, int running),
		 void *ctx)
{
	owner *o = owner_find(f, who);
	request *r, *next;

	if (!o)
		return;
	for (r = f->reqs; r; r = next) {
		next = r->next;
		remove_waiters(r, o);
		if (!r->nw) {
			int running = r->running;
			void *payload = take(f, r);

			if (gone)
				gone(ctx, payload, running);
			else if (f->drop)
				f->drop(payload);
		}
	}
}

void fair_leave(fair *f, const void *who, void (*gone)(void *ctx, void *payload, int running),
		void *ctx)
{
	owner *o = owner_find(f, who);

	if (!o)
		return;
	fair_forget(f, who, gone, ctx);
	if (o->g) {
		o->g->held -= o->held;
		group_put(f, o->g);
	}
	for (owner **pp = &f->owners; *pp; pp = &(*pp)->next)
		if (*pp == o) {
			*pp = o->next;
			break;
		}
	free(o);
}

size_t fair_waiting(const fair *f)
{
	return f->nwaiting;
}

size_t fair_running(const fair *f)
{
	return f->nrunning;
}
