/* content_text: a stored value in the content's words, the way the person wrote it and the
 * kiosk shows it (amounts, dates). Pure: content and the value in, malloc'd text out. For any
 * protocol or view; the words (month names, the date's pattern) live in messages.txt. */
#ifndef PLANALOUD_CONTENT_TEXT_H
#define PLANALOUD_CONTENT_TEXT_H

#include "content.h"

/* "22 November 2026" in the content's words ("month.<n>", "date") for "2026-11-22..." (its
 * first ten characters). A malloc'd string the caller frees; NULL when it is no date or memory
 * runs out. */
char *content_date_words(const content *c, const char *iso);
/* A stored list field's value as the person wrote it: an amount in pence ("2550") as "£25.50",
 * a date ("2027-03-01") as content_date_words says it. A malloc'd string the caller frees;
 * NULL for any other field (its value is shown as it is) or a value that is not one. */
char *content_field_text(const content *c, const content_field *f, const char *value);

#endif
