/*
 * netlink_link.c - rtnetlink requests for the sandbox (see netlink_link.h).
 *
 * Written against the kernel's uapi headers only: the requests are small
 * enough that a library would hide more than it saves, and shelling out to
 * ip(8) would make the sandbox depend on iproute2 and on its output format.
 */
#include "netlink_link.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "timeunit.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define NL_REQ_SIZE    1024
#define NL_RECV_SIZE   32768
#define NL_TIMEOUT_SEC 5

/* A request being built; overflow is checked once, when it is sent. */
struct nl_req {
	union {
		struct nlmsghdr hdr;
		char buf[NL_REQ_SIZE];
	} u;
	bool overflow;
};

/* Called for each reply message that is not an error or end marker. */
typedef void (*nl_reply_fn)(const struct nlmsghdr *, void *);

static uint32_t nl_seq;

static void
req_init(struct nl_req *r, uint16_t type, uint16_t flags, const void *hdr,
    size_t hdrlen)
{
	memset(r, 0, sizeof(*r));
	r->u.hdr.nlmsg_len = NLMSG_LENGTH(hdrlen);
	r->u.hdr.nlmsg_type = type;
	r->u.hdr.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	r->u.hdr.nlmsg_seq = ++nl_seq;
	memcpy(NLMSG_DATA(&r->u.hdr), hdr, hdrlen);
}

static struct rtattr *
attr_put(struct nl_req *r, unsigned short type, const void *data, size_t len)
{
	size_t off = NLMSG_ALIGN(r->u.hdr.nlmsg_len);
	struct rtattr *rta;

	if (off + RTA_SPACE(len) > sizeof(r->u.buf)) {
		r->overflow = true;
		return NULL;
	}
	rta = (struct rtattr *)(void *)(r->u.buf + off);
	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len > 0)
		memcpy(RTA_DATA(rta), data, len);
	r->u.hdr.nlmsg_len = (uint32_t)(off + RTA_SPACE(len));
	return rta;
}

static void
attr_put_str(struct nl_req *r, unsigned short type, const char *s)
{
	attr_put(r, type, s, strlen(s) + 1);
}

static void
attr_put_u32(struct nl_req *r, unsigned short type, uint32_t v)
{
	attr_put(r, type, &v, sizeof(v));
}

/* A nest is an attribute whose length is fixed up once its content is in. */
static void
nest_end(struct nl_req *r, struct rtattr *nest)
{
	if (nest != NULL)
		nest->rta_len = (unsigned short)(r->u.buf + r->u.hdr.nlmsg_len -
		    (char *)nest);
}

int
nl_open(char *err, size_t errlen)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = NL_TIMEOUT_SEC };
	int fd, one = 1;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd == -1) {
		snprintf(err, errlen, "cannot open a NETLINK_ROUTE socket: %s",
		    strerror(errno));
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		snprintf(err, errlen, "cannot bind a NETLINK_ROUTE socket: %s",
		    strerror(errno));
		close(fd);
		return -1;
	}
	/* Optional: the kernel's own words on why a request failed. */
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	/* The kernel always answers; a timeout only guards against bugs. */
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

/* The extended-ack text of an NLMSG_ERROR message, or "". */
static const char *
ext_ack_msg(const struct nlmsghdr *h)
{
	const struct nlmsgerr *e = NLMSG_DATA(h);
	const char *end = (const char *)h + h->nlmsg_len;
	const char *p;

	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return "";
	p = (const char *)e + sizeof(*e);
	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		p += e->msg.nlmsg_len - sizeof(e->msg);
	while (p + sizeof(struct nlattr) <= end) {
		const struct nlattr *a = (const void *)p;

		if (a->nla_len < sizeof(*a) || p + a->nla_len > end)
			break;
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG &&
		    memchr(p + NLA_HDRLEN, '\0', a->nla_len - NLA_HDRLEN))
			return p + NLA_HDRLEN;
		p += NLA_ALIGN(a->nla_len);
	}
	return "";
}

