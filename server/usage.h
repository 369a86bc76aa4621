/* usage: the help text of the command line (--help). Each option's paragraph starts with
 * "  --name" on a line of its own and says its default as "(default X" or "X (the default)". */
#ifndef PLANALOUD_USAGE_H
#define PLANALOUD_USAGE_H

#include <stddef.h>
#include <stdio.h>

void usage_print(FILE *f);
/* The default of option key, as the help says it (e.g. "120" for idle-seconds; line breaks
 * made spaces), into out (n bytes); "" when the help names none. */
void usage_default(const char *key, char *out, size_t n);

#endif
