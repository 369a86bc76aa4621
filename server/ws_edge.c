/* ws_edge: the server's network edge, in front of the HTTP routes (http.c) and the websockets
 * (ws.c): which address a request counts as (behind a trusted proxy, the client's), how many
 * connections an address and everyone may hold, how long a request may take to arrive and an
 * idle websocket may stay without answering a ping, which methods and subprotocols are served,
 * and what happens when the process runs out of file descriptors. */
#include "ws_int.h"

#include "err.h"
#include "log.h"
#include "wsmask.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sodium.h>

#define FD_RESERVE	   64	  /* files besides connections: database, key, audio, pipes */
#define CONNECTIONS_MAX	   20000  /* the default ceiling, when the open-file limit is higher */
#define ACCEPT_PAUSE_US	   200000 /* out of files: stop accepting for this long */
#define REFUSAL_LOG_EVERY  60	  /* seconds: one log line per address per minute */
#define FORWARD_HEADER_MAX 8192	  /* longer forwarding headers are not read */
/* A library's kiosks or a council office's staff may all share one public address (NAT): room
 * for them, while one address still cannot take every connection there is. */
#define PER_ADDRESS_DEFAULT 256

static const char too_busy[] = "HTTP/1.1 503 Service Unavailable\r\n"
			       "content-length: 0\r\n"
			       "connection: close\r\n\r\n";
static const char method_not_allowed[] = "HTTP/1.1 405 Method Not Allowed\r\n"
					 "allow: GET, HEAD, POST\r\n"
					 "content-length: 0\r\n"
					 "connection: close\r\n\r\n";

/* One TCP connection, from its accept() to its end (the wsi's opaque user data). */
typedef struct edge_conn {
	tally_entry *peer;	   /* in w->conns, under the peer's address */
	tally_entry *client;	   /* from a trusted proxy: in w->clients, for its last request */
	char client_key[PEER_LEN]; /* that request's client */
	int proxied;		   /* the peer is a trusted proxy */
} edge_conn;

/* libwebsockets logs through one process-wide function; it tells this server (the only one a
 * process runs) that accept() failed. */
static ws *log_owner;

/* ---- the client's address ---- */

/* A copy of a header's value (free() it), or NULL when absent or too long to read. */
static char *header_copy(struct lws *wsi, enum lws_token_indexes token, const char *custom)
{
	int len = custom ? lws_hdr_custom_length(wsi, custom, (int)strlen(custom))
			 : lws_hdr_total_length(wsi, token);
	char *s;

	if (len < 0 || (!custom && len == 0) || len > FORWARD_HEADER_MAX)
		return NULL;
	s = malloc((size_t)len + 1);
	if (!s)
		return NULL;
	if ((custom ? lws_hdr_custom_copy(wsi, s, len + 1, custom, (int)strlen(custom))
		    : lws_hdr_copy(wsi, s, len + 1, token)) < 0) {
		free(s);
		return NULL;
	}
	s[len] = '\0';
	return s;
}

int client_address(const ws *w, struct lws *wsi, char *out, size_t len)
{
	char peer[PEER_LEN] = "", *xff = NULL, *forwarded = NULL;
	int rc;

	lws_get_peer_simple(wsi, peer, sizeof(peer));
	if (peer_list_has(w->trusted, peer)) {
		xff = header_copy(wsi, WSI_TOKEN_X_FORWARDED_FOR, NULL);
		if (!xff)
			forwarded = header_copy(wsi, WSI_TOKEN_COUNT, "forwarded:");
	}
	rc = peer_client(w->trusted, peer, xff, forwarded, out, len);
	free(xff);
	free(forwarded);
	return rc;
}

/* ---- how many connections ---- */

/* A refusal, logged at most once a minute per address (an attack must not become a log flood). */
static void log_refused(ws *w, const char *why, const char *address)
{
	char quoted[PEER_LEN + 8];
	time_t now = time(NULL);

	if (limiter_wait(w->refusals, address, now) > 0)
		return;
	limiter_fail(w->refusals, address, now);
	log_event(LOG_WARN, "connection-refused", "reason=%s address=%s connections=%d", why,
		  log_value(address, quoted, sizeof(quoted)), tally_total(w->conns));
}

