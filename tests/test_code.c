/* Tests for server/code.c: plan codes people can say and type, stored only as keyed hashes. */
#include "check.h"

#include "code.h"
#include "content.h"
#include "store.h"
#include "utf8.h"

#include <ctype.h>
#include <regex.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EASYREAD PLANALOUD_SOURCE_DIR "/easyread"
#define PICTURES PLANALOUD_SOURCE_DIR "/web/pictures"

static content *real; /* the real content, loaded once */
static char tmpdir[64];

/* ---- helpers ---- */

static int normalise(const char *typed, char *out)
{
	return code_normalise(real, typed, strlen(typed), out);
}

/* 1 when the code is word-word-word-dddd with the digits 2 to 9. */
static int looks_canonical(const char *code)
{
	regex_t re;
	int ok;

	if (regcomp(&re, "^[a-z]+-[a-z]+-[a-z]+-[2-9]{4}$", REG_EXTENDED | REG_NOSUB))
		return 0;
	ok = regexec(&re, code, 0, NULL, 0) == 0;
	regfree(&re);
	return ok;
}

/* Splits a canonical code into its three words and its digits. */
static void split_code(const char *code, char w[3][16], char digits[8])
{
	const char *s = code;

	for (int k = 0; k < 3; k++) {
		const char *dash = strchr(s, '-');
		size_t n = dash ? (size_t)(dash - s) : 0;

		snprintf(w[k], 16, "%.*s", (int)n, s);
		s = dash ? dash + 1 : s;
	}
	snprintf(digits, 8, "%s", s);
}

/* A word from the list that is not `avoid`. */
static const char *other_word(const char *avoid)
{
	const char *w = content_codeword(real, 0);

	return strcmp(w, avoid) ? w : content_codeword(real, 1);
}

