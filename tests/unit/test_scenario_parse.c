/*
 * test_scenario_parse.c - good scenario files, read into exactly the AST
 * that docs/scenario-language.md promises: every statement and every
 * expectation form, every field checked against a table written by hand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_fixture.h"
#include "timeunit.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define S	 NS_PER_S
#define MS	 NS_PER_MS

static const char every_form[] =
    "# every statement and expectation form\n" /* 1 */
    "scenario \"every \\\"form\\\", with a \\\\ backslash\"\n"
    "tags quick linger\n"
    "tags more\n"
    "timeout 1.5min\n" /* 5 */
    "\n"
    "peer listen 7000 swallow-fin\n"
    "peer listen 7001 stop-reading:rcvbuf=64KiB,after=1KiB+delay=5ms\n"
    "socket c\n"
    "set c linger off\n" /* 10 */
    "set c linger 2s\n"
    "set c linger -1\n"
    "set c blocking\n"
    "set c nonblocking\n"
    "set c sndbuf 64KiB\n" /* 15 */
    "set c rcvbuf 1500\n"
    "set c nodelay on\n"
    "set c nodelay off\n"
    "set c user-timeout 1.5s\n"
    "set c linger2 -1\n" /* 20 */
    "set c linger2 30s\n"
    "connect c\n"
    "    expect returns 0\n"
    "    expect linux,freebsd: fails ECONNREFUSED because \"tcp_v4_connect\"\n"
    "peer behaviour c half-close\n" /* 25 */
    "peer ack-fin c\n"
    "peer read c\n"
    "peer read c 1KiB\n"
    "peer resume c\n"
    "peer fin c\n" /* 30 */
    "peer rst c\n"
    "peer send c 10KiB\n"
    "wait peer c fins>=2 state=CLOSE_WAIT within 5s\n"
    "wait peer c rx>=1KiB\n"
    "send c 10KiB\n" /* 35 */
    "    expect sends 10KiB\n"
    "\texpect returns ok   # a tab indents too\n"
    "send c until-blocked\n"
    "send c 0\n"
    "recv c\n" /* 40 */
    "recv c 1KiB\n"
    "shutdown c rd\n"
    "shutdown c wr\n"
    "shutdown c rdwr\n"
    "socket l\n" /* 45 */
    "listen l 8000\n"
    "peer connect 8000 as s\n"
    "peer fin s\n"
    "accept l as s\n"
    "close c\n" /* 50 */
    "    expect blocks at-least 1s\n"
    "    expect blocks at-most 2s\n"
    "    expect blocks about 2s\n"
    "    expect blocks about 2s tolerance 100ms\n"
    "    expect windows: fails WSAEWOULDBLOCK because \"closesocket reference\"\n" /* 55 */
    "expect wire client sends FIN within 100ms\n"
    "expect wire peer sends rst within 1s\n"
    "expect wire client sends data within 1s\n"
    "expect wire client sends no RST during 500ms\n"
    "expect wire peer sends nothing during 1s\n" /* 60 */
    "expect wire client retransmits FIN at-least 3 within 5s\n"
    "expect wire client sends zero-window-probes at-least 1 within 2s\n"
    "expect state c FIN_WAIT1\n"
    "expect state s gone within 1s\n"
    "expect peer c fins >= 2\n" /* 65 */
    "expect peer c state=CLOSE_WAIT\n"
    "expect peer c FIN-RETX != 0\n"
    "expect peer c rx<10KiB\n"
    "exit-close s\n"
    "    expect blocks at-most 10ms\n" /* 70 */
    "connect c port 7001\n"
    "wait 250ms\n"
    "expect freebsd: state c ESTABLISHED because \"x\"   # a comment\n";

struct want_step {
	enum scn_step_kind kind;
	uint32_t line;
	int sock, sock2;
	uint16_t port;
	enum scn_opt opt;
	int64_t value;
	uint64_t size;
	bool until_blocked;
	int how;
	uint64_t duration_ns;
	const char *text;
	size_t nexpects;
};

#define C  0 /* socket indices, in order of declaration */
#define L  1
#define SK 2

