/* fuzz_kiosk: the person's protocol (kiosk.c and its siblings) on any messages, as the kiosk
 * page's websocket would bring them: an input is one message a line, handled in order on one
 * connection, each batch committed as ws.c commits it. Every input starts afresh: a copy of a
 * database holding one invited plan whose code is known (lemon-garden-boat-4727, so that the
 * corpus can open it), a new kiosk on a fixed clock, a new connection. The first byte of an input
 * chooses the kiosk's settings (headphones, the on-screen keyboard). */
#include "code.h"
#include "content.h"
#include "fake_conn.h"
#include "fuzz.h"
#include "kiosk.h"
#include "store.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CODE "lemon-garden-boat-4727"

static content *ct;
static char dir[256];
static const unsigned char zero_key[CODE_KEY_BYTES];

static long long fixed_clock(void *ctx)
{
	(void)ctx;
	return 1795348800000LL; /* 2026-11-22 12:00 UTC */
}

/* The database every input starts from: one invited plan. */
static void make_template(void)
{
	store_invite_need needs[] = {{"Help to wash", 1}, {"Windows cleaned", 0}};
	unsigned char hash[CODE_HASH_BYTES];
	char err[STORE_ERR_LEN] = "", path[300];
	long long plan = 0;
	store *st;

	snprintf(path, sizeof(path), "%s/template.db", dir);
	st = store_open(path, err, sizeof(err));
	code_hash(zero_key, CODE, hash);
	if (!st || store_plan_invite(st, hash, "Alex Smith", needs, 2, 24550, "direct,council",
				     NULL, NULL, &plan, err, sizeof(err)))
		fuzz_die("the store", err);
	store_close(st);
	fuzz_db_keep(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[512] = "", canonical[CODE_MAX];

	(void)argc;
	(void)argv;
	fuzz_quiet();
	if (sodium_init() < 0)
		fuzz_die("sodium_init", NULL);
	ct = content_load(FUZZ_EASYREAD, "en-GB", FUZZ_PICTURES, err, sizeof(err));
	if (!ct)
		fuzz_die("the content does not load", err);
	if (code_normalise(ct, CODE, strlen(CODE), canonical) || strcmp(canonical, CODE) != 0)
		fuzz_die("the fixed code is not a code", CODE);
	fuzz_tmpdir("kiosk", dir, sizeof(dir));
	make_template();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kiosk_config cfg = {
	    .idle_seconds = 120, .warn_seconds = 30, .address_failures = 20, .address_window = 600};
	store *st;
	kiosk *k;
	kiosk_session *s;
	fake_conn conn = {0};
	const char *line;
	size_t len;
	char err[256];

	if (size < 1)
		return 0;
	cfg.headphones = data[0] & 1; /* the first byte chooses the kiosk's settings */
	cfg.keyboard = (data[0] & 2) != 0;
	st = fuzz_db_open();
	k = kiosk_new(ct, st, zero_key, &cfg, (message_io){fake_send, NULL});
	if (!k)
		fuzz_die("kiosk_new", NULL);
	kiosk_set_clock(k, fixed_clock, NULL);
	s = kiosk_session_open(k, &conn, "127.0.0.1");
	fuzz_check_sent(&conn); /* hello and the welcome page */
	data++, size--;
	while (s && fuzz_next_line(&data, &size, &line, &len)) {
		/* an exactly sized copy: reading one byte past the message is caught */
		char *msg = malloc(len);

		if (!msg)
			break;
		memcpy(msg, line, len);
		fake_reset(&conn);
		kiosk_handle(s, msg, len, 0);
		free(msg);
		kiosk_flush(k, err, sizeof(err));
		fuzz_check_sent(&conn);
	}
	kiosk_session_close(s);
	kiosk_flush(k, err, sizeof(err));
	fake_reset(&conn);
	kiosk_free(k);
	fuzz_db_close(st);
	return 0;
}
