/*
 * evaluate_probe.c - probe expectations: growth, peak and the value of a
 * resource probe, decided from the samples the runner took (observe.h).
 *
 * The value a probe expectation is about is read at the last sample taken
 * when the runner stopped looking (the point's t_done_ns): for "within D"
 * the runner polled until the condition held, so a pass is its last sample.
 * growth is that value minus the first sample of the same repeat block (taken
 * before its first iteration); peak the largest value from that sample on.
 */
#include "evaluate.h"
#include "evaluate_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "duration_text.h"
#include "scenario_parse.h"
#include "textbuf.h"

static int
series_index(const struct obs_probes *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->nseries; i++)
		if (strcmp(p->names[i], name) == 0)
			return (int)i;
	return -1;
}

/* The block's first sample at or before k: its "before" sample. */
static size_t
block_start(const struct obs_probes *p, size_t k)
{
	size_t b = p->samples[k].block;

	while (k > 0 && p->samples[k - 1].block == b)
		k--;
	return k;
}

bool
evaluate_probe_value(const struct scn_probe_expect *pe,
    const struct obs_probes *p, size_t k, int64_t *value)
{
	int s = series_index(p, pe->series);
	size_t first, m;
	int64_t v;

	if (s < 0 || k >= p->nsamples || (v = p->samples[k].v[s]) < 0)
		return false;
	first = block_start(p, k);
	if (pe->mode == SCN_PROBE_GROWTH) {
		if (p->samples[first].v[s] < 0)
			return false;
		v -= p->samples[first].v[s];
	} else if (pe->mode == SCN_PROBE_PEAK) {
		for (m = first; m <= k; m++)
			if (p->samples[m].v[s] > v)
				v = p->samples[m].v[s];
	}
	*value = v;
	return true;
}

bool
evaluate_probe_holds(const struct scn_probe_expect *pe, int64_t value)
{
	switch (pe->op) {
	case SOP_EQ: return value == pe->value;
	case SOP_NE: return value != pe->value;
	case SOP_GE: return value >= pe->value;
	case SOP_LE: return value <= pe->value;
	case SOP_GT: return value > pe->value;
	case SOP_LT: return value < pe->value;
	default: return false;
	}
}

static const char *
unit(const struct scn_probe_expect *pe)
{
	return strcmp(pe->series, "rss") == 0 ? " KiB" : "";
}

void
ev_probe_expected(const struct scn_expect *e, char *buf, size_t len)
{
	const struct scn_probe_expect *pe = &e->probe;
	char d[32];

	if (pe->mode == SCN_PROBE_GROWTH)
		tb_set(buf, len,
		    "%s to grow by %s %" PRId64 "%s over the repeat block",
		    pe->series, scn_op_name(pe->op), pe->value, unit(pe));
	else if (pe->mode == SCN_PROBE_PEAK)
		tb_set(buf, len,
		    "the peak of %s since the repeat block began to be %s %" PRId64
		    "%s",
		    pe->series, scn_op_name(pe->op), pe->value, unit(pe));
	else if (pe->within_ns != 0) {
		dur_written(pe->within_ns, d, sizeof(d));
		tb_set(buf, len, "%s to be %s %" PRId64 "%s within %s",
		    pe->series, scn_op_name(pe->op), pe->value, unit(pe), d);
	} else
		tb_set(buf, len, "%s to be %s %" PRId64 "%s", pe->series,
		    scn_op_name(pe->op), pe->value, unit(pe));
}

/* The last sample taken by t, or SIZE_MAX. */
static size_t
sample_at(const struct obs_probes *p, uint64_t t)
{
	size_t k = p->nsamples;

	while (k > 0 && p->samples[k - 1].t_ns > t)
		k--;
	return k > 0 ? k - 1 : SIZE_MAX;
}

