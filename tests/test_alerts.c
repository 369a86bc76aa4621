/* test_alerts: the alerts outbox (store_alerts.c) and its delivery (alerts.c): rows kept until
 * sent, due again after growing waits, tried again now on request (audited), counted for
 * monitoring; options checked with plain reasons; only the kinds set up alert; and a real turn
 * against a local mail relay and webhook, logged without anything of the person. */
#include "check.h"
#include "sink.h"
#include "store_fixture.h"

#include "alerts.h"
#include "content.h"
#include "log.h"
#include "store_alerts.h"

#include <time.h>

#define EASYREAD PLANALOUD_SOURCE_DIR "/easyread"
#define PICTURES PLANALOUD_SOURCE_DIR "/web/pictures"
#define T0	 1796000000000LL /* a fixed "now" */

typedef struct seen {
	int n;
	store_alert last;
	long long ids[16];
	char last_error[256], kind[16], channel[16];
} seen;

static void note(void *ctx, const store_alert *a)
{
	seen *s = ctx;

	if (s->n < 16)
		s->ids[s->n] = a->id;
	s->n++;
	s->last = *a;
	snprintf(s->last_error, sizeof(s->last_error), "%s", a->last_error);
	snprintf(s->kind, sizeof(s->kind), "%s", a->kind);
	snprintf(s->channel, sizeof(s->channel), "%s", a->channel);
}

static int due_at(store *st, long long now)
{
	seen s = {0};

	return store_alerts_due(st, now, 10, note, &s) < 0 ? -1 : s.n;
}

/* ---- the outbox ---- */

static void the_outbox_should_keep_an_alert_until_it_is_sent(void)
{
	store *st = open_memory();
	long long plan = st ? new_plan(st, 1) : 0, pending = -1, failed = -1;
	seen s = {0};

	CHECK(plan > 0);
	if (!plan)
		goto out;
	CHECK(store_alert_queue(st, plan, "safeguarding", "email", T0) == 0);
	CHECK(store_alert_queue(st, plan, "safeguarding", "webhook", T0 + 5) == 0);
	CHECK(due_at(st, T0 - 1) == 0);
	CHECK(store_alerts_due(st, T0 + 5, 10, note, &s) == 2);
	CHECK(s.n == 2 && s.ids[0] < s.ids[1]); /* the longest waiting first */
	CHECK(store_alert_counts(st, &pending, &failed) == 0 && pending == 2 && failed == 0);

	/* a failure: one more try, the reason, and not due until its next try */
	CHECK(store_alert_failed(st, s.ids[0], "Could not connect", T0 + 30000) == 0);
	CHECK(due_at(st, T0 + 29999) == 1);
	CHECK(due_at(st, T0 + 30000) == 2);
	CHECK(store_alert_counts(st, &pending, &failed) == 0 && pending == 2 && failed == 1);

	/* sent: never due again, and cannot fail or be sent again */
	CHECK(store_alert_sent(st, s.ids[1], T0 + 10) == 0);
	CHECK(store_alert_sent(st, s.ids[1], T0 + 11) == 1);
	CHECK(store_alert_failed(st, s.ids[1], "late", T0 + 99) == 1);
	CHECK(store_alert_counts(st, &pending, &failed) == 0 && pending == 1 && failed == 1);
	memset(&s, 0, sizeof(s));
	CHECK(store_alerts_each(st, 10, note, &s) == 2);
	CHECK(s.n == 2 && s.ids[0] > s.ids[1]); /* newest first */
	CHECK(s.last.tries == 1 && s.last.sent_ms == -1 && s.last.next_ms == T0 + 30000);
	CHECK_STR(s.last_error, "Could not connect");
	CHECK_STR(s.kind, "safeguarding");
	CHECK_STR(s.channel, "email");
	CHECK(s.last.plan == plan && s.last.created_ms == T0);
out:
	store_close(st);
}

static void try_again_now_should_make_an_alert_due_and_be_audited(void)
{
	store *st = fixture_staff_store(NULL, NULL, NULL, 0, &(long long){0});
	long long id = 0, sent = 0;
	seen s = {0};

	CHECK(st != NULL);
	if (!st)
		return;
	CHECK(store_alert_queue(st, 1, "advocacy", "webhook", T0) == 0);
	CHECK(store_alert_queue(st, 1, "review", "webhook", T0) == 0);
	store_alerts_due(st, T0, 10, note, &s);
	id = s.ids[0];
	sent = s.ids[1];
	CHECK(store_alert_failed(st, id, "No answer", T0 + 60000) == 0);
	CHECK(store_alert_sent(st, sent, T0) == 0);
	CHECK(due_at(st, T0 + 1000) == 0);
	CHECK(store_alert_retry(st, id, T0 + 1000, &casey_actor) == 0);
	CHECK(due_at(st, T0 + 1000) == 1);
	CHECK(store_alert_retry(st, sent, T0 + 1000, &casey_actor) == 1); /* sent already */
	CHECK(store_alert_retry(st, 999, T0 + 1000, &casey_actor) == 1);
	{
		audit_seen a = {0};

		CHECK(store_audit_each_recent(st, 0, 5, note_action, &a) >= 0);
		CHECK(strstr(a.actions, "alert_retry") != NULL);
	}
	/* a restart makes every waiting alert due at once */
	CHECK(store_alert_failed(st, id, "No answer", T0 + 90000) == 0);
	CHECK(due_at(st, T0 + 2000) == 0);
	CHECK(store_alerts_all_due(st, T0 + 2000) == 0);
	CHECK(due_at(st, T0 + 2000) == 1);
	store_close(st);
}

