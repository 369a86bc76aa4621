/* kiosk_narration: the texts a page may have read aloud, their delivery to the session as they
 * are made, and the fixed texts read into the cache at start-up. */
#include "kiosk_int.h"

#include "content_text.h"
#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void kiosk_texts_forget(kiosk_session *s)
{
	for (size_t i = 0; i < s->ntexts; i++) {
		free(s->texts[i].id);
		free(s->texts[i].text);
	}
	free(s->texts);
	s->texts = NULL;
	s->ntexts = 0;
}

/* Every {"id","text"} object in the page description: the texts narration may read. */
void kiosk_texts_remember(kiosk_session *s, const cJSON *node)
{
	const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(node, "id"));
	const char *text = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(node, "text"));
	const cJSON *child;

	if (id && text && strlen(id) < TEXT_ID_LEN) {
		page_text *t = realloc(s->texts, (s->ntexts + 1) * sizeof(*t));

		if (t) {
			s->texts = t;
			t[s->ntexts].id = strdup(id);
			t[s->ntexts].text = strdup(text);
			t[s->ntexts].is_private =
			    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(node, "private"));
			t[s->ntexts].kept = 0;
			if (t[s->ntexts].id && t[s->ntexts].text)
				s->ntexts++;
			else {
				free(t[s->ntexts].id);
				free(t[s->ntexts].text);
			}
		}
	}
	cJSON_ArrayForEach(child, node)
	{
		if (cJSON_IsObject(child) || cJSON_IsArray(child))
			kiosk_texts_remember(s, child);
	}
}

#define FILLED_BLANKS 4 /* blanks a message filled from its id may have */
#define FILLED_DIGITS 6 /* digits in each value */

/* A message with its blanks filled from the id: "timeout.body?seconds=30" (what follows "msg/";
 * values joined with &). Each key must be a blank of the message, given once; every blank must be
 * filled; each value is 1 to FILLED_DIGITS digits. Anything else, or a message without blanks
 * asked for this way, is NULL. Returns a malloc'd text. */
static char *filled_message(const content *c, const char *name_and_values)
{
	const char *q = strchr(name_and_values, '?'), *text, *t, *open, *close;
	char name[TEXT_ID_LEN], keys[FILLED_BLANKS][TEXT_ID_LEN];
	char values[FILLED_BLANKS][FILLED_DIGITS + 1];
	const char *kv[2 * FILLED_BLANKS + 1];
	int used[FILLED_BLANKS] = {0};
	size_t n = 0;

	if (!q || (size_t)(q - name_and_values) >= sizeof(name))
		return NULL;
	snprintf(name, sizeof(name), "%.*s", (int)(q - name_and_values), name_and_values);
	if (!(text = content_message(c, name)))
		return NULL;
	for (t = q + 1;;) {
		size_t klen = strcspn(t, "=&"), vlen;

		if (n == FILLED_BLANKS || klen == 0 || klen >= TEXT_ID_LEN || t[klen] != '=')
			return NULL;
		vlen = strspn(t + klen + 1, "0123456789");
		if (vlen < 1 || vlen > FILLED_DIGITS)
			return NULL;
		snprintf(keys[n], sizeof(keys[n]), "%.*s", (int)klen, t);
		snprintf(values[n], sizeof(values[n]), "%.*s", (int)vlen, t + klen + 1);
		for (size_t k = 0; k < n; k++)
			if (strcmp(keys[k], keys[n]) == 0)
				return NULL;
		kv[2 * n] = keys[n];
		kv[2 * n + 1] = values[n];
		n++;
		t += klen + 1 + vlen;
		if (!*t)
			break;
		if (*t++ != '&')
			return NULL;
	}
	kv[2 * n] = NULL;
	/* Every blank filled, and every key a blank: the blanks as content_fill finds them, "{" to
	 * the next "}". */
	for (open = strchr(text, '{'); open && (close = strchr(open, '}'));
	     open = strchr(close, '{')) {
		size_t k = 0, len = (size_t)(close - open - 1);

		while (k < n && (strlen(keys[k]) != len || strncmp(keys[k], open + 1, len) != 0))
			k++;
		if (k == n)
			return NULL;
		used[k] = 1;
	}
	for (size_t k = 0; k < n; k++)
		if (!used[k])
			return NULL;
	return content_fill(c, name, kv);
}

