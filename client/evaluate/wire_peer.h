/*
 * wire_peer.h - which end of the wire a captured segment came from, when
 * the peer owns an address of each family: the runner's capture asks it
 * of every frame, and builds its BPF filter text here, so both are
 * unit-tested without a capture.
 *
 * Pure code.
 */
#ifndef LINGERLAB_WIRE_PEER_H
#define LINGERLAB_WIRE_PEER_H

#include <stdbool.h>
#include <stddef.h>

#include "ip_address.h"

/* At most one address of each family. */
#define WIRE_PEER_MAX 2

/*
 * A segment whose source is none of the peer's addresses (of either
 * family) is the client's: what the client sends over IPv6 goes from its
 * IPv6 address to the peer's, never from an IPv4 one.
 */
bool wire_from_client(const struct ip_addr *peers, size_t npeers,
    const struct ip_addr *src);

/*
 * The capture's filter: TCP to or from any of the peer's addresses,
 * "tcp and (host 192.0.2.2 or host 2001:db8::2)". Addresses of family
 * IPF_NONE are left out. Returns the length it needs (snprintf's rule), 0
 * when no address is left.
 */
size_t wire_peer_filter(const struct ip_addr *peers, size_t npeers, char *buf,
    size_t len);

/*
 * The peer's addresses as --peer-addr and LINGERPEER_ADDR give them: one
 * address, or one of each family joined by a comma
 * ("192.0.2.77,2001:db8:77::2"). peers[0] gets the IPv4 one, peers[1]
 * the IPv6 one, family IPF_NONE where none is given. 0, or -1 (not an
 * address, two of one family, more than two, an empty part).
 */
int wire_peer_parse(const char *text, struct ip_addr peers[2]);

#endif
