/* staff_council: the council's work on a plan, as staff do it: the council's parts, comments,
 * sending back, agreement, sign-off, reviews and closing flags. Each change goes through the
 * workflow (or a primitive audited write) and answers with the whole plan again. */
#include "staff_int.h"

#include "auth.h"
#include "staff_words.h"

#include <stdlib.h>
#include <string.h>

/* A page of the journey that a comment may be about: one that shows the person's answers or
 * the needs. */
static int section_known(const content *c, const char *id)
{
	const content_page *pg = content_page_find(c, id, NULL);

	return pg && pg->part >= 0 &&
	       (page_kind_takes_answer(pg->kind) || pg->kind == KIND_LIST ||
		pg->kind == KIND_NEEDS);
}

static long long field_id(const char *field, const char *prefix, const char **rest)
{
	size_t n = strlen(prefix);
	long long id = 0;
	const char *p;

	if (strncmp(field, prefix, n) != 0)
		return 0;
	for (p = field + n; *p >= '0' && *p <= '9'; p++) {
		id = id * 10 + (*p - '0');
		if (id > 1000000000000LL)
			return 0;
	}
	if (p == field + n || field[n] == '0')
		return 0;
	*rest = p;
	return id;
}

/* {"what":"…","cost":"12.50"}: 0 and the two, or -1 (failed). */
static int support_arg(staff_session *ss, const cJSON *v, const char **what, long long *cost)
{
	*what = cJSON_GetStringValue(cJSON_GetObjectItem(v, "what"));
	if (!cJSON_IsObject(v) || !*what)
		return staff_fail(ss, "bad-message");
	if (staff_text_ok(ss, *what, 1, STAFF_WHAT_MAX) ||
	    staff_money_arg(ss, cJSON_GetObjectItem(v, "cost"), cost))
		return -1;
	return 0;
}

int staff_handle_council(void *session, const cJSON *m, long long seq)
{
	staff_session *ss = session;
	store *st = ss->sf->st;
	const char *field = message_str(m, "field"), *rest = "", *text, *what;
	const cJSON *v = cJSON_GetObjectItem(m, "value");
	store_actor by;
	workflow w = staff_workflow(ss, &by);
	workflow_council c = {0};
	store_plan pl;
	long long id, cost;
	int rc, yes;

	if (staff_plan_arg(ss, m, &pl))
		return -1;
	if (!field)
		return staff_fail(ss, "bad-message");
	if (!plan_council_parts_open(pl.status))
		return staff_fail_status(ss, pl.status);
	if ((id = field_id(field, "need/", &rest)) > 0 && strcmp(rest, "/how") == 0) {
		text = cJSON_GetStringValue(v);
		if (!text)
			return staff_fail(ss, "bad-field");
		if (staff_text_ok(ss, text, 0, STAFF_TEXT_MAX))
			return -1;
		c = (workflow_council){WORKFLOW_NEED_HOW, id, text, 0};
	} else if (id > 0 && strcmp(rest, "/direct_payment") == 0) {
		if (staff_bool_arg(ss, v, &yes))
			return -1;
		c = (workflow_council){WORKFLOW_NEED_DIRECT_PAYMENT, id, NULL, yes};
	} else if (strcmp(field, "support/add") == 0) {
		if (support_arg(ss, v, &what, &cost))
			return -1;
		if (store_support_count(st, pl.id) >= PLAN_MAX_ITEMS)
			return staff_fail_with(ss, "list-full", "limit", PLAN_MAX_ITEMS);
		c = (workflow_council){WORKFLOW_SUPPORT_ADD, 0, what, cost};
	} else if ((id = field_id(field, "support/", &rest)) > 0 && *rest == '\0') {
		if (support_arg(ss, v, &what, &cost))
			return -1;
		c = (workflow_council){WORKFLOW_SUPPORT_SET, id, what, cost};
	} else if (id > 0 && strcmp(rest, "/remove") == 0) {
		c = (workflow_council){WORKFLOW_SUPPORT_REMOVE, id, NULL, 0};
	} else if (strcmp(field, "risks") == 0) {
		text = cJSON_GetStringValue(v);
		if (!text)
			return staff_fail(ss, "bad-field");
		if (staff_text_ok(ss, text, 0, STAFF_TEXT_MAX))
			return -1;
		c = (workflow_council){WORKFLOW_RISKS, 0, text, 0};
	} else if (strcmp(field, "emergency_checked") == 0) {
		if (staff_bool_arg(ss, v, &yes))
			return -1;
		c = (workflow_council){WORKFLOW_EMERGENCY_CHECKED, 0, NULL, yes};
	} else {
		return staff_fail(ss, "bad-field");
	}
	rc = workflow_council_change(&w, pl.id, &c, NULL, 0);
	if (rc == 1 && (c.part == WORKFLOW_SUPPORT_SET || c.part == WORKFLOW_SUPPORT_REMOVE))
		return staff_fail(ss, "no-item");
	if (rc == 1) /* the plan is there: it was the need */
		return staff_fail(ss, "bad-field");
	if (rc)
		return staff_fail(ss, "not-saved");
	return staff_send_plan(ss, pl.id, seq);
}

