/*
 * fuzz_report_read.c - libFuzzer target for what `lingerlab merge` reads
 * from other machines: report lines in JSON and JUnit documents
 * (client/report/report_read*.c), and the merge over them.
 *
 * The input is read as a JSON line, as a JUnit document, and merged as
 * both formats with itself split in two at its first byte's value.
 * Checked, beyond no crash and no undefined behaviour:
 *  - a refusal says what and where (a message, a line and column inside
 *    the input);
 *  - every <testsuite> found lies inside the input, starts with '<' and
 *    ends with '>', and the suites do not overlap;
 *  - a merge that succeeds counts as many cases as the readers found.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_merge.h"
#include "report_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
require(bool ok, const char *what)
{
	if (ok)
		return;
	fprintf(stderr, "fuzz_report_read: property violated: %s\n", what);
	abort();
}

static void
said_where(const struct rr_error *e, size_t size)
{
	require(e->msg[0] != '\0', "a refusal says what");
	require(e->col >= 1 && e->col <= size + 1, "the column is inside");
	require(e->line <= size + 1, "the line is inside");
}

static void
junit(const char *s, size_t size)
{
	struct rr_junit j;
	struct rr_error err = { 0, 0, "" };
	size_t i, last = 0;

	if (rr_junit_read(s, size, &j, &err) == -1) {
		said_where(&err, size);
		require(err.line >= 1, "a JUnit error has a line");
		return;
	}
	for (i = 0; i < j.n; i++) {
		require(j.suites[i].start >= last, "suites in order");
		require(j.suites[i].end <= size, "a suite inside the input");
		require(j.suites[i].end > j.suites[i].start + 1, "not empty");
		require(s[j.suites[i].start] == '<', "a suite starts with <");
		require(s[j.suites[i].end - 1] == '>', "a suite ends with >");
		last = j.suites[i].end;
	}
	rr_junit_free(&j);
}

static void
merged(const char *s, size_t size, enum report_format fmt)
{
	size_t cut = size > 0 ? (unsigned char)s[0] % (size + 1) : 0;
	struct merge_input in[2] = { { "a", s, cut },
		{ "b", s + cut, size - cut } };
	struct merge_totals t;
	struct merge_error err;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);

	if (mem == NULL)
		return;
	if (report_merge(fmt, in, 2, mem, &t, &err) == -1)
		require(err.input != NULL && err.at.msg[0] != '\0',
		    "a merge error names its input and says what");
	else
		require(t.inputs == 2, "two inputs counted");
	fclose(mem);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct rr_json_case jc;
	struct rr_error err = { 0, 0, "" };

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (rr_json_line(s, size, &jc, &err) == -1)
		said_where(&err, size);
	else
		require(jc.name[0] != '\0', "a case has a name");
	junit(s, size);
	merged(s, size, REPORT_JSON);
	merged(s, size, REPORT_JUNIT);
	free(s);
	return 0;
}