static const struct want_step want_steps[] = {
	{ STEP_PEER_LISTEN, 7, -1, -1, 7000, 0, 0, 0, false, 0, 0,
	    "swallow-fin", 0 },
	{ STEP_PEER_LISTEN, 8, -1, -1, 7001, 0, 0, 0, false, 0, 0,
	    "stop-reading:rcvbuf=64KiB,after=1KiB+delay=5ms", 0 },
	{ STEP_SOCKET, 9, C, -1, 0, 0, 0, 0, false, 0, 0, "", 0 },
	{ STEP_SET, 10, C, -1, 0, OPT_LINGER_OFF, 0, 0, false, 0, 0, "", 0 },
	{ STEP_SET, 11, C, -1, 0, OPT_LINGER, 2, 0, false, 0, 0, "", 0 },
	{ STEP_SET, 12, C, -1, 0, OPT_LINGER, -1, 0, false, 0, 0, "", 0 },
	{ STEP_SET, 13, C, -1, 0, OPT_BLOCKING, 0, 0, false, 0, 0, "", 0 },
	{ STEP_SET, 14, C, -1, 0, OPT_NONBLOCKING, 0, 0, false, 0, 0, "", 0 },
	{ STEP_SET, 15, C, -1, 0, OPT_SNDBUF, 65536, 0, false, 0, 0, "", 0 },
	{ STEP_SET, 16, C, -1, 0, OPT_RCVBUF, 1500, 0, false, 0, 0, "", 0 },
	{ STEP_SET, 17, C, -1, 0, OPT_NODELAY, 1, 0, false, 0, 0, "", 0 },
	{ STEP_SET, 18, C, -1, 0, OPT_NODELAY, 0, 0, false, 0, 0, "", 0 },
	{ STEP_SET, 19, C, -1, 0, OPT_USER_TIMEOUT, 1500, 0, false, 0, 0, "",
	    0 },
	{ STEP_SET, 20, C, -1, 0, OPT_LINGER2, -1, 0, false, 0, 0, "", 0 },
	{ STEP_SET, 21, C, -1, 0, OPT_LINGER2, 30, 0, false, 0, 0, "", 0 },
	{ STEP_CONNECT, 22, C, -1, 7000, 0, 0, 0, false, 0, 0, "", 2 },
	{ STEP_PEER_BEHAVIOUR, 25, C, -1, 0, 0, 0, 0, false, 0, 0, "half-close",
	    0 },
	{ STEP_PEER_ACK_FIN, 26, C, -1, 0, 0, 0, 0, false, 0, 0, "", 0 },
	{ STEP_PEER_READ, 27, C, -1, 0, 0, 0, 0, false, 0, 0, "", 0 },
	{ STEP_PEER_READ, 28, C, -1, 0, 0, 0, 1024, false, 0, 0, "", 0 },
	{ STEP_PEER_RESUME, 29, C, -1, 0, 0, 0, 0, false, 0, 0, "", 0 },
	{ STEP_PEER_FIN, 30, C, -1, 0, 0, 0, 0, false, 0, 0, "", 0 },
	{ STEP_PEER_RST, 31, C, -1, 0, 0, 0, 0, false, 0, 0, "", 0 },
	{ STEP_PEER_SEND, 32, C, -1, 0, 0, 0, 10240, false, 0, 0, "", 0 },
	{ STEP_WAIT_PEER, 33, C, -1, 0, 0, 0, 0, false, 0, 5 * S,
	    "fins>=2 state=CLOSE_WAIT", 0 },
	{ STEP_WAIT_PEER, 34, C, -1, 0, 0, 0, 0, false, 0, 10 * S, "rx>=1KiB",
	    0 },
	{ STEP_SEND, 35, C, -1, 0, 0, 0, 10240, false, 0, 0, "", 2 },
	{ STEP_SEND, 38, C, -1, 0, 0, 0, 0, true, 0, 0, "", 0 },
	{ STEP_SEND, 39, C, -1, 0, 0, 0, 0, false, 0, 0, "", 0 },
	{ STEP_RECV, 40, C, -1, 0, 0, 0, 65536, false, 0, 0, "", 0 },
	{ STEP_RECV, 41, C, -1, 0, 0, 0, 1024, false, 0, 0, "", 0 },
	{ STEP_SHUTDOWN, 42, C, -1, 0, 0, 0, 0, false, 0, 0, "", 0 },
	{ STEP_SHUTDOWN, 43, C, -1, 0, 0, 0, 0, false, 1, 0, "", 0 },
	{ STEP_SHUTDOWN, 44, C, -1, 0, 0, 0, 0, false, 2, 0, "", 0 },
	{ STEP_SOCKET, 45, L, -1, 0, 0, 0, 0, false, 0, 0, "", 0 },
	{ STEP_LISTEN, 46, L, -1, 8000, 0, 0, 0, false, 0, 0, "", 0 },
	{ STEP_PEER_CONNECT, 47, -1, SK, 8000, 0, 0, 0, false, 0, 0, "", 0 },
	{ STEP_PEER_FIN, 48, SK, -1, 0, 0, 0, 0, false, 0, 0, "", 0 },
	{ STEP_ACCEPT, 49, L, SK, 0, 0, 0, 0, false, 0, 0, "", 0 },
	{ STEP_CLOSE, 50, C, -1, 0, 0, 0, 0, false, 0, 0, "", 18 },
	{ STEP_EXIT_CLOSE, 69, SK, -1, 0, 0, 0, 0, false, 0, 0, "", 1 },
	{ STEP_CONNECT, 71, C, -1, 7001, 0, 0, 0, false, 0, 0, "", 0 },
	{ STEP_WAIT, 72, -1, -1, 0, 0, 0, 0, false, 0, 250 * MS, "", 1 },
};

