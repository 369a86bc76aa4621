/* test_resume: coming back without the code. The real server, real SQLite files and a websocket
 * client: a token taken back after the socket closes and after a restart, refused after Finish,
 * when used twice, with a wrong token and from another page; never in what the server prints.
 * Expiry through the kiosk itself, on a fake clock (kiosk_set_clock). */
#include "check.h"
#include "content.h"
#include "demo.h"
#include "fake_conn.h"
#include "kiosk.h"
#include "store.h"
#include "wsclient.h"

#include <cjson/cJSON.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HOST	"127.0.0.1"
#define WAIT_MS 5000
#define KEY_A	"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define KEY_B	"BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBA"
#define WORDS	"I make people laugh."

static testsrv srv;
static char log_path[] = "/tmp/planaloud-resume-log-XXXXXX";
static char tokens[16][64]; /* every token handed out, to look for in the server's output */
static int ntokens;

/* A connection that has read hello and the welcome page and given its page secret. */
static wsclient *connect_with(const char *key)
{
	wsclient *c = wsclient_connect(HOST, srv.port, NULL);
	char text[128];

	if (!c)
		return NULL;
	cJSON_Delete(wsclient_recv_json(c, WAIT_MS)); /* hello */
	cJSON_Delete(wsclient_recv_json(c, WAIT_MS)); /* welcome */
	snprintf(text, sizeof(text), "{\"type\":\"resume_key\",\"key\":\"%s\"}", key);
	wsclient_send_text(c, text);
	return c;
}

/* Reads the resume_token that follows a plan's opening into out (kept for the log check). */
static int read_token(wsclient *c, char *out, size_t n)
{
	cJSON *m = wsclient_recv_json(c, WAIT_MS);
	const char *t = json_str(m, "token");
	int ok = json_is_msg(m, "resume_token", NULL) && t && strlen(t) == 43 &&
		 json_num(m, "seconds", 0) > 0;

	if (ok) {
		snprintf(out, n, "%s", t);
		if (ntokens < 16)
			snprintf(tokens[ntokens++], sizeof(tokens[0]), "%s", t);
	}
	cJSON_Delete(m);
	return ok;
}

/* Sends resume with this token; the page that comes back (cJSON_Delete it). */
static cJSON *resume(wsclient *c, const char *token)
{
	return wsclient_askf(c, WAIT_MS, "{\"type\":\"resume\",\"seq\":9,\"token\":\"%s\"}", token);
}

/* 1 when the reply is the code page saying the token did not work, no plan open. */
static int refused(cJSON *m)
{
	int ok = json_is_msg(m, "page", "code") && json_bool(m, "page.plan_open") == 0 &&
		 json_str(m, "page.notice.id") &&
		 strcmp(json_str(m, "page.notice.id"), "msg/resume.failed") == 0;

	if (!ok) {
		char *t = cJSON_PrintUnformatted(m);

		fprintf(stderr, "  expected the code page with resume.failed, got: %.300s\n",
			t ? t : "(nothing)");
		free(t);
	}
	cJSON_Delete(m);
	return ok;
}

/* Opens the demo plan with key, goes to like-admire, stores WORDS: the token into out. */
static wsclient *write_words(const char *key, char *token, size_t n)
{
	wsclient *c = connect_with(key);
	cJSON *m;

	if (!c)
		return NULL;
	m = wsclient_askf(c, WAIT_MS, "{\"type\":\"code\",\"seq\":1,\"code\":\"%s\"}", srv.code);
	CHECK(json_is_msg(m, "page", NULL));
	cJSON_Delete(m);
	CHECK(read_token(c, token, n));
	CHECK(wsclient_ask_is(c, WAIT_MS, "page", "like-admire",
			      "{\"type\":\"go\",\"to\":\"like-admire\"}"));
	CHECK(wsclient_ask_is(
	    c, WAIT_MS, "saved", "like-admire",
	    "{\"type\":\"answer\",\"seq\":2,\"page\":\"like-admire\",\"value\":\"%s\"}", WORDS));
	return c;
}

/* 1 when m is the like-admire page of the open plan with WORDS stored. */
static int back_with_words(cJSON *m)
{
	int ok = json_is_msg(m, "page", "like-admire") && json_num(m, "seq", 0) == 9 &&
		 json_bool(m, "page.plan_open") == 1 && json_str(m, "page.value") &&
		 strcmp(json_str(m, "page.value"), WORDS) == 0;

	cJSON_Delete(m);
	return ok;
}

