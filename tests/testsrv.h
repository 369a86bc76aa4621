/* testsrv: the server under test, for the integration tests and the benchmark.
 *
 * Starts the real server binary on a free loopback port (127.0.0.1 only) with a data folder,
 * waits until it answers, and stops or kills it; every server started is killed when the
 * starting process exits or dies. Single-threaded; times are in milliseconds. */
#ifndef PLANALOUD_TESTSRV_H
#define PLANALOUD_TESTSRV_H

#include <sys/types.h>

typedef struct testsrv {
	pid_t pid; /* 0 when not running */
	int port;
	int out_fd;    /* the read end of the server's stdout */
	char code[64]; /* the demo plan's code ("" without --demo) */
	char dir[256]; /* the --data folder (at most 255 bytes) */
	int own_dir;   /* the folder was made by testsrv_start (removed by testsrv_cleanup) */
} testsrv;

/* Starts PLANALOUD_BINARY (given as binary) with --port 0 --data DIR, plus --demo when demo,
 * plus the NULL-terminated extra arguments (may be NULL). data_dir NULL: a new mkdtemp folder.
 * Waits until the port is printed and /healthz answers 200 (with --tls-cert among extra: until
 * plain HTTP is redirected to HTTPS). 0, or -1 (what the server printed
 * goes to stderr). The child is killed when the test process dies (PR_SET_PDEATHSIG). */
int testsrv_start(testsrv *s, const char *binary, const char *data_dir, int demo,
		  const char *const *extra);
/* testsrv_start on a given port (0: a free one; -1: no --port at all, for a port set in a
 * configuration file among extra). The data folder's name must fit in dir. */
int testsrv_start_on(testsrv *s, const char *binary, const char *data_dir, int port, int demo,
		     const char *const *extra);
/* SIGTERM, then waits (SIGKILL after 10 s). Returns the exit status as waitpid gives it, or -1. */
int testsrv_stop(testsrv *s);
/* SIGKILL: no clean shutdown, no last commit. */
void testsrv_kill(testsrv *s);
/* 1 while the process is running. */
int testsrv_alive(testsrv *s);
/* Removes the data folder, with what the server made in it (its audio cache), if testsrv_start
 * made it. */
void testsrv_cleanup(testsrv *s);
/* Kills every server this process started and has not stopped (for exit and alarm paths). */
void testsrv_kill_all(void);
/* Arms a watchdog: after `seconds`, every started server is killed and the process exits 1. */
void testsrv_watchdog(int seconds);

#endif
