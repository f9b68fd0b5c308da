/*
 * control_proto.h - lingerpeer's control protocol, the parsing half.
 *
 * One command per text line, words separated by spaces, verbs in any case.
 * control_parse() turns one line into a struct control_cmd or into an error
 * that names the word at fault and says what was expected. It reads nothing
 * but its arguments: no peer, no sockets, no clock, so the fuzzer and the
 * unit tests drive it directly. docs/control-protocol.md is the reference.
 */
#ifndef LINGERLAB_CONTROL_PROTO_H
#define LINGERLAB_CONTROL_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "behaviour.h"
#include "ip_address.h"
#include "timeunit.h"

#define CONTROL_PROTOCOL_VERSION     1
#define CONTROL_LINE_MAX	     4096 /* bytes in one line, newline excluded */
#define CONTROL_WORD_MAX	     255 /* bytes in one word */
#define CONTROL_WORDS_MAX	     24	 /* words in one line */
#define CONTROL_CONDS_MAX	     16	 /* conditions in one wait */
#define CONTROL_WAIT_DEFAULT_NS	     (10 * NS_PER_S)
#define CONTROL_WAIT_MAX_NS	     (3600 * NS_PER_S)
#define CONTROL_EVENTS_DEFAULT_LIMIT 1000u
#define CONTROL_EVENTS_MAX_LIMIT     100000u

enum control_verb {
	CTL_NONE = 0,
	CTL_HELP,
	CTL_VERSION,
	CTL_STATS,
	CTL_LIST,
	CTL_SHOW,
	CTL_EVENTS,
	CTL_BEHAVIOUR,
	CTL_LISTEN,
	CTL_ACK_FIN,
	CTL_READ,
	CTL_RESUME,
	CTL_FIN,
	CTL_RST,
	CTL_SEND,
	CTL_WAIT,
	CTL_QUIT,
	CTL_CONNECT,
	CTL_CLOCK, /* the peer's clock, for a runner lining up times */
	CTL_VERB_COUNT
};

/* How a command names a connection. */
enum control_conn_kind {
	CCONN_NONE = 0,
	CCONN_ID,   /* "7": the connection's id */
	CCONN_ADDR, /* "192.0.2.1:40112", "[2001:db8::1]:40112": client
				   address and port, newest match */
	CCONN_LAST, /* "last": the newest connection */
	CCONN_NEW,  /* "new" (wait only): the next connection to be created */
	CCONN_ALL,  /* "all" (events only) */
};

struct control_conn {
	enum control_conn_kind kind;
	uint32_t id;	     /* CCONN_ID */
	struct ip_addr addr; /* CCONN_ADDR, either family */
	uint16_t port;	     /* CCONN_ADDR */
};

/* What a wait condition looks at: a struct conn_info field. */
enum control_key {
	CKEY_STATE = 0,
	CKEY_FINS,
	CKEY_FIN_RETX,
	CKEY_DATA_RETX,
	CKEY_ZWP,
	CKEY_RSTS,
	CKEY_SYNS,
	CKEY_RX,
	CKEY_READ,
	CKEY_BUFFERED,
	CKEY_WIN,
	CKEY_SEGS_IN,
	CKEY_SEGS_OUT,
	CKEY_TX,
	CKEY_COUNT
};

enum control_op {
	COP_EQ = 0,
	COP_NE,
	COP_GE,
	COP_LE,
	COP_GT,
	COP_LT,
};

struct control_cond {
	enum control_key key;
	enum control_op op;
	uint64_t value; /* for CKEY_STATE an enum conn_state */
};

struct control_cmd {
	enum control_verb verb;
	struct control_conn conn; /* CCONN_NONE when the verb takes none */
	/* list: optional filters */
	bool has_port;
	bool has_state;
	uint16_t port; /* list filter; listen's port */
	int state;     /* enum conn_state */
	/* events */
	uint64_t since;
	uint32_t limit;
	/* read (0: everything buffered), send */
	uint32_t size;
	/* behaviour, listen; has_behaviour false for a bare "listen" */
	bool has_behaviour;
	struct behaviour behaviour;
	/* wait */
	uint64_t timeout_ns;
	size_t ncond;
	struct control_cond cond[CONTROL_CONDS_MAX];
	/* help: the topic, "" for the overview */
	char topic[CONTROL_WORD_MAX + 1];
};

/*
 * A refused line: code is a short stable word (CONTROL_E_*), msg says what
 * is wrong, where, and what to write instead. The reply line is
 * "err CODE: MSG".
 */
struct control_error {
	const char *code;
	char msg[512];
};

#define CONTROL_E_EMPTY	    "empty-line"
#define CONTROL_E_BAD_CHAR  "bad-char"
#define CONTROL_E_TOO_LONG  "line-too-long"
#define CONTROL_E_UNKNOWN   "unknown-command"
#define CONTROL_E_BAD_ARG   "bad-argument"
#define CONTROL_E_NO_CONN   "no-conn"
#define CONTROL_E_BAD_STATE "bad-state"
#define CONTROL_E_FAILED    "failed"
#define CONTROL_E_TIMEOUT   "timeout"
#define CONTROL_E_TOO_BIG   "too-big"
#define CONTROL_E_BUSY	    "busy"
#define CONTROL_E_AUTH_REQUIRED                                                \
	"auth-required" /* control_server.c: token first */
#define CONTROL_E_AUTH_FAILED "auth-failed"

/*
 * Parse one line (len bytes, no newline; a trailing '\r' is ignored). NUL
 * bytes are refused, so len, not a terminator, marks the end. Returns 0 and
 * fills cmd, or -1 and fills err.
 */
int control_parse(const char *line, size_t len, struct control_cmd *cmd,
    struct control_error *err);

/* Names as written in the protocol: "ack-fin", "fin-retx", ">=". */
const char *control_verb_name(enum control_verb v);
const char *control_key_name(enum control_key k);
const char *control_op_name(enum control_op op);

/* True when actual OP value holds. */
bool control_cond_holds(const struct control_cond *c, uint64_t actual);

/* Usage and one-line summary of a verb, for help and error hints. */
const char *control_verb_usage(enum control_verb v);
const char *control_verb_summary(enum control_verb v);

/* Parse a connection state name ("FIN_WAIT1", "fin-wait1", "closed"). */
int control_parse_state(const char *word, int *state);

#endif
