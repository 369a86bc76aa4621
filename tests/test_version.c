/* version: what a caseworker sees when comparing two frozen versions of a plan. A changed answer
 * is shown, named by the easy-read content's own page title and field label, with what it was and
 * what it is now; an unchanged one is not; answers come in the order of the journey; the
 * council's parts (needs, support, budget, ways of managing, risks) are compared too. The names
 * come from the content files, so rewording them never breaks this test. */
#include "check.h"
#include "content.h"
#include "version.h"

#define EASYREAD PLANALOUD_SOURCE_DIR "/easyread"
#define PICTURES PLANALOUD_SOURCE_DIR "/web/pictures"

static content *c;

static char *test_format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *test_format(const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	text = test_vformat(fmt, ap);
	va_end(ap);
	return text;
}
static const content_page *first_text, *later_text, *list; /* pages of the journey */

/* The pages the tests answer: two text pages in journey order, and a list page with fields. */
static int pick_pages(void)
{
	for (size_t i = 0; i < content_page_count(c); i++) {
		const content_page *p = content_page_at(c, i);

		if (p->part < 0)
			continue;
		if ((p->kind == KIND_TEXT || p->kind == KIND_LONG_TEXT) && !first_text)
			first_text = p;
		else if ((p->kind == KIND_TEXT || p->kind == KIND_LONG_TEXT) && !later_text)
			later_text = p;
		else if (p->kind == KIND_LIST && p->nfields >= 2 && !list)
			list = p;
	}
	return first_text && later_text && list ? 0 : -1;
}

/* The snapshot JSON for answers given as (page, item, field, value) rows and council parts. */
static char *snapshot(const char *answers, const char *council)
{
	return test_format("{\"answers\":[%s],%s}", answers, council);
}

static char *row(const char *page, int item, const char *field, const char *value)
{
	return test_format("{\"page\":\"%s\",\"item\":%d,\"field\":\"%s\",\"value\":\"%s\"}", page,
			   item, field, value);
}

static const char *str(const cJSON *o, const char *name)
{
	return cJSON_GetStringValue(cJSON_GetObjectItem(o, name));
}

static const char *const NO_COUNCIL = "\"needs\":[],\"support\":[]";

static void a_changed_answer_should_be_shown_and_an_unchanged_one_hidden(void)
{
	char *a0 = row(first_text->id, 0, "", "I like tea.");
	char *b0 = row(later_text->id, 0, "", "My sister helps me.");
	char *b1 = row(later_text->id, 0, "", "My brother helps me.");
	char *rows0 = test_format("%s,%s", a0, b0), *rows1 = test_format("%s,%s", a0, b1);
	char *s0 = snapshot(rows0, NO_COUNCIL), *s1 = snapshot(rows1, NO_COUNCIL);
	cJSON *d = version_diff(c, s0, s1);
	const cJSON *ch = cJSON_GetArrayItem(d, 0);

	CHECK(cJSON_GetArraySize(d) == 1);
	CHECK_STR(str(ch, "section"), later_text->id);
	CHECK_STR(str(ch, "label"), later_text->title);
	CHECK_STR(str(ch, "field"), "");
	CHECK_STR(str(ch, "before"), "My sister helps me.");
	CHECK_STR(str(ch, "after"), "My brother helps me.");
	cJSON_Delete(d);
	d = version_diff(c, s1, s1);
	CHECK(cJSON_IsArray(d) && cJSON_GetArraySize(d) == 0); /* nothing changed: nothing shown */
	cJSON_Delete(d);
	free(a0);
	free(b0);
	free(b1);
	free(rows0);
	free(rows1);
	free(s0);
	free(s1);
}

static void added_and_removed_answers_should_show_null_on_the_empty_side(void)
{
	char *a = row(first_text->id, 0, "", "New words.");
	char *s0 = snapshot("", NO_COUNCIL), *s1 = snapshot(a, NO_COUNCIL);
	cJSON *added = version_diff(c, s0, s1), *removed = version_diff(c, s1, s0);

	CHECK(cJSON_GetArraySize(added) == 1);
	CHECK(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetArrayItem(added, 0), "before")));
	CHECK_STR(str(cJSON_GetArrayItem(added, 0), "after"), "New words.");
	CHECK(cJSON_GetArraySize(removed) == 1);
	CHECK_STR(str(cJSON_GetArrayItem(removed, 0), "before"), "New words.");
	CHECK(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetArrayItem(removed, 0), "after")));
	cJSON_Delete(added);
	cJSON_Delete(removed);
	free(a);
	free(s0);
	free(s1);
}

static void changes_should_come_in_the_order_of_the_journey(void)
{
	/* written the other way round in both snapshots */
	char *l0 = row(later_text->id, 0, "", "one"), *l1 = row(later_text->id, 0, "", "two");
	char *f0 = row(first_text->id, 0, "", "one"), *f1 = row(first_text->id, 0, "", "two");
	char *r0 = test_format("%s,%s", l0, f0), *r1 = test_format("%s,%s", l1, f1);
	char *s0 = snapshot(r0, NO_COUNCIL), *s1 = snapshot(r1, NO_COUNCIL);
	cJSON *d = version_diff(c, s0, s1);

	CHECK(cJSON_GetArraySize(d) == 2);
	CHECK_STR(str(cJSON_GetArrayItem(d, 0), "section"), first_text->id);
	CHECK_STR(str(cJSON_GetArrayItem(d, 1), "section"), later_text->id);
	cJSON_Delete(d);
	free(l0);
	free(l1);
	free(f0);
	free(f1);
	free(r0);
	free(r1);
	free(s0);
	free(s1);
}

