/*
 * wire6.h - the IPv6 half of what the peer-behaviour tests share (wire.h
 * has the rest, for both families): kernel sockets of the client side over
 * IPv6, their state after close() read from sock_diag, the peer's name for
 * their connections, and frames sent by hand on the client's link.
 */
#ifndef LINGERLAB_WIRE6_H
#define LINGERLAB_WIRE6_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "wire.h"

/* lingerpeer's --addr for both families at once. */
#define WIRE6_BOTH SANDBOX_PEER_ADDR "," SANDBOX_PEER_ADDR6

/* Connect a blocking socket to [2001:db8::2]:WIRE_PORT; *local gets its address. */
int wire6_connect(struct sockaddr_in6 *local);

/* Start a non-blocking connect to [2001:db8::2]:port; the fd, *local filled. */
int wire6_connect_nonblock(uint16_t port, struct sockaddr_in6 *local);

/* How the peer names the connection from local: "[2001:db8::1]:40112". */
const char *wire6_conn(const struct sockaddr_in6 *local, char *buf, size_t len);

/*
 * Poll sock_diag until the client's IPv6 socket from local to the peer's
 * port is in state (a TCP_* value, 0 for gone) or timeout_ms passes; the
 * state last seen.
 */
int wire6_client_state(const struct sockaddr_in6 *local, int state,
    int timeout_ms);

/* The peer's MAC, from its ready line ("mac=..."). */
void wire6_peer_mac(const struct itest_peer *p, uint8_t mac[6]);

/* Put a whole frame on llcli0 from a packet socket, as if from the client. */
void wire6_send_frame(const uint8_t *frame, size_t len);

/*
 * A Neighbor Solicitation from 2001:db8::1 (with llcli0's MAC in its
 * option) for target, sent to dst (a solicited-node group, or an address)
 * at the Ethernet address dst maps to, or dst_mac when dst is unicast.
 */
void wire6_send_ns(const char *target, const char *dst,
    const uint8_t dst_mac[6]);

/* llcli0's own MAC. */
void wire6_client_mac(uint8_t mac[6]);

#endif
