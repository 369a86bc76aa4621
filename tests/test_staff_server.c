/* test_staff_server: the staff workspace against the real server binary. Staff log in over
 * HTTP as the browser's login form does, open the "planaloud-staff" websocket with the cookie,
 * and take a plan from invitation to sign-off while the person writes and sends it on a kiosk
 * websocket. The users are made in the data folder before the server starts (as `planaloud
 * user add` would); the database is opened directly to look at it and to try to change what
 * must not change. */
#include "check.h"
#include "staffsrv.h"
#include "code.h"
#include "content.h"
#include "plan.h"
#include "store.h"
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

/* a caseworker whose name the tests of slowing down wrong passwords use alone */
#define LOCKY_PW "locky long password"

static const staffsrv_user locky[] = {{"locky", AUTH_CASEWORKER, LOCKY_PW}, {NULL, 0, NULL}};

/* ---- logging in, and who may connect ---- */

static void a_login_should_set_a_strict_cookie_and_open_the_staff_websocket(void)
{
	char headers[4096], value[256], form[256];
	wsclient *c;
	cJSON *m;

	login_form("casey", CASEY_PW, form, sizeof(form));
	CHECK(http_post_form(srv.port, "/staff/auth/login", origin, NULL, form, headers,
			     sizeof(headers)) == 303);
	CHECK(http_header(headers, "Set-Cookie", value, sizeof(value)) == 0);
	CHECK(strstr(value, "HttpOnly") && strstr(value, "SameSite=Strict") &&
	      strstr(value, "Path=/"));
	value[strcspn(value, ";")] = '\0';
	c = staff_ws(value, NULL);
	CHECK(c != NULL);
	m = c ? ask(c, "{\"type\":\"me\",\"seq\":3}") : NULL;
	CHECK(is_msg(m, "me", NULL));
	CHECK_STR(json_str(m, "name"), "casey");
	CHECK_STR(json_str(m, "role"), "caseworker");
	CHECK(json_num(m, "seq", -1) == 3);
	cJSON_Delete(m);
	wsclient_free(c);
}

static void a_forged_origin_should_be_refused_on_login_and_on_the_staff_websocket(void)
{
	wsclient_opts forged = {"http://evil.example", NULL, NULL};
	char cookie[128], headers[2048], form[256];
	int status = 0;
	wsclient *c;

	login_form("casey", CASEY_PW, form, sizeof(form));
	CHECK(http_post_form(srv.port, "/staff/auth/login", "http://evil.example", NULL, form,
			     headers, sizeof(headers)) == 403);
	CHECK(strstr(headers, "planaloud_staff=") == NULL);
	CHECK(http_post_form(srv.port, "/staff/auth/logout", "http://evil.example", NULL, "bye=1",
			     NULL, 0) == 403);
	CHECK(login("casey", CASEY_PW, cookie, sizeof(cookie)) == 0);
	c = wsclient_open_as(HOST, srv.port, &forged, "planaloud-staff", cookie, &status);
	CHECK(c == NULL);
	CHECK(status != 101);
	wsclient_free(c);
	/* the same cookie from the server's own page is let in */
	c = staff_ws(cookie, &status);
	CHECK(c != NULL && status == 101);
	wsclient_free(c);
}

