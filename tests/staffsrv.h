/* staffsrv: what the integration tests of the staff workspace share (test_staff_server.c,
 * test_data_server.c): the real server in a temporary data folder with casey (caseworker),
 * morgan (manager) and ada (admin) made before it starts, logging in over HTTP as the login form
 * does, staff and kiosk websockets, and counting rows in the database beside the server. */
#ifndef PLANALOUD_STAFFSRV_H
#define PLANALOUD_STAFFSRV_H

#include "auth.h"
#include "testsrv.h"
#include "wsclient.h"

#include <sqlite3.h>
#include <stddef.h>

#define WAIT_MS 8000
#define HOST	"127.0.0.1"

/* Spaces are the only letters here that a form must encode (as +). */
#define CASEY_PW  "casey long password"
#define MORGAN_PW "morgan long password"
#define ADA_PW	  "ada long password"

extern testsrv srv;
extern char dir[64];	/* the data folder (the test's main() makes it) */
extern char origin[64]; /* the server's own, as a browser on it sends */

#define ask(c, ...)		   wsclient_askf((c), WAIT_MS, __VA_ARGS__)
#define ask_is(c, type, what, ...) wsclient_ask_is((c), WAIT_MS, (type), (what), __VA_ARGS__)
#define is_msg			   json_is_msg

/* A staff user made before the server starts. */
typedef struct staffsrv_user {
	const char *name;
	auth_role role;
	const char *pw;
} staffsrv_user;

/* The login form's body for name and password (spaces as +), into out. */
void login_form(const char *name, const char *password, char *out, size_t n);
/* Logs in over HTTP; the cookie ("planaloud_staff=...") into cookie. 0, or -1. */
int login(const char *name, const char *password, char *cookie, size_t n);
/* A staff websocket with this cookie (NULL: none). It drops the news the server sends unasked
 * (wsclient_skip_news), so that each ask gets its reply. */
wsclient *staff_ws(const char *cookie, int *status);
/* Logged in as name, with the staff websocket open and `me` answered; NULL when not. */
wsclient *staff_as(const char *name, const char *pw);
/* A kiosk connection that has read hello and the welcome page. */
wsclient *kiosk(void);
/* A kiosk with the plan open by its code, the person writing for themselves. */
wsclient *kiosk_open(const char *code, const char *expect_page);
/* Makes casey, morgan and ada, then extra (ended by a NULL name; may be NULL) in dir's database.
 * 0, or -1. */
int users_setup(const staffsrv_user *extra);
/* A test's start: a new data folder /tmp/planaloud-NAME-XXXXXX (into dir), the users
 * (users_setup(extra)), the server started there without --demo, and origin set. 0; or -1, with
 * what was made removed. */
int staffsrv_start(const char *name, const staffsrv_user *extra);
/* The data folder and everything in it, at the test's end. */
void staffsrv_remove_dir(void);
/* The database, opened alongside the running server. */
sqlite3 *db_open(void);
/* A count from the database, with plan bound to ?1 when the query has it; -1 on failure. */
long long db_count(const char *sql, long long plan);

#endif
