#include "wsclient.h"

#include "buf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define HANDSHAKE_MS 5000
#define MAX_HEADER   16384
#define WS_GUID	     "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

struct wsclient {
	int fd;
	buf rx;	       /* bytes read from the socket and not yet used */
	size_t rx_off; /* how much of rx is used */
	int close_code;
	int closed;
	int sent_close;
	int skip_news; /* staff news (type "live", "live_missed") is read and dropped */
};

long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- SHA-1 (RFC 3174), only for Sec-WebSocket-Accept ---- */

typedef struct sha1_ctx {
	uint32_t h[5];
	uint64_t bytes;
	unsigned char block[64];
	size_t used;
} sha1_ctx;

static uint32_t rol(uint32_t x, int n)
{
	return (x << n) | (x >> (32 - n));
}

static void sha1_block(sha1_ctx *s, const unsigned char *p)
{
	uint32_t w[80], a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3], e = s->h[4];

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 80; i++)
		w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	for (int i = 0; i < 80; i++) {
		uint32_t f, k, t;

		if (i < 20) {
			f = (b & c) | (~b & d);
			k = 0x5A827999;
		} else if (i < 40) {
			f = b ^ c ^ d;
			k = 0x6ED9EBA1;
		} else if (i < 60) {
			f = (b & c) | (b & d) | (c & d);
			k = 0x8F1BBCDC;
		} else {
			f = b ^ c ^ d;
			k = 0xCA62C1D6;
		}
		t = rol(a, 5) + f + e + k + w[i];
		e = d;
		d = c;
		c = rol(b, 30);
		b = a;
		a = t;
	}
	s->h[0] += a;
	s->h[1] += b;
	s->h[2] += c;
	s->h[3] += d;
	s->h[4] += e;
}

static void sha1_update(sha1_ctx *s, const void *data, size_t len)
{
	const unsigned char *p = data;

	s->bytes += len;
	while (len--) {
		s->block[s->used++] = *p++;
		if (s->used == 64) {
			sha1_block(s, s->block);
			s->used = 0;
		}
	}
}

static void sha1(const void *data, size_t len, unsigned char out[20])
{
	sha1_ctx s = {{0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0}, 0, {0}, 0};
	uint64_t bits;
	unsigned char pad = 0x80, zero = 0, lenbytes[8];

	sha1_update(&s, data, len);
	bits = s.bytes * 8;
	sha1_update(&s, &pad, 1);
	while (s.used != 56)
		sha1_update(&s, &zero, 1);
	for (int i = 0; i < 8; i++)
		lenbytes[i] = (unsigned char)(bits >> (56 - 8 * i));
	sha1_update(&s, lenbytes, 8);
	for (int i = 0; i < 5; i++)
		for (int j = 0; j < 4; j++)
			out[4 * i + j] = (unsigned char)(s.h[i] >> (24 - 8 * j));
}

/* ---- sockets ---- */

