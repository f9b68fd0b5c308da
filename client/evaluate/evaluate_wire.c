/*
 * evaluate_wire.c - wire expectations: "client sends FIN within 100ms",
 * "... sends no RST during 500ms", "... retransmits FIN at-least 3 within
 * 5s", "... sends zero-window-probes at-least 1 within 2s".
 *
 * Each becomes a wire_pattern with a time window (evaluate_wire_pattern,
 * which the runner uses too) and a count of matches. When a check does not
 * pass, the verdict carries what came closest: matching segments just
 * outside the window first, then the segments in the window ordered by how
 * few fields they got wrong, and the exchange around the point.
 */
#include "evaluate.h"
#include "evaluate_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "duration_text.h"
#include "scenario_kinds.h"
#include "segment_text.h"
#include "textbuf.h"

static void
set_what(struct wire_pattern *pat, enum scn_wire_what what)
{
	if (what == WIRE_FIN)
		pat->flags_set = TCPF_FIN;
	else if (what == WIRE_RST)
		pat->flags_set = TCPF_RST;
	else if (what == WIRE_DATA) {
		pat->fields |= WP_PAYLOAD;
		pat->has_payload = true;
	}
}

/*
 * Lab mode: segments are on lingerpeer's clock and steps on the agent's,
 * each mapped onto the runner's within the case's clock bound. A check
 * that looks for a segment takes one up to the bound either side of its
 * window; one that looks for an absence watches its window that much
 * longer, but does not start earlier: the step before it may end well
 * within the bound of its start (the same reason it has no slack).
 */
static void
widen(const struct scn_expect *e, uint64_t bound, struct wire_pattern *pat)
{
	pat->t_to_ns = UINT64_MAX - pat->t_to_ns < bound ? UINT64_MAX
							 : pat->t_to_ns + bound;
	if (e->kind != EXP_WIRE_SENDS_NO)
		pat->t_slack_ns += bound;
}

int
evaluate_wire_pattern(const struct scenario *sc, const struct case_obs *obs,
    size_t step, size_t idx, struct wire_pattern *pat)
{
	const struct scn_expect *e;
	const struct obs_point *pt;

	if (sc == NULL || obs == NULL || step >= sc->nsteps ||
	    idx >= sc->steps[step].nexpects ||
	    !scn_expect_is_wire((e = &sc->steps[step].expects[idx])->kind) ||
	    (pt = ev_point(sc, obs, step, idx)) == NULL) {
		errno = EINVAL;
		return -1;
	}
	memset(pat, 0, sizeof(*pat));
	pat->fields = WP_FROM | WP_TIME;
	pat->from_client = e->who != WHO_PEER;
	/* the window cannot open after the point; if told so, open it there */
	pat->t_from_ns = pt->t_from_ns <= pt->t_ns ? pt->t_from_ns : pt->t_ns;
	pat->t_to_ns = UINT64_MAX - pt->t_ns < e->duration_ns
	    ? UINT64_MAX
	    : pt->t_ns + e->duration_ns;
	if (e->kind != EXP_WIRE_SENDS_NO)
		pat->t_slack_ns = WIRE_CLOCK_SLACK_NS;
	if (obs->lab.on)
		widen(e, obs->lab.clock_bound_ns, pat);
	if (e->kind == EXP_WIRE_ZWP) {
		pat->fields |= WP_ZWP;
		pat->zero_window_probe = true;
		return 0;
	}
	if (e->kind == EXP_WIRE_RETRANSMITS) {
		pat->fields |= WP_RETX;
		pat->retransmission = true;
	}
	set_what(pat, e->what);
	return 0;
}

/* How many matches decide it: one for "sends" and "sends no", N for at-least. */
static size_t
needed(const struct scn_expect *e)
{
	if (e->kind == EXP_WIRE_RETRANSMITS || e->kind == EXP_WIRE_ZWP)
		return e->count;
	return 1;
}

bool
evaluate_wire_settled(const struct scn_expect *e,
    const struct obs_segment *segs, size_t n, const struct wire_pattern *pat)
{
	size_t need = needed(e), seen = 0;
	ssize_t i = -1;

	while (
	    seen < need && (i = wire_find(segs, n, (size_t)(i + 1), pat)) >= 0)
		seen++;
	return seen >= need;
}