static int cmp_codes(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

/* ---- making codes ---- */

static void code_generate_should_make_three_words_and_four_digits(void)
{
	for (int i = 0; i < 200; i++) {
		char code[CODE_MAX], w[3][16], digits[8];

		memset(code, 'x', sizeof(code));
		code_generate(real, code);
		CHECK(strlen(code) < CODE_MAX);
		CHECK(looks_canonical(code));
		split_code(code, w, digits);
		for (int k = 0; k < 3; k++)
			CHECK(content_codeword_index(real, w[k], strlen(w[k])) >= 0);
	}
}

static void code_generate_should_make_codes_that_normalise_to_themselves(void)
{
	for (int i = 0; i < 200; i++) {
		char code[CODE_MAX], out[CODE_MAX] = "";

		code_generate(real, code);
		CHECK(normalise(code, out) == 0);
		CHECK_STR(out, code);
	}
}

static void code_generate_should_not_repeat_itself_in_1000_codes(void)
{
	static char codes[1000][CODE_MAX];
	int repeats = 0;

	for (int i = 0; i < 1000; i++)
		code_generate(real, codes[i]);
	qsort(codes, 1000, CODE_MAX, cmp_codes);
	for (int i = 1; i < 1000; i++)
		repeats += strcmp(codes[i - 1], codes[i]) == 0;
	CHECK(repeats == 0);
}

static void code_space_should_make_guessing_hopeless(void)
{
	double space = code_space(real);
	double words = (double)content_codeword_count(real);

	CHECK(space >= 1e12);
	/* Three words, then four digits from 2 to 9. */
	CHECK(space == words * words * words * 8 * 8 * 8 * 8);
	/* One random guess against 1000 live codes. */
	CHECK(1000.0 / space < 1e-9);
}

/* ---- reading what people type ---- */

static void code_normalise_should_accept_capital_letters(void)
{
	char code[CODE_MAX], upper[CODE_MAX], out[CODE_MAX] = "";

	code_generate(real, code);
	for (size_t i = 0; i <= strlen(code); i++)
		upper[i] = (char)toupper((unsigned char)code[i]);
	CHECK(normalise(upper, out) == 0);
	CHECK_STR(out, code);
}

static void code_normalise_should_accept_spaces_instead_of_hyphens(void)
{
	char code[CODE_MAX], typed[CODE_MAX], out[CODE_MAX] = "";

	code_generate(real, code);
	for (size_t i = 0; i <= strlen(code); i++)
		typed[i] = code[i] == '-' ? ' ' : code[i];
	CHECK(normalise(typed, out) == 0);
	CHECK_STR(out, code);
}

static void code_normalise_should_accept_extra_spaces(void)
{
	char code[CODE_MAX], w[3][16], d[8], typed[128], out[CODE_MAX] = "";

	code_generate(real, code);
	split_code(code, w, d);
	snprintf(typed, sizeof(typed), "   %s  -  %s   %s -- %s   ", w[0], w[1], w[2], d);
	CHECK(normalise(typed, out) == 0);
	CHECK_STR(out, code);
}

static void code_normalise_should_accept_words_typed_together(void)
{
	char code[CODE_MAX], w[3][16], d[8], typed[128], out[CODE_MAX] = "";

	code_generate(real, code);
	split_code(code, w, d);
	snprintf(typed, sizeof(typed), "%s%s%s%s", w[0], w[1], w[2], d);
	CHECK(normalise(typed, out) == 0);
	CHECK_STR(out, code);
	snprintf(typed, sizeof(typed), "%s%s %s %s", w[0], w[1], w[2], d);
	CHECK(normalise(typed, out) == 0);
	CHECK_STR(out, code);
}

static void code_normalise_should_accept_digits_typed_apart(void)
{
	char code[CODE_MAX], w[3][16], d[8], typed[128], out[CODE_MAX] = "";

	code_generate(real, code);
	split_code(code, w, d);
	snprintf(typed, sizeof(typed), "%s-%s-%s-%c %c %c %c", w[0], w[1], w[2], d[0], d[1], d[2],
		 d[3]);
	CHECK(normalise(typed, out) == 0);
	CHECK_STR(out, code);
	snprintf(typed, sizeof(typed), "%s %s %s %c%c-%c%c", w[0], w[1], w[2], d[0], d[1], d[2],
		 d[3]);
	CHECK(normalise(typed, out) == 0);
	CHECK_STR(out, code);
}

static void code_normalise_should_refuse_a_word_not_in_the_list(void)
{
	char code[CODE_MAX], w[3][16], d[8], typed[128], out[CODE_MAX];

	code_generate(real, code);
	split_code(code, w, d);
	CHECK(content_codeword_index(real, "qqqqqq", 6) < 0);
	snprintf(typed, sizeof(typed), "qqqqqq-%s-%s-%s", w[1], w[2], d);
	CHECK(normalise(typed, out) == -1);
	snprintf(typed, sizeof(typed), "%s-%s-qqqqqq-%s", w[0], w[1], d);
	CHECK(normalise(typed, out) == -1);
	/* A word with a letter missing. */
	snprintf(typed, sizeof(typed), "%s-%s-%.*s-%s", w[0], w[1], (int)strlen(w[2]) - 1, w[2], d);
	if (content_codeword_index(real, w[2], strlen(w[2]) - 1) < 0)
		CHECK(normalise(typed, out) == -1);
}

static void code_normalise_should_refuse_the_wrong_number_of_digits(void)
{
	char code[CODE_MAX], w[3][16], d[8], typed[128], out[CODE_MAX];

	code_generate(real, code);
	split_code(code, w, d);
	snprintf(typed, sizeof(typed), "%s-%s-%s-%.3s", w[0], w[1], w[2], d);
	CHECK(normalise(typed, out) == -1);
	snprintf(typed, sizeof(typed), "%s-%s-%s-%s2", w[0], w[1], w[2], d);
	CHECK(normalise(typed, out) == -1);
	snprintf(typed, sizeof(typed), "%s-%s-%s", w[0], w[1], w[2]);
	CHECK(normalise(typed, out) == -1);
}

static void code_normalise_should_refuse_the_digits_0_and_1(void)
{
	char code[CODE_MAX], w[3][16], d[8], typed[128], out[CODE_MAX];

	code_generate(real, code);
	split_code(code, w, d);
	snprintf(typed, sizeof(typed), "%s-%s-%s-%.3s0", w[0], w[1], w[2], d);
	CHECK(normalise(typed, out) == -1);
	snprintf(typed, sizeof(typed), "%s-%s-%s-1%.3s", w[0], w[1], w[2], d);
	CHECK(normalise(typed, out) == -1);
}

static void code_normalise_should_refuse_a_fourth_word(void)
{
	char code[CODE_MAX], w[3][16], d[8], typed[128], out[CODE_MAX];

	code_generate(real, code);
	split_code(code, w, d);
	snprintf(typed, sizeof(typed), "%s-%s-%s-%s-%s", w[0], w[1], w[2], other_word(w[2]), d);
	CHECK(normalise(typed, out) == -1);
	snprintf(typed, sizeof(typed), "%s-%s-%s-%s%s", w[0], w[1], w[2], d, other_word(w[2]));
	CHECK(normalise(typed, out) == -1);
}

static void code_normalise_should_refuse_two_words(void)
{
	char code[CODE_MAX], w[3][16], d[8], typed[128], out[CODE_MAX];

	code_generate(real, code);
	split_code(code, w, d);
	snprintf(typed, sizeof(typed), "%s-%s-%s", w[0], w[1], d);
	CHECK(normalise(typed, out) == -1);
}

static void code_normalise_should_refuse_symbols(void)
{
	static const char *const symbols[] = {"!", "+", "*",	    "'",       "\"",
					      ";", "<", "\xc2\xa3", "\xc3\xa9"};
	char code[CODE_MAX], w[3][16], d[8], typed[128], out[CODE_MAX];

	code_generate(real, code);
	split_code(code, w, d);
	for (size_t i = 0; i < sizeof(symbols) / sizeof(*symbols); i++) {
		snprintf(typed, sizeof(typed), "%s-%s%s-%s-%s", w[0], w[1], symbols[i], w[2], d);
		CHECK(normalise(typed, out) == -1);
	}
}

static void code_normalise_should_refuse_empty_and_overlong_input(void)
{
	char out[CODE_MAX], typed[512];

	CHECK(normalise("", out) == -1);
	CHECK(normalise("   ", out) == -1);
	CHECK(normalise("----", out) == -1);
	memset(typed, ' ', sizeof(typed) - 1);
	typed[sizeof(typed) - 1] = '\0';
	CHECK(normalise(typed, out) == -1);
	memset(typed, 'a', sizeof(typed) - 1);
	CHECK(normalise(typed, out) == -1);
}

static void code_normalise_should_read_only_the_length_given(void)
{
	char code[CODE_MAX], typed[128], out[CODE_MAX] = "";

	code_generate(real, code);
	snprintf(typed, sizeof(typed), "%s!!!", code);
	CHECK(code_normalise(real, typed, strlen(code), out) == 0);
	CHECK_STR(out, code);
}

/* ---- the numbers: the same code in digits only ---- */

/* 1 when numbers are four groups of four digits from 2 to 9, one space between groups. */
static int looks_like_numbers(const char *numbers)
{
	regex_t re;
	int ok;

	if (regcomp(&re, "^[2-9]{4} [2-9]{4} [2-9]{4} [2-9]{4}$", REG_EXTENDED | REG_NOSUB))
		return 0;
	ok = regexec(&re, numbers, 0, NULL, 0) == 0;
	regfree(&re);
	return ok;
}

/* numbers with each digit 0-9 written in the script whose zero is `zero`, into out (UTF-8). */
static void in_script(const char *numbers, unsigned zero, char *out, size_t n)
{
	size_t used = 0;

	for (const char *s = numbers; *s && used + 5 < n; s++) {
		if (isdigit((unsigned char)*s))
			used += utf8_encode(zero + (unsigned)(*s - '0'), out + used);
		else
			out[used++] = *s;
	}
	out[used] = '\0';
}

static void code_numbers_should_make_four_groups_of_four_digits_2_to_9(void)
{
	for (int i = 0; i < 200; i++) {
		char code[CODE_MAX], numbers[CODE_NUMBERS_MAX], w[3][16], d[8];

		code_generate(real, code);
		memset(numbers, 'x', sizeof(numbers));
		CHECK(code_numbers(real, code, numbers) == 0);
		CHECK(strlen(numbers) == CODE_NUMBERS_MAX - 1);
		CHECK(looks_like_numbers(numbers));
		/* the last group is the code's own four digits */
		split_code(code, w, d);
		CHECK_STR(numbers + 15, d);
	}
}

static void code_numbers_should_give_each_word_its_place_in_the_list_in_base_8(void)
{
	char code[CODE_MAX], numbers[CODE_NUMBERS_MAX];

	/* The first word is 0 (2222), the last of 1,024 is 1023 (3999 = 1,7,7,7), the ninth is 8
	 * (2232 = 0,0,1,0); 2 is 0 and 9 is 7. */
	CHECK(content_codeword_count(real) == 1024);
	snprintf(code, sizeof(code), "%s-%s-%s-4827", content_codeword(real, 0),
		 content_codeword(real, 1023), content_codeword(real, 8));
	CHECK(code_numbers(real, code, numbers) == 0);
	CHECK_STR(numbers, "2222 3999 2232 4827");
	snprintf(code, sizeof(code), "%s-%s-%s-9999", content_codeword(real, 83),
		 content_codeword(real, 512), content_codeword(real, 7));
	CHECK(code_numbers(real, code, numbers) == 0);
	CHECK_STR(numbers, "2345 3222 2229 9999"); /* 83 = 0,1,2,3; 512 = 1,0,0,0 */
}

static void code_numbers_should_read_back_as_the_same_code_for_many_codes(void)
{
	static const char *const ways[] = {" ", "", "-", "."}; /* between the groups */

	for (int i = 0; i < 2000; i++) {
		char code[CODE_MAX], numbers[CODE_NUMBERS_MAX], typed[64], out[CODE_MAX] = "";
		size_t n = 0;
		const char *way = ways[i % 4];

		code_generate(real, code);
		CHECK(code_numbers(real, code, numbers) == 0);
		/* as shown, without gaps, or with hyphens or dots between the groups */
		for (const char *s = numbers; *s; s++)
			if (*s != ' ')
				typed[n++] = *s;
			else if (way[0])
				typed[n++] = way[0];
		typed[n] = '\0';
		CHECK(normalise(typed, out) == 0);
		CHECK_STR(out, code);
	}
}

static void code_numbers_should_refuse_what_is_not_a_canonical_code(void)
{
	static const char *const bad[] = {
	    "apple-river-boat",	     "apple-river-boat-482",  "apple-river-boat-48277",
	    "apple-river-boat-4801", "Apple-river-boat-4827", "qqqqqq-river-boat-4827",
	    "apple river boat 4827", "apple-river-4827",      "",
	};
	char numbers[CODE_NUMBERS_MAX];

	CHECK(content_codeword_index(real, "apple", 5) >= 0 &&
	      content_codeword_index(real, "river", 5) >= 0 &&
	      content_codeword_index(real, "boat", 4) >= 0);
	CHECK(code_numbers(real, "apple-river-boat-4827", numbers) == 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		memset(numbers, 'x', sizeof(numbers));
		CHECK(code_numbers(real, bad[i], numbers) == -1);
		CHECK_STR(numbers, "");
	}
}

static void code_normalise_should_refuse_numbers_that_are_not_a_code(void)
{
	static const char *const bad[] = {
	    "2222 3999 2232 482",    /* 15 digits */
	    "2222 3999 2232 48277",  /* 17 */
	    "2222 3999 2232",	     /* three groups */
	    "2222 3999 2232 4801",   /* 0 and 1 are never used */
	    "2222 1999 2232 4827",   /* in a word's group too */
	    "4222 3999 2232 4827",   /* 1024: past the last word */
	    "2222 9999 2232 4827",   /* 4095 */
	    "2222 3999 2232 4827 2", /* a digit more */
	    "2222+3999 2232 4827",   /* a symbol */
	    "2222 3999 2232 4827!",  /* another */
	    "2222 3999 2232 482a",   /* a letter */
	    "\xe0\xa5\xa8\xe0\xa5\xa8\xe0\xa5\xa8\xe0\xa5\xa8 3999 2232 4827", /* Devanagari */
	    "\xd9\xa0\xd9\xa1\xd9\xa2\xd9\xa3 3999 2232 4827", /* Arabic-Indic 0 and 1 */
	    ("2222\xc2\xa0"
	     "3999 2232 4827"),		    /* a no-break space */
	    "2222 3999 \xff\xfe 2232 4827", /* not UTF-8 */
	    "",
	    "    ",
	    "4827",
	};
	char out[CODE_MAX];

	CHECK(normalise("2222 3999 2232 4827", out) == 0); /* the one these are made from */
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		CHECK(normalise(bad[i], out) == -1);
		if (normalise(bad[i], out) != -1)
			fprintf(stderr, "    \"%s\" read as %s\n", bad[i], out);
	}
	/* A NUL inside is not the end of what was typed. */
	CHECK(code_normalise(real,
			     "2222 3999 2232 4827\0"
			     "2",
			     21, out) == -1);
}

