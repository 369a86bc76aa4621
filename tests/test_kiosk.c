/* test_kiosk: the kiosk's protocol without a network. Messages go in as strings; what the protocol
 * sends comes out through a message_io that records it; the store is SQLite in memory (or a
 * temporary file where a test must reach into the database to make it fail). */
#include "check.h"
#include "fake_conn.h"
#include "utf8.h"
#include "code.h"
#include "content.h"
#include "demo.h"
#include "plan.h"
#include "kiosk.h"
#include "languages.h"
#include "store.h"
#include "workflow.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Message i as JSON (cJSON_Delete it), or NULL. */
static cJSON *fake_msg(const fake_conn *fc, int i)
{
	return i >= 0 && i < fc->n ? cJSON_Parse(fc->sent[i]) : NULL;
}

/* The type of message i, and the page id / code / page it is about, joined: "page welcome",
 * "saved like-admire", "error too-long". Into out. */
static const char *fake_what(const fake_conn *fc, int i, char *out, size_t n)
{
	cJSON *m = fake_msg(fc, i);
	const cJSON *t = cJSON_GetObjectItem(m, "type");
	const cJSON *about = NULL;

	out[0] = '\0';
	if (cJSON_IsString(t)) {
		if (strcmp(t->valuestring, "page") == 0)
			about = cJSON_GetObjectItem(cJSON_GetObjectItem(m, "page"), "id");
		else if (strcmp(t->valuestring, "error") == 0)
			about = cJSON_GetObjectItem(m, "code");
		else
			about = cJSON_GetObjectItem(m, "page");
		snprintf(out, n, "%s%s%s", t->valuestring, cJSON_IsString(about) ? " " : "",
			 cJSON_IsString(about) ? about->valuestring : "");
	}
	cJSON_Delete(m);
	return out;
}

/* The last message's summary (see fake_what). */
static const char *last(const fake_conn *fc)
{
	static char what[128];

	return fake_what(fc, fc->n - 1, what, sizeof(what));
}

static long long last_seq(const fake_conn *fc)
{
	cJSON *m = fake_msg(fc, fc->n - 1);
	const cJSON *s = cJSON_GetObjectItem(m, "seq");
	long long v = cJSON_IsNumber(s) ? (long long)s->valuedouble : -1;

	cJSON_Delete(m);
	return v;
}

/* ---- the fixture: content (loaded once), a store, a protocol, a demo plan ---- */

static content *ct;
static const unsigned char zero_key[CODE_KEY_BYTES];

typedef struct fixture {
	store *st;
	kiosk *p;
	char code[CODE_MAX];
	long long plan;
	char path[256]; /* the database file, or "" for :memory: */
} fixture;

static int fixture_open(fixture *f, int on_disk)
{
	kiosk_config cfg = {
	    .idle_seconds = 120, .warn_seconds = 30, .address_failures = 20, .address_window = 600};
	unsigned char hash[CODE_HASH_BYTES];
	char err[256];

	memset(f, 0, sizeof(*f));
	if (on_disk) {
		int fd;

		snprintf(f->path, sizeof(f->path), "/tmp/planaloud-kiosk-XXXXXX");
		fd = mkstemp(f->path);
		if (fd < 0)
			return -1;
		close(fd);
		unlink(f->path); /* store_open makes it afresh */
	}
	f->st = store_open(on_disk ? f->path : ":memory:", err, sizeof(err));
	if (!f->st) {
		fprintf(stderr, "store_open: %s\n", err);
		return -1;
	}
	if (demo_invite(f->st, ct, zero_key, f->code, err, sizeof(err))) {
		fprintf(stderr, "demo_invite: %s\n", err);
		return -1;
	}
	code_hash(zero_key, f->code, hash);
	if (store_plan_find(f->st, hash, &f->plan))
		return -1;
	f->p = kiosk_new(ct, f->st, zero_key, &cfg, (message_io){fake_send, NULL});
	return f->p ? 0 : -1;
}

static void fixture_close(fixture *f)
{
	char path[300];

	kiosk_free(f->p);
	store_close(f->st);
	if (f->path[0]) {
		unlink(f->path);
		snprintf(path, sizeof(path), "%s-wal", f->path);
		unlink(path);
		snprintf(path, sizeof(path), "%s-shm", f->path);
		unlink(path);
	}
}

/* ---- the demo plan ---- */

typedef struct invited_seen {
	char by[64], managing[64];
	long long budget;
	int rows;
	char action[32], actor[16];
} invited_seen;

static void note_invited(void *ctx, const store_plan_detail *d)
{
	invited_seen *iv = ctx;

	snprintf(iv->by, sizeof(iv->by), "%s", d->invited_by);
	snprintf(iv->managing, sizeof(iv->managing), "%s", d->managing);
	iv->budget = d->budget_pence;
}

static int note_invite_row(void *ctx, const store_audit_row *row)
{
	invited_seen *iv = ctx;

	iv->rows++;
	snprintf(iv->action, sizeof(iv->action), "%s", row->action);
	snprintf(iv->actor, sizeof(iv->actor), "%s", row->actor_kind);
	return 0;
}

/* Looks at the demo plan of a store: who invited, how, and its audit rows. */
static void demo_plan_seen(store *st, const char *code, invited_seen *iv)
{
	unsigned char hash[CODE_HASH_BYTES];
	long long plan = 0;

	memset(iv, 0, sizeof(*iv));
	code_hash(zero_key, code, hash);
	CHECK(store_plan_find(st, hash, &plan) == 0);
	CHECK(store_plan_detail_get(st, plan, note_invited, iv) == 0);
	CHECK(store_audit_each_for_plan(st, plan, 0, 10, note_invite_row, iv) == 0);
}

static void the_demo_plan_should_be_invited_the_way_a_caseworker_invites(void)
{
	const char *hash = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$c29tZWhhc2hzb21laGFzaA";
	char code[CODE_MAX], err[256] = "";
	invited_seen iv;
	store *st;
	fixture f;

	/* with no demo caseworker yet: the system invites */
	CHECK(fixture_open(&f, 0) == 0);
	demo_plan_seen(f.st, f.code, &iv);
	CHECK(iv.rows == 1);
	CHECK_STR(iv.action, "plan_invited");
	CHECK_STR(iv.actor, "system");
	CHECK_STR(iv.managing, "direct,council,provider,mix");
	CHECK(iv.budget > 0);
	fixture_close(&f);
	/* with the demo caseworker there (as --demo makes them first): they invite */
	st = store_open(":memory:", err, sizeof(err));
	CHECK(st != NULL);
	if (!st)
		return;
	CHECK(store_user_add(st, DEMO_CASEWORKER, "caseworker", hash, 1, NULL, NULL, NULL, 0) == 0);
	CHECK(demo_invite(st, ct, zero_key, code, err, sizeof(err)) == 0);
	demo_plan_seen(st, code, &iv);
	CHECK(iv.rows == 1);
	CHECK_STR(iv.action, "plan_invited");
	CHECK_STR(iv.actor, "staff");
	CHECK_STR(iv.by, DEMO_CASEWORKER);
	store_close(st);
}

static void handle(kiosk_session *s, const char *msg)
{
	kiosk_handle(s, msg, strlen(msg), 0);
}

static int flush(fixture *f)
{
	char err[256];
	int rc = kiosk_flush(f->p, err, sizeof(err));

	if (rc)
		fprintf(stderr, "  (kiosk_flush: %s)\n", err);
	return rc;
}

/* A session with the plan of this code open (committed); its messages so far cleared. */
static kiosk_session *open_with_code(fixture *f, fake_conn *fc, const char *code)
{
	char msg[256];
	kiosk_session *s = kiosk_session_open(f->p, fc, "127.0.0.1");

	snprintf(msg, sizeof(msg), "{\"type\":\"code\",\"seq\":1,\"code\":\"%s\"}", code);
	handle(s, msg);
	flush(f);
	fake_reset(fc);
	return s;
}

/* A session with a new plan open (committed); *plan gets its id. */
static kiosk_session *open_new_plan(fixture *f, fake_conn *fc)
{
	kiosk_session *s = kiosk_session_open(f->p, fc, "127.0.0.1");

	handle(s, "{\"type\":\"new_plan\",\"seq\":1}");
	flush(f);
	fake_reset(fc);
	return s;
}

typedef struct found {
	const char *page;
	long long item;
	const char *field;
	char value[256];
	int hits;
	int total;
} found;

static int find_answer(void *ctx, const char *page, long long item, const char *field,
		       const char *value)
{
	found *fd = ctx;

	fd->total++;
	if (strcmp(page, fd->page) == 0 && item == fd->item && strcmp(field, fd->field) == 0) {
		fd->hits++;
		snprintf(fd->value, sizeof(fd->value), "%s", value);
	}
	return 0;
}