static void a_long_reason_should_be_cut_whole_characters_only(void)
{
	store *st = open_memory();
	char reason[400];
	seen s = {0};

	if (!st)
		return;
	memset(reason, 'a', sizeof(reason));
	memcpy(reason + STORE_ALERT_ERROR_MAX - 1, "\xc3\xa9", 2); /* é across the cut */
	reason[sizeof(reason) - 1] = '\0';
	CHECK(store_alert_queue(st, 1, "safeguarding", "email", T0) == 0);
	store_alerts_due(st, T0, 10, note, &s);
	CHECK(store_alert_failed(st, s.ids[0], reason, T0) == 0);
	store_alerts_each(st, 1, note, &s);
	CHECK(strlen(s.last_error) == STORE_ALERT_ERROR_MAX - 1);
	store_close(st);
}

/* ---- waits and options ---- */

static void the_wait_should_double_from_thirty_seconds_to_at_most_thirty_minutes(void)
{
	CHECK(alerts_backoff_ms(1) == 30000);
	CHECK(alerts_backoff_ms(2) == 60000);
	CHECK(alerts_backoff_ms(3) == 120000);
	CHECK(alerts_backoff_ms(6) == 960000);
	CHECK(alerts_backoff_ms(7) == 1800000);
	CHECK(alerts_backoff_ms(1000) == 1800000);
}

static void bad(const alerts_config *cfg, const char *option)
{
	char err[512] = "";

	CHECK(alerts_config_check(cfg, err, sizeof(err)) == -1);
	CHECK(strstr(err, option) != NULL);
	if (!strstr(err, option))
		fprintf(stderr, "  said: %s\n", err);
}

static void options_should_be_checked_with_plain_reasons(void)
{
	char err[512];
	const alerts_config good = {.smtp = "smtps://relay.council.test:465",
				    .from = "planaloud@council.test",
				    .to = "duty@council.test,manager@council.test",
				    .webhook = "https://hooks.council.test/a",
				    .kinds = "safeguarding,advocacy,review",
				    .public_url = "https://plans.council.test"};
	alerts_config c;

	CHECK(alerts_config_check(&good, err, sizeof(err)) == 0);
	CHECK(alerts_config_check(&(alerts_config){0}, err, sizeof(err)) == 0); /* none: fine */
	CHECK(alerts_configured(&good) && !alerts_configured(&(alerts_config){0}));
	c = good, c.smtp = "http://relay.council.test";
	bad(&c, "--alert-smtp");
	c = good, c.smtp = "smtp://";
	bad(&c, "--alert-smtp");
	c = good, c.from = "planaloud";
	bad(&c, "--alert-from");
	c = good, c.to = "duty@council.test,";
	bad(&c, "--alert-to");
	c = good, c.to = "duty@council.test\r\nBcc: x@y.z";
	bad(&c, "--alert-to");
	c = good, c.smtp = NULL;
	bad(&c, "--alert-smtp"); /* from and to without a relay */
	c = good, c.webhook = "http://hooks.council.test/a";
	bad(&c, "--alert-webhook"); /* plain http only to this machine */
	c = good, c.webhook = "http://127.0.0.1:9/a";
	CHECK(alerts_config_check(&c, err, sizeof(err)) == 0);
	c = good, c.webhook = NULL, c.token_file = "/nonexistent";
	bad(&c, "--alert-webhook-token-file");
	c = good, c.token_file = "/nonexistent/token";
	bad(&c, "--alert-webhook-token-file");
	c = good, c.kinds = "safeguarding,,review";
	bad(&c, "--alert-kinds");
	c = good, c.kinds = "";
	bad(&c, "--alert-kinds");
	c = (alerts_config){.kinds = "review"};
	bad(&c, "--alert-kinds");
	c = good, c.public_url = "plans.council.test";
	bad(&c, "--public-url");
}

/* ---- telling ---- */

typedef struct lines {
	char text[8192];
} lines;

static void keep_line(void *ctx, log_level level, const char *line)
{
	lines *l = ctx;
	size_t n = strlen(l->text);

	(void)level;
	snprintf(l->text + n, sizeof(l->text) - n, "%s\n", line);
}

/* Turns until the sinks hold want messages, or gives up after about 10 seconds. */
static void turn_until(alerts *a, sink *mail, sink *hook, int want)
{
	struct timespec tick = {0, 20000000};

	for (int i = 0; i < 500 && (sink_count(mail) < want || sink_count(hook) < want); i++) {
		alerts_turn(a, T0);
		nanosleep(&tick, NULL);
	}
	for (int i = 0; i < 50; i++) { /* and records what was sent */
		alerts_turn(a, T0);
		nanosleep(&tick, NULL);
	}
}