static void code_normalise_should_take_the_digits_of_other_scripts(void)
{
	/* Arabic-Indic, Extended Arabic-Indic (Urdu), Bengali, Gurmukhi, full width */
	static const unsigned zeros[] = {0x0660, 0x06F0, 0x09E6, 0x0A66, 0xFF10};
	char code[CODE_MAX], numbers[CODE_NUMBERS_MAX], typed[160], out[CODE_MAX];
	char w[3][16], d[8], digits_in[64];

	code_generate(real, code);
	CHECK(code_numbers(real, code, numbers) == 0);
	split_code(code, w, d);
	for (size_t k = 0; k < sizeof(zeros) / sizeof(*zeros); k++) {
		/* the numbers */
		in_script(numbers, zeros[k], typed, sizeof(typed));
		CHECK(strcmp(typed, numbers) != 0);
		memset(out, 0, sizeof(out));
		CHECK(normalise(typed, out) == 0);
		CHECK_STR(out, code);
		/* the words' four digits */
		in_script(d, zeros[k], digits_in, sizeof(digits_in));
		snprintf(typed, sizeof(typed), "%s %s %s %s", w[0], w[1], w[2], digits_in);
		memset(out, 0, sizeof(out));
		CHECK(normalise(typed, out) == 0);
		CHECK_STR(out, code);
	}
	/* Scripts mixed, as a person may when the keyboard changes: the first group in Urdu's. */
	snprintf(digits_in, sizeof(digits_in), "%.5s", numbers);
	in_script(digits_in, 0x06F0, typed, sizeof(typed));
	snprintf(typed + strlen(typed), sizeof(typed) - strlen(typed), "%s", numbers + 5);
	CHECK(normalise(typed, out) == 0);
	CHECK_STR(out, code);
}

