/* planaloud-bench: how fast the server acknowledges saved answers, and how that compares with
 * what the disk allows; and how soon narration's audio reaches the page.
 *
 * `save` starts the real server on a loopback port (or uses a running one), opens N websocket
 * sessions on one libwebsockets client context (one thread, like the server), gives each its own
 * plan, and then has every session type an answer the way a person does: each save is sent when
 * the previous one is acknowledged (closed loop), plus an optional think time. It measures each
 * save's send-to-`saved` latency for S seconds after a 1 s warm-up. Then, on the same disk, it
 * times single-row commits done directly on SQLite with the server's settings: the rate the
 * server would be held to if every answer needed its own disk flush. docs/performance.md has
 * the results and how to read them.
 *
 * `narrate` times, on the same kind of spawned server, how soon the first byte of a paragraph's
 * audio reaches a websocket client (not yet synthesised, and again from the audio cache), against
 * spawning the espeak-ng program for the same text and against synthesising it in this process
 * through tts.c (the limits: the whole text, and streamed to its first piece); then 20
 * narrations at once beside the `save` load, and the save p99 with and without them. The audio
 * streams: `narration`, then binary frames (a 4-byte little-endian n, then 16-bit PCM) as it is
 * made with `narration_words` for each sentence finished, then `narration_end` with the sample
 * count and all the word timings. First audio is the first frame's first PCM byte; the whole
 * narration is in at `narration_end`. Every narration is checked: its frames carry its n, their
 * PCM adds up to narration_end's samples, and it and each narration_words have words; anything
 * else fails the run. With --cached-load the narrations beside the saves are of cached texts.
 *
 * Everything is bounded in time: setup, warm-up, measurement, drain and the direct run each have
 * a deadline, so the benchmark stops by itself. */
#include "buf.h"
#include "tts.h"
#include "voices.h"

#include <assert.h>
#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libwebsockets.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <semaphore.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ERR_LEN 512
#define NS_PER_MS 1000000ULL
#define NS_PER_S 1000000000ULL

#define WARMUP_NS (1 * NS_PER_S)
#define SETUP_TIMEOUT_NS (60 * NS_PER_S) /* connecting and opening every plan */
#define DRAIN_TIMEOUT_NS (5 * NS_PER_S)  /* waiting for the last acknowledgements */
#define SERVER_START_TIMEOUT_MS 15000
#define SERVER_STOP_TIMEOUT_MS 10000
#define TICK_US 5000        /* how often the phase clock looks at deadlines */
#define MAX_CONNECTING 32   /* handshakes in flight at once, so the listen queue never overflows */
#define ANSWER_PAGE "like-admire"
#define ANSWER_RESTART_CHARS 400 /* a long answer starts again as a new one */
#define VALUE_MAX (ANSWER_RESTART_CHARS * 4 + 64)
#define OUT_MAX (VALUE_MAX + 256)
#define DIRECT_MIN_COMMITS 2000 /* enough for a steady rate when the server run was slow */
#define TARGET_SESSIONS 200
#define TARGET_P99_MS 20.0
#define TARGET_RATIO 0.5

/* narrate */
#define NARRATE_RUNS_DEFAULT	20
#define NARRATE_STEP_TIMEOUT_NS (30 * NS_PER_S) /* one narration's steps, in any phase */
#define READY_TIMEOUT_MS	120000 /* the server reading its fixed texts into the cache */
#define CLI_TIMEOUT_MS		30000  /* one espeak-ng process */
#define TTS_TIMEOUT_S		30     /* one in-process synthesis */
#define LOAD_SESSIONS_DEFAULT	200
#define LOAD_NARRATORS_DEFAULT	20
#define LOAD_SECONDS_DEFAULT	5 /* each half: saves alone, then saves beside narration */
#define BURST_MS_DEFAULT	500
#define NARRATOR_POOL		16 /* narrating sessions per narration at once, taken in turn */
#define NARRATOR_NICE		10 /* the narrating client's process */
#define TARGET_CLI_RATIO	0.25
#define TARGET_CACHED_MS	2.0
#define TARGET_LOAD_RATIO	2.0
/* A 40-word easy-read answer; the number makes each one a text never said before. No ASCII
 * quotes or backslashes: it goes into JSON as it is. */
#define PARAGRAPH                                                                                  \
	"I like my home and my friends. People say I am kind and I help them. I go to the park "   \
	"on Sunday with my dog. I am good at cooking and I make cakes. This is answer number %u."
#define PARAGRAPH_MAX 256

static volatile sig_atomic_t interrupted;
static struct lws_context *signal_ctx; /* for the signal handler's wake-up only */

/* What a person types, over and over: plain words with the non-ASCII letters and symbols that
 * real answers carry (Welsh, accents, curly quotes, an emoji). No ASCII quotes or backslashes,
 * so it goes into JSON as it is. */
static const char typed_text[] =
	"I make people laugh and I am kind to animals \xe2\x80\x94 especially my dog, Si\xc3\xa2n. "
	"I like caf\xc3\xa9 trips, cr\xc3\xaapes and the beach at Llandudno. People say I\xe2\x80\x99m "
	"a good listener. I help my neighbour Zo\xc3\xab with her garden \xf0\x9f\x8c\xbb. I am "
	"learning Welsh: \xe2\x80\x9c" "bore da\xe2\x80\x9d means good morning and "
	"\xe2\x80\x9c" "diolch\xe2\x80\x9d means thank you. I save \xc2\xa3" "5 a week for the "
	"football. ";

/* ---- the person typing ---- */

typedef struct typist {
	char value[VALUE_MAX];
	size_t len;   /* bytes */
	size_t chars; /* characters */
	size_t src;   /* where in typed_text the next character comes from */
	uint32_t rng;
} typist;

static uint32_t rng_next(uint32_t *state)
{
	/* xorshift32: deterministic, so two runs type the same text */
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *state = x;
}

static size_t utf8_seq_len(unsigned char lead)
{
	if (lead < 0x80)
		return 1;
	if ((lead & 0xE0) == 0xC0)
		return 2;
	if ((lead & 0xF0) == 0xE0)
		return 3;
	return 4;
}

static void typist_init(typist *t, unsigned who)
{
	assert(!strpbrk(typed_text, "\"\\")); /* it goes into JSON unescaped */
	memset(t, 0, sizeof(*t));
	t->rng = 2463534242u + who * 2654435761u;
	if (!t->rng)
		t->rng = 1;
	/* each person starts at a different place in the text, on a character boundary */
	t->src = (who * 37u) % (sizeof(typed_text) - 1);
	while (t->src > 0 && ((unsigned char)typed_text[t->src] & 0xC0) == 0x80)
		t->src--;
}

/* A few more characters, as between two saves of a typing person; a long answer starts over. */
static void typist_type(typist *t)
{
	size_t n = 2 + rng_next(&t->rng) % 4;

	if (t->chars + n > ANSWER_RESTART_CHARS) {
		t->len = 0;
		t->chars = 0;
	}
	while (n--) {
		size_t k = utf8_seq_len((unsigned char)typed_text[t->src]);

		memcpy(t->value + t->len, typed_text + t->src, k);
		t->len += k;
		t->chars++;
		t->src += k;
		if (t->src >= sizeof(typed_text) - 1)
			t->src = 0;
	}
	t->value[t->len] = '\0';
}

/* ---- clocks ---- */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

static double cpu_seconds_self(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru))
		return 0;
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* CPU seconds of this process's children that have ended (the espeak-ng programs). */
static double cpu_seconds_children(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_CHILDREN, &ru))
		return 0;
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* CPU seconds (user + system) a process has used, from /proc; -1 when unknown. */
static double cpu_seconds_of(pid_t pid)
{
	char path[64], line[1024], *p;
	unsigned long long ut, st;
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	ok = fgets(line, sizeof(line), f) != NULL;
	fclose(f);
	/* the command name may hold spaces: fields are counted from after its ')' */
	p = ok ? strrchr(line, ')') : NULL;
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut,
			 &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* CPU seconds all processes on the machine spent (user and system, all CPUs), from /proc/stat;
 * -1 when unknown. Interrupt time is left out: loopback networking is done there, and it is
 * the benchmark's own work, not another process's. */
static double cpu_seconds_machine(void)
{
	unsigned long long v[8] = { 0 };
	FILE *f = fopen("/proc/stat", "r");
	int n = 0;

	if (f) {
		n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
			   &v[3], &v[4], &v[5], &v[6], &v[7]);
		fclose(f);
	}
	if (n < 5)
		return -1;
	/* user nice system [idle iowait irq softirq steal] */
	return (double)(v[0] + v[1] + v[2]) / (double)sysconf(_SC_CLK_TCK);
}

/* ---- the WAL commit counter ----
 * SQLite's wal-index (the -shm file) starts with a header whose third 32-bit word (native byte
 * order) is incremented on every commit. Reading it before and after a run tells how many
 * commits the server made without touching the server. */
static long long wal_commit_counter(const char *db_path)
{
	char path[4096];
	uint32_t hdr[3];
	int fd;
	ssize_t n;

	if (snprintf(path, sizeof(path), "%s-shm", db_path) >= (int)sizeof(path))
		return -1;
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = pread(fd, hdr, sizeof(hdr), 0);
	close(fd);
	return n == (ssize_t)sizeof(hdr) ? (long long)hdr[2] : -1;
}

/* ---- files ---- */

static const char *fs_name(const char *dir)
{
	struct statfs sf;

	if (statfs(dir, &sf))
		return "unknown filesystem";
	switch ((unsigned long)sf.f_type) {
	case 0xEF53UL: return "ext4";
	case 0x58465342UL: return "xfs";
	case 0x9123683EUL: return "btrfs";
	case 0x01021994UL: return "tmpfs";
	case 0x794C7630UL: return "overlayfs";
	case 0x2FC12FC1UL: return "zfs";
	default: return "another filesystem";
	}
}

/* Removes a temporary folder the benchmark made, and the folders in it (the server's audio
 * cache). */
static void remove_dir(const char *dir)
{
	char path[4096];
	struct dirent *e;
	struct stat st;
	DIR *d = opendir(dir);

	if (d) {
		while ((e = readdir(d))) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >=
			    (int)sizeof(path))
				continue;
			if (!lstat(path, &st) && S_ISDIR(st.st_mode))
				remove_dir(path);
			else
				unlink(path);
		}
		closedir(d);
	}
	if (rmdir(dir))
		fprintf(stderr, "planaloud-bench: could not remove %s: %s\n", dir, strerror(errno));
}

/* ---- the server under test ---- */

typedef struct server {
	pid_t pid;
	int out_fd; /* the server's stdout */
	int port;
	char data_dir[4096];
} server;

/* Starts bin on a free loopback port with data in data_dir and reads the port it printed.
 * The server's stderr is ours, so its own words about a failed start reach the user. */
