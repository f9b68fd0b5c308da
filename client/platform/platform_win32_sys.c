/*
 * platform_win32_sys.c - what the Windows system under test is and holds:
 * its description (RtlGetVersion, the host name, and Wine, recognised by
 * ntdll's wine_get_version), the state of a connection by its four-tuple
 * (GetTcpTable2, GetTcp6Table2), the resource probes (Toolhelp32 threads,
 * GetProcessHandleCount, GetProcessMemoryInfo; the host's connections by
 * state from the same table) and the TCP counters (GetTcpStatisticsEx).
 * What neither Windows nor Wine says is PLAT_UNKNOWN, never a guess.
 */
#include "platform.h"
#include "platform_win32_int.h"

#include <windows.h>
/* Before iphlpapi.h: its IPv6 table (GetTcp6Table2) needs ws2ipdef.h. */
#include <ws2tcpip.h>
#include <iphlpapi.h>
#include <psapi.h>
#include <tlhelp32.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNKNOWN_TEXT "unknown"

typedef LONG(WINAPI *rtl_get_version_fn)(OSVERSIONINFOW *);
typedef const char *(CDECL *wine_version_fn)(void);
typedef void(CDECL *wine_host_fn)(const char **, const char **);

/* An export of ntdll, or NULL: the Wine ones exist under Wine only. */
static FARPROC
ntdll_fn(const char *name)
{
	HMODULE h = GetModuleHandleA("ntdll.dll");

	return h != NULL ? GetProcAddress(h, name) : NULL;
}

/* "10.0.19045": the version Windows itself says, not the one a
 * manifest-less program is told by GetVersionEx. */
static void
windows_version(char *out, size_t len)
{
	rtl_get_version_fn get;
	OSVERSIONINFOW v;

	snprintf(out, len, UNKNOWN_TEXT);
	get = (rtl_get_version_fn)(void (*)(void))ntdll_fn("RtlGetVersion");
	memset(&v, 0, sizeof(v));
	v.dwOSVersionInfoSize = sizeof(v);
	if (get != NULL && get(&v) == 0)
		snprintf(out, len, "%lu.%lu.%lu", v.dwMajorVersion,
		    v.dwMinorVersion, v.dwBuildNumber);
}

/*
 * Under Wine, the kernel is the host's ("Linux 6.1.0-18-amd64"): the
 * Windows API is Wine's, the TCP stack the host kernel's. On Windows the
 * kernel is NT, of the version above.
 */
static void
wine_and_kernel(struct plat_os_info *out)
{
	wine_version_fn wv;
	wine_host_fn wh;
	const char *sys = NULL, *rel = NULL;

	wv = (wine_version_fn)(void (*)(void))ntdll_fn("wine_get_version");
	if (wv == NULL) {
		snprintf(out->wine, sizeof(out->wine), "no");
		snprintf(out->kernel, sizeof(out->kernel), "%s", out->version);
		return;
	}
	snprintf(out->wine, sizeof(out->wine), "%s", wv());
	wh = (wine_host_fn)(void (*)(void))ntdll_fn("wine_get_host_version");
	if (wh != NULL)
		wh(&sys, &rel);
	snprintf(out->kernel, sizeof(out->kernel), "%s %s",
	    sys != NULL ? sys : UNKNOWN_TEXT, rel != NULL ? rel : UNKNOWN_TEXT);
}

void
plat_os_describe(struct plat_os_info *out)
{
	DWORD n;

	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "Windows");
	windows_version(out->version, sizeof(out->version));
	wine_and_kernel(out);
	n = sizeof(out->host);
	if (!GetComputerNameExA(ComputerNameDnsHostname, out->host, &n))
		snprintf(out->host, sizeof(out->host), UNKNOWN_TEXT);
}

/* ---- the host's TCP table ---- */

/*
 * The whole IPv4 table (GetTcpTable2) or IPv6 one (GetTcp6Table2),
 * malloc'd; NULL with errno (a Windows error).
 */
static void *
table_of(bool v6)
{
	void *t = NULL, *n;
	ULONG size = 0;
	DWORD rc;
	int tries;

	/* The table may grow between asking its size and reading it. */
	for (tries = 0; tries < 8; tries++) {
		rc = v6 ? GetTcp6Table2(t, &size, FALSE)
			: GetTcpTable2(t, &size, FALSE);
		if (rc == NO_ERROR)
			return t;
		if (rc != ERROR_INSUFFICIENT_BUFFER)
			break;
		if ((n = realloc(t, size)) == NULL) {
			rc = ERROR_NOT_ENOUGH_MEMORY;
			break;
		}
		t = n;
	}
	free(t);
	errno = (int)rc;
	return NULL;
}

static MIB_TCPTABLE2 *
tcp_table(void)
{
	return table_of(false);
}

