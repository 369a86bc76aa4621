/* test_staff_languages: the staff protocol and the languages a person writes in (docs/staff.md,
 * "Languages"). Every language folder of easyread/ is loaded, as the server does; the person
 * writes on the kiosk's own protocol on the same store. A plan says its language by its English
 * name and direction, and whether the person asked for an interpreter; the person's own words are
 * marked as such (the page shows them in their script), the content's words are not; an
 * invitation keeps the letter's language for the kiosk; the letter's words come in that
 * language; an unknown language is refused plainly and makes nothing. */
#include "check.h"
#include "languages.h"
#include "staff_fixture.h"
#include "store.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static languages *langs;

/* Some Arabic, as a person might type it: "I like the garden." and "I like music." */
#define ARABIC_1 "أحب الحديقة."
#define ARABIC_2 "أحب الموسيقى."

/* A kiosk session that chooses lang (NULL: leaves the language as it starts), says the person
 * writes for themselves, and opens the plan by its code. */
static int kiosk_in(kiosk_side *k, const char *lang, const char *code)
{
	memset(k, 0, sizeof(*k));
	k->s = kiosk_session_open(fx.kiosk, &k->conn, "127.0.0.9");
	return k->s && (!lang || kiosk_say(k, "{\"type\":\"language\",\"lang\":\"%s\"}", lang)) &&
	       kiosk_say(k, "{\"type\":\"answer\",\"page\":\"who\",\"value\":\"me\"}") &&
	       kiosk_say(k, "{\"type\":\"code\",\"code\":\"%s\"}", code);
}

/* The answer row of page (and field) in the plan's sections, or NULL. */
static const cJSON *answer_row(const cJSON *plan, const char *page, const char *field)
{
	const cJSON *sec, *a;

	cJSON_ArrayForEach(sec, at(plan, "sections"))
	{
		cJSON_ArrayForEach(a, cJSON_GetObjectItem(sec, "answers"))
		{
			if (strcmp(str(a, "page"), page) == 0 &&
			    strcmp(str(a, "field"), field) == 0)
				return a;
		}
	}
	return NULL;
}

/* The row of the array at path whose field `key` is `value`, or NULL. */
static const cJSON *row_with(const cJSON *o, const char *path, const char *key, const char *value)
{
	const cJSON *r;

	cJSON_ArrayForEach(r, at(o, path))
	{
		const char *v = str(r, key);

		if (v && strcmp(v, value) == 0)
			return r;
	}
	return NULL;
}

/* The caseload row of plan, from the first page. Borrowed from m. */
static const cJSON *caseload_row(const cJSON *m, long long plan)
{
	const cJSON *r;

	cJSON_ArrayForEach(r, at(m, "plans"))
	{
		if (num(r, "plan") == (double)plan)
			return r;
	}
	return NULL;
}

static int is_true(const cJSON *o, const char *path)
{
	return cJSON_IsTrue(at(o, path));
}

