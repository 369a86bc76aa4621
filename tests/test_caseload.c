/* test_caseload: the caseload's store functions (store_caseload.c) on a real SQLite file. The
 * caseload must stay quick however many plans there are: each listing reads a page from an index
 * (checked with SQLite's own EXPLAIN QUERY PLAN), the plans in each status are counted by the
 * database as they change, and plans that may be due for review are looked for again only when
 * something could have made one due. */
#include "check.h"
#include "plan.h"
#include "store.h"
#include "store_fixture.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MINUTE_MS 60000LL
#define T0_MS	  1795348800000LL /* 2026-11-22 12:00 UTC */

static char tmpdir[64];

/* A plan of its own (n up to 65535), in status, changed at T0 + n minutes. */
static long long plan_at(store *s, int n, plan_status status)
{
	unsigned char hash[STORE_HASH_BYTES] = {0};
	char name[32];
	long long id = 0;

	hash[0] = 0xca;
	hash[1] = (unsigned char)(n >> 8);
	hash[2] = (unsigned char)n;
	snprintf(name, sizeof(name), "Person %d", n);
	if (store_plan_create(s, hash, n % 2 ? name : "", -1, &id, NULL, 0) ||
	    (status != PLAN_DRAFT && store_plan_move(s, id, PLAN_DRAFT, status, T0_MS)) ||
	    store_plan_touch(s, id, T0_MS + n * MINUTE_MS))
		return 0;
	return id;
}

/* The status's count as the database counts it, read from the file on a connection of its own. */
static long long counted(const char *path, plan_status st)
{
	char sql[128];
	sqlite3 *db;
	sqlite3_stmt *q = NULL;
	long long n = -1;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM plans WHERE status = '%s'",
		 plan_status_name(st));
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
		n = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	sqlite3_close(db);
	return n;
}

static int counts_match(store *s, const char *path)
{
	long long counts[PLAN_STATUS_COUNT];
	int ok = store_caseload_counts(s, counts) == 0;

	for (int i = 0; ok && i < PLAN_STATUS_COUNT; i++)
		if (counts[i] != counted(path, (plan_status)i)) {
			fprintf(stderr, "  %s: kept %lld, counted %lld\n",
				plan_status_name((plan_status)i), counts[i],
				counted(path, (plan_status)i));
			ok = 0;
		}
	return ok;
}

static int file_exec(const char *path, const char *sql)
{
	sqlite3 *db;
	int ok = sqlite3_open(path, &db) == SQLITE_OK &&
		 sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK;

	sqlite3_close(db);
	return ok ? 0 : -1;
}

/* ---- rows seen ---- */

typedef struct rows_seen {
	int n;
	char text[4096]; /* "plan:status:flags:review" for each, comma-separated */
} rows_seen;

static void note_row(void *ctx, const store_caseload_row *r)
{
	rows_seen *rs = ctx;
	size_t len = strlen(rs->text);
	char flags[64] = "";

	for (size_t k = 0; k < STORE_FLAG_KINDS; k++)
		if (*r->flag_raised[k])
			snprintf(flags + strlen(flags), sizeof(flags) - strlen(flags), "%s%s",
				 *flags ? "+" : "", store_flag_kind(k));
	snprintf(rs->text + len, sizeof(rs->text) - len, "%s%lld:%s:%s:%s%s%s", rs->n ? "," : "",
		 r->plan, plan_status_name(r->status), flags, r->review_kind,
		 *r->review_due ? "@" : "", r->review_due);
	rs->n++;
}

/* ---- the tests ---- */

