/*
 * test_report_merge.c - `lingerlab merge` (report_merge.h) and the readers
 * of our own reports under it (report_read.h): two runs' reports merged
 * are the report of one run of both cases; what is wrong with an input is
 * said with its line and column.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_fixture.h"
#include "report_merge.h"
#include "report_read.h"

/* The report of one run: the linger case, the nasty one, or both. */
static char *
report_of(enum report_format fmt, int which)
{
	struct run_result run;
	struct out o;
	char *text;

	if (which == 3)
		build(&run);
	else {
		run_result_init(&run, "Linux 6.1.0 <&>");
		if (which == 1)
			add_linger_case(&run);
		else
			add_nasty_case(&run);
	}
	write_run(&run, fmt, false, &o);
	text = strdup(o.text);
	assert_non_null(text);
	out_close(&o);
	run_result_free(&run);
	return text;
}

/* Merge texts; the merged text (caller frees), or NULL with err set. */
static char *
merge(enum report_format fmt, const char **texts, size_t n,
    struct merge_totals *t, struct merge_error *err)
{
	struct merge_input in[4];
	char *buf = NULL;
	size_t len = 0, i;
	FILE *mem = open_memstream(&buf, &len);
	int rc;

	assert_non_null(mem);
	for (i = 0; i < n; i++)
		in[i] = (struct merge_input){ i == 0 ? "a" : "b", texts[i],
			strlen(texts[i]) };
	rc = report_merge(fmt, in, n, mem, t, err);
	assert_int_equal(fclose(mem), 0);
	if (rc == -1) {
		free(buf);
		return NULL;
	}
	return buf;
}

static void
test_json_merged_is_one_run(void **state)
{
	char *whole = report_of(REPORT_JSON, 3);
	char *a = report_of(REPORT_JSON, 1), *b = report_of(REPORT_JSON, 2);
	const char *texts[2] = { b, a }; /* the order given does not matter */
	struct merge_totals t;
	struct merge_error err;
	char *m = merge(REPORT_JSON, texts, 2, &t, &err);

	(void)state;
	if (m == NULL)
		fail_msg("%s:%u:%u: %s", err.input, err.at.line, err.at.col,
		    err.at.msg);
	assert_string_equal(m, whole);
	assert_int_equal(t.inputs, 2);
	assert_int_equal(t.cases, 2);
	assert_true(t.failed > 0); /* the linger case has a wrong check */
	assert_int_equal(t.aborted, 1);
	free(m);
	free(whole);
	free(a);
	free(b);
}

/* The text of a report after its first n lines. */
static const char *
after_lines(const char *s, int n)
{
	while (n-- > 0 && (s = strchr(s, '\n')) != NULL)
		s++;
	assert_non_null(s);
	return s;
}

/* ` tests="..." ... skipped="..."` of the root: up to time=. */
static void
assert_same_counts(const char *x, const char *y)
{
	const char *px = strstr(x, " tests="), *py = strstr(y, " tests=");
	const char *tx = strstr(x, " time="), *ty = strstr(y, " time=");

	assert_non_null(px);
	assert_non_null(py);
	assert_int_equal(tx - px, ty - py);
	assert_memory_equal(px, py, (size_t)(tx - px));
}

static void
test_junit_merged_is_one_run(void **state)
{
	char *whole = report_of(REPORT_JUNIT, 3);
	char *a = report_of(REPORT_JUNIT, 1), *b = report_of(REPORT_JUNIT, 2);
	const char *texts[2] = { b, a };
	struct rr_junit j;
	struct rr_error re;
	struct merge_totals t;
	struct merge_error err;
	char *m = merge(REPORT_JUNIT, texts, 2, &t, &err);

	(void)state;
	if (m == NULL)
		fail_msg("%s:%u:%u: %s", err.input, err.at.line, err.at.col,
		    err.at.msg);
	/* the cases as they were; the totals their sums */
	assert_string_equal(after_lines(m, 2), after_lines(whole, 2));
	assert_same_counts(m, whole);
	/* and it reads back, with the time of both */
	assert_int_equal(rr_junit_read(m, strlen(m), &j, &re), 0);
	assert_int_equal(j.n, 2);
	assert_int_equal(j.time_ns, j.suites[0].time_ns + j.suites[1].time_ns);
	assert_int_equal(t.cases, 2);
	assert_int_equal(t.checks, j.tests);
	rr_junit_free(&j);
	free(m);
	free(whole);
	free(a);
	free(b);
}

static void
assert_merge_fails(enum report_format fmt, const char **texts, size_t n,
    const char *input, uint32_t line, const char *says)
{
	struct merge_totals t;
	struct merge_error err;
	char *m = merge(fmt, texts, n, &t, &err);

	if (m != NULL)
		fail_msg("merged what should fail (%s)", says);
	if (strcmp(err.input, input) != 0 || err.at.line != line ||
	    err.at.col == 0 || strstr(err.at.msg, says) == NULL)
		fail_msg("error %s:%u:%u: %s; expected %s:%u:COL: ...%s...",
		    err.input, err.at.line, err.at.col, err.at.msg, input, line,
		    says);
}

