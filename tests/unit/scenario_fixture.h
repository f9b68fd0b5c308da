/*
 * scenario_fixture.h - scenario text read for a test, or the test fails;
 * and text that must not pass `lingerlab check`, with the errors it gives.
 *
 * The language and evaluator tests start from text a test holds; when that
 * text does not parse, the test is wrong, not the code under test, and the
 * failure says so as `lingerlab check` would: how many errors, and the
 * first one as path:line:col with its hint.
 *
 * The failing checks are cmocka's: include after <cmocka.h>.
 */
#ifndef LINGERLAB_SCENARIO_FIXTURE_H
#define LINGERLAB_SCENARIO_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "scenario_parse.h"

/* text read as the file path (free with scn_file_free). */
struct scn_file *must_parse_file(const char *path, const char *text);
/* Case index of f (free with scenario_free). */
struct scenario *must_build_case(const struct scn_file *f, size_t index);
/* Both: case index of text; the file is freed (a case outlives it). */
struct scenario *must_parse_case(const char *path, const char *text,
    size_t index);

/* An error `lingerlab check` should report: where, and words of its
 * message. */
struct want_err {
	uint32_t line, col;
	const char *msg;
};

/* For expect_check_errors: the number of cases is not checked. */
#define FX_ANY_CASES SIZE_MAX

/*
 * Check text (the file path) as `lingerlab check` does: it fails, with
 * want_cases cases (FX_ANY_CASES: any), and exactly the errors in want, in
 * line order (all printed when their number differs).
 */
void expect_check_errors(const char *path, const char *text, size_t want_cases,
    const struct want_err *want, size_t nwant);

#endif
