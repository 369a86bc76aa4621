/* preflight: the checks made before the server listens, and the report of
 * `planaloud --check-config`. Reasons go to stderr as "planaloud: ..." sentences, for main. */
#ifndef PLANALOUD_PREFLIGHT_H
#define PLANALOUD_PREFLIGHT_H

#include "options.h"

#include <stdio.h>

/* How browsers reach the server: TLS files both given, readable and the key private, and no
 * plain HTTP open to the network unless a TLS proxy is said to be in front. 0; else main's exit
 * status (said why). */
int preflight_transport(const options *o);
/* --check-config: prints to out every setting a file may hold, its value in force (a secret's
 * never) and where it came from (FILE:LINE, command line, default), then runs every check made
 * at start that needs no listening socket and changes nothing: the transport, the data folder
 * (datadir_inspect), the content and the voices. 0 when all pass; else main's exit status (the
 * reasons on stderr). */
int preflight_report(const options *o, FILE *out);

#endif
