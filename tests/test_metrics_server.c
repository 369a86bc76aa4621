/* Integration tests of /metrics and the log: the real server on a free loopback port. /metrics
 * parses as Prometheus text (a strict reader, promtext.c) and its counters move after a real
 * save, a wrong code and a refused login; who may read it (allowed addresses, a token, nobody
 * else); and the log of a whole journey (a code, a person's answers with their name and words,
 * their words read aloud, a staff login and comment) holds none of those words, and does hold
 * the events, each with the request it belongs to. */
#include "check.h"

#include "promtext.h"
#include "runbin.h"
#include "staffsrv.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <poll.h>
#include <sodium.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define BODY_MAX (256 * 1024)
#define TOKEN	 "s3cret-scraper-token-0123456789"

static char body[BODY_MAX];

/* GET /metrics from source (an address of this machine, or NULL), with extra header lines.
 * The HTTP status (-1 on failure); the body into body, the headers into head (may be NULL). */
static int scrape_from(int port, const char *source, const char *extra, char *head, size_t hlen)
{
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	char req[1024];
	static char got[BODY_MAX + 8192];
	size_t n = 0;
	int fd = socket(AF_INET, SOCK_STREAM, 0), status = -1;
	char *end;

	body[0] = '\0';
	inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
	if (fd < 0)
		return -1;
	if (source) {
		struct sockaddr_in from = {.sin_family = AF_INET};

		inet_pton(AF_INET, source, &from.sin_addr);
		if (bind(fd, (struct sockaddr *)&from, sizeof(from)))
			goto out;
	}
	if (connect(fd, (struct sockaddr *)&to, sizeof(to)))
		goto out;
	snprintf(req, sizeof(req),
		 "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n%sConnection: close\r\n\r\n", port,
		 extra ? extra : "");
	if (write(fd, req, strlen(req)) != (ssize_t)strlen(req))
		goto out;
	for (;;) {
		struct pollfd p = {fd, POLLIN, 0};
		ssize_t k;

		if (poll(&p, 1, WAIT_MS) <= 0 || n + 1 >= sizeof(got))
			break;
		k = read(fd, got + n, sizeof(got) - 1 - n);
		if (k <= 0)
			break;
		n += (size_t)k;
		got[n] = '\0';
		end = strstr(got, "\r\n\r\n");
		if (end) {
			char cl[32];
			int whole;

			*end = '\0';
			whole = http_header(got, "Content-Length", cl, sizeof(cl)) == 0 &&
				n >= (size_t)(end - got) + 4 + strtoul(cl, NULL, 10);
			*end = '\r';
			if (whole)
				break;
		}
	}
	got[n] = '\0';
	end = strstr(got, "\r\n\r\n");
	if (!end || sscanf(got, "HTTP/1.1 %d", &status) != 1)
		goto out;
	*end = '\0';
	if (head) {
		size_t hl = strlen(got) < hlen ? strlen(got) : hlen - 1;

		memcpy(head, got, hl);
		head[hl] = '\0';
	}
	memcpy(body, end + 4, strlen(end + 4) + 1); /* got holds at most BODY_MAX after head */
out:
	close(fd);
	return status;
}

static int scrape(void)
{
	return scrape_from(srv.port, NULL, NULL, NULL, 0);
}

static int parses(const char *text)
{
	char err[512] = "";
	int ok = promtext_check(text, err, sizeof(err)) == 0;

	if (!ok)
		fprintf(stderr, "  /metrics is not Prometheus text: %s\n", err);
	return ok;
}

static double value(const char *name, const char *labels)
{
	return promtext_value(body, name, labels);
}

/* ---- the counters move ---- */

