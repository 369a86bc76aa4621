/* typist: the person typing an answer, a few characters between two saves. */
#include "bench.h"

#include <assert.h>
#include <string.h>

/* What a person types, over and over: plain words with the non-ASCII letters and symbols that
 * real answers carry (Welsh, accents, curly quotes, an emoji). No ASCII quotes or backslashes,
 * so it goes into JSON as it is. */
static const char typed_text[] =
    "I make people laugh and I am kind to animals \xe2\x80\x94 especially my dog, Si\xc3\xa2n. "
    "I like caf\xc3\xa9 trips, cr\xc3\xaapes and the beach at Llandudno. People say I\xe2\x80\x99m "
    "a good listener. I help my neighbour Zo\xc3\xab with her garden \xf0\x9f\x8c\xbb. I am "
    "learning Welsh: \xe2\x80\x9c"
    "bore da\xe2\x80\x9d means good morning and "
    "\xe2\x80\x9c"
    "diolch\xe2\x80\x9d means thank you. I save \xc2\xa3"
    "5 a week for the "
    "football. ";

uint32_t rng_next(uint32_t *state)
{
	/* xorshift32: deterministic, so two runs type the same text */
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *state = x;
}

static size_t utf8_seq_len(unsigned char lead)
{
	if (lead < 0x80)
		return 1;
	if ((lead & 0xE0) == 0xC0)
		return 2;
	if ((lead & 0xF0) == 0xE0)
		return 3;
	return 4;
}

void typist_init(typist *t, unsigned who)
{
	assert(!strpbrk(typed_text, "\"\\")); /* it goes into JSON unescaped */
	memset(t, 0, sizeof(*t));
	t->rng = 2463534242u + who * 2654435761u;
	if (!t->rng)
		t->rng = 1;
	/* each person starts at a different place in the text, on a character boundary */
	t->src = (who * 37u) % (sizeof(typed_text) - 1);
	while (t->src > 0 && ((unsigned char)typed_text[t->src] & 0xC0) == 0x80)
		t->src--;
}

void typist_type(typist *t)
{
	size_t n = 2 + rng_next(&t->rng) % 4;

	if (t->chars + n > ANSWER_RESTART_CHARS) {
		t->len = 0;
		t->chars = 0;
	}
	while (n--) {
		size_t k = utf8_seq_len((unsigned char)typed_text[t->src]);

		memcpy(t->value + t->len, typed_text + t->src, k);
		t->len += k;
		t->chars++;
		t->src += k;
		if (t->src >= sizeof(typed_text) - 1)
			t->src = 0;
	}
	t->value[t->len] = '\0';
}

/* ---- clocks ---- */
