/*
 * run_workers.c - one worker process as the parent sees it: forked for a
 * case, told when to go, its record stream read, killed past its time
 * limit, and reaped, after its case is reported, while it tears its
 * sandbox down (run_jobs_int.h has its states).
 *
 * The parent never enters a sandbox and never touches the system under
 * test: whatever a case does, even hang in close() for good, it does in
 * a process the parent can kill. A killed worker takes its sandbox and
 * lingerpeer with it (sandbox.h), and PR_SET_PDEATHSIG (through the
 * platform layer) takes the workers with a parent that is killed.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "duration_text.h"
#include "fd_close.h"
#include "platform.h"
#include "run.h"
#include "run_jobs_int.h"
#include "run_wire.h"
#include "scenario_parse.h"
#include "timeunit.h"
#include "units.h"

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };
#define NSTOP (sizeof(stop_signals) / sizeof(stop_signals[0]))

static const char *
stop_name(int sig)
{
	return sig == SIGTERM ? "SIGTERM" : sig == SIGHUP ? "SIGHUP" : "SIGINT";
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

/* In a new worker: the other workers' pipe ends are not its business. */
static void
close_others(struct worker_pool *pool, size_t self)
{
	size_t o;

	for (o = 0; o < pool->nslots; o++) {
		if (o == self || pool->w[o].state == WORKER_FREE)
			continue;
		if (pool->w[o].fd >= 0)
			close(pool->w[o].fd);
		if (pool->w[o].go_fd >= 0)
			close(pool->w[o].go_fd);
	}
}

static int
make_pipes(int rec[2], int go[2], bool prepare, char *err, size_t errlen)
{
	rec[0] = rec[1] = go[0] = go[1] = -1;
	if (pipe2(rec, O_CLOEXEC) == 0 &&
	    (!prepare || pipe2(go, O_CLOEXEC) == 0))
		return 0;
	snprintf(err, errlen,
	    "cannot make a pipe for a worker: %s (too many open files?)",
	    strerror(errno));
	close_pair(rec);
	return -1;
}

/* The deadline a case gets when it goes: its limit, and in lab mode the
 * time to wait for the agent, which is not the case's time. */
static void
arm(struct worker *w)
{
	w->deadline =
	    plat_now_ns() + w->timeout + (w->lab ? w->lab_wait_ns : 0);
}

int
worker_start(struct worker_pool *pool, size_t k, size_t index,
    const struct scenario *sc, bool prepare, char *err, size_t errlen)
{
	const struct run_opts *opts = pool->opts;
	struct worker *w = &pool->w[k];
	long parent = (long)getpid();
	int rec[2], go[2];
	pid_t pid;

	if (make_pipes(rec, go, prepare, err, errlen) == -1)
		return -1;
	fflush(NULL); /* or the child would write our buffers again */
	if ((pid = fork()) == -1) {
		snprintf(err, errlen,
		    "cannot fork a worker: %s (lower --jobs?)",
		    strerror(errno));
		close_pair(rec);
		close_pair(go);
		return -1;
	}
	if (pid == 0) {
		close(rec[0]);
		if (go[1] >= 0)
			close(go[1]);
		close_others(pool, k);
		if (plat_die_with_parent(parent) == -1)
			_exit(1);
		worker_signals();
		run_case_worker(sc, opts, rec[1], go[0]);
	}
	close(rec[1]);
	if (go[0] >= 0)
		close(go[0]);
	memset(w, 0, sizeof(*w));
	w->pid = pid;
	w->fd = rec[0];
	w->go_fd = go[1];
	w->index = index;
	w->timeout = run_case_timeout(sc, opts);
	w->lab = opts->agent != NULL;
	w->lab_wait_ns = opts->agent_wait_ns + 60 * NS_PER_S;
	w->state = prepare ? WORKER_PREPARED : WORKER_RUNNING;
	if (!prepare)
		arm(w);
	return 0;
}

/*
 * One byte to a worker that may have died while it prepared: its EPIPE
 * must not become our SIGPIPE (the run goes on, and the dead worker shows
 * as EOF on its records). SIGPIPE is held for the write, and one it
 * raised is taken before it is let in again.
 */
