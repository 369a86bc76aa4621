/* path: file paths built whole or not at all.
 *
 * A path cut short by a fixed buffer names another file (a long --data folder once made the
 * secret key's path silently point elsewhere), so these refuse to truncate. */
#ifndef PLANALOUD_PATH_H
#define PLANALOUD_PATH_H

#include <stddef.h>

#define PATH_LEN 4096 /* PATH_MAX on Linux: enough for any path the system would open */

/* out = dir "/" name. 0, or -1 (out is "" and err says why) when it does not fit in outlen. */
int path_join(char *out, size_t outlen, const char *dir, const char *name, char *err,
	      size_t errlen);

/* The folder that holds the running program (from /proc/self/exe), without a trailing slash.
 * 0, or -1 when it cannot be read or does not fit. */
int path_exe_dir(char *out, size_t outlen);

#endif
