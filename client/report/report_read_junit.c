/*
 * report_read_junit.c - a JUnit report read back (report_read.h).
 *
 * Not a general XML parser: enough XML 1.0 to check that a document is
 * well-formed (names, quoted attributes, references, comments, CDATA,
 * nesting that matches) and to find each <testsuite>'s bytes and counts,
 * which merging copies as they are. No DTD, no entities beyond the five
 * predefined and character references: the report writes none. Nesting is
 * bounded, so no input can exhaust the stack.
 */
#include "report_read.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timeunit.h"

#define DEPTH_MAX 32
#define XNAME_MAX 64

struct xcur {
	const char *s;
	size_t len, i;
	struct rr_error *err;
};

static int xfail(struct xcur *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The 1-based line of pos, and where that line begins. */
static uint32_t
line_at(const struct xcur *c, size_t pos, size_t *bol)
{
	uint32_t line = 1;
	size_t k;

	*bol = 0;
	for (k = 0; k < pos && k < c->len; k++)
		if (c->s[k] == '\n') {
			line++;
			*bol = k + 1;
		}
	return line;
}

/* Line and column of c->i, counted when an error needs them. */
static int
xfail(struct xcur *c, const char *fmt, ...)
{
	size_t bol;
	va_list ap;

	c->err->line = line_at(c, c->i, &bol);
	c->err->col = (uint32_t)(c->i - bol + 1);
	va_start(ap, fmt);
	vsnprintf(c->err->msg, sizeof(c->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static bool
at(const struct xcur *c, const char *lit)
{
	size_t n = strlen(lit);

	return c->len - c->i >= n && memcmp(c->s + c->i, lit, n) == 0;
}

static void
ws(struct xcur *c)
{
	while (c->i < c->len &&
	    (c->s[c->i] == ' ' || c->s[c->i] == '\t' || c->s[c->i] == '\r' ||
		c->s[c->i] == '\n'))
		c->i++;
}

/* Skip to just past lit; what is the construct, for the error. */
static int
skip_past(struct xcur *c, const char *lit, const char *what)
{
	size_t start = c->i;
	const char *p;

	while ((p = memchr(c->s + c->i, lit[0], c->len - c->i)) != NULL) {
		c->i = (size_t)(p - c->s);
		if (at(c, lit)) {
			c->i += strlen(lit);
			return 0;
		}
		c->i++;
	}
	c->i = start;
	return xfail(c, "%s is not closed with '%s'", what, lit);
}

static bool
name_char(unsigned char ch, bool first)
{
	if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' ||
	    ch == ':' || ch >= 0x80)
		return true;
	return !first && ((ch >= '0' && ch <= '9') || ch == '-' || ch == '.');
}

static int
xname(struct xcur *c, char *out, size_t cap)
{
	size_t start = c->i;

	if (c->i >= c->len || !name_char((unsigned char)c->s[c->i], true))
		return xfail(c, "expected an XML name");
	while (c->i < c->len && name_char((unsigned char)c->s[c->i], false))
		c->i++;
	if (c->i - start >= cap)
		return c->i = start,
		       xfail(c, "a name longer than %zu bytes", cap - 1);
	memcpy(out, c->s + start, c->i - start);
	out[c->i - start] = '\0';
	return 0;
}

/* A reference at c->i ('&'): &name; or &#N; or &#xH;. */
static int
reference(struct xcur *c)
{
	size_t start = c->i++;

	if (c->i < c->len && c->s[c->i] == '#') {
		c->i++;
		if (c->i < c->len && c->s[c->i] == 'x')
			c->i++;
		while (c->i < c->len && (isxdigit((unsigned char)c->s[c->i])))
			c->i++;
	} else
		while (c->i < c->len &&
		    name_char((unsigned char)c->s[c->i], c->i == start + 1))
			c->i++;
	if (c->i >= c->len || c->s[c->i] != ';' || c->i == start + 1) {
		c->i = start;
		return xfail(c, "'&' starts no reference: write &amp;");
	}
	c->i++;
	return 0;
}

/* The attributes a merge reads, of testsuites and testsuite. */
struct attrs {
	char name[RR_NAME_MAX];
	size_t tests, failures, errors, skipped;
	uint64_t time_ns;
	unsigned seen; /* bit per attribute below */
};

enum {
	A_NAME = 1,
	A_TESTS = 2,
	A_FAILURES = 4,
	A_ERRORS = 8,
	A_SKIPPED = 16,
	A_TIME = 32,
	A_COUNTS = 62
};

static int
whole(struct xcur *c, const char *v, size_t n, const char *an, size_t *out)
{
	size_t k, x = 0;

	for (k = 0; k < n; k++) {
		if (v[k] < '0' || v[k] > '9' || x > (SIZE_MAX - 9) / 10)
			return xfail(c, "%s=\"%.*s\": expected a whole number",
			    an, (int)(n < 40 ? n : 40), v);
		x = x * 10 + (size_t)(v[k] - '0');
	}
	if (n == 0)
		return xfail(c, "%s=\"\": expected a whole number", an);
	*out = x;
	return 0;
}

/* "12.345" seconds, as the report writes time="", to nanoseconds. */
static int
seconds(struct xcur *c, const char *v, size_t n, uint64_t *out)
{
	uint64_t s = 0, frac = 0, scale = NS_PER_S;
	size_t k = 0;

	for (; k < n && v[k] >= '0' && v[k] <= '9'; k++) {
		if (s > UINT64_MAX / 10 / NS_PER_S)
			goto bad;
		s = s * 10 + (uint64_t)(v[k] - '0');
	}
	if (k == 0)
		goto bad;
	if (k < n && v[k] == '.')
		for (k++; k < n && v[k] >= '0' && v[k] <= '9'; k++)
			if (scale >= 10) {
				scale /= 10;
				frac += (uint64_t)(v[k] - '0') * scale;
			}
	if (k != n)
		goto bad;
	*out = s * NS_PER_S + frac;
	return 0;
bad:
	return xfail(c, "time=\"%.*s\": expected seconds such as 1.234",
	    (int)(n < 40 ? n : 40), v);
}

static int
keep_attr(struct xcur *c, struct attrs *a, const char *an, const char *v,
    size_t n)
{
	if (strcmp(an, "name") == 0) {
		a->seen |= A_NAME;
		if (n >= sizeof(a->name))
			return xfail(c, "a name longer than %zu bytes",
			    sizeof(a->name) - 1);
		memcpy(a->name, v, n);
		a->name[n] = '\0';
		return 0;
	}
	if (strcmp(an, "time") == 0)
		return a->seen |= A_TIME, seconds(c, v, n, &a->time_ns);
	if (strcmp(an, "tests") == 0)
		return a->seen |= A_TESTS, whole(c, v, n, an, &a->tests);
	if (strcmp(an, "failures") == 0)
		return a->seen |= A_FAILURES, whole(c, v, n, an, &a->failures);
	if (strcmp(an, "errors") == 0)
		return a->seen |= A_ERRORS, whole(c, v, n, an, &a->errors);
	if (strcmp(an, "skipped") == 0)
		return a->seen |= A_SKIPPED, whole(c, v, n, an, &a->skipped);
	return 0;
}

/*
 * The attributes of a start tag, and its end: '>' (*empty false) or
 * '/>' (*empty true). a may be NULL: checked, not kept.
 */
static int
attributes(struct xcur *c, struct attrs *a, bool *empty)
{
	char an[XNAME_MAX];
	size_t vstart, at_attr;
	char q;

	for (;;) {
		at_attr = c->i;
		ws(c);
		if (at(c, "/>") || at(c, ">")) {
			*empty = c->s[c->i] == '/';
			c->i += *empty ? 2 : 1;
			return 0;
		}
		if (c->i == at_attr)
			return xfail(c, "expected a space, '>' or '/>'");
		if (xname(c, an, sizeof(an)) == -1)
			return -1;
		ws(c);
		if (c->i >= c->len || c->s[c->i] != '=')
			return xfail(c, "expected '=' after %s", an);
		c->i++;
		ws(c);
		if (c->i >= c->len || (c->s[c->i] != '"' && c->s[c->i] != '\''))
			return xfail(c, "expected the value of %s in quotes",
			    an);
		q = c->s[c->i++];
		for (vstart = c->i; c->i < c->len && c->s[c->i] != q;)
			if (c->s[c->i] == '<')
				return xfail(c, "'<' in an attribute value");
			else if (c->s[c->i] == '&') {
				if (reference(c) == -1)
					return -1;
			} else
				c->i++;
		if (c->i >= c->len)
			return xfail(c, "the value of %s is not closed", an);
		if (a != NULL) {
			/* an error about the value points at it */
			at_attr = c->i;
			c->i = vstart;
			if (keep_attr(c, a, an, c->s + vstart,
				at_attr - vstart) == -1)
				return -1;
			c->i = at_attr;
		}
		c->i++;
	}
}

static int element(struct xcur *c, unsigned depth, struct attrs *a, char *tag,
    size_t tagcap);

/* Comments, processing instructions, CDATA: 1 if one was skipped. */
static int
skip_special(struct xcur *c, bool cdata_ok)
{
	if (at(c, "<!--"))
		return skip_past(c, "-->", "a comment") == -1 ? -1 : 1;
	if (at(c, "<?"))
		return skip_past(c, "?>", "a processing instruction") == -1 ? -1
									    : 1;
	if (cdata_ok && at(c, "<![CDATA["))
		return skip_past(c, "]]>", "a CDATA section") == -1 ? -1 : 1;
	if (at(c, "<!"))
		return xfail(c, "a declaration (<!...>): the report has none");
	return 0;
}

/* After the start tag of tag: content, then its end tag. */
static int
content(struct xcur *c, unsigned depth, const char *tag)
{
	char child[XNAME_MAX], end[XNAME_MAX];
	size_t at_end;
	int k;

	for (;;) {
		if (c->i >= c->len)
			return xfail(c, "the document ends inside <%s>", tag);
		if (at(c, "</")) {
			at_end = c->i;
			c->i += 2;
			if (xname(c, end, sizeof(end)) == -1)
				return -1;
			if (strcmp(end, tag) != 0)
				return c->i = at_end,
				       xfail(c, "</%s> closes <%s>", end, tag);
			ws(c);
			if (c->i >= c->len || c->s[c->i] != '>')
				return xfail(c, "expected '>' to end </%s",
				    end);
			c->i++;
			return 0;
		}
		if ((k = skip_special(c, true)) != 0) {
			if (k == -1)
				return -1;
		} else if (c->s[c->i] == '<') {
			if (element(c, depth + 1, NULL, child, sizeof(child)) ==
			    -1)
				return -1;
		} else if (c->s[c->i] == '&') {
			if (reference(c) == -1)
				return -1;
		} else
			c->i++;
	}
}

/* An element at c->i ('<'): its name into tag, attributes into a. */
static int
element(struct xcur *c, unsigned depth, struct attrs *a, char *tag,
    size_t tagcap)
{
	bool empty = false;

	if (depth > DEPTH_MAX)
		return xfail(c, "elements nested more than %d deep", DEPTH_MAX);
	c->i++;
	if (xname(c, tag, tagcap) == -1 || attributes(c, a, &empty) == -1)
		return -1;
	return empty ? 0 : content(c, depth, tag);
}

/* Whitespace, comments and processing instructions. */
static int
misc(struct xcur *c)
{
	int k;

	for (;;) {
		ws(c);
		if ((k = skip_special(c, false)) <= 0)
			return k;
	}
}

static int
add_suite(struct xcur *c, struct rr_junit *j, size_t *cap,
    const struct rr_suite *s)
{
	struct rr_suite *v;

	if (j->n == *cap) {
		*cap = *cap ? 2 * *cap : 64;
		if ((v = realloc(j->suites, *cap * sizeof(*v))) == NULL)
			return xfail(c, "out of memory for %zu cases", j->n);
		j->suites = v;
	}
	j->suites[j->n++] = *s;
	return 0;
}

static int
need(struct xcur *c, const struct attrs *a, unsigned want, const char *tag)
{
	if ((a->seen & want) == want)
		return 0;
	return xfail(c,
	    "<%s> lacks %s: a lingerlab run --format junit report has it", tag,
	    !(a->seen & A_NAME) && (want & A_NAME) ? "name"
		: !(a->seen & A_TESTS)		   ? "tests"
		: !(a->seen & A_FAILURES)	   ? "failures"
		: !(a->seen & A_ERRORS)		   ? "errors"
		: !(a->seen & A_SKIPPED)	   ? "skipped"
						   : "time");
}

/* One <testsuite> at c->i. */
static int
suite(struct xcur *c, struct rr_junit *j, size_t *cap)
{
	struct rr_suite s = { .start = c->i };
	struct attrs a = { .seen = 0 };
	char tag[XNAME_MAX];
	size_t bol;

	s.line = line_at(c, c->i, &bol);
	s.col = (uint32_t)(c->i - bol + 1);
	if (element(c, 1, &a, tag, sizeof(tag)) == -1)
		return -1;
	s.end = c->i;
	c->i = s.start; /* errors about the element point at its start */
	if (strcmp(tag, "testsuite") != 0)
		return xfail(c, "<%s> in <testsuites>: expected <testsuite>",
		    tag);
	if (need(c, &a, A_NAME | A_COUNTS, "testsuite") == -1)
		return -1;
	c->i = s.end;
	memcpy(s.name, a.name, sizeof(s.name));
	s.tests = a.tests;
	s.failures = a.failures;
	s.errors = a.errors;
	s.skipped = a.skipped;
	s.time_ns = a.time_ns;
	return add_suite(c, j, cap, &s);
}

/* <testsuites ...>, its testsuites, </testsuites>. */
static int
root(struct xcur *c, struct rr_junit *j)
{
	struct attrs a = { .seen = 0 };
	char tag[XNAME_MAX];
	size_t cap = 0, at_root = c->i, after, bol;
	bool empty = false;

	c->i++;
	if (xname(c, tag, sizeof(tag)) == -1)
		return -1;
	if (strcmp(tag, "testsuites") != 0)
		return c->i = at_root,
		       xfail(c,
			   "the root is <%s>: expected "
			   "<testsuites>, as lingerlab "
			   "run --format junit writes",
			   tag);
	if (attributes(c, &a, &empty) == -1)
		return -1;
	after = c->i;
	c->i = at_root; /* an error about it points at its start */
	j->line = line_at(c, at_root, &bol);
	j->col = (uint32_t)(at_root - bol + 1);
	if (need(c, &a, A_COUNTS, "testsuites") == -1)
		return -1;
	c->i = after;
	j->tests = a.tests;
	j->failures = a.failures;
	j->errors = a.errors;
	j->skipped = a.skipped;
	j->time_ns = a.time_ns;
	if (empty)
		return 0;
	for (;;) {
		if (misc(c) == -1)
			return -1;
		if (c->i >= c->len)
			return xfail(c,
			    "the document ends inside <testsuites>");
		if (at(c, "</"))
			return content(c, 1, "testsuites");
		if (c->s[c->i] != '<')
			return xfail(c,
			    "text in <testsuites>: expected "
			    "<testsuite>");
		if (suite(c, j, &cap) == -1)
			return -1;
	}
}

int
rr_junit_read(const char *s, size_t len, struct rr_junit *out,
    struct rr_error *err)
{
	struct xcur c = { s, len, 0, err };

	memset(out, 0, sizeof(*out));
	if (at(&c, "\xef\xbb\xbf"))
		c.i += 3; /* a byte order mark */
	if (memchr(s, '\0', len) != NULL) {
		c.i = (size_t)((const char *)memchr(s, '\0', len) - s);
		(void)xfail(&c, "a NUL byte: not an XML document");
		return -1;
	}
	if (misc(&c) == -1)
		goto bad;
	if (c.i >= len || s[c.i] != '<') {
		(void)xfail(&c,
		    c.i >= len ? "an empty document: expected "
				 "<testsuites>"
			       : "expected <testsuites>");
		goto bad;
	}
	if (root(&c, out) == -1 || misc(&c) == -1)
		goto bad;
	if (c.i < len) {
		(void)xfail(&c, "more after </testsuites>");
		goto bad;
	}
	return 0;
bad:
	rr_junit_free(out);
	return -1;
}

void
rr_junit_free(struct rr_junit *j)
{
	free(j->suites);
	j->suites = NULL;
	j->n = 0;
}

size_t
rr_case_file_len(const char *name)
{
	const char *p = strstr(name, ".scn[");

	return p != NULL ? (size_t)(p - name) + 4 : strlen(name);
}
