/* test_kiosk_languages: the kiosk's protocol in every language of easyread/, without a network.
 * hello names the languages and the page's direction; {"type":"language"} turns the page to
 * another; the plan keeps the language, and coming back with the code opens it there; narration
 * reads in the session's language; the fixed texts of a language are read ahead once someone
 * chooses it (docs/protocol.md, "Languages"). */
#include "check.h"
#include "fake_conn.h"

#include "code.h"
#include "demo.h"
#include "kiosk.h"
#include "languages.h"
#include "store.h"
#include "utf8.h"
#include "view.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EASYREAD PLANALOUD_SOURCE_DIR "/easyread"
#define PICTURES PLANALOUD_SOURCE_DIR "/web/pictures"

static languages *langs; /* every language, loaded once */
static const unsigned char zero_key[CODE_KEY_BYTES];

/* ---- what the kiosk sent ---- */

/* Message i as JSON (cJSON_Delete it), or NULL. */
static cJSON *sent(const fake_conn *fc, int i)
{
	return i >= 0 && i < fc->n ? cJSON_Parse(fc->sent[i]) : NULL;
}

/* The type of message i and what it is about: "hello cy", "page welcome", "error bad-message",
 * "saved like-admire". */
static const char *what(const fake_conn *fc, int i)
{
	static char out[128];
	cJSON *m = sent(fc, i);
	const char *type = cJSON_GetStringValue(cJSON_GetObjectItem(m, "type")), *about = NULL;

	out[0] = '\0';
	if (type) {
		if (strcmp(type, "page") == 0)
			about = cJSON_GetStringValue(
			    cJSON_GetObjectItem(cJSON_GetObjectItem(m, "page"), "id"));
		else if (strcmp(type, "hello") == 0)
			about = cJSON_GetStringValue(cJSON_GetObjectItem(m, "lang"));
		else if (strcmp(type, "error") == 0)
			about = cJSON_GetStringValue(cJSON_GetObjectItem(m, "code"));
		else
			about = cJSON_GetStringValue(cJSON_GetObjectItem(m, "page"));
		snprintf(out, sizeof(out), "%s%s%s", type, about ? " " : "", about ? about : "");
	}
	cJSON_Delete(m);
	return out;
}

/* Every message sent, summed up (see what), joined with " / ". */
static const char *all_sent(const fake_conn *fc)
{
	static char out[1024];
	size_t used = 0;

	out[0] = '\0';
	for (int i = 0; i < fc->n && used < sizeof(out); i++)
		used += (size_t)snprintf(out + used, sizeof(out) - used, "%s%s", i ? " / " : "",
					 what(fc, i));
	return out;
}

/* The text of a page's title in message i. */
static const char *title_of(const fake_conn *fc, int i)
{
	static char out[512];
	cJSON *m = sent(fc, i);
	const char *t = cJSON_GetStringValue(cJSON_GetObjectItem(
	    cJSON_GetObjectItem(cJSON_GetObjectItem(m, "page"), "title"), "text"));

	snprintf(out, sizeof(out), "%s", t ? t : "");
	cJSON_Delete(m);
	return out;
}

/* The title a page has in a language. */
static const char *title_in(const char *lang, const char *page)
{
	const content_page *pg = content_page_find(languages_find(langs, lang), page, NULL);

	return pg ? pg->title : "?";
}

/* ---- the fixture: a store with the demo plan, a kiosk offering every language ---- */

typedef struct fixture {
	store *st;
	kiosk *p;
	char code[CODE_MAX];
	long long plan;
} fixture;

static int fixture_open(fixture *f, message_io io, const char *start)
{
	kiosk_config cfg = {
	    .idle_seconds = 120, .warn_seconds = 30, .address_failures = 20, .address_window = 600};
	unsigned char hash[CODE_HASH_BYTES];
	char err[256];

	memset(f, 0, sizeof(*f));
	f->st = store_open(":memory:", err, sizeof(err));
	if (!f->st ||
	    demo_invite(f->st, languages_reference(langs), zero_key, f->code, err, sizeof(err))) {
		fprintf(stderr, "  (fixture: %s)\n", err);
		return -1;
	}
	code_hash(zero_key, f->code, hash);
	if (store_plan_find(f->st, hash, &f->plan))
		return -1;
	f->p = kiosk_new(languages_reference(langs), f->st, zero_key, &cfg, io);
	return f->p && kiosk_set_languages(f->p, langs, start) == 0 ? 0 : -1;
}

