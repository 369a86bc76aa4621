/* staff_lang: the language a person writes in, as staff see it (docs/staff.md, "Languages").
 * The staff pages stay in English. A plan says which language the person wrote in, named in
 * English, with its direction, so that the page shows their words in their own script; it says
 * whether they asked for an interpreter; and the invitation letter is printed in the language
 * chosen for it, in that language's own words (its letter.* messages). */
#include "staff_int.h"

#include <string.h>

void staff_set_languages(staff *sf, const languages *l)
{
	sf->langs = l;
	sf->c = languages_reference(l);
}

const content *staff_language_in(const content *en, const languages *l, const char *lang)
{
	if (!lang || !*lang)
		return NULL;
	if (l)
		return languages_find(l, lang);
	return strcmp(content_lang(en), lang) == 0 ? en : NULL;
}

const content *staff_language(const staff *sf, const char *lang)
{
	return staff_language_in(sf->c, sf->langs, lang);
}

int staff_lang_arg(staff_session *ss, const cJSON *m, int required, const content **out)
{
	const cJSON *v = cJSON_GetObjectItem(m, "lang");

	*out = NULL;
	if (!required && (!v || cJSON_IsNull(v)))
		return 0;
	if (!cJSON_IsString(v) || !(*out = staff_language(ss->sf, v->valuestring)))
		return staff_fail(ss, "bad-lang");
	return 0;
}

void staff_view_language(cJSON *o, const content *en, const languages *l, const char *lang)
{
	const content *c = lang && *lang ? staff_language_in(en, l, lang) : en;

	if (c) {
		cJSON_AddStringToObject(o, "lang", content_lang(c));
		cJSON_AddStringToObject(o, "language", content_language_english(c));
		cJSON_AddStringToObject(o, "dir", content_is_rtl(c) ? "rtl" : "ltr");
		return;
	}
	/* A language this server no longer offers (--languages): its tag is all that is known, and
	 * the browser finds the direction from the words themselves. */
	cJSON_AddStringToObject(o, "lang", lang ? lang : "");
	cJSON_AddStringToObject(o, "language", lang ? lang : "");
	cJSON_AddStringToObject(o, "dir", "auto");
}

cJSON *staff_view_languages(const content *en, const languages *l)
{
	cJSON *a = cJSON_CreateArray();
	size_t n = l ? languages_count(l) : 1;

	for (size_t i = 0; a && i < n; i++) {
		const content *c = l ? languages_at(l, i) : en;
		cJSON *o = cJSON_CreateObject();

		if (!cJSON_AddItemToArray(a, o) ||
		    !cJSON_AddStringToObject(o, "lang", content_lang(c)) ||
		    !cJSON_AddStringToObject(o, "name", content_language_name(c)) ||
		    !cJSON_AddStringToObject(o, "english", content_language_english(c)) ||
		    !cJSON_AddStringToObject(o, "dir", content_is_rtl(c) ? "rtl" : "ltr")) {
			cJSON_Delete(a);
			return NULL;
		}
	}
	return a;
}

int staff_is_own_words(const content_page *pg, const char *field)
{
	if (!pg)
		return 0;
	if (!*field)
		return pg->kind == KIND_TEXT || pg->kind == KIND_LONG_TEXT ||
		       pg->kind == KIND_REVIEW || pg->kind == KIND_NOT_AGREED;
	for (size_t i = 0; i < pg->nfields; i++)
		if (strcmp(pg->fields[i].name, field) == 0)
			return pg->fields[i].type == FIELD_TEXT ||
			       pg->fields[i].type == FIELD_LONG_TEXT;
	return 0; /* the picture cards chosen (CARDS_FIELD): the content's words */
}

void staff_view_mark_verbatim(const content *c, cJSON *changes)
{
	cJSON *ch;

	cJSON_ArrayForEach(ch, changes)
	{
		const char *section = cJSON_GetStringValue(cJSON_GetObjectItem(ch, "section"));
		const char *field = cJSON_GetStringValue(cJSON_GetObjectItem(ch, "field"));
		const content_page *pg = section ? content_page_find(c, section, NULL) : NULL;

		cJSON_AddBoolToObject(ch, "verbatim", staff_is_own_words(pg, field ? field : ""));
	}
}

void staff_view_interpreter(cJSON *o, const staff_plan_data *d)
{
	const char *v = plan_answers_get(&d->answers, STAFF_INTERPRETER_PAGE, 0, "");

	if (v && (strcmp(v, "yes") == 0 || strcmp(v, "no") == 0))
		cJSON_AddStringToObject(o, "interpreter", v);
	else
		cJSON_AddNullToObject(o, "interpreter");
}

/* 1 for the messages the letter is written in: letter.*, and code.numbers for the code's
 * digits-only form under it. */
static int is_letter_message(const char *name)
{
	return strncmp(name, "letter.", 7) == 0 || strcmp(name, "code.numbers") == 0;
}

int staff_handle_letter_words(void *session, const cJSON *m, long long seq)
{
	staff_session *ss = session;
	const content *lc;
	cJSON *r, *words;

	if (staff_lang_arg(ss, m, 1, &lc))
		return -1;
	r = staff_view_message("letter_words", seq);
	if (!r)
		return staff_fail(ss, "server");
	staff_view_language(r, ss->sf->c, ss->sf->langs, content_lang(lc));
	cJSON_AddStringToObject(r, "name", content_language_name(lc));
	words = cJSON_AddObjectToObject(r, "words");
	for (size_t i = 0; words && i < content_message_count(lc); i++) {
		const char *name, *text;

		content_message_at(lc, i, &name, &text);
		if (is_letter_message(name) && !cJSON_AddStringToObject(words, name, text))
			words = NULL;
	}
	if (!words) {
		cJSON_Delete(r);
		return staff_fail(ss, "server");
	}
	staff_reply(ss, r, 0);
	return 0;
}
