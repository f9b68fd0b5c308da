/*
 * run_sut.c - the system under test: each call to the platform layer
 * here, or to lingerlab-agent in lab mode (run_sut.h).
 *
 * In lab mode a worker has a session of its own with the agent for its
 * case: it opens it, and closing it (or dying) has the agent reset every
 * socket the case made, as the end of a sandbox does locally. The agent's
 * times are mapped onto ours with the offset of the clock exchange whose
 * round trip was shortest; how far that offset moves when measured again
 * later is added to its bound, so that the bound reported covers drift.
 */
#include "run_sut.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_int.h"
#include "timeunit.h"

#define OPEN_TRY_MS    5000	/* one try at reaching the agent */
#define OPEN_PAUSE_MS  200	/* between tries */
#define REFRESH_NS     NS_PER_S /* the clock again after this long */
#define REFRESH_ROUNDS 4

struct run_sut {
	struct agent_client *ac;
	int64_t off_ns;	       /* the agent's clock minus ours */
	uint64_t bound_max_ns; /* the largest bound of an estimate */
	uint64_t drift_max_ns; /* the largest move between two */
	uint64_t est_at_ns;    /* the last estimate, on our clock */
};

bool
sut_is_agent(const struct run_ctx *r)
{
	return r->sut != NULL;
}

/* A refusal that trying again cannot change: a token, a version. */
static bool
final(const char *err)
{
	return strstr(err, ": auth-") != NULL ||
	    strstr(err, ": version:") != NULL ||
	    strstr(err, "this is no lingerlab-agent") != NULL;
}

/* The agent's session, tried again while busy or away, to the deadline. */
static struct agent_client *
reach(const struct run_opts *o, struct agent_hello *h, char *err, size_t errlen)
{
	uint64_t deadline = plat_now_ns() + o->agent_wait_ns, now;
	struct agent_client *ac;
	int ms;

	for (;;) {
		now = plat_now_ns();
		ms =
		    deadline > now && (deadline - now) / NS_PER_MS < OPEN_TRY_MS
		    ? (int)((deadline - now) / NS_PER_MS) + 1
		    : OPEN_TRY_MS;
		if ((ac = agent_client_open(o->agent, o->agent_token, ms, h,
			 err, errlen)) != NULL)
			return ac;
		if (final(err) || plat_now_ns() >= deadline)
			return NULL;
		(void)poll(NULL, 0, OPEN_PAUSE_MS);
	}
}

int
run_agent_hello(const struct run_opts *o, struct plat_os_info *os, char *err,
    size_t errlen)
{
	struct agent_hello h;
	struct agent_client *ac;

	if ((ac = agent_client_open(o->agent, o->agent_token, OPEN_TRY_MS, &h,
		 err, errlen)) == NULL)
		return -1;
	*os = h.os;
	agent_client_close(ac);
	return 0;
}

static int
estimate(struct run_sut *s, unsigned rounds)
{
	int64_t off;
	uint64_t bound, move;

	if (agent_clock_offset(s->ac, rounds, &off, &bound) == -1)
		return -1;
	if (s->est_at_ns != 0) {
		move = off > s->off_ns ? (uint64_t)(off - s->off_ns)
				       : (uint64_t)(s->off_ns - off);
		if (move > s->drift_max_ns)
			s->drift_max_ns = move;
	}
	if (bound > s->bound_max_ns)
		s->bound_max_ns = bound;
	s->off_ns = off;
	s->est_at_ns = plat_now_ns();
	return 0;
}

int
sut_open(struct run_ctx *r, struct plat_os_info *os, char *err, size_t errlen)
{
	struct agent_hello h;
	struct run_sut *s;
	char why[512];

	if (r->opt->agent == NULL) {
		plat_os_describe(os);
		return 0;
	}
	memset(os, 0, sizeof(*os));
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if ((s->ac = reach(r->opt, &h, why, sizeof(why))) == NULL) {
		snprintf(err, errlen, "%s%s", why,
		    final(why) ? ""
			       : " (tried again until --agent-wait ran out)");
		free(s);
		return -1;
	}
	*os = h.os;
	r->sut = s;
	if (estimate(s, SUT_CLOCK_ROUNDS) == -1) {
		snprintf(err, errlen, "lingerlab-agent at %s: %s",
		    r->opt->agent, agent_client_error(s->ac));
		sut_close(r);
		return -1;
	}
	return 0;
}

