/* Tests for server/devices.c and store_devices.c: a kiosk's one-time enrolment link becomes its
 * device token once, within a day; only hashes are stored; revoking ends both; every change is
 * audited. */
#include "check.h"
#include "store_fixture.h"

#include "devices.h"

#include <sodium.h>
#include <string.h>
#include <unistd.h>

#define NOW  1800000000000LL
#define HOUR (60LL * 60 * 1000)

static const store_actor ada = {STORE_ACTOR_STAFF, 3, "admin"};

typedef struct seen {
	int n;
	store_kiosk last;
	char label[128];
} seen;

static void note_kiosk(void *ctx, const store_kiosk *k)
{
	seen *s = ctx;

	s->n++;
	s->last = *k;
	snprintf(s->label, sizeof(s->label), "%s", k->label);
}

static int recent_actions(void *ctx, const store_audit_row *row)
{
	char *out = ctx;
	size_t len = strlen(out);

	snprintf(out + len, 512 - len, "%s%s:%s", len ? "," : "", row->actor_kind, row->action);
	return 0;
}

static long long device_id(store *s, const char *device_text)
{
	unsigned char token[DEVICES_TOKEN_BYTES], hash[STORE_HASH_BYTES];
	long long id = 0;

	if (devices_decode(device_text, token))
		return -1;
	devices_hash(token, hash);
	return devices_find(s, hash, &id) == 0 ? id : 0;
}

static void a_link_should_enrol_a_kiosk_once(void)
{
	store *s = open_memory();
	char link[DEVICES_TOKEN_TEXT], device[DEVICES_TOKEN_TEXT], again[DEVICES_TOKEN_TEXT];
	long long id = 0, enrolled = 0;
	seen k = {0};

	CHECK(devices_add(s, "Central Library kiosk 1", NOW, &ada, link, &id, NULL, 0) == 0);
	CHECK(id > 0);
	CHECK(strlen(link) == DEVICES_TOKEN_TEXT - 1);
	CHECK(store_kiosks_each(s, note_kiosk, &k) == 1);
	CHECK_STR(k.label, "Central Library kiosk 1");
	CHECK(k.last.enrolled_ms == -1 && k.last.link_expires_ms == NOW + DEVICES_LINK_MS);

	CHECK(devices_enrol(s, link, NOW + HOUR, device, &enrolled, NULL, 0) == 0);
	CHECK(enrolled == id);
	CHECK(strcmp(device, link) != 0);
	CHECK(device_id(s, device) == id);
	/* Used once: the same link does nothing more. */
	CHECK(devices_enrol(s, link, NOW + HOUR, again, NULL, NULL, 0) == 1);
	CHECK(store_kiosks_each(s, note_kiosk, &k) == 1);
	CHECK(k.last.enrolled_ms == NOW + HOUR && k.last.link_expires_ms == -1);
	store_close(s);
}

static void a_link_should_stop_working_after_a_day(void)
{
	store *s = open_memory();
	char link[DEVICES_TOKEN_TEXT], device[DEVICES_TOKEN_TEXT];

	CHECK(devices_add(s, "Kiosk", NOW, &ada, link, NULL, NULL, 0) == 0);
	CHECK(devices_enrol(s, link, NOW + DEVICES_LINK_MS, device, NULL, NULL, 0) == 1);
	store_close(s);
}

static void links_and_tokens_that_are_not_ours_should_enrol_nothing(void)
{
	store *s = open_memory();
	char link[DEVICES_TOKEN_TEXT], device[DEVICES_TOKEN_TEXT], other[DEVICES_TOKEN_TEXT];
	unsigned char token[DEVICES_TOKEN_BYTES];

	CHECK(devices_add(s, "Kiosk", NOW, &ada, link, NULL, NULL, 0) == 0);
	snprintf(other, sizeof(other), "%s", link);
	other[0] = other[0] == 'A' ? 'B' : 'A';
	CHECK(devices_enrol(s, other, NOW, device, NULL, NULL, 0) == 1);
	CHECK(devices_enrol(s, "", NOW, device, NULL, NULL, 0) == 1);
	CHECK(devices_enrol(s, "not a token at all", NOW, device, NULL, NULL, 0) == 1);
	CHECK(devices_decode("short", token) == -1);
	CHECK(devices_decode("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!", token) == -1);
	/* The link is still good for the kiosk it was made for. */
	CHECK(devices_enrol(s, link, NOW, device, NULL, NULL, 0) == 0);
	store_close(s);
}

