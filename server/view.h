/* view: the JSON the page is drawn from (docs/protocol.md). Part of the protocol layer: it turns
 * content, answers and the plan's state into page descriptions, hellos and errors. */
#ifndef PLANALOUD_VIEW_H
#define PLANALOUD_VIEW_H

#include "content.h"
#include "plan.h"
#include "store.h"
#include "voices.h"

#include <cjson/cJSON.h>

typedef struct view_params {
	const content *c;
	store *st;
	long long plan;               /* 0 when no plan is open */
	const plan_answers *answers;  /* the plan's answers, or those held before a plan is open */
	plan_status status;           /* the plan's status (PLAN_DRAFT when no plan is open) */
	long long budget_pence;       /* -1 when there is no budget */
	const char *managing;         /* the ways of managing the council offered, or NULL for all */
	const char *code;             /* the open plan's code, or NULL */
	int new_code;                 /* the code was made during this visit */
	long long editing;            /* the list entry being edited, or 0 */
	int review_requested;
	int disagree_sent;            /* the person has just said why they do not agree */
	int has_comments;             /* the social worker has written on the plan */
	int agreement_asked;          /* the social worker asks the person to agree, not yet given */
	const char *notice;           /* a message name to show on arrival, or NULL */
	int back, next;
	int read_only;
} view_params;

/* The page description {"type":"page",...} for the page at index. NULL when memory runs out. */
cJSON *view_page(const view_params *vp, size_t index);
/* The hello message with every message of the content, and the voices (NULL: no sound). */
cJSON *view_hello(const content *c, const voices *v, int idle_seconds, int warn_seconds,
		  size_t max_message);
/* {"type":"error","code":...,"message":...}; `extra` fills {placeholders}: "limit", "60", NULL. */
cJSON *view_error(const content *c, const char *code, long long seq, const char *const *extra);

/* A stored list field's value as the person wrote it and the kiosk shows it: an amount in pence
 * ("2550") as "£25.50", a date ("2027-03-01") in the content's words ("1 March 2027"). A malloc'd
 * string the caller frees; NULL for any other field (its value is shown as it is). */
char *view_field_text(const content *c, const content_field *f, const char *value);
/* "22 November 2026" in the content's words for "2026-11-22..." (its first ten characters). A
 * malloc'd string the caller frees; NULL when it is no date. */
char *view_date_words(const content *c, const char *iso);

#endif
