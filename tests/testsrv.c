/* testsrv: the real server, started on a free loopback port, for the integration tests and the
 * benchmark (tests/testsrv.h). */
#include "testsrv.h"

#include "buf.h"
#include "wsclient.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Reads what the server printed into b, waiting until deadline. 1 read, 0 timeout, -1 end. */
static int read_some(int fd, buf *b, long long deadline)
{
	char tmp[4096];
	struct pollfd pfd = {fd, POLLIN, 0};
	long long left = deadline - now_ms();
	ssize_t n;
	int r;

	r = poll(&pfd, 1, (int)(left < 0 ? 0 : left));
	if (r < 0)
		return errno == EINTR ? 0 : -1;
	if (r == 0)
		return 0;
	n = read(fd, tmp, sizeof(tmp));
	if (n < 0 && errno == EINTR)
		return 0;
	if (n <= 0)
		return -1;
	return buf_append(b, tmp, (size_t)n) ? -1 : 1;
}

#define MAX_SERVERS 16

static pid_t started[MAX_SERVERS];

static void remember(pid_t pid)
{
	static int registered;

	for (int i = 0; i < MAX_SERVERS; i++)
		if (!started[i]) {
			started[i] = pid;
			break;
		}
	if (!registered) {
		registered = 1;
		atexit(testsrv_kill_all);
	}
}

static void forget(pid_t pid)
{
	for (int i = 0; i < MAX_SERVERS; i++)
		if (started[i] == pid)
			started[i] = 0;
}

void testsrv_kill_all(void)
{
	for (int i = 0; i < MAX_SERVERS; i++)
		if (started[i] > 0) {
			kill(started[i], SIGKILL);
			waitpid(started[i], NULL, 0);
			started[i] = 0;
		}
}

static void on_alarm(int sig)
{
	static const char msg[] = "test watchdog: out of time; killing the servers\n";

	(void)sig;
	for (int i = 0; i < MAX_SERVERS; i++)
		if (started[i] > 0)
			kill(started[i], SIGKILL);
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(1);
	_exit(1);
}

void testsrv_watchdog(int seconds)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	alarm((unsigned)seconds);
}

/* Reads the server's start-up lines: the port, and the demo code. 0 once "Press Ctrl+C" came. */
static int read_banner(testsrv *s, long long deadline)
{
	buf out = BUF_INIT;
	int rc = -1;

	while (!strstr(buf_str(&out), "Press Ctrl+C")) {
		if (read_some(s->out_fd, &out, deadline) < 0 || now_ms() >= deadline)
			goto out;
	}
	{
		const char *p = strstr(buf_str(&out), "Kiosk page: http");
		const char *d = strstr(buf_str(&out), "Demo plan code: ");

		p = p ? strstr(p, "://localhost:") : NULL; /* http, or https with TLS */
		if (!p || sscanf(p, "://localhost:%d/", &s->port) != 1)
			goto out;
		if (d && sscanf(d, "Demo plan code: %63s", s->code) != 1)
			goto out;
	}
	rc = 0;
out:
	if (rc)
		fprintf(stderr, "testsrv: the server did not start; it printed:\n%s\n",
			buf_str(&out));
	buf_release(&out);
	return rc;
}

