/*
 * fuzz_observe.c - libFuzzer target for what `lingerlab observe` reads from
 * outside: the shim's records, which come from inside the program under
 * observation (a program can send anything to that socket), and the
 * --expect texts.
 *
 * The input is split into lines. Each is parsed as a record; the records
 * that parse are worked into connections (client/observe/observe_conn.c) and each
 * line is also parsed as an expectation and, when it parses, decided on
 * those connections and an empty series. Checked, beyond no crash and no
 * undefined behaviour:
 *  - a refused record or expectation says why;
 *  - a record that parses has a pid and a known call, and its ports, when
 *    it has them, are ports;
 *  - every connection worked out has ports, and as many close() calls as
 *    the close records that name it at most.
 * Any violation aborts, which libFuzzer reports with the input.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "observe_prog.h"

#define MAX_RECS 256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
require(bool ok, const char *what)
{
	if (ok)
		return;
	fprintf(stderr, "fuzz_observe: property violated: %s\n", what);
	abort();
}

static void
one_expectation(const char *line, const struct ob_conns *cs)
{
	struct ob_series none = { .v = NULL };
	struct ob_verdict v;
	struct ob_expect e;
	char err[512];

	err[0] = '\0';
	if (ob_expect_parse(line, &e, err, sizeof(err)) == -1) {
		require(err[0] != '\0', "a refused expectation says why");
		return;
	}
	ob_expect_eval(&e, &none, cs, OB_NO_TIME, &v);
	require(v.detail[0] != '\0', "a verdict says what it saw");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ob_rec *recs = calloc(MAX_RECS, sizeof(*recs));
	char *text = malloc(size + 1), *line, *save = NULL, err[256];
	struct ob_conns cs;
	size_t n = 0, i;

	if (recs == NULL || text == NULL) {
		free(recs);
		free(text);
		return 0;
	}
	memcpy(text, data, size);
	text[size] = '\0';
	for (line = strtok_r(text, "\n", &save); line != NULL && n < MAX_RECS;
	     line = strtok_r(NULL, "\n", &save)) {
		err[0] = '\0';
		if (ob_rec_parse(line, strlen(line), &recs[n], err,
			sizeof(err)) == -1) {
			require(err[0] != '\0', "a refused record says why");
			continue;
		}
		require(recs[n].pid >= 0, "a record has a pid");
		require(recs[n].call <= OB_CALL_OTHER, "a known call");
		n++;
	}
	if (ob_conns_build(&cs, NULL, NULL, 0, recs, n) == 0) {
		for (i = 0; i < cs.n; i++) {
			require(cs.v[i].lport > 0 && cs.v[i].rport > 0,
			    "a connection has ports");
			require(cs.v[i].ncloses <= n,
			    "no more closes than "
			    "records");
		}
		/* the same text, line by line, as expectations */
		memcpy(text, data, size);
		text[size] = '\0';
		save = NULL;
		for (line = strtok_r(text, "\n", &save), i = 0;
		     line != NULL && i < 16;
		     line = strtok_r(NULL, "\n", &save), i++)
			one_expectation(line, &cs);
		ob_conns_free(&cs);
	}
	free(recs);
	free(text);
	return 0;
}