static MIB_TCP6TABLE2 *
tcp6_table(void)
{
	return table_of(true);
}

/* Windows' MIB_TCP_STATE to platform.h's numbering (Linux's); 0: none. */
static int
linux_state(DWORD s)
{
	switch (s) {
	case MIB_TCP_STATE_ESTAB: return 1;
	case MIB_TCP_STATE_SYN_SENT: return 2;
	case MIB_TCP_STATE_SYN_RCVD: return 3;
	case MIB_TCP_STATE_FIN_WAIT1: return 4;
	case MIB_TCP_STATE_FIN_WAIT2: return 5;
	case MIB_TCP_STATE_TIME_WAIT: return 6;
	case MIB_TCP_STATE_CLOSED: return 7;
	case MIB_TCP_STATE_CLOSE_WAIT: return 8;
	case MIB_TCP_STATE_LAST_ACK: return 9;
	case MIB_TCP_STATE_LISTEN: return 10;
	case MIB_TCP_STATE_CLOSING: return 11;
	default: return 0; /* DELETE_TCB: going */
	}
}

static const char *const state_names[] = {
	"gone",
	"ESTABLISHED",
	"SYN_SENT",
	"SYN_RECV",
	"FIN_WAIT1",
	"FIN_WAIT2",
	"TIME_WAIT",
	"CLOSE",
	"CLOSE_WAIT",
	"LAST_ACK",
	"LISTEN",
	"CLOSING",
};

/* A row's port: the low 16 bits, in network order. */
static uint16_t
row_port(DWORD p)
{
	return ntohs((u_short)(p & 0xffff));
}

/* The row of a four-tuple in either table: its state, 0 when none. */
static int
state_v4(const struct ip_addr *laddr, uint16_t lport,
    const struct ip_addr *raddr, uint16_t rport)
{
	MIB_TCPTABLE2 *t = tcp_table();
	DWORD i;
	int st = 0;

	if (t == NULL)
		return -1;
	for (i = 0; i < t->dwNumEntries && st == 0; i++) {
		const MIB_TCPROW2 *r = &t->table[i];

		if (memcmp(&r->dwLocalAddr, laddr->b, 4) == 0 &&
		    row_port(r->dwLocalPort) == lport &&
		    memcmp(&r->dwRemoteAddr, raddr->b, 4) == 0 &&
		    row_port(r->dwRemotePort) == rport)
			st = linux_state(r->dwState);
	}
	free(t);
	return st;
}

static int
state_v6(const struct ip_addr *laddr, uint16_t lport,
    const struct ip_addr *raddr, uint16_t rport)
{
	MIB_TCP6TABLE2 *t = tcp6_table();
	DWORD i;
	int st = 0;

	if (t == NULL)
		return -1;
	for (i = 0; i < t->dwNumEntries && st == 0; i++) {
		const MIB_TCP6ROW2 *r = &t->table[i];

		if (memcmp(&r->LocalAddr, laddr->b, 16) == 0 &&
		    row_port(r->dwLocalPort) == lport &&
		    memcmp(&r->RemoteAddr, raddr->b, 16) == 0 &&
		    row_port(r->dwRemotePort) == rport)
			st = linux_state(r->State);
	}
	free(t);
	return st;
}

int
plat_tcp_state(const struct ip_addr *laddr, uint16_t lport,
    const struct ip_addr *raddr, uint16_t rport, char *name, size_t len)
{
	int st;

	if (laddr->family != raddr->family ||
	    (!ip_addr_is_v4(laddr) && !ip_addr_is_v6(laddr))) {
		errno = WSAEAFNOSUPPORT;
		return -1;
	}
	st = ip_addr_is_v4(laddr) ? state_v4(laddr, lport, raddr, rport)
				  : state_v6(laddr, lport, raddr, rport);
	if (st < 0)
		return -1;
	/* A connection is never in LISTEN: that row is a listener's. */
	if (st == 10 && rport != 0)
		st = 0;
	snprintf(name, len, "%s", state_names[st]);
	return 0;
}

int
plat_probe_socks(struct plat_socks *out, char *err, size_t errlen)
{
	MIB_TCPTABLE2 *t;
	MIB_TCP6TABLE2 *t6;
	DWORD i;
	size_t k;
	int st;

	for (k = 0; k < PLAT_TCP_NSTATES; k++)
		out->by_state[k] = PLAT_UNKNOWN;
	if ((t = tcp_table()) == NULL) {
		snprintf(err, errlen, "GetTcpTable2 failed (Windows error %d)",
		    errno);
		return -1;
	}
	/* Every state Windows has counts, 0 when none; NEW_SYN_RECV is
	 * Linux's alone and stays unknown. */
	for (k = 1; k <= 11; k++)
		out->by_state[k] = 0;
	for (i = 0; i < t->dwNumEntries; i++)
		if ((st = linux_state(t->table[i].dwState)) != 0)
			out->by_state[st]++;
	free(t);
	/* IPv6 as well, as Linux counts both; a host without IPv6 has no
	 * table to give, and no IPv6 sockets to count. */
	if ((t6 = tcp6_table()) == NULL)
		return 0;
	for (i = 0; i < t6->dwNumEntries; i++)
		if ((st = linux_state(t6->table[i].State)) != 0)
			out->by_state[st]++;
	free(t6);
	return 0;
}

