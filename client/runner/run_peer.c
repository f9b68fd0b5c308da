/*
 * run_peer.c - the runner's side of lingerpeer: start it in the sandbox
 * with the case's `peer listen` ports (or reach one that runs already,
 * with --peer), send the peer steps as control commands, and know which of
 * the peer's connections is which socket of the scenario.
 *
 * A socket is named to the peer by the connection id the peer gave it,
 * found right after connect() with `wait CLIENT-IP:PORT`, or given in the
 * answer to `peer connect` (run_server.c): an id cannot be confused with a
 * later connection from the same port, as an address can.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "control_client.h"
#include "peer_launch.h"
#include "run_int.h"
#include "run_wire.h"
#include "sandbox.h"
#include "scenario_defaults.h"
#include "timeunit.h"

#define MAP_TIMEOUT_MS 2000 /* the peer saw the SYN before connect() returned */
#define MAX_LISTEN     16   /* 4 arguments each, PEER_LAUNCH_MAX_ARGS in all */

struct run_peer {
	struct control_client *ctl;
	struct peer_proc proc; /* sandbox only */
	FILE *log;	       /* its stderr and stdout; sandbox only */
	char endpoint[128];
	bool lost;
};

/* The last line of lingerpeer's log, to explain how it went. */
static void
log_tail(struct run_peer *p, char *buf, size_t len)
{
	char all[4096], *line;
	ssize_t n;
	size_t l;
	off_t end;

	buf[0] = '\0';
	if (p->log == NULL || (end = lseek(fileno(p->log), 0, SEEK_END)) <= 0)
		return;
	end = end > (off_t)sizeof(all) - 1 ? end - (off_t)sizeof(all) + 1 : 0;
	n = pread(fileno(p->log), all, sizeof(all) - 1, end);
	if (n <= 0)
		return;
	all[n] = '\0';
	while (n > 0 && all[n - 1] == '\n')
		all[--n] = '\0';
	line = strrchr(all, '\n');
	line = line != NULL ? line + 1 : all;
	l = strlen(line);
	if (l >= len)
		l = len - 1; /* the start of a long line says enough */
	memcpy(buf, line, l);
	buf[l] = '\0';
}

/*
 * What a case's lingerpeer needs no more of, set up at every case's start:
 * its capture buffer and event ring are allocated and touched when it
 * starts (docs/performance.md). A case's traffic is small, and the ring
 * keeps 16 events for each of the 1000 connections of the largest repeat.
 */
static const char *const case_peer_args[] = { "--capture-buffer", "1MiB",
	"--events", "16384" };
#define NCASE_PEER_ARGS (sizeof(case_peer_args) / sizeof(case_peer_args[0]))

/* --port P --behaviour SPEC for each `peer listen`, after the sizes above;
 * the count of ports, or -1. */
static int
listen_args(const struct scenario *sc, const char **args, char *err,
    size_t errlen)
{
	static char ports[MAX_LISTEN][8];
	size_t i, n = 0;

	for (i = 0; i < NCASE_PEER_ARGS; i++)
		*args++ = case_peer_args[i];

	for (i = 0; i < sc->nsteps; i++) {
		if (sc->steps[i].kind != STEP_PEER_LISTEN)
			continue;
		if (n == MAX_LISTEN) {
			snprintf(err, errlen,
			    "line %" PRIu32 ": more than %d "
			    "`peer listen` in one case",
			    sc->steps[i].pos.line, MAX_LISTEN);
			return -1;
		}
		snprintf(ports[n], sizeof(ports[n]), "%u", sc->steps[i].port);
		args[4 * n] = "--port";
		args[4 * n + 1] = ports[n];
		args[4 * n + 2] = "--behaviour";
		args[4 * n + 3] = sc->steps[i].text;
		n++;
	}
	args[4 * n] = NULL;
	return (int)n;
}

/*
 * Spawn it with the log as its stderr too. The launcher leaves stderr as
 * ours, so ours is pointed at the log for the moment of the spawn: the
 * worker has no threads, so nothing else writes to it meanwhile.
 */
static int
spawn(struct run_ctx *r, struct peer_launch_opts *lo, char *why, size_t whylen)
{
	struct run_peer *p = r->peer;
	int saved, rc;

	fflush(stderr);
	if ((saved = dup(STDERR_FILENO)) == -1 ||
	    dup2(fileno(p->log), STDERR_FILENO) == -1) {
		snprintf(why, whylen,
		    "cannot redirect lingerpeer's standard "
		    "error: %s",
		    strerror(errno));
		if (saved >= 0)
			close(saved);
		return -1;
	}
	rc = peer_launch_start(r->sb, lo, &p->proc, why, whylen);
	(void)dup2(saved, STDERR_FILENO);
	close(saved);
	return rc;
}

