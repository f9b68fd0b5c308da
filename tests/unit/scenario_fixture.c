/*
 * scenario_fixture.c - scenario text read for a test, or the test fails;
 * text checked for the errors it must give (scenario_fixture.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "scenario_fixture.h"

#define MAXERRS	 8
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

struct scn_file *
must_parse_file(const char *path, const char *text)
{
	struct scn_error errs[MAXERRS];
	struct scn_file *f = NULL;
	char buf[1024];
	size_t n = 0;

	if (scn_file_parse(path, text, strlen(text), &f, errs, MAXERRS, &n) <
	    0) {
		scn_error_format(&errs[0], buf, sizeof(buf));
		fail_msg("%zu error(s) in the test's own text; the first: %s",
		    n, buf);
	}
	return f;
}

struct scenario *
must_build_case(const struct scn_file *f, size_t index)
{
	struct scenario *sc = NULL;
	struct scn_error err;
	char buf[1024];

	if (scn_file_case(f, index, &sc, &err) < 0) {
		scn_error_format(&err, buf, sizeof(buf));
		fail_msg("case %zu of the test's own text: %s", index, buf);
	}
	return sc;
}

struct scenario *
must_parse_case(const char *path, const char *text, size_t index)
{
	struct scn_file *f = must_parse_file(path, text);
	struct scenario *sc = must_build_case(f, index);

	scn_file_free(f);
	return sc;
}

/* All of them, as `lingerlab check` says them: why the count differs. */
static void
print_errors(const struct scn_error *errs, size_t n)
{
	char buf[1024];
	size_t i;

	for (i = 0; i < n; i++) {
		scn_error_format(&errs[i], buf, sizeof(buf));
		print_message("%s", buf);
	}
}

void
expect_check_errors(const char *path, const char *text, size_t want_cases,
    const struct want_err *want, size_t nwant)
{
	struct scn_error errs[32];
	size_t n = 0, ncases = 0, i;

	assert_int_equal(scn_check_text(path, text, strlen(text), errs,
			     NELEM(errs), &n, &ncases),
	    -1);
	if (want_cases != FX_ANY_CASES)
		assert_int_equal(ncases, want_cases);
	if (n != nwant) {
		print_errors(errs, n < NELEM(errs) ? n : NELEM(errs));
		fail_msg("%zu errors, want %zu", n, nwant);
	}
	for (i = 0; i < nwant; i++)
		if (errs[i].pos.line != want[i].line ||
		    errs[i].pos.col != want[i].col ||
		    strstr(errs[i].msg, want[i].msg) == NULL)
			fail_msg("error %zu: %u:%u %s, want %u:%u %s", i,
			    errs[i].pos.line, errs[i].pos.col, errs[i].msg,
			    want[i].line, want[i].col, want[i].msg);
}
