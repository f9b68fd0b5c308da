/*
 * bench_library.c - the whole scenario library as a regression suite runs
 * it: `lingerlab run --format json` over scenarios/ at the default job
 * count (quick mode: in the first repetition only), and (full mode, first
 * repetition) one case at a time.
 *
 * Figures: the run's wall time, its longest case (the largest duration_ns
 * in the report) and the margin between them (issue 13's target: within
 * 2 s), the job count lingerlab chose (computed here as lingerlab does,
 * from the same files, scn_duration.h and run_order.h: lingerlab does not
 * print it), the cases that did not pass, and how many checks' verdicts
 * differ between the serial run and the default one (matched by case name
 * and the check's line:col; target 0).
 */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exit_codes.h"
#include "monotime.h"
#include "run.h"
#include "run_order.h"
#include "scenario_parse.h"
#include "scn_duration.h"
#include "scn_files.h"

/* What one run's JSON Lines say. */
struct lib_report {
	size_t ncases, nfailed;
	double longest_s;
	char **keys; /* "case\tline:col\tverdict", one a check, sorted */
	size_t nkeys, cap;
};

/* The JSON string value after key in [p, end), unescaped enough to compare. */
static size_t
json_str(const char *p, const char *end, const char *key, char *buf, size_t len)
{
	const char *s = strstr(p, key);
	size_t n = 0;

	if (s == NULL || s >= end)
		return 0;
	for (s += strlen(key); s < end && *s != '"' && n + 1 < len; s++) {
		if (*s == '\\' && s + 1 < end)
			s++;
		buf[n++] = *s;
	}
	buf[n] = '\0';
	return n;
}

static long
json_num(const char *p, const char *end, const char *key)
{
	const char *s = strstr(p, key);

	return s != NULL && s < end ? strtol(s + strlen(key), NULL, 10) : -1;
}

static int
add_key(struct lib_report *r, const char *cname, long line, long col,
    const char *verdict)
{
	char buf[1024];

	if (r->nkeys == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 1024;
		char **nk = realloc(r->keys, cap * sizeof(*nk));

		if (nk == NULL)
			return -1;
		r->keys = nk;
		r->cap = cap;
	}
	snprintf(buf, sizeof(buf), "%s\t%ld:%ld\t%s", cname, line, col,
	    verdict);
	if ((r->keys[r->nkeys] = strdup(buf)) == NULL)
		return -1;
	r->nkeys++;
	return 0;
}

