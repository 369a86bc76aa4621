/* config: the configuration file (e.g. /etc/planaloud/planaloud.conf) read into its settings.
 *
 * The format (docs/deployment.md, "The configuration file"): one `key = value` a line; blank
 * lines and lines starting with `#` are skipped; spaces around the key and the value are
 * trimmed; an unquoted value ends at a `#` that follows a space (a comment); a value in double
 * quotes is taken exactly as written between them (it cannot hold a double quote itself).
 *
 * This module knows the format only, not which keys exist: options.c runs each setting through
 * the command line's option table. It refuses, naming the file and the line: a line without
 * `=`, a key that is not letters, digits and hyphens, a key given twice, a line over
 * CONFIG_LINE_MAX bytes, a NUL byte, text that is not UTF-8, an unclosed quote. And, for the
 * file itself: one that group or others may write, or that another user (not root) owns,
 * because it configures a server holding people's care plans. */
#ifndef PLANALOUD_CONFIG_H
#define PLANALOUD_CONFIG_H

#include <stddef.h>

#define CONFIG_LINE_MAX 4096	      /* bytes in a line, not counting its line break */
#define CONFIG_FILE_MAX (1024 * 1024) /* bytes in the whole file */

typedef struct config config;

typedef struct config_entry {
	const char *key;   /* as written (letters, digits, hyphens) */
	const char *value; /* trimmed, quotes removed; "" when nothing followed the = */
	int line;	   /* 1-based */
} config_entry;

/* Reads and checks the file at path. NULL with "PATH:LINE: reason" (or "PATH: reason", or
 * "cannot read the configuration file PATH: ...") in err. *unreadable (may be NULL) is set to 1
 * when the file could not be opened or read at all, 0 otherwise. Free with config_free(). */
config *config_read(const char *path, int *unreadable, char *err, size_t errlen);
/* The same checks on text[0..len) (not the file's mode or owner), as if read from a file called
 * name (copied). NULL with the reason in err. Free with config_free(). */
config *config_parse(const char *name, const char *text, size_t len, char *err, size_t errlen);
/* The file's name as given; borrowed until config_free. */
const char *config_name(const config *c);
size_t config_count(const config *c);
/* The i-th setting, in the file's order (i < config_count); borrowed until config_free. */
const config_entry *config_at(const config *c, size_t i);
/* config_free(NULL) is a no-op. */
void config_free(config *c);

#endif