void
ev_wire_expected(const struct scn_expect *e, char *buf, size_t len)
{
	const char *who = e->who == WHO_PEER ? "peer" : "client";
	char d[32];
	struct tbuf tb;

	tb_init(&tb, buf, len);
	dur_written(e->duration_ns, d, sizeof(d));
	if (e->kind == EXP_WIRE_SENDS)
		tb_printf(&tb, "the %s sends %s within %s", who,
		    ev_what(e->what), d);
	else if (e->kind == EXP_WIRE_SENDS_NO && e->what == WIRE_ANY)
		tb_printf(&tb, "the %s sends nothing during %s", who, d);
	else if (e->kind == EXP_WIRE_SENDS_NO)
		tb_printf(&tb, "the %s sends no %s during %s", who,
		    ev_what(e->what), d);
	else if (e->kind == EXP_WIRE_RETRANSMITS)
		tb_printf(&tb,
		    "the %s retransmits %s at least %" PRIu32
		    " time%s within %s",
		    who, ev_what(e->what), e->count, e->count == 1 ? "" : "s",
		    d);
	else if (e->kind == EXP_WIRE_ZWP)
		tb_printf(&tb,
		    "the %s sends at least %" PRIu32 " zero-window probe%s "
		    "within %s",
		    who, e->count, e->count == 1 ? "" : "s", d);
	else
		tb_printf(&tb, "?");
}

/* Words for what a check looks for: "a FIN", "an RST", "data", "a segment". */
static const char *
a_what(enum scn_wire_what what)
{
	switch (what) {
	case WIRE_FIN: return "a FIN";
	case WIRE_RST: return "an RST";
	case WIRE_DATA: return "data";
	case WIRE_ANY: break;
	}
	return "a segment";
}

/*
 * ", between +0.120s (close(c) started) and +2.235s (100 ms after this
 * point)": the window in times the report's segment lines also use.
 */
static void
window_text(const struct scenario *sc, const struct scn_expect *e, size_t step,
    const struct obs_point *pt, const struct wire_pattern *pat,
    struct verdict *v)
{
	char label[64], from[32], to[32], d[32];
	struct tbuf tb;

	tb_resume(&tb, v->expected, sizeof(v->expected));
	dur_offset(pat->t_from_ns, from, sizeof(from));
	dur_offset(pat->t_to_ns, to, sizeof(to));
	dur_written(e->duration_ns, d, sizeof(d));
	ev_step_label(sc, &sc->steps[step], label, sizeof(label));
	if (pat->t_from_ns < pt->t_ns)
		tb_printf(&tb,
		    ", between %s (%s started) and %s (%s after this point)",
		    from, label, to, d);
	else
		tb_printf(&tb, ", between %s (this point) and %s", from, to);
}

/* "at +0.320s, +0.730s": when the matches were, up to four of them. */
static void
match_times(struct tbuf *tb, const struct case_obs *obs,
    const struct wire_pattern *pat)
{
	ssize_t i = -1;
	size_t k = 0;
	char at[32];

	while (
	    (i = wire_find(obs->segs, obs->nsegs, (size_t)(i + 1), pat)) >= 0) {
		if (k == 4) {
			tb_printf(tb, ", ...");
			break;
		}
		dur_offset(obs->segs[i].t_ns, at, sizeof(at));
		tb_printf(tb, "%s%s", k++ == 0 ? " at " : ", ", at);
	}
}

static void
actual_text(const struct scn_expect *e, const struct case_obs *obs,
    const struct wire_pattern *pat, size_t n, struct verdict *v)
{
	const char *who = pat->from_client ? "client" : "peer";
	char from[32], to[32];
	struct tbuf tb;

	tb_init(&tb, v->actual, sizeof(v->actual));
	dur_offset(pat->t_from_ns, from, sizeof(from));
	dur_offset(pat->t_to_ns, to, sizeof(to));
	if (n == 0 && e->kind != EXP_WIRE_ZWP &&
	    e->kind != EXP_WIRE_RETRANSMITS) {
		tb_printf(&tb, "the %s sent %s from %s to %s", who,
		    e->what == WIRE_ANY	       ? "nothing"
			: e->what == WIRE_DATA ? "no data"
			: e->what == WIRE_FIN  ? "no FIN"
					       : "no RST",
		    from, to);
		return;
	}
	if (e->kind == EXP_WIRE_SENDS)
		tb_printf(&tb, "the %s sent %s", who, a_what(e->what));
	else if (e->kind == EXP_WIRE_SENDS_NO)
		tb_printf(&tb, "the %s sent %zu %s%s%s from %s to %s", who, n,
		    e->what == WIRE_FIN || e->what == WIRE_RST
			? ev_what(e->what)
			: "segment",
		    n == 1 ? "" : "s", e->what == WIRE_DATA ? " with data" : "",
		    from, to);
	else if (e->kind == EXP_WIRE_RETRANSMITS)
		tb_printf(&tb,
		    "the %s retransmitted %s %zu time%s from %s to %s", who,
		    ev_what(e->what), n, n == 1 ? "" : "s", from, to);
	else
		tb_printf(&tb,
		    "the %s sent %zu zero-window probe%s from %s to %s", who, n,
		    n == 1 ? "" : "s", from, to);
	match_times(&tb, obs, pat);
}

