/* ws_int: what ws.c (the websockets and the server's context) and http.c (the plain HTTP
 * routes: /healthz and the staff login and logout forms) share. Private to those two files. */
#ifndef PLANALOUD_WS_INT_H
#define PLANALOUD_WS_INT_H

#include "limiter.h"
#include "peer.h"
#include "tally.h"
#include "ws.h"

#include <libwebsockets.h>

#define COOKIE_NAME		   "planaloud_staff"
#define LOGIN_FAILURES_PER_ADDRESS 30  /* wrong logins from one address ... */
#define LOGIN_WINDOW_SECONDS	   600 /* ... in this long, before it must wait */

struct ws {
	struct lws_context *ctx;
	struct lws_vhost *vh;
	ws_config cfg;
	lws_sorted_usec_list_t flush_sul;
	int flush_scheduled;
	struct lws_http_mount mount_health, mount_auth, mount_web;
	char web_origin[4096];
	limiter *logins; /* wrong logins per address */
	/* The network edge (ws_edge.c) */
	peer_list *trusted;   /* proxies whose forwarding headers are believed */
	tally *conns;	      /* TCP connections, per peer address and in all */
	tally *sockets;	      /* websockets per client address (behind a proxy too) */
	limiter *refusals;    /* one log line per address per minute for refusals */
	struct lws *listener; /* the listening socket, once a connection came */
	lws_sorted_usec_list_t accept_sul;
	lws_retry_bo_t idle_policy; /* ping idle websockets, close those that do not answer */
	int accept_failed;	    /* accept() ran out of file descriptors */
	int accept_paused;	    /* the listener is not being polled for a moment */
	long accept_pauses;	    /* since the last log line about it */
	time_t accept_logged;
};

/* One HTTP request to /staff/auth/: its form, while the body arrives. */
typedef struct http_req {
	struct lws_spa *spa;
	int route; /* ROUTE_LOGIN or ROUTE_LOGOUT */
	int has_token;
	unsigned char token[USERS_TOKEN_BYTES];
	char peer[64];
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
/* The address the request came from, as limits count it: the peer's own, or behind a trusted
 * proxy the client's from X-Forwarded-For or Forwarded (peer.h); IPv6 grouped by /64. 0, or -1
 * (out is then ""). out should have PEER_LEN bytes. */
int client_address(const ws *w, struct lws *wsi, char *out, size_t len);

/* ---- the network edge (ws_edge.c) ---- */

/* Opens the edge's tables and sets info's limits and timeouts from w->cfg. 0, or -1 (err). */
int edge_open(ws *w, struct lws_context_creation_info *info, char *err, size_t errlen);
void edge_close(ws *w);
/* The first protocol's callback (plain HTTP): refuses what the routes must never see (a
 * websocket without one of our subprotocols, methods other than GET, HEAD and POST), counts and
 * caps connections, then hands on to http_callback. */
int edge_http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
		       size_t len);
/* A websocket has opened: counted against its client's address. The entry for
 * edge_socket_closed, or NULL when the socket is to be refused: its address holds too many, or
 * it sent frames before the handshake's answer (wsmask.h). */
tally_entry *edge_socket_opened(ws *w, struct lws *wsi, const char *client);
void edge_socket_closed(ws *w, tally_entry *e);
/* After each turn of the loop: pauses accepting for a moment when accept() ran out of files. */
void edge_after_service(ws *w);
/* The staff session token in the request's cookie: 0 and token, or -1 when there is none. */
int staff_cookie(struct lws *wsi, unsigned char token[USERS_TOKEN_BYTES]);

#endif
