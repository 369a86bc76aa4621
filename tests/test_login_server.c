/* test_login_server: the staff login form against the real server binary, as a hostile client
 * would try it. Passwords are checked off the event loop (a kiosk keeps getting its replies while
 * logins are checked, and a browser that goes away mid-check harms nothing); at most a few checks
 * run at once; wrong logins from one address do not stop a user at another; forms that are not
 * from the server's own page, too big, or hold a NUL are refused. Requests are written byte by
 * byte here, so that they can carry what a browser never would; addresses are 127.0.0.x. */
#include "check.h"
#include "store.h"
#include "users.h"
#include "wsclient.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define WAIT_MS	 8000
#define HOST	 "127.0.0.1"
#define CASEY_PW "casey long password" /* spaces: sent as + */

static testsrv srv;
static char dir[64];
static char origin[64]; /* the server's own, as a browser on it sends */

/* ---- raw HTTP ---- */

/* A socket to the server from source (NULL: 127.0.0.1), or -1. */
static int open_from(const char *source)
{
	struct sockaddr_in sa = {0}, la = {0};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	la.sin_family = AF_INET;
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)srv.port);
	if (inet_pton(AF_INET, source ? source : HOST, &la.sin_addr) != 1 ||
	    bind(fd, (struct sockaddr *)&la, sizeof(la)) ||
	    inet_pton(AF_INET, HOST, &sa.sin_addr) != 1 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	return fd;
}