/* The plan's stored value for a page's own answer, or NULL when there is none. */
static const char *stored(fixture *f, long long plan, const char *page)
{
	static found fd;

	memset(&fd, 0, sizeof(fd));
	fd.page = page;
	fd.field = "";
	if (store_answers_each(f->st, plan, find_answer, &fd))
		return NULL;
	return fd.hits ? fd.value : NULL;
}

static int answers_in(fixture *f, long long plan)
{
	found fd = {.page = "", .field = ""};

	store_answers_each(f->st, plan, find_answer, &fd);
	return fd.total;
}

/* ---- the tests ---- */

static void session_open_should_send_hello_then_the_welcome_page(void)
{
	fixture f;
	fake_conn fc = {.n = 0};
	kiosk_session *s;
	char what[64];

	CHECK(fixture_open(&f, 0) == 0);
	s = kiosk_session_open(f.p, &fc, "127.0.0.1");
	CHECK(s != NULL);
	CHECK(fc.n == 2);
	CHECK_STR(fake_what(&fc, 0, what, sizeof(what)), "hello");
	CHECK_STR(fake_what(&fc, 1, what, sizeof(what)), "page welcome");
	CHECK(!fc.close_after[0] && !fc.close_after[1]);
	CHECK(!kiosk_batch_open(f.p));
	kiosk_session_close(s);
	fake_reset(&fc);
	fixture_close(&f);
}

static void replies_to_changes_should_wait_for_kiosk_flush(void)
{
	fixture f;
	fake_conn fc = {.n = 0};
	kiosk_session *s;
	char msg[256];
	unsigned long commits;

	CHECK(fixture_open(&f, 0) == 0);
	s = kiosk_session_open(f.p, &fc, "127.0.0.1");
	fake_reset(&fc);

	/* opening the plan writes (a visit): the page waits for the commit */
	snprintf(msg, sizeof(msg), "{\"type\":\"code\",\"seq\":3,\"code\":\"%s\"}", f.code);
	handle(s, msg);
	CHECK(fc.n == 0);
	CHECK(kiosk_batch_open(f.p));
	commits = store_commits(f.st);
	CHECK(flush(&f) == 0);
	CHECK(store_commits(f.st) == commits + 1);
	CHECK(fc.n == 1);
	CHECK_STR(last(&fc), "page profile-intro");
	CHECK(last_seq(&fc) == 3);
	CHECK(!kiosk_batch_open(f.p));

	/* an answer: no `saved` before the flush, `saved` after */
	handle(s, "{\"type\":\"answer\",\"seq\":4,\"page\":\"like-admire\",\"value\":\"held\"}");
	CHECK(fc.n == 1);
	CHECK(kiosk_batch_open(f.p));
	CHECK(flush(&f) == 0);
	CHECK(fc.n == 2);
	CHECK_STR(last(&fc), "saved like-admire");
	CHECK(last_seq(&fc) == 4);
	CHECK_STR(stored(&f, f.plan, "like-admire"), "held");

	/* an error in a writing handler waits its turn too: replies stay in order */
	handle(s, "{\"type\":\"answer\",\"seq\":5,\"page\":\"like-admire\",\"value\":\"one\"}");
	handle(s, "{\"type\":\"answer\",\"seq\":6,\"page\":\"managing\",\"value\":\"lottery\"}");
	handle(s, "{\"type\":\"answer\",\"seq\":7,\"page\":\"like-admire\",\"value\":\"two\"}");
	CHECK(fc.n == 2);
	CHECK(flush(&f) == 0);
	CHECK(fc.n == 5);
	{
		char what[64];

		CHECK_STR(fake_what(&fc, 2, what, sizeof(what)), "saved like-admire");
		CHECK_STR(fake_what(&fc, 3, what, sizeof(what)), "error bad-field");
		CHECK_STR(fake_what(&fc, 4, what, sizeof(what)), "saved like-admire");
	}
	CHECK_STR(stored(&f, f.plan, "like-admire"), "two");

	/* a flush with nothing waiting sends nothing and commits nothing */
	commits = store_commits(f.st);
	CHECK(flush(&f) == 0);
	CHECK(fc.n == 5);
	CHECK(store_commits(f.st) == commits);

	kiosk_session_close(s);
	fake_reset(&fc);
	fixture_close(&f);
}

