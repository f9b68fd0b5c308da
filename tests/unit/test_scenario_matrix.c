/*
 * test_scenario_matrix.c - parameters: which cases a file expands to, in
 * which order and under which names; what ${NAME} becomes in each; which
 * expectations "if" keeps; and where errors in substituted text point.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_fixture.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Declaration order, the last parameter varying fastest. */
static void
test_order_and_names(void **state)
{
	static const char text[] =
	    "scenario \"m\"\nparam a = 1 | 2 | 3\nparam b = x|y\n"
	    "socket c\n";
	static const char *const names[] = {
		"dir/m.scn[a=1,b=x]",
		"dir/m.scn[a=1,b=y]",
		"dir/m.scn[a=2,b=x]",
		"dir/m.scn[a=2,b=y]",
		"dir/m.scn[a=3,b=x]",
		"dir/m.scn[a=3,b=y]",
	};
	struct scn_file *f = must_parse_file("dir/m.scn", text);
	struct scenario *sc;
	char buf[64];
	size_t i;

	(void)state;
	assert_int_equal(scn_file_ncases(f), 6);
	for (i = 0; i < NELEM(names); i++) {
		assert_int_equal(scn_file_case_name(f, i, buf, sizeof(buf)),
		    strlen(names[i]));
		assert_string_equal(buf, names[i]);
		sc = must_build_case(f, i);
		assert_string_equal(sc->case_name, names[i]);
		assert_int_equal(sc->case_index, i);
		scenario_free(sc);
	}
	assert_string_equal(scn_file_case_value(f, 3, "a"), "2");
	assert_string_equal(scn_file_case_value(f, 3, "b"), "y");
	assert_null(scn_file_case_value(f, 3, "c"));
	assert_null(scn_file_case_value(f, 6, "a"));
	/* a short buffer: cut and terminated, the full length returned */
	assert_int_equal(scn_file_case_name(f, 0, buf, 8), strlen(names[0]));
	assert_string_equal(buf, "dir/m.s");
	scn_file_free(f);
}

static void
test_no_params(void **state)
{
	static const char text[] = "scenario \"p\"\nsocket c\n";
	struct scn_file *f = must_parse_file("plain.scn", text);
	struct scenario *sc;
	char buf[64];

	(void)state;
	assert_int_equal(scn_file_ncases(f), 1);
	scn_file_case_name(f, 0, buf, sizeof(buf));
	assert_string_equal(buf, "plain.scn");
	sc = must_build_case(f, 0);
	assert_string_equal(sc->case_name, "plain.scn");
	scenario_free(sc);
	scn_file_free(f);
}

/* What each ${NAME} becomes, in every kind of word. */
static void
test_substitution(void **state)
{
	static const char text[] =
	    "scenario \"${mode} with ${size}\"\n"
	    "param mode = blocking | nonblocking\n"
	    "param size = 1KiB | 64KiB\n"
	    "timeout ${t}\n"
	    "param t = 5s\n"
	    "peer listen 7000 stop-reading:rcvbuf=${size}\n"
	    "socket c\n"
	    "set c ${mode}\n"
	    "send c ${size}\n"
	    "wait peer c rx>=${size}\n"
	    "close c\n"
	    "    expect blocks about 1s because \"${mode}: ${mode}\"\n";
	struct scn_file *f = must_parse_file("s.scn", text);
	struct scenario *sc;

	(void)state;
	assert_int_equal(scn_file_ncases(f), 4);
	assert_string_equal(scn_file_description(f), "${mode} with ${size}");
	sc = must_build_case(f, 3);
	assert_string_equal(sc->case_name,
	    "s.scn[mode=nonblocking,size=64KiB,t=5s]");
	assert_string_equal(sc->description, "nonblocking with 64KiB");
	assert_int_equal(sc->timeout_ns, 5000000000ull);
	assert_string_equal(sc->steps[0].text, "stop-reading:rcvbuf=64KiB");
	assert_int_equal(sc->steps[2].opt, OPT_NONBLOCKING);
	assert_int_equal(sc->steps[3].size, 65536);
	assert_string_equal(sc->steps[4].text, "rx>=64KiB");
	assert_string_equal(sc->steps[5].expects[0].because,
	    "nonblocking: nonblocking");
	/* the line as written, before substitution */
	assert_string_equal(sc->steps[5].expects[0].source_text,
	    "expect blocks about 1s because \"${mode}: ${mode}\"");
	scenario_free(sc);
	sc = must_build_case(f, 0);
	assert_int_equal(sc->steps[2].opt, OPT_BLOCKING);
	assert_int_equal(sc->steps[3].size, 1024);
	scenario_free(sc);
	scn_file_free(f);
}