static int send_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = send(fd, data, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads the answer's status line and headers into headers (NUL-terminated). The status, or -1
 * when none came within WAIT_MS. */
static int read_answer(int fd, char *headers, size_t hlen)
{
	size_t got = 0;
	long long deadline = now_ms() + WAIT_MS;
	int status = -1;

	headers[0] = '\0';
	while (got + 1 < hlen && !strstr(headers, "\r\n\r\n")) {
		struct pollfd p = {fd, POLLIN, 0};
		long long left = deadline - now_ms();
		ssize_t n;

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			break;
		n = recv(fd, headers + got, hlen - 1 - got, 0);
		if (n <= 0)
			break;
		got += (size_t)n;
		headers[got] = '\0';
	}
	if (sscanf(headers, "HTTP/1.%*d %d", &status) != 1)
		status = -1;
	return status;
}

/* POSTs form to the login route from source, with these extra header lines ("" for none; each
 * ending in \r\n). The status; the headers into headers. */
static int post_login(const char *source, const char *extra, const char *form, char *headers,
		      size_t hlen)
{
	char req[8192];
	int fd = open_from(source), status = -1, n;

	if (fd < 0)
		return -1;
	n = snprintf(req, sizeof(req),
		     "POST /staff/auth/login HTTP/1.1\r\nHost: %s:%d\r\nConnection: close\r\n"
		     "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %zu\r\n"
		     "%s\r\n%s",
		     HOST, srv.port, strlen(form), extra, form);
	if (n > 0 && (size_t)n < sizeof(req) && send_all(fd, req, (size_t)n) == 0)
		status = read_answer(fd, headers, hlen);
	close(fd);
	return status;
}

/* Where a login answer sends the browser ("" when it sends it nowhere). */
static const char *location_of(const char *headers, char *out, size_t n)
{
	if (http_header(headers, "Location", out, n))
		out[0] = '\0';
	return out;
}

/* A same-origin login from source: "/staff/" when it worked, else the login page's problem. */
static const char *login_from(const char *source, const char *name_pw_form, char *out, size_t n)
{
	char extra[128], headers[2048];

	snprintf(extra, sizeof(extra), "Origin: %s\r\n", origin);
	if (post_login(source, extra, name_pw_form, headers, sizeof(headers)) != 303)
		fprintf(stderr, "  login from %s: %s\n", source ? source : HOST, headers);
	return location_of(headers, out, n);
}

/* ---- the tests ---- */

/* Sends a same-origin login for casey on a new socket and leaves its answer unread: the socket. */
static int start_login(void)
{
	char req[512];
	const char *form = "name=casey&password=casey+long+password";
	int fd = open_from(NULL),
	    n = snprintf(req, sizeof(req),
			 "POST /staff/auth/login HTTP/1.1\r\nHost: %s:%d\r\nConnection: close\r\n"
			 "Origin: %s\r\nContent-Type: application/x-www-form-urlencoded\r\n"
			 "Content-Length: %zu\r\n\r\n%s",
			 HOST, srv.port, origin, strlen(form), form);

	if (fd >= 0 && send_all(fd, req, (size_t)n)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* One kiosk round trip: a message its protocol answers at once, and the answer. */
static int kiosk_trip(wsclient *k, int seq)
{
	return wsclient_ask_is(k, WAIT_MS, "listening", NULL,
			       "{\"type\":\"listening\",\"seq\":%d,\"headphones\":false}", seq);
}

/* A kiosk that has read hello and the welcome page. */
static wsclient *kiosk(void)
{
	wsclient_opts o = {origin, NULL, NULL};
	wsclient *c = wsclient_open(HOST, srv.port, &o, NULL);

	if (c) {
		cJSON_Delete(wsclient_recv_json(c, WAIT_MS)); /* hello */
		cJSON_Delete(wsclient_recv_json(c, WAIT_MS)); /* the welcome page */
	}
	return c;
}

#define LOGINS 4 /* as many as are checked at once */

static void a_kiosk_should_get_its_replies_while_logins_are_checked(void)
{
	wsclient *k = kiosk();
	int fds[LOGINS], answered = 0, ok = 0, trips = 0, base_trips = 200;
	char headers[2048], where[128];
	long long t0, base_ms, during_ms;

	CHECK(k != NULL);
	if (!k)
		return;
	/* the kiosk's pace with no login */
	t0 = now_ms();
	for (int i = 0; i < base_trips; i++)
		if (!kiosk_trip(k, i)) {
			CHECK(0);
			break;
		}
	base_ms = now_ms() - t0 + 1;
	/* the same while LOGINS logins are checked: round trips until every login has answered */
	t0 = now_ms();
	for (int i = 0; i < LOGINS; i++)
		fds[i] = start_login();
	while (answered < LOGINS && now_ms() - t0 < 2 * WAIT_MS) {
		if (!kiosk_trip(k, 1000 + trips)) {
			CHECK(0);
			break;
		}
		trips++;
		for (int i = 0; i < LOGINS; i++) {
			struct pollfd p = {fds[i], POLLIN, 0};

			if (fds[i] < 0 || poll(&p, 1, 0) != 1)
				continue;
			ok += read_answer(fds[i], headers, sizeof(headers)) == 303 &&
			      strcmp(location_of(headers, where, sizeof(where)), "/staff/") == 0;
			close(fds[i]);
			fds[i] = -1;
			answered++;
		}
	}
	during_ms = now_ms() - t0 + 1;
	printf("  kiosk round trips: %d in %lld ms alone; %d in %lld ms during %d logins\n",
	       base_trips, base_ms, trips, during_ms, LOGINS);
	CHECK(ok == LOGINS);
	/* While a login's password was checked on the loop, the kiosk got about one reply per
	 * check; checked off the loop, it keeps well over a twentieth of its own pace. */
	CHECK((long long)trips * base_ms * 20 >= (long long)base_trips * during_ms);
	for (int i = 0; i < LOGINS; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	wsclient_free(k);
}

static void more_logins_at_once_than_are_checked_should_be_asked_to_wait(void)
{
	int fds[2 * LOGINS], in = 0, waiting = 0, other = 0;
	char headers[2048], where[128];

	for (int i = 0; i < 2 * LOGINS; i++)
		fds[i] = start_login();
	for (int i = 0; i < 2 * LOGINS; i++) {
		int status = fds[i] >= 0 ? read_answer(fds[i], headers, sizeof(headers)) : -1;

		location_of(headers, where, sizeof(where));
		if (status == 303 && strcmp(where, "/staff/") == 0)
			in++;
		else if (status == 303 && strcmp(where, "/staff/login.html?problem=slow-down") == 0)
			waiting++;
		else
			other++;
		if (fds[i] >= 0)
			close(fds[i]);
	}
	printf("  %d logins at once: %d in, %d asked to wait\n", 2 * LOGINS, in, waiting);
	CHECK(in >= 1);
	CHECK(waiting >= 1);
	CHECK(other == 0);
}

/* The logins whose passwords the server is checking now, as /healthz says; -1 when it does not
 * answer or say. */
static int logins_checking(void)
{
	char body[512];
	const char *p;

	if (http_get(srv.port, "/healthz", NULL, 0, body, sizeof(body)) != 200 ||
	    !(p = strstr(body, "\"logins_checking\":")))
		return -1;
	return atoi(p + strlen("\"logins_checking\":"));
}

static void a_browser_that_goes_away_mid_check_should_harm_nothing(void)
{
	long long deadline;
	int n = -1, seen_checking = 0;
	char where[128];

	for (int i = 0; i < LOGINS; i++) {
		int fd = start_login();

		CHECK(fd >= 0);
		if (fd >= 0)
			close(fd); /* gone before its answer */
	}
	/* The loop answers /healthz while their passwords are checked, and the checks end. */
	for (deadline = now_ms() + WAIT_MS; now_ms() < deadline;) {
		n = logins_checking();
		if (n > 0)
			seen_checking++;
		else if (n == 0 && seen_checking)
			break;
	}
	CHECK(seen_checking > 0);
	CHECK(n == 0);
	/* nothing is left of them: a login now is checked and works */
	CHECK_STR(login_from(NULL, "name=casey&password=casey+long+password", where, sizeof(where)),
		  "/staff/");
	CHECK(logins_checking() == 0);
	CHECK(testsrv_alive(&srv));
}

static void made_up_names_from_one_address_should_not_stop_a_user_at_another(void)
{
	char form[128], where[128];
	int waited = 0;

	for (int i = 0; i < 25; i++) {
		snprintf(form, sizeof(form), "name=made-up-%d&password=not+a+password+at+all", i);
		login_from("127.0.0.2", form, where, sizeof(where));
		waited += strcmp(where, "/staff/login.html?problem=slow-down") == 0;
	}
	CHECK(waited > 0); /* that address now waits */
	CHECK_STR(login_from("127.0.0.3", "name=casey&password=casey+long+password", where,
			     sizeof(where)),
		  "/staff/");
}

/* The status of a casey login with these header lines, checking no cookie came with a refusal. */
static int login_with(const char *extra, const char *form)
{
	char headers[2048];
	int status = post_login(NULL, extra, form, headers, sizeof(headers));

	if (status != 303)
		CHECK(strstr(headers, "planaloud_staff=") == NULL);
	return status;
}

static void a_form_not_from_the_servers_own_page_should_be_refused(void)
{
	const char *form = "name=casey&password=casey+long+password";
	char extra[256];

	CHECK(login_with("", form) == 403); /* no Origin, Sec-Fetch-Site or Referer */
	CHECK(login_with("Referer: http://evil.example/login\r\n", form) == 403);
	snprintf(extra, sizeof(extra), "Referer: http://%s:%d.evil.example/\r\n", HOST, srv.port);
	CHECK(login_with(extra, form) == 403);
	CHECK(login_with("Sec-Fetch-Site: cross-site\r\n", form) == 403);
	snprintf(extra, sizeof(extra), "Sec-Fetch-Site: cross-site\r\nOrigin: %s\r\n", origin);
	CHECK(login_with(extra, form) == 403);
	CHECK(login_with("Origin: null\r\n", form) == 403);
	/* what a browser on the login page sends */
	snprintf(extra, sizeof(extra), "Referer: %s/staff/login.html\r\n", origin);
	CHECK(login_with(extra, form) == 303);
	CHECK(login_with("Sec-Fetch-Site: same-origin\r\n", form) == 303);
	snprintf(extra, sizeof(extra), "Sec-Fetch-Site: same-origin\r\nOrigin: %s\r\n", origin);
	CHECK(login_with(extra, form) == 303);
	/* logging out is a form too */
	CHECK(http_post_form(srv.port, "/staff/auth/logout", NULL, NULL, "bye=1", NULL, 0) == 403);
	CHECK(http_post_form(srv.port, "/staff/auth/logout", origin, NULL, "bye=1", NULL, 0) ==
	      303);
}

static void a_form_over_4_kib_should_get_413_and_one_of_unknown_size_411(void)
{
	char req[8192], headers[2048];
	int fd, n;

	/* 20 MiB announced: refused before the body is read */
	fd = open_from(NULL);
	n = snprintf(req, sizeof(req),
		     "POST /staff/auth/login HTTP/1.1\r\nHost: %s:%d\r\nOrigin: %s\r\n"
		     "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 20971520"
		     "\r\n\r\nname=casey&password=",
		     HOST, srv.port, origin);
	CHECK(fd >= 0 && send_all(fd, req, (size_t)n) == 0);
	CHECK(fd >= 0 && read_answer(fd, headers, sizeof(headers)) == 413);
	if (fd >= 0)
		close(fd);
	/* 5000 bytes sent in chunks, the size not announced */
	fd = open_from(NULL);
	n = snprintf(req, sizeof(req),
		     "POST /staff/auth/login HTTP/1.1\r\nHost: %s:%d\r\nOrigin: %s\r\n"
		     "Content-Type: application/x-www-form-urlencoded\r\n"
		     "Transfer-Encoding: chunked\r\n\r\n",
		     HOST, srv.port, origin);
	CHECK(fd >= 0 && send_all(fd, req, (size_t)n) == 0);
	for (int i = 0; fd >= 0 && i < 5; i++) {
		char chunk[1100];

		memset(chunk, 'a', sizeof(chunk));
		n = snprintf(req, sizeof(req), "3e8\r\n%.*s\r\n", 1000, chunk);
		if (send_all(fd, req, (size_t)n))
			break;
	}
	CHECK(fd >= 0 && read_answer(fd, headers, sizeof(headers)) == 411);
	if (fd >= 0)
		close(fd);
	CHECK(testsrv_alive(&srv));
}

static void a_nul_or_control_byte_in_the_form_should_never_log_in(void)
{
	static const char *const forms[] = {
	    "name=casey&password=casey+long+password%00and+more",
	    "name=casey%00x&password=casey+long+password",
	    "name=casey&password=casey+long%0Apassword",
	    "name=casey&password=casey+long+password%7F",
	};
	char where[128];

	for (size_t i = 0; i < sizeof(forms) / sizeof(*forms); i++)
		CHECK_STR(login_from(NULL, forms[i], where, sizeof(where)),
			  "/staff/login.html?problem=wrong");
	/* a password longer than any can be, in a form under 4 KiB: refused the same way */
	{
		static char form[4000];

		snprintf(form, sizeof(form), "name=casey&password=");
		memset(form + strlen(form), 'a', 3000);
		CHECK_STR(login_from(NULL, form, where, sizeof(where)),
			  "/staff/login.html?problem=wrong");
	}
	/* refused as odd input, not counted against casey */
	CHECK_STR(login_from(NULL, "name=casey&password=casey+long+password", where, sizeof(where)),
		  "/staff/");
}

/* The server's standard error (its log), as a file the test reads. */
static char log_path[128];
static int saved_stderr = -1;

/* What the log file holds now (malloc'd; free it), or NULL. */
static char *server_log(void)
{
	FILE *f = fopen(log_path, "r");
	char *text = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (text = calloc(1, (size_t)n + 1)) && fread(text, 1, (size_t)n, f) != (size_t)n) {
		free(text);
		text = NULL;
	}
	fclose(f);
	return text;
}

static void log_lines_should_say_who_and_why_but_never_a_name_typed_or_a_password(void)
{
	char where[128], *log;

	CHECK_STR(login_from("127.0.0.4", "name=pw-in-the-name-box&password=a+secret+password+here",
			     where, sizeof(where)),
		  "/staff/login.html?problem=wrong");
	CHECK_STR(login_from("127.0.0.4", "name=casey&password=casey+long+password", where,
			     sizeof(where)),
		  "/staff/");
	log = server_log();
	CHECK(log != NULL);
	if (!log)
		return;
	CHECK(strstr(log, "event=login-refused reason=wrong address=127.0.0.4") != NULL);
	CHECK(strstr(log, "event=login-refused reason=not-our-page") != NULL);
	CHECK(strstr(log, "event=login-refused reason=too-big") != NULL);
	CHECK(strstr(log, "event=login-refused reason=bad-input") != NULL);
	CHECK(strstr(log, "event=login-refused reason=busy") != NULL);
	CHECK(strstr(log, "event=login-ok user=1") != NULL);
	CHECK(strstr(log, "pw-in-the-name-box") == NULL);
	CHECK(strstr(log, "secret") == NULL);
	CHECK(strstr(log, "casey") == NULL);
	CHECK(strstr(log, "made-up") == NULL);
	free(log);
}

/* The server's log goes to a file from here on (the tests' own lines too, shown at the end). */
static int log_to_file(void)
{
	int fd;

	snprintf(log_path, sizeof(log_path), "%s/server.log", dir);
	fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	saved_stderr = fd >= 0 ? dup(STDERR_FILENO) : -1;
	if (saved_stderr < 0 || dup2(fd, STDERR_FILENO) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* Standard error back, with what went to the file while it was away. */
static void log_back(void)
{
	char *log = server_log();

	if (saved_stderr < 0)
		return;
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	saved_stderr = -1;
	if (log)
		fputs(log, stderr);
	free(log);
}

/* ---- setup ---- */

static int users_setup(void)
{
	char path[128], err[STORE_ERR_LEN] = "";
	store *st;
	users *u;
	int rc = -1;

	snprintf(path, sizeof(path), "%s/planaloud.db", dir);
	st = store_open(path, err, sizeof(err));
	u = st ? users_new(st) : NULL;
	if (u)
		rc = users_add(u, "casey", AUTH_CASEWORKER, CASEY_PW, NULL, NULL, err, sizeof(err));
	if (rc)
		fprintf(stderr, "users_setup: %s\n", err);
	users_free(u);
	store_close(st);
	return rc;
}

static void remove_dir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	testsrv_watchdog(240);
	if (sodium_init() < 0)
		return 1;
	snprintf(dir, sizeof(dir), "/tmp/planaloud-loginsrv-XXXXXX");
	if (!mkdtemp(dir) || users_setup() || log_to_file() ||
	    testsrv_start(&srv, PLANALOUD_BINARY, dir, 0, NULL)) {
		CHECK(0);
		log_back();
		remove_dir();
		return check_report();
	}
	snprintf(origin, sizeof(origin), "http://%s:%d", HOST, srv.port);
	RUN(a_kiosk_should_get_its_replies_while_logins_are_checked);
	RUN(more_logins_at_once_than_are_checked_should_be_asked_to_wait);
	RUN(a_browser_that_goes_away_mid_check_should_harm_nothing);
	RUN(made_up_names_from_one_address_should_not_stop_a_user_at_another);
	RUN(a_form_not_from_the_servers_own_page_should_be_refused);
	RUN(a_form_over_4_kib_should_get_413_and_one_of_unknown_size_411);
	RUN(a_nul_or_control_byte_in_the_form_should_never_log_in);
	RUN(log_lines_should_say_who_and_why_but_never_a_name_typed_or_a_password);
	CHECK(testsrv_alive(&srv));
	CHECK(testsrv_stop(&srv) == 0);
	log_back();
	remove_dir();
	return check_report();
}
