/* test_kiosk_limits: how fast codes may be guessed and plans started without a code, through the
 * kiosk's protocol without a network: per address, per enrolled kiosk, and for everyone together;
 * refusals change nothing; a limit reached is logged once, with no code in the line. */
#include "check.h"
#include "fake_conn.h"
#include "store_fixture.h"

#include "code.h"
#include "content.h"
#include "devices.h"
#include "kiosk.h"
#include "log.h"
#include "store.h"

#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static content *ct;
static const unsigned char zero_key[CODE_KEY_BYTES];
static char tmpdir[] = "/tmp/planaloud-kiosk-limits-XXXXXX";

/* ---- captured log lines ---- */

static char logged[8192];

static void keep_line(void *ctx, log_level level, const char *line)
{
	size_t len = strlen(logged);

	(void)ctx;
	(void)level;
	snprintf(logged + len, sizeof(logged) - len, "%s\n", line);
}

static int lines_with(const char *needle)
{
	int n = 0;

	for (const char *p = logged; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* ---- the fixture ---- */

typedef struct fixture {
	store *st;
	kiosk *p;
	char path[128];
} fixture;

static int fixture_open(fixture *f, const kiosk_config *cfg)
{
	static int n;
	char name[32];

	memset(f, 0, sizeof(*f));
	snprintf(name, sizeof(name), "limits%d.db", ++n);
	f->st = fixture_open_file(tmpdir, name, f->path, sizeof(f->path));
	f->p = f->st ? kiosk_new(ct, f->st, zero_key, cfg, (message_io){fake_send, NULL}) : NULL;
	logged[0] = '\0';
	return f->p ? 0 : -1;
}

static void fixture_close(fixture *f)
{
	char path[160];

	kiosk_free(f->p);
	store_close(f->st);
	unlink(f->path);
	snprintf(path, sizeof(path), "%s-wal", f->path);
	unlink(path);
	snprintf(path, sizeof(path), "%s-shm", f->path);
	unlink(path);
}

/* The last message's type and what it is about: "page code", "error too-many-plans". */
static const char *last(const fake_conn *fc)
{
	static char what[128];
	cJSON *m = fc->n ? cJSON_Parse(fc->sent[fc->n - 1]) : NULL;
	const char *type = cJSON_GetStringValue(cJSON_GetObjectItem(m, "type"));
	const char *about =
	    type && strcmp(type, "error") == 0
		? cJSON_GetStringValue(cJSON_GetObjectItem(m, "code"))
		: cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(m, "page"), "id"));

	snprintf(what, sizeof(what), "%s %s", type ? type : "?", about ? about : "?");
	cJSON_Delete(m);
	return what;
}

/* One message from a new connection at address (with the device token, when not NULL); the
 * batch committed. The last reply's summary (see last) into out. */
static const char *once(fixture *f, const char *address, const unsigned char *device,
			const char *msg, char *out, size_t n)
{
	fake_conn fc = {0};
	kiosk_session *s = kiosk_session_open(f->p, &fc, address);
	char err[256];

	kiosk_session_device(s, device);
	kiosk_handle(s, msg, strlen(msg), 0);
	if (kiosk_flush(f->p, err, sizeof(err)))
		fprintf(stderr, "  (kiosk_flush: %s)\n", err);
	snprintf(out, n, "%s", last(&fc));
	kiosk_session_close(s);
	fake_reset(&fc);
	return out;
}

#define NEW_PLAN "{\"type\":\"new_plan\",\"seq\":1}"
#define WRONG	 "{\"type\":\"code\",\"seq\":1,\"code\":\"apple river boat 2345\"}"

static const char *start_plan(fixture *f, const char *address, const unsigned char *device)
{
	static char out[128];

	return once(f, address, device, NEW_PLAN, out, sizeof(out));
}

static const char *wrong_code(fixture *f, const char *address, const unsigned char *device)
{
	static char out[128];

	return once(f, address, device, WRONG, out, sizeof(out));
}

static long long plans(const fixture *f)
{
	return count_on_file(f->path, "SELECT count(*) FROM plans");
}

/* An enrolled kiosk: its device token into token. */
static void enrol(fixture *f, const char *label, unsigned char token[DEVICES_TOKEN_BYTES],
		  long long *id)
{
	char link[DEVICES_TOKEN_TEXT], device[DEVICES_TOKEN_TEXT];
	long long now = (long long)time(NULL) * 1000;

	CHECK(devices_add(f->st, label, now, NULL, link, id, NULL, 0) == 0);
	CHECK(devices_enrol(f->st, link, now, device, NULL, NULL, 0) == 0);
	CHECK(devices_decode(device, token) == 0);
}

