/*
 * observe_run.c - run someone's program next to lingerpeer and watch it:
 * the sandbox (client/sandbox/sandbox.h) with this process on its client side,
 * lingerpeer on the other, a capture of the client's link
 * (run_capture.c), the program started with the shim preloaded, and one
 * poll loop that takes the shim's records, samples the probes every
 * interval, waits for the program (killing it at the timeout) and keeps
 * watching the sockets for the settle time.
 *
 * One thread: after sandbox_open() this process cannot make threads. The
 * records come over an abstract unix socket, which exists in the sandbox's
 * network namespace only and goes with this process, as the sandbox does.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "monotime.h"
#include "observe_run.h"
#include "peer_launch.h"
#include "probe.h"
#include "sandbox.h"
#include "self_paths.h"
#include "sockdiag.h"
#include "timeunit.h"

#define MAX_PROCS     256
#define KILL_GRACE_NS (1000ull * 1000 * 1000)
#define REC_BUF	      1024
/* How long the first sample waits for the shim to say it is loaded. */
#define HELLO_WAIT_NS (1000ull * 1000 * 1000)

struct ob_loop {
	const struct ob_run_opts *o;
	struct ob_run_result *res;
	struct sandbox sb;
	struct peer_proc peer;
	struct ob_capture *cap;
	struct ip_addr peers[2]; /* IPv4, and IPv6 if the sandbox has it */
	size_t npeers;
	int devnull;
	int rec_fd;
	int sigfd;
	int pidfd;
	pid_t pid;
	uint64_t t_base;   /* monotonic ns when the program was started */
	uint64_t t_killed; /* when SIGTERM was sent, 0: not */
	bool own_pgrp;
	bool hello; /* the shim said it is loaded */
};

static void
note(struct ob_run_result *res, const char *what)
{
	size_t n = strlen(res->note);

	snprintf(res->note + n, sizeof(res->note) - n, "%s%s",
	    n > 0 ? "; " : "", what);
}

static uint64_t
rel(const struct ob_loop *l, uint64_t t)
{
	return t > l->t_base ? t - l->t_base : 0;
}

static int
start_peer(struct ob_loop *l, char *why, size_t whylen)
{
	const char *args[2 * OB_MAX_PORTS + 4];
	char ports[OB_MAX_PORTS * 7];
	struct peer_launch_opts lo = {
		.path = self_path(SELF_PEER),
		.args = args,
		.control_fd = -1,
		.detach = true,
		.echo_fd = l->o->verbose ? STDERR_FILENO : -1,
		.interrupt_fd = l->sigfd,
	};
	size_t i, n = 0, len = 0;
	int saved, rc;

	/* Both families when the sandbox has IPv6: "192.0.2.2,2001:db8::2" */
	lo.addr = l->sb.has_ipv6 ? SANDBOX_PEER_ADDR "," SANDBOX_PEER_ADDR6
				 : SANDBOX_PEER_ADDR;
	for (i = 0; i < l->o->nports; i++)
		len += (size_t)snprintf(ports + len, sizeof(ports) - len,
		    "%s%u", i > 0 ? "," : "", l->o->ports[i]);
	if (l->o->behaviour != NULL) {
		args[n++] = "--behaviour";
		args[n++] = l->o->behaviour;
	}
	args[n++] = "--port";
	args[n++] = ports;
	if (l->o->verbose)
		args[n++] = "-v";
	args[n] = NULL;
	/*
	 * lingerpeer's stderr is ours; without -v its messages (the
	 * statistics it prints when stopped) would mix into the report.
	 * Failures to start still come back in why.
	 */
	saved = l->o->verbose ? -1 : fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	if (saved >= 0)
		(void)dup2(l->devnull, STDERR_FILENO);
	rc = peer_launch_start(&l->sb, &lo, &l->peer, why, whylen);
	if (saved >= 0) {
		(void)dup2(saved, STDERR_FILENO);
		close(saved);
	}
	if (rc == -1)
		return -1;
	return peer_launch_wait_ready(&l->peer, &lo, why, whylen);
}

