#include "workflow.h"

#include "err.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

long long workflow_now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts))
		return (long long)time(NULL) * 1000;
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void say(char *err, size_t errlen, const char *what)
{
	err_set(err, errlen, "%s failed", what);
}

/* The change is whole or not at all: 0, 1 (refused) or -1 as the body said, once the write is
 * kept or undone. */
static int finish(const workflow *w, int rc, char *err, size_t errlen)
{
	return store_write_finish(w->st, rc, err, errlen);
}

/* The staff user acting, for the columns that name one; -1 for the person or the system. */
static long long user_of(const workflow *w)
{
	return w->by && w->by->kind == STORE_ACTOR_STAFF ? w->by->id : -1;
}

/* Writes the audit row of a step, taking its detail (NULL: memory ran out building it, -1). */
static int audit(const workflow *w, long long plan, const char *action, cJSON *detail)
{
	char *json = detail ? cJSON_PrintUnformatted(detail) : NULL;
	int rc = -1;

	if (json)
		rc = store_audit_append(w->st, w->by, plan, action, json, NULL, 0);
	free(json);
	cJSON_Delete(detail);
	return rc;
}

/* {"from": .., "to": ..}, for the audit rows of moves. NULL when memory runs out. */
static cJSON *move_detail(plan_status from, plan_status to)
{
	cJSON *d = cJSON_CreateObject();

	if (d && (!cJSON_AddStringToObject(d, "from", plan_status_name(from)) ||
		  !cJSON_AddStringToObject(d, "to", plan_status_name(to)))) {
		cJSON_Delete(d);
		return NULL;
	}
	return d;
}

/* The plan's status now: 0, 1 when there is no such plan, -1 on error. */
static int status_of(const workflow *w, long long plan, plan_status *st)
{
	store_plan pl;
	int rc = store_plan_get(w->st, plan, &pl);

	if (rc == 0)
		*st = pl.status;
	return rc;
}

/* Moves the plan along the graph, with what entering `to` brings: 0, 1 when the graph has no
 * such move or the plan is not in `from`, -1 on error. Not audited: each caller names its
 * step. */
static int move(const workflow *w, long long plan, plan_status from, plan_status to)
{
	int rc;

	if (!plan_can_transition(from, to))
		return 1;
	rc = store_plan_move(w->st, plan, from, to, w->now_ms);
	if (rc == 0 && plan_forgets_agreement(to) && store_plan_agreement_forget(w->st, plan, 1))
		rc = -1;
	return rc;
}

int workflow_submit(const workflow *w, long long plan, plan_status from, int *version, char *err,
		    size_t errlen)
{
	int rc, n = 0;

	if (store_write_begin(w->st, err, errlen))
		return -1;
	rc = plan_person_can_edit(from) ? move(w, plan, from, PLAN_SUBMITTED) : 1;
	/* What the person sent is kept as it was, whatever changes later. */
	if (rc == 0 &&
	    (audit(w, plan, "status_changed", move_detail(from, PLAN_SUBMITTED)) ||
	     store_version_freeze(w->st, plan, PLAN_SUBMITTED, w->by, w->now_ms, &n, NULL, 0)))
		rc = -1;
	if (rc < 0)
		say(err, errlen, "sending the plan");
	rc = finish(w, rc, err, errlen);
	if (rc == 0 && version)
		*version = n;
	return rc;
}

/* Where agreement stands, read inside the write: 0 when the plan asks for agreement now, 1
 * when it does not (or there is no such plan), -1 on error. */
static int asking(const workflow *w, long long plan, int *ready, int *person, int *caseworker)
{
	plan_status st;
	int rc = status_of(w, plan, &st);

	if (rc)
		return rc;
	if (!plan_asks_agreement(st))
		return 1;
	return store_plan_agreement(w->st, plan, ready, person, caseworker);
}

int workflow_ask_agreement(const workflow *w, long long plan, char *err, size_t errlen)
{
	int rc, ready = 0;

	if (store_write_begin(w->st, err, errlen))
		return -1;
	rc = asking(w, plan, &ready, NULL, NULL);
	if (rc == 0 && ready)
		rc = 1;
	if (rc == 0 && (store_plan_ask_agreement(w->st, plan, w->now_ms) ||
			audit(w, plan, "ready_to_agree", cJSON_CreateObject())))
		rc = -1;
	if (rc < 0)
		say(err, errlen, "asking for agreement");
	return finish(w, rc, err, errlen);
}

/* When both have said yes, the plan becomes agreed and the version both agreed to is frozen
 * (*agreed 1); otherwise *agreed 0. */
