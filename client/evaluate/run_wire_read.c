/*
 * run_wire_read.c - a case_obs rebuilt from its text records (see
 * run_wire.h): the parent's side. Every record is read word by word and
 * checked; nothing the worker wrote is trusted beyond what it says.
 */
#include "hexdigit.h"
#include "run_wire.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WORDS 16

/* Undo esc() into out (len bytes). -1 on a bad escape or no room. */
static int
unesc(const char *s, char *out, size_t len)
{
	size_t o = 0;
	int h, l;

	if (strcmp(s, "-") == 0) {
		out[0] = '\0';
		return len > 0 ? 0 : -1;
	}
	for (; *s != '\0'; s++) {
		if (o + 1 >= len)
			return -1;
		if (*s != '%') {
			out[o++] = *s;
			continue;
		}
		if ((h = hex_digit(s[1])) < 0 || (l = hex_digit(s[2])) < 0 ||
		    (h == 0 && l == 0))
			return -1;
		out[o++] = (char)(h << 4 | l);
		s += 2;
	}
	out[o] = '\0';
	return 0;
}

int
obs_parse_at(const char *line, size_t *step, uint64_t *t0, uint64_t *t)
{
	unsigned long long v[3];
	const char *p = line + 3;
	char *end;
	int k;

	if (strncmp(line, "at ", 3) != 0)
		return 0;
	for (k = 0; k < 3; k++) {
		if (*p < '0' || *p > '9')
			return -1;
		errno = 0;
		v[k] = strtoull(p, &end, 10);
		if (errno != 0 || *end != (k < 2 ? ' ' : '\0'))
			return -1;
		p = end + 1;
	}
	if (v[0] > SIZE_MAX)
		return -1;
	*step = (size_t)v[0];
	*t0 = (uint64_t)v[1];
	*t = (uint64_t)v[2];
	return 1;
}

/* A record being read: its words, and the first word found wrong. */
struct rec {
	char *w[MAX_WORDS];
	size_t n;
	size_t bad; /* 0: none yet */
};

static int
split(char *line, struct rec *r)
{
	char *save = NULL, *t;

	memset(r, 0, sizeof(*r));
	for (t = strtok_r(line, " ", &save); t != NULL;
	     t = strtok_r(NULL, " ", &save)) {
		if (r->n == MAX_WORDS)
			return -1;
		r->w[r->n++] = t;
	}
	return r->n > 0 ? 0 : -1;
}

/* Word k as an unsigned number up to max; marks it bad otherwise. */
static uint64_t
get_u(struct rec *r, size_t k, uint64_t max)
{
	unsigned long long v;
	char *end;

	if (r->bad != 0)
		return 0;
	errno = 0;
	v = strtoull(r->w[k], &end, 10);
	if (r->w[k][0] < '0' || r->w[k][0] > '9' || *end != '\0' ||
	    errno != 0 || v > max) {
		r->bad = k;
		return 0;
	}
	return (uint64_t)v;
}

static int64_t
get_i(struct rec *r, size_t k)
{
	long long v;
	char *end;

	if (r->bad != 0)
		return 0;
	errno = 0;
	v = strtoll(r->w[k], &end, 10);
	if (r->w[k][0] == '\0' || *end != '\0' || errno != 0) {
		r->bad = k;
		return 0;
	}
	return (int64_t)v;
}

static bool
get_b(struct rec *r, size_t k)
{
	return get_u(r, k, 1) == 1;
}

static void
get_s(struct rec *r, size_t k, char *out, size_t len)
{
	if (r->bad == 0 && unesc(r->w[k], out, len) == -1)
		r->bad = k;
}

/* Word k as an address ("192.0.2.1", "2001:db8::1"; "-": none). */
static void
get_addr(struct rec *r, size_t k, struct ip_addr *out)
{
	*out = ip_addr_none();
	if (r->bad == 0 && strcmp(r->w[k], "-") != 0 &&
	    ip_addr_parse(r->w[k], out) == -1)
		r->bad = k;
}

