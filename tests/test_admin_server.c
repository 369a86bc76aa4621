/* test_admin_server: the admins' pages' messages against the real server binary (docs/staff.md,
 * "Users", "The service's audit log", "Health"). An admin logs in over HTTP as the login form
 * does, and manages accounts on the staff websocket: the accounts they make log in over HTTP with
 * the password the reply gave; a disabled or re-passworded user's open page is logged out at its
 * next message; refusals change nothing in the database; the new password is in no database
 * file, and never in the audit log. */
#define _GNU_SOURCE /* memmem */
#include "check.h"
#include "staffsrv.h"
#include "store.h"
#include "users.h"
#include "wsclient.h"

#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ADMIN_MSGS 8

/* Every admin message, each well formed. */
static const char *const admin_msgs[ADMIN_MSGS] = {
    "{\"type\":\"users\"}",
    "{\"type\":\"user_add\",\"name\":\"sneaky\",\"role\":\"admin\"}",
    "{\"type\":\"user_password\",\"name\":\"ada\"}",
    "{\"type\":\"user_disable\",\"name\":\"ada\"}",
    "{\"type\":\"user_enable\",\"name\":\"ada\"}",
    "{\"type\":\"user_role\",\"name\":\"casey\",\"role\":\"admin\"}",
    "{\"type\":\"audit_log\"}",
    "{\"type\":\"health\"}",
};

/* users and audit rows now: what a refusal must leave as it was */
typedef struct snapshot {
	long long users, audit, admins, disabled;
} snapshot;

static snapshot snap(void)
{
	return (snapshot){
	    db_count("SELECT count(*) FROM users", 0),
	    db_count("SELECT count(*) FROM audit", 0),
	    db_count("SELECT count(*) FROM users WHERE role = 'admin'", 0),
	    db_count("SELECT count(*) FROM users WHERE disabled = 1", 0),
	};
}

static int same(snapshot a, snapshot b)
{
	if (a.users == b.users && a.audit == b.audit && a.admins == b.admins &&
	    a.disabled == b.disabled)
		return 1;
	fprintf(stderr, "  changed: users %lld->%lld audit %lld->%lld admins %lld->%lld\n", a.users,
		b.users, a.audit, b.audit, a.admins, b.admins);
	return 0;
}

/* 1 when the file under dir holds needle anywhere (0 when it does not or is absent). */
static int file_holds(const char *name, const char *needle)
{
	char path[160];
	FILE *f;
	char *buf;
	long n;
	int found = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f)
		return 0;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = n > 0 ? malloc((size_t)n) : NULL;
	if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n)
		found = memmem(buf, (size_t)n, needle, strlen(needle)) != NULL;
	free(buf);
	fclose(f);
	return found;
}

/* A refusal: the reply is the error `code` with plain words, and nothing changed. */
static int refused(wsclient *c, const char *code, const char *msg)
{
	snapshot before = snap();
	cJSON *m = ask(c, "%s", msg);
	int ok = is_msg(m, "error", code) && json_str(m, "message") &&
		 strlen(json_str(m, "message")) > 10 && strchr(json_str(m, "message"), ' ');

	cJSON_Delete(m);
	if (!ok)
		fprintf(stderr, "  for %s\n", msg);
	return ok && same(before, snap());
}

/* ---- who may ---- */

static void caseworkers_and_managers_should_be_refused_every_admin_message(void)
{
	wsclient *casey = staff_as("casey", CASEY_PW), *morgan = staff_as("morgan", MORGAN_PW);

	CHECK(casey && morgan);
	for (int i = 0; casey && morgan && i < ADMIN_MSGS; i++) {
		CHECK(refused(casey, "not-allowed-role", admin_msgs[i]));
		CHECK(refused(morgan, "not-allowed-role", admin_msgs[i]));
	}
	wsclient_free(casey);
	wsclient_free(morgan);
}

/* ---- accounts ---- */