/* ---- starting plans without a code ---- */

static void new_plans_past_the_address_limit_should_get_kind_words_and_make_nothing(void)
{
	kiosk_config cfg = {
	    .address_failures = 20, .address_window = 600, .new_plans_per_address = 3};
	fixture f;

	CHECK(fixture_open(&f, &cfg) == 0);
	for (int i = 0; i < 3; i++)
		CHECK_STR(start_plan(&f, "192.0.2.1", NULL), "page code");
	CHECK(plans(&f) == 3);
	CHECK_STR(start_plan(&f, "192.0.2.1", NULL), "error too-many-plans");
	CHECK(plans(&f) == 3);
	/* Another address is not held back by this one. */
	CHECK_STR(start_plan(&f, "192.0.2.2", NULL), "page code");
	CHECK(plans(&f) == 4);
	/* The limit reached is logged once, by address, count and window. */
	CHECK(lines_with("event=new-plan-limit key=192.0.2.1 plans=3 window_s=3600") == 1);
	fixture_close(&f);
}

static void the_words_for_too_many_plans_should_be_in_the_content(void)
{
	kiosk_config cfg = {
	    .address_failures = 20, .address_window = 600, .new_plans_per_address = 1};
	fake_conn fc = {0};
	fixture f;
	kiosk_session *s;
	cJSON *m;

	CHECK(fixture_open(&f, &cfg) == 0);
	start_plan(&f, "192.0.2.1", NULL);
	s = kiosk_session_open(f.p, &fc, "192.0.2.1");
	kiosk_handle(s, NEW_PLAN, strlen(NEW_PLAN), 0);
	CHECK(kiosk_flush(f.p, NULL, 0) == 0);
	m = cJSON_Parse(fc.sent[fc.n - 1]);
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(m, "message")),
		  content_message(ct, "error.too-many-plans"));
	CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(m, "seq")) == 1);
	cJSON_Delete(m);
	kiosk_session_close(s);
	fake_reset(&fc);
	fixture_close(&f);
}

static void new_plans_past_the_overall_limit_should_be_refused_from_any_address(void)
{
	kiosk_config cfg = {.address_failures = 20,
			    .address_window = 600,
			    .new_plans_per_address = 10,
			    .new_plans_per_hour = 4};
	fixture f;
	char address[32];

	CHECK(fixture_open(&f, &cfg) == 0);
	for (int i = 0; i < 4; i++) {
		snprintf(address, sizeof(address), "198.51.100.%d", i + 1);
		CHECK_STR(start_plan(&f, address, NULL), "page code");
	}
	CHECK_STR(start_plan(&f, "203.0.113.7", NULL), "error too-many-plans");
	CHECK(plans(&f) == 4);
	CHECK(lines_with("event=new-plan-budget plans=4 window_s=3600") == 1);
	fixture_close(&f);
}

static void an_enrolled_kiosk_should_count_its_own_plans_until_it_is_revoked(void)
{
	kiosk_config cfg = {.address_failures = 20,
			    .address_window = 600,
			    .new_plans_per_address = 2,
			    .new_plans_per_kiosk = 4,
			    .new_plans_per_hour = 3};
	unsigned char one[DEVICES_TOKEN_BYTES], two[DEVICES_TOKEN_BYTES];
	unsigned char stranger[DEVICES_TOKEN_BYTES];
	long long id1 = 0, id2 = 0;
	char key[64];
	fixture f;

	CHECK(fixture_open(&f, &cfg) == 0);
	enrol(&f, "Central Library kiosk 1", one, &id1);
	enrol(&f, "Central Library kiosk 2", two, &id2);
	/* The library's address has used its own two. */
	CHECK_STR(start_plan(&f, "192.0.2.9", NULL), "page code");
	CHECK_STR(start_plan(&f, "192.0.2.9", NULL), "page code");
	CHECK_STR(start_plan(&f, "192.0.2.9", NULL), "error too-many-plans");
	/* A token no kiosk has is its address's: the third of everyone's three. */
	randombytes_buf(stranger, sizeof(stranger));
	CHECK_STR(start_plan(&f, "192.0.2.10", stranger), "page code");
	CHECK_STR(start_plan(&f, "192.0.2.11", stranger), "error too-many-plans");
	/* Its enrolled kiosks, at the same address, count apart, each up to its own four, past
	 * the overall three that everyone else shares. */
	for (int i = 0; i < 4; i++)
		CHECK_STR(start_plan(&f, "192.0.2.9", one), "page code");
	CHECK_STR(start_plan(&f, "192.0.2.9", one), "error too-many-plans");
	CHECK_STR(start_plan(&f, "192.0.2.9", two), "page code");
	snprintf(key, sizeof(key), "key=kiosk:%lld plans=4", id1);
	CHECK(lines_with(key) == 1);
	/* Revoked: the kiosk is its address again, whose limit is used up. */
	CHECK(store_kiosk_revoke(f.st, id2, 0, NULL, NULL, 0) == 0);
	CHECK_STR(start_plan(&f, "192.0.2.9", two), "error too-many-plans");
	fixture_close(&f);
}