static void metrics_should_parse_and_count_a_save_a_wrong_code_and_a_refused_login(void)
{
	double saves, commits, batches, wrong, refused, limited;
	char form[256], head[2048], type[128];
	wsclient *k, *guess;

	CHECK(scrape_from(srv.port, NULL, NULL, head, sizeof(head)) == 200);
	CHECK(http_header(head, "Content-Type", type, sizeof(type)) == 0 &&
	      strstr(type, "text/plain; version=0.0.4") == type);
	CHECK(parses(body));
	saves = value("planaloud_saves_total", NULL);
	commits = value("planaloud_commits_total", "result=\"ok\"");
	batches = value("planaloud_commit_duration_seconds_count", NULL);
	wrong = value("planaloud_wrong_codes_total", NULL);
	refused = value("planaloud_logins_total", "result=\"wrong\"");
	limited = value("planaloud_limited_total", NULL);
	CHECK(saves >= 0 && commits >= 0 && batches >= 0 && wrong == 0 && refused == 0);

	/* a person saves an answer; another types a wrong code; someone mistypes a password */
	k = kiosk_open(srv.code, NULL);
	CHECK(k && ask_is(k, "saved", NULL,
			  "{\"type\":\"answer\",\"page\":\"important\",\"value\":\"My garden\"}"));
	guess = kiosk();
	CHECK(guess && ask_is(guess, "kept", NULL,
			      "{\"type\":\"answer\",\"page\":\"who\",\"value\":\"me\"}"));
	CHECK(guess && ask_is(guess, "error", "wrong-code",
			      "{\"type\":\"code\",\"code\":\"pear-river-kite-2222\"}"));
	login_form("casey", "not the password at all", form, sizeof(form));
	CHECK(http_post_form(srv.port, "/staff/auth/login", origin, NULL, form, NULL, 0) == 303);

	CHECK(scrape() == 200);
	CHECK(parses(body));
	CHECK(value("planaloud_saves_total", NULL) >= saves + 2); /* who, and the answer */
	CHECK(value("planaloud_commits_total", "result=\"ok\"") > commits);
	CHECK(value("planaloud_commit_duration_seconds_count", NULL) > batches);
	CHECK(value("planaloud_batch_saves_count", NULL) ==
	      value("planaloud_commit_duration_seconds_count", NULL));
	CHECK(value("planaloud_wrong_codes_total", NULL) == wrong + 1);
	CHECK(value("planaloud_limited_total", NULL) == limited);
	CHECK(value("planaloud_logins_total", "result=\"wrong\"") == refused + 1);
	CHECK(value("planaloud_logins_total", "result=\"ok\"") == 0);
	CHECK(value("planaloud_connections", "protocol=\"kiosk\"") == 2);
	CHECK(value("planaloud_connections_opened_total", "protocol=\"kiosk\"") >= 2);
	/* read from the database: the demo plan is a draft; no flag is open */
	CHECK(value("planaloud_plans", "status=\"draft\"") >= 1);
	CHECK(value("planaloud_plans", "status=\"signed_off\"") == 0);
	CHECK(value("planaloud_open_flags", "kind=\"safeguarding\"") == 0);
	CHECK(value("planaloud_database_bytes", NULL) > 4096);
	CHECK(value("process_start_time_seconds", NULL) > 1.7e9);
	wsclient_free(k);
	wsclient_free(guess);
}

/* ---- who may read it ---- */

static void by_default_only_this_machine_should_read_the_metrics_and_never_through_a_proxy(void)
{
	CHECK(scrape_from(srv.port, "127.0.0.1", NULL, NULL, 0) == 200);
	CHECK(scrape_from(srv.port, "127.0.0.2", NULL, NULL, 0) == 200); /* loopback too */
	CHECK(scrape_from(srv.port, NULL, "X-Forwarded-For: 203.0.113.9\r\n", NULL, 0) == 403);
	CHECK(scrape_from(srv.port, NULL, "Forwarded: for=203.0.113.9\r\n", NULL, 0) == 403);
	CHECK(strstr(body, "planaloud_") == NULL);
	CHECK(scrape() == 200 && value("planaloud_metrics_refused_total", NULL) == 2);
}

/* A server of its own in a new data folder with extra arguments: 0, or -1. */
static int start_other(testsrv *s, const char *const *extra)
{
	return testsrv_start(s, PLANALOUD_BINARY, NULL, 0, extra);
}

