/*
 * run_points.c - what the runner does when the scenario reaches the
 * expectations after a step: record what each needs, waiting as long as
 * it says, then go on to the next step.
 *
 * All expectations after one step look from the same moment, together:
 * `wire ... within D` until a matching segment is seen or D has passed;
 * `wire ... during D` the full D; `state SOCK X within D` polls sock_diag
 * (which cannot notify) every STATE_POLL_NS until X or D; `peer SOCK KEY
 * OP V` reads the peer's record, again every STATE_POLL_NS while the
 * condition does not hold, for at most PEER_SETTLE_NS. The next step
 * starts when the last of them is done. Judging is the evaluator's: the
 * runner only decides when it has seen enough, with the same matcher
 * (wire_classify.h).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "evaluate.h"
#include "run_int.h"
#include "run_sut.h"
#include "run_wire.h"
#include "scenario_kinds.h"
#include "timeunit.h"
#include "wire_classify.h"

#define STATE_POLL_NS (5 * NS_PER_MS)

/*
 * How long `peer SOCK KEY OP V` reads the peer's record again while the
 * condition does not hold: the segment the step sent (a close()'s RST, say)
 * may still be on its way to the peer, or in its queue, when the step
 * returns. Under ASan on a loaded two-core machine it took up to tens of
 * milliseconds; a condition that holds ends the wait at once.
 */
#define PEER_SETTLE_NS (250 * NS_PER_MS)

struct pending {
	const struct scn_expect *e;
	struct obs_point *p;
	size_t i, j;  /* steps[i].expects[j] */
	uint64_t end; /* t_ns + D */
	bool done;
};

/* Until t (ns since the start) or a captured frame, whichever is first. */
static void
wait_event(struct run_ctx *r, uint64_t t)
{
	struct pollfd pfd = { .fd = -1, .events = POLLIN };
	uint64_t now = run_now(r), ms;

	if (now >= t)
		return;
	ms = (t - now + NS_PER_MS - 1) / NS_PER_MS;
	if (r->cap != NULL)
		pfd.fd = rcap_fd(r->cap);
	/* lingerpeer's log cannot wake us: read it again this often */
	if (r->pwire != NULL && ms > PWIRE_POLL_MS)
		ms = PWIRE_POLL_MS;
	/* With no capture, only time is waited for: that is the step's job. */
	(void)poll(&pfd, pfd.fd >= 0 ? 1 : 0, ms > 60000 ? 60000 : (int)ms);
}

void
run_wait_until(struct run_ctx *r, uint64_t t)
{
	for (;;) {
		if (run_collect(r) == -1)
			return;
		run_probe_tick(r); /* a leak's drain, sampled as it goes */
		if (run_now(r) >= t)
			return;
		wait_event(r, run_probe_next(r, t));
	}
}

/* A wire expectation: done when settled, or when its time is up. */
static bool
check_wire(struct run_ctx *r, struct pending *w, uint64_t now)
{
	const struct case_obs *o = r->obs;
	struct wire_pattern pat;

	if (now >= w->end)
		return true;
	/* "during" waits the whole of D, failing or not: later steps must
	 * happen when the scenario says, whatever an expectation found. */
	if (w->e->kind == EXP_WIRE_SENDS_NO)
		return false;
	if (!o->captured)
		return true; /* nothing to see: an error, not a wait */
	/* The evaluator's own window and matcher: we wait for what it checks. */
	if (evaluate_wire_pattern(r->sc, o, w->i, w->j, &pat) == -1)
		return true;
	return evaluate_wire_settled(w->e, o->segs, o->nsegs, &pat);
}

static bool
check_state(struct run_ctx *r, struct pending *w, uint64_t now)
{
	const struct obs_sock *s;

	if (w->e->sock < 0 || w->e->sock >= SCN_MAX_SOCKS)
		return true;
	s = &r->obs->socks[w->e->sock];
	if (!s->connected)
		return true; /* state stays "": nothing to look up */
	if (sut_tcp_state(r, w->i, &s->laddr, s->lport, &s->raddr, s->rport,
		w->p->state, sizeof(w->p->state)) == -1) {
		/* an agent lost has said so already: the first reason stands */
		run_abort(r, OBS_ABORT_ENV,
		    "cannot read socket states "
		    "(sock_diag): %s",
		    strerror(errno));
		return true;
	}
	return strcasecmp(w->p->state, w->e->text) == 0 || now >= w->end;
}

static bool
check_peer(struct run_ctx *r, struct pending *w, uint64_t now)
{
	struct obs_point *p = w->p;
	int rc;

	if (w->e->sock < 0 || w->e->sock >= SCN_MAX_SOCKS ||
	    !r->obs->socks[w->e->sock].connected)
		return true; /* the peer has no record of it */
	rc = run_peer_value(r, w->e->sock, w->e->key, p->peer_value,
	    sizeof(p->peer_value));
	p->peer_found = rc == 1;
	if (rc != 1) {
		p->peer_value[0] = '\0';
		return true;
	}
	return evaluate_peer_holds(w->e, p->peer_value) || now >= w->end;
}

