/*
 * control_out.c - the reply buffer of the control protocol, and the small
 * formatting helpers every reply uses.
 *
 * The buffer grows on demand but refuses data lines past its limit, so a
 * "list" over a full connection table cannot make the peer allocate without
 * bound; the status line is exempt so that every reply still ends with one.
 */
#include "control_exec.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control_int.h"
#include "timeunit.h"

void
control_out_init(struct control_out *o, size_t limit)
{
	memset(o, 0, sizeof(*o));
	o->limit = limit;
}

void
control_out_free(struct control_out *o)
{
	free(o->buf);
	memset(o, 0, sizeof(*o));
}

void
control_out_reset(struct control_out *o)
{
	o->len = 0;
	o->refused = 0;
	o->failed = false;
}

static int
reserve(struct control_out *o, size_t more)
{
	size_t ncap;
	char *nbuf;

	if (more > SIZE_MAX / 2 - o->len) {
		o->failed = true;
		return -1;
	}
	if (o->len + more <= o->cap)
		return 0;
	for (ncap = o->cap ? o->cap : 1024; ncap < o->len + more; ncap *= 2)
		;
	if ((nbuf = realloc(o->buf, ncap)) == NULL) {
		o->failed = true;
		return -1;
	}
	o->buf = nbuf;
	o->cap = ncap;
	return 0;
}

int
control_out_append(struct control_out *o, const char *data, size_t len)
{
	if (reserve(o, len) < 0)
		return -1;
	memcpy(o->buf + o->len, data, len);
	o->len += len;
	return 0;
}

void
control_out_consume(struct control_out *o, size_t n)
{
	if (n >= o->len) {
		o->len = 0;
		return;
	}
	memmove(o->buf, o->buf + n, o->len - n);
	o->len -= n;
}

int
control_out_data(struct control_out *o, const char *fmt, ...)
{
	va_list ap, ap2;
	int n;

	va_start(ap, fmt);
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || o->len + (size_t)n + 1 > o->limit ||
	    reserve(o, (size_t)n + 2) < 0) {
		va_end(ap2);
		o->refused++;
		return -1;
	}
	vsnprintf(o->buf + o->len, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	o->len += (size_t)n;
	o->buf[o->len++] = '\n';
	return 0;
}

void
control_out_status(struct control_out *o, const char *fmt, ...)
{
	char line[CONTROL_STATUS_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = snprintf(line, sizeof(line),
		    "err failed: reply could not be formatted");
	if ((size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	control_out_append(o, line, (size_t)n);
}

void
control_reply_error(struct control_out *out, const struct control_error *err)
{
	control_out_status(out, "err %s: %s",
	    err->code ? err->code : CONTROL_E_FAILED, err->msg);
}

/* Seconds with millisecond precision: "1.234s". */
const char *
control_secs_str(uint64_t ns, char buf[32])
{
	snprintf(buf, 32, "%" PRIu64 ".%03" PRIu64 "s", ns / NS_PER_S,
	    ns % NS_PER_S / NS_PER_MS);
	return buf;
}
