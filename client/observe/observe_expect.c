/*
 * observe_expect.c - `lingerlab observe --expect`: what may grow, what
 * sockets may be left, how the program's connections must end.
 *
 * Probe expectations are read by the scenario language's own parser
 * (scn_parse_probe_expect, client/language/scenario_probe.c), so an expectation
 * means the same in a scenario file and on this command line:
 *
 *   [growth|peak] threads|fds|rss|sockets STATE|tcpext COUNTER OP N [within D]
 *
 * growth: the last value while the program ran minus the first; peak: the
 * largest; neither: the last value (sockets and counters: at the end of
 * the settle time; with "within D", at any sample up to D after exit).
 * Those about the program's closes are this command's own:
 *
 *   closes fin|rst|none OP N     connections that sent it
 *   every close sends fin|rst    all of them
 *   close time OP DURATION       the longest close() call
 *
 * Pure code.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "duration_text.h"
#include "observe_prog.h"
#include "probe.h"
#include "scenario_parse.h"
#include "units.h"

#define MAX_WORDS 6
#define CLOSES_USAGE                                                           \
	"closes fin|rst|none OP N, every close sends fin|rst, "                \
	"close time OP DURATION"

static const char *const default_counters[] = { "TCPAbortOnClose",
	"TCPAbortOnData", "TCPAbortOnLinger", "TCPAbortOnTimeout",
	"TCPAbortOnMemory" };

struct words {
	char buf[160];
	char *w[MAX_WORDS];
	size_t n;
};

static int
split(const char *text, struct words *ws, char *err, size_t errlen)
{
	char *p, *save = NULL;

	memset(ws, 0, sizeof(*ws));
	if (strlen(text) >= sizeof(ws->buf)) {
		snprintf(err, errlen, "too long (at most %zu characters)",
		    sizeof(ws->buf) - 1);
		return -1;
	}
	memcpy(ws->buf, text, strlen(text) + 1); /* fits: checked above */
	for (p = strtok_r(ws->buf, " \t", &save); p != NULL;
	     p = strtok_r(NULL, " \t", &save)) {
		if (ws->n == MAX_WORDS) {
			snprintf(err, errlen, "too many words in \"%s\"; %s",
			    text, CLOSES_USAGE);
			return -1;
		}
		ws->w[ws->n++] = p;
	}
	return 0;
}

static int
parse_op(const char *s, enum scn_op *op)
{
	static const struct {
		const char *s;
		enum scn_op op;
	} ops[] = {
		{ "<=", SOP_LE },
		{ "<", SOP_LT },
		{ ">=", SOP_GE },
		{ ">", SOP_GT },
		{ "=", SOP_EQ },
		{ "==", SOP_EQ },
		{ "!=", SOP_NE },
	};
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(s, ops[i].s) == 0) {
			*op = ops[i].op;
			return 0;
		}
	return -1;
}

static bool
op_holds(int64_t a, enum scn_op op, int64_t b)
{
	switch (op) {
	case SOP_LE: return a <= b;
	case SOP_LT: return a < b;
	case SOP_GE: return a >= b;
	case SOP_GT: return a > b;
	case SOP_EQ: return a == b;
	case SOP_NE: return a != b;
	}
	return false;
}

/* "word 3 ('x') of "...": what; hint: CLOSES_USAGE" */
static int
bad(const char *text, const struct words *ws, size_t i, char *err,
    size_t errlen, const char *what)
{
	if (i < ws->n)
		snprintf(err, errlen,
		    "expected %s, got \"%s\" (word %zu of "
		    "\"%s\"); hint: %s",
		    what, ws->w[i], i + 1, text, CLOSES_USAGE);
	else
		snprintf(err, errlen,
		    "expected %s, got the end of \"%s\"; "
		    "hint: %s",
		    what, text, CLOSES_USAGE);
	return -1;
}

/* OP VALUE at word i, to the end. */
static int
op_value(const char *text, const struct words *ws, size_t i,
    struct ob_expect *e, char *err, size_t errlen)
{
	char why[128], *end;
	uint64_t u;
	long long v;

