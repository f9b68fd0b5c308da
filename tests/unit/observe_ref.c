/*
 * observe_ref.c - the reference matcher and the synthetic run of
 * observe_ref.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "observe_ref.h"
#include "segment.h"

#define REF_PORT_CYCLE 5000

static struct ob_conn *
ref_new(struct ob_conns *cs, const struct ob_tuple *k)
{
	struct ob_conn *c, *v;
	size_t cap;

	if (cs->n == cs->cap) {
		cap = cs->cap == 0 ? 16 : cs->cap * 2;
		if ((v = realloc(cs->v, cap * sizeof(*v))) == NULL)
			return NULL;
		cs->v = v;
		cs->cap = cap;
	}
	c = &cs->v[cs->n++];
	memset(c, 0, sizeof(*c));
	c->lport = k->lport;
	c->rport = k->rport;
	c->laddr = k->laddr;
	c->raddr = k->raddr;
	c->t_syn = c->t_fin = c->t_rst = OB_NO_TIME;
	c->t_peer_fin = c->t_peer_rst = OB_NO_TIME;
	return c;
}

/* The old way: every connection, from the newest back. */
static struct ob_conn *
ref_last(struct ob_conns *cs, const struct ob_tuple *k)
{
	struct ob_tuple t;
	size_t i;

	for (i = cs->n; i > 0; i--) {
		t = (struct ob_tuple){ cs->v[i - 1].laddr, cs->v[i - 1].raddr,
			cs->v[i - 1].lport, cs->v[i - 1].rport };
		if (ob_tuple_eq(&t, k))
			return &cs->v[i - 1];
	}
	return NULL;
}

static void
first(uint64_t *slot, uint64_t t)
{
	if (*slot == OB_NO_TIME)
		*slot = t;
}

int
ob_ref_build(struct ob_conns *cs, const struct obs_segment *segs,
    const struct ob_seg_addrs *addrs, size_t nsegs)
{
	const struct obs_segment *s;
	struct ob_conn *c;
	struct ob_tuple k;
	size_t i;
	bool syn, ended;

	memset(cs, 0, sizeof(*cs));
	for (i = 0; i < nsegs; i++) {
		s = &segs[i];
		k.lport = s->from_client ? s->sport : s->dport;
		k.rport = s->from_client ? s->dport : s->sport;
		k.laddr = addrs != NULL ? addrs[i].client : ip_addr_none();
		k.raddr = addrs != NULL ? addrs[i].peer : ip_addr_none();
		syn = (s->flags & TCPF_SYN) != 0 && (s->flags & TCPF_ACK) == 0;
		c = ref_last(cs, &k);
		ended = c != NULL &&
		    (c->t_fin != OB_NO_TIME || c->t_rst != OB_NO_TIME ||
			c->t_peer_rst != OB_NO_TIME);
		if (c == NULL ||
		    (syn && s->from_client && !s->retransmission &&
			c->t_syn != OB_NO_TIME && ended))
			c = ref_new(cs, &k);
		if (c == NULL) {
			ob_conns_free(cs);
			return -1;
		}
		c->nsegs++;
		if (syn && s->from_client)
			first(&c->t_syn, s->t_ns);
		if (s->from_client) {
			if (s->flags & TCPF_FIN) {
				first(&c->t_fin, s->t_ns);
				c->fin_retx += s->retransmission;
			}
			if (s->flags & TCPF_RST)
				first(&c->t_rst, s->t_ns);
			c->retx += s->retransmission;
		} else {
			if (s->flags & TCPF_FIN)
				first(&c->t_peer_fin, s->t_ns);
			if (s->flags & TCPF_RST)
				first(&c->t_peer_rst, s->t_ns);
		}
	}
	return 0;
}

/* Segment j of connection c's per: SYN, SYN-ACK, data, FIN, FIN. */
static void
one(struct obs_segment *s, struct ob_seg_addrs *a, size_t c, size_t j,
    size_t per, uint64_t t, bool v6)
{
	static const uint8_t cli6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t peer6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	uint16_t lport = (uint16_t)(32768 + c % REF_PORT_CYCLE);
	uint16_t rport = (uint16_t)(7000 + c % 3);

	memset(s, 0, sizeof(*s));
	s->t_ns = t;
	s->from_client = j == 0 || j == per - 2 || (j > 1 && j % 2 == 0);
	s->sport = s->from_client ? lport : rport;
	s->dport = s->from_client ? rport : lport;
	s->flags = j == 0  ? TCPF_SYN
	    : j == 1	   ? TCPF_SYN | TCPF_ACK
	    : j >= per - 2 ? TCPF_FIN | TCPF_ACK
			   : TCPF_ACK | TCPF_PSH;
	s->seq = (uint32_t)(c * 1000 + j);
	s->len = j > 1 && j < per - 2 ? 100 : 0;
	s->retransmission = j == 3 && c % 7 == 0;
	if (v6 && c % 2 == 1) {
		a->client = ip_addr_v6(cli6);
		a->peer = ip_addr_v6(peer6);
	} else {
		a->client = ip_addr_v4(0xc0000201);
		a->peer = ip_addr_v4(0xc0000202);
	}
}

size_t
ob_ref_fixture(struct obs_segment *s, struct ob_seg_addrs *a, size_t nconns,
    size_t per, size_t window, bool v6)
{
	size_t base, j, c, n = 0;
	uint64_t t = 0;

	for (base = 0; base < nconns; base += window)
		for (j = 0; j < per; j++)
			for (c = base; c < base + window && c < nconns; c++) {
				one(&s[n], &a[n], c, j, per, t, v6);
				n++;
				t += 1000;
			}
	return n;
}

bool
ob_ref_same(const struct ob_conns *x, const struct ob_conns *y, char *why,
    size_t len)
{
	const struct ob_conn *a, *b;
	size_t i;

	if (x->n != y->n) {
		snprintf(why, len, "%zu connections against %zu", x->n, y->n);
		return false;
	}
	for (i = 0; i < x->n; i++) {
		a = &x->v[i];
		b = &y->v[i];
		if (a->lport != b->lport || a->rport != b->rport ||
		    !ip_addr_eq(&a->laddr, &b->laddr) ||
		    !ip_addr_eq(&a->raddr, &b->raddr) || a->t_syn != b->t_syn ||
		    a->t_fin != b->t_fin || a->t_rst != b->t_rst ||
		    a->t_peer_fin != b->t_peer_fin ||
		    a->t_peer_rst != b->t_peer_rst || a->nsegs != b->nsegs ||
		    a->retx != b->retx || a->fin_retx != b->fin_retx) {
			snprintf(why, len,
			    "connection #%zu differs (ports %u/%u)", i + 1,
			    a->lport, b->lport);
			return false;
		}
	}
	return true;
}
