#include "tts_job.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tts_result_fail(tts_result *r, const char *why)
{
	r->failed = 1;
	snprintf(r->err, sizeof(r->err), "%s", why);
}

int job_add_words(job *j, const tts_word *w, size_t n, size_t cp, unsigned int ms)
{
	tts_word *all = realloc(j->words, (j->word_count + n + 1) * sizeof(*all));

	if (!all)
		return -1;
	j->words = all;
	for (size_t i = 0; i < n; i++) {
		all[j->word_count + i] = w[i];
		all[j->word_count + i].start += cp;
		all[j->word_count + i].audio_ms += ms;
	}
	j->word_count += n;
	return 0;
}

void job_list_push(job_list *l, job *j)
{
	j->next = NULL;
	if (l->tail)
		l->tail->next = j;
	else
		l->head = j;
	l->tail = j;
}

job *job_list_pop(job_list *l)
{
	job *j = l->head;

	if (j) {
		l->head = j->next;
		if (!l->head)
			l->tail = NULL;
		j->next = NULL;
	}
	return j;
}

void tts_result_free(tts_result *r)
{
	if (!r)
		return;
	free(r->text);
	free(r->samples);
	free(r->words);
	free(r);
}

void job_free(job *j)
{
	if (!j)
		return;
	tts_result_free(j->result);
	free(j->cap.pcm);
	free(j->cap.raw);
	free(j->words);
	free(j);
}

void job_list_remove(job_list *l, job *j)
{
	job *prev = NULL;

	for (job *k = l->head; k; prev = k, k = k->next) {
		if (k != j)
			continue;
		if (prev)
			prev->next = j->next;
		else
			l->head = j->next;
		if (l->tail == j)
			l->tail = prev;
		j->next = NULL;
		return;
	}
}

size_t job_list_drop_owner(job_list *l, const void *owner, const job *keep)
{
	job **pp = &l->head, *last = NULL;
	size_t n = 0;

	while (*pp) {
		job *j = *pp;

		if (j != keep && j->result->owner == owner) {
			*pp = j->next;
			n += !j->piece; /* pieces are not counted in held */
			job_free(j);
		} else {
			last = j;
			pp = &j->next;
		}
	}
	l->tail = last;
	return n;
}

void job_list_free(job_list *l)
{
	job *j;

	while ((j = job_list_pop(l)))
		job_free(j);
}

job *job_new(const tts_request *req, uint64_t now_ns, const char *language, size_t text_len)
{
	job *j = calloc(1, sizeof(*j));
	tts_result *r = calloc(1, sizeof(*r));
	char *text = malloc(text_len + 1);

	if (!j || !r || !text) {
		free(j);
		free(r);
		free(text);
		return NULL;
	}
	memcpy(text, req->text, text_len);
	text[text_len] = '\0';
	snprintf(j->language, sizeof(j->language), "%s", language);
	j->gender = (int)req->gender;
	j->variant = req->variant;
	j->rate = req->rate;
	j->gap = req->gap;
	j->pitch = req->pitch;
	j->volume = req->volume;
	j->text_len = text_len;
	j->stream = req->stream != 0;
	atomic_init(&j->abandon, 0);
	j->submitted_ns = now_ns;
	r->id = req->id;
	r->owner = req->owner;
	r->text = text;
	j->result = r;
	return j;
}
