/*
 * scenario_attach.c - which step an expectation belongs to. Written
 * indented, it checks the call of the step above it (returns, fails,
 * blocks, sends); at the left margin, a point of the scenario after that
 * step (wire, state, peer, probe). Either way it is kept with that step.
 */
#include "scenario_int.h"

#include <stdio.h>
#include <stdlib.h>

/* Indented: the step above must be a call. Left margin: any step before. */
static int
check_place(struct scn_ctx *c, const struct scn_expect *e,
    const struct scn_step *st)
{
	const char *what = scn_expect_name(e->kind);
	char hint[160];

	if (!e->attached && c->open_block != 0 &&
	    !scn_expect_is_attached(e->kind)) {
		snprintf(hint, sizeof(hint),
		    "write it after end, or indent it under a call "
		    "to check that call on every iteration");
		return scn_fail(c, e->pos.col, hint,
		    "inside a repeat block (line %u) only "
		    "indented expects are checked",
		    c->block_line);
	}
	if (!e->attached) {
		if (scn_expect_is_attached(e->kind))
			return scn_fail(c, e->pos.col,
			    "indent the line (e.g. 4 spaces) right under "
			    "the step",
			    "'%s' checks the call of a step: it is written indented, "
			    "under the step",
			    what);
		return 0;
	}
	if (!scn_expect_is_attached(e->kind))
		return scn_fail(c, e->pos.col, "write it at the left margin",
		    "'%s' checks a "
		    "point of the scenario, not a call",
		    what);
	if (!scn_step_is_call(st->kind)) {
		snprintf(hint, sizeof(hint),
		    "write it at the left margin, or move it under the "
		    "socket step it checks");
		return scn_fail(c, e->pos.col, hint,
		    "an indented expect checks the call above "
		    "it, but %s (line %u) is not a call",
		    scn_step_name(st->kind), st->pos.line);
	}
	if (c->point_since_step)
		return scn_fail(c, e->pos.col,
		    "put a step's indented expects right under it, "
		    "before those at the left margin",
		    "an indented expect must follow its step");
	if (e->kind == EXP_SENDS && st->kind != STEP_SEND)
		return scn_fail(c, e->pos.col,
		    "sends checks what send() accepted: indent it "
		    "under a send step",
		    "'sends' under %s, which sends nothing",
		    scn_step_name(st->kind));
	if (st->kind == STEP_EXIT_CLOSE &&
	    (e->kind == EXP_RETURNS || e->kind == EXP_FAILS))
		return scn_fail(c, e->pos.col, "check blocks, or the wire",
		    "exit-close has no "
		    "return value: the process exits");
	return 0;
}

int
scn_attach(struct scn_ctx *c, struct scn_expect *e, bool keep)
{
	struct scenario *sc = c->sc;
	struct scn_step *st;
	struct scn_expect *ne;
	size_t n;

	if (c->step_failed)
		return 0; /* the step's own error says enough */
	if (sc->nsteps == 0)
		return scn_fail(c, e->pos.col,
		    "an expectation comes after the step it follows",
		    "expect with nothing to attach to");
	st = &sc->steps[sc->nsteps - 1];
	if (check_place(c, e, st) < 0)
		return -1;
	if (!e->attached)
		c->point_since_step = true;
	if (!keep)
		return 0;
	n = st->nexpects;
	if (n == 0 || (n >= 4 && (n & (n - 1)) == 0)) {
		if ((ne = realloc(st->expects,
			 (n == 0 ? 4 : n * 2) * sizeof(*ne))) == NULL)
			return scn_fail(c, e->pos.col, "", "out of memory");
		st->expects = ne;
	}
	st->expects[st->nexpects++] = *e;
	return 0;
}
