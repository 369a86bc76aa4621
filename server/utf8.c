#include "utf8.h"

int utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < len) {
		unsigned c = s[i];
		size_t n;
		unsigned cp, min;

		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			n = 1, cp = c & 0x1F, min = 0x80;
		} else if ((c & 0xF0) == 0xE0) {
			n = 2, cp = c & 0x0F, min = 0x800;
		} else if ((c & 0xF8) == 0xF0) {
			n = 3, cp = c & 0x07, min = 0x10000;
		} else {
			return 0;
		}
		if (len - i <= n)
			return 0;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		i += n + 1;
	}
	return 1;
}

size_t utf8_chars(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		if ((s[i] & 0xC0) != 0x80)
			n++;
	return n;
}

/* Unicode's white space (White_Space=yes) beyond ASCII, and the C1 controls. */
static int is_space(unsigned cp)
{
	return cp < 0x21 || cp == 0x7F || (cp >= 0x80 && cp <= 0xA0) || cp == 0x1680 ||
	       (cp >= 0x2000 && cp <= 0x200B) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
	       cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
}

int utf8_has_space(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < len) {
		unsigned c = s[i], cp;
		size_t n = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : 3;

		cp = n == 0 ? c : n == 1 ? c & 0x1F : n == 2 ? c & 0x0F : c & 0x07;
		for (size_t k = 1; k <= n && i + k < len; k++)
			cp = (cp << 6) | (s[i + k] & 0x3F);
		if (is_space(cp))
			return 1;
		i += n + 1;
	}
	return 0;
}

unsigned utf8_decode(const char *str, size_t *len)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned c = s[0], cp;
	size_t n = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : 3;

	cp = n == 0 ? c : n == 1 ? c & 0x1F : n == 2 ? c & 0x0F : c & 0x07;
	for (size_t k = 1; k <= n; k++) {
		if ((s[k] & 0xC0) != 0x80) { /* cut short: the byte as it is */
			*len = 1;
			return c;
		}
		cp = (cp << 6) | (s[k] & 0x3F);
	}
	*len = n + 1;
	return cp;
}

size_t utf8_encode(unsigned cp, char *out)
{
	unsigned char *o = (unsigned char *)out;

	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xC0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xE0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (unsigned char)(0xF0 | (cp >> 18));
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

unsigned utf8_lower(unsigned cp)
{
	if ((cp >= 'A' && cp <= 'Z') || (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7))
		return cp + 0x20;
	/* Latin Extended-A: capitals and small letters in pairs, the capital first... */
	if (((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177) ||
	     (cp >= 0x218 && cp <= 0x21B)) &&
	    cp % 2 == 0)
		return cp + 1;
	/* ...but from L with a stroke (Polish) to N, and the Zs, the small letter first */
	if (((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E)) && cp % 2 == 1)
		return cp + 1;
	/* Latin Extended Additional: Welsh w and y with a grave, an acute or a diaeresis, in
	 * pairs, the capital first */
	if (((cp >= 0x1E00 && cp <= 0x1E95) || (cp >= 0x1EA0 && cp <= 0x1EFF)) && cp % 2 == 0)
		return cp + 1;
	return cp == 0x178 ? 0xFF : cp;
}

int utf8_is_word_char(unsigned cp)
{
	if (cp < 0x80)
		return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
		       (cp >= '0' && cp <= '9');
	if (cp == 0x200C || cp == 0x200D) /* zero-width (non-)joiners: inside Bengali, Urdu words */
		return 1;
	return !is_space(cp) && !(cp >= 0xA1 && cp <= 0xBF) && cp != 0xD7 && cp != 0xF7 &&
	       !(cp >= 0x2000 && cp <= 0x206F) && /* dashes, quotes, bullets */
	       cp != 0x060C && cp != 0x061B && cp != 0x061F && cp != 0x06D4 && /* Arabic, Urdu */
	       cp != 0x0964 && cp != 0x0965 &&				       /* danda */
	       !(cp >= 0x20A0 && cp <= 0x20CF);				       /* currency signs */
}