static void a_staff_websocket_without_a_cookie_should_get_login_needed_and_close(void)
{
	wsclient *c = staff_ws(NULL, NULL);
	cJSON *m;

	CHECK(c != NULL);
	if (!c)
		return;
	m = wsclient_recv_json(c, WAIT_MS);
	CHECK(is_msg(m, "error", "login-needed"));
	CHECK(json_str(m, "message") != NULL);
	cJSON_Delete(m);
	CHECK(wsclient_wait_close(c, WAIT_MS) == 1000);
	wsclient_free(c);

	/* a cookie that is no session's is the same */
	c = staff_ws("planaloud_staff=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL);
	CHECK(c != NULL);
	m = c ? wsclient_recv_json(c, WAIT_MS) : NULL;
	CHECK(is_msg(m, "error", "login-needed"));
	cJSON_Delete(m);
	wsclient_free(c);
}

static void a_kiosk_connection_should_know_no_staff_message_whatever_its_cookies(void)
{
	static const char *const types[] = {
	    "me",	 "caseload", "invite",	   "new_code",	 "plan",     "council",	 "comment",
	    "send_back", "ready",    "agree",	   "not_agreed", "sign_off", "versions", "diff",
	    "audit",	 "review",   "flag_close", "export",	 "erase"};
	char cookie[128];
	wsclient_opts o = {origin, NULL, NULL};
	wsclient *c;
	cJSON *m;

	CHECK(login("morgan", MORGAN_PW, cookie, sizeof(cookie)) == 0);
	/* the kiosk's subprotocol, carrying a manager's live cookie */
	c = wsclient_open_as(HOST, srv.port, &o, "planaloud", cookie, NULL);
	CHECK(c != NULL);
	if (!c)
		return;
	cJSON_Delete(wsclient_recv_json(c, WAIT_MS)); /* hello */
	cJSON_Delete(wsclient_recv_json(c, WAIT_MS)); /* welcome */
	for (size_t i = 0; i < sizeof(types) / sizeof(*types); i++) {
		m = ask(c, "{\"type\":\"%s\",\"seq\":%zu,\"plan\":1,\"person\":\"X\",\"needs\":[]}",
			types[i], i + 1);
		CHECK(is_msg(m, "error", "unknown-type"));
		CHECK(json_num(m, "seq", -1) == (double)(i + 1));
		cJSON_Delete(m);
	}
	CHECK(!wsclient_closed(c));
	wsclient_free(c);
}

static void wrong_passwords_should_be_slowed_down_after_five(void)
{
	char headers[2048], location[256], form[256];
	long long fifth_sent = 0;

	for (int i = 0; i < 5; i++) {
		fifth_sent = now_ms();
		CHECK(http_post_form(srv.port, "/staff/auth/login", origin, NULL,
				     "name=locky&password=not+the+password", headers,
				     sizeof(headers)) == 303);
		CHECK(http_header(headers, "Location", location, sizeof(location)) == 0);
		CHECK_STR(location, "/staff/login.html?problem=wrong");
	}
	/* now even the right password waits: USERS_WAIT_FIRST_MS from the fifth failure, which the
	 * server counted after the fifth form was sent */
	login_form("locky", LOCKY_PW, form, sizeof(form));
	CHECK(http_post_form(srv.port, "/staff/auth/login", origin, NULL, form, headers,
			     sizeof(headers)) == 303);
	CHECK(http_header(headers, "Location", location, sizeof(location)) == 0);
	if (now_ms() - fifth_sent < USERS_WAIT_FIRST_MS) {
		CHECK_STR(location, "/staff/login.html?problem=slow-down");
		CHECK(strstr(headers, "planaloud_staff=") == NULL);
	}
}

static void a_logout_should_make_the_next_staff_message_get_login_needed(void)
{
	char cookie[128], headers[2048], location[256];
	wsclient *c;
	cJSON *m;

	CHECK(login("casey", CASEY_PW, cookie, sizeof(cookie)) == 0);
	c = staff_ws(cookie, NULL);
	CHECK(c != NULL);
	if (!c)
		return;
	CHECK(ask_is(c, "caseload", NULL, "{\"type\":\"caseload\"}"));
	CHECK(http_post_form(srv.port, "/staff/auth/logout", origin, cookie, "bye=1", headers,
			     sizeof(headers)) == 303);
	CHECK(http_header(headers, "Location", location, sizeof(location)) == 0);
	CHECK_STR(location, "/staff/login.html?problem=out");
	m = ask(c, "{\"type\":\"caseload\",\"seq\":9}");
	CHECK(is_msg(m, "error", "login-needed"));
	cJSON_Delete(m);
	CHECK(wsclient_wait_close(c, WAIT_MS) == 1000);
	wsclient_free(c);
	/* and the cookie opens nothing any more */
	c = staff_ws(cookie, NULL);
	m = c ? wsclient_recv_json(c, WAIT_MS) : NULL;
	CHECK(is_msg(m, "error", "login-needed"));
	cJSON_Delete(m);
	wsclient_free(c);
}

/* ---- the whole loop ---- */

static const cJSON *answer_row(const cJSON *plan, const char *page)
{
	const cJSON *sec, *a;

	cJSON_ArrayForEach(sec, json_at(plan, "sections"))
	{
		cJSON_ArrayForEach(a, cJSON_GetObjectItem(sec, "answers"))
		{
			if (strcmp(json_str(a, "page"), page) == 0)
				return a;
		}
	}
	return NULL;
}

static int has_plan(const cJSON *caseload, long long plan, const char *status)
{
	const cJSON *p;

	cJSON_ArrayForEach(p, json_at(caseload, "plans"))
	{
		if (json_num(p, "plan", 0) == (double)plan)
			return strcmp(json_str(p, "status"), status) == 0;
	}
	return 0;
}

static int audit_has(const cJSON *audit, const char *action, const char *who)
{
	const cJSON *r;

	cJSON_ArrayForEach(r, json_at(audit, "rows"))
	{
		if (strcmp(json_str(r, "action"), action) == 0 &&
		    strcmp(json_str(r, "who"), who) == 0)
			return 1;
	}
	fprintf(stderr, "  no audit row %s by %s\n", action, who);
	return 0;
}

static long long loop_plan; /* the plan of the whole loop, for the tests after it */

static void a_plan_should_go_from_invitation_to_sign_off_with_versions_and_audit(void)
{
	wsclient *casey = staff_as("casey", CASEY_PW), *morgan = staff_as("morgan", MORGAN_PW);
	wsclient *ada = staff_as("ada", ADA_PW), *k;
	char code[CODE_MAX] = "", light[PLAN_DATE_LEN], full[PLAN_DATE_LEN], day[PLAN_DATE_LEN];
	char numbers[CODE_NUMBERS_MAX] = "", expect[CODE_NUMBERS_MAX] = "";
	const cJSON *ch;
	long long plan;
	int changed = 0;
	cJSON *m;

	CHECK(casey && morgan && ada);
	if (!casey || !morgan || !ada)
		goto out;

	/* invite: the code comes back once, with its numbers */
	m = ask(casey, "{\"type\":\"invite\",\"seq\":1,\"person\":\"Alex Smith\",\"needs\":["
		       "{\"text\":\"You need help to wash and dress.\",\"eligible\":true},"
		       "{\"text\":\"You would like help in the garden.\",\"eligible\":false}],"
		       "\"budget\":\"245.50\",\"managing\":[\"direct\",\"council\",\"mix\"]}");
	CHECK(is_msg(m, "invited", NULL));
	plan = (long long)json_num(m, "plan", 0);
	snprintf(code, sizeof(code), "%s", json_str(m, "code") ? json_str(m, "code") : "");
	snprintf(numbers, sizeof(numbers), "%s",
		 json_str(m, "numbers") ? json_str(m, "numbers") : "");
	cJSON_Delete(m);
	CHECK(plan > 0 && code[0]);
	{
		char err[256] = "";
		content *c = content_load(PLANALOUD_SOURCE_DIR "/easyread", "en-GB",
					  PLANALOUD_SOURCE_DIR "/web/pictures", err, sizeof(err));

		CHECK(c && code_numbers(c, code, expect) == 0);
		CHECK_STR(numbers, expect);
		content_free(c);
	}
	loop_plan = plan;
	m = ask(casey, "{\"type\":\"caseload\"}");
	CHECK(has_plan(m, plan, "draft"));
	cJSON_Delete(m);

	/* the person opens it with the numbers, writes and sends */
	k = kiosk_open(numbers, "profile-intro");
	CHECK(k != NULL);
	if (!k)
		goto out;
	CHECK(ask_is(k, "saved", NULL,
		     "{\"type\":\"answer\",\"page\":\"important\","
		     "\"value\":\"My garden\"}"));
	CHECK(ask_is(k, "saved", NULL,
		     "{\"type\":\"answer\",\"page\":\"like-admire\","
		     "\"value\":\"I am kind\"}"));
	CHECK(ask_is(k, "page", "sent", "{\"type\":\"send\"}"));
	wsclient_free(k);

	/* the caseworker reads it, comments and sends it back */
	m = ask(casey, "{\"type\":\"plan\",\"plan\":%lld}", plan);
	CHECK(is_msg(m, "plan", "submitted"));
	CHECK_STR(json_str(answer_row(m, "important"), "value"), "My garden");
	CHECK_STR(json_str(answer_row(m, "important"), "by.writer"), "me");
	cJSON_Delete(m);
	CHECK(ask_is(casey, "plan", "submitted",
		     "{\"type\":\"comment\",\"plan\":%lld,\"section\":\"important\",\"text\":"
		     "\"What do you grow in your garden?\"}",
		     plan));
	/* which needs a direct payment could meet: the person must be told */
	m = ask(casey, "{\"type\":\"plan\",\"plan\":%lld}", plan);
	{
		long long need = (long long)json_num(m, "needs.0.id", 0);

		cJSON_Delete(m);
		CHECK(ask_is(
		    casey, "plan", "submitted",
		    "{\"type\":\"council\",\"plan\":%lld,\"field\":\"need/%lld/direct_payment\","
		    "\"value\":true}",
		    plan, need));
	}
	CHECK(ask_is(casey, "plan", "changes_requested", "{\"type\":\"send_back\",\"plan\":%lld}",
		     plan));

	/* the person comes back: what the social worker wrote comes first; they change the answer
	 * and send it again */
	k = kiosk_open(code, "comments");
	CHECK(k != NULL);
	if (!k)
		goto out;
	m = ask(k, "{\"type\":\"go\",\"to\":\"comments\"}");
	CHECK_STR(json_str(m, "page.comments.0.text.text"), "What do you grow in your garden?");
	CHECK(json_str(m, "page.comments.0.from.text") &&
	      strstr(json_str(m, "page.comments.0.from.text"), "casey") != NULL);
	cJSON_Delete(m);
	m = ask(k, "{\"type\":\"go\",\"to\":\"needs\"}");
	CHECK(is_msg(m, "page", "needs"));
	CHECK(json_bool(m, "page.needs.0.direct_payment") == 1);
	CHECK(json_bool(m, "page.needs.1.direct_payment") == 0); /* not eligible */
	CHECK(json_str(m, "page.direct_payment_text.text") &&
	      strstr(json_str(m, "page.direct_payment_text.text"), "direct payment"));
	cJSON_Delete(m);
	/* nobody has asked the person to agree yet: there is nothing to say yes or no to */
	CHECK(ask_is(k, "error", "not-allowed", "{\"type\":\"go\",\"to\":\"agree\"}"));
	CHECK(ask_is(k, "error", "not-allowed", "{\"type\":\"yes_my_plan\"}"));
	CHECK(ask_is(k, "error", "not-allowed", "{\"type\":\"not_my_plan\"}"));
	CHECK(ask_is(k, "saved", NULL,
		     "{\"type\":\"answer\",\"page\":\"important\","
		     "\"value\":\"My garden, where I grow beans\"}"));
	CHECK(ask_is(k, "page", "sent", "{\"type\":\"send\"}"));
	wsclient_free(k);

	/* ready; the person agrees at the kiosk; the caseworker agrees */
	m = ask(casey, "{\"type\":\"ready\",\"plan\":%lld}", plan);
	CHECK(is_msg(m, "plan", "submitted"));
	CHECK(json_bool(m, "ready") == 1);
	cJSON_Delete(m);
	/* "Yes, this is my plan", at the kiosk: the question comes first when they come back */
	k = kiosk_open(code, "agree");
	CHECK(k != NULL);
	if (!k)
		goto out;
	CHECK(ask_is(k, "page", "agreed", "{\"type\":\"yes_my_plan\"}"));
	wsclient_free(k);
	m = ask(casey, "{\"type\":\"agree\",\"plan\":%lld}", plan);
	CHECK(is_msg(m, "plan", "agreed"));
	CHECK(json_str(m, "agreed.person") != NULL);
	CHECK_STR(json_str(m, "agreed.caseworker_name"), "casey");
	cJSON_Delete(m);

	/* sign-off: not the caseworker's to do, nor the admin's to see */
	CHECK(ask_is(casey, "error", "not-allowed-role", "{\"type\":\"sign_off\",\"plan\":%lld}",
		     plan));
	CHECK(ask_is(ada, "error", "not-allowed-role", "{\"type\":\"plan\",\"plan\":%lld}", plan));
	m = ask(morgan, "{\"type\":\"sign_off\",\"plan\":%lld}", plan);
	CHECK(is_msg(m, "plan", "signed_off"));
	plan_date_of((long long)time(NULL), day);
	CHECK(plan_review_dates(day, light, full) == 0);
	CHECK_STR(json_str(m, "reviews.0.kind"), "light");
	CHECK_STR(json_str(m, "reviews.0.due"), light);
	CHECK_STR(json_str(m, "reviews.1.kind"), "full");
	CHECK_STR(json_str(m, "reviews.1.due"), full);
	cJSON_Delete(m);
	m = ask(casey, "{\"type\":\"caseload\"}");
	CHECK(has_plan(m, plan, "signed_off"));
	cJSON_Delete(m);

	/* versions: sent, sent again, agreed, signed off; the diff shows the changed answer */
	m = ask(casey, "{\"type\":\"versions\",\"plan\":%lld}", plan);
	CHECK(json_count(m, "versions") >= 3);
	CHECK(json_count(m, "versions") == 4);
	CHECK_STR(json_str(m, "versions.0.kind"), "submitted");
	CHECK_STR(json_str(m, "versions.1.kind"), "submitted");
	CHECK_STR(json_str(m, "versions.2.kind"), "agreed");
	CHECK_STR(json_str(m, "versions.3.kind"), "signed_off");
	cJSON_Delete(m);
	m = ask(casey, "{\"type\":\"diff\",\"plan\":%lld,\"from\":1,\"to\":2}", plan);
	CHECK(is_msg(m, "diff", NULL));
	cJSON_ArrayForEach(ch, json_at(m, "changes"))
	{
		if (strcmp(json_str(ch, "section"), "important") == 0 && json_str(ch, "before") &&
		    strcmp(json_str(ch, "before"), "My garden") == 0 && json_str(ch, "after") &&
		    strcmp(json_str(ch, "after"), "My garden, where I grow beans") == 0)
			changed++;
	}
	CHECK(changed == 1);
	cJSON_Delete(m);

	/* the audit log has every step, newest first */
	m = ask(morgan, "{\"type\":\"audit\",\"plan\":%lld}", plan);
	CHECK(is_msg(m, "audit", NULL));
	CHECK_STR(json_str(m, "rows.0.action"), "signed_off");
	CHECK(audit_has(m, "plan_invited", "casey"));
	CHECK(audit_has(m, "comment_added", "casey"));
	CHECK(audit_has(m, "sent_back", "casey"));
	CHECK(audit_has(m, "ready_to_agree", "casey"));
	CHECK(audit_has(m, "person_agreed", "person"));
	CHECK(audit_has(m, "caseworker_agreed", "casey"));
	CHECK(audit_has(m, "agreed", "casey"));
	CHECK(audit_has(m, "signed_off", "morgan"));
	CHECK(audit_has(m, "version_frozen", "person"));
	CHECK(audit_has(m, "version_frozen", "morgan"));
	cJSON_Delete(m);
	CHECK(db_count("SELECT count(*) FROM audit WHERE plan_id = ? AND action = 'version_frozen'",
		       plan) == 4);
out:
	wsclient_free(casey);
	wsclient_free(morgan);
	wsclient_free(ada);
}

static void audit_and_version_rows_should_refuse_update_and_delete_in_the_database(void)
{
	static const char *const attacks[] = {
	    "UPDATE audit SET action = 'nothing' WHERE plan_id = ?1",
	    "DELETE FROM audit WHERE plan_id = ?1",
	    "UPDATE versions SET snapshot = '{}' WHERE plan_id = ?1",
	    "DELETE FROM versions WHERE plan_id = ?1",
	    ("INSERT OR REPLACE INTO versions (plan_id, n, kind, actor_kind, snapshot) "
	     "VALUES (?1, 1, 'submitted', 'system', '{}')"),
	};
	long long audit = db_count("SELECT count(*) FROM audit WHERE plan_id = ?", loop_plan);
	long long versions = db_count("SELECT count(*) FROM versions WHERE plan_id = ?", loop_plan);
	sqlite3 *db = db_open();

	CHECK(loop_plan > 0 && audit > 0 && versions > 0);
	CHECK(db != NULL);
	for (size_t i = 0; db && i < sizeof(attacks) / sizeof(*attacks); i++) {
		sqlite3_stmt *q = NULL;
		int rc = sqlite3_prepare_v2(db, attacks[i], -1, &q, NULL);

		CHECK(rc == SQLITE_OK);
		sqlite3_bind_int64(q, 1, loop_plan);
		rc = sqlite3_step(q);
		CHECK(rc != SQLITE_DONE);
		if (rc == SQLITE_DONE)
			fprintf(stderr, "  the database allowed: %s\n", attacks[i]);
		sqlite3_finalize(q);
	}
	sqlite3_close(db);
	CHECK(db_count("SELECT count(*) FROM audit WHERE plan_id = ?", loop_plan) == audit);
	CHECK(db_count("SELECT count(*) FROM versions WHERE plan_id = ?", loop_plan) == versions);
	CHECK(db_count("SELECT count(*) FROM audit WHERE action = 'nothing'", 0) == 0);
}

static void impossible_moves_over_the_wire_should_change_nothing(void)
{
	wsclient *casey = staff_as("casey", CASEY_PW), *morgan = staff_as("morgan", MORGAN_PW);
	long long audit = db_count("SELECT count(*) FROM audit WHERE plan_id = ?", loop_plan);
	cJSON *m;

	CHECK(casey && morgan && loop_plan > 0);
	if (!casey || !morgan)
		goto out;
	m = ask(casey, "{\"type\":\"send_back\",\"seq\":4,\"plan\":%lld}", loop_plan);
	CHECK(is_msg(m, "error", "not-allowed"));
	CHECK_STR(json_str(m, "status"), "signed_off");
	CHECK(json_num(m, "seq", -1) == 4);
	cJSON_Delete(m);
	CHECK(ask_is(morgan, "error", "not-allowed", "{\"type\":\"sign_off\",\"plan\":%lld}",
		     loop_plan));
	CHECK(
	    ask_is(casey, "error", "not-allowed", "{\"type\":\"agree\",\"plan\":%lld}", loop_plan));
	CHECK(ask_is(casey, "error", "not-allowed",
		     "{\"type\":\"council\",\"plan\":%lld,\"field\":\"risks\",\"value\":\"x\"}",
		     loop_plan));
	CHECK(db_count("SELECT count(*) FROM audit WHERE plan_id = ?", loop_plan) == audit);
	CHECK(db_count("SELECT count(*) FROM plans WHERE id = ? AND status = 'signed_off'",
		       loop_plan) == 1);
out:
	wsclient_free(casey);
	wsclient_free(morgan);
}

/* The staff's languages over the wire: an invitation in Urdu keeps it (the kiosk opens the plan
 * in Urdu, and the plan says so), its letter's words come in Urdu, right to left; an unknown
 * language is refused plainly and makes nothing. */
static void an_invitation_in_urdu_should_open_the_kiosk_in_urdu_and_print_its_letter(void)
{
	wsclient *casey = staff_as("casey", CASEY_PW), *k = NULL;
	long long plans = db_count("SELECT count(*) FROM plans", 0), plan = 0;
	char code[CODE_MAX] = "";
	int hello_ur = 0;
	cJSON *m;

	CHECK(casey != NULL);
	if (!casey)
		return;
	CHECK(ask_is(casey, "error", "bad-lang",
		     "{\"type\":\"invite\",\"person\":\"Imran Khan\",\"lang\":\"klingon\","
		     "\"needs\":[{\"text\":\"You need help to cook.\",\"eligible\":true}]}"));
	CHECK(db_count("SELECT count(*) FROM plans", 0) == plans);
	m = ask(casey, "{\"type\":\"invite\",\"person\":\"Imran Khan\",\"lang\":\"ur\","
		       "\"needs\":[{\"text\":\"You need help to cook.\",\"eligible\":true}]}");
	CHECK(is_msg(m, "invited", NULL));
	CHECK_STR(json_str(m, "lang"), "ur");
	plan = (long long)json_num(m, "plan", 0);
	snprintf(code, sizeof(code), "%s", json_str(m, "code") ? json_str(m, "code") : "");
	cJSON_Delete(m);
	CHECK(db_count("SELECT count(*) FROM plans WHERE id = ?1 AND lang = 'ur'", plan) == 1);

	m = ask(casey, "{\"type\":\"letter_words\",\"lang\":\"ur\"}");
	CHECK(is_msg(m, "letter_words", NULL));
	CHECK_STR(json_str(m, "dir"), "rtl");
	CHECK_STR(json_str(m, "language"), "Urdu");
	CHECK(cJSON_GetStringValue(cJSON_GetObjectItem(json_at(m, "words"), "letter.title")) !=
	      NULL);
	cJSON_Delete(m);
	CHECK(ask_is(casey, "error", "bad-lang", "{\"type\":\"letter_words\",\"lang\":\"xx\"}"));

	/* the person opens it with the code: the kiosk turns to Urdu before the page */
	k = kiosk();
	CHECK(k &&
	      ask_is(k, "kept", NULL, "{\"type\":\"answer\",\"page\":\"who\",\"value\":\"me\"}"));
	if (k) {
		char text[128];

		snprintf(text, sizeof(text), "{\"type\":\"code\",\"code\":\"%s\"}", code);
		CHECK(wsclient_send_text(k, text) == 0);
		while ((m = wsclient_recv_json(k, WAIT_MS))) {
			int page = json_str(m, "type") && strcmp(json_str(m, "type"), "page") == 0;

			hello_ur |= json_str(m, "type") &&
				    strcmp(json_str(m, "type"), "hello") == 0 &&
				    json_str(m, "lang") && strcmp(json_str(m, "lang"), "ur") == 0 &&
				    json_str(m, "dir") && strcmp(json_str(m, "dir"), "rtl") == 0;
			cJSON_Delete(m);
			if (page)
				break;
		}
	}
	CHECK(hello_ur);
	wsclient_free(k);
	m = ask(casey, "{\"type\":\"plan\",\"plan\":%lld}", plan);
	CHECK_STR(json_str(m, "lang"), "ur");
	CHECK_STR(json_str(m, "language"), "Urdu");
	CHECK_STR(json_str(m, "dir"), "rtl");
	cJSON_Delete(m);
	wsclient_free(casey);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	testsrv_watchdog(240);
	if (sodium_init() < 0)
		return 1;
	if (staffsrv_start("staffsrv", locky)) {
		CHECK(0);
		return check_report();
	}
	RUN(a_login_should_set_a_strict_cookie_and_open_the_staff_websocket);
	RUN(a_forged_origin_should_be_refused_on_login_and_on_the_staff_websocket);
	RUN(a_staff_websocket_without_a_cookie_should_get_login_needed_and_close);
	RUN(a_kiosk_connection_should_know_no_staff_message_whatever_its_cookies);
	RUN(wrong_passwords_should_be_slowed_down_after_five);
	RUN(a_logout_should_make_the_next_staff_message_get_login_needed);
	RUN(a_plan_should_go_from_invitation_to_sign_off_with_versions_and_audit);
	RUN(audit_and_version_rows_should_refuse_update_and_delete_in_the_database);
	RUN(impossible_moves_over_the_wire_should_change_nothing);
	RUN(an_invitation_in_urdu_should_open_the_kiosk_in_urdu_and_print_its_letter);
	CHECK(testsrv_alive(&srv));
	CHECK(testsrv_stop(&srv) == 0);
	staffsrv_remove_dir();
	return check_report();
}
