/* test_alerts_server: "The duty team is told." A person answers yes to "Is anyone hurting you?"
 * at a real kiosk websocket; the real server sends one email to a local SMTP sink and one POST
 * to a local HTTP sink, each naming the kind of flag and a link to the plan, never the person's
 * name, words or code. With the sinks down the alert waits in the outbox, failing with growing
 * waits; killed with SIGKILL and started again once the sinks are up, the server delivers it.
 * The person is told what truly happens. Bad alert options stop the start with a plain reason. */
#include "check.h"
#include "runbin.h"
#include "sink.h"
#include "wsclient.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define WAIT_MS	  10000
#define HOST	  "127.0.0.1"
#define SECRET	  "Zebra-crossing-words-9931" /* the person's own words: never in an alert */
#define TOKEN	  "tok-3f9a7c21"
#define FROM	  "planaloud@council.test"
#define DUTY_TEAM "duty@council.test,manager@council.test"

static char token_file[300];

/* ---- helpers ---- */

static void write_token(const char *dir)
{
	FILE *f;

	snprintf(token_file, sizeof(token_file), "%s/webhook.token", dir);
	f = fopen(token_file, "w");
	CHECK(f != NULL);
	if (!f)
		return;
	fprintf(f, "%s\n", TOKEN);
	fclose(f);
	chmod(token_file, 0600);
}

/* A temporary folder for the token file (the server's data folder is its own). */
static const char *temp_dir(void)
{
	static char dir[64];

	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/planaloud-alerts-XXXXXX");
		if (!mkdtemp(dir))
			return NULL;
		write_token(dir);
	}
	return dir;
}

static int start(testsrv *srv, const char *data, int smtp_port, int http_port)
{
	char smtp[64], hook[64];

	snprintf(smtp, sizeof(smtp), "smtp://127.0.0.1:%d", smtp_port);
	snprintf(hook, sizeof(hook), "http://127.0.0.1:%d/duty", http_port);
	return testsrv_start(
	    srv, PLANALOUD_BINARY, data, data == NULL,
	    (const char *const[]){"--alert-smtp", smtp, "--alert-from", FROM, "--alert-to",
				  DUTY_TEAM, "--alert-webhook", hook, "--alert-webhook-token-file",
				  token_file, "--public-url", "https://plans.council.test/", NULL});
}

/* A kiosk with the demo plan open. */
static wsclient *open_plan(const testsrv *srv)
{
	wsclient *c = wsclient_connect(HOST, srv->port, NULL);

	if (!c)
		return NULL;
	cJSON_Delete(wsclient_recv_json(c, WAIT_MS)); /* hello */
	cJSON_Delete(wsclient_recv_json(c, WAIT_MS)); /* welcome */
	if (!wsclient_ask_is(c, WAIT_MS, "page", NULL,
			     "{\"type\":\"code\",\"seq\":1,\"code\":\"%s\"}", srv->code)) {
		wsclient_free(c);
		return NULL;
	}
	return c;
}

/* Answers yes to the page that raises the safeguarding flag: 1 when `saved` says it is raised
 * (the answer, the flag and its alerts committed together). */
static int say_unsafe(wsclient *c)
{
	cJSON *m = wsclient_askf(
	    c, WAIT_MS, "{\"type\":\"answer\",\"seq\":3,\"page\":\"unsafe\",\"value\":\"yes\"}");
	int ok = json_is_msg(m, "saved", "unsafe") && json_str(m, "flag") &&
		 strcmp(json_str(m, "flag"), "safeguarding") == 0;

	cJSON_Delete(m);
	return ok;
}

