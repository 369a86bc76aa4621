/* narrate: page text -> audio and word timings, through the pronunciation list and the cache, with
 * real eSpeak NG. */
#include "buf.h"
#include "check.h"
#include "content.h"
#include "log.h"
#include "narrate.h"
#include "utf8.h"
#include "words.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static voices *vs;
static char dir[64];

static void nothing(void *ctx)
{
	(void)ctx;
}

/* Waits (at most 10 s) for the next finished narration. */
static narration *wait_for(narrator *n)
{
	for (int i = 0; i < 2000; i++) {
		narration *r = narrator_poll(n);
		struct timespec ts = {0, 5000000};

		if (r)
			return r;
		nanosleep(&ts, NULL);
	}
	return NULL;
}

/* The shown text of a narrated word. */
static char *word_text(const char *shown, const narration_word *w)
{
	size_t from = 0, to = 0, ch = 0, i;
	char *out;

	for (i = 0; shown[i]; i++) {
		if ((shown[i] & 0xC0) != 0x80) {
			if (ch == w->start)
				from = i;
			if (ch == w->start + w->length)
				break;
			ch++;
		}
	}
	to = i;
	out = calloc(1, to - from + 1);
	memcpy(out, shown + from, to - from);
	return out;
}

static int said_word(const char *shown, const narration *r, const char *word)
{
	for (size_t i = 0; i < r->word_count; i++) {
		char *w = word_text(shown, &r->words[i]);
		int same = strcmp(w, word) == 0;

		free(w);
		if (same)
			return 1;
	}
	return 0;
}

static void a_sentence_should_come_back_with_audio_and_the_shown_words(void)
{
	const char *shown = "Your OT will visit you on Monday.";
	char err[256];
	narrator *n = narrator_open(vs, dir, 1 << 24, nothing, NULL, err, sizeof(err));
	narration *r = NULL, *again = NULL;

	CHECK(n != NULL);
	CHECK(narrator_say(n, (void *)1, 7, "ruth", "normal", NULL, shown, 0, err, sizeof(err)) ==
	      0);
	r = wait_for(n);
	CHECK(r && !r->failed && r->tag == 7 && !r->cached);
	if (r) {
		double seconds = (double)r->sample_count / r->sample_rate;

		CHECK(seconds > 1.0 && seconds < 5.0);
		CHECK(said_word(shown, r, "OT"));     /* spoken "oh tee", highlighted as written */
		CHECK(said_word(shown, r, "Monday")); /* the full stop is not part of the word */
		for (size_t i = 1; i < r->word_count; i++)
			CHECK(r->words[i].ms >= r->words[i - 1].ms);
	}
	/* once delivered (freed), it goes into the cache: the second time comes from there, the
	 * same, whether or not the writer thread has written it yet */
	size_t samples = r ? r->sample_count : 0, nwords = r ? r->word_count : 0;
	narration_word *words = r ? malloc(nwords * sizeof(*words) + 1) : NULL;

	if (words)
		memcpy(words, r->words, nwords * sizeof(*words));
	narration_free(r);
	CHECK(narrator_say(n, (void *)1, 8, "ruth", "normal", NULL, shown, 0, err, sizeof(err)) ==
	      0);
	again = wait_for(n);
	CHECK(again && again->cached && again->tag == 8);
	if (words && again) {
		CHECK(again->sample_count == samples);
		CHECK(again->word_count == nwords);
		CHECK(memcmp(again->words, words, nwords * sizeof(*words)) == 0);
	}
	narration_free(again);
	narrator_close(n);
	/* and after a restart, from the file the writer thread wrote before closing */
	n = narrator_open(vs, dir, 1 << 24, nothing, NULL, err, sizeof(err));
	CHECK(n && narrator_say(n, (void *)1, 9, "ruth", "normal", NULL, shown, 0, err,
				sizeof(err)) == 0);
	again = n ? wait_for(n) : NULL;
	CHECK(again && again->cached && again->sample_count == samples);
	narration_free(again);
	narrator_close(n);
	free(words);
}

