/*
 * observe_conn.c - what each of the program's connections did when it
 * closed, from two independent sources: the segments on the client's link
 * (who sent FIN or RST first, retransmissions) and the shim's records
 * (the close() call, its duration, the linger setting and O_NONBLOCK it
 * met, a shutdown() before it, copies of the descriptor).
 *
 * A connection is its four-tuple, found through an index (observe_index.c)
 * so that the work grows with segments plus connections, not their
 * product; a fresh SYN from the program on a four-tuple whose earlier
 * connection has ended starts a new one (port reuse). A record that names
 * no addresses (an older shim) goes by its ports alone.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "observe_prog.h"
#include "segment.h"

/* A setting made on a descriptor before it was connected. */
struct pending {
	int32_t pid, fd;
	int32_t lon, lsec;
};

struct pendings {
	struct pending *v;
	size_t n, cap;
};

/* What a build works with: the connections and their index, slot = conn. */
struct build {
	struct ob_conns *cs;
	struct ob_index ix;
	struct pendings ps;
};

const char *
ob_addr_text(const struct ip_addr *a, uint16_t port, char *buf, size_t len)
{
	if (a->family == IPF_NONE)
		snprintf(buf, len, ":%u", port);
	else
		ip_addr_format_port(a, port, buf, len);
	return buf;
}

const char *
ob_family_name(const struct ip_addr *a)
{
	return a->family == IPF_V4 ? "IPv4"
	    : a->family == IPF_V6  ? "IPv6"
				   : "?";
}

const char *
ob_end_name(enum ob_end e)
{
	switch (e) {
	case OB_END_FIN: return "FIN";
	case OB_END_RST: return "RST";
	case OB_END_FIN_RST: return "FIN then RST";
	default: return "nothing";
	}
}

static struct ob_conn *
conn_new(struct build *b, const struct ob_tuple *k)
{
	struct ob_conns *cs = b->cs;
	struct ob_conn *c, *v;
	size_t cap;

	if (cs->n == cs->cap) {
		cap = cs->cap == 0 ? 16 : cs->cap * 2;
		if ((v = realloc(cs->v, cap * sizeof(*v))) == NULL)
			return NULL;
		cs->v = v;
		cs->cap = cap;
	}
	if (cs->v == NULL || ob_index_add(&b->ix, k) != (long)cs->n)
		return NULL;
	c = &cs->v[cs->n++];
	memset(c, 0, sizeof(*c));
	c->lport = k->lport;
	c->rport = k->rport;
	c->laddr = k->laddr;
	c->raddr = k->raddr;
	c->sock_family = -1;
	c->t_syn = c->t_fin = c->t_rst = OB_NO_TIME;
	c->t_peer_fin = c->t_peer_rst = OB_NO_TIME;
	c->t_shutdown = OB_NO_TIME;
	c->pid = -1;
	c->shut_how = -1;
	c->lon_set = c->lsec_set = -1;
	c->close.call = OB_CALL_OTHER;
	return c;
}

/* The newest connection with this four-tuple, or NULL. */
static struct ob_conn *
conn_last(struct build *b, const struct ob_tuple *k)
{
	long i = ob_index_find(&b->ix, k);

	return i < 0 ? NULL : &b->cs->v[i];
}

static bool
ended(const struct ob_conn *c)
{
	return c->t_fin != OB_NO_TIME || c->t_rst != OB_NO_TIME ||
	    c->t_peer_rst != OB_NO_TIME;
}

static void
first_time(uint64_t *slot, uint64_t t)
{
	if (*slot == OB_NO_TIME)
		*slot = t;
}

