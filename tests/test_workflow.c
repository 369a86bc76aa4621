/* Tests for server/workflow.c: every change of a plan's status, on ":memory:" and on a real file
 * in a temporary folder, with a fake clock. */
#include "check.h"
#include "store_fixture.h"

#include "plan.h"
#include "store.h"
#include "workflow.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[64];

/* The fake clock every workflow call here runs on: 2031-02-03T04:05:06.789Z. */
#define CLOCK_MS	   1927857906789LL
#define CLOCK_TEXT	   "2031-02-03T04:05:06.789Z"
#define AS(s, actor)	   (&(workflow){(s), (actor), CLOCK_MS})
#define AS_PERSON(s, plan) AS(s, (&(store_actor){STORE_ACTOR_PERSON, (plan), NULL}))

static void status_is(store *s, long long plan, const char *want)
{
	store_plan pl;

	CHECK(store_plan_get(s, plan, &pl) == 0);
	CHECK_STR(plan_status_name(pl.status), want);
}

typedef struct versions_seen {
	int n;
	char kinds[256];
} versions_seen;

static void note_version(void *ctx, const store_version *v)
{
	versions_seen *vs = ctx;
	size_t len = strlen(vs->kinds);

	snprintf(vs->kinds + len, sizeof(vs->kinds) - len, "%s%d:%s:%s", vs->n ? "," : "", v->n,
		 v->kind, *v->by ? v->by : v->actor_kind);
	vs->n++;
}

static const char *versions_of(store *s, long long plan, versions_seen *vs)
{
	memset(vs, 0, sizeof(*vs));
	store_versions_each(s, plan, note_version, vs);
	return vs->kinds;
}

/* Sends the plan and has both agree to it: agreed. 0, or what failed. */
static int agree_both(store *s, long long plan)
{
	int rc, agreed = 0;

	if ((rc = workflow_submit(AS_PERSON(s, plan), plan, PLAN_DRAFT, NULL, NULL, 0)) ||
	    (rc = workflow_ask_agreement(AS(s, &casey_actor), plan, NULL, 0)) ||
	    (rc = workflow_person_agree(AS_PERSON(s, plan), plan, 0, NULL, NULL, 0)) ||
	    (rc = workflow_caseworker_agree(AS(s, &casey_actor), plan, &agreed, NULL, 0)))
		return rc;
	return agreed ? 0 : -1;
}

/* What the person does at the kiosk that staff must know is in the audit log too. */
static void a_flag_and_a_send_should_be_audited_as_the_person(void)
{
	store *s = open_memory();
	long long id = new_plan(s, 1);
	audit_seen a;
	int raised = 0;

	CHECK(store_flag_raise(s, id, 0, "safeguarding", "", &raised) == 0 && raised);
	CHECK(store_flag_raise(s, id, 0, "safeguarding", "", &raised) == 0 && !raised);
	CHECK(workflow_submit(AS_PERSON(s, id), id, PLAN_DRAFT, NULL, NULL, 0) == 0);
	CHECK(workflow_submit(AS_PERSON(s, id), id, PLAN_DRAFT, NULL, NULL, 0) == 1);
	CHECK_STR(audit_of(s, id, &a),
		  "person:flag_raised,person:status_changed,person:version_frozen");
	store_close(s);
}

