/*
 * scenario_expect.c - expectations. Error names and the peer conditions
 * that "wait peer" and "expect peer" share are in scenario_names.c.
 *
 *   expect [OS:] BODY [because "SOURCE"] [if NAME = VALUE [and NAME = VALUE]]...
 *
 * because comes at most once; conditions may be many, each after if or and,
 * and the expectation is kept only in the cases where all of them hold.
 *
 * An indented expect checks the call of the step above it; one at the left
 * margin checks the state of things at that point. Both are stored on the
 * step before them, indented ones first, which is the order the runner
 * meets them in.
 */
#include "scenario_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "control_proto.h"

#define WIRE_USAGE                                                             \
	"usage: wire client|peer sends FIN|RST|data within D, ... sends "      \
	"no FIN|RST|data during D, ... sends nothing during D"

/* ---- bodies attached to a step ---- */

static int
b_returns(struct scn_cur *k, struct scn_expect *e)
{
	const struct scn_word *w;
	char q[96];

	if ((w = scn_next(k, "a number or ok", "usage: returns N|ok")) == NULL)
		return -1;
	e->kind = EXP_RETURNS;
	if (scn_word_is(w, "ok")) {
		e->ok_any = true;
		return 0;
	}
	if (w->quoted || scn_parse_int(w->text, &e->value) < 0)
		return scn_fail(k->c, w->col,
		    "usage: returns N|ok (ok: 0, or any count for "
		    "send and recv)",
		    "expected a number or ok, got %s",
		    scn_quote(w, q, sizeof(q)));
	return 0;
}

static int
unknown_errno(struct scn_cur *k, const struct scn_word *w)
{
	const char *near = scn_errno_suggest(w->text);
	char hint[160], q[96];

	if (w->text[0] >= '0' && w->text[0] <= '9')
		snprintf(hint, sizeof(hint),
		    "write the name, not the number (numbers differ "
		    "between systems)");
	else if (near != NULL)
		snprintf(hint, sizeof(hint), "did you mean %s?", near);
	else
		snprintf(hint, sizeof(hint),
		    "names such as EWOULDBLOCK, ECONNRESET, EPIPE, "
		    "ETIMEDOUT, or WSAEWOULDBLOCK for windows:");
	return scn_fail(k->c, w->col, hint, "unknown error name %s",
	    scn_quote(w, q, sizeof(q)));
}

static int
b_fails(struct scn_cur *k, struct scn_expect *e)
{
	const struct scn_word *w;

	if ((w = scn_next(k, "an error name such as EWOULDBLOCK",
		 "usage: fails ERRNO")) == NULL)
		return -1;
	if (w->quoted || !scn_errno_known(w->text))
		return unknown_errno(k, w);
	/* Winsock reports WSAE* names; a POSIX system never does */
	if (scn_errno_is_winsock(w->text) && e->os_mask != SCN_OS_WINDOWS)
		return scn_fail(k->c, w->col,
		    "write 'expect windows: fails ...', or the POSIX "
		    "name for linux and freebsd",
		    "%s is a Winsock name: only a windows: "
		    "expectation can use it",
		    w->text);
	e->kind = EXP_FAILS;
	memcpy(e->err_name, w->text, w->len + 1);
	return 0;
}

static int
b_blocks(struct scn_cur *k, struct scn_expect *e)
{
	const char *usage =
	    "usage: blocks at-least D | at-most D | about D [tolerance T]";
	const struct scn_word *w;
	uint32_t col;
	char q[96];

	if ((w = scn_next(k, "at-least, at-most or about", usage)) == NULL)
		return -1;
	if (scn_word_is(w, "at-least"))
		e->kind = EXP_BLOCKS_AT_LEAST;
	else if (scn_word_is(w, "at-most"))
		e->kind = EXP_BLOCKS_AT_MOST;
	else if (scn_word_is(w, "about"))
		e->kind = EXP_BLOCKS_ABOUT;
	else
		return scn_fail(k->c, w->col, usage,
		    "expected at-least, at-most or about, got %s",
		    scn_quote(w, q, sizeof(q)));
	if (scn_read_duration(k, "a duration", &e->duration_ns) < 0)
		return -1;
	if (e->kind != EXP_BLOCKS_ABOUT || !scn_more(k) ||
	    !scn_word_is(&k->c->t->w[k->i], "tolerance"))
		return 0;
	col = ++k->i < k->end ? k->c->t->w[k->i].col : k->c->t->end_col;
	if (scn_read_duration(k, "a tolerance", &e->tolerance_ns) < 0)
		return -1;
	if (e->tolerance_ns == 0)
		return scn_fail(k->c, col,
		    "leave tolerance out for the default (50ms + 5 %)",
		    "a tolerance of 0 can never be met");
	return 0;
}

