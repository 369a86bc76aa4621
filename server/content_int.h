/* content_int.h: what the content's files share (content.c loads and checks; content_parse.c
 * reads the files line by line), as SQLite's files share sqliteInt.h. Not for other modules. */
#ifndef PLANALOUD_CONTENT_INT_H
#define PLANALOUD_CONTENT_INT_H

#include "content.h"

#include <stddef.h>

#define CONTENT_DEFAULT_TEXT_LIMIT	200
#define CONTENT_DEFAULT_LONG_TEXT_LIMIT 2000

typedef struct named {
	char *name;
	char *text;
	int line;
} named;

struct content {
	char *lang;
	char *dir;	     /* easyread/<lang>, for error messages */
	char *language_name; /* language.txt: the language's name in itself */
	char *language_english;
	char *voice; /* the eSpeak NG language */
	int rtl;
	int reviewed;
	content_page *pages;
	size_t npages;
	char **parts;
	size_t nparts;
	named *messages;
	size_t nmessages;
	named *pictures;
	size_t npictures;
	char **words;
	size_t nwords;
	content_hard_word *hard; /* hard-words.txt */
	size_t nhard;
	char **everyday; /* abbreviations that need no explanation ("OK") */
	size_t neveryday;
};

/* Where reading has got to, and where a failure's reason goes. */
typedef struct parser {
	content *c;
	const char *path;
	int line;
	int part;    /* current part, or -1 inside a group, or -2 before any */
	int in_page; /* a page: line has started a page in this part or group */
	/* The page being read, per hard word: 0 not seen, > 0 the line it was first used on
	 * without its explanation, -1 explained (content_words.c). */
	int *hard_seen;
	char *err;
	size_t errlen;
} parser;

/* Writes "path:line: reason" into the parser's err. Always -1. */
int content_fail(parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* arr (n elements of size bytes) with room for one more, or NULL when memory runs out (arr is
 * unchanged then). */
void *content_grow(void *arr, size_t n, size_t size);

/* Splits "key: value" in place. 1 for a blank or note line, 0 for a line, -1 (reported) if
 * bad. */
int content_split_line(parser *p, char *line, char **key, char **value);
/* text keeps the easy-read rules for sentences and bold: 0, or -1 (reported). */
int content_check_easy_read(parser *p, const char *text);

/* The entry of arr (n of them) with this name, or NULL. */
const named *content_find_named(const named *arr, size_t n, const char *name);
/* Reads dir/language.txt into the parser's content: 0, or -1 (reported). */
int content_language_read(parser *p, const char *dir);
/* The first message the server needs that c lacks, or NULL; staff: the staff pages' and the
 * alerts' messages (English only) rather than the person's. */
const char *content_missing_required(const content *c, int staff);

/* Reads the file at path (borrowed for the parser's life) a line at a time through fn. */
typedef int (*content_line_fn)(parser *p, char *line);
int content_parse_file(parser *p, const char *path, content_line_fn fn);
/* The line readers of each kind of file: a journey file's, messages.txt's, pictures.txt's,
 * codewords.txt's. */
int content_page_line(parser *p, char *line);
int content_message_line(parser *p, char *line);
int content_picture_line(parser *p, char *line);
int content_word_line(parser *p, char *line);
/* hard-words.txt's lines (content_words.c), and the checks once it is read: 0, or -1. */
int content_hard_word_line(parser *p, char *line);
int content_hard_words_done(parser *p);
/* The hard words a page's text uses (content_words.c): key is the line's key ("say", "title",
 * ...). The first say line that uses a hard word must show it in bold, and a page must explain
 * every hard word it uses; content_page_end reports one it did not. 0, or -1 (reported). */
int content_page_text(parser *p, const char *key, const char *text);
int content_page_end(parser *p);

#endif
