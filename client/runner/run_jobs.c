/*
 * run_jobs.c - the parent's side of the runner: the schedule. One worker
 * process per case (run_workers.c), up to --jobs of them running their
 * steps at once, the longest cases first; the results handed on in input
 * order, so that output with --jobs 8 is the output of a serial run.
 *
 * A case's sandbox is built before its turn and torn down after its
 * report (run_jobs_int.h): a few workers are forked ahead and wait,
 * ready, for "go"; a worker whose case is done leaves in the background.
 * Most of a sandbox's life is the kernel waiting for RCU grace periods
 * (docs/performance.md), and waits overlap, so a serial run no longer
 * pays them one after the other; what the case itself sees is unchanged.
 *
 * SIGINT, SIGTERM and SIGHUP stop the run cleanly: no new case starts, the
 * running ones are killed (their sandboxes go with them) and reported as
 * interrupted where they were, the prepared ones are killed unreported,
 * and the caller learns what never ran. The signals are blocked except
 * inside ppoll(), so one that comes while the parent is busy is seen at
 * the next wait, never lost.
 *
 * In lab mode (--agent) and with a shared peer (--peer) nothing is
 * prepared ahead and the cases go in input order, one at a time: there is
 * one system under test and one peer. A case whose agent is lost is
 * reported so, and the next one waits for the agent to come back
 * (--agent-wait); a case that could not reach it at all ends the run
 * there: the cases after it are reported as not run, for the same reason.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "platform.h"
#include "run.h"
#include "run_jobs_int.h"
#include "run_order.h"
#include "run_wire.h"
#include "scenario_defaults.h"
#include "scn_duration.h"
#include "timeunit.h"

/* The signal that asked us to stop, 0 if none (a signal flag: the one
 * global this file has). */
static volatile sig_atomic_t stop_signal;

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };
#define NSTOP (sizeof(stop_signals) / sizeof(stop_signals[0]))

/* Sandboxes built ahead of their turn, beyond the running ones. */
#define RUN_PREPARE_AHEAD 4

static size_t
run_prepare_ahead(unsigned jobs)
{
	const char *e = getenv("LINGERLAB_PREPARE");

	(void)jobs;
	if (e != NULL)
		return (size_t)strtoul(e, NULL, 10);
	return RUN_PREPARE_AHEAD;
}

/* The run's plan and where it stands. */
struct schedule {
	const struct scenario *const *cases;
	size_t n;
	size_t *order; /* the cases in the order they start */
	bool *started; /* went (or were forked to run at once) */
	bool *done;    /* finished: ready to report */
	unsigned jobs; /* running at once */
	size_t ahead;  /* prepared beyond the free running slots */
	bool whole;    /* a case's teardown is part of its turn (--peer) */
	size_t forked; /* order[0..forked) have a worker */
	size_t gone;   /* order[0..gone) were told to go */
	size_t report; /* obs[0..report) handed on */
};

uint64_t
run_case_timeout(const struct scenario *sc, const struct run_opts *opts)
{
	if (opts->timeout_ns != 0)
		return opts->timeout_ns;
	return sc->timeout_ns != 0 ? sc->timeout_ns : SCN_DEFAULT_TIMEOUT_NS;
}

static void
on_stop(int sig)
{
	stop_signal = sig;
}

static const char *
stop_name(int sig)
{
	return sig == SIGTERM ? "SIGTERM" : sig == SIGHUP ? "SIGHUP" : "SIGINT";
}

/* Catch the stop signals, blocked outside ppoll(); old_mask and old get
 * what to give back. */
static void
catch_stop(sigset_t *old_mask, struct sigaction *old)
{
	struct sigaction sa = { .sa_handler = on_stop };
	sigset_t block;
	size_t i;

	stop_signal = 0;
	sigemptyset(&block);
	for (i = 0; i < NSTOP; i++)
		sigaddset(&block, stop_signals[i]);
	sigprocmask(SIG_BLOCK, &block, old_mask);
	sa.sa_mask = block;
	for (i = 0; i < NSTOP; i++)
		sigaction(stop_signals[i], &sa, &old[i]);
}

static void
release_stop(const sigset_t *old_mask, const struct sigaction *old)
{
	size_t i;

	for (i = 0; i < NSTOP; i++)
		sigaction(stop_signals[i], &old[i], NULL);
	sigprocmask(SIG_SETMASK, old_mask, NULL);
}

