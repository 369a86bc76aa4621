/* message: one JSON message from a browser, bounded before it is trusted. Both the kiosk's
 * protocol (protocol.c) and the staff's (staff.c) take their messages in through here: valid
 * UTF-8, at most max_depth levels of nesting, exactly one JSON object, no \u0000 in strings (C
 * strings would silently cut them short), and a `seq` that is a whole number when present. */
#ifndef PLANALOUD_MESSAGE_H
#define PLANALOUD_MESSAGE_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* The parsed object (the caller frees it with cJSON_Delete), with *seq the message's `seq` or -1.
 * NULL with *code the error code for the browser: "bad-utf8", "too-deep", "bad-json" or
 * "bad-message" (also for any message in a binary frame: browsers send JSON as text). */
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
	const char *code; /* NULL: none */
	const char *kv[3]; /* name, value, NULL; or NULL */
	char value[32];
} message_error;

/* Sets e to code, with {name} filled with value when name is not NULL. Returns -1, for handlers to
 * return. */
int message_fail(message_error *e, const char *code, const char *name, long long value);

#endif
