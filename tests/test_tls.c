/* test_tls: the server serving HTTPS itself, with a certificate this test makes (the openssl
 * command), checked from outside as a browser and a person would: pages and their headers with
 * curl, plain HTTP sent to HTTPS (on the same port and on --redirect-port), the staff login's
 * cookie, and a staff websocket over TLS (libwebsockets' client) that works with that cookie; a
 * kiosk websocket over TLS from a raw client (OpenSSL) that sends an unmasked frame is closed
 * with 1002; --redirect-port's connections held to the per-address cap. Also: what the server
 * refuses at start about its TLS files. */
#include "check.h"
#include "users.h"
#include "wsclient.h"

#include <libwebsockets.h>
#include <openssl/ssl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <unistd.h>

#define CASEY_PW "casey long password"

static char tmpdir[64], cert[128], key[128];
static testsrv srv;
static int redirect_port;

/* ---- a real HTTP client ---- */

/* Runs `curl -s` with args (already quoted for the shell) and keeps the response's status line
 * and headers, CRLF-separated, in headers. The HTTP status, or -1. */
static int curl(const char *args, char *headers, size_t n)
{
	char cmd[1024];
	size_t len = 0;
	FILE *p;
	int status = -1;

	snprintf(cmd, sizeof(cmd), "curl -s --max-time 10 -D - -o /dev/null %s", args);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	len = fread(headers, 1, n - 1, p);
	headers[len] = '\0';
	pclose(p);
	if (sscanf(headers, "HTTP/%*s %d", &status) != 1)
		fprintf(stderr, "  curl %s: %s\n", args, headers);
	return status;
}

/* ---- a websocket client over TLS (libwebsockets) ---- */

typedef struct wss {
	const char *cookie; /* "name=value", or NULL */
	const char *send;   /* sent once open */
	int opened, done;
	char reply[4096]; /* the first message that came back */
} wss;

static int wss_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
			size_t len)
{
	wss *t = lws_get_opaque_user_data(wsi);
	unsigned char **p = in, buf[LWS_PRE + 256];

	(void)user;
	switch (reason) {
	case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER:
		if (t->cookie && lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_COOKIE,
							      (const unsigned char *)t->cookie,
							      (int)strlen(t->cookie), p, *p + len))
			return -1;
		return 0;
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		t->opened = 1;
		lws_callback_on_writable(wsi);
		return 0;
	case LWS_CALLBACK_CLIENT_WRITEABLE:
		len = strlen(t->send);
		memcpy(buf + LWS_PRE, t->send, len);
		return lws_write(wsi, buf + LWS_PRE, len, LWS_WRITE_TEXT) < (int)len ? -1 : 0;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		if (!t->reply[0])
			snprintf(t->reply, sizeof(t->reply), "%.*s", (int)len, (const char *)in);
		t->done = 1;
		return -1; /* one message is all a test needs */
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
	case LWS_CALLBACK_CLIENT_CLOSED:
	case LWS_CALLBACK_WSI_DESTROY:
		t->done = 1;
		return 0;
	default:
		return 0;
	}
}

