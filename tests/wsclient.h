/* wsclient: what the integration tests need to drive the real server from outside.
 *
 * A small blocking websocket client over a raw TCP socket (RFC 6455, not libwebsockets), so that
 * a test can send what a browser never would: invalid UTF-8, binary and fragmented frames,
 * oversized messages, forged Origin headers. Plus: an HTTP GET and POST, and small readers for
 * the JSON that comes back. Starting the server is testsrv.h's; the benchmark uses both.
 *
 * Everything is on loopback and single-threaded. Timeouts are in milliseconds. */
#ifndef PLANALOUD_WSCLIENT_H
#define PLANALOUD_WSCLIENT_H

#include "testsrv.h" /* the tests that drive the server start it with testsrv */

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/types.h>

/* ---- the websocket client ---- */

typedef struct wsclient wsclient;

typedef struct wsclient_opts {
	const char *origin;	 /* the Origin header, or NULL to send none (not a browser) */
	const char *host_header; /* the Host header, or NULL for "HOST:PORT" */
	const char *source;	 /* the local address to connect from, or NULL (e.g. "127.0.0.2") */
} wsclient_opts;

enum {
	WS_OP_CONT = 0x0,
	WS_OP_TEXT = 0x1,
	WS_OP_BINARY = 0x2,
	WS_OP_CLOSE = 0x8,
	WS_OP_PING = 0x9,
	WS_OP_PONG = 0xA,
};

/* Opens a websocket to ws://host:port/ws with the subprotocol "planaloud", checking the 101
 * status line and Sec-WebSocket-Accept. opts may be NULL. Returns NULL when the server refuses or
 * cannot be reached; *http_status (when not NULL) gets the HTTP status the server answered with
 * (101 on success, 0 when no status line came back). Free with wsclient_free(). */
wsclient *wsclient_open(const char *host, int port, const wsclient_opts *opts, int *http_status);
/* wsclient_open asking for another subprotocol ("planaloud-staff") and sending a Cookie header
 * (cookie: "name=value", or NULL for none). */
wsclient *wsclient_open_as(const char *host, int port, const wsclient_opts *opts,
			   const char *subprotocol, const char *cookie, int *http_status);
/* wsclient_open asking for subprotocol (NULL: asking for none) and sending extra_headers: whole
 * "Name: value\r\n" lines (e.g. "X-Forwarded-For: 198.51.100.1\r\n"), or NULL. */
wsclient *wsclient_open_with(const char *host, int port, const wsclient_opts *opts,
			     const char *subprotocol, const char *extra_headers, int *http_status);
/* wsclient_open with only an Origin header (NULL for none). */
wsclient *wsclient_connect(const char *host, int port, const char *origin);
/* Closes the socket without a closing handshake. wsclient_free(NULL) is a no-op. */
void wsclient_free(wsclient *c);

/* Sends one frame exactly as described: fin bit, opcode, payload; masked when `masked`
 * (clients must mask; a test may choose not to). 0, or -1 when the socket refused. */
int wsclient_send_frame(wsclient *c, int fin, int opcode, const void *payload, size_t len,
			int masked);
/* One masked text frame holding text (NUL-terminated). */
int wsclient_send_text(wsclient *c, const char *text);
/* Bytes straight onto the socket: whatever frame a test builds by hand. */
int wsclient_send_raw(wsclient *c, const void *bytes, size_t len);
/* A close frame with this status (and no reason). */
int wsclient_send_close(wsclient *c, int status);

/* The next whole message (fragments joined; pings answered; pongs skipped).
 * 1: *out gets a malloc'd, NUL-terminated copy (free() it), *len its length (len may be NULL),
 *    *binary (may be NULL) whether it came in binary frames.
 * 0: nothing (whole) arrived within timeout_ms; what had come of a fragmented message is dropped.
 * -1: the server closed (see wsclient_close_code) or the socket failed. */
int wsclient_recv(wsclient *c, int timeout_ms, char **out, size_t *len, int *binary);
/* The next message parsed as JSON; NULL on timeout, close, or text that is not JSON (which is
 * printed to stderr). cJSON_Delete() it. */
cJSON *wsclient_recv_json(wsclient *c, int timeout_ms);
/* skip: wsclient_recv_json (and what asks with it) reads and drops staff news (messages of
 * type "live" and "live_missed", which the server sends unasked), so that a test's next message is
 * the reply it waits for. Off when the client opens. */
void wsclient_skip_news(wsclient *c, int skip);
/* Sends text and returns the next message as JSON (NULL as above). */
cJSON *wsclient_ask(wsclient *c, const char *text, int timeout_ms);
/* Reads and drops messages until the server closes; returns the close status, or -1 when the
 * socket ended without a close frame or nothing came within timeout_ms. */
int wsclient_wait_close(wsclient *c, int timeout_ms);
/* The status of the server's close frame: -1 until one arrived; 1005 when it had none. */
int wsclient_close_code(const wsclient *c);
/* 1 once the server has closed or the socket ended. */
int wsclient_closed(const wsclient *c);

/* ---- reading JSON replies ---- */

/* The item at a dotted path: "page.id", "page.items.0.values.cost.text". Borrowed; NULL when
 * any step is missing. */
const cJSON *json_at(const cJSON *o, const char *path);
/* The string at path, or NULL when absent or not a string. */
const char *json_str(const cJSON *o, const char *path);
/* The number at path, or `otherwise`. */
double json_num(const cJSON *o, const char *path, double otherwise);
/* 1 for true, 0 for false, -1 when absent or not a boolean. */
int json_bool(const cJSON *o, const char *path);
/* The number of items in the array at path (0 when not an array). */
int json_count(const cJSON *o, const char *path);
/* 1 when any string anywhere inside o contains needle. */
int json_contains_text(const cJSON *o, const char *needle);
/* 1 when m is a `type` message about `what` (NULL: anything): the page's id for "page", the
 * code for "error", the status for "plan" (staff), the page for "saved" and "kept". Otherwise
 * prints m and returns 0. */
int json_is_msg(const cJSON *m, const char *type, const char *what);

/* Sends the printf-formatted message and returns the next reply (NULL on timeout or close). */
cJSON *wsclient_askf(wsclient *c, int timeout_ms, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Asks, checks the reply is `type`/`what` (json_is_msg), and frees it; returns whether it was. */
int wsclient_ask_is(wsclient *c, int timeout_ms, const char *type, const char *what,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* GET path from 127.0.0.1:port. Returns the HTTP status (-1 on failure); the raw headers and
 * the body are copied (NUL-terminated, truncated) into the buffers, which may be NULL. */
int http_get(int port, const char *path, char *headers, size_t hlen, char *body, size_t blen);

/* POSTs form (application/x-www-form-urlencoded, already encoded) to path on 127.0.0.1:port,
 * with an Origin and a Cookie header when they are not NULL. Returns the HTTP status (-1 on
 * failure); the raw header block is copied into headers (may be NULL). */
int http_post_form(int port, const char *path, const char *origin, const char *cookie,
		   const char *form, char *headers, size_t hlen);
/* The value of header `name` in a raw header block, trimmed, into out: 0, or -1 if absent. */
int http_header(const char *headers, const char *name, char *out, size_t outlen);

/* Milliseconds on a monotonic clock. */
long long now_ms(void);

#endif
