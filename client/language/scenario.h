/*
 * scenario.h - a scenario file, read: the statements of one case, with the
 * position of every word so that errors and reports can point at the source.
 *
 * Pure data. scenario_parse.c reads a file's header (docs/scenario-language.md),
 * scenario_matrix.c expands its parameters into cases, scenario_case.c reads
 * each case into this; the runner executes the steps and the evaluator
 * checks the expectations. What each kind of step and expectation is, is
 * asked of scenario_kinds.h. Nothing here touches the system.
 */
#ifndef LINGERLAB_SCENARIO_H
#define LINGERLAB_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SCN_MAX_SOCKS 16
#define SCN_NAME_MAX  32
#define SCN_TEXT_MAX  256

struct scn_pos {
	const char *file; /* as given on the command line; not owned */
	uint32_t line;	  /* 1-based */
	uint32_t col;	  /* 1-based, in bytes */
};

enum scn_os {
	SCN_OS_LINUX = 1u << 0,
	SCN_OS_FREEBSD = 1u << 1,
	SCN_OS_WINDOWS = 1u << 2,
	SCN_OS_ALL = 7u,
};

/*
 * An address family: of a socket (`socket c ipv6`), of a case (what a
 * socket that names none gets: the run's --family), and a set of them for
 * a run. The values are those of enum ip_family (common/ip_address.h).
 */
enum scn_family {
	SCN_FAM_NONE = 0, /* a socket that names none: the case's */
	SCN_FAM_IPV4 = 4,
	SCN_FAM_IPV6 = 6,
};

/* --family: the families a run uses, as bits. */
#define SCN_FAMS_IPV4 0x1u
#define SCN_FAMS_IPV6 0x2u
#define SCN_FAMS_BOTH (SCN_FAMS_IPV4 | SCN_FAMS_IPV6)

enum scn_step_kind {
	/* peer */
	STEP_PEER_LISTEN = 1, /* port, text = behaviour spec */
	STEP_PEER_BEHAVIOUR,  /* sock, text = spec */
	STEP_PEER_ACK_FIN,
	STEP_PEER_READ, /* size (0: all) */
	STEP_PEER_RESUME,
	STEP_PEER_FIN,
	STEP_PEER_RST,
	STEP_PEER_SEND,	   /* size */
	STEP_PEER_CONNECT, /* port, sock2 = the name accept will give */
	STEP_WAIT_PEER, /* sock, text = conditions as the control protocol takes them, duration = within */
	/* sockets */
	STEP_SOCKET,   /* value = the family it names (enum scn_family) */
	STEP_SET,      /* opt, value */
	STEP_CONNECT,  /* port (0: the first peer listen) */
	STEP_SEND,     /* size; until_blocked */
	STEP_RECV,     /* size */
	STEP_SHUTDOWN, /* how: SHUT_RD/WR/RDWR as 0/1/2 */
	STEP_CLOSE,
	STEP_EXIT_CLOSE,
	STEP_LISTEN, /* port */
	STEP_ACCEPT, /* sock2 = new socket's name */
	STEP_WAIT,   /* duration */
	STEP_SIGNAL, /* duration: a one-shot signal that much later (not a call) */
	STEP_REPEAT, /* repeat_n times, repeat_k at once, up to block_end */
	STEP_END,    /* the end of a repeat block */
	STEP_KIND_COUNT
};

enum scn_opt {
	OPT_LINGER_OFF = 1,
	OPT_LINGER, /* value = l_linger, raw seconds (may be negative) */
	OPT_BLOCKING,
	OPT_NONBLOCKING,
	OPT_SNDBUF, /* value = bytes */
	OPT_RCVBUF,
	OPT_NODELAY,	  /* value = 0/1 */
	OPT_USER_TIMEOUT, /* value = milliseconds */
	OPT_LINGER2,	  /* value = seconds, raw (may be negative) */
};

enum scn_expect_kind {
	/* attached to a step */
	EXP_RETURNS = 1,     /* value; ok_any for "returns ok" */
	EXP_FAILS,	     /* err_name ("EWOULDBLOCK") */
	EXP_BLOCKS_AT_LEAST, /* duration */
	EXP_BLOCKS_AT_MOST,
	EXP_BLOCKS_ABOUT, /* duration, tolerance (0: default) */
	EXP_SENDS,	  /* size */
	/* at a point of the scenario */
	EXP_WIRE_SENDS, /* who, what, duration (within) */
	EXP_WIRE_SENDS_NO, /* who, what, duration (during); what = WIRE_ANY for "nothing" */
	EXP_WIRE_RETRANSMITS, /* who, what (FIN), count, duration */
	EXP_WIRE_ZWP,	      /* who, count, duration */
	EXP_STATE, /* sock, state name in text, duration (within, 0: now) */
	EXP_PEER,  /* sock, key, op, text = value as written */
	EXP_PROBE, /* probe: growth/peak/now of a resource probe */
	EXP_KIND_COUNT
};

enum scn_who { WHO_CLIENT = 1, WHO_PEER };
enum scn_wire_what { WIRE_FIN = 1, WIRE_RST, WIRE_DATA, WIRE_ANY };
enum scn_op { SOP_EQ = 1, SOP_NE, SOP_GE, SOP_LE, SOP_GT, SOP_LT };

