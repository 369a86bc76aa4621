/* server: the server under test, started with the tests' testsrv (tests/testsrv.c: one way to
 * start the real server on a loopback port), from the planaloud binary beside this one. */
#include "bench.h"
#include "err.h"
#include "testsrv.h"
#include "wsclient.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define READY_TIMEOUT_MS 120000 /* the server reading its fixed texts into the cache */

struct bench_server {
	testsrv srv;
	char bin[4096];
};

/* The server binary beside this one. */
static int server_binary(char *out, size_t outlen)
{
	char self[4096], *slash;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n <= 0)
		return -1;
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	return snprintf(out, outlen, "%s/planaloud", self) < (int)outlen ? 0 : -1;
}

/* Every benchmark session comes from 127.0.0.1 and starts a plan from there: one address may
 * hold them all, with no limit on starting plans. */
static const char *const unlimited[] = {"--new-plans-per-address",
					"0",
					"--new-plans-per-hour",
					"0",
					"--max-connections-per-address",
					"1000000",
					NULL};

#define EXTRA_MAX 8 /* arguments a benchmark may add */

bench_server *bench_server_start(const char *data_dir, int port, char *err, size_t errlen)
{
	return bench_server_start_with(data_dir, port, NULL, err, errlen);
}

bench_server *bench_server_start_with(const char *data_dir, int port, const char *const *extra,
				      char *err, size_t errlen)
{
	bench_server *sv = calloc(1, sizeof(*sv));
	const char *args[sizeof(unlimited) / sizeof(*unlimited) + EXTRA_MAX];
	size_t n = 0;

	for (; unlimited[n]; n++)
		args[n] = unlimited[n];
	for (size_t i = 0; extra && extra[i]; i++) {
		if (n + 1 >= sizeof(args) / sizeof(*args)) {
			err_set(err, errlen, "too many arguments for the server");
			free(sv);
			return NULL;
		}
		args[n++] = extra[i];
	}
	args[n] = NULL;
	if (!sv) {
		err_set(err, errlen, "out of memory");
		return NULL;
	}
	sv->srv.out_fd = -1;
	if (server_binary(sv->bin, sizeof(sv->bin))) {
		err_set(err, errlen, "cannot tell where this program is");
		goto fail;
	}
	if (access(sv->bin, X_OK)) {
		err_set(err, errlen, "cannot run the server %.300s: %s (build it first)", sv->bin,
			strerror(errno));
		goto fail;
	}
	if (testsrv_start_on(&sv->srv, sv->bin, data_dir, port, 0, args)) {
		err_set(err, errlen, "the server failed to start (its message is above)");
		goto fail;
	}
	return sv;
fail:
	free(sv);
	return NULL;
}

int bench_server_wait_ready(int port, size_t *texts, char *err, size_t errlen)
{
	uint64_t deadline = now_ns() + READY_TIMEOUT_MS * NS_PER_MS;
	char last[2048] = "no answer";

	*texts = 0;
	while (!bench_interrupted()) {
		char body[2048];
		const char *pre, *tot;

		if (http_get(port, "/healthz", NULL, 0, body, sizeof(body)) == 200) {
			pre = strstr(body, "\"prerendered\":");
			tot = strstr(body, "\"texts\":");
			if (!pre || !tot)
				return 0; /* a server that does not read texts ahead */
			*texts = strtoul(tot + 8, NULL, 10);
			if (strtoul(pre + 14, NULL, 10) == *texts)
				return 0;
			snprintf(last, sizeof(last), "%.*s", (int)strcspn(body, "\r\n"), body);
		}
		if (now_ns() >= deadline)
			break;
		nanosleep(&(struct timespec){.tv_nsec = 20000000}, NULL);
	}
	err_set(err, errlen, "the server had not read its fixed texts into the cache in %d s (%s)",
		READY_TIMEOUT_MS / 1000, bench_interrupted() ? "interrupted" : last);
	return -1;
}

void bench_server_print(const bench_server *sv)
{
	printf("Server:     %s, pid %ld, 127.0.0.1:%d, data in %s (%s)\n", sv->bin,
	       (long)sv->srv.pid, sv->srv.port, sv->srv.dir, fs_name(sv->srv.dir));
}

pid_t bench_server_pid(const bench_server *sv)
{
	return sv->srv.pid;
}

int bench_server_port(const bench_server *sv)
{
	return sv->srv.port;
}

int bench_server_out_fd(const bench_server *sv)
{
	return sv->srv.out_fd;
}

int bench_server_stop(bench_server *sv)
{
	int status;

	if (sv->srv.pid <= 0)
		return -1;
	status = testsrv_stop(&sv->srv);
	if (status == -1) /* it was killed; testsrv said so */
		return -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		fprintf(stderr, "planaloud-bench: the server exited with status %d\n",
			WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		fprintf(stderr, "planaloud-bench: the server ended by signal %d\n",
			WTERMSIG(status));
	return -1;
}

void bench_server_free(bench_server *sv)
{
	if (!sv)
		return;
	if (sv->srv.pid > 0)
		bench_server_stop(sv);
	free(sv);
}
