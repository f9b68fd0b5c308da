/*
 * run_capture.c - what crossed the client's link, both directions, as
 * struct obs_segment: libpcap in immediate mode with nanosecond time
 * stamps, decoded by the peer's own codec (peer/frame.h), optionally
 * written to a pcap file as well.
 *
 * libpcap exists on every system lingerlab means to run on (Npcap on
 * Windows), so this file is not part of the platform layer; only the
 * clock conversion is.
 */
#include <pcap/pcap.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "run_int.h"
#include "run_wire.h"

/*
 * Big enough for the frames of a blocking send() of a few MiB: the worker
 * reads the capture only between steps, and a lost frame is a gap in
 * what the evaluator sees.
 */
#define CAPTURE_BUFFER (32 << 20)
#define CAPTURE_SNAPLEN 65535

struct run_capture {
	pcap_t *p;
	pcap_dumper_t *dump;
	uint32_t peer_addr;
	bool filter_ports;	/* keep only the case's own connections */
	int64_t rt_offset;	/* wall clock - monotonic clock, ns */
	char iface[64];
};

static int
setup(pcap_t *p, uint32_t peer_addr, char *err, size_t errlen)
{
	struct bpf_program prog;
	struct in_addr in = { .s_addr = htonl(peer_addr) };
	char filter[64], a[INET_ADDRSTRLEN];

	if (pcap_set_immediate_mode(p, 1) != 0 ||
	    pcap_set_snaplen(p, CAPTURE_SNAPLEN) != 0 ||
	    pcap_set_buffer_size(p, CAPTURE_BUFFER) != 0 ||
	    pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO) != 0 ||
	    pcap_activate(p) < 0 || pcap_setnonblock(p, 1, err) == -1) {
		snprintf(err, errlen, "%s", pcap_geterr(p));
		return -1;
	}
	if (pcap_datalink(p) != DLT_EN10MB) {
		snprintf(err, errlen, "its link type is %s; lingerlab decodes "
		    "Ethernet only (give an Ethernet or veth interface)",
		    pcap_datalink_val_to_name(pcap_datalink(p)));
		return -1;
	}
	inet_ntop(AF_INET, &in, a, sizeof(a));
	snprintf(filter, sizeof(filter), "tcp and host %s", a);
	if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) == -1) {
		snprintf(err, errlen, "filter '%s': %s", filter, pcap_geterr(p));
		return -1;
	}
	if (pcap_setfilter(p, &prog) == -1) {
		snprintf(err, errlen, "filter '%s': %s", filter, pcap_geterr(p));
		pcap_freecode(&prog);
		return -1;
	}
	pcap_freecode(&prog);
	return 0;
}

struct run_capture *
rcap_open(const char *iface, uint32_t peer_addr, const char *pcap_path,
    bool filter_ports, char *err, size_t errlen)
{
	char pe[PCAP_ERRBUF_SIZE] = "", why[PCAP_ERRBUF_SIZE + 160];
	struct run_capture *c = calloc(1, sizeof(*c));

	if (c == NULL) {
		snprintf(err, errlen, "out of memory for a capture");
		return NULL;
	}
	c->peer_addr = peer_addr;
	c->filter_ports = filter_ports;
	snprintf(c->iface, sizeof(c->iface), "%s", iface);
	c->p = pcap_create(iface, pe);
	if (c->p == NULL || setup(c->p, peer_addr, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "cannot capture on %s: %s (capturing "
		    "needs root or CAP_NET_RAW)", iface, c->p == NULL ? pe : why);
		goto fail;
	}
	if (pcap_path != NULL &&
	    (c->dump = pcap_dump_open(c->p, pcap_path)) == NULL) {
		snprintf(err, errlen, "cannot write the capture to %s: %s "
		    "(check that --pcap-dir exists and is writable)", pcap_path,
		    pcap_geterr(c->p));
		goto fail;
	}
	c->rt_offset = plat_realtime_offset_ns();
	return c;
fail:
	if (c->p != NULL)
		pcap_close(c->p);
	free(c);
	return NULL;
}

int
rcap_fd(const struct run_capture *c)
{
	return pcap_get_selectable_fd(c->p);
}

/*
 * Whether a segment belongs to one of the case's own connections: by both
 * ports, because the connections a server accepts share its port with
 * those of earlier cases, still retransmitting.
 */
static bool
ours(const struct case_obs *obs, const struct obs_segment *s)
{
	uint16_t lport = s->from_client ? s->sport : s->dport;
	uint16_t rport = s->from_client ? s->dport : s->sport;
	size_t i;

	for (i = 0; i < SCN_MAX_SOCKS; i++)
		if (obs->socks[i].connected && obs->socks[i].lport == lport &&
		    obs->socks[i].rport == rport)
			return true;
	return false;
}

/* A frame as a segment; -1 if it is no TCP segment we can read. */
static int
decode(const struct run_capture *c, const struct pcap_pkthdr *h,
    const u_char *data, uint64_t t0, struct obs_segment *s)
{
	struct frame f;
	uint64_t ts;
	int64_t mono;

	/* Checksums are not ours to judge: outgoing ones may be offloaded. */
	if (frame_decode(data, h->caplen, false, &f) != FRAME_OK ||
	    f.kind != FRAME_TCP)
		return -1;
	memset(s, 0, sizeof(*s));
	/* With nanosecond precision, tv_usec holds nanoseconds. */
	ts = (uint64_t)h->ts.tv_sec * 1000000000u + (uint64_t)h->ts.tv_usec;
	mono = (int64_t)ts - c->rt_offset;
	s->t_ns = mono > (int64_t)t0 ? (uint64_t)mono - t0 : 0;
	s->from_client = f.u.seg.saddr != c->peer_addr;
	s->sport = f.u.seg.sport;
	s->dport = f.u.seg.dport;
	s->seq = f.u.seg.seq;
	s->ack = f.u.seg.ack;
	s->flags = f.u.seg.flags;
	s->window = f.u.seg.window;
	s->len = f.u.seg.payload_len;
	return 0;
}

int
rcap_drain(struct run_capture *c, struct case_obs *obs, uint64_t t0,
    char *err, size_t errlen)
{
	const u_char *data;
	struct pcap_pkthdr *h;
	struct obs_segment s;
	int rc, added = 0;

	while ((rc = pcap_next_ex(c->p, &h, &data)) == 1) {
		if (c->dump != NULL)
			pcap_dump((u_char *)c->dump, h, data);
		if (decode(c, h, data, t0, &s) == -1)
			continue;
		if (c->filter_ports && !ours(obs, &s))
			continue;
		if (case_obs_add_segment(obs, &s) == -1) {
			snprintf(err, errlen, "out of memory after %zu "
			    "segments", obs->nsegs);
			return -1;
		}
		added++;
	}
	if (rc == 0)
		return added;
	snprintf(err, errlen, "capture on %s failed: %s", c->iface,
	    pcap_geterr(c->p));
	return -1;
}

void
rcap_close(struct run_capture *c, uint64_t *drops)
{
	struct pcap_stat st;

	if (c == NULL)
		return;
	*drops = 0;
	if (pcap_stats(c->p, &st) == 0)
		*drops = (uint64_t)st.ps_drop + st.ps_ifdrop;
	if (c->dump != NULL)
		pcap_dump_close(c->dump);
	pcap_close(c->p);
	free(c);
}
