/*
 * wire6.c - see wire6.h.
 *
 * sock_diag is read here from a raw dump of IPv6 TCP sockets
 * (sockdiag_dump_raw) rather than through the probe layer's lookup, which
 * speaks IPv4: the tests need only the state of one socket.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "monotime.h"
#include "sockdiag.h"
#include "timeunit.h"
#include "wire6.h"

static void
peer_sockaddr(uint16_t port, struct sockaddr_in6 *sin)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin6_family = AF_INET6;
	sin->sin6_port = htons(port);
	assert_int_equal(inet_pton(AF_INET6, SANDBOX_PEER_ADDR6,
			     &sin->sin6_addr),
	    1);
}

int
wire6_connect(struct sockaddr_in6 *local)
{
	struct timeval tv = { .tv_sec = 5 };
	socklen_t len = sizeof(*local);
	struct sockaddr_in6 sin;
	int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	peer_sockaddr(WIRE_PORT, &sin);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		fail_msg("connect to [%s]:%d: %s", SANDBOX_PEER_ADDR6,
		    WIRE_PORT, strerror(errno));
	assert_int_equal(getsockname(fd, (struct sockaddr *)local, &len), 0);
	return fd;
}

int
wire6_connect_nonblock(uint16_t port, struct sockaddr_in6 *local)
{
	socklen_t len = sizeof(*local);
	struct sockaddr_in6 sin;
	int fd =
	    socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	peer_sockaddr(port, &sin);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 &&
	    errno != EINPROGRESS)
		fail_msg("connect to [%s]:%u: %s", SANDBOX_PEER_ADDR6, port,
		    strerror(errno));
	assert_int_equal(getsockname(fd, (struct sockaddr *)local, &len), 0);
	return fd;
}

const char *
wire6_conn(const struct sockaddr_in6 *local, char *buf, size_t len)
{
	char text[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, &local->sin6_addr, text, sizeof(text));
	snprintf(buf, len, "[%s]:%u", text, ntohs(local->sin6_port));
	return buf;
}

struct diag_find {
	const struct sockaddr_in6 *local;
	struct in6_addr peer;
	int state; /* 0 until found */
};

/* One datagram of the dump: find the socket, say when the dump is over. */
static int
on_dump(const void *buf, size_t len, void *arg)
{
	struct diag_find *df = arg;
	const struct nlmsghdr *h;
	const struct inet_diag_msg *m;

	for (h = buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
		if (h->nlmsg_type == NLMSG_DONE)
			return 1;
		if (h->nlmsg_type == NLMSG_ERROR)
			return -1;
		if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*m)))
			continue;
		m = NLMSG_DATA(h);
		if (m->id.idiag_sport == df->local->sin6_port &&
		    m->id.idiag_dport == htons(WIRE_PORT) &&
		    memcmp(m->id.idiag_src, &df->local->sin6_addr, 16) == 0 &&
		    memcmp(m->id.idiag_dst, &df->peer, 16) == 0)
			df->state = m->idiag_state;
	}
	return 0;
}

int
wire6_client_state(const struct sockaddr_in6 *local, int state, int timeout_ms)
{
	uint64_t deadline = monotime_ns() + (uint64_t)timeout_ms * NS_PER_MS;
	struct timespec tick = { 0,
		5 * (long)NS_PER_MS }; /* sock_diag cannot notify: poll */
	struct diag_find df = { .local = local };

	assert_int_equal(inet_pton(AF_INET6, SANDBOX_PEER_ADDR6, &df.peer), 1);
	for (;;) {
		df.state = 0;
		if (sockdiag_dump_raw(AF_INET6, on_dump, &df) < 0)
			fail_msg("sock_diag dump of IPv6 sockets: %s",
			    strerror(errno));
		if (df.state == state || monotime_ns() >= deadline)
			return df.state;
		nanosleep(&tick, NULL);
	}
}

void
wire6_peer_mac(const struct itest_peer *p, uint8_t mac[6])
{
	const char *m = strstr(p->ready_line, " mac=");
	unsigned v[6];
	int i;

	if (m == NULL ||
	    sscanf(m + 5, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3],
		&v[4], &v[5]) != 6)
		fail_msg("no mac= in the ready line '%s'", p->ready_line);
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
}

void
wire6_client_mac(uint8_t mac[6])
{
	struct ifreq ifr;
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s",
	    SANDBOX_CLIENT_IFACE);
	assert_int_equal(ioctl(fd, SIOCGIFHWADDR, &ifr), 0);
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(fd);
}

void
wire6_send_frame(const uint8_t *frame, size_t len)
{
	struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_halen = 6 };
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	to.sll_ifindex = (int)if_nametoindex(SANDBOX_CLIENT_IFACE);
	memcpy(to.sll_addr, frame, 6);
	if (sendto(fd, frame, len, 0, (struct sockaddr *)&to, sizeof(to)) !=
	    (ssize_t)len)
		fail_msg("sending a %zu-byte frame on %s: %s", len,
		    SANDBOX_CLIENT_IFACE, strerror(errno));
	close(fd);
}

void
wire6_send_ns(const char *target, const char *dst, const uint8_t dst_mac[6])
{
	struct ndp_msg ns = { .type = NDP_NS, .has_lla = true };
	uint8_t buf[128], mac[6], to[6];
	size_t n;

	assert_int_equal(ip_addr_parse(SANDBOX_CLIENT_ADDR6, &ns.src), 0);
	assert_int_equal(ip_addr_parse(dst, &ns.dst), 0);
	assert_int_equal(ip_addr_parse(target, &ns.target), 0);
	wire6_client_mac(mac);
	memcpy(ns.lla, mac, 6);
	if (ip_addr_is_multicast(&ns.dst))
		eth_multicast6(&ns.dst, to);
	else
		memcpy(to, dst_mac, 6);
	n = frame_encode_ndp(buf, sizeof(buf), mac, to, &ns);
	assert_true(n > 0);
	wire6_send_frame(buf, n);
}
