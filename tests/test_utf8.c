/* Tests for server/utf8.c: checking and counting what people type. */
#include "check.h"

#include "utf8.h"

#include <stdio.h>
#include <string.h>

/* Checks a byte string given with an explicit length (it may contain NUL). */
#define VALID(bytes) utf8_valid((bytes), sizeof(bytes) - 1)

static void utf8_should_accept_empty_text(void)
{
	CHECK(utf8_valid("", 0) == 1);
	CHECK(utf8_chars("", 0) == 0);
}

static void utf8_should_accept_plain_ascii(void)
{
	CHECK(VALID("My plan, my words: 100% mine!") == 1);
	CHECK(VALID("\t\r\n ~") == 1);
}

static void utf8_should_accept_nul_and_delete_as_ascii(void)
{
	CHECK(VALID("a\0b") == 1);
	CHECK(VALID("\x7f") == 1);
}

static void utf8_should_accept_two_byte_sequences(void)
{
	CHECK(VALID("\xc2\xa3") == 1);		/* £ */
	CHECK(VALID("caf\xc3\xa9") == 1);	/* café */
	CHECK(VALID("\xc2\x80") == 1);		/* U+0080, the smallest two-byte code point */
	CHECK(VALID("\xdf\xbf") == 1);		/* U+07FF, the largest */
	CHECK(VALID("\xc5\xb5 \xc5\xb7") == 1); /* ŵ ŷ */
}

static void utf8_should_accept_three_byte_sequences(void)
{
	CHECK(VALID("\xe2\x82\xac") == 1); /* € */
	CHECK(VALID("\xe2\x80\x94") == 1); /* em dash */
	CHECK(VALID("\xe0\xa0\x80") == 1); /* U+0800, the smallest three-byte code point */
	CHECK(VALID("\xed\x9f\xbf") == 1); /* U+D7FF, just below the surrogates */
	CHECK(VALID("\xee\x80\x80") == 1); /* U+E000, just above them */
	CHECK(VALID("\xef\xbf\xbd") == 1); /* U+FFFD */
}

static void utf8_should_accept_four_byte_sequences(void)
{
	CHECK(VALID("\xf0\x9f\x98\x80") == 1); /* U+1F600, a smiling face */
	CHECK(VALID("\xf0\x90\x80\x80") == 1); /* U+10000, the smallest four-byte code point */
	CHECK(VALID("\xf4\x8f\xbf\xbf") == 1); /* U+10FFFF, the largest code point */
}

static void utf8_should_reject_truncated_sequences(void)
{
	CHECK(VALID("\xc2") == 0);
	CHECK(VALID("ab\xc3") == 0);
	CHECK(VALID("\xe2\x82") == 0);
	CHECK(VALID("\xf0\x9f\x98") == 0);
	CHECK(VALID("\xf0\x9f") == 0);
	/* The bytes are there, but the length given stops inside the sequence. */
	CHECK(utf8_valid("\xe2\x82\xac", 2) == 0);
	CHECK(utf8_valid("a\xf0\x9f\x98\x80", 4) == 0);
	/* A sequence cut short by an ASCII byte. */
	CHECK(VALID("\xe2\x82"
		    "a") == 0);
	CHECK(VALID("\xc3"
		    " ") == 0);
}

static void utf8_should_reject_overlong_encodings(void)
{
	CHECK(VALID("\xc0\x80") == 0);	       /* NUL in two bytes */
	CHECK(VALID("\xc1\xbf") == 0);	       /* U+007F in two bytes */
	CHECK(VALID("\xc0\xaf") == 0);	       /* '/' in two bytes */
	CHECK(VALID("\xe0\x80\x80") == 0);     /* NUL in three bytes */
	CHECK(VALID("\xe0\x9f\xbf") == 0);     /* U+07FF in three bytes */
	CHECK(VALID("\xf0\x80\x80\x80") == 0); /* NUL in four bytes */
	CHECK(VALID("\xf0\x8f\xbf\xbf") == 0); /* U+FFFF in four bytes */
}

static void utf8_should_reject_surrogates(void)
{
	CHECK(VALID("\xed\xa0\x80") == 0);	       /* U+D800 */
	CHECK(VALID("\xed\xbf\xbf") == 0);	       /* U+DFFF */
	CHECK(VALID("\xed\xa0\xbd\xed\xb8\x80") == 0); /* a CESU-8 style pair */
}

static void utf8_should_reject_code_points_past_10ffff(void)
{
	CHECK(VALID("\xf4\x90\x80\x80") == 0); /* U+110000 */
	CHECK(VALID("\xf5\x80\x80\x80") == 0);
	CHECK(VALID("\xf7\xbf\xbf\xbf") == 0);
	CHECK(VALID("\xf8\x88\x80\x80\x80") == 0); /* old five-byte form */
	CHECK(VALID("\xfc\x84\x80\x80\x80\x80") == 0);
}

