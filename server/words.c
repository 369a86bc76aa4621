#include "words.h"

#include "utf8.h"

#include <assert.h>
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Valid UTF-8 only (words_tokenise's callers check). */
static uint32_t next_codepoint(const unsigned char *s, size_t *i)
{
	uint32_t c = s[*i];
	int extra = c < 0x80 ? 0 : c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;

	if (extra)
		c &= 0x3Fu >> extra;
	(*i)++;
	while (extra-- > 0)
		c = (c << 6) | (s[(*i)++] & 0x3Fu);
	return c;
}

/* Spaces, and the dashes and ellipsis that people write between words without spaces
 * ("food—it"): eSpeak speaks the words either side as two words. */
static int is_separator(uint32_t c)
{
	return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
	       (c >= 0x2000 && c <= 0x200B) || c == 0x2013 || c == 0x2014 || c == 0x2015 ||
	       c == 0x2026 || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
	       c == 0x3000 || c == 0xFEFF;
}

/* Punctuation that opens a word but is not part of it; "£", "$", "#", "@" are kept. */
static int is_opening(uint32_t c)
{
	return (c < 0x80 && strchr("\"'([{<*_", (int)c) && c) || c == 0xA1 || c == 0xAB ||
	       c == 0xBF || c == 0x2018 || c == 0x201A || c == 0x201C || c == 0x201E || c == 0x2039;
}

/* Punctuation that closes a word or a sentence. "e.g." is highlighted as "e.g". */
static int is_closing(uint32_t c)
{
	return (c < 0x80 && strchr("\"')]}>*_.,;:!?", (int)c) && c) || c == 0xBB || c == 0x2019 ||
	       c == 0x201D || c == 0x203A;
}

/* Marks that eSpeak does not say in running text: ASCII punctuation, quotes, bullets, dashes. */
static int is_mark(uint32_t c)
{
	if (c < 0x80)
		return !((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
			 (c >= 'a' && c <= 'z'));
	return is_opening(c) || is_closing(c) || c == 0xB7 || (c >= 0x2010 && c <= 0x2012) ||
	       c == 0x2022 || c == 0x2043 || c == 0x25CF || c == 0x25E6;
}

/* Splits valid UTF-8 into tokens. *tokens is the caller's to free. */
int words_tokenise(const char *text, size_t len, words_token **tokens, size_t *count)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t ncp = utf8_chars(text, len), n = 0, i = 0;
	uint32_t *cps = malloc((ncp ? ncp : 1) * sizeof(*cps));
	words_token *tok = malloc((ncp / 2 + 1) * sizeof(*tok));
	int rc = -1;

	if (!cps || !tok)
		goto out;
	for (size_t k = 0; k < ncp; k++)
		cps[k] = next_codepoint(s, &i);
	for (size_t k = 0; k < ncp;) {
		size_t start, end, a, b;

		while (k < ncp && is_separator(cps[k]))
			k++;
		if (k == ncp)
			break;
		start = k;
		while (k < ncp && !is_separator(cps[k]))
			k++;
		end = k;
		a = start;
		b = end;
		while (a < b && is_opening(cps[a]))
			a++;
		while (b > a && is_closing(cps[b - 1]))
			b--;
		tok[n].punctuation = 1;
		for (size_t m = start; m < end && tok[n].punctuation; m++)
			tok[n].punctuation = is_mark(cps[m]);
		if (a == b) { /* the whole token, should eSpeak say it */
			a = start;
			b = end;
		}
		assert(n < ncp / 2 + 1);
		tok[n].start = start;
		tok[n].end = end;
		tok[n].word_start = a;
		tok[n].word_len = b - a;
		n++;
	}
	*tokens = tok;
	*count = n;
	tok = NULL;
	rc = 0;
out:
	free(tok);
	free(cps);
	return rc;
}

/* The token holding code point p, or -1 when p is a separator or past the end. */
static long token_at(const words_token *tok, size_t n, size_t p)
{
	size_t lo = 0, hi = n;

	while (lo < hi) { /* the first token that ends after p */
		size_t mid = lo + (hi - lo) / 2;

		if (tok[mid].end <= p)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == n || tok[lo].start > p)
		return -1;
	return (long)lo;
}

/* Turns eSpeak's word events into one word per token spoken, in order. What eSpeak reports, and
 * why each rule is here:
 * - It says some short words together with the word before and reports only that one: "of the"
 *   as "of", "in the" as "in", "to be" as "to", "that it" as "that" (phrases in its en_list).
 *   Such tokens get a share of that word's time, from its event to the next one, in proportion
 *   to their lengths, and are marked estimated.
 * - It splits some words and reports each piece: "£40" as "£" then "40" (it says "forty pounds"),
 *   "1,250.50" as "1," ",2" "250.50" and four more at one position, "10:30" as "10" "30",
 *   "3/4/2024" as "3" "/" "4" "/" "2024" "024." x3, "jo@example.com" as "jo" "@" "example" "."
 *   "com", "42nd" as "42" "2n", an emoji as itself then the space after it. A token's time is
 *   its first event's; events inside a token already spoken are dropped.
 * - Its length stops at an apostrophe or hyphen: "Mae'r" is 3 ("Mae"), "I'm" 1, "don't" 3,
 *   "well-being" 4. The token's own length is used.
 * - At a clause break (a comma, an em dash, "e.g.") it may add an event of length 0 after the
 *   clause's last word, pointing back at the space after the break, or at position 0 ("A. B.",
 *   "words…"). Events on a separator, before the text, or behind the last word are dropped.
 * - An opening quote is spoken as part of the word: "“Quoted”" has an event of length 0 at
 *   "Q", which is kept (it is in the token).
 * out has room for ntok words; duration_ms is the audio's length. Returns the number of words. */
size_t words_from_events(const words_token *tok, size_t ntok, const words_event *raw, size_t nraw,
			 unsigned int duration_ms, tts_word *out)
{
	size_t n = 0;
	long last = -1;
	unsigned int last_ms = 0;

	/* The tokens eSpeak reported, with their times, first. */
	for (size_t i = 0; i < nraw; i++) {
		long k;
		unsigned int ms;

		if (raw[i].position < 1)
			continue;
		k = token_at(tok, ntok, (size_t)raw[i].position - 1);
		if (k < 0 || k <= last)
			continue;
		ms = raw[i].ms > 0 ? (unsigned int)raw[i].ms : 0;
		if (ms < last_ms)
			ms = last_ms;
		out[n].start = (size_t)k; /* a token index until the next loop */
		out[n].audio_ms = ms;
		n++;
		last = k;
		last_ms = ms;
	}
	if (n == 0)
		return 0;
	if (duration_ms < last_ms)
		duration_ms = last_ms;

	/* Then, from the last backwards (the array only grows towards its end), each reported
	 * token and the unreported ones after it up to the next reported token. */
	{
		size_t w = ntok; /* out[w..ntok) is done */
		size_t next_token = ntok;
		unsigned int next_ms = duration_ms;

		for (size_t h = n; h-- > 0;) {
			size_t k = out[h].start, chars = 0, before = 0;
			unsigned int ms = out[h].audio_ms, span = next_ms - ms;

			for (size_t m = k; m < next_token; m++)
				if (m == k || !tok[m].punctuation)
					chars += tok[m].word_len;
			/* Written from the back: out[h] is read before w can come down to h. */
			for (size_t m = next_token; m-- > k;) {
				if (m != k && tok[m].punctuation)
					continue;
				before = 0;
				for (size_t q = k; q < m; q++)
					if (q == k || !tok[q].punctuation)
						before += tok[q].word_len;
				assert(w > h);
				w--;
				out[w].start = tok[m].word_start;
				out[w].length = tok[m].word_len;
				out[w].audio_ms =
				    ms + (unsigned int)((unsigned long long)span * before / chars);
				out[w].estimated = m != k;
			}
			next_token = k;
			next_ms = ms;
		}
		memmove(out, out + w, (ntok - w) * sizeof(*out));
		return ntok - w;
	}
}

/* Where the sentence starting at byte a of text (len bytes) ends: after a full stop, question
 * or exclamation mark followed by a space (a full stop only when the next word does not start
 * with a small letter or a digit: "e.g. a", "No. 5"), or a line break, with the spaces after
 * it; or, in a sentence over WORDS_SEGMENT_MAX_BYTES, after the last space before that. Valid UTF-8
 * only. */
size_t words_sentence_end(const char *text, size_t len, size_t a)
{
	const unsigned char *u = (const unsigned char *)text;
	size_t i = a, last_space = 0;

	while (i < len) {
		size_t at = i;
		uint32_t c = next_codepoint(u, &i);

		if (is_separator(c)) {
			if (c == '\n' && at > a)
				break;
			last_space = i;
			continue;
		}
		if (c == '.' || c == '!' || c == '?') {
			size_t k = i;
			uint32_t after = 0;

			if (i == len)
				break;
			if (is_separator(next_codepoint(u, &k))) {
				/* what the next word starts with: "e.g. a carer", "No. 5", "8 a.m.
				 * on" go on in the same sentence, as eSpeak would say them */
				while (k < len && is_separator(after = next_codepoint(u, &k)))
					;
				if (c != '.' || !((after >= 'a' && after <= 'z') ||
						  (after >= '0' && after <= '9')))
					break;
			}
		}
		if (i - a > WORDS_SEGMENT_MAX_BYTES && last_space > a) {
			i = last_space;
			break;
		}
	}
	while (i < len) { /* the spaces after it go with it */
		size_t at = i;

		if (!is_separator(next_codepoint(u, &i))) {
			i = at;
			break;
		}
	}
	return i;
}

size_t words_count(const char *s)
{
	size_t n = 0;

	while (*s) {
		int word = 0;

		while (*s && isspace((unsigned char)*s))
			s++;
		while (*s && !isspace((unsigned char)*s))
			word |= isalnum((unsigned char)*s++) != 0;
		n += (size_t)word;
	}
	return n;
}