static int server_start(server *sv, const char *bin, int port, char *err, size_t errlen)
{
	const char *key = "Kiosk page: http://localhost:";
	char portarg[16], text[4096];
	size_t used = 0;
	uint64_t deadline = now_ns() + SERVER_START_TIMEOUT_MS * NS_PER_MS;
	int fds[2], status;

	if (access(bin, X_OK)) {
		snprintf(err, errlen, "cannot run the server %.300s: %s (build it first)", bin,
			 strerror(errno));
		return -1;
	}
	if (pipe(fds)) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	snprintf(portarg, sizeof(portarg), "%d", port);
	fflush(NULL);
	sv->pid = fork();
	if (sv->pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (sv->pid == 0) {
		close(fds[0]);
		if (dup2(fds[1], STDOUT_FILENO) < 0)
			_exit(127);
		close(fds[1]);
		execl(bin, bin, "--port", portarg, "--listen", "127.0.0.1", "--data", sv->data_dir,
		      (char *)NULL);
		fprintf(stderr, "planaloud-bench: cannot run %s: %s\n", bin, strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	sv->out_fd = fds[0];
	fcntl(sv->out_fd, F_SETFD, FD_CLOEXEC);

	for (;;) {
		struct pollfd pfd = { .fd = sv->out_fd, .events = POLLIN };
		uint64_t now = now_ns();
		const char *at;
		ssize_t n;
		int r;

		text[used] = '\0';
		at = strstr(text, key);
		if (at && strchr(at, '\n')) {
			sv->port = atoi(at + strlen(key));
			if (sv->port > 0 && sv->port < 65536)
				return 0;
			snprintf(err, errlen, "the server printed a port that makes no sense");
			return -1;
		}
		if (now >= deadline) {
			snprintf(err, errlen, "the server did not say it was running within %d s",
				 SERVER_START_TIMEOUT_MS / 1000);
			return -1;
		}
		r = poll(&pfd, 1, (int)((deadline - now) / NS_PER_MS) + 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue;
		n = read(sv->out_fd, text + used, sizeof(text) - 1 - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* it stopped before it started serving: say how */
			if (waitpid(sv->pid, &status, 0) == sv->pid) {
				sv->pid = 0;
				if (WIFEXITED(status))
					snprintf(err, errlen,
						 "the server failed to start (exit status %d; its "
						 "message is above)",
						 WEXITSTATUS(status));
				else
					snprintf(err, errlen,
						 "the server failed to start (killed by signal %d)",
						 WIFSIGNALED(status) ? WTERMSIG(status) : 0);
			} else {
				snprintf(err, errlen, "the server closed its output before starting");
			}
			return -1;
		}
		used += (size_t)n;
		if (used == sizeof(text) - 1) {
			snprintf(err, errlen, "the server printed too much before its port");
			return -1;
		}
	}
}

/* Stops the server (SIGTERM; SIGKILL if it does not stop in time) and reports how it ended.
 * 0 when it stopped cleanly. */
static int server_stop(server *sv)
{
	uint64_t deadline = now_ns() + SERVER_STOP_TIMEOUT_MS * NS_PER_MS;
	char drain[4096];
	int status = 0, rc = -1;

	if (sv->pid <= 0)
		goto out;
	kill(sv->pid, SIGTERM);
	for (;;) {
		pid_t r = waitpid(sv->pid, &status, WNOHANG);

		if (r == sv->pid)
			break;
		if (r < 0 && errno != EINTR) {
			fprintf(stderr, "planaloud-bench: waitpid: %s\n", strerror(errno));
			goto out;
		}
		if (now_ns() >= deadline) {
			fprintf(stderr, "planaloud-bench: the server did not stop in %d s; killing it\n",
				SERVER_STOP_TIMEOUT_MS / 1000);
			kill(sv->pid, SIGKILL);
			waitpid(sv->pid, &status, 0);
			break;
		}
		nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
	}
	sv->pid = 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		rc = 0;
	else if (WIFEXITED(status))
		fprintf(stderr, "planaloud-bench: the server exited with status %d\n",
			WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		fprintf(stderr, "planaloud-bench: the server ended by signal %d\n",
			WTERMSIG(status));
out:
	if (sv->out_fd >= 0) {
		/* its last words ("Stopping.") are of no interest */
		while (read(sv->out_fd, drain, sizeof(drain)) > 0)
			;
		close(sv->out_fd);
		sv->out_fd = -1;
	}
	return rc;
}

/* ---- the sessions ---- */

enum phase { PH_SETUP, PH_WARMUP, PH_MEASURE, PH_DRAIN, PH_DONE, PH_FAILED };

enum sess_state {
	SS_IDLE,       /* not connected yet */
	SS_CONNECTING, /* handshake under way */
	SS_WELCOME,    /* connected; waiting for hello and the welcome page */
	SS_PLAN,       /* new_plan sent; waiting for its page */
	SS_READY,      /* has its own plan; waiting for the others */
	SS_TYPING,     /* saving answers */
	SS_NARRATING,  /* asking for narrations (narrate only) */
	SS_CLOSED,
};

/* A narrating session's steps: a fresh answer, the check page showing it, then narrate. */
enum nar_state {
	NS_OFF,
	NS_ANSWER, /* the answer sent; waiting for `saved` */
	NS_CHECK,  /* go check sent; waiting for the page */
	NS_READY,  /* on the check page with a text never narrated */
	NS_AUDIO,  /* narrate sent; waiting for `narration`, its audio frames and `narration_end` */
	NS_IDLE,   /* done */
};

enum out_kind { OUT_PLAIN, OUT_SAVE, OUT_NARRATE };

enum bench_mode {
	MODE_SAVE,
	MODE_NAR_ONE,  /* one session: uncached, then cached, N times */
	MODE_NAR_LOAD, /* typists, and narrators in bursts during the second half */
};

typedef struct bench bench;

typedef struct sess {
	bench *b;
	struct lws *wsi;
	unsigned index;
	enum sess_state state;
	int got_hello;
	buf rx;
	lws_sorted_usec_list_t think; /* the pause before the next save */

	unsigned char out[LWS_PRE + OUT_MAX];
	size_t out_len;
	int out_pending;
	enum out_kind out_kind;
	int rx_in_msg, rx_binary; /* inside a message from the server, and whether it is binary */

	typist t;
	unsigned long long seq;
	unsigned long long inflight; /* seq of the save awaiting `saved`, 0 when none */
	uint64_t sent_at;

	/* narrate */
	int narrator;
	enum nar_state ns;
	unsigned long long nar_seq; /* the seq awaited: the answer's, go's or narrate's */
	char text[PARAGRAPH_MAX];   /* the answer on the check page now */
	int nar_repeat;		    /* the narrate in flight asks again for the same text */
	uint64_t nar_sent, nar_json_at, nar_first_at, nar_step_at;
	int nar_got_json;		    /* `narration` has come */
	uint32_t nar_n;			    /* its n, which starts each of its audio frames */
	size_t nar_bytes;		    /* PCM bytes of its frames so far (without their n) */
	unsigned nar_frames;		    /* its audio frames so far */
	size_t nar_first_bytes;		    /* PCM bytes in its first frame */
	unsigned char rx_head[4];	    /* the binary message's n, as it comes */
	size_t rx_head_len, rx_frame_bytes; /* of that n; PCM bytes of this message so far */
} sess;

typedef struct samples {
	uint64_t *v; /* latencies in ns */
	size_t n, cap;
} samples;

struct bench {
	struct lws_context *ctx;
	lws_sorted_usec_list_t tick;
	sess *s;
	unsigned n;
	int port;
	int think_ms;
	uint64_t measure_ns;
	const char *db_path; /* the server's database, when we started it; NULL otherwise */
	pid_t server_pid;

	enum phase phase;
	char fail[ERR_LEN];
	unsigned next_connect, connecting, connected, ready;
	unsigned long inflight;
	uint64_t setup_deadline, t_warm, t_measure, t_end;

	samples lat;
	unsigned long long acks_total; /* every `saved`, warm-up and drain too */
	unsigned long long errors, unexpected;
	char first_error[128];
	uint64_t max_lat, max_at; /* the slowest measured save, and when it was sent (after
				     t_measure) */
	unsigned max_session;
	unsigned long long unanswered;

	long long commits_start, commits_end;
	double cpu_self_start, cpu_self_end, cpu_server_start, cpu_server_end;
	double cpu_all_start, cpu_all_end; /* every process on the machine */
	double cpu_children_start, cpu_children_end; /* espeak-ng programs (narrate) */
	uint64_t t_done;

	/* narrate */
	enum bench_mode mode;
	unsigned n_typists;	  /* sessions [0, n_typists) type; the rest narrate */
	unsigned nar_ready;	  /* narrators on the check page with a fresh text */
	unsigned text_no;	  /* the number in the last paragraph made */
	unsigned cycle;		  /* MODE_NAR_LOAD --cached-load: the texts 1..cycle, in turn */
	char voice[64];		  /* the first of hello.voices */
	int has_normal;		  /* hello.speeds has "normal" */
	unsigned runs, runs_done; /* MODE_NAR_ONE: measured runs; the first run is a warm-up */
	uint64_t deadline;	  /* MODE_NAR_ONE: the whole run */
	samples nar_uncached, nar_cached, nar_uncached_json, nar_cached_json;
	samples nar_uncached_all, nar_cached_all; /* to `narration_end`: all the audio is in */
	samples nar_uncached_frames, nar_cached_frames; /* audio frames per narration */
	samples nar_uncached_first_bytes; /* PCM bytes in an uncached narration's first frame */
	int sample_rate;
	size_t audio_samples;	    /* of the last text */
	uint64_t t_split, burst_ns; /* MODE_NAR_LOAD: when the second half starts; burst period */
	unsigned bursts, bursts_fired;
	unsigned burst_size, next_narrator; /* narrations at once; where the next burst looks */
	samples lat_b, nar_load; /* saves sent in the second half; narration under load */
	samples nar_load_all;	 /* to `narration_end`, under load */
	unsigned long long nar_fired, nar_skipped, nar_inflight, nar_wrong_cache;
	unsigned long long nar_frames_total, nar_done; /* audio frames, finished narrations */
	size_t nar_frame_max;			       /* PCM bytes in the largest frame */
	/* MODE_NAR_LOAD runs the typists and the narrators in two client processes, as they would
	 * be two sets of browsers: the narrators' audio is not read by the loop that times the
	 * saves. A pipe each way: the child says it is ready, the parent says when to start. */
	struct {
		int active, is_child, ready;
		int rd, wr;
		pid_t pid; /* the child, in the parent */
		double cpu_start, cpu_end;
	} peer;
};

static void bench_fail(bench *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void bench_fail(bench *b, const char *fmt, ...)
{
	va_list ap;

	if (b->phase == PH_FAILED)
		return;
	va_start(ap, fmt);
	vsnprintf(b->fail, sizeof(b->fail), fmt, ap);
	va_end(ap);
	b->phase = PH_FAILED;
	if (b->ctx)
		lws_cancel_service(b->ctx);
}

static int samples_add(samples *sm, uint64_t v)
{
	if (sm->n == sm->cap) {
		size_t cap = sm->cap ? sm->cap * 2 : 65536;
		uint64_t *nv = realloc(sm->v, cap * sizeof(*nv));

		if (!nv)
			return -1;
		sm->v = nv;
		sm->cap = cap;
	}
	sm->v[sm->n++] = v;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Exact percentile by nearest rank over sorted samples, in ms. */
static double percentile_ms(const samples *sm, double p)
{
	size_t rank;

	if (!sm->n)
		return 0;
	rank = (size_t)((p / 100.0) * (double)sm->n + 0.999999999);
	if (rank < 1)
		rank = 1;
	if (rank > sm->n)
		rank = sm->n;
	return (double)sm->v[rank - 1] / (double)NS_PER_MS;
}

/* How many sorted samples exceed limit. */
static size_t count_over(const samples *sm, uint64_t limit)
{
	size_t lo = 0, hi = sm->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (sm->v[mid] <= limit)
			lo = mid + 1;
		else
			hi = mid;
	}
	return sm->n - lo;
}

static void sess_queue(sess *s, enum out_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Puts one message in the session's out slot and asks for a writable callback. */
static void sess_queue(sess *s, enum out_kind kind, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf((char *)s->out + LWS_PRE, OUT_MAX, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= OUT_MAX) {
		bench_fail(s->b, "a message did not fit in the send buffer");
		return;
	}
	if (s->out_pending) {
		bench_fail(s->b, "session %u: a message was queued before the last one went",
			   s->index);
		return;
	}
	s->out_len = (size_t)n;
	s->out_pending = 1;
	s->out_kind = kind;
	lws_callback_on_writable(s->wsi);
}

/* The next keystrokes' save, unless the measurement is over. */
static void sess_save(sess *s)
{
	bench *b = s->b;

	if (b->phase >= PH_DRAIN || s->state != SS_TYPING || now_ns() >= b->t_end)
		return;
	typist_type(&s->t);
	sess_queue(s, OUT_SAVE,
		   "{\"type\":\"answer\",\"seq\":%llu,\"page\":\"" ANSWER_PAGE
		   "\",\"value\":\"%s\"}",
		   ++s->seq, s->t.value);
}

static void think_done(lws_sorted_usec_list_t *sul)
{
	sess_save(lws_container_of(sul, sess, think));
}

static void sess_after_ack(sess *s)
{
	if (s->b->think_ms > 0)
		lws_sul_schedule(s->b->ctx, 0, &s->think, think_done,
				 (lws_usec_t)s->b->think_ms * LWS_US_PER_MS);
	else
		sess_save(s);
}

static void connect_more(bench *b)
{
	while (b->phase == PH_SETUP && b->next_connect < b->n && b->connecting < MAX_CONNECTING) {
		sess *s = &b->s[b->next_connect++];
		struct lws_client_connect_info ci;

		memset(&ci, 0, sizeof(ci));
		ci.context = b->ctx;
		ci.address = "127.0.0.1";
		ci.port = b->port;
		ci.path = "/ws";
		ci.host = "127.0.0.1";
		ci.ssl_connection = 0;
		ci.protocol = "planaloud";
		ci.local_protocol_name = "planaloud";
		ci.userdata = s;
		ci.pwsi = &s->wsi;
		s->state = SS_CONNECTING;
		b->connecting++;
		if (!lws_client_connect_via_info(&ci) && s->state == SS_CONNECTING) {
			/* failed before any callback said so */
			s->state = SS_CLOSED;
			b->connecting--;
			bench_fail(b, "cannot connect to 127.0.0.1:%d", b->port);
		}
	}
}

/* ---- narrating sessions ---- */

static void bench_finish(bench *b);

/* The text of the {"id","text"} object with that id anywhere in a page, or NULL. */
static const char *find_text(const cJSON *node, const char *id)
{
	const cJSON *child;
	const char *got = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(node, "id"));

	if (got && !strcmp(got, id))
		return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(node, "text"));
	cJSON_ArrayForEach(child, node)
	{
		const char *t;

		if ((cJSON_IsObject(child) || cJSON_IsArray(child)) && (t = find_text(child, id)))
			return t;
	}
	return NULL;
}

/* A new answer never said before, then the check page that shows it. */
static void nar_prepare(sess *s)
{
	bench *b = s->b;

	snprintf(s->text, sizeof(s->text), PARAGRAPH,
		 b->cycle ? 1 + b->text_no++ % b->cycle : ++b->text_no);
	s->ns = NS_ANSWER;
	s->nar_step_at = now_ns();
	s->nar_seq = ++s->seq;
	sess_queue(s, OUT_PLAIN,
		   "{\"type\":\"answer\",\"seq\":%llu,\"page\":\"" ANSWER_PAGE
		   "\",\"value\":\"%s\"}",
		   s->nar_seq, s->text);
}

/* Asks for the answer on the check page to be read aloud; the clock starts as it is written. */
static void nar_fire(sess *s, int repeat)
{
	bench *b = s->b;

	if (s->ns == NS_READY && !repeat)
		b->nar_ready--;
	s->ns = NS_AUDIO;
	s->nar_repeat = repeat;
	s->nar_got_json = 0;
	s->nar_n = 0;
	s->nar_bytes = 0;
	s->nar_frames = 0;
	s->nar_first_bytes = 0;
	s->nar_first_at = 0;
	s->nar_sent = 0;
	s->nar_step_at = now_ns();
	s->nar_seq = ++s->seq;
	b->nar_inflight++;
	sess_queue(s, OUT_NARRATE,
		   "{\"type\":\"narrate\",\"seq\":%llu,\"ids\":[\"answer/" ANSWER_PAGE
		   "\"],\"voice\":\"%s\",\"speed\":\"normal\"}",
		   s->nar_seq, b->voice);
}

static void nar_json(sess *s, const cJSON *m, const char *type, unsigned long long seq);
static void nar_words(sess *s, const cJSON *m, unsigned long long seq);

/* A narrating session's message; 1 when it was one the session was waiting for. */
static int nar_message(sess *s, const cJSON *m, const char *type, unsigned long long seq)
{
	bench *b = s->b;

	if (!strcmp(type, "saved") && s->ns == NS_ANSWER && seq == s->nar_seq) {
		s->ns = NS_CHECK;
		s->nar_step_at = now_ns();
		s->nar_seq = ++s->seq;
		sess_queue(s, OUT_PLAIN, "{\"type\":\"go\",\"to\":\"check\",\"seq\":%llu}",
			   s->nar_seq);
		return 1;
	}
	if (!strcmp(type, "page") && s->ns == NS_CHECK) {
		const cJSON *pg = cJSON_GetObjectItemCaseSensitive(m, "page");
		const char *kind =
		    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(pg, "kind"));
		const char *shown = find_text(pg, "answer/" ANSWER_PAGE);

		if (!kind || strcmp(kind, "check")) {
			bench_fail(b, "session %u: go check brought a %s page", s->index,
				   kind ? kind : "strange");
			return 1;
		}
		if (!shown || strcmp(shown, s->text)) {
			bench_fail(b,
				   "session %u: the check page does not show the answer just saved",
				   s->index);
			return 1;
		}
		s->ns = NS_READY;
		b->nar_ready++;
		if (b->mode == MODE_NAR_ONE && b->phase == PH_MEASURE)
			nar_fire(s, 0);
		return 1;
	}
	if (!strcmp(type, "narration") || !strcmp(type, "narration_end")) {
		nar_json(s, m, type, seq);
		return 1;
	}
	if (!strcmp(type, "narration_words")) {
		nar_words(s, m, seq);
		return 1;
	}
	return 0;
}

/* The narration's n in a message, or -1 when it has none that fits in 32 bits. */
static long long msg_n(const cJSON *m)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(m, "n");

	if (!cJSON_IsNumber(n) || n->valuedouble < 0 || n->valuedouble > 4294967295.0 ||
	    n->valuedouble != (double)(uint32_t)n->valuedouble)
		return -1;
	return (long long)n->valuedouble;
}

/* The failed form of `narration` or `narration_end`: fails the benchmark loudly. */
static int nar_failed(sess *s, const cJSON *m, const char *type)
{
	const char *why;

	if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(m, "failed")))
		return 0;
	why = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, "message"));
	bench_fail(s->b, "session %u: the narration failed (%s%s): %s", s->index, type,
		   strcmp(type, "narration") ? " after some audio" : ", before any audio",
		   why ? why : "no reason given");
	return 1;
}

