/*
 * platform_linux.c - the platform layer (platform.h) on Linux: BSD
 * sockets and connection state from sock_diag. What the system is and
 * holds (its description, the probes) is in platform_linux_sys.c, error
 * names in platform_posix_errname.c, addresses of either family, the route
 * and a socket's names in platform_posix_addr.c.
 */
#include "platform.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fd_close.h"
#include "platform_posix_addr.h"
#include "sockdiag.h"
#include "timeunit.h"

#define SEND_CHUNK     65536
#define RECV_MAX       (16u << 20) /* larger recv sizes are cut to this */
#define LISTEN_BACKLOG 16

static uint64_t
clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

uint64_t
plat_now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

int64_t
plat_realtime_offset_ns(void)
{
	uint64_t m1, r, m2;

	/* Read the wall clock between two monotonic readings: halves the error. */
	m1 = clock_ns(CLOCK_MONOTONIC);
	r = clock_ns(CLOCK_REALTIME);
	m2 = clock_ns(CLOCK_MONOTONIC);
	return (int64_t)(r - (m1 + (m2 - m1) / 2));
}

/*
 * This thread's time spent runnable but not running, in ns (the second
 * field of /proc/thread-self/schedstat), or 0 when the kernel does not
 * say (no CONFIG_SCHED_INFO, no /proc).
 */
static uint64_t
schedstat_delay_ns(const char *path)
{
	char buf[128], *p, *end;
	unsigned long long delay;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* "CPU_NS RUN_DELAY_NS TIMESLICES\n": the second number */
	if ((p = strchr(buf, ' ')) == NULL)
		return 0;
	errno = 0;
	delay = strtoull(p + 1, &end, 10);
	return errno == 0 && end != p + 1 && (*end == ' ' || *end == '\n')
	    ? (uint64_t)delay
	    : 0;
}

static uint64_t
run_delay_ns(void)
{
	return schedstat_delay_ns("/proc/thread-self/schedstat");
}

/* Read outside the timed span, so the reading costs the call nothing. */
static void
begin(struct plat_call *c)
{
	memset(c, 0, sizeof(*c));
	c->cpu_wait_ns = run_delay_ns();
	c->t_start_ns = plat_now_ns();
}

/* Close the record of a call whose result was rc (-1: errno says why). */
static void
end(struct plat_call *c, int64_t rc)
{
	int e = errno;
	uint64_t now;

	c->t_end_ns = plat_now_ns();
	c->ret = rc;
	c->err = rc < 0 ? e : 0;
	now = run_delay_ns();
	c->cpu_wait_ns = now > c->cpu_wait_ns ? now - c->cpu_wait_ns : 0;
	if (c->err != 0)
		plat_err_name(c->err, c->err_name, sizeof(c->err_name));
	errno = e;
}

/* An IPv6 socket speaks IPv6 only: no IPv4 through a mapped address. */
static int
v6only(int fd)
{
	int on = 1, e;

	if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) == 0)
		return fd;
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

void
plat_socket(plat_sock *s, enum ip_family family, struct plat_call *c)
{
	int af = plat_posix_af(family), fd = -1;

	begin(c);
	if (af != -1)
		fd = socket(af, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && af == AF_INET6)
		fd = v6only(fd);
	end(c, fd);
	*s = fd >= 0 ? (plat_sock)fd : PLAT_SOCK_NONE;
}

static int
set_nonblock(int fd, bool on)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl == -1)
		return -1;
	fl = on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK;
	return fcntl(fd, F_SETFL, fl);
}

/* Values past an int are the parser's to refuse; clamp rather than wrap. */
static int
to_int(int64_t v)
{
	return v > INT_MAX ? INT_MAX : v < INT_MIN ? INT_MIN : (int)v;
}

static int
setopt_int(int fd, int level, int name, int64_t v)
{
	int i = to_int(v);

	return setsockopt(fd, level, name, &i, sizeof(i));
}

void
plat_setopt(plat_sock s, enum plat_opt opt, int64_t value, struct plat_call *c)
{
	struct linger l = { 0, 0 };
	int fd = (int)s, rc;

	begin(c);
	switch (opt) {
	case PLAT_OPT_LINGER_OFF:
	case PLAT_OPT_LINGER:
		l.l_onoff = opt == PLAT_OPT_LINGER;
		l.l_linger = opt == PLAT_OPT_LINGER ? to_int(value) : 0;
		rc = setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
		break;
	case PLAT_OPT_BLOCKING:
	case PLAT_OPT_NONBLOCKING:
		rc = set_nonblock(fd, opt == PLAT_OPT_NONBLOCKING);
		break;
	case PLAT_OPT_SNDBUF:
		rc = setopt_int(fd, SOL_SOCKET, SO_SNDBUF, value);
		break;
	case PLAT_OPT_RCVBUF:
		rc = setopt_int(fd, SOL_SOCKET, SO_RCVBUF, value);
		break;
	case PLAT_OPT_NODELAY:
		rc = setopt_int(fd, IPPROTO_TCP, TCP_NODELAY, value != 0);
		break;
	case PLAT_OPT_USER_TIMEOUT:
		rc = setopt_int(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, value);
		break;
	case PLAT_OPT_LINGER2:
		rc = setopt_int(fd, IPPROTO_TCP, TCP_LINGER2, value);
		break;
	default: /* a number from outside (the agent's codec checks) */
		errno = EINVAL;
		rc = -1;
		break;
	}
	end(c, rc);
}