static void
test_a_case_twice(void **state)
{
	char *a = report_of(REPORT_JSON, 1), *x = report_of(REPORT_JUNIT, 1);
	const char *twice[2] = { a, a }, *xtwice[2] = { x, x };

	(void)state;
	assert_merge_fails(REPORT_JSON, twice, 2, "b", 1, "is also in a");
	assert_merge_fails(REPORT_JUNIT, xtwice, 2, "b", 3, "is also in a");
	free(a);
	free(x);
}

static void
test_bad_inputs_say_where(void **state)
{
	char *a = report_of(REPORT_JSON, 1), *x = report_of(REPORT_JUNIT, 3);
	char *cut = strdup(x), *edited = strdup(x), *two = NULL, *p;
	const char *t[2];

	(void)state;
	assert_non_null(cut);
	assert_non_null(edited);
	assert_true(asprintf(&two, "%s{\"case\":\"x\",}\n", a) > 0);
	t[0] = a;
	t[1] = two;
	assert_merge_fails(REPORT_JSON, t, 2, "b", 2, "expected a key");
	cut[strlen(cut) / 2] = '\0';
	t[1] = cut;
	t[0] = x;
	assert_merge_fails(REPORT_JUNIT, t, 2, "b", 31, "the document ends");
	p = strstr(edited, "tests=\"");
	assert_non_null(p);
	p[7] = p[7] == '9' ? '8' : '9';
	t[1] = edited;
	assert_merge_fails(REPORT_JUNIT, t, 2, "b", 2, "cut or edited");
	free(a);
	free(x);
	free(cut);
	free(edited);
	free(two);
}

static void
assert_json_refused(const char *line, uint32_t col, const char *says)
{
	struct rr_json_case jc;
	struct rr_error err = { 0, 0, "" };

	if (rr_json_line(line, strlen(line), &jc, &err) != -1)
		fail_msg("'%s' was taken", line);
	if (err.col != col || strstr(err.msg, says) == NULL)
		fail_msg("'%s': column %u '%s'; expected column %u '...%s...'",
		    line, err.col, err.msg, col, says);
}

#define COUNTS                                                                 \
	"\"counts\":{\"pass\":1,\"fail\":0,\"not-applicable\":2,"              \
	"\"not-reached\":0,\"error\":0}"

static void
test_json_reader(void **state)
{
	struct rr_json_case jc;
	struct rr_error err;
	const char *ok =
	    "{\"case\":\"a\\u00e9\\ud83d\\ude00.scn[x=\\\"1\\\"]\","
	    "\"file\":\"a.scn\",\"aborted\":true,\"x\":[1,-2.5e+3,"
	    "null,{\"y\":[]}]," COUNTS "}";

	(void)state;
	assert_int_equal(rr_json_line(ok, strlen(ok), &jc, &err), 0);
	assert_string_equal(jc.name, "a\xc3\xa9\xf0\x9f\x98\x80.scn[x=\"1\"]");
	assert_string_equal(jc.file, "a.scn");
	assert_true(jc.aborted);
	assert_int_equal(jc.counts[VERDICT_PASS], 1);
	assert_int_equal(jc.counts[VERDICT_NOT_APPLICABLE], 2);
	assert_json_refused("", 1, "expected a JSON object");
	assert_json_refused("[1]", 1, "expected a JSON object");
	assert_json_refused("{\"case\":\"a\"", 12, "expected ',' or '}'");
	assert_json_refused("{\"case\":\"a\\q\"}", 11, "no JSON escape");
	assert_json_refused("{\"case\":\"\\ud800\"}", 16, "without its low");
	assert_json_refused("{\"case\":\"a\"} x", 14, "more after");
	assert_json_refused("{\"case\":1}", 9, "\"case\" must be a string");
	assert_json_refused("{\"x\":01}", 7, "expected ',' or '}'");
	assert_json_refused("{\"case\":\"a\",\"file\":\"a\"}", 1,
	    "no \"counts\"");
	assert_json_refused("{\"case\":\"a\",\"file\":\"a\",\"counts\":"
			    "{\"pass\":1.5}}",
	    41, "whole number");
	assert_json_refused("{\"case\":\"a\",\"file\":\"a\",\"counts\":{}}", 1,
	    "lacks a verdict");
	assert_json_refused("{\"file\":\"a\"," COUNTS "}", 1, "no \"case\"");
	assert_json_refused("{\"case\":\"a\x01\"}", 11, "control character");
}

static void
test_json_depth_bounded(void **state)
{
	char line[400];
	size_t i;

	(void)state;
	memcpy(line, "{\"x\":", 5);
	for (i = 5; i < sizeof(line) - 1; i++)
		line[i] = '[';
	line[sizeof(line) - 1] = '\0';
	assert_json_refused(line, 69, "nested more than 64");
}

