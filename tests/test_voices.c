/* voices: the profiles and pronunciations in voices/, and written text -> spoken text. */
#include "check.h"
#include "tts.h"
#include "utf8.h"
#include "voices.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static voices *real;

/* The written characters (as shown) that a spoken word stands for, as a string. */
static char *written_of(const char *shown, const speech *sp, const char *word)
{
	const char *at = strstr(sp->text, word);
	size_t spoken = 0, w, wl;
	size_t start_byte = 0, end_byte = 0, ch = 0;
	char *out;

	if (!at)
		return NULL;
	for (const char *p = sp->text; p < at; p++)
		if ((*p & 0xC0) != 0x80)
			spoken++;
	speech_to_written(sp, spoken, utf8_chars(word, strlen(word)), &w, &wl);
	for (size_t i = 0;; i++) {
		if (ch == w && (shown[i] & 0xC0) != 0x80 && !start_byte)
			start_byte = i + 1;
		if (ch == w + wl && (shown[i] & 0xC0) != 0x80) {
			end_byte = i;
			break;
		}
		if (!shown[i])
			break;
		if ((shown[i] & 0xC0) != 0x80)
			ch++;
	}
	if (!start_byte || end_byte < start_byte - 1)
		return NULL;
	out = malloc(end_byte - (start_byte - 1) + 1);
	memcpy(out, shown + start_byte - 1, end_byte - (start_byte - 1));
	out[end_byte - (start_byte - 1)] = '\0';
	return out;
}

static void the_real_voices_should_offer_a_woman_and_a_man(void)
{
	int women = 0, men = 0;

	CHECK(voices_count(real) >= 2);
	for (size_t i = 0; i < voices_count(real); i++) {
		const voice_profile *p = voices_at(real, i);

		CHECK_STR(p->language, "en-gb");
		CHECK(p->rate >= VOICE_RATE_MIN && p->rate <= VOICE_RATE_MAX);
		p->male ? men++ : women++;
	}
	CHECK(women >= 1 && men >= 1);
	CHECK(voices_find(real, "no-such-voice") == NULL);
}

static void a_slower_share_should_ask_espeak_for_slower_speech(void)
{
	voice_profile p = {.rate = 150, .pace = 100}, quick = {.rate = 150, .pace = 103};
	int last_rate = 0, last_gap = 1000;

	for (int percent = 50; percent <= 200; percent++) {
		int rate, gap;

		voices_espeak_rate(&p, percent, &rate, &gap);
		CHECK(rate >= TTS_RATE_MIN && rate <= TTS_RATE_MAX && gap >= 0 &&
		      gap <= TTS_GAP_MAX);
		/* never faster for a smaller share: a longer gap, or the same gap and a lower rate
		 */
		CHECK(gap < last_gap || (gap == last_gap && rate >= last_rate));
		last_rate = rate;
		last_gap = gap;
	}
	{
		int rate, gap, quick_rate, quick_gap;

		/* eSpeak's rate leaves its pauses out: heard 150 needs eSpeak well below 150 */
		voices_espeak_rate(&p, 100, &rate, &gap);
		CHECK(gap == 0 && rate > 100 && rate < 130);
		/* a voice that talks faster at the same settings is asked for less */
		voices_espeak_rate(&quick, 100, &quick_rate, &quick_gap);
		CHECK(quick_gap == 0 && quick_rate < rate);
		/* 100 a minute is below eSpeak's slowest rate: pauses between words */
		voices_espeak_rate(&p, 67, &rate, &gap);
		CHECK(gap >= 1);
	}
}

static void speech_should_drop_bold_marks_and_keep_the_rest(void)
{
	speech sp;

	CHECK(voices_speech(real, NULL, "Your plan is **yours**.", &sp) == 0);
	CHECK_STR(sp.text, "Your plan is yours.");
	{
		char *w = written_of("Your plan is yours.", &sp, "yours");

		CHECK_STR(w, "yours");
		free(w);
	}
	speech_release(&sp);
}

