/*
 * plat_errnames.h - the error names the scenario language knows, as one
 * list each platform file turns into its own table of (number, name).
 *
 * The socket errors exist on POSIX as E<name> and in Winsock as
 * WSAE<name>, so one list serves both: a POSIX file writes
 *
 *	#define ENTRY(n) { E##n, "E" #n },
 *	static const struct plat_errname tab[] = { PLAT_SOCKET_ERRORS(ENTRY) };
 *
 * and the Winsock file { WSAE##n, "WSAE" #n }. The order matters where
 * two names share a number (EWOULDBLOCK and EAGAIN on Linux): the first
 * wins, and scenarios write EWOULDBLOCK. PLAT_POSIX_ERRORS are those
 * Winsock has no WSAE name for.
 *
 * No includes: the numbers come from whichever <errno.h> or <winsock2.h>
 * the platform file includes before expanding the list.
 */
#ifndef LINGERLAB_PLAT_ERRNAMES_H
#define LINGERLAB_PLAT_ERRNAMES_H

/* The lists stay as written, a few names a line: */
/* clang-format off */
#define PLAT_SOCKET_ERRORS(X) \
	X(WOULDBLOCK) X(INPROGRESS) X(ALREADY) X(NOTSOCK) X(DESTADDRREQ) \
	X(MSGSIZE) X(PROTOTYPE) X(NOPROTOOPT) X(OPNOTSUPP) X(AFNOSUPPORT) \
	X(ADDRINUSE) X(ADDRNOTAVAIL) X(NETDOWN) X(NETUNREACH) X(NETRESET) \
	X(CONNABORTED) X(CONNRESET) X(NOBUFS) X(ISCONN) X(NOTCONN) \
	X(SHUTDOWN) X(TIMEDOUT) X(CONNREFUSED) X(HOSTDOWN) X(HOSTUNREACH) \
	X(INTR) X(BADF) X(ACCES) X(FAULT) X(INVAL) X(MFILE)

#define PLAT_POSIX_ERRORS(X) \
	X(AGAIN) X(PIPE) X(NOMEM) X(PERM) X(NFILE) X(DOM) X(CHILD) \
	X(NOENT) X(SRCH) X(NOSYS)
/* clang-format on */

/* One entry of a platform file's table. */
struct plat_errname {
	int num;
	const char *name;
};

#endif