static int
b_sends(struct scn_cur *k, struct scn_expect *e)
{
	e->kind = EXP_SENDS;
	return scn_read_size(k, "a size", &e->size);
}

/* ---- bodies at the left margin ---- */

static int
wire_what(struct scn_cur *k, struct scn_expect *e, bool any_ok)
{
	const struct scn_word *w;
	char q[96];

	if ((w = scn_next(k, "FIN, RST or data", WIRE_USAGE)) == NULL)
		return -1;
	if (!w->quoted && strcasecmp(w->text, "FIN") == 0)
		e->what = WIRE_FIN;
	else if (!w->quoted && strcasecmp(w->text, "RST") == 0)
		e->what = WIRE_RST;
	else if (!w->quoted && strcasecmp(w->text, "data") == 0)
		e->what = WIRE_DATA;
	else if (any_ok && scn_word_is(w, "nothing"))
		e->what = WIRE_ANY;
	else
		return scn_fail(k->c, w->col, WIRE_USAGE,
		    "expected FIN, RST or data, got %s",
		    scn_quote(w, q, sizeof(q)));
	return 0;
}

/* "within D" or "during D": D > 0, since nothing can happen in no time. */
static int
wire_time(struct scn_cur *k, struct scn_expect *e, const char *kw,
    const char *usage)
{
	uint32_t col;

	if (scn_read_keyword(k, kw, usage) < 0)
		return -1;
	col = k->i < k->end ? k->c->t->w[k->i].col : k->c->t->end_col;
	if (scn_read_duration(k, "a duration", &e->duration_ns) < 0)
		return -1;
	if (e->duration_ns == 0)
		return scn_fail(k->c, col, "give the time to watch, e.g. 100ms",
		    "%s 0 watches nothing", kw);
	return 0;
}

static int
wire_count(struct scn_cur *k, struct scn_expect *e, const char *usage)
{
	int64_t n;

	if (scn_read_keyword(k, "at-least", usage) < 0 ||
	    scn_read_int(k, "a count", 1, UINT32_MAX, &n) < 0)
		return -1;
	e->count = (uint32_t)n;
	return wire_time(k, e, "within", usage);
}

static int
wire_sends(struct scn_cur *k, struct scn_expect *e)
{
	const char *zusage =
	    "usage: wire client sends zero-window-probes at-least N within D";
	const struct scn_word *w = k->i < k->end ? &k->c->t->w[k->i] : NULL;

	if (w != NULL && (scn_word_is(w, "no") || scn_word_is(w, "nothing"))) {
		if (scn_word_is(w, "no"))
			k->i++;
		e->kind = EXP_WIRE_SENDS_NO;
		if (wire_what(k, e, scn_word_is(w, "nothing")) < 0)
			return -1;
		return wire_time(k, e, "during", WIRE_USAGE);
	}
	if (w != NULL && scn_word_is(w, "zero-window-probes")) {
		k->i++;
		if (e->who != WHO_CLIENT)
			return scn_fail(k->c, w->col, zusage,
			    "only the client's zero-window "
			    "probes are counted");
		e->kind = EXP_WIRE_ZWP;
		return wire_count(k, e, zusage);
	}
	e->kind = EXP_WIRE_SENDS;
	if (wire_what(k, e, false) < 0)
		return -1;
	return wire_time(k, e, "within", WIRE_USAGE);
}

