/* ws: the websockets (reassembly, a bounded send queue per connection, the batch commit) and
 * the server's context: mounts, headers, the listening socket. The HTTP routes are in http.c. */
#include "ws_int.h"

#include "buf.h"
#include "err.h"
#include "log.h"
#include "wsmask.h"

#include <libwebsockets.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define MAX_QUEUED_BYTES  (32 * 1024 * 1024) /* a browser that stops reading is closed */
#define MAX_QUEUED_NEWS	  16 /* staff news waiting on one connection; more is dropped */
#define STAFF_PROTOCOL_ID 1

typedef struct out_msg {
	struct out_msg *next;
	size_t len;
	int close_after;
	int binary;
	int news; /* staff news (staff_live.c): counted in the connection's news_queued */
	unsigned char data[]; /* LWS_PRE bytes of headroom, then the message */
} out_msg;

/* One websocket connection. */
typedef struct conn {
	struct lws *wsi;
	ws *w;
	kiosk_session *sess;  /* a kiosk connection's, or */
	staff_session *staff; /* a staff connection's */
	buf rx;
	int rx_binary;
	int rx_discarding; /* the message grew too big: drop the rest of it */
	out_msg *head, **tail;
	size_t queued;
	int news_queued;	     /* news messages waiting in the queue */
	int close_status;	     /* non-zero: close with this once the queue is empty */
	tally_entry *counted;	     /* this socket, in its address's count */
	unsigned long long no;	     /* the connection's number in the log */
	unsigned long long messages; /* received */
	long long opened_s;	     /* when, on the monotonic clock */
} conn;

/* Security headers on every HTTP response. media-src allows narration audio (blob: URLs); font-src
 * the pages' own font (web/fonts/, woff2, which the static mount serves as font/woff2). The pages
 * use no camera, microphone, place, payment or USB device, and nothing here is for other sites'
 * windows or pages to open or embed. */