/* The abstract socket the shim sends its records to. */
static int
open_records(struct ob_loop *l, char *name, size_t len, char *why,
    size_t whylen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int sz = 8 << 20;
	size_t n;

	snprintf(name, len, "@lingerlab-observe-%d-%lx", (int)getpid(),
	    (unsigned long)monotime_ns());
	n = strlen(name);
	memcpy(sa.sun_path + 1, name + 1, n - 1);
	l->rec_fd =
	    socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (l->rec_fd == -1 ||
	    bind(l->rec_fd, (struct sockaddr *)&sa,
		(socklen_t)(offsetof(struct sockaddr_un, sun_path) + n)) ==
		-1) {
		snprintf(why, whylen,
		    "cannot make the socket for the shim's "
		    "records: %s",
		    strerror(errno));
		return -1;
	}
	/* room for a burst: the loop reads between samples */
	if (setsockopt(l->rec_fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz,
		sizeof(sz)) == -1)
		(void)setsockopt(l->rec_fd, SOL_SOCKET, SO_RCVBUF, &sz,
		    sizeof(sz));
	return 0;
}

static int
program_env(const struct ob_loop *l, const char *rec_name)
{
	const char *old = getenv("LD_PRELOAD");
	char port[8], pre[4096];

	snprintf(port, sizeof(port), "%u", l->o->ports[0]);
	if (setenv("LINGERLAB_PEER_ADDR", SANDBOX_PEER_ADDR, 1) == -1 ||
	    setenv("LINGERLAB_PEER_PORT", port, 1) == -1 ||
	    setenv("LINGERPEER_ADDR", SANDBOX_PEER_ADDR, 1) == -1 ||
	    setenv("LINGERLAB_CLIENT_ADDR", SANDBOX_CLIENT_ADDR, 1) == -1)
		return -1;
	/* IPv6 only where the sandbox has it: a program may test for it. */
	if (l->sb.has_ipv6 &&
	    (setenv("LINGERLAB_PEER_ADDR6", SANDBOX_PEER_ADDR6, 1) == -1 ||
		setenv("LINGERLAB_CLIENT_ADDR6", SANDBOX_CLIENT_ADDR6, 1) ==
		    -1))
		return -1;
	if (!l->o->shim)
		return 0;
	snprintf(pre, sizeof(pre), "%s%s%s", self_path(SELF_SHIM),
	    old != NULL && *old != '\0' ? ":" : "", old != NULL ? old : "");
	if (setenv("LD_PRELOAD", pre, 1) == -1 ||
	    setenv("LINGERLAB_SHIM_SOCK", rec_name, 1) == -1)
		return -1;
	return 0;
}

static int
start_program(struct ob_loop *l, const char *rec_name, char *why, size_t whylen)
{
	struct sandbox_spawn_opts so = SANDBOX_SPAWN_OPTS_INIT;

	if (program_env(l, rec_name) == -1) {
		snprintf(why, whylen,
		    "cannot set the program's environment: "
		    "%s",
		    strerror(errno));
		return OB_RUN_NO_ENV;
	}
	if (l->o->program_stdout_to_stderr)
		so.stdout_fd = STDERR_FILENO;
	/* Its own process group, unless the terminal is its: ^C is ours too. */
	l->own_pgrp = !isatty(STDIN_FILENO);
	so.new_pgrp = l->own_pgrp;
	l->pid = sandbox_spawn(&l->sb, SANDBOX_CLIENT_SIDE, l->o->argv, &so);
	(void)unsetenv("LD_PRELOAD");
	if (l->pid == -1 && (errno == ENOENT || errno == EACCES)) {
		snprintf(why, whylen,
		    "cannot run %s: %s; check the name, or "
		    "give its path (it is searched for in PATH)",
		    l->o->argv[0], strerror(errno));
		return OB_RUN_NOT_STARTED;
	}
	if (l->pid == -1) {
		snprintf(why, whylen, "%s", l->sb.errbuf);
		return OB_RUN_NO_ENV;
	}
	l->pidfd = pidfd_open(l->pid, 0);
	return 0;
}

