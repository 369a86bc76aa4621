/* bench.h: what the benchmark's files share (planaloud-bench; main.c says what it measures).
 *
 * The benchmark's own files, by what each measures or does:
 *   main.c           the subcommands, the signals, option helpers
 *   save.c           `save`: saves through the server, against the direct baseline
 *   direct.c         the direct baseline: the store's own commits, one answer each
 *   narrate.c        `narrate`: first audio through the server, its yardsticks, the load test
 *   narrate_report.c what `narrate` prints
 *   yardsticks.c     what narration is measured against: the espeak-ng program, tts.c in-process
 *   peer.c           the narrating client in a process of its own
 *   client.c         the websocket sessions on one libwebsockets client context
 *   narrator.c       a narrating session's steps, and the checks on every narration
 *   phases.c         the phase clock: setup, warm-up, measurement, drain
 *   typist.c         the person typing
 *   stats.c          samples, percentiles, printed distributions and targets
 *   host.c           clocks, CPU used, the WAL commit counter, folders
 *   server.c         the server under test (started with the tests' testsrv)
 *   caseload.c       `caseload`: the staff caseload over many plans
 *   backup.c         `backup`: backups taken while people save, on many plans
 *   languages.c      `languages`: every language read ahead, and first audio in each
 *   languages_session.c  one session in one language, and the checks on its narrations
 * Everything runs on one thread per process; nothing here is used by the server. */
#ifndef PLANALOUD_BENCH_H
#define PLANALOUD_BENCH_H

#include "buf.h"

#include <cjson/cJSON.h>
#include <libwebsockets.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define ERR_LEN	  512
#define NS_PER_MS 1000000ULL
#define NS_PER_S  1000000000ULL

#define WARMUP_NS	     (1 * NS_PER_S)
#define SETUP_TIMEOUT_NS     (60 * NS_PER_S) /* connecting and opening every plan */
#define DRAIN_TIMEOUT_NS     (5 * NS_PER_S)  /* waiting for the last acknowledgements */
#define TICK_US		     5000	     /* how often the phase clock looks at deadlines */
#define ANSWER_PAGE	     "like-admire"
#define ANSWER_RESTART_CHARS 400 /* a long answer starts again as a new one */
#define VALUE_MAX	     (ANSWER_RESTART_CHARS * 4 + 64)
#define OUT_MAX		     (VALUE_MAX + 256)

/* narrate */
#define NARRATE_RUNS_DEFAULT	20
#define NARRATE_STEP_TIMEOUT_NS (30 * NS_PER_S) /* one narration's steps, in any phase */
#define LOAD_SESSIONS_DEFAULT	200
#define LOAD_NARRATORS_DEFAULT	20
#define LOAD_SECONDS_DEFAULT	5 /* each half: saves alone, then saves beside narration */
#define BURST_MS_DEFAULT	500
#define NARRATOR_POOL		16 /* narrating sessions per narration at once, taken in turn */
#define TARGET_CLI_RATIO	0.25
#define TARGET_CACHED_MS	2.0
#define TARGET_LOAD_RATIO	2.0
/* A 40-word easy-read answer; the number makes each one a text never said before. No ASCII
 * quotes or backslashes: it goes into JSON as it is. */
#define PARAGRAPH                                                                                  \
	"I like my home and my friends. People say I am kind and I help them. I go to the park "   \
	"on Sunday with my dog. I am good at cooking and I make cakes. This is answer number %u."
#define PARAGRAPH_MAX 256

/* ---- main.c: signals and options ---- */

/* 1 once SIGINT or SIGTERM came. */
int bench_interrupted(void);
/* Catches SIGINT and SIGTERM (which also wake ctx's loop, when set) and ignores SIGPIPE. */
void bench_signals_catch(void);
/* A new folder base/planaloud-bench-WHAT-XXXXXX (base NULL or "": /tmp) into work: 0; or -1,
 * said on stderr, with work "". */
int bench_work_folder(char *work, size_t len, const char *base, const char *what);
/* The client context a signal wakes (NULL: none). Borrowed until set again. */
void bench_signals_wake(struct lws_context *ctx);
/* A whole decimal number in [min, max] into *out: 0, or -1. */
int parse_int(const char *s, long min, long max, int *out);