static int
apply_head(struct case_obs *obs, struct rec *r)
{
	if (get_u(r, 1, 1000) != OBS_WIRE_VERSION && r->bad == 0)
		r->bad = 1;
	obs->os = (uint32_t)get_u(r, 2, UINT32_MAX);
	get_s(r, 3, obs->os_name, sizeof(obs->os_name));
	return 0;
}

static int
apply_sock(struct case_obs *obs, struct rec *r)
{
	size_t i = (size_t)get_u(r, 1, SCN_MAX_SOCKS - 1);
	struct obs_sock s;

	s.connected = get_b(r, 2);
	get_addr(r, 3, &s.laddr);
	s.lport = (uint16_t)get_u(r, 4, UINT16_MAX);
	get_addr(r, 5, &s.raddr);
	s.rport = (uint16_t)get_u(r, 6, UINT16_MAX);
	s.peer_conn_id = (uint32_t)get_u(r, 7, UINT32_MAX);
	if (r->bad == 0)
		obs->socks[i] = s;
	return 0;
}

static int
apply_call(struct case_obs *obs, struct rec *r)
{
	size_t n = obs->sc->nsteps;
	size_t i = (size_t)get_u(r, 1, n > 0 ? n - 1 : 0);
	struct obs_call c;

	if (n == 0 && r->bad == 0)
		r->bad = 1;
	c.ran = get_b(r, 2);
	c.ret = get_i(r, 3);
	c.err = (int)get_i(r, 4);
	get_s(r, 5, c.err_name, sizeof(c.err_name));
	c.t_start_ns = get_u(r, 6, UINT64_MAX);
	c.t_end_ns = get_u(r, 7, UINT64_MAX);
	c.bytes = get_u(r, 8, UINT64_MAX);
	get_s(r, 9, c.detail, sizeof(c.detail));
	c.cpu_wait_ns = get_u(r, 10, UINT64_MAX);
	if (r->bad == 0)
		obs->calls[i] = c;
	return 0;
}

static int
apply_point(struct case_obs *obs, struct rec *r)
{
	size_t n = obs->sc->nsteps, i, j;
	struct obs_point p;

	i = (size_t)get_u(r, 1, n > 0 ? n - 1 : 0);
	if (r->bad == 0 && (n == 0 || obs->sc->steps[i].nexpects == 0))
		r->bad = 1;
	j = r->bad == 0 ? (size_t)get_u(r, 2, obs->sc->steps[i].nexpects - 1)
			: 0;
	p.reached = get_b(r, 3);
	p.t_from_ns = get_u(r, 4, UINT64_MAX);
	p.t_ns = get_u(r, 5, UINT64_MAX);
	p.t_done_ns = get_u(r, 6, UINT64_MAX);
	get_s(r, 7, p.state, sizeof(p.state));
	p.peer_found = get_b(r, 8);
	get_s(r, 9, p.peer_value, sizeof(p.peer_value));
	if (r->bad == 0) {
		/* a repeat block's counts come in rep records: keep them */
		const struct obs_point *was = &obs->points[i][j];

		p.rep_checked = was->rep_checked;
		p.rep_passed = was->rep_passed;
		p.rep_first_fail = was->rep_first_fail;
		p.rep_call = was->rep_call;
		obs->points[i][j] = p;
	}
	return 0;
}

