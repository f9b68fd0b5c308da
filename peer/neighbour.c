/*
 * neighbour.c - see neighbour.h.
 *
 * The rules that keep the peer from disturbing a link it shares: only
 * questions about our own address are ever answered, and we ask only for
 * an address we are about to send to, once per address however many
 * segments wait for it.
 */
#include "neighbour.h"

#include <string.h>

static const uint8_t broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

void
neigh_init(struct neigh *n, const struct ip_addr *addr4,
    const struct ip_addr *addr6, const uint8_t mac[6],
    neigh_frame_fn send_frame, neigh_segment_fn send_segment, void *arg)
{
	memset(n, 0, sizeof(*n));
	n->addr4 = *addr4;
	n->addr6 = *addr6;
	memcpy(n->mac, mac, 6);
	n->send_frame = send_frame;
	n->send_segment = send_segment;
	n->arg = arg;
	arp_cache_init(&n->cache);
}

/* ip's MAC is known now: send what waited for it, in order. */
static void
release_held(struct neigh *n, const struct ip_addr *ip, const uint8_t mac[6])
{
	size_t i, kept = 0;

	for (i = 0; i < n->nheld; i++) {
		if (ip_addr_eq(&n->held[i].daddr, ip))
			n->send_segment(n->arg, &n->held[i], mac);
		else
			n->held[kept++] = n->held[i];
	}
	n->nheld = kept;
}

void
neigh_learn(struct neigh *n, const struct ip_addr *ip, const uint8_t mac[6])
{
	arp_cache_learn(&n->cache, ip, mac);
	if (n->nheld > 0)
		release_held(n, ip, mac);
}

void
neigh_on_arp(struct neigh *n, const struct frame *f)
{
	const struct arp_msg *a = &f->u.arp;
	struct arp_msg reply = { .op = ARP_REPLY, .tpa = a->spa };
	struct ip_addr sender = ip_addr_v4(a->spa);
	uint8_t buf[64];
	size_t len;

	/* Only ever about our own address: never answer for anyone else's. */
	if (!ip_addr_is_v4(&n->addr4) || a->tpa != ip_addr_to_v4(&n->addr4)) {
		n->st.arp_ignored++;
		return;
	}
	neigh_learn(n, &sender, a->sha);
	if (a->op != ARP_REQUEST)
		return;
	reply.spa = ip_addr_to_v4(&n->addr4);
	memcpy(reply.sha, n->mac, 6);
	memcpy(reply.tha, a->sha, 6);
	if ((len = frame_encode_arp(buf, sizeof(buf), n->mac, a->sha, &reply)) >
	    0) {
		n->send_frame(n->arg, buf, len);
		n->st.arp_answered++;
	}
}

/* An NS for our address must be sent to it or to its solicited-node group. */
static bool
sent_to_us(const struct neigh *n, const struct ip_addr *dst)
{
	struct ip_addr group = ip_addr_solicited_node(&n->addr6);

	return ip_addr_eq(dst, &n->addr6) || ip_addr_eq(dst, &group);
}

/*
 * RFC 4861, 7.2.4: a Solicited, Override advertisement back to the
 * asker, at the link-layer address it gave (or sent from); a probe for
 * duplicates (from ::) is answered to all nodes, Solicited clear, which
 * defends the address.
 */
static void
answer_ns(struct neigh *n, const struct frame *f)
{
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 0x01 };
	const struct ndp_msg *m = &f->u.ndp;
	struct ndp_msg na = { .type = NDP_NA,
		.na_flags = NDP_NA_OVERRIDE,
		.has_lla = true };
	uint8_t buf[128], group_mac[6];
	const uint8_t *to;
	size_t len;

	na.src = n->addr6;
	na.target = n->addr6;
	memcpy(na.lla, n->mac, 6);
	if (ip_addr_is_unspecified6(&m->src)) {
		na.dst = ip_addr_v6(all_nodes);
		eth_multicast6(&na.dst, group_mac);
		to = group_mac;
	} else {
		na.na_flags |= NDP_NA_SOLICITED;
		na.dst = m->src;
		to = m->has_lla ? m->lla : f->eth_src;
		neigh_learn(n, &m->src, to);
	}
	if ((len = frame_encode_ndp(buf, sizeof(buf), n->mac, to, &na)) > 0) {
		n->send_frame(n->arg, buf, len);
		n->st.ndp_answered++;
	}
}

