/*
 * test_units.c - sizes and durations: what parses, to what value, what is
 * refused and why, and what the formatter prints back.
 *
 * Expected values are written out as decimal literals computed by hand, not
 * as expressions of the same shifts the code uses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "units.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

struct ok_case {
	const char *text;
	uint64_t value;
};

/* An error case: the text and a word its message must contain. */
struct bad_case {
	const char *text;
	const char *says;
};

static void
expect_size(const char *text, uint64_t value)
{
	char err[160] = "";
	uint64_t v = 0xdeadbeef;

	if (parse_size(text, &v, err, sizeof(err)) != 0)
		fail_msg("parse_size(\"%s\") failed: %s", text, err);
	if (v != value)
		fail_msg("parse_size(\"%s\") = %" PRIu64 ", want %" PRIu64,
		    text, v, value);
}

static void
expect_duration(const char *text, uint64_t value)
{
	char err[160] = "";
	uint64_t v = 0xdeadbeef;

	if (parse_duration(text, &v, err, sizeof(err)) != 0)
		fail_msg("parse_duration(\"%s\") failed: %s", text, err);
	if (v != value)
		fail_msg("parse_duration(\"%s\") = %" PRIu64 ", want %" PRIu64,
		    text, v, value);
}

/* A refused input must leave *out alone and explain itself. */
static void
expect_refused(int (*parse)(const char *, uint64_t *, char *, size_t),
    const struct bad_case *bc)
{
	char err[160] = "";
	uint64_t v = 77;

	if (parse(bc->text, &v, err, sizeof(err)) != -1)
		fail_msg("\"%s\" was accepted as %" PRIu64, bc->text, v);
	assert_int_equal(v, 77);
	if (strstr(err, bc->says) == NULL)
		fail_msg("error for \"%s\" is \"%s\", want it to say \"%s\"",
		    bc->text, err, bc->says);
}

static void
test_size_valid(void **state)
{
	static const struct ok_case cases[] = {
		{ "0", 0 },
		{ "1500", 1500 },
		{ "1500B", 1500 },
		{ "1KiB", 1024 },
		{ "64KiB", 65536 },
		{ "10 KiB", 10240 },   /* a space between is allowed */
		{ "  3MiB", 3145728 }, /* and before */
		{ "2GiB", 2147483648ull },
		{ "007KiB", 7168 },
		{ "18446744073709551615", 18446744073709551615ull },
		{ "18446744073709551615B", 18446744073709551615ull },
		/* (2^34 - 1) GiB = 2^64 - 2^30, the largest GiB count that fits */
		{ "17179869183GiB", 18446744072635809792ull },
		{ "17592186044415MiB", 18446744073708503040ull },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++)
		expect_size(cases[i].text, cases[i].value);
}

