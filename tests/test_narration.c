/* Narration through the real server: a page's texts read aloud, as word timings and a binary
 * frame of audio, from a real eSpeak NG, and every kind of bad narration request refused. */
#include "check.h"
#include "wsclient.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define WAIT_MS 10000
#define HOST	"127.0.0.1"

static testsrv srv;

/* Connects and reads hello and the welcome page. */
static wsclient *welcome(void)
{
	wsclient *c = wsclient_connect(HOST, srv.port, NULL);
	cJSON *m;

	if (!c)
		return NULL;
	cJSON_Delete(wsclient_recv_json(c, WAIT_MS)); /* hello */
	m = wsclient_recv_json(c, WAIT_MS);	      /* the welcome page */
	CHECK(json_str(m, "page.id") && strcmp(json_str(m, "page.id"), "welcome") == 0);
	cJSON_Delete(m);
	return c;
}

/* Reads one narration: `narration`, its audio frames and `narration_words`, `narration_end`.
 * Returns the first message with the end's samples, duration_ms and words added, "frames": how
 * many audio frames came, each starting with the narration's n, and "early_words": how many words
 * came in narration_words before the end (checked to be the first of the end's words, in order);
 * *bytes is the audio without those 4-byte heads. */
static cJSON *read_narration(wsclient *c, size_t *bytes)
{
	cJSON *m = wsclient_recv_json(c, WAIT_MS), *end = NULL, *early;
	int frames = 0, bad_head = 0, bad_words = 0;
	unsigned n;

	*bytes = 0;
	if (!m || strcmp(json_str(m, "type") ? json_str(m, "type") : "", "narration") != 0 ||
	    json_bool(m, "failed") == 1)
		return m;
	early = cJSON_CreateArray();
	n = (unsigned)json_num(m, "n", -1);
	for (;;) {
		char *data = NULL;
		size_t len = 0;
		int binary = 0;

		if (wsclient_recv(c, WAIT_MS, &data, &len, &binary) != 1)
			break;
		if (binary) {
			const unsigned char *h = (const unsigned char *)data;

			frames++;
			if (len < 4 || (h[0] | h[1] << 8 | h[2] << 16 | (unsigned)h[3] << 24) != n)
				bad_head++;
			else
				*bytes += len - 4;
			free(data);
			continue;
		}
		end = cJSON_Parse(data);
		free(data);
		if (end && json_str(end, "type") &&
		    !strcmp(json_str(end, "type"), "narration_words")) {
			cJSON *w = cJSON_GetObjectItemCaseSensitive(end, "words"), *x;

			if (json_num(end, "n", -2) != (double)n || !cJSON_IsArray(w) ||
			    !cJSON_GetArraySize(w))
				bad_words++;
			cJSON_ArrayForEach(x, w) cJSON_AddItemToArray(early, cJSON_Duplicate(x, 1));
			cJSON_Delete(end);
			end = NULL;
			continue;
		}
		break;
	}
	CHECK(bad_head == 0 && bad_words == 0);
	if (end) { /* the words that came early are the first of all the words, as they were */
		const cJSON *all = cJSON_GetObjectItemCaseSensitive(end, "words");

		CHECK(cJSON_GetArraySize(early) <= cJSON_GetArraySize(all));
		for (int i = 0; i < cJSON_GetArraySize(early) && i < cJSON_GetArraySize(all); i++)
			CHECK(cJSON_Compare(cJSON_GetArrayItem(early, i),
					    cJSON_GetArrayItem(all, i), 1));
	}
	CHECK(end && json_str(end, "type") && strcmp(json_str(end, "type"), "narration_end") == 0);
	CHECK(json_num(end, "n", -2) == (double)n);
	if (end) {
		const char *keep[] = {"samples", "duration_ms", "words", "failed"};

		for (size_t i = 0; i < sizeof(keep) / sizeof(*keep); i++) {
			cJSON *v = cJSON_DetachItemFromObjectCaseSensitive(end, keep[i]);

			if (v)
				cJSON_AddItemToObject(m, keep[i], v);
		}
	}
	cJSON_AddNumberToObject(m, "frames", frames);
	cJSON_AddNumberToObject(m, "early_words", cJSON_GetArraySize(early));
	cJSON_Delete(early);
	cJSON_Delete(end);
	return m;
}

static void listen_should_bring_word_timings_and_audio_for_each_text(void)
{
	wsclient *c = welcome();
	size_t bytes;
	cJSON *m;

	CHECK(wsclient_send_text(
		  c, "{\"type\":\"narrate\",\"seq\":5,\"ids\":[\"welcome/title\","
		     "\"welcome/say/1\"],\"voice\":\"ruth\",\"speed\":\"normal\"}") == 0);
	for (int k = 0; k < 2; k++) {
		m = read_narration(c, &bytes);
		CHECK(json_num(m, "seq", -1) == 5);
		CHECK(json_bool(m, "failed") != 1);
		CHECK(json_num(m, "samples", 0) > 0);
		CHECK(bytes == (size_t)json_num(m, "samples", 0) * 2); /* 16-bit samples */
		CHECK(json_num(m, "duration_ms", 0) > 300 && json_num(m, "duration_ms", 0) < 20000);
		CHECK(json_count(m, "words") >= 1);
		cJSON_Delete(m);
	}
	wsclient_free(c);
}

