/*
 * evaluate.c - decide a case's expectations from its observations.
 *
 * Every expectation gets a verdict and two sentences a person can compare
 * side by side: what was expected ("close(c) to block about 2 s ± 150 ms")
 * and what happened ("close(c) returned 0 after 2.015 s"). Here: the order
 * of things, OS scoping, what was not reached, state and peer; call bodies
 * are in evaluate_call.c, wire bodies in evaluate_wire.c.
 */
#include "evaluate.h"
#include "evaluate_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "duration_text.h"
#include "scenario_kinds.h"
#include "textbuf.h"
#include "units.h"

const struct obs_point *
ev_point(const struct scenario *sc, const struct case_obs *obs, size_t step,
    size_t idx)
{
	if (obs->points == NULL || step >= sc->nsteps ||
	    obs->points[step] == NULL || idx >= sc->steps[step].nexpects)
		return NULL;
	return &obs->points[step][idx];
}

static const char *
op_name(enum scn_op op)
{
	static const char *names[] = {
		[SOP_EQ] = "=",
		[SOP_NE] = "!=",
		[SOP_GE] = ">=",
		[SOP_LE] = "<=",
		[SOP_GT] = ">",
		[SOP_LT] = "<",
	};

	if ((size_t)op >= sizeof(names) / sizeof(names[0]) || names[op] == NULL)
		return "?";
	return names[op];
}

/* Point bodies: state and peer. */

static void
eval_state(const struct scenario *sc, const struct case_obs *obs,
    const struct scn_expect *e, const struct obs_point *pt, struct verdict *v)
{
	const char *s = ev_sock(sc, e->sock);
	char at[32];

	/* "" is the runner's word for a socket that never had a connection */
	if (pt->state[0] == '\0' && e->sock >= 0 && e->sock < SCN_MAX_SOCKS &&
	    !obs->socks[e->sock].connected) {
		v->kind = VERDICT_FAIL;
		tb_set(v->actual, sizeof(v->actual),
		    "%s never had a connection to "
		    "look up",
		    s);
		return;
	}
	if (pt->state[0] == '\0') {
		v->kind = VERDICT_ERROR;
		tb_set(v->note, sizeof(v->note),
		    "no socket state was recorded for %s "
		    "(sock_diag gave no answer)",
		    s);
		return;
	}
	if (strcasecmp(pt->state, "unknown") == 0) { /* an agent's answer */
		v->kind = VERDICT_ERROR;
		tb_set(v->note, sizeof(v->note),
		    EV_CANNOT_HERE
		    "it keeps no table "
		    "of its connections' states (its agent answered unknown)");
		return;
	}
	dur_offset(pt->t_done_ns > pt->t_ns ? pt->t_done_ns : pt->t_ns, at,
	    sizeof(at));
	if (strcasecmp(pt->state, "gone") == 0)
		tb_set(v->actual, sizeof(v->actual),
		    "sock_diag no longer found %s's "
		    "connection (gone) at %s",
		    s, at);
	else
		tb_set(v->actual, sizeof(v->actual),
		    "sock_diag found %s's connection "
		    "in %s at %s",
		    s, pt->state, at);
	v->kind =
	    strcasecmp(pt->state, e->text) == 0 ? VERDICT_PASS : VERDICT_FAIL;
}

static bool
apply_op(enum scn_op op, int cmp)
{
	switch (op) {
	case SOP_EQ: return cmp == 0;
	case SOP_NE: return cmp != 0;
	case SOP_GE: return cmp >= 0;
	case SOP_LE: return cmp <= 0;
	case SOP_GT: return cmp > 0;
	case SOP_LT: return cmp < 0;
	}
	return false;
}

/*
 * Numbers compare as numbers, with units on either side ("64KiB" against
 * the peer's "65536", "1.5s" against "1500ms"); words only by = and !=.
 * Returns -1 when the two cannot be compared with op.
 */
static int
compare_values(const char *have, const char *want, enum scn_op op, bool *holds)
{
	uint64_t a, b;

	if ((parse_size(have, &a, NULL, 0) == 0 &&
		parse_size(want, &b, NULL, 0) == 0) ||
	    (parse_duration(have, &a, NULL, 0) == 0 &&
		parse_duration(want, &b, NULL, 0) == 0)) {
		*holds = apply_op(op, a < b ? -1 : a > b);
		return 0;
	}
	if (op != SOP_EQ && op != SOP_NE)
		return -1;
	*holds = apply_op(op, strcasecmp(have, want));
	return 0;
}

