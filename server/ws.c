#include "ws.h"

#include "buf.h"

#include <libwebsockets.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_QUEUED_BYTES (32 * 1024 * 1024) /* a browser that stops reading is closed */

typedef struct out_msg {
	struct out_msg *next;
	size_t len;
	int close_after;
	int binary;
	unsigned char data[]; /* LWS_PRE bytes of headroom, then the message */
} out_msg;

/* One websocket connection. */
typedef struct conn {
	struct lws *wsi;
	ws *w;
	session *sess;
	buf rx;
	int rx_binary;
	int rx_discarding; /* the message grew too big: drop the rest of it */
	out_msg *head, **tail;
	size_t queued;
	int close_status; /* non-zero: close with this once the queue is empty */
} conn;

struct ws {
	struct lws_context *ctx;
	struct lws_vhost *vh;
	ws_config cfg;
	lws_sorted_usec_list_t flush_sul;
	int flush_scheduled;
	struct lws_http_mount mount_health, mount_web;
	char web_origin[4096];
};

/* Security headers on every HTTP response. media-src allows narration audio (blob: URLs). */
static const struct lws_protocol_vhost_options hdr_nosniff = {
	NULL, NULL, "x-content-type-options:", "nosniff"
};
static const struct lws_protocol_vhost_options hdr_referrer = {
	&hdr_nosniff, NULL, "referrer-policy:", "no-referrer"
};
static const struct lws_protocol_vhost_options hdr_frame = {
	&hdr_referrer, NULL, "x-frame-options:", "DENY"
};
static const struct lws_protocol_vhost_options hdr_cache = {
	&hdr_frame, NULL, "cache-control:", "no-store"
};
static const struct lws_protocol_vhost_options hdr_csp = {
	&hdr_cache, NULL, "content-security-policy:",
	"default-src 'self'; img-src 'self' data:; media-src 'self' blob:; connect-src 'self'; "
	"style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; "
	"form-action 'self'; frame-ancestors 'none'"
};

/* ---- sending ---- */

static int conn_queue(conn *c, const void *data, size_t len, int close_after, int binary)
{
	out_msg *m;

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
	memcpy(m->data + LWS_PRE, data, len);
	*c->tail = m;
	c->tail = &m->next;
	c->queued += len;
	lws_callback_on_writable(c->wsi);
	return 0;
}

static int conn_send(void *c, const char *data, size_t len, int close_after)
{
	return conn_queue(c, data, len, close_after, 0);
}

