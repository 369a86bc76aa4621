/* kiosk_answers: the person's answers and list entries, sending the plan, agreeing or not, and
 * asking for a review: every change goes through the store or workflow as the person. */
#include "kiosk_int.h"

#include "cards.h"

#include "utf8.h"
#include "workflow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Visit fields: the "who is writing" pages are recorded per visit as well as answers. */
static const struct {
	const char *page;
	const char *field;
} visit_pages[] = {
    {"who", "writer"},
    {"helper-name", "helper_name"},
    {"helper-relationship", "helper_relationship"},
};

const char *kiosk_visit_field(const char *page)
{
	for (size_t i = 0; i < sizeof(visit_pages) / sizeof(*visit_pages); i++)
		if (strcmp(visit_pages[i].page, page) == 0)
			return visit_pages[i].field;
	return NULL;
}

int kiosk_answer_store(kiosk_session *s, const char *page, long long item, const char *field,
		       const char *value)
{
	const char *vf = item ? NULL : kiosk_visit_field(page);

	if (store_answer_set(s->p->st, s->plan, s->visit, page, item, field, value, NULL, 0))
		return kiosk_fail(s, "not-saved");
	if (vf && store_visit_set(s->p->st, s->visit, vf, value))
		return kiosk_fail(s, "not-saved");
	return 0;
}

/* ---- message fields ---- */

static const content_page *list_page(kiosk_session *s, const cJSON *m)
{
	const char *id = message_str(m, "page");
	const content_page *pg = id ? content_page_find(s->c, id, NULL) : NULL;

	return pg && pg->kind == KIND_LIST ? pg : NULL;
}

/* Checks an answer's value against its page or list field; *stored gets what to store. */
static int check_value(kiosk_session *s, const content_page *pg, const content_field *f,
		       const char *value, char *stored, size_t storedlen)
{
	int limit = f ? f->limit : pg->limit;
	size_t chars = utf8_chars(value, strlen(value));

	snprintf(stored, storedlen, "%s", value);
	if (chars > (size_t)limit)
		return kiosk_fail_with(s, "too-long", "limit", limit);
	if (!f && (pg->kind == KIND_CHOICE || pg->kind == KIND_YES_NO) && *value) {
		int ok = pg->kind == KIND_YES_NO && (!strcmp(value, "yes") || !strcmp(value, "no"));

		for (size_t o = 0; o < pg->noptions; o++)
			ok |= !strcmp(pg->options[o].value, value);
		if (!ok)
			return kiosk_fail(s, "bad-field");
	}
	if (f && f->type == FIELD_MONEY && *value) {
		long long pence;

		if (plan_money_parse(value, &pence))
			return kiosk_fail(s, "bad-money");
		snprintf(stored, storedlen, "%lld", pence);
	}
	if (f && f->type == FIELD_DATE && *value && !plan_date_valid(value))
		return kiosk_fail(s, "bad-date");
	return 0;
}

/* An answer before a plan is open, held until one is ("kept"). Only the pages before the code can
 * be answered then. */
static int keep_answer(kiosk_session *s, const char *page, size_t index, int in_list,
		       const char *stored, long long seq)
{
	cJSON *ack;

	if (in_list || index >= s->p->code_index)
		return kiosk_fail(s, "no-plan");
	if (plan_answers_set(&s->held_answers, page, 0, "", stored))
		return kiosk_fail(s, "server");
	ack = cJSON_CreateObject();
	cJSON_AddStringToObject(ack, "type", "kept");
	message_add_seq(ack, seq);
	cJSON_AddStringToObject(ack, "page", page);
	kiosk_reply(s, ack, 0);
	return 0;
}

/* {"type":"answer","page":...,"cards":["park","home"]}: the picture cards chosen on a page, stored
 * as one answer (cards.h) and acknowledged once committed, like typed words. */