static void a_failed_handler_should_leave_nothing_in_the_store(void)
{
	static const char *const failing[] = {
	    "{\"type\":\"answer\",\"seq\":10,\"page\":\"managing\",\"value\":\"lottery\"}",
	    "{\"type\":\"answer\",\"seq\":11,\"page\":\"nope\",\"value\":\"x\"}",
	    ("{\"type\":\"answer\",\"seq\":12,\"page\":\"budget\",\"item\":999,\"field\":\"cost\","
	     "\"value\":\"1\"}"),
	    "{\"type\":\"item_remove\",\"seq\":13,\"page\":\"budget\",\"item\":999}",
	    "{\"type\":\"code\",\"seq\":14,\"code\":\"x\"}",
	    "{\"type\":\"new_plan\",\"seq\":15}",
	};
	fixture f;
	fake_conn fc = {.n = 0};
	kiosk_session *s;
	sqlite3 *db = NULL;
	int before;

	CHECK(fixture_open(&f, 1) == 0);
	s = open_with_code(&f, &fc, f.code);
	handle(s, "{\"type\":\"answer\",\"seq\":2,\"page\":\"like-admire\",\"value\":\"kept\"}");
	CHECK(flush(&f) == 0);
	before = answers_in(&f, f.plan);
	CHECK(before == 1);
	fake_reset(&fc);

	/* handlers that fail on their checks */
	for (size_t i = 0; i < sizeof(failing) / sizeof(*failing); i++) {
		handle(s, failing[i]);
		CHECK(flush(&f) == 0);
		CHECK(fc.n == 1 && strncmp(last(&fc), "error ", 6) == 0);
		CHECK(last_seq(&fc) == 10 + (long long)i);
		fake_reset(&fc);
	}
	CHECK(answers_in(&f, f.plan) == before);

	/* a handler that fails after it has written: the answer is stored, then raising the
	 * safeguarding flag fails; the answer must go too, and the flag must not be claimed */
	CHECK(sqlite3_open(f.path, &db) == SQLITE_OK);
	CHECK(sqlite3_exec(db,
			   "CREATE TRIGGER no_flags BEFORE INSERT ON flags "
			   "BEGIN SELECT RAISE(ABORT, 'flags are refused in this test'); END;",
			   NULL, NULL, NULL) == SQLITE_OK);
	handle(s, "{\"type\":\"answer\",\"seq\":20,\"page\":\"unsafe\",\"value\":\"yes\"}");
	CHECK(flush(&f) == 0);
	CHECK_STR(last(&fc), "error not-saved");
	CHECK(last_seq(&fc) == 20);
	CHECK(stored(&f, f.plan, "unsafe") == NULL);
	CHECK(answers_in(&f, f.plan) == before);
	CHECK(store_flag_open_count(f.st, f.plan, "safeguarding") == 0);
	fake_reset(&fc);
	CHECK(sqlite3_exec(db, "DROP TRIGGER no_flags", NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);

	/* and the session goes on */
	handle(s, "{\"type\":\"answer\",\"seq\":21,\"page\":\"unsafe\",\"value\":\"yes\"}");
	CHECK(flush(&f) == 0);
	CHECK_STR(last(&fc), "saved unsafe");
	CHECK(store_flag_open_count(f.st, f.plan, "safeguarding") == 1);

	kiosk_session_close(s);
	fake_reset(&fc);
	fixture_close(&f);
}

/* Renames a table of the fixture's database from another connection: the store's next read of
 * it fails. */
static void rename_table(const fixture *f, const char *from, const char *to)
{
	sqlite3 *db = NULL;
	char sql[128];

	snprintf(sql, sizeof(sql), "ALTER TABLE %s RENAME TO %s", from, to);
	CHECK(sqlite3_open(f->path, &db) == SQLITE_OK);
	CHECK(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
}

static void a_page_whose_data_cannot_be_read_should_fail_not_show_an_empty_list(void)
{
	static const struct {
		const char *table, *go, *page;
	} cases[] = {
	    {"comments", "comments", "comments"}, /* what the social worker wrote */
	    {"items", "check", "check"},	  /* the list entries on the check page */
	    {"visits", "check", "check"},	  /* who helped, on the check page */
	};
	fixture f;
	fake_conn fc = {.n = 0};
	kiosk_session *s;
	char msg[128], page[64];

	CHECK(fixture_open(&f, 1) == 0);
	s = open_with_code(&f, &fc, f.code);
	CHECK(flush(&f) == 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		fake_reset(&fc);
		rename_table(&f, cases[i].table, "unreadable");
		snprintf(msg, sizeof(msg), "{\"type\":\"go\",\"seq\":%zu,\"to\":\"%s\"}", 30 + i,
			 cases[i].go);
		handle(s, msg);
		CHECK(flush(&f) == 0);
		CHECK(fc.n == 1);
		CHECK_STR(last(&fc), "error server");
		CHECK(last_seq(&fc) == 30 + (long long)i);
		rename_table(&f, "unreadable", cases[i].table);
		/* read again, the page is shown */
		fake_reset(&fc);
		handle(s, msg);
		CHECK(flush(&f) == 0);
		snprintf(page, sizeof(page), "page %s", cases[i].page);
		CHECK_STR(last(&fc), page);
	}
	kiosk_session_close(s);
	fake_reset(&fc);
	fixture_close(&f);
}

static void a_failed_commit_should_acknowledge_nothing_and_show_the_page_again(void)
{
	fixture f;
	fake_conn fa = {.n = 0}, fb = {.n = 0};
	kiosk_session *a, *b;
	sqlite3 *db = NULL;
	char what[64];
	long long plan_b = 0;

	CHECK(fixture_open(&f, 1) == 0);
	a = open_with_code(&f, &fa, f.code);
	b = open_new_plan(&f, &fb);
	handle(a, "{\"type\":\"go\",\"to\":\"like-admire\"}");
	handle(b, "{\"type\":\"go\",\"to\":\"important\"}");
	CHECK(flush(&f) == 0);
	fake_reset(&fa);
	fake_reset(&fb);

	/* a deferred foreign key that the word "boom" breaks: the COMMIT itself fails */
	CHECK(sqlite3_open(f.path, &db) == SQLITE_OK);
	CHECK(sqlite3_exec(db,
			   "CREATE TABLE boom (plan_id INTEGER REFERENCES plans(id) "
			   "DEFERRABLE INITIALLY DEFERRED);"
			   "CREATE TRIGGER boom AFTER INSERT ON answers WHEN NEW.value = 'boom' "
			   "BEGIN INSERT INTO boom VALUES (987654321); END;",
			   NULL, NULL, NULL) == SQLITE_OK);
	{
		sqlite3_stmt *st = NULL;

		/* b's plan: the newest */
		if (sqlite3_prepare_v2(db, "SELECT max(id) FROM plans", -1, &st, NULL) ==
			SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW)
			plan_b = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	CHECK(plan_b > f.plan);

	handle(a, "{\"type\":\"answer\",\"seq\":30,\"page\":\"like-admire\",\"value\":\"boom\"}");
	handle(b, "{\"type\":\"answer\",\"seq\":31,\"page\":\"important\",\"value\":\"innocent\"}");
	CHECK(fa.n == 0 && fb.n == 0);
	CHECK(flush(&f) == -1);
	/* nobody is told "saved"; everybody in the batch is told "not saved" and sees the page */
	CHECK(fa.n == 2);
	CHECK_STR(fake_what(&fa, 0, what, sizeof(what)), "error not-saved");
	CHECK_STR(fake_what(&fa, 1, what, sizeof(what)), "page like-admire");
	CHECK(fb.n == 2);
	CHECK_STR(fake_what(&fb, 0, what, sizeof(what)), "error not-saved");
	CHECK_STR(fake_what(&fb, 1, what, sizeof(what)), "page important");
	for (int i = 0; i < fa.n; i++)
		CHECK(strstr(fa.sent[i], "\"saved\"") == NULL);
	CHECK(stored(&f, f.plan, "like-admire") == NULL);
	CHECK(stored(&f, plan_b, "important") == NULL);
	CHECK(!kiosk_batch_open(f.p));
	fake_reset(&fa);
	fake_reset(&fb);
	CHECK(sqlite3_exec(db, "DROP TRIGGER boom; DROP TABLE boom;", NULL, NULL, NULL) ==
	      SQLITE_OK);
	sqlite3_close(db);

	/* the next batch works */
	handle(b, "{\"type\":\"answer\",\"seq\":32,\"page\":\"important\",\"value\":\"again\"}");
	CHECK(flush(&f) == 0);
	CHECK_STR(last(&fb), "saved important");
	CHECK_STR(stored(&f, plan_b, "important"), "again");

	kiosk_session_close(a);
	kiosk_session_close(b);
	fake_reset(&fa);
	fake_reset(&fb);
	fixture_close(&f);
}

typedef struct visit_seen {
	int helpers;
	char name[128];
} visit_seen;

static void see_visit(void *ctx, long long visit, const char *writer, const char *helper_name,
		      const char *relationship)
{
	visit_seen *v = ctx;

	(void)visit;
	(void)relationship;
	if (strcmp(writer, "helper") == 0) {
		v->helpers++;
		snprintf(v->name, sizeof(v->name), "%s", helper_name);
	}
}

/* A plan opened in a batch whose commit failed: the session is told "not saved" and sees a page
 * with the plan open, so the person carries on. What they do next must be stored, and the
 * "who is writing" answers that were kept for the visit must not be lost. */
static void a_plan_opened_in_a_failed_batch_should_still_save_what_comes_next(void)
{
	fixture f;
	fake_conn fa = {.n = 0}, fb = {.n = 0};
	kiosk_session *a, *b;
	sqlite3 *db = NULL;
	char msg[256], what[64];
	visit_seen seen = {0, ""};

	CHECK(fixture_open(&f, 1) == 0);
	a = open_new_plan(&f, &fa);
	b = kiosk_session_open(f.p, &fb, "127.0.0.1");
	handle(b, "{\"type\":\"answer\",\"seq\":1,\"page\":\"who\",\"value\":\"helper\"}");
	handle(b,
	       "{\"type\":\"answer\",\"seq\":2,\"page\":\"helper-name\",\"value\":\"Sam Jones\"}");
	CHECK(flush(&f) == 0);
	fake_reset(&fa);
	fake_reset(&fb);

	CHECK(sqlite3_open(f.path, &db) == SQLITE_OK);
	CHECK(sqlite3_exec(db,
			   "CREATE TABLE boom (plan_id INTEGER REFERENCES plans(id) "
			   "DEFERRABLE INITIALLY DEFERRED);"
			   "CREATE TRIGGER boom AFTER INSERT ON answers WHEN NEW.value = 'boom' "
			   "BEGIN INSERT INTO boom VALUES (987654321); END;",
			   NULL, NULL, NULL) == SQLITE_OK);
	handle(a, "{\"type\":\"answer\",\"seq\":3,\"page\":\"like-admire\",\"value\":\"boom\"}");
	snprintf(msg, sizeof(msg), "{\"type\":\"code\",\"seq\":4,\"code\":\"%s\"}", f.code);
	handle(b, msg);
	CHECK(flush(&f) == -1);
	CHECK(sqlite3_exec(db, "DROP TRIGGER boom; DROP TABLE boom;", NULL, NULL, NULL) ==
	      SQLITE_OK);
	sqlite3_close(db);
	CHECK(fb.n == 2);
	CHECK_STR(fake_what(&fb, 0, what, sizeof(what)), "error not-saved");
	fake_reset(&fb);

	/* the person carries on from the page they were shown (or types the code again) */
	handle(b, msg);
	handle(b, "{\"type\":\"answer\",\"seq\":5,\"page\":\"like-admire\",\"value\":\"after\"}");
	CHECK(flush(&f) == 0);
	CHECK_STR(last(&fb), "saved like-admire");
	if (strcmp(last(&fb), "saved like-admire") != 0)
		for (int i = 0; i < fb.n; i++)
			fprintf(stderr, "  sent: %.200s\n", fb.sent[i]);
	CHECK_STR(stored(&f, f.plan, "like-admire"), "after");
	CHECK(store_visits_each(f.st, f.plan, see_visit, &seen) == 0);
	CHECK(seen.helpers == 1);
	CHECK_STR(seen.name, "Sam Jones");

	kiosk_session_close(a);
	kiosk_session_close(b);
	fake_reset(&fa);
	fake_reset(&fb);
	fixture_close(&f);
}

static void answers_from_three_sessions_should_share_one_commit(void)
{
	fixture f;
	fake_conn fc[3] = {{.n = 0}, {.n = 0}, {.n = 0}};
	kiosk_session *s[3];
	unsigned long commits;
	char msg[256];

	CHECK(fixture_open(&f, 0) == 0);
	s[0] = open_with_code(&f, &fc[0], f.code);
	s[1] = open_new_plan(&f, &fc[1]);
	s[2] = open_new_plan(&f, &fc[2]);
	commits = store_commits(f.st);
	for (int i = 0; i < 3; i++) {
		snprintf(msg, sizeof(msg),
			 "{\"type\":\"answer\",\"seq\":%d,\"page\":\"like-admire\",\"value\":"
			 "\"person %d\"}",
			 40 + i, i);
		handle(s[i], msg);
		CHECK(fc[i].n == 0);
	}
	CHECK(store_commits(f.st) == commits);
	CHECK(flush(&f) == 0);
	CHECK(store_commits(f.st) == commits + 1);
	for (int i = 0; i < 3; i++) {
		CHECK(fc[i].n == 1);
		CHECK_STR(last(&fc[i]), "saved like-admire");
		CHECK(last_seq(&fc[i]) == 40 + i);
	}
	CHECK_STR(stored(&f, f.plan, "like-admire"), "person 0");
	for (int i = 0; i < 3; i++) {
		kiosk_session_close(s[i]);
		fake_reset(&fc[i]);
	}
	fixture_close(&f);
}

static void a_session_closed_while_its_reply_is_held_should_not_crash_the_flush(void)
{
	fixture f;
	fake_conn fa = {.n = 0}, fb = {.n = 0}, fc = {.n = 0};
	kiosk_session *a, *b, *c;

	CHECK(fixture_open(&f, 0) == 0);
	a = open_with_code(&f, &fa, f.code);
	b = open_new_plan(&f, &fb);
	c = open_new_plan(&f, &fc);
	handle(b, "{\"type\":\"answer\",\"seq\":1,\"page\":\"important\",\"value\":\"b\"}");
	handle(a, "{\"type\":\"answer\",\"seq\":2,\"page\":\"like-admire\",\"value\":\"gone\"}");
	handle(c, "{\"type\":\"answer\",\"seq\":3,\"page\":\"important\",\"value\":\"c\"}");
	/* a goes away in the middle of the waiting list, then c at its head */
	kiosk_session_close(a);
	kiosk_session_close(c);
	CHECK(flush(&f) == 0);
	CHECK(fa.n == 0);
	CHECK(fc.n == 0);
	CHECK(fb.n == 1);
	CHECK_STR(last(&fb), "saved important");
	/* what a and c changed before they went stays */
	CHECK_STR(stored(&f, f.plan, "like-admire"), "gone");
	CHECK(flush(&f) == 0);
	kiosk_session_close(b);
	fake_reset(&fb);
	fixture_close(&f);
}

static void kiosk_too_big_should_send_error_too_big(void)
{
	fixture f;
	fake_conn fc = {.n = 0};
	kiosk_session *s;
	cJSON *m;

	CHECK(fixture_open(&f, 0) == 0);
	s = kiosk_session_open(f.p, &fc, "127.0.0.1");
	fake_reset(&fc);
	kiosk_too_big(s);
	CHECK(fc.n == 1);
	CHECK_STR(last(&fc), "error too-big");
	m = fake_msg(&fc, 0);
	CHECK(cJSON_IsString(cJSON_GetObjectItem(m, "message")));
	CHECK(cJSON_GetObjectItem(m, "seq") == NULL);
	cJSON_Delete(m);
	kiosk_session_close(s);
	fake_reset(&fc);
	fixture_close(&f);
}

static void finish_should_say_bye_and_ask_for_the_close(void)
{
	fixture f;
	fake_conn fc = {.n = 0};
	kiosk_session *s;

	CHECK(fixture_open(&f, 0) == 0);
	s = open_with_code(&f, &fc, f.code);
	handle(s,
	       "{\"type\":\"answer\",\"seq\":1,\"page\":\"like-admire\",\"value\":\"last words\"}");
	handle(s, "{\"type\":\"finish\"}");
	/* "bye" says everything is stored: it must not overtake the answer's commit */
	CHECK(fc.n == 0);
	CHECK(flush(&f) == 0);
	CHECK(fc.n == 2);
	CHECK_STR(fake_what(&fc, 0, (char[64]){0}, 64), "saved like-admire");
	CHECK_STR(last(&fc), "bye");
	CHECK(fc.close_after[1] == 1);
	CHECK_STR(stored(&f, f.plan, "like-admire"), "last words");
	kiosk_session_close(s);
	fake_reset(&fc);
	fixture_close(&f);
}

/* Two kiosks with the same code: once one has sent the plan, the other cannot change it. */
static void a_plan_sent_from_one_kiosk_should_not_change_from_another(void)
{
	fixture f;
	fake_conn fa = {.n = 0}, fb = {.n = 0};
	kiosk_session *a, *b;
	char what[64];

	CHECK(fixture_open(&f, 0) == 0);
	a = open_with_code(&f, &fa, f.code);
	b = open_with_code(&f, &fb, f.code);
	handle(a, "{\"type\":\"send\",\"seq\":2}");
	CHECK(flush(&f) == 0);
	handle(b, "{\"type\":\"answer\",\"seq\":3,\"page\":\"like-admire\",\"value\":\"late\"}");
	CHECK(flush(&f) == 0);
	CHECK_STR(fake_what(&fb, fb.n - 1, what, sizeof(what)), "error already-sent");
	CHECK(stored(&f, f.plan, "like-admire") == NULL);
	handle(b, "{\"type\":\"item_add\",\"seq\":4,\"page\":\"budget\"}");
	CHECK(flush(&f) == 0);
	CHECK_STR(fake_what(&fb, fb.n - 1, what, sizeof(what)), "error already-sent");
	handle(b, "{\"type\":\"send\",\"seq\":5}");
	CHECK(flush(&f) == 0);
	CHECK_STR(fake_what(&fb, fb.n - 1, what, sizeof(what)), "error already-sent");
	kiosk_session_close(a);
	kiosk_session_close(b);
	fake_reset(&fa);
	fake_reset(&fb);
	fixture_close(&f);
}

/* A long list entry in a script of three bytes a letter goes out whole, as valid UTF-8. */
static void long_non_ascii_list_entries_should_go_out_whole(void)
{
	fixture f;
	fake_conn fa = {.n = 0};
	kiosk_session *a;
	cJSON *m, *items;
	char msg[8192], *euros = malloc(300 * 3 + 1);
	long long item;
	const char *shown;

	CHECK(fixture_open(&f, 0) == 0);
	a = open_with_code(&f, &fa, f.code);
	handle(a, "{\"type\":\"item_add\",\"seq\":2,\"page\":\"outcomes\"}");
	CHECK(flush(&f) == 0);
	m = fake_msg(&fa, fa.n - 1);
	item = (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(
	    cJSON_GetObjectItem(cJSON_GetObjectItem(m, "page"), "editing"), "id"));
	cJSON_Delete(m);
	for (int i = 0; i < 300; i++)
		memcpy(euros + 3 * i, "\xe2\x82\xac", 3);
	euros[900] = '\0';
	snprintf(msg, sizeof(msg),
		 "{\"type\":\"answer\",\"seq\":3,\"page\":\"outcomes\",\"item\":%lld,"
		 "\"field\":\"outcome\",\"value\":\"%s\"}",
		 item, euros);
	handle(a, msg);
	handle(a, "{\"type\":\"item_done\",\"page\":\"outcomes\"}");
	CHECK(flush(&f) == 0);
	CHECK(utf8_valid(fa.sent[fa.n - 1], strlen(fa.sent[fa.n - 1])));
	m = fake_msg(&fa, fa.n - 1);
	items = cJSON_GetObjectItem(cJSON_GetObjectItem(m, "page"), "items");
	shown = cJSON_GetStringValue(cJSON_GetObjectItem(
	    cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetArrayItem(items, 0), "values"),
				"outcome"),
	    "text"));
	CHECK_STR(shown, euros);
	cJSON_Delete(m);
	free(euros);
	kiosk_session_close(a);
	fake_reset(&fa);
	fixture_close(&f);
}

/* ---- narrate: which texts may be read ---- */

/* The code of the error that answered `narrate` for one id ("" when none came). */
static const char *narrate_error(kiosk_session *s, fake_conn *fc, const char *id)
{
	static char code[64];
	char msg[512];
	cJSON *m, *c;

	fake_reset(fc);
	snprintf(msg, sizeof(msg),
		 "{\"type\":\"narrate\",\"seq\":4,\"ids\":[\"%s\"],\"voice\":\"ruth\","
		 "\"speed\":\"normal\"}",
		 id);
	handle(s, msg);
	m = fake_msg(fc, fc->n - 1);
	c = cJSON_GetObjectItem(m, "code");
	snprintf(code, sizeof(code), "%s", cJSON_IsString(c) ? c->valuestring : "");
	cJSON_Delete(m);
	return code;
}

static void narrate_should_take_a_message_whose_blanks_the_id_fills_with_numbers(void)
{
	/* Without a voice, a text that may be read gets no-sound; one that may not, unknown-text.
	 */
	static const char *const readable[] = {
	    "msg/timeout.body?seconds=30",
	    "msg/timeout.body?seconds=0",
	    "msg/timeout.body?seconds=123456",
	    "msg/list.item?n=3",
	    "msg/progress?n=4&of=9",
	    "msg/progress?of=9&n=4",
	    "msg/timeout.title", /* a message without blanks, as before */
	};
	static const char *const refused[] = {
	    "msg/timeout.body?seconds=abc",	/* not digits */
	    "msg/timeout.body?seconds=1234567", /* more than 6 digits */
	    "msg/timeout.body?seconds=-3",
	    "msg/timeout.body?seconds=+3",
	    "msg/timeout.body?seconds=3x",
	    "msg/timeout.body?seconds=3.5",
	    "msg/timeout.body?seconds=\u0663", /* an Arabic-Indic three: ASCII digits only */
	    "msg/timeout.body?seconds=",
	    "msg/timeout.body?seconds",
	    "msg/timeout.body?=3",
	    "msg/timeout.body?",
	    "msg/timeout.body?nope=3", /* not a blank of this message */
	    "msg/timeout.body?seconds=3&nope=4",
	    "msg/timeout.body?seconds=3&seconds=4", /* a blank given twice */
	    "msg/timeout.body?seconds=3&",
	    "msg/timeout.body?seconds=3#",
	    "msg/timeout.body",		   /* a blank left as it is */
	    "msg/progress?n=4",		   /* a blank left unfilled */
	    "msg/timeout.title?seconds=3", /* a message with no such blank */
	    "msg/no-such-message?seconds=3",
	    "msg/?seconds=3",
	    "timeout.body?seconds=3",
	    "welcome/title?seconds=3",
	};
	fixture f;
	fake_conn fc = {.n = 0};
	kiosk_session *s;
	char longer[300];

	CHECK(fixture_open(&f, 0) == 0);
	s = kiosk_session_open(f.p, &fc, "127.0.0.1");
	for (size_t i = 0; i < sizeof(readable) / sizeof(*readable); i++) {
		const char *code = narrate_error(s, &fc, readable[i]);

		if (strcmp(code, "no-sound") != 0)
			fprintf(stderr, "  %s: %s\n", readable[i], code);
		CHECK_STR(code, "no-sound");
	}
	for (size_t i = 0; i < sizeof(refused) / sizeof(*refused); i++) {
		const char *code = narrate_error(s, &fc, refused[i]);

		if (strcmp(code, "unknown-text") != 0)
			fprintf(stderr, "  %s: %s\n", refused[i], code);
		CHECK_STR(code, "unknown-text");
	}
	/* An id as long as a narration's id may not be. */
	snprintf(longer, sizeof(longer), "msg/timeout.body?seconds=3&%0200d", 0);
	CHECK_STR(narrate_error(s, &fc, longer), "unknown-text");
	/* Asking for many numbers, one after another, still reads the latest. */
	for (int i = 0; i < 50; i++) {
		char id[64];

		snprintf(id, sizeof(id), "msg/timeout.body?seconds=%d", i);
		CHECK_STR(narrate_error(s, &fc, id), "no-sound");
	}
	CHECK_STR(narrate_error(s, &fc, "msg/timeout.body?seconds=7"), "no-sound");
	kiosk_session_close(s);
	fake_reset(&fc);
	fixture_close(&f);
}

/* ---- narrate with a real voice: what is read ---- */

static int fake_send_binary(void *conn, const void *head, size_t head_len, const void *data,
			    size_t len)
{
	(void)conn;
	(void)head;
	(void)head_len;
	(void)data;
	(void)len;
	return 0;
}

static void nothing(void *ctx)
{
	(void)ctx;
}

/* Asks for one text and waits (at most 20 s) for its word timings: the message that carries
 * them (cJSON_Delete it), or NULL when none came. */
static cJSON *narrated_words(kiosk *p, kiosk_session *s, fake_conn *fc, const char *id)
{
	char msg[512];

	fake_reset(fc);
	snprintf(msg, sizeof(msg),
		 "{\"type\":\"narrate\",\"seq\":8,\"ids\":[\"%s\"],\"voice\":\"ruth\","
		 "\"speed\":\"normal\"}",
		 id);
	handle(s, msg);
	for (int tries = 0; tries < 4000; tries++) {
		struct timespec ts = {0, 5000000};

		for (int i = 0; i < fc->n; i++) {
			cJSON *m = fake_msg(fc, i);
			const char *mid = cJSON_GetStringValue(cJSON_GetObjectItem(m, "id"));

			/* all the words: with `narration` from the cache, else with narration_end
			 * (narration_words before it has only a sentence's) */
			if (mid && strcmp(mid, id) == 0 &&
			    cJSON_IsArray(cJSON_GetObjectItem(m, "words")) &&
			    strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(m, "type")),
				   "narration_words"))
				return m;
			if (cJSON_IsTrue(cJSON_GetObjectItem(m, "failed")) ||
			    cJSON_IsString(
				cJSON_GetObjectItem(m, "code"))) { /* no sound, or an error */
				fprintf(stderr, "  %s: %s\n", id, fc->sent[i]);
				cJSON_Delete(m);
				return NULL;
			}
			cJSON_Delete(m);
		}
		kiosk_narrations_ready(p);
		nanosleep(&ts, NULL);
	}
	return NULL;
}

