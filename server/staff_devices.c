/* staff_devices: the council's enrolled kiosks, for admins (docs/staff.md, "Kiosks"): list them,
 * add one (its one-time enrolment link is in the reply, and nowhere else), revoke one. */
#include "staff_int.h"

#include "devices.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define ENROL_LINK "/staff/enrol.html#t=" /* the page on the kiosk that posts the token */

typedef struct kiosk_list {
	cJSON *arr;
	long long now_ms;
	int failed;
} kiosk_list;

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

/* waiting (its link still works), link-expired, enrolled, or revoked. */
static const char *state_of(const store_kiosk *k, long long now_ms)
{
	if (k->revoked_ms >= 0)
		return "revoked";
	if (k->enrolled_ms >= 0)
		return "enrolled";
	return k->link_expires_ms > now_ms ? "waiting" : "link-expired";
}

static cJSON *kiosk_json(const store_kiosk *k, long long now_ms)
{
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return NULL;
	cJSON_AddNumberToObject(o, "id", (double)k->id);
	cJSON_AddStringToObject(o, "label", k->label);
	cJSON_AddStringToObject(o, "state", state_of(k, now_ms));
	add_time(o, "added", k->created_ms);
	add_time(o, "link_expires",
		 k->revoked_ms < 0 && k->enrolled_ms < 0 ? k->link_expires_ms : -1);
	add_time(o, "enrolled", k->enrolled_ms);
	add_time(o, "revoked", k->revoked_ms);
	return o;
}

static void add_kiosk(void *ctx, const store_kiosk *k)
{
	kiosk_list *l = ctx;
	cJSON *o = kiosk_json(k, l->now_ms);

	if (!o || !cJSON_AddItemToArray(l->arr, o)) {
		cJSON_Delete(o);
		l->failed = 1;
	}
}

/* The `kiosks` reply: every kiosk, newest first. */
static int send_kiosks(staff_session *ss, long long seq)
{
	kiosk_list l = {.now_ms = staff_now(ss->sf) * 1000};
	cJSON *r = staff_view_message("kiosks", seq);

	if (!r || !(l.arr = cJSON_AddArrayToObject(r, "kiosks")) ||
	    store_kiosks_each(ss->sf->st, add_kiosk, &l) < 0 || l.failed) {
		cJSON_Delete(r);
		return staff_fail(ss, "server");
	}
	staff_reply(ss, r, 0);
	return 0;
}

int staff_handle_kiosks(void *session, const cJSON *m, long long seq)
{
	(void)m;
	return send_kiosks(session, seq);
}

typedef struct one_kiosk {
	long long id;
	store_kiosk k;
	char label[STORE_KIOSK_LABEL_MAX + 1];
	int found;
} one_kiosk;

static void keep_one(void *ctx, const store_kiosk *k)
{
	one_kiosk *o = ctx;

	if (k->id != o->id)
		return;
	o->k = *k;
	snprintf(o->label, sizeof(o->label), "%s", k->label);
	o->k.label = o->label;
	o->found = 1;
}

int staff_handle_kiosk_add(void *session, const cJSON *m, long long seq)
{
	staff_session *ss = session;
	const char *label;
	char link[DEVICES_TOKEN_TEXT], url[sizeof(ENROL_LINK) + DEVICES_TOKEN_TEXT];
	long long now_ms = staff_now(ss->sf) * 1000;
	store_actor by = staff_actor(ss);
	one_kiosk one = {0};
	cJSON *r = NULL, *k;
	int rc = -1;

	if (staff_text_arg(ss, m, "label", 1, DEVICES_LABEL_MAX, &label))
		return -1;
	if (devices_add(ss->sf->st, label, now_ms, &by, link, &one.id, NULL, 0))
		return staff_fail(ss, "not-saved");
	snprintf(url, sizeof(url), ENROL_LINK "%s", link);
	r = staff_view_message("kiosk_added", seq);
	if (!r || store_kiosks_each(ss->sf->st, keep_one, &one) < 0 || !one.found ||
	    !(k = kiosk_json(&one.k, now_ms)) || !cJSON_AddItemToObject(r, "kiosk", k) ||
	    !cJSON_AddStringToObject(r, "link", url)) {
		staff_fail(ss, "server");
		goto out;
	}
	add_time(r, "expires", now_ms + DEVICES_LINK_MS);
	staff_reply(ss, r, 0);
	r = NULL;
	rc = 0;
out:
	cJSON_Delete(r);
	sodium_memzero(link, sizeof(link));
	sodium_memzero(url, sizeof(url));
	return rc;
}

int staff_handle_kiosk_revoke(void *session, const cJSON *m, long long seq)
{
	staff_session *ss = session;
	long long id = message_id(m, "kiosk");
	store_actor by = staff_actor(ss);
	int rc;

	if (id <= 0)
		return staff_fail(ss, "bad-message");
	rc = store_kiosk_revoke(ss->sf->st, id, staff_now(ss->sf) * 1000, &by, NULL, 0);
	if (rc == 1)
		return staff_fail(ss, "no-kiosk");
	if (rc)
		return staff_fail(ss, "not-saved");
	return send_kiosks(ss, seq);
}
