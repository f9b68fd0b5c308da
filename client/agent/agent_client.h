/*
 * agent_client.h - the runner's end of lingerlab-agent: connect, say
 * hello, and then the platform layer's calls (platform.h) carried out on
 * the agent's system instead of this one.
 *
 * Each agent_X() takes what plat_X() takes, with the client first, and
 * fills the same struct plat_call, timed on the agent's monotonic clock
 * and with the error named there (c->err_name). A plat_sock here is the
 * agent's handle of the socket, not a descriptor of this process;
 * PLAT_SOCK_NONE stays "no socket". So a runner holding a
 * struct agent_client can call agent_X where it called plat_X, and nothing
 * else about a step changes.
 *
 * Every function returns 0 when the agent carried the request out (a
 * call that failed included: its error is in c), or -1 with
 * agent_client_error() saying why. After -1, agent_client_lost() tells a
 * refusal of this one request (no such socket, a question the system
 * could not answer) from the agent lost (connection gone, a reply not in
 * time, nonsense): a lost client refuses everything after, since a late
 * reply would be taken for the next request's.
 */
#ifndef LINGERLAB_AGENT_CLIENT_H
#define LINGERLAB_AGENT_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agent_proto.h"
#include "platform.h"

struct agent_client;

/* What the agent said it runs on, in its hello. */
struct agent_hello {
	uint32_t protocol;
	struct plat_os_info os;
	uint64_t now_ns; /* its monotonic clock then */
	char agent_version[32];
};

/*
 * Connect to endpoint ("127.0.0.1:7900", "192.0.2.50:7900"; beyond
 * loopback only with a token), within timeout_ms, read the greeting,
 * authenticate with token (NULL: none; an agent that wants one refuses
 * then), say hello and fill *hello. NULL with why in err: unreachable,
 * busy, wrong token, another protocol version (the agent's own message).
 */
struct agent_client *agent_client_open(const char *endpoint, const char *token,
    int timeout_ms, struct agent_hello *hello, char *err, size_t errlen);

/* Say quit (the agent resets every socket of the session) and close. */
void agent_client_close(struct agent_client *ac);

const char *agent_client_error(const struct agent_client *ac);
bool agent_client_lost(const struct agent_client *ac);

/*
 * How long a step's reply may take, in ms (negative: no limit, the
 * default: a close() may linger as long as SO_LINGER says, and the
 * agent's keepalives end a session whose network was cut). Questions
 * (names, route, state, probes, clock, reset) always get 10 s.
 */
void agent_client_set_step_timeout(struct agent_client *ac, int ms);

/* The steps: as plat_socket() ... plat_signal_after() (platform.h). */
int agent_socket(struct agent_client *ac, plat_sock *s, enum ip_family family,
    struct plat_call *c);
int agent_setopt(struct agent_client *ac, plat_sock s, enum plat_opt opt,
    int64_t value, struct plat_call *c);
int agent_connect(struct agent_client *ac, plat_sock s,
    const struct ip_addr *addr, uint16_t port, uint64_t timeout_ns,
    struct plat_call *c);
int agent_send(struct agent_client *ac, plat_sock s, uint64_t size,
    bool until_blocked, struct plat_call *c);
int agent_recv(struct agent_client *ac, plat_sock s, uint64_t size,
    struct plat_call *c);
int agent_shutdown(struct agent_client *ac, plat_sock s, int how,
    struct plat_call *c);
int agent_close(struct agent_client *ac, plat_sock s, struct plat_call *c);
int agent_exit_close(struct agent_client *ac, plat_sock s, struct plat_call *c);
int agent_listen(struct agent_client *ac, plat_sock s,
    const struct ip_addr *addr, uint16_t port, struct plat_call *c);
int agent_accept(struct agent_client *ac, plat_sock s, uint64_t timeout_ns,
    plat_sock *out, struct plat_call *c);
int agent_signal_after(struct agent_client *ac, uint64_t after_ns,
    struct plat_call *c);

/*
 * When the last `signal-after` was handled on the agent, as of the last
 * call's reply (plat_signal_handled_ns()); 0: not yet.
 */
uint64_t agent_signal_handled_ns(const struct agent_client *ac);

/* The questions: as plat_sock_names(), plat_source_addr(),
 * plat_tcp_state() and the plat_probe_*() (PLAT_UNKNOWN where the agent's
 * system does not say). */
int agent_sock_names(struct agent_client *ac, plat_sock s,
    struct ip_addr *laddr, uint16_t *lport, struct ip_addr *raddr,
    uint16_t *rport);
int agent_source_addr(struct agent_client *ac, const struct ip_addr *addr,
    struct ip_addr *from);
int agent_tcp_state(struct agent_client *ac, const struct ip_addr *laddr,
    uint16_t lport, const struct ip_addr *raddr, uint16_t rport, char *name,
    size_t len);
int agent_probe_proc(struct agent_client *ac, struct plat_proc *p);
int agent_probe_socks(struct agent_client *ac, struct plat_socks *s);
int agent_probe_counters(struct agent_client *ac, const char *const *names,
    int64_t *values, size_t n);

/* Reset every socket of the session (the runner's between cases). */
int agent_reset(struct agent_client *ac, size_t *n);

/*
 * The offset of the agent's monotonic clock from this process's
 * (CLOCK_MONOTONIC): agent time = ours + *offset_ns, give or take
 * *bound_ns (half the shortest round trip of rounds `clock` exchanges,
 * whose offset is taken).
 */
int agent_clock_offset(struct agent_client *ac, unsigned rounds,
    int64_t *offset_ns, uint64_t *bound_ns);

#endif
