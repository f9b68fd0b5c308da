/*
 * control_proto.c - parse one control line into a struct control_cmd.
 *
 * The line is checked as a whole first (length, bytes), then split into
 * words, then each verb checks its own words. Every refusal names the word
 * (counting the verb as word 1), quotes it, and says what to write instead,
 * because the reader is often a person at an nc prompt. The values inside
 * words (numbers, states, connections, key=value, sizes) are read in
 * control_words.c; wait conditions in control_wait.c, next to the code
 * that checks them.
 */
#include "control_proto.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "control_parse_int.h"
#include "units.h"

struct words {
	size_t n;
	const char *w[CONTROL_WORDS_MAX];
	/* Each word NUL-terminated: the unit parsers want C strings. */
	char buf[CONTROL_LINE_MAX + CONTROL_WORDS_MAX];
};

struct verb_def {
	const char *name;
	enum control_verb verb;
	const char *usage;
	const char *summary;
};

static const struct verb_def verbs[] = {
	{ "help", CTL_HELP, "help [COMMAND|behaviours|conditions]",
	    "list the commands, or explain one" },
	{ "version", CTL_VERSION, "version", "program and protocol version" },
	{ "stats", CTL_STATS, "stats",
	    "peer-wide counters, event log range, control clients" },
	{ "list", CTL_LIST, "list [port=N] [state=S]",
	    "one conn line per connection" },
	{ "show", CTL_SHOW, "show CONN", "one connection in detail" },
	{ "events", CTL_EVENTS, "events CONN|all [since=N] [limit=N]",
	    "what the peer saw and did, oldest first" },
	{ "behaviour", CTL_BEHAVIOUR, "behaviour CONN SPEC",
	    "change a connection's behaviour now" },
	{ "listen", CTL_LISTEN, "listen [PORT SPEC]",
	    "accept connections on PORT with behaviour SPEC; alone: list the ports" },
	{ "ack-fin", CTL_ACK_FIN, "ack-fin CONN", "ACK a swallowed FIN now" },
	{ "read", CTL_READ, "read CONN [SIZE]",
	    "the application reads SIZE bytes (default: all buffered)" },
	{ "resume", CTL_RESUME, "resume CONN",
	    "stop stop-reading: read everything, reopen the window" },
	{ "fin", CTL_FIN, "fin CONN", "send our FIN (close our side)" },
	{ "rst", CTL_RST, "rst CONN", "send RST and forget the connection" },
	{ "send", CTL_SEND, "send CONN SIZE",
	    "send SIZE bytes of data to the client" },
	{ "wait", CTL_WAIT,
	    "wait CONN|new [KEY OP VALUE]... [timeout=DURATION]",
	    "block until the connection exists and every condition holds" },
	{ "connect", CTL_CONNECT, "connect IP:PORT [SPEC] [from=PORT]",
	    "open a connection to IP:PORT ourselves, behaving as SPEC" },
	{ "quit", CTL_QUIT, "quit", "close this control connection" },
	{ "clock", CTL_CLOCK, "clock",
	    "lingerpeer's monotonic clock now, the one events' t= is on" },
};

#define NVERBS (sizeof(verbs) / sizeof(verbs[0]))

