/*
 * observe_rec.c - the shim's records, one text line each: "key=value"
 * words separated by spaces, values decimal (call's a name). See
 * client/observe/shim/lingerlab_shim.c for the writer.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hexdigit.h"
#include "observe_prog.h"

static const char *const call_names[] = {
	[OB_HELLO] = "hello",
	[OB_SOCKET] = "socket",
	[OB_CONNECT] = "connect",
	[OB_ACCEPT] = "accept",
	[OB_SETSOCKOPT] = "setsockopt",
	[OB_SHUTDOWN] = "shutdown",
	[OB_CLOSE] = "close",
	[OB_DUP] = "dup",
	[OB_EXIT] = "exit",
	[OB_OPEN_AT_EXIT] = "open-at-exit",
	[OB_CALL_OTHER] = "other",
};

const char *
ob_call_name(enum ob_call c)
{
	return (unsigned)c <= OB_CALL_OTHER ? call_names[c] : "?";
}

static enum ob_call
call_of(const char *s, size_t n)
{
	unsigned i;

	for (i = 0; i < OB_CALL_OTHER; i++)
		if (strlen(call_names[i]) == n &&
		    memcmp(call_names[i], s, n) == 0)
			return (enum ob_call)i;
	return OB_CALL_OTHER;
}

/* A signed decimal of exactly n bytes. */
static int
num(const char *s, size_t n, int64_t *v)
{
	char buf[24], *end;
	long long x;

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	errno = 0;
	x = strtoll(buf, &end, 10);
	if (*end != '\0' || errno != 0 ||
	    (buf[0] != '-' && (buf[0] < '0' || buf[0] > '9')))
		return -1;
	*v = x;
	return 0;
}

/* Store a numeric field; 1 if key is one, 0 if not. */
static int
field(struct ob_rec *r, const char *k, size_t kn, int64_t v)
{
	static const struct {
		const char *k;
		size_t off;
	} i32[] = {
		{ "pid", offsetof(struct ob_rec, pid) },
		{ "tid", offsetof(struct ob_rec, tid) },
		{ "fd", offsetof(struct ob_rec, fd) },
		{ "err", offsetof(struct ob_rec, err) },
		{ "lport", offsetof(struct ob_rec, lport) },
		{ "rport", offsetof(struct ob_rec, rport) },
		{ "lon", offsetof(struct ob_rec, lon) },
		{ "lsec", offsetof(struct ob_rec, lsec) },
		{ "nb", offsetof(struct ob_rec, nb) },
		{ "st", offsetof(struct ob_rec, st) },
		{ "how", offsetof(struct ob_rec, how) },
		{ "level", offsetof(struct ob_rec, level) },
		{ "opt", offsetof(struct ob_rec, opt) },
		{ "ppid", offsetof(struct ob_rec, ppid) },
		{ "fam", offsetof(struct ob_rec, fam) },
	};
	size_t i;
	int32_t x;

	if (kn == 2 && memcmp(k, "t0", 2) == 0)
		r->t0 = v < 0 ? 0 : (uint64_t)v;
	else if (kn == 2 && memcmp(k, "t1", 2) == 0)
		r->t1 = v < 0 ? 0 : (uint64_t)v;
	else if (kn == 3 && memcmp(k, "ret", 3) == 0)
		r->ret = v;
	else if (kn == 3 && memcmp(k, "val", 3) == 0)
		r->val = v;
	else if (kn == 3 && memcmp(k, "fds", 3) == 0)
		r->fds = v;
	else if (kn == 3 && memcmp(k, "thr", 3) == 0)
		r->threads = v;
	else if (kn == 3 && memcmp(k, "rss", 3) == 0)
		r->rss_kib = v;
	else {
		for (i = 0; i < sizeof(i32) / sizeof(i32[0]); i++)
			if (strlen(i32[i].k) == kn &&
			    memcmp(i32[i].k, k, kn) == 0)
				break;
		if (i == sizeof(i32) / sizeof(i32[0]))
			return 0;
		if (v < INT32_MIN || v > INT32_MAX)
			return -1;
		x = (int32_t)v;
		memcpy((char *)r + i32[i].off, &x, sizeof(x));
	}
	return 1;
}

