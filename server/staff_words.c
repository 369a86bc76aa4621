#include "staff_words.h"

#include <stdio.h>

#include "plan.h"

/* The caseload's order: what needs staff first. */
static const plan_status status_order[] = {
	PLAN_SUBMITTED, PLAN_AGREED,	      PLAN_NOT_AGREED, PLAN_REVIEW_DUE,
	PLAN_CHANGES_REQUESTED, PLAN_DRAFT, PLAN_SIGNED_OFF,
};

/* The questions councils ask at a review (docs/staff.md, "Reviews"). */
static const char *const review_keys[] = {
	"working",	"not_working",		 "outcomes_met",
	"budget_right", "circumstances_changed", "everyone_satisfied",
};

static const char *const managing_ways[] = { "direct", "council", "provider", "mix" };

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
		    !cJSON_AddItemToArray(a, cJSON_CreateString(auth_action_name((auth_action)i)))) {
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

static cJSON *review_questions(const content *c)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; a && i < COUNT(review_keys); i++) {
		cJSON *o = cJSON_CreateObject();

		if (!cJSON_AddItemToArray(a, o) || !cJSON_AddStringToObject(o, "key", review_keys[i]) ||
		    add_message(o, "question", c, "staff.review", review_keys[i], "", 1) ||
		    add_message(o, "hint", c, "staff.review", review_keys[i], ".hint", 0) ||
		    !cJSON_AddBoolToObject(o, "required", i < STAFF_REVIEW_REQUIRED)) {
			cJSON_Delete(a);
			return NULL;
		}
	}
	return a;
}

static cJSON *ways_of_managing(const content *c)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; a && i < COUNT(managing_ways); i++) {
		cJSON *o = cJSON_CreateObject();

		if (!cJSON_AddItemToArray(a, o) ||
		    !cJSON_AddStringToObject(o, "value", managing_ways[i]) ||
		    add_message(o, "text", c, "staff.managing", managing_ways[i], "", 1) ||
		    add_message(o, "hint", c, "staff.managing", managing_ways[i], ".hint", 0)) {
			cJSON_Delete(a);
			return NULL;
		}
	}
	return a;
}

cJSON *staff_words_new(const content *c, auth_role role)
{
	cJSON *o = cJSON_CreateObject(), *r = NULL;

	if (!o)
		goto fail;
	if (!(r = actions_of(role)) || !cJSON_AddItemToObject(o, "can", r))
		goto fail;
	if (!(r = statuses(c)) || !cJSON_AddItemToObject(o, "status", r))
		goto fail;
	if (!(r = review_questions(c)) || !cJSON_AddItemToObject(o, "review", r))
		goto fail;
	if (!(r = ways_of_managing(c)) || !cJSON_AddItemToObject(o, "managing", r))
		goto fail;
	return o;
fail:
	/* r is either NULL or not yet in o. */
	cJSON_Delete(r);
	cJSON_Delete(o);
	return NULL;
}