/* poll() that lets the stop signals in while it waits (waitmask). */
static int
wait_fds(struct pollfd *pfd, size_t np, int timeout_ms,
    const sigset_t *waitmask)
{
	struct timespec ts = { .tv_sec = timeout_ms / (int)MS_PER_S,
		.tv_nsec =
		    (long)(timeout_ms % (int)MS_PER_S) * (long)NS_PER_MS };

	return ppoll(pfd, np, timeout_ms < 0 ? NULL : &ts, waitmask);
}

static bool
watched(const struct worker *w)
{
	return (w->state == WORKER_RUNNING || w->state == WORKER_DRAINING) &&
	    w->fd >= 0;
}

/* Wait for records, EOFs and deadlines; finished cases get done[] set. */
static void
step(struct worker_pool *pool, struct case_obs *obs, struct schedule *s,
    const sigset_t *waitmask)
{
	const struct run_live *live = pool->opts->live;
	struct pollfd *pfd;
	size_t k, np = 0, *map;
	int timeout = worker_deadlines(pool), tick;
	struct worker *w;

	pfd = calloc(pool->nslots, sizeof(*pfd));
	map = calloc(pool->nslots, sizeof(*map));
	if (pfd == NULL || map == NULL) {
		free(pfd);
		free(map);
		timeout = 10; /* no memory for a moment: look again soon */
		(void)wait_fds(NULL, 0, timeout, waitmask);
		return;
	}
	for (k = 0; k < pool->nslots; k++)
		if (watched(&pool->w[k])) {
			pfd[np] = (struct pollfd){ .fd = pool->w[k].fd,
				.events = POLLIN };
			map[np++] = k;
		}
	if (live != NULL) { /* --live: a clock that ticks */
		tick = live->tick(live->arg);
		if (tick >= 0 && (timeout < 0 || tick < timeout))
			timeout = tick;
	}
	if (np > 0 && wait_fds(pfd, np, timeout, waitmask) > 0)
		for (k = 0; k < np; k++)
			if (pfd[k].revents != 0) {
				w = &pool->w[map[k]];
				worker_read(w, &obs[w->index], live);
			}
	free(pfd);
	free(map);
	for (k = 0; k < pool->nslots; k++) {
		w = &pool->w[k];
		if (w->state == WORKER_RUNNING && (w->fd < 0 || w->ended)) {
			s->done[w->index] = true;
			worker_finish(pool, w, &obs[w->index]);
		}
	}
}

static size_t
free_slot(const struct worker_pool *pool)
{
	size_t k;

	for (k = 0; k < pool->nslots; k++)
		if (pool->w[k].state == WORKER_FREE)
			return k;
	return pool->nslots;
}

/* The cases not started cannot run: the runner failed, or the agent is
 * gone. Prepared workers are stopped unreported. */
static void
abort_rest(struct worker_pool *pool, struct case_obs *obs, struct schedule *s,
    enum obs_abort kind, const char *why)
{
	struct worker *w;
	size_t i, k;

	for (k = 0; k < pool->nslots; k++) {
		w = &pool->w[k];
		if (w->state != WORKER_PREPARED)
			continue;
		kill(w->pid, SIGKILL);
		close(w->go_fd);
		w->go_fd = -1;
		w->state = WORKER_DRAINING;
		w->killed = true;
	}
	for (i = s->gone; i < s->n; i++) {
		case_obs_abort(&obs[s->order[i]], kind, "not run: %s", why);
		s->done[s->order[i]] = true;
	}
	s->forked = s->gone = s->n;
}

/*
 * The workers that hold a turn: the running ones, and with a shared peer
 * the draining ones too, whose teardown speaks to that peer.
 */
static size_t
holding(const struct worker_pool *pool, const struct schedule *s)
{
	return worker_count(pool, WORKER_RUNNING) +
	    (s->whole ? worker_count(pool, WORKER_DRAINING) : 0);
}

