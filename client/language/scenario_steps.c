/*
 * scenario_steps.c - the steps of a scenario: what the program under test
 * does with its sockets, and waiting; the peer's statements are read in
 * scenario_peer.c.
 *
 * Each statement is a row in a table with its usage, which doubles as the
 * hint of every error in that statement. Names of sockets are checked as
 * they are used: a name must be declared (socket, accept ... as, peer
 * connect ... as) before any step uses it, so a typo is found by "check"
 * rather than as a strange failure halfway through a run.
 */
#include "scenario_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scenario_defaults.h"
#include "timeunit.h"
#include "units.h"

#define RECV_MAX (1ull << 30)

/* How to read a statement; its name is its kind's (scenario_kinds.c). */
struct step_def {
	enum scn_step_kind kind;
	const char *usage;
	int (*parse)(struct scn_cur *k, struct scn_step *s);
};

/* ---- sockets on the system under test ---- */

/*
 * socket SOCK [ipv4|ipv6]: a socket that names no family takes the case's
 * (the run's --family), so one file runs over both; one that names it is
 * that family in every run. The name is declared even when the family
 * word is wrong: one error, not one per use.
 */
static int
p_socket(struct scn_cur *k, struct scn_step *s)
{
	struct scn_ctx *c = k->c;
	const struct scn_word *w;
	char q[96];

	if (scn_new_sock(k, false, &s->sock) < 0)
		return -1;
	c->sockf[s->sock] = SOCKF_FD;
	c->sc->sock_family[s->sock] = c->family;
	if (!scn_more(k)) {
		c->socket_unnamed = true;
		return 0;
	}
	w = &c->t->w[k->i];
	s->value = w->quoted ? SCN_FAM_NONE : scn_family_from_name(w->text);
	if (s->value == SCN_FAM_NONE)
		return scn_fail(c, w->col,
		    strcasecmp(w->text, "ipv6") == 0 ||
			    strcasecmp(w->text, "ipv4") == 0
			? "families are written in lower case: ipv4, ipv6"
			: k->usage,
		    "expected the socket's family, ipv4 or ipv6, got %s",
		    scn_quote(w, q, sizeof(q)));
	k->i++;
	c->sc->sock_family[s->sock] = (uint8_t)s->value;
	if (c->first_named == SCN_FAM_NONE)
		c->first_named = (int)s->value;
	return 0;
}

static int
p_fd_sock(struct scn_cur *k, struct scn_step *s)
{
	return scn_read_sock(k, SOCKF_FD, &s->sock);
}

/* ---- set: socket options ---- */

#define SET_OPTIONS                                                            \
	"options: linger, linger2, blocking, nonblocking, sndbuf, rcvbuf, "    \
	"nodelay, user-timeout"

/*
 * linger and linger2 count whole seconds. A duration must be exact ("2s");
 * a bare integer is passed raw, which is how negative and huge values, that
 * kernels treat specially, are written.
 */
static int
seconds_value(struct scn_cur *k, struct scn_step *s, const char *usage)
{
	const struct scn_word *w;
	uint64_t ns;
	char q[96];

	if ((w = scn_next(k, "a duration such as 2s or a whole number",
		 usage)) == NULL)
		return -1;
	if (!w->quoted && scn_parse_int(w->text, &s->value) == 0) {
		if (s->value < INT32_MIN || s->value > INT32_MAX)
			return scn_fail(k->c, w->col,
			    "the value is a C int, -2147483648 to "
			    "2147483647",
			    "%.40s is out of range for an int", w->text);
		return 0;
	}
	if (w->quoted || parse_duration(w->text, &ns, NULL, 0) < 0)
		return scn_fail(k->c, w->col, usage,
		    "expected a duration such as 2s or a whole "
		    "number, got %s",
		    scn_quote(w, q, sizeof(q)));
	if (ns % NS_PER_S != 0)
		return scn_fail(k->c, w->col,
		    "the option counts seconds: write 1s or 2s",
		    "expected whole seconds, got %s",
		    scn_quote(w, q, sizeof(q)));
	if (ns / NS_PER_S > INT32_MAX)
		return scn_fail(k->c, w->col,
		    "the value is a C int: at most 2147483647s",
		    "%.40s is out of range for an int", w->text);
	s->value = (int64_t)(ns / NS_PER_S);
	return 0;
}

