/*
 * scenario_fixture.c - scenario text read for a test, or the test fails
 * (scenario_fixture.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "scenario_fixture.h"

#define MAXERRS 8

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
