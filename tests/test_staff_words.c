/* Tests for staff_words: what the staff pages are told in the reply to `me`. */
#include "check.h"

#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "content.h"
#include "plan.h"
#include "staff_words.h"

#define EASYREAD PLANALOUD_SOURCE_DIR "/easyread"
#define PICTURES PLANALOUD_SOURCE_DIR "/web/pictures"

static content *c;

static const char *message(const char *prefix, const char *name, const char *suffix)
{
	static char key[128];

	snprintf(key, sizeof(key), "%s.%s%s", prefix, name, suffix);
	return content_message(c, key);
}

static int has_string(const cJSON *a, const char *s)
{
	const cJSON *i;

	cJSON_ArrayForEach(i, a)
	{
		if (cJSON_IsString(i) && strcmp(i->valuestring, s) == 0)
			return 1;
	}
	return 0;
}

static void each_role_should_be_told_exactly_the_actions_auth_allows_it(void)
{
	for (int r = 0; r < AUTH_ROLE_COUNT; r++) {
		cJSON *w = staff_words_new(c, (auth_role)r);
		const cJSON *can = cJSON_GetObjectItem(w, "can");
		int allowed = 0;

		CHECK(cJSON_IsArray(can));
		for (int a = 0; a < AUTH_ACTION_COUNT; a++) {
			CHECK(has_string(can, auth_action_name((auth_action)a)) ==
			      auth_can((auth_role)r, (auth_action)a));
			allowed += auth_can((auth_role)r, (auth_action)a);
		}
		CHECK(cJSON_GetArraySize(can) == allowed);
		cJSON_Delete(w);
	}
}

static void every_status_should_come_once_with_the_contents_words(void)
{
	cJSON *w = staff_words_new(c, AUTH_CASEWORKER);
	const cJSON *list = cJSON_GetObjectItem(w, "status"), *s;
	int seen[PLAN_STATUS_COUNT] = {0};

	CHECK(cJSON_GetArraySize(list) == PLAN_STATUS_COUNT);
	cJSON_ArrayForEach(s, list)
	{
		const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(s, "status"));
		plan_status st;

		CHECK(name && plan_status_parse(name, &st) == 0);
		if (!name || plan_status_parse(name, &st) != 0)
			continue;
		seen[st]++;
		CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(s, "tag")),
			  message("staff.tag", name, ""));
		CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(s, "group")),
			  message("staff.group", name, ""));
	}
	for (int i = 0; i < PLAN_STATUS_COUNT; i++)
		CHECK(seen[i] == 1);
	/* What needs staff first: plans the person sent. */
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(list, 0), "status")),
		  "submitted");
	cJSON_Delete(w);
}

static void review_questions_should_follow_the_keys_the_review_message_takes(void)
{
	cJSON *w = staff_words_new(c, AUTH_MANAGER);
	const cJSON *list = cJSON_GetObjectItem(w, "review");

	CHECK((size_t)cJSON_GetArraySize(list) == staff_review_key_count());
	for (size_t i = 0; i < staff_review_key_count(); i++) {
		const cJSON *q = cJSON_GetArrayItem(list, (int)i);
		const char *key = staff_review_key(i);
		const char *hint = message("staff.review", key, ".hint");

		CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(q, "key")), key);
		CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(q, "question")),
			  message("staff.review", key, ""));
		if (hint)
			CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(q, "hint")), hint);
		else
			CHECK(!cJSON_GetObjectItem(q, "hint"));
		CHECK(cJSON_IsTrue(cJSON_GetObjectItem(q, "required")) ==
		      (i < STAFF_REVIEW_REQUIRED));
	}
	CHECK(staff_review_key(staff_review_key_count()) == NULL);
	cJSON_Delete(w);
}

static void ways_of_managing_should_have_the_contents_words(void)
{
	cJSON *w = staff_words_new(c, AUTH_CASEWORKER);
	const cJSON *list = cJSON_GetObjectItem(w, "managing");

	CHECK((size_t)cJSON_GetArraySize(list) == staff_managing_way_count());
	for (size_t i = 0; i < staff_managing_way_count(); i++) {
		const cJSON *m = cJSON_GetArrayItem(list, (int)i);
		const char *way = staff_managing_way(i);

		CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(m, "value")), way);
		CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(m, "text")),
			  message("staff.managing", way, ""));
	}
	CHECK(staff_managing_way(staff_managing_way_count()) == NULL);
	cJSON_Delete(w);
}

