/*
 * platform_addr.c - struct ip_addr to a sockaddr and back, for every
 * platform (platform_addr.h): the POSIX and the Windows builds share it.
 */
#include "platform_addr.h"

#ifndef _WIN32
#include <arpa/inet.h>
#include <netinet/in.h>
#endif

#include <errno.h>
#include <string.h>

/* Winsock's calls say their errors in WSAGetLastError(), not errno. */
static void
no_such_family(void)
{
#ifdef _WIN32
	WSASetLastError(WSAEAFNOSUPPORT);
#else
	errno = EAFNOSUPPORT;
#endif
}

socklen_t
plat_sockaddr(const struct ip_addr *a, uint16_t port,
    struct sockaddr_storage *ss)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (ip_addr_is_v4(a)) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, a->b, 4);
		return (socklen_t)sizeof(*sin);
	}
	if (ip_addr_is_v6(a)) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		memcpy(&sin6->sin6_addr, a->b, 16);
		return (socklen_t)sizeof(*sin6);
	}
	no_such_family();
	return 0;
}

int
plat_ip_addr(const struct sockaddr_storage *ss, struct ip_addr *a,
    uint16_t *port)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;

	if (ss->ss_family == AF_INET) {
		*a = ip_addr_v4(ntohl(sin->sin_addr.s_addr));
		*port = ntohs(sin->sin_port);
		return 0;
	}
	if (ss->ss_family == AF_INET6) {
		*a = ip_addr_v6(sin6->sin6_addr.s6_addr);
		*port = ntohs(sin6->sin6_port);
		return 0;
	}
	no_such_family();
	return -1;
}
