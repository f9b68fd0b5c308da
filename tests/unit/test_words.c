/*
 * test_words.c - the words layer (client/words/): each spelling of a
 * duration and its reader, sizes, a segment's flags, and text escaped for
 * terminals, XML, JSON and YAML, malformed UTF-8 included.
 *
 * The expected texts are the ones the reports, the live view and `lingerlab
 * observe` have always written: these spellings are what their readers see.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "duration_text.h"
#include "escape.h"
#include "segment.h"
#include "segment_text.h"
#include "size_text.h"
#include "utf8.h"

static char buf[128];

static const char *
measured(uint64_t ns, enum dur_style style)
{
	size_t n = dur_measured(ns, style, buf, sizeof(buf));

	assert_int_equal(n, strlen(buf));
	return buf;
}

static void
test_measured(void **state)
{
	(void)state;
	assert_string_equal(measured(85400, DUR_VERDICT), "85 us");
	assert_string_equal(measured(12390000, DUR_VERDICT), "12.3 ms");
	assert_string_equal(measured(2015900000u, DUR_VERDICT), "2.015 s");
	assert_string_equal(measured(9400, DUR_LIVE), "9us");
	assert_string_equal(measured(1250000, DUR_LIVE), "1.2ms");
	assert_string_equal(measured(12390000, DUR_LIVE), "12.4ms");
	assert_string_equal(measured(2001000000u, DUR_LIVE), "2.001s");
	assert_string_equal(measured(999, DUR_OBSERVE), "0 us");
	assert_string_equal(measured(12390000, DUR_OBSERVE), "12.4 ms");
	assert_string_equal(measured(2015900000u, DUR_OBSERVE), "2015.9 ms");
}

static void
test_written_and_offsets(void **state)
{
	(void)state;
	dur_written(2000000000u, buf, sizeof(buf));
	assert_string_equal(buf, "2 s");
	dur_written(1500000000u, buf, sizeof(buf));
	assert_string_equal(buf, "1.5 s");
	dur_written(150000000u, buf, sizeof(buf));
	assert_string_equal(buf, "150 ms");
	dur_written(62500000u, buf, sizeof(buf)); /* not whole ms: measured */
	assert_string_equal(buf, "62.5 ms");
	dur_offset(1203456789u, buf, sizeof(buf));
	assert_string_equal(buf, "+1.203s");
	dur_seconds(2015999999u, buf, sizeof(buf));
	assert_string_equal(buf, "2.015");
	dur_decimal(2135099999u, NS_PER_MS, 1, DUR_CUT, buf, sizeof(buf));
	assert_string_equal(buf, "2135.0");
	dur_decimal(1203500001u, NS_PER_S, 3, DUR_ROUND, buf, sizeof(buf));
	assert_string_equal(buf, "1.204");
	dur_decimal(7 * NS_PER_S, NS_PER_S, 0, DUR_CUT, buf, sizeof(buf));
	assert_string_equal(buf, "7");
}

/* Cut like snprintf: what fits and a terminator, and the whole length. */
static void
test_truncation(void **state)
{
	char small[5];

	(void)state;
	assert_int_equal(dur_offset(1203456789u, small, sizeof(small)), 7);
	assert_string_equal(small, "+1.2");
	assert_int_equal(dur_measured(2015900000u, DUR_VERDICT, small,
			     sizeof(small)),
	    7);
	assert_string_equal(small, "2.01");
	assert_int_equal(size_words(10240, NULL, 0),
	    strlen("10 KiB (10240 bytes)"));
}

static void
test_sizes(void **state)
{
	(void)state;
	size_words(10240, buf, sizeof(buf));
	assert_string_equal(buf, "10 KiB (10240 bytes)");
	size_words(1500, buf, sizeof(buf));
	assert_string_equal(buf, "1500 bytes");
	size_words(0, buf, sizeof(buf));
	assert_string_equal(buf, "0 bytes");
	size_words(3u << 20, buf, sizeof(buf));
	assert_string_equal(buf, "3 MiB (3145728 bytes)");
}

