/* message: the wire envelope the kiosk's protocol and the staff's share. A message from a browser
 * is bounded before it is trusted (at most MESSAGE_MAX_BYTES, valid UTF-8, at most
 * MESSAGE_MAX_DEPTH levels of nesting, exactly one JSON object as RFC 8259 writes it: no control
 * byte in a string, no white space but space, tab, CR and LF, and no \u0000 (C strings would
 * silently cut it short), a `seq` that is a whole number when present), then routed by
 * its `type` through the protocol's table of handlers; every failure becomes one error reply,
 * carrying the request's seq. How a connection is written to (message_io) is given by ws.c. */
#ifndef PLANALOUD_MESSAGE_H
#define PLANALOUD_MESSAGE_H

#include <cjson/cJSON.h>
#include <stddef.h>

#define MESSAGE_MAX_BYTES 65536 /* one message from a browser, whole */
#define MESSAGE_MAX_DEPTH 8	/* levels of nesting in it */

/* How a protocol writes to a connection (ws.c gives one; tests record what is sent). */
typedef struct message_io {
	/* Queues one text message (copied) to the connection. close_after: close the connection
	 * normally once this message has gone. Returns 0, or -1 when it could not be queued. */
	int (*send)(void *conn, const char *data, size_t len, int close_after);
	/* Queues one binary message of head then data (both copied): narration audio. May be
	 * NULL (no audio sent). */
	int (*send_binary)(void *conn, const void *head, size_t head_len, const void *data,
			   size_t len);
} message_io;

/* The parsed object (the caller frees it with cJSON_Delete), with *seq the message's `seq` or -1.
 * NULL with *code the error code for the browser: "bad-utf8", "too-deep", "bad-json" (also for a
 * control byte or a NUL, raw or as \u0000) or "bad-message" (a broken seq, or any message in a
 * binary frame: browsers send JSON as text). */
cJSON *message_parse(const char *msg, size_t len, int binary, int max_depth, long long *seq,
		     const char **code);

/* The string field `name` of m, or NULL when absent or not a string. Borrowed from m. */
const char *message_str(const cJSON *m, const char *name);
/* 1 when v is a whole number from min up to 2^53 - 1 (all a double holds exactly). */
int message_whole(const cJSON *v, double min);
/* A whole number >= 1 in field `name`: 0 when absent, -1 when present but not one. */
long long message_id(const cJSON *m, const char *name);

/* The error a handler failed with, for the reply: a code, and at most one {blank} of its message
 * filled with a number. */
typedef struct message_error {
	const char *code;  /* NULL: none */
	const char *kv[3]; /* name, value, NULL; or NULL */
	char value[32];
} message_error;

/* Sets e to code, with {name} filled with value when name is not NULL. Returns -1, for handlers to
 * return. */
int message_fail(message_error *e, const char *code, const char *name, long long value);
/* Adds "seq" to msg when seq >= 0 (a reply carries its request's seq). */
void message_add_seq(cJSON *msg, long long seq);

/* ---- routing: one table of handlers per protocol ---- */

/* A handler gets its protocol's session, the message and its seq (-1: none). 0 when it has
 * answered; -1 with the session's message_error set (message_fail) for the error reply. */
typedef int (*message_handler_fn)(void *session, const cJSON *m, long long seq);

typedef struct message_route {
	const char *type; /* the message's "type" */
	message_handler_fn fn;
	unsigned need; /* what the protocol checks before the handler runs (its flags or action) */
} message_route;

typedef struct message_protocol {
	const message_route *routes;
	size_t nroutes;
	/* Before a handler runs: 0 to run it, or -1 with e set (then it does not run). NULL: all
	 * admitted. */
	int (*admit)(void *session, const message_route *r, message_error *e);
	/* After the handler, with its result; returns the final one (a write that could not be
	 * kept fails the request). NULL: the handler's result stands. */
	int (*done)(void *session, const message_route *r, int rc, message_error *e);
	/* Sends the error reply for e (its code, and {name} values) with seq (-1: none). */
	void (*reply_error)(void *session, const message_error *e, long long seq);
} message_protocol;

/* The route for type, or NULL. */
const message_route *message_route_find(const message_protocol *mp, const char *type);
/* One whole message from a browser: bounded, parsed, routed, admitted and handled; every
 * failure replied through mp->reply_error. e is the session's, cleared first. */
void message_handle(const message_protocol *mp, void *session, message_error *e, const char *msg,
		    size_t len, int binary);
/* The browser sent more than MESSAGE_MAX_BYTES: replies too-big, naming the limit. */
void message_too_big(const message_protocol *mp, void *session, message_error *e);

#endif