/* Forks and execs the server with argv, its stdout into s->out_fd. */
static int spawn(testsrv *s, const char *const *argv)
{
	pid_t parent = getpid();
	int fds[2];

	if (pipe(fds)) {
		perror("testsrv: pipe");
		return -1;
	}
	fflush(NULL);
	s->pid = fork();
	if (s->pid < 0) {
		perror("testsrv: fork");
		s->pid = 0;
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (s->pid == 0) {
		/* The server must not outlive the test, however the test ends. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execv(argv[0], (char *const *)argv);
		perror("testsrv: exec");
		_exit(127);
	}
	remember(s->pid);
	close(fds[1]);
	s->out_fd = fds[0];
	return 0;
}

int testsrv_start(testsrv *s, const char *binary, const char *data_dir, int demo,
		  const char *const *extra)
{
	return testsrv_start_on(s, binary, data_dir, 0, demo, extra);
}

int testsrv_start_on(testsrv *s, const char *binary, const char *data_dir, int port, int demo,
		     const char *const *extra)
{
	const char *argv[32];
	char portarg[16];
	int argc = 0, status, tls = 0, got;
	long long deadline;

	memset(s, 0, sizeof(*s));
	s->out_fd = -1;
	if (data_dir) {
		if (snprintf(s->dir, sizeof(s->dir), "%s", data_dir) >= (int)sizeof(s->dir)) {
			fprintf(stderr, "testsrv: the data folder's name is too long\n");
			return -1;
		}
	} else {
		snprintf(s->dir, sizeof(s->dir), "/tmp/planaloud-test-XXXXXX");
		if (!mkdtemp(s->dir)) {
			perror("testsrv: mkdtemp");
			return -1;
		}
		s->own_dir = 1;
	}
	snprintf(portarg, sizeof(portarg), "%d", port);
	argv[argc++] = binary;
	if (port >= 0) {
		argv[argc++] = "--port";
		argv[argc++] = portarg;
	}
	argv[argc++] = "--listen";
	argv[argc++] = "127.0.0.1";
	argv[argc++] = "--data";
	argv[argc++] = s->dir;
	if (demo)
		argv[argc++] = "--demo";
	for (int i = 0; extra && extra[i] && argc < 31; i++) {
		tls |= strcmp(extra[i], "--tls-cert") == 0;
		argv[argc++] = extra[i];
	}
	argv[argc] = NULL;
	if (spawn(s, argv) || read_banner(s, now_ms() + 20000))
		goto fail;
	deadline = now_ms() + 10000;
	/* Serving HTTPS, it answers plain HTTP by sending it there: answering is enough. */
	while ((got = http_get(s->port, "/healthz", NULL, 0, NULL, 0)) != 200 &&
	       !(tls && got == 301)) {
		if (now_ms() > deadline || waitpid(s->pid, &status, WNOHANG) == s->pid) {
			fprintf(stderr, "testsrv: /healthz did not answer 200\n");
			goto fail;
		}
		sleep_ms(20);
	}
	return 0;
fail:
	testsrv_kill(s);
	testsrv_cleanup(s);
	return -1;
}

static int reap(testsrv *s, int ms)
{
	long long deadline = now_ms() + ms;
	int status;

	while (now_ms() < deadline) {
		pid_t r = waitpid(s->pid, &status, WNOHANG);

		if (r == s->pid || (r < 0 && errno == ECHILD))
			return r == s->pid ? status : -1;
		sleep_ms(10);
	}
	return -2;
}

static void finished(testsrv *s)
{
	forget(s->pid);
	s->pid = 0;
	if (s->out_fd >= 0)
		close(s->out_fd);
	s->out_fd = -1;
}

int testsrv_stop(testsrv *s)
{
	int status;

	if (s->pid <= 0)
		return -1;
	kill(s->pid, SIGTERM);
	status = reap(s, 10000);
	if (status == -2) {
		fprintf(stderr, "testsrv: the server did not stop within 10 s of SIGTERM\n");
		kill(s->pid, SIGKILL);
		status = reap(s, 5000);
		status = -1;
	}
	finished(s);
	return status;
}

void testsrv_kill(testsrv *s)
{
	if (s->pid <= 0)
		return;
	kill(s->pid, SIGKILL);
	reap(s, 5000);
	finished(s);
}

int testsrv_alive(testsrv *s)
{
	int status;

	return s->pid > 0 && waitpid(s->pid, &status, WNOHANG) == 0;
}

/* Removes dir and everything in it, folders too (the server's audio cache is one). */
static void remove_all(const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[512];

	while (d && (e = readdir(d))) {
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (depth < 4 && lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
			remove_all(path, depth + 1);
		else
			unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

void testsrv_cleanup(testsrv *s)
{
	if (!s->own_dir || !s->dir[0])
		return;
	remove_all(s->dir, 0);
	s->own_dir = 0;
}