/* The words of a narration, as shown: "The|screen|will|..." (a word's stop is not in it). */
static void words_of(const cJSON *m, const char *shown, char *out, size_t n)
{
	const cJSON *w;
	size_t used = 0;

	out[0] = '\0';
	cJSON_ArrayForEach(w, cJSON_GetObjectItem(m, "words"))
	{
		int start = (int)cJSON_GetNumberValue(cJSON_GetArrayItem(w, 0));
		int len = (int)cJSON_GetNumberValue(cJSON_GetArrayItem(w, 1));
		int k;

		if (start < 0 || len < 0 ||
		    (size_t)(start + len) > strlen(shown)) /* ASCII texts here */
			return;
		k = snprintf(out + used, n - used, "%s%.*s", used ? "|" : "", len, shown + start);
		if (k < 0 || (size_t)k >= n - used)
			return;
		used += (size_t)k;
	}
}

static void narrate_should_read_the_filled_message_and_the_answer_as_stored_now(void)
{
	kiosk_config cfg = {
	    .idle_seconds = 120, .warn_seconds = 30, .address_failures = 20, .address_window = 600};
	char err[512], dir[64] = "/tmp/planaloud-protocol-audio-XXXXXX", words[512], msg[256];
	voices *vs = voices_load(PLANALOUD_SOURCE_DIR "/voices", err, sizeof(err));
	narrator *n = NULL;
	kiosk *p = NULL;
	fake_conn fc = {.n = 0};
	kiosk_session *s = NULL;
	fixture f;
	cJSON *m;
	DIR *d;
	struct dirent *e;

	CHECK(fixture_open(&f, 0) == 0);
	CHECK(vs != NULL && mkdtemp(dir) != NULL);
	if (vs)
		n = narrator_open(vs, dir, 1 << 24, nothing, NULL, err, sizeof(err));
	CHECK(n != NULL);
	if (!n)
		goto out;
	p = kiosk_new(ct, f.st, zero_key, &cfg, (message_io){fake_send, fake_send_binary});
	kiosk_set_narrator(p, n);
	s = kiosk_session_open(p, &fc, "127.0.0.1");

	/* The countdown: the words read are the message's, with the number the id gave. */
	m = narrated_words(p, s, &fc, "msg/timeout.body?seconds=30");
	CHECK(m != NULL);
	words_of(m, "The screen will clear in 30 seconds. Your answers are saved.", words,
		 sizeof(words));
	CHECK_STR(words, "The|screen|will|clear|in|30|seconds|Your|answers|are|saved");
	cJSON_Delete(m);

	/* An answer typed on its own page is read as it was saved, though the page is not sent
	 * again: it was drawn with no answer. */
	snprintf(msg, sizeof(msg), "{\"type\":\"code\",\"seq\":1,\"code\":\"%s\"}", f.code);
	handle(s, msg);
	handle(s, "{\"type\":\"go\",\"to\":\"like-admire\"}");
	CHECK(kiosk_flush(p, err, sizeof(err)) == 0);
	CHECK_STR(last(&fc), "page like-admire");
	handle(s, "{\"type\":\"answer\",\"seq\":5,\"page\":\"like-admire\",\"value\":\"I sing "
		  "in a choir\"}");
	CHECK(kiosk_flush(p, err, sizeof(err)) == 0);
	CHECK_STR(last(&fc), "saved like-admire");
	m = narrated_words(p, s, &fc, "answer/like-admire");
	CHECK(m != NULL);
	words_of(m, "I sing in a choir", words, sizeof(words));
	CHECK_STR(words, "I|sing|in|a|choir");
	cJSON_Delete(m);
	/* And again after it changed. */
	handle(s, "{\"type\":\"answer\",\"seq\":6,\"page\":\"like-admire\",\"value\":\"I sing "
		  "loudly\"}");
	CHECK(kiosk_flush(p, err, sizeof(err)) == 0);
	m = narrated_words(p, s, &fc, "answer/like-admire");
	CHECK(m != NULL);
	words_of(m, "I sing loudly", words, sizeof(words));
	CHECK_STR(words, "I|sing|loudly");
	cJSON_Delete(m);
out:
	if (s)
		kiosk_session_close(s);
	fake_reset(&fc);
	kiosk_free(p);
	if (n)
		narrator_close(n);
	voices_free(vs);
	fixture_close(&f);
	d = opendir(dir);
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.') {
			char path[400];

			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			unlink(path);
		}
	if (d)
		closedir(d);
	rmdir(dir);
}