/* cat(1) copies lingerpeer's later stdout into the log: it never blocks. */
static void
start_forwarder(struct run_ctx *r)
{
	struct sandbox_spawn_opts so = SANDBOX_SPAWN_OPTS_INIT;
	char *argv[] = { "cat", NULL };

	so.stdin_fd = r->peer->proc.out_fd;
	so.stdout_fd = fileno(r->peer->log);
	(void)sandbox_spawn(r->sb, SANDBOX_CLIENT_SIDE, argv, &so);
}

static int
start_in_sandbox(struct run_ctx *r, char *err, size_t errlen)
{
	const char *args[NCASE_PEER_ARGS + 4 * MAX_LISTEN + 1];
	struct peer_launch_opts lo = { .path = r->opt->lingerpeer,
		.args = args,
		.detach = true,
		.interrupt_fd = -1 };
	struct run_peer *p = r->peer;
	char why[PEER_LAUNCH_WHY_LEN], tail[200];
	int rc;

	if (listen_args(r->sc, args, err, errlen) == -1)
		return -1;
	if ((p->log = tmpfile()) == NULL) {
		snprintf(err, errlen,
		    "cannot make a file for lingerpeer's "
		    "log: %s (is /tmp writable?)",
		    strerror(errno));
		return -1;
	}
	lo.echo_fd = fileno(p->log);
	/* IPv6 too when a socket of the case is (run_case.c decided) */
	lo.addr = SANDBOX_PEER_ADDR;
	if (r->peer_addr[1].family == IPF_V6)
		lo.addr = SANDBOX_PEER_ADDR "," SANDBOX_PEER_ADDR6;
	if ((lo.control_fd = peer_launch_control_listen("run", p->endpoint,
		 sizeof(p->endpoint), err, errlen)) == -1)
		return -1;
	rc = spawn(r, &lo, why, sizeof(why));
	close(lo.control_fd); /* lingerpeer's alone: refused once it is gone */
	if (rc == 0 &&
	    peer_launch_wait_ready(&p->proc, &lo, why, sizeof(why)) == -1)
		rc = -1;
	if (rc == -1) {
		log_tail(p, tail, sizeof(tail));
		snprintf(err, errlen, "%s%s%s%s", why,
		    tail[0] != '\0' ? "; it said: \"" : "", tail,
		    tail[0] != '\0' ? "\"" : "");
		return -1; /* sandbox_close() stops what is left */
	}
	start_forwarder(r);
	close(p->proc.out_fd);
	p->proc.out_fd = -1;
	return 0;
}

/* Only `peer listen` and `peer connect` make connections to the peer. */
static bool
needs_peer(const struct scenario *sc)
{
	size_t i;

	for (i = 0; i < sc->nsteps; i++)
		if (sc->steps[i].kind == STEP_PEER_LISTEN ||
		    sc->steps[i].kind == STEP_PEER_CONNECT)
			return true;
	return false;
}

int
run_peer_start(struct run_ctx *r, char *err, size_t errlen)
{
	struct run_peer *p;
	char why[256];

	/* In a sandbox, a case that never talks to a peer gets none. */
	if (r->sb != NULL && !needs_peer(r->sc))
		return 0;
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	p->proc.out_fd = -1;
	r->peer = p;
	if (r->sb != NULL && start_in_sandbox(r, err, errlen) == -1)
		return -1;
	if (r->sb == NULL)
		snprintf(p->endpoint, sizeof(p->endpoint), "%s",
		    r->opt->peer_control);
	/* Our own peer in a sandbox needs no token; a given one may. */
	p->ctl = control_client_open_token(p->endpoint,
	    r->sb == NULL ? r->opt->peer_token : NULL, RUN_CTL_TIMEOUT_MS, why,
	    sizeof(why));
	if (p->ctl == NULL) {
		snprintf(err, errlen,
		    "cannot reach lingerpeer's control "
		    "channel: %s",
		    why);
		return -1;
	}
	return 0;
}

/*
 * Reap a peer whose control connection just closed. Its descriptors close
 * while it exits, a moment before it can be reaped, so it gets up to
 * REAP_WAIT_MS to become reapable: then the report can say "killed by
 * signal 9" rather than guess. 0, or -1 if it is still running.
 */
#define REAP_WAIT_MS 500
static int
reap_soon(pid_t pid, int *status)
{
	int ms;

	for (ms = 0; ms < REAP_WAIT_MS; ms += 5) {
		if (waitpid(pid, status, WNOHANG) == pid)
			return 0;
		(void)poll(NULL, 0, 5);
	}
	return -1;
}

