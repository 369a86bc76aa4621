/* Tests for the store (server/store*.c), on ":memory:" and on a real file in a temporary folder.
 *
 * The store has no reader for a flag's detail (staff read flags elsewhere), so one test opens the
 * database file with a second, read-only SQLite connection to look at it. */
#include "check.h"
#include "store_fixture.h"

#include "store.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[64];

/* ---- collecting what the store hands to callbacks ---- */

typedef struct answers_seen {
	int n;
	char text[2048];
} answers_seen;

static int collect_answer(void *ctx, const char *page, long long item, const char *field,
			  const char *value)
{
	answers_seen *a = ctx;
	size_t len = strlen(a->text);

	snprintf(a->text + len, sizeof(a->text) - len, "%s/%lld/%s=%s;", page, item, field, value);
	a->n++;
	return 0;
}

static int stop_after_one(void *ctx, const char *page, long long item, const char *field,
			  const char *value)
{
	(void)page, (void)item, (void)field, (void)value;
	(*(int *)ctx)++;
	return 1;
}

typedef struct ids_seen {
	int n;
	long long ids[16];
} ids_seen;

static void collect_item(void *ctx, long long item)
{
	ids_seen *l = ctx;

	if (l->n < 16)
		l->ids[l->n] = item;
	l->n++;
}

typedef struct needs_seen {
	int n;
	char text[4][64];
	int eligible[4];
} needs_seen;

static void collect_need(void *ctx, const char *text, int eligible)
{
	needs_seen *ns = ctx;

	if (ns->n < 4) {
		snprintf(ns->text[ns->n], sizeof(ns->text[ns->n]), "%s", text);
		ns->eligible[ns->n] = eligible;
	}
	ns->n++;
}

typedef struct visits_seen {
	int n;
	long long id[4];
	char line[4][128];
} visits_seen;

static void collect_visit(void *ctx, long long visit, const char *writer, const char *helper_name,
			  const char *relationship)
{
	visits_seen *vs = ctx;

	if (vs->n < 4) {
		vs->id[vs->n] = visit;
		snprintf(vs->line[vs->n], sizeof(vs->line[vs->n]), "%s|%s|%s", writer, helper_name,
			 relationship);
	}
	vs->n++;
}

/* ---- opening and migrations ---- */

static void store_should_open_in_memory_at_schema_version_5(void)
{
	store *s = open_memory();

	CHECK(s != NULL);
	CHECK(store_schema_version(s) == 11);
	CHECK(store_ping(s) == 0);
	CHECK(store_batch_open(s) == 0);
	CHECK(store_commits(s) == 0);
	store_close(s);
}

static void store_should_migrate_a_new_file_once_and_reopen_it(void)
{
	char path[128], err[STORE_ERR_LEN] = "";
	store *s;

	snprintf(path, sizeof(path), "%s/migrate.db", tmpdir);
	s = store_open(path, err, sizeof(err));
	CHECK(s != NULL);
	CHECK(store_schema_version(s) == 11);
	store_close(s);
	s = store_open(path, err, sizeof(err));
	CHECK(s != NULL);
	CHECK(store_schema_version(s) == 11);
	CHECK(store_ping(s) == 0);
	store_close(s);
}

