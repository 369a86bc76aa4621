/* staff_words: the words and rules the staff pages show, sent once in the reply to `me` so that
 * the browser keeps no copy of its own: the actions the signed-in role may take (auth.c's table),
 * each status's words (the content's staff.tag.* and staff.group.*, in the order the caseload
 * shows them), the review questions (staff.review.*), the ways of managing a budget
 * (staff.managing.*), and the words for roles, flags, kinds of review and versions. The keys of
 * the review answers and the ways of managing are this module's tables, so that the handlers that
 * check them and the pages that offer them read one list. It also answers `check_words`: what is
 * hard to read in a text staff write for the person (docs/staff.md). */
#ifndef PLANALOUD_STAFF_WORDS_H
#define PLANALOUD_STAFF_WORDS_H

#include <stddef.h>

#include "auth.h"
#include "content.h"
#include "plan.h"
#include <cjson/cJSON.h>

/* The review answers' keys, in the order the form asks them; the first
 * STAFF_REVIEW_REQUIRED must be answered. i out of range: NULL. Static strings. */
#define STAFF_REVIEW_REQUIRED 2
size_t staff_review_key_count(void);
const char *staff_review_key(size_t i);

/* The ways of managing a personal budget an invitation may offer ("direct", "council",
 * "provider", "mix"). i out of range: NULL. Static strings. */
size_t staff_managing_way_count(void);
const char *staff_managing_way(size_t i);

/* The statuses in the order the caseload lists them: what needs staff first. i out of range:
 * PLAN_STATUS_COUNT. */
size_t staff_status_count(void);
plan_status staff_status_at(size_t i);

/* A new object for a role (docs/staff.md, "me"): { "can": [action names], "roles": {role:
 * words}, "status": [{status, tag, group}], "review": [{key, question, hint?, required}],
 * "managing": [{value, text, hint?}], "flags": [{kind, name, means}], "review_kinds": {kind:
 * words}, "versions": {kind: words}, "live": {title, submitted, missed}, "interpreter": {title,
 * yes, no, none}, "language": the word for a plan's language }, with words from c
 * (borrowed; only read). A missing message falls back to the machine name with spaces. The caller
 * owns the result (cJSON_Delete); NULL when out of memory. */
cJSON *staff_words_new(const content *c, auth_role role);

/* What is hard to read in text that staff write for the person (content_words.h's rules, with
 * the content's hard-words list): a new array of findings, in the text's order by kind:
 * { "kind": "long-sentence", "words", "max", "text", "suggestion" },
 * { "kind": "hard-word", "word" (as written), "text", "suggestion" },
 * { "kind": "abbreviation", "word", "text", "suggestion" }; "text" and "suggestion" are the
 * content's staff.words.* messages. Empty when the text keeps the rules. c and text are
 * borrowed; the caller owns the result (cJSON_Delete); NULL when out of memory. */
cJSON *staff_words_findings_new(const content *c, const char *text);

#endif
