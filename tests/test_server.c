/* test_server: the real server on a free loopback port with a real SQLite file, driven through a
 * raw websocket client (wsclient.c) that can also send what a browser never would.
 * The contract is docs/protocol.md. */
#include "check.h"
#include "code.h"
#include "wsclient.h"

#include "buf.h"

#include <ctype.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#define WAIT_MS 5000
#define HOST	"127.0.0.1"

static testsrv srv; /* the server most tests share; started in main() */

/* ---- helpers ---- */

/* The printf-formatted text, malloc'd (NULL when memory runs out). */
#define ask(c, ...)		   wsclient_askf((c), WAIT_MS, __VA_ARGS__)
#define ask_is(c, type, what, ...) wsclient_ask_is((c), WAIT_MS, (type), (what), __VA_ARGS__)
#define is_msg			   json_is_msg

/* A plain-English error message: present, filled in, not a code or a C string. */
static int plain_message(const cJSON *m)
{
	const char *msg = json_str(m, "message");

	return msg && strlen(msg) > 10 && !strchr(msg, '{') && !strchr(msg, '}') &&
	       strncmp(msg, "error.", 6) != 0;
}

/* A new connection that has read hello and the welcome page. */
static wsclient *connect_fresh(void)
{
	wsclient *c = wsclient_connect(HOST, srv.port, NULL);
	cJSON *m;

	if (!c)
		return NULL;
	m = wsclient_recv_json(c, WAIT_MS);
	if (!is_msg(m, "hello", NULL)) {
		cJSON_Delete(m);
		wsclient_free(c);
		return NULL;
	}
	cJSON_Delete(m);
	m = wsclient_recv_json(c, WAIT_MS);
	if (!is_msg(m, "page", "welcome")) {
		cJSON_Delete(m);
		wsclient_free(c);
		return NULL;
	}
	cJSON_Delete(m);
	return c;
}

/* A new connection with a new plan open (made with new_plan); its code into code (CODE_MAX). */
static wsclient *connect_new_plan(char *code)
{
	wsclient *c = connect_fresh();
	cJSON *m;

	if (!c)
		return NULL;
	m = ask(c, "{\"type\":\"new_plan\",\"seq\":1}");
	if (!is_msg(m, "page", "code") || !json_str(m, "page.code")) {
		cJSON_Delete(m);
		wsclient_free(c);
		return NULL;
	}
	if (code)
		snprintf(code, CODE_MAX, "%s", json_str(m, "page.code"));
	cJSON_Delete(m);
	return c;
}

/* The demo code as a person might type it: upper case, spaces instead of hyphens. */
static void shout(const char *code, char *out, size_t n)
{
	size_t i;

	for (i = 0; code[i] && i + 1 < n; i++)
		out[i] = code[i] == '-' ? ' ' : (char)toupper((unsigned char)code[i]);
	out[i] = '\0';
}

/* The check page's row for a page, or NULL. */
static const cJSON *check_row(const cJSON *m, const char *page)
{
	const cJSON *sec, *row;

	cJSON_ArrayForEach(sec, json_at(m, "page.sections"))
	{
		cJSON_ArrayForEach(row, cJSON_GetObjectItem(sec, "rows"))
		{
			const cJSON *p = cJSON_GetObjectItem(row, "page");

			if (cJSON_IsString(p) && strcmp(p->valuestring, page) == 0)
				return row;
		}
	}
	return NULL;
}

/* The id of the item a list page is editing, or 0. */
static long long editing_id(const cJSON *m)
{
	return (long long)json_num(m, "page.editing.id", 0);
}

/* A page's answer as the server reads it back (go to the page). malloc'd, or NULL. */
static char *read_back(wsclient *c, const char *page)
{
	cJSON *m = ask(c, "{\"type\":\"go\",\"to\":\"%s\"}", page);
	char *v = NULL;

	if (is_msg(m, "page", page) && json_str(m, "page.value"))
		v = strdup(json_str(m, "page.value"));
	cJSON_Delete(m);
	return v;
}

/* A list entry's raw field value as the editor shows it (item_edit). malloc'd, or NULL. */
static char *read_item(wsclient *c, const char *page, long long item, const char *field)
{
	cJSON *m = ask(c, "{\"type\":\"item_edit\",\"page\":\"%s\",\"item\":%lld}", page, item);
	char path[64], *v = NULL;

	snprintf(path, sizeof(path), "page.editing.values.%s", field);
	if (is_msg(m, "page", page) && editing_id(m) == item && json_str(m, path))
		v = strdup(json_str(m, path));
	cJSON_Delete(m);
	return v;
}

/* 1 when needle occurs in haystack, ignoring ASCII case. */
static int has_nocase(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);

	for (; *haystack; haystack++)
		if (strncasecmp(haystack, needle, n) == 0)
			return 1;
	return 0;
}

/* 1 when got (freed here) is want; otherwise says what it was. */
static int same(char *got, const char *want)
{
	int ok = got && strcmp(got, want) == 0;

	if (!ok)
		fprintf(stderr, "  read back \"%.200s\", expected \"%.200s\"\n",
			got ? got : "(none)", want);
	free(got);
	return ok;
}

/* ---- 1, 2: HTTP and the first messages ---- */

static void healthz_should_answer_ok_and_the_kiosk_page_should_carry_a_csp(void)
{
	char headers[4096], body[65536];
	cJSON *j;
	int status;

	status = http_get(srv.port, "/healthz", headers, sizeof(headers), body, sizeof(body));
	CHECK(status == 200);
	j = cJSON_Parse(body);
	CHECK_STR(json_str(j, "status"), "ok");
	cJSON_Delete(j);

	status = http_get(srv.port, "/", headers, sizeof(headers), body, sizeof(body));
	CHECK(status == 200);
	CHECK(has_nocase(headers, "\r\ncontent-security-policy:"));
	CHECK(has_nocase(headers, "frame-ancestors 'none'"));
	CHECK(has_nocase(body, "<html"));
}

static void an_address_that_does_not_exist_should_get_404(void)
{
	char body[4096];

	CHECK(http_get(srv.port, "/no-such-file.html", NULL, 0, body, sizeof(body)) == 404);
	CHECK(http_get(srv.port, "/pictures/no-such-picture.svg", NULL, 0, NULL, 0) == 404);
	CHECK(http_get(srv.port, "/healthzzz", NULL, 0, body, sizeof(body)) == 404);
	CHECK(strstr(body, "\"status\"") == NULL);
}

static void a_new_connection_should_get_hello_then_the_welcome_page(void)
{
	wsclient *c = wsclient_connect(HOST, srv.port, NULL);
	cJSON *m;

	CHECK(c != NULL);
	if (!c)
		return;
	m = wsclient_recv_json(c, WAIT_MS);
	CHECK(is_msg(m, "hello", NULL));
	CHECK_STR(json_str(m, "lang"), "en-GB");
	CHECK(json_num(m, "limits.message_bytes", 0) == 65536);
	CHECK(json_num(m, "kiosk.idle_seconds", 0) > 0);
	CHECK(json_num(m, "kiosk.warn_seconds", 0) > 0);
	CHECK_STR(json_str(m, "messages.next.id"), "msg/next");
	CHECK_STR(json_str(m, "messages.next.text"), "Next");
	/* placeholders stay unfilled in hello (the names hold dots, so no json_at here) */
	{
		const cJSON *tl = cJSON_GetObjectItem(json_at(m, "messages"), "error.too-long");

		CHECK_STR(json_str(tl, "id"), "msg/error.too-long");
		CHECK(json_str(tl, "text") && strstr(json_str(tl, "text"), "{limit}"));
	}
	cJSON_Delete(m);

	m = wsclient_recv_json(c, WAIT_MS);
	CHECK(is_msg(m, "page", "welcome"));
	CHECK_STR(json_str(m, "page.kind"), "welcome");
	CHECK_STR(json_str(m, "page.title.id"), "welcome/title");
	CHECK(json_count(m, "page.say") > 0);
	CHECK(json_bool(m, "page.plan_open") == 0);
	CHECK(json_bool(m, "page.read_only") == 0);
	CHECK(json_bool(m, "page.next") == 1);
	CHECK(json_bool(m, "page.back") == 0);
	CHECK(json_num(m, "page.part.n", 0) == 1);
	CHECK(json_str(m, "page.picture.src") && json_str(m, "page.picture.alt"));
	if (json_str(m, "page.picture.src"))
		CHECK(http_get(srv.port, json_str(m, "page.picture.src"), NULL, 0, NULL, 0) == 200);
	cJSON_Delete(m);

	/* nothing else arrives unasked */
	{
		char *extra = NULL;

		CHECK(wsclient_recv(c, 300, &extra, NULL, NULL) == 0);
		free(extra);
	}
	wsclient_free(c);
}

/* ---- 3, 4: the journey ---- */