static const cJSON *user_row(const cJSON *list, const char *name)
{
	const cJSON *u;

	cJSON_ArrayForEach(u, json_at(list, "users"))
	{
		if (strcmp(json_str(u, "name"), name) == 0)
			return u;
	}
	return NULL;
}

static char jo_pw[USERS_GENERATED_TEXT];

static void an_admin_should_add_a_user_who_logs_in_with_the_password_shown_once(void)
{
	wsclient *ada = staff_as("ada", ADA_PW), *jo = NULL;
	long long audit_before = db_count("SELECT count(*) FROM audit", 0);
	char cookie[128];
	cJSON *m;

	CHECK(ada != NULL);
	if (!ada)
		return;
	m = ask(ada, "{\"type\":\"user_add\",\"seq\":4,\"name\":\"jo\",\"role\":\"caseworker\"}");
	CHECK(is_msg(m, "user_added", NULL));
	CHECK(json_num(m, "seq", 0) == 4);
	CHECK_STR(json_str(m, "user.name"), "jo");
	CHECK_STR(json_str(m, "user.role"), "caseworker");
	CHECK(json_at(m, "user.disabled") && cJSON_IsFalse(json_at(m, "user.disabled")));
	snprintf(jo_pw, sizeof(jo_pw), "%s",
		 json_str(m, "password") ? json_str(m, "password") : "");
	cJSON_Delete(m);
	CHECK(strlen(jo_pw) == USERS_GENERATED_TEXT - 1);

	/* the new user logs in with it */
	CHECK(login("jo", jo_pw, cookie, sizeof(cookie)) == 0);
	jo = staff_ws(cookie, NULL);
	CHECK(jo && ask_is(jo, "me", NULL, "{\"type\":\"me\"}"));
	wsclient_free(jo);

	/* one audit row for the account, by ada, naming jo and the role, never the password */
	CHECK(db_count("SELECT count(*) FROM audit WHERE action = 'user_added' AND actor_kind = "
		       "'staff' AND actor_id = (SELECT id FROM users WHERE name = 'ada') AND "
		       "json_extract(detail, '$.name') = 'jo' AND "
		       "json_extract(detail, '$.role') = 'caseworker'",
		       0) == 1);
	CHECK(db_count("SELECT count(*) FROM audit", 0) >= audit_before + 2); /* added, login */
	CHECK(!file_holds("planaloud.db", jo_pw) && !file_holds("planaloud.db-wal", jo_pw));

	/* the list has jo, and ada's own row says so */
	m = ask(ada, "{\"type\":\"users\"}");
	CHECK(is_msg(m, "users", NULL));
	CHECK(user_row(m, "jo") && cJSON_IsFalse(json_at(user_row(m, "jo"), "you")));
	CHECK(user_row(m, "ada") && cJSON_IsTrue(json_at(user_row(m, "ada"), "you")));
	CHECK(json_count(m, "users") == db_count("SELECT count(*) FROM users", 0));
	CHECK(!json_contains_text(m, "$argon2id$"));
	cJSON_Delete(m);
	wsclient_free(ada);
}

