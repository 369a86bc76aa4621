#include "plan.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const status_names[PLAN_STATUS_COUNT] = {
	[PLAN_DRAFT] = "draft",
	[PLAN_SUBMITTED] = "submitted",
	[PLAN_CHANGES_REQUESTED] = "changes_requested",
	[PLAN_AGREED] = "agreed",
	[PLAN_NOT_AGREED] = "not_agreed",
	[PLAN_SIGNED_OFF] = "signed_off",
	[PLAN_REVIEW_DUE] = "review_due",
};

/* The status graph (docs/staff.md): draft -> submitted -> (changes_requested -> submitted)* ->
 * agreed -> signed_off
 * -> review_due -> ..., with not_agreed recorded where agreement fails. */
static const struct {
	plan_status from, to;
} transitions[] = {
	{ PLAN_DRAFT, PLAN_SUBMITTED },
	{ PLAN_SUBMITTED, PLAN_CHANGES_REQUESTED },
	{ PLAN_CHANGES_REQUESTED, PLAN_SUBMITTED },
	{ PLAN_SUBMITTED, PLAN_AGREED },
	{ PLAN_SUBMITTED, PLAN_NOT_AGREED },
	{ PLAN_NOT_AGREED, PLAN_CHANGES_REQUESTED },
	{ PLAN_AGREED, PLAN_SIGNED_OFF },
	{ PLAN_AGREED, PLAN_CHANGES_REQUESTED },
	{ PLAN_SIGNED_OFF, PLAN_REVIEW_DUE },
	{ PLAN_REVIEW_DUE, PLAN_SIGNED_OFF },
	{ PLAN_REVIEW_DUE, PLAN_CHANGES_REQUESTED },
};

const char *plan_status_name(plan_status s)
{
	return s < PLAN_STATUS_COUNT ? status_names[s] : "?";
}

int plan_status_parse(const char *name, plan_status *s)
{
	for (int i = 0; i < PLAN_STATUS_COUNT; i++)
		if (strcmp(name, status_names[i]) == 0) {
			*s = (plan_status)i;
			return 0;
		}
	return -1;
}

int plan_can_transition(plan_status from, plan_status to)
{
	for (size_t i = 0; i < sizeof(transitions) / sizeof(*transitions); i++)
		if (transitions[i].from == from && transitions[i].to == to)
			return 1;
	return 0;
}

int plan_person_can_edit(plan_status s)
{
	return s == PLAN_DRAFT || s == PLAN_CHANGES_REQUESTED;
}

int plan_council_parts_open(plan_status s)
{
	return s == PLAN_DRAFT || s == PLAN_SUBMITTED || s == PLAN_CHANGES_REQUESTED ||
	       s == PLAN_NOT_AGREED;
}

int plan_asks_agreement(plan_status s)
{
	return s == PLAN_SUBMITTED;
}

int plan_council_agreed(plan_status s)
{
	return s == PLAN_SIGNED_OFF || s == PLAN_REVIEW_DUE;
}

int plan_forgets_agreement(plan_status s)
{
	return s == PLAN_CHANGES_REQUESTED || s == PLAN_NOT_AGREED;
}

int plan_managing_offered(const char *offered, const char *option)
{
	static const struct {
		const char *option, *way;
	} ways[] = {
		{ "direct-payment", "direct" },
		{ "council", "council" },
		{ "provider", "provider" },
		{ "mix", "mix" },
	};
	const char *way = NULL, *p;
	size_t len;

	for (size_t i = 0; i < sizeof(ways) / sizeof(ways[0]); i++)
		if (strcmp(option, ways[i].option) == 0)
			way = ways[i].way;
	if (!way || !offered || !*offered)
		return 1;
	len = strlen(way);
	for (p = offered; *p;) {
		size_t n = strcspn(p, ",");

		if (n == len && strncmp(p, way, len) == 0)
			return 1;
		p += n + (p[n] == ',');
	}
	return 0;
}

#define MONEY_MAX_PENCE 100000000LL /* £1,000,000 a week is surely a typing slip */

int plan_money_parse(const char *text, long long *pence)
{
	const unsigned char *s = (const unsigned char *)text;
	long long pounds = 0, pennies = 0;
	int digits = 0, decimals = 0;

	while (isspace(*s))
		s++;
	if (s[0] == 0xC2 && s[1] == 0xA3) /* £ */
		s += 2;
	while (isspace(*s))
		s++;
	/* A comma only separates thousands ("1,250"): "12,50" is refused, never read as £1,250. */
	int group = 0, commas = 0;

	for (; isdigit(*s) || *s == ','; s++) {
		if (*s == ',') {
			if (commas ? group != 3 : (group < 1 || group > 3))
				return -1;
			commas++;
			group = 0;
			continue;
		}
		pounds = pounds * 10 + (*s - '0');
		digits++;
		group++;
		if (pounds * 100 > MONEY_MAX_PENCE)
			return -1;
	}
	if (commas && group != 3)
		return -1;
	if (*s == '.') {
		for (s++; isdigit(*s); s++) {
			if (++decimals > 2)
				return -1;
			pennies = pennies * 10 + (*s - '0');
		}
		if (decimals == 1)
			pennies *= 10;
	}
	while (isspace(*s))
		s++;
	if (*s || (digits == 0 && decimals == 0))
		return -1;
	*pence = pounds * 100 + pennies;
	return *pence <= MONEY_MAX_PENCE ? 0 : -1;
}

void plan_money_format(long long pence, char *out, size_t outlen)
{
	const char *sign = pence < 0 ? "-" : "";
	long long p = pence < 0 ? -pence : pence;

	if (p % 100)
		snprintf(out, outlen, "%s£%lld.%02lld", sign, p / 100, p % 100);
	else
		snprintf(out, outlen, "%s£%lld", sign, p / 100);
}

