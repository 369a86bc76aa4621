/* Tests for server/plan.c: statuses, transitions, amounts, dates and a plan's answers. */
#include "check.h"

#include "plan.h"

#include <string.h>

static void plan_status_names_should_round_trip(void)
{
	static const char *const names[] = {"draft",	 "submitted",  "changes_requested",
					    "agreed",	 "not_agreed", "signed_off",
					    "review_due"};

	CHECK(sizeof(names) / sizeof(*names) == PLAN_STATUS_COUNT);
	for (int i = 0; i < PLAN_STATUS_COUNT; i++) {
		plan_status s = PLAN_STATUS_COUNT;

		CHECK(plan_status_parse(names[i], &s) == 0);
		CHECK(s == (plan_status)i);
		CHECK_STR(plan_status_name(s), names[i]);
	}
}

static void plan_status_names_should_match_what_the_store_and_messages_use(void)
{
	CHECK_STR(plan_status_name(PLAN_DRAFT), "draft");
	CHECK_STR(plan_status_name(PLAN_SUBMITTED), "submitted");
	CHECK_STR(plan_status_name(PLAN_CHANGES_REQUESTED), "changes_requested");
	CHECK_STR(plan_status_name(PLAN_SIGNED_OFF), "signed_off");
}

static void plan_status_parse_should_refuse_names_that_are_not_statuses(void)
{
	plan_status s = PLAN_AGREED;

	CHECK(plan_status_parse("", &s) == -1);
	CHECK(plan_status_parse("bogus", &s) == -1);
	CHECK(plan_status_parse("Draft", &s) == -1);
	CHECK(plan_status_parse("draft ", &s) == -1);
	CHECK(plan_status_parse("changes-requested", &s) == -1);
	CHECK(s == PLAN_AGREED);
}

static void plan_status_name_should_not_crash_on_an_out_of_range_status(void)
{
	CHECK(plan_status_name(PLAN_STATUS_COUNT) != NULL);
	CHECK(plan_status_name((plan_status)99) != NULL);
}

static void plan_should_allow_the_journey_of_a_plan(void)
{
	CHECK(plan_can_transition(PLAN_DRAFT, PLAN_SUBMITTED) == 1);
	CHECK(plan_can_transition(PLAN_SUBMITTED, PLAN_CHANGES_REQUESTED) == 1);
	CHECK(plan_can_transition(PLAN_CHANGES_REQUESTED, PLAN_SUBMITTED) == 1);
	CHECK(plan_can_transition(PLAN_SUBMITTED, PLAN_AGREED) == 1);
	CHECK(plan_can_transition(PLAN_SUBMITTED, PLAN_NOT_AGREED) == 1);
	CHECK(plan_can_transition(PLAN_AGREED, PLAN_SIGNED_OFF) == 1);
	CHECK(plan_can_transition(PLAN_SIGNED_OFF, PLAN_REVIEW_DUE) == 1);
}

static void plan_should_forbid_skipping_or_repeating_a_step(void)
{
	CHECK(plan_can_transition(PLAN_SUBMITTED, PLAN_SUBMITTED) == 0);
	CHECK(plan_can_transition(PLAN_DRAFT, PLAN_SIGNED_OFF) == 0);
	CHECK(plan_can_transition(PLAN_DRAFT, PLAN_AGREED) == 0);
	CHECK(plan_can_transition(PLAN_DRAFT, PLAN_DRAFT) == 0);
	CHECK(plan_can_transition(PLAN_SUBMITTED, PLAN_DRAFT) == 0);
	CHECK(plan_can_transition(PLAN_SIGNED_OFF, PLAN_DRAFT) == 0);
	CHECK(plan_can_transition(PLAN_CHANGES_REQUESTED, PLAN_AGREED) == 0);
}

static void plan_should_never_allow_a_status_to_move_to_itself(void)
{
	for (int s = 0; s < PLAN_STATUS_COUNT; s++)
		CHECK(plan_can_transition((plan_status)s, (plan_status)s) == 0);
}

