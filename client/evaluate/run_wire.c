/*
 * run_wire.c - a case_obs as text records (see run_wire.h).
 *
 * Text rather than raw structs: the parent never trusts a layout it did
 * not write, a record can be checked field by field, and a person can read
 * a worker's stream when something goes wrong.
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
#define SEGS_MIN  64

int
case_obs_init(struct case_obs *obs, const struct scenario *sc)
{
	size_t i;

	memset(obs, 0, sizeof(*obs));
	obs->sc = sc;
	if (sc->nsteps == 0)
		return 0;
	obs->calls = calloc(sc->nsteps, sizeof(*obs->calls));
	obs->points = calloc(sc->nsteps, sizeof(struct obs_point *));
	if (obs->calls == NULL || obs->points == NULL)
		goto fail;
	for (i = 0; i < sc->nsteps; i++) {
		if (sc->steps[i].nexpects == 0)
			continue;
		obs->points[i] =
		    calloc(sc->steps[i].nexpects, sizeof(**obs->points));
		if (obs->points[i] == NULL)
			goto fail;
	}
	return 0;
fail:
	case_obs_free(obs);
	obs->sc = sc;
	errno = ENOMEM;
	return -1;
}

void
case_obs_free(struct case_obs *obs)
{
	size_t i;

	if (obs->points != NULL && obs->sc != NULL)
		for (i = 0; i < obs->sc->nsteps; i++)
			free(obs->points[i]);
	free(obs->points);
	free(obs->calls);
	free(obs->segs);
	free(obs->probes.samples);
	obs->probes.samples = NULL;
	obs->probes.nsamples = 0;
	obs->points = NULL;
	obs->calls = NULL;
	obs->segs = NULL;
	obs->nsegs = 0;
}

/* The capacity is implied by the count: SEGS_MIN, then powers of two. */
int
case_obs_add_segment(struct case_obs *obs, const struct obs_segment *seg)
{
	size_t n = obs->nsegs, cap;
	struct obs_segment *v;

	if (n == 0 || (n >= SEGS_MIN && (n & (n - 1)) == 0)) {
		cap = n == 0 ? SEGS_MIN : n * 2;
		if (cap > SIZE_MAX / sizeof(*v) ||
		    (v = realloc(obs->segs, cap * sizeof(*v))) == NULL) {
			errno = ENOMEM;
			return -1;
		}
		obs->segs = v;
	}
	obs->segs[obs->nsegs++] = *seg;
	return 0;
}

void
case_obs_vabort(struct case_obs *obs, enum obs_abort kind, const char *fmt,
    va_list ap)
{
	if (obs->aborted)
		return;
	obs->aborted = true;
	obs->abort_kind = kind;
	vsnprintf(obs->abort_reason, sizeof(obs->abort_reason), fmt, ap);
}

void
case_obs_abort(struct case_obs *obs, enum obs_abort kind, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	case_obs_vabort(obs, kind, fmt, ap);
	va_end(ap);
}

/* Escape s into out (3 * strlen + 2 bytes are always enough). */
static const char *
esc(const char *s, char *out, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;
	unsigned char c;

	if (*s == '\0' || strcmp(s, "-") == 0) {
		snprintf(out, len, "%s", *s == '\0' ? "-" : "%2D");
		return out;
	}
	for (; *s != '\0' && o + 4 < len; s++) {
		c = (unsigned char)*s;
		if (c > ' ' && c < 0x7f && c != '%') {
			out[o++] = (char)c;
			continue;
		}
		out[o++] = '%';
		out[o++] = hex[c >> 4];
		out[o++] = hex[c & 15];
	}
	out[o] = '\0';
	return out;
}

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

#define ESC_MAX (3 * 256 + 2)

size_t
obs_fmt_head(const struct case_obs *obs, char *buf, size_t len)
{
	char e[ESC_MAX];

	return (size_t)snprintf(buf, len, "obs %d %" PRIu32 " %s\n",
	    OBS_WIRE_VERSION, obs->os, esc(obs->os_name, e, sizeof(e)));
}

size_t
obs_fmt_sock(const struct case_obs *obs, size_t i, char *buf, size_t len)
{
	const struct obs_sock *s = &obs->socks[i];
	char la[IP_ADDR_STRLEN], ra[IP_ADDR_STRLEN];

	/* an address's text has no space or '%'; none is "-" */
	return (size_t)snprintf(buf, len,
	    "sock %zu %d %s %u %s %u %" PRIu32 "\n", i, s->connected,
	    ip_addr_format(&s->laddr, la, sizeof(la)), s->lport,
	    ip_addr_format(&s->raddr, ra, sizeof(ra)), s->rport,
	    s->peer_conn_id);
}

size_t
obs_fmt_call(const struct case_obs *obs, size_t i, char *buf, size_t len)
{
	const struct obs_call *c = &obs->calls[i];
	char e1[ESC_MAX], e2[ESC_MAX];

	return (size_t)snprintf(buf, len,
	    "call %zu %d %" PRId64 " %d %s %" PRIu64 " %" PRIu64 " %" PRIu64
	    " %s %" PRIu64 "\n",
	    i, c->ran, c->ret, c->err, esc(c->err_name, e1, sizeof(e1)),
	    c->t_start_ns, c->t_end_ns, c->bytes,
	    esc(c->detail, e2, sizeof(e2)), c->cpu_wait_ns);
}

size_t
obs_fmt_point(const struct case_obs *obs, size_t i, size_t j, char *buf,
    size_t len)
{
	const struct obs_point *p = &obs->points[i][j];
	char e1[ESC_MAX], e2[ESC_MAX];

	return (size_t)snprintf(buf, len,
	    "point %zu %zu %d %" PRIu64 " %" PRIu64 " %" PRIu64 " %s %d %s\n",
	    i, j, p->reached, p->t_from_ns, p->t_ns, p->t_done_ns,
	    esc(p->state, e1, sizeof(e1)), p->peer_found,
	    esc(p->peer_value, e2, sizeof(e2)));
}

