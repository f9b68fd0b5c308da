/*
 * evaluate.c - decide a case's expectations from its observations.
 *
 * Every expectation gets a verdict and two sentences a person can compare
 * side by side: what was expected ("close(c) to block about 2 s ± 150 ms")
 * and what happened ("close(c) returned 0 after 2.015 s"). Here: the order
 * of things, OS scoping, what was not reached, call bodies, state and peer;
 * wire bodies are in evaluate_wire.c.
 */
#include "evaluate.h"
#include "evaluate_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "textbuf.h"
#include "units.h"

#define NS_PER_MS	UINT64_C(1000000)

const struct obs_point *
ev_point(const struct scenario *sc, const struct case_obs *obs, size_t step, size_t idx)
{
	if (obs->points == NULL || step >= sc->nsteps || obs->points[step] == NULL ||
	    idx >= sc->steps[step].nexpects)
		return NULL;
	return &obs->points[step][idx];
}

uint64_t
evaluate_tolerance(uint64_t d_ns, uint64_t given_ns)
{
	if (given_ns != 0)
		return given_ns;
	return 50 * NS_PER_MS + d_ns / 20;
}

static const char *
op_name(enum scn_op op)
{
	static const char *names[] = {
		[SOP_EQ] = "=", [SOP_NE] = "!=", [SOP_GE] = ">=",
		[SOP_LE] = "<=", [SOP_GT] = ">", [SOP_LT] = "<",
	};

	if ((size_t)op >= sizeof(names) / sizeof(names[0]) || names[op] == NULL)
		return "?";
	return names[op];
}

/* Call bodies. */

static bool
is_call_body(enum scn_expect_kind kind)
{
	return kind >= EXP_RETURNS && kind <= EXP_SENDS;
}

/* send and recv return counts; every other call returns 0 on success. */
static bool
returns_count(enum scn_step_kind kind)
{
	return kind == STEP_SEND || kind == STEP_RECV;
}

/* socket and accept return a descriptor, whose number means nothing. */
static bool
returns_descriptor(enum scn_step_kind kind)
{
	return kind == STEP_SOCKET || kind == STEP_ACCEPT;
}

/* What "returns ok" accepts from a step of this kind. */
static const char *
ok_means(enum scn_step_kind kind)
{
	return returns_count(kind) ? "a count, 0 or more" :
	    returns_descriptor(kind) ? "a descriptor, 0 or more" : "0";
}

/* EAGAIN and EWOULDBLOCK are one error on every system that has both. */
static const char *
errno_canon(const char *name)
{
	return strcasecmp(name, "EAGAIN") == 0 ? "EWOULDBLOCK" : name;
}

static const char *
call_errname(const struct obs_call *c)
{
	const char *name;

	if (c->err_name[0] != '\0')
		return c->err_name;
	if (c->err != 0 && (name = strerrorname_np(c->err)) != NULL)
		return name;
	return "an unknown error";
}

static uint64_t
call_took(const struct obs_call *c)
{
	return c->t_end_ns > c->t_start_ns ? c->t_end_ns - c->t_start_ns : 0;
}

/*
 * How long the call blocked: what it took less the time the runner was
 * ready to go on but waited for a CPU (measured per call, obs_call). On a
 * loaded machine a linger of 1 s returns up to hundreds of ms late; that
 * is the scheduler's doing, not the stack's, and the tolerance of "about"
 * was measured on an idle CPU (docs/reliability.md, "Flakes").
 */
static uint64_t
call_blocked(const struct obs_call *c)
{
	uint64_t took = call_took(c);

	/* More than the call took is no reading: take nothing off. */
	return c->cpu_wait_ns < took ? took - c->cpu_wait_ns : took;
}

/*
 * "close(c) returned 0 after 2.015 s", "close(c) failed with EPIPE after 8 us".
 * exit-close is no call with a result: what it measures is the exit.
 */
