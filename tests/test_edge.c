/* test_edge: the network edge of the real server. Behind a trusted proxy each client has its own
 * wrong-code limit (and without one the header changes nothing); websockets need our subprotocol;
 * methods other than GET, HEAD and POST get 405; idle websockets are pinged and dead ones closed;
 * connections are capped per address and in all (behind a trusted proxy, per client: its
 * websockets and the connections carrying its plain HTTP requests); at the open-file limit the
 * server waits instead of spinning. Each server here is started for its test, on a free loopback
 * port. */
#include "check.h"
#include "wsclient.h"

#include "buf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define WAIT_MS 5000
#define HOST	"127.0.0.1"

#define ask(c, ...)		   wsclient_askf((c), WAIT_MS, __VA_ARGS__)
#define ask_is(c, type, what, ...) wsclient_ask_is((c), WAIT_MS, (type), (what), __VA_ARGS__)

static char log_path[] = "/tmp/planaloud-edge-log-XXXXXX";
static int log_fd = -1;

/* Starts a server with extra arguments, its standard error going to log_path (emptied first). */
static int start(testsrv *s, const char *const *extra)
{
	int saved = dup(2), rc;

	if (ftruncate(log_fd, 0) || lseek(log_fd, 0, SEEK_SET) < 0)
		return -1;
	dup2(log_fd, 2);
	rc = testsrv_start(s, PLANALOUD_BINARY, NULL, 1, extra);
	dup2(saved, 2);
	close(saved);
	CHECK(rc == 0);
	return rc;
}

static void stop(testsrv *s)
{
	CHECK(testsrv_alive(s));
	testsrv_stop(s);
	testsrv_cleanup(s);
}

/* How many lines of the server's standard error hold needle. */
static int log_lines(const char *needle)
{
	char chunk[4096];
	buf b = BUF_INIT;
	ssize_t n;
	int count = 0;

	for (off_t at = 0; (n = pread(log_fd, chunk, sizeof(chunk), at)) > 0; at += n)
		buf_append(&b, chunk, (size_t)n);
	for (const char *p = b.len ? buf_str(&b) : ""; (p = strstr(p, needle)); p++)
		count++;
	buf_release(&b);
	return count;
}

/* A kiosk websocket sending extra headers (NULL for none), past hello and the welcome page. */
static wsclient *kiosk(int port, const char *headers)
{
	wsclient *c = wsclient_open_with(HOST, port, NULL, "planaloud", headers, NULL);

	if (!c)
		return NULL;
	cJSON_Delete(wsclient_recv_json(c, WAIT_MS));
	cJSON_Delete(wsclient_recv_json(c, WAIT_MS));
	return c;
}

/* 20 wrong codes (three per connection, the most one connection may try) with these headers. */
static void twenty_wrong_codes(int port, const char *headers)
{
	int tries = 0;

	for (int i = 0; i < 7; i++) {
		wsclient *c = kiosk(port, headers);

		CHECK(c != NULL);
		for (int k = 0; c && k < 3 && tries < 20; k++, tries++)
			CHECK(ask_is(
			    c, "error", "wrong-code",
			    "{\"type\":\"code\",\"seq\":%d,\"code\":\"apple river boat 2%d%d\"}", k,
			    i, k));
		wsclient_free(c);
	}
	CHECK(tries == 20);
}

/* The reply to the right code from a new connection with these headers: "page" or "error". */
static int right_code_is(testsrv *s, const char *headers, const char *type, const char *what)
{
	wsclient *c = kiosk(s->port, headers);
	cJSON *m;
	int ok;

	if (!c)
		return 0;
	m = ask(c, "{\"type\":\"code\",\"seq\":1,\"code\":\"%s\"}", s->code);
	ok = json_is_msg(m, type, what);
	cJSON_Delete(m);
	wsclient_free(c);
	return ok;
}

#define FROM_1 "X-Forwarded-For: 198.51.100.1\r\n"
#define FROM_2 "X-Forwarded-For: 198.51.100.2\r\n"

/* ---- 1: the client's address behind a proxy ---- */