static void fixture_close(fixture *f)
{
	kiosk_free(f->p);
	store_close(f->st);
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

/* Types the code into session s and commits; what came back is all that fc holds. */
static void type_code(fixture *f, kiosk_session *s, fake_conn *fc, const char *code)
{
	char msg[256];

	fake_reset(fc);
	snprintf(msg, sizeof(msg), "{\"type\":\"code\",\"seq\":2,\"code\":\"%s\"}", code);
	handle(s, msg);
	flush(f);
}

/* The language the store keeps for the plan. */
static const char *plan_lang(fixture *f, long long plan)
{
	static store_plan pl;

	memset(&pl, 0, sizeof(pl));
	if (store_plan_get(f->st, plan, &pl))
		return "(unreadable)";
	return pl.lang;
}

/* ---- hello ---- */

static void hello_should_offer_every_language_named_in_itself(void)
{
	fixture f;
	fake_conn fc = {.n = 0};
	kiosk_session *s;
	cJSON *hello;
	const cJSON *list, *o;
	size_t i = 0;

	CHECK(fixture_open(&f, (message_io){fake_send, NULL}, NULL) == 0);
	s = kiosk_session_open(f.p, &fc, "127.0.0.1");
	CHECK_STR(all_sent(&fc), "hello en-GB / page welcome");
	hello = sent(&fc, 0);
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(hello, "dir")), "ltr");
	list = cJSON_GetObjectItem(hello, "languages");
	CHECK(cJSON_GetArraySize(list) == (int)languages_count(langs));
	cJSON_ArrayForEach(o, list)
	{
		const content *c = languages_at(langs, i++);
		const cJSON *text = cJSON_GetObjectItem(o, "text");
		char id[64];

		if (!c)
			break;
		snprintf(id, sizeof(id), "lang/%s", content_lang(c));
		CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(o, "lang")), content_lang(c));
		CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(o, "dir")),
			  content_is_rtl(c) ? "rtl" : "ltr");
		CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(o, "name")),
			  content_language_name(c));
		CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(text, "id")), id);
		CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(text, "text")),
			  content_language_name(c));
	}
	cJSON_Delete(hello);
	kiosk_session_close(s);
	fake_reset(&fc);
	fixture_close(&f);
}

static void hello_should_carry_no_message_of_the_staff_pages(void)
{
	const content *en = languages_reference(langs);
	fixture f;
	fake_conn fc = {.n = 0};
	kiosk_session *s;
	cJSON *hello;
	const cJSON *m;
	int staff = 0, all = 0;

	CHECK(content_message(en, "alert.subject") != NULL); /* English has them */
	CHECK(fixture_open(&f, (message_io){fake_send, NULL}, NULL) == 0);
	s = kiosk_session_open(f.p, &fc, "127.0.0.1");
	hello = sent(&fc, 0);
	cJSON_ArrayForEach(m, cJSON_GetObjectItem(hello, "messages"))
	{
		all++;
		staff +=
		    strncmp(m->string, "staff.", 6) == 0 || strncmp(m->string, "alert.", 6) == 0;
	}
	CHECK(all > 100);
	CHECK(staff == 0);
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(
		      cJSON_GetObjectItem(cJSON_GetObjectItem(hello, "messages"), "next"), "text")),
		  content_message(en, "next"));
	cJSON_Delete(hello);
	kiosk_session_close(s);
	fake_reset(&fc);
	fixture_close(&f);
}

static void a_kiosk_may_start_its_pages_in_another_language(void)
{
	fixture f;
	fake_conn fc = {.n = 0};
	kiosk_session *s;
	cJSON *hello;

	CHECK(fixture_open(&f, (message_io){fake_send, NULL}, "ur") == 0);
	s = kiosk_session_open(f.p, &fc, "127.0.0.1");
	CHECK_STR(all_sent(&fc), "hello ur / page welcome");
	hello = sent(&fc, 0);
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(hello, "dir")), "rtl");
	CHECK_STR(title_of(&fc, 1), title_in("ur", "welcome"));
	cJSON_Delete(hello);
	kiosk_session_close(s);
	fake_reset(&fc);
	fixture_close(&f);
	/* a language the kiosk does not have is refused, and nothing changes */
	CHECK(fixture_open(&f, (message_io){fake_send, NULL}, NULL) == 0);
	CHECK(kiosk_set_languages(f.p, langs, "xx") == -1);
	s = kiosk_session_open(f.p, &fc, "127.0.0.1");
	CHECK_STR(all_sent(&fc), "hello en-GB / page welcome");
	kiosk_session_close(s);
	fake_reset(&fc);
	fixture_close(&f);
}

/* ---- choosing a language ---- */

static void choosing_welsh_should_send_hello_in_welsh_then_the_same_page(void)
{
	const content *cy = languages_find(langs, "cy");
	fixture f;
	fake_conn fc = {.n = 0};
	kiosk_session *s;
	cJSON *hello;

	CHECK(fixture_open(&f, (message_io){fake_send, NULL}, NULL) == 0);
	s = kiosk_session_open(f.p, &fc, "127.0.0.1");
	handle(s, "{\"type\":\"go\",\"seq\":1,\"to\":\"next\"}");
	CHECK_STR(what(&fc, fc.n - 1), "page who");
	fake_reset(&fc);
	handle(s, "{\"type\":\"language\",\"seq\":2,\"lang\":\"cy\"}");
	CHECK_STR(all_sent(&fc), "hello cy / page who");
	CHECK(!kiosk_batch_open(f.p)); /* nothing to keep without a plan */
	hello = sent(&fc, 0);
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(hello, "dir")), "ltr");
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(
		      cJSON_GetObjectItem(cJSON_GetObjectItem(hello, "messages"), "next"), "text")),
		  content_message(cy, "next"));
	cJSON_Delete(hello);
	CHECK_STR(title_of(&fc, 1), title_in("cy", "who"));
	CHECK(strcmp(title_in("cy", "who"), title_in("en-GB", "who")) != 0);
	/* the page answers the request */
	{
		cJSON *page = sent(&fc, 1);

		CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(page, "seq")) == 2);
		cJSON_Delete(page);
	}
	/* and the pages after it are Welsh too */
	fake_reset(&fc);
	handle(s, "{\"type\":\"go\",\"seq\":3,\"to\":\"back\"}");
	CHECK_STR(all_sent(&fc), "page welcome");
	CHECK_STR(title_of(&fc, 0), title_in("cy", "welcome"));
	/* Urdu reads right to left */
	fake_reset(&fc);
	handle(s, "{\"type\":\"language\",\"seq\":4,\"lang\":\"ur\"}");
	CHECK_STR(all_sent(&fc), "hello ur / page welcome");
	hello = sent(&fc, 0);
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(hello, "dir")), "rtl");
	cJSON_Delete(hello);
	kiosk_session_close(s);
	fake_reset(&fc);
	fixture_close(&f);
}