static void a_plan_should_say_its_language_and_whether_the_person_wants_an_interpreter(void)
{
	char code[CODE_MAX];
	long long plan = invite("Amira", code);
	const cJSON *a;
	kiosk_side k;
	cJSON *m;

	CHECK(plan > 0);
	/* Before the person writes: English, and the interpreter question not answered. */
	m = ask(&fx.casey, "{\"type\":\"plan\",\"plan\":%lld}", plan);
	CHECK(is_type(m, "plan"));
	CHECK_STR(str(m, "lang"), "en-GB");
	CHECK_STR(str(m, "language"), "English");
	CHECK_STR(str(m, "dir"), "ltr");
	CHECK(cJSON_IsNull(at(m, "interpreter")));
	cJSON_Delete(m);

	/* The person chooses Arabic at the kiosk and writes in it. */
	CHECK(kiosk_in(&k, "ar", code));
	CHECK(kiosk_say(&k, "{\"type\":\"answer\",\"page\":\"like-admire\",\"value\":\"" ARABIC_1
			    "\"}"));
	CHECK(kiosk_say(&k, "{\"type\":\"answer\",\"page\":\"interpreter\",\"value\":\"yes\"}"));
	CHECK(kiosk_say(&k, "{\"type\":\"answer\",\"page\":\"managing\",\"value\":\"council\"}"));
	kiosk_close(&k);

	m = ask(&fx.casey, "{\"type\":\"plan\",\"plan\":%lld}", plan);
	CHECK(is_type(m, "plan"));
	CHECK_STR(str(m, "lang"), "ar");
	CHECK_STR(str(m, "language"), "Arabic");
	CHECK_STR(str(m, "dir"), "rtl");
	CHECK_STR(str(m, "interpreter"), "yes");
	/* What they typed is theirs, as written; the question beside it stays English. */
	a = answer_row(m, "like-admire", "");
	CHECK_STR(str(a, "value"), ARABIC_1);
	CHECK_STR(str(a, "label"), "What people like about me");
	CHECK(is_true(a, "verbatim"));
	/* A choice is the content's words, in English: not theirs. */
	a = answer_row(m, "managing", "");
	CHECK_STR(str(a, "text"), "The council arranges my support");
	CHECK(a && !is_true(a, "verbatim"));
	a = answer_row(m, "interpreter", "");
	CHECK(a && !is_true(a, "verbatim"));
	a = answer_row(m, "important-people", ""); /* not answered: nothing of theirs */
	CHECK(a && !is_true(a, "verbatim"));
	cJSON_Delete(m);

	/* "No" is said as no. */
	CHECK(kiosk_in(&k, NULL, code));
	CHECK(kiosk_say(&k, "{\"type\":\"answer\",\"page\":\"interpreter\",\"value\":\"no\"}"));
	kiosk_close(&k);
	m = ask(&fx.morgan, "{\"type\":\"plan\",\"plan\":%lld}", plan);
	CHECK_STR(str(m, "interpreter"), "no");
	CHECK_STR(str(m, "lang"), "ar"); /* kept with the plan: the kiosk opened it in Arabic */
	cJSON_Delete(m);
}

static void the_caseload_should_name_each_plans_language_and_mark_urgent_rows(void)
{
	char code[CODE_MAX];
	long long plan = invite("Bilal", code), english = invite("Chris", NULL);
	const cJSON *row;
	kiosk_side k;
	cJSON *m;

	CHECK(plan > 0 && english > 0);
	CHECK(kiosk_in(&k, "ur", code));
	CHECK(kiosk_say(&k, "{\"type\":\"answer\",\"page\":\"unsafe\",\"value\":\"yes\"}"));
	kiosk_close(&k);
	m = ask(&fx.casey, "{\"type\":\"caseload\"}");
	CHECK(is_type(m, "caseload"));
	row = caseload_row(m, plan);
	CHECK_STR(str(row, "lang"), "ur");
	CHECK_STR(str(row, "language"), "Urdu");
	CHECK_STR(str(row, "dir"), "rtl");
	row = caseload_row(m, english);
	CHECK_STR(str(row, "lang"), "en-GB");
	CHECK_STR(str(row, "language"), "English");
	/* what needs attention now names the language too (a reason is in the person's words) */
	row = NULL;
	cJSON_ArrayForEach(row, at(m, "urgent"))
	{
		if (num(row, "plan") == (double)plan)
			break;
	}
	CHECK_STR(str(row, "kind"), "safeguarding");
	CHECK_STR(str(row, "lang"), "ur");
	CHECK_STR(str(row, "dir"), "rtl");
	cJSON_Delete(m);
}

/* A language kept with a plan that this server no longer offers (--languages) is named by its
 * tag, and its direction left to the browser to find from the words. */
static void a_language_no_longer_offered_should_be_named_by_its_tag(void)
{
	long long plan = invite("Dev", NULL);
	cJSON *m;

	CHECK(plan > 0);
	CHECK(store_plan_set_lang(fx.st, plan, "gu") == 0);
	m = ask(&fx.casey, "{\"type\":\"plan\",\"plan\":%lld}", plan);
	CHECK_STR(str(m, "lang"), "gu");
	CHECK_STR(str(m, "language"), "gu");
	CHECK_STR(str(m, "dir"), "auto");
	cJSON_Delete(m);
}

/* 1 when one of the kiosk's replies since its last message is a hello in lang. */
static int kiosk_said_hello_in(const kiosk_side *k, const char *lang)
{
	int found = 0;

	for (int i = 0; i < k->conn.n && !found; i++) {
		cJSON *m = cJSON_Parse(k->conn.sent[i]);

		found = str(m, "type") && strcmp(str(m, "type"), "hello") == 0 && str(m, "lang") &&
			strcmp(str(m, "lang"), lang) == 0;
		cJSON_Delete(m);
	}
	return found;
}

