/* staff_alerts: the alerts outbox for admins (docs/staff.md, "Alerts"): every alert, newest
 * first, with where it stands, and "try again now" for one not yet sent. */
#include "staff_int.h"

#include "store_alerts.h"

#include <string.h>

#define ALERTS_PAGE 200 /* alerts in one reply */

typedef struct alert_list {
	cJSON *arr;
	int failed;
} alert_list;

static void add_time(cJSON *o, const char *name, long long ms)
{
	char iso[STAFF_ISO_LEN];

	if (ms < 0) {
		cJSON_AddNullToObject(o, name);
		return;
	}
	staff_iso_ms(ms, iso);
	cJSON_AddStringToObject(o, name, iso);
}

static void add_alert(void *ctx, const store_alert *al)
{
	alert_list *l = ctx;
	cJSON *o = cJSON_CreateObject();
	int sent = al->sent_ms >= 0;

	if (!o || !cJSON_AddItemToArray(l->arr, o)) {
		cJSON_Delete(o);
		l->failed = 1;
		return;
	}
	cJSON_AddNumberToObject(o, "id", (double)al->id);
	cJSON_AddStringToObject(o, "kind", al->kind);
	cJSON_AddStringToObject(o, "channel", al->channel);
	cJSON_AddNumberToObject(o, "plan", (double)al->plan);
	add_time(o, "created", al->created_ms);
	cJSON_AddNumberToObject(o, "tries", al->tries);
	add_time(o, "next", sent ? -1 : al->next_ms);
	cJSON_AddStringToObject(o, "last_error", al->last_error);
	add_time(o, "sent", al->sent_ms);
	cJSON_AddStringToObject(o, "state", sent ? "sent" : al->tries ? "failed" : "waiting");
}

/* How alerts go now: {"email":true,"webhook":false,"kinds":["safeguarding"]}; all false and
 * no kinds when none are set up. */
static void add_setup(cJSON *r, const alerts *al)
{
	static const char *const kinds[] = {"safeguarding", "advocacy", "review"};
	cJSON *o = cJSON_AddObjectToObject(r, "setup"), *list;

	if (!o)
		return;
	cJSON_AddBoolToObject(o, "email", alerts_by(al, "email"));
	cJSON_AddBoolToObject(o, "webhook", alerts_by(al, "webhook"));
	list = cJSON_AddArrayToObject(o, "kinds");
	for (size_t k = 0; list && k < sizeof(kinds) / sizeof(*kinds); k++)
		if (alerts_tells(al, kinds[k]))
			cJSON_AddItemToArray(list, cJSON_CreateString(kinds[k]));
}

/* The `alerts` reply: the newest ALERTS_PAGE alerts, and how many wait or have failed. */
static int send_alerts(staff_session *ss, long long seq)
{
	alert_list l = {0};
	long long pending = 0, failed = 0;
	cJSON *r = staff_view_message("alerts", seq);

	if (!r || !(l.arr = cJSON_AddArrayToObject(r, "alerts")) ||
	    store_alerts_each(ss->sf->st, ALERTS_PAGE, add_alert, &l) < 0 || l.failed ||
	    store_alert_counts(ss->sf->st, &pending, &failed)) {
		cJSON_Delete(r);
		return staff_fail(ss, "server");
	}
	cJSON_AddNumberToObject(r, "pending", (double)pending);
	cJSON_AddNumberToObject(r, "failed", (double)failed);
	add_setup(r, ss->sf->alerts);
	staff_reply(ss, r, 0);
	return 0;
}

int staff_handle_alerts(void *session, const cJSON *m, long long seq)
{
	(void)m;
	return send_alerts(session, seq);
}

int staff_handle_alert_retry(void *session, const cJSON *m, long long seq)
{
	staff_session *ss = session;
	long long id = message_id(m, "alert");
	store_actor by = staff_actor(ss);
	int rc;

	if (id <= 0)
		return staff_fail(ss, "bad-message");
	rc = store_alert_retry(ss->sf->st, id, staff_now(ss->sf) * 1000, &by);
	if (rc == 1)
		return staff_fail(ss, "no-alert");
	if (rc)
		return staff_fail(ss, "not-saved");
	return send_alerts(ss, seq);
}