static void
write_go(int fd)
{
	static const char go = 'g';
	const struct timespec now = { 0, 0 };
	sigset_t pipe_set, old;
	ssize_t n;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigprocmask(SIG_BLOCK, &pipe_set, &old);
	while ((n = write(fd, &go, 1)) == -1 && errno == EINTR)
		;
	if (n == -1 && errno == EPIPE && !sigismember(&old, SIGPIPE))
		(void)sigtimedwait(&pipe_set, NULL, &now);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

void
worker_go(struct worker *w)
{
	if (w->go_fd >= 0) {
		write_go(w->go_fd);
		close(w->go_fd);
		w->go_fd = -1;
	}
	w->state = WORKER_RUNNING;
	arm(w);
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

	while (!w->ended && (nl = memchr(w->buf, '\n', w->have)) != NULL) {
		*nl = '\0';
		l = (size_t)(nl - w->buf) + 1;
		take_line(w, obs, w->buf, live);
		memmove(w->buf, w->buf + l, w->have - l);
		w->have -= l;
	}
	if (w->have == sizeof(w->buf) && w->bad[0] == '\0')
		snprintf(w->bad, sizeof(w->bad),
		    "a record longer than %zu bytes", sizeof(w->buf));
	if (w->have == sizeof(w->buf))
		w->have = 0;
}

/* A draining worker: what it writes now is no one's; its EOF frees it. */
static void
drain(struct worker *w)
{
	char scrap[512];
	ssize_t n;

	n = read(w->fd, scrap, sizeof(scrap));
	if (n > 0 || (n == -1 && errno == EINTR))
		return;
	close(w->fd);
	w->fd = -1;
	while (waitpid(w->pid, NULL, 0) == -1 && errno == EINTR)
		;
	w->state = WORKER_FREE;
	w->pid = 0;
}

void
worker_read(struct worker *w, struct case_obs *obs, const struct run_live *live)
{
	ssize_t n;

	if (w->state == WORKER_DRAINING) {
		drain(w);
		return;
	}
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
	    "case timeout after %s%s (raise `timeout` in the scenario, or "
	    "give --timeout)",
	    d, where);
}

/* What a worker that is gone without its end record leaves to say. */
static void
say_lost(struct worker_pool *pool, const struct worker *w, struct case_obs *obs,
    int status)
{
	char how[64], where[160];
	int sig = pool->stop_signal;

	/* A Ctrl-C reaches the workers too (one process group): however it
	 * died, a case cut short by the stop is "interrupted". */
	if (!w->ended &&
	    (w->interrupted || (sig != 0 && WIFSIGNALED(status)))) {
		where_killed(w, obs, where, sizeof(where));
		case_obs_abort(obs, OBS_ABORT_CASE, "interrupted by %s%s",
		    stop_name(sig), where);
	} else if (w->bad[0] != '\0')
		case_obs_abort(obs, OBS_ABORT_CASE,
		    "the worker's record was unreadable: %s (a bug in "
		    "lingerlab: please report)",
		    w->bad);
	else if (w->killed)
		timed_out(w, obs, pool->opts);
	else {
		if (WIFSIGNALED(status))
			snprintf(how, sizeof(how), "killed by signal %d (%s)",
			    WTERMSIG(status), strsignal(WTERMSIG(status)));
		else
			snprintf(how, sizeof(how), "exit status %d",
			    WEXITSTATUS(status));
		case_obs_abort(obs, OBS_ABORT_CASE,
		    "the case's worker process died (%s) before it finished: "
		    "a bug in lingerlab, or out of memory; please report",
		    how);
	}
}

void
worker_finish(struct worker_pool *pool, struct worker *w, struct case_obs *obs)
{
	int status = 0;

	if (w->ended && w->bad[0] == '\0' && w->fd >= 0) {
		/* Its teardown is its own business now: reaped at its EOF. */
		w->state = WORKER_DRAINING;
		w->deadline = plat_now_ns() + WORKER_DRAIN_LIMIT_NS;
		w->killed = false;
	} else {
		while (waitpid(w->pid, &status, 0) == -1 && errno == EINTR)
			;
		if (!w->ended || w->bad[0] != '\0')
			say_lost(pool, w, obs, status);
		w->state = WORKER_FREE;
		w->pid = 0;
	}
	if (pool->opts->live != NULL)
		pool->opts->live->record(pool->opts->live->arg, obs, NULL);
}

int
worker_deadlines(struct worker_pool *pool)
{
	uint64_t now = plat_now_ns(), first = UINT64_MAX;
	struct worker *w;
	size_t k;

	for (k = 0; k < pool->nslots; k++) {
		w = &pool->w[k];
		if ((w->state != WORKER_RUNNING &&
			w->state != WORKER_DRAINING) ||
		    w->killed)
			continue;
		if (now >= w->deadline) {
			kill(w->pid, SIGKILL);
			w->killed = true;
		} else if (w->deadline < first)
			first = w->deadline;
	}
	if (first == UINT64_MAX)
		return -1;
	return (int)((first - now) / NS_PER_MS + 1);
}

void
worker_stop_all(struct worker_pool *pool)
{
	struct worker *w;
	size_t k;

	for (k = 0; k < pool->nslots; k++) {
		w = &pool->w[k];
		if (w->state == WORKER_RUNNING && !w->interrupted) {
			kill(w->pid, SIGKILL);
			w->interrupted = true;
		} else if (w->state == WORKER_PREPARED) {
			/* never started: it goes as a draining one does */
			kill(w->pid, SIGKILL);
			if (w->go_fd >= 0)
				close(w->go_fd);
			w->go_fd = -1;
			w->state = WORKER_DRAINING;
			w->killed = true;
		}
	}
}

size_t
worker_count(const struct worker_pool *pool, enum worker_state s)
{
	size_t k, n = 0;

	for (k = 0; k < pool->nslots; k++)
		n += pool->w[k].state == s;
	return n;
}

struct worker *
worker_of(struct worker_pool *pool, size_t index, enum worker_state s)
{
	size_t k;

	for (k = 0; k < pool->nslots; k++)
		if (pool->w[k].state == s && pool->w[k].index == index)
			return &pool->w[k];
	return NULL;
}
