/* workflow: every change of a plan's status, in one place.
 *
 * Each function decides the change with plan.c's graph (plan_can_transition) and its named
 * predicates, then makes it whole from the store's primitive writes (the status, what goes with
 * it, a frozen version, the audit rows) inside one store_write_begin .. store_write_end: its own
 * transaction, or a savepoint inside a kiosk batch that is open. The store decides nothing.
 *
 * Every time written comes from the one clock in the workflow (now_ms), so a test's fake clock
 * reaches submitted_at, agreed_at, signed_off_at and the rest.
 *
 * Functions return 0 when the change is made, 1 when it is not allowed from the status the plan
 * is in now (or the caller saw, `from`, is no longer its status), changing nothing, and -1 on
 * error (with a reason in err when err is not NULL). Strings passed in are copied. */
#ifndef PLANALOUD_WORKFLOW_H
#define PLANALOUD_WORKFLOW_H

#include "plan.h"
#include "store.h"

#include <stddef.h>

/* Who changes the plan, and when: the caller's, borrowed for each call. */
typedef struct workflow {
	store *st;
	const store_actor *by; /* the person (id: the plan), a staff user, or NULL: the system */
	long long now_ms;      /* UTC milliseconds since 1970, from the caller's clock */
} workflow;

/* The real clock, in UTC milliseconds since 1970. */
long long workflow_now_ms(void);

/* The person sends their plan (from draft or changes_requested): it becomes submitted and what
 * they sent is frozen as a version (*version, may be NULL). Audited "status_changed". */
int workflow_submit(const workflow *w, long long plan, plan_status from, int *version, char *err,
		    size_t errlen);

/* The caseworker asks the person to agree to the submitted plan. Audited "ready_to_agree".
 * 1 also when they were asked already. */
int workflow_ask_agreement(const workflow *w, long long plan, char *err, size_t errlen);
/* The caseworker agrees to the submitted plan (which also asks the person). When the person
 * has agreed too the plan becomes agreed and a version is frozen: *agreed (may be NULL) says
 * so. Audited "caseworker_agreed" (and "agreed", "version_frozen"). */
int workflow_caseworker_agree(const workflow *w, long long plan, int *agreed, char *err,
			      size_t errlen);
/* The person says "Yes, this is my plan" on visit `visit`, once asked. As the caseworker's:
 * both yeses make the plan agreed. Audited "person_agreed". */
int workflow_person_agree(const workflow *w, long long plan, long long visit, int *agreed,
			  char *err, size_t errlen);
/* The person says "No, I don't agree", with why (their words, for the caseworker), once
 * asked. Forgets an earlier yes of theirs. Audited "person_disagreed". */
int workflow_person_disagree(const workflow *w, long long plan, long long visit, const char *reason,
			     char *err, size_t errlen);

/* Staff send the plan back for changes (from the status they saw): the agreement and the
 * request for it are forgotten. Audited "sent_back". */
int workflow_send_back(const workflow *w, long long plan, plan_status from, char *err,
		       size_t errlen);
/* Staff record that the plan is not agreed: why, the steps taken to keep the person safe, and
 * that complaints information was given. Audited "not_agreed". */
int workflow_not_agreed(const workflow *w, long long plan, plan_status from, const char *reasons,
			const char *safety, char *err, size_t errlen);
/* agreed -> signed_off, with a panel's decision and date (both NULL: no panel), freezing a
 * version (*version, may be NULL) and scheduling the light-touch and full reviews on the dates
 * given (replacing any still waiting). Audited "signed_off". */
int workflow_sign_off(const workflow *w, long long plan, const char *panel_decision,
		      const char *panel_date, const char *light_due, const char *full_due,
		      int *version, char *err, size_t errlen);

/* The parts of a plan the council writes. */
typedef enum workflow_part {
	WORKFLOW_NEED_HOW,	      /* how the council meets need `id`: text */
	WORKFLOW_NEED_DIRECT_PAYMENT, /* a direct payment can meet need `id`: number 1 or 0 */
	WORKFLOW_SUPPORT_ADD,	      /* a support item: text (what), number (weekly pence) */
	WORKFLOW_SUPPORT_SET,	      /* support item `id`: text (what), number (weekly pence) */
	WORKFLOW_SUPPORT_REMOVE,      /* support item `id` */
	WORKFLOW_RISKS,		      /* the risks and how they are managed: text */
	WORKFLOW_EMERGENCY_CHECKED    /* the emergency plan checked: number 1 or 0 */
} workflow_part;

typedef struct workflow_council {
	workflow_part part;
	long long id;	  /* the need or support item */
	const char *text; /* borrowed for the call */
	long long number;
} workflow_council;

/* Staff change one of the council's parts, allowed while plan_council_parts_open(): both
 * agreements are forgotten (they were to the plan as it was; the request to agree stays).
 * Audited "council_changed" with the field. 1 also when there is no such need or support
 * item of the plan. */
int workflow_council_change(const workflow *w, long long plan, const workflow_council *c, char *err,
			    size_t errlen);

/* Every plan whose review date has come by `today` (YYYY-MM-DD), or whose person asked for a
 * review, and whose status may become review_due, becomes review_due; each audited
 * "review_due" (reason "date" or "asked"). *moved says how many. Writes nothing when none. */
int workflow_reviews_make_due(const workflow *w, const char *today, int *moved, char *err,
			      size_t errlen);
/* Records a review done today of a plan staff saw in `from` (signed_off: done early, through
 * review_due; or review_due): the answers (a JSON object) and the outcome, "confirm" (back to
 * signed_off, a full review scheduled on next_full_due, NULL: none) or "reopen" (to
 * changes_requested: its next sign-off schedules afresh). The person's review requests are
 * closed. Audited "review_done". */
int workflow_review_complete(const workflow *w, long long plan, plan_status from,
			     const char *answers_json, const char *outcome, const char *today,
			     const char *next_full_due, char *err, size_t errlen);

#endif
