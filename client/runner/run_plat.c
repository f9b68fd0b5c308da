/*
 * run_plat.c - the scenario language's words mapped to the platform
 * layer's (run_plat.h). One switch per word, without a default, so that a
 * new option in the language that is not mapped here is a compiler
 * warning (an error with -Werror), not a silent EINVAL at run time.
 */
#include "run_plat.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

enum plat_opt
run_plat_opt(enum scn_opt opt)
{
	switch (opt) {
	case OPT_LINGER_OFF: return PLAT_OPT_LINGER_OFF;
	case OPT_LINGER: return PLAT_OPT_LINGER;
	case OPT_BLOCKING: return PLAT_OPT_BLOCKING;
	case OPT_NONBLOCKING: return PLAT_OPT_NONBLOCKING;
	case OPT_SNDBUF: return PLAT_OPT_SNDBUF;
	case OPT_RCVBUF: return PLAT_OPT_RCVBUF;
	case OPT_NODELAY: return PLAT_OPT_NODELAY;
	case OPT_USER_TIMEOUT: return PLAT_OPT_USER_TIMEOUT;
	case OPT_LINGER2: return PLAT_OPT_LINGER2;
	}
	/* Not an option the parser makes: the platform refuses it (EINVAL). */
	return (enum plat_opt)0;
}

uint32_t
run_os_bit(const struct plat_os_info *os)
{
	if (strcmp(os->name, "Linux") == 0)
		return SCN_OS_LINUX;
	if (strcmp(os->name, "FreeBSD") == 0)
		return SCN_OS_FREEBSD;
	if (strcmp(os->name, "Windows") == 0)
		return SCN_OS_WINDOWS;
	return 0;
}

void
run_os_name(const struct plat_os_info *os, char *name, size_t len)
{
	if (strcmp(os->kernel, "unknown") == 0 || os->kernel[0] == '\0')
		snprintf(name, len, "%s", os->name);
	else
		snprintf(name, len, "%s %s", os->name, os->kernel);
}

uint32_t
run_os(char *name, size_t len)
{
	struct plat_os_info os;

	plat_os_describe(&os);
	run_os_name(&os, name, len);
	return run_os_bit(&os);
}

void
run_os_system(const struct plat_os_info *os, char *buf, size_t len)
{
	char name[sizeof(os->name) + sizeof(os->kernel) + 2];
	bool version =
	    strcmp(os->version, "unknown") != 0 && os->version[0] != '\0';
	bool wine = strcmp(os->wine, "no") != 0 &&
	    strcmp(os->wine, "unknown") != 0 && os->wine[0] != '\0';

	/*
	 * Wine's Windows is the Windows API over the host's kernel, whose
	 * TCP makes the closes: say so, "Windows API (10.0.18362) under
	 * Wine 8.0 on Linux 6.1.0-18-amd64" (the agent's kernel is the
	 * host's there, platform_win32_sys.c).
	 */
	if (wine) {
		snprintf(buf, len,
		    "%s API%s%s%s under Wine %s on %s on host %s", os->name,
		    version ? " (" : "", version ? os->version : "",
		    version ? ")" : "", os->wine, os->kernel, os->host);
		return;
	}
	run_os_name(os, name, sizeof(name));
	snprintf(buf, len, "%s%s%s%s on host %s", name, version ? " (" : "",
	    version ? os->version : "", version ? ")" : "", os->host);
}