static void plan_should_never_allow_going_back_to_draft(void)
{
	for (int s = 0; s < PLAN_STATUS_COUNT; s++)
		CHECK(plan_can_transition((plan_status)s, PLAN_DRAFT) == 0);
}

static void plan_person_can_edit_only_a_draft_or_a_plan_sent_back(void)
{
	CHECK(plan_person_can_edit(PLAN_DRAFT) == 1);
	CHECK(plan_person_can_edit(PLAN_CHANGES_REQUESTED) == 1);
	CHECK(plan_person_can_edit(PLAN_SUBMITTED) == 0);
	CHECK(plan_person_can_edit(PLAN_AGREED) == 0);
	CHECK(plan_person_can_edit(PLAN_NOT_AGREED) == 0);
	CHECK(plan_person_can_edit(PLAN_SIGNED_OFF) == 0);
	CHECK(plan_person_can_edit(PLAN_REVIEW_DUE) == 0);
}

/* The pence for text, or -2 when plan_money_parse refuses it. */
static long long pence_of(const char *text)
{
	long long pence = -7;

	if (plan_money_parse(text, &pence) != 0)
		return -2;
	return pence;
}

static void plan_money_parse_should_read_amounts_as_people_type_them(void)
{
	CHECK(pence_of("12") == 1200);
	CHECK(pence_of("12.5") == 1250);
	CHECK(pence_of("12.50") == 1250);
	CHECK(pence_of("12.05") == 1205);
	CHECK(pence_of("\xc2\xa3"
		       "12.50") == 1250); /* £12.50 */
	CHECK(pence_of("\xc2\xa3"
		       "40") == 4000);
	CHECK(pence_of("1,250") == 125000);
	CHECK(pence_of(" 7 ") == 700);
	CHECK(pence_of("0") == 0);
	CHECK(pence_of("0.99") == 99);
}

static void plan_money_parse_should_accept_exactly_one_million_pounds(void)
{
	CHECK(pence_of("1000000") == 100000000LL);
	CHECK(pence_of("1,000,000.00") == 100000000LL);
}

static void plan_money_parse_should_refuse_what_is_not_an_amount(void)
{
	CHECK(pence_of("") == -2);
	CHECK(pence_of("   ") == -2);
	CHECK(pence_of("abc") == -2);
	CHECK(pence_of("12abc") == -2);
	CHECK(pence_of("-5") == -2);
	CHECK(pence_of("\xc2\xa3-5") == -2);
	CHECK(pence_of("1.234") == -2);
	CHECK(pence_of("12.5.0") == -2);
	CHECK(pence_of("\xc2\xa3") == -2);
	CHECK(pence_of(".") == -2);
	CHECK(pence_of(",") == -2);
	CHECK(pence_of("$12") == -2);
	CHECK(pence_of("12 50") == -2);
}

static void plan_money_parse_should_refuse_a_comma_that_does_not_separate_thousands(void)
{
	/* "12,50" is someone writing £12.50 the European way; reading it as £1,250 would be wrong.
	 */
	CHECK(pence_of("12,50") == -2);
	CHECK(pence_of("1,2") == -2);
	CHECK(pence_of(",5") == -2);
	CHECK(pence_of("1,,000") == -2);
	CHECK(pence_of("12.50,") == -2);
	CHECK(pence_of("1,000,000") == 100000000LL);
	CHECK(pence_of("12,345.60") == 1234560);
}

static void plan_money_parse_should_refuse_more_than_a_million_pounds(void)
{
	CHECK(pence_of("1000001") == -2);
	CHECK(pence_of("1000000.01") == -2);
	CHECK(pence_of("\xc2\xa3"
		       "2,000,000") == -2);
	CHECK(pence_of("99999999999999999999999999") == -2);
}

static void plan_money_parse_should_leave_the_result_alone_when_refusing(void)
{
	long long pence = 4242;

	CHECK(plan_money_parse("abc", &pence) == -1);
	CHECK(pence == 4242);
}