/* Fork workers for the cases next in order, as far as the plan allows. */
static int
fork_ahead(struct worker_pool *pool, struct schedule *s, char *err,
    size_t errlen)
{
	size_t k, running = holding(pool, s), made = 0;
	size_t want = s->ahead + (s->jobs > running ? s->jobs - running : 0);
	bool prepare = s->ahead > 0;

	/* prepared: forked and not gone; otherwise: forked just now */
	while (s->forked < s->n &&
	    (prepare ? s->forked - s->gone : made) < want &&
	    (k = free_slot(pool)) < pool->nslots) {
		if (worker_start(pool, k, s->order[s->forked],
			s->cases[s->order[s->forked]], prepare, err,
			errlen) == -1)
			return -1;
		s->forked++;
		made++;
		if (!prepare) { /* it runs at once */
			s->started[s->order[s->gone]] = true;
			s->gone++;
		}
	}
	return 0;
}

/* Let prepared workers run, in order, while running slots are free. */
static void
go_ahead(struct worker_pool *pool, struct schedule *s)
{
	size_t running = holding(pool, s);
	struct worker *w;

	while (running < s->jobs && s->gone < s->forked) {
		w = worker_of(pool, s->order[s->gone], WORKER_PREPARED);
		if (w != NULL) {
			worker_go(w);
			running++;
		}
		s->started[s->order[s->gone]] = true;
		s->gone++;
	}
}

/* Lab mode: a case done that could not reach the agent ends the run. */
static bool
agent_gone(const struct case_obs *obs, const struct schedule *s, char *why,
    size_t len)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->done[i] && obs[i].aborted &&
		    obs[i].abort_kind == OBS_ABORT_NO_AGENT) {
			snprintf(why, len, "%s", obs[i].abort_reason);
			return true;
		}
	return false;
}

/*
 * Hand on, in input order, every case done; after a stop, the cases never
 * started are skipped (their obs freed, done_fn never sees them).
 */
static void
report_ready(struct case_obs *obs, struct schedule *s, run_done_fn done_fn,
    void *arg, size_t *ninterrupted, const char **first)
{
	struct case_obs *o;

	while (s->report < s->n) {
		o = &obs[s->report];
		if (s->done[s->report]) {
			if (o->aborted &&
			    strncmp(o->abort_reason, "interrupted by ", 15) ==
				0 &&
			    (*ninterrupted)++ == 0)
				*first = o->sc->case_name;
			done_fn(s->report, o, arg);
		} else if (stop_signal != 0 && !s->started[s->report])
			case_obs_free(o);
		else
			break;
		s->report++;
	}
}

/* After a stop: say what ran (the interrupted cases by name) and not. */
static void
stopped(const struct schedule *s, size_t ninterrupted, const char *first,
    char *err, size_t errlen)
{
	size_t i, nstarted = 0;

	for (i = 0; i < s->n; i++)
		nstarted += s->started[i];
	snprintf(err, errlen,
	    "interrupted by %s: %zu case%s done, %zu interrupted%s%s%s%s, %zu "
	    "not run",
	    stop_name(stop_signal), nstarted - ninterrupted,
	    nstarted - ninterrupted == 1 ? "" : "s", ninterrupted,
	    first != NULL ? " (" : "", first != NULL ? first : "",
	    ninterrupted > 1 ? " and others" : "", first != NULL ? ")" : "",
	    s->n - nstarted);
}

static int
init_all(const struct scenario *const *cases, size_t n, struct case_obs *obs,
    char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (case_obs_init(&obs[i], cases[i]) == 0)
			continue;
		while (i-- > 0)
			case_obs_free(&obs[i]);
		snprintf(err, errlen, "out of memory for %zu cases", n);
		return -1;
	}
	return 0;
}

static unsigned
online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (unsigned)n : 1;
}

/*
 * The plan: longest first and the jobs chosen from the cases' waits, or,
 * with one system under test or one shared peer, input order, one at a
 * time, nothing ahead.
 */
