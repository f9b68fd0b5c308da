/*
 * platform_posix_errname.c - plat_err_name() on POSIX systems (Linux,
 * FreeBSD): the names scenarios write, from the table every platform
 * shares (plat_errnames.h), then glibc's own name for the rest.
 */
#include "platform.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "plat_errnames.h"

#define ENTRY(n) { E##n, "E" #n },

/* EWOULDBLOCK before EAGAIN: where they are one number, it names both. */
static const struct plat_errname names[] = { PLAT_SOCKET_ERRORS(ENTRY)
	    PLAT_POSIX_ERRORS(ENTRY) };

void
plat_err_name(int err, char *buf, size_t len)
{
	const char *n = NULL;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]) && n == NULL; i++)
		if (names[i].num == err)
			n = names[i].name;
#ifdef __GLIBC__
	if (n == NULL)
		n = strerrorname_np(err);
#endif
	if (n != NULL)
		snprintf(buf, len, "%s", n);
	else
		snprintf(buf, len, "E%d", err);
}
