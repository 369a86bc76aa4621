/* ws_tls: HTTPS served by the server itself (--tls-cert, --tls-key): the context's TLS options,
 * plain HTTP on the HTTPS port sent to HTTPS, HSTS, and the optional second port
 * (--redirect-port) whose every request is sent to the same path over HTTPS. */
#include "ws_int.h"

#include "err.h"

#include <stdio.h>
#include <string.h>

/* A browser told this once asks only for HTTPS for a year, even when a person types http://. */
#define HSTS "max-age=31536000"

void ws_tls_setup(ws *w, struct lws_context_creation_info *info)
{
	if (!w->cfg.tls_cert)
		return;
	w->hdr_hsts = (struct lws_protocol_vhost_options){info->headers, NULL,
							  "strict-transport-security:", HSTS};
	info->headers = &w->hdr_hsts;
	info->options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT |
			 LWS_SERVER_OPTION_ALLOW_NON_SSL_ON_SSL_PORT |
			 LWS_SERVER_OPTION_REDIRECT_HTTP_TO_HTTPS;
	/* HTTP/1.1 only: the Host and Origin checks, the login forms and the websockets are the
	 * same as over plain HTTP (HTTP/2 names the host differently and carries websockets
	 * otherwise). */
	info->alpn = "http/1.1";
	info->ssl_cert_filepath = w->cfg.tls_cert;
	info->ssl_private_key_filepath = w->cfg.tls_key;
}

/* 1 when every byte of the path can go into a Location as it is; else the redirect goes to "/". */
static int path_plain(const char *path, size_t len)
{
	if (!len || path[0] != '/' || len > 512)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)path[i];

		if (!(ch >= 'a' && ch <= 'z') && !(ch >= 'A' && ch <= 'Z') &&
		    !(ch >= '0' && ch <= '9') && !(ch && strchr("/._-~", ch)))
			return 0;
		if (ch == '/' && i > 0 && path[i - 1] == '/')
			return 0; /* "//name" would be read as another server */
	}
	return 1;
}

/* The redirect port's only answer: 301 to https://NAME[:PORT]/path, NAME from the request's Host
 * when it is a name this server answers to (else 400: nobody is sent elsewhere). */
static int redirect_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
			     void *in, size_t len)
{
	ws *w = lws_context_user(lws_get_context(wsi));
	unsigned char out[LWS_PRE + 2048], *start = out + LWS_PRE, *p = start,
					   *end = out + sizeof(out);
	char host[256], location[900], port[16] = "";
	const char *colon;
	size_t name_len;
	int n;

	/* its connections count in the same caps as the HTTPS port's (ws_edge.c) */
	if (reason == LWS_CALLBACK_SERVER_NEW_CLIENT_INSTANTIATED)
		return edge_accept(w, wsi);
	if (reason == LWS_CALLBACK_WSI_DESTROY)
		edge_conn_end(w, wsi);
	if (reason != LWS_CALLBACK_HTTP)
		return lws_callback_http_dummy(wsi, reason, user, in, len);
	if (lws_hdr_copy(wsi, host, sizeof(host), WSI_TOKEN_HOST) <= 0 || !host_ok(w, host)) {
		lws_return_http_status(wsi, HTTP_STATUS_BAD_REQUEST, NULL);
		return lws_http_transaction_completed(wsi) ? -1 : 0;
	}
	colon = strrchr(host, ':');
	name_len = colon && colon > strrchr(host, ']') ? (size_t)(colon - host) : strlen(host);
	if (ws_port(w) != 443)
		snprintf(port, sizeof(port), ":%d", ws_port(w));
	n = snprintf(location, sizeof(location), "https://%.*s%s%.*s", (int)name_len, host, port,
		     path_plain(in, len) ? (int)len : 1,
		     path_plain(in, len) ? (const char *)in : "/");
	if (n < 0 || n >= (int)sizeof(location) ||
	    lws_http_redirect(wsi, HTTP_STATUS_MOVED_PERMANENTLY, (unsigned char *)location, n, &p,
			      end) < 0)
		return -1;
	return lws_http_transaction_completed(wsi) ? -1 : 0;
}

static const struct lws_protocols redirect_protocols[] = {
    {"http", redirect_callback, 0, 0, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

int ws_tls_redirect_open(ws *w, const struct lws_protocol_vhost_options *headers, char *err,
			 size_t errlen)
{
	struct lws_context_creation_info info;

	if (!w->cfg.tls_cert || !w->cfg.redirect_port)
		return 0;
	memset(&info, 0, sizeof(info));
	info.vhost_name = "redirect";
	info.port = w->cfg.redirect_port;
	info.iface = w->cfg.listen;
	info.protocols = redirect_protocols;
	info.headers = headers;
	w->redirect_vh = lws_create_vhost(w->ctx, &info);
	if (!w->redirect_vh)
		return err_set(
		    err, errlen,
		    "cannot listen on %s port %d for the redirect to HTTPS (is something "
		    "else using it?)",
		    w->cfg.listen ? w->cfg.listen : "every interface", w->cfg.redirect_port);
	return 0;
}

int ws_redirect_port(const ws *w)
{
	return w->redirect_vh ? lws_get_vhost_listen_port(w->redirect_vh) : 0;
}
