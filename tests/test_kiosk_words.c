/* test_kiosk_words: the words the on-screen keyboard offers (server/kiosk_words.c): the content's
 * in hello, the person's own with each page they type on, and which of them narrate may read. The
 * kiosk's protocol without a network, on SQLite in memory, as in test_kiosk.c. */
#include "check.h"
#include "fake_conn.h"
#include "code.h"
#include "content.h"
#include "kiosk.h"
#include "store.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

static content *ct;
static const unsigned char zero_key[CODE_KEY_BYTES];

typedef struct fixture {
	store *st;
	kiosk *p;
	fake_conn fc;
	kiosk_session *s;
} fixture;

static int fixture_open(fixture *f, int keyboard)
{
	kiosk_config cfg = {.idle_seconds = 120,
			    .warn_seconds = 30,
			    .address_failures = 20,
			    .address_window = 600,
			    .keyboard = keyboard};
	char err[256];

	memset(f, 0, sizeof(*f));
	if (!(f->st = store_open(":memory:", err, sizeof(err))))
		return -1;
	if (!(f->p = kiosk_new(ct, f->st, zero_key, &cfg, (message_io){fake_send, NULL})))
		return -1;
	f->s = kiosk_session_open(f->p, &f->fc, "127.0.0.1");
	return f->s ? 0 : -1;
}

static void fixture_close(fixture *f)
{
	kiosk_session_close(f->s);
	fake_reset(&f->fc);
	kiosk_free(f->p);
	store_close(f->st);
}

/* Handles msg, commits the batch, and returns the last message sent (cJSON_Delete it). */
static cJSON *send_msg(fixture *f, const char *msg)
{
	char err[256];

	fake_reset(&f->fc);
	kiosk_handle(f->s, msg, strlen(msg), 0);
	kiosk_flush(f->p, err, sizeof(err));
	return f->fc.n ? cJSON_Parse(f->fc.sent[f->fc.n - 1]) : NULL;
}

static const char *str_of(const cJSON *o, const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
}

/* 1 when the page description's "words" has the text object word/<w> with text w. */
static int page_offers(const cJSON *m, const char *w)
{
	const cJSON *words =
	    cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItem(m, "page"), "words");
	const cJSON *o;
	char id[64];

	snprintf(id, sizeof(id), "word/%s", w);
	cJSON_ArrayForEach(o, words)
	{
		if (str_of(o, "id") && strcmp(str_of(o, "id"), id) == 0 && str_of(o, "text") &&
		    strcmp(str_of(o, "text"), w) == 0)
			return 1;
	}
	return 0;
}

/* The error code narrate gets for id ("no-sound" when it may be read: these tests have no voice).
 */
static const char *narrate_code(fixture *f, const char *id)
{
	static char code[32];
	char msg[256];
	cJSON *m;

	snprintf(msg, sizeof(msg),
		 "{\"type\":\"narrate\",\"seq\":9,\"ids\":[\"%s\"],\"voice\":\"ruth\","
		 "\"speed\":\"normal\"}",
		 id);
	m = send_msg(f, msg);
	snprintf(code, sizeof(code), "%s", str_of(m, "code") ? str_of(m, "code") : "");
	cJSON_Delete(m);
	return code;
}

static void hello_should_carry_the_contents_words_and_how_the_keyboard_shows(void)
{
	fixture f;
	cJSON *hello;
	const cJSON *words, *w;
	int support = 0, bold = 0;

	CHECK(fixture_open(&f, 0) == 0);
	hello = cJSON_Parse(f.fc.sent[0]);
	CHECK_STR(str_of(hello, "type"), "hello");
	CHECK_STR(str_of(cJSON_GetObjectItem(hello, "kiosk"), "keyboard"), "ask");
	words = cJSON_GetObjectItem(hello, "words");
	CHECK(cJSON_GetArraySize(words) > 100);
	cJSON_ArrayForEach(w, words)
	{
		support += strcmp(cJSON_GetStringValue(w), "support") == 0;
		bold += strchr(cJSON_GetStringValue(w), '*') != NULL;
	}
	CHECK(support == 1); /* a word of the pages, once, in small letters */
	CHECK(bold == 0);
	cJSON_Delete(hello);
	fixture_close(&f);

	CHECK(fixture_open(&f, 1) == 0);
	hello = cJSON_Parse(f.fc.sent[0]);
	CHECK_STR(str_of(cJSON_GetObjectItem(hello, "kiosk"), "keyboard"), "on");
	cJSON_Delete(hello);
	fixture_close(&f);
}

