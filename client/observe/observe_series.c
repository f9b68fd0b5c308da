/*
 * observe_series.c - the probes sampled while a program ran (and sockets
 * for a while after): start, peak and end of each. The report draws them
 * with series_text.c, as the runner's reports do.
 */
#include <stdlib.h>
#include <string.h>

#include "observe_prog.h"

int
ob_series_add(struct ob_series *s, const struct ob_sample *x)
{
	struct ob_sample *v;
	size_t cap;

	if (s->n == s->cap) {
		cap = s->cap == 0 ? 256 : s->cap * 2;
		if ((v = realloc(s->v, cap * sizeof(*v))) == NULL)
			return -1;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = *x;
	return 0;
}

/* Add x where its time puts it (samples stay in time order). */
static int
insert(struct ob_series *s, const struct ob_sample *x)
{
	size_t i;

	if (ob_series_add(s, x) == -1)
		return -1;
	for (i = s->n - 1; i > 0 && s->v[i - 1].t_ns > x->t_ns; i--)
		s->v[i] = s->v[i - 1];
	s->v[i] = *x;
	/* sockets, counters: what the nearest sample before (or after) saw */
	if (i > 0 || s->n > 1) {
		const struct ob_sample *near = &s->v[i > 0 ? i - 1 : 1];

		memcpy(s->v[i].by_state, near->by_state, sizeof(x->by_state));
		memcpy(s->v[i].tcpext, near->tcpext, sizeof(x->tcpext));
	}
	return 0;
}

static bool
inside_sample(const struct ob_rec *r, struct ob_sample *x)
{
	if (r->fds < 0 || r->threads < 0 || r->rss_kib < 0)
		return false;
	memset(x, 0, sizeof(*x));
	x->t_ns = r->t0;
	x->running = true;
	x->procs = 1;
	x->threads = r->threads;
	x->fds = r->fds;
	x->rss_kib = r->rss_kib;
	return true;
}

int
ob_series_add_inside(struct ob_series *s, const struct ob_rec *recs,
    size_t nrecs)
{
	const struct ob_rec *hello = NULL, *end = NULL;
	struct ob_sample x;
	size_t i;

	for (i = 0; i < nrecs && hello == NULL; i++)
		if (recs[i].call == OB_HELLO)
			hello = &recs[i];
	if (hello == NULL)
		return 0;
	/* after an exec (sh -c 'exec prog'), the image that ran is the last */
	for (i = 0; i < nrecs; i++)
		if (recs[i].call == OB_HELLO && recs[i].pid == hello->pid)
			hello = &recs[i];
	for (i = 0; i < nrecs; i++)
		if (recs[i].call == OB_EXIT && recs[i].pid == hello->pid)
			end = &recs[i];
	for (i = 0; end != NULL && i < s->n; i++)
		if (s->v[i].procs > 1)
			end = NULL;
	if (inside_sample(hello, &x) && insert(s, &x) == -1)
		return -1;
	if (end == NULL || !inside_sample(end, &x))
		return 0;
	if (insert(s, &x) == -1)
		return -1;
	/* after exit() began, outside samples see it tearing down */
	for (i = 0; i < s->n; i++)
		if (s->v[i].t_ns > x.t_ns)
			s->v[i].running = false;
	return 0;
}

void
ob_series_free(struct ob_series *s)
{
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

int64_t
ob_sample_value(const struct ob_sample *x, enum ob_probe p, unsigned state)
{
	switch (p) {
	case OB_P_THREADS: return x->threads;
	case OB_P_FDS: return x->fds;
	case OB_P_RSS_KIB: return x->rss_kib;
	case OB_P_PROCS: return x->procs;
	case OB_P_STATE: return state < 16 ? (int64_t)x->by_state[state] : 0;
	case OB_P_TCPEXT:
		return state < OB_TCPEXT_MAX ? (int64_t)x->tcpext[state] : 0;
	}
	return 0;
}

bool
ob_sample_counts(const struct ob_sample *x, enum ob_probe p)
{
	return p == OB_P_STATE || p == OB_P_TCPEXT ||
	    (x->running && x->procs > 0);
}

void
ob_series_stats(const struct ob_series *s, enum ob_probe p, unsigned state,
    struct ob_stats *out)
{
	size_t i;
	int64_t v;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < s->n; i++) {
		if (!ob_sample_counts(&s->v[i], p))
			continue;
		v = ob_sample_value(&s->v[i], p, state);
		if (!out->any) {
			out->any = true;
			out->start = out->peak = v;
			out->t_peak = s->v[i].t_ns;
		}
		if (v > out->peak) {
			out->peak = v;
			out->t_peak = s->v[i].t_ns;
		}
		out->end = v;
	}
}