	if (i >= ws->n || parse_op(ws->w[i], &e->op) == -1)
		return bad(text, ws, i, err, errlen, "one of <= < >= > = !=");
	if (++i >= ws->n)
		return bad(text, ws, i, err, errlen, "a value");
	if (e->kind == OB_EXP_CLOSE_TIME) {
		if (parse_duration(ws->w[i], &u, why, sizeof(why)) == -1)
			return bad(text, ws, i, err, errlen,
			    "a duration "
			    "(1100ms, 2s)");
		e->value = (int64_t)u;
	} else {
		v = strtoll(ws->w[i], &end, 10);
		if (*end != '\0' || end == ws->w[i])
			return bad(text, ws, i, err, errlen, "a whole number");
		e->value = v;
	}
	if (i + 1 < ws->n)
		return bad(text, ws, i + 1, err, errlen, "nothing more");
	return 0;
}

static int
parse_end(const char *text, const struct words *ws, size_t i, enum ob_end *end,
    char *err, size_t errlen)
{
	if (i < ws->n && strcasecmp(ws->w[i], "fin") == 0)
		*end = OB_END_FIN;
	else if (i < ws->n && strcasecmp(ws->w[i], "rst") == 0)
		*end = OB_END_RST;
	else if (i < ws->n && strcasecmp(ws->w[i], "none") == 0)
		*end = OB_END_NONE;
	else
		return bad(text, ws, i, err, errlen, "fin, rst or none");
	return 0;
}

static int
parse_closes(const char *text, const struct words *ws, struct ob_expect *e,
    char *err, size_t errlen)
{
	const char *w0 = ws->w[0];

	if (strcmp(w0, "closes") == 0) {
		e->kind = OB_EXP_CLOSES;
		if (parse_end(text, ws, 1, &e->end, err, errlen) == -1)
			return -1;
		return op_value(text, ws, 2, e, err, errlen);
	}
	if (strcmp(w0, "every") == 0) {
		e->kind = OB_EXP_CLOSES;
		e->every = true;
		if (ws->n < 2 || strcmp(ws->w[1], "close") != 0)
			return bad(text, ws, 1, err, errlen, "\"close\"");
		if (ws->n < 3 || strcmp(ws->w[2], "sends") != 0)
			return bad(text, ws, 2, err, errlen, "\"sends\"");
		if (parse_end(text, ws, 3, &e->end, err, errlen) == -1)
			return -1;
		return ws->n > 4 ? bad(text, ws, 4, err, errlen, "nothing more")
				 : 0;
	}
	e->kind = OB_EXP_CLOSE_TIME;
	if (ws->n < 2 || strcmp(ws->w[1], "time") != 0)
		return bad(text, ws, 1, err, errlen, "\"time\"");
	return op_value(text, ws, 2, e, err, errlen);
}

/* Which of our series a parsed probe expectation reads. */
static void
map_series(struct ob_expect *e)
{
	const char *s = e->probe.series;

	e->op = e->probe.op;
	e->value = e->probe.value;
	if (strcmp(s, "threads") == 0)
		e->series = OB_P_THREADS;
	else if (strcmp(s, "fds") == 0)
		e->series = OB_P_FDS;
	else if (strcmp(s, "rss") == 0)
		e->series = OB_P_RSS_KIB;
	else if (strncmp(s, "sockets ", 8) == 0) {
		e->series = OB_P_STATE;
		e->state = probe_tcp_state_number(s + 8);
	} else {
		e->series = OB_P_TCPEXT;
		snprintf(e->counter, sizeof(e->counter), "%s",
		    strncmp(s, "tcpext ", 7) == 0 ? s + 7 : s);
	}
}