static void a_language_that_is_not_offered_should_get_the_plain_error_and_change_nothing(void)
{
	static const char *const bad[] = {
	    "{\"type\":\"language\",\"seq\":5,\"lang\":\"xx\"}",
	    "{\"type\":\"language\",\"seq\":5}",
	    "{\"type\":\"language\",\"seq\":5,\"lang\":\"\"}",
	    "{\"type\":\"language\",\"seq\":5,\"lang\":\"CY\"}",
	    "{\"type\":\"language\",\"seq\":5,\"lang\":7}",
	    "{\"type\":\"language\",\"seq\":5,\"lang\":[\"cy\"]}",
	};
	const content *pl = languages_find(langs, "pl");
	fixture f;
	fake_conn fc = {.n = 0};
	kiosk_session *s;

	CHECK(fixture_open(&f, (message_io){fake_send, NULL}, NULL) == 0);
	s = kiosk_session_open(f.p, &fc, "127.0.0.1");
	type_code(&f, s, &fc, f.code);
	handle(s, "{\"type\":\"language\",\"seq\":3,\"lang\":\"pl\"}");
	CHECK(flush(&f) == 0);
	CHECK_STR(plan_lang(&f, f.plan), "pl");
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		cJSON *e;

		fake_reset(&fc);
		handle(s, bad[i]);
		CHECK(flush(&f) == 0);
		CHECK_STR(all_sent(&fc), "error bad-message");
		e = sent(&fc, 0);
		/* in the language the person reads */
		CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(e, "message")),
			  content_message(pl, "error.bad-message"));
		CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(e, "seq")) == 5);
		cJSON_Delete(e);
		CHECK_STR(plan_lang(&f, f.plan), "pl");
	}
	/* still Polish */
	fake_reset(&fc);
	handle(s, "{\"type\":\"go\",\"seq\":6,\"to\":\"check\"}");
	CHECK_STR(all_sent(&fc), "page check");
	CHECK_STR(title_of(&fc, 0), title_in("pl", "check"));
	kiosk_session_close(s);
	fake_reset(&fc);
	fixture_close(&f);
}

static void the_plan_should_keep_the_language_and_open_in_it_with_the_code(void)
{
	fixture f;
	fake_conn fa = {.n = 0}, fb = {.n = 0};
	kiosk_session *a, *b;
	const char *page;
	cJSON *hello;

	CHECK(fixture_open(&f, (message_io){fake_send, NULL}, NULL) == 0);
	CHECK_STR(plan_lang(&f, f.plan), ""); /* invited: none kept yet */
	a = kiosk_session_open(f.p, &fa, "127.0.0.1");
	type_code(&f, a, &fa, f.code);
	CHECK_STR(plan_lang(&f, f.plan), "en-GB"); /* the language it was opened in */
	fake_reset(&fa);
	handle(a, "{\"type\":\"language\",\"seq\":3,\"lang\":\"cy\"}");
	CHECK(flush(&f) == 0);
	CHECK_STR(what(&fa, 0), "hello cy");
	CHECK_STR(plan_lang(&f, f.plan), "cy");
	kiosk_session_close(a);

	/* Coming back on another kiosk without choosing: hello in Welsh, then the page. */
	b = kiosk_session_open(f.p, &fb, "127.0.0.2");
	type_code(&f, b, &fb, f.code);
	CHECK(fb.n == 2);
	CHECK_STR(what(&fb, 0), "hello cy");
	CHECK(!strncmp(what(&fb, 1), "page ", 5));
	page = what(&fb, 1) + 5;
	CHECK_STR(title_of(&fb, 1), title_in("cy", page));
	hello = sent(&fb, 0);
	CHECK(!cJSON_GetObjectItem(hello, "seq")); /* unasked: the page answers the code */
	cJSON_Delete(hello);
	CHECK_STR(plan_lang(&f, f.plan), "cy");
	kiosk_session_close(b);
	fake_reset(&fa);
	fake_reset(&fb);
	fixture_close(&f);
}