struct want_expect {
	size_t step;
	enum scn_expect_kind kind;
	uint32_t line, col;
	uint32_t os;
	bool attached;
	int64_t value;
	bool ok_any;
	const char *err_name;
	uint64_t duration_ns, tolerance_ns, size;
	uint32_t count;
	enum scn_who who;
	enum scn_wire_what what;
	int sock;
	const char *key;
	enum scn_op op;
	const char *text;
	const char *because;
};

#define ALL SCN_OS_ALL
#define LX  SCN_OS_LINUX
#define FB  SCN_OS_FREEBSD
#define WN  SCN_OS_WINDOWS

static const struct want_expect want_expects[] = {
	{ 15, EXP_RETURNS, 23, 5, ALL, true, 0, false, "", 0, 0, 0, 0, 0, 0, -1,
	    "", 0, "", "" },
	{ 15, EXP_FAILS, 24, 5, LX | FB, true, 0, false, "ECONNREFUSED", 0, 0,
	    0, 0, 0, 0, -1, "", 0, "", "tcp_v4_connect" },
	{ 26, EXP_SENDS, 36, 5, ALL, true, 0, false, "", 0, 0, 10240, 0, 0, 0,
	    -1, "", 0, "", "" },
	{ 26, EXP_RETURNS, 37, 2, ALL, true, 0, true, "", 0, 0, 0, 0, 0, 0, -1,
	    "", 0, "", "" },
	{ 39, EXP_BLOCKS_AT_LEAST, 51, 5, ALL, true, 0, false, "", S, 0, 0, 0,
	    0, 0, -1, "", 0, "", "" },
	{ 39, EXP_BLOCKS_AT_MOST, 52, 5, ALL, true, 0, false, "", 2 * S, 0, 0,
	    0, 0, 0, -1, "", 0, "", "" },
	{ 39, EXP_BLOCKS_ABOUT, 53, 5, ALL, true, 0, false, "", 2 * S, 0, 0, 0,
	    0, 0, -1, "", 0, "", "" },
	{ 39, EXP_BLOCKS_ABOUT, 54, 5, ALL, true, 0, false, "", 2 * S, 100 * MS,
	    0, 0, 0, 0, -1, "", 0, "", "" },
	{ 39, EXP_FAILS, 55, 5, WN, true, 0, false, "WSAEWOULDBLOCK", 0, 0, 0,
	    0, 0, 0, -1, "", 0, "", "closesocket reference" },
	{ 39, EXP_WIRE_SENDS, 56, 1, ALL, false, 0, false, "", 100 * MS, 0, 0,
	    0, WHO_CLIENT, WIRE_FIN, -1, "", 0, "", "" },
	{ 39, EXP_WIRE_SENDS, 57, 1, ALL, false, 0, false, "", S, 0, 0, 0,
	    WHO_PEER, WIRE_RST, -1, "", 0, "", "" },
	{ 39, EXP_WIRE_SENDS, 58, 1, ALL, false, 0, false, "", S, 0, 0, 0,
	    WHO_CLIENT, WIRE_DATA, -1, "", 0, "", "" },
	{ 39, EXP_WIRE_SENDS_NO, 59, 1, ALL, false, 0, false, "", 500 * MS, 0,
	    0, 0, WHO_CLIENT, WIRE_RST, -1, "", 0, "", "" },
	{ 39, EXP_WIRE_SENDS_NO, 60, 1, ALL, false, 0, false, "", S, 0, 0, 0,
	    WHO_PEER, WIRE_ANY, -1, "", 0, "", "" },
	{ 39, EXP_WIRE_RETRANSMITS, 61, 1, ALL, false, 0, false, "", 5 * S, 0,
	    0, 3, WHO_CLIENT, WIRE_FIN, -1, "", 0, "", "" },
	{ 39, EXP_WIRE_ZWP, 62, 1, ALL, false, 0, false, "", 2 * S, 0, 0, 1,
	    WHO_CLIENT, 0, -1, "", 0, "", "" },
	{ 39, EXP_STATE, 63, 1, ALL, false, 0, false, "", 0, 0, 0, 0, 0, 0, C,
	    "", 0, "FIN_WAIT1", "" },
	{ 39, EXP_STATE, 64, 1, ALL, false, 0, false, "", S, 0, 0, 0, 0, 0, SK,
	    "", 0, "gone", "" },
	{ 39, EXP_PEER, 65, 1, ALL, false, 0, false, "", 0, 0, 0, 0, 0, 0, C,
	    "fins", SOP_GE, "2", "" },
	{ 39, EXP_PEER, 66, 1, ALL, false, 0, false, "", 0, 0, 0, 0, 0, 0, C,
	    "state", SOP_EQ, "CLOSE_WAIT", "" },
	{ 39, EXP_PEER, 67, 1, ALL, false, 0, false, "", 0, 0, 0, 0, 0, 0, C,
	    "fin-retx", SOP_NE, "0", "" },
	{ 39, EXP_PEER, 68, 1, ALL, false, 0, false, "", 0, 0, 0, 0, 0, 0, C,
	    "rx", SOP_LT, "10KiB", "" },
	{ 40, EXP_BLOCKS_AT_MOST, 70, 5, ALL, true, 0, false, "", 10 * MS, 0, 0,
	    0, 0, 0, -1, "", 0, "", "" },
	{ 42, EXP_STATE, 73, 1, FB, false, 0, false, "", 0, 0, 0, 0, 0, 0, C,
	    "", 0, "ESTABLISHED", "x" },
};

