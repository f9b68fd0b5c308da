/*
 * agent_proto.h - the protocol between a runner and lingerlab-agent
 * (docs/agent-protocol.md), both halves: the agent parses request lines
 * and formats replies, the runner formats requests and parses replies.
 *
 * Pure and portable: standard C only (no POSIX header, no socket, no
 * clock), so that the agent's Windows build compiles it as it is, and the
 * unit test and the fuzzer drive it directly. A line is given as pointer
 * and length and may hold anything, NUL bytes included: every function
 * here answers with an error, never by reading past it.
 *
 * Socket steps use the platform layer's words (platform.h): enum plat_opt
 * for `set`, struct plat_call for a call's result, struct plat_os_info
 * for what the agent runs on, and common/ip_address.h's struct ip_addr
 * for addresses of either family (its text: "192.0.2.2:80",
 * "[2001:db8::2]:80").
 */
#ifndef LINGERLAB_AGENT_PROTO_H
#define LINGERLAB_AGENT_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ip_address.h"
#include "platform.h"

#define AGENT_PROTOCOL	       1    /* the version this code speaks */
#define AGENT_LINE_MAX	       4096 /* bytes in a line, newline excluded */
#define AGENT_WORD_MAX	       255  /* bytes in a word */
#define AGENT_WORDS_MAX	       24   /* words in a line */
#define AGENT_COUNTERS_MAX     16   /* names in one `probe counters` */
#define AGENT_COUNTER_NAME_MAX 63   /* bytes in one counter name */
#define AGENT_TOKEN_MAX	       255  /* as control_token.h's */
#define AGENT_DEFAULT_PORT     7900 /* --listen's when none is given */
#define AGENT_STEP_TIMEOUT_NS  (10ull * 1000000000ull) /* connect, accept */
#define AGENT_DURATION_MAX_NS  (3600ull * 1000000000ull)
#define AGENT_SIZE_MAX	       (UINT64_C(1) << 40) /* send, recv: 1 TiB */
#define AGENT_REPLY_MAX	       2048		   /* no reply line is longer */

/* "none" as a socket: the call runs on no socket at all (EBADF). */
#define AGENT_SOCK_NONE 0u

enum agent_verb {
	AGENT_NONE = 0,
	/* the session */
	AGENT_AUTH,  /* token */
	AGENT_HELLO, /* protocol */
	AGENT_HELP,
	AGENT_QUIT,
	AGENT_RESET,
	AGENT_CLOCK,
	/* the socket steps: one per step kind of the scenario language */
	AGENT_SOCKET,	    /* family */
	AGENT_SET,	    /* sock, opt, value */
	AGENT_CONNECT,	    /* sock, addr, port, duration (timeout) */
	AGENT_SEND,	    /* sock, size or until_blocked */
	AGENT_RECV,	    /* sock, size */
	AGENT_SHUTDOWN,	    /* sock, how: 0 rd, 1 wr, 2 rdwr */
	AGENT_CLOSE,	    /* sock */
	AGENT_EXIT_CLOSE,   /* sock */
	AGENT_LISTEN,	    /* sock, addr, port */
	AGENT_ACCEPT,	    /* sock, duration (timeout) */
	AGENT_SIGNAL_AFTER, /* duration */
	/* questions */
	AGENT_NAMES, /* sock */
	AGENT_ROUTE, /* addr */
	AGENT_STATE, /* addr:port (local) raddr:rport */
	AGENT_PROBE_PROCESS,
	AGENT_PROBE_SOCKETS,
	AGENT_PROBE_COUNTERS, /* counters[ncounters] */
	AGENT_VERB_COUNT
};

/* One request line, parsed. Only the fields of its verb are meaningful. */
struct agent_req {
	enum agent_verb verb;
	uint32_t sock;	       /* a handle the agent gave, or AGENT_SOCK_NONE */
	enum ip_family family; /* socket: IPF_V4 (also when unsaid), IPF_V6 */
	enum plat_opt opt;
	int64_t value;
	struct ip_addr addr; /* either family; state: both of one */
	uint16_t port;
	struct ip_addr raddr;
	uint16_t rport;
	uint64_t size;
	bool until_blocked;
	int how;
	uint64_t duration_ns;
	uint32_t protocol;
	char token[AGENT_TOKEN_MAX + 1];
	size_t ncounters;
	char counters[AGENT_COUNTERS_MAX][AGENT_COUNTER_NAME_MAX + 1];
};

/* Why a line was refused: a code of docs/agent-protocol.md and a message. */
struct agent_error {
	const char *code; /* "bad-argument", ...; static */
	char msg[256];
};

/* ---- the agent's half ---- */

/*
 * Parse one request line (len bytes, without its newline; a trailing '\r'
 * is allowed). 0, or -1 with err set: empty-line, bad-char, line-too-long,
 * unknown-command or bad-argument.
 */
int agent_parse_request(const char *line, size_t len, struct agent_req *out,
    struct agent_error *err);

/* Whether an error ends the session (the line was not protocol at all). */
bool agent_error_fatal(const char *code);

/* The verb's word ("exit-close"), "?" for none. */
const char *agent_verb_name(enum agent_verb v);