/* "if" keeps an expectation in the matching cases only, in its place. */
static void
test_if_filter(void **state)
{
	static const char text[] =
	    "scenario \"i\"\nparam mode = blocking | nonblocking\nparam os = a | b\n"
	    "socket c\nclose c\n"
	    "    expect returns 0\n"
	    "    expect fails EWOULDBLOCK if mode = blocking\n"
	    "    expect blocks at-most 1s if mode=nonblocking because \"x\"\n"
	    "    expect blocks at-least 1s because \"y\" if os = b\n"
	    "expect state c gone if mode = nonblocking\n"
	    "expect state c gone within 1s\n";
	static const struct {
		size_t n;
		enum scn_expect_kind kinds[5];
	} want[] = {
		{ 3, { EXP_RETURNS, EXP_FAILS, EXP_STATE } }, /* blocking, a */
		{ 4,
		    { EXP_RETURNS, EXP_FAILS, EXP_BLOCKS_AT_LEAST,
			EXP_STATE } },
		{ 4,
		    { EXP_RETURNS, EXP_BLOCKS_AT_MOST, EXP_STATE, EXP_STATE } },
		{ 5,
		    { EXP_RETURNS, EXP_BLOCKS_AT_MOST, EXP_BLOCKS_AT_LEAST,
			EXP_STATE, EXP_STATE } },
	};
	struct scn_file *f = must_parse_file("i.scn", text);
	struct scenario *sc;
	size_t i, j;

	(void)state;
	for (i = 0; i < NELEM(want); i++) {
		sc = must_build_case(f, i);
		assert_int_equal(sc->steps[1].nexpects, want[i].n);
		for (j = 0; j < want[i].n; j++)
			assert_int_equal(sc->steps[1].expects[j].kind,
			    want[i].kinds[j]);
		/* the last one is always there, and in last place */
		assert_int_equal(
		    sc->steps[1].expects[want[i].n - 1].duration_ns,
		    1000000000ull);
		scenario_free(sc);
	}
	scn_file_free(f);
}

/*
 * Several conditions, after repeated if or joined by and, in any order with
 * because: the expectation is kept only where all of them hold.
 */