static void only_the_addresses_allowed_should_read_the_metrics(void)
{
	testsrv s = {0};
	const char *const extra[] = {"--metrics-allow", "127.0.0.2,10.0.0.0/8", NULL};

	CHECK(start_other(&s, extra) == 0);
	CHECK(scrape_from(s.port, "127.0.0.2", NULL, NULL, 0) == 200);
	CHECK(parses(body));
	CHECK(scrape_from(s.port, "127.0.0.1", NULL, NULL, 0) == 403);
	CHECK(strstr(body, "planaloud_") == NULL);
	/* without a token file a token means nothing */
	CHECK(scrape_from(s.port, "127.0.0.1", "Authorization: Bearer " TOKEN "\r\n", NULL, 0) ==
	      403);
	testsrv_stop(&s);
	testsrv_cleanup(&s);
}

/* An operator's alerts on backups and on alerts to the duty team: no backup yet is no sample
 * (so "absent" can alert); after `planaloud backup`, its age; alerts waiting, none here. */
static void the_last_backups_age_and_the_alerts_waiting_should_show(void)
{
	testsrv s = {0};
	char data[256], dest[300];
	ran r;

	CHECK(start_other(&s, NULL) == 0);
	CHECK(scrape_from(s.port, NULL, NULL, NULL, 0) == 200 && parses(body));
	CHECK(value("planaloud_backup_age_seconds", NULL) < 0);
	CHECK(value("planaloud_alerts", "state=\"pending\"") == 0);
	CHECK(value("planaloud_alerts", "state=\"failing\"") == 0);
	CHECK(testsrv_stop(&s) == 0);
	snprintf(data, sizeof(data), "%s", s.dir);
	snprintf(dest, sizeof(dest), "%s/backup.db", data);
	RUN_BIN(&r, NULL, "--data", data, "backup", dest);
	CHECK(r.status == 0);
	CHECK(testsrv_start(&s, PLANALOUD_BINARY, data, 0, NULL) == 0);
	s.own_dir = 1; /* the folder start_other made, removed at the end */
	CHECK(scrape_from(s.port, NULL, NULL, NULL, 0) == 200 && parses(body));
	CHECK(value("planaloud_backup_age_seconds", NULL) >= 0 &&
	      value("planaloud_backup_age_seconds", NULL) < 600);
	testsrv_stop(&s);
	testsrv_cleanup(&s);
}

static void the_bearer_token_should_let_a_scraper_in_and_nothing_else(void)
{
	testsrv s = {0};
	char path[128], head[2048], auth[128];
	const char *const extra[] = {"--metrics-token-file", path, NULL};
	int fd;

	snprintf(path, sizeof(path), "%s/metrics.token", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0 && write(fd, TOKEN "\n", sizeof(TOKEN)) == (ssize_t)sizeof(TOKEN));
	close(fd);
	CHECK(start_other(&s, extra) == 0);
	/* with a token given, this machine needs it too */
	CHECK(scrape_from(s.port, NULL, NULL, head, sizeof(head)) == 401);
	CHECK(http_header(head, "WWW-Authenticate", auth, sizeof(auth)) == 0 &&
	      strncmp(auth, "Bearer", 6) == 0);
	CHECK(strstr(body, "planaloud_") == NULL);
	CHECK(scrape_from(s.port, NULL, "Authorization: Bearer " TOKEN "x\r\n", NULL, 0) == 401);
	CHECK(scrape_from(s.port, NULL, "Authorization: Bearer s3cret\r\n", NULL, 0) == 401);
	CHECK(scrape_from(s.port, NULL, "Authorization: Basic " TOKEN "\r\n", NULL, 0) == 401);
	CHECK(scrape_from(s.port, NULL, "Authorization: Bearer " TOKEN "\r\n", NULL, 0) == 200);
	CHECK(parses(body));
	CHECK(value("planaloud_metrics_refused_total", NULL) == 4);
	/* the token works through a proxy as well */
	CHECK(scrape_from(s.port, NULL,
			  "X-Forwarded-For: 203.0.113.9\r\nAuthorization: Bearer " TOKEN "\r\n",
			  NULL, 0) == 200);
	testsrv_stop(&s);
	testsrv_cleanup(&s);
}