static void behind_a_trusted_proxy_one_clients_wrong_codes_should_not_lock_out_another(void)
{
	static const char *const extra[] = {"--trusted-proxy", "127.0.0.1", NULL};
	testsrv s;

	if (start(&s, extra))
		return;
	twenty_wrong_codes(s.port, FROM_1);
	/* the client who guessed must wait ... */
	CHECK(right_code_is(&s, FROM_1, "error", "slow-down"));
	/* ... and so must the same client writing its own header first (the proxy adds the real
	 * address at the right) */
	CHECK(right_code_is(&s, "X-Forwarded-For: 203.0.113.9, 198.51.100.1\r\n", "error",
			    "slow-down"));
	/* Forwarded names a client as well, when there is no X-Forwarded-For */
	CHECK(
	    right_code_is(&s, "Forwarded: for=198.51.100.1;proto=https\r\n", "error", "slow-down"));
	/* another client behind the same proxy is not held up */
	CHECK(right_code_is(&s, FROM_2, "page", NULL));
	CHECK(right_code_is(&s, "Forwarded: for=\"[2001:db8:1:2::9]:4711\";proto=https\r\n", "page",
			    NULL));
	/* an IPv6 client counts by its /64: another address in it waits too, the next /64 not */
	twenty_wrong_codes(s.port, "X-Forwarded-For: [2001:db8:5:6::1]:3333\r\n");
	CHECK(
	    right_code_is(&s, "X-Forwarded-For: 2001:db8:5:6:ffff::99\r\n", "error", "slow-down"));
	CHECK(right_code_is(&s, "X-Forwarded-For: 2001:db8:5:7::1\r\n", "page", NULL));
	stop(&s);
}

static void without_a_trusted_proxy_the_header_should_change_nothing(void)
{
	testsrv s;

	if (start(&s, NULL))
		return;
	twenty_wrong_codes(s.port, FROM_1);
	/* both come from 127.0.0.1: one limit, whatever they say */
	CHECK(right_code_is(&s, FROM_2, "error", "slow-down"));
	CHECK(right_code_is(&s, NULL, "error", "slow-down"));
	stop(&s);
}

/* ---- 2: subprotocols ---- */

static void a_websocket_without_our_subprotocol_should_be_refused(void)
{
	static const char *const others[] = {NULL, "http", "chat", "planaloud-other"};
	wsclient_opts evil = {"http://evil.example", "evil.example", NULL};
	testsrv s;
	wsclient *c;
	int status;

	if (start(&s, NULL))
		return;
	for (size_t i = 0; i < sizeof(others) / sizeof(*others); i++) {
		c = wsclient_open_with(HOST, s.port, NULL, others[i], NULL, &status);
		CHECK(c == NULL);
		CHECK(status != 101);
		wsclient_free(c);
	}
	/* nor from another site, without a subprotocol */
	c = wsclient_open_with(HOST, s.port, &evil, NULL, NULL, &status);
	CHECK(c == NULL && status != 101);
	wsclient_free(c);
	/* refusals anyone can cause write no line each */
	CHECK(log_lines("denied") == 0);
	/* ours still open */
	c = kiosk(s.port, NULL);
	CHECK(c != NULL);
	wsclient_free(c);
	stop(&s);
}

/* ---- 3: methods ---- */

/* A TCP connection to port (from source, or any). -1 on failure. */
static int tcp_to(int port, const char *source)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (source) {
		struct sockaddr_in la = {.sin_family = AF_INET};

		inet_pton(AF_INET, source, &la.sin_addr);
		if (bind(fd, (struct sockaddr *)&la, sizeof(la))) {
			close(fd);
			return -1;
		}
	}
	inet_pton(AF_INET, HOST, &sa.sin_addr);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Reads until the server closes or ms pass, into b. 1 when it closed, 0 when time ran out. */
static int read_until_closed(int fd, buf *b, int ms)
{
	long long deadline = now_ms() + ms;
	char chunk[4096];

	while (now_ms() < deadline) {
		struct pollfd p = {fd, POLLIN, 0};
		ssize_t n;

		if (poll(&p, 1, (int)(deadline - now_ms())) <= 0)
			continue;
		n = read(fd, chunk, sizeof(chunk));
		if (n <= 0)
			return 1;
		buf_append(b, chunk, (size_t)n);
	}
	return 0;
}