/* The peer went away: say what we know of why. */
static void
lost(struct run_ctx *r, const char *what, const char *why)
{
	struct run_peer *p = r->peer;
	char how[64] = "", tail[200] = "";
	int status;

	p->lost = true;
	if (r->sb != NULL && p->proc.pid > 0 &&
	    reap_soon(p->proc.pid, &status) == 0) {
		p->proc.pid = 0;
		peer_describe_status(status, how, sizeof(how));
	}
	log_tail(p, tail, sizeof(tail));
	run_abort(r, OBS_ABORT_CASE, "peer lost at %s: %s%s%s%s%s%s", what, why,
	    how[0] != '\0' ? "; lingerpeer: " : "", how,
	    tail[0] != '\0' ? "; its last words: \"" : "", tail,
	    tail[0] != '\0' ? "\"" : "");
}

int
run_peer_request(struct run_ctx *r, const char *what, int timeout_ms,
    struct control_reply *rep, const char *cmd)
{
	char err[256];

	if (r->peer == NULL || r->peer->lost) {
		run_abort(r, OBS_ABORT_CASE,
		    "%s: no lingerpeer runs in this "
		    "case (add a `peer listen` or `peer connect` line)",
		    what);
		return -1;
	}
	if (control_request(r->peer->ctl, cmd, timeout_ms, rep, err,
		sizeof(err)) == -1) {
		lost(r, what, err);
		return -1;
	}
	return rep->ok ? 1 : 0;
}

/* How the peer names sock's connection: its id, else the client's address. */
static void
conn_name(const struct run_ctx *r, int sock, char *buf, size_t len)
{
	const struct obs_sock *s = &r->obs->socks[sock];

	if (s->peer_conn_id != 0)
		snprintf(buf, len, "%" PRIu32, s->peer_conn_id);
	else /* "192.0.2.1:40112", "[2001:db8::1]:40112" */
		ip_addr_format_port(&s->laddr, s->lport, buf, len);
}

void
run_peer_map(struct run_ctx *r, size_t i, int sock)
{
	struct obs_sock *s = &r->obs->socks[sock];
	struct control_reply rep;
	char cmd[160], where[96], name[IP_ADDR_PORT_STRLEN];
	uint64_t id;

	if (r->peer == NULL)
		return;
	conn_name(r, sock, name, sizeof(name));
	snprintf(cmd, sizeof(cmd), "wait %s timeout=%dms", name,
	    MAP_TIMEOUT_MS);
	run_where(r, i, where, sizeof(where));
	if (run_peer_request(r, where, MAP_TIMEOUT_MS + RUN_CTL_TIMEOUT_MS,
		&rep, cmd) == -1)
		return;
	if (rep.ok && control_field_u64(rep.status, "conn", &id) == 0 &&
	    id <= UINT32_MAX)
		s->peer_conn_id = (uint32_t)id;
	control_reply_free(&rep);
}

/* The control command for peer step i, into cmd. */
static int
command(const struct run_ctx *r, const struct scn_step *st, char *cmd,
    size_t len, int *timeout_ms)
{
	uint64_t d =
	    st->duration_ns ? st->duration_ns : SCN_DEFAULT_WAIT_PEER_NS;
	char c[40] = "";

	if (st->sock >= 0)
		conn_name(r, st->sock, c, sizeof(c));
	*timeout_ms = RUN_CTL_TIMEOUT_MS;
	switch (st->kind) {
	case STEP_PEER_LISTEN:
		return snprintf(cmd, len, "listen %u %s", st->port, st->text);
	case STEP_PEER_BEHAVIOUR:
		return snprintf(cmd, len, "behaviour %s %s", c, st->text);
	case STEP_PEER_ACK_FIN: return snprintf(cmd, len, "ack-fin %s", c);
	case STEP_PEER_READ:
		if (st->size == 0)
			return snprintf(cmd, len, "read %s", c);
		return snprintf(cmd, len, "read %s %" PRIu64, c, st->size);
	case STEP_PEER_RESUME: return snprintf(cmd, len, "resume %s", c);
	case STEP_PEER_FIN: return snprintf(cmd, len, "fin %s", c);
	case STEP_PEER_RST: return snprintf(cmd, len, "rst %s", c);
	case STEP_PEER_SEND:
		return snprintf(cmd, len, "send %s %" PRIu64, c, st->size);
	case STEP_WAIT_PEER:
		d = (d + NS_PER_MS - 1) / NS_PER_MS; /* whole ms, rounded up */
		*timeout_ms = (int)d + RUN_CTL_TIMEOUT_MS;
		return snprintf(cmd, len, "wait %s %s timeout=%" PRIu64 "ms", c,
		    st->text, d);
	case STEP_PEER_CONNECT: /* run_server.c's */
	case STEP_SOCKET:	/* the client's, run_steps.c */
	case STEP_SET:
	case STEP_CONNECT:
	case STEP_SEND:
	case STEP_RECV:
	case STEP_SHUTDOWN:
	case STEP_CLOSE:
	case STEP_EXIT_CLOSE:
	case STEP_LISTEN:
	case STEP_ACCEPT:
	case STEP_WAIT:
	case STEP_SIGNAL:
	case STEP_REPEAT:
	case STEP_END:
	case STEP_KIND_COUNT: break;
	}
	return -1;
}