static int
b_wire(struct scn_cur *k, struct scn_expect *e)
{
	const char *rusage =
	    "usage: wire client retransmits FIN at-least N within D";
	const struct scn_word *w;
	char q[96];

	if ((w = scn_next(k, "client or peer", WIRE_USAGE)) == NULL)
		return -1;
	if (!scn_word_is(w, "client") && !scn_word_is(w, "peer"))
		return scn_fail(k->c, w->col, WIRE_USAGE,
		    "expected client or peer, got %s",
		    scn_quote(w, q, sizeof(q)));
	e->who = scn_word_is(w, "client") ? WHO_CLIENT : WHO_PEER;
	if ((w = scn_next(k, "sends or retransmits", WIRE_USAGE)) == NULL)
		return -1;
	if (scn_word_is(w, "sends"))
		return wire_sends(k, e);
	if (!scn_word_is(w, "retransmits"))
		return scn_fail(k->c, w->col, WIRE_USAGE,
		    "expected sends or retransmits, got %s",
		    scn_quote(w, q, sizeof(q)));
	if (e->who != WHO_CLIENT)
		return scn_fail(k->c, w->col, rusage,
		    "only the client's retransmissions are "
		    "counted");
	e->kind = EXP_WIRE_RETRANSMITS;
	if ((w = scn_next(k, "FIN", rusage)) == NULL)
		return -1;
	if (w->quoted || strcasecmp(w->text, "FIN") != 0)
		return scn_fail(k->c, w->col, rusage, "expected FIN, got %s",
		    scn_quote(w, q, sizeof(q)));
	e->what = WIRE_FIN;
	return wire_count(k, e, rusage);
}

static int
b_state(struct scn_cur *k, struct scn_expect *e)
{
	static const char *const states[] = { "ESTABLISHED", "SYN_SENT",
		"SYN_RECV", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT", "CLOSE_WAIT",
		"LAST_ACK", "CLOSING", "gone" };
	const size_t n = sizeof(states) / sizeof(states[0]);
	const struct scn_word *w;
	const char *near;
	char hint[120], q[96];
	size_t i;

	e->kind = EXP_STATE;
	if (scn_read_sock(k, 0, &e->sock) < 0 ||
	    (w = scn_next(k, "a TCP state such as FIN_WAIT1",
		 "usage: state SOCK STATE "
		 "[within D]")) == NULL)
		return -1;
	for (i = 0; i < n && !scn_word_is(w, states[i]); i++)
		continue;
	if (i == n) {
		near = scn_word_is(w, "CLOSED")
		    ? "gone"
		    : scn_suggest(w->text, states, n);
		snprintf(hint, sizeof(hint),
		    near != NULL
			? "did you mean %s?"
			: "states: "
			  "ESTABLISHED, FIN_WAIT1, FIN_WAIT2, TIME_WAIT, CLOSE_WAIT, LAST_ACK, CLOSING, "
			  "gone%s",
		    near != NULL ? near : "");
		return scn_fail(k->c, w->col, hint, "unknown TCP state %s",
		    scn_quote(w, q, sizeof(q)));
	}
	memcpy(e->text, w->text, w->len + 1);
	if (!scn_more(k))
		return 0;
	return wire_time(k, e, "within", "usage: state SOCK STATE [within D]");
}

/* "fins >= 2" and "fins>=2" alike: the words are joined, then checked. */
static int
b_peer(struct scn_cur *k, struct scn_expect *e)
{
	static const enum scn_op ops[] = { [COP_EQ] = SOP_EQ,
		[COP_NE] = SOP_NE,
		[COP_GE] = SOP_GE,
		[COP_LE] = SOP_LE,
		[COP_GT] = SOP_GT,
		[COP_LT] = SOP_LT };
	struct control_cond cc;
	char cond[SCN_TEXT_MAX];
	uint32_t col;
	size_t used = 0, klen;

	e->kind = EXP_PEER;
	if (scn_read_sock(k, 0, &e->sock) < 0 ||
	    scn_next(k, "a condition such as fins >= 2", COND_HINT) == NULL)
		return -1;
	col = k->c->t->w[--k->i].col;
	for (; k->i < k->end; k->i++) {
		const struct scn_word *w = &k->c->t->w[k->i];

		if (used + w->len >= sizeof(cond))
			return scn_fail(k->c, col, COND_HINT,
			    "the condition is too long");
		memcpy(cond + used, w->text, w->len + 1);
		used += w->len;
	}
	if (scn_check_cond(k->c, cond, col, &cc) < 0)
		return -1;
	klen = strcspn(cond, "=!<>");
	memcpy(e->key, control_key_name(cc.key),
	    strlen(control_key_name(cc.key)) + 1);
	e->op = ops[cc.op];
	klen += strlen(control_op_name(cc.op)) +
	    (strncmp(cond + klen, "==", 2) == 0);
	memcpy(e->text, cond + klen, strlen(cond + klen) + 1);
	return 0;
}

/* ---- the expect line ---- */

struct body_def {
	const char *name;
	int (*parse)(struct scn_cur *k, struct scn_expect *e);
};