static int agree_if_both(const workflow *w, long long plan, int *agreed)
{
	int person = 0, caseworker = 0, n = 0, rc;
	cJSON *d;

	*agreed = 0;
	if (store_plan_agreement(w->st, plan, NULL, &person, &caseworker))
		return -1;
	if (!person || !caseworker)
		return 0;
	if ((rc = move(w, plan, PLAN_SUBMITTED, PLAN_AGREED)) != 0)
		return rc;
	if (store_version_freeze(w->st, plan, PLAN_AGREED, w->by, w->now_ms, &n, NULL, 0))
		return -1;
	d = move_detail(PLAN_SUBMITTED, PLAN_AGREED);
	if (!d || !cJSON_AddNumberToObject(d, "version", n)) {
		cJSON_Delete(d);
		return -1;
	}
	if (audit(w, plan, "agreed", d))
		return -1;
	*agreed = 1;
	return 0;
}

int workflow_caseworker_agree(const workflow *w, long long plan, int *agreed, char *err,
			      size_t errlen)
{
	int rc, both = 0;

	if (store_write_begin(w->st, err, errlen))
		return -1;
	rc = asking(w, plan, NULL, NULL, NULL);
	if (rc == 0 && (store_plan_caseworker_agreed(w->st, plan, user_of(w), w->now_ms) ||
			audit(w, plan, "caseworker_agreed", cJSON_CreateObject()) ||
			agree_if_both(w, plan, &both)))
		rc = -1;
	if (rc < 0)
		say(err, errlen, "recording an agreement");
	rc = finish(w, rc, err, errlen);
	if (agreed)
		*agreed = rc == 0 && both;
	return rc;
}

/* {"visit": visit}, null when unknown. */
static cJSON *visit_detail(long long visit)
{
	cJSON *d = cJSON_CreateObject();

	if (d && !(visit > 0 ? cJSON_AddNumberToObject(d, "visit", (double)visit)
			     : cJSON_AddNullToObject(d, "visit"))) {
		cJSON_Delete(d);
		return NULL;
	}
	return d;
}

int workflow_person_agree(const workflow *w, long long plan, long long visit, int *agreed,
			  char *err, size_t errlen)
{
	int rc, ready = 0, both = 0;

	if (store_write_begin(w->st, err, errlen))
		return -1;
	rc = asking(w, plan, &ready, NULL, NULL);
	if (rc == 0 && !ready)
		rc = 1; /* nobody has asked the person yet */
	if (rc == 0 &&
	    (store_plan_person_agreed(w->st, plan, visit, w->now_ms) ||
	     audit(w, plan, "person_agreed", visit_detail(visit)) || agree_if_both(w, plan, &both)))
		rc = -1;
	if (rc < 0)
		say(err, errlen, "recording an agreement");
	rc = finish(w, rc, err, errlen);
	if (agreed)
		*agreed = rc == 0 && both;
	return rc;
}

int workflow_person_disagree(const workflow *w, long long plan, long long visit, const char *reason,
			     char *err, size_t errlen)
{
	int rc, ready = 0;

	if (store_write_begin(w->st, err, errlen))
		return -1;
	rc = asking(w, plan, &ready, NULL, NULL);
	if (rc == 0 && !ready)
		rc = 1;
	if (rc == 0 && (store_plan_person_disagreed(w->st, plan, reason, w->now_ms) ||
			audit(w, plan, "person_disagreed", visit_detail(visit))))
		rc = -1;
	if (rc < 0)
		say(err, errlen, "recording a disagreement");
	return finish(w, rc, err, errlen);
}

int workflow_send_back(const workflow *w, long long plan, plan_status from, char *err,
		       size_t errlen)
{
	int rc;

	if (store_write_begin(w->st, err, errlen))
		return -1;
	rc = move(w, plan, from, PLAN_CHANGES_REQUESTED);
	if (rc == 0 && audit(w, plan, "sent_back", move_detail(from, PLAN_CHANGES_REQUESTED)))
		rc = -1;
	if (rc < 0)
		say(err, errlen, "sending a plan back");
	return finish(w, rc, err, errlen);
}

