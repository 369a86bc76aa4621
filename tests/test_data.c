/* test_data: people's data over its whole life, through staff.c without a network and the store
 * underneath: staff reads audited (merged per user, plan and five minutes on a test clock), a
 * plan erased (admins only, confirmed by its number; every row gone, a tombstone and the audit
 * rows kept, the number never used again), everything about a person exported, and the
 * retention schedule on a test clock. The store is a real SQLite file; the person's side is the
 * kiosk's own protocol on the same store. */
#include "check.h"
#include "fake_conn.h"
#include "staff_fixture.h"
#include "code.h"
#include "content.h"
#include "kiosk.h"
#include "retention.h"
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

/* ---- helpers ---- */

static long long real_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The plan's "plan_read" audit rows, as the audit listing shows them (newest first), into
 * rows (cJSON_Delete it); their number, or -1. */
static int plan_reads(long long plan, cJSON **rows)
{
	cJSON *r = ask(&fx.morgan, "{\"type\":\"audit\",\"plan\":%lld}", plan), *row;
	int n = 0;

	*rows = cJSON_CreateArray();
	if (!is_type(r, "audit")) {
		cJSON_Delete(r);
		return -1;
	}
	cJSON_ArrayForEach(row, at(r, "rows"))
	{
		if (strcmp(str(row, "action"), "plan_read") == 0) {
			cJSON_AddItemToArray(*rows, cJSON_Duplicate(row, 1));
			n++;
		}
	}
	cJSON_Delete(r);
	return n;
}

/* 1 when the file at path (may be missing: 0) holds the bytes of text anywhere. */
static int file_holds(const char *path, const char *text)
{
	FILE *f = fopen(path, "rb");
	size_t n = strlen(text), len = 0, got;
	char *data = NULL, *grown;
	int found = 0;

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
	for (size_t i = 0; data && len >= n && i + n <= len && !found; i++)
		found = memcmp(data + i, text, n) == 0;
	free(data);
	return found;
}

/* 1 when the database file or its write-ahead log holds text. */
static int database_holds(const char *text)
{
	char wal[160];

	snprintf(wal, sizeof(wal), "%s-wal", fx.path);
	return file_holds(fx.path, text) || file_holds(wal, text);
}

/* A plan invited for `name`, written at the kiosk by a helper (Sam) with the answer `words`,
 * sent (one frozen version), with casey's comment `comment`, a support item ("Day care for"
 * the name) and an open safeguarding flag. Its id, or 0. */
static long long full_plan(const char *name, const char *words, const char *comment)
{
	char code[CODE_MAX];
	long long plan = invite(name, code), item = 0;
	char what[160];
	store_actor by = {STORE_ACTOR_STAFF, 1, "caseworker"};
	kiosk_side k;
	int ok;

	if (!plan || !kiosk_open(&k, code))
		return 0;
	ok =
	    kiosk_say(&k, "{\"type\":\"answer\",\"page\":\"important\",\"value\":\"%s\"}", words) &&
	    kiosk_send(&k, plan);
	kiosk_close(&k);
	ok = ok &&
	     done(&fx.casey, "plan",
		  "{\"type\":\"comment\",\"plan\":%lld,\"section\":\"important\",\"text\":\"%s\"}",
		  plan, comment) &&
	     snprintf(what, sizeof(what), "Day care for %s", name) > 0 &&
	     store_support_add(fx.st, plan, what, 5000, &by, &item, NULL, 0) == 0 &&
	     store_flag_raise(fx.st, plan, 0, "safeguarding", "", &(int){0}) == 0;
	return ok ? plan : 0;
}

