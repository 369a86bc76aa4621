/* test_staff: staff.c without a network. Messages go in as strings; what the workspace sends
 * comes out through a message_io that records it. The store is a real SQLite file in a
 * temporary folder (some tests look into it with a second connection), the users are real
 * (Argon2id, sessions), and where a person's side is needed the kiosk's own protocol.c runs on
 * the same store, as in the server. Dates come from a test clock. */
#include "check.h"
#include "fake_conn.h"
#include "staff_fixture.h"
#include "code.h"
#include "content.h"
#include "content_text.h"
#include "kiosk.h"
#include "staff.h"
#include "staff_int.h"
#include "store.h"
#include "users.h"
#include "workflow.h"

#include <cjson/cJSON.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Runs sql on the store's file through a second connection (to break what the store reads). */
static int db_exec(const char *sql)
{
	sqlite3 *db;
	int ok = sqlite3_open(fx.path, &db) == SQLITE_OK &&
		 sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK;

	sqlite3_close(db);
	return ok ? 0 : -1;
}

static const char *status_of(long long plan)
{
	static store_plan pl;

	if (store_plan_get(fx.st, plan, &pl))
		return "?";
	return plan_status_name(pl.status);
}

/* What must not change when a request is refused: "status|versions|audit rows|comments". */
static void state_of(long long plan, char *out, size_t n)
{
	snprintf(out, n, "%s|%lld|%lld|%lld|%lld", status_of(plan),
		 db_count("SELECT count(*) FROM versions WHERE plan_id = ?", plan),
		 db_count("SELECT count(*) FROM audit WHERE plan_id = ?", plan),
		 db_count("SELECT count(*) FROM comments WHERE plan_id = ?", plan),
		 db_count("SELECT count(*) FROM support WHERE plan_id = ?", plan));
}

/* The person says yes at the kiosk. */
static int person_agrees(long long plan)
{
	store_actor them = {STORE_ACTOR_PERSON, plan, NULL};

	return workflow_person_agree(&(workflow){fx.st, &them, workflow_now_ms()}, plan, 0, NULL,
				     NULL, 0) == 0;
}

/* A plan that has reached `status` the ordinary way; its id. */
static long long plan_in(const char *status)
{
	char code[CODE_MAX];
	long long plan = invite("Pat Doe", code);
	kiosk_side k;
	int ok;

	if (!plan || !kiosk_open(&k, code))
		return 0;
	ok = kiosk_say(&k, "{\"type\":\"answer\",\"page\":\"important\",\"value\":\"My garden\"}");
	if (ok && strcmp(status, "draft") != 0)
		ok = kiosk_send(&k, plan);
	if (ok && (strcmp(status, "agreed") == 0 || strcmp(status, "signed_off") == 0 ||
		   strcmp(status, "review_due") == 0)) {
		ok = done(&fx.casey, "plan", "{\"type\":\"ready\",\"plan\":%lld}", plan) &&
		     person_agrees(plan) &&
		     done(&fx.casey, "plan", "{\"type\":\"agree\",\"plan\":%lld}", plan);
	}
	if (ok && (strcmp(status, "signed_off") == 0 || strcmp(status, "review_due") == 0))
		ok = done(&fx.morgan, "plan", "{\"type\":\"sign_off\",\"plan\":%lld}", plan);
	if (ok && strcmp(status, "review_due") == 0) /* the person asked for a review */
		ok = store_flag_raise(fx.st, plan, 0, "review", "", &(int){0}) == 0 &&
		     done(&fx.casey, "caseload", "{\"type\":\"caseload\"}");
	if (ok && strcmp(status, "not_agreed") == 0)
		ok = done(&fx.casey, "plan",
			  "{\"type\":\"not_agreed\",\"plan\":%lld,\"reasons\":\"Hours\","
			  "\"safety\":\"Daily calls\",\"complaints_given\":true}",
			  plan);
	if (ok && strcmp(status, "changes_requested") == 0)
		ok = done(&fx.casey, "plan", "{\"type\":\"send_back\",\"plan\":%lld}", plan);
	kiosk_close(&k);
	return ok && strcmp(status_of(plan), status) == 0 ? plan : 0;
}

/* ---- logins ---- */

static void a_staff_connection_without_a_login_should_get_login_needed_and_close(void)
{
	fake_conn conn = {0};
	unsigned char forged[USERS_TOKEN_BYTES];
	staff_session *ss = staff_session_open(fx.sf, &conn, "127.0.0.1", NULL);
	cJSON *m;

	CHECK(ss != NULL);
	CHECK(conn.n == 1 && conn.close_after[0] == 1);
	m = conn.n ? cJSON_Parse(conn.sent[0]) : NULL;
	CHECK(is_error(m, "login-needed"));
	cJSON_Delete(m);
	/* nothing more is handled on it */
	staff_handle(ss, "{\"type\":\"caseload\"}", 19, 0);
	CHECK(conn.n == 1);
	staff_session_close(ss);
	fake_reset(&conn);

	/* a token that is no session's */
	randombytes_buf(forged, sizeof(forged));
	ss = staff_session_open(fx.sf, &conn, "127.0.0.1", forged);
	CHECK(conn.n == 1 && conn.close_after[0] == 1 && strstr(conn.sent[0], "login-needed"));
	staff_session_close(ss);
	fake_reset(&conn);
}

static void after_logout_the_next_message_should_get_login_needed(void)
{
	person p = {0};
	cJSON *m;

	CHECK(login(&p, "casey") == 0);
	CHECK(done(&p, "me", "{\"type\":\"me\"}"));
	CHECK(users_logout(fx.u, p.token) == 0);
	m = ask(&p, "{\"type\":\"caseload\",\"seq\":4}");
	CHECK(is_error(m, "login-needed"));
	CHECK(p.conn.n == 1 && p.conn.close_after[0] == 1);
	cJSON_Delete(m);
	person_close(&p);
}

static void an_idle_login_should_end_after_30_minutes(void)
{
	person p = {0};
	cJSON *m;

	CHECK(login(&p, "casey") == 0);
	fx.unow += 29 * 60;
	CHECK(done(&p, "me", "{\"type\":\"me\"}"));
	fx.unow += 31 * 60;
	m = ask(&p, "{\"type\":\"me\"}");
	CHECK(is_error(m, "login-needed"));
	cJSON_Delete(m);
	person_close(&p);
	/* the fixture's own logins were idle too: log them in again */
	person_close(&fx.casey);
	person_close(&fx.morgan);
	person_close(&fx.mandy);
	person_close(&fx.ada);
	CHECK(login(&fx.casey, "casey") == 0 && login(&fx.morgan, "morgan") == 0 &&
	      login(&fx.mandy, "mandy") == 0 && login(&fx.ada, "ada") == 0);
}

/* ---- roles ---- */

static void roles_should_decide_who_may_do_what_before_anything_runs(void)
{
	long long plan = plan_in("agreed");
	char before[128], after[128];
	cJSON *m;

	CHECK(plan > 0);
	state_of(plan, before, sizeof(before));
	/* a caseworker cannot sign off */
	CHECK(refused(&fx.casey, "not-allowed-role",
		      "{\"type\":\"sign_off\",\"seq\":2,\"plan\":%lld}", plan));
	/* an admin reads no plan, caseload or versions, and changes nothing */
	CHECK(refused(&fx.ada, "not-allowed-role", "{\"type\":\"plan\",\"plan\":%lld}", plan));
	CHECK(refused(&fx.ada, "not-allowed-role", "{\"type\":\"caseload\"}"));
	CHECK(refused(&fx.ada, "not-allowed-role", "{\"type\":\"versions\",\"plan\":%lld}", plan));
	CHECK(refused(&fx.ada, "not-allowed-role",
		      "{\"type\":\"diff\",\"plan\":%lld,\"from\":1,"
		      "\"to\":2}",
		      plan));
	CHECK(refused(&fx.ada, "not-allowed-role",
		      "{\"type\":\"invite\",\"person\":\"X\",\"needs\":[{\"text\":\"x\","
		      "\"eligible\":true}]}"));
	CHECK(refused(&fx.ada, "not-allowed-role", "{\"type\":\"send_back\",\"plan\":%lld}", plan));
	/* a caseworker does not read the audit log (auth.c); an admin does */
	CHECK(refused(&fx.casey, "not-allowed-role", "{\"type\":\"audit\",\"plan\":%lld}", plan));
	CHECK(done(&fx.ada, "audit", "{\"type\":\"audit\",\"plan\":%lld}", plan));
	state_of(plan, after, sizeof(after));
	CHECK_STR(after, before);
	/* a manager signs off */
	m = ask(&fx.morgan, "{\"type\":\"sign_off\",\"seq\":3,\"plan\":%lld}", plan);
	CHECK(is_type(m, "plan"));
	CHECK_STR(str(m, "status"), "signed_off");
	CHECK(num(m, "seq") == 3);
	cJSON_Delete(m);
}

static void a_manager_who_agreed_a_plan_should_not_sign_it_off(void)
{
	long long plan = plan_in("submitted");
	cJSON *m;

	CHECK(plan > 0);
	CHECK(done(&fx.morgan, "plan", "{\"type\":\"ready\",\"plan\":%lld}", plan));
	CHECK(person_agrees(plan));
	CHECK(done(&fx.morgan, "plan", "{\"type\":\"agree\",\"plan\":%lld}", plan));
	CHECK_STR(status_of(plan), "agreed");
	CHECK(refused(&fx.morgan, "sign-off-own", "{\"type\":\"sign_off\",\"plan\":%lld}", plan));
	CHECK_STR(status_of(plan), "agreed");
	m = ask(&fx.mandy, "{\"type\":\"sign_off\",\"plan\":%lld}", plan);
	CHECK_STR(str(m, "status"), "signed_off");
	CHECK_STR(str(m, "signed_off.by"), "mandy");
	cJSON_Delete(m);
}

