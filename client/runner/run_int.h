/*
 * run_int.h - the runner's worker, inside: one case being run in this
 * process, and the functions one part of the worker calls in another
 * (each group below names the file that defines it).
 * Private to client/runner/; the capture, which `lingerlab observe` uses
 * too, is published in run_capture.h. docs/architecture.md says what each
 * file of the runner does.
 */
#ifndef LINGERLAB_RUN_INT_H
#define LINGERLAB_RUN_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "ip_address.h"
#include "observe.h"
#include "platform.h"
#include "run.h"
#include "run_capture.h"
#include "scenario.h"

/* How long one control request may take, `wait` apart. */
#define RUN_CTL_TIMEOUT_MS 5000

/*
 * Lab mode: how often the wire (lingerpeer's event log) is read while the
 * runner waits for a segment or for time to pass.
 */
#define PWIRE_POLL_MS 5

struct control_reply;
struct run_capture;
struct run_peer;
struct run_pwire;
struct run_sut;
struct sandbox;

struct run_ctx {
	const struct scenario *sc;
	const struct run_opts *opt;
	struct case_obs *obs;
	int out_fd;  /* records to the parent */
	uint64_t t0; /* monotonic ns at the case's start */
	bool stop;   /* aborted: run no more steps */
	/* the system under test's sockets, by scenario index */
	plat_sock sock[SCN_MAX_SOCKS];
	size_t made_step[SCN_MAX_SOCKS];     /* `socket` step + 1, 0: none */
	uint32_t closed_line[SCN_MAX_SOCKS]; /* close line, 0: open */
	/* where the peer is */
	struct sandbox *sb; /* NULL with --peer */
	/* by family, [0] IPv4 and [1] IPv6 (run_fam()); IPF_NONE: none */
	struct ip_addr peer_addr[2];   /* the peer's */
	struct ip_addr client_addr[2]; /* ours toward it; with `listen` only */
	struct run_peer *peer;	       /* NULL: no lingerpeer (none needed) */
	struct run_capture *cap;       /* NULL: no capture */
	struct run_sut *sut;	       /* lab mode: the agent (run_sut.h); NULL:
					   this system */
	struct run_pwire *pwire;       /* lab mode: the wire from lingerpeer */
	/* lab mode: the sockets by state when the case began (run_repeat.c) */
	int64_t socks_base[PLAT_TCP_NSTATES];
	size_t signal_step;	 /* armed `signal after` step + 1, 0: none */
	bool quiet;		 /* in a repeat block: no call records */
	size_t cur_block;	 /* the last repeat step begun + 1, 0: none */
	uint32_t cur_iters;	 /* iterations that block has done */
	uint64_t next_sample_ns; /* when waiting, the next probe sample */
};

/* The index into peer_addr and client_addr of a family (enum scn_family). */
static inline size_t
run_fam(unsigned family)
{
	return family == SCN_FAM_IPV6 ? 1 : 0;
}

/* The peer's address a socket of the scenario talks to. */
static inline const struct ip_addr *
run_peer_addr(const struct run_ctx *r, int sock)
{
	return &r->peer_addr[run_fam(r->sc->sock_family[sock])];
}

/* run_addr.c */
/*
 * The peer's address of each family the case uses, and ours toward it
 * for a case that listens. 0, or -1 with why in err ("" when the case has
 * stopped already: the agent lost).
 */
int run_addrs(struct run_ctx *r, char *err, size_t errlen);

/* run_case.c */
uint64_t run_now(const struct run_ctx *r); /* ns since the case began */
/* One record line of len bytes to the parent (run_case.c); exits when the
 * parent is gone. */
