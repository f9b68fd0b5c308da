/*
 * probe.h - resource probes for leak hunting: what a process holds (threads,
 * descriptors, resident memory), how many TCP sockets a network namespace
 * has in each state, and the kernel's TcpExt counters.
 *
 * Each probe is a pure parser (tested on captured /proc text and netlink
 * datagrams) and a reader that feeds it. The socket count comes from
 * sock_diag, per network namespace: /proc/net/sockstat's orphan count is
 * system-wide even inside a namespace, so it cannot tell a sandbox's orphans
 * from the host's. Linux only; other systems get their own readers.
 */
#ifndef LINGERLAB_PROBE_H
#define LINGERLAB_PROBE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* What one process holds; -1 in a field the source did not give. */
struct probe_proc {
	int64_t threads; /* Threads: of /proc/PID/status */
	int64_t fds;	 /* entries of /proc/PID/fd */
	int64_t rss_kib; /* VmRSS: (absent for a zombie or kernel thread) */
};

/*
 * Parse /proc/PID/status text (len bytes, need not end in NUL): Threads: and
 * VmRSS: (kB). Sets fds to -1 (status does not carry it). Returns 0, or -1
 * when Threads: is absent or a value is malformed.
 */
int probe_proc_parse_status(const char *text, size_t len,
    struct probe_proc *out);

/* /proc/PID/status plus the count of /proc/PID/fd (the reader's own directory
 * descriptor not counted when pid is the caller). 0, or -1 with err set. */
int probe_proc_read(pid_t pid, struct probe_proc *out, char *err,
    size_t errlen);

/* TCP sockets by state; index = the kernel's state number (1 ESTABLISHED ..
 * 11 CLOSING, 12 NEW_SYN_RECV). */
struct probe_socks {
	uint32_t by_state[16];
};

/*
 * Add the inet_diag_msg records of one sock_diag dump reply datagram to *acc.
 * Pure: buf may be unaligned and hostile. Returns 1 when NLMSG_DONE was seen,
 * 0 when more datagrams follow, -1 when malformed or an NLMSG_ERROR.
 */
int probe_socks_parse(const void *buf, size_t len, struct probe_socks *acc);

/* Count IPv4 and IPv6 TCP sockets in the caller's network namespace. */
int probe_socks_read(struct probe_socks *out, char *err, size_t errlen);

/*
 * Find counter name in the "TcpExt:" name/value line pair of /proc/net/netstat
 * text (len bytes). Returns 0 with *value set, or -1 when the name is absent
 * or the lines are malformed.
 */
int probe_netstat_parse(const char *text, size_t len, const char *name,
    uint64_t *value);

/* Read n TcpExt counters from /proc/self/net/netstat, which is per network
 * namespace (the caller's). 0, or -1 with err naming what failed. */
int probe_netstat_read(const char *const *names, uint64_t *values, size_t n,
    char *err, size_t errlen);

/* "ESTABLISHED", "FIN_WAIT1", ..., "NEW_SYN_RECV"; "?" outside 1..12. */
const char *probe_tcp_state_name(unsigned state);

/* The state number of a name probe_tcp_state_name gives (case-insensitive),
 * or 0 when it is none. */
unsigned probe_tcp_state_number(const char *name);

#endif
