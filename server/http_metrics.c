/* http_metrics: GET /metrics, for Prometheus, and who may read it: the addresses allowed
 * (--metrics-allow; loopback alone when neither it nor a token is given), or anyone with the
 * bearer token (--metrics-token-file), compared in constant time. A request that came through a
 * proxy is never let in by its address (the proxy's own address says nothing about who asked). */
#include "ws_int.h"

#include "buf.h"
#include "err.h"
#include "metrics.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define TOKEN_MIN  16	/* characters: a token shorter than this is too easy to guess */
#define TOKEN_MAX  4096 /* bytes read from the token file */
#define LOOPBACK   "127.0.0.0/8,::1"
#define BEARER	   "Bearer "
#define BEARER_LEN 7

/* The token file: the server's user's alone, one line. Its hash goes into w. */
static int read_token(ws *w, const char *path, char *err, size_t errlen)
{
	char text[TOKEN_MAX + 2];
	struct stat sb;
	size_t n = 0;
	FILE *f = NULL;
	int rc = -1;

	if (stat(path, &sb) != 0 || !(f = fopen(path, "r"))) {
		err_set(err, errlen, "cannot read the metrics token file %s: %s", path,
			strerror(errno));
		goto out;
	}
	if (sb.st_mode & 077) {
		err_set(err, errlen,
			"other users can read the metrics token file %s (mode %03o). Make it the "
			"server's user's alone: chmod 600 %s",
			path, (unsigned)(sb.st_mode & 0777), path);
		goto out;
	}
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	n = strcspn(text, "\r\n");
	text[n] = '\0';
	if (n < TOKEN_MIN || n > TOKEN_MAX || strchr(text, ' ') || strchr(text, '\t')) {
		err_set(err, errlen,
			"the metrics token file %s must hold one token of %d to %d characters, "
			"without spaces",
			path, TOKEN_MIN, TOKEN_MAX);
		goto out;
	}
	crypto_generichash(w->metrics_token, sizeof(w->metrics_token), (unsigned char *)text, n,
			   NULL, 0);
	w->has_metrics_token = 1;
	rc = 0;
out:
	sodium_memzero(text, sizeof(text));
	if (f)
		fclose(f);
	return rc;
}

int metrics_access_open(ws *w, char *err, size_t errlen)
{
	const ws_config *c = &w->cfg;
	const char *allow = c->metrics_allow;
	char why[160];

	if (!c->metrics)
		return 0;
	if (c->metrics_token_file && read_token(w, c->metrics_token_file, err, errlen))
		return -1;
	if (!allow && !c->metrics_token_file)
		allow = LOOPBACK;
	w->metrics_allow = peer_list_new(allow, why, sizeof(why));
	if (!w->metrics_allow)
		return err_set(err, errlen, "--metrics-allow: %s", why);
	return 0;
}

void metrics_access_close(ws *w)
{
	peer_list_free(w->metrics_allow);
	w->metrics_allow = NULL;
	sodium_memzero(w->metrics_token, sizeof(w->metrics_token));
	w->has_metrics_token = 0;
}

/* 1 when the request's Authorization header holds the token. */
static int token_ok(const ws *w, struct lws *wsi)
{
	char v[TOKEN_MAX + BEARER_LEN + 2];
	unsigned char hash[sizeof(w->metrics_token)];
	int len, ok;

	if (!w->has_metrics_token)
		return 0;
	len = lws_hdr_copy(wsi, v, sizeof(v), WSI_TOKEN_HTTP_AUTHORIZATION);
	if (len <= BEARER_LEN || strncmp(v, BEARER, BEARER_LEN) != 0) {
		sodium_memzero(v, sizeof(v));
		return 0;
	}
	crypto_generichash(hash, sizeof(hash), (unsigned char *)v + BEARER_LEN,
			   (size_t)len - BEARER_LEN, NULL, 0);
	ok = sodium_memcmp(hash, w->metrics_token, sizeof(hash)) == 0;
	sodium_memzero(v, sizeof(v));
	return ok;
}

/* 1 when the socket's own address is allowed and no proxy stands between. */
static int address_ok(const ws *w, struct lws *wsi)
{
	char peer[PEER_LEN] = "";

	if (lws_hdr_total_length(wsi, WSI_TOKEN_X_FORWARDED_FOR) > 0 ||
	    lws_hdr_custom_length(wsi, "forwarded:", 10) > 0)
		return 0;
	lws_get_peer_simple(wsi, peer, sizeof(peer));
	return !peer_list_has(w->trusted, peer) && peer_list_has(w->metrics_allow, peer);
}

/* body has LWS_PRE bytes of headroom before it, as lws_write asks. */
static int answer(struct lws *wsi, unsigned int status, const char *type, char *body, size_t len)
{
	unsigned char head[LWS_PRE + 1024], *start = head + LWS_PRE, *p = start,
					    *end = head + sizeof(head);
	static const char bearer[] = "Bearer realm=\"metrics\"";

	if (lws_add_http_common_headers(wsi, status, type, (lws_filepos_t)len, &p, end) ||
	    (status == HTTP_STATUS_UNAUTHORIZED &&
	     lws_add_http_header_by_name(
		 wsi, (const unsigned char *)"www-authenticate:", (const unsigned char *)bearer,
		 (int)sizeof(bearer) - 1, &p, end)) ||
	    lws_finalize_write_http_header(wsi, start, &p, end))
		return 1;
	if (len && lws_write(wsi, (unsigned char *)body, len, LWS_WRITE_HTTP_FINAL) != (int)len)
		return 1;
	return lws_http_transaction_completed(wsi) ? -1 : 0;
}

/* A short plain answer. */
static int answer_text(struct lws *wsi, unsigned int status, const char *text)
{
	char body[LWS_PRE + 128];
	int n = snprintf(body + LWS_PRE, sizeof(body) - LWS_PRE, "%s", text);

	return answer(wsi, status, "text/plain", body + LWS_PRE, (size_t)n);
}

int http_metrics(struct lws *wsi, ws *w)
{
	char pre[LWS_PRE] = {0};
	buf b = BUF_INIT;
	int rc;

	if (!w->cfg.metrics)
		return answer_text(wsi, HTTP_STATUS_NOT_FOUND, "Not found.\n");
	if (!address_ok(w, wsi) && !token_ok(w, wsi)) {
		w->stats.metrics_refused++;
		if (w->has_metrics_token)
			return answer_text(wsi, HTTP_STATUS_UNAUTHORIZED,
					   "Metrics need the bearer token.\n");
		return answer_text(wsi, HTTP_STATUS_FORBIDDEN,
				   "Metrics are not served to this address.\n");
	}
	if (buf_append(&b, pre, sizeof(pre)) || metrics_render(w->cfg.metrics, &b)) {
		buf_release(&b);
		return answer_text(wsi, HTTP_STATUS_INTERNAL_SERVER_ERROR, "Out of memory.\n");
	}
	rc = answer(wsi, HTTP_STATUS_OK, METRICS_CONTENT_TYPE, b.data + LWS_PRE, b.len - LWS_PRE);
	buf_release(&b);
	return rc;
}
