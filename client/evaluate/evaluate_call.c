/*
 * evaluate_call.c - decide the expectations on a call: returns, fails,
 * blocks (at least, at most, about) and sends, once or on every iteration
 * of a repeat block.
 *
 * What a call took is judged less the time it waited for a CPU, and a
 * verdict that misses says by how much; see evaluate.c for the rest of a
 * case.
 */
#include "evaluate.h"
#include "evaluate_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "duration_text.h"
#include "scenario_defaults.h"
#include "size_text.h"
#include "textbuf.h"
#include "timeunit.h"

uint64_t
evaluate_tolerance(uint64_t d_ns, uint64_t given_ns)
{
	if (given_ns != 0)
		return given_ns;
	return SCN_ABOUT_TOLERANCE_NS + d_ns / SCN_ABOUT_TOLERANCE_DIV;
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
	return returns_count(kind)     ? "a count, 0 or more"
	    : returns_descriptor(kind) ? "a descriptor, 0 or more"
				       : "0";
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

	dur_measured(call_took(c), DUR_VERDICT, took, sizeof(took));
	if (kind == STEP_EXIT_CLOSE && c->ret >= 0)
		tb_printf(tb,
		    "%s: the process holding the socket was gone %s after it "
		    "was told to exit",
		    label, took);
	else if (c->ret < 0)
		tb_printf(tb, "%s failed with %s after %s", label,
		    call_errname(c), took);
	else
		tb_printf(tb, "%s returned %" PRId64 " after %s", label, c->ret,
		    took);
	/* Worth a word from 1 ms: below that it changes no verdict. */
	if (c->cpu_wait_ns >= NS_PER_MS && c->cpu_wait_ns < call_took(c)) {
		dur_measured(c->cpu_wait_ns, DUR_VERDICT, took, sizeof(took));
		tb_printf(tb, " (%s of it waiting for a CPU)", took);
	}
}

void
ev_call_expected(const struct scn_step *st, const struct scn_expect *e,
    const char *label, char *buf, size_t len)
{
	char d[32], tol[32], sz[48];
	struct tbuf tb;

	tb_init(&tb, buf, len);
	dur_written(e->duration_ns, d, sizeof(d));
	if (e->kind == EXP_RETURNS && e->ok_any)
		tb_printf(&tb, "%s to succeed (return %s)", label,
		    ok_means(st->kind));
	else if (e->kind == EXP_RETURNS)
		tb_printf(&tb, "%s to return %" PRId64, label, e->value);
	else if (e->kind == EXP_FAILS)
		tb_printf(&tb, "%s to fail with %s%s", label, e->err_name,
		    strcasecmp(e->err_name, "EAGAIN") == 0
			? " (the same as EWOULDBLOCK)"
			: strcasecmp(e->err_name, "EWOULDBLOCK") == 0
			? " (or EAGAIN)"
			: "");
	else if (e->kind == EXP_BLOCKS_AT_LEAST ||
	    e->kind == EXP_BLOCKS_AT_MOST)
		tb_printf(&tb, "%s to block at %s %s", label,
		    e->kind == EXP_BLOCKS_AT_LEAST ? "least" : "most", d);
	else if (e->kind == EXP_BLOCKS_ABOUT) {
		dur_written(evaluate_tolerance(e->duration_ns, e->tolerance_ns),
		    tol, sizeof(tol));
		tb_printf(&tb, "%s to block about %s \xc2\xb1 %s", label, d,
		    tol);
	} else if (e->kind == EXP_SENDS) {
		size_words(e->size, sz, sizeof(sz));
		tb_printf(&tb, "%s to accept %s in all", label, sz);
	}
}

/* ", 1.999 s less than 2 s": how far a duration was from the one wanted. */
static void
off_by(struct tbuf *tb, uint64_t took, uint64_t d)
{
	char by[32], ds[32];

	dur_measured(took > d ? took - d : d - took, DUR_VERDICT, by,
	    sizeof(by));
	dur_written(d, ds, sizeof(ds));
	tb_printf(tb, ", %s %s than %s", by, took > d ? "more" : "less", ds);
}

static bool
judge_blocks(const struct scn_expect *e, uint64_t took)
{
	uint64_t tol = evaluate_tolerance(e->duration_ns, e->tolerance_ns);
	uint64_t lo = e->duration_ns > tol ? e->duration_ns - tol : 0;
	uint64_t hi = UINT64_MAX - tol < e->duration_ns ? UINT64_MAX
							: e->duration_ns + tol;

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
		return e->ok_any
		    ? (returns_count(st->kind) || returns_descriptor(st->kind)
			      ? c->ret >= 0
			      : c->ret == 0)
		    : c->ret == e->value;
	if (e->kind == EXP_FAILS)
		return c->ret < 0 &&
		    strcasecmp(errno_canon(call_errname(c)),
			errno_canon(e->err_name)) == 0;
	if (e->kind == EXP_SENDS)
		return st->kind == STEP_SEND && c->bytes == e->size;
	return judge_blocks(e, call_blocked(c));
}

static void
eval_call(const struct scn_step *st, const struct scn_expect *e,
    const struct obs_call *c, const char *label, struct verdict *v)
{
	struct tbuf tb;
	char sz[48];
	bool ok = evaluate_call_ok(st, e, c);

	tb_init(&tb, v->actual, sizeof(v->actual));
	if (e->kind == EXP_SENDS) {
		if (st->kind != STEP_SEND) {
			v->kind = VERDICT_ERROR;
			tb_set(v->note, sizeof(v->note),
			    "\"sends\" checks a send step, "
			    "and %s is not one",
			    label);
			return;
		}
		size_words(c->bytes, sz, sizeof(sz));
		tb_printf(&tb, "%s accepted %s in all; ", label, sz);
	}
	call_outcome(&tb, label, st->kind, c);
	if (c->detail[0] != '\0')
		tb_printf(&tb, " (%s)", c->detail);
	if (!ok &&
	    (e->kind == EXP_BLOCKS_AT_LEAST || e->kind == EXP_BLOCKS_AT_MOST ||
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
	uint32_t n =
	    st->block <= sc->nsteps ? sc->steps[st->block - 1].repeat_n : 0;

	snprintf(exp, sizeof(exp), "%s", v->expected);
	tb_set(v->expected, sizeof(v->expected),
	    "on each of %" PRIu32 " iterations: %s", n, exp);
	if (pt == NULL || pt->rep_checked == 0)
		return; /* the block did not run: the last call says it */
	if (pt->rep_first_fail != 0)
		eval_call(st, e, &pt->rep_call, label, v);
	snprintf(one, sizeof(one), "%s", v->actual);
	if (pt->rep_passed == pt->rep_checked) {
		v->kind = VERDICT_PASS;
		tb_set(v->actual, sizeof(v->actual),
		    "%" PRIu32 "/%" PRIu32 " iterations "
		    "passed; the last: %s",
		    pt->rep_passed, pt->rep_checked, one);
	} else {
		v->kind = VERDICT_FAIL;
		tb_set(v->actual, sizeof(v->actual),
		    "%" PRIu32 "/%" PRIu32 " iterations "
		    "passed; the first to fail, iteration %" PRIu32 ": %s",
		    pt->rep_passed, pt->rep_checked, pt->rep_first_fail, one);
	}
}

void
ev_call(const struct scenario *sc, const struct scn_step *st,
    const struct scn_expect *e, const struct obs_call *c,
    const struct obs_point *pt, const char *label, struct verdict *v)
{
	eval_call(st, e, c, label, v);
	if (st->block != 0)
		eval_repeated(sc, st, e, pt, label, v);
}
