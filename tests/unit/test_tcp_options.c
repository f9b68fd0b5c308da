/*
 * test_tcp_options.c - the TCP option parser and encoder, tcpdump flag
 * strings and the names of decode errors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "tcp_options.h"
#include "codec_asserts.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

struct opt_case {
	const char *what;
	uint8_t bytes[TCP_OPTS_SPACE_MAX];
	size_t len;
	bool ok;
};

static const struct opt_case opt_cases[] = {
	{ "empty", { 0 }, 0, true },
	{ "EOL hides garbage", { 0, 2, 0xff }, 3, true },
	{ "NOPs", { 1, 1, 1, 1 }, 4, true },
	{ "unknown kind 30 skipped", { 30, 4, 9, 9, 2, 4, 1, 0 }, 8, true },
	{ "SACK blocks skipped", { 1, 1, 5, 10, 0, 0, 0, 1, 0, 0, 0, 2 }, 12,
	    true },
	{ "unknown len 2", { 99, 2, 1, 1 }, 4, true },
	{ "kind without length", { 1, 1, 1, 2 }, 4, false },
	{ "length 0", { 30, 0, 1, 1 }, 4, false },
	{ "length 1", { 30, 1, 1, 1 }, 4, false },
	{ "runs past", { 1, 2, 4, 5 }, 4, false },
	{ "MSS len 3", { 2, 3, 5, 1 }, 4, false },
	{ "WS len 4", { 3, 4, 7, 1 }, 4, false },
	{ "SACK-perm len 3", { 4, 3, 0, 1 }, 4, false },
	{ "TS len 8", { 8, 8, 0, 0, 0, 1, 0, 0 }, 8, false },
};

static void
test_tcp_opts_parse(void **state)
{
	struct tcp_opts o;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(opt_cases); i++) {
		if (tcp_opts_parse(opt_cases[i].bytes, opt_cases[i].len, &o) !=
		    opt_cases[i].ok)
			fail_msg("options \"%s\" misjudged", opt_cases[i].what);
	}
	assert_true(tcp_opts_parse(opt_cases[3].bytes, 8, &o));
	assert_true(o.has_mss);
	assert_int_equal(o.mss, 0x0100);
	assert_false(o.has_ts || o.sack_ok || o.has_wscale);
	assert_true(tcp_opts_parse(opt_cases[1].bytes, 3, &o));
	assert_false(o.has_mss || o.has_ts || o.sack_ok || o.has_wscale);
}

/* All 16 combinations: Linux sizes, 4-byte multiples, parse back equal. */
static void
test_tcp_opts_encode(void **state)
{
	uint8_t buf[TCP_OPTS_ENCODED_MAX];
	struct tcp_opts in, out;
	unsigned combo;
	size_t n;

	(void)state;
	for (combo = 0; combo < 16; combo++) {
		memset(&in, 0, sizeof(in));
		in.has_mss = combo & 1;
		in.mss = in.has_mss ? 536 : 0;
		in.sack_ok = combo & 2;
		in.has_ts = combo & 4;
		in.ts_val = in.has_ts ? 0x01020304 : 0;
		in.ts_ecr = in.has_ts ? 0xa0b0c0d0 : 0;
		in.has_wscale = combo & 8;
		in.wscale = in.has_wscale ? 14 : 0;
		n = tcp_opts_encode(&in, buf, sizeof(buf));
		assert_int_equal(n, tcp_opts_encoded_len(&in));
		assert_int_equal(n % 4, 0);
		assert_true(n <= TCP_OPTS_ENCODED_MAX);
		assert_true(tcp_opts_parse(buf, n, &out));
		assert_same_opts(&out, &in);
		if (n > 0)
			assert_int_equal(tcp_opts_encode(&in, buf, n - 1), 0);
	}
	memset(&in, 0, sizeof(in));
	in.sack_ok = true;
	assert_int_equal(tcp_opts_encode(&in, buf, sizeof(buf)), 4);
	assert_memory_equal(buf, "\x01\x01\x04\x02", 4);
}

static void
test_flags_str(void **state)
{
	static const struct {
		uint8_t flags;
		const char *want;
	} cases[] = {
		{ TCPF_SYN, "S" },
		{ TCPF_SYN | TCPF_ACK, "S." },
		{ TCPF_ACK, "." },
		{ TCPF_FIN | TCPF_ACK, "F." },
		{ TCPF_RST, "R" },
		{ TCPF_RST | TCPF_ACK, "R." },
		{ TCPF_PSH | TCPF_ACK, "P." },
		{ TCPF_FIN | TCPF_PSH | TCPF_ACK, "FP." },
		/* tcpdump prints ACK between PSH and URG, ECN after it. */
		{ TCPF_SYN | TCPF_ECE | TCPF_CWR, "SEW" },
		{ TCPF_SYN | TCPF_ACK | TCPF_ECE, "S.E" },
		{ TCPF_URG | TCPF_ACK, ".U" },
		{ 0xff, "FSRP.UEW" },
		{ 0, "none" },
	};
	char buf[10];
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		memset(buf, 'x', sizeof(buf));
		assert_ptr_equal(tcp_flags_str(cases[i].flags, buf), buf);
		assert_string_equal(buf, cases[i].want);
	}
}

static void
test_error_names(void **state)
{
	int a, b;

	(void)state;
	for (a = 0; a < FRAME_ERROR_COUNT; a++) {
		const char *na = frame_error_name((enum frame_error)a);

		assert_non_null(na);
		assert_string_not_equal(na, "unknown");
		for (b = 0; b < a; b++)
			assert_string_not_equal(na,
			    frame_error_name((enum frame_error)b));
	}
	assert_string_equal(frame_error_name(FRAME_OK), "ok");
	assert_string_equal(frame_error_name(FRAME_TCP_BAD_CSUM),
	    "tcp-bad-csum");
	assert_string_equal(frame_error_name(FRAME_ERROR_COUNT), "unknown");
	assert_string_equal(frame_error_name((enum frame_error) - 1),
	    "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp_opts_parse),
		cmocka_unit_test(test_tcp_opts_encode),
		cmocka_unit_test(test_flags_str),
		cmocka_unit_test(test_error_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