static void an_invitation_in_a_language_should_keep_it_for_the_kiosk_and_the_letter(void)
{
	char code[CODE_MAX];
	long long plan = 0;
	kiosk_side k;
	cJSON *m;

	m = ask(&fx.casey, "{\"type\":\"invite\",\"seq\":4,\"person\":\"Dafydd\",\"lang\":\"cy\","
			   "\"needs\":[{\"text\":\"You need help to cook.\",\"eligible\":true}]}");
	CHECK(is_type(m, "invited"));
	CHECK_STR(str(m, "lang"), "cy");
	if (str(m, "code")) {
		plan = (long long)num(m, "plan");
		snprintf(code, sizeof(code), "%s", str(m, "code"));
	}
	cJSON_Delete(m);
	CHECK(plan > 0);
	CHECK(db_count("SELECT count(*) FROM plans WHERE id = ?1 AND lang = 'cy'", plan) == 1);
	m = ask(&fx.casey, "{\"type\":\"plan\",\"plan\":%lld}", plan);
	CHECK_STR(str(m, "language"), "Welsh");
	cJSON_Delete(m);
	/* The kiosk opens it in Welsh: the person did not choose another this visit. */
	CHECK(plan > 0 && kiosk_in(&k, NULL, code));
	CHECK(kiosk_said_hello_in(&k, "cy"));
	kiosk_close(&k);
	/* A new code's letter is in the plan's language too. */
	m = ask(&fx.morgan, "{\"type\":\"new_code\",\"plan\":%lld}", plan);
	CHECK(is_type(m, "invited"));
	CHECK_STR(str(m, "lang"), "cy");
	cJSON_Delete(m);
	/* Without a language: English on the letter, none kept for the kiosk. */
	m = ask(&fx.casey, "{\"type\":\"invite\",\"person\":\"Eve\",\"needs\":[{\"text\":\"You "
			   "need help to cook.\",\"eligible\":true}]}");
	CHECK_STR(str(m, "lang"), "en-GB");
	CHECK(db_count("SELECT count(*) FROM plans WHERE id = ?1 AND lang IS NULL",
		       (long long)num(m, "plan")) == 1);
	cJSON_Delete(m);
	/* English chosen is kept as chosen */
	m = ask(&fx.casey, "{\"type\":\"invite\",\"person\":\"Fay\",\"lang\":\"en-GB\",\"needs\":[{"
			   "\"text\":\"You need help to cook.\",\"eligible\":true}]}");
	CHECK_STR(str(m, "lang"), "en-GB");
	CHECK(db_count("SELECT count(*) FROM plans WHERE id = ?1 AND lang = 'en-GB'",
		       (long long)num(m, "plan")) == 1);
	cJSON_Delete(m);
}

static void an_invitation_in_an_unknown_language_should_be_refused_and_make_nothing(void)
{
	static const char *const bad[] = {"\"xx\"", "\"\"",	 "7",	    "true",
					  "\"CY\"", "\"staff\"", "[\"cy\"]"};
	long long plans = db_count("SELECT count(*) FROM plans WHERE id > ?1", 0);
	long long audit = db_count("SELECT count(*) FROM audit WHERE id > ?1", 0);
	cJSON *m;

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		CHECK(refused(&fx.casey, "bad-lang",
			      "{\"type\":\"invite\",\"person\":\"Gil\",\"lang\":%s,\"needs\":[{"
			      "\"text\":\"You need help to cook.\",\"eligible\":true}]}",
			      bad[i]));
	/* in plain words, the staff's own */
	m = ask(&fx.casey, "{\"type\":\"invite\",\"person\":\"Gil\",\"lang\":\"xx\",\"needs\":[{"
			   "\"text\":\"You need help to cook.\",\"eligible\":true}]}");
	CHECK_STR(str(m, "message"), content_message(ct, "staff.error.bad-lang"));
	cJSON_Delete(m);
	CHECK(db_count("SELECT count(*) FROM plans WHERE id > ?1", 0) == plans);
	CHECK(db_count("SELECT count(*) FROM audit WHERE id > ?1", 0) == audit);
	/* the connection goes on */
	CHECK(done(&fx.casey, "me", "{\"type\":\"me\"}"));
}

