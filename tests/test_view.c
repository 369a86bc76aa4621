/* Tests for server/view.c with the real content: the JSON a page is drawn from, read back with
 * cJSON as the browser would read it. */
#include "check.h"

#include "content.h"
#include "plan.h"
#include "view.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#define EASYREAD PLANALOUD_SOURCE_DIR "/easyread"
#define PICTURES PLANALOUD_SOURCE_DIR "/web/pictures"

static content *c;

/* Prints the message and parses it back, as it would travel; frees msg. */
static cJSON *round_trip(cJSON *msg)
{
	char *text = msg ? cJSON_PrintUnformatted(msg) : NULL;
	cJSON *back = text ? cJSON_Parse(text) : NULL;

	free(text);
	cJSON_Delete(msg);
	return back;
}

static const char *str_at(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double num_at(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) ? v->valuedouble : -12345;
}

static const cJSON *obj_at(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

static void init_params(view_params *vp, const plan_answers *pa)
{
	memset(vp, 0, sizeof(*vp));
	vp->c = c;
	vp->answers = pa;
	vp->budget_pence = -1;
	vp->back = 1;
	vp->next = 1;
}

static size_t index_of(const char *id)
{
	size_t i = 0;

	CHECK(content_page_find(c, id, &i) != NULL);
	return i;
}

/* The page description of the named page, parsed back. */
static cJSON *page_json(const view_params *vp, const char *id)
{
	return round_trip(view_page(vp, index_of(id)));
}

/* The row of the check page for a page, or NULL. */
static const cJSON *check_row(const cJSON *page, const char *id)
{
	const cJSON *section, *row;

	cJSON_ArrayForEach(section, obj_at(page, "sections"))
	{
		cJSON_ArrayForEach(row, obj_at(section, "rows"))
		{
			const char *p = str_at(row, "page");

			if (p && strcmp(p, id) == 0)
				return row;
		}
	}
	return NULL;
}

/* ---- content_fill ---- */

static void content_fill_should_fill_every_placeholder_it_is_given(void)
{
	/* A name that is not a message is used as the text itself. */
	static const char *const kv[] = {"who", "Sam", "seconds", "60", NULL};
	char *s = content_fill(c, "Hello {who}. Wait {seconds} seconds, {who}.", kv);

	CHECK_STR(s, "Hello Sam. Wait 60 seconds, Sam.");
	free(s);
}

static void content_fill_should_say_one_with_the_content_s_own_line_for_one(void)
{
	static const char *const one[] = {"seconds", "1", NULL}, *const many[] = {"seconds", "30",
										  NULL};
	static const char *const item[] = {"n", "1", NULL};
	char *s = content_fill(c, "error.slow-down", one), *want;

	/* A "-one" line where the content has one: never "1 seconds". */
	CHECK(content_message(c, "error.slow-down-one") != NULL);
	CHECK_STR(s, content_message(c, "error.slow-down-one"));
	free(s);
	s = content_fill(c, "error.slow-down", many);
	want = content_fill_text(content_message(c, "error.slow-down"), many);
	CHECK_STR(s, want);
	CHECK(strstr(s, "30") != NULL);
	free(s);
	free(want);
	/* No "-one" line: the message itself, with 1 in its blank. */
	CHECK(content_message(c, "list.item-one") == NULL);
	s = content_fill(c, "list.item", item);
	want = content_fill_text(content_message(c, "list.item"), item);
	CHECK_STR(s, want);
	free(s);
	free(want);
}

static void content_fill_should_leave_unknown_placeholders_as_they_are(void)
{
	static const char *const kv[] = {"who", "Sam", NULL};
	char *s = content_fill(c, "{who} has {count} and {}.", kv);

	CHECK_STR(s, "Sam has {count} and {}.");
	free(s);
	s = content_fill(c, "No values: {who}", NULL);
	CHECK_STR(s, "No values: {who}");
	free(s);
}

static void content_fill_should_keep_a_brace_that_is_never_closed(void)
{
	static const char *const kv[] = {"who", "Sam", NULL};
	char *s = content_fill(c, "{who} and {who", kv);

	CHECK_STR(s, "Sam and {who");
	free(s);
}

static void content_fill_should_not_fill_a_value_into_itself(void)
{
	static const char *const kv[] = {"a", "{b}", "b", "oops", NULL};
	char *s = content_fill(c, "[{a}]", kv);

	CHECK_STR(s, "[{b}]");
	free(s);
}

static void content_fill_should_fill_a_real_message(void)
{
	static const char *const kv[] = {"seconds", "45", NULL};
	const char *raw = content_message(c, "timeout.body");
	char *s = content_fill(c, "timeout.body", kv);

	CHECK(raw != NULL && strstr(raw, "{seconds}") != NULL);
	CHECK(s != NULL);
	CHECK(strstr(s, "45") != NULL);
	CHECK(strstr(s, "{seconds}") == NULL);
	CHECK(strlen(s) == strlen(raw) - strlen("{seconds}") + strlen("45"));
	free(s);
}

static void content_fill_should_give_a_message_without_placeholders_unchanged(void)
{
	char *s = content_fill(c, "next", NULL);

	CHECK_STR(s, content_message(c, "next"));
	free(s);
}

/* ---- view_error ---- */

static void view_error_should_have_the_code_a_plain_message_and_the_seq(void)
{
	static const char *const extra[] = {"seconds", "30", NULL};
	cJSON *e = round_trip(view_error(c, "slow-down", 7, extra));
	char *expected = content_fill(c, "error.slow-down", extra);

	CHECK(e != NULL);
	CHECK_STR(str_at(e, "type"), "error");
	CHECK_STR(str_at(e, "code"), "slow-down");
	CHECK(num_at(e, "seq") == 7);
	CHECK_STR(str_at(e, "message"), expected);
	CHECK(strstr(str_at(e, "message") ? str_at(e, "message") : "", "30") != NULL);
	CHECK(strchr(str_at(e, "message") ? str_at(e, "message") : "{", '{') == NULL);
	free(expected);
	cJSON_Delete(e);
}

static void view_error_should_use_the_content_words(void)
{
	cJSON *e = round_trip(view_error(c, "wrong-code", 3, NULL));

	CHECK_STR(str_at(e, "message"), content_message(c, "error.wrong-code"));
	cJSON_Delete(e);
}

static void view_error_should_leave_out_seq_when_there_is_none(void)
{
	cJSON *e = round_trip(view_error(c, "bad-json", -1, NULL));

	CHECK(e != NULL);
	CHECK(obj_at(e, "seq") == NULL);
	CHECK_STR(str_at(e, "code"), "bad-json");
	CHECK(str_at(e, "message") != NULL && str_at(e, "message")[0] != '\0');
	cJSON_Delete(e);
}

/* ---- view_page ---- */

static void view_page_should_describe_a_text_page(void)
{
	const content_page *pg = content_page_of_kind(c, KIND_TEXT);
	plan_answers pa;
	view_params vp;
	cJSON *m, *p;
	char id[128];

	CHECK(pg != NULL && pg->nsay > 0);
	if (!pg || !pg->nsay)
		return;
	plan_answers_init(&pa);
	plan_answers_set(&pa, pg->id, 0, "", "Sam Jones");
	init_params(&vp, &pa);
	m = page_json(&vp, pg->id);
	p = cJSON_GetObjectItemCaseSensitive(m, "page");
	CHECK_STR(str_at(m, "type"), "page");
	CHECK_STR(str_at(p, "id"), pg->id);
	CHECK_STR(str_at(p, "kind"), "text");
	snprintf(id, sizeof(id), "%s/title", pg->id);
	CHECK_STR(str_at(obj_at(p, "title"), "id"), id);
	CHECK_STR(str_at(obj_at(p, "title"), "text"), pg->title);
	CHECK(cJSON_GetArraySize(obj_at(p, "say")) == (int)pg->nsay);
	snprintf(id, sizeof(id), "%s/say/1", pg->id);
	CHECK_STR(str_at(cJSON_GetArrayItem(obj_at(p, "say"), 0), "id"), id);
	CHECK_STR(str_at(cJSON_GetArrayItem(obj_at(p, "say"), 0), "text"), pg->say[0]);
	snprintf(id, sizeof(id), "%s/say/%zu", pg->id, pg->nsay);
	CHECK_STR(str_at(cJSON_GetArrayItem(obj_at(p, "say"), (int)pg->nsay - 1), "id"), id);
	snprintf(id, sizeof(id), "%s/ask", pg->id);
	CHECK_STR(str_at(obj_at(p, "ask"), "id"), id);
	CHECK_STR(str_at(obj_at(p, "ask"), "text"), pg->ask);
	CHECK_STR(str_at(p, "value"), "Sam Jones");
	CHECK(num_at(p, "limit") == pg->limit);
	CHECK(cJSON_IsTrue(obj_at(p, "back")));
	CHECK(cJSON_IsFalse(obj_at(p, "plan_open")));
	cJSON_Delete(m);
	plan_answers_release(&pa);
}

static void view_page_should_give_an_empty_value_when_unanswered(void)
{
	const content_page *pg = content_page_of_kind(c, KIND_LONG_TEXT);
	plan_answers pa;
	view_params vp;
	cJSON *m;

	plan_answers_init(&pa);
	init_params(&vp, &pa);
	m = page_json(&vp, pg->id);
	CHECK_STR(str_at(obj_at(m, "page"), "value"), "");
	CHECK(num_at(obj_at(m, "page"), "limit") == pg->limit);
	cJSON_Delete(m);
	plan_answers_release(&pa);
}

static void view_page_should_give_the_part_and_the_picture(void)
{
	const content_page *pg = content_page_find(c, "who", NULL);
	plan_answers pa;
	view_params vp;
	cJSON *m;
	const cJSON *part, *pic;
	char src[128];

	plan_answers_init(&pa);
	init_params(&vp, &pa);
	m = page_json(&vp, "who");
	part = obj_at(obj_at(m, "page"), "part");
	pic = obj_at(obj_at(m, "page"), "picture");
	CHECK(num_at(part, "n") == pg->part + 1);
	CHECK(num_at(part, "of") == (double)content_part_count(c));
	CHECK_STR(str_at(obj_at(part, "title"), "text"), content_part_title(c, pg->part));
	CHECK_STR(str_at(obj_at(part, "text"), "id"), "msg/progress");
	snprintf(src, sizeof(src), "/pictures/%s.svg", pg->picture);
	CHECK_STR(str_at(pic, "src"), src);
	CHECK_STR(str_at(pic, "alt"), content_picture_alt(c, pg->picture));
	/* and as a text of the page, to be read aloud with it */
	CHECK_STR(str_at(obj_at(pic, "text"), "id"), "who/picture");
	CHECK_STR(str_at(obj_at(pic, "text"), "text"), content_picture_alt(c, pg->picture));
	cJSON_Delete(m);
	plan_answers_release(&pa);
}

static void view_page_should_give_no_part_for_a_page_in_a_group(void)
{
	plan_answers pa;
	view_params vp;
	cJSON *m;

	plan_answers_init(&pa);
	init_params(&vp, &pa);
	vp.status = PLAN_SUBMITTED;
	m = round_trip(view_page(&vp, index_of(content_page_of_kind(c, KIND_STATUS)->id)));
	CHECK(cJSON_IsNull(obj_at(obj_at(m, "page"), "part")));
	CHECK_STR(str_at(obj_at(m, "page"), "status"), "submitted");
	CHECK_STR(str_at(obj_at(obj_at(m, "page"), "status_text"), "text"),
		  content_message(c, "status.submitted"));
	cJSON_Delete(m);
	plan_answers_release(&pa);
}

static void view_page_should_list_the_options_of_a_choice(void)
{
	const content_page *pg = content_page_find(c, "who", NULL);
	plan_answers pa;
	view_params vp;
	cJSON *m;
	const cJSON *opts;

	plan_answers_init(&pa);
	init_params(&vp, &pa);
	m = page_json(&vp, "who");
	CHECK_STR(str_at(obj_at(m, "page"), "kind"), "choice");
	CHECK_STR(str_at(obj_at(m, "page"), "value"), "");
	opts = obj_at(obj_at(m, "page"), "options");
	CHECK(cJSON_GetArraySize(opts) == (int)pg->noptions);
	for (size_t k = 0; k < pg->noptions; k++) {
		const cJSON *o = cJSON_GetArrayItem(opts, (int)k);
		char id[128];

		snprintf(id, sizeof(id), "who/option/%s", pg->options[k].value);
		CHECK_STR(str_at(o, "value"), pg->options[k].value);
		CHECK_STR(str_at(obj_at(o, "text"), "id"), id);
		CHECK_STR(str_at(obj_at(o, "text"), "text"), pg->options[k].text);
	}
	cJSON_Delete(m);
	plan_answers_set(&pa, "who", 0, "", "helper");
	m = page_json(&vp, "who");
	CHECK_STR(str_at(obj_at(m, "page"), "value"), "helper");
	cJSON_Delete(m);
	plan_answers_release(&pa);
}

static void view_page_should_offer_yes_and_no_in_the_content_words(void)
{
	const content_page *pg = content_page_of_kind(c, KIND_YES_NO);
	plan_answers pa;
	view_params vp;
	cJSON *m;
	const cJSON *opts;

	plan_answers_init(&pa);
	init_params(&vp, &pa);
	m = page_json(&vp, pg->id);
	opts = obj_at(obj_at(m, "page"), "options");
	CHECK(cJSON_GetArraySize(opts) == 2);
	CHECK_STR(str_at(cJSON_GetArrayItem(opts, 0), "value"), "yes");
	CHECK_STR(str_at(obj_at(cJSON_GetArrayItem(opts, 0), "text"), "id"), "msg/yes");
	CHECK_STR(str_at(obj_at(cJSON_GetArrayItem(opts, 0), "text"), "text"),
		  content_message(c, "yes"));
	CHECK_STR(str_at(cJSON_GetArrayItem(opts, 1), "value"), "no");
	CHECK_STR(str_at(obj_at(cJSON_GetArrayItem(opts, 1), "text"), "text"),
		  content_message(c, "no"));
	cJSON_Delete(m);
	plan_answers_release(&pa);
}

static void view_page_should_read_answers_back_on_the_check_page(void)
{
	const content_page *who = content_page_find(c, "who", NULL);
	plan_answers pa;
	view_params vp;
	cJSON *m;
	const cJSON *page, *row;
	const char *helper_text = NULL;
	int sections;

	for (size_t k = 0; k < who->noptions; k++)
		if (strcmp(who->options[k].value, "helper") == 0)
			helper_text = who->options[k].text;
	plan_answers_init(&pa);
	plan_answers_set(&pa, "who", 0, "", "helper");
	plan_answers_set(&pa, "important", 0, "", "Seeing my family every week");
	plan_answers_set(&pa, "carer", 0, "", "no");
	init_params(&vp, &pa);
	m = round_trip(view_page(&vp, index_of(content_page_of_kind(c, KIND_CHECK)->id)));
	page = obj_at(m, "page");
	CHECK_STR(str_at(page, "kind"), "check");
	sections = cJSON_GetArraySize(obj_at(page, "sections"));
	CHECK(sections > 0);
	CHECK(str_at(obj_at(cJSON_GetArrayItem(obj_at(page, "sections"), 0), "part"), "text") !=
	      NULL);

	row = check_row(page, "important");
	CHECK(row != NULL);
	CHECK_STR(str_at(obj_at(row, "answer"), "text"), "Seeing my family every week");
	CHECK_STR(str_at(obj_at(row, "answer"), "id"), "answer/important");
	CHECK_STR(str_at(obj_at(row, "ask"), "id"), "important/ask");

	/* A choice reads back in the option's words, not its value. */
	row = check_row(page, "who");
	CHECK(row != NULL);
	CHECK_STR(str_at(obj_at(row, "answer"), "text"), helper_text);
	CHECK_STR(str_at(obj_at(row, "answer"), "id"), "who/option/helper");

	/* A yes-no reads back as the content's Yes or No. */
	row = check_row(page, "carer");
	CHECK_STR(str_at(obj_at(row, "answer"), "text"), content_message(c, "no"));

	/* A question shown but not answered has a null answer. */
	row = check_row(page, "helper-name");
	CHECK(row != NULL);
	CHECK(cJSON_IsNull(obj_at(row, "answer")));

	/* Pages that ask nothing, and pages not shown, are not read back. */
	CHECK(check_row(page, "welcome") == NULL);
	CHECK(check_row(page, "carer-does") == NULL);
	CHECK(check_row(page, content_page_of_kind(c, KIND_REVIEW)->id) == NULL);
	cJSON_Delete(m);

	plan_answers_set(&pa, "who", 0, "", "me");
	m = round_trip(view_page(&vp, index_of(content_page_of_kind(c, KIND_CHECK)->id)));
	CHECK(check_row(obj_at(m, "page"), "helper-name") == NULL);
	cJSON_Delete(m);
	plan_answers_release(&pa);
}

/* The say lines of a page, joined with spaces, into out; and whether one is the text id wanted. */
static int say_has_id(const cJSON *page, const char *id, char *out, size_t n)
{
	const cJSON *t;
	size_t used = 0;
	int found = 0;

	out[0] = '\0';
	cJSON_ArrayForEach(t, obj_at(page, "say"))
	{
		const char *text = str_at(t, "text"), *tid = str_at(t, "id");
		int w = snprintf(out + used, n - used, "%s ", text ? text : "");

		if (w > 0 && (size_t)w < n - used)
			used += (size_t)w;
		found |= tid && strcmp(tid, id) == 0;
	}
	return found;
}

static void view_page_should_say_the_budget_the_council_worked_out(void)
{
	const content_page *pg = content_page_find(c, "budget-intro", NULL);
	plan_answers pa;
	view_params vp;
	cJSON *m;
	char said[2048], amount[32];

	CHECK(pg != NULL);
	plan_answers_init(&pa);
	init_params(&vp, &pa);
	vp.budget_pence = 18050;
	plan_money_format(18050, amount, sizeof(amount));
	m = page_json(&vp, "budget-intro");
	say_has_id(obj_at(m, "page"), "", said, sizeof(said));
	CHECK(strstr(said, amount) != NULL);
	CHECK(strchr(said, '{') == NULL);
	if (!strstr(said, amount))
		fprintf(stderr, "    no %s in: %s\n", amount, said);
	cJSON_Delete(m);

	/* No budget yet: the page says so in the content's words, and shows no blank. */
	vp.budget_pence = -1;
	m = page_json(&vp, "budget-intro");
	CHECK(say_has_id(obj_at(m, "page"), "msg/budget.none", said, sizeof(said)));
	CHECK(strchr(said, '{') == NULL);
	cJSON_Delete(m);
	plan_answers_release(&pa);
}

static void view_page_should_show_list_entries_and_the_budget_total(void)
{
	const content_page *pg = content_page_find(c, "budget", NULL);
	const long long plan = 3, a = 7, b = 9;
	/* the entries the controller read, with one of another list that is not shown here */
	const view_item entries[] = {{"budget", a}, {"actions", 8}, {"budget", b}};
	const view_data data = {.items = entries, .nitems = 3, .signed_off = "", .next_review = ""};
	plan_answers pa;
	view_params vp;
	cJSON *m;
	const cJSON *page, *items, *total;
	char id[128], amount[32];

	CHECK(pg != NULL && pg->total != NULL);
	if (!pg)
		return;
	plan_answers_init(&pa);
	plan_answers_set(&pa, "budget", a, "what", "Swimming");
	plan_answers_set(&pa, "budget", a, "cost", "4000");
	plan_answers_set(&pa, "budget", b, "what", "Cooking class");
	plan_answers_set(&pa, "budget", b, "cost", "1250");
	init_params(&vp, &pa);
	vp.data = &data;
	vp.plan = plan;
	vp.budget_pence = 10000;
	m = page_json(&vp, "budget");
	page = obj_at(m, "page");
	items = obj_at(page, "items");
	CHECK(cJSON_GetArraySize(items) == 2);
	CHECK(num_at(cJSON_GetArrayItem(items, 0), "id") == (double)a);
	CHECK_STR(str_at(obj_at(obj_at(cJSON_GetArrayItem(items, 0), "values"), "what"), "text"),
		  "Swimming");
	CHECK_STR(str_at(obj_at(obj_at(cJSON_GetArrayItem(items, 0), "values"), "cost"), "text"),
		  "\xc2\xa3"
		  "40");
	snprintf(id, sizeof(id), "answer/budget/%lld/cost", b);
	CHECK_STR(str_at(obj_at(obj_at(cJSON_GetArrayItem(items, 1), "values"), "cost"), "id"), id);
	CHECK_STR(str_at(obj_at(obj_at(cJSON_GetArrayItem(items, 1), "values"), "cost"), "text"),
		  "\xc2\xa3"
		  "12.50");
	total = obj_at(page, "total");
	CHECK(num_at(total, "total_pence") == 5250);
	CHECK(num_at(total, "budget_pence") == 10000);
	/* The lines say the total in pounds. */
	plan_money_format(5250, amount, sizeof(amount));
	{
		int found = 0;
		const cJSON *line;

		cJSON_ArrayForEach(line, obj_at(total, "lines"))
		{
			const char *t = str_at(line, "text");

			found |= t && strstr(t, amount) != NULL;
			CHECK(t && strchr(t, '{') == NULL);
		}
		CHECK(found);
	}
	CHECK(cJSON_IsNull(obj_at(page, "editing")));
	cJSON_Delete(m);

	/* Editing an entry gives its values as typed, money in pounds. */
	vp.editing = b;
	m = page_json(&vp, "budget");
	CHECK_STR(str_at(obj_at(obj_at(obj_at(m, "page"), "editing"), "values"), "cost"), "12.50");
	CHECK_STR(str_at(obj_at(obj_at(obj_at(m, "page"), "editing"), "values"), "what"),
		  "Cooking class");
	cJSON_Delete(m);
	plan_answers_release(&pa);
}

static void view_page_should_show_dates_in_words(void)
{
	const content_page *pg = content_page_find(c, "actions", NULL);
	const long long a = 4;
	const view_item entries[] = {{"actions", a}};
	const view_data data = {.items = entries, .nitems = 1, .signed_off = "", .next_review = ""};
	plan_answers pa;
	view_params vp;
	cJSON *m;
	const char *when_field = NULL;
	/* the day, the month's name and the year, in the content's words */
	char *expect =
	    content_fill(c, "date",
			 (const char *const[]){"day", "1", "month", content_message(c, "month.5"),
					       "year", "2026", NULL});

	CHECK(pg != NULL);
	if (!pg)
		return;
	for (size_t f = 0; f < pg->nfields; f++)
		if (pg->fields[f].type == FIELD_DATE)
			when_field = pg->fields[f].name;
	CHECK(when_field != NULL);
	plan_answers_init(&pa);
	plan_answers_set(&pa, "actions", a, when_field, "2026-05-01");
	init_params(&vp, &pa);
	vp.data = &data;
	vp.plan = 2;
	m = page_json(&vp, "actions");
	CHECK_STR(str_at(obj_at(obj_at(cJSON_GetArrayItem(obj_at(obj_at(m, "page"), "items"), 0),
				       "values"),
				when_field),
			 "text"),
		  expect);
	cJSON_Delete(m);
	free(expect);
	plan_answers_release(&pa);
}

/* ---- texts to read aloud ---- */

static void view_page_should_give_the_typed_answer_as_a_text_on_its_own_page(void)
{
	static const page_kind kinds[] = {KIND_TEXT, KIND_LONG_TEXT, KIND_REVIEW};
	plan_answers pa;
	view_params vp;

	plan_answers_init(&pa);
	init_params(&vp, &pa);
	for (size_t k = 0; k < sizeof(kinds) / sizeof(*kinds); k++) {
		const content_page *pg = content_page_of_kind(c, kinds[k]);
		const cJSON *answer;
		cJSON *m;
		char id[128];

		CHECK(pg != NULL);
		if (!pg)
			continue;
		snprintf(id, sizeof(id), "answer/%s", pg->id);
		/* Unanswered: an empty text, so that the page can fill it once an answer is saved.
		 */
		m = page_json(&vp, pg->id);
		answer = obj_at(obj_at(m, "page"), "answer");
		CHECK_STR(str_at(answer, "id"), id);
		CHECK_STR(str_at(answer, "text"), "");
		cJSON_Delete(m);
		/* Answered: the person's words exactly, stars and all, the same as `value`. */
		plan_answers_set(&pa, pg->id, 0, "", "I **really** like  the bus");
		m = page_json(&vp, pg->id);
		answer = obj_at(obj_at(m, "page"), "answer");
		CHECK_STR(str_at(answer, "id"), id);
		CHECK_STR(str_at(answer, "text"), "I **really** like  the bus");
		CHECK_STR(str_at(obj_at(m, "page"), "value"), "I **really** like  the bus");
		cJSON_Delete(m);
	}
	/* A choice is read in its option's words: it has no answer text of its own. */
	{
		cJSON *m = page_json(&vp, "who");

		CHECK(obj_at(obj_at(m, "page"), "answer") == NULL);
		cJSON_Delete(m);
	}
	plan_answers_release(&pa);
}

/* The pieces of code_text, joined by "|": "code/1=apple|code/2=river|...". */
static void code_pieces_of(const cJSON *page, char *out, size_t n)
{
	const cJSON *piece;
	size_t used = 0;

	out[0] = '\0';
	cJSON_ArrayForEach(piece, obj_at(page, "code_text"))
	{
		int w = snprintf(out + used, n - used, "%s%s=%s", used ? "|" : "",
				 str_at(piece, "id") ? str_at(piece, "id") : "?",
				 str_at(piece, "text") ? str_at(piece, "text") : "?");

		if (w < 0 || (size_t)w >= n - used)
			return;
		used += (size_t)w;
	}
}

/* The pieces of code_numbers_text as code_pieces_of gives code_text's, then "|private" when
 * every piece is marked private. */
static void numbers_of(const cJSON *page, char *out, size_t n)
{
	const cJSON *piece;
	size_t used = 0;
	int all_private = 1;

	out[0] = '\0';
	cJSON_ArrayForEach(piece, obj_at(page, "code_numbers_text"))
	{
		int w = snprintf(out + used, n - used, "%s%s=%s", used ? "|" : "",
				 str_at(piece, "id") ? str_at(piece, "id") : "?",
				 str_at(piece, "text") ? str_at(piece, "text") : "?");

		all_private &= cJSON_IsTrue(obj_at(piece, "private"));
		if (w < 0 || (size_t)w >= n - used)
			return;
		used += (size_t)w;
	}
	if (used && all_private)
		snprintf(out + used, n - used, "|private");
}

static void view_page_should_give_the_code_in_pieces_read_one_at_a_time(void)
{
	static const page_kind kinds[] = {KIND_CODE, KIND_SAVED_CODE};
	plan_answers pa;
	view_params vp;
	char pieces[512];
	cJSON *m;

	plan_answers_init(&pa);
	init_params(&vp, &pa);
	vp.plan = 1;
	vp.code = "apple-river-boat-4827";
	for (size_t k = 0; k < sizeof(kinds) / sizeof(*kinds); k++) {
		m = page_json(&vp, content_page_of_kind(c, kinds[k])->id);
		/* The code as it is typed, and its pieces: each word, each digit alone. */
		CHECK_STR(str_at(obj_at(m, "page"), "code"), "apple-river-boat-4827");
		code_pieces_of(obj_at(m, "page"), pieces, sizeof(pieces));
		CHECK_STR(pieces,
			  "code/1=apple|code/2=river|code/3=boat|code/4=4|code/5=8|code/6=2|"
			  "code/7=7");
		/* Its numbers (apple is word 10, river 712, boat 63 of the list: 0012, 1310 and
		 * 0077 in base 8, each digit 2 more), and each of their digits alone, private. */
		CHECK(content_codeword_index(c, "apple", 5) == 10 &&
		      content_codeword_index(c, "river", 5) == 712 &&
		      content_codeword_index(c, "boat", 4) == 63);
		CHECK_STR(str_at(obj_at(m, "page"), "code_numbers"), "2234 3532 2299 4827");
		numbers_of(obj_at(m, "page"), pieces, sizeof(pieces));
		CHECK_STR(pieces, "code-numbers/1=2|code-numbers/2=2|code-numbers/3=3|"
				  "code-numbers/4=4|code-numbers/5=3|code-numbers/6=5|"
				  "code-numbers/7=3|code-numbers/8=2|code-numbers/9=2|"
				  "code-numbers/10=2|code-numbers/11=9|code-numbers/12=9|"
				  "code-numbers/13=4|code-numbers/14=8|code-numbers/15=2|"
				  "code-numbers/16=7|private");
		cJSON_Delete(m);
	}
	/* No plan open on the code page: no code, and nothing to read. */
	vp.plan = 0;
	vp.code = NULL;
	m = page_json(&vp, content_page_of_kind(c, KIND_CODE)->id);
	CHECK(cJSON_IsNull(obj_at(obj_at(m, "page"), "code")));
	CHECK(cJSON_IsArray(obj_at(obj_at(m, "page"), "code_text")));
	CHECK(cJSON_GetArraySize(obj_at(obj_at(m, "page"), "code_text")) == 0);
	CHECK_STR(str_at(obj_at(m, "page"), "code_numbers"), "");
	CHECK(cJSON_GetArraySize(obj_at(obj_at(m, "page"), "code_numbers_text")) == 0);
	cJSON_Delete(m);
	plan_answers_release(&pa);
}

/* What is not read aloud without headphones (docs/narration.md, "Private listening"): the code's
 * pieces, and the answers of `private: yes` pages wherever they show, each with an id of its own;
 * everything else is not marked. */
static void view_page_should_mark_private_texts(void)
{
	plan_answers pa;
	view_params vp;
	cJSON *m;
	const cJSON *page, *row, *piece;

	plan_answers_init(&pa);
	plan_answers_set(&pa, "who", 0, "", "helper");
	plan_answers_set(&pa, "helper-name", 0, "", "Sam Jones");
	plan_answers_set(&pa, "important", 0, "", "My family");
	plan_answers_set(&pa, "unsafe", 0, "", "yes");
	init_params(&vp, &pa);
	m = round_trip(view_page(&vp, index_of(content_page_of_kind(c, KIND_CHECK)->id)));
	page = obj_at(m, "page");
	row = check_row(page, "unsafe");
	CHECK_STR(str_at(obj_at(row, "answer"), "id"), "answer/unsafe"); /* not msg/yes */
	CHECK_STR(str_at(obj_at(row, "answer"), "text"), content_message(c, "yes"));
	CHECK(cJSON_IsTrue(obj_at(obj_at(row, "answer"), "private")));
	CHECK(!cJSON_IsTrue(obj_at(obj_at(row, "ask"), "private"))); /* the question is not */
	row = check_row(page, "helper-name");
	CHECK(cJSON_IsTrue(obj_at(obj_at(row, "answer"), "private")));
	row = check_row(page, "important");
	CHECK(obj_at(obj_at(row, "answer"), "private") == NULL);
	cJSON_Delete(m);

	/* On its own page too. */
	m = page_json(&vp, "helper-name");
	CHECK(cJSON_IsTrue(obj_at(obj_at(obj_at(m, "page"), "answer"), "private")));
	cJSON_Delete(m);
	m = page_json(&vp, "important");
	CHECK(obj_at(obj_at(obj_at(m, "page"), "answer"), "private") == NULL);
	cJSON_Delete(m);

	vp.plan = 1;
	vp.code = "apple-river-boat-4827";
	m = page_json(&vp, content_page_of_kind(c, KIND_CODE)->id);
	CHECK(cJSON_GetArraySize(obj_at(obj_at(m, "page"), "code_text")) == 7);
	cJSON_ArrayForEach(piece, obj_at(obj_at(m, "page"), "code_text"))
	    CHECK(cJSON_IsTrue(obj_at(piece, "private")));
	CHECK(obj_at(obj_at(obj_at(m, "page"), "title"), "private") == NULL);
	cJSON_Delete(m);

	/* The first page is the welcome page, of its own kind. */
	m = round_trip(view_page(&vp, 0));
	CHECK_STR(str_at(obj_at(m, "page"), "kind"), "welcome");
	cJSON_Delete(m);
	plan_answers_release(&pa);
}

static void view_page_should_give_part_titles_and_check_headings_as_texts(void)
{
	const content_page *pg = content_page_find(c, "like-admire", NULL);
	plan_answers pa;
	view_params vp;
	cJSON *m;
	const cJSON *title, *section;
	char id[64];
	int sections = 0;

	CHECK(pg != NULL && pg->part >= 0);
	if (!pg)
		return;
	plan_answers_init(&pa);
	plan_answers_set(&pa, "like-admire", 0, "", "I make people laugh");
	init_params(&vp, &pa);
	m = page_json(&vp, "like-admire");
	title = obj_at(obj_at(obj_at(m, "page"), "part"), "title");
	snprintf(id, sizeof(id), "part/%d/title", pg->part + 1);
	CHECK_STR(str_at(title, "id"), id);
	CHECK_STR(str_at(title, "text"), content_part_title(c, pg->part));
	cJSON_Delete(m);

	/* Each check page heading is its part's name, with the same id as in the progress line. */
	m = page_json(&vp, content_page_of_kind(c, KIND_CHECK)->id);
	cJSON_ArrayForEach(section, obj_at(obj_at(m, "page"), "sections"))
	{
		const cJSON *part = obj_at(section, "part");
		const cJSON *row = cJSON_GetArrayItem(obj_at(section, "rows"), 0);
		const content_page *first = content_page_find(c, str_at(row, "page"), NULL);

		CHECK(first != NULL);
		if (!first)
			continue;
		snprintf(id, sizeof(id), "part/%d/title", first->part + 1);
		CHECK_STR(str_at(part, "id"), id);
		CHECK_STR(str_at(part, "text"), content_part_title(c, first->part));
		sections++;
	}
	CHECK(sections >= 3);
	cJSON_Delete(m);
	plan_answers_release(&pa);
}

static void view_page_should_refuse_an_index_past_the_end(void)
{
	plan_answers pa;
	view_params vp;

	plan_answers_init(&pa);
	init_params(&vp, &pa);
	CHECK(view_page(&vp, content_page_count(c)) == NULL);
	plan_answers_release(&pa);
}

/* ---- view_hello ---- */

/* The on-screen keyboard: shown for every text box on a touch-only kiosk, offered elsewhere; and
 * the content's words for prediction, most used first. */
static void view_hello_should_say_how_the_keyboard_shows_and_carry_the_words(void)
{
	vocab *words = vocab_new(10);
	view_kiosk k = {120, 30, 0, 0, 65536, NULL, NULL};
	cJSON *ask, *on;
	const cJSON *list;

	CHECK(vocab_add_text(words, "walk garden garden") == 0);
	vocab_sort(words);
	ask = round_trip(view_hello(c, NULL, NULL, &k));
	k.keyboard = 1;
	k.words = words;
	on = round_trip(view_hello(c, NULL, NULL, &k));
	CHECK_STR(str_at(obj_at(ask, "kiosk"), "keyboard"), "ask");
	CHECK_STR(str_at(obj_at(on, "kiosk"), "keyboard"), "on");
	CHECK(cJSON_GetArraySize(obj_at(ask, "words")) == 0);
	list = obj_at(on, "words");
	CHECK(cJSON_GetArraySize(list) == 2);
	CHECK_STR(cJSON_GetStringValue(cJSON_GetArrayItem(list, 0)), "garden");
	CHECK_STR(cJSON_GetStringValue(cJSON_GetArrayItem(list, 1)), "walk");
	cJSON_Delete(ask);
	cJSON_Delete(on);
	vocab_free(words);
}

static void view_hello_should_carry_every_message_of_the_persons_pages(void)
{
	size_t staff = 0;
	const view_kiosk k = {120, 30, 0, 0, 65536, NULL, NULL},
			 with = {120, 30, 1, 0, 65536, NULL, "F1,2"};
	cJSON *h = round_trip(view_hello(c, NULL, NULL, &k)),
	      *hp = round_trip(view_hello(c, NULL, NULL, &with));
	const cJSON *keys = obj_at(obj_at(h, "kiosk"), "switch_keys"),
		    *set = obj_at(obj_at(hp, "kiosk"), "switch_keys");
	const cJSON *msgs = obj_at(h, "messages");

	CHECK(h != NULL);
	CHECK_STR(str_at(h, "type"), "hello");
	CHECK_STR(str_at(h, "lang"), "en-GB");
	CHECK(num_at(obj_at(h, "kiosk"), "idle_seconds") == 120);
	CHECK(num_at(obj_at(h, "kiosk"), "warn_seconds") == 30);
	CHECK(num_at(obj_at(h, "limits"), "message_bytes") == 65536);
	/* a kiosk without headphones of its own asks each person; one with them does not */
	CHECK_STR(str_at(obj_at(h, "kiosk"), "headphones"), "ask");
	CHECK_STR(str_at(obj_at(hp, "kiosk"), "headphones"), "yes");
	/* switches send Space (move) and Enter (choose) unless the kiosk says which keys */
	CHECK(cJSON_GetArraySize(keys) == 2);
	CHECK_STR(cJSON_GetStringValue(cJSON_GetArrayItem(keys, 0)), "Space");
	CHECK_STR(cJSON_GetStringValue(cJSON_GetArrayItem(keys, 1)), "Enter");
	CHECK(cJSON_GetArraySize(set) == 2);
	CHECK_STR(cJSON_GetStringValue(cJSON_GetArrayItem(set, 0)), "F1");
	CHECK_STR(cJSON_GetStringValue(cJSON_GetArrayItem(set, 1)), "2");
	cJSON_Delete(hp);
	/* every message of the person's pages; none of the staff pages' nor the alerts' */
	for (size_t i = 0; i < content_message_count(c); i++) {
		const char *name, *text;
		char id[128];

		content_message_at(c, i, &name, &text);
		snprintf(id, sizeof(id), "msg/%s", name);
		if (content_is_staff_message(name)) {
			CHECK(obj_at(msgs, name) == NULL);
			staff++;
			continue;
		}
		CHECK_STR(str_at(obj_at(msgs, name), "id"), id);
		CHECK_STR(str_at(obj_at(msgs, name), "text"), text);
	}
	CHECK(staff > 100);
	CHECK(cJSON_GetArraySize(msgs) == (int)(content_message_count(c) - staff));
	cJSON_Delete(h);
}

int main(void)
{
	char err[512] = "";

	c = content_load(EASYREAD, "en-GB", PICTURES, err, sizeof(err));
	CHECK(c != NULL);
	if (!c) {
		fprintf(stderr, "the real content did not load: %s\n", err);
		return check_report();
	}
	RUN(content_fill_should_fill_every_placeholder_it_is_given);
	RUN(content_fill_should_say_one_with_the_content_s_own_line_for_one);
	RUN(content_fill_should_leave_unknown_placeholders_as_they_are);
	RUN(content_fill_should_keep_a_brace_that_is_never_closed);
	RUN(content_fill_should_not_fill_a_value_into_itself);
	RUN(content_fill_should_fill_a_real_message);
	RUN(content_fill_should_give_a_message_without_placeholders_unchanged);
	RUN(view_error_should_have_the_code_a_plain_message_and_the_seq);
	RUN(view_error_should_use_the_content_words);
	RUN(view_error_should_leave_out_seq_when_there_is_none);
	RUN(view_page_should_describe_a_text_page);
	RUN(view_page_should_give_an_empty_value_when_unanswered);
	RUN(view_page_should_give_the_part_and_the_picture);
	RUN(view_page_should_give_no_part_for_a_page_in_a_group);
	RUN(view_page_should_list_the_options_of_a_choice);
	RUN(view_page_should_offer_yes_and_no_in_the_content_words);
	RUN(view_page_should_read_answers_back_on_the_check_page);
	RUN(view_page_should_show_list_entries_and_the_budget_total);
	RUN(view_page_should_say_the_budget_the_council_worked_out);
	RUN(view_page_should_show_dates_in_words);
	RUN(view_page_should_give_the_typed_answer_as_a_text_on_its_own_page);
	RUN(view_page_should_give_the_code_in_pieces_read_one_at_a_time);
	RUN(view_page_should_mark_private_texts);
	RUN(view_page_should_give_part_titles_and_check_headings_as_texts);
	RUN(view_page_should_refuse_an_index_past_the_end);
	RUN(view_hello_should_carry_every_message_of_the_persons_pages);
	RUN(view_hello_should_say_how_the_keyboard_shows_and_carry_the_words);
	content_free(c);
	return check_report();
}
