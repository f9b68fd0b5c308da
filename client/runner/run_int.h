/*
 * run_int.h - the runner's worker, inside: one case being run in this
 * process. Private to run_*.c.
 *
 *   run_case.c     the worker: set up, run the steps in order, tear down,
 *                  and stream what it records to the parent
 *   run_points.c   expectations at the left margin: wait and look
 *   run_steps.c    socket steps, through the platform layer
 *   run_server.c   the server side: listen, peer connect, accept
 *   run_peer.c     lingerpeer: start, control, socket names to conn ids
 *   run_capture.c  libpcap on the client's link
 *   run_jobs.c     the parent: workers, timeouts, results in input order
 */
#ifndef LINGERLAB_RUN_INT_H
#define LINGERLAB_RUN_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "observe.h"
#include "platform.h"
#include "run.h"
#include "scenario.h"

/* How long one control request may take, `wait` apart. */
#define RUN_CTL_TIMEOUT_MS 5000

struct control_reply;
struct run_capture;
struct run_peer;
struct sandbox;

struct run_ctx {
	const struct scenario *sc;
	const struct run_opts *opt;
	struct case_obs *obs;
	int out_fd;			/* records to the parent */
	uint64_t t0;			/* monotonic ns at the case's start */
	bool stop;			/* aborted: run no more steps */
	/* the system under test's sockets, by scenario index */
	plat_sock sock[SCN_MAX_SOCKS];
	size_t made_step[SCN_MAX_SOCKS];	/* `socket` step + 1, 0: none */
	uint32_t closed_line[SCN_MAX_SOCKS];	/* close line, 0: open */
	/* where the peer is */
	struct sandbox *sb;		/* NULL with --peer */
	uint32_t peer_addr;		/* host order */
	uint32_t client_addr;		/* ours toward the peer; with `listen` only */
	struct run_peer *peer;		/* NULL: no lingerpeer (none needed) */
	struct run_capture *cap;	/* NULL: no capture */
	size_t signal_step;		/* armed `signal after` step + 1, 0: none */
	bool quiet;			/* in a repeat block: no call records */
	size_t cur_block;		/* the last repeat step begun + 1, 0: none */
	uint32_t cur_iters;		/* iterations that block has done */
	uint64_t next_sample_ns;	/* when waiting, the next probe sample */
};

/* run_case.c */
uint64_t run_now(const struct run_ctx *r);	/* ns since the case began */
/* One record line of len bytes to the parent (run_case.c); exits when the
 * parent is gone. */
