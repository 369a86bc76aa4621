/* test_data_server: people's data over its whole life against the real server binary. A plan is
 * written through the real protocols (the invitation and a comment on the staff websocket, the
 * person's answers and sending on a kiosk websocket), exported, and erased by an administrator;
 * the database file and its write-ahead log are then searched, byte by byte, for the person's
 * words. The retention schedule is shown by starting the server again on a database whose
 * anonymous draft was last touched long ago. */
#include "check.h"
#include "staffsrv.h"
#include "code.h"
#include "plan.h"
#include "store.h"
#include "testsrv.h"
#include "users.h"
#include "wsclient.h"

#include <sodium.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* 1 when the file dir/name holds the bytes of text anywhere (a missing file holds nothing). */
static int file_holds(const char *name, const char *text)
{
	char path[160];
	FILE *f;
	size_t n = strlen(text), len = 0, got;
	char *data = NULL, *grown;
	int found = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f)
		return 0;
	for (;;) {
		grown = realloc(data, len + 65536);
		if (!grown)
			break;
		data = grown;
		got = fread(data + len, 1, 65536, f);
		len += got;
		if (got < 65536)
			break;
	}
	fclose(f);
	for (size_t i = 0; data && i + n <= len && !found; i++)
		found = memcmp(data + i, text, n) == 0;
	free(data);
	return found;
}

static int database_holds(const char *text)
{
	return file_holds("planaloud.db", text) || file_holds("planaloud.db-wal", text);
}

/* Runs sql on the database (the server stopped). 0, or -1. */
static int db_exec(const char *sql)
{
	sqlite3 *db = db_open();
	int ok = db && sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK;

	if (!ok && db)
		fprintf(stderr, "  %s: %s\n", sql, sqlite3_errmsg(db));
	sqlite3_close(db);
	return ok ? 0 : -1;
}

/* A plan invited by casey for `person`, written and sent at a kiosk with the answer `words`,
 * then commented on by casey with `comment`. Its id (0: failed); its code into code. */
static long long written_plan(wsclient *casey, const char *person, const char *words,
			      const char *comment, char *code, size_t n)
{
	long long plan;
	wsclient *k;
	cJSON *m;
	int ok;

	m = ask(casey,
		"{\"type\":\"invite\",\"seq\":1,\"person\":\"%s\",\"needs\":["
		"{\"text\":\"You need help with %s.\",\"eligible\":true}]}",
		person, words);
	plan = is_msg(m, "invited", NULL) ? (long long)json_num(m, "plan", 0) : 0;
	snprintf(code, n, "%s", json_str(m, "code") ? json_str(m, "code") : "");
	cJSON_Delete(m);
	k = plan ? kiosk_open(code, "profile-intro") : NULL;
	ok = k &&
	     ask_is(k, "saved", NULL,
		    "{\"type\":\"answer\",\"page\":\"important\",\"value\":\"%s\"}", words) &&
	     ask_is(k, "page", "sent", "{\"type\":\"send\"}");
	wsclient_free(k);
	ok = ok && ask_is(casey, "plan", "submitted",
			  "{\"type\":\"comment\",\"plan\":%lld,\"section\":\"important\","
			  "\"text\":\"%s\"}",
			  plan, comment);
	return ok ? plan : 0;
}

static void an_export_over_the_wire_should_hold_the_persons_words_and_be_audited(void)
{
	wsclient *casey = staff_as("casey", CASEY_PW), *morgan = staff_as("morgan", MORGAN_PW);
	char code[CODE_MAX];
	long long plan;
	cJSON *m;

	CHECK(casey && morgan);
	if (!casey || !morgan)
		goto out;
	plan = written_plan(casey, "Uma Export", "Saffron kites", "Kestrel question", code,
			    sizeof(code));
	CHECK(plan > 0);
	m = ask(casey, "{\"type\":\"export\",\"seq\":4,\"plan\":%lld}", plan);
	CHECK(is_msg(m, "error", "not-allowed-role"));
	cJSON_Delete(m);
	m = ask(morgan, "{\"type\":\"export\",\"seq\":5,\"plan\":%lld}", plan);
	CHECK(is_msg(m, "export", NULL) && json_num(m, "seq", -1) == 5);
	CHECK(json_contains_text(m, "Saffron kites"));
	CHECK(json_contains_text(m, "Kestrel question"));
	CHECK(json_contains_text(m, "Uma Export"));
	CHECK(json_count(m, "data.versions") == 1);
	CHECK(json_count(m, "data.audit") > 3);
	cJSON_Delete(m);
	CHECK(db_count("SELECT count(*) FROM audit WHERE plan_id = ? AND action = 'data_exported'",
		       plan) == 1);
out:
	wsclient_free(casey);
	wsclient_free(morgan);
}