static void only_the_kinds_set_up_should_alert_and_reach_both_ways(void)
{
	char err[512], smtp[64], hook_url[64];
	sink *mail = sink_open(SINK_SMTP, 0), *hook = sink_open(SINK_HTTP, 0);
	content *c = content_load(EASYREAD, "en-GB", PICTURES, err, sizeof(err));
	store *st = open_memory();
	long long plan = st ? new_plan(st, 7) : 0, pending = -1, failed = -1;
	alerts_config cfg;
	alerts *a = NULL;
	lines log = {{0}};
	char *email = NULL;

	CHECK(mail && hook && c && plan);
	if (!mail || !hook || !c || !plan)
		goto out;
	snprintf(smtp, sizeof(smtp), "smtp://127.0.0.1:%d", sink_port(mail));
	snprintf(hook_url, sizeof(hook_url), "http://127.0.0.1:%d/hook", sink_port(hook));
	cfg = (alerts_config){.smtp = smtp,
			      .from = "planaloud@council.test",
			      .to = "duty@council.test",
			      .webhook = hook_url,
			      .kinds = "safeguarding,review",
			      .host = "plans.council.test"};
	a = alerts_open(&cfg, c, st, T0, err, sizeof(err));
	CHECK(a != NULL);
	if (!a)
		goto out;
	CHECK(alerts_tells(a, "safeguarding") && alerts_tells(a, "review"));
	CHECK(!alerts_tells(a, "advocacy") && !alerts_tells(a, "gossip") &&
	      !alerts_tells(NULL, "review"));
	CHECK(alerts_queue(a, plan, "advocacy", T0) == 0);
	CHECK(store_alert_counts(st, &pending, &failed) == 0 && pending == 0);
	CHECK(alerts_queue(a, plan, "review", T0) == 0);
	CHECK(store_alert_counts(st, &pending, &failed) == 0 && pending == 2); /* email, webhook */

	log_set_sink(keep_line, &log);
	turn_until(a, mail, hook, 1);
	log_set_sink(NULL, NULL);
	CHECK(sink_count(mail) == 1 && sink_count(hook) == 1);
	CHECK(store_alert_counts(st, &pending, &failed) == 0 && pending == 0);
	email = sink_message(mail, 0);
	/* the link from --host, with the flag's name from the content */
	CHECK(email && strstr(email, "https://plans.council.test/staff/#plan/"));
	CHECK(email && strstr(email, content_message(c, "staff.flag.review")));
	CHECK(strstr(log.text, "event=alert-sent") && strstr(log.text, "kind=review"));
out:
	free(email);
	alerts_close(a);
	store_close(st);
	content_free(c);
	sink_close(mail);
	sink_close(hook);
}

static void a_failed_try_should_be_logged_with_its_reason_and_wait(void)
{
	char err[512], hook_url[64];
	sink *gone = sink_open(SINK_HTTP, 0);
	int port = gone ? sink_port(gone) : 0;
	content *c = content_load(EASYREAD, "en-GB", PICTURES, err, sizeof(err));
	store *st = open_memory();
	long long plan = st ? new_plan(st, 8) : 0;
	alerts *a = NULL;
	lines log = {{0}};
	seen s = {0};

	sink_close(gone); /* the webhook is down */
	CHECK(port && c && plan);
	if (!port || !c || !plan)
		goto out;
	snprintf(hook_url, sizeof(hook_url), "http://127.0.0.1:%d/hook", port);
	a = alerts_open(&(alerts_config){.webhook = hook_url, .port = 8080}, c, st, T0, err,
			sizeof(err));
	CHECK(a != NULL);
	if (!a)
		goto out;
	CHECK(alerts_queue(a, plan, "safeguarding", T0) == 0);
	log_set_sink(keep_line, &log);
	for (int i = 0; i < 500 && !strstr(log.text, "alert-failed"); i++) {
		alerts_turn(a, T0);
		nanosleep(&(struct timespec){0, 20000000}, NULL);
	}
	log_set_sink(NULL, NULL);
	CHECK(strstr(log.text, "level=warn event=alert-failed") != NULL);
	CHECK(strstr(log.text, "reason=\"Could not connect to the webhook") != NULL);
	store_alerts_each(st, 1, note, &s);
	CHECK(s.last.tries == 1 && s.last.next_ms == T0 + 30000);
	CHECK(due_at(st, T0 + 29999) == 0);
out:
	alerts_close(a);
	store_close(st);
	content_free(c);
}

int main(void)
{
	RUN(the_outbox_should_keep_an_alert_until_it_is_sent);
	RUN(try_again_now_should_make_an_alert_due_and_be_audited);
	RUN(a_long_reason_should_be_cut_whole_characters_only);
	RUN(the_wait_should_double_from_thirty_seconds_to_at_most_thirty_minutes);
	RUN(options_should_be_checked_with_plain_reasons);
	RUN(only_the_kinds_set_up_should_alert_and_reach_both_ways);
	RUN(a_failed_try_should_be_logged_with_its_reason_and_wait);
	return check_report();
}