/* The person's answer on its own page, as stored now: it changes as they type, and the page is
 * not drawn again for that ("saved" says it is stored), so the text drawn with the page is old. */
static void refresh_own_answer(kiosk_session *s, page_text *t)
{
	const content_page *pg = content_page_at(s->c, s->page);
	plan_answers pa;
	char *now = NULL;

	if ((pg->kind != KIND_TEXT && pg->kind != KIND_LONG_TEXT && pg->kind != KIND_REVIEW &&
	     pg->kind != KIND_NOT_AGREED) ||
	    strncmp(t->id, "answer/", 7) != 0 || strcmp(t->id + 7, pg->id) != 0)
		return;
	if (kiosk_answers_load(s, &pa) == 0) {
		const char *v = plan_answers_get(&pa, pg->id, 0, "");

		now = strdup(v ? v : "");
	}
	plan_answers_release(&pa);
	if (now) {
		free(t->text);
		t->text = now;
	}
}

/* The person's answer in a field of the list entry being edited on the page last shown
 * ("answer/<page>/<entry>/<field>"), as stored now: the page drew it as it was, and as they type
 * it changes (an empty field has no text on the page at all). A malloc'd string; NULL when id
 * names no field of that entry. */
static char *editing_answer(kiosk_session *s, const char *id)
{
	const content_page *pg = content_page_at(s->c, s->page);
	char want[TEXT_ID_LEN];
	plan_answers pa;
	char *text = NULL;

	if (pg->kind != KIND_LIST || !s->editing)
		return NULL;
	for (size_t f = 0; f < pg->nfields; f++) {
		int n = snprintf(want, sizeof(want), "answer/%s/%lld/%s", pg->id, s->editing,
				 pg->fields[f].name);

		if (n < 0 || (size_t)n >= sizeof(want) || strcmp(want, id) != 0)
			continue;
		if (kiosk_answers_load(s, &pa) == 0) {
			const char *v =
			    plan_answers_get(&pa, pg->id, s->editing, pg->fields[f].name);

			text = v ? content_field_text(s->c, &pg->fields[f], v) : NULL;
			if (!text)
				text = strdup(v ? v : "");
		}
		plan_answers_release(&pa);
		break;
	}
	return text;
}

/* Keeps text (malloc'd, taken) for id with the page's texts, in place of the one kept before, so
 * that it stays valid until the next call or the next page (narrator_say copies it at once). */
static const char *kept_text(kiosk_session *s, const char *id, char *text, int is_private)
{
	char *fid = text ? strdup(id) : NULL;
	page_text *last = s->ntexts ? &s->texts[s->ntexts - 1] : NULL;

	if (fid && !(last && last->kept)) {
		last = realloc(s->texts, (s->ntexts + 1) * sizeof(*last));
		if (last) {
			s->texts = last;
			last = &s->texts[s->ntexts++];
			*last = (page_text){.kept = 1};
		}
	}
	if (!fid || !last) {
		free(fid);
		free(text);
		return NULL;
	}
	free(last->id);
	free(last->text);
	last->id = fid;
	last->text = text;
	last->is_private = is_private;
	return text;
}

/* Is ch one character of the language's keyboard.alphabet (the keys of its own letters)? */
static int in_alphabet(const content *c, const char *ch)
{
	const char *abc = content_message(c, "keyboard.alphabet");
	size_t n;

	if (!abc || !*ch)
		return 0;
	utf8_decode(ch, &n);
	if (ch[n] != '\0')
		return 0;
	for (const char *at = strstr(abc, ch); at; at = strstr(at + 1, ch))
		if ((((unsigned char)at[n]) & 0xC0) != 0x80) /* not the start of a longer one */
			return 1;
	return 0;
}

/* The text for id: a voice's label (voice/<name>); one on the page last shown (the person's answer
 * on its own page, or in the list entry being edited, as stored now; *is_private as the page
 * description said, or as the page's content says for an entry's answer), any message of the
 * content that has no blanks to fill ("Saved", error messages, button labels), or a message with
 * its blanks filled from the id (filled_message). Only narratable() calls it. */