static void a_language_chosen_on_this_visit_should_win_over_the_plans(void)
{
	fixture f;
	fake_conn fa = {.n = 0}, fb = {.n = 0};
	kiosk_session *a, *b;

	CHECK(fixture_open(&f, (message_io){fake_send, NULL}, NULL) == 0);
	a = kiosk_session_open(f.p, &fa, "127.0.0.1");
	type_code(&f, a, &fa, f.code);
	handle(a, "{\"type\":\"language\",\"seq\":3,\"lang\":\"cy\"}");
	CHECK(flush(&f) == 0);
	CHECK_STR(plan_lang(&f, f.plan), "cy");
	kiosk_session_close(a);

	/* Polish chosen first, then the code of a Welsh plan: the page stays Polish */
	b = kiosk_session_open(f.p, &fb, "127.0.0.2");
	handle(b, "{\"type\":\"language\",\"seq\":1,\"lang\":\"pl\"}");
	type_code(&f, b, &fb, f.code);
	CHECK(fb.n == 1);
	CHECK(!strncmp(what(&fb, 0), "page ", 5));
	CHECK_STR(title_of(&fb, 0), title_in("pl", what(&fb, 0) + 5));
	CHECK_STR(plan_lang(&f, f.plan), "pl");
	kiosk_session_close(b);
	fake_reset(&fa);
	fake_reset(&fb);
	fixture_close(&f);
}

static void a_plan_kept_in_a_language_not_offered_should_keep_it(void)
{
	char err[1024];
	languages *some = languages_load(EASYREAD, "cy", PICTURES, err, sizeof(err));
	fixture f;
	fake_conn fc = {.n = 0};
	kiosk_session *s;

	CHECK(some != NULL);
	if (!some)
		return;
	/* a plan written in Urdu, opened on a kiosk that offers English and Welsh only */
	CHECK(fixture_open(&f, (message_io){fake_send, NULL}, NULL) == 0);
	CHECK(kiosk_set_languages(f.p, some, NULL) == 0);
	CHECK(store_plan_set_lang(f.st, f.plan, "ur") == 0);
	s = kiosk_session_open(f.p, &fc, "127.0.0.1");
	type_code(&f, s, &fc, f.code);
	CHECK(fc.n == 1); /* the page, in English: no other hello */
	CHECK(!strncmp(what(&fc, 0), "page ", 5));
	CHECK_STR(title_of(&fc, 0), title_in("en-GB", what(&fc, 0) + 5));
	CHECK_STR(plan_lang(&f, f.plan), "ur"); /* nobody chose English */
	/* choosing one there keeps it */
	handle(s, "{\"type\":\"language\",\"seq\":3,\"lang\":\"cy\"}");
	CHECK(flush(&f) == 0);
	CHECK_STR(plan_lang(&f, f.plan), "cy");
	kiosk_session_close(s);
	fake_reset(&fc);
	fixture_close(&f);
	languages_free(some);
}

static void a_new_plan_should_keep_the_language_it_was_started_in(void)
{
	fixture f;
	fake_conn fc = {.n = 0};
	kiosk_session *s;
	store_plan pl;
	long long newest = 0;

	CHECK(fixture_open(&f, (message_io){fake_send, NULL}, NULL) == 0);
	s = kiosk_session_open(f.p, &fc, "127.0.0.1");
	handle(s, "{\"type\":\"language\",\"seq\":1,\"lang\":\"bn\"}");
	handle(s, "{\"type\":\"new_plan\",\"seq\":2}");
	CHECK(flush(&f) == 0);
	CHECK_STR(what(&fc, fc.n - 1), "page code");
	for (long long id = f.plan + 1; store_plan_get(f.st, id, &pl) == 0; id++)
		newest = id;
	CHECK(newest > f.plan);
	CHECK_STR(plan_lang(&f, newest), "bn");
	kiosk_session_close(s);
	fake_reset(&fc);
	fixture_close(&f);
}

static void the_words_offered_for_typing_should_be_the_languages_without_their_marks(void)
{
	fixture f;
	fake_conn fc = {.n = 0};
	kiosk_session *s;

	CHECK(fixture_open(&f, (message_io){fake_send, NULL}, NULL) == 0);
	s = kiosk_session_open(f.p, &fc, "127.0.0.1");
	for (size_t i = 0; i < languages_count(langs); i++) {
		const char *lang = content_lang(languages_at(langs, i));
		char msg[128];
		cJSON *hello;
		const cJSON *w;
		int words = 0, marked = 0;

		fake_reset(&fc);
		snprintf(msg, sizeof(msg), "{\"type\":\"language\",\"seq\":1,\"lang\":\"%s\"}",
			 lang);
		handle(s, msg);
		hello = sent(&fc, 0);
		CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(hello, "lang")), lang);
		cJSON_ArrayForEach(w, cJSON_GetObjectItem(hello, "words"))
		{
			const char *t = cJSON_GetStringValue(w);

			words++;
			if (t &&
			    (strstr(t, "؟") || strstr(t, "۔") || strstr(t, "،") || strstr(t, "।") ||
			     strchr(t, '.') || strchr(t, ',') || strchr(t, '?'))) {
				if (!marked++)
					fprintf(stderr, "    %s offers \"%s\"\n", lang, t);
			}
		}
		CHECK(words > 100);
		CHECK(marked == 0);
		cJSON_Delete(hello);
	}
	kiosk_session_close(s);
	fake_reset(&fc);
	fixture_close(&f);
}

/* ---- narration in the session's language ---- */

static int wake_fds[2] = {-1, -1};