static void
test_if_several(void **state)
{
	static const char text[] =
	    "scenario \"s\"\nparam mode = blocking | nonblocking\nparam linger = 0s | 1s\n"
	    "param os = a | b\n"
	    "socket c\nclose c\n"
	    "    expect returns 0\n"
	    "    expect fails EWOULDBLOCK because \"x\" if mode = blocking if linger = 1s\n"
	    "    expect blocks at-most 1s if mode=nonblocking and linger = 0s because \"y\"\n"
	    "    expect blocks at-least 1s if linger=1s because \"z\" if os = b and "
	    "mode = blocking\n"
	    "expect state c gone if os = a and linger = 0s and mode = nonblocking\n";
	/* cases in order: mode, then linger, then os (the last one fastest) */
	static const struct {
		const char *name;
		size_t n;
		enum scn_expect_kind kinds[4];
	} want[] = {
		{ "s.scn[mode=blocking,linger=0s,os=a]", 1, { EXP_RETURNS } },
		{ "s.scn[mode=blocking,linger=0s,os=b]", 1, { EXP_RETURNS } },
		{ "s.scn[mode=blocking,linger=1s,os=a]", 2,
		    { EXP_RETURNS, EXP_FAILS } },
		{ "s.scn[mode=blocking,linger=1s,os=b]", 3,
		    { EXP_RETURNS, EXP_FAILS, EXP_BLOCKS_AT_LEAST } },
		{ "s.scn[mode=nonblocking,linger=0s,os=a]", 3,
		    { EXP_RETURNS, EXP_BLOCKS_AT_MOST, EXP_STATE } },
		{ "s.scn[mode=nonblocking,linger=0s,os=b]", 2,
		    { EXP_RETURNS, EXP_BLOCKS_AT_MOST } },
		{ "s.scn[mode=nonblocking,linger=1s,os=a]", 1,
		    { EXP_RETURNS } },
		{ "s.scn[mode=nonblocking,linger=1s,os=b]", 1,
		    { EXP_RETURNS } },
	};
	struct scn_file *f = must_parse_file("s.scn", text);
	struct scenario *sc;
	size_t i, j;

	(void)state;
	assert_int_equal(scn_file_ncases(f), NELEM(want));
	for (i = 0; i < NELEM(want); i++) {
		sc = must_build_case(f, i);
		assert_string_equal(sc->case_name, want[i].name);
		if (sc->steps[1].nexpects != want[i].n)
			fail_msg("%s: %zu expects, want %zu", want[i].name,
			    sc->steps[1].nexpects, want[i].n);
		for (j = 0; j < want[i].n; j++)
			assert_int_equal(sc->steps[1].expects[j].kind,
			    want[i].kinds[j]);
		scenario_free(sc);
	}
	/* because is kept, whichever side of the conditions it is on */
	sc = must_build_case(f, 3);
	assert_string_equal(sc->steps[1].expects[1].because, "x");
	assert_string_equal(sc->steps[1].expects[2].because, "z");
	assert_string_equal(sc->steps[1].expects[1].source_text,
	    "expect fails EWOULDBLOCK "
	    "because \"x\" if mode = blocking if linger = 1s");
	scenario_free(sc);
	scn_file_free(f);
}

/*
 * A wrong condition is an error at its word, whichever condition it is and
 * whether or not the others hold in the case; reported once.
 */
static void
test_if_several_errors(void **state)
{
	static const char text[] =
	    "scenario \"e\"\nparam mode = blocking | nonblocking\nparam linger = 0s | 1s\n"
	    "socket c\nclose c\n"
	    "    expect returns 0 if mode = blocking if speed = 1s\n"	/* 6 */
	    "    expect returns 0 if mode = blocking and linger = 2s\n" /* 7 */
	    "    expect returns 0 if linger=1s and mode=fast\n"		/* 8 */
	    "    expect returns 0 if mode = blocking if mode = nonblocking\n" /* 9 */
	    "    expect returns 0 if mode = blocking and\n"	   /* 10 */
	    "    expect returns 0 because \"x\" and linger = 1s\n" /* 11 */
	    "    expect returns 0 if mode = blocking and if linger = 1s\n" /* 12 */
	    "    expect returns 0 if linger = 1s mode = blocking\n"; /* 13 */
	static const struct want_err want[] = {
		{ 6, 44, "\"speed\" is not a parameter of this file" },
		{ 7, 54, "\"2s\" is not a value of linger" },
		{ 8, 44, "\"fast\" is not a value of mode" },
		{ 9, 44, "mode is given twice" },
		{ 10, 44, "expected a parameter name" },
		{ 11, 34, "unexpected \"and\"" },
		{ 12, 45, "\"if\" is not a parameter of this file" },
		{ 13, 37, "unexpected \"mode\"" },
	};

	(void)state;
	expect_check_errors("e.scn", text, 4, want, NELEM(want));
}

/*
 * Columns are the source's: words after a reference keep theirs, whatever
 * the value's length, and an error inside a value points at its "${".
 */