/* A need of the plan: its id, to write how the council will meet it. */
static void first_eligible_need(void *ctx, const store_need *n)
{
	long long *id = ctx;

	if (n->eligible && !*id)
		*id = n->id;
}

/* The person's copy: offered first when the person comes back to a plan the council has signed
 * off; it says when it was agreed and when it is next reviewed, how each need will be met, and
 * everything the person wrote, each a text narration can read. Not offered, and refused, before. */
/* The last page's string field (e.g. "code_numbers") into out ("" when there is none). */
static const char *page_str(const fake_conn *fc, const char *key, char *out, size_t n)
{
	cJSON *m = fake_msg(fc, fc->n - 1);
	const char *v =
	    cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(m, "page"), key));

	snprintf(out, n, "%s", v ? v : "");
	cJSON_Delete(m);
	return out;
}

/* numbers with each digit in Bengali script (U+09E6 is zero), as a person may type them. */
static void in_bengali(const char *numbers, char *out, size_t n)
{
	size_t used = 0;

	for (const char *d = numbers; *d && used + 4 < n; d++) {
		if (*d >= '0' && *d <= '9')
			used += utf8_encode(0x09E6 + (unsigned)(*d - '0'), out + used);
		else
			out[used++] = *d;
	}
	out[used] = '\0';
}

