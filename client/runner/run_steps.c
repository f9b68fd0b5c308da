/*
 * run_steps.c - the steps that are system calls on the system under test:
 * socket, set, connect, send, recv, shutdown, close, exit-close, listen,
 * accept (the server side is in run_server.c); and `wait DURATION`, which
 * lets time pass.
 *
 * Every call goes to the system under test (run_sut.h: the platform
 * layer here, or lingerlab-agent), which measures it; a call that fails is
 * recorded, not judged: whether it should have failed is for the
 * expectations to say. Only a step that needs a socket the scenario never
 * made, or closed already, stops the case: there is nothing to call then;
 * and an agent lost, since nothing can be called any more.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "run_int.h"
#include "run_plat.h"
#include "run_sut.h"
#include "run_wire.h"
#include "scenario_defaults.h"
#include "scenario_parse.h"

/* `signal after D`: arm the timer; the call it interrupts says so. */
static void
do_signal(struct run_ctx *r, size_t i)
{
	struct plat_call pc;

	if (sut_signal_after(r, i, r->sc->steps[i].duration_ns, &pc) == -1)
		return;
	r->signal_step = pc.ret == 0 ? i + 1 : 0;
	run_record(r, i, &pc);
}

void
run_signal_note(struct run_ctx *r, const struct plat_call *pc,
    struct obs_call *c)
{
	uint64_t t = sut_signal_handled_ns(r);
	const struct scn_step *sig;

	if (r->signal_step == 0 || t == 0 || t < pc->t_start_ns ||
	    t > pc->t_end_ns)
		return;
	sig = &r->sc->steps[r->signal_step - 1];
	snprintf(c->detail, sizeof(c->detail),
	    "SIGALRM arrived %.3f s into "
	    "the call, from `signal` at line %" PRIu32,
	    (double)(t - pc->t_start_ns) / 1e9, sig->pos.line);
	r->signal_step = 0;
}

/* Whether step i's socket can be used; aborts the case when not. */
static bool
usable(struct run_ctx *r, size_t i)
{
	const struct scn_step *st = &r->sc->steps[i];
	int s = st->sock;
	size_t m;
	char where[96];

	if (r->sock[s] != PLAT_SOCK_NONE)
		return true;
	/*
	 * Using a socket after close() is a legitimate experiment (closing
	 * twice, closesocket() again on Windows): the call runs on no
	 * descriptor and fails EBADF, as it does in a program whose number
	 * was not reused. Never the old number: the runner may hold it now.
	 */
	if (r->closed_line[s] != 0 && st->kind != STEP_EXIT_CLOSE &&
	    st->kind != STEP_CONNECT && st->kind != STEP_LISTEN &&
	    st->kind != STEP_ACCEPT)
		return true;
	m = r->made_step[s];
	run_where(r, i, where, sizeof(where));
	if (r->closed_line[s] != 0)
		run_abort(r, OBS_ABORT_CASE,
		    "%s: %s was closed at line %" PRIu32
		    "; a closed socket cannot be used again",
		    where, r->sc->socks[s], r->closed_line[s]);
	else if (m != 0)
		run_abort(r, OBS_ABORT_CASE,
		    "%s: %s does not exist: %s failed "
		    "at line %" PRIu32 " (%s)",
		    where, r->sc->socks[s],
		    scn_step_name(r->sc->steps[m - 1].kind),
		    r->sc->steps[m - 1].pos.line,
		    r->obs->calls[m - 1].err_name);
	else
		run_abort(r, OBS_ABORT_CASE,
		    "%s: %s does not exist yet; add "
		    "`socket %s` before it",
		    where, r->sc->socks[s], r->sc->socks[s]);
	return false;
}

/* The port `connect SOCK` goes to: its own, else the first `peer listen`. */
static uint16_t
connect_port(const struct scenario *sc, const struct scn_step *st)
{
	size_t i;

	if (st->port != 0)
		return st->port;
	for (i = 0; i < sc->nsteps; i++)
		if (sc->steps[i].kind == STEP_PEER_LISTEN)
			return sc->steps[i].port;
	return 0;
}

static void
do_connect(struct run_ctx *r, size_t i, struct plat_call *pc)
{
	const struct scn_step *st = &r->sc->steps[i];
	struct obs_sock *os = &r->obs->socks[st->sock];
	uint16_t port = connect_port(r->sc, st);
	char where[96];

	if (port == 0) {
		run_where(r, i, where, sizeof(where));
		run_abort(r, OBS_ABORT_CASE,
		    "%s: no port to connect to: give "
		    "`port N` or a `peer listen` line",
		    where);
		return;
	}
	if (sut_connect(r, i, r->sock[st->sock], run_peer_addr(r, st->sock),
		port, RUN_CONNECT_TIMEOUT_NS, pc) == -1)
		return;
	run_record(r, i, pc);
	if (pc->ret != 0)
		return;
	if (sut_sock_names(r, i, r->sock[st->sock], &os->laddr, &os->lport,
		&os->raddr, &os->rport) == 0)
		os->connected = true;
	if (r->stop)
		return;
	run_emit_sock(r, (size_t)st->sock);
	run_peer_map(r, i, st->sock);
	run_emit_sock(r, (size_t)st->sock);
}