/* Rows about the plan left in every table that holds one. */
static long long rows_left(long long plan)
{
	static const char *const tables[] = {
	    "SELECT count(*) FROM plans WHERE id = ?",
	    "SELECT count(*) FROM needs WHERE plan_id = ?",
	    "SELECT count(*) FROM visits WHERE plan_id = ?",
	    "SELECT count(*) FROM items WHERE plan_id = ?",
	    "SELECT count(*) FROM answers WHERE plan_id = ?",
	    "SELECT count(*) FROM flags WHERE plan_id = ?",
	    "SELECT count(*) FROM support WHERE plan_id = ?",
	    "SELECT count(*) FROM comments WHERE plan_id = ?",
	    "SELECT count(*) FROM versions WHERE plan_id = ?",
	    "SELECT count(*) FROM reviews WHERE plan_id = ?",
	    "SELECT count(*) FROM resume_tokens WHERE plan_id = ?",
	};
	long long n = 0;

	for (size_t i = 0; i < sizeof(tables) / sizeof(*tables); i++) {
		long long c = db_count(tables[i], plan);

		if (c != 0)
			fprintf(stderr, "  %s: %lld\n", tables[i], c);
		n += c < 0 ? 1000 : c;
	}
	return n;
}

/* Runs sql on the database file through a second connection: 0 when SQLite accepted it. */
static int second_connection(const char *sql)
{
	sqlite3 *db;
	int ok = sqlite3_open(fx.path, &db) == SQLITE_OK &&
		 sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL) == SQLITE_OK &&
		 sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK;

	sqlite3_close(db);
	return ok ? 0 : -1;
}

/* ---- reads audited ---- */

static void reads_of_a_plan_should_be_audited_once_per_user_and_plan_every_five_minutes(void)
{
	long long plan = full_plan("Ari Read", "Reading words", "A comment to read");
	cJSON *rows = NULL;

	CHECK(plan > 0);
	CHECK(plan_reads(plan, &rows) == 0);
	cJSON_Delete(rows);

	/* Four reads by casey within five minutes: one row, counting each kind. */
	CHECK(done(&fx.casey, "plan", "{\"type\":\"plan\",\"plan\":%lld}", plan));
	fx.now += 60;
	CHECK(done(&fx.casey, "versions", "{\"type\":\"versions\",\"plan\":%lld}", plan));
	CHECK(
	    done(&fx.casey, "diff", "{\"type\":\"diff\",\"plan\":%lld,\"from\":1,\"to\":1}", plan));
	fx.now += 200;
	CHECK(done(&fx.casey, "plan", "{\"type\":\"plan\",\"plan\":%lld}", plan));
	CHECK(plan_reads(plan, &rows) == 1);
	CHECK(num(rows, "0.detail.reads") == 4);
	CHECK(num(rows, "0.detail.counts.plan") == 2);
	CHECK(num(rows, "0.detail.counts.versions") == 1);
	CHECK(num(rows, "0.detail.counts.diff") == 1);
	CHECK_STR(str(rows, "0.who"), "casey");
	CHECK_STR(str(rows, "0.detail.kind"), "plan");
	cJSON_Delete(rows);

	/* Another reader has a row of their own. */
	CHECK(done(&fx.mandy, "versions", "{\"type\":\"versions\",\"plan\":%lld}", plan));
	CHECK(plan_reads(plan, &rows) == 2);
	CHECK_STR(str(rows, "0.who"), "mandy");
	CHECK_STR(str(rows, "0.detail.kind"), "versions");
	cJSON_Delete(rows);

	/* Five minutes after casey's first read, the next starts a new row. */
	fx.now += 41;
	CHECK(done(&fx.casey, "plan", "{\"type\":\"plan\",\"plan\":%lld}", plan));
	CHECK(plan_reads(plan, &rows) == 3);
	CHECK(num(rows, "0.detail.reads") == 1);
	cJSON_Delete(rows);

	/* A refused read is not a read: the admin reads no plans, and a plan that is not there. */
	CHECK(refused(&fx.ada, "not-allowed-role", "{\"type\":\"plan\",\"plan\":%lld}", plan));
	CHECK(refused(&fx.casey, "no-plan", "{\"type\":\"plan\",\"plan\":%lld}", plan + 1000));
	CHECK(plan_reads(plan, &rows) == 3);
	cJSON_Delete(rows);
	CHECK(db_count("SELECT count(*) FROM audit WHERE action = 'plan_read' AND plan_id = ?",
		       plan + 1000) == 0);
}

