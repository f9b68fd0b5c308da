/*
 * blaster.c - raw frames for the flood test (see blaster.h).
 */
#include "blaster.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "frame.h"

#define BATCH	64
#define ETH	14
#define IP_OFF	ETH
#define TCP_OFF (ETH + 20) /* frame_encode_tcp writes no IP options */
#define L4_OFF6 (ETH + 40) /* nor IPv6 extension headers */

static const char *const kind_names[BK_COUNT] = {
	"random",
	"eth-short",
	"ip-truncated",
	"ip-bad-csum",
	"ip-bad-header",
	"ip-bad-length",
	"ip-fragment",
	"tcp-bad-csum",
	"tcp-bad-offset",
	"tcp-bad-option",
	"tcp-random",
	"ipv6",
	"arp-junk",
	"udp",
	"ip6-truncated",
	"ip6-bad-ext",
	"ip6-fragment",
	"ip6-tcp-bad-csum",
	"ip6-tcp-random",
	"ndp-malformed",
	"ndp-other",
	"mld-noise",
};

const char *
blaster_kind_name(enum blast_kind k)
{
	return (unsigned)k < BK_COUNT ? kind_names[k] : "?";
}

/* xorshift64*: fast, and the same run for the same seed. */
static uint64_t
rnd(struct blaster *b)
{
	b->rng ^= b->rng >> 12;
	b->rng ^= b->rng << 25;
	b->rng ^= b->rng >> 27;
	return b->rng * 2685821657736338717ull;
}

