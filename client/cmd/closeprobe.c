/*
 * closeprobe.c - lingerlab-closeprobe: one kernel TCP socket, one close(),
 * and what it did. The smallest client that shows linger behaviour: used by
 * `make demo` and by people poking at a lingerpeer by hand, until the
 * scenario driver runs whole scenario files.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "monotime.h"
#include "sockdiag.h"
#include "timeunit.h"
#include "units.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

struct probe {
	struct sockaddr_in peer;
	bool linger_set;
	struct linger linger;
	bool nonblock;
	uint64_t sndbuf;
	uint64_t send_bytes;
	int shutdown_how; /* -1: none */
	uint64_t settle_ns;
	uint64_t connect_timeout_ns;
};

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: lingerlab-closeprobe --addr IPV4 --port PORT [--linger off|SECONDS]\n"
	    "                            [--nonblock] [--sndbuf SIZE] [--send SIZE]\n"
	    "                            [--shutdown rd|wr|rdwr] [--settle DURATION]\n"
	    "\n"
	    "Connect a kernel TCP socket, optionally fill it with unsent data, close it,\n"
	    "and report what close() returned, how long it blocked, and the state the\n"
	    "socket was left in (found with sock_diag after close).\n"
	    "\n"
	    "  --linger off|N    SO_LINGER off, or on with l_linger = N seconds (0: RST)\n"
	    "  --nonblock        make the socket non-blocking before sending and closing\n"
	    "  --sndbuf SIZE     SO_SNDBUF, e.g. 64KiB\n"
	    "  --send SIZE       bytes to send before closing (non-blocking: until it\n"
	    "                    would block)\n"
	    "  --shutdown HOW    shutdown() before close()\n"
	    "  --settle D        look at the socket state again D after close (e.g. 500ms)\n"
	    "\n"
	    "Exit status: 0 done, 1 a socket call failed unexpectedly, 2 usage error.\n");
}

/* A whole number from lo to hi, or -1: atoi would take "12abc" for 12. */
static long
num_arg(const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < lo || v > hi)
		return -1;
	return v;
}

static int
parse_args(int argc, char **argv, struct probe *p)
{
	static const struct option opts[] = {
		{ "addr", required_argument, NULL, 'a' },
		{ "port", required_argument, NULL, 'p' },
		{ "linger", required_argument, NULL, 'l' },
		{ "nonblock", no_argument, NULL, 'n' },
		{ "sndbuf", required_argument, NULL, 'b' },
		{ "send", required_argument, NULL, 's' },
		{ "shutdown", required_argument, NULL, 'S' },
		{ "settle", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char err[200];
	long v;
	int ch;

	memset(p, 0, sizeof(*p));
	p->peer.sin_family = AF_INET;
	p->shutdown_how = -1;
	p->connect_timeout_ns = 3 * NS_PER_S;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		err[0] = '\0';
		switch (ch) {
		case 'a':
			if (inet_pton(AF_INET, optarg, &p->peer.sin_addr) != 1)
				snprintf(err, sizeof(err),
				    "--addr '%s': expected an IPv4 address",
				    optarg);
			break;
		case 'p':
			if ((v = num_arg(optarg, 1, 65535)) < 0)
				snprintf(err, sizeof(err),
				    "--port '%s': expected 1-65535", optarg);
			p->peer.sin_port = htons((uint16_t)(v < 0 ? 0 : v));
			break;
		case 'l':
			p->linger_set = true;
			p->linger.l_onoff = strcmp(optarg, "off") != 0;
			v = p->linger.l_onoff ? num_arg(optarg, 0, 65535) : 0;
			if (v < 0)
				snprintf(err, sizeof(err),
				    "--linger '%s': expected seconds "
				    "(0-65535) or off",
				    optarg);
			p->linger.l_linger = (int)(v < 0 ? 0 : v);
			break;
		case 'n': p->nonblock = true; break;
		case 'b':
			parse_size(optarg, &p->sndbuf, err, sizeof(err));
			break;
		case 's':
			parse_size(optarg, &p->send_bytes, err, sizeof(err));
			break;
		case 'S':
			p->shutdown_how = strcmp(optarg, "rd") == 0 ? SHUT_RD
			    : strcmp(optarg, "wr") == 0		    ? SHUT_WR
			    : strcmp(optarg, "rdwr") == 0	    ? SHUT_RDWR
								    : -2;
			if (p->shutdown_how == -2)
				snprintf(err, sizeof(err),
				    "--shutdown '%s': expected rd, wr or rdwr",
				    optarg);
			break;
		case 't':
			parse_duration(optarg, &p->settle_ns, err, sizeof(err));
			break;
		case 'h': usage(stdout); exit(EXIT_OK);
		default: usage(stderr); return -1;
		}
		if (err[0] != '\0') {
			fprintf(stderr, "lingerlab-closeprobe: %s\n", err);
			return -1;
		}
	}
	if (p->peer.sin_addr.s_addr == 0 || p->peer.sin_port == 0) {
		fprintf(stderr,
		    "lingerlab-closeprobe: --addr and --port are required "
		    "(in the sandbox: --addr $LINGERPEER_ADDR --port 7000)\n");
		return -1;
	}
	return 0;
}

static int
fail(const char *what)
{
	fprintf(stderr, "lingerlab-closeprobe: %s: %s\n", what,
	    strerror(errno));
	return -1;
}

static int
connect_with_timeout(int fd, const struct probe *p)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	int flags = fcntl(fd, F_GETFL), err = 0;
	socklen_t len = sizeof(err);

	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	if (connect(fd, (const struct sockaddr *)&p->peer, sizeof(p->peer)) <
		0 &&
	    errno != EINPROGRESS)
		return fail("connect");
	if (poll(&pfd, 1, (int)(p->connect_timeout_ns / NS_PER_MS)) == 0) {
		errno = ETIMEDOUT;
		return fail("connect");
	}
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
	fcntl(fd, F_SETFL, flags);
	if (err != 0) {
		errno = err;
		return fail("connect");
	}
	return 0;
}