static void an_erased_plan_should_leave_no_trace_of_the_persons_words_on_disk(void)
{
	wsclient *casey = staff_as("casey", CASEY_PW), *morgan = staff_as("morgan", MORGAN_PW),
		 *ada = staff_as("ada", ADA_PW), *k = NULL;
	char code[CODE_MAX];
	long long plan = 0;
	cJSON *m;

	CHECK(casey && morgan && ada);
	if (!casey || !morgan || !ada)
		goto out;
	plan = written_plan(casey, "Vera Erase", "Lavender harmonica", "Marmoset remark", code,
			    sizeof(code));
	CHECK(plan > 0);
	CHECK(ask_is(casey, "plan", "submitted", "{\"type\":\"plan\",\"plan\":%lld}", plan));
	CHECK(db_count("SELECT count(*) FROM audit WHERE plan_id = ? AND action = 'plan_read'",
		       plan) == 1);
	CHECK(database_holds("Lavender harmonica"));

	/* Only an administrator, and only with the plan's number typed to confirm. */
	m = ask(morgan,
		"{\"type\":\"erase\",\"plan\":%lld,\"reason\":\"person_asked\",\"confirm\":%lld}",
		plan, plan);
	CHECK(is_msg(m, "error", "not-allowed-role"));
	cJSON_Delete(m);
	m = ask(
	    ada,
	    "{\"type\":\"erase\",\"plan\":%lld,\"reason\":\"person_asked\",\"confirm\":\"1%lld\"}",
	    plan, plan);
	CHECK(is_msg(m, "error", "confirm-plan") && json_str(m, "message"));
	cJSON_Delete(m);
	CHECK(db_count("SELECT count(*) FROM plans WHERE id = ?", plan) == 1);

	m = ask(
	    ada,
	    "{\"type\":\"erase\",\"plan\":%lld,\"reason\":\"person_asked\",\"confirm\":\"%lld\"}",
	    plan, plan);
	CHECK(is_msg(m, "erased", NULL) && json_num(m, "plan", 0) == (double)plan);
	cJSON_Delete(m);

	/* While the server runs, and after it stops: not in the database, not in its log. */
	CHECK(!database_holds("Lavender harmonica"));
	CHECK(!database_holds("Vera Erase"));
	CHECK(!database_holds("Marmoset remark"));
	CHECK(db_count("SELECT count(*) FROM erasures WHERE plan_id = ?", plan) == 1);
	CHECK(db_count("SELECT count(*) FROM audit WHERE plan_id = ?", plan) > 5);

	/* The code opens nothing now; the audit trail is still there for the administrator. */
	k = kiosk();
	CHECK(k &&
	      ask_is(k, "kept", NULL, "{\"type\":\"answer\",\"page\":\"who\",\"value\":\"me\"}"));
	m = k ? ask(k, "{\"type\":\"code\",\"code\":\"%s\"}", code) : NULL;
	CHECK(is_msg(m, "error", "wrong-code"));
	cJSON_Delete(m);
	m = ask(ada, "{\"type\":\"audit\",\"plan\":%lld}", plan);
	CHECK(is_msg(m, "audit", NULL) && json_count(m, "rows") > 5);
	CHECK_STR(json_str(m, "rows.0.action"), "plan_erased");
	CHECK(!json_contains_text(m, "Lavender"));
	cJSON_Delete(m);
out:
	wsclient_free(k);
	wsclient_free(casey);
	wsclient_free(morgan);
	wsclient_free(ada);
	CHECK(testsrv_stop(&srv) == 0);
	CHECK(plan > 0 && !database_holds("Lavender harmonica") && !database_holds("Vera Erase"));
}