int
control_fail(struct control_error *err, const char *code, const char *fmt, ...)
{
	va_list ap;

	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

const char *
control_verb_name(enum control_verb v)
{
	size_t i;

	for (i = 0; i < NVERBS; i++)
		if (verbs[i].verb == v)
			return verbs[i].name;
	return "?";
}

const char *
control_verb_usage(enum control_verb v)
{
	size_t i;

	for (i = 0; i < NVERBS; i++)
		if (verbs[i].verb == v)
			return verbs[i].usage;
	return "";
}

const char *
control_verb_summary(enum control_verb v)
{
	size_t i;

	for (i = 0; i < NVERBS; i++)
		if (verbs[i].verb == v)
			return verbs[i].summary;
	return "";
}

/*
 * Whole-line checks, then the split. Control characters and non-ASCII bytes
 * are refused outright: they cannot be part of any valid word, and refusing
 * them means no error message ever echoes a terminal escape back.
 */
static int
split_line(const char *line, size_t len, struct words *w,
    struct control_error *err)
{
	size_t i, out = 0;

	/* A word past the last reads as "", never as garbage: each parser
	 * checks the count first, but one that did not would fail cleanly. */
	w->n = 0;
	for (i = 0; i < CONTROL_WORDS_MAX; i++)
		w->w[i] = "";
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len > CONTROL_LINE_MAX)
		return control_fail(err, CONTROL_E_TOO_LONG,
		    "the line is %zu bytes long, the "
		    "limit is %d. Send shorter commands",
		    len, CONTROL_LINE_MAX);
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)line[i];

		if (ch == '\t' || (ch >= 0x20 && ch < 0x7f))
			continue;
		return control_fail(err, CONTROL_E_BAD_CHAR,
		    "byte 0x%02x at column %zu is %s. "
		    "Commands are plain ASCII words separated by spaces",
		    ch, i + 1,
		    ch >= 0x80 ? "not ASCII" : "a control character");
	}
	w->n = 0;
	for (i = 0; i < len;) {
		size_t start;

		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i == len)
			break;
		start = i;
		while (i < len && line[i] != ' ' && line[i] != '\t')
			i++;
		if (w->n == CONTROL_WORDS_MAX)
			return control_fail(err, CONTROL_E_BAD_ARG,
			    "the line has more than %d words. "
			    "See help for what each command takes",
			    CONTROL_WORDS_MAX);
		if (i - start > CONTROL_WORD_MAX)
			return control_fail(err, CONTROL_E_BAD_ARG,
			    "word %zu ('%.20s...') is %zu bytes "
			    "long, the limit is %d. Shorten it",
			    w->n + 1, line + start, i - start,
			    CONTROL_WORD_MAX);
		memcpy(w->buf + out, line + start, i - start);
		w->w[w->n++] = w->buf + out;
		out += i - start;
		w->buf[out++] = '\0';
	}
	if (w->n == 0)
		return control_fail(err, CONTROL_E_EMPTY,
		    "the line has no command. Type help for "
		    "the list of commands");
	return 0;
}

static int
want_args(const struct words *w, const struct verb_def *v, size_t min,
    size_t max, struct control_error *err)
{
	size_t got = w->n - 1;

	if (got >= min && got <= max)
		return 0;
	if (got < min)
		return control_fail(err, CONTROL_E_BAD_ARG,
		    "%s needs %s%zu argument%s, got %zu. "
		    "Usage: %s",
		    v->name, min == max ? "" : "at least ", min,
		    min == 1 ? "" : "s", got, v->usage);
	return control_fail(err, CONTROL_E_BAD_ARG,
	    "%s takes at most %zu argument%s; word %zu "
	    "('%.40s') is one too many. Usage: %s",
	    v->name, max, max == 1 ? "" : "s", max + 2, w->w[max + 1],
	    v->usage);
}

static int
parse_help(const struct words *w, struct control_cmd *cmd,
    struct control_error *err)
{
	size_t i;

	if (w->n < 2)
		return 0;
	for (i = 0; w->w[1][i] != '\0'; i++) {
		char ch = w->w[1][i];

		cmd->topic[i] =
		    (char)(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
	}
	cmd->topic[i] = '\0';
	if (strcmp(cmd->topic, "behavior") == 0 ||
	    strcmp(cmd->topic, "behaviors") == 0)
		strcpy(cmd->topic, "behaviours");
	if (strcmp(cmd->topic, "behaviours") == 0 ||
	    strcmp(cmd->topic, "conditions") == 0)
		return 0;
	for (i = 0; i < NVERBS; i++)
		if (strcmp(cmd->topic, verbs[i].name) == 0)
			return 0;
	return control_fail(err, CONTROL_E_BAD_ARG,
	    "word 2: there is no help on '%.40s'. Type "
	    "help for the commands; topics are the command names, behaviours and "
	    "conditions",
	    w->w[1]);
}

static int
parse_list(const struct words *w, struct control_cmd *cmd,
    struct control_error *err)
{
	size_t i;
	const char *v;
	uint64_t port;

