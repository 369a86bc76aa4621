#include "flow.h"

#include <string.h>

int flow_visible(const content *c, const plan_answers *answers, const content_page *page)
{
	(void)c;
	if (page->part < 0)
		return 0;
	for (size_t i = 0; i < page->nconds; i++) {
		const content_cond *cd = &page->conds[i];
		const char *v = plan_answers_get(answers, cd->page, 0, "");
		int equal = v && strcmp(v, cd->value) == 0;

		/* An unanswered question matches no "=" and every "!=". */
		if (equal == cd->negate)
			return 0;
	}
	return 1;
}

long flow_next(const content *c, const plan_answers *answers, size_t from)
{
	for (size_t i = from + 1; i < content_page_count(c); i++)
		if (flow_visible(c, answers, content_page_at(c, i)))
			return (long)i;
	return -1;
}

long flow_prev(const content *c, const plan_answers *answers, size_t from)
{
	for (size_t i = from; i-- > 0;)
		if (flow_visible(c, answers, content_page_at(c, i)))
			return (long)i;
	return -1;
}

size_t flow_code_index(const content *c)
{
	size_t i = 0;

	content_page_find(c, content_page_of_kind(c, KIND_CODE)->id, &i);
	return i;
}
