#include "staff_words.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content_words.h"
#include "plan.h"
#include "staff_int.h"

/* The caseload's order: what needs staff first. */
static const plan_status status_order[] = {
    PLAN_SUBMITTED,	    PLAN_AGREED, PLAN_NOT_AGREED, PLAN_REVIEW_DUE,
    PLAN_CHANGES_REQUESTED, PLAN_DRAFT,	 PLAN_SIGNED_OFF,
};

/* The questions councils ask at a review (docs/staff.md, "Reviews"). */
static const char *const review_keys[] = {
    "working",	    "not_working",	     "outcomes_met",
    "budget_right", "circumstances_changed", "everyone_satisfied",
};

static const char *const managing_ways[] = {"direct", "council", "provider", "mix"};

/* The flags a person can raise, and the kinds of review and of frozen version (docs/staff.md). */
static const char *const flag_kinds[] = {"safeguarding", "advocacy", "review"};
static const char *const review_kinds[] = {"light", "full", "request"};
static const char *const version_kinds[] = {"submitted", "agreed", "signed_off", "review"};
/* The words of news on an open staff page (staff_live.c). */
static const char *const live_words[] = {"title", "submitted", "missed"};
/* What the person answered to the interpreter question (staff_lang.c), and its title. */
static const char *const interpreter_words[] = {"title", "yes", "no", "none"};

#define COUNT(a) (sizeof(a) / sizeof(*(a)))

size_t staff_review_key_count(void)
{
	return COUNT(review_keys);
}

const char *staff_review_key(size_t i)
{
	return i < COUNT(review_keys) ? review_keys[i] : NULL;
}

size_t staff_managing_way_count(void)
{
	return COUNT(managing_ways);
}

const char *staff_managing_way(size_t i)
{
	return i < COUNT(managing_ways) ? managing_ways[i] : NULL;
}

size_t staff_status_count(void)
{
	return COUNT(status_order);
}

plan_status staff_status_at(size_t i)
{
	return i < COUNT(status_order) ? status_order[i] : PLAN_STATUS_COUNT;
}

/* Adds "<field>": the message "<prefix>.<name><suffix>". Without the message: the name with
 * spaces when fallback is set, nothing otherwise. 0, or -1 when out of memory. */
static int add_message(cJSON *o, const char *field, const content *c, const char *prefix,
		       const char *name, const char *suffix, int fallback)
{
	char key[96], spaced[64];
	const char *t;
	int n;

	n = snprintf(key, sizeof(key), "%s.%s%s", prefix, name, suffix);
	t = n > 0 && (size_t)n < sizeof(key) ? content_message(c, key) : NULL;
	if (!t && !fallback)
		return 0;
	if (!t) {
		snprintf(spaced, sizeof(spaced), "%s", name);
		for (char *p = spaced; *p; p++)
			if (*p == '_')
				*p = ' ';
		t = spaced;
	}
	return cJSON_AddStringToObject(o, field, t) ? 0 : -1;
}

static cJSON *actions_of(auth_role role)
{
	cJSON *a = cJSON_CreateArray();

	for (int i = 0; a && i < AUTH_ACTION_COUNT; i++)
		if (auth_can(role, (auth_action)i) &&
		    !cJSON_AddItemToArray(a,
					  cJSON_CreateString(auth_action_name((auth_action)i)))) {
			cJSON_Delete(a);
			return NULL;
		}
	return a;
}

static cJSON *statuses(const content *c)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; a && i < COUNT(status_order); i++) {
		const char *name = plan_status_name(status_order[i]);
		cJSON *o = cJSON_CreateObject();

		if (!cJSON_AddItemToArray(a, o) || !cJSON_AddStringToObject(o, "status", name) ||
		    add_message(o, "tag", c, "staff.tag", name, "", 1) ||
		    add_message(o, "group", c, "staff.group", name, "", 1)) {
			cJSON_Delete(a);
			return NULL;
		}
	}
	return a;
}

/* [{ "<id>": name, "<text>": its message, "<more>": the message "<name>.<more>" when there is
 * one }] for the names under prefix. */
