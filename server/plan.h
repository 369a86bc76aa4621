/* plan: the plan model: statuses and the transitions between them, and the answers a plan holds,
 * with the rules for amounts and dates. No storage and no JSON here. */
#ifndef PLANALOUD_PLAN_H
#define PLANALOUD_PLAN_H

#include <stddef.h>

#define PLAN_MAX_ITEMS 50 /* entries in one list (outcomes, support, actions) */

typedef enum plan_status {
	PLAN_DRAFT,
	PLAN_SUBMITTED,
	PLAN_CHANGES_REQUESTED,
	PLAN_AGREED,
	PLAN_NOT_AGREED,
	PLAN_SIGNED_OFF,
	PLAN_REVIEW_DUE,
	PLAN_STATUS_COUNT
} plan_status;

const char *plan_status_name(plan_status s);
/* 0 and *s set, or -1 for a name that is not a status. */
int plan_status_parse(const char *name, plan_status *s);
/* 1 when the plan's statuses allow from -> to (plan.c's graph: every move workflow.c makes). */
int plan_can_transition(plan_status from, plan_status to);
/* 1 when the person may change their answers (draft, or sent back for changes). */
int plan_person_can_edit(plan_status s);
/* 1 while staff may change the council's parts (needs' how, support, risks): before agreement
 * (draft, submitted, changes_requested), or after it failed (not_agreed). */
int plan_council_parts_open(plan_status s);
/* 1 when the person and the caseworker can be asked to agree: the plan has been sent. */
int plan_asks_agreement(plan_status s);
/* 1 when the council has agreed and signed the plan off (signed_off, review_due): the person
 * may have their copy and ask for a review, and staff may review it. */
int plan_council_agreed(plan_status s);
/* 1 when a plan entering s forgets both agreements and the request for them (it goes back for
 * changes, or agreement failed). */
int plan_forgets_agreement(plan_status s);

/* 1 when a choice of the kiosk's `managing` page is among the ways of managing the council
 * offered: `offered` as stored with the invitation ("direct,council"; NULL or "" when none were
 * named, which offers all). The option "direct-payment" is the council's "direct"; an option
 * that is no way of managing ("help") is always offered. */
int plan_managing_offered(const char *offered, const char *option);

/* "12", "12.5", "£12.50", "1,250" -> pence. 0, or -1 for anything that is not an amount
 * (negative, more than two decimals, over £1,000,000). */
int plan_money_parse(const char *text, long long *pence);
/* "£12.50"; "£12" for whole pounds. */
void plan_money_format(long long pence, char *out, size_t outlen);
/* 1 for a real calendar date written YYYY-MM-DD. */
int plan_date_valid(const char *text);
/* The year, month (1 to 12) and day of a date written YYYY-MM-DD: 0, or -1 when it is not a
 * real calendar date (nothing is set then that the caller may rely on). */
int plan_date_parts(const char *text, int *year, int *month, int *day);

/* Dates are YYYY-MM-DD text, which sorts and compares (strcmp) in calendar order. */
#define PLAN_DATE_LEN 11 /* a date and its NUL */
/* The local calendar date at time t (seconds since 1970). */
void plan_date_of(long long t, char out[PLAN_DATE_LEN]);
/* The date `days` days after date (before it when negative). 0, or -1 when date is not valid or
 * the result would fall outside plan_date_valid's years. */
int plan_date_add_days(const char *date, int days, char out[PLAN_DATE_LEN]);
/* The same day `months` months after date; a day the month does not have becomes its last day
 * (31 January + 1 month is 28 or 29 February). 0, or -1 as plan_date_add_days. */
int plan_date_add_months(const char *date, int months, char out[PLAN_DATE_LEN]);

/* Reviews (docs/staff.md): a light-touch review 6 to 8 weeks after a plan is signed
 * off, a full review at least every 12 months; each shows as due soon 2 weeks before its date. */
#define PLAN_LIGHT_REVIEW_DAYS	49 /* 7 weeks */
#define PLAN_FULL_REVIEW_MONTHS 12
#define PLAN_REVIEW_SOON_DAYS	14

/* The reviews a sign-off on `date` schedules: the light-touch one and the full one. 0, or -1
 * for a date that is not valid. */
int plan_review_dates(const char *date, char light[PLAN_DATE_LEN], char full[PLAN_DATE_LEN]);
/* Where a review due on `due` stands on `today`: */
typedef enum plan_review_state {
	PLAN_REVIEW_LATER,   /* more than PLAN_REVIEW_SOON_DAYS away */
	PLAN_REVIEW_SOON,    /* within PLAN_REVIEW_SOON_DAYS, or today */
	PLAN_REVIEW_OVERDUE, /* its date has passed */
} plan_review_state;
/* PLAN_REVIEW_LATER as well for dates that are not valid. */
plan_review_state plan_review_state_on(const char *due, const char *today);

/* The answers of one plan, read from the store for one page description. */
typedef struct plan_answer {
	char *page;
	long long item; /* 0 for a page's own answer; else the list entry */
	char *field;    /* "" for a page's own answer */
	char *value;
} plan_answer;

typedef struct plan_answers {
	plan_answer *a;
	size_t n;
} plan_answers;

void plan_answers_init(plan_answers *pa);
void plan_answers_release(plan_answers *pa);
/* Copies the strings. 0, or -1 when memory runs out. */
int plan_answers_add(plan_answers *pa, const char *page, long long item, const char *field,
		     const char *value);
/* Adds the answer, or replaces the value of one already there. */
int plan_answers_set(plan_answers *pa, const char *page, long long item, const char *field,
		     const char *value);
/* The value, or NULL when unanswered. Borrowed until the set changes. */
const char *plan_answers_get(const plan_answers *pa, const char *page, long long item,
			     const char *field);

#endif