/* Peer steps on a socket need the socket to have been connected. */
static bool
has_conn(struct run_ctx *r, size_t i)
{
	const struct scn_step *st = &r->sc->steps[i];
	char where[96];

	if (st->sock < 0 || r->obs->socks[st->sock].connected)
		return true;
	run_where(r, i, where, sizeof(where));
	run_abort(r, OBS_ABORT_CASE,
	    "%s: %s never had a connection to the "
	    "peer (see its connect step)",
	    where, r->sc->socks[st->sock]);
	return false;
}

void
run_peer_step(struct run_ctx *r, size_t i)
{
	const struct scn_step *st = &r->sc->steps[i];
	struct obs_call *c = &r->obs->calls[i];
	struct control_reply rep;
	char cmd[512], where[96];
	int timeout_ms, rc;

	if (st->kind == STEP_PEER_CONNECT) {
		run_peer_connect(r, i);
		return;
	}
	if (!has_conn(r, i))
		return;
	run_where(r, i, where, sizeof(where));
	if (command(r, st, cmd, sizeof(cmd), &timeout_ms) < 0) {
		run_abort(r, OBS_ABORT_CASE,
		    "%s: not a peer step (a bug in "
		    "lingerlab: please report)",
		    where);
		return;
	}
	c->ran = true;
	c->t_start_ns = run_now(r);
	rc = run_peer_request(r, where, timeout_ms, &rep, cmd);
	c->t_end_ns = run_now(r);
	c->ret = rc == 1 ? 0 : -1;
	if (rc >= 0) {
		snprintf(c->detail, sizeof(c->detail), "%s", rep.status);
		control_reply_free(&rep);
	}
	run_emit_call(r, i);
	if (rc == 0 && st->kind == STEP_WAIT_PEER)
		run_abort(r, OBS_ABORT_CASE,
		    "%s: the peer's condition was not "
		    "met: %s",
		    where, c->detail);
	else if (rc == 0)
		run_abort(r, OBS_ABORT_CASE, "%s: lingerpeer refused '%s': %s",
		    where, cmd, c->detail);
}

int
run_peer_value(struct run_ctx *r, int sock, const char *key, char *buf,
    size_t len)
{
	struct control_reply rep;
	char cmd[128], name[IP_ADDR_PORT_STRLEN];
	int rc, found = 0;

	conn_name(r, sock, name, sizeof(name));
	snprintf(cmd, sizeof(cmd), "show %s", name);
	if ((rc = run_peer_request(r, cmd, RUN_CTL_TIMEOUT_MS, &rep, cmd)) ==
	    -1)
		return -1;
	if (rc == 1 && rep.nlines > 0 &&
	    control_field(rep.lines[0], key, buf, len) >= 0)
		found = 1;
	control_reply_free(&rep);
	return found;
}

void
run_peer_check(struct run_ctx *r, size_t i)
{
	struct run_peer *p = r->peer;
	char where[96];
	siginfo_t si;

	if (p == NULL || p->lost || r->sb == NULL || p->proc.pid <= 0)
		return;
	/* WNOWAIT: lost() reaps it, and reports how it ended. */
	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, (id_t)p->proc.pid, &si,
		WEXITED | WNOHANG | WNOWAIT) == -1 ||
	    si.si_pid == 0)
		return;
	if (i < r->sc->nsteps)
		run_where(r, i, where, sizeof(where));
	else
		snprintf(where, sizeof(where), "the end of the case");
	lost(r, where, "lingerpeer is no longer running");
}

void
run_peer_stop(struct run_ctx *r)
{
	if (r->peer != NULL && r->peer->ctl != NULL) {
		control_client_close(r->peer->ctl);
		r->peer->ctl = NULL;
	}
}

void
run_peer_finish(struct run_ctx *r)
{
	struct run_peer *p = r->peer;
	char buf[4096];
	ssize_t n;
	off_t off = 0;

	if (p == NULL)
		return;
	if (p->proc.out_fd >= 0)
		close(p->proc.out_fd);
	if (p->log != NULL && r->opt->verbose) {
		fprintf(stderr, "lingerlab: lingerpeer's log for %s:\n",
		    r->sc->case_name);
		fflush(stderr);
		while ((n = pread(fileno(p->log), buf, sizeof(buf), off)) > 0) {
			if (write(STDERR_FILENO, buf, (size_t)n) != n)
				break;
			off += n;
		}
	}
	if (p->log != NULL)
		fclose(p->log);
	free(p);
	r->peer = NULL;
}