/* ---- invitations and codes ---- */

static int has_plan(const cJSON *caseload, long long plan, const char *status)
{
	const cJSON *p;

	cJSON_ArrayForEach(p, at(caseload, "plans"))
	{
		if (num(p, "plan") == (double)plan)
			return strcmp(str(p, "status"), status) == 0;
	}
	return 0;
}

static void an_invitation_should_give_a_code_that_opens_the_plan_and_show_on_the_caseload(void)
{
	char code[CODE_MAX] = "", canonical[CODE_MAX];
	unsigned char hash[CODE_HASH_BYTES];
	long long plan = invite("Alex Smith", code), found = 0;
	kiosk_side k;
	cJSON *m;

	CHECK(plan > 0);
	CHECK(strlen(code) > 10);
	/* the code, as the person would type it, finds the plan */
	CHECK(code_normalise(ct, code, strlen(code), canonical) == 0);
	code_hash(zero_key, canonical, hash);
	CHECK(store_plan_find(fx.st, hash, &found) == 0 && found == plan);
	/* and opens it on a kiosk, where the needs and budget are the invitation's */
	CHECK(kiosk_open(&k, code));
	CHECK(kiosk_say(&k, "{\"type\":\"go\",\"to\":\"needs\"}"));
	CHECK(k.conn.n && strstr(k.conn.sent[k.conn.n - 1], "You need help to wash."));
	kiosk_close(&k);
	/* the code is never audited in clear, nor the needs' words */
	m = ask(&fx.morgan, "{\"type\":\"audit\",\"plan\":%lld}", plan);
	{
		char *text = cJSON_PrintUnformatted(m);

		CHECK(text && !strstr(text, code) && !strstr(text, "help to wash"));
		free(text);
	}
	cJSON_Delete(m);
	m = ask(&fx.casey, "{\"type\":\"caseload\",\"seq\":5}");
	CHECK(is_type(m, "caseload"));
	CHECK(has_plan(m, plan, "draft"));
	CHECK_STR(str(m, "today"), START_DAY);
	cJSON_Delete(m);
	m = ask(&fx.casey, "{\"type\":\"plan\",\"plan\":%lld}", plan);
	CHECK_STR(str(m, "person"), "Alex Smith");
	CHECK(num(m, "budget_pence") == 24550);
	CHECK(count(m, "needs") == 2);
	CHECK(cJSON_IsFalse(at(m, "needs.1.eligible")));
	CHECK(count(m, "managing") == 2);
	CHECK_STR(str(m, "managing.1"), "council");
	CHECK_STR(str(m, "invited_by"), "casey");
	cJSON_Delete(m);
	CHECK(db_count("SELECT count(*) FROM audit WHERE plan_id = ? AND action = 'plan_invited'",
		       plan) == 1);
}

static const cJSON *caseload_plan(const cJSON *caseload, long long plan)
{
	const cJSON *p;

	cJSON_ArrayForEach(p, at(caseload, "plans")) if (num(p, "plan") == (double)plan) return p;
	return NULL;
}

static void a_plan_started_without_a_code_should_be_named_by_the_day_it_was_started(void)
{
	fake_conn fc = {.n = 0};
	kiosk_session *s = kiosk_session_open(fx.kiosk, &fc, "127.0.0.9");
	char code[CODE_MAX];
	long long named = invite("Robin Lee", code), plan = 0;
	const char *start = "{\"type\":\"new_plan\",\"seq\":1}";
	char *day, *expect;
	cJSON *m;

	kiosk_handle(s, start, strlen(start), 0);
	kiosk_flush(fx.kiosk, NULL, 0);
	kiosk_session_close(s);
	kiosk_flush(fx.kiosk, NULL, 0);
	plan = db_count("SELECT max(id) FROM plans WHERE person_name = ''", 0);
	CHECK(plan > named);

	m = ask(&fx.casey, "{\"type\":\"plan\",\"plan\":%lld}", plan);
	CHECK_STR(str(m, "person"), "");
	day = content_date_words(ct, str(m, "created"));
	CHECK(day != NULL);
	expect =
	    content_fill(ct, "staff.no-name", (const char *const[]){"date", day ? day : "", NULL});
	CHECK(expect && !strchr(expect, '{') && strstr(expect, day ? day : "?"));
	CHECK_STR(str(m, "label"), expect);
	cJSON_Delete(m);
	m = ask(&fx.casey, "{\"type\":\"caseload\"}");
	CHECK_STR(str(caseload_plan(m, plan), "label"), expect);
	CHECK_STR(str(caseload_plan(m, named), "label"), "Robin Lee");
	cJSON_Delete(m);
	free(expect);
	free(day);
	fake_reset(&fc);
}

static void an_invitation_with_bad_parts_should_be_refused_and_make_nothing(void)
{
	long long plans = db_count("SELECT count(*) FROM plans", 0);
	char name[160];

	memset(name, 'a', 101);
	name[101] = '\0';
	CHECK(refused(&fx.casey, "too-long",
		      "{\"type\":\"invite\",\"person\":\"%s\",\"needs\":[{\"text\":\"x\","
		      "\"eligible\":true}]}",
		      name));
	CHECK(refused(&fx.casey, "bad-field",
		      "{\"type\":\"invite\",\"person\":\"  \",\"needs\":[{\"text\":\"x\","
		      "\"eligible\":true}]}"));
	CHECK(refused(&fx.casey, "bad-message", "{\"type\":\"invite\",\"needs\":[]}"));
	CHECK(
	    refused(&fx.casey, "bad-field", "{\"type\":\"invite\",\"person\":\"X\",\"needs\":[]}"));
	CHECK(refused(&fx.casey, "bad-field",
		      "{\"type\":\"invite\",\"person\":\"X\",\"needs\":[{\"text\":\"x\","
		      "\"eligible\":\"yes\"}]}"));
	CHECK(refused(&fx.casey, "bad-money",
		      "{\"type\":\"invite\",\"person\":\"X\",\"needs\":[{\"text\":\"x\","
		      "\"eligible\":true}],\"budget\":\"lots\"}"));
	CHECK(refused(&fx.casey, "bad-money",
		      "{\"type\":\"invite\",\"person\":\"X\",\"needs\":[{\"text\":\"x\","
		      "\"eligible\":true}],\"budget\":245}"));
	CHECK(refused(&fx.casey, "bad-field",
		      "{\"type\":\"invite\",\"person\":\"X\",\"needs\":[{\"text\":\"x\","
		      "\"eligible\":true}],\"managing\":[\"direct\",\"cash\"]}"));
	CHECK(refused(&fx.casey, "bad-field",
		      "{\"type\":\"invite\",\"person\":\"X\",\"needs\":[{\"text\":\"x\","
		      "\"eligible\":true}],\"managing\":[\"direct\",\"direct\"]}"));
	{
		char big[4096] = "";
		size_t len = 0;

		for (int i = 0; i < 21; i++)
			len += (size_t)snprintf(big + len, sizeof(big) - len,
						"%s{\"text\":\"n%d\",\"eligible\":true}",
						i ? "," : "", i);
		CHECK(refused(&fx.casey, "list-full",
			      "{\"type\":\"invite\",\"person\":\"X\",\"needs\":[%s]}", big));
	}
	memset(name, 'n', 150);
	name[150] = '\0';
	{
		char need[400];

		memset(need, 'n', 301);
		need[301] = '\0';
		CHECK(refused(&fx.casey, "too-long",
			      "{\"type\":\"invite\",\"person\":\"X\",\"needs\":[{\"text\":\"%s\","
			      "\"eligible\":true}]}",
			      need));
	}
	CHECK(db_count("SELECT count(*) FROM plans", 0) == plans);
}

static void a_new_code_should_replace_the_old_one(void)
{
	char code[CODE_MAX], canonical[CODE_MAX];
	unsigned char hash[CODE_HASH_BYTES];
	long long plan = invite("Jo", code), found;
	cJSON *m;

	CHECK(plan > 0);
	m = ask(&fx.casey, "{\"type\":\"new_code\",\"plan\":%lld}", plan);
	CHECK(is_type(m, "invited"));
	CHECK(num(m, "plan") == (double)plan);
	CHECK(str(m, "code") && strcmp(str(m, "code"), code) != 0);
	code_normalise(ct, code, strlen(code), canonical);
	code_hash(zero_key, canonical, hash);
	CHECK(store_plan_find(fx.st, hash, &found) == 1);
	if (str(m, "code")) {
		code_normalise(ct, str(m, "code"), strlen(str(m, "code")), canonical);
		code_hash(zero_key, canonical, hash);
		CHECK(store_plan_find(fx.st, hash, &found) == 0 && found == plan);
	}
	cJSON_Delete(m);
	CHECK(refused(&fx.casey, "no-plan", "{\"type\":\"new_code\",\"plan\":999999}"));
	CHECK(refused(&fx.casey, "bad-message", "{\"type\":\"new_code\",\"plan\":\"7\"}"));
}

/* 1 when what the person typed at a kiosk opens the plan whose need is "You need help to wash.",
 * 0 when it does not (wrong-code). */
