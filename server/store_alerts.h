/* store_alerts: the alerts outbox. A row for each flag and each way the duty team is told
 * (email, webhook), written inside the transaction that raises the flag, and kept until it is
 * delivered: nothing is lost across a restart. A row names the flag's kind and the plan's
 * number, never the person. Loop thread only, as the rest of the store; times are UTC
 * milliseconds since 1970, passed in by the caller (tests pass their own clock). */
#ifndef PLANALOUD_STORE_ALERTS_H
#define PLANALOUD_STORE_ALERTS_H

#include "store.h"

#define STORE_ALERT_ERROR_MAX 200 /* bytes of the last failure's reason kept */

typedef struct store_alert {
	long long id;
	long long plan;
	const char *kind;    /* "safeguarding", "advocacy" or "review" */
	const char *channel; /* "email" or "webhook" */
	long long created_ms;
	int tries;		/* deliveries tried and failed */
	long long next_ms;	/* when it is tried next (unsent) */
	const char *last_error; /* "" when none */
	long long sent_ms;	/* -1 until delivered */
} store_alert;

/* Strings in the alert are borrowed for the call. */
typedef void (*store_alert_fn)(void *ctx, const store_alert *a);

/* Adds an alert, due at once, inside the open batch or write (the flag's): with no transaction
 * open it is its own. 0, or -1. */
int store_alert_queue(store *s, long long plan, const char *kind, const char *channel,
		      long long now_ms);
/* Up to limit undelivered alerts due by now_ms, the longest waiting first. How many, or -1. */
int store_alerts_due(store *s, long long now_ms, int limit, store_alert_fn fn, void *ctx);
/* Delivered: 0; 1 when there is no such undelivered alert; -1. */
int store_alert_sent(store *s, long long id, long long now_ms);
/* A delivery failed: one more try counted, reason kept (cut to STORE_ALERT_ERROR_MAX), next
 * try at next_ms. 0, 1 (no such undelivered alert), or -1. */
int store_alert_failed(store *s, long long id, const char *reason, long long next_ms);
/* "Try again now": an undelivered alert becomes due at now_ms, audited as by's. 0, 1 (none
 * such), or -1. */
int store_alert_retry(store *s, long long id, long long now_ms, const store_actor *by);
/* Every undelivered alert due at now_ms (a restart tries them all at once). 0, or -1. */
int store_alerts_all_due(store *s, long long now_ms);
/* The newest `limit` alerts, newest first. How many, or -1. */
int store_alerts_each(store *s, int limit, store_alert_fn fn, void *ctx);
/* For monitoring: alerts not yet delivered, and of those the ones that have failed at least
 * once. 0, or -1. */
int store_alert_counts(store *s, long long *pending, long long *failed);

#endif