static int
fail_errno(int e, const char *what, const char *detail, char *err,
    size_t errlen)
{
	snprintf(err, errlen, "%s: %s%s%s%s", what, strerror(e),
	    *detail ? " (kernel: " : "", detail, *detail ? ")" : "");
	errno = e;
	return -1;
}

/*
 * Handle one datagram of replies. Returns 1 when the exchange is over, 0 to
 * read more, -1 on error.
 */
static int
handle_replies(const char *buf, size_t len, uint32_t seq, nl_reply_fn fn,
    void *arg, const char *what, char *err, size_t errlen)
{
	const struct nlmsghdr *h = (const void *)buf;
	const struct nlmsgerr *e;

	for (; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
		if (h->nlmsg_seq != seq)
			continue; /* late answer to an earlier request */
		if (h->nlmsg_type == NLMSG_DONE)
			return 1;
		if (h->nlmsg_type != NLMSG_ERROR) {
			if (fn != NULL)
				fn(h, arg);
			continue;
		}
		if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
			return fail_errno(EPROTO, what, "short error", err,
			    errlen);
		e = NLMSG_DATA(h);
		if (e->error == 0)
			return 1;
		return fail_errno(-e->error, what, ext_ack_msg(h), err, errlen);
	}
	return 0;
}

/* Send a request and read replies up to its ACK, error or end of dump. */
static int
nl_exchange(int nl, struct nl_req *r, nl_reply_fn fn, void *arg,
    const char *what, char *err, size_t errlen)
{
	union {
		struct nlmsghdr hdr; /* for alignment */
		char buf[NL_RECV_SIZE];
	} rx;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	ssize_t n;
	int rc = 0;

	if (r->overflow)
		return fail_errno(EMSGSIZE, what, "request too long", err,
		    errlen);
	if (sendto(nl, r->u.buf, r->u.hdr.nlmsg_len, 0,
		(struct sockaddr *)&kernel, sizeof(kernel)) == -1)
		return fail_errno(errno, what, "", err, errlen);
	while (rc == 0) {
		n = recv(nl, rx.buf, sizeof(rx.buf), 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return fail_errno(errno == EAGAIN ? ETIMEDOUT : errno,
			    what, "no answer from rtnetlink", err, errlen);
		rc = handle_replies(rx.buf, (size_t)n, r->u.hdr.nlmsg_seq, fn,
		    arg, what, err, errlen);
	}
	return rc < 0 ? -1 : 0;
}

static int
check_ifname(const char *name, const char *what, char *err, size_t errlen)
{
	if (name == NULL || *name == '\0' || strlen(name) >= IFNAMSIZ)
		return fail_errno(EINVAL, what, "bad interface name", err,
		    errlen);
	return 0;
}

int
nl_veth_create(int nl, const char *name, const char *peer_name, int peer_ns_fd,
    pid_t peer_ns_pid, char *err, size_t errlen)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct rtattr *linkinfo, *data, *peer;
	struct nl_req r;
	char what[96];

	snprintf(what, sizeof(what), "creating veth pair %s/%s (RTM_NEWLINK)",
	    name, peer_name);
	if (check_ifname(name, what, err, errlen) == -1 ||
	    check_ifname(peer_name, what, err, errlen) == -1)
		return -1;
	req_init(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi, sizeof(ifi));
	attr_put_str(&r, IFLA_IFNAME, name);
	attr_put_u32(&r, IFLA_MTU, 1500);
	linkinfo = attr_put(&r, IFLA_LINKINFO, NULL, 0);
	attr_put_str(&r, IFLA_INFO_KIND, "veth");
	data = attr_put(&r, IFLA_INFO_DATA, NULL, 0);
	/* The peer's attribute: its own ifinfomsg, then its attributes. */
	peer = attr_put(&r, VETH_INFO_PEER, &ifi, sizeof(ifi));
	attr_put_str(&r, IFLA_IFNAME, peer_name);
	attr_put_u32(&r, IFLA_MTU, 1500);
	if (peer_ns_fd >= 0)
		attr_put_u32(&r, IFLA_NET_NS_FD, (uint32_t)peer_ns_fd);
	else if (peer_ns_pid > 0)
		attr_put_u32(&r, IFLA_NET_NS_PID, (uint32_t)peer_ns_pid);
	nest_end(&r, peer);
	nest_end(&r, data);
	nest_end(&r, linkinfo);
	return nl_exchange(nl, &r, NULL, NULL, what, err, errlen);
}