static int opens(const char *typed)
{
	kiosk_side k;
	int ok = 0;

	memset(&k, 0, sizeof(k));
	k.s = kiosk_session_open(fx.kiosk, &k.conn, "127.0.0.10");
	if (k.s && kiosk_say(&k, "{\"type\":\"code\",\"code\":\"%s\"}", typed) &&
	    kiosk_say(&k, "{\"type\":\"go\",\"to\":\"needs\"}") &&
	    strstr(k.conn.sent[k.conn.n - 1], "You need help to wash."))
		ok = 1;
	kiosk_close(&k);
	return ok;
}

static void an_invitation_and_a_new_code_should_give_the_numbers_too(void)
{
	cJSON *m =
	    ask(&fx.casey, "{\"type\":\"invite\",\"seq\":1,\"person\":\"Sam Numbers\",\"needs\":["
			   "{\"text\":\"You need help to wash.\",\"eligible\":true}]}");
	char code[CODE_MAX] = "", numbers[CODE_NUMBERS_MAX] = "", old[CODE_NUMBERS_MAX] = "";
	long long plan = (long long)num(m, "plan");

	CHECK(is_type(m, "invited"));
	CHECK(str(m, "code") && str(m, "numbers"));
	if (str(m, "code") && str(m, "numbers")) {
		snprintf(code, sizeof(code), "%s", str(m, "code"));
		/* the numbers of that code: four groups of four digits from 2 to 9 */
		CHECK(code_numbers(ct, code, numbers) == 0);
		CHECK_STR(str(m, "numbers"), numbers);
		CHECK(strlen(numbers) == 19 && strspn(numbers, "23456789 ") == 19);
	}
	cJSON_Delete(m);
	/* typed at a kiosk, the numbers open the plan as the words do */
	CHECK(opens(numbers) == 1);
	CHECK(opens(code) == 1);
	/* never audited in clear */
	m = ask(&fx.morgan, "{\"type\":\"audit\",\"plan\":%lld}", plan);
	{
		char *text = cJSON_PrintUnformatted(m);

		CHECK(text && !strstr(text, numbers) && !strstr(text, code));
		free(text);
	}
	cJSON_Delete(m);

	/* A new code has new numbers; the old ones open nothing. */
	snprintf(old, sizeof(old), "%s", numbers);
	m = ask(&fx.casey, "{\"type\":\"new_code\",\"plan\":%lld}", plan);
	CHECK(is_type(m, "invited"));
	CHECK(str(m, "code") && str(m, "numbers"));
	if (str(m, "code") && str(m, "numbers")) {
		CHECK(code_numbers(ct, str(m, "code"), numbers) == 0);
		CHECK_STR(str(m, "numbers"), numbers);
	}
	cJSON_Delete(m);
	CHECK(strcmp(numbers, old) != 0);
	CHECK(opens(numbers) == 1);
	CHECK(opens(old) == 0);
}

/* ---- statuses ---- */

typedef struct attempt {
	const char *status; /* the plan's status */
	const char *msg;    /* a request its status does not allow (%lld: the plan) */
} attempt;

/* The message with "%lld" replaced by the plan's id, into out. */
static void fill_plan(const char *msg, long long plan, char *out, size_t n)
{
	const char *hole = strstr(msg, "%lld");

	if (hole)
		snprintf(out, n, "%.*s%lld%s", (int)(hole - msg), msg, plan, hole + 4);
	else
		snprintf(out, n, "%s", msg);
}

static void every_impossible_move_should_be_refused_and_change_nothing(void)
{
	static const attempt attempts[] = {
	    {"draft", "{\"type\":\"send_back\",\"plan\":%lld}"},
	    {"draft", "{\"type\":\"ready\",\"plan\":%lld}"},
	    {"draft", "{\"type\":\"agree\",\"plan\":%lld}"},
	    {"draft", "{\"type\":\"not_agreed\",\"plan\":%lld,\"reasons\":\"r\",\"safety\":\"s\","
		      "\"complaints_given\":true}"},
	    {"draft", "{\"type\":\"sign_off\",\"plan\":%lld}"},
	    {"draft", "{\"type\":\"review\",\"plan\":%lld,\"outcome\":\"confirm\",\"answers\":"
		      "{\"working\":\"a\",\"not_working\":\"b\"}}"},
	    {"submitted", "{\"type\":\"sign_off\",\"plan\":%lld}"},
	    {"submitted", "{\"type\":\"review\",\"plan\":%lld,\"outcome\":\"reopen\",\"answers\":"
			  "{\"working\":\"a\",\"not_working\":\"b\"}}"},
	    {"changes_requested", "{\"type\":\"send_back\",\"plan\":%lld}"},
	    {"changes_requested", "{\"type\":\"ready\",\"plan\":%lld}"},
	    {"changes_requested", "{\"type\":\"agree\",\"plan\":%lld}"},
	    {"changes_requested", "{\"type\":\"sign_off\",\"plan\":%lld}"},
	    {"changes_requested", "{\"type\":\"not_agreed\",\"plan\":%lld,\"reasons\":\"r\","
				  "\"safety\":\"s\",\"complaints_given\":true}"},
	    {"agreed", "{\"type\":\"ready\",\"plan\":%lld}"},
	    {"agreed", "{\"type\":\"agree\",\"plan\":%lld}"},
	    {"agreed", "{\"type\":\"not_agreed\",\"plan\":%lld,\"reasons\":\"r\",\"safety\":\"s\","
		       "\"complaints_given\":true}"},
	    {"agreed", "{\"type\":\"council\",\"plan\":%lld,\"field\":\"risks\",\"value\":\"x\"}"},
	    {"agreed", "{\"type\":\"review\",\"plan\":%lld,\"outcome\":\"confirm\",\"answers\":"
		       "{\"working\":\"a\",\"not_working\":\"b\"}}"},
	    {"not_agreed", "{\"type\":\"sign_off\",\"plan\":%lld}"},
	    {"not_agreed", "{\"type\":\"agree\",\"plan\":%lld}"},
	    {"not_agreed", "{\"type\":\"not_agreed\",\"plan\":%lld,\"reasons\":\"r\","
			   "\"safety\":\"s\",\"complaints_given\":true}"},
	    {"signed_off", "{\"type\":\"send_back\",\"plan\":%lld}"},
	    {"signed_off", "{\"type\":\"ready\",\"plan\":%lld}"},
	    {"signed_off", "{\"type\":\"agree\",\"plan\":%lld}"},
	    {"signed_off", "{\"type\":\"sign_off\",\"plan\":%lld}"},
	    {"signed_off", "{\"type\":\"not_agreed\",\"plan\":%lld,\"reasons\":\"r\","
			   "\"safety\":\"s\",\"complaints_given\":true}"},
	    {"signed_off", "{\"type\":\"council\",\"plan\":%lld,\"field\":\"emergency_checked\","
			   "\"value\":true}"},
	    {"review_due", "{\"type\":\"sign_off\",\"plan\":%lld}"},
	    {"review_due", "{\"type\":\"agree\",\"plan\":%lld}"},
	    {"review_due", "{\"type\":\"council\",\"plan\":%lld,\"field\":\"risks\","
			   "\"value\":\"x\"}"},
	};
	const char *made_for = "";
	long long plan = 0;

	for (size_t i = 0; i < sizeof(attempts) / sizeof(*attempts); i++) {
		const attempt *a = &attempts[i];
		char before[128], after[128], msg[512];
		person *who = strstr(a->msg, "sign_off") ? &fx.mandy : &fx.casey;
		cJSON *m;

		if (strcmp(made_for, a->status) != 0) {
			plan = plan_in(a->status);
			made_for = a->status;
			CHECK(plan > 0);
			if (!plan)
				fprintf(stderr, "  could not make a plan that is %s\n", a->status);
		}
		state_of(plan, before, sizeof(before));
		fill_plan(a->msg, plan, msg, sizeof(msg));
		m = ask(who, "%s", msg);
		CHECK(is_error(m, "not-allowed"));
		CHECK_STR(str(m, "status"), a->status);
		CHECK(str(m, "message") != NULL);
		cJSON_Delete(m);
		state_of(plan, after, sizeof(after));
		CHECK_STR(after, before);
		if (strcmp(after, before) != 0)
			fprintf(stderr, "  (%s) %s changed it\n", a->status, a->msg);
	}
}

static void not_agreed_should_need_reasons_safety_and_complaints_information(void)
{
	long long plan = plan_in("submitted");
	char before[128], after[128];
	cJSON *m;

	CHECK(plan > 0);
	state_of(plan, before, sizeof(before));
	CHECK(refused(&fx.casey, "bad-field",
		      "{\"type\":\"not_agreed\",\"plan\":%lld,\"reasons\":\"r\",\"safety\":\"s\","
		      "\"complaints_given\":false}",
		      plan));
	CHECK(refused(&fx.casey, "bad-field",
		      "{\"type\":\"not_agreed\",\"plan\":%lld,\"reasons\":\"r\",\"safety\":\"s\"}",
		      plan));
	CHECK(refused(&fx.casey, "bad-field",
		      "{\"type\":\"not_agreed\",\"plan\":%lld,\"reasons\":\"\",\"safety\":\"s\","
		      "\"complaints_given\":true}",
		      plan));
	CHECK(refused(&fx.casey, "bad-message",
		      "{\"type\":\"not_agreed\",\"plan\":%lld,\"reasons\":\"r\","
		      "\"complaints_given\":true}",
		      plan));
	state_of(plan, after, sizeof(after));
	CHECK_STR(after, before);
	m = ask(&fx.casey,
		"{\"type\":\"not_agreed\",\"plan\":%lld,\"reasons\":\"Wants 20 hours\","
		"\"safety\":\"Carer visits daily\",\"complaints_given\":true}",
		plan);
	CHECK_STR(str(m, "status"), "not_agreed");
	CHECK_STR(str(m, "not_agreed.reasons"), "Wants 20 hours");
	CHECK_STR(str(m, "not_agreed.safety"), "Carer visits daily");
	CHECK(cJSON_IsTrue(at(m, "not_agreed.complaints_given")));
	CHECK_STR(str(m, "not_agreed.by"), "casey");
	cJSON_Delete(m);
	/* and it can go back for changes from there */
	CHECK(done(&fx.casey, "plan", "{\"type\":\"send_back\",\"plan\":%lld}", plan));
	CHECK_STR(status_of(plan), "changes_requested");
}