static void plan_money_format_should_show_pounds_and_pence(void)
{
	char out[32];

	plan_money_format(1250, out, sizeof(out));
	CHECK_STR(out, "\xc2\xa3"
		       "12.50");
	plan_money_format(1205, out, sizeof(out));
	CHECK_STR(out, "\xc2\xa3"
		       "12.05");
	plan_money_format(99, out, sizeof(out));
	CHECK_STR(out, "\xc2\xa3"
		       "0.99");
}

static void plan_money_format_should_show_whole_pounds_without_pence(void)
{
	char out[32];

	plan_money_format(1200, out, sizeof(out));
	CHECK_STR(out, "\xc2\xa3"
		       "12");
	plan_money_format(0, out, sizeof(out));
	CHECK_STR(out, "\xc2\xa3"
		       "0");
	plan_money_format(100000000LL, out, sizeof(out));
	CHECK_STR(out, "\xc2\xa3"
		       "1000000");
}

static void plan_money_format_should_read_back_as_the_same_amount(void)
{
	static const long long amounts[] = {0, 1, 10, 99, 100, 1250, 4000, 123456, 100000000LL};

	for (size_t i = 0; i < sizeof(amounts) / sizeof(*amounts); i++) {
		char out[32];

		plan_money_format(amounts[i], out, sizeof(out));
		CHECK(pence_of(out) == amounts[i]);
	}
}

static void plan_money_format_should_not_overflow_a_small_buffer(void)
{
	char out[4] = "zzz";

	plan_money_format(123456, out, sizeof(out));
	CHECK(out[3] == '\0');
}

static void plan_date_valid_should_accept_real_dates(void)
{
	CHECK(plan_date_valid("2026-12-31") == 1);
	CHECK(plan_date_valid("2026-01-01") == 1);
	CHECK(plan_date_valid("2024-02-29") == 1); /* a leap year */
	CHECK(plan_date_valid("2000-02-29") == 1); /* divisible by 400 */
	CHECK(plan_date_valid("2026-04-30") == 1);
}

static void plan_date_valid_should_refuse_days_the_calendar_does_not_have(void)
{
	CHECK(plan_date_valid("2023-02-29") == 0);
	CHECK(plan_date_valid("1900-02-29") == 0); /* divisible by 100, not by 400 */
	CHECK(plan_date_valid("2026-04-31") == 0);
	CHECK(plan_date_valid("2026-13-01") == 0);
	CHECK(plan_date_valid("2026-00-10") == 0);
	CHECK(plan_date_valid("2026-01-00") == 0);
	CHECK(plan_date_valid("2026-01-32") == 0);
}

static void plan_date_valid_should_refuse_other_ways_of_writing_a_date(void)
{
	CHECK(plan_date_valid("31/12/2026") == 0);
	CHECK(plan_date_valid("2026/12/31") == 0);
	CHECK(plan_date_valid("2026-1-5") == 0);
	CHECK(plan_date_valid("2026-12-31 ") == 0);
	CHECK(plan_date_valid(" 2026-12-31") == 0);
	CHECK(plan_date_valid("2026-12-3a") == 0);
	CHECK(plan_date_valid("+2026-12-3") == 0);
	CHECK(plan_date_valid("") == 0);
	CHECK(plan_date_valid("tomorrow") == 0);
}

static void plan_date_parts_should_give_year_month_and_day_of_real_dates_only(void)
{
	int y = 0, m = 0, d = 0;

	CHECK(plan_date_parts("2027-03-01", &y, &m, &d) == 0);
	CHECK(y == 2027 && m == 3 && d == 1);
	CHECK(plan_date_parts("2024-02-29", &y, &m, &d) == 0 && m == 2 && d == 29);
	CHECK(plan_date_parts("2023-02-29", &y, &m, &d) == -1);
	CHECK(plan_date_parts("2027-3-01", &y, &m, &d) == -1);
	CHECK(plan_date_parts("2027-03-0x", &y, &m, &d) == -1);
	CHECK(plan_date_parts("+027-03-01", &y, &m, &d) == -1); /* atoi would have read it */
	CHECK(plan_date_parts("", &y, &m, &d) == -1);
}

