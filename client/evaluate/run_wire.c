/*
 * run_wire.c - a case_obs as text records (see run_wire.h): the case_obs
 * itself and the worker's side, which writes them; run_wire_read.c reads
 * them back.
 *
 * Text rather than raw structs: the parent never trusts a layout it did
 * not write, a record can be checked field by field, and a person can read
 * a worker's stream when something goes wrong.
 */
#include "run_wire.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEGS_MIN 64

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
