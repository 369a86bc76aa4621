/* ws: the libwebsockets server: static files from web/, /healthz, the staff login and logout
 * forms, and the websockets that carry the kiosk's protocol and the staff's. The lws callbacks
 * only reassemble, queue and write; kiosk*.c, staff.c and users.c decide. */
#ifndef PLANALOUD_WS_H
#define PLANALOUD_WS_H

#include "kiosk.h"
#include "staff.h"
#include "store.h"
#include "users.h"

#include <signal.h>

typedef struct ws_config {
	const char *listen; /* address to listen on, e.g. "127.0.0.1"; NULL for every interface */
	int port;	    /* 0: the kernel picks one (ws_port() tells which) */
	const char *web_dir;
	const char
	    *host;    /* the name browsers use to reach the server, besides localhost; or NULL */
	kiosk *proto; /* borrowed */
	store *st;    /* borrowed, for /healthz */
	/* The staff workspace (borrowed; both NULL: no staff login on this server): the login and
	 * logout forms at /staff/auth/, and websockets with the "planaloud-staff" subprotocol. */
	staff *staff;
	users *users;
	int secure_cookies; /* the server is reached over TLS (a proxy): cookies say Secure */
	/* HTTPS served here: PEM certificate (chain) and private key files, both or neither. Plain
	 * HTTP on the same port is redirected to HTTPS; every response says
	 * Strict-Transport-Security (HSTS). */
	const char *tls_cert, *tls_key;
	int redirect_port; /* with TLS, a second port for plain HTTP that redirects; 0: none */
	/* The network edge: proxies whose X-Forwarded-For / Forwarded are believed (addresses and
	 * CIDR ranges, comma-separated; NULL for none); connections held at once, in all (0: as
	 * many as the open-file limit allows, at most 20000) and per address; seconds a request
	 * has to arrive whole, and an idle websocket has before it is pinged (and as long again to
	 * answer). */
	const char *trusted_proxy;
	int max_connections;
	int max_connections_per_address;
	int timeout_seconds;
	/* /metrics (metrics.h; NULL: not served): who may read it. metrics_allow: addresses and
	 * CIDR ranges (NULL: loopback alone, unless a token is given); metrics_token_file: a file
	 * (mode 0600) holding a bearer token that also lets a scraper in (NULL: none). */
	struct metrics *metrics;
	const char *metrics_allow;
	const char *metrics_token_file;
} ws_config;

/* What the server counts about connections and logins (metrics.h reads them): the loop's. */
typedef struct ws_stats {
	long long open_tcp;			       /* TCP connections held now */
	long long open_kiosk, open_staff;	       /* of them, websockets */
	unsigned long long accepted;		       /* TCP connections accepted since start */
	unsigned long long opened_kiosk, opened_staff; /* websockets opened since start */
	unsigned long long logins_ok, logins_wrong;    /* wrong name or password */
	unsigned long long logins_refused;  /* refused before checking: waits, odd input */
	unsigned long long metrics_refused; /* scrapes refused (403 or 401) */
} ws_stats;

typedef struct ws ws;

/* Borrowed until ws_free; changes as the server runs. */
const ws_stats *ws_stats_of(const ws *w);

ws *ws_new(const ws_config *cfg, char *err, size_t errlen);
void ws_free(ws *w);
int ws_port(const ws *w);
/* The listening port that redirects to HTTPS, or 0 when there is none. */
int ws_redirect_port(const ws *w);
/* Serves until *stop becomes non-zero (ws_wake() makes the loop notice at once). */
int ws_run(ws *w, volatile sig_atomic_t *stop);
/* How the protocols send to a connection (pass to kiosk_new and staff_new). */
message_io ws_io(void);
/* How staff news is queued on a connection, bounded per connection (pass to
 * staff_set_live_send). */
staff_live_send_fn ws_news_send(void);
/* Safe from a signal handler or another thread. */
void ws_wake(ws *w);
/* A job on the loop: fn(ctx) runs first_s seconds from now (0: on the next turn), outside any
 * kiosk batch (the open one is committed first), and returns the seconds until it runs again
 * (negative: never). Several jobs may run, each on its own schedule (at most WS_JOBS, 8); ctx
 * is borrowed until ws_free. 0, or -1 when there are that many already. */
typedef long long (*ws_job_fn)(void *ctx);
int ws_every(ws *w, long long first_s, ws_job_fn fn, void *ctx);
/* Takes cfg's trusted_proxy, max_connections_per_address, metrics_allow and metrics_token_file
 * (borrowed until ws_free or the next call; the token file is read now) from now on, for
 * requests and connections that come after it: connections open now stay. Its other fields are
 * not read. 0, or -1 with the reason in err (nothing changed). */
int ws_set_edge(ws *w, const ws_config *cfg, char *err, size_t errlen);
/* The network connections open now, and of them the websockets (pages open). */
void ws_connections(const ws *w, int *connections, int *websockets);

#endif