static void a_faster_speed_should_be_shorter_and_a_man_should_sound_different(void)
{
	const char *shown =
	    "Your plan says what is important to you and how you will be supported.";
	char err[256];
	narrator *n = narrator_open(vs, dir, 1 << 24, nothing, NULL, err, sizeof(err));
	narration *slow = NULL, *fast = NULL, *man = NULL;

	narrator_say(n, (void *)1, 1, "ruth", "slower", NULL, shown, 0, err, sizeof(err));
	slow = wait_for(n);
	narrator_say(n, (void *)1, 2, "ruth", "faster", NULL, shown, 0, err, sizeof(err));
	fast = wait_for(n);
	narrator_say(n, (void *)1, 3, "david", "slower", NULL, shown, 0, err, sizeof(err));
	man = wait_for(n);
	CHECK(slow && fast && man);
	if (slow && fast && man) {
		CHECK(fast->sample_count * 100 < slow->sample_count * 80);
		CHECK(man->sample_count != slow->sample_count ||
		      memcmp(man->samples, slow->samples, man->sample_count * 2) != 0);
	}
	narration_free(slow);
	narration_free(fast);
	narration_free(man);
	narrator_close(n);
}

static void an_unknown_voice_or_speed_should_be_refused(void)
{
	char err[256];
	narrator *n = narrator_open(vs, dir, 1 << 24, nothing, NULL, err, sizeof(err));

	CHECK(narrator_say(n, NULL, 1, "nobody", "normal", NULL, "Hello.", 0, err, sizeof(err)) ==
	      -1);
	CHECK(narrator_say(n, NULL, 1, "ruth", "warp", NULL, "Hello.", 0, err, sizeof(err)) == -1);
	narrator_close(n);
}

/* How many narrations come out of narrator_poll in the next 200 ms. */
static int polled_for_a_while(narrator *n)
{
	int got = 0;

	for (int i = 0; i < 40; i++) {
		struct timespec ts = {0, 5000000};
		narration *x = narrator_poll(n);

		if (x)
			got++;
		narration_free(x);
		nanosleep(&ts, NULL);
	}
	return got;
}

static void a_forgotten_owner_should_get_nothing_back(void)
{
	char err[256];
	narrator *n = narrator_open(vs, dir, 1 << 24, nothing, NULL, err, sizeof(err));

	for (int i = 0; i < 5; i++)
		narrator_say(n, (void *)2, (uint64_t)i, "david", "normal", NULL,
			     "This is a sentence that nobody will hear in the end.", 1, err,
			     sizeof(err));
	narrator_forget(n, (void *)2);
	CHECK(polled_for_a_while(n) == 0);
	/* the same for a text in the cache, forgotten before the cache's thread found it */
	narrator_say(n, (void *)3, 1, "david", "normal", NULL, "Said once.", 0, err, sizeof(err));
	narration_free(wait_for(n));
	for (int i = 0; i < 5; i++)
		narrator_say(n, (void *)3, (uint64_t)i, "david", "normal", NULL, "Said once.", 1,
			     err, sizeof(err));
	narrator_forget(n, (void *)3);
	CHECK(polled_for_a_while(n) == 0);
	narrator_close(n);
}

/* Narrations come out of n until the one for owner and tag: how many came before it; -1 when it
 * never came or failed. *r_out (may be NULL) gets it. */
static int came_before(narrator *n, const void *owner, uint64_t tag, narration **r_out)
{
	narration *r;
	int before = 0;

	while ((r = wait_for(n))) {
		if (r->owner == owner && r->tag == tag) {
			int ok = !r->failed;

			if (r_out)
				*r_out = r;
			else
				narration_free(r);
			return ok ? before : -1;
		}
		before++;
		narration_free(r);
	}
	return -1;
}

/* Four greedy sessions from one address ask for 64 texts each (all new): a fifth session from the
 * same address is not told busy, and its text is made in its turn, not after the 256. */
static void a_flood_from_some_sessions_should_not_keep_another_from_the_voice(void)
{
	char err[256] = "", text[96];
	narrator *n = narrator_open(vs, dir, 1 << 24, nothing, NULL, err, sizeof(err));
	int accepted = 0, before;

	for (intptr_t o = 40; o < 44; o++) {
		CHECK(narrator_set_group(n, (void *)o, "192.0.2.1") == 0);
		for (int i = 0; i < 64; i++) {
			snprintf(text, sizeof(text), "Greedy session %d asks for text %d.", (int)o,
				 i);
			accepted += narrator_say(n, (void *)o, (uint64_t)i, "ruth", "normal", NULL,
						 text, NARRATE_PERSONAL, err, sizeof(err)) == 0;
		}
	}
	CHECK(accepted == 256);
	CHECK(narrator_set_group(n, (void *)45, "192.0.2.1") == 0);
	CHECK(narrator_say(n, (void *)45, 7, "ruth", "normal", NULL, "Another person's page.",
			   NARRATE_PERSONAL, err, sizeof(err)) == 0);
	before = came_before(n, (void *)45, 7, NULL);
	/* it waits for one of the four places its address has, then is next */
	CHECK(before >= 0 && before <= 6);
	for (intptr_t o = 40; o < 44; o++)
		narrator_forget(n, (void *)o);
	CHECK(polled_for_a_while(n) == 0);
	narrator_close(n);
}

