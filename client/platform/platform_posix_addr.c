/*
 * platform_posix_addr.c - addresses of either family on POSIX: the
 * family's AF_ number (platform_posix_addr.h), and the two questions that
 * are nothing but sockaddrs (platform_addr.c): the route
 * (plat_source_addr) and a socket's two ends (plat_sock_names).
 */
#include "platform.h"
#include "platform_posix_addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

#define DISCARD_PORT 9 /* any port: a UDP connect() sends nothing */

int
plat_posix_af(enum ip_family family)
{
	if (family == IPF_V4)
		return AF_INET;
	if (family == IPF_V6)
		return AF_INET6;
	errno = EAFNOSUPPORT;
	return -1;
}

int
plat_source_addr(const struct ip_addr *addr, struct ip_addr *from)
{
	struct sockaddr_storage ss;
	socklen_t sl = plat_sockaddr(addr, DISCARD_PORT, &ss);
	uint16_t port;
	int fd, rc = -1, e;

	if (sl == 0)
		return -1;
	/* Connecting a UDP socket only looks up the route. */
	if ((fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&ss, sl) == 0) {
		sl = sizeof(ss);
		if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
			rc = plat_ip_addr(&ss, from, &port);
	}
	e = errno;
	close(fd);
	errno = e;
	return rc;
}

int
plat_sock_names(plat_sock s, struct ip_addr *laddr, uint16_t *lport,
    struct ip_addr *raddr, uint16_t *rport)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	memset(&ss, 0, sizeof(ss));
	if (getsockname((int)s, (struct sockaddr *)&ss, &sl) == -1 ||
	    plat_ip_addr(&ss, laddr, lport) == -1)
		return -1;
	sl = sizeof(ss);
	memset(&ss, 0, sizeof(ss));
	if (getpeername((int)s, (struct sockaddr *)&ss, &sl) == -1 ||
	    plat_ip_addr(&ss, raddr, rport) == -1)
		return -1;
	return 0;
}