void run_emit(struct run_ctx *r, const char *line, size_t len);
void run_emit_call(struct run_ctx *r, size_t i);
void run_emit_point(struct run_ctx *r, size_t i, size_t j);
void run_emit_sock(struct run_ctx *r, size_t s);
void run_abort(struct run_ctx *r, enum obs_abort kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Take in what the capture has, classify it, stream it. 0 or -1. */
int run_collect(struct run_ctx *r);
/* "line 12: close c" for messages. */
const char *run_where(const struct run_ctx *r, size_t i, char *buf, size_t len);
/* Record a call's result from the platform's (times made relative). */
void run_record(struct run_ctx *r, size_t i, const struct plat_call *pc);

/* run_repeat.c: repeat blocks and resource probes */
/* Run the block that starts at step i; returns the index of its end. */
size_t run_repeat(struct run_ctx *r, size_t i);
/* Name the probe series and tell the parent (when the case has probes). */
void run_probe_init(struct run_ctx *r);
void run_probe_sample(struct run_ctx *r, enum obs_sample_kind kind,
    uint32_t iter);
/* While waiting after a block: sample when due. The earlier of t and the
 * next sample's time, for the wait to wake at. */
void run_probe_tick(struct run_ctx *r);
uint64_t run_probe_next(const struct run_ctx *r, uint64_t t);
/* A probe expectation reached at t: sample, polling until it holds. */
void run_probe_point(struct run_ctx *r, size_t i, size_t j, uint64_t t);

/* run_points.c */
void run_points(struct run_ctx *r, size_t i);
/* Let time pass until t (ns since the start), capturing all along. */
void run_wait_until(struct run_ctx *r, uint64_t t);

/* run_steps.c */
void run_sock_step(struct run_ctx *r, size_t i);
/* If the armed signal was handled during this call, say so in its detail. */
void run_signal_note(struct run_ctx *r, const struct plat_call *pc,
    struct obs_call *c);

/* run_server.c */
void run_listen(struct run_ctx *r, size_t i, struct plat_call *pc);
void run_accept(struct run_ctx *r, size_t i, struct plat_call *pc);
void run_peer_connect(struct run_ctx *r, size_t i);

/* run_peer_wire.c: lab mode's wire, lingerpeer's event log */
/* Where the case's events begin, and lingerpeer's clock. 0, or -1 (the
 * case stopped). */
int pwire_open(struct run_ctx *r);
void pwire_close(struct run_ctx *r);
/* Read what is new, classify it, stream it. 0, or -1 (the case stopped). */
int pwire_collect(struct run_ctx *r);
/* As sut_clock_refresh() and sut_clock_bound() (run_sut.h). */
void pwire_clock_refresh(struct run_ctx *r);
uint64_t pwire_clock_bound(const struct run_ctx *r);
/*
 * After the case: lingerpeer resets every connection the case opened
 * that it still holds open, so that what the system under test left
 * behind (an orphan retransmitting its FIN, a peer that swallows it) dies
 * with the case, as a sandbox's does with its namespaces.
 */
void pwire_reset_conns(struct run_ctx *r);

/* run_peer.c */
int run_peer_start(struct run_ctx *r, char *err, size_t errlen);
void run_peer_step(struct run_ctx *r, size_t i);
/*
 * One control request, what says where for messages. 1 with an ok reply,
 * 0 with an err reply (both in *rep, to be freed), -1 when there is no
 * peer or it was lost (the case is stopped then).
 */
int run_peer_request(struct run_ctx *r, const char *what, int timeout_ms,
    struct control_reply *rep, const char *cmd);
/* After SOCK connected: find the peer's connection id for it. */
void run_peer_map(struct run_ctx *r, size_t i, int sock);
/* The value of key in the peer's record of sock; 1 found, 0 not, -1 lost. */
int run_peer_value(struct run_ctx *r, int sock, const char *key, char *buf,
    size_t len);
/*
 * Before step i (i == nsteps: at the end): a sandbox's lingerpeer that has
 * died since the last look stops the case with "peer lost", also when no
 * step talked to it meanwhile (a `wait`, a close() blocking on linger).
 */
void run_peer_check(struct run_ctx *r, size_t i);
/* Close the control connection (lingerpeer goes with the sandbox). */
void run_peer_stop(struct run_ctx *r);
/* After the sandbox is gone: show lingerpeer's log if asked, free. */
void run_peer_finish(struct run_ctx *r);

#endif
