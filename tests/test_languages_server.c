/* test_languages_server: languages through the real server. A person chooses Urdu, starts a plan
 * and answers a page; coming back on another connection with the code opens it in Urdu, right to
 * left; narration of an Urdu, Bengali (and, once it is there, Punjabi) text comes as audio with
 * word timings that move forward through the text as it is written. */
#include "check.h"
#include "code.h"
#include "utf8.h"
#include "wsclient.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WAIT_MS 15000
#define HOST	"127.0.0.1"

static testsrv srv;

#define ask(c, ...) wsclient_askf((c), WAIT_MS, __VA_ARGS__)

/* 1 when m is a `type` message about `what` (see json_is_msg); m is freed. */
static int is(cJSON *m, const char *type, const char *what)
{
	int ok = json_is_msg(m, type, what);

	cJSON_Delete(m);
	return ok;
}

/* Connects and reads hello and the welcome page. */
static wsclient *welcome(void)
{
	wsclient *c = wsclient_connect(HOST, srv.port, NULL);

	if (!c)
		return NULL;
	if (!is(wsclient_recv_json(c, WAIT_MS), "hello", NULL) ||
	    !is(wsclient_recv_json(c, WAIT_MS), "page", "welcome")) {
		wsclient_free(c);
		return NULL;
	}
	return c;
}

/* Chooses a language: the hello that comes back (cJSON_Delete it) after checking the page that
 * follows it is `page`; NULL when either is not as it should be. */
static cJSON *choose(wsclient *c, const char *lang, const char *page)
{
	cJSON *hello = ask(c, "{\"type\":\"language\",\"seq\":2,\"lang\":\"%s\"}", lang);

	if (!json_is_msg(hello, "hello", NULL) ||
	    !is(wsclient_recv_json(c, WAIT_MS), "page", page)) {
		cJSON_Delete(hello);
		return NULL;
	}
	return hello;
}

/* The longest text of a page description that is not private (the most words to highlight):
 * its id and text into id and text. 0, or -1 when there is none. */
static int longest_text(const cJSON *node, char *id, size_t idlen, char *text, size_t textlen)
{
	const char *i = json_str(node, "id"), *t = json_str(node, "text");
	const cJSON *child;
	int found = -1;

	if (i && t && json_bool(node, "private") != 1 && strncmp(i, "answer/", 7) != 0 &&
	    utf8_chars(t, strlen(t)) > utf8_chars(text, strlen(text)) && strlen(t) < textlen) {
		snprintf(id, idlen, "%s", i);
		snprintf(text, textlen, "%s", t);
		found = 0;
	}
	cJSON_ArrayForEach(child, node)
	{
		if ((cJSON_IsObject(child) || cJSON_IsArray(child)) &&
		    longest_text(child, id, idlen, text, textlen) == 0)
			found = 0;
	}
	return found;
}

/* Asks for the text id to be read and reads its narration to the end: the words of
 * narration_end (cJSON_Delete them), *audio the bytes of audio that came; NULL when it failed. */
static cJSON *narrate(wsclient *c, const char *id, size_t *audio)
{
	cJSON *m = ask(c,
		       "{\"type\":\"narrate\",\"seq\":5,\"ids\":[\"%s\"],\"voice\":\"ruth\","
		       "\"speed\":\"normal\"}",
		       id);
	cJSON *words = NULL;

	*audio = 0;
	if (!json_is_msg(m, "narration", NULL) || json_bool(m, "failed") == 1) {
		fprintf(stderr, "    %s: no narration\n", id);
		cJSON_Delete(m);
		return NULL;
	}
	cJSON_Delete(m);
	for (;;) {
		char *data = NULL;
		size_t len = 0;
		int binary = 0;

		if (wsclient_recv(c, WAIT_MS, &data, &len, &binary) != 1)
			break;
		if (binary) {
			*audio += len > 4 ? len - 4 : 0;
			free(data);
			continue;
		}
		m = cJSON_Parse(data);
		free(data);
		if (json_str(m, "type") && strcmp(json_str(m, "type"), "narration_end") == 0) {
			words = cJSON_DetachItemFromObjectCaseSensitive(m, "words");
			cJSON_Delete(m);
			break;
		}
		cJSON_Delete(m); /* narration_words: all of them come again with the end */
	}
	return words;
}

/* The words' places move forward through the text, one after another, and stay inside it up to
 * its end (characters of the text as the page shows it, without the ** of bold): 1, or 0 with
 * what is wrong shown. */
static int words_move_forward(const cJSON *words, const char *text)
{
	char shown[4096];
	size_t n = 0, chars;
	double end = 0;
	const cJSON *w;

	for (const char *s = text; *s && n + 1 < sizeof(shown); s++)
		if (s[0] == '*' && s[1] == '*')
			s++;
		else
			shown[n++] = *s;
	shown[n] = '\0';
	chars = utf8_chars(shown, n);
	if (cJSON_GetArraySize(words) < 3) {
		fprintf(stderr, "    %d words for \"%s\"\n", cJSON_GetArraySize(words), shown);
		return 0;
	}
	cJSON_ArrayForEach(w, words)
	{
		double start = cJSON_GetNumberValue(cJSON_GetArrayItem(w, 0));
		double len = cJSON_GetNumberValue(cJSON_GetArrayItem(w, 1));

		if (start < end || len < 1 || start + len > (double)chars) {
			fprintf(stderr,
				"    a word at %g (%g long) where the one before ends at %g, in "
				"%zu characters: %s\n",
				start, len, end, chars, shown);
			return 0;
		}
		end = start + len;
	}
	/* the last word is the text's last (a closing mark or two may follow it) */
	if (end + 3 < (double)chars) {
		fprintf(stderr, "    the words end at %g of %zu characters: %s\n", end, chars,
			shown);
		return 0;
	}
	return 1;
}

