/* sink: a small SMTP server and a small HTTP server, each on its own thread on a loopback port,
 * that keep everything they are sent: the duty team's mail relay and webhook, for the alerts'
 * tests. The SMTP sink offers no STARTTLS (a relay that has none); the HTTP sink answers every
 * request with `status` (200 unless told). Messages are kept whole: for SMTP the envelope
 * ("MAIL FROM:<...>", "RCPT TO:<...>" lines) then the data; for HTTP the request's head and body.
 */
#ifndef PLANALOUD_SINK_H
#define PLANALOUD_SINK_H

typedef enum sink_kind { SINK_SMTP, SINK_HTTP } sink_kind;

typedef struct sink sink;

/* Listens on 127.0.0.1:port (0: a free one). NULL when it cannot. */
sink *sink_open(sink_kind kind, int port);
int sink_port(const sink *k);
/* Waits until n messages have arrived: 1, or 0 after timeout_ms. */
int sink_wait(sink *k, int n, int timeout_ms);
int sink_count(sink *k);
/* A copy of message i (0 first), malloc'd; NULL when there is none. */
char *sink_message(sink *k, int i);
/* Stops listening and frees it; sink_close(NULL) is a no-op. */
void sink_close(sink *k);

#endif