static char busy_lines[4][256];
static int nbusy_lines;

static void catch_line(void *ctx, log_level level, const char *line)
{
	(void)ctx;
	if (level == LOG_WARN && strstr(line, "event=narration-busy") && nbusy_lines < 4)
		snprintf(busy_lines[nbusy_lines++], sizeof(busy_lines[0]), "%s", line);
}

/* An address with as much waiting as it may have: its sessions' texts said before still come,
 * from the cache; a fixed text not said before comes back busy; a person's own is refused. The
 * operator is told once, with the address, not once a text, and never the words. */
static void a_text_in_the_cache_should_never_be_busy(void)
{
	char err[256] = "", text[96];
	narrator *n = narrator_open(vs, dir, 1 << 24, nothing, NULL, err, sizeof(err));
	const char *said = "Said before, so never busy.";
	narration *r = NULL, *busy = NULL;
	int accepted = 0;

	CHECK(narrator_say(n, (void *)50, 1, "ruth", "normal", NULL, said, 0, err, sizeof(err)) ==
	      0);
	narration_free(wait_for(n)); /* into the cache */
	narrator_set_group(n, (void *)51, "198.51.100.1");
	log_set_sink(catch_line, NULL);
	for (int i = 0; i < 600; i++) {
		snprintf(text, sizeof(text), "Text %d of a flood from one address.", i);
		if (narrator_say(n, (void *)51, (uint64_t)i, "ruth", "normal", NULL, text,
				 NARRATE_PERSONAL, err, sizeof(err)) == 0)
			accepted++;
		else
			CHECK_STR(err, "busy");
	}
	CHECK(accepted == 512);
	log_set_sink(NULL, NULL);
	CHECK(nbusy_lines == 1);
	CHECK(strstr(busy_lines[0], "address=198.51.100.1") && strstr(busy_lines[0], "refused=1"));
	CHECK(!strstr(busy_lines[0], "flood") && !strstr(busy_lines[0], "Text"));
	/* both asked before any of the flood is taken back, so the address is still at its share */
	CHECK(narrator_say(n, (void *)51, 1000, "ruth", "normal", NULL, said, 0, err,
			   sizeof(err)) == 0);
	CHECK(narrator_say(n, (void *)51, 1001, "ruth", "normal", NULL, "Never said before.", 0,
			   err, sizeof(err)) == 0);
	for (narration *got; (!r || !busy) && (got = wait_for(n));) {
		if (got->owner == (void *)51 && got->tag == 1000 && !r)
			r = got;
		else if (got->owner == (void *)51 && got->tag == 1001 && !busy)
			busy = got;
		else
			narration_free(got);
	}
	CHECK(r && r->cached && !r->failed && r->sample_count > 0);
	CHECK(busy && busy->failed && busy->busy);
	narration_free(r);
	narration_free(busy);
	narrator_forget(n, (void *)51);
	narrator_close(n);
}

/* Two sessions asking for the same fixed text at once share one synthesis; the same words of two
 * people are made for each. */
static void the_same_fixed_text_asked_at_once_should_be_made_once(void)
{
	char err[256] = "";
	narrator *n = narrator_open(vs, dir, 1 << 24, nothing, NULL, err, sizeof(err));
	const char *fixed = "Two kiosks show this page at once.";
	const char *own = "My sister Sam visits on Sundays.";
	narration *a = NULL, *b = NULL;
	size_t before = narrator_syntheses(n);

	CHECK(narrator_say(n, (void *)60, 1, "ruth", "normal", NULL, fixed, 0, err, sizeof(err)) ==
	      0);
	CHECK(narrator_say(n, (void *)61, 2, "ruth", "normal", NULL, fixed, 0, err, sizeof(err)) ==
	      0);
	for (int i = 0; i < 2; i++) {
		narration *r = wait_for(n);

		if (r && r->owner == (void *)60 && !a)
			a = r;
		else if (r && r->owner == (void *)61 && !b)
			b = r;
		else
			narration_free(r);
	}
	CHECK(a && b && !a->failed && !b->failed && a->sample_count == b->sample_count);
	CHECK(a && b && a->samples != b->samples &&
	      memcmp(a->samples, b->samples, a->sample_count * 2) == 0);
	CHECK(narrator_syntheses(n) - before == 1);
	narration_free(a);
	narration_free(b);
	a = b = NULL;
	before = narrator_syntheses(n);
	CHECK(narrator_say(n, (void *)60, 3, "ruth", "normal", NULL, own, NARRATE_PERSONAL, err,
			   sizeof(err)) == 0);
	CHECK(narrator_say(n, (void *)61, 4, "ruth", "normal", NULL, own, NARRATE_PERSONAL, err,
			   sizeof(err)) == 0);
	for (int i = 0; i < 2; i++) {
		narration *r = wait_for(n);

		CHECK(r && !r->failed && !r->cached);
		narration_free(r);
	}
	CHECK(narrator_syntheses(n) - before == 2);
	narrator_close(n);
}

