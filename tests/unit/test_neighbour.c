/*
 * test_neighbour.c - owning an address on the link: ARP and Neighbor
 * Solicitations answered for our addresses and never for another, the
 * asker's link-layer address learned, a duplicate address probe for ours
 * defended to all nodes, and, when we speak first, one question per
 * address with the segments held until the answer. Every frame that
 * leaves is decoded again with checksums verified.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "neighbour.h"

#define MAX_SENT (NEIGH_MAX_HELD + 8)

static const uint8_t our_mac[6] = { 0x02, 0, 0, 0, 0, 0x02 };
static const uint8_t client_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const struct ip_addr peer4 = IP_ADDR_V4_INIT(192, 0, 2, 2);
static const struct ip_addr client4 = IP_ADDR_V4_INIT(192, 0, 2, 1);
static const struct ip_addr peer6 = { .family = IPF_V6,
	.b = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 } };
static const struct ip_addr client6 = { .family = IPF_V6,
	.b = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } };
static const struct ip_addr other6 = { .family = IPF_V6,
	.b = { 0x20, 0x01, 0x0d, 0xb8, [15] = 3 } };

/* What left, decoded: frames (ARP, NDP) and segments with their MAC. */
static struct frame sent[MAX_SENT];
static size_t nsent;
static struct segment segs[MAX_SENT];
static uint8_t seg_mac[MAX_SENT][6];
static size_t nsegs;
static struct neigh *nb;

static void
on_frame(void *arg, const uint8_t *frame, size_t len)
{
	(void)arg;
	assert_true(nsent < MAX_SENT);
	assert_int_equal(frame_decode(frame, len, true, &sent[nsent]),
	    FRAME_OK);
	nsent++;
}

static void
on_segment(void *arg, const struct segment *seg, const uint8_t mac[6])
{
	(void)arg;
	assert_true(nsegs < MAX_SENT);
	segs[nsegs] = *seg;
	memcpy(seg_mac[nsegs++], mac, 6);
}

static int
setup(void **state)
{
	(void)state;
	nb =
	    calloc(1, sizeof(*nb)); /* the cache is 100 KiB: not on the stack */
	assert_non_null(nb);
	neigh_init(nb, &peer4, &peer6, our_mac, on_frame, on_segment, NULL);
	nsent = nsegs = 0;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	free(nb);
	return 0;
}

/* A decoded NS or NA, as frame_decode would hand it over. */
static struct frame
ndp_in(uint8_t type, const struct ip_addr *src, const struct ip_addr *dst,
    const struct ip_addr *target, bool lla)
{
	struct frame f;

	memset(&f, 0, sizeof(f));
	f.kind = FRAME_NDP;
	memcpy(f.eth_src, client_mac, 6);
	f.u.ndp.type = type;
	f.u.ndp.src = *src;
	f.u.ndp.dst = *dst;
	f.u.ndp.target = *target;
	f.u.ndp.has_lla = lla;
	memcpy(f.u.ndp.lla, client_mac, 6);
	return f;
}

static void
test_ns_for_us_answered(void **state)
{
	struct ip_addr group = ip_addr_solicited_node(&peer6);
	struct frame ns = ndp_in(NDP_NS, &client6, &group, &peer6, true);
	const struct ndp_msg *na;
	uint8_t mac[6];

	(void)state;
	neigh_on_ndp(nb, &ns);
	assert_int_equal(nsent, 1);
	assert_int_equal(sent[0].kind, FRAME_NDP);
	na = &sent[0].u.ndp;
	assert_int_equal(na->type, NDP_NA);
	assert_int_equal(na->na_flags, NDP_NA_SOLICITED | NDP_NA_OVERRIDE);
	assert_true(ip_addr_eq(&na->src, &peer6));
	assert_true(ip_addr_eq(&na->dst, &client6));
	assert_true(ip_addr_eq(&na->target, &peer6));
	assert_true(na->has_lla);
	assert_memory_equal(na->lla, our_mac, 6);
	assert_memory_equal(sent[0].eth_dst, client_mac, 6);
	assert_memory_equal(sent[0].eth_src, our_mac, 6);
	assert_int_equal(sent[0].ip_ttl, 255);
	assert_int_equal(nb->st.ndp_answered, 1);
	/* The asker's address is learned from its option. */
	assert_true(arp_cache_lookup(&nb->cache, &client6, mac));
	assert_memory_equal(mac, client_mac, 6);
	/* Unicast, to our address (reachability): answered too. */
	ns = ndp_in(NDP_NS, &client6, &peer6, &peer6, false);
	neigh_on_ndp(nb, &ns);
	assert_int_equal(nsent, 2);
	assert_int_equal(nb->st.ndp_answered, 2);
}

