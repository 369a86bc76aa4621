/* runbin: runs the server's program to its end, as a person at a shell would, and keeps what it
 * printed and its exit status (test_cli.c, test_startup.c). PLANALOUD_BINARY is the program. */
#ifndef PLANALOUD_RUNBIN_H
#define PLANALOUD_RUNBIN_H

typedef struct ran {
	int status; /* the exit status, or -1 when it did not exit normally */
	char out[16384];
	char err[4096];
} ran;

/* Runs the binary with the NULL-terminated arguments (at most 22) and input on standard input
 * (NULL: an empty one), to its end: for runs that stop by themselves. An exit status other than
 * 0, 1 or 2 is printed with what the program said. */
void run_args(ran *r, const char *input, const char *const *args);

#define RUN_BIN(r, input, ...) run_args(r, input, (const char *const[]){__VA_ARGS__, NULL})

#endif