/* The narrator's thread has something for the loop (as ws.c's lws_cancel_service). */
static void wake(void *ctx)
{
	(void)ctx;
	(void)!write(wake_fds[1], "w", 1);
}

/* Waits (at most ms) until the narrator wakes the loop; 1 if it did. */
static int wait_for_wake_ms(int ms)
{
	struct pollfd pfd = {.fd = wake_fds[0], .events = POLLIN};
	char drain[64];

	if (poll(&pfd, 1, ms) != 1)
		return 0;
	while (read(wake_fds[0], drain, sizeof(drain)) > 0)
		;
	return 1;
}

static int wait_for_wake(void)
{
	return wait_for_wake_ms(30000);
}

static int send_binary(void *conn, const void *head, size_t head_len, const void *data, size_t len)
{
	(void)conn;
	(void)head;
	(void)head_len;
	(void)data;
	(void)len;
	return 0;
}

/* A narrator with the real voices and a new cache folder (dir, a mkdtemp pattern). */
static narrator *narrator_make(voices **vs, char *dir)
{
	char err[256];
	narrator *n;

	*vs = voices_load(PLANALOUD_SOURCE_DIR "/voices", err, sizeof(err));
	if (!*vs || !mkdtemp(dir))
		return NULL;
	n = narrator_open(*vs, dir, 1 << 26, wake, NULL, err, sizeof(err));
	if (!n)
		fprintf(stderr, "  (narrator_open: %s)\n", err);
	return n;
}

