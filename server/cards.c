#include "cards.h"

#include <stdio.h>
#include <string.h>

int cards_value(const content_page *pg, const cJSON *ids, char *out, size_t n)
{
	const cJSON *it;
	size_t used = 0;

	out[0] = '\0';
	if (!cJSON_IsArray(ids))
		return -1;
	cJSON_ArrayForEach(it, ids)
	{
		if (!cJSON_IsString(it))
			return -1;
		if (!content_card_find(pg, it->valuestring))
			return -2;
	}
	/* In the page's order, each once, whatever order they were touched in. */
	for (size_t k = 0; k < pg->ncards; k++) {
		int chosen = 0;
		int w;

		cJSON_ArrayForEach(it, ids) chosen |= strcmp(it->valuestring, pg->cards[k].id) == 0;
		if (!chosen)
			continue;
		w = snprintf(out + used, n - used, "%s%s", used ? "," : "", pg->cards[k].id);
		if (w < 0 || (size_t)w >= n - used) {
			out[0] = '\0';
			return -1;
		}
		used += (size_t)w;
	}
	return 0;
}

int cards_chosen(const char *stored, const char *id)
{
	size_t len = strlen(id);

	for (const char *s = stored; s && *s;) {
		size_t k = strcspn(s, ",");

		if (k == len && strncmp(s, id, len) == 0)
			return 1;
		s += k;
		if (*s == ',')
			s++;
	}
	return 0;
}

static cJSON *text_obj(const char *id, const char *text, int is_private)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "id", id);
	cJSON_AddStringToObject(o, "text", text);
	if (is_private)
		cJSON_AddBoolToObject(o, "private", 1);
	return o;
}

/* One card: its name, picture and words (as the text `id_prefix`<page>/card/<id>). */
static cJSON *card_obj(const content_page *pg, const content_card *k, const char *id_prefix,
		       int is_private)
{
	cJSON *o = cJSON_CreateObject(), *pic;
	char id[200], src[80];

	cJSON_AddStringToObject(o, "id", k->id);
	pic = cJSON_AddObjectToObject(o, "picture");
	snprintf(src, sizeof(src), "/pictures/%s.svg", k->picture); /* names are at most 48 */
	cJSON_AddStringToObject(pic, "src", src);
	snprintf(id, sizeof(id), "%s%s/card/%s", id_prefix, pg->id, k->id);
	cJSON_AddItemToObject(o, "text", text_obj(id, k->text, is_private));
	return o;
}

cJSON *cards_page(const content_page *pg, const char *stored)
{
	cJSON *arr = cJSON_CreateArray();

	for (size_t k = 0; arr && k < pg->ncards; k++) {
		cJSON *o = card_obj(pg, &pg->cards[k], "", 0);

		cJSON_AddBoolToObject(o, "chosen", cards_chosen(stored, pg->cards[k].id));
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

cJSON *cards_answer(const content_page *pg, const char *stored)
{
	cJSON *arr = NULL;

	for (size_t k = 0; k < pg->ncards; k++) {
		if (!cards_chosen(stored, pg->cards[k].id))
			continue;
		if (!arr && !(arr = cJSON_CreateArray()))
			return NULL;
		/* Which cards a person chose on a private page is theirs, like their words. */
		cJSON_AddItemToArray(arr, pg->private_answers
					      ? card_obj(pg, &pg->cards[k], "answer/", 1)
					      : card_obj(pg, &pg->cards[k], "", 0));
	}
	return arr;
}

cJSON *cards_words(const content_page *pg, const char *stored)
{
	cJSON *arr = NULL;

	for (size_t k = 0; k < pg->ncards; k++) {
		if (!cards_chosen(stored, pg->cards[k].id))
			continue;
		if (!arr && !(arr = cJSON_CreateArray()))
			return NULL;
		cJSON_AddItemToArray(arr, cJSON_CreateString(pg->cards[k].text));
	}
	return arr;
}