/* The number written in the n digits at s (the caller has checked they are digits). */
static int digits_value(const char *s, int n)
{
	int v = 0;

	while (n-- > 0)
		v = v * 10 + (*s++ - '0');
	return v;
}

int plan_date_parts(const char *t, int *y, int *m, int *d)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap;

	if (strlen(t) != 10 || t[4] != '-' || t[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)t[i]))
			return -1;
	*y = digits_value(t, 4);
	*m = digits_value(t + 5, 2);
	*d = digits_value(t + 8, 2);
	if (*y < 1900 || *y > 2200 || *m < 1 || *m > 12 || *d < 1)
		return -1;
	leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;
	return *d <= days[*m - 1] + (*m == 2 && leap) ? 0 : -1;
}

int plan_date_valid(const char *t)
{
	int y, m, d;

	return plan_date_parts(t, &y, &m, &d) == 0;
}

/* Days since 1970-01-01 for a proleptic Gregorian date, and back (Howard Hinnant's
 * days_from_civil and civil_from_days): exact for every date plan_date_valid accepts. */
static long long days_from_civil(long long y, int m, int d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(long long z, long long *y, int *m, int *d)
{
	long long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int days_in_month(long long y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return days[m - 1] + (m == 2 && leap);
}

/* Writes y-m-d, or returns -1 when it is out of plan_date_valid's years. */
static int date_write(long long y, int m, int d, char out[PLAN_DATE_LEN])
{
	if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	snprintf(out, PLAN_DATE_LEN, "%04u-%02u-%02u", (unsigned)(y % 10000), (unsigned)m % 100u,
		 (unsigned)d % 100u);
	return 0;
}

void plan_date_of(long long t, char out[PLAN_DATE_LEN])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!localtime_r(&tt, &tm) || date_write(tm.tm_year + 1900LL, tm.tm_mon + 1, tm.tm_mday, out))
		snprintf(out, PLAN_DATE_LEN, "1970-01-01");
}

int plan_date_add_days(const char *date, int days, char out[PLAN_DATE_LEN])
{
	long long y;
	int year, m, d;

	if (plan_date_parts(date, &year, &m, &d))
		return -1;
	civil_from_days(days_from_civil(year, m, d) + days, &y, &m, &d);
	return date_write(y, m, d, out);
}

int plan_date_add_months(const char *date, int months, char out[PLAN_DATE_LEN])
{
	long long y, total;
	int year, m, d;

	if (plan_date_parts(date, &year, &m, &d))
		return -1;
	total = year * 12LL + (m - 1) + months;
	y = total >= 0 ? total / 12 : (total - 11) / 12;
	m = (int)(total - y * 12) + 1;
	if (y < 1900 || y > 2200)
		return -1;
	if (d > days_in_month(y, m))
		d = days_in_month(y, m);
	return date_write(y, m, d, out);
}

int plan_review_dates(const char *date, char light[PLAN_DATE_LEN], char full[PLAN_DATE_LEN])
{
	if (plan_date_add_days(date, PLAN_LIGHT_REVIEW_DAYS, light) ||
	    plan_date_add_months(date, PLAN_FULL_REVIEW_MONTHS, full))
		return -1;
	return 0;
}

plan_review_state plan_review_state_on(const char *due, const char *today)
{
	char soon[PLAN_DATE_LEN];

	if (!plan_date_valid(due) || !plan_date_valid(today) ||
	    plan_date_add_days(due, -PLAN_REVIEW_SOON_DAYS, soon))
		return PLAN_REVIEW_LATER;
	if (strcmp(today, due) > 0)
		return PLAN_REVIEW_OVERDUE;
	return strcmp(today, soon) >= 0 ? PLAN_REVIEW_SOON : PLAN_REVIEW_LATER;
}

void plan_answers_init(plan_answers *pa)
{
	pa->a = NULL;
	pa->n = 0;
}

void plan_answers_release(plan_answers *pa)
{
	for (size_t i = 0; i < pa->n; i++) {
		free(pa->a[i].page);
		free(pa->a[i].field);
		free(pa->a[i].value);
	}
	free(pa->a);
	plan_answers_init(pa);
}

int plan_answers_add(plan_answers *pa, const char *page, long long item, const char *field,
		     const char *value)
{
	plan_answer *a = realloc(pa->a, (pa->n + 1) * sizeof(*a));

	if (!a)
		return -1;
	pa->a = a;
	a = &pa->a[pa->n];
	a->page = strdup(page);
	a->field = strdup(field);
	a->value = strdup(value);
	a->item = item;
	if (!a->page || !a->field || !a->value) {
		free(a->page);
		free(a->field);
		free(a->value);
		return -1;
	}
	pa->n++;
	return 0;
}

const char *plan_answers_get(const plan_answers *pa, const char *page, long long item,
			     const char *field)
{
	for (size_t i = 0; i < pa->n; i++)
		if (pa->a[i].item == item && strcmp(pa->a[i].page, page) == 0 &&
		    strcmp(pa->a[i].field, field) == 0)
			return pa->a[i].value;
	return NULL;
}

int plan_answers_set(plan_answers *pa, const char *page, long long item, const char *field,
		     const char *value)
{
	for (size_t i = 0; i < pa->n; i++)
		if (pa->a[i].item == item && strcmp(pa->a[i].page, page) == 0 &&
		    strcmp(pa->a[i].field, field) == 0) {
			char *v = strdup(value);

			if (!v)
				return -1;
			free(pa->a[i].value);
			pa->a[i].value = v;
			return 0;
		}
	return plan_answers_add(pa, page, item, field, value);
}
