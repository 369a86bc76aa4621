#include "code.h"

#include "err.h"
#include "utf8.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char digits[] = "23456789";

#define GROUP 4 /* the digits of one word in a code's numbers */

/* The zeros of the digits people may type besides 0 to 9: Arabic-Indic, Extended Arabic-Indic
 * (Urdu), Bengali, Gurmukhi (Punjabi), and full width. Each script's nine follows its zero. */
static const unsigned other_zeros[] = {0x0660, 0x06F0, 0x09E6, 0x0A66, 0xFF10};

void code_generate(const content *c, char *out)
{
	size_t n = 0;

	for (int w = 0; w < CODE_WORDS; w++) {
		const char *word =
		    content_codeword(c, randombytes_uniform((uint32_t)content_codeword_count(c)));

		n += (size_t)snprintf(out + n, CODE_MAX - n, "%s-", word);
	}
	for (int d = 0; d < CODE_DIGITS; d++)
		out[n++] = digits[randombytes_uniform(sizeof(digits) - 1)];
	out[n] = '\0';
}

/* Splits a run of letters into exactly `want` code words, trying whole words first. */
static int split_words(const content *c, const char *s, size_t len, int want, const char **w,
		       size_t *wl)
{
	if (len == 0)
		return want == 0 ? 0 : -1;
	if (want == 0)
		return -1;
	for (size_t take = len; take >= 3; take--) {
		if (content_codeword_index(c, s, take) < 0)
			continue;
		w[0] = s;
		wl[0] = take;
		if (split_words(c, s + take, len - take, want - 1, w + 1, wl + 1) == 0)
			return 0;
	}
	return -1;
}

typedef struct run {
	const char *s;
	size_t len;
} run;

/* Gives each run of letters a number of words so that they add up to CODE_WORDS, trying one word
 * per run first: what a person separated stays separate. */
static int split_runs(const content *c, const run *runs, size_t nruns, int left, const char **w,
		      size_t *wl)
{
	if (nruns == 0)
		return left == 0 ? 0 : -1;
	for (int k = 1; k <= left - (int)(nruns - 1); k++)
		if (split_words(c, runs[0].s, runs[0].len, k, w, wl) == 0 &&
		    split_runs(c, runs + 1, nruns - 1, left - k, w + k, wl + k) == 0)
			return 0;
	return -1;
}

static int is_separator(char ch)
{
	return ch == ' ' || ch == '-' || ch == '.' || ch == ',' || ch == '_' || ch == '/';
}

/* typed with every digit of another script as 0 to 9, into out (room for len + 1): 0, or -1 when
 * typed is not UTF-8, or holds a NUL or any other character outside ASCII. */
static int plain_digits(const char *typed, size_t len, char *out)
{
	size_t i = 0, n = 0;

	if (!utf8_valid(typed, len))
		return -1;
	while (i < len) {
		size_t step = 1;
		unsigned cp = utf8_decode(typed + i, &step);
		size_t k = 0;

		if (cp == 0) {
			return -1;
		} else if (cp < 0x80) {
			out[n++] = (char)cp;
		} else {
			while (k < sizeof(other_zeros) / sizeof(*other_zeros) &&
			       (cp < other_zeros[k] || cp > other_zeros[k] + 9))
				k++;
			if (k == sizeof(other_zeros) / sizeof(*other_zeros))
				return -1;
			out[n++] = (char)('0' + (cp - other_zeros[k]));
		}
		i += step;
	}
	out[n] = '\0';
	return 0;
}

/* The words with their digits, as plain_digits left them. */
static int normalise_words(const content *c, const char *typed, size_t len, char *out)
{
	char letters[CODE_MAX], nums[CODE_DIGITS + 1];
	const char *w[CODE_WORDS];
	size_t wl[CODE_WORDS], nl = 0, nd = 0, n = 0, nruns = 0;
	run runs[CODE_WORDS];
	size_t i = 0;

	/* Runs of letters are words (or several words typed together); digits are the number. */
	while (i < len) {
		unsigned char ch = (unsigned char)typed[i];

		if (isalpha(ch)) {
			if (nruns == CODE_WORDS)
				return -1;
			runs[nruns].s = letters + nl;
			while (i < len && isalpha((unsigned char)typed[i])) {
				if (nl >= sizeof(letters) - 1)
					return -1;
				letters[nl++] = (char)tolower((unsigned char)typed[i++]);
			}
			runs[nruns].len = (size_t)(letters + nl - runs[nruns].s);
			nruns++;
		} else if (isdigit(ch)) {
			if (nd >= CODE_DIGITS || !strchr(digits, ch))
				return -1;
			nums[nd++] = (char)ch;
			i++;
		} else if (is_separator((char)ch)) {
			i++;
		} else {
			return -1;
		}
	}
	if (nd != CODE_DIGITS || split_runs(c, runs, nruns, CODE_WORDS, w, wl))
		return -1;
	nums[nd] = '\0';
	for (int k = 0; k < CODE_WORDS; k++) {
		memcpy(out + n, w[k], wl[k]);
		n += wl[k];
		out[n++] = '-';
	}
	memcpy(out + n, nums, nd + 1);
	return 0;
}