static void
take_records(struct ob_loop *l)
{
	struct ob_run_result *res = l->res;
	char buf[REC_BUF], err[160];
	struct ob_rec r, *v;
	ssize_t n;
	size_t cap;

	while ((n = recv(l->rec_fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		if (ob_rec_parse(buf, (size_t)n, &r, err, sizeof(err)) == -1) {
			res->bad_recs++;
			continue;
		}
		r.t0 = rel(l, r.t0);
		r.t1 = rel(l, r.t1);
		l->hello = l->hello || r.call == OB_HELLO;
		if (res->nrecs == res->recs_cap) {
			cap = res->recs_cap == 0 ? 256 : res->recs_cap * 2;
			if ((v = realloc(res->recs, cap * sizeof(*v))) ==
			    NULL) {
				res->bad_recs++;
				continue;
			}
			res->recs = v;
			res->recs_cap = cap;
		}
		res->recs[res->nrecs++] = r;
	}
}

static void
take_segments(struct ob_loop *l)
{
	char err[256];

	if (l->cap != NULL &&
	    ob_cap_read(l->cap, l->res, err, sizeof(err)) == -1) {
		note(l->res, err);
		ob_cap_close(l->cap, &l->res->capture_drops);
		l->cap = NULL;
	}
}

/*
 * The TcpExt counters of our netns (the program's). A name this kernel
 * does not have is dropped from the series at the first sample, so the
 * others are still read; an expectation on it is then undecided.
 */
static void
take_counters(struct ob_loop *l, struct ob_sample *x)
{
	struct ob_series *s = &l->res->series;
	const char *names[OB_TCPEXT_MAX];
	char err[160];
	size_t i, k;

	if (s->ntcpext == 0 && s->n == 0)
		for (i = 0, k = 0; i < l->o->ntcpext; i++) {
			names[0] = l->o->tcpext[i];
			if (probe_netstat_read(names, &x->tcpext[0], 1, err,
				sizeof(err)) == 0)
				snprintf(s->tcpext[k++], OB_TCPEXT_NAME, "%s",
				    l->o->tcpext[i]);
			s->ntcpext = k;
		}
	for (i = 0; i < s->ntcpext; i++)
		names[i] = s->tcpext[i];
	if (s->ntcpext > 0 &&
	    probe_netstat_read(names, x->tcpext, s->ntcpext, err,
		sizeof(err)) == -1)
		memset(x->tcpext, 0, sizeof(x->tcpext));
}

static void
sample(struct ob_loop *l, bool running)
{
	pid_t pids[MAX_PROCS];
	struct ob_sample s;
	size_t n = running ? ob_procs_tree(l->pid, pids, MAX_PROCS) : 0;

	ob_procs_sample(pids, n, running, rel(l, monotime_ns()), &s);
	take_counters(l, &s);
	if (ob_series_add(&l->res->series, &s) == -1)
		note(l->res, "out of memory for samples: the series stops");
}

/* The program and what it started: TERM first, KILL after the grace. */
static void
stop_program(struct ob_loop *l, int sig)
{
	pid_t pids[MAX_PROCS];
	size_t n, i;

	if (l->own_pgrp)
		(void)kill(-l->pid, sig);
	n = ob_procs_tree(l->pid, pids, MAX_PROCS);
	for (i = 0; i < n; i++)
		(void)kill(pids[i], sig);
}

/* Reap it if it ended; true then. */
static bool
reaped(struct ob_loop *l)
{
	int status;

	if (waitpid(l->pid, &status, WNOHANG) != l->pid)
		return false;
	l->res->status = status;
	l->res->exited = true;
	l->res->t_exit = rel(l, monotime_ns());
	if (l->pidfd >= 0)
		close(l->pidfd);
	l->pidfd = -1;
	return true;
}

static void
on_signal(struct ob_loop *l)
{
	struct signalfd_siginfo si;

	if (read(l->sigfd, &si, sizeof(si)) != sizeof(si))
		return;
	if (!l->res->interrupted)
		note(l->res, "interrupted: the program was stopped");
	l->res->interrupted = true;
}

/* ix: an index of res's states, state j found as j. 0, or -1 (memory). */
static int
index_states(struct ob_index *ix, const struct ob_run_result *res)
{
	long j;

	ob_index_init(ix);
	for (j = 0; (size_t)j < res->nstates; j++)
		if (ob_index_add(ix, &res->states[j].k) != j)
			return -1;
	return 0;
}

/*
 * The sockets' states now, for every four-tuple seen on the wire: each
 * looked up once, found through an index (a run of 200,000 segments must
 * not compare each with every connection).
 */
static void
look_up_states(struct ob_loop *l, bool at_exit)
{
	struct ob_run_result *res = l->res;
	struct sockdiag_info info;
	struct ob_state_at *st;
	struct ob_index ix;
	struct ob_tuple k;
	size_t i;
	long j;

	if (index_states(&ix, res) == -1)
		goto out;
	for (i = 0; i < res->nsegs; i++) {
		const struct obs_segment *s = &res->segs[i];

		k = (struct ob_tuple){ .laddr = res->addrs[i].client,
			.raddr = res->addrs[i].peer,
			.lport = s->from_client ? s->sport : s->dport,
			.rport = s->from_client ? s->dport : s->sport };
		if ((j = ob_index_find(&ix, &k)) < 0) {
			st = realloc(res->states,
			    (res->nstates + 1) * sizeof(*st));
			if (st == NULL || ob_index_add(&ix, &k) < 0) {
				if (st != NULL)
					res->states = st;
				goto out;
			}
			res->states = st;
			j = (long)res->nstates++;
			memset(&st[j], 0, sizeof(st[j]));
			st[j].k = k;
		}
		st = &res->states[j];
		if ((at_exit ? st->exit : st->end)[0] != '\0')
			continue;
		if (sockdiag_lookup_ip(&k.laddr, k.lport, &k.raddr, k.rport,
			&info) == -1)
			info.state = 0;
		snprintf(at_exit ? st->exit : st->end, sizeof(st->exit), "%s",
		    sockdiag_state_name(info.state));
	}
out:
	ob_index_free(&ix);
}

/* How long poll may sleep: until the next sample or deadline. */
static int
poll_ms(uint64_t now, uint64_t next)
{
	return next <= now ? 0 : (int)((next - now) / NS_PER_MS) + 1;
}

/* Watch until the program ends and the settle time has passed. */
static void
watch(struct ob_loop *l)
{
	const struct ob_run_opts *o = l->o;
	uint64_t now, next = monotime_ns(),
		      deadline = l->t_base + o->timeout_ns;
	struct pollfd p[5];
	bool running = true;

	for (;;) {
		now = monotime_ns();
		if (now >= next) {
			take_records(l);
			/*
			 * The first sample is the program's own, not the
			 * half-started child's: with the shim, wait for its
			 * hello (its descriptor is then open and counted).
			 */
			if (l->hello || !o->shim || !running ||
			    now >= l->t_base + HELLO_WAIT_NS)
				sample(l, running);
			next = now + o->interval_ns;
		}
		if (running && reaped(l)) {
			running = false;
			take_records(l);
			take_segments(l);
			look_up_states(l, true);
			deadline = now + o->settle_ns;
		}
		if (!running && (now >= deadline || l->res->interrupted))
			break;
		if (running && (now >= deadline || l->res->interrupted)) {
			if (l->t_killed == 0) {
				l->res->timed_out = !l->res->interrupted;
				l->t_killed = now;
				stop_program(l, SIGTERM);
			} else if (now >= l->t_killed + KILL_GRACE_NS)
				stop_program(l, SIGKILL);
			deadline = now + KILL_GRACE_NS / 10;
		}
		p[0] = (struct pollfd){ .fd = l->pidfd, .events = POLLIN };
		p[1] = (struct pollfd){ .fd = l->sigfd, .events = POLLIN };
		p[2] = (struct pollfd){ .fd = l->rec_fd, .events = POLLIN };
		p[3] = (struct pollfd){ .fd = l->cap != NULL ? ob_cap_fd(l->cap)
							     : -1,
			.events = POLLIN };
		p[4] =
		    (struct pollfd){ .fd = l->peer.out_fd, .events = POLLIN };
		if (poll(p, 5,
			poll_ms(now, next < deadline ? next : deadline)) <= 0)
			continue;
		/* lingerpeer's narration: shown with -v, never left to block it */
		if (p[4].revents != 0 &&
		    peer_launch_pump(l->peer.out_fd,
			o->verbose ? STDERR_FILENO : l->devnull) == -1) {
			close(l->peer.out_fd);
			l->peer.out_fd = -1;
		}
		if (p[1].revents != 0)
			on_signal(l);
		if (p[2].revents != 0)
			take_records(l);
		if (p[3].revents != 0)
			take_segments(l);
		/* without a pidfd, the sample tick finds it ended */
	}
	take_records(l);
	take_segments(l);
	look_up_states(l, false);
}

static int
block_signals(struct ob_loop *l)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1 ||
	    (l->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK)) == -1)
		return -1;
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

