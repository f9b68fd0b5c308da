/*
 * sockdiag.h - the state of a TCP socket found by its four-tuple, also after
 * close() when no descriptor refers to it any more (NETLINK_SOCK_DIAG, as
 * `ss` uses). Linux only; other systems get their own implementation.
 */
#ifndef LINGERLAB_SOCKDIAG_H
#define LINGERLAB_SOCKDIAG_H

#include <stddef.h>
#include <stdint.h>

#include "ip_address.h"

struct sockdiag_info {
	int state; /* TCP_ESTABLISHED ... from <netinet/tcp.h>; 0 = gone */
	uint32_t
	    send_queue; /* bytes not yet ACKed (or unsent), as ss's Send-Q */
	uint32_t recv_queue;
	uint8_t retransmits; /* tcpi_retransmits: the current backoff count */
	uint8_t probes;	     /* tcpi_probes: zero-window or keepalive probes */
	uint8_t backoff;
	uint32_t total_retrans;
	uint32_t
	    timer; /* idiag_timer: 1 retransmit, 2 keepalive, 3 TIME_WAIT, 4 probe */
	uint32_t expires_ms;
	uint32_t uid;
	uint64_t inode; /* 0 for an orphan: no descriptor holds it */
};

/*
 * Look up the socket whose local end is laddr:lport and remote raddr:rport
 * (IPv4, host order). Returns 1 and fills *out when found, 0 when no such
 * socket exists (out->state = 0), -1 on error (errno set).
 */
int sockdiag_lookup(uint32_t laddr, uint16_t lport, uint32_t raddr,
    uint16_t rport, struct sockdiag_info *out);

/*
 * The same for either family: laddr and raddr must be of one family, IPv4
 * or IPv6 (-1 with EAFNOSUPPORT otherwise). An IPv6 socket's four-tuple is
 * looked up among AF_INET6 sockets, an IPv4 one's among AF_INET sockets.
 */
int sockdiag_lookup_ip(const struct ip_addr *laddr, uint16_t lport,
    const struct ip_addr *raddr, uint16_t rport, struct sockdiag_info *out);

/* "FIN_WAIT1", "TIME_WAIT", ... and "gone" for 0. */
const char *sockdiag_state_name(int state);

/*
 * Dump every TCP socket of one family (AF_INET or AF_INET6) in this network
 * namespace and hand each reply datagram, as the kernel sent it, to fn,
 * until fn returns non-zero: 1 for done (it saw NLMSG_DONE), -1 for an error.
 * Returns 0, or -1 on error (errno set when the system refused). The parsing
 * is the caller's, so it can be tested on captured datagrams (probe.h).
 */
int sockdiag_dump_raw(int family,
    int (*fn)(const void *buf, size_t len, void *arg), void *arg);

#endif
