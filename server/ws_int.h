/* ws_int: what ws.c (the websockets and the server's context) and http.c (the plain HTTP
 * routes: /healthz and the staff login and logout forms) share. Private to those two files. */
#ifndef PLANALOUD_WS_INT_H
#define PLANALOUD_WS_INT_H

#include "limiter.h"
#include "peer.h"
#include "tally.h"
#include "ws.h"

#include <libwebsockets.h>

#define KIOSK_COOKIE_NAME "planaloud_kiosk"
#define WS_JOBS		  8 /* ws_every's jobs at most */

struct ws {
	struct lws_context *ctx;
	struct lws_vhost *vh;
	ws_config cfg;
	lws_sorted_usec_list_t flush_sul;
	int flush_scheduled;
	struct ws_job {
		lws_sorted_usec_list_t sul;
		ws *w;
		ws_job_fn fn;
		void *ctx;
	} jobs[WS_JOBS]; /* ws_every's jobs */
	size_t njobs;
	struct lws_http_mount mount_health, mount_auth, mount_enrol, mount_web;
	char web_origin[4096];
	struct lws_protocol_vhost_options hdr_hsts; /* with TLS: first of the headers */
	struct lws_vhost *redirect_vh;		    /* --redirect-port's, or NULL */
	/* The network edge (ws_edge.c) */
	peer_list *trusted;   /* proxies whose forwarding headers are believed */
	tally *conns;	      /* TCP connections, per peer address and in all */
	tally *clients;	      /* per client address (behind a proxy too): websockets, and
			       * plain HTTP connections from a trusted proxy (ws_edge.c) */
	limiter *refusals;    /* one log line per address per minute for refusals */
	struct lws *listener; /* the listening socket, once a connection came */
	lws_sorted_usec_list_t accept_sul;
	lws_retry_bo_t idle_policy; /* ping idle websockets, close those that do not answer */
	int accept_failed;	    /* accept() ran out of file descriptors */
	int accept_paused;	    /* the listener is not being polled for a moment */
	long accept_pauses;	    /* since the last log line about it */
	time_t accept_logged;
	/* What is counted (ws_stats_of), and who may read /metrics (http_metrics.c) */
	ws_stats stats;
	struct lws_http_mount mount_metrics;
	peer_list *metrics_allow;
	unsigned char metrics_token[32]; /* a hash of the bearer token, when has_metrics_token */
	int has_metrics_token;
};

/* One HTTP request to /staff/auth/: its form while the body arrives, then (a login) while its
 * password is checked off the loop, then its answer until the connection may be written. */
typedef struct http_req {
	struct lws *wsi;
	struct lws_spa *spa;
	int route; /* ROUTE_LOGIN, ROUTE_LOGOUT or ROUTE_ENROL */
	int has_token;
	unsigned char token[USERS_TOKEN_BYTES];
	char peer[64];
	size_t body_bytes;	 /* of the form so far */
	int too_big;		 /* answered 413: the rest of the body is not read */
	struct hasher *checking; /* the hasher the login's password is in, or NULL */
	int answer_ready;	 /* location (and cookie) wait for the connection to be writeable */
	char location[64];
	char cookie[160];
	unsigned long long req; /* the request's id in the log (log.h) */
} http_req;

enum { ROUTE_NONE, ROUTE_LOGIN, ROUTE_LOGOUT, ROUTE_ENROL };

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
/* The staff login cookie's name: "__Host-planaloud_staff" when browsers reach the server over
 * HTTPS (its own TLS, or --secure-cookies behind a proxy), so that only a Secure cookie set by
 * this host for Path=/ can carry it; "planaloud_staff" over plain HTTP (development). */
const char *cookie_name(const ws *w);
/* 1 when cookies must say Secure: the server is reached over HTTPS. */
int cookie_secure(const ws *w);
/* An enrolled kiosk's device cookie's name, prefixed "__Host-" as the staff cookie is. */
const char *kiosk_cookie_name(const ws *w);

/* ---- the network edge (ws_edge.c) ---- */

/* Opens the edge's tables and sets info's limits and timeouts from w->cfg. 0, or -1 (err). */
int edge_open(ws *w, struct lws_context_creation_info *info, char *err, size_t errlen);
void edge_close(ws *w);
/* The first protocol's callback (plain HTTP): refuses what the routes must never see (a
 * websocket without one of our subprotocols, methods other than GET, HEAD and POST), counts and
 * caps connections, then hands on to http_callback. */
int edge_http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
		       size_t len);
/* A new TCP connection (on either port): counted against its peer's address and in all. 0, or
 * -1 when it is over a cap (it has been answered 503 and is to be closed). */
int edge_accept(ws *w, struct lws *wsi);
/* Every connection ends here (LWS_CALLBACK_WSI_DESTROY), whatever it became. */
void edge_conn_end(ws *w, struct lws *wsi);
/* A websocket has opened: counted against its client's address (instead of the plain HTTP
 * request it was, when a trusted proxy carried it). The entry for edge_socket_closed, or NULL
 * when the socket is to be refused: its address holds too many, or it sent frames before the
 * handshake's answer (wsmask.h). */
tally_entry *edge_socket_opened(ws *w, struct lws *wsi, const char *client);
void edge_socket_closed(ws *w, tally_entry *e);
/* After each turn of the loop: pauses accepting for a moment when accept() ran out of files. */
void edge_after_service(ws *w);
/* The staff session token in the request's cookie: 0 and token, or -1 when there is none. */
int staff_cookie(const ws *w, struct lws *wsi, unsigned char token[USERS_TOKEN_BYTES]);
/* 1 when Host (name[:port]) names this server: a loopback name or the configured --host. */
int host_ok(const ws *w, const char *host);

/* ---- /metrics (http_metrics.c) ---- */

/* Who may read /metrics, from w->cfg (the token read from its file). 0, or -1 (err). */
int metrics_access_open(ws *w, char *err, size_t errlen);
void metrics_access_close(ws *w);
/* GET /metrics: the metrics, or 403 (an address not allowed) or 401 (no right token). */
int http_metrics(struct lws *wsi, ws *w);

/* With --tls-cert: TLS options, the certificate and HSTS into the context's info (ws_tls.c). */
void ws_tls_setup(ws *w, struct lws_context_creation_info *info);
/* With TLS and --redirect-port: the plain HTTP port that redirects to HTTPS, sending headers.
 * 0, or -1 with the reason in err. */
int ws_tls_redirect_open(ws *w, const struct lws_protocol_vhost_options *headers, char *err,
			 size_t errlen);
/* An enrolled kiosk's device cookie on a kiosk websocket's request, handed to its session (http.c,
 * with the enrolment route): nothing when there is none. */
void kiosk_device_pass(const ws *w, kiosk_session *sess, struct lws *wsi);

#endif