static void a_page_to_type_on_should_offer_the_persons_own_words_but_not_private_ones(void)
{
	fixture f;
	cJSON *m;

	CHECK(fixture_open(&f, 0) == 0);
	/* Someone helping, whose name is private, then a plan of their own. */
	cJSON_Delete(
	    send_msg(&f, "{\"type\":\"answer\",\"seq\":1,\"page\":\"who\",\"value\":\"helper\"}"));
	m = send_msg(&f, "{\"type\":\"answer\",\"seq\":2,\"page\":\"helper-name\","
			 "\"value\":\"Zebedee Quornby\"}");
	CHECK_STR(str_of(m, "type"), "kept");
	cJSON_Delete(m);
	cJSON_Delete(send_msg(&f, "{\"type\":\"new_plan\",\"seq\":3}"));
	m = send_msg(&f, "{\"type\":\"answer\",\"seq\":4,\"page\":\"like-admire\","
			 "\"value\":\"I make people laugh with my ukulele.\"}");
	CHECK_STR(str_of(m, "type"), "saved");
	cJSON_Delete(m);

	m = send_msg(&f, "{\"type\":\"go\",\"to\":\"important-people\"}");
	CHECK_STR(str_of(cJSON_GetObjectItem(m, "page"), "id"), "important-people");
	CHECK(page_offers(m, "ukulele"));
	CHECK(page_offers(m, "laugh"));
	CHECK(!page_offers(m, "zebedee"));
	CHECK(!page_offers(m, "quornby"));
	CHECK(!page_offers(m, "helper")); /* the value of an option chosen, not words typed */
	cJSON_Delete(m);

	/* Read aloud: the person's own word on this page, a word of the content; not the private
	 * name, nor a word of neither, nor a word written otherwise than offered. */
	CHECK_STR(narrate_code(&f, "word/ukulele"), "no-sound");
	CHECK_STR(narrate_code(&f, "word/support"), "no-sound");
	CHECK_STR(narrate_code(&f, "word/quornby"), "unknown-text");
	CHECK_STR(narrate_code(&f, "word/xylophonic"), "unknown-text");
	CHECK_STR(narrate_code(&f, "word/Support"), "unknown-text");
	CHECK_STR(narrate_code(&f, "word/"), "unknown-text");
	CHECK_STR(narrate_code(&f, "word/support/1"), "unknown-text");

	/* A page with nothing to type on offers nothing of the person's. */
	m = send_msg(&f, "{\"type\":\"go\",\"to\":\"carer\"}");
	CHECK_STR(str_of(cJSON_GetObjectItem(m, "page"), "id"), "carer");
	CHECK(cJSON_GetObjectItem(cJSON_GetObjectItem(m, "page"), "words") == NULL);
	cJSON_Delete(m);
	/* and the person's own words were of the page that offered them */
	CHECK_STR(narrate_code(&f, "word/ukulele"), "unknown-text");
	fixture_close(&f);
}

int main(void)
{
	char err[512];

	ct = content_load(PLANALOUD_SOURCE_DIR "/easyread", "en-GB",
			  PLANALOUD_SOURCE_DIR "/web/pictures", err, sizeof(err));
	if (!ct) {
		fprintf(stderr, "content_load: %s\n", err);
		return 1;
	}
	RUN(hello_should_carry_the_contents_words_and_how_the_keyboard_shows);
	RUN(a_page_to_type_on_should_offer_the_persons_own_words_but_not_private_ones);
	content_free(ct);
	return check_report();
}
