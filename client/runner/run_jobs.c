/*
 * run_jobs.c - the parent's side of the runner: one worker process per
 * case, up to --jobs of them at once, their record streams read as they
 * come, a worker past its case's time limit killed, and the results
 * handed on in input order, so that output with --jobs 8 is the output of
 * a serial run.
 *
 * The parent never enters a sandbox and never touches the system under
 * test: whatever a case does, even hang in close() for good, it does in
 * a process the parent can kill. A killed worker takes its sandbox and
 * lingerpeer with it (sandbox.h), and PR_SET_PDEATHSIG (through the
 * platform layer) takes the workers with a parent that is killed.
 *
 * SIGINT, SIGTERM and SIGHUP stop the run cleanly: no new case starts, the
 * running ones are killed (their sandboxes go with them) and reported as
 * interrupted where they were, and the caller learns what never ran. The
 * signals are blocked except inside ppoll(), so one that comes while the
 * parent is busy is seen at the next wait, never lost.
 *
 * In lab mode (--agent) a case whose agent is lost is reported so, and the
 * next one waits for the agent to come back (--agent-wait); a case that
 * could not reach it at all ends the run there: the cases after it are
 * reported as not run, for the same reason.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "duration_text.h"
#include "platform.h"
#include "run.h"
#include "run_wire.h"
#include "scenario_defaults.h"
#include "scenario_parse.h"
#include "timeunit.h"
#include "units.h"
#include "wire_classify.h"

/* The signal that asked us to stop, 0 if none (a signal flag: the one
 * global this file has). */
static volatile sig_atomic_t stop_signal;

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };
#define NSTOP (sizeof(stop_signals) / sizeof(stop_signals[0]))