static void agreement_should_need_both_in_either_order_and_freeze_a_version(void)
{
	char path[8];
	long long plan = 0;
	int ready = -1, person = -1, worker = -1, agreed = -1;
	versions_seen vs;
	audit_seen a;
	store *s = fixture_staff_store(tmpdir, NULL, path, sizeof(path), &plan);

	if (!s) {
		CHECK(s != NULL);
		return;
	}
	/* nobody can agree a draft, and the person cannot agree before being asked */
	CHECK(workflow_person_agree(AS_PERSON(s, plan), plan, 0, &agreed, NULL, 0) == 1);
	CHECK(workflow_caseworker_agree(AS(s, &casey_actor), plan, &agreed, NULL, 0) == 1);
	CHECK(workflow_submit(AS_PERSON(s, plan), plan, PLAN_DRAFT, NULL, NULL, 0) == 0);
	CHECK(workflow_person_agree(AS_PERSON(s, plan), plan, 0, &agreed, NULL, 0) == 1);
	CHECK(workflow_ask_agreement(AS(s, &casey_actor), plan, NULL, 0) == 0);
	CHECK(workflow_ask_agreement(AS(s, &casey_actor), plan, NULL, 0) == 1); /* asked already */
	CHECK(store_plan_agreement(s, plan, &ready, &person, &worker) == 0);
	CHECK(ready == 1 && person == 0 && worker == 0);
	CHECK(workflow_person_agree(AS_PERSON(s, plan), plan, 0, &agreed, NULL, 0) == 0);
	CHECK(agreed == 0);
	status_is(s, plan, "submitted");
	CHECK(workflow_caseworker_agree(AS(s, &casey_actor), plan, &agreed, NULL, 0) == 0);
	CHECK(agreed == 1);
	status_is(s, plan, "agreed");
	/* what the person sent, then what both agreed to */
	CHECK_STR(versions_of(s, plan, &vs), "1:submitted:person,2:agreed:casey");
	CHECK_STR(audit_of(s, plan, &a),
		  "staff:plan_invited,person:status_changed,person:version_frozen,"
		  "staff:ready_to_agree,person:person_agreed,staff:caseworker_agreed,"
		  "staff:version_frozen,staff:agreed");
	CHECK(store_plan_agreement(s, plan + 99, &ready, &person, &worker) == 1);
	store_close(s);
}

static void reviews_should_come_due_on_their_date_and_a_confirm_should_schedule_the_next(void)
{
	char path[8];
	long long plan = 0;
	int moved = -1, v = 0;
	audit_seen a;
	store *s = fixture_staff_store(tmpdir, NULL, path, sizeof(path), &plan);

	if (!s) {
		CHECK(s != NULL);
		return;
	}
	CHECK(workflow_submit(AS_PERSON(s, plan), plan, PLAN_DRAFT, NULL, NULL, 0) == 0);
	CHECK(workflow_ask_agreement(AS(s, &casey_actor), plan, NULL, 0) == 0);
	CHECK(workflow_person_agree(AS_PERSON(s, plan), plan, 0, NULL, NULL, 0) == 0);
	CHECK(workflow_caseworker_agree(AS(s, &casey_actor), plan, NULL, NULL, 0) == 0);
	CHECK(workflow_sign_off(AS(s, &morgan_actor), plan, NULL, NULL, "2027-01-10", "2027-11-22",
				&v, NULL, 0) == 0);
	CHECK(v == 3); /* submitted, agreed, signed off */
	status_is(s, plan, "signed_off");
	/* The day before: nothing moves, nothing is written. */
	CHECK(workflow_reviews_make_due(AS(s, NULL), "2027-01-09", &moved, NULL, 0) == 0);
	CHECK(moved == 0);
	status_is(s, plan, "signed_off");
	audit_of(s, plan, &a);
	CHECK(strstr(a.actions, "review_due") == NULL);
	CHECK(workflow_reviews_make_due(AS(s, NULL), "2027-01-10", &moved, NULL, 0) == 0);
	CHECK(moved == 1);
	status_is(s, plan, "review_due");
	CHECK(strstr(audit_of(s, plan, &a), "system:review_due") != NULL);
	/* staff saw it signed off: it has moved on since */
	CHECK(workflow_review_complete(AS(s, &casey_actor), plan, PLAN_SIGNED_OFF, "{}", "confirm",
				       "2027-01-12", "2028-01-12", NULL, 0) == 1);
	CHECK(workflow_review_complete(AS(s, &casey_actor), plan, PLAN_REVIEW_DUE,
				       "{\"working\":\"yes\",\"not_working\":\"no\"}", "confirm",
				       "2027-01-12", "2028-01-12", NULL, 0) == 0);
	status_is(s, plan, "signed_off");
	/* The light review is done; the full one from sign-off is replaced by 12 months on. */
	CHECK(workflow_reviews_make_due(AS(s, NULL), "2027-11-22", &moved, NULL, 0) == 0);
	CHECK(moved == 0);
	CHECK(workflow_reviews_make_due(AS(s, NULL), "2028-01-12", &moved, NULL, 0) == 0);
	CHECK(moved == 1);
	store_close(s);
}