/* Reads the longest text of the page aloud: its words move forward through it, with audio. */
static int page_read_aloud(wsclient *c, const cJSON *page)
{
	char id[160] = "", text[4096] = "";
	size_t audio = 0;
	cJSON *words;
	int ok;

	if (longest_text(page, id, sizeof(id), text, sizeof(text)))
		return 0;
	words = narrate(c, id, &audio);
	ok = words && words_move_forward(words, text) && audio > 0;
	cJSON_Delete(words);
	return ok;
}

static void a_plan_started_in_urdu_should_open_in_urdu_with_its_code(void)
{
	char code[CODE_MAX] = "";
	wsclient *a = welcome(), *b;
	cJSON *hello, *m;

	CHECK(a != NULL);
	if (!a)
		return;
	hello = choose(a, "ur", "welcome");
	CHECK(hello != NULL);
	CHECK(json_str(hello, "lang") && strcmp(json_str(hello, "lang"), "ur") == 0);
	CHECK(json_str(hello, "dir") && strcmp(json_str(hello, "dir"), "rtl") == 0);
	CHECK(json_count(hello, "languages") >= 2);
	cJSON_Delete(hello);
	m = ask(a, "{\"type\":\"new_plan\",\"seq\":3}");
	CHECK(json_is_msg(m, "page", "code") && json_str(m, "page.code"));
	if (json_str(m, "page.code"))
		snprintf(code, sizeof(code), "%s", json_str(m, "page.code"));
	cJSON_Delete(m);
	CHECK(is(ask(a, "{\"type\":\"answer\",\"seq\":4,\"page\":\"like-admire\","
			"\"value\":\"میں اچھا گاتا ہوں\"}"),
		 "saved", "like-admire"));
	wsclient_free(a);

	/* Another connection types the code: Urdu again, right to left, before the page. */
	b = welcome();
	CHECK(b != NULL);
	if (!b)
		return;
	hello = ask(b, "{\"type\":\"code\",\"seq\":1,\"code\":\"%s\"}", code);
	CHECK(json_is_msg(hello, "hello", NULL));
	CHECK(json_str(hello, "lang") && strcmp(json_str(hello, "lang"), "ur") == 0);
	CHECK(json_str(hello, "dir") && strcmp(json_str(hello, "dir"), "rtl") == 0);
	cJSON_Delete(hello);
	m = wsclient_recv_json(b, WAIT_MS);
	CHECK(json_is_msg(m, "page", NULL));
	/* the page's words are Urdu's: the answer is kept, and what is read is Urdu script */
	CHECK(page_read_aloud(b, m));
	cJSON_Delete(m);
	m = ask(b, "{\"type\":\"go\",\"seq\":6,\"to\":\"like-admire\"}");
	CHECK(json_is_msg(m, "page", "like-admire"));
	CHECK(json_contains_text(m, "میں اچھا گاتا ہوں"));
	CHECK(page_read_aloud(b, m));
	cJSON_Delete(m);
	wsclient_free(b);
}

/* A language's welcome page read aloud in its own script; skipped (and said) when easyread/ has no
 * such language yet. */
static void read_aloud_in(const char *lang, const char *dir)
{
	char path[512];
	wsclient *c;
	cJSON *hello, *m;

	snprintf(path, sizeof(path), "%s/easyread/%s/language.txt", PLANALOUD_SOURCE_DIR, lang);
	if (access(path, F_OK) != 0) {
		printf("note: easyread/%s is not there yet: its narration is not tested\n", lang);
		return;
	}
	c = welcome();
	CHECK(c != NULL);
	if (!c)
		return;
	hello = ask(c, "{\"type\":\"language\",\"seq\":2,\"lang\":\"%s\"}", lang);
	CHECK(json_is_msg(hello, "hello", NULL));
	CHECK(json_str(hello, "dir") && strcmp(json_str(hello, "dir"), dir) == 0);
	cJSON_Delete(hello);
	m = wsclient_recv_json(c, WAIT_MS);
	CHECK(json_is_msg(m, "page", "welcome"));
	CHECK(page_read_aloud(c, m));
	cJSON_Delete(m);
	wsclient_free(c);
}

static void urdu_should_be_read_aloud_with_the_highlight_moving_forward(void)
{
	read_aloud_in("ur", "rtl");
}

static void bengali_should_be_read_aloud_with_the_highlight_moving_forward(void)
{
	read_aloud_in("bn", "ltr");
}

static void punjabi_should_be_read_aloud_with_the_highlight_moving_forward(void)
{
	read_aloud_in("pa", "ltr");
}

static void arabic_should_be_read_aloud_with_the_highlight_moving_forward(void)
{
	read_aloud_in("ar", "rtl");
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	testsrv_watchdog(240);
	if (testsrv_start(&srv, PLANALOUD_BINARY, NULL, 0, NULL)) {
		fprintf(stderr, "the server did not start\n");
		return 1;
	}
	RUN(a_plan_started_in_urdu_should_open_in_urdu_with_its_code);
	RUN(urdu_should_be_read_aloud_with_the_highlight_moving_forward);
	RUN(bengali_should_be_read_aloud_with_the_highlight_moving_forward);
	RUN(punjabi_should_be_read_aloud_with_the_highlight_moving_forward);
	RUN(arabic_should_be_read_aloud_with_the_highlight_moving_forward);
	CHECK(testsrv_alive(&srv));
	testsrv_stop(&srv);
	testsrv_cleanup(&srv);
	return check_report();
}