static void the_words_and_the_numbers_should_open_the_same_plan(void)
{
	unsigned char key[CODE_KEY_BYTES], hash[CODE_HASH_BYTES];
	char code[CODE_MAX], numbers[CODE_NUMBERS_MAX], urdu[160], err[256] = "";
	char read[3][CODE_MAX];
	long long plan = 0, found = 0;
	store *st = store_open(":memory:", err, sizeof(err));

	CHECK(st != NULL);
	if (!st)
		return;
	randombytes_buf(key, sizeof(key));
	code_generate(real, code);
	CHECK(code_numbers(real, code, numbers) == 0);
	code_hash(key, code, hash);
	CHECK(store_plan_create(st, hash, "", -1, &plan, err, sizeof(err)) == 0);
	in_script(numbers, 0x06F0, urdu, sizeof(urdu));
	/* The words, the numbers, and the numbers in Urdu's digits: each finds the plan. */
	CHECK(normalise(code, read[0]) == 0);
	CHECK(normalise(numbers, read[1]) == 0);
	CHECK(normalise(urdu, read[2]) == 0);
	for (int k = 0; k < 3; k++) {
		found = 0;
		code_hash(key, read[k], hash);
		CHECK(store_plan_find(st, hash, &found) == 0);
		CHECK(found == plan);
	}
	store_close(st);
}

