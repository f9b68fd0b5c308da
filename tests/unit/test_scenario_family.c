/*
 * test_scenario_family.c - address families in the language: `socket c
 * ipv6`, the run's --family for the sockets that name none, the cases a
 * run over both families makes and their names, `if family = ...`, and
 * the errors of each, at their file:line:col.
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

static const char plain[] = "scenario \"x\"\n"
			    "param mode = blocking | nonblocking\n"
			    "peer listen 7000 swallow-fin\n"
			    "socket c\n"
			    "set c ${mode}\n"
			    "connect c\n"
			    "close c\n"
			    "    expect returns 0 if family = ipv4\n"
			    "    expect fails EINTR if family = ipv6 and "
			    "mode = blocking\n";

/* The cases a run over fams makes of case index of text. */
static size_t
cases_of(const char *text, size_t index, unsigned fams, bool named,
    struct scenario *out[2])
{
	struct scn_file *f = must_parse_file("f.scn", text);
	struct scn_error errs[4];
	size_t n = 9, nerrs = 0;

	assert_int_equal(scn_file_case_families(f, index, fams, named, out, &n,
			     errs, NELEM(errs), &nerrs),
	    0);
	assert_int_equal(nerrs, 0);
	scn_file_free(f);
	return n;
}

static size_t
nexpects(const struct scenario *sc)
{
	size_t i, n = 0;

	for (i = 0; i < sc->nsteps; i++)
		n += sc->steps[i].nexpects;
	return n;
}

/* A plain run: IPv4, and the names are what they always were. */
static void
test_default_is_ipv4(void **state)
{
	struct scenario *sc = must_parse_case("f.scn", plain, 0);

	(void)state;
	assert_int_equal(sc->family, SCN_FAM_IPV4);
	assert_false(sc->family_fixed);
	assert_int_equal(sc->sock_family[0], SCN_FAM_IPV4);
	assert_string_equal(sc->case_name, "f.scn[mode=blocking]");
	assert_int_equal(nexpects(sc), 1); /* the ipv4 one */
	scenario_free(sc);
}

/* --family both: one case per family, named by it, in that order. */
static void
test_both_families(void **state)
{
	struct scenario *sc[2];

	(void)state;
	assert_int_equal(cases_of(plain, 0, SCN_FAMS_BOTH, true, sc), 2);
	assert_string_equal(sc[0]->case_name,
	    "f.scn[mode=blocking,family=ipv4]");
	assert_string_equal(sc[1]->case_name,
	    "f.scn[mode=blocking,family=ipv6]");
	assert_int_equal(sc[0]->sock_family[0], SCN_FAM_IPV4);
	assert_int_equal(sc[1]->sock_family[0], SCN_FAM_IPV6);
	assert_int_equal(sc[1]->family, SCN_FAM_IPV6);
	/* if family = ...: each case keeps its own */
	assert_string_equal(sc[0]->steps[4].expects[0].source_text,
	    "expect returns 0 if family = ipv4");
	assert_string_equal(sc[1]->steps[4].expects[0].source_text,
	    "expect fails EINTR if family = ipv6 and mode = blocking");
	scenario_free(sc[0]);
	scenario_free(sc[1]);
	/* the second mode: the ipv6 condition's other half does not hold */
	assert_int_equal(cases_of(plain, 1, SCN_FAMS_IPV6, true, sc), 1);
	assert_int_equal(nexpects(sc[0]), 0);
	scenario_free(sc[0]);
}

/* Without --family an IPv6 case still says so; a file without params too. */
static void
test_ipv6_named(void **state)
{
	static const char text[] = "scenario \"x\"\n"
				   "peer listen 7000 normal\n"
				   "socket c\n"
				   "connect c\n";
	struct scenario *sc[2];

	(void)state;
	assert_int_equal(cases_of(text, 0, SCN_FAMS_IPV6, false, sc), 1);
	assert_string_equal(sc[0]->case_name, "f.scn[family=ipv6]");
	scenario_free(sc[0]);
	assert_int_equal(cases_of(text, 0, SCN_FAMS_IPV4, false, sc), 1);
	assert_string_equal(sc[0]->case_name, "f.scn");
	scenario_free(sc[0]);
}

/*
 * Sockets that all name their family: once under --family both, as the
 * first socket's family, with `if family` read for it; accept and peer
 * connect take their listener's.
 */
static void
test_fixed_family(void **state)
{
	static const char text[] = "scenario \"x\"\n"
				   "socket l ipv6\n"
				   "listen l 8000\n"
				   "peer connect 8000 as a\n"
				   "accept l as a\n"
				   "close a\n"
				   "    expect returns 0 if family = ipv6\n"
				   "    expect returns 1 if family = ipv4\n";
	struct scenario *sc[2];

	(void)state;
	assert_int_equal(cases_of(text, 0, SCN_FAMS_BOTH, true, sc), 1);
	assert_true(sc[0]->family_fixed);
	assert_int_equal(sc[0]->family, SCN_FAM_IPV6);
	assert_string_equal(sc[0]->case_name, "f.scn[family=ipv6]");
	assert_int_equal(sc[0]->sock_family[0], SCN_FAM_IPV6);
	assert_int_equal(sc[0]->sock_family[1], SCN_FAM_IPV6);
	assert_int_equal(sc[0]->steps[0].value, SCN_FAM_IPV6);
	assert_int_equal(nexpects(sc[0]), 1);
	assert_int_equal(sc[0]->steps[4].expects[0].value, 0);
	scenario_free(sc[0]);
}