	for (i = 1; i < w->n; i++) {
		if (control_is_opt(w->w[i], "port", &v) && !cmd->has_port) {
			if (control_parse_u64(v, &port) < 0 || port == 0 ||
			    port > 65535)
				return control_fail(err, CONTROL_E_BAD_ARG,
				    "word %zu: port=%.40s is not "
				    "a port. Write port=N with N from 1 to 65535",
				    i + 1, v);
			cmd->has_port = true;
			cmd->port = (uint16_t)port;
		} else if (control_is_opt(w->w[i], "state", &v) &&
		    !cmd->has_state) {
			if (control_parse_state(v, &cmd->state) < 0)
				return control_fail(err, CONTROL_E_BAD_ARG,
				    "word %zu: '%.40s' is not a "
				    "TCP state. Write a name such as ESTABLISHED, FIN_WAIT2 or "
				    "CLOSED",
				    i + 1, v);
			cmd->has_state = true;
		} else {
			return control_fail(err, CONTROL_E_BAD_ARG,
			    "word %zu ('%.40s') is not a list "
			    "filter. Usage: %s (each filter once)",
			    i + 1, w->w[i], control_verb_usage(CTL_LIST));
		}
	}
	return 0;
}

static int
parse_events(const struct words *w, struct control_cmd *cmd,
    struct control_error *err)
{
	bool seen_since = false, seen_limit = false;
	const char *v;
	uint64_t n;
	size_t i;

	if (control_parse_conn(w->w[1], 1, CONN_ALLOW_ALL, &cmd->conn, err) < 0)
		return -1;
	cmd->limit = CONTROL_EVENTS_DEFAULT_LIMIT;
	for (i = 2; i < w->n; i++) {
		if (control_is_opt(w->w[i], "since", &v) && !seen_since) {
			if (control_parse_u64(v, &cmd->since) < 0)
				return control_fail(err, CONTROL_E_BAD_ARG,
				    "word %zu: since=%.40s is not "
				    "an event number. Write since=N, N from an event's n=",
				    i + 1, v);
			seen_since = true;
		} else if (control_is_opt(w->w[i], "limit", &v) &&
		    !seen_limit) {
			if (control_parse_u64(v, &n) < 0 || n == 0 ||
			    n > CONTROL_EVENTS_MAX_LIMIT)
				return control_fail(err, CONTROL_E_BAD_ARG,
				    "word %zu: limit=%.40s is out "
				    "of range. Write limit=N with N from 1 to %u",
				    i + 1, v, CONTROL_EVENTS_MAX_LIMIT);
			cmd->limit = (uint32_t)n;
			seen_limit = true;
		} else {
			return control_fail(err, CONTROL_E_BAD_ARG,
			    "word %zu ('%.40s') is not an events "
			    "option. Usage: %s (each option once)",
			    i + 1, w->w[i], control_verb_usage(CTL_EVENTS));
		}
	}
	return 0;
}

static int
parse_spec(const struct words *w, size_t idx, struct control_cmd *cmd,
    struct control_error *err)
{
	struct behaviour_error berr;

	memset(&berr, 0, sizeof(berr));
	if (behaviour_parse(w->w[idx], &cmd->behaviour, &berr) < 0)
		return control_fail(err, CONTROL_E_BAD_ARG,
		    "word %zu (behaviour spec) at byte "
		    "%zu: %s. See help behaviours",
		    idx + 1, berr.pos + 1, berr.msg);
	cmd->has_behaviour = true;
	return 0;
}

static int
parse_listen(const struct words *w, struct control_cmd *cmd,
    struct control_error *err)
{
	uint64_t port;