/* The 16 numbers, as plain_digits left them: each group of four is a word's place in the list. */
static int normalise_numbers(const content *c, const char *typed, size_t len, char *out)
{
	char d[CODE_NUMBERS_DIGITS];
	size_t nd = 0, n = 0;

	for (size_t i = 0; i < len; i++) {
		if (is_separator(typed[i]))
			continue;
		if (nd == CODE_NUMBERS_DIGITS || !strchr(digits, typed[i]))
			return -1;
		d[nd++] = typed[i];
	}
	if (nd != CODE_NUMBERS_DIGITS)
		return -1;
	for (int w = 0; w < CODE_WORDS; w++) {
		size_t place = 0;
		const char *word;

		for (int k = 0; k < GROUP; k++)
			place = place * 8 + (size_t)(strchr(digits, d[w * GROUP + k]) - digits);
		if (!(word = content_codeword(c, place)))
			return -1;
		n += (size_t)snprintf(out + n, CODE_MAX - n, "%s-", word);
	}
	memcpy(out + n, d + CODE_WORDS * GROUP, CODE_DIGITS);
	out[n + CODE_DIGITS] = '\0';
	return 0;
}

int code_normalise(const content *c, const char *typed, size_t len, char *out)
{
	char plain[2 * CODE_MAX + 1];

	if (len > 2 * CODE_MAX || plain_digits(typed, len, plain))
		return -1;
	len = strlen(plain);
	for (size_t i = 0; i < len; i++)
		if (isalpha((unsigned char)plain[i]))
			return normalise_words(c, plain, len, out);
	return normalise_numbers(c, plain, len, out);
}

int code_numbers(const content *c, const char *canonical, char *out)
{
	const char *s = canonical;
	size_t n = 0;

	for (int w = 0; w < CODE_WORDS; w++) {
		size_t len = strcspn(s, "-");
		long place = content_codeword_index(c, s, len);

		if (place < 0 || place >= CODE_NUMBERS_WORDS || s[len] != '-') {
			out[0] = '\0';
			return -1;
		}
		for (int k = GROUP - 1; k >= 0; k--, place /= 8)
			out[n + (size_t)k] = digits[place % 8];
		n += GROUP;
		out[n++] = ' ';
		s += len + 1;
	}
	if (strlen(s) != CODE_DIGITS || strspn(s, digits) != CODE_DIGITS) {
		out[0] = '\0';
		return -1;
	}
	memcpy(out + n, s, CODE_DIGITS + 1);
	return 0;
}

void code_hash(const unsigned char key[CODE_KEY_BYTES], const char *canonical,
	       unsigned char out[CODE_HASH_BYTES])
{
	crypto_generichash(out, CODE_HASH_BYTES, (const unsigned char *)canonical,
			   strlen(canonical), key, CODE_KEY_BYTES);
}

int code_key_read(const char *path, unsigned char key[CODE_KEY_BYTES], char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return errno == ENOENT ? 1 : err_set(err, errlen, "%s: %s", path, strerror(errno));
	n = read(fd, key, CODE_KEY_BYTES);
	close(fd);
	if (n != CODE_KEY_BYTES)
		return err_set(err, errlen, "%s: the secret key is damaged (expected %d bytes)",
			       path, CODE_KEY_BYTES);
	return 0;
}

void code_key_id(const unsigned char key[CODE_KEY_BYTES], unsigned char out[CODE_HASH_BYTES])
{
	static const char what[] = "Plan Aloud: which secret key this is";

	crypto_generichash(out, CODE_HASH_BYTES, (const unsigned char *)what, sizeof(what) - 1, key,
			   CODE_KEY_BYTES);
}

int code_key_load(const char *path, unsigned char key[CODE_KEY_BYTES], char *err, size_t errlen)
{
	int fd, got = code_key_read(path, key, err, errlen);

	if (got <= 0)
		return got;
	randombytes_buf(key, CODE_KEY_BYTES);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || write(fd, key, CODE_KEY_BYTES) != CODE_KEY_BYTES || fsync(fd)) {
		err_set(err, errlen, "%s: cannot write the secret key (%s)", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

double code_space(const content *c)
{
	double words = (double)content_codeword_count(c), space = 1;

	for (int i = 0; i < CODE_WORDS; i++)
		space *= words;
	for (int i = 0; i < CODE_DIGITS; i++)
		space *= (double)(sizeof(digits) - 1);
	return space;
}
