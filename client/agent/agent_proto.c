/*
 * agent_proto.c - the agent protocol's requests as the agent reads them:
 * a line to a struct agent_req, or to an error that names the word at
 * fault and says what to write. The runner's half is agent_request.c,
 * replies are agent_reply.c, lines and the token agent_lines.c.
 *
 * Standard C only (agent_proto.h says why). Every word is checked before
 * it is used; nothing here trusts the line it is given.
 */
#include "agent_proto.h"
#include "agent_proto_int.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/*
 * Counts are printed as %u: the Windows C library the agent's Windows build
 * links may not know %zu.
 */

struct words {
	size_t n;
	const char *w[AGENT_WORDS_MAX];
	size_t len[AGENT_WORDS_MAX];
};

static int fail(struct agent_error *, const char *, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(struct agent_error *err, const char *code, const char *fmt, ...)
{
	va_list ap;

	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* ---- verbs ---- */

struct verb {
	const char *word;
	enum agent_verb verb;
	size_t min, max; /* words after the verb */
};

static const struct verb verbs[] = {
	{ "auth", AGENT_AUTH, 1, 1 },
	{ "hello", AGENT_HELLO, 1, 1 },
	{ "help", AGENT_HELP, 0, 0 },
	{ "quit", AGENT_QUIT, 0, 0 },
	{ "reset", AGENT_RESET, 0, 0 },
	{ "clock", AGENT_CLOCK, 0, 0 },
	{ "socket", AGENT_SOCKET, 0, 1 },
	{ "set", AGENT_SET, 2, 3 },
	{ "connect", AGENT_CONNECT, 2, 3 },
	{ "send", AGENT_SEND, 2, 2 },
	{ "recv", AGENT_RECV, 2, 2 },
	{ "shutdown", AGENT_SHUTDOWN, 2, 2 },
	{ "close", AGENT_CLOSE, 1, 1 },
	{ "exit-close", AGENT_EXIT_CLOSE, 1, 1 },
	{ "listen", AGENT_LISTEN, 2, 2 },
	{ "accept", AGENT_ACCEPT, 1, 2 },
	{ "signal-after", AGENT_SIGNAL_AFTER, 1, 1 },
	{ "names", AGENT_NAMES, 1, 1 },
	{ "route", AGENT_ROUTE, 1, 1 },
	{ "state", AGENT_STATE, 2, 2 },
	{ "probe", AGENT_PROBE_PROCESS, 1, 1 + AGENT_COUNTERS_MAX },
};

#define NVERBS (sizeof(verbs) / sizeof(verbs[0]))

const char *
agent_verb_name(enum agent_verb v)
{
	size_t i;

	if (v == AGENT_PROBE_SOCKETS || v == AGENT_PROBE_COUNTERS)
		return "probe";
	for (i = 0; i < NVERBS; i++)
		if (verbs[i].verb == v)
			return verbs[i].word;
	return "?";
}

static unsigned char
lower(char c)
{
	unsigned char u = (unsigned char)c;

	return u >= 'A' && u <= 'Z' ? (unsigned char)(u - 'A' + 'a') : u;
}

/* Whether word (len bytes) is s, in any case. */
static bool
is_word(const char *w, size_t len, const char *s)
{
	size_t i;

	if (strlen(s) != len)
		return false;
	for (i = 0; i < len; i++)
		if (lower(w[i]) != (unsigned char)s[i])
			return false;
	return true;
}

/* ---- words ---- */

static int
split(const char *line, size_t len, struct words *ws, struct agent_error *err)
{
	size_t i = 0, start;

	ws->n = 0;
	for (;;) {
		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i == len)
			return 0;
		start = i;
		while (i < len && line[i] != ' ' && line[i] != '\t')
			i++;
		if (ws->n == AGENT_WORDS_MAX)
			return fail(err, "bad-argument",
			    "more than %d words; no "
			    "request has that many",
			    AGENT_WORDS_MAX);
		if (i - start > AGENT_WORD_MAX)
			return fail(err, "bad-argument",
			    "word %u is %u bytes "
			    "long; a word has at most %d",
			    (unsigned)ws->n + 1, (unsigned)(i - start),
			    AGENT_WORD_MAX);
		ws->w[ws->n] = line + start;
		ws->len[ws->n++] = i - start;
	}
}

/* The line's bytes: printable ASCII, spaces and tabs. */
static int
check_chars(const char *line, size_t len, struct agent_error *err)
{
	size_t i;
	unsigned char c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)line[i];
		if ((c < 0x20 && c != '\t') || c > 0x7e)
			return fail(err, "bad-char",
			    "byte 0x%02x at column %u: "
			    "a request is printable ASCII text",
			    c, (unsigned)i + 1);
	}
	return 0;
}