/* "from client, flags F. but wanted R; at +1.203s". */
static void
miss_text(const struct obs_segment *s, const struct wire_pattern *pat,
    bool offends, char *buf, size_t len)
{
	bool same_dir =
	    !(pat->fields & WP_FROM) || s->from_client == pat->from_client;
	bool in_time = wire_in_window(s->t_ns, pat);
	char diff[160], fl[16], at[32];
	struct tbuf tb;

	tb_init(&tb, buf, len);
	wire_diff(s, pat, diff, sizeof(diff));
	tcpf_letters(s->flags, fl, sizeof(fl));
	dur_offset(s->t_ns, at, sizeof(at));
	if (same_dir)
		tb_printf(&tb, "from %s, ", s->from_client ? "client" : "peer");
	if (offends)
		tb_printf(&tb, "flags %s, %" PRIu32 " bytes: not wanted here",
		    fl, s->len);
	else
		tb_printf(&tb, "%s", diff);
	if (in_time)
		tb_printf(&tb, "; at %s", at);
}

/* Listed while there is room; the caller counts what did not fit. */
static void
add_miss(struct verdict_wire *w, const struct obs_segment *s,
    const struct wire_pattern *pat, bool offends)
{
	struct verdict_miss *m;

	if (w->nmisses == VERDICT_MISSES_MAX)
		return;
	m = &w->misses[w->nmisses++];
	m->seg = *s;
	miss_text(s, pat, offends, m->diff, sizeof(m->diff));
}

static bool
in_window(const struct obs_segment *s, const struct wire_pattern *pat)
{
	return wire_in_window(s->t_ns, pat);
}

/*
 * What was wanted, just outside the window: often the whole story ("the
 * FIN came, 2.1 s late"). The last match before it and the first after.
 */
static void
near_window(struct verdict_wire *w, const struct case_obs *obs,
    const struct wire_pattern *pat)
{
	struct wire_pattern any_time = *pat;
	ssize_t i, before = -1, after = -1;

	any_time.fields &= ~(unsigned int)WP_TIME;
	for (i = 0;
	     (i = wire_find(obs->segs, obs->nsegs, (size_t)i, &any_time)) >= 0;
	     i++) {
		if (obs->segs[i].t_ns < pat->t_from_ns)
			before = i;
		else if (obs->segs[i].t_ns > pat->t_to_ns && after < 0)
			after = i;
	}
	if (before >= 0)
		add_miss(w, &obs->segs[before], pat, false);
	if (after >= 0)
		add_miss(w, &obs->segs[after], pat, false);
}

/*
 * Segments in the window that did not match, nearest misses first: those
 * from the side the check is about before the other side's, and within
 * each, fewer fields wrong before more.
 */
static void
in_window_misses(struct verdict_wire *w, const struct case_obs *obs,
    const struct wire_pattern *pat)
{
	size_t i, total = 0, before = w->nmisses;
	const struct obs_segment *s;
	int side, want;

	for (i = 0; i < obs->nsegs; i++)
		if (in_window(&obs->segs[i], pat) &&
		    !wire_match(&obs->segs[i], pat))
			total++;
	for (side = 0; side < 2 && w->nmisses < VERDICT_MISSES_MAX; side++) {
		for (want = 1; want <= 8 && w->nmisses < VERDICT_MISSES_MAX;
		     want++) {
			for (i = 0; i < obs->nsegs; i++) {
				s = &obs->segs[i];
				if (in_window(s, pat) &&
				    (s->from_client != pat->from_client) ==
					side &&
				    wire_diff(s, pat, NULL, 0) == want)
					add_miss(w, s, pat, false);
			}
		}
	}
	w->more_misses = total - (w->nmisses - before);
}

static void
offenders(struct verdict_wire *w, const struct case_obs *obs,
    const struct wire_pattern *pat)
{
	size_t n = wire_count(obs->segs, obs->nsegs, pat), i;

	for (i = 0; i < obs->nsegs && w->nmisses < VERDICT_MISSES_MAX; i++)
		if (wire_match(&obs->segs[i], pat))
			add_miss(w, &obs->segs[i], pat, true);
	w->more_misses = n - w->nmisses;
}

/*
 * Up to VERDICT_EXCERPT_SIDE segments either side of the first one at or
 * after t; near either end of the capture, more from the other side.
 */