int workflow_not_agreed(const workflow *w, long long plan, plan_status from, const char *reasons,
			const char *safety, char *err, size_t errlen)
{
	cJSON *d;
	int rc;

	if (store_write_begin(w->st, err, errlen))
		return -1;
	rc = move(w, plan, from, PLAN_NOT_AGREED);
	if (rc == 0 &&
	    store_plan_not_agreed_record(w->st, plan, user_of(w), reasons, safety, w->now_ms))
		rc = -1;
	if (rc == 0) {
		d = move_detail(from, PLAN_NOT_AGREED);
		if (!d || !cJSON_AddTrueToObject(d, "complaints_given")) {
			cJSON_Delete(d);
			rc = -1;
		} else if (audit(w, plan, "not_agreed", d)) {
			rc = -1;
		}
	}
	if (rc < 0)
		say(err, errlen, "recording that the plan is not agreed");
	return finish(w, rc, err, errlen);
}

/* The sign-off's audit detail. NULL when memory runs out. */
static cJSON *sign_off_detail(int version, const char *panel_decision, const char *panel_date,
			      const char *light_due, const char *full_due)
{
	cJSON *d = move_detail(PLAN_AGREED, PLAN_SIGNED_OFF);

	if (d && (!cJSON_AddNumberToObject(d, "version", version) ||
		  !cJSON_AddBoolToObject(d, "panel", panel_decision != NULL) ||
		  !cJSON_AddStringToObject(d, "panel_date", panel_date ? panel_date : "") ||
		  !cJSON_AddStringToObject(d, "light_review", light_due) ||
		  !cJSON_AddStringToObject(d, "full_review", full_due))) {
		cJSON_Delete(d);
		return NULL;
	}
	return d;
}

int workflow_sign_off(const workflow *w, long long plan, const char *panel_decision,
		      const char *panel_date, const char *light_due, const char *full_due,
		      int *version, char *err, size_t errlen)
{
	cJSON *d;
	int rc, n = 0;

	if (store_write_begin(w->st, err, errlen))
		return -1;
	rc = move(w, plan, PLAN_AGREED, PLAN_SIGNED_OFF);
	if (rc == 0 &&
	    (store_plan_sign_off_record(w->st, plan, user_of(w), panel_decision, panel_date,
					w->now_ms) ||
	     store_reviews_schedule(w->st, plan, light_due, full_due) ||
	     store_version_freeze(w->st, plan, PLAN_SIGNED_OFF, w->by, w->now_ms, &n, NULL, 0)))
		rc = -1;
	if (rc == 0) {
		d = sign_off_detail(n, panel_decision, panel_date, light_due, full_due);
		if (!d || audit(w, plan, "signed_off", d))
			rc = -1;
	}
	if (rc < 0)
		say(err, errlen, "signing a plan off");
	rc = finish(w, rc, err, errlen);
	if (rc == 0 && version)
		*version = n;
	return rc;
}

/* The store's primitive for one council part. */
static int council_part(const workflow *w, long long plan, const workflow_council *c)
{
	store *st = w->st;

	switch (c->part) {
	case WORKFLOW_NEED_HOW:
		return store_need_set_how(st, plan, c->id, c->text, w->by, NULL, 0);
	case WORKFLOW_NEED_DIRECT_PAYMENT:
		return store_need_set_direct_payment(st, plan, c->id, c->number != 0, w->by, NULL,
						     0);
	case WORKFLOW_SUPPORT_ADD:
		return store_support_add(st, plan, c->text, c->number, w->by, NULL, NULL, 0);
	case WORKFLOW_SUPPORT_SET:
		return store_support_set(st, plan, c->id, c->text, c->number, w->by, NULL, 0);
	case WORKFLOW_SUPPORT_REMOVE:
		return store_support_remove(st, plan, c->id, w->by, NULL, 0);
	case WORKFLOW_RISKS:
		return store_plan_set_risks(st, plan, c->text, w->by, NULL, 0);
	case WORKFLOW_EMERGENCY_CHECKED:
		return store_plan_set_emergency_checked(st, plan, c->number != 0, w->by, NULL, 0);
	}
	return -1;
}

int workflow_council_change(const workflow *w, long long plan, const workflow_council *c, char *err,
			    size_t errlen)
{
	plan_status now;
	int rc;

	if (store_write_begin(w->st, err, errlen))
		return -1;
	rc = status_of(w, plan, &now);
	if (rc == 0 && !plan_council_parts_open(now))
		rc = 1;
	if (rc == 0)
		rc = council_part(w, plan, c);
	if (rc == 0 && (store_plan_agreement_forget(w->st, plan, 0) ||
			store_plan_touch(w->st, plan, w->now_ms)))
		rc = -1;
	if (rc < 0)
		say(err, errlen, "changing the council's parts");
	return finish(w, rc, err, errlen);
}

/* The plans whose review has come, gathered before anything is written. */
typedef struct due_list {
	long long *plan;
	unsigned char *asked;
	size_t n, cap;
} due_list;