static int
set_linger(struct scn_cur *k, struct scn_step *s)
{
	const char *usage = "usage: set SOCK linger off|DURATION|N";

	s->opt = OPT_LINGER;
	if (k->i < k->end && scn_word_is(&k->c->t->w[k->i], "off")) {
		k->i++;
		s->opt = OPT_LINGER_OFF;
		return 0;
	}
	return seconds_value(k, s, usage);
}

static int
set_buf(struct scn_cur *k, struct scn_step *s)
{
	uint32_t col = k->i < k->end ? k->c->t->w[k->i].col : k->c->t->end_col;
	uint64_t v;

	if (scn_read_size(k, "a size", &v) < 0)
		return -1;
	if (v > INT32_MAX)
		return scn_fail(k->c, col,
		    "socket buffer sizes are a C int: at most 2GiB - 1",
		    "buffer size %llu is too large", (unsigned long long)v);
	s->value = (int64_t)v;
	return 0;
}

static int
set_nodelay(struct scn_cur *k, struct scn_step *s)
{
	const char *usage = "usage: set SOCK nodelay on|off";
	const struct scn_word *w;
	char q[96];

	if ((w = scn_next(k, "on or off", usage)) == NULL)
		return -1;
	if (!scn_word_is(w, "on") && !scn_word_is(w, "off"))
		return scn_fail(k->c, w->col, usage,
		    "expected on or off, got %s", scn_quote(w, q, sizeof(q)));
	s->value = scn_word_is(w, "on");
	return 0;
}

static int
set_user_timeout(struct scn_cur *k, struct scn_step *s)
{
	uint32_t col = k->i < k->end ? k->c->t->w[k->i].col : k->c->t->end_col;
	uint64_t ns;

	if (scn_read_duration(k, "a duration", &ns) < 0)
		return -1;
	if (ns % NS_PER_MS != 0 || ns / NS_PER_MS > INT32_MAX)
		return scn_fail(k->c, col,
		    "TCP_USER_TIMEOUT counts milliseconds, up to 2^31 - 1",
		    "expected whole milliseconds that fit an int");
	s->value = (int64_t)(ns / NS_PER_MS);
	return 0;
}

static int
scn_parse_set(struct scn_cur *k, struct scn_step *s)
{
	static const char *const names[] = { "linger", "linger2", "blocking",
		"nonblocking", "sndbuf", "rcvbuf", "nodelay", "user-timeout" };
	const struct scn_word *w;
	const char *near;
	char hint[160], q[96];

	if (scn_read_sock(k, SOCKF_FD, &s->sock) < 0 ||
	    (w = scn_next(k, "an option", SET_OPTIONS)) == NULL)
		return -1;
	if (scn_word_is(w, "linger"))
		return set_linger(k, s);
	if (scn_word_is(w, "linger2")) {
		s->opt = OPT_LINGER2;
		return seconds_value(k, s,
		    "usage: set SOCK linger2 DURATION|N");
	}
	if (scn_word_is(w, "blocking") || scn_word_is(w, "nonblocking")) {
		s->opt =
		    scn_word_is(w, "blocking") ? OPT_BLOCKING : OPT_NONBLOCKING;
		return 0;
	}
	if (scn_word_is(w, "sndbuf") || scn_word_is(w, "rcvbuf")) {
		s->opt = scn_word_is(w, "sndbuf") ? OPT_SNDBUF : OPT_RCVBUF;
		return set_buf(k, s);
	}
	if (scn_word_is(w, "nodelay")) {
		s->opt = OPT_NODELAY;
		return set_nodelay(k, s);
	}
	if (scn_word_is(w, "user-timeout")) {
		s->opt = OPT_USER_TIMEOUT;
		return set_user_timeout(k, s);
	}
	near = scn_suggest(w->text, names, sizeof(names) / sizeof(names[0]));
	if (near != NULL)
		snprintf(hint, sizeof(hint), "did you mean %s?", near);
	return scn_fail(k->c, w->col, near != NULL ? hint : SET_OPTIONS,
	    "unknown socket option %s", scn_quote(w, q, sizeof(q)));
}

