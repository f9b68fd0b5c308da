/*
 * platform_win32_errname.c - plat_err_name() on Windows: Winsock's
 * numbers by the WSAE names scenarios write (windows: expectations),
 * from the list every platform shares (plat_errnames.h), and the few
 * Windows errors a Winsock call also returns (WSA_OPERATION_ABORTED
 * when its I/O was cancelled).
 */
#include "platform.h"

#include <winsock2.h>

#include <stdio.h>

#include "plat_errnames.h"

#define ENTRY(n) { WSAE##n, "WSAE" #n },
#define NAMED(n) { n, #n },

/*
 * The WSA_ names of Windows errors are winerror.h's numbers, written
 * here as numbers: the SDK spells them 995L, which the lint's CERT rule
 * (cert-dcl16-c) reports at every use.
 */
static const struct plat_errname names[] = {
	PLAT_SOCKET_ERRORS(ENTRY){ 995,
	    "WSA_OPERATION_ABORTED" },	 /* ERROR_OPERATION_ABORTED */
	{ 997, "WSA_IO_PENDING" },	 /* ERROR_IO_PENDING */
	{ 996, "WSA_IO_INCOMPLETE" },	 /* ERROR_IO_INCOMPLETE */
	{ 6, "WSA_INVALID_HANDLE" },	 /* ERROR_INVALID_HANDLE */
	{ 87, "WSA_INVALID_PARAMETER" }, /* ERROR_INVALID_PARAMETER */
	{ 8, "WSA_NOT_ENOUGH_MEMORY" },	 /* ERROR_NOT_ENOUGH_MEMORY */
	NAMED(WSANOTINITIALISED) NAMED(WSASYSNOTREADY) NAMED(WSAVERNOTSUPPORTED)
	    NAMED(WSAEDISCON) NAMED(WSAEPROCLIM) NAMED(WSAETOOMANYREFS)
		NAMED(WSAEPROTONOSUPPORT) NAMED(WSAESOCKTNOSUPPORT)
		    NAMED(WSAEPFNOSUPPORT) NAMED(WSAEINVALIDPROVIDER)
			NAMED(WSAEPROVIDERFAILEDINIT)
};

void
plat_err_name(int err, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (names[i].num == err) {
			snprintf(buf, len, "%s", names[i].name);
			return;
		}
	}
	snprintf(buf, len, "E%d", err);
}
