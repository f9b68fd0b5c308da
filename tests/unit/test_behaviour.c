/*
 * test_behaviour.c - behaviour specs: every item and parameter, the
 * NAME=VALUE shorthand, every error with the offset it points at, the
 * conflicts, and the canonical text printed back.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "behaviour.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define KIB	 1024u

struct ok_case {
	const char *spec;
	struct behaviour want;
};

struct bad_case {
	const char *spec;
	size_t pos;	  /* where the error must point */
	const char *says; /* a phrase the message must contain */
};

/* rcvbuf defaults to 64 KiB whatever the items are. */
#define B(bits_, rcvbuf_, read_after_, silent_after_, delay_ms_)               \
	{                                                                      \
		(bits_), (rcvbuf_), (read_after_), (silent_after_),            \
		    (delay_ms_)                                                \
	}
#define DEF (64 * KIB)

static void
assert_behaviour_equal(const char *spec, const struct behaviour *got,
    const struct behaviour *want)
{
	if (got->bits != want->bits || got->rcvbuf != want->rcvbuf ||
	    got->read_after != want->read_after ||
	    got->silent_after != want->silent_after ||
	    got->delay_ms != want->delay_ms)
		fail_msg(
		    "\"%s\": got bits=%#x rcvbuf=%u after=%u silent=%u delay=%u, want "
		    "bits=%#x rcvbuf=%u after=%u silent=%u delay=%u",
		    spec, got->bits, got->rcvbuf, got->read_after,
		    got->silent_after, got->delay_ms, want->bits, want->rcvbuf,
		    want->read_after, want->silent_after, want->delay_ms);
}

static void
test_default(void **state)
{
	struct behaviour b;

	(void)state;
	memset(&b, 0xa5, sizeof(b));
	behaviour_default(&b);
	assert_int_equal(b.bits, 0);
	assert_int_equal(b.rcvbuf, 65536);
	assert_int_equal(b.read_after, 0);
	assert_int_equal(b.silent_after, 0);
	assert_int_equal(b.delay_ms, 0);
}

static void
test_every_item(void **state)
{
	static const struct ok_case cases[] = {
		{ "normal", B(0, DEF, 0, 0, 0) },
		{ "swallow-fin", B(BHV_SWALLOW_FIN, DEF, 0, 0, 0) },
		{ "half-close", B(BHV_HALF_CLOSE, DEF, 0, 0, 0) },
		{ "stop-reading", B(BHV_STOP_READING, DEF, 0, 0, 0) },
		{ "silent", B(BHV_SILENT, DEF, 0, 0, 0) },
		{ "reset-on-fin", B(BHV_RESET_ON_FIN, DEF, 0, 0, 0) },
		{ "refuse", B(BHV_REFUSE, DEF, 0, 0, 0) },
		{ "drop-syn", B(BHV_DROP_SYN, DEF, 0, 0, 0) },
		{ "delay=50ms", B(0, DEF, 0, 0, 50) },
	};
	struct behaviour b;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		assert_int_equal(behaviour_parse(cases[i].spec, &b, NULL), 0);
		assert_behaviour_equal(cases[i].spec, &b, &cases[i].want);
	}
}

static void
test_parameters(void **state)
{
	static const struct ok_case cases[] = {
		{ "stop-reading:rcvbuf=32KiB",
		    B(BHV_STOP_READING, 32 * KIB, 0, 0, 0) },
		{ "stop-reading:after=10KiB",
		    B(BHV_STOP_READING, DEF, 10 * KIB, 0, 0) },
		{ "stop-reading:rcvbuf=32KiB,after=10KiB",
		    B(BHV_STOP_READING, 32 * KIB, 10 * KIB, 0, 0) },
		{ "stop-reading:after=1000,rcvbuf=2000B", /* any order */
		    B(BHV_STOP_READING, 2000, 1000, 0, 0) },
		{ "stop-reading:rcvbuf=0", B(BHV_STOP_READING, 0, 0, 0, 0) },
		{ "stop-reading:rcvbuf=1GiB",
		    B(BHV_STOP_READING, 1073741824u, 0, 0, 0) },
		{ "stop-reading:after=4294967295",
		    B(BHV_STOP_READING, DEF, 4294967295u, 0, 0) },
		{ "stop-reading:rcvbuf=1KiB,rcvbuf=2KiB", /* the last one counts */
		    B(BHV_STOP_READING, 2 * KIB, 0, 0, 0) },
		{ "silent:after=1KiB", B(BHV_SILENT, DEF, 0, 1024, 0) },
		{ "delay:by=1.5s", B(0, DEF, 0, 0, 1500) },
		{ "delay=10min", B(0, DEF, 0, 0, 600000) }, /* the maximum */
		{ "delay=1ms", B(0, DEF, 0, 0, 1) },
		{ "delay=1000us", B(0, DEF, 0, 0, 1) },
	};
	struct behaviour b;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		if (behaviour_parse(cases[i].spec, &b, NULL) != 0)
			fail_msg("\"%s\" refused", cases[i].spec);
		assert_behaviour_equal(cases[i].spec, &b, &cases[i].want);
	}
}