static void a_helper_should_write_check_and_send_the_demo_plan(void)
{
	wsclient *c = connect_fresh();
	char typed[CODE_MAX];
	const cJSON *row;
	cJSON *m;
	long long journey_item, second; /* the budget entry that stays, and one removed */

	CHECK(c != NULL);
	if (!c)
		return;
	CHECK(srv.code[0] != '\0');

	/* who is writing: held for the visit until a plan is open */
	CHECK(ask_is(c, "page", "who", "{\"type\":\"go\",\"to\":\"next\"}"));
	m = ask(c, "{\"type\":\"answer\",\"seq\":1,\"page\":\"who\",\"value\":\"helper\"}");
	CHECK(is_msg(m, "kept", "who"));
	CHECK(json_num(m, "seq", -1) == 1);
	cJSON_Delete(m);
	CHECK(ask_is(c, "page", "helper-name", "{\"type\":\"go\",\"to\":\"next\"}"));
	CHECK(ask_is(
	    c, "kept", "helper-name",
	    "{\"type\":\"answer\",\"seq\":2,\"page\":\"helper-name\",\"value\":\"Sam Jones\"}"));
	CHECK(ask_is(c, "page", "helper-relationship", "{\"type\":\"go\",\"to\":\"next\"}"));
	CHECK(ask_is(c, "kept", "helper-relationship",
		     "{\"type\":\"answer\",\"seq\":3,\"page\":\"helper-relationship\","
		     "\"value\":\"friend\"}"));
	CHECK(ask_is(c, "page", "helper-words", "{\"type\":\"go\",\"to\":\"next\"}"));
	m = ask(c, "{\"type\":\"go\",\"to\":\"next\"}");
	CHECK(is_msg(m, "page", "code"));
	CHECK(json_at(m, "page.code") && cJSON_IsNull(json_at(m, "page.code")));
	CHECK(json_bool(m, "page.next") == 0);
	CHECK(json_bool(m, "page.plan_open") == 0);
	cJSON_Delete(m);

	/* a wrong code, then the right one typed loosely */
	m = ask(c, "{\"type\":\"code\",\"seq\":4,\"code\":\"apple river boat 2345\"}");
	CHECK(is_msg(m, "error", "wrong-code"));
	CHECK(json_num(m, "seq", -1) == 4);
	CHECK(plain_message(m));
	cJSON_Delete(m);
	shout(srv.code, typed, sizeof(typed));
	m = ask(c, "{\"type\":\"code\",\"seq\":5,\"code\":\"%s\"}", typed);
	CHECK(is_msg(m, "page", "profile-intro"));
	CHECK(json_num(m, "seq", -1) == 5);
	CHECK(json_bool(m, "page.plan_open") == 1);
	cJSON_Delete(m);

	/* an answer is saved, with the same seq */
	m = ask(c, "{\"type\":\"answer\",\"seq\":6,\"page\":\"like-admire\","
		   "\"value\":\"I make people laugh.\"}");
	CHECK(is_msg(m, "saved", "like-admire"));
	CHECK(json_num(m, "seq", -1) == 6);
	cJSON_Delete(m);
	CHECK(same(read_back(c, "like-admire"), "I make people laugh."));

	/* a list: add an entry, fill it, see the total */
	m = ask(c, "{\"type\":\"item_add\",\"seq\":7,\"page\":\"budget\"}");
	CHECK(is_msg(m, "page", "budget"));
	CHECK(json_num(m, "seq", -1) == 7);
	journey_item = editing_id(m);
	CHECK(journey_item > 0);
	CHECK_STR(json_str(m, "page.editing.values.cost"), "");
	cJSON_Delete(m);
	m = ask(
	    c,
	    "{\"type\":\"answer\",\"seq\":8,\"page\":\"budget\",\"item\":%lld,\"field\":\"what\","
	    "\"value\":\"A support worker to take me swimming\"}",
	    journey_item);
	CHECK(is_msg(m, "saved", "budget"));
	CHECK(json_num(m, "seq", -1) == 8);
	CHECK(json_num(m, "item", 0) == (double)journey_item);
	CHECK_STR(json_str(m, "field"), "what");
	cJSON_Delete(m);
	m = ask(
	    c,
	    "{\"type\":\"answer\",\"seq\":9,\"page\":\"budget\",\"item\":%lld,\"field\":\"cost\","
	    "\"value\":\"£12.50\"}",
	    journey_item);
	CHECK(is_msg(m, "saved", "budget"));
	CHECK(json_num(m, "seq", -1) == 9);
	CHECK_STR(json_str(m, "field"), "cost");
	cJSON_Delete(m);
	m = ask(c, "{\"type\":\"item_done\",\"page\":\"budget\"}");
	CHECK(is_msg(m, "page", "budget"));
	CHECK(cJSON_IsNull(json_at(m, "page.editing")));
	CHECK(json_count(m, "page.items") == 1);
	CHECK(json_num(m, "page.items.0.id", 0) == (double)journey_item);
	CHECK_STR(json_str(m, "page.items.0.values.cost.text"), "£12.50");
	CHECK(json_num(m, "page.total.total_pence", -1) == 1250);
	CHECK(json_num(m, "page.total.budget_pence", -1) == 24550);
	CHECK(json_contains_text(json_at(m, "page.total.lines"), "£12.50"));
	cJSON_Delete(m);
	CHECK(same(read_item(c, "budget", journey_item, "cost"), "12.50"));

	/* a second entry, then removed: the total goes back */
	m = ask(c, "{\"type\":\"item_add\",\"seq\":10,\"page\":\"budget\"}");
	second = editing_id(m);
	CHECK(second > 0 && second != journey_item);
	cJSON_Delete(m);
	CHECK(ask_is(c, "saved", "budget",
		     "{\"type\":\"answer\",\"seq\":11,\"page\":\"budget\",\"item\":%lld,"
		     "\"field\":\"cost\",\"value\":\"5\"}",
		     second));
	m = ask(c, "{\"type\":\"item_remove\",\"seq\":12,\"page\":\"budget\",\"item\":%lld}",
		second);
	CHECK(is_msg(m, "page", "budget"));
	CHECK(json_num(m, "seq", -1) == 12);
	CHECK(json_count(m, "page.items") == 1);
	CHECK(json_num(m, "page.items.0.id", 0) == (double)journey_item);
	CHECK(json_num(m, "page.total.total_pence", -1) == 1250);
	cJSON_Delete(m);
	CHECK(ask_is(c, "error", "no-item",
		     "{\"type\":\"item_remove\",\"seq\":13,\"page\":\"budget\",\"item\":%lld}",
		     second));

	/* the check page reads everything back, and who helped */
	m = ask(c, "{\"type\":\"go\",\"to\":\"check\"}");
	CHECK(is_msg(m, "page", "check"));
	row = check_row(m, "like-admire");
	CHECK(row != NULL);
	CHECK_STR(json_str(row, "answer.text"), "I make people laugh.");
	row = check_row(m, "budget");
	CHECK(row != NULL);
	CHECK(json_count(row, "items") == 1);
	CHECK_STR(json_str(row, "items.0.values.cost.text"), "£12.50");
	CHECK(json_contains_text(json_at(m, "page.helpers"), "Sam Jones"));
	row = check_row(m, "important-people");
	CHECK(row && cJSON_IsNull(json_at(row, "answer")));
	cJSON_Delete(m);

	/* send it */
	m = ask(c, "{\"type\":\"go\",\"to\":\"next\"}");
	CHECK(is_msg(m, "page", "send"));
	CHECK_STR(json_str(m, "page.status"), "draft");
	cJSON_Delete(m);
	m = ask(c, "{\"type\":\"send\",\"seq\":14}");
	CHECK(is_msg(m, "page", "sent"));
	CHECK(json_num(m, "seq", -1) == 14);
	CHECK(json_bool(m, "page.read_only") == 1);
	cJSON_Delete(m);

	/* a sent plan cannot be sent again or changed */
	m = ask(c, "{\"type\":\"send\",\"seq\":15}");
	CHECK(is_msg(m, "error", "already-sent"));
	CHECK(json_num(m, "seq", -1) == 15);
	CHECK(plain_message(m));
	cJSON_Delete(m);
	CHECK(ask_is(
	    c, "error", "already-sent",
	    "{\"type\":\"answer\",\"seq\":16,\"page\":\"like-admire\",\"value\":\"changed\"}"));
	CHECK(ask_is(c, "error", "already-sent",
		     "{\"type\":\"answer\",\"seq\":17,\"page\":\"budget\",\"item\":%lld,"
		     "\"field\":\"cost\",\"value\":\"99\"}",
		     journey_item));
	CHECK(ask_is(c, "error", "already-sent",
		     "{\"type\":\"item_add\",\"seq\":18,\"page\":\"budget\"}"));
	CHECK(ask_is(c, "error", "already-sent",
		     "{\"type\":\"item_remove\",\"seq\":19,\"page\":\"budget\",\"item\":%lld}",
		     journey_item));
	CHECK(same(read_back(c, "like-admire"), "I make people laugh."));
	wsclient_free(c);
}