static void plan_counts_should_follow_plans_as_they_are_made_moved_and_removed(void)
{
	char path[128];
	store *s = fixture_open_file(tmpdir, "counts.db", path, sizeof(path));
	long long first = 0, counts[PLAN_STATUS_COUNT];

	CHECK(s != NULL);
	if (!s)
		return;
	CHECK(store_caseload_counts(s, counts) == 0 && counts[PLAN_DRAFT] == 0);
	for (int i = 0; i < 40; i++) {
		long long id = plan_at(s, i, (plan_status)(i % PLAN_STATUS_COUNT));

		CHECK(id > 0);
		if (!first)
			first = id;
	}
	CHECK(counts_match(s, path));
	CHECK(store_caseload_counts(s, counts) == 0 && counts[PLAN_DRAFT] == 6 &&
	      counts[PLAN_SUBMITTED] == 6 && counts[PLAN_REVIEW_DUE] == 5);
	/* moved, moved back, moved nowhere (the same status), inside a batch that commits */
	CHECK(store_request_begin(s, NULL, 0) == 0);
	CHECK(store_plan_move(s, first, PLAN_DRAFT, PLAN_SUBMITTED, T0_MS) == 0);
	CHECK(store_plan_move(s, first, PLAN_SUBMITTED, PLAN_SUBMITTED, T0_MS) == 0);
	CHECK(store_request_end(s) == 0 && store_commit(s, NULL, 0) == 0);
	CHECK(counts_match(s, path));
	/* a request undone takes its counting with it */
	CHECK(store_request_begin(s, NULL, 0) == 0);
	CHECK(plan_at(s, 500, PLAN_AGREED) > 0);
	store_request_undo(s);
	CHECK(store_commit(s, NULL, 0) == 0);
	CHECK(counts_match(s, path));
	store_close(s);
	/* removed (as erasure may), and changed by another connection */
	CHECK(file_exec(path, "DELETE FROM plans WHERE id = (SELECT max(id) FROM plans);"
			      "UPDATE plans SET status = 'agreed' WHERE status = 'draft';") == 0);
	s = fixture_open_file(tmpdir, "counts.db", path, sizeof(path));
	CHECK(s && counts_match(s, path));
	CHECK(s && store_caseload_counts(s, counts) == 0 && counts[PLAN_DRAFT] == 0);
	store_close(s);
}

static void a_database_from_before_the_counts_should_count_its_plans_once_migrated(void)
{
	char path[128], err[STORE_ERR_LEN] = "";
	store *s = fixture_open_file(tmpdir, "version4.db", path, sizeof(path));

	CHECK(s != NULL);
	if (!s)
		return;
	for (int i = 0; i < 9; i++)
		CHECK(plan_at(s, i, (plan_status)(i % 3)) > 0);
	store_close(s);
	/* as migration 4 left it (6 to 9 undone too) */
	CHECK(file_exec(
		  path,
		  "ALTER TABLE plans DROP COLUMN lang;"
		  "DROP TABLE alerts;"
		  "DROP TABLE backups; DROP TABLE key_id;"
		  "DROP TRIGGER plans_no_reuse; DROP TABLE plan_reads; DROP TABLE erasures;"
		  "DROP INDEX flags_plan; DROP INDEX reviews_plan; DROP INDEX resume_tokens_plan;"
		  "DROP INDEX answers_visit; DROP INDEX flags_visit;"
		  "DROP TABLE kiosks; DROP TRIGGER plan_counts_insert; DROP TRIGGER "
		  "plan_counts_update;"
		  "DROP TRIGGER plan_counts_delete; DROP TABLE plan_counts;"
		  "DROP TRIGGER reviews_mark_request; DROP TRIGGER reviews_mark_reopened;"
		  "DROP TRIGGER reviews_mark_signed_off; DROP TRIGGER reviews_mark_scheduled;"
		  "DROP TRIGGER reviews_mark_changed; DROP TRIGGER open_flags_raised; DROP "
		  "TRIGGER open_flags_closed;"
		  "DROP TRIGGER open_flags_removed; DROP TABLE caseload_marks;"
		  "DROP INDEX plans_caseload; DROP INDEX flags_urgent;"
		  "DROP INDEX reviews_due; PRAGMA user_version = 4;") == 0);
	CHECK(count_on_file(path, "SELECT count(*) FROM sqlite_master WHERE name IN "
				  "('plan_counts','plans_caseload','plan_counts_insert')") == 0);
	s = store_open(path, err, sizeof(err));
	CHECK(s != NULL);
	if (!s) {
		fprintf(stderr, "  %s\n", err);
		return;
	}
	CHECK(store_schema_version(s) == 11);
	CHECK(counts_match(s, path));
	CHECK(plan_at(s, 100, PLAN_DRAFT) > 0);
	CHECK(counts_match(s, path));
	store_close(s);
}

static void ignore_flag(void *ctx, const store_flag_row *f)
{
	(void)ctx;
	(void)f;
}

/* The open flags' total as the store keeps it equals a count of them, read from the file. */
static int open_total_matches(store *s, const char *path)
{
	long long total = -1,
		  counted =
		      count_on_file(path, "SELECT count(*) FROM flags WHERE closed_at IS NULL");

	if (store_flags_open_each(s, 0, &total, ignore_flag, NULL) || total != counted) {
		fprintf(stderr, "  open flags: kept %lld, counted %lld\n", total, counted);
		return 0;
	}
	return 1;
}