static const char *page_text_of(kiosk_session *s, const char *id, int *is_private)
{
	const char *t;
	char *now;

	if (strlen(id) >= TEXT_ID_LEN)
		return NULL;
	for (size_t i = 0; i < s->ntexts; i++)
		if (strcmp(s->texts[i].id, id) == 0) {
			refresh_own_answer(s, &s->texts[i]);
			*is_private = s->texts[i].is_private;
			if ((now = editing_answer(s, id))) {
				free(s->texts[i].text);
				s->texts[i].text = now;
			}
			return s->texts[i].text;
		}
	if (strncmp(id, "answer/", 7) == 0) {
		*is_private = content_page_at(s->c, s->page)->private_answers;
		return kept_text(s, id, editing_answer(s, id), *is_private);
	}
	if (strncmp(id, "voice/", 6) == 0) { /* a voice's label (hello.voices), on any page */
		const voice_profile *vp =
		    s->p->nar ? voices_find(narrator_voices(s->p->nar), id + 6) : NULL;

		return vp ? view_voice_label(s->c, vp) : NULL;
	}
	if (strncmp(id, "lang/", 5) == 0) { /* a language's name, in itself (hello.languages) */
		const content *c = languages_find(s->p->langs, id + 5);

		return c ? content_language_name(c) : NULL;
	}
	if (strncmp(id, "char/", 5) == 0) /* a key of the language's own letters, said as it is */
		return in_alphabet(s->c, id + 5) ? kept_text(s, id, strdup(id + 5), 0) : NULL;
	if (strncmp(id, "word/", 5) == 0) /* a word of the content, offered as the person types */
		return vocab_find(s->p->words[s->lang], id + 5);
	if (strncmp(id, "msg/", 4) != 0)
		return NULL;
	if (!strchr(id, '?'))
		return (t = content_message(s->c, id + 4)) && !strchr(t, '{') ? t : NULL;
	return kept_text(s, id, filled_message(s->c, id + 4), 0);
}

/* The text narration may read aloud for id, or NULL with *why the failure's code: "unknown-text"
 * (not on the page shown, nor a message), or "private" (the code, a private answer, a name: not
 * read aloud unless this session said it has headphones or the person chose to hear it). Every
 * id narration reads comes through here, so no text reaches the voice without this check. */
static const char *narratable(kiosk_session *s, const char *id, const char **why)
{
	int is_private = 0;
	const char *t = page_text_of(s, id, &is_private);

	*why = !t ? "unknown-text" : is_private && !s->private_aloud ? "private" : NULL;
	return *why ? NULL : t;
}

/* ---- narration ---- */

/* A narration goes out as `narration` (which text, how it sounds), then its audio in one or more
 * binary frames (a 4-byte little-endian n, then 16-bit little-endian PCM) with, before a frame,
 * `narration_words` for each sentence finished, then `narration_end` (how long, and all the
 * words' timings). Frames carry n because a cached text's three messages
 * may go out between the frames of one still being made. They go out at once, unheld. */
static cJSON *narration_msg(const pending_narration *pn, const char *type)
{
	cJSON *m = cJSON_CreateObject();

	if (!m)
		return NULL;
	cJSON_AddStringToObject(m, "type", type);
	message_add_seq(m, pn->seq);
	cJSON_AddStringToObject(m, "id", pn->id);
	cJSON_AddNumberToObject(m, "n", (double)(uint32_t)pn->tag);
	return m;
}

static void send_now(kiosk_session *s, cJSON *m)
{
	char *text = m ? cJSON_PrintUnformatted(m) : NULL;

	if (text)
		s->p->io.send(s->conn, text, strlen(text), 0);
	free(text);
	cJSON_Delete(m);
}

/* A narration that failed: no sound now, or (busy) too much waits for the voice. */
static void say_no_sound(kiosk_session *s, cJSON *m, int busy)
{
	char *msg = content_fill(s->c, busy ? "error.busy" : "error.no-sound", NULL);

	cJSON_AddBoolToObject(m, "failed", 1);
	if (busy)
		cJSON_AddStringToObject(m, "code", "busy");
	cJSON_AddStringToObject(m, "message", msg ? msg : "");
	free(msg);
}

