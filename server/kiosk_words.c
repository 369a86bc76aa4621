/* kiosk_words: the words the on-screen keyboard offers as the person types (docs/protocol.md,
 * "Word prediction"): the content's, gathered once and sent in hello, and the person's own, from
 * the answers of their plan, sent with each page that has a box to type in. */
#include "kiosk_int.h"

#include <stdio.h>
#include <string.h>

#define CONTENT_WORDS_MAX 4000 /* more than the content has; hello stays well under its limit */
#define OWN_WORDS_MAX	  300  /* the person's own, most used first */

vocab *kiosk_words_of_content(const content *c)
{
	vocab *v = vocab_new(CONTENT_WORDS_MAX);
	int rc = v ? 0 : -1;

	for (size_t i = 0; v && rc == 0 && i < content_page_count(c); i++) {
		const content_page *pg = content_page_at(c, i);

		rc |= vocab_add_text(v, pg->title);
		for (size_t k = 0; k < pg->nsay; k++)
			rc |= vocab_add_text(v, pg->say[k]);
		if (pg->ask)
			rc |= vocab_add_text(v, pg->ask);
		if (pg->hint)
			rc |= vocab_add_text(v, pg->hint);
		for (size_t k = 0; k < pg->noptions; k++)
			rc |= vocab_add_text(v, pg->options[k].text);
		for (size_t k = 0; k < pg->nfields; k++)
			rc |= vocab_add_text(v, pg->fields[k].label);
	}
	if (rc) {
		vocab_free(v);
		return NULL;
	}
	vocab_sort(v);
	return v;
}

/* A page with a box the person types words in. */
static int takes_words(const content_page *pg, long long editing)
{
	return pg->kind == KIND_TEXT || pg->kind == KIND_LONG_TEXT || pg->kind == KIND_REVIEW ||
	       pg->kind == KIND_NOT_AGREED || (pg->kind == KIND_LIST && editing);
}

int kiosk_words_add_own(const kiosk_session *s, const content_page *pg, const plan_answers *pa,
			long long editing, cJSON *msg)
{
	cJSON *page = cJSON_GetObjectItemCaseSensitive(msg, "page"), *list;
	vocab *v = NULL;
	int rc = -1;

	if (!takes_words(pg, editing) || !cJSON_IsObject(page))
		return 0;
	if (!(v = vocab_new(OWN_WORDS_MAX)))
		goto out;
	for (size_t i = 0; i < pa->n; i++) {
		const content_page *from = content_page_find(s->c, pa->a[i].page, NULL);

		/* Only words the person typed (not the value of an option they chose), and never
		 * those of a private answer (a name, about being hurt). */
		if (!from || from->private_answers || !takes_words(from, pa->a[i].item))
			continue;
		if (vocab_add_text(v, pa->a[i].value))
			goto out;
	}
	vocab_sort(v);
	if (!(list = cJSON_AddArrayToObject(page, "words")))
		goto out;
	for (size_t i = 0; i < vocab_count(v); i++) {
		char id[TEXT_ID_LEN];
		cJSON *o = cJSON_CreateObject();

		snprintf(id, sizeof(id), "word/%s", vocab_at(v, i));
		if (!o || !cJSON_AddStringToObject(o, "id", id) ||
		    !cJSON_AddStringToObject(o, "text", vocab_at(v, i))) {
			cJSON_Delete(o);
			goto out;
		}
		cJSON_AddItemToArray(list, o);
	}
	rc = 0;
out:
	vocab_free(v);
	return rc;
}