static void bad_requests_about_users_should_be_refused_plainly_and_change_nothing(void)
{
	wsclient *ada = staff_as("ada", ADA_PW);
	char big[5001];

	CHECK(ada != NULL);
	if (!ada)
		return;
	CHECK(refused(ada, "bad-name",
		      "{\"type\":\"user_add\",\"name\":\"jo smith\",\"role\":"
		      "\"caseworker\"}"));
	CHECK(refused(ada, "bad-name",
		      "{\"type\":\"user_add\",\"name\":\"\",\"role\":"
		      "\"caseworker\"}"));
	CHECK(refused(ada, "bad-name",
		      "{\"type\":\"user_add\",\"name\":\"j\\u00f6\",\"role\":"
		      "\"caseworker\"}"));
	CHECK(refused(ada, "bad-role",
		      "{\"type\":\"user_add\",\"name\":\"kim\",\"role\":"
		      "\"superuser\"}"));
	CHECK(refused(ada, "bad-role",
		      "{\"type\":\"user_add\",\"name\":\"kim\",\"role\":"
		      "\"Admin\"}"));
	CHECK(refused(ada, "bad-message", "{\"type\":\"user_add\",\"name\":\"kim\"}"));
	CHECK(refused(ada, "bad-message",
		      "{\"type\":\"user_add\",\"name\":7,\"role\":"
		      "\"caseworker\"}"));
	CHECK(refused(ada, "name-taken",
		      "{\"type\":\"user_add\",\"name\":\"JO\",\"role\":"
		      "\"manager\"}"));
	CHECK(refused(ada, "no-user", "{\"type\":\"user_disable\",\"name\":\"nobody\"}"));
	CHECK(refused(ada, "no-user", "{\"type\":\"user_password\",\"name\":\"nobody\"}"));
	CHECK(refused(ada, "no-user",
		      "{\"type\":\"user_role\",\"name\":\"nobody\",\"role\":"
		      "\"manager\"}"));
	CHECK(refused(ada, "bad-role",
		      "{\"type\":\"user_role\",\"name\":\"jo\",\"role\":"
		      "\"boss\"}"));
	CHECK(refused(ada, "bad-name", "{\"type\":\"user_enable\",\"name\":\"../etc\"}"));
	/* a name far too long is a bad name, not a crash */
	memset(big, 'a', 5000);
	big[5000] = '\0';
	{
		char msg[5100];

		snprintf(msg, sizeof(msg),
			 "{\"type\":\"user_add\",\"name\":\"%s\",\"role\":"
			 "\"caseworker\"}",
			 big);
		CHECK(refused(ada, "bad-name", msg));
	}
	/* the connection is still good */
	CHECK(ask_is(ada, "users", NULL, "{\"type\":\"users\"}"));
	/* a message over 64 KiB: too-big, nothing added, and the connection closes (1009) */
	{
		snapshot before = snap();
		size_t n = 70000;
		char *msg = malloc(n + 1);
		cJSON *m;

		CHECK(msg != NULL);
		if (msg) {
			int head = snprintf(msg, n + 1,
					    "{\"type\":\"user_add\",\"role\":\"admin\","
					    "\"name\":\"");

			memset(msg + head, 'a', n - (size_t)head - 2);
			memcpy(msg + n - 2, "\"}", 3);
			CHECK(wsclient_send_frame(ada, 1, WS_OP_TEXT, msg, n, 1) == 0);
			m = wsclient_recv_json(ada, WAIT_MS);
			CHECK(is_msg(m, "error", "too-big"));
			cJSON_Delete(m);
			CHECK(wsclient_wait_close(ada, WAIT_MS) == 1009);
			CHECK(same(before, snap()));
			free(msg);
		}
	}
	wsclient_free(ada);
}

static void a_new_password_should_end_the_users_sessions_and_replace_the_old_one(void)
{
	wsclient *ada = staff_as("ada", ADA_PW), *jo = staff_as("jo", jo_pw);
	char cookie[128], pw[USERS_GENERATED_TEXT] = "";
	cJSON *m;

	CHECK(ada && jo);
	if (!ada || !jo)
		goto out;
	m = ask(ada, "{\"type\":\"user_password\",\"name\":\"jo\"}");
	CHECK(is_msg(m, "user_password", NULL));
	CHECK_STR(json_str(m, "user.name"), "jo");
	snprintf(pw, sizeof(pw), "%s", json_str(m, "password") ? json_str(m, "password") : "");
	cJSON_Delete(m);
	CHECK(strlen(pw) == USERS_GENERATED_TEXT - 1 && strcmp(pw, jo_pw) != 0);
	/* jo's open page is logged out at its next message */
	m = ask(jo, "{\"type\":\"me\"}");
	CHECK(is_msg(m, "error", "login-needed"));
	cJSON_Delete(m);
	/* the old password opens nothing; the new one does */
	CHECK(login("jo", jo_pw, cookie, sizeof(cookie)) != 0);
	CHECK(login("jo", pw, cookie, sizeof(cookie)) == 0);
	CHECK(db_count("SELECT count(*) FROM audit WHERE action = 'password_set' AND "
		       "json_extract(detail, '$.name') = 'jo' AND actor_id = "
		       "(SELECT id FROM users WHERE name = 'ada')",
		       0) == 1);
	CHECK(!file_holds("planaloud.db", pw) && !file_holds("planaloud.db-wal", pw));
	snprintf(jo_pw, sizeof(jo_pw), "%s", pw);
	/* an admin's own password is not changed here */
	CHECK(refused(ada, "own-account", "{\"type\":\"user_password\",\"name\":\"ada\"}"));
out:
	wsclient_free(ada);
	wsclient_free(jo);
}