/* Sends request on a new connection: the status line's code, once the server has closed
 * within 2 s (0 when it answered nothing, -1 when it did not close). */
static int raw_status(int port, const char *request)
{
	int fd = tcp_to(port, NULL), status = 0, closed;
	buf b = BUF_INIT;

	if (fd < 0)
		return -2;
	if (send(fd, request, strlen(request), MSG_NOSIGNAL) < 0) {
		close(fd);
		return -2;
	}
	closed = read_until_closed(fd, &b, 2000);
	if (b.len)
		sscanf(buf_str(&b), "HTTP/1.%*d %d", &status);
	buf_release(&b);
	close(fd);
	return closed ? status : -1;
}

static void methods_other_than_get_head_and_post_should_get_405_and_be_closed(void)
{
	static const char *const methods[] = {"PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "FOO"};
	static const char *const paths[] = {"/", "/staff/auth/login", "/healthz", "/ws"};
	char request[256];
	testsrv s;

	if (start(&s, NULL))
		return;
	for (size_t m = 0; m < sizeof(methods) / sizeof(*methods); m++)
		for (size_t p = 0; p < sizeof(paths) / sizeof(*paths); p++) {
			int status;

			snprintf(request, sizeof(request),
				 "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n", methods[m],
				 paths[p], s.port);
			status = raw_status(s.port, request);
			if (status != 405)
				fprintf(stderr, "  %s %s: %d\n", methods[m], paths[p], status);
			CHECK(status == 405);
		}
	CHECK(raw_status(s.port,
			 "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n") ==
	      405);
	CHECK(raw_status(s.port, "CONNECT / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n") == 405);
	/* the methods served are still served */
	CHECK(http_get(s.port, "/healthz", NULL, 0, NULL, 0) == 200);
	stop(&s);
}

/* ---- 4: timeouts ---- */

/* A websocket handshake on a raw socket, whose pings this test will never answer. -1 or fd. */
static int silent_websocket(int port)
{
	char request[512];
	int fd = tcp_to(port, NULL);
	buf b = BUF_INIT;
	long long deadline = now_ms() + WAIT_MS;

	if (fd < 0)
		return -1;
	snprintf(request, sizeof(request),
		 "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
		 "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
		 "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: planaloud\r\n\r\n",
		 port);
	send(fd, request, strlen(request), MSG_NOSIGNAL);
	while (now_ms() < deadline && (!b.len || !strstr(buf_str(&b), "\r\n\r\n"))) {
		struct pollfd p = {fd, POLLIN, 0};
		char chunk[1024];
		ssize_t n;

		if (poll(&p, 1, 100) <= 0)
			continue;
		n = read(fd, chunk, sizeof(chunk));
		if (n <= 0)
			break;
		buf_append(&b, chunk, (size_t)n);
	}
	if (!b.len || strncmp(buf_str(&b), "HTTP/1.1 101", 12) != 0) {
		close(fd);
		fd = -1;
	}
	buf_release(&b);
	return fd;
}

/* 1 when the bytes hold a websocket ping frame from the server (unmasked, opcode 9). */
static int has_ping(const buf *b)
{
	for (size_t i = 0; i + 1 < b->len; i++)
		if ((unsigned char)b->data[i] == 0x89 &&
		    ((unsigned char)b->data[i + 1] & 0x80) == 0)
			return 1;
	return 0;
}

static void idle_websockets_should_be_pinged_and_closed_when_they_do_not_answer(void)
{
	static const char *const extra[] = {"--timeout-seconds", "1", NULL};
	testsrv s;
	wsclient *live;
	buf b = BUF_INIT;
	long long t0;
	int dead, closed;

	if (start(&s, extra))
		return;
	live = kiosk(s.port, NULL);
	dead = silent_websocket(s.port);
	CHECK(live != NULL && dead >= 0);
	if (!live || dead < 0)
		goto out;
	/* the silent one: pinged after a second idle, closed a second later; meanwhile the live
	 * one answers its pings (wsclient does, as a browser does) */
	t0 = now_ms();
	closed = 0;
	while (!closed && now_ms() - t0 < 6000) {
		char *msg = NULL;

		closed = read_until_closed(dead, &b, 100);
		if (wsclient_recv(live, 100, &msg, NULL, NULL) > 0)
			free(msg);
	}
	CHECK(closed);
	CHECK(has_ping(&b));
	CHECK(now_ms() - t0 >= 1500);
	/* the live one is still open two more rounds later, and can go on */
	for (long long until = now_ms() + 2500; now_ms() < until;) {
		char *msg = NULL;

		if (wsclient_recv(live, 100, &msg, NULL, NULL) > 0)
			free(msg);
	}
	CHECK(!wsclient_closed(live));
	CHECK(ask_is(live, "page", "who", "{\"type\":\"go\",\"to\":\"next\"}"));
out:
	wsclient_free(live);
	if (dead >= 0)
		close(dead);
	buf_release(&b);
	stop(&s);
}

static void http_requests_that_never_finish_should_be_closed(void)
{
	static const char *const extra[] = {"--timeout-seconds", "1", NULL};
	testsrv s;
	buf b = BUF_INIT;
	int fd;

	if (start(&s, extra))
		return;
	/* half a request, then nothing */
	fd = tcp_to(s.port, NULL);
	CHECK(fd >= 0);
	if (fd >= 0) {
		send(fd, "GET / HTTP/1.1\r\nHo", 18, MSG_NOSIGNAL);
		CHECK(read_until_closed(fd, &b, 4000));
		close(fd);
	}
	/* nothing at all */
	fd = tcp_to(s.port, NULL);
	CHECK(fd >= 0);
	if (fd >= 0) {
		CHECK(read_until_closed(fd, &b, 4000));
		close(fd);
	}
	buf_release(&b);
	stop(&s);
}

/* ---- 5: masks ---- */

static void an_unmasked_client_frame_should_close_the_connection_with_1002(void)
{
	static const char finish[] = "{\"type\":\"finish\"}";
	static const char who[] = "{\"type\":\"go\",\"to\":\"next\"}";
	testsrv s;
	wsclient *c;

	if (start(&s, NULL))
		return;
	/* masked, as every browser sends: served */
	c = kiosk(s.port, NULL);
	CHECK(c && ask_is(c, "page", "who", "%s", who));
	/* then one unmasked: closed with 1002, the message not handled */
	CHECK(c && wsclient_send_frame(c, 1, WS_OP_TEXT, finish, sizeof(finish) - 1, 0) == 0);
	CHECK(c && wsclient_wait_close(c, WAIT_MS) == 1002);
	wsclient_free(c);
	/* unmasked from the first frame, and long (a 16-bit length) */
	c = kiosk(s.port, NULL);
	if (c) {
		char big[300];

		memset(big, ' ', sizeof(big));
		memcpy(big, who, sizeof(who) - 1);
		CHECK(wsclient_send_frame(c, 1, WS_OP_TEXT, big, sizeof(big), 0) == 0);
		CHECK(wsclient_wait_close(c, WAIT_MS) == 1002);
	}
	CHECK(c != NULL);
	wsclient_free(c);
	/* others carry on */
	c = kiosk(s.port, NULL);
	CHECK(c && ask_is(c, "page", "who", "%s", who));
	wsclient_free(c);
	stop(&s);
}

/* ---- 6: connection caps ---- */

static void connections_over_a_cap_should_be_refused_and_logged_once(void)
{
	static const char *const extra[] = {
	    "--max-connections", "10", "--max-connections-per-address", "4", "--trusted-proxy",
	    "127.0.0.9",	 NULL};
	wsclient_opts from[4] = {
	    {NULL, NULL, "127.0.0.2"}, {NULL, NULL, "127.0.0.3"}, {NULL, NULL, "127.0.0.4"}};
	wsclient *c[12] = {NULL};
	wsclient *extra_one = NULL;
	testsrv s;
	int n = 0, status;

	from[3] = (wsclient_opts){NULL, NULL, "127.0.0.5"};
	if (start(&s, extra))
		return;
	/* four from one address; a fifth is refused */
	for (int i = 0; i < 4; i++)
		CHECK((c[n++] = wsclient_open(HOST, s.port, &from[0], NULL)) != NULL);
	extra_one = wsclient_open(HOST, s.port, &from[0], &status);
	CHECK(extra_one == NULL);
	CHECK(status == 503 || status == 0);
	wsclient_free(extra_one);
	extra_one = wsclient_open(HOST, s.port, &from[0], NULL);
	CHECK(extra_one == NULL);
	wsclient_free(extra_one);
	/* six more from two others fill the server; then nobody new gets in */
	for (int i = 0; i < 4; i++)
		CHECK((c[n++] = wsclient_open(HOST, s.port, &from[1], NULL)) != NULL);
	for (int i = 0; i < 2; i++)
		CHECK((c[n++] = wsclient_open(HOST, s.port, &from[2], NULL)) != NULL);
	extra_one = wsclient_open(HOST, s.port, &from[3], &status);
	CHECK(extra_one == NULL);
	wsclient_free(extra_one);
	CHECK(http_get(s.port, "/healthz", NULL, 0, NULL, 0) == 503);
	/* one leaves: one more may come */
	wsclient_free(c[--n]);
	c[n] = NULL;
	for (long long until = now_ms() + WAIT_MS; now_ms() < until;) {
		extra_one = wsclient_open(HOST, s.port, &from[3], NULL);
		if (extra_one)
			break;
	}
	CHECK(extra_one != NULL);
	wsclient_free(extra_one);
	/* each address refused is logged once (a minute), however often it is refused */
	CHECK(log_lines("event=connection-refused reason=address-full address=127.0.0.2") == 1);
	CHECK(log_lines("event=connection-refused reason=server-full address=127.0.0.5") == 1);
	for (int i = 0; i < n; i++)
		wsclient_free(c[i]);
	stop(&s);
}

static void behind_a_trusted_proxy_websockets_should_be_capped_per_client(void)
{
	static const char *const extra[] = {"--max-connections-per-address", "3", "--trusted-proxy",
					    "127.0.0.1", NULL};
	wsclient *c[3] = {NULL}, *more;
	testsrv s;

	if (start(&s, extra))
		return;
	for (int i = 0; i < 3; i++)
		CHECK((c[i] = wsclient_open_with(HOST, s.port, NULL, "planaloud", FROM_1, NULL)) !=
		      NULL);
	/* a fourth from that client opens, and is closed at once: policy (1008) */
	more = wsclient_open_with(HOST, s.port, NULL, "planaloud", FROM_1, NULL);
	CHECK(!more || wsclient_wait_close(more, WAIT_MS) == 1008);
	wsclient_free(more);
	/* another client behind the proxy is not held up */
	more = kiosk(s.port, FROM_2);
	CHECK(more != NULL && !wsclient_closed(more));
	wsclient_free(more);
	for (int i = 0; i < 3; i++)
		wsclient_free(c[i]);
	stop(&s);
}

/* Sends GET /healthz on fd as a proxy would for the client `from` (X-Forwarded-For), and reads
 * the answer. Its status, or 0 when none came within WAIT_MS; the connection stays open unless
 * the server closes it. */
static int proxied_get(int fd, int port, const char *from)
{
	char req[256], chunk[4096], length[32];
	buf b = BUF_INIT;
	long long deadline = now_ms() + WAIT_MS;
	int status = 0, n;
	const char *end = NULL;

	n = snprintf(req, sizeof(req),
		     "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nX-Forwarded-For: %s\r\n\r\n",
		     port, from);
	if (send(fd, req, (size_t)n, MSG_NOSIGNAL) != n)
		return 0;
	while (now_ms() < deadline) {
		struct pollfd p = {fd, POLLIN, 0};
		ssize_t got;

		if (poll(&p, 1, (int)(deadline - now_ms())) <= 0)
			continue;
		got = read(fd, chunk, sizeof(chunk));
		if (got <= 0)
			break;
		buf_append(&b, chunk, (size_t)got);
		end = strstr(buf_str(&b), "\r\n\r\n");
		if (end &&
		    http_header(buf_str(&b), "content-length", length, sizeof(length)) == 0 &&
		    b.len >= (size_t)(end + 4 - buf_str(&b)) + (size_t)atoi(length))
			break;
	}
	if (end && sscanf(buf_str(&b), "HTTP/1.1 %d", &status) != 1)
		status = 0;
	buf_release(&b);
	return end ? status : 0;
}

#define CLIENT_1 "198.51.100.1"
#define CLIENT_2 "198.51.100.2"
#define CLIENT_3 "198.51.100.3"

/* A connection from the proxy counts against the client whose request it carries (the last one,
 * while it is kept alive), never against the proxy itself. */
static void behind_a_trusted_proxy_http_requests_should_be_capped_per_client(void)
{
	static const char *const extra[] = {"--max-connections-per-address", "3", "--trusted-proxy",
					    "127.0.0.1", NULL};
	int fd[7], extra_fd = -1;
	wsclient *more;
	testsrv s;
	buf b = BUF_INIT;

	if (start(&s, extra))
		return;
	/* three connections carry client 1's requests, and stay open */
	for (int i = 0; i < 3; i++) {
		fd[i] = tcp_to(s.port, NULL);
		CHECK(fd[i] >= 0 && proxied_get(fd[i], s.port, CLIENT_1) == 200);
	}
	CHECK(proxied_get(fd[0], s.port, CLIENT_1) == 200); /* and more of its requests */
	/* a fourth at once is refused (503) and closed */
	extra_fd = tcp_to(s.port, NULL);
	CHECK(extra_fd >= 0 && proxied_get(extra_fd, s.port, CLIENT_1) == 503);
	CHECK(extra_fd >= 0 && read_until_closed(extra_fd, &b, WAIT_MS));
	close(extra_fd);
	/* another client behind the same proxy is not held up: the proxy has more than 3 open */
	for (int i = 3; i < 6; i++) {
		fd[i] = tcp_to(s.port, NULL);
		CHECK(fd[i] >= 0 && proxied_get(fd[i], s.port, CLIENT_2) == 200);
	}
	/* its websockets count with its requests */
	more = wsclient_open_with(HOST, s.port, NULL, "planaloud",
				  "X-Forwarded-For: " CLIENT_2 "\r\n", NULL);
	CHECK(!more || wsclient_wait_close(more, WAIT_MS) == 1008);
	wsclient_free(more);
	/* a kept-alive connection that carries a third client's request is no longer client 1's */
	CHECK(proxied_get(fd[0], s.port, CLIENT_3) == 200);
	fd[6] = tcp_to(s.port, NULL);
	CHECK(fd[6] >= 0 && proxied_get(fd[6], s.port, CLIENT_1) == 200);
	/* one that closes is no longer anybody's */
	close(fd[1]);
	fd[1] = -1;
	for (long long until = now_ms() + WAIT_MS; fd[1] < 0 && now_ms() < until;) {
		int f = tcp_to(s.port, NULL);

		if (f >= 0 && proxied_get(f, s.port, CLIENT_1) == 200)
			fd[1] = f;
		else if (f >= 0)
			close(f);
	}
	CHECK(fd[1] >= 0);
	/* refused once, logged once, under the client's address (never the proxy's) */
	CHECK(log_lines("event=connection-refused reason=address-full address=" CLIENT_1) == 1);
	CHECK(log_lines("address=127.0.0.1") == 0);
	for (int i = 0; i < 7; i++)
		if (fd[i] >= 0)
			close(fd[i]);
	buf_release(&b);
	stop(&s);
}

/* ---- 7: out of file descriptors ---- */

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* The CPU time (user + system) of the server's loop thread (the main thread, whose id is the
 * process's), in clock ticks, from /proc/PID/task/PID/stat: synthesis on its own thread is not
 * counted. */
static long long cpu_ticks(pid_t pid)
{
	char path[80], text[1024], *p;
	unsigned long long user = 0, sys = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	p = fgets(text, sizeof(text), f) ? strrchr(text, ')') : NULL;
	fclose(f);
	/* after the name: state, then 10 fields, then utime and stime (fields 14 and 15) */
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &user,
			 &sys) != 2)
		return -1;
	return (long long)(user + sys);
}

