/*
 * control_events.c - lingerpeer's event lines and clock read back
 * (control_events.h). The lines come over a network from a program that
 * may be of another release, or not lingerpeer at all: every number is
 * checked for its range, and a line that does not read is refused whole.
 */
#include "control_events.h"

#include <string.h>

#include "control_client.h"
#include "timeunit.h"

#define WORD_MAX 64

/*
 * Decimal digits only, at most max, without leading zeros unless digits
 * says so (a fraction's): lingerpeer writes none, so one means the line is
 * not lingerpeer's. 0 or -1.
 */
static int
parse_digits(const char *s, uint64_t max, bool digits, uint64_t *out)
{
	uint64_t v = 0;

	if (*s == '\0' || (!digits && s[0] == '0' && s[1] != '\0'))
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

static int
parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	return parse_digits(s, max, false, out);
}

/* The value of key= in line as a number up to max. 0 or -1. */
static int
field(const char *line, const char *key, uint64_t max, uint64_t *out)
{
	char buf[WORD_MAX];

	if (control_field(line, key, buf, sizeof(buf)) <= 0)
		return -1;
	return parse_u64(buf, max, out);
}

int
control_secs_parse(const char *text, uint64_t *ns)
{
	const char *dot = strchr(text, '.');
	char whole[24], frac[10] = "000000000";
	uint64_t s, f;
	size_t wl, fl;

	wl = dot != NULL ? (size_t)(dot - text) : strlen(text);
	fl = dot != NULL ? strlen(dot + 1) : 0;
	if (wl == 0 || wl >= sizeof(whole) ||
	    (dot != NULL && (fl == 0 || fl > 9)))
		return -1;
	memcpy(whole, text, wl);
	whole[wl] = '\0';
	if (dot != NULL)
		memcpy(frac, dot + 1, fl); /* the rest stays zeros */
	if (parse_u64(whole, UINT64_MAX / NS_PER_S - 1, &s) == -1 ||
	    parse_digits(frac, NS_PER_S - 1, true, &f) == -1)
		return -1;
	*ns = s * NS_PER_S + f;
	return 0;
}

/* tcpdump's letters as common/segment.c writes them, or "none". */
static int
parse_flags(const char *w, size_t len, uint8_t *flags)
{
	static const char letters[] = "FSRP.UEW";
	const char *p;
	size_t i;

	*flags = 0;
	if (len == 4 && strncmp(w, "none", 4) == 0)
		return 0;
	if (len == 0 || len > 8)
		return -1;
	for (i = 0; i < len; i++) {
		if ((p = memchr(letters, w[i], sizeof(letters) - 1)) == NULL ||
		    (*flags & (1u << (p - letters))) != 0)
			return -1;
		*flags |= (uint8_t)(1u << (p - letters));
	}
	return 0;
}

/* The n-th space-separated word of line (from 0): its start and length. */
static const char *
word(const char *line, size_t n, size_t *len)
{
	const char *p = line;

	for (;;) {
		while (*p == ' ')
			p++;
		*len = strcspn(p, " ");
		if (*len == 0)
			return NULL;
		if (n-- == 0)
			return p;
		p += *len;
	}
}

int
control_event_segment(const char *line, struct control_seg_event *ev)
{
	uint64_t v[6];
	char t[WORD_MAX];
	const char *w;
	size_t len;

	memset(ev, 0, sizeof(*ev));
	/* lingerpeer writes "event ..." from the line's first byte */
	if (line[0] != 'e' || (w = word(line, 0, &len)) == NULL || len != 5 ||
	    strncmp(w, "event", 5) != 0 ||
	    field(line, "n", UINT64_MAX, &ev->n) == -1 ||
	    field(line, "conn", UINT32_MAX, &v[0]) == -1)
		return -1;
	ev->conn = (uint32_t)v[0];
	if ((w = word(line, 4, &len)) == NULL)
		return -1;
	if (!((len == 2 && strncmp(w, "in", 2) == 0) ||
		(len == 3 && strncmp(w, "out", 3) == 0))) {
		/* state, behaviour, command: only `connect` matters here */
		ev->opens = len == 7 && strncmp(w, "command", 7) == 0 &&
		    (w = word(line, 5, &len)) != NULL && len == 7 &&
		    strncmp(w, "connect", 7) == 0;
		return 0;
	}
	ev->in = len == 2;
	ev->opens = ev->in && control_field(line, "class", t, sizeof(t)) == 3 &&
	    strcmp(t, "syn") == 0;
	if (control_field(line, "t", t, sizeof(t)) <= 0 ||
	    control_secs_parse(t, &ev->t_ns) == -1 ||
	    (w = word(line, 5, &len)) == NULL ||
	    parse_flags(w, len, &ev->flags) == -1 ||
	    field(line, "seq", UINT32_MAX, &v[1]) == -1 ||
	    field(line, "ack", UINT32_MAX, &v[2]) == -1 ||
	    field(line, "win", UINT16_MAX, &v[3]) == -1 ||
	    field(line, "len", UINT32_MAX, &v[4]) == -1)
		return -1;
	ev->seq = (uint32_t)v[1];
	ev->ack = (uint32_t)v[2];
	ev->win = (uint16_t)v[3];
	ev->len = (uint32_t)v[4];
	return 1;
}

int
control_events_status(const char *status, uint64_t *lost, bool *more,
    uint64_t *next)
{
	const char *w, *p;
	uint64_t n;
	size_t len;
	char num[WORD_MAX];

	*lost = 0;
	*more = false;
	*next = 0;
	if ((w = word(status, 0, &len)) == NULL || len != 2 ||
	    strncmp(w, "ok", 2) != 0 || (w = word(status, 2, &len)) == NULL ||
	    strncmp(w, "events", 6) != 0)
		return -1;
	/* ", N lost" */
	if ((p = strstr(status, " lost")) != NULL) {
		for (w = p; w > status && w[-1] != ' '; w--)
			;
		len = (size_t)(p - w);
		if (len == 0 || len >= sizeof(num))
			return -1;
		memcpy(num, w, len);
		num[len] = '\0';
		if (parse_u64(num, UINT64_MAX, &n) == -1)
			return -1;
		*lost = n;
	}
	if (strstr(status, "more ") != NULL) {
		if (field(status, "since", UINT64_MAX, next) == -1)
			return -1;
		*more = true;
	}
	return 0;
}

int
control_clock_parse(const char *status, uint64_t *now_ns)
{
	char t[WORD_MAX];

	if (strncmp(status, "ok ", 3) != 0 ||
	    control_field(status, "now", t, sizeof(t)) <= 0)
		return -1;
	return control_secs_parse(t, now_ns);
}