static void
assert_junit_refused(const char *doc, uint32_t line, uint32_t col,
    const char *says)
{
	struct rr_junit j;
	struct rr_error err = { 0, 0, "" };

	if (rr_junit_read(doc, strlen(doc), &j, &err) != -1)
		fail_msg("'%s' was taken", doc);
	if (err.line != line || err.col != col || strstr(err.msg, says) == NULL)
		fail_msg("'%s': %u:%u '%s'; expected %u:%u '...%s...'", doc,
		    err.line, err.col, err.msg, line, col, says);
	assert_null(j.suites);
}

#define ROOT                                                                   \
	"<testsuites tests=\"0\" failures=\"0\" errors=\"0\" "                 \
	"skipped=\"0\" time=\"0.000\""
#define SUITE                                                                  \
	"<testsuite name=\"a.scn\" tests=\"1\" failures=\"0\" "                \
	"errors=\"0\" skipped=\"0\" time=\"1.5\""

static void
test_junit_reader(void **state)
{
	static const char ok[] = "<?xml version=\"1.0\"?>\n<!-- c -->\n" ROOT
				 ">\n " SUITE "><x a='&lt;&#x41;'><![CDATA[<]]>"
				 "</x>&amp;</testsuite>\n</testsuites>\n";
	struct rr_junit j;
	struct rr_error err;

	(void)state;
	assert_int_equal(rr_junit_read(ok, strlen(ok), &j, &err), 0);
	assert_int_equal(j.n, 1);
	assert_string_equal(j.suites[0].name, "a.scn");
	assert_int_equal(j.suites[0].line, 4);
	assert_int_equal(j.suites[0].time_ns, 1500000000);
	assert_int_equal(ok[j.suites[0].start], '<');
	assert_memory_equal(ok + j.suites[0].end - 12, "</testsuite>", 12);
	rr_junit_free(&j);
	assert_junit_refused("", 1, 1, "an empty document");
	assert_junit_refused("x", 1, 1, "expected <testsuites>");
	assert_junit_refused("<a/>", 1, 1, "expected <testsuites>");
	assert_junit_refused("<testsuites/>", 1, 1, "lacks tests");
	assert_junit_refused(ROOT ">\n" SUITE "></testsuites>", 2, 82,
	    "</testsuites> closes <testsuite>");
	assert_junit_refused(ROOT ">\n<testcase/></testsuites>", 2, 1,
	    "expected <testsuite>");
	assert_junit_refused(ROOT ">\n" SUITE ">&x</testsuite></testsuites>", 2,
	    82, "starts no reference");
	assert_junit_refused(ROOT ">\n" SUITE " tests=\"x\"/></testsuites>", 2,
	    89, "expected a whole number");
	assert_junit_refused(ROOT ">\n" SUITE ">", 2, 82, "ends inside");
	assert_junit_refused(ROOT "/>x", 1, 73, "more after");
	assert_junit_refused(ROOT "/><!DOCTYPE x>", 1, 73, "declaration");
	assert_junit_refused(ROOT " time=\"1e3\"/>", 1, 78, "expected seconds");
}

static void
test_junit_depth_bounded(void **state)
{
	char doc[600];
	size_t n;

	(void)state;
	n = (size_t)snprintf(doc, sizeof(doc), "%s>" SUITE ">", ROOT);
	while (n + 3 < sizeof(doc)) {
		memcpy(doc + n, "<a>", 3);
		n += 3;
	}
	doc[n] = '\0';
	/* the 32nd <a> is the 33rd level, after the root's and suite's tags */
	assert_junit_refused(doc, 1, 71 + 81 + 31 * 3 + 1,
	    "nested more than 32");
}

static void
test_detect_and_file(void **state)
{
	enum report_format f = REPORT_HUMAN;

	(void)state;
	assert_int_equal(report_merge_detect(" \n{", 3, &f), 0);
	assert_int_equal(f, REPORT_JSON);
	assert_int_equal(report_merge_detect("\xef\xbb\xbf<", 4, &f), 0);
	assert_int_equal(f, REPORT_JUNIT);
	assert_int_equal(report_merge_detect(" \n", 2, &f), 1);
	assert_int_equal(report_merge_detect("ok 1", 4, &f), -1);
	assert_int_equal(rr_case_file_len("a/b.scn[x=1]"), 7);
	assert_int_equal(rr_case_file_len("a/b.scn"), 7);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_merged_is_one_run),
		cmocka_unit_test(test_junit_merged_is_one_run),
		cmocka_unit_test(test_a_case_twice),
		cmocka_unit_test(test_bad_inputs_say_where),
		cmocka_unit_test(test_json_reader),
		cmocka_unit_test(test_json_depth_bounded),
		cmocka_unit_test(test_junit_reader),
		cmocka_unit_test(test_junit_depth_bounded),
		cmocka_unit_test(test_detect_and_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