int
blaster_open(struct blaster *b, const char *iface, const uint8_t dst_mac[6],
    uint32_t src_ip, uint32_t dst_ip, uint16_t dst_port, uint64_t seed)
{
	struct sockaddr_ll sll;
	struct ifreq ifr;
	int one = 1;

	memset(b, 0, sizeof(*b));
	memcpy(b->dst_mac, dst_mac, 6);
	b->src_ip = src_ip;
	b->dst_ip = dst_ip;
	b->dst_port = dst_port;
	b->rng = seed | 1;
	if ((b->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", iface);
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = (int)if_nametoindex(iface);
	if (sll.sll_ifindex == 0 || ioctl(b->fd, SIOCGIFHWADDR, &ifr) < 0 ||
	    bind(b->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		close(b->fd);
		b->fd = -1;
		return -1;
	}
	memcpy(b->src_mac, ifr.ifr_hwaddr.sa_data, 6);
	/* Straight to the driver: the flood is the point, not the qdisc. */
	(void)setsockopt(b->fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one,
	    sizeof(one));
	return 0;
}

void
blaster_set_ipv6(struct blaster *b, const struct ip_addr *src6,
    const struct ip_addr *dst6)
{
	b->src6 = *src6;
	b->dst6 = *dst6;
}

void
blaster_close(struct blaster *b)
{
	if (b->fd >= 0)
		close(b->fd);
	b->fd = -1;
}

/* A well-formed SYN with the options Linux sends. */
static size_t
base_syn(struct blaster *b, uint8_t *buf, size_t cap, uint32_t saddr,
    uint16_t sport, const uint8_t src_mac[6])
{
	struct segment s = {
		.saddr = ip_addr_v4(saddr),
		.daddr = ip_addr_v4(b->dst_ip),
		.sport = sport,
		.dport = b->dst_port,
		.seq = (uint32_t)rnd(b),
		.flags = TCPF_SYN,
		.window = 64240,
		.opt = { .has_mss = true,
		    .mss = 1460,
		    .sack_ok = true,
		    .has_ts = true,
		    .ts_val = (uint32_t)rnd(b),
		    .has_wscale = true,
		    .wscale = 7 },
	};

	return frame_encode_tcp(buf, cap, src_mac, b->dst_mac, &s,
	    (uint16_t)rnd(b), 64);
}

/* The same SYN over IPv6, from src6 to dst6. */
static size_t
base_syn6(struct blaster *b, uint8_t *buf, size_t cap, uint16_t sport)
{
	struct segment s = {
		.saddr = b->src6,
		.daddr = b->dst6,
		.sport = sport,
		.dport = b->dst_port,
		.seq = (uint32_t)rnd(b),
		.flags = TCPF_SYN,
		.window = 64800,
		.opt = { .has_mss = true,
		    .mss = 1440,
		    .sack_ok = true,
		    .has_ts = true,
		    .ts_val = (uint32_t)rnd(b),
		    .has_wscale = true,
		    .wscale = 7 },
	};

	return frame_encode_tcp(buf, cap, b->src_mac, b->dst_mac, &s, 0, 64);
}

/* An NS from src6 for target, to target's solicited-node group. */
static size_t
base_ns(struct blaster *b, uint8_t *buf, size_t cap,
    const struct ip_addr *target)
{
	struct ndp_msg ns = { .type = NDP_NS,
		.has_lla = true,
		.src = b->src6,
		.target = *target };
	uint8_t group[6];

	ns.dst = ip_addr_solicited_node(target);
	memcpy(ns.lla, b->src_mac, 6);
	eth_multicast6(&ns.dst, group);
	return frame_encode_ndp(buf, cap, b->src_mac, group, &ns);
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
fix_ip_csum(uint8_t *f)
{
	put16(f + IP_OFF + 10, 0);
	put16(f + IP_OFF + 10, inet_csum(f + IP_OFF, 20, 0));
}

static void
fix_tcp_csum(struct blaster *b, uint8_t *f, size_t len)
{
	put16(f + TCP_OFF + 16, 0);
	put16(f + TCP_OFF + 16,
	    tcp_csum_ipv4(b->src_ip, b->dst_ip, f + TCP_OFF, len - TCP_OFF));
}

static size_t
fill_random(struct blaster *b, uint8_t *f, size_t from, size_t len)
{
	size_t i;

	for (i = from; i < len; i++)
		f[i] = (uint8_t)rnd(b);
	return len;
}

/* The checksum of what follows the IPv6 header: TCP's at 16, ICMPv6's at 2. */
static void
fix_l4_csum6(uint8_t *f, size_t len, uint8_t proto)
{
	struct ip_addr src = ip_addr_v6(f + ETH + 8),
		       dst = ip_addr_v6(f + ETH + 24);
	size_t at = proto == 6 ? 16 : 2, l4 = len - L4_OFF6;

	put16(f + L4_OFF6 + at, 0);
	put16(f + L4_OFF6 + at,
	    inet_csum(f + L4_OFF6, l4,
		l4_pseudo_ipv6(&src, &dst, (uint32_t)l4, proto)));
}

/*
 * An MLDv2 report from :: behind its Router Alert, as a link sends by
 * itself; its checksum is left zero, since no one may ever read it.
 */
static size_t
base_mld(struct blaster *b, uint8_t *f)
{
	static const uint8_t head[] = {
		0x33,
		0x33,
		0,
		0,
		0,
		0x16,
		0,
		0,
		0,
		0,
		0,
		0,
		0x86,
		0xdd,
		0x60,
		0,
		0,
		0,
		0,
		36,
		0,
		1,
	};

	memset(f, 0, 90);
	memcpy(f, head, sizeof(head));
	memcpy(f + 6, b->src_mac, 6);
	f[38] = 0xff; /* to ff02::16 */
	f[39] = 0x02;
	f[53] = 0x16;
	memcpy(f + 54, "\x3a\x00\x05\x02\x00\x00\x01\x00", 8);
	f[62] = 143; /* one record: */
	f[69] = 1;
	f[70] = 4;    /* change to exclude */
	f[74] = 0xff; /* ff02::1:ffxx:xxxx */
	f[75] = 0x02;
	f[85] = 1;
	f[86] = 0xff;
	memcpy(f + 87, b->src6.b + 13, 3);
	return 90;
}

/* The well-formed frame a kind starts from. */
static size_t
base_for(struct blaster *b, enum blast_kind k, uint8_t *buf, size_t cap)
{
	struct ip_addr other = b->dst6;
	uint16_t sport =
	    (uint16_t)(1024 + rnd(b) % 31000); /* never a real client's */

	other.b[15] ^= 1;
	switch (k) {
	case BK_NDP_MALFORMED: return base_ns(b, buf, cap, &b->dst6);
	case BK_NDP_OTHER: return base_ns(b, buf, cap, &other);
	case BK_MLD_NOISE: return base_mld(b, buf);
	default:
		if (k >= BK_FIRST_IP6)
			return base_syn6(b, buf, cap, sport);
		return base_syn(b, buf, cap, b->src_ip, sport, b->src_mac);
	}
}

/* Break an IPv6 kind's frame (see breakit). */
static size_t
breakit6(struct blaster *b, enum blast_kind k, uint8_t *f, size_t len)
{
	uint64_t r = rnd(b);

	switch (k) {
	case BK_IP6_TRUNCATED: return L4_OFF6 + 1 + r % (len - L4_OFF6 - 1);
	case BK_IP6_BAD_EXT:
		f[ETH + 6] = 0; /* Hop-by-Hop, the TCP bytes as its body */
		f[L4_OFF6 + 1] =
		    (uint8_t)(5 + r % 250); /* 48 bytes or more: past the end */
		return len;
	case BK_IP6_FRAGMENT: f[ETH + 6] = 44; return len;
	case BK_IP6_TCP_BAD_CSUM:
		f[L4_OFF6 + 16] ^= (uint8_t)(1 + r % 255);
		return len;
	case BK_IP6_TCP_RANDOM:
		f[L4_OFF6 + 13] = (uint8_t)(r & ~(uint64_t)TCPF_SYN);
		fill_random(b, f, L4_OFF6 + 4, L4_OFF6 + 12); /* seq, ack */
		fix_l4_csum6(f, len, 6);
		return len;
	case BK_NDP_MALFORMED:
		if (r & 1) {
			f[ETH + 7] = (uint8_t)((r >> 8) %
			    255); /* hop limit, never 255 */
		} else {
			f[L4_OFF6 + 25] = 0; /* an option of length 0 */
			fix_l4_csum6(f, len, 58);
		}
		return len;
	default:
		return len; /* BK_NDP_OTHER, BK_MLD_NOISE: well-formed as built */
	}
}

/* Break the well-formed SYN in f (len bytes) one way; returns the new length. */
static size_t
breakit(struct blaster *b, enum blast_kind k, uint8_t *f, size_t len,
    size_t cap)
{
	uint64_t r;

	if (k >= BK_FIRST_IP6)
		return breakit6(b, k, f, len);
	r = rnd(b);
	switch (k) {
	case BK_RANDOM:
		return fill_random(b, f, 0,
		    ETH + r % (cap - ETH - 4)); /* up to 1514 */
	case BK_ETH_SHORT:
		/* A link will not carry less than a header (the kernel refuses
		 * it), so: a header and a stub of IPv4, 0 to 19 bytes. */
		return fill_random(b, f, ETH, ETH + r % 20);
	case BK_IP_TRUNCATED: return ETH + 1 + r % (len - ETH - 1);
	case BK_IP_BAD_CSUM:
		f[IP_OFF + 10] ^= (uint8_t)(1 + r % 255);
		return len;
	case BK_IP_BAD_HEADER:
		f[IP_OFF] = r & 1 ? (uint8_t)(0x40 | (r >> 8) % 5)
				  :		     /* IHL < 5 */
		    (uint8_t)(0x65 + (r >> 8) % 10); /* version 6 */
		fix_ip_csum(f);
		return len;
	case BK_IP_BAD_LENGTH:
		put16(f + IP_OFF + 2,
		    r & 1 ? (uint16_t)((r >> 8) % 20)
			  : (uint16_t)(len - ETH + 1 + (r >> 8) % 1000));
		fix_ip_csum(f);
		return len;
	case BK_IP_FRAGMENT:
		put16(f + IP_OFF + 6,
		    r & 1 ? 0x2000 : (uint16_t)(1 + (r >> 8) % 0x1fff));
		fix_ip_csum(f);
		return len;
	case BK_TCP_BAD_CSUM:
		f[TCP_OFF + 16] ^= (uint8_t)(1 + r % 255);
		return len;
	case BK_TCP_BAD_OFFSET:
		f[TCP_OFF + 12] =
		    (uint8_t)((r & 1 ? (r >> 8) % 5 : 11 + (r >> 8) % 5) << 4);
		fix_tcp_csum(b, f, len);
		return len;
	case BK_TCP_BAD_OPTION:
		/* The options start with MSS (kind 2, length 4): claim 0 or 60 bytes. */
		f[TCP_OFF + 21] = r & 1 ? 0 : (uint8_t)(41 + (r >> 8) % 200);
		fix_tcp_csum(b, f, len);
		return len;
	case BK_TCP_RANDOM:
		f[TCP_OFF + 13] = (uint8_t)(r & ~(uint64_t)TCPF_SYN);
		fill_random(b, f, TCP_OFF + 4, TCP_OFF + 12); /* seq, ack */
		fix_tcp_csum(b, f, len);
		return len;
	case BK_IPV6:
		put16(f + 12, 0x86dd);
		return fill_random(b, f, ETH, ETH + 40 + r % 200);
	case BK_ARP_JUNK:
		put16(f + 12, 0x0806);
		fill_random(b, f, ETH, ETH + 28 + r % 32);
		if (r &
		    1) { /* aimed at our address, so the peer's filter lets it in */
			f[ETH + 24] = (uint8_t)(b->dst_ip >> 24);
			f[ETH + 25] = (uint8_t)(b->dst_ip >> 16);
			f[ETH + 26] = (uint8_t)(b->dst_ip >> 8);
			f[ETH + 27] = (uint8_t)b->dst_ip;
		}
		return ETH + 28 + r % 32;
	case BK_UDP:
		f[IP_OFF + 9] = 17;
		fix_ip_csum(f);
		return len;
	default: break;
	}
	return len;
}

/* sendmmsg a batch; counts what the kernel took into taken[i]'s kind. */
static uint64_t
send_batch(struct blaster *b, uint8_t frames[][FRAME_MAX], const size_t *lens,
    const int *kinds, unsigned n)
{
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	unsigned i, done = 0, busy = 0;
	uint64_t took = 0;
	int r;

	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < n; i++) {
		iov[i].iov_base = frames[i];
		iov[i].iov_len = lens[i];
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	while (done < n) {
		r = sendmmsg(b->fd, msgs + done, n - done, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == ENOBUFS || errno == EAGAIN) &&
		    ++busy < 100000)
			continue; /* the link is busy: try again, do not lose it */
		if (r <= 0) {
			/* This frame is one the kernel will not send (too short): skip it. */
			b->refused++;
			done++;
			continue;
		}
		for (i = done; i < done + (unsigned)r; i++) {
			if (kinds[i] < 0)
				b->syns++;
			else
				b->sent[kinds[i]]++;
		}
		took += (uint64_t)r;
		done += (unsigned)r;
	}
	return took;
}

uint64_t
blaster_junk(struct blaster *b, uint64_t n)
{
	static uint8_t frames[BATCH][FRAME_MAX];
	size_t lens[BATCH];
	int kinds[BATCH];
	uint64_t took = 0, k = 0;
	unsigned m;

	while (k < n) {
		for (m = 0; m < BATCH && k < n; m++, k++) {
			kinds[m] = (int)(k % BK_COUNT);
			if (kinds[m] >= BK_FIRST_IP6 &&
			    !ip_addr_is_v6(&b->dst6))
				kinds[m] =
				    BK_IPV6; /* no IPv6 addresses to aim at */
			lens[m] = base_for(b, (enum blast_kind)kinds[m],
			    frames[m], FRAME_MAX);
			lens[m] = breakit(b, (enum blast_kind)kinds[m],
			    frames[m], lens[m], FRAME_MAX);
		}
		took += send_batch(b, frames, lens, kinds, m);
	}
	return took;
}

uint64_t
blaster_syns(struct blaster *b, uint64_t n, unsigned spoof_every)
{
	static uint8_t frames[BATCH][FRAME_MAX];
	uint8_t mac[6] = { 0x02, 0x00, 0x5e, 0, 0, 0 };
	size_t lens[BATCH];
	int kinds[BATCH];
	uint64_t took = 0, k = 0, r;
	uint32_t saddr;
	unsigned m;

	while (k < n) {
		for (m = 0; m < BATCH && k < n; m++, k++) {
			kinds[m] = -1;
			r = rnd(b);
			saddr = b->src_ip;
			if (spoof_every > 0 && k % spoof_every == 0) {
				/* 198.51.100.x */
				saddr = 0xc6336400u | (uint32_t)(1 + r % 254);
				mac[3] = (uint8_t)(r >> 8);
				mac[4] = (uint8_t)(r >> 16);
				mac[5] = (uint8_t)(r >> 24);
			}
			lens[m] = base_syn(b, frames[m], FRAME_MAX, saddr,
			    (uint16_t)(1024 + k % 31000),
			    saddr == b->src_ip ? b->src_mac : mac);
		}
		took += send_batch(b, frames, lens, kinds, m);
	}
	return took;
}