static void disabling_should_log_the_user_out_at_once_and_enabling_let_them_back(void)
{
	wsclient *ada = staff_as("ada", ADA_PW), *jo = staff_as("jo", jo_pw);
	char cookie[128];
	cJSON *m;

	CHECK(ada && jo);
	if (!ada || !jo)
		goto out;
	m = ask(ada, "{\"type\":\"user_disable\",\"name\":\"jo\"}");
	CHECK(is_msg(m, "users", NULL));
	CHECK(cJSON_IsTrue(json_at(user_row(m, "jo"), "disabled")));
	cJSON_Delete(m);
	m = ask(jo, "{\"type\":\"caseload\"}");
	CHECK(is_msg(m, "error", "login-needed"));
	cJSON_Delete(m);
	CHECK(login("jo", jo_pw, cookie, sizeof(cookie)) != 0);
	CHECK(db_count("SELECT count(*) FROM staff_sessions WHERE user_id = "
		       "(SELECT id FROM users WHERE name = 'jo')",
		       0) == 0);
	/* disabling again changes nothing and audits nothing */
	CHECK(refused(ada, "own-account", "{\"type\":\"user_disable\",\"name\":\"ada\"}"));
	{
		snapshot before = snap();

		CHECK(ask_is(ada, "users", NULL, "{\"type\":\"user_disable\",\"name\":\"jo\"}"));
		CHECK(same(before, snap()));
	}
	m = ask(ada, "{\"type\":\"user_enable\",\"name\":\"Jo\"}");
	CHECK(is_msg(m, "users", NULL));
	CHECK(cJSON_IsFalse(json_at(user_row(m, "jo"), "disabled")));
	cJSON_Delete(m);
	CHECK(login("jo", jo_pw, cookie, sizeof(cookie)) == 0);
	CHECK(db_count("SELECT count(*) FROM audit WHERE action IN ('user_disabled', "
		       "'user_enabled') AND json_extract(detail, '$.name') = 'jo'",
		       0) == 2);
out:
	wsclient_free(ada);
	wsclient_free(jo);
}

