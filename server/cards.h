/* cards: the picture cards a person can touch to answer a page (docs/content-format.md, "Picture
 * cards"), and the cards they chose. A page's chosen cards are stored as one answer, field
 * CARDS_FIELD of item 0: the chosen cards' names in the page's order, joined by commas
 * ("home,park"). Pure: content and stored values in, JSON out; for the kiosk's views and the staff
 * pages. */
#ifndef PLANALOUD_CARDS_H
#define PLANALOUD_CARDS_H

#include "content.h"

#include <cjson/cJSON.h>
#include <stddef.h>

#define CARDS_FIELD "cards"

/* The stored value for the JSON array of card names `ids` on page pg, written into out (n bytes,
 * room for every card of a page: CONTENT_MAX_CARDS * 50 is enough): the chosen names in the
 * page's order, each once; "" for none. 0; -1 when ids is not an array of strings (bad-message);
 * -2 when a name is not one of the page's cards (bad-field). out is "" on failure. */
int cards_value(const content_page *pg, const cJSON *ids, char *out, size_t n);

/* 1 when the card `id` is among the stored value (NULL: none chosen). */
int cards_chosen(const char *stored, const char *id);

/* The page's cards for its page description: [{"id","picture":{"src"},"text":{"id":
 * "<page>/card/<id>","text"},"chosen"}], in the page's order. A new array the caller owns (the
 * page description, once added to it); NULL when memory runs out. */
cJSON *cards_page(const content_page *pg, const char *stored);

/* The cards chosen on page pg as the check page and the person's copy show them: [{"id",
 * "picture":{"src"},"text":{text object}}]. A chosen card's text is the card's own
 * (<page>/card/<id>); on a `private: yes` page it is the person's answer (answer/<page>/card/
 * <id>, "private": true). NULL when none is chosen (or memory runs out). */
cJSON *cards_answer(const content_page *pg, const char *stored);

/* The words of the chosen cards, in the page's order, as a JSON array of strings (the staff
 * pages show them as a list); NULL when none is chosen. bold marks are left as written. */
cJSON *cards_words(const content_page *pg, const char *stored);

#endif
