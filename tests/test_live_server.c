/* test_live_server: news as it happens, against the real server binary. A person answers "yes"
 * to "Is anyone hurting you?" on a real kiosk websocket; the caseworker's and the manager's open
 * staff websockets get the news at once (measured from the kiosk's "saved"), the
 * administrator's (who reads no plans) gets nothing; sending the plan is news too. */
#include "check.h"
#include "staffsrv.h"
#include "wsclient.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double clock_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1000.0 + (double)t.tv_nsec / 1e6;
}

/* 1 when m is news of event about plan. */
static int is_news(const cJSON *m, const char *event, long long plan)
{
	if (!is_msg(m, "live", NULL))
		return 0;
	if (!json_str(m, "event") || strcmp(json_str(m, "event"), event) != 0 ||
	    json_num(m, "plan", 0) != (double)plan) {
		char *text = cJSON_PrintUnformatted(m);

		fprintf(stderr, "  expected news of %s on plan %lld, got %s\n", event, plan,
			text ? text : "?");
		free(text);
		return 0;
	}
	return 1;
}

/* The next message c gets is the reply to `me` (no news came before it: the server writes a
 * connection's messages in order, and news goes out in the turn of the loop that committed). */
static int nothing_before_me(wsclient *c)
{
	cJSON *m = ask(c, "{\"type\":\"me\",\"seq\":77}");
	int ok = is_msg(m, "me", NULL) && json_num(m, "seq", 0) == 77;

	cJSON_Delete(m);
	return ok;
}

/* A staff page logged in as name that keeps the news (NULL when not). */
static wsclient *hearing(const char *name, const char *pw)
{
	wsclient *c = staff_as(name, pw);

	wsclient_skip_news(c, 0);
	return c;
}

static void a_yes_to_the_unsafe_question_should_reach_open_caseloads_at_once_and_no_admin(void)
{
	wsclient *casey = hearing("casey", CASEY_PW), *morgan = hearing("morgan", MORGAN_PW);
	wsclient *ada = hearing("ada", ADA_PW), *k = NULL;
	char code[64] = "";
	long long plan = 0;
	double acked, heard;
	cJSON *m;

	CHECK(casey && morgan && ada);
	if (!casey || !morgan || !ada)
		goto out;
	m = ask(casey, "{\"type\":\"invite\",\"seq\":1,\"person\":\"Alex Smith\",\"needs\":["
		       "{\"text\":\"You need help to wash and dress.\",\"eligible\":true}]}");
	CHECK(is_msg(m, "invited", NULL));
	plan = (long long)json_num(m, "plan", 0);
	snprintf(code, sizeof(code), "%s", json_str(m, "code") ? json_str(m, "code") : "");
	cJSON_Delete(m);
	k = kiosk_open(code, "profile-intro");
	CHECK(k != NULL);
	if (!k)
		goto out;
	/* nothing is news yet: opening a plan and writing in it are not */
	CHECK(
	    ask_is(k, "saved", NULL,
		   "{\"type\":\"answer\",\"seq\":2,\"page\":\"like-admire\",\"value\":\"Kind\"}"));
	CHECK(nothing_before_me(casey));

	m = ask(k, "{\"type\":\"answer\",\"seq\":3,\"page\":\"unsafe\",\"value\":\"yes\"}");
	acked = clock_ms();
	CHECK(is_msg(m, "saved", NULL) && json_str(m, "flag") &&
	      strcmp(json_str(m, "flag"), "safeguarding") == 0);
	cJSON_Delete(m);
	m = wsclient_recv_json(casey, 1000); /* within a second of the person's "saved" */
	heard = clock_ms();
	CHECK(is_news(m, "safeguarding", plan));
	CHECK(json_str(m, "label") && strcmp(json_str(m, "label"), "Alex Smith") == 0);
	CHECK(!json_contains_text(m, "Kind")); /* nothing the person wrote */
	printf("news reached the caseworker %.2f ms after the person's saved\n", heard - acked);
	cJSON_Delete(m);
	m = wsclient_recv_json(morgan, 1000);
	CHECK(is_news(m, "safeguarding", plan));
	cJSON_Delete(m);
	CHECK(nothing_before_me(ada));

	/* the person sends the plan: news again, with its new status */
	CHECK(ask_is(k, "page", "sent", "{\"type\":\"send\",\"seq\":4}"));
	m = wsclient_recv_json(casey, 1000);
	CHECK(is_news(m, "submitted", plan));
	CHECK(json_str(m, "status") && strcmp(json_str(m, "status"), "submitted") == 0);
	cJSON_Delete(m);
	CHECK(nothing_before_me(ada));
out:
	wsclient_free(k);
	wsclient_free(ada);
	wsclient_free(morgan);
	wsclient_free(casey);
}