static void the_numbers_should_name_no_more_codes_than_the_words(void)
{
	double words = (double)content_codeword_count(real);

	/* The same codes: three words of the list and four digits, whichever way they are typed. */
	CHECK(words <= CODE_NUMBERS_WORDS);
	CHECK(code_space(real) == words * words * words * 8 * 8 * 8 * 8);
}

/* ---- a word list where one word is two others joined ---- */

static int write_words(const char *dir, const char *const *extra)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/codewords.txt", dir);
	f = fopen(path, "w");
	if (!f)
		return -1;
	/* 1024 filler words of four letters (baaa, baab, ...), then the words under test. */
	for (int i = 0; i < 1024; i++)
		fprintf(f, "b%c%c%c\n", 'a' + i / 676 % 26, 'a' + i / 26 % 26, 'a' + i % 26);
	for (int i = 0; extra[i]; i++)
		fprintf(f, "%s\n", extra[i]);
	return fclose(f);
}

static int link_lang(const char *dir)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/en-GB", dir);
	return symlink(EASYREAD "/en-GB", path);
}

static void remove_words_dir(const char *dir)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/en-GB", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/codewords.txt", dir);
	unlink(path);
	rmdir(dir);
}

static void code_normalise_should_find_three_words_when_two_of_them_make_another(void)
{
	static const char *const words[] = {"sun", "set", "sunset", "boat", NULL};
	char dir[128], err[512] = "", out[CODE_MAX] = "";
	content *c;

	snprintf(dir, sizeof(dir), "%s/joined", tmpdir);
	CHECK(mkdir(dir, 0700) == 0);
	CHECK(write_words(dir, words) == 0);
	CHECK(link_lang(dir) == 0);
	c = content_load(dir, "en-GB", PICTURES, err, sizeof(err));
	CHECK(c != NULL);
	if (c) {
		/* sun-set-boat is a real code, even typed without gaps. */
		CHECK(code_normalise(c, "sun set boat 2345", 17, out) == 0);
		CHECK_STR(out, "sun-set-boat-2345");
		CHECK(code_normalise(c, "sunsetboat2345", 14, out) == 0);
		CHECK_STR(out, "sun-set-boat-2345");
		CHECK(code_normalise(c, "sunset boat 2345", 16, out) == 0);
		CHECK_STR(out, "sun-set-boat-2345");
		/* sunset-sun-boat also is, and it still reads as itself. */
		CHECK(code_normalise(c, "sunset sun boat 2345", 20, out) == 0);
		CHECK_STR(out, "sunset-sun-boat-2345");
	} else {
		fprintf(stderr, "    %s\n", err);
	}
	content_free(c);
	remove_words_dir(dir);
}