static void store_open_should_refuse_a_database_from_a_newer_version(void)
{
	char path[128], err[STORE_ERR_LEN] = "";
	sqlite3 *db;
	store *s;

	snprintf(path, sizeof(path), "%s/newer.db", tmpdir);
	CHECK(sqlite3_open(path, &db) == SQLITE_OK);
	CHECK(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
	s = store_open(path, err, sizeof(err));
	CHECK(s == NULL);
	CHECK(strstr(err, "newer") != NULL);
	store_close(s);
}

static void store_open_should_say_why_it_cannot_open_a_path(void)
{
	char err[STORE_ERR_LEN] = "";
	store *s = store_open("/nonexistent-folder-for-plan-aloud/x.db", err, sizeof(err));

	CHECK(s == NULL);
	CHECK(err[0] != '\0');
	store_close(s);
}

static void store_close_should_accept_null(void)
{
	store_close(NULL); /* must not crash */
}

/* ---- plans ---- */

static void store_should_create_a_plan_and_find_it_by_its_code_hash(void)
{
	store *s = open_memory();
	unsigned char hash[STORE_HASH_BYTES], other[STORE_HASH_BYTES];
	long long id = 0, found = 0;
	store_plan p;

	hash_of(1, hash);
	hash_of(2, other);
	CHECK(store_plan_create(s, hash, "Sam", 12345, &id, NULL, 0) == 0);
	CHECK(id > 0);
	CHECK(store_plan_find(s, hash, &found) == 0);
	CHECK(found == id);
	CHECK(store_plan_find(s, other, &found) == 1);
	CHECK(store_plan_get(s, id, &p) == 0);
	CHECK(p.id == id);
	CHECK(p.status == PLAN_DRAFT);
	CHECK_STR(p.person_name, "Sam");
	CHECK(p.budget_pence == 12345);
	CHECK_STR(p.last_page, "");
	store_close(s);
}

static void store_should_keep_no_budget_as_minus_one(void)
{
	store *s = open_memory();
	long long id = new_plan(s, 1);
	store_plan p;

	CHECK(id > 0);
	CHECK(store_plan_get(s, id, &p) == 0);
	CHECK(p.budget_pence == -1);
	store_close(s);
}

static void store_should_refuse_two_plans_with_the_same_code_hash(void)
{
	store *s = open_memory();
	unsigned char hash[STORE_HASH_BYTES];
	char err[STORE_ERR_LEN] = "";
	long long a = 0, b = 0;

	hash_of(7, hash);
	CHECK(store_plan_create(s, hash, "", -1, &a, err, sizeof(err)) == 0);
	CHECK(store_plan_create(s, hash, "", -1, &b, err, sizeof(err)) == -1);
	CHECK(err[0] != '\0');
	store_close(s);
}

static void store_plan_get_should_say_when_there_is_no_such_plan(void)
{
	store *s = open_memory();
	store_plan p;

	CHECK(store_plan_get(s, 12345, &p) == 1);
	store_close(s);
}

static void store_should_remember_the_last_page(void)
{
	store *s = open_memory();
	long long id = new_plan(s, 1);
	store_plan p;

	CHECK(store_plan_set_last_page(s, id, "important-people") == 0);
	CHECK(store_plan_get(s, id, &p) == 0);
	CHECK_STR(p.last_page, "important-people");
	store_close(s);
}

static void store_should_change_status_only_from_the_expected_one(void)
{
	store *s = open_memory();
	long long id = new_plan(s, 1);
	store_plan p;

	CHECK(store_plan_move(s, id, PLAN_DRAFT, PLAN_SUBMITTED, 1) == 0);
	CHECK(store_plan_get(s, id, &p) == 0);
	CHECK(p.status == PLAN_SUBMITTED);
	/* Someone else already moved it on: nothing changes. */
	CHECK(store_plan_move(s, id, PLAN_DRAFT, PLAN_SUBMITTED, 1) == 1);
	CHECK(store_plan_move(s, id, PLAN_AGREED, PLAN_SIGNED_OFF, 1) == 1);
	CHECK(store_plan_get(s, id, &p) == 0);
	CHECK(p.status == PLAN_SUBMITTED);
	CHECK(store_plan_move(s, id + 1, PLAN_SUBMITTED, PLAN_AGREED, 1) == 1);
	store_close(s);
}

static void store_should_refuse_a_status_that_does_not_exist(void)
{
	store *s = open_memory();
	long long id = new_plan(s, 1);
	store_plan p;

	CHECK(store_plan_move(s, id, PLAN_DRAFT, PLAN_STATUS_COUNT, 1) == -1);
	CHECK(store_plan_get(s, id, &p) == 0);
	CHECK(p.status == PLAN_DRAFT);
	store_close(s);
}

/* ---- answers ---- */

static void store_should_store_answers_and_replace_them(void)
{
	store *s = open_memory();
	long long id = new_plan(s, 1), visit = 0;
	answers_seen a = {0, ""};

	CHECK(store_visit_start(s, id, &visit) == 0);
	CHECK(store_answer_set(s, id, visit, "who", 0, "", "me", NULL, 0) == 0);
	CHECK(store_answer_set(s, id, visit, "important", 0, "", "My family", NULL, 0) == 0);
	CHECK(store_answer_set(s, id, 0, "who", 0, "", "helper", NULL, 0) == 0);
	CHECK(store_answers_each(s, id, collect_answer, &a) == 0);
	CHECK(a.n == 2);
	CHECK_STR(a.text, "important/0/=My family;who/0/=helper;");
	store_close(s);
}

static void store_should_keep_each_plans_answers_apart(void)
{
	store *s = open_memory();
	long long one = new_plan(s, 1), two = new_plan(s, 2);
	answers_seen a = {0, ""}, b = {0, ""};

	CHECK(store_answer_set(s, one, 0, "who", 0, "", "me", NULL, 0) == 0);
	CHECK(store_answer_set(s, two, 0, "who", 0, "", "helper", NULL, 0) == 0);
	CHECK(store_answers_each(s, one, collect_answer, &a) == 0);
	CHECK(store_answers_each(s, two, collect_answer, &b) == 0);
	CHECK_STR(a.text, "who/0/=me;");
	CHECK_STR(b.text, "who/0/=helper;");
	store_close(s);
}

static void store_should_store_list_entry_fields(void)
{
	store *s = open_memory();
	long long id = new_plan(s, 1), item = 0;
	answers_seen a = {0, ""};
	char expected[256];

	CHECK(store_item_add(s, id, "budget", &item) == 0);
	CHECK(store_answer_set(s, id, 0, "budget", item, "what", "Swimming", NULL, 0) == 0);
	CHECK(store_answer_set(s, id, 0, "budget", item, "cost", "4000", NULL, 0) == 0);
	CHECK(store_answers_each(s, id, collect_answer, &a) == 0);
	snprintf(expected, sizeof(expected), "budget/%lld/cost=4000;budget/%lld/what=Swimming;",
		 item, item);
	CHECK_STR(a.text, expected);
	store_close(s);
}

static void store_should_refuse_an_answer_for_a_plan_that_does_not_exist(void)
{
	store *s = open_memory();
	char err[STORE_ERR_LEN] = "";

	CHECK(store_answer_set(s, 999, 0, "who", 0, "", "me", err, sizeof(err)) == -1);
	CHECK(err[0] != '\0');
	store_close(s);
}

static void store_answers_each_should_stop_when_the_callback_says_so(void)
{
	store *s = open_memory();
	long long id = new_plan(s, 1);
	int calls = 0;

	store_answer_set(s, id, 0, "a", 0, "", "1", NULL, 0);
	store_answer_set(s, id, 0, "b", 0, "", "2", NULL, 0);
	CHECK(store_answers_each(s, id, stop_after_one, &calls) == -1);
	CHECK(calls == 1);
	store_close(s);
}

static void store_should_keep_text_exactly_as_typed(void)
{
	store *s = open_memory();
	long long id = new_plan(s, 1);
	answers_seen a = {0, ""};
	const char *tricky = "O'Brien; DROP TABLE plans; -- \xc5\xb5 \xf0\x9f\x98\x80 \"quoted\"";
	char expected[256];

	CHECK(store_answer_set(s, id, 0, "important", 0, "", tricky, NULL, 0) == 0);
	CHECK(store_answers_each(s, id, collect_answer, &a) == 0);
	snprintf(expected, sizeof(expected), "important/0/=%s;", tricky);
	CHECK_STR(a.text, expected);
	CHECK(store_ping(s) == 0);
	store_close(s);
}

/* ---- list entries ---- */

static void store_should_add_find_and_remove_list_entries(void)
{
	store *s = open_memory();
	long long id = new_plan(s, 1), first = 0, second = 0;
	ids_seen l = {0, {0}};
	answers_seen a = {0, ""};

	CHECK(store_item_add(s, id, "outcomes", &first) == 0);
	CHECK(store_item_add(s, id, "outcomes", &second) == 0);
	CHECK(first > 0 && second > 0 && first != second);
	CHECK(store_item_exists(s, id, "outcomes", first) == 0);
	CHECK(store_item_exists(s, id, "budget", first) == 1);
	CHECK(store_item_count(s, id, "outcomes") == 2);
	CHECK(store_items_each(s, id, "outcomes", collect_item, &l) == 0);
	CHECK(l.n == 2 && l.ids[0] == first && l.ids[1] == second);

	store_answer_set(s, id, 0, "outcomes", first, "outcome", "Cook my meals", NULL, 0);
	store_answer_set(s, id, 0, "outcomes", second, "outcome", "New friends", NULL, 0);
	CHECK(store_item_remove(s, id, "outcomes", first) == 0);
	CHECK(store_item_exists(s, id, "outcomes", first) == 1);
	CHECK(store_item_count(s, id, "outcomes") == 1);
	/* The entry's answers go with it; the other entry's stay. */
	CHECK(store_answers_each(s, id, collect_answer, &a) == 0);
	CHECK(a.n == 1);
	CHECK(strstr(a.text, "New friends") != NULL);
	CHECK(store_item_remove(s, id, "outcomes", first) == 1);
	store_close(s);
}

static void store_should_not_remove_another_plans_list_entry(void)
{
	store *s = open_memory();
	long long mine = new_plan(s, 1), theirs = new_plan(s, 2), item = 0;
	answers_seen a = {0, ""};

	CHECK(store_item_add(s, theirs, "outcomes", &item) == 0);
	CHECK(store_answer_set(s, theirs, 0, "outcomes", item, "outcome", "Theirs", NULL, 0) == 0);
	CHECK(store_item_remove(s, mine, "outcomes", item) == 1);
	CHECK(store_item_remove(s, theirs, "budget", item) == 1);
	CHECK(store_item_exists(s, theirs, "outcomes", item) == 0);
	CHECK(store_item_count(s, theirs, "outcomes") == 1);
	CHECK(store_answers_each(s, theirs, collect_answer, &a) == 0);
	CHECK(a.n == 1);
	store_close(s);
}

static void store_item_count_should_be_zero_for_an_empty_list(void)
{
	store *s = open_memory();
	long long id = new_plan(s, 1);

	CHECK(store_item_count(s, id, "outcomes") == 0);
	store_close(s);
}

/* ---- needs and visits ---- */

static void store_should_keep_needs_in_the_order_they_were_added(void)
{
	store *s = open_memory();
	long long id = new_plan(s, 1), other = new_plan(s, 2);
	needs_seen ns = {0};

	CHECK(store_need_add(s, id, "Help to wash and dress", 1) == 0);
	CHECK(store_need_add(s, id, "Help to go out", 0) == 0);
	CHECK(store_need_add(s, id, "Help with money", 7) == 0);
	CHECK(store_need_add(s, other, "Someone else's need", 1) == 0);
	CHECK(store_needs_each(s, id, collect_need, &ns) == 0);
	CHECK(ns.n == 3);
	CHECK_STR(ns.text[0], "Help to wash and dress");
	CHECK(ns.eligible[0] == 1);
	CHECK_STR(ns.text[1], "Help to go out");
	CHECK(ns.eligible[1] == 0);
	CHECK(ns.eligible[2] == 1);
	store_close(s);
}

static void store_should_record_who_wrote_on_each_visit(void)
{
	store *s = open_memory();
	long long id = new_plan(s, 1), v1 = 0, v2 = 0;
	visits_seen vs = {0};

	CHECK(store_visit_start(s, id, &v1) == 0);
	CHECK(store_visit_start(s, id, &v2) == 0);
	CHECK(v1 > 0 && v2 > v1);
	CHECK(store_visit_set(s, v1, "writer", "me") == 0);
	CHECK(store_visit_set(s, v2, "writer", "helper") == 0);
	CHECK(store_visit_set(s, v2, "helper_name", "Sam Jones") == 0);
	CHECK(store_visit_set(s, v2, "helper_relationship", "friend") == 0);
	CHECK(store_visit_set(s, v2, "plan_id", "2") == -1);
	CHECK(store_visits_each(s, id, collect_visit, &vs) == 0);
	CHECK(vs.n == 2);
	CHECK(vs.id[0] == v1 && vs.id[1] == v2);
	CHECK_STR(vs.line[0], "me||");
	CHECK_STR(vs.line[1], "helper|Sam Jones|friend");
	store_close(s);
}

/* ---- flags ---- */

static void store_should_keep_one_open_safeguarding_flag(void)
{
	store *s = open_memory();
	long long id = new_plan(s, 1);
	int raised = -1;

	CHECK(store_flag_open_count(s, id, "safeguarding") == 0);
	CHECK(store_flag_raise(s, id, 0, "safeguarding", "", &raised) == 0);
	CHECK(raised == 1);
	CHECK(store_flag_raise(s, id, 0, "safeguarding", "", &raised) == 0);
	CHECK(raised == 0);
	CHECK(store_flag_open_count(s, id, "safeguarding") == 1);
	CHECK(store_flag_open_count(s, id, "advocacy") == 0);
	CHECK(store_flag_raise(s, id, 0, "advocacy", "", &raised) == 0);
	CHECK(raised == 1);
	CHECK(store_flag_open_count(s, id, "advocacy") == 1);
	CHECK(store_flag_open_count(s, id, "safeguarding") == 1);
	store_close(s);
}

static void store_should_keep_each_plans_flags_apart(void)
{
	store *s = open_memory();
	long long one = new_plan(s, 1), two = new_plan(s, 2);
	int raised = 0;

	CHECK(store_flag_raise(s, one, 0, "safeguarding", "", &raised) == 0);
	CHECK(store_flag_open_count(s, two, "safeguarding") == 0);
	CHECK(store_flag_raise(s, two, 0, "safeguarding", "", &raised) == 0);
	CHECK(raised == 1);
	store_close(s);
}

static void store_should_refuse_an_unknown_kind_of_flag(void)
{
	store *s = open_memory();
	long long id = new_plan(s, 1);
	int raised = -1;

	CHECK(store_flag_raise(s, id, 0, "urgent", "", &raised) == -1);
	CHECK(raised == 0);
	store_close(s);
}

/* The detail of the plan's open flag of this kind, read with a connection of our own. */
static int open_flag_detail(const char *path, long long plan, const char *kind, char *out, size_t n)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int rows = 0;

	out[0] = '\0';
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
			       "SELECT detail FROM flags WHERE plan_id = ? AND kind = ? AND "
			       "closed_at IS NULL",
			       -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int64(st, 1, plan);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
		rows++;
	}
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rows;
}

