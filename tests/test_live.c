/* test_live: news as it happens (staff_live.c). What a person does at the kiosk that staff must
 * see at once (a safeguarding or advocacy flag, a plan sent, a review asked for) reaches every
 * open staff page whose user may see the caseload, once the change has committed, and nobody
 * else; a page that reads too slowly is told once that it missed news; reading the caseload
 * again by itself after news does not keep a login alive. The kiosk and the staff share one real
 * SQLite store, as in the server. */
#include "check.h"
#include "staff_fixture.h"

#include "store.h"

#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The kiosk tells the staff, as app.c wires them. */
static void tell(void *ctx, long long plan, const char *what)
{
	staff_live_tell(ctx, plan, what);
}

static void forget_sent(void)
{
	fake_reset(&fx.casey.conn);
	fake_reset(&fx.morgan.conn);
	fake_reset(&fx.mandy.conn);
	fake_reset(&fx.ada.conn);
}

/* 1 when any string inside o contains needle. */
static int holds_text(const cJSON *o, const char *needle)
{
	const cJSON *x;

	if (cJSON_IsString(o) && strstr(o->valuestring, needle))
		return 1;
	cJSON_ArrayForEach(x, o)
	{
		if (holds_text(x, needle))
			return 1;
	}
	return 0;
}

/* Hands the kiosk a message without committing. */
static void kiosk_raw(kiosk_side *k, const char *text)
{
	fake_reset(&k->conn);
	kiosk_handle(k->s, text, strlen(text), 0);
}

/* Logs the fixture's four staff in again (after their sessions were left idle). */
static void relogin_all(void)
{
	person *all[] = {&fx.casey, &fx.morgan, &fx.mandy, &fx.ada};
	const char *names[] = {"casey", "morgan", "mandy", "ada"};

	for (size_t i = 0; i < 4; i++) {
		person_close(all[i]);
		memset(all[i], 0, sizeof(*all[i]));
		CHECK(login(all[i], names[i]) == 0);
	}
}

/* The one message p was sent since forget_sent (NULL, saying so, when not exactly one). */
static cJSON *only_sent(person *p, const char *who)
{
	if (p->conn.n != 1) {
		fprintf(stderr, "  %s was sent %d messages\n", who, p->conn.n);
		return NULL;
	}
	return cJSON_Parse(p->conn.sent[0]);
}

/* 1 when m is news of event about plan, holding no more than the caseload row names. */
static int is_news(const cJSON *m, const char *event, long long plan, const char *label)
{
	static const char *const keys[] = {"type", "event", "plan", "label", "status", "at"};
	const cJSON *f;
	size_t n = 0;

	if (!is_type(m, "live") || !str(m, "event") || strcmp(str(m, "event"), event) != 0 ||
	    num(m, "plan") != (double)plan || !str(m, "label") ||
	    strcmp(str(m, "label"), label) != 0 || !str(m, "status") || !str(m, "at"))
		return 0;
	cJSON_ArrayForEach(f, m)
	{
		int known = 0;

		for (size_t k = 0; k < sizeof(keys) / sizeof(*keys); k++)
			known |= strcmp(f->string, keys[k]) == 0;
		if (!known) {
			fprintf(stderr, "  news has a field it should not: %s\n", f->string);
			return 0;
		}
		n++;
	}
	return n == sizeof(keys) / sizeof(*keys);
}

static void a_safeguarding_yes_should_reach_caseworkers_and_managers_but_not_an_admin(void)
{
	char code[CODE_MAX];
	long long plan = invite("Alex Smith", code);
	kiosk_side k;
	cJSON *m;

	CHECK(plan > 0 && kiosk_open(&k, code));
	forget_sent();
	/* handled, not yet committed: nobody hears of it */
	kiosk_raw(&k, "{\"type\":\"answer\",\"seq\":5,\"page\":\"unsafe\",\"value\":\"yes\"}");
	CHECK(fx.casey.conn.n == 0 && fx.morgan.conn.n == 0);
	CHECK(k.conn.n == 0); /* the person's "saved" waits for the commit too */
	kiosk_flush(fx.kiosk, NULL, 0);
	CHECK(k.conn.n == 1 && strstr(k.conn.sent[0], "\"saved\""));
	m = only_sent(&fx.casey, "casey");
	CHECK(is_news(m, "safeguarding", plan, "Alex Smith"));
	CHECK_STR(str(m, "status"), "draft");
	CHECK(!holds_text(m, "yes"));
	cJSON_Delete(m);
	m = only_sent(&fx.morgan, "morgan");
	CHECK(is_news(m, "safeguarding", plan, "Alex Smith"));
	cJSON_Delete(m);
	CHECK(fx.ada.conn.n == 0); /* an administrator reads no plans */

	/* a second yes raises nothing new, so nobody is told again */
	forget_sent();
	CHECK(
	    kiosk_say(&k, "{\"type\":\"answer\",\"seq\":6,\"page\":\"unsafe\",\"value\":\"yes\"}"));
	CHECK(fx.casey.conn.n == 0);
	/* an answer the kiosk refuses changes nothing and tells nobody */
	kiosk_raw(&k, "{\"type\":\"answer\",\"page\":\"advocacy\",\"value\":\"maybe\"}");
	kiosk_flush(fx.kiosk, NULL, 0);
	CHECK(k.conn.n == 1 && strstr(k.conn.sent[0], "\"error\""));
	CHECK(fx.casey.conn.n == 0 && fx.morgan.conn.n == 0);

	/* advocacy, then the plan sent: each told as it commits */
	CHECK(kiosk_say(&k, "{\"type\":\"answer\",\"page\":\"advocacy\",\"value\":\"yes\"}"));
	m = only_sent(&fx.mandy, "mandy");
	CHECK(is_news(m, "advocacy", plan, "Alex Smith"));
	cJSON_Delete(m);
	forget_sent();
	CHECK(kiosk_send(&k, plan));
	m = only_sent(&fx.casey, "casey");
	CHECK(is_news(m, "submitted", plan, "Alex Smith"));
	CHECK_STR(str(m, "status"), "submitted");
	cJSON_Delete(m);
	kiosk_close(&k);
}