/* Answers 503 on a fresh socket (nothing of the request has been read: this takes it whole). */
static void send_too_busy(struct lws *wsi)
{
	(void)send(lws_get_socket_fd(wsi), too_busy, sizeof(too_busy) - 1,
		   MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* A new TCP connection: counted against its peer's address and in all, or refused with a 503.
 * A trusted proxy's connections are not held to the per-address cap: each of its requests is
 * counted against its client once the headers are read (edge_request). */
int edge_accept(ws *w, struct lws *wsi)
{
	char peer[PEER_LEN] = "", address[PEER_LEN];
	edge_conn *ec = calloc(1, sizeof(*ec));

	lws_get_peer_simple(wsi, peer, sizeof(peer));
	if (peer_group(peer, address, sizeof(address)))
		snprintf(address, sizeof(address), "unknown");
	if (ec) {
		ec->proxied = peer_list_has(w->trusted, peer);
		ec->peer = tally_take(w->conns, address, !ec->proxied);
	}
	if (!ec || !ec->peer) {
		free(ec);
		send_too_busy(wsi);
		log_refused(w,
			    tally_total(w->conns) >= w->cfg.max_connections ? "server-full"
									    : "address-full",
			    address);
		return -1;
	}
	lws_set_opaque_user_data(wsi, ec);
	w->stats.accepted++;
	w->stats.open_tcp++;
	wsmask_watch(lws_get_socket_fd(wsi));
	return 0;
}

/* A plain HTTP request's headers have come. From a trusted proxy, the connection now counts
 * against this request's client rather than the one before (if another), until it closes or
 * carries another client's request: 0, or -1 when that client holds its share already (the
 * request is refused). From anyone else nothing changes (counted at accept). */
static int edge_request(ws *w, struct lws *wsi)
{
	edge_conn *ec = lws_get_opaque_user_data(wsi);
	char client[PEER_LEN];
	tally_entry *e;

	if (!ec || !ec->proxied)
		return 0;
	if (client_address(w, wsi, client, sizeof(client)))
		snprintf(client, sizeof(client), "unknown");
	if (ec->client && strcmp(ec->client_key, client) == 0)
		return 0;
	e = tally_take(w->clients, client, 1);
	if (!e) {
		log_refused(w, "address-full", client);
		return -1;
	}
	tally_drop(w->clients, ec->client);
	ec->client = e;
	snprintf(ec->client_key, sizeof(ec->client_key), "%s", client);
	return 0;
}

tally_entry *edge_socket_opened(ws *w, struct lws *wsi, const char *client)
{
	edge_conn *ec = lws_get_network_wsi(wsi) == wsi ? lws_get_opaque_user_data(wsi) : NULL;
	tally_entry *e;

	if (ec && ec->client) { /* the request it was is now this websocket */
		tally_drop(w->clients, ec->client);
		ec->client = NULL;
	}
	e = tally_take(w->clients, client[0] ? client : "unknown", 1);
	if (!e) {
		log_refused(w, "address-full", client);
		return NULL;
	}
	/* Frames follow the handshake (over HTTP/2 they come inside its own frames: not followed)
	 */
	if (lws_get_network_wsi(wsi) == wsi && wsmask_frames_start(lws_get_socket_fd(wsi))) {
		tally_drop(w->clients, e);
		return NULL;
	}
	/* Live browsers answer pings: the ping after timeout_seconds idle keeps them; a socket
	 * whose other end has gone is closed when no answer comes. */
	lws_validity_confirmed(wsi);
	return e;
}

void edge_socket_closed(ws *w, tally_entry *e)
{
	if (e)
		tally_drop(w->clients, e);
}

void edge_conn_end(ws *w, struct lws *wsi)
{
	edge_conn *ec = lws_get_opaque_user_data(wsi);

	if (!ec)
		return;
	w->stats.open_tcp--;
	tally_drop(w->conns, ec->peer);
	tally_drop(w->clients, ec->client);
	free(ec);
	lws_set_opaque_user_data(wsi, NULL);
}

/* ---- out of file descriptors ---- */

static void lws_log_line(int level, const char *line)
{
	const char *at = strstr(line, "accept: errno ");

	/* a websocket refused by a filter here (Origin, Host, subprotocol): a line for each would
	 * let anyone fill the log */
	if (strstr(line, "User code denied connection"))
		return;
	if (at && log_owner) {
		int e = atoi(at + 14);

		if (e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM) {
			log_owner->accept_failed = 1; /* edge_after_service pauses accepting */
			return;
		}
	}
	lwsl_emit_stderr(level, line);
}

static void accept_resume(lws_sorted_usec_list_t *sul)
{
	ws *w = lws_container_of(sul, ws, accept_sul);

	w->accept_paused = 0;
	if (w->listener)
		lws_rx_flow_control(w->listener, 1);
}

/* accept() failing leaves the waiting connection in the queue, so the listener polls ready again
 * at once: without a pause the loop spins (and libwebsockets logs each failure). */
void edge_after_service(ws *w)
{
	time_t now;

	if (!w->accept_failed)
		return;
	w->accept_failed = 0;
	if (w->accept_paused || !w->listener)
		return;
	lws_rx_flow_control(w->listener, 0);
	w->accept_paused = 1;
	w->accept_pauses++;
	lws_sul_schedule(w->ctx, 0, &w->accept_sul, accept_resume, ACCEPT_PAUSE_US);
	now = time(NULL);
	if (now - w->accept_logged >= REFUSAL_LOG_EVERY) {
		log_event(LOG_WARN, "accept-paused",
			  "reason=out-of-files pauses=%ld connections=%d pause_ms=%d",
			  w->accept_pauses, tally_total(w->conns), ACCEPT_PAUSE_US / 1000);
		w->accept_pauses = 0;
		w->accept_logged = now;
	}
}

/* ---- the first protocol ---- */

static int method_allowed(struct lws *wsi)
{
	return lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) ||
	       lws_hdr_total_length(wsi, WSI_TOKEN_POST_URI) ||
	       lws_hdr_total_length(wsi, WSI_TOKEN_HEAD_URI);
}

/* 405 with the methods that are served; the connection then closes. */
static int refuse_method(struct lws *wsi)
{
	unsigned char out[LWS_PRE + 1024], *start = out + LWS_PRE, *p = start,
					   *end = out + sizeof(out);
	static const char allow[] = "GET, HEAD, POST";

	/* 1 closes the connection whether or not the answer could be written */
	if (lws_add_http_header_status(wsi, HTTP_STATUS_METHOD_NOT_ALLOWED, &p, end) ||
	    lws_add_http_header_by_name(
		wsi, (const unsigned char *)"allow:", (const unsigned char *)allow,
		(int)sizeof(allow) - 1, &p, end) ||
	    lws_add_http_header_content_length(wsi, 0, &p, end) ||
	    lws_finalize_write_http_header(wsi, start, &p, end))
		return 1;
	return 1;
}

/* 503: this request's client holds its share of connections; the connection then closes. */
static int refuse_busy(struct lws *wsi)
{
	unsigned char out[LWS_PRE + 2048], *start = out + LWS_PRE, *p = start,
					   *end = out + sizeof(out);

	if (lws_add_http_header_status(wsi, HTTP_STATUS_SERVICE_UNAVAILABLE, &p, end) ||
	    lws_add_http_header_by_token(wsi, WSI_TOKEN_CONNECTION, (const unsigned char *)"close",
					 5, &p, end) ||
	    lws_add_http_header_content_length(wsi, 0, &p, end) ||
	    lws_finalize_write_http_header(wsi, start, &p, end))
		return 1;
	return 1;
}

int edge_http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
		       size_t len)
{
	ws *w = lws_context_user(lws_get_context(wsi));
	unsigned char out[LWS_PRE + sizeof(method_not_allowed)];

	switch (reason) {
	case LWS_CALLBACK_FILTER_NETWORK_CONNECTION: /* wsi is the listening socket */
		w->listener = wsi;
		return 0;
	case LWS_CALLBACK_SERVER_NEW_CLIENT_INSTANTIATED:
		return edge_accept(w, wsi);
	case LWS_CALLBACK_WSI_DESTROY: /* every connection ends here, whatever it became */
		edge_conn_end(w, wsi);
		break;
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		/* A websocket lands here when it asked for no subprotocol, or for "http": only
		 * "planaloud" and "planaloud-staff" are served. */
		return 1;
	case LWS_CALLBACK_FILTER_HTTP_CONNECTION:
		if (!method_allowed(wsi))
			return refuse_method(wsi);
		if (edge_request(w, wsi))
			return refuse_busy(wsi);
		break;
	case LWS_CALLBACK_RAW_ADOPT:
		/* CONNECT, or a method libwebsockets does not know (TRACE...), left HTTP for a raw
		 * socket: answer it, and close. */
		lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK, w->cfg.timeout_seconds);
		lws_callback_on_writable(wsi);
		return 0;
	case LWS_CALLBACK_RAW_WRITEABLE:
		memcpy(out + LWS_PRE, method_not_allowed, sizeof(method_not_allowed) - 1);
		lws_write(wsi, out + LWS_PRE, sizeof(method_not_allowed) - 1, LWS_WRITE_RAW);
		return -1;
	case LWS_CALLBACK_RAW_RX:
	case LWS_CALLBACK_RAW_CLOSE:
		return 0;
	default:
		break;
	}
	return http_callback(wsi, reason, user, in, len);
}