static void add_words(cJSON *m, const narration *r)
{
	cJSON *words = cJSON_AddArrayToObject(m, "words");

	for (size_t i = 0; i < r->word_count; i++) {
		const double w[3] = {r->words[i].start, r->words[i].length, r->words[i].ms};

		cJSON_AddItemToArray(words, cJSON_CreateDoubleArray(w, 3));
	}
}

/* A whole narration (from the cache) says its words at once, so the page highlights from the
 * first word; a streamed one's come sentence by sentence (narration_words), and all of them
 * again with narration_end. */
static void narration_start(kiosk_session *s, pending_narration *pn, const narration *r)
{
	cJSON *m = narration_msg(pn, "narration");

	pn->started = 1;
	if (!m)
		return;
	cJSON_AddStringToObject(m, "voice", pn->voice);
	cJSON_AddStringToObject(m, "speed", pn->speed);
	cJSON_AddStringToObject(m, "lang", pn->lang);
	cJSON_AddNumberToObject(m, "sample_rate", r->sample_rate);
	cJSON_AddBoolToObject(m, "cached", r->cached);
	if (!r->piece)
		add_words(m, r);
	send_now(s, m);
}

/* Audio goes out in frames of at most this many samples (1.5 s at 22050 Hz, 64 KiB): the loop
 * then writes one frame to a connection per turn, between other people's saves, instead of half
 * a megabyte at once; and each frame's memory comes from the heap already in use. */
#define FRAME_SAMPLES 32768

static void narration_audio(kiosk_session *s, pending_narration *pn, const int16_t *samples,
			    size_t count)
{
	const uint32_t n = (uint32_t)pn->tag;
	const unsigned char head[4] = {n & 0xFF, (n >> 8) & 0xFF, (n >> 16) & 0xFF, n >> 24};

	while (count) {
		size_t k = count < FRAME_SAMPLES ? count : FRAME_SAMPLES;

		if (s->p->io.send_binary(s->conn, head, sizeof(head), samples,
					 k * sizeof(*samples)))
			return;
		pn->sent += k;
		samples += k;
		count -= k;
	}
}

/* The words of the sentences a streamed narration has finished since its last frame: the page
 * can highlight them before narration_end, which may be seconds away on a busy server. */
static void narration_words(kiosk_session *s, const pending_narration *pn, const narration *r)
{
	cJSON *m = narration_msg(pn, "narration_words");

	if (!m)
		return;
	add_words(m, r);
	send_now(s, m);
}

static void narration_end(kiosk_session *s, const pending_narration *pn, const narration *r)
{
	cJSON *m = narration_msg(pn, "narration_end");

	if (!m)
		return;
	cJSON_AddNumberToObject(m, "samples", (double)r->sample_count);
	cJSON_AddNumberToObject(m, "duration_ms",
				(double)r->sample_count * 1000.0 /
				    (r->sample_rate ? r->sample_rate : 1));
	add_words(m, r);
	send_now(s, m);
}

/* Sound or not, from where, and how long until its first audio went. */
static void count_narration(kiosk_stats *st, const pending_narration *pn, const narration *r)
{
	if (r->failed) {
		if (r->busy)
			st->narrations_busy++;
		else
			st->narrations_failed++;
		return;
	}
	if (!pn->started)
		metrics_observe(&st->first_audio_seconds,
				(double)(kiosk_monotonic_ns() - pn->asked_ns) / 1e9);
	if (!r->piece) {
		if (r->cached)
			st->narrations_cached++;
		else
			st->narrations_made++;
	}
}

static pending_narration *find_narration(kiosk_session *s, uint64_t tag)
{
	for (size_t i = 0; i < s->nnarrations; i++)
		if (s->narrations[i].tag == tag)
			return &s->narrations[i];
	return NULL;
}

/* A piece of a narration's audio, or the whole narration (cached, finished or failed): what
 * the page has not had yet goes out. A piece after one that was lost (memory ran short) waits
 * for the finished narration, which has all the audio. */
