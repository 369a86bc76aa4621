/* staff_data: people's data over its whole life, as staff handle it: reads of a plan audited,
 * everything held about a person exported (a subject access request), a plan erased. */
#include "staff_int.h"

#include <stdlib.h>
#include <string.h>

#define EXPORT_AUDIT_PAGES 50 /* at most 10,000 audit rows in one export */

int staff_audit_read(staff_session *ss, long long plan, const char *kind)
{
	store_actor by = staff_actor(ss);

	if (store_plan_read(ss->sf->st, &by, plan, kind, staff_now(ss->sf) * 1000,
			    STAFF_READ_WINDOW_MS, NULL, 0))
		return staff_fail(ss, "server");
	return 0;
}

int staff_plan_or_erased_arg(staff_session *ss, const cJSON *m, long long *plan)
{
	long long id = message_id(m, "plan");
	store_plan pl;
	int rc;

	if (id <= 0)
		return staff_fail(ss, "bad-message");
	rc = store_plan_get(ss->sf->st, id, &pl);
	if (rc == 1)
		rc = store_plan_erased(ss->sf->st, id, NULL);
	if (rc == 1)
		return staff_fail(ss, "no-plan");
	if (rc)
		return staff_fail(ss, "server");
	*plan = id;
	return 0;
}

/* ---- erase ---- */

/* The plan's number as the person erasing it typed it, to confirm: text or a number. */
static int confirmed(const cJSON *v, long long plan)
{
	char *end;
	long long typed;

	if (cJSON_IsNumber(v))
		return v->valuedouble == (double)plan;
	if (!cJSON_IsString(v) || !*v->valuestring)
		return 0;
	typed = strtoll(v->valuestring, &end, 10);
	while (*end == ' ')
		end++;
	return *end == '\0' && typed == plan;
}

int staff_handle_erase(void *session, const cJSON *m, long long seq)
{
	staff_session *ss = session;
	const char *reason = message_str(m, "reason");
	store_actor by = staff_actor(ss);
	char at[STAFF_ISO_LEN];
	long long now_ms = staff_now(ss->sf) * 1000;
	store_plan pl;
	cJSON *r;

	if (staff_plan_arg(ss, m, &pl))
		return -1;
	if (!reason)
		return staff_fail(ss, "bad-message");
	/* Staff erase because the person asked or the plan was a mistake; the retention reasons
	 * are the schedule's own. */
	if (strcmp(reason, STORE_ERASE_ASKED) != 0 && strcmp(reason, STORE_ERASE_MISTAKE) != 0)
		return staff_fail(ss, "bad-field");
	if (!confirmed(cJSON_GetObjectItem(m, "confirm"), pl.id))
		return staff_fail(ss, "confirm-plan");
	switch (store_plan_erase(ss->sf->st, pl.id, reason, &by, now_ms, NULL, 0)) {
	case 0:
		break;
	case 1:
		return staff_fail(ss, "no-plan");
	default:
		return staff_fail(ss, "not-saved");
	}
	/* What the erasure removed must not wait in the write-ahead log. */
	store_checkpoint(ss->sf->st);
	r = staff_view_message("erased", seq);
	if (!r)
		return staff_fail(ss, "server");
	staff_iso_ms(now_ms, at);
	cJSON_AddNumberToObject(r, "plan", (double)pl.id);
	cJSON_AddStringToObject(r, "at", at);
	cJSON_AddStringToObject(r, "reason", reason);
	staff_reply(ss, r, 0);
	return 0;
}

/* ---- export ---- */

typedef struct snapshot_ctx {
	cJSON *into;
} snapshot_ctx;

static int keep_snapshot(void *ctx, const char *json)
{
	snapshot_ctx *sc = ctx;
	cJSON *snap = cJSON_Parse(json);

	if (!snap)
		return -1;
	cJSON_AddItemToObject(sc->into, "snapshot", snap);
	return 0;
}

/* Each frozen version with its whole snapshot. 0, or -1. */
static int add_snapshots(staff_session *ss, long long plan, cJSON *versions)
{
	cJSON *v;

	if (store_versions_each(ss->sf->st, plan, staff_view_version, versions))
		return -1;
	cJSON_ArrayForEach(v, versions)
	{
		snapshot_ctx sc = {v};
		const cJSON *n = cJSON_GetObjectItem(v, "n");

		if (!cJSON_IsNumber(n) ||
		    store_version_snapshot(ss->sf->st, plan, n->valueint, keep_snapshot, &sc))
			return -1;
	}
	return 0;
}

/* Every audit row about the plan, newest first. 0, or -1. */
static int add_audit(staff_session *ss, long long plan, cJSON *rows)
{
	long long before = 0;

	for (int page = 0; page < EXPORT_AUDIT_PAGES; page++) {
		int n = staff_audit_rows(ss, plan, before, rows, &before);

		if (n < 0)
			return -1;
		if (n < STAFF_AUDIT_PAGE)
			return 0;
	}
	return 0;
}

int staff_handle_export(void *session, const cJSON *m, long long seq)
{
	staff_session *ss = session;
	store_actor by = staff_actor(ss);
	char made[STAFF_ISO_LEN];
	store_plan pl;
	cJSON *r = NULL, *plan_data = NULL;
	int rc = -1;

	if (staff_plan_arg(ss, m, &pl))
		return -1;
	plan_data = staff_plan_msg(ss, pl.id, -1);
	if (!plan_data)
		return -1;
	cJSON_DeleteItemFromObject(plan_data, "type");
	cJSON_DeleteItemFromObject(plan_data, "can");
	cJSON_DeleteItemFromObject(plan_data, "versions");
	r = staff_view_message("export", seq);
	if (!r)
		goto fail;
	staff_iso_ms(staff_now(ss->sf) * 1000, made);
	cJSON_AddNumberToObject(r, "plan", (double)pl.id);
	cJSON_AddStringToObject(r, "made", made);
	if (add_snapshots(ss, pl.id, cJSON_AddArrayToObject(plan_data, "versions")) ||
	    add_audit(ss, pl.id, cJSON_AddArrayToObject(plan_data, "audit")))
		goto fail;
	cJSON_AddItemToObject(r, "data", plan_data);
	plan_data = NULL;
	/* Who took a copy of everything about a person is itself on the record. */
	if (store_audit_append(ss->sf->st, &by, pl.id, "data_exported", "{}", NULL, 0)) {
		rc = staff_fail(ss, "not-saved");
		goto out;
	}
	staff_reply(ss, r, 0);
	r = NULL;
	rc = 0;
	goto out;
fail:
	rc = staff_fail(ss, "server");
out:
	cJSON_Delete(plan_data);
	cJSON_Delete(r);
	return rc;
}