static void the_real_code_words_should_not_join_into_other_code_words(void)
{
	size_t n = content_codeword_count(real);
	int joined = 0;

	/* If "sun" + "set" = "sunset", a code typed without gaps could be read two ways. */
	for (size_t i = 0; i < n; i++) {
		const char *a = content_codeword(real, i);
		size_t la = strlen(a);

		for (size_t k = 0; k < n; k++) {
			const char *w = content_codeword(real, k);
			size_t lw = strlen(w);

			if (lw > la && strncmp(w, a, la) == 0 &&
			    content_codeword_index(real, w + la, lw - la) >= 0) {
				if (joined++ < 5)
					fprintf(stderr, "    %s = %s + %s\n", w, a, w + la);
			}
		}
	}
	CHECK(joined == 0);
}

static void the_real_code_words_should_join_only_one_way(void)
{
	size_t n = content_codeword_count(real);
	int ambiguous = 0;

	/* If "cat" + "chart" = "catch" + "art", a code typed without gaps reads as another code. */
	for (size_t i = 0; i < n; i++) {
		const char *a = content_codeword(real, i);
		size_t la = strlen(a);

		for (size_t k = 0; k < n; k++) {
			const char *c2 = content_codeword(real, k);
			const char *rest = c2 + la;
			size_t lr = strlen(c2) > la ? strlen(c2) - la : 0;

			if (lr == 0 || strncmp(c2, a, la) != 0)
				continue;
			for (size_t m = 0; m < n; m++) {
				const char *b = content_codeword(real, m);
				size_t lb = strlen(b);
				char typed[64], out[CODE_MAX] = "", expected[CODE_MAX];

				if (lb <= lr || strncmp(b, rest, lr) != 0 ||
				    content_codeword_index(real, b + lr, lb - lr) < 0)
					continue;
				/* a + b is also c2 + (the rest of b): show what the person would
				 * get. */
				snprintf(typed, sizeof(typed), "%s%s%s2345", a, b, a);
				snprintf(expected, sizeof(expected), "%s-%s-%s-2345", a, b, a);
				code_normalise(real, typed, strlen(typed), out);
				if (ambiguous++ < 5)
					fprintf(stderr,
						"    %s+%s = %s+%s: \"%s\" reads as \"%s\", not "
						"\"%s\"\n",
						a, b, c2, b + lr, typed, out, expected);
			}
		}
	}
	CHECK(ambiguous == 0);
}