static void
eval_peer(const struct scenario *sc, const struct scn_expect *e,
    const struct obs_point *pt, struct verdict *v)
{
	const char *s = ev_sock(sc, e->sock);
	bool holds = false;

	if (!pt->peer_found) {
		v->kind = VERDICT_FAIL;
		tb_set(v->actual, sizeof(v->actual),
		    "lingerpeer has no record of %s's "
		    "connection",
		    s);
		return;
	}
	tb_set(v->actual, sizeof(v->actual),
	    "lingerpeer's record of %s's connection "
	    "has %s = %s",
	    s, e->key, pt->peer_value);
	if (compare_values(pt->peer_value, e->text, e->op, &holds) < 0) {
		v->kind = VERDICT_ERROR;
		tb_set(v->note, sizeof(v->note),
		    "\"%s\" and \"%s\" are not both numbers, "
		    "so only = and != can compare them",
		    pt->peer_value, e->text);
		return;
	}
	v->kind = holds ? VERDICT_PASS : VERDICT_FAIL;
}

bool
evaluate_peer_holds(const struct scn_expect *e, const char *value)
{
	bool holds = false;

	return compare_values(value, e->text, e->op, &holds) == 0 && holds;
}

static void
expected_point(const struct scenario *sc, const struct scn_expect *e, char *buf,
    size_t len)
{
	const char *s = ev_sock(sc, e->sock);
	char d[32];
	struct tbuf tb;

	tb_init(&tb, buf, len);
	dur_written(e->duration_ns, d, sizeof(d));
	if (e->kind == EXP_STATE && strcasecmp(e->text, "gone") == 0)
		tb_printf(&tb,
		    "%s's connection gone (sock_diag no longer finds it)", s);
	else if (e->kind == EXP_STATE)
		tb_printf(&tb, "%s's connection in %s", s, e->text);
	else if (e->kind == EXP_PEER)
		tb_printf(&tb,
		    "lingerpeer's record of %s's connection: %s %s %s", s,
		    e->key, op_name(e->op), e->text);
	if (e->kind == EXP_STATE && e->duration_ns > 0)
		tb_printf(&tb, " within %s", d);
}

/* Scoping: no OS written means every OS; an empty mask is read the same way. */
static bool
applies(uint32_t mask, uint32_t os)
{
	if ((mask & SCN_OS_ALL) == 0)
		mask = SCN_OS_ALL;
	return (mask & os) != 0;
}

static void
not_applicable(const struct scn_expect *e, uint32_t running_os,
    struct verdict *v)
{
	char for_os[48], here[48];

	verdict_os_names(e->os_mask, for_os, sizeof(for_os));
	verdict_os_names(running_os, here, sizeof(here));
	if (running_os == 0)
		snprintf(here, sizeof(here), "an unknown system");
	v->kind = VERDICT_NOT_APPLICABLE;
	if (e->because[0] != '\0')
		tb_set(v->note, sizeof(v->note),
		    "%s only (this is %s): expected from "
		    "source, not yet verified on this system; source: %s",
		    for_os, here, e->because);
	else
		tb_set(v->note, sizeof(v->note),
		    "%s only (this is %s): not checked here", for_os, here);
}

/*
 * Why is said once, by the case (its abort_reason and last verdict); each
 * check it cut short only says when, so a long reason is not repeated.
 */
static void
not_reached(const struct case_obs *obs, const char *what, struct verdict *v)
{
	char at[32];

	v->kind = VERDICT_NOT_REACHED;
	dur_offset(obs->duration_ns, at, sizeof(at));
	if (obs->aborted)
		tb_set(v->note, sizeof(v->note),
		    "%s: the case stopped at %s, before it", what, at);
	else
		tb_set(v->note, sizeof(v->note),
		    "%s: a step before it did not do what "
		    "this one needs",
		    what);
}

