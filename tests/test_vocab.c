/* Tests for server/vocab.c: the words the on-screen keyboard offers. */
#include "check.h"

#include "vocab.h"

#include <stdio.h>
#include <string.h>

static void vocab_should_keep_each_word_once_in_small_letters(void)
{
	vocab *v = vocab_new(100);

	CHECK(vocab_add_text(v, "**Support** helps me. support, SUPPORT!") == 0);
	CHECK(vocab_count(v) == 2);
	CHECK_STR(vocab_find(v, "support"), "support");
	CHECK_STR(vocab_find(v, "helps"), "helps");
	CHECK(vocab_find(v, "Support") == NULL); /* the list holds small letters */
	vocab_free(v);
}

static void vocab_should_skip_short_words_numbers_and_signs(void)
{
	vocab *v = vocab_new(100);

	CHECK(vocab_add_text(v, "I am at £12.50 on 3/4 \xe2\x80\x94 ok") == 0);
	CHECK(vocab_count(v) == 0);
	vocab_free(v);
}

static void vocab_should_keep_apostrophes_inside_words_only(void)
{
	vocab *v = vocab_new(100);

	CHECK(vocab_add_text(v, "I don't like 'tea' or Sam's dog'") == 0);
	CHECK_STR(vocab_find(v, "don't"), "don't");
	CHECK_STR(vocab_find(v, "sam's"), "sam's");
	CHECK_STR(vocab_find(v, "tea"), "tea");
	CHECK_STR(vocab_find(v, "dog"), "dog");
	CHECK(vocab_find(v, "'tea'") == NULL);
	vocab_free(v);
}

static void vocab_should_keep_letters_of_other_languages(void)
{
	vocab *v = vocab_new(100);

	/* Welsh "cymorth" and "gofal", Polish "pomoc" and "życie" */
	CHECK(vocab_add_text(v, "Cymorth a gofal. Pomoc, \xc5\xbc"
				"ycie.") == 0);
	CHECK_STR(vocab_find(v, "cymorth"), "cymorth");
	CHECK_STR(vocab_find(v, "\xc5\xbc"
				"ycie"),
		  "\xc5\xbc"
		  "ycie");
	vocab_free(v);
}

static void vocab_should_list_the_most_used_words_first(void)
{
	vocab *v = vocab_new(100);

	CHECK(vocab_add_text(v, "walk garden garden music music music walk") == 0);
	vocab_sort(v);
	CHECK_STR(vocab_at(v, 0), "music");
	CHECK_STR(vocab_at(v, 1), "garden"); /* two uses each: in alphabetical order */
	CHECK_STR(vocab_at(v, 2), "walk");
	CHECK(vocab_at(v, 3) == NULL);
	CHECK_STR(vocab_find(v, "walk"), "walk"); /* still found after sorting */
	vocab_free(v);
}

static void vocab_should_stop_adding_new_words_at_its_most(void)
{
	vocab *v = vocab_new(3);
	char text[64];

	CHECK(vocab_add_text(v, "apple bread cheese dates apple") == 0);
	CHECK(vocab_count(v) == 3);
	CHECK(vocab_find(v, "dates") == NULL);
	for (int i = 0; i < 3; i++) {
		snprintf(text, sizeof(text), "word%c", 'a' + i);
		CHECK(vocab_add_text(v, text) == 0);
	}
	CHECK(vocab_count(v) == 3);
	vocab_free(v);
}

static void vocab_should_skip_runs_of_letters_too_long_to_be_words(void)
{
	vocab *v = vocab_new(10);
	char text[VOCAB_WORD_MAX + 8];

	memset(text, 'a', VOCAB_WORD_MAX + 1);
	text[VOCAB_WORD_MAX + 1] = '\0';
	CHECK(vocab_add_text(v, text) == 0);
	CHECK(vocab_count(v) == 0);
	text[VOCAB_WORD_MAX] = '\0';
	CHECK(vocab_add_text(v, text) == 0);
	CHECK(vocab_count(v) == 1);
	vocab_free(v);
}

static void vocab_free_should_take_null(void)
{
	vocab_free(NULL);
	CHECK(vocab_count(NULL) == 0);
	CHECK(vocab_find(NULL, "word") == NULL);
}

static void vocab_should_leave_the_marks_of_other_scripts_out_of_words(void)
{
	vocab *v = vocab_new(100);

	/* Urdu "آپ کیسے ہیں؟ ٹھیک ہیں۔", Arabic "يساعدك، خطتك؟", Bengali "আমি ভালো আছি। «ঠিক»" */
	CHECK(vocab_add_text(v, "آپ کیسے ہیں؟ ٹھیک ہیں۔") == 0);
	CHECK(vocab_add_text(v, "يساعدك، خطتك؟") == 0);
	CHECK(vocab_add_text(v, "আমি ভালো আছি। «ঠিক» আছি ।") == 0);
	CHECK_STR(vocab_find(v, "ہیں"), "ہیں");
	CHECK_STR(vocab_find(v, "يساعدك"), "يساعدك");
	CHECK_STR(vocab_find(v, "خطتك"), "خطتك");
	CHECK_STR(vocab_find(v, "আছি"), "আছি");
	CHECK_STR(vocab_find(v, "ঠিক"), "ঠিক");
	for (size_t i = 0; i < vocab_count(v); i++) {
		const char *w = vocab_at(v, i);
		int marked = strstr(w, "؟") || strstr(w, "۔") || strstr(w, "،") || strstr(w, "।") ||
			     strstr(w, "«") || strstr(w, "»");

		CHECK(!marked);
		if (marked)
			fprintf(stderr, "    \"%s\" is offered as a word\n", w);
	}
	/* "ہیں" twice, "আছি" twice: each once, the more used first */
	CHECK(vocab_count(v) == 10);
	/* a zero-width joiner is inside a word (Bengali "র‍্যাম্প") */
	CHECK(vocab_add_text(v, "একটি র\xe2\x80\x8d্যাম্প।") == 0);
	CHECK_STR(vocab_find(v, "র\xe2\x80\x8d্যাম্প"), "র\xe2\x80\x8d্যাম্প");
	vocab_free(v);
}

int main(void)
{
	RUN(vocab_should_keep_each_word_once_in_small_letters);
	RUN(vocab_should_skip_short_words_numbers_and_signs);
	RUN(vocab_should_keep_apostrophes_inside_words_only);
	RUN(vocab_should_keep_letters_of_other_languages);
	RUN(vocab_should_leave_the_marks_of_other_scripts_out_of_words);
	RUN(vocab_should_list_the_most_used_words_first);
	RUN(vocab_should_stop_adding_new_words_at_its_most);
	RUN(vocab_should_skip_runs_of_letters_too_long_to_be_words);
	RUN(vocab_free_should_take_null);
	return check_report();
}