struct link_reply {
	struct nl_link_info *out;
	bool found;
};

static void
parse_link(const struct nlmsghdr *h, void *arg)
{
	struct link_reply *lr = arg;
	const struct ifinfomsg *ifi = NLMSG_DATA(h);
	const struct rtattr *rta = IFLA_RTA(ifi);
	int len = (int)IFLA_PAYLOAD(h);

	if (h->nlmsg_type != RTM_NEWLINK ||
	    h->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
		return;
	memset(lr->out, 0, sizeof(*lr->out));
	lr->out->index = ifi->ifi_index;
	lr->out->flags = ifi->ifi_flags;
	for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		size_t plen = RTA_PAYLOAD(rta);

		if (rta->rta_type == IFLA_MTU && plen == sizeof(uint32_t))
			memcpy(&lr->out->mtu, RTA_DATA(rta), plen);
		if (rta->rta_type == IFLA_ADDRESS &&
		    plen <= sizeof(lr->out->hwaddr)) {
			memcpy(lr->out->hwaddr, RTA_DATA(rta), plen);
			lr->out->hwaddr_len = plen;
		}
	}
	lr->found = true;
}

int
nl_link_get(int nl, const char *name, struct nl_link_info *out, char *err,
    size_t errlen)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct link_reply lr = { .out = out };
	struct nl_req r;
	char what[64];

	snprintf(what, sizeof(what), "looking up link %s (RTM_GETLINK)", name);
	if (check_ifname(name, what, err, errlen) == -1)
		return -1;
	req_init(&r, RTM_GETLINK, 0, &ifi, sizeof(ifi));
	attr_put_str(&r, IFLA_IFNAME, name);
	if (nl_exchange(nl, &r, parse_link, &lr, what, err, errlen) == -1)
		return -1;
	if (!lr.found)
		return fail_errno(ENODEV, what, "no reply", err, errlen);
	return 0;
}

int
nl_link_set_up(int nl, const char *name, char *err, size_t errlen)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nl_link_info li;
	struct nl_req r;
	char what[64];

	if (nl_link_get(nl, name, &li, err, errlen) == -1)
		return -1;
	snprintf(what, sizeof(what), "setting link %s up (RTM_NEWLINK)", name);
	ifi.ifi_index = li.index;
	ifi.ifi_flags = IFF_UP;
	ifi.ifi_change = IFF_UP;
	req_init(&r, RTM_NEWLINK, 0, &ifi, sizeof(ifi));
	return nl_exchange(nl, &r, NULL, NULL, what, err, errlen);
}

int
nl_link_set_down(int nl, const char *name, char *err, size_t errlen)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nl_link_info li;
	struct nl_req r;
	char what[64];

	if (nl_link_get(nl, name, &li, err, errlen) == -1)
		return -1;
	snprintf(what, sizeof(what), "setting link %s down (RTM_NEWLINK)",
	    name);
	ifi.ifi_index = li.index;
	ifi.ifi_flags = 0;
	ifi.ifi_change = IFF_UP;
	req_init(&r, RTM_NEWLINK, 0, &ifi, sizeof(ifi));
	return nl_exchange(nl, &r, NULL, NULL, what, err, errlen);
}

