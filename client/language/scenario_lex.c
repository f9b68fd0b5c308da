/*
 * scenario_lex.c - split a scenario line into words, and read a word as a
 * size, a duration, a number, a port or a string.
 *
 * Substitution happens here, inside words, as they are read: a parameter's
 * value is a single plain word (the header parser makes sure of it), so
 * replacing ${NAME} can never change how a line splits into words, where a
 * string ends or where a comment starts. Substituted bytes take the column
 * of the '$' that named them, so errors in them point at the reference.
 */
#include "scenario_lex.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scenario_int.h"
#include "units.h"

struct lexer {
	const char *s;
	size_t len;
	size_t i;
	const struct scn_subst *subst;
	struct scn_toks *t;
	struct scn_error *err;
	struct scn_word cur; /* the word being read */
	size_t cap;	     /* of cur.text and cur.cols */
};

static int lex_fail(struct lexer *l, size_t off, const char *hint,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
lex_fail(struct lexer *l, size_t off, const char *hint, const char *fmt, ...)
{
	va_list ap;

	l->err->pos.file = NULL;
	l->err->pos.line = l->t->line;
	l->err->pos.col = (uint32_t)off + 1;
	va_start(ap, fmt);
	vsnprintf(l->err->msg, sizeof(l->err->msg), fmt, ap);
	va_end(ap);
	snprintf(l->err->hint, sizeof(l->err->hint), "%s", hint);
	return -1;
}

static int
oom(struct lexer *l)
{
	return lex_fail(l, l->i, "", "out of memory");
}

static bool
name_char(char ch, bool first)
{
	if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'))
		return true;
	return !first && ((ch >= '0' && ch <= '9') || ch == '_' || ch == '-');
}

bool
scn_is_name(const char *s, size_t len)
{
	size_t i;

	if (len == 0)
		return false;
	for (i = 0; i < len; i++)
		if (!name_char(s[i], i == 0))
			return false;
	return true;
}

uint32_t
scn_word_col(const struct scn_word *w, size_t off)
{
	return w->cols[off < w->len ? off : w->len];
}

/* Append one byte, remembering the column it came from. */
static int
put(struct lexer *l, char ch, size_t off)
{
	if (l->cur.len + 1 >= l->cap) {
		size_t ncap = l->cap == 0 ? 16 : l->cap * 2;
		char *nt = realloc(l->cur.text, ncap);
		uint32_t *nc;

		if (nt == NULL)
			return oom(l);
		l->cur.text = nt;
		if ((nc = realloc(l->cur.cols, ncap * sizeof(*nc))) == NULL)
			return oom(l);
		l->cur.cols = nc;
		l->cap = ncap;
	}
	l->cur.text[l->cur.len] = ch;
	l->cur.cols[l->cur.len] = (uint32_t)off + 1;
	l->cur.len++;
	return 0;
}

static int
unknown_param(struct lexer *l, size_t dollar, const char *name, size_t nlen)
{
	char hint[sizeof(l->err->hint)];
	size_t i, off;

	if (l->subst->n == 0) {
		snprintf(hint, sizeof(hint),
		    "this file declares no parameters; add "
		    "'param %.*s = V1 | V2' to the header",
		    (int)(nlen > 40 ? 40 : nlen), name);
	} else {
		off = (size_t)snprintf(hint, sizeof(hint),
		    "parameters of this file:");
		for (i = 0; i < l->subst->n && off < sizeof(hint); i++)
			off += (size_t)snprintf(hint + off, sizeof(hint) - off,
			    " %s", l->subst->names[i]);
	}
	return lex_fail(l, dollar, hint, "unknown parameter ${%.*s}",
	    (int)(nlen > 40 ? 40 : nlen), name);
}

/* At "${": read NAME and '}', then copy the value (or the reference). */
static int
reference(struct lexer *l)
{
	size_t dollar = l->i, start = l->i + 2, end = start, k;

	while (end < l->len && name_char(l->s[end], end == start))
		end++;
	if (end == start)
		return lex_fail(l, start,
		    "write ${NAME}, NAME being a parameter declared with "
		    "'param NAME = ...'",
		    "expected a parameter name after ${");
	if (end >= l->len || l->s[end] != '}')
		return lex_fail(l, end,
		    "write ${NAME}, with no space inside the braces",
		    "expected } to end ${%.*s",
		    (int)(end - start > 40 ? 40 : end - start), l->s + start);
	l->cur.has_ref = true;
	l->i = end + 1;
	if (l->subst->values == NULL) {
		for (k = dollar; k <= end; k++)
			if (put(l, l->s[k], k) < 0)
				return -1;
		return 0;
	}
	for (k = 0; k < l->subst->n; k++) {
		const char *v = l->subst->values[k];

		if (strlen(l->subst->names[k]) != end - start ||
		    memcmp(l->subst->names[k], l->s + start, end - start) != 0)
			continue;
		for (; *v != '\0'; v++)
			if (put(l, *v, dollar) < 0)
				return -1;
		if (l->cur.ref == NULL)
			l->cur.ref = l->subst->names[k];
		return 0;
	}
	return unknown_param(l, dollar, l->s + start, end - start);
}

static bool
is_ref(const struct lexer *l)
{
	return l->s[l->i] == '$' && l->i + 1 < l->len && l->s[l->i + 1] == '{';
}

static bool
is_space(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* The word is complete: terminate it and move it into the line's list. */
static int
finish(struct lexer *l, size_t end)
{
	struct scn_toks *t = l->t;

	if (put(l, '\0', end) < 0)
		return -1;
	l->cur.len--;
	l->cur.end_col = (uint32_t)end + 1;
	/* "just after the text" is the closing quote, or just after the word */
	l->cur.cols[l->cur.len] =
	    l->cur.quoted ? (uint32_t)end : l->cur.end_col;
	if (t->n == t->cap) {
		size_t ncap = t->cap == 0 ? 8 : t->cap * 2;
		struct scn_word *nw = realloc(t->w, ncap * sizeof(*nw));

		if (nw == NULL)
			return oom(l);
		t->w = nw;
		t->cap = ncap;
	}
	t->w[t->n++] = l->cur;
	memset(&l->cur, 0, sizeof(l->cur));
	l->cap = 0;
	t->end_col = (uint32_t)end + 1;
	return 0;
}

static int
bare_word(struct lexer *l)
{
	l->cur.col = (uint32_t)l->i + 1;
	while (l->i < l->len && !is_space(l->s[l->i]) && l->s[l->i] != '#') {
		if (l->s[l->i] == '"')
			return lex_fail(l, l->i,
			    "put a space before the opening quote",
			    "a quote in the middle of a word");
		if (is_ref(l)) {
			if (reference(l) < 0)
				return -1;
			continue;
		}
		if (put(l, l->s[l->i], l->i) < 0)
			return -1;
		l->i++;
	}
	return finish(l, l->i);
}

static int
escape(struct lexer *l)
{
	char ch;

	if (l->i + 1 >= l->len)
		return 1; /* a backslash at the end: the string is unterminated */
	ch = l->s[l->i + 1];
	if (ch != '"' && ch != '\\')
		return lex_fail(l, l->i,
		    "inside quotes only \\\" and \\\\ are escapes; write "
		    "\\\\ for a backslash",
		    "unknown escape \\%c in a string", ch);
	if (put(l, ch, l->i) < 0)
		return -1;
	l->i += 2;
	return 0;
}

static int
quoted_word(struct lexer *l)
{
	size_t open = l->i;
	int r;

	l->cur.col = (uint32_t)open + 1;
	l->cur.quoted = true;
	for (l->i++; l->i < l->len && l->s[l->i] != '"';) {
		if (l->s[l->i] == '\\') {
			if ((r = escape(l)) < 0)
				return -1;
			if (r > 0)
				break;
		} else if (is_ref(l)) {
			if (reference(l) < 0)
				return -1;
		} else {
			if (put(l, l->s[l->i], l->i) < 0)
				return -1;
			l->i++;
		}
	}
	if (l->i >= l->len)
		return lex_fail(l, open,
		    "end it with \" on the same line: a string cannot span "
		    "lines",
		    "unterminated string");
	l->i++;
	if (l->i < l->len && !is_space(l->s[l->i]) && l->s[l->i] != '#')
		return lex_fail(l, l->i, "put a space after the closing quote",
		    "expected a space after the closing quote, got '%c'",
		    l->s[l->i]);
	return finish(l, l->i);
}

/* Control characters could only be typos, and would garble any message. */
static int
check_bytes(struct lexer *l)
{
	size_t i;

	for (i = 0; i < l->len; i++) {
		unsigned char ch = (unsigned char)l->s[i];

		if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
			return lex_fail(l, i,
			    "scenario files are text: remove it",
			    "unexpected control character 0x%02x", ch);
	}
	return 0;
}

int
scn_lex_line(const char *line, size_t len, uint32_t lineno,
    const struct scn_subst *subst, struct scn_toks *t, struct scn_error *err)
{
	static const struct scn_subst none = { NULL, NULL, 0 };
	struct lexer l;
	int r = 0;

	memset(t, 0, sizeof(*t));
	memset(&l, 0, sizeof(l));
	t->line = lineno;
	l.s = line;
	l.len = len;
	l.subst = subst != NULL ? subst : &none;
	l.t = t;
	l.err = err;
	if (len > UINT32_MAX - 2)
		return lex_fail(&l, 0, "split it", "line too long (%zu bytes)",
		    len);
	if (check_bytes(&l) < 0)
		return -1;
	while (l.i < len && is_space(line[l.i]))
		l.i++;
	t->indent = (uint32_t)l.i;
	t->end_col = (uint32_t)l.i + 1;
	while (r == 0 && l.i < len && line[l.i] != '#') {
		if (is_space(line[l.i]))
			l.i++;
		else if (line[l.i] == '"')
			r = quoted_word(&l);
		else
			r = bare_word(&l);
	}
	t->code_len = l.i;
	free(l.cur.text);
	free(l.cur.cols);
	return r;
}

void
scn_toks_free(struct scn_toks *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		free(t->w[i].text);
		free(t->w[i].cols);
	}
	free(t->w);
	memset(t, 0, sizeof(*t));
}

/*
 * ---- word readers ----
 *
 * A word as a size, a duration, a number, a port or a string, each failing
 * with "expected X, got Y" at the word and a hint about what is wrong.
 */

bool
scn_word_is(const struct scn_word *w, const char *s)
{
	return !w->quoted && strcmp(w->text, s) == 0;
}

bool
scn_more(const struct scn_cur *k)
{
	return k->i < k->end;
}

const struct scn_word *
scn_next(struct scn_cur *k, const char *what, const char *hint)
{
	const struct scn_toks *t = k->c->t;
	char q[96];

	if (k->i < k->end)
		return &t->w[k->i++];
	if (k->end < t->n)
		scn_fail(k->c, t->w[k->end].col, hint, "expected %s, got %s",
		    what, scn_quote(&t->w[k->end], q, sizeof(q)));
	else
		scn_fail(k->c, t->end_col, hint,
		    "expected %s, got the end of the line", what);
	return NULL;
}

int
scn_done(struct scn_cur *k, const char *hint)
{
	const struct scn_word *w;
	char q[96];

	if (k->i >= k->end)
		return 0;
	w = &k->c->t->w[k->i];
	return scn_fail(k->c, w->col, hint,
	    "unexpected %s at the end of the statement",
	    scn_quote(w, q, sizeof(q)));
}

int
scn_read_keyword(struct scn_cur *k, const char *kw, const char *hint)
{
	const struct scn_word *w;
	char what[64], q[96];

	snprintf(what, sizeof(what), "'%s'", kw);
	if ((w = scn_next(k, what, hint)) == NULL)
		return -1;
	if (!scn_word_is(w, kw))
		return scn_fail(k->c, w->col, hint, "expected '%s', got %s", kw,
		    scn_quote(w, q, sizeof(q)));
	return 0;
}

static const char *
size_hint(const char *s)
{
	const char *u = s;

	while (isdigit((unsigned char)*u) || *u == '.')
		u++;
	if (*s == '-')
		return "a size cannot be negative";
	if (strchr(s, '.') != NULL)
		return "sizes are whole numbers: write 1536B rather than 1.5KiB";
	if (strcasecmp(u, "kb") == 0 || strcasecmp(u, "mb") == 0 ||
	    strcasecmp(u, "gb") == 0 || strcasecmp(u, "k") == 0 ||
	    strcasecmp(u, "m") == 0 || strcasecmp(u, "g") == 0 ||
	    strcasecmp(u, "kib") == 0 || strcasecmp(u, "mib") == 0 ||
	    strcasecmp(u, "gib") == 0)
		return "sizes are binary: write KiB, MiB or GiB (1 KiB = 1024 bytes)";
	if (u == s)
		return "write a whole number of bytes with an optional unit B, KiB, MiB or GiB";
	if (*u == '\0')
		return "the number is too large";
	return "the units are B, KiB, MiB and GiB";
}

int
scn_read_size(struct scn_cur *k, const char *what, uint64_t *out)
{
	const struct scn_word *w;
	char q[96];

	if ((w = scn_next(k, what, "sizes look like 1500, 64KiB or 1MiB")) ==
	    NULL)
		return -1;
	if (w->quoted || parse_size(w->text, out, NULL, 0) < 0)
		return scn_fail(k->c, w->col,
		    w->quoted ? "write the size without quotes"
			      : size_hint(w->text),
		    "expected %s such as 10KiB, got %s", what,
		    scn_quote(w, q, sizeof(q)));
	return 0;
}

static const char *
duration_hint(const char *s)
{
	const char *u = s;

	while (isdigit((unsigned char)*u) || *u == '.')
		u++;
	if (*s == '-')
		return "a duration cannot be negative";
	if (u == s)
		return "write a number and a unit, e.g. 250ms or 1.5s";
	if (*u == '\0')
		return "a bare number is not a duration: add a unit (ns, us, ms, s or min), "
		       "e.g. 2s";
	if (strcmp(u, "h") == 0)
		return "there is no h: write 60min";
	if (strcmp(u, "ns") == 0 || strcmp(u, "us") == 0 ||
	    strcmp(u, "ms") == 0 || strcmp(u, "s") == 0 ||
	    strcmp(u, "min") == 0)
		return "the number is malformed or too large";
	return "the units are ns, us, ms, s and min";
}

int
scn_read_duration(struct scn_cur *k, const char *what, uint64_t *out)
{
	const struct scn_word *w;
	char q[96];

	if ((w = scn_next(k, what, "durations look like 250ms, 2s or 1.5s")) ==
	    NULL)
		return -1;
	if (w->quoted || parse_duration(w->text, out, NULL, 0) < 0)
		return scn_fail(k->c, w->col,
		    w->quoted ? "write the duration without quotes"
			      : duration_hint(w->text),
		    "expected %s such as 250ms or 2s, got %s", what,
		    scn_quote(w, q, sizeof(q)));
	return 0;
}

/* A whole number, optionally negative, nothing else. */
int
scn_parse_int(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (!(isdigit((unsigned char)s[0]) ||
		(s[0] == '-' && isdigit((unsigned char)s[1]))))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

int
scn_read_int(struct scn_cur *k, const char *what, int64_t min, int64_t max,
    int64_t *out)
{
	const struct scn_word *w;
	char q[96], hint[96];
	int64_t v;

	snprintf(hint, sizeof(hint), "write a whole number from %lld to %lld",
	    (long long)min, (long long)max);
	if ((w = scn_next(k, what, hint)) == NULL)
		return -1;
	if (w->quoted || scn_parse_int(w->text, &v) < 0 || v < min || v > max)
		return scn_fail(k->c, w->col, hint, "expected %s, got %s", what,
		    scn_quote(w, q, sizeof(q)));
	*out = v;
	return 0;
}

int
scn_read_port(struct scn_cur *k, uint16_t *out)
{
	int64_t v = 0;

	if (scn_read_int(k, "a port from 1 to 65535", 1, 65535, &v) < 0)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

/* A quoted string that must fit in len bytes (with its terminator). */
int
scn_read_text(struct scn_cur *k, const char *what, char *buf, size_t len)
{
	const struct scn_word *w;
	char q[96];

	if ((w = scn_next(k, what, "write it in double quotes")) == NULL)
		return -1;
	if (!w->quoted)
		return scn_fail(k->c, w->col,
		    "write it in double quotes, e.g. \"...\"",
		    "expected %s in quotes, got %s", what,
		    scn_quote(w, q, sizeof(q)));
	if (w->len >= len)
		return scn_fail(k->c, w->col,
		    "shorten it: reports quote it whole",
		    "%s is too long (%zu bytes, at most %zu)", what, w->len,
		    len - 1);
	memcpy(buf, w->text, w->len + 1);
	return 0;
}

bool
scn_port_has(const uint8_t *set, uint16_t port)
{
	return (set[port / 8] >> (port % 8)) & 1u;
}

void
scn_port_add(uint8_t *set, uint16_t port)
{
	set[port / 8] = (uint8_t)(set[port / 8] | (1u << (port % 8)));
}