/* ---- the council's parts and comments ---- */

static void council_fields_should_be_checked_and_kept(void)
{
	long long plan = plan_in("submitted"), need;
	char long_text[2100];
	cJSON *m;

	CHECK(plan > 0);
	m = ask(&fx.casey, "{\"type\":\"plan\",\"plan\":%lld}", plan);
	need = (long long)num(m, "needs.0.id");
	cJSON_Delete(m);
	CHECK(need > 0);
	m = ask(&fx.casey,
		"{\"type\":\"council\",\"plan\":%lld,\"field\":\"need/%lld/how\","
		"\"value\":\"A carer visits at 8 each morning\"}",
		plan, need);
	CHECK_STR(str(m, "needs.0.how"), "A carer visits at 8 each morning");
	cJSON_Delete(m);
	m = ask(&fx.casey,
		"{\"type\":\"council\",\"plan\":%lld,\"field\":\"need/%lld/direct_payment\","
		"\"value\":true}",
		plan, need);
	CHECK(cJSON_IsTrue(at(m, "needs.0.direct_payment")));
	cJSON_Delete(m);
	m = ask(&fx.casey,
		"{\"type\":\"council\",\"plan\":%lld,\"field\":\"support/add\","
		"\"value\":{\"what\":\"Personal assistant\",\"cost\":\"200\"}}",
		plan);
	CHECK(count(m, "support.items") == 1);
	CHECK(num(m, "support.total_pence") == 20000);
	CHECK(cJSON_IsFalse(at(m, "support.over_budget")));
	cJSON_Delete(m);
	m = ask(&fx.casey,
		"{\"type\":\"council\",\"plan\":%lld,\"field\":\"support/add\","
		"\"value\":{\"what\":\"Day centre\",\"cost\":\"£50.25\"}}",
		plan);
	CHECK(num(m, "support.total_pence") == 25025);
	CHECK(cJSON_IsTrue(at(m, "support.over_budget"))); /* budget is £245.50 */
	CHECK_STR(str(m, "support.total"), "£250.25");
	{
		long long item = (long long)num(m, "support.items.1.id");

		cJSON_Delete(m);
		m = ask(&fx.casey,
			"{\"type\":\"council\",\"plan\":%lld,\"field\":\"support/%lld\","
			"\"value\":{\"what\":\"Day centre\",\"cost\":\"40\"}}",
			plan, item);
		CHECK(num(m, "support.total_pence") == 24000);
		cJSON_Delete(m);
		m = ask(&fx.casey,
			"{\"type\":\"council\",\"plan\":%lld,\"field\":\"support/%lld/remove\"}",
			plan, item);
		CHECK(count(m, "support.items") == 1);
		cJSON_Delete(m);
		CHECK(refused(
		    &fx.casey, "no-item",
		    "{\"type\":\"council\",\"plan\":%lld,\"field\":\"support/%lld/remove\"}", plan,
		    item));
	}
	m = ask(&fx.casey,
		"{\"type\":\"council\",\"plan\":%lld,\"field\":\"risks\",\"value\":\"Falls: a "
		"pendant alarm\"}",
		plan);
	CHECK_STR(str(m, "risks"), "Falls: a pendant alarm");
	cJSON_Delete(m);
	m = ask(
	    &fx.casey,
	    "{\"type\":\"council\",\"plan\":%lld,\"field\":\"emergency_checked\",\"value\":true}",
	    plan);
	CHECK(cJSON_IsTrue(at(m, "emergency_checked")));
	cJSON_Delete(m);

	/* refused, changing nothing */
	memset(long_text, 'x', 2001);
	long_text[2001] = '\0';
	CHECK(refused(&fx.casey, "too-long",
		      "{\"type\":\"council\",\"plan\":%lld,\"field\":\"risks\",\"value\":\"%s\"}",
		      plan, long_text));
	CHECK(refused(&fx.casey, "bad-field",
		      "{\"type\":\"council\",\"plan\":%lld,\"field\":\"risks\",\"value\":3}",
		      plan));
	CHECK(refused(&fx.casey, "bad-field",
		      "{\"type\":\"council\",\"plan\":%lld,\"field\":\"emergency_checked\","
		      "\"value\":\"yes\"}",
		      plan));
	CHECK(refused(&fx.casey, "bad-money",
		      "{\"type\":\"council\",\"plan\":%lld,\"field\":\"support/add\","
		      "\"value\":{\"what\":\"x\",\"cost\":\"-5\"}}",
		      plan));
	CHECK(refused(&fx.casey, "bad-field",
		      "{\"type\":\"council\",\"plan\":%lld,\"field\":\"need/999999/how\","
		      "\"value\":\"x\"}",
		      plan));
	CHECK(refused(&fx.casey, "bad-field",
		      "{\"type\":\"council\",\"plan\":%lld,\"field\":\"need/%lld/colour\","
		      "\"value\":\"x\"}",
		      plan, need));
	CHECK(refused(&fx.casey, "bad-field",
		      "{\"type\":\"council\",\"plan\":%lld,\"field\":\"budget\",\"value\":\"x\"}",
		      plan));
	CHECK(refused(&fx.casey, "bad-message",
		      "{\"type\":\"council\",\"plan\":%lld,\"value\":\"x\"}", plan));
	m = ask(&fx.casey, "{\"type\":\"plan\",\"plan\":%lld}", plan);
	CHECK_STR(str(m, "risks"), "Falls: a pendant alarm");
	CHECK(count(m, "support.items") == 1);
	cJSON_Delete(m);
	CHECK(
	    db_count("SELECT count(*) FROM audit WHERE plan_id = ? AND action = 'council_changed'",
		     plan) == 8);
}

static void comments_should_name_a_known_section_and_reach_the_person(void)
{
	long long plan = plan_in("submitted");
	char long_text[2100];
	cJSON *m;

	CHECK(plan > 0);
	CHECK(refused(&fx.casey, "bad-field",
		      "{\"type\":\"comment\",\"plan\":%lld,\"section\":\"nowhere\",\"text\":\"x\"}",
		      plan));
	CHECK(refused(&fx.casey, "bad-field",
		      "{\"type\":\"comment\",\"plan\":%lld,\"section\":\"welcome\",\"text\":\"x\"}",
		      plan)); /* a page that asks nothing */
	CHECK(refused(
	    &fx.casey, "bad-field",
	    "{\"type\":\"comment\",\"plan\":%lld,\"section\":\"outcomes\",\"text\":\" \"}", plan));
	memset(long_text, 'x', 2001);
	long_text[2001] = '\0';
	CHECK(
	    refused(&fx.casey, "too-long",
		    "{\"type\":\"comment\",\"plan\":%lld,\"section\":\"outcomes\",\"text\":\"%s\"}",
		    plan, long_text));
	CHECK(db_count("SELECT count(*) FROM comments WHERE plan_id = ?", plan) == 0);
	m = ask(
	    &fx.casey,
	    "{\"type\":\"comment\",\"plan\":%lld,\"section\":\"outcomes\",\"text\":\"What would "
	    "you like to do at weekends?\"}",
	    plan);
	CHECK(count(m, "comments") == 1);
	CHECK_STR(str(m, "comments.0.section"), "outcomes");
	CHECK_STR(str(m, "comments.0.by"), "casey");
	CHECK(cJSON_IsFalse(at(m, "comments.0.seen")));
	cJSON_Delete(m);
	/* the kiosk marks them seen when the person has heard them */
	CHECK(store_comments_mark_seen(fx.st, plan) == 0);
	m = ask(&fx.casey, "{\"type\":\"plan\",\"plan\":%lld}", plan);
	CHECK(cJSON_IsTrue(at(m, "comments.0.seen")));
	cJSON_Delete(m);
}

/* The last page the kiosk was sent, parsed (cJSON_Delete it). */
static cJSON *kiosk_page(const kiosk_side *k)
{
	for (int i = k->conn.n - 1; i >= 0; i--)
		if (strstr(k->conn.sent[i], "\"type\":\"page\""))
			return cJSON_Parse(k->conn.sent[i]);
	return NULL;
}