/* ---- typist.c: the person typing ---- */

typedef struct typist {
	char value[VALUE_MAX];
	size_t len;   /* bytes */
	size_t chars; /* characters */
	size_t src;   /* where in the typed text the next character comes from */
	uint32_t rng;
} typist;

/* xorshift32: deterministic, so two runs type the same text */
uint32_t rng_next(uint32_t *state);
/* Person number `who`, before typing anything. */
void typist_init(typist *t, unsigned who);
/* A few more characters, as between two saves of a typing person; a long answer starts over. */
void typist_type(typist *t);

/* ---- host.c: clocks, CPU, the disk ---- */

uint64_t now_ns(void);
double cpu_seconds_self(void);
/* CPU seconds of this process's children that have ended (the espeak-ng programs). */
double cpu_seconds_children(void);
/* CPU seconds (user + system) a process has used, from /proc; -1 when unknown. */
double cpu_seconds_of(pid_t pid);
/* CPU seconds all processes on the machine spent, from /proc/stat; -1 when unknown. */
double cpu_seconds_machine(void);
/* Prints the "Machine:" line: cores online, the CPU's model, the load average. */
void bench_machine_print(void);
/* The commits SQLite's wal-index of the database at db_path has counted; -1 when unknown. */
long long wal_commit_counter(const char *db_path);
/* The filesystem dir is on, in words ("ext4", "tmpfs"). A static string. */
const char *fs_name(const char *dir);
/* Removes a temporary folder the benchmark made, and the folders in it. */
void remove_dir(const char *dir);
/* Raises the open-file limit so that n connections fit (the server inherits it too). */
void raise_fd_limit(unsigned n);

/* ---- stats.c: samples and what is printed of them ---- */

typedef struct samples {
	uint64_t *v; /* latencies in ns (or counts) */
	size_t n, cap;
} samples;

/* 0, or -1 when memory runs out. */
int samples_add(samples *sm, uint64_t v);
void samples_sort(samples *sm);
/* Exact percentile by nearest rank over sorted samples, in ms. */
double percentile_ms(const samples *sm, double p);
/* The largest of sorted samples in ms, 0 when none. */
double max_ms(const samples *sm);
/* How many sorted samples exceed limit. */
size_t count_over(const samples *sm, uint64_t limit);
/* Sorts, then prints median, p95 and max in ms. */
void print_dist(const char *what, samples *sm);
/* A distribution of counts (or bytes, shown in units of div), not of times. */
void print_count(const char *what, samples *sm, unsigned div, const char *unit);
void print_target(const char *what, int applies, int pass, const char *detail);

/* ---- the sessions (client.c, narrator.c, phases.c) ---- */

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

enum out_kind { OUT_PLAIN, OUT_SAVE, OUT_NARRATE, OUT_KEY /* resume_key: new_plan follows */ };

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