static const struct lws_protocol_vhost_options hdr_permissions = {
    NULL, NULL,
    "permissions-policy:", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"};
static const struct lws_protocol_vhost_options hdr_coop = {
    &hdr_permissions, NULL, "cross-origin-opener-policy:", "same-origin"};
static const struct lws_protocol_vhost_options hdr_corp = {
    &hdr_coop, NULL, "cross-origin-resource-policy:", "same-origin"};
static const struct lws_protocol_vhost_options hdr_nosniff = {&hdr_corp, NULL,
							      "x-content-type-options:", "nosniff"};
static const struct lws_protocol_vhost_options hdr_referrer = {&hdr_nosniff, NULL,
							       "referrer-policy:", "no-referrer"};
static const struct lws_protocol_vhost_options hdr_frame = {&hdr_referrer, NULL,
							    "x-frame-options:", "DENY"};
static const struct lws_protocol_vhost_options hdr_cache = {&hdr_frame, NULL,
							    "cache-control:", "no-store"};
static const struct lws_protocol_vhost_options hdr_csp = {
    &hdr_cache, NULL, "content-security-policy:",
    "default-src 'self'; img-src 'self' data:; media-src 'self' blob:; connect-src 'self'; "
    "style-src 'self'; font-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"};

/* ---- sending ---- */

/* Queues head then data as one message (news: staff news, counted in c->news_queued). */
static int conn_queue(conn *c, const void *head, size_t head_len, const void *data, size_t len,
		      int close_after, int binary, int news)
{
	out_msg *m;

	len += head_len;
	if (c->close_status)
		return -1;
	if (c->queued + len > MAX_QUEUED_BYTES) {
		c->close_status = LWS_CLOSE_STATUS_POLICY_VIOLATION;
		lws_callback_on_writable(c->wsi);
		return -1;
	}
	m = malloc(sizeof(*m) + LWS_PRE + len);
	if (!m)
		return -1;
	m->next = NULL;
	m->len = len;
	m->close_after = close_after;
	m->binary = binary;
	m->news = news;
	c->news_queued += news;
	if (head_len)
		memcpy(m->data + LWS_PRE, head, head_len);
	memcpy(m->data + LWS_PRE + head_len, data, len - head_len);
	*c->tail = m;
	c->tail = &m->next;
	c->queued += len;
	lws_callback_on_writable(c->wsi);
	return 0;
}

static int conn_send(void *c, const char *data, size_t len, int close_after)
{
	return conn_queue(c, NULL, 0, data, len, close_after, 0, 0);
}

static int conn_send_binary(void *c, const void *head, size_t head_len, const void *data,
			    size_t len)
{
	return conn_queue(c, head, head_len, data, len, 0, 1, 0);
}

/* Staff news: bounded per connection, so a page that reads slowly holds no one else up and
 * grows no queue: past MAX_QUEUED_NEWS waiting, it is dropped (1), and the staff protocol tells
 * the page it missed some. */
static int conn_send_news(void *cv, const char *data, size_t len)
{
	conn *c = cv;

	if (c->news_queued >= MAX_QUEUED_NEWS) {
		log_event(LOG_WARN, "staff-news-dropped", "waiting=%d", c->news_queued);
		return 1;
	}
	return conn_queue(c, NULL, 0, data, len, 0, 0, 1);
}

staff_live_send_fn ws_news_send(void)
{
	return conn_send_news;
}

static void conn_release(conn *c)
{
	while (c->head) {
		out_msg *m = c->head;

		c->head = m->next;
		free(m);
	}
	c->tail = &c->head;
	buf_release(&c->rx);
}

/* ---- the batch commit, once the messages that arrived together are handled ---- */

/* Commits the kiosk's open batch, if any: at the end of a loop turn, and before a staff change
 * (which answers at once, so it must not share a transaction that commits later). */
void commit_batch(ws *w)
{
	char err[STORE_ERR_LEN], quoted[STORE_ERR_LEN + 8];

	if (kiosk_batch_open(w->cfg.proto) && kiosk_flush(w->cfg.proto, err, sizeof(err)))
		log_event(LOG_ERROR, "commit-failed", "reason=%s",
			  log_value(err, quoted, sizeof(quoted)));
}

static void flush_cb(lws_sorted_usec_list_t *sul)
{
	ws *w = lws_container_of(sul, ws, flush_sul);

	w->flush_scheduled = 0;
	commit_batch(w);
}

static void job_cb(lws_sorted_usec_list_t *sul)
{
	struct ws_job *j = lws_container_of(sul, struct ws_job, sul);
	long long next_s;

	commit_batch(j->w);
	next_s = j->fn(j->ctx);
	if (next_s >= 0)
		lws_sul_schedule(j->w->ctx, 0, &j->sul, job_cb, next_s * LWS_US_PER_SEC);
}

int ws_every(ws *w, long long first_s, ws_job_fn fn, void *ctx)
{
	struct ws_job *j;

	if (w->njobs == WS_JOBS)
		return -1;
	j = &w->jobs[w->njobs++];
	*j = (struct ws_job){.w = w, .fn = fn, .ctx = ctx};
	lws_sul_schedule(w->ctx, 0, &j->sul, job_cb, first_s > 0 ? first_s * LWS_US_PER_SEC : 1);
	return 0;
}

static void schedule_flush(ws *w)
{
	if (w->flush_scheduled || !kiosk_batch_open(w->cfg.proto))
		return;
	w->flush_scheduled = 1;
	lws_sul_schedule(w->ctx, 0, &w->flush_sul, flush_cb, 1);
}

/* A page on another name that resolves to this machine (DNS rebinding) is refused. */
int host_ok(const ws *w, const char *host)
{
	static const char *const loopback[] = {"localhost", "127.0.0.1", "[::1]"};
	const char *colon = strrchr(host, ':');
	size_t len = colon && colon > strrchr(host, ']') ? (size_t)(colon - host) : strlen(host);

	for (size_t i = 0; i < sizeof(loopback) / sizeof(*loopback); i++)
		if (strlen(loopback[i]) == len && strncasecmp(host, loopback[i], len) == 0)
			return 1;
	return w->cfg.host && strlen(w->cfg.host) == len &&
	       strncasecmp(host, w->cfg.host, len) == 0;
}

/* Cross-site websocket hijacking: a browser's Origin must be this server's own. */
int origin_ok(const ws *w, struct lws *wsi)
{
	char origin[256], host[256];
	const char *o;

	if (lws_hdr_copy(wsi, host, sizeof(host), WSI_TOKEN_HOST) <= 0 || !host_ok(w, host))
		return 0;
	if (lws_hdr_copy(wsi, origin, sizeof(origin), WSI_TOKEN_ORIGIN) <= 0)
		return 1; /* not a browser: nothing to hijack */
	o = strstr(origin, "://");
	return o && strcmp(o + 3, host) == 0;
}

int cookie_secure(const ws *w)
{
	return w->cfg.secure_cookies || w->cfg.tls_cert;
}

const char *cookie_name(const ws *w)
{
	return cookie_secure(w) ? "__Host-planaloud_staff" : "planaloud_staff";
}

const char *kiosk_cookie_name(const ws *w)
{
	return cookie_secure(w) ? "__Host-" KIOSK_COOKIE_NAME : KIOSK_COOKIE_NAME;
}

/* The staff session token in the request's cookie: 0 and token, or -1 when there is none. */
int staff_cookie(const ws *w, struct lws *wsi, unsigned char token[USERS_TOKEN_BYTES])
{
	char text[USERS_TOKEN_TEXT + 8];
	size_t max = sizeof(text);

	if (lws_http_cookie_get(wsi, cookie_name(w), text, &max))
		return -1;
	text[max < sizeof(text) ? max : sizeof(text) - 1] = '\0';
	return users_token_decode(text, token);
}

static int is_staff_protocol(struct lws *wsi)
{
	const struct lws_protocols *pr = lws_get_protocol(wsi);

	return pr && pr->id == STAFF_PROTOCOL_ID;
}

static long long monotonic_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec;
}

