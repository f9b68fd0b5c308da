/*
 * run_pcap.c - a capture opened and filtered, for the runner and for
 * observe (run_pcap.h).
 */
#include <stdio.h>

#include "run_pcap.h"
#include "wire_peer.h"

#define CAPTURE_SNAPLEN 65535

/* The settings before activation, activation, and what it must be. */
static int
activate(pcap_t *p, int buffer, char *err, size_t errlen)
{
	char pe[PCAP_ERRBUF_SIZE] = "";

	if (pcap_set_immediate_mode(p, 1) != 0 ||
	    pcap_set_snaplen(p, CAPTURE_SNAPLEN) != 0 ||
	    pcap_set_buffer_size(p, buffer) != 0 ||
	    pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO) != 0 ||
	    pcap_activate(p) < 0 || pcap_setnonblock(p, 1, pe) == -1) {
		snprintf(err, errlen, "%s", pcap_geterr(p));
		return -1;
	}
	if (pcap_datalink(p) != DLT_EN10MB) {
		snprintf(err, errlen,
		    "its link type is %s; lingerlab decodes "
		    "Ethernet only (give an Ethernet or veth interface)",
		    pcap_datalink_val_to_name(pcap_datalink(p)));
		return -1;
	}
	return 0;
}

/* "tcp and (host 192.0.2.2 or host 2001:db8::2)" */
static int
filter(pcap_t *p, const struct ip_addr *peers, size_t npeers, char *err,
    size_t errlen)
{
	struct bpf_program prog;
	char text[160];

	if (wire_peer_filter(peers, npeers, text, sizeof(text)) == 0) {
		snprintf(err, errlen, "the peer has no address to capture");
		return -1;
	}
	if (pcap_compile(p, &prog, text, 1, PCAP_NETMASK_UNKNOWN) == -1) {
		snprintf(err, errlen, "filter '%s': %s", text, pcap_geterr(p));
		return -1;
	}
	if (pcap_setfilter(p, &prog) == -1) {
		snprintf(err, errlen, "filter '%s': %s", text, pcap_geterr(p));
		pcap_freecode(&prog);
		return -1;
	}
	pcap_freecode(&prog);
	return 0;
}

pcap_t *
rcap_pcap_open(const char *iface, int buffer, const struct ip_addr *peers,
    size_t npeers, char *err, size_t errlen)
{
	char why[PCAP_ERRBUF_SIZE + 160] = "";
	pcap_t *p;

	if ((p = pcap_create(iface, why)) == NULL ||
	    activate(p, buffer, why, sizeof(why)) == -1 ||
	    filter(p, peers, npeers, why, sizeof(why)) == -1) {
		snprintf(err, errlen,
		    "cannot capture on %s: %s (capturing needs root or "
		    "CAP_NET_RAW)",
		    iface, why);
		if (p != NULL)
			pcap_close(p);
		return NULL;
	}
	return p;
}