static void roles_should_change_but_never_leave_the_service_without_an_admin(void)
{
	wsclient *ada = staff_as("ada", ADA_PW), *jo = staff_as("jo", jo_pw);
	cJSON *m;

	CHECK(ada && jo);
	if (!ada || !jo)
		goto out;
	/* jo becomes a manager: their open page is a manager's at its next message */
	m = ask(ada, "{\"type\":\"user_role\",\"name\":\"jo\",\"role\":\"manager\"}");
	CHECK(is_msg(m, "users", NULL));
	CHECK_STR(json_str(user_row(m, "jo"), "role"), "manager");
	cJSON_Delete(m);
	m = ask(jo, "{\"type\":\"me\"}");
	CHECK_STR(json_str(m, "role"), "manager");
	cJSON_Delete(m);
	CHECK(db_count("SELECT count(*) FROM audit WHERE action = 'role_changed' AND "
		       "json_extract(detail, '$.from') = 'caseworker' AND "
		       "json_extract(detail, '$.to') = 'manager'",
		       0) == 1);

	/* ada is the only admin: not without saying so, and not at all while alone */
	CHECK(refused(ada, "confirm-own-role",
		      "{\"type\":\"user_role\",\"name\":\"ada\",\"role\":\"manager\"}"));
	CHECK(refused(ada, "last-admin",
		      "{\"type\":\"user_role\",\"name\":\"ada\",\"role\":\"manager\","
		      "\"confirm\":true}"));
	/* with jo an admin too, ada may step down (confirmed), and is then refused at once */
	CHECK(ask_is(ada, "users", NULL,
		     "{\"type\":\"user_role\",\"name\":\"jo\",\"role\":\"admin\"}"));
	CHECK(ask_is(ada, "users", NULL,
		     "{\"type\":\"user_role\",\"name\":\"ada\",\"role\":\"manager\","
		     "\"confirm\":true}"));
	CHECK(refused(ada, "not-allowed-role", "{\"type\":\"users\"}"));
	/* jo, the last admin, cannot be disabled by anyone, nor step down */
	CHECK(refused(jo, "own-account", "{\"type\":\"user_disable\",\"name\":\"jo\"}"));
	CHECK(refused(jo, "last-admin",
		      "{\"type\":\"user_role\",\"name\":\"jo\",\"role\":\"caseworker\","
		      "\"confirm\":true}"));
	/* and puts ada back */
	CHECK(ask_is(jo, "users", NULL,
		     "{\"type\":\"user_role\",\"name\":\"ada\",\"role\":\"admin\"}"));
	CHECK(ask_is(ada, "users", NULL, "{\"type\":\"users\"}"));
	CHECK(db_count("SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0", 0) == 2);
out:
	wsclient_free(ada);
	wsclient_free(jo);
}

/* ---- the service's audit log ---- */

static int rows_all(const cJSON *m, const char *const *actions, size_t n)
{
	const cJSON *r;

	cJSON_ArrayForEach(r, json_at(m, "rows"))
	{
		int ok = 0;

		for (size_t i = 0; i < n; i++)
			ok |= strcmp(json_str(r, "action"), actions[i]) == 0;
		if (!ok) {
			fprintf(stderr, "  unexpected row %s\n", json_str(r, "action"));
			return 0;
		}
	}
	return 1;
}

static int has_row(const cJSON *m, const char *action, const char *who)
{
	const cJSON *r;

	cJSON_ArrayForEach(r, json_at(m, "rows"))
	{
		if (strcmp(json_str(r, "action"), action) == 0 &&
		    strcmp(json_str(r, "who"), who) == 0)
			return 1;
	}
	fprintf(stderr, "  no row %s by %s\n", action, who);
	return 0;
}