static void plan_date_add_days_should_count_across_months_years_and_leap_days(void)
{
	char d[PLAN_DATE_LEN];

	CHECK(plan_date_add_days("2026-11-22", 49, d) == 0);
	CHECK_STR(d, "2027-01-10");
	CHECK(plan_date_add_days("2028-02-28", 1, d) == 0);
	CHECK_STR(d, "2028-02-29"); /* 2028 is a leap year */
	CHECK(plan_date_add_days("2027-02-28", 1, d) == 0);
	CHECK_STR(d, "2027-03-01");
	CHECK(plan_date_add_days("2100-02-28", 1, d) == 0);
	CHECK_STR(d, "2100-03-01"); /* 2100 is not */
	CHECK(plan_date_add_days("2000-02-28", 1, d) == 0);
	CHECK_STR(d, "2000-02-29"); /* 2000 is */
	CHECK(plan_date_add_days("2026-01-10", -14, d) == 0);
	CHECK_STR(d, "2025-12-27");
	CHECK(plan_date_add_days("2026-03-29", 0, d) == 0);
	CHECK_STR(d, "2026-03-29");
	CHECK(plan_date_add_days("2024-01-01", 366, d) == 0);
	CHECK_STR(d, "2025-01-01");
}

static void plan_date_add_days_should_refuse_a_bad_date_and_leave_the_years_it_knows(void)
{
	char d[PLAN_DATE_LEN] = "unchanged";

	CHECK(plan_date_add_days("2026-02-30", 1, d) == -1);
	CHECK(plan_date_add_days("tomorrow", 1, d) == -1);
	CHECK(plan_date_add_days("2200-12-31", 1, d) == -1);
	CHECK(plan_date_add_days("1900-01-01", -1, d) == -1);
	CHECK_STR(d, "unchanged");
}

static void plan_date_add_months_should_keep_the_day_or_take_the_months_last(void)
{
	char d[PLAN_DATE_LEN];

	CHECK(plan_date_add_months("2026-11-22", 12, d) == 0);
	CHECK_STR(d, "2027-11-22");
	CHECK(plan_date_add_months("2026-01-31", 1, d) == 0);
	CHECK_STR(d, "2026-02-28");
	CHECK(plan_date_add_months("2028-01-31", 1, d) == 0);
	CHECK_STR(d, "2028-02-29");
	CHECK(plan_date_add_months("2028-02-29", 12, d) == 0);
	CHECK_STR(d, "2029-02-28");
	CHECK(plan_date_add_months("2026-12-15", 1, d) == 0);
	CHECK_STR(d, "2027-01-15");
	CHECK(plan_date_add_months("2026-03-31", -1, d) == 0);
	CHECK_STR(d, "2026-02-28");
	CHECK(plan_date_add_months("2026-01-15", -13, d) == 0);
	CHECK_STR(d, "2024-12-15");
	CHECK(plan_date_add_months("2026-13-01", 1, d) == -1);
	CHECK(plan_date_add_months("2200-06-01", 12, d) == -1);
}

static void plan_review_dates_should_be_7_weeks_and_12_months_after_sign_off(void)
{
	char light[PLAN_DATE_LEN], full[PLAN_DATE_LEN];

	CHECK(plan_review_dates("2026-11-22", light, full) == 0);
	CHECK_STR(light, "2027-01-10");
	CHECK_STR(full, "2027-11-22");
	/* a light-touch review comes 6 to 8 weeks after sign-off */
	CHECK(PLAN_LIGHT_REVIEW_DAYS >= 42 && PLAN_LIGHT_REVIEW_DAYS <= 56);
	CHECK(plan_review_dates("not a date", light, full) == -1);
}