/* One socket of each family, the other taking the run's. */
static void
test_mixed(void **state)
{
	static const char text[] = "scenario \"x\"\n"
				   "peer listen 7000 normal\n"
				   "socket a ipv4\n"
				   "socket b\n"
				   "connect a\n"
				   "connect b\n";
	struct scenario *sc[2];

	(void)state;
	assert_int_equal(cases_of(text, 0, SCN_FAMS_BOTH, true, sc), 2);
	assert_int_equal(sc[1]->sock_family[0], SCN_FAM_IPV4);
	assert_int_equal(sc[1]->sock_family[1], SCN_FAM_IPV6);
	assert_false(sc[1]->family_fixed);
	scenario_free(sc[0]);
	scenario_free(sc[1]);
}

/* A parameter may give the family: socket c ${fam}. */
static void
test_family_param(void **state)
{
	static const char text[] = "scenario \"x\"\n"
				   "param fam = ipv4 | ipv6\n"
				   "peer listen 7000 normal\n"
				   "socket c ${fam}\n"
				   "connect c\n";
	struct scenario *sc = must_parse_case("f.scn", text, 1);

	(void)state;
	assert_int_equal(sc->sock_family[0], SCN_FAM_IPV6);
	assert_int_equal(sc->family, SCN_FAM_IPV6);
	assert_true(sc->family_fixed);
	scenario_free(sc);
}

static void
test_errors(void **state)
{
	static const char text[] =
	    "scenario \"x\"\n"
	    "peer listen 7000 normal\n"
	    "socket a inet6\n"			      /* 3 */
	    "socket b IPv6\n"			      /* 4 */
	    "socket c ipv6 extra\n"		      /* 5 */
	    "socket d \"ipv6\"\n"		      /* 6 */
	    "connect c\n"			      /* 7 */
	    "    expect returns 0 if family = ipv5\n" /* 8 */
	    "    expect returns 0 if family = ipv4 and family = ipv6\n";
	static const struct want_err want[] = {
		{ 3, 10, "expected the socket's family, ipv4 or ipv6" },
		{ 4, 10, "expected the socket's family" },
		{ 5, 15, "extra" },
		{ 6, 10, "expected the socket's family" },
		{ 8, 34, "\"ipv5\" is not a value of family" },
		{ 9, 43, "family is given twice" },
	};
	struct scn_error errs[4];
	size_t n = 0;
	(void)state;
	expect_check_errors("f.scn", text, FX_ANY_CASES, want, NELEM(want));
	/* the hint of a capitalised family */
	assert_int_equal(scn_check_text("f.scn",
			     "scenario \"x\"\nsocket b IPv6\n", 27, errs,
			     NELEM(errs), &n, NULL),
	    -1);
	assert_non_null(strstr(errs[0].hint, "lower case"));
}

/* family is no parameter's name: the run gives it. */
static void
test_param_family_reserved(void **state)
{
	static const char text[] = "scenario \"x\"\n"
				   "param family = a | b\n"
				   "socket c\n";
	static const struct want_err want[] = {
		{ 2, 7, "family is the case's address family" },
	};

	(void)state;
	expect_check_errors("f.scn", text, FX_ANY_CASES, want, NELEM(want));
}

/* --family's words. */
static void
test_families_parse(void **state)
{
	unsigned f = 0;

	(void)state;
	assert_int_equal(scn_families_parse("both", &f), 0);
	assert_int_equal(f, SCN_FAMS_BOTH);
	assert_int_equal(scn_families_parse("ipv6", &f), 0);
	assert_int_equal(f, SCN_FAMS_IPV6);
	assert_int_equal(scn_families_parse("ipv4", &f), 0);
	assert_int_equal(f, SCN_FAMS_IPV4);
	assert_int_equal(scn_families_parse("inet6", &f), -1);
	assert_int_equal(scn_families_parse("", &f), -1);
	assert_string_equal(scn_family_name(SCN_FAM_IPV6), "ipv6");
	assert_string_equal(scn_family_name(SCN_FAM_NONE), "?");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_is_ipv4),
		cmocka_unit_test(test_both_families),
		cmocka_unit_test(test_ipv6_named),
		cmocka_unit_test(test_fixed_family),
		cmocka_unit_test(test_mixed),
		cmocka_unit_test(test_family_param),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_param_family_reserved),
		cmocka_unit_test(test_families_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