static int
add_segment(struct build *b, const struct obs_segment *s,
    const struct ob_seg_addrs *a)
{
	struct ob_tuple k = {
		.lport = s->from_client ? s->sport : s->dport,
		.rport = s->from_client ? s->dport : s->sport,
	};
	struct ob_conn *c;
	bool syn = (s->flags & TCPF_SYN) != 0 && (s->flags & TCPF_ACK) == 0;

	k.laddr = a != NULL ? a->client : ip_addr_none();
	k.raddr = a != NULL ? a->peer : ip_addr_none();
	c = conn_last(b, &k);
	if (c == NULL ||
	    (syn && s->from_client && !s->retransmission &&
		c->t_syn != OB_NO_TIME && ended(c)))
		c = conn_new(b, &k);
	if (c == NULL)
		return -1;
	c->nsegs++;
	if (syn && s->from_client)
		first_time(&c->t_syn, s->t_ns);
	if (s->from_client) {
		if (s->flags & TCPF_FIN) {
			first_time(&c->t_fin, s->t_ns);
			if (s->retransmission)
				c->fin_retx++;
		}
		if (s->flags & TCPF_RST)
			first_time(&c->t_rst, s->t_ns);
		if (s->retransmission)
			c->retx++;
	} else {
		if (s->flags & TCPF_FIN)
			first_time(&c->t_peer_fin, s->t_ns);
		if (s->flags & TCPF_RST)
			first_time(&c->t_peer_rst, s->t_ns);
	}
	return 0;
}

static struct pending *
pending_find(struct pendings *ps, int32_t pid, int32_t fd, bool make)
{
	struct pending *v;
	size_t i, cap;

	for (i = 0; i < ps->n; i++)
		if (ps->v[i].pid == pid && ps->v[i].fd == fd)
			return &ps->v[i];
	if (!make)
		return NULL;
	if (ps->n == ps->cap) {
		cap = ps->cap == 0 ? 16 : ps->cap * 2;
		if ((v = realloc(ps->v, cap * sizeof(*v))) == NULL)
			return NULL;
		ps->v = v;
		ps->cap = cap;
	}
	ps->v[ps->n] = (struct pending){ pid, fd, -1, -1 };
	return &ps->v[ps->n++];
}

static void
pending_drop(struct pendings *ps, int32_t pid, int32_t fd)
{
	struct pending *p = pending_find(ps, pid, fd, false);

	if (p != NULL)
		*p = ps->v[--ps->n];
}

/*
 * The connection a record with ports belongs to, made if unseen: 1 with
 * *out, 0 when the record names no connection, -1 out of memory. By its
 * four-tuple; by its ports when it names no addresses, or when the
 * connection with those ports was seen with none.
 */
static int
conn_of_rec(struct build *b, const struct ob_rec *r, struct ob_conn **out)
{
	struct ob_tuple k;
	long i = -1;

	*out = NULL;
	if (r->lport <= 0 || r->rport <= 0 || r->lport > 65535 ||
	    r->rport > 65535)
		return 0;
	k = (struct ob_tuple){ .laddr = r->laddr,
		.raddr = r->raddr,
		.lport = (uint16_t)r->lport,
		.rport = (uint16_t)r->rport };
	if (k.laddr.family != IPF_NONE && k.raddr.family != IPF_NONE)
		i = ob_index_find(&b->ix, &k);
	if (i < 0) {
		i = ob_index_find_ports(&b->ix, k.lport, k.rport);
		if (i >= 0 && k.laddr.family != IPF_NONE &&
		    k.raddr.family != IPF_NONE &&
		    b->cs->v[i].laddr.family != IPF_NONE)
			i = -1; /* another connection on the same ports */
	}
	*out = i >= 0 ? &b->cs->v[i] : conn_new(b, &k);
	if (*out == NULL)
		return -1;
	if (r->fam >= 0) {
		(*out)->sock_family = r->fam;
		(*out)->mapped = r->mapped;
	}
	return 1;
}

static int
on_close(struct build *b, const struct ob_rec *r)
{
	struct ob_conn *c;
	int rc = conn_of_rec(b, r, &c);

	pending_drop(&b->ps, r->pid, r->fd);
	if (rc <= 0) {
		if (rc == 0 && r->ret == 0)
			b->cs->unconnected++;
		return rc;
	}
	c->pid = r->pid;
	c->ncloses++;
	c->close = *r;
	c->shut_before_close =
	    c->t_shutdown != OB_NO_TIME && c->t_shutdown <= r->t0;
	return 0;
}

