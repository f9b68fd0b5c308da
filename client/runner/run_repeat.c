/*
 * run_repeat.c - repeat blocks and resource probes, in the worker.
 *
 * A block's body runs in rounds of K instances: each step of the body runs
 * once per instance before the next step starts, so K connections are open
 * together; rounds repeat until N iterations are done. The sockets the body
 * declares exist once per instance: their slots in run_ctx are swapped in
 * and out around each step, so the socket steps need not know.
 *
 * Indented expects in the body are checked on every iteration, here, with
 * the evaluator's own function; only the counts and the first failing call
 * go to the parent (rep records), and one call record per step, so a
 * thousand iterations are a few lines on the pipe, not thousands.
 *
 * The probes are read from the system under test (run_sut.h: the platform
 * layer's probes here, lingerlab-agent's in lab mode), sampled before the
 * block, after every round (every Nth, so a block keeps at most
 * PROBE_SAMPLES_MAX samples), after it, and where a probe expectation
 * looks. What a system does not count is -1 in its series, never a guess.
 *
 * In lab mode the system under test is not a fresh namespace: it holds
 * the agent's own listening socket and runner connection, and whatever
 * else runs there. Its sockets are counted from what it held when the
 * case began, so that they mean what a sandbox's mean: the sockets the
 * case made.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evaluate.h"
#include "probe.h" /* the names of the states */
#include "run_int.h"
#include "run_sut.h"
#include "run_wire.h"
#include "scenario_kinds.h"
#include "timeunit.h"

#define PROBE_SAMPLES_MAX 400
#define PROBE_POLL_MIN_NS (20 * NS_PER_MS) /* between samples while waiting */
#define PROBE_POLL_COUNT  250 /* at most this many samples per wait */
#define NFIXED		  15  /* threads, fds, rss, sockets 1..12 */

static const char *const default_tcpext[] = {
	"TCPAbortOnClose",
	"TCPAbortOnData",
	"TCPAbortOnLinger",
	"TCPAbortOnTimeout",
	"TCPAbortOnMemory",
};

/* One instance's view of the block's sockets. */
struct inst {
	plat_sock sock[SCN_MAX_SOCKS];
	size_t made[SCN_MAX_SOCKS];
	uint32_t closed[SCN_MAX_SOCKS];
	struct obs_sock os[SCN_MAX_SOCKS];
};

static bool
wants_probes(const struct scenario *sc)
{
	size_t i, j;

	for (i = 0; i < sc->nsteps; i++) {
		if (sc->steps[i].kind == STEP_REPEAT)
			return true;
		for (j = 0; j < sc->steps[i].nexpects; j++)
			if (sc->steps[i].expects[j].kind == EXP_PROBE)
				return true;
	}
	return false;
}

static void
add_series(struct obs_probes *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->nseries; i++)
		if (strcmp(p->names[i], name) == 0)
			return;
	if (p->nseries < OBS_SERIES_MAX)
		snprintf(p->names[p->nseries++], sizeof(p->names[0]), "%s",
		    name);
}

/* Whether an expectation for the system under test names this series. */
static bool
expected_here(const struct run_ctx *r, const char *series)
{
	const struct scn_expect *e;
	size_t i, j;

	for (i = 0; i < r->sc->nsteps; i++)
		for (j = 0; j < r->sc->steps[i].nexpects; j++) {
			e = &r->sc->steps[i].expects[j];
			if (e->kind == EXP_PROBE && (e->os_mask & r->obs->os) &&
			    strcmp(e->probe.series, series) == 0)
				return true;
		}
	return false;
}

/*
 * A counter this system does not have (or a typo) that an expectation for
 * it names stops this case only, before its first step; counters that
 * cannot be read at all stop every case. One it lacks among those sampled
 * by default is only unknown. In lab mode every counter the agent's system
 * lacks is only unknown: the checks on it say they cannot be made there.
 */
static void
check_counters(struct run_ctx *r)
{
	const struct obs_probes *p = &r->obs->probes;
	const char *names[OBS_SERIES_MAX];
	int64_t vals[OBS_SERIES_MAX];
	char err[512];
	size_t i, n = 0;

	for (i = NFIXED; i < p->nseries; i++)
		names[n++] = p->names[i] + strlen("tcpext ");
	if (sut_probe_counters(r, names, vals, n, err, sizeof(err)) == -1) {
		run_abort(r, OBS_ABORT_ENV, "resource probe: %s", err);
		return;
	}
	for (i = 0; i < n; i++)
		if (vals[i] == PLAT_UNKNOWN && !sut_is_agent(r) &&
		    expected_here(r, p->names[NFIXED + i]))
			run_abort(r, OBS_ABORT_CASE,
			    "resource probe: the system "
			    "under test has no TCP counter \"%s\" (names are "
			    "case-sensitive, as nstat shows them; an older kernel "
			    "may lack it)",
			    names[i]);
}