static void a_bad_metrics_option_should_stop_start_up_and_say_why(void)
{
	char path[128], data[128];
	ran r;
	int fd;

	snprintf(path, sizeof(path), "%s/open.token", dir);
	snprintf(data, sizeof(data), "%s/other", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0 && write(fd, TOKEN "\n", sizeof(TOKEN)) == (ssize_t)sizeof(TOKEN));
	close(fd);
	chmod(path, 0644);
	RUN_BIN(&r, NULL, "--port", "0", "--data", data, "--metrics-token-file", path);
	CHECK(r.status == 1 && strstr(r.err, "chmod 600") && strstr(r.err, path));
	fd = open(path, O_WRONLY | O_TRUNC);
	CHECK(fd >= 0 && write(fd, "short\n", 6) == 6);
	close(fd);
	chmod(path, 0600);
	RUN_BIN(&r, NULL, "--port", "0", "--data", data, "--metrics-token-file", path);
	CHECK(r.status == 1 && strstr(r.err, "metrics token"));
	RUN_BIN(&r, NULL, "--port", "0", "--data", data, "--metrics-allow", "10.0.0.0/99");
	CHECK(r.status == 2 && strstr(r.err, "--metrics-allow"));
	RUN_BIN(&r, NULL, "--port", "0", "--data", data, "--log-level", "loud");
	CHECK(r.status == 2);
}

/* The test's data folder, with all it holds (the database, the audio cache). */
static void remove_dir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

/* ---- the log of a whole journey ---- */

#define PERSON_FIRST "Zebedee"
#define PERSON_LAST  "Quillfeather"
#define OWN_WORDS    "marmalade xylophones"
#define COMMENT	     "Snorkelwhistle"

/* The line of the log holding every one of the (up to three) pieces, copied into out. */
static int find_line(const char *log, const char *a, const char *b, const char *c, char *out,
		     size_t n)
{
	for (const char *p = log; p && *p;) {
		size_t len = strcspn(p, "\n");

		snprintf(out, n, "%.*s", (int)len, p);
		if (strstr(out, a) && (!b || strstr(out, b)) && (!c || strstr(out, c)))
			return 1;
		p = p[len] ? p + len + 1 : NULL;
	}
	out[0] = '\0';
	fprintf(stderr, "  no log line with %s %s %s\n", a, b ? b : "", c ? c : "");
	return 0;
}

/* Reads until the narration ends; 1 when it came with audio. */
static int heard(wsclient *c)
{
	int audio = 0;

	for (int i = 0; i < 200; i++) {
		char *text = NULL;
		int binary = 0, got = wsclient_recv(c, WAIT_MS, &text, NULL, &binary);
		cJSON *m;
		const char *type;

		if (got <= 0)
			return 0;
		if (binary) {
			audio = 1;
			free(text);
			continue;
		}
		m = cJSON_Parse(text);
		free(text);
		type = json_str(m, "type");
		if (type && strcmp(type, "narration_end") == 0) {
			cJSON_Delete(m);
			return audio;
		}
		cJSON_Delete(m);
	}
	return 0;
}