static off_t log_size(void)
{
	struct stat st;

	return fstat(log_fd, &st) ? -1 : st.st_size;
}

#define FILES_LIMIT 64
#define CONNECTIONS 120

/* A server with FILES_LIMIT files and these options, sent more connections than that: it must idle
 * (CPU and log) and serve again once they go. */
static void more_connections_than_files(const char *const *extra)
{
	struct rlimit saved, low;
	int fds[CONNECTIONS], opened = 0;
	long long before, after;
	off_t log_before;
	long ticks = sysconf(_SC_CLK_TCK);
	testsrv s;
	int rc;

	/* the server inherits a low open-file limit; the test takes its own back at once */
	getrlimit(RLIMIT_NOFILE, &saved);
	low = saved;
	low.rlim_cur = FILES_LIMIT;
	setrlimit(RLIMIT_NOFILE, &low);
	rc = start(&s, extra);
	setrlimit(RLIMIT_NOFILE, &saved);
	if (rc)
		return;
	/* more connections than the server has files, each holding half a request */
	for (int i = 0; i < CONNECTIONS; i++) {
		fds[i] = tcp_to(s.port, NULL);
		if (fds[i] < 0)
			break;
		send(fds[i], "GET / HTTP/1.1\r\n", 16, MSG_NOSIGNAL);
		opened++;
	}
	CHECK(opened == CONNECTIONS);
	sleep_ms(500); /* let it take what it can */
	log_before = log_size();
	before = cpu_ticks(s.pid);
	sleep_ms(2000);
	after = cpu_ticks(s.pid);
	printf("  at the file limit: %lld ms of CPU in 2 s; %lld bytes of log\n",
	       (after - before) * 1000 / ticks, (long long)(log_size() - log_before));
	CHECK(before >= 0 && after >= 0);
	CHECK((after - before) * 1000 / ticks < 200); /* under 10% of a core */
	CHECK(log_size() - log_before < 1024);
	CHECK(log_size() < 4096);
	/* the connections go: new ones are served again */
	for (int i = 0; i < opened; i++)
		close(fds[i]);
	for (long long until = now_ms() + WAIT_MS; now_ms() < until;)
		if (http_get(s.port, "/healthz", NULL, 0, NULL, 0) == 200)
			break;
	CHECK(http_get(s.port, "/healthz", NULL, 0, NULL, 0) == 200);
	stop(&s);
}

