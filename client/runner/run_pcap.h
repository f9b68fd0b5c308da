/*
 * run_pcap.h - libpcap opened the one way lingerlab captures a client's
 * link: the runner's capture (run_capture.c) and `lingerlab observe`'s
 * (client/observe/observe_capture.c) both open theirs with it.
 */
#ifndef LINGERLAB_RUN_PCAP_H
#define LINGERLAB_RUN_PCAP_H

#include <pcap/pcap.h>

#include <stddef.h>

#include "ip_address.h"

/*
 * iface opened for what goes to and from the peers' addresses
 * (wire_peer_filter): immediate mode, nanosecond time stamps,
 * non-blocking, a kernel buffer of buffer bytes, Ethernet only. NULL with
 * err said: the interface, why, and that capturing needs root.
 */
pcap_t *rcap_pcap_open(const char *iface, int buffer,
    const struct ip_addr *peers, size_t npeers, char *err, size_t errlen);

#endif