static void deliver_narration(kiosk_session *s, const narration *r)
{
	pending_narration *pn = find_narration(s, r->tag);
	cJSON *m;

	if (!pn)
		return;
	count_narration(&s->p->stats, pn, r);
	if (r->failed || !s->p->io.send_binary) {
		m = narration_msg(pn, pn->started ? "narration_end" : "narration");
		if (m)
			say_no_sound(s, m, r->busy);
		send_now(s, m);
	} else {
		if (!pn->started)
			narration_start(s, pn, r);
		if (r->piece && r->word_count && r->first_sample <= pn->sent)
			narration_words(s, pn, r);
		if (r->first_sample <= pn->sent && pn->sent < r->first_sample + r->sample_count)
			narration_audio(s, pn, r->samples + (pn->sent - r->first_sample),
					r->sample_count - (pn->sent - r->first_sample));
		if (r->piece)
			return;
		narration_end(s, pn, r);
	}
	*pn = s->narrations[--s->nnarrations];
}

/* The language text id is read in (a place in p->langs): the session's, but a language's name
 * (lang/<tag>) in that language's own voice. */
static size_t language_for(const kiosk_session *s, const char *id)
{
	int lang = strncmp(id, "lang/", 5) == 0 ? languages_index(s->p->langs, id + 5) : -1;

	return lang >= 0 ? (size_t)lang : s->lang;
}

/* Hands one narratable text to the narrator as pending narration id of request seq. */
static int queue_narration(kiosk_session *s, long long seq, const char *id, const char *voice,
			   const char *speed, const char *text, int flags)
{
	pending_narration *pn = &s->narrations[s->nnarrations];
	char err[128];

	*pn =
	    (pending_narration){.tag = ++s->next_tag, .seq = seq, .asked_ns = kiosk_monotonic_ns()};
	snprintf(pn->id, sizeof(pn->id), "%s", id);
	snprintf(pn->voice, sizeof(pn->voice), "%s", voice);
	snprintf(pn->speed, sizeof(pn->speed), "%s", speed);
	snprintf(pn->lang, sizeof(pn->lang), "%s",
		 content_lang(languages_at(s->p->langs, language_for(s, id))));
	s->nnarrations++;
	if (!(flags & NARRATE_UNCACHED) && !kiosk_is_fixed(s->p, text))
		flags |= NARRATE_PERSONAL;
	if (narrator_set_group(s->p->nar, s, s->addr) ||
	    narrator_say(s->p->nar, s, pn->tag, voice, speed, &s->p->speech[language_for(s, id)],
			 text, flags, err, sizeof(err))) {
		s->nnarrations--;
		return kiosk_fail(s, "busy");
	}
	return 0;
}

/* The checks every narrate passes after its texts: a voice, a known voice and speed, room. */
static int can_narrate(kiosk_session *s, const char *voice, const char *speed, size_t n)
{
	if (!s->p->nar)
		return kiosk_fail(s, "no-sound");
	if (!narrator_has_voice(s->p->nar, voice) || !narrate_speed_valid(speed))
		return kiosk_fail(s, "bad-voice");
	if (s->nnarrations + n > MAX_NARRATIONS)
		return kiosk_fail(s, "busy");
	return 0;
}

#define TYPED_ID	"typed"
#define TYPED_MAX_CHARS 40
#define TYPED_MAX_BYTES (4 * TYPED_MAX_CHARS)

/* A word the person just typed, said back to them ({"ids":["typed"],"typed":"word"}: key echo of
 * whole words, docs/narration.md). It is their own words, so: only on a page they type on now;
 * private where their answers are (and on the code page) unless they have headphones or
 * consented; one word of 1 to 40 characters; never kept in the audio cache, on disk or in
 * memory, and never logged. */
static int narrate_typed(kiosk_session *s, const cJSON *ids, const char *word, const char *voice,
			 const char *speed, long long seq)
{
	const content_page *pg = content_page_at(s->c, s->page);
	const char *only = cJSON_GetStringValue(cJSON_GetArrayItem(ids, 0));
	size_t len = strlen(word);
	int typing = pg->kind == KIND_TEXT || pg->kind == KIND_LONG_TEXT ||
		     pg->kind == KIND_REVIEW || pg->kind == KIND_NOT_AGREED ||
		     pg->kind == KIND_CODE || (pg->kind == KIND_LIST && s->editing);

	if (cJSON_GetArraySize(ids) != 1 || !only || strcmp(only, TYPED_ID) != 0)
		return kiosk_fail(s, "bad-message");
	if (len == 0 || len > TYPED_MAX_BYTES || !utf8_valid(word, len) ||
	    utf8_chars(word, len) > TYPED_MAX_CHARS || utf8_has_space(word, len))
		return kiosk_fail(s, "bad-word");
	if (!typing)
		return kiosk_fail(s, "unknown-text");
	if ((pg->private_answers || pg->kind == KIND_CODE) && !s->private_aloud)
		return kiosk_fail(s, "private");
	if (can_narrate(s, voice, speed, 1))
		return -1;
	return queue_narration(s, seq, TYPED_ID, voice, speed, word,
			       NARRATE_STREAM | NARRATE_UNCACHED);
}

