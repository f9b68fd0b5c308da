/*
 * observe_prog.h - `lingerlab observe`, the pure parts: the shim's records
 * (observe_rec.c), what each connection did when it closed (observe_conn.c),
 * the probe series and their charts (observe_series.c), the expectations
 * (observe_expect.c) and the report (observe_report.c). No clock, no I/O
 * other than writing the report to a FILE; times are ns on CLOCK_MONOTONIC,
 * made relative to the moment the program was started (0).
 */
#ifndef LINGERLAB_OBSERVE_PROG_H
#define LINGERLAB_OBSERVE_PROG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ip_address.h"
#include "observe.h"
#include "scenario.h"

/* ---- the shim's records (client/observe/shim/lingerlab_shim.c writes them) ---- */

enum ob_call {
	OB_HELLO, /* the shim is loaded in this process */
	OB_SOCKET,
	OB_CONNECT,
	OB_ACCEPT,
	OB_SETSOCKOPT,
	OB_SHUTDOWN,
	OB_CLOSE,
	OB_DUP,		 /* a copy of a TCP socket's descriptor */
	OB_EXIT,	 /* exit(), _exit(), or main() returned (ret -1) */
	OB_OPEN_AT_EXIT, /* a TCP socket still open when the process exited */
	OB_CALL_OTHER,	 /* a later shim's record: kept, not used */
};

/* One record. Fields a record does not carry are -1. */
struct ob_rec {
	enum ob_call call;
	int32_t pid, tid, fd;
	uint64_t t0, t1; /* around the real call; relative once made so */
	int64_t ret;
	int32_t err;
	int32_t lport, rport; /* the socket's ports */
	int32_t fam;	      /* the socket's family: AF_INET, AF_INET6 */
	/*
	 * The socket's addresses as on the wire (IPF_NONE: not said). An
	 * IPv4-mapped IPv6 address (::ffff:192.0.2.2) is the IPv4 address
	 * it maps, with mapped set: the connection is IPv4 on the wire.
	 */
	struct ip_addr laddr, raddr;
	bool mapped;
	int32_t lon, lsec;  /* SO_LINGER: set, or found at close */
	int32_t nb;	    /* O_NONBLOCK at close (or at socket()) */
	int32_t st;	    /* TCP state before close (tcpi_state) */
	int32_t how;	    /* shutdown */
	int32_t level, opt; /* setsockopt */
	int64_t val;	    /* setsockopt's int value */
	int32_t ppid;	    /* hello */
	/* hello and exit: what the process held, measured from inside */
	int64_t fds, threads, rss_kib;
};

/*
 * Parse one record line (without or with its '\n'). Unknown keys are
 * ignored and an unknown call is OB_CALL_OTHER, so an older observer reads
 * a newer shim. Returns 0, or -1 with err saying what is wrong where.
 */
int ob_rec_parse(const char *line, size_t len, struct ob_rec *out, char *err,
    size_t errlen);

const char *ob_call_name(enum ob_call c);

/* ---- connections by four-tuple (observe_index.c) ---- */

/* One end of a connection and the other, from the program's side. */
struct ob_tuple {
	struct ip_addr laddr, raddr; /* IPF_NONE: not known */
	uint16_t lport, rport;
};

bool ob_tuple_eq(const struct ob_tuple *a, const struct ob_tuple *b);

/*
 * Slots 0, 1, 2, ... each with a four-tuple, found by it (or by its ports
 * alone) in constant expected time; a lookup answers the newest slot.
 */
struct ob_index {
	struct ob_tuple *keys;	   /* slot i's four-tuple */
	uint32_t *next_t, *next_p; /* the older slot in its chain, +1; 0 end */
	uint32_t *head_t, *head_p; /* per bucket: the newest slot + 1; 0 none */
	size_t n, cap, nbuckets;
};

void ob_index_init(struct ob_index *ix);
/* A new slot for k: its number, or -1 (ENOMEM). */
long ob_index_add(struct ob_index *ix, const struct ob_tuple *k);
/* The newest slot with four-tuple k, or -1. */
long ob_index_find(const struct ob_index *ix, const struct ob_tuple *k);
/* The newest slot with these ports, whatever its addresses, or -1. */
long ob_index_find_ports(const struct ob_index *ix, uint16_t lport,
    uint16_t rport);
void ob_index_free(struct ob_index *ix);

/* ---- what a connection did ---- */

/* A captured segment's addresses, beside it (client: the program's). */
struct ob_seg_addrs {
	struct ip_addr client, peer;
};

enum ob_closer { OB_CLOSER_NONE, OB_CLOSER_PROGRAM, OB_CLOSER_PEER };
enum ob_end { OB_END_NONE, OB_END_FIN, OB_END_RST, OB_END_FIN_RST };

#define OB_NO_TIME UINT64_MAX

