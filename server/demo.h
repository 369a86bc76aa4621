/* demo: an example invitation, as a caseworker would make after an assessment, so that a new
 * installation has a plan code to try. */
#ifndef PLANALOUD_DEMO_H
#define PLANALOUD_DEMO_H

#include "code.h"
#include "content.h"
#include "store.h"

/* Makes a demo plan with assessed needs (some eligible, some not) and an indicative budget,
 * commits it, and writes its code to code_out (CODE_MAX bytes). */
int demo_invite(store *st, const content *c, const unsigned char key[CODE_KEY_BYTES],
		char *code_out, char *err, size_t errlen);

#endif