void
sut_close(struct run_ctx *r)
{
	if (r->sut == NULL)
		return;
	agent_client_close(r->sut->ac); /* quit: the agent resets the rest */
	free(r->sut);
	r->sut = NULL;
}

/* The agent could not carry out steps[i] (or the question what): stop. */
static int
failed(struct run_ctx *r, size_t i, const char *what)
{
	const struct agent_client *ac = r->sut->ac;
	char where[96];

	if (i < r->sc->nsteps)
		run_where(r, i, where, sizeof(where));
	else
		snprintf(where, sizeof(where), "%s", what);
	if (agent_client_lost(ac))
		run_abort(r, OBS_ABORT_AGENT,
		    "agent lost at %s: %s (lingerlab-agent "
		    "at %s)",
		    where, agent_client_error(ac), r->opt->agent);
	else
		run_abort(r, OBS_ABORT_CASE, "%s: %s", where,
		    agent_client_error(ac));
	errno = EIO;
	return -1;
}

void
sut_clock_refresh(struct run_ctx *r)
{
	struct run_sut *s = r->sut;

	if (s == NULL || r->stop || plat_now_ns() - s->est_at_ns < REFRESH_NS)
		return;
	if (estimate(s, REFRESH_ROUNDS) == -1)
		(void)failed(r, SIZE_MAX, "a clock exchange");
}

uint64_t
sut_clock_bound(const struct run_ctx *r)
{
	return r->sut == NULL ? 0 : r->sut->bound_max_ns + r->sut->drift_max_ns;
}

/* An agent's time on our clock. */
static uint64_t
ours(const struct run_sut *s, uint64_t t)
{
	int64_t v = (int64_t)t - s->off_ns;

	return t == 0 || v < 0 ? 0 : (uint64_t)v;
}

/* After an agent's call: its times on our clock, or the case stopped. */
static int
done(struct run_ctx *r, size_t i, int rc, struct plat_call *c)
{
	if (rc == -1)
		return failed(r, i, "a step");
	c->t_start_ns = ours(r->sut, c->t_start_ns);
	c->t_end_ns = ours(r->sut, c->t_end_ns);
	return 0;
}

int
sut_socket(struct run_ctx *r, size_t i, plat_sock *s, enum ip_family family,
    struct plat_call *c)
{
	if (r->sut == NULL) {
		plat_socket(s, family, c);
		return 0;
	}
	return done(r, i, agent_socket(r->sut->ac, s, family, c), c);
}

int
sut_setopt(struct run_ctx *r, size_t i, plat_sock s, enum plat_opt opt,
    int64_t value, struct plat_call *c)
{
	if (r->sut == NULL) {
		plat_setopt(s, opt, value, c);
		return 0;
	}
	return done(r, i, agent_setopt(r->sut->ac, s, opt, value, c), c);
}

int
sut_connect(struct run_ctx *r, size_t i, plat_sock s,
    const struct ip_addr *addr, uint16_t port, uint64_t timeout_ns,
    struct plat_call *c)
{
	if (r->sut == NULL) {
		plat_connect(s, addr, port, timeout_ns, c);
		return 0;
	}
	return done(r, i,
	    agent_connect(r->sut->ac, s, addr, port, timeout_ns, c), c);
}

int
sut_send(struct run_ctx *r, size_t i, plat_sock s, uint64_t size,
    bool until_blocked, struct plat_call *c)
{
	if (r->sut == NULL) {
		plat_send(s, size, until_blocked, c);
		return 0;
	}
	return done(r, i, agent_send(r->sut->ac, s, size, until_blocked, c), c);
}

int
sut_recv(struct run_ctx *r, size_t i, plat_sock s, uint64_t size,
    struct plat_call *c)
{
	if (r->sut == NULL) {
		plat_recv(s, size, c);
		return 0;
	}
	return done(r, i, agent_recv(r->sut->ac, s, size, c), c);
}

int
sut_shutdown(struct run_ctx *r, size_t i, plat_sock s, int how,
    struct plat_call *c)
{
	if (r->sut == NULL) {
		plat_shutdown(s, how, c);
		return 0;
	}
	return done(r, i, agent_shutdown(r->sut->ac, s, how, c), c);
}

int
sut_close_sock(struct run_ctx *r, size_t i, plat_sock s, struct plat_call *c)
{
	if (r->sut == NULL) {
		plat_close(s, c);
		return 0;
	}
	return done(r, i, agent_close(r->sut->ac, s, c), c);
}

