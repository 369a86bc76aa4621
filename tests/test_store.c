/* Tests for server/store.c, on ":memory:" and on a real file in a temporary folder.
 *
 * The store has no reader for a flag's detail (staff read flags elsewhere), so one test opens the
 * database file with a second, read-only SQLite connection to look at it. */
#include "check.h"

#include "store.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[64];

static void hash_of(int n, unsigned char hash[STORE_HASH_BYTES])
{
	for (int i = 0; i < STORE_HASH_BYTES; i++)
		hash[i] = (unsigned char)(n * 31 + i);
}

static store *open_memory(void)
{
	char err[STORE_ERR_LEN] = "";
	store *s = store_open(":memory:", err, sizeof(err));

	if (!s)
		fprintf(stderr, "store_open(:memory:): %s\n", err);
	return s;
}

/* A new plan in status draft, with no budget. */
static long long new_plan(store *s, int n)
{
	unsigned char hash[STORE_HASH_BYTES];
	long long id = 0;

	hash_of(n, hash);
	if (store_plan_create(s, hash, "", -1, &id, NULL, 0))
		return 0;
	return id;
}

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

static void store_should_open_in_memory_at_schema_version_1(void)
{
	store *s = open_memory();

	CHECK(s != NULL);
	CHECK(store_schema_version(s) == 1);
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
	CHECK(store_schema_version(s) == 1);
	store_close(s);
	s = store_open(path, err, sizeof(err));
	CHECK(s != NULL);
	CHECK(store_schema_version(s) == 1);
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
	CHECK_STR(p.status, "draft");
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

	CHECK(store_plan_set_status(s, id, "draft", "submitted", NULL, 0) == 0);
	CHECK(store_plan_get(s, id, &p) == 0);
	CHECK_STR(p.status, "submitted");
	/* Someone else already moved it on: nothing changes. */
	CHECK(store_plan_set_status(s, id, "draft", "submitted", NULL, 0) == 1);
	CHECK(store_plan_set_status(s, id, "agreed", "signed_off", NULL, 0) == 1);
	CHECK(store_plan_get(s, id, &p) == 0);
	CHECK_STR(p.status, "submitted");
	CHECK(store_plan_set_status(s, id + 1, "submitted", "agreed", NULL, 0) == 1);
	store_close(s);
}

static void store_should_refuse_a_status_that_does_not_exist(void)
{
	store *s = open_memory();
	long long id = new_plan(s, 1);
	char err[STORE_ERR_LEN] = "";
	store_plan p;

	CHECK(store_plan_set_status(s, id, "draft", "bogus", err, sizeof(err)) == -1);
	CHECK(err[0] != '\0');
	CHECK(store_plan_get(s, id, &p) == 0);
	CHECK_STR(p.status, "draft");
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
	CHECK(store_plan_set_status(s, id, "draft", "submitted", NULL, 0) == 0);
	store_request_undo(s);
	CHECK(store_answers_each(s, id, collect_answer, &a) == 0);
	CHECK(a.n == 0);
	CHECK(store_plan_get(s, id, &p) == 0);
	CHECK_STR(p.status, "draft");
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
	CHECK(store_plan_set_status(s, id, "draft", "submitted", err, sizeof(err)) == 0);
	CHECK(store_request_end(s) == 0);
	CHECK(store_commit(s, err, sizeof(err)) == 0);
	store_close(s);

	s = store_open(path, err, sizeof(err));
	CHECK(s != NULL);
	CHECK(store_plan_find(s, hash, &found) == 0);
	CHECK(found == id);
	CHECK(store_plan_get(s, id, &p) == 0);
	CHECK_STR(p.status, "submitted");
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

static void remove_tmpdir(void)
{
	static const char *const names[] = {"migrate.db", "newer.db", "review.db", "durable.db",
					    "uncommitted.db"};
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
	RUN(store_should_open_in_memory_at_schema_version_1);
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
	remove_tmpdir();
	return check_report();
}
