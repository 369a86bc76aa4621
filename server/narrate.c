#include "narrate.h"

#include "buf.h"
#include "cache.h"
#include "tts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_JOBS 256
#define CACHE_MAGIC 0x314e4150u /* "PAN1" */

static const struct {
	const char *name;
	int percent; /* of the voice's normal rate */
} speeds[] = { { "slower", 75 }, { "normal", 100 }, { "faster", 130 } };

typedef struct job {
	struct job *next;
	uint64_t id;
	void *owner;
	uint64_t tag;
	speech sp;
	buf key;
} job;

struct narrator {
	const voices *v;
	cache *c;
	tts *t;
	job *jobs;
	uint64_t next_id;
};

int narrate_speed_valid(const char *speed)
{
	for (size_t i = 0; i < sizeof(speeds) / sizeof(*speeds); i++)
		if (strcmp(speeds[i].name, speed) == 0)
			return 1;
	return 0;
}

const char *const narrate_speeds[] = { "slower", "normal", "faster", NULL };

const voices *narrator_voices(const narrator *n)
{
	return n->v;
}

int narrator_has_voice(const narrator *n, const char *voice)
{
	return voices_find(n->v, voice) != NULL;
}

static int speed_percent(const char *speed)
{
	for (size_t i = 0; i < sizeof(speeds) / sizeof(*speeds); i++)
		if (strcmp(speeds[i].name, speed) == 0)
			return speeds[i].percent;
	return 100;
}

narrator *narrator_open(const voices *v, const char *cache_dir, size_t cache_bytes,
			void (*wake)(void *ctx), void *wake_ctx, char *err, size_t errlen)
{
	narrator *n = calloc(1, sizeof(*n));

	if (!n) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	n->v = v;
	n->c = cache_open(cache_dir, cache_bytes, err, errlen);
	if (!n->c)
		goto fail;
	n->t = tts_open(wake, wake_ctx, MAX_JOBS, err, errlen);
	if (!n->t)
		goto fail;
	return n;
fail:
	narrator_close(n);
	return NULL;
}

static void job_free(job *j)
{
	speech_release(&j->sp);
	buf_release(&j->key);
	free(j);
}

void narrator_close(narrator *n)
{
	if (!n)
		return;
	tts_close(n->t);
	while (n->jobs) {
		job *j = n->jobs;

		n->jobs = j->next;
		job_free(j);
	}
	cache_close(n->c);
	free(n);
}

void narration_free(narration *r)
{
	if (!r)
		return;
	free(r->samples);
	free(r->words);
	free(r);
}

/* ---- the cache's value: a header, the words, the samples (this machine's byte order) ---- */

typedef struct cached_header {
	uint32_t magic, sample_rate, word_count, sample_count;
} cached_header;

static int serialise(const narration *r, buf *out)
{
	cached_header h = { CACHE_MAGIC, (uint32_t)r->sample_rate, (uint32_t)r->word_count,
			    (uint32_t)r->sample_count };

	return buf_append(out, &h, sizeof(h)) ||
	       buf_append(out, r->words, r->word_count * sizeof(*r->words)) ||
	       buf_append(out, r->samples, r->sample_count * sizeof(*r->samples));
}

static narration *deserialise(const buf *b)
{
	cached_header h;
	narration *r;
	size_t words_bytes, samples_bytes;

	if (b->len < sizeof(h))
		return NULL;
	memcpy(&h, b->data, sizeof(h));
	words_bytes = (size_t)h.word_count * sizeof(narration_word);
	samples_bytes = (size_t)h.sample_count * sizeof(int16_t);
	if (h.magic != CACHE_MAGIC || b->len != sizeof(h) + words_bytes + samples_bytes)
		return NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->sample_rate = (int)h.sample_rate;
	r->word_count = h.word_count;
	r->sample_count = h.sample_count;
	r->words = malloc(words_bytes ? words_bytes : 1);
	r->samples = malloc(samples_bytes ? samples_bytes : 1);
	if (!r->words || !r->samples) {
		narration_free(r);
		return NULL;
	}
	memcpy(r->words, b->data + sizeof(h), words_bytes);
	memcpy(r->samples, b->data + sizeof(h) + words_bytes, samples_bytes);
	r->cached = 1;
	return r;
}