static int
add_record(struct build *b, const struct ob_rec *r)
{
	struct pendings *ps = &b->ps;
	struct pending *p;
	struct ob_conn *c;
	int rc;

	switch (r->call) {
	case OB_HELLO: b->cs->shim_loaded = true; return 0;
	case OB_SETSOCKOPT:
		/* SOL_SOCKET SO_LINGER: kept until the socket is connected */
		if (r->lon < 0)
			return 0;
		if ((p = pending_find(ps, r->pid, r->fd, true)) == NULL)
			return -1;
		p->lon = r->lon;
		p->lsec = r->lsec;
		return 0;
	case OB_CLOSE: return on_close(b, r);
	case OB_CONNECT:
	case OB_ACCEPT:
	case OB_SHUTDOWN:
	case OB_DUP:
	case OB_OPEN_AT_EXIT: break;
	default: return 0;
	}
	if ((rc = conn_of_rec(b, r, &c)) <= 0)
		return rc;
	if (c->pid < 0)
		c->pid = r->pid;
	if (r->call == OB_SHUTDOWN && r->ret == 0 &&
	    c->t_shutdown == OB_NO_TIME) {
		c->t_shutdown = r->t0;
		c->shut_how = r->how;
	} else if (r->call == OB_DUP)
		c->ndups++;
	else if (r->call == OB_OPEN_AT_EXIT) {
		c->open_at_exit = true;
		/* what the kernel's close at exit met, when no close() came */
		if (c->close.call != OB_CLOSE) {
			c->close = *r;
			c->shut_before_close = c->t_shutdown != OB_NO_TIME;
		}
	}
	if ((p = pending_find(ps, r->pid,
		 r->call == OB_ACCEPT ? (int32_t)r->ret : r->fd, false)) !=
		NULL &&
	    p->lon >= 0) {
		c->lon_set = p->lon;
		c->lsec_set = p->lsec;
	}
	return 0;
}

static void
settle(struct ob_conn *c)
{
	uint64_t mine = c->t_fin < c->t_rst ? c->t_fin : c->t_rst;
	uint64_t theirs =
	    c->t_peer_fin < c->t_peer_rst ? c->t_peer_fin : c->t_peer_rst;

	if (mine == OB_NO_TIME && theirs == OB_NO_TIME)
		c->first = OB_CLOSER_NONE;
	else
		c->first = mine <= theirs ? OB_CLOSER_PROGRAM : OB_CLOSER_PEER;
	if (c->t_fin != OB_NO_TIME && c->t_rst != OB_NO_TIME)
		c->end = c->t_fin <= c->t_rst ? OB_END_FIN_RST : OB_END_RST;
	else if (c->t_fin != OB_NO_TIME)
		c->end = OB_END_FIN;
	else if (c->t_rst != OB_NO_TIME)
		c->end = OB_END_RST;
	else
		c->end = OB_END_NONE;
}

int
ob_conns_build(struct ob_conns *cs, const struct obs_segment *segs,
    const struct ob_seg_addrs *addrs, size_t nsegs, const struct ob_rec *recs,
    size_t nrecs)
{
	struct build b = { .cs = cs };
	size_t i;
	int rc = 0;

	memset(cs, 0, sizeof(*cs));
	ob_index_init(&b.ix);
	for (i = 0; i < nsegs && rc == 0; i++)
		rc =
		    add_segment(&b, &segs[i], addrs != NULL ? &addrs[i] : NULL);
	for (i = 0; i < nrecs && rc == 0; i++)
		rc = add_record(&b, &recs[i]);
	free(b.ps.v);
	ob_index_free(&b.ix);
	if (rc == -1) {
		ob_conns_free(cs);
		errno = ENOMEM;
		return -1;
	}
	for (i = 0; i < cs->n; i++)
		settle(&cs->v[i]);
	return 0;
}

void
ob_conns_free(struct ob_conns *cs)
{
	free(cs->v);
	cs->v = NULL;
	cs->n = cs->cap = 0;
}
