/*
 * run_server.c - the server side: the system under test listens
 * (`listen`), the peer opens a connection to it (`peer connect PORT as
 * SOCK [SPEC]`) and `accept` takes it.
 *
 * The name `peer connect` gives stands for that connection as soon as its
 * handshake is done, before accept takes it: the peer knows it by the id
 * it answered with, and sock_diag finds it in the listener's queue by its
 * four-tuple, so peer steps, `wait peer`, `expect state` and `expect peer`
 * work on it at once. accept then gives the name a descriptor, and must
 * hand out that very connection: a name never silently changes meaning.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "control_client.h"
#include "run_int.h"
#include "run_sut.h"
#include "run_wire.h"
#include "timeunit.h"

void
run_listen(struct run_ctx *r, size_t i, struct plat_call *pc)
{
	const struct scn_step *st = &r->sc->steps[i];

	if (sut_listen(r, i, r->sock[st->sock],
		&r->client_addr[run_fam(r->sc->sock_family[st->sock])],
		st->port, pc) == 0)
		run_record(r, i, pc);
}

/* ---- peer connect ---- */

/* Why nothing listens on port: what the `listen` steps of it came to. */
static void
not_listening(struct run_ctx *r, const char *where, uint16_t port,
    size_t closed, size_t failed, size_t none)
{
	const struct scn_step *ls =
	    &r->sc->steps[closed != none ? closed : failed];
	const char *l = r->sc->socks[ls->sock];

	if (closed != none)
		run_abort(r, OBS_ABORT_CASE,
		    "%s: nothing listens on port %u: "
		    "%s, which listened on it, was closed at line %" PRIu32 "; "
		    "connect before closing it",
		    where, port, l, r->closed_line[ls->sock]);
	else if (failed != none)
		run_abort(r, OBS_ABORT_CASE,
		    "%s: nothing listens on port %u: "
		    "`listen %s %u` at line %" PRIu32 " failed (%s); the peer "
		    "can only connect to a port that listens",
		    where, port, l, port, ls->pos.line,
		    r->obs->calls[failed].err_name);
	else
		run_abort(r, OBS_ABORT_CASE,
		    "%s: nothing listens on port %u; "
		    "add `listen SOCK %u` before it",
		    where, port, port);
}

/* Whether something listens on step i's port now; stops the case if not. */
static bool
listening(struct run_ctx *r, size_t i, const char *where)
{
	uint16_t port = r->sc->steps[i].port;
	const struct obs_call *c;
	size_t k, closed = i, failed = i;

	for (k = i; k-- > 0;) {
		if (r->sc->steps[k].kind != STEP_LISTEN ||
		    r->sc->steps[k].port != port)
			continue;
		c = &r->obs->calls[k];
		if (!c->ran || c->ret != 0)
			failed = failed == i ? k : failed;
		else if (r->sock[r->sc->steps[k].sock] != PLAT_SOCK_NONE)
			return true;
		else
			closed = closed == i ? k : closed;
	}
	not_listening(r, where, port, closed, failed, i);
	return false;
}

/* The control command: `connect 192.0.2.1:8000 [SPEC]`. */
static void
connect_cmd(const struct run_ctx *r, const struct scn_step *st, char *cmd,
    size_t len)
{
	const struct ip_addr *to =
	    &r->client_addr[run_fam(r->sc->sock_family[st->sock2])];
	char a[IP_ADDR_PORT_STRLEN];

	/* the peer names an IPv6 end in brackets: [2001:db8::1]:8000 */
	snprintf(cmd, len, "connect %s%s%s",
	    ip_addr_format_port(to, st->port, a, sizeof(a)),
	    st->text[0] != '\0' ? " " : "", st->text);
}

/* Send it; the peer's connection id and port. 0, or -1 (case stopped). */
static int
ask_connect(struct run_ctx *r, const char *where, const char *cmd,
    struct obs_call *c, uint32_t *id, uint16_t *port)
{
	struct control_reply rep;
	uint64_t v_id = 0, v_port = 0;
	int rc;

	if ((rc = run_peer_request(r, where, RUN_CTL_TIMEOUT_MS, &rep, cmd)) ==
	    -1)
		return -1;
	snprintf(c->detail, sizeof(c->detail), "%s", rep.status);
	if (rc == 1 &&
	    (control_field_u64(rep.status, "conn", &v_id) != 0 ||
		control_field_u64(rep.status, "port", &v_port) != 0 ||
		v_id == 0 || v_id > UINT32_MAX || v_port == 0 ||
		v_port > UINT16_MAX))
		rc = 0;
	if (rc == 0 && rep.ok)
		run_abort(r, OBS_ABORT_CASE,
		    "%s: lingerpeer answered '%s' with "
		    "'%s', which names no connection (conn= and port=); use the "
		    "lingerpeer built with this lingerlab",
		    where, cmd, rep.status);
	else if (rc == 0)
		run_abort(r, OBS_ABORT_CASE, "%s: lingerpeer refused '%s': %s",
		    where, cmd, rep.status);
	control_reply_free(&rep);
	*id = (uint32_t)v_id;
	*port = (uint16_t)v_port;
	return rc == 1 ? 0 : -1;
}