static void a_review_request_should_make_a_signed_off_plan_due_at_once(void)
{
	char path[8];
	long long plan = 0;
	int moved = -1, raised = 0;
	store *s = fixture_staff_store(tmpdir, NULL, path, sizeof(path), &plan);

	if (!s) {
		CHECK(s != NULL);
		return;
	}
	CHECK(agree_both(s, plan) == 0);
	CHECK(workflow_sign_off(AS(s, &morgan_actor), plan, "Approved", "2026-11-20", "2027-01-10",
				"2027-11-22", NULL, NULL, 0) == 0);
	CHECK(store_flag_raise(s, plan, 0, "review", "I moved house", &raised) == 0 && raised);
	CHECK(workflow_reviews_make_due(AS(s, NULL), "2026-11-23", &moved, NULL, 0) == 0);
	CHECK(moved == 1);
	status_is(s, plan, "review_due");
	CHECK(workflow_review_complete(AS(s, &casey_actor), plan, PLAN_REVIEW_DUE, "{}", "reopen",
				       "2026-11-24", NULL, NULL, 0) == 0);
	status_is(s, plan, "changes_requested");
	CHECK(store_flag_open_count(s, plan, "review") == 0);
	store_close(s);
}

static void kiosk_agreement_should_be_kept_or_undone_with_the_kiosks_request(void)
{
	char path[128];
	long long plan = 0;
	int person = -1, agreed = -1;
	audit_seen a;
	store *s = fixture_staff_store(tmpdir, "kiosk-agree.db", path, sizeof(path), &plan);

	if (!s) {
		CHECK(s != NULL);
		return;
	}
	CHECK(workflow_submit(AS_PERSON(s, plan), plan, PLAN_DRAFT, NULL, NULL, 0) == 0);
	CHECK(workflow_caseworker_agree(AS(s, &casey_actor), plan, NULL, NULL, 0) == 0);
	/* A kiosk request that fails after agreeing undoes the agreement, the version and the
	 * audit rows with it. */
	CHECK(store_request_begin(s, NULL, 0) == 0);
	CHECK(workflow_person_agree(AS_PERSON(s, plan), plan, 0, &agreed, NULL, 0) == 0);
	CHECK(agreed == 1);
	store_request_undo(s);
	CHECK(store_commit(s, NULL, 0) == 0);
	status_is(s, plan, "submitted");
	CHECK(store_plan_agreement(s, plan, NULL, &person, NULL) == 0 && person == 0);
	CHECK(strstr(audit_of(s, plan, &a), "person_agreed") == NULL);
	CHECK(count_on_file(path, "SELECT count(*) FROM versions WHERE kind = 'agreed'") == 0);
	/* Kept, it is durable with the batch's commit. */
	CHECK(store_request_begin(s, NULL, 0) == 0);
	CHECK(workflow_person_agree(AS_PERSON(s, plan), plan, 0, &agreed, NULL, 0) == 0);
	CHECK(store_request_end(s) == 0);
	CHECK(store_commit(s, NULL, 0) == 0);
	store_close(s);
	CHECK(count_on_file(path, "SELECT count(*) FROM versions WHERE kind = 'agreed'") == 1);
	CHECK(count_on_file(path, "SELECT count(*) FROM plans WHERE status = 'agreed'") == 1);
}

static void a_persons_no_should_be_kept_with_the_reason_and_forget_their_yes(void)
{
	char path[8];
	long long plan = 0;
	int person = -1;
	store *s = fixture_staff_store(tmpdir, NULL, path, sizeof(path), &plan);

	if (!s) {
		CHECK(s != NULL);
		return;
	}
	/* not asked yet */
	CHECK(workflow_person_disagree(AS_PERSON(s, plan), plan, 0, "No", NULL, 0) == 1);
	CHECK(workflow_submit(AS_PERSON(s, plan), plan, PLAN_DRAFT, NULL, NULL, 0) == 0);
	CHECK(workflow_ask_agreement(AS(s, &casey_actor), plan, NULL, 0) == 0);
	CHECK(workflow_person_agree(AS_PERSON(s, plan), plan, 0, NULL, NULL, 0) == 0);
	CHECK(workflow_person_disagree(AS_PERSON(s, plan), plan, 0, "I want more hours", NULL, 0) ==
	      0);
	CHECK(store_plan_agreement(s, plan, NULL, &person, NULL) == 0 && person == 0);
	status_is(s, plan, "submitted");
	store_close(s);
}