static void the_second_time_a_text_should_come_from_the_cache(void)
{
	wsclient *c = welcome();
	const char *ask = "{\"type\":\"narrate\",\"seq\":1,\"ids\":[\"welcome/title\"],"
			  "\"voice\":\"david\",\"speed\":\"slower\"}";
	size_t first_bytes, second_bytes;
	cJSON *a, *b;

	wsclient_send_text(c, ask);
	a = read_narration(c, &first_bytes);
	wsclient_send_text(c, ask);
	b = read_narration(c, &second_bytes);
	CHECK(json_bool(a, "cached") == 0);
	CHECK(json_bool(b, "cached") == 1);
	CHECK(first_bytes > 0 && first_bytes == second_bytes);
	cJSON_Delete(a);
	cJSON_Delete(b);
	wsclient_free(c);
}

/* Audio not in the cache starts on its way while the rest is still being made. */
static void a_text_not_yet_said_should_come_in_pieces_that_add_up(void)
{
	wsclient *c = welcome();
	size_t bytes;
	cJSON *m;

	wsclient_send_text(c,
			   "{\"type\":\"narrate\",\"ids\":[\"welcome/say/2\"],\"voice\":\"david\","
			   "\"speed\":\"slower\"}");
	m = read_narration(c, &bytes);
	CHECK(json_bool(m, "cached") == 0);
	CHECK(json_num(m, "frames", 0) >= 3); /* 100 ms first, then the two sentences' rest */
	CHECK(bytes > 0 && bytes == (size_t)json_num(m, "samples", 0) * 2);
	CHECK(json_count(m, "words") >= 3);
	/* "You can listen to each page." is highlighted before the end of the text comes */
	CHECK(json_num(m, "early_words", 0) >= 6);
	cJSON_Delete(m);
	wsclient_free(c);
}

/* hello's speeds, slowest first, each with its words for the page's button, and each said in
 * clearly less time than the one before. */
static void each_speed_in_hello_should_be_labelled_and_quicker_than_the_one_before(void)
{
	wsclient *c = wsclient_connect(HOST, srv.port, NULL);
	cJSON *hello = c ? wsclient_recv_json(c, WAIT_MS) : NULL, *page = NULL;
	const cJSON *speeds = json_at(hello, "speeds"), *s;
	size_t before = 0, slower = 0, faster = 0;
	const char *first, *middle;
	int n = 0;

	CHECK(json_count(hello, "speeds") == 5);
	page = c ? wsclient_recv_json(c, WAIT_MS) : NULL; /* the welcome page */
	cJSON_ArrayForEach(s, speeds)
	{
		char path[128], ask[256];
		const char *label;
		size_t bytes = 0;
		cJSON *m;

		snprintf(path, sizeof(path), "narration.%s", s->valuestring);
		label = json_str(cJSON_GetObjectItemCaseSensitive(json_at(hello, "messages"), path),
				 "text");
		CHECK(label && strlen(label) > 2);
		snprintf(ask, sizeof(ask),
			 "{\"type\":\"narrate\",\"ids\":[\"welcome/say/1\"],\"voice\":\"ruth\","
			 "\"speed\":\"%s\"}",
			 s->valuestring);
		wsclient_send_text(c, ask);
		m = read_narration(c, &bytes);
		CHECK(bytes > 0 && (n == 0 || bytes * 100 < before * 95));
		if (!strcmp(s->valuestring, "slower"))
			slower = bytes;
		if (!strcmp(s->valuestring, "faster"))
			faster = bytes;
		before = bytes;
		n++;
		cJSON_Delete(m);
	}
	CHECK(n == 5 && slower > 0 && faster > 0 && faster * 100 < slower * 80);
	first = json_str(hello, "speeds.0");
	middle = json_str(hello, "speeds.2");
	CHECK(first && !strcmp(first, "slowest") && middle && !strcmp(middle, "normal"));
	cJSON_Delete(page);
	cJSON_Delete(hello);
	wsclient_free(c);
}

static int refused_with(wsclient *c, const char *msg, const char *code)
{
	cJSON *m = wsclient_ask(c, msg, WAIT_MS);
	int ok = m && json_str(m, "code") && strcmp(json_str(m, "code"), code) == 0 &&
		 json_str(m, "message") && strlen(json_str(m, "message")) > 10;

	if (!ok)
		fprintf(stderr, "    %s -> not %s\n", msg, code);
	cJSON_Delete(m);
	return ok;
}

