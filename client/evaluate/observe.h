/*
 * observe.h - what happened when a case ran: the contract between the runner
 * (which makes it happen and writes it down) and the evaluator (which reads
 * it and decides each expectation). Pure data, times in nanoseconds on the
 * runner's CLOCK_MONOTONIC, 0 = the case's start.
 */
#ifndef LINGERLAB_OBSERVE_H
#define LINGERLAB_OBSERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ip_address.h"
#include "scenario.h"

/* One TCP segment seen on the client's link (both directions). */
struct obs_segment {
	uint64_t t_ns;
	bool from_client; /* false: from the peer */
	uint16_t sport;
	uint16_t dport;
	uint32_t seq; /* absolute, as on the wire */
	uint32_t ack;
	uint8_t flags; /* TCPF_* as in common/segment.h */
	uint16_t window;
	uint32_t len;
	/* what the runner worked out with wire_classify() (wire_classify.h
	 * defines both exactly), so every reader agrees */
	bool retransmission; /* starts below what that side already sent */
	bool zero_window_probe;
};

/* A socket step's system call. */
struct obs_call {
	bool
	    ran; /* false: skipped (an earlier step failed, or the case stopped) */
	int64_t ret;
	int err;	   /* errno when ret < 0, else 0 */
	char err_name[32]; /* "EWOULDBLOCK" ... ("" when ret >= 0) */
	uint64_t t_start_ns;
	uint64_t t_end_ns;
	uint64_t
	    bytes; /* send: bytes accepted in all (until-blocked: the sum) */
	/* of t_end - t_start, the time the runner waited for a CPU (struct
	 * plat_call); the evaluator does not count it as blocking */
	uint64_t cpu_wait_ns;
	/*
	 * What else the runner knows about the step, for reports: the peer's
	 * status line for peer steps ("ok conn=3 state=CLOSE_WAIT", "err
	 * timeout: conn 3 did not reach fins>=2 ..."); why a step was not run;
	 * "" when there is nothing to add.
	 */
	char detail[256];
};

/* What the runner found when it reached an expectation at the left margin. */
struct obs_point {
	bool reached; /* false: the case stopped before this point */
	/*
	 * Where a wire expectation's window opens: when the step before the
	 * expectation started (so a FIN sent by a close() that then blocked
	 * for 2 s counts as "within 100ms"), or t_ns after `wait` and `wait
	 * peer`, which only let time pass. The window closes at t_ns + D, so
	 * "within D" passes with a match in [t_from_ns, t_ns + D] and "during
	 * D" with none there (t_done_ns >= t_ns + D: the runner looked that
	 * long). state and peer expectations look from t_ns.
	 */
	uint64_t t_from_ns;
	uint64_t t_ns; /* when the scenario reached it */
	uint64_t
	    t_done_ns; /* when the runner stopped looking (within/during) */
	/* state: sock_diag's answer, last one seen; "" when SOCK never had
	 * a connection to look up (see socks[].connected) */
	char state[16]; /* "FIN_WAIT1", ..., "gone" */
	/* peer: the value read from the peer's record */
	bool peer_found;
	char peer_value[64];
	/*
	 * An indented expect on a step inside a repeat block is checked on
	 * every iteration: how many it was checked on and passed, the first
	 * iteration (1-based) it failed on, 0 for none, and that call.
	 */
	uint32_t rep_checked;
	uint32_t rep_passed;
	uint32_t rep_first_fail;
	struct obs_call rep_call;
};

/*
 * Resource probes (client/probe/probe.h), sampled by the runner around repeat
 * blocks and while probe expectations wait. Series names are those the
 * language uses: "threads", "fds", "rss" (KiB), "sockets FIN_WAIT1",
 * "tcpext TCPAbortOnLinger".
 */
#define OBS_SERIES_MAX 32