static void narrator_remove(narrator *n, voices *vs, const char *dir)
{
	DIR *d;
	struct dirent *e;

	if (n)
		narrator_close(n);
	voices_free(vs);
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

/* Asks for one text to be read and waits for its word timings: the message that carries them
 * all (cJSON_Delete it), or NULL when it failed (the error is shown). */
/* The language the `narration` of id sent to fc says it is read in ("" when none came). */
static const char *read_in(fake_conn *fc, const char *id)
{
	static char lang[16];

	lang[0] = '\0';
	for (int i = 0; i < fc->n; i++) {
		cJSON *m = sent(fc, i);
		const char *type = cJSON_GetStringValue(cJSON_GetObjectItem(m, "type"));
		const char *mid = cJSON_GetStringValue(cJSON_GetObjectItem(m, "id"));
		const char *l = cJSON_GetStringValue(cJSON_GetObjectItem(m, "lang"));

		if (type && !strcmp(type, "narration") && mid && !strcmp(mid, id) && l)
			snprintf(lang, sizeof(lang), "%s", l);
		cJSON_Delete(m);
	}
	return lang;
}

static cJSON *narrated(kiosk *p, kiosk_session *s, fake_conn *fc, const char *id)
{
	char msg[512];

	fake_reset(fc);
	snprintf(msg, sizeof(msg),
		 "{\"type\":\"narrate\",\"seq\":8,\"ids\":[\"%s\"],\"voice\":\"ruth\","
		 "\"speed\":\"normal\"}",
		 id);
	handle(s, msg);
	do {
		kiosk_narrations_ready(p);
		for (int i = 0; i < fc->n; i++) {
			cJSON *m = sent(fc, i);
			const char *type = cJSON_GetStringValue(cJSON_GetObjectItem(m, "type"));
			const char *mid = cJSON_GetStringValue(cJSON_GetObjectItem(m, "id"));

			/* every word: with `narration` from the cache, else with narration_end */
			if (mid && strcmp(mid, id) == 0 && type &&
			    strcmp(type, "narration_words") != 0 &&
			    cJSON_IsArray(cJSON_GetObjectItem(m, "words")))
				return m;
			if (cJSON_IsTrue(cJSON_GetObjectItem(m, "failed")) ||
			    (type && strcmp(type, "error") == 0)) {
				fprintf(stderr, "  %s: %s\n", id, fc->sent[i]);
				cJSON_Delete(m);
				return NULL;
			}
			cJSON_Delete(m);
		}
	} while (wait_for_wake());
	return NULL;
}

/* The words of a narration cut from the text shown (character offsets): "Diolch|Hwyl|fawr".
 * "(outside)" when a word does not lie inside the text, "(backwards)" when one starts before the
 * one before it. */
static const char *words_of(const cJSON *m, const char *shown, char *out, size_t n)
{
	size_t chars = utf8_chars(shown, strlen(shown)), used = 0, last = 0;
	const cJSON *w;

	out[0] = '\0';
	cJSON_ArrayForEach(w, cJSON_GetObjectItem(m, "words"))
	{
		size_t start = (size_t)cJSON_GetNumberValue(cJSON_GetArrayItem(w, 0));
		size_t len = (size_t)cJSON_GetNumberValue(cJSON_GetArrayItem(w, 1));
		const char *from = shown, *to;

		if (start + len > chars || len == 0)
			return "(outside)";
		if (start < last)
			return "(backwards)";
		last = start;
		for (size_t k = 0, l; k < start; k++)
			utf8_decode(from, &l), from += l;
		to = from;
		for (size_t k = 0, l; k < len; k++)
			utf8_decode(to, &l), to += l;
		used += (size_t)snprintf(out + used, n - used, "%s%.*s", used ? "|" : "",
					 (int)(to - from), from);
		if (used >= n)
			break;
	}
	return out;
}

static void narration_should_read_the_language_chosen(void)
{
	const content *cy = languages_find(langs, "cy"), *en = languages_reference(langs);
	char dir[] = "/tmp/planaloud-languages-audio-XXXXXX", words[512];
	voices *vs = NULL;
	narrator *n;
	fixture f;
	fake_conn fc = {.n = 0};
	kiosk_session *s;
	cJSON *m;

	if (pipe(wake_fds) || fcntl(wake_fds[0], F_SETFL, O_NONBLOCK)) {
		CHECK(!"a pipe");
		return;
	}
	n = narrator_make(&vs, dir);
	CHECK(n != NULL);
	CHECK(fixture_open(&f, (message_io){fake_send, send_binary}, NULL) == 0);
	if (!n)
		goto out;
	kiosk_set_narrator(f.p, n);
	s = kiosk_session_open(f.p, &fc, "127.0.0.1");

	m = narrated(f.p, s, &fc, "msg/bye");
	CHECK_STR(words_of(m, content_message(en, "bye"), words, sizeof(words)),
		  "Thank|you|Goodbye");
	cJSON_Delete(m);
	handle(s, "{\"type\":\"language\",\"seq\":2,\"lang\":\"cy\"}");
	m = narrated(f.p, s, &fc, "msg/next");
	CHECK(m != NULL);
	CHECK_STR(words_of(m, content_message(cy, "next"), words, sizeof(words)),
		  content_message(cy, "next"));
	cJSON_Delete(m);
	m = narrated(f.p, s, &fc, "msg/bye");
	CHECK_STR(words_of(m, content_message(cy, "bye"), words, sizeof(words)),
		  "Diolch|Hwyl|fawr");
	cJSON_Delete(m);
	/* a voice's label, as hello gives it in Welsh */
	m = narrated(f.p, s, &fc, "voice/ruth");
	CHECK(m != NULL);
	CHECK(strcmp(words_of(m, content_message(cy, "voice.ruth"), words, sizeof(words)),
		     "(outside)") != 0);
	cJSON_Delete(m);
	/* a language's name, in itself, on any page */
	handle(s, "{\"type\":\"go\",\"seq\":3,\"to\":\"next\"}");
	CHECK_STR(what(&fc, fc.n - 1), "page who");
	m = narrated(f.p, s, &fc, "lang/ur");
	CHECK(m != NULL);
	CHECK_STR(
	    words_of(m, content_language_name(languages_find(langs, "ur")), words, sizeof(words)),
	    content_language_name(languages_find(langs, "ur")));
	cJSON_Delete(m);
	/* ...read in that language's own voice, though the page is in Welsh */
	CHECK_STR(read_in(&fc, "lang/ur"), "ur");
	m = narrated(f.p, s, &fc, "msg/next");
	cJSON_Delete(m);
	CHECK_STR(read_in(&fc, "msg/next"), "cy");
	fake_reset(&fc);
	handle(s, "{\"type\":\"narrate\",\"seq\":9,\"ids\":[\"lang/xx\"],\"voice\":\"ruth\","
		  "\"speed\":\"normal\"}");
	CHECK_STR(all_sent(&fc), "error unknown-text");
	kiosk_session_close(s);
out:
	fake_reset(&fc);
	fixture_close(&f);
	narrator_remove(n, vs, dir);
	close(wake_fds[0]);
	close(wake_fds[1]);
}

static void hello_should_give_the_voices_labels_in_the_language(void)
{
	const content *cy = languages_find(langs, "cy");
	char dir[] = "/tmp/planaloud-languages-audio-XXXXXX";
	voices *vs = NULL;
	narrator *n;
	const view_kiosk k = {.idle_seconds = 120, .warn_seconds = 30, .max_message = 4096};
	cJSON *hello;
	const cJSON *v;

	if (pipe(wake_fds)) {
		CHECK(!"a pipe");
		return;
	}
	n = narrator_make(&vs, dir);
	CHECK(vs != NULL);
	if (!vs)
		goto out;
	hello = view_hello(cy, langs, vs, &k);
	CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(hello, "voices")) == (int)voices_count(vs));
	cJSON_ArrayForEach(v, cJSON_GetObjectItem(hello, "voices"))
	{
		const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(v, "name"));
		char key[64], id[64];

		snprintf(key, sizeof(key), "voice.%s", name ? name : "");
		snprintf(id, sizeof(id), "voice/%s", name ? name : "");
		CHECK(content_message(cy, key) != NULL);
		CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(v, "label")),
			  content_message(cy, key));
		CHECK_STR(
		    cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(v, "text"), "id")),
		    id);
	}
	cJSON_Delete(hello);
out:
	narrator_remove(n, vs, dir);
	close(wake_fds[0]);
	close(wake_fds[1]);
}

/* ---- reading ahead ---- */

/* The texts the kiosk reads ahead in all, once per voice. */
static size_t read_ahead_total(const kiosk *p)
{
	size_t done, total;

	kiosk_prerender_progress(p, &done, &total);
	return total;
}