/* ---- guessing codes ---- */

static void wrong_codes_past_the_overall_budget_should_wait_from_every_address(void)
{
	kiosk_config cfg = {.address_failures = 20, .address_window = 600, .codes_overall = 6};
	unsigned char device[DEVICES_TOKEN_BYTES];
	char address[32];
	fixture f;

	CHECK(fixture_open(&f, &cfg) == 0);
	enrol(&f, "Kiosk", device, NULL);
	/* Six addresses, one guess each: each is checked. */
	for (int i = 0; i < 6; i++) {
		snprintf(address, sizeof(address), "198.51.100.%d", i + 1);
		CHECK_STR(wrong_code(&f, address, NULL), "error wrong-code");
	}
	/* Past the budget, every guess waits, from an address never seen too. */
	CHECK_STR(wrong_code(&f, "198.51.100.1", NULL), "error slow-down");
	CHECK_STR(wrong_code(&f, "203.0.113.50", NULL), "error slow-down");
	/* An enrolled kiosk has its own count: the flood does not lock the library out. */
	CHECK_STR(wrong_code(&f, "203.0.113.50", device), "error wrong-code");
	/* One warning for the window, however many guesses come. */
	CHECK(lines_with("event=code-budget guesses=6 window_s=600") == 1);
	CHECK(lines_with("apple") == 0 && lines_with("2345") == 0);
	fixture_close(&f);
}

static void wrong_resume_tokens_should_not_spend_the_overall_budget_for_codes(void)
{
	kiosk_config cfg = {.address_failures = 20, .address_window = 600, .codes_overall = 2};
	char out[128], address[32];
	fixture f;

	CHECK(fixture_open(&f, &cfg) == 0);
	/* People coming back with old tokens, from many addresses: each is sent to the code page.
	 */
	for (int i = 0; i < 5; i++) {
		snprintf(address, sizeof(address), "198.51.100.%d", i + 1);
		CHECK_STR(once(&f, address, NULL,
			       "{\"type\":\"resume\",\"seq\":1,\"token\":\"old\"}", out,
			       sizeof(out)),
			  "page code");
	}
	/* The budget for codes is whole. */
	CHECK_STR(wrong_code(&f, "203.0.113.1", NULL), "error wrong-code");
	CHECK_STR(wrong_code(&f, "203.0.113.2", NULL), "error wrong-code");
	CHECK_STR(wrong_code(&f, "203.0.113.3", NULL), "error slow-down");
	fixture_close(&f);
}

static void an_address_reaching_its_limit_should_be_logged_once_without_the_codes(void)
{
	kiosk_config cfg = {.address_failures = 4, .address_window = 600};
	fixture f;

	CHECK(fixture_open(&f, &cfg) == 0);
	for (int i = 0; i < 3; i++)
		CHECK_STR(wrong_code(&f, "192.0.2.77", NULL), "error wrong-code");
	CHECK(lines_with("code-burst") == 0);
	CHECK_STR(wrong_code(&f, "192.0.2.77", NULL), "error wrong-code");
	CHECK(lines_with("level=warn event=code-burst key=192.0.2.77 guesses=4 window_s=600") == 1);
	CHECK_STR(wrong_code(&f, "192.0.2.77", NULL), "error slow-down");
	CHECK(lines_with("code-burst") == 1);
	CHECK(lines_with("apple") == 0 && lines_with("river") == 0 && lines_with("2345") == 0);
	fixture_close(&f);
}