/* ---- erasure ---- */

static void only_an_admin_should_erase_and_only_with_the_plans_number_and_a_known_reason(void)
{
	long long plan = full_plan("Bo Refuse", "Words kept", "A comment kept");
	long long audit = db_count("SELECT count(*) FROM audit WHERE plan_id = ?", plan);

	CHECK(plan > 0);
	CHECK(refused(&fx.casey, "not-allowed-role",
		      "{\"type\":\"erase\",\"plan\":%lld,\"reason\":\"person_asked\","
		      "\"confirm\":\"%lld\"}",
		      plan, plan));
	CHECK(refused(&fx.morgan, "not-allowed-role",
		      "{\"type\":\"erase\",\"plan\":%lld,\"reason\":\"person_asked\","
		      "\"confirm\":\"%lld\"}",
		      plan, plan));
	CHECK(refused(&fx.ada, "confirm-plan",
		      "{\"type\":\"erase\",\"plan\":%lld,\"reason\":\"person_asked\","
		      "\"confirm\":\"%lld\"}",
		      plan, plan + 1));
	CHECK(refused(&fx.ada, "confirm-plan",
		      "{\"type\":\"erase\",\"plan\":%lld,\"reason\":\"person_asked\"}", plan));
	CHECK(refused(&fx.ada, "confirm-plan",
		      "{\"type\":\"erase\",\"plan\":%lld,\"reason\":\"person_asked\","
		      "\"confirm\":\"%lldx\"}",
		      plan, plan));
	CHECK(refused(&fx.ada, "bad-field",
		      "{\"type\":\"erase\",\"plan\":%lld,\"reason\":\"draft_expired\","
		      "\"confirm\":\"%lld\"}",
		      plan, plan));
	CHECK(refused(&fx.ada, "bad-field",
		      "{\"type\":\"erase\",\"plan\":%lld,\"reason\":\"because\",\"confirm\":%lld}",
		      plan, plan));
	CHECK(refused(&fx.ada, "bad-message", "{\"type\":\"erase\",\"plan\":%lld,\"confirm\":%lld}",
		      plan, plan));
	CHECK(refused(&fx.ada, "no-plan",
		      "{\"type\":\"erase\",\"plan\":%lld,\"reason\":\"person_asked\","
		      "\"confirm\":%lld}",
		      plan + 1000, plan + 1000));
	/* Nothing was erased and nothing written. */
	CHECK(db_count("SELECT count(*) FROM plans WHERE id = ?", plan) == 1);
	CHECK(db_count("SELECT count(*) FROM answers WHERE plan_id = ?", plan) > 0);
	CHECK(db_count("SELECT count(*) FROM erasures WHERE plan_id = ?", plan) == 0);
	CHECK(db_count("SELECT count(*) FROM audit WHERE plan_id = ?", plan) == audit);
	CHECK(database_holds("Words kept"));
}