/* One line when a websocket opens or closes, with how many are open: never who it is. */
static void conn_log(const conn *c, const char *event)
{
	const ws_stats *st = &c->w->stats;

	if (!strcmp(event, "connection-opened"))
		log_event(LOG_INFO, event, "protocol=%s kiosk=%lld staff=%lld tcp=%lld",
			  c->staff ? "staff" : "kiosk", st->open_kiosk, st->open_staff,
			  st->open_tcp);
	else
		log_event(LOG_INFO, event,
			  "protocol=%s messages=%llu seconds=%lld kiosk=%lld staff=%lld tcp=%lld",
			  c->staff ? "staff" : "kiosk", c->messages, monotonic_s() - c->opened_s,
			  st->open_kiosk, st->open_staff, st->open_tcp);
}

/* The session's open count goes up (or, closing, down) and the line is written. */
static void conn_counted(conn *c, int opened)
{
	ws_stats *st = &c->w->stats;

	if (c->staff) {
		st->open_staff += opened ? 1 : -1;
		st->opened_staff += opened ? 1 : 0;
	} else {
		st->open_kiosk += opened ? 1 : -1;
		st->opened_kiosk += opened ? 1 : 0;
	}
	conn_log(c, opened ? "connection-opened" : "connection-closed");
}

/* A websocket has opened: its session, kiosk or staff (with the cookie's login). */
static int conn_open(conn *c, ws *w, struct lws *wsi)
{
	char peer[PEER_LEN] = "";
	int rc = -1;

	memset(c, 0, sizeof(*c));
	c->wsi = wsi;
	c->w = w;
	c->tail = &c->head;
	buf_init(&c->rx);
	c->no = log_connection_number();
	c->opened_s = monotonic_s();
	log_request_begin(c->no);
	client_address(w, wsi, peer, sizeof(peer));
	c->counted = edge_socket_opened(w, wsi, peer);
	if (!c->counted) {
		lws_close_reason(wsi, LWS_CLOSE_STATUS_POLICY_VIOLATION, (unsigned char *)"refused",
				 7);
		goto out;
	}
	if (is_staff_protocol(wsi)) {
		unsigned char token[USERS_TOKEN_BYTES];
		int has = staff_cookie(w, wsi, token) == 0;

		c->staff = staff_session_open(w->cfg.staff, c, peer, has ? token : NULL);
		sodium_memzero(token, sizeof(token));
	} else {
		c->sess = kiosk_session_open(w->cfg.proto, c, peer);
	}
	if (c->sess)
		kiosk_device_pass(w, c->sess, wsi);
	if (c->staff || c->sess) {
		conn_counted(c, 1);
		rc = 0;
		goto out;
	}
	edge_socket_closed(w, c->counted);
	c->counted = NULL;
out:
	log_request_end();
	return rc;
}

/* A fragment has arrived: appended to the message until its last, which goes to the session's
 * protocol. A message over MESSAGE_MAX_BYTES is refused, and the connection closes. */