static bool
check(struct run_ctx *r, struct pending *w, uint64_t now)
{
	switch (w->e->kind) {
	case EXP_STATE: return check_state(r, w, now);
	case EXP_PEER: return check_peer(r, w, now);
	case EXP_WIRE_SENDS:
	case EXP_WIRE_SENDS_NO:
	case EXP_WIRE_RETRANSMITS:
	case EXP_WIRE_ZWP: return check_wire(r, w, now);
	case EXP_RETURNS: /* a call's or a probe's: never pending */
	case EXP_FAILS:
	case EXP_BLOCKS_AT_LEAST:
	case EXP_BLOCKS_AT_MOST:
	case EXP_BLOCKS_ABOUT:
	case EXP_SENDS:
	case EXP_PROBE:
	case EXP_KIND_COUNT: break;
	}
	return true;
}

/* Expectations attached to the step judge its call: nothing to wait for. */
static bool
attached(const struct scn_expect *e)
{
	return e->attached || scn_expect_is_attached(e->kind);
}

/* Set up point j; true when it has to be waited for. */
static bool
begin(struct run_ctx *r, size_t i, size_t j, uint64_t from, uint64_t t,
    struct pending *w)
{
	const struct scn_expect *e = &r->sc->steps[i].expects[j];
	const struct obs_call *c = &r->obs->calls[i];
	struct obs_point *p = &r->obs->points[i][j];

	w->e = e;
	w->p = p;
	w->i = i;
	w->j = j;
	w->done = false;
	if (attached(e)) {
		p->reached = c->ran;
		p->t_from_ns = p->t_ns = p->t_done_ns = c->t_end_ns;
		return false;
	}
	if (e->kind == EXP_PROBE) {
		run_probe_point(r, i, j, t); /* samples, polling within D */
		return false;
	}
	p->reached = true;
	p->t_from_ns = from;
	p->t_ns = p->t_done_ns = t;
	w->end = t + (e->kind == EXP_PEER ? PEER_SETTLE_NS : e->duration_ns);
	/* Lab mode: the evaluator widens a wire window by the clock bound. */
	if (scn_expect_is_wire(e->kind) && r->obs->lab.on)
		w->end += r->obs->lab.clock_bound_ns;
	/* Another system's expectation: nothing to look at here. */
	return (e->os_mask & r->obs->os) != 0;
}

/* The earliest moment one of the waits needs looking at again. */
static uint64_t
next_wake(const struct pending *w, size_t n, uint64_t now)
{
	uint64_t wake = UINT64_MAX;
	size_t k;

	for (k = 0; k < n; k++) {
		if (w[k].done)
			continue;
		if (w[k].end < wake)
			wake = w[k].end;
		if ((w[k].e->kind == EXP_STATE || w[k].e->kind == EXP_PEER) &&
		    now + STATE_POLL_NS < wake)
			wake = now + STATE_POLL_NS;
	}
	return wake;
}

static void
settle(struct run_ctx *r, size_t i, struct pending *w, size_t n)
{
	size_t k, left;
	uint64_t now;

	for (;;) {
		(void)run_collect(r);
		now = run_now(r);
		for (k = 0, left = 0; k < n; k++) {
			if (w[k].done)
				continue;
			if (r->stop) {
				/* The case stopped while we looked: what we
				 * saw does not cover the expectation. */
				w[k].p->reached = false;
			} else if (!check(r, &w[k], now)) {
				left++;
				continue;
			}
			w[k].done = true;
			w[k].p->t_done_ns = run_now(r);
			run_emit_point(r, i, w[k].j);
		}
		if (left == 0)
			return;
		wait_event(r, next_wake(w, n, now));
	}
}

void
run_points(struct run_ctx *r, size_t i)
{
	const struct scn_step *st = &r->sc->steps[i];
	const struct obs_call *c = &r->obs->calls[i];
	struct pending *w;
	uint64_t t, from;
	size_t j, n = 0;

	if (st->nexpects == 0)
		return;
	if ((w = calloc(st->nexpects, sizeof(*w))) == NULL) {
		run_abort(r, OBS_ABORT_ENV, "out of memory");
		return;
	}
	t = run_now(r);
	/* A window opens when its cause began; waiting is no cause. */
	from = scn_step_waits(st->kind) || !c->ran ? t : c->t_start_ns;
	for (j = 0; j < st->nexpects; j++) {
		if (begin(r, i, j, from, t, &w[n]))
			n++;
		else
			run_emit_point(r, i, j);
	}
	settle(r, i, w, n);
	free(w);
}