static void a_review_request_should_be_told_once_and_a_plan_without_a_name_by_its_label(void)
{
	kiosk_side k;
	long long plan;
	cJSON *m;
	char label[160];

	memset(&k, 0, sizeof(k));
	k.s = kiosk_session_open(fx.kiosk, &k.conn, "127.0.0.9");
	CHECK(kiosk_say(&k, "{\"type\":\"new_plan\",\"seq\":1}"));
	plan = db_count("SELECT max(id) FROM plans", 0);
	forget_sent();
	CHECK(kiosk_say(&k, "{\"type\":\"answer\",\"page\":\"review\",\"value\":\"My needs "
			    "have changed.\"}"));
	CHECK(kiosk_say(&k, "{\"type\":\"review_request\",\"seq\":2}"));
	m = only_sent(&fx.casey, "casey");
	/* the person's reason is theirs to tell on the plan, not in the news */
	snprintf(label, sizeof(label), "%s", m && str(m, "label") ? str(m, "label") : "");
	CHECK(is_news(m, "review", plan, label));
	CHECK(strlen(label) > 0 && !strstr(label, "changed"));
	CHECK(!holds_text(m, "My needs have changed."));
	cJSON_Delete(m);
	kiosk_close(&k);
}

/* Runs sql on the fixture's database through a second connection. */
static int db_exec(const char *sql)
{
	sqlite3 *db = NULL;
	int ok = sqlite3_open(fx.path, &db) == SQLITE_OK &&
		 sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK;

	sqlite3_close(db);
	return ok;
}

static void news_of_a_commit_that_failed_should_never_be_told(void)
{
	char code[CODE_MAX];
	long long plan = invite("Jo Commit", code);
	kiosk_side k;
	cJSON *m;

	CHECK(plan > 0 && kiosk_open(&k, code));
	/* a deferred foreign key that a new flag breaks: the COMMIT itself fails */
	CHECK(db_exec("CREATE TABLE boom (plan_id INTEGER REFERENCES plans(id) DEFERRABLE "
		      "INITIALLY DEFERRED);"
		      "CREATE TRIGGER boom AFTER INSERT ON flags BEGIN INSERT INTO boom VALUES "
		      "(987654321); END;"));
	forget_sent();
	kiosk_raw(&k, "{\"type\":\"answer\",\"seq\":7,\"page\":\"unsafe\",\"value\":\"yes\"}");
	CHECK(kiosk_flush(fx.kiosk, NULL, 0) == -1);
	CHECK(fx.casey.conn.n == 0 && fx.morgan.conn.n == 0);
	CHECK(db_count("SELECT count(*) FROM flags WHERE plan_id = ?", plan) == 0);
	/* the disk works again: the person's yes (asked again) is kept, and told */
	CHECK(db_exec("DROP TRIGGER boom; DROP TABLE boom;"));
	CHECK(
	    kiosk_say(&k, "{\"type\":\"answer\",\"seq\":8,\"page\":\"unsafe\",\"value\":\"yes\"}"));
	m = only_sent(&fx.casey, "casey");
	CHECK(is_news(m, "safeguarding", plan, "Jo Commit"));
	cJSON_Delete(m);
	kiosk_close(&k);
}

/* Morgan's connection takes news until `room` runs out, as ws.c's bounded queue does for a
 * page that reads slowly; the others take all. */
static int room;

static int slow_send(void *conn, const char *data, size_t len)
{
	if (conn == &fx.morgan.conn && room-- <= 0)
		return 1;
	return fake_send(conn, data, len, 0);
}

static int count_type(const person *p, const char *type)
{
	char want[48];
	int n = 0;

	snprintf(want, sizeof(want), "\"type\":\"%s\"", type);
	for (int i = 0; i < p->conn.n; i++)
		n += strstr(p->conn.sent[i], want) != NULL;
	return n;
}