/* NAME=VALUE sets the item's main parameter and can be followed by :k=v. */
static void
test_shorthand(void **state)
{
	static const struct ok_case cases[] = {
		{ "stop-reading=16KiB",
		    B(BHV_STOP_READING, 16 * KIB, 0, 0, 0) },
		{ "stop-reading=16KiB:after=1000",
		    B(BHV_STOP_READING, 16 * KIB, 1000, 0, 0) },
		{ "silent=1KiB", B(BHV_SILENT, DEF, 0, 1024, 0) },
		{ "delay=20ms", B(0, DEF, 0, 0, 20) },
		{ "stop-reading=8KiB+silent=2KiB",
		    B(BHV_STOP_READING | BHV_SILENT, 8 * KIB, 0, 2048, 0) },
	};
	struct behaviour b;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		if (behaviour_parse(cases[i].spec, &b, NULL) != 0)
			fail_msg("\"%s\" refused", cases[i].spec);
		assert_behaviour_equal(cases[i].spec, &b, &cases[i].want);
	}
}

static void
test_combinations(void **state)
{
	static const struct ok_case cases[] = {
		{ "stop-reading:rcvbuf=64KiB,after=10KiB+swallow-fin",
		    B(BHV_STOP_READING | BHV_SWALLOW_FIN, DEF, 10 * KIB, 0,
			0) },
		{ "normal+delay=20ms", B(0, DEF, 0, 0, 20) },
		{ "delay=20ms+normal", B(0, DEF, 0, 0, 20) },
		{ "swallow-fin+stop-reading+silent+delay=1ms",
		    B(BHV_SWALLOW_FIN | BHV_STOP_READING | BHV_SILENT, DEF, 0,
			0, 1) },
		{ "half-close+stop-reading",
		    B(BHV_HALF_CLOSE | BHV_STOP_READING, DEF, 0, 0, 0) },
		{ "refuse+delay=5ms", B(BHV_REFUSE, DEF, 0, 0, 5) },
		{ "drop-syn+silent",
		    B(BHV_DROP_SYN | BHV_SILENT, DEF, 0, 0, 0) },
		{ "reset-on-fin+stop-reading",
		    B(BHV_RESET_ON_FIN | BHV_STOP_READING, DEF, 0, 0, 0) },
	};
	struct behaviour b;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		if (behaviour_parse(cases[i].spec, &b, NULL) != 0)
			fail_msg("\"%s\" refused", cases[i].spec);
		assert_behaviour_equal(cases[i].spec, &b, &cases[i].want);
	}
}

static void
expect_error(const struct bad_case *bc)
{
	struct behaviour b, before;
	struct behaviour_error err;

	memset(&b, 0x5a, sizeof(b));
	before = b;
	memset(&err, 0, sizeof(err));
	err.pos = 9999;
	if (behaviour_parse(bc->spec, &b, &err) != -1)
		fail_msg("\"%s\" was accepted", bc->spec);
	if (err.pos != bc->pos || strstr(err.msg, bc->says) == NULL)
		fail_msg(
		    "\"%s\": error at %zu \"%s\", want at %zu saying \"%s\"",
		    bc->spec, err.pos, err.msg, bc->pos, bc->says);
	assert_memory_equal(&b, &before, sizeof(b)); /* out is left alone */
	assert_int_equal(behaviour_parse(bc->spec, &b, NULL),
	    -1); /* err optional */
}

