/* Tests for server/flow.c with the real content: which page comes next, and which are skipped. */
#include "check.h"

#include "content.h"
#include "flow.h"
#include "plan.h"

#include <string.h>

#define EASYREAD PLANALOUD_SOURCE_DIR "/easyread"
#define PICTURES PLANALOUD_SOURCE_DIR "/web/pictures"

static content *c;

/* The index of the named page; the test fails (and gives a harmless index) when it is missing. */
static long at(const char *id)
{
	size_t i = 0;

	CHECK(content_page_find(c, id, &i) != NULL);
	if (!content_page_find(c, id, &i)) {
		fprintf(stderr, "    the content has no page '%s'\n", id);
		return -2;
	}
	return (long)i;
}

static const char *id_at(long i)
{
	const content_page *pg = i >= 0 ? content_page_at(c, (size_t)i) : NULL;

	return pg ? pg->id : "(none)";
}

static long next_of(const plan_answers *pa, const char *id)
{
	long i = at(id);

	return i < 0 ? -3 : flow_next(c, pa, (size_t)i);
}

static long prev_of(const plan_answers *pa, const char *id)
{
	long i = at(id);

	return i < 0 ? -3 : flow_prev(c, pa, (size_t)i);
}

static void flow_should_go_from_welcome_to_who(void)
{
	plan_answers pa;

	plan_answers_init(&pa);
	CHECK(at("welcome") == 0);
	CHECK_STR(id_at(next_of(&pa, "welcome")), "who");
	CHECK(flow_prev(c, &pa, 0) == -1);
	plan_answers_release(&pa);
}

static void flow_should_skip_the_helper_pages_when_who_is_unanswered(void)
{
	plan_answers pa;

	plan_answers_init(&pa);
	CHECK_STR(id_at(next_of(&pa, "who")), "code");
	CHECK_STR(id_at(prev_of(&pa, "code")), "who");
	CHECK(flow_visible(c, &pa, content_page_find(c, "helper-name", NULL)) == 0);
	plan_answers_release(&pa);
}

static void flow_should_skip_the_helper_pages_when_i_write_my_own_plan(void)
{
	plan_answers pa;

	plan_answers_init(&pa);
	plan_answers_set(&pa, "who", 0, "", "me");
	CHECK_STR(id_at(next_of(&pa, "who")), "code");
	CHECK_STR(id_at(prev_of(&pa, "code")), "who");
	plan_answers_release(&pa);
}

static void flow_should_show_the_helper_pages_when_someone_helps(void)
{
	plan_answers pa;

	plan_answers_init(&pa);
	plan_answers_set(&pa, "who", 0, "", "helper");
	CHECK_STR(id_at(next_of(&pa, "who")), "helper-name");
	CHECK_STR(id_at(next_of(&pa, "helper-name")), "helper-relationship");
	CHECK_STR(id_at(next_of(&pa, "helper-relationship")), "helper-words");
	CHECK_STR(id_at(next_of(&pa, "helper-words")), "code");
	CHECK_STR(id_at(prev_of(&pa, "code")), "helper-words");
	CHECK(flow_visible(c, &pa, content_page_find(c, "helper-name", NULL)) == 1);
	plan_answers_release(&pa);
}

static void flow_should_look_only_at_the_pages_own_answer(void)
{
	plan_answers pa;

	plan_answers_init(&pa);
	/* A list entry's field named like the page is not the page's answer. */
	plan_answers_set(&pa, "who", 3, "name", "helper");
	CHECK_STR(id_at(next_of(&pa, "who")), "code");
	plan_answers_release(&pa);
}

static void flow_should_show_a_not_equal_page_when_the_answer_differs(void)
{
	plan_answers pa;
	const content_page *again = content_page_find(c, "direct-payment-again", NULL);

	CHECK(again != NULL);
	if (!again)
		return;
	plan_answers_init(&pa);
	/* Unanswered: "managing != direct-payment" holds. */
	CHECK(flow_visible(c, &pa, again) == 1);
	CHECK_STR(id_at(next_of(&pa, "managing")), "direct-payment-again");
	plan_answers_set(&pa, "managing", 0, "", "council");
	CHECK(flow_visible(c, &pa, again) == 1);
	CHECK_STR(id_at(next_of(&pa, "managing")), "direct-payment-again");
	plan_answers_set(&pa, "managing", 0, "", "direct-payment");
	CHECK(flow_visible(c, &pa, again) == 0);
	CHECK(strcmp(id_at(next_of(&pa, "managing")), "direct-payment-again") != 0);
	CHECK(strcmp(id_at(next_of(&pa, "managing")), "managing-help") != 0);
	CHECK(content_page_at(c, (size_t)next_of(&pa, "managing"))->part >
	      content_page_find(c, "managing", NULL)->part);
	plan_answers_release(&pa);
}

static void flow_should_show_an_equal_page_only_for_that_answer(void)
{
	plan_answers pa;

	plan_answers_init(&pa);
	plan_answers_set(&pa, "managing", 0, "", "help");
	CHECK_STR(id_at(next_of(&pa, "managing")), "managing-help");
	CHECK_STR(id_at(next_of(&pa, "managing-help")), "direct-payment-again");
	CHECK_STR(id_at(prev_of(&pa, "direct-payment-again")), "managing-help");
	plan_answers_set(&pa, "managing", 0, "", "mix");
	CHECK_STR(id_at(next_of(&pa, "managing")), "direct-payment-again");
	CHECK_STR(id_at(prev_of(&pa, "direct-payment-again")), "managing");
	plan_answers_release(&pa);
}

