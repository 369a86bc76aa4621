/* phases: the phase clock that moves a run from setup through warm-up and measurement to the
 * drain, reading the clocks and counters at the start and the end; for `narrate`, the one
 * session's runs and the narrating client process's start. */
#include "bench.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

/* Setup is over: the clocks start and every typist starts typing. */
static void bench_start_typing(bench *b)
{
	uint32_t rng = 12345;

	b->t_warm = now_ns();
	b->t_measure = b->t_warm + WARMUP_NS;
	b->t_end = b->t_measure + b->measure_ns;
	if (b->mode == MODE_NAR_LOAD) /* saves alone, then saves beside narration */
		b->t_split = b->t_measure + b->measure_ns / 2;
	if (b->peer.active) { /* the narrating client: when its bursts start and stop */
		uint64_t when[2] = {b->t_split, b->t_end};

		if (write(b->peer.wr, when, sizeof(when)) != (ssize_t)sizeof(when))
			bench_fail(b, "cannot reach the narrating client: %s", strerror(errno));
		b->peer.cpu_start = cpu_seconds_of(b->peer.pid);
	}
	b->phase = PH_WARMUP;
	if (b->db_path)
		b->commits_start = wal_commit_counter(b->db_path);
	b->cpu_self_start = cpu_seconds_self();
	b->cpu_all_start = cpu_seconds_machine();
	b->cpu_server_start = b->server_pid > 0 ? cpu_seconds_of(b->server_pid) : -1;
	for (unsigned i = 0; i < b->n_typists; i++) {
		sess *s = &b->s[i];

		s->state = SS_TYPING;
		if (b->think_ms > 0)
			/* people do not all press a key in the same millisecond */
			lws_sul_schedule(b->ctx, 0, &s->think, think_done,
					 (lws_usec_t)(rng_next(&rng) % (uint32_t)b->think_ms) *
					     LWS_US_PER_MS);
		else
			sess_save(s);
	}
}

void bench_finish(bench *b)
{
	b->t_done = now_ns();
	b->phase = PH_DONE;
	b->unanswered += b->inflight;
	if (b->db_path)
		b->commits_end = wal_commit_counter(b->db_path);
	b->cpu_self_end = cpu_seconds_self();
	b->cpu_children_end = cpu_seconds_children();
	b->cpu_all_end = cpu_seconds_machine();
	b->cpu_server_end = b->server_pid > 0 ? cpu_seconds_of(b->server_pid) : -1;
	if (b->peer.active && !b->peer.is_child)
		b->peer.cpu_end = cpu_seconds_of(b->peer.pid);
}

static void tick_one(bench *b, uint64_t now)
{
	if (b->phase == PH_SETUP && b->ready == b->n && b->nar_ready == b->n - b->n_typists) {
		b->t_warm = b->t_measure = now;
		b->deadline =
		    now + NARRATE_STEP_TIMEOUT_NS + (uint64_t)(b->runs + 1) * 5 * NS_PER_S;
		b->cpu_self_start = cpu_seconds_self();
		b->cpu_children_start = cpu_seconds_children();
		b->cpu_all_start = cpu_seconds_machine();
		b->cpu_server_start = b->server_pid > 0 ? cpu_seconds_of(b->server_pid) : -1;
		b->phase = PH_MEASURE;
		for (unsigned i = b->n_typists; i < b->n; i++)
			nar_fire(&b->s[i], 0);
	} else if (b->phase == PH_SETUP && now >= b->setup_deadline) {
		bench_fail(b, "setup took over %llu s",
			   (unsigned long long)(SETUP_TIMEOUT_NS / NS_PER_S));
	} else if (b->phase == PH_MEASURE && now >= b->deadline) {
		bench_fail(b, "the narrations took too long: %u of %u runs done in %llu s",
			   b->runs_done, b->runs + 1,
			   (unsigned long long)((b->deadline - b->t_measure) / NS_PER_S));
	}
}