/* Nth line of text, as written, for source_text. */
static void
line_of(const char *text, uint32_t line, char *buf, size_t len)
{
	const char *p = text, *e;

	while (--line > 0)
		p = strchr(p, '\n') + 1;
	e = strchr(p, '\n');
	snprintf(buf, len, "%.*s", (int)(e - p), p);
}

static void
check_step(const struct scn_step *s, const struct want_step *w, size_t i)
{
	if (s->kind != w->kind || s->pos.line != w->line || s->pos.col != 1)
		fail_msg("step %zu: kind %d at %u:%u, want %d at %u:1", i,
		    s->kind, s->pos.line, s->pos.col, w->kind, w->line);
	assert_string_equal(s->pos.file, "every.scn");
	assert_int_equal(s->sock, w->sock);
	assert_int_equal(s->sock2, w->sock2);
	assert_int_equal(s->port, w->port);
	if (s->kind == STEP_SET)
		assert_int_equal(s->opt, w->opt);
	assert_int_equal(s->value, w->value);
	assert_int_equal(s->size, w->size);
	assert_int_equal(s->until_blocked, w->until_blocked);
	assert_int_equal(s->how, w->how);
	assert_int_equal(s->duration_ns, w->duration_ns);
	assert_string_equal(s->text, w->text);
	if (s->nexpects != w->nexpects)
		fail_msg("step %zu (line %u): %zu expects, want %zu", i,
		    w->line, s->nexpects, w->nexpects);
}