/* The outbox in the server's database, read as the admin page would show it. */
static long long outbox_int(const testsrv *srv, const char *sql)
{
	char path[512];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	long long v = -1;

	snprintf(path, sizeof(path), "%s/planaloud.db", srv->dir);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_busy_timeout(db, 5000) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* Waits (polling the database, as an admin reloading the page would) until sql gives want. */
static int outbox_becomes(const testsrv *srv, const char *sql, long long want)
{
	long long until = now_ms() + WAIT_MS;

	while (now_ms() < until) {
		if (outbox_int(srv, sql) == want)
			return 1;
		nanosleep(&(struct timespec){0, 20000000}, NULL);
	}
	fprintf(stderr, "  %s: %lld, expected %lld\n", sql, outbox_int(srv, sql), want);
	return 0;
}

/* 1 when the page description says the text with this id. */
static int says(const cJSON *page, const char *id)
{
	const cJSON *t;

	cJSON_ArrayForEach(t, json_at(page, "page.say"))
	{
		const char *tid = json_str(t, "id");

		if (tid && strcmp(tid, id) == 0)
			return 1;
	}
	return 0;
}

/* Nothing of the person in what the duty team got: not their name, words or code. */
static void holds_nothing_personal(const char *text, const testsrv *srv)
{
	CHECK(text && !strstr(text, SECRET));
	CHECK(text && !strstr(text, "Alex"));
	CHECK(text && !strstr(text, "Taylor"));
	CHECK(text && srv->code[0] && !strstr(text, srv->code));
}

/* ---- tests ---- */

static void a_yes_to_unsafe_should_reach_the_mail_relay_and_the_webhook_once_each(void)
{
	sink *mail = sink_open(SINK_SMTP, 0), *hook = sink_open(SINK_HTTP, 0);
	testsrv srv = {0};
	wsclient *c = NULL;
	char *email = NULL, *post = NULL, link[64];
	cJSON *page = NULL, *body = NULL;
	long long t0;

	CHECK(mail && hook);
	if (!mail || !hook || !temp_dir() || start(&srv, NULL, sink_port(mail), sink_port(hook)))
		goto out;
	c = open_plan(&srv);
	CHECK(c != NULL);
	if (!c)
		goto out;
	CHECK(wsclient_ask_is(
	    c, WAIT_MS, "saved", "risks",
	    "{\"type\":\"answer\",\"seq\":2,\"page\":\"risks\",\"value\":\"" SECRET "\"}"));
	t0 = now_ms();
	CHECK(say_unsafe(c));
	/* the person is told the duty team is being told, in words from the content */
	page = wsclient_askf(c, WAIT_MS, "{\"type\":\"go\",\"to\":\"unsafe-help\"}");
	CHECK(json_is_msg(page, "page", "unsafe-help"));
	CHECK(says(page, "msg/safeguarding.told.alert") &&
	      !says(page, "msg/safeguarding.told.staff"));

	CHECK(sink_wait(mail, 1, WAIT_MS));
	CHECK(sink_wait(hook, 1, WAIT_MS));
	printf("  the duty team had both within %lld ms of the answer\n", now_ms() - t0);
	email = sink_message(mail, 0);
	post = sink_message(hook, 0);
	CHECK(outbox_becomes(&srv, "SELECT count(*) FROM alerts WHERE sent_ms IS NOT NULL", 2));
	CHECK(sink_count(mail) == 1 && sink_count(hook) == 1);

	snprintf(link, sizeof(link), "https://plans.council.test/staff/#plan/");
	CHECK(email && strstr(email, "MAIL FROM:<" FROM ">"));
	CHECK(email && strstr(email, "RCPT TO:<duty@council.test>") &&
	      strstr(email, "RCPT TO:<manager@council.test>"));
	CHECK(email && strstr(email, link));
	CHECK(email && strstr(email, "X-Plan-Aloud-Alert: planaloud-alert-"));
	holds_nothing_personal(email, &srv);

	CHECK(post && strncmp(post, "POST /duty HTTP/1.1", 19) == 0);
	CHECK(post && strstr(post, "Authorization: Bearer " TOKEN));
	body = post && strstr(post, "\n\n") ? cJSON_Parse(strstr(post, "\n\n") + 2) : NULL;
	CHECK_STR(json_str(body, "kind"), "safeguarding");
	CHECK(json_str(body, "id") && strncmp(json_str(body, "id"), "planaloud-alert-", 16) == 0);
	CHECK(json_str(body, "link") && strncmp(json_str(body, "link"), link, strlen(link)) == 0);
	holds_nothing_personal(post, &srv);

	/* a second yes raises nothing new: the flag is open already, and nobody is told twice */
	CHECK(wsclient_ask_is(
	    c, WAIT_MS, "saved", "unsafe",
	    "{\"type\":\"answer\",\"seq\":4,\"page\":\"unsafe\",\"value\":\"yes\"}"));
	CHECK(outbox_int(&srv, "SELECT count(*) FROM alerts") == 2);
out:
	cJSON_Delete(page);
	cJSON_Delete(body);
	free(email);
	free(post);
	wsclient_free(c);
	testsrv_stop(&srv);
	testsrv_cleanup(&srv);
	sink_close(mail);
	sink_close(hook);
}

static void an_alert_should_wait_and_be_delivered_after_the_server_is_killed(void)
{
	sink *mail = sink_open(SINK_SMTP, 0), *hook = sink_open(SINK_HTTP, 0);
	int mail_port = mail ? sink_port(mail) : 0, hook_port = hook ? sink_port(hook) : 0;
	char data[256];
	testsrv srv = {0};
	wsclient *c = NULL;
	long long next_wait;

	/* the relay and the webhook are down */
	sink_close(mail);
	sink_close(hook);
	mail = hook = NULL;
	CHECK(mail_port && hook_port);
	if (!mail_port || !hook_port || !temp_dir() || start(&srv, NULL, mail_port, hook_port))
		goto out;
	snprintf(data, sizeof(data), "%s", srv.dir);
	c = open_plan(&srv);
	CHECK(c && say_unsafe(c));
	/* each way failed once, with a reason in plain words, and waits about 30 s to try again */
	CHECK(outbox_becomes(&srv,
			     "SELECT count(*) FROM alerts WHERE tries = 1 AND "
			     "last_error LIKE 'Could not connect%' AND sent_ms IS NULL",
			     2));
	next_wait = outbox_int(&srv, "SELECT min(next_ms - created_ms) FROM alerts");
	CHECK(next_wait >= 29000 && next_wait <= 40000);
	wsclient_free(c);
	c = NULL;

	testsrv_kill(&srv); /* no clean shutdown */
	mail = sink_open(SINK_SMTP, mail_port);
	hook = sink_open(SINK_HTTP, hook_port);
	CHECK(mail && hook);
	if (!mail || !hook || start(&srv, data, mail_port, hook_port))
		goto out;
	/* a restart tries what waits at once, without waiting out the 30 s */
	CHECK(sink_wait(mail, 1, WAIT_MS));
	CHECK(sink_wait(hook, 1, WAIT_MS));
	CHECK(outbox_becomes(&srv, "SELECT count(*) FROM alerts WHERE sent_ms IS NOT NULL", 2));
out:
	wsclient_free(c);
	testsrv_stop(&srv);
	srv.own_dir = 1;
	testsrv_cleanup(&srv);
	sink_close(mail);
	sink_close(hook);
}

static void without_alerts_the_person_should_be_told_staff_will_see_it(void)
{
	testsrv srv = {0};
	wsclient *c = NULL;
	cJSON *page = NULL;

	if (testsrv_start(&srv, PLANALOUD_BINARY, NULL, 1, NULL))
		goto out;
	c = open_plan(&srv);
	CHECK(c && say_unsafe(c));
	page = c ? wsclient_askf(c, WAIT_MS, "{\"type\":\"go\",\"to\":\"unsafe-help\"}") : NULL;
	CHECK(json_is_msg(page, "page", "unsafe-help"));
	CHECK(says(page, "msg/safeguarding.told.staff") &&
	      !says(page, "msg/safeguarding.told.alert"));
	CHECK(outbox_int(&srv, "SELECT count(*) FROM alerts") == 0);
out:
	cJSON_Delete(page);
	wsclient_free(c);
	testsrv_stop(&srv);
	testsrv_cleanup(&srv);
}

/* Bad options stop the start, naming the option, before anything is opened. */
static void refused(const char *const *args, const char *option)
{
	ran r;

	run_args(&r, NULL, args);
	CHECK(r.status == 1);
	CHECK(strstr(r.err, option) != NULL);
	if (r.status != 1 || !strstr(r.err, option))
		fprintf(stderr, "  said: %s\n", r.err);
}

static void bad_alert_options_should_stop_the_start_plainly(void)
{
	char data[64] = "/tmp/planaloud-alerts-bad-XXXXXX", loose[300];
	FILE *f;

	if (!mkdtemp(data) || !temp_dir())
		return;
	refused((const char *const[]){"--port", "0", "--data", data, "--alert-webhook",
				      "ftp://hooks.council.test/x", NULL},
		"--alert-webhook");
	refused((const char *const[]){"--port", "0", "--data", data, "--alert-webhook",
				      "http://hooks.council.test/x", NULL},
		"--alert-webhook");
	refused((const char *const[]){"--port", "0", "--data", data, "--alert-smtp",
				      "relay.council.test", "--alert-from", FROM, "--alert-to",
				      DUTY_TEAM, NULL},
		"--alert-smtp");
	refused((const char *const[]){"--port", "0", "--data", data, "--alert-smtp",
				      "smtp://relay.council.test", "--alert-from", FROM, NULL},
		"--alert-to");
	refused((const char *const[]){"--port", "0", "--data", data, "--alert-webhook",
				      "https://hooks.council.test/x", "--alert-kinds",
				      "safeguarding,gossip", NULL},
		"--alert-kinds");
	snprintf(loose, sizeof(loose), "%s/loose.token", temp_dir());
	f = fopen(loose, "w");
	if (f) {
		fputs(TOKEN "\n", f);
		fclose(f);
	}
	chmod(loose, 0644);
	refused((const char *const[]){"--port", "0", "--data", data, "--alert-webhook",
				      "https://hooks.council.test/x", "--alert-webhook-token-file",
				      loose, NULL},
		"chmod 600");
	/* refused before anything was opened: no database was made */
	{
		char path[128];
		struct stat sb;

		snprintf(path, sizeof(path), "%s/planaloud.db", data);
		CHECK(stat(path, &sb) != 0);
		rmdir(data);
	}
}

int main(void)
{
	testsrv_watchdog(240);
	RUN(a_yes_to_unsafe_should_reach_the_mail_relay_and_the_webhook_once_each);
	RUN(an_alert_should_wait_and_be_delivered_after_the_server_is_killed);
	RUN(without_alerts_the_person_should_be_told_staff_will_see_it);
	RUN(bad_alert_options_should_stop_the_start_plainly);
	if (temp_dir()) { /* the token files and their folder */
		char loose[300];

		snprintf(loose, sizeof(loose), "%s/loose.token", temp_dir());
		unlink(loose);
		unlink(token_file);
		rmdir(temp_dir());
	}
	return check_report();
}