static void bad_narration_requests_should_be_refused_plainly(void)
{
	wsclient *c = welcome();
	char many[8192];
	size_t n = 0;

	CHECK(
	    refused_with(c,
			 "{\"type\":\"narrate\",\"ids\":[\"like-admire/title\"],\"voice\":\"ruth\","
			 "\"speed\":\"normal\"}",
			 "unknown-text")); /* not on this page */
	CHECK(
	    refused_with(c,
			 "{\"type\":\"narrate\",\"ids\":[\"msg/timeout.body\"],\"voice\":\"ruth\","
			 "\"speed\":\"normal\"}",
			 "unknown-text")); /* it has a {blank} */
	CHECK(refused_with(c,
			   "{\"type\":\"narrate\",\"ids\":[\"welcome/title\"],\"voice\":\"hal\","
			   "\"speed\":\"normal\"}",
			   "bad-voice"));
	CHECK(refused_with(c,
			   "{\"type\":\"narrate\",\"ids\":[\"welcome/title\"],\"voice\":\"ruth\","
			   "\"speed\":\"ludicrous\"}",
			   "bad-voice"));
	CHECK(refused_with(
	    c, "{\"type\":\"narrate\",\"ids\":[],\"voice\":\"ruth\",\"speed\":\"normal\"}",
	    "bad-message"));
	CHECK(refused_with(c,
			   "{\"type\":\"narrate\",\"ids\":\"welcome/title\",\"voice\":\"ruth\","
			   "\"speed\":\"normal\"}",
			   "bad-message"));
	n += (size_t)snprintf(many, sizeof(many),
			      "{\"type\":\"narrate\",\"voice\":\"ruth\","
			      "\"speed\":\"normal\",\"ids\":[");
	for (int i = 0; i < 65; i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n, "%s\"welcome/title\"",
				      i ? "," : "");
	snprintf(many + n, sizeof(many) - n, "]}");
	CHECK(refused_with(c, many, "bad-message"));
	wsclient_free(c);
}

static void a_flood_of_requests_should_meet_a_bounded_queue_and_the_server_should_go_on(void)
{
	wsclient *c = welcome();
	char body[256];
	int busy = 0, narrations = 0, marked = 0;

	/* 10 requests of 10 texts each: more than one session may have waiting */
	for (int i = 0; i < 10; i++)
		wsclient_send_text(
		    c, "{\"type\":\"narrate\",\"voice\":\"ruth\",\"speed\":\"faster\","
		       "\"ids\":[\"welcome/title\",\"welcome/say/1\",\"welcome/say/2\","
		       "\"welcome/title\",\"welcome/say/1\",\"welcome/say/2\",\"welcome/title\","
		       "\"welcome/say/1\",\"welcome/say/2\",\"welcome/title\"]}");
	wsclient_send_text(c, "{\"type\":\"narrate_stop\"}");
	/* Then one more, marked: once it has been read, the flood has been dealt with. */
	wsclient_send_text(c, "{\"type\":\"narrate\",\"seq\":9999,\"voice\":\"ruth\","
			      "\"speed\":\"faster\",\"ids\":[\"welcome/title\"]}");
	for (;;) {
		char *data = NULL;
		size_t len;
		int binary, last;

		if (wsclient_recv(c, WAIT_MS, &data, &len, &binary) != 1)
			break;
		last = !binary && strstr(data, "\"seq\":9999") &&
		       (strstr(data, "\"narration_end\"") || strstr(data, "\"error\""));
		if (!binary && strstr(data, "\"busy\""))
			busy++;
		if (!binary && strstr(data, "\"narration_end\""))
			narrations++;
		free(data);
		if (last) {
			marked = 1;
			break;
		}
	}
	CHECK(marked);
	CHECK(busy + narrations > 0);
	CHECK(http_get(srv.port, "/healthz", NULL, 0, body, sizeof(body)) == 200);
	wsclient_free(c);
}

/* Every fixed easy-read text is read into the cache at start-up, so nobody waits for it. */
static void fixed_texts_should_be_ready_before_anyone_asks(void)
{
	char body[256];
	wsclient *c;
	size_t bytes;
	cJSON *m, *h = NULL;
	int ready = 0;

	/* However long start-up takes here (the watchdog stops a server that never gets there). */
	while (!ready) {
		struct timespec ts = {0, 20000000};

		if (http_get(srv.port, "/healthz", NULL, 0, body, sizeof(body)) == 200 &&
		    (h = cJSON_Parse(body))) {
			ready = json_num(h, "texts", 0) > 0 &&
				json_num(h, "prerendered", -1) == json_num(h, "texts", 0);
			cJSON_Delete(h);
		}
		if (!ready)
			nanosleep(&ts, NULL);
	}
	CHECK(ready);
	c = welcome();
	wsclient_send_text(c,
			   "{\"type\":\"narrate\",\"ids\":[\"welcome/say/3\"],\"voice\":\"david\","
			   "\"speed\":\"normal\"}");
	m = read_narration(c, &bytes);
	CHECK(json_bool(m, "cached") == 1); /* the first time anyone asked */
	CHECK(bytes > 0);
	cJSON_Delete(m);
	wsclient_free(c);
}