static int
apply_seg(struct case_obs *obs, struct rec *r)
{
	struct obs_segment s;

	s.t_ns = get_u(r, 1, UINT64_MAX);
	s.from_client = get_b(r, 2);
	s.sport = (uint16_t)get_u(r, 3, UINT16_MAX);
	s.dport = (uint16_t)get_u(r, 4, UINT16_MAX);
	s.seq = (uint32_t)get_u(r, 5, UINT32_MAX);
	s.ack = (uint32_t)get_u(r, 6, UINT32_MAX);
	s.flags = (uint8_t)get_u(r, 7, UINT8_MAX);
	s.window = (uint16_t)get_u(r, 8, UINT16_MAX);
	s.len = (uint32_t)get_u(r, 9, UINT32_MAX);
	s.retransmission = get_b(r, 10);
	s.zero_window_probe = get_b(r, 11);
	if (r->bad != 0)
		return 0;
	return case_obs_add_segment(obs, &s);
}

static int
apply_tail(struct case_obs *obs, struct rec *r)
{
	const char *k = r->w[0];

	if (strcmp(k, "capture") == 0) {
		obs->captured = get_b(r, 1);
		obs->capture_drops = get_u(r, 2, UINT64_MAX);
		get_s(r, 3, obs->capture_note, sizeof(obs->capture_note));
	} else if (strcmp(k, "pcap") == 0)
		get_s(r, 1, obs->pcap_path, sizeof(obs->pcap_path));
	else if (strcmp(k, "abort") == 0) {
		obs->abort_kind =
		    (enum obs_abort)get_u(r, 1, OBS_ABORT_NO_AGENT);
		get_s(r, 2, obs->abort_reason, sizeof(obs->abort_reason));
		obs->aborted = r->bad == 0 && obs->abort_kind != OBS_ABORT_NONE;
	} else {
		obs->duration_ns = get_u(r, 1, UINT64_MAX);
		return 1;
	}
	return 0;
}

static int
apply_lab(struct case_obs *obs, struct rec *r)
{
	struct obs_lab l = { .on = true };

	l.clock_bound_ns = get_u(r, 1, UINT64_MAX);
	get_s(r, 2, l.agent, sizeof(l.agent));
	get_s(r, 3, l.system, sizeof(l.system));
	get_s(r, 4, l.wire, sizeof(l.wire));
	if (r->bad == 0)
		obs->lab = l;
	return 0;
}

static const struct {
	const char *name;
	size_t nwords;
	int (*apply)(struct case_obs *, struct rec *);
} records[] = {
	{ "obs", 4, apply_head },
	{ "sock", 8, apply_sock },
	{ "call", 11, apply_call },
	{ "point", 10, apply_point },
	{ "seg", 12, apply_seg },
	{ "capture", 4, apply_tail },
	{ "pcap", 2, apply_tail },
	{ "abort", 3, apply_tail },
	{ "end", 2, apply_tail },
	{ "lab", 5, apply_lab },
};

int
obs_apply(struct case_obs *obs, char *line, char *err, size_t errlen)
{
	struct rec r;
	size_t k;
	int rc;

	/* Records with more words than MAX_WORDS have their own reader. */
	if ((rc = obs_apply_probe(obs, line, err, errlen)) != 1)
		return rc;
	if (split(line, &r) == -1) {
		snprintf(err, errlen, "an empty or overlong record");
		return -1;
	}
	for (k = 0; k < sizeof(records) / sizeof(records[0]); k++)
		if (strcmp(r.w[0], records[k].name) == 0)
			break;
	if (k == sizeof(records) / sizeof(records[0])) {
		snprintf(err, errlen, "unknown record '%.32s'", r.w[0]);
		return -1;
	}
	if (r.n != records[k].nwords) {
		snprintf(err, errlen, "'%s' record with %zu words, not %zu",
		    r.w[0], r.n, records[k].nwords);
		return -1;
	}
	rc = records[k].apply(obs, &r);
	if (rc == -1) {
		snprintf(err, errlen, "out of memory for segments");
		return -1;
	}
	if (r.bad != 0) {
		snprintf(err, errlen,
		    "'%s' record: word %zu ('%.40s') is out "
		    "of range or malformed",
		    r.w[0], r.bad + 1, r.w[r.bad]);
		return -1;
	}
	return rc;
}