int staff_handle_comment(void *session, const cJSON *m, long long seq)
{
	staff_session *ss = session;
	const char *section = message_str(m, "section"), *text;
	store_actor by = staff_actor(ss);
	store_plan pl;

	if (staff_plan_arg(ss, m, &pl))
		return -1;
	if (!section)
		return staff_fail(ss, "bad-message");
	if (!section_known(ss->sf->c, section))
		return staff_fail(ss, "bad-field");
	if (staff_text_arg(ss, m, "text", 1, STAFF_TEXT_MAX, &text))
		return -1;
	if (staff_wrote(ss, pl.id,
			store_comment_add(ss->sf->st, pl.id, section, text, &by, NULL, NULL, 0)))
		return -1;
	return staff_send_plan(ss, pl.id, seq);
}

int staff_handle_send_back(void *session, const cJSON *m, long long seq)
{
	staff_session *ss = session;
	store_actor by;
	workflow w = staff_workflow(ss, &by);
	store_plan pl;

	if (staff_plan_arg(ss, m, &pl) || staff_may_move(ss, &pl, PLAN_CHANGES_REQUESTED) ||
	    staff_wrote(ss, pl.id, workflow_send_back(&w, pl.id, pl.status, NULL, 0)))
		return -1;
	return staff_send_plan(ss, pl.id, seq);
}

/* Agreement happens while the plan is submitted: 0, or -1 (failed: not-allowed). */
static int agreeing(staff_session *ss, const store_plan *pl, int *ready, int *caseworker_agreed)
{
	if (!plan_asks_agreement(pl->status) || staff_may_move(ss, pl, PLAN_AGREED))
		return staff_fail_status(ss, pl->status);
	if (store_plan_agreement(ss->sf->st, pl->id, ready, NULL, caseworker_agreed))
		return staff_fail(ss, "server");
	return 0;
}

int staff_handle_ready(void *session, const cJSON *m, long long seq)
{
	staff_session *ss = session;
	store_actor by;
	workflow w = staff_workflow(ss, &by);
	store_plan pl;
	int ready, agreed;

	if (staff_plan_arg(ss, m, &pl) || agreeing(ss, &pl, &ready, &agreed))
		return -1;
	if (!ready && staff_wrote(ss, pl.id, workflow_ask_agreement(&w, pl.id, NULL, 0)))
		return -1;
	return staff_send_plan(ss, pl.id, seq);
}

int staff_handle_agree(void *session, const cJSON *m, long long seq)
{
	staff_session *ss = session;
	store_actor by;
	workflow w = staff_workflow(ss, &by);
	store_plan pl;
	int ready, agreed;

	if (staff_plan_arg(ss, m, &pl) || agreeing(ss, &pl, &ready, &agreed))
		return -1;
	if (!agreed && staff_wrote(ss, pl.id, workflow_caseworker_agree(&w, pl.id, NULL, NULL, 0)))
		return -1;
	return staff_send_plan(ss, pl.id, seq);
}

int staff_handle_not_agreed(void *session, const cJSON *m, long long seq)
{
	staff_session *ss = session;
	const cJSON *given = cJSON_GetObjectItem(m, "complaints_given");
	const char *reasons, *safety;
	store_actor by;
	workflow w = staff_workflow(ss, &by);
	store_plan pl;

	if (staff_plan_arg(ss, m, &pl) || staff_may_move(ss, &pl, PLAN_NOT_AGREED) ||
	    staff_text_arg(ss, m, "reasons", 1, STAFF_TEXT_MAX, &reasons) ||
	    staff_text_arg(ss, m, "safety", 1, STAFF_TEXT_MAX, &safety))
		return -1;
	/* The person must have been told how to complain: that is the record's point. */
	if (!cJSON_IsTrue(given))
		return staff_fail(ss, "bad-field");
	if (staff_wrote(ss, pl.id,
			workflow_not_agreed(&w, pl.id, pl.status, reasons, safety, NULL, 0)))
		return -1;
	return staff_send_plan(ss, pl.id, seq);
}

typedef struct agreed_by_ctx {
	long long id;
} agreed_by_ctx;

static void note_agreed_by(void *ctx, const store_plan_detail *d)
{
	((agreed_by_ctx *)ctx)->id = d->caseworker_agreed_by_id;
}