/* How many texts, once per voice, a kiosk starting in each language reads ahead at first. */
static void read_ahead_of_each(narrator *n, size_t *each)
{
	for (size_t i = 0; i < languages_count(langs); i++) {
		fixture f;

		each[i] = 0;
		if (fixture_open(&f, (message_io){fake_send, send_binary},
				 content_lang(languages_at(langs, i))))
			continue;
		kiosk_set_narrator(f.p, n);
		kiosk_prerender(f.p);
		each[i] = read_ahead_total(f.p);
		narrator_forget(n, f.p); /* what it asked for is not for the next kiosk */
		fixture_close(&f);
	}
}

static void reading_ahead_should_start_with_the_start_language_and_add_each_one_chosen(void)
{
	size_t each[LANGUAGES_MAX], sum = 0;
	size_t en = (size_t)languages_index(langs, "en-GB"),
	       cy = (size_t)languages_index(langs, "cy"), ur = (size_t)languages_index(langs, "ur");
	char dir[] = "/tmp/planaloud-languages-audio-XXXXXX";
	voices *vs = NULL;
	narrator *n;
	fixture f;
	fake_conn fa = {.n = 0}, fb = {.n = 0}, fc = {.n = 0};
	kiosk_session *a, *b, *c;

	if (pipe(wake_fds) || fcntl(wake_fds[0], F_SETFL, O_NONBLOCK)) {
		CHECK(!"a pipe");
		return;
	}
	n = narrator_make(&vs, dir);
	CHECK(n != NULL);
	if (!n)
		goto out;
	read_ahead_of_each(n, each);
	for (size_t i = 0; i < languages_count(langs); i++) {
		CHECK(each[i] > 0);
		CHECK(each[i] % voices_count(vs) == 0); /* every text in every voice */
		sum += each[i];
	}

	CHECK(fixture_open(&f, (message_io){fake_send, send_binary}, NULL) == 0);
	kiosk_set_narrator(f.p, n);
	kiosk_prerender(f.p);
	CHECK(read_ahead_total(f.p) == each[en]); /* English only, so far */
	/* someone chooses Welsh: Welsh too */
	a = kiosk_session_open(f.p, &fa, "127.0.0.1");
	handle(a, "{\"type\":\"language\",\"seq\":1,\"lang\":\"cy\"}");
	CHECK(read_ahead_total(f.p) == each[en] + each[cy]);
	/* someone else chooses it again, or English: nothing more */
	b = kiosk_session_open(f.p, &fb, "127.0.0.2");
	handle(b, "{\"type\":\"language\",\"seq\":1,\"lang\":\"cy\"}");
	handle(b, "{\"type\":\"language\",\"seq\":2,\"lang\":\"en-GB\"}");
	CHECK(read_ahead_total(f.p) == each[en] + each[cy]);
	/* a plan kept in Urdu, opened with its code: Urdu too */
	type_code(&f, b, &fb, f.code);
	handle(b, "{\"type\":\"language\",\"seq\":3,\"lang\":\"ur\"}");
	CHECK(flush(&f) == 0);
	CHECK(read_ahead_total(f.p) == each[en] + each[cy] + each[ur]);
	c = kiosk_session_open(f.p, &fc, "127.0.0.3");
	type_code(&f, c, &fc, f.code);
	CHECK_STR(what(&fc, 0), "hello ur");
	CHECK(read_ahead_total(f.p) == each[en] + each[cy] + each[ur]);
	/* --read-ahead all: every language */
	kiosk_read_ahead_all(f.p);
	CHECK(read_ahead_total(f.p) == sum);
	kiosk_session_close(a);
	kiosk_session_close(b);
	kiosk_session_close(c);
	narrator_forget(n, f.p);
	fixture_close(&f);
out:
	fake_reset(&fa);
	fake_reset(&fb);
	fake_reset(&fc);
	narrator_remove(n, vs, dir);
	close(wake_fds[0]);
	close(wake_fds[1]);
}

/* A copy of easyread/ with English, Welsh and Polish whose voice eSpeak does not have ("zz"):
 * every text read ahead comes back at once without sound, so the whole reading is quick. Into
 * root (a mkdtemp pattern); the languages, or NULL. */
static languages *voiceless_copy(char *root)
{
	static const char *const tags[] = {"en-GB", "cy", "pl"};
	char path[512], from[512], err[1024];
	languages *l = NULL;

	if (!mkdtemp(root))
		return NULL;
	for (size_t i = 0; i < sizeof(tags) / sizeof(*tags); i++) {
		DIR *d;
		struct dirent *e;

		snprintf(path, sizeof(path), "%s/%s", root, tags[i]);
		snprintf(from, sizeof(from), "%s/%s", EASYREAD, tags[i]);
		if (mkdir(path, 0700) || !(d = opendir(from)))
			return NULL;
		while ((e = readdir(d))) {
			char a[768], b[768], line[4096];
			FILE *in, *out;

			if (e->d_name[0] == '.')
				continue;
			snprintf(a, sizeof(a), "%s/%s", from, e->d_name);
			snprintf(b, sizeof(b), "%s/%s", path, e->d_name);
			in = fopen(a, "r");
			out = fopen(b, "w");
			while (in && out && fgets(line, sizeof(line), in))
				fputs(strncmp(line, "voice:", 6) == 0 ? "voice: zz\n" : line, out);
			if (in)
				fclose(in);
			if (out)
				fclose(out);
		}
		closedir(d);
	}
	snprintf(path, sizeof(path), "%s/codewords.txt", root);
	{
		FILE *in = fopen(EASYREAD "/codewords.txt", "r"), *out = fopen(path, "w");
		char line[256];

		while (in && out && fgets(line, sizeof(line), in))
			fputs(line, out);
		if (in)
			fclose(in);
		if (out)
			fclose(out);
	}
	l = languages_load(root, NULL, PICTURES, err, sizeof(err));
	if (!l)
		fprintf(stderr, "  (the copy: %s)\n", err);
	return l;
}

