/*
 * platform_linux_sys.c - what the system under test is and holds, on
 * Linux: its description (uname, /etc/os-release) and the resource probes
 * (/proc for this process, sock_diag for the sockets of this network
 * namespace, TcpExt for the counters), through client/probe.
 */
#include "platform.h"

#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "probe.h"

#define UNKNOWN_TEXT "unknown"

/* src into dst, cut to fit: uname's fields may be longer than ours. */
static void
set_text(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (n >= len)
		n = len - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* PRETTY_NAME="Debian GNU/Linux 12 (bookworm)" -> its value, unquoted. */
static void
os_release(char *out, size_t len)
{
	static const char key[] = "PRETTY_NAME=";
	char line[256], *v, *end;
	FILE *f;

	snprintf(out, len, UNKNOWN_TEXT);
	if ((f = fopen("/etc/os-release", "re")) == NULL &&
	    (f = fopen("/usr/lib/os-release", "re")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, key, sizeof(key) - 1) != 0)
			continue;
		v = line + sizeof(key) - 1;
		v[strcspn(v, "\r\n")] = '\0';
		if (*v == '"' || *v == '\'') {
			if ((end = strrchr(v + 1, *v)) != NULL)
				*end = '\0';
			v++;
		}
		if (*v != '\0')
			set_text(out, len, v);
		break;
	}
	fclose(f);
}

void
plat_os_describe(struct plat_os_info *out)
{
	struct utsname u;

	memset(out, 0, sizeof(*out));
	if (uname(&u) == 0) {
		set_text(out->name, sizeof(out->name), u.sysname);
		set_text(out->kernel, sizeof(out->kernel), u.release);
		set_text(out->host, sizeof(out->host), u.nodename);
	} else {
		snprintf(out->name, sizeof(out->name), "Linux");
		snprintf(out->kernel, sizeof(out->kernel), UNKNOWN_TEXT);
		snprintf(out->host, sizeof(out->host), UNKNOWN_TEXT);
	}
	os_release(out->version, sizeof(out->version));
	/* Wine runs Windows programs; this is a Linux program. */
	snprintf(out->wine, sizeof(out->wine), "no");
}

int
plat_probe_proc(struct plat_proc *out, char *err, size_t errlen)
{
	struct probe_proc p;

	out->threads = out->fds = out->rss_kib = PLAT_UNKNOWN;
	/* Linux counts no private memory apart from the resident set. */
	out->private_kib = PLAT_UNKNOWN;
	if (probe_proc_read(getpid(), &p, err, errlen) < 0)
		return -1;
	out->threads = p.threads;
	out->fds = p.fds;
	out->rss_kib = p.rss_kib;
	return 0;
}

int
plat_probe_socks(struct plat_socks *out, char *err, size_t errlen)
{
	struct probe_socks s;
	size_t i;

	out->by_state[0] = PLAT_UNKNOWN; /* no state 0 */
	for (i = 1; i < PLAT_TCP_NSTATES; i++)
		out->by_state[i] = PLAT_UNKNOWN;
	if (probe_socks_read(&s, err, errlen) < 0)
		return -1;
	for (i = 1; i < PLAT_TCP_NSTATES; i++)
		out->by_state[i] = s.by_state[i];
	return 0;
}

static int64_t
counter_value(uint64_t v)
{
	return v > INT64_MAX ? INT64_MAX : (int64_t)v;
}

int
plat_probe_counters(const char *const *names, int64_t *values, size_t n,
    char *err, size_t errlen)
{
	char e2[8];
	uint64_t v;
	size_t i;

	/*
	 * The file first, so that a /proc that cannot be read is an error
	 * rather than n unknowns; then each name on its own, so that one the
	 * kernel lacks is unknown and the others still count.
	 */
	if (probe_netstat_read(NULL, NULL, 0, err, errlen) < 0)
		return -1;
	for (i = 0; i < n; i++)
		values[i] =
		    probe_netstat_read(&names[i], &v, 1, e2, sizeof(e2)) == 0
		    ? counter_value(v)
		    : PLAT_UNKNOWN;
	return 0;
}
