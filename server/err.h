/* err: the one way a function hands its reason for failing to its caller.
 *
 * Functions return 0 or -1 and write the reason into the caller's `char *err, size_t errlen`,
 * which may be NULL (the caller does not want it). The reason is for logs and the command line;
 * what reaches a person is plain English from the content, chosen by the caller. */
#ifndef PLANALOUD_ERR_H
#define PLANALOUD_ERR_H

#include <stddef.h>

/* Writes the formatted reason into err (when err is not NULL and errlen > 0), cut to fit.
 * Always returns -1, so that `return err_set(err, errlen, "...");` fails in one line. */
int err_set(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
