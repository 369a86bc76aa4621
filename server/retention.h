/* retention: the retention schedule. Plans whose time is up are erased through the same path
 * as an erasure staff make (store_plan_erase), a few at a time so the loop never stalls; each
 * leaves a tombstone and an audit row naming the schedule as the reason. */
#ifndef PLANALOUD_RETENTION_H
#define PLANALOUD_RETENTION_H

#include "store.h"

#include <stddef.h>

#define RETENTION_DRAFT_DAYS   30 /* untouched anonymous drafts are kept this long by default */
#define RETENTION_CLOSED_YEARS 7  /* closed plans: a common council schedule */
#define RETENTION_EVERY_S      3600
#define RETENTION_BATCH	       20 /* plans erased in one turn of the loop */

typedef struct retention_config {
	int drafts_days;  /* untouched anonymous drafts (never sent); 0: kept for ever */
	int closed_years; /* plans not agreed or signed off and untouched since; 0: for ever */
} retention_config;

typedef struct retention_counts {
	int drafts, closed; /* plans erased, by reason */
	int more;	    /* the batch was full: there may be more to erase now */
} retention_counts;

/* Erases at most max plans (1 to 1000) whose time under cfg is up at now_ms (UTC milliseconds),
 * then empties the write-ahead log of what went. Runs on the loop thread, outside a batch. 0
 * and *out, or -1 with the reason in err (what was erased before the failure stays erased). */
int retention_run(store *s, const retention_config *cfg, long long now_ms, int max,
		  retention_counts *out, char *err, size_t errlen);

#endif