static void a_comment_should_be_new_to_the_person_once_then_seen(void)
{
	char code[CODE_MAX];
	long long plan = invite("Kim", code);
	kiosk_side k;
	cJSON *m;

	CHECK(plan > 0);
	CHECK(kiosk_open(&k, code));
	CHECK(kiosk_say(&k, "{\"type\":\"answer\",\"page\":\"like-admire\",\"value\":\"Kind\"}"));
	kiosk_close(&k);
	m = ask(&fx.casey,
		"{\"type\":\"comment\",\"plan\":%lld,\"section\":\"outcomes\",\"text\":\"Tell me "
		"more about weekends.\"}",
		plan);
	cJSON_Delete(m);

	/* Coming back: the comments first, the new one marked new in words the voice reads. */
	CHECK(kiosk_open(&k, code));
	m = kiosk_page(&k);
	CHECK_STR(str(m, "page.kind"), "comments");
	CHECK(cJSON_IsTrue(at(m, "page.comments.0.new")));
	CHECK_STR(str(m, "page.comments.0.new_text.id"), "msg/comments.new");
	CHECK_STR(str(m, "page.comments.0.new_text.text"), content_message(ct, "comments.new"));
	cJSON_Delete(m);
	kiosk_close(&k);
	m = ask(&fx.casey, "{\"type\":\"plan\",\"plan\":%lld}", plan);
	CHECK(cJSON_IsTrue(at(m, "comments.0.seen")));
	cJSON_Delete(m);

	/* Shown once, it is no longer new. */
	CHECK(kiosk_open(&k, code));
	CHECK(kiosk_say(&k, "{\"type\":\"go\",\"to\":\"comments\"}"));
	m = kiosk_page(&k);
	CHECK_STR(str(m, "page.kind"), "comments");
	CHECK(cJSON_IsFalse(at(m, "page.comments.0.new")));
	CHECK(at(m, "page.comments.0.new_text") == NULL);
	cJSON_Delete(m);
	kiosk_close(&k);
}

/* ---- reading the plan ---- */

static const cJSON *answer_row(const cJSON *plan, const char *page, const char *field)
{
	const cJSON *sec, *a;

	cJSON_ArrayForEach(sec, at(plan, "sections"))
	{
		cJSON_ArrayForEach(a, cJSON_GetObjectItem(sec, "answers"))
		{
			if (strcmp(str(a, "page"), page) == 0 &&
			    strcmp(str(a, "field"), field) == 0)
				return a;
		}
	}
	return NULL;
}

/* The view reads nothing: the person's words and who wrote them come from gathered data
 * alone, with no store behind it. */
static void the_plan_view_should_draw_gathered_answers_without_a_store(void)
{
	staff_plan_data d = {0};
	char writer[] = "helper", name[] = "Sam", relationship[] = "sister";
	staff_visit helper = {3, writer, name, relationship};
	long long visit = 3;
	cJSON *o = cJSON_CreateObject();
	const cJSON *a;

	plan_answers_init(&d.answers);
	CHECK(plan_answers_add(&d.answers, "like-admire", 0, "", "I am kind.") == 0);
	d.answer_visit = &visit;
	d.visits = &helper;
	d.nvisits = 1;
	CHECK(staff_view_sections(ct, &d, o) == 0);
	a = answer_row(o, "like-admire", "");
	CHECK_STR(str(a, "value"), "I am kind.");
	CHECK_STR(str(a, "by.helper_name"), "Sam");
	CHECK(count(o, "sections") >= 1);
	plan_answers_release(&d.answers);
	cJSON_Delete(o);
}

static void the_plan_should_hold_the_persons_words_in_journey_order_and_who_wrote_them(void)
{
	char code[CODE_MAX];
	long long plan = invite("Chris", code), item = 0;
	const cJSON *a, *sec;
	int last_part = 0, in_order = 1;
	kiosk_side k;
	cJSON *m;

	CHECK(plan > 0);
	CHECK(kiosk_open(&k, code));
	CHECK(kiosk_say(&k, "{\"type\":\"answer\",\"page\":\"like-admire\",\"value\":\"  I am "
			    "kind.\\nI \\\"sing\\\" <b>loud</b>  \"}"));
	CHECK(kiosk_say(&k, "{\"type\":\"answer\",\"page\":\"managing\",\"value\":\"council\"}"));
	CHECK(kiosk_say(&k, "{\"type\":\"item_add\",\"page\":\"budget\"}"));
	{
		cJSON *page = cJSON_Parse(k.conn.sent[k.conn.n - 1]);

		item = (long long)num(page, "page.editing.id");
		cJSON_Delete(page);
	}
	CHECK(item > 0);
	CHECK(kiosk_say(&k,
			"{\"type\":\"answer\",\"page\":\"budget\",\"item\":%lld,"
			"\"field\":\"what\",\"value\":\"Swimming\"}",
			item));
	kiosk_close(&k);

	m = ask(&fx.casey, "{\"type\":\"plan\",\"plan\":%lld}", plan);
	a = answer_row(m, "like-admire", "");
	CHECK(a != NULL);
	CHECK_STR(str(a, "value"), "  I am kind.\nI \"sing\" <b>loud</b>  ");
	CHECK_STR(str(a, "label"), "What people like about me");
	CHECK_STR(str(a, "by.writer"), "helper");
	CHECK_STR(str(a, "by.helper_name"), "Sam");
	CHECK_STR(str(a, "by.relationship"), "sister");
	a = answer_row(m, "managing", "");
	CHECK_STR(str(a, "value"), "council");
	CHECK_STR(str(a, "text"), "The council arranges my support");
	a = answer_row(m, "budget", "what");
	CHECK(a && num(a, "item") == (double)item);
	CHECK_STR(str(a, "value"), "Swimming");
	a = answer_row(m, "budget", "cost");
	CHECK(a && cJSON_IsNull(at(a, "value")));
	a = answer_row(m, "important-people", ""); /* unanswered, still shown */
	CHECK(a && cJSON_IsNull(at(a, "value")) && cJSON_IsNull(at(a, "by")));
	CHECK(answer_row(m, "carer-does", "") == NULL); /* never shown to the person */
	cJSON_ArrayForEach(sec, at(m, "sections"))
	{
		in_order &= num(sec, "part") > last_part;
		last_part = (int)num(sec, "part");
	}
	CHECK(in_order);
	CHECK_STR(str(m, "sections.0.title"), "Who is writing");
	cJSON_Delete(m);
	CHECK(refused(&fx.casey, "no-plan", "{\"type\":\"plan\",\"plan\":987654}"));
	CHECK(refused(&fx.casey, "bad-message", "{\"type\":\"plan\"}"));
}

static const content_field *field_named(const content_page *pg, const char *name)
{
	for (size_t i = 0; pg && i < pg->nfields; i++)
		if (strcmp(pg->fields[i].name, name) == 0)
			return &pg->fields[i];
	return NULL;
}

/* The kiosk item just made by item_add, by its page description. */
static long long kiosk_new_item(kiosk_side *k, const char *page)
{
	cJSON *m;
	long long item;

	if (!kiosk_say(k, "{\"type\":\"item_add\",\"page\":\"%s\"}", page))
		return 0;
	m = cJSON_Parse(k->conn.sent[k->conn.n - 1]);
	item = (long long)num(m, "page.editing.id");
	cJSON_Delete(m);
	return item;
}

static void amounts_and_dates_should_read_as_the_person_wrote_them(void)
{
	char code[CODE_MAX], *cost_text, *when_text;
	long long plan = invite("Jo", code), cost_item, when_item;
	const content_page *budget = content_page_find(ct, "budget", NULL);
	const content_page *actions = content_page_find(ct, "actions", NULL);
	const cJSON *a;
	kiosk_side k;
	cJSON *m;

	CHECK(plan > 0 && budget && actions);
	if (!budget || !actions)
		return;
	CHECK(kiosk_open(&k, code));
	cost_item = kiosk_new_item(&k, "budget");
	CHECK(kiosk_say(&k,
			"{\"type\":\"answer\",\"page\":\"budget\",\"item\":%lld,"
			"\"field\":\"cost\",\"value\":\"£25.50\"}",
			cost_item));
	when_item = kiosk_new_item(&k, "actions");
	CHECK(kiosk_say(&k,
			"{\"type\":\"answer\",\"page\":\"actions\",\"item\":%lld,"
			"\"field\":\"when\",\"value\":\"2027-03-01\"}",
			when_item));
	kiosk_close(&k);

	/* The words the kiosk showed the person for the same values. */
	cost_text = content_field_text(ct, field_named(budget, "cost"), "2550");
	when_text = content_field_text(ct, field_named(actions, "when"), "2027-03-01");
	CHECK_STR(cost_text, "£25.50");
	CHECK(when_text && strstr(when_text, "2027") && !strstr(when_text, "2027-03-01"));
	m = ask(&fx.casey, "{\"type\":\"plan\",\"plan\":%lld}", plan);
	a = answer_row(m, "budget", "cost");
	CHECK_STR(str(a, "value"), "2550"); /* the stored value, for anything that computes */
	CHECK_STR(str(a, "text"), cost_text);
	a = answer_row(m, "actions", "when");
	CHECK_STR(str(a, "value"), "2027-03-01");
	CHECK_STR(str(a, "text"), when_text);
	cJSON_Delete(m);
	free(cost_text);
	free(when_text);
}

/* ---- sign-off and reviews ---- */