/* Discard whatever notifications are queued; they only wake us up. */
static void
drain(int nl)
{
	char buf[4096];

	while (recv(nl, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
}

int
nl_link_wait_running(int nl, const char *name, int timeout_ms, char *err,
    size_t errlen)
{
	struct pollfd p = { .fd = nl, .events = POLLIN };
	int group = RTNLGRP_LINK;
	struct nl_link_info li;
	struct timespec t0, t;
	long left;

	/*
	 * Join the link group before the first look, so that a change in
	 * between still wakes us: no polling interval to tune.
	 */
	if (setsockopt(nl, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group,
		sizeof(group)) == -1)
		return fail_errno(errno, "joining RTNLGRP_LINK", "", err,
		    errlen);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if (nl_link_get(nl, name, &li, err, errlen) == -1)
			break;
		if (li.flags & IFF_RUNNING) {
			(void)setsockopt(nl, SOL_NETLINK,
			    NETLINK_DROP_MEMBERSHIP, &group, sizeof(group));
			drain(nl);
			return 0;
		}
		clock_gettime(CLOCK_MONOTONIC, &t);
		left = timeout_ms -
		    ((t.tv_sec - t0.tv_sec) * (long)MS_PER_S +
			(t.tv_nsec - t0.tv_nsec) / (long)NS_PER_MS);
		if (left <= 0) {
			snprintf(err, errlen,
			    "link %s is up but not running "
			    "(no carrier) after %d ms",
			    name, timeout_ms);
			errno = ETIMEDOUT;
			break;
		}
		if (poll(&p, 1, (int)left) == -1 && errno != EINTR) {
			fail_errno(errno, "waiting for a link event", "", err,
			    errlen);
			break;
		}
		drain(nl);
	}
	left = errno;
	(void)setsockopt(nl, SOL_NETLINK, NETLINK_DROP_MEMBERSHIP, &group,
	    sizeof(group));
	errno = (int)left;
	return -1;
}

/* An address of family (text addr) on link name, with IFA_F_* flags. */
static int
addr_add(int nl, int family, const char *name, const char *addr,
    unsigned int prefix_len, unsigned char flags, char *err, size_t errlen)
{
	struct ifaddrmsg ifa = { .ifa_family = (unsigned char)family };
	struct nl_link_info li;
	unsigned char bytes[16];
	size_t len = family == AF_INET6 ? 16 : 4;
	struct nl_req r;
	char what[128];

	snprintf(what, sizeof(what),
	    "adding address %s/%u to %s "
	    "(RTM_NEWADDR)",
	    addr, prefix_len, name);
	if (inet_pton(family, addr, bytes) != 1 || prefix_len > len * 8)
		return fail_errno(EINVAL, what,
		    family == AF_INET6 ? "not an IPv6 address/prefix"
				       : "not an IPv4 address/prefix",
		    err, errlen);
	if (nl_link_get(nl, name, &li, err, errlen) == -1)
		return -1;
	ifa.ifa_prefixlen = (unsigned char)prefix_len;
	ifa.ifa_flags = flags;
	ifa.ifa_scope = RT_SCOPE_UNIVERSE;
	ifa.ifa_index = (unsigned int)li.index;
	req_init(&r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, &ifa, sizeof(ifa));
	attr_put(&r, IFA_LOCAL, bytes, len);
	attr_put(&r, IFA_ADDRESS, bytes, len);
	return nl_exchange(nl, &r, NULL, NULL, what, err, errlen);
}

int
nl_addr_add_ipv4(int nl, const char *name, const char *addr,
    unsigned int prefix_len, char *err, size_t errlen)
{
	return addr_add(nl, AF_INET, name, addr, prefix_len, 0, err, errlen);
}

/*
 * IFA_F_NODAD: usable at once. Duplicate address detection would keep it
 * tentative for a second, and send a probe, on a link where no one else
 * can have it.
 */
int
nl_addr_add_ipv6(int nl, const char *name, const char *addr,
    unsigned int prefix_len, char *err, size_t errlen)
{
	return addr_add(nl, AF_INET6, name, addr, prefix_len, IFA_F_NODAD, err,
	    errlen);
}

struct addr_reply {
	struct nl_addr_info *out;
	size_t max;
	size_t count;
	int ifindex;
};

static void
parse_addr(const struct nlmsghdr *h, void *arg)
{
	struct addr_reply *ar = arg;
	const struct ifaddrmsg *ifa = NLMSG_DATA(h);
	const struct rtattr *rta = IFA_RTA(ifa);
	int len = (int)IFA_PAYLOAD(h);
	struct nl_addr_info *ai;

	if (h->nlmsg_type != RTM_NEWADDR ||
	    h->nlmsg_len < NLMSG_LENGTH(sizeof(*ifa)))
		return;
	if (ar->ifindex != 0 && (int)ifa->ifa_index != ar->ifindex)
		return;
	if (ar->count++ >= ar->max)
		return;
	ai = &ar->out[ar->count - 1];
	memset(ai, 0, sizeof(*ai));
	ai->family = ifa->ifa_family;
	ai->index = (int)ifa->ifa_index;
	ai->prefix_len = ifa->ifa_prefixlen;
	for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		/*
		 * IFA_LOCAL is our own address; IFA_ADDRESS is the far end on
		 * point-to-point links. The kernel sends IFA_LOCAL last, so
		 * it wins where both exist.
		 */
		if ((rta->rta_type == IFA_LOCAL ||
			rta->rta_type == IFA_ADDRESS) &&
		    RTA_PAYLOAD(rta) <= sizeof(ai->addr))
			memcpy(ai->addr, RTA_DATA(rta), RTA_PAYLOAD(rta));
	}
}