	if (w->n == 1)
		return 0;
	if (w->n != 3)
		return control_fail(err, CONTROL_E_BAD_ARG,
		    "listen takes no argument (to list the "
		    "ports) or two, got %zu. Usage: %s, e.g. listen 80 normal",
		    w->n - 1, control_verb_usage(CTL_LISTEN));
	if (control_parse_u64(w->w[1], &port) < 0 || port == 0 || port > 65535)
		return control_fail(err, CONTROL_E_BAD_ARG,
		    "word 2 ('%.40s') is not a port. Write a "
		    "number from 1 to 65535",
		    w->w[1]);
	cmd->port = (uint16_t)port;
	return parse_spec(w, 2, cmd, err);
}

/* connect IP:PORT [SPEC] [from=PORT]: the words after the address in any order. */
static int
parse_connect(const struct words *w, struct control_cmd *cmd,
    struct control_error *err)
{
	uint64_t port;
	size_t i;

	if (control_parse_conn(w->w[1], 1, 0, &cmd->conn, err) < 0)
		return -1;
	if (cmd->conn.kind != CCONN_ADDR || cmd->conn.port == 0)
		return control_fail(err, CONTROL_E_BAD_ARG,
		    "word 2 ('%.60s') is not IP:PORT. "
		    "Write the address and port the system under test listens on, e.g. "
		    "192.0.2.1:8080 or [2001:db8::1]:8080",
		    w->w[1]);
	for (i = 2; i < w->n; i++) {
		if (strncasecmp(w->w[i], "from=", 5) != 0) {
			if (cmd->has_behaviour)
				return control_fail(err, CONTROL_E_BAD_ARG,
				    "word %zu ('%.40s'): "
				    "one behaviour spec only; join items with +",
				    i + 1, w->w[i]);
			if (parse_spec(w, i, cmd, err) < 0)
				return -1;
			continue;
		}
		if (control_parse_u64(w->w[i] + 5, &port) < 0 || port == 0 ||
		    port > 65535)
			return control_fail(err, CONTROL_E_BAD_ARG,
			    "word %zu ('%.40s'): from= takes "
			    "a port from 1 to 65535 (or leave it out to pick a free one)",
			    i + 1, w->w[i]);
		cmd->port = (uint16_t)port;
	}
	return 0;
}

static int
parse_size_arg(const struct words *w, struct control_cmd *cmd,
    struct control_error *err)
{
	uint64_t n;

	if (w->n < 3)
		return 0;
	if (control_parse_bytes(w->w[2], 2, "size", UINT32_MAX, &n, err) < 0)
		return -1;
	if (n == 0)
		return control_fail(err, CONTROL_E_BAD_ARG,
		    "word 3: a size of 0 does nothing. %s",
		    cmd->verb == CTL_READ
			? "Leave SIZE out to read everything buffered"
			: "Write the number of bytes, e.g. 10KiB");
	cmd->size = (uint32_t)n;
	return 0;
}

static int
parse_wait(const struct words *w, struct control_cmd *cmd,
    struct control_error *err)
{
	bool seen_timeout = false;
	char msg[200];
	const char *v;
	size_t i;