static void
check_expect(const struct scn_expect *e, const struct want_expect *w)
{
	char src[256], *p;

	if (e->kind != w->kind || e->pos.line != w->line ||
	    e->pos.col != w->col)
		fail_msg("expect %d at %u:%u, want %d at %u:%u", e->kind,
		    e->pos.line, e->pos.col, w->kind, w->line, w->col);
	assert_int_equal(e->os_mask, w->os);
	assert_int_equal(e->attached, w->attached);
	assert_int_equal(e->attached, scn_expect_is_attached(e->kind));
	assert_int_equal(e->value, w->value);
	assert_int_equal(e->ok_any, w->ok_any);
	assert_string_equal(e->err_name, w->err_name);
	assert_int_equal(e->duration_ns, w->duration_ns);
	assert_int_equal(e->tolerance_ns, w->tolerance_ns);
	assert_int_equal(e->size, w->size);
	assert_int_equal(e->count, w->count);
	assert_int_equal(e->who, w->who);
	assert_int_equal(e->what, w->what);
	assert_int_equal(e->sock, w->sock);
	assert_string_equal(e->key, w->key);
	assert_int_equal(e->op, w->op);
	assert_string_equal(e->text, w->text);
	assert_string_equal(e->because, w->because);
	/* the line as written, trimmed, without its comment */
	line_of(every_form, w->line, src, sizeof(src));
	if ((p = strchr(src, '#')) != NULL)
		*p = '\0';
	for (p = src + strlen(src); p > src && (p[-1] == ' ' || p[-1] == '\t');
	     p--)
		p[-1] = '\0';
	for (p = src; *p == ' ' || *p == '\t'; p++)
		continue;
	assert_string_equal(e->source_text, p);
}

static void
test_every_form(void **state)
{
	struct scenario *sc = must_parse_case("every.scn", every_form, 0);
	size_t i, n = 0;

	(void)state;
	assert_string_equal(sc->file, "every.scn");
	assert_string_equal(sc->case_name, "every.scn");
	assert_string_equal(sc->description,
	    "every \"form\", with a \\ backslash");
	assert_int_equal(sc->ntags, 3);
	assert_string_equal(sc->tags[0], "quick");
	assert_string_equal(sc->tags[1], "linger");
	assert_string_equal(sc->tags[2], "more");
	assert_int_equal(sc->timeout_ns, 90 * S);
	assert_int_equal(sc->case_index, 0);
	assert_int_equal(sc->nsocks, 3);
	assert_string_equal(sc->socks[C], "c");
	assert_string_equal(sc->socks[L], "l");
	assert_string_equal(sc->socks[SK], "s");
	assert_int_equal(sc->nsteps, NELEM(want_steps));
	for (i = 0; i < sc->nsteps; i++)
		check_step(&sc->steps[i], &want_steps[i], i);
	/* expectations in order: a step's indented ones, then its left-margin ones */
	for (i = 0; i < sc->nsteps; i++) {
		size_t j;

		for (j = 0; j < sc->steps[i].nexpects; j++, n++) {
			assert_true(n < NELEM(want_expects));
			assert_int_equal(want_expects[n].step, i);
			check_expect(&sc->steps[i].expects[j],
			    &want_expects[n]);
			assert_string_equal(sc->steps[i].expects[j].pos.file,
			    "every.scn");
		}
	}
	assert_int_equal(n, NELEM(want_expects));
	scenario_free(sc);
}

/*
 * Conditions: if repeated, or joined by and, one word or three, before or
 * after because; the body and because read the same as without them.
 */
