/* fair: requests waiting for one shared worker (the synthesis thread), started in turn so that
 * no one can starve the others. Each request has an owner (a session) and the owner a group
 * (the address it comes from). At most `running` requests are started at once, at most
 * `per_owner` of one owner's and `per_group` of one group's; among the owners that may start
 * one, the one whose last start was longest ago goes first (round-robin), and its oldest request.
 * A request with a key joins one waiting or running under the same key (two sessions asking for
 * the same fixed text share one synthesis); a request without a key is always alone (a person's
 * own words are never shared).
 *
 * Requests are numbered; what the caller attaches (payload) is handed back when it starts and
 * when it goes. Not thread-safe: the caller locks. */
#ifndef PLANALOUD_FAIR_H
#define PLANALOUD_FAIR_H

#include <stddef.h>
#include <stdint.h>

typedef struct fair fair;

typedef struct fair_limits {
	size_t running;	  /* started and not done, in all */
	size_t per_owner; /* of them, one owner's */
	size_t per_group; /* of them, one group's */
	size_t held;	  /* asked for and not answered, one group's (fair_hold) */
} fair_limits;

/* drop frees a payload that goes without being done (fair_forget, fair_free). NULL when out of
 * memory. */
fair *fair_new(fair_limits lim, void (*drop)(void *payload));
/* Frees everything; every payload still held goes to drop. fair_free(NULL) does nothing. */
void fair_free(fair *f);

/* The owner's group from now on (copied; "" or NULL: a group of its own). 0, -1 out of memory. */
int fair_set_group(fair *f, const void *owner, const char *group);
/* The owner's group ("" for one of its own), borrowed until its group changes or it leaves. */
const char *fair_group_of(fair *f, const void *owner);
/* One more thing asked for by owner and not yet answered: 0, or -1 when its group already has
 * lim.held (or memory ran out); fair_unhold when it is answered or forgotten. */
int fair_hold(fair *f, const void *owner);
void fair_unhold(fair *f, const void *owner);

/* Adds waiter `id` of owner: a new request carrying payload, or, when key (key_len bytes) is not
 * NULL and a request under that key waits or runs, that request (*joined 1: payload stays the
 * caller's). Returns the request's number, 0 when memory ran out (payload stays the caller's). */
uint64_t fair_add(fair *f, const void *owner, uint64_t id, const void *key, size_t key_len,
		  void *payload, int *joined);
/* The next request that may start, now counted as running, with its payload (still fair's); 0
 * when none may start now. */
uint64_t fair_next(fair *f, void **payload);
/* The ids waiting for request number (borrowed until the next call that changes f). */
const uint64_t *fair_waiters(const fair *f, uint64_t number, size_t *n);
/* Request number is over (done or failed): removed, its running place freed. Returns its payload
 * (now the caller's), NULL when there is no such request. */
void *fair_done(fair *f, uint64_t number);
/* The owner's waiters are removed from every request. A request left with no waiter goes: its
 * payload to gone(ctx, payload, running) (running: it had started; the caller stops it), which
 * takes the payload. The owner keeps its group and holds. */
void fair_forget(fair *f, const void *owner, void (*gone)(void *ctx, void *payload, int running),
		 void *ctx);
/* The owner is gone for good: forgotten, and its record freed. */
void fair_leave(fair *f, const void *owner, void (*gone)(void *ctx, void *payload, int running),
		void *ctx);
/* Requests waiting and running now. */
size_t fair_waiting(const fair *f);
size_t fair_running(const fair *f);

#endif