static int handle_cards(kiosk_session *s, const cJSON *m, long long seq)
{
	const char *page = message_str(m, "page");
	const content_page *pg = page ? content_page_find(s->c, page, NULL) : NULL;
	char stored[CONTENT_MAX_CARDS * 50];
	cJSON *ack;
	int rc;

	if (!page || cJSON_HasObjectItem(m, "value") || cJSON_HasObjectItem(m, "item") ||
	    cJSON_HasObjectItem(m, "field"))
		return kiosk_fail(s, "bad-message");
	if (!pg || !pg->ncards)
		return kiosk_fail(s, "bad-field");
	rc = cards_value(pg, cJSON_GetObjectItemCaseSensitive(m, "cards"), stored, sizeof(stored));
	if (rc)
		return kiosk_fail(s, rc == -2 ? "bad-field" : "bad-message");
	if (!s->plan)
		return kiosk_fail(s, "no-plan"); /* card pages all come after the code */
	if (kiosk_read_only(s))
		return kiosk_fail(s, "already-sent");
	if (kiosk_answer_store(s, page, 0, CARDS_FIELD, stored))
		return -1;
	ack = cJSON_CreateObject();
	cJSON_AddStringToObject(ack, "type", "saved");
	message_add_seq(ack, seq);
	cJSON_AddStringToObject(ack, "page", page);
	cJSON_AddStringToObject(ack, "field", CARDS_FIELD);
	kiosk_reply(s, ack, 0);
	return 0;
}

int kiosk_handle_answer(void *sv, const cJSON *m, long long seq)
{
	kiosk_session *s = sv;
	const content *c = s->c;
	const char *page = message_str(m, "page"), *value = message_str(m, "value");
	const char *field = message_str(m, "field");
	long long item = message_id(m, "item");
	const content_page *pg;
	const content_field *f = NULL;
	size_t index;
	char *stored = NULL;
	cJSON *ack;
	int rc = -1, raised = 0;

	if (cJSON_HasObjectItem(m, "cards"))
		return handle_cards(s, m, seq);
	if (!page || !value || item < 0 || (cJSON_HasObjectItem(m, "field") && !field))
		return kiosk_fail(s, "bad-message");
	pg = content_page_find(c, page, &index);
	if (!pg)
		return kiosk_fail(s, "bad-field");
	if (item || field) {
		if (pg->kind != KIND_LIST || !item || !field)
			return kiosk_fail(s, "bad-field");
		for (size_t k = 0; k < pg->nfields; k++)
			if (strcmp(pg->fields[k].name, field) == 0)
				f = &pg->fields[k];
		if (!f)
			return kiosk_fail(s, "bad-field");
	} else if (!page_kind_takes_answer(pg->kind)) {
		return kiosk_fail(s, "bad-field");
	}
	stored = malloc(strlen(value) + 32);
	if (!stored)
		return kiosk_fail(s, "server");
	if (check_value(s, pg, f, value, stored, strlen(value) + 32))
		goto out;
	if (!s->plan) {
		rc = keep_answer(s, page, index, f != NULL, stored, seq);
		goto out;
	}
	if (pg->kind != KIND_REVIEW && pg->kind != KIND_NOT_AGREED && kiosk_read_only(s)) {
		kiosk_fail(s, "already-sent");
		goto out;
	}
	if (f && store_item_exists(s->p->st, s->plan, page, item) != 0) {
		kiosk_fail(s, "no-item");
		goto out;
	}
	if (kiosk_answer_store(s, page, item, f ? f->name : "", stored))
		goto out;
	/* the flag and its alert to the duty team are kept, or lost, together */
	if (pg->flag && strcmp(stored, "yes") == 0 &&
	    (store_flag_raise(s->p->st, s->plan, s->visit, pg->flag, "", &raised) ||
	     (raised && alerts_queue(s->p->alerts, s->plan, pg->flag, kiosk_now_ms(s->p))))) {
		kiosk_fail(s, "not-saved");
		goto out;
	}
	ack = cJSON_CreateObject();
	cJSON_AddStringToObject(ack, "type", "saved");
	message_add_seq(ack, seq);
	cJSON_AddStringToObject(ack, "page", page);
	if (f) {
		cJSON_AddNumberToObject(ack, "item", (double)item);
		cJSON_AddStringToObject(ack, "field", f->name);
	}
	if (raised) {
		cJSON_AddStringToObject(ack, "flag", pg->flag);
		kiosk_news(s, pg->flag);
	}
	kiosk_reply(s, ack, 0);
	rc = 0;
out:
	free(stored);
	return rc;
}