static void a_message_without_blanks_should_be_readable_on_any_page(void)
{
	wsclient *c = welcome();
	size_t bytes;
	cJSON *m;

	wsclient_send_text(c, "{\"type\":\"narrate\",\"seq\":3,\"ids\":[\"msg/saved\"],"
			      "\"voice\":\"ruth\",\"speed\":\"normal\"}");
	m = read_narration(c, &bytes);
	CHECK(json_str(m, "id") && strcmp(json_str(m, "id"), "msg/saved") == 0);
	CHECK(bytes > 0);
	cJSON_Delete(m);
	wsclient_free(c);
}

/* Asks for one text; 1 when it is read (a `narration` that did not fail, and its audio). */
static int read_aloud(wsclient *c, const char *id)
{
	char msg[256];
	size_t bytes = 0;
	cJSON *m;
	int ok;

	snprintf(msg, sizeof(msg),
		 "{\"type\":\"narrate\",\"seq\":40,\"ids\":[\"%s\"],\"voice\":\"ruth\","
		 "\"speed\":\"normal\"}",
		 id);
	CHECK(wsclient_send_text(c, msg) == 0);
	m = read_narration(c, &bytes);
	ok = m && json_str(m, "type") && strcmp(json_str(m, "type"), "narration") == 0 &&
	     json_bool(m, "failed") != 1 && bytes > 0;
	cJSON_Delete(m);
	return ok;
}

/* Says whether this session listens privately; 1 when the reply says private_aloud is `want`. */
static int listening(wsclient *c, const char *what, int want)
{
	cJSON *m = wsclient_askf(c, WAIT_MS, "{\"type\":\"listening\",\"seq\":41,%s}", what);
	int ok = m && json_str(m, "type") && strcmp(json_str(m, "type"), "listening") == 0 &&
		 json_num(m, "seq", -1) == 41 && json_bool(m, "private_aloud") == want;

	cJSON_Delete(m);
	return ok;
}

#define NARRATE(first, id)                                                                         \
	"{\"type\":\"narrate\",\"seq\":42,\"ids\":[\"" first "\",\"" id "\"],"                     \
	"\"voice\":\"ruth\",\"speed\":\"normal\"}"

/* A new plan, "Is anyone hurting you?" answered yes, and its check page shown. Returns the
 * code page's description (with the code's pieces), or NULL. */
static cJSON *private_things(wsclient *c)
{
	cJSON *code = wsclient_ask(c, "{\"type\":\"new_plan\",\"seq\":1}", WAIT_MS), *m;

	CHECK(code && json_str(code, "page.code") &&
	      json_bool(code, "page.code_text.0.private") == 1);
	m = wsclient_ask(c, "{\"type\":\"answer\",\"seq\":2,\"page\":\"unsafe\",\"value\":\"yes\"}",
			 WAIT_MS);
	CHECK(json_is_msg(m, "saved", "unsafe"));
	cJSON_Delete(m);
	m = wsclient_ask(c, "{\"type\":\"go\",\"seq\":3,\"to\":\"check\"}", WAIT_MS);
	CHECK(json_is_msg(m, "page", "check"));
	/* the answer about being hurt is marked private, with an id of its own */
	CHECK(json_contains_text(m, "answer/unsafe"));
	cJSON_Delete(m);
	return code;
}

static void private_texts_should_be_read_only_with_headphones_or_consent(void)
{
	wsclient *c = welcome();
	cJSON *code = private_things(c);

	/* Nobody has said they have headphones: the safety answer is refused, plainly, and the
	 * request with it is refused whole (nothing of it is read). */
	CHECK(refused_with(c, NARRATE("check/title", "answer/unsafe"), "private"));
	CHECK(read_aloud(c, "check/title"));
	/* "No headphones" changes nothing */
	CHECK(listening(c, "\"headphones\":false", 0));
	CHECK(refused_with(c, NARRATE("check/title", "answer/unsafe"), "private"));
	/* The person chooses to hear it: then it is read. */
	CHECK(listening(c, "\"consent\":true", 1));
	CHECK(read_aloud(c, "answer/unsafe"));
	/* Headphones taken off again: private again. */
	CHECK(listening(c, "\"headphones\":false", 0));
	CHECK(refused_with(c, NARRATE("check/title", "answer/unsafe"), "private"));
	CHECK(listening(c, "\"headphones\":true", 1));
	CHECK(read_aloud(c, "answer/unsafe"));
	/* Bad: neither, both, or consent that is not a yes. */
	CHECK(refused_with(c, "{\"type\":\"listening\",\"seq\":43}", "bad-message"));
	CHECK(refused_with(
	    c, "{\"type\":\"listening\",\"seq\":43,\"headphones\":true,\"consent\":true}",
	    "bad-message"));
	CHECK(refused_with(c, "{\"type\":\"listening\",\"seq\":43,\"consent\":false}",
			   "bad-message"));
	cJSON_Delete(code);
	wsclient_free(c);

	/* The code's pieces, on the code page, likewise; a new session starts without consent. */
	c = welcome();
	code = wsclient_ask(c, "{\"type\":\"new_plan\",\"seq\":1}", WAIT_MS);
	CHECK(json_is_msg(code, "page", "code"));
	CHECK(refused_with(c, NARRATE("code/title", "code/1"), "private"));
	CHECK(read_aloud(c, "msg/code.yours")); /* what is not private is read as before */
	CHECK(listening(c, "\"consent\":true", 1));
	CHECK(read_aloud(c, "code/1"));
	cJSON_Delete(code);
	wsclient_free(c);
}

