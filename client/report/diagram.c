/*
 * diagram.c - the model of a case's ladder diagram (diagram.h): the
 * steps, the segments and the checks that did not pass, merged into one
 * list of rows in time order, sequence numbers made relative to each
 * side's ISN, and long runs of identical retransmissions folded into one
 * row that says how many there were and until when.
 */
#include "diagram.h"
#include "diagram_int.h"
#include "evaluate.h"

#include <errno.h>
#include <stdint.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "duration_text.h"
#include "scenario_kinds.h"
#include "step_words.h"
#include "textbuf.h"
#include "units.h"
#include "wire_classify.h"

struct build {
	const struct case_obs *obs;
	const struct scenario *sc;
	struct diagram *dg;
	struct pending *p;
	size_t np, cap;
	uint64_t last_key; /* step rows keep their order */
};

enum { CLS_START, CLS_SEG, CLS_RETURN, CLS_CHECK };

static struct dg_row *
add(struct build *b, uint64_t key, int cls, enum dg_kind kind, uint64_t t_ns)
{
	struct pending *p;

	if (b->np == b->cap)
		return NULL; /* sized in advance: cannot happen */
	p = &b->p[b->np];
	memset(p, 0, sizeof(*p));
	p->key = key;
	p->cls = cls;
	p->seq = b->np++;
	p->row.kind = kind;
	p->row.t_ns = t_ns;
	p->row.conn = -1;
	p->row.ref = SIZE_MAX;
	return &p->row;
}

/* ---- connections ---- */

static int
conn_of(struct diagram *dg, const struct case_obs *obs,
    const struct obs_segment *s)
{
	uint16_t cport = s->from_client ? s->sport : s->dport;
	uint16_t pport = s->from_client ? s->dport : s->sport;
	struct dg_conn *c;
	size_t i;

	for (i = 0; i < dg->nconns; i++)
		if (dg->conns[i].cport == cport && dg->conns[i].pport == pport)
			return (int)i;
	if (dg->nconns == dg->conns_cap)
		return -1; /* more than DG_MAX_CONNS */
	c = &dg->conns[dg->nconns];
	c->cport = cport;
	c->pport = pport;
	for (i = 0; i < obs->sc->nsocks && i < SCN_MAX_SOCKS; i++) {
		if (obs->socks[i].connected && obs->socks[i].lport == cport &&
		    obs->socks[i].rport == pport) {
			snprintf(c->name, sizeof(c->name), "%s",
			    obs->sc->socks[i]);
			c->caddr = obs->socks[i].laddr;
			c->paddr = obs->socks[i].raddr;
			break;
		}
	}
	return (int)dg->nconns++;
}

/* Each side's ISN: its SYN's sequence number, else the first one seen. */
static void
find_isns(struct diagram *dg, const struct case_obs *obs)
{
	const struct obs_segment *s;
	struct dg_conn *c;
	size_t i;
	int k, d;

	for (i = 0; i < obs->nsegs; i++) {
		s = &obs->segs[i];
		if ((k = conn_of(dg, obs, s)) < 0)
			continue;
		c = &dg->conns[k];
		d = s->from_client ? 0 : 1;
		if ((s->flags & TCPF_SYN) && !c->isn_from_syn[d]) {
			c->isn[d] = s->seq;
			c->isn_from_syn[d] = true;
		} else if (!c->seen[d] && !c->isn_from_syn[d])
			c->isn[d] = s->seq;
		c->seen[d] = true;
	}
}

/* ---- rows ---- */