/* ---- this process ---- */

static int64_t
thread_count(void)
{
	DWORD me = GetCurrentProcessId();
	THREADENTRY32 te;
	int64_t n = 0;
	HANDLE snap;

	snap = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);
	if (snap == INVALID_HANDLE_VALUE)
		return PLAT_UNKNOWN;
	te.dwSize = sizeof(te);
	if (Thread32First(snap, &te)) {
		do {
			if (te.th32OwnerProcessID == me)
				n++;
			te.dwSize = sizeof(te);
		} while (Thread32Next(snap, &te));
	}
	CloseHandle(snap);
	return n > 0 ? n : PLAT_UNKNOWN;
}

int
plat_probe_proc(struct plat_proc *out, char *err, size_t errlen)
{
	PROCESS_MEMORY_COUNTERS_EX pm;
	DWORD handles = 0;

	(void)err;
	(void)errlen;
	/*
	 * A running process holds handles and private memory: a 0 is a
	 * system that does not count them (Wine 8.0 answers 0 for both), and
	 * is reported unknown rather than as a count.
	 */
	out->threads = thread_count();
	out->fds =
	    GetProcessHandleCount(GetCurrentProcess(), &handles) && handles > 0
	    ? (int64_t)handles
	    : PLAT_UNKNOWN;
	out->rss_kib = out->private_kib = PLAT_UNKNOWN;
	memset(&pm, 0, sizeof(pm));
	pm.cb = sizeof(pm);
	if (GetProcessMemoryInfo(GetCurrentProcess(),
		(PROCESS_MEMORY_COUNTERS *)&pm, sizeof(pm))) {
		if (pm.WorkingSetSize > 0)
			out->rss_kib = (int64_t)(pm.WorkingSetSize / 1024);
		if (pm.PrivateUsage > 0)
			out->private_kib = (int64_t)(pm.PrivateUsage / 1024);
	}
	return 0;
}

/* ---- counters ---- */

/*
 * The MIB-II TCP counters Windows keeps (GetTcpStatisticsEx), by the
 * names Linux's /proc/net/snmp gives them. Linux's TcpExt names
 * (TCPAbortOnLinger, ...) have no Windows counterpart: unknown.
 */
static int64_t
counter(const MIB_TCPSTATS *st, const char *name)
{
	static const struct {
		const char *name;
		size_t off;
	} map[] = {
		{ "ActiveOpens", offsetof(MIB_TCPSTATS, dwActiveOpens) },
		{ "PassiveOpens", offsetof(MIB_TCPSTATS, dwPassiveOpens) },
		{ "AttemptFails", offsetof(MIB_TCPSTATS, dwAttemptFails) },
		{ "EstabResets", offsetof(MIB_TCPSTATS, dwEstabResets) },
		{ "CurrEstab", offsetof(MIB_TCPSTATS, dwCurrEstab) },
		{ "InSegs", offsetof(MIB_TCPSTATS, dwInSegs) },
		{ "OutSegs", offsetof(MIB_TCPSTATS, dwOutSegs) },
		{ "RetransSegs", offsetof(MIB_TCPSTATS, dwRetransSegs) },
		{ "InErrs", offsetof(MIB_TCPSTATS, dwInErrs) },
		{ "OutRsts", offsetof(MIB_TCPSTATS, dwOutRsts) },
	};
	size_t i;
	DWORD v;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (strcmp(map[i].name, name) != 0)
			continue;
		memcpy(&v, (const char *)st + map[i].off, sizeof(v));
		return (int64_t)v;
	}
	return PLAT_UNKNOWN;
}

int
plat_probe_counters(const char *const *names, int64_t *values, size_t n,
    char *err, size_t errlen)
{
	MIB_TCPSTATS st;
	DWORD rc;
	size_t i;

	memset(&st, 0, sizeof(st));
	if ((rc = GetTcpStatisticsEx(&st, AF_INET)) != NO_ERROR) {
		snprintf(err, errlen,
		    "GetTcpStatisticsEx failed (Windows "
		    "error %lu)",
		    rc);
		return -1;
	}
	for (i = 0; i < n; i++)
		values[i] = counter(&st, names[i]);
	return 0;
}