static void coming_back_with_the_code_should_welcome_back_and_show_submitted(void)
{
	wsclient *c = connect_fresh();
	cJSON *m;
	const cJSON *a;
	int has_continue = 0;

	CHECK(c != NULL);
	if (!c)
		return;
	CHECK(ask_is(c, "page", "who", "{\"type\":\"go\",\"to\":\"next\"}"));
	CHECK(ask_is(c, "page", "code", "{\"type\":\"go\",\"to\":\"next\"}"));
	m = ask(c, "{\"type\":\"code\",\"seq\":1,\"code\":\"%s\"}", srv.code);
	CHECK(is_msg(m, "page", "welcome-back"));
	CHECK(json_bool(m, "page.read_only") == 1);
	CHECK(json_count(m, "page.actions") >= 3);
	cJSON_ArrayForEach(a, json_at(m, "page.actions"))
	{
		const char *go = json_str(a, "go");

		has_continue |= go && strcmp(go, "continue") == 0;
	}
	CHECK(!has_continue); /* a sent plan cannot be carried on */
	cJSON_Delete(m);

	m = ask(c, "{\"type\":\"go\",\"to\":\"continue\"}");
	CHECK(is_msg(m, "page", "status"));
	CHECK_STR(json_str(m, "page.status"), "submitted");
	cJSON_Delete(m);
	m = ask(c, "{\"type\":\"go\",\"to\":\"check\"}");
	CHECK(is_msg(m, "page", "check"));
	CHECK(check_row(m, "like-admire") && json_str(check_row(m, "like-admire"), "answer.text") &&
	      strcmp(json_str(check_row(m, "like-admire"), "answer.text"),
		     "I make people laugh.") == 0);
	cJSON_Delete(m);
	m = ask(c, "{\"type\":\"go\",\"to\":\"status\"}");
	CHECK(is_msg(m, "page", "status"));
	CHECK_STR(json_str(m, "page.status"), "submitted");
	CHECK_STR(json_str(m, "page.status_text.id"), "msg/status.submitted");
	CHECK(json_str(m, "page.status_text.text") != NULL);
	cJSON_Delete(m);
	CHECK(
	    ask_is(c, "error", "already-sent",
		   "{\"type\":\"answer\",\"seq\":2,\"page\":\"like-admire\",\"value\":\"again\"}"));
	wsclient_free(c);
}

/* ---- 5: bad input ---- */

typedef struct probe_plan {
	wsclient *c;
	char code[CODE_MAX];
	long long budget_item;
	long long action_item;
} probe_plan;

/* A plan with known answers to prove that nothing changes. */
static int probe_plan_open(probe_plan *p)
{
	cJSON *m;

	memset(p, 0, sizeof(*p));
	p->c = connect_new_plan(p->code);
	if (!p->c)
		return -1;
	if (!ask_is(p->c, "saved", "like-admire",
		    "{\"type\":\"answer\",\"seq\":2,\"page\":\"like-admire\",\"value\":"
		    "\"baseline\"}") ||
	    !ask_is(p->c, "saved", "managing",
		    "{\"type\":\"answer\",\"seq\":3,\"page\":\"managing\",\"value\":\"council\"}"))
		return -1;
	m = ask(p->c, "{\"type\":\"item_add\",\"seq\":4,\"page\":\"budget\"}");
	p->budget_item = editing_id(m);
	cJSON_Delete(m);
	m = ask(p->c, "{\"type\":\"item_add\",\"seq\":5,\"page\":\"actions\"}");
	p->action_item = editing_id(m);
	cJSON_Delete(m);
	if (!p->budget_item || !p->action_item ||
	    !ask_is(p->c, "saved", "budget",
		    "{\"type\":\"answer\",\"seq\":6,\"page\":\"budget\",\"item\":%lld,"
		    "\"field\":\"cost\",\"value\":\"3.50\"}",
		    p->budget_item) ||
	    !ask_is(p->c, "saved", "actions",
		    "{\"type\":\"answer\",\"seq\":7,\"page\":\"actions\",\"item\":%lld,"
		    "\"field\":\"when\",\"value\":\"2026-05-31\"}",
		    p->action_item))
		return -1;
	return 0;
}

/* The connection still answers, and the plan is as it was. */
static int probe_unchanged(probe_plan *p)
{
	return same(read_back(p->c, "like-admire"), "baseline") &&
	       same(read_back(p->c, "managing"), "council") &&
	       same(read_item(p->c, "budget", p->budget_item, "cost"), "3.50") &&
	       same(read_item(p->c, "actions", p->action_item, "when"), "2026-05-31");
}

/* Sends msg; the reply must be error `code` (with seq `seq`, or no seq when seq < 0) in plain
 * words; then the connection must still work and nothing must have changed. */
static int bad_input(probe_plan *p, const char *msg, size_t len, const char *code, long long seq)
{
	cJSON *m;
	int ok;

	if (wsclient_send_frame(p->c, 1, WS_OP_TEXT, msg, len, 1))
		return 0;
	m = wsclient_recv_json(p->c, WAIT_MS);
	ok = is_msg(m, "error", code) && plain_message(m) &&
	     (seq < 0 ? json_at(m, "seq") == NULL : json_num(m, "seq", -1) == (double)seq);
	if (!ok)
		fprintf(stderr, "  (in reply to %.300s)\n", msg);
	cJSON_Delete(m);
	return ok && !wsclient_closed(p->c) && probe_unchanged(p);
}

