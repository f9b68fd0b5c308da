/*
 * live_view.h - `lingerlab run --live`: what a running case does, one line
 * per event, laid out like a ladder diagram turned into a log: the time
 * from the case's start, then the client's side (its steps, and each
 * segment as an arrow that points the way it went), then the peer's side
 * (its behaviour changes):
 *
 *      time  client                                 peer
 *   +0.000s                                         peer listen 7002 swallow-fin: ok
 *   +0.000s  socket c returned 14 after 12us
 *   +0.000s  connect c port 7002 ...
 *   +0.000s  client ---- SYN -------------------->  peer  seq 0 win 64240
 *   +0.001s  client <---------------- SYN ACK ----  peer  seq 0 ack 1 win 65535
 *   +0.001s  client ---- ACK -------------------->  peer  seq 1 ack 1 win 63
 *   +0.001s  connect c port 7002 returned 0 after 125us
 *   +0.001s  close c ...
 *   +0.001s  client ---- FIN ACK ---------------->  peer  seq 1 ack 1 win 63
 *   +0.206s  client ~~~~ FIN ACK ~~~~~~~~~~~~~~~~>  peer  seq 1 ack 1 win 63 retx
 *   +1.017s  close c returned 0 after 1.016s
 *   +1.017s    PASS  expect linux: returns 0
 *
 * Flags are written out and retransmissions and probes drawn with '~', as
 * `--diagram` does, so the two read alike. Sequence and acknowledgement
 * numbers are relative to each side's first sequence number seen on the
 * connection, as Wireshark shows them. With more than one socket in the
 * case, both ends carry their ports.
 *
 * Pure code: every function formats one event into a buffer (snprintf's
 * rules: never overflows, returns the length it wanted; no newline at the
 * end). The terminal, the clock and the ticking are live_term.c's.
 */
#ifndef LINGERLAB_LIVE_VIEW_H
#define LINGERLAB_LIVE_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "observe.h"
#include "scenario.h"
#include "verdict.h"

#define LIVE_MAX_CONNS 64  /* connections whose numbers are made relative */
#define LIVE_LINE_MAX  512 /* every line fits */

/* One connection's first sequence numbers, per side (0: client). */
struct live_conn {
	uint16_t client_port, peer_port;
	bool has_isn[2];
	uint32_t isn[2];
};

struct live_view {
	const struct scenario *sc;
	bool ports; /* show ports: the case has several sockets */
	struct live_conn conns[LIVE_MAX_CONNS];
	size_t nconns;
};

void live_view_init(struct live_view *v, const struct scenario *sc);

/* The case's first lines: name, description and the column heads ('\n'
 * between them, none at the end). */
size_t live_fmt_case(const struct live_view *v, char *buf, size_t len);

/* Step i as it is written: "close c", "send c 10KiB", "wait 2s". */
size_t live_step_text(const struct scenario *sc, size_t i, char *buf,
    size_t len);

/* Whether step i is the peer's (shown on the peer's side). */
bool live_step_is_peer(const struct scenario *sc, size_t i);

/* Step i started at t_ns: "+0.003s  close c ...". */
size_t live_fmt_step_start(const struct live_view *v, size_t i, uint64_t t_ns,
    char *buf, size_t len);

/*
 * Step i is done, as c says: "+2.004s  close c returned 0 after 2.001s",
 * "+1.000s  wait 1s: 1.000s passed", "peer ack-fin c: ok". The time is
 * the call's end.
 */
size_t live_fmt_step_end(const struct live_view *v, size_t i,
    const struct obs_call *c, char *buf, size_t len);

/* A segment as an arrow; remembers first sequence numbers (hence not
 * const). */
size_t live_fmt_seg(struct live_view *v, const struct obs_segment *s, char *buf,
    size_t len);

/*
 * An expectation decided, at t_ns: "+2.004s    PASS  expect linux: returns
 * 0"; a verdict that did not pass gets what happened on a second line.
 */
size_t live_fmt_verdict(const struct live_view *v, const struct verdict *vd,
    uint64_t t_ns, char *buf, size_t len);

/*
 * The ticking line while step i runs (no time column: it is rewritten in
 * place): "close c ... 0.4s"; for `wait` and `wait peer`, what is left:
 * "wait 2s ... 0.4s of 2s, 1.6s left".
 */
size_t live_fmt_tick(const struct live_view *v, size_t i, uint64_t elapsed_ns,
    char *buf, size_t len);

/* The case is over: "   done in 2.031s", or why it stopped. */
size_t live_fmt_end(const struct live_view *v, const struct case_obs *obs,
    char *buf, size_t len);

#endif
