/* staff_service: the service as a whole, for admins (docs/staff.md, "The service's audit log"
 * and "Health"): the audit rows about no plan (logins, failed logins, changes to accounts,
 * kiosks), a page at a time and filtered by kind and user; and the health page's rows.
 *
 * The health reply is a list of rows, each {id, label, value} with, where it helps, `time` (an
 * ISO time the page shows as a date) or `items` (the same shape, one level down). A new fact is
 * one more entry in `health_rows` below and its label `staff.health.<id>` in messages.txt: the
 * page shows whatever rows come. */
#include "staff_int.h"

#include "auth.h"
#include "store_alerts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the service's audit log ---- */

#define SERVICE_AUDIT_PAGE 50 /* rows in one reply */

/* The kinds an admin filters by, each a set of audit actions (at most STORE_AUDIT_ACTIONS_MAX);
 * the words for each are `staff.audit-kind.<kind>`. */
static const struct {
	const char *kind;
	const char *actions[STORE_AUDIT_ACTIONS_MAX];
	int n;
} kinds[] = {
    {"logins", {"login_ok", "logout"}, 2},
    {"failed_logins", {"login_failed"}, 1},
    {"accounts",
     {"user_added", "user_disabled", "user_enabled", "password_set", "role_changed"},
     5},
    {"kiosks", {"kiosk_added", "kiosk_enrolled", "kiosk_revoked"}, 3},
};
#define NKINDS (sizeof(kinds) / sizeof(*kinds))

typedef struct service_rows {
	staff_session *ss;
	cJSON *rows;
	long long last_id;
	int n;
	int failed;
	long long name_id; /* the last staff user looked up, to look each up once a page */
	char name[USERS_NAME_MAX + 1];
} service_rows;

/* Who made each row: a staff user's name (looked up once a page), else the kind of actor. */
static int add_row(void *ctx, const store_audit_row *row)
{
	service_rows *sr = ctx;
	const char *who = row->actor_kind;

	if (strcmp(row->actor_kind, "staff") == 0 && row->actor_id > 0) {
		if (sr->name_id != row->actor_id) {
			store_user u;
			int rc = store_user_get(sr->ss->sf->st, row->actor_id, &u);

			if (rc < 0) {
				sr->failed = 1;
				return 1;
			}
			sr->name_id = row->actor_id;
			snprintf(sr->name, sizeof(sr->name), "%s", rc == 0 ? u.name : "?");
		}
		who = sr->name;
	}
	staff_view_audit_row(sr->rows, row, who);
	sr->last_id = row->id;
	sr->n++;
	return 0;
}

/* The kinds with their words, for the page's filter. */
static int add_kinds(const content *c, cJSON *r)
{
	cJSON *arr = cJSON_AddArrayToObject(r, "kinds");
	char name[64];

	for (size_t i = 0; arr && i < NKINDS; i++) {
		cJSON *o = cJSON_CreateObject();
		const char *t;

		snprintf(name, sizeof(name), "staff.audit-kind.%s", kinds[i].kind);
		t = content_message(c, name);
		if (!o || !cJSON_AddItemToArray(arr, o))
			return -1;
		cJSON_AddStringToObject(o, "kind", kinds[i].kind);
		cJSON_AddStringToObject(o, "text", t ? t : kinds[i].kind);
	}
	return arr ? 0 : -1;
}

/* The request's kind (absent, null or "": every kind) into *k (-1: every kind). */
static int kind_arg(staff_session *ss, const cJSON *m, int *k)
{
	const cJSON *v = cJSON_GetObjectItem(m, "kind");

	*k = -1;
	if (!v || cJSON_IsNull(v) || (cJSON_IsString(v) && !*v->valuestring))
		return 0;
	if (!cJSON_IsString(v))
		return staff_fail(ss, "bad-message");
	for (size_t i = 0; i < NKINDS; i++)
		if (strcmp(v->valuestring, kinds[i].kind) == 0) {
			*k = (int)i;
			return 0;
		}
	return staff_fail(ss, "bad-kind");
}

/* The request's user (absent, null or "": anyone) into *id (0: anyone). */
static int who_arg(staff_session *ss, const cJSON *m, long long *id)
{
	const cJSON *v = cJSON_GetObjectItem(m, "user");
	store_user u;
	int rc;

	*id = 0;
	if (!v || cJSON_IsNull(v) || (cJSON_IsString(v) && !*v->valuestring))
		return 0;
	if (!cJSON_IsString(v))
		return staff_fail(ss, "bad-message");
	if (!users_name_valid(v->valuestring))
		return staff_fail(ss, "bad-name");
	rc = store_user_find(ss->sf->st, v->valuestring, &u);
	memset(u.password_hash, 0, sizeof(u.password_hash));
	if (rc == 1)
		return staff_fail(ss, "no-user");
	if (rc)
		return staff_fail(ss, "server");
	*id = u.id;
	return 0;
}