static int conn_send_binary(void *c, const void *data, size_t len)
{
	return conn_queue(c, data, len, 0, 1);
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

static void flush_cb(lws_sorted_usec_list_t *sul)
{
	ws *w = lws_container_of(sul, ws, flush_sul);
	char err[STORE_ERR_LEN];

	w->flush_scheduled = 0;
	if (protocol_flush(w->cfg.proto, err, sizeof(err)))
		fprintf(stderr, "planaloud: a commit failed, nothing in it was kept: %s\n", err);
}

static void schedule_flush(ws *w)
{
	if (w->flush_scheduled || !protocol_batch_open(w->cfg.proto))
		return;
	w->flush_scheduled = 1;
	lws_sul_schedule(w->ctx, 0, &w->flush_sul, flush_cb, 1);
}

/* 1 when Host (name[:port]) names this server: a loopback name or the configured --host. A page
 * on another name that resolves to this machine (DNS rebinding) is refused. */
static int host_ok(const ws *w, const char *host)
{
	static const char *const loopback[] = { "localhost", "127.0.0.1", "[::1]" };
	const char *colon = strrchr(host, ':');
	size_t len = colon && colon > strrchr(host, ']') ? (size_t)(colon - host) : strlen(host);

	for (size_t i = 0; i < sizeof(loopback) / sizeof(*loopback); i++)
		if (strlen(loopback[i]) == len && strncasecmp(host, loopback[i], len) == 0)
			return 1;
	return w->cfg.host && strlen(w->cfg.host) == len && strncasecmp(host, w->cfg.host, len) == 0;
}

/* Cross-site websocket hijacking: a browser's Origin must be this server's own. */
static int origin_ok(const ws *w, struct lws *wsi)
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

static int callback_planaloud(struct lws *wsi, enum lws_callback_reasons reason, void *user,
			      void *in, size_t len)
{
	conn *c = user;
	ws *w = lws_context_user(lws_get_context(wsi));

	switch (reason) {
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED: /* the synthesis thread has results */
		if (w)
			protocol_narrations_ready(w->cfg.proto);
		break;

	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		return origin_ok(w, wsi) ? 0 : 1;

	case LWS_CALLBACK_ESTABLISHED: {
		char peer[64] = "";

		memset(c, 0, sizeof(*c));
		c->wsi = wsi;
		c->w = w;
		c->tail = &c->head;
		buf_init(&c->rx);
		lws_get_peer_simple(wsi, peer, sizeof(peer));
		c->sess = protocol_session_open(w->cfg.proto, c, peer);
		if (!c->sess)
			return -1;
		break;
	}

	case LWS_CALLBACK_RECEIVE:
		if (c->close_status) /* closing (too big, or not reading): read nothing more */
			break;
		if (lws_is_first_fragment(wsi)) {
			buf_reset(&c->rx);
			c->rx_binary = lws_frame_is_binary(wsi);
			c->rx_discarding = 0;
		}
		if (!c->rx_discarding) {
			if (c->rx.len + len > PROTOCOL_MAX_MESSAGE) {
				c->rx_discarding = 1;
				buf_release(&c->rx);
				protocol_too_big(c->sess);
				c->close_status = LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE;
				lws_callback_on_writable(wsi);
			} else if (buf_append(&c->rx, in, len)) {
				return -1;
			}
		}
		if (!lws_is_final_fragment(wsi) || lws_remaining_packet_payload(wsi) || c->rx_discarding)
			break;
		protocol_handle(c->sess, buf_str(&c->rx), c->rx.len, c->rx_binary);
		buf_reset(&c->rx);
		schedule_flush(w);
		break;

	case LWS_CALLBACK_SERVER_WRITEABLE: {
		out_msg *m = c->head;

		if (!m) {
			if (c->close_status) {
				lws_close_reason(wsi, (enum lws_close_status)c->close_status, NULL, 0);
				return -1;
			}
			break;
		}
		c->head = m->next;
		if (!c->head)
			c->tail = &c->head;
		c->queued -= m->len;
		if (lws_write(wsi, m->data + LWS_PRE, m->len,
			      m->binary ? LWS_WRITE_BINARY : LWS_WRITE_TEXT) < (int)m->len) {
			free(m);
			return -1;
		}
		if (m->close_after) {
			free(m);
			lws_close_reason(wsi, LWS_CLOSE_STATUS_NORMAL, NULL, 0);
			return -1;
		}
		free(m);
		if (c->head || c->close_status)
			lws_callback_on_writable(wsi);
		break;
	}

	case LWS_CALLBACK_CLOSED:
		protocol_session_close(c->sess);
		c->sess = NULL;
		conn_release(c);
		break;

	default:
		break;
	}
	return 0;
}

/* /healthz: 200 when the database answers, 503 when it does not. */
static int callback_http(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
			 size_t len)
{
	ws *w = lws_context_user(lws_get_context(wsi));
	unsigned char out[LWS_PRE + 512], *start = out + LWS_PRE, *p = start, *end = out + sizeof(out);
	char body[192];
	size_t done, total;
	int n, ok;

	if (reason != LWS_CALLBACK_HTTP)
		return lws_callback_http_dummy(wsi, reason, user, in, len);
	/* The mount matches any path that starts with /healthz; only /healthz itself is ours. */
	if (in && *(const char *)in && strcmp(in, "/") != 0) {
		lws_return_http_status(wsi, HTTP_STATUS_NOT_FOUND, NULL);
		return lws_http_transaction_completed(wsi) ? -1 : 0;
	}
	ok = store_ping(w->cfg.st) == 0;
	protocol_prerender_progress(w->cfg.proto, &done, &total);
	n = snprintf(body, sizeof(body),
		     "{\"status\":\"%s\",\"schema\":%d,\"prerendered\":%zu,\"texts\":%zu}\n",
		     ok ? "ok" : "unavailable", ok ? store_schema_version(w->cfg.st) : -1, done, total);
	if (lws_add_http_common_headers(wsi, ok ? HTTP_STATUS_OK : HTTP_STATUS_SERVICE_UNAVAILABLE,
					"application/json", (lws_filepos_t)n, &p, end) ||
	    lws_finalize_write_http_header(wsi, start, &p, end))
		return 1;
	memcpy(p, body, (size_t)n);
	if (lws_write(wsi, p, (size_t)n, LWS_WRITE_HTTP_FINAL) != n)
		return 1;
	return lws_http_transaction_completed(wsi) ? -1 : 0;
}

static const struct lws_protocols protocols[] = {
	{ "http", callback_http, 0, 0, 0, NULL, 0 },
	{ "planaloud", callback_planaloud, sizeof(conn), 4096, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 },
};

ws *ws_new(const ws_config *cfg, char *err, size_t errlen)
{
	struct lws_context_creation_info info;
	ws *w = calloc(1, sizeof(*w));

	if (!w) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	w->cfg = *cfg;
	snprintf(w->web_origin, sizeof(w->web_origin), "%s", cfg->web_dir);

	w->mount_web.mountpoint = "/";
	w->mount_web.mountpoint_len = 1;
	w->mount_web.origin = w->web_origin;
	w->mount_web.def = "index.html";
	w->mount_web.origin_protocol = LWSMPRO_FILE;

	w->mount_health.mount_next = &w->mount_web;
	w->mount_health.mountpoint = "/healthz";
	w->mount_health.mountpoint_len = 8;
	w->mount_health.protocol = "http";
	w->mount_health.origin_protocol = LWSMPRO_CALLBACK;

	lws_set_log_level(LLL_ERR | LLL_WARN, NULL);
	memset(&info, 0, sizeof(info));
	info.port = cfg->port;
	info.iface = cfg->listen;
	info.protocols = protocols;
	info.mounts = &w->mount_health;
	info.headers = &hdr_csp;
	info.user = w;
	info.timeout_secs = 30;
	w->ctx = lws_create_context(&info);
	if (!w->ctx) {
		snprintf(err, errlen, "cannot listen on %s port %d (is something else using it?)",
			 cfg->listen ? cfg->listen : "every interface", cfg->port);
		free(w);
		return NULL;
	}
	w->vh = lws_get_vhost_by_name(w->ctx, "default");
	return w;
}

int ws_port(const ws *w)
{
	return w->vh ? lws_get_vhost_listen_port(w->vh) : -1;
}

int ws_run(ws *w, volatile sig_atomic_t *stop)
{
	while (!*stop)
		if (lws_service(w->ctx, 0) < 0)
			return -1;
	return 0;
}

protocol_io ws_protocol_io(void)
{
	return (protocol_io){ conn_send, conn_send_binary };
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
	free(w);
}
