/*
 * scenario_probe.c - resource probe expectations:
 *
 *   expect [OS:] growth SERIES OP N     the value now minus before the last repeat block
 *   expect [OS:] peak SERIES OP N       the largest value since that block began
 *   expect [OS:] SERIES OP N [within D] the value now, polled until it holds or D passed
 *
 *   SERIES: threads | fds | rss | sockets STATE | tcpext COUNTER
 *   OP: = != >= <= > <      N: a whole number (rss: a size such as 4MiB, or KiB)
 *
 * The words are read by one pure function, so a scenario file and a caller
 * with a string (lingerlab observe) read them alike.
 */
#include "scenario_int.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"
#include "units.h"

#define PROBE_USAGE                                                            \
	"usage: expect [growth|peak] threads|fds|rss|sockets STATE|tcpext "    \
	"COUNTER OP N [within D]"
#define PROBE_WORDS_MAX 16

struct probe_err {
	size_t word; /* the word at fault; n: the end of the line */
	char msg[160];
	char hint[160];
};

static int perr(struct probe_err *pe, size_t word, const char *hint,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
perr(struct probe_err *pe, size_t word, const char *hint, const char *fmt, ...)
{
	va_list ap;

	pe->word = word;
	va_start(ap, fmt);
	vsnprintf(pe->msg, sizeof(pe->msg), fmt, ap);
	va_end(ap);
	snprintf(pe->hint, sizeof(pe->hint), "%s", hint);
	return -1;
}

static bool
is_counter_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= SCN_SERIES_MAX - 8 || !isalpha((unsigned char)s[0]))
		return false;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

/* The series at w[*i]: one word, or two for sockets and tcpext. */
static int
read_series(const char *const *w, size_t n, size_t *i,
    struct scn_probe_expect *out, struct probe_err *pe)
{
	const char *kind = *i < n ? w[*i] : NULL;
	unsigned st;

	if (kind == NULL)
		return perr(pe, n, PROBE_USAGE,
		    "expected a probe such as fds, got %s",
		    "the end of the line");
	if (strcmp(kind, "threads") == 0 || strcmp(kind, "fds") == 0 ||
	    strcmp(kind, "rss") == 0) {
		snprintf(out->series, sizeof(out->series), "%s", kind);
		(*i)++;
		return 0;
	}
	if (strcmp(kind, "sockets") != 0 && strcmp(kind, "tcpext") != 0)
		return perr(pe, *i,
		    "probes: threads, fds, rss, sockets STATE, tcpext COUNTER",
		    "unknown probe \"%.40s\"", kind);
	if (*i + 1 >= n)
		return perr(pe, n,
		    strcmp(kind, "sockets") == 0
			? "name a TCP state, e.g. "
			  "sockets FIN_WAIT1"
			: "name a TcpExt counter as nstat shows it, e.g. "
			  "tcpext TCPAbortOnLinger",
		    "expected what %s to count, got the end of "
		    "the line",
		    kind);
	if (strcmp(kind, "sockets") == 0) {
		if ((st = probe_tcp_state_number(w[*i + 1])) == 0)
			return perr(pe, *i + 1,
			    "states: ESTABLISHED, SYN_SENT, SYN_RECV, "
			    "FIN_WAIT1, FIN_WAIT2, TIME_WAIT, CLOSE_WAIT, LAST_ACK, LISTEN, "
			    "CLOSING",
			    "unknown TCP state \"%.40s\"", w[*i + 1]);
		snprintf(out->series, sizeof(out->series), "sockets %s",
		    probe_tcp_state_name(st));
	} else {
		if (!is_counter_name(w[*i + 1]))
			return perr(pe, *i + 1,
			    "a counter name is letters, digits and _, as "
			    "nstat shows it (TCPAbortOnLinger)",
			    "expected a TcpExt counter "
			    "name, got \"%.40s\"",
			    w[*i + 1]);
		snprintf(out->series, sizeof(out->series), "tcpext %s",
		    w[*i + 1]);
	}
	*i += 2;
	return 0;
}

static int
read_op(const char *word, enum scn_op *op)
{
	static const struct {
		const char *s;
		enum scn_op op;
	} ops[] = {
		{ "=", SOP_EQ },
		{ "==", SOP_EQ },
		{ "!=", SOP_NE },
		{ ">=", SOP_GE },
		{ "<=", SOP_LE },
		{ ">", SOP_GT },
		{ "<", SOP_LT },
	};
	size_t k;

	for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
		if (strcmp(word, ops[k].s) == 0) {
			*op = ops[k].op;
			return 0;
		}
	}
	return -1;
}

static int
read_value(const char *word, const struct scn_probe_expect *out, int64_t *v,
    size_t at, struct probe_err *pe)
{
	uint64_t bytes;

	if (scn_parse_int(word, v) == 0)
		return 0;
	if (strcmp(out->series, "rss") == 0 &&
	    parse_size(word, &bytes, NULL, 0) == 0 &&
	    bytes / 1024 <= INT64_MAX) {
		*v = (int64_t)((bytes + 1023) / 1024);
		return 0;
	}
	return perr(pe, at,
	    strcmp(out->series, "rss") == 0
		? "write a size such as 4MiB, "
		  "or a number of KiB"
		: "write a whole number, e.g. 0 or 1000",
	    "expected a number, got \"%.40s\"", word);
}