/* ---- opening ---- */

int edge_open(ws *w, struct lws_context_creation_info *info, char *err, size_t errlen)
{
	struct rlimit rl;
	int files = 1024, room;
	ws_config *c = &w->cfg;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		files = rl.rlim_cur > INT_MAX ? INT_MAX : (int)rl.rlim_cur;
	/* By default the cap comes before the open-file limit: a connection over it is accepted and
	 * closed at once, so accept() does not run out of files (edge_after_service is for when
	 * something else holds them). libwebsockets' own fd_limit_per_thread would do it too, but
	 * below the limit it looks sockets up by a linear search. */
	room = files - (files / 4 < FD_RESERVE ? files / 4 : FD_RESERVE) - 8;
	if (!c->max_connections)
		c->max_connections = room < CONNECTIONS_MAX ? room : CONNECTIONS_MAX;
	if (c->max_connections < 1)
		c->max_connections = 1;
	if (!c->max_connections_per_address)
		c->max_connections_per_address = PER_ADDRESS_DEFAULT;
	if (!c->timeout_seconds)
		c->timeout_seconds = 30;
	w->trusted = peer_list_new(c->trusted_proxy, err, errlen);
	w->conns = tally_new(c->max_connections, c->max_connections_per_address);
	w->clients = tally_new(INT_MAX, c->max_connections_per_address);
	w->refusals = limiter_new(1, REFUSAL_LOG_EVERY);
	if (!w->trusted || !w->conns || !w->clients || !w->refusals || wsmask_open(files)) {
		if (w->trusted)
			err_set(err, errlen, "out of memory");
		edge_close(w);
		return -1;
	}
	info->timeout_secs = (unsigned int)c->timeout_seconds;
	/* headers still coming hold one of a limited pool of header tables: 10 s at most */
	info->timeout_secs_ah_idle =
	    (unsigned int)(c->timeout_seconds < 10 ? c->timeout_seconds : 10);
	w->idle_policy.secs_since_valid_ping = (uint16_t)c->timeout_seconds;
	w->idle_policy.secs_since_valid_hangup = (uint16_t)(2 * c->timeout_seconds);
	info->retry_and_idle_policy = &w->idle_policy;
	/* methods libwebsockets does not parse become raw sockets, answered 405 above */
	info->options |= LWS_SERVER_OPTION_FALLBACK_TO_APPLY_LISTEN_ACCEPT_CONFIG;
	log_owner = w;
	lws_set_log_level(LLL_ERR | LLL_WARN, lws_log_line);
	return 0;
}