static void
test_if_conditions(void **state)
{
	static const char text[] =
	    "scenario \"c\"\nparam mode = blocking | nonblocking\nparam linger = 0s | 1s\n"
	    "socket c\nset c linger ${linger}\nclose c\n"
	    "    expect freebsd: fails EWOULDBLOCK because \"soclose\" if mode = blocking "
	    "if linger = 1s\n"
	    "    expect linux: blocks about 1s if mode=blocking and linger=1s because \"l\"\n"
	    "    expect returns 0 if mode = nonblocking and linger = 1s\n"
	    "expect state c gone if linger = 1s if mode = blocking # a comment\n";
	struct scenario *sc =
	    must_parse_case("c.scn", text, 1); /* blocking, 1s */
	const struct scn_expect *e;

	(void)state;
	assert_string_equal(sc->case_name, "c.scn[mode=blocking,linger=1s]");
	assert_int_equal(sc->steps[2].nexpects, 3);
	e = &sc->steps[2].expects[0];
	assert_int_equal(e->kind, EXP_FAILS);
	assert_int_equal(e->os_mask, SCN_OS_FREEBSD);
	assert_string_equal(e->err_name, "EWOULDBLOCK");
	assert_string_equal(e->because, "soclose");
	assert_int_equal(e->pos.line, 7);
	assert_int_equal(e->pos.col, 5);
	assert_string_equal(e->source_text,
	    "expect freebsd: fails EWOULDBLOCK because "
	    "\"soclose\" if mode = blocking if linger = 1s");
	e = &sc->steps[2].expects[1];
	assert_int_equal(e->kind, EXP_BLOCKS_ABOUT);
	assert_int_equal(e->os_mask, SCN_OS_LINUX);
	assert_int_equal(e->duration_ns, S);
	assert_string_equal(e->because, "l");
	e = &sc->steps[2].expects[2];
	assert_int_equal(e->kind, EXP_STATE);
	assert_int_equal(e->pos.line, 10);
	assert_string_equal(e->source_text,
	    "expect state c gone if linger = 1s if mode = "
	    "blocking");
	scenario_free(sc);
	/* nonblocking, 1s: only the third */
	sc = must_parse_case("c.scn", text, 3);
	assert_int_equal(sc->steps[2].nexpects, 1);
	assert_int_equal(sc->steps[2].expects[0].kind, EXP_RETURNS);
	assert_int_equal(sc->steps[2].expects[0].pos.line, 9);
	scenario_free(sc);
	/* blocking, 0s: none */
	sc = must_parse_case("c.scn", text, 0);
	assert_int_equal(sc->steps[2].nexpects, 0);
	scenario_free(sc);
}

/* Defaults: a timeout of 60s, no tags, connect to the first peer listen. */
static void
test_defaults(void **state)
{
	static const char text[] =
	    "scenario \"d\"\npeer listen 7005 normal\n"
	    "peer listen 7006 normal\nsocket c\nconnect c\n";
	struct scenario *sc = must_parse_case("d.scn", text, 0);

	(void)state;
	assert_int_equal(sc->timeout_ns, 60 * S);
	assert_int_equal(sc->ntags, 0);
	assert_null(sc->tags);
	assert_int_equal(sc->steps[3].port, 7005);
	scenario_free(sc);
}

/* peer connect: the name is pending until accept; a behaviour may follow. */
static void
test_peer_connect(void **state)
{
	static const char text[] =
	    "scenario \"p\"\nsocket l\nlisten l 8000\n"
	    "peer connect 8000 as a\npeer connect 8000 as b stop-reading:rcvbuf=16KiB\n"
	    "wait peer b state=ESTABLISHED\naccept l as a\naccept l as b\n";
	struct scenario *sc = must_parse_case("p.scn", text, 0);

	(void)state;
	assert_int_equal(sc->nsteps, 7);
	assert_int_equal(sc->nsocks, 3);
	assert_int_equal(sc->steps[2].kind, STEP_PEER_CONNECT);
	assert_int_equal(sc->steps[2].sock, -1);
	assert_int_equal(sc->steps[2].sock2, 1);
	assert_int_equal(sc->steps[2].port, 8000);
	assert_string_equal(sc->steps[2].text, "");
	assert_int_equal(sc->steps[3].sock2, 2);
	assert_string_equal(sc->steps[3].text, "stop-reading:rcvbuf=16KiB");
	assert_int_equal(sc->steps[4].sock, 2);
	assert_int_equal(sc->steps[6].kind, STEP_ACCEPT);
	assert_int_equal(sc->steps[6].sock, 0);
	assert_int_equal(sc->steps[6].sock2, 2);
	scenario_free(sc);
}

/* CRLF, tabs, comments everywhere, blank lines, no newline at the end. */
static void
test_layout(void **state)
{
	static const char text[] =
	    "\r\n# c\r\n\t \r\nscenario \"x # not a comment\" # one\r\n"
	    "socket\tc# glued comment\r\nclose c\r\n  expect\treturns  0";
	struct scenario *sc = must_parse_case("l.scn", text, 0);

	(void)state;
	assert_string_equal(sc->description, "x # not a comment");
	assert_int_equal(sc->nsteps, 2);
	assert_int_equal(sc->steps[0].pos.line, 5);
	assert_int_equal(sc->steps[1].nexpects, 1);
	assert_int_equal(sc->steps[1].expects[0].pos.line, 7);
	assert_int_equal(sc->steps[1].expects[0].pos.col, 3);
	assert_string_equal(sc->steps[1].expects[0].source_text,
	    "expect\treturns  0");
	scenario_free(sc);
}

