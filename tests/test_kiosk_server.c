/* test_kiosk_server: the open kiosk endpoint's limits and enrolled kiosks against the real server
 * binary. An admin enrols a kiosk over the staff websocket; the link is posted as the kiosk's
 * browser would and gives a strict device cookie; a kiosk websocket with that cookie has its own
 * count of new plans, and once the kiosk is revoked it is its address again. Limits are set low by
 * options; the server's standard error is read for the lines limits leave (never a code). */
#include "check.h"
#include "store.h"
#include "users.h"
#include "wsclient.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WAIT_MS	 8000
#define HOST	 "127.0.0.1"
#define ADA_PW	 "ada long password"
#define CASEY_PW "casey long password"

static testsrv srv;
static char dir[64];
static char origin[64];
static char errpath[128]; /* the server's standard error */

#define ask(c, ...)		   wsclient_askf((c), WAIT_MS, __VA_ARGS__)
#define ask_is(c, type, what, ...) wsclient_ask_is((c), WAIT_MS, (type), (what), __VA_ARGS__)

/* ---- helpers ---- */

static int users_setup(void)
{
	char path[128], err[STORE_ERR_LEN] = "";
	store *st;
	users *u;
	int rc = -1;

	snprintf(path, sizeof(path), "%s/planaloud.db", dir);
	st = store_open(path, err, sizeof(err));
	u = st ? users_new(st) : NULL;
	if (u && users_add(u, "ada", AUTH_ADMIN, ADA_PW, NULL, NULL, err, sizeof(err)) == 0 &&
	    users_add(u, "casey", AUTH_CASEWORKER, CASEY_PW, NULL, NULL, err, sizeof(err)) == 0)
		rc = 0;
	else
		fprintf(stderr, "users_setup: %s\n", err);
	users_free(u);
	store_close(st);
	return rc;
}

/* A staff websocket logged in as name (password with spaces as +). */
static wsclient *staff_as(const char *name, const char *password)
{
	char form[128], headers[4096], value[256], cookie[160];
	wsclient_opts o = {origin, NULL, NULL};
	wsclient *c;

	snprintf(form, sizeof(form), "name=%s&password=%s", name, password);
	for (char *p = form; *p; p++)
		if (*p == ' ')
			*p = '+';
	if (http_post_form(srv.port, "/staff/auth/login", origin, NULL, form, headers,
			   sizeof(headers)) != 303 ||
	    http_header(headers, "Set-Cookie", value, sizeof(value)))
		return NULL;
	snprintf(cookie, sizeof(cookie), "%.*s", (int)strcspn(value, ";"), value);
	c = wsclient_open_as(HOST, srv.port, &o, "planaloud-staff", cookie, NULL);
	if (c && !ask_is(c, "me", NULL, "{\"type\":\"me\"}")) {
		wsclient_free(c);
		return NULL;
	}
	return c;
}

/* A kiosk websocket (with a Cookie header when cookie is not NULL) that has read hello and the
 * welcome page. */
static wsclient *kiosk(const char *cookie)
{
	wsclient_opts o = {origin, NULL, NULL};
	wsclient *c = wsclient_open_as(HOST, srv.port, &o, "planaloud", cookie, NULL);
	cJSON *m;
	int ok;

	if (!c)
		return NULL;
	m = wsclient_recv_json(c, WAIT_MS);
	ok = json_is_msg(m, "hello", NULL);
	cJSON_Delete(m);
	m = ok ? wsclient_recv_json(c, WAIT_MS) : NULL;
	ok = ok && json_is_msg(m, "page", "welcome");
	cJSON_Delete(m);
	if (!ok) {
		wsclient_free(c);
		return NULL;
	}
	return c;
}

/* Asks for a new plan on a new connection; the reply's type and what it is about, into out. */
static const char *new_plan(const char *cookie, char *out, size_t n)
{
	wsclient *c = kiosk(cookie);
	cJSON *m = c ? ask(c, "{\"type\":\"new_plan\",\"seq\":1}") : NULL;
	const char *type = json_str(m, "type");

	snprintf(out, n, "%s %s", type ? type : "?",
		 type && strcmp(type, "error") == 0 ? json_str(m, "code") : json_str(m, "page.id"));
	cJSON_Delete(m);
	wsclient_free(c);
	return out;
}

