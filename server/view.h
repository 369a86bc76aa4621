/* view: the JSON the page is drawn from (docs/protocol.md). Pure: it turns content, answers and
 * the data the kiosk gathered from the store (view_data) into page descriptions, hellos and
 * errors, and reads nothing itself. */
#ifndef PLANALOUD_VIEW_H
#define PLANALOUD_VIEW_H

#include "content.h"
#include "languages.h"
#include "plan.h"
#include "vocab.h"
#include "voices.h"

#include <cjson/cJSON.h>

/* One entry of a list page. */
typedef struct view_item {
	const char *page; /* the list page's id */
	long long id;
} view_item;

/* Who wrote on one visit: writer "person" or "helper", the helper's name and relationship. */
typedef struct view_visit {
	const char *writer, *name, *relationship;
} view_visit;

/* A need the social worker wrote, with the council's part. */
typedef struct view_need {
	const char *text;
	const char *how; /* how the council will meet it ("" until written) */
	int eligible;
	int direct_payment; /* a direct payment could meet it */
} view_need;

/* What the social worker wrote on the plan. */
typedef struct view_comment {
	long long id;
	const char *section; /* the page it is about */
	const char *text;
	const char *author;
	int seen; /* the person has been shown it before */
} view_comment;

/* What the page shows from the store, read by the controller before the view is drawn. Every
 * array and string is the controller's, borrowed by the view for the call. Only what the page's
 * kind shows need be there. */
typedef struct view_data {
	const view_item *items; /* every list entry on the list pages shown, in order */
	size_t nitems;
	const view_visit *visits; /* oldest first */
	size_t nvisits;
	const view_need *needs;
	size_t nneeds;
	const view_comment *comments; /* oldest first */
	size_t ncomments;
	const char *signed_off;	 /* "YYYY-MM-DD..." when the council signed it off, or "" */
	const char *next_review; /* the earliest waiting review's due date, or "" */
} view_data;

typedef struct view_params {
	const content *c;
	const view_data *data;	     /* NULL: nothing from the store (no plan is open) */
	long long plan;		     /* 0 when no plan is open */
	const plan_answers *answers; /* the plan's answers, or those held before a plan is open */
	plan_status status;	     /* the plan's status (PLAN_DRAFT when no plan is open) */
	long long budget_pence;	     /* -1 when there is no budget */
	const char *managing;	     /* the ways of managing the council offered, or NULL for all */
	const char *code;	     /* the open plan's code, or NULL */
	int new_code;		     /* the code was made during this visit */
	long long editing;	     /* the list entry being edited, or 0 */
	int review_requested;
	int disagree_sent;   /* the person has just said why they do not agree */
	int has_comments;    /* the social worker has written on the plan */
	int agreement_asked; /* the social worker asks the person to agree, not yet given */
	const char *notice;  /* a message name to show on arrival, or NULL */
	int back, next;
	int read_only;
	int alerts_safeguarding; /* a safeguarding flag alerts the duty team at once */
} view_params;

/* The page description {"type":"page",...} for the page at index. NULL when memory runs out. */
cJSON *view_page(const view_params *vp, size_t index);
/* A text object {"id": id, "text": text}: what narration asks for by id. The caller owns it. */
cJSON *view_text(const char *id, const char *text);
/* The keys a switch sends unless the kiosk is told otherwise: the first moves, the second chooses.
 */
#define VIEW_SWITCH_KEYS    "Space,Enter"
#define VIEW_SWITCH_KEY_LEN 20 /* the longest key name */
/* How this kiosk is set up, for hello. */
typedef struct view_kiosk {
	int idle_seconds, warn_seconds;
	int headphones; /* 1: it has headphones, so nobody is asked */
	int keyboard;	/* 1: the on-screen keyboard shows for every text box */
	size_t max_message;
	const vocab *words; /* the content's words, for word prediction (borrowed; NULL: none) */
	const char *switch_keys; /* "Space,Enter": key names, comma-separated; NULL: that default */
} view_kiosk;

/* A voice's label in language c: its voice.<name> message, or the profile's own label (borrowed
 * from c or vp). */
const char *view_voice_label(const content *c, const voice_profile *vp);
/* The hello message with every message of the content, and the voices (NULL: no sound). */
cJSON *view_hello(const content *c, const languages *l, const voices *v, const view_kiosk *k);
/* {"type":"error","code":...,"message":...}; `extra` fills {placeholders}: "limit", "60", NULL. */
cJSON *view_error(const content *c, const char *code, long long seq, const char *const *extra);

#endif