static int conn_receive(conn *c, ws *w, struct lws *wsi, const void *in, size_t len)
{
	if (c->close_status) /* closing (too big, or not reading): read nothing more */
		return 0;
	if (wsmask_unmasked(lws_get_socket_fd(wsi))) { /* RFC 6455 5.1 */
		lws_close_reason(wsi, LWS_CLOSE_STATUS_PROTOCOL_ERR,
				 (unsigned char *)"unmasked frame", 14);
		return -1;
	}
	if (lws_is_first_fragment(wsi)) {
		buf_reset(&c->rx);
		c->rx_binary = lws_frame_is_binary(wsi);
		c->rx_discarding = 0;
	}
	if (!c->rx_discarding) {
		if (c->rx.len + len > MESSAGE_MAX_BYTES) {
			c->rx_discarding = 1;
			buf_release(&c->rx);
			if (c->staff)
				staff_too_big(c->staff);
			else
				kiosk_too_big(c->sess);
			c->close_status = LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE;
			lws_callback_on_writable(wsi);
		} else if (buf_append(&c->rx, in, len)) {
			return -1;
		}
	}
	if (!lws_is_final_fragment(wsi) || lws_remaining_packet_payload(wsi) || c->rx_discarding)
		return 0;
	c->messages++;
	log_request_begin(c->no);
	if (c->staff) {
		commit_batch(w);
		staff_handle(c->staff, buf_str(&c->rx), c->rx.len, c->rx_binary);
	} else {
		kiosk_handle(c->sess, buf_str(&c->rx), c->rx.len, c->rx_binary);
	}
	log_request_end();
	buf_reset(&c->rx);
	schedule_flush(w);
	return 0;
}

/* The connection may be written: exactly one queued message goes, and another callback is
 * asked for while more wait. -1 closes the connection. */
static int conn_writeable(conn *c, struct lws *wsi)
{
	out_msg *m = c->head;
	int rc = 0;

	if (!m) {
		if (c->close_status) {
			lws_close_reason(wsi, (enum lws_close_status)c->close_status, NULL, 0);
			return -1;
		}
		return 0;
	}
	c->head = m->next;
	if (!c->head)
		c->tail = &c->head;
	c->queued -= m->len;
	c->news_queued -= m->news;
	if (lws_write(wsi, m->data + LWS_PRE, m->len,
		      m->binary ? LWS_WRITE_BINARY : LWS_WRITE_TEXT) < (int)m->len) {
		rc = -1;
	} else if (m->close_after) {
		lws_close_reason(wsi, LWS_CLOSE_STATUS_NORMAL, NULL, 0);
		rc = -1;
	} else if (c->head || c->close_status) {
		lws_callback_on_writable(wsi);
	}
	free(m);
	return rc;
}

static void conn_closed(conn *c)
{
	log_request_begin(c->no);
	if (c->staff || c->sess) /* it opened */
		conn_counted(c, 0);
	if (c->staff)
		staff_session_close(c->staff);
	else
		kiosk_session_close(c->sess);
	c->sess = NULL;
	c->staff = NULL;
	edge_socket_closed(c->w, c->counted);
	c->counted = NULL;
	conn_release(c);
	log_request_end();
}

/* The websockets' callback: a dispatcher, no more. */
static int callback_planaloud(struct lws *wsi, enum lws_callback_reasons reason, void *user,
			      void *in, size_t len)
{
	conn *c = user;
	ws *w = lws_context_user(lws_get_context(wsi));

	switch (reason) {
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED: /* the synthesis thread has results */
		if (w)
			kiosk_narrations_ready(w->cfg.proto);
		return 0;
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		if (is_staff_protocol(wsi) && !w->cfg.staff)
			return 1;
		return origin_ok(w, wsi) ? 0 : 1;
	case LWS_CALLBACK_ESTABLISHED:
		return conn_open(c, w, wsi);
	case LWS_CALLBACK_RECEIVE:
		return conn_receive(c, w, wsi, in, len);
	case LWS_CALLBACK_SERVER_WRITEABLE:
		return conn_writeable(c, wsi);
	case LWS_CALLBACK_CLOSED:
		conn_closed(c);
		return 0;
	default:
		return 0;
	}
}

