/*
 * report_read.h - our own reports read back: a line of `--format json`
 * and a `--format junit` document, as `lingerlab merge` needs them (the
 * case's name, its counts, where each case's text is). Pure, and safe on
 * any bytes: the files come from other machines' runs, so every input is
 * checked in full (JSON per RFC 8259; XML well-formed as far as the
 * report's elements go) and refused with where and what is wrong.
 */
#ifndef LINGERLAB_REPORT_READ_H
#define LINGERLAB_REPORT_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "verdict.h"

#define RR_NAME_MAX 1024 /* a case's name, as a report holds it */

/* Where an input is wrong: 1-based line and column (bytes), and what. */
struct rr_error {
	uint32_t line, col;
	char msg[256];
};

/* One line of a JSON report: one case. */
struct rr_json_case {
	char name[RR_NAME_MAX]; /* "case", unescaped; cut if longer */
	char file[RR_NAME_MAX]; /* "file" */
	size_t counts[VERDICT_KIND_COUNT];
	bool aborted;
};

/*
 * Read one line (without its newline) of a JSON report: a JSON object with
 * at least "case", "file" and "counts" ({"pass": N, ...}). 0, or -1 with
 * the column and what is wrong in err (err->line is left to the caller).
 */
int rr_json_line(const char *s, size_t len, struct rr_json_case *out,
    struct rr_error *err);

/* One <testsuite> of a JUnit report: one case. */
struct rr_suite {
	size_t start, end;  /* its bytes: '<' of <testsuite to '>' of its end */
	uint32_t line, col; /* where it starts */
	char name[RR_NAME_MAX]; /* the name attribute, as written (escaped) */
	size_t tests, failures, errors, skipped;
	uint64_t time_ns;
};

/* A JUnit report: <testsuites> and its <testsuite>s. */
struct rr_junit {
	struct rr_suite *suites;
	size_t n;
	size_t tests, failures, errors, skipped; /* <testsuites>' own */
	uint64_t time_ns;
	uint32_t line, col; /* where <testsuites> starts */
};

/*
 * Read a JUnit document as `lingerlab run --format junit` writes it: an
 * optional XML declaration, a root <testsuites> with tests, failures,
 * errors, skipped and time, holding only <testsuite>s, each well-formed
 * and with the same attributes. 0, or -1 with where and what in err
 * (out is then empty). Free with rr_junit_free.
 */
int rr_junit_read(const char *s, size_t len, struct rr_junit *out,
    struct rr_error *err);
void rr_junit_free(struct rr_junit *j);

/* The scenario file of a case's name: "a/b.scn[x=1]" -> 4 + 4 ("a/b.scn"). */
size_t rr_case_file_len(const char *name);

#endif