static void roles_flags_and_kinds_should_have_the_contents_words(void)
{
	static const char *const flags[] = {"safeguarding", "advocacy", "review"};
	static const char *const kinds[] = {"light", "full", "request"};
	static const char *const versions[] = {"submitted", "agreed", "signed_off", "review"};
	cJSON *w = staff_words_new(c, AUTH_CASEWORKER);
	const cJSON *list = cJSON_GetObjectItem(w, "flags");

	for (int r = 0; r < AUTH_ROLE_COUNT; r++) {
		const char *name = auth_role_name((auth_role)r);

		CHECK_STR(cJSON_GetStringValue(
			      cJSON_GetObjectItem(cJSON_GetObjectItem(w, "roles"), name)),
			  message("staff.role", name, ""));
	}
	CHECK(cJSON_GetArraySize(list) == 3);
	for (int i = 0; i < 3; i++) {
		const cJSON *f = cJSON_GetArrayItem(list, i);

		CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(f, "kind")), flags[i]);
		CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(f, "name")),
			  message("staff.flag", flags[i], ""));
		CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(f, "means")),
			  message("staff.flag", flags[i], ".means"));
	}
	for (int i = 0; i < 3; i++)
		CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(
			      cJSON_GetObjectItem(w, "review_kinds"), kinds[i])),
			  message("staff.review-kind", kinds[i], ""));
	for (int i = 0; i < 4; i++)
		CHECK_STR(cJSON_GetStringValue(
			      cJSON_GetObjectItem(cJSON_GetObjectItem(w, "versions"), versions[i])),
			  message("staff.version", versions[i], ""));
	cJSON_Delete(w);
}

static void an_admin_should_be_told_no_plan_work(void)
{
	cJSON *w = staff_words_new(c, AUTH_ADMIN);
	const cJSON *can = cJSON_GetObjectItem(w, "can");

	CHECK(!has_string(can, "read_plan"));
	CHECK(has_string(can, "view_audit"));
	cJSON_Delete(w);
}

/* ---- what is hard to read in a text staff write for the person ---- */

/* The findings of kind for text: how many, and the first in *first (borrowed from *all, which
 * the caller deletes). */
static int findings_of(const char *text, const char *kind, cJSON **all, const cJSON **first)
{
	const cJSON *f;
	int n = 0;

	*all = staff_words_findings_new(c, text);
	*first = NULL;
	CHECK(cJSON_IsArray(*all));
	cJSON_ArrayForEach(f, *all)
	{
		if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(f, "kind")), kind) == 0) {
			if (!n)
				*first = f;
			n++;
		}
		CHECK(cJSON_GetStringValue(cJSON_GetObjectItem(f, "text")) != NULL);
		CHECK(cJSON_GetStringValue(cJSON_GetObjectItem(f, "suggestion")) != NULL);
	}
	return n;
}

static const char *field(const cJSON *f, const char *name)
{
	return cJSON_GetStringValue(cJSON_GetObjectItem(f, name));
}

static const content_hard_word *hard_word(const char *word)
{
	for (size_t i = 0; i < content_hard_word_count(c); i++)
		if (strcmp(content_hard_word_at(c, i)->forms[0], word) == 0)
			return content_hard_word_at(c, i);
	return NULL;
}

static void plain_short_text_should_have_no_findings(void)
{
	cJSON *all = staff_words_findings_new(c, "You need help to cook a hot meal. It is OK.");

	CHECK(cJSON_IsArray(all));
	CHECK(cJSON_GetArraySize(all) == 0);
	cJSON_Delete(all);
}

static void a_long_sentence_should_be_found_with_its_number_of_words(void)
{
	const char *text = "You need help. A support worker will come to your flat every morning "
			   "and help you get washed and dressed.";
	const cJSON *f;
	cJSON *all;
	char said[128];

	CHECK(findings_of(text, "long-sentence", &all, &f) == 1);
	CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(f, "words")) == 17);
	CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(f, "max")) == 15);
	snprintf(said, sizeof(said), "%s", field(f, "text") ? field(f, "text") : "");
	CHECK(strstr(said, "17") != NULL);
	CHECK(strchr(said, '{') == NULL);
	CHECK_STR(field(f, "suggestion"),
		  content_message(c, "staff.words.long-sentence.suggestion"));
	cJSON_Delete(all);
	CHECK(findings_of("A support worker will come to your flat every morning.", "long-sentence",
			  &all, &f) == 0);
	cJSON_Delete(all);
}

