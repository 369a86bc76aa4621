#include "demo.h"

#include "err.h"

#include <strings.h>

static const store_invite_need demo_needs[] = {
    {"You need help to wash and get dressed in the morning.", 1},
    {"You need help to cook a hot meal each day.", 1},
    {"You need help to go out and meet people.", 1},
    {"You would like help to keep your garden tidy.", 0},
    {"You would like someone to clean your windows.", 0},
};

#define DEMO_BUDGET_PENCE 24550				/* £245.50 a week */
#define DEMO_MANAGING	  "direct,council,provider,mix" /* every way, as an invitation offers */

int demo_invite(store *st, const content *c, const unsigned char key[CODE_KEY_BYTES],
		char *code_out, char *err, size_t errlen)
{
	unsigned char hash[CODE_HASH_BYTES];
	store_actor by = {STORE_ACTOR_SYSTEM, -1, NULL};
	store_user casey;
	long long found;
	int rc;

	do {
		code_generate(c, code_out);
		code_hash(key, code_out, hash);
	} while (store_plan_find(st, hash, &found) == 0);
	/* The invitation a caseworker makes: by the demo caseworker when there is one. */
	rc = store_user_find(st, DEMO_CASEWORKER, &casey);
	if (rc < 0)
		return err_set(err, errlen, "finding the demo caseworker failed");
	if (rc == 0)
		by = (store_actor){STORE_ACTOR_STAFF, casey.id, casey.role};
	return store_plan_invite(st, hash, "Alex Taylor", demo_needs,
				 sizeof(demo_needs) / sizeof(*demo_needs), DEMO_BUDGET_PENCE,
				 DEMO_MANAGING, NULL, &by, NULL, err, errlen);
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

/* Counts the users that are not the demo caseworker and manager (by name and role). */
static void count_real(void *ctx, const char *name, auth_role role, int disabled)
{
	int *real = ctx;

	(void)disabled;
	if (!(strcasecmp(name, DEMO_CASEWORKER) == 0 && role == AUTH_CASEWORKER) &&
	    !(strcasecmp(name, DEMO_MANAGER) == 0 && role == AUTH_MANAGER))
		(*real)++;
}

int demo_real_staff(users *u, int *real)
{
	*real = 0;
	return users_each(u, count_real, real) ? -1 : 0;
}