/* ---- the graph: every move plan.c allows is made, every other is refused ---- */

/* Tries the workflow step that moves a plan from `from` to `to`; the plan is put in `from`
 * first (with a review overdue, so that review_due can come). The step's result. */
static int try_move(store *s, long long plan, plan_status from, plan_status to)
{
	int rc, moved = 0;

	if ((from != PLAN_DRAFT && store_plan_move(s, plan, PLAN_DRAFT, from, CLOCK_MS)) ||
	    store_reviews_schedule(s, plan, "2020-01-01", NULL))
		return -1;
	switch (to) {
	case PLAN_SUBMITTED:
		return workflow_submit(AS_PERSON(s, plan), plan, from, NULL, NULL, 0);
	case PLAN_CHANGES_REQUESTED:
		return workflow_send_back(AS(s, &casey_actor), plan, from, NULL, 0);
	case PLAN_NOT_AGREED:
		return workflow_not_agreed(AS(s, &casey_actor), plan, from, "Too few hours",
					   "Visits weekly", NULL, 0);
	case PLAN_AGREED:
		rc = workflow_ask_agreement(AS(s, &casey_actor), plan, NULL, 0);
		if (rc == 0)
			rc = workflow_person_agree(AS_PERSON(s, plan), plan, 0, NULL, NULL, 0);
		if (rc == 0)
			rc = workflow_caseworker_agree(AS(s, &casey_actor), plan, &moved, NULL, 0);
		return rc ? rc : moved ? 0 : -1;
	case PLAN_SIGNED_OFF:
		if (from == PLAN_REVIEW_DUE) /* a review confirms it */
			return workflow_review_complete(AS(s, &casey_actor), plan, from, "{}",
							"confirm", "2030-01-01", "2031-01-01", NULL,
							0);
		return workflow_sign_off(AS(s, &morgan_actor), plan, NULL, NULL, "2030-02-01",
					 "2030-12-01", NULL, NULL, 0);
	case PLAN_REVIEW_DUE: { /* other plans' reviews may come due with it */
		store_plan pl;

		rc = workflow_reviews_make_due(AS(s, NULL), "2030-01-01", &moved, NULL, 0);
		if (rc || store_plan_get(s, plan, &pl))
			return -1;
		return from != PLAN_REVIEW_DUE && pl.status == PLAN_REVIEW_DUE ? 0 : 1;
	}
	default:
		return -1;
	}
}

static void every_move_of_the_graph_should_be_made_and_every_other_refused(void)
{
	char path[8];
	long long first = 0;
	store *s = fixture_staff_store(tmpdir, NULL, path, sizeof(path), &first);
	int n = 50;

	if (!s) {
		CHECK(s != NULL);
		return;
	}
	for (int f = 0; f < PLAN_STATUS_COUNT; f++)
		CHECK(!plan_can_transition((plan_status)f, PLAN_DRAFT)); /* nothing goes back */
	for (int f = 0; f < PLAN_STATUS_COUNT; f++)
		for (int t = PLAN_SUBMITTED; t < PLAN_STATUS_COUNT; t++) {
			plan_status from = (plan_status)f, to = (plan_status)t;
			int allowed = plan_can_transition(from, to);
			long long plan = new_plan(s, n++);
			int rc = try_move(s, plan, from, to);
			store_plan pl;

			CHECK(rc == (allowed ? 0 : 1));
			CHECK(store_plan_get(s, plan, &pl) == 0);
			CHECK(pl.status == (allowed ? to : from));
			if (rc != (allowed ? 0 : 1) || pl.status != (allowed ? to : from))
				fprintf(stderr, "  %s -> %s gave %d, now %s\n",
					plan_status_name(from), plan_status_name(to), rc,
					plan_status_name(pl.status));
		}
	store_close(s);
}

