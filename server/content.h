/* content: the easy-read pages, messages, picture descriptions and code words, loaded from
 * easyread/ and checked at start-up (format: docs/content-format.md). After content_load()
 * everything is read-only, so the records below are plain structs that other modules read. */
#ifndef PLANALOUD_CONTENT_H
#define PLANALOUD_CONTENT_H

#include <stddef.h>

typedef enum page_kind {
	KIND_INFO,
	KIND_TEXT,
	KIND_LONG_TEXT,
	KIND_CHOICE,
	KIND_YES_NO,
	KIND_LIST,
	KIND_CODE,
	KIND_NEEDS,
	KIND_CHECK,
	KIND_SEND,
	KIND_SENT,
	KIND_WELCOME_BACK,
	KIND_STATUS,
	KIND_REVIEW,
	KIND_SAVED_CODE,
	KIND_COMMENTS,	 /* what the social worker wrote, when the person comes back */
	KIND_AGREE,	 /* "Is this your plan?": yes, or no */
	KIND_AGREED,	 /* thank you for saying yes */
	KIND_NOT_AGREED, /* why not, and how to complain */
	KIND_COPY,	 /* the person's copy of their signed-off plan, to print or hear */
	KIND_WELCOME,	 /* the first page: how to use sound, and "Are you using headphones?" */
	KIND_COUNT
} page_kind;

typedef enum field_type { FIELD_TEXT, FIELD_LONG_TEXT, FIELD_MONEY, FIELD_DATE } field_type;

typedef struct content_option {
	char *value;
	char *text;
} content_option;

/* A picture card: one answer a person can give by touching it (docs/content-format.md, "Picture
 * cards"). Its words are one to three; its picture is described in pictures.txt. */
typedef struct content_card {
	char *id;
	char *picture;
	char *text;
	int line;
} content_card;

/* The most cards a page may have (focus speech reads "2 of 8" ahead for up to 12). */
#define CONTENT_MAX_CARDS 12
/* The most words on a card. */
#define CONTENT_CARD_WORDS 3

typedef struct content_field {
	char *name;
	field_type type;
	char *label;
	int limit; /* characters */
} content_field;

typedef struct content_cond {
	char *page; /* an earlier page's name */
	int negate; /* != instead of = */
	char *value;
	int line; /* where it was written */
} content_cond;

typedef struct content_page {
	char *id;
	page_kind kind;
	int part; /* index of its part, or -1 for pages in a group (off the journey) */
	char *picture;
	char *title;
	char **say;
	size_t nsay;
	char *ask;  /* NULL when the page asks nothing */
	char *hint; /* may be NULL */
	content_option *options;
	size_t noptions;
	content_card *cards; /* text and long-text pages: answers by touching a picture */
	size_t ncards;
	content_field *fields; /* list pages */
	size_t nfields;
	char *total; /* list pages: the money field to total, or NULL */
	int limit;   /* characters, for text answers */
	content_cond *conds;
	size_t nconds;
	char *flag;	     /* yes-no pages: "safeguarding" or "advocacy", or NULL */
	int private_answers; /* `private: yes`: the answers are not read aloud without headphones */
	char *
	    offered; /* choice pages: "managing" shows only the ways the council offered, or NULL */
	char *file;  /* where the page was written, for error messages */
	int line;
	int picture_line;
} content_page;

/* A word from the hard-words list (hard-words.txt): the ways it is written (forms[0] is the
 * word itself; lowercase, one space between the words of a phrase), what it means in plain
 * words, and a plainer word or phrase to use instead (may be NULL). */
typedef struct content_hard_word {
	char **forms;
	size_t nforms;
	char *means;
	char *instead;
	int line;
} content_hard_word;

typedef struct content content;

/* Loads easyread/<lang>/ and easyread/codewords.txt, checking pictures against pictures_dir.
 * Returns NULL with "file:line: reason" in err when anything is wrong. Free with content_free. */
content *content_load(const char *easyread_dir, const char *lang, const char *pictures_dir,
		      char *err, size_t errlen);
void content_free(content *c);

/* The folder's name: the language's tag ("en-GB", "cy", "ur"), as the page's lang attribute. */
const char *content_lang(const content *c);
/* language.txt: the language's name in itself ("Cymraeg"), in English ("Welsh"), the eSpeak NG
 * language that reads it ("cy"), right to left or not, reviewed by a native translator or not. */
const char *content_language_name(const content *c);
const char *content_language_english(const content *c);
const char *content_voice_language(const content *c);
int content_is_rtl(const content *c);
int content_is_reviewed(const content *c);
/* Messages for the staff pages and the duty team's alerts (`staff.*`, `alert.*`): English only. */
int content_is_staff_message(const char *name);
/* The first staff message the server needs that c lacks (English must have them), or NULL. */
const char *content_missing_staff_message(const content *c);
/* tr is a translation of en with the same shape: the same pages in the same order (kinds,
 * pictures, options, cards, items, show-if, flags), the same messages with the same blanks but
 * none for staff (a "-few" form may be added), the same pictures. 0, or -1 with
 * "file:line: reason" in err. */
int content_same_shape(const content *en, const content *tr, char *err, size_t errlen);
size_t content_page_count(const content *c);
const content_page *content_page_at(const content *c, size_t i);
/* The card of page pg with this id, or NULL. */
const content_card *content_card_find(const content_page *pg, const char *id);
/* The page with this name, or NULL; *index gets its position when index is not NULL. */
const content_page *content_page_find(const content *c, const char *id, size_t *index);
/* The one page of a kind that appears exactly once (code, check, send, ...). */
const content_page *content_page_of_kind(const content *c, page_kind kind);
size_t content_part_count(const content *c);
const char *content_part_title(const content *c, int part);

/* A message's text, or NULL. Borrowed for the content's lifetime. */
const char *content_message(const content *c, const char *name);
size_t content_message_count(const content *c);
/* The message `name` with {placeholders} filled from kv ("name", "value", ..., NULL). When a
 * blank is filled with 1 and the content has a message "<name>-one", that one is used (one
 * second, not "1 seconds"). Returns a malloc'd string the caller frees; the name itself when the
 * message is missing. */
char *content_fill(const content *c, const char *name, const char *const *kv);
/* The text t with its {placeholders} filled from kv, as content_fill. A malloc'd string. */
char *content_fill_text(const char *t, const char *const *kv);
void content_message_at(const content *c, size_t i, const char **name, const char **text);

/* A picture's text alternative, or NULL when the picture is unknown. */
const char *content_picture_alt(const content *c, const char *picture);

size_t content_codeword_count(const content *c);
const char *content_codeword(const content *c, size_t i);
/* The word's position in the list, or -1. */
long content_codeword_index(const content *c, const char *word, size_t len);

size_t content_hard_word_count(const content *c);
const content_hard_word *content_hard_word_at(const content *c, size_t i);
/* 1 when the abbreviation (len bytes, as written) is an everyday one that needs no explaining. */
int content_is_everyday(const content *c, const char *word, size_t len);

/* Easy read: at most this many words in a sentence. */
#define CONTENT_SENTENCE_MAX 15

/* The next sentence of text from byte *pos: returns its number of words, with [*start, *pos)
 * its bytes (spaces before it left out); -1 when no sentence is left. */
int content_sentence_next(const char *text, size_t *pos, size_t *start);
/* The number of words in the longest sentence of text (used by the checks and their tests). */
int content_longest_sentence(const char *text);

const char *page_kind_name(page_kind kind);
int page_kind_takes_answer(page_kind kind);

#endif