static void wrong_numbers_should_count_as_wrong_codes(void)
{
	static const char *const numbers[] = {
	    "{\"type\":\"code\",\"seq\":1,\"code\":\"2234 3532 2299 2345\"}", /* no such plan */
	    "{\"type\":\"code\",\"seq\":1,\"code\":\"2234 3532 2299 234\"}",  /* a digit short */
	    "{\"type\":\"code\",\"seq\":1,\"code\":\"4234 3532 2299 2345\"}", /* past the words */
	};
	kiosk_config cfg = {.address_failures = 5, .address_window = 600};
	char out[128];
	fixture f;

	CHECK(fixture_open(&f, &cfg) == 0);
	/* Wrong numbers of every kind, and wrong words, spend the same count. */
	for (size_t i = 0; i < sizeof(numbers) / sizeof(*numbers); i++)
		CHECK_STR(once(&f, "192.0.2.88", NULL, numbers[i], out, sizeof(out)),
			  "error wrong-code");
	CHECK_STR(wrong_code(&f, "192.0.2.88", NULL), "error wrong-code");
	CHECK(lines_with("code-burst") == 0);
	CHECK_STR(once(&f, "192.0.2.88", NULL, numbers[0], out, sizeof(out)), "error wrong-code");
	CHECK(lines_with("level=warn event=code-burst key=192.0.2.88 guesses=5 window_s=600") == 1);
	/* The address waits, for numbers as for words. */
	CHECK_STR(once(&f, "192.0.2.88", NULL, numbers[0], out, sizeof(out)), "error slow-down");
	CHECK_STR(wrong_code(&f, "192.0.2.88", NULL), "error slow-down");
	/* No numbers in the log. */
	CHECK(lines_with("2234") == 0 && lines_with("3532") == 0);
	fixture_close(&f);
}

static void wrong_numbers_on_one_connection_should_wait_as_wrong_words_do(void)
{
	kiosk_config cfg = {.address_failures = 20, .address_window = 600};
	fake_conn fc = {0};
	char err[256];
	kiosk_session *s;
	fixture f;

	CHECK(fixture_open(&f, &cfg) == 0);
	s = kiosk_session_open(f.p, &fc, "192.0.2.99");
	/* Three free tries, then a wait: words and numbers alike. */
	for (int k = 0; k < 3; k++) {
		const char *msg =
		    k == 1 ? WRONG
			   : "{\"type\":\"code\",\"seq\":1,\"code\":\"2234 3532 2299 2345\"}";

		kiosk_handle(s, msg, strlen(msg), 0);
		CHECK(kiosk_flush(f.p, err, sizeof(err)) == 0);
		CHECK_STR(last(&fc), "error wrong-code");
	}
	{
		const char *msg = "{\"type\":\"code\",\"seq\":1,\"code\":\"2234 3532 2299 2346\"}";

		kiosk_handle(s, msg, strlen(msg), 0);
	}
	CHECK(kiosk_flush(f.p, err, sizeof(err)) == 0);
	CHECK_STR(last(&fc), "error slow-down");
	kiosk_session_close(s);
	fake_reset(&fc);
	fixture_close(&f);
}

int main(void)
{
	char err[512];

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (sodium_init() < 0 || !mkdtemp(tmpdir))
		return 1;
	ct = content_load(PLANALOUD_SOURCE_DIR "/easyread", "en-GB",
			  PLANALOUD_SOURCE_DIR "/web/pictures", err, sizeof(err));
	if (!ct) {
		fprintf(stderr, "test_kiosk_limits: the content did not load: %s\n", err);
		CHECK(ct != NULL);
		return check_report();
	}
	log_set_sink(keep_line, NULL);
	RUN(new_plans_past_the_address_limit_should_get_kind_words_and_make_nothing);
	RUN(the_words_for_too_many_plans_should_be_in_the_content);
	RUN(new_plans_past_the_overall_limit_should_be_refused_from_any_address);
	RUN(an_enrolled_kiosk_should_count_its_own_plans_until_it_is_revoked);
	RUN(wrong_codes_past_the_overall_budget_should_wait_from_every_address);
	RUN(wrong_resume_tokens_should_not_spend_the_overall_budget_for_codes);
	RUN(an_address_reaching_its_limit_should_be_logged_once_without_the_codes);
	RUN(wrong_numbers_should_count_as_wrong_codes);
	RUN(wrong_numbers_on_one_connection_should_wait_as_wrong_words_do);
	log_set_sink(NULL, NULL);
	content_free(ct);
	rmdir(tmpdir);
	return check_report();
}
