/* staff: the staff workspace's messages (docs/staff.md). A sibling of the kiosk's protocol on the
 * same envelope (message.c bounds and parses what arrives, finds the handler in a route table and
 * answers errors); before any handler runs it checks, in one place, that the session's login is
 * still alive (users.c) and that the user's role may take the handler's action (auth.c). It knows
 * nothing of websockets: ws.c hands it whole messages from connections that used the
 * "planaloud-staff" subprotocol, with the session token from their cookie. The files behind it
 * share staff_int.h.
 *
 * Staff changes commit at once, each with its audit row in the same transaction; ws.c commits
 * the kiosk's open batch first, so the two never share a transaction. */
#ifndef PLANALOUD_STAFF_H
#define PLANALOUD_STAFF_H

#include "alerts.h"
#include "content.h"
#include "languages.h"
#include "message.h"
#include "store.h"
#include "users.h"

#include <stddef.h>

typedef struct staff staff;
typedef struct staff_session staff_session;

/* c, st, u and code_key are borrowed for the staff's lifetime. NULL when memory runs out. */
staff *staff_new(const content *c, store *st, users *u, const unsigned char *code_key,
		 message_io io);
void staff_free(staff *sf);
/* Serves c (borrowed until staff_free or the next call) from now on, alone (English): it must
 * have the same pages in the same order as the content before. */
void staff_set_content(staff *sf, const content *c);
/* Serves l's languages (borrowed until staff_free or the next call) from now on: English
 * (languages_reference, which replaces the content) for the staff's own words, and every one
 * for the plans written in it and the invitation letters printed in it (staff_lang.c). English
 * must have the same pages in the same order as the content before. Without this call, English
 * alone. */
void staff_set_languages(staff *sf, const languages *l);

/* The clock that says what day it is (reviews, sign-off dates): seconds since 1970. */
typedef long long (*staff_clock_fn)(void *ctx);
/* For tests: a clock other than the real one (fn NULL: the real one again). */
void staff_set_clock(staff *sf, staff_clock_fn fn, void *ctx);
/* The duty team's alerts (borrowed; NULL: none set up), for the Alerts page to say how they go. */
void staff_set_alerts(staff *sf, const alerts *al);

/* What the running server says of itself on the admins' health page (staff_service.c). */
typedef struct staff_health {
	const char *version; /* borrowed; NULL: not known */
	long long started_s; /* when the server started: seconds since 1970 (preset: staff_new's) */
	int connections;     /* network connections open now */
	int websockets;	     /* of them, pages open (kiosks and staff) */
} staff_health;
/* Fills what it knows of *out, on the loop's thread, each time the health page is asked for. */
typedef void (*staff_health_fn)(void *ctx, staff_health *out);
void staff_set_health(staff *sf, staff_health_fn fn, void *ctx);

/* A new staff connection. token (may be NULL: no cookie) is the session token from its cookie.
 * Without a live login the session says login-needed and asks ws.c to close; it is still
 * returned (NULL only when memory runs out). */
staff_session *staff_session_open(staff *sf, void *conn, const char *address,
				  const unsigned char *token);
void staff_session_close(staff_session *ss);

/* One whole message from the staff page. binary: it came in a binary frame. */
void staff_handle(staff_session *ss, const char *msg, size_t len, int binary);
/* The page sent more than MESSAGE_MAX_BYTES bytes: says so; ws.c then closes (1009). */
void staff_too_big(staff_session *ss);

/* ---- news as it happens (staff_live.c; docs/staff.md, "News as it happens") ---- */

/* How news is queued on a connection (ws.c gives one): as message_io.send, but bounded per
 * connection. 0 queued; 1 not queued, because as much news as a connection may hold is still
 * waiting to go (a slow page); -1 failed. Without one, news goes through message_io.send. */
typedef int (*staff_live_send_fn)(void *conn, const char *data, size_t len);
void staff_set_live_send(staff *sf, staff_live_send_fn fn);

/* What a person did, now committed, that staff should see at once: what is "safeguarding" or
 * "advocacy" (a flag raised), "review" (a review asked for) or "submitted" (the plan sent).
 * Every open staff page whose login is alive and whose role may see the caseload gets a `live`
 * message naming the plan as its caseload row does; a page whose news has overflowed gets one
 * `live_missed` and no more news until it reads the caseload again. On the loop; reads the
 * store (outside any transaction); never blocks on a connection. */
void staff_live_tell(staff *sf, long long plan, const char *what);

#endif