static void a_hard_word_should_be_found_with_plainer_words_from_the_list(void)
{
	const content_hard_word *h = hard_word("assessment");
	const cJSON *f;
	cJSON *all;

	CHECK(h != NULL && h->instead != NULL);
	if (!h || !h->instead)
		return;
	CHECK(findings_of("After your Assessments we know your needs.", "hard-word", &all, &f) ==
	      1);
	CHECK_STR(field(f, "word"), "Assessments");
	CHECK(field(f, "suggestion") && strstr(field(f, "suggestion"), h->instead));
	CHECK(field(f, "suggestion") && strstr(field(f, "suggestion"), h->means));
	CHECK(field(f, "text") && strstr(field(f, "text"), "Assessments"));
	cJSON_Delete(all);
}

static void a_hard_word_explained_in_brackets_should_not_be_found(void)
{
	const cJSON *f;
	cJSON *all;

	CHECK(findings_of("Your assessment (a talk about the help you need) is done.", "hard-word",
			  &all, &f) == 0);
	cJSON_Delete(all);
	CHECK(findings_of("A councillor came.", "hard-word", &all, &f) == 0);
	cJSON_Delete(all);
}

static void an_abbreviation_should_be_found_once_unless_everyday_or_explained(void)
{
	const cJSON *f;
	cJSON *all;

	CHECK(findings_of("The OT will visit. The OT is kind. It is OK. I like TV.", "abbreviation",
			  &all, &f) == 1);
	CHECK_STR(field(f, "word"), "OT");
	CHECK_STR(field(f, "suggestion"),
		  content_message(c, "staff.words.abbreviation.suggestion"));
	cJSON_Delete(all);
	CHECK(findings_of("Your GP and the DBS check.", "abbreviation", &all, &f) == 2);
	CHECK_STR(field(f, "word"), "GP");
	cJSON_Delete(all);
	CHECK(findings_of("The OT (occupational therapist) will visit. I am here.", "abbreviation",
			  &all, &f) == 0);
	cJSON_Delete(all);
	CHECK(findings_of("An occupational therapist (OT) will visit.", "abbreviation", &all, &f) ==
	      0);
	cJSON_Delete(all);
}

static void findings_should_come_in_the_order_of_the_text_by_kind(void)
{
	cJSON *all = staff_words_findings_new(
	    c, "The OT and GP read the assessment, the review and the risk.");
	const char *kinds[] = {"hard-word", "hard-word", "hard-word", "abbreviation",
			       "abbreviation"};
	const char *words[] = {"assessment", "review", "risk", "OT", "GP"};

	CHECK(cJSON_GetArraySize(all) == 5);
	for (int i = 0; i < 5 && i < cJSON_GetArraySize(all); i++) {
		CHECK_STR(field(cJSON_GetArrayItem(all, i), "kind"), kinds[i]);
		CHECK_STR(field(cJSON_GetArrayItem(all, i), "word"), words[i]);
	}
	cJSON_Delete(all);
}

int main(void)
{
	char err[256] = "";

	c = content_load(EASYREAD, "en-GB", PICTURES, err, sizeof(err));
	if (!c) {
		fprintf(stderr, "content: %s\n", err);
		return 1;
	}
	RUN(each_role_should_be_told_exactly_the_actions_auth_allows_it);
	RUN(every_status_should_come_once_with_the_contents_words);
	RUN(review_questions_should_follow_the_keys_the_review_message_takes);
	RUN(ways_of_managing_should_have_the_contents_words);
	RUN(roles_flags_and_kinds_should_have_the_contents_words);
	RUN(an_admin_should_be_told_no_plan_work);
	RUN(plain_short_text_should_have_no_findings);
	RUN(a_long_sentence_should_be_found_with_its_number_of_words);
	RUN(a_hard_word_should_be_found_with_plainer_words_from_the_list);
	RUN(a_hard_word_explained_in_brackets_should_not_be_found);
	RUN(an_abbreviation_should_be_found_once_unless_everyday_or_explained);
	RUN(findings_should_come_in_the_order_of_the_text_by_kind);
	content_free(c);
	return check_report();
}