/* Until the handshake is done. 0, or -1 (case stopped). */
static int
wait_established(struct run_ctx *r, const char *where, uint32_t id,
    uint16_t port, struct obs_call *c)
{
	struct control_reply rep;
	uint64_t ms = RUN_CONNECT_TIMEOUT_NS / NS_PER_MS;
	char cmd[96];
	int rc;

	snprintf(cmd, sizeof(cmd),
	    "wait %" PRIu32 " state=ESTABLISHED "
	    "timeout=%" PRIu64 "ms",
	    id, ms);
	rc =
	    run_peer_request(r, where, (int)ms + RUN_CTL_TIMEOUT_MS, &rep, cmd);
	if (rc == -1)
		return -1;
	if (rc == 0) {
		snprintf(c->detail, sizeof(c->detail), "%s", rep.status);
		run_abort(r, OBS_ABORT_CASE,
		    "%s: the peer's connection to port "
		    "%u was not established: %s",
		    where, port, rep.status);
	}
	control_reply_free(&rep);
	return rc == 1 ? 0 : -1;
}

void
run_peer_connect(struct run_ctx *r, size_t i)
{
	const struct scn_step *st = &r->sc->steps[i];
	struct obs_call *c = &r->obs->calls[i];
	struct obs_sock *s;
	char where[96], cmd[SCN_TEXT_MAX + 64];
	uint32_t id = 0;
	uint16_t port = 0;
	int rc;

	run_where(r, i, where, sizeof(where));
	if (st->sock2 < 0 || (size_t)st->sock2 >= r->sc->nsocks) {
		run_abort(r, OBS_ABORT_CASE,
		    "%s: names no socket (a bug in the "
		    "parser: please report)",
		    where);
		return;
	}
	if (!listening(r, i, where))
		return;
	connect_cmd(r, st, cmd, sizeof(cmd));
	c->ran = true;
	c->t_start_ns = run_now(r);
	rc = ask_connect(r, where, cmd, c, &id, &port);
	if (rc == 0)
		rc = wait_established(r, where, id, port, c);
	c->t_end_ns = run_now(r);
	c->ret = rc;
	run_emit_call(r, i);
	if (rc != 0)
		return;
	s = &r->obs->socks[st->sock2];
	s->connected = true;
	s->laddr = r->client_addr[run_fam(r->sc->sock_family[st->sock2])];
	s->lport = st->port;
	s->raddr = *run_peer_addr(r, st->sock2);
	s->rport = port;
	s->peer_conn_id = id;
	run_emit_sock(r, (size_t)st->sock2);
}

/* ---- accept ---- */

/* The socket whose connection this is, among those without a descriptor
 * of their own yet (and n), or -1. */
static int
owner(const struct run_ctx *r, int n, const struct obs_sock *got)
{
	const struct obs_sock *s;
	size_t k;

	for (k = 0; k < r->sc->nsocks; k++) {
		s = &r->obs->socks[k];
		if (s->connected && ((int)k == n || r->made_step[k] == 0) &&
		    s->lport == got->lport &&
		    ip_addr_eq(&s->raddr, &got->raddr) &&
		    s->rport == got->rport)
			return (int)k;
	}
	return -1;
}

/* accept() took a connection that is not the one the name stands for. */
static void
not_named(struct run_ctx *r, size_t i, int n, int o, const struct obs_sock *got)
{
	char where[96], a[IP_ADDR_PORT_STRLEN], whose[64];

	run_where(r, i, where, sizeof(where));
	ip_addr_format_port(&got->raddr, got->rport, a, sizeof(a));
	if (o >= 0)
		snprintf(whose, sizeof(whose), "the one named %s",
		    r->sc->socks[o]);
	else
		snprintf(whose, sizeof(whose), "one no `peer connect` made");
	run_abort(r, OBS_ABORT_CASE,
	    "%s: accept() returned the connection from "
	    "%s, %s, not %s's: the system hands out connections in the order "
	    "they were made, so accept them in the order of their `peer "
	    "connect` lines",
	    where, a, whose, r->sc->socks[n]);
}

/* Give name n the connection accepted into r->sock[n]. */
static void
take(struct run_ctx *r, size_t i, int n)
{
	struct obs_sock got = { .connected = true }, *named = &r->obs->socks[n];
	int o;

	/* A connection reset before accept has no peer name: keep ours. */
	if (sut_sock_names(r, i, r->sock[n], &got.laddr, &got.lport, &got.raddr,
		&got.rport) == -1)
		return;
	o = owner(r, n, &got);
	if (o == n)
		return;
	if (o >= 0 || named->connected) {
		not_named(r, i, n, o, &got);
		return;
	}
	/* A new name: found at the peer as a client's connection is. */
	*named = got;
	run_emit_sock(r, (size_t)n);
	run_peer_map(r, i, n);
	run_emit_sock(r, (size_t)n);
}

void
run_accept(struct run_ctx *r, size_t i, struct plat_call *pc)
{
	const struct scn_step *st = &r->sc->steps[i];
	struct obs_call *c = &r->obs->calls[i];
	int n = st->sock2;

	if (n < 0 || (size_t)n >= r->sc->nsocks) {
		run_abort(r, OBS_ABORT_CASE,
		    "step %zu names no new socket (a bug "
		    "in the parser: please report)",
		    i + 1);
		return;
	}
	if (sut_accept(r, i, r->sock[st->sock], RUN_ACCEPT_TIMEOUT_NS,
		&r->sock[n], pc) == -1)
		return;
	r->made_step[n] = i + 1;
	r->closed_line[n] = 0;
	if (pc->ret < 0 &&
	    pc->t_end_ns - pc->t_start_ns >= RUN_ACCEPT_TIMEOUT_NS)
		snprintf(c->detail, sizeof(c->detail),
		    "no connection came within "
		    "%" PRIu64 " s, lingerlab's limit for a blocking accept; "
		    "`peer connect` makes one",
		    (uint64_t)(RUN_ACCEPT_TIMEOUT_NS / NS_PER_S));
	run_record(r, i, pc);
	if (r->sock[n] != PLAT_SOCK_NONE)
		take(r, i, n);
}