static void store_should_update_the_reason_of_an_open_review_request(void)
{
	char path[128], detail[128];
	store *s;
	long long id;
	int raised = -1;

	snprintf(path, sizeof(path), "%s/review.db", tmpdir);
	s = store_open(path, NULL, 0);
	CHECK(s != NULL);
	CHECK(store_request_begin(s, NULL, 0) == 0);
	id = new_plan(s, 1);
	CHECK(store_flag_raise(s, id, 0, "review", "I moved house", &raised) == 0);
	CHECK(raised == 1);
	CHECK(store_flag_raise(s, id, 0, "review", "My support worker left", &raised) == 0);
	CHECK(raised == 0);
	CHECK(store_flag_open_count(s, id, "review") == 1);
	CHECK(store_request_end(s) == 0);
	CHECK(store_commit(s, NULL, 0) == 0);
	CHECK(open_flag_detail(path, id, "review", detail, sizeof(detail)) == 1);
	CHECK_STR(detail, "My support worker left");
	store_close(s);
}

/* ---- batches ---- */

static void store_request_undo_should_leave_nothing_behind(void)
{
	store *s = open_memory();
	long long id = new_plan(s, 1);
	answers_seen a = {0, ""};
	store_plan p;

	CHECK(store_request_begin(s, NULL, 0) == 0);
	CHECK(store_batch_open(s) == 1);
	CHECK(store_answer_set(s, id, 0, "who", 0, "", "me", NULL, 0) == 0);
	CHECK(store_plan_move(s, id, PLAN_DRAFT, PLAN_SUBMITTED, 1) == 0);
	store_request_undo(s);
	CHECK(store_answers_each(s, id, collect_answer, &a) == 0);
	CHECK(a.n == 0);
	CHECK(store_plan_get(s, id, &p) == 0);
	CHECK(p.status == PLAN_DRAFT);
	CHECK(store_commit(s, NULL, 0) == 0);
	CHECK(store_batch_open(s) == 0);
	store_close(s);
}

static void store_request_undo_should_keep_earlier_requests_of_the_batch(void)
{
	store *s = open_memory();
	long long id = new_plan(s, 1);
	answers_seen a = {0, ""};

	CHECK(store_request_begin(s, NULL, 0) == 0);
	CHECK(store_answer_set(s, id, 0, "who", 0, "", "me", NULL, 0) == 0);
	CHECK(store_request_end(s) == 0);
	CHECK(store_request_begin(s, NULL, 0) == 0);
	CHECK(store_answer_set(s, id, 0, "important", 0, "", "gone", NULL, 0) == 0);
	CHECK(store_answer_set(s, id, 0, "who", 0, "", "helper", NULL, 0) == 0);
	store_request_undo(s);
	CHECK(store_batch_open(s) == 1);
	CHECK(store_commit(s, NULL, 0) == 0);
	CHECK(store_answers_each(s, id, collect_answer, &a) == 0);
	CHECK_STR(a.text, "who/0/=me;");
	store_close(s);
}

static void store_commits_should_count_batches_not_requests(void)
{
	store *s = open_memory();
	long long id = new_plan(s, 1);
	unsigned long before = store_commits(s);

	CHECK(store_commit(s, NULL, 0) == 0); /* nothing open: nothing to count */
	CHECK(store_commits(s) == before);
	for (int i = 0; i < 3; i++) {
		CHECK(store_request_begin(s, NULL, 0) == 0);
		CHECK(store_answer_set(s, id, 0, "who", 0, "", i ? "me" : "helper", NULL, 0) == 0);
		CHECK(store_request_end(s) == 0);
	}
	CHECK(store_commits(s) == before);
	CHECK(store_commit(s, NULL, 0) == 0);
	CHECK(store_commits(s) == before + 1);
	CHECK(store_request_begin(s, NULL, 0) == 0);
	CHECK(store_request_end(s) == 0);
	CHECK(store_commit(s, NULL, 0) == 0);
	CHECK(store_commits(s) == before + 2);
	store_close(s);
}

static void store_commit_should_make_a_batch_survive_reopening(void)
{
	char path[128], err[STORE_ERR_LEN] = "";
	unsigned char hash[STORE_HASH_BYTES];
	store *s;
	long long id = 0, found = 0, item = 0, visit = 0;
	answers_seen a = {0, ""};
	store_plan p;
	int raised = 0;
	char expected[256];

	snprintf(path, sizeof(path), "%s/durable.db", tmpdir);
	hash_of(42, hash);
	s = store_open(path, err, sizeof(err));
	CHECK(s != NULL);
	CHECK(store_request_begin(s, err, sizeof(err)) == 0);
	CHECK(store_plan_create(s, hash, "Jo", 15000, &id, err, sizeof(err)) == 0);
	CHECK(store_visit_start(s, id, &visit) == 0);
	CHECK(store_answer_set(s, id, visit, "who", 0, "", "me", err, sizeof(err)) == 0);
	CHECK(store_item_add(s, id, "budget", &item) == 0);
	CHECK(store_answer_set(s, id, visit, "budget", item, "cost", "4000", err, sizeof(err)) ==
	      0);
	CHECK(store_flag_raise(s, id, visit, "safeguarding", "", &raised) == 0);
	CHECK(store_plan_move(s, id, PLAN_DRAFT, PLAN_SUBMITTED, 1) == 0);
	CHECK(store_request_end(s) == 0);
	CHECK(store_commit(s, err, sizeof(err)) == 0);
	store_close(s);

	s = store_open(path, err, sizeof(err));
	CHECK(s != NULL);
	CHECK(store_plan_find(s, hash, &found) == 0);
	CHECK(found == id);
	CHECK(store_plan_get(s, id, &p) == 0);
	CHECK(p.status == PLAN_SUBMITTED);
	CHECK_STR(p.person_name, "Jo");
	CHECK(p.budget_pence == 15000);
	CHECK(store_answers_each(s, id, collect_answer, &a) == 0);
	snprintf(expected, sizeof(expected), "budget/%lld/cost=4000;who/0/=me;", item);
	CHECK_STR(a.text, expected);
	CHECK(store_item_exists(s, id, "budget", item) == 0);
	CHECK(store_flag_open_count(s, id, "safeguarding") == 1);
	store_close(s);
}

static void store_close_should_drop_a_batch_that_was_not_committed(void)
{
	char path[128];
	unsigned char hash[STORE_HASH_BYTES];
	store *s;
	long long id = 0, found = 0;

	snprintf(path, sizeof(path), "%s/uncommitted.db", tmpdir);
	hash_of(43, hash);
	s = store_open(path, NULL, 0);
	CHECK(s != NULL);
	CHECK(store_request_begin(s, NULL, 0) == 0);
	CHECK(store_plan_create(s, hash, "", -1, &id, NULL, 0) == 0);
	CHECK(store_request_end(s) == 0);
	store_close(s);

	s = store_open(path, NULL, 0);
	CHECK(s != NULL);
	CHECK(store_plan_find(s, hash, &found) == 1);
	store_close(s);
}

/* ---- staff accounts, sessions and the audit log (schema 2) ---- */

/* Any Argon2id string will do for the store: it does not check passwords. */

/* Takes away everything migration 3 added, leaving schema 2 as it shipped. */
#define UNDO_MIGRATION_11 "ALTER TABLE plans DROP COLUMN lang;"
#define UNDO_MIGRATION_10 "DROP INDEX audit_service;"
#define UNDO_MIGRATION_9  "DROP TABLE alerts;"
#define UNDO_MIGRATION_8  "DROP TABLE backups; DROP TABLE key_id;"
#define UNDO_MIGRATION_7                                                                           \
	"DROP TRIGGER plans_no_reuse; DROP TABLE plan_reads; DROP TABLE erasures;"                 \
	"DROP INDEX flags_plan; DROP INDEX reviews_plan; DROP INDEX resume_tokens_plan;"           \
	"DROP INDEX answers_visit; DROP INDEX flags_visit;"