static void
excerpt(struct verdict_wire *w, const struct case_obs *obs, uint64_t t)
{
	size_t c = 0, first, last;

	while (c < obs->nsegs && obs->segs[c].t_ns < t)
		c++;
	first = c > VERDICT_EXCERPT_SIDE ? c - VERDICT_EXCERPT_SIDE : 0;
	last = obs->nsegs - first > VERDICT_EXCERPT_MAX
	    ? first + VERDICT_EXCERPT_MAX
	    : obs->nsegs;
	if (last - first < VERDICT_EXCERPT_MAX)
		first =
		    last > VERDICT_EXCERPT_MAX ? last - VERDICT_EXCERPT_MAX : 0;
	w->around_ns = t;
	w->excerpt_first = first;
	w->nexcerpt = last - first;
	if (w->nexcerpt > 0)
		memcpy(w->excerpt, &obs->segs[first],
		    w->nexcerpt * sizeof(w->excerpt[0]));
}

static int
attach_detail(const struct scn_expect *e, const struct case_obs *obs,
    const struct wire_pattern *pat, struct verdict *v)
{
	struct verdict_wire *w;
	ssize_t first;
	uint64_t around = pat->t_from_ns;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return -1;
	w->t_from_ns = pat->t_from_ns;
	w->t_to_ns = pat->t_to_ns;
	w->nsegs = obs->nsegs;
	if (e->kind == EXP_WIRE_SENDS_NO) {
		offenders(w, obs, pat);
		if ((first = wire_find(obs->segs, obs->nsegs, 0, pat)) >= 0)
			around = obs->segs[first].t_ns;
	} else {
		near_window(w, obs, pat);
		in_window_misses(w, obs, pat);
	}
	excerpt(w, obs, around);
	v->wire = w;
	return 0;
}

/* The capture, or the runner's watch, ended before the window did. */
static void
incomplete(const struct case_obs *obs, const struct wire_pattern *pat,
    uint64_t covered, struct verdict *v)
{
	char end[32], to[32];

	dur_offset(covered, end, sizeof(end));
	dur_offset(pat->t_to_ns, to, sizeof(to));
	v->kind = obs->aborted ? VERDICT_NOT_REACHED : VERDICT_ERROR;
	tb_set(v->note, sizeof(v->note),
	    "the wire was watched only until %s, before "
	    "the window ended at %s%s",
	    end, to, obs->aborted ? ": the case stopped" : "");
}

/* A verdict that rests on something not being there, when frames were lost. */
static void
note_drops(const struct case_obs *obs, struct verdict *v)
{
	if (obs->capture_drops == 0 || v->note[0] != '\0')
		return;
	tb_set(v->note, sizeof(v->note),
	    "the capture lost %" PRIu64 " frame%s in this "
	    "case, so a segment may be missing",
	    obs->capture_drops, obs->capture_drops == 1 ? "" : "s");
}

int
ev_wire(const struct scenario *sc, const struct case_obs *obs, size_t step,
    size_t idx, struct verdict *v)
{
	const struct scn_expect *e = &sc->steps[step].expects[idx];
	const struct obs_point *pt = ev_point(sc, obs, step, idx);
	struct wire_pattern pat;
	uint64_t covered;
	size_t n;

	if (!obs->captured) {
		v->kind = VERDICT_ERROR;
		tb_set(v->note, sizeof(v->note),
		    "the wire was not captured, so this "
		    "cannot be decided%s%s",
		    obs->capture_note[0] != '\0' ? ": " : "",
		    obs->capture_note);
		return 0;
	}
	/* evaluate_point checked the point; say so rather than crash if not */
	if (evaluate_wire_pattern(sc, obs, step, idx, &pat) < 0) {
		v->kind = VERDICT_ERROR;
		tb_set(v->note, sizeof(v->note),
		    "not a wire expectation, or no point");
		return 0;
	}
	covered =
	    pt->t_done_ns > obs->duration_ns ? pt->t_done_ns : obs->duration_ns;
	n = wire_count(obs->segs, obs->nsegs, &pat);
	window_text(sc, e, step, pt, &pat, v);
	actual_text(e, obs, &pat, n, v);
	if (e->kind == EXP_WIRE_SENDS_NO)
		v->kind = n > 0 ? VERDICT_FAIL : VERDICT_PASS;
	else
		v->kind = n >= needed(e) ? VERDICT_PASS : VERDICT_FAIL;
	/* an absence is only known once the whole window was watched */
	if ((e->kind == EXP_WIRE_SENDS_NO) == (v->kind == VERDICT_PASS)) {
		if (covered < pat.t_to_ns)
			incomplete(obs, &pat, covered, v);
		note_drops(obs, v);
	}
	if (v->kind == VERDICT_PASS)
		return 0;
	if (attach_detail(e, obs, &pat, v) < 0) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}