static void sign_off_should_schedule_reviews_7_weeks_and_12_months_on(void)
{
	long long plan = plan_in("agreed");
	char long_text[600];
	cJSON *m;

	CHECK(plan > 0);
	CHECK(refused(&fx.mandy, "bad-date",
		      "{\"type\":\"sign_off\",\"plan\":%lld,\"panel\":{\"decision\":\"Yes\","
		      "\"date\":\"2026-02-30\"}}",
		      plan));
	memset(long_text, 'd', 501);
	long_text[501] = '\0';
	CHECK(refused(&fx.mandy, "too-long",
		      "{\"type\":\"sign_off\",\"plan\":%lld,\"panel\":{\"decision\":\"%s\","
		      "\"date\":\"2026-11-20\"}}",
		      plan, long_text));
	CHECK_STR(status_of(plan), "agreed");
	m = ask(&fx.mandy,
		"{\"type\":\"sign_off\",\"plan\":%lld,\"panel\":{\"decision\":\"Agreed at panel\","
		"\"date\":\"2026-11-20\"}}",
		plan);
	CHECK_STR(str(m, "status"), "signed_off");
	CHECK_STR(str(m, "panel.decision"), "Agreed at panel");
	CHECK_STR(str(m, "panel.date"), "2026-11-20");
	CHECK(count(m, "reviews") == 2);
	CHECK_STR(str(m, "reviews.0.kind"), "light");
	CHECK_STR(str(m, "reviews.0.due"), "2027-01-10");
	CHECK_STR(str(m, "reviews.1.kind"), "full");
	CHECK_STR(str(m, "reviews.1.due"), "2027-11-22");
	CHECK(count(m, "versions") == 3); /* sent, agreed, signed off */
	CHECK_STR(str(m, "versions.2.kind"), "signed_off");
	CHECK_STR(str(m, "versions.2.by"), "mandy");
	cJSON_Delete(m);
}

static const cJSON *caseload_row(const cJSON *caseload, long long plan)
{
	const cJSON *p;

	cJSON_ArrayForEach(p, at(caseload, "plans"))
	{
		if (num(p, "plan") == (double)plan)
			return p;
	}
	return NULL;
}

static void the_caseload_should_show_reviews_coming_and_make_them_due_on_their_day(void)
{
	long long plan = plan_in("signed_off"), start = fx.now;
	cJSON *m;

	CHECK(plan > 0);
	m = ask(&fx.casey, "{\"type\":\"caseload\"}");
	CHECK_STR(str(caseload_row(m, plan), "review.kind"), "light");
	CHECK_STR(str(caseload_row(m, plan), "review.due"), "2027-01-10");
	CHECK(cJSON_IsFalse(at(caseload_row(m, plan), "review.due_soon")));
	cJSON_Delete(m);

	fx.now = start + 40 * DAY_S; /* 2027-01-01: 9 days before */
	m = ask(&fx.casey, "{\"type\":\"caseload\"}");
	CHECK(cJSON_IsTrue(at(caseload_row(m, plan), "review.due_soon")));
	CHECK_STR(str(caseload_row(m, plan), "status"), "signed_off");
	cJSON_Delete(m);

	fx.now = start + 49 * DAY_S; /* its day */
	m = ask(&fx.casey, "{\"type\":\"caseload\"}");
	CHECK_STR(str(caseload_row(m, plan), "status"), "review_due");
	cJSON_Delete(m);
	CHECK(db_count("SELECT count(*) FROM audit WHERE plan_id = ? AND action = 'review_due' AND "
		       "actor_kind = 'system'",
		       plan) == 1);
	fx.now = start + 50 * DAY_S;
	m = ask(&fx.casey, "{\"type\":\"caseload\"}");
	CHECK(cJSON_IsTrue(at(caseload_row(m, plan), "review.overdue")));
	cJSON_Delete(m);
	CHECK(db_count("SELECT count(*) FROM audit WHERE plan_id = ? AND action = 'review_due'",
		       plan) == 1); /* once */

	/* the review: confirmed, the next full review is 12 months on */
	CHECK(refused(&fx.casey, "bad-field",
		      "{\"type\":\"review\",\"plan\":%lld,\"outcome\":\"confirm\",\"answers\":"
		      "{\"working\":\"All of it\"}}",
		      plan));
	CHECK(refused(&fx.casey, "bad-field",
		      "{\"type\":\"review\",\"plan\":%lld,\"outcome\":\"confirm\",\"answers\":"
		      "{\"working\":\"a\",\"not_working\":\"b\",\"mood\":\"c\"}}",
		      plan));
	CHECK(refused(&fx.casey, "bad-field",
		      "{\"type\":\"review\",\"plan\":%lld,\"outcome\":\"maybe\",\"answers\":"
		      "{\"working\":\"a\",\"not_working\":\"b\"}}",
		      plan));
	CHECK_STR(status_of(plan), "review_due");
	m = ask(&fx.casey,
		"{\"type\":\"review\",\"plan\":%lld,\"outcome\":\"confirm\",\"answers\":{"
		"\"working\":\"Swimming twice a week\",\"not_working\":\"Mornings are rushed\","
		"\"outcomes_met\":\"Mostly\",\"budget_right\":\"Yes\","
		"\"circumstances_changed\":\"No\",\"everyone_satisfied\":\"Yes\"}}",
		plan);
	CHECK_STR(str(m, "status"), "signed_off");
	CHECK_STR(str(m, "reviews.0.state"), "done");
	CHECK_STR(str(m, "reviews.0.outcome"), "confirm");
	CHECK_STR(str(m, "reviews.0.answers.not_working"), "Mornings are rushed");
	CHECK_STR(str(m, "reviews.0.by"), "casey");
	/* the full review from the sign-off is replaced: it shows no more as one "not yet" */
	CHECK(cJSON_GetArraySize(at(m, "reviews")) == 2);
	CHECK_STR(str(m, "reviews.1.kind"), "full");
	CHECK_STR(str(m, "reviews.1.due"), "2028-01-11"); /* the review's day + 12 months */
	CHECK_STR(str(m, "reviews.1.state"), "open");
	cJSON_Delete(m);
	fx.now = start;
}

static void a_review_that_reopens_should_send_the_plan_back_for_changes(void)
{
	long long plan = plan_in("signed_off");
	cJSON *m;

	CHECK(plan > 0);
	/* done early, on a plan still signed off */
	m = ask(&fx.casey,
		"{\"type\":\"review\",\"plan\":%lld,\"outcome\":\"reopen\",\"answers\":{"
		"\"working\":\"Little\",\"not_working\":\"Needs have grown\"}}",
		plan);
	CHECK_STR(str(m, "status"), "changes_requested");
	CHECK(cJSON_IsFalse(at(m, "ready")));
	cJSON_Delete(m);
	CHECK(db_count("SELECT count(*) FROM reviews WHERE plan_id = ? AND state = 'open'", plan) ==
	      0);
}

/* ---- versions, diff and audit ---- */

static void diff_should_show_what_changed_between_two_versions(void)
{
	char code[CODE_MAX];
	long long plan = invite("Dana", code);
	const cJSON *ch;
	int found = 0;
	kiosk_side k;
	cJSON *m;

	CHECK(plan > 0);
	CHECK(kiosk_open(&k, code));
	CHECK(kiosk_say(&k, "{\"type\":\"answer\",\"page\":\"important\",\"value\":\"My cat\"}"));
	CHECK(kiosk_send(&k, plan));
	kiosk_close(&k);
	CHECK(done(&fx.casey, "plan", "{\"type\":\"send_back\",\"plan\":%lld}", plan));
	CHECK(kiosk_open(&k, code));
	CHECK(kiosk_say(&k, "{\"type\":\"answer\",\"page\":\"important\",\"value\":\"My cat, "
			    "Tom\"}"));
	CHECK(kiosk_send(&k, plan));
	kiosk_close(&k);
	m = ask(&fx.casey, "{\"type\":\"versions\",\"plan\":%lld}", plan);
	CHECK(count(m, "versions") == 2);
	CHECK_STR(str(m, "versions.0.kind"), "submitted");
	CHECK_STR(str(m, "versions.0.by"), "person");
	cJSON_Delete(m);
	m = ask(&fx.casey, "{\"type\":\"diff\",\"plan\":%lld,\"from\":1,\"to\":2}", plan);
	CHECK(is_type(m, "diff"));
	cJSON_ArrayForEach(ch, at(m, "changes"))
	{
		if (strcmp(str(ch, "section"), "important") == 0) {
			found++;
			CHECK_STR(str(ch, "before"), "My cat");
			CHECK_STR(str(ch, "after"), "My cat, Tom");
			CHECK_STR(str(ch, "label"), "What is important to you?");
		}
	}
	CHECK(found == 1);
	cJSON_Delete(m);
	m = ask(&fx.casey, "{\"type\":\"diff\",\"plan\":%lld,\"from\":2,\"to\":2}", plan);
	CHECK(count(m, "changes") == 0);
	cJSON_Delete(m);
	CHECK(refused(&fx.casey, "no-version",
		      "{\"type\":\"diff\",\"plan\":%lld,\"from\":1,"
		      "\"to\":3}",
		      plan));
	CHECK(refused(&fx.casey, "bad-message",
		      "{\"type\":\"diff\",\"plan\":%lld,\"from\":0,"
		      "\"to\":1}",
		      plan));
}

static int json_has_action(const cJSON *m, const char *action, const char *who)
{
	const cJSON *r;

	cJSON_ArrayForEach(r, at(m, "rows"))
	{
		if (strcmp(str(r, "action"), action) == 0 && strcmp(str(r, "who"), who) == 0)
			return 1;
	}
	fprintf(stderr, "  no audit row %s by %s\n", action, who);
	return 0;
}

