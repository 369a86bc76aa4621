/* vocab: words gathered from texts for word prediction (vocab.h). */
#include "vocab.h"

#include "utf8.h"

#include <stdlib.h>
#include <string.h>

typedef struct vocab_word {
	char *text;
	size_t uses;
} vocab_word;

/* The words in a growing array, and an open-addressing table of their places (index + 1; 0 is
 * empty) sized once for max words at most half full, so a lookup is a hash and a compare or two. */
struct vocab {
	vocab_word *w;
	size_t n, cap, max;
	size_t *slots;
	size_t nslots; /* a power of two */
};

vocab *vocab_new(size_t max)
{
	vocab *v = calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	v->max = max;
	v->nslots = 16;
	while (v->nslots < 2 * max)
		v->nslots *= 2;
	if (!(v->slots = calloc(v->nslots, sizeof(*v->slots)))) {
		free(v);
		return NULL;
	}
	return v;
}

void vocab_free(vocab *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++)
		free(v->w[i].text);
	free(v->w);
	free(v->slots);
	free(v);
}

/* How many bytes the letter at t takes: an ASCII letter, or a character from U+00C0 (where
 * Latin-1's letters start) that belongs in a word (utf8_is_word_char: not the marks that end a
 * sentence in Urdu, Arabic or Bengali, not their commas, not quotes or dashes) and is not a symbol
 * (U+2070 to U+2BFF); 0 for anything else. t is valid UTF-8. */
static size_t letter_len(const unsigned char *t)
{
	unsigned cp;
	size_t len;

	if (*t < 0x80)
		return (*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z');
	cp = utf8_decode((const char *)t, &len);
	if (len < 2 || cp < 0xc0 || !utf8_is_word_char(cp) || (cp >= 0x2070 && cp <= 0x2bff))
		return 0;
	return len;
}

static size_t hash(const char *word, size_t len)
{
	size_t h = 2166136261u; /* FNV-1a */

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)word[i]) * 16777619u;
	return h;
}

/* The slot that holds word[0..len), or the empty slot where it would go. */
static size_t *slot_of(const vocab *v, const char *word, size_t len)
{
	size_t mask = v->nslots - 1, i = hash(word, len) & mask;

	while (v->slots[i]) {
		const char *t = v->w[v->slots[i] - 1].text;

		if (strncmp(t, word, len) == 0 && t[len] == '\0')
			break;
		i = (i + 1) & mask;
	}
	return &v->slots[i];
}

static vocab_word *find(const vocab *v, const char *word, size_t len)
{
	size_t at = *slot_of(v, word, len);

	return at ? &v->w[at - 1] : NULL;
}

/* Counts one use of word[0..len), adding it when new and there is room. 0, or -1 (memory). */
static int add_word(vocab *v, const char *word, size_t len)
{
	vocab_word *w = find(v, word, len);
	char *copy;

	if (w) {
		w->uses++;
		return 0;
	}
	if (v->n == v->max)
		return 0;
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 64;
		vocab_word *grown = realloc(v->w, cap * sizeof(*grown));

		if (!grown)
			return -1;
		v->w = grown;
		v->cap = cap;
	}
	if (!(copy = malloc(len + 1)))
		return -1;
	memcpy(copy, word, len);
	copy[len] = '\0';
	v->w[v->n++] = (vocab_word){copy, 1};
	*slot_of(v, copy, len) = v->n;
	return 0;
}

int vocab_add_text(vocab *v, const char *text)
{
	const unsigned char *t = (const unsigned char *)text;

	while (*t) {
		char word[VOCAB_WORD_MAX];
		size_t run = 0, k;

		if (!letter_len(t)) {
			t++;
			continue;
		}
		/* a run of letters, with an apostrophe only between two of them */
		for (;;) {
			if ((k = letter_len(t + run)) == 0 && t[run] == '\'' && run > 0 &&
			    letter_len(t + run + 1))
				k = 1;
			if (!k)
				break;
			for (size_t i = 0; i < k; i++, run++)
				if (run < sizeof(word))
					word[run] = (char)((t[run] >= 'A' && t[run] <= 'Z')
							       ? t[run] - 'A' + 'a'
							       : t[run]);
		}
		t += run;
		if (run < VOCAB_WORD_MIN || run > VOCAB_WORD_MAX)
			continue;
		if (add_word(v, word, run))
			return -1;
	}
	return 0;
}

static int by_use(const void *a, const void *b)
{
	const vocab_word *x = a, *y = b;

	if (x->uses != y->uses)
		return x->uses > y->uses ? -1 : 1;
	return strcmp(x->text, y->text);
}

void vocab_sort(vocab *v)
{
	if (v->n < 2)
		return;
	qsort(v->w, v->n, sizeof(*v->w), by_use);
	memset(v->slots, 0, v->nslots * sizeof(*v->slots));
	for (size_t i = 0; i < v->n; i++)
		*slot_of(v, v->w[i].text, strlen(v->w[i].text)) = i + 1;
}

size_t vocab_count(const vocab *v)
{
	return v ? v->n : 0;
}

const char *vocab_at(const vocab *v, size_t i)
{
	return v && i < v->n ? v->w[i].text : NULL;
}

const char *vocab_find(const vocab *v, const char *word)
{
	const vocab_word *w = v && word ? find(v, word, strlen(word)) : NULL;

	return w ? w->text : NULL;
}
