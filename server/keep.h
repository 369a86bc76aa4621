/* keep: narrations kept in memory, each under an owner and a key, the most recently used first,
 * bounded in bytes in all and per owner (the least recently used go first). The audio cache's
 * thread keeps the fixed texts said most recently here (owner NULL), so kiosks reading the same
 * pages get a copy, not a file read; the loop keeps a person's own texts here under their
 * session, for that session only, until it closes (keep_drop_owner). Not thread-safe: one
 * thread uses each. */
#ifndef PLANALOUD_KEEP_H
#define PLANALOUD_KEEP_H

#include "narrate.h"

#include <stddef.h>

typedef struct keep keep;

/* NULL when out of memory. */
keep *keep_new(size_t max_bytes, size_t per_owner_bytes);
/* Frees every narration kept. keep_free(NULL) does nothing. */
void keep_free(keep *k);
/* A copy of the narration kept under owner and key (now the most recently used), cached set;
 * NULL when none is (or memory ran out). The copy is the caller's (narration_free). */
narration *keep_copy(keep *k, const void *owner, const char *key, size_t key_len);
/* Keeps r (taken: its audio, words and cache_key, the key it is kept under) for owner; r is
 * freed at once when it cannot be kept (too big, no key, out of memory). */
void keep_put(keep *k, const void *owner, narration *r);
/* Frees everything kept for owner. */
void keep_drop_owner(keep *k, const void *owner);
size_t keep_bytes(const keep *k);

/* A copy of r's audio and words (cached set, nothing else of r), or NULL when memory runs out. */
narration *narration_copy(const narration *r);

#endif
