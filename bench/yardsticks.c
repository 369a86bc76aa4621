/* yardsticks: what narration through the server is measured against, on the same texts: the
 * espeak-ng program writing each to a WAV file (fork, exec, wait), with the first voice's
 * settings and with eSpeak's own, and synthesis in this process through tts.c (the limits: the
 * whole text, and streamed to its first piece). */
#include "err.h"
#include "narrate.h"
#include "../server/narrate.h" /* narrate_speed_percent; the above is bench/narrate.h */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CLI_TIMEOUT_MS 30000 /* one espeak-ng process */
#define TTS_TIMEOUT_S  30    /* one in-process synthesis */

/* One espeak-ng process, from fork to its exit: how long it took, in *ns. */
static int cli_once(char *const argv[], uint64_t *ns, char *err, size_t errlen)
{
	uint64_t t0 = now_ns();
	int status, pfd;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		err_set(err, errlen, "fork: %s", strerror(errno));
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
			err_set(err, errlen, "%s took over %d s", argv[0], CLI_TIMEOUT_MS / 1000);
			return -1;
		}
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			err_set(err, errlen, "waitpid: %s", strerror(errno));
			return -1;
		}
	*ns = now_ns() - t0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		err_set(err, errlen, "cannot run %s (Debian's espeak-ng package has it)", argv[0]);
		return -1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		err_set(err, errlen, "%s failed (status %d)", argv[0], status);
		return -1;
	}
	return 0;
}

/* The espeak-ng program saying text (after the pronunciation list, as the server says it) into
 * a WAV file; voice settings NULL: eSpeak's own. */
static int cli_text(const yardsticks *y, const char *voice, const char *rate, const char *pitch,
		    const char *text, uint64_t *ns, char *err, size_t errlen)
{
	char *argv[12];
	speech sp;
	int a = 0, rc;

	if (voices_speech(y->v, NULL, text, &sp)) {
		err_set(err, errlen, "out of memory");
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
 * the first piece of audio (the limit for first audio), else it is not set. l: how the text's
 * language is spoken (NULL: English, in the profile's own language); rate and gap: eSpeak's. */
static int inproc_text(yardsticks *y, const speech_lang *l, int rate, int gap, const char *text,
		       int stream, uint64_t *ns, uint64_t *first, char *err, size_t errlen)
{
	speech sp;
	tts_request req;
	tts_result *r;
	uint64_t t0;

	if (voices_speech(y->v, l, text, &sp)) {
		err_set(err, errlen, "out of memory");
		return -1;
	}
	tts_request_init(&req);
	req.language = l && l->language ? l->language : y->vp->language;
	req.gender = y->vp->male ? TTS_GENDER_MALE : TTS_GENDER_FEMALE;
	req.rate = rate;
	req.gap = gap;
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
			err_set(err, errlen, "no result from the synthesis thread in %d s",
				TTS_TIMEOUT_S);
			return -1;
		}
	}
	*ns = now_ns() - t0;
	if (r->failed) {
		err_set(err, errlen, "synthesis failed: %s", r->err);
		tts_result_free(r);
		return -1;
	}
	y->inproc_samples = r->sample_count;
	tts_result_free(r);
	return 0;
}

/* One after another is each one's best case (synthesis straight after an
 * espeak-ng process, whose copy of eSpeak's data has just gone through the CPU's caches, takes
 * 10-80% longer). */
int yardsticks_run(yardsticks *y, unsigned runs, char *err, size_t errlen)
{
	double all0 = cpu_seconds_machine(), mine0 = cpu_seconds_self() + cpu_seconds_children();
	uint64_t t0 = now_ns();

	for (unsigned kind = 0; kind < 4; kind++) {
		for (unsigned k = 0; k <= runs && !bench_interrupted(); k++) {
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
				/* 2: whole, as before streaming; 3: streamed, to the first piece;
				 * "normal" as the profile's own rate, as the espeak-ng program has
				 * it */
				if (inproc_text(y, NULL, y->vp->rate, 0, text, kind == 3, &ns,
						kind == 3 ? &first : NULL, err, errlen))
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
				err_set(err, errlen, "out of memory");
				return -1;
			}
		}
	}
	if (bench_interrupted()) {
		err_set(err, errlen, "interrupted");
		return -1;
	}
	y->other_cpu = all0 < 0 ? -1
				: (cpu_seconds_machine() - all0 - cpu_seconds_self() -
				   cpu_seconds_children() + mine0) /
				      ((double)(now_ns() - t0) / (double)NS_PER_S);
	tts_close(y->t); /* eSpeak's memory stays, its thread goes */
	y->t = NULL;
	return 0;
}

int yardsticks_first_piece(yardsticks *y, const speech_lang *l, const char *text, uint64_t *ns,
			   char *err, size_t errlen)
{
	uint64_t whole;
	int rate, gap;

	if (!y->t) {
		err_set(err, errlen, "the synthesis thread is closed");
		return -1;
	}
	/* what the server asks eSpeak for at "normal" (narrator_say) */
	voices_espeak_rate(y->vp, narrate_speed_percent("normal"), &rate, &gap);
	return inproc_text(y, l, rate, gap, text, 1, &whole, ns, err, errlen);
}

int yardsticks_init(yardsticks *y, const voices *v, const char *work_dir, char *err, size_t errlen)
{
	const voice_profile *vp = voices_at(v, 0);

	memset(y, 0, sizeof(*y));
	y->v = v;
	y->vp = vp;
	snprintf(y->wav, sizeof(y->wav), "%s/x.wav", work_dir);
	snprintf(y->rate, sizeof(y->rate), "%d", vp->rate);
	snprintf(y->pitch, sizeof(y->pitch), "%d", vp->pitch);
	/* tts.c's female voice for a language is eSpeak's "+f2" variant of it */
	snprintf(y->voice, sizeof(y->voice), "%s%s", vp->language, vp->male ? "" : "+f2");
	y->cli_ok = y->plain_ok = 1;
	if (sem_init(&y->sem, 0, 0)) {
		err_set(err, errlen, "sem_init: %s", strerror(errno));
		return -1;
	}
	y->sem_ok = 1;
	y->t = tts_open(tts_wake_sem, &y->sem, 4, err, errlen);
	return y->t ? 0 : -1;
}

void yardsticks_release(yardsticks *y)
{
	tts_close(y->t);
	y->t = NULL;
	if (y->sem_ok)
		sem_destroy(&y->sem);
	y->sem_ok = 0;
	free(y->cli_same.v);
	free(y->cli_plain.v);
	free(y->inproc.v);
	free(y->inproc_first.v);
}