/* How many of c's messages the letter uses: letter.*, and code.numbers. */
static int letter_message_count(const content *c)
{
	int n = 0;

	for (size_t i = 0; i < content_message_count(c); i++) {
		const char *name, *text;

		content_message_at(c, i, &name, &text);
		n += strncmp(name, "letter.", 7) == 0 || strcmp(name, "code.numbers") == 0;
	}
	return n;
}

/* The letter_words reply for lang is that language's own words, all of them and nothing more. */
static void check_letter(person *p, const char *lang, const char *english, const char *dir)
{
	const content *c = languages_find(langs, lang);
	cJSON *m = ask(p, "{\"type\":\"letter_words\",\"seq\":9,\"lang\":\"%s\"}", lang);
	const cJSON *w;
	int only_letter = 1;

	CHECK(c != NULL && is_type(m, "letter_words"));
	CHECK(num(m, "seq") == 9);
	CHECK_STR(str(m, "lang"), lang);
	CHECK_STR(str(m, "language"), english);
	CHECK_STR(str(m, "dir"), dir);
	CHECK_STR(str(m, "name"), c ? content_language_name(c) : NULL);
	w = at(m, "words");
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(w, "letter.title")),
		  c ? content_message(c, "letter.title") : NULL);
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(w, "letter.keep")),
		  c ? content_message(c, "letter.keep") : NULL);
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(w, "code.numbers")),
		  c ? content_message(c, "code.numbers") : NULL);
	CHECK(c && cJSON_GetArraySize(w) == letter_message_count(c));
	for (const cJSON *x = w ? w->child : NULL; x; x = x->next)
		only_letter &=
		    strncmp(x->string, "letter.", 7) == 0 || strcmp(x->string, "code.numbers") == 0;
	CHECK(only_letter);
	cJSON_Delete(m);
}

static void letter_words_should_give_a_languages_letter_in_its_own_words_and_direction(void)
{
	long long audit = db_count("SELECT count(*) FROM audit WHERE id > ?1", 0);

	check_letter(&fx.casey, "cy", "Welsh", "ltr");
	check_letter(&fx.morgan, "ar", "Arabic", "rtl");
	check_letter(&fx.casey, "ur", "Urdu", "rtl");
	check_letter(&fx.casey, "en-GB", "English", "ltr");
	/* the Welsh words are not the English ones */
	CHECK(strcmp(content_message(languages_find(langs, "cy"), "letter.title"),
		     content_message(ct, "letter.title")) != 0);
	CHECK(refused(&fx.casey, "bad-lang", "{\"type\":\"letter_words\",\"lang\":\"xx\"}"));
	CHECK(refused(&fx.casey, "bad-lang", "{\"type\":\"letter_words\"}"));
	CHECK(refused(&fx.casey, "bad-lang", "{\"type\":\"letter_words\",\"lang\":null}"));
	/* who may invite may print a letter; an administrator does neither */
	CHECK(refused(&fx.ada, "not-allowed-role", "{\"type\":\"letter_words\",\"lang\":\"cy\"}"));
	CHECK(db_count("SELECT count(*) FROM audit WHERE id > ?1", 0) == audit);
}

static void me_should_list_every_language_english_first_and_the_interpreter_words(void)
{
	cJSON *m = ask(&fx.casey, "{\"type\":\"me\"}");
	const content *ur = languages_find(langs, "ur");
	const cJSON *row;

	CHECK(is_type(m, "me"));
	CHECK(count(m, "words.languages") == (int)languages_count(langs));
	CHECK_STR(str(m, "words.languages.0.lang"), "en-GB");
	CHECK_STR(str(m, "words.languages.0.english"), "English");
	row = row_with(m, "words.languages", "lang", "ur");
	CHECK_STR(str(row, "english"), "Urdu");
	CHECK_STR(str(row, "name"), ur ? content_language_name(ur) : NULL);
	CHECK_STR(str(row, "dir"), "rtl");
	row = row_with(m, "words.languages", "lang", "cy");
	CHECK_STR(str(row, "dir"), "ltr");
	CHECK_STR(str(m, "words.language"), content_message(ct, "staff.language"));
	CHECK_STR(str(m, "words.interpreter.title"),
		  content_message(ct, "staff.interpreter.title"));
	CHECK_STR(str(m, "words.interpreter.yes"), content_message(ct, "staff.interpreter.yes"));
	CHECK_STR(str(m, "words.interpreter.no"), content_message(ct, "staff.interpreter.no"));
	CHECK_STR(str(m, "words.interpreter.none"), content_message(ct, "staff.interpreter.none"));
	cJSON_Delete(m);
}

