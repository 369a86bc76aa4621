#include "config.h"

#include "err.h"
#include "utf8.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct config {
	char *name;
	char *text; /* a copy of the file, cut into keys and values in place */
	config_entry *entries;
	size_t count, cap;
};

static int blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

/* s[0..*len) without the blanks at both ends: returns the new start, *len the new length. */
static char *trim(char *s, size_t *len)
{
	while (*len && blank(*s))
		s++, (*len)--;
	while (*len && blank(s[*len - 1]))
		(*len)--;
	return s;
}

static int key_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '-' || ch == '_';
}

/* The value after the '=' of line n (v[0..len), trimmed), NUL-terminated in place: quotes
 * removed, or a comment cut off. Returns it, or NULL with the reason in err. */
static char *take_value(const config *c, int n, char *v, size_t len, char *err, size_t errlen)
{
	v = trim(v, &len);
	if (len && v[0] == '"') {
		char *close = memchr(v + 1, '"', len - 1);
		size_t rest;

		if (!close) {
			err_set(err, errlen,
				"%s:%d: the value opens a double quote (\") but does not close it",
				c->name, n);
			return NULL;
		}
		rest = len - (size_t)(close + 1 - v);
		for (size_t i = 0; i < rest && close[1 + i] != '#'; i++)
			if (!blank(close[1 + i])) {
				err_set(err, errlen,
					"%s:%d: only a comment (#) may follow the closing double "
					"quote of the value",
					c->name, n);
				return NULL;
			}
		*close = '\0';
		return v + 1;
	}
	for (size_t i = 0; i < len; i++) {
		if (v[i] == '#' && (i == 0 || blank(v[i - 1]))) {
			len = i;
			break;
		}
		if (v[i] == '"') {
			err_set(err, errlen,
				"%s:%d: a double quote (\") may only go around the whole value",
				c->name, n);
			return NULL;
		}
	}
	v = trim(v, &len);
	v[len] = '\0';
	return v;
}

static int add_entry(config *c, const char *key, const char *value, int n, char *err, size_t errlen)
{
	for (size_t i = 0; i < c->count; i++)
		if (strcmp(c->entries[i].key, key) == 0)
			return err_set(err, errlen,
				       "%s:%d: '%s' is set twice, here and on line %d: keep one",
				       c->name, n, key, c->entries[i].line);
	if (c->count == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 32;
		config_entry *e = realloc(c->entries, cap * sizeof(*e));

		if (!e)
			return err_set(err, errlen, "out of memory");
		c->entries = e;
		c->cap = cap;
	}
	c->entries[c->count++] = (config_entry){key, value, n};
	return 0;
}

/* One line (s[0..len), without its line break, NUL at s[len]) numbered n. 0, or -1. */
static int take_line(config *c, int n, char *s, size_t len, char *err, size_t errlen)
{
	char *eq, *key, *value;
	size_t klen;

	if (len > CONFIG_LINE_MAX)
		return err_set(err, errlen, "%s:%d: the line is longer than %d bytes", c->name, n,
			       CONFIG_LINE_MAX);
	if (memchr(s, '\0', len))
		return err_set(err, errlen,
			       "%s:%d: the line holds a NUL byte: this is not a text file", c->name,
			       n);
	if (!utf8_valid(s, len))
		return err_set(err, errlen,
			       "%s:%d: the line is not UTF-8 text: save the file as UTF-8", c->name,
			       n);
	s = trim(s, &len);
	if (len == 0 || s[0] == '#')
		return 0;
	eq = memchr(s, '=', len);
	if (!eq)
		return err_set(err, errlen,
			       "%s:%d: a setting is written 'key = value', and this line has no "
			       "'='",
			       c->name, n);
	klen = (size_t)(eq - s);
	key = trim(s, &klen);
	if (klen == 0)
		return err_set(err, errlen, "%s:%d: the line has no key before its '='", c->name,
			       n);
	if (klen > 2 && key[0] == '-' && key[1] == '-')
		return err_set(err, errlen,
			       "%s:%d: write the key without its dashes: '%.*s = ...', not "
			       "'%.*s = ...'",
			       c->name, n, (int)klen - 2, key + 2, (int)klen, key);
	for (size_t i = 0; i < klen; i++)
		if (!key_char(key[i]))
			return err_set(err, errlen,
				       "%s:%d: '%.*s' is not a key: keys are letters, digits and "
				       "hyphens, as the options in planaloud --help",
				       c->name, n, (int)klen, key);
	key[klen] = '\0';
	value = take_value(c, n, eq + 1, len - (size_t)(eq + 1 - s), err, errlen);
	if (!value)
		return -1;
	return add_entry(c, key, value, n, err, errlen);
}

