#include "content_text.h"

#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *content_date_words(const content *c, const char *iso)
{
	char date[PLAN_DATE_LEN], day[4], month[12], year[8];
	char *name, *text = NULL;
	int y, m, d;

	if (!iso || strlen(iso) < PLAN_DATE_LEN - 1)
		return NULL;
	memcpy(date, iso, PLAN_DATE_LEN - 1);
	date[PLAN_DATE_LEN - 1] = '\0';
	if (plan_date_parts(date, &y, &m, &d))
		return NULL;
	snprintf(day, sizeof(day), "%d", d);
	snprintf(month, sizeof(month), "month.%d", m);
	snprintf(year, sizeof(year), "%04d", y);
	name = content_fill(c, month, NULL);
	if (name)
		text = content_fill(
		    c, "date",
		    (const char *const[]){"day", day, "month", name, "year", year, NULL});
	free(name);
	return text;
}

char *content_field_text(const content *c, const content_field *f, const char *value)
{
	char money[32];

	if (!f || !value)
		return NULL;
	if (f->type == FIELD_MONEY) {
		char *end;
		long long pence = strtoll(value, &end, 10);

		if (end == value || *end || pence < 0)
			return NULL;
		plan_money_format(pence, money, sizeof(money));
		return strdup(money);
	}
	if (f->type == FIELD_DATE && strlen(value) == PLAN_DATE_LEN - 1)
		return content_date_words(c, value);
	return NULL;
}
