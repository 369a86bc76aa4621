/* log: one line per event worth knowing, in logfmt on standard error, which journald keeps:
 *
 *   level=warn event=code-budget address=203.0.113.0/24 guesses=600 window_s=600
 *
 * Never a person's words, names, answers or plan codes: callers pass kinds, counts, ids and
 * addresses only. Values with a space, '"' or '=' are quoted; control bytes become '?'. Safe from
 * any thread (each line is written with one call). */
#ifndef PLANALOUD_LOG_H
#define PLANALOUD_LOG_H

#include <stdarg.h>

typedef enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR } log_level;

/* Writes "level=... event=EVENT" then the pairs: fmt is a printf format for the rest of the line
 * ("guesses=%d address=%s"), or NULL for none. Values from outside (an address) go through
 * log_value() first. */
void log_event(log_level level, const char *event, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Lines below this level are not written (default LOG_INFO: LOG_DEBUG's lines, one per message,
 * are for following one action). */
void log_set_level(log_level level);
/* 1 when a line at level would be written. */
int log_enabled(log_level level);
/* A level by its name ("debug", "info", "warn", "error"): 0, or -1 when it is none of them. */
int log_level_parse(const char *name, log_level *out);

/* The request id: every line written on this thread between log_request_begin and
 * log_request_end ends "conn=C req=R", so that the lines of one action (a websocket message and
 * what it caused, an HTTP request, a login whose password is checked later) can be found
 * together. conn is the connection's number (0: none); the request's number is returned, unique
 * within this run of the server. log_request_resume makes an earlier request current again (its
 * answer comes later, on the same thread). Thread-local: the loop's lines only. */
unsigned long long log_request_begin(unsigned long long conn);
void log_request_resume(unsigned long long conn, unsigned long long req);
void log_request_end(void);
/* The next connection number (1, 2, ...), for log_request_begin. */
unsigned long long log_connection_number(void);

/* A value made safe for a logfmt line into out (quoted when it must be; cut to fit). out. */
const char *log_value(const char *value, char *out, unsigned long outlen);

/* For tests: where lines go instead of standard error (fn NULL: standard error again). The line
 * is borrowed for the call and has no newline. */
typedef void (*log_sink_fn)(void *ctx, log_level level, const char *line);
void log_set_sink(log_sink_fn fn, void *ctx);

#endif
