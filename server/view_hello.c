/* The connection's own messages, not a page's: hello, which says how the kiosk is set up and
 * carries every message line, and the plain-English error reply. */
#include "view.h"

#include "content_text.h"
#include "message.h"
#include "narrate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ID_LEN 160

/* "switch_keys": ["Space", "Enter"] from "Space,Enter" (checked at start-up by main.c). */
static void add_switch_keys(cJSON *k, const char *keys)
{
	cJSON *list = cJSON_AddArrayToObject(k, "switch_keys");
	char one[VIEW_SWITCH_KEY_LEN + 1];

	while (list && *keys) {
		size_t n = strcspn(keys, ",");

		if (n > 0 && n <= VIEW_SWITCH_KEY_LEN) {
			memcpy(one, keys, n);
			one[n] = '\0';
			cJSON_AddItemToArray(list, cJSON_CreateString(one));
		}
		keys += n;
		if (*keys == ',')
			keys++;
	}
}

/* "languages": each one the person may choose, named in itself, with its text to hear it said in
 * its own voice (lang/<tag>: kiosk_narration.c reads it in that language). */
static void add_languages(cJSON *msg, const languages *l)
{
	cJSON *list = cJSON_AddArrayToObject(msg, "languages");

	for (size_t i = 0; l && list && i < languages_count(l); i++) {
		const content *c = languages_at(l, i);
		cJSON *o = cJSON_CreateObject();
		char id[ID_LEN];

		cJSON_AddStringToObject(o, "lang", content_lang(c));
		cJSON_AddStringToObject(o, "dir", content_is_rtl(c) ? "rtl" : "ltr");
		cJSON_AddStringToObject(o, "name", content_language_name(c));
		snprintf(id, sizeof(id), "lang/%s", content_lang(c));
		cJSON_AddItemToObject(o, "text", view_text(id, content_language_name(c)));
		cJSON_AddItemToArray(list, o);
	}
}

const char *view_voice_label(const content *c, const voice_profile *vp)
{
	char name[64];
	const char *t;

	snprintf(name, sizeof(name), "voice.%s", vp->name);
	t = content_message(c, name);
	return t ? t : vp->label;
}

cJSON *view_hello(const content *c, const languages *l, const voices *v, const view_kiosk *k_in)
{
	cJSON *msg = cJSON_CreateObject(), *k, *msgs, *list;
	int nspeeds = 0;

	cJSON_AddStringToObject(msg, "type", "hello");
	cJSON_AddStringToObject(msg, "lang", content_lang(c));
	cJSON_AddStringToObject(msg, "dir", content_is_rtl(c) ? "rtl" : "ltr");
	add_languages(msg, l);
	k = cJSON_AddObjectToObject(msg, "kiosk");
	cJSON_AddNumberToObject(k, "idle_seconds", k_in->idle_seconds);
	cJSON_AddNumberToObject(k, "warn_seconds", k_in->warn_seconds);
	cJSON_AddStringToObject(k, "headphones", k_in->headphones ? "yes" : "ask");
	cJSON_AddStringToObject(k, "keyboard", k_in->keyboard ? "on" : "ask");
	add_switch_keys(k, k_in->switch_keys ? k_in->switch_keys : VIEW_SWITCH_KEYS);
	k = cJSON_AddObjectToObject(msg, "limits");
	cJSON_AddNumberToObject(k, "message_bytes", (double)k_in->max_message);
	list = cJSON_AddArrayToObject(msg, "voices");
	for (size_t i = 0; v && i < voices_count(v); i++) {
		cJSON *o = cJSON_CreateObject();

		char id[ID_LEN];

		cJSON_AddStringToObject(o, "name", voices_at(v, i)->name);
		cJSON_AddStringToObject(o, "label", view_voice_label(c, voices_at(v, i)));
		/* the label as a text narrate reads on any page: focus speech says the voice chosen
		 */
		snprintf(id, sizeof(id), "voice/%s", voices_at(v, i)->name);
		cJSON_AddItemToObject(o, "text",
				      view_text(id, view_voice_label(c, voices_at(v, i))));
		cJSON_AddItemToArray(list, o);
	}
	while (v && narrate_speeds[nspeeds])
		nspeeds++;
	cJSON_AddItemToObject(msg, "speeds", cJSON_CreateStringArray(narrate_speeds, nspeeds));
	msgs = cJSON_AddObjectToObject(msg, "messages");
	for (size_t i = 0; i < content_message_count(c); i++) {
		const char *name, *text;
		char id[ID_LEN];

		content_message_at(c, i, &name, &text);
		if (content_is_staff_message(name)) /* the staff pages' own, and the alerts' */
			continue;
		snprintf(id, sizeof(id), "msg/%s", name);
		cJSON_AddItemToObject(msgs, name, view_text(id, text));
	}
	list = cJSON_AddArrayToObject(msg, "words");
	for (size_t i = 0; i < vocab_count(k_in->words); i++)
		cJSON_AddItemToArray(list, cJSON_CreateString(vocab_at(k_in->words, i)));
	return msg;
}

cJSON *view_error(const content *c, const char *code, long long seq, const char *const *extra)
{
	cJSON *msg = cJSON_CreateObject();
	char name[64];
	char *text;

	snprintf(name, sizeof(name), "error.%s", code);
	text = content_fill(c, name, extra);
	cJSON_AddStringToObject(msg, "type", "error");
	message_add_seq(msg, seq);
	cJSON_AddStringToObject(msg, "code", code);
	cJSON_AddStringToObject(msg, "message", text ? text : code);
	free(text);
	return msg;
}
