/* Tests for server/cards.c: the cards a person chose, checked against the page and stored in the
 * page's order; the page's cards and the chosen ones as the kiosk and the staff pages get them. */
#include "check.h"

#include "cards.h"

#include <cjson/cJSON.h>

/* The cards' strings, writable as content_card holds them. */
static char home[] = "home", park[] = "park", cafe[] = "parks-cafe";
static char places[] = "places", tree[] = "tree", cup[] = "cafe";
static char home_w[] = "Home", park_w[] = "Park", cafe_w[] = "Café";
static content_card three[] = {
    {home, places, home_w, 1},
    {park, tree, park_w, 2},
    {cafe, cup, cafe_w, 3},
};
static char page_id[] = "important-places";

static content_page page_of(int private_answers)
{
	content_page pg = {0};

	pg.id = page_id;
	pg.kind = KIND_LONG_TEXT;
	pg.cards = three;
	pg.ncards = 3;
	pg.private_answers = private_answers;
	return pg;
}

/* cards_value of the JSON text ids; its result into *rc. */
static const char *value_of(const char *ids, int *rc)
{
	static char out[CONTENT_MAX_CARDS * 50];
	content_page pg = page_of(0);
	cJSON *j = cJSON_Parse(ids);

	*rc = cards_value(&pg, j, out, sizeof(out));
	cJSON_Delete(j);
	return out;
}

static void cards_value_should_keep_the_page_order_and_each_card_once(void)
{
	int rc;

	CHECK_STR(value_of("[\"parks-cafe\",\"home\",\"parks-cafe\"]", &rc), "home,parks-cafe");
	CHECK(rc == 0);
	CHECK_STR(value_of("[]", &rc), "");
	CHECK(rc == 0);
}

static void cards_value_should_refuse_a_card_the_page_does_not_have(void)
{
	int rc;

	CHECK_STR(value_of("[\"home\",\"moon\"]", &rc), "");
	CHECK(rc == -2);
	CHECK_STR(value_of("[\"par\"]", &rc), "");
	CHECK(rc == -2);
}

static void cards_value_should_refuse_anything_but_an_array_of_names(void)
{
	int rc;

	value_of("\"home\"", &rc);
	CHECK(rc == -1);
	value_of("[\"home\",3]", &rc);
	CHECK(rc == -1);
	value_of("[null]", &rc);
	CHECK(rc == -1);
	value_of("{\"home\":true}", &rc);
	CHECK(rc == -1);
}

static void cards_chosen_should_match_whole_names_only(void)
{
	CHECK(cards_chosen("home,parks-cafe", "home"));
	CHECK(cards_chosen("home,parks-cafe", "parks-cafe"));
	CHECK(!cards_chosen("home,parks-cafe", "park"));
	CHECK(!cards_chosen("", "home"));
	CHECK(!cards_chosen(NULL, "home"));
}

static const char *text_id(const cJSON *card)
{
	return cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(card, "text"), "id"));
}

static void the_page_should_show_every_card_with_its_picture_and_whether_it_is_chosen(void)
{
	content_page pg = page_of(0);
	cJSON *a = cards_page(&pg, "park");
	const cJSON *second = cJSON_GetArrayItem(a, 1);

	CHECK(cJSON_GetArraySize(a) == 3);
	CHECK_STR(text_id(second), "important-places/card/park");
	CHECK_STR(cJSON_GetStringValue(
		      cJSON_GetObjectItem(cJSON_GetObjectItem(second, "picture"), "src")),
		  "/pictures/tree.svg");
	CHECK(cJSON_IsTrue(cJSON_GetObjectItem(second, "chosen")));
	CHECK(cJSON_IsFalse(cJSON_GetObjectItem(cJSON_GetArrayItem(a, 0), "chosen")));
	cJSON_Delete(a);
}

static void the_chosen_cards_should_be_private_on_a_private_page(void)
{
	content_page open = page_of(0), closed = page_of(1);
	cJSON *a = cards_answer(&open, "home,parks-cafe"), *b = cards_answer(&closed, "home");
	const cJSON *text = cJSON_GetObjectItem(cJSON_GetArrayItem(b, 0), "text");

	CHECK(cJSON_GetArraySize(a) == 2);
	CHECK_STR(text_id(cJSON_GetArrayItem(a, 1)), "important-places/card/parks-cafe");
	CHECK(
	    !cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetArrayItem(a, 0), "text"), "private"));
	CHECK_STR(text_id(cJSON_GetArrayItem(b, 0)), "answer/important-places/card/home");
	CHECK(cJSON_IsTrue(cJSON_GetObjectItem(text, "private")));
	CHECK(cards_answer(&open, "") == NULL);
	cJSON_Delete(a);
	cJSON_Delete(b);
}

static void staff_should_get_the_chosen_cards_words(void)
{
	content_page pg = page_of(0);
	cJSON *w = cards_words(&pg, "home,parks-cafe");

	CHECK(cJSON_GetArraySize(w) == 2);
	CHECK_STR(cJSON_GetStringValue(cJSON_GetArrayItem(w, 0)), "Home");
	CHECK_STR(cJSON_GetStringValue(cJSON_GetArrayItem(w, 1)), "Café");
	CHECK(cards_words(&pg, NULL) == NULL);
	cJSON_Delete(w);
}

int main(void)
{
	RUN(cards_value_should_keep_the_page_order_and_each_card_once);
	RUN(cards_value_should_refuse_a_card_the_page_does_not_have);
	RUN(cards_value_should_refuse_anything_but_an_array_of_names);
	RUN(cards_chosen_should_match_whole_names_only);
	RUN(the_page_should_show_every_card_with_its_picture_and_whether_it_is_chosen);
	RUN(the_chosen_cards_should_be_private_on_a_private_page);
	RUN(staff_should_get_the_chosen_cards_words);
	return check_report();
}