/* Never for another address, nor sent to a group that is not ours. */
static void
test_ns_for_others_ignored(void **state)
{
	struct ip_addr group = ip_addr_solicited_node(&other6);
	struct frame ns = ndp_in(NDP_NS, &client6, &group, &other6, true);
	uint8_t mac[6];

	(void)state;
	neigh_on_ndp(nb, &ns);
	ns = ndp_in(NDP_NS, &client6, &group, &peer6,
	    true); /* the wrong group */
	neigh_on_ndp(nb, &ns);
	assert_int_equal(nsent, 0);
	assert_int_equal(nb->st.ndp_ignored, 2);
	assert_false(arp_cache_lookup(&nb->cache, &client6, mac));
	/* An IPv4-only peer answers no NS at all. */
	neigh_init(nb, &peer4, &(struct ip_addr){ .family = IPF_NONE }, our_mac,
	    on_frame, on_segment, NULL);
	group = ip_addr_solicited_node(&peer6);
	ns = ndp_in(NDP_NS, &client6, &group, &peer6, true);
	neigh_on_ndp(nb, &ns);
	assert_int_equal(nsent, 0);
	assert_int_equal(nb->st.ndp_ignored, 1);
}

/* Someone probing for our address is told it is taken, to all nodes. */
static void
test_duplicate_probe_defended(void **state)
{
	struct ip_addr any = ip_addr_v6((const uint8_t[16]){ 0 });
	struct ip_addr group = ip_addr_solicited_node(&peer6);
	struct frame ns = ndp_in(NDP_NS, &any, &group, &peer6, false);
	uint8_t mac[6];

	(void)state;
	neigh_on_ndp(nb, &ns);
	assert_int_equal(nsent, 1);
	assert_int_equal(sent[0].u.ndp.na_flags,
	    NDP_NA_OVERRIDE); /* not Solicited */
	assert_int_equal(sent[0].u.ndp.dst.b[0], 0xff);
	assert_int_equal(sent[0].u.ndp.dst.b[15], 1); /* ff02::1 */
	assert_memory_equal(sent[0].eth_dst, "\x33\x33\x00\x00\x00\x01", 6);
	assert_false(arp_cache_lookup(&nb->cache, &any, mac));
}

static void
test_arp(void **state)
{
	struct frame req;
	uint8_t mac[6];

	(void)state;
	memset(&req, 0, sizeof(req));
	req.kind = FRAME_ARP;
	req.u.arp.op = ARP_REQUEST;
	req.u.arp.spa = 0xc0000201u;
	req.u.arp.tpa = 0xc0000202u;
	memcpy(req.u.arp.sha, client_mac, 6);
	neigh_on_arp(nb, &req);
	assert_int_equal(nsent, 1);
	assert_int_equal(sent[0].u.arp.op, ARP_REPLY);
	assert_int_equal(sent[0].u.arp.spa, 0xc0000202u);
	assert_memory_equal(sent[0].u.arp.sha, our_mac, 6);
	assert_true(arp_cache_lookup(&nb->cache, &client4, mac));
	req.u.arp.tpa = 0xc0000203u;
	neigh_on_arp(nb, &req);
	assert_int_equal(nsent, 1);
	assert_int_equal(nb->st.arp_answered, 1);
	assert_int_equal(nb->st.arp_ignored, 1);
}