struct ob_conn {
	uint16_t lport; /* the program's port */
	uint16_t rport; /* the peer's */
	/* the program's address and the peer's, as on the wire (IPF_NONE:
	 * not known); IPv4 also for an IPv6 socket's v4-mapped connection */
	struct ip_addr laddr, raddr;
	int32_t sock_family; /* the socket's (AF_INET6 if mapped); -1 unknown */
	bool mapped;	     /* an IPv6 socket speaking IPv4 (::ffff:a.b.c.d) */
	/* from the wire */
	uint64_t t_syn;	       /* OB_NO_TIME: none seen */
	uint64_t t_fin, t_rst; /* the program's first FIN, RST */
	uint64_t t_peer_fin, t_peer_rst;
	uint32_t nsegs;
	uint32_t fin_retx;    /* the program's FIN sent again */
	uint32_t retx;	      /* every retransmission by the program */
	enum ob_closer first; /* whose FIN or RST came first */
	enum ob_end end;      /* what the program sent */
	/* from the shim (calls on this connection's socket) */
	int32_t pid; /* -1: the shim saw nothing of it */
	uint32_t ncloses;
	/*
	 * The last close() (call OB_CLOSE); else, if its process exited with
	 * it open, that record (OB_OPEN_AT_EXIT: the kernel closed it then);
	 * else call is OB_CALL_OTHER.
	 */
	struct ob_rec close;
	bool shut_before_close; /* before close(), or before that exit */
	int32_t shut_how;	/* -1: no shutdown() */
	uint64_t t_shutdown;
	int32_t lon_set, lsec_set; /* the last SO_LINGER setsockopt, -1: none */
	uint32_t ndups;		   /* copies of its descriptor made */
	bool open_at_exit;	   /* its process exited with it open */
	/* from sock_diag, filled by the observer; "" unknown */
	char state_exit[16]; /* just after the program exited */
	char state_end[16];  /* after the settle time */
};

struct ob_conns {
	struct ob_conn *v;
	size_t n, cap;
	size_t unconnected; /* TCP sockets closed without a connection */
	bool shim_loaded;   /* a hello record came: close timings exist */
};

/*
 * Work out every connection from the segments (both directions, times
 * relative; addrs[i] the addresses of segs[i], or addrs NULL: none known)
 * and the records (times made relative). A connection is its four-tuple;
 * a record that names no addresses goes by its ports. Connections are in
 * the order of their first segment or record. O(nsegs + nrecs) expected.
 * Returns 0, or -1 (ENOMEM).
 */
int ob_conns_build(struct ob_conns *cs, const struct obs_segment *segs,
    const struct ob_seg_addrs *addrs, size_t nsegs, const struct ob_rec *recs,
    size_t nrecs);

/* "192.0.2.1:40112", "[2001:db8::1]:40112", or ":40112" with no address. */
const char *ob_addr_text(const struct ip_addr *a, uint16_t port, char *buf,
    size_t len);
/* "IPv4", "IPv6", or "?" for none. */
const char *ob_family_name(const struct ip_addr *a);
void ob_conns_free(struct ob_conns *cs);

/* "FIN", "RST", "FIN then RST", "nothing" */
const char *ob_end_name(enum ob_end e);

/* ---- probes over time ---- */

enum ob_probe {
	OB_P_THREADS,
	OB_P_FDS,
	OB_P_RSS_KIB,
	OB_P_PROCS,  /* the program and its descendants */
	OB_P_STATE,  /* + a TCP state number: sockets in it */
	OB_P_TCPEXT, /* + an index in the series' counter names */
};

/* TcpExt counters sampled: a few that tell of aborted closes, and those
 * an expectation names. */
#define OB_TCPEXT_MAX  12
#define OB_TCPEXT_NAME 40

struct ob_sample {
	uint64_t t_ns;
	bool running;			      /* taken while the program ran */
	int64_t threads, fds, rss_kib, procs; /* summed over its processes */
	uint32_t by_state[16]; /* the sandbox's client side, all sockets */
	uint64_t tcpext[OB_TCPEXT_MAX]; /* of the client side's netns */
};

struct ob_series {
	struct ob_sample *v;
	size_t n, cap;
	char tcpext[OB_TCPEXT_MAX][OB_TCPEXT_NAME]; /* names, "" unused */
	size_t ntcpext;
};

int ob_series_add(struct ob_series *s, const struct ob_sample *x);

/*
 * Add what the program's first process said it held at its start (its
 * hello record; the last one, if it exec'd another program) and at its
 * exit, as samples in time order: a program done
 * in a millisecond is over before the first sample from outside. The exit
 * sample is added only when no other process of it was seen running (the
 * sum would be wrong otherwise); samples from outside after it no longer
 * count as taken while it ran. 0, or -1 out of memory.
 */
