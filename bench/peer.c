/* peer: the narrating client of `narrate`'s load test, in a process of its own, as the
 * narrating sessions would be other browsers: the narrators' audio is not read by the loop that
 * times the saves. A pipe each way: the child says it is ready, the parent says when the bursts
 * start and stop, and at the end the child sends its counts and samples. */
#include "err.h"
#include "narrate.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define NARRATOR_NICE 10 /* the narrating client's process */

/* What the narrating client hands back: its counts, then its samples (first byte, whole). */
typedef struct nar_report {
	int ok;
	char fail[ERR_LEN];
	unsigned bursts_fired;
	unsigned long long fired, skipped, inflight, wrong_cache, frames, done;
	size_t frame_max;
	size_t n_first, n_all;
} nar_report;

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads len bytes from a non-blocking fd, waiting until deadline at most. */
static int read_all(int fd, void *data, size_t len, uint64_t deadline)
{
	char *p = data;

	while (len) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		uint64_t now = now_ns();
		ssize_t n;

		if (now >= deadline)
			return -1;
		if (poll(&pfd, 1, (int)((deadline - now) / NS_PER_MS) + 1) < 0 && errno != EINTR)
			return -1;
		n = read(fd, p, len);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The child: narrating sessions that ask for texts in bursts, timed by the parent; its report
 * goes back on wr. The exit status. */
static int narrate_child(const narrate_opts *o, const bench *one, int rd, int wr)
{
	bench c = {0};
	nar_report rep;
	int rc;

	c.mode = MODE_NAR_LOAD;
	c.port = one->port;
	c.n = (unsigned)(o->narrators * NARRATOR_POOL);
	c.n_typists = 0;
	c.burst_size = (unsigned)o->narrators;
	c.burst_ns = BURST_MS_DEFAULT * NS_PER_MS;
	c.bursts = (unsigned)(o->seconds * 1000 / BURST_MS_DEFAULT);
	if (o->cached_load) /* the texts the one session had said: in the cache */
		c.cycle = one->text_no;
	else
		c.text_no = one->text_no; /* texts never said before */
	c.s = calloc(c.n, sizeof(*c.s));
	if (!c.s)
		return 1;
	/* It stands for browsers on other machines. Its own work (libwebsockets' client reads the
	 * audio a byte at a time: a fifth of a core at this load) should not be taken from the
	 * server measured; what waiting this causes shows in its own timings, which can then only
	 * look worse. */
	if (setpriority(PRIO_PROCESS, 0, NARRATOR_NICE))
		fprintf(stderr, "planaloud-bench: nice: %s\n", strerror(errno));
	c.peer.active = 1;
	c.peer.is_child = 1;
	c.peer.rd = rd;
	c.peer.wr = wr;
	fcntl(rd, F_SETFL, O_NONBLOCK);
	rc = bench_run(&c);
	memset(&rep, 0, sizeof(rep));
	rep.ok = rc == 0;
	snprintf(rep.fail, sizeof(rep.fail), "%s", c.fail);
	rep.bursts_fired = c.bursts_fired;
	rep.fired = c.nar_fired;
	rep.skipped = c.nar_skipped;
	rep.inflight = c.nar_inflight;
	rep.wrong_cache = c.nar_wrong_cache;
	rep.frames = c.nar_frames_total;
	rep.done = c.nar_done;
	rep.frame_max = c.nar_frame_max;
	rep.n_first = c.nar_load.n;
	rep.n_all = c.nar_load_all.n;
	if (write_all(wr, &rep, sizeof(rep)) ||
	    write_all(wr, c.nar_load.v, rep.n_first * sizeof(uint64_t)) ||
	    write_all(wr, c.nar_load_all.v, rep.n_all * sizeof(uint64_t)))
		return 1;
	return rc ? 1 : 0;
}

int peer_report(bench *b, char *err, size_t errlen)
{
	nar_report rep;
	uint64_t deadline = now_ns() + DRAIN_TIMEOUT_NS + 10 * NS_PER_S;

	if (read_all(b->peer.rd, &rep, sizeof(rep), deadline)) {
		err_set(err, errlen, "the narrating client did not report");
		return -1;
	}
	if (!rep.ok) {
		err_set(err, errlen, "the narrating client: %.400s", rep.fail);
		return -1;
	}
	b->bursts_fired = rep.bursts_fired;
	b->nar_fired = rep.fired;
	b->nar_skipped = rep.skipped;
	b->nar_inflight = rep.inflight;
	b->nar_wrong_cache = rep.wrong_cache;
	b->nar_frames_total = rep.frames;
	b->nar_done = rep.done;
	b->nar_frame_max = rep.frame_max;
	free(b->nar_load.v);
	free(b->nar_load_all.v);
	b->nar_load.v = calloc(rep.n_first + 1, sizeof(uint64_t));
	b->nar_load_all.v = calloc(rep.n_all + 1, sizeof(uint64_t));
	if (!b->nar_load.v || !b->nar_load_all.v) {
		err_set(err, errlen, "out of memory");
		return -1;
	}
	b->nar_load.n = b->nar_load.cap = rep.n_first;
	b->nar_load_all.n = b->nar_load_all.cap = rep.n_all;
	if (read_all(b->peer.rd, b->nar_load.v, rep.n_first * sizeof(uint64_t), deadline) ||
	    read_all(b->peer.rd, b->nar_load_all.v, rep.n_all * sizeof(uint64_t), deadline)) {
		err_set(err, errlen, "the narrating client's report was cut short");
		return -1;
	}
	return 0;
}

int peer_start(bench *load, const narrate_opts *o, const bench *one, int server_out_fd)
{
	int p2c[2], c2p[2];

	if (pipe(p2c)) {
		fprintf(stderr, "planaloud-bench: pipe: %s\n", strerror(errno));
		return -1;
	}
	if (pipe(c2p)) {
		fprintf(stderr, "planaloud-bench: pipe: %s\n", strerror(errno));
		close(p2c[0]);
		close(p2c[1]);
		return -1;
	}
	fflush(NULL);
	load->peer.pid = fork();
	if (load->peer.pid == 0) {
		close(p2c[1]);
		close(c2p[0]);
		if (server_out_fd >= 0)
			close(server_out_fd);
		_exit(narrate_child(o, one, p2c[0], c2p[1]));
	}
	close(p2c[0]);
	close(c2p[1]);
	if (load->peer.pid < 0) {
		fprintf(stderr, "planaloud-bench: fork: %s\n", strerror(errno));
		load->peer.pid = 0;
		close(p2c[1]);
		close(c2p[0]);
		return -1;
	}
	load->peer.active = 1;
	load->peer.rd = c2p[0];
	load->peer.wr = p2c[1];
	fcntl(load->peer.rd, F_SETFL, O_NONBLOCK);
	fcntl(load->peer.rd, F_SETFD, FD_CLOEXEC);
	fcntl(load->peer.wr, F_SETFD, FD_CLOEXEC);
	return 0;
}

void peer_stop(bench *load)
{
	if (load->peer.pid > 0) { /* the narrating client, after a failure */
		kill(load->peer.pid, SIGKILL);
		waitpid(load->peer.pid, NULL, 0);
		load->peer.pid = 0;
	}
	if (load->peer.active) {
		close(load->peer.rd);
		close(load->peer.wr);
		load->peer.active = 0;
	}
}