/* `words` of narration_end: one [start, length, ms] of numbers per spoken word, at least one. */
static int words_ok(const cJSON *words)
{
	const cJSON *w;

	if (!cJSON_IsArray(words) || cJSON_GetArraySize(words) < 1)
		return 0;
	cJSON_ArrayForEach(w, words)
	{
		const cJSON *x;

		if (!cJSON_IsArray(w) || cJSON_GetArraySize(w) != 3)
			return 0;
		cJSON_ArrayForEach(x, w)
		{
			if (!cJSON_IsNumber(x) || x->valuedouble < 0)
				return 0;
		}
	}
	return 1;
}

static void nar_done(sess *s, uint64_t at);

/* `narration_words`, between `narration` and `narration_end`: a finished sentence's words. */
static void nar_words(sess *s, const cJSON *m, unsigned long long seq)
{
	if (s->ns != NS_AUDIO || seq != s->nar_seq || !s->nar_got_json) {
		bench_fail(s->b, "session %u: narration_words outside a narration (seq %llu)",
			   s->index, seq);
		return;
	}
	if (msg_n(m) != (long long)s->nar_n ||
	    !words_ok(cJSON_GetObjectItemCaseSensitive(m, "words"))) {
		bench_fail(s->b, "session %u: narration_words without its n or words ([start, "
				 "length, ms] for each)",
			   s->index);
		return;
	}
}

/* `narration` (which text, how it sounds; the audio frames follow) or `narration_end` (all the
 * audio has come: how much, and the words' timings). Anything out of order fails the run. */
static void nar_json(sess *s, const cJSON *m, const char *type, unsigned long long seq)
{
	bench *b = s->b;
	const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, "id"));
	long long n = msg_n(m);
	int end = !strcmp(type, "narration_end");

	if (s->ns != NS_AUDIO || seq != s->nar_seq) {
		bench_fail(b, "session %u: a %s nothing asked for (seq %llu)", s->index, type, seq);
		return;
	}
	if (end != s->nar_got_json) {
		bench_fail(b, "session %u: %s", s->index,
			   end ? "narration_end before its narration" : "a second narration");
		return;
	}
	if (nar_failed(s, m, type))
		return;
	if (!id || strcmp(id, "answer/" ANSWER_PAGE)) {
		bench_fail(b, "session %u: a %s for %s, not answer/" ANSWER_PAGE, s->index, type,
			   id ? id : "no id");
		return;
	}
	if (n < 0) {
		bench_fail(b, "session %u: a %s without its n", s->index, type);
		return;
	}
	if (!end) {
		const cJSON *rate = cJSON_GetObjectItemCaseSensitive(m, "sample_rate");
		const cJSON *cached = cJSON_GetObjectItemCaseSensitive(m, "cached");

		if (!cJSON_IsNumber(rate) || rate->valuedouble < 1 || !cJSON_IsBool(cached)) {
			bench_fail(b, "session %u: a narration without sample_rate or cached",
				   s->index);
			return;
		}
		s->nar_json_at = now_ns();
		s->nar_got_json = 1;
		s->nar_n = (uint32_t)n;
		b->sample_rate = (int)rate->valuedouble;
		if (cJSON_IsTrue(cached) != (s->nar_repeat || b->cycle))
			b->nar_wrong_cache++;
	} else {
		uint64_t at = now_ns();
		const cJSON *samples_n = cJSON_GetObjectItemCaseSensitive(m, "samples");
		const cJSON *dur = cJSON_GetObjectItemCaseSensitive(m, "duration_ms");

		if ((uint32_t)n != s->nar_n) {
			bench_fail(b,
				   "session %u: narration_end says n %lld, its narration said %u",
				   s->index, n, s->nar_n);
			return;
		}
		if (!cJSON_IsNumber(samples_n) || samples_n->valuedouble < 1 ||
		    !cJSON_IsNumber(dur)) {
			bench_fail(b, "session %u: a narration_end without samples or duration_ms",
				   s->index);
			return;
		}
		if (!words_ok(cJSON_GetObjectItemCaseSensitive(m, "words"))) {
			bench_fail(b,
				   "session %u: a narration_end without words ([start, length, ms] "
				   "for each)",
				   s->index);
			return;
		}
		if (!s->nar_frames || s->nar_bytes != (size_t)samples_n->valuedouble * 2) {
			bench_fail(
			    b,
			    "session %u: %zu bytes of audio in %u frames where narration_end "
			    "said %.0f samples (%.0f bytes)",
			    s->index, s->nar_bytes, s->nar_frames, samples_n->valuedouble,
			    samples_n->valuedouble * 2);
			return;
		}
		b->audio_samples = (size_t)samples_n->valuedouble;
		nar_done(s, at);
	}
}

/* The first audio byte of the narration: its first binary frame's first PCM. */
static void nar_audio_start(sess *s, uint64_t at)
{
	bench *b = s->b;
	uint64_t first = at - s->nar_sent;

	s->nar_first_at = at;
	if (b->mode == MODE_NAR_ONE) {
		if (b->runs_done == 0) /* the warm-up */
			return;
		if (samples_add(s->nar_repeat ? &b->nar_cached : &b->nar_uncached, first) ||
		    samples_add(s->nar_repeat ? &b->nar_cached_json : &b->nar_uncached_json,
				s->nar_json_at - s->nar_sent))
			bench_fail(b, "out of memory for the samples");
	} else if (samples_add(&b->nar_load, first)) {
		bench_fail(b, "out of memory for the samples");
	}
}

/* A piece of a binary message: a frame's 4-byte n (checked as soon as it is whole), then PCM. */
static void nar_audio_bytes(sess *s, const unsigned char *in, size_t len, uint64_t at)
{
	bench *b = s->b;

	while (len && s->rx_head_len < sizeof(s->rx_head)) {
		s->rx_head[s->rx_head_len++] = *in++;
		len--;
		if (s->rx_head_len == sizeof(s->rx_head)) {
			uint32_t n = (uint32_t)s->rx_head[0] | (uint32_t)s->rx_head[1] << 8 |
				     (uint32_t)s->rx_head[2] << 16 | (uint32_t)s->rx_head[3] << 24;

			if (n != s->nar_n) {
				bench_fail(b,
					   "session %u: an audio frame with n %u in narration %u",
					   s->index, n, s->nar_n);
				return;
			}
		}
	}
	if (!len)
		return;
	if (!s->nar_first_at)
		nar_audio_start(s, at);
	s->rx_frame_bytes += len;
	s->nar_bytes += len; /* audio is counted, not kept */
}

/* The last byte of a binary message: one audio frame is whole. */
static void nar_frame_done(sess *s)
{
	bench *b = s->b;

	if (s->rx_head_len < sizeof(s->rx_head) || !s->rx_frame_bytes || (s->rx_frame_bytes & 1)) {
		bench_fail(b,
			   "session %u: an audio frame of %zu bytes: not a 4-byte n and 16-bit "
			   "samples",
			   s->index, s->rx_head_len + s->rx_frame_bytes);
		return;
	}
	if (!s->nar_frames++)
		s->nar_first_bytes = s->rx_frame_bytes;
	b->nar_frames_total++;
	if (s->rx_frame_bytes > b->nar_frame_max)
		b->nar_frame_max = s->rx_frame_bytes;
}

/* `narration_end` has come: the narration is whole. */
static void nar_done(sess *s, uint64_t at)
{
	bench *b = s->b;
	uint64_t all = at - s->nar_sent;
	int bad = 0;

	b->nar_inflight--;
	b->nar_done++;
	if (b->mode == MODE_NAR_ONE && b->runs_done > 0) {
		bad = samples_add(s->nar_repeat ? &b->nar_cached_all : &b->nar_uncached_all, all) ||
		      samples_add(s->nar_repeat ? &b->nar_cached_frames : &b->nar_uncached_frames,
				  s->nar_frames) ||
		      (!s->nar_repeat &&
		       samples_add(&b->nar_uncached_first_bytes, s->nar_first_bytes));
	} else if (b->mode == MODE_NAR_LOAD) {
		bad = samples_add(&b->nar_load_all, all);
	}
	if (bad) {
		bench_fail(b, "out of memory for the samples");
		return;
	}
	if (b->mode == MODE_NAR_ONE) {
		if (!s->nar_repeat) {
			nar_fire(s, 1); /* the same text again: now from the cache */
			return;
		}
		if (++b->runs_done > b->runs) {
			s->ns = NS_IDLE;
			bench_finish(b);
			return;
		}
		nar_prepare(s);
	} else if (b->phase < PH_DRAIN) {
		nar_prepare(s); /* ready for the next burst */
	} else {
		s->ns = NS_IDLE;
	}
}

/* One whole message from the server. */
static void sess_message(sess *s, const char *text, size_t len)
{
	bench *b = s->b;
	cJSON *m = cJSON_ParseWithLength(text, len);
	const cJSON *jt = cJSON_GetObjectItemCaseSensitive(m, "type");
	const cJSON *js = cJSON_GetObjectItemCaseSensitive(m, "seq");
	const char *type = cJSON_IsString(jt) ? jt->valuestring : "";
	unsigned long long seq = cJSON_IsNumber(js) ? (unsigned long long)js->valuedouble : 0;

	if (!cJSON_IsObject(m)) {
		bench_fail(b, "session %u: the server sent something that is not a JSON object",
			   s->index);
		goto out;
	}
	if (s->narrator && s->state == SS_NARRATING && nar_message(s, m, type, seq))
		goto out;
	if (!strcmp(type, "saved") && s->state == SS_TYPING && s->inflight && seq == s->inflight) {
		uint64_t now = now_ns(), lat = now - s->sent_at;

		s->inflight = 0;
		b->inflight--;
		b->acks_total++;
		if (b->t_split && s->sent_at >= b->t_split && s->sent_at < b->t_end) {
			/* narrate: the second half, beside narration */
			if (samples_add(&b->lat_b, lat)) {
				bench_fail(b, "out of memory for the latency samples");
				goto out;
			}
		} else if (s->sent_at >= b->t_measure && s->sent_at < b->t_end) {
			if (samples_add(&b->lat, lat)) {
				bench_fail(b, "out of memory for the latency samples");
				goto out;
			}
			if (lat > b->max_lat) {
				b->max_lat = lat;
				b->max_at = s->sent_at - b->t_measure;
				b->max_session = s->index;
			}
		}
		sess_after_ack(s);
	} else if (!strcmp(type, "error")) {
		const cJSON *code = cJSON_GetObjectItemCaseSensitive(m, "code");

		b->errors++;
		if (!b->first_error[0])
			snprintf(b->first_error, sizeof(b->first_error), "%s (session %u, seq %llu)",
				 cJSON_IsString(code) ? code->valuestring : "?", s->index, seq);
		if (s->narrator) {
			bench_fail(b,
				   "session %u: the server answered a narration step with error %s",
				   s->index, cJSON_IsString(code) ? code->valuestring : "?");
		} else if (s->state == SS_TYPING && s->inflight && seq == s->inflight) {
			/* the save was refused: keep typing, the error is reported */
			s->inflight = 0;
			b->inflight--;
			sess_after_ack(s);
		} else if (s->state != SS_TYPING) {
			bench_fail(b, "session %u: the server answered with error %s while opening "
				      "a plan",
				   s->index, cJSON_IsString(code) ? code->valuestring : "?");
		}
	} else if (!strcmp(type, "hello")) {
		const cJSON *vlist = cJSON_GetObjectItemCaseSensitive(m, "voices");
		const cJSON *speeds = cJSON_GetObjectItemCaseSensitive(m, "speeds"), *sp;
		const char *first = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(vlist, 0), "name"));

		s->got_hello = 1;
		if (!b->voice[0] && first && strlen(first) < sizeof(b->voice) &&
		    !strpbrk(first, "\"\\"))
			snprintf(b->voice, sizeof(b->voice), "%s", first);
		cJSON_ArrayForEach(sp, speeds)
		{
			if (cJSON_IsString(sp) && !strcmp(sp->valuestring, "normal"))
				b->has_normal = 1;
		}
	} else if (!strcmp(type, "page") && s->state == SS_WELCOME && s->got_hello) {
		/* the welcome page: start a plan of this session's own */
		s->state = SS_PLAN;
		sess_queue(s, OUT_PLAIN, "{\"type\":\"new_plan\",\"seq\":%llu}", ++s->seq);
	} else if (!strcmp(type, "page") && s->state == SS_PLAN && seq == s->seq) {
		s->state = SS_READY;
		b->ready++;
		if (s->narrator) {
			if (!b->voice[0] || !b->has_normal) {
				bench_fail(b,
					   "the server's hello lists no voices or no normal speed: "
					   "is narration off?");
				goto out;
			}
			s->state = SS_NARRATING;
			nar_prepare(s);
		}
	} else {
		b->unexpected++;
	}
