#include "runbin.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* Reads fd to its end into buf (NUL-terminated, truncated). */
static void slurp(int fd, char *buf, size_t n)
{
	size_t len = 0;
	ssize_t got;
	char scratch[512];

	while ((got = read(fd, len + 1 < n ? buf + len : scratch,
			   len + 1 < n ? n - 1 - len : sizeof(scratch))) > 0)
		if (len + 1 < n)
			len += (size_t)got;
	buf[len] = '\0';
}

void run_args(ran *r, const char *input, const char *const *args)
{
	const char *argv[24];
	int in[2], out[2], err[2], argc = 0, status;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	r->status = -1;
	argv[argc++] = PLANALOUD_BINARY;
	for (int i = 0; args[i] && argc < 23; i++)
		argv[argc++] = args[i];
	argv[argc] = NULL;
	if (pipe(in) || pipe(out) || pipe(err)) {
		perror("pipe");
		return;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		close(in[0]), close(in[1]), close(out[0]), close(out[1]), close(err[0]),
		    close(err[1]);
		execv(PLANALOUD_BINARY, (char *const *)argv);
		_exit(127);
	}
	close(in[0]), close(out[1]), close(err[1]);
	/* Passwords are short: they fit in the pipe before the child reads them. */
	if (input && write(in[1], input, strlen(input)) != (ssize_t)strlen(input))
		perror("write");
	close(in[1]);
	slurp(out[0], r->out, sizeof(r->out));
	slurp(err[0], r->err, sizeof(r->err));
	close(out[0]), close(err[0]);
	if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status))
		r->status = WEXITSTATUS(status);
	if (r->status != 0 && r->status != 1 && r->status != 2)
		fprintf(stderr, "  exit %d; stdout: %s; stderr: %s\n", r->status, r->out, r->err);
}