/* Shows a list page, editing one entry (or none: 0). */
static void show_list(kiosk_session *s, const content_page *pg, long long editing, long long seq)
{
	size_t index;

	content_page_find(s->c, pg->id, &index);
	s->page = index;
	s->editing = editing;
	kiosk_show_page(s, seq);
}

int kiosk_handle_item_add(void *sv, const cJSON *m, long long seq)
{
	kiosk_session *s = sv;
	const content_page *pg = list_page(s, m);
	long long item;
	int n;

	if (!pg)
		return kiosk_fail(s, "bad-field");
	n = store_item_count(s->p->st, s->plan, pg->id);
	if (n < 0)
		return kiosk_fail(s, "server");
	if (n >= PLAN_MAX_ITEMS)
		return kiosk_fail_with(s, "list-full", "limit", PLAN_MAX_ITEMS);
	if (store_item_add(s->p->st, s->plan, pg->id, &item))
		return kiosk_fail(s, "not-saved");
	show_list(s, pg, item, seq);
	return 0;
}

int kiosk_handle_item_edit(void *sv, const cJSON *m, long long seq)
{
	kiosk_session *s = sv;
	const content_page *pg = list_page(s, m);
	long long item = message_id(m, "item");

	if (item <= 0)
		return kiosk_fail(s, "bad-message");
	if (!pg)
		return kiosk_fail(s, "bad-field");
	if (store_item_exists(s->p->st, s->plan, pg->id, item) != 0)
		return kiosk_fail(s, "no-item");
	show_list(s, pg, item, seq);
	return 0;
}

int kiosk_handle_item_done(void *sv, const cJSON *m, long long seq)
{
	kiosk_session *s = sv;
	const content_page *pg = list_page(s, m);

	if (!pg)
		return kiosk_fail(s, "bad-field");
	show_list(s, pg, 0, seq);
	return 0;
}

int kiosk_handle_item_remove(void *sv, const cJSON *m, long long seq)
{
	kiosk_session *s = sv;
	const content_page *pg = list_page(s, m);
	long long item = message_id(m, "item");
	int rc;

	if (item <= 0)
		return kiosk_fail(s, "bad-message");
	if (!pg)
		return kiosk_fail(s, "bad-field");
	rc = store_item_remove(s->p->st, s->plan, pg->id, item);
	if (rc == 1)
		return kiosk_fail(s, "no-item");
	if (rc)
		return kiosk_fail(s, "not-saved");
	show_list(s, pg, s->editing == item ? 0 : s->editing, seq);
	return 0;
}

/* The person's changes of status: made as the person, at the time by the kiosk's clock. person
 * is filled and must outlive the result. */
static workflow as_person(kiosk_session *s, store_actor *person)
{
	*person = (store_actor){STORE_ACTOR_PERSON, s->plan, NULL};
	return (workflow){s->p->st, person, kiosk_now_ms(s->p)};
}

int kiosk_handle_send(void *sv, const cJSON *m, long long seq)
{
	kiosk_session *s = sv;
	store_actor person;
	workflow w = as_person(s, &person);
	plan_status from = kiosk_status_now(s);

	(void)m;
	if (from == PLAN_SUBMITTED)
		return kiosk_fail(s, "already-sent");
	switch (workflow_submit(&w, s->plan, from, NULL, NULL, 0)) {
	case 0:
		break;
	case 1:
		return kiosk_fail(s, "not-allowed");
	default:
		return kiosk_fail(s, "not-saved");
	}
	s->status = PLAN_SUBMITTED;
	kiosk_news(s, "submitted");
	kiosk_go_to(s, kiosk_kind_index(s, KIND_SENT), seq);
	return 0;
}