static void going_back_for_changes_should_forget_both_agreements_and_the_request(void)
{
	char path[8];
	long long plan = 0;
	int ready = -1, person = -1, worker = -1;
	audit_seen a;
	store *s = fixture_staff_store(tmpdir, NULL, path, sizeof(path), &plan);

	if (!s) {
		CHECK(s != NULL);
		return;
	}
	CHECK(workflow_submit(AS_PERSON(s, plan), plan, PLAN_DRAFT, NULL, NULL, 0) == 0);
	CHECK(workflow_ask_agreement(AS(s, &casey_actor), plan, NULL, 0) == 0);
	CHECK(workflow_person_agree(AS_PERSON(s, plan), plan, 0, NULL, NULL, 0) == 0);
	CHECK(store_plan_agreement(s, plan, &ready, &person, &worker) == 0);
	CHECK(ready == 1 && person == 1 && worker == 0);
	/* staff saw it as a draft: it has moved on, nothing changes */
	CHECK(workflow_send_back(AS(s, &casey_actor), plan, PLAN_DRAFT, NULL, 0) == 1);
	CHECK(workflow_send_back(AS(s, &casey_actor), plan, PLAN_SUBMITTED, NULL, 0) == 0);
	status_is(s, plan, "changes_requested");
	CHECK(store_plan_agreement(s, plan, &ready, &person, &worker) == 0);
	CHECK(ready == 0 && person == 0 && worker == 0);
	CHECK(strstr(audit_of(s, plan, &a), "staff:sent_back") != NULL);
	/* sent again, agreement starts afresh: the person cannot agree before being asked */
	CHECK(workflow_submit(AS_PERSON(s, plan), plan, PLAN_CHANGES_REQUESTED, NULL, NULL, 0) ==
	      0);
	CHECK(workflow_person_agree(AS_PERSON(s, plan), plan, 0, NULL, NULL, 0) == 1);
	/* agreement failing forgets it too */
	CHECK(workflow_caseworker_agree(AS(s, &casey_actor), plan, NULL, NULL, 0) == 0);
	CHECK(workflow_not_agreed(AS(s, &casey_actor), plan, PLAN_SUBMITTED, "Too few hours",
				  "Weekly visits", NULL, 0) == 0);
	status_is(s, plan, "not_agreed");
	CHECK(store_plan_agreement(s, plan, &ready, &person, &worker) == 0);
	CHECK(ready == 0 && person == 0 && worker == 0);
	store_close(s);
}

static void a_caseworker_agreeing_alone_should_leave_the_plan_submitted(void)
{
	char path[8];
	long long plan = 0;
	int agreed = -1, ready = -1;
	versions_seen vs;
	store *s = fixture_staff_store(tmpdir, NULL, path, sizeof(path), &plan);

	if (!s) {
		CHECK(s != NULL);
		return;
	}
	CHECK(workflow_submit(AS_PERSON(s, plan), plan, PLAN_DRAFT, NULL, NULL, 0) == 0);
	CHECK(workflow_caseworker_agree(AS(s, &casey_actor), plan, &agreed, NULL, 0) == 0);
	CHECK(agreed == 0);
	status_is(s, plan, "submitted");
	/* agreeing asks the person too */
	CHECK(store_plan_agreement(s, plan, &ready, NULL, NULL) == 0 && ready == 1);
	CHECK(workflow_ask_agreement(AS(s, &casey_actor), plan, NULL, 0) == 1);
	CHECK_STR(versions_of(s, plan, &vs), "1:submitted:person");
	CHECK(workflow_person_agree(AS_PERSON(s, plan), plan, 0, &agreed, NULL, 0) == 0);
	CHECK(agreed == 1);
	status_is(s, plan, "agreed");
	CHECK_STR(versions_of(s, plan, &vs), "1:submitted:person,2:agreed:person");
	store_close(s);
}

typedef struct times_seen {
	char submitted[32], person_agreed[32], caseworker_agreed[32], signed_off[32], updated[32];
	char not_agreed[32];
} times_seen;

static void note_times(void *ctx, const store_plan_detail *d)
{
	times_seen *t = ctx;

	snprintf(t->submitted, sizeof(t->submitted), "%s", d->submitted_at);
	snprintf(t->person_agreed, sizeof(t->person_agreed), "%s", d->person_agreed_at);
	snprintf(t->caseworker_agreed, sizeof(t->caseworker_agreed), "%s", d->caseworker_agreed_at);
	snprintf(t->signed_off, sizeof(t->signed_off), "%s", d->signed_off_at);
	snprintf(t->updated, sizeof(t->updated), "%s", d->updated_at);
	snprintf(t->not_agreed, sizeof(t->not_agreed), "%s", d->not_agreed_at);
}