static int
p_connect(struct scn_cur *k, struct scn_step *s)
{
	struct scn_ctx *c = k->c;

	if (scn_read_sock(k, SOCKF_FD, &s->sock) < 0)
		return -1;
	if (scn_more(k))
		return scn_read_keyword(k, "port", k->usage) < 0
		    ? -1
		    : scn_read_port(k, &s->port);
	/* the default is resolved here, so the runner never has to */
	if (c->first_peer_port == 0)
		return scn_fail(c, c->t->end_col,
		    "add 'peer listen PORT SPEC' above, or write "
		    "connect SOCK port PORT",
		    "connect without a port needs a peer listen "
		    "before it");
	s->port = c->first_peer_port;
	return 0;
}

static int
p_send(struct scn_cur *k, struct scn_step *s)
{
	if (scn_read_sock(k, SOCKF_FD, &s->sock) < 0)
		return -1;
	if (k->i < k->end && scn_word_is(&k->c->t->w[k->i], "until-blocked")) {
		k->i++;
		s->until_blocked = true;
		return 0;
	}
	return scn_read_size(k, "a size", &s->size);
}

static int
p_recv(struct scn_cur *k, struct scn_step *s)
{
	uint32_t col;

	if (scn_read_sock(k, SOCKF_FD, &s->sock) < 0)
		return -1;
	s->size = SCN_DEFAULT_RECV_SIZE;
	if (!scn_more(k))
		return 0;
	col = k->c->t->w[k->i].col;
	if (scn_read_size(k, "a size", &s->size) < 0)
		return -1;
	if (s->size == 0 || s->size > RECV_MAX)
		return scn_fail(k->c, col,
		    "write a size from 1B to 1GiB (leave it out for 64KiB)",
		    "expected a receive size from 1 byte to 1GiB, got %llu",
		    (unsigned long long)s->size);
	return 0;
}

static int
p_shutdown(struct scn_cur *k, struct scn_step *s)
{
	static const char *const hows[] = { "rd", "wr", "rdwr" };
	const struct scn_word *w;
	char q[96];

	if (scn_read_sock(k, SOCKF_FD, &s->sock) < 0)
		return -1;
	if ((w = scn_next(k, "rd, wr or rdwr", k->usage)) == NULL)
		return -1;
	for (s->how = 0; s->how < 3; s->how++)
		if (scn_word_is(w, hows[s->how]))
			return 0;
	return scn_fail(k->c, w->col, k->usage,
	    "expected rd, wr or rdwr, got %s", scn_quote(w, q, sizeof(q)));
}

static int
p_listen(struct scn_cur *k, struct scn_step *s)
{
	if (scn_read_sock(k, SOCKF_FD, &s->sock) < 0 ||
	    scn_read_port(k, &s->port) < 0)
		return -1;
	k->c->sockf[s->sock] |= SOCKF_LISTENED;
	scn_port_add(k->c->sut_ports, s->port);
	return 0;
}

static int
p_accept(struct scn_cur *k, struct scn_step *s)
{
	if (scn_read_sock(k, SOCKF_FD | SOCKF_LISTENED, &s->sock) < 0 ||
	    scn_read_keyword(k, "as", k->usage) < 0 ||
	    scn_new_sock(k, true, &s->sock2) < 0)
		return -1;
	k->c->sockf[s->sock2] = SOCKF_FD;
	/* an accepted connection is its listener's family */
	k->c->sc->sock_family[s->sock2] = k->c->sc->sock_family[s->sock];
	return 0;
}

static int
p_wait(struct scn_cur *k, struct scn_step *s)
{
	uint32_t col = k->i < k->end ? k->c->t->w[k->i].col : k->c->t->end_col;

	if (scn_read_duration(k, "a duration", &s->duration_ns) < 0)
		return -1;
	if (s->duration_ns == 0)
		return scn_fail(k->c, col,
		    "wait for longer than 0, or remove the step",
		    "wait 0 does nothing");
	return 0;
}