/* The whole log the server wrote while a person and a caseworker did their parts. */
static char *journey_log(const char *logpath)
{
	wsclient *casey, *k;
	char form[256], code[64] = "";
	long long plan = 0;
	cJSON *m;
	FILE *f;
	char *log = calloc(1, BODY_MAX);

	casey = staff_as("casey", CASEY_PW);
	CHECK(casey != NULL);
	m = casey
		? ask(casey, "{\"type\":\"invite\",\"seq\":1,\"person\":\"" PERSON_FIRST
			     " " PERSON_LAST "\",\"needs\":[{\"text\":\"You need help to wash.\","
			     "\"eligible\":true}],\"budget\":\"120.00\",\"managing\":[\"direct\"]}")
		: NULL;
	CHECK(is_msg(m, "invited", NULL));
	plan = (long long)json_num(m, "plan", 0);
	snprintf(code, sizeof(code), "%s", json_str(m, "code") ? json_str(m, "code") : "");
	cJSON_Delete(m);
	login_form("casey", "not the password at all", form, sizeof(form));
	CHECK(http_post_form(srv.port, "/staff/auth/login", origin, NULL, form, NULL, 0) == 303);

	k = code[0] ? kiosk_open(code, NULL) : NULL;
	CHECK(k != NULL);
	if (k) {
		CHECK(ask_is(k, "saved", NULL,
			     "{\"type\":\"answer\",\"page\":\"important\",\"value\":\"" OWN_WORDS
			     "\"}"));
		CHECK(ask_is(k, "saved", NULL,
			     "{\"type\":\"answer\",\"page\":\"like-admire\",\"value\":\"I am "
			     "kind to " PERSON_FIRST "\"}"));
		CHECK(
		    ask_is(k, "listening", NULL, "{\"type\":\"listening\",\"headphones\":true}") ||
		    1);
		m = ask(k, "{\"type\":\"go\",\"to\":\"check\"}");
		CHECK(json_contains_text(m, "answer/important"));
		cJSON_Delete(m);
		/* the person's own words, read aloud */
		CHECK(wsclient_send_text(k, "{\"type\":\"narrate\",\"seq\":7,\"ids\":["
					    "\"answer/important\"],\"voice\":\"ruth\","
					    "\"speed\":\"normal\"}") == 0);
		CHECK(heard(k));
		CHECK(ask_is(k, "page", "sent", "{\"type\":\"send\"}"));
		wsclient_free(k);
	}
	if (casey)
		CHECK(ask_is(casey, "plan", "submitted",
			     "{\"type\":\"comment\",\"plan\":%lld,\"section\":\"important\","
			     "\"text\":\"" COMMENT " in the garden?\"}",
			     plan));
	/* the scrape that follows shows the narration, heard once from the voice itself */
	CHECK(scrape() == 200 && parses(body));
	CHECK(value("planaloud_narration_first_audio_seconds_count", NULL) >= 1);
	CHECK(value("planaloud_narration_cache_total", "result=\"miss\"") >= 1);
	wsclient_free(casey);
	testsrv_stop(&srv);
	f = fopen(logpath, "r");
	if (f && log)
		log[fread(log, 1, BODY_MAX - 1, f)] = '\0';
	if (f)
		fclose(f);
	/* the code must be nowhere, whole or in its words */
	CHECK(log && code[0] && strstr(log, code) == NULL);
	for (char *part = strtok(code, "-"); log && part; part = strtok(NULL, "-")) {
		char eq[80];

		snprintf(eq, sizeof(eq), "=%s", part);
		CHECK(strstr(log, eq) == NULL);
	}
	return log;
}