static void utf8_should_reject_stray_continuation_bytes(void)
{
	CHECK(VALID("\x80") == 0);
	CHECK(VALID("\xbf") == 0);
	CHECK(VALID("a\x80z") == 0);
	CHECK(VALID("\xc2\xa3\xa3") == 0); /* £ then one continuation byte too many */
}

static void utf8_should_reject_bytes_that_never_appear(void)
{
	CHECK(VALID("\xfe") == 0);
	CHECK(VALID("\xff") == 0);
	CHECK(VALID("ok \xff ok") == 0);
}

static void utf8_should_reject_a_bad_sequence_after_good_text(void)
{
	CHECK(VALID("Cymraeg: \xc5\xb5 \xed\xa0\x80") == 0);
	CHECK(VALID("\xf0\x9f\x98\x80\xc0\x80") == 0);
}

static void utf8_chars_should_count_ascii_bytes_as_characters(void)
{
	const char *s = "Plan Aloud";

	CHECK(utf8_chars(s, strlen(s)) == 10);
}

static void utf8_chars_should_count_code_points_not_bytes(void)
{
	const char *welsh = "Cymraeg: \xc5\xb5 \xc5\xb7"; /* "Cymraeg: ŵ ŷ" */
	const char *emoji = "Hi \xf0\x9f\x98\x80";	  /* "Hi " and a smiling face */
	const char *money = "\xc2\xa3"
			    "12.50";	       /* "£12.50" */
	const char *dash = "a \xe2\x80\x94 b"; /* "a — b" */

	CHECK(strlen(welsh) == 14);
	CHECK(utf8_chars(welsh, strlen(welsh)) == 12);
	CHECK(utf8_chars(emoji, strlen(emoji)) == 4);
	CHECK(utf8_chars(money, strlen(money)) == 6);
	CHECK(utf8_chars(dash, strlen(dash)) == 5);
}

static void utf8_chars_should_count_only_the_given_length(void)
{
	const char *s = "\xc5\xb5\xc5\xb7xyz";

	CHECK(utf8_chars(s, 4) == 2);
	CHECK(utf8_chars(s, 5) == 3);
}

static void a_word_should_hold_no_space_of_any_kind(void)
{
	CHECK(!utf8_has_space("word", 4));
	CHECK(!utf8_has_space("caf\xc3\xa9", 5));      /* an accented letter */
	CHECK(!utf8_has_space("don\xe2\x80\x99t", 7)); /* a curly apostrophe */
	CHECK(utf8_has_space("two words", 9));
	CHECK(utf8_has_space("two\twords", 9));
	CHECK(utf8_has_space("end\n", 4));
	CHECK(utf8_has_space("two\xc2\xa0words", 10));	   /* no-break space */
	CHECK(utf8_has_space("two\xe3\x80\x80words", 11)); /* ideographic space */
	CHECK(utf8_has_space("a\xe2\x80\xa8"
			     "b",
			     5)); /* line separator */
	CHECK(utf8_has_space("a\xc2\x85"
			     "b",
			     4)); /* a C1 control */
}

/* ---- one character at a time: decode, encode, small letters, word characters ---- */

/* text with each character through utf8_lower, into out (decode, lower, encode). */
static const char *lower_of(const char *text, char *out, size_t n)
{
	size_t used = 0, len;

	for (const char *s = text; *s && used + 4 < n; s += len)
		used += utf8_encode(utf8_lower(utf8_decode(s, &len)), out + used);
	out[used] = '\0';
	return out;
}

/* The first character of text: is it part of a word? */
static int word_char(const char *text)
{
	size_t len;

	return utf8_is_word_char(utf8_decode(text, &len));
}

static void decode_and_encode_should_give_back_every_length_of_character(void)
{
	static const struct {
		const char *bytes;
		unsigned cp;
	} each[] = {
	    {"A", 0x41},
	    {"\xc5\xb5", 0x175}, /* ŵ */
	    {"\xd8\x9f", 0x61F},
	    {"\xe0\xa6\xac", 0x9AC}, /* ؟ ব */
	    {"\xe2\x80\x93", 0x2013},
	    {"\xf0\x9f\x98\x80", 0x1F600},
	};
	char out[8];
	size_t len;

	for (size_t i = 0; i < sizeof(each) / sizeof(*each); i++) {
		CHECK(utf8_decode(each[i].bytes, &len) == each[i].cp);
		CHECK(len == strlen(each[i].bytes));
		len = utf8_encode(each[i].cp, out);
		out[len] = '\0';
		CHECK_STR(out, each[i].bytes);
	}
	/* a character cut short is its first byte alone, so reading moves on */
	CHECK(utf8_decode("\xe0\xa6", &len) == 0xE0 && len == 1);
}