/* "word 3 ('xyz')" into buf, for messages. */
static const char *
word_ref(const struct words *ws, size_t k, char *buf, size_t len)
{
	int n = ws->len[k] > 40 ? 40 : (int)ws->len[k];

	snprintf(buf, len, "word %u ('%.*s%s')", (unsigned)k + 1, n, ws->w[k],
	    ws->len[k] > 40 ? "..." : "");
	return buf;
}

/* ---- numbers and addresses ---- */

bool
agent_parse_u64(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0, d;
	size_t i;

	if (len == 0 || len > 20)
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		d = (uint64_t)(s[i] - '0');
		if (v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

bool
agent_parse_i64(const char *s, size_t len, int64_t *out)
{
	uint64_t v;

	if (len > 0 && s[0] == '-') {
		if (!agent_parse_u64(s + 1, len - 1, (uint64_t)INT64_MAX + 1,
			&v))
			return false;
		*out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
		return true;
	}
	if (!agent_parse_u64(s, len, INT64_MAX, &v))
		return false;
	*out = (int64_t)v;
	return true;
}

/* "1500ms": a count and ns, us, ms or s. */
static bool
parse_duration(const char *s, size_t len, uint64_t *out)
{
	static const struct {
		const char *unit;
		uint64_t ns;
	} units[] = {
		{ "ns", 1 },
		{ "us", 1000 },
		{ "ms", 1000000 },
		{ "s", 1000000000 },
	};
	size_t i, digits = 0, ulen;
	uint64_t v;

	while (digits < len && s[digits] >= '0' && s[digits] <= '9')
		digits++;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		ulen = strlen(units[i].unit);
		if (len - digits != ulen ||
		    memcmp(s + digits, units[i].unit, ulen) != 0)
			continue;
		if (!agent_parse_u64(s, digits,
			AGENT_DURATION_MAX_NS / units[i].ns, &v))
			return false;
		*out = v * units[i].ns;
		return true;
	}
	return false;
}

/* ---- arguments ---- */

static int
arg_sock(const struct words *ws, size_t k, struct agent_req *r,
    struct agent_error *err)
{
	uint64_t v;
	char ref[64];

	if (is_word(ws->w[k], ws->len[k], "none")) {
		r->sock = AGENT_SOCK_NONE;
		return 0;
	}
	if (agent_parse_u64(ws->w[k], ws->len[k], UINT32_MAX, &v) && v != 0) {
		r->sock = (uint32_t)v;
		return 0;
	}
	return fail(err, "bad-argument",
	    "%s is not a socket: write the number "
	    "the agent gave (sock= of socket or accept), or none",
	    word_ref(ws, k, ref, sizeof(ref)));
}

static int
arg_ipport(const struct words *ws, size_t k, struct ip_addr *addr,
    uint16_t *port, struct agent_error *err)
{
	char ref[64];

	if (agent_parse_ipport(ws->w[k], ws->len[k], addr, port))
		return 0;
	return fail(err, "bad-argument",
	    "%s is not an address and port: "
	    "write e.g. 192.0.2.2:80, or [2001:db8::2]:80 for IPv6",
	    word_ref(ws, k, ref, sizeof(ref)));
}

/* socket's optional family: ipv4 (also when unsaid) or ipv6. */
static int
arg_family(const struct words *ws, struct agent_req *r, struct agent_error *err)
{
	char ref[64];

	r->family = IPF_V4;
	if (ws->n < 2 || is_word(ws->w[1], ws->len[1], "ipv4"))
		return 0;
	if (is_word(ws->w[1], ws->len[1], "ipv6")) {
		r->family = IPF_V6;
		return 0;
	}
	return fail(err, "bad-argument",
	    "%s is not a family: write socket, "
	    "socket ipv4 or socket ipv6",
	    word_ref(ws, 1, ref, sizeof(ref)));
}

/* state's two ends: of one family, as a connection's are. */
static int
args_state(const struct words *ws, struct agent_req *r, struct agent_error *err)
{
	if (arg_ipport(ws, 1, &r->addr, &r->port, err) < 0 ||
	    arg_ipport(ws, 2, &r->raddr, &r->rport, err) < 0)
		return -1;
	if (r->addr.family == r->raddr.family)
		return 0;
	return fail(err, "bad-argument",
	    "the two ends are of two families; "
	    "a connection's are both IPv4 or both IPv6");
}

/* An optional "timeout=DURATION" at word k; the default when absent. */
static int
arg_timeout(const struct words *ws, size_t k, struct agent_req *r,
    struct agent_error *err)
{
	char ref[64];

	r->duration_ns = AGENT_STEP_TIMEOUT_NS;
	if (k >= ws->n)
		return 0;
	if (ws->len[k] > 8 && is_word(ws->w[k], 8, "timeout=") &&
	    parse_duration(ws->w[k] + 8, ws->len[k] - 8, &r->duration_ns))
		return 0;
	return fail(err, "bad-argument",
	    "%s is not a timeout: write e.g. "
	    "timeout=10s (ns, us, ms or s; at most 3600s)",
	    word_ref(ws, k, ref, sizeof(ref)));
}

struct optword {
	const char *word;
	enum plat_opt opt;
	bool value;
};

static const struct optword optwords[] = {
	{ "linger-off", PLAT_OPT_LINGER_OFF, false },
	{ "linger", PLAT_OPT_LINGER, true },
	{ "blocking", PLAT_OPT_BLOCKING, false },
	{ "nonblocking", PLAT_OPT_NONBLOCKING, false },
	{ "sndbuf", PLAT_OPT_SNDBUF, true },
	{ "rcvbuf", PLAT_OPT_RCVBUF, true },
	{ "nodelay", PLAT_OPT_NODELAY, true },
	{ "user-timeout", PLAT_OPT_USER_TIMEOUT, true },
	{ "linger2", PLAT_OPT_LINGER2, true },
};

#define NOPTS (sizeof(optwords) / sizeof(optwords[0]))

const char *
agent_opt_word(enum plat_opt opt, bool *takes_value)
{
	size_t i;

	for (i = 0; i < NOPTS; i++)
		if (optwords[i].opt == opt) {
			*takes_value = optwords[i].value;
			return optwords[i].word;
		}
	return NULL;
}

static int
args_set(const struct words *ws, struct agent_req *r, struct agent_error *err)
{
	const struct optword *o = NULL;
	char ref[64];
	size_t i;

	for (i = 0; i < NOPTS && o == NULL; i++)
		if (is_word(ws->w[2], ws->len[2], optwords[i].word))
			o = &optwords[i];
	if (o == NULL)
		return fail(err, "bad-argument",
		    "%s is no option: write "
		    "linger-off, linger N, blocking, nonblocking, sndbuf N, "
		    "rcvbuf N, nodelay 0|1, user-timeout N or linger2 N",
		    word_ref(ws, 2, ref, sizeof(ref)));
	r->opt = o->opt;
	if (!o->value && ws->n == 3)
		return 0;
	if (!o->value)
		return fail(err, "bad-argument", "%s takes no value", o->word);
	if (ws->n != 4 || !agent_parse_i64(ws->w[3], ws->len[3], &r->value))
		return fail(err, "bad-argument",
		    "%s needs a whole number after "
		    "it, e.g. set 1 %s 1",
		    o->word, o->word);
	return 0;
}

static int
args_send(const struct words *ws, struct agent_req *r, struct agent_error *err)
{
	char ref[64];

	if (r->verb == AGENT_SEND &&
	    is_word(ws->w[2], ws->len[2], "until-blocked")) {
		r->until_blocked = true;
		return 0;
	}
	if (agent_parse_u64(ws->w[2], ws->len[2], AGENT_SIZE_MAX, &r->size))
		return 0;
	return fail(err, "bad-argument",
	    "%s is not a size: write bytes as a "
	    "whole number (at most 2^40)%s",
	    word_ref(ws, 2, ref, sizeof(ref)),
	    r->verb == AGENT_SEND ? ", or until-blocked" : "");
}

static int
args_shutdown(const struct words *ws, struct agent_req *r,
    struct agent_error *err)
{
	static const char *const hows[] = { "rd", "wr", "rdwr" };
	char ref[64];
	int i;

	for (i = 0; i < 3; i++)
		if (is_word(ws->w[2], ws->len[2], hows[i])) {
			r->how = i;
			return 0;
		}
	return fail(err, "bad-argument",
	    "%s is not a direction: write rd, wr "
	    "or rdwr",
	    word_ref(ws, 2, ref, sizeof(ref)));
}

int
agent_counter_name_ok(const char *w, size_t len)
{
	size_t i;

	if (len == 0 || len > AGENT_COUNTER_NAME_MAX)
		return -1;
	for (i = 0; i < len; i++)
		if (!((w[i] >= 'a' && w[i] <= 'z') ||
			(w[i] >= 'A' && w[i] <= 'Z') ||
			(w[i] >= '0' && w[i] <= '9') || w[i] == '_'))
			return -1;
	return 0;
}

static int
args_probe(const struct words *ws, struct agent_req *r, struct agent_error *err)
{
	char ref[64];
	size_t k;

	if (is_word(ws->w[1], ws->len[1], "process") && ws->n == 2)
		r->verb = AGENT_PROBE_PROCESS;
	else if (is_word(ws->w[1], ws->len[1], "sockets") && ws->n == 2)
		r->verb = AGENT_PROBE_SOCKETS;
	else if (is_word(ws->w[1], ws->len[1], "counters") && ws->n > 2)
		r->verb = AGENT_PROBE_COUNTERS;
	else
		return fail(err, "bad-argument",
		    "probe what? write probe "
		    "process, probe sockets or probe counters NAME...");
	for (k = 2; k < ws->n; k++) {
		if (agent_counter_name_ok(ws->w[k], ws->len[k]) < 0)
			return fail(err, "bad-argument",
			    "%s is not a counter "
			    "name: letters, digits and _, at most %d",
			    word_ref(ws, k, ref, sizeof(ref)),
			    AGENT_COUNTER_NAME_MAX);
		memcpy(r->counters[r->ncounters], ws->w[k], ws->len[k]);
		r->counters[r->ncounters++][ws->len[k]] = '\0';
	}
	return 0;
}

static int
args_session(const struct words *ws, struct agent_req *r,
    struct agent_error *err)
{
	uint64_t v;
	char ref[64];

	if (r->verb == AGENT_AUTH) {
		memcpy(r->token, ws->w[1], ws->len[1]);
		r->token[ws->len[1]] = '\0';
		return 0;
	}
	if (agent_parse_u64(ws->w[1], ws->len[1], UINT32_MAX, &v) && v != 0) {
		r->protocol = (uint32_t)v;
		return 0;
	}
	return fail(err, "bad-argument",
	    "%s is not a protocol version: write "
	    "hello %d",
	    word_ref(ws, 1, ref, sizeof(ref)), AGENT_PROTOCOL);
}

/* The words after the verb, by verb; the count is checked already. */
static int
args(const struct words *ws, struct agent_req *r, struct agent_error *err)
{
	char ref[64];

	switch (r->verb) {
	case AGENT_HELP:
	case AGENT_QUIT:
	case AGENT_RESET:
	case AGENT_CLOCK: return 0;
	case AGENT_SOCKET: return arg_family(ws, r, err);
	case AGENT_AUTH:
	case AGENT_HELLO: return args_session(ws, r, err);
	case AGENT_PROBE_PROCESS: return args_probe(ws, r, err);
	case AGENT_SIGNAL_AFTER:
		if (parse_duration(ws->w[1], ws->len[1], &r->duration_ns))
			return 0;
		return fail(err, "bad-argument",
		    "%s is not a duration: write "
		    "e.g. 1500ms (ns, us, ms or s; at most 3600s)",
		    word_ref(ws, 1, ref, sizeof(ref)));
	case AGENT_ROUTE:
		if (agent_parse_ip(ws->w[1], ws->len[1], &r->addr))
			return 0;
		return fail(err, "bad-argument",
		    "%s is not an address: "
		    "write e.g. 192.0.2.2 or 2001:db8::2",
		    word_ref(ws, 1, ref, sizeof(ref)));
	case AGENT_STATE: return args_state(ws, r, err);
	default: break;
	}
	/* The socket steps and names: SOCK first. */
	if (arg_sock(ws, 1, r, err) < 0)
		return -1;
	switch (r->verb) {
	case AGENT_SET: return args_set(ws, r, err);
	case AGENT_CONNECT:
		if (arg_ipport(ws, 2, &r->addr, &r->port, err) < 0)
			return -1;
		return arg_timeout(ws, 3, r, err);
	case AGENT_LISTEN: return arg_ipport(ws, 2, &r->addr, &r->port, err);
	case AGENT_ACCEPT: return arg_timeout(ws, 2, r, err);
	case AGENT_SEND:
	case AGENT_RECV: return args_send(ws, r, err);
	case AGENT_SHUTDOWN: return args_shutdown(ws, r, err);
	default: return 0;
	}
}

int
agent_parse_request(const char *line, size_t len, struct agent_req *out,
    struct agent_error *err)
{
	const struct verb *v = NULL;
	struct words ws;
	size_t i;

	/* Words not in the line read as empty ones, never as garbage. */
	for (i = 0; i < AGENT_WORDS_MAX; i++) {
		ws.w[i] = "";
		ws.len[i] = 0;
	}
	memset(out, 0, sizeof(*out));
	err->code = NULL;
	err->msg[0] = '\0';
	if (len > AGENT_LINE_MAX)
		return fail(err, "line-too-long", "the line is over %d bytes",
		    AGENT_LINE_MAX);
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (check_chars(line, len, err) < 0 || split(line, len, &ws, err) < 0)
		return -1;
	if (ws.n == 0)
		return fail(err, "empty-line",
		    "the line holds no request; "
		    "help lists them");
	for (i = 0; i < NVERBS && v == NULL; i++)
		if (is_word(ws.w[0], ws.len[0], verbs[i].word))
			v = &verbs[i];
	if (v == NULL)
		return fail(err, "unknown-command",
		    "'%.*s' is not a request; "
		    "help lists them",
		    ws.len[0] > 40 ? 40 : (int)ws.len[0], ws.w[0]);
	if (ws.n - 1 < v->min || ws.n - 1 > v->max)
		return fail(err, "bad-argument",
		    "%s takes %u to %u words "
		    "after it, not %u; help shows how it is written",
		    v->word, (unsigned)v->min, (unsigned)v->max,
		    (unsigned)ws.n - 1);
	out->verb = v->verb;
	return args(&ws, out, err);
}

bool
agent_error_fatal(const char *code)
{
	return strcmp(code, "bad-char") == 0 ||
	    strcmp(code, "line-too-long") == 0;
}