static void resume_should_bring_back_the_page_after_the_socket_closes_once_per_token(void)
{
	char first[64] = "", second[64] = "";
	wsclient *c = write_words(KEY_A, first, sizeof(first));

	long long t0;

	wsclient_free(c); /* the connection drops */
	c = connect_with(KEY_A);
	t0 = now_ms();
	CHECK(back_with_words(resume(c, first)));
	printf("the page came back %lld ms after resume was sent\n", now_ms() - t0);
	CHECK(read_token(c, second, sizeof(second)));
	CHECK(strcmp(first, second) != 0);
	wsclient_free(c);
	c = connect_with(KEY_A);
	CHECK(refused(resume(c, first))); /* used: it works once */
	wsclient_free(c);
	c = connect_with(KEY_A);
	CHECK(back_with_words(resume(c, second)));
	wsclient_free(c);
}

static void resume_should_work_after_a_server_restart(void)
{
	char token[64] = "", next[64] = "", dir[sizeof(srv.dir)], code[sizeof(srv.code)];
	wsclient *c = write_words(KEY_A, token, sizeof(token));
	int own = srv.own_dir;

	wsclient_free(c);
	snprintf(dir, sizeof(dir), "%s", srv.dir);
	snprintf(code, sizeof(code), "%s", srv.code);
	CHECK(testsrv_stop(&srv) == 0);
	CHECK(testsrv_start(&srv, PLANALOUD_BINARY, dir, 0, NULL) == 0);
	srv.own_dir = own;
	snprintf(srv.code, sizeof(srv.code), "%s", code);
	c = connect_with(KEY_A);
	CHECK(back_with_words(resume(c, token)));
	CHECK(read_token(c, next, sizeof(next)));
	wsclient_free(c);
}

static void resume_should_fail_after_finish(void)
{
	char token[64] = "";
	wsclient *c = write_words(KEY_A, token, sizeof(token));

	wsclient_send_text(c, "{\"type\":\"finish\"}");
	CHECK(wsclient_wait_close(c, WAIT_MS) == 1000);
	wsclient_free(c);
	c = connect_with(KEY_A);
	CHECK(refused(resume(c, token)));
	wsclient_free(c);
}