static void
call_outcome(struct tbuf *tb, const char *label, enum scn_step_kind kind,
    const struct obs_call *c)
{
	char took[32];

	ev_took(call_took(c), took, sizeof(took));
	if (kind == STEP_EXIT_CLOSE && c->ret >= 0)
		tb_printf(tb, "%s: the process holding the socket was gone %s after it "
		    "was told to exit", label, took);
	else if (c->ret < 0)
		tb_printf(tb, "%s failed with %s after %s", label, call_errname(c), took);
	else
		tb_printf(tb, "%s returned %" PRId64 " after %s", label, c->ret, took);
	/* Worth a word from 1 ms: below that it changes no verdict. */
	if (c->cpu_wait_ns >= 1000000u && c->cpu_wait_ns < call_took(c)) {
		ev_took(c->cpu_wait_ns, took, sizeof(took));
		tb_printf(tb, " (%s of it waiting for a CPU)", took);
	}
}

static void
expected_call(const struct scn_step *st, const struct scn_expect *e, const char *label,
    char *buf, size_t len)
{
	char d[32], tol[32], sz[48];
	struct tbuf tb;

	tb_init(&tb, buf, len);
	ev_span(e->duration_ns, d, sizeof(d));
	if (e->kind == EXP_RETURNS && e->ok_any)
		tb_printf(&tb, "%s to succeed (return %s)", label, ok_means(st->kind));
	else if (e->kind == EXP_RETURNS)
		tb_printf(&tb, "%s to return %" PRId64, label, e->value);
	else if (e->kind == EXP_FAILS)
		tb_printf(&tb, "%s to fail with %s%s", label, e->err_name,
		    strcasecmp(e->err_name, "EAGAIN") == 0 ? " (the same as EWOULDBLOCK)" :
		    strcasecmp(e->err_name, "EWOULDBLOCK") == 0 ? " (or EAGAIN)" : "");
	else if (e->kind == EXP_BLOCKS_AT_LEAST || e->kind == EXP_BLOCKS_AT_MOST)
		tb_printf(&tb, "%s to block at %s %s", label,
		    e->kind == EXP_BLOCKS_AT_LEAST ? "least" : "most", d);
	else if (e->kind == EXP_BLOCKS_ABOUT) {
		ev_span(evaluate_tolerance(e->duration_ns, e->tolerance_ns), tol, sizeof(tol));
		tb_printf(&tb, "%s to block about %s \xc2\xb1 %s", label, d, tol);
	} else if (e->kind == EXP_SENDS) {
		ev_bytes(e->size, sz, sizeof(sz));
		tb_printf(&tb, "%s to accept %s in all", label, sz);
	}
}

/* ", 1.999 s less than 2 s": how far a duration was from the one wanted. */
static void
off_by(struct tbuf *tb, uint64_t took, uint64_t d)
{
	char by[32], ds[32];

	ev_took(took > d ? took - d : d - took, by, sizeof(by));
	ev_span(d, ds, sizeof(ds));
	tb_printf(tb, ", %s %s than %s", by, took > d ? "more" : "less", ds);
}

static bool
judge_blocks(const struct scn_expect *e, uint64_t took)
{
	uint64_t tol = evaluate_tolerance(e->duration_ns, e->tolerance_ns);
	uint64_t lo = e->duration_ns > tol ? e->duration_ns - tol : 0;
	uint64_t hi = UINT64_MAX - tol < e->duration_ns ? UINT64_MAX : e->duration_ns + tol;

	if (e->kind == EXP_BLOCKS_AT_LEAST)
		return took >= e->duration_ns;
	if (e->kind == EXP_BLOCKS_AT_MOST)
		return took <= e->duration_ns;
	return took >= lo && took <= hi;
}

bool
evaluate_call_ok(const struct scn_step *st, const struct scn_expect *e,
    const struct obs_call *c)
{
	if (e->kind == EXP_RETURNS)
		return e->ok_any ? (returns_count(st->kind) || returns_descriptor(st->kind) ?
		    c->ret >= 0 : c->ret == 0) : c->ret == e->value;
	if (e->kind == EXP_FAILS)
		return c->ret < 0 && strcasecmp(errno_canon(call_errname(c)),
		    errno_canon(e->err_name)) == 0;
	if (e->kind == EXP_SENDS)
		return st->kind == STEP_SEND && c->bytes == e->size;
	return judge_blocks(e, call_blocked(c));
}