struct worker {
	pid_t pid;	   /* 0: slot free */
	int fd;		   /* read end of its records; -1 after EOF */
	size_t index;	   /* which case */
	uint64_t deadline; /* monotonic ns */
	bool killed;	   /* past its deadline */
	bool interrupted;  /* killed because the run was stopped */
	bool ended;	   /* its end record came */
	bool at_known;	   /* an "at" record came: where it got to */
	bool lab;	   /* lab mode: the deadline starts at time 0 */
	uint64_t timeout;  /* the case's time limit */
	size_t at_step;
	uint64_t t0; /* its time 0, monotonic ns */
	uint64_t at_t;
	char bad[256]; /* a record we could not read, if any */
	char buf[2 * OBS_LINE_MAX];
	size_t have;
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

/* A worker (and what it starts) takes the stop signals the default way. */
static void
worker_signals(void)
{
	sigset_t set;
	size_t i;

	sigemptyset(&set);
	for (i = 0; i < NSTOP; i++) {
		signal(stop_signals[i], SIG_DFL);
		sigaddset(&set, stop_signals[i]);
	}
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static int
start(struct worker *w, size_t nw, size_t k, size_t index,
    const struct scenario *sc, const struct run_opts *opts, char *err,
    size_t errlen)
{
	long parent = (long)getpid();
	int p[2];
	size_t o;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) == -1) {
		snprintf(err, errlen,
		    "cannot make a pipe for a worker: %s "
		    "(too many open files?)",
		    strerror(errno));
		return -1;
	}
	fflush(NULL); /* or the child would write our buffers again */
	if ((pid = fork()) == -1) {
		snprintf(err, errlen,
		    "cannot fork a worker: %s (lower "
		    "--jobs?)",
		    strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		for (o = 0; o < nw; o++) /* the other workers' streams */
			if (w[o].pid > 0 && w[o].fd >= 0)
				close(w[o].fd);
		if (plat_die_with_parent(parent) == -1)
			_exit(1);
		worker_signals();
		run_case_worker(sc, opts, p[1]);
	}
	close(p[1]);
	memset(&w[k], 0, sizeof(w[k]));
	w[k].pid = pid;
	w[k].fd = p[0];
	w[k].index = index;
	w[k].timeout = run_case_timeout(sc, opts);
	w[k].lab = opts->agent != NULL;
	/* In lab mode, waiting for the agent is not the case's time. */
	w[k].deadline = plat_now_ns() + w[k].timeout +
	    (w[k].lab ? opts->agent_wait_ns + 60 * NS_PER_S : 0);
	return 0;
}

/* One record: progress for us, or observation for obs. */
static void
take_line(struct worker *w, struct case_obs *obs, char *line,
    const struct run_live *live)
{
	char err[200], copy[sizeof(w->buf)];
	int rc;

	if (w->bad[0] != '\0')
		return;	  /* past a bad record nothing is trusted */
	if (live != NULL) /* obs_apply() cuts the line into words */
		snprintf(copy, sizeof(copy), "%s", line);
	rc = obs_parse_at(line, &w->at_step, &w->t0, &w->at_t);
	if (rc == 1) {
		if (w->lab && !w->at_known && !w->killed)
			w->deadline = w->t0 + w->timeout;
		w->at_known = w->at_step < obs->sc->nsteps;
		if (live != NULL && w->at_known)
			live->record(live->arg, obs, copy);
		return;
	}
	if (rc == 0)
		rc = obs_apply(obs, line, err, sizeof(err));
	else
		snprintf(err, sizeof(err), "a malformed 'at' record");
	if (rc == 1)
		w->ended = true;
	else if (rc == -1)
		snprintf(w->bad, sizeof(w->bad), "%s", err);
	if (rc != -1 && live != NULL)
		live->record(live->arg, obs, copy);
}

/* Apply the complete lines in the worker's buffer. */
static void
take_lines(struct worker *w, struct case_obs *obs, const struct run_live *live)
{
	char *nl;
	size_t l;

	while ((nl = memchr(w->buf, '\n', w->have)) != NULL) {
		*nl = '\0';
		l = (size_t)(nl - w->buf) + 1;
		take_line(w, obs, w->buf, live);
		memmove(w->buf, w->buf + l, w->have - l);
		w->have -= l;
	}
	if (w->have == sizeof(w->buf) && w->bad[0] == '\0')
		snprintf(w->bad, sizeof(w->bad),
		    "a record longer than %zu "
		    "bytes",
		    sizeof(w->buf));
	if (w->have == sizeof(w->buf))
		w->have = 0;
}

static void
read_worker(struct worker *w, struct case_obs *obs, const struct run_live *live)
{
	ssize_t n;

	n = read(w->fd, w->buf + w->have, sizeof(w->buf) - w->have);
	if (n == -1 && errno == EINTR)
		return;
	if (n <= 0) {
		close(w->fd);
		w->fd = -1;
		return;
	}
	w->have += (size_t)n;
	take_lines(w, obs, live);
	if (w->bad[0] != '\0' && !w->killed) {
		kill(w->pid, SIGKILL); /* it is talking nonsense: stop it */
		w->killed = true;
	}
}

/* Where a killed worker was: ", in line N (STEP), which started at T and
 * had not finished", or "" when no step had started. */
static void
where_killed(const struct worker *w, struct case_obs *obs, char *where,
    size_t len)
{
	const struct scn_step *st;
	uint64_t now = plat_now_ns();
	char at[32];

	where[0] = '\0';
	if (!w->at_known)
		return; /* at_step may be anything: not an index */
	st = &obs->sc->steps[w->at_step];
	if (now > w->t0)
		obs->duration_ns = now - w->t0;
	dur_offset(w->at_t, at, sizeof(at));
	snprintf(where, len,
	    ", in line %" PRIu32 " (%s), which started at %s "
	    "and had not finished",
	    st->pos.line, scn_step_name(st->kind), at);
}

/* Killed at its time limit: say so, and where it was. */
static void
timed_out(const struct worker *w, struct case_obs *obs,
    const struct run_opts *opts)
{
	char d[32], where[160];

	format_duration(run_case_timeout(obs->sc, opts), d, sizeof(d));
	where_killed(w, obs, where, sizeof(where));
	case_obs_abort(obs, OBS_ABORT_CASE,
	    "case timeout after %s%s (raise "
	    "`timeout` in the scenario, or give --timeout)",
	    d, where);
}

/* The worker is gone: reap it and say what its record lacks. */
static void
finish(struct worker *w, struct case_obs *obs, const struct run_opts *opts)
{
	char how[64], where[160];
	int status = 0;

	while (waitpid(w->pid, &status, 0) == -1 && errno == EINTR)
		;
	/* A Ctrl-C reaches the workers too (one process group): however it
	 * died, a case cut short by the stop is "interrupted". */
	if (!w->ended &&
	    (w->interrupted || (stop_signal != 0 && WIFSIGNALED(status)))) {
		where_killed(w, obs, where, sizeof(where));
		case_obs_abort(obs, OBS_ABORT_CASE, "interrupted by %s%s",
		    stop_name(stop_signal), where);
	} else if (w->bad[0] != '\0')
		case_obs_abort(obs, OBS_ABORT_CASE,
		    "the worker's record was "
		    "unreadable: %s (a bug in lingerlab: please report)",
		    w->bad);
	else if (w->killed)
		timed_out(w, obs, opts);
	else if (!w->ended) {
		if (WIFSIGNALED(status))
			snprintf(how, sizeof(how), "killed by signal %d (%s)",
			    WTERMSIG(status), strsignal(WTERMSIG(status)));
		else
			snprintf(how, sizeof(how), "exit status %d",
			    WEXITSTATUS(status));
		case_obs_abort(obs, OBS_ABORT_CASE,
		    "the case's worker process "
		    "died (%s) before it finished: a bug in lingerlab, or out "
		    "of memory; please report",
		    how);
	}
	w->pid = 0;
	if (opts->live != NULL)
		opts->live->record(opts->live->arg, obs, NULL);
}

/* Milliseconds until the first deadline; kills workers past theirs. */
static int
check_deadlines(struct worker *w, size_t nw)
{
	uint64_t now = plat_now_ns(), first = UINT64_MAX;
	size_t k;

	for (k = 0; k < nw; k++) {
		if (w[k].pid <= 0 || w[k].killed)
			continue;
		if (now >= w[k].deadline) {
			kill(w[k].pid, SIGKILL);
			w[k].killed = true;
		} else if (w[k].deadline < first)
			first = w[k].deadline;
	}
	if (first == UINT64_MAX)
		return -1;
	return (int)((first - now) / NS_PER_MS + 1);
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

/* The run was asked to stop: kill what runs; finish() says where. */
static void
stop_workers(struct worker *w, size_t nw)
{
	size_t k;

	for (k = 0; k < nw; k++)
		if (w[k].pid > 0 && !w[k].interrupted) {
			kill(w[k].pid, SIGKILL);
			w[k].interrupted = true;
		}
}

/* Wait for records, EOFs and deadlines; finished cases get done[] set. */
static void
step(struct worker *w, size_t nw, struct case_obs *obs, bool *done,
    const struct run_opts *opts, const sigset_t *waitmask)
{
	struct pollfd pfd[RUN_MAX_JOBS];
	size_t k, np = 0, map[RUN_MAX_JOBS];
	int timeout = check_deadlines(w, nw), tick;

	for (k = 0; k < nw && np < RUN_MAX_JOBS; k++)
		if (w[k].pid > 0 && w[k].fd >= 0) {
			pfd[np] =
			    (struct pollfd){ .fd = w[k].fd, .events = POLLIN };
			map[np++] = k;
		}
	if (opts->live != NULL) { /* --live: a clock that ticks */
		tick = opts->live->tick(opts->live->arg);
		if (tick >= 0 && (timeout < 0 || tick < timeout))
			timeout = tick;
	}
	if (stop_signal != 0)
		stop_workers(w, nw);
	if (np > 0 && wait_fds(pfd, np, timeout, waitmask) > 0)
		for (k = 0; k < np; k++)
			if (pfd[k].revents != 0)
				read_worker(&w[map[k]], &obs[w[map[k]].index],
				    opts->live);
	for (k = 0; k < nw; k++)
		if (w[k].pid > 0 && w[k].fd < 0) {
			finish(&w[k], &obs[w[k].index], opts);
			done[w[k].index] = true;
		}
}

/*
 * After a stop: say what ran (the interrupted cases by name) and what did
 * not, and free the cases never started (from on), which done_fn never
 * sees.
 */
static void
stopped(struct case_obs *obs, size_t on, size_t n, size_t ninterrupted,
    const char *first, char *err, size_t errlen)
{
	size_t i;

	for (i = on; i < n; i++)
		case_obs_free(&obs[i]);
	snprintf(err, errlen,
	    "interrupted by %s: %zu case%s done, %zu "
	    "interrupted%s%s%s%s, %zu not run",
	    stop_name(stop_signal), on - ninterrupted,
	    on - ninterrupted == 1 ? "" : "s", ninterrupted,
	    first != NULL ? " (" : "", first != NULL ? first : "",
	    ninterrupted > 1 ? " and others" : "", first != NULL ? ")" : "",
	    n - on);
}

/* The runner itself failed (or the agent is gone): the cases not started
 * cannot run either. */
static void
abort_rest(struct case_obs *obs, bool *done, size_t from, size_t n,
    enum obs_abort kind, const char *why)
{
	size_t i;

	for (i = from; i < n; i++) {
		case_obs_abort(&obs[i], kind, "not run: %s", why);
		done[i] = true;
	}
}

/* Lab mode: a case done that could not reach the agent ends the run. */
static bool
agent_gone(const struct case_obs *obs, const bool *done, size_t n, char *why,
    size_t len)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (done[i] && obs[i].aborted &&
		    obs[i].abort_kind == OBS_ABORT_NO_AGENT) {
			snprintf(why, len, "%s", obs[i].abort_reason);
			return true;
		}
	return false;
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

int
run_cases(const struct scenario *const *cases, size_t n,
    const struct run_opts *opts, struct case_obs *obs, run_done_fn done_fn,
    void *arg, char *err, size_t errlen)
{
	struct worker w[RUN_MAX_JOBS];
	size_t nw, k, next = 0, report = 0, running, ninterrupted = 0;
	const char *first = NULL;
	struct sigaction old[NSTOP];
	char why[sizeof(obs->abort_reason)];
	sigset_t waitmask;
	bool *done;
	int rc = 0;

	/* A shared peer's `peer listen` is global: its cases go one by one. */
	nw = opts->peer_control != NULL || opts->jobs == 0 ? 1 : opts->jobs;
	if (nw > RUN_MAX_JOBS)
		nw = RUN_MAX_JOBS;
	if (init_all(cases, n, obs, err, errlen) == -1)
		return -1;
	if ((done = calloc(n + 1, sizeof(*done))) == NULL) {
		for (k = 0; k < n; k++)
			case_obs_free(&obs[k]);
		snprintf(err, errlen, "out of memory for %zu cases", n);
		return -1;
	}
	memset(w, 0, sizeof(w));
	catch_stop(&waitmask, old);
	/* After a stop, the cases never started are not waited for. */
	while (report < (stop_signal != 0 ? next : n)) {
		for (k = 0, running = 0; k < nw; k++)
			running += w[k].pid > 0;
		for (k = 0; k < nw && next < n && rc == 0 && stop_signal == 0;
		     k++) {
			if (w[k].pid > 0)
				continue;
			if (start(w, nw, k, next, cases[next], opts, err,
				errlen) == -1) {
				abort_rest(obs, done, next, n, OBS_ABORT_ENV,
				    err);
				rc = -1;
				break;
			}
			next++;
			running++;
		}
		if (running > 0)
			step(w, nw, obs, done, opts, &waitmask);
		if (opts->agent != NULL && next < n &&
		    agent_gone(obs, done, next, why, sizeof(why))) {
			abort_rest(obs, done, next, n, OBS_ABORT_NO_AGENT, why);
			next = n;
		}
		while (report < n && done[report]) {
			if (obs[report].aborted &&
			    strncmp(obs[report].abort_reason, "interrupted by ",
				15) == 0 &&
			    ninterrupted++ == 0)
				first = obs[report].sc->case_name;
			done_fn(report, &obs[report], arg);
			report++;
		}
	}
	if (stop_signal != 0 && rc == 0) {
		stopped(obs, next, n, ninterrupted, first, err, errlen);
		rc = 1;
	}
	release_stop(&waitmask, old);
	free(done);
	return rc;
}