static void a_plan_started_without_a_code_should_show_its_numbers_and_open_with_them(void)
{
	fake_conn fc = {.n = 0};
	char code[CODE_MAX], numbers[CODE_NUMBERS_MAX], shown[64], expect[CODE_NUMBERS_MAX];
	char typed[160], msg[256];
	languages *langs;
	kiosk_session *s;
	fixture f;

	CHECK(fixture_open(&f, 0) == 0);
	/* "Start without a code": the code page shows the code and, under it, its numbers; so
	 * does "Save and finish later". */
	s = kiosk_session_open(f.p, &fc, "127.0.0.1");
	handle(s, "{\"type\":\"new_plan\",\"seq\":1}");
	CHECK(flush(&f) == 0);
	CHECK_STR(last(&fc), "page code");
	page_str(&fc, "code", code, sizeof(code));
	page_str(&fc, "code_numbers", numbers, sizeof(numbers));
	CHECK(code_numbers(ct, code, expect) == 0);
	CHECK_STR(numbers, expect);
	handle(s, "{\"type\":\"go\",\"seq\":2,\"to\":\"save-later\"}");
	CHECK(flush(&f) == 0);
	CHECK_STR(last(&fc), "page saved-code");
	CHECK_STR(page_str(&fc, "code", shown, sizeof(shown)), code);
	CHECK_STR(page_str(&fc, "code_numbers", shown, sizeof(shown)), numbers);
	kiosk_session_close(s);
	fake_reset(&fc);

	/* Back another day, the numbers typed (in Bengali digits, too) open the same plan. */
	in_bengali(numbers, typed, sizeof(typed));
	for (int k = 0; k < 2; k++) {
		s = kiosk_session_open(f.p, &fc, "127.0.0.1");
		snprintf(msg, sizeof(msg), "{\"type\":\"code\",\"seq\":1,\"code\":\"%s\"}",
			 k ? typed : numbers);
		handle(s, msg);
		CHECK(flush(&f) == 0);
		CHECK(strncmp(last(&fc), "page ", 5) == 0);
		handle(s, "{\"type\":\"go\",\"seq\":2,\"to\":\"save-later\"}");
		CHECK(flush(&f) == 0);
		CHECK_STR(last(&fc), "page saved-code");
		CHECK_STR(page_str(&fc, "code", shown, sizeof(shown)), code);
		CHECK_STR(page_str(&fc, "code_numbers", shown, sizeof(shown)), numbers);
		kiosk_session_close(s);
		fake_reset(&fc);
	}

	/* On a page in Urdu (right to left) the numbers are the same digits 0 to 9. */
	langs = languages_load(PLANALOUD_SOURCE_DIR "/easyread", NULL,
			       PLANALOUD_SOURCE_DIR "/web/pictures", msg, sizeof(msg));
	CHECK(langs && kiosk_set_languages(f.p, langs, NULL) == 0);
	s = kiosk_session_open(f.p, &fc, "127.0.0.1");
	snprintf(msg, sizeof(msg), "{\"type\":\"code\",\"seq\":1,\"code\":\"%s\"}", numbers);
	handle(s, msg);
	handle(s, "{\"type\":\"go\",\"seq\":2,\"to\":\"save-later\"}");
	CHECK(flush(&f) == 0);
	handle(s, "{\"type\":\"language\",\"seq\":3,\"lang\":\"ur\"}");
	CHECK_STR(last(&fc), "page saved-code");
	{
		cJSON *hello = fake_msg(&fc, fc.n - 2);

		CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(hello, "dir")), "rtl");
		cJSON_Delete(hello);
	}
	CHECK_STR(page_str(&fc, "code_numbers", shown, sizeof(shown)), numbers);
	kiosk_session_close(s);
	fake_reset(&fc);

	/* The demo plan's numbers open it too, and the code page shows them once it is open. */
	CHECK(code_numbers(ct, f.code, numbers) == 0);
	s = kiosk_session_open(f.p, &fc, "127.0.0.1");
	snprintf(msg, sizeof(msg), "{\"type\":\"code\",\"seq\":1,\"code\":\"%s\"}", numbers);
	handle(s, msg);
	CHECK(flush(&f) == 0);
	CHECK(strncmp(last(&fc), "page ", 5) == 0);
	handle(s, "{\"type\":\"go\",\"seq\":2,\"to\":\"save-later\"}");
	CHECK(flush(&f) == 0);
	CHECK_STR(page_str(&fc, "code", shown, sizeof(shown)), f.code);
	kiosk_session_close(s);
	fake_reset(&fc);
	fixture_close(&f);
	languages_free(langs);
}