static void
test_header_api(void **state)
{
	static const char text[] =
	    "scenario \"h ${a}\"\ntags x y\nparam a = 1 | 2\n"
	    "param b = p|q|r\nsocket c\n";
	struct scn_file *f;
	const struct scn_param *p;

	(void)state;
	assert_int_equal(scn_file_parse("h.scn", text, strlen(text), &f, NULL,
			     0, NULL),
	    0);
	assert_string_equal(scn_file_path(f), "h.scn");
	assert_string_equal(scn_file_description(f), "h ${a}");
	assert_int_equal(scn_file_ntags(f), 2);
	assert_string_equal(scn_file_tag(f, 1), "y");
	assert_null(scn_file_tag(f, 2));
	assert_true(scn_file_has_tag(f, "x"));
	assert_false(scn_file_has_tag(f, "quick"));
	assert_int_equal(scn_file_nparams(f), 2);
	p = scn_file_param(f, 1);
	assert_string_equal(p->name, "b");
	assert_int_equal(p->nvalues, 3);
	assert_string_equal(p->values[2], "r");
	assert_int_equal(p->pos.line, 4);
	assert_int_equal(p->pos.col, 7);
	assert_null(scn_file_param(f, 2));
	assert_int_equal(scn_file_ncases(f), 6);
	scn_file_free(f);
	scn_file_free(NULL);
	scenario_free(NULL);
}

static void
test_names(void **state)
{
	(void)state;
	assert_true(scn_errno_known("EWOULDBLOCK"));
	assert_true(scn_errno_known("WSAECONNRESET"));
	assert_false(scn_errno_known("ewouldblock"));
	assert_false(scn_errno_known("EBOGUS"));
	assert_true(scn_errno_is_winsock("WSAETIMEDOUT"));
	assert_false(scn_errno_is_winsock("ETIMEDOUT"));
	assert_true(scn_errno_same("EAGAIN", "EWOULDBLOCK"));
	assert_true(scn_errno_same("EPIPE", "EPIPE"));
	assert_false(scn_errno_same("EPIPE", "ECONNRESET"));
	assert_string_equal(scn_step_name(STEP_PEER_ACK_FIN), "peer ack-fin");
	assert_string_equal(scn_step_name(STEP_EXIT_CLOSE), "exit-close");
	assert_string_equal(scn_expect_name(EXP_BLOCKS_ABOUT), "blocks about");
	assert_string_equal(scn_os_name(SCN_OS_FREEBSD), "freebsd");
	assert_string_equal(scn_wire_what_name(WIRE_ANY), "nothing");
	assert_string_equal(scn_op_name(SOP_LE), "<=");
	assert_true(scn_step_is_call(STEP_ACCEPT));
	assert_false(scn_step_is_call(STEP_WAIT));
	assert_false(scn_step_is_call(STEP_PEER_FIN));
}

/* Every example in scenarios/examples reads without an error. */
static void
test_examples(void **state)
{
	const char *dir = LINGERLAB_SOURCE_DIR "/scenarios/examples";
	struct scn_error errs[4];
	struct dirent *de;
	char path[512], buf[1024];
	size_t n, ncases, files = 0;
	DIR *d;

	(void)state;
	assert_non_null(d = opendir(dir));
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		char *text;
		FILE *fp;
		long sz;

		if (len < 5 || strcmp(de->d_name + len - 4, ".scn") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		assert_non_null(fp = fopen(path, "rb"));
		assert_int_equal(fseek(fp, 0, SEEK_END), 0);
		sz = ftell(fp);
		rewind(fp);
		assert_non_null(text = malloc((size_t)sz + 1));
		assert_int_equal(fread(text, 1, (size_t)sz, fp), (size_t)sz);
		fclose(fp);
		if (scn_check_text(path, text, (size_t)sz, errs, 4, &n,
			&ncases) < 0) {
			scn_error_format(&errs[0], buf, sizeof(buf));
			fail_msg("%s", buf);
		}
		assert_true(ncases >= 1);
		free(text);
		files++;
	}
	closedir(d);
	assert_true(files >= 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_form),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_if_conditions),
		cmocka_unit_test(test_peer_connect),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_header_api),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_examples),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