static int
setup(struct ob_loop *l, char *rec_name, size_t len, char *why, size_t whylen)
{
	char err[512], a[IP_ADDR_STRLEN];

	if (block_signals(l) == -1) {
		snprintf(why, whylen, "signalfd: %s", strerror(errno));
		return OB_RUN_NO_ENV;
	}
	if (sandbox_open(&l->sb) == -1) {
		snprintf(why, whylen, "cannot build a sandbox: %s",
		    l->sb.errbuf);
		return OB_RUN_NO_ENV;
	}
	if (start_peer(l, err, sizeof(err)) == -1) {
		snprintf(why, whylen, "lingerpeer did not start: %s", err);
		return OB_RUN_NO_ENV;
	}
	(void)ip_addr_parse(SANDBOX_PEER_ADDR, &l->peers[l->npeers++]);
	if (l->sb.has_ipv6)
		(void)ip_addr_parse(SANDBOX_PEER_ADDR6, &l->peers[l->npeers++]);
	snprintf(l->res->peer_addrs, sizeof(l->res->peer_addrs), "%s%s%s",
	    SANDBOX_PEER_ADDR, l->npeers > 1 ? ", " : "",
	    l->npeers > 1 ? ip_addr_format(&l->peers[1], a, sizeof(a)) : "");
	l->cap = ob_cap_open(SANDBOX_CLIENT_IFACE, l->peers, l->npeers,
	    l->o->pcap_path, err, sizeof(err));
	if (l->cap == NULL) {
		snprintf(why, whylen, "%s", err);
		return OB_RUN_NO_ENV;
	}
	if (open_records(l, rec_name, len, why, whylen) == -1)
		return OB_RUN_NO_ENV;
	return 0;
}