/*
 * The replies, each one line ending in '\n', NUL-terminated in buf. Each
 * returns the length, or 0 when buf is too small (AGENT_REPLY_MAX always
 * suffices).
 */
size_t agent_format_greeting(bool auth_required, char *buf, size_t len);
size_t agent_format_err(const char *code, const char *msg, char *buf,
    size_t len);
size_t agent_format_ok(const char *text, char *buf, size_t len);
size_t agent_format_hello(const struct plat_os_info *os, const char *version,
    uint64_t now_ns, char *buf, size_t len);

/* Where a socket is, for replies: known false is none. */
struct agent_names {
	bool known;
	struct ip_addr laddr, raddr;
	uint16_t lport, rport;
};

/*
 * A call's reply, its error named by c->err_name. sock is the new handle
 * of socket and accept (AGENT_SOCK_NONE: none); names NULL or the
 * socket's ends; signal_ns plat_signal_handled_ns() after the call.
 */
size_t agent_format_call(const struct plat_call *c, uint32_t sock,
    const struct agent_names *names, uint64_t signal_ns, char *buf, size_t len);
size_t agent_format_names(const struct agent_names *n, char *buf, size_t len);
size_t agent_format_proc(const struct plat_proc *p, char *buf, size_t len);
size_t agent_format_socks(const struct plat_socks *s, char *buf, size_t len);
size_t agent_format_counters(const struct agent_req *r, const int64_t *values,
    char *buf, size_t len);

/*
 * Whether the token given matches, in time that depends only on the
 * expected token's length.
 */
bool agent_token_equal(const char *expected, const char *given);

/* ---- lines from a stream, for both halves ---- */

/*
 * Bytes in, lines out. A line longer than AGENT_LINE_MAX is reported as
 * soon as the limit is passed, without waiting for its end.
 */
struct agent_lines {
	char buf[AGENT_LINE_MAX + 2]; /* a line, its '\r' and its '\n' */
	size_t len;		      /* bytes held */
	size_t skip;		      /* the last line given, to drop first */
};

void agent_lines_init(struct agent_lines *lb);
/* Where up to *room more bytes may be read to; then agent_lines_added(). */
char *agent_lines_space(struct agent_lines *lb, size_t *room);
void agent_lines_added(struct agent_lines *lb, size_t n);
/*
 * The next whole line, without its newline: 1 with *line and *len set
 * (valid until the next call), 0 when more bytes are needed, -1 when the
 * line held is over AGENT_LINE_MAX.
 */
int agent_lines_next(struct agent_lines *lb, const char **line, size_t *len);
/* Whether a line has begun and not ended (for the deadline on its end). */
bool agent_lines_partial(const struct agent_lines *lb);

/* ---- the runner's half ---- */

/* Format a request as a line with its '\n'; 0 when it does not fit or
 * the request is not one agent_parse_request() would take back. */
size_t agent_format_request(const struct agent_req *r, char *buf, size_t len);

/* A reply line, read. */
struct agent_reply {
	bool ok;
	char code[32]; /* err: its code */
	char text[AGENT_LINE_MAX +
	    1]; /* ok: what follows "ok "; err: the message */
};

/* Parse a reply line (with or without its newline). 0, or -1 when it is
 * no reply (neither ok nor err). */
int agent_parse_reply(const char *line, size_t len, struct agent_reply *out);

/*
 * The value of KEY=VALUE in an ok reply's text, percent-decoded: its
 * length (>= 0), or -1 when absent or too long for buf.
 */
int agent_reply_field(const struct agent_reply *r, const char *key, char *buf,
    size_t len);
/* The same as a number: 0, or -1 when absent or malformed; "unknown" is
 * PLAT_UNKNOWN, and so a success. */
int agent_reply_i64(const struct agent_reply *r, const char *key, int64_t *out);

/* The greeting: 0 with the agent's protocol and whether it wants a token,
 * or -1 when the line is not a lingerlab-agent greeting. */
int agent_parse_greeting(const char *line, size_t len, uint32_t *protocol,
    bool *auth_required);
/* hello's reply: 0, or -1 when a field is missing. */
int agent_reply_hello(const struct agent_reply *r, uint32_t *protocol,
    struct plat_os_info *os, uint64_t *now_ns);
/* A call's reply (c->err_name the agent's name of c->err): 0, or -1
 * when a field is missing or malformed. */
int agent_reply_call(const struct agent_reply *r, struct plat_call *c,
    uint32_t *sock, struct agent_names *names, uint64_t *signal_ns);
int agent_reply_names(const struct agent_reply *r, struct agent_names *n);
int agent_reply_proc(const struct agent_reply *r, struct plat_proc *p);
int agent_reply_socks(const struct agent_reply *r, struct plat_socks *s);
int agent_reply_counters(const struct agent_reply *r, const char *const *names,
    size_t n, int64_t *values);

/* "ESTABLISHED" ... for the states of struct plat_socks, NULL outside. */
const char *agent_tcp_state_name(unsigned i);

/* Text to one word and back: bytes outside '!'..'~' and '%' become %XX. */
size_t agent_pct_encode(const char *in, char *out, size_t len);
/* -1 when malformed (a '%' not followed by two hex digits, a NUL). */
int agent_pct_decode(const char *in, size_t inlen, char *out, size_t len);

#endif
