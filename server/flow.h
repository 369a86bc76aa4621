/* flow: which page comes next. The journey is the content's pages in order, skipping pages whose
 * show-if conditions do not hold for the answers so far; pages in groups are off the path. */
#ifndef PLANALOUD_FLOW_H
#define PLANALOUD_FLOW_H

#include "content.h"
#include "plan.h"

/* 1 when the page is on the journey and its show-if conditions hold. */
int flow_visible(const content *c, const plan_answers *answers, const content_page *page);
/* The next / previous visible journey page from index `from`, or -1 when there is none. */
long flow_next(const content *c, const plan_answers *answers, size_t from);
long flow_prev(const content *c, const plan_answers *answers, size_t from);
/* The index of the code page: pages before it are answered before a plan is open. */
size_t flow_code_index(const content *c);

#endif
