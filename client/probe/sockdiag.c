/*
 * sockdiag.c - NETLINK_SOCK_DIAG queries for TCP over IPv4 and IPv6.
 *
 * After close() a lingering or orphaned socket has no descriptor, so
 * getsockopt(TCP_INFO) cannot see it; inet_diag can, and it answers per
 * network namespace, which is what a sandboxed test needs (/proc/net/sockstat
 * counts orphans system-wide).
 */
#include "sockdiag.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define ALL_TCP_STATES 0xfff /* TCP_ESTABLISHED (1) .. TCP_CLOSING (11) */

struct diag_req {
	struct nlmsghdr nlh;
	struct inet_diag_req_v2 r;
};

static int
diag_open(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	struct timeval tv = { .tv_sec = 2 };

	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

static int
diag_send(int fd, struct diag_req *req, bool dump, int family)
{
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };

	req->nlh.nlmsg_len = sizeof(*req);
	req->nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	req->nlh.nlmsg_flags = NLM_F_REQUEST | (dump ? NLM_F_DUMP : 0);
	req->nlh.nlmsg_seq = 1;
	req->r.sdiag_family = (uint8_t)family;
	req->r.sdiag_protocol = IPPROTO_TCP;
	req->r.idiag_ext = 1u << (INET_DIAG_INFO - 1);
	return sendto(fd, req, sizeof(*req), 0, (struct sockaddr *)&nl,
		   sizeof(nl)) < 0
	    ? -1
	    : 0;
}

static void
fill_info(const struct inet_diag_msg *m, size_t len, struct sockdiag_info *out)
{
	struct rtattr *rta = (struct rtattr *)(uintptr_t)(m + 1);
	int rem = len > sizeof(*m) ? (int)(len - sizeof(*m)) : 0;
	struct tcp_info ti;
	size_t n;

	memset(out, 0, sizeof(*out));
	out->state = m->idiag_state;
	out->send_queue = m->idiag_wqueue;
	out->recv_queue = m->idiag_rqueue;
	out->timer = m->idiag_timer;
	out->expires_ms = m->idiag_expires;
	out->uid = m->idiag_uid;
	out->inode = m->idiag_inode;
	for (; RTA_OK(rta, rem); rta = RTA_NEXT(rta, rem)) {
		if (rta->rta_type != INET_DIAG_INFO)
			continue;
		/* Older kernels send a shorter tcp_info: take what is there. */
		n = (size_t)RTA_PAYLOAD(rta);
		memset(&ti, 0, sizeof(ti));
		memcpy(&ti, RTA_DATA(rta), n < sizeof(ti) ? n : sizeof(ti));
		out->retransmits = ti.tcpi_retransmits;
		out->probes = ti.tcpi_probes;
		out->backoff = ti.tcpi_backoff;
		out->total_retrans = ti.tcpi_total_retrans;
	}
}

/* Read replies until NLMSG_DONE (or one answer for a non-dump); call fn on each. */
static int
diag_recv(int fd, void (*fn)(const struct inet_diag_msg *, size_t, void *),
    void *arg)
{
	char buf[16384];
	struct nlmsghdr *h;
	ssize_t n;
	size_t len;

	for (;;) {
		if ((n = recv(fd, buf, sizeof(buf), 0)) < 0)
			return errno == EINTR ? 0 : -1;
		len = (size_t)n;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, len);
		     h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				if (e->error == -ENOENT)
					return 0; /* exact lookup: no such socket */
				errno = -e->error;
				return e->error == 0 ? 0 : -1;
			}
			fn(NLMSG_DATA(h), h->nlmsg_len - NLMSG_LENGTH(0), arg);
			if (!(h->nlmsg_flags & NLM_F_MULTI))
				return 0;
		}
	}
}

struct lookup_ctx {
	struct sockdiag_info *out;
	bool found;
};

static void
on_lookup(const struct inet_diag_msg *m, size_t len, void *arg)
{
	struct lookup_ctx *ctx = arg;

	fill_info(m, len, ctx->out);
	ctx->found = true;
}

int
sockdiag_lookup_ip(const struct ip_addr *laddr, uint16_t lport,
    const struct ip_addr *raddr, uint16_t rport, struct sockdiag_info *out)
{
	struct lookup_ctx ctx = { out, false };
	struct diag_req req;
	int fd, rc, family;

	memset(out, 0, sizeof(*out));
	if (laddr->family != raddr->family ||
	    (laddr->family != IPF_V4 && laddr->family != IPF_V6)) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	family = laddr->family == IPF_V6 ? AF_INET6 : AF_INET;
	if ((fd = diag_open()) < 0)
		return -1;
	memset(&req, 0, sizeof(req));
	req.r.idiag_states = ALL_TCP_STATES;
	req.r.id.idiag_sport = htons(lport);
	req.r.id.idiag_dport = htons(rport);
	/* network order either way: an IPv4 address is the first 4 bytes */
	memcpy(req.r.id.idiag_src, laddr->b, family == AF_INET6 ? 16 : 4);
	memcpy(req.r.id.idiag_dst, raddr->b, family == AF_INET6 ? 16 : 4);
	req.r.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
	req.r.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
	rc = diag_send(fd, &req, false, family);
	if (rc == 0)
		rc = diag_recv(fd, on_lookup, &ctx);
	close(fd);
	if (rc < 0)
		return -1;
	return ctx.found ? 1 : 0;
}

int
sockdiag_lookup(uint32_t laddr, uint16_t lport, uint32_t raddr, uint16_t rport,
    struct sockdiag_info *out)
{
	struct ip_addr l = ip_addr_v4(laddr), r = ip_addr_v4(raddr);

	return sockdiag_lookup_ip(&l, lport, &r, rport, out);
}

int
sockdiag_dump_raw(int family, int (*fn)(const void *buf, size_t len, void *arg),
    void *arg)
{
	/* 32 KiB: the kernel sizes a dump datagram after the reader's largest recv. */
	static const size_t bufsize = 32768;
	struct diag_req req;
	char *buf;
	ssize_t n;
	int fd, rc;

	if ((buf = malloc(bufsize)) == NULL)
		return -1;
	if ((fd = diag_open()) < 0) {
		free(buf);
		return -1;
	}
	memset(&req, 0, sizeof(req));
	req.r.idiag_states = ALL_TCP_STATES | (1u << 12); /* and NEW_SYN_RECV */
	rc = diag_send(fd, &req, true, family);
	while (rc == 0) {
		n = recv(fd, buf, bufsize, MSG_TRUNC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || (size_t)n > bufsize) {
			if (n >= 0)
				errno = EMSGSIZE;
			rc = -1;
			break;
		}
		rc = fn(buf, (size_t)n, arg);
	}
	close(fd);
	free(buf);
	return rc < 0 ? -1 : 0;
}

const char *
sockdiag_state_name(int state)
{
	static const char *const names[] = {
		"gone",
		"ESTABLISHED",
		"SYN_SENT",
		"SYN_RECV",
		"FIN_WAIT1",
		"FIN_WAIT2",
		"TIME_WAIT",
		"CLOSE",
		"CLOSE_WAIT",
		"LAST_ACK",
		"LISTEN",
		"CLOSING",
		"NEW_SYN_RECV",
	};

	if (state < 0 || (size_t)state >= sizeof(names) / sizeof(names[0]))
		return "?";
	return names[state];
}