void
ev_probe(const struct case_obs *obs, const struct scn_expect *e,
    const struct obs_point *pt, struct verdict *v)
{
	const struct scn_probe_expect *pe = &e->probe;
	const struct obs_probes *p = &obs->probes;
	size_t k = sample_at(p, pt->t_done_ns), first;
	char at[32], waited[32];
	int s = series_index(p, pe->series);
	int64_t val;

	if (obs->lab.on && s >= 0 && k != SIZE_MAX && p->samples[k].v[s] < 0) {
		v->kind = VERDICT_ERROR;
		tb_set(v->note, sizeof(v->note),
		    EV_CANNOT_HERE "it does not report "
				   "%s (its agent answered unknown)",
		    pe->series);
		return;
	}
	if (k == SIZE_MAX || s < 0 || !evaluate_probe_value(pe, p, k, &val)) {
		v->kind = VERDICT_ERROR;
		tb_set(v->note, sizeof(v->note),
		    "no sample of %s was taken here (the probe "
		    "could not be read; see the case's abort reason)",
		    pe->series);
		return;
	}
	v->kind = evaluate_probe_holds(pe, val) ? VERDICT_PASS : VERDICT_FAIL;
	dur_offset(p->samples[k].t_ns, at, sizeof(at));
	first = block_start(p, k);
	if (pe->mode == SCN_PROBE_GROWTH)
		tb_set(v->actual, sizeof(v->actual),
		    "%s grew by %+" PRId64 "%s, from %" PRId64
		    " before the block to %" PRId64 " at %s (%" PRIu32
		    " iterations)",
		    pe->series, val, unit(pe), p->samples[first].v[s],
		    p->samples[k].v[s], at, p->samples[k].iter);
	else if (pe->mode == SCN_PROBE_PEAK)
		tb_set(v->actual, sizeof(v->actual),
		    "the peak of %s was %" PRId64 "%s "
		    "(%zu samples from the block's start to %s)",
		    pe->series, val, unit(pe), k - first + 1, at);
	else {
		dur_measured(pt->t_done_ns > pt->t_ns ? pt->t_done_ns - pt->t_ns
						      : 0,
		    DUR_VERDICT, waited, sizeof(waited));
		tb_set(v->actual, sizeof(v->actual),
		    "%s was %" PRId64 "%s at %s%s%s", pe->series, val, unit(pe),
		    at, pe->within_ns != 0 ? ", after waiting " : "",
		    pe->within_ns != 0 ? waited : "");
	}
}

/* The bound of one probe check, from the samples it was decided on. */
static bool
bound_of(const struct case_obs *obs, const struct scn_probe_expect *pe,
    const struct obs_point *pt, struct series_bound *b)
{
	const struct obs_probes *p = &obs->probes;
	size_t k = sample_at(p, pt->t_done_ns), first;
	int s = series_index(p, pe->series);

	if (k == SIZE_MAX || s < 0)
		return false;
	first = block_start(p, k);
	b->series = (size_t)s;
	b->value = pe->value;
	b->t_from_ns = p->samples[first].t_ns;
	b->t_to_ns = p->samples[k].t_ns;
	if (pe->mode == SCN_PROBE_GROWTH) {
		if (p->samples[first].v[s] < 0)
			return false;
		b->value += p->samples[first].v[s];
	} else if (pe->mode == SCN_PROBE_NOW)
		b->t_from_ns = pt->t_ns < b->t_to_ns ? pt->t_ns : b->t_to_ns;
	scn_probe_expect_format(pe, b->label, sizeof(b->label));
	return true;
}

size_t
evaluate_probe_bounds(const struct case_obs *obs, const struct case_result *cr,
    struct series_bound *out, size_t max)
{
	const struct scenario *sc = obs->sc;
	size_t i, n = 0;

	for (i = 0; i < cr->nverdicts && n < max; i++) {
		const struct verdict *v = &cr->verdicts[i];
		const struct scn_expect *e;

		if ((v->kind != VERDICT_PASS && v->kind != VERDICT_FAIL) ||
		    v->step >= sc->nsteps ||
		    v->index >= sc->steps[v->step].nexpects ||
		    obs->points == NULL || obs->points[v->step] == NULL)
			continue;
		e = &sc->steps[v->step].expects[v->index];
		if (e->kind != EXP_PROBE ||
		    !bound_of(obs, &e->probe, &obs->points[v->step][v->index],
			&out[n]))
			continue;
		out[n++].passed = v->kind == VERDICT_PASS;
	}
	return n;
}
