/*
 * observe_args.c - the program's arguments as `lingerlab observe` passes
 * them: "{peer}", "{peer6}" and "{port}" become the peer's IPv4 address,
 * its IPv6 address and its first port, so `curl http://{peer}:{port}/` and
 * `curl -6 'http://[{peer6}]:{port}/'` need no shell. Pure code.
 */
#include <string.h>

#include "observe_prog.h"

int
ob_subst(const char *arg, const char *peer, const char *peer6, const char *port,
    char *out, size_t len)
{
	const char *rep;
	size_t n = 0, k;

	while (*arg != '\0') {
		rep = NULL;
		if (strncmp(arg, "{peer6}", 7) == 0) {
			k = strlen(peer6);
			arg += 7;
			if (n + k >= len)
				return -1;
			memcpy(out + n, peer6, k);
			n += k;
			continue;
		}
		if (strncmp(arg, "{peer}", 6) == 0)
			rep = peer;
		else if (strncmp(arg, "{port}", 6) == 0)
			rep = port;
		if (rep != NULL) {
			k = strlen(rep);
			arg += 6;
		} else {
			rep = arg++;
			k = 1;
		}
		if (n + k >= len)
			return -1;
		memcpy(out + n, rep, k);
		n += k;
	}
	if (n >= len)
		return -1;
	out[n] = '\0';
	return 0;
}