/* ---- hashes and the key ---- */

static void code_hash_should_be_stable_for_the_same_key_and_code(void)
{
	unsigned char key[CODE_KEY_BYTES], h1[CODE_HASH_BYTES], h2[CODE_HASH_BYTES];

	memset(key, 7, sizeof(key));
	code_hash(key, "apple-river-boat-4827", h1);
	code_hash(key, "apple-river-boat-4827", h2);
	CHECK(memcmp(h1, h2, CODE_HASH_BYTES) == 0);
}

static void code_hash_should_differ_with_a_different_key(void)
{
	unsigned char k1[CODE_KEY_BYTES], k2[CODE_KEY_BYTES], h1[CODE_HASH_BYTES],
	    h2[CODE_HASH_BYTES];

	memset(k1, 7, sizeof(k1));
	memcpy(k2, k1, sizeof(k2));
	k2[CODE_KEY_BYTES - 1] ^= 1;
	code_hash(k1, "apple-river-boat-4827", h1);
	code_hash(k2, "apple-river-boat-4827", h2);
	CHECK(memcmp(h1, h2, CODE_HASH_BYTES) != 0);
}

static void code_hash_should_differ_for_a_different_code(void)
{
	unsigned char key[CODE_KEY_BYTES], h1[CODE_HASH_BYTES], h2[CODE_HASH_BYTES];
	unsigned char zero[CODE_HASH_BYTES] = {0};

	memset(key, 7, sizeof(key));
	code_hash(key, "apple-river-boat-4827", h1);
	code_hash(key, "apple-river-boat-4828", h2);
	CHECK(memcmp(h1, h2, CODE_HASH_BYTES) != 0);
	CHECK(memcmp(h1, zero, CODE_HASH_BYTES) != 0);
}

static void code_key_load_should_make_a_private_key_file_then_read_it_back(void)
{
	char path[128], err[256] = "";
	unsigned char k1[CODE_KEY_BYTES], k2[CODE_KEY_BYTES], zero[CODE_KEY_BYTES] = {0};
	struct stat st;

	snprintf(path, sizeof(path), "%s/secret.key", tmpdir);
	memset(k1, 0, sizeof(k1));
	CHECK(code_key_load(path, k1, err, sizeof(err)) == 0);
	CHECK(memcmp(k1, zero, sizeof(zero)) != 0);
	CHECK(stat(path, &st) == 0);
	CHECK(st.st_size == CODE_KEY_BYTES);
	CHECK((st.st_mode & 0777) == 0600);
	memset(k2, 0, sizeof(k2));
	CHECK(code_key_load(path, k2, err, sizeof(err)) == 0);
	CHECK(memcmp(k1, k2, CODE_KEY_BYTES) == 0);
	unlink(path);
}

static void code_key_load_should_make_a_different_key_each_time(void)
{
	char p1[128], p2[128], err[256] = "";
	unsigned char k1[CODE_KEY_BYTES], k2[CODE_KEY_BYTES];

	snprintf(p1, sizeof(p1), "%s/one.key", tmpdir);
	snprintf(p2, sizeof(p2), "%s/two.key", tmpdir);
	CHECK(code_key_load(p1, k1, err, sizeof(err)) == 0);
	CHECK(code_key_load(p2, k2, err, sizeof(err)) == 0);
	CHECK(memcmp(k1, k2, CODE_KEY_BYTES) != 0);
	unlink(p1);
	unlink(p2);
}

static void code_key_load_should_refuse_a_truncated_key_file(void)
{
	char path[128], err[256] = "";
	unsigned char key[CODE_KEY_BYTES];
	FILE *f;

	snprintf(path, sizeof(path), "%s/short.key", tmpdir);
	f = fopen(path, "wb");
	CHECK(f != NULL);
	if (f) {
		fwrite("0123456789", 1, 10, f);
		fclose(f);
	}
	CHECK(code_key_load(path, key, err, sizeof(err)) == -1);
	CHECK(strstr(err, path) != NULL);
	CHECK(strstr(err, "damaged") != NULL);
	unlink(path);
}