static void the_open_flags_total_should_follow_flags_raised_closed_and_removed(void)
{
	char path[128];
	store *s = fixture_open_file(tmpdir, "flags.db", path, sizeof(path));
	long long a, b;
	int raised;

	CHECK(s != NULL);
	if (!s)
		return;
	a = plan_at(s, 1, PLAN_SUBMITTED);
	b = plan_at(s, 2, PLAN_DRAFT);
	CHECK(open_total_matches(s, path));
	CHECK(store_flag_raise(s, a, 0, "safeguarding", "", &raised) == 0 && raised);
	CHECK(store_flag_raise(s, a, 0, "safeguarding", "", &raised) == 0 && !raised);
	CHECK(store_flag_raise(s, a, 0, "review", "Why", &raised) == 0);
	CHECK(store_flag_raise(s, a, 0, "review", "Why now", &raised) ==
	      0); /* the reason changes */
	CHECK(store_flag_raise(s, b, 0, "advocacy", "", &raised) == 0);
	CHECK(open_total_matches(s, path));
	CHECK(store_flag_close(s, a, "safeguarding", "Told the team", &casey_actor, NULL, 0) == 0);
	CHECK(open_total_matches(s, path));
	store_close(s);
	/* reopened, and removed, by another connection */
	CHECK(file_exec(path, "UPDATE flags SET closed_at = NULL WHERE kind = 'safeguarding';"
			      "DELETE FROM flags WHERE kind = 'advocacy';") == 0);
	s = fixture_open_file(tmpdir, "flags.db", path, sizeof(path));
	CHECK(s && open_total_matches(s, path));
	store_close(s);
}

static void a_page_should_list_one_status_most_recently_changed_first_with_its_flags(void)
{
	char path[128], want[512];
	store *s = fixture_open_file(tmpdir, "page.db", path, sizeof(path));
	long long id[8];
	rows_seen rs = {0};
	int raised;

	CHECK(s != NULL);
	if (!s)
		return;
	for (int i = 0; i < 8; i++)
		id[i] = plan_at(s, i, i < 6 ? PLAN_SIGNED_OFF : PLAN_DRAFT);
	/* plan 4 is changed last of all; plan 2 has two kinds of flag open, plan 3 one closed */
	CHECK(store_plan_touch(s, id[4], T0_MS + 100 * MINUTE_MS) == 0);
	CHECK(store_flag_raise(s, id[2], 0, "review", "My needs changed", &raised) == 0);
	CHECK(store_flag_raise(s, id[2], 0, "safeguarding", "", &raised) == 0);
	CHECK(store_flag_raise(s, id[3], 0, "advocacy", "", &raised) == 0);
	CHECK(store_flag_close(s, id[3], "advocacy", "Advocate found", &casey_actor, NULL, 0) == 0);
	CHECK(store_reviews_schedule(s, id[5], "2027-01-10", "2027-11-22") == 0);
	CHECK(store_caseload_each(s, PLAN_SIGNED_OFF, 0, 3, note_row, &rs) == 3);
	snprintf(want, sizeof(want),
		 "%lld:signed_off::,%lld:signed_off::light@2027-01-10,%lld:signed_off::", id[4],
		 id[5], id[3]);
	CHECK_STR(rs.text, want);
	memset(&rs, 0, sizeof(rs));
	CHECK(store_caseload_each(s, PLAN_SIGNED_OFF, 3, 3, note_row, &rs) == 3);
	snprintf(want, sizeof(want),
		 "%lld:signed_off:safeguarding+review:,%lld:signed_off::,%lld:signed_off::", id[2],
		 id[1], id[0]);
	CHECK_STR(rs.text, want);
	/* past the end: nothing */
	memset(&rs, 0, sizeof(rs));
	CHECK(store_caseload_each(s, PLAN_SIGNED_OFF, 6, 3, note_row, &rs) == 0);
	CHECK(store_caseload_each(s, PLAN_DRAFT, 0, 50, note_row, &rs) == 2);
	store_close(s);
}