static cJSON *word_list(const content *c, const char *prefix, const char *const *names, size_t n,
			const char *id, const char *text, const char *more)
{
	cJSON *a = cJSON_CreateArray();
	char suffix[16];

	snprintf(suffix, sizeof(suffix), ".%s", more);
	for (size_t i = 0; a && i < n; i++) {
		cJSON *o = cJSON_CreateObject();

		if (!cJSON_AddItemToArray(a, o) || !cJSON_AddStringToObject(o, id, names[i]) ||
		    add_message(o, text, c, prefix, names[i], "", 1) ||
		    add_message(o, more, c, prefix, names[i], suffix, 0)) {
			cJSON_Delete(a);
			return NULL;
		}
	}
	return a;
}

/* { name: its message } for the names under prefix. */
static cJSON *word_map(const content *c, const char *prefix, const char *const *names, size_t n)
{
	cJSON *o = cJSON_CreateObject();

	for (size_t i = 0; o && i < n; i++)
		if (add_message(o, names[i], c, prefix, names[i], "", 1)) {
			cJSON_Delete(o);
			return NULL;
		}
	return o;
}

static cJSON *review_questions(const content *c)
{
	cJSON *a = word_list(c, "staff.review", review_keys, COUNT(review_keys), "key", "question",
			     "hint");
	size_t i = 0;
	cJSON *q;

	cJSON_ArrayForEach(q, a)
	{
		if (!cJSON_AddBoolToObject(q, "required", i++ < STAFF_REVIEW_REQUIRED)) {
			cJSON_Delete(a);
			return NULL;
		}
	}
	return a;
}

static cJSON *role_names(const content *c)
{
	const char *names[AUTH_ROLE_COUNT];

	for (int r = 0; r < AUTH_ROLE_COUNT; r++)
		names[r] = auth_role_name((auth_role)r);
	return word_map(c, "staff.role", names, AUTH_ROLE_COUNT);
}

/* Adds part under field; a NULL part (out of memory) or a failed add: -1, part freed. */
static int add_part(cJSON *o, const char *field, cJSON *part)
{
	if (part && cJSON_AddItemToObject(o, field, part))
		return 0;
	cJSON_Delete(part);
	return -1;
}