/*
 * signal after D: the runner arms a one-shot timer; its handler is
 * installed without SA_RESTART, so whatever call blocks when it fires is
 * interrupted as a program's would be. D is bounded like a case.
 */
static int
p_signal(struct scn_cur *k, struct scn_step *s)
{
	uint32_t col;

	if (scn_read_keyword(k, "after", k->usage) < 0)
		return -1;
	col = k->i < k->end ? k->c->t->w[k->i].col : k->c->t->end_col;
	if (scn_read_duration(k, "a duration", &s->duration_ns) < 0)
		return -1;
	if (s->duration_ns == 0 || s->duration_ns > 3600 * NS_PER_S)
		return scn_fail(k->c, col,
		    "write a delay from 1ns to 1h, such as 300ms",
		    "a signal's delay must be more than 0 and at most 1h");
	return 0;
}

/*
 * repeat N [times] [K at-once] ... end: the steps between run N times, K
 * instances of each of the block's sockets at a time. One level: a block in
 * a block would make the runner's bookkeeping quadratic for little use.
 */
#define REPEAT_MAX  1000000
#define AT_ONCE_MAX 1024

static int
p_repeat(struct scn_cur *k, struct scn_step *s)
{
	struct scn_ctx *c = k->c;
	int64_t n, at = 1;
	uint32_t col = c->t->w[0].col;

	if (c->open_block != 0)
		return scn_fail(c, col,
		    "close the first block with end before starting "
		    "another",
		    "repeat inside a repeat block (line %u)", c->block_line);
	if (scn_read_int(k, "a count", 1, REPEAT_MAX, &n) < 0)
		return -1;
	if (k->i < k->end && scn_word_is(&c->t->w[k->i], "times"))
		k->i++;
	if (scn_more(k)) {
		if (scn_read_int(k, "how many at once", 1, AT_ONCE_MAX, &at) <
			0 ||
		    scn_read_keyword(k, "at-once", k->usage) < 0)
			return -1;
		if (at > n)
			return scn_fail(c, c->t->w[k->i - 2].col,
			    "at most as many at once as "
			    "in all",
			    "%lld at once is more than the %lld iterations",
			    (long long)at, (long long)n);
	}
	s->repeat_n = (uint32_t)n;
	s->repeat_k = (uint32_t)at;
	return 0;
}

static int
p_end(struct scn_cur *k, struct scn_step *s)
{
	struct scn_ctx *c = k->c;
	struct scn_step *rep;

	if (c->open_block == 0 && c->bad_repeat) {
		c->bad_repeat = false; /* its repeat's error says enough */
		return -1;
	}
	if (c->open_block == 0)
		return scn_fail(c, c->t->w[0].col,
		    "start a block with repeat N [times] "
		    "[K at-once]",
		    "end without repeat");
	rep = &c->sc->steps[c->open_block - 1];
	if (c->open_block == c->sc->nsteps) {
		/* its steps were all wrong: they said so; close the block quietly */
		if (c->errs->found != c->block_errs) {
			c->open_block = 0;
			return -1;
		}
		c->open_block = 0;
		return scn_fail(c, c->t->w[0].col,
		    "put the steps to repeat between repeat "
		    "and end",
		    "the repeat block (line %u) is empty", rep->pos.line);
	}
	s->block_end = c->open_block - 1; /* until the step is kept */
	return 0;
}

int
scn_block_sock(struct scn_cur *k, const struct scn_word *w, int idx)
{
	struct scn_ctx *c = k->c;

	/* one made before the block is shared by every iteration (a listener) */
	if (c->sock_block[idx] == c->open_block || c->sock_block[idx] == 0)
		return 0;
	if (c->open_block != 0)
		return scn_fail(c, w->col,
		    "each block has its own sockets: declare another "
		    "here",
		    "socket %s belongs to another repeat block", w->text);
	return scn_fail(c, w->col,
	    "only the block's steps can use it; declare another "
	    "socket out here",
	    "socket %s belongs to a repeat block", w->text);
}

