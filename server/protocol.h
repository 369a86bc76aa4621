/* protocol: the JSON messages of docs/protocol.md. It bounds and parses what arrives, finds the
 * handler in a table, and answers; it knows nothing of websockets (ws.c hands it whole messages
 * and gives it a send function).
 *
 * Replies that acknowledge a change are held until the batch holding the change has committed:
 * ws.c calls protocol_flush() once the messages that arrived together have been handled, and
 * the held replies go out only if the commit succeeded. */
#ifndef PLANALOUD_PROTOCOL_H
#define PLANALOUD_PROTOCOL_H

#include "content.h"
#include "message.h"
#include "narrate.h"
#include "store.h"

#include <stddef.h>

typedef struct protocol protocol;
typedef struct session session;

typedef struct protocol_config {
	int idle_seconds;     /* kiosk: no input for this long brings the warning */
	int warn_seconds;     /* kiosk: the warning's countdown */
	int address_failures; /* wrong codes allowed from one address ... */
	int address_window;   /* ... in this many seconds */
} protocol_config;

/* content, st and key are borrowed for the protocol's lifetime. NULL when memory runs out. */
protocol *protocol_new(const content *c, store *st, const unsigned char *code_key,
		       const protocol_config *cfg, message_io io);
void protocol_free(protocol *p);

/* A new connection: sends hello and the welcome page. address is the peer's, for rate limits. */
session *protocol_session_open(protocol *p, void *conn, const char *address);
/* The connection has gone. Changes already made stay in the batch and are committed. */
void protocol_session_close(session *s);

/* One whole message from the browser. binary: it came in a binary frame. */
void protocol_handle(session *s, const char *msg, size_t len, int binary);
/* The browser sent more than MESSAGE_MAX_BYTES bytes: says so; ws.c then closes (1009). */
void protocol_too_big(session *s);

/* Narration, once the synthesis thread runs (borrowed). Without it, narrate gets no-sound. */
void protocol_set_narrator(protocol *p, narrator *n);
/* Starts reading every fixed easy-read text into the audio cache, for every voice at normal
 * speed, a few at a time in the background. */
void protocol_prerender(protocol *p);
/* How far that has got: texts done and texts in all. */
void protocol_prerender_progress(const protocol *p, size_t *done, size_t *total);
/* The synthesis thread has finished something: sends finished narrations to their sessions. */
void protocol_narrations_ready(protocol *p);

/* 1 when changes wait for protocol_flush(). */
int protocol_batch_open(const protocol *p);
/* Commits the batch and releases the held replies. -1 (reason in err) when the commit failed:
 * then every waiting session is told nothing was saved and shown its page again. */
int protocol_flush(protocol *p, char *err, size_t errlen);

#endif