static void an_erased_plan_should_leave_only_a_tombstone_and_its_audit_rows(void)
{
	long long plan = full_plan("Robin Quince", "Zanzibar marmalade", "Pelican crossing note");
	long long audit, again;
	cJSON *r;

	CHECK(plan > 0);
	CHECK(done(&fx.casey, "plan", "{\"type\":\"plan\",\"plan\":%lld}", plan));
	audit = db_count("SELECT count(*) FROM audit WHERE plan_id = ?", plan);
	CHECK(database_holds("Zanzibar marmalade"));

	r = ask(&fx.ada,
		"{\"type\":\"erase\",\"seq\":3,\"plan\":%lld,\"reason\":\"person_asked\","
		"\"confirm\":\" %lld \"}",
		plan, plan);
	CHECK(is_type(r, "erased") && num(r, "plan") == (double)plan && num(r, "seq") == 3);
	CHECK_STR(str(r, "reason"), "person_asked");
	cJSON_Delete(r);

	/* Every row about the person has gone, and their words are nowhere in the files. */
	CHECK(rows_left(plan) == 0);
	CHECK(!database_holds("Zanzibar marmalade"));
	CHECK(!database_holds("Robin Quince"));
	CHECK(!database_holds("Pelican crossing note"));
	CHECK(!database_holds("Day care for Robin"));

	/* The tombstone and the audit rows stay, with one more naming the reason. */
	CHECK(db_count("SELECT count(*) FROM erasures WHERE plan_id = ? AND reason = "
		       "'person_asked' AND actor_kind = 'staff' AND role = 'admin'",
		       plan) == 1);
	CHECK(db_count("SELECT count(*) FROM audit WHERE plan_id = ?", plan) == audit + 1);
	CHECK(db_count("SELECT count(*) FROM audit WHERE plan_id = ? AND action = 'plan_erased' "
		       "AND json_extract(detail, '$.reason') = 'person_asked'",
		       plan) == 1);
	r = ask(&fx.ada, "{\"type\":\"audit\",\"plan\":%lld}", plan);
	CHECK(str(r, "erased.at") && strcmp(str(r, "erased.reason"), "person_asked") == 0);
	CHECK(is_type(r, "audit") && at(r, "rows.0") &&
	      strcmp(str(r, "rows.0.action"), "plan_erased") == 0);
	cJSON_Delete(r);

	/* The plan is not there for anyone, and erasing it again finds nothing. */
	CHECK(refused(&fx.casey, "no-plan", "{\"type\":\"plan\",\"plan\":%lld}", plan));
	CHECK(refused(&fx.ada, "no-plan",
		      "{\"type\":\"erase\",\"plan\":%lld,\"reason\":\"person_asked\","
		      "\"confirm\":%lld}",
		      plan, plan));

	/* Its number is never used again, though it was the newest. */
	again = invite("Next Person", NULL);
	CHECK(again == plan + 1);

	/* The database itself allows no other way: frozen versions of a plan that was not erased,
	 * the tombstone, and the erased number are all refused to any program. */
	CHECK(second_connection("DELETE FROM versions") != 0);
	CHECK(second_connection("DELETE FROM erasures") != 0);
	CHECK(second_connection("UPDATE erasures SET reason = 'made_in_error'") != 0);
	CHECK(db_count("SELECT count(*) FROM versions WHERE plan_id != ?", plan) > 0);
	{
		char sql[256];

		snprintf(sql, sizeof(sql),
			 "INSERT INTO plans (id, code_hash) VALUES (%lld, randomblob(32))", plan);
		CHECK(second_connection(sql) != 0);
		snprintf(sql, sizeof(sql),
			 "INSERT INTO erasures (plan_id, at_ms, actor_kind, reason) VALUES "
			 "(%lld, 1, 'system', 'person_asked')",
			 again + 1000);
		CHECK(second_connection(sql) != 0); /* no such plan */
	}
}

static void a_kiosk_with_the_plan_open_should_be_told_its_change_was_not_saved(void)
{
	static const char answer[] =
	    "{\"type\":\"answer\",\"seq\":5,\"page\":\"important\",\"value\":\"Still here\"}";
	char code[CODE_MAX];
	long long plan = invite("Hal Open", code);
	const char *said;
	kiosk_side k;

	CHECK(plan > 0 && kiosk_open(&k, code));
	CHECK(done(&fx.ada, "erased",
		   "{\"type\":\"erase\",\"plan\":%lld,\"reason\":\"made_in_error\","
		   "\"confirm\":%lld}",
		   plan, plan));
	fake_reset(&k.conn);
	kiosk_handle(k.s, answer, strlen(answer), 0);
	kiosk_flush(fx.kiosk, NULL, 0);
	said = k.conn.n >= 1 ? k.conn.sent[k.conn.n - 1] : "nothing";
	CHECK(strstr(said, "\"not-saved\"") != NULL);
	kiosk_close(&k);
	CHECK(rows_left(plan) == 0);
	CHECK(!database_holds("Still here"));
}