static void lower_should_know_the_capitals_of_welsh_polish_and_romanian(void)
{
	char out[128];

	CHECK_STR(lower_of("Ŵ Ŷ", out, sizeof(out)), "ŵ ŷ");
	CHECK_STR(lower_of("ĄŁŃŚŹŻĆĘÓ", out, sizeof(out)), "ąłńśźżćęó");
	CHECK_STR(lower_of("ȘȚĂÎÂ", out, sizeof(out)), "șțăîâ");
	CHECK_STR(lower_of("ÀÉÑÖØÞ", out, sizeof(out)), "àéñöøþ");
	CHECK_STR(lower_of("ÎNGRIJITORUL", out, sizeof(out)), "îngrijitorul");
	CHECK_STR(lower_of("ẀẂẄỲÝŸ", out, sizeof(out)), "ẁẃẅỳýÿ"); /* Welsh w and y, any accent */
	/* small letters stay small, and a capital's small letter is not made smaller again */
	CHECK_STR(lower_of("ŵŷąłńśźżșțăîâ", out, sizeof(out)), "ŵŷąłńśźżșțăîâ");
	/* the multiplication sign sits among Latin-1's capitals but is not one; ß has none */
	CHECK_STR(lower_of("× ß", out, sizeof(out)), "× ß");
}

static void lower_should_leave_scripts_without_capitals_as_they_are(void)
{
	char out[128];

	CHECK_STR(lower_of("المجلس", out, sizeof(out)), "المجلس");
	CHECK_STR(lower_of("কাউন্সিল", out, sizeof(out)), "কাউন্সিল");
	CHECK_STR(lower_of("ਕੌਂਸਲ", out, sizeof(out)), "ਕੌਂਸਲ");
}

static void word_chars_should_hold_the_marks_of_arabic_and_bengali(void)
{
	CHECK(word_char("a") && word_char("7") && word_char("ŵ") && word_char("ș"));
	CHECK(word_char("\xd9\x8e"));	  /* fatha, a haraka over an Arabic letter */
	CHECK(word_char("\xd9\x90"));	  /* kasra */
	CHECK(word_char("\xd9\x91"));	  /* shadda */
	CHECK(word_char("\xd9\x92"));	  /* sukun */
	CHECK(word_char("\xe0\xa6\xbe")); /* Bengali vowel sign aa */
	CHECK(word_char("\xe0\xa7\x87")); /* Bengali vowel sign e */
	CHECK(word_char("\xe0\xa6\x82")); /* Bengali anusvara */
	CHECK(word_char("\xe0\xa8\xbe")); /* Gurmukhi vowel sign aa */
	CHECK(word_char("م") && word_char("ব") && word_char("ਪ"));
	/* the zero-width joiner and non-joiner shape letters inside a word (Bengali
	 * "র‍্যা")
	 */
	CHECK(word_char("\xe2\x80\x8d") && word_char("\xe2\x80\x8c"));
	CHECK(!word_char("\xe2\x80\x8b")); /* but a zero-width space is a space */
}

static void word_chars_should_not_hold_the_marks_between_words(void)
{
	static const char *const marks[] = {
	    "،", "؟", "۔", "।", "«", "»", "–", "—", "’", "“", "…",
	    "؛", "॥", "£", "€", " ", ",", ".", "?", "-", "'", "\xc2\xa0" /* no-break space */,
	};

	for (size_t i = 0; i < sizeof(marks) / sizeof(*marks); i++) {
		CHECK(!word_char(marks[i]));
		if (word_char(marks[i]))
			fprintf(stderr, "    \"%s\" was taken for part of a word\n", marks[i]);
	}
}

int main(void)
{
	RUN(utf8_should_accept_empty_text);
	RUN(utf8_should_accept_plain_ascii);
	RUN(utf8_should_accept_nul_and_delete_as_ascii);
	RUN(utf8_should_accept_two_byte_sequences);
	RUN(utf8_should_accept_three_byte_sequences);
	RUN(utf8_should_accept_four_byte_sequences);
	RUN(utf8_should_reject_truncated_sequences);
	RUN(utf8_should_reject_overlong_encodings);
	RUN(utf8_should_reject_surrogates);
	RUN(utf8_should_reject_code_points_past_10ffff);
	RUN(utf8_should_reject_stray_continuation_bytes);
	RUN(utf8_should_reject_bytes_that_never_appear);
	RUN(utf8_should_reject_a_bad_sequence_after_good_text);
	RUN(utf8_chars_should_count_ascii_bytes_as_characters);
	RUN(utf8_chars_should_count_code_points_not_bytes);
	RUN(utf8_chars_should_count_only_the_given_length);
	RUN(a_word_should_hold_no_space_of_any_kind);
	RUN(decode_and_encode_should_give_back_every_length_of_character);
	RUN(lower_should_know_the_capitals_of_welsh_polish_and_romanian);
	RUN(lower_should_leave_scripts_without_capitals_as_they_are);
	RUN(word_chars_should_hold_the_marks_of_arabic_and_bengali);
	RUN(word_chars_should_not_hold_the_marks_between_words);
	return check_report();
}