static void flow_should_show_the_carer_pages_after_a_yes(void)
{
	plan_answers pa;

	plan_answers_init(&pa);
	CHECK_STR(id_at(next_of(&pa, "carer")), "risks");
	plan_answers_set(&pa, "carer", 0, "", "no");
	CHECK_STR(id_at(next_of(&pa, "carer")), "risks");
	plan_answers_set(&pa, "carer", 0, "", "yes");
	CHECK_STR(id_at(next_of(&pa, "carer")), "carer-does");
	CHECK_STR(id_at(prev_of(&pa, "risks")), "carer-life");
	plan_answers_release(&pa);
}

/* Walks the journey forward from the first page and back from the last, for one set of answers. */
static void check_walks_agree(const plan_answers *pa)
{
	long forward[512], back[512];
	size_t nf = 0, nb = 0;
	long last = -1;

	for (long i = 0; i >= 0 && nf < 512; i = flow_next(c, pa, (size_t)i)) {
		forward[nf++] = i;
		last = i;
	}
	CHECK(nf > 1);
	CHECK(flow_next(c, pa, (size_t)last) == -1);
	for (long i = last; i >= 0 && nb < 512; i = flow_prev(c, pa, (size_t)i))
		back[nb++] = i;
	CHECK(nb == nf);
	for (size_t k = 0; k < nf && k < nb; k++) {
		const content_page *pg = content_page_at(c, (size_t)forward[k]);

		CHECK(back[nb - 1 - k] == forward[k]);
		CHECK(pg->part >= 0);
		CHECK(flow_visible(c, pa, pg) == 1);
		if (k > 0)
			CHECK(forward[k] > forward[k - 1]);
	}
	/* Every visible journey page is on the walk. */
	for (size_t i = 0; i < content_page_count(c); i++) {
		int on_walk = 0;

		for (size_t k = 0; k < nf; k++)
			on_walk |= forward[k] == (long)i;
		CHECK(on_walk == flow_visible(c, pa, content_page_at(c, i)));
	}
}

static void flow_prev_should_retrace_flow_next_whatever_the_answers(void)
{
	plan_answers pa;

	plan_answers_init(&pa);
	check_walks_agree(&pa);
	plan_answers_set(&pa, "who", 0, "", "helper");
	check_walks_agree(&pa);
	plan_answers_set(&pa, "managing", 0, "", "help");
	plan_answers_set(&pa, "carer", 0, "", "yes");
	plan_answers_set(&pa, "unsafe", 0, "", "yes");
	plan_answers_set(&pa, "advocacy", 0, "", "yes");
	check_walks_agree(&pa);
	plan_answers_set(&pa, "who", 0, "", "me");
	plan_answers_set(&pa, "managing", 0, "", "direct-payment");
	plan_answers_set(&pa, "advocacy", 0, "", "no");
	check_walks_agree(&pa);
	plan_answers_release(&pa);
}

static void flow_should_never_return_a_page_in_a_group(void)
{
	plan_answers pa;
	int groups = 0;

	plan_answers_init(&pa);
	plan_answers_set(&pa, "who", 0, "", "helper");
	for (size_t i = 0; i < content_page_count(c); i++) {
		long n = flow_next(c, &pa, i), p = flow_prev(c, &pa, i);

		if (content_page_at(c, i)->part < 0) {
			groups++;
			CHECK(flow_visible(c, &pa, content_page_at(c, i)) == 0);
		}
		if (n >= 0)
			CHECK(content_page_at(c, (size_t)n)->part >= 0);
		if (p >= 0)
			CHECK(content_page_at(c, (size_t)p)->part >= 0);
	}
	/* The real content has pages in a group, so this test means something. */
	CHECK(groups > 0);
	plan_answers_release(&pa);
}

static void flow_should_end_after_the_send_page(void)
{
	plan_answers pa;

	plan_answers_init(&pa);
	CHECK(next_of(&pa, "send") == -1);
	CHECK(flow_next(c, &pa, content_page_count(c) - 1) == -1);
	CHECK(flow_next(c, &pa, content_page_count(c) + 5) == -1);
	plan_answers_release(&pa);
}

static void flow_code_index_should_be_the_code_page(void)
{
	size_t i = flow_code_index(c);

	CHECK(content_page_at(c, i) != NULL);
	CHECK(content_page_at(c, i)->kind == KIND_CODE);
	CHECK(content_page_at(c, i) == content_page_of_kind(c, KIND_CODE));
	CHECK(i > 0);
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
	RUN(flow_should_go_from_welcome_to_who);
	RUN(flow_should_skip_the_helper_pages_when_who_is_unanswered);
	RUN(flow_should_skip_the_helper_pages_when_i_write_my_own_plan);
	RUN(flow_should_show_the_helper_pages_when_someone_helps);
	RUN(flow_should_look_only_at_the_pages_own_answer);
	RUN(flow_should_show_a_not_equal_page_when_the_answer_differs);
	RUN(flow_should_show_an_equal_page_only_for_that_answer);
	RUN(flow_should_show_the_carer_pages_after_a_yes);
	RUN(flow_prev_should_retrace_flow_next_whatever_the_answers);
	RUN(flow_should_never_return_a_page_in_a_group);
	RUN(flow_should_end_after_the_send_page);
	RUN(flow_code_index_should_be_the_code_page);
	content_free(c);
	return check_report();
}