int staff_handle_audit_log(void *session, const cJSON *m, long long seq)
{
	staff_session *ss = session;
	const cJSON *before = cJSON_GetObjectItem(m, "before");
	service_rows sr = {.ss = ss, .name_id = -1};
	long long user, scan_end = 0;
	int k;
	cJSON *r;

	if (kind_arg(ss, m, &k) || who_arg(ss, m, &user))
		return -1;
	if (before && !cJSON_IsNull(before) && !message_whole(before, 1))
		return staff_fail(ss, "bad-message");
	r = staff_view_message("audit_log", seq);
	if (!r || !(sr.rows = cJSON_AddArrayToObject(r, "rows")) ||
	    store_audit_each_service(
		ss->sf->st, before && !cJSON_IsNull(before) ? (long long)before->valuedouble : 0,
		SERVICE_AUDIT_PAGE, k >= 0 ? kinds[k].actions : NULL, k >= 0 ? kinds[k].n : 0, user,
		&scan_end, add_row, &sr) ||
	    sr.failed || add_kinds(ss->sf->c, r)) {
		cJSON_Delete(r);
		return staff_fail(ss, "server");
	}
	/* A full page may have more behind it, and so may a page that stopped at the end of the
	 * rows it may look at: ask again with "before" set to this. */
	if (sr.n == SERVICE_AUDIT_PAGE)
		cJSON_AddNumberToObject(r, "before", (double)sr.last_id);
	else if (scan_end > 0)
		cJSON_AddNumberToObject(r, "before", (double)scan_end);
	else
		cJSON_AddNullToObject(r, "before");
	staff_reply(ss, r, 0);
	return 0;
}

/* ---- health ---- */

void staff_set_health(staff *sf, staff_health_fn fn, void *ctx)
{
	sf->health = fn;
	sf->health_ctx = ctx;
}

/* A row {id, label: staff.health.<id>, value} appended to arr; NULL when memory runs out. */
static cJSON *add_health_row(const content *c, cJSON *arr, const char *prefix, const char *id,
			     const char *value)
{
	cJSON *o = cJSON_CreateObject();
	char name[96];
	const char *t;

	snprintf(name, sizeof(name), "%s%s", prefix, id);
	t = content_message(c, name);
	if (!o || !cJSON_AddItemToArray(arr, o)) {
		cJSON_Delete(o);
		return NULL;
	}
	cJSON_AddStringToObject(o, "id", id);
	cJSON_AddStringToObject(o, "label", t ? t : id);
	cJSON_AddStringToObject(o, "value", value);
	return o;
}

/* The message `name` with one number filled ("{n} hours", or its -one line). */
static cJSON *add_filled_row(const content *c, cJSON *arr, const char *id, const char *name,
			     const char *blank, long long n)
{
	char num[32];
	char *t;
	cJSON *o;

	snprintf(num, sizeof(num), "%lld", n);
	t = content_fill(c, name, (const char *const[]){blank, num, NULL});
	o = t ? add_health_row(c, arr, "staff.health.", id, t) : NULL;
	free(t);
	return o;
}

typedef struct health_ctx {
	staff_session *ss;
	const content *c;
	cJSON *rows;
	staff_health app; /* what the running server says of itself */
} health_ctx;

static int row_version(health_ctx *h)
{
	return add_health_row(h->c, h->rows, "staff.health.", "version",
			      h->app.version ? h->app.version : "?")
		   ? 0
		   : -1;
}

static int row_uptime(health_ctx *h)
{
	long long up = staff_now(h->ss->sf) - h->app.started_s;
	char since[STAFF_ISO_LEN];
	cJSON *o;

	if (up < 0)
		up = 0;
	o = up < 2 * 3600
		? add_filled_row(h->c, h->rows, "uptime", "staff.health.minutes", "minutes",
				 up / 60)
		: add_filled_row(h->c, h->rows, "uptime", "staff.health.hours", "hours", up / 3600);
	if (!o)
		return -1;
	staff_iso_ms(h->app.started_s * 1000, since);
	cJSON_AddStringToObject(o, "time", since);
	cJSON_AddNumberToObject(o, "seconds", (double)up);
	return 0;
}

static int row_database(health_ctx *h)
{
	long long bytes = 0;
	char mb[32];
	cJSON *o;
	char *t;

	if (store_size(h->ss->sf->st, &bytes))
		return -1;
	snprintf(mb, sizeof(mb), "%.1f", (double)bytes / (1024.0 * 1024.0));
	t = content_fill(h->c, "staff.health.megabytes", (const char *const[]){"size", mb, NULL});
	o = t ? add_health_row(h->c, h->rows, "staff.health.", "database", t) : NULL;
	free(t);
	if (!o)
		return -1;
	cJSON_AddNumberToObject(o, "bytes", (double)bytes);
	return 0;
}