/* Whether key is one we read: a key we do not know may hold anything. */
static bool
known(const char *k, size_t kn)
{
	struct ob_rec scratch;

	return field(&scratch, k, kn, 0) == 1;
}

/*
 * An address as the shim writes it: its bytes in hex, 8 digits for IPv4,
 * 32 for IPv6. An IPv4-mapped IPv6 address becomes the IPv4 address it
 * maps (*mapped set): that is what the wire carries. 0, or -1.
 */
static int
addr_hex(const char *s, size_t n, struct ip_addr *out, bool *mapped)
{
	static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0xff, 0xff };
	uint8_t b[16];
	size_t i;
	int hi, lo;

	if (n != 8 && n != 32)
		return -1;
	for (i = 0; i < n / 2; i++) {
		if ((hi = hex_digit(s[2 * i])) < 0 ||
		    (lo = hex_digit(s[2 * i + 1])) < 0)
			return -1;
		b[i] = (uint8_t)(hi << 4 | lo);
	}
	if (n == 32 && memcmp(b, v4mapped, sizeof(v4mapped)) == 0) {
		*mapped = true;
		n = 8;
		memmove(b, b + 12, 4);
	}
	if (n == 8)
		*out = ip_addr_v4((uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
		    (uint32_t)b[2] << 8 | b[3]);
	else
		*out = ip_addr_v6(b);
	return 0;
}

static void
rec_clear(struct ob_rec *r)
{
	memset(r, 0, sizeof(*r));
	r->call = OB_CALL_OTHER;
	r->pid = r->tid = r->fd = -1;
	r->lport = r->rport = r->lon = r->lsec = r->nb = r->st = -1;
	r->how = r->level = r->opt = r->ppid = -1;
	r->val = -1;
	r->fam = -1;
	r->laddr = r->raddr = ip_addr_none();
	r->fds = r->threads = r->rss_kib = -1;
}

int
ob_rec_parse(const char *line, size_t len, struct ob_rec *out, char *err,
    size_t errlen)
{
	const char *p = line, *end = line + len, *w, *eq;
	bool have_call = false;
	int64_t v;

	rec_clear(out);
	if (len > 0 && end[-1] == '\n')
		end--;
	while (p < end) {
		while (p < end && *p == ' ')
			p++;
		if (p == end)
			break;
		for (w = p; w < end && *w != ' '; w++)
			;
		eq = memchr(p, '=', (size_t)(w - p));
		if (eq == NULL || eq == p) {
			snprintf(err, errlen,
			    "column %zu: expected key=value, "
			    "found '%.*s'",
			    (size_t)(p - line) + 1,
			    (int)(w - p > 40 ? 40 : w - p), p);
			return -1;
		}
		if (eq - p == 4 && memcmp(p, "call", 4) == 0) {
			out->call = call_of(eq + 1, (size_t)(w - eq - 1));
			have_call = true;
		} else if (eq - p == 2 && (p[0] == 'l' || p[0] == 'r') &&
		    p[1] == 'a') {
			if (addr_hex(eq + 1, (size_t)(w - eq - 1),
				p[0] == 'l' ? &out->laddr : &out->raddr,
				&out->mapped) == -1) {
				snprintf(err, errlen,
				    "column %zu: '%.*s' is not an "
				    "address (8 or 32 hex digits)",
				    (size_t)(eq - line) + 2,
				    (int)(w - eq - 1 > 40 ? 40 : w - eq - 1),
				    eq + 1);
				return -1;
			}
		} else if ((num(eq + 1, (size_t)(w - eq - 1), &v) == -1
				   ? known(p, (size_t)(eq - p))
				   : field(out, p, (size_t)(eq - p), v) ==
				       -1)) {
			snprintf(err, errlen,
			    "column %zu: '%.*s' is not a "
			    "number in range",
			    (size_t)(eq - line) + 2,
			    (int)(w - eq - 1 > 30 ? 30 : w - eq - 1), eq + 1);
			return -1;
		}
		p = w;
	}
	if (!have_call || out->pid < 0) {
		snprintf(err, errlen, "the record has no %s",
		    have_call ? "pid" : "call");
		return -1;
	}
	return 0;
}