int ob_series_add_inside(struct ob_series *s, const struct ob_rec *recs,
    size_t nrecs);
void ob_series_free(struct ob_series *s);

/* A probe's value in one sample (state: 1..12 for OB_P_STATE, the
 * counter's index for OB_P_TCPEXT). */
int64_t ob_sample_value(const struct ob_sample *x, enum ob_probe p,
    unsigned state);

/*
 * Whether a sample counts for a probe: process probes only while the
 * program ran (with a process seen), sockets and counters always.
 */
bool ob_sample_counts(const struct ob_sample *x, enum ob_probe p);

struct ob_stats {
	bool any;		  /* at least one sample */
	int64_t start, peak, end; /* end: the last sample considered */
	uint64_t t_peak;
};

/*
 * Start, peak and end of a probe. Process probes look only at samples
 * taken while the program ran (its last moment counts as the end); socket
 * states and counters look at every sample, the settle time included.
 */
void ob_series_stats(const struct ob_series *s, enum ob_probe p, unsigned state,
    struct ob_stats *out);

/* ---- expectations ---- */

enum ob_exp_kind {
	OB_EXP_PROBE,	   /* as in a scenario file: scn_parse_probe_expect() */
	OB_EXP_CLOSES,	   /* connections whose program end was FIN/RST */
	OB_EXP_CLOSE_TIME, /* the longest close() */
};

struct ob_expect {
	char text[160]; /* as given, for the report */
	enum ob_exp_kind kind;
	struct scn_probe_expect probe; /* OB_EXP_PROBE */
	enum ob_probe series;	       /* which of ours the probe reads */
	unsigned state;		       /* with OB_P_STATE */
	char counter[OB_TCPEXT_NAME];  /* with OB_P_TCPEXT */
	enum ob_end end;	       /* with OB_EXP_CLOSES */
	bool every; /* closes: every connection, not a count */
	enum scn_op op;
	int64_t value; /* KiB for rss, ns for close time */
};

/*
 * Parse an expectation: a probe expectation exactly as a scenario file
 * writes it ("growth fds <= 0", "peak threads <= 4", "rss <= 8MiB",
 * "sockets FIN_WAIT1 = 0 within 30s", "growth tcpext TCPAbortOnLinger = 0";
 * see docs/scenario-language.md), or one about the program's closes:
 * "closes rst >= 1", "every close sends fin", "close time <= 1100ms".
 * Returns 0, or -1 with err saying what is wrong and what to write.
 */
int ob_expect_parse(const char *text, struct ob_expect *out, char *err,
    size_t errlen);

/*
 * The TcpExt counters to sample: TCPAbortOnClose, -Data, -Linger,
 * -Timeout, -Memory, and those the expectations name, each once, into
 * names (at most OB_TCPEXT_MAX). Returns how many.
 */
size_t ob_tcpext_names(const struct ob_expect *e, size_t n,
    char names[][OB_TCPEXT_NAME], size_t max);

struct ob_verdict {
	bool pass;
	bool decided; /* false: nothing to decide it on */
	int64_t actual;
	char detail[256]; /* "fds grew by 200 (3 -> 203, peak 203 at +0.41s)" */
};

/* t_exit: when the program ended (OB_NO_TIME: never), for "within D". */
void ob_expect_eval(const struct ob_expect *e, const struct ob_series *s,
    const struct ob_conns *cs, uint64_t t_exit, struct ob_verdict *out);

/* ---- the command line ---- */

/*
 * arg with every "{peer}" replaced by peer, "{peer6}" by peer6 (the IPv6
 * address, bare: a URL wants "[{peer6}]") and "{port}" by port, into out.
 * Returns 0, or -1 when it does not fit.
 */
int ob_subst(const char *arg, const char *peer, const char *peer6,
    const char *port, char *out, size_t len);

/* ---- the report ---- */

struct ob_report_in {
	const char *const *argv; /* the command as run */
	const char *behaviour;	 /* the peer's, "" for normal */
	const char *peer_addrs;	 /* "192.0.2.2, 2001:db8::2"; NULL: unsaid */
	const struct ob_conns *conns;
	const struct ob_series *series;
	const struct ob_expect *expects;
	const struct ob_verdict *verdicts;
	size_t nexpects;
	char exit_desc[96]; /* "exit status 0", "killed by ..." */
	uint64_t t_exit;    /* when it ended, OB_NO_TIME: never seen */
	uint64_t settle_ns;
	bool timed_out;
	uint64_t capture_drops;
	size_t shim_bad;       /* malformed records */
	size_t shim_processes; /* processes that loaded the shim */
	const char *note;      /* "" or why something is missing */
	bool utf8;	       /* charts in block characters, else ASCII */
};

void ob_report_human(FILE *f, const struct ob_report_in *in, bool verbose);
void ob_report_json(FILE *f, const struct ob_report_in *in);

#endif
