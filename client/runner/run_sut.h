/*
 * run_sut.h - the system under test, as the worker sees it: the one it
 * runs on (the platform layer, platform.h), or one far away that
 * lingerlab-agent drives for it (client/agent/agent_client.h: lab mode,
 * `lingerlab run --agent`, docs/lab.md). Every socket call, socket state
 * and resource probe of the runner goes through here and nowhere else, so
 * the rest of the runner does not know which of the two it is.
 *
 * Each sut_X() takes what plat_X() takes, after the worker and the step
 * it is for (i: steps[i]; SIZE_MAX: none, such as the end of the case),
 * and fills the same struct plat_call, its times on this process's
 * monotonic clock whichever system ran the call (an agent's are mapped
 * onto it with the clock offset sut_open() measured). The calls return 0
 * when the system carried the step out (a call that failed included: its
 * error is in the plat_call), or -1 when it could not be asked: the case
 * is then stopped, "agent lost" when the agent went away, and nothing is
 * to be recorded for the step.
 */
#ifndef LINGERLAB_RUN_SUT_H
#define LINGERLAB_RUN_SUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agent_client.h"
#include "platform.h"

struct run_ctx;

/* Exchanges per clock estimate: the one with the shortest round trip counts. */
#define SUT_CLOCK_ROUNDS 8

/*
 * For one case: nothing on this system; in lab mode the agent's session,
 * tried again while the agent is busy (with the last case's runner) or
 * unreachable, up to --agent-wait, then its clock. Fills *os with what the
 * system says it is. 0, or -1 with why in err (no record is written: the
 * caller says it once the case's head is out).
 */
int sut_open(struct run_ctx *r, struct plat_os_info *os, char *err,
    size_t errlen);

/* Lab mode: the agent's session ended (its sockets reset); else nothing. */
void sut_close(struct run_ctx *r);

/* Whether the system under test is an agent's (lab mode). */
bool sut_is_agent(const struct run_ctx *r);

/*
 * Lab mode: measure the agent's clock again when a second has passed
 * since the last time (cheap: a few round trips). The offset's moves
 * between measurements go into the bound.
 */
void sut_clock_refresh(struct run_ctx *r);
/* The bound of the agent's clock mapping over the case; 0 locally. */
uint64_t sut_clock_bound(const struct run_ctx *r);

/* The steps. */
int sut_socket(struct run_ctx *r, size_t i, plat_sock *s, enum ip_family family,
    struct plat_call *c);
int sut_setopt(struct run_ctx *r, size_t i, plat_sock s, enum plat_opt opt,
    int64_t value, struct plat_call *c);
int sut_connect(struct run_ctx *r, size_t i, plat_sock s,
    const struct ip_addr *addr, uint16_t port, uint64_t timeout_ns,
    struct plat_call *c);
int sut_send(struct run_ctx *r, size_t i, plat_sock s, uint64_t size,
    bool until_blocked, struct plat_call *c);
int sut_recv(struct run_ctx *r, size_t i, plat_sock s, uint64_t size,
    struct plat_call *c);
int sut_shutdown(struct run_ctx *r, size_t i, plat_sock s, int how,
    struct plat_call *c);
int sut_close_sock(struct run_ctx *r, size_t i, plat_sock s,
    struct plat_call *c);
int sut_exit_close(struct run_ctx *r, size_t i, plat_sock s,
    struct plat_call *c);
int sut_listen(struct run_ctx *r, size_t i, plat_sock s,
    const struct ip_addr *addr, uint16_t port, struct plat_call *c);
int sut_accept(struct run_ctx *r, size_t i, plat_sock s, uint64_t timeout_ns,
    plat_sock *out, struct plat_call *c);
int sut_signal_after(struct run_ctx *r, size_t i, uint64_t after_ns,
    struct plat_call *c);
/* When the last `signal after` was handled, on our clock; 0: not yet. */
uint64_t sut_signal_handled_ns(const struct run_ctx *r);

/*
 * The questions, as plat_sock_names(), plat_source_addr() and
 * plat_tcp_state(): 0, or -1 with errno (locally), or with the case
 * stopped (the agent lost, or its refusal said in the case's reason).
 */
int sut_sock_names(struct run_ctx *r, size_t i, plat_sock s,
    struct ip_addr *laddr, uint16_t *lport, struct ip_addr *raddr,
    uint16_t *rport);
int sut_source_addr(struct run_ctx *r, const struct ip_addr *addr,
    struct ip_addr *from);
int sut_tcp_state(struct run_ctx *r, size_t i, const struct ip_addr *laddr,
    uint16_t lport, const struct ip_addr *raddr, uint16_t rport, char *name,
    size_t len);

/*
 * The resource probes, as plat_probe_proc(), plat_probe_socks() and
 * plat_probe_counters() (PLAT_UNKNOWN where the system does not say). 0,
 * or -1 with what failed in err (and, an agent lost, the case stopped).
 */
int sut_probe_proc(struct run_ctx *r, struct plat_proc *p, char *err,
    size_t errlen);
int sut_probe_socks(struct run_ctx *r, struct plat_socks *s, char *err,
    size_t errlen);
int sut_probe_counters(struct run_ctx *r, const char *const *names,
    int64_t *values, size_t n, char *err, size_t errlen);

#endif