static void code_key_load_should_refuse_an_empty_key_file(void)
{
	char path[128], err[256] = "";
	unsigned char key[CODE_KEY_BYTES];
	FILE *f;

	snprintf(path, sizeof(path), "%s/empty.key", tmpdir);
	f = fopen(path, "wb");
	if (f)
		fclose(f);
	CHECK(code_key_load(path, key, err, sizeof(err)) == -1);
	CHECK(err[0] != '\0');
	unlink(path);
}

static void code_key_load_should_say_when_it_cannot_write_the_key(void)
{
	char path[128], err[256] = "";
	unsigned char key[CODE_KEY_BYTES];

	snprintf(path, sizeof(path), "%s/no-such-folder/secret.key", tmpdir);
	CHECK(code_key_load(path, key, err, sizeof(err)) == -1);
	CHECK(strstr(err, path) != NULL);
}

int main(void)
{
	char err[512] = "";
	int rc;

	if (sodium_init() < 0) { /* as main.c does before making codes */
		fprintf(stderr, "libsodium could not start\n");
		return 1;
	}
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/planaloud-code-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	real = content_load(EASYREAD, "en-GB", PICTURES, err, sizeof(err));
	CHECK(real != NULL);
	if (!real) {
		fprintf(stderr, "the real content did not load: %s\n", err);
		rmdir(tmpdir);
		return check_report();
	}
	RUN(code_generate_should_make_three_words_and_four_digits);
	RUN(code_generate_should_make_codes_that_normalise_to_themselves);
	RUN(code_generate_should_not_repeat_itself_in_1000_codes);
	RUN(code_space_should_make_guessing_hopeless);
	RUN(code_normalise_should_accept_capital_letters);
	RUN(code_normalise_should_accept_spaces_instead_of_hyphens);
	RUN(code_normalise_should_accept_extra_spaces);
	RUN(code_normalise_should_accept_words_typed_together);
	RUN(code_normalise_should_accept_digits_typed_apart);
	RUN(code_normalise_should_refuse_a_word_not_in_the_list);
	RUN(code_normalise_should_refuse_the_wrong_number_of_digits);
	RUN(code_normalise_should_refuse_the_digits_0_and_1);
	RUN(code_normalise_should_refuse_a_fourth_word);
	RUN(code_normalise_should_refuse_two_words);
	RUN(code_normalise_should_refuse_symbols);
	RUN(code_normalise_should_refuse_empty_and_overlong_input);
	RUN(code_normalise_should_read_only_the_length_given);
	RUN(code_numbers_should_make_four_groups_of_four_digits_2_to_9);
	RUN(code_numbers_should_give_each_word_its_place_in_the_list_in_base_8);
	RUN(code_numbers_should_read_back_as_the_same_code_for_many_codes);
	RUN(code_numbers_should_refuse_what_is_not_a_canonical_code);
	RUN(code_normalise_should_refuse_numbers_that_are_not_a_code);
	RUN(code_normalise_should_take_the_digits_of_other_scripts);
	RUN(the_words_and_the_numbers_should_open_the_same_plan);
	RUN(the_numbers_should_name_no_more_codes_than_the_words);
	RUN(code_normalise_should_find_three_words_when_two_of_them_make_another);
	RUN(the_real_code_words_should_not_join_into_other_code_words);
	RUN(the_real_code_words_should_join_only_one_way);
	RUN(code_hash_should_be_stable_for_the_same_key_and_code);
	RUN(code_hash_should_differ_with_a_different_key);
	RUN(code_hash_should_differ_for_a_different_code);
	RUN(code_key_load_should_make_a_private_key_file_then_read_it_back);
	RUN(code_key_load_should_make_a_different_key_each_time);
	RUN(code_key_load_should_refuse_a_truncated_key_file);
	RUN(code_key_load_should_refuse_an_empty_key_file);
	RUN(code_key_load_should_say_when_it_cannot_write_the_key);
	content_free(real);
	rc = check_report();
	if (rmdir(tmpdir) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	return rc;
}