void
neigh_on_ndp(struct neigh *n, const struct frame *f)
{
	const struct ndp_msg *m = &f->u.ndp;
	bool ours =
	    ip_addr_is_v6(&n->addr6) && ip_addr_eq(&m->target, &n->addr6);

	if (m->type == NDP_NS) {
		if (ours && sent_to_us(n, &m->dst))
			answer_ns(n, f);
		else
			n->st.ndp_ignored++;
		return;
	}
	/* An advertisement: about a neighbour, or someone claiming our address. */
	if (ours || !ip_addr_is_v6(&n->addr6)) {
		n->st.ndp_ignored++;
		return;
	}
	neigh_learn(n, &m->target, m->has_lla ? m->lla : f->eth_src);
}

/* Who has ip? ARP to everyone, or an NS to ip's solicited-node group. */
static void
ask(struct neigh *n, const struct ip_addr *ip)
{
	struct arp_msg req = { .op = ARP_REQUEST };
	struct ndp_msg ns = { .type = NDP_NS, .has_lla = true };
	uint8_t buf[128], group_mac[6];
	size_t len = 0;

	if (ip_addr_is_v4(ip) && ip_addr_is_v4(&n->addr4)) {
		req.spa = ip_addr_to_v4(&n->addr4);
		req.tpa = ip_addr_to_v4(ip);
		memcpy(req.sha, n->mac, 6);
		len =
		    frame_encode_arp(buf, sizeof(buf), n->mac, broadcast, &req);
	} else if (ip_addr_is_v6(ip) && ip_addr_is_v6(&n->addr6)) {
		ns.src = n->addr6;
		ns.dst = ip_addr_solicited_node(ip);
		ns.target = *ip;
		memcpy(ns.lla, n->mac, 6);
		eth_multicast6(&ns.dst, group_mac);
		len =
		    frame_encode_ndp(buf, sizeof(buf), n->mac, group_mac, &ns);
	}
	if (len > 0)
		n->send_frame(n->arg, buf, len);
}

/* The same segment again: TCP's retransmission of one that waits. */
static bool
same_segment(const struct segment *a, const struct segment *b)
{
	return ip_addr_eq(&a->daddr, &b->daddr) && a->sport == b->sport &&
	    a->dport == b->dport && a->seq == b->seq && a->flags == b->flags;
}

/*
 * We connect first, before the other side spoke: ask, and keep the
 * segment until the answer comes rather than lose a second to a
 * retransmission. Other segments to the same address wait without a
 * second question; a retransmission of a waiting one asks again (the
 * question or its answer was lost: a busy machine drops frames too) and
 * takes the waiting copy's place.
 */
static void
hold(struct neigh *n, const struct segment *seg)
{
	bool asked = false;
	size_t i;

	for (i = 0; i < n->nheld; i++) {
		if (same_segment(&n->held[i], seg)) {
			ask(n, &seg->daddr);
			return;
		}
		asked |= ip_addr_eq(&n->held[i].daddr, &seg->daddr);
	}
	if (n->nheld == NEIGH_MAX_HELD) {
		n->st.no_mac++;
		return;
	}
	n->held[n->nheld] = *seg;
	n->held[n->nheld].payload_len = 0; /* only SYNs and ACKs wait */
	n->held[n->nheld].payload = NULL;
	n->nheld++;
	if (!asked)
		ask(n, &seg->daddr);
}

void
neigh_output(struct neigh *n, const struct segment *seg)
{
	uint8_t mac[6];

	if (arp_cache_lookup(&n->cache, &seg->daddr, mac))
		n->send_segment(n->arg, seg, mac);
	else if (seg->payload_len == 0)
		hold(n, seg);
	else
		n->st
		    .no_mac++; /* data: TCP retransmits it once the address is known */
}
