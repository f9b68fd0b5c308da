/*
 * report_read_json.c - a line of a JSON report read back (report_read.h).
 *
 * A whole JSON parser, small and strict (RFC 8259), that keeps only what
 * merging needs: the top-level "case", "file", "aborted" and "counts".
 * Nesting is bounded, so no input can exhaust the stack.
 */
#include "hexdigit.h"
#include "report_read.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define DEPTH_MAX 64

struct jcur {
	const char *s;
	size_t len, i;
	unsigned depth;
	struct rr_error *err;
};

static int jfail(struct jcur *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
jfail(struct jcur *c, const char *fmt, ...)
{
	va_list ap;

	c->err->col = (uint32_t)(c->i + 1);
	va_start(ap, fmt);
	vsnprintf(c->err->msg, sizeof(c->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static int value(struct jcur *c);

static void
ws(struct jcur *c)
{
	while (c->i < c->len &&
	    (c->s[c->i] == ' ' || c->s[c->i] == '\t' || c->s[c->i] == '\r' ||
		c->s[c->i] == '\n'))
		c->i++;
}

/* \uXXXX at c->i (after the backslash and u): its code unit. */
static int
hex4(struct jcur *c, unsigned *u)
{
	int k, h;

	*u = 0;
	for (k = 0; k < 4; k++) {
		if (c->i >= c->len || (h = hex_digit(c->s[c->i])) < 0)
			return jfail(c, "expected 4 hex digits after \\u");
		*u = *u * 16 + (unsigned)h;
		c->i++;
	}
	return 0;
}

/* Append one byte to out (of cap, kept NUL-terminated; cut when full). */
static void
put(char *out, size_t cap, size_t *n, unsigned char ch)
{
	if (out == NULL || *n + 1 >= cap)
		return;
	out[(*n)++] = (char)ch;
	out[*n] = '\0';
}

static void
put_utf8(char *out, size_t cap, size_t *n, unsigned cp)
{
	if (cp < 0x80)
		put(out, cap, n, (unsigned char)cp);
	else if (cp < 0x800) {
		put(out, cap, n, (unsigned char)(0xc0 | cp >> 6));
		put(out, cap, n, (unsigned char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		put(out, cap, n, (unsigned char)(0xe0 | cp >> 12));
		put(out, cap, n, (unsigned char)(0x80 | ((cp >> 6) & 0x3f)));
		put(out, cap, n, (unsigned char)(0x80 | (cp & 0x3f)));
	} else {
		put(out, cap, n, (unsigned char)(0xf0 | cp >> 18));
		put(out, cap, n, (unsigned char)(0x80 | ((cp >> 12) & 0x3f)));
		put(out, cap, n, (unsigned char)(0x80 | ((cp >> 6) & 0x3f)));
		put(out, cap, n, (unsigned char)(0x80 | (cp & 0x3f)));
	}
}

/* \u escape(s), a surrogate pair as one code point. */
static int
unicode_escape(struct jcur *c, char *out, size_t cap, size_t *n)
{
	unsigned hi, lo;

	if (hex4(c, &hi) == -1)
		return -1;
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return jfail(c, "a lone low surrogate \\u%04X", hi);
	if (hi < 0xd800 || hi > 0xdbff) {
		put_utf8(out, cap, n, hi);
		return 0;
	}
	if (c->i + 2 > c->len || c->s[c->i] != '\\' || c->s[c->i + 1] != 'u')
		return jfail(c, "a high surrogate \\u%04X without its low half",
		    hi);
	c->i += 2;
	if (hex4(c, &lo) == -1)
		return -1;
	if (lo < 0xdc00 || lo > 0xdfff)
		return jfail(c,
		    "\\u%04X does not complete the surrogate \\u%04X", lo, hi);
	put_utf8(out, cap, n, 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00));
	return 0;
}

static int
escape(struct jcur *c, char *out, size_t cap, size_t *n)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *p;

	if (c->i >= c->len)
		return jfail(c, "the line ends inside a string");
	if (c->s[c->i] == 'u') {
		c->i++;
		return unicode_escape(c, out, cap, n);
	}
	if ((p = memchr(from, c->s[c->i], sizeof(from) - 1)) == NULL) {
		c->i--; /* at the backslash */
		return jfail(c, "'\\%c' is no JSON escape", c->s[c->i + 1]);
	}
	put(out, cap, n, (unsigned char)to[p - from]);
	c->i++;
	return 0;
}

/* A string at c->i ('"'), unescaped into out (may be NULL). */
static int
string(struct jcur *c, char *out, size_t cap)
{
	unsigned char ch;
	size_t n = 0;

	if (out != NULL && cap > 0)
		out[0] = '\0';
	c->i++;
	for (;;) {
		if (c->i >= c->len)
			return jfail(c, "the line ends inside a string");
		ch = (unsigned char)c->s[c->i];
		if (ch == '"') {
			c->i++;
			return 0;
		}
		if (ch < 0x20)
			return jfail(c, "control character 0x%02x in a string",
			    ch);
		c->i++;
		if (ch != '\\')
			put(out, cap, &n, ch);
		else if (escape(c, out, cap, &n) == -1)
			return -1;
	}
}

static bool
digit_at(const struct jcur *c)
{
	return c->i < c->len && c->s[c->i] >= '0' && c->s[c->i] <= '9';
}

/* A number; *count gets it when it is a whole number >= 0 that fits. */
static int
number(struct jcur *c, size_t *count, bool *whole)
{
	size_t v = 0;
	bool fits = true, neg = false;

	*whole = false;
	if (c->s[c->i] == '-') {
		neg = true;
		c->i++;
	}
	if (!digit_at(c))
		return jfail(c, "expected a digit");
	if (c->s[c->i] == '0')
		c->i++;
	else
		for (; digit_at(c); c->i++) {
			if (v > (SIZE_MAX - 9) / 10)
				fits = false;
			v = v * 10 + (size_t)(c->s[c->i] - '0');
		}
	*whole = !neg && fits;
	if (c->i < c->len && c->s[c->i] == '.') {
		c->i++;
		*whole = false;
		if (!digit_at(c))
			return jfail(c, "expected a digit after '.'");
		while (digit_at(c))
			c->i++;
	}
	if (c->i < c->len && (c->s[c->i] == 'e' || c->s[c->i] == 'E')) {
		c->i++;
		*whole = false;
		if (c->i < c->len && (c->s[c->i] == '+' || c->s[c->i] == '-'))
			c->i++;
		if (!digit_at(c))
			return jfail(c, "expected a digit in the exponent");
		while (digit_at(c))
			c->i++;
	}
	if (count != NULL)
		*count = v;
	return 0;
}

static int
literal(struct jcur *c, const char *word)
{
	size_t n = strlen(word);

	if (c->len - c->i < n || memcmp(c->s + c->i, word, n) != 0)
		return jfail(c, "expected a JSON value");
	c->i += n;
	return 0;
}

/*
 * An object or array at c->i; on_member, for an object, is called after
 * each key with the cursor at its value, and must read the value.
 */
typedef int (*member_fn)(struct jcur *c, const char *key, void *arg);

static int
members(struct jcur *c, bool object, member_fn on_member, void *arg)
{
	char key[64];
	char close = object ? '}' : ']';

	if (++c->depth > DEPTH_MAX)
		return jfail(c, "nested more than %d deep", DEPTH_MAX);
	c->i++;
	ws(c);
	if (c->i < c->len && c->s[c->i] == close) {
		c->i++;
		c->depth--;
		return 0;
	}
	for (;;) {
		if (object) {
			if (c->i >= c->len || c->s[c->i] != '"')
				return jfail(c, "expected a key in quotes");
			if (string(c, key, sizeof(key)) == -1)
				return -1;
			ws(c);
			if (c->i >= c->len || c->s[c->i] != ':')
				return jfail(c, "expected ':' after the key");
			c->i++;
			ws(c);
		}
		if ((object && on_member != NULL ? on_member(c, key, arg)
						 : value(c)) == -1)
			return -1;
		ws(c);
		if (c->i < c->len && c->s[c->i] == ',') {
			c->i++;
			ws(c);
			continue;
		}
		if (c->i < c->len && c->s[c->i] == close) {
			c->i++;
			c->depth--;
			return 0;
		}
		return jfail(c, "expected ',' or '%c'", close);
	}
}

static int
value(struct jcur *c)
{
	bool whole;

	if (c->i >= c->len)
		return jfail(c,
		    "expected a JSON value, got the end of the line");
	switch (c->s[c->i]) {
	case '{': return members(c, true, NULL, NULL);
	case '[': return members(c, false, NULL, NULL);
	case '"': return string(c, NULL, 0);
	case 't': return literal(c, "true");
	case 'f': return literal(c, "false");
	case 'n': return literal(c, "null");
	default: return number(c, NULL, &whole);
	}
}

struct seen {
	struct rr_json_case *out;
	bool name, file, counts, aborted;
	unsigned nkinds;
};

/* A member of "counts": a verdict's id and a whole number. */
static int
count_member(struct jcur *c, const char *key, void *arg)
{
	struct seen *sn = arg;
	size_t at = c->i, v;
	enum verdict_kind k;
	bool whole;

	for (k = VERDICT_PASS; k < VERDICT_KIND_COUNT; k++)
		if (strcmp(key, verdict_kind_id(k)) == 0)
			break;
	if (k == VERDICT_KIND_COUNT)
		return value(c);
	if (c->i >= c->len || (c->s[c->i] != '-' && !digit_at(c)))
		return jfail(c, "\"counts\": \"%s\" must be a whole number",
		    key);
	if (number(c, &v, &whole) == -1)
		return -1;
	if (!whole) {
		c->i = at;
		return jfail(c, "\"counts\": \"%s\" must be a whole number",
		    key);
	}
	sn->out->counts[k] = v;
	sn->nkinds |= 1u << k;
	return 0;
}

static int
top_string(struct jcur *c, const char *key, char *out, size_t cap)
{
	if (c->i >= c->len)
		return jfail(c, "the line ends after \"%s\":", key);
	if (c->s[c->i] != '"')
		return jfail(c, "\"%s\" must be a string", key);
	return string(c, out, cap);
}

/* A top-level member: the ones merging needs, checked; others skipped. */
static int
top_member(struct jcur *c, const char *key, void *arg)
{
	struct seen *sn = arg;

	if (strcmp(key, "case") == 0) {
		sn->name = true;
		return top_string(c, key, sn->out->name, sizeof(sn->out->name));
	}
	if (strcmp(key, "file") == 0) {
		sn->file = true;
		return top_string(c, key, sn->out->file, sizeof(sn->out->file));
	}
	if (strcmp(key, "aborted") == 0) {
		sn->aborted = true;
		sn->out->aborted = c->i < c->len && c->s[c->i] == 't';
		if (c->i >= c->len || (c->s[c->i] != 't' && c->s[c->i] != 'f'))
			return jfail(c, "\"aborted\" must be true or false");
		return value(c);
	}
	if (strcmp(key, "counts") == 0) {
		sn->counts = true;
		if (c->i >= c->len || c->s[c->i] != '{')
			return jfail(c, "\"counts\" must be an object");
		return members(c, true, count_member, sn);
	}
	return value(c);
}

int
rr_json_line(const char *s, size_t len, struct rr_json_case *out,
    struct rr_error *err)
{
	struct jcur c = { s, len, 0, 0, err };
	struct seen sn = { out, false, false, false, false, 0 };

	memset(out, 0, sizeof(*out));
	ws(&c);
	if (c.i >= c.len || s[c.i] != '{')
		return jfail(&c, "expected a JSON object (one case per line)");
	if (members(&c, true, top_member, &sn) == -1)
		return -1;
	ws(&c);
	if (c.i < c.len)
		return jfail(&c, "more after the object: one case per line");
	c.i = 0;
	if (!sn.name || out->name[0] == '\0')
		return jfail(&c,
		    "no \"case\": not a lingerlab run report line");
	if (!sn.file || !sn.counts)
		return jfail(&c, "no \"%s\": not a lingerlab run report line",
		    sn.file ? "counts" : "file");
	if (sn.nkinds != (1u << VERDICT_KIND_COUNT) - 1)
		return jfail(&c,
		    "\"counts\" lacks a verdict (pass, fail, "
		    "not-applicable, not-reached and error)");
	return 0;
}
