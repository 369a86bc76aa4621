/* throttle: growing waits after failures, per key, in bounded memory. Each failure past a key's
 * free allowance doubles the time the key must wait before its next try, up to a cap; a key
 * quiet for long enough is forgotten. Nothing is ever locked for longer than its rule's cap.
 *
 * Keys are kept only as keyed BLAKE2b hashes (the key is random per throttle), so that the text
 * tried (a name, perhaps a password typed into the name box) is never held. When the table is
 * full, the key whose last failure is oldest is forgotten first.
 *
 * Times are milliseconds on the caller's clock. Single-threaded: the caller's loop only. */
#ifndef PLANALOUD_THROTTLE_H
#define PLANALOUD_THROTTLE_H

#include <stddef.h>

typedef struct throttle throttle;

/* How one kind of key slows down. */
typedef struct throttle_rule {
	int free;	     /* failures that cost no wait */
	long long first_ms;  /* the wait after the first failure past them */
	long long max_ms;    /* the longest wait (the doubling stops here) */
	long long forget_ms; /* a key with no failure for this long starts again from nothing */
} throttle_rule;

/* Room for max_keys keys. NULL when memory runs out. The caller has called sodium_init(). */
throttle *throttle_new(size_t max_keys);
/* throttle_free(NULL) is a no-op. */
void throttle_free(throttle *t);

/* How long key (len bytes) must still wait at now_ms: 0 when it may try. */
long long throttle_wait(throttle *t, const void *key, size_t len, long long now_ms);
/* Counts a failure of key under rule at now_ms. Returns the key's failures so far (with this
 * one), and *wait_ms (may be NULL) the wait it must now keep. */
int throttle_fail(throttle *t, const void *key, size_t len, const throttle_rule *rule,
		  long long now_ms, long long *wait_ms);
/* Forgets key (a success). */
void throttle_forget(throttle *t, const void *key, size_t len);

#endif
