/*
 * bench_capacity.c - lingerpeer holding many connections in swallow-fin:
 * how fast they open, what each costs it in resident memory, and how fast
 * it still answers a new SYN.
 *
 * The client is the kernel of the sandbox's client side, with real sockets:
 * four extra addresses on llcli0 (192.0.2.10-13), each binding its own range
 * of ports explicitly (no ephemeral-port search), to two swallow-fin ports.
 * Connections are opened in batches so that the peer's capture buffer never
 * overflows (a dropped SYN costs a 1 s retransmission), by worker processes
 * that each hold what their RLIMIT_NOFILE allows until the measurement ends.
 * Workers are forked after sandbox_open(), so they live in the sandbox's PID
 * namespace and die with it.
 */
#include "bench.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "control_client.h"
#include "monotime.h"
#include "netlink_link.h"

#define NADDRS		   4
#define FIRST_PORT	   10000
#define BATCH		   256
#define BATCH_TIMEOUT_MS   5000
#define CONTROL_TIMEOUT_MS 10000
#define WARMUP_PROBES	   20
#define SETTLE_MS	   1500

static const char *const client_addrs[NADDRS] = {
	"192.0.2.10",
	"192.0.2.11",
	"192.0.2.12",
	"192.0.2.13",
};

static int
add_client_addrs(void)
{
	char err[256];
	int nl, i;

	if ((nl = nl_open(err, sizeof(err))) < 0) {
		fprintf(stderr, "lingerlab-bench: %s\n", err);
		return -1;
	}
	for (i = 0; i < NADDRS; i++) {
		if (nl_addr_add_ipv4(nl, SANDBOX_CLIENT_IFACE, client_addrs[i],
			SANDBOX_PREFIX_LEN, err, sizeof(err)) != 0) {
			fprintf(stderr,
			    "lingerlab-bench: client address %s: %s\n",
			    client_addrs[i], err);
			close(nl);
			return -1;
		}
	}
	close(nl);
	return 0;
}

/*
 * Descriptors one process may hold for connections. The hard limit may not
 * be raised without CAP_SYS_RESOURCE (containers often lack it), so the
 * connections are spread over as many worker processes as that takes.
 */
static unsigned
fds_per_worker(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 512;
	if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max > 1u << 20)
		rl.rlim_max = 1u << 20;
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	return rl.rlim_cur > 1024 ? (unsigned)(rl.rlim_cur - 256) : 512;
}

/* Connection k: from client_addrs[k % NADDRS], port FIRST_PORT + k / (2 * NADDRS). */
static int
open_one(unsigned k)
{
	struct sockaddr_in from = { .sin_family = AF_INET },
			   to = { .sin_family = AF_INET };
	int fd, one = 1;

	from.sin_port = htons((uint16_t)(FIRST_PORT + k / (2 * NADDRS)));
	inet_pton(AF_INET, client_addrs[k % NADDRS], &from.sin_addr);
	to.sin_port =
	    htons(k / NADDRS % 2 ? BENCH_PORT_HOLD_B : BENCH_PORT_HOLD_A);
	inet_pton(AF_INET, SANDBOX_PEER_ADDR, &to.sin_addr);
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) < 0)
		return -1;
	/* Two destination ports share each source port: both sockets need it. */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&from, sizeof(from)) != 0 ||
	    (connect(fd, (struct sockaddr *)&to, sizeof(to)) != 0 &&
		errno != EINPROGRESS)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Wait until every fd in the batch is connected; returns how many are. */