/* Files in the cache folder (what the cache's thread has written). */
static int files_in_cache(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.' && strcmp(e->d_name, "generation") != 0;
	if (d)
		closedir(d);
	return n;
}

static void empty_the_cache_folder(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[400];

	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
}

/* A text said recently is kept in memory too: it comes back whole, the same, even when its file
 * has gone (many kiosks reading the same page do not each read a file). */
static void a_text_said_recently_should_come_from_memory(void)
{
	const char *shown = "Kept in memory for the next kiosk.";
	char err[256];
	narrator *n;
	narration *r, *again;
	size_t samples;

	empty_the_cache_folder();
	n = narrator_open(vs, dir, 1 << 24, nothing, NULL, err, sizeof(err));
	CHECK(narrator_say(n, (void *)5, 1, "ruth", "normal", NULL, shown, 0, err, sizeof(err)) ==
	      0);
	r = wait_for(n);
	CHECK(r && !r->cached && r->sample_count > 0);
	samples = r ? r->sample_count : 0;
	narration_free(r); /* to the cache's thread: written, then kept */
	for (int i = 0; i < 400 && files_in_cache() == 0; i++) {
		struct timespec ts = {0, 5000000};

		nanosleep(&ts, NULL);
	}
	CHECK(files_in_cache() == 1);
	empty_the_cache_folder();
	CHECK(narrator_say(n, (void *)5, 2, "ruth", "normal", NULL, shown, 0, err, sizeof(err)) ==
	      0);
	again = wait_for(n);
	CHECK(again && again->cached && !again->failed && again->sample_count == samples);
	narration_free(again);
	narrator_close(n);
}

/* A person's own words are kept in memory for their session only: said again to them, from
 * there; to another session, made afresh (cached says nothing of anyone else); never written to
 * the cache folder; gone when the session is. */
static void a_persons_own_words_should_stay_with_them_and_never_reach_the_disk(void)
{
	const char *own = "My helper is called Priya and she is kind.";
	char err[256];
	narrator *n;
	narration *r;
	size_t samples;
	int files;

	empty_the_cache_folder();
	n = narrator_open(vs, dir, 1 << 24, nothing, NULL, err, sizeof(err));
	files = files_in_cache();
	CHECK(narrator_say(n, (void *)70, 1, "ruth", "normal", NULL, own, NARRATE_PERSONAL, err,
			   sizeof(err)) == 0);
	r = wait_for(n);
	CHECK(r && !r->failed && !r->cached && r->sample_count > 0);
	samples = r ? r->sample_count : 0;
	narration_free(r);
	CHECK(narrator_say(n, (void *)70, 2, "ruth", "normal", NULL, own, NARRATE_PERSONAL, err,
			   sizeof(err)) == 0);
	r = wait_for(n);
	CHECK(r && r->tag == 2 && r->cached && r->sample_count == samples);
	narration_free(r);
	/* another session, the same words: made for it, not "cached" */
	CHECK(narrator_say(n, (void *)71, 3, "ruth", "normal", NULL, own, NARRATE_PERSONAL, err,
			   sizeof(err)) == 0);
	r = wait_for(n);
	CHECK(r && r->tag == 3 && !r->cached && !r->failed);
	narration_free(r);
	/* A fixed text after them is written (in order, after anything before it): once it is on
	 * disk, the person's words would have been too. */
	CHECK(narrator_say(n, (void *)70, 4, "ruth", "normal", NULL, "A fixed text to write.", 0,
			   err, sizeof(err)) == 0);
	narration_free(wait_for(n));
	for (int i = 0; i < 400 && files_in_cache() == files; i++) {
		struct timespec ts = {0, 5000000};

		nanosleep(&ts, NULL);
	}
	CHECK(files_in_cache() == files + 1);
	/* the session goes: its words go with it */
	narrator_forget(n, (void *)70);
	CHECK(narrator_say(n, (void *)70, 5, "ruth", "normal", NULL, own, NARRATE_PERSONAL, err,
			   sizeof(err)) == 0);
	r = wait_for(n);
	CHECK(r && r->tag == 5 && !r->cached && !r->failed);
	narration_free(r);
	narrator_close(n);
}