struct bench {
	struct lws_context *ctx;
	lws_sorted_usec_list_t tick;
	sess *s;
	unsigned n;
	int port;
	int think_ms;
	int resume_tokens; /* each session gives a page secret first and so holds a resume token */
	unsigned long long tokens; /* resume_token messages received */
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
	double cpu_all_start, cpu_all_end;	     /* every process on the machine */
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

/* client.c */
/* Connects b->n sessions (b->s, calloc'd by the caller) to 127.0.0.1:b->port and runs the phases
 * until done or failed: 0 when done, -1 with the reason in b->fail. */
int bench_run(bench *b);
/* Frees b->s and every sample b holds; the struct itself is the caller's. */
void bench_release(bench *b);
/* Fails the run (the first reason is kept) and wakes the loop. */
void bench_fail(bench *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Puts one message in the session's out slot and asks for a writable callback. */
void sess_queue(sess *s, enum out_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The next keystrokes' save, unless the measurement is over. */
void sess_save(sess *s);
/* The think timer's callback: the next save. */
void think_done(lws_sorted_usec_list_t *sul);

/* narrator.c */
/* A new answer never said before, then the check page that shows it. */
void nar_prepare(sess *s);
/* Asks for the answer on the check page to be read aloud; repeat: the same text again. */
void nar_fire(sess *s, int repeat);
/* A narrating session's message; 1 when it was one the session was waiting for. */
int nar_message(sess *s, const cJSON *m, const char *type, unsigned long long seq);
/* A piece of a binary message: a frame's 4-byte n (checked as soon as it is whole), then PCM. */
void nar_audio_bytes(sess *s, const unsigned char *in, size_t len, uint64_t at);
/* The last byte of a binary message: one audio frame is whole. */
void nar_frame_done(sess *s);
/* b->burst_size narrations at once from the narrating sessions that are ready. */
void nar_burst(bench *b);
/* Fails the run when a narrating session is stuck on one step. */
void nar_check_stuck(bench *b, uint64_t now);

/* phases.c */
/* The phase clock's timer callback (every few ms, on b->tick). */
void tick(lws_sorted_usec_list_t *sul);
/* The measurement is over: the clocks and counters are read. */
void bench_finish(bench *b);

/* ---- server.c: the server under test ---- */

typedef struct bench_server bench_server;

/* Starts the planaloud binary beside this one on 127.0.0.1:port (0: a free one) with its data in
 * data_dir (made and removed by the caller). NULL with the reason in err. Free (stopping the
 * server if still running) with bench_server_free(). */
bench_server *bench_server_start(const char *data_dir, int port, char *err, size_t errlen);
/* bench_server_start with the NULL-terminated extra arguments (at most 8; NULL: none), such as
 * {"--read-ahead", "all", NULL}. */
bench_server *bench_server_start_with(const char *data_dir, int port, const char *const *extra,
				      char *err, size_t errlen);
/* The server reads every fixed text into its audio cache when it starts: waits until it has.
 * 0 when done (*texts 0 when the server does not say), -1 on a timeout or interruption. */
int bench_server_wait_ready(int port, size_t *texts, char *err, size_t errlen);
/* Prints the "Server:" line: binary, pid, address, data folder and its filesystem. */
void bench_server_print(const bench_server *sv);
pid_t bench_server_pid(const bench_server *sv);
int bench_server_port(const bench_server *sv);
/* The read end of the server's stdout (a child process closes it), -1 when stopped. */
int bench_server_out_fd(const bench_server *sv);
/* Stops the server (SIGTERM; SIGKILL if it does not stop in time): 0 when it stopped cleanly,
 * else -1 after saying how it ended. -1 when it was not running. */
int bench_server_stop(bench_server *sv);
/* Stops the server if it runs, and frees sv. NULL is a no-op. */
void bench_server_free(bench_server *sv);

/* ---- direct.c: the limit, through the store ---- */

typedef struct direct_result {
	unsigned long long commits;
	double seconds;
	long long wal_counter; /* commits SQLite's wal-index counted, as a check; -1 unknown */
} direct_result;

/* Saves `commits` answers (plans of them in turn) in dir/direct.db through the store, each in
 * a batch of its own committed before the next, stopping early at max_ns. */
int direct_run(const char *dir, unsigned plans, unsigned long long commits, uint64_t max_ns,
	       direct_result *res, char *err, size_t errlen);

/* ---- the subcommands: save.c, narrate.c, wpm.c, focus.c, caseload.c, backup.c, languages.c */

int cmd_save(int argc, char **argv);
void save_usage(FILE *f);
int cmd_narrate(int argc, char **argv);
void narrate_usage(FILE *f);
int cmd_wpm(int argc, char **argv);
void wpm_usage(FILE *f);
int cmd_focus(int argc, char **argv);
void focus_usage(FILE *f);
int cmd_caseload(int argc, char **argv);
void caseload_usage(FILE *f);
int cmd_backup(int argc, char **argv);
void backup_usage(FILE *f);
int cmd_languages(int argc, char **argv);
void languages_usage(FILE *f);

/* name ("voices", "web/pictures") in the source tree this program was built from. */
void bench_source_path(char *out, size_t outlen, const char *name);

#endif
