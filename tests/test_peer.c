/* test_peer: the client's address behind a trusted proxy, and addresses grouped as limits count
 * them. Hostile headers (long, many hops, garbage, spoofed) must never let a client choose the
 * address its failures count against. */
#include "check.h"
#include "peer.h"

#include "buf.h"

static peer_list *proxies; /* 127.0.0.1, 10.0.0.0/8, 2001:db8:ffff::/48 */

/* The client address for a connection from peer with these headers (either may be NULL). */
static const char *client(const char *peer, const char *xff, const char *forwarded)
{
	static char out[PEER_LEN];

	if (peer_client(proxies, peer, xff, forwarded, out, sizeof(out)))
		return "(none)";
	return out;
}

static void ipv4_should_stay_whole_and_ipv6_should_be_grouped_by_64(void)
{
	char out[PEER_LEN];

	CHECK(peer_group("198.51.100.7", out, sizeof(out)) == 0);
	CHECK_STR(out, "198.51.100.7");
	CHECK(peer_group("2001:db8:1:2:aaaa:bbbb:cccc:dddd", out, sizeof(out)) == 0);
	CHECK_STR(out, "2001:db8:1:2::/64");
	CHECK(peer_group("2001:db8:1:2::1", out, sizeof(out)) == 0);
	CHECK_STR(out, "2001:db8:1:2::/64");
	CHECK(peer_group("::1", out, sizeof(out)) == 0);
	CHECK_STR(out, "::/64");
	/* IPv4 as a dual-stack socket reports it is IPv4, not one /64 for every IPv4 client */
	CHECK(peer_group("::ffff:198.51.100.7", out, sizeof(out)) == 0);
	CHECK_STR(out, "198.51.100.7");
	CHECK(peer_group("not an address", out, sizeof(out)) == -1);
	CHECK_STR(out, "");
	CHECK(peer_group("", out, sizeof(out)) == -1);
	CHECK(peer_group("198.51.100.7", out, 5) == -1); /* too small a buffer: no half address */
}

static void a_trusted_list_should_take_addresses_and_ranges(void)
{
	char err[128] = "";
	peer_list *l = peer_list_new(" 127.0.0.1 , 10.0.0.0/8,2001:db8::/32,::1", err, sizeof(err));

	CHECK(l != NULL);
	CHECK(peer_list_has(l, "127.0.0.1"));
	CHECK(!peer_list_has(l, "127.0.0.2"));
	CHECK(peer_list_has(l, "10.200.3.4"));
	CHECK(!peer_list_has(l, "11.0.0.1"));
	CHECK(peer_list_has(l, "2001:db8:77::5"));
	CHECK(!peer_list_has(l, "2001:db9::5"));
	CHECK(peer_list_has(l, "::1"));
	CHECK(peer_list_has(l, "::ffff:10.1.1.1")); /* IPv4 the IPv6 way is still in 10/8 */
	CHECK(!peer_list_has(l, "garbage"));
	CHECK(!peer_list_has(NULL, "127.0.0.1"));
	peer_list_free(l);

	l = peer_list_new("192.168.1.77/24", err, sizeof(err)); /* host bits are ignored */
	CHECK(l && peer_list_has(l, "192.168.1.1") && !peer_list_has(l, "192.168.2.1"));
	peer_list_free(l);
	l = peer_list_new("", err, sizeof(err));
	CHECK(l && !peer_list_has(l, "127.0.0.1"));
	peer_list_free(l);
	peer_list_free(NULL);
}

static void a_trusted_list_that_is_not_addresses_should_be_refused_saying_which(void)
{
	static const char *const bad[] = {"10.0.0.0/33", "::1/129",	  "localhost",	"10.0.0.0/",
					  "10.0.0.0/8x", "1.2.3.4,,nope", "10.0.0.0/-1"};
	char err[128];

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		peer_list *l;

		err[0] = '\0';
		l = peer_list_new(bad[i], err, sizeof(err));
		CHECK(l == NULL);
		CHECK(strstr(err, "not an address") != NULL);
		peer_list_free(l);
	}
}

static void a_header_from_an_untrusted_peer_should_be_ignored(void)
{
	CHECK_STR(client("198.51.100.9", "203.0.113.5", NULL), "198.51.100.9");
	CHECK_STR(client("198.51.100.9", NULL, "for=203.0.113.5"), "198.51.100.9");
	CHECK_STR(client("2001:db8:5:6::9", "203.0.113.5", NULL), "2001:db8:5:6::/64");
	/* without any trusted proxy, even loopback's headers are ignored */
	{
		char out[PEER_LEN];

		CHECK(peer_client(NULL, "127.0.0.1", "203.0.113.5", NULL, out, sizeof(out)) == 0);
		CHECK_STR(out, "127.0.0.1");
	}
}