static void resume_should_fail_with_a_wrong_token_or_from_another_page(void)
{
	char token[64] = "", other[64] = "", next[64] = "";
	wsclient *a = write_words(KEY_A, token, sizeof(token));
	wsclient *b = connect_with(KEY_B);
	cJSON *m;

	wsclient_free(a);
	/* another plan, started without a code on another page */
	m = wsclient_askf(b, WAIT_MS, "{\"type\":\"new_plan\",\"seq\":1}");
	CHECK(json_is_msg(m, "page", "code") && json_str(m, "page.code"));
	CHECK(read_token(b, other, sizeof(other)));
	wsclient_free(b);

	a = connect_with(KEY_A);
	CHECK(refused(resume(a, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")));
	wsclient_free(a);
	a = connect_with(KEY_A);
	CHECK(refused(resume(a, other))); /* that plan's token, from this page */
	wsclient_free(a);
	b = connect_with(KEY_B);
	CHECK(refused(resume(b, token))); /* this plan's token, from that page */
	wsclient_free(b);

	/* each still takes its own page back to its own plan (a refused try used up nothing) */
	b = connect_with(KEY_B);
	{
		cJSON *p = resume(b, other);

		CHECK(json_is_msg(p, "page", "code") && json_str(m, "page.code") &&
		      json_str(p, "page.code") &&
		      strcmp(json_str(p, "page.code"), json_str(m, "page.code")) == 0);
		cJSON_Delete(p);
	}
	CHECK(read_token(b, next, sizeof(next)));
	wsclient_free(b);
	cJSON_Delete(m);
	a = connect_with(KEY_A);
	CHECK(back_with_words(resume(a, token)));
	wsclient_free(a);
}

static void wrong_tokens_should_count_as_wrong_codes(void)
{
	wsclient *c = connect_with(KEY_A);

	for (int i = 0; i < 3; i++)
		CHECK(refused(resume(c, "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCA")));
	/* the connection must now wait, for codes as for tokens */
	CHECK(wsclient_ask_is(c, WAIT_MS, "error", "slow-down",
			      "{\"type\":\"code\",\"seq\":3,\"code\":\"%s\"}", srv.code));
	wsclient_free(c);
}

static void no_token_should_be_in_what_the_server_printed(void)
{
	char buf[65536];
	size_t len = 0;
	ssize_t got;
	int fd = open(log_path, O_RDONLY);

	fflush(stderr);
	CHECK(fd >= 0 && ntokens >= 8);
	while (fd >= 0 && len < sizeof(buf) - 1 &&
	       (got = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)got;
	fcntl(srv.out_fd, F_SETFL, O_NONBLOCK);
	while (len < sizeof(buf) - 1 &&
	       (got = read(srv.out_fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)got;
	buf[len] = '\0';
	for (int i = 0; i < ntokens; i++)
		CHECK(strstr(buf, tokens[i]) == NULL);
	if (fd >= 0)
		close(fd);
}

/* ---- expiry, on the kiosk's clock ---- */

static long long fake_now;

static long long fake_clock(void *ctx)
{
	(void)ctx;
	return fake_now;
}

static const char *kiosk_in(kiosk *p, kiosk_session *s, fake_conn *fc, const char *msg)
{
	char err[256];

	kiosk_handle(s, msg, strlen(msg), 0);
	if (kiosk_batch_open(p))
		kiosk_flush(p, err, sizeof(err));
	return fc->n ? fc->sent[fc->n - 1] : "";
}

/* A kiosk on a fake clock, with the demo plan open on a page after its code was typed a minute
 * ago, then listen_s seconds of only listening (a narrate every 10 s), and the connection then
 * lost: what a resume needs, and the resume message. */
typedef struct clocked {
	content *ct;
	store *st;
	kiosk *p;
	fake_conn fc;
	char resume[160];
	unsigned long listen_commits; /* commits while only listening */
} clocked;

static int clocked_open(clocked *k, int listen_s)
{
	static const unsigned char key[32];
	kiosk_config cfg = {
	    .idle_seconds = 120, .warn_seconds = 30, .address_failures = 20, .address_window = 600};
	char err[512], code[64], token[64] = "", msg[160];
	kiosk_session *s;
	cJSON *m;

	*k = (clocked){.fc = {.n = 0}};
	k->ct = content_load(PLANALOUD_SOURCE_DIR "/easyread", "en-GB",
			     PLANALOUD_SOURCE_DIR "/web/pictures", err, sizeof(err));
	k->st = k->ct ? store_open(":memory:", err, sizeof(err)) : NULL;
	CHECK(k->st && demo_invite(k->st, k->ct, key, code, err, sizeof(err)) == 0);
	if (!k->st) {
		content_free(k->ct);
		return -1;
	}
	k->p = kiosk_new(k->ct, k->st, key, &cfg, (message_io){fake_send, NULL});
	kiosk_set_clock(k->p, fake_clock, NULL);
	fake_now = 1800000000000LL;
	s = kiosk_session_open(k->p, &k->fc, "127.0.0.1");
	kiosk_in(k->p, s, &k->fc, "{\"type\":\"resume_key\",\"key\":\"" KEY_A "\"}");
	snprintf(msg, sizeof(msg), "{\"type\":\"code\",\"seq\":1,\"code\":\"%s\"}", code);
	m = cJSON_Parse(kiosk_in(k->p, s, &k->fc, msg));
	CHECK(json_is_msg(m, "resume_token", NULL));
	snprintf(token, sizeof(token), "%s", json_str(m, "token") ? json_str(m, "token") : "");
	cJSON_Delete(m);
	/* a minute later the person moves on: the token lasts from then */
	fake_now += 60000;
	kiosk_in(k->p, s, &k->fc, "{\"type\":\"go\",\"to\":\"like-admire\"}");
	k->listen_commits = store_commits(k->st);
	for (int t = 10; t <= listen_s; t += 10) {
		fake_now += 10000;
		kiosk_in(k->p, s, &k->fc,
			 "{\"type\":\"narrate\",\"seq\":3,\"ids\":[\"like-admire/say/1\"],"
			 "\"voice\":\"ruth\",\"speed\":\"normal\"}");
	}
	k->listen_commits = store_commits(k->st) - k->listen_commits;
	kiosk_session_close(s);
	snprintf(k->resume, sizeof(k->resume), "{\"type\":\"resume\",\"seq\":9,\"token\":\"%s\"}",
		 token);
	fake_reset(&k->fc);
	return 0;
}

static void clocked_close(clocked *k)
{
	fake_reset(&k->fc);
	kiosk_free(k->p);
	store_close(k->st);
	content_free(k->ct);
}

static void a_token_should_stop_working_after_the_timeout_without_the_person(void)
{
	clocked k;
	kiosk_session *s;

	if (clocked_open(&k, 0))
		return;
	fake_now += 150000 + 1; /* the warning's end, and a moment */
	s = kiosk_session_open(k.p, &k.fc, "127.0.0.1");
	kiosk_in(k.p, s, &k.fc, "{\"type\":\"resume_key\",\"key\":\"" KEY_A "\"}");
	CHECK(refused(cJSON_Parse(kiosk_in(k.p, s, &k.fc, k.resume))));
	kiosk_session_close(s);
	clocked_close(&k);
}

static void a_token_should_still_work_just_before_the_timeout(void)
{
	clocked k;
	kiosk_session *s;
	char err[512];
	cJSON *m;

	if (clocked_open(&k, 0))
		return;
	fake_now += 150000 - 1;
	s = kiosk_session_open(k.p, &k.fc, "127.0.0.1");
	kiosk_in(k.p, s, &k.fc, "{\"type\":\"resume_key\",\"key\":\"" KEY_A "\"}");
	kiosk_handle(s, k.resume, strlen(k.resume), 0);
	kiosk_flush(k.p, err, sizeof(err));
	m = k.fc.n >= 2 ? cJSON_Parse(k.fc.sent[k.fc.n - 2])
			: NULL; /* the page, then the new token */
	CHECK(json_is_msg(m, "page", "like-admire") && json_bool(m, "page.plan_open") == 1);
	cJSON_Delete(m);
	kiosk_session_close(s);
	clocked_close(&k);
}

/* Someone who only listens is still there: 200 s of listening, more than the timeout, then the
 * connection lost, and the token still brings them back. */
static void a_token_should_outlive_listening_longer_than_the_timeout(void)
{
	clocked k;
	kiosk_session *s;
	char err[512];
	cJSON *m;

	if (clocked_open(&k, 200))
		return;
	fake_now += 1000;
	s = kiosk_session_open(k.p, &k.fc, "127.0.0.1");
	kiosk_in(k.p, s, &k.fc, "{\"type\":\"resume_key\",\"key\":\"" KEY_A "\"}");
	kiosk_handle(s, k.resume, strlen(k.resume), 0);
	kiosk_flush(k.p, err, sizeof(err));
	m = k.fc.n >= 2 ? cJSON_Parse(k.fc.sent[k.fc.n - 2]) : NULL;
	CHECK(json_is_msg(m, "page", "like-admire") && json_bool(m, "page.plan_open") == 1);
	cJSON_Delete(m);
	/* and listening adds no commit of its own to each request: of 20 narrates, one in 30 s
	 * at most moved the token on */
	CHECK(k.listen_commits >= 1 && k.listen_commits <= 200 / 30 + 1);
	kiosk_session_close(s);
	clocked_close(&k);
}

int main(void)
{
	int saved_err = dup(2), fd = mkstemp(log_path);

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	RUN(a_token_should_stop_working_after_the_timeout_without_the_person);
	RUN(a_token_should_still_work_just_before_the_timeout);
	RUN(a_token_should_outlive_listening_longer_than_the_timeout);
	testsrv_watchdog(110);
	dup2(fd, 2); /* what the server prints to stderr, for the log check */
	if (testsrv_start(&srv, PLANALOUD_BINARY, NULL, 1, NULL)) {
		dup2(saved_err, 2);
		fprintf(stderr, "test_resume: the server did not start\n");
		CHECK(0);
		return check_report();
	}
	dup2(saved_err, 2);
	RUN(resume_should_bring_back_the_page_after_the_socket_closes_once_per_token);
	dup2(fd, 2);
	RUN(resume_should_work_after_a_server_restart);
	dup2(saved_err, 2);
	RUN(resume_should_fail_after_finish);
	RUN(resume_should_fail_with_a_wrong_token_or_from_another_page);
	RUN(wrong_tokens_should_count_as_wrong_codes);
	RUN(no_token_should_be_in_what_the_server_printed);
	testsrv_stop(&srv);
	testsrv_cleanup(&srv);
	unlink(log_path);
	close(fd);
	return check_report();
}