typedef struct version_times {
	int n, all_on_clock;
} version_times;

static void note_version_time(void *ctx, const store_version *v)
{
	version_times *vt = ctx;

	vt->n++;
	vt->all_on_clock &= strcmp(v->at, CLOCK_TEXT) == 0;
}

static void the_fake_clock_should_reach_every_time_the_workflow_writes(void)
{
	char path[8];
	long long plan = 0, other;
	times_seen t;
	version_times vt = {0, 1};
	store *s = fixture_staff_store(tmpdir, NULL, path, sizeof(path), &plan);

	if (!s) {
		CHECK(s != NULL);
		return;
	}
	CHECK(agree_both(s, plan) == 0);
	CHECK(workflow_sign_off(AS(s, &morgan_actor), plan, NULL, NULL, "2031-03-24", "2032-02-03",
				NULL, NULL, 0) == 0);
	CHECK(store_plan_detail_get(s, plan, note_times, &t) == 0);
	CHECK_STR(t.submitted, CLOCK_TEXT);
	CHECK_STR(t.person_agreed, CLOCK_TEXT);
	CHECK_STR(t.caseworker_agreed, CLOCK_TEXT);
	CHECK_STR(t.signed_off, CLOCK_TEXT);
	CHECK_STR(t.updated, CLOCK_TEXT);
	CHECK(store_versions_each(s, plan, note_version_time, &vt) == 0);
	CHECK(vt.n == 3 && vt.all_on_clock);
	other = new_plan(s, 2);
	CHECK(workflow_submit(AS_PERSON(s, other), other, PLAN_DRAFT, NULL, NULL, 0) == 0);
	CHECK(workflow_not_agreed(AS(s, &casey_actor), other, PLAN_SUBMITTED, "Too few hours",
				  "Weekly visits", NULL, 0) == 0);
	CHECK(store_plan_detail_get(s, other, note_times, &t) == 0);
	CHECK_STR(t.not_agreed, CLOCK_TEXT);
	store_close(s);
}

typedef struct reviews_seen {
	int n, full_waiting;
	char rows[512];
} reviews_seen;

static void note_review(void *ctx, const store_review *r)
{
	reviews_seen *rs = ctx;
	size_t len = strlen(rs->rows);

	snprintf(rs->rows + len, sizeof(rs->rows) - len, "%s%s:%s:%s", rs->n ? "," : "", r->kind,
		 r->due, *r->done_at ? r->done_at : "not yet");
	rs->n++;
	rs->full_waiting += strcmp(r->kind, "full") == 0 && !*r->done_at;
}

/* After a review, staff saw two identical "Full review ... Not yet" rows: the full review the
 * sign-off scheduled, replaced, beside the one that replaced it. */
static void a_review_done_early_should_leave_one_full_review_waiting(void)
{
	char path[8];
	long long plan = 0;
	reviews_seen rs = {0};
	audit_seen a;
	store *s = fixture_staff_store(tmpdir, NULL, path, sizeof(path), &plan);

	if (!s) {
		CHECK(s != NULL);
		return;
	}
	CHECK(agree_both(s, plan) == 0);
	CHECK(workflow_sign_off(AS(s, &morgan_actor), plan, NULL, NULL, "2031-03-24", "2032-02-03",
				NULL, NULL, 0) == 0);
	/* done on the day it was signed off: the next full review falls on the same day */
	CHECK(workflow_review_complete(AS(s, &casey_actor), plan, PLAN_SIGNED_OFF,
				       "{\"working\":\"yes\",\"not_working\":\"no\"}", "confirm",
				       "2031-02-03", "2032-02-03", NULL, 0) == 0);
	status_is(s, plan, "signed_off");
	CHECK(store_reviews_each(s, plan, note_review, &rs) == 0);
	CHECK_STR(rs.rows, "light:2031-03-24:2031-02-03,full:2032-02-03:not yet");
	CHECK(rs.full_waiting == 1);
	CHECK(strstr(audit_of(s, plan, &a), "staff:review_done") != NULL);
	store_close(s);
}