/* 1 once the other client process has said it is ready (a byte on the pipe). */
static int peer_ready(bench *b)
{
	char c;
	ssize_t n;

	if (b->peer.ready)
		return 1;
	n = read(b->peer.rd, &c, 1);
	if (n == 1)
		b->peer.ready = 1;
	else if (n == 0 || (errno != EAGAIN && errno != EINTR))
		bench_fail(b, "the narrating client stopped before it was ready");
	return b->peer.ready;
}

/* The narrating client before the bursts: its sessions get ready, it tells the parent, and it
 * waits to be told when the saving half without narration ends. */
static void tick_child(bench *b, uint64_t now)
{
	if (b->phase == PH_SETUP) {
		if (b->nar_ready == b->n) {
			if (write(b->peer.wr, "R", 1) != 1) {
				bench_fail(b, "cannot reach the saving client");
				return;
			}
			b->phase = PH_WARMUP;
		} else if (now >= b->setup_deadline) {
			bench_fail(b, "setup took over %llu s: %u of %u narrating sessions ready",
				   (unsigned long long)(SETUP_TIMEOUT_NS / NS_PER_S), b->nar_ready,
				   b->n);
		}
	} else if (b->phase == PH_WARMUP) {
		uint64_t when[2];
		ssize_t n = read(b->peer.rd, when, sizeof(when));

		if (n == (ssize_t)sizeof(when)) {
			b->t_split = when[0];
			b->t_end = when[1];
			b->t_warm = now;
			b->cpu_self_start = cpu_seconds_self();
			b->phase = PH_MEASURE;
		} else if (n >= 0 || (errno != EAGAIN && errno != EINTR)) {
			bench_fail(b, "the saving client stopped");
		} else if (now >= b->setup_deadline + 2 * SETUP_TIMEOUT_NS) {
			bench_fail(b, "the saving client never said to start");
		}
	}
}

/* Moves from one phase to the next as deadlines pass. */
void tick(lws_sorted_usec_list_t *sul)
{
	bench *b = lws_container_of(sul, bench, tick);
	uint64_t now = now_ns();

	if (bench_interrupted())
		bench_fail(b, "interrupted");
	if (b->mode != MODE_SAVE && b->phase < PH_DONE)
		nar_check_stuck(b, now);
	if (b->mode == MODE_NAR_ONE) {
		if (b->phase < PH_DONE)
			tick_one(b, now);
		goto again;
	}
	if (b->peer.is_child && b->phase <= PH_WARMUP) {
		tick_child(b, now);
		goto again;
	}
	switch (b->phase) {
	case PH_SETUP:
		if (b->ready == b->n && b->nar_ready == b->n - b->n_typists &&
		    (!b->peer.active || peer_ready(b)))
			bench_start_typing(b);
		else if (now >= b->setup_deadline)
			bench_fail(b,
				   "setup took over %llu s: %u of %u sessions connected, %u have a "
				   "plan",
				   (unsigned long long)(SETUP_TIMEOUT_NS / NS_PER_S), b->connected,
				   b->n, b->ready);
		break;
	case PH_WARMUP:
		if (now >= b->t_measure)
			b->phase = PH_MEASURE;
		break;
	case PH_MEASURE:
		while (b->t_split && b->bursts_fired < b->bursts &&
		       now >= b->t_split + b->bursts_fired * b->burst_ns)
			nar_burst(b);
		if (now >= b->t_end)
			b->phase = PH_DRAIN;
		break;
	case PH_DRAIN:
		if ((!b->inflight && !b->nar_inflight) || now >= b->t_end + DRAIN_TIMEOUT_NS)
			bench_finish(b);
		break;
	default:
		break;
	}
again:
	if (b->phase < PH_DONE)
		lws_sul_schedule(b->ctx, 0, &b->tick, tick, TICK_US);
	else
		lws_cancel_service(b->ctx); /* or lws_service() sleeps on until its next timer */
}