static void
test_errors(void **state)
{
	static const struct bad_case cases[] = {
		{ "", 0, "empty behaviour" },
		{ "bogus", 0, "unknown behaviour" },
		{ "Normal", 0, "unknown behaviour" },
		{ "swallow", 0, "unknown behaviour" },
		{ "normal+bogus", 7, "unknown behaviour" },
		{ "normal+", 7, "expected a behaviour name" },
		{ "+normal", 0, "expected a behaviour name" },
		{ "normal++delay=1ms", 7, "expected a behaviour name" },
		{ ":rcvbuf=1KiB", 0, "expected a behaviour name" },
		{ "swallow-fin=1", 11, "swallow-fin takes no value" },
		{ "normal=x", 6, "normal takes no value" },
		{ "normal:x", 7, "normal takes no parameters" },
		{ "half-close:a=b", 11, "half-close takes no parameters" },
		{ "stop-reading:", 13,
		    "expected key=value after ':' (for example rcvbuf=" },
		{ "stop-reading:rcvbuf", 13, "expected key=value" },
		{ "silent:5", 7, "(for example after=" },
		{ "delay:", 6, "(for example by=" },
		{ "delay", 0, "delay needs a value, e.g. delay=50ms" },
		{ "normal+delay=0ms", 7, "delay needs a value" },
		{ "stop-reading:bogus=1", 13,
		    "unknown parameter for stop-reading" },
		{ "silent:rcvbuf=1KiB", 7, "unknown parameter for silent" },
		{ "stop-reading:rcvbuf=", 20,
		    "missing or overlong value for rcvbuf" },
		{ "stop-reading:rcvbuf=64KB", 20, "bad size for rcvbuf" },
		{ "stop-reading:rcvbuf=1.5KiB", 20, "bad size for rcvbuf" },
		{ "stop-reading:rcvbuf=1025MiB", 20, "at most 1GiB" },
		{ "stop-reading:rcvbuf=64KiB,after=x", 32,
		    "bad size for after" },
		{ "stop-reading:rcvbuf=64KiB,", 26, "expected key=value" },
		{ "stop-reading:rcvbuf=64KiB:after=1KiB", 20,
		    "bad size for rcvbuf" },
		{ "stop-reading:after=4GiB", 19, "bad size for after" },
		{ "stop-reading=abc", 13, "bad size for rcvbuf" },
		{ "stop-reading=", 13, "missing or overlong value for rcvbuf" },
		{ "stop-reading=64KiB=1", 13, "bad size for rcvbuf" },
		{ "silent:after=4GiB", 13, "bad size for after" },
		{ "delay=11min", 6, "bad duration for by" },
		{ "delay=50", 6, "bad duration for by" },
		{ "delay=-5ms", 6, "bad duration for by" },
		/* ms is all the struct keeps: 500us must not quietly become no delay */
		{ "delay=500us", 6, "whole ms" },
		{ "delay=1500us", 6, "whole ms" },
		{ "swallow-fin+swallow-fin", 12, "swallow-fin is given twice" },
		{ "stop-reading=1KiB+silent+stop-reading", 25,
		    "stop-reading is given twice" },
		{ "delay=1ms+delay=2ms", 10, "delay is given twice" },
		{ "normal+normal", 7, "normal is given twice" },
		{ "stop-reading:rcvbuf=0123456789012345678901234567890123456789"
		  "012345678901234567890123456789",
		    20, "missing or overlong value" },
		{ "stop-reading=0123456789012345678901234567890123456789"
		  "0123456789012345678901234567890123456789",
		    13, "value too long for stop-reading" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++)
		expect_error(&cases[i]);
}

/* Contradictions are refused as a whole spec, so they point at offset 0. */
static void
test_conflicts(void **state)
{
	static const struct bad_case cases[] = {
		{ "normal+swallow-fin", 0, "normal does not combine" },
		{ "silent+normal", 0, "normal does not combine" },
		{ "swallow-fin+half-close", 0,
		    "half-close ACKs the FIN that swallow-fin withholds" },
		{ "half-close+swallow-fin", 0,
		    "half-close ACKs the FIN that swallow-fin withholds" },
		{ "reset-on-fin+swallow-fin", 0,
		    "reset-on-fin answers the FIN" },
		{ "half-close+reset-on-fin", 0,
		    "never lets the connection half-close" },
		{ "drop-syn+refuse", 0, "cannot be both refused and dropped" },
		{ "stop-reading+refuse+drop-syn+delay=1ms", 0,
		    "cannot be both" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++)
		expect_error(&cases[i]);
}

static void
expect_format(const char *spec, const char *canonical)
{
	struct behaviour b;
	char buf[128];
	size_t n;

	if (behaviour_parse(spec, &b, NULL) != 0)
		fail_msg("\"%s\" refused", spec);
	n = behaviour_format(&b, buf, sizeof(buf));
	if (strcmp(buf, canonical) != 0)
		fail_msg("\"%s\" prints as \"%s\", want \"%s\"", spec, buf,
		    canonical);
	assert_int_equal(n, strlen(canonical));
}

static void
test_canonical_format(void **state)
{
	(void)state;
	expect_format("normal", "normal");
	expect_format("swallow-fin", "swallow-fin");
	expect_format("stop-reading", "stop-reading:rcvbuf=64KiB");
	expect_format("stop-reading=1000:after=10240",
	    "stop-reading:rcvbuf=1000B,after=10KiB");
	expect_format("silent", "silent");
	expect_format("silent=1KiB", "silent:after=1KiB");
	expect_format("delay:by=50ms", "normal+delay=50ms");
	expect_format("normal+delay=1.5s", "normal+delay=1.5s");
	expect_format("delay=10min", "normal+delay=600s");
	/* items print in table order, delay last, whatever order they came in */
	expect_format("delay=20ms+silent+swallow-fin+stop-reading=8KiB",
	    "swallow-fin+stop-reading:rcvbuf=8KiB+silent+delay=20ms");
	expect_format("drop-syn", "drop-syn");
	expect_format("refuse", "refuse");
	expect_format("reset-on-fin", "reset-on-fin");
	expect_format("half-close", "half-close");
}

/* format(parse(x)) is a fixed point and parses to the same value. */
static void
test_round_trip(void **state)
{
	static const char *const specs[] = {
		"normal",
		"swallow-fin",
		"half-close",
		"stop-reading",
		"silent",
		"reset-on-fin",
		"refuse",
		"drop-syn",
		"delay=1ms",
		"stop-reading:rcvbuf=0",
		"stop-reading:rcvbuf=1GiB,after=4294967295",
		"silent:after=1",
		"stop-reading:after=10KiB+swallow-fin+delay=1001ms",
		"half-close+stop-reading=1536+silent=3MiB+delay=10min",
	};
	struct behaviour a, b;
	char first[160], second[160];
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(specs); i++) {
		assert_int_equal(behaviour_parse(specs[i], &a, NULL), 0);
		behaviour_format(&a, first, sizeof(first));
		if (behaviour_parse(first, &b, NULL) != 0)
			fail_msg("canonical \"%s\" of \"%s\" does not parse",
			    first, specs[i]);
		assert_behaviour_equal(first, &b, &a);
		behaviour_format(&b, second, sizeof(second));
		assert_string_equal(first, second);
	}
}

/* Like snprintf: short buffers are cut and NUL-terminated, the length is whole. */
static void
test_format_truncates(void **state)
{
	struct behaviour b;
	char buf[8];

	(void)state;
	assert_int_equal(behaviour_parse("swallow-fin+stop-reading", &b, NULL),
	    0);
	memset(buf, 'z', sizeof(buf));
	assert_int_equal(behaviour_format(&b, buf, sizeof(buf)), 37);
	assert_string_equal(buf, "swallow");
	assert_int_equal(behaviour_format(&b, NULL, 0), 37);
}

static void
test_help(void **state)
{
	static const char *const names[] = {
		"  normal ",
		"  swallow-fin ",
		"  half-close ",
		"  stop-reading ",
		"  silent ",
		"  reset-on-fin ",
		"  refuse ",
		"  drop-syn ",
		"  delay ",
	};
	const char *h = behaviour_help();
	size_t i, lines = 0;

	(void)state;
	for (i = 0; i < NELEM(names); i++)
		if (strstr(h, names[i]) == NULL)
			fail_msg("help lacks %s", names[i]);
	for (i = 0; h[i] != '\0'; i++)
		lines += h[i] == '\n';
	assert_int_equal(lines, NELEM(names));
	assert_ptr_equal(behaviour_help(), h); /* built once */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_every_item),
		cmocka_unit_test(test_parameters),
		cmocka_unit_test(test_shorthand),
		cmocka_unit_test(test_combinations),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_conflicts),
		cmocka_unit_test(test_canonical_format),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_format_truncates),
		cmocka_unit_test(test_help),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
