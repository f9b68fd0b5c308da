/*
 * shim_rec.c - the shim's records: built in a stack buffer with no
 * allocation and no stdio, from facts gathered with system calls only, and
 * sent as one datagram each (client/observe/observe_rec.c reads them). Everything
 * here is async-signal-safe and leaves errno as it found it.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "shim_int.h"
#include "timeunit.h"

static void
put_s(struct rec *r, const char *s)
{
	while (*s != '\0' && r->n < sizeof(r->b) - 1)
		r->b[r->n++] = *s++;
}

static void
put_u(struct rec *r, uint64_t v)
{
	char d[24];
	size_t i = 0;

	do {
		d[i++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (i > 0 && r->n < sizeof(r->b) - 1)
		r->b[r->n++] = d[--i];
}

static void
put_i(struct rec *r, int64_t v)
{
	if (v < 0) {
		put_s(r, "-");
		put_u(r, (uint64_t)0 - (uint64_t)v);
	} else
		put_u(r, (uint64_t)v);
}

/* " key=value" */
void
kv(struct rec *r, const char *k, int64_t v)
{
	put_s(r, " ");
	put_s(r, k);
	put_s(r, "=");
	put_i(r, v);
}

uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

/* The common head of every record. */
void
rec_start(struct rec *r, const char *call, int fd)
{
	r->n = 0;
	put_s(r, "pid=");
	put_i(r, (int64_t)syscall(SYS_getpid));
	kv(r, "tid", (int64_t)syscall(SYS_gettid));
	put_s(r, " call=");
	put_s(r, call);
	kv(r, "fd", fd);
}

void
rec_result(struct rec *r, uint64_t t0, uint64_t t1, int64_t ret, int err)
{
	kv(r, "t0", (int64_t)t0);
	kv(r, "t1", (int64_t)t1);
	kv(r, "ret", ret);
	kv(r, "err", ret < 0 ? err : 0);
}

/* Send the record; errno is left as it was. */
void
rec_send(struct rec *r)
{
	int e = errno, fd = shim_out_fd;

	if (fd < 0)
		return;
	r->b[r->n++] = '\n';
	(void)send(fd, r->b, r->n, MSG_NOSIGNAL);
	errno = e;
}

/* Whether fd is a TCP socket; errno is left as it was. */
bool
is_tcp(int fd)
{
	int e = errno, proto = 0;
	socklen_t len = sizeof(proto);
	bool yes;

	yes = fd >= 0 && fd != shim_out_fd &&
	    getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len) == 0 &&
	    proto == IPPROTO_TCP;
	errno = e;
	return yes;
}

static int
sa_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return 0;
}

/* " key=" and the address's bytes in hex: 8 digits IPv4, 32 IPv6. */
static void
kv_addr(struct rec *r, const char *k, const struct sockaddr_storage *ss)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *b;
	size_t i, n;

	if (ss->ss_family == AF_INET) {
		b = (const unsigned char *)&((const struct sockaddr_in *)ss)
			->sin_addr;
		n = 4;
	} else if (ss->ss_family == AF_INET6) {
		b = ((const struct sockaddr_in6 *)ss)->sin6_addr.s6_addr;
		n = 16;
	} else
		return;
	put_s(r, " ");
	put_s(r, k);
	put_s(r, "=");
	for (i = 0; i < n && r->n < sizeof(r->b) - 2; i++) {
		r->b[r->n++] = hex[b[i] >> 4];
		r->b[r->n++] = hex[b[i] & 15];
	}
}

/*
 * fam= lport= rport= la= ra= of a socket (ports 0, addresses left out,
 * when it has none). A connect() still in progress has no peer name yet:
 * the address it was given (to, may be NULL) stands for it. errno kept.
 */
void
kv_ends(struct rec *r, int fd, const struct sockaddr *to, socklen_t tolen)
{
	struct sockaddr_storage ls, rs;
	socklen_t len;
	int e = errno;

	len = sizeof(ls);
	memset(&ls, 0, sizeof(ls));
	if (getsockname(fd, (struct sockaddr *)&ls, &len) != 0)
		ls.ss_family = AF_UNSPEC;
	len = sizeof(rs);
	memset(&rs, 0, sizeof(rs));
	if (getpeername(fd, (struct sockaddr *)&rs, &len) != 0) {
		memset(&rs, 0, sizeof(rs));
		if (to != NULL && tolen > 0 && tolen <= sizeof(rs) &&
		    to->sa_family == ls.ss_family)
			memcpy(&rs, to, tolen);
	}
	if (ls.ss_family != AF_UNSPEC)
		kv(r, "fam", ls.ss_family);
	kv(r, "lport", sa_port(&ls));
	kv(r, "rport", sa_port(&rs));
	kv_addr(r, "la", &ls);
	kv_addr(r, "ra", &rs);
	errno = e;
}