static int
evaluate_point(const struct scenario *sc, const struct case_obs *obs,
    size_t step, size_t idx, struct verdict *v)
{
	const struct scn_expect *e = &sc->steps[step].expects[idx];
	const struct obs_point *pt = ev_point(sc, obs, step, idx);

	if (pt == NULL || !pt->reached) {
		not_reached(obs, "not reached", v);
		return 0;
	}
	v->t_ns = pt->t_ns;
	switch (e->kind) {
	case EXP_WIRE_SENDS:
	case EXP_WIRE_SENDS_NO:
	case EXP_WIRE_RETRANSMITS:
	case EXP_WIRE_ZWP: return ev_wire(sc, obs, step, idx, v);
	case EXP_STATE: eval_state(sc, obs, e, pt, v); return 0;
	case EXP_PEER: eval_peer(sc, e, pt, v); return 0;
	case EXP_PROBE: ev_probe(obs, e, pt, v); return 0;
	case EXP_RETURNS: /* a call's: not a point */
	case EXP_FAILS:
	case EXP_BLOCKS_AT_LEAST:
	case EXP_BLOCKS_AT_MOST:
	case EXP_BLOCKS_ABOUT:
	case EXP_SENDS:
	case EXP_KIND_COUNT: break;
	}
	v->kind = VERDICT_ERROR;
	tb_set(v->note, sizeof(v->note), "unknown kind of expectation (%d)",
	    (int)e->kind);
	return 0;
}

static int
evaluate_one(const struct scenario *sc, const struct case_obs *obs,
    uint32_t running_os, size_t step, size_t idx, struct verdict *v)
{
	const struct scn_step *st = &sc->steps[step];
	const struct scn_expect *e = &st->expects[idx];
	const struct obs_call *c;
	char label[64], what[96];

	v->step = step;
	v->index = idx;
	v->pos = e->pos;
	v->os_mask = e->os_mask;
	v->on_call = scn_expect_is_attached(e->kind);
	tb_set(v->check, sizeof(v->check), "%s", e->source_text);
	tb_set(v->because, sizeof(v->because), "%s", e->because);
	ev_step_label(sc, st, label, sizeof(label));
	if (v->on_call)
		ev_call_expected(st, e, label, v->expected,
		    sizeof(v->expected));
	else if (e->kind == EXP_STATE || e->kind == EXP_PEER)
		expected_point(sc, e, v->expected, sizeof(v->expected));
	else if (e->kind == EXP_PROBE)
		ev_probe_expected(e, v->expected, sizeof(v->expected));
	else
		ev_wire_expected(e, v->expected, sizeof(v->expected));
	if (!applies(e->os_mask, running_os)) {
		not_applicable(e, running_os, v);
		return 0;
	}
	if (!v->on_call)
		return evaluate_point(sc, obs, step, idx, v);
	c = obs->calls != NULL ? &obs->calls[step] : NULL;
	if (c == NULL || !c->ran) {
		snprintf(what, sizeof(what), "%s did not run", label);
		not_reached(obs, what, v);
		if (c != NULL && c->detail[0] != '\0')
			tb_set(v->note, sizeof(v->note), "%s did not run: %s",
			    label, c->detail);
		return 0;
	}
	v->t_ns = c->t_end_ns;
	ev_call(sc, st, e, c, ev_point(sc, obs, step, idx), label, v);
	return 0;
}

/* A case that stopped early fails as a whole, even past its last check. */
static void
abort_verdict(const struct scenario *sc, const struct case_obs *obs,
    struct verdict *v)
{
	char at[32];

	dur_offset(obs->duration_ns, at, sizeof(at));
	v->kind = VERDICT_ERROR;
	v->step = SIZE_MAX;
	v->pos = (struct scn_pos){ .file = sc->file, .line = 0, .col = 0 };
	v->os_mask = SCN_OS_ALL;
	v->t_ns = obs->duration_ns;
	tb_set(v->check, sizeof(v->check), "the case runs to its end");
	tb_set(v->expected, sizeof(v->expected), "every step to run");
	tb_set(v->actual, sizeof(v->actual), "the case stopped at %s: %s", at,
	    obs->abort_reason[0] != '\0' ? obs->abort_reason
					 : "no reason given");
	tb_set(v->note, sizeof(v->note), "%s",
	    obs->abort_kind == OBS_ABORT_ENV
		? "the test system failed, not the case: every case would stop alike"
		: obs->abort_kind == OBS_ABORT_AGENT
		? "lingerlab-agent was lost, not "
		  "the case: the system under test could no longer be driven"
		: obs->abort_kind == OBS_ABORT_NO_AGENT
		? "lingerlab-agent could not be "
		  "reached: the case did not run"
		: "the case stopped early");
}