cJSON *staff_words_new(const content *c, auth_role role)
{
	cJSON *o = cJSON_CreateObject();

	if (!o || add_part(o, "can", actions_of(role)) || add_part(o, "roles", role_names(c)) ||
	    add_part(o, "status", statuses(c)) || add_part(o, "review", review_questions(c)) ||
	    add_part(o, "managing",
		     word_list(c, "staff.managing", managing_ways, COUNT(managing_ways), "value",
			       "text", "hint")) ||
	    add_part(o, "flags",
		     word_list(c, "staff.flag", flag_kinds, COUNT(flag_kinds), "kind", "name",
			       "means")) ||
	    add_part(o, "review_kinds",
		     word_map(c, "staff.review-kind", review_kinds, COUNT(review_kinds))) ||
	    add_part(o, "versions",
		     word_map(c, "staff.version", version_kinds, COUNT(version_kinds))) ||
	    add_part(o, "live", word_map(c, "staff.live", live_words, COUNT(live_words))) ||
	    add_part(
		o, "interpreter",
		word_map(c, "staff.interpreter", interpreter_words, COUNT(interpreter_words))) ||
	    add_message(o, "language", c, "staff", "language", "", 1)) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* ---- what is hard to read in a text (check_words) ---- */

#define MAX_FINDINGS 24 /* listed for one text; a longer list helps nobody */

static const char *const finding_kinds[] = {
    [FINDING_LONG_SENTENCE] = "long-sentence",
    [FINDING_HARD_WORD] = "hard-word",
    [FINDING_ABBREVIATION] = "abbreviation",
};

/* Adds "<field>": the message name filled from kv, or nothing when the content lacks it. */
static int add_filled(cJSON *o, const char *field, const content *c, const char *name,
		      const char *const *kv)
{
	char *t;
	int rc;

	if (!content_message(c, name))
		return 0;
	t = content_fill(c, name, kv);
	rc = t && cJSON_AddStringToObject(o, field, t) ? 0 : -1;
	free(t);
	return rc;
}

/* A hard word's suggestion: plainer words when the list has them, then what it means. */
static int add_hard_suggestion(cJSON *o, const content *c, const content_hard_word *h)
{
	char *instead = NULL, *means, *both = NULL;
	size_t n;
	int rc = -1;

	if (h->instead)
		instead = content_fill(c, "staff.words.instead",
				       (const char *const[]){"instead", h->instead, NULL});
	means =
	    content_fill(c, "staff.words.means", (const char *const[]){"means", h->means, NULL});
	if (!means || (h->instead && !instead))
		goto out;
	n = (instead ? strlen(instead) + 1 : 0) + strlen(means) + 1;
	both = malloc(n);
	if (!both)
		goto out;
	snprintf(both, n, "%s%s%s", instead ? instead : "", instead ? " " : "", means);
	rc = cJSON_AddStringToObject(o, "suggestion", both) ? 0 : -1;
out:
	free(both);
	free(means);
	free(instead);
	return rc;
}

/* One finding as an object into a. */
static int add_finding(cJSON *a, const content *c, const char *text, const content_finding *f)
{
	cJSON *o = cJSON_CreateObject();
	const char *kind = finding_kinds[f->kind];
	char name[64], suggestion[80], words[16], max[16], *word = NULL;
	int rc = -1;

	if (!o)
		return -1;
	if (!cJSON_AddItemToArray(a, o)) {
		cJSON_Delete(o);
		return -1;
	}
	if (!cJSON_AddStringToObject(o, "kind", kind))
		return -1;
	snprintf(name, sizeof(name), "staff.words.%s", kind);
	snprintf(suggestion, sizeof(suggestion), "staff.words.%s.suggestion", kind);
	if (f->kind == FINDING_LONG_SENTENCE) {
		snprintf(words, sizeof(words), "%d", f->words);
		snprintf(max, sizeof(max), "%d", CONTENT_SENTENCE_MAX);
		return !cJSON_AddNumberToObject(o, "words", f->words) ||
			       !cJSON_AddNumberToObject(o, "max", CONTENT_SENTENCE_MAX) ||
			       add_filled(
				   o, "text", c, name,
				   (const char *const[]){"words", words, "max", max, NULL}) ||
			       add_filled(o, "suggestion", c, suggestion, NULL)
			   ? -1
			   : 0;
	}
	word = strndup(text + f->at, f->len);
	if (!word || !cJSON_AddStringToObject(o, "word", word) ||
	    add_filled(o, "text", c, name, (const char *const[]){"word", word, NULL}))
		goto out;
	if (f->kind == FINDING_HARD_WORD ? add_hard_suggestion(o, c, f->hard)
					 : add_filled(o, "suggestion", c, suggestion, NULL))
		goto out;
	rc = 0;
out:
	free(word);
	return rc;
}

cJSON *staff_words_findings_new(const content *c, const char *text)
{
	content_finding found[MAX_FINDINGS];
	size_t n = content_words_check(c, text, found, MAX_FINDINGS);
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; a && i < n && i < MAX_FINDINGS; i++)
		if (add_finding(a, c, text, &found[i])) {
			cJSON_Delete(a);
			return NULL;
		}
	return a;
}

int staff_handle_check_words(void *session, const cJSON *m, long long seq)
{
	staff_session *ss = session;
	const char *text;
	cJSON *o, *found;

	if (staff_text_arg(ss, m, "text", 0, STAFF_TEXT_MAX, &text))
		return -1;
	o = staff_view_message("words_checked", seq);
	found = staff_words_findings_new(ss->sf->c, text);
	if (!o || !found || !cJSON_AddItemToObject(o, "findings", found)) {
		cJSON_Delete(found);
		cJSON_Delete(o);
		return staff_fail(ss, "server");
	}
	if (add_filled(o, "title", ss->sf->c, "staff.words.title", NULL) ||
	    add_filled(o, "can_send", ss->sf->c, "staff.words.can-send", NULL)) {
		cJSON_Delete(o);
		return staff_fail(ss, "server");
	}
	staff_reply(ss, o, 0);
	return 0;
}