/* Close and exit-close: the socket is gone afterwards, whatever came back. */
static void
do_close(struct run_ctx *r, size_t i, struct plat_call *pc)
{
	const struct scn_step *st = &r->sc->steps[i];
	int rc;

	if (st->kind == STEP_CLOSE)
		rc = sut_close_sock(r, i, r->sock[st->sock], pc);
	else
		rc = sut_exit_close(r, i, r->sock[st->sock], pc);
	r->sock[st->sock] = PLAT_SOCK_NONE;
	r->closed_line[st->sock] = st->pos.line;
	if (rc == 0)
		run_record(r, i, pc);
}

static void
do_socket(struct run_ctx *r, size_t i, struct plat_call *pc)
{
	const struct scn_step *st = &r->sc->steps[i];
	char where[96];

	if (r->sock[st->sock] != PLAT_SOCK_NONE) {
		run_where(r, i, where, sizeof(where));
		run_abort(r, OBS_ABORT_CASE,
		    "%s: %s exists already (made at "
		    "line %" PRIu32 "); use another name",
		    where, r->sc->socks[st->sock],
		    r->sc->steps[r->made_step[st->sock] - 1].pos.line);
		return;
	}
	if (sut_socket(r, i, &r->sock[st->sock],
		r->sc->sock_family[st->sock] == SCN_FAM_IPV6 ? IPF_V6 : IPF_V4,
		pc) == -1)
		return;
	r->made_step[st->sock] = i + 1;
	r->closed_line[st->sock] = 0;
	memset(&r->obs->socks[st->sock], 0, sizeof(r->obs->socks[0]));
	run_record(r, i, pc);
}

/* `wait DURATION`: let time pass, capturing all along. */
static void
do_wait(struct run_ctx *r, size_t i)
{
	struct obs_call *c = &r->obs->calls[i];

	c->ran = true;
	c->t_start_ns = run_now(r);
	run_wait_until(r, c->t_start_ns + r->sc->steps[i].duration_ns);
	c->t_end_ns = run_now(r);
	run_emit_call(r, i);
}

void
run_sock_step(struct run_ctx *r, size_t i)
{
	const struct scn_step *st = &r->sc->steps[i];
	struct plat_call pc;

	if (scn_step_takes_sock(st->kind) &&
	    (st->sock < 0 || (size_t)st->sock >= r->sc->nsocks)) {
		run_abort(r, OBS_ABORT_CASE,
		    "step %zu names no socket (a bug "
		    "in the parser: please report)",
		    i + 1);
		return;
	}
	/* socket makes its socket; every other call needs one */
	if (scn_step_is_call(st->kind) && st->kind != STEP_SOCKET &&
	    !usable(r, i))
		return;
	switch (st->kind) {
	case STEP_SIGNAL: do_signal(r, i); return;
	case STEP_WAIT: do_wait(r, i); return;
	case STEP_SOCKET: do_socket(r, i, &pc); return;
	case STEP_SET:
		if (sut_setopt(r, i, r->sock[st->sock], run_plat_opt(st->opt),
			st->value, &pc) == 0)
			run_record(r, i, &pc);
		return;
	case STEP_CONNECT: do_connect(r, i, &pc); return;
	case STEP_SEND:
		if (sut_send(r, i, r->sock[st->sock], st->size,
			st->until_blocked, &pc) == 0)
			run_record(r, i, &pc);
		return;
	case STEP_RECV:
		if (sut_recv(r, i, r->sock[st->sock],
			st->size != 0 ? st->size : SCN_DEFAULT_RECV_SIZE,
			&pc) == 0)
			run_record(r, i, &pc);
		return;
	case STEP_SHUTDOWN:
		if (sut_shutdown(r, i, r->sock[st->sock], st->how, &pc) == 0)
			run_record(r, i, &pc);
		return;
	case STEP_CLOSE:
	case STEP_EXIT_CLOSE: do_close(r, i, &pc); return;
	case STEP_LISTEN: run_listen(r, i, &pc); return;
	case STEP_ACCEPT: run_accept(r, i, &pc); return;
	case STEP_PEER_LISTEN: /* run_peer.c's */
	case STEP_PEER_BEHAVIOUR:
	case STEP_PEER_ACK_FIN:
	case STEP_PEER_READ:
	case STEP_PEER_RESUME:
	case STEP_PEER_FIN:
	case STEP_PEER_RST:
	case STEP_PEER_SEND:
	case STEP_PEER_CONNECT:
	case STEP_WAIT_PEER:
	case STEP_REPEAT: /* run_repeat.c's */
	case STEP_END:
	case STEP_KIND_COUNT: break;
	}
	run_abort(r, OBS_ABORT_CASE,
	    "step kind %d is not a socket step "
	    "(a bug in lingerlab: please report)",
	    (int)st->kind);
}