static unsigned
wait_batch(struct pollfd *p, unsigned n)
{
	int64_t end = monotime_ms() + BATCH_TIMEOUT_MS;
	unsigned i, done = 0, ok = 0;
	int soerr;
	socklen_t sl;

	for (i = 0; i < n; i++)
		p[i].events = POLLOUT;
	while (done < n && monotime_ms() < end) {
		if (poll(p, n, (int)(end - monotime_ms())) <= 0)
			break;
		for (i = 0; i < n; i++) {
			if (p[i].fd < 0 || p[i].revents == 0)
				continue;
			sl = sizeof(soerr);
			if (getsockopt(p[i].fd, SOL_SOCKET, SO_ERROR, &soerr,
				&sl) == 0 &&
			    soerr == 0)
				ok++;
			p[i].fd = ~p[i].fd; /* poll ignores it from now on */
			done++;
		}
	}
	for (i = 0; i < n; i++)
		if (p[i].fd < 0)
			p[i].fd = ~p[i].fd;
	return ok;
}

/* The peer's connection count; with -v, its segment counters too. */
static uint64_t
peer_conns(const struct bench_cfg *cfg, const char *endpoint)
{
	struct control_client *cc;
	struct control_reply rep;
	uint64_t n = 0, in = 0, out = 0;
	char err[256];

	if ((cc = control_client_open(endpoint, CONTROL_TIMEOUT_MS, err,
		 sizeof(err))) == NULL)
		return 0;
	if (control_request(cc, "stats", CONTROL_TIMEOUT_MS, &rep, err,
		sizeof(err)) == 0) {
		if (rep.ok && rep.nlines >= 1) {
			control_field_u64(rep.lines[0], "conns", &n);
			control_field_u64(rep.lines[0], "segs-in", &in);
			control_field_u64(rep.lines[0], "segs-out", &out);
			bench_note(cfg,
			    "capacity: peer: conns=%llu segs-in=%llu segs-out=%llu",
			    (unsigned long long)n, (unsigned long long)in,
			    (unsigned long long)out);
		}
		control_reply_free(&rep);
	}
	control_client_close(cc);
	return n;
}

/*
 * One control command that names a held connection by the client's address
 * and port, as scenarios do; its round trip, in ms.
 */
static int
control_by_addr(const struct bench_cfg *cfg, const char *endpoint, unsigned k)
{
	struct control_client *cc;
	struct control_reply rep;
	char err[256];
	uint64_t t0, t1;
	int rc;

	if ((cc = control_client_open(endpoint, CONTROL_TIMEOUT_MS, err,
		 sizeof(err))) == NULL) {
		fprintf(stderr, "lingerlab-bench: control: %s\n", err);
		return -1;
	}
	t0 = monotime_ns();
	rc = control_requestf(cc, CONTROL_TIMEOUT_MS, &rep, err, sizeof(err),
	    "show %s:%u", client_addrs[k % NADDRS],
	    FIRST_PORT + k / (2 * NADDRS));
	t1 = monotime_ns();
	control_client_close(cc);
	if (rc != 0 || !rep.ok) {
		fprintf(stderr, "lingerlab-bench: control show: %s\n",
		    rc != 0 ? err : rep.status);
		if (rc == 0)
			control_reply_free(&rep);
		return -1;
	}
	control_reply_free(&rep);
	bench_emit(cfg, "capacity.control_addr", (double)(t1 - t0) / 1e6);
	return 0;
}

/* With -v: which probes were slow (over 500 us), in the order they ran. */
static void
slow_note(const struct bench_cfg *cfg, const uint64_t *v, size_t m)
{
	char buf[512];
	size_t i, len = 0, nslow = 0;

	for (i = 0; i < m; i++) {
		if (v[i] < 500000)
			continue;
		nslow++;
		if (len < sizeof(buf) - 32)
			len += (size_t)snprintf(buf + len, sizeof(buf) - len,
			    " #%zu:%.0fus", i, (double)v[i] / 1000.0);
	}
	buf[len] = '\0';
	if (nslow == 0)
		snprintf(buf, sizeof(buf), " none");
	bench_note(cfg, "capacity: %zu of %zu probes over 500 us:%s", nslow, m,
	    buf);
}

