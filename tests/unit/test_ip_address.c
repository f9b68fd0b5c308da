/*
 * test_ip_address.c - the address type both families share: text in and
 * out (IPv4 exactly as the peer always wrote it, IPv6 short and in
 * brackets beside a port), equality that minds the family, the keyed hash,
 * and the multicast helpers Neighbor Discovery needs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "ip_address.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static struct ip_addr
must_parse(const char *s)
{
	struct ip_addr a;

	if (ip_addr_parse(s, &a) != 0)
		fail_msg("'%s' did not parse", s);
	return a;
}

static void
test_v4_round_trip(void **state)
{
	struct ip_addr a = ip_addr_v4(0xc0000201u), p;
	char buf[IP_ADDR_PORT_STRLEN];
	uint16_t port;

	(void)state;
	assert_int_equal(a.family, IPF_V4);
	assert_memory_equal(a.b, "\xc0\x00\x02\x01\0\0\0\0\0\0\0\0\0\0\0\0",
	    16);
	assert_int_equal(ip_addr_to_v4(&a), 0xc0000201u);
	assert_string_equal(ip_addr_format(&a, buf, sizeof(buf)), "192.0.2.1");
	assert_string_equal(ip_addr_format_port(&a, 40112, buf, sizeof(buf)),
	    "192.0.2.1:40112");
	assert_int_equal(ip_addr_parse_port("192.0.2.1:40112", &p, &port), 0);
	assert_true(ip_addr_eq(&p, &a));
	assert_int_equal(port, 40112);
	p = must_parse("255.255.255.255");
	assert_string_equal(ip_addr_format(&p, buf, sizeof(buf)),
	    "255.255.255.255");
	/* A buffer too small is cut, never overrun. */
	assert_string_equal(ip_addr_format(&a, buf, 5), "192.");
}

static void
test_v6_round_trip(void **state)
{
	static const uint8_t want[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	struct ip_addr a, p;
	char buf[IP_ADDR_PORT_STRLEN];
	uint16_t port;

	(void)state;
	a = must_parse("2001:DB8:0:0:0:0:0:1");
	assert_int_equal(a.family, IPF_V6);
	assert_memory_equal(a.b, want, 16);
	assert_int_equal(ip_addr_to_v4(&a), 0);
	/* The short form, lower case (RFC 5952), and brackets with a port. */
	assert_string_equal(ip_addr_format(&a, buf, sizeof(buf)),
	    "2001:db8::1");
	assert_string_equal(ip_addr_format_port(&a, 80, buf, sizeof(buf)),
	    "[2001:db8::1]:80");
	assert_int_equal(ip_addr_parse_port("[2001:db8::1]:80", &p, &port), 0);
	assert_true(ip_addr_eq(&p, &a));
	assert_int_equal(port, 80);
	/* The longest text there is still fits. */
	p = must_parse("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255");
	assert_string_equal(ip_addr_format_port(&p, 65535, buf, sizeof(buf)),
	    "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535");
	assert_true(strlen(buf) < IP_ADDR_PORT_STRLEN);
	p = ip_addr_none();
	assert_string_equal(ip_addr_format(&p, buf, sizeof(buf)), "-");
}

static void
test_refused_text(void **state)
{
	static const char *const bad[] = {
		"",
		"192.0.2",
		"192.0.2.1.5",
		"300.0.2.1",
		"192.0.2.01x",
		"::g",
		"2001:db8::1%eth0",
		"[2001:db8::1]",
		" 192.0.2.1",
		"localhost",
	};
	static const char *const bad_port[] = {
		"192.0.2.1",
		"192.0.2.1:",
		"192.0.2.1:0",
		"192.0.2.1:65536",
		"192.0.2.1:+80",
		"192.0.2.1:80 ",
		"2001:db8::1:80",
		"[2001:db8::1]80",
		"[2001:db8::1]:",
		"[192.0.2.1]:80",
		"2001:db8::1]:80",
		"[2001:db8::1:80",
		"[]:80",
		"[2001:db8::1]:99999999999",
		"[0000:0000:0000:0000:0000:0000:0000:0000:0000]:1",
	};
	struct ip_addr a;
	uint16_t port;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(bad); i++)
		if (ip_addr_parse(bad[i], &a) == 0)
			fail_msg("'%s' parsed as an address", bad[i]);
	for (i = 0; i < NELEM(bad_port); i++)
		if (ip_addr_parse_port(bad_port[i], &a, &port) == 0)
			fail_msg("'%s' parsed as an address and port",
			    bad_port[i]);
}

/* The family is part of the address: ::c000:201 is not 192.0.2.1. */
static void
test_equality_minds_family(void **state)
{
	struct ip_addr v4 = ip_addr_v4(0xc0000201u);
	struct ip_addr look = { .family = IPF_V6, .b = { 192, 0, 2, 1 } };
	struct ip_addr none = ip_addr_none();

	(void)state;
	assert_false(ip_addr_eq(&v4, &look));
	assert_true(ip_addr_cmp(&v4, &look) < 0);
	assert_true(ip_addr_cmp(&look, &v4) > 0);
	assert_int_equal(ip_addr_cmp(&v4, &v4), 0);
	assert_false(ip_addr_eq(&v4, &none));
	assert_true(ip_addr_eq(&none, &none));
	assert_int_not_equal(ip_addr_hash(&v4, 1), ip_addr_hash(&look, 1));
}

/* Keyed: another key moves every address; the same key, never. */
static void
test_hash_is_keyed(void **state)
{
	struct ip_addr a = must_parse("2001:db8::1"),
		       b = must_parse("2001:db8::2");
	int moved = 0, i;

	(void)state;
	assert_int_equal(ip_addr_hash(&a, 7), ip_addr_hash(&a, 7));
	assert_int_not_equal(ip_addr_hash(&a, 7), ip_addr_hash(&b, 7));
	for (i = 0; i < 64; i++)
		moved += ip_addr_hash(&a, (uint64_t)i) !=
		    ip_addr_hash(&a, (uint64_t)i + 1);
	assert_int_equal(moved, 64);
	/* IPv4 stands for itself in a seed; IPv6 is folded. */
	b = ip_addr_v4(0xc0000202u);
	assert_int_equal(ip_addr_key32(&b), 0xc0000202u);
	assert_int_not_equal(ip_addr_key32(&a), 0);
}

static void
test_multicast_helpers(void **state)
{
	struct ip_addr a = must_parse("2001:db8::12:3456"), g,
		       v4m = must_parse("224.0.0.1");
	char buf[IP_ADDR_STRLEN];

	(void)state;
	g = ip_addr_solicited_node(&a);
	assert_string_equal(ip_addr_format(&g, buf, sizeof(buf)),
	    "ff02::1:ff12:3456");
	assert_true(ip_addr_is_multicast(&g));
	assert_false(ip_addr_is_multicast(&a));
	assert_true(ip_addr_is_multicast(&v4m));
	g = must_parse("::");
	assert_true(ip_addr_is_unspecified6(&g));
	assert_false(ip_addr_is_unspecified6(&a));
	g = ip_addr_v4(0);
	assert_false(ip_addr_is_unspecified6(&g));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v4_round_trip),
		cmocka_unit_test(test_v6_round_trip),
		cmocka_unit_test(test_refused_text),
		cmocka_unit_test(test_equality_minds_family),
		cmocka_unit_test(test_hash_is_keyed),
		cmocka_unit_test(test_multicast_helpers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
