/*
 * report_merge.h - `lingerlab merge`: the reports of several runs of
 * `lingerlab run` (the shards of one, --shard I/N) as one report, as if
 * one run had run every case. Pure: texts in, a text out.
 *
 * JSON (JSON Lines) merges into JSON, JUnit into JUnit; each case's text
 * is copied as it is. The cases come grouped by scenario file, the files
 * in byte order (the order a directory's files run in), and within a
 * file in the order of the inputs. A case in two inputs is an error (the
 * same shard given twice, or shards of different runs), and so is a JUnit
 * input whose totals are not the sum of its cases (a cut or edited file).
 * The JUnit totals are the sums of the cases'; its time is the sum of the
 * inputs' times (what the machines spent, not the wall time).
 */
#ifndef LINGERLAB_REPORT_MERGE_H
#define LINGERLAB_REPORT_MERGE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "report.h"
#include "report_read.h"

struct merge_input {
	const char *name; /* for errors: the file's path */
	const char *text;
	size_t len;
};

struct merge_totals {
	size_t inputs, cases, checks;
	size_t counts[VERDICT_KIND_COUNT]; /* JSON: by verdict */
	size_t failed;	/* checks failed, not reached or in error */
	size_t skipped; /* checks for another system */
	size_t aborted; /* JSON: cases stopped early */
};

struct merge_error {
	const char *input; /* the merge_input's name */
	struct rr_error at;
};

/*
 * The format of a report's text: JSON when it starts (after spaces) with
 * '{', JUnit with '<'. 1 when there is nothing but spaces (a JSON report
 * of no case), 0 when *fmt was set, -1 when it is neither.
 */
int report_merge_detect(const char *text, size_t len, enum report_format *fmt);

/*
 * Merge the n inputs, all in fmt (REPORT_JSON or REPORT_JUNIT), into out;
 * t gets the counts. 0, or -1 with which input, where and what in err
 * (out may then hold part of a report; nothing is written before every
 * input has been read). errno is ENOMEM when memory ran out.
 */
int report_merge(enum report_format fmt, const struct merge_input *in, size_t n,
    FILE *out, struct merge_totals *t, struct merge_error *err);

#endif