enum obs_sample_kind {
	OBS_SAMPLE_BEFORE = 1, /* before a repeat block */
	OBS_SAMPLE_ITER,  /* after an iteration (every Nth: at most ~500) */
	OBS_SAMPLE_AFTER, /* after the block */
	OBS_SAMPLE_POINT, /* where a probe expectation looked */
	OBS_SAMPLE_WAIT,  /* while a step after the block waited */
};

struct obs_sample {
	uint64_t t_ns;
	uint32_t iter; /* iterations done in its block */
	uint8_t kind;  /* enum obs_sample_kind */
	size_t block;  /* the repeat step's index + 1; 0: before any */
	int64_t v[OBS_SERIES_MAX]; /* -1: not known */
};

struct obs_probes {
	size_t nseries; /* 0: the case has no probes */
	char names[OBS_SERIES_MAX][SCN_SERIES_MAX];
	struct obs_sample *samples;
	size_t nsamples;
};

/* Which connection a socket name ended up as, for reports and filters. */
struct obs_sock {
	bool connected;
	struct ip_addr laddr; /* IPv4 or IPv6; family IPF_NONE: not known */
	uint16_t lport;
	struct ip_addr raddr;
	uint16_t rport;
	uint32_t peer_conn_id; /* lingerpeer's id, 0 if unknown */
};

/* Why a case stopped early, for the exit status and the report. */
enum obs_abort {
	OBS_ABORT_NONE = 0,
	OBS_ABORT_CASE,	    /* the case: peer lost, wait peer unmet, timeout,
				 * a step needing a socket that is not there */
	OBS_ABORT_ENV,	    /* the test system: no sandbox, no lingerpeer,
				 * no capture; every case would fail alike */
	OBS_ABORT_AGENT,    /* lab mode: lingerlab-agent lost during the case
				 * (killed, its network cut); the run goes on */
	OBS_ABORT_NO_AGENT, /* lab mode: the agent could not be reached for
				 * the case at all; the run stops there */
};

/*
 * Lab mode (lingerlab run --agent, docs/lab.md): the system under test is
 * elsewhere, driven by lingerlab-agent, and the wire is what lingerpeer
 * itself received and sent. The times of a case stay on the runner's
 * clock: the agent's and lingerpeer's were mapped onto it, each give or
 * take half the shortest round trip of several exchanges (plus what the
 * offsets moved by during the case); clock_bound_ns is that sum, by which
 * the evaluator widens the wire windows.
 */
struct obs_lab {
	bool on;
	char agent[64]; /* its endpoint: "198.51.100.2:7900" */
	/* as the agent describes it: "Linux 6.1.0-18-amd64 (Debian GNU/Linux
	 * 12 (bookworm)) on host sut" */
	char system[192];
	char wire[80]; /* "lingerpeer at 198.51.100.6:7999" */
	uint64_t clock_bound_ns;
};

struct case_obs {
	const struct scenario *sc;
	uint32_t os;	  /* enum scn_os of the system that ran it */
	char os_name[32]; /* "Linux 6.1.0" */
	struct obs_sock socks[SCN_MAX_SOCKS];
	struct obs_call *calls; /* one per step, same index */
	/* one per expectation, steps[i].expects[j] -> points[i][j] */
	struct obs_point **points;
	struct obs_segment *segs; /* in capture order */
	size_t nsegs;
	uint64_t duration_ns;
	bool aborted;		/* the case stopped early */
	char abort_reason[256]; /* "peer lost", "case timeout after 60s", ... */
	enum obs_abort abort_kind; /* set with aborted */
	char pcap_path[256];	   /* "" when not written */
	/*
	 * Whether segs is a capture at all: false with --peer and no --iface.
	 * Wire expectations cannot be decided then; capture_note says why.
	 */
	bool captured;
	char capture_note[160];
	uint64_t capture_drops; /* frames the kernel dropped: segs has gaps */
	struct obs_probes probes;
	struct obs_lab lab; /* lab mode; lab.on false otherwise */
};

#endif
