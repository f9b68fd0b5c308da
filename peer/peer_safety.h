/*
 * peer_safety.h - what lingerpeer does at start so that running it cannot
 * hurt the network it is on or the host it runs on: it refuses an address
 * some interface already has, and it gives up root once its handles are
 * open.
 */
#ifndef LINGERLAB_PEER_SAFETY_H
#define LINGERLAB_PEER_SAFETY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ip_address.h"

/* The user lingerpeer becomes when --user is not given. */
#define PEER_DEFAULT_USER "nobody"

/*
 * Is addr (IPv4 or IPv6) configured on any interface of this network
 * namespace? 1 yes (the interface's name in iface), 0 no, -1 could not tell
 * (err says why).
 */
int peer_addr_configured(const struct ip_addr *addr, char *iface,
    size_t ifacelen, char *err, size_t errlen);

/*
 * Give up privileges for good: no new privileges, then, as root, no
 * supplementary groups and the uid and gid of user (NULL: nobody, or 65534
 * where there is no such user), which takes every capability away; where
 * the user cannot be switched to (an unprivileged user namespace without
 * that uid, or not root), every capability is dropped instead.
 * kept says what stays open (for the sentence in msg).
 * 0 with msg filled ("dropped to nobody (uid 65534 gid 65534) ...; kept: ..."),
 * or -1 with err: only when an explicitly named user cannot be had, or
 * capabilities remain that cannot be dropped.
 */
int peer_drop_privileges(const char *user, const char *kept, char *msg,
    size_t msglen, char *err, size_t errlen);

#endif