static void reviews_due_should_come_soonest_first_with_how_many_in_all(void)
{
	char path[128], want[256];
	store *s = fixture_open_file(tmpdir, "reviews.db", path, sizeof(path));
	long long a, b, c, total = -1;
	rows_seen rs = {0};

	CHECK(s != NULL);
	if (!s)
		return;
	a = plan_at(s, 1, PLAN_SIGNED_OFF);
	b = plan_at(s, 2, PLAN_SIGNED_OFF);
	c = plan_at(s, 3, PLAN_REVIEW_DUE);
	CHECK(store_reviews_schedule(s, a, "2026-12-01", "2027-11-01") == 0);
	CHECK(store_reviews_schedule(s, b, "2026-11-20", "2027-11-20") == 0);
	CHECK(store_reviews_schedule(s, c, NULL, "2027-06-01") == 0);
	CHECK(store_caseload_reviews_each(s, "2026-12-06", 50, &total, note_row, &rs) == 0);
	snprintf(want, sizeof(want),
		 "%lld:signed_off::light@2026-11-20,%lld:signed_off::light@2026-12-01", b, a);
	CHECK_STR(rs.text, want);
	CHECK(total == 2);
	memset(&rs, 0, sizeof(rs));
	CHECK(store_caseload_reviews_each(s, "2026-12-06", 1, &total, note_row, &rs) == 0);
	CHECK(rs.n == 1 && total == 2);
	memset(&rs, 0, sizeof(rs));
	CHECK(store_caseload_reviews_each(s, "2026-11-01", 50, &total, note_row, &rs) == 0);
	CHECK(rs.n == 0 && total == 0);
	store_close(s);
}

typedef struct due_seen {
	int n, asked;
} due_seen;

static int note_due(void *ctx, long long plan, plan_status status, int asked)
{
	due_seen *d = ctx;

	(void)plan;
	(void)status;
	d->n++;
	d->asked += asked;
	return 0;
}

static int due_count(store *s, const char *today, int *asked)
{
	due_seen d = {0, 0};

	if (store_reviews_due_each(s, PLAN_SIGNED_OFF, today, note_due, &d))
		return -1;
	if (asked)
		*asked = d.asked;
	return d.n;
}

static void plans_due_for_review_should_be_found_whenever_something_could_make_one_due(void)
{
	char path[128];
	store *s = fixture_open_file(tmpdir, "due.db", path, sizeof(path));
	long long a, b, c;
	int raised, asked = 0;

	CHECK(s != NULL);
	if (!s)
		return;
	a = plan_at(s, 1, PLAN_SIGNED_OFF);
	b = plan_at(s, 2, PLAN_DRAFT);
	c = plan_at(s, 3, PLAN_AGREED);
	CHECK(store_reviews_schedule(s, a, "2026-12-01", "2027-11-01") == 0);
	CHECK(due_count(s, "2026-11-22", NULL) == 0);
	CHECK(due_count(s, "2026-11-22", NULL) == 0); /* remembered: nothing changed */
	/* a request on a plan not signed off is not for now; one on a signed-off plan is */
	CHECK(store_flag_raise(s, b, 0, "review", "", &raised) == 0 && raised);
	CHECK(due_count(s, "2026-11-22", NULL) == 0);
	CHECK(store_flag_raise(s, a, 0, "review", "My needs changed", &raised) == 0 && raised);
	CHECK(due_count(s, "2026-11-22", &asked) == 1 && asked == 1);
	CHECK(store_flag_close(s, a, "review", "Talked", &casey_actor, NULL, 0) == 0);
	CHECK(due_count(s, "2026-11-22", NULL) == 0);
	/* the day comes */
	CHECK(due_count(s, "2026-12-01", &asked) == 1 && asked == 0);
	CHECK(due_count(s, "2026-11-30", NULL) == 0);
	/* a plan signed off with a review already due; and with a request open from before */
	CHECK(store_reviews_schedule(s, c, "2026-11-01", NULL) == 0);
	CHECK(due_count(s, "2026-11-30", NULL) == 0);
	CHECK(store_plan_move(s, c, PLAN_AGREED, PLAN_SIGNED_OFF, T0_MS) == 0);
	CHECK(due_count(s, "2026-11-30", NULL) == 1);
	CHECK(store_plan_move(s, c, PLAN_SIGNED_OFF, PLAN_REVIEW_DUE, T0_MS) == 0);
	CHECK(due_count(s, "2026-11-30", NULL) == 0);
	CHECK(store_plan_move(s, b, PLAN_DRAFT, PLAN_SIGNED_OFF, T0_MS) == 0);
	CHECK(due_count(s, "2026-11-30", &asked) == 1 && asked == 1);
	/* changed by another connection */
	CHECK(file_exec(path,
			"UPDATE plans SET status = 'review_due' WHERE status = 'signed_off';") ==
	      0);
	CHECK(due_count(s, "2026-11-30", NULL) == 0);
	CHECK(file_exec(path,
			"UPDATE plans SET status = 'signed_off' WHERE status = 'review_due';") ==
	      0);
	CHECK(due_count(s, "2026-11-30", NULL) == 2);
	store_close(s);
}