/* bad_input() with a printf-formatted message. */
static int bad(probe_plan *p, const char *code, long long seq, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int bad(probe_plan *p, const char *code, long long seq, const char *fmt, ...)
{
	va_list ap;
	char *msg;
	int ok;

	va_start(ap, fmt);
	msg = test_vformat(fmt, ap);
	va_end(ap);
	ok = msg && bad_input(p, msg, strlen(msg), code, seq);
	free(msg);
	return ok;
}

static void malformed_messages_should_get_their_error_and_change_nothing(void)
{
	probe_plan p;

	CHECK(probe_plan_open(&p) == 0);
	if (!p.c)
		return;
	CHECK(probe_unchanged(&p));

	/* not JSON, or not an object */
	CHECK(bad(&p, "bad-json", -1, "{\"type\":\"answer\",\"seq\":1,\"page\":\"like-admire\","));
	CHECK(bad(&p, "bad-json", -1, "this is not json"));
	CHECK(bad(&p, "bad-json", -1, "%s", ""));
	CHECK(bad(&p, "bad-json", -1,
		  "[{\"type\":\"answer\",\"page\":\"like-admire\",\"value\":\"array\"}]"));
	CHECK(bad(&p, "bad-json", -1, "\"answer\""));
	CHECK(bad(&p, "bad-json", -1, "null"));

	/* type */
	CHECK(bad(&p, "unknown-type", 20, "{\"type\":\"fly\",\"seq\":20}"));
	CHECK(bad(&p, "unknown-type", 21,
		  "{\"seq\":21,\"page\":\"like-admire\",\"value\":\"no type\"}"));
	CHECK(bad(&p, "unknown-type", 22, "{\"type\":42,\"seq\":22}"));
	CHECK(bad(&p, "unknown-type", 23,
		  "{\"type\":\"ANSWER\",\"seq\":23,\"page\":\"like-admire\","
		  "\"value\":\"upper\"}"));

	/* missing and mistyped fields */
	CHECK(bad(&p, "bad-message", 30,
		  "{\"type\":\"answer\",\"seq\":30,\"page\":\"like-admire\"}"));
	CHECK(bad(&p, "bad-message", 31, "{\"type\":\"answer\",\"seq\":31,\"value\":\"no page\"}"));
	CHECK(bad(&p, "bad-message", 32,
		  "{\"type\":\"answer\",\"seq\":32,\"page\":\"like-admire\",\"value\":42}"));
	CHECK(bad(&p, "bad-message", 33,
		  "{\"type\":\"answer\",\"seq\":33,\"page\":\"like-admire\",\"value\":null}"));
	CHECK(bad(&p, "bad-message", 34,
		  "{\"type\":\"answer\",\"seq\":34,\"page\":[\"like-admire\"],\"value\":\"x\"}"));
	CHECK(bad(&p, "bad-message", -1,
		  "{\"type\":\"answer\",\"seq\":\"35\",\"page\":\"like-admire\",\"value\":\"seq "
		  "text\"}"));
	CHECK(
	    bad(&p, "bad-message", -1,
		"{\"type\":\"answer\",\"seq\":-1,\"page\":\"like-admire\",\"value\":\"seq neg\"}"));
	CHECK(bad(
	    &p, "bad-message", -1,
	    "{\"type\":\"answer\",\"seq\":1.5,\"page\":\"like-admire\",\"value\":\"seq frac\"}"));
	CHECK(bad(
	    &p, "bad-message", -1,
	    "{\"type\":\"answer\",\"seq\":1e300,\"page\":\"like-admire\",\"value\":\"seq huge\"}"));
	CHECK(bad(&p, "bad-message", 36,
		  "{\"type\":\"answer\",\"seq\":36,\"page\":\"budget\",\"item\":%lld.5,"
		  "\"field\":\"cost\",\"value\":\"1\"}",
		  p.budget_item));
	CHECK(bad(&p, "bad-message", 37,
		  "{\"type\":\"answer\",\"seq\":37,\"page\":\"budget\",\"item\":\"%lld\","
		  "\"field\":\"cost\",\"value\":\"1\"}",
		  p.budget_item));
	CHECK(bad(&p, "bad-message", 38,
		  "{\"type\":\"answer\",\"seq\":38,\"page\":\"budget\",\"item\":-%lld,"
		  "\"field\":\"cost\",\"value\":\"1\"}",
		  p.budget_item));
	CHECK(bad(&p, "bad-message", 39,
		  "{\"type\":\"answer\",\"seq\":39,\"page\":\"budget\",\"item\":%lld,"
		  "\"field\":7,\"value\":\"1\"}",
		  p.budget_item));
	CHECK(bad(&p, "bad-message", 40, "{\"type\":\"go\",\"seq\":40,\"to\":3}"));
	CHECK(bad(&p, "bad-message", 41, "{\"type\":\"go\",\"seq\":41}"));
	CHECK(bad(&p, "bad-message", 42, "{\"type\":\"code\",\"seq\":42,\"code\":4827}"));
	CHECK(bad(&p, "bad-message", 43,
		  "{\"type\":\"item_remove\",\"seq\":43,\"page\":\"budget\",\"item\":0.5}"));
	CHECK(bad(&p, "bad-message", 44,
		  "{\"type\":\"item_remove\",\"seq\":44,\"page\":\"budget\"}"));
	CHECK(
	    bad(&p, "bad-message", 45, "{\"type\":\"item_edit\",\"seq\":45,\"page\":\"budget\"}"));

	/* over a field's limit (counted in letters) */
	{
		buf b = BUF_INIT;

		buf_puts(&b,
			 "{\"type\":\"answer\",\"seq\":50,\"page\":\"like-admire\",\"value\":\"");
		for (int i = 0; i < 2001; i++)
			buf_puts(&b, "a");
		buf_puts(&b, "\"}");
		CHECK(bad_input(&p, b.data, b.len, "too-long", 50));
		buf_reset(&b);
		buf_puts(&b,
			 "{\"type\":\"answer\",\"seq\":51,\"page\":\"like-admire\",\"value\":\"");
		for (int i = 0; i < 2001; i++)
			buf_puts(&b, "ŵ");
		buf_puts(&b, "\"}");
		CHECK(bad_input(&p, b.data, b.len, "too-long", 51));
		buf_reset(&b);
		buf_puts(&b, "{\"type\":\"answer\",\"seq\":52,\"page\":\"budget\",\"item\":");
		buf_printf(&b, "%lld,\"field\":\"what\",\"value\":\"", p.budget_item);
		for (int i = 0; i < 201; i++)
			buf_puts(&b, "w");
		buf_puts(&b, "\"}");
		CHECK(bad_input(&p, b.data, b.len, "too-long", 52));
		buf_release(&b);
	}
	{
		cJSON *m;
		buf b = BUF_INIT;

		buf_puts(
		    &b,
		    "{\"type\":\"answer\",\"seq\":53,\"page\":\"emergency-contact\",\"value\":\"");
		for (int i = 0; i < 201; i++)
			buf_puts(&b, "e");
		buf_puts(&b, "\"}");
		m = wsclient_ask(p.c, b.data, WAIT_MS);
		CHECK(is_msg(m, "error", "too-long"));
		CHECK(json_str(m, "message") && strstr(json_str(m, "message"), "200"));
		cJSON_Delete(m);
		buf_release(&b);
	}

	/* pages and options that do not exist, or do not take this answer */
	CHECK(bad(&p, "bad-field", 60,
		  "{\"type\":\"answer\",\"seq\":60,\"page\":\"managing\",\"value\":\"lottery\"}"));
	CHECK(bad(&p, "bad-field", 61,
		  "{\"type\":\"answer\",\"seq\":61,\"page\":\"unsafe\",\"value\":\"maybe\"}"));
	CHECK(bad(&p, "bad-field", 62,
		  "{\"type\":\"answer\",\"seq\":62,\"page\":\"no-such-page\",\"value\":\"x\"}"));
	CHECK(bad(&p, "bad-field", 63,
		  "{\"type\":\"answer\",\"seq\":63,\"page\":\"welcome\",\"value\":\"x\"}"));
	CHECK(bad(&p, "bad-field", 64,
		  "{\"type\":\"answer\",\"seq\":64,\"page\":\"budget\",\"value\":\"no item\"}"));
	CHECK(bad(&p, "bad-field", 65,
		  "{\"type\":\"answer\",\"seq\":65,\"page\":\"budget\",\"item\":%lld,"
		  "\"field\":\"colour\",\"value\":\"red\"}",
		  p.budget_item));
	CHECK(bad(&p, "bad-field", 66,
		  "{\"type\":\"answer\",\"seq\":66,\"page\":\"like-admire\",\"item\":%lld,"
		  "\"field\":\"what\",\"value\":\"x\"}",
		  p.budget_item));
	CHECK(bad(&p, "bad-field", 67, "{\"type\":\"go\",\"seq\":67,\"to\":\"no-such-page\"}"));
	CHECK(bad(&p, "bad-field", 68,
		  "{\"type\":\"item_add\",\"seq\":68,\"page\":\"like-admire\"}"));

	/* amounts and dates */
	CHECK(bad(&p, "bad-money", 70,
		  "{\"type\":\"answer\",\"seq\":70,\"page\":\"budget\",\"item\":%lld,"
		  "\"field\":\"cost\",\"value\":\"lots\"}",
		  p.budget_item));
	CHECK(bad(&p, "bad-money", 71,
		  "{\"type\":\"answer\",\"seq\":71,\"page\":\"budget\",\"item\":%lld,"
		  "\"field\":\"cost\",\"value\":\"-5\"}",
		  p.budget_item));
	CHECK(bad(&p, "bad-money", 72,
		  "{\"type\":\"answer\",\"seq\":72,\"page\":\"budget\",\"item\":%lld,"
		  "\"field\":\"cost\",\"value\":\"12.345\"}",
		  p.budget_item));
	CHECK(bad(&p, "bad-date", 73,
		  "{\"type\":\"answer\",\"seq\":73,\"page\":\"actions\",\"item\":%lld,"
		  "\"field\":\"when\",\"value\":\"31/12/2026\"}",
		  p.action_item));
	CHECK(bad(&p, "bad-date", 74,
		  "{\"type\":\"answer\",\"seq\":74,\"page\":\"actions\",\"item\":%lld,"
		  "\"field\":\"when\",\"value\":\"2026-02-30\"}",
		  p.action_item));

	/* entries that do not exist in this plan */
	CHECK(bad(&p, "no-item", 80,
		  "{\"type\":\"answer\",\"seq\":80,\"page\":\"budget\",\"item\":987654321,"
		  "\"field\":\"cost\",\"value\":\"1\"}"));
	CHECK(bad(&p, "no-item", 81,
		  "{\"type\":\"answer\",\"seq\":81,\"page\":\"actions\",\"item\":%lld,"
		  "\"field\":\"when\",\"value\":\"2026-01-01\"}",
		  p.budget_item)); /* a budget entry is not an action */

	/* a plan is already open */
	CHECK(bad(&p, "not-allowed", 90, "{\"type\":\"new_plan\",\"seq\":90}"));
	CHECK(bad(&p, "not-allowed", 91, "{\"type\":\"code\",\"seq\":91,\"code\":\"%s\"}", p.code));

	wsclient_free(p.c);
}

/* "{...} trailing" and "{...}{...}" are not one JSON object: nothing of them may be stored. */
static void json_with_anything_after_the_object_should_be_bad_json(void)
{
	probe_plan p;

	CHECK(probe_plan_open(&p) == 0);
	if (!p.c)
		return;
	CHECK(ask_is(p.c, "error", "bad-json",
		     "{\"type\":\"answer\",\"seq\":1,\"page\":\"important-routines\","
		     "\"value\":\"trailing\"} and more"));
	CHECK(ask_is(p.c, "error", "bad-json",
		     "{\"type\":\"answer\",\"seq\":2,\"page\":\"important-routines\","
		     "\"value\":\"first\"}{\"type\":\"answer\",\"seq\":3,"
		     "\"page\":\"important-routines\",\"value\":\"second\"}"));
	CHECK(same(read_back(p.c, "important-routines"), ""));
	CHECK(probe_unchanged(&p));
	wsclient_free(p.c);
}

static void text_should_be_counted_in_letters_and_kept_exactly(void)
{
	probe_plan p;
	buf b = BUF_INIT, want = BUF_INIT;

	CHECK(probe_plan_open(&p) == 0);
	if (!p.c)
		return;
	/* 2000 two-byte letters fit a 2000-letter limit */
	for (int i = 0; i < 2000; i++)
		buf_puts(&want, "ŵ");
	buf_printf(&b, "{\"type\":\"answer\",\"seq\":1,\"page\":\"important\",\"value\":\"%s\"}",
		   want.data);
	CHECK(ask_is(p.c, "saved", "important", "%s", b.data));
	CHECK(same(read_back(p.c, "important"), want.data));
	/* Welsh, an emoji, quotes, a backslash, a newline, and brackets that are only text */
	CHECK(ask_is(p.c, "saved", "important-places",
		     "{\"type\":\"answer\",\"seq\":2,\"page\":\"important-places\","
		     "\"value\":\"Cymraeg: ŵŷ and 😀 \\\"quoted\\\" back\\\\slash\\nnew line "
		     "[[[[[[[[[[{{{{{{{{{{\"}"));
	CHECK(same(read_back(p.c, "important-places"),
		   "Cymraeg: ŵŷ and 😀 \"quoted\" back\\slash\nnew line [[[[[[[[[[{{{{{{{{{{"));
	/* JSON escapes for non-ASCII arrive as the letters themselves */
	CHECK(ask_is(p.c, "saved", "important-things",
		     "{\"type\":\"answer\",\"seq\":3,\"page\":\"important-things\","
		     "\"value\":\"\\u0175 \\ud83d\\ude00\"}"));
	CHECK(same(read_back(p.c, "important-things"), "ŵ 😀"));
	/* an answer can be emptied */
	CHECK(
	    ask_is(p.c, "saved", "important-things",
		   "{\"type\":\"answer\",\"seq\":4,\"page\":\"important-things\",\"value\":\"\"}"));
	CHECK(same(read_back(p.c, "important-things"), ""));
	CHECK(probe_unchanged(&p));
	buf_release(&b);
	buf_release(&want);
	wsclient_free(p.c);
}

/* JSON can carry U+0000 inside a string ("\u0000"); C strings cannot, and the JSON parser would
 * keep a raw NUL or control byte. Such an answer is refused as bad-json: never acknowledged as
 * `saved` and then kept cut short. */
static void an_answer_holding_a_nul_or_a_control_byte_should_get_bad_json_and_change_nothing(void)
{
	static const char raw_nul[] = "{\"type\":\"answer\",\"seq\":1,\"page\":\"important\","
				      "\"value\":\"before\0after\"}";
	probe_plan p;

	CHECK(probe_plan_open(&p) == 0);
	if (!p.c)
		return;
	CHECK(bad_input(&p, raw_nul, sizeof(raw_nul) - 1, "bad-json", -1));
	CHECK(bad(&p, "bad-json", -1,
		  "{\"type\":\"answer\",\"seq\":2,\"page\":\"important\","
		  "\"value\":\"before\\u0000after\"}"));
	CHECK(bad(&p, "bad-json", -1,
		  "{\"type\":\"answer\",\"seq\":3,\"page\":\"important\","
		  "\"value\":\"before\x01\x1f\x7f\nafter\"}"));
	CHECK(bad(&p, "bad-json", -1,
		  "{\"type\":\"answer\",\"seq\":4,\x0b\"page\":\"important\","
		  "\"value\":\"whole\"}"));
	CHECK(same(read_back(p.c, "important"), ""));
	/* the same answer, written as JSON allows, is saved whole */
	CHECK(ask_is(p.c, "saved", "important",
		     "{\"type\":\"answer\",\"seq\":5,\"page\":\"important\","
		     "\"value\":\"before\\nafter\"}"));
	CHECK(same(read_back(p.c, "important"), "before\nafter"));
	wsclient_free(p.c);
}

static void invalid_utf8_should_get_bad_utf8_and_the_connection_should_stay_open(void)
{
	static const char *const bad_texts[] = {
	    "{\"type\":\"answer\",\"seq\":1,\"page\":\"like-admire\",\"value\":\"\xff\xfe\"}",
	    "{\"type\":\"answer\",\"seq\":2,\"page\":\"like-admire\",\"value\":\"\xc3\x28\"}",
	    "{\"type\":\"answer\",\"seq\":3,\"page\":\"like-admire\",\"value\":\"\xc0\xaf\"}",
	    "{\"type\":\"answer\",\"seq\":4,\"page\":\"like-admire\",\"value\":\"\xed\xa0\x80\"}",
	    ("{\"type\":\"answer\",\"seq\":5,\"page\":\"like-admire\",\"value\":"
	     "\"\xf4\x90\x80\x80\"}"),
	    "{\"type\":\"answer\",\"seq\":6,\"page\":\"like-admire\",\"value\":\"cut \xe2\x82\"}",
	};
	probe_plan p;

	CHECK(probe_plan_open(&p) == 0);
	if (!p.c)
		return;
	for (size_t i = 0; i < sizeof(bad_texts) / sizeof(*bad_texts); i++)
		CHECK(bad_input(&p, bad_texts[i], strlen(bad_texts[i]), "bad-utf8", -1));
	wsclient_free(p.c);
}

static void a_binary_frame_should_get_bad_message_and_change_nothing(void)
{
	static const char msg[] =
	    "{\"type\":\"answer\",\"seq\":1,\"page\":\"like-admire\",\"value\":\"binary\"}";
	probe_plan p;
	cJSON *m;

	CHECK(probe_plan_open(&p) == 0);
	if (!p.c)
		return;
	CHECK(wsclient_send_frame(p.c, 1, WS_OP_BINARY, msg, strlen(msg), 1) == 0);
	m = wsclient_recv_json(p.c, WAIT_MS);
	CHECK(is_msg(m, "error", "bad-message"));
	CHECK(plain_message(m));
	cJSON_Delete(m);
	CHECK(!wsclient_closed(p.c));
	CHECK(probe_unchanged(&p));
	wsclient_free(p.c);
}

/* {"type":"answer",...,"x":[[[...]]]} nested `depth` deep in all. */
static void nested(buf *b, int depth, long long seq)
{
	buf_reset(b);
	buf_printf(
	    b,
	    "{\"type\":\"answer\",\"seq\":%lld,\"page\":\"like-admire\",\"value\":\"deep %d\","
	    "\"x\":",
	    seq, depth);
	for (int i = 1; i < depth; i++)
		buf_puts(b, "[");
	buf_puts(b, "1");
	for (int i = 1; i < depth; i++)
		buf_puts(b, "]");
	buf_puts(b, "}");
}

static void json_nested_too_deep_should_get_too_deep(void)
{
	probe_plan p;
	buf b = BUF_INIT;

	CHECK(probe_plan_open(&p) == 0);
	if (!p.c)
		return;
	nested(&b, 20, 1);
	CHECK(bad_input(&p, b.data, b.len, "too-deep", -1));
	nested(&b, 9, 2);
	CHECK(bad_input(&p, b.data, b.len, "too-deep", -1));
	/* eight levels are allowed (and the extra field is ignored) */
	nested(&b, 8, 3);
	CHECK(ask_is(p.c, "saved", "like-admire", "%s", b.data));
	CHECK(same(read_back(p.c, "like-admire"), "deep 8"));
	buf_release(&b);
	wsclient_free(p.c);
}

/* An answer to like-admire of exactly `size` bytes (value padded). */
static void sized_answer(buf *b, size_t size, long long seq)
{
	buf_reset(b);
	buf_printf(b, "{\"type\":\"answer\",\"seq\":%lld,\"page\":\"like-admire\",\"value\":\"",
		   seq);
	while (b->len + 2 < size)
		buf_puts(b, "a");
	buf_puts(b, "\"}");
}

static void a_message_over_64_kib_should_get_too_big_then_close_1009(void)
{
	probe_plan p;
	buf b = BUF_INIT;
	wsclient *c2;
	cJSON *m;

	CHECK(probe_plan_open(&p) == 0);
	if (!p.c)
		return;
	/* exactly 64 KiB is read (and is too long an answer) */
	sized_answer(&b, 65536, 1);
	CHECK(b.len == 65536);
	CHECK(bad_input(&p, b.data, b.len, "too-long", 1));

	/* one byte more is too big: error, then close 1009 */
	sized_answer(&b, 65537, 2);
	CHECK(wsclient_send_frame(p.c, 1, WS_OP_TEXT, b.data, b.len, 1) == 0);
	m = wsclient_recv_json(p.c, WAIT_MS);
	CHECK(is_msg(m, "error", "too-big"));
	CHECK(plain_message(m));
	cJSON_Delete(m);
	CHECK(wsclient_wait_close(p.c, WAIT_MS) == 1009);
	wsclient_free(p.c);

	/* the same in many small fragments */
	c2 = connect_fresh();
	CHECK(c2 != NULL);
	if (c2) {
		size_t off = 0, step = 4000;

		sized_answer(&b, 100000, 3);
		while (off < b.len) {
			size_t n = b.len - off < step ? b.len - off : step;

			wsclient_send_frame(c2, off + n == b.len, off ? WS_OP_CONT : WS_OP_TEXT,
					    b.data + off, n, 1);
			off += n;
		}
		m = wsclient_recv_json(c2, WAIT_MS);
		CHECK(is_msg(m, "error", "too-big"));
		cJSON_Delete(m);
		CHECK(wsclient_wait_close(c2, WAIT_MS) == 1009);
		wsclient_free(c2);
	}

	/* the server still serves, and the plan is as it was */
	c2 = connect_fresh();
	CHECK(c2 != NULL);
	if (c2) {
		CHECK(ask_is(c2, "page", "who", "{\"type\":\"go\",\"to\":\"next\"}"));
		CHECK(ask_is(c2, "page", "code", "{\"type\":\"go\",\"to\":\"next\"}"));
		CHECK(ask_is(c2, "page", "welcome-back", "{\"type\":\"code\",\"code\":\"%s\"}",
			     p.code));
		p.c = c2;
		CHECK(probe_unchanged(&p));
		wsclient_free(c2);
	}
	buf_release(&b);
}

static void a_fragmented_message_should_be_joined_and_handled(void)
{
	static const char msg[] =
	    "{\"type\":\"answer\",\"seq\":77,\"page\":\"like-admire\",\"value\":\"in ŵ pieces\"}";
	probe_plan p;
	size_t len = strlen(msg), cut = (size_t)(strstr(msg, "ŵ") - msg) + 1;
	cJSON *m;

	CHECK(probe_plan_open(&p) == 0);
	if (!p.c)
		return;
	/* three frames, the second ending inside a two-byte letter, a ping in between */
	CHECK(wsclient_send_frame(p.c, 0, WS_OP_TEXT, msg, 20, 1) == 0);
	CHECK(wsclient_send_frame(p.c, 1, WS_OP_PING, "hi", 2, 1) == 0);
	CHECK(wsclient_send_frame(p.c, 0, WS_OP_CONT, msg + 20, cut - 20, 1) == 0);
	CHECK(wsclient_send_frame(p.c, 1, WS_OP_CONT, msg + cut, len - cut, 1) == 0);
	m = wsclient_recv_json(p.c, WAIT_MS);
	CHECK(is_msg(m, "saved", "like-admire"));
	CHECK(json_num(m, "seq", -1) == 77);
	cJSON_Delete(m);
	CHECK(same(read_back(p.c, "like-admire"), "in ŵ pieces"));

	/* two messages back to back are two messages */
	{
		static const char a1[] =
		    "{\"type\":\"answer\",\"seq\":78,\"page\":\"like-admire\",\"value\":\"one\"}";
		static const char a2[] =
		    "{\"type\":\"answer\",\"seq\":79,\"page\":\"important\",\"value\":\"two\"}";
		wsclient_send_frame(p.c, 1, WS_OP_TEXT, a1, strlen(a1), 1);
		wsclient_send_frame(p.c, 1, WS_OP_TEXT, a2, strlen(a2), 1);
		m = wsclient_recv_json(p.c, WAIT_MS);
		CHECK(is_msg(m, "saved", "like-admire") && json_num(m, "seq", -1) == 78);
		cJSON_Delete(m);
		m = wsclient_recv_json(p.c, WAIT_MS);
		CHECK(is_msg(m, "saved", "important") && json_num(m, "seq", -1) == 79);
		cJSON_Delete(m);
		CHECK(same(read_back(p.c, "like-admire"), "one"));
		CHECK(same(read_back(p.c, "important"), "two"));
	}
	wsclient_free(p.c);
}

static void actions_before_a_plan_is_open_should_get_no_plan(void)
{
	wsclient *c = connect_fresh();
	cJSON *m;

	CHECK(c != NULL);
	if (!c)
		return;
	CHECK(ask_is(
	    c, "error", "no-plan",
	    "{\"type\":\"answer\",\"seq\":1,\"page\":\"like-admire\",\"value\":\"too soon\"}"));
	CHECK(ask_is(c, "error", "no-plan", "{\"type\":\"send\",\"seq\":2}"));
	CHECK(
	    ask_is(c, "error", "no-plan", "{\"type\":\"item_add\",\"seq\":3,\"page\":\"budget\"}"));
	CHECK(ask_is(c, "error", "no-plan",
		     "{\"type\":\"item_remove\",\"seq\":4,\"page\":\"budget\",\"item\":1}"));
	CHECK(ask_is(c, "error", "no-plan", "{\"type\":\"review_request\",\"seq\":5}"));
	CHECK(ask_is(c, "error", "no-plan", "{\"type\":\"go\",\"seq\":6,\"to\":\"like-admire\"}"));
	CHECK(ask_is(c, "error", "no-plan", "{\"type\":\"go\",\"seq\":7,\"to\":\"check\"}"));
	CHECK(ask_is(c, "error", "no-plan",
		     "{\"type\":\"answer\",\"seq\":8,\"page\":\"budget\",\"item\":1,"
		     "\"field\":\"what\",\"value\":\"x\"}"));
	/* still usable: the journey goes on */
	m = ask(c, "{\"type\":\"go\",\"seq\":9,\"to\":\"next\"}");
	CHECK(is_msg(m, "page", "who"));
	CHECK(json_num(m, "seq", -1) == 9);
	cJSON_Delete(m);
	CHECK(ask_is(c, "kept", "who",
		     "{\"type\":\"answer\",\"seq\":10,\"page\":\"who\",\"value\":\"me\"}"));
	CHECK(ask_is(c, "page", "code", "{\"type\":\"go\",\"to\":\"next\"}"));
	CHECK(ask_is(c, "error", "no-plan", "{\"type\":\"go\",\"seq\":11,\"to\":\"next\"}"));
	wsclient_free(c);
}

static void an_entry_of_someone_elses_plan_should_get_no_item_and_stay_untouched(void)
{
	probe_plan p;
	wsclient *other;
	long long theirs;
	cJSON *m;

	CHECK(probe_plan_open(&p) == 0);
	other = connect_new_plan(NULL);
	CHECK(other != NULL);
	if (!p.c || !other) {
		wsclient_free(p.c);
		wsclient_free(other);
		return;
	}
	m = ask(other, "{\"type\":\"item_add\",\"seq\":2,\"page\":\"budget\"}");
	theirs = editing_id(m);
	CHECK(theirs > 0);
	cJSON_Delete(m);
	CHECK(ask_is(other, "saved", "budget",
		     "{\"type\":\"answer\",\"seq\":3,\"page\":\"budget\",\"item\":%lld,"
		     "\"field\":\"cost\",\"value\":\"7\"}",
		     theirs));

	CHECK(bad(&p, "no-item", 10,
		  "{\"type\":\"answer\",\"seq\":10,\"page\":\"budget\",\"item\":%lld,"
		  "\"field\":\"cost\",\"value\":\"99\"}",
		  theirs));
	CHECK(bad(&p, "no-item", 11,
		  "{\"type\":\"answer\",\"seq\":11,\"page\":\"budget\",\"item\":%lld,"
		  "\"field\":\"what\",\"value\":\"mine now\"}",
		  theirs));
	CHECK(bad(&p, "no-item", 12,
		  "{\"type\":\"item_remove\",\"seq\":12,\"page\":\"budget\",\"item\":%lld}",
		  theirs));
	CHECK(bad(&p, "no-item", 13,
		  "{\"type\":\"item_edit\",\"seq\":13,\"page\":\"budget\",\"item\":%lld}", theirs));
	/* the other plan's entry is as it was, and not in this plan's list */
	CHECK(same(read_item(other, "budget", theirs, "cost"), "7.00"));
	CHECK(same(read_item(other, "budget", theirs, "what"), ""));
	m = ask(p.c, "{\"type\":\"item_done\",\"page\":\"budget\"}");
	CHECK(json_count(m, "page.items") == 1);
	CHECK(json_num(m, "page.items.0.id", 0) == (double)p.budget_item);
	cJSON_Delete(m);
	m = ask(other, "{\"type\":\"item_done\",\"page\":\"budget\"}");
	CHECK(json_count(m, "page.items") == 1);
	CHECK(json_num(m, "page.total.total_pence", -1) == 700);
	cJSON_Delete(m);
	wsclient_free(p.c);
	wsclient_free(other);
}

/* ---- 6: wrong codes are rate limited (on a server of their own) ---- */

static int seconds_in(const cJSON *m)
{
	const char *msg = json_str(m, "message");
	const char *d = msg ? strpbrk(msg, "0123456789") : NULL;

	return d && strstr(msg, "seconds") ? atoi(d) : 0;
}

static void wrong_codes_should_be_rate_limited_per_connection_and_per_address(void)
{
	testsrv s2;
	wsclient *c[8] = {NULL};
	wsclient *elsewhere;
	wsclient_opts from2 = {NULL, NULL, "127.0.0.2"};
	static const char *const kiosk_flags[] = {"--idle-seconds", "60", "--warn-seconds", "10",
						  NULL};
	cJSON *m;
	int tries = 0;

	CHECK(testsrv_start(&s2, PLANALOUD_BINARY, NULL, 1, kiosk_flags) == 0);
	if (!s2.pid)
		return;
	for (int i = 0; i < 8; i++) {
		c[i] = wsclient_connect(HOST, s2.port, NULL);
		CHECK(c[i] != NULL);
		if (!c[i])
			goto out;
		m = wsclient_recv_json(c[i], WAIT_MS);
		/* the kiosk flags reach the page */
		CHECK(json_num(m, "kiosk.idle_seconds", 0) == 60);
		CHECK(json_num(m, "kiosk.warn_seconds", 0) == 10);
		cJSON_Delete(m);
		cJSON_Delete(wsclient_recv_json(c[i], WAIT_MS));
	}

	/* one connection: three wrong codes, then it must wait, even with the right code */
	for (int k = 0; k < 3; k++, tries++)
		CHECK(ask_is(c[0], "error", "wrong-code",
			     "{\"type\":\"code\",\"seq\":%d,\"code\":\"apple river boat 234%d\"}",
			     k, k));
	m = ask(c[0], "{\"type\":\"code\",\"seq\":9,\"code\":\"%s\"}", s2.code);
	CHECK(is_msg(m, "error", "slow-down"));
	CHECK(json_num(m, "seq", -1) == 9);
	CHECK(plain_message(m));
	CHECK(seconds_in(m) > 0);
	cJSON_Delete(m);
	/* ... while another connection from the same address may still use the right code */
	m = ask(c[7], "{\"type\":\"code\",\"seq\":1,\"code\":\"%s\"}", s2.code);
	CHECK(is_msg(m, "page", NULL));
	cJSON_Delete(m);

	/* one address: 20 wrong codes over several connections, then everyone there waits */
	for (int i = 1; i < 7 && tries < 20; i++)
		for (int k = 0; k < 3 && tries < 20; k++, tries++)
			CHECK(ask_is(
			    c[i], "error", "wrong-code",
			    "{\"type\":\"code\",\"seq\":%d,\"code\":\"apple river boat 25%d%d\"}",
			    k, i, k));
	CHECK(tries == 20);
	wsclient_free(c[0]);
	c[0] = wsclient_connect(HOST, s2.port, NULL);
	CHECK(c[0] != NULL);
	if (!c[0])
		goto out;
	cJSON_Delete(wsclient_recv_json(c[0], WAIT_MS));
	cJSON_Delete(wsclient_recv_json(c[0], WAIT_MS));
	m = ask(c[0], "{\"type\":\"code\",\"seq\":5,\"code\":\"%s\"}", s2.code);
	CHECK(is_msg(m, "error", "slow-down"));
	CHECK(seconds_in(m) > 60);
	cJSON_Delete(m);
	m = ask(c[6], "{\"type\":\"code\",\"seq\":6,\"code\":\"%s\"}", s2.code);
	CHECK(is_msg(m, "error", "slow-down"));
	cJSON_Delete(m);
	/* the limit is per address: another address is not held up */
	elsewhere = wsclient_open(HOST, s2.port, &from2, NULL);
	CHECK(elsewhere != NULL);
	if (elsewhere) {
		cJSON_Delete(wsclient_recv_json(elsewhere, WAIT_MS));
		cJSON_Delete(wsclient_recv_json(elsewhere, WAIT_MS));
		m = ask(elsewhere, "{\"type\":\"code\",\"seq\":7,\"code\":\"%s\"}", s2.code);
		CHECK(is_msg(m, "page", NULL));
		cJSON_Delete(m);
		wsclient_free(elsewhere);
	}
	/* a connection that is waiting still works for everything else */
	CHECK(ask_is(c[0], "page", "who", "{\"type\":\"go\",\"to\":\"next\"}"));
out:
	for (int i = 0; i < 8; i++)
		wsclient_free(c[i]);
	CHECK(testsrv_alive(&s2));
	testsrv_stop(&s2);
	testsrv_cleanup(&s2);
}

/* ---- 7: Origin ---- */

/* DNS rebinding: a page on evil.example whose name resolves to this machine sends an Origin and a
 * Host that agree with each other, so only a Host allow-list can tell. */
static void a_page_on_another_name_that_resolves_here_should_be_refused(void)
{
	static const char *const extra[] = {"--host", "plans.example", NULL};
	char origin[128], host[128];
	wsclient_opts o = {origin, host, NULL};
	testsrv s2;
	wsclient *c;
	int status = -1;

	snprintf(origin, sizeof(origin), "http://evil.example:%d", srv.port);
	snprintf(host, sizeof(host), "evil.example:%d", srv.port);
	c = wsclient_open(HOST, srv.port, &o, &status);
	CHECK(c == NULL);
	CHECK(status != 101);
	wsclient_free(c);

	/* the name the council gives with --host is let in, in any case */
	CHECK(testsrv_start(&s2, PLANALOUD_BINARY, NULL, 0, extra) == 0);
	snprintf(origin, sizeof(origin), "http://Plans.Example:%d", s2.port);
	snprintf(host, sizeof(host), "Plans.Example:%d", s2.port);
	c = wsclient_open(HOST, s2.port, &o, &status);
	CHECK(c != NULL);
	CHECK(status == 101);
	wsclient_free(c);
	snprintf(origin, sizeof(origin), "http://evil.example:%d", s2.port);
	snprintf(host, sizeof(host), "evil.example:%d", s2.port);
	c = wsclient_open(HOST, s2.port, &o, &status);
	CHECK(c == NULL);
	wsclient_free(c);
	testsrv_stop(&s2);
	testsrv_cleanup(&s2);
}

static void a_forged_origin_should_be_refused_and_the_own_origin_accepted(void)
{
	char origin[128], host[128];
	wsclient_opts o = {"http://evil.example", NULL, NULL};
	wsclient *c;
	int status = -1;

	c = wsclient_open(HOST, srv.port, &o, &status);
	CHECK(c == NULL);
	CHECK(status != 101);
	wsclient_free(c);

	snprintf(origin, sizeof(origin), "http://127.0.0.1:%d.evil.example", srv.port);
	o.origin = origin;
	c = wsclient_open(HOST, srv.port, &o, &status);
	CHECK(c == NULL);
	CHECK(status != 101);
	wsclient_free(c);

	o.origin = "null";
	c = wsclient_open(HOST, srv.port, &o, &status);
	CHECK(c == NULL);
	wsclient_free(c);

	snprintf(origin, sizeof(origin), "http://127.0.0.1:%d", srv.port);
	snprintf(host, sizeof(host), "127.0.0.1:%d", srv.port);
	o.origin = origin;
	o.host_header = host;
	c = wsclient_open(HOST, srv.port, &o, &status);
	CHECK(c != NULL);
	CHECK(status == 101);
	if (c) {
		cJSON *m = wsclient_recv_json(c, WAIT_MS);

		CHECK(is_msg(m, "hello", NULL));
		cJSON_Delete(m);
		wsclient_free(c);
	}

	snprintf(origin, sizeof(origin), "http://localhost:%d", srv.port);
	snprintf(host, sizeof(host), "localhost:%d", srv.port);
	c = wsclient_open(HOST, srv.port, &o, &status);
	CHECK(c != NULL);
	wsclient_free(c);

	/* the Origin names another port of this machine: another site */
	snprintf(origin, sizeof(origin), "http://127.0.0.1:%d", srv.port == 1 ? 2 : srv.port - 1);
	snprintf(host, sizeof(host), "127.0.0.1:%d", srv.port);
	c = wsclient_open(HOST, srv.port, &o, &status);
	CHECK(c == NULL);
	wsclient_free(c);
}

/* ---- 8: flags for staff ---- */

/* The plan's id in the test's own database, found by its code. 0 when not found. */
static long long plan_id(sqlite3 *db, const char *code)
{
	unsigned char key[CODE_KEY_BYTES], hash[CODE_HASH_BYTES];
	char path[512], err[256];
	sqlite3_stmt *st = NULL;
	long long id = 0;

	snprintf(path, sizeof(path), "%s/secret.key", srv.dir);
	if (code_key_load(path, key, err, sizeof(err)))
		return 0;
	code_hash(key, code, hash);
	if (sqlite3_prepare_v2(db, "SELECT id FROM plans WHERE code_hash = ?", -1, &st, NULL) ==
		SQLITE_OK &&
	    sqlite3_bind_blob(st, 1, hash, sizeof(hash), SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return id;
}

/* Open flags of a kind for a plan; *raised_at gets the newest one's time (or ""). */
static int open_flags(sqlite3 *db, long long plan, const char *kind, char *raised_at, size_t n)
{
	sqlite3_stmt *st = NULL;
	int count = -1;

	raised_at[0] = '\0';
	if (sqlite3_prepare_v2(db,
			       "SELECT count(*), coalesce(max(raised_at), ''), "
			       "coalesce(min(visit_id IS NOT NULL), 1) FROM flags "
			       "WHERE plan_id = ? AND kind = ? AND closed_at IS NULL",
			       -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_bind_int64(st, 1, plan) == SQLITE_OK &&
	    sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 2) == 1) {
		count = sqlite3_column_int(st, 0);
		snprintf(raised_at, n, "%s", (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	return count;
}

static void flag(wsclient *c, sqlite3 *db, long long plan, const char *page, const char *kind,
		 const char *next_page)
{
	char raised[64];
	cJSON *m;

	CHECK(open_flags(db, plan, kind, raised, sizeof(raised)) == 0);
	m = ask(c, "{\"type\":\"answer\",\"seq\":40,\"page\":\"%s\",\"value\":\"yes\"}", page);
	CHECK(is_msg(m, "saved", page));
	CHECK(json_num(m, "seq", -1) == 40);
	CHECK_STR(json_str(m, "flag"), kind);
	cJSON_Delete(m);
	/* acknowledged, so already on disk for staff to see */
	CHECK(open_flags(db, plan, kind, raised, sizeof(raised)) == 1);
	CHECK(strlen(raised) >= 20 && raised[4] == '-' && raised[10] == 'T');
	/* saying it again does not raise a second flag; changing the answer does not close it */
	CHECK(ask_is(c, "saved", page,
		     "{\"type\":\"answer\",\"seq\":41,\"page\":\"%s\",\"value\":\"yes\"}", page));
	m = ask(c, "{\"type\":\"answer\",\"seq\":42,\"page\":\"%s\",\"value\":\"no\"}", page);
	CHECK(is_msg(m, "saved", page));
	CHECK(json_at(m, "flag") == NULL);
	cJSON_Delete(m);
	CHECK(open_flags(db, plan, kind, raised, sizeof(raised)) == 1);
	CHECK(ask_is(c, "saved", page,
		     "{\"type\":\"answer\",\"seq\":43,\"page\":\"%s\",\"value\":\"yes\"}", page));
	CHECK(ask_is(c, "page", page, "{\"type\":\"go\",\"to\":\"%s\"}", page));
	CHECK(ask_is(c, "page", next_page, "{\"type\":\"go\",\"to\":\"next\"}"));
}

static void a_yes_to_unsafe_or_advocacy_should_raise_one_flag_for_staff(void)
{
	char code[CODE_MAX], path[512], raised[64];
	wsclient *c = connect_new_plan(code);
	sqlite3 *db = NULL;
	long long id;

	CHECK(c != NULL);
	if (!c)
		return;
	snprintf(path, sizeof(path), "%s/planaloud.db", srv.dir);
	CHECK(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
	sqlite3_busy_timeout(db, 2000);
	id = plan_id(db, code);
	CHECK(id > 0);
	flag(c, db, id, "unsafe", "safeguarding", "unsafe-help");
	flag(c, db, id, "advocacy", "advocacy", "advocacy-yes");
	/* one kind does not raise the other */
	CHECK(open_flags(db, id, "review", raised, sizeof(raised)) == 0);
	/* a "no" on a fresh plan raises nothing */
	{
		char code2[CODE_MAX];
		wsclient *c2 = connect_new_plan(code2);
		long long id2 = c2 ? plan_id(db, code2) : 0;

		CHECK(id2 > 0 && id2 != id);
		CHECK(
		    c2 &&
		    ask_is(c2, "saved", "unsafe",
			   "{\"type\":\"answer\",\"seq\":2,\"page\":\"unsafe\",\"value\":\"no\"}"));
		CHECK(open_flags(db, id2, "safeguarding", raised, sizeof(raised)) == 0);
		wsclient_free(c2);
	}
	sqlite3_close(db);
	wsclient_free(c);
}

/* ---- 9, 10: new plans and finishing ---- */

static void new_plan_should_give_a_code_that_opens_the_plan_later(void)
{
	wsclient *c = connect_fresh(), *c2;
	char code[CODE_MAX] = "", numbers[CODE_NUMBERS_MAX] = "";
	cJSON *m;

	CHECK(c != NULL);
	if (!c)
		return;
	CHECK(ask_is(c, "page", "who", "{\"type\":\"go\",\"to\":\"next\"}"));
	CHECK(ask_is(c, "page", "code", "{\"type\":\"go\",\"to\":\"next\"}"));
	m = ask(c, "{\"type\":\"new_plan\",\"seq\":3}");
	CHECK(is_msg(m, "page", "code"));
	CHECK(json_num(m, "seq", -1) == 3);
	CHECK(json_str(m, "page.code") != NULL);
	CHECK(json_bool(m, "page.new_code") == 1);
	CHECK(json_bool(m, "page.plan_open") == 1);
	CHECK(json_bool(m, "page.next") == 1);
	if (json_str(m, "page.code"))
		snprintf(code, sizeof(code), "%s", json_str(m, "page.code"));
	cJSON_Delete(m);
	CHECK(strlen(code) > 10);
	m = ask(c, "{\"type\":\"go\",\"to\":\"next\"}");
	CHECK(is_msg(m, "page", "profile-intro"));
	cJSON_Delete(m);
	CHECK(ask_is(
	    c, "saved", "like-admire",
	    "{\"type\":\"answer\",\"seq\":4,\"page\":\"like-admire\",\"value\":\"new plan\"}"));
	m = ask(c, "{\"type\":\"go\",\"to\":\"save-later\"}");
	CHECK(is_msg(m, "page", "saved-code"));
	CHECK_STR(json_str(m, "page.code"), code);
	/* and its numbers, for those who cannot read the words */
	snprintf(numbers, sizeof(numbers), "%s",
		 json_str(m, "page.code_numbers") ? json_str(m, "page.code_numbers") : "");
	CHECK(strlen(numbers) == 19 && strspn(numbers, "23456789 ") == 19);
	cJSON_Delete(m);
	wsclient_free(c);

	c2 = connect_fresh();
	CHECK(c2 != NULL);
	if (!c2)
		return;
	m = ask(c2, "{\"type\":\"code\",\"seq\":1,\"code\":\"%s\"}", code);
	CHECK(is_msg(m, "page", "welcome-back"));
	CHECK(json_bool(m, "page.read_only") == 0);
	cJSON_Delete(m);
	m = ask(c2, "{\"type\":\"go\",\"to\":\"continue\"}");
	CHECK(is_msg(m, "page", NULL));
	CHECK(json_bool(m, "page.plan_open") == 1);
	cJSON_Delete(m);
	CHECK(same(read_back(c2, "like-admire"), "new plan"));
	wsclient_free(c2);

	/* the numbers open it too */
	c2 = connect_fresh();
	CHECK(c2 &&
	      ask_is(c2, "page", "welcome-back", "{\"type\":\"code\",\"code\":\"%s\"}", numbers));
	wsclient_free(c2);

	/* a plan that was made but never answered opens at its start */
	c = connect_new_plan(code);
	CHECK(c != NULL);
	wsclient_free(c);
	c2 = connect_fresh();
	CHECK(c2 &&
	      ask_is(c2, "page", "profile-intro", "{\"type\":\"code\",\"code\":\"%s\"}", code));
	wsclient_free(c2);
}

static void finish_should_say_bye_then_close_normally(void)
{
	char code[CODE_MAX];
	wsclient *c = connect_new_plan(code);
	cJSON *m;

	CHECK(c != NULL);
	if (!c)
		return;
	CHECK(ask_is(
	    c, "saved", "like-admire",
	    "{\"type\":\"answer\",\"seq\":2,\"page\":\"like-admire\",\"value\":\"before bye\"}"));
	m = ask(c, "{\"type\":\"finish\"}");
	CHECK(is_msg(m, "bye", NULL));
	cJSON_Delete(m);
	CHECK(wsclient_wait_close(c, WAIT_MS) == 1000);
	wsclient_free(c);

	/* without a plan too */
	c = connect_fresh();
	CHECK(c != NULL);
	if (c) {
		m = ask(c, "{\"type\":\"finish\",\"seq\":5}");
		CHECK(is_msg(m, "bye", NULL));
		cJSON_Delete(m);
		CHECK(wsclient_wait_close(c, WAIT_MS) == 1000);
		wsclient_free(c);
	}

	/* what was answered is there next time */
	c = connect_fresh();
	CHECK(c && ask_is(c, "page", "welcome-back", "{\"type\":\"code\",\"code\":\"%s\"}", code));
	CHECK(c && same(read_back(c, "like-admire"), "before bye"));
	wsclient_free(c);
}

/* A browser that goes away mid-message, or sends a close, must not hurt the server. */
static void connections_that_vanish_should_not_hurt_the_server(void)
{
	static const char part[] = "{\"type\":\"answer\",\"seq\":1,\"page\":\"like-ad";
	wsclient *c;

	for (int i = 0; i < 5; i++) {
		c = connect_new_plan(NULL);
		CHECK(c != NULL);
		if (!c)
			continue;
		if (i == 0) /* half a frame */
			wsclient_send_raw(c, "\x81\xfe\x01\x00\x01\x02", 6);
		else if (i == 1) /* half a fragmented message */
			wsclient_send_frame(c, 0, WS_OP_TEXT, part, strlen(part), 1);
		else if (i == 2) /* a close */
			wsclient_send_close(c, 1001);
		else if (i == 3) /* an unmasked frame, which a server must refuse */
			wsclient_send_frame(c, 1, WS_OP_TEXT, "{\"type\":\"finish\"}", 17, 0);
		else /* an answer, and gone before the reply */
			wsclient_send_text(c,
					   "{\"type\":\"answer\",\"seq\":1,\"page\":\"important\","
					   "\"value\":\"gone\"}");
		wsclient_free(c);
	}
	c = connect_fresh();
	CHECK(c != NULL);
	wsclient_free(c);
	CHECK(http_get(srv.port, "/healthz", NULL, 0, NULL, 0) == 200);
}

/* ---- 11 ---- */

static void the_server_should_still_be_running_and_healthy(void)
{
	char body[256];

	CHECK(testsrv_alive(&srv));
	CHECK(http_get(srv.port, "/healthz", NULL, 0, body, sizeof(body)) == 200);
	CHECK(strstr(body, "\"status\":\"ok\"") != NULL);
}

int main(void)
{
	long long t0 = now_ms();
	int status;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	testsrv_watchdog(110);
	if (testsrv_start(&srv, PLANALOUD_BINARY, NULL, 1, NULL)) {
		fprintf(stderr, "test_server: the server did not start\n");
		CHECK(0);
		return check_report();
	}
	RUN(healthz_should_answer_ok_and_the_kiosk_page_should_carry_a_csp);
	RUN(an_address_that_does_not_exist_should_get_404);
	RUN(a_new_connection_should_get_hello_then_the_welcome_page);
	RUN(a_helper_should_write_check_and_send_the_demo_plan);
	RUN(coming_back_with_the_code_should_welcome_back_and_show_submitted);
	RUN(malformed_messages_should_get_their_error_and_change_nothing);
	RUN(json_with_anything_after_the_object_should_be_bad_json);
	RUN(text_should_be_counted_in_letters_and_kept_exactly);
	RUN(an_answer_holding_a_nul_or_a_control_byte_should_get_bad_json_and_change_nothing);
	RUN(invalid_utf8_should_get_bad_utf8_and_the_connection_should_stay_open);
	RUN(a_binary_frame_should_get_bad_message_and_change_nothing);
	RUN(json_nested_too_deep_should_get_too_deep);
	RUN(a_message_over_64_kib_should_get_too_big_then_close_1009);
	RUN(a_fragmented_message_should_be_joined_and_handled);
	RUN(actions_before_a_plan_is_open_should_get_no_plan);
	RUN(an_entry_of_someone_elses_plan_should_get_no_item_and_stay_untouched);
	RUN(wrong_codes_should_be_rate_limited_per_connection_and_per_address);
	RUN(a_forged_origin_should_be_refused_and_the_own_origin_accepted);
	RUN(a_page_on_another_name_that_resolves_here_should_be_refused);
	RUN(a_yes_to_unsafe_or_advocacy_should_raise_one_flag_for_staff);
	RUN(new_plan_should_give_a_code_that_opens_the_plan_later);
	RUN(finish_should_say_bye_then_close_normally);
	RUN(connections_that_vanish_should_not_hurt_the_server);
	RUN(the_server_should_still_be_running_and_healthy);

	status = testsrv_stop(&srv);
	CHECK(status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	testsrv_cleanup(&srv);
	printf("took %lld ms\n", now_ms() - t0);
	return check_report();
}