static void
test_size_invalid(void **state)
{
	static const struct bad_case cases[] = {
		{ "", "is not a size" },
		{ "KiB", "is not a size" },
		{ "1.5KiB", "is not a size" }, /* sizes are whole bytes */
		{ "-1", "is not a size" },
		{ "+1", "is not a size" },
		{ "64KB", "binary" }, /* refused with the hint, not guessed */
		{ "64kb", "binary" },
		{ "64K", "binary" },
		{ "1M", "binary" },
		{ "1 GB", "binary" },
		{ "64kib", "unknown size unit" }, /* units are case-sensitive */
		{ "64 bytes", "unknown size unit" },
		{ "1 2", "unknown size unit" },
		{ "64KiB ",
		    "unknown size unit" }, /* trailing space is not trimmed */
		{ "18446744073709551616", "too large" },
		{ "99999999999999999999999", "too large" },
		{ "17179869184GiB", "too large" }, /* exactly 2^64 */
		{ "17592186044416MiB", "too large" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++)
		expect_refused(parse_size, &cases[i]);
}

static void
test_duration_valid(void **state)
{
	static const struct ok_case cases[] = {
		{ "0s", 0 },
		{ "7ns", 7 },
		{ "100us", 100000 },
		{ "250ms", 250000000 },
		{ "2s", 2000000000 },
		{ "1.5s", 1500000000 },
		{ "1.25 s", 1250000000 },
		{ ".5s", 500000000 },
		{ "1.5ms", 1500000 },
		{ "2.5us", 2500 },
		{ "1min", 60000000000ull },
		{ "1.5min", 90000000000ull },
		{ "0.000000001s", 1 },
		/* only nine decimals count: below a nanosecond is cut off */
		{ "1.0000000009s", 1000000000 },
		{ "1.5ns", 1 },
		{ "18446744073s", 18446744073000000000ull },
		{ "18446744073.709551615s", 18446744073709551615ull },
		{ "18446744073709551615ns", 18446744073709551615ull },
		{ "307445734min", 18446744040000000000ull },
		{ "0.999999999min", 59999999940ull },
		{ "307445734.5min", 18446744070000000000ull },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++)
		expect_duration(cases[i].text, cases[i].value);
}

static void
test_duration_invalid(void **state)
{
	static const struct bad_case cases[] = {
		{ "", "is not a duration" },
		{ "s", "is not a duration" },
		{ "-1s", "is not a duration" },
		{ "2", "has no unit" }, /* never guess seconds or ms */
		{ "1.5", "has no unit" },
		{ "1h", "unknown time unit" },
		{ "1 sec", "unknown time unit" },
		{ "1S", "unknown time unit" },
		{ "1.s", "not a valid duration" },
		{ "1..5s", "not a valid duration" },
		{ "1.2.3ms", "not a valid duration" },
		{ "18446744074s", "not a valid duration" },
		{ "18446744073.709551616s", "not a valid duration" },
		{ "18446744073.9s", "not a valid duration" },
		{ "18446744073709551616ns", "not a valid duration" },
		{ "99999999999999999999999ns", "not a valid duration" },
		{ "307445735min", "not a valid duration" },
		{ "307445734.6min", "not a valid duration" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++)
		expect_refused(parse_duration, &cases[i]);
}

/* Callers may pass no error buffer, or one too small for the message. */
static void
test_error_buffers(void **state)
{
	char small[8];
	uint64_t v = 5;

	(void)state;
	assert_int_equal(parse_size("x", &v, NULL, 0), -1);
	assert_int_equal(parse_duration("2", &v, NULL, 0), -1);
	memset(small, 'z', sizeof(small));
	assert_int_equal(parse_size("64KB", &v, small, sizeof(small)), -1);
	assert_string_equal(small, "'64KB':");
	assert_int_equal(v, 5);
}

static void
expect_format(size_t (*fmt)(uint64_t, char *, size_t), uint64_t v,
    const char *want)
{
	char buf[40];
	size_t n;

	memset(buf, 'z', sizeof(buf));
	n = fmt(v, buf, sizeof(buf));
	if (strcmp(buf, want) != 0)
		fail_msg("%" PRIu64 " formats as \"%s\", want \"%s\"", v, buf,
		    want);
	assert_int_equal(n, strlen(want));
}

static void
test_format_size(void **state)
{
	(void)state;
	expect_format(format_size, 0, "0B");
	expect_format(format_size, 1, "1B");
	expect_format(format_size, 1500, "1500B");
	expect_format(format_size, 1536, "1536B"); /* never a fraction */
	expect_format(format_size, 1024, "1KiB");
	expect_format(format_size, 65536, "64KiB");
	expect_format(format_size, 1048576, "1MiB");
	expect_format(format_size, 1049600, "1025KiB");
	expect_format(format_size, 1073741824, "1GiB");
	expect_format(format_size, 3221225472ull, "3GiB");
	expect_format(format_size, 18446744072635809792ull, "17179869183GiB");
	expect_format(format_size, 18446744073709551615ull,
	    "18446744073709551615B");
}

static void
test_format_duration(void **state)
{
	(void)state;
	expect_format(format_duration, 0, "0s");
	expect_format(format_duration, 1, "1ns");
	expect_format(format_duration, 1500, "1500ns");
	expect_format(format_duration, 2000, "2us");
	expect_format(format_duration, 250000000, "250ms");
	expect_format(format_duration, 999000000, "999ms");
	expect_format(format_duration, 2000000000, "2s");
	expect_format(format_duration, 60000000000ull, "60s");
	/* the header promises "1.5s": no trailing zeros after the point */
	expect_format(format_duration, 1500000000, "1.5s");
	expect_format(format_duration, 1250000000, "1.25s");
	expect_format(format_duration, 1005000000, "1.005s");
	expect_format(format_duration, 12340000000ull, "12.34s");
	expect_format(format_duration, 1000500000, "1000500us");
	expect_format(format_duration, 18446744073709551615ull,
	    "18446744073709551615ns");
}

/* Like snprintf: a short buffer gets a truncated string and the full length. */
static void
test_format_truncates(void **state)
{
	char buf[4];

	(void)state;
	assert_int_equal(format_size(65536, buf, sizeof(buf)), 5);
	assert_string_equal(buf, "64K");
	assert_int_equal(format_duration(250000000, buf, sizeof(buf)), 5);
	assert_string_equal(buf, "250");
	assert_int_equal(format_size(65536, NULL, 0), 5);
}

/* Whatever the formatter prints, the parser reads back to the same value. */
static void
test_round_trip(void **state)
{
	static const uint64_t sizes[] = {
		0,
		1,
		1023,
		1024,
		65536,
		65537,
		1048576,
		1073741824,
		5368709120ull,
		18446744073709551615ull,
	};
	static const uint64_t durations[] = {
		0,
		1,
		999,
		1000,
		1500,
		1000000,
		50000000,
		1000000000,
		1500000000,
		1001000000,
		1000001000,
		60000000000ull,
		18446744073709551615ull,
	};
	char buf[40];
	uint64_t v;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(sizes); i++) {
		format_size(sizes[i], buf, sizeof(buf));
		assert_int_equal(parse_size(buf, &v, NULL, 0), 0);
		assert_int_equal(v, sizes[i]);
	}
	for (i = 0; i < NELEM(durations); i++) {
		format_duration(durations[i], buf, sizeof(buf));
		assert_int_equal(parse_duration(buf, &v, NULL, 0), 0);
		assert_int_equal(v, durations[i]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size_valid),
		cmocka_unit_test(test_size_invalid),
		cmocka_unit_test(test_duration_valid),
		cmocka_unit_test(test_duration_invalid),
		cmocka_unit_test(test_error_buffers),
		cmocka_unit_test(test_format_size),
		cmocka_unit_test(test_format_duration),
		cmocka_unit_test(test_format_truncates),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
