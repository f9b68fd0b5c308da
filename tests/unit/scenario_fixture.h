/*
 * scenario_fixture.h - scenario text read for a test, or the test fails.
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

#include "scenario_parse.h"

/* text read as the file path (free with scn_file_free). */
struct scn_file *must_parse_file(const char *path, const char *text);
/* Case index of f (free with scenario_free). */
struct scenario *must_build_case(const struct scn_file *f, size_t index);
/* Both: case index of text; the file is freed (a case outlives it). */
struct scenario *must_parse_case(const char *path, const char *text,
    size_t index);

#endif