/* The person's answer on the page of this kind (a reason they typed), copied; NULL when memory
 * runs out or the answers cannot be read. */
static char *reason_on(kiosk_session *s, page_kind kind)
{
	const content_page *pg = content_page_of_kind(s->c, kind);
	plan_answers pa;
	const char *v;
	char *out = NULL;

	if (kiosk_answers_load(s, &pa) == 0) {
		v = plan_answers_get(&pa, pg->id, 0, "");
		out = strdup(v ? v : "");
	}
	plan_answers_release(&pa);
	return out;
}

int kiosk_handle_review_request(void *sv, const cJSON *m, long long seq)
{
	kiosk_session *s = sv;
	char *reason = reason_on(s, KIND_REVIEW);
	int raised, rc;

	(void)m;
	if (!reason)
		return kiosk_fail(s, "server");
	rc = store_flag_raise(s->p->st, s->plan, s->visit, "review", reason, &raised);
	if (rc == 0 && raised)
		rc = alerts_queue(s->p->alerts, s->plan, "review", kiosk_now_ms(s->p));
	free(reason);
	if (rc)
		return kiosk_fail(s, "not-saved");
	if (raised)
		kiosk_news(s, "review");
	s->review_requested = 1;
	kiosk_go_to(s, kiosk_kind_index(s, KIND_REVIEW), seq);
	return 0;
}

/* "Yes, this is my plan". */
int kiosk_handle_agree(void *sv, const cJSON *m, long long seq)
{
	kiosk_session *s = sv;
	store_actor person;
	workflow w = as_person(s, &person);
	int agreed = 0;

	(void)m;
	kiosk_status_now(s); /* another kiosk or staff may have moved it since */
	switch (workflow_person_agree(&w, s->plan, s->visit, &agreed, NULL, 0)) {
	case 0:
		break;
	case 1:
		return kiosk_fail(s, "not-allowed"); /* nobody is asking the person to agree now */
	default:
		return kiosk_fail(s, "not-saved");
	}
	if (agreed)
		s->status = PLAN_AGREED;
	kiosk_go_to(s, kiosk_kind_index(s, KIND_AGREED), seq);
	return 0;
}

/* "No, I don't agree", with why: the answer on the not-agreed page. */
int kiosk_handle_disagree(void *sv, const cJSON *m, long long seq)
{
	kiosk_session *s = sv;
	char *reason = reason_on(s, KIND_NOT_AGREED);
	store_actor person;
	workflow w = as_person(s, &person);
	int rc;

	(void)m;
	if (!reason)
		return kiosk_fail(s, "server");
	kiosk_status_now(s);
	rc = workflow_person_disagree(&w, s->plan, s->visit, reason, NULL, 0);
	free(reason);
	if (rc)
		return kiosk_fail(s, rc == 1 ? "not-allowed" : "not-saved");
	s->disagree_sent = 1;
	kiosk_go_to(s, kiosk_kind_index(s, KIND_NOT_AGREED), seq);
	return 0;
}

int kiosk_handle_finish(void *sv, const cJSON *m, long long seq)
{
	kiosk_session *s = sv;
	cJSON *bye = cJSON_CreateObject();

	(void)m;
	if (s->has_token && store_request_begin(s->p->st, NULL, 0) == 0) {
		kiosk_resume_revoke(s); /* at once, whatever the commit brings */
		store_request_end(s->p->st);
	}
	cJSON_AddStringToObject(bye, "type", "bye");
	message_add_seq(bye, seq);
	kiosk_reply(s, bye, 1);
	if (s->in_batch)
		return 0; /* the connection closes after the commit; if it fails the plan stays open
			   */
	kiosk_plan_close(s);
	s->page = 0;
	plan_answers_release(&s->held_answers);
	return 0;
}