static void
eval_call(const struct scn_step *st, const struct scn_expect *e, const struct obs_call *c,
    const char *label, struct verdict *v)
{
	struct tbuf tb;
	char sz[48];
	bool ok = evaluate_call_ok(st, e, c);

	tb_init(&tb, v->actual, sizeof(v->actual));
	if (e->kind == EXP_SENDS) {
		if (st->kind != STEP_SEND) {
			v->kind = VERDICT_ERROR;
			tb_set(v->note, sizeof(v->note), "\"sends\" checks a send step, "
			    "and %s is not one", label);
			return;
		}
		ev_bytes(c->bytes, sz, sizeof(sz));
		tb_printf(&tb, "%s accepted %s in all; ", label, sz);
	}
	call_outcome(&tb, label, st->kind, c);
	if (c->detail[0] != '\0')
		tb_printf(&tb, " (%s)", c->detail);
	if (!ok && (e->kind == EXP_BLOCKS_AT_LEAST || e->kind == EXP_BLOCKS_AT_MOST ||
	    e->kind == EXP_BLOCKS_ABOUT))
		off_by(&tb, call_blocked(c), e->duration_ns);
	v->kind = ok ? VERDICT_PASS : VERDICT_FAIL;
}

/*
 * A call in a repeat block: checked on every iteration by the runner, which
 * kept the count and the first call that failed; the verdict says both.
 */
static void
eval_repeated(const struct scenario *sc, const struct scn_step *st,
    const struct scn_expect *e, const struct obs_point *pt, const char *label,
    struct verdict *v)
{
	char one[VERDICT_TEXT_MAX], exp[VERDICT_TEXT_MAX];
	uint32_t n = st->block <= sc->nsteps ? sc->steps[st->block - 1].repeat_n : 0;

	snprintf(exp, sizeof(exp), "%s", v->expected);
	tb_set(v->expected, sizeof(v->expected), "on each of %" PRIu32 " iterations: %s",
	    n, exp);
	if (pt == NULL || pt->rep_checked == 0)
		return;		/* the block did not run: the last call says it */
	if (pt->rep_first_fail != 0)
		eval_call(st, e, &pt->rep_call, label, v);
	snprintf(one, sizeof(one), "%s", v->actual);
	if (pt->rep_passed == pt->rep_checked) {
		v->kind = VERDICT_PASS;
		tb_set(v->actual, sizeof(v->actual), "%" PRIu32 "/%" PRIu32 " iterations "
		    "passed; the last: %s", pt->rep_passed, pt->rep_checked, one);
	} else {
		v->kind = VERDICT_FAIL;
		tb_set(v->actual, sizeof(v->actual), "%" PRIu32 "/%" PRIu32 " iterations "
		    "passed; the first to fail, iteration %" PRIu32 ": %s", pt->rep_passed,
		    pt->rep_checked, pt->rep_first_fail, one);
	}
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
		tb_set(v->actual, sizeof(v->actual), "%s never had a connection to "
		    "look up", s);
		return;
	}
	if (pt->state[0] == '\0') {
		v->kind = VERDICT_ERROR;
		tb_set(v->note, sizeof(v->note), "no socket state was recorded for %s "
		    "(sock_diag gave no answer)", s);
		return;
	}
	wire_format_time(pt->t_done_ns > pt->t_ns ? pt->t_done_ns : pt->t_ns, at, sizeof(at));
	if (strcasecmp(pt->state, "gone") == 0)
		tb_set(v->actual, sizeof(v->actual), "sock_diag no longer found %s's "
		    "connection (gone) at %s", s, at);
	else
		tb_set(v->actual, sizeof(v->actual), "sock_diag found %s's connection "
		    "in %s at %s", s, pt->state, at);
	v->kind = strcasecmp(pt->state, e->text) == 0 ? VERDICT_PASS : VERDICT_FAIL;
}