/* ---- export ---- */

static void an_export_should_hold_every_answer_comment_and_version_and_be_audited(void)
{
	long long plan = full_plan("Cal Export", "Tangerine allotment", "Heron comment");
	long long before;
	cJSON *r;
	char *text;

	CHECK(plan > 0);
	CHECK(refused(&fx.casey, "not-allowed-role", "{\"type\":\"export\",\"plan\":%lld}", plan));
	CHECK(refused(&fx.morgan, "no-plan", "{\"type\":\"export\",\"plan\":%lld}", plan + 1000));
	before = db_count("SELECT count(*) FROM audit WHERE plan_id = ? AND action = "
			  "'data_exported'",
			  plan);
	CHECK(before == 0);

	for (int who = 0; who < 2; who++) {
		r = ask(who ? &fx.ada : &fx.morgan, "{\"type\":\"export\",\"seq\":9,\"plan\":%lld}",
			plan);
		CHECK(is_type(r, "export") && num(r, "plan") == (double)plan);
		text = r ? cJSON_PrintUnformatted(r) : NULL;
		CHECK(text && strstr(text, "Tangerine allotment"));
		CHECK(text && strstr(text, "Heron comment"));
		CHECK(text && strstr(text, "Cal Export"));
		CHECK(text && strstr(text, "Day care for Cal Export"));
		CHECK(text && strstr(text, "You need help to wash."));
		free(text);
		/* The answer is in the frozen version too, and the history is there. */
		text = cJSON_PrintUnformatted(at(r, "data.versions.0.snapshot"));
		CHECK(text && strstr(text, "Tangerine allotment"));
		free(text);
		CHECK_STR(str(r, "data.versions.0.kind"), "submitted");
		CHECK(cJSON_GetArraySize(at(r, "data.audit")) > 3);
		CHECK(at(r, "data.sections") && at(r, "data.comments.0") && at(r, "data.flags.0"));
		CHECK(!at(r, "data.can"));
		cJSON_Delete(r);
	}
	CHECK(db_count("SELECT count(*) FROM audit WHERE plan_id = ? AND action = "
		       "'data_exported'",
		       plan) == 2);
}

/* ---- retention ---- */

/* Moves a plan along the statuses directly (the workflow is tested elsewhere). */
static int move(long long plan, plan_status from, plan_status to, long long now_ms)
{
	return store_plan_move(fx.st, plan, from, to, now_ms);
}

static int erased_for(long long plan, const char *reason)
{
	store_erasure e;

	return store_plan_erased(fx.st, plan, &e) == 0 && strcmp(e.reason, reason) == 0 &&
	       strcmp(e.actor_kind, "system") == 0;
}