static const struct body_def bodies[] = {
	{ "returns", b_returns },
	{ "fails", b_fails },
	{ "blocks", b_blocks },
	{ "sends", b_sends },
	{ "wire", b_wire },
	{ "state", b_state },
	{ "peer", b_peer },
};

#define NBODIES (sizeof(bodies) / sizeof(bodies[0]))

/* The line as written, without its comment and outer white space. */
static int
source_text(struct scn_ctx *c, struct scn_expect *e)
{
	const char *s = c->src->text;
	size_t a = 0, b = c->t->code_len;

	while (a < b && (s[a] == ' ' || s[a] == '\t'))
		a++;
	while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
		b--;
	if (b - a >= sizeof(e->source_text))
		return scn_fail(c, c->t->w[0].col,
		    "shorten it (reports quote the line)",
		    "the expectation is too long (%zu bytes, at most %zu)",
		    b - a, sizeof(e->source_text) - 1);
	memcpy(e->source_text, s + a, b - a);
	e->source_text[b - a] = '\0';
	return 0;
}

static int
unknown_body(struct scn_ctx *c, const struct scn_word *w)
{
	static const char *const names[] = { "returns", "fails", "blocks",
		"sends", "wire", "state", "peer" };
	const char *near = scn_suggest(w->text, names, NBODIES);
	char hint[160], q[96];

	if (scn_word_is(w, "linux") || scn_word_is(w, "freebsd") ||
	    scn_word_is(w, "windows"))
		snprintf(hint, sizeof(hint),
		    "an OS prefix ends with a colon: %s:", w->text);
	else if (near != NULL)
		snprintf(hint, sizeof(hint), "did you mean %s?", near);
	else
		snprintf(hint, sizeof(hint),
		    "expectations: returns, fails, blocks, sends "
		    "(indented), wire, state, peer, growth, peak, threads, fds, rss, sockets, "
		    "tcpext (at the left margin)");
	return scn_fail(c, w->col, hint, "unknown expectation %s",
	    scn_quote(w, q, sizeof(q)));
}

/* Where the body ends: at the first because or if. */
static size_t
clause_start(const struct scn_toks *t, size_t i)
{
	for (; i < t->n; i++)
		if (scn_word_is(&t->w[i], "because") ||
		    scn_word_is(&t->w[i], "if"))
			break;
	return i;
}

int
scn_parse_expect(struct scn_ctx *c)
{
	const struct scn_toks *t = c->t;
	const struct scn_word *w;
	struct scn_expect e;
	struct scn_cur k = { c, 1, 0, EXPECT_USAGE };
	bool keep;
	size_t i;

	memset(&e, 0, sizeof(e));
	e.pos.file = c->sc->file;
	e.pos.line = t->line;
	e.pos.col = t->w[0].col;
	e.os_mask = SCN_OS_ALL;
	e.sock = -1;
	e.attached = t->indent > 0;
	if (t->n > 1 && !t->w[1].quoted && t->w[1].len > 0 &&
	    t->w[1].text[t->w[1].len - 1] == ':') {
		if (scn_os_prefix(c, &t->w[1], &e.os_mask) < 0)
			return -1;
		k.i = 2;
	}
	k.end = clause_start(t, k.i);
	if ((w = scn_next(&k, "an expectation such as returns 0",
		 EXPECT_USAGE)) == NULL)
		return -1;
	for (i = 0; i < NBODIES && !scn_word_is(w, bodies[i].name); i++)
		continue;
	if (i == NBODIES && !w->quoted && scn_is_probe_body(w->text)) {
		if (scn_parse_probe_body(&k, &e) < 0)
			return -1;
		if (e.probe.mode != SCN_PROBE_NOW && c->last_block == 0)
			return scn_fail(c, w->col,
			    "write it after a repeat ... end block",
			    "%s compares with the start of a repeat block, and none comes "
			    "before it",
			    e.probe.mode == SCN_PROBE_GROWTH ? "growth"
							     : "peak");
	} else if (i == NBODIES) {
		return unknown_body(c, w);
	} else if (bodies[i].parse(&k, &e) < 0) {
		return -1;
	}
	if (k.i < k.end && scn_word_is(&t->w[k.i], "tolerance"))
		return scn_fail(c, t->w[k.i].col,
		    "write blocks about D tolerance T",
		    "tolerance only goes with blocks about");
	if (scn_done(&k, EXPECT_USAGE) < 0 ||
	    scn_clauses(c, k.end, &e, &keep) < 0 || source_text(c, &e) < 0)
		return -1;
	return scn_attach(c, &e, keep);
}