static int tcp_connect(const char *host, int port, const char *source)
{
	struct sockaddr_in sa;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0)
		return -1;
	if (source) {
		struct sockaddr_in la;

		memset(&la, 0, sizeof(la));
		la.sin_family = AF_INET;
		if (inet_pton(AF_INET, source, &la.sin_addr) != 1 ||
		    bind(fd, (struct sockaddr *)&la, sizeof(la)))
			goto fail;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		goto fail;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
fail:
	close(fd);
	return -1;
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads what is there into b, waiting until deadline. 1 read, 0 timeout, -1 end or error. */
static int read_some(int fd, buf *b, long long deadline)
{
	char tmp[16384];
	struct pollfd pfd = {fd, POLLIN, 0};
	long long left = deadline - now_ms();
	ssize_t n;
	int r;

	if (left < 0)
		left = 0;
	r = poll(&pfd, 1, (int)left);
	if (r < 0)
		return errno == EINTR ? 0 : -1;
	if (r == 0)
		return 0;
	n = read(fd, tmp, sizeof(tmp));
	if (n < 0 && errno == EINTR)
		return 0;
	if (n <= 0)
		return -1;
	return buf_append(b, tmp, (size_t)n) ? -1 : 1;
}

/* The end of the HTTP header in b (index just past "\r\n\r\n"), or 0. */
static size_t header_end(const buf *b)
{
	const char *p = b->len ? strstr(buf_str(b), "\r\n\r\n") : NULL;

	return p ? (size_t)(p - b->data) + 4 : 0;
}

/* The value of header `name` in the raw header block, trimmed, into out. 0, or -1 if absent. */
static int header_value(const char *headers, const char *name, char *out, size_t outlen)
{
	size_t nl = strlen(name);
	const char *line = strstr(headers, "\r\n");

	while (line) {
		line += 2;
		if (strncasecmp(line, name, nl) == 0 && line[nl] == ':') {
			const char *v = line + nl + 1, *end = strstr(v, "\r\n");
			size_t vl;

			while (*v == ' ' || *v == '\t')
				v++;
			vl = end ? (size_t)(end - v) : strlen(v);
			while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
				vl--;
			snprintf(out, outlen, "%.*s", (int)vl, v);
			return 0;
		}
		line = strstr(line, "\r\n");
	}
	return -1;
}

static int status_of(const char *headers)
{
	int status = 0;

	if (sscanf(headers, "HTTP/1.%*d %d", &status) != 1)
		return 0;
	return status;
}

/* ---- the websocket client ---- */

/* 1 when the 101 answer's headers carry the Sec-WebSocket-Accept that key asks for, and the
 * subprotocol asked for; else says which is wrong and 0. */
static int accept_ok(const char *headers, const char *key, const char *subprotocol)
{
	unsigned char digest[20];
	char accept_src[96], expect[32], got[128] = "";

	snprintf(accept_src, sizeof(accept_src), "%s%s", key, WS_GUID);
	sha1(accept_src, strlen(accept_src), digest);
	sodium_bin2base64(expect, sizeof(expect), digest, sizeof(digest),
			  sodium_base64_VARIANT_ORIGINAL);
	if (header_value(headers, "Sec-WebSocket-Accept", got, sizeof(got)) ||
	    strcmp(got, expect)) {
		fprintf(stderr,
			"wsclient: Sec-WebSocket-Accept is wrong (\"%s\", expected \"%s\")\n", got,
			expect);
		return 0;
	}
	if (subprotocol && (header_value(headers, "Sec-WebSocket-Protocol", got, sizeof(got)) ||
			    strcmp(got, subprotocol))) {
		fprintf(stderr, "wsclient: the server did not choose the %s subprotocol\n",
			subprotocol);
		return 0;
	}
	return 1;
}

/* The handshake for wsclient_open and wsclient_open_as: asks for `subprotocol` and sends
 * extra_headers (whole "Name: value\r\n" lines, may be NULL). */
static wsclient *open_with(const char *host, int port, const wsclient_opts *opts,
			   const char *subprotocol, const char *extra_headers, int *http_status)
{
	unsigned char nonce[16];
	char key[32], hosthdr[128], origin[600], protocol[128] = "";
	buf req = BUF_INIT, rx = BUF_INIT;
	wsclient *c = NULL;
	size_t end = 0;
	long long deadline = now_ms() + HANDSHAKE_MS;
	int fd, status = 0;

	if (http_status)
		*http_status = 0;
	if (sodium_init() < 0)
		return NULL;
	fd = tcp_connect(host, port, opts ? opts->source : NULL);
	if (fd < 0)
		return NULL;
	randombytes_buf(nonce, sizeof(nonce));
	sodium_bin2base64(key, sizeof(key), nonce, sizeof(nonce), sodium_base64_VARIANT_ORIGINAL);
	if (opts && opts->host_header)
		snprintf(hosthdr, sizeof(hosthdr), "%s", opts->host_header);
	else
		snprintf(hosthdr, sizeof(hosthdr), "%s:%d", host, port);
	origin[0] = '\0';
	if (subprotocol)
		snprintf(protocol, sizeof(protocol), "Sec-WebSocket-Protocol: %s\r\n", subprotocol);
	if (opts && opts->origin)
		snprintf(origin, sizeof(origin), "Origin: %s\r\n", opts->origin);
	buf_printf(&req,
		   "GET /ws HTTP/1.1\r\n"
		   "Host: %s\r\n"
		   "Upgrade: websocket\r\n"
		   "Connection: Upgrade\r\n"
		   "Sec-WebSocket-Key: %s\r\n"
		   "Sec-WebSocket-Version: 13\r\n"
		   "%s%s%s\r\n",
		   hosthdr, key, protocol, origin, extra_headers ? extra_headers : "");
	if (write_all(fd, req.data, req.len))
		goto out;
	while (!(end = header_end(&rx)) && rx.len < MAX_HEADER) {
		int r = read_some(fd, &rx, deadline);

		if (r < 0 || (r == 0 && now_ms() >= deadline))
			break;
	}
	if (!end) {
		status = status_of(buf_str(&rx));
		goto out;
	}
	rx.data[end - 2] = '\0'; /* the header block alone, for the lookups */
	status = status_of(rx.data);
	if (status != 101)
		goto out;
	if (!accept_ok(rx.data, key, subprotocol))
		goto out;
	c = calloc(1, sizeof(*c));
	if (!c)
		goto out;
	c->fd = fd;
	c->close_code = -1;
	buf_init(&c->rx);
	if (rx.len > end)
		buf_append(&c->rx, rx.data + end, rx.len - end);
	fd = -1;
out:
	if (http_status)
		*http_status = status;
	if (fd >= 0)
		close(fd);
	buf_release(&req);
	buf_release(&rx);
	return c;
}

wsclient *wsclient_open(const char *host, int port, const wsclient_opts *opts, int *http_status)
{
	return open_with(host, port, opts, "planaloud", NULL, http_status);
}

wsclient *wsclient_open_as(const char *host, int port, const wsclient_opts *opts,
			   const char *subprotocol, const char *cookie, int *http_status)
{
	char extra[512] = "";

	if (cookie)
		snprintf(extra, sizeof(extra), "Cookie: %s\r\n", cookie);
	return open_with(host, port, opts, subprotocol, extra, http_status);
}

wsclient *wsclient_open_with(const char *host, int port, const wsclient_opts *opts,
			     const char *subprotocol, const char *extra_headers, int *http_status)
{
	return open_with(host, port, opts, subprotocol, extra_headers, http_status);
}

wsclient *wsclient_connect(const char *host, int port, const char *origin)
{
	wsclient_opts o = {origin, NULL, NULL};

	return wsclient_open(host, port, &o, NULL);
}

void wsclient_free(wsclient *c)
{
	if (!c)
		return;
	close(c->fd);
	buf_release(&c->rx);
	free(c);
}

int wsclient_send_raw(wsclient *c, const void *bytes, size_t len)
{
	return write_all(c->fd, bytes, len);
}

int wsclient_send_frame(wsclient *c, int fin, int opcode, const void *payload, size_t len,
			int masked)
{
	unsigned char *f = malloc(len + 14), mask[4];
	const unsigned char *p = payload;
	size_t n = 0;
	int rc;

	if (!f)
		return -1;
	f[n++] = (unsigned char)((fin ? 0x80 : 0) | (opcode & 0x0F));
	if (len < 126) {
		f[n++] = (unsigned char)((masked ? 0x80 : 0) | len);
	} else if (len <= 0xFFFF) {
		f[n++] = (unsigned char)((masked ? 0x80 : 0) | 126);
		f[n++] = (unsigned char)(len >> 8);
		f[n++] = (unsigned char)len;
	} else {
		f[n++] = (unsigned char)((masked ? 0x80 : 0) | 127);
		for (int i = 7; i >= 0; i--)
			f[n++] = (unsigned char)((uint64_t)len >> (8 * i));
	}
	if (masked) {
		randombytes_buf(mask, sizeof(mask));
		memcpy(f + n, mask, 4);
		n += 4;
		for (size_t i = 0; i < len; i++)
			f[n + i] = p[i] ^ mask[i % 4];
	} else if (len) {
		memcpy(f + n, p, len);
	}
	rc = write_all(c->fd, f, n + len);
	free(f);
	return rc;
}

int wsclient_send_text(wsclient *c, const char *text)
{
	return wsclient_send_frame(c, 1, WS_OP_TEXT, text, strlen(text), 1);
}

int wsclient_send_close(wsclient *c, int status)
{
	unsigned char p[2] = {(unsigned char)(status >> 8), (unsigned char)status};

	c->sent_close = 1;
	return wsclient_send_frame(c, 1, WS_OP_CLOSE, p, 2, 1);
}

/* Makes at least n unused bytes available in c->rx. 1, 0 on timeout, -1 on end. */
static int need(wsclient *c, size_t n, long long deadline)
{
	while (c->rx.len - c->rx_off < n) {
		int r = read_some(c->fd, &c->rx, deadline);

		if (r < 0)
			return -1;
		if (r == 0 && now_ms() >= deadline)
			return 0;
	}
	return 1;
}

/* Drops the bytes already used. */
static void compact(wsclient *c)
{
	if (!c->rx_off)
		return;
	memmove(c->rx.data, c->rx.data + c->rx_off, c->rx.len - c->rx_off);
	c->rx.len -= c->rx_off;
	c->rx.data[c->rx.len] = '\0';
	c->rx_off = 0;
}

/* One frame. 1 and the frame, 0 on timeout, -1 on end. */
static int recv_frame(wsclient *c, long long deadline, int *fin, int *opcode, buf *payload)
{
	const unsigned char *h;
	size_t hl = 2;
	uint64_t len;
	int masked, r;
	unsigned char mask[4] = {0};

	if ((r = need(c, 2, deadline)) <= 0)
		return r;
	h = (const unsigned char *)c->rx.data + c->rx_off;
	masked = h[1] & 0x80;
	len = h[1] & 0x7F;
	if (len == 126)
		hl += 2;
	else if (len == 127)
		hl += 8;
	if (masked)
		hl += 4;
	if ((r = need(c, hl, deadline)) <= 0)
		return r;
	h = (const unsigned char *)c->rx.data + c->rx_off;
	*fin = (h[0] & 0x80) != 0;
	*opcode = h[0] & 0x0F;
	if (len == 126) {
		len = (uint64_t)h[2] << 8 | h[3];
	} else if (len == 127) {
		len = 0;
		for (int i = 0; i < 8; i++)
			len = len << 8 | h[2 + i];
	}
	if (masked)
		memcpy(mask, h + hl - 4, 4);
	if (len > 64 * 1024 * 1024)
		return -1;
	if ((r = need(c, hl + (size_t)len, deadline)) <= 0)
		return r;
	buf_reset(payload);
	buf_append(payload, c->rx.data + c->rx_off + hl, (size_t)len);
	if (masked)
		for (size_t i = 0; i < (size_t)len; i++)
			payload->data[i] ^= (char)mask[i % 4];
	c->rx_off += hl + (size_t)len;
	compact(c);
	return 1;
}

int wsclient_recv(wsclient *c, int timeout_ms, char **out, size_t *len, int *binary)
{
	long long deadline = now_ms() + timeout_ms;
	buf frame = BUF_INIT, msg = BUF_INIT;
	int fin, op, r, started = 0, is_binary = 0;

	*out = NULL;
	if (c->closed)
		return -1;
	for (;;) {
		r = recv_frame(c, deadline, &fin, &op, &frame);
		if (r <= 0) {
			if (r < 0)
				c->closed = 1;
			break;
		}
		if (op == WS_OP_PING) {
			wsclient_send_frame(c, 1, WS_OP_PONG, frame.data, frame.len, 1);
			continue;
		}
		if (op == WS_OP_PONG)
			continue;
		if (op == WS_OP_CLOSE) {
			const unsigned char *p = (const unsigned char *)frame.data;

			c->close_code = frame.len >= 2 ? (p[0] << 8 | p[1]) : 1005;
			c->closed = 1;
			if (!c->sent_close)
				wsclient_send_close(c,
						    c->close_code == 1005 ? 1000 : c->close_code);
			r = -1;
			break;
		}
		if (op == WS_OP_TEXT || op == WS_OP_BINARY) {
			buf_reset(&msg);
			started = 1;
			is_binary = op == WS_OP_BINARY;
		} else if (op != WS_OP_CONT || !started) {
			fprintf(stderr, "wsclient: unexpected frame opcode %d from the server\n",
				op);
			continue;
		}
		buf_append(&msg, frame.data ? frame.data : "", frame.len);
		if (fin) {
			if (len)
				*len = msg.len;
			if (binary)
				*binary = is_binary;
			*out = msg.data ? buf_detach(&msg, NULL) : strdup("");
			r = 1;
			break;
		}
	}
	buf_release(&frame);
	buf_release(&msg);
	return r;
}

void wsclient_skip_news(wsclient *c, int skip)
{
	if (c)
		c->skip_news = skip;
}

/* 1 when j is staff news (docs/staff.md, "News as it happens"). */
static int is_news(const cJSON *j)
{
	const cJSON *t = cJSON_GetObjectItem(j, "type");

	return cJSON_IsString(t) &&
	       (strcmp(t->valuestring, "live") == 0 || strcmp(t->valuestring, "live_missed") == 0);
}

cJSON *wsclient_recv_json(wsclient *c, int timeout_ms)
{
	char *text;
	size_t len;
	cJSON *j;

	do {
		if (wsclient_recv(c, timeout_ms, &text, &len, NULL) != 1)
			return NULL;
		j = cJSON_ParseWithLength(text, len);
		if (!j)
			fprintf(stderr,
				"wsclient: the server sent something that is not JSON: %.200s\n",
				text);
		free(text);
		if (j && c->skip_news && is_news(j)) {
			cJSON_Delete(j);
			j = NULL;
			continue;
		}
		return j;
	} while (1);
}

cJSON *wsclient_ask(wsclient *c, const char *text, int timeout_ms)
{
	if (wsclient_send_text(c, text))
		return NULL;
	return wsclient_recv_json(c, timeout_ms);
}

int wsclient_wait_close(wsclient *c, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	char *text;

	while (!c->closed && now_ms() < deadline) {
		int r = wsclient_recv(c, (int)(deadline - now_ms()), &text, NULL, NULL);

		free(text);
		if (r == 0)
			break;
	}
	return c->close_code;
}

int wsclient_close_code(const wsclient *c)
{
	return c->close_code;
}

int wsclient_closed(const wsclient *c)
{
	return c->closed;
}

/* ---- HTTP ---- */

int http_get(int port, const char *path, char *headers, size_t hlen, char *body, size_t blen)
{
	long long deadline = now_ms() + 5000;
	buf req = BUF_INIT, rx = BUF_INIT;
	char value[64];
	size_t end = 0;
	long long want = -1;
	int fd = tcp_connect("127.0.0.1", port, NULL), status = -1;

	if (headers && hlen)
		headers[0] = '\0';
	if (body && blen)
		body[0] = '\0';
	if (fd < 0)
		return -1;
	buf_printf(&req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n\r\n", path,
		   port);
	if (write_all(fd, req.data, req.len))
		goto out;
	for (;;) {
		int r;

		if (!end && (end = header_end(&rx))) {
			char *hdr = strndup(rx.data, end);

			if (!hdr)
				goto out;
			status = status_of(hdr);
			if (header_value(hdr, "Content-Length", value, sizeof(value)) == 0)
				want = strtoll(value, NULL, 10);
			if (headers && hlen)
				snprintf(headers, hlen, "%s", hdr);
			free(hdr);
		}
		if (end && want >= 0 && (long long)(rx.len - end) >= want)
			break;
		r = read_some(fd, &rx, deadline);
		if (r < 0)
			break;
		if (r == 0 && now_ms() >= deadline) {
			status = -1;
			goto out;
		}
	}
	if (!end)
		status = -1;
	else if (body && blen)
		snprintf(body, blen, "%.*s", (int)(rx.len - end), rx.data + end);
out:
	close(fd);
	buf_release(&req);
	buf_release(&rx);
	return status;
}

int http_post_form(int port, const char *path, const char *origin, const char *cookie,
		   const char *form, char *headers, size_t hlen)
{
	long long deadline = now_ms() + 10000;
	buf req = BUF_INIT, rx = BUF_INIT;
	char value[64];
	size_t end = 0;
	long long want = -1;
	int fd = tcp_connect("127.0.0.1", port, NULL), status = -1;

	if (headers && hlen)
		headers[0] = '\0';
	if (fd < 0)
		return -1;
	buf_printf(&req,
		   "POST %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n"
		   "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %zu\r\n",
		   path, port, strlen(form));
	if (origin)
		buf_printf(&req, "Origin: %s\r\n", origin);
	if (cookie)
		buf_printf(&req, "Cookie: %s\r\n", cookie);
	buf_printf(&req, "\r\n%s", form);
	if (write_all(fd, req.data, req.len))
		goto out;
	for (;;) {
		int r;

		if (!end && (end = header_end(&rx))) {
			char *hdr = strndup(rx.data, end);

			if (!hdr)
				goto out;
			status = status_of(hdr);
			if (header_value(hdr, "Content-Length", value, sizeof(value)) == 0)
				want = strtoll(value, NULL, 10);
			if (headers && hlen)
				snprintf(headers, hlen, "%s", hdr);
			free(hdr);
		}
		if (end && want >= 0 && (long long)(rx.len - end) >= want)
			break;
		r = read_some(fd, &rx, deadline);
		if (r < 0)
			break;
		if (r == 0 && now_ms() >= deadline) {
			status = -1;
			goto out;
		}
	}
	if (!end)
		status = -1;
out:
	close(fd);
	buf_release(&req);
	buf_release(&rx);
	return status;
}

int http_header(const char *headers, const char *name, char *out, size_t outlen)
{
	return header_value(headers, name, out, outlen);
}
