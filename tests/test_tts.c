/* Tests for server/tts.c: real eSpeak NG, on its worker thread, through submit and poll. */
#include "check.h"

#include "tts.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_JOBS 8
#define WAIT_MS	 10000 /* for one result: synthesis takes milliseconds */

/* Counts wakes and lets a test sleep until the next one. */
typedef struct waker {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned long wakes;
} waker;

static waker wk = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};

static void on_wake(void *ctx)
{
	waker *w = ctx;

	pthread_mutex_lock(&w->lock);
	w->wakes++;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

static unsigned long wakes(void)
{
	unsigned long n;

	pthread_mutex_lock(&wk.lock);
	n = wk.wakes;
	pthread_mutex_unlock(&wk.lock);
	return n;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The next result, waiting for a wake up to ms; NULL on timeout. */
static tts_result *wait_result(tts *t, int ms)
{
	double deadline = now_ms() + ms;
	tts_result *r;

	pthread_mutex_lock(&wk.lock);
	while (!(r = tts_poll(t))) {
		struct timespec ts;
		double left = deadline - now_ms();

		if (left <= 0)
			break;
		if (left > 50)
			left =
			    50; /* poll again now and then: a wake may come between poll and wait */
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += (long)(left * 1e6);
		ts.tv_sec += ts.tv_nsec / 1000000000L;
		ts.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&wk.cond, &wk.lock, &ts);
	}
	pthread_mutex_unlock(&wk.lock);
	return r;
}

static tts *open_tts(size_t max_jobs)
{
	char err[TTS_ERR_LEN] = "";
	tts *t = tts_open(on_wake, &wk, max_jobs, err, sizeof(err));

	if (!t)
		fprintf(stderr, "tts_open: %s\n", err);
	CHECK(t != NULL);
	return t;
}

static int submit(tts *t, uint64_t id, void *owner, const char *text, int rate, tts_gender g)
{
	tts_request req;
	char err[TTS_ERR_LEN] = "";
	int rc;

	tts_request_init(&req);
	req.id = id;
	req.owner = owner;
	req.text = text;
	req.rate = rate;
	req.gender = g;
	rc = tts_submit(t, &req, err, sizeof(err));
	if (rc && strcmp(err, TTS_ERR_BUSY) != 0)
		fprintf(stderr, "tts_submit: %s\n", err);
	return rc;
}

/* Speaks text at rate and gender and waits for it; NULL (and a failed check) on timeout. */
static tts_result *say(tts *t, const char *text, int rate, tts_gender g)
{
	tts_result *r;

	CHECK(submit(t, 1, NULL, text, rate, g) == 0);
	r = wait_result(t, WAIT_MS);
	CHECK(r != NULL);
	return r;
}

static double seconds(const tts_result *r)
{
	return r->sample_rate ? (double)r->sample_count / r->sample_rate : 0;
}

/* The word's text, copied into out. */
static const char *word_text(const tts_result *r, size_t i, char *out, size_t outlen)
{
	size_t a = tts_byte_offset(r->text, r->words[i].start);
	size_t b = tts_byte_offset(r->text, r->words[i].start + r->words[i].length);

	snprintf(out, outlen, "%.*s", (int)(b - a), r->text + a);
	return out;
}

/* Each word of the result is expected[i], in order, at increasing offsets and times. */
static void check_words(const tts_result *r, const char *const *expected, size_t n)
{
	char w[64];

	CHECK(r->word_count == n);
	if (r->word_count != n) {
		for (size_t i = 0; i < r->word_count; i++)
			fprintf(stderr, "  word %zu: \"%s\" at %zu+%zu, %u ms\n", i,
				word_text(r, i, w, sizeof(w)), r->words[i].start,
				r->words[i].length, r->words[i].audio_ms);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		CHECK_STR(word_text(r, i, w, sizeof(w)), expected[i]);
		if (i > 0) {
			CHECK(r->words[i].start > r->words[i - 1].start);
			CHECK(r->words[i].audio_ms > r->words[i - 1].audio_ms);
		}
		CHECK((double)r->words[i].audio_ms / 1000.0 < seconds(r));
	}
}

static void tts_open_should_say_why_when_espeak_has_no_data(void)
{
	char dir[] = "/tmp/planaloud-tts-XXXXXX";
	char err[TTS_ERR_LEN] = "";
	const char *env = getenv("ESPEAK_DATA_PATH");
	char *saved = env ? strdup(env) : NULL;
	tts *t;

	/* Runs first: eSpeak is started once per process, so only the first start can fail. */
	CHECK(mkdtemp(dir) != NULL);
	setenv("ESPEAK_DATA_PATH", dir, 1); /* a folder without phoneme data */
	t = tts_open(on_wake, &wk, MAX_JOBS, err, sizeof(err));
	if (saved)
		setenv("ESPEAK_DATA_PATH", saved, 1);
	else
		unsetenv("ESPEAK_DATA_PATH");
	CHECK(t == NULL);
	CHECK(strstr(err, "eSpeak NG could not start") != NULL);
	tts_close(t);
	rmdir(dir);
	free(saved);
	/* and the installed data is found afterwards */
	t = open_tts(MAX_JOBS);
	tts_close(t);
}

static void tts_open_should_allow_only_one_tts_at_a_time(void)
{
	char err[TTS_ERR_LEN] = "";
	tts *t = open_tts(MAX_JOBS);

	CHECK(tts_open(NULL, NULL, MAX_JOBS, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "already in use") != NULL);
	tts_close(t);
	t = open_tts(MAX_JOBS);
	CHECK(tts_sample_rate(t) == 22050);
	tts_close(t);
	tts_close(NULL);
}

static void tts_should_speak_a_sentence_with_a_word_event_for_every_word(void)
{
	static const char *const words[] = {"Your", "plan", "is",   "about",
					    "you",  "and",  "your", "life"};
	tts *t = open_tts(MAX_JOBS);
	tts_result *r =
	    say(t, "Your plan is about you and your life.", TTS_RATE_DEFAULT, TTS_GENDER_ANY);

	if (r) {
		CHECK(!r->failed);
		CHECK(r->sample_rate == 22050);
		CHECK(r->samples != NULL);
		CHECK(seconds(r) > 1.0 && seconds(r) < 5.0);
		check_words(r, words, 8);
		CHECK(r->word_count && r->words[0].start == 0 && r->words[0].audio_ms == 0);
		CHECK_STR(r->text, "Your plan is about you and your life.");
	}
	tts_result_free(r);
	tts_close(t);
}

static void tts_should_point_at_the_right_words_in_non_ascii_text(void)
{
	static const char *const welsh[] = {"Mae'r", "ŵyl", "yn", "hwyl"};
	static const char *const cafe[] = {"I",	    "like", "café", "food", "it",
					   "costs", "£40",  "a",    "week"};
	static const char *const quotes[] = {"Quoted", "words", "and", "single"};
	static const char *const emoji[] = {"I", "love", "🎉", "parties"};
	tts *t = open_tts(MAX_JOBS);
	tts_result *r;
	tts_request req;
	char err[TTS_ERR_LEN];

	/* eSpeak's own length for "Mae'r" is 3: the whole written word is highlighted. */
	r = say(t, "Mae'r ŵyl yn hwyl", TTS_RATE_DEFAULT, TTS_GENDER_ANY);
	if (r) {
		check_words(r, welsh, 4);
		CHECK(r->word_count == 4 && r->words[1].start == 6 && r->words[1].length == 3);
		CHECK(r->word_count == 4 && tts_byte_offset(r->text, r->words[1].start) == 6);
		CHECK(r->word_count == 4 && tts_byte_offset(r->text, r->words[2].start) == 11);
	}
	tts_result_free(r);

	/* In a Welsh voice too. */
	tts_request_init(&req);
	req.language = "cy";
	req.text = "Mae'r ŵyl yn hwyl";
	CHECK(tts_submit(t, &req, err, sizeof(err)) == 0);
	r = wait_result(t, WAIT_MS);
	CHECK(r != NULL);
	if (r) {
		CHECK(!r->failed);
		CHECK_STR(r->voice, "cel/cy");
		check_words(r, welsh, 4);
	}
	tts_result_free(r);

	/* eSpeak says "£40" as "£" then "40", and adds an event of length 0 after the em dash. */
	r = say(t, "I like café food — it costs £40 a week.", TTS_RATE_DEFAULT, TTS_GENDER_ANY);
	if (r)
		check_words(r, cafe, 9);
	tts_result_free(r);

	r = say(t, "“Quoted” words… and ‘single’", TTS_RATE_DEFAULT, TTS_GENDER_ANY);
	if (r)
		check_words(r, quotes, 4);
	tts_result_free(r);

	/* Four bytes, one code point: the words after it are still found. */
	r = say(t, "I love 🎉 parties", TTS_RATE_DEFAULT, TTS_GENDER_ANY);
	if (r)
		check_words(r, emoji, 4);
	tts_result_free(r);
	tts_close(t);
}

static void tts_should_report_numbers_and_abbreviations_as_the_written_words(void)
{
	static const char *const money[] = {"£1,250.50", "per", "year"};
	static const char *const times[] = {"Meet", "at", "10:30", "on", "3/4/2024"};
	static const char *const mixed[] = {"I'm", "here",	 "don't", "worry",
					    "e.g", "well-being", "Dr",	  "Smith"};
	tts *t = open_tts(MAX_JOBS);
	tts_result *r;

	r = say(t, "£1,250.50 per year", TTS_RATE_DEFAULT, TTS_GENDER_ANY);
	if (r)
		check_words(r, money, 3);
	tts_result_free(r);
	r = say(t, "Meet at 10:30 on 3/4/2024.", TTS_RATE_DEFAULT, TTS_GENDER_ANY);
	if (r)
		check_words(r, times, 5);
	tts_result_free(r);
	r = say(t, "I'm here, don't worry, e.g. well-being. Dr. Smith", TTS_RATE_DEFAULT,
		TTS_GENDER_ANY);
	if (r)
		check_words(r, mixed, 8);
	tts_result_free(r);
	tts_close(t);
}

static void words_said_together_should_share_the_time_of_the_one_reported(void)
{
	static const char *const words[] = {"A",     "lot",  "of", "the", "time", "I",
					    "check", "that", "it", "is",  "right"};
	tts *t = open_tts(MAX_JOBS);
	tts_result *r =
	    say(t, "A lot of the time I check that it is right.", TTS_RATE_DEFAULT, TTS_GENDER_ANY);

	/* eSpeak reports "of the" as "of" and "that it" as "that". */
	if (r) {
		check_words(r, words, 11);
		for (size_t i = 0; i < r->word_count; i++)
			CHECK(r->words[i].estimated == (i == 3 || i == 8));
	}
	tts_result_free(r);
	r = say(t, "• Cooking • Shopping", TTS_RATE_DEFAULT, TTS_GENDER_ANY);
	if (r) {
		static const char *const list[] = {"Cooking", "Shopping"};

		check_words(r, list, 2);
	}
	tts_result_free(r);
	tts_close(t);
}

static void tts_byte_offset_should_count_code_points(void)
{
	const char *s = "a£ŵ🎉b"; /* 1 + 2 + 2 + 4 + 1 bytes */

	CHECK(tts_byte_offset(s, 0) == 0);
	CHECK(tts_byte_offset(s, 1) == 1);
	CHECK(tts_byte_offset(s, 2) == 3);
	CHECK(tts_byte_offset(s, 3) == 5);
	CHECK(tts_byte_offset(s, 4) == 9);
	CHECK(tts_byte_offset(s, 5) == 10);
	CHECK(tts_byte_offset(s, 99) == 10);
	CHECK(tts_byte_offset("", 0) == 0);
}

static void a_faster_rate_should_give_shorter_audio(void)
{
	const char *text =
	    "You can choose who helps you, what you do in the day, and where you go.";
	tts *t = open_tts(MAX_JOBS);
	tts_result *slow = say(t, text, 120, TTS_GENDER_ANY);
	tts_result *fast = say(t, text, 250, TTS_GENDER_ANY);

	if (slow && fast) {
		CHECK(seconds(fast) < seconds(slow) * 0.75);
		CHECK(fast->word_count == slow->word_count);
	}
	tts_result_free(slow);
	tts_result_free(fast);
	tts_close(t);
}

/* Below eSpeak's slowest rate, a pause after each word: longer audio, the same words, later. */
static void a_word_gap_should_give_longer_audio_with_the_same_words(void)
{
	const char *text =
	    "You can choose who helps you, what you do in the day, and where you go.";
	tts *t = open_tts(MAX_JOBS);
	tts_result *plain = say(t, text, TTS_RATE_MIN, TTS_GENDER_ANY), *gapped = NULL;
	tts_request req;
	char err[TTS_ERR_LEN];

	tts_request_init(&req);
	req.id = 2;
	req.rate = TTS_RATE_MIN;
	req.gap = 2;
	req.text = text;
	CHECK(tts_submit(t, &req, err, sizeof(err)) == 0);
	gapped = wait_result(t, WAIT_MS);
	CHECK(plain && gapped && !gapped->failed);
	if (plain && gapped) {
		CHECK(seconds(gapped) > seconds(plain) * 1.1);
		CHECK(gapped->word_count == plain->word_count && gapped->word_count > 2);
		if (gapped->word_count == plain->word_count && gapped->word_count > 2)
			CHECK(gapped->words[gapped->word_count - 1].audio_ms >
			      plain->words[plain->word_count - 1].audio_ms);
	}
	tts_result_free(plain);
	tts_result_free(gapped);
	tts_close(t);
}

static void the_male_and_female_voices_should_both_work_and_differ(void)
{
	const char *text = "Your plan is about you and your life.";
	tts *t = open_tts(MAX_JOBS);
	tts_result *male = say(t, text, TTS_RATE_DEFAULT, TTS_GENDER_MALE);
	tts_result *female = say(t, text, TTS_RATE_DEFAULT, TTS_GENDER_FEMALE);

	if (male && female) {
		CHECK(!male->failed && !female->failed);
		CHECK_STR(male->voice, "gmw/en");
		CHECK_STR(female->voice, "gmw/en+f2");
		CHECK(male->word_count == 8 && female->word_count == 8);
		CHECK(male->sample_count > 22050 && female->sample_count > 22050);
		CHECK(male->sample_count != female->sample_count ||
		      memcmp(male->samples, female->samples,
			     male->sample_count * sizeof(*male->samples)) != 0);
	}
	tts_result_free(male);
	tts_result_free(female);
	tts_close(t);
}

static void an_unknown_language_should_give_a_failed_result(void)
{
	tts *t = open_tts(MAX_JOBS);
	tts_request req;
	char err[TTS_ERR_LEN];
	tts_result *r;

	tts_request_init(&req);
	req.language = "xx";
	req.text = "Hello";
	CHECK(tts_submit(t, &req, err, sizeof(err)) == 0);
	r = wait_result(t, WAIT_MS);
	CHECK(r != NULL);
	if (r) {
		CHECK(r->failed);
		CHECK(strstr(r->err, "no voice") != NULL);
		CHECK(r->sample_count == 0 && r->word_count == 0);
	}
	tts_result_free(r);
	/* and the next job, in en-gb, speaks */
	r = say(t, "Hello again", TTS_RATE_DEFAULT, TTS_GENDER_ANY);
	CHECK(r && !r->failed && r->word_count == 2);
	tts_result_free(r);
	tts_close(t);
}

static void tts_submit_should_refuse_requests_out_of_bounds(void)
{
	tts *t = open_tts(MAX_JOBS);
	tts_request req;
	char err[TTS_ERR_LEN];
	char *big = malloc(TTS_MAX_TEXT + 2);

	CHECK(big != NULL);
	if (!big)
		return;
	for (size_t i = 0; i < TTS_MAX_TEXT + 1; i++)
		big[i] = "plan "[i % 5];
	big[TTS_MAX_TEXT + 1] = '\0';
	tts_request_init(&req);
	req.text = big;
	CHECK(tts_submit(t, &req, err, sizeof(err)) == -1);
	CHECK(strstr(err, "too long") != NULL);
	big[TTS_MAX_TEXT] = '\0'; /* exactly the maximum is accepted: 1,639 words */
	req.rate = TTS_RATE_MAX;  /* under TTS_MAX_SECONDS */
	CHECK(tts_submit(t, &req, err, sizeof(err)) == 0);

	tts_request_init(&req);
	req.text = "caf\xC3";
	CHECK(tts_submit(t, &req, err, sizeof(err)) == -1);
	CHECK(strstr(err, "UTF-8") != NULL);
	req.text = "Hello";
	req.rate = TTS_RATE_MAX + 1;
	CHECK(tts_submit(t, &req, err, sizeof(err)) == -1);
	req.rate = TTS_RATE_DEFAULT;
	req.gap = TTS_GAP_MAX + 1;
	CHECK(tts_submit(t, &req, err, sizeof(err)) == -1);
	req.gap = -1;
	CHECK(tts_submit(t, &req, err, sizeof(err)) == -1);
	req.gap = 0;
	req.pitch = 101;
	CHECK(tts_submit(t, &req, err, sizeof(err)) == -1);
	req.pitch = 50;
	req.volume = -1;
	CHECK(tts_submit(t, &req, err, sizeof(err)) == -1);
	req.volume = 100;
	req.language = "en gb;";
	CHECK(tts_submit(t, &req, err, sizeof(err)) == -1);
	req.language = "en-gb";
	req.gender = (tts_gender)3;
	CHECK(tts_submit(t, &req, err, sizeof(err)) == -1);
	req.gender = TTS_GENDER_FEMALE;
	req.text = NULL;
	CHECK(tts_submit(t, &req, err, sizeof(err)) == -1);

	/* the long one is spoken whole */
	{
		tts_result *r = wait_result(t, WAIT_MS * 3);

		CHECK(r != NULL);
		if (r) {
			CHECK(!r->failed);
			CHECK(r->word_count == (TTS_MAX_TEXT + 4) / 5);
			CHECK(r->word_count &&
			      r->words[r->word_count - 1].start == TTS_MAX_TEXT - 2);
		}
		tts_result_free(r);
	}
	free(big);
	tts_close(t);
}

static void empty_text_should_give_an_empty_result(void)
{
	tts *t = open_tts(MAX_JOBS);
	tts_result *r = say(t, "", TTS_RATE_DEFAULT, TTS_GENDER_ANY);

	if (r) {
		CHECK(!r->failed);
		CHECK(r->sample_count == 0 && r->word_count == 0);
		CHECK_STR(r->text, "");
	}
	tts_result_free(r);
	r = say(t, " \n\t — ", TTS_RATE_DEFAULT, TTS_GENDER_ANY);
	CHECK(r && !r->failed && r->sample_count == 0 && r->word_count == 0);
	tts_result_free(r);
	tts_close(t);
}

static void the_queue_should_be_bounded_and_the_accepted_jobs_should_all_complete(void)
{
	tts *t = open_tts(4);
	int accepted = 0, refused = 0, seen[10] = {0};
	tts_result *r;

	for (uint64_t id = 0; id < 10; id++) {
		if (submit(t, id, NULL, "One, two, three.", TTS_RATE_DEFAULT, TTS_GENDER_ANY) == 0)
			accepted++;
		else
			refused++;
	}
	/* The worker may take one off the queue before the rest arrive, but never frees a place
	 * until a result is polled. */
	CHECK(accepted == 4);
	CHECK(refused == 6);
	for (int i = 0; i < accepted; i++) {
		r = wait_result(t, WAIT_MS);
		CHECK(r != NULL);
		if (r && r->id < 10) {
			seen[r->id]++;
			CHECK(!r->failed && r->word_count == 3);
		}
		tts_result_free(r);
	}
	for (int i = 0; i < 4; i++)
		CHECK(seen[i] == 1);
	CHECK(tts_poll(t) == NULL);
	/* places free up once polled */
	CHECK(submit(t, 11, NULL, "Four.", TTS_RATE_DEFAULT, TTS_GENDER_ANY) == 0);
	r = wait_result(t, WAIT_MS);
	CHECK(r && r->id == 11);
	tts_result_free(r);
	tts_close(t);
}

/* A long text (about 1,100 words): the worker takes a while over it. The caller frees it. */
static char *long_text(void)
{
	const char *sentence = "This sentence is here to take the worker a while to say. ";
	size_t len = 0, n = strlen(sentence);
	char *text = malloc(TTS_MAX_TEXT);

	if (!text)
		return NULL;
	while (len + n < TTS_MAX_TEXT - 2000) {
		memcpy(text + len, sentence, n);
		len += n;
	}
	text[len] = '\0';
	return text;
}

static void tts_forget_should_drop_an_owners_jobs(void)
{
	tts *t = open_tts(64);
	int a, b; /* two connections */
	int got_a = 0, got_b = 0;
	double start, full, abandoned;
	unsigned long before;
	tts_result *r;
	char *longtext = long_text();
	struct timespec ms = {0, 1000000};

	CHECK(longtext != NULL);
	if (!longtext)
		return;
	/* a long job first, so that a's jobs are waiting or being spoken when forgotten */
	CHECK(submit(t, 100, &a, longtext, TTS_RATE_DEFAULT, TTS_GENDER_ANY) == 0);
	for (uint64_t id = 0; id < 20; id++)
		CHECK(submit(t, id, id % 2 ? (void *)&b : (void *)&a, "Hello there.",
			     TTS_RATE_DEFAULT, TTS_GENDER_ANY) == 0);
	tts_forget(t, &a);
	while (got_b < 10 && (r = wait_result(t, WAIT_MS))) {
		if (r->owner == &a)
			got_a++;
		if (r->owner == &b) {
			got_b++;
			CHECK(r->id % 2 == 1);
		}
		tts_result_free(r);
	}
	CHECK(got_a == 0);
	CHECK(got_b == 10);

	/* and finished results not yet polled */
	before = wakes();
	CHECK(submit(t, 300, &a, "Done but not read.", TTS_RATE_DEFAULT, TTS_GENDER_ANY) == 0);
	CHECK(submit(t, 301, &b, "Read.", TTS_RATE_DEFAULT, TTS_GENDER_ANY) == 0);
	for (int i = 0; i < 5000 && wakes() - before < 2; i++)
		nanosleep(&ms, NULL);
	CHECK(wakes() - before == 2);
	tts_forget(t, &a);
	r = wait_result(t, WAIT_MS);
	CHECK(r && r->id == 301);
	tts_result_free(r);
	CHECK(tts_poll(t) == NULL);

	/* a job being spoken is abandoned at once: b's next job does not wait for it */
	start = now_ms();
	CHECK(submit(t, 400, &b, longtext, TTS_RATE_DEFAULT, TTS_GENDER_ANY) == 0);
	r = wait_result(t, WAIT_MS);
	full = now_ms() - start;
	CHECK(r && r->id == 400 && !r->failed);
	tts_result_free(r);
	CHECK(submit(t, 200, &a, longtext, TTS_RATE_DEFAULT, TTS_GENDER_ANY) == 0);
	nanosleep(&ms, NULL); /* the worker is (most likely) inside it now */
	start = now_ms();
	tts_forget(t, &a);
	CHECK(submit(t, 201, &b, "After the long one.", TTS_RATE_DEFAULT, TTS_GENDER_ANY) == 0);
	r = wait_result(t, WAIT_MS);
	abandoned = now_ms() - start;
	CHECK(r && r->id == 201 && r->word_count == 4);
	tts_result_free(r);
	CHECK(abandoned < full / 2);
	CHECK(tts_poll(t) == NULL);
	free(longtext);
	tts_close(t);
}

static void wake_should_be_called_once_per_finished_job(void)
{
	tts *t = open_tts(32);
	unsigned long before = wakes();
	int polled = 0;
	struct timespec ms = {0, 1000000};
	tts_result *r;

	for (uint64_t id = 0; id < 20; id++)
		CHECK(submit(t, id, NULL, "Wake me up.", TTS_RATE_DEFAULT, TTS_GENDER_ANY) == 0);
	while (polled < 20 && (r = wait_result(t, WAIT_MS))) {
		polled++;
		tts_result_free(r);
	}
	CHECK(polled == 20);
	/* wake comes just after a result is ready, so the last may still be on its way */
	for (int i = 0; i < 2000 && wakes() - before < 20; i++)
		nanosleep(&ms, NULL);
	nanosleep(&ms, NULL);
	CHECK(wakes() - before == 20);
	tts_close(t);
}

static void many_submissions_while_the_worker_runs_should_all_complete_intact(void)
{
	static const char *const texts[] = {"Yes.", "No thank you.", "I need help with cooking.",
					    "My sister Ann visits on Sunday.",
					    "Mae'r ŵyl yn hwyl i bawb."};
	static const size_t nwords[] = {1, 3, 5, 6, 6};
	enum { JOBS = 200 };
	tts *t = open_tts(16);
	int seen[JOBS] = {0}, done = 0, next = 0, bad = 0;
	double deadline = now_ms() + 30000;

	while (done < JOBS && now_ms() < deadline) {
		tts_result *r;

		while (next < JOBS && submit(t, (uint64_t)next, NULL, texts[next % 5],
					     TTS_RATE_DEFAULT + next % 50, TTS_GENDER_ANY) == 0)
			next++;
		r = wait_result(t, WAIT_MS);
		if (!r)
			break;
		if (r->id >= JOBS || r->failed || strcmp(r->text, texts[r->id % 5]) != 0 ||
		    r->word_count != nwords[r->id % 5] || r->sample_count == 0)
			bad++;
		else
			seen[r->id]++;
		done++;
		tts_result_free(r);
	}
	CHECK(done == JOBS);
	CHECK(bad == 0);
	for (int i = 0; i < JOBS; i++)
		CHECK(seen[i] == 1);
	tts_close(t);
}

/* A streamed request: pieces in order, the first of about 100 ms, each with the words of the
 * sentences finished since the one before, that together are the whole audio and the whole list
 * of words of the finished result, which comes last. */
static void a_streamed_request_should_give_its_audio_and_words_in_pieces_first(void)
{
	tts *t = open_tts(4);
	tts_request req;
	char err[TTS_ERR_LEN] = "";
	char *text = long_text();
	int16_t *joined = calloc((size_t)TTS_MAX_SECONDS * 22050, sizeof(*joined));
	tts_word *words = calloc(4096, sizeof(*words));
	size_t have = 0, nwords = 0, pieces = 0, bad_order = 0, with_words = 0;
	tts_result *r = NULL;

	tts_request_init(&req);
	req.id = 9;
	req.text = text;
	req.stream = 1;
	CHECK(text && joined && words && tts_submit(t, &req, err, sizeof(err)) == 0);
	while ((r = wait_result(t, WAIT_MS)) && r->piece) {
		if (r->first_sample != have)
			bad_order++;
		if (pieces == 0)
			CHECK(r->sample_count <= (size_t)r->sample_rate / 5); /* out at once */
		CHECK(r->id == 9 && !r->failed);
		memcpy(joined + have, r->samples, r->sample_count * sizeof(*joined));
		have += r->sample_count;
		if (r->word_count && nwords + r->word_count <= 4096) {
			memcpy(words + nwords, r->words, r->word_count * sizeof(*words));
			nwords += r->word_count;
			with_words++;
		}
		pieces++;
		tts_result_free(r);
	}
	CHECK(r != NULL && !r->piece && !r->failed);
	CHECK(pieces >= 5);	/* a minute of speech, in sentences */
	CHECK(with_words >= 4); /* the words come along, not only at the end */
	CHECK(bad_order == 0);
	if (r) {
		CHECK(r->streamed == have && have <= r->sample_count);
		CHECK(memcmp(joined, r->samples, have * sizeof(*joined)) == 0);
		CHECK(r->word_count > 100);
		CHECK(nwords > 0 && nwords <= r->word_count);
		CHECK(memcmp(words, r->words, nwords * sizeof(*words)) == 0);
		/* and the last word is spoken inside the audio */
		if (r->word_count)
			CHECK(r->words[r->word_count - 1].audio_ms <
			      r->sample_count * 1000 / (size_t)r->sample_rate);
	}
	tts_result_free(r);
	/* Not streamed: one result, no pieces. */
	r = say(t, "Only the whole of this comes back.", TTS_RATE_DEFAULT, TTS_GENDER_ANY);
	CHECK(r && !r->piece && r->streamed == 0 && r->sample_count > 0);
	tts_result_free(r);
	free(words);
	free(joined);
	free(text);
	tts_close(t);
}

/* Five people press Listen on long texts at once: each hears a first sentence before any text
 * is finished, instead of the fifth waiting for four whole texts. */
static void texts_asked_for_at_once_should_each_start_before_any_is_finished(void)
{
	enum { N = 5 };
	tts *t = open_tts(N);
	tts_request req;
	char err[TTS_ERR_LEN] = "";
	char *text = long_text();
	int first[N] = {0}, started = 0, finished_before_all_started = 0, finished = 0;
	tts_result *r;

	CHECK(text != NULL);
	for (int i = 0; i < N && text; i++) {
		tts_request_init(&req);
		req.id = (uint64_t)i;
		req.text = text;
		req.stream = 1;
		CHECK(tts_submit(t, &req, err, sizeof(err)) == 0);
	}
	while (finished < N && (r = wait_result(t, WAIT_MS))) {
		if (r->id < N && r->piece && !first[r->id]) {
			first[r->id] = 1;
			started++;
		}
		if (!r->piece) {
			finished++;
			if (started < N)
				finished_before_all_started++;
		}
		tts_result_free(r);
	}
	CHECK(started == N && finished == N);
	CHECK(finished_before_all_started == 0);
	free(text);
	tts_close(t);
}

/* Forgetting an owner mid-stream: no piece of it comes out after tts_forget returns. */
static void a_forgotten_stream_should_stop_giving_pieces(void)
{
	tts *t = open_tts(4);
	tts_request req;
	char err[TTS_ERR_LEN] = "";
	char *text = long_text();
	int owner, after = 0;
	tts_result *r;

	tts_request_init(&req);
	req.owner = &owner;
	req.text = text;
	req.stream = 1;
	CHECK(text && tts_submit(t, &req, err, sizeof(err)) == 0);
	r = wait_result(t, WAIT_MS); /* the first piece: it is speaking */
	CHECK(r && r->piece);
	tts_result_free(r);
	tts_forget(t, &owner);
	for (int i = 0; i < 20; i++) {
		struct timespec ts = {0, 5000000};

		while ((r = tts_poll(t))) {
			after++;
			tts_result_free(r);
		}
		nanosleep(&ts, NULL);
	}
	CHECK(after == 0);
	/* and the queue has room again */
	r = say(t, "Still here.", TTS_RATE_DEFAULT, TTS_GENDER_ANY);
	CHECK(r && !r->failed);
	tts_result_free(r);
	free(text);
	tts_close(t);
}

/* Spoken a sentence at a time, each word still points at its place in the whole text, past
 * accents, emoji and line breaks in the sentences before it, and its time is in the whole
 * audio. "e.g. a" and "No. 5" do not end a sentence: the five sentences give four pieces with
 * words before the finished result (seven sentences would give six). */
static void words_should_keep_their_places_across_sentences(void)
{
	static const char *const words[] = {
	    "Café", "au",   "lait", "Ünïcödé", "wörds", "here", "I", "love", "🎉",   "parties",
	    "Next", "line", "e.g",  "a",       "carer", "No",	"5", "is",   "mine"};
	tts *t = open_tts(MAX_JOBS);
	tts_request req;
	char err[TTS_ERR_LEN];
	int with_words = 0;
	tts_result *r;

	tts_request_init(&req);
	req.id = 1;
	req.text = "Café au lait. Ünïcödé wörds here! I love 🎉 parties.\nNext line e.g. a carer. "
		   "No. 5 is mine.";
	req.stream = 1;
	CHECK(tts_submit(t, &req, err, sizeof(err)) == 0);
	while ((r = wait_result(t, WAIT_MS)) && r->piece) {
		with_words += r->word_count > 0;
		tts_result_free(r);
	}
	CHECK(with_words == 4);
	CHECK(r && !r->failed);
	if (r) {
		check_words(r, words, sizeof(words) / sizeof(*words));
		/* "I" of the third sentence: 34 code points before it (é, Ü, ï, ö are one each) */
		CHECK(r->word_count > 6 && r->words[6].start == 34);
	}
	tts_result_free(r);
	tts_close(t);
}

/* A streamed job begun and waiting between sentences (others are being served) is dropped by
 * tts_forget and by tts_close, with nothing of it coming out after. */
static void a_begun_job_waiting_between_sentences_should_be_forgettable(void)
{
	tts *t = open_tts(8);
	char *text = long_text();
	int owner[3], after = 0;
	tts_request req;
	char err[TTS_ERR_LEN];
	tts_result *r;

	for (int i = 0; i < 3 && text; i++) {
		tts_request_init(&req);
		req.id = (uint64_t)i;
		req.owner = &owner[i];
		req.text = text;
		req.stream = 1;
		CHECK(tts_submit(t, &req, err, sizeof(err)) == 0);
	}
	/* each has begun once each has given a piece */
	for (int seen = 0; seen != 7 && (r = wait_result(t, WAIT_MS));) {
		if (r->piece && r->id < 3)
			seen |= 1 << r->id;
		tts_result_free(r);
	}
	tts_forget(t, &owner[0]);
	tts_forget(t, &owner[1]);
	while ((r = wait_result(t, WAIT_MS)) && !(r->id == 2 && !r->piece)) {
		if (r->id != 2)
			after++;
		tts_result_free(r);
	}
	CHECK(r != NULL); /* the one not forgotten finished */
	tts_result_free(r);
	CHECK(after == 0);
	/* and closing with begun jobs waiting frees them (LeakSanitizer checks) */
	for (int i = 0; i < 3 && text; i++) {
		tts_request_init(&req);
		req.id = (uint64_t)(10 + i);
		req.text = text;
		req.stream = 1;
		CHECK(tts_submit(t, &req, err, sizeof(err)) == 0);
	}
	r = wait_result(t, WAIT_MS);
	CHECK(r && r->piece);
	tts_result_free(r);
	free(text);
	tts_close(t);
}

static void tts_close_should_free_jobs_still_waiting(void)
{
	tts *t = open_tts(MAX_JOBS);

	for (uint64_t id = 0; id < MAX_JOBS; id++)
		submit(t, id, NULL, "Nobody will hear this.", TTS_RATE_DEFAULT, TTS_GENDER_ANY);
	tts_close(t); /* LeakSanitizer checks the rest */
}

static void a_paragraph_should_be_synthesised_in_milliseconds(void)
{
	const char *paragraph =
	    "Your plan is about you and your life. It says what matters to you, what you "
	    "want to do, and who helps you. You can change it when you want. We will read it "
	    "with you and check that it is right for you every year.";
	tts *t = open_tts(MAX_JOBS);
	double best = 1e9, total = 0;
	enum { RUNS = 20 };

	for (int i = 0; i < RUNS; i++) {
		double start = now_ms(), took;
		tts_result *r = say(t, paragraph, TTS_RATE_DEFAULT, TTS_GENDER_ANY);

		took = now_ms() - start;
		total += took;
		if (took < best)
			best = took;
		CHECK(r && r->word_count == 46);
		tts_result_free(r);
	}
	printf("     46-word paragraph, submit to poll: best %.1f ms, mean %.1f ms\n", best,
	       total / RUNS);
	CHECK(best < 500); /* a generous bound: it is ~10 ms here, far less under no sanitizer */
	tts_close(t);
}

int main(void)
{
	RUN(tts_open_should_say_why_when_espeak_has_no_data);
	RUN(tts_open_should_allow_only_one_tts_at_a_time);
	RUN(tts_should_speak_a_sentence_with_a_word_event_for_every_word);
	RUN(tts_should_point_at_the_right_words_in_non_ascii_text);
	RUN(tts_should_report_numbers_and_abbreviations_as_the_written_words);
	RUN(words_said_together_should_share_the_time_of_the_one_reported);
	RUN(tts_byte_offset_should_count_code_points);
	RUN(a_faster_rate_should_give_shorter_audio);
	RUN(a_word_gap_should_give_longer_audio_with_the_same_words);
	RUN(the_male_and_female_voices_should_both_work_and_differ);
	RUN(an_unknown_language_should_give_a_failed_result);
	RUN(tts_submit_should_refuse_requests_out_of_bounds);
	RUN(empty_text_should_give_an_empty_result);
	RUN(the_queue_should_be_bounded_and_the_accepted_jobs_should_all_complete);
	RUN(tts_forget_should_drop_an_owners_jobs);
	RUN(wake_should_be_called_once_per_finished_job);
	RUN(many_submissions_while_the_worker_runs_should_all_complete_intact);
	RUN(a_streamed_request_should_give_its_audio_and_words_in_pieces_first);
	RUN(texts_asked_for_at_once_should_each_start_before_any_is_finished);
	RUN(words_should_keep_their_places_across_sentences);
	RUN(a_begun_job_waiting_between_sentences_should_be_forgettable);
	RUN(a_forgotten_stream_should_stop_giving_pieces);
	RUN(tts_close_should_free_jobs_still_waiting);
	RUN(a_paragraph_should_be_synthesised_in_milliseconds);
	return check_report();
}
