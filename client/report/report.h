/*
 * report.h - a run's verdicts as text: for people (human), for test
 * harnesses (TAP version 13, JUnit XML) and for programs (JSON Lines).
 *
 * Writers only format: they take a finished struct run_result and write it
 * to a stream. Whether to use colour is the caller's decision (isatty).
 */
#ifndef LINGERLAB_REPORT_H
#define LINGERLAB_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "verdict.h"

enum report_format {
	REPORT_HUMAN = 1,
	REPORT_TAP,
	REPORT_JUNIT,
	REPORT_JSON,
};

struct report_options {
	bool colour;  /* human: ANSI colours */
	bool verbose; /* human: expected and actual for passing checks too */
	/*
	 * human: what the caller adds to the report (diagrams, a summary),
	 * after each case's checks (index into run->cases) and once before
	 * the totals, which stay the last lines for scripts. May be NULL.
	 */
	void (*after_case)(size_t index, FILE *fp, void *arg);
	void (*before_totals)(FILE *fp, void *arg);
	void *hook_arg;
};

/* "human", "tap", "junit", "json" (also "jsonl"). Returns 0 or -1. */
int report_format_from_name(const char *name, enum report_format *out);
const char *report_format_name(enum report_format fmt);

/*
 * Write the whole run. opts may be NULL (no colour, not verbose). Returns
 * 0, or -1 when the stream reported an error (errno as it left it, or EIO).
 */
int report_write(enum report_format fmt, const struct run_result *run,
    const struct report_options *opts, FILE *fp);

int report_human(const struct run_result *run,
    const struct report_options *opts, FILE *fp);
int report_tap(const struct run_result *run, const struct report_options *opts,
    FILE *fp);
int report_junit(const struct run_result *run,
    const struct report_options *opts, FILE *fp);
int report_json(const struct run_result *run, const struct report_options *opts,
    FILE *fp);

#endif
