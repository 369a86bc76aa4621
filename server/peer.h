/* peer: the address a request comes from, as the limits count it. Pure: text in, text out, no
 * sockets. Behind a reverse proxy every connection comes from the proxy, so the client's own
 * address is read from `X-Forwarded-For` or `Forwarded` -- but only when the connection comes
 * from a proxy the council named (anyone else could write those headers).
 *
 * Addresses are grouped as the limits count them: an IPv4 address stays whole; an IPv6 address
 * becomes its /64 (e.g. "2001:db8:1:2::/64"), because one home or one device is given a whole /64
 * and could otherwise try from a fresh address each time. An IPv4 address written the IPv6 way
 * (::ffff:192.0.2.1, as a dual-stack socket reports it) is IPv4. */
#ifndef PLANALOUD_PEER_H
#define PLANALOUD_PEER_H

#include <stddef.h>

#define PEER_LEN 64 /* room for any grouped address, with its NUL */

typedef struct peer_list peer_list;

/* The trusted proxies from a comma-separated list of addresses and CIDR ranges
 * ("127.0.0.1, 10.0.0.0/8, 2001:db8::/32"). spec NULL or "": an empty list (no proxy is trusted).
 * NULL with the reason in err when an entry is not an address or range. Free with
 * peer_list_free(); peer_list_free(NULL) is a no-op. */
peer_list *peer_list_new(const char *spec, char *err, size_t errlen);
void peer_list_free(peer_list *l);
/* 1 when addr (an address as text) is in one of the list's ranges; 0 otherwise (l may be NULL). */
int peer_list_has(const peer_list *l, const char *addr);

/* The address as the limits count it (see above) into out (PEER_LEN). 0, or -1 when addr is not
 * an IPv4 or IPv6 address (out is then ""). */
int peer_group(const char *addr, char *out, size_t outlen);

/* The client's address, grouped, into out (PEER_LEN): the peer's own (the socket's address), or,
 * only when the peer is in trusted, the right-most address of the forwarding headers that is not
 * itself a trusted proxy. xff is the X-Forwarded-For value and forwarded the Forwarded value
 * (either NULL when absent; X-Forwarded-For is read when both came). A header that cannot be read
 * where it matters (garbage, "unknown", too many hops) leaves the peer's own address. 0, or -1 when
 * even peer is not an address (out is then ""). */
int peer_client(const peer_list *trusted, const char *peer, const char *xff, const char *forwarded,
		char *out, size_t outlen);

#endif