static void the_database_should_keep_only_hashes(void)
{
	char dir[] = "/tmp/planaloud-devices-XXXXXX", path[128], sql[512];
	char link[DEVICES_TOKEN_TEXT], device[DEVICES_TOKEN_TEXT];
	store *s;

	CHECK(mkdtemp(dir) != NULL);
	s = fixture_open_file(dir, "d.db", path, sizeof(path));
	CHECK(s != NULL);
	if (!s)
		return;
	CHECK(devices_add(s, "Kiosk", NOW, &ada, link, NULL, NULL, 0) == 0);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM kiosks WHERE instr(link_hash, '%s') > 0",
		 link);
	CHECK(count_on_file(path, sql) == 0);
	CHECK(devices_enrol(s, link, NOW, device, NULL, NULL, 0) == 0);
	store_close(s);
	CHECK(count_on_file(path, "SELECT count(*) FROM kiosks WHERE length(device_hash) = 32") ==
	      1);
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM kiosks, audit WHERE instr(CAST(device_hash AS TEXT), '%s') "
		 "OR instr(audit.detail, '%s') OR instr(audit.detail, '%s')",
		 device, device, link);
	CHECK(count_on_file(path, sql) == 0);
	remove(path);
	rmdir(dir);
}

static void revoking_should_end_the_device_token_and_be_audited(void)
{
	store *s = open_memory();
	char link[DEVICES_TOKEN_TEXT], device[DEVICES_TOKEN_TEXT], link2[DEVICES_TOKEN_TEXT];
	char actions[512] = "";
	long long id = 0, id2 = 0;
	seen k = {0};

	CHECK(devices_add(s, "Kiosk 1", NOW, &ada, link, &id, NULL, 0) == 0);
	CHECK(devices_enrol(s, link, NOW, device, NULL, NULL, 0) == 0);
	CHECK(device_id(s, device) == id);
	CHECK(store_kiosk_revoke(s, id, NOW + HOUR, &ada, NULL, 0) == 0);
	CHECK(device_id(s, device) == 0);
	CHECK(store_kiosk_revoke(s, id, NOW + HOUR, &ada, NULL, 0) == 1); /* already */
	CHECK(store_kiosk_revoke(s, 999, NOW + HOUR, &ada, NULL, 0) == 1);
	/* A link not yet used stops working too. */
	CHECK(devices_add(s, "Kiosk 2", NOW, &ada, link2, &id2, NULL, 0) == 0);
	CHECK(store_kiosk_revoke(s, id2, NOW, &ada, NULL, 0) == 0);
	CHECK(devices_enrol(s, link2, NOW, device, NULL, NULL, 0) == 1);
	CHECK(store_kiosks_each(s, note_kiosk, &k) == 2);
	CHECK(k.last.id == id && k.last.revoked_ms == NOW + HOUR); /* newest first: id last */
	CHECK(store_audit_each_recent(s, 0, 10, recent_actions, actions) == 0);
	CHECK_STR(actions, "staff:kiosk_revoked,staff:kiosk_added,staff:kiosk_revoked,"
			   "system:kiosk_enrolled,staff:kiosk_added");
	store_close(s);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	RUN(a_link_should_enrol_a_kiosk_once);
	RUN(a_link_should_stop_working_after_a_day);
	RUN(links_and_tokens_that_are_not_ours_should_enrol_nothing);
	RUN(the_database_should_keep_only_hashes);
	RUN(revoking_should_end_the_device_token_and_be_audited);
	return check_report();
}
