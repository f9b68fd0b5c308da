/*
 * link_notice.c - the two notices about offloads (see the header).
 *
 * Each says what was lost, where, the likely cause and the remedy, with
 * the counter names the stats command shows, since after the notice only
 * the counters go on.
 */
#include "link_notice.h"

#include <inttypes.h>
#include <stdio.h>

const char *
link_notice_bad_csum(char *buf, size_t len, const char *iface, uint64_t tcp_bad,
    uint64_t ip_bad)
{
	uint64_t n = tcp_bad + ip_bad;

	snprintf(buf, len,
	    "dropped %" PRIu64 " frame%s with a bad checksum on %s "
	    "(tcp-bad-csum=%" PRIu64 " ip-bad-csum=%" PRIu64
	    "): neither correct nor "
	    "the partial checksum a Linux sender leaves for offload, so what they "
	    "carried (SYNs, data, FINs) is ignored and the peer looks dead to their "
	    "sender. Likely cause: the sender's link offloads checksums some other "
	    "way (a VM's tap, a non-Linux stack), or corrupts frames. Remedy: turn "
	    "transmit checksum offload off on the sender's interface ('ethtool -K "
	    "IFACE tx off'), or, on a link you trust, restart lingerpeer with "
	    "--no-verify-checksums. Further drops are only counted (control command "
	    "stats)",
	    n, n == 1 ? "" : "s", iface, tcp_bad, ip_bad);
	return buf;
}

const char *
link_notice_cut(char *buf, size_t len, const char *iface, uint64_t cut)
{
	snprintf(buf, len,
	    "%" PRIu64 " frame%s on %s %s longer than the capture "
	    "can hold and arrived cut short (capture-cut, counted as ip-truncated): "
	    "the sender's link sends segmentation-offload super-segments of up to "
	    "64 KiB, but %s has no offloads, so libpcap keeps only MTU-sized frames. "
	    "Those segments are lost until the sender retransmits them. Remedy: turn "
	    "segmentation offload off on the sender's interface ('ethtool -K IFACE "
	    "tso off gso off'), or turn GRO on for %s ('ethtool -K %s gro on') and "
	    "restart lingerpeer. Further ones are only counted (control command "
	    "stats)",
	    cut, cut == 1 ? "" : "s", iface, cut == 1 ? "was" : "were", iface,
	    iface, iface);
	return buf;
}