static void plan_review_state_should_be_soon_2_weeks_before_and_overdue_after(void)
{
	CHECK(plan_review_state_on("2027-01-10", "2026-12-26") == PLAN_REVIEW_LATER);
	CHECK(plan_review_state_on("2027-01-10", "2026-12-27") == PLAN_REVIEW_SOON);
	CHECK(plan_review_state_on("2027-01-10", "2027-01-10") == PLAN_REVIEW_SOON);
	CHECK(plan_review_state_on("2027-01-10", "2027-01-11") == PLAN_REVIEW_OVERDUE);
	CHECK(plan_review_state_on("2027-01-10", "2028-01-01") == PLAN_REVIEW_OVERDUE);
	CHECK(plan_review_state_on("never", "2027-01-11") == PLAN_REVIEW_LATER);
}

static void plan_date_of_should_give_a_valid_date(void)
{
	char d[PLAN_DATE_LEN];

	plan_date_of(1795000000LL, d); /* 2026-11-19 or -20 where the clock is */
	CHECK(plan_date_valid(d));
	CHECK(strncmp(d, "2026-11-", 8) == 0);
}

static void plan_answers_should_start_empty(void)
{
	plan_answers pa;

	plan_answers_init(&pa);
	CHECK(pa.n == 0);
	CHECK(plan_answers_get(&pa, "who", 0, "") == NULL);
	plan_answers_release(&pa);
}

static void plan_answers_should_give_back_what_was_added(void)
{
	plan_answers pa;
	char page[] = "who", value[] = "helper";

	plan_answers_init(&pa);
	CHECK(plan_answers_add(&pa, page, 0, "", value) == 0);
	CHECK(plan_answers_add(&pa, "budget", 3, "cost", "4000") == 0);
	CHECK(plan_answers_add(&pa, "budget", 4, "cost", "1250") == 0);
	/* The strings are copied, not borrowed. */
	snprintf(page, sizeof(page), "xyz");
	snprintf(value, sizeof(value), "nobody");
	CHECK(pa.n == 3);
	CHECK_STR(plan_answers_get(&pa, "who", 0, ""), "helper");
	CHECK_STR(plan_answers_get(&pa, "budget", 3, "cost"), "4000");
	CHECK_STR(plan_answers_get(&pa, "budget", 4, "cost"), "1250");
	plan_answers_release(&pa);
	CHECK(pa.n == 0);
}

static void plan_answers_get_should_match_page_item_and_field_together(void)
{
	plan_answers pa;

	plan_answers_init(&pa);
	plan_answers_add(&pa, "budget", 3, "cost", "4000");
	CHECK(plan_answers_get(&pa, "budget", 3, "what") == NULL);
	CHECK(plan_answers_get(&pa, "budget", 5, "cost") == NULL);
	CHECK(plan_answers_get(&pa, "actions", 3, "cost") == NULL);
	CHECK(plan_answers_get(&pa, "budget", 0, "") == NULL);
	plan_answers_release(&pa);
}

static void plan_answers_set_should_replace_an_answer_already_there(void)
{
	plan_answers pa;

	plan_answers_init(&pa);
	CHECK(plan_answers_set(&pa, "who", 0, "", "me") == 0);
	CHECK(plan_answers_set(&pa, "managing", 0, "", "council") == 0);
	CHECK(pa.n == 2);
	CHECK(plan_answers_set(&pa, "who", 0, "", "helper") == 0);
	CHECK(pa.n == 2);
	CHECK_STR(plan_answers_get(&pa, "who", 0, ""), "helper");
	CHECK_STR(plan_answers_get(&pa, "managing", 0, ""), "council");
	CHECK(plan_answers_set(&pa, "who", 1, "", "other entry") == 0);
	CHECK(pa.n == 3);
	CHECK_STR(plan_answers_get(&pa, "who", 0, ""), "helper");
	plan_answers_release(&pa);
}