int
nl_addr_list(int nl, int family, int ifindex, struct nl_addr_info *out,
    size_t max, char *err, size_t errlen)
{
	struct ifaddrmsg ifa = { .ifa_family = (unsigned char)family };
	struct addr_reply ar = { .out = out, .max = max, .ifindex = ifindex };
	struct nl_req r;

	req_init(&r, RTM_GETADDR, NLM_F_DUMP, &ifa, sizeof(ifa));
	if (nl_exchange(nl, &r, parse_addr, &ar,
		"listing addresses "
		"(RTM_GETADDR)",
		err, errlen) == -1)
		return -1;
	return (int)ar.count;
}

static int
neigh_add(int nl, int family, const char *name, const char *addr,
    const uint8_t hwaddr[6], char *err, size_t errlen)
{
	struct ndmsg nd = { .ndm_family = (unsigned char)family };
	struct nl_link_info li;
	unsigned char bytes[16];
	struct nl_req r;
	char what[128];

	snprintf(what, sizeof(what), "adding neighbour %s on %s (RTM_NEWNEIGH)",
	    addr, name);
	if (inet_pton(family, addr, bytes) != 1)
		return fail_errno(EINVAL, what,
		    family == AF_INET6 ? "not an IPv6 address"
				       : "not an IPv4 address",
		    err, errlen);
	if (nl_link_get(nl, name, &li, err, errlen) == -1)
		return -1;
	nd.ndm_ifindex = li.index;
	nd.ndm_state = NUD_PERMANENT;
	req_init(&r, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, &nd,
	    sizeof(nd));
	attr_put(&r, NDA_DST, bytes, family == AF_INET6 ? 16 : 4);
	attr_put(&r, NDA_LLADDR, hwaddr, 6);
	return nl_exchange(nl, &r, NULL, NULL, what, err, errlen);
}

int
nl_neigh_add_ipv4(int nl, const char *name, const char *addr,
    const uint8_t hwaddr[6], char *err, size_t errlen)
{
	return neigh_add(nl, AF_INET, name, addr, hwaddr, err, errlen);
}

int
nl_neigh_add_ipv6(int nl, const char *name, const char *addr,
    const uint8_t hwaddr[6], char *err, size_t errlen)
{
	return neigh_add(nl, AF_INET6, name, addr, hwaddr, err, errlen);
}