static void speech_should_say_abbreviations_from_the_list_and_map_them_back(void)
{
	const char *shown = "Your OT will visit.";
	speech sp;
	char *w;

	CHECK(voices_speech(real, NULL, shown, &sp) == 0);
	CHECK_STR(sp.text, "Your oh tee will visit.");
	w = written_of(shown, &sp, "oh");
	CHECK_STR(w, "OT");
	free(w);
	w = written_of(shown, &sp, "visit");
	CHECK_STR(w, "visit");
	free(w);
	speech_release(&sp);
}

static void speech_should_match_only_whole_words_with_the_same_capitals(void)
{
	speech sp;

	CHECK(voices_speech(real, NULL, "A lot of OTs and a GOT and an ot.", &sp) == 0);
	CHECK(strstr(sp.text, "oh tee") == NULL);
	speech_release(&sp);
	CHECK(voices_speech(real, NULL, "(OT)", &sp) == 0);
	CHECK_STR(sp.text, "(oh tee)");
	speech_release(&sp);
}

static void speech_should_read_amounts_as_pounds(void)
{
	const char *shown = "Your budget is £245.50 a week, or £1,000 a month, or £1.";
	speech sp;
	char *w;

	CHECK(voices_speech(real, NULL,
			    "Your budget is **£245.50** a week, or £1,000 a month, or £1.",
			    &sp) == 0);
	CHECK_STR(sp.text,
		  "Your budget is 245 pounds 50 a week, or 1000 pounds a month, or 1 pound.");
	w = written_of(shown, &sp, "245 pounds 50");
	CHECK_STR(w, "£245.50");
	free(w);
	w = written_of(shown, &sp, "week");
	CHECK_STR(w, "week");
	free(w);
	speech_release(&sp);
}

static void speech_should_keep_non_ascii_text_and_count_characters(void)
{
	const char *shown = "Mae'r ŵyl yn hwyl, café — OT.";
	speech sp;
	char *w;

	CHECK(voices_speech(real, NULL, shown, &sp) == 0);
	CHECK_STR(sp.text, "Mae'r ŵyl yn hwyl, café — oh tee.");
	w = written_of(shown, &sp, "ŵyl");
	CHECK_STR(w, "ŵyl");
	free(w);
	w = written_of(shown, &sp, "café");
	CHECK_STR(w, "café");
	free(w);
	w = written_of(shown, &sp, "oh tee");
	CHECK_STR(w, "OT");
	free(w);
	speech_release(&sp);
}

static void the_longest_pronunciation_should_win(void)
{
	speech sp;

	CHECK(voices_speech(real, NULL, "Under the Care Act, call 999.", &sp) == 0);
	CHECK_STR(sp.text, "Under the care act, call nine nine nine.");
	speech_release(&sp);
}

/* Writes profiles.txt and pronunciations.txt into a new folder named in dir (a mkdtemp pattern). */
static int voice_files_write(char *dir, const char *profiles, const char *sayings)
{
	char path[256];
	FILE *f;

	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/profiles.txt", dir);
	f = fopen(path, "w");
	fputs(profiles, f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/pronunciations.txt", dir);
	f = fopen(path, "w");
	fputs(sayings, f);
	fclose(f);
	return 0;
}

static void voice_files_remove(const char *dir)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/profiles.txt", dir);
	remove(path);
	snprintf(path, sizeof(path), "%s/pronunciations.txt", dir);
	remove(path);
	rmdir(dir);
}

static int refused(const char *profiles, const char *sayings, const char *expect)
{
	char dir[] = "/tmp/planaloud-voices-XXXXXX", err[512] = "";
	voices *v;
	int ok;

	if (voice_files_write(dir, profiles, sayings))
		return 0;
	v = voices_load(dir, err, sizeof(err));
	ok = v == NULL && strstr(err, expect) != NULL;
	if (!ok)
		fprintf(stderr, "    expected \"%s\", got \"%s\"\n", expect, err);
	voices_free(v);
	voice_files_remove(dir);
	return ok;
}

/* No pronunciations at all is a valid list: sorting an empty list must not touch a NULL array. */
static void an_empty_pronunciations_list_should_load_and_speak_text_as_written(void)
{
	const char *good =
	    "voice: a\nlabel: A\nlanguage: en-gb\ngender: female\nrate: 150\npitch: 50\n";
	char dir[] = "/tmp/planaloud-voices-XXXXXX", err[512] = "";
	voices *v;
	speech sp;

	if (voice_files_write(dir, good, "# nothing to say differently yet\n")) {
		CHECK(!"a temporary folder");
		return;
	}
	v = voices_load(dir, err, sizeof(err));
	CHECK(v != NULL);
	if (v) {
		CHECK(voices_speech(v, NULL, "Your OT will visit.", &sp) == 0);
		CHECK_STR(sp.text, "Your OT will visit.");
		speech_release(&sp);
	}
	voices_free(v);
	voice_files_remove(dir);
}

