/*
 * capture.c - libpcap in the mode a TCP endpoint needs: immediate delivery
 * (a peer that waits for a buffer to fill answers late) and nanosecond
 * timestamps (close() durations are measured in milliseconds, so the wire
 * record must be much finer).
 */
#include "capture.h"

#include <errno.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "frame.h"
#include "timeunit.h"

#define CAPTURE_SNAPLEN 65535
#define CAPTURE_BATCH	512

struct capture {
	pcap_t *pc;
	int fd;
	capture_fn fn;
	void *arg;
	uint64_t cut; /* frames longer than libpcap's slot */
};

static struct capture *
fail(struct capture *c, char *err, size_t errlen, const char *what,
    const char *iface, const char *detail, const char *hint)
{
	snprintf(err, errlen, "capture on %s: %s failed: %s%s%s", iface, what,
	    detail, hint ? "; " : "", hint ? hint : "");
	if (c != NULL) {
		if (c->pc != NULL)
			pcap_close(c->pc);
		free(c);
	}
	return NULL;
}

/*
 * ARP whose target is our IPv4 address (requests for it, replies to us),
 * and TCP addressed to it; IPv6 to our address that is TCP or starts with
 * an extension header (the codec walks those: a filter cannot, the kernel
 * runs no loops), NS whose target is our IPv6 address (ICMPv6 type 135,
 * target at ip6[48:16]) and NA sent to it. Nothing else ever needs to wake
 * us: not the link's MLD reports and router solicitations, not NDP about
 * other hosts.
 */
