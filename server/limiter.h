/* limiter: counts failures per key (an address) in a sliding window, in bounded memory, so that
 * wrong plan codes cannot be guessed at speed. */
#ifndef PLANALOUD_LIMITER_H
#define PLANALOUD_LIMITER_H

#include <time.h>

typedef struct limiter limiter;

/* At most max_failures per window_seconds per key. NULL when memory runs out. */
limiter *limiter_new(int max_failures, int window_seconds);
void limiter_free(limiter *l);
/* 0 when the key may try now, else the seconds to wait. */
int limiter_wait(limiter *l, const char *key, time_t now);
void limiter_fail(limiter *l, const char *key, time_t now);

#endif