out:
	cJSON_Delete(m);
}

static int callback_bench(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
			  size_t len)
{
	sess *s = user;
	bench *b;

	if (!s) /* context-wide callbacks: nothing to do */
		return 0;
	b = s->b;
	switch (reason) {
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		if (s->state == SS_CONNECTING)
			b->connecting--;
		s->state = SS_CLOSED;
		s->wsi = NULL;
		bench_fail(b, "session %u could not connect to 127.0.0.1:%d: %s", s->index, b->port,
			   in ? (const char *)in : "no reason given");
		break;

	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		b->connecting--;
		b->connected++;
		s->state = SS_WELCOME;
		connect_more(b);
		break;

	case LWS_CALLBACK_CLIENT_RECEIVE: {
		uint64_t at = now_ns();
		int last = lws_is_final_fragment(wsi) && !lws_remaining_packet_payload(wsi);

		if (!s->rx_in_msg) { /* the first bytes of a message */
			s->rx_in_msg = 1;
			s->rx_binary = lws_frame_is_binary(wsi);
			buf_reset(&s->rx);
			s->rx_head_len = 0;
			s->rx_frame_bytes = 0;
			if (s->rx_binary &&
			    (s->ns != NS_AUDIO || !s->nar_got_json || !s->nar_sent)) {
				bench_fail(b, "session %u: audio that nothing announced", s->index);
				return -1;
			}
		}
		if (s->rx_binary) {
			nar_audio_bytes(s, in, len, at);
		} else if (buf_append(&s->rx, in, len)) {
			bench_fail(b, "out of memory");
			return -1;
		}
		if (last) {
			s->rx_in_msg = 0;
			if (s->rx_binary) {
				nar_frame_done(s);
			} else {
				sess_message(s, buf_str(&s->rx), s->rx.len);
				buf_reset(&s->rx);
			}
		}
		break;
	}

	case LWS_CALLBACK_CLIENT_WRITEABLE:
		if (!s->out_pending)
			break;
		s->out_pending = 0;
		if (s->out_kind == OUT_SAVE) {
			s->sent_at = now_ns();
			s->inflight = s->seq;
			b->inflight++;
		} else if (s->out_kind == OUT_NARRATE) {
			s->nar_sent = now_ns();
		}
		if (lws_write(wsi, s->out + LWS_PRE, s->out_len, LWS_WRITE_TEXT) <
		    (int)s->out_len) {
			bench_fail(b, "session %u: sending failed", s->index);
			return -1;
		}
		break;

	case LWS_CALLBACK_CLIENT_CLOSED:
		if (s->state != SS_CLOSED && b->phase < PH_DONE)
			bench_fail(b, "the server closed session %u", s->index);
		if (s->inflight) {
			s->inflight = 0;
			b->inflight--;
			b->unanswered++;
		}
		s->state = SS_CLOSED;
		s->wsi = NULL;
		break;

	default:
		break;
	}
	return 0;
}

static const struct lws_protocols bench_protocols[] = {
	{ "planaloud", callback_bench, 0, 65536, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 },
};

static void bench_start_typing(bench *b)
{
	uint32_t rng = 12345;

	b->t_warm = now_ns();
	b->t_measure = b->t_warm + WARMUP_NS;
	b->t_end = b->t_measure + b->measure_ns;
	if (b->mode == MODE_NAR_LOAD) /* saves alone, then saves beside narration */
		b->t_split = b->t_measure + b->measure_ns / 2;
	if (b->peer.active) { /* the narrating client: when its bursts start and stop */
		uint64_t when[2] = { b->t_split, b->t_end };

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

static void bench_finish(bench *b)
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

/* 20 narrations at once: the next 20 narrating sessions that are ready ask for their texts
 * now. There are more narrating sessions than that, taken in turn, so that a burst does not
 * wait for the last one's audio (people press Listen whether or not others are listening). */
static void nar_burst(bench *b)
{
	unsigned pool = b->n - b->n_typists, fired = 0;

	b->bursts_fired++;
	for (unsigned k = 0; k < pool && fired < b->burst_size; k++) {
		sess *s = &b->s[b->n_typists + (b->next_narrator + k) % pool];

		if (s->ns == NS_READY) {
			nar_fire(s, 0);
			fired++;
		}
	}
	b->next_narrator = (b->next_narrator + fired) % pool;
	b->nar_fired += fired;
	b->nar_skipped += b->burst_size - fired; /* every session still busy */
}

/* A narrating session stuck on one step. */
static void nar_check_stuck(bench *b, uint64_t now)
{
	for (unsigned i = b->n_typists; i < b->n; i++) {
		const sess *s = &b->s[i];

		if (s->ns != NS_OFF && s->ns != NS_READY && s->ns != NS_IDLE &&
		    now - s->nar_step_at > NARRATE_STEP_TIMEOUT_NS) {
			bench_fail(b, "session %u: no answer from the server in %llu s (%s)",
				   s->index,
				   (unsigned long long)(NARRATE_STEP_TIMEOUT_NS / NS_PER_S),
				   s->ns == NS_ANSWER  ? "saving the answer"
				   : s->ns == NS_CHECK ? "going to the check page"
				   : s->nar_got_json   ? "the audio and narration_end"
						       : "the narration");
			return;
		}
	}
}

/* The phase clock for narrate's one session: uncached, cached, again and again. */
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

/* The phase clock: moves from one phase to the next as deadlines pass. */
static void tick(lws_sorted_usec_list_t *sul)
{
	bench *b = lws_container_of(sul, bench, tick);
	uint64_t now = now_ns();

	if (interrupted)
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
				   (unsigned long long)(SETUP_TIMEOUT_NS / NS_PER_S), b->connected, b->n,
				   b->ready);
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

/* Raises the open-file limit so that n connections fit (the server inherits it too). */
static void raise_fd_limit(unsigned n)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)n * 2 + 256;

	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		fprintf(stderr, "planaloud-bench: could not raise the open-file limit: %s\n",
			strerror(errno));
}

static int bench_run(bench *b)
{
	struct lws_context_creation_info info;
	int rc = -1;

	lws_set_log_level(LLL_ERR, NULL);
	memset(&info, 0, sizeof(info));
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = bench_protocols;
	/* No fd_limit_per_thread: below the open-file limit it turns lws's lookup of a connection
	 * by its socket into a walk over every slot, on every event (lws 4.1 wsi_from_fd), and the
	 * clients would spend the CPUs' time the server is measured on. */
	if (b->mode != MODE_SAVE)
		/* lws reads at most this much from a connection per turn of the loop (4 KiB by
		 * default): the audio frames would then crawl in behind 200 typists' replies,
		 * which a browser's socket reads do not do */
		info.pt_serv_buf_size = 65536;
	info.user = b;
	b->ctx = lws_create_context(&info);
	if (!b->ctx) {
		bench_fail(b, "libwebsockets could not start a client context");
		return -1;
	}
	signal_ctx = b->ctx;
	b->setup_deadline = now_ns() + SETUP_TIMEOUT_NS;
	if (b->mode == MODE_SAVE)
		b->n_typists = b->n;
	for (unsigned i = 0; i < b->n; i++) {
		b->s[i].b = b;
		b->s[i].index = i;
		b->s[i].narrator = i >= b->n_typists;
		buf_init(&b->s[i].rx);
		typist_init(&b->s[i].t, i);
	}
	connect_more(b);
	lws_sul_schedule(b->ctx, 0, &b->tick, tick, TICK_US);
	while (b->phase < PH_DONE)
		if (lws_service(b->ctx, 0) < 0) {
			bench_fail(b, "the libwebsockets service loop failed");
			break;
		}
	rc = b->phase == PH_DONE ? 0 : -1;
	signal_ctx = NULL;
	lws_context_destroy(b->ctx); /* closes every connection */
	b->ctx = NULL;
	for (unsigned i = 0; i < b->n; i++)
		buf_release(&b->s[i].rx);
	return rc;
}

/* ---- the limit: single-row commits straight on SQLite ---- */

typedef struct direct_result {
	unsigned long long commits;
	double seconds;
	long long wal_counter; /* commits SQLite's wal-index counted, as a check; -1 unknown */
} direct_result;

static int exec_sql(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", sql, msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

typedef struct direct_stmts {
	sqlite3 *db;
	sqlite3_stmt *begin, *upsert, *commit;
} direct_stmts;

/* One answer's save in a transaction of its own: the k-th, by plan k % plans. */
static int direct_commit(direct_stmts *dc, typist *typists, unsigned plans, unsigned long long k,
			 char *err, size_t errlen)
{
	unsigned who = (unsigned)(k % plans);
	int ok;

	typist_type(&typists[who]);
	sqlite3_bind_int64(dc->upsert, 1, who + 1);
	sqlite3_bind_text(dc->upsert, 2, typists[who].value, (int)typists[who].len, SQLITE_STATIC);
	sqlite3_bind_int64(dc->upsert, 3, who + 1);
	ok = sqlite3_step(dc->begin) == SQLITE_DONE && sqlite3_step(dc->upsert) == SQLITE_DONE &&
	     sqlite3_step(dc->commit) == SQLITE_DONE;
	if (!ok) {
		snprintf(err, errlen, "a direct commit failed: %s", sqlite3_errmsg(dc->db));
		if (!sqlite3_get_autocommit(dc->db))
			sqlite3_exec(dc->db, "ROLLBACK", NULL, NULL, NULL);
	}
	sqlite3_reset(dc->begin);
	sqlite3_reset(dc->upsert);
	sqlite3_reset(dc->commit);
	return ok ? 0 : -1;
}

/* commits rows, one transaction each, one after another on one connection, stopping early at
 * max_ns; the table and statement are the server's answers table and upsert. */
static int direct_run(const char *dir, unsigned plans, unsigned long long commits, uint64_t max_ns,
		      direct_result *res, char *err, size_t errlen)
{
	char path[4096];
	sqlite3 *db = NULL;
	sqlite3_stmt *begin = NULL, *upsert = NULL, *commit = NULL, *plan = NULL;
	direct_stmts dc;
	typist *typists = NULL;
	uint64_t t0, deadline;
	long long counter0;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	res->wal_counter = -1;
	snprintf(path, sizeof(path), "%s/direct.db", dir);
	typists = calloc(plans, sizeof(*typists));
	if (!typists) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL)) {
		snprintf(err, errlen, "%.300s: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
		goto out;
	}
	if (exec_sql(db, "PRAGMA journal_mode = WAL", err, errlen) ||
	    exec_sql(db, "PRAGMA synchronous = FULL", err, errlen) ||
	    exec_sql(db, "PRAGMA foreign_keys = ON", err, errlen) ||
	    exec_sql(db,
		     "CREATE TABLE plans (id INTEGER PRIMARY KEY);"
		     "CREATE TABLE answers ("
		     "  plan_id INTEGER NOT NULL REFERENCES plans(id),"
		     "  page TEXT NOT NULL,"
		     "  item_id INTEGER NOT NULL DEFAULT 0,"
		     "  field TEXT NOT NULL DEFAULT '',"
		     "  value TEXT NOT NULL,"
		     "  visit_id INTEGER,"
		     "  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),"
		     "  PRIMARY KEY (plan_id, page, item_id, field)"
		     ") WITHOUT ROWID;",
		     err, errlen))
		goto out;
	if (sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &begin, NULL) ||
	    sqlite3_prepare_v2(db, "COMMIT", -1, &commit, NULL) ||
	    sqlite3_prepare_v2(db, "INSERT INTO plans (id) VALUES (?)", -1, &plan, NULL) ||
	    sqlite3_prepare_v2(
		    db,
		    "INSERT INTO answers (plan_id, page, item_id, field, value, visit_id) "
		    "VALUES (?, '" ANSWER_PAGE "', 0, '', ?, ?) "
		    "ON CONFLICT (plan_id, page, item_id, field) DO UPDATE SET "
		    "value = excluded.value, visit_id = excluded.visit_id, "
		    "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')",
		    -1, &upsert, NULL)) {
		snprintf(err, errlen, "preparing: %s", sqlite3_errmsg(db));
		goto out;
	}
	/* the plans exist already, as in the server: made in one go, not timed */
	if (exec_sql(db, "BEGIN", err, errlen))
		goto out;
	for (unsigned i = 0; i < plans; i++) {
		typist_init(&typists[i], i);
		sqlite3_bind_int64(plan, 1, i + 1);
		if (sqlite3_step(plan) != SQLITE_DONE) {
			snprintf(err, errlen, "making plans: %s", sqlite3_errmsg(db));
			goto out;
		}
		sqlite3_reset(plan);
	}
	if (exec_sql(db, "COMMIT", err, errlen))
		goto out;
	dc = (direct_stmts){ db, begin, upsert, commit };

	/* a warm-up, as the server had: the first commits also grow the WAL file, which costs
	 * more than the steady state of a reused WAL */
	deadline = now_ns() + WARMUP_NS;
	for (unsigned long long k = 0; now_ns() < deadline && !interrupted; k++)
		if (direct_commit(&dc, typists, plans, k, err, errlen))
			goto out;
	counter0 = wal_commit_counter(path);
	t0 = now_ns();
	deadline = t0 + max_ns;
	for (unsigned long long k = 0; k < commits && !interrupted; k++) {
		if ((k & 15) == 0 && now_ns() >= deadline)
			break;
		if (direct_commit(&dc, typists, plans, k, err, errlen))
			goto out;
		res->commits++;
	}
	res->seconds = (double)(now_ns() - t0) / (double)NS_PER_S;
	if (counter0 >= 0 && wal_commit_counter(path) >= 0)
		res->wal_counter = (long long)(uint32_t)(wal_commit_counter(path) - counter0);
	rc = 0;
