#include "code.h"

#include "err.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char digits[] = "23456789";

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

int code_normalise(const content *c, const char *typed, size_t len, char *out)
{
	char letters[CODE_MAX], nums[CODE_DIGITS + 1];
	const char *w[CODE_WORDS];
	size_t wl[CODE_WORDS], nl = 0, nd = 0, n = 0, nruns = 0;
	run runs[CODE_WORDS];
	size_t i = 0;

	if (len > 2 * CODE_MAX)
		return -1;
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
		} else if (ch == ' ' || ch == '-' || ch == '.' || ch == ',' || ch == '_' ||
			   ch == '/') {
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