/* A kiosk set up with headphones (--headphones yes) reads private texts without asking. */
static void a_kiosk_with_headphones_should_read_private_texts(void)
{
	testsrv hp;
	const char *const args[] = {"--headphones", "yes", NULL};
	testsrv keep = srv;
	wsclient *c;
	cJSON *h, *code;

	if (testsrv_start(&hp, PLANALOUD_BINARY, NULL, 1, args)) {
		CHECK(!"the server with --headphones yes started");
		return;
	}
	srv = hp; /* welcome() connects to srv */
	c = wsclient_connect(HOST, hp.port, NULL);
	h = c ? wsclient_recv_json(c, WAIT_MS) : NULL;
	CHECK(json_str(h, "kiosk.headphones") && !strcmp(json_str(h, "kiosk.headphones"), "yes"));
	cJSON_Delete(h);
	cJSON_Delete(c ? wsclient_recv_json(c, WAIT_MS) : NULL); /* the welcome page */
	code = c ? private_things(c) : NULL;
	CHECK(c && read_aloud(c, "answer/unsafe"));
	cJSON_Delete(code);
	wsclient_free(c);
	srv = keep;
	testsrv_stop(&hp);
	testsrv_cleanup(&hp);
}

/* ---- a word just typed, said back (key echo of words) ---- */

#define TYPED(word)                                                                                \
	"{\"type\":\"narrate\",\"seq\":50,\"ids\":[\"typed\"],\"typed\":\"" word "\","             \
	"\"voice\":\"ruth\",\"speed\":\"normal\"}"

