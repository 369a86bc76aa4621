/* staff_live: news as it happens. When a person's change that staff should see at once has
 * committed (a safeguarding or advocacy flag, a review asked for, a plan sent), every open staff
 * page that may see the plan is told, so its caseload changes without a reload
 * (docs/staff.md, "News as it happens"). The message names the plan as the caseload row does
 * and holds nothing more; the page reads the caseload again for the rest. Each connection holds
 * a bounded amount of news: one that is too slow to take more is told once that it missed some
 * (`live_missed`), and gets none until it reads the caseload again. */
#include "staff_int.h"

#include "auth.h"

#include <stdlib.h>
#include <string.h>

/* What a person can do that staff hear of at once. */
static const char *const events[] = {"safeguarding", "advocacy", "review", "submitted"};

static const char *event_named(const char *what)
{
	for (size_t i = 0; what && i < sizeof(events) / sizeof(*events); i++)
		if (strcmp(events[i], what) == 0)
			return events[i];
	return NULL;
}

void staff_set_live_send(staff *sf, staff_live_send_fn fn)
{
	sf->live_send = fn;
}

/* The plan as its caseload row names it, gathered for the news. */
typedef struct live_plan {
	const content *c;
	cJSON *o;
} live_plan;

static void add_plan(void *ctx, const store_plan_detail *d)
{
	live_plan *lp = ctx;
	char *label = staff_view_label(lp->c, d->person_name, d->created_at);

	if (!label || !cJSON_AddStringToObject(lp->o, "label", label) ||
	    !cJSON_AddStringToObject(lp->o, "status", plan_status_name(d->status))) {
		cJSON_Delete(lp->o);
		lp->o = NULL;
	}
	free(label);
}

/* {"type":"live","event","plan","label","status","at"} as text (malloc'd), or NULL when the
 * plan has gone (erased meanwhile) or memory ran out. */
static char *live_text(staff *sf, long long plan, const char *event)
{
	char at[STAFF_ISO_LEN], *text = NULL;
	live_plan lp = {sf->c, staff_view_message("live", -1)};

	staff_iso_ms(staff_now(sf) * 1000, at);
	if (!lp.o || !cJSON_AddStringToObject(lp.o, "event", event) ||
	    !cJSON_AddNumberToObject(lp.o, "plan", (double)plan) ||
	    store_plan_detail_get(sf->st, plan, add_plan, &lp) != 0 || !lp.o ||
	    !cJSON_AddStringToObject(lp.o, "at", at))
		goto out;
	text = cJSON_PrintUnformatted(lp.o);
out:
	cJSON_Delete(lp.o);
	return text;
}

/* 1 when the session's page may be told of a plan: its login is alive (read afresh: logging out,
 * idle time, a disabled account or a changed role count at once) and its role sees the caseload.
 * Every role that sees the caseload sees every plan in it (docs/staff.md). */
static int may_hear(staff_session *ss)
{
	users_staff who;

	if (ss->closing || !ss->has_token || ss->live_missed ||
	    users_session_alive(ss->sf->u, ss->token, &who) != 0)
		return 0;
	ss->who = who;
	return auth_can(who.role, AUTH_VIEW_CASELOAD);
}

static void tell_missed(staff_session *ss)
{
	cJSON *m = staff_view_message("live_missed", -1);

	ss->live_missed = 1;
	staff_reply(ss, m, 0);
}

void staff_live_tell(staff *sf, long long plan, const char *what)
{
	const char *event = event_named(what);
	char *text;
	size_t len;

	if (!event || !sf->sessions)
		return;
	text = live_text(sf, plan, event);
	if (!text)
		return;
	len = strlen(text);
	for (staff_session *ss = sf->sessions; ss; ss = ss->next) {
		if (!may_hear(ss))
			continue;
		if (!sf->live_send)
			sf->io.send(ss->conn, text, len, 0);
		else if (sf->live_send(ss->conn, text, len) == 1)
			tell_missed(ss);
	}
	free(text);
}