static void behind_a_trusted_proxy_the_right_most_untrusted_hop_should_be_the_client(void)
{
	CHECK_STR(client("127.0.0.1", "198.51.100.1", NULL), "198.51.100.1");
	CHECK_STR(client("127.0.0.1", " 198.51.100.1 ", NULL), "198.51.100.1");
	/* the client wrote its own header: what the proxy added is at the right */
	CHECK_STR(client("127.0.0.1", "1.1.1.1, 2.2.2.2, 198.51.100.1", NULL), "198.51.100.1");
	/* a chain of our own proxies is walked through */
	CHECK_STR(client("127.0.0.1", "198.51.100.1, 10.0.0.5, 10.9.9.9", NULL), "198.51.100.1");
	/* every hop a proxy of ours: the left-most */
	CHECK_STR(client("127.0.0.1", "10.0.0.5, 10.9.9.9", NULL), "10.0.0.5");
	/* ports and brackets */
	CHECK_STR(client("127.0.0.1", "198.51.100.1:5555", NULL), "198.51.100.1");
	CHECK_STR(client("127.0.0.1", "[2001:db8:1:2::77]:5555", NULL), "2001:db8:1:2::/64");
	CHECK_STR(client("127.0.0.1", "[2001:db8:1:2::77]", NULL), "2001:db8:1:2::/64");
	CHECK_STR(client("127.0.0.1", "2001:db8:1:2::77", NULL), "2001:db8:1:2::/64");
	CHECK_STR(client("10.1.2.3", "::ffff:198.51.100.4", NULL), "198.51.100.4");
	/* a trusted IPv6 proxy */
	CHECK_STR(client("2001:db8:ffff:1::1", "198.51.100.3", NULL), "198.51.100.3");
}

static void forwarded_should_be_read_when_there_is_no_x_forwarded_for(void)
{
	CHECK_STR(client("127.0.0.1", NULL, "for=198.51.100.1"), "198.51.100.1");
	CHECK_STR(client("127.0.0.1", NULL, "for=192.0.2.60;proto=http;by=203.0.113.43"),
		  "192.0.2.60");
	CHECK_STR(client("127.0.0.1", NULL, "proto=https; For=\"[2001:db8:cafe::17]:4711\""),
		  "2001:db8:cafe::/64");
	CHECK_STR(client("127.0.0.1", NULL, "for=1.1.1.1, for=198.51.100.2;proto=https"),
		  "198.51.100.2");
	CHECK_STR(client("127.0.0.1", NULL, "for=198.51.100.2, for=10.0.0.1"), "198.51.100.2");
	/* both: X-Forwarded-For is the one read */
	CHECK_STR(client("127.0.0.1", "198.51.100.8", "for=198.51.100.9"), "198.51.100.8");
}

static void garbage_where_it_matters_should_leave_the_peers_own_address(void)
{
	static const char *const xff[] = {"",
					  "   ",
					  "unknown",
					  "198.51.100.1, garbage",
					  "198.51.100.1,",
					  "198.51.100.1:port",
					  "198.51.100.1:123456",
					  "[2001:db8::1",
					  "[2001:db8::1]x",
					  "[198.51.100.1]:80:80",
					  "999.1.1.1",
					  "198.51.100.1\x01",
					  "\"198.51.100.1"};
	static const char *const fwd[] = {"by=1.2.3.4",	    "for=unknown",  "for=_hidden", "for=",
					  "for=\"[::1]:80", "198.51.100.1", ";;;;"};

	for (size_t i = 0; i < sizeof(xff) / sizeof(*xff); i++)
		CHECK_STR(client("127.0.0.1", xff[i], NULL), "127.0.0.1");
	for (size_t i = 0; i < sizeof(fwd) / sizeof(*fwd); i++)
		CHECK_STR(client("127.0.0.1", NULL, fwd[i]), "127.0.0.1");
	/* garbage left of the client's hop is never read */
	CHECK_STR(client("127.0.0.1", "garbage, \x01\x02, 198.51.100.1", NULL), "198.51.100.1");
	/* the peer itself must be an address */
	CHECK_STR(client("nonsense", "198.51.100.1", NULL), "(none)");
	CHECK_STR(client(NULL, NULL, NULL), "(none)");
}

static void long_headers_and_many_hops_should_not_be_trusted_blindly(void)
{
	buf b = BUF_INIT;

	/* a very long header whose last hop is the client: still found, in bounded work */
	for (int i = 0; i < 5000; i++)
		buf_printf(&b, "203.0.%d.%d, ", i / 250 % 250, i % 250);
	buf_printf(&b, "198.51.100.1");
	CHECK_STR(client("127.0.0.1", buf_str(&b), NULL), "198.51.100.1");
	/* more trusted hops in a row than any real chain: not believed */
	buf_reset(&b);
	buf_printf(&b, "198.51.100.1");
	for (int i = 0; i < 40; i++)
		buf_printf(&b, ", 10.0.0.%d", i);
	CHECK_STR(client("127.0.0.1", buf_str(&b), NULL), "127.0.0.1");
	/* one enormous hop */
	buf_reset(&b);
	for (int i = 0; i < 10000; i++)
		buf_append(&b, "1", 1);
	CHECK_STR(client("127.0.0.1", buf_str(&b), NULL), "127.0.0.1");
	buf_release(&b);
}

int main(void)
{
	char err[128];

	proxies = peer_list_new("127.0.0.1,10.0.0.0/8,2001:db8:ffff::/48", err, sizeof(err));
	if (!proxies) {
		fprintf(stderr, "test_peer: %s\n", err);
		return 1;
	}
	RUN(ipv4_should_stay_whole_and_ipv6_should_be_grouped_by_64);
	RUN(a_trusted_list_should_take_addresses_and_ranges);
	RUN(a_trusted_list_that_is_not_addresses_should_be_refused_saying_which);
	RUN(a_header_from_an_untrusted_peer_should_be_ignored);
	RUN(behind_a_trusted_proxy_the_right_most_untrusted_hop_should_be_the_client);
	RUN(forwarded_should_be_read_when_there_is_no_x_forwarded_for);
	RUN(garbage_where_it_matters_should_leave_the_peers_own_address);
	RUN(long_headers_and_many_hops_should_not_be_trusted_blindly);
	peer_list_free(proxies);
	return check_report();
}