/* Files in the server's audio cache. */
static int cached_files(void)
{
	char path[512];
	DIR *d;
	struct dirent *e;
	int n = 0;

	snprintf(path, sizeof(path), "%s/audio", srv.dir);
	if (!(d = opendir(path)))
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* Asks for a fixed text as no one has yet (david, fastest) and waits until it is written to the
 * cache: 1 when it was, with the files then in *after. */
static int fixed_text_written(wsclient *c, const char *id, int before, int *after)
{
	struct timespec nap = {0, 20 * 1000 * 1000};
	char msg[256];
	size_t bytes = 0;
	cJSON *m;
	int ok;

	snprintf(msg, sizeof(msg),
		 "{\"type\":\"narrate\",\"ids\":[\"%s\"],\"voice\":\"david\","
		 "\"speed\":\"fastest\"}",
		 id);
	CHECK(wsclient_send_text(c, msg) == 0);
	m = read_narration(c, &bytes);
	ok = m && json_bool(m, "cached") == 0 && bytes > 0;
	cJSON_Delete(m);
	for (int i = 0; i < 500 && (*after = cached_files()) < before + 1; i++)
		nanosleep(&nap, NULL);
	return ok && *after == before + 1;
}

/* A new plan, then this page of it shown. */
static wsclient *on_page(const char *page)
{
	wsclient *c = welcome();
	cJSON *m = wsclient_ask(c, "{\"type\":\"new_plan\",\"seq\":1}", WAIT_MS);

	CHECK(json_is_msg(m, "page", "code"));
	cJSON_Delete(m);
	m = wsclient_askf(c, WAIT_MS, "{\"type\":\"go\",\"seq\":2,\"to\":\"%s\"}", page);
	CHECK(json_is_msg(m, "page", page));
	cJSON_Delete(m);
	return c;
}

/* Says word back; 1 when it comes as the text "typed", made now (not from the cache). */
static int typed_said(wsclient *c, const char *msg)
{
	size_t bytes = 0;
	cJSON *m;
	int ok;

	CHECK(wsclient_send_text(c, msg) == 0);
	m = read_narration(c, &bytes);
	ok = json_str(m, "type") && strcmp(json_str(m, "type"), "narration") == 0 &&
	     json_str(m, "id") && strcmp(json_str(m, "id"), "typed") == 0 &&
	     json_bool(m, "failed") != 1 && json_bool(m, "cached") == 0 && bytes > 0 &&
	     json_count(m, "words") == 1;
	cJSON_Delete(m);
	return ok;
}

static void a_typed_word_should_be_said_and_never_kept_in_the_audio_cache(void)
{
	wsclient *c = on_page("like-admire");
	int before = cached_files(), after = -1;

	CHECK(before > 0);
	CHECK(typed_said(c, TYPED("Sunflowers")));
	/* said again, it is made again: it was kept nowhere */
	CHECK(typed_said(c, TYPED("Sunflowers")));
	CHECK(typed_said(c, TYPED("caf\u00e9"))); /* not only ASCII: 4 characters */
	/* A fixed text not said before at this speed is kept (written in order, after anything
	 * before it): once it is on disk, the typed words would have been too. */
	CHECK(fixed_text_written(c, "like-admire/title", before, &after));
	CHECK(after == before + 1);
	wsclient_free(c);
}

static void bad_typed_words_should_be_refused_plainly(void)
{
	wsclient *c = on_page("like-admire");

	/* 41 letters; two words; none; a tab inside; a no-break space inside */
	CHECK(refused_with(c, TYPED("abcdefghijklmnopqrstuvwxyzabcdefghijklmno"), "bad-word"));
	CHECK(refused_with(c, TYPED("two words"), "bad-word"));
	CHECK(refused_with(c, TYPED(""), "bad-word"));
	CHECK(refused_with(c, TYPED("two\\twords"), "bad-word"));
	CHECK(refused_with(c, TYPED("two\u00a0words"), "bad-word"));
	/* the word is not a string; the ids are not just "typed" */
	CHECK(refused_with(c,
			   "{\"type\":\"narrate\",\"ids\":[\"typed\"],\"typed\":5,"
			   "\"voice\":\"ruth\",\"speed\":\"normal\"}",
			   "bad-message"));
	CHECK(refused_with(c,
			   "{\"type\":\"narrate\",\"ids\":[\"typed\",\"like-admire/title\"],"
			   "\"typed\":\"hi\",\"voice\":\"ruth\",\"speed\":\"normal\"}",
			   "bad-message"));
	CHECK(refused_with(c,
			   "{\"type\":\"narrate\",\"ids\":[\"typed\"],\"typed\":\"hi\","
			   "\"voice\":\"hal\",\"speed\":\"normal\"}",
			   "bad-voice"));
	/* 40 letters is the most, and is said */
	CHECK(typed_said(c, TYPED("abcdefghijklmnopqrstuvwxyzabcdefghijklmn")));
	wsclient_free(c);
	/* a page with nothing to type on says nothing typed */
	c = welcome();
	CHECK(refused_with(c, TYPED("hello"), "unknown-text"));
	wsclient_free(c);
}

static void a_typed_word_on_a_private_page_should_need_headphones_or_consent(void)
{
	wsclient *c = on_page("emergency-contact");

	CHECK(refused_with(c, TYPED("Sam"), "private"));
	CHECK(listening(c, "\"headphones\":false", 0));
	CHECK(refused_with(c, TYPED("Sam"), "private"));
	CHECK(listening(c, "\"consent\":true", 1));
	CHECK(typed_said(c, TYPED("Sam")));
	wsclient_free(c);
	/* the code is private too */
	c = welcome();
	cJSON_Delete(wsclient_ask(c, "{\"type\":\"new_plan\",\"seq\":1}", WAIT_MS));
	CHECK(refused_with(c, TYPED("apple"), "private"));
	CHECK(listening(c, "\"headphones\":true", 1));
	CHECK(typed_said(c, TYPED("apple")));
	wsclient_free(c);
}

/* ---- fair shares of the voice, and a person's own words ---- */

/* Says one text with ruth at normal speed; the narration read (cached, failed...), or NULL. */
static cJSON *say_one(wsclient *c, const char *id, size_t *bytes)
{
	char msg[256];

	snprintf(msg, sizeof(msg),
		 "{\"type\":\"narrate\",\"seq\":60,\"ids\":[\"%s\"],\"voice\":\"ruth\","
		 "\"speed\":\"normal\"}",
		 id);
	CHECK(wsclient_send_text(c, msg) == 0);
	return read_narration(c, bytes);
}

static int is_narration(const cJSON *m)
{
	return m && json_str(m, "type") && strcmp(json_str(m, "type"), "narration") == 0 &&
	       json_bool(m, "failed") != 1;
}

/* A code's numbers are private like its words; once the person may hear them, each digit is read
 * on its own, from the cache: the digits are fixed texts, read ahead in every language. */
static void a_codes_numbers_should_be_private_and_read_digit_by_digit(void)
{
	wsclient *c = welcome();
	cJSON *code = wsclient_ask(c, "{\"type\":\"new_plan\",\"seq\":1}", WAIT_MS), *m;
	char numbers[32] = "", id[32];
	size_t bytes;

	CHECK(json_is_msg(code, "page", "code") && json_str(code, "page.code_numbers"));
	if (json_str(code, "page.code_numbers"))
		snprintf(numbers, sizeof(numbers), "%s", json_str(code, "page.code_numbers"));
	CHECK(strlen(numbers) == 19);
	CHECK(json_bool(code, "page.code_numbers_text.0.private") == 1);
	CHECK(json_bool(code, "page.code_numbers_text.15.private") == 1);
	CHECK(refused_with(c, NARRATE("code/title", "code-numbers/1"), "private"));
	CHECK(read_aloud(c, "msg/code.numbers"));
	CHECK(listening(c, "\"consent\":true", 1));
	for (int n = 1; n <= 16; n++) {
		snprintf(id, sizeof(id), "code-numbers/%d", n);
		bytes = 0;
		m = say_one(c, id, &bytes);
		CHECK(is_narration(m) && json_bool(m, "cached") == 1 && bytes > 0);
		cJSON_Delete(m);
	}
	CHECK(refused_with(c, NARRATE("code/title", "code-numbers/17"), "unknown-text"));

	cJSON_Delete(code);
	wsclient_free(c);
}

/* Four connections (from this one address) each ask for 64 texts never said before: a fifth gets
 * a fixed text at once from the cache, and a sixth a text never said before, neither told busy. */
static void four_greedy_connections_should_not_keep_others_from_the_voice(void)
{
	wsclient *greedy[4], *fifth, *sixth;
	long base = 100000 + (long)(time(NULL) % 400000);
	char msg[8192], id[64];
	size_t bytes = 0;
	cJSON *m;

	for (int g = 0; g < 4; g++) {
		size_t n = (size_t)snprintf(msg, sizeof(msg),
					    "{\"type\":\"narrate\",\"voice\":\"ruth\","
					    "\"speed\":\"normal\",\"ids\":[");

		for (int i = 0; i < 64; i++)
			n += (size_t)snprintf(msg + n, sizeof(msg) - n, "%s\"msg/list.item?n=%ld\"",
					      i ? "," : "", base + g * 64 + i);
		snprintf(msg + n, sizeof(msg) - n, "]}");
		greedy[g] = welcome();
		CHECK(greedy[g] && wsclient_send_text(greedy[g], msg) == 0);
	}
	fifth = welcome();
	m = say_one(fifth, "welcome/title", &bytes);
	CHECK(is_narration(m) && json_bool(m, "cached") == 1 && bytes > 0);
	cJSON_Delete(m);
	sixth = welcome();
	snprintf(id, sizeof(id), "msg/list.item?n=%ld", base + 4 * 64);
	m = say_one(sixth, id, &bytes);
	CHECK(is_narration(m) && json_bool(m, "cached") == 0 && bytes > 0);
	cJSON_Delete(m);
	for (int g = 0; g < 4; g++)
		wsclient_free(greedy[g]);
	wsclient_free(fifth);
	wsclient_free(sixth);
}

/* A plan with this answer on the like-admire page, its check page shown. */
static wsclient *answered(const char *words)
{
	wsclient *c = on_page("like-admire");
	cJSON *m = wsclient_askf(c, WAIT_MS,
				 "{\"type\":\"answer\",\"seq\":3,\"page\":\"like-admire\","
				 "\"value\":\"%s\"}",
				 words);

	CHECK(json_is_msg(m, "saved", "like-admire"));
	cJSON_Delete(m);
	m = wsclient_ask(c, "{\"type\":\"go\",\"seq\":4,\"to\":\"check\"}", WAIT_MS);
	CHECK(json_is_msg(m, "page", "check") && json_contains_text(m, "answer/like-admire"));
	cJSON_Delete(m);
	return c;
}

/* A person's answer read aloud is kept for their session only: again to them from memory; to
 * another person with the same words made afresh (`cached` tells nothing of anyone else); and
 * never written to the audio cache's folder. */
static void a_persons_answer_should_be_kept_for_their_session_only_and_never_on_disk(void)
{
	char words[128];
	wsclient *a, *b;
	int before, after = -1;
	size_t bytes = 0, first = 0;
	cJSON *m;

	snprintf(words, sizeof(words), "I like my cat Tibbles and the park number %ld.",
		 (long)time(NULL));
	a = answered(words);
	before = cached_files();
	m = say_one(a, "answer/like-admire", &first);
	CHECK(is_narration(m) && json_bool(m, "cached") == 0 && first > 0);
	cJSON_Delete(m);
	m = say_one(a, "answer/like-admire", &bytes);
	CHECK(is_narration(m) && json_bool(m, "cached") == 1 && bytes == first);
	cJSON_Delete(m);
	b = answered(words);
	m = say_one(b, "answer/like-admire", &bytes);
	CHECK(is_narration(m) && json_bool(m, "cached") == 0 && bytes > 0);
	cJSON_Delete(m);
	/* a fixed text said after the answers is written to disk: the only new file */
	CHECK(fixed_text_written(a, "check/title", before, &after));
	CHECK(after == before + 1);
	wsclient_free(a);
	wsclient_free(b);
}

/* The voices' labels have text ids (hello.voices[].text): focus speech says the voice chosen. */
static void a_voice_label_should_be_readable_on_any_page(void)
{
	wsclient *c = wsclient_connect(HOST, srv.port, NULL);
	cJSON *h = c ? wsclient_recv_json(c, WAIT_MS) : NULL;

	CHECK(json_str(h, "voices.0.text.id") &&
	      strcmp(json_str(h, "voices.0.text.id"), "voice/ruth") == 0);
	CHECK(json_str(h, "voices.0.text.text") && json_str(h, "voices.0.label") &&
	      strcmp(json_str(h, "voices.0.text.text"), json_str(h, "voices.0.label")) == 0);
	cJSON_Delete(h);
	cJSON_Delete(c ? wsclient_recv_json(c, WAIT_MS) : NULL); /* the welcome page */
	CHECK(c && read_aloud(c, "voice/ruth"));
	CHECK(c && read_aloud(c, "voice/david"));
	CHECK(c && refused_with(c,
				"{\"type\":\"narrate\",\"ids\":[\"voice/hal\"],\"voice\":\"ruth\","
				"\"speed\":\"normal\"}",
				"unknown-text"));
	wsclient_free(c);
}

/* Where a page is in the plan ("Part 2 of 11", on every page of a part) is read ahead like the
 * fixed texts: it comes from the cache the first time anyone asks. */
static void where_a_page_is_in_the_plan_should_be_ready_before_anyone_asks(void)
{
	wsclient *c = on_page("like-admire");
	size_t bytes = 0;
	cJSON *m = say_one(c, "msg/progress", &bytes);

	CHECK(is_narration(m) && json_bool(m, "cached") == 1 && bytes > 0);
	cJSON_Delete(m);
	wsclient_free(c);
}

/* A cache folder as the server left it before generations (where a person's words could be): every
 * file in it is gone once the server has started on it, and the folder is marked. */
static void an_audio_cache_from_before_should_be_emptied_when_the_server_starts(void)
{
	char data[] = "/tmp/planaloud-oldcache-XXXXXX", path[512], mark[512];
	testsrv old;
	FILE *f;

	if (!mkdtemp(data)) {
		CHECK(!"a data folder was made");
		return;
	}
	snprintf(path, sizeof(path), "%s/audio", data);
	CHECK(mkdir(path, 0700) == 0);
	snprintf(path, sizeof(path), "%s/audio/%064d", data, 12345);
	snprintf(mark, sizeof(mark), "%s/audio/generation", data);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs("audio of someone's answer", f);
		fclose(f);
	}
	if (testsrv_start(&old, PLANALOUD_BINARY, data, 0, NULL)) {
		CHECK(!"the server started on the old cache");
		return;
	}
	CHECK(access(path, F_OK) != 0);
	CHECK(access(mark, F_OK) == 0);
	testsrv_stop(&old);
	/* made here: removed here, the audio folder first (testsrv_cleanup removes files only) */
	snprintf(path, sizeof(path), "%s/audio", data);
	{
		DIR *d = opendir(path);
		struct dirent *e;
		char file[1024];

		while (d && (e = readdir(d)))
			if (e->d_name[0] != '.') {
				snprintf(file, sizeof(file), "%s/%s", path, e->d_name);
				unlink(file);
			}
		if (d)
			closedir(d);
	}
	rmdir(path);
	old.own_dir = 1;
	testsrv_cleanup(&old);
}