static void reviews_should_come_due_only_for_signed_off_plans(void)
{
	char path[8];
	long long plan = 0;
	int moved = -1, raised = 0;
	store *s = fixture_staff_store(tmpdir, NULL, path, sizeof(path), &plan);

	if (!s) {
		CHECK(s != NULL);
		return;
	}
	/* a draft whose person asked for a review is not made due: nothing to review yet */
	CHECK(store_flag_raise(s, plan, 0, "review", "why", &raised) == 0 && raised);
	CHECK(workflow_reviews_make_due(AS(s, NULL), "2031-02-03", &moved, NULL, 0) == 0);
	CHECK(moved == 0);
	status_is(s, plan, "draft");
	store_close(s);
}

static void a_council_change_should_forget_both_agreements(void)
{
	char path[8];
	long long plan = 0;
	int ready = -1, person = -1, worker = -1;
	workflow_council swim = {WORKFLOW_SUPPORT_ADD, 0, "Swimming", 1250};
	workflow_council none = {WORKFLOW_NEED_HOW, 999, "x", 0};
	store *s = fixture_staff_store(tmpdir, NULL, path, sizeof(path), &plan);

	if (!s) {
		CHECK(s != NULL);
		return;
	}
	CHECK(workflow_submit(AS_PERSON(s, plan), plan, PLAN_DRAFT, NULL, NULL, 0) == 0);
	CHECK(workflow_caseworker_agree(AS(s, &casey_actor), plan, NULL, NULL, 0) == 0);
	CHECK(store_plan_agreement(s, plan, &ready, &person, &worker) == 0);
	CHECK(ready == 1 && worker == 1);
	CHECK(workflow_council_change(AS(s, &casey_actor), plan, &swim, NULL, 0) == 0);
	CHECK(store_plan_agreement(s, plan, &ready, &person, &worker) == 0);
	CHECK(ready == 1 && person == 0 && worker == 0); /* still asked, no longer agreed */
	CHECK(store_support_count(s, plan) == 1);
	CHECK(workflow_council_change(AS(s, &casey_actor), plan, &none, NULL, 0) == 1);
	/* once agreed, the council's parts are closed: send it back first */
	CHECK(workflow_person_agree(AS_PERSON(s, plan), plan, 0, NULL, NULL, 0) == 0);
	CHECK(workflow_caseworker_agree(AS(s, &casey_actor), plan, NULL, NULL, 0) == 0);
	status_is(s, plan, "agreed");
	CHECK(workflow_council_change(AS(s, &casey_actor), plan, &swim, NULL, 0) == 1);
	CHECK(store_support_count(s, plan) == 1);
	store_close(s);
}

static void remove_tmpdir(void)
{
	static const char *const names[] = {"kiosk-agree.db"};
	static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
	char path[160];

	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		for (size_t k = 0; k < sizeof(suffixes) / sizeof(*suffixes); k++) {
			snprintf(path, sizeof(path), "%s/%s%s", tmpdir, names[i], suffixes[k]);
			unlink(path);
		}
	if (rmdir(tmpdir) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
}

int main(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/planaloud-workflow-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(a_flag_and_a_send_should_be_audited_as_the_person);
	RUN(agreement_should_need_both_in_either_order_and_freeze_a_version);
	RUN(a_caseworker_agreeing_alone_should_leave_the_plan_submitted);
	RUN(every_move_of_the_graph_should_be_made_and_every_other_refused);
	RUN(going_back_for_changes_should_forget_both_agreements_and_the_request);
	RUN(a_council_change_should_forget_both_agreements);
	RUN(reviews_should_come_due_on_their_date_and_a_confirm_should_schedule_the_next);
	RUN(a_review_request_should_make_a_signed_off_plan_due_at_once);
	RUN(reviews_should_come_due_only_for_signed_off_plans);
	RUN(a_review_done_early_should_leave_one_full_review_waiting);
	RUN(the_fake_clock_should_reach_every_time_the_workflow_writes);
	RUN(kiosk_agreement_should_be_kept_or_undone_with_the_kiosks_request);
	RUN(a_persons_no_should_be_kept_with_the_reason_and_forget_their_yes);
	remove_tmpdir();
	return check_report();
}
