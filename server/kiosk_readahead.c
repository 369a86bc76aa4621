/* kiosk_readahead: reading the content's fixed texts into the audio cache before anyone asks
 * (every voice, normal speed), a few at a time so a person's own request waits behind at most a
 * few: the language pages start in at once, another the first time someone chooses it. The
 * sorted list of every fixed text also says what may be kept on disk and shared (is_fixed). */
#include "kiosk_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Focus speech says where a choice is among the others, "2 of 3" (focus.position, filled in the
 * id by the page): every place in a group of up to this many is read ahead like a fixed text. */
#define FOCUS_POSITIONS 12

static const char *const code_digits[] = {"2", "3", "4", "5", "6", "7", "8", "9"};

int kiosk_is_fixed(const kiosk *p, const char *text)
{
	size_t lo = 0, hi = p->pre.ntexts;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(p->pre.texts[mid], text);

		if (c == 0)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static size_t voice_count(const kiosk *p)
{
	return p->nar ? voices_count(narrator_voices(p->nar)) : 0;
}

/* The first language to read ahead now: wanted, with texts not yet handed to the narrator (each
 * language's items are read once per voice, a voice at a time: eSpeak changes voice as little as
 * it can); languages_count when there is none. Each language keeps its own place, so a language
 * chosen later never sends the reading back over one already read. */
static size_t language_to_read(const kiosk *p, size_t nv)
{
	size_t lang = 0;

	for (; lang < languages_count(p->langs); lang++) {
		size_t from = lang ? p->pre.lang_end[lang - 1] : 0;

		if (p->pre.wanted[lang] &&
		    p->pre.lang_next[lang] < (p->pre.lang_end[lang] - from) * nv)
			break;
	}
	return lang;
}

void kiosk_read_ahead_pump(kiosk *p)
{
	const voices *v = p->nar ? narrator_voices(p->nar) : NULL;
	size_t nv = voice_count(p), lang;

	while (v && nv && p->pre.outstanding < PRERENDER_AT_ONCE &&
	       (lang = language_to_read(p, nv)) < languages_count(p->langs)) {
		size_t from = lang ? p->pre.lang_end[lang - 1] : 0,
		       len = p->pre.lang_end[lang] - from;
		size_t offset = p->pre.lang_next[lang];
		const voice_profile *vp = voices_at(v, offset / len);
		char err[64];

		/* (one already in the cache from an earlier start comes back at once) */
		if (narrator_say(p->nar, p, 0, vp->name, "normal", &p->speech[lang],
				 p->pre.items[from + offset % len].text, 0, err, sizeof(err)))
			break; /* busy: try again when something finishes */
		p->pre.lang_next[lang]++;
		p->pre.outstanding++;
	}
}

static int add_text(kiosk *p, size_t lang, const char *t)
{
	struct read_ahead_item *items = realloc(p->pre.items, (p->pre.nitems + 1) * sizeof(*items));

	if (!items)
		return -1;
	p->pre.items = items;
	items[p->pre.nitems++] = (struct read_ahead_item){t, lang};
	return 0;
}

/* Adds the message name of c filled with kv (read ahead like a fixed text; owned by the kiosk). */
static int add_filled(kiosk *p, size_t lang, const char *name, const char *const *kv)
{
	char *t = content_fill(languages_at(p->langs, lang), name, kv), **owned;

	if (!t)
		return -1;
	owned = realloc(p->pre.owned, (p->pre.nowned + 1) * sizeof(*owned));
	if (!owned || add_text(p, lang, t)) {
		if (owned)
			p->pre.owned = owned;
		free(t);
		return -1;
	}
	p->pre.owned = owned;
	owned[p->pre.nowned++] = t;
	return 0;
}

static void add_positions(kiosk *p, size_t lang)
{
	if (!content_message(languages_at(p->langs, lang), "focus.position"))
		return;
	for (int of = 2; of <= FOCUS_POSITIONS; of++)
		for (int n = 1; n <= of; n++) {
			char nv[4], ofv[4];

			snprintf(nv, sizeof(nv), "%d", n);
			snprintf(ofv, sizeof(ofv), "%d", of);
			if (add_filled(p, lang, "focus.position",
				       (const char *const[]){"n", nv, "of", ofv, NULL}))
				return;
		}
}

/* Where a page is in the plan, "Part 3 of 11" (progress, on every page of a part). */
static void add_progress(kiosk *p, size_t lang)
{
	const content *c = languages_at(p->langs, lang);
	size_t parts = content_part_count(c);
	char nv[8], ofv[8];

	if (!content_message(c, "progress"))
		return;
	snprintf(ofv, sizeof(ofv), "%zu", parts);
	for (size_t n = 1; n <= parts; n++) {
		snprintf(nv, sizeof(nv), "%zu", n);
		if (add_filled(p, lang, "progress",
			       (const char *const[]){"n", nv, "of", ofv, NULL}))
			return;
	}
}

static void add_page(kiosk *p, size_t lang, const content *c, const content_page *pg)
{
	add_text(p, lang, pg->title);
	if (content_picture_alt(c, pg->picture))
		add_text(p, lang, content_picture_alt(c, pg->picture));
	for (size_t k = 0; k < pg->nsay; k++)
		if (pg->say[k][0] != '{') /* {who-is-told}: a message, read below */
			add_text(p, lang, pg->say[k]);
	if (pg->ask)
		add_text(p, lang, pg->ask);
	if (pg->hint)
		add_text(p, lang, pg->hint);
	for (size_t k = 0; k < pg->noptions; k++)
		add_text(p, lang, pg->options[k].text);
	for (size_t k = 0; k < pg->nfields; k++)
		add_text(p, lang, pg->fields[k].label);
	for (size_t k = 0; k < pg->ncards; k++) /* said at once when touched or focused */
		add_text(p, lang, pg->cards[k].text);
}

/* Every fixed text of language lang, in its own voice. */
static void add_language(kiosk *p, size_t lang)
{
	const content *c = languages_at(p->langs, lang);
	const voices *v = narrator_voices(p->nar);

	for (size_t i = 0; i < content_part_count(c); i++)
		add_text(p, lang, content_part_title(c, (int)i));
	/* The code is read piece by piece: its digits are always the same few texts. */
	for (size_t i = 0; i < sizeof(code_digits) / sizeof(*code_digits); i++)
		add_text(p, lang, code_digits[i]);
	for (size_t i = 0; i < content_page_count(c); i++)
		add_page(p, lang, c, content_page_at(c, i));
	for (size_t i = 0; i < content_message_count(c); i++) {
		const char *name, *text;

		content_message_at(c, i, &name, &text);
		/* messages with blanks are said once filled in; the staff's are never said */
		if (!strchr(text, '{') && !content_is_staff_message(name))
			add_text(p, lang, text);
	}
	add_positions(p, lang);
	add_progress(p, lang);
	for (size_t i = 0; i < voices_count(v); i++) /* (one from the messages: said again, once) */
		add_text(p, lang, view_voice_label(c, voices_at(v, i)));
	add_text(p, lang, content_language_name(c)); /* the picker says it in its own voice */
}

static int by_text_then_lang(const void *a, const void *b)
{
	const struct read_ahead_item *x = a, *y = b;
	int c = strcmp(x->text, y->text);

	return c ? c : (x->lang > y->lang) - (x->lang < y->lang);
}

static int by_text(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Each language's items in order, each text once per language; then every text once, sorted,
 * for is_fixed. */
static void sort_and_index(kiosk *p, size_t from, size_t lang)
{
	size_t unique = from;

	qsort(p->pre.items + from, p->pre.nitems - from, sizeof(*p->pre.items), by_text_then_lang);
	for (size_t i = from; i < p->pre.nitems; i++)
		if (unique == from || strcmp(p->pre.items[unique - 1].text, p->pre.items[i].text))
			p->pre.items[unique++] = p->pre.items[i];
	p->pre.nitems = unique;
	p->pre.lang_end[lang] = unique;
}

static void list_fixed_texts(kiosk *p)
{
	size_t unique = 0;

	p->pre.texts = calloc(p->pre.nitems + 1, sizeof(*p->pre.texts));
	if (!p->pre.texts)
		return;
	for (size_t i = 0; i < p->pre.nitems; i++)
		p->pre.texts[i] = p->pre.items[i].text;
	qsort(p->pre.texts, p->pre.nitems, sizeof(*p->pre.texts), by_text);
	for (size_t i = 0; i < p->pre.nitems; i++)
		if (!unique || strcmp(p->pre.texts[unique - 1], p->pre.texts[i]) != 0)
			p->pre.texts[unique++] = p->pre.texts[i];
	p->pre.ntexts = unique;
}

static void count_total(kiosk *p)
{
	size_t from = 0;

	p->pre.total = 0;
	for (size_t i = 0; i < languages_count(p->langs); i++) {
		if (p->pre.wanted[i])
			p->pre.total += (p->pre.lang_end[i] - from) * voice_count(p);
		from = p->pre.lang_end[i];
	}
}

void kiosk_prerender(kiosk *p)
{
	if (!p->nar || p->pre.texts)
		return;
	for (size_t lang = 0; lang < languages_count(p->langs); lang++) {
		size_t from = p->pre.nitems;

		add_language(p, lang);
		sort_and_index(p, from, lang);
	}
	list_fixed_texts(p);
	p->pre.wanted[p->start_lang] = 1;
	memset(p->pre.lang_next, 0, sizeof(p->pre.lang_next));
	count_total(p);
	kiosk_read_ahead_pump(p);
}

void kiosk_read_ahead_want(kiosk *p, size_t lang)
{
	if (lang >= LANGUAGES_MAX || p->pre.wanted[lang])
		return;
	p->pre.wanted[lang] = 1;
	if (!p->nar || !p->pre.texts)
		return; /* kiosk_prerender reads it */
	count_total(p);
	kiosk_read_ahead_pump(p);
}

void kiosk_read_ahead_again(kiosk *p)
{
	if (!p->pre.texts)
		return; /* not begun: kiosk_prerender reads the languages served now */
	free(p->pre.texts);
	free(p->pre.items);
	for (size_t i = 0; i < p->pre.nowned; i++)
		free(p->pre.owned[i]);
	free(p->pre.owned);
	p->pre.texts = NULL;
	p->pre.items = NULL;
	p->pre.owned = NULL;
	p->pre.ntexts = p->pre.nitems = p->pre.nowned = 0;
	p->pre.done = 0; /* (texts still in synthesis count again when they come back) */
	kiosk_prerender(p);
}

void kiosk_read_ahead_all(kiosk *p)
{
	for (size_t i = 0; i < languages_count(p->langs); i++)
		kiosk_read_ahead_want(p, i);
}

size_t kiosk_read_ahead_handed(const kiosk *p)
{
	size_t n = 0;

	for (size_t i = 0; i < LANGUAGES_MAX; i++)
		n += p->pre.lang_next[i];
	return n;
}

void kiosk_prerender_progress(const kiosk *p, size_t *done, size_t *total)
{
	*done = p->pre.done < p->pre.total ? p->pre.done : p->pre.total;
	*total = p->pre.total;
}