/* The server's standard error so far, into out. */
static const char *server_log(char *out, size_t n)
{
	FILE *f = fopen(errpath, "r");
	size_t got = f ? fread(out, 1, n - 1, f) : 0;

	out[got] = '\0';
	if (f)
		fclose(f);
	return out;
}

/* The lines of log that have start and, after it, end (the address may be written as IPv4 or as
 * IPv4 in IPv6, "::ffff:127.0.0.1"). */
static int log_lines(const char *log, const char *start, const char *end)
{
	int n = 0;

	for (const char *line = log; *line;) {
		size_t len = strcspn(line, "\n");
		const char *a = strstr(line, start);

		if (a && a < line + len) {
			const char *b = strstr(a + strlen(start), end);

			n += b && b + strlen(end) <= line + len;
		}
		line += len + (line[len] == '\n');
	}
	return n;
}

static long long db_count(const char *sql)
{
	char path[128];
	sqlite3 *db = NULL;
	sqlite3_stmt *q = NULL;
	long long n = -1;

	snprintf(path, sizeof(path), "%s/planaloud.db", dir);
	if (sqlite3_open(path, &db) == SQLITE_OK && sqlite3_busy_timeout(db, 5000) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
		n = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	sqlite3_close(db);
	return n;
}

/* ---- starting plans without a code ---- */

static void new_plans_past_the_address_limit_should_be_refused_with_kind_words(void)
{
	char what[128], log[16384];
	long long before;

	CHECK_STR(new_plan(NULL, what, sizeof(what)), "page code");
	CHECK_STR(new_plan(NULL, what, sizeof(what)), "page code");
	before = db_count("SELECT count(*) FROM plans");
	CHECK_STR(new_plan(NULL, what, sizeof(what)), "error too-many-plans");
	CHECK(db_count("SELECT count(*) FROM plans") == before);
	CHECK(log_lines(server_log(log, sizeof(log)),
			"event=new-plan-limit key=", "127.0.0.1 plans=2 window_s=3600") == 1);
}

/* ---- enrolled kiosks ---- */

static long long enrolled_id; /* the kiosk the next tests revoke */

/* The admin adds a kiosk; its link's token into token. */
static int add_kiosk(wsclient *ada, const char *label, char *token, size_t n)
{
	cJSON *m = ask(ada, "{\"type\":\"kiosk_add\",\"seq\":5,\"label\":\"%s\"}", label);
	const char *link = json_str(m, "link");
	int ok = json_is_msg(m, "kiosk_added", NULL) && link &&
		 strncmp(link, "/staff/enrol.html#t=", 20) == 0;

	CHECK(ok);
	CHECK_STR(json_str(m, "kiosk.label"), label);
	CHECK_STR(json_str(m, "kiosk.state"), "waiting");
	CHECK(json_str(m, "expires") != NULL);
	if (ok) {
		snprintf(token, n, "%s", link + 20);
		enrolled_id = (long long)json_num(m, "kiosk.id", 0);
	}
	cJSON_Delete(m);
	return ok ? 0 : -1;
}

static void only_an_admin_should_enrol_kiosks_and_bad_labels_change_nothing(void)
{
	wsclient *casey = staff_as("casey", CASEY_PW), *ada = staff_as("ada", ADA_PW);
	char label[200];

	CHECK(casey && ada);
	if (!casey || !ada)
		goto out;
	CHECK(ask_is(casey, "error", "not-allowed-role",
		     "{\"type\":\"kiosk_add\",\"label\":\"Library kiosk\"}"));
	CHECK(ask_is(casey, "error", "not-allowed-role", "{\"type\":\"kiosks\"}"));
	CHECK(ask_is(ada, "error", "bad-field", "{\"type\":\"kiosk_add\",\"label\":\"   \"}"));
	memset(label, 'k', 100);
	label[100] = '\0';
	CHECK(ask_is(ada, "error", "too-long", "{\"type\":\"kiosk_add\",\"label\":\"%s\"}", label));
	CHECK(ask_is(ada, "error", "bad-message", "{\"type\":\"kiosk_add\",\"label\":7}"));
	CHECK(ask_is(ada, "error", "no-kiosk", "{\"type\":\"kiosk_revoke\",\"kiosk\":999}"));
	CHECK(db_count("SELECT count(*) FROM kiosks") == 0);
	CHECK(db_count("SELECT count(*) FROM audit WHERE action LIKE 'kiosk%'") == 0);
out:
	wsclient_free(casey);
	wsclient_free(ada);
}

static void an_enrolled_kiosk_should_count_its_own_plans_until_revoked(void)
{
	wsclient *ada = staff_as("ada", ADA_PW);
	char token[128], form[256], headers[4096], value[256], cookie[128], what[128];
	cJSON *m;

	CHECK(ada != NULL);
	if (!ada || add_kiosk(ada, "Central Library kiosk 1", token, sizeof(token)))
		goto out;
	/* From another site the form is refused. */
	snprintf(form, sizeof(form), "t=%s", token);
	CHECK(http_post_form(srv.port, "/kiosk/enrol", "http://evil.example", NULL, form, headers,
			     sizeof(headers)) == 403);
	/* The kiosk's browser posts the link's token: a strict, long-lived device cookie, and the
	 * kiosk page. */
	CHECK(http_post_form(srv.port, "/kiosk/enrol", origin, NULL, form, headers,
			     sizeof(headers)) == 303);
	CHECK(http_header(headers, "Location", value, sizeof(value)) == 0 &&
	      strcmp(value, "/") == 0);
	CHECK(http_header(headers, "Set-Cookie", value, sizeof(value)) == 0);
	CHECK(strncmp(value, "planaloud_kiosk=", 16) == 0);
	CHECK(strstr(value, "HttpOnly") && strstr(value, "SameSite=Strict") &&
	      strstr(value, "Path=/") && strstr(value, "Max-Age="));
	snprintf(cookie, sizeof(cookie), "%.*s", (int)strcspn(value, ";"), value);
	/* The link works once. */
	CHECK(http_post_form(srv.port, "/kiosk/enrol", origin, NULL, form, headers,
			     sizeof(headers)) == 303);
	CHECK(http_header(headers, "Location", value, sizeof(value)) == 0 &&
	      strcmp(value, "/staff/enrol.html?problem=link") == 0);
	CHECK(http_header(headers, "Set-Cookie", value, sizeof(value)) != 0);
	CHECK(http_post_form(srv.port, "/kiosk/enrol", origin, NULL, "t=nonsense", headers,
			     sizeof(headers)) == 303);

	/* The address has used its two; the kiosk at the same address has its own three. */
	CHECK_STR(new_plan(NULL, what, sizeof(what)), "error too-many-plans");
	for (int i = 0; i < 3; i++)
		CHECK_STR(new_plan(cookie, what, sizeof(what)), "page code");
	CHECK_STR(new_plan(cookie, what, sizeof(what)), "error too-many-plans");
	m = ask(ada, "{\"type\":\"kiosks\"}");
	CHECK(json_is_msg(m, "kiosks", NULL) && json_count(m, "kiosks") == 1);
	CHECK_STR(json_str(m, "kiosks.0.state"), "enrolled");
	CHECK(json_str(m, "kiosks.0.enrolled") != NULL);
	cJSON_Delete(m);

	/* Revoked: the cookie is the address's again. */
	m = ask(ada, "{\"type\":\"kiosk_revoke\",\"kiosk\":%lld}", enrolled_id);
	CHECK(json_is_msg(m, "kiosks", NULL));
	CHECK_STR(json_str(m, "kiosks.0.state"), "revoked");
	cJSON_Delete(m);
	CHECK(ask_is(ada, "error", "no-kiosk", "{\"type\":\"kiosk_revoke\",\"kiosk\":%lld}",
		     enrolled_id));
	CHECK(db_count("SELECT count(*) FROM kiosks WHERE device_hash IS NOT NULL") == 0);
	CHECK(db_count("SELECT count(*) FROM audit WHERE action IN ('kiosk_added', "
		       "'kiosk_enrolled', 'kiosk_revoked')") == 3);
	/* Only hashes were ever kept: the token is in no row, nor in the log. */
	snprintf(form, sizeof(form), "SELECT count(*) FROM audit WHERE instr(detail, '%s')", token);
	CHECK(db_count(form) == 0);
	CHECK(strstr(server_log(headers, sizeof(headers)), token) == NULL);
	CHECK(strstr(headers, cookie + 16) == NULL);
out:
	wsclient_free(ada);
}

/* ---- guessing codes ---- */

/* A wrong code from a new connection at source; the reply's code. */
static const char *guess(const char *source, char *out, size_t n)
{
	wsclient_opts o = {origin, NULL, source};
	wsclient *c = wsclient_open(HOST, srv.port, &o, NULL);
	cJSON *m = NULL;

	if (c) {
		cJSON_Delete(wsclient_recv_json(c, WAIT_MS)); /* hello */
		cJSON_Delete(wsclient_recv_json(c, WAIT_MS)); /* welcome */
		m = ask(c, "{\"type\":\"code\",\"seq\":1,\"code\":\"zebra-zebra-zebra-9999\"}");
	}
	snprintf(out, n, "%s", json_str(m, "code") ? json_str(m, "code") : "?");
	cJSON_Delete(m);
	wsclient_free(c);
	return out;
}

static void wrong_codes_should_be_logged_per_address_and_budgeted_overall(void)
{
	char what[64], log[16384];

	/* One address: four wrong codes, the limit; logged once, as a burst. */
	for (int i = 0; i < 4; i++)
		CHECK_STR(guess("127.0.0.1", what, sizeof(what)), "wrong-code");
	CHECK_STR(guess("127.0.0.1", what, sizeof(what)), "slow-down");
	server_log(log, sizeof(log));
	CHECK(log_lines(log, "level=warn event=code-burst key=",
			"127.0.0.1 guesses=4 window_s=600") == 1);
	/* Two more from another address fill everyone's budget of six... */
	CHECK_STR(guess("127.0.0.2", what, sizeof(what)), "wrong-code");
	CHECK_STR(guess("127.0.0.2", what, sizeof(what)), "wrong-code");
	/* ... so every address now waits, one never seen too. */
	CHECK_STR(guess("127.0.0.3", what, sizeof(what)), "slow-down");
	CHECK_STR(guess("127.0.0.2", what, sizeof(what)), "slow-down");
	server_log(log, sizeof(log));
	CHECK(log_lines(log, "level=warn event=code-budget guesses=6 window_s=600", "") == 1);
	CHECK(log_lines(log, "event=code-burst", "") == 1); /* 127.0.0.2 is under its limit */
	CHECK(strstr(log, "zebra") == NULL && strstr(log, "9999") == NULL);
}

/* ---- the server ---- */

static void remove_dir(void)
{
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

/* Starts the server with its standard error into errpath. */
static int start(void)
{
	static const char *const limits[] = {"--new-plans-per-address",
					     "2",
					     "--new-plans-per-kiosk",
					     "3",
					     "--new-plans-per-hour",
					     "100",
					     "--wrong-codes-per-address",
					     "4",
					     "--wrong-codes-overall",
					     "6",
					     NULL};
	int saved = dup(2), fd, rc;

	snprintf(errpath, sizeof(errpath), "%s/stderr.txt", dir);
	fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (saved < 0 || fd < 0)
		return -1;
	dup2(fd, 2); /* the child inherits it */
	close(fd);
	rc = testsrv_start(&srv, PLANALOUD_BINARY, dir, 0, limits);
	dup2(saved, 2);
	close(saved);
	return rc;
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	testsrv_watchdog(240);
	if (sodium_init() < 0)
		return 1;
	snprintf(dir, sizeof(dir), "/tmp/planaloud-kiosksrv-XXXXXX");
	if (!mkdtemp(dir) || users_setup() || start()) {
		CHECK(0);
		remove_dir();
		return check_report();
	}
	snprintf(origin, sizeof(origin), "http://%s:%d", HOST, srv.port);
	RUN(new_plans_past_the_address_limit_should_be_refused_with_kind_words);
	RUN(only_an_admin_should_enrol_kiosks_and_bad_labels_change_nothing);
	RUN(an_enrolled_kiosk_should_count_its_own_plans_until_revoked);
	RUN(wrong_codes_should_be_logged_per_address_and_budgeted_overall);
	CHECK(testsrv_alive(&srv));
	CHECK(testsrv_stop(&srv) == 0);
	remove_dir();
	return check_report();
}
