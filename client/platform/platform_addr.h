/*
 * platform_addr.h - the platform layer's addresses (struct ip_addr, either
 * family) as sockaddrs and back. The sockaddrs are the same on POSIX and
 * in Winsock, so both platforms build the one file (platform_addr.c);
 * only where the error is said differs: errno, or WSAGetLastError().
 */
#ifndef LINGERLAB_PLATFORM_ADDR_H
#define LINGERLAB_PLATFORM_ADDR_H

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <sys/socket.h>
#endif

#include <stdint.h>

#include "ip_address.h"

/*
 * a:port as a sockaddr of a's family in *ss: its length, or 0 with
 * EAFNOSUPPORT (WSAEAFNOSUPPORT) when a is of neither family.
 */
socklen_t plat_sockaddr(const struct ip_addr *a, uint16_t port,
    struct sockaddr_storage *ss);

/* A sockaddr back: 0, or -1 with EAFNOSUPPORT (WSAEAFNOSUPPORT) for
 * another family. */
int plat_ip_addr(const struct sockaddr_storage *ss, struct ip_addr *a,
    uint16_t *port);

#endif
