#include "peer.h"

#include "err.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_HOPS	 32  /* more proxies than this in a row is not a real chain */
#define MAX_ADDRESS_TEXT 64  /* the longest address (with brackets and a port) read */
#define MAX_LIST	 256 /* trusted ranges */

/* An address as 16 bytes: IPv4 as IPv6 writes it (::ffff:a.b.c.d). */
typedef struct addr {
	unsigned char b[16];
} addr;

typedef struct range {
	addr a;
	int bits; /* the prefix, in IPv6 bits (an IPv4 /24 is 96 + 24) */
} range;

struct peer_list {
	size_t n;
	range r[];
};

static const unsigned char v4_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

static int is_v4(const addr *a)
{
	return memcmp(a->b, v4_prefix, sizeof(v4_prefix)) == 0;
}

/* s[0..len) is exactly an IPv4 or IPv6 address (no brackets, no port). 0, or -1. */
static int addr_parse(const char *s, size_t len, addr *out)
{
	char text[MAX_ADDRESS_TEXT];
	unsigned char v4[4];

	if (len == 0 || len >= sizeof(text))
		return -1;
	memcpy(text, s, len);
	text[len] = '\0';
	if (inet_pton(AF_INET, text, v4) == 1) {
		memcpy(out->b, v4_prefix, sizeof(v4_prefix));
		memcpy(out->b + 12, v4, 4);
		return 0;
	}
	return inet_pton(AF_INET6, text, out->b) == 1 ? 0 : -1;
}

