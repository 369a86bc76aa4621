/* test_durability: "Nothing acknowledged is ever lost." Answers are sent as fast as the socket
 * takes them, the server is killed with SIGKILL the moment the last `saved` arrives (no clean
 * shutdown, no last commit), started again on the same data folder, and every acknowledged
 * answer must read back exactly. */
#include "check.h"
#include "wsclient.h"

#include "buf.h"

#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define WAIT_MS	 10000
#define HOST	 "127.0.0.1"
#define CONNS	 20
#define PER_CONN 10

static testsrv srv;

typedef struct answer {
	const char *page;
	long long item; /* 0 for the page's own answer */
	const char *field;
	char value[256];
} answer;

/* ---- helpers ---- */

static cJSON *ask(wsclient *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static cJSON *ask(wsclient *c, const char *fmt, ...)
{
	char text[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	return wsclient_ask(c, text, WAIT_MS);
}

static int is_msg(const cJSON *m, const char *type, const char *page)
{
	const char *t = json_str(m, "type");
	const char *p = json_str(m, strcmp(type, "page") == 0 ? "page.id" : "page");
	char *text;

	if (t && strcmp(t, type) == 0 && (!page || (p && strcmp(p, page) == 0)))
		return 1;
	text = m ? cJSON_PrintUnformatted(m) : NULL;
	fprintf(stderr, "  expected %s %s, got: %.400s\n", type, page ? page : "",
		text ? text : "(nothing: timeout or closed)");
	free(text);
	return 0;
}

/* A connection that has read hello and the welcome page. */
static wsclient *connect_fresh(void)
{
	wsclient *c = wsclient_connect(HOST, srv.port, NULL);

	if (!c)
		return NULL;
	cJSON_Delete(wsclient_recv_json(c, WAIT_MS)); /* hello */
	cJSON_Delete(wsclient_recv_json(c, WAIT_MS)); /* welcome */
	return c;
}

/* A connection with the plan of this code open. */
static wsclient *connect_code(const char *code)
{
	wsclient *c = connect_fresh();
	cJSON *m;
	int ok;

	if (!c)
		return NULL;
	m = ask(c, "{\"type\":\"code\",\"seq\":1,\"code\":\"%s\"}", code);
	ok = is_msg(m, "page", NULL) && json_bool(m, "page.plan_open") == 1;
	cJSON_Delete(m);
	if (!ok) {
		wsclient_free(c);
		return NULL;
	}
	return c;
}

static long long add_item(wsclient *c, const char *page)
{
	cJSON *m = ask(c, "{\"type\":\"item_add\",\"seq\":2,\"page\":\"%s\"}", page);
	long long id = (long long)json_num(m, "page.editing.id", 0);

	cJSON_Delete(m);
	return id;
}

/* The answer as a message (escaped by cJSON). malloc'd. */
static char *answer_msg(const answer *a, long long seq)
{
	cJSON *o = cJSON_CreateObject();
	char *text;

	cJSON_AddStringToObject(o, "type", "answer");
	cJSON_AddNumberToObject(o, "seq", (double)seq);
	cJSON_AddStringToObject(o, "page", a->page);
	if (a->item) {
		cJSON_AddNumberToObject(o, "item", (double)a->item);
		cJSON_AddStringToObject(o, "field", a->field);
	}
	cJSON_AddStringToObject(o, "value", a->value);
	text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return text;
}

static int send_answer(wsclient *c, const answer *a, long long seq)
{
	char *text = answer_msg(a, seq);
	int rc = text ? wsclient_send_text(c, text) : -1;

	free(text);
	return rc;
}

/* Reads the next reply: 1 when it is `saved` for seq. */
static int acked(wsclient *c, long long seq)
{
	cJSON *m = wsclient_recv_json(c, WAIT_MS);
	int ok = is_msg(m, "saved", NULL) && json_num(m, "seq", -1) == (double)seq;

	cJSON_Delete(m);
	return ok;
}

/* What the server now holds for the answer: the page's value, or the list entry's raw field
 * value from the editor. malloc'd, or NULL. */
static char *stored(wsclient *c, const answer *a)
{
	char path[64], *v = NULL;
	cJSON *m;

	if (a->item)
		m = ask(c, "{\"type\":\"item_edit\",\"page\":\"%s\",\"item\":%lld}", a->page,
			a->item);
	else
		m = ask(c, "{\"type\":\"go\",\"to\":\"%s\"}", a->page);
	snprintf(path, sizeof(path), a->item ? "page.editing.values.%s" : "page.value",
		 a->item ? a->field : "");
	if (is_msg(m, "page", a->page) && json_str(m, path))
		v = strdup(json_str(m, path));
	cJSON_Delete(m);
	return v;
}

static int still_there(wsclient *c, const answer *a)
{
	char *v = stored(c, a);
	int ok = v && strcmp(v, a->value) == 0;

	if (!ok)
		fprintf(stderr, "  lost: %s item %lld %s: expected \"%s\", found \"%s\"\n", a->page,
			a->item, a->field ? a->field : "", a->value, v ? v : "(nothing)");
	free(v);
	return ok;
}

/* SIGKILL, then the server again on the same folder. 0, or -1. */
static int crash_and_restart(void)
{
	char dir[sizeof(srv.dir)];
	int own = srv.own_dir;

	snprintf(dir, sizeof(dir), "%s", srv.dir);
	testsrv_kill(&srv);
	if (testsrv_start(&srv, PLANALOUD_BINARY, dir, 0, NULL))
		return -1;
	srv.own_dir = own;
	return 0;
}

static const char *const long_pages[] = {
    "like-admire",
    "important-people",
    "important-places",
    "important-routines",
    "important-things",
    "support-good-days",
    "support-bad-days",
    "communicate",
    "important",
    "supported-family",
    "supported-community",
    "supported-paid",
    "supported-equipment",
    "needs-missing",
    "control",
    "carer-does",
    "carer-outcomes",
    "carer-life",
    "risks",
    "risks-managed",
    "emergency",
    "changes",
};
#define NLONG  (sizeof(long_pages) / sizeof(*long_pages))
#define NPLAIN 15 /* the first pages, up to "control", show whatever else was answered */

static const char *const voices[] = {
    "Cymraeg: ŵŷ and 😀",
    "Polski: zażółć gęślą jaźń",
    "اردو میں لکھا ہوا",
    "বাংলায় লেখা",
    "quotes \" and \\ backslash\nand a new line",
    "ਪੰਜਾਬੀ ਵਿੱਚ",
};
#define NVOICES (sizeof(voices) / sizeof(*voices))

/* ---- the tests ---- */

static void fifty_acknowledged_answers_should_survive_a_sigkill(void)
{
	answer a[64];
	char code[64];
	long long budget[5], outcome[3], action[2];
	size_t n = 0, last_like = 0, last_important = 0;
	wsclient *c;
	int all_acked = 1;

	snprintf(code, sizeof(code), "%s", srv.code);
	c = connect_code(code);
	CHECK(c != NULL);
	if (!c)
		return;
	for (int i = 0; i < 5; i++)
		CHECK((budget[i] = add_item(c, "budget")) > 0);
	for (int i = 0; i < 3; i++)
		CHECK((outcome[i] = add_item(c, "outcomes")) > 0);
	for (int i = 0; i < 2; i++)
		CHECK((action[i] = add_item(c, "actions")) > 0);

	/* the answers: every long-text page, choices, yes-no, and list entry fields */
	a[n++] = (answer){"carer", 0, NULL, "yes"}; /* shows the carer pages */
	a[n++] = (answer){"managing", 0, NULL, "mix"};
	a[n++] = (answer){"direct-payment-again", 0, NULL, "yes"};
	a[n++] = (answer){"unsafe", 0, NULL, "no"};
	a[n++] = (answer){"advocacy", 0, NULL, "no"};
	a[n++] = (answer){"emergency-contact", 0, NULL, "Jo Smith, 07700 900123"};
	a[n++] = (answer){"who", 0, NULL, "me"}; /* a page before the code, once a plan is open */
	for (size_t i = 0; i < NLONG; i++) {
		a[n] = (answer){long_pages[i], 0, NULL, ""};
		snprintf(a[n].value, sizeof(a[n].value), "Answer %zu for %s. %s", i, long_pages[i],
			 voices[i % NVOICES]);
		n++;
	}
	for (int i = 0; i < 5; i++) {
		a[n] = (answer){"budget", budget[i], "what", ""};
		snprintf(a[n].value, sizeof(a[n].value), "Support %d: %s", i, voices[i % NVOICES]);
		n++;
		a[n] = (answer){"budget", budget[i], "cost", ""};
		snprintf(a[n].value, sizeof(a[n].value), "%d.%02d", 10 + i, 5 * i);
		n++;
	}
	for (int i = 0; i < 3; i++) {
		a[n] = (answer){"outcomes", outcome[i], "outcome", ""};
		snprintf(a[n].value, sizeof(a[n].value), "Outcome %d 😀 %s", i,
			 voices[(i + 1) % NVOICES]);
		n++;
	}
	for (int i = 0; i < 2; i++) {
		a[n] = (answer){"actions", action[i], "what", ""};
		snprintf(a[n].value, sizeof(a[n].value), "Find a cooking class %d", i);
		n++;
		a[n] = (answer){"actions", action[i], "who", "My sister Siân"};
		n++;
		a[n] = (answer){"actions", action[i], "when", ""};
		snprintf(a[n].value, sizeof(a[n].value), "2027-0%d-2%d", i + 1, i + 1);
		n++;
	}
	/* two pages answered again: the later answer is the one kept */
	a[n] = (answer){"like-admire", 0, NULL, "Changed: Cymraeg: ŵŷ and 😀"};
	last_like = n++;
	a[n] = (answer){"important", 0, NULL, "Changed too: ŵŷ 😀"};
	last_important = n++;
	CHECK(n == 50);

	/* as fast as possible: everything written, then every ack collected */
	for (size_t i = 0; i < n; i++)
		CHECK(send_answer(c, &a[i], (long long)(100 + i)) == 0);
	for (size_t i = 0; i < n; i++)
		all_acked &= acked(c, (long long)(100 + i));
	CHECK(all_acked);
	wsclient_free(c);
	CHECK(crash_and_restart() == 0);

	c = connect_code(code);
	CHECK(c != NULL);
	if (!c)
		return;
	for (size_t i = 0; i < n; i++) {
		int overwritten = 0;

		for (size_t j = i + 1; j < n; j++)
			overwritten |= a[j].item == a[i].item &&
				       strcmp(a[j].page, a[i].page) == 0 &&
				       (a[i].item == 0 || strcmp(a[j].field, a[i].field) == 0);
		if (!overwritten)
			CHECK(still_there(c, &a[i]));
	}
	CHECK(still_there(c, &a[last_like]));
	CHECK(still_there(c, &a[last_important]));
	/* the totals add up from what was kept */
	{
		cJSON *m = ask(c, "{\"type\":\"item_done\",\"page\":\"budget\"}");

		CHECK(json_count(m, "page.items") == 5);
		CHECK(json_num(m, "page.total.total_pence", -1) ==
		      1000 + 1105 + 1210 + 1315 + 1420);
		cJSON_Delete(m);
	}
	wsclient_free(c);
}

static void answers_from_twenty_connections_at_once_should_survive_a_sigkill(void)
{
	wsclient *c[CONNS] = {NULL};
	char codes[CONNS][64];
	answer a[CONNS][PER_CONN];
	int all_acked = 1, opened = 1;

	for (int k = 0; k < CONNS; k++) {
		cJSON *m;

		c[k] = connect_fresh();
		CHECK(c[k] != NULL);
		if (!c[k]) {
			opened = 0;
			continue;
		}
		m = ask(c[k], "{\"type\":\"new_plan\",\"seq\":1}");
		CHECK(is_msg(m, "page", "code") && json_str(m, "page.code"));
		snprintf(codes[k], sizeof(codes[k]), "%s",
			 json_str(m, "page.code") ? json_str(m, "page.code") : "");
		cJSON_Delete(m);
		for (int i = 0; i < PER_CONN; i++) {
			a[k][i] = (answer){long_pages[(i + k) % NPLAIN], 0, NULL, ""};
			snprintf(a[k][i].value, sizeof(a[k][i].value), "Person %d, answer %d: %s",
				 k, i, voices[(size_t)(i + k) % NVOICES]);
		}
	}
	if (!opened)
		goto out;
	/* all twenty write at once, interleaved */
	for (int i = 0; i < PER_CONN; i++)
		for (int k = 0; k < CONNS; k++)
			CHECK(send_answer(c[k], &a[k][i], 10 + i) == 0);
	for (int k = 0; k < CONNS; k++)
		for (int i = 0; i < PER_CONN; i++)
			all_acked &= acked(c[k], 10 + i);
	CHECK(all_acked);
	for (int k = 0; k < CONNS; k++) {
		wsclient_free(c[k]);
		c[k] = NULL;
	}
	CHECK(crash_and_restart() == 0);

	for (int k = 0; k < CONNS; k++) {
		wsclient *r = connect_code(codes[k]);

		CHECK(r != NULL);
		if (!r)
			continue;
		for (int i = 0; i < PER_CONN; i++)
			CHECK(still_there(r, &a[k][i]));
		wsclient_free(r);
	}
out:
	for (int k = 0; k < CONNS; k++)
		wsclient_free(c[k]);
}

/* Killed while more answers are still arriving: whatever was acknowledged is there (a later,
 * unacknowledged answer may be there too, but never an earlier one). */
static void a_sigkill_mid_stream_should_keep_at_least_the_last_acknowledged_answer(void)
{
	enum { SENT = 300, KILL_AT = 120 };
	char code[64] = "";
	answer one = {"important-routines", 0, NULL, ""};
	wsclient *c;
	cJSON *m;
	int got = -1;

	c = connect_fresh();
	CHECK(c != NULL);
	if (!c)
		return;
	m = ask(c, "{\"type\":\"new_plan\",\"seq\":1}");
	if (json_str(m, "page.code"))
		snprintf(code, sizeof(code), "%s", json_str(m, "page.code"));
	cJSON_Delete(m);
	CHECK(code[0] != '\0');
	for (int i = 1; i <= SENT; i++) {
		snprintf(one.value, sizeof(one.value), "routine %04d ŵ", i);
		CHECK(send_answer(c, &one, i) == 0);
	}
	for (int i = 1; i <= KILL_AT; i++)
		CHECK(acked(c, i));
	CHECK(crash_and_restart() == 0);
	wsclient_free(c);

	c = connect_code(code);
	CHECK(c != NULL);
	if (!c)
		return;
	{
		char *v = stored(c, &one);

		CHECK(v && sscanf(v, "routine %d", &got) == 1);
		CHECK(got >= KILL_AT && got <= SENT);
		free(v);
	}
	wsclient_free(c);
}

/* The disk refuses a commit (here: a deferred foreign key, planted in the server's own
 * database, that the word "boom" breaks at COMMIT). Nothing in that batch may be acknowledged;
 * the person is told it was not saved, and can carry on. */
static void an_answer_whose_commit_fails_should_never_be_acknowledged(void)
{
	char path[300], code[64] = "", *v;
	answer boom = {"like-admire", 0, NULL, "boom"}, fine = {"like-admire", 0, NULL, "fine"};
	sqlite3 *db = NULL;
	wsclient *c;
	cJSON *m;
	int saw_saved = 0, saw_not_saved = 0;

	c = connect_fresh();
	CHECK(c != NULL);
	if (!c)
		return;
	m = ask(c, "{\"type\":\"new_plan\",\"seq\":1}");
	if (json_str(m, "page.code"))
		snprintf(code, sizeof(code), "%s", json_str(m, "page.code"));
	cJSON_Delete(m);
	snprintf(path, sizeof(path), "%s/planaloud.db", srv.dir);
	CHECK(sqlite3_open(path, &db) == SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	CHECK(
	    sqlite3_exec(db,
			 "CREATE TABLE test_boom (plan_id INTEGER REFERENCES plans(id) "
			 "DEFERRABLE INITIALLY DEFERRED);"
			 "CREATE TRIGGER test_boom AFTER INSERT ON answers WHEN NEW.value = 'boom' "
			 "BEGIN INSERT INTO test_boom VALUES (-1); END;",
			 NULL, NULL, NULL) == SQLITE_OK);

	CHECK(send_answer(c, &boom, 7) == 0);
	for (int i = 0; i < 2; i++) {
		const char *t, *code_of;

		m = wsclient_recv_json(c, WAIT_MS);
		t = json_str(m, "type");
		code_of = json_str(m, "code");
		saw_saved |= t && strcmp(t, "saved") == 0;
		saw_not_saved |=
		    t && code_of && strcmp(t, "error") == 0 && strcmp(code_of, "not-saved") == 0;
		cJSON_Delete(m);
	}
	CHECK(!saw_saved);
	CHECK(saw_not_saved);
	CHECK(sqlite3_exec(db, "DROP TRIGGER test_boom; DROP TABLE test_boom;", NULL, NULL, NULL) ==
	      SQLITE_OK);
	sqlite3_close(db);

	/* the person carries on */
	CHECK(send_answer(c, &fine, 8) == 0);
	CHECK(acked(c, 8));
	wsclient_free(c);
	CHECK(crash_and_restart() == 0);
	c = connect_code(code);
	CHECK(c != NULL);
	if (!c)
		return;
	v = stored(c, &fine);
	CHECK(v && strcmp(v, "fine") == 0);
	free(v);
	wsclient_free(c);
}

int main(void)
{
	long long t0 = now_ms();

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	testsrv_watchdog(110);
	if (testsrv_start(&srv, PLANALOUD_BINARY, NULL, 1, NULL)) {
		fprintf(stderr, "test_durability: the server did not start\n");
		CHECK(0);
		return check_report();
	}
	RUN(fifty_acknowledged_answers_should_survive_a_sigkill);
	RUN(answers_from_twenty_connections_at_once_should_survive_a_sigkill);
	RUN(a_sigkill_mid_stream_should_keep_at_least_the_last_acknowledged_answer);
	RUN(an_answer_whose_commit_fails_should_never_be_acknowledged);
	CHECK(testsrv_alive(&srv));
	testsrv_stop(&srv);
	testsrv_cleanup(&srv);
	printf("took %lld ms\n", now_ms() - t0);
	return check_report();
}