static void
case_header(const struct scenario *sc, const struct case_obs *obs,
    uint32_t running_os, struct case_result *out)
{
	snprintf(out->name, sizeof(out->name), "%s",
	    sc->case_name[0] != '\0' ? sc->case_name
		: sc->file != NULL   ? sc->file
				     : "?");
	out->file = sc->file;
	snprintf(out->family, sizeof(out->family), "%s",
	    scn_family_name(sc->family != SCN_FAM_NONE
		    ? (enum scn_family)sc->family
		    : SCN_FAM_IPV4));
	snprintf(out->description, sizeof(out->description), "%s",
	    sc->description);
	snprintf(out->os_name, sizeof(out->os_name), "%s", obs->os_name);
	out->os = running_os;
	out->duration_ns = obs->duration_ns;
	out->aborted = obs->aborted;
	snprintf(out->abort_reason, sizeof(out->abort_reason), "%s",
	    obs->abort_reason);
	snprintf(out->pcap_path, sizeof(out->pcap_path), "%s", obs->pcap_path);
	out->lab = obs->lab;
}

/* Lab mode: say how many checks could not be made there, and the first why. */
static void
lab_unchecked(struct case_result *out)
{
	const char *first = NULL;
	size_t i, n = 0;

	for (i = 0; i < out->nverdicts; i++) {
		if (strncmp(out->verdicts[i].note, EV_CANNOT_HERE,
			strlen(EV_CANNOT_HERE)) != 0)
			continue;
		if (n++ == 0)
			first = out->verdicts[i].note + strlen(EV_CANNOT_HERE);
	}
	if (n > 0)
		tb_set(out->lab_unchecked, sizeof(out->lab_unchecked),
		    "%zu check%s "
		    "cannot be made on this system under test: %s%s",
		    n, n == 1 ? "" : "s", first,
		    n > 1 ? " (and others: see each)" : "");
}

int
evaluate_case(const struct scenario *sc, const struct case_obs *obs,
    uint32_t running_os, struct case_result *out)
{
	size_t i, j, total = 0;
	struct verdict *v;

	memset(out, 0, sizeof(*out));
	if (sc == NULL || obs == NULL ||
	    (sc->nsteps > 0 && sc->steps == NULL)) {
		errno = EINVAL;
		return -1;
	}
	case_header(sc, obs, running_os, out);
	/* The probe samples go with the result, for the reports' charts. */
	out->probes = obs->probes;
	out->probes.samples = NULL;
	out->probes.nsamples = 0;
	if (obs->probes.nsamples > 0) {
		out->probes.samples =
		    calloc(obs->probes.nsamples, sizeof(*obs->probes.samples));
		if (out->probes.samples == NULL) {
			errno = ENOMEM;
			return -1;
		}
		memcpy(out->probes.samples, obs->probes.samples,
		    obs->probes.nsamples * sizeof(*obs->probes.samples));
		out->probes.nsamples = obs->probes.nsamples;
	}
	for (i = 0; i < sc->nsteps; i++)
		total += sc->steps[i].nexpects;
	total += obs->aborted ? 1 : 0;
	if (total > 0 &&
	    (out->verdicts = calloc(total, sizeof(*out->verdicts))) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	for (i = 0; i < sc->nsteps; i++) {
		for (j = 0; j < sc->steps[i].nexpects; j++) {
			v = &out->verdicts[out->nverdicts++];
			if (evaluate_one(sc, obs, running_os, i, j, v) < 0) {
				case_result_free(out);
				errno = ENOMEM;
				return -1;
			}
			out->counts[v->kind]++;
		}
	}
	if (obs->aborted) {
		v = &out->verdicts[out->nverdicts++];
		abort_verdict(sc, obs, v);
		out->counts[v->kind]++;
	}
	if (obs->lab.on)
		lab_unchecked(out);
	return 0;
}