static void
test_flags(void **state)
{
	(void)state;
	tcpf_letters(TCPF_FIN | TCPF_ACK, buf, sizeof(buf));
	assert_string_equal(buf, "F.");
	tcpf_letters(0, buf, sizeof(buf));
	assert_string_equal(buf, "none");
	tcpf_letters(0xff, buf, sizeof(buf));
	assert_string_equal(buf, "FSRPUEW.");
	tcpf_words(TCPF_SYN | TCPF_ACK, buf, sizeof(buf));
	assert_string_equal(buf, "SYN ACK");
	tcpf_words(TCPF_FIN | TCPF_PSH | TCPF_ACK, buf, sizeof(buf));
	assert_string_equal(buf, "FIN PSH ACK");
	tcpf_words(0, buf, sizeof(buf));
	assert_string_equal(buf, "no flags");
}

static void
test_utf8(void **state)
{
	(void)state;
	assert_int_equal(utf8_seq_len((const unsigned char *)"a"), 1);
	assert_int_equal(utf8_seq_len((const unsigned char *)"\xc2\xb1"), 2);
	assert_int_equal(utf8_code_point((const unsigned char *)"\xc2\xb1", 2),
	    0xb1);
	assert_int_equal(utf8_seq_len((const unsigned char *)"\xe2\x82\xac"),
	    3);
	assert_int_equal(utf8_seq_len(
			     (const unsigned char *)"\xf0\x9f\x98\x80"),
	    4);
	assert_int_equal(utf8_seq_len((const unsigned char *)"\xc0\xaf"),
	    0); /* overlong */
	assert_int_equal(utf8_seq_len((const unsigned char *)"\xed\xa0\x80"),
	    0); /* surrogate */
	assert_int_equal(utf8_seq_len(
			     (const unsigned char *)"\xf4\x90\x80\x80"),
	    0);
	assert_int_equal(utf8_seq_len((const unsigned char *)"\xe2\x82"),
	    0); /* cut by the NUL */
	assert_int_equal(utf8_seq_len((const unsigned char *)"\x80"), 0);
}

/* What one of the escapes writes for s (valid until the next call). */
enum how { TERMINAL, XML_TEXT, XML_ATTR, JSON, YAML };

static char *out;

static const char *
escaped(const char *s, enum how how)
{
	size_t n = 0;
	FILE *fp;

	free(out);
	out = NULL;
	fp = open_memstream(&out, &n);
	assert_non_null(fp);
	if (how == TERMINAL)
		esc_put_terminal(fp, s);
	else if (how == XML_TEXT || how == XML_ATTR)
		esc_put_xml(fp, s, how == XML_ATTR);
	else
		esc_put_quoted(fp, s,
		    how == JSON ? ESC_QUOTE_JSON : ESC_QUOTE_YAML);
	assert_int_equal(fclose(fp), 0);
	return out;
}

static void
test_escapes(void **state)
{
	(void)state;
	assert_string_equal(escaped("a\033[2Jb\x7f", TERMINAL), "a?[2Jb?");
	assert_int_equal(esc_terminal_char('\n'), '?');
	assert_int_equal(esc_terminal_char('x'), 'x');
	assert_string_equal(escaped("<a & 'b'>\t\"\xff", XML_TEXT),
	    "&lt;a &amp; 'b'&gt;\t\"?");
	assert_string_equal(escaped("'x'\n\"y\"\x01", XML_ATTR),
	    "&apos;x&apos;&#10;&quot;y&quot;?");
	assert_string_equal(escaped("\xc2\xb1 ok", XML_TEXT), "\xc2\xb1 ok");
	assert_string_equal(escaped("a\"b\\c\n\x01\xff\xc2\xb1", JSON),
	    "\"a\\\"b\\\\c\\n\\u0001\\ufffd\xc2\xb1\"");
	assert_string_equal(escaped("a\"b\t\x01\xff", YAML),
	    "\"a\\\"b\\t\\x01?\"");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_measured),
		cmocka_unit_test(test_written_and_offsets),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_escapes),
	};

	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	free(out);
	return failed;
}