static void the_audit_should_list_a_plans_rows_newest_first_with_names(void)
{
	long long plan = plan_in("signed_off");
	cJSON *m;

	CHECK(plan > 0);
	m = ask(&fx.morgan, "{\"type\":\"audit\",\"plan\":%lld}", plan);
	CHECK(is_type(m, "audit"));
	CHECK(count(m, "rows") >= 8);
	CHECK_STR(str(m, "rows.0.action"), "signed_off");
	CHECK_STR(str(m, "rows.0.who"), "morgan");
	CHECK_STR(str(m, "rows.0.role"), "manager");
	CHECK(num(m, "rows.0.detail.version") == 3);
	CHECK(num(m, "rows.0.id") > num(m, "rows.1.id"));
	{
		const cJSON *last = cJSON_GetArrayItem(at(m, "rows"), count(m, "rows") - 1);

		CHECK_STR(str(last, "action"), "plan_invited");
		CHECK_STR(str(last, "who"), "casey");
	}
	CHECK(json_has_action(m, "person_agreed", "person"));
	CHECK(json_has_action(m, "version_frozen", "person"));
	CHECK(json_has_action(m, "ready_to_agree", "casey"));
	CHECK(json_has_action(m, "caseworker_agreed", "casey"));
	cJSON_Delete(m);
}

/* ---- the caseload's urgent list ---- */

static const char *urgent_order(const cJSON *m, long long a, long long b, char *out, size_t n)
{
	const cJSON *u;
	size_t len = 0;

	out[0] = '\0';
	cJSON_ArrayForEach(u, at(m, "urgent"))
	{
		long long p = (long long)num(u, "plan");

		if (p == a || p == b)
			len += (size_t)snprintf(out + len, n - len, "%s%s:%s", len ? "," : "",
						p == a ? "A" : "B", str(u, "kind"));
	}
	return out;
}

static void the_caseload_should_put_safeguarding_then_advocacy_then_review_requests_first(void)
{
	long long a = plan_in("submitted"), b = plan_in("draft");
	char order[256];
	cJSON *m;

	CHECK(a > 0 && b > 0);
	CHECK(store_flag_raise(fx.st, a, 0, "advocacy", "", &(int){0}) == 0);
	CHECK(store_flag_raise(fx.st, b, 0, "review", "My needs changed", &(int){0}) == 0);
	CHECK(store_flag_raise(fx.st, b, 0, "safeguarding", "", &(int){0}) == 0);
	m = ask(&fx.casey, "{\"type\":\"caseload\"}");
	CHECK_STR(urgent_order(m, a, b, order, sizeof(order)),
		  "B:safeguarding,A:advocacy,B:review");
	CHECK(str(m, "urgent.0.raised") != NULL);
	CHECK(count(caseload_row(m, b), "flags") == 2);
	cJSON_Delete(m);
	CHECK(refused(&fx.casey, "bad-field",
		      "{\"type\":\"flag_close\",\"plan\":%lld,\"kind\":\"fire\",\"note\":\"x\"}",
		      b));
	CHECK(
	    done(&fx.casey, "plan",
		 "{\"type\":\"flag_close\",\"plan\":%lld,\"kind\":\"safeguarding\",\"note\":\"Team "
		 "told\"}",
		 b));
	CHECK(refused(
	    &fx.casey, "no-flag",
	    "{\"type\":\"flag_close\",\"plan\":%lld,\"kind\":\"safeguarding\",\"note\":\"x\"}", b));
	m = ask(&fx.casey, "{\"type\":\"caseload\"}");
	CHECK_STR(urgent_order(m, a, b, order, sizeof(order)), "A:advocacy,B:review");
	cJSON_Delete(m);
}

/* ---- the caseload a page at a time ---- */

/* n plans made straight in the store, as kiosk plans without a name: every seventh sent. */
static int plans_made(int n)
{
	for (int i = 0; i < n; i++) {
		unsigned char hash[STORE_HASH_BYTES] = {0xcb, (unsigned char)(i >> 8),
							(unsigned char)i};
		long long id;

		if (store_plan_create(fx.st, hash, "", -1, &id, NULL, 0) ||
		    (i % 7 == 0 &&
		     store_plan_move(fx.st, id, PLAN_DRAFT, PLAN_SUBMITTED, (fx.now + i) * 1000)) ||
		    store_plan_touch(fx.st, id, (fx.now + i) * 1000))
			return -1;
	}
	return 0;
}

/* Where status stands in the caseload's order (the `me` reply's words.status), -1 if nowhere. */
static int group_of(const cJSON *me, const char *status)
{
	int i = 0;
	const cJSON *s;

	cJSON_ArrayForEach(s, at(me, "words.status"))
	{
		if (status && strcmp(str(s, "status"), status) == 0)
			return i;
		i++;
	}
	return -1;
}

static void the_caseload_should_come_a_page_at_a_time_in_the_order_of_its_groups(void)
{
	cJSON *me = ask(&fx.casey, "{\"type\":\"me\"}"), *m, *first = NULL;
	int pages, total, seen = 0, in_order = 1, last_group = -1, sum = 0;
	char last_updated[64] = "";
	const cJSON *row, *c;

	CHECK(plans_made(130) == 0);
	m = ask(&fx.casey, "{\"type\":\"caseload\"}");
	total = (int)num(m, "total");
	pages = (int)num(m, "pages");
	CHECK(total >= 130 && num(m, "per_page") == 50 && pages == (total + 49) / 50);
	CHECK(num(m, "page") == 1 && cJSON_IsTrue(at(m, "more")) && count(m, "plans") == 50);
	cJSON_ArrayForEach(c, at(m, "counts")) sum += (int)c->valuedouble;
	CHECK(sum == total);
	cJSON_Delete(m);
	for (int page = 1; page <= pages; page++) {
		m = ask(&fx.casey, "{\"type\":\"caseload\",\"seq\":%d,\"page\":%d}", page, page);
		CHECK(is_type(m, "caseload") && num(m, "page") == page);
		CHECK(cJSON_IsBool(at(m, "more")) && cJSON_IsTrue(at(m, "more")) == (page < pages));
		CHECK(page == pages || count(m, "plans") == 50);
		cJSON_ArrayForEach(row, at(m, "plans"))
		{
			int g = group_of(me, str(row, "status"));
			const char *updated = str(row, "updated");

			/* the groups in their order; in each, most recently changed first */
			if (g < last_group ||
			    (g == last_group && updated && strcmp(updated, last_updated) > 0))
				in_order = 0;
			last_group = g;
			snprintf(last_updated, sizeof(last_updated), "%s", updated ? updated : "");
			CHECK(str(row, "label") && *str(row, "label"));
			seen++;
		}
		if (page == 1)
			first = m;
		else
			cJSON_Delete(m);
	}
	CHECK(in_order);
	CHECK(seen == total);
	/* an older page that sends no page gets the first */
	m = ask(&fx.casey, "{\"type\":\"caseload\",\"page\":null}");
	CHECK(first && m && num(m, "plans.0.plan") == num(first, "plans.0.plan") &&
	      num(m, "plans.49.plan") == num(first, "plans.49.plan"));
	cJSON_Delete(m);
	cJSON_Delete(first);
	cJSON_Delete(me);
}

static void the_caseload_should_show_one_status_when_asked(void)
{
	cJSON *m = ask(&fx.casey, "{\"type\":\"caseload\",\"status\":\"submitted\"}");
	const cJSON *row;
	int others = 0;

	CHECK(is_type(m, "caseload"));
	CHECK_STR(str(m, "status"), "submitted");
	CHECK(num(m, "total") == num(m, "counts.submitted") && num(m, "total") >= 19);
	cJSON_ArrayForEach(row, at(m, "plans")) others += strcmp(str(row, "status"), "submitted");
	CHECK(others == 0 && count(m, "plans") > 0);
	cJSON_Delete(m);
}

static void a_bad_page_or_status_should_be_refused_plainly_and_change_nothing(void)
{
	static const char *const pages[] = {"0",   "-1", "1.5",	 "\"2\"", "true",
					    "[1]", "{}", "1e12", "99999"};
	long long audit = db_count("SELECT count(*) FROM audit", 0);
	cJSON *m;

	for (size_t i = 0; i < sizeof(pages) / sizeof(*pages); i++) {
		CHECK(refused(&fx.casey, "bad-page", "{\"type\":\"caseload\",\"page\":%s}",
			      pages[i]));
	}
	CHECK(refused(&fx.casey, "bad-field", "{\"type\":\"caseload\",\"status\":\"lost\"}"));
	CHECK(refused(&fx.casey, "bad-field", "{\"type\":\"caseload\",\"status\":3}"));
	/* the words are the content's, and nothing was written */
	fake_reset(&fx.casey.conn);
	staff_handle(fx.casey.ss, "{\"type\":\"caseload\",\"page\":0}",
		     strlen("{\"type\":\"caseload\",\"page\":0}"), 0);
	m = fx.casey.conn.n == 1 ? cJSON_Parse(fx.casey.conn.sent[0]) : NULL;
	CHECK_STR(str(m, "message"), content_message(ct, "error.bad-page"));
	cJSON_Delete(m);
	CHECK(db_count("SELECT count(*) FROM audit", 0) == audit);
	CHECK(done(&fx.casey, "caseload", "{\"type\":\"caseload\",\"page\":2}"));
}