/* Until fd has one of events, or the deadline (ETIMEDOUT); 0 or -1 with errno. */
static int
wait_for(int fd, short events, uint64_t deadline_ns)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	uint64_t now;
	int n;

	for (;;) {
		now = plat_now_ns();
		if (now >= deadline_ns) {
			errno = ETIMEDOUT;
			return -1;
		}
		n = poll(&pfd, 1, (int)((deadline_ns - now) / NS_PER_MS + 1));
		if (n > 0)
			return 0;
		if (n == -1 && errno != EINTR)
			return -1;
	}
}

/* Wait for a non-blocking connect to finish; 0 or -1 with errno. */
static int
finish_connect(int fd, uint64_t deadline_ns)
{
	socklen_t len = sizeof(int);
	int soerr = 0;

	if (wait_for(fd, POLLOUT, deadline_ns) == -1)
		return -1;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == -1)
		return -1;
	errno = soerr;
	return soerr == 0 ? 0 : -1;
}

void
plat_connect(plat_sock s, const struct ip_addr *addr, uint16_t port,
    uint64_t timeout_ns, struct plat_call *c)
{
	struct sockaddr_storage ss;
	socklen_t sl = plat_sockaddr(addr, port, &ss);
	int fd = (int)s, fl, rc, e;

	fl = fcntl(fd, F_GETFL);
	begin(c);
	/* Non-blocking underneath, so that the wait has our deadline. */
	rc = fl == -1 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	if (rc == 0 && sl == 0) {
		errno = EAFNOSUPPORT;
		rc = -1;
	}
	if (rc == 0) {
		rc = connect(fd, (struct sockaddr *)&ss, sl);
		if (rc == -1 && errno == EINPROGRESS)
			rc = finish_connect(fd, c->t_start_ns + timeout_ns);
	}
	e = errno;
	if (fl != -1)
		(void)fcntl(fd, F_SETFL, fl);
	errno = e;
	end(c, rc);
}