static void
set_label(const struct scenario *sc, const struct scn_step *st, char *buf,
    size_t len)
{
	const char *s = ev_sock(sc, st->sock);
	char v[48];

	switch (st->opt) {
	case OPT_LINGER_OFF:
		tb_set(buf, len, "setsockopt(%s, SO_LINGER off)", s);
		return;
	case OPT_LINGER:
		tb_set(buf, len, "setsockopt(%s, SO_LINGER {1, %" PRId64 "})",
		    s, st->value);
		return;
	case OPT_BLOCKING:
	case OPT_NONBLOCKING:
		tb_set(buf, len, "fcntl(%s, O_NONBLOCK %s)", s,
		    st->opt == OPT_NONBLOCKING ? "on" : "off");
		return;
	case OPT_SNDBUF:
	case OPT_RCVBUF:
		format_size((uint64_t)st->value, v, sizeof(v));
		tb_set(buf, len, "setsockopt(%s, SO_%sBUF %s)", s,
		    st->opt == OPT_SNDBUF ? "SND" : "RCV", v);
		return;
	case OPT_NODELAY:
	case OPT_USER_TIMEOUT:
	case OPT_LINGER2: break;
	}
	tb_set(buf, len, "setsockopt(%s, %s %" PRId64 "%s)", s,
	    st->opt == OPT_NODELAY	      ? "TCP_NODELAY"
		: st->opt == OPT_USER_TIMEOUT ? "TCP_USER_TIMEOUT"
					      : "TCP_LINGER2",
	    st->value,
	    st->opt == OPT_USER_TIMEOUT	 ? " ms"
		: st->opt == OPT_LINGER2 ? " s"
					 : "");
}

/* What a client call is called on the diagram. */
static void
call_label(const struct scenario *sc, const struct scn_step *st, char *buf,
    size_t len)
{
	const char *s = ev_sock(sc, st->sock);
	char v[48];

	format_size(st->size, v, sizeof(v));
	if (st->kind == STEP_SET)
		set_label(sc, st, buf, len);
	else if (st->kind == STEP_SEND && st->until_blocked)
		tb_set(buf, len, "send(%s) until it blocks", s);
	else if (st->kind == STEP_SEND || st->kind == STEP_RECV)
		tb_set(buf, len, "%s(%s, %s)",
		    st->kind == STEP_SEND ? "send" : "recv", s,
		    st->size == 0 && st->kind == STEP_RECV ? "all" : v);
	else if (st->kind == STEP_LISTEN)
		tb_set(buf, len, "listen(%s, %u)", s, st->port);
	else if (st->kind == STEP_ACCEPT)
		tb_set(buf, len, "accept(%s) as %s", s, ev_sock(sc, st->sock2));
	else if (st->kind == STEP_EXIT_CLOSE)
		tb_set(buf, len, "exit, closing %s", s);
	else
		ev_step_label(sc, st, buf, len);
}

/* What a peer step is called: "listen 7002: swallow-fin", "ack-fin c". */
static void
peer_label(const struct scenario *sc, const struct scn_step *st, char *buf,
    size_t len)
{
	const char *s = ev_sock(sc, st->sock);
	char v[48];

	format_size(st->size, v, sizeof(v));
	if (st->kind == STEP_PEER_LISTEN)
		tb_set(buf, len, "listen %u: %s", st->port, st->text);
	else if (st->kind == STEP_PEER_BEHAVIOUR)
		tb_set(buf, len, "%s: %s", s, st->text);
	else if (st->kind == STEP_PEER_READ)
		tb_set(buf, len, "read %s %s", s, st->size == 0 ? "all" : v);
	else if (st->kind == STEP_PEER_SEND)
		tb_set(buf, len, "send %s %s", s, v);
	else if (st->kind == STEP_PEER_CONNECT)
		tb_set(buf, len, "connect %u as %s%s%s", st->port,
		    ev_sock(sc, st->sock2), st->text[0] != '\0' ? ": " : "",
		    st->text);
	else {
		ev_step_label(sc, st, buf, len);
		/* "peer ack-fin c": the side says it is the peer */
		if (strncmp(buf, "peer ", 5) == 0)
			memmove(buf, buf + 5, strlen(buf + 5) + 1);
	}
}

static void
call_result(const struct scn_step *st, const struct obs_call *c, char *buf,
    size_t len)
{
	if (st->kind == STEP_EXIT_CLOSE && c->ret >= 0)
		tb_set(buf, len, "gone");
	else if (c->ret < 0 && c->err_name[0] != '\0')
		tb_set(buf, len, "-1 %s", c->err_name);
	else if (c->ret < 0)
		tb_set(buf, len, "-1 (errno %d)", c->err);
	else
		tb_set(buf, len, "%" PRId64, c->ret);
}