static void the_urgent_list_should_show_the_first_fifty_and_say_how_many(void)
{
	long long open = db_count("SELECT count(*) FROM flags WHERE closed_at IS NULL", 0);
	cJSON *m;
	int safeguarding = 0;
	const cJSON *u;

	for (long long id = 1; id <= 60; id++)
		CHECK(store_flag_raise(fx.st, id, 0, "safeguarding", "", &(int){0}) == 0);
	open = db_count("SELECT count(*) FROM flags WHERE closed_at IS NULL", 0);
	m = ask(&fx.casey, "{\"type\":\"caseload\"}");
	CHECK(open >= 60 && num(m, "urgent_total") == (double)open);
	CHECK(count(m, "urgent") == 50);
	cJSON_ArrayForEach(u, at(m, "urgent")) safeguarding +=
	    strcmp(str(u, "kind"), "safeguarding") == 0;
	CHECK(safeguarding == 50);
	cJSON_Delete(m);
}

/* ---- bad messages ---- */

static void bad_messages_should_get_their_error_and_keep_the_connection(void)
{
	fake_reset(&fx.casey.conn);
	staff_handle(fx.casey.ss, "{\"type\":", 8, 0);
	CHECK(fx.casey.conn.n == 1 && strstr(fx.casey.conn.sent[0], "bad-json") &&
	      fx.casey.conn.close_after[0] == 0);
	CHECK(refused(&fx.casey, "unknown-type", "{\"type\":\"delete_everything\"}"));
	CHECK(refused(&fx.casey, "unknown-type", "{\"type\":\"answer\",\"page\":\"who\"}"));
	fake_reset(&fx.casey.conn);
	staff_handle(fx.casey.ss, "{}", 2, 1);
	CHECK(fx.casey.conn.n == 1 && strstr(fx.casey.conn.sent[0], "bad-message"));
	CHECK(done(&fx.casey, "me", "{\"type\":\"me\"}"));
}

/* ---- reads that fail ---- */

/* The error reply r says "server" in the content's own words for staff. */
static int is_plain_server_error(const cJSON *r)
{
	return is_error(r, "server") && str(r, "message") &&
	       strcmp(str(r, "message"), content_message(ct, "staff.error.server")) == 0;
}

/* What cannot be read is not drawn as if it were empty or unknown: the request fails with the
 * plain error. (This breaks the store's file: it runs last.) */
static long long kiosk_fake_clock(void *ctx)
{
	return *(long long *)ctx;
}

/* What the person does at the kiosk (sending, agreeing) is stamped by the kiosk's clock, so a
 * test's fake clock reaches those times too. */
static void the_persons_changes_should_be_stamped_by_the_kiosks_clock(void)
{
	char code[CODE_MAX];
	long long plan = invite("Pat Doe", code), sent_ms = (START_S + 3600) * 1000 + 789;
	long long agreed_ms = sent_ms + 86400000LL + 1; /* a day later */
	kiosk_side k;

	CHECK(plan > 0 && kiosk_open(&k, code));
	kiosk_set_clock(fx.kiosk, kiosk_fake_clock, &sent_ms);
	CHECK(kiosk_say(&k, "{\"type\":\"answer\",\"page\":\"important\",\"value\":\"Tea\"}"));
	CHECK(kiosk_send(&k, plan));
	CHECK(db_count("SELECT count(*) FROM plans WHERE id = ? AND "
		       "submitted_at = '2026-11-22T13:00:00.789Z'",
		       plan) == 1);
	CHECK(done(&fx.casey, "plan", "{\"type\":\"ready\",\"plan\":%lld}", plan));
	kiosk_set_clock(fx.kiosk, kiosk_fake_clock, &agreed_ms);
	CHECK(kiosk_say(&k, "{\"type\":\"yes_my_plan\"}"));
	CHECK(db_count("SELECT count(*) FROM plans WHERE id = ? AND "
		       "person_agreed_at = '2026-11-23T13:00:00.790Z'",
		       plan) == 1);
	kiosk_set_clock(fx.kiosk, NULL, NULL);
	kiosk_close(&k);
}

static void a_read_that_fails_should_fail_the_request_plainly_not_draw_a_gap(void)
{
	long long plan = invite("Ira Read", NULL);
	cJSON *m;

	CHECK(plan > 0);
	m = ask(&fx.morgan, "{\"type\":\"audit\",\"plan\":%lld}", plan);
	CHECK(is_type(m, "audit"));
	cJSON_Delete(m);
	/* The staff user who invited can no longer be read (the login still can). */
	CHECK(db_exec("ALTER TABLE users DROP COLUMN password_hash") == 0);
	m = ask(&fx.morgan, "{\"type\":\"audit\",\"seq\":4,\"plan\":%lld}", plan);
	CHECK(is_plain_server_error(m));
	CHECK(num(m, "seq") == 4);
	cJSON_Delete(m);
	/* The comments cannot be read: no plan without them. */
	m = ask(&fx.casey, "{\"type\":\"plan\",\"plan\":%lld}", plan);
	CHECK(is_type(m, "plan"));
	cJSON_Delete(m);
	CHECK(db_exec("DROP TABLE comments") == 0);
	m = ask(&fx.casey, "{\"type\":\"plan\",\"plan\":%lld}", plan);
	CHECK(is_plain_server_error(m));
	CHECK(!at(m, "sections") && !at(m, "comments"));
	cJSON_Delete(m);
}

static void check_words_should_answer_every_role_with_findings_and_store_nothing(void)
{
	long long audit = db_count("SELECT count(*) FROM audit WHERE plan_id > ?", 0);
	char *big = malloc(2100);
	cJSON *m;

	m = ask(&fx.casey, "{\"type\":\"check_words\",\"seq\":5,\"text\":\"The OT read your "
			   "assessment.\"}");
	CHECK(is_type(m, "words_checked"));
	CHECK(num(m, "seq") == 5);
	CHECK(count(m, "findings") == 2);
	CHECK_STR(str(m, "findings.0.kind"), "hard-word");
	CHECK_STR(str(m, "findings.0.word"), "assessment");
	CHECK_STR(str(m, "findings.1.kind"), "abbreviation");
	CHECK_STR(str(m, "findings.1.word"), "OT");
	CHECK_STR(str(m, "title"), content_message(ct, "staff.words.title"));
	cJSON_Delete(m);
	m = ask(&fx.ada, "{\"type\":\"check_words\",\"text\":\"You need help to cook.\"}");
	CHECK(is_type(m, "words_checked"));
	CHECK(count(m, "findings") == 0);
	cJSON_Delete(m);
	CHECK(refused(&fx.morgan, "bad-message", "{\"type\":\"check_words\",\"text\":7}"));
	if (big) {
		memset(big, 'a', 2001);
		big[2001] = '\0';
		CHECK(refused(&fx.morgan, "too-long", "{\"type\":\"check_words\",\"text\":\"%s\"}",
			      big));
	}
	free(big);
	CHECK(db_count("SELECT count(*) FROM audit WHERE plan_id > ?", 0) == audit);
}

int main(void)
{
	if (fixture_begin("staff")) {
		CHECK(0);
		return check_report();
	}
	RUN(a_staff_connection_without_a_login_should_get_login_needed_and_close);
	RUN(after_logout_the_next_message_should_get_login_needed);
	RUN(an_idle_login_should_end_after_30_minutes);
	RUN(roles_should_decide_who_may_do_what_before_anything_runs);
	RUN(a_manager_who_agreed_a_plan_should_not_sign_it_off);
	RUN(an_invitation_should_give_a_code_that_opens_the_plan_and_show_on_the_caseload);
	RUN(a_plan_started_without_a_code_should_be_named_by_the_day_it_was_started);
	RUN(an_invitation_with_bad_parts_should_be_refused_and_make_nothing);
	RUN(a_new_code_should_replace_the_old_one);
	RUN(an_invitation_and_a_new_code_should_give_the_numbers_too);
	RUN(every_impossible_move_should_be_refused_and_change_nothing);
	RUN(not_agreed_should_need_reasons_safety_and_complaints_information);
	RUN(council_fields_should_be_checked_and_kept);
	RUN(comments_should_name_a_known_section_and_reach_the_person);
	RUN(a_comment_should_be_new_to_the_person_once_then_seen);
	RUN(the_plan_should_hold_the_persons_words_in_journey_order_and_who_wrote_them);
	RUN(the_plan_view_should_draw_gathered_answers_without_a_store);
	RUN(amounts_and_dates_should_read_as_the_person_wrote_them);
	RUN(sign_off_should_schedule_reviews_7_weeks_and_12_months_on);
	RUN(the_caseload_should_show_reviews_coming_and_make_them_due_on_their_day);
	RUN(a_review_that_reopens_should_send_the_plan_back_for_changes);
	RUN(diff_should_show_what_changed_between_two_versions);
	RUN(the_audit_should_list_a_plans_rows_newest_first_with_names);
	RUN(the_caseload_should_put_safeguarding_then_advocacy_then_review_requests_first);
	RUN(bad_messages_should_get_their_error_and_keep_the_connection);
	RUN(the_persons_changes_should_be_stamped_by_the_kiosks_clock);
	/* after the others, which find their plans on the first page: these make many */
	RUN(the_caseload_should_come_a_page_at_a_time_in_the_order_of_its_groups);
	RUN(the_caseload_should_show_one_status_when_asked);
	RUN(a_bad_page_or_status_should_be_refused_plainly_and_change_nothing);
	RUN(the_urgent_list_should_show_the_first_fifty_and_say_how_many);
	RUN(a_read_that_fails_should_fail_the_request_plainly_not_draw_a_gap);
	RUN(check_words_should_answer_every_role_with_findings_and_store_nothing);
	fixture_end();
	return check_report();
}