int
ob_expect_parse(const char *text, struct ob_expect *e, char *err, size_t errlen)
{
	struct words ws;

	memset(e, 0, sizeof(*e));
	snprintf(e->text, sizeof(e->text), "%s", text);
	if (split(text, &ws, err, errlen) == -1)
		return -1;
	if (ws.n > 0 &&
	    (strcmp(ws.w[0], "closes") == 0 || strcmp(ws.w[0], "every") == 0 ||
		strcmp(ws.w[0], "close") == 0))
		return parse_closes(text, &ws, e, err, errlen);
	e->kind = OB_EXP_PROBE;
	if (scn_parse_probe_expect(text, &e->probe, err, errlen) == -1)
		return -1;
	map_series(e);
	return 0;
}

size_t
ob_tcpext_names(const struct ob_expect *e, size_t n,
    char names[][OB_TCPEXT_NAME], size_t max)
{
	const size_t nd =
	    sizeof(default_counters) / sizeof(default_counters[0]);
	size_t i, j, k = 0;
	const char *name;

	for (i = 0; i < nd + n && k < max; i++) {
		if (i < nd)
			name = default_counters[i];
		else if (e[i - nd].kind == OB_EXP_PROBE &&
		    e[i - nd].series == OB_P_TCPEXT)
			name = e[i - nd].counter;
		else
			continue;
		for (j = 0; j < k && strcmp(names[j], name) != 0; j++)
			;
		if (j == k)
			snprintf(names[k++], OB_TCPEXT_NAME, "%s", name);
	}
	return k;
}

static const char *
probe_name(const struct ob_expect *e, char *buf, size_t len)
{
	static const char *const names[] = { "threads", "fds", "rss",
		"processes" };

	if (e->series == OB_P_STATE)
		snprintf(buf, len, "sockets in %s",
		    probe_tcp_state_name(e->state));
	else if (e->series == OB_P_TCPEXT)
		snprintf(buf, len, "TcpExt %s", e->counter);
	else
		snprintf(buf, len, "%s", names[e->series]);
	return buf;
}

/* Whether a connection's end counts as `end` (rst: any RST, fin: any FIN). */
static bool
sent(const struct ob_conn *c, enum ob_end end)
{
	switch (end) {
	case OB_END_FIN:
		return c->end == OB_END_FIN || c->end == OB_END_FIN_RST;
	case OB_END_RST:
		return c->end == OB_END_RST || c->end == OB_END_FIN_RST;
	default: return c->end == OB_END_NONE;
	}
}

static void
eval_closes(const struct ob_expect *e, const struct ob_conns *cs,
    struct ob_verdict *v)
{
	size_t i, n = 0;

	for (i = 0; i < cs->n; i++)
		n += sent(&cs->v[i], e->end);
	v->actual = (int64_t)n;
	v->decided = !e->every || cs->n > 0;
	v->pass = e->every ? cs->n > 0 && n == cs->n
			   : op_holds((int64_t)n, e->op, e->value);
	snprintf(v->detail, sizeof(v->detail),
	    "%zu of %zu connections sent "
	    "%s",
	    n, cs->n,
	    e->end == OB_END_NONE      ? "neither FIN nor RST"
		: e->end == OB_END_FIN ? "FIN"
				       : "RST");
}

static void
eval_close_time(const struct ob_expect *e, const struct ob_conns *cs,
    struct ob_verdict *v)
{
	uint64_t worst = 0, d;
	size_t i, n = 0;
	char a[32];

	for (i = 0; i < cs->n; i++) {
		if (cs->v[i].close.call != OB_CLOSE)
			continue;
		d = cs->v[i].close.t1 - cs->v[i].close.t0;
		worst = n++ == 0 || d > worst ? d : worst;
	}
	v->decided = n > 0;
	v->actual = (int64_t)worst;
	v->pass = n > 0 && op_holds((int64_t)worst, e->op, e->value);
	/* measured, so not round: microseconds, or ms with a decimal */
	dur_measured(worst, DUR_OBSERVE, a, sizeof(a));
	if (n == 0)
		snprintf(v->detail, sizeof(v->detail),
		    "no close() call was "
		    "seen (the shim saw none)");
	else
		snprintf(v->detail, sizeof(v->detail),
		    "the longest of %zu "
		    "close() calls took %s",
		    n, a);
}