int
ob_run(const struct ob_run_opts *o, struct ob_run_result *res, char *why,
    size_t whylen)
{
	struct ob_loop l = { .o = o,
		.res = res,
		.rec_fd = -1,
		.sigfd = -1,
		.pidfd = -1,
		.peer = { .out_fd = -1 } };
	char rec_name[96];
	int rc;

	memset(res, 0, sizeof(*res));
	res->t_exit = OB_NO_TIME;
	l.devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	rc = l.devnull == -1
	    ? OB_RUN_NO_ENV
	    : setup(&l, rec_name, sizeof(rec_name), why, whylen);
	if (rc == 0) {
		/*
		 * Time 0: just before the program starts. The capture's
		 * reader (a process of its own, or none: then the loop reads
		 * it) starts first, so it misses nothing.
		 */
		l.t_base = monotime_ns();
		ob_cap_start(l.cap, l.t_base);
		if ((rc = start_program(&l, rec_name, why, whylen)) == 0)
			watch(&l);
	}
	ob_cap_close(l.cap, &res->capture_drops);
	sandbox_close(&l.sb);
	res->userns = l.sb.mode == SANDBOX_USERNS;
	if (l.peer.out_fd >= 0)
		close(l.peer.out_fd);
	if (l.rec_fd >= 0)
		close(l.rec_fd);
	if (l.pidfd >= 0)
		close(l.pidfd);
	if (l.devnull >= 0)
		close(l.devnull);
	if (l.sigfd >= 0)
		close(l.sigfd);
	if (rc == 0 && !res->exited && res->t_exit == OB_NO_TIME)
		note(res, "the program did not end by itself");
	return rc;
}

void
ob_run_result_free(struct ob_run_result *res)
{
	free(res->segs);
	free(res->addrs);
	free(res->recs);
	free(res->states);
	ob_series_free(&res->series);
	res->recs = NULL;
	res->states = NULL;
	res->segs = NULL;
	res->addrs = NULL;
}

void
ob_run_fill_states(const struct ob_run_result *res, struct ob_conns *cs)
{
	struct ob_index ix;
	struct ob_tuple k;
	size_t i;
	long j;

	if (index_states(&ix, res) == -1)
		goto out;
	for (i = 0; i < cs->n; i++) {
		k = (struct ob_tuple){ .laddr = cs->v[i].laddr,
			.raddr = cs->v[i].raddr,
			.lport = cs->v[i].lport,
			.rport = cs->v[i].rport };
		if ((j = ob_index_find(&ix, &k)) < 0)
			continue;
		memcpy(cs->v[i].state_exit, res->states[j].exit,
		    sizeof(cs->v[i].state_exit));
		memcpy(cs->v[i].state_end, res->states[j].end,
		    sizeof(cs->v[i].state_end));
	}
out:
	ob_index_free(&ix);
}