/* A step's rows: a call's start and return, or one peer or wait row. */
static void
step_rows(struct build *b, size_t i)
{
	const struct scn_step *st = &b->sc->steps[i];
	const struct obs_call *c = &b->obs->calls[i];
	uint64_t key = c->t_start_ns;
	struct dg_row *r, *ret;
	char span[32];

	if (!c->ran)
		return;
	/* steps never swap: each sorts strictly after the one before */
	if (key <= b->last_key && b->np > 0)
		key = b->last_key + 1;
	b->last_key = key;
	if (scn_step_is_call(st->kind)) {
		r = add(b, key, CLS_START, DG_CALL, c->t_start_ns);
		r->t_end_ns = c->t_end_ns;
		r->took_ns = c->t_end_ns > c->t_start_ns
		    ? c->t_end_ns - c->t_start_ns
		    : 0;
		call_label(b->sc, st, r->text, sizeof(r->text));
		call_result(st, c, r->result, sizeof(r->result));
		r->failed = c->ret < 0;
		key = c->t_end_ns > key ? c->t_end_ns : key + 1;
		b->last_key = key;
		ret = add(b, key, CLS_RETURN, DG_RETURN, c->t_end_ns);
		*ret = *r;
		ret->kind = DG_RETURN;
		ret->t_ns = c->t_end_ns;
		return;
	}
	r = add(b, key, CLS_START, scn_step_waits(st->kind) ? DG_WAIT : DG_PEER,
	    c->t_start_ns);
	r->t_end_ns = c->t_end_ns;
	r->took_ns =
	    c->t_end_ns > c->t_start_ns ? c->t_end_ns - c->t_start_ns : 0;
	r->peer_side = st->kind != STEP_WAIT;
	r->failed = c->ret < 0;
	if (st->kind == STEP_WAIT) {
		dur_written(st->duration_ns, span, sizeof(span));
		tb_set(r->text, sizeof(r->text), "wait %s", span);
	} else if (st->kind == STEP_WAIT_PEER)
		tb_set(r->text, sizeof(r->text), "wait until %s %s",
		    ev_sock(b->sc, st->sock), st->text);
	else
		peer_label(b->sc, st, r->text, sizeof(r->text));
	if (r->failed)
		tb_set(r->result, sizeof(r->result), "%s",
		    c->detail[0] != '\0' ? c->detail : "failed");
}

static void
seg_rows(struct build *b)
{
	const struct obs_segment *s;
	const struct dg_conn *c;
	struct dg_row *r;
	size_t i;
	int d;

	for (i = 0; i < b->obs->nsegs; i++) {
		s = &b->obs->segs[i];
		r = add(b, s->t_ns, CLS_SEG, DG_SEG, s->t_ns);
		r->conn = conn_of(b->dg, b->obs, s);
		d = s->from_client ? 0 : 1;
		r->seg = (struct dg_seg){ .from_client = s->from_client,
			.flags = s->flags,
			.seq = s->seq,
			.ack = s->ack,
			.len = s->len,
			.window = s->window,
			.retx = s->retransmission,
			.zwp = s->zero_window_probe };
		if (r->conn < 0)
			continue; /* too many connections: shown absolute */
		c = &b->dg->conns[r->conn];
		r->seg.seq = s->seq - c->isn[d];
		r->seg.ack = s->ack - c->isn[1 - d];
	}
}

/* Checks that did not pass, where they were decided. */
static void
check_rows(struct build *b, const struct case_result *cr)
{
	const struct verdict *v;
	struct dg_row *r;
	size_t i;

	for (i = 0; i < cr->nverdicts; i++) {
		v = &cr->verdicts[i];
		if (v->kind != VERDICT_FAIL && v->kind != VERDICT_ERROR)
			continue;
		r = add(b, v->t_ns, CLS_CHECK, DG_CHECK, v->t_ns);
		r->failed = true;
		tb_set(r->result, sizeof(r->result), "%s",
		    verdict_kind_name(v->kind));
		if (v->pos.line > 0)
			tb_set(r->text, sizeof(r->text), "line %" PRIu32 ": %s",
			    v->pos.line, v->check);
		else
			tb_set(r->text, sizeof(r->text), "%s", v->check);
	}
}

static int
by_time(const void *a, const void *b)
{
	const struct pending *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->cls != y->cls)
		return x->cls < y->cls ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void
