/*
 * platform_posix_addr.h - the platform layer's addresses (struct ip_addr,
 * either family) as POSIX sockaddrs and back, for the files of a POSIX
 * platform (platform_linux.c; a FreeBSD one would share them too).
 */
#ifndef LINGERLAB_PLATFORM_POSIX_ADDR_H
#define LINGERLAB_PLATFORM_POSIX_ADDR_H

#include <sys/socket.h>

#include <stdint.h>

#include "ip_address.h"

/* AF_INET or AF_INET6 for a family; -1 with errno EAFNOSUPPORT else. */
int plat_posix_af(enum ip_family family);

/*
 * a:port as a sockaddr of a's family in *ss: its length, or 0 with errno
 * EAFNOSUPPORT when a is of neither family.
 */
socklen_t plat_posix_sockaddr(const struct ip_addr *a, uint16_t port,
    struct sockaddr_storage *ss);

/* A sockaddr back: 0, or -1 with errno EAFNOSUPPORT for another family. */
int plat_posix_ip_addr(const struct sockaddr_storage *ss, struct ip_addr *a,
    uint16_t *port);

#endif