config *config_parse(const char *name, const char *text, size_t len, char *err, size_t errlen)
{
	config *c = calloc(1, sizeof(*c));
	size_t at = 0;
	int n = 1;

	if (!c || !(c->name = strdup(name)) || !(c->text = malloc(len + 1))) {
		err_set(err, errlen, "out of memory");
		goto fail;
	}
	memcpy(c->text, text, len);
	c->text[len] = '\0';
	if (len >= 3 && memcmp(c->text, "\xEF\xBB\xBF", 3) == 0)
		at = 3; /* a byte order mark, as some editors write */
	while (at < len) {
		char *nl = memchr(c->text + at, '\n', len - at);
		size_t end = nl ? (size_t)(nl - c->text) : len;

		c->text[end] = '\0';
		if (take_line(c, n, c->text + at, end - at, err, errlen))
			goto fail;
		at = end + 1;
		n++;
	}
	return c;
fail:
	config_free(c);
	return NULL;
}

/* The file's mode and owner, of the open file fd: 0, or -1 with the reason. */
static int check_owner(const char *path, const struct stat *sb, char *err, size_t errlen)
{
	if (!S_ISREG(sb->st_mode))
		return err_set(err, errlen, "the configuration file %s is not a file", path);
	if (sb->st_mode & (S_IWGRP | S_IWOTH))
		return err_set(err, errlen,
			       "other users can change the configuration file %s (mode %03o). It "
			       "configures a server that holds people's care plans. Make it "
			       "writable by its owner alone: chmod go-w %s",
			       path, (unsigned)(sb->st_mode & 0777), path);
	if (sb->st_uid != 0 && sb->st_uid != geteuid())
		return err_set(err, errlen,
			       "the configuration file %s belongs to another user (number %u), who "
			       "could change it. It configures a server that holds people's care "
			       "plans. Give it to root: chown root %s",
			       path, (unsigned)sb->st_uid, path);
	return 0;
}

config *config_read(const char *path, int *unreadable, char *err, size_t errlen)
{
	struct stat sb;
	config *c = NULL;
	char *text = NULL;
	size_t len = 0;
	ssize_t got = 1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (unreadable)
		*unreadable = 1;
	if (fd < 0 || fstat(fd, &sb) != 0) {
		err_set(err, errlen, "cannot read the configuration file %s: %s", path,
			strerror(errno));
		goto out;
	}
	if (unreadable)
		*unreadable = 0;
	if (check_owner(path, &sb, err, errlen))
		goto out;
	if (sb.st_size > CONFIG_FILE_MAX) {
		err_set(err, errlen,
			"the configuration file %s is larger than %d bytes: it is not a "
			"configuration file",
			path, CONFIG_FILE_MAX);
		goto out;
	}
	text = malloc(CONFIG_FILE_MAX + 1);
	if (!text) {
		err_set(err, errlen, "out of memory");
		goto out;
	}
	while (len <= CONFIG_FILE_MAX &&
	       (got = read(fd, text + len, CONFIG_FILE_MAX + 1 - len)) > 0)
		len += (size_t)got;
	if (got < 0 || len > CONFIG_FILE_MAX) {
		if (unreadable)
			*unreadable = got < 0;
		err_set(err, errlen, "cannot read the configuration file %s: %s", path,
			got < 0 ? strerror(errno) : "it grew past 1 MiB while being read");
		goto out;
	}
	c = config_parse(path, text, len, err, errlen);
out:
	free(text);
	if (fd >= 0)
		close(fd);
	return c;
}

const char *config_name(const config *c)
{
	return c->name;
}

size_t config_count(const config *c)
{
	return c->count;
}

const config_entry *config_at(const config *c, size_t i)
{
	return i < c->count ? &c->entries[i] : NULL;
}

void config_free(config *c)
{
	if (!c)
		return;
	free(c->entries);
	free(c->text);
	free(c->name);
	free(c);
}
