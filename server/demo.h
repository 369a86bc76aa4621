/* demo: an example invitation, as a caseworker would make after an assessment, so that a new
 * installation has a plan code to try; and a demo caseworker and manager to log in as. */
#ifndef PLANALOUD_DEMO_H
#define PLANALOUD_DEMO_H

#include "code.h"
#include "content.h"
#include "store.h"
#include "users.h"

/* Invites a demo person as a caseworker would (store_plan_invite: assessed needs, some eligible
 * and some not, an indicative budget, every way of managing it, audited "plan_invited"), by the
 * demo caseworker when there is one (make them first with demo_staff), else by the system.
 * Durable when it returns 0; its code goes to code_out (CODE_MAX bytes). */
int demo_invite(store *st, const content *c, const unsigned char key[CODE_KEY_BYTES],
		char *code_out, char *err, size_t errlen);

#define DEMO_CASEWORKER "casey"
#define DEMO_MANAGER	"morgan"

/* Makes the demo caseworker and manager, or gives them new passwords (and enables them) when
 * they are there from an earlier start, so that the passwords written to caseworker_pw and
 * manager_pw (USERS_GENERATED_TEXT bytes each) work. The caller wipes them after use. */
int demo_staff(users *u, char *caseworker_pw, char *manager_pw, char *err, size_t errlen);

/* How many staff users are real: not the demo caseworker and manager (a demo user is known by
 * its name and its role). --demo gives demo users new passwords and adds a demo plan, which a
 * council's own database must never get. 0 and *real, or -1 when the users cannot be read. */
int demo_real_staff(users *u, int *real);

#endif
