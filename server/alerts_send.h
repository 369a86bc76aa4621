/* alerts_send: one delivery, by libcurl (the only file that includes curl.h): an email through
 * an SMTP relay, or a JSON POST to a webhook. Runs on the alerts' delivery thread; touches no
 * database and no connection. */
#ifndef PLANALOUD_ALERTS_SEND_H
#define PLANALOUD_ALERTS_SEND_H

#include <stdatomic.h>
#include <stddef.h>

#define ALERTS_REASON_LEN 201 /* a failure's reason, in plain words */

/* Where and how to send: borrowed for the call. */
typedef struct alerts_route {
	const char *smtp, *from, *to; /* to: comma-separated */
	const char *webhook, *token;  /* token may be NULL */
} alerts_route;

/* Starts libcurl once, before any thread uses it. 0, or -1. */
int alerts_send_init(void);
void alerts_send_cleanup(void);

/* Sends the whole email message (headers, blank line, body; CRLF lines) to every address in
 * r->to. *stop becoming non-zero gives up at once. 0, or -1 with the reason in why. */
int alerts_send_email(const alerts_route *r, const char *message, const atomic_int *stop,
		      char why[ALERTS_REASON_LEN]);
/* POSTs json to r->webhook (with the bearer token when there is one); 2xx is delivered. */
int alerts_send_webhook(const alerts_route *r, const char *json, const atomic_int *stop,
			char why[ALERTS_REASON_LEN]);

#endif