/* Words a minute as heard (pauses and all) for texts said by voice at speed: written words over
 * minutes of audio; 0 when any failed. */
static double heard_wpm(narrator *n, char **texts, size_t ntexts, const char *voice,
			const char *speed)
{
	size_t words = 0, samples = 0;
	int rate = 0;
	char err[256];

	for (size_t i = 0; i < ntexts; i++) {
		narration *r;

		if (narrator_say(n, (void *)1, i, voice, speed, NULL, texts[i], 0, err,
				 sizeof(err)))
			return 0;
		r = wait_for(n);
		if (!r || r->failed) {
			narration_free(r);
			return 0;
		}
		words += words_count(texts[i]);
		samples += r->sample_count;
		rate = r->sample_rate;
		narration_free(r);
	}
	return samples ? (double)words * 60.0 * rate / (double)samples : 0;
}

static void the_speeds_should_be_heard_from_about_100_to_220_words_a_minute(void)
{
	char err[512], *texts[6];
	size_t ntexts = 0;
	content *c = content_load(PLANALOUD_SOURCE_DIR "/easyread", "en-GB",
				  PLANALOUD_SOURCE_DIR "/web/pictures", err, sizeof(err));
	narrator *n = narrator_open(vs, dir, 1 << 26, nothing, NULL, err, sizeof(err));

	CHECK(c && n);
	/* real easy-read content: the say paragraphs of the first pages that have two or more */
	for (size_t i = 0; c && i < content_page_count(c) && ntexts < 6; i++) {
		const content_page *p = content_page_at(c, i);
		buf b;

		if (p->part < 0 || p->nsay < 2)
			continue;
		buf_init(&b);
		for (size_t k = 0; k < p->nsay; k++)
			buf_printf(&b, "%s%s", k ? " " : "", p->say[k]);
		texts[ntexts++] = buf_detach(&b, NULL);
	}
	CHECK(ntexts == 6);
	for (size_t v = 0; n && v < voices_count(vs); v++) {
		const char *voice = voices_at(vs, v)->name;
		double before = 0, wpm = 0;

		for (const char *const *s = narrate_speeds; *s; s++) {
			wpm = heard_wpm(n, texts, ntexts, voice, *s);
			if (s == narrate_speeds)
				CHECK(wpm > 85 && wpm <= 110); /* the slowest */
			else
				CHECK(wpm >
				      before * 1.1); /* each clearly faster than the one before */
			if (!strcmp(*s, "normal"))
				CHECK(wpm >= 135 && wpm <= 165); /* the default suits easy read */
			before = wpm;
		}
		CHECK(wpm >= 200 && wpm < 240); /* the fastest */
	}
	for (size_t i = 0; i < ntexts; i++)
		free(texts[i]);
	narrator_close(n);
	content_free(c);
}

static void words_should_be_counted_as_a_reader_counts_them(void)
{
	CHECK(words_count("") == 0);
	CHECK(words_count("  \n ") == 0);
	CHECK(words_count("I am kind.") == 3);
	CHECK(words_count("**Care** - and   support") == 3); /* a dash alone is no word */
	CHECK(words_count("It costs \xc2\xa3"
			  "40 a week.") == 5);
}

int main(void)
{
	char err[512];
	int rc;

	vs = voices_load(PLANALOUD_SOURCE_DIR "/voices", err, sizeof(err));
	snprintf(dir, sizeof(dir), "/tmp/planaloud-narrate-XXXXXX");
	if (!vs || !mkdtemp(dir)) {
		fprintf(stderr, "setup failed: %s\n", err);
		return 1;
	}
	RUN(words_should_be_counted_as_a_reader_counts_them);
	RUN(a_sentence_should_come_back_with_audio_and_the_shown_words);
	RUN(a_faster_speed_should_be_shorter_and_a_man_should_sound_different);
	RUN(the_speeds_should_be_heard_from_about_100_to_220_words_a_minute);
	RUN(an_unknown_voice_or_speed_should_be_refused);
	RUN(a_forgotten_owner_should_get_nothing_back);
	RUN(a_flood_from_some_sessions_should_not_keep_another_from_the_voice);
	RUN(a_text_in_the_cache_should_never_be_busy);
	RUN(the_same_fixed_text_asked_at_once_should_be_made_once);
	RUN(a_persons_own_words_should_stay_with_them_and_never_reach_the_disk);
	RUN(a_text_said_recently_should_come_from_memory);
	rc = check_report();
	empty_the_cache_folder();
	rmdir(dir);
	voices_free(vs);
	return rc;
}
