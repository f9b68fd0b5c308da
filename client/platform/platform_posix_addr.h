/*
 * platform_posix_addr.h - the platform layer's address families as POSIX
 * AF_ numbers, and its sockaddrs (platform_addr.h, which every platform
 * shares), for the files of a POSIX platform (platform_linux.c; a
 * FreeBSD one would share them too).
 */
#ifndef LINGERLAB_PLATFORM_POSIX_ADDR_H
#define LINGERLAB_PLATFORM_POSIX_ADDR_H

#include <sys/socket.h>

#include <stdint.h>

#include "ip_address.h"
#include "platform_addr.h"

/* AF_INET or AF_INET6 for a family; -1 with errno EAFNOSUPPORT else. */
int plat_posix_af(enum ip_family family);

#endif