/* One case's line: its duration, whether it passed, and its checks. */
static int
parse_case(struct lib_report *r, const char *line, const char *end)
{
	static const char vkey[] = "{\"verdict\":\"";
	char cname[768], verdict[32];
	const char *c;
	double d;

	if (json_str(line, end, "\"case\":\"", cname, sizeof(cname)) == 0)
		return 0;
	r->ncases++;
	d = (double)json_num(line, end, "\"duration_ns\":") / 1e9;
	if (d > r->longest_s)
		r->longest_s = d;
	if (json_num(line, end, "\"fail\":") != 0 ||
	    json_num(line, end, "\"error\":") != 0 ||
	    strstr(line, "\"aborted\":false") == NULL ||
	    strstr(line, "\"aborted\":false") > end)
		r->nfailed++;
	for (c = strstr(line, vkey); c != NULL && c < end;
	     c = strstr(c + 1, vkey)) {
		json_str(c, end, vkey, verdict, sizeof(verdict));
		if (add_key(r, cname, json_num(c, end, "\"line\":"),
			json_num(c, end, "\"col\":"), verdict) != 0)
			return -1;
	}
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
parse_library(const char *json, struct lib_report *r)
{
	const char *line, *end;

	memset(r, 0, sizeof(*r));
	for (line = json; *line != '\0'; line = *end ? end + 1 : end) {
		if ((end = strchr(line, '\n')) == NULL)
			end = line + strlen(line);
		if (parse_case(r, line, end) != 0)
			return -1;
	}
	if (r->nkeys > 0)
		qsort(r->keys, r->nkeys, sizeof(*r->keys), cmp_str);
	return 0;
}

static void
lib_report_free(struct lib_report *r)
{
	size_t i;

	for (i = 0; i < r->nkeys; i++)
		free(r->keys[i]);
	free(r->keys);
	memset(r, 0, sizeof(*r));
}

/*
 * Checks whose verdict differs: those of either run with no equal
 * "case line:col verdict" in the other (the larger side), so a check
 * missing from one run counts too.
 */
static size_t
verdict_diffs(const struct lib_report *a, const struct lib_report *b)
{
	size_t i = 0, j = 0, only_a = 0, only_b = 0;
	int c;

	while (i < a->nkeys || j < b->nkeys) {
		if (i == a->nkeys)
			c = 1;
		else if (j == b->nkeys)
			c = -1;
		else
			c = strcmp(a->keys[i], b->keys[j]);
		if (c == 0)
			i++, j++;
		else if (c < 0)
			i++, only_a++;
		else
			j++, only_b++;
	}
	return only_a > only_b ? only_a : only_b;
}

/* The job count lingerlab run picks without --jobs; 0 if unknown. */
static unsigned
default_jobs(const char *dir)
{
	char *const argv[] = { (char *)dir, NULL };
	struct scn_paths paths = { 0 };
	uint64_t *exp = NULL;
	size_t n = 0, cap = 0, i, k;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned jobs = 0, jcap;

	if (scn_paths_collect(1, argv, &paths) != 0)
		return 0;
	for (i = 0; i < paths.n; i++) {
		struct scn_file *f = NULL;
		struct scenario *sc;
		char *text;
		size_t len;

		if (scn_read_file(paths.v[i], &text, &len) != 0)
			goto out;
		if (scn_file_parse(paths.v[i], text, len, &f, NULL, 0, NULL) !=
		    0) {
			free(text);
			goto out;
		}
		for (k = 0; k < scn_file_ncases(f); k++) {
			if (n == cap) {
				uint64_t *ne;

				cap = cap ? cap * 2 : 512;
				if ((ne = realloc(exp, cap * sizeof(*ne))) ==
				    NULL)
					break;
				exp = ne;
			}
			if (n < cap && scn_file_case(f, k, &sc, NULL) == 0) {
				exp[n++] = scn_expected_ns(sc);
				scenario_free(sc);
			}
		}
		scn_file_free(f);
		free(text);
	}
	jcap = (unsigned)(cpus > 0 ? cpus : 1) * RUN_AUTO_JOBS_PER_CPU;
	jobs = run_auto_jobs(exp, n, jcap > RUN_MAX_JOBS ? RUN_MAX_JOBS : jcap);
out:
	free(exp);
	scn_paths_free(&paths);
	return jobs;
}

/* One run of the library; jobs NULL: lingerlab's default. */
static int
run_library(const struct bench_cfg *cfg, const char *jobs, struct lib_report *r,
    double *wall_s)
{
	char *argv[8], *out = NULL;
	size_t a = 0;
	uint64_t t0;
	int rc;

	argv[a++] = (char *)cfg->lingerlab;
	argv[a++] = "run";
	argv[a++] = "--format";
	argv[a++] = "json";
	if (jobs != NULL) {
		argv[a++] = "--jobs";
		argv[a++] = (char *)jobs;
	}
	argv[a++] = (char *)cfg->library_dir;
	argv[a] = NULL;
	t0 = monotime_ns();
	rc = bench_run_capture(argv, &out);
	*wall_s = (double)(monotime_ns() - t0) / 1e9;
	if (out == NULL || parse_library(out, r) != 0) {
		free(out);
		fprintf(stderr, "lingerlab-bench: library: out of memory\n");
		return -1;
	}
	free(out);
	bench_note(cfg, "library (--jobs %s): %.1f s, %zu cases, %zu failed",
	    jobs != NULL ? jobs : "default", *wall_s, r->ncases, r->nfailed);
	if (rc == RUN_EXIT_ENV)
		return BENCH_EXIT_SKIP;
	if ((rc != RUN_EXIT_PASS && rc != RUN_EXIT_FAIL) || r->ncases == 0) {
		fprintf(stderr,
		    "lingerlab-bench: lingerlab run %s: exit status %d, "
		    "%zu cases reported\n",
		    cfg->library_dir, rc, r->ncases);
		return -1;
	}
	return 0;
}

int
bench_library(const struct bench_cfg *cfg)
{
	struct lib_report def, ser;
	double wall, swall;
	unsigned jobs;
	int rc;

	/* Quick mode proves the figures come out: once is enough. */
	if (cfg->quick && cfg->rep > 0)
		return 0;
	if ((rc = run_library(cfg, NULL, &def, &wall)) != 0) {
		lib_report_free(&def);
		return rc;
	}
	bench_emit(cfg, "library.wall_s", wall);
	bench_emit(cfg, "library.longest_case_s", def.longest_s);
	bench_emit(cfg, "library.margin_s", wall - def.longest_s);
	bench_emit(cfg, "library.failed", (double)def.nfailed);
	if ((jobs = default_jobs(cfg->library_dir)) > 0)
		bench_emit(cfg, "library.jobs", jobs);
	/* The serial run lasts minutes: once per bench, in full mode. */
	if (!cfg->quick && cfg->rep == 0) {
		memset(&ser, 0, sizeof(ser));
		if ((rc = run_library(cfg, "1", &ser, &swall)) == 0) {
			bench_emit(cfg, "library.serial_wall_s", swall);
			bench_emit(cfg, "library.verdict_diffs",
			    (double)verdict_diffs(&ser, &def));
		}
		lib_report_free(&ser);
	}
	lib_report_free(&def);
	return rc;
}