/* The series index of a TcpExt counter, or -1 if it was not sampled. */
static int
counter_index(const struct ob_series *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->ntcpext; i++)
		if (strcmp(s->tcpext[i], name) == 0)
			return (int)i;
	return -1;
}

/* "within D": held at some sample from the exit to D after it. */
static bool
held_within(const struct ob_expect *e, const struct ob_series *s,
    unsigned which, uint64_t t_exit, int64_t *seen)
{
	uint64_t until = t_exit + e->probe.within_ns;
	size_t i;

	for (i = 0; i < s->n; i++) {
		if (s->v[i].t_ns < t_exit || s->v[i].t_ns > until)
			continue;
		*seen = ob_sample_value(&s->v[i], e->series, which);
		if (op_holds(*seen, e->op, e->value))
			return true;
	}
	return false;
}

static void
eval_probe(const struct ob_expect *e, const struct ob_series *s,
    uint64_t t_exit, struct ob_verdict *v)
{
	unsigned which = e->series == OB_P_TCPEXT
	    ? (unsigned)counter_index(s, e->counter)
	    : e->state;
	enum scn_probe_mode m = e->probe.mode;
	struct ob_stats st;
	char name[64], d[32];
	const char *unit = e->series == OB_P_RSS_KIB ? " KiB" : "";

	probe_name(e, name, sizeof(name));
	if (e->series == OB_P_TCPEXT && (int)which < 0) {
		snprintf(v->detail, sizeof(v->detail),
		    "%s was not sampled "
		    "(this kernel may not have it)",
		    name);
		return;
	}
	ob_series_stats(s, e->series, which, &st);
	if (!st.any) {
		snprintf(v->detail, sizeof(v->detail),
		    "no sample of %s was "
		    "taken (the program ended before the first)",
		    name);
		return;
	}
	v->decided = true;
	v->actual = m == SCN_PROBE_GROWTH ? st.end - st.start
	    : m == SCN_PROBE_PEAK	  ? st.peak
					  : st.end;
	v->pass = op_holds(v->actual, e->op, e->value);
	if (m == SCN_PROBE_NOW && e->probe.within_ns > 0 &&
	    t_exit != OB_NO_TIME && !v->pass)
		v->pass = held_within(e, s, which, t_exit, &v->actual);
	format_duration(e->probe.within_ns, d, sizeof(d));
	snprintf(v->detail, sizeof(v->detail),
	    "%s %s %" PRId64 "%s (%" PRId64 " -> %" PRId64 ", peak %" PRId64
	    " at +%.3fs); wanted %s "
	    "%" PRId64 "%s%s%s",
	    name,
	    m == SCN_PROBE_GROWTH     ? "grew by"
		: m == SCN_PROBE_PEAK ? "peaked at"
				      : "ended at",
	    v->actual, unit, st.start, st.end, st.peak, (double)st.t_peak / 1e9,
	    scn_op_name(e->op), e->value, unit,
	    e->probe.within_ns > 0 ? " within " : "",
	    e->probe.within_ns > 0 ? d : "");
	if (!v->pass && e->probe.within_ns > 0)
		snprintf(v->detail + strlen(v->detail),
		    sizeof(v->detail) - strlen(v->detail),
		    " of the exit; --settle sets how long "
		    "sockets are watched");
}

void
ob_expect_eval(const struct ob_expect *e, const struct ob_series *s,
    const struct ob_conns *cs, uint64_t t_exit, struct ob_verdict *v)
{
	memset(v, 0, sizeof(*v));
	if (e->kind == OB_EXP_CLOSES)
		eval_closes(e, cs, v);
	else if (e->kind == OB_EXP_CLOSE_TIME)
		eval_close_time(e, cs, v);
	else
		eval_probe(e, s, t_exit, v);
}