static void plan_answers_should_hold_many_answers(void)
{
	plan_answers pa;
	int ok = 1;

	plan_answers_init(&pa);
	for (long long i = 1; i <= 500; i++) {
		char v[32];

		snprintf(v, sizeof(v), "value %lld", i);
		if (plan_answers_add(&pa, "outcomes", i, "outcome", v))
			ok = 0;
	}
	CHECK(ok);
	CHECK(pa.n == 500);
	CHECK_STR(plan_answers_get(&pa, "outcomes", 1, "outcome"), "value 1");
	CHECK_STR(plan_answers_get(&pa, "outcomes", 500, "outcome"), "value 500");
	plan_answers_release(&pa);
}

static void managing_should_offer_the_ways_named_or_all_when_none_were(void)
{
	CHECK(plan_managing_offered("direct,council", "direct-payment") == 1);
	CHECK(plan_managing_offered("direct,council", "council") == 1);
	CHECK(plan_managing_offered("direct,council", "provider") == 0);
	CHECK(plan_managing_offered("direct,council", "mix") == 0);
	CHECK(plan_managing_offered("council", "direct-payment") == 0);
	CHECK(plan_managing_offered("directly", "direct-payment") == 0); /* whole names only */
	CHECK(plan_managing_offered("council", "help") == 1);		    /* help is always there */
	CHECK(plan_managing_offered("", "provider") == 1);
	CHECK(plan_managing_offered(NULL, "mix") == 1);
}

int main(void)
{
	RUN(plan_status_names_should_round_trip);
	RUN(plan_status_names_should_match_what_the_store_and_messages_use);
	RUN(plan_status_parse_should_refuse_names_that_are_not_statuses);
	RUN(plan_status_name_should_not_crash_on_an_out_of_range_status);
	RUN(plan_should_allow_the_journey_of_a_plan);
	RUN(plan_should_forbid_skipping_or_repeating_a_step);
	RUN(plan_should_never_allow_a_status_to_move_to_itself);
	RUN(plan_should_never_allow_going_back_to_draft);
	RUN(plan_person_can_edit_only_a_draft_or_a_plan_sent_back);
	RUN(plan_money_parse_should_read_amounts_as_people_type_them);
	RUN(plan_money_parse_should_accept_exactly_one_million_pounds);
	RUN(plan_money_parse_should_refuse_what_is_not_an_amount);
	RUN(plan_money_parse_should_refuse_a_comma_that_does_not_separate_thousands);
	RUN(plan_money_parse_should_refuse_more_than_a_million_pounds);
	RUN(plan_money_parse_should_leave_the_result_alone_when_refusing);
	RUN(plan_money_format_should_show_pounds_and_pence);
	RUN(plan_money_format_should_show_whole_pounds_without_pence);
	RUN(plan_money_format_should_read_back_as_the_same_amount);
	RUN(plan_money_format_should_not_overflow_a_small_buffer);
	RUN(plan_date_valid_should_accept_real_dates);
	RUN(plan_date_valid_should_refuse_days_the_calendar_does_not_have);
	RUN(plan_date_valid_should_refuse_other_ways_of_writing_a_date);
	RUN(plan_date_parts_should_give_year_month_and_day_of_real_dates_only);
	RUN(plan_date_add_days_should_count_across_months_years_and_leap_days);
	RUN(plan_date_add_days_should_refuse_a_bad_date_and_leave_the_years_it_knows);
	RUN(plan_date_add_months_should_keep_the_day_or_take_the_months_last);
	RUN(plan_review_dates_should_be_7_weeks_and_12_months_after_sign_off);
	RUN(plan_review_state_should_be_soon_2_weeks_before_and_overdue_after);
	RUN(plan_date_of_should_give_a_valid_date);
	RUN(plan_answers_should_start_empty);
	RUN(plan_answers_should_give_back_what_was_added);
	RUN(plan_answers_get_should_match_page_item_and_field_together);
	RUN(plan_answers_set_should_replace_an_answer_already_there);
	RUN(plan_answers_should_hold_many_answers);
	RUN(managing_should_offer_the_ways_named_or_all_when_none_were);
	return check_report();
}