out:
	sqlite3_finalize(begin);
	sqlite3_finalize(upsert);
	sqlite3_finalize(commit);
	sqlite3_finalize(plan);
	sqlite3_close(db);
	free(typists);
	return rc;
}

/* ---- narration's yardsticks ---- */

/* The server reads every fixed text into its audio cache when it starts. Waits until /healthz
 * says it has ("prerendered" equal to "texts"), so that nothing measured shares the synthesis
 * thread with that. 0 when done (*texts 0 when the server does not say), -1 on a timeout. */
static int server_wait_ready(int port, size_t *texts, char *err, size_t errlen)
{
	static const char req[] = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
				  "Connection: close\r\n\r\n";
	uint64_t deadline = now_ns() + READY_TIMEOUT_MS * NS_PER_MS;
	char last[256] = "no answer";

	*texts = 0;
	while (!interrupted) {
		struct sockaddr_in sa;
		struct timeval tv = {5, 0};
		char resp[2048];
		const char *body, *pre, *tot;
		size_t used = 0;
		ssize_t n;
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		if (fd < 0) {
			snprintf(err, errlen, "socket: %s", strerror(errno));
			return -1;
		}
		memset(&sa, 0, sizeof(sa));
		sa.sin_family = AF_INET;
		sa.sin_port = htons((uint16_t)port);
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa)) &&
		    write(fd, req, sizeof(req) - 1) == (ssize_t)sizeof(req) - 1)
			while (used < sizeof(resp) - 1 &&
			       (n = read(fd, resp + used, sizeof(resp) - 1 - used)) > 0)
				used += (size_t)n;
		close(fd);
		resp[used] = '\0';
		body = strstr(resp, "\r\n\r\n");
		if (body) {
			pre = strstr(body, "\"prerendered\":");
			tot = strstr(body, "\"texts\":");
			if (!pre || !tot)
				return 0; /* a server that does not read texts ahead */
			*texts = strtoul(tot + 8, NULL, 10);
			if (strtoul(pre + 14, NULL, 10) == *texts)
				return 0;
			snprintf(last, sizeof(last), "%s", body + 4);
			last[strcspn(last, "\r\n")] = '\0';
		}
		if (now_ns() >= deadline)
			break;
		nanosleep(&(struct timespec){.tv_nsec = 20000000}, NULL);
	}
	snprintf(err, errlen, "the server had not read its fixed texts into the cache in %d s (%s)",
		 READY_TIMEOUT_MS / 1000, interrupted ? "interrupted" : last);
	return -1;
}

/* One espeak-ng process, from fork to its exit: how long it took, in *ns. */
static int cli_once(char *const argv[], uint64_t *ns, char *err, size_t errlen)
{
	uint64_t t0 = now_ns();
	int status, pfd;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		if (null >= 0)
			dup2(null, STDOUT_FILENO);
		execvp(argv[0], argv);
		_exit(127);
	}
	/* wait, but not for ever */
	pfd = pidfd_open(pid, 0);
	if (pfd >= 0) {
		struct pollfd p = {.fd = pfd, .events = POLLIN};
		int r;

		while ((r = poll(&p, 1, CLI_TIMEOUT_MS)) < 0 && errno == EINTR)
			;
		close(pfd);
		if (r == 0) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			snprintf(err, errlen, "%s took over %d s", argv[0], CLI_TIMEOUT_MS / 1000);
			return -1;
		}
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			snprintf(err, errlen, "waitpid: %s", strerror(errno));
			return -1;
		}
	*ns = now_ns() - t0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		snprintf(err, errlen, "cannot run %s (Debian's espeak-ng package has it)", argv[0]);
		return -1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		snprintf(err, errlen, "%s failed (status %d)", argv[0], status);
		return -1;
	}
	return 0;
}

/* What the server is measured against: the espeak-ng program, and tts.c in this process. */
typedef struct yardsticks {
	const voices *v;
	const voice_profile *vp;
	char voice[64], rate[16], pitch[16], wav[4200];
	int cli_ok, plain_ok; /* the espeak-ng program ran (with the voice's settings; plain) */
	tts *t;		      /* the synthesis thread in this process */
	sem_t sem;	      /* posted by its wake */
	samples cli_same, cli_plain, inproc;
	samples inproc_first;  /* streamed: submit -> the first piece of audio */
	size_t inproc_samples; /* of the last text */
	double other_cpu;      /* share of a core other processes used meanwhile; -1 unknown */
} yardsticks;

/* The espeak-ng program saying text (after the pronunciation list, as the server says it) into
 * a WAV file; voice settings NULL: eSpeak's own. */
static int cli_text(const yardsticks *y, const char *voice, const char *rate, const char *pitch,
		    const char *text, uint64_t *ns, char *err, size_t errlen)
{
	char *argv[12];
	speech sp;
	int a = 0, rc;

	if (voices_speech(y->v, text, &sp)) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	argv[a++] = (char *)"espeak-ng";
	argv[a++] = (char *)"-v";
	argv[a++] = (char *)voice;
	if (rate) {
		argv[a++] = (char *)"-s";
		argv[a++] = (char *)rate;
	}
	if (pitch) {
		argv[a++] = (char *)"-p";
		argv[a++] = (char *)pitch;
	}
	argv[a++] = (char *)"-w";
	argv[a++] = (char *)y->wav;
	argv[a++] = sp.text;
	argv[a] = NULL;
	rc = cli_once(argv, ns, err, errlen);
	speech_release(&sp);
	return rc;
}

static void tts_wake_sem(void *ctx)
{
	sem_post(ctx);
}

/* The limit: the text in the same voice through tts.c in this process, from tts_submit until
 * tts_poll hands back the result; streamed (stream 1, as the server asks), *first is the time to
 * the first piece of audio (the limit for first audio), else it is not set. */
static int inproc_text(yardsticks *y, const char *text, int stream, uint64_t *ns, uint64_t *first,
		       char *err, size_t errlen)
{
	speech sp;
	tts_request req;
	tts_result *r;
	uint64_t t0;

	if (voices_speech(y->v, text, &sp)) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	tts_request_init(&req);
	req.language = y->vp->language;
	req.gender = y->vp->male ? TTS_GENDER_MALE : TTS_GENDER_FEMALE;
	req.rate = y->vp->rate; /* "normal" is the profile's own rate */
	req.pitch = y->vp->pitch;
	req.text = sp.text;
	req.stream = stream;
	t0 = now_ns();
	if (tts_submit(y->t, &req, err, errlen)) {
		speech_release(&sp);
		return -1;
	}
	speech_release(&sp);
	if (first)
		*first = 0;
	for (;;) {
		while ((r = tts_poll(y->t)) && r->piece) {
			if (first && !*first)
				*first = now_ns() - t0;
			tts_result_free(r);
		}
		if (r)
			break;
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += TTS_TIMEOUT_S;
		if (sem_timedwait(&y->sem, &ts) && errno == ETIMEDOUT) {
			snprintf(err, errlen, "no result from the synthesis thread in %d s",
				 TTS_TIMEOUT_S);
			return -1;
		}
	}
	*ns = now_ns() - t0;
	if (r->failed) {
		snprintf(err, errlen, "synthesis failed: %s", r->err);
		tts_result_free(r);
		return -1;
	}
	y->inproc_samples = r->sample_count;
	tts_result_free(r);
	return 0;
}

/* The yardsticks on the same texts as the server's runs (the first a warm-up), each kind in a
 * block of its own: one after another is each one's best case (synthesis straight after an
 * espeak-ng process, whose copy of eSpeak's data has just gone through the CPU's caches, takes
 * 10-80% longer). */
static int yardsticks_run(yardsticks *y, unsigned runs, char *err, size_t errlen)
{
	double all0 = cpu_seconds_machine(), mine0 = cpu_seconds_self() + cpu_seconds_children();
	uint64_t t0 = now_ns();

	for (unsigned kind = 0; kind < 4; kind++) {
		for (unsigned k = 0; k <= runs && !interrupted; k++) {
			char text[PARAGRAPH_MAX];
			uint64_t ns, first = 0;
			samples *out = kind == 0   ? &y->cli_same
				       : kind == 1 ? &y->cli_plain
				       : kind == 2 ? &y->inproc
						   : &y->inproc_first;

			snprintf(text, sizeof(text), PARAGRAPH, k + 1);
			if (kind == 0 && !y->cli_ok)
				break;
			if (kind == 1 && !y->plain_ok)
				break;
			if (kind >= 2) {
				/* 2: whole, as before streaming; 3: streamed, to the first piece */
				if (inproc_text(y, text, kind == 3, &ns, kind == 3 ? &first : NULL,
						err, errlen))
					return -1;
				if (kind == 3)
					ns = first;
			} else if (cli_text(y, kind ? "en-gb" : y->voice, kind ? NULL : y->rate,
					    kind ? NULL : y->pitch, text, &ns, err, errlen)) {
				fprintf(stderr, "planaloud-bench: the espeak-ng program: %s\n",
					err);
				y->cli_ok = kind ? y->cli_ok : 0;
				y->plain_ok = 0;
				break;
			}
			if (k > 0 && samples_add(out, ns)) {
				snprintf(err, errlen, "out of memory");
				return -1;
			}
		}
	}
	if (interrupted) {
		snprintf(err, errlen, "interrupted");
		return -1;
	}
	y->other_cpu = all0 < 0 ? -1
				: (cpu_seconds_machine() - all0 - cpu_seconds_self() -
				   cpu_seconds_children() + mine0) /
				      ((double)(now_ns() - t0) / (double)NS_PER_S);
	return 0;
}

/* ---- the narrating client, in a process of its own ---- */

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
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
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

/* The child: narrating sessions that ask for texts in bursts, timed by the parent. */
static int narrate_child(bench *c, int rd, int wr)
{
	nar_report rep;
	int rc;

	c->peer.active = 1;
	c->peer.is_child = 1;
	c->peer.rd = rd;
	c->peer.wr = wr;
	fcntl(rd, F_SETFL, O_NONBLOCK);
	rc = bench_run(c);
	memset(&rep, 0, sizeof(rep));
	rep.ok = rc == 0;
	snprintf(rep.fail, sizeof(rep.fail), "%s", c->fail);
	rep.bursts_fired = c->bursts_fired;
	rep.fired = c->nar_fired;
	rep.skipped = c->nar_skipped;
	rep.inflight = c->nar_inflight;
	rep.wrong_cache = c->nar_wrong_cache;
	rep.frames = c->nar_frames_total;
	rep.done = c->nar_done;
	rep.frame_max = c->nar_frame_max;
	rep.n_first = c->nar_load.n;
	rep.n_all = c->nar_load_all.n;
	if (write_all(wr, &rep, sizeof(rep)) ||
	    write_all(wr, c->nar_load.v, rep.n_first * sizeof(uint64_t)) ||
	    write_all(wr, c->nar_load_all.v, rep.n_all * sizeof(uint64_t)))
		return 1;
	return rc ? 1 : 0;
}

