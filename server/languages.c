/* languages: the easy-read content in every language (languages.h). */
#include "languages.h"

#include "path.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct languages {
	content *c[LANGUAGES_MAX];
	size_t n;
	int borrowed; /* languages_of_one: the content is the caller's */
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Is name one of the comma-separated list (NULL or "all": every name is)? */
static int offered(const char *only, const char *name)
{
	size_t len = strlen(name);

	if (!only || strcmp(only, "all") == 0 || strcmp(name, LANGUAGES_REFERENCE) == 0)
		return 1;
	for (const char *s = only; *s;) {
		const char *end = strchr(s, ',');
		size_t n = end ? (size_t)(end - s) : strlen(s);

		while (n > 0 && s[0] == ' ')
			s++, n--;
		while (n > 0 && s[n - 1] == ' ')
			n--;
		if (n == len && strncmp(s, name, len) == 0)
			return 1;
		if (!end)
			break;
		s = end + 1;
	}
	return 0;
}

/* Is name a language tag the store, the page and the text ids can carry ("cy", "en-GB")? */
static int is_tag(const char *name)
{
	size_t n = strlen(name);

	if (n < 2 || n > LANGUAGES_TAG_MAX)
		return 0;
	for (const char *s = name; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-')
			return 0;
	return 1;
}

/* The folders of dir that hold a language.txt, sorted, the reference first. */
static int list_folders(const char *dir, char **names, size_t *n, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[PATH_LEN];
	struct stat st;

	*n = 0;
	if (!d) {
		snprintf(err, errlen, "%s: cannot open the folder", dir);
		return -1;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' ||
		    snprintf(path, sizeof(path), "%s/%s/language.txt", dir, e->d_name) >=
			(int)sizeof(path) ||
		    stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (!is_tag(e->d_name)) {
			snprintf(err, errlen,
				 "%s/%s: a language's folder is named by its tag: 2 to %d letters, "
				 "digits and '-' (cy, en-GB)",
				 dir, e->d_name, LANGUAGES_TAG_MAX);
			closedir(d);
			return -1;
		}
		if (*n == LANGUAGES_MAX) {
			snprintf(err, errlen, "%s: more than %d languages", dir, LANGUAGES_MAX);
			closedir(d);
			return -1;
		}
		if (!(names[(*n)++] = strdup(e->d_name))) {
			snprintf(err, errlen, "out of memory");
			closedir(d);
			return -1;
		}
	}
	closedir(d);
	qsort(names, *n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < *n; i++)
		if (strcmp(names[i], LANGUAGES_REFERENCE) == 0) {
			char *ref = names[i];

			memmove(names + 1, names, i * sizeof(*names));
			names[0] = ref;
			return 0;
		}
	snprintf(err, errlen,
		 "%s/%s/language.txt: English is missing (every language is "
		 "checked against it)",
		 dir, LANGUAGES_REFERENCE);
	return -1;
}

/* Each language named in only must be there. */
static int all_found(const languages *l, const char *only, const char *dir, char *err,
		     size_t errlen)
{
	char name[64];

	if (!only || strcmp(only, "all") == 0)
		return 0;
	for (const char *s = only; *s;) {
		size_t n = strcspn(s, ",");

		while (n > 0 && *s == ' ')
			s++, n--;
		snprintf(name, sizeof(name), "%.*s", (int)n, s);
		for (size_t k = strlen(name); k > 0 && name[k - 1] == ' ';)
			name[--k] = '\0';
		if (*name && !languages_find(l, name)) {
			snprintf(err, errlen, "%s/%s: there is no such language (no language.txt)",
				 dir, name);
			return -1;
		}
		s += n + (s[n] == ',');
	}
	return 0;
}

languages *languages_load(const char *easyread_dir, const char *only, const char *pictures_dir,
			  char *err, size_t errlen)
{
	char *names[LANGUAGES_MAX];
	size_t n = 0;
	const char *missing;
	languages *l = calloc(1, sizeof(*l));
	int rc = -1;

	if (!l) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (list_folders(easyread_dir, names, &n, err, errlen))
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (!offered(only, names[i]))
			continue;
		if (!(l->c[l->n] = content_load(easyread_dir, names[i], pictures_dir, err, errlen)))
			goto out;
		l->n++;
		if (i > 0 && content_same_shape(l->c[0], l->c[l->n - 1], err, errlen))
			goto out;
	}
	if ((missing = content_missing_staff_message(l->c[0]))) {
		snprintf(err, errlen, "%s/%s/messages.txt: the message '%s' is missing",
			 easyread_dir, LANGUAGES_REFERENCE, missing);
		goto out;
	}
	rc = all_found(l, only, easyread_dir, err, errlen);
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	if (rc) {
		languages_free(l);
		return NULL;
	}
	return l;
}

languages *languages_of_one(const content *c)
{
	languages *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->c[0] = (content *)c; /* never freed nor changed: borrowed */
	l->n = 1;
	l->borrowed = 1;
	return l;
}

void languages_free(languages *l)
{
	if (!l)
		return;
	for (size_t i = 0; !l->borrowed && i < l->n; i++)
		content_free(l->c[i]);
	free(l);
}

size_t languages_count(const languages *l)
{
	return l->n;
}

const content *languages_at(const languages *l, size_t i)
{
	return i < l->n ? l->c[i] : NULL;
}

int languages_index(const languages *l, const char *lang)
{
	for (size_t i = 0; lang && i < l->n; i++)
		if (strcmp(content_lang(l->c[i]), lang) == 0)
			return (int)i;
	return -1;
}

const content *languages_find(const languages *l, const char *lang)
{
	int i = languages_index(l, lang);

	return i < 0 ? NULL : l->c[i];
}

const content *languages_reference(const languages *l)
{
	return l->c[0];
}
