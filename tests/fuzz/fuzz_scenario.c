/*
 * fuzz_scenario.c - libFuzzer target for the scenario language.
 *
 * The input is a scenario file. It is checked whole (scn_check_text), then
 * read as a template and every case built and freed. Checked properties,
 * beyond no crash, no leak and no undefined behaviour:
 *  - check fails exactly when it reports errors, and every error has a
 *    position (line and column from 1, the line within the file) and a
 *    one-line message;
 *  - a file that checks clean builds every one of its cases, and every case
 *    holds together: socket indices in range, names terminated, each
 *    expectation's placement matching its kind;
 *  - a case that does not build says why.
 * Any violation aborts, which libFuzzer reports with the input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_parse.h"

#define MAXERRS	 8
#define MAXCASES 64 /* enough to cover the expansion without slow inputs */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
require(bool ok, const char *what)
{
	if (ok)
		return;
	fprintf(stderr, "fuzz_scenario: property violated: %s\n", what);
	abort();
}

static size_t
count_lines(const uint8_t *data, size_t size)
{
	size_t i, n = 1;

	for (i = 0; i < size; i++)
		n += data[i] == '\n';
	return n;
}

static void
check_errors(const struct scn_error *errs, size_t n, size_t lines)
{
	size_t i;

	for (i = 0; i < n; i++) {
		require(errs[i].pos.line >= 1 && errs[i].pos.line <= lines,
		    "error line");
		require(errs[i].pos.col >= 1, "error column");
		require(errs[i].pos.file != NULL, "error file");
		require(errs[i].msg[0] != '\0', "empty message");
		require(strchr(errs[i].msg, '\n') == NULL &&
			strchr(errs[i].hint, '\n') == NULL,
		    "multi-line message");
	}
}

static void
check_case(const struct scenario *sc)
{
	size_t i, j;

	require(strncmp(sc->case_name, "fuzz.scn", 8) == 0, "case name");
	require(sc->nsocks <= SCN_MAX_SOCKS, "socket count");
	for (i = 0; i < sc->nsocks; i++)
		require(memchr(sc->socks[i], '\0', SCN_NAME_MAX) != NULL,
		    "socket name");
	require(sc->nsteps > 0 && sc->timeout_ns > 0, "steps and timeout");
	for (i = 0; i < sc->nsteps; i++) {
		const struct scn_step *s = &sc->steps[i];

		require(s->kind >= STEP_PEER_LISTEN &&
			s->kind < STEP_KIND_COUNT,
		    "step kind");
		require(s->sock >= -1 && s->sock < (int)sc->nsocks,
		    "step socket");
		require(s->sock2 >= -1 && s->sock2 < (int)sc->nsocks,
		    "step socket 2");
		for (j = 0; j < s->nexpects; j++) {
			const struct scn_expect *e = &s->expects[j];

			require(e->attached == scn_expect_is_attached(e->kind),
			    "placement");
			require(!e->attached || scn_step_is_call(s->kind),
			    "attached to a non-call");
			require(e->os_mask != 0 &&
				(e->os_mask & ~(uint32_t)SCN_OS_ALL) == 0,
			    "os");
			require(e->sock >= -1 && e->sock < (int)sc->nsocks,
			    "expect socket");
			require(e->kind != EXP_FAILS ||
				scn_errno_known(e->err_name),
			    "errno");
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scn_error errs[MAXERRS];
	struct scn_file *f;
	struct scenario *sc;
	size_t n = 0, ncases = 0, i, lines = count_lines(data, size);
	int clean;

	clean = scn_check_text("fuzz.scn", (const char *)data, size, errs,
		    MAXERRS, &n, &ncases) == 0;
	require(clean == (n == 0), "check result and error count disagree");
	check_errors(errs, n < MAXERRS ? n : MAXERRS, lines);
	if (scn_file_parse("fuzz.scn", (const char *)data, size, &f, errs,
		MAXERRS, &n) < 0) {
		require(!clean && n > 0, "a clean file whose header fails");
		return 0;
	}
	require(!clean || scn_file_ncases(f) == ncases, "case counts disagree");
	for (i = 0; i < scn_file_ncases(f) && i < MAXCASES; i++) {
		if (scn_file_case_errors(f, i, &sc, errs, MAXERRS, &n) < 0) {
			require(!clean, "a clean file with a case that fails");
			require(sc == NULL && n > 0,
			    "a failed case without an error");
			check_errors(errs, n < MAXERRS ? n : MAXERRS, lines);
			continue;
		}
		check_case(sc);
		scenario_free(sc);
	}
	scn_file_free(f);
	return 0;
}