static void a_signed_off_plan_should_give_the_person_their_copy(void)
{
	static const store_actor casey = {STORE_ACTOR_STAFF, 1, "caseworker"};
	static const store_actor morgan = {STORE_ACTOR_STAFF, 2, "manager"};
	const char *hash = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$c29tZWhhc2hzb21laGFzaA";
	fake_conn fc = {.n = 0};
	char today[PLAN_DATE_LEN], words[64], expect[160];
	static const char *const months[] = {"January",	  "February", "March",	  "April",
					     "May",	  "June",     "July",	  "August",
					     "September", "October",  "November", "December"};
	long long need = 0;
	store_actor person = {STORE_ACTOR_PERSON, 0, NULL};
	long long now = workflow_now_ms();
	kiosk_session *s;
	fixture f;
	cJSON *m, *page, *first;
	int v = 0;

	CHECK(fixture_open(&f, 0) == 0);
	person.id = f.plan;
	/* Not yet signed off: no copy. */
	s = open_with_code(&f, &fc, f.code);
	handle(s, "{\"type\":\"go\",\"seq\":2,\"to\":\"copy\"}");
	CHECK_STR(last(&fc), "error not-allowed");
	handle(s,
	       "{\"type\":\"answer\",\"seq\":3,\"page\":\"like-admire\",\"value\":\"I am kind.\"}");
	handle(s, "{\"type\":\"answer\",\"seq\":4,\"page\":\"unsafe\",\"value\":\"no\"}");
	CHECK(flush(&f) == 0);
	kiosk_session_close(s);
	fake_reset(&fc);

	CHECK(store_user_add(f.st, "casey", "caseworker", hash, 1, NULL, NULL, NULL, 0) == 0);
	CHECK(store_user_add(f.st, "morgan", "manager", hash, 1, NULL, NULL, NULL, 0) == 0);
	store_needs_each_full(f.st, f.plan, first_eligible_need, &need);
	CHECK(need > 0);
	CHECK(store_need_set_how(f.st, f.plan, need, "A carer comes every morning at 8.", &casey,
				 NULL, 0) == 0);
	CHECK(workflow_submit(&(workflow){f.st, &person, now}, f.plan, PLAN_DRAFT, NULL, NULL, 0) ==
	      0);
	CHECK(workflow_ask_agreement(&(workflow){f.st, &casey, now}, f.plan, NULL, 0) == 0);
	CHECK(workflow_person_agree(&(workflow){f.st, &person, now}, f.plan, 0, NULL, NULL, 0) ==
	      0);
	CHECK(workflow_caseworker_agree(&(workflow){f.st, &casey, now}, f.plan, NULL, NULL, 0) ==
	      0);
	CHECK(workflow_sign_off(&(workflow){f.st, &morgan, now}, f.plan, NULL, NULL, "2027-01-10",
				"2027-11-22", &v, NULL, 0) == 0);

	s = kiosk_session_open(f.p, &fc, "127.0.0.1");
	snprintf(expect, sizeof(expect), "{\"type\":\"code\",\"seq\":1,\"code\":\"%s\"}", f.code);
	handle(s, expect);
	flush(&f);
	m = fake_msg(&fc, fc.n - 1);
	page = cJSON_GetObjectItem(m, "page");
	first = cJSON_GetArrayItem(cJSON_GetObjectItem(page, "actions"), 0);
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(page, "kind")), "welcome-back");
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(first, "go")), "copy");
	CHECK_STR(
	    cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(first, "text"), "text")),
	    "My agreed plan");
	cJSON_Delete(m);

	fake_reset(&fc);
	handle(s, "{\"type\":\"go\",\"seq\":2,\"to\":\"copy\"}");
	m = fake_msg(&fc, fc.n - 1);
	page = cJSON_GetObjectItem(m, "page");
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(page, "kind")), "copy");
	CHECK_STR(
	    cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(page, "title"), "text")),
	    "Your agreed plan");
	plan_date_of((long long)time(NULL), today);
	snprintf(words, sizeof(words), "%d %s %.4s", atoi(today + 8), months[atoi(today + 5) - 1],
		 today);
	snprintf(expect, sizeof(expect), "The council agreed your plan on **%s**.", words);
	CHECK_STR(cJSON_GetStringValue(
		      cJSON_GetObjectItem(cJSON_GetObjectItem(page, "agreed_text"), "text")),
		  expect);
	CHECK_STR(cJSON_GetStringValue(
		      cJSON_GetObjectItem(cJSON_GetObjectItem(page, "review_text"), "text")),
		  "Your next review is on **10 January 2027**.");
	{
		const cJSON *n0 = cJSON_GetArrayItem(cJSON_GetObjectItem(page, "needs"), 0);
		const cJSON *how = cJSON_GetObjectItem(n0, "how");

		CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(how, "text")),
			  "A carer comes every morning at 8.");
		CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(how, "id")), "need/1/how");
	}
	{ /* what the person wrote: only what they answered */
		const cJSON *secs = cJSON_GetObjectItem(page, "sections");
		const cJSON *rows = cJSON_GetObjectItem(cJSON_GetArrayItem(secs, 0), "rows");
		const cJSON *row = cJSON_GetArrayItem(rows, 0);

		const cJSON *safe =
		    cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetArrayItem(secs, 1), "rows"), 0);

		CHECK(cJSON_GetArraySize(secs) == 2 && cJSON_GetArraySize(rows) == 1);
		CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(row, "page")), "like-admire");
		CHECK_STR(cJSON_GetStringValue(
			      cJSON_GetObjectItem(cJSON_GetObjectItem(row, "answer"), "text")),
			  "I am kind.");
		/* The answer about being hurt is not on the copy that goes home: it says the social
		 * worker has it. */
		CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(safe, "page")), "unsafe");
		CHECK_STR(cJSON_GetStringValue(
			      cJSON_GetObjectItem(cJSON_GetObjectItem(safe, "answer"), "id")),
			  "msg/copy.private");
		CHECK_STR(cJSON_GetStringValue(
			      cJSON_GetObjectItem(cJSON_GetObjectItem(safe, "answer"), "text")),
			  content_message(ct, "copy.private"));
	}
	cJSON_Delete(m);
	/* Back goes to the choices again. */
	handle(s, "{\"type\":\"go\",\"seq\":3,\"to\":\"back\"}");
	CHECK_STR(last(&fc), "page welcome-back");
	kiosk_session_close(s);
	fake_reset(&fc);
	fixture_close(&f);
}

/* The option values of the page the session shows last, joined with spaces, into out. */
static const char *last_options(const fake_conn *fc, char *out, size_t n)
{
	cJSON *m = fake_msg(fc, fc->n - 1);
	const cJSON *op;
	size_t used = 0;

	out[0] = '\0';
	cJSON_ArrayForEach(op, cJSON_GetObjectItem(cJSON_GetObjectItem(m, "page"), "options"))
	{
		const cJSON *v = cJSON_GetObjectItem(op, "value");
		int w = snprintf(out + used, n - used, "%s%s", used ? " " : "",
				 cJSON_IsString(v) ? v->valuestring : "?");

		if (w > 0 && (size_t)w < n - used)
			used += (size_t)w;
	}
	cJSON_Delete(m);
	return out;
}

/* An invited plan with these ways of managing; its code into code. The plan's id, or 0. */
static long long invite_with_managing(fixture *f, const char *managing, char *code)
{
	store_actor by = {STORE_ACTOR_STAFF, 0, "caseworker"};
	store_invite_need need = {"Help to cook", 1};
	unsigned char hash[CODE_HASH_BYTES];
	store_user u;
	long long id = 0;
	char err[256];

	if (store_user_find(f->st, "casey", &u) == 0)
		by.id = u.id;
	else if (store_user_add(f->st, "casey", "caseworker",
				"$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$c29tZWhhc2hzb21laGFzaA",
				1, NULL, &by.id, err, sizeof(err)))
		fprintf(stderr, "  (store_user_add: %s)\n", err);
	code_generate(ct, code);
	code_hash(zero_key, code, hash);
	if (store_plan_invite(f->st, hash, "Sam", &need, 1, 18000, managing, NULL, &by, &id, err,
			      sizeof(err)))
		fprintf(stderr, "  (store_plan_invite: %s)\n", err);
	return id;
}

static void the_managing_page_should_offer_only_the_ways_the_council_offered(void)
{
	fixture f;
	fake_conn fc = {.n = 0}, fc2 = {.n = 0};
	char code[CODE_MAX], code2[CODE_MAX], options[256];
	kiosk_session *s, *s2;

	if (fixture_open(&f, 0)) {
		CHECK(!"fixture");
		return;
	}
	CHECK(invite_with_managing(&f, "direct,council", code) > 0);
	s = open_with_code(&f, &fc, code);
	handle(s, "{\"type\":\"go\",\"seq\":2,\"to\":\"managing\"}");
	CHECK_STR(last(&fc), "page managing");
	CHECK_STR(last_options(&fc, options, sizeof(options)), "direct-payment council help");

	/* None named: every way, and help to choose. */
	CHECK(invite_with_managing(&f, "", code2) > 0);
	s2 = open_with_code(&f, &fc2, code2);
	handle(s2, "{\"type\":\"go\",\"seq\":2,\"to\":\"managing\"}");
	CHECK_STR(last_options(&fc2, options, sizeof(options)),
		  "direct-payment council provider mix help");
	kiosk_session_close(s);
	kiosk_session_close(s2);
	fake_reset(&fc);
	fake_reset(&fc2);
	fixture_close(&f);
}

/* ---- picture cards ---- */

/* The plan's stored cards for a page ("" when none is stored) into out. */
static const char *stored_cards(fixture *f, long long plan, const char *page, char *out, size_t n)
{
	found fd = {.page = page, .field = "cards"};

	store_answers_each(f->st, plan, find_answer, &fd);
	snprintf(out, n, "%s", fd.hits ? fd.value : "");
	return out;
}

/* The text ids of the cards in arr whose "chosen" is true (all of them when want_chosen is 0),
 * joined with spaces, into out. */
static const char *card_ids(const cJSON *arr, int want_chosen, char *out, size_t n)
{
	const cJSON *k;
	size_t used = 0;

	out[0] = '\0';
	cJSON_ArrayForEach(k, arr)
	{
		const char *id =
		    cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(k, "text"), "id"));

		if (want_chosen && !cJSON_IsTrue(cJSON_GetObjectItem(k, "chosen")))
			continue;
		used +=
		    (size_t)snprintf(out + used, n - used, "%s%s", used ? " " : "", id ? id : "?");
		if (used >= n)
			break;
	}
	return out;
}

/* The check page's row for page, in the last message (a check or copy page). */
static const cJSON *check_row(const cJSON *page, const char *id)
{
	const cJSON *sec, *row;

	cJSON_ArrayForEach(sec, cJSON_GetObjectItem(page, "sections"))
	{
		cJSON_ArrayForEach(row, cJSON_GetObjectItem(sec, "rows"))
		{
			if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(row, "page")), id) == 0)
				return row;
		}
	}
	return NULL;
}