static bool
apply_op(enum scn_op op, int cmp)
{
	switch (op) {
	case SOP_EQ:
		return cmp == 0;
	case SOP_NE:
		return cmp != 0;
	case SOP_GE:
		return cmp >= 0;
	case SOP_LE:
		return cmp <= 0;
	case SOP_GT:
		return cmp > 0;
	case SOP_LT:
		return cmp < 0;
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

	if ((parse_size(have, &a, NULL, 0) == 0 && parse_size(want, &b, NULL, 0) == 0) ||
	    (parse_duration(have, &a, NULL, 0) == 0 && parse_duration(want, &b, NULL, 0) == 0)) {
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
		tb_set(v->actual, sizeof(v->actual), "lingerpeer has no record of %s's "
		    "connection", s);
		return;
	}
	tb_set(v->actual, sizeof(v->actual), "lingerpeer's record of %s's connection "
	    "has %s = %s", s, e->key, pt->peer_value);
	if (compare_values(pt->peer_value, e->text, e->op, &holds) < 0) {
		v->kind = VERDICT_ERROR;
		tb_set(v->note, sizeof(v->note), "\"%s\" and \"%s\" are not both numbers, "
		    "so only = and != can compare them", pt->peer_value, e->text);
		return;
	}
	v->kind = holds ? VERDICT_PASS : VERDICT_FAIL;
}

static void
expected_point(const struct scenario *sc, const struct scn_expect *e, char *buf,
    size_t len)
{
	const char *s = ev_sock(sc, e->sock);
	char d[32];
	struct tbuf tb;

	tb_init(&tb, buf, len);
	ev_span(e->duration_ns, d, sizeof(d));
	if (e->kind == EXP_STATE && strcasecmp(e->text, "gone") == 0)
		tb_printf(&tb, "%s's connection gone (sock_diag no longer finds it)", s);
	else if (e->kind == EXP_STATE)
		tb_printf(&tb, "%s's connection in %s", s, e->text);
	else if (e->kind == EXP_PEER)
		tb_printf(&tb, "lingerpeer's record of %s's connection: %s %s %s", s,
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
not_applicable(const struct scn_expect *e, uint32_t running_os, struct verdict *v)
{
	char for_os[48], here[48];

	verdict_os_names(e->os_mask, for_os, sizeof(for_os));
	verdict_os_names(running_os, here, sizeof(here));
	if (running_os == 0)
		snprintf(here, sizeof(here), "an unknown system");
	v->kind = VERDICT_NOT_APPLICABLE;
	if (e->because[0] != '\0')
		tb_set(v->note, sizeof(v->note), "%s only (this is %s): expected from "
		    "source, not yet verified on this system; source: %s", for_os, here,
		    e->because);
	else
		tb_set(v->note, sizeof(v->note), "%s only (this is %s): not checked here",
		    for_os, here);
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
	wire_format_time(obs->duration_ns, at, sizeof(at));
	if (obs->aborted)
		tb_set(v->note, sizeof(v->note), "%s: the case stopped at %s, before it",
		    what, at);
	else
		tb_set(v->note, sizeof(v->note), "%s: a step before it did not do what "
		    "this one needs", what);
}

static int
evaluate_point(const struct scenario *sc, const struct case_obs *obs, size_t step,
    size_t idx, struct verdict *v)
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
	case EXP_WIRE_ZWP:
		return ev_wire(sc, obs, step, idx, v);
	case EXP_STATE:
		eval_state(sc, obs, e, pt, v);
		return 0;
	case EXP_PEER:
		eval_peer(sc, e, pt, v);
		return 0;
	case EXP_PROBE:
		ev_probe(obs, e, pt, v);
		return 0;
	default:
		v->kind = VERDICT_ERROR;
		tb_set(v->note, sizeof(v->note), "unknown kind of expectation (%d)",
		    (int)e->kind);
		return 0;
	}
}

static int
evaluate_one(const struct scenario *sc, const struct case_obs *obs, uint32_t running_os,
    size_t step, size_t idx, struct verdict *v)
{
	const struct scn_step *st = &sc->steps[step];
	const struct scn_expect *e = &st->expects[idx];
	const struct obs_call *c;
	char label[64], what[96];

	v->step = step;
	v->index = idx;
	v->pos = e->pos;
	v->os_mask = e->os_mask;
	v->on_call = is_call_body(e->kind);
	tb_set(v->check, sizeof(v->check), "%s", e->source_text);
	tb_set(v->because, sizeof(v->because), "%s", e->because);
	ev_step_label(sc, st, label, sizeof(label));
	if (v->on_call)
		expected_call(st, e, label, v->expected, sizeof(v->expected));
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
			tb_set(v->note, sizeof(v->note), "%s did not run: %s", label,
			    c->detail);
		return 0;
	}
	v->t_ns = c->t_end_ns;
	eval_call(st, e, c, label, v);
	if (st->block != 0)
		eval_repeated(sc, st, e, ev_point(sc, obs, step, idx), label, v);
	return 0;
}