static int all_digits(const char *s, size_t len)
{
	if (len == 0 || len > 5)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* One hop as a proxy writes it: "192.0.2.1", "192.0.2.1:4711", "2001:db8::1", "[2001:db8::1]",
 * "[2001:db8::1]:4711", with spaces around and, in Forwarded, quotes. 0, or -1. */
static int hop_parse(const char *s, size_t len, addr *out)
{
	const char *colon;

	while (len && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len >= 2 && s[0] == '"' && s[len - 1] == '"')
		s++, len -= 2;
	if (len && s[0] == '[') {
		const char *close = memchr(s, ']', len);
		size_t rest;

		if (!close)
			return -1;
		rest = len - (size_t)(close - s) - 1;
		if (rest && (close[1] != ':' || !all_digits(close + 2, rest - 1)))
			return -1;
		return addr_parse(s + 1, (size_t)(close - s) - 1, out);
	}
	colon = memchr(s, ':', len);
	if (colon && !memchr(colon + 1, ':', len - (size_t)(colon - s) - 1)) {
		/* one colon: IPv4 and a port */
		if (!all_digits(colon + 1, len - (size_t)(colon - s) - 1))
			return -1;
		len = (size_t)(colon - s);
	}
	return addr_parse(s, len, out);
}

/* One element of Forwarded ("for=192.0.2.60;proto=https;by=203.0.113.43"): its for= hop. */
static int forwarded_parse(const char *s, size_t len, addr *out)
{
	while (len) {
		const char *semi = memchr(s, ';', len);
		size_t pair = semi ? (size_t)(semi - s) : len;
		const char *p = s;
		size_t plen = pair;

		while (plen && (*p == ' ' || *p == '\t'))
			p++, plen--;
		if (plen > 4 && strncasecmp(p, "for=", 4) == 0)
			return hop_parse(p + 4, plen - 4, out);
		if (!semi)
			break;
		s = semi + 1;
		len -= pair + 1;
	}
	return -1;
}

static int range_has(const range *r, const addr *a)
{
	int full = r->bits / 8, rest = r->bits % 8;

	if (memcmp(r->a.b, a->b, (size_t)full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	return ((r->a.b[full] ^ a->b[full]) & (0xff << (8 - rest)) & 0xff) == 0;
}

static int list_has(const peer_list *l, const addr *a)
{
	for (size_t i = 0; l && i < l->n; i++)
		if (range_has(&l->r[i], a))
			return 1;
	return 0;
}

/* One entry of the trusted list: "10.0.0.0/8", "::1". 0, or -1. */
static int range_parse(const char *s, size_t len, range *out)
{
	const char *slash = memchr(s, '/', len);
	size_t alen = slash ? (size_t)(slash - s) : len;
	int bits;

	if (addr_parse(s, alen, &out->a))
		return -1;
	bits = is_v4(&out->a) ? 32 : 128;
	if (slash) {
		size_t dlen = len - alen - 1;

		if (!all_digits(slash + 1, dlen) || dlen > 3 || atoi(slash + 1) > bits)
			return -1;
		bits = atoi(slash + 1);
	}
	out->bits = is_v4(&out->a) ? 96 + bits : bits;
	/* the bits past the prefix are not part of the range */
	for (int i = out->bits; i < 128; i++)
		out->a.b[i / 8] &= (unsigned char)~(0x80 >> (i % 8));
	return 0;
}

peer_list *peer_list_new(const char *spec, char *err, size_t errlen)
{
	peer_list *l = calloc(1, sizeof(*l) + MAX_LIST * sizeof(range));
	const char *s = spec ? spec : "";

	if (!l) {
		err_set(err, errlen, "out of memory");
		return NULL;
	}
	while (*s) {
		size_t len = strcspn(s, ","), at = 0, end = len;

		while (at < end && s[at] == ' ')
			at++;
		while (end > at && s[end - 1] == ' ')
			end--;
		if (end > at) {
			if (l->n == MAX_LIST || range_parse(s + at, end - at, &l->r[l->n])) {
				err_set(err, errlen,
					l->n == MAX_LIST ? "more than %d trusted proxies"
							 : "'%.*s' is not an address or a range "
							   "(e.g. 10.0.0.0/8)",
					l->n == MAX_LIST ? MAX_LIST : (int)(end - at), s + at);
				free(l);
				return NULL;
			}
			l->n++;
		}
		s += len;
		if (*s == ',')
			s++;
	}
	return l;
}

void peer_list_free(peer_list *l)
{
	free(l);
}

int peer_list_has(const peer_list *l, const char *text)
{
	addr a;

	return text && addr_parse(text, strlen(text), &a) == 0 && list_has(l, &a);
}

static int group(const addr *a, char *out, size_t outlen)
{
	char text[INET6_ADDRSTRLEN];
	addr net = *a;
	int n;

	if (is_v4(a)) {
		n = snprintf(out, outlen, "%u.%u.%u.%u", a->b[12], a->b[13], a->b[14], a->b[15]);
	} else {
		memset(net.b + 8, 0, 8);
		if (!inet_ntop(AF_INET6, net.b, text, sizeof(text)))
			return -1;
		n = snprintf(out, outlen, "%s/64", text);
	}
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

int peer_group(const char *text, char *out, size_t outlen)
{
	addr a;

	if (outlen)
		out[0] = '\0';
	if (!text || addr_parse(text, strlen(text), &a) || group(&a, out, outlen)) {
		if (outlen)
			out[0] = '\0';
		return -1;
	}
	return 0;
}

/* The client in a forwarding header: walking from the right (the hop our own proxy added), the
 * first address that is not a trusted proxy. Only the hops right of it are read, so whatever a
 * client wrote at the left cannot change the answer. 0, or -1 (no answer to trust). */
static int from_header(const peer_list *trusted, const char *h, int forwarded, addr *out)
{
	size_t end = strlen(h);

	for (int hops = 0; hops < MAX_HOPS; hops++) {
		size_t start = end;
		addr a;

		while (start > 0 && h[start - 1] != ',')
			start--;
		if ((forwarded ? forwarded_parse(h + start, end - start, &a)
			       : hop_parse(h + start, end - start, &a)))
			return -1;
		*out = a;
		if (!list_has(trusted, &a) || start == 0)
			return 0; /* an untrusted address, or every hop is a proxy of ours */
		end = start - 1;
	}
	return -1;
}

int peer_client(const peer_list *trusted, const char *peer, const char *xff, const char *forwarded,
		char *out, size_t outlen)
{
	addr own, client;
	const char *h = xff ? xff : forwarded;

	if (outlen)
		out[0] = '\0';
	if (!peer || addr_parse(peer, strlen(peer), &own))
		return -1;
	client = own;
	if (h && list_has(trusted, &own) && from_header(trusted, h, !xff, &client))
		client = own;
	if (group(&client, out, outlen)) {
		if (outlen)
			out[0] = '\0';
		return -1;
	}
	return 0;
}