/* 1 when the query plan line for `query` holds `needle`; says what it was otherwise. */
static int plan_has(const char *plans, const char *query, const char *needle)
{
	char prefix[32];
	const char *line;
	size_t len;

	snprintf(prefix, sizeof(prefix), "%s:", query);
	line = strstr(plans, prefix);
	len = line ? strcspn(line, "\n") : 0;
	for (const char *p = line; p && (p = strstr(p, needle)) && p < line + len;)
		return 1;
	fprintf(stderr, "  %s's plan has no \"%s\": %.*s\n", query, needle, (int)len,
		line ? line : "(none)");
	return 0;
}

/* 1 when no line reads a whole table: SQLite says "SCAN <table>" (a scan of a small page already
 * made, "SCAN page" or "SCAN due", is fine). */
static int no_table_scan(const char *plans)
{
	static const char *const tables[] = {"SCAN plans",   "SCAN p;", "SCAN p ",
					     "SCAN flags",   "SCAN f;", "SCAN f ",
					     "SCAN reviews", "SCAN r;", "SCAN r "};

	for (size_t i = 0; i < sizeof(tables) / sizeof(*tables); i++)
		if (strstr(plans, tables[i])) {
			fprintf(stderr, "  a whole table is read (%s):\n%s\n", tables[i], plans);
			return 0;
		}
	return 1;
}

static void the_caseload_should_read_indexes_never_every_plan_or_flag(void)
{
	char path[128], plans[8192];
	store *s = fixture_open_file(tmpdir, "explain.db", path, sizeof(path));

	CHECK(s != NULL);
	if (!s)
		return;
	for (int i = 0; i < 60; i++) {
		long long id = plan_at(s, i, (plan_status)(i % PLAN_STATUS_COUNT));
		int raised;

		CHECK(id > 0 &&
		      store_flag_raise(s, id, 0, store_flag_kind((size_t)i % 3), "", &raised) == 0);
	}
	CHECK(store_caseload_explain(s, plans, sizeof(plans)) == 0);
	CHECK(no_table_scan(plans));
	/* the page: its ids from the plans' caseload index alone, then each plan's open flags and
	 * next review through their own indexes (the open flags' or all of the plan's flags': a
	 * plan has a handful either way) */
	CHECK(plan_has(plans, "page", "USING COVERING INDEX plans_caseload (status=?)"));
	CHECK(plan_has(plans, "page", "SEARCH f USING INDEX flags_open (plan_id=?)") ||
	      plan_has(plans, "page", "SEARCH f USING INDEX flags_plan (plan_id=?)"));
	CHECK(plan_has(plans, "page", "USING INDEX reviews_open (plan_id=?)"));
	CHECK(plan_has(plans, "reviews", "USING INDEX reviews_due (due<?)"));
	CHECK(plan_has(plans, "reviews-count", "USING INDEX reviews_due (due<?)"));
	CHECK(plan_has(plans, "urgent", "USING INDEX flags_urgent (kind=?)"));
	CHECK(plan_has(plans, "due", "USING INDEX reviews_due (due<?)"));
	store_close(s);
}

static void remove_tmpdir(void)
{
	static const char *const names[] = {"counts",  "version4", "flags",  "page",
					    "reviews", "due",	   "explain"};
	static const char *const suffixes[] = {".db", ".db-wal", ".db-shm", ".db-journal"};
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
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/planaloud-caseload-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(plan_counts_should_follow_plans_as_they_are_made_moved_and_removed);
	RUN(a_database_from_before_the_counts_should_count_its_plans_once_migrated);
	RUN(the_open_flags_total_should_follow_flags_raised_closed_and_removed);
	RUN(a_page_should_list_one_status_most_recently_changed_first_with_its_flags);
	RUN(reviews_due_should_come_soonest_first_with_how_many_in_all);
	RUN(plans_due_for_review_should_be_found_whenever_something_could_make_one_due);
	RUN(the_caseload_should_read_indexes_never_every_plan_or_flag);
	remove_tmpdir();
	return check_report();
}