/* Who may read /metrics from cfg: 0, or -1 with the reason in err (the access before kept). */
static int reset_metrics_access(ws *w, const ws_config *cfg, char *err, size_t errlen)
{
	ws_config was = w->cfg;
	peer_list *allow = w->metrics_allow;
	unsigned char token[sizeof(w->metrics_token)];
	int has = w->has_metrics_token, rc = 0;

	memcpy(token, w->metrics_token, sizeof(token));
	w->metrics_allow = NULL;
	w->has_metrics_token = 0;
	w->cfg.metrics_allow = cfg->metrics_allow;
	w->cfg.metrics_token_file = cfg->metrics_token_file;
	if (metrics_access_open(w, err, errlen)) {
		peer_list_free(w->metrics_allow);
		w->metrics_allow = allow;
		w->has_metrics_token = has;
		memcpy(w->metrics_token, token, sizeof(token));
		w->cfg.metrics_allow = was.metrics_allow;
		w->cfg.metrics_token_file = was.metrics_token_file;
		rc = -1;
	} else {
		peer_list_free(allow);
	}
	sodium_memzero(token, sizeof(token));
	return rc;
}

int ws_set_edge(ws *w, const ws_config *cfg, char *err, size_t errlen)
{
	peer_list *trusted = peer_list_new(cfg->trusted_proxy, err, errlen);
	int per = cfg->max_connections_per_address ? cfg->max_connections_per_address
						   : PER_ADDRESS_DEFAULT;

	if (!trusted)
		return -1;
	if (reset_metrics_access(w, cfg, err, errlen)) {
		peer_list_free(trusted);
		return -1;
	}
	peer_list_free(w->trusted);
	w->trusted = trusted;
	w->cfg.trusted_proxy = cfg->trusted_proxy;
	w->cfg.max_connections_per_address = per;
	tally_set_max_per_key(w->conns, per);
	tally_set_max_per_key(w->clients, per);
	return 0;
}

void edge_close(ws *w)
{
	if (log_owner == w) {
		log_owner = NULL;
		wsmask_close();
	}
	peer_list_free(w->trusted);
	tally_free(w->conns);
	tally_free(w->clients);
	limiter_free(w->refusals);
	w->trusted = NULL;
	w->conns = w->clients = NULL;
	w->refusals = NULL;
}