static const struct lws_protocols protocols[] = {
    {"http", edge_http_callback, sizeof(http_req), 0, 0, NULL, 0},
    /* rx 4 KiB: messages are small and reassembled; tx 256 KiB: narration audio goes out in
     * large pieces (lws otherwise sends at most rx_buffer_size per writeable turn) */
    {"planaloud", callback_planaloud, sizeof(conn), 4096, 0, NULL, 256 * 1024},
    {"planaloud-staff", callback_planaloud, sizeof(conn), 4096, STAFF_PROTOCOL_ID, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

ws *ws_new(const ws_config *cfg, char *err, size_t errlen)
{
	struct lws_context_creation_info info;
	ws *w = calloc(1, sizeof(*w));

	if (!w) {
		err_set(err, errlen, "out of memory");
		return NULL;
	}
	w->cfg = *cfg;
	snprintf(w->web_origin, sizeof(w->web_origin), "%s", cfg->web_dir);

	w->mount_web.mountpoint = "/";
	w->mount_web.mountpoint_len = 1;
	w->mount_web.origin = w->web_origin;
	w->mount_web.def = "index.html";
	w->mount_web.origin_protocol = LWSMPRO_FILE;

	w->mount_enrol.mount_next = &w->mount_web;
	w->mount_enrol.mountpoint = "/kiosk/enrol";
	w->mount_enrol.mountpoint_len = 12;
	w->mount_enrol.protocol = "http";
	w->mount_enrol.origin_protocol = LWSMPRO_CALLBACK;

	w->mount_auth.mount_next = &w->mount_enrol;
	w->mount_auth.mountpoint = "/staff/auth";
	w->mount_auth.mountpoint_len = 11;
	w->mount_auth.protocol = "http";
	w->mount_auth.origin_protocol = LWSMPRO_CALLBACK;

	w->mount_metrics.mount_next = &w->mount_auth;
	w->mount_metrics.mountpoint = "/metrics";
	w->mount_metrics.mountpoint_len = 8;
	w->mount_metrics.protocol = "http";
	w->mount_metrics.origin_protocol = LWSMPRO_CALLBACK;

	w->mount_health.mount_next = &w->mount_metrics;
	w->mount_health.mountpoint = "/healthz";
	w->mount_health.mountpoint_len = 8;
	w->mount_health.protocol = "http";
	w->mount_health.origin_protocol = LWSMPRO_CALLBACK;

	memset(&info, 0, sizeof(info));
	if (edge_open(w, &info, err, errlen)) {
		free(w);
		return NULL;
	}
	if (metrics_access_open(w, err, errlen)) {
		edge_close(w);
		free(w);
		return NULL;
	}
	info.port = cfg->port;
	info.iface = cfg->listen;
	info.protocols = protocols;
	info.mounts = &w->mount_health;
	info.headers = &hdr_csp;
	info.user = w;
	ws_tls_setup(w, &info);
	w->ctx = lws_create_context(&info);
	if (!w->ctx) {
		err_set(err, errlen,
			cfg->tls_cert ? "cannot serve HTTPS on %s port %d (is something else using "
					"it? are the certificate and the key a matching PEM pair?)"
				      : "cannot listen on %s port %d (is something else using it?)",
			cfg->listen ? cfg->listen : "every interface", cfg->port);
		metrics_access_close(w);
		edge_close(w);
		free(w);
		return NULL;
	}
	w->vh = lws_get_vhost_by_name(w->ctx, "default");
	if (ws_tls_redirect_open(w, &hdr_csp, err, errlen)) {
		ws_free(w);
		return NULL;
	}
	return w;
}

int ws_port(const ws *w)
{
	return w->vh ? lws_get_vhost_listen_port(w->vh) : -1;
}

int ws_run(ws *w, volatile sig_atomic_t *stop)
{
	while (!*stop) {
		if (lws_service(w->ctx, 0) < 0)
			return -1;
		edge_after_service(w);
	}
	return 0;
}

const ws_stats *ws_stats_of(const ws *w)
{
	return &w->stats;
}

message_io ws_io(void)
{
	return (message_io){conn_send, conn_send_binary};
}

void ws_connections(const ws *w, int *connections, int *websockets)
{
	*connections = (int)w->stats.open_tcp;
	*websockets = (int)(w->stats.open_kiosk + w->stats.open_staff);
}

void ws_wake(ws *w)
{
	lws_cancel_service(w->ctx);
}

void ws_free(ws *w)
{
	if (!w)
		return;
	lws_context_destroy(w->ctx);
	edge_close(w); /* after the context: closing connections still count down */
	metrics_access_close(w);
	free(w);
}