/* Lab mode: what the system held before the case, for read_probes(). */
static void
socks_baseline(struct run_ctx *r)
{
	struct plat_socks s;
	char err[512];
	size_t i;

	if (!sut_is_agent(r))
		return;
	if (sut_probe_socks(r, &s, err, sizeof(err)) == -1) {
		run_abort(r, OBS_ABORT_ENV, "resource probe: %s", err);
		return;
	}
	for (i = 0; i < PLAT_TCP_NSTATES; i++)
		r->socks_base[i] = s.by_state[i] > 0 ? s.by_state[i] : 0;
}

void
run_probe_init(struct run_ctx *r)
{
	struct obs_probes *p = &r->obs->probes;
	char buf[OBS_LINE_MAX], name[SCN_SERIES_MAX];
	size_t i, j;

	if (!wants_probes(r->sc))
		return;
	add_series(p, "threads");
	add_series(p, "fds");
	add_series(p, "rss");
	for (i = 1; i <= 12; i++) {
		snprintf(name, sizeof(name), "sockets %s",
		    probe_tcp_state_name((unsigned)i));
		add_series(p, name);
	}
	for (i = 0; i < sizeof(default_tcpext) / sizeof(default_tcpext[0]);
	     i++) {
		snprintf(name, sizeof(name), "tcpext %s", default_tcpext[i]);
		add_series(p, name);
	}
	for (i = 0; i < r->sc->nsteps; i++)
		for (j = 0; j < r->sc->steps[i].nexpects; j++)
			if (r->sc->steps[i].expects[j].kind == EXP_PROBE)
				add_series(p,
				    r->sc->steps[i].expects[j].probe.series);
	run_emit(r, buf, obs_fmt_probes(r->obs, buf, sizeof(buf)));
	check_counters(r);
	socks_baseline(r);
}

/* Read every series into s->v; false (and the case stopped) on failure. */
static bool
read_probes(struct run_ctx *r, struct obs_sample *s)
{
	const struct obs_probes *p = &r->obs->probes;
	const char *names[OBS_SERIES_MAX];
	int64_t vals[OBS_SERIES_MAX];
	struct plat_socks socks;
	struct plat_proc proc;
	char err[512];
	size_t i, n = 0;

	if (sut_probe_proc(r, &proc, err, sizeof(err)) < 0 ||
	    sut_probe_socks(r, &socks, err, sizeof(err)) < 0)
		goto fail;
	s->v[0] = proc.threads;
	s->v[1] = proc.fds;
	s->v[2] = proc.rss_kib;
	for (i = 1; i <= 12; i++)
		s->v[2 + i] = socks.by_state[i] < 0 ? PLAT_UNKNOWN
		    : socks.by_state[i] > r->socks_base[i]
		    ? socks.by_state[i] - r->socks_base[i]
		    : 0;
	for (i = NFIXED; i < p->nseries; i++)
		names[n++] = p->names[i] + strlen("tcpext ");
	if (n > 0 &&
	    sut_probe_counters(r, names, vals, n, err, sizeof(err)) < 0)
		goto fail;
	for (i = 0; i < n; i++)
		s->v[NFIXED + i] = vals[i] < 0 ? PLAT_UNKNOWN : vals[i];
	return true;
fail:
	run_abort(r, OBS_ABORT_ENV, "resource probe: %s", err);
	return false;
}

void
run_probe_sample(struct run_ctx *r, enum obs_sample_kind kind, uint32_t iter)
{
	struct case_obs *o = r->obs;
	char buf[OBS_LINE_MAX];
	struct obs_sample s;

	if (o->probes.nseries == 0 || r->stop)
		return;
	memset(&s, 0, sizeof(s));
	s.kind = (uint8_t)kind;
	s.iter = kind == OBS_SAMPLE_POINT || kind == OBS_SAMPLE_WAIT
	    ? r->cur_iters
	    : iter;
	s.block = r->cur_block;
	if (!read_probes(r, &s))
		return;
	s.t_ns = run_now(r);
	if (obs_add_sample(o, &s) < 0) {
		run_abort(r, OBS_ABORT_ENV, "out of memory for probe samples");
		return;
	}
	run_emit(r, buf,
	    obs_fmt_sample(o, o->probes.nsamples - 1, buf, sizeof(buf)));
}

/* Samples while waiting: every 100 ms, every second past 2000 samples. */
#define WAIT_SAMPLE_NS	    (100 * NS_PER_MS)
#define WAIT_SAMPLE_SLOW_NS NS_PER_S
#define WAIT_SAMPLES_FAST   2000

