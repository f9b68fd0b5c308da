/*
 * run.h - the runner: execute scenario cases for real and record what
 * happened in a struct case_obs (observe.h) for the evaluator.
 *
 * Each case runs in a worker process of its own, forked by run_cases():
 * by default the worker builds a sandbox (client/sandbox/sandbox.h), becomes its
 * client side, starts lingerpeer on its peer side with the case's `peer
 * listen` ports, captures llcli0 and runs the steps. It streams what it
 * sees to the parent over a pipe (run_wire.h), so that a worker killed at
 * the case's timeout still leaves a partial record, and so that N workers
 * can run at once while results come out in input order.
 *
 * With opts->peer_control set, no sandbox is built: the cases run against
 * a lingerpeer that is already running (see docs/scenario-language.md,
 * "Running"), one at a time. With opts->agent set too (lab mode,
 * docs/lab.md), the sockets are not this system's either: lingerlab-agent
 * makes them on the system under test (run_sut.h), and the wire is what
 * that lingerpeer received and sent.
 */
#ifndef LINGERLAB_RUN_H
#define LINGERLAB_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "observe.h"
#include "platform.h"
#include "scenario.h"
#include "timeunit.h"

/*
 * A case's time limit when neither the scenario nor --timeout gives one,
 * and `wait peer` without `within`: scenario_defaults.h.
 */

/* How long `connect` waits for the handshake. */
#define RUN_CONNECT_TIMEOUT_NS (10 * NS_PER_S)

/* How long `accept` on a blocking socket waits for a connection. */
#define RUN_ACCEPT_TIMEOUT_NS (10 * NS_PER_S)

/* At most this many workers at once (--jobs). */
#define RUN_MAX_JOBS 64

/*
 * --live: the parent's view of the running case, as it happens. record()
 * gets each record of it as it arrives (the line as the worker wrote it,
 * with obs already updated by it), and line NULL once the worker is gone
 * and obs is complete. tick() is called whenever the parent wakes and
 * returns the milliseconds until it wants to be called again (-1: no
 * need), for a clock that ticks while a step blocks.
 */
struct run_live {
	void (*record)(void *arg, const struct case_obs *obs, const char *line);
	int (*tick)(void *arg);
	void *arg;
};

struct run_opts {
	/* --peer CONTROL: an existing lingerpeer; NULL: a sandbox per case */
	const char *peer_control;
	const char *peer_addr;	/* its address (--peer-addr) */
	const char *peer_token; /* --peer-token's token (read), or NULL */
	const char *iface;	/* capture there (--iface); NULL: none */
	/* lab mode: --agent ADDR:PORT, the system under test; NULL: this one */
	const char *agent;
	const char *agent_token; /* --agent-token's token (read), or NULL */
	uint64_t agent_wait_ns;	 /* --agent-wait: a lost agent's grace */
	const char *pcap_dir;	 /* one pcap file per case; NULL: none */
	uint64_t timeout_ns;	 /* --timeout; 0: the scenario's */
	unsigned jobs; /* at once (--jobs); 0: from the waits (run_order.h) */
	const char *lingerpeer;	     /* the binary, for sandboxes */
	bool verbose;		     /* lingerpeer's log to stderr */
	const struct run_live *live; /* --live; NULL: none */
};

/*
 * Called by run_cases() for each case in input order, as soon as it and
 * every case before it are done. obs stays valid until case_obs_free().
 */
typedef void (*run_done_fn)(size_t index, struct case_obs *obs, void *arg);

/*
 * Run n cases, up to opts->jobs at once, filling obs[0..n) (which the
 * caller frees with case_obs_free) and calling done in input order.
 * Returns 0, or -1 with err when the runner itself could not go on (no
 * fork, no pipe): the cases not run are then marked aborted with that
 * reason. Returns 1 when SIGINT, SIGTERM or SIGHUP stopped the run: the
 * running cases were killed and reported aborted ("interrupted by SIGINT,
 * in line N ..."), the cases never started were neither run nor reported
 * (done is not called for them, their obs are freed), and err says how
 * many of each ("interrupted by SIGINT: 3 cases done, 1 interrupted (NAME),
 * 5 not run").
 */
int run_cases(const struct scenario *const *cases, size_t n,
    const struct run_opts *opts, struct case_obs *obs, run_done_fn done,
    void *arg, char *err, size_t errlen);

/* How long a case waits for a lost agent to come back (--agent-wait). */
#define RUN_AGENT_WAIT_NS (30 * NS_PER_S)

/*
 * Lab mode, before the run: reach the agent once (no waiting: it must be
 * there, take the token and speak this protocol) and learn what it runs
 * on. 0, or -1 with why in err.
 */
int run_agent_hello(const struct run_opts *opts, struct plat_os_info *os,
    char *err, size_t errlen);
/*
 * Lab mode, before the run: reach the --peer lingerpeer once and ask its
 * clock, which lab mode needs and an older lingerpeer does not have. 0, or
 * -1 with why in err.
 */
int run_peer_hello(const struct run_opts *opts, char *err, size_t errlen);

/* The case's time limit: --timeout, else the scenario's, else 60 s. */
uint64_t run_case_timeout(const struct scenario *sc,
    const struct run_opts *opts);

/*
 * Run one case in this process, streaming records (run_wire.h) to out_fd.
 * For the worker process: it builds a sandbox unless opts->peer_control is
 * set, and ends the process (with _exit) when done. With go_fd >= 0 it
 * sets everything up first and waits for a byte on go_fd before the
 * case's time 0 (EOF: leave without running it); the case's end record
 * comes before the teardown, which the parent does not wait for.
 */
__attribute__((noreturn)) void run_case_worker(const struct scenario *sc,
    const struct run_opts *opts, int out_fd, int go_fd);

#endif