	if (control_parse_conn(w->w[1], 1, CONN_ALLOW_NEW, &cmd->conn, err) < 0)
		return -1;
	cmd->timeout_ns = CONTROL_WAIT_DEFAULT_NS;
	for (i = 2; i < w->n; i++) {
		if (control_is_opt(w->w[i], "timeout", &v)) {
			if (seen_timeout)
				return control_fail(err, CONTROL_E_BAD_ARG,
				    "word %zu: timeout= is given "
				    "twice. Give it once",
				    i + 1);
			if (parse_duration(v, &cmd->timeout_ns, msg,
				sizeof(msg)) < 0)
				return control_fail(err, CONTROL_E_BAD_ARG,
				    "word %zu (timeout): %s", i + 1, msg);
			if (cmd->timeout_ns > CONTROL_WAIT_MAX_NS)
				return control_fail(err, CONTROL_E_BAD_ARG,
				    "word %zu: timeout=%.40s is "
				    "longer than the limit of 1h. Wait in several steps",
				    i + 1, v);
			seen_timeout = true;
			continue;
		}
		if (cmd->ncond == CONTROL_CONDS_MAX)
			return control_fail(err, CONTROL_E_BAD_ARG,
			    "word %zu: a wait takes at most %d "
			    "conditions. Split it into several waits",
			    i + 1, CONTROL_CONDS_MAX);
		if (control_parse_cond(w->w[i], i, &cmd->cond[cmd->ncond],
			err) < 0)
			return -1;
		cmd->ncond++;
	}
	return 0;
}

static int
parse_args(const struct words *w, const struct verb_def *v,
    struct control_cmd *cmd, struct control_error *err)
{
	switch (v->verb) {
	case CTL_HELP:
		return want_args(w, v, 0, 1, err) < 0 ? -1
						      : parse_help(w, cmd, err);
	case CTL_VERSION:
	case CTL_STATS:
	case CTL_QUIT:
	case CTL_CLOCK: return want_args(w, v, 0, 0, err);
	case CTL_LIST: return parse_list(w, cmd, err);
	case CTL_SHOW:
	case CTL_ACK_FIN:
	case CTL_RESUME:
	case CTL_FIN:
	case CTL_RST:
		if (want_args(w, v, 1, 1, err) < 0)
			return -1;
		return control_parse_conn(w->w[1], 1, 0, &cmd->conn, err);
	case CTL_EVENTS:
		if (want_args(w, v, 1, 3, err) < 0)
			return -1;
		return parse_events(w, cmd, err);
	case CTL_BEHAVIOUR:
		if (want_args(w, v, 2, 2, err) < 0 ||
		    control_parse_conn(w->w[1], 1, 0, &cmd->conn, err) < 0)
			return -1;
		return parse_spec(w, 2, cmd, err);
	case CTL_LISTEN: return parse_listen(w, cmd, err);
	case CTL_READ:
	case CTL_SEND:
		if (want_args(w, v, v->verb == CTL_SEND ? 2 : 1, 2, err) < 0 ||
		    control_parse_conn(w->w[1], 1, 0, &cmd->conn, err) < 0)
			return -1;
		return parse_size_arg(w, cmd, err);
	case CTL_WAIT:
		if (want_args(w, v, 1, CONTROL_WORDS_MAX, err) < 0)
			return -1;
		return parse_wait(w, cmd, err);
	case CTL_CONNECT:
		if (want_args(w, v, 1, 3, err) < 0)
			return -1;
		return parse_connect(w, cmd, err);
	case CTL_NONE:
	case CTL_VERB_COUNT: break;
	}
	return control_fail(err, CONTROL_E_UNKNOWN,
	    "internal: verb %s has no parser. Report "
	    "this as a bug",
	    v->name);
}

static const struct verb_def *
find_verb(const char *word)
{
	size_t i;

	/* The American spelling is what many people type first. */
	if (strcasecmp(word, "behavior") == 0)
		word = "behaviour";
	for (i = 0; i < NVERBS; i++)
		if (strcasecmp(word, verbs[i].name) == 0)
			return &verbs[i];
	return NULL;
}

int
control_parse(const char *line, size_t len, struct control_cmd *cmd,
    struct control_error *err)
{
	struct words w;
	const struct verb_def *v;

	memset(cmd, 0, sizeof(*cmd));
	err->code = NULL;
	err->msg[0] = '\0';
	if (split_line(line, len, &w, err) < 0)
		return -1;
	if ((v = find_verb(w.w[0])) == NULL)
		return control_fail(err, CONTROL_E_UNKNOWN,
		    "'%.40s' is not a command. Type help "
		    "for the list of commands",
		    w.w[0]);
	cmd->verb = v->verb;
	return parse_args(&w, v, cmd, err);
}