int
sut_exit_close(struct run_ctx *r, size_t i, plat_sock s, struct plat_call *c)
{
	if (r->sut == NULL) {
		plat_exit_close(s, c);
		return 0;
	}
	return done(r, i, agent_exit_close(r->sut->ac, s, c), c);
}

int
sut_listen(struct run_ctx *r, size_t i, plat_sock s, const struct ip_addr *addr,
    uint16_t port, struct plat_call *c)
{
	if (r->sut == NULL) {
		plat_listen(s, addr, port, c);
		return 0;
	}
	return done(r, i, agent_listen(r->sut->ac, s, addr, port, c), c);
}

int
sut_accept(struct run_ctx *r, size_t i, plat_sock s, uint64_t timeout_ns,
    plat_sock *out, struct plat_call *c)
{
	if (r->sut == NULL) {
		plat_accept(s, timeout_ns, out, c);
		return 0;
	}
	return done(r, i, agent_accept(r->sut->ac, s, timeout_ns, out, c), c);
}

int
sut_signal_after(struct run_ctx *r, size_t i, uint64_t after_ns,
    struct plat_call *c)
{
	if (r->sut == NULL) {
		plat_signal_after(after_ns, c);
		return 0;
	}
	return done(r, i, agent_signal_after(r->sut->ac, after_ns, c), c);
}

uint64_t
sut_signal_handled_ns(const struct run_ctx *r)
{
	if (r->sut == NULL)
		return plat_signal_handled_ns();
	return ours(r->sut, agent_signal_handled_ns(r->sut->ac));
}

int
sut_sock_names(struct run_ctx *r, size_t i, plat_sock s, struct ip_addr *laddr,
    uint16_t *lport, struct ip_addr *raddr, uint16_t *rport)
{
	struct agent_client *ac;

	if (r->sut == NULL)
		return plat_sock_names(s, laddr, lport, raddr, rport);
	ac = r->sut->ac;
	if (agent_sock_names(ac, s, laddr, lport, raddr, rport) == 0)
		return 0;
	/* A connection reset before it was named has no names: no fault. */
	if (!agent_client_lost(ac)) {
		errno = ENOTCONN;
		return -1;
	}
	return failed(r, i, "a socket's names");
}

int
sut_source_addr(struct run_ctx *r, const struct ip_addr *addr,
    struct ip_addr *from)
{
	struct agent_client *ac;

	if (r->sut == NULL)
		return plat_source_addr(addr, from);
	ac = r->sut->ac;
	if (agent_source_addr(ac, addr, from) == 0)
		return 0;
	if (!agent_client_lost(ac)) {
		errno = ENETUNREACH; /* its `route` found none */
		return -1;
	}
	return failed(r, SIZE_MAX, "the route to the peer");
}

int
sut_tcp_state(struct run_ctx *r, size_t i, const struct ip_addr *laddr,
    uint16_t lport, const struct ip_addr *raddr, uint16_t rport, char *name,
    size_t len)
{
	if (r->sut == NULL)
		return plat_tcp_state(laddr, lport, raddr, rport, name, len);
	if (agent_tcp_state(r->sut->ac, laddr, lport, raddr, rport, name,
		len) == 0)
		return 0;
	return failed(r, i, "a socket's state");
}

/* A probe the agent could not answer: lost (the case stops) or refused. */
static int
probe_failed(struct run_ctx *r, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s", agent_client_error(r->sut->ac));
	if (agent_client_lost(r->sut->ac))
		(void)failed(r, SIZE_MAX, "a resource probe");
	return -1;
}

int
sut_probe_proc(struct run_ctx *r, struct plat_proc *p, char *err, size_t errlen)
{
	if (r->sut == NULL)
		return plat_probe_proc(p, err, errlen);
	if (agent_probe_proc(r->sut->ac, p) == 0)
		return 0;
	return probe_failed(r, err, errlen);
}

int
sut_probe_socks(struct run_ctx *r, struct plat_socks *s, char *err,
    size_t errlen)
{
	if (r->sut == NULL)
		return plat_probe_socks(s, err, errlen);
	if (agent_probe_socks(r->sut->ac, s) == 0)
		return 0;
	return probe_failed(r, err, errlen);
}

int
sut_probe_counters(struct run_ctx *r, const char *const *names, int64_t *values,
    size_t n, char *err, size_t errlen)
{
	if (r->sut == NULL)
		return plat_probe_counters(names, values, n, err, errlen);
	if (agent_probe_counters(r->sut->ac, names, values, n) == 0)
		return 0;
	return probe_failed(r, err, errlen);
}
