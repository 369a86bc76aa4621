/* version: what changed between two frozen versions of a plan. The store freezes a version as a
 * JSON snapshot (the person's answers, the needs with the council's parts, the support items,
 * risks, budget); this compares two of them for the staff page, naming each change by the
 * easy-read content's page titles and field labels. Part of the staff layer: no storage here. */
#ifndef PLANALOUD_VERSION_H
#define PLANALOUD_VERSION_H

#include "content.h"

#include <cjson/cJSON.h>

/* The changes from the snapshot `before` to the snapshot `after` (JSON texts), as a new array
 * the caller deletes: each {"section", "label", "item", "field", "before", "after"}, where
 *  - the person's answers have section = the page's id, label = its title (a list entry's field:
 *    "title: field label"), item = the list entry (0 for a page's own answer), field = the
 *    entry's field ("" for a page's own answer), in the order of the journey;
 *  - needs have section "needs", label = the need's words, item = the need's id, field "how",
 *    "direct_payment", "eligible" or "text";
 *  - the council's support items have section "support", label = what it is, item = its id,
 *    field "what" or "cost_pence";
 *  - the rest have section "council" and field = label: "person", "budget_pence", "managing",
 *    "risks", "emergency_checked".
 * before and after are the values (null where there was none: added or removed). Values are
 * compared exactly. NULL when either text is not a snapshot or memory runs out. */
cJSON *version_diff(const content *c, const char *before, const char *after);

#endif