static void
plan(struct schedule *s, const struct run_opts *opts, uint64_t *expected)
{
	unsigned cap = online_cpus() * RUN_AUTO_JOBS_PER_CPU;
	size_t i;

	if (cap > RUN_MAX_JOBS)
		cap = RUN_MAX_JOBS;
	for (i = 0; i < s->n; i++)
		expected[i] = scn_expected_ns(s->cases[i]);
	if (opts->peer_control != NULL) {
		for (i = 0; i < s->n; i++)
			s->order[i] = i;
		s->jobs = 1;
		s->ahead = 0;
		s->whole = true;
		return;
	}
	s->jobs =
	    opts->jobs != 0 ? opts->jobs : run_auto_jobs(expected, s->n, cap);
	if (s->jobs > RUN_MAX_JOBS)
		s->jobs = RUN_MAX_JOBS;
	/* One at a time, the order changes nothing but what one watches. */
	if (s->jobs == 1 || scn_longest_first(expected, s->n, s->order) == -1)
		for (i = 0; i < s->n; i++) /* or no memory: input order */
			s->order[i] = i;
	s->ahead = run_prepare_ahead(s->jobs);
}

static void
schedule_free(struct schedule *s)
{
	free(s->order);
	free(s->started);
	free(s->done);
	s->order = NULL;
	s->started = NULL;
	s->done = NULL;
}

static int
schedule_new(struct schedule *s, const struct scenario *const *cases, size_t n,
    const struct run_opts *opts, char *err, size_t errlen)
{
	uint64_t *expected;
	size_t m = n > 0 ? n : 1;

	memset(s, 0, sizeof(*s));
	s->cases = cases;
	s->n = n;
	s->order = calloc(m, sizeof(*s->order));
	s->started = calloc(m, sizeof(*s->started));
	s->done = calloc(m, sizeof(*s->done));
	expected = calloc(m, sizeof(*expected));
	if (s->order == NULL || s->started == NULL || s->done == NULL ||
	    expected == NULL) {
		free(expected);
		schedule_free(s);
		snprintf(err, errlen, "out of memory for %zu cases", n);
		return -1;
	}
	plan(s, opts, expected);
	free(expected);
	return 0;
}

static int
pool_new(struct worker_pool *pool, const struct schedule *s,
    const struct run_opts *opts, char *err, size_t errlen)
{
	/* running, prepared, and as many again leaving in the background */
	pool->nslots = 2 * (s->jobs + s->ahead) + 2;
	pool->opts = opts;
	pool->stop_signal = 0;
	if ((pool->w = calloc(pool->nslots, sizeof(*pool->w))) == NULL) {
		snprintf(err, errlen, "out of memory for %zu workers",
		    pool->nslots);
		return -1;
	}
	return 0;
}

static bool
busy(const struct worker_pool *pool)
{
	return worker_count(pool, WORKER_FREE) < pool->nslots;
}

int
run_cases(const struct scenario *const *cases, size_t n,
    const struct run_opts *opts, struct case_obs *obs, run_done_fn done_fn,
    void *arg, char *err, size_t errlen)
{
	struct worker_pool pool;
	struct schedule s;
	size_t ninterrupted = 0;
	const char *first = NULL;
	struct sigaction old[NSTOP];
	char why[sizeof(obs->abort_reason)];
	sigset_t waitmask;
	int rc = 0;

	if (init_all(cases, n, obs, err, errlen) == -1)
		return -1;
	if (schedule_new(&s, cases, n, opts, err, errlen) == -1 ||
	    pool_new(&pool, &s, opts, err, errlen) == -1) {
		for (size_t i = 0; i < n; i++)
			case_obs_free(&obs[i]);
		if (s.order != NULL)
			schedule_free(&s);
		return -1;
	}
	catch_stop(&waitmask, old);
	while (s.report < n || busy(&pool)) {
		pool.stop_signal = stop_signal;
		if (stop_signal != 0)
			worker_stop_all(&pool);
		else if (rc == 0 && fork_ahead(&pool, &s, err, errlen) == -1) {
			abort_rest(&pool, obs, &s, OBS_ABORT_ENV, err);
			rc = -1;
		}
		if (stop_signal == 0)
			go_ahead(&pool, &s);
		if (busy(&pool))
			step(&pool, obs, &s, &waitmask);
		if (opts->agent != NULL && s.gone < n &&
		    agent_gone(obs, &s, why, sizeof(why)))
			abort_rest(&pool, obs, &s, OBS_ABORT_NO_AGENT, why);
		report_ready(obs, &s, done_fn, arg, &ninterrupted, &first);
	}
	if (stop_signal != 0 && rc == 0) {
		stopped(&s, ninterrupted, first, err, errlen);
		rc = 1;
	}
	release_stop(&waitmask, old);
	free(pool.w);
	schedule_free(&s);
	return rc;
}