static void chosen_cards_should_be_saved_after_commit_and_shown_again(void)
{
	fixture f;
	fake_conn fc = {.n = 0};
	kiosk_session *s;
	char v[256], ids[512];
	cJSON *m;

	CHECK(fixture_open(&f, 0) == 0);
	s = open_with_code(&f, &fc, f.code);
	handle(s, "{\"type\":\"answer\",\"seq\":2,\"page\":\"important-places\","
		  "\"cards\":[\"park\",\"home\",\"park\"]}");
	CHECK(fc.n == 0); /* nothing acknowledged before the commit */
	CHECK(flush(&f) == 0);
	CHECK_STR(last(&fc), "saved important-places");
	CHECK(last_seq(&fc) == 2);
	/* in the page's order, each once */
	CHECK_STR(stored_cards(&f, f.plan, "important-places", v, sizeof(v)), "home,park");
	CHECK(stored(&f, f.plan, "important-places") == NULL); /* the words are not touched */

	handle(s, "{\"type\":\"go\",\"to\":\"important-places\"}");
	m = fake_msg(&fc, fc.n - 1);
	CHECK_STR(card_ids(cJSON_GetObjectItem(cJSON_GetObjectItem(m, "page"), "cards"), 1, ids,
			   sizeof(ids)),
		  "important-places/card/home important-places/card/park");
	CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetObjectItem(m, "page"), "cards")) ==
	      8);
	cJSON_Delete(m);

	/* Taking every card away stores none. */
	handle(s, "{\"type\":\"answer\",\"seq\":3,\"page\":\"important-places\",\"cards\":[]}");
	CHECK(flush(&f) == 0);
	CHECK_STR(last(&fc), "saved important-places");
	CHECK_STR(stored_cards(&f, f.plan, "important-places", v, sizeof(v)), "");
	handle(s, "{\"type\":\"answer\",\"seq\":4,\"page\":\"communicate\","
		  "\"cards\":[\"signs\",\"pictures\"]}");
	handle(s, "{\"type\":\"answer\",\"seq\":5,\"page\":\"communicate\",\"value\":\"Slowly.\"}");
	CHECK(flush(&f) == 0);

	/* The check page reads back the cards' words, with the typed words. */
	handle(s, "{\"type\":\"go\",\"to\":\"check\"}");
	m = fake_msg(&fc, fc.n - 1);
	{
		const cJSON *row = check_row(cJSON_GetObjectItem(m, "page"), "communicate");

		CHECK(row != NULL);
		CHECK_STR(card_ids(cJSON_GetObjectItem(row, "cards"), 0, ids, sizeof(ids)),
			  "communicate/card/signs communicate/card/pictures");
		CHECK_STR(cJSON_GetStringValue(
			      cJSON_GetObjectItem(cJSON_GetObjectItem(row, "answer"), "text")),
			  "Slowly.");
		row = check_row(cJSON_GetObjectItem(m, "page"), "important-places");
		CHECK(row && !cJSON_GetObjectItem(row, "cards"));
	}
	cJSON_Delete(m);
	kiosk_session_close(s);
	fake_reset(&fc);
	fixture_close(&f);
}

static void a_bad_card_answer_should_get_an_error_and_change_nothing(void)
{
	static const struct {
		const char *msg, *error;
	} bad[] = {
	    {"{\"type\":\"answer\",\"seq\":3,\"page\":\"important-places\",\"cards\":[\"moon\"]}",
	     "error bad-field"},
	    {"{\"type\":\"answer\",\"seq\":3,\"page\":\"like-admire\",\"cards\":[\"home\"]}",
	     "error bad-field"},
	    {"{\"type\":\"answer\",\"seq\":3,\"page\":\"nowhere\",\"cards\":[\"home\"]}",
	     "error bad-field"},
	    {"{\"type\":\"answer\",\"seq\":3,\"page\":\"important-places\",\"cards\":\"home\"}",
	     "error bad-message"},
	    {"{\"type\":\"answer\",\"seq\":3,\"page\":\"important-places\",\"cards\":[7]}",
	     "error bad-message"},
	    {"{\"type\":\"answer\",\"seq\":3,\"page\":\"important-places\",\"cards\":[\"home\"],"
	     "\"value\":\"x\"}",
	     "error bad-message"},
	};
	fixture f;
	fake_conn fc = {.n = 0};
	kiosk_session *s;
	char v[256];
	int before;

	CHECK(fixture_open(&f, 0) == 0);
	s = open_with_code(&f, &fc, f.code);
	handle(s, "{\"type\":\"answer\",\"seq\":2,\"page\":\"important-places\","
		  "\"cards\":[\"cafe\"]}");
	CHECK(flush(&f) == 0);
	before = answers_in(&f, f.plan);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		fake_reset(&fc);
		handle(s, bad[i].msg);
		CHECK(flush(&f) == 0);
		CHECK_STR(last(&fc), bad[i].error);
		CHECK(last_seq(&fc) == 3);
	}
	CHECK(answers_in(&f, f.plan) == before);
	CHECK_STR(stored_cards(&f, f.plan, "important-places", v, sizeof(v)), "cafe");
	/* A plan sent to the social worker cannot change. */
	handle(s, "{\"type\":\"send\",\"seq\":4}");
	CHECK(flush(&f) == 0);
	handle(s, "{\"type\":\"answer\",\"seq\":5,\"page\":\"important-places\","
		  "\"cards\":[\"park\"]}");
	CHECK(flush(&f) == 0);
	CHECK_STR(last(&fc), "error already-sent");
	CHECK_STR(stored_cards(&f, f.plan, "important-places", v, sizeof(v)), "cafe");
	kiosk_session_close(s);
	fake_reset(&fc);
	fixture_close(&f);
}

static void cards_chosen_on_one_plan_should_not_reach_another(void)
{
	fixture f;
	fake_conn fa = {.n = 0}, fb = {.n = 0}, fc = {.n = 0};
	kiosk_session *a, *b, *none;
	char v[256];

	CHECK(fixture_open(&f, 0) == 0);
	a = open_with_code(&f, &fa, f.code);
	b = open_new_plan(&f, &fb);
	handle(b, "{\"type\":\"answer\",\"seq\":2,\"page\":\"important-people\","
		  "\"cards\":[\"mum\"],\"plan\":1}");
	CHECK(flush(&f) == 0);
	CHECK_STR(fake_what(&fb, fb.n - 1, v, sizeof(v)), "saved important-people");
	CHECK_STR(stored_cards(&f, f.plan, "important-people", v, sizeof(v)), "");
	CHECK(fa.n == 0);
	/* Before any plan is open, nothing is stored. */
	none = kiosk_session_open(f.p, &fc, "127.0.0.1");
	fake_reset(&fc);
	handle(none, "{\"type\":\"answer\",\"seq\":2,\"page\":\"important-people\","
		     "\"cards\":[\"dad\"]}");
	CHECK(flush(&f) == 0);
	CHECK_STR(last(&fc), "error no-plan");
	CHECK_STR(stored_cards(&f, f.plan, "important-people", v, sizeof(v)), "");
	kiosk_session_close(a);
	kiosk_session_close(b);
	kiosk_session_close(none);
	fake_reset(&fa);
	fake_reset(&fb);
	fake_reset(&fc);
	fixture_close(&f);
}

int main(void)
{
	char err[512];

	setvbuf(stdout, NULL, _IOLBF, 0);
	ct = content_load(PLANALOUD_SOURCE_DIR "/easyread", "en-GB",
			  PLANALOUD_SOURCE_DIR "/web/pictures", err, sizeof(err));
	if (!ct) {
		fprintf(stderr, "test_kiosk: the content did not load: %s\n", err);
		CHECK(ct != NULL);
		return check_report();
	}
	RUN(session_open_should_send_hello_then_the_welcome_page);
	RUN(the_demo_plan_should_be_invited_the_way_a_caseworker_invites);
	RUN(replies_to_changes_should_wait_for_kiosk_flush);
	RUN(a_failed_handler_should_leave_nothing_in_the_store);
	RUN(a_page_whose_data_cannot_be_read_should_fail_not_show_an_empty_list);
	RUN(a_failed_commit_should_acknowledge_nothing_and_show_the_page_again);
	RUN(a_plan_opened_in_a_failed_batch_should_still_save_what_comes_next);
	RUN(answers_from_three_sessions_should_share_one_commit);
	RUN(a_session_closed_while_its_reply_is_held_should_not_crash_the_flush);
	RUN(kiosk_too_big_should_send_error_too_big);
	RUN(finish_should_say_bye_and_ask_for_the_close);
	RUN(a_plan_sent_from_one_kiosk_should_not_change_from_another);
	RUN(long_non_ascii_list_entries_should_go_out_whole);
	RUN(narrate_should_take_a_message_whose_blanks_the_id_fills_with_numbers);
	RUN(narrate_should_read_the_filled_message_and_the_answer_as_stored_now);
	RUN(a_plan_started_without_a_code_should_show_its_numbers_and_open_with_them);
	RUN(a_signed_off_plan_should_give_the_person_their_copy);
	RUN(the_managing_page_should_offer_only_the_ways_the_council_offered);
	RUN(chosen_cards_should_be_saved_after_commit_and_shown_again);
	RUN(a_bad_card_answer_should_get_an_error_and_change_nothing);
	RUN(cards_chosen_on_one_plan_should_not_reach_another);
	content_free(ct);
	return check_report();
}
