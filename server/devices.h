/* devices: the credentials of enrolled kiosks. A council's admin adds a kiosk with a label and
 * is given a one-time enrolment link (valid for DEVICES_LINK_MS); opened on the kiosk's browser,
 * the link is traded for the kiosk's own device token, which that browser keeps in an HttpOnly
 * cookie. A kiosk connection carrying a live device token has its limits counted per kiosk rather
 * than per address (kiosk_limits.c). Tokens are 32 random bytes, given out as base64url text; the
 * database keeps only a BLAKE2b hash of each (store_devices.c), as staff sessions do.
 *
 * Times are milliseconds since 1970 from the caller's clock. Functions return 0, 1 for "no such
 * link or kiosk", or -1 when the store fails (a reason in err when err is not NULL). */
#ifndef PLANALOUD_DEVICES_H
#define PLANALOUD_DEVICES_H

#include "store.h"

#include <stddef.h>

#define DEVICES_TOKEN_BYTES 32
#define DEVICES_TOKEN_TEXT  44 /* a token as base64url text (43 characters) and its NUL */
#define DEVICES_LINK_MS	    (24LL * 60 * 60 * 1000) /* an enrolment link works for a day */
#define DEVICES_LABEL_MAX   80 /* characters of a kiosk's label ("Central Library kiosk 1") */

/* Adds a kiosk called label (already checked: 1 to DEVICES_LABEL_MAX characters), audited as
 * "kiosk_added" by `by`. link gets the one-time enrolment token's text (the caller's to show
 * once and wipe), *id the kiosk's id (may be NULL). */
int devices_add(store *st, const char *label, long long now_ms, const store_actor *by,
		char link[DEVICES_TOKEN_TEXT], long long *id, char *err, size_t errlen);
/* Trades the enrolment token's text (as typed in the link; anything else is simply not a live
 * link) for a new device token: device gets its text (the caller's to set as a cookie and wipe),
 * *id the kiosk's id (may be NULL). 1 when the link is unknown, used, expired or revoked. */
int devices_enrol(store *st, const char *link_text, long long now_ms,
		  char device[DEVICES_TOKEN_TEXT], long long *id, char *err, size_t errlen);
/* The device token's hash, as the session keeps it and devices_find looks it up. */
void devices_hash(const unsigned char token[DEVICES_TOKEN_BYTES],
		  unsigned char hash[STORE_HASH_BYTES]);
/* The enrolled, unrevoked kiosk whose device token has this hash: 0 and *id; 1 when none. */
int devices_find(store *st, const unsigned char hash[STORE_HASH_BYTES], long long *id);
/* A token's text (exactly 43 base64url characters) into its bytes: 0, or -1. */
int devices_decode(const char *text, unsigned char token[DEVICES_TOKEN_BYTES]);

#endif