static int
read_within(const char *const *w, size_t n, size_t i,
    struct scn_probe_expect *out, struct probe_err *pe)
{
	if (i == n)
		return 0;
	if (strcmp(w[i], "within") != 0)
		return perr(pe, i, PROBE_USAGE, "unexpected \"%.40s\"", w[i]);
	if (out->mode != SCN_PROBE_NOW)
		return perr(pe, i,
		    "growth and peak are read once, where the line stands; "
		    "write SERIES OP N within D to wait for a value",
		    "within goes with a "
		    "plain probe, not %s",
		    out->mode == SCN_PROBE_GROWTH ? "growth" : "peak");
	if (i + 1 == n)
		return perr(pe, n, "e.g. within 120s",
		    "expected a duration, got %s", "the end of the line");
	if (parse_duration(w[i + 1], &out->within_ns, NULL, 0) < 0 ||
	    out->within_ns == 0)
		return perr(pe, i + 1, "write a duration above 0, e.g. 120s",
		    "expected a duration, got \"%.40s\"", w[i + 1]);
	if (i + 2 < n)
		return perr(pe, i + 2, PROBE_USAGE, "unexpected \"%.40s\"",
		    w[i + 2]);
	return 0;
}

/* The words of a probe expectation's body, w[0] its first. */
static int
parse_words(const char *const *w, size_t n, struct scn_probe_expect *out,
    struct probe_err *pe)
{
	size_t i = 0;

	memset(out, 0, sizeof(*out));
	out->mode = SCN_PROBE_NOW;
	if (n > 0 && strcmp(w[0], "growth") == 0) {
		out->mode = SCN_PROBE_GROWTH;
		i++;
	} else if (n > 0 && strcmp(w[0], "peak") == 0) {
		out->mode = SCN_PROBE_PEAK;
		i++;
	}
	if (read_series(w, n, &i, out, pe) < 0)
		return -1;
	if (i == n)
		return perr(pe, n, "operators: = != >= <= > <",
		    "expected an operator such "
		    "as <=, got %s",
		    "the end of the line");
	if (read_op(w[i], &out->op) < 0)
		return perr(pe, i,
		    "operators: = != >= <= > <, with spaces around them",
		    "expected an operator such as <=, got \"%.40s\"", w[i]);
	if (++i == n)
		return perr(pe, n, "e.g. growth fds <= 0",
		    "expected a number, got %s", "the end of the line");
	if (read_value(w[i], out, &out->value, i, pe) < 0)
		return -1;
	return read_within(w, n, i + 1, out, pe);
}

bool
scn_is_probe_body(const char *word)
{
	static const char *const first[] = { "growth", "peak", "threads", "fds",
		"rss", "sockets", "tcpext" };
	size_t k;

	for (k = 0; k < sizeof(first) / sizeof(first[0]); k++)
		if (strcmp(word, first[k]) == 0)
			return true;
	return false;
}

int
scn_parse_probe_body(struct scn_cur *k, struct scn_expect *e)
{
	const char *w[PROBE_WORDS_MAX] = { NULL };
	struct probe_err pe;
	size_t n = 0, first = k->i - 1, j;
	uint32_t col;

	for (j = first; j < k->end; j++) {
		const struct scn_word *word = &k->c->t->w[j];

		if (word->quoted)
			return scn_fail(k->c, word->col, PROBE_USAGE,
			    "a probe expectation "
			    "takes no quoted words");
		if (n == PROBE_WORDS_MAX)
			return scn_fail(k->c, word->col, PROBE_USAGE,
			    "too many words");
		w[n++] = word->text;
	}
	if (parse_words(w, n, &e->probe, &pe) < 0) {
		col = pe.word < n ? k->c->t->w[first + pe.word].col
				  : k->c->t->end_col;
		return scn_fail(k->c, col, pe.hint, "%s", pe.msg);
	}
	e->kind = EXP_PROBE;
	e->duration_ns = e->probe.within_ns;
	k->i = k->end;
	return 0;
}

int
scn_parse_probe_expect(const char *text, struct scn_probe_expect *out,
    char *err, size_t errlen)
{
	char buf[SCN_TEXT_MAX], *save = NULL, *t;
	const char *w[PROBE_WORDS_MAX] = { NULL };
	struct probe_err pe;
	size_t n = 0;

	if (strlen(text) >= sizeof(buf)) {
		snprintf(err, errlen,
		    "the expectation is too long (at most %zu bytes)",
		    sizeof(buf) - 1);
		return -1;
	}
	memcpy(buf, text, strlen(text) + 1);
	for (t = strtok_r(buf, " \t\r\n", &save); t != NULL;
	     t = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == 0 && strcmp(t, "expect") == 0)
			continue;
		if (n == PROBE_WORDS_MAX) {
			snprintf(err, errlen, "too many words in \"%s\"; %s",
			    text, PROBE_USAGE);
			return -1;
		}
		w[n++] = t;
	}
	if (parse_words(w, n, out, &pe) == 0)
		return 0;
	snprintf(err, errlen, "%s (word %zu of \"%s\"); hint: %s", pe.msg,
	    pe.word + 1, text, pe.hint);
	return -1;
}

size_t
scn_probe_expect_format(const struct scn_probe_expect *pe, char *buf,
    size_t len)
{
	char within[48] = "";
	int n;

	if (pe->within_ns != 0) {
		memcpy(within, " within ", 9);
		format_duration(pe->within_ns, within + 8, sizeof(within) - 8);
	}
	n = snprintf(buf, len, "%s%s %s %lld%s",
	    pe->mode == SCN_PROBE_GROWTH     ? "growth "
		: pe->mode == SCN_PROBE_PEAK ? "peak "
					     : "",
	    pe->series, scn_op_name(pe->op), (long long)pe->value, within);
	return n < 0 ? 0 : (size_t)n;
}
