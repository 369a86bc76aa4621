/* ws_int: what ws.c (the websockets and the server's context) and http.c (the plain HTTP
 * routes: /healthz and the staff login and logout forms) share. Private to those two files. */
#ifndef PLANALOUD_WS_INT_H
#define PLANALOUD_WS_INT_H

#include "ws.h"

#include <libwebsockets.h>

#define COOKIE_NAME "planaloud_staff"

struct ws {
	struct lws_context *ctx;
	struct lws_vhost *vh;
	ws_config cfg;
	lws_sorted_usec_list_t flush_sul;
	int flush_scheduled;
	struct lws_http_mount mount_health, mount_auth, mount_web;
	char web_origin[4096];
};

/* One HTTP request to /staff/auth/: its form while the body arrives, then (a login) while its
 * password is checked off the loop, then its answer until the connection may be written. */
typedef struct http_req {
	struct lws *wsi;
	struct lws_spa *spa;
	int route; /* ROUTE_LOGIN or ROUTE_LOGOUT */
	int has_token;
	unsigned char token[USERS_TOKEN_BYTES];
	char peer[64];
	size_t body_bytes;	 /* of the form so far */
	int too_big;		 /* answered 413: the rest of the body is not read */
	struct hasher *checking; /* the hasher the login's password is in, or NULL */
	int answer_ready;	 /* location (and cookie) wait for the connection to be writeable */
	char location[64];
	char cookie[160];
} http_req;

enum { ROUTE_NONE, ROUTE_LOGIN, ROUTE_LOGOUT };

enum { FIELD_NAME, FIELD_PASSWORD };

/* The HTTP routes' lws callback (http.c); its per-request data is an http_req. */
int http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
		  size_t len);

/* Commits the kiosk's open batch, if any (ws.c): before anything that answers at once. */
void commit_batch(ws *w);
/* 1 when the request's Host names this server and its Origin, if any, is this server's own. */
int origin_ok(const ws *w, struct lws *wsi);
/* The address the request came from, as limits count it: for now the peer's own address. 0, or -1
 * (out is then ""). */
int client_address(const ws *w, struct lws *wsi, char *out, size_t len);
/* The staff session token in the request's cookie: 0 and token, or -1 when there is none. */
int staff_cookie(struct lws *wsi, unsigned char token[USERS_TOKEN_BYTES]);

#endif