static void the_service_log_should_list_logins_and_account_changes_by_kind_and_user(void)
{
	static const char *const failed[] = {"login_failed"};
	static const char *const accounts[] = {"user_added", "user_disabled", "user_enabled",
					       "password_set", "role_changed"};
	wsclient *ada = staff_as("ada", ADA_PW);
	char cookie[128];
	long long newest = 0, prev = 0;
	const cJSON *r;
	cJSON *m;

	CHECK(ada != NULL);
	if (!ada)
		return;
	CHECK(login("jo", "not the password at all", cookie, sizeof(cookie)) != 0);

	/* everything: newest first, logins and account changes, no plan's rows */
	m = ask(ada, "{\"type\":\"audit_log\"}");
	CHECK(is_msg(m, "audit_log", NULL));
	CHECK(has_row(m, "login_ok", "ada") && has_row(m, "user_added", "ada") &&
	      has_row(m, "login_failed", "jo"));
	cJSON_ArrayForEach(r, json_at(m, "rows"))
	{
		long long id = (long long)json_num(r, "id", 0);

		CHECK(prev == 0 || id < prev);
		prev = id;
		if (!newest)
			newest = id;
	}
	CHECK(json_count(m, "kinds") == 4 && json_str(m, "kinds.0.text"));
	cJSON_Delete(m);

	m = ask(ada, "{\"type\":\"audit_log\",\"kind\":\"failed_logins\"}");
	CHECK(is_msg(m, "audit_log", NULL) && json_count(m, "rows") >= 1);
	CHECK(rows_all(m, failed, 1));
	CHECK(!json_contains_text(m, "not the password"));
	cJSON_Delete(m);

	m = ask(ada, "{\"type\":\"audit_log\",\"kind\":\"accounts\",\"user\":\"jo\"}");
	CHECK(is_msg(m, "audit_log", NULL));
	CHECK(rows_all(m, accounts, 5));
	CHECK(
	    json_count(m, "rows") ==
	    db_count("SELECT count(*) FROM audit WHERE plan_id IS NULL AND action IN "
		     "('user_added','user_disabled','user_enabled','password_set',"
		     "'role_changed') AND (actor_id = (SELECT id FROM users WHERE name = 'jo') OR "
		     "json_extract(detail, '$.user_id') = (SELECT id FROM users WHERE name = "
		     "'jo'))",
		     0));
	cJSON_ArrayForEach(r, json_at(m, "rows"))
	{
		CHECK(strcmp(json_str(r, "who"), "jo") == 0 ||
		      strcmp(json_str(r, "detail.name"), "jo") == 0);
	}
	cJSON_Delete(m);

	/* older than the newest: the newest is not there */
	m = ask(ada, "{\"type\":\"audit_log\",\"before\":%lld}", newest);
	CHECK(is_msg(m, "audit_log", NULL));
	CHECK(json_num(m, "rows.0.id", 0) < (double)newest);
	cJSON_Delete(m);

	CHECK(refused(ada, "bad-kind", "{\"type\":\"audit_log\",\"kind\":\"everything\"}"));
	CHECK(refused(ada, "no-user", "{\"type\":\"audit_log\",\"user\":\"nobody\"}"));
	CHECK(refused(ada, "bad-name", "{\"type\":\"audit_log\",\"user\":\"no body\"}"));
	CHECK(refused(ada, "bad-message", "{\"type\":\"audit_log\",\"before\":-3}"));
	CHECK(refused(ada, "bad-message", "{\"type\":\"audit_log\",\"kind\":3}"));
	wsclient_free(ada);
}

/* ---- health ---- */

static const cJSON *health_row(const cJSON *m, const char *id)
{
	const cJSON *r;

	cJSON_ArrayForEach(r, json_at(m, "rows"))
	{
		if (strcmp(json_str(r, "id"), id) == 0)
			return r;
	}
	fprintf(stderr, "  no health row %s\n", id);
	return NULL;
}

static void health_should_say_the_version_uptime_database_plans_flags_and_connections(void)
{
	wsclient *ada = staff_as("ada", ADA_PW), *casey = staff_as("casey", CASEY_PW);
	const cJSON *row;
	cJSON *m;

	CHECK(ada && casey);
	if (!ada || !casey)
		goto out;
	CHECK(ask_is(casey, "invited", NULL,
		     "{\"type\":\"invite\",\"person\":\"Alex Smith\",\"needs\":[{\"text\":"
		     "\"You need help to cook.\",\"eligible\":true}],\"budget\":\"100\","
		     "\"managing\":[\"direct\"]}"));
	m = ask(ada, "{\"type\":\"health\"}");
	CHECK(is_msg(m, "health", NULL));
	CHECK((row = health_row(m, "version")) && *json_str(row, "value") &&
	      *json_str(row, "label"));
	CHECK((row = health_row(m, "uptime")) && json_num(row, "seconds", -1) >= 0 &&
	      json_str(row, "time"));
	CHECK((row = health_row(m, "database")) && json_num(row, "bytes", 0) >= 4096);
	CHECK((row = health_row(m, "plans")) &&
	      atoll(json_str(row, "value")) == db_count("SELECT count(*) FROM plans", 0) &&
	      json_count(row, "items") == 7);
	CHECK((row = health_row(m, "flags")) &&
	      atoll(json_str(row, "value")) ==
		  db_count("SELECT count(*) FROM flags WHERE closed_at IS NULL", 0) &&
	      json_count(row, "items") == 3);
	/* ada's page and casey's at least */
	CHECK((row = health_row(m, "connections")) && atoll(json_str(row, "value")) >= 2 &&
	      atoll(json_str(row, "items.0.value")) >= 2);
	/* no backup taken here: said so, with no age; no alerts set up, none waiting */
	CHECK((row = health_row(m, "backup")) && *json_str(row, "value") &&
	      json_num(row, "seconds", -1) == -1);
	CHECK((row = health_row(m, "alerts")) &&
	      atoll(json_str(row, "value")) == db_count("SELECT count(*) FROM alerts WHERE "
							"sent_ms IS NULL",
							0) &&
	      json_count(row, "items") == 1);
	cJSON_Delete(m);
out:
	wsclient_free(ada);
	wsclient_free(casey);
}