int narrator_say(narrator *n, void *owner, uint64_t tag, const char *voice, const char *speed,
		 const char *text, int stream, narration **done, char *err, size_t errlen)
{
	const voice_profile *p = voices_find(n->v, voice);
	tts_request req;
	buf value = BUF_INIT;
	job *j;

	*done = NULL;
	if (!p || !narrate_speed_valid(speed)) {
		snprintf(err, errlen, "unknown voice or speed");
		return -1;
	}
	j = calloc(1, sizeof(*j));
	if (!j || voices_speech(n->v, text, &j->sp) ||
	    buf_printf(&j->key, "v1|%s|%s|%s", p->name, speed, j->sp.text)) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (cache_get(n->c, j->key.data, j->key.len, &value) == 0 && (*done = deserialise(&value))) {
		(*done)->owner = owner;
		(*done)->tag = tag;
		buf_release(&value);
		job_free(j);
		return 0;
	}
	buf_release(&value);
	tts_request_init(&req);
	req.id = j->id = ++n->next_id;
	req.owner = owner;
	req.language = p->language;
	req.gender = p->male ? TTS_GENDER_MALE : TTS_GENDER_FEMALE;
	req.rate = p->rate * speed_percent(speed) / 100;
	req.pitch = p->pitch;
	req.text = j->sp.text;
	req.stream = stream;
	if (tts_submit(n->t, &req, err, errlen))
		goto fail;
	j->owner = owner;
	j->tag = tag;
	j->next = n->jobs;
	n->jobs = j;
	return 0;
fail:
	if (j)
		job_free(j);
	return -1;
}

/* The job a result belongs to, taken off the list when take is 1; NULL when it was forgotten. */
static job *find_job(narrator *n, uint64_t id, int take)
{
	for (job **pp = &n->jobs; *pp; pp = &(*pp)->next)
		if ((*pp)->id == id) {
			job *j = *pp;

			if (take)
				*pp = j->next;
			return j;
		}
	return NULL;
}

/* A piece of audio still being made: the samples move over. */
static narration *piece_of(const job *j, tts_result *tr)
{
	narration *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->owner = j->owner;
	r->tag = j->tag;
	r->piece = 1;
	r->first_sample = tr->first_sample;
	r->sample_rate = tr->sample_rate;
	r->samples = tr->samples;
	r->sample_count = tr->sample_count;
	tr->samples = NULL;
	return r;
}

narration *narrator_poll(narrator *n)
{
	tts_result *tr;

	while ((tr = tts_poll(n->t))) {
		job *j = find_job(n, tr->id, !tr->piece);
		narration *r;
		buf value = BUF_INIT;

		if (!j) {
			tts_result_free(tr);
			continue;
		}
		if (tr->piece) {
			r = piece_of(j, tr);
			tts_result_free(tr);
			if (r)
				return r;
			continue; /* out of memory: the audio comes with the finished narration */
		}
		r = calloc(1, sizeof(*r));
		if (!r) {
			tts_result_free(tr);
			job_free(j);
			continue;
		}
		r->owner = j->owner;
		r->tag = j->tag;
		r->failed = tr->failed;
		r->sample_rate = tr->sample_rate;
		if (!tr->failed) {
			/* The samples move over; word places go from spoken to shown characters. */
			r->samples = tr->samples;
			r->sample_count = tr->sample_count;
			r->streamed = tr->streamed;
			tr->samples = NULL;
			r->words = calloc(tr->word_count ? tr->word_count : 1, sizeof(*r->words));
			if (!r->words) {
				r->failed = 1;
			} else {
				for (size_t i = 0; i < tr->word_count; i++) {
					size_t w, wl;

					speech_to_written(&j->sp, tr->words[i].start, tr->words[i].length,
							  &w, &wl);
					r->words[i] = (narration_word){ (uint32_t)w, (uint32_t)wl,
									tr->words[i].audio_ms };
				}
				r->word_count = tr->word_count;
				if (serialise(r, &value) == 0)
					cache_put(n->c, j->key.data, j->key.len, value.data, value.len);
				buf_release(&value);
			}
		}
		tts_result_free(tr);
		job_free(j);
		return r;
	}
	return NULL;
}

void narrator_forget(narrator *n, void *owner)
{
	tts_forget(n->t, owner);
	for (job **pp = &n->jobs; *pp;) {
		job *j = *pp;

		if (j->owner == owner) {
			*pp = j->next;
			job_free(j);
		} else {
			pp = &j->next;
		}
	}
}