static void broken_voice_files_should_be_refused_with_the_line_and_reason(void)
{
	const char *good =
	    "voice: a\nlabel: A\nlanguage: en-gb\ngender: female\nrate: 150\npitch: 50\n";

	CHECK(
	    refused("voice: a\nlabel: A\nlanguage: en-gb\ngender: female\nrate: 5000\npitch: 50\n",
		    "", "profiles.txt:5: this must be a whole number from 120 to 200"));
	CHECK(refused("voice: a\nlabel: A\nlanguage: en-gb\ngender: female\nrate: 150\npace: 300\n",
		      "", "profiles.txt:6: this must be a whole number from 80 to 125"));
	CHECK(refused("voice: a\ngender: other\n", "", "profiles.txt:2: gender is"));
	CHECK(refused("label: A\n", "", "profiles.txt:1: 'label' must come after a 'voice:' line"));
	CHECK(refused("voice: a\nlabel: A\n", "", "needs label, language, gender, rate and pitch"));
	CHECK(refused("", "", "there are no voices"));
	CHECK(
	    refused(good, "OT: oh tee\nOT: other\n", "pronunciations.txt:2: 'OT' is there twice"));
	CHECK(refused(good, "no colon here\n", "pronunciations.txt:1: a line must be"));
}

/* ---- amounts in other languages: the content's speak.pounds* templates ---- */

/* How Polish says amounts (easyread/pl/messages.txt): 1 funt, 2-4 funty, 5 funtów, 12 funtów. */
static const speech_lang polish = {
    .language = "pl",
    .pounds = "{pounds} funtów",
    .pounds_one = "1 funt",
    .pounds_few = "{pounds} funty",
    .pounds_pence = "{pounds} funtów {pence}",
    .pounds_pence_one = "1 funt {pence}",
    .pounds_pence_few = "{pounds} funty {pence}",
};

/* How Welsh says them: no -few form. */
static const speech_lang welsh = {
    .language = "cy",
    .pounds = "{pounds} o bunnoedd",
    .pounds_one = "1 bunt",
    .pounds_pence = "{pounds} o bunnoedd {pence}",
    .pounds_pence_one = "1 bunt {pence}",
};

/* What the voice says for shown in language l, into out. */
static const char *said(const speech_lang *l, const char *shown, char *out, size_t n)
{
	speech sp;

	out[0] = '\0';
	if (voices_speech(real, l, shown, &sp) == 0)
		snprintf(out, n, "%s", sp.text);
	speech_release(&sp);
	return out;
}

static void an_amount_should_be_said_with_the_languages_template(void)
{
	char out[256];

	CHECK_STR(said(&welsh, "Mae'n costio £40 yr wythnos.", out, sizeof(out)),
		  "Mae'n costio 40 o bunnoedd yr wythnos.");
	CHECK_STR(said(&welsh, "£1", out, sizeof(out)), "1 bunt");
	CHECK_STR(said(&welsh, "£1,250", out, sizeof(out)), "1250 o bunnoedd");
	/* no -few form: 22 takes the plain one */
	CHECK_STR(said(&welsh, "£22", out, sizeof(out)), "22 o bunnoedd");
}

static void an_amount_should_take_the_one_and_few_forms_where_the_language_has_them(void)
{
	static const struct {
		const char *shown, *spoken;
	} each[] = {
	    {"£1", "1 funt"},	   {"£2", "2 funty"},	   {"£4", "4 funty"},
	    {"£5", "5 funtów"},	   {"£12", "12 funtów"},   {"£13", "13 funtów"},
	    {"£14", "14 funtów"},  {"£21", "21 funtów"},   {"£22", "22 funty"},
	    {"£104", "104 funty"}, {"£112", "112 funtów"}, {"£1,000", "1000 funtów"},
	    {"£11", "11 funtów"},
	};
	char out[256];

	for (size_t i = 0; i < sizeof(each) / sizeof(*each); i++)
		CHECK_STR(said(&polish, each[i].shown, out, sizeof(out)), each[i].spoken);
}