notes(struct build *b)
{
	const struct case_obs *o = b->obs;
	struct dg_row *r;

	if (!o->captured || o->capture_drops > 0) {
		r = add(b, o->duration_ns, CLS_CHECK, DG_NOTE, o->duration_ns);
		if (!o->captured)
			tb_set(r->text, sizeof(r->text), "no capture: %s",
			    o->capture_note);
		else
			tb_set(r->text, sizeof(r->text),
			    "the capture dropped %" PRIu64
			    " frames: segments are missing",
			    o->capture_drops);
	}
	if (o->aborted) {
		r = add(b, o->duration_ns, CLS_CHECK, DG_NOTE, o->duration_ns);
		r->failed = true;
		tb_set(r->text, sizeof(r->text), "the case stopped early: %s",
		    o->abort_reason[0] != '\0' ? o->abort_reason
					       : "no reason given");
	}
}

static void
header(struct diagram *dg, const struct case_obs *obs,
    const struct case_result *cr)
{
	const struct scenario *sc = obs->sc;

	snprintf(dg->title, sizeof(dg->title), "%s",
	    sc->case_name[0] != '\0' ? sc->case_name
		: sc->file != NULL   ? sc->file
				     : "?");
	snprintf(dg->description, sizeof(dg->description), "%s",
	    sc->description);
	snprintf(dg->os_name, sizeof(dg->os_name), "%s", obs->os_name);
	dg->duration_ns = obs->duration_ns;
	dg->nsegs = obs->nsegs;
	if (cr != NULL) {
		dg->have_counts = true;
		memcpy(dg->counts, cr->counts, sizeof(dg->counts));
		dg->nbounds = evaluate_probe_bounds(obs, cr, dg->bounds,
		    SERIES_BOUNDS_MAX);
	}
}

struct diagram *
dg_build(const struct case_obs *obs, const struct case_result *cr,
    const struct dg_options *opts)
{
	struct build b = { .obs = obs };
	unsigned keep = opts != NULL && opts->keep_repeats > 0
	    ? opts->keep_repeats
	    : DG_KEEP_REPEATS;
	size_t i;

	if (obs == NULL || obs->sc == NULL ||
	    (obs->nsegs > 0 && obs->segs == NULL)) {
		errno = EINVAL;
		return NULL;
	}
	b.sc = obs->sc;
	b.cap = 2 * b.sc->nsteps + obs->nsegs +
	    (cr != NULL ? cr->nverdicts : 0) + 2;
	if ((b.dg = calloc(1, sizeof(*b.dg))) == NULL ||
	    (b.p = calloc(b.cap, sizeof(*b.p))) == NULL ||
	    (b.dg->rows = calloc(b.cap, sizeof(*b.dg->rows))) == NULL) {
		free(b.p);
		dg_free(b.dg);
		errno = ENOMEM;
		return NULL;
	}
	b.dg->cap = b.cap;
	b.dg->conns_cap = obs->nsegs < DG_MAX_CONNS ? obs->nsegs : DG_MAX_CONNS;
	if (b.dg->conns_cap > 0 &&
	    (b.dg->conns = calloc(b.dg->conns_cap, sizeof(*b.dg->conns))) ==
		NULL) {
		free(b.p);
		dg_free(b.dg);
		errno = ENOMEM;
		return NULL;
	}
	header(b.dg, obs, cr);
	find_isns(b.dg, obs);
	for (i = 0; i < b.sc->nsteps && obs->calls != NULL; i++)
		step_rows(&b, i);
	seg_rows(&b);
	if (cr != NULL)
		check_rows(&b, cr);
	notes(&b);
	qsort(b.p, b.np, sizeof(*b.p), by_time);
	dg_calls_first(b.p, b.np);
	dg_fold(b.p, b.np, b.dg, keep);
	dg_cut(b.dg,
	    opts != NULL && opts->max_rows > 1 ? opts->max_rows : DG_MAX_ROWS);
	dg_link_calls(b.dg);
	free(b.p);
	return b.dg;
}

void
dg_free(struct diagram *dg)
{
	if (dg == NULL)
		return;
	free(dg->rows);
	free(dg->conns);
	free(dg);
}