void
plat_send(plat_sock s, uint64_t size, bool until_blocked, struct plat_call *c)
{
	static char buf[SEND_CHUNK];
	int flags = MSG_NOSIGNAL | (until_blocked ? MSG_DONTWAIT : 0);
	uint64_t total = 0;
	size_t want;
	ssize_t n = 0;

	memset(buf, 'x', sizeof(buf));
	begin(c);
	for (;;) {
		want = sizeof(buf);
		if (!until_blocked && size - total < want)
			want = (size_t)(size - total);
		n = send((int)s, buf, want, flags);
		if (n == -1 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		total += (uint64_t)n;
		if (!until_blocked && total >= size)
			break;
	}
	/* Bytes accepted make it a success, as a short write is one. */
	end(c, total > 0 || n >= 0 ? (int64_t)total : -1);
	c->bytes = total;
}

void
plat_recv(plat_sock s, uint64_t size, struct plat_call *c)
{
	size_t want = size > RECV_MAX ? RECV_MAX : (size_t)size;
	char *buf = malloc(want > 0 ? want : 1);
	ssize_t n;

	begin(c);
	if (buf == NULL) {
		errno = ENOMEM;
		n = -1;
	} else {
		while ((n = recv((int)s, buf, want, 0)) == -1 && errno == EINTR)
			;
	}
	end(c, n);
	c->bytes = n > 0 ? (uint64_t)n : 0;
	free(buf);
}

void
plat_shutdown(plat_sock s, int how, struct plat_call *c)
{
	static const int hows[] = { SHUT_RD, SHUT_WR, SHUT_RDWR };

	begin(c);
	if (how < 0 || how > 2) {
		errno = EINVAL;
		end(c, -1);
		return;
	}
	end(c, shutdown((int)s, hows[how]));
}

void
plat_close(plat_sock s, struct plat_call *c)
{
	begin(c);
	/* No retry on EINTR: Linux has released the descriptor already. */
	end(c, close((int)s));
}

void
plat_reset(plat_sock s)
{
	struct linger l = { 1, 0 };

	(void)setsockopt((int)s, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	(void)close((int)s);
}

/* close() releases the descriptor whatever it returns: nothing is kept. */
size_t
plat_reset_kept(void)
{
	return 0;
}

void
plat_listen(plat_sock s, const struct ip_addr *addr, uint16_t port,
    struct plat_call *c)
{
	struct sockaddr_storage ss;
	socklen_t sl = plat_sockaddr(addr, port, &ss);
	int fd = (int)s, one = 1, rc;

	begin(c);
	rc = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (rc == 0 && sl == 0) {
		errno = EAFNOSUPPORT;
		rc = -1;
	}
	if (rc == 0)
		rc = bind(fd, (struct sockaddr *)&ss, sl);
	if (rc == 0)
		rc = listen(fd, LISTEN_BACKLOG);
	end(c, rc);
}

/*
 * A blocking accept() with a deadline: non-blocking underneath, waiting in
 * poll(), so that a connection gone between poll() and accept() cannot
 * leave us blocked. The listener's own mode is restored; on Linux the new
 * socket does not inherit O_NONBLOCK from it, so the detour never shows.
 */
static int
accept_within(int fd, int fl, uint64_t deadline_ns)
{
	int nfd, e;

	if (fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1)
		return -1;
	for (;;) {
		nfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
		if (nfd >= 0 || (errno != EAGAIN && errno != EINTR))
			break;
		if (wait_for(fd, POLLIN, deadline_ns) == -1)
			break;
	}
	e = errno;
	(void)fcntl(fd, F_SETFL, fl);
	errno = e;
	return nfd;
}

void
plat_accept(plat_sock s, uint64_t timeout_ns, plat_sock *out,
    struct plat_call *c)
{
	int fd = (int)s, fl = fcntl(fd, F_GETFL), nfd;

	*out = PLAT_SOCK_NONE;
	begin(c);
	if (fl == -1)
		nfd = -1;
	else if (fl & O_NONBLOCK) {
		while ((nfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC)) == -1 &&
		    errno == EINTR)
			;
	} else
		nfd = accept_within(fd, fl, c->t_start_ns + timeout_ns);
	end(c, nfd);
	if (nfd >= 0)
		*out = (plat_sock)nfd;
}

__attribute__((noreturn)) static void
exit_child(int fd, int go)
{
	const int keep[2] = { fd, go };
	char ch;

	/* Keep only fd and go (and stdio), so that nothing else we hold has
	 * its last reference in the process that exits. */
	close_fds_except(3, keep, 2);
	/* Wait until the parent has closed its copy, then exit with fd open. */
	while (read(go, &ch, 1) == -1 && errno == EINTR)
		;
	_exit(0);
}

/*
 * Once the child has exited (not reaped yet, so /proc still has it): how
 * long in its life it waited for a CPU, 0 if unknown. It slept on the pipe
 * until told to go, so that is the wait of its exit.
 */
static uint64_t
child_delay_ns(pid_t pid)
{
	char path[64];
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	while (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT) == -1)
		if (errno != EINTR)
			return 0;
	snprintf(path, sizeof(path), "/proc/%d/schedstat", (int)pid);
	return schedstat_delay_ns(path);
}

void
plat_exit_close(plat_sock s, struct plat_call *c)
{
	int go[2], status, e;
	uint64_t child_wait;
	pid_t pid, r;

	memset(c, 0, sizeof(*c));
	if (pipe2(go, O_CLOEXEC) == -1) {
		begin(c);
		end(c, -1);
		return;
	}
	pid = fork();
	if (pid == 0)
		exit_child((int)s, go[0]);
	e = errno;
	close(go[0]);
	(void)close((int)s); /* the child holds it now */
	begin(c);
	if (pid == -1) {
		close(go[1]);
		errno = e;
		end(c, -1);
		return;
	}
	close(go[1]); /* EOF: the child exits */
	child_wait = child_delay_ns(pid);
	while ((r = waitpid(pid, &status, 0)) == -1 && errno == EINTR)
		;
	if (r == -1)
		end(c, -1);
	else {
		errno = ECHILD;
		end(c, WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1);
	}
	/* The exit waited for the child's CPU as well as for ours. */
	c->cpu_wait_ns += child_wait;
}

int
plat_tcp_state(const struct ip_addr *laddr, uint16_t lport,
    const struct ip_addr *raddr, uint16_t rport, char *name, size_t len)
{
	struct sockdiag_info di;
	int rc = sockdiag_lookup_ip(laddr, lport, raddr, rport, &di);

	if (rc < 0)
		return -1;
	/*
	 * The kernel's exact lookup (inet_lookup) falls back to a listener on
	 * the local port: once an accepted connection is gone, the server's
	 * listening socket answers for its four-tuple. A connection is never
	 * in LISTEN, so that answer means it is gone.
	 */
	if (rc == 1 && di.state == TCP_LISTEN && rport != 0)
		rc = 0;
	snprintf(name, len, "%s", sockdiag_state_name(rc == 1 ? di.state : 0));
	return 0;
}

int
plat_die_with_parent(long parent)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1)
		return -1;
	/* The parent may have died before the prctl took effect. */
	if ((long)getppid() != parent) {
		errno = ESRCH;
		return -1;
	}
	return 0;
}
