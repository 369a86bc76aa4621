/* limiter: counts events per key (an address, an enrolled kiosk) in a sliding window, in bounded
 * memory: wrong plan codes and wrong logins, so that they cannot be guessed at speed, and new
 * plans, so that one client cannot fill the caseload. A limiter with one key counts every key
 * together: an overall budget. */
#ifndef PLANALOUD_LIMITER_H
#define PLANALOUD_LIMITER_H

#include <time.h>

#define LIMITER_KEYS	4096   /* keys a limiter_new() limiter remembers at once */
#define LIMITER_KEY_MAX 256    /* the most events per key it counts (a larger max is cut) */
#define LIMITER_ALL_MAX 100000 /* the most events an overall budget counts */

typedef struct limiter limiter;

/* At most max events per window_seconds per key, for up to LIMITER_KEYS keys (the one idle
 * longest is forgotten first). NULL when memory runs out. */
limiter *limiter_new(int max, int window_seconds);
/* At most max events per window_seconds whatever the key: every key counts together. NULL when
 * memory runs out. */
limiter *limiter_new_overall(int max, int window_seconds);
void limiter_free(limiter *l);
/* 0 when the key may go on now, else the seconds to wait. */
int limiter_wait(limiter *l, const char *key, time_t now);
/* Counts one event for the key. 1 when this event brought the key to its limit (it must wait
 * now, and did not just before), else 0: the moment worth one log line. */
int limiter_fail(limiter *l, const char *key, time_t now);
/* The limits it was made with: events per window, and the window in seconds. */
int limiter_max(const limiter *l);
int limiter_window(const limiter *l);

#endif