/* Raises a safeguarding flag on a new plan for each of n people. */
static void raise_flags(int n)
{
	for (int i = 0; i < n; i++) {
		char code[CODE_MAX], name[32];
		kiosk_side k;

		snprintf(name, sizeof(name), "Person %d", i + 1);
		CHECK(invite(name, code) > 0 && kiosk_open(&k, code));
		CHECK(kiosk_say(&k, "{\"type\":\"answer\",\"page\":\"unsafe\",\"value\":\"yes\"}"));
		kiosk_close(&k);
	}
}

static void a_slow_page_should_be_told_once_that_it_missed_news_until_it_reads_the_caseload(void)
{
	staff_set_live_send(fx.sf, slow_send);
	room = 2;
	forget_sent();
	raise_flags(4);
	CHECK(count_type(&fx.morgan, "live") == 2);
	CHECK(count_type(&fx.morgan, "live_missed") == 1);
	CHECK(fx.morgan.conn.n == 3);
	CHECK(count_type(&fx.mandy, "live") == 4); /* nobody else is held up */
	/* reading the caseload again: the page is up to date, and news comes again */
	room = 100;
	CHECK(done(&fx.morgan, "caseload", "{\"type\":\"caseload\",\"seq\":3,\"refresh\":true}"));
	forget_sent();
	raise_flags(1);
	CHECK(count_type(&fx.morgan, "live") == 1 && count_type(&fx.morgan, "live_missed") == 0);
	staff_set_live_send(fx.sf, NULL);
}

static void news_should_reach_only_live_logins(void)
{
	char code[CODE_MAX];
	person gone;
	kiosk_side k;

	/* logged out elsewhere: the page still open hears nothing more */
	memset(&gone, 0, sizeof(gone));
	CHECK(login(&gone, "casey") == 0);
	CHECK(users_logout(fx.u, gone.token) == 0);
	fake_reset(&gone.conn);
	forget_sent();
	raise_flags(1);
	CHECK(count_type(&gone, "live") == 0);
	CHECK(count_type(&fx.morgan, "live") == 1);
	person_close(&gone);

	/* idle too long: nothing either */
	CHECK(invite("Idle Test", code) > 0 && kiosk_open(&k, code));
	fx.unow += 31 * 60;
	forget_sent();
	CHECK(kiosk_say(&k, "{\"type\":\"answer\",\"page\":\"unsafe\",\"value\":\"yes\"}"));
	CHECK(fx.casey.conn.n == 0 && fx.morgan.conn.n == 0);
	kiosk_close(&k);
	relogin_all();
}

static void a_caseload_read_again_by_the_page_should_not_keep_a_login_alive(void)
{
	person p;
	cJSON *m;

	memset(&p, 0, sizeof(p));
	CHECK(login(&p, "mandy") == 0);
	CHECK(done(&p, "caseload", "{\"type\":\"caseload\",\"seq\":1,\"refresh\":false}"));
	/* 29 minutes on, the page reads the caseload by itself (after news) */
	fx.unow += 29 * 60;
	CHECK(done(&p, "caseload", "{\"type\":\"caseload\",\"seq\":2,\"refresh\":true}"));
	/* 2 more minutes: 31 since the user last did anything */
	fx.unow += 2 * 60;
	m = ask(&p, "{\"type\":\"me\",\"seq\":3}");
	CHECK(is_error(m, "login-needed"));
	cJSON_Delete(m);
	person_close(&p);

	/* the user's own reading keeps it alive, as before */
	memset(&p, 0, sizeof(p));
	CHECK(login(&p, "mandy") == 0);
	fx.unow += 29 * 60;
	CHECK(done(&p, "caseload", "{\"type\":\"caseload\",\"seq\":1}"));
	fx.unow += 2 * 60;
	CHECK(done(&p, "me", "{\"type\":\"me\",\"seq\":2}"));
	/* refresh must be true or false */
	CHECK(refused(&p, "bad-field", "{\"type\":\"caseload\",\"seq\":3,\"refresh\":\"yes\"}"));
	person_close(&p);
	relogin_all();
}

int main(void)
{
	if (fixture_begin("live")) {
		CHECK(0);
		return check_report();
	}
	kiosk_set_news(fx.kiosk, tell, fx.sf);
	RUN(a_safeguarding_yes_should_reach_caseworkers_and_managers_but_not_an_admin);
	RUN(a_review_request_should_be_told_once_and_a_plan_without_a_name_by_its_label);
	RUN(news_of_a_commit_that_failed_should_never_be_told);
	RUN(a_slow_page_should_be_told_once_that_it_missed_news_until_it_reads_the_caseload);
	RUN(news_should_reach_only_live_logins);
	RUN(a_caseload_read_again_by_the_page_should_not_keep_a_login_alive);
	fixture_end();
	return check_report();
}