static void the_log_of_a_journey_should_hold_its_events_and_none_of_its_words(void)
{
	static const char *const secret[] = {
	    PERSON_FIRST, PERSON_LAST, "marmalade",	"xylophones",
	    COMMENT,	  "casey",     "long password", "not the password",
	};
	char logpath[128], line[1100], req[64], batch[64];
	unsigned long long r = 0, b = 0;
	int fd, saved, started;
	char *log;

	snprintf(dir, sizeof(dir), "/tmp/planaloud-journey-XXXXXX");
	if (!mkdtemp(dir) || users_setup(NULL)) {
		CHECK(0);
		return;
	}
	snprintf(logpath, sizeof(logpath), "%s.log", dir);
	/* the server's standard error, as journald would keep it */
	fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	saved = dup(2);
	dup2(fd, 2);
	started = testsrv_start(&srv, PLANALOUD_BINARY, dir, 0,
				(const char *const[]){"--log-level", "debug", NULL}) == 0;
	dup2(saved, 2);
	close(saved);
	close(fd);
	CHECK(started);
	if (!started)
		return;
	snprintf(origin, sizeof(origin), "http://%s:%d", HOST, srv.port);
	log = journey_log(logpath);
	remove_dir();
	if (!log)
		return;
	for (size_t i = 0; i < sizeof(secret) / sizeof(*secret); i++)
		if (strstr(log, secret[i])) {
			CHECK(strstr(log, secret[i]) == NULL);
			fprintf(stderr, "  the log holds \"%s\"\n", secret[i]);
		}
	CHECK(find_line(log, "level=info event=start ", NULL, NULL, line, sizeof(line)));
	CHECK(find_line(log, "event=connection-opened protocol=kiosk", " conn=", NULL, line,
			sizeof(line)));
	CHECK(find_line(log, "event=connection-opened protocol=staff", " conn=", NULL, line,
			sizeof(line)));
	CHECK(find_line(log, "event=login-ok user=", " req=", NULL, line, sizeof(line)));
	/* the login's lines: its request, then its answer once the password was checked */
	CHECK(sscanf(strstr(line, " req=") ? strstr(line, " req=") : "", " req=%llu", &r) == 1);
	snprintf(req, sizeof(req), " req=%llu", r);
	CHECK(find_line(log, "event=http path=/staff/auth/login", req, NULL, line, sizeof(line)));
	CHECK(
	    find_line(log, "event=login-refused reason=wrong", " req=", NULL, line, sizeof(line)));
	CHECK(find_line(log, "event=message type=code result=ok", " conn=", " req=", line,
			sizeof(line)));
	CHECK(find_line(log, "event=message type=narrate result=ok", " req=", NULL, line,
			sizeof(line)));
	CHECK(find_line(log, "event=message type=comment result=ok", " req=", NULL, line,
			sizeof(line)));
	/* one save followed: its message, its place in a batch, the batch's commit */
	CHECK(find_line(log, "event=message type=answer result=ok", " req=", NULL, line,
			sizeof(line)));
	CHECK(sscanf(strstr(line, " req=") ? strstr(line, " req=") : "", " req=%llu", &r) == 1);
	snprintf(req, sizeof(req), " req=%llu", r);
	CHECK(find_line(log, "event=save batch=", req, NULL, line, sizeof(line)));
	CHECK(sscanf(strstr(line, "batch=") ? strstr(line, "batch=") : "", "batch=%llu", &b) == 1);
	snprintf(batch, sizeof(batch), "event=batch-committed batch=%llu ", b);
	CHECK(find_line(log, batch, " saves=", " ms=", line, sizeof(line)));
	CHECK(find_line(log, "event=connection-closed protocol=kiosk", " messages=", NULL, line,
			sizeof(line)));
	CHECK(find_line(log, "level=info event=stopped status=0", NULL, NULL, line, sizeof(line)));
	free(log);
	unlink(logpath);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	testsrv_watchdog(240);
	if (sodium_init() < 0)
		return 1;
	snprintf(dir, sizeof(dir), "/tmp/planaloud-metrics-XXXXXX");
	/* the demo: its plan code, and staff (whose passwords no one here knows) */
	if (!mkdtemp(dir) || testsrv_start(&srv, PLANALOUD_BINARY, dir, 1, NULL)) {
		CHECK(0);
		return check_report();
	}
	snprintf(origin, sizeof(origin), "http://%s:%d", HOST, srv.port);
	RUN(metrics_should_parse_and_count_a_save_a_wrong_code_and_a_refused_login);
	RUN(by_default_only_this_machine_should_read_the_metrics_and_never_through_a_proxy);
	testsrv_stop(&srv);
	RUN(only_the_addresses_allowed_should_read_the_metrics);
	RUN(the_bearer_token_should_let_a_scraper_in_and_nothing_else);
	RUN(the_last_backups_age_and_the_alerts_waiting_should_show);
	RUN(a_bad_metrics_option_should_stop_start_up_and_say_why);
	remove_dir();
	RUN(the_log_of_a_journey_should_hold_its_events_and_none_of_its_words);
	return check_report();
}