void
scn_block_left_open(struct scn_ctx *c)
{
	if (c->open_block != 0)
		scn_fail_at(c->errs, c->block_line, 1,
		    "close the block with a line 'end'", "repeat without end");
}

/* A repeat or end step was kept: open or close its block. */
static void
block_edge(struct scn_ctx *c, const struct scn_step *s)
{
	if (s->kind == STEP_END && c->open_block == 0)
		return;
	if (s->kind == STEP_REPEAT) {
		c->open_block = c->sc->nsteps;
		c->last_block = c->open_block;
		c->block_line = s->pos.line;
		c->block_errs = c->errs->found;
	} else if (s->kind == STEP_END) {
		c->sc->steps[c->open_block - 1].block_end = c->sc->nsteps - 1;
		c->sc->steps[c->sc->nsteps - 1].block_end = c->open_block - 1;
		c->open_block = 0;
	}
}

static const struct step_def steps[] = {
	{ STEP_PEER_LISTEN, "usage: peer listen PORT SPEC",
	    scn_parse_peer_listen },
	{ STEP_PEER_BEHAVIOUR, "usage: peer behaviour SOCK SPEC",
	    scn_parse_peer_behaviour },
	{ STEP_PEER_ACK_FIN, "usage: peer ack-fin SOCK", scn_parse_peer_sock },
	{ STEP_PEER_READ, "usage: peer read SOCK [SIZE]", scn_parse_peer_read },
	{ STEP_PEER_RESUME, "usage: peer resume SOCK", scn_parse_peer_sock },
	{ STEP_PEER_FIN, "usage: peer fin SOCK", scn_parse_peer_sock },
	{ STEP_PEER_RST, "usage: peer rst SOCK", scn_parse_peer_sock },
	{ STEP_PEER_SEND, "usage: peer send SOCK SIZE", scn_parse_peer_send },
	{ STEP_PEER_CONNECT, "usage: peer connect PORT as SOCK [SPEC]",
	    scn_parse_peer_connect },
	{ STEP_WAIT_PEER, "usage: wait peer SOCK COND... [within DURATION]",
	    scn_parse_wait_peer },
	{ STEP_SOCKET, "usage: socket SOCK [ipv4|ipv6]", p_socket },
	{ STEP_SET, "usage: set SOCK OPTION [VALUE]", scn_parse_set },
	{ STEP_CONNECT, "usage: connect SOCK [port PORT]", p_connect },
	{ STEP_SEND, "usage: send SOCK SIZE|until-blocked", p_send },
	{ STEP_RECV, "usage: recv SOCK [SIZE]", p_recv },
	{ STEP_SHUTDOWN, "usage: shutdown SOCK rd|wr|rdwr", p_shutdown },
	{ STEP_CLOSE, "usage: close SOCK", p_fd_sock },
	{ STEP_EXIT_CLOSE, "usage: exit-close SOCK", p_fd_sock },
	{ STEP_LISTEN, "usage: listen SOCK PORT", p_listen },
	{ STEP_ACCEPT, "usage: accept SOCK as NEWSOCK", p_accept },
	{ STEP_WAIT, "usage: wait DURATION", p_wait },
	{ STEP_SIGNAL, "usage: signal after DURATION", p_signal },
	{ STEP_REPEAT, "usage: repeat N [times] [K at-once] ... end",
	    p_repeat },
	{ STEP_END, "usage: end (of a repeat block)", p_end },
};

#define NSTEPS (sizeof(steps) / sizeof(steps[0]))

static const struct step_def *
find_step(const char *name)
{
	size_t i;

	for (i = 0; i < NSTEPS; i++)
		if (strcmp(scn_step_name(steps[i].kind), name) == 0)
			return &steps[i];
	return NULL;
}