static int gather_due(void *ctx, long long plan, plan_status status, int asked)
{
	due_list *l = ctx;

	if (!plan_can_transition(status, PLAN_REVIEW_DUE))
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		long long *p = realloc(l->plan, cap * sizeof(*p));
		unsigned char *a;

		if (!p)
			return -1;
		l->plan = p;
		a = realloc(l->asked, cap);
		if (!a)
			return -1;
		l->asked = a;
		l->cap = cap;
	}
	l->plan[l->n] = plan;
	l->asked[l->n++] = asked != 0;
	return 0;
}

int workflow_reviews_make_due(const workflow *w, const char *today, int *moved, char *err,
			      size_t errlen)
{
	due_list l = {0};
	int rc = -1, n = 0;

	*moved = 0;
	/* The caseload reads this each time: write only when something is due. */
	if (store_reviews_due_each(w->st, PLAN_SIGNED_OFF, today, gather_due, &l)) {
		say(err, errlen, "finding reviews that are due");
		goto out;
	}
	rc = 0;
	if (l.n == 0 || store_write_begin(w->st, err, errlen)) {
		rc = l.n == 0 ? 0 : -1;
		goto out;
	}
	for (size_t i = 0; rc == 0 && i < l.n; i++) {
		int one = move(w, l.plan[i], PLAN_SIGNED_OFF, PLAN_REVIEW_DUE);
		cJSON *d;

		if (one == 1) /* moved by someone else meanwhile */
			continue;
		d = one == 0 ? move_detail(PLAN_SIGNED_OFF, PLAN_REVIEW_DUE) : NULL;
		if (!d || !cJSON_AddStringToObject(d, "reason", l.asked[i] ? "asked" : "date")) {
			cJSON_Delete(d);
			rc = -1;
		} else if (audit(w, l.plan[i], "review_due", d)) {
			rc = -1;
		} else {
			n++;
		}
	}
	if (rc < 0)
		say(err, errlen, "making reviews due");
	rc = finish(w, rc, err, errlen);
	if (rc == 0)
		*moved = n;
out:
	free(l.plan);
	free(l.asked);
	return rc;
}

/* The review's audit detail. NULL when memory runs out. */
static cJSON *review_detail(long long review, const char *outcome, plan_status from, plan_status to,
			    const char *next_full_due)
{
	cJSON *d = move_detail(from, to);

	if (d && (!cJSON_AddNumberToObject(d, "review", (double)review) ||
		  !cJSON_AddStringToObject(d, "outcome", outcome) ||
		  !(next_full_due ? cJSON_AddStringToObject(d, "next_review", next_full_due)
				  : cJSON_AddNullToObject(d, "next_review")))) {
		cJSON_Delete(d);
		return NULL;
	}
	return d;
}

int workflow_review_complete(const workflow *w, long long plan, plan_status from,
			     const char *answers_json, const char *outcome, const char *today,
			     const char *next_full_due, char *err, size_t errlen)
{
	int reopen = strcmp(outcome, "reopen") == 0, rc;
	plan_status now, to = reopen ? PLAN_CHANGES_REQUESTED : PLAN_SIGNED_OFF;
	long long review = 0;
	cJSON *d;

	if (!reopen && strcmp(outcome, "confirm") != 0) {
		say(err, errlen, "a review's outcome is confirm or reopen");
		return -1;
	}
	if (reopen) /* the next sign-off schedules afresh */
		next_full_due = NULL;
	if (store_write_begin(w->st, err, errlen))
		return -1;
	rc = status_of(w, plan, &now);
	if (rc == 0 && (now != from || !plan_council_agreed(from)))
		rc = 1;
	/* A review done early passes through review_due, so every move is the graph's. */
	if (rc == 0 && from == PLAN_SIGNED_OFF)
		rc = move(w, plan, PLAN_SIGNED_OFF, PLAN_REVIEW_DUE);
	if (rc == 0)
		rc = move(w, plan, PLAN_REVIEW_DUE, to);
	if (rc == 0 && (store_review_record(w->st, plan, answers_json, outcome, today, user_of(w),
					    w->now_ms, &review) ||
			store_reviews_schedule(w->st, plan, NULL, next_full_due)))
		rc = -1;
	if (rc == 0) {
		d = review_detail(review, outcome, from, to, next_full_due);
		if (!d || audit(w, plan, "review_done", d))
			rc = -1;
	}
	if (rc < 0)
		say(err, errlen, "recording a review");
	return finish(w, rc, err, errlen);
}
