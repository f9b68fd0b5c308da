/*
 * test_agent_steps.c - every step kind of the scenario language carried
 * out by lingerlab-agent against lingerpeer, and every question: each
 * step answers; its errors are named as its system names them (EBADF or
 * WSAENOTSOCK, ...); its times are measured, a lingering close's and an
 * interrupted call's included; the state after close, the probes and the
 * counters answer or say unknown.
 *
 * The agent is the Linux build, or with --windows the Windows build under
 * Wine (agent_run.h). What both must do is asserted for both; what the
 * Linux kernel does is asserted exactly on Linux; what Wine does where
 * Windows documents otherwise is left to docs/windows.md, whose table is
 * made by running the scenario library against this same agent.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "agent_client.h"
#include "agent_run.h"
#include "itest.h"

#define MS	    1000000ull
#define S	    (1000 * MS)
#define SERVER_PORT 9000 /* the agent's listener, which the peer calls */

static struct agent_client *ac;

/* A step the agent carried out (its reply came), whatever the call did. */
#define STEP(call)                                                             \
	ITEST_CHECKF((call) == 0, "%s: %s", #call, agent_client_error(ac))

/* The call failed with the error the scenarios name so here. */
static void
expect_fail(const struct plat_call *c, const char *name, const char *what)
{
	ITEST_CHECKF(c->ret == -1 && c->err != 0 &&
		strcmp(c->err_name, aut_err(name)) == 0,
	    "%s: ret=%lld err=%d '%s', wanted %s", what, (long long)c->ret,
	    c->err, c->err_name, aut_err(name));
}

static void
expect_ok(const struct plat_call *c, const char *what)
{
	ITEST_CHECKF(c->ret >= 0 && c->err == 0 && c->err_name[0] == '\0' &&
		c->t_end_ns >= c->t_start_ns,
	    "%s: ret=%lld '%s'", what, (long long)c->ret, c->err_name);
}

static plat_sock
new_socket(void)
{
	struct plat_call c;
	plat_sock s;

	STEP(agent_socket(ac, &s, IPF_V4, &c));
	expect_ok(&c, "socket");
	return s;
}

static void
set(plat_sock s, enum plat_opt opt, int64_t v, const char *what)
{
	struct plat_call c;

	STEP(agent_setopt(ac, s, opt, v, &c));
	expect_ok(&c, what);
}

static plat_sock
connected(int port, bool nonblocking)
{
	plat_sock s = new_socket();
	struct plat_call c;

	if (nonblocking)
		set(s, PLAT_OPT_NONBLOCKING, 0, "set nonblocking");
	STEP(agent_connect(ac, s, AGENT_PEER_IP, (uint16_t)port, 5 * S, &c));
	expect_ok(&c, "connect");
	return s;
}

/* Every option; Linux's own ones fail on Windows as an unknown option
 * does; a linger Winsock cannot hold is refused there, not cut. */
static void
options(void)
{
	plat_sock s = new_socket();
	struct plat_call c;

	set(s, PLAT_OPT_LINGER_OFF, 0, "set linger-off");
	set(s, PLAT_OPT_LINGER, 1, "set linger 1");
	set(s, PLAT_OPT_NONBLOCKING, 0, "set nonblocking");
	set(s, PLAT_OPT_BLOCKING, 0, "set blocking");
	set(s, PLAT_OPT_SNDBUF, 65536, "set sndbuf");
	set(s, PLAT_OPT_RCVBUF, 65536, "set rcvbuf");
	set(s, PLAT_OPT_NODELAY, 1, "set nodelay");
	STEP(agent_setopt(ac, s, PLAT_OPT_LINGER, 70000, &c));
	if (aut.windows)
		expect_fail(&c, "INVAL", "set linger 70000 (u_short)");
	else
		expect_ok(&c, "set linger 70000");
	STEP(agent_setopt(ac, s, PLAT_OPT_USER_TIMEOUT, 5000, &c));
	if (aut.windows)
		expect_fail(&c, "NOPROTOOPT", "set user-timeout");
	else
		expect_ok(&c, "set user-timeout");
	STEP(agent_setopt(ac, s, PLAT_OPT_LINGER2, 5, &c));
	if (aut.windows)
		expect_fail(&c, "NOPROTOOPT", "set linger2");
	else
		expect_ok(&c, "set linger2");
	STEP(agent_close(ac, s, &c));
	expect_ok(&c, "close");
}

/* connect refused, send, send until-blocked, a recv that would block,
 * shutdown each way, a close on no socket. */
static void
data_steps(void)
{
	plat_sock s = new_socket(), f, q;
	struct plat_call c;

	STEP(agent_connect(ac, s, AGENT_PEER_IP, AGENT_CLOSED_PORT, 5 * S, &c));
	expect_fail(&c, "CONNREFUSED", "connect to a closed port");
	STEP(agent_close(ac, s, &c));

	f = connected(AGENT_FULL_PORT, true);
	STEP(agent_send(ac, f, 1000, false, &c));
	ITEST_CHECKF(c.ret == 1000 && c.bytes == 1000, "send 1000: %lld",
	    (long long)c.ret);
	STEP(agent_send(ac, f, 0, true, &c));
	ITEST_CHECKF(c.ret > 0 && c.bytes == (uint64_t)c.ret,
	    "send "
	    "until-blocked: %lld '%s'",
	    (long long)c.ret, c.err_name);
	STEP(agent_recv(ac, f, 100, &c));
	expect_fail(&c, "WOULDBLOCK", "recv, nothing there, non-blocking");

	q = connected(AGENT_QUIET_PORT, false);
	STEP(agent_shutdown(ac, q, 0, &c));
	expect_ok(&c, "shutdown rd");
	STEP(agent_shutdown(ac, q, 1, &c));
	expect_ok(&c, "shutdown wr");
	STEP(agent_shutdown(ac, q, 2, &c));
	ITEST_CHECKF(c.ret == 0 || aut_named(c.err_name), "shutdown rdwr: %s",
	    c.err_name);
	STEP(agent_close(ac, q, &c));
	expect_ok(&c, "close after shutdown");

	STEP(agent_close(ac, PLAT_SOCK_NONE, &c));
	expect_fail(&c, aut.windows ? "NOTSOCK" : "BADF", "close none");
}

/* A blocking close lingering against a FIN swallowed, then exit-close;
 * times measured, states answered. */
static void
closes(void)
{
	plat_sock s = connected(AGENT_SWALLOW_PORT, false), e;
	struct plat_call c;
	struct ip_addr la, ra;
	uint16_t lp, rp;
	char state[32];
	uint64_t took;

	set(s, PLAT_OPT_LINGER, 1, "set linger 1");
	STEP(agent_send(ac, s, 4096, false, &c));
	STEP(agent_sock_names(ac, s, &la, &lp, &ra, &rp));
	STEP(agent_close(ac, s, &c));
	took = c.t_end_ns - c.t_start_ns;
	ITEST_CHECKF(c.ret == 0 || aut_named(c.err_name), "close: '%s'",
	    c.err_name);
	ITEST_CHECKF(took <= 3 * S, "a 1 s linger took %.3f s", took / 1e9);
	if (!aut.windows)
		ITEST_CHECKF(took >= 900 * MS, "close took %.3f s, not 1 s",
		    took / 1e9);
	STEP(agent_tcp_state(ac, &la, lp, &ra, rp, state, sizeof(state)));
	ITEST_CHECKF(aut.windows ? strcmp(state, "unknown") != 0
				 : strcmp(state, "FIN_WAIT1") == 0,
	    "state after close: %s", state);

	e = connected(AGENT_SWALLOW_PORT, false);
	STEP(agent_sock_names(ac, e, &la, &lp, &ra, &rp));
	STEP(agent_exit_close(ac, e, &c));
	expect_ok(&c, "exit-close");
	ITEST_CHECKF(c.t_end_ns - c.t_start_ns <= 3 * S,
	    "exit-close took "
	    "%.3f s",
	    (c.t_end_ns - c.t_start_ns) / 1e9);
	STEP(agent_tcp_state(ac, &la, lp, &ra, rp, state, sizeof(state)));
	/* The process's exit closed it: a FIN the peer swallows. */
	ITEST_CHECKF(strcmp(state, "FIN_WAIT1") == 0 ||
		(aut.windows && strcmp(state, "unknown") != 0),
	    "state after exit-close: %s", state);
	/* The socket is gone from the session either way. */
	ITEST_CHECK(agent_close(ac, e, &c) == -1 && !agent_client_lost(ac));
}

/* listen, accept without a connection (non-blocking, then with a
 * deadline), the peer's own connect accepted. */
static void
server_steps(void)
{
	plat_sock l = new_socket(), n;
	struct plat_call c;
	struct ip_addr la, ra;
	uint16_t lp, rp;
	char cmd[96];

	STEP(agent_listen(ac, l, AGENT_CLIENT_IP, SERVER_PORT, &c));
	expect_ok(&c, "listen");
	set(l, PLAT_OPT_NONBLOCKING, 0, "set nonblocking");
	STEP(agent_accept(ac, l, S, &n, &c));
	expect_fail(&c, "WOULDBLOCK", "accept, non-blocking, none waiting");
	set(l, PLAT_OPT_BLOCKING, 0, "set blocking");
	STEP(agent_accept(ac, l, 200 * MS, &n, &c));
	expect_fail(&c, "TIMEDOUT", "accept within 200ms, none coming");
	ITEST_CHECKF(c.t_end_ns - c.t_start_ns >= 190 * MS,
	    "accept gave up "
	    "after %.3f s",
	    (c.t_end_ns - c.t_start_ns) / 1e9);
	snprintf(cmd, sizeof(cmd), "connect 192.0.2.1:%d", SERVER_PORT);
	aut_peer_cmd(cmd);
	STEP(agent_accept(ac, l, 5 * S, &n, &c));
	expect_ok(&c, "accept");
	ITEST_CHECK(n != PLAT_SOCK_NONE);
	STEP(agent_sock_names(ac, n, &la, &lp, &ra, &rp));
	ITEST_CHECK(ip_addr_eq(&la, AGENT_CLIENT_IP) && lp == SERVER_PORT &&
	    ip_addr_eq(&ra, AGENT_PEER_IP));
}

/*
 * signal after: the call blocking when it fires ends early, and the reply
 * says when it fired, within the call. On Linux a lingering close: the
 * platform retries a recv or an accept that EINTR ended, so the close is
 * the call a signal cuts short (scenarios/linger/signal.scn), returning 0.
 * On Windows the timer ends a recv and an accept (platform_win32_signal.c)
 * with an error, named.
 */
static void
check_interrupted(const struct plat_call *c, const char *what)
{
	uint64_t at = agent_signal_handled_ns(ac);
	uint64_t took = c->t_end_ns - c->t_start_ns;

	ITEST_CHECKF(took >= 150 * MS && took <= 2 * S,
	    "%s interrupted "
	    "after %.3f s, not about 0.2 s",
	    what, took / 1e9);
	ITEST_CHECKF(at >= c->t_start_ns && at <= c->t_end_ns,
	    "%s: the signal "
	    "at %llu, the call %llu-%llu",
	    what, (unsigned long long)at, (unsigned long long)c->t_start_ns,
	    (unsigned long long)c->t_end_ns);
}

static void
signals(void)
{
	struct plat_call c;
	plat_sock s, n;

	if (!aut.windows) {
		s = connected(AGENT_SWALLOW_PORT, false);
		set(s, PLAT_OPT_LINGER, 2, "set linger 2");
		STEP(agent_send(ac, s, 4096, false, &c));
		STEP(agent_signal_after(ac, 200 * MS, &c));
		expect_ok(&c, "signal after 200ms");
		STEP(agent_close(ac, s, &c));
		expect_ok(&c, "close, a signal into its linger");
		check_interrupted(&c, "close");
		return;
	}
	s = connected(AGENT_QUIET_PORT, false);
	STEP(agent_signal_after(ac, 200 * MS, &c));
	expect_ok(&c, "signal after 200ms");
	STEP(agent_recv(ac, s, 100, &c));
	ITEST_CHECKF(c.ret == -1 && aut_named(c.err_name),
	    "recv interrupted: "
	    "ret=%lld '%s'",
	    (long long)c.ret, c.err_name);
	check_interrupted(&c, "recv");
	s = new_socket();
	STEP(agent_listen(ac, s, AGENT_CLIENT_IP, SERVER_PORT + 1, &c));
	STEP(agent_signal_after(ac, 200 * MS, &c));
	STEP(agent_accept(ac, s, 5 * S, &n, &c));
	expect_fail(&c, "INTR", "accept interrupted");
	check_interrupted(&c, "accept");
}

/* The questions: route, probes, counters; unknown where not counted. */
static void
questions(void)
{
	const char *names[2] = { "TCPAbortOnLinger", "OutRsts" };
	plat_sock q = connected(AGENT_QUIET_PORT, false);
	struct plat_socks so;
	struct plat_proc pp;
	int64_t v[2];
	struct ip_addr from;
	size_t n;

	(void)q;
	STEP(agent_source_addr(ac, AGENT_PEER_IP, &from));
	ITEST_CHECK(ip_addr_eq(&from, AGENT_CLIENT_IP));
	STEP(agent_probe_proc(ac, &pp));
	ITEST_CHECK(pp.threads > 0 || pp.threads == PLAT_UNKNOWN);
	ITEST_CHECK(pp.fds > 0 || pp.fds == PLAT_UNKNOWN);
	ITEST_CHECK(pp.rss_kib > 0 || pp.rss_kib == PLAT_UNKNOWN);
	STEP(agent_probe_socks(ac, &so));
	ITEST_CHECKF(so.by_state[1] >= 1, "ESTABLISHED=%lld with one open",
	    (long long)so.by_state[1]);
	ITEST_CHECK(so.by_state[10] >= 1); /* the agent's own LISTEN */
	STEP(agent_probe_counters(ac, names, v, 2));
	/* Each system knows its own counter only. */
	ITEST_CHECKF(aut.windows ? v[0] == PLAT_UNKNOWN && v[1] >= 0
				 : v[0] >= 0 && v[1] == PLAT_UNKNOWN,
	    "counters: %lld %lld", (long long)v[0], (long long)v[1]);
	STEP(agent_reset(ac, &n));
	ITEST_CHECKF(n >= 1, "reset %u sockets", (unsigned)n);
}

static void
every_step_child(void)
{
	struct agent_hello h;
	char err[512];

	aut_setup(NULL, -1);
	ac = agent_client_open(AGENT_ADDR, NULL, 5000, &h, err, sizeof(err));
	ITEST_CHECKF(ac != NULL, "%s", err);
	ITEST_CHECK(strcmp(h.os.name, aut.windows ? "Windows" : "Linux") == 0);
	options();
	data_steps();
	closes();
	server_steps();
	signals();
	questions();
	agent_client_close(ac);
	aut_teardown();
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		ITEST_CASE("every_step_kind", every_step_child, false),
	};

	aut_init(argc, argv);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
