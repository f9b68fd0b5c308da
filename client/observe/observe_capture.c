/*
 * observe_capture.c - the client link's TCP to and from lingerpeer's
 * addresses, both families, each segment kept with its addresses so that
 * connections are told apart by four-tuple (observe_conn.c).
 *
 * It opens libpcap as the runner does (run_pcap.h), but keeps its own
 * capture rather than the runner's (run_capture.c):
 * the runner's keeps ports only, for one peer address, and classifies as
 * it goes, for a case whose steps block; observe's program runs in another
 * process, so the poll loop reads the capture itself, and classifies once
 * at the end (cmd_observe.c), which keeps a long run linear.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "observe_run.h"
#include "platform.h"
#include "run_pcap.h"
#include "timeunit.h"

#define CAPTURE_BUFFER	 (32 << 20)
/* A run that sends more is cut there, and says so. */
#define CAPTURE_MAX_SEGS (16u << 20)

struct ob_capture {
	pcap_t *p;
	pcap_dumper_t *dump;
	char iface[32];
	struct ip_addr peers[2];
	size_t npeers;
	int64_t rt_offset; /* realtime - monotonic, ns: stamps to our clock */
	uint64_t t0;
};

struct ob_capture *
ob_cap_open(const char *iface, const struct ip_addr *peers, size_t npeers,
    const char *pcap_path, char *err, size_t errlen)
{
	struct ob_capture *c = calloc(1, sizeof(*c));

	if (c == NULL) {
		snprintf(err, errlen, "out of memory for a capture");
		return NULL;
	}
	snprintf(c->iface, sizeof(c->iface), "%s", iface);
	c->npeers = npeers < 2 ? npeers : 2;
	memcpy(c->peers, peers, c->npeers * sizeof(*peers));
	c->p = rcap_pcap_open(c->iface, CAPTURE_BUFFER, c->peers, c->npeers,
	    err, errlen);
	if (c->p == NULL)
		goto fail;
	if (pcap_path != NULL &&
	    (c->dump = pcap_dump_open(c->p, pcap_path)) == NULL) {
		snprintf(err, errlen,
		    "cannot write the capture to %s: %s (check that its "
		    "directory exists and is writable)",
		    pcap_path, pcap_geterr(c->p));
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

void
ob_cap_start(struct ob_capture *c, uint64_t t0)
{
	c->t0 = t0;
}

int
ob_cap_fd(const struct ob_capture *c)
{
	return pcap_get_selectable_fd(c->p);
}

static bool
is_peer(const struct ob_capture *c, const struct ip_addr *a)
{
	size_t i;

	for (i = 0; i < c->npeers; i++)
		if (ip_addr_eq(&c->peers[i], a))
			return true;
	return false;
}

/* Room for one more segment and its addresses. */
static int
grow(struct ob_run_result *res)
{
	struct obs_segment *s;
	struct ob_seg_addrs *a;
	size_t cap;

	if (res->nsegs < res->segs_cap)
		return 0;
	if (res->segs_cap >= CAPTURE_MAX_SEGS)
		return -1;
	cap = res->segs_cap == 0 ? 1024 : res->segs_cap * 2;
	if ((s = realloc(res->segs, cap * sizeof(*s))) == NULL)
		return -1;
	res->segs = s;
	if ((a = realloc(res->addrs, cap * sizeof(*a))) == NULL)
		return -1;
	res->addrs = a;
	res->segs_cap = cap;
	return 0;
}

/* A frame as a segment; false if it is no TCP segment we can read. */
static bool
decode(const struct ob_capture *c, const struct pcap_pkthdr *h,
    const u_char *data, struct obs_segment *s, struct ob_seg_addrs *a)
{
	struct frame f;
	int64_t mono;

	/* Checksums are not ours to judge: outgoing ones may be offloaded. */
	if (frame_decode(data, h->caplen, false, &f) != FRAME_OK ||
	    f.kind != FRAME_TCP)
		return false;
	memset(s, 0, sizeof(*s));
	/* With nanosecond precision, tv_usec holds nanoseconds. */
	mono = (int64_t)((uint64_t)h->ts.tv_sec * NS_PER_S +
		   (uint64_t)h->ts.tv_usec) -
	    c->rt_offset;
	s->t_ns = mono > (int64_t)c->t0 ? (uint64_t)mono - c->t0 : 0;
	s->from_client = !is_peer(c, &f.u.seg.saddr);
	a->client = s->from_client ? f.u.seg.saddr : f.u.seg.daddr;
	a->peer = s->from_client ? f.u.seg.daddr : f.u.seg.saddr;
	s->sport = f.u.seg.sport;
	s->dport = f.u.seg.dport;
	s->seq = f.u.seg.seq;
	s->ack = f.u.seg.ack;
	s->flags = f.u.seg.flags;
	s->window = f.u.seg.window;
	s->len = f.u.seg.payload_len;
	return true;
}

int
ob_cap_read(struct ob_capture *c, struct ob_run_result *res, char *err,
    size_t errlen)
{
	const u_char *data;
	struct pcap_pkthdr *h;
	int rc, n = 0;

	while ((rc = pcap_next_ex(c->p, &h, &data)) == 1) {
		n++;
		if (c->dump != NULL)
			pcap_dump((u_char *)c->dump, h, data);
		if (grow(res) == -1) {
			snprintf(err, errlen,
			    "more segments than observe can hold (or out of "
			    "memory) after %zu: the capture stops there",
			    res->nsegs);
			return -1;
		}
		if (decode(c, h, data, &res->segs[res->nsegs],
			&res->addrs[res->nsegs]))
			res->nsegs++;
	}
	/* A run killed later keeps the frames seen so far. */
	if (n > 0 && c->dump != NULL)
		(void)pcap_dump_flush(c->dump);
	if (rc == 0)
		return 0;
	snprintf(err, errlen, "capture on %s failed: %s", c->iface,
	    pcap_geterr(c->p));
	return -1;
}

void
ob_cap_close(struct ob_capture *c, uint64_t *drops)
{
	struct pcap_stat st;

	if (c == NULL)
		return;
	if (pcap_stats(c->p, &st) == 0)
		*drops = (uint64_t)st.ps_drop + st.ps_ifdrop;
	if (c->dump != NULL)
		pcap_dump_close(c->dump);
	pcap_close(c->p);
	free(c);
}