int kiosk_handle_narrate(void *sv, const cJSON *m, long long seq)
{
	kiosk_session *s = sv;
	const cJSON *ids = cJSON_GetObjectItemCaseSensitive(m, "ids"), *id;
	const cJSON *typed = cJSON_GetObjectItemCaseSensitive(m, "typed");
	const char *voice = message_str(m, "voice"), *speed = message_str(m, "speed");
	int n = cJSON_GetArraySize(ids);

	if (!cJSON_IsArray(ids) || n < 1 || n > MAX_NARRATIONS || !voice || !speed ||
	    (typed && !cJSON_IsString(typed)))
		return kiosk_fail(s, "bad-message");
	kiosk_resume_seen(s);
	if (typed)
		return narrate_typed(s, ids, typed->valuestring, voice, speed, seq);
	cJSON_ArrayForEach(id, ids)
	{
		const char *why;

		if (!cJSON_IsString(id))
			return kiosk_fail(s, "bad-message");
		if (!narratable(s, id->valuestring, &why))
			return kiosk_fail(s, why);
	}
	if (can_narrate(s, voice, speed, (size_t)n))
		return -1;
	cJSON_ArrayForEach(id, ids)
	{
		const char *why;

		if (queue_narration(s, seq, id->valuestring, voice, speed,
				    narratable(s, id->valuestring, &why), NARRATE_STREAM))
			return -1;
	}
	return 0;
}

int kiosk_handle_narrate_stop(void *sv, const cJSON *m, long long seq)
{
	kiosk_session *s = sv;

	(void)m;
	(void)seq;
	kiosk_resume_seen(s);
	if (s->p->nar)
		narrator_stop(s->p->nar, s);
	s->nnarrations = 0;
	return 0;
}

/* {"type":"listening","headphones":true|false} or {"type":"listening","consent":true}: whether
 * private texts may be read aloud to this session (kept in the session only, never stored).
 * Replies {"type":"listening","private_aloud":...}. */
int kiosk_handle_listening(void *sv, const cJSON *m, long long seq)
{
	kiosk_session *s = sv;
	const cJSON *headphones = cJSON_GetObjectItemCaseSensitive(m, "headphones");
	const cJSON *consent = cJSON_GetObjectItemCaseSensitive(m, "consent");
	cJSON *r;

	if (cJSON_IsBool(headphones) == cJSON_IsBool(consent) ||
	    (consent && !cJSON_IsTrue(consent)))
		return kiosk_fail(s, "bad-message");
	s->private_aloud = headphones ? cJSON_IsTrue(headphones) : 1;
	r = cJSON_CreateObject();
	if (!r)
		return 0;
	cJSON_AddStringToObject(r, "type", "listening");
	message_add_seq(r, seq);
	cJSON_AddBoolToObject(r, "private_aloud", s->private_aloud);
	kiosk_reply(s, r, 0);
	return 0;
}

void kiosk_narrations_ready(kiosk *p)
{
	narration *r;

	if (!p->nar)
		return;
	while ((r = narrator_poll(p->nar))) {
		if (r->owner == p) { /* a fixed text read at start-up: now in the cache */
			p->pre.outstanding--;
			p->pre.done++;
		} else {
			/* The owner is a live session: a closed session's narrations are forgotten.
			 */
			deliver_narration(r->owner, r);
		}
		narration_free(r);
	}
	kiosk_read_ahead_pump(p);
}

void kiosk_set_narrator(kiosk *p, narrator *n)
{
	p->nar = n;
	if (!n)
		p->pre.total = kiosk_read_ahead_handed(p); /* nothing more to read */
}