/* A case that stopped early fails as a whole, even past its last check. */
static void
abort_verdict(const struct scenario *sc, const struct case_obs *obs, struct verdict *v)
{
	char at[32];

	wire_format_time(obs->duration_ns, at, sizeof(at));
	v->kind = VERDICT_ERROR;
	v->step = SIZE_MAX;
	v->pos = (struct scn_pos){ .file = sc->file, .line = 0, .col = 0 };
	v->os_mask = SCN_OS_ALL;
	v->t_ns = obs->duration_ns;
	tb_set(v->check, sizeof(v->check), "the case runs to its end");
	tb_set(v->expected, sizeof(v->expected), "every step to run");
	tb_set(v->actual, sizeof(v->actual), "the case stopped at %s: %s", at,
	    obs->abort_reason[0] != '\0' ? obs->abort_reason : "no reason given");
	tb_set(v->note, sizeof(v->note), "%s", obs->abort_kind == OBS_ABORT_ENV ?
	    "the test system failed, not the case: every case would stop alike" :
	    "the case stopped early");
}

static void
case_header(const struct scenario *sc, const struct case_obs *obs, uint32_t running_os,
    struct case_result *out)
{
	snprintf(out->name, sizeof(out->name), "%s", sc->case_name[0] != '\0' ?
	    sc->case_name : sc->file != NULL ? sc->file : "?");
	out->file = sc->file;
	snprintf(out->description, sizeof(out->description), "%s", sc->description);
	snprintf(out->os_name, sizeof(out->os_name), "%s", obs->os_name);
	out->os = running_os;
	out->duration_ns = obs->duration_ns;
	out->aborted = obs->aborted;
	snprintf(out->abort_reason, sizeof(out->abort_reason), "%s", obs->abort_reason);
	snprintf(out->pcap_path, sizeof(out->pcap_path), "%s", obs->pcap_path);
}

int
evaluate_case(const struct scenario *sc, const struct case_obs *obs, uint32_t running_os,
    struct case_result *out)
{
	size_t i, j, total = 0;
	struct verdict *v;

	memset(out, 0, sizeof(*out));
	if (sc == NULL || obs == NULL || (sc->nsteps > 0 && sc->steps == NULL)) {
		errno = EINVAL;
		return -1;
	}
	case_header(sc, obs, running_os, out);
	/* The probe samples go with the result, for the reports' charts. */
	out->probes = obs->probes;
	out->probes.samples = NULL;
	out->probes.nsamples = 0;
	if (obs->probes.nsamples > 0) {
		out->probes.samples = calloc(obs->probes.nsamples, sizeof(*obs->probes.samples));
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
	if (total > 0 && (out->verdicts = calloc(total, sizeof(*out->verdicts))) == NULL) {
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
	return 0;
}
