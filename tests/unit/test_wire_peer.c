/*
 * test_wire_peer.c - which end of the wire a segment came from when the
 * peer owns an address of each family, the capture's filter, and the
 * peer's addresses as --peer-addr gives them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "wire_peer.h"

static struct ip_addr
addr(const char *s)
{
	struct ip_addr a;

	assert_int_equal(ip_addr_parse(s, &a), 0);
	return a;
}

/* The client's address of either family is the client's; the peer's not. */
static void
test_from_client(void **state)
{
	struct ip_addr peers[2] = { addr("192.0.2.2"), addr("2001:db8::2") };
	struct ip_addr c4 = addr("192.0.2.1"), c6 = addr("2001:db8::1");

	(void)state;
	assert_true(wire_from_client(peers, 2, &c4));
	assert_true(wire_from_client(peers, 2, &c6));
	assert_false(wire_from_client(peers, 2, &peers[0]));
	assert_false(wire_from_client(peers, 2, &peers[1]));
	/* an IPv6 peer alone: its IPv4-looking bytes are not the peer's */
	peers[0] = ip_addr_none();
	assert_false(wire_from_client(peers, 2, &peers[1]));
	assert_true(wire_from_client(peers, 2, &c4));
	/* "none" is never the peer, even against a none source */
	{
		struct ip_addr none = ip_addr_none();

		assert_true(wire_from_client(peers, 1, &none));
	}
}

static void
test_filter(void **state)
{
	struct ip_addr peers[2] = { addr("192.0.2.2"), addr("2001:db8::2") };
	char buf[160];

	(void)state;
	assert_int_equal(wire_peer_filter(peers, 2, buf, sizeof(buf)),
	    strlen("tcp and (host 192.0.2.2 or host 2001:db8::2)"));
	assert_string_equal(buf,
	    "tcp and (host 192.0.2.2 or host 2001:db8::2)");
	peers[0] = ip_addr_none();
	wire_peer_filter(peers, 2, buf, sizeof(buf));
	assert_string_equal(buf, "tcp and (host 2001:db8::2)");
	peers[1] = ip_addr_none();
	assert_int_equal(wire_peer_filter(peers, 2, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	/* too small: the length it needs, truncated safely */
	peers[0] = addr("192.0.2.2");
	assert_true(wire_peer_filter(peers, 1, buf, 8) >= 8);
	assert_int_equal(strlen(buf), 7);
}

static void
test_parse(void **state)
{
	struct ip_addr p[2];
	char a[IP_ADDR_STRLEN];

	(void)state;
	assert_int_equal(wire_peer_parse("192.0.2.77", p), 0);
	assert_string_equal(ip_addr_format(&p[0], a, sizeof(a)), "192.0.2.77");
	assert_int_equal(p[1].family, IPF_NONE);
	assert_int_equal(wire_peer_parse("2001:db8:77::2", p), 0);
	assert_int_equal(p[0].family, IPF_NONE);
	assert_string_equal(ip_addr_format(&p[1], a, sizeof(a)),
	    "2001:db8:77::2");
	/* either order */
	assert_int_equal(wire_peer_parse("2001:db8:77::2,192.0.2.77", p), 0);
	assert_int_equal(p[0].family, IPF_V4);
	assert_int_equal(p[1].family, IPF_V6);
	assert_int_equal(wire_peer_parse("192.0.2.77,2001:db8:77::2", p), 0);
	/* wrong */
	assert_int_equal(wire_peer_parse("", p), -1);
	assert_int_equal(wire_peer_parse("192.0.2.77,", p), -1);
	assert_int_equal(wire_peer_parse(",192.0.2.77", p), -1);
	assert_int_equal(wire_peer_parse("192.0.2.77,192.0.2.78", p), -1);
	assert_int_equal(wire_peer_parse("192.0.2.77,2001:db8::2,10.0.0.1", p),
	    -1);
	assert_int_equal(wire_peer_parse("[2001:db8::2]", p), -1);
	assert_int_equal(wire_peer_parse("peer.example", p), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_from_client),
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