/* The parent's side: the child's report into b. */
static int narrate_child_report(bench *b, char *err, size_t errlen)
{
	nar_report rep;
	uint64_t deadline = now_ns() + DRAIN_TIMEOUT_NS + 10 * NS_PER_S;

	if (read_all(b->peer.rd, &rep, sizeof(rep), deadline)) {
		snprintf(err, errlen, "the narrating client did not report");
		return -1;
	}
	if (!rep.ok) {
		snprintf(err, errlen, "the narrating client: %.400s", rep.fail);
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
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	b->nar_load.n = b->nar_load.cap = rep.n_first;
	b->nar_load_all.n = b->nar_load_all.cap = rep.n_all;
	if (read_all(b->peer.rd, b->nar_load.v, rep.n_first * sizeof(uint64_t), deadline) ||
	    read_all(b->peer.rd, b->nar_load_all.v, rep.n_all * sizeof(uint64_t), deadline)) {
		snprintf(err, errlen, "the narrating client's report was cut short");
		return -1;
	}
	return 0;
}

/* ---- the command ---- */

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: planaloud-bench save --sessions N --seconds S [options]\n"
		"\n"
		"Measures how fast Plan Aloud acknowledges saved answers.\n"
		"\n"
		"Starts the server (the planaloud binary beside this one) on a free loopback port\n"
		"with a fresh data folder, opens N websocket sessions, gives each its own plan, and\n"
		"has every session type an answer: each save is sent when the previous one is\n"
		"acknowledged, after the think time. Reports acknowledged saves per second and the\n"
		"send-to-acknowledgement latency (p50, p95, p99, max) over S seconds after a 1 s\n"
		"warm-up. Then times single-row commits made directly on SQLite (WAL,\n"
		"synchronous=FULL, one transaction per row) on the same disk, the rate the server\n"
		"would manage if every answer needed its own disk flush, and prints the ratio and\n"
		"the targets (at %d sessions: p99 <= %.0f ms, acks/s >= %.0f%% of direct commits/s).\n"
		"\n"
		"Options:\n"
		"  --sessions N    websocket sessions, each a person typing (1 to 10000)\n"
		"  --seconds S     how long to measure, after the warm-up (1 to 600)\n"
		"  --think-ms T    pause between an acknowledgement and the next save (default 0:\n"
		"                  a typist who never pauses, the worst case; 1000 is the pace of\n"
		"                  the page's autosave, which sends 1 s after typing stops)\n"
		"  --port P        the server's port (with --no-spawn: the running server's port)\n"
		"  --no-spawn      use a server already running on 127.0.0.1:P instead of starting\n"
		"                  one (it needs a --data folder it may write plans into)\n"
		"  --dir DIR       where the temporary data folders go (default $TMPDIR or /tmp);\n"
		"                  put it on the disk you want to measure\n"
		"  --help          show this help\n"
		"\n"
		"Exit status: 0 when the run completed (whatever the targets say); 1 on an error,\n"
		"or when a save was refused or never acknowledged; 2 on a bad command line.\n",
		TARGET_SESSIONS, TARGET_P99_MS, TARGET_RATIO * 100);
}

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
	if (signal_ctx)
		lws_cancel_service(signal_ctx);
}

static int parse_int(const char *s, long min, long max, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (!*s || *end || errno || v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

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

static void print_target(const char *what, int applies, int pass, const char *detail)
{
	printf("  %-44s %s %s\n", what, !applies ? "n/a " : pass ? "PASS" : "MISS", detail);
}

static int cmd_save(int argc, char **argv)
{
	enum { O_SESSIONS = 1, O_SECONDS, O_THINK, O_PORT, O_NO_SPAWN, O_DIR, O_HELP };
	static const struct option opts[] = {
		{ "sessions", required_argument, NULL, O_SESSIONS },
		{ "seconds", required_argument, NULL, O_SECONDS },
		{ "think-ms", required_argument, NULL, O_THINK },
		{ "port", required_argument, NULL, O_PORT },
		{ "no-spawn", no_argument, NULL, O_NO_SPAWN },
		{ "dir", required_argument, NULL, O_DIR },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 },
	};
	int sessions = 0, seconds = 0, think = 0, port = 0, no_spawn = 0, opt, rc = 1;
	const char *base = getenv("TMPDIR");
	char bin[4096], direct_dir[4096] = "", db_path[4096], err[ERR_LEN];
	server sv = { .pid = 0, .out_fd = -1 };
	bench b;
	direct_result dr;
	unsigned long long direct_target;
	double acks_per_s, direct_per_s, ratio, p99;
	int sv_ok;

	memset(&b, 0, sizeof(b));
	if (!base || !*base)
		base = "/tmp";
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case O_SESSIONS:
			if (parse_int(optarg, 1, 10000, &sessions))
				goto bad_flag;
			break;
		case O_SECONDS:
			if (parse_int(optarg, 1, 600, &seconds))
				goto bad_flag;
			break;
		case O_THINK:
			if (parse_int(optarg, 0, 60000, &think))
				goto bad_flag;
			break;
		case O_PORT:
			if (parse_int(optarg, 1, 65535, &port))
				goto bad_flag;
			break;
		case O_NO_SPAWN: no_spawn = 1; break;
		case O_DIR: base = optarg; break;
		case O_HELP: usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "planaloud-bench: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (!sessions || !seconds) {
		fprintf(stderr, "planaloud-bench: --sessions and --seconds are needed\n");
		usage(stderr);
		return 2;
	}
	if (no_spawn && !port) {
		fprintf(stderr, "planaloud-bench: --no-spawn needs the running server's --port\n");
		return 2;
	}

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	raise_fd_limit((unsigned)sessions);

	b.n = (unsigned)sessions;
	b.think_ms = think;
	b.measure_ns = (uint64_t)seconds * NS_PER_S;
	b.s = calloc(b.n, sizeof(*b.s));
	if (!b.s) {
		fprintf(stderr, "planaloud-bench: out of memory\n");
		return 1;
	}

	if (snprintf(direct_dir, sizeof(direct_dir), "%s/planaloud-bench-direct-XXXXXX", base) >=
		    (int)sizeof(direct_dir) ||
	    !mkdtemp(direct_dir)) {
		fprintf(stderr, "planaloud-bench: cannot make a temporary folder in %s: %s\n", base,
			strerror(errno));
		direct_dir[0] = '\0';
		goto out;
	}
	if (!no_spawn) {
		if (server_binary(bin, sizeof(bin))) {
			fprintf(stderr, "planaloud-bench: cannot tell where this program is\n");
			goto out;
		}
		if (snprintf(sv.data_dir, sizeof(sv.data_dir), "%s/planaloud-bench-data-XXXXXX",
			     base) >= (int)sizeof(sv.data_dir) ||
		    !mkdtemp(sv.data_dir)) {
			fprintf(stderr, "planaloud-bench: cannot make a temporary folder in %s: %s\n",
				base, strerror(errno));
			sv.data_dir[0] = '\0';
			goto out;
		}
		if (server_start(&sv, bin, port, err, sizeof(err))) {
			fprintf(stderr, "planaloud-bench: %s\n", err);
			goto out;
		}
		port = sv.port;
		if (snprintf(db_path, sizeof(db_path), "%s/planaloud.db", sv.data_dir) >=
		    (int)sizeof(db_path))
			db_path[0] = '\0'; /* too long to read the commit counter: skip it */
		b.db_path = db_path[0] ? db_path : NULL;
		b.server_pid = sv.pid;
		printf("Server:     %s, pid %ld, 127.0.0.1:%d, data in %s (%s)\n", bin, (long)sv.pid,
		       port, sv.data_dir, fs_name(sv.data_dir));
		/* the server reads its fixed texts aloud into the audio cache as it starts: not
		 * while saves are measured */
		{
			uint64_t t0 = now_ns();
			size_t texts;

			if (server_wait_ready(port, &texts, err, sizeof(err))) {
				fprintf(stderr, "planaloud-bench: %s\n", err);
				goto out;
			}
			if (texts)
				printf("            read its %zu fixed texts into the audio cache in "
				       "%.1f s; measuring after that\n",
				       texts, (double)(now_ns() - t0) / (double)NS_PER_S);
		}
	} else {
		printf("Server:     already running at 127.0.0.1:%d (not started by the benchmark)\n",
		       port);
	}
	b.port = port;

	printf("Sessions:   %u, each with its own plan, saving \"%s\" %s\n", b.n, ANSWER_PAGE,
	       think ? "with a pause" : "back to back");
	printf("Think time: %d ms\n", think);
	fflush(stdout);
	if (bench_run(&b)) {
		fprintf(stderr, "planaloud-bench: %s\n", b.fail);
		if (strstr(b.fail, "connect"))
			fprintf(stderr, "planaloud-bench: is the server running on 127.0.0.1:%d?\n",
				port);
		goto out;
	}

	sv_ok = no_spawn || server_stop(&sv) == 0;
	qsort(b.lat.v, b.lat.n, sizeof(*b.lat.v), cmp_u64);
	acks_per_s = (double)b.lat.n / (double)seconds;
	p99 = percentile_ms(&b.lat, 99);

	printf("\nThrough the server\n");
	printf("  duration:          %d s measured, after a 1 s warm-up\n", seconds);
	printf("  saves acked:       %zu (sent in the measured window)\n", b.lat.n);
	printf("  acks per second:   %.1f\n", acks_per_s);
	printf("  latency ms:        p50 %.2f  p95 %.2f  p99 %.2f  max %.2f\n",
	       percentile_ms(&b.lat, 50), percentile_ms(&b.lat, 95), p99,
	       b.lat.n ? (double)b.lat.v[b.lat.n - 1] / (double)NS_PER_MS : 0.0);
	if (b.lat.n)
		printf("  slowest save:      %.2f ms, session %u, sent %.3f s into the measurement\n",
		       (double)b.max_lat / (double)NS_PER_MS, b.max_session,
		       (double)b.max_at / (double)NS_PER_S);
	printf("  over 20 ms:        %zu saves (%.3f%%)\n", count_over(&b.lat, 20 * NS_PER_MS),
	       b.lat.n ? 100.0 * (double)count_over(&b.lat, 20 * NS_PER_MS) / (double)b.lat.n
		       : 0.0);
	if (b.errors || b.unanswered || b.unexpected)
		printf("  PROBLEMS:          %llu error replies%s%s, %llu saves never acknowledged, "
		       "%llu unexpected messages\n",
		       b.errors, b.first_error[0] ? ", first: " : "", b.first_error, b.unanswered,
		       b.unexpected);
	else
		printf("  errors:            none (every save acknowledged)\n");
	if (b.commits_start >= 0 && b.commits_end >= 0 && b.db_path) {
		long long commits = (long long)(uint32_t)(b.commits_end - b.commits_start);

		printf("  server commits:    %lld from warm-up to drain, for %llu saves: %.1f saves "
		       "per commit, %.1f commits/s\n",
		       commits, b.acks_total, commits ? (double)b.acks_total / (double)commits : 0.0,
		       (double)commits / ((double)(b.t_done - b.t_warm) / (double)NS_PER_S));
	}
	{
		double wall = (double)(b.t_done - b.t_warm) / (double)NS_PER_S;
		double self = b.cpu_self_end - b.cpu_self_start;
		double srv = b.cpu_server_end - b.cpu_server_start;
		double all = b.cpu_all_end - b.cpu_all_start;

		if (b.cpu_server_start >= 0 && b.cpu_server_end >= 0)
			printf("  CPU busy:          server %.0f%%, benchmark client %.0f%% of one core",
			       100.0 * srv / wall, 100.0 * self / wall);
		else
			printf("  CPU busy:          benchmark client %.0f%% of one core",
			       100.0 * self / wall);
		if (b.cpu_all_start >= 0 && b.cpu_all_end >= 0)
			printf("; all processes %.0f%% of %ld CPUs", 100.0 * all / wall,
			       sysconf(_SC_NPROCESSORS_ONLN));
		printf("\n");
		if (b.cpu_server_start >= 0 && all - srv - self > 0.1 * wall)
			printf("  NOTE:              other work used %.0f%% of a core during the run: "
			       "expect noise\n",
			       100.0 * (all - srv - self) / wall);
	}
	if (!sv_ok)
		printf("  NOTE:              the server did not stop cleanly (see above)\n");
	fflush(stdout);

	/* the same number of commits, but never longer than the measurement itself */
	direct_target = b.lat.n > DIRECT_MIN_COMMITS ? b.lat.n : DIRECT_MIN_COMMITS;
	if (direct_run(direct_dir, b.n, direct_target, b.measure_ns, &dr, err, sizeof(err))) {
		fprintf(stderr, "planaloud-bench: the direct SQLite run failed: %s\n", err);
		goto out;
	}
	if (interrupted) {
		fprintf(stderr, "planaloud-bench: interrupted\n");
		goto out;
	}
	direct_per_s = dr.seconds > 0 ? (double)dr.commits / dr.seconds : 0;
	ratio = direct_per_s > 0 ? acks_per_s / direct_per_s : 0;
	printf("\nDirect SQLite, the limit (one connection, one row per transaction, WAL, "
	       "synchronous=FULL,\n  same disk: %s)\n",
	       fs_name(direct_dir));
	if (!strcmp(fs_name(direct_dir), "tmpfs"))
		printf("  NOTE:              tmpfs is memory: flushes cost nothing here; use --dir on "
		       "the disk the server will use\n");
	printf("  commits:           %llu in %.2f s%s\n", dr.commits, dr.seconds,
	       dr.commits < direct_target ? " (stopped at the time limit)" : "");
	printf("  commits/s:         %.1f (%.2f ms each)\n", direct_per_s,
	       direct_per_s > 0 ? 1000.0 / direct_per_s : 0.0);
	if (dr.wal_counter >= 0)
		printf("  WAL counter:       %lld commits, %s\n", dr.wal_counter,
		       (unsigned long long)dr.wal_counter == dr.commits
			       ? "as made: the server's commit count above is read the same way"
			       : "NOT as made: the server's commit count above is doubtful");
	printf("  ratio:             server acks/s / direct commits/s = %.2f\n", ratio);

	printf("\nTargets (set for %d sessions without think time%s)\n", TARGET_SESSIONS,
	       (b.n == TARGET_SESSIONS && !think) ? "" : "; this run differs, so read with care");
	{
		char detail[128];

		snprintf(detail, sizeof(detail), "(p99 %.2f ms)", p99);
		print_target("p99 save latency <= 20 ms", 1, p99 <= TARGET_P99_MS && b.lat.n,
			     detail);
		if (think)
			snprintf(detail, sizeof(detail),
				 "(ratio %.2f; the think time caps the offered load)", ratio);
		else
			snprintf(detail, sizeof(detail), "(ratio %.2f)", ratio);
		print_target("throughput >= 50% of direct commits/s", !think,
			     ratio >= TARGET_RATIO, detail);
	}
	rc = b.errors || b.unanswered ? 1 : 0;
out:
	if (sv.pid > 0)
		server_stop(&sv);
	if (sv.data_dir[0])
		remove_dir(sv.data_dir);
	if (direct_dir[0])
		remove_dir(direct_dir);
	free(b.lat.v);
	free(b.s);
	return rc;
bad_flag:
	fprintf(stderr, "planaloud-bench: '%s' is not a valid value for that option\n", optarg);
	usage(stderr);
	return 2;
}