int main(void)
{
	testsrv_watchdog(240);
	if (testsrv_start(&srv, PLANALOUD_BINARY, NULL, 1, NULL)) {
		fprintf(stderr, "the server did not start\n");
		return 1;
	}
	RUN(fixed_texts_should_be_ready_before_anyone_asks);
	RUN(where_a_page_is_in_the_plan_should_be_ready_before_anyone_asks);
	RUN(listen_should_bring_word_timings_and_audio_for_each_text);
	RUN(the_second_time_a_text_should_come_from_the_cache);
	RUN(a_text_not_yet_said_should_come_in_pieces_that_add_up);
	RUN(each_speed_in_hello_should_be_labelled_and_quicker_than_the_one_before);
	RUN(a_message_without_blanks_should_be_readable_on_any_page);
	RUN(bad_narration_requests_should_be_refused_plainly);
	RUN(a_flood_of_requests_should_meet_a_bounded_queue_and_the_server_should_go_on);
	RUN(private_texts_should_be_read_only_with_headphones_or_consent);
	RUN(a_codes_numbers_should_be_private_and_read_digit_by_digit);
	RUN(a_kiosk_with_headphones_should_read_private_texts);
	RUN(a_typed_word_should_be_said_and_never_kept_in_the_audio_cache);
	RUN(a_voice_label_should_be_readable_on_any_page);
	RUN(four_greedy_connections_should_not_keep_others_from_the_voice);
	RUN(a_persons_answer_should_be_kept_for_their_session_only_and_never_on_disk);
	RUN(an_audio_cache_from_before_should_be_emptied_when_the_server_starts);
	RUN(bad_typed_words_should_be_refused_plainly);
	RUN(a_typed_word_on_a_private_page_should_need_headphones_or_consent);
	CHECK(testsrv_alive(&srv));
	testsrv_stop(&srv);
	testsrv_cleanup(&srv);
	return check_report();
}