static void retention_should_erase_untouched_anonymous_drafts_and_long_closed_plans_only(void)
{
	const long long day = 24LL * 60 * 60 * 1000, now = real_now_ms();
	retention_config cfg = {30, 7}, forever = {0, 0};
	retention_counts n;
	char code[CODE_MAX];
	long long anon, invited, sent, signed_off, not_agreed;
	kiosk_side k = {0};
	char err[STORE_ERR_LEN] = "";

	/* A plan started at a kiosk without a code, with one answer. */
	k.s = kiosk_session_open(fx.kiosk, &k.conn, "127.0.0.9");
	CHECK(kiosk_say(&k, "{\"type\":\"new_plan\",\"seq\":1}"));
	anon = db_count("SELECT max(id) FROM plans", 0);
	CHECK(kiosk_say(&k, "{\"type\":\"answer\",\"page\":\"important\",\"value\":\"Ostrich\"}"));
	kiosk_close(&k);
	invited = invite("Dee Invited", code);
	sent = invite("Eli Sent", NULL);
	signed_off = invite("Fay Signed", NULL);
	not_agreed = invite("Gus Not", NULL);
	CHECK(anon > 0 && invited > anon && sent && signed_off && not_agreed);
	CHECK(move(sent, PLAN_DRAFT, PLAN_SUBMITTED, now) == 0);
	CHECK(move(signed_off, PLAN_DRAFT, PLAN_SUBMITTED, now) == 0 &&
	      move(signed_off, PLAN_SUBMITTED, PLAN_AGREED, now) == 0 &&
	      move(signed_off, PLAN_AGREED, PLAN_SIGNED_OFF, now) == 0);
	CHECK(move(not_agreed, PLAN_DRAFT, PLAN_SUBMITTED, now) == 0 &&
	      move(not_agreed, PLAN_SUBMITTED, PLAN_NOT_AGREED, now) == 0);

	/* Kept for ever when the schedule says 0; nothing before its time. */
	CHECK(retention_run(fx.st, &forever, now + 20 * 365 * day, 20, &n, err, sizeof(err)) == 0);
	CHECK(n.drafts == 0 && n.closed == 0 && n.more == 0);
	CHECK(retention_run(fx.st, &cfg, now + 29 * day, 20, &n, err, sizeof(err)) == 0);
	CHECK(n.drafts == 0 && n.closed == 0);
	CHECK(db_count("SELECT count(*) FROM plans WHERE id = ?", anon) == 1);

	/* 31 days on: the anonymous draft goes, the invited one stays. */
	CHECK(retention_run(fx.st, &cfg, now + 31 * day, 20, &n, err, sizeof(err)) == 0);
	CHECK(n.drafts == 1 && n.closed == 0 && n.more == 0);
	CHECK(rows_left(anon) == 0 && erased_for(anon, "draft_expired"));
	CHECK(db_count("SELECT count(*) FROM plans WHERE id = ?", invited) == 1);
	CHECK(!database_holds("Ostrich"));
	CHECK(db_count("SELECT count(*) FROM audit WHERE plan_id = ? AND action = 'plan_erased' "
		       "AND actor_kind = 'system'",
		       anon) == 1);

	/* Seven years on, a batch of one at a time: the closed plans go, one per turn. */
	CHECK(retention_run(fx.st, &cfg, now + (7 * 365 + 3) * day, 1, &n, err, sizeof(err)) == 0);
	CHECK(n.closed == 1 && n.more == 1);
	CHECK(retention_run(fx.st, &cfg, now + (7 * 365 + 3) * day, 1, &n, err, sizeof(err)) == 0);
	CHECK(n.closed == 1);
	CHECK(retention_run(fx.st, &cfg, now + (7 * 365 + 3) * day, 1, &n, err, sizeof(err)) == 0);
	CHECK(n.closed == 0 && n.drafts == 0 && n.more == 0);
	CHECK(erased_for(signed_off, "closed_expired") && erased_for(not_agreed, "closed_expired"));
	CHECK(db_count("SELECT count(*) FROM plans WHERE id = ?", invited) == 1);
	CHECK(db_count("SELECT count(*) FROM plans WHERE id = ?", sent) == 1);
	CHECK(retention_run(fx.st, &cfg, now, 1001, &n, err, sizeof(err)) == -1); /* too many */
}

int main(void)
{
	if (fixture_begin("data")) {
		CHECK(0);
		return check_report();
	}
	RUN(reads_of_a_plan_should_be_audited_once_per_user_and_plan_every_five_minutes);
	RUN(only_an_admin_should_erase_and_only_with_the_plans_number_and_a_known_reason);
	RUN(an_erased_plan_should_leave_only_a_tombstone_and_its_audit_rows);
	RUN(a_kiosk_with_the_plan_open_should_be_told_its_change_was_not_saved);
	RUN(an_export_should_hold_every_answer_comment_and_version_and_be_audited);
	RUN(retention_should_erase_untouched_anonymous_drafts_and_long_closed_plans_only);
	fixture_end();
	return check_report();
}
