/* check.h: the smallest test harness. CHECK prints file:line and what failed, and counts. */
#ifndef PLANALOUD_CHECK_H
#define PLANALOUD_CHECK_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_failures __attribute__((unused));
static int check_count __attribute__((unused));

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		check_count++;                                                                     \
		if (!(cond)) {                                                                     \
			check_failures++;                                                          \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);   \
		}                                                                                  \
	} while (0)

#define CHECK_STR(a, b)                                                                            \
	do {                                                                                       \
		const char *check_a_ = (a), *check_b_ = (b);                                       \
		check_count++;                                                                     \
		if (!check_a_ || !check_b_ || strcmp(check_a_, check_b_) != 0) {                   \
			check_failures++;                                                          \
			fprintf(stderr,                                                            \
				"%s:%d: CHECK_STR failed: %s is \"%s\", expected \"%s\"\n",        \
				__FILE__, __LINE__, #a, check_a_ ? check_a_ : "(null)",            \
				check_b_ ? check_b_ : "(null)");                                   \
		}                                                                                  \
	} while (0)

/* Runs one test function, named as a sentence: RUN(content_should_reject_long_sentences). */
#define RUN(fn)                                                                                    \
	do {                                                                                       \
		int before_ = check_failures;                                                      \
		fn();                                                                              \
		printf("%s %s\n", check_failures == before_ ? "ok  " : "FAIL", #fn);               \
	} while (0)

/* The closing line: "N passed, N failed" (checks). Returns main's exit code. */
static inline int check_report(void)
{
	printf("%d passed, %d failed\n", check_count - check_failures, check_failures);
	return check_failures ? 1 : 0;
}

/* printf into a malloc'd string (NULL when memory runs out). */
static inline char *test_vformat(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
static inline char *test_vformat(const char *fmt, va_list ap)
{
	va_list again;
	char *text;
	int n;

	va_copy(again, ap);
	n = vsnprintf(NULL, 0, fmt, again);
	va_end(again);
	text = n < 0 ? NULL : malloc((size_t)n + 1);
	if (text)
		vsnprintf(text, (size_t)n + 1, fmt, ap);
	return text;
}

/* The whole file at path as a malloc'd, NUL-terminated string (NULL when it cannot be read);
 * *len (may be NULL) its length. */
static inline char *test_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (data = malloc((size_t)n + 1)) != NULL) {
		if (fread(data, 1, (size_t)n, f) != (size_t)n) {
			free(data);
			data = NULL;
		} else {
			data[n] = '\0';
			if (len)
				*len = (size_t)n;
		}
	}
	fclose(f);
	return data;
}

#endif