static void at_the_open_file_limit_the_server_should_wait_not_spin(void)
{
	/* caps above the file limit: accept() itself runs out of files */
	static const char *const extra[] = {"--max-connections", "1000",
					    "--max-connections-per-address", "1000", NULL};

	more_connections_than_files(extra);
}

static void by_default_the_cap_should_come_before_the_open_file_limit(void)
{
	/* the default cap is under the file limit: the rest are refused (503) and closed */
	more_connections_than_files(NULL);
	CHECK(log_lines("event=connection-refused reason=server-full address=127.0.0.1") == 1);
	CHECK(log_lines("event=accept-paused") == 0);
}

int main(void)
{
	long long t0 = now_ms();

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	log_fd = mkstemp(log_path);
	if (log_fd < 0) {
		perror("test_edge: mkstemp");
		return 1;
	}
	testsrv_watchdog(280);
	RUN(behind_a_trusted_proxy_one_clients_wrong_codes_should_not_lock_out_another);
	RUN(without_a_trusted_proxy_the_header_should_change_nothing);
	RUN(a_websocket_without_our_subprotocol_should_be_refused);
	RUN(methods_other_than_get_head_and_post_should_get_405_and_be_closed);
	RUN(idle_websockets_should_be_pinged_and_closed_when_they_do_not_answer);
	RUN(http_requests_that_never_finish_should_be_closed);
	RUN(an_unmasked_client_frame_should_close_the_connection_with_1002);
	RUN(connections_over_a_cap_should_be_refused_and_logged_once);
	RUN(behind_a_trusted_proxy_websockets_should_be_capped_per_client);
	RUN(behind_a_trusted_proxy_http_requests_should_be_capped_per_client);
	RUN(at_the_open_file_limit_the_server_should_wait_not_spin);
	RUN(by_default_the_cap_should_come_before_the_open_file_limit);
	unlink(log_path);
	close(log_fd);
	printf("took %lld ms\n", now_ms() - t0);
	return check_report();
}