/* We speak first: one NS per address, segments held, sent on the answer. */
static void
test_output_asks_and_holds(void **state)
{
	struct segment syn = { .saddr = peer6,
		.daddr = client6,
		.sport = 41000,
		.dport = 9000,
		.flags = TCPF_SYN };
	struct segment data = syn;
	struct ip_addr group = ip_addr_solicited_node(&client6);
	struct frame na;

	(void)state;
	neigh_output(nb, &syn);
	assert_int_equal(nsent, 1);
	assert_int_equal(sent[0].u.ndp.type, NDP_NS);
	assert_true(ip_addr_eq(&sent[0].u.ndp.src, &peer6));
	assert_true(ip_addr_eq(&sent[0].u.ndp.dst, &group));
	assert_true(ip_addr_eq(&sent[0].u.ndp.target, &client6));
	assert_memory_equal(sent[0].u.ndp.lla, our_mac, 6);
	assert_memory_equal(sent[0].eth_dst, "\x33\x33\xff\x00\x00\x01", 6);
	data.flags = TCPF_ACK | TCPF_PSH;
	data.payload = (const uint8_t *)"x";
	data.payload_len = 1;
	neigh_output(nb, &data); /* data does not wait: TCP resends it */
	assert_int_equal(nb->st.no_mac, 1);
	assert_int_equal(nsegs, 0);
	/* An advertisement claiming our own address teaches nothing. */
	na = ndp_in(NDP_NA, &client6, &peer6, &peer6, true);
	neigh_on_ndp(nb, &na);
	assert_int_equal(nb->st.ndp_ignored, 1);
	na = ndp_in(NDP_NA, &client6, &peer6, &client6, true);
	neigh_on_ndp(nb, &na);
	assert_int_equal(nsegs, 1);
	assert_memory_equal(seg_mac[0], client_mac, 6);
	assert_int_equal(segs[0].flags, TCPF_SYN);
	neigh_output(nb, &data); /* known now: straight out */
	assert_int_equal(nsegs, 2);
	assert_int_equal(segs[1].payload_len, 1);
}

/*
 * The question or its answer is lost: TCP's retransmission of the held
 * SYN asks again and waits in its place, so one answer sends it once.
 */
static void
test_lost_question_asked_again(void **state)
{
	struct segment syn = { .saddr = peer6,
		.daddr = client6,
		.sport = 41000,
		.dport = 9000,
		.seq = 7,
		.flags = TCPF_SYN };
	struct segment other = syn;
	struct frame na;

	(void)state;
	neigh_output(nb, &syn);
	other.sport = 41001; /* another connection: it waits, no question */
	neigh_output(nb, &other);
	assert_int_equal(nsent, 1);
	neigh_output(nb, &syn); /* no answer came: the retransmission asks */
	assert_int_equal(nsent, 2);
	assert_int_equal(sent[1].u.ndp.type, NDP_NS);
	assert_true(ip_addr_eq(&sent[1].u.ndp.target, &client6));
	assert_int_equal(nb->nheld, 2);
	na = ndp_in(NDP_NA, &client6, &peer6, &client6, true);
	neigh_on_ndp(nb, &na);
	assert_int_equal(nsegs, 2);
	assert_int_equal(segs[0].sport, 41000);
	assert_int_equal(segs[1].sport, 41001);
	assert_int_equal(nb->nheld, 0);
}

/* Over IPv4 the question is an ARP broadcast; a full queue drops, counted. */
static void
test_output_ipv4_and_full_queue(void **state)
{
	struct segment syn = { .saddr = peer4,
		.daddr = client4,
		.sport = 41000,
		.dport = 9000,
		.flags = TCPF_SYN };
	size_t i;

	(void)state;
	for (i = 0; i < NEIGH_MAX_HELD + 1; i++) {
		syn.sport = (uint16_t)(41000 + i); /* as many connections */
		neigh_output(nb, &syn);
	}
	assert_int_equal(nsent, 1);
	assert_int_equal(sent[0].kind, FRAME_ARP);
	assert_int_equal(sent[0].u.arp.op, ARP_REQUEST);
	assert_int_equal(sent[0].u.arp.tpa, 0xc0000201u);
	assert_memory_equal(sent[0].eth_dst, "\xff\xff\xff\xff\xff\xff", 6);
	assert_int_equal(nb->nheld, NEIGH_MAX_HELD);
	assert_int_equal(nb->st.no_mac, 1);
	neigh_learn(nb, &client4, client_mac);
	assert_int_equal(nsegs, NEIGH_MAX_HELD);
	assert_int_equal(nb->nheld, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ns_for_us_answered, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ns_for_others_ignored,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_probe_defended,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_arp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_output_asks_and_holds,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_lost_question_asked_again,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_output_ipv4_and_full_queue,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