#define UNDO_MIGRATION_6 "DROP TABLE kiosks;"
#define UNDO_MIGRATION_5                                                                           \
	"DROP TRIGGER plan_counts_insert; DROP TRIGGER plan_counts_update;"                        \
	"DROP TRIGGER plan_counts_delete; DROP TABLE plan_counts;"                                 \
	"DROP TRIGGER reviews_mark_request; DROP TRIGGER reviews_mark_reopened;"                   \
	"DROP TRIGGER reviews_mark_signed_off; DROP TRIGGER reviews_mark_scheduled;"               \
	"DROP TRIGGER reviews_mark_changed; DROP TRIGGER open_flags_raised; DROP TRIGGER "         \
	"open_flags_closed;"                                                                       \
	"DROP TRIGGER open_flags_removed; DROP TABLE caseload_marks;"                              \
	"DROP INDEX plans_caseload; DROP INDEX flags_urgent; DROP INDEX reviews_due;"
#define UNDO_MIGRATION_4 "DROP TABLE resume_tokens;"
#define UNDO_MIGRATION_3                                                                           \
	"DROP TRIGGER versions_no_update; DROP TRIGGER versions_no_delete;"                        \
	"DROP TRIGGER versions_no_replace; DROP TABLE versions; DROP TABLE reviews;"               \
	"DROP TABLE comments; DROP TABLE support;"                                                 \
	"ALTER TABLE plans DROP COLUMN managing; ALTER TABLE plans DROP COLUMN invited_by;"        \
	"ALTER TABLE plans DROP COLUMN ready; ALTER TABLE plans DROP COLUMN person_agreed_at;"     \
	"ALTER TABLE plans DROP COLUMN person_agreed_visit;"                                       \
	"ALTER TABLE plans DROP COLUMN person_disagreed_at;"                                       \
	"ALTER TABLE plans DROP COLUMN person_disagree_reason;"                                    \
	"ALTER TABLE plans DROP COLUMN caseworker_agreed_at;"                                      \
	"ALTER TABLE plans DROP COLUMN caseworker_agreed_by; ALTER TABLE plans DROP COLUMN risks;" \
	"ALTER TABLE plans DROP COLUMN emergency_checked; ALTER TABLE plans DROP COLUMN "          \
	"not_agreed_at;"                                                                           \
	"ALTER TABLE plans DROP COLUMN not_agreed_by; ALTER TABLE plans DROP COLUMN "              \
	"not_agreed_reasons;"                                                                      \
	"ALTER TABLE plans DROP COLUMN not_agreed_safety;"                                         \
	"ALTER TABLE plans DROP COLUMN not_agreed_complaints;"                                     \
	"ALTER TABLE plans DROP COLUMN signed_off_at; ALTER TABLE plans DROP COLUMN "              \
	"signed_off_by;"                                                                           \
	"ALTER TABLE plans DROP COLUMN panel_decision; ALTER TABLE plans DROP COLUMN panel_date;"  \
	"ALTER TABLE needs DROP COLUMN how; ALTER TABLE needs DROP COLUMN direct_payment;"         \
	"ALTER TABLE flags DROP COLUMN closed_by; ALTER TABLE flags DROP COLUMN closed_note;"