void	run_emit(struct run_ctx *r, const char *line, size_t len);
void	run_emit_call(struct run_ctx *r, size_t i);
void	run_emit_point(struct run_ctx *r, size_t i, size_t j);
void	run_emit_sock(struct run_ctx *r, size_t s);
void	run_abort(struct run_ctx *r, enum obs_abort kind, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* Take in what the capture has, classify it, stream it. 0 or -1. */
int	run_collect(struct run_ctx *r);
/* "line 12: close c" for messages. */
const char *run_where(const struct run_ctx *r, size_t i, char *buf,
	    size_t len);
/* Record a call's result from the platform's (times made relative). */
void	run_record(struct run_ctx *r, size_t i, const struct plat_call *pc);

/* run_repeat.c: repeat blocks and resource probes */
/* Run the block that starts at step i; returns the index of its end. */
size_t	run_repeat(struct run_ctx *r, size_t i);
/* Name the probe series and tell the parent (when the case has probes). */
void	run_probe_init(struct run_ctx *r);
void	run_probe_sample(struct run_ctx *r, enum obs_sample_kind kind,
	    uint32_t iter);
/* While waiting after a block: sample when due. The earlier of t and the
 * next sample's time, for the wait to wake at. */
void	run_probe_tick(struct run_ctx *r);
uint64_t run_probe_next(const struct run_ctx *r, uint64_t t);
/* A probe expectation reached at t: sample, polling until it holds. */
void	run_probe_point(struct run_ctx *r, size_t i, size_t j, uint64_t t);

/* run_points.c */
void	run_points(struct run_ctx *r, size_t i);
/* Let time pass until t (ns since the start), capturing all along. */
void	run_wait_until(struct run_ctx *r, uint64_t t);

/* run_steps.c */
bool	run_is_sock_step(enum scn_step_kind k);
void	run_sock_step(struct run_ctx *r, size_t i);
/* If the armed signal was handled during this call, say so in its detail. */
void	run_signal_note(struct run_ctx *r, const struct plat_call *pc,
	    struct obs_call *c);

/* run_server.c */
void	run_listen(struct run_ctx *r, size_t i, struct plat_call *pc);
void	run_accept(struct run_ctx *r, size_t i, struct plat_call *pc);
void	run_peer_connect(struct run_ctx *r, size_t i);

/* run_peer.c */
bool	run_is_peer_step(enum scn_step_kind k);
int	run_peer_start(struct run_ctx *r, char *err, size_t errlen);
void	run_peer_step(struct run_ctx *r, size_t i);
/*
 * One control request, what says where for messages. 1 with an ok reply,
 * 0 with an err reply (both in *rep, to be freed), -1 when there is no
 * peer or it was lost (the case is stopped then).
 */
int	run_peer_request(struct run_ctx *r, const char *what, int timeout_ms,
	    struct control_reply *rep, const char *cmd);
/* After SOCK connected: find the peer's connection id for it. */
void	run_peer_map(struct run_ctx *r, size_t i, int sock);
/* The value of key in the peer's record of sock; 1 found, 0 not, -1 lost. */
int	run_peer_value(struct run_ctx *r, int sock, const char *key,
	    char *buf, size_t len);
/*
 * Before step i (i == nsteps: at the end): a sandbox's lingerpeer that has
 * died since the last look stops the case with "peer lost", also when no
 * step talked to it meanwhile (a `wait`, a close() blocking on linger).
 */
void	run_peer_check(struct run_ctx *r, size_t i);
/* Close the control connection (lingerpeer goes with the sandbox). */
void	run_peer_stop(struct run_ctx *r);
/* After the sandbox is gone: show lingerpeer's log if asked, free. */
void	run_peer_finish(struct run_ctx *r);

/* run_capture.c */
/* Segments are streamed to out_fd as `seg` records as they are taken in. */
struct run_capture *rcap_open(const char *iface, uint32_t peer_addr,
	    const char *pcap_path, bool filter_ports, int out_fd, char *err,
	    size_t errlen);
/*
 * From time 0 (t0, monotonic ns) on: a reader process of its own reads
 * the capture, so that segments are streamed while a step blocks. -1 when
 * it could not be started: the capture is then read between steps, as
 * rcap_collect() is called.
 */
int	rcap_start(struct run_capture *c, uint64_t t0);
/* Stop the reader after its last read (then rcap_collect takes the rest). */
void	rcap_stop(struct run_capture *c);
/*
 * Let the reader stream every segment captured until now (it has to be
 * running; nothing is taken into the case_obs, nothing decided).
 */
void	rcap_sync(struct run_capture *c);
/*
 * The connections of the case are now those of obs->socks: the reader
 * may stream their segments without waiting for rcap_collect().
 */
void	rcap_know(struct run_capture *c, const struct case_obs *obs);
/* What to poll for "segments came": readable, call rcap_collect(). */
int	rcap_fd(const struct run_capture *c);
/*
 * Append what came since to obs->segs, classified (wire_classify.h) and
 * streamed; decide on segments of connections not known before (obs->socks
 * now says). n new, or -1 with err.
 */
int	rcap_collect(struct run_capture *c, struct case_obs *obs, char *err,
	    size_t errlen);
/* Stops the reader; drops the kernel reported; closes the pcap file. */
void	rcap_close(struct run_capture *c, uint64_t *drops);

#endif
