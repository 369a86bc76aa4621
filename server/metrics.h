/* metrics: what /metrics shows, in Prometheus's text exposition format (version 0.0.4).
 *
 * The parts of the server keep their own counters and histograms (plain numbers, changed on the
 * loop thread only: nothing slows a save); metrics_* only knows where they are and, at scrape
 * time, writes them out. A value that is read rather than counted (plans by status, the size of
 * the database, the age of the last backup) is a reader function, called at scrape time.
 *
 * Adding a gauge later is one call, e.g. the age of the last backup:
 *
 *   static int backup_age(void *ctx, metrics_out *o)
 *   {
 *       long long at = ...;              (read it: the backups record)
 *       return metrics_put(o, NULL, at ? (double)(time(NULL) - at) : -1);
 *   }
 *   metrics_reader(m, "planaloud_backup_age_seconds", METRICS_GAUGE,
 *                  "Seconds since the last good backup.", backup_age, ctx);
 *
 * Names follow Prometheus's conventions (planaloud_..._total for counters, base units: seconds,
 * bytes). Labels are text written as Prometheus writes them ("kind=\"safeguarding\""), never a
 * person's words. Single-threaded: the loop's. */
#ifndef PLANALOUD_METRICS_H
#define PLANALOUD_METRICS_H

#include <stddef.h>

#define METRICS_BUCKETS_MAX 16

/* A histogram its owner keeps and observes into. bounds: the buckets' upper bounds, ascending
 * (borrowed: a static array), at most METRICS_BUCKETS_MAX; +Inf is implied. */
typedef struct metrics_histogram {
	const double *bounds;
	size_t nbounds;
	unsigned long long counts[METRICS_BUCKETS_MAX + 1]; /* per bucket, not cumulative */
	unsigned long long count;
	double sum;
} metrics_histogram;

void metrics_histogram_init(metrics_histogram *h, const double *bounds, size_t nbounds);
void metrics_observe(metrics_histogram *h, double value);

typedef enum metrics_type { METRICS_COUNTER, METRICS_GAUGE, METRICS_HISTOGRAM } metrics_type;

typedef struct metrics metrics;
typedef struct metrics_out metrics_out;

/* A reader writes its samples with metrics_put at scrape time: 0, or -1 (the scrape says so
 * with a comment, and the other metrics are still written). */
typedef int (*metrics_read_fn)(void *ctx, metrics_out *o);

/* NULL when memory runs out. metrics_free(NULL) is a no-op. */
metrics *metrics_new(void);
void metrics_free(metrics *m);

/* Each adds one series under name (and labels, NULL for none: name, help and labels are
 * borrowed: string literals). The value is read where it lives, at scrape time (borrowed until
 * metrics_free). 0, or -1 when memory runs out. Series of one name share one HELP and TYPE. */
int metrics_counter(metrics *m, const char *name, const char *labels, const char *help,
		    const unsigned long long *value);
int metrics_gauge(metrics *m, const char *name, const char *labels, const char *help,
		  const long long *value);
int metrics_histogram_add(metrics *m, const char *name, const char *labels, const char *help,
			  const metrics_histogram *h);
/* A reader of one or more samples of name (its labels set by each metrics_put). */
int metrics_reader(metrics *m, const char *name, metrics_type type, const char *help,
		   metrics_read_fn fn, void *ctx);
/* One sample from a reader; labels NULL for none. 0, or -1 when memory runs out. */
int metrics_put(metrics_out *o, const char *labels, double value);

/* Appends every metric to out in the text format. 0, or -1 when memory runs out. */
struct buf;
int metrics_render(metrics *m, struct buf *out);

/* The content type of what metrics_render writes. */
#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

#endif