/* A rare kind among many newer rows: each reply looks at a bounded number of rows, and says
 * where to go on from. */
static void a_rare_filter_should_page_through_many_newer_rows_a_window_at_a_time(void)
{
	wsclient *ada = staff_as("ada", ADA_PW);
	sqlite3 *db = db_open();
	long long before = 0;
	int asked = 0, found = 0;
	cJSON *m;

	CHECK(ada && db);
	if (!ada || !db)
		goto out;
	CHECK(sqlite3_exec(db,
			   "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE "
			   "i < 6000) INSERT INTO audit (actor_kind, actor_id, role, action) "
			   "SELECT 'staff', 1, 'caseworker', 'logout' FROM n",
			   NULL, NULL, NULL) == SQLITE_OK);
	m = ask(ada, "{\"type\":\"audit_log\",\"kind\":\"accounts\",\"user\":\"jo\"}");
	CHECK(is_msg(m, "audit_log", NULL) && json_count(m, "rows") == 0);
	before = (long long)json_num(m, "before", 0);
	cJSON_Delete(m);
	CHECK(before > 0);
	while (before > 0 && asked++ < 5) {
		m = ask(ada,
			"{\"type\":\"audit_log\",\"kind\":\"accounts\",\"user\":\"jo\","
			"\"before\":%lld}",
			before);
		CHECK(is_msg(m, "audit_log", NULL));
		found += json_count(m, "rows");
		before = (long long)json_num(m, "before", 0);
		cJSON_Delete(m);
	}
	CHECK(asked == 1 && before == 0); /* the newest 5,000, then the rest */
	CHECK(found > 0 &&
	      found ==
		  db_count("SELECT count(*) FROM audit WHERE plan_id IS NULL AND action IN "
			   "('user_added','user_disabled','user_enabled','password_set',"
			   "'role_changed') AND (actor_id = (SELECT id FROM users WHERE name = "
			   "'jo') OR json_extract(detail, '$.user_id') = (SELECT id FROM users "
			   "WHERE name = 'jo'))",
			   0));
out:
	sqlite3_close(db);
	wsclient_free(ada);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	testsrv_watchdog(240);
	if (sodium_init() < 0)
		return 1;
	if (staffsrv_start("adminsrv", NULL)) {
		CHECK(0);
		return check_report();
	}
	RUN(caseworkers_and_managers_should_be_refused_every_admin_message);
	RUN(an_admin_should_add_a_user_who_logs_in_with_the_password_shown_once);
	RUN(bad_requests_about_users_should_be_refused_plainly_and_change_nothing);
	RUN(a_new_password_should_end_the_users_sessions_and_replace_the_old_one);
	RUN(disabling_should_log_the_user_out_at_once_and_enabling_let_them_back);
	RUN(roles_should_change_but_never_leave_the_service_without_an_admin);
	RUN(the_service_log_should_list_logins_and_account_changes_by_kind_and_user);
	RUN(health_should_say_the_version_uptime_database_plans_flags_and_connections);
	RUN(a_rare_filter_should_page_through_many_newer_rows_a_window_at_a_time);
	CHECK(testsrv_alive(&srv));
	CHECK(testsrv_stop(&srv) == 0);
	staffsrv_remove_dir();
	return check_report();
}