/*
 * A resource probe expectation (docs/scenario-language.md, "Repetition and
 * probes"): "growth fds <= 0", "peak sockets FIN_WAIT1 <= 1000",
 * "sockets FIN_WAIT1 = 0 within 120s", "growth tcpext TCPAbortOnLinger >= 1000".
 */
enum scn_probe_mode {
	SCN_PROBE_NOW =
	    1, /* the value when reached (polled until it holds, within D) */
	SCN_PROBE_GROWTH, /* the value now minus the value before the last repeat block */
	SCN_PROBE_PEAK, /* the largest value since the last repeat block began */
};

#define SCN_SERIES_MAX 40

struct scn_probe_expect {
	enum scn_probe_mode mode;
	char series
	    [SCN_SERIES_MAX]; /* "threads", "fds", "rss", "sockets FIN_WAIT1",
					 * "tcpext TCPAbortOnLinger" */
	enum scn_op op;
	int64_t value;	    /* rss in KiB */
	uint64_t within_ns; /* SCN_PROBE_NOW only; 0: look once */
};

struct scn_expect {
	enum scn_expect_kind kind;
	struct scn_pos pos;		/* of the word "expect" */
	uint32_t os_mask;		/* enum scn_os bits */
	char because[SCN_TEXT_MAX];	/* "" when not given */
	char source_text[SCN_TEXT_MAX]; /* the line as written, for reports */
	int64_t value;
	bool ok_any;
	char err_name[SCN_NAME_MAX];
	uint64_t duration_ns;
	uint64_t tolerance_ns;
	uint64_t size;
	uint32_t count;
	enum scn_who who;
	enum scn_wire_what what;
	int sock; /* index into scenario.socks, -1 if none */
	char key[SCN_NAME_MAX];
	enum scn_op op;
	char text[SCN_TEXT_MAX];
	bool attached; /* written indented: checks the step's call */
	struct scn_probe_expect probe; /* EXP_PROBE */
};

struct scn_step {
	enum scn_step_kind kind;
	struct scn_pos pos;
	int sock;  /* index, -1 if none */
	int sock2; /* accept/peer connect: the new socket */
	uint16_t port;
	enum scn_opt opt;
	int64_t value;
	uint64_t size;
	bool until_blocked;
	int how;
	uint64_t duration_ns;
	char text[SCN_TEXT_MAX];
	uint32_t repeat_n; /* STEP_REPEAT: iterations in all */
	uint32_t repeat_k; /* STEP_REPEAT: instances at once (1..) */
	size_t block_end;  /* STEP_REPEAT: index of its STEP_END;
					 * STEP_END: index of its STEP_REPEAT */
	size_t block;	   /* index + 1 of the STEP_REPEAT whose body holds
					 * this step; 0 outside a block */
	/* expectations attached to this step (indented), then those that
	 * follow it at the left margin up to the next step */
	struct scn_expect *expects;
	size_t nexpects;
};

struct scn_param {
	char name[SCN_NAME_MAX];
	char **values;
	size_t nvalues;
	struct scn_pos pos;
};

/* One case: a file with every ${param} replaced. */
struct scenario {
	const char *file;
	char description[SCN_TEXT_MAX];
	char case_name[SCN_TEXT_MAX]; /* "linger/x.scn[mode=blocking]" */
	char **tags;
	size_t ntags;
	uint64_t timeout_ns;
	char socks[SCN_MAX_SOCKS][SCN_NAME_MAX];
	size_t nsocks;
	/*
	 * Address families (docs/scenario-language.md, "Address families"):
	 * the case's (SCN_FAM_IPV4 or SCN_FAM_IPV6: the run's --family, or
	 * the first socket's when every socket names its own), and each
	 * socket's as it will be made: its own, its listener's for accept
	 * and peer connect, else the case's.
	 */
	uint8_t family;
	bool family_fixed; /* every socket names its family: one case only */
	uint8_t sock_family[SCN_MAX_SOCKS];
	struct scn_step *steps;
	size_t nsteps;
	/* expectations before the first step (rare, e.g. nothing) are an error */
	size_t case_index; /* which case of its file, 0-based */
	char *file_copy;   /* what file points at when the parser built
					 * it (scenario_free frees it); else NULL */
};

struct scn_error {
	struct scn_pos pos;
	char msg[256];	/* "expected a size such as 10KiB, got \"10kb\"" */
	char hint[256]; /* what to write instead; may be "" */
};

/*
 * Parse the body of a probe expectation from a string, as a scenario file
 * writes it after "expect" (a leading "expect" is allowed too):
 * "growth fds <= 0", "sockets FIN_WAIT1 = 0 within 120s". For callers that
 * take expectations outside a scenario file (lingerlab observe). Returns 0,
 * or -1 with what is wrong, and what to write instead, in err.
 */
int scn_parse_probe_expect(const char *text, struct scn_probe_expect *out,
    char *err, size_t errlen);

/* "growth fds <= 0" from a parsed one, for reports. */
size_t scn_probe_expect_format(const struct scn_probe_expect *pe, char *buf,
    size_t len);

#endif