int staff_handle_sign_off(void *session, const cJSON *m, long long seq)
{
	staff_session *ss = session;
	const cJSON *panel = cJSON_GetObjectItem(m, "panel");
	const char *decision = NULL, *date = NULL;
	char day[PLAN_DATE_LEN], light[PLAN_DATE_LEN], full[PLAN_DATE_LEN];
	store_actor by;
	workflow w = staff_workflow(ss, &by);
	agreed_by_ctx ab = {-1};
	store_plan pl;

	if (staff_plan_arg(ss, m, &pl) || staff_may_move(ss, &pl, PLAN_SIGNED_OFF))
		return -1;
	/* review_due -> signed_off is a review's confirmation, not a sign-off. */
	if (pl.status != PLAN_AGREED)
		return staff_fail_status(ss, pl.status);
	if (panel && !cJSON_IsNull(panel)) {
		if (!cJSON_IsObject(panel))
			return staff_fail(ss, "bad-message");
		if (!auth_can(ss->who.role, AUTH_RECORD_PANEL_DECISION))
			return staff_fail(ss, "not-allowed-role");
		if (staff_text_arg(ss, panel, "decision", 1, STAFF_PANEL_MAX, &decision))
			return -1;
		date = message_str(panel, "date");
		if (!date || !plan_date_valid(date))
			return staff_fail(ss, "bad-date");
	}
	/* Four eyes: the manager who agreed the plan as its caseworker does not sign it off. */
	if (store_plan_detail_get(ss->sf->st, pl.id, note_agreed_by, &ab))
		return staff_fail(ss, "server");
	if (ab.id == ss->who.id)
		return staff_fail(ss, "sign-off-own");
	staff_today(ss->sf, day);
	if (plan_review_dates(day, light, full))
		return staff_fail(ss, "server");
	if (staff_wrote(ss, pl.id,
			workflow_sign_off(&w, pl.id, decision, date, light, full, NULL, NULL, 0)))
		return -1;
	return staff_send_plan(ss, pl.id, seq);
}

int staff_handle_review(void *session, const cJSON *m, long long seq)
{
	staff_session *ss = session;
	const cJSON *answers = cJSON_GetObjectItem(m, "answers"), *a;
	const char *outcome = message_str(m, "outcome");
	char day[PLAN_DATE_LEN], next[PLAN_DATE_LEN];
	store_actor by;
	workflow w = staff_workflow(ss, &by);
	cJSON *kept = NULL;
	char *json = NULL;
	store_plan pl;
	int reopen, rc = -1;

	if (staff_plan_arg(ss, m, &pl))
		return -1;
	if (!cJSON_IsObject(answers) || !outcome)
		return staff_fail(ss, "bad-message");
	if (strcmp(outcome, "confirm") != 0 && strcmp(outcome, "reopen") != 0)
		return staff_fail(ss, "bad-field");
	reopen = outcome[0] == 'r';
	/* A review is of a signed-off plan: due, or done early (workflow_review_complete). */
	if (!plan_council_agreed(pl.status))
		return staff_fail_status(ss, pl.status);
	cJSON_ArrayForEach(a, answers)
	{
		size_t k = 0;

		while (k < staff_review_key_count() && strcmp(a->string, staff_review_key(k)) != 0)
			k++;
		if (k == staff_review_key_count() || !cJSON_IsString(a))
			return staff_fail(ss, "bad-field");
		if (staff_text_ok(ss, a->valuestring, k < STAFF_REVIEW_REQUIRED, STAFF_TEXT_MAX))
			return -1;
	}
	for (size_t k = 0; k < STAFF_REVIEW_REQUIRED; k++)
		if (!cJSON_IsString(cJSON_GetObjectItem(answers, staff_review_key(k))))
			return staff_fail(ss, "bad-field");
	kept = cJSON_CreateObject();
	for (size_t k = 0; kept && k < staff_review_key_count(); k++) {
		const char *v =
		    cJSON_GetStringValue(cJSON_GetObjectItem(answers, staff_review_key(k)));

		cJSON_AddStringToObject(kept, staff_review_key(k), v ? v : "");
	}
	json = kept ? cJSON_PrintUnformatted(kept) : NULL;
	staff_today(ss->sf, day);
	if (!json || plan_date_add_months(day, PLAN_FULL_REVIEW_MONTHS, next)) {
		rc = staff_fail(ss, "server");
		goto out;
	}
	if (staff_wrote(ss, pl.id,
			workflow_review_complete(&w, pl.id, pl.status, json, outcome, day,
						 reopen ? NULL : next, NULL, 0)))
		goto out;
	rc = staff_send_plan(ss, pl.id, seq);
out:
	free(json);
	cJSON_Delete(kept);
	return rc;
}

int staff_handle_flag_close(void *session, const cJSON *m, long long seq)
{
	staff_session *ss = session;
	const char *kind = message_str(m, "kind"), *note;
	store_actor by = staff_actor(ss);
	store_plan pl;
	int rc;

	if (staff_plan_arg(ss, m, &pl))
		return -1;
	if (!kind)
		return staff_fail(ss, "bad-message");
	if (strcmp(kind, "safeguarding") != 0 && strcmp(kind, "advocacy") != 0 &&
	    strcmp(kind, "review") != 0)
		return staff_fail(ss, "bad-field");
	if (staff_text_arg(ss, m, "note", 1, STAFF_TEXT_MAX, &note))
		return -1;
	rc = store_flag_close(ss->sf->st, pl.id, kind, note, &by, NULL, 0);
	if (rc == 1)
		return staff_fail(ss, "no-flag");
	if (rc)
		return staff_fail(ss, "not-saved");
	return staff_send_plan(ss, pl.id, seq);
}