static void a_page_that_logged_out_should_hear_nothing_more(void)
{
	char cookie[128], code[64] = "";
	wsclient *casey = hearing("casey", CASEY_PW), *gone = NULL, *k = NULL;
	long long plan;
	cJSON *m;

	CHECK(login("casey", CASEY_PW, cookie, sizeof(cookie)) == 0);
	gone = staff_ws(cookie, NULL);
	wsclient_skip_news(gone, 0);
	CHECK(casey && gone);
	if (!casey || !gone)
		goto out;
	m = ask(gone, "{\"type\":\"me\",\"seq\":1}");
	CHECK(is_msg(m, "me", NULL));
	cJSON_Delete(m);
	CHECK(http_post_form(srv.port, "/staff/auth/logout", origin, cookie, "bye=1", NULL, 0) ==
	      303);
	m = ask(casey, "{\"type\":\"invite\",\"seq\":1,\"person\":\"Robin Lee\",\"needs\":["
		       "{\"text\":\"You need help to cook.\",\"eligible\":true}]}");
	plan = (long long)json_num(m, "plan", 0);
	snprintf(code, sizeof(code), "%s", json_str(m, "code") ? json_str(m, "code") : "");
	cJSON_Delete(m);
	k = kiosk_open(code, "profile-intro");
	CHECK(k &&
	      ask_is(k, "saved", NULL,
		     "{\"type\":\"answer\",\"seq\":2,\"page\":\"advocacy\",\"value\":\"yes\"}"));
	m = wsclient_recv_json(casey, 1000);
	CHECK(is_news(m, "advocacy", plan));
	cJSON_Delete(m);
	/* the logged-out page's next message is told to log in; no news came before it */
	m = ask(gone, "{\"type\":\"me\",\"seq\":2}");
	CHECK(is_msg(m, "error", "login-needed"));
	cJSON_Delete(m);
out:
	wsclient_free(k);
	wsclient_free(gone);
	wsclient_free(casey);
}

/* Many staff pages open at once (one login, as a team's shared screens would have): each gets
 * the news; how long the last took is printed (docs/performance.md). */
static void news_should_reach_every_one_of_a_hundred_open_pages(void)
{
	enum { PAGES = 100 };
	wsclient *pages[PAGES] = {0}, *casey = hearing("casey", CASEY_PW), *k = NULL;
	char cookie[128], code[64] = "";
	long long plan = 0;
	double asked, acked, last = 0;
	int heard = 0;
	cJSON *m;

	CHECK(casey && login("morgan", MORGAN_PW, cookie, sizeof(cookie)) == 0);
	for (int i = 0; i < PAGES; i++) {
		CHECK((pages[i] = staff_ws(cookie, NULL)) != NULL);
		wsclient_skip_news(pages[i], 0);
	}
	m = casey ? ask(casey, "{\"type\":\"invite\",\"seq\":1,\"person\":\"Kim Park\",\"needs\":["
			       "{\"text\":\"You need help to shop.\",\"eligible\":true}]}")
		  : NULL;
	plan = (long long)json_num(m, "plan", 0);
	snprintf(code, sizeof(code), "%s", json_str(m, "code") ? json_str(m, "code") : "");
	cJSON_Delete(m);
	k = kiosk_open(code, "profile-intro");
	CHECK(k != NULL);
	if (!k)
		goto out;
	asked = clock_ms();
	CHECK(ask_is(k, "saved", NULL,
		     "{\"type\":\"answer\",\"seq\":2,\"page\":\"unsafe\",\"value\":\"yes\"}"));
	acked = clock_ms();
	for (int i = 0; i < PAGES; i++) {
		m = pages[i] ? wsclient_recv_json(pages[i], 1000) : NULL;
		if (is_news(m, "safeguarding", plan)) {
			heard++;
			last = clock_ms();
		}
		cJSON_Delete(m);
	}
	CHECK(heard == PAGES);
	printf("the person's answer was saved in %.2f ms; news reached all %d open staff pages "
	       "%.2f ms after it was sent\n",
	       acked - asked, heard, last - asked);
out:
	wsclient_free(k);
	for (int i = 0; i < PAGES; i++)
		wsclient_free(pages[i]);
	wsclient_free(casey);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	testsrv_watchdog(120);
	if (sodium_init() < 0)
		return 1;
	if (staffsrv_start("livesrv", NULL)) {
		CHECK(0);
		return check_report();
	}
	RUN(a_yes_to_the_unsafe_question_should_reach_open_caseloads_at_once_and_no_admin);
	RUN(a_page_that_logged_out_should_hear_nothing_more);
	RUN(news_should_reach_every_one_of_a_hundred_open_pages);
	CHECK(testsrv_alive(&srv));
	CHECK(testsrv_stop(&srv) == 0);
	staffsrv_remove_dir();
	return check_report();
}
