/* alerts: telling the council's duty team that a person raised a flag, by email (the council's
 * SMTP relay) and/or an HTTPS webhook, through the durable outbox (store_alerts.c).
 *
 * The kiosk queues an alert with alerts_queue() inside the transaction that raises the flag, so
 * the two are durable together. The loop calls alerts_turn() every second: it records what the
 * delivery thread finished (sent; or failed, tried again after a growing wait) and hands it the
 * next alerts that are due. Only the delivery thread (alerts_send.c) talks to the network, with
 * libcurl; it never touches the database, and the loop never waits for it. An alert is sent at
 * least once: one delivered but not yet recorded when the server stops is sent again, with the
 * same id, so a receiver can drop the repeat.
 *
 * An alert says which kind of flag was raised on which plan number, with a link to the plan on
 * the staff pages (a login is needed to read it): never a name, a person's words or a code.
 *
 * Threads: everything here on the loop's thread, except the delivery thread's own work. */
#ifndef PLANALOUD_ALERTS_H
#define PLANALOUD_ALERTS_H

#include "content.h"
#include "store.h"

#include <stddef.h>

typedef struct alerts_config {
	const char *smtp;    /* smtp://relay[:port] (STARTTLS when offered) or smtps://; or NULL */
	const char *from;    /* the sender's address, with smtp */
	const char *to;	     /* addresses, comma-separated, with smtp */
	const char *webhook; /* https://... (http:// only to this machine); or NULL */
	const char
	    *token_file;   /* the webhook's bearer token, one line, the server's alone; or NULL */
	const char *kinds; /* which flags alert: "safeguarding,advocacy,review"; NULL:
			      safeguarding */
	const char
	    *public_url;  /* how staff reach the server (https://plans.council.gov.uk); or NULL
			   */
	const char *host; /* --host, for the link when there is no public_url; or NULL */
	int tls;	  /* the server serves HTTPS itself (for the link from host) */
	int port;	  /* the server's port (for the link when there is neither) */
} alerts_config;

typedef struct alerts alerts;

/* 1 when cfg sets up any way of telling (email or webhook). */
int alerts_configured(const alerts_config *cfg);
/* Checks cfg as start-up does, without opening anything: 0, or -1 with a plain reason naming
 * the option in err. */
int alerts_config_check(const alerts_config *cfg, char *err, size_t errlen);

/* Opens the outbox's delivery (starting its thread) for a configured cfg (strings copied; c and
 * st borrowed until alerts_close), and makes every undelivered alert due at now_ms. NULL with
 * the reason in err. */
alerts *alerts_open(const alerts_config *cfg, const content *c, store *st, long long now_ms,
		    char *err, size_t errlen);
/* Stops the thread (a delivery under way is given up: it is tried again at the next start) and
 * records what it had finished, on the store, which must still be open. alerts_close(NULL) is a
 * no-op. */
void alerts_close(alerts *a);

/* 1 when a flag of this kind tells the duty team (a NULL a: never). */
int alerts_tells(const alerts *a, const char *kind);
/* 1 when alerts go by email (channel "email") or webhook ("webhook"); 0 for a NULL a. */
int alerts_by(const alerts *a, const char *channel);
/* Queues the alerts for a flag of kind just raised on plan, inside the caller's open write (or
 * batch). 0 (also when this kind does not alert, or a is NULL), or -1. */
int alerts_queue(alerts *a, long long plan, const char *kind, long long now_ms);
/* The loop's turn: records finished deliveries and starts the next due. */
void alerts_turn(alerts *a, long long now_ms);

/* The wait before the next try after `tries` failed ones: 30 s, doubling, at most 30 minutes. */
long long alerts_backoff_ms(int tries);

/* The link to the plan on the staff pages, into out. 0, or -1 when it does not fit. */
int alerts_link(const alerts *a, long long plan, char *out, size_t outlen);

#endif
