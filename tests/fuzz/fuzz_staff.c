/* fuzz_staff: the staff workspace's protocol (staff.c and its siblings) on any messages, from a
 * logged-in member of staff: an input's first byte chooses who (a caseworker, a manager or an
 * admin), then one message a line, handled in order on one connection. Every input starts from
 * the same database, made once: the three users logged in, one invited plan (id 1) and one the
 * person has sent (id 2), copied afresh for each input; the clock does not move. */
#include "code.h"
#include "content.h"
#include "fake_conn.h"
#include "fuzz.h"
#include "staff.h"
#include "store.h"
#include "users.h"
#include "workflow.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD "correct horse battery"
#define NOW_MS	 1795348800000LL /* 2026-11-22 12:00 UTC */

static const char *const names[] = {"casey", "morgan", "ada"};
static const auth_role roles[] = {AUTH_CASEWORKER, AUTH_MANAGER, AUTH_ADMIN};
static unsigned char tokens[3][USERS_TOKEN_BYTES];
static content *ct;
static const unsigned char zero_key[CODE_KEY_BYTES];
static char dir[256];

static long long users_clock(void *ctx)
{
	(void)ctx;
	return NOW_MS;
}

static long long staff_clock(void *ctx)
{
	(void)ctx;
	return NOW_MS / 1000;
}

/* Two plans: one invited by casey, one made by a person and sent. */
static void add_plans(store *st, users *u)
{
	store_invite_need needs[] = {{"Help to wash", 1}, {"Windows cleaned", 0}};
	const store_actor casey = {STORE_ACTOR_STAFF, 1, "caseworker"};
	unsigned char hash[CODE_HASH_BYTES];
	char err[STORE_ERR_LEN] = "";
	long long invited = 0, made = 0;
	workflow w = {st, NULL, NOW_MS};
	store_actor person = {STORE_ACTOR_PERSON, 0, NULL};

	(void)u;
	code_hash(zero_key, "lemon-garden-boat-4727", hash);
	if (store_plan_invite(st, hash, "Alex Smith", needs, 2, 24550, "direct,council", NULL,
			      &casey, &invited, err, sizeof(err)))
		fuzz_die("store_plan_invite", err);
	code_hash(zero_key, "apple-river-cloud-1234", hash);
	if (store_plan_create(st, hash, "", -1, &made, err, sizeof(err)))
		fuzz_die("store_plan_create", err);
	person.id = made;
	w.by = &person;
	if (workflow_submit(&w, made, PLAN_DRAFT, NULL, err, sizeof(err)))
		fuzz_die("workflow_submit", err);
}

/* The database every input starts from. */
static void make_template(void)
{
	char err[STORE_ERR_LEN] = "", path[300];
	store *st;
	users *u;

	snprintf(path, sizeof(path), "%s/template.db", dir);
	st = store_open(path, err, sizeof(err));
	u = st ? users_new(st) : NULL;
	if (!u)
		fuzz_die("store_open", err);
	users_set_clock(u, users_clock, NULL);
	for (int i = 0; i < 3; i++) {
		users_login_result r;
		users_staff who;
		long long wait;

		if (users_add(u, names[i], roles[i], PASSWORD, NULL, NULL, err, sizeof(err)) ||
		    users_login(u, names[i], PASSWORD, &r, tokens[i], &who, &wait, err,
				sizeof(err)) ||
		    r != USERS_LOGIN_OK)
			fuzz_die("a user", err);
	}
	add_plans(st, u);
	users_free(u);
	store_close(st);
	fuzz_db_keep(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[512] = "";

	(void)argc;
	(void)argv;
	fuzz_quiet();
	if (sodium_init() < 0)
		fuzz_die("sodium_init", NULL);
	ct = content_load(FUZZ_EASYREAD, "en-GB", FUZZ_PICTURES, err, sizeof(err));
	if (!ct)
		fuzz_die("the content does not load", err);
	fuzz_tmpdir("staff", dir, sizeof(dir));
	make_template();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fake_conn conn = {0};
	staff_session *ss;
	const char *line;
	size_t len;
	store *st;
	users *u;
	staff *sf;

	if (size < 1)
		return 0;
	st = fuzz_db_open();
	if (!(u = users_new(st)) ||
	    !(sf = staff_new(ct, st, u, zero_key, (message_io){fake_send, NULL})))
		fuzz_die("users_new or staff_new", NULL);
	users_set_clock(u, users_clock, NULL);
	staff_set_clock(sf, staff_clock, NULL);
	ss = staff_session_open(sf, &conn, "127.0.0.1", tokens[data[0] % 3]);
	if (!ss || conn.n != 0)
		fuzz_die("the staff session", conn.n ? conn.sent[0] : NULL);
	data++, size--;
	while (fuzz_next_line(&data, &size, &line, &len)) {
		/* an exactly sized copy: reading one byte past the message is caught */
		char *msg = malloc(len);

		if (!msg)
			break;
		memcpy(msg, line, len);
		fake_reset(&conn);
		staff_handle(ss, msg, len, 0);
		free(msg);
		fuzz_check_sent(&conn);
	}
	staff_session_close(ss);
	fake_reset(&conn);
	staff_free(sf);
	users_free(u);
	fuzz_db_close(st);
	return 0;
}