static void a_list_entry_field_should_be_named_by_its_page_and_its_label(void)
{
	const content_field *f = &list->fields[1];
	char *e0 = row(list->id, 2, f->name, "before"), *e1 = row(list->id, 2, f->name, "after");
	char *s0 = snapshot(e0, NO_COUNCIL), *s1 = snapshot(e1, NO_COUNCIL);
	char *label = test_format("%s: %s", list->title, f->label);
	cJSON *d = version_diff(c, s0, s1);
	const cJSON *ch = cJSON_GetArrayItem(d, 0);

	CHECK(cJSON_GetArraySize(d) == 1);
	CHECK_STR(str(ch, "label"), label);
	CHECK_STR(str(ch, "field"), f->name);
	CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(ch, "item")) == 2);
	cJSON_Delete(d);
	free(e0);
	free(e1);
	free(s0);
	free(s1);
	free(label);
}

static void the_councils_parts_should_be_compared_and_yes_no_shown_as_booleans(void)
{
	char *s0 = snapshot("", "\"needs\":[{\"id\":4,\"text\":\"Getting out\",\"eligible\":0,"
				"\"how\":\"a PA\",\"direct_payment\":0}],"
				"\"support\":[{\"id\":9,\"what\":\"A PA\",\"cost_pence\":2550}],"
				"\"budget_pence\":100000,\"managing\":\"direct\",\"risks\":\"\","
				"\"emergency_checked\":0");
	char *s1 = snapshot("", "\"needs\":[{\"id\":4,\"text\":\"Getting out\",\"eligible\":1,"
				"\"how\":\"a PA\",\"direct_payment\":0}],"
				"\"support\":[{\"id\":9,\"what\":\"A PA\",\"cost_pence\":3000},"
				"{\"id\":10,\"what\":\"A taxi\",\"cost_pence\":500}],"
				"\"budget_pence\":100000,\"managing\":\"council\",\"risks\":\"\","
				"\"emergency_checked\":1");
	cJSON *d = version_diff(c, s0, s1), *ch;
	int need = 0, cost = 0, added = 0, managing = 0, emergency = 0, others = 0;

	cJSON_ArrayForEach(ch, d)
	{
		const char *section = str(ch, "section"), *field = str(ch, "field");

		if (!strcmp(section, "needs") && !strcmp(field, "eligible"))
			need += cJSON_IsFalse(cJSON_GetObjectItem(ch, "before")) &&
				cJSON_IsTrue(cJSON_GetObjectItem(ch, "after"));
		else if (!strcmp(section, "support") && !strcmp(field, "cost_pence") &&
			 cJSON_GetNumberValue(cJSON_GetObjectItem(ch, "item")) == 9)
			cost++;
		else if (!strcmp(section, "support") &&
			 cJSON_GetNumberValue(cJSON_GetObjectItem(ch, "item")) == 10)
			added += cJSON_IsNull(cJSON_GetObjectItem(ch, "before"));
		else if (!strcmp(section, "council") && !strcmp(field, "managing"))
			managing++;
		else if (!strcmp(section, "council") && !strcmp(field, "emergency_checked"))
			emergency += cJSON_IsTrue(cJSON_GetObjectItem(ch, "after"));
		else
			others++; /* the budget, the risks, the need's words did not change */
	}
	CHECK(need == 1);
	CHECK(cost == 1);
	CHECK(added == 2); /* what it is, and its cost */
	CHECK(managing == 1);
	CHECK(emergency == 1);
	CHECK(others == 0);
	cJSON_Delete(d);
	free(s0);
	free(s1);
}

static void anything_but_two_snapshots_should_give_null(void)
{
	char *s = snapshot("", NO_COUNCIL);

	CHECK(version_diff(c, s, "not json") == NULL);
	CHECK(version_diff(c, "[]", s) == NULL);
	CHECK(version_diff(c, s, "") == NULL);
	free(s);
}

static void changed_cards_should_be_named_as_the_staff_page_names_them(void)
{
	char *r0 = row("important-places", 0, "cards", "home");
	char *r1 = row("important-places", 0, "cards", "home,park");
	char *s0 = snapshot(r0, NO_COUNCIL), *s1 = snapshot(r1, NO_COUNCIL);
	cJSON *d = version_diff(c, s0, s1);
	const cJSON *ch = cJSON_GetArrayItem(d, 0);
	const content_page *pg = content_page_find(c, "important-places", NULL);
	char *label =
	    test_format("%s: %s", pg ? pg->title : "?", content_message(c, "staff.cards"));

	CHECK(cJSON_GetArraySize(d) == 1);
	CHECK_STR(str(ch, "label"), label);
	CHECK_STR(str(ch, "field"), "cards");
	CHECK_STR(str(ch, "before"), "home");
	CHECK_STR(str(ch, "after"), "home,park");
	cJSON_Delete(d);
	free(label);
	free(r0);
	free(r1);
	free(s0);
	free(s1);
}

int main(void)
{
	char err[512];

	c = content_load(EASYREAD, "en-GB", PICTURES, err, sizeof(err));
	if (!c || pick_pages()) {
		fprintf(stderr, "the content did not load or has no text and list pages: %s\n",
			c ? "" : err);
		content_free(c);
		return 1;
	}
	RUN(a_changed_answer_should_be_shown_and_an_unchanged_one_hidden);
	RUN(changed_cards_should_be_named_as_the_staff_page_names_them);
	RUN(added_and_removed_answers_should_show_null_on_the_empty_side);
	RUN(changes_should_come_in_the_order_of_the_journey);
	RUN(a_list_entry_field_should_be_named_by_its_page_and_its_label);
	RUN(the_councils_parts_should_be_compared_and_yes_no_shown_as_booleans);
	RUN(anything_but_two_snapshots_should_give_null);
	content_free(c);
	return check_report();
}
