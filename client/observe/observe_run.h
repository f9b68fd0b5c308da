/*
 * observe_run.h - `lingerlab observe`, the part that touches the system:
 * build the sandbox, start lingerpeer, capture the client's link, run the
 * program with the shim preloaded, sample its probes, wait, settle.
 *
 *   observe_run.c      the run: set up, the poll loop, tear down
 *   observe_capture.c  the client link's TCP, both families, with addresses
 *   observe_procs.c    the program's processes and what they hold
 */
#ifndef LINGERLAB_OBSERVE_RUN_H
#define LINGERLAB_OBSERVE_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "observe.h"
#include "observe_prog.h"

#define OB_MAX_PORTS 16

struct ob_run_opts {
	char *const *argv;     /* the command, {peer}/{port} replaced */
	const char *behaviour; /* NULL: lingerpeer's default */
	uint16_t ports[OB_MAX_PORTS];
	size_t nports;
	uint64_t timeout_ns;   /* then SIGTERM, and SIGKILL 1 s later */
	uint64_t settle_ns;    /* sockets watched this long after exit */
	uint64_t interval_ns;  /* between samples */
	const char *pcap_path; /* NULL: no file */
	bool shim;	       /* preload the shim */
	bool verbose;	       /* lingerpeer's log to stderr */
	bool program_stdout_to_stderr; /* keep our stdout for the report */
	char tcpext[OB_TCPEXT_MAX][OB_TCPEXT_NAME]; /* counters to sample */
	size_t ntcpext;
};

/* What the run saw; times relative to the program's start. */
struct ob_run_result {
	struct obs_segment *segs;   /* in capture order */
	struct ob_seg_addrs *addrs; /* addrs[i]: segs[i]'s addresses */
	size_t nsegs, segs_cap;
	uint64_t capture_drops;
	char peer_addrs[2 * IP_ADDR_STRLEN + 8]; /* "192.0.2.2, 2001:db8::2" */
	struct ob_rec *recs;
	size_t nrecs, recs_cap;
	size_t bad_recs;
	struct ob_series series;
	int status;  /* the program's wait status */
	bool exited; /* status is valid */
	bool timed_out;
	bool interrupted; /* we got SIGINT/SIGTERM */
	uint64_t t_exit;  /* OB_NO_TIME if it never ended */
	/* per four-tuple seen on the wire, from sock_diag */
	struct ob_state_at {
		struct ob_tuple k;
		char exit[16], end[16];
	} * states;
	size_t nstates;
	char note[256]; /* something the report should say */
	/* the sandbox was a user namespace: this process cannot fork any
	 * more, so it must leave with _exit() (see client/sandbox/sandbox.h) */
	bool userns;
};

/* What ob_run() did; `lingerlab observe` makes its exit status of it. */
enum ob_run_rc {
	OB_RUN_RAN = 0,	    /* the program ran, whatever it did */
	OB_RUN_NOT_STARTED, /* it could not be started (not found) */
	OB_RUN_NO_ENV,	    /* the environment could not be set up */
};

/*
 * Run it. Returns an enum ob_run_rc; unless the program ran, why says
 * what failed and what to do.
 */
int ob_run(const struct ob_run_opts *o, struct ob_run_result *res, char *why,
    size_t whylen);
void ob_run_result_free(struct ob_run_result *res);

/* Copy the states found to the connections, by four-tuple. */
void ob_run_fill_states(const struct ob_run_result *res, struct ob_conns *cs);

/* observe_capture.c */

struct ob_capture;

/*
 * Capture TCP to and from the peer's addresses (one or two, either
 * family) on iface, also into pcap_path unless NULL. NULL with err.
 */
struct ob_capture *ob_cap_open(const char *iface, const struct ip_addr *peers,
    size_t npeers, const char *pcap_path, char *err, size_t errlen);
/* Times are made relative to t0 (monotonic ns) from now on. */
void ob_cap_start(struct ob_capture *c, uint64_t t0);
/* Readable when frames wait. */
int ob_cap_fd(const struct ob_capture *c);
/* Every frame waiting, appended to res's segments. 0, or -1 with err. */
int ob_cap_read(struct ob_capture *c, struct ob_run_result *res, char *err,
    size_t errlen);
/* Close it (NULL is fine); *drops gets the frames the kernel dropped. */
void ob_cap_close(struct ob_capture *c, uint64_t *drops);

/* observe_procs.c */

/* pid and its descendants (host pids), at most max; how many found. */
size_t ob_procs_tree(pid_t pid, pid_t *out, size_t max);

/*
 * One sample of what the processes hold, summed (running: whether the
 * program still runs), and the sockets by state in our netns.
 */
void ob_procs_sample(const pid_t *pids, size_t n, bool running, uint64_t t_ns,
    struct ob_sample *out);

#endif