/* The server is stopped: a plan started without a code whose last touch was long ago. */
/* Starts the server again on the same data folder, and browsers on its new origin. */
static int restart(const char *const *extra)
{
	if (testsrv_start(&srv, PLANALOUD_BINARY, dir, 0, extra))
		return -1;
	snprintf(origin, sizeof(origin), "http://%s:%d", HOST, srv.port);
	return 0;
}

static long long old_anonymous_draft(void)
{
	wsclient *k;
	long long plan;
	int ok;

	if (restart(NULL))
		return 0;
	k = kiosk();
	ok = k &&
	     ask_is(k, "kept", NULL, "{\"type\":\"answer\",\"page\":\"who\",\"value\":\"me\"}") &&
	     ask_is(k, "page", NULL, "{\"type\":\"new_plan\",\"seq\":1}") &&
	     ask_is(k, "saved", NULL,
		    "{\"type\":\"answer\",\"page\":\"important\",\"value\":\"Walrus lanterns\"}");
	wsclient_free(k);
	plan = db_count("SELECT max(id) FROM plans", 0);
	if (testsrv_stop(&srv) != 0 || !ok)
		return 0;
	if (db_exec("UPDATE plans SET created_at = '2020-01-01T00:00:00.000Z', updated_at = "
		    "'2020-01-01T00:00:00.000Z';"
		    "UPDATE answers SET updated_at = '2020-01-01T00:00:00.000Z';"
		    "UPDATE visits SET started_at = '2020-01-01T00:00:00.000Z';"))
		return 0;
	return plan;
}

static void the_retention_schedule_should_erase_an_old_anonymous_draft_at_start(void)
{
	static const char *const keep[] = {"--retain-drafts-days", "0", NULL};
	long long plan = old_anonymous_draft(), invited;
	wsclient *casey;

	CHECK(plan > 0);
	if (!plan)
		return;
	invited = db_count("SELECT count(*) FROM plans WHERE invited_by IS NOT NULL", 0);
	CHECK(invited > 0);

	/* 0 keeps drafts for ever: after a whole staff round trip, it is still there. */
	CHECK(restart(keep) == 0);
	casey = staff_as("casey", CASEY_PW);
	CHECK(casey && ask_is(casey, "caseload", NULL, "{\"type\":\"caseload\"}"));
	wsclient_free(casey);
	CHECK(db_count("SELECT count(*) FROM plans WHERE id = ?", plan) == 1);
	CHECK(testsrv_stop(&srv) == 0);

	/* The default (30 days) erases it at start, as the system, for that reason. */
	CHECK(restart(NULL) == 0);
	/* The job runs at the loop's first turn, before /healthz (which testsrv waits for) is
	 * answered. */
	CHECK(db_count("SELECT count(*) FROM plans WHERE id = ?", plan) == 0);
	CHECK(db_count("SELECT count(*) FROM erasures WHERE plan_id = ? AND reason = "
		       "'draft_expired' AND actor_kind = 'system'",
		       plan) == 1);
	CHECK(db_count("SELECT count(*) FROM plans WHERE invited_by IS NOT NULL", 0) == invited);
	CHECK(!database_holds("Walrus lanterns"));
	CHECK(testsrv_stop(&srv) == 0);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	testsrv_watchdog(240);
	if (sodium_init() < 0)
		return 1;
	if (staffsrv_start("datasrv", NULL)) {
		CHECK(0);
		return check_report();
	}
	RUN(an_export_over_the_wire_should_hold_the_persons_words_and_be_audited);
	RUN(an_erased_plan_should_leave_no_trace_of_the_persons_words_on_disk);
	RUN(the_retention_schedule_should_erase_an_old_anonymous_draft_at_start);
	staffsrv_remove_dir();
	return check_report();
}
