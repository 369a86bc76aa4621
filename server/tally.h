/* tally: how many connections each address holds right now, and in all, so that one address
 * cannot take every connection the server can hold. Memory grows with the connections held and
 * shrinks as they close. Single-threaded (the server's loop). */
#ifndef PLANALOUD_TALLY_H
#define PLANALOUD_TALLY_H

#include <stddef.h>

typedef struct tally tally;
typedef struct tally_entry tally_entry; /* one address's count, while it holds any */

/* At most max_total in all and max_per_key for any one key. NULL when memory runs out. */
tally *tally_new(int max_total, int max_per_key);
/* tally_free(NULL) is a no-op. Every entry goes with it. */
void tally_free(tally *t);
/* Counts one more for key (an address, at most 63 bytes; longer is cut). The entry to give back
 * to tally_drop() when that connection ends (borrowed until then); NULL when the total or the
 * key's count is at its limit, or memory runs out (nothing is counted then). per_key 0: the
 * key is not held to max_per_key (a trusted proxy, which carries many people's connections). */
tally_entry *tally_take(tally *t, const char *key, int per_key);
void tally_drop(tally *t, tally_entry *e);
/* From now on at most max_per_key for any one key; a key already holding more keeps what it
 * holds and takes no more until under it. */
void tally_set_max_per_key(tally *t, int max_per_key);
/* The total held now, and the key's (0 when it holds none). */
int tally_total(const tally *t);
int tally_count(const tally *t, const char *key);

#endif
