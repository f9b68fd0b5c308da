/*
 * cmd_merge.c - `lingerlab merge [--format json|junit] [-o FILE] REPORT...`:
 * read every report, merge them (report_merge.h) in memory, and only then
 * write the result, so a bad input leaves no half-written file behind.
 */
#include "cmd_merge.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_merge.h"

#define PROG	     "lingerlab merge"
#define REPORT_LIMIT (1024UL * 1024 * 1024) /* one report, at most */

struct merge_opts {
	bool fmt_given;
	enum report_format fmt;
	const char *out;
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: lingerlab merge [--format json|junit] [-o FILE] REPORT...\n"
	    "\n"
	    "Merge the reports of several runs of lingerlab run, such as the shards\n"
	    "of one (run --shard I/N on N machines), into one report, as if one run\n"
	    "had run every case: JSON reports into JSON, JUnit into JUnit. Each\n"
	    "case is copied as it is; the cases come by scenario file, the files\n"
	    "in order; the JUnit totals are the sums. A case in two reports is an\n"
	    "error (the same shard given twice).\n"
	    "\n"
	    "  --format F         json or junit: what the reports are (default:\n"
	    "                     what the first one is; all must be the same)\n"
	    "  -o, --output FILE  write the merged report to FILE (default: stdout)\n"
	    "\n"
	    "Exit status: 0 every merged check passed, 1 a check failed or a case\n"
	    "stopped, 2 wrong input (an option, a report that cannot be read, is\n"
	    "malformed or repeats a case: which file, line and column is said),\n"
	    "3 the merged report could not be written.\n"
	    "See docs/ci.md.\n");
}

static int
opts(int argc, char **argv, struct merge_opts *o)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		if (ch == 'h') {
			usage(stdout);
			exit(RUN_EXIT_PASS);
		} else if (ch == 'o')
			o->out = optarg;
		else if (ch == 'f' &&
		    (report_format_from_name(optarg, &o->fmt) == 0 &&
			(o->fmt == REPORT_JSON || o->fmt == REPORT_JUNIT)))
			o->fmt_given = true;
		else {
			if (ch == 'f')
				fprintf(stderr,
				    PROG ": --format '%s': expected json or "
					 "junit (the formats that merge)\n",
				    optarg);
			fprintf(stderr,
			    "Run 'lingerlab merge --help' for the "
			    "options.\n");
			return -1;
		}
	}
	if (optind >= argc) {
		fprintf(stderr,
		    PROG ": no report given; name the reports of the shards, "
			 "such as shard-*.json\n");
		return -1;
	}
	return 0;
}

/* All of path into *text (NUL-terminated). 0, or -1 after saying why. */
static int
slurp(const char *path, char **text, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 65536, n = 0, got;
	char *buf = NULL, *p;

	if (f == NULL) {
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if ((p = realloc(buf, cap + 1)) == NULL)
			break;
		buf = p;
		n += got = fread(buf + n, 1, cap - n, f);
		if (n < cap || cap >= REPORT_LIMIT)
			break;
		cap *= 2;
	}
	if (p == NULL || ferror(f) || (n == cap && !feof(f))) {
		fprintf(stderr, PROG ": %s: %s\n", path,
		    p == NULL	    ? "out of memory"
			: ferror(f) ? strerror(errno)
				    : "larger than 1 GiB: not a report");
		free(buf);
		fclose(f);
		return -1;
	}
	(void)got;
	fclose(f);
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}

/* Every report read, and of one format. 0, or -1 after saying why. */
static int
read_all(int n, char **paths, struct merge_input *in, struct merge_opts *o)
{
	enum report_format fmt;
	const char *first = NULL;
	int i, d;

	for (i = 0; i < n; i++) {
		in[i].name = paths[i];
		if (slurp(paths[i], (char **)&in[i].text, &in[i].len) == -1)
			return -1;
		d = report_merge_detect(in[i].text, in[i].len, &fmt);
		if (d == 1)
			continue; /* a JSON report of no case */
		if (d == -1) {
			fprintf(stderr,
			    PROG ": %s:1:1: neither a JSON nor a JUnit report "
				 "of lingerlab run (--format json or junit)\n",
			    paths[i]);
			return -1;
		}
		if (!o->fmt_given && first == NULL) {
			o->fmt = fmt;
			first = paths[i];
		}
		if (fmt != o->fmt) {
			fprintf(stderr,
			    PROG ": %s: a %s report, but %s is %s: merge "
				 "each format on its own\n",
			    paths[i], report_format_name(fmt),
			    first != NULL ? first : "--format",
			    report_format_name(o->fmt));
			return -1;
		}
	}
	if (!o->fmt_given && first == NULL)
		o->fmt = REPORT_JSON; /* only empty JSON reports */
	return 0;
}

static void
summary(const struct merge_totals *t, const char *out)
{
	fprintf(stderr,
	    PROG ": %zu reports, %zu cases, %zu checks: %zu failed (or not "
		 "decided), %zu for another system%s%s\n",
	    t->inputs, t->cases, t->checks, t->failed, t->skipped,
	    out != NULL ? "; written to " : "", out != NULL ? out : "");
}

/* The merged text to o->out (or stdout). */
static int
write_out(const struct merge_opts *o, const char *buf, size_t len)
{
	FILE *f = o->out != NULL ? fopen(o->out, "wb") : stdout;

	if (f == NULL || fwrite(buf, 1, len, f) != len || fflush(f) != 0 ||
	    (o->out != NULL && fclose(f) != 0)) {
		fprintf(stderr, PROG ": writing %s: %s\n",
		    o->out != NULL ? o->out : "the standard output",
		    strerror(errno));
		return -1;
	}
	return 0;
}

static int
merge(int n, char **paths, struct merge_opts *o, struct merge_input *in)
{
	struct merge_totals t;
	struct merge_error err;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;
	int rc;

	if (read_all(n, paths, in, o) == -1)
		return RUN_EXIT_USAGE;
	if ((mem = open_memstream(&buf, &len)) == NULL) {
		fprintf(stderr, PROG ": %s\n", strerror(errno));
		return RUN_EXIT_ENV;
	}
	rc = report_merge(o->fmt, in, (size_t)n, mem, &t, &err);
	if (fclose(mem) != 0 && rc == 0) {
		fprintf(stderr, PROG ": %s\n", strerror(errno));
		free(buf);
		return RUN_EXIT_ENV;
	}
	if (rc == -1) {
		fprintf(stderr, PROG ": %s:%u:%u: %s\n", err.input, err.at.line,
		    err.at.col, err.at.msg);
		free(buf);
		return errno == ENOMEM ? RUN_EXIT_ENV : RUN_EXIT_USAGE;
	}
	rc = write_out(o, buf, len);
	free(buf);
	if (rc == -1)
		return RUN_EXIT_ENV;
	summary(&t, o->out);
	return t.failed > 0 || t.aborted > 0 ? RUN_EXIT_FAIL : RUN_EXIT_PASS;
}

int
cmd_merge(int argc, char **argv)
{
	struct merge_opts o = { false, REPORT_JSON, NULL };
	struct merge_input *in;
	int i, n, rc;

	if (opts(argc, argv, &o) == -1)
		return RUN_EXIT_USAGE;
	n = argc - optind;
	if ((in = calloc((size_t)n, sizeof(*in))) == NULL) {
		fprintf(stderr, PROG ": out of memory\n");
		return RUN_EXIT_ENV;
	}
	rc = merge(n, argv + optind, &o, in);
	for (i = 0; i < n; i++)
		free((char *)in[i].text);
	free(in);
	return rc;
}