static void an_amount_with_pence_should_take_the_pence_template(void)
{
	const char *shown = "Razem £22.50 na tydzień.";
	char out[256], *w;
	speech sp;

	CHECK_STR(said(&polish, "£1.05", out, sizeof(out)), "1 funt 5");
	CHECK_STR(said(&polish, "£3.99", out, sizeof(out)), "3 funty 99");
	CHECK_STR(said(&polish, "£12.50", out, sizeof(out)), "12 funtów 50");
	/* no pence: the pounds alone */
	CHECK_STR(said(&polish, "£40.00", out, sizeof(out)), "40 funtów");
	CHECK_STR(said(&welsh, "£1.50", out, sizeof(out)), "1 bunt 50");
	/* the highlight still finds the amount as written */
	CHECK(voices_speech(real, &polish, shown, &sp) == 0);
	CHECK_STR(sp.text, "Razem 22 funty 50 na tydzień.");
	w = written_of(shown, &sp, "22 funty 50");
	CHECK_STR(w, "£22.50");
	free(w);
	w = written_of(shown, &sp, "tydzień");
	CHECK_STR(w, "tydzień");
	free(w);
	speech_release(&sp);
}

static void english_without_templates_should_say_amounts_as_before(void)
{
	const speech_lang english = {.language = "en-gb"};
	const char *shown = "Your budget is £245.50 a week, or £1,000 a month, or £1.";
	const char *spoken =
	    "Your budget is 245 pounds 50 a week, or 1000 pounds a month, or 1 pound.";
	char out[256];

	CHECK_STR(said(&english, shown, out, sizeof(out)), spoken);
	CHECK_STR(said(NULL, shown, out, sizeof(out)), spoken);
	CHECK_STR(said(&english, "£22 and £1.50", out, sizeof(out)), "22 pounds and 1 pound 50");
}

static void the_pronunciation_list_should_be_applied_to_english_only(void)
{
	const speech_lang english = {.language = "en-gb"};
	char out[256];

	CHECK_STR(said(&english, "Your GP and OT.", out, sizeof(out)), "Your gee pee and oh tee.");
	/* The list is of English words: a Welsh or Polish voice reads "GP" its own way. */
	CHECK_STR(said(&welsh, "Eich GP a'r OT.", out, sizeof(out)), "Eich GP a'r OT.");
	CHECK_STR(said(&polish, "Twój GP.", out, sizeof(out)), "Twój GP.");
	/* and a language given without its voice's language is said as English */
	CHECK_STR(said(&(speech_lang){.pounds = "{pounds} o bunnoedd"}, "GP £3", out, sizeof(out)),
		  "gee pee 3 o bunnoedd");
}

int main(void)
{
	char err[512];

	real = voices_load(PLANALOUD_SOURCE_DIR "/voices", err, sizeof(err));
	if (!real) {
		fprintf(stderr, "cannot load voices: %s\n", err);
		return 1;
	}
	RUN(the_real_voices_should_offer_a_woman_and_a_man);
	RUN(a_slower_share_should_ask_espeak_for_slower_speech);
	RUN(speech_should_drop_bold_marks_and_keep_the_rest);
	RUN(speech_should_say_abbreviations_from_the_list_and_map_them_back);
	RUN(speech_should_match_only_whole_words_with_the_same_capitals);
	RUN(speech_should_read_amounts_as_pounds);
	RUN(speech_should_keep_non_ascii_text_and_count_characters);
	RUN(the_longest_pronunciation_should_win);
	RUN(broken_voice_files_should_be_refused_with_the_line_and_reason);
	RUN(an_empty_pronunciations_list_should_load_and_speak_text_as_written);
	RUN(an_amount_should_be_said_with_the_languages_template);
	RUN(an_amount_should_take_the_one_and_few_forms_where_the_language_has_them);
	RUN(an_amount_with_pence_should_take_the_pence_template);
	RUN(english_without_templates_should_say_amounts_as_before);
	RUN(the_pronunciation_list_should_be_applied_to_english_only);
	voices_free(real);
	return check_report();
}