/* The change of page (and field) in a diff reply, or NULL. */
static const cJSON *change_of(const cJSON *m, const char *section)
{
	return row_with(m, "changes", "section", section);
}

static void versions_compared_should_mark_the_persons_own_words_and_their_language(void)
{
	char code[CODE_MAX];
	long long plan = invite("Hana", code);
	const cJSON *ch;
	kiosk_side k;
	cJSON *m;

	CHECK(plan > 0);
	CHECK(kiosk_in(&k, "ar", code));
	CHECK(kiosk_say(&k, "{\"type\":\"answer\",\"page\":\"like-admire\",\"value\":\"" ARABIC_1
			    "\"}"));
	CHECK(kiosk_say(&k, "{\"type\":\"answer\",\"page\":\"interpreter\",\"value\":\"yes\"}"));
	CHECK(kiosk_send(&k, plan));
	kiosk_close(&k);
	CHECK(done(&fx.casey, "plan", "{\"type\":\"send_back\",\"plan\":%lld}", plan));
	CHECK(kiosk_in(&k, NULL, code));
	CHECK(kiosk_say(&k, "{\"type\":\"answer\",\"page\":\"like-admire\",\"value\":\"" ARABIC_2
			    "\"}"));
	CHECK(kiosk_say(&k, "{\"type\":\"answer\",\"page\":\"interpreter\",\"value\":\"no\"}"));
	CHECK(kiosk_send(&k, plan));
	kiosk_close(&k);

	m = ask(&fx.casey, "{\"type\":\"versions\",\"plan\":%lld}", plan);
	CHECK(count(m, "versions") == 2);
	CHECK_STR(str(m, "lang"), "ar");
	CHECK_STR(str(m, "dir"), "rtl");
	cJSON_Delete(m);
	m = ask(&fx.casey, "{\"type\":\"diff\",\"plan\":%lld,\"from\":1,\"to\":2}", plan);
	CHECK(is_type(m, "diff"));
	CHECK_STR(str(m, "lang"), "ar");
	CHECK_STR(str(m, "language"), "Arabic");
	CHECK_STR(str(m, "dir"), "rtl");
	ch = change_of(m, "like-admire");
	CHECK_STR(str(ch, "before"), ARABIC_1);
	CHECK_STR(str(ch, "after"), ARABIC_2);
	CHECK(is_true(ch, "verbatim"));
	ch = change_of(m, "interpreter");
	CHECK_STR(str(ch, "after"), "no");
	CHECK(ch && !is_true(ch, "verbatim"));
	cJSON_Delete(m);
}

int main(void)
{
	char err[512];

	if (fixture_begin("languages")) {
		CHECK(0);
		return check_report();
	}
	langs = languages_load(PLANALOUD_SOURCE_DIR "/easyread", NULL,
			       PLANALOUD_SOURCE_DIR "/web/pictures", err, sizeof(err));
	if (!langs || kiosk_set_languages(fx.kiosk, langs, NULL)) {
		fprintf(stderr, "test_staff_languages: %s\n", langs ? "out of memory" : err);
		CHECK(0);
		return check_report();
	}
	staff_set_languages(fx.sf, langs);
	RUN(a_plan_should_say_its_language_and_whether_the_person_wants_an_interpreter);
	RUN(the_caseload_should_name_each_plans_language_and_mark_urgent_rows);
	RUN(a_language_no_longer_offered_should_be_named_by_its_tag);
	RUN(an_invitation_in_a_language_should_keep_it_for_the_kiosk_and_the_letter);
	RUN(an_invitation_in_an_unknown_language_should_be_refused_and_make_nothing);
	RUN(letter_words_should_give_a_languages_letter_in_its_own_words_and_direction);
	RUN(me_should_list_every_language_english_first_and_the_interpreter_words);
	RUN(versions_compared_should_mark_the_persons_own_words_and_their_language);
	fixture_end();
	languages_free(langs);
	return check_report();
}
