/*
 * verdict.c - verdicts and their results (verdict.h): the names of the
 * kinds of verdict, for people and for machines, the systems a check is
 * written for, and the life of a result: a case's verdicts freed, cases
 * moved into a run with its totals, the run freed.
 *
 * Beside verdict.h in the evaluator, which makes verdicts: every report
 * writer above reads them, and the runner collects them into runs.
 */
#include "verdict.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "textbuf.h"

const char *
verdict_kind_name(enum verdict_kind kind)
{
	static const char *names[VERDICT_KIND_COUNT] = {
		[VERDICT_PASS] = "PASS",
		[VERDICT_FAIL] = "FAIL",
		[VERDICT_NOT_APPLICABLE] = "N/A",
		[VERDICT_NOT_REACHED] = "NOT REACHED",
		[VERDICT_ERROR] = "ERROR",
	};

	return (size_t)kind < VERDICT_KIND_COUNT ? names[kind] : "?";
}

const char *
verdict_kind_id(enum verdict_kind kind)
{
	static const char *ids[VERDICT_KIND_COUNT] = {
		[VERDICT_PASS] = "pass",
		[VERDICT_FAIL] = "fail",
		[VERDICT_NOT_APPLICABLE] = "not-applicable",
		[VERDICT_NOT_REACHED] = "not-reached",
		[VERDICT_ERROR] = "error",
	};

	return (size_t)kind < VERDICT_KIND_COUNT ? ids[kind] : "?";
}

size_t
verdict_os_names(uint32_t mask, char *buf, size_t len)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} oses[] = {
		{ SCN_OS_LINUX, "Linux" },
		{ SCN_OS_FREEBSD, "FreeBSD" },
		{ SCN_OS_WINDOWS, "Windows" },
	};
	size_t i, k = 0, n = 0;
	struct tbuf tb;

	tb_init(&tb, buf, len);
	if ((mask & SCN_OS_ALL) == SCN_OS_ALL || (mask & SCN_OS_ALL) == 0) {
		tb_printf(&tb, "every system");
		return tb.off;
	}
	for (i = 0; i < 3; i++)
		n += (mask & oses[i].bit) != 0;
	for (i = 0; i < 3; i++) {
		if (!(mask & oses[i].bit))
			continue;
		tb_printf(&tb, "%s%s",
		    k == 0	     ? ""
			: k + 1 == n ? " and "
				     : ", ",
		    oses[i].name);
		k++;
	}
	return tb.off;
}

/* Results. */

void
case_result_free(struct case_result *cr)
{
	size_t i;

	if (cr == NULL)
		return;
	for (i = 0; i < cr->nverdicts; i++)
		free(cr->verdicts[i].wire);
	free(cr->verdicts);
	cr->verdicts = NULL;
	cr->nverdicts = 0;
	free(cr->probes.samples);
	cr->probes.samples = NULL;
	cr->probes.nsamples = 0;
}

void
run_result_init(struct run_result *run, const char *os_name)
{
	memset(run, 0, sizeof(*run));
	snprintf(run->os_name, sizeof(run->os_name), "%s",
	    os_name != NULL ? os_name : "");
}

int
run_result_add(struct run_result *run, struct case_result *cr)
{
	struct case_result *v;
	size_t cap, k;

	if (run->ncases == run->cap) {
		cap = run->cap ? run->cap * 2 : 16;
		if ((v = reallocarray(run->cases, cap, sizeof(*v))) == NULL) {
			errno = ENOMEM;
			return -1;
		}
		run->cases = v;
		run->cap = cap;
	}
	run->cases[run->ncases++] = *cr;
	for (k = 0; k < VERDICT_KIND_COUNT; k++)
		run->counts[k] += cr->counts[k];
	run->duration_ns += cr->duration_ns;
	if (run->os_name[0] == '\0')
		snprintf(run->os_name, sizeof(run->os_name), "%s", cr->os_name);
	if (cr->lab.on && !run->lab.on)
		run->lab = cr->lab;
	if (cr->lab.on && cr->lab.clock_bound_ns > run->lab.clock_bound_ns)
		run->lab.clock_bound_ns = cr->lab.clock_bound_ns;
	/* the run owns the verdicts now */
	cr->verdicts = NULL;
	cr->nverdicts = 0;
	return 0;
}

void
run_result_free(struct run_result *run)
{
	size_t i;

	if (run == NULL)
		return;
	for (i = 0; i < run->ncases; i++)
		case_result_free(&run->cases[i]);
	free(run->cases);
	run->cases = NULL;
	run->ncases = run->cap = 0;
}

size_t
run_result_failures(const struct run_result *run)
{
	return run->counts[VERDICT_FAIL] + run->counts[VERDICT_NOT_REACHED] +
	    run->counts[VERDICT_ERROR];
}