void
run_probe_tick(struct run_ctx *r)
{
	uint64_t now = run_now(r);

	if (r->obs->probes.nseries == 0 || r->cur_block == 0 ||
	    now < r->next_sample_ns)
		return;
	run_probe_sample(r, OBS_SAMPLE_WAIT, 0);
	r->next_sample_ns = run_now(r) +
	    (r->obs->probes.nsamples < WAIT_SAMPLES_FAST ? WAIT_SAMPLE_NS
							 : WAIT_SAMPLE_SLOW_NS);
}

uint64_t
run_probe_next(const struct run_ctx *r, uint64_t t)
{
	if (r->obs->probes.nseries == 0 || r->cur_block == 0)
		return t;
	return r->next_sample_ns < t ? r->next_sample_ns : t;
}

/* A probe expectation at the left margin: look, polling until it holds. */
void
run_probe_point(struct run_ctx *r, size_t i, size_t j, uint64_t t)
{
	const struct scn_expect *e = &r->sc->steps[i].expects[j];
	const struct obs_probes *p = &r->obs->probes;
	struct obs_point *pt = &r->obs->points[i][j];
	uint64_t end = t + e->probe.within_ns, step;
	int64_t v;

	pt->reached = true;
	pt->t_from_ns = pt->t_ns = t;
	step = e->probe.within_ns / PROBE_POLL_COUNT;
	if (step < PROBE_POLL_MIN_NS)
		step = PROBE_POLL_MIN_NS;
	for (;;) {
		run_probe_sample(r, OBS_SAMPLE_POINT, 0);
		if (r->stop)
			break;
		if (!(e->os_mask & r->obs->os) || run_now(r) >= end ||
		    (evaluate_probe_value(&e->probe, p, p->nsamples - 1, &v) &&
			evaluate_probe_holds(&e->probe, v)))
			break;
		run_wait_until(r,
		    run_now(r) + step < end ? run_now(r) + step : end);
	}
	pt->t_done_ns = run_now(r);
	pt->reached = !r->stop;
}

/* ---- the block ---- */

static void
swap_in(struct run_ctx *r, struct inst *in, const bool *mine)
{
	size_t s;

	for (s = 0; s < r->sc->nsocks; s++) {
		if (!mine[s])
			continue;
		r->sock[s] = in->sock[s];
		r->made_step[s] = in->made[s];
		r->closed_line[s] = in->closed[s];
		r->obs->socks[s] = in->os[s];
	}
}

static void
swap_out(struct run_ctx *r, struct inst *in, const bool *mine)
{
	size_t s;

	for (s = 0; s < r->sc->nsocks; s++) {
		if (!mine[s])
			continue;
		in->sock[s] = r->sock[s];
		in->made[s] = r->made_step[s];
		in->closed[s] = r->closed_line[s];
		in->os[s] = r->obs->socks[s];
	}
}

/* Fresh instances for a round: a socket the body left open stays open
 * (that is the leak a scenario may be looking for), but is no longer ours. */
static void
fresh(struct inst *in, size_t k)
{
	size_t i, s;

	memset(in, 0, k * sizeof(*in));
	for (i = 0; i < k; i++)
		for (s = 0; s < SCN_MAX_SOCKS; s++)
			in[i].sock[s] = PLAT_SOCK_NONE;
}

/* Check the step's indented expects on this iteration's call. */
static void
check_call(struct run_ctx *r, size_t j, uint32_t iter)
{
	const struct scn_step *st = &r->sc->steps[j];
	const struct obs_call *c = &r->obs->calls[j];
	struct obs_point *pt;
	size_t x;

	for (x = 0; x < st->nexpects; x++) {
		const struct scn_expect *e = &st->expects[x];

		if (!e->attached || !(e->os_mask & r->obs->os) || !c->ran)
			continue;
		pt = &r->obs->points[j][x];
		pt->rep_checked++;
		if (evaluate_call_ok(st, e, c)) {
			pt->rep_passed++;
		} else if (pt->rep_first_fail == 0) {
			pt->rep_first_fail = iter;
			pt->rep_call = *c;
		}
	}
}

static void
run_body_step(struct run_ctx *r, size_t j)
{
	const struct scn_step *st = &r->sc->steps[j];

	if (scn_step_is_peer_cmd(st->kind))
		run_peer_step(r, j);
	else if (scn_step_is_client(st->kind))
		run_sock_step(r, j);
	else
		run_abort(r, OBS_ABORT_CASE,
		    "step %zu cannot be repeated (a bug in "
		    "lingerlab: please report)",
		    j + 1);
}

/*
 * A progress line on a terminal, at most every 100 ms; not with --live
 * (which draws the terminal) nor with several workers (their lines would
 * overwrite each other).
 */