static void remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char path[768];
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			remove_tree(path);
		else
			unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

/* Hands what the narrator has made to the kiosk until every text is read, checking the count
 * never passes the total; then waits for the narrator to stay quiet a moment and checks it
 * still has not. 1 when it was read whole. */
static int read_to_the_end(kiosk *p)
{
	size_t done = 0, total = 1;
	int ok = 1;

	do {
		kiosk_narrations_ready(p);
		kiosk_prerender_progress(p, &done, &total);
		ok &= done <= total;
	} while (done < total && wait_for_wake());
	while (wait_for_wake_ms(200)) /* anything still on its way */
		kiosk_narrations_ready(p);
	kiosk_prerender_progress(p, &done, &total);
	if (!ok || done != total)
		fprintf(stderr, "    %zu texts read of %zu\n", done, total);
	return ok && done == total;
}

static void reading_ahead_should_read_each_text_once_whatever_order_languages_are_chosen_in(void)
{
	char root[] = "/tmp/planaloud-voiceless-XXXXXX", dir[] = "/tmp/planaloud-audio-XXXXXX";
	languages *l = voiceless_copy(root);
	voices *vs = NULL;
	narrator *n = NULL;
	kiosk_config cfg = {.idle_seconds = 120, .warn_seconds = 30};
	store *st = NULL;
	kiosk *p = NULL;
	fake_conn fa = {.n = 0}, fb = {.n = 0};
	kiosk_session *a, *b;
	size_t welsh;
	char err[256];

	CHECK(l != NULL);
	if (!l || pipe(wake_fds) || fcntl(wake_fds[0], F_SETFL, O_NONBLOCK))
		goto out;
	n = narrator_make(&vs, dir);
	st = store_open(":memory:", err, sizeof(err));
	CHECK(n != NULL && st != NULL);
	if (!n || !st)
		goto out;
	p = kiosk_new(languages_reference(l), st, zero_key, &cfg,
		      (message_io){fake_send, send_binary});
	CHECK(p && kiosk_set_languages(p, l, "cy") == 0);
	if (!p)
		goto out;
	kiosk_set_narrator(p, n);
	kiosk_prerender(p);
	welsh = read_ahead_total(p);
	CHECK(read_to_the_end(p));
	/* English comes before Welsh, Polish after: each read once, Welsh not again */
	a = kiosk_session_open(p, &fa, "127.0.0.1");
	b = kiosk_session_open(p, &fb, "127.0.0.2");
	handle(a, "{\"type\":\"language\",\"seq\":1,\"lang\":\"en-GB\"}");
	handle(b, "{\"type\":\"language\",\"seq\":1,\"lang\":\"pl\"}");
	CHECK(read_ahead_total(p) > welsh);
	CHECK(read_to_the_end(p));
	kiosk_session_close(a);
	kiosk_session_close(b);
out:
	kiosk_free(p);
	store_close(st);
	fake_reset(&fa);
	fake_reset(&fb);
	narrator_remove(n, vs, dir);
	languages_free(l);
	remove_tree(root);
	if (wake_fds[0] >= 0) {
		close(wake_fds[0]);
		close(wake_fds[1]);
	}
}

int main(void)
{
	char err[1024];

	setvbuf(stdout, NULL, _IOLBF, 0);
	langs = languages_load(EASYREAD, NULL, PICTURES, err, sizeof(err));
	if (!langs) {
		fprintf(stderr, "test_kiosk_languages: the content did not load: %s\n", err);
		CHECK(langs != NULL);
		return check_report();
	}
	RUN(hello_should_offer_every_language_named_in_itself);
	RUN(hello_should_carry_no_message_of_the_staff_pages);
	RUN(a_kiosk_may_start_its_pages_in_another_language);
	RUN(choosing_welsh_should_send_hello_in_welsh_then_the_same_page);
	RUN(a_language_that_is_not_offered_should_get_the_plain_error_and_change_nothing);
	RUN(the_plan_should_keep_the_language_and_open_in_it_with_the_code);
	RUN(a_language_chosen_on_this_visit_should_win_over_the_plans);
	RUN(a_plan_kept_in_a_language_not_offered_should_keep_it);
	RUN(a_new_plan_should_keep_the_language_it_was_started_in);
	RUN(the_words_offered_for_typing_should_be_the_languages_without_their_marks);
	RUN(hello_should_give_the_voices_labels_in_the_language);
	RUN(narration_should_read_the_language_chosen);
	RUN(reading_ahead_should_start_with_the_start_language_and_add_each_one_chosen);
	RUN(reading_ahead_should_read_each_text_once_whatever_order_languages_are_chosen_in);
	languages_free(langs);
	return check_report();
}