void
kv_ports(struct rec *r, int fd)
{
	kv_ends(r, fd, NULL, 0);
}

/* What close() will meet: linger, O_NONBLOCK, TCP state; errno kept. */
void
kv_close_state(struct rec *r, int fd)
{
	struct linger l;
	struct tcp_info ti;
	socklen_t len = sizeof(l);
	int e = errno, fl;

	memset(&l, 0, sizeof(l));
	if (getsockopt(fd, SOL_SOCKET, SO_LINGER, &l, &len) == 0) {
		kv(r, "lon", l.l_onoff != 0);
		kv(r, "lsec", l.l_linger);
	}
	fl = fcntl(fd, F_GETFL);
	if (fl != -1)
		kv(r, "nb", (fl & O_NONBLOCK) != 0);
	len = sizeof(ti);
	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == 0)
		kv(r, "st", ti.tcpi_state);
	errno = e;
}

/* Entries of a /proc/self directory, "." and ".." not counted; -1. */
static long
count_dir(const char *path)
{
	char buf[4096];
	long n, off, count = 0;
	int dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (dir == -1)
		return -1;
	while ((n = syscall(SYS_getdents64, dir, buf, sizeof(buf))) > 0)
		for (off = 0; off < n;) {
			/* d_reclen at 16, d_name at 19 in linux_dirent64 */
			unsigned short len;

			memcpy(&len, buf + off + 16, sizeof(len));
			if (buf[off + 19] != '.')
				count++;
			off += len;
		}
	syscall(SYS_close, dir);
	return count;
}

/* Resident memory from /proc/self/statm (its second field), KiB; -1. */
static long
rss_kib(void)
{
	char buf[128];
	long n, pages = 0;
	int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
	const char *p;

	if (fd == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	syscall(SYS_close, fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	for (p = buf; *p != '\0' && *p != ' '; p++)
		;
	for (p++; *p >= '0' && *p <= '9'; p++)
		pages = pages * 10 + (*p - '0');
	return pages * (getpagesize() / 1024);
}

/*
 * What the process holds, measured from inside: a program that is done in
 * a millisecond is over before any sampler from outside looks. The shim's
 * own descriptor is counted, at the start as at the end. errno kept.
 */
void
kv_holdings(struct rec *r)
{
	int e = errno;
	long fds;

	/* the directory descriptor count_dir opens is itself listed */
	fds = count_dir("/proc/self/fd");
	kv(r, "fds", fds > 0 ? fds - 1 : -1);
	kv(r, "thr", count_dir("/proc/self/task"));
	kv(r, "rss", rss_kib());
	errno = e;
}

/* One record per TCP socket still open, for exit paths; errno kept. */
void
report_open_at_exit(int status)
{
	char buf[4096];
	struct rec r;
	uint64_t t;
	long n, off;
	unsigned short len;
	int e = errno, dir, fd;

	if (__atomic_exchange_n(&shim_exit_sent, 1, __ATOMIC_SEQ_CST) != 0)
		return;
	t = now_ns();
	rec_start(&r, "exit", -1);
	rec_result(&r, t, t, status, 0);
	kv_holdings(&r);
	rec_send(&r);
	dir = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir == -1) {
		errno = e;
		return;
	}
	/* getdents64: no malloc, unlike opendir(). */
	while ((n = syscall(SYS_getdents64, dir, buf, sizeof(buf))) > 0) {
		for (off = 0; off < n; off += len) {
			const char *p = buf + off + 19; /* d_name */

			/* d_reclen */
			memcpy(&len, buf + off + 16, sizeof(len));
			for (fd = 0; *p >= '0' && *p <= '9'; p++)
				fd = fd * 10 + (*p - '0');
			if (buf[off + 19] == '.' || fd == dir || !is_tcp(fd))
				continue;
			rec_start(&r, "open-at-exit", fd);
			rec_result(&r, now_ns(), now_ns(), 0, 0);
			kv_ports(&r, fd);
			kv_close_state(&r, fd);
			rec_send(&r);
		}
	}
	syscall(SYS_close, dir);
	errno = e;
}