static void
filter_expr(const struct ip_addr *v4, const struct ip_addr *v6, char *buf,
    size_t len)
{
	char a6[IP_ADDR_STRLEN];
	uint32_t a = ip_addr_to_v4(v4);
	size_t n = 0;

	buf[0] = '\0';
	if (ip_addr_is_v4(v4))
		n = (size_t)snprintf(buf, len,
		    "(arp and arp[24:4] = 0x%08x) or (tcp and dst host "
		    "%u.%u.%u.%u)",
		    a, a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
	if (!ip_addr_is_v6(v6) || n >= len)
		return;
	ip_addr_format(v6, a6, sizeof(a6));
	snprintf(buf + n, len - n,
	    "%s(ip6 dst host %s and (ip6 proto 6 or ip6 proto 0 or "
	    "ip6 proto 60 or ip6 proto 43 or ip6 proto 44)) or (ip6 proto 58 and "
	    "((ip6[40] = 135 and ip6[48:4] = 0x%08x and ip6[52:4] = 0x%08x and "
	    "ip6[56:4] = 0x%08x and ip6[60:4] = 0x%08x) or (ip6[40] = 136 and "
	    "ip6 dst host %s)))",
	    n > 0 ? " or " : "", a6,
	    (unsigned)v6->b[0] << 24 | (unsigned)v6->b[1] << 16 |
		(unsigned)v6->b[2] << 8 | v6->b[3],
	    (unsigned)v6->b[4] << 24 | (unsigned)v6->b[5] << 16 |
		(unsigned)v6->b[6] << 8 | v6->b[7],
	    (unsigned)v6->b[8] << 24 | (unsigned)v6->b[9] << 16 |
		(unsigned)v6->b[10] << 8 | v6->b[11],
	    (unsigned)v6->b[12] << 24 | (unsigned)v6->b[13] << 16 |
		(unsigned)v6->b[14] << 8 | v6->b[15],
	    a6);
}

static int
set_filter(pcap_t *pc, const struct ip_addr *v4, const struct ip_addr *v6,
    char *detail, size_t len)
{
	struct bpf_program prog;
	char expr[768];
	int rc;

	filter_expr(v4, v6, expr, sizeof(expr));
	if (pcap_compile(pc, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(detail, len, "%s", pcap_geterr(pc));
		return -1;
	}
	rc = pcap_setfilter(pc, &prog);
	pcap_freecode(&prog);
	if (rc < 0)
		snprintf(detail, len, "%s", pcap_geterr(pc));
	return rc;
}

/*
 * A client asks for our IPv6 address at its solicited-node group's
 * Ethernet address. A veth hands every frame up, but a real NIC drops
 * groups no one joined, and no kernel here owns the address to join it:
 * the capture's own packet socket does, for as long as it is open.
 */
static int
join_solicited_node(pcap_t *pc, const char *iface, const struct ip_addr *v6,
    char *detail, size_t len)
{
	struct ip_addr group = ip_addr_solicited_node(v6);
	struct packet_mreq mr;

	memset(&mr, 0, sizeof(mr));
	mr.mr_ifindex = (int)if_nametoindex(iface);
	mr.mr_type = PACKET_MR_MULTICAST;
	mr.mr_alen = 6;
	eth_multicast6(&group, mr.mr_address);
	if (mr.mr_ifindex == 0 ||
	    setsockopt(pcap_fileno(pc), SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr,
		sizeof(mr)) < 0) {
		snprintf(detail, len,
		    "%s; without it a NIC may drop the Neighbor "
		    "Solicitations for our address",
		    strerror(errno));
		return -1;
	}
	return 0;
}

static const char *
activate_hint(int rc)
{
	switch (rc) {
	case PCAP_ERROR_PERM_DENIED:
		return "run as root or with CAP_NET_RAW (or inside the sandbox)";
	case PCAP_ERROR_NO_SUCH_DEVICE:
		return "check the interface name with 'ip link'";
	case PCAP_ERROR_IFACE_NOT_UP:
		return "bring the interface up first ('ip link set IFACE up')";
	default: return NULL;
	}
}

struct capture *
capture_open(const char *iface, const struct ip_addr *addr4,
    const struct ip_addr *addr6, size_t buffer, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "", detail[PCAP_ERRBUF_SIZE + 64];
	struct capture *c;
	int rc;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return fail(NULL, err, errlen, "allocation", iface,
		    "out of memory", NULL);
	if ((c->pc = pcap_create(iface, ebuf)) == NULL)
		return fail(c, err, errlen, "pcap_create", iface, ebuf, NULL);
	if (pcap_set_immediate_mode(c->pc, 1) != 0 ||
	    pcap_set_snaplen(c->pc, CAPTURE_SNAPLEN) != 0 ||
	    pcap_set_buffer_size(c->pc, (int)buffer) != 0 ||
	    pcap_set_tstamp_precision(c->pc, PCAP_TSTAMP_PRECISION_NANO) != 0)
		return fail(c, err, errlen, "pcap_set_*", iface,
		    pcap_geterr(c->pc),
		    "libpcap 1.5 or newer is needed for nanosecond timestamps");
	if ((rc = pcap_activate(c->pc)) < 0)
		return fail(c, err, errlen, "pcap_activate", iface,
		    pcap_statustostr(rc), activate_hint(rc));
	if (pcap_datalink(c->pc) != DLT_EN10MB)
		return fail(c, err, errlen, "link type check", iface,
		    "not an Ethernet link",
		    "lingerpeer needs an Ethernet-like link such as a veth");
	/* Our own injected frames come back on a packet socket; never treat
	 * them as the client's. */
	if (pcap_setdirection(c->pc, PCAP_D_IN) < 0)
		return fail(c, err, errlen, "pcap_setdirection", iface,
		    pcap_geterr(c->pc), NULL);
	if (set_filter(c->pc, addr4, addr6, detail, sizeof(detail)) < 0)
		return fail(c, err, errlen, "the BPF filter", iface, detail,
		    NULL);
	if (ip_addr_is_v6(addr6) &&
	    join_solicited_node(c->pc, iface, addr6, detail, sizeof(detail)) <
		0)
		return fail(c, err, errlen, "joining the solicited-node group",
		    iface, detail, NULL);
	if (pcap_setnonblock(c->pc, 1, ebuf) < 0)
		return fail(c, err, errlen, "pcap_setnonblock", iface, ebuf,
		    NULL);
	if ((c->fd = pcap_get_selectable_fd(c->pc)) < 0)
		return fail(c, err, errlen, "pcap_get_selectable_fd", iface,
		    "no pollable descriptor", NULL);
	return c;
}

int
capture_fd(const struct capture *c)
{
	return c->fd;
}

static void
on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct capture *c = (struct capture *)user;
	/* With nanosecond precision, tv_usec holds nanoseconds. */
	uint64_t wall =
	    (uint64_t)h->ts.tv_sec * NS_PER_S + (uint64_t)h->ts.tv_usec;

	/*
	 * libpcap sizes its ring slots by the link's MTU when the link has no
	 * offloads, so a super-segment from a sender that has them arrives cut
	 * short (and fails decode as ip-truncated). Counted, so it can be said.
	 */
	if (h->caplen < h->len)
		c->cut++;
	c->fn(c->arg, bytes, h->caplen, wall);
}

int
capture_drain(struct capture *c, capture_fn fn, void *arg, char *err,
    size_t errlen)
{
	int n, total = 0;

	c->fn = fn;
	c->arg = arg;
	do {
		n = pcap_dispatch(c->pc, CAPTURE_BATCH, on_packet, (u_char *)c);
		if (n < 0) {
			snprintf(err, errlen,
			    "capture: reading frames failed: %s",
			    pcap_geterr(c->pc));
			return -1;
		}
		total += n;
	} while (n == CAPTURE_BATCH);
	return total;
}

uint64_t
capture_kernel_drops(struct capture *c)
{
	struct pcap_stat st;

	if (pcap_stats(c->pc, &st) < 0)
		return 0;
	return st.ps_drop;
}

uint64_t
capture_cut(const struct capture *c)
{
	return c->cut;
}

void
capture_close(struct capture *c)
{
	if (c == NULL)
		return;
	pcap_close(c->pc);
	free(c);
}
