#include "staff_words.h"

#include <stdio.h>

#include "plan.h"

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
		     word_map(c, "staff.version", version_kinds, COUNT(version_kinds)))) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}