static int
unknown_statement(struct scn_ctx *c, const struct scn_word *kw, bool peer)
{
	static const char *const top[] = { "scenario", "tags", "param",
		"timeout", "peer", "socket", "set", "connect", "send", "recv",
		"shutdown", "close", "exit-close", "listen", "accept", "wait",
		"signal", "expect", "repeat", "end" };
	static const char *const sub[] = { "listen", "behaviour", "ack-fin",
		"read", "resume", "fin", "rst", "send", "connect" };
	const char *near = peer
	    ? scn_suggest(kw->text, sub, sizeof(sub) / sizeof(sub[0]))
	    : scn_suggest(kw->text, top, sizeof(top) / sizeof(top[0]));
	char hint[200], q[96];

	if (near != NULL)
		snprintf(hint, sizeof(hint), "did you mean %s%s?",
		    peer ? "peer " : "", near);
	else
		snprintf(hint, sizeof(hint), "%s",
		    peer
			? "peer commands: listen, behaviour, "
			  "ack-fin, read, resume, fin, rst, send, connect"
			: "statements: peer, socket, "
			  "set, connect, send, recv, shutdown, close, exit-close, listen, accept, wait, "
			  "signal, repeat, end, expect");
	return scn_fail(c, kw->col, hint, "unknown %s %s",
	    peer ? "peer command" : "statement", scn_quote(kw, q, sizeof(q)));
}

/* Which statement the line is: "peer X" and "wait peer" take two words. */
static const struct step_def *
which_step(struct scn_ctx *c, size_t *first)
{
	const struct scn_toks *t = c->t;
	char name[64];

	*first = 1;
	if (scn_word_is(&t->w[0], "peer")) {
		if (t->n < 2) {
			scn_fail(c, t->end_col,
			    "peer commands: listen, behaviour, ack-fin, read, "
			    "resume, fin, rst, send, connect",
			    "expected a peer command, got the "
			    "end of the line");
			return NULL;
		}
		*first = 2;
		if (t->w[1].quoted || t->w[1].len > 20 ||
		    snprintf(name, sizeof(name), "peer %s", t->w[1].text) < 0 ||
		    find_step(name) == NULL) {
			unknown_statement(c, &t->w[1], true);
			return NULL;
		}
		return find_step(name);
	}
	if (scn_word_is(&t->w[0], "wait") && t->n > 1 &&
	    scn_word_is(&t->w[1], "peer")) {
		*first = 2;
		return find_step("wait peer");
	}
	if (find_step(t->w[0].text) == NULL) {
		unknown_statement(c, &t->w[0], false);
		return NULL;
	}
	return find_step(t->w[0].text);
}

static int
append_step(struct scenario *sc, const struct scn_step *s)
{
	size_t n = sc->nsteps;
	struct scn_step *ns;

	/* capacity doubles at each power of two */
	if (n == 0 || (n >= 4 && (n & (n - 1)) == 0)) {
		if ((ns = realloc(sc->steps,
			 (n == 0 ? 4 : n * 2) * sizeof(*ns))) == NULL)
			return -1;
		sc->steps = ns;
	}
	sc->steps[sc->nsteps++] = *s;
	return 0;
}

int
scn_parse_step(struct scn_ctx *c)
{
	const struct step_def *def;
	struct scn_step s;
	struct scn_cur k;
	size_t first;

	c->step_failed = true;
	if ((def = which_step(c, &first)) == NULL)
		return -1;
	memset(&s, 0, sizeof(s));
	s.kind = def->kind;
	s.pos.file = c->sc->file;
	s.pos.line = c->t->line;
	s.pos.col = c->t->w[0].col;
	s.sock = -1;
	s.sock2 = -1;
	k.c = c;
	k.i = first;
	k.end = c->t->n;
	k.usage = def->usage;
	if (def->parse(&k, &s) < 0 || scn_done(&k, def->usage) < 0) {
		if (def->kind == STEP_REPEAT && c->open_block == 0)
			c->bad_repeat = true;
		return -1;
	}
	if (s.kind != STEP_REPEAT && s.kind != STEP_END)
		s.block = c->open_block;
	if (append_step(c->sc, &s) < 0)
		return scn_fail(c, s.pos.col, "", "out of memory");
	block_edge(c, &s);
	c->step_failed = false;
	c->point_since_step = false;
	return 0;
}