static void store_should_migrate_a_version_2_database_and_keep_its_plans_and_users(void)
{
	char path[128], err[STORE_ERR_LEN] = "";
	unsigned char hash[STORE_HASH_BYTES];
	long long id = 0, found = 0, uid = 0;
	needs_seen ns = {0};
	store_user u;
	sqlite3 *db;
	store *s = fixture_open_file(tmpdir, "version2.db", path, sizeof(path));

	CHECK(s != NULL);
	if (!s)
		return;
	hash_of(8, hash);
	CHECK(store_plan_create(s, hash, "Sam", 12000, &id, NULL, 0) == 0);
	CHECK(store_need_add(s, id, "Help to cook", 1) == 0);
	CHECK(store_user_add(s, "casey", "caseworker", SOME_HASH, 1, NULL, &uid, NULL, 0) == 0);
	store_close(s);
	CHECK(sqlite3_open(path, &db) == SQLITE_OK);
	CHECK(sqlite3_exec(db,
			   UNDO_MIGRATION_11 UNDO_MIGRATION_10 UNDO_MIGRATION_9 UNDO_MIGRATION_8
			       UNDO_MIGRATION_7 UNDO_MIGRATION_6 UNDO_MIGRATION_5 UNDO_MIGRATION_4
				   UNDO_MIGRATION_3 "PRAGMA user_version = 2;",
			   NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
	CHECK(count_on_file(path, "SELECT count(*) FROM sqlite_master WHERE name IN ('versions',"
				  "'reviews','comments','support')") == 0);

	s = store_open(path, err, sizeof(err));
	CHECK(s != NULL);
	if (!s) {
		fprintf(stderr, "  %s\n", err);
		return;
	}
	CHECK(store_schema_version(s) == 11);
	CHECK(store_plan_find(s, hash, &found) == 0 && found == id);
	CHECK(store_user_find(s, "casey", &u) == 0 && u.id == uid);
	CHECK(store_needs_each(s, id, collect_need, &ns) == 0 && ns.n == 1);
	CHECK(store_version_freeze(s, id, PLAN_SUBMITTED, NULL, 1, NULL, NULL, 0) == 0);
	store_close(s);
	CHECK(count_on_file(path, "SELECT count(*) FROM versions") == 1);
}

static void store_should_migrate_a_version_1_database_and_keep_its_plans(void)
{
	static const char *const downgrade =
	    UNDO_MIGRATION_11 UNDO_MIGRATION_10 UNDO_MIGRATION_9 UNDO_MIGRATION_8 UNDO_MIGRATION_7
		UNDO_MIGRATION_6 UNDO_MIGRATION_5 UNDO_MIGRATION_4 UNDO_MIGRATION_3
	    "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;"
	    "DROP TRIGGER audit_no_replace; DROP TABLE audit; DROP TABLE login_failures;"
	    "DROP TABLE staff_sessions; DROP TABLE users; PRAGMA user_version = 1;";
	char path[128], err[STORE_ERR_LEN] = "";
	unsigned char hash[STORE_HASH_BYTES];
	long long id = 0, found = 0, uid = 0;
	answers_seen a = {0, ""};
	store_user u;
	sqlite3 *db;
	store *s;

	/* Schema 1 is what migration 1 makes, unchanged since it shipped: make a database with
	 * today's code, then take away everything migration 2 added. */
	s = fixture_open_file(tmpdir, "version1.db", path, sizeof(path));
	CHECK(s != NULL);
	if (!s)
		return;
	hash_of(7, hash);
	CHECK(store_plan_create(s, hash, "Sam", 12000, &id, NULL, 0) == 0);
	CHECK(store_answer_set(s, id, 0, "who", 0, "", "me", NULL, 0) == 0);
	store_close(s);
	CHECK(sqlite3_open(path, &db) == SQLITE_OK);
	CHECK(sqlite3_exec(db, downgrade, NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
	CHECK(count_on_file(path, "PRAGMA user_version") == 1);
	CHECK(count_on_file(path, "SELECT count(*) FROM sqlite_master WHERE name IN ('users',"
				  "'audit','staff_sessions','login_failures')") == 0);

	s = store_open(path, err, sizeof(err));
	CHECK(s != NULL);
	if (!s) {
		fprintf(stderr, "  %s\n", err);
		return;
	}
	CHECK(store_schema_version(s) == 11);
	CHECK(store_plan_find(s, hash, &found) == 0 && found == id);
	CHECK(store_answers_each(s, id, collect_answer, &a) == 0);
	CHECK_STR(a.text, "who/0/=me;");
	CHECK(store_user_add(s, "casey", "caseworker", SOME_HASH, 1, NULL, &uid, err,
			     sizeof(err)) == 0);
	CHECK(store_user_find(s, "casey", &u) == 0 && u.id == uid);
	CHECK(store_audit_append(s, NULL, id, "migrated", NULL, err, sizeof(err)) == 0);
	store_close(s);
	CHECK(count_on_file(path, "SELECT count(*) FROM audit") == 2);
}

static void store_should_keep_users_with_their_roles_and_refuse_bad_rows(void)
{
	store *s = open_memory();
	char err[STORE_ERR_LEN] = "";
	long long id = 0;
	store_user u;

	CHECK(store_user_add(s, "casey", "caseworker", SOME_HASH, 1000, NULL, &id, err,
			     sizeof(err)) == 0);
	CHECK(store_user_find(s, "CaSeY", &u) == 0);
	CHECK(u.id == id && u.disabled == 0 && u.created_ms == 1000);
	CHECK_STR(u.name, "casey");
	CHECK_STR(u.role, "caseworker");
	CHECK_STR(u.password_hash, SOME_HASH);
	CHECK(store_user_get(s, id, &u) == 0);
	CHECK(store_user_get(s, id + 1, &u) == 1);
	CHECK(store_user_find(s, "morgan", &u) == 1);
	CHECK(store_user_add(s, "CASEY", "manager", SOME_HASH, 1, NULL, NULL, err, sizeof(err)) ==
	      1);
	/* What users.c checks, the database checks again. */
	CHECK(store_user_add(s, "sam", "root", SOME_HASH, 1, NULL, NULL, err, sizeof(err)) == -1);
	CHECK(store_user_add(s, "sam jones", "manager", SOME_HASH, 1, NULL, NULL, err,
			     sizeof(err)) == -1);
	CHECK(store_user_add(s, "", "manager", SOME_HASH, 1, NULL, NULL, err, sizeof(err)) == -1);
	CHECK(store_user_add(s, "sam", "manager", "plain text password", 1, NULL, NULL, err,
			     sizeof(err)) == -1);
	CHECK(store_user_add(s, "sam", "manager", "$2b$10$bcryptbcryptbcryptbcrypt", 1, NULL, NULL,
			     err, sizeof(err)) == -1);
	CHECK(store_user_find(s, "sam", &u) == 1);
	CHECK(store_batch_open(s) == 0);
	store_close(s);
}

static void staff_writes_should_commit_at_once_when_no_batch_is_open(void)
{
	char path[128];
	store *s = fixture_open_file(tmpdir, "staff-batch.db", path, sizeof(path));

	if (!s) {
		CHECK(s != NULL);
		return;
	}
	CHECK(store_user_add(s, "casey", "caseworker", SOME_HASH, 1, NULL, NULL, NULL, 0) == 0);
	CHECK(store_batch_open(s) == 0);
	CHECK(count_on_file(path, "SELECT count(*) FROM users") == 1);
	CHECK(count_on_file(path, "SELECT count(*) FROM audit") == 1);
	store_close(s);
}

static void staff_writes_should_join_an_open_batch_and_commit_with_it(void)
{
	char path[128];
	store *s = fixture_open_file(tmpdir, "staff-batch.db", path, sizeof(path));
	long long plan = s ? new_plan(s, 9) : 0;
	unsigned long commits;
	answers_seen a = {0, ""};
	store_user u;

	if (!s) {
		CHECK(s != NULL);
		return;
	}
	CHECK(store_request_begin(s, NULL, 0) == 0);
	CHECK(store_answer_set(s, plan, 0, "who", 0, "", "me", NULL, 0) == 0);
	CHECK(store_request_end(s) == 0);
	commits = store_commits(s);
	/* A staff write while the kiosk's batch is open: inside it, not committing it. */
	CHECK(store_user_add(s, "morgan", "manager", SOME_HASH, 1, NULL, NULL, NULL, 0) == 0);
	CHECK(store_batch_open(s) == 1);
	CHECK(store_commits(s) == commits);
	CHECK(count_on_file(path, "SELECT count(*) FROM users WHERE name = 'morgan'") == 0);
	/* A staff write that fails undoes only itself. */
	CHECK(store_user_add(s, "MORGAN", "admin", SOME_HASH, 1, NULL, NULL, NULL, 0) == 1);
	CHECK(store_user_add(s, "bad name", "admin", SOME_HASH, 1, NULL, NULL, NULL, 0) == -1);
	CHECK(store_batch_open(s) == 1);
	CHECK(store_user_find(s, "morgan", &u) == 0);
	CHECK_STR(u.role, "manager");
	CHECK(store_commit(s, NULL, 0) == 0);
	CHECK(count_on_file(path, "SELECT count(*) FROM users WHERE name = 'morgan'") == 1);
	CHECK(count_on_file(path, "SELECT count(*) FROM answers WHERE value = 'me'") == 1);
	CHECK(store_answers_each(s, plan, collect_answer, &a) == 0);
	CHECK_STR(a.text, "who/0/=me;");
	store_close(s);
}

static void staff_writes_should_be_rolled_back_with_a_batch_that_is_undone(void)
{
	store *s = open_memory();
	store_user u;

	CHECK(store_request_begin(s, NULL, 0) == 0);
	CHECK(store_user_add(s, "casey", "caseworker", SOME_HASH, 1, NULL, NULL, NULL, 0) == 0);
	store_request_undo(s); /* the request around it goes, and the staff write with it */
	CHECK(store_commit(s, NULL, 0) == 0);
	CHECK(store_user_find(s, "casey", &u) == 1);
	store_close(s);
}

static void store_should_disable_a_user_and_end_their_sessions(void)
{
	store *s = open_memory();
	unsigned char t1[STORE_HASH_BYTES], t2[STORE_HASH_BYTES];
	store_session ses;
	store_user u;
	long long id = 0;

	hash_of(1, t1);
	hash_of(2, t2);
	CHECK(store_user_add(s, "casey", "caseworker", SOME_HASH, 1, NULL, &id, NULL, 0) == 0);
	CHECK(store_user_get(s, id, &u) == 0);
	CHECK(store_login_ok(s, &u, t1, 100, NULL, 0) == 0);
	CHECK(store_login_ok(s, &u, t2, 200, NULL, 0) == 0);
	CHECK(store_session_find(s, t1, &ses) == 0);
	CHECK(ses.user.id == id && ses.created_ms == 100 && ses.seen_ms == 100);
	CHECK_STR(ses.user.password_hash, ""); /* not needed to know who it is */
	CHECK(store_session_touch(s, t1, 150) == 0);
	CHECK(store_session_find(s, t1, &ses) == 0 && ses.seen_ms == 150);
	CHECK(store_user_set_disabled(s, id, 1, 300, NULL, NULL, 0) == 0);
	CHECK(store_user_get(s, id, &u) == 0 && u.disabled == 1);
	CHECK(store_session_find(s, t1, &ses) == 1);
	CHECK(store_session_find(s, t2, &ses) == 1);
	CHECK(store_user_set_disabled(s, id + 1, 1, 300, NULL, NULL, 0) == 1);
	store_close(s);
}

static int audit_detail(void *ctx, const store_audit_row *row)
{
	char *seen = ctx;
	size_t len = strlen(seen);

	snprintf(seen + len, 512 - len, "%s:%lld:%s;", row->action, row->actor_id, row->detail);
	return 0;
}

static void store_should_audit_a_failed_login_of_a_name_that_is_no_user_as_unknown(void)
{
	store *s = open_memory();
	char seen[512] = "";
	store_user u;

	CHECK(store_user_add(s, "casey", "caseworker", SOME_HASH, 1, NULL, NULL, NULL, 0) == 0);
	CHECK(store_user_find(s, "casey", &u) == 0);
	CHECK(store_login_failed(s, NULL, 1, 0, NULL, 0) == 0);
	CHECK(store_login_failed(s, &u, 6, 1500, NULL, 0) == 0);
	CHECK(store_audit_each_recent(s, 0, 10, audit_detail, seen) == 0);
	CHECK_STR(seen,
		  "login_failed:1:{\"name\":\"casey\",\"failures\":6,\"wait_s\":2};"
		  "login_failed:-1:{\"name\":\"unknown\",\"failures\":1,\"wait_s\":0};"
		  "user_added:-1:{\"user_id\":1,\"name\":\"casey\",\"role\":\"caseworker\"};");
	store_close(s);
}

static void store_staff_prune_should_forget_old_sessions_and_failures(void)
{
	char path[128];
	store *s = fixture_open_file(tmpdir, "prune.db", path, sizeof(path));
	unsigned char old[STORE_HASH_BYTES], fresh[STORE_HASH_BYTES];
	store_session ses;
	store_user u;

	if (!s) {
		CHECK(s != NULL);
		return;
	}
	hash_of(4, old);
	hash_of(5, fresh);
	CHECK(store_user_add(s, "casey", "caseworker", SOME_HASH, 1, NULL, NULL, NULL, 0) == 0);
	CHECK(store_user_find(s, "casey", &u) == 0);
	CHECK(store_login_ok(s, &u, old, 1000, NULL, 0) == 0);
	CHECK(store_login_ok(s, &u, fresh, 5000, NULL, 0) == 0);
	CHECK(store_login_failed(s, NULL, 2, 0, NULL, 0) == 0);
	CHECK(store_login_failed(s, &u, 9, 90000, NULL, 0) == 0);
	CHECK(store_staff_prune(s, 4000, 0, 4000) == 0);
	CHECK(store_session_find(s, old, &ses) == 1);
	CHECK(store_session_find(s, fresh, &ses) == 0);
	CHECK(store_staff_prune(s, 0, 6000, 0) == 0); /* made too long ago, however busy */
	CHECK(store_session_find(s, fresh, &ses) == 1);
	/* The audit log keeps all of it. */
	CHECK(count_on_file(path, "SELECT count(*) FROM audit") == 5);
	store_close(s);
}

typedef struct rows_seen {
	int n;
	char text[1024];
	long long last_id;
} rows_seen;

static int collect_row(void *ctx, const store_audit_row *r)
{
	rows_seen *rs = ctx;
	size_t len = strlen(rs->text);

	snprintf(rs->text + len, sizeof(rs->text) - len, "%s|%s|%lld|%s|%lld|%s;", r->action,
		 r->actor_kind, r->actor_id, r->role, r->plan_id, r->detail);
	rs->last_id = r->id;
	rs->n++;
	return 0;
}

static int count_row(void *ctx, const store_audit_row *r)
{
	(void)r;
	(*(int *)ctx)++;
	return 0;
}

static int stop_at_first_row(void *ctx, const store_audit_row *r)
{
	(void)r;
	(*(int *)ctx)++;
	return 1;
}

static void store_audit_should_list_a_plans_rows_newest_first(void)
{
	store *s = open_memory();
	store_actor person = {STORE_ACTOR_PERSON, 0, NULL};
	store_actor caseworker = {STORE_ACTOR_STAFF, 3, "caseworker"};
	long long p1 = new_plan(s, 1), p2 = new_plan(s, 2);
	rows_seen rs = {0, "", 0};
	int stopped = 0;

	person.id = p1;
	CHECK(store_audit_append(s, &person, p1, "submitted", NULL, NULL, 0) == 0);
	CHECK(store_audit_append(s, &caseworker, p2, "comment", "{\"section\": \"budget\"}", NULL,
				 0) == 0);
	CHECK(store_audit_append(s, &caseworker, p1, "send_back", "{\"reason\":\"ask\"}", NULL,
				 0) == 0);
	CHECK(store_audit_append(s, NULL, -1, "started", NULL, NULL, 0) == 0);
	CHECK(store_audit_each_for_plan(s, p1, 0, 10, collect_row, &rs) == 0);
	CHECK(rs.n == 2);
	{
		char expected[512];

		snprintf(expected, sizeof(expected),
			 "send_back|staff|3|caseworker|%lld|{\"reason\":\"ask\"};"
			 "submitted|person|%lld||%lld|{};",
			 p1, p1, p1);
		CHECK_STR(rs.text, expected);
	}
	memset(&rs, 0, sizeof(rs));
	CHECK(store_audit_each_recent(s, 0, 2, collect_row, &rs) == 0);
	CHECK(rs.n == 2);
	CHECK(strncmp(rs.text, "started|system|-1||-1|{};send_back|", 35) == 0);
	/* Paging on from the last row seen. */
	memset(rs.text, 0, sizeof(rs.text));
	rs.n = 0;
	CHECK(store_audit_each_recent(s, rs.last_id, 10, collect_row, &rs) == 0);
	CHECK(rs.n == 2);
	CHECK(strstr(rs.text, "comment|staff|3|caseworker|") == rs.text);
	CHECK(strstr(rs.text, "{\"section\":\"budget\"}") != NULL); /* kept minified */
	CHECK(store_audit_each_recent(s, 0, 10, stop_at_first_row, &stopped) == 0);
	CHECK(stopped == 1);
	CHECK(store_audit_each_recent(s, 0, 0, collect_row, &rs) == -1);
	store_close(s);
}

static void roles_and_disabling_should_never_leave_no_enabled_admin(void)
{
	store *s = open_memory();
	store_actor by = {STORE_ACTOR_STAFF, 1, "admin"};
	unsigned char th[STORE_HASH_BYTES];
	char err[STORE_ERR_LEN] = "";
	long long ada = 0, bo = 0;
	store_session ses;
	audit_seen a = {0, ""};
	const char *const accounts[] = {"role_changed", "password_set"};
	long long end = -1;

	CHECK(s != NULL);
	if (!s)
		return;
	CHECK(store_user_add(s, "ada", "admin", SOME_HASH, 1, NULL, &ada, NULL, 0) == 0);
	CHECK(store_user_add(s, "bo", "caseworker", SOME_HASH, 1, NULL, &bo, NULL, 0) == 0);
	/* ada alone: neither stepping down nor being disabled */
	CHECK(store_user_set_role(s, ada, "manager", &by, err, sizeof(err)) == 2);
	CHECK(strstr(err, "administrator") != NULL);
	CHECK(store_user_set_disabled(s, ada, 1, 5, &by, err, sizeof(err)) == 2);
	CHECK(store_user_set_role(s, 999, "manager", &by, err, sizeof(err)) == 1);
	CHECK(store_user_set_role(s, bo, "caseworker", &by, err, sizeof(err)) == 0); /* no change */
	/* with bo an admin too, ada may step down; then bo is the last */
	CHECK(store_user_set_role(s, bo, "admin", &by, err, sizeof(err)) == 0);
	CHECK(store_user_set_role(s, ada, "manager", &by, err, sizeof(err)) == 0);
	CHECK(store_user_set_disabled(s, bo, 1, 5, &by, err, sizeof(err)) == 2);
	/* a new password ends the user's sessions */
	hash_of(3, th);
	{
		store_user u;

		CHECK(store_user_get(s, bo, &u) == 0);
		CHECK(store_login_ok(s, &u, th, 10, NULL, 0) == 0);
	}
	CHECK(store_session_find(s, th, &ses) == 0);
	CHECK(store_user_set_password(s, bo, SOME_HASH, &by, NULL, 0) == 0);
	CHECK(store_session_find(s, th, &ses) == 1);
	/* the service's log: the two role changes and the password, newest first, by kind */
	CHECK(store_audit_each_service(s, 0, 50, accounts, 2, 0, &end, note_action, &a) == 0);
	CHECK_STR(a.actions, "staff:password_set,staff:role_changed,staff:role_changed");
	CHECK(end == 0); /* fewer rows than a window: nothing older to look at */
	memset(&a, 0, sizeof(a));
	CHECK(store_audit_each_service(s, 0, 50, accounts, 2, bo, &end, note_action, &a) == 0);
	CHECK_STR(a.actions, "staff:password_set,staff:role_changed"); /* those that name bo */
	memset(&a, 0, sizeof(a));
	CHECK(store_audit_each_service(s, 0, 50, accounts, 2, ada, &end, note_action, &a) == 0);
	CHECK(a.n == 3); /* ada (user 1) made them all */
	CHECK(store_audit_each_service(s, 0, 50, accounts, 7, 0, &end, note_action, &a) == -1);
	store_close(s);
}

static void store_audit_should_bound_a_listing(void)
{
	store *s = open_memory();
	rows_seen rs = {0, "", 0};

	CHECK(store_request_begin(s, NULL, 0) == 0);
	for (int i = 0; i < STORE_AUDIT_LIST_MAX + 5; i++)
		CHECK(store_audit_append(s, NULL, 1, "x", NULL, NULL, 0) == 0);
	CHECK(store_request_end(s) == 0);
	CHECK(store_commit(s, NULL, 0) == 0);
	rs.n = 0;
	CHECK(store_audit_each_for_plan(s, 1, 0, 100000, count_row, &rs.n) == 0);
	CHECK(rs.n == STORE_AUDIT_LIST_MAX);
	store_close(s);
}

static void store_audit_should_refuse_rows_that_are_not_right(void)
{
	store *s = open_memory();
	char err[STORE_ERR_LEN] = "", big[STORE_AUDIT_DETAIL_MAX + 16];
	int n = 0;

	CHECK(store_audit_append(s, NULL, -1, "x", "{not json", err, sizeof(err)) == -1);
	CHECK(err[0] != '\0');
	CHECK(store_audit_append(s, NULL, -1, "", NULL, NULL, 0) == -1);
	memset(big, 'a', sizeof(big));
	memcpy(big, "\"", 1);
	big[sizeof(big) - 2] = '"';
	big[sizeof(big) - 1] = '\0';
	CHECK(store_audit_append(s, NULL, -1, "x", big, NULL, 0) == -1);
	CHECK(store_audit_each_recent(s, 0, 10, count_row, &n) == 0);
	CHECK(n == 0);
	store_close(s);
}

/* Every row of the audit table as text, through a connection of its own. */
static void dump_audit(sqlite3 *db, char *out, size_t n)
{
	sqlite3_stmt *q;
	size_t len = 0;

	out[0] = '\0';
	if (sqlite3_prepare_v2(db,
			       "SELECT id, at_ms, actor_kind, actor_id, role, plan_id, action, "
			       "detail FROM audit ORDER BY id",
			       -1, &q, NULL) != SQLITE_OK)
		return;
	while (sqlite3_step(q) == SQLITE_ROW && len < n)
		for (int c = 0; c < 8 && len < n; c++)
			len += (size_t)snprintf(out + len, n - len, "%s%s",
						(const char *)sqlite3_column_text(q, c)
						    ? (const char *)sqlite3_column_text(q, c)
						    : "NULL",
						c == 7 ? "\n" : "|");
	sqlite3_finalize(q);
}

static void the_database_should_refuse_to_change_or_delete_audit_rows(void)
{
	static const char *const attacks[] = {
	    "UPDATE audit SET action = 'nothing_happened' WHERE id = 1",
	    "UPDATE audit SET detail = '{}'",
	    "DELETE FROM audit WHERE id = 1",
	    "DELETE FROM audit",
	    "INSERT OR REPLACE INTO audit (id, actor_kind, action) VALUES (1, 'system', 'forged')",
	    "REPLACE INTO audit (id, actor_kind, action) VALUES (2, 'system', 'forged')",
	    ("INSERT INTO audit (id, actor_kind, action) VALUES (1, 'system', 'forged') "
	     "ON CONFLICT (id) DO UPDATE SET action = 'forged'"),
	};
	char path[128], before[2048], after[2048];
	store *s = fixture_open_file(tmpdir, "audit.db", path, sizeof(path));
	store_actor manager = {STORE_ACTOR_STAFF, 2, "manager"};
	sqlite3 *db;

	if (!s) {
		CHECK(s != NULL);
		return;
	}
	CHECK(store_audit_append(s, &manager, 5, "sign_off", "{\"version\":3}", NULL, 0) == 0);
	CHECK(store_user_add(s, "casey", "caseworker", SOME_HASH, 1, NULL, NULL, NULL, 0) == 0);
	store_close(s);
	CHECK(sqlite3_open(path, &db) == SQLITE_OK);
	dump_audit(db, before, sizeof(before));
	CHECK(strstr(before, "|staff|2|manager|5|sign_off|{\"version\":3}\n") != NULL);
	for (size_t i = 0; i < sizeof(attacks) / sizeof(*attacks); i++) {
		char *msg = NULL;
		int rc = sqlite3_exec(db, attacks[i], NULL, NULL, &msg);

		CHECK(rc != SQLITE_OK);
		if (rc == SQLITE_OK)
			fprintf(stderr, "  the database allowed: %s\n", attacks[i]);
		else
			CHECK(msg && strstr(msg, "append-only") != NULL);
		sqlite3_free(msg);
	}
	dump_audit(db, after, sizeof(after));
	CHECK_STR(after, before);
	/* Appending still works. */
	CHECK(sqlite3_exec(db, "INSERT INTO audit (actor_kind, action) VALUES ('system', 'test')",
			   NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
}

/* ---- the staff workspace ---- */

static void status_is(store *s, long long plan, const char *want)
{
	store_plan pl;

	CHECK(store_plan_get(s, plan, &pl) == 0);
	CHECK_STR(plan_status_name(pl.status), want);
}

static void store_plan_invite_should_make_a_draft_with_needs_and_an_audit_row(void)
{
	char path[8];
	long long plan = 0, found = 0;
	unsigned char hash[STORE_HASH_BYTES];
	needs_seen ns = {0};
	audit_seen a;
	store *s = fixture_staff_store(tmpdir, NULL, path, sizeof(path), &plan);

	CHECK(s != NULL);
	if (!s)
		return;
	hash_of(40, hash);
	CHECK(store_plan_find(s, hash, &found) == 0 && found == plan);
	status_is(s, plan, "draft");
	CHECK(store_needs_each(s, plan, collect_need, &ns) == 0);
	CHECK(ns.n == 2);
	CHECK_STR(ns.text[0], "Help to wash");
	CHECK(ns.eligible[0] == 1 && ns.eligible[1] == 0);
	CHECK_STR(audit_of(s, plan, &a), "staff:plan_invited");
	store_close(s);
}

static void store_plan_set_code_should_stop_the_old_code_working(void)
{
	char path[8];
	long long plan = 0, found = 0;
	unsigned char old[STORE_HASH_BYTES], fresh[STORE_HASH_BYTES];
	audit_seen a;
	store *s = fixture_staff_store(tmpdir, NULL, path, sizeof(path), &plan);

	if (!s) {
		CHECK(s != NULL);
		return;
	}
	hash_of(40, old);
	hash_of(41, fresh);
	CHECK(store_plan_set_code(s, plan, fresh, &casey_actor, NULL, 0) == 0);
	CHECK(store_plan_find(s, old, &found) == 1);
	CHECK(store_plan_find(s, fresh, &found) == 0 && found == plan);
	CHECK(store_plan_set_code(s, plan + 99, old, &casey_actor, NULL, 0) == 1);
	CHECK_STR(audit_of(s, plan, &a), "staff:plan_invited,staff:code_replaced");
	store_close(s);
}

typedef struct comments_seen {
	int n, seen;
	char text[256];
} comments_seen;

static void note_comment(void *ctx, const store_comment *c)
{
	comments_seen *cs = ctx;
	size_t len = strlen(cs->text);

	snprintf(cs->text + len, sizeof(cs->text) - len, "%s|%s|%s;", c->section, c->text,
		 c->author);
	cs->n++;
	cs->seen += c->seen;
}

static void comments_should_keep_their_author_and_be_marked_seen_once(void)
{
	char path[8];
	long long plan = 0, id = 0;
	comments_seen cs = {0};
	audit_seen a;
	store *s = fixture_staff_store(tmpdir, NULL, path, sizeof(path), &plan);

	if (!s) {
		CHECK(s != NULL);
		return;
	}
	CHECK(store_comment_add(s, plan, "outcomes", "Can you say more?", &casey_actor, &id, NULL,
				0) == 0);
	CHECK(id > 0);
	CHECK(store_comment_add(s, plan, "outcomes", "x", NULL, NULL, NULL, 0) == -1);
	CHECK(store_comment_add(s, plan + 9, "outcomes", "x", &casey_actor, NULL, NULL, 0) == 1);
	CHECK(store_comments_each(s, plan, note_comment, &cs) == 0);
	CHECK(cs.n == 1 && cs.seen == 0);
	CHECK_STR(cs.text, "outcomes|Can you say more?|casey;");
	CHECK(store_comments_mark_seen(s, plan) == 0);
	CHECK(store_comments_mark_seen(s, plan) == 0); /* nothing new: no second audit row */
	memset(&cs, 0, sizeof(cs));
	CHECK(store_comments_each(s, plan, note_comment, &cs) == 0);
	CHECK(cs.seen == 1);
	CHECK_STR(audit_of(s, plan, &a),
		  "staff:plan_invited,staff:comment_added,person:comments_seen");
	CHECK(strstr(a.actions, "Can you") == NULL);
	store_close(s);
}

static int copy_snapshot(void *ctx, const char *json)
{
	snprintf(ctx, 4096, "%s", json);
	return 0;
}

static void the_database_should_refuse_to_change_or_delete_versions(void)
{
	static const char *const attacks[] = {
	    "UPDATE versions SET snapshot = '{}' WHERE n = 1",
	    "UPDATE versions SET kind = 'agreed'",
	    "DELETE FROM versions WHERE n = 1",
	    "DELETE FROM versions",
	    "INSERT OR REPLACE INTO versions (id, plan_id, n, kind, actor_kind, snapshot) "
	    "VALUES (1, 1, 1, 'submitted', 'system', '{}')",
	    "REPLACE INTO versions (plan_id, n, kind, actor_kind, snapshot) "
	    "VALUES (1, 1, 'submitted', 'system', '{}')",
	};
	char path[128], snap[4096] = "", again[4096] = "";
	long long plan = 0;
	int n = 0;
	sqlite3 *db;
	store *s = fixture_staff_store(tmpdir, "versions.db", path, sizeof(path), &plan);

	if (!s) {
		CHECK(s != NULL);
		return;
	}
	CHECK(store_answer_set(s, plan, 0, "important", 0, "", "My dog, Rex", NULL, 0) == 0);
	CHECK(store_version_freeze(s, plan, PLAN_SUBMITTED, NULL, 1, &n, NULL, 0) == 0);
	CHECK(n == 1);
	CHECK(store_version_freeze(s, plan + 9, PLAN_SUBMITTED, NULL, 1, &n, NULL, 0) == 1);
	CHECK(store_version_snapshot(s, plan, 1, copy_snapshot, snap) == 0);
	CHECK(strstr(snap, "\"value\":\"My dog, Rex\"") != NULL);
	CHECK(strstr(snap, "\"text\":\"Help to wash\"") != NULL);
	CHECK(strstr(snap, "\"budget_pence\":24550") != NULL);
	CHECK(store_version_snapshot(s, plan, 2, copy_snapshot, snap) == 1);
	/* Changing the plan afterwards leaves the version as it was. */
	CHECK(store_answer_set(s, plan, 0, "important", 0, "", "My cat", NULL, 0) == 0);
	CHECK(store_version_snapshot(s, plan, 1, copy_snapshot, again) == 0);
	CHECK_STR(again, snap);
	store_close(s);
	CHECK(sqlite3_open(path, &db) == SQLITE_OK);
	for (size_t i = 0; i < sizeof(attacks) / sizeof(*attacks); i++) {
		char *msg = NULL;
		int rc = sqlite3_exec(db, attacks[i], NULL, NULL, &msg);

		CHECK(rc != SQLITE_OK);
		if (rc == SQLITE_OK)
			fprintf(stderr, "  the database allowed: %s\n", attacks[i]);
		else
			CHECK(msg && strstr(msg, "frozen") != NULL);
		sqlite3_free(msg);
	}
	sqlite3_close(db);
	CHECK(count_on_file(path, "SELECT count(*) FROM versions") == 1);
	CHECK(count_on_file(path, "SELECT count(*) FROM versions WHERE snapshot LIKE "
				  "'%My dog, Rex%'") == 1);
}

typedef struct flags_seen {
	int n;
	char order[256];
} flags_seen;

static void note_flag(void *ctx, const store_flag_row *f)
{
	flags_seen *fs = ctx;
	size_t len = strlen(fs->order);

	snprintf(fs->order + len, sizeof(fs->order) - len, "%s%s:%lld", fs->n ? "," : "", f->kind,
		 f->plan);
	fs->n++;
}

static void open_flags_should_list_safeguarding_then_advocacy_then_reviews(void)
{
	char path[8];
	long long plan = 0, other, total = 0;
	int raised;
	flags_seen fs = {0};
	store *s = fixture_staff_store(tmpdir, NULL, path, sizeof(path), &plan);

	if (!s) {
		CHECK(s != NULL);
		return;
	}
	other = new_plan(s, 77);
	CHECK(store_flag_raise(s, plan, 0, "review", "", &raised) == 0);
	CHECK(store_flag_raise(s, other, 0, "advocacy", "", &raised) == 0);
	CHECK(store_flag_raise(s, plan, 0, "advocacy", "", &raised) == 0);
	CHECK(store_flag_raise(s, other, 0, "safeguarding", "", &raised) == 0);
	CHECK(store_flags_open_each(s, 100, &total, note_flag, &fs) == 0);
	CHECK(total == 4);
	{
		char want[256];

		snprintf(want, sizeof(want),
			 "safeguarding:%lld,advocacy:%lld,advocacy:%lld,review:%lld", other, other,
			 plan, plan);
		CHECK_STR(fs.order, want);
		/* at most `limit`, the first in the same order; the total says all */
		memset(&fs, 0, sizeof(fs));
		CHECK(store_flags_open_each(s, 2, &total, note_flag, &fs) == 0);
		snprintf(want, sizeof(want), "safeguarding:%lld,advocacy:%lld", other, other);
		CHECK_STR(fs.order, want);
		CHECK(total == 4);
	}
	CHECK(store_flag_close(s, other, "safeguarding", "Police told", &casey_actor, NULL, 0) ==
	      0);
	CHECK(store_flag_close(s, other, "safeguarding", "again", &casey_actor, NULL, 0) == 1);
	memset(&fs, 0, sizeof(fs));
	CHECK(store_flags_open_each(s, 100, NULL, note_flag, &fs) == 0);
	CHECK(fs.n == 3);
	store_close(s);
}

static void council_parts_should_say_when_there_is_no_such_need_or_item(void)
{
	char path[8];
	long long plan = 0, item = 0;
	audit_seen a;
	store *s = fixture_staff_store(tmpdir, NULL, path, sizeof(path), &plan);

	if (!s) {
		CHECK(s != NULL);
		return;
	}
	CHECK(store_support_add(s, plan, "Swimming", 1250, &casey_actor, &item, NULL, 0) == 0);
	CHECK(item > 0);
	CHECK(store_support_count(s, plan) == 1);
	CHECK(store_support_set(s, plan, item + 5, "x", 1, &casey_actor, NULL, 0) == 1);
	CHECK(store_support_remove(s, plan + 5, item, &casey_actor, NULL, 0) == 1);
	CHECK(store_need_set_how(s, plan, 999, "x", &casey_actor, NULL, 0) == 1);
	CHECK(store_support_remove(s, plan, item, &casey_actor, NULL, 0) == 0);
	CHECK(store_support_count(s, plan) == 0);
	CHECK_STR(audit_of(s, plan, &a),
		  "staff:plan_invited,staff:council_changed,staff:council_changed");
	store_close(s);
}

static void remove_tmpdir(void)
{
	static const char *const names[] = {"migrate.db",     "newer.db",	"review.db",
					    "durable.db",     "uncommitted.db", "version1.db",
					    "staff-batch.db", "audit.db",	"prune.db",
					    "version2.db",    "versions.db",	"kiosk-agree.db"};
	static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
	char path[160];

	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		for (size_t k = 0; k < sizeof(suffixes) / sizeof(*suffixes); k++) {
			snprintf(path, sizeof(path), "%s/%s%s", tmpdir, names[i], suffixes[k]);
			unlink(path);
		}
	if (rmdir(tmpdir) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
}

int main(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/planaloud-store-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(store_should_open_in_memory_at_schema_version_5);
	RUN(store_should_migrate_a_new_file_once_and_reopen_it);
	RUN(store_open_should_refuse_a_database_from_a_newer_version);
	RUN(store_open_should_say_why_it_cannot_open_a_path);
	RUN(store_close_should_accept_null);
	RUN(store_should_create_a_plan_and_find_it_by_its_code_hash);
	RUN(store_should_keep_no_budget_as_minus_one);
	RUN(store_should_refuse_two_plans_with_the_same_code_hash);
	RUN(store_plan_get_should_say_when_there_is_no_such_plan);
	RUN(store_should_remember_the_last_page);
	RUN(store_should_change_status_only_from_the_expected_one);
	RUN(store_should_refuse_a_status_that_does_not_exist);
	RUN(store_should_store_answers_and_replace_them);
	RUN(store_should_keep_each_plans_answers_apart);
	RUN(store_should_store_list_entry_fields);
	RUN(store_should_refuse_an_answer_for_a_plan_that_does_not_exist);
	RUN(store_answers_each_should_stop_when_the_callback_says_so);
	RUN(store_should_keep_text_exactly_as_typed);
	RUN(store_should_add_find_and_remove_list_entries);
	RUN(store_should_not_remove_another_plans_list_entry);
	RUN(store_item_count_should_be_zero_for_an_empty_list);
	RUN(store_should_keep_needs_in_the_order_they_were_added);
	RUN(store_should_record_who_wrote_on_each_visit);
	RUN(store_should_keep_one_open_safeguarding_flag);
	RUN(store_should_keep_each_plans_flags_apart);
	RUN(store_should_refuse_an_unknown_kind_of_flag);
	RUN(store_should_update_the_reason_of_an_open_review_request);
	RUN(store_request_undo_should_leave_nothing_behind);
	RUN(store_request_undo_should_keep_earlier_requests_of_the_batch);
	RUN(store_commits_should_count_batches_not_requests);
	RUN(store_commit_should_make_a_batch_survive_reopening);
	RUN(store_close_should_drop_a_batch_that_was_not_committed);
	RUN(store_should_migrate_a_version_1_database_and_keep_its_plans);
	RUN(store_should_migrate_a_version_2_database_and_keep_its_plans_and_users);
	RUN(store_should_keep_users_with_their_roles_and_refuse_bad_rows);
	RUN(staff_writes_should_commit_at_once_when_no_batch_is_open);
	RUN(staff_writes_should_join_an_open_batch_and_commit_with_it);
	RUN(staff_writes_should_be_rolled_back_with_a_batch_that_is_undone);
	RUN(store_should_disable_a_user_and_end_their_sessions);
	RUN(store_should_audit_a_failed_login_of_a_name_that_is_no_user_as_unknown);
	RUN(store_staff_prune_should_forget_old_sessions_and_failures);
	RUN(store_audit_should_list_a_plans_rows_newest_first);
	RUN(store_audit_should_bound_a_listing);
	RUN(roles_and_disabling_should_never_leave_no_enabled_admin);
	RUN(store_audit_should_refuse_rows_that_are_not_right);
	RUN(the_database_should_refuse_to_change_or_delete_audit_rows);
	RUN(store_plan_invite_should_make_a_draft_with_needs_and_an_audit_row);
	RUN(store_plan_set_code_should_stop_the_old_code_working);
	RUN(council_parts_should_say_when_there_is_no_such_need_or_item);
	RUN(comments_should_keep_their_author_and_be_marked_seen_once);
	RUN(the_database_should_refuse_to_change_or_delete_versions);
	RUN(open_flags_should_list_safeguarding_then_advocacy_then_reviews);
	remove_tmpdir();
	return check_report();
}
