/*
 * netlink_link.h - the few rtnetlink requests the sandbox needs: create a
 * veth pair with one end in another network namespace, bring links up (and
 * down), add and list addresses (IPv4 and IPv6), add a static neighbour,
 * and read a link's state.
 *
 * Every request acts on the network namespace the netlink socket was opened
 * in, not on the caller's current one: open one socket per namespace (see
 * sandbox_socket_in_peer_ns()). Functions return 0 (or a count) on success,
 * or -1 with errno set and a message in err saying what failed.
 */
#ifndef LINGERLAB_NETLINK_LINK_H
#define LINGERLAB_NETLINK_LINK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* One link as RTM_GETLINK reports it. */
struct nl_link_info {
	int index;
	unsigned int flags; /* IFF_UP, IFF_RUNNING, ... */
	unsigned int mtu;
	uint8_t hwaddr[6];
	size_t hwaddr_len;
};

/* One address as RTM_GETADDR reports it. */
struct nl_addr_info {
	int family; /* AF_INET or AF_INET6 */
	int index;  /* link it is on */
	unsigned int prefix_len;
	uint8_t addr[16]; /* 4 bytes for AF_INET */
};

/* Open a NETLINK_ROUTE socket in the current network namespace. */
int nl_open(char *err, size_t errlen);

/*
 * Create veth pair name <-> peer_name. name stays in the socket's namespace;
 * peer_name is created in the namespace given by peer_ns_fd if >= 0, else by
 * the pid peer_ns_pid if > 0, else next to name. Both get MTU 1500.
 */
int nl_veth_create(int nl, const char *name, const char *peer_name,
    int peer_ns_fd, pid_t peer_ns_pid, char *err, size_t errlen);

/* Look a link up by name. */
int nl_link_get(int nl, const char *name, struct nl_link_info *out, char *err,
    size_t errlen);

/* Set IFF_UP on a link. */
int nl_link_set_up(int nl, const char *name, char *err, size_t errlen);

/* Clear IFF_UP: the lab's tests cut a control link with it. */
int nl_link_set_down(int nl, const char *name, char *err, size_t errlen);

/*
 * Wait until a link is IFF_RUNNING (carrier and operational state up), for
 * at most timeout_ms. Until then its queue drops what is sent through it.
 */
int nl_link_wait_running(int nl, const char *name, int timeout_ms, char *err,
    size_t errlen);

/* Add an IPv4 address "a.b.c.d" with a prefix length to a link. */
int nl_addr_add_ipv4(int nl, const char *name, const char *addr,
    unsigned int prefix_len, char *err, size_t errlen);

/*
 * Add an IPv6 address ("2001:db8::1") with a prefix length to a link,
 * usable at once: no duplicate address detection (IFA_F_NODAD).
 */
int nl_addr_add_ipv6(int nl, const char *name, const char *addr,
    unsigned int prefix_len, char *err, size_t errlen);

/*
 * List the addresses of family (AF_INET, AF_INET6, or AF_UNSPEC for both)
 * on the link with index ifindex (0: all links). Stores up to max of them in
 * out and returns how many exist, which may be more than max.
 */
int nl_addr_list(int nl, int family, int ifindex, struct nl_addr_info *out,
    size_t max, char *err, size_t errlen);

/* Add (or replace) a permanent ARP entry: IPv4 addr is at hwaddr on link. */
int nl_neigh_add_ipv4(int nl, const char *name, const char *addr,
    const uint8_t hwaddr[6], char *err, size_t errlen);

/* The same for IPv6: a permanent neighbour entry, no solicitation needed. */
int nl_neigh_add_ipv6(int nl, const char *name, const char *addr,
    const uint8_t hwaddr[6], char *err, size_t errlen);

#endif