static void
progress(struct run_ctx *r, size_t i, uint32_t done, uint32_t n, uint64_t *last,
    bool end)
{
	uint64_t now = run_now(r);

	if (r->opt->live != NULL || r->opt->jobs > 1 ||
	    !isatty(STDERR_FILENO) || (!end && now < *last + 100 * NS_PER_MS))
		return;
	*last = now;
	fprintf(stderr,
	    "\r  repeat (line %" PRIu32 "): %" PRIu32 "/%" PRIu32 " %s",
	    r->sc->steps[i].pos.line, done, n, end ? "\n" : "");
	fflush(stderr);
}

/* One round: each body step for each of k instances. */
static void
round_once(struct run_ctx *r, size_t i, struct inst *in, size_t k,
    const bool *mine, uint32_t first_iter)
{
	size_t end = r->sc->steps[i].block_end, j, x;

	for (j = i + 1; j < end && !r->stop; j++) {
		for (x = 0; x < k && !r->stop; x++) {
			swap_in(r, &in[x], mine);
			run_body_step(r, j);
			if (!r->stop)
				check_call(r, j, first_iter + (uint32_t)x);
			swap_out(r, &in[x], mine);
		}
	}
}

/* After the block: the aggregate per expectation, one call per step. */
static void
report_block(struct run_ctx *r, size_t i)
{
	size_t end = r->sc->steps[i].block_end, j, x;
	char buf[OBS_LINE_MAX];

	r->quiet = false;
	for (j = i + 1; j < end; j++) {
		if (r->obs->calls[j].ran)
			run_emit_call(r, j);
		for (x = 0; x < r->sc->steps[j].nexpects; x++) {
			run_emit_point(r, j, x);
			run_emit(r, buf,
			    obs_fmt_rep(r->obs, j, x, buf, sizeof(buf)));
		}
	}
}

static void
mark_points(struct run_ctx *r, size_t i)
{
	size_t end = r->sc->steps[i].block_end, j, x;
	struct obs_point *pt;

	for (j = i + 1; j < end; j++) {
		for (x = 0; x < r->sc->steps[j].nexpects; x++) {
			pt = &r->obs->points[j][x];
			pt->reached = r->obs->calls[j].ran;
			pt->t_from_ns = pt->t_ns = pt->t_done_ns =
			    r->obs->calls[j].t_end_ns;
		}
	}
}

size_t
run_repeat(struct run_ctx *r, size_t i)
{
	const struct scn_step *st = &r->sc->steps[i];
	uint32_t n = st->repeat_n, k = st->repeat_k ? st->repeat_k : 1,
		 done = 0, rounds;
	uint32_t every, round = 0;
	bool mine[SCN_MAX_SOCKS] = { false };
	uint64_t last = 0;
	struct inst *in;
	size_t j, s;

	/* the block's own sockets: those its steps declare (a listener made
	 * before the block is shared by every iteration) */
	for (j = i + 1; j < st->block_end; j++) {
		const struct scn_step *b = &r->sc->steps[j];

		s = b->kind == STEP_SOCKET ? (size_t)b->sock
		    : b->kind == STEP_ACCEPT || b->kind == STEP_PEER_CONNECT
		    ? (size_t)b->sock2
		    : SCN_MAX_SOCKS;
		if (s < SCN_MAX_SOCKS)
			mine[s] = true;
	}
	if ((in = calloc(k, sizeof(*in))) == NULL) {
		run_abort(r, OBS_ABORT_ENV,
		    "out of memory for %" PRIu32 " sockets at once", k);
		return st->block_end;
	}
	r->cur_block = i + 1;
	r->cur_iters = 0;
	run_probe_sample(r, OBS_SAMPLE_BEFORE, 0);
	rounds = (n + k - 1) / k;
	every = rounds / PROBE_SAMPLES_MAX + 1;
	r->quiet = true;
	while (done < n && !r->stop) {
		size_t now = n - done < k ? n - done : k;

		fresh(in, now);
		run_peer_check(r, i + 1);
		if (r->stop)
			break;
		round_once(r, i, in, now, mine, done + 1);
		done += (uint32_t)now;
		r->cur_iters = done;
		round++;
		if (round % every == 0 && done < n)
			run_probe_sample(r, OBS_SAMPLE_ITER, done);
		progress(r, i, done, n, &last, false);
	}
	r->quiet = false;
	if (last != 0)
		progress(r, i, done, n, &last, true);
	mark_points(r, i);
	report_block(r, i);
	run_probe_sample(r, OBS_SAMPLE_AFTER, done);
	r->next_sample_ns = run_now(r) + WAIT_SAMPLE_NS;
	free(in);
	return st->block_end;
}