size_t
obs_fmt_seg(const struct obs_segment *s, char *buf, size_t len)
{
	return (size_t)snprintf(buf, len,
	    "seg %" PRIu64 " %d %u %u %" PRIu32 " %" PRIu32 " %u %u %" PRIu32
	    " %d %d\n",
	    s->t_ns, s->from_client, s->sport, s->dport, s->seq, s->ack,
	    s->flags, s->window, s->len, s->retransmission,
	    s->zero_window_probe);
}

size_t
obs_fmt_capture(const struct case_obs *obs, char *buf, size_t len)
{
	char e[ESC_MAX];

	return (size_t)snprintf(buf, len, "capture %d %" PRIu64 " %s\n",
	    obs->captured, obs->capture_drops,
	    esc(obs->capture_note, e, sizeof(e)));
}

size_t
obs_fmt_pcap(const struct case_obs *obs, char *buf, size_t len)
{
	char e[ESC_MAX];

	return (size_t)snprintf(buf, len, "pcap %s\n",
	    esc(obs->pcap_path, e, sizeof(e)));
}

size_t
obs_fmt_abort(const struct case_obs *obs, char *buf, size_t len)
{
	char e[ESC_MAX];

	return (size_t)snprintf(buf, len, "abort %d %s\n", (int)obs->abort_kind,
	    esc(obs->abort_reason, e, sizeof(e)));
}

size_t
obs_fmt_lab(const struct case_obs *obs, char *buf, size_t len)
{
	const struct obs_lab *l = &obs->lab;
	char e1[ESC_MAX], e2[ESC_MAX], e3[ESC_MAX];

	return (size_t)snprintf(buf, len, "lab %" PRIu64 " %s %s %s\n",
	    l->clock_bound_ns, esc(l->agent, e1, sizeof(e1)),
	    esc(l->system, e2, sizeof(e2)), esc(l->wire, e3, sizeof(e3)));
}

size_t
obs_fmt_end(const struct case_obs *obs, char *buf, size_t len)
{
	return (
	    size_t)snprintf(buf, len, "end %" PRIu64 "\n", obs->duration_ns);
}

size_t
obs_fmt_at(size_t step, uint64_t t0, uint64_t t, char *buf, size_t len)
{
	return (size_t)snprintf(buf, len, "at %zu %" PRIu64 " %" PRIu64 "\n",
	    step, t0, t);
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

/* The records of steps[i]: its call, then each point and its block count. */
static int
fmt_step(const struct case_obs *o, size_t i, obs_line_fn put, void *arg)
{
	char buf[OBS_LINE_MAX];
	size_t j;
	int rc;

	if ((rc = put(buf, obs_fmt_call(o, i, buf, sizeof(buf)), arg)) != 0)
		return rc;
	for (j = 0; j < o->sc->steps[i].nexpects; j++) {
		if ((rc = put(buf, obs_fmt_point(o, i, j, buf, sizeof(buf)),
			 arg)) != 0)
			return rc;
		if (o->points[i][j].rep_checked > 0 &&
		    (rc = put(buf, obs_fmt_rep(o, i, j, buf, sizeof(buf)),
			 arg)) != 0)
			return rc;
	}
	return 0;
}

int
obs_fmt_case(const struct case_obs *o, obs_line_fn put, void *arg)
{
	char buf[OBS_LINE_MAX];
	size_t i;
	int rc;

#define PUT(len)                                                               \
	do {                                                                   \
		if ((rc = put(buf, (len), arg)) != 0)                          \
			return rc;                                             \
	} while (0)
	PUT(obs_fmt_head(o, buf, sizeof(buf)));
	if (o->lab.on)
		PUT(obs_fmt_lab(o, buf, sizeof(buf)));
	for (i = 0; i < o->sc->nsocks; i++)
		PUT(obs_fmt_sock(o, i, buf, sizeof(buf)));
	if (o->probes.nseries > 0)
		PUT(obs_fmt_probes(o, buf, sizeof(buf)));
	for (i = 0; i < o->sc->nsteps; i++)
		if ((rc = fmt_step(o, i, put, arg)) != 0)
			return rc;
	for (i = 0; i < o->probes.nsamples; i++)
		PUT(obs_fmt_sample(o, i, buf, sizeof(buf)));
	for (i = 0; i < o->nsegs; i++)
		PUT(obs_fmt_seg(&o->segs[i], buf, sizeof(buf)));
	PUT(obs_fmt_capture(o, buf, sizeof(buf)));
	PUT(obs_fmt_pcap(o, buf, sizeof(buf)));
	if (o->aborted)
		PUT(obs_fmt_abort(o, buf, sizeof(buf)));
	PUT(obs_fmt_end(o, buf, sizeof(buf)));
#undef PUT
	return 0;
}

struct text_out {
	char *buf;
	size_t len, used;
};

static int
put_text(const char *line, size_t len, void *arg)
{
	struct text_out *t = arg;

	if (len >= t->len - t->used)
		return -1;
	memcpy(t->buf + t->used, line, len);
	t->used += len;
	t->buf[t->used] = '\0';
	return 0;
}

size_t
obs_fmt_case_text(const struct case_obs *obs, char *buf, size_t len)
{
	struct text_out t = { buf, len, 0 };

	if (len == 0)
		return (size_t)-1;
	buf[0] = '\0';
	return obs_fmt_case(obs, put_text, &t) == 0 ? t.used : (size_t)-1;
}