/* ---- narrate ---- */

static void narrate_usage(FILE *f)
{
	fprintf(
	    f,
	    "Usage: planaloud-bench narrate [--runs N] [options]\n"
	    "\n"
	    "Measures how soon narration's audio reaches the page.\n"
	    "\n"
	    "For a 40-word easy-read paragraph (a new one each run, so never cached), times\n"
	    "through the server (started on a free loopback port with a fresh data folder, once\n"
	    "it has read its fixed texts into the cache) one session that answers like-admire\n"
	    "with the paragraph, goes to the check page and asks for answer/like-admire to be\n"
	    "narrated: from writing `narrate` to the first audio byte (the audio streams in binary\n"
	    "frames as it is made: the first frame's first PCM byte) and to `narration_end` (all\n"
	    "of it in), and again for the same text (now cached). Every narration is checked: its\n"
	    "frames' n, their PCM against narration_end's samples, its words. Before that, on the\n"
	    "same texts, the espeak-ng program writing each to a WAV file (fork, exec, wait),\n"
	    "with the first voice's settings and with eSpeak's own, and synthesis in this process\n"
	    "through tts.c (the limits: the whole text, and streamed to its first piece), each\n"
	    "kind one after another. N runs of each after one warm-up.\n"
	    "Then S sessions save answers back to back (as `save` does) for\n"
	    "2 x T seconds after a 1 s warm-up, and in the second half M other sessions each ask\n"
	    "for a new text at the same moment every %d ms (taken in turn from %d x M sessions,\n"
	    "so a burst never waits for the last one's audio; in a second client process, as\n"
	    "they would be other browsers): the save p99 beside narration is compared with the\n"
	    "save p99 without it.\n"
	    "\n"
	    "Targets: uncached first audio <= %.2f x the espeak-ng program (same voice); cached\n"
	    "first audio <= %.0f ms (median); save p99 beside narration <= %.0f x without.\n"
	    "\n"
	    "Options:\n"
	    "  --runs N        narrations timed each way (default %d; 1 to 1000)\n"
	    "  --sessions S    sessions saving during the load test (default %d; 0 skips it)\n"
	    "  --narrators M   sessions narrating at once during the load test (default %d)\n"
	    "  --seconds T     each half of the load test (default %d)\n"
	    "  --cached-load   the narrating sessions ask for texts said before (in the cache:\n"
	    "                  the one session's), as kiosks reading the fixed pages do\n"
	    "  --voices DIR    the voice profiles the server uses (default: voices/ in the\n"
	    "                  source tree, as the server's own default)\n"
	    "  --dir DIR       where the temporary folders go (default $TMPDIR or /tmp)\n"
	    "  --help          show this help\n"
	    "\n"
	    "Exit status: 0 when the run completed (whatever the targets say); 1 on an error;\n"
	    "2 on a bad command line.\n",
	    BURST_MS_DEFAULT, NARRATOR_POOL, TARGET_CLI_RATIO, TARGET_CACHED_MS, TARGET_LOAD_RATIO,
	    NARRATE_RUNS_DEFAULT, LOAD_SESSIONS_DEFAULT, LOAD_NARRATORS_DEFAULT,
	    LOAD_SECONDS_DEFAULT);
}

/* The source tree's voices/, which the server reads by default: this file is bench/bench.c. */
static void default_voices_dir(char *out, size_t outlen)
{
	const char *file = __FILE__;
	const char *end = strrchr(file, '/');

	while (end && end > file && end[-1] != '/')
		end--; /* back to the start of "bench/" */
	if (!end || end == file)
		snprintf(out, outlen, "voices");
	else
		snprintf(out, outlen, "%.*svoices", (int)(end - file), file);
}

static void print_dist(const char *what, samples *sm)
{
	qsort(sm->v, sm->n, sizeof(*sm->v), cmp_u64);
	printf("  %-34s median %7.2f  p95 %7.2f  max %7.2f ms  (%zu)\n", what,
	       percentile_ms(sm, 50), percentile_ms(sm, 95),
	       sm->n ? (double)sm->v[sm->n - 1] / (double)NS_PER_MS : 0.0, sm->n);
}

/* A distribution of counts (or bytes, shown in units of div), not of times. */
static void print_count(const char *what, samples *sm, unsigned div, const char *unit)
{
	qsort(sm->v, sm->n, sizeof(*sm->v), cmp_u64);
	if (!sm->n)
		return;
	printf("  %-34s median %7.1f  min %7.1f  max %7.1f%s\n", what,
	       (double)sm->v[(sm->n - 1) / 2] / div, (double)sm->v[0] / div,
	       (double)sm->v[sm->n - 1] / div, unit);
}