/* Median and p99 SYN-ACK latency of n new connections to the normal port. */
static int
probe_latency(const struct bench_cfg *cfg, struct bench_syn_probe *sp,
    unsigned n)
{
	uint64_t *v = calloc(n, sizeof(*v)), l;
	size_t m = 0, i;

	if (v == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if ((l = bench_syn_probe_one(sp, SANDBOX_PEER_ADDR,
			 BENCH_PORT_NORMAL, -1)) > 0)
			v[m++] = l;
	if (m < n / 2) {
		fprintf(stderr,
		    "lingerlab-bench: capacity: %zu of %u SYNs answered\n", m,
		    n);
		free(v);
		return -1;
	}
	slow_note(cfg, v, m);
	bench_emit(cfg, "capacity.synack_median", bench_latency_us(v, m, 0.5));
	bench_emit(cfg, "capacity.synack_p99", bench_latency_us(v, m, 0.99));
	free(v);
	return 0;
}

/* Open connections first..first+n-1 into fds; returns how many were established. */
static unsigned
fill(int *fds, unsigned first, unsigned n)
{
	struct pollfd p[BATCH];
	unsigned k = 0, held = 0, b;

	while (k < n) {
		for (b = 0; b < BATCH && k < n; k++) {
			if ((fds[k] = open_one(first + k)) < 0) {
				fprintf(stderr,
				    "lingerlab-bench: connection %u: %s\n",
				    first + k, strerror(errno));
				return held;
			}
			p[b++].fd = fds[k];
		}
		held += wait_batch(p, b);
	}
	return held;
}

/*
 * A worker process opens connections first..first+n-1, reports how many it
 * holds on up, then holds them until down reaches end of file, and resets
 * them (nothing lingers as the namespace goes away).
 */
static pid_t
start_worker(unsigned first, unsigned n, int *up_rd, int *down_wr)
{
	int up[2], down[2];
	unsigned held, i;
	int *fds;
	char c;
	pid_t pid;

	if (pipe(up) != 0)
		return -1;
	if (pipe(down) != 0) {
		close(up[0]);
		close(up[1]);
		return -1;
	}
	if ((pid = fork()) == 0) {
		close(up[0]);
		close(down[1]);
		held = 0;
		if ((fds = calloc(n, sizeof(*fds))) != NULL)
			held = fill(fds, first, n);
		if (write(up[1], &held, sizeof(held)) != (ssize_t)sizeof(held))
			_exit(1);
		while (read(down[0], &c, 1) > 0)
			;
		for (i = 0; fds != NULL && i < held; i++) {
			setsockopt(fds[i], SOL_SOCKET, SO_LINGER,
			    &(struct linger){ 1, 0 }, sizeof(struct linger));
			close(fds[i]);
		}
		_exit(
		    0); /* a forked child of the sandbox's owner: no exit hooks */
	}
	close(up[1]);
	close(down[0]);
	if (pid < 0) {
		close(up[0]);
		close(down[1]);
		return -1;
	}
	*up_rd = up[0];
	*down_wr = down[1];
	return pid;
}

#define MAX_WORKERS 64

struct holders {
	pid_t pid[MAX_WORKERS];
	int down[MAX_WORKERS];
	unsigned n;
};

static void
release_holders(struct holders *h)
{
	unsigned i;

	for (i = 0; i < h->n; i++)
		close(h->down[i]);
	for (i = 0; i < h->n; i++)
		waitpid(h->pid[i], NULL, 0);
	h->n = 0;
}

struct fill_result {
	unsigned held, held_mid;
	uint64_t rss_mid;
	uint64_t ns;
};

/* Open n connections over workers; note the RSS once half or more are held. */
static int
fill_all(const struct bench_cfg *cfg, const struct bench_peer *peer, unsigned n,
    struct holders *h, struct fill_result *r)
{
	unsigned per = fds_per_worker(), first = 0, got, share;
	uint64_t t0 = monotime_ns();
	int up;

	/* At least two workers: the RSS in between is the mid point. */
	if (per > (n + 1) / 2)
		per = (n + 1) / 2;
	memset(r, 0, sizeof(*r));
	while (first < n && h->n < MAX_WORKERS) {
		share = n - first < per ? n - first : per;
		if ((h->pid[h->n] = start_worker(first, share, &up,
			 &h->down[h->n])) < 0)
			return -1;
		h->n++;
		got = 0;
		if (read(up, &got, sizeof(got)) != (ssize_t)sizeof(got))
			got = 0;
		close(up);
		r->held += got;
		first += share;
		if (r->held_mid == 0 && r->held >= n / 2) {
			r->held_mid = r->held;
			r->rss_mid = bench_rss_bytes(peer->pid);
		}
		if (got < share)
			break;
	}
	r->ns = monotime_ns() - t0;
	bench_note(cfg,
	    "capacity: %u of %u connections established by %u processes",
	    r->held, n, h->n);
	return 0;
}

int
bench_capacity(const struct bench_cfg *cfg, struct sandbox *sb)
{
	static const char *const args[] = {
		"--port",
		"7000,7002",
		"--behaviour",
		"swallow-fin",
		"--port",
		"7001",
		"--behaviour",
		"normal",
		NULL,
	};
	struct bench_syn_probe *sp = NULL;
	struct holders h = { .n = 0 };
	struct fill_result fr;
	struct bench_peer peer;
	uint64_t base, full, seen;
	char err[256];
	unsigned i;
	int rc = 1;

	if (add_client_addrs() != 0 ||
	    bench_peer_start(sb, cfg, args, &peer) != 0)
		return 1;
	if ((sp = bench_syn_probe_open(err, sizeof(err))) == NULL) {
		fprintf(stderr, "lingerlab-bench: capacity: %s\n", err);
		goto out;
	}
	for (i = 0; i < WARMUP_PROBES; i++)
		bench_syn_probe_one(sp, SANDBOX_PEER_ADDR, BENCH_PORT_NORMAL,
		    -1);
	base = bench_rss_bytes(peer.pid);
	if (fill_all(cfg, &peer, cfg->hold_conns, &h, &fr) != 0)
		goto out;
	seen = peer_conns(cfg, peer.control);
	full = bench_rss_bytes(peer.pid);
	bench_note(cfg,
	    "capacity: lingerpeer holds %llu; RSS %llu idle, %llu at %u, %llu full",
	    (unsigned long long)seen, (unsigned long long)base,
	    (unsigned long long)fr.rss_mid, fr.held_mid,
	    (unsigned long long)full);
	if (fr.held == 0 || base == 0 || full == 0 || fr.held_mid >= fr.held)
		goto out;
	bench_emit(cfg, "capacity.held", fr.held);
	bench_emit(cfg, "capacity.open_rate",
	    (double)fr.held / ((double)fr.ns / 1e9));
	bench_emit(cfg, "capacity.rss_per_conn",
	    (double)(full - base) / fr.held);
	bench_emit(cfg, "capacity.rss_marginal",
	    (double)(full - fr.rss_mid) / (fr.held - fr.held_mid));
	/*
	 * Holding, not filling: let the SYN-ACK retransmission timers of the
	 * last connections (1 s, left in the heap after the handshake) expire
	 * first, so the probes see the steady state (docs/performance.md).
	 */
	usleep(SETTLE_MS * 1000);
	rc = probe_latency(cfg, sp, cfg->syn_probes) == 0 &&
		control_by_addr(cfg, peer.control, fr.held / 2) == 0
	    ? 0
	    : 1;
	if (cfg->verbose) {
		sleep(3);
		peer_conns(cfg, peer.control);
	}
out:
	bench_peer_stop(&peer);
	release_holders(&h);
	bench_syn_probe_close(sp);
	return rc;
}