static const struct lws_protocols wss_protocols[] = {
    {"planaloud-staff", wss_callback, 0, 4096, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

/* Opens wss://127.0.0.1:port/ as the staff page would (its Origin, the staff subprotocol, the
 * cookie), sends t->send and keeps the first reply. The certificate is this test's own, so it is
 * trusted as self-signed. 0 when a reply came, else -1. */
static int wss_ask(int port, wss *t)
{
	struct lws_context_creation_info info;
	struct lws_client_connect_info ci;
	struct lws_context *ctx;
	char origin[64], host[64];
	long long deadline = now_ms() + 10000;

	memset(&info, 0, sizeof(info));
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = wss_protocols;
	info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT | LWS_SERVER_OPTION_JUST_USE_RAW_ORIGIN;
	lws_set_log_level(LLL_ERR, NULL);
	ctx = lws_create_context(&info);
	if (!ctx)
		return -1;
	snprintf(origin, sizeof(origin), "https://127.0.0.1:%d", port);
	snprintf(host, sizeof(host), "127.0.0.1:%d", port);
	memset(&ci, 0, sizeof(ci));
	ci.context = ctx;
	ci.address = "127.0.0.1";
	ci.port = port;
	ci.path = "/";
	ci.host = host;
	ci.origin = origin;
	ci.protocol = "planaloud-staff";
	ci.ssl_connection =
	    LCCSCF_USE_SSL | LCCSCF_ALLOW_SELFSIGNED | LCCSCF_SKIP_SERVER_CERT_HOSTNAME_CHECK;
	ci.opaque_user_data = t;
	if (lws_client_connect_via_info(&ci))
		while (!t->done && now_ms() < deadline)
			lws_service(ctx, 0);
	lws_context_destroy(ctx);
	return t->reply[0] ? 0 : -1;
}

/* ---- a raw websocket client over TLS (OpenSSL): it can send what a browser never would ---- */

typedef struct raw_wss {
	int fd;
	SSL_CTX *ctx;
	SSL *ssl;
	unsigned char in[1 << 18]; /* received and not yet used (hello holds every message) */
	size_t have;
} raw_wss;

static void raw_wss_close(raw_wss *t)
{
	if (t->ssl)
		SSL_free(t->ssl);
	if (t->ctx)
		SSL_CTX_free(t->ctx);
	if (t->fd >= 0)
		close(t->fd);
	memset(t, 0, sizeof(*t));
	t->fd = -1;
}

/* More bytes from the server into t->in (each read waits 5 s at most). 0, or -1. */
static int raw_wss_fill(raw_wss *t)
{
	int n = t->have < sizeof(t->in)
		    ? SSL_read(t->ssl, t->in + t->have, (int)(sizeof(t->in) - t->have))
		    : -1;

	if (n <= 0)
		return -1;
	t->have += (size_t)n;
	return 0;
}

/* Where the HTTP answer's header block ends in t->in ("\r\n\r\n"), or NULL before it came. */
static unsigned char *header_end(raw_wss *t)
{
	for (size_t i = 0; i + 4 <= t->have; i++)
		if (memcmp(t->in + i, "\r\n\r\n", 4) == 0)
			return t->in + i;
	return NULL;
}

/* Opens wss://localhost:port/ as a kiosk (the planaloud subprotocol, this server's Origin), the
 * certificate checked against the test's own. 0 once the server answered 101, else -1. */
static int raw_wss_open(raw_wss *t, int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons((uint16_t)port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct timeval wait = {5, 0};
	char req[512];
	unsigned char *end;
	int n;

	memset(t, 0, sizeof(*t));
	t->fd = socket(AF_INET, SOCK_STREAM, 0);
	if (t->fd < 0 || setsockopt(t->fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof(wait)) ||
	    connect(t->fd, (struct sockaddr *)&a, sizeof(a)))
		return -1;
	t->ctx = SSL_CTX_new(TLS_client_method());
	if (!t->ctx || SSL_CTX_load_verify_locations(t->ctx, cert, NULL) != 1)
		return -1;
	SSL_CTX_set_verify(t->ctx, SSL_VERIFY_PEER, NULL);
	t->ssl = SSL_new(t->ctx);
	if (!t->ssl || SSL_set_fd(t->ssl, t->fd) != 1 || SSL_set1_host(t->ssl, "localhost") != 1 ||
	    SSL_connect(t->ssl) != 1)
		return -1;
	n = snprintf(req, sizeof(req),
		     "GET / HTTP/1.1\r\nHost: localhost:%d\r\nOrigin: https://localhost:%d\r\n"
		     "Upgrade: websocket\r\nConnection: Upgrade\r\n"
		     "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
		     "Sec-WebSocket-Protocol: planaloud\r\n\r\n",
		     port, port);
	if (SSL_write(t->ssl, req, n) != n)
		return -1;
	while (!(end = header_end(t)))
		if (raw_wss_fill(t))
			return -1;
	if (strncmp((const char *)t->in, "HTTP/1.1 101", 12) != 0)
		return -1;
	end += 4;
	t->have -= (size_t)(end - t->in);
	memmove(t->in, end, t->have);
	return 0;
}

/* One text frame, masked (as every browser sends) or not. 0, or -1. */
static int raw_wss_send(raw_wss *t, const char *text, int masked)
{
	unsigned char f[256];
	size_t len = strlen(text), n = 0;
	static const unsigned char mask[4] = {0x37, 0xfa, 0x21, 0x3d};

	if (len > 125)
		return -1;
	f[n++] = 0x81;
	f[n++] = (unsigned char)((masked ? 0x80 : 0) | len);
	if (masked) {
		memcpy(f + n, mask, 4);
		n += 4;
	}
	for (size_t i = 0; i < len; i++)
		f[n + i] = (unsigned char)(masked ? text[i] ^ mask[i % 4] : text[i]);
	n += len;
	return SSL_write(t->ssl, f, (int)n) == (int)n ? 0 : -1;
}

/* The server's next frame (never masked): its opcode, and its payload (NUL-terminated, cut to
 * outlen) into out. The opcode, or -1 when none came. */
static int raw_wss_next(raw_wss *t, char *out, size_t outlen)
{
	size_t head = 2, len;
	int op;

	while (t->have < 2 || t->have < (size_t)((t->in[1] & 0x7f) == 126   ? 4
						 : (t->in[1] & 0x7f) == 127 ? 10
									    : 2))
		if (raw_wss_fill(t))
			return -1;
	len = t->in[1] & 0x7f;
	if (len >= 126) {
		head = len == 126 ? 4 : 10;
		len = 0;
		for (size_t i = 2; i < head; i++)
			len = len << 8 | t->in[i];
	}
	if (head + len > sizeof(t->in))
		return -1; /* nothing the server sends is that long */
	while (t->have < head + len)
		if (raw_wss_fill(t))
			return -1;
	op = t->in[0] & 0x0f;
	snprintf(out, outlen, "%.*s", (int)len, (const char *)t->in + head);
	if (op == WS_OP_CLOSE && len >= 2) /* the status, as a number */
		snprintf(out, outlen, "%d", t->in[head] << 8 | t->in[head + 1]);
	t->have -= head + len;
	memmove(t->in, t->in + head + len, t->have);
	return op;
}

/* Frames until a text one of this type and about what (json_is_msg): 1 when it came, else 0. */
static int raw_wss_reply_is(raw_wss *t, const char *type, const char *what)
{
	static char text[1 << 18];
	int op;

	while ((op = raw_wss_next(t, text, sizeof(text))) == WS_OP_TEXT) {
		cJSON *m = cJSON_Parse(text);
		int is = json_str(m, "type") && strcmp(json_str(m, "type"), type) == 0;

		if (is)
			is = json_is_msg(m, type, what);
		cJSON_Delete(m);
		if (is)
			return 1;
	}
	return 0;
}

/* The status of the server's close frame, past any other frames; -1 when none came. */
static int raw_wss_close_code(raw_wss *t)
{
	static char text[1 << 18];
	int op;

	while ((op = raw_wss_next(t, text, sizeof(text))) >= 0)
		if (op == WS_OP_CLOSE)
			return atoi(text);
	return -1;
}

/* ---- setting up ---- */

/* A certificate for localhost and 127.0.0.1, and its key (mode 0600). 0, or -1. */
static int make_certificate(void)
{
	char cmd[1024];

	snprintf(cert, sizeof(cert), "%s/cert.pem", tmpdir);
	snprintf(key, sizeof(key), "%s/key.pem", tmpdir);
	snprintf(cmd, sizeof(cmd),
		 "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
		 "-days 2 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 "
		 "-keyout '%s' -out '%s' 2>/dev/null",
		 key, cert);
	if (system(cmd) != 0 || chmod(key, 0600) != 0) {
		fprintf(stderr, "openssl could not make a certificate\n");
		return -1;
	}
	return 0;
}

/* casey, a caseworker, in the database under dir before the server starts. */
static int add_casey(const char *dir)
{
	char path[192], err[STORE_ERR_LEN] = "";
	store *st;
	users *u;
	int rc;

	snprintf(path, sizeof(path), "%s/planaloud.db", dir);
	st = store_open(path, err, sizeof(err));
	u = st ? users_new(st) : NULL;
	rc =
	    u ? users_add(u, "casey", AUTH_CASEWORKER, CASEY_PW, NULL, NULL, err, sizeof(err)) : -1;
	if (rc)
		fprintf(stderr, "add_casey: %s\n", err);
	users_free(u);
	store_close(st);
	return rc ? -1 : 0;
}

/* A port nobody listens on now (the kernel's choice, then let go). */
static int free_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

/* ---- the tests ---- */

static void a_page_over_tls_should_come_with_hsts_and_the_security_headers(void)
{
	char args[256], headers[8192], value[512];

	snprintf(args, sizeof(args), "--cacert '%s' https://localhost:%d/", cert, srv.port);
	CHECK(curl(args, headers, sizeof(headers)) == 200);
	CHECK(http_header(headers, "strict-transport-security", value, sizeof(value)) == 0);
	CHECK_STR(value, "max-age=31536000");
	CHECK(http_header(headers, "cross-origin-opener-policy", value, sizeof(value)) == 0);
	CHECK_STR(value, "same-origin");
	CHECK(http_header(headers, "cross-origin-resource-policy", value, sizeof(value)) == 0);
	CHECK_STR(value, "same-origin");
	CHECK(http_header(headers, "permissions-policy", value, sizeof(value)) == 0);
	CHECK(strstr(value, "camera=()") && strstr(value, "microphone=()") &&
	      strstr(value, "geolocation=()") && strstr(value, "payment=()") &&
	      strstr(value, "usb=()"));
	CHECK(http_header(headers, "content-security-policy", value, sizeof(value)) == 0);
	CHECK(strstr(value, "default-src 'self'") != NULL);
	/* the staff pages and the health answer too */
	snprintf(args, sizeof(args), "--cacert '%s' https://localhost:%d/healthz", cert, srv.port);
	CHECK(curl(args, headers, sizeof(headers)) == 200);
	CHECK(http_header(headers, "strict-transport-security", value, sizeof(value)) == 0);
	CHECK(http_header(headers, "permissions-policy", value, sizeof(value)) == 0);
}

static void plain_http_should_be_sent_to_https(void)
{
	char args[256], headers[8192], value[512], want[128];

	/* on the HTTPS port itself */
	snprintf(args, sizeof(args), "http://127.0.0.1:%d/staff/", srv.port);
	CHECK(curl(args, headers, sizeof(headers)) == 301);
	CHECK(http_header(headers, "location", value, sizeof(value)) == 0);
	snprintf(want, sizeof(want), "https://127.0.0.1:%d/", srv.port);
	CHECK_STR(value, want);
	/* on --redirect-port, to the same page */
	snprintf(args, sizeof(args), "http://localhost:%d/staff/login.html", redirect_port);
	CHECK(curl(args, headers, sizeof(headers)) == 301);
	CHECK(http_header(headers, "location", value, sizeof(value)) == 0);
	snprintf(want, sizeof(want), "https://localhost:%d/staff/login.html", srv.port);
	CHECK_STR(value, want);
	CHECK(http_header(headers, "permissions-policy", value, sizeof(value)) == 0);
	/* and the redirect follows through to the page over TLS */
	snprintf(args, sizeof(args), "-L --cacert '%s' http://localhost:%d/", cert, redirect_port);
	CHECK(curl(args, headers, sizeof(headers)) == 301);
	CHECK(strstr(headers, "HTTP/1.1 200") != NULL);
	/* a name this server does not answer to is sent nowhere */
	snprintf(args, sizeof(args), "-H 'Host: evil.example' http://127.0.0.1:%d/", redirect_port);
	CHECK(curl(args, headers, sizeof(headers)) == 400);
	CHECK(http_header(headers, "location", value, sizeof(value)) != 0);
	/* a path that could be read as another server's address stays on this one */
	snprintf(args, sizeof(args), "--path-as-is http://localhost:%d//evil.example/",
		 redirect_port);
	CHECK(curl(args, headers, sizeof(headers)) == 301);
	CHECK(http_header(headers, "location", value, sizeof(value)) == 0);
	snprintf(want, sizeof(want), "https://localhost:%d/", srv.port);
	CHECK(strncmp(value, want, strlen(want)) == 0 && value[strlen(want)] != '/');
}

/* Logs casey in over TLS; the cookie's "name=value" into cookie. The HTTP status. */
static int login(char *cookie, size_t n, char *set_cookie, size_t sn)
{
	char args[512], headers[8192];
	int status;

	snprintf(args, sizeof(args),
		 "--cacert '%s' -H 'Origin: https://localhost:%d' --data 'name=casey&password=%s' "
		 "https://localhost:%d/staff/auth/login",
		 cert, srv.port, "casey+long+password", srv.port);
	status = curl(args, headers, sizeof(headers));
	set_cookie[0] = cookie[0] = '\0';
	if (http_header(headers, "set-cookie", set_cookie, sn) == 0)
		snprintf(cookie, n, "%.*s", (int)strcspn(set_cookie, ";"), set_cookie);
	return status;
}

static void a_login_over_tls_should_set_a_host_only_secure_cookie(void)
{
	char cookie[256], set_cookie[512];

	CHECK(login(cookie, sizeof(cookie), set_cookie, sizeof(set_cookie)) == 303);
	CHECK(strncmp(set_cookie, "__Host-planaloud_staff=", 23) == 0);
	CHECK(strstr(set_cookie, "; Secure") != NULL);
	CHECK(strstr(set_cookie, "; Path=/") != NULL);
	CHECK(strstr(set_cookie, "HttpOnly") != NULL);
	CHECK(strstr(set_cookie, "Domain") == NULL); /* __Host-: this host only */
}

static void a_staff_websocket_over_tls_should_work_with_that_cookie(void)
{
	char cookie[256], set_cookie[512], plain_name[256];
	wss with = {0}, old_name = {0}, none = {0};

	CHECK(login(cookie, sizeof(cookie), set_cookie, sizeof(set_cookie)) == 303);
	with.cookie = cookie;
	with.send = "{\"type\":\"me\",\"seq\":1}";
	CHECK(wss_ask(srv.port, &with) == 0);
	CHECK(strstr(with.reply, "\"type\":\"me\"") != NULL);
	CHECK(strstr(with.reply, "casey") != NULL);
	/* the same token under the plain-HTTP name is not the login cookie here */
	snprintf(plain_name, sizeof(plain_name), "planaloud_staff=%s", strchr(cookie, '=') + 1);
	old_name.cookie = plain_name;
	old_name.send = with.send;
	CHECK(wss_ask(srv.port, &old_name) == 0);
	CHECK(strstr(old_name.reply, "login-needed") != NULL);
	none.send = with.send;
	CHECK(wss_ask(srv.port, &none) == 0);
	CHECK(strstr(none.reply, "login-needed") != NULL);
}

/* RFC 6455 5.1: a client's frames must be masked; over the server's own TLS too. */
static void an_unmasked_frame_over_tls_should_close_the_websocket_with_1002(void)
{
	static const char next[] = "{\"type\":\"go\",\"to\":\"next\"}";
	static raw_wss t;

	/* masked, as every browser sends: served */
	CHECK(raw_wss_open(&t, srv.port) == 0);
	CHECK(raw_wss_reply_is(&t, "page", NULL)); /* hello, then the first page */
	CHECK(raw_wss_send(&t, next, 1) == 0);
	CHECK(raw_wss_reply_is(&t, "page", "who"));
	/* then one unmasked: closed with 1002 */
	CHECK(raw_wss_send(&t, "{\"type\":\"finish\"}", 0) == 0);
	CHECK(raw_wss_close_code(&t) == 1002);
	raw_wss_close(&t);
	/* unmasked from the first frame */
	CHECK(raw_wss_open(&t, srv.port) == 0);
	CHECK(raw_wss_reply_is(&t, "page", NULL));
	CHECK(raw_wss_send(&t, next, 0) == 0);
	CHECK(raw_wss_close_code(&t) == 1002);
	raw_wss_close(&t);
	/* others carry on */
	CHECK(raw_wss_open(&t, srv.port) == 0);
	CHECK(raw_wss_reply_is(&t, "page", NULL));
	CHECK(raw_wss_send(&t, next, 1) == 0);
	CHECK(raw_wss_reply_is(&t, "page", "who"));
	raw_wss_close(&t);
}

/* Half a request to 127.0.0.1:port on a new connection; the socket, or -1. */
static int half_request(int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons((uint16_t)port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct timeval wait = {5, 0};
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof(wait)) ||
	    connect(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    send(fd, "GET / HTTP/1.1\r\n", 16, MSG_NOSIGNAL) != 16) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* --redirect-port's connections are held to the same caps as the HTTPS port's. */
static void the_redirect_port_should_cap_connections_per_address(void)
{
	char dir[128], port[16], text[64] = "";
	const char *extra[] = {"--tls-cert",
			       cert,
			       "--tls-key",
			       key,
			       "--redirect-port",
			       port,
			       "--max-connections-per-address",
			       "2",
			       NULL};
	int fd[3], p = free_port();
	ssize_t n;
	testsrv capped;

	snprintf(dir, sizeof(dir), "%s/capped", tmpdir);
	snprintf(port, sizeof(port), "%d", p);
	if (mkdir(dir, 0700) || testsrv_start(&capped, PLANALOUD_BINARY, dir, 0, extra)) {
		CHECK(0);
		return;
	}
	fd[0] = half_request(p);
	fd[1] = half_request(p);
	CHECK(fd[0] >= 0 && fd[1] >= 0);
	/* a third from the same address: 503, and closed */
	fd[2] = half_request(p);
	CHECK(fd[2] >= 0);
	n = fd[2] >= 0 ? recv(fd[2], text, sizeof(text) - 1, 0) : -1;
	text[n > 0 ? n : 0] = '\0';
	CHECK(strncmp(text, "HTTP/1.1 503", 12) == 0);
	for (int i = 0; i < 3; i++)
		if (fd[i] >= 0)
			close(fd[i]);
	CHECK(testsrv_stop(&capped) == 0);
}

/* Without TLS (localhost, development): the same headers but no HSTS, and the plain cookie. */
static void plain_http_on_localhost_should_keep_the_headers_but_not_hsts(void)
{
	char dir[128], args[128], headers[8192], value[512];
	testsrv plain;

	snprintf(dir, sizeof(dir), "%s/plain", tmpdir);
	if (testsrv_start(&plain, PLANALOUD_BINARY, dir, 0, NULL)) {
		CHECK(0);
		return;
	}
	snprintf(args, sizeof(args), "http://127.0.0.1:%d/", plain.port);
	CHECK(curl(args, headers, sizeof(headers)) == 200);
	CHECK(http_header(headers, "strict-transport-security", value, sizeof(value)) != 0);
	CHECK(http_header(headers, "cross-origin-opener-policy", value, sizeof(value)) == 0);
	CHECK(http_header(headers, "permissions-policy", value, sizeof(value)) == 0);
	CHECK(testsrv_stop(&plain) == 0);
}

/* ---- what is refused at start ---- */

/* Runs the server with these arguments to its end; its standard error into err. Exit status. */
static int run_refused_env(const char *env, const char *args, char *err, size_t n)
{
	char cmd[1024];
	size_t len;
	FILE *p;
	int status;

	snprintf(cmd, sizeof(cmd), "%s'%s' --port 0 --data '%s/refused' %s 2>&1 >/dev/null", env,
		 PLANALOUD_BINARY, tmpdir, args);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	len = fread(err, 1, n - 1, p);
	err[len] = '\0';
	status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int run_refused(const char *args, char *err, size_t n)
{
	return run_refused_env("", args, err, n);
}

static void a_key_others_can_read_should_be_refused_naming_it(void)
{
	char args[512], err[2048];

	snprintf(args, sizeof(args), "--tls-cert '%s' --tls-key '%s'", cert, key);
	CHECK(chmod(key, 0644) == 0);
	CHECK(run_refused(args, err, sizeof(err)) == 1);
	CHECK(strstr(err, key) != NULL && strstr(err, "chmod 600") != NULL);
	CHECK(chmod(key, 0640) == 0);
	CHECK(run_refused(args, err, sizeof(err)) == 1);
	CHECK(strstr(err, key) != NULL);
	CHECK(chmod(key, 0600) == 0);
}

static void tls_options_that_do_not_fit_together_should_be_refused(void)
{
	char args[512], err[2048];

	snprintf(args, sizeof(args), "--tls-cert '%s'", cert);
	CHECK(run_refused(args, err, sizeof(err)) == 2);
	CHECK(strstr(err, "--tls-key") != NULL);
	CHECK(run_refused("--redirect-port 8081", err, sizeof(err)) == 2);
	CHECK(strstr(err, "--tls-cert") != NULL);
	snprintf(args, sizeof(args), "--tls-cert '%s/none.pem' --tls-key '%s'", tmpdir, key);
	CHECK(run_refused(args, err, sizeof(err)) == 1);
	CHECK(strstr(err, "none.pem") != NULL);
	/* a certificate that is not one: said plainly, not a crash. (libwebsockets 4.1.6 leaks 72
	 * bytes when its vhost's TLS fails to start, inside the library: the sanitizer build's leak
	 * check is off for this one run, which ends the process at once.) */
	snprintf(args, sizeof(args), "--tls-cert '%s' --tls-key '%s'", key, key);
	CHECK(run_refused_env("LSAN_OPTIONS=detect_leaks=0 ", args, err, sizeof(err)) == 1);
	CHECK(strstr(err, "certificate") != NULL);
}

static void remove_tmpdir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
}

int main(void)
{
	char dir[128], port[16];
	const char *extra[] = {"--tls-cert", cert, "--tls-key", key, "--redirect-port", port, NULL};

	if (sodium_init() < 0)
		return 1;
	testsrv_watchdog(180);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/planaloud-tls-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(dir, sizeof(dir), "%s/data", tmpdir);
	redirect_port = free_port();
	snprintf(port, sizeof(port), "%d", redirect_port);
	if (make_certificate() || mkdir(dir, 0700) || add_casey(dir) ||
	    testsrv_start(&srv, PLANALOUD_BINARY, dir, 0, extra)) {
		fprintf(stderr, "the server did not start with TLS\n");
		remove_tmpdir();
		return 1;
	}
	RUN(a_page_over_tls_should_come_with_hsts_and_the_security_headers);
	RUN(plain_http_should_be_sent_to_https);
	RUN(a_login_over_tls_should_set_a_host_only_secure_cookie);
	RUN(a_staff_websocket_over_tls_should_work_with_that_cookie);
	RUN(an_unmasked_frame_over_tls_should_close_the_websocket_with_1002);
	CHECK(testsrv_stop(&srv) == 0);
	RUN(plain_http_on_localhost_should_keep_the_headers_but_not_hsts);
	RUN(the_redirect_port_should_cap_connections_per_address);
	RUN(a_key_others_can_read_should_be_refused_naming_it);
	RUN(tls_options_that_do_not_fit_together_should_be_refused);
	remove_tmpdir();
	return check_report();
}
