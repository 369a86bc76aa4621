/* fuzz_utf8: utf8.c on any bytes, checked against a second, table-driven reading of Unicode's
 * well-formed byte sequences (The Unicode Standard, table 3-7): both must agree on what is valid,
 * and on how many characters valid text holds. utf8_has_space must stay within the bytes it is
 * given whatever they are. */
#include "fuzz.h"
#include "utf8.h"

#include <stdlib.h>
#include <string.h>

/* The length of the well-formed sequence at s (n bytes left), or 0 when there is none. */
static size_t well_formed(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xBF;
	size_t len;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		len = 2;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		len = 3;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		len = 4;
	else
		return 0;
	if (s[0] == 0xE0)
		lo = 0xA0;
	else if (s[0] == 0xED)
		hi = 0x9F;
	else if (s[0] == 0xF0)
		lo = 0x90;
	else if (s[0] == 0xF4)
		hi = 0x8F;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t k = 2; k < len; k++)
		if (s[k] < 0x80 || s[k] > 0xBF)
			return 0;
	return len;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size ? size : 1);
	size_t i = 0, chars = 0;
	int valid = 1, space;

	if (!s)
		return 0;
	memcpy(s, data, size);
	while (i < size) {
		size_t len = well_formed(data + i, size - i);

		if (!len) {
			valid = 0;
			break;
		}
		i += len;
		chars++;
	}
	if (utf8_valid(s, size) != valid)
		abort();
	if (valid && utf8_chars(s, size) != chars)
		abort();
	space = utf8_has_space(s, size);
	if (valid && memchr(s, ' ', size) && !space)
		abort();
	free(s);
	return 0;
}
