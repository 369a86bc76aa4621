/* probe: what /metrics shows of the running server. Registers the counters and histograms each
 * part keeps (ws_stats, kiosk_stats) with metrics.c, and reads what the database holds (plans by
 * status, open flags by kind, its size) and the narration queue at scrape time. The database's
 * figures are read at most every PROBE_DB_EVERY_S seconds (two small indexed reads and two
 * pragmas), so scraping often costs nothing. Single-threaded: the loop's. */
#ifndef PLANALOUD_PROBE_H
#define PLANALOUD_PROBE_H

#include "kiosk.h"
#include "metrics.h"
#include "narrate.h"
#include "store.h"
#include "ws.h"

#define PROBE_DB_EVERY_S 5

typedef struct probe probe;

/* What is watched: all borrowed until probe_free (nar may be NULL: no sound). */
typedef struct probe_sources {
	const ws *server;
	const kiosk *proto;
	narrator *nar;
	store *st;
} probe_sources;

/* Adds every metric of the server to m. NULL when memory runs out. */
probe *probe_new(metrics *m, const probe_sources *src);
/* probe_free(NULL) is a no-op. Free it before m's metrics are written again. */
void probe_free(probe *p);

#endif