static void
test_positions(void **state)
{
	static const char text[] =
	    "scenario \"p\"\n"
	    "param t = 1s | 100ms | 3\n"
	    "param u = KiB | kb\n"
	    "param b = swallow-fin | stop-reading:rcvbuf=2GiB\n"
	    "peer listen 7000 ${b}\n"
	    "socket c\n"
	    "connect c\n"
	    "wait ${t}\n"
	    "send c 1${u}\n"
	    "wait ${t} extra\n"
	    "close c\n"
	    "    expect blocks about ${t}\n";
	static const struct want_err want[] = {
		{ 5, 18,
		    "bad behaviour \"stop-reading:rcvbuf=2GiB\" (from ${b})" },
		{ 8, 6, "got \"3\" (from ${t})" },
		{ 9, 8, "got \"1kb\" (from ${u})" },
		{ 10, 6, "got \"3\" (from ${t})" },
		{ 10, 11, "unexpected \"extra\"" },
		{ 12, 25, "got \"3\" (from ${t})" },
	};
	struct scn_file *f = must_parse_file("pos.scn", text);
	struct scenario *sc;
	struct scn_error err;

	(void)state;
	assert_int_equal(scn_file_ncases(f), 12);
	/* case [t=1s,u=KiB,b=swallow-fin] is good up to line 10's extra word */
	assert_int_equal(scn_file_case(f, 0, &sc, &err), -1);
	assert_int_equal(err.pos.line, 10);
	assert_int_equal(err.pos.col, 11);
	assert_non_null(strstr(err.msg, "\"extra\""));
	scn_file_free(f);

	/* once each, in line order, however many cases have it */
	expect_check_errors("pos.scn", text, 12, want, NELEM(want));
}

/* An error that does not depend on the values is reported once, not per case. */
static void
test_dedupe(void **state)
{
	static const char text[] =
	    "scenario \"d\"\nparam a = 1|2|3|4\nsocket c\nclose d\n";
	struct scn_error errs[8];
	struct scn_file *f = must_parse_file("d.scn", text);
	size_t n = 0;

	(void)state;
	assert_int_equal(scn_file_check(f, errs, NELEM(errs), &n), -1);
	assert_int_equal(n, 1);
	assert_int_equal(errs[0].pos.line, 4);
	assert_int_equal(errs[0].pos.col, 7);
	scn_file_free(f);
}

/* More than SCN_MAX_CASES combinations is an error, not a silent cut. */
static void
test_too_many_cases(void **state)
{
	char text[1024];
	struct scn_error errs[4];
	struct scn_file *f = NULL;
	size_t n = 0, used, i;

	(void)state;
	used = (size_t)snprintf(text, sizeof(text), "scenario \"many\"\n");
	for (i = 0; i < 13; i++) /* 2^13 = 8192 */
		used += (size_t)snprintf(text + used, sizeof(text) - used,
		    "param p%zu = a | b\n", i);
	snprintf(text + used, sizeof(text) - used, "socket c\n");
	assert_int_equal(scn_file_parse("many.scn", text, strlen(text), &f,
			     errs, 4, &n),
	    -1);
	assert_null(f);
	assert_int_equal(n, 1);
	assert_int_equal(errs[0].pos.line,
	    14); /* the 13th param crosses 4096 */
	assert_non_null(strstr(errs[0].msg, "more than 4096 cases"));
}

/* Each case is a fresh read: names declared in one do not leak to the next. */
static void
test_cases_independent(void **state)
{
	static const char text[] =
	    "scenario \"x\"\nparam n = a | b\nsocket ${n}\nclose a\n";
	struct scn_error errs[4];
	size_t n = 0;

	(void)state;
	assert_int_equal(scn_check_text("x.scn", text, strlen(text), errs,
			     NELEM(errs), &n, NULL),
	    -1);
	assert_int_equal(n, 1); /* only case n=b lacks socket a */
	assert_int_equal(errs[0].pos.line, 4);
	assert_non_null(strstr(errs[0].msg, "socket a is not declared"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_names),
		cmocka_unit_test(test_no_params),
		cmocka_unit_test(test_substitution),
		cmocka_unit_test(test_if_filter),
		cmocka_unit_test(test_if_several),
		cmocka_unit_test(test_if_several_errors),
		cmocka_unit_test(test_positions),
		cmocka_unit_test(test_dedupe),
		cmocka_unit_test(test_too_many_cases),
		cmocka_unit_test(test_cases_independent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