static int cmd_narrate(int argc, char **argv)
{
	enum { O_RUNS = 1, O_SESSIONS, O_NARRATORS, O_SECONDS, O_VOICES, O_DIR, O_CACHED, O_HELP };
	static const struct option opts[] = {
	    {"runs", required_argument, NULL, O_RUNS},
	    {"cached-load", no_argument, NULL, O_CACHED},
	    {"sessions", required_argument, NULL, O_SESSIONS},
	    {"narrators", required_argument, NULL, O_NARRATORS},
	    {"seconds", required_argument, NULL, O_SECONDS},
	    {"voices", required_argument, NULL, O_VOICES},
	    {"dir", required_argument, NULL, O_DIR},
	    {"help", no_argument, NULL, O_HELP},
	    {NULL, 0, NULL, 0},
	};
	int runs = NARRATE_RUNS_DEFAULT, sessions = LOAD_SESSIONS_DEFAULT;
	int narrators = LOAD_NARRATORS_DEFAULT, seconds = LOAD_SECONDS_DEFAULT, opt, rc = 1;
	int cached_load = 0;
	const char *base = getenv("TMPDIR"), *voices_dir = NULL;
	char vdir[4096], bin[4096], work[4096] = "", err[ERR_LEN];
	server sv = {.pid = 0, .out_fd = -1};
	voices *v = NULL;
	const voice_profile *vp;
	size_t texts = 0;
	int sem_ok = 0;
	bench one, load;
	yardsticks y;
	uint64_t t_ready;

	memset(&one, 0, sizeof(one));
	memset(&load, 0, sizeof(load));
	memset(&y, 0, sizeof(y));
	if (!base || !*base)
		base = "/tmp";
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case O_RUNS:
			if (parse_int(optarg, 1, 1000, &runs))
				goto bad_flag;
			break;
		case O_SESSIONS:
			if (parse_int(optarg, 0, 10000, &sessions))
				goto bad_flag;
			break;
		case O_NARRATORS:
			if (parse_int(optarg, 1, 1000, &narrators))
				goto bad_flag;
			break;
		case O_SECONDS:
			if (parse_int(optarg, 1, 600, &seconds))
				goto bad_flag;
			break;
		case O_VOICES:
			voices_dir = optarg;
			break;
		case O_DIR:
			base = optarg;
			break;
		case O_CACHED:
			cached_load = 1;
			break;
		case O_HELP:
			narrate_usage(stdout);
			return 0;
		default:
			narrate_usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "planaloud-bench: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (!voices_dir) {
		default_voices_dir(vdir, sizeof(vdir));
		voices_dir = vdir;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	raise_fd_limit((unsigned)(sessions + narrators * NARRATOR_POOL));

	v = voices_load(voices_dir, err, sizeof(err));
	if (!v || !voices_count(v)) {
		fprintf(stderr, "planaloud-bench: the voice profiles in %s: %s\n", voices_dir,
			v ? "there are none" : err);
		goto out;
	}
	vp = voices_at(v, 0);
	if (server_binary(bin, sizeof(bin))) {
		fprintf(stderr, "planaloud-bench: cannot tell where this program is\n");
		goto out;
	}
	if (snprintf(work, sizeof(work), "%s/planaloud-bench-narrate-XXXXXX", base) >=
		(int)sizeof(work) ||
	    !mkdtemp(work)) {
		fprintf(stderr, "planaloud-bench: cannot make a temporary folder in %s: %s\n", base,
			strerror(errno));
		work[0] = '\0';
		goto out;
	}
	y.v = v;
	y.vp = vp;
	snprintf(y.wav, sizeof(y.wav), "%s/x.wav", work);
	snprintf(y.rate, sizeof(y.rate), "%d", vp->rate);
	snprintf(y.pitch, sizeof(y.pitch), "%d", vp->pitch);
	/* tts.c's female voice for a language is eSpeak's "+f2" variant of it */
	snprintf(y.voice, sizeof(y.voice), "%s%s", vp->language, vp->male ? "" : "+f2");
	y.cli_ok = y.plain_ok = 1;
	if (sem_init(&y.sem, 0, 0)) {
		fprintf(stderr, "planaloud-bench: sem_init: %s\n", strerror(errno));
		goto out;
	}
	sem_ok = 1;
	y.t = tts_open(tts_wake_sem, &y.sem, 4, err, sizeof(err));
	if (!y.t) {
		fprintf(stderr, "planaloud-bench: synthesis in this process: %s\n", err);
		goto out;
	}

	printf("Text:       a 40-word easy-read paragraph, a new one each run: \"" PARAGRAPH "\"\n",
	       1u);
	printf("Voice:      %s (%s, %s, %d words a minute, pitch %d), speed normal\n", vp->name,
	       vp->language, vp->male ? "male" : "female", vp->rate, vp->pitch);
	printf("Runs:       %d of each kind, after one warm-up, on the same %d texts\n", runs,
	       runs + 1);

	/* the yardsticks first, each in a block of its own, while no server is running */
	if (yardsticks_run(&y, (unsigned)runs, err, sizeof(err))) {
		fprintf(stderr, "planaloud-bench: synthesis in this process: %s\n", err);
		goto out;
	}
	tts_close(y.t); /* eSpeak's memory stays, its thread goes */
	y.t = NULL;

	if (snprintf(sv.data_dir, sizeof(sv.data_dir), "%s/data", work) >=
		(int)sizeof(sv.data_dir) ||
	    mkdir(sv.data_dir, 0700)) {
		fprintf(stderr, "planaloud-bench: cannot make a data folder in %s\n", work);
		goto out;
	}
	t_ready = now_ns();
	if (server_start(&sv, bin, 0, err, sizeof(err)) ||
	    server_wait_ready(sv.port, &texts, err, sizeof(err))) {
		fprintf(stderr, "planaloud-bench: %s\n", err);
		goto out;
	}
	printf("Server:     %s, pid %ld, 127.0.0.1:%d, data in %s (%s)\n", bin, (long)sv.pid,
	       sv.port, sv.data_dir, fs_name(sv.data_dir));
	if (texts)
		printf("            read its %zu fixed texts into the audio cache in %.1f s; "
		       "measuring after that\n",
		       texts, (double)(now_ns() - t_ready) / (double)NS_PER_S);
	fflush(stdout);

	one.mode = MODE_NAR_ONE;
	one.port = sv.port;
	one.n = 1;
	one.n_typists = 0;
	one.runs = (unsigned)runs;
	one.server_pid = sv.pid;
	one.s = calloc(1, sizeof(*one.s));
	if (!one.s) {
		fprintf(stderr, "planaloud-bench: out of memory\n");
		goto out;
	}
	if (bench_run(&one)) {
		fprintf(stderr, "planaloud-bench: %s\n", one.fail);
		goto out;
	}
	if (strcmp(one.voice, vp->name))
		printf(
		    "NOTE:       the server's first voice is %s, not %s: the yardsticks used %s\n",
		    one.voice, vp->name, vp->name);

	if (sessions > 0) {
		int p2c[2], c2p[2];

		load.mode = MODE_NAR_LOAD;
		load.port = sv.port;
		load.n = (unsigned)sessions;
		load.n_typists = (unsigned)sessions;
		load.measure_ns = 2 * (uint64_t)seconds * NS_PER_S;
		load.server_pid = sv.pid;
		load.s = calloc(load.n, sizeof(*load.s));
		if (!load.s) {
			fprintf(stderr, "planaloud-bench: out of memory\n");
			goto out;
		}
		/* the narrating sessions: another client process */
		if (pipe(p2c)) {
			fprintf(stderr, "planaloud-bench: pipe: %s\n", strerror(errno));
			goto out;
		}
		if (pipe(c2p)) {
			fprintf(stderr, "planaloud-bench: pipe: %s\n", strerror(errno));
			close(p2c[0]);
			close(p2c[1]);
			goto out;
		}
		fflush(NULL);
		load.peer.pid = fork();
		if (load.peer.pid == 0) {
			bench c;

			close(p2c[1]);
			close(c2p[0]);
			if (sv.out_fd >= 0)
				close(sv.out_fd);
			memset(&c, 0, sizeof(c));
			c.mode = MODE_NAR_LOAD;
			c.port = sv.port;
			c.n = (unsigned)(narrators * NARRATOR_POOL);
			c.n_typists = 0;
			c.burst_size = (unsigned)narrators;
			c.burst_ns = BURST_MS_DEFAULT * NS_PER_MS;
			c.bursts = (unsigned)(seconds * 1000 / BURST_MS_DEFAULT);
			if (cached_load) /* the texts the one session had said: in the cache */
				c.cycle = one.text_no;
			else
				c.text_no = one.text_no; /* texts never said before */
			c.s = calloc(c.n, sizeof(*c.s));
			/* It stands for browsers on other machines. Its own work (libwebsockets'
			 * client reads the audio a byte at a time: a fifth of a core at this load)
			 * should not be taken from the server measured; what waiting this causes
			 * shows in its own timings, which can then only look worse. */
			if (setpriority(PRIO_PROCESS, 0, NARRATOR_NICE))
				fprintf(stderr, "planaloud-bench: nice: %s\n", strerror(errno));
			_exit(c.s ? narrate_child(&c, p2c[0], c2p[1]) : 1);
		}
		close(p2c[0]);
		close(c2p[1]);
		if (load.peer.pid < 0) {
			fprintf(stderr, "planaloud-bench: fork: %s\n", strerror(errno));
			close(p2c[1]);
			close(c2p[0]);
			goto out;
		}
		load.peer.active = 1;
		load.peer.rd = c2p[0];
		load.peer.wr = p2c[1];
		fcntl(load.peer.rd, F_SETFL, O_NONBLOCK);
		fcntl(load.peer.rd, F_SETFD, FD_CLOEXEC);
		fcntl(load.peer.wr, F_SETFD, FD_CLOEXEC);
		printf("Load:       %d sessions saving back to back for %d s + %d s after a 1 s "
		       "warm-up;\n            in the second half %d other sessions each ask for %s "
		       "at once, every %d ms\n            (taken in turn from %d narrating "
		       "sessions, each with its own plan, in a second client\n            process: "
		       "the audio is not read by the loop that times the saves)\n",
		       sessions, seconds, seconds, narrators,
		       cached_load ? "a text said before (in the cache)" : "a new text",
		       BURST_MS_DEFAULT, narrators * NARRATOR_POOL);
		fflush(stdout);
		if (bench_run(&load) || narrate_child_report(&load, err, sizeof(err))) {
			fprintf(stderr, "planaloud-bench: %s\n",
				load.phase == PH_DONE ? err : load.fail);
			goto out;
		}
		if (waitpid(load.peer.pid, NULL, 0) != load.peer.pid)
			fprintf(stderr, "planaloud-bench: waitpid: %s\n", strerror(errno));
		load.peer.pid = 0;
	}
	if (server_stop(&sv))
		printf("NOTE:       the server did not stop cleanly (see above)\n");

	/* the results */
	{
		double audio_s = one.sample_rate ? (double)one.audio_samples / one.sample_rate : 0;
		double unc, cac, cli = 0, plain = 0, lim, lim1, p99a = 0, p99b = 0;
		int cli_ok = y.cli_ok && y.cli_same.n, plain_ok = y.plain_ok && y.cli_plain.n;
		char detail[160];

		printf("\nThe paragraph's audio: %.1f s, %zu samples at %d Hz (%zu KB of 16-bit "
		       "PCM)\n",
		       audio_s, one.audio_samples, one.sample_rate, one.audio_samples * 2 / 1024);
		printf("\nThrough the server: writing `narrate` -> first audio byte (the first "
		       "binary frame's first PCM)\n");
		print_dist("uncached (never said before):", &one.nar_uncached);
		print_dist("cached (the same text again):", &one.nar_cached);
		printf("  to the `narration` JSON before it:\n");
		print_dist("uncached:", &one.nar_uncached_json);
		print_dist("cached:", &one.nar_cached_json);
		printf("  to `narration_end` (every audio frame and the word timings in):\n");
		print_dist("uncached:", &one.nar_uncached_all);
		print_dist("cached:", &one.nar_cached_all);
		print_count("audio frames, uncached:", &one.nar_uncached_frames, 1, "");
		print_count("audio frames, cached:", &one.nar_cached_frames, 1, "");
		print_count("first frame, uncached:", &one.nar_uncached_first_bytes, 1024, " KB");
		if (one.nar_wrong_cache)
			printf(
			    "  PROBLEM: %llu narrations said cached when they should not have, or "
			    "the reverse\n",
			    one.nar_wrong_cache);
		printf("\nThe espeak-ng program (fork, exec, wait; -w to a WAV file)\n");
		if (cli_ok) {
			snprintf(detail, sizeof(detail), "-v %s -s %s -p %s:", y.voice, y.rate,
				 y.pitch);
			print_dist(detail, &y.cli_same);
		} else {
			printf("  could not be run (see above)\n");
		}
		if (plain_ok)
			print_dist("-v en-gb (eSpeak's defaults):", &y.cli_plain);
		printf("\nIn this process through tts.c (submit -> result), the limit\n");
		print_dist("synthesis:", &y.inproc);
		print_dist("first piece (streamed):", &y.inproc_first);
		if (y.inproc_samples != one.audio_samples)
			printf("  (%zu samples here against the server's %zu: eSpeak varies a "
			       "little)\n",
			       y.inproc_samples, one.audio_samples);
		if (y.other_cpu > 0.1)
			printf("  NOTE: other work used %.0f%% of a core while these ran: expect "
			       "noise\n",
			       100.0 * y.other_cpu);

		unc = percentile_ms(&one.nar_uncached, 50);
		cac = percentile_ms(&one.nar_cached, 50);
		lim = percentile_ms(&y.inproc, 50);
		lim1 = percentile_ms(&y.inproc_first, 50);
		if (cli_ok)
			cli = percentile_ms(&y.cli_same, 50);
		if (plain_ok)
			plain = percentile_ms(&y.cli_plain, 50);
		printf("\nRatios (medians)\n");
		if (cli_ok)
			printf("  uncached first audio / espeak-ng program (same voice): %.3f\n",
			       unc / cli);
		if (plain_ok)
			printf("  uncached first audio / espeak-ng -v en-gb:             %.3f\n",
			       unc / plain);
		printf("  uncached first audio / in-process synthesis:           %.2f (%+.2f ms)\n",
		       lim > 0 ? unc / lim : 0.0, unc - lim);
		printf("  uncached first audio / in-process first piece:         %.2f (%+.2f ms)\n",
		       lim1 > 0 ? unc / lim1 : 0.0, unc - lim1);
		printf("  cached first audio / uncached:                         %.3f\n",
		       unc > 0 ? cac / unc : 0.0);
		{
			double wall = (double)(one.t_done - one.t_warm) / (double)NS_PER_S;
			double mine = one.cpu_self_end - one.cpu_self_start + one.cpu_children_end -
				      one.cpu_children_start;
			double srv = one.cpu_server_end - one.cpu_server_start;
			double all = one.cpu_all_end - one.cpu_all_start;

			if (wall > 0 && one.cpu_server_start >= 0 && one.cpu_all_start >= 0 &&
			    all - srv - mine > 0.1 * wall)
				printf(
				    "  NOTE: other work used %.0f%% of a core during these runs: "
				    "expect noise\n",
				    100.0 * (all - srv - mine) / wall);
		}

		if (sessions > 0) {
			double wall = (double)(load.t_done - load.t_warm) / (double)NS_PER_S;
			double self = load.cpu_self_end - load.cpu_self_start;
			double child = load.peer.cpu_start >= 0 && load.peer.cpu_end >= 0
					       ? load.peer.cpu_end - load.peer.cpu_start
					       : 0;
			double srv = load.cpu_server_end - load.cpu_server_start;
			double all = load.cpu_all_end - load.cpu_all_start;

			qsort(load.lat.v, load.lat.n, sizeof(*load.lat.v), cmp_u64);
			qsort(load.lat_b.v, load.lat_b.n, sizeof(*load.lat_b.v), cmp_u64);
			p99a = percentile_ms(&load.lat, 99);
			p99b = percentile_ms(&load.lat_b, 99);
			printf("\nSaves beside narration (%d sessions saving; %d narrating at once "
			       "every %d ms in the second half)\n",
			       sessions, narrators, BURST_MS_DEFAULT);
			printf("  saves alone:       %zu in %d s (%.0f/s), ms p50 %.2f  p95 %.2f  "
			       "p99 %.2f  max %.2f\n",
			       load.lat.n, seconds, (double)load.lat.n / seconds,
			       percentile_ms(&load.lat, 50), percentile_ms(&load.lat, 95), p99a,
			       load.lat.n ? (double)load.lat.v[load.lat.n - 1] / (double)NS_PER_MS
					  : 0.0);
			printf("  beside narration:  %zu in %d s (%.0f/s), ms p50 %.2f  p95 %.2f  "
			       "p99 %.2f  max %.2f\n",
			       load.lat_b.n, seconds, (double)load.lat_b.n / seconds,
			       percentile_ms(&load.lat_b, 50), percentile_ms(&load.lat_b, 95), p99b,
			       load.lat_b.n
				   ? (double)load.lat_b.v[load.lat_b.n - 1] / (double)NS_PER_MS
				   : 0.0);
			printf("  narrations:        %llu asked for in %u bursts of %d",
			       load.nar_fired, load.bursts_fired, narrators);
			if (load.nar_skipped)
				printf(", %llu left out (every narrating session was still busy)",
				       load.nar_skipped);
			printf("\n");
			print_dist("first audio byte, under load:", &load.nar_load);
			print_dist("to narration_end, under load:", &load.nar_load_all);
			printf("  audio frames:      %llu for %llu narrations (%.1f each), the largest "
			       "%zu KB\n",
			       load.nar_frames_total, load.nar_done,
			       load.nar_done ? (double)load.nar_frames_total / (double)load.nar_done
					     : 0.0,
			       load.nar_frame_max / 1024);
			if (load.nar_inflight)
				printf("  PROBLEM:           %llu narrations never finished\n",
				       load.nar_inflight);
			if (load.nar_wrong_cache)
				printf("  PROBLEM:           %llu narrations came back cached\n",
				       load.nar_wrong_cache);
			if (load.errors || load.unanswered)
				printf(
				    "  PROBLEMS:          %llu error replies%s%s, %llu saves never "
				    "acknowledged\n",
				    load.errors, load.first_error[0] ? ", first: " : "",
				    load.first_error, load.unanswered);
			if (load.cpu_server_start >= 0 && load.cpu_server_end >= 0)
				printf("  CPU busy:          server %.0f%% (its loop and the synthesis "
				       "thread), saving client %.0f%%,\n                     narrating "
				       "client %.0f%% of one core",
				       100.0 * srv / wall, 100.0 * self / wall, 100.0 * child / wall);
			if (load.cpu_all_start >= 0 && load.cpu_all_end >= 0)
				printf("; all processes %.0f%% of %ld CPUs", 100.0 * all / wall,
				       sysconf(_SC_NPROCESSORS_ONLN));
			printf("\n");
			if (load.cpu_server_start >= 0 && all - srv - self - child > 0.1 * wall)
				printf("  NOTE:              other work used %.0f%% of a core during the "
				       "run: expect noise\n",
				       100.0 * (all - srv - self - child) / wall);
		}

		printf("\nTargets\n");
		snprintf(detail, sizeof(detail), "(%.2f ms / %.2f ms = %.3f)", unc, cli,
			 cli > 0 ? unc / cli : 0.0);
		print_target("uncached first audio <= 0.25 x espeak-ng", cli_ok,
			     cli > 0 && unc / cli <= TARGET_CLI_RATIO, detail);
		snprintf(detail, sizeof(detail), "(median %.2f ms, p95 %.2f ms)", cac,
			 percentile_ms(&one.nar_cached, 95));
		print_target("cached first audio <= 2 ms", 1,
			     one.nar_cached.n && cac <= TARGET_CACHED_MS, detail);
		snprintf(detail, sizeof(detail),
			 "(p99 %.2f ms beside narration, %.2f ms without: %.2fx)", p99b, p99a,
			 p99a > 0 ? p99b / p99a : 0.0);
		print_target("save p99 beside narration <= 2 x without", sessions > 0,
			     load.lat_b.n && p99b <= TARGET_LOAD_RATIO * p99a, detail);
	}
	rc = one.nar_wrong_cache || load.nar_wrong_cache || load.nar_inflight || load.errors ||
		     load.unanswered
		 ? 1
		 : 0;
out:
	if (load.peer.pid > 0) { /* the narrating client, after a failure */
		kill(load.peer.pid, SIGKILL);
		waitpid(load.peer.pid, NULL, 0);
	}
	if (load.peer.active) {
		close(load.peer.rd);
		close(load.peer.wr);
	}
	if (sv.pid > 0)
		server_stop(&sv);
	if (work[0])
		remove_dir(work);
	tts_close(y.t);
	if (sem_ok)
		sem_destroy(&y.sem);
	voices_free(v);
	free(y.cli_same.v);
	free(y.cli_plain.v);
	free(y.inproc.v);
	free(y.inproc_first.v);
	free(one.s);
	free(one.lat.v);
	free(one.nar_uncached.v);
	free(one.nar_cached.v);
	free(one.nar_uncached_json.v);
	free(one.nar_cached_json.v);
	free(one.nar_uncached_all.v);
	free(one.nar_cached_all.v);
	free(one.nar_uncached_frames.v);
	free(one.nar_cached_frames.v);
	free(one.nar_uncached_first_bytes.v);
	free(load.nar_load_all.v);
	free(load.s);
	free(load.lat.v);
	free(load.lat_b.v);
	free(load.nar_load.v);
	return rc;
bad_flag:
	fprintf(stderr, "planaloud-bench: '%s' is not a valid value for that option\n", optarg);
	narrate_usage(stderr);
	return 2;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
			  !strcmp(argv[1], "help"))) {
		usage(stdout);
		printf("\n");
		narrate_usage(stdout);
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "save"))
		return cmd_save(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "narrate"))
		return cmd_narrate(argc - 1, argv + 1);
	usage(stderr);
	fprintf(stderr, "\n");
	narrate_usage(stderr);
	return 2;
}