/* A row whose value is a total and whose items are its parts (label from prefix + item id). */
static cJSON *add_total_row(health_ctx *h, const char *id, long long total, cJSON **items)
{
	char num[32];
	cJSON *o;

	snprintf(num, sizeof(num), "%lld", total);
	o = add_health_row(h->c, h->rows, "staff.health.", id, num);
	*items = o ? cJSON_AddArrayToObject(o, "items") : NULL;
	return *items ? o : NULL;
}

static int add_count_item(health_ctx *h, cJSON *items, const char *prefix, const char *id,
			  long long n)
{
	char num[32];

	snprintf(num, sizeof(num), "%lld", n);
	return add_health_row(h->c, items, prefix, id, num) ? 0 : -1;
}

static int row_plans(health_ctx *h)
{
	long long counts[PLAN_STATUS_COUNT], total = 0;
	cJSON *items;

	if (store_caseload_counts(h->ss->sf->st, counts))
		return -1;
	for (int i = 0; i < PLAN_STATUS_COUNT; i++)
		total += counts[i];
	if (!add_total_row(h, "plans", total, &items))
		return -1;
	for (int i = 0; i < PLAN_STATUS_COUNT; i++)
		if (add_count_item(h, items, "staff.tag.", plan_status_name((plan_status)i),
				   counts[i]))
			return -1;
	return 0;
}

static int row_flags(health_ctx *h)
{
	long long counts[STORE_FLAG_KINDS], total = 0;
	cJSON *items;

	if (store_open_flag_counts(h->ss->sf->st, counts))
		return -1;
	for (size_t i = 0; i < STORE_FLAG_KINDS; i++)
		total += counts[i];
	if (!add_total_row(h, "flags", total, &items))
		return -1;
	for (size_t i = 0; i < STORE_FLAG_KINDS; i++)
		if (add_count_item(h, items, "staff.flag.", store_flag_kind(i), counts[i]))
			return -1;
	return 0;
}

static int row_connections(health_ctx *h)
{
	cJSON *items;

	return add_total_row(h, "connections", h->app.connections, &items) &&
		       add_count_item(h, items, "staff.health.connections.", "pages",
				      h->app.websockets) == 0
		   ? 0
		   : -1;
}

/* The last good backup: how long ago (the daily timer's should be under a day), or none yet. */
static int row_backup(health_ctx *h)
{
	store_backup_row b;
	long long ago;
	cJSON *o;
	int rc = store_last_backup(h->ss->sf->st, 1, &b);

	if (rc < 0)
		return -1;
	if (rc > 0) {
		const char *none = content_message(h->c, "staff.health.backup-none");

		return add_health_row(h->c, h->rows, "staff.health.", "backup", none ? none : "-")
			   ? 0
			   : -1;
	}
	ago = staff_now(h->ss->sf) - b.at_ms / 1000;
	if (ago < 0)
		ago = 0;
	o = ago < 2 * 3600 ? add_filled_row(h->c, h->rows, "backup", "staff.health.minutes-ago",
					    "minutes", ago / 60)
			   : add_filled_row(h->c, h->rows, "backup", "staff.health.hours-ago",
					    "hours", ago / 3600);
	if (!o)
		return -1;
	cJSON_AddNumberToObject(o, "seconds", (double)ago);
	return 0;
}

/* Alerts to the duty team not yet delivered, and of them those that have failed. */
static int row_alerts(health_ctx *h)
{
	long long pending = 0, failing = 0;
	cJSON *items;

	if (store_alert_counts(h->ss->sf->st, &pending, &failing) ||
	    !add_total_row(h, "alerts", pending, &items))
		return -1;
	return add_count_item(h, items, "staff.health.alerts.", "failing", failing);
}

/* The rows in the order the page shows them. Add a row here (and its staff.health.<id> label). */
static int (*const health_rows[])(health_ctx *h) = {
    row_version, row_uptime, row_database, row_backup,
    row_plans,	 row_flags,  row_alerts,   row_connections,
};

int staff_handle_health(void *session, const cJSON *m, long long seq)
{
	staff_session *ss = session;
	health_ctx h = {.ss = ss, .c = ss->sf->c, .app = {.started_s = ss->sf->started_s}};
	cJSON *r = staff_view_message("health", seq);

	(void)m;
	if (ss->sf->health)
		ss->sf->health(ss->sf->health_ctx, &h.app);
	if (!r || !(h.rows = cJSON_AddArrayToObject(r, "rows")))
		goto fail;
	for (size_t i = 0; i < sizeof(health_rows) / sizeof(*health_rows); i++)
		if (health_rows[i](&h))
			goto fail;
	staff_reply(ss, r, 0);
	return 0;
fail:
	cJSON_Delete(r);
	return staff_fail(ss, "server");
}
