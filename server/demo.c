#include "demo.h"

#include <stdio.h>

static const struct {
	const char *text;
	int eligible;
} demo_needs[] = {
	{ "You need help to wash and get dressed in the morning.", 1 },
	{ "You need help to cook a hot meal each day.", 1 },
	{ "You need help to go out and meet people.", 1 },
	{ "You would like help to keep your garden tidy.", 0 },
	{ "You would like someone to clean your windows.", 0 },
};

#define DEMO_BUDGET_PENCE 24550 /* £245.50 a week */

int demo_invite(store *st, const content *c, const unsigned char key[CODE_KEY_BYTES],
		char *code_out, char *err, size_t errlen)
{
	unsigned char hash[CODE_HASH_BYTES];
	long long id, found;

	do {
		code_generate(c, code_out);
		code_hash(key, code_out, hash);
	} while (store_plan_find(st, hash, &found) == 0);
	if (store_request_begin(st, err, errlen))
		return -1;
	if (store_plan_create(st, hash, "Alex Taylor", DEMO_BUDGET_PENCE, &id, err, errlen))
		goto fail;
	for (size_t i = 0; i < sizeof(demo_needs) / sizeof(*demo_needs); i++)
		if (store_need_add(st, id, demo_needs[i].text, demo_needs[i].eligible)) {
			snprintf(err, errlen, "adding the demo needs failed");
			goto fail;
		}
	store_request_end(st);
	return store_commit(st, err, errlen);
fail:
	store_request_undo(st);
	store_commit(st, NULL, 0);
	return -1;
}

/* One demo user with a new random password, made or reset. */
static int demo_user(users *u, const char *name, auth_role role, char *pw, char *err, size_t errlen)
{
	int rc;

	users_password_generate(pw);
	rc = users_add(u, name, role, pw, NULL, NULL, err, errlen);
	if (rc == 1) /* there from an earlier start */
		rc = users_set_password(u, name, pw, NULL, err, errlen) ||
		     users_set_disabled(u, name, 0, NULL, err, errlen);
	return rc ? -1 : 0;
}

int demo_staff(users *u, char *caseworker_pw, char *manager_pw, char *err, size_t errlen)
{
	if (demo_user(u, DEMO_CASEWORKER, AUTH_CASEWORKER, caseworker_pw, err, errlen) ||
	    demo_user(u, DEMO_MANAGER, AUTH_MANAGER, manager_pw, err, errlen))
		return -1;
	return 0;
}
