/* staff_plan: the plan as staff read it. Everything the plan message shows is read here first
 * (the person's answers, who wrote them, the list entries); staff_view.c draws it. Any read that
 * fails fails the request (error "server"): staff never see a plan with parts quietly missing. */
#include "staff_int.h"

#include "flow.h"

#include <stdlib.h>
#include <string.h>

static int collect_answer(void *ctx, const char *page, long long item, const char *field,
			  const char *value, long long visit)
{
	staff_plan_data *d = ctx;

	if (d->answers.n >= d->answer_cap) {
		size_t cap = d->answer_cap ? d->answer_cap * 2 : 64;
		long long *v = realloc(d->answer_visit, cap * sizeof(*v));

		if (!v)
			return -1;
		d->answer_visit = v;
		d->answer_cap = cap;
	}
	if (plan_answers_add(&d->answers, page, item, field, value))
		return -1;
	d->answer_visit[d->answers.n - 1] = visit;
	return 0;
}

typedef struct visits_ctx {
	staff_plan_data *d;
	int failed;
} visits_ctx;

static void collect_visit(void *ctx, long long visit, const char *writer, const char *name,
			  const char *relationship)
{
	visits_ctx *vc = ctx;
	staff_plan_data *d = vc->d;
	staff_visit *v = realloc(d->visits, (d->nvisits + 1) * sizeof(*v));

	if (!v) {
		vc->failed = 1;
		return;
	}
	d->visits = v;
	v = &d->visits[d->nvisits];
	v->id = visit;
	v->writer = strdup(writer);
	v->name = strdup(name);
	v->relationship = strdup(relationship);
	if (!v->writer || !v->name || !v->relationship) {
		free(v->writer);
		free(v->name);
		free(v->relationship);
		vc->failed = 1;
		return;
	}
	d->nvisits++;
}

typedef struct items_ctx {
	staff_list *l;
	int failed;
} items_ctx;

static void collect_item(void *ctx, long long item)
{
	items_ctx *ic = ctx;
	long long *ids = realloc(ic->l->ids, (ic->l->n + 1) * sizeof(*ids));

	if (!ids) {
		ic->failed = 1;
		return;
	}
	ic->l->ids = ids;
	ic->l->ids[ic->l->n++] = item;
}

/* The entries of every list page the person was shown. 0, or -1 (a read failed). */
static int collect_lists(const content *c, store *st, long long plan, staff_plan_data *d)
{
	for (size_t i = 0; i < content_page_count(c); i++) {
		const content_page *pg = content_page_at(c, i);
		staff_list *lists;
		items_ctx ic;

		if (pg->kind != KIND_LIST || pg->part < 0 || !flow_visible(c, &d->answers, pg))
			continue;
		lists = realloc(d->lists, (d->nlists + 1) * sizeof(*lists));
		if (!lists)
			return -1;
		d->lists = lists;
		ic = (items_ctx){&d->lists[d->nlists++], 0};
		*ic.l = (staff_list){pg->id, NULL, 0};
		if (store_items_each(st, plan, pg->id, collect_item, &ic) || ic.failed)
			return -1;
	}
	return 0;
}

static void plan_data_release(staff_plan_data *d)
{
	plan_answers_release(&d->answers);
	free(d->answer_visit);
	for (size_t i = 0; i < d->nvisits; i++) {
		free(d->visits[i].writer);
		free(d->visits[i].name);
		free(d->visits[i].relationship);
	}
	free(d->visits);
	for (size_t i = 0; i < d->nlists; i++)
		free(d->lists[i].ids);
	free(d->lists);
}

/* What the sections are drawn from. 0, or -1 (a read failed). */
static int gather_answers(const content *c, store *st, long long plan, staff_plan_data *d)
{
	visits_ctx vc = {d, 0};

	if (store_answers_each_with_visit(st, plan, collect_answer, d) ||
	    store_visits_each(st, plan, collect_visit, &vc) || vc.failed)
		return -1;
	return collect_lists(c, st, plan, d);
}

/* The plan's rows after its sections, in the message's order. 0, or -1 (a read failed). */
static int gather_rows(staff_session *ss, long long plan, cJSON *o)
{
	store *st = ss->sf->st;
	staff_support_view sv = {cJSON_CreateArray(), 0};
	staff_reviews_view rv;
	char day[PLAN_DATE_LEN];

	if (!sv.items || store_support_each(st, plan, staff_view_support, &sv)) {
		cJSON_Delete(sv.items);
		return -1;
	}
	staff_view_support_total(o, &sv);
	staff_today(ss->sf, day);
	rv = (staff_reviews_view){cJSON_AddArrayToObject(o, "reviews"), day};
	if (store_comments_each(st, plan, staff_view_comment,
				cJSON_AddArrayToObject(o, "comments")) ||
	    store_flags_each(st, plan, staff_view_flag, cJSON_AddArrayToObject(o, "flags")) ||
	    store_versions_each(st, plan, staff_view_version,
				cJSON_AddArrayToObject(o, "versions")) ||
	    store_reviews_each(st, plan, staff_view_review, &rv))
		return -1;
	return 0;
}

cJSON *staff_plan_msg(staff_session *ss, long long plan, long long seq)
{
	const content *c = ss->sf->c;
	store *st = ss->sf->st;
	staff_plan_data d = {0};
	staff_detail_view dv = {staff_view_message("plan", seq), c, ss->sf->langs, PLAN_DRAFT};
	int ready = 0, caseworker_agreed = 0, rcode;

	plan_answers_init(&d.answers);
	if (!dv.o)
		goto fail;
	rcode = store_plan_detail_get(st, plan, staff_view_detail, &dv);
	if (rcode == 1) {
		staff_fail(ss, "no-plan");
		goto out;
	}
	if (rcode || gather_answers(c, st, plan, &d) ||
	    store_needs_each_full(st, plan, staff_view_need,
				  cJSON_AddArrayToObject(dv.o, "needs")) ||
	    staff_view_sections(c, &d, dv.o) || gather_rows(ss, plan, dv.o) ||
	    store_plan_agreement(st, plan, &ready, NULL, &caseworker_agreed))
		goto fail;
	staff_view_interpreter(dv.o, &d);
	staff_view_can(dv.o, dv.status, ready, caseworker_agreed);
	plan_data_release(&d);
	return dv.o;
fail:
	staff_fail(ss, "server");
out:
	plan_data_release(&d);
	cJSON_Delete(dv.o);
	return NULL;
}

int staff_send_plan(staff_session *ss, long long plan, long long seq)
{
	cJSON *o = staff_plan_msg(ss, plan, seq);

	if (!o)
		return -1;
	staff_reply(ss, o, 0);
	return 0;
}

int staff_handle_plan(void *session, const cJSON *m, long long seq)
{
	staff_session *ss = session;
	store_plan pl;

	if (staff_plan_arg(ss, m, &pl) || staff_audit_read(ss, pl.id, "plan"))
		return -1;
	return staff_send_plan(ss, pl.id, seq);
}