static uint64_t
send_data(int fd, uint64_t want)
{
	static char buf[65536];
	uint64_t sent = 0;
	ssize_t n;

	memset(buf, 'x', sizeof(buf));
	while (sent < want) {
		n = send(fd, buf,
		    want - sent < sizeof(buf) ? (size_t)(want - sent)
					      : sizeof(buf),
		    MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* full: the peer stopped reading */
		sent += (uint64_t)n;
	}
	return sent;
}

static void
print_state(const char *when, const struct sockaddr_in *local,
    const struct probe *p)
{
	struct sockdiag_info di;
	char q[32];
	int rc = sockdiag_lookup(ntohl(local->sin_addr.s_addr),
	    ntohs(local->sin_port), ntohl(p->peer.sin_addr.s_addr),
	    ntohs(p->peer.sin_port), &di);

	if (rc < 0) {
		printf("state %s: unknown (sock_diag failed: %s)\n", when,
		    strerror(errno));
		return;
	}
	format_size(di.send_queue, q, sizeof(q));
	printf("state %s: %s", when,
	    sockdiag_state_name(rc == 1 ? di.state : 0));
	if (rc == 1)
		printf(" (send-q %s, retransmits %u, probes %u%s)", q,
		    di.retransmits, di.probes, di.inode == 0 ? ", orphan" : "");
	printf("\n");
}

static int
run(const struct probe *p)
{
	struct sockaddr_in local = { .sin_family = AF_INET };
	socklen_t len = sizeof(local);
	uint64_t sent, t0, t1;
	char a[32], b[48];
	int fd, rc, unsent = 0, saved;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return fail("socket");
	if (p->sndbuf &&
	    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &(int){ (int)p->sndbuf },
		sizeof(int)) < 0)
		return fail("setsockopt SO_SNDBUF");
	if (connect_with_timeout(fd, p) < 0)
		return -1;
	getsockname(fd, (struct sockaddr *)&local, &len);
	printf("connected %s:%u -> %s:%u\n",
	    inet_ntop(AF_INET, &local.sin_addr, a, sizeof(a)),
	    ntohs(local.sin_port),
	    inet_ntop(AF_INET, &p->peer.sin_addr, b, sizeof(b)),
	    ntohs(p->peer.sin_port));
	if (p->linger_set &&
	    setsockopt(fd, SOL_SOCKET, SO_LINGER, &p->linger,
		sizeof(p->linger)) < 0)
		return fail("setsockopt SO_LINGER");
	if (p->nonblock)
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	if (p->send_bytes) {
		sent = send_data(fd, p->send_bytes);
		ioctl(fd, TIOCOUTQ, &unsent);
		format_size(sent, a, sizeof(a));
		format_size((uint64_t)unsent, b, sizeof(b));
		printf("sent %s, %s not yet acknowledged\n", a, b);
	}
	if (p->shutdown_how >= 0 && shutdown(fd, p->shutdown_how) < 0)
		printf("shutdown: failed: %s\n", strerror(errno));
	print_state("before close", &local, p);
	t0 = monotime_ns();
	rc = close(fd);
	saved = errno;
	t1 = monotime_ns();
	printf("close() returned %d%s%s after %.1f ms (%s, linger %s%s)\n", rc,
	    rc < 0 ? " errno " : "", rc < 0 ? strerror(saved) : "",
	    (double)(t1 - t0) / 1e6, p->nonblock ? "non-blocking" : "blocking",
	    !p->linger_set || !p->linger.l_onoff ? "off" : "on, ",
	    !p->linger_set || !p->linger.l_onoff
		? ""
		: (snprintf(a, sizeof(a), "%ds", p->linger.l_linger), a));
	print_state("after close", &local, p);
	if (p->settle_ns) {
		struct timespec ts = { (time_t)(p->settle_ns / NS_PER_S),
			(long)(p->settle_ns % NS_PER_S) };

		nanosleep(&ts, NULL); /* the user asked to look again later */
		format_duration(p->settle_ns, a, sizeof(a));
		snprintf(b, sizeof(b), "%s later", a);
		print_state(b, &local, p);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct probe p;

	if (parse_args(argc, argv, &p) < 0)
		return EXIT_USAGE;
	setvbuf(stdout, NULL, _IOLBF, 0);
	return run(&p) < 0 ? EXIT_FAIL : EXIT_OK;
}
