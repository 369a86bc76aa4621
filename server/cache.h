/* cache: a folder of files, each a value stored under a key (any bytes), bounded in total size:
 * when full, the entries used longest ago are removed. Narration keeps synthesised audio here,
 * keyed by voice, speed and text, so fixed easy-read text is synthesised once. Not thread-safe:
 * one thread uses it. */
#ifndef PLANALOUD_CACHE_H
#define PLANALOUD_CACHE_H

#include "buf.h"

#include <stddef.h>

typedef struct cache cache;

/* Opens (making) the folder and counts what is already there. generation names what the entries
 * are (a short word; "" for none): when the folder's file "generation" says another (or nothing),
 * every entry in it is removed first, and the folder marked with this one, so that entries kept
 * under an earlier rule do not outlive it. NULL with a reason in err. */
cache *cache_open(const char *dir, size_t max_bytes, const char *generation, char *err,
		  size_t errlen);
void cache_close(cache *c);
/* 0 and the value appended to out; 1 when the key is not there; -1 on a read error. */
int cache_get(cache *c, const void *key, size_t keylen, buf *out);
/* Stores the value (written to a temporary file, then renamed, so a reader never sees half a
 * file), then removes the least recently used entries while over the bound. A value larger than
 * the bound is not stored (returns 1). 0, 1, or -1 on a write error. */
int cache_put(cache *c, const void *key, size_t keylen, const void *value, size_t len);
size_t cache_bytes(const cache *c);
size_t cache_entries(const cache *c);

#endif
