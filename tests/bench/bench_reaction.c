/*
 * bench_reaction.c - how fast lingerpeer answers a SYN compared with the
 * kernel's own listener on the same veth, and how many bytes a second it
 * absorbs in normal mode on one core.
 *
 * The kernel listener lives in the peer's namespace on a second address
 * (192.0.2.3 on llpeer0), so both answers cross the same link, and the
 * probes alternate between the two so that both see the same load.
 */
#include "bench.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "control_client.h"
#include "monotime.h"
#include "netlink_link.h"

#define WARMUP_PROBES	   10
#define CONTROL_TIMEOUT_MS 5000

/* A listening kernel socket on 192.0.2.3:BENCH_PORT_KERNEL in the peer's netns. */
static int
kernel_listener(struct sandbox *sb)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
		.sin_port = htons(BENCH_PORT_KERNEL) };
	char err[256];
	int nl, fd = -1, one = 1;

	if (sandbox_enter_peer_ns(sb) != 0) {
		fprintf(stderr, "lingerlab-bench: %s\n", sb->errbuf);
		return -1;
	}
	if ((nl = nl_open(err, sizeof(err))) < 0 ||
	    nl_addr_add_ipv4(nl, SANDBOX_PEER_IFACE, BENCH_KERNEL_ADDR,
		SANDBOX_PREFIX_LEN, err, sizeof(err)) != 0) {
		fprintf(stderr,
		    "lingerlab-bench: address for the kernel listener: %s\n",
		    err);
		goto out;
	}
	inet_pton(AF_INET, BENCH_KERNEL_ADDR, &sa.sin_addr);
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(fd, 4096) != 0) {
		fprintf(stderr, "lingerlab-bench: kernel listener: %s\n",
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
out:
	if (nl >= 0)
		close(nl);
	if (sandbox_leave_peer_ns(sb) != 0) {
		fprintf(stderr, "lingerlab-bench: %s\n", sb->errbuf);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

int
bench_reaction(const struct bench_cfg *cfg, struct sandbox *sb)
{
	static const char *const args[] = { "--port", "7001", NULL };
	struct bench_syn_probe *sp = NULL;
	uint64_t *lp = NULL, *kn = NULL, l, k;
	size_t nl = 0, nk = 0, i;
	struct bench_peer peer;
	double ml, mk;
	char err[256];
	int lfd, rc = 1;

	if ((lfd = kernel_listener(sb)) < 0)
		return 1;
	if (bench_peer_start(sb, cfg, args, &peer) != 0) {
		close(lfd);
		return 1;
	}
	if ((sp = bench_syn_probe_open(err, sizeof(err))) == NULL) {
		fprintf(stderr, "lingerlab-bench: %s\n", err);
		goto out;
	}
	lp = calloc(cfg->syn_probes, sizeof(*lp));
	kn = calloc(cfg->syn_probes, sizeof(*kn));
	if (lp == NULL || kn == NULL)
		goto out;
	/* Warm up: ARP on both sides, caches, lingerpeer's first pages. */
	for (i = 0; i < WARMUP_PROBES; i++) {
		bench_syn_probe_one(sp, SANDBOX_PEER_ADDR, BENCH_PORT_NORMAL,
		    -1);
		bench_syn_probe_one(sp, BENCH_KERNEL_ADDR, BENCH_PORT_KERNEL,
		    lfd);
	}
	for (i = 0; i < cfg->syn_probes; i++) {
		if ((l = bench_syn_probe_one(sp, SANDBOX_PEER_ADDR,
			 BENCH_PORT_NORMAL, -1)) > 0)
			lp[nl++] = l;
		if ((k = bench_syn_probe_one(sp, BENCH_KERNEL_ADDR,
			 BENCH_PORT_KERNEL, lfd)) > 0)
			kn[nk++] = k;
	}
	bench_note(cfg,
	    "reaction: %zu lingerpeer and %zu kernel SYN-ACKs timed", nl, nk);
	if (nl < cfg->syn_probes / 2 || nk < cfg->syn_probes / 2) {
		fprintf(stderr,
		    "lingerlab-bench: reaction: only %zu and %zu of %u SYNs answered\n",
		    nl, nk, cfg->syn_probes);
		goto out;
	}
	ml = bench_latency_us(lp, nl, 0.5);
	mk = bench_latency_us(kn, nk, 0.5);
	bench_emit(cfg, "reaction.lingerpeer", ml);
	bench_emit(cfg, "reaction.kernel", mk);
	bench_emit(cfg, "reaction.ratio", ml / mk);
	bench_emit(cfg, "reaction.lingerpeer_p99",
	    bench_latency_us(lp, nl, 0.99));
	rc = 0;
out:
	free(lp);
	free(kn);
	bench_syn_probe_close(sp);
	bench_peer_stop(&peer);
	close(lfd);
	return rc;
}

/* The peer's rx= count for the one connection on port 7001 (line: its conn line). */
static int
peer_rx(struct control_client *cc, uint64_t *rx, char *line, size_t len)
{
	struct control_reply rep;
	char err[256];
	int rc = -1;

	if (control_request(cc, "list port=7001", CONTROL_TIMEOUT_MS, &rep, err,
		sizeof(err)) != 0) {
		fprintf(stderr, "lingerlab-bench: control: %s\n", err);
		return -1;
	}
	if (rep.ok && rep.nlines == 1 &&
	    control_field_u64(rep.lines[0], "rx", rx) == 0) {
		snprintf(line, len, "%s", rep.lines[0]);
		rc = 0;
	} else {
		fprintf(stderr,
		    "lingerlab-bench: list port=7001: expected one conn line, got: "
		    "%s\n",
		    rep.status);
	}
	control_reply_free(&rep);
	return rc;
}

/* Frames the peer's capture buffer had no room for (UINT64_MAX: not reported). */
static uint64_t
capture_drops(struct control_client *cc)
{
	struct control_reply rep;
	uint64_t n = UINT64_MAX;
	char err[256];

	if (control_request(cc, "stats", CONTROL_TIMEOUT_MS, &rep, err,
		sizeof(err)) != 0)
		return UINT64_MAX;
	if (!rep.ok || rep.nlines < 1 ||
	    control_field_u64(rep.lines[0], "capture-drops", &n) != 0)
		n = UINT64_MAX;
	control_reply_free(&rep);
	return n;
}

/* Send as fast as the connection takes it for ms milliseconds. */
static int
pump(int fd, unsigned ms)
{
	static char buf[256 * 1024];
	int64_t end = monotime_ms() + ms;

	while (monotime_ms() < end) {
		if (send(fd, buf, sizeof(buf), 0) < 0 && errno != EINTR) {
			fprintf(stderr,
			    "lingerlab-bench: throughput send: %s\n",
			    strerror(errno));
			return -1;
		}
	}
	return 0;
}

int
bench_throughput(const struct bench_cfg *cfg, struct sandbox *sb)
{
	static const char *const args[] = { "--port", "7001", NULL };
	struct sockaddr_in sa = { .sin_family = AF_INET,
		.sin_port = htons(BENCH_PORT_NORMAL) };
	struct control_client *cc = NULL;
	struct bench_peer peer;
	uint64_t rx0, rx1, t0, t1, cpu0, cpu1, drops0, drops1;
	struct tcp_info ti;
	socklen_t sl;
	char err[256], line[1024];
	int fd = -1, rc = 1;

	if (bench_peer_start(sb, cfg, args, &peer) != 0)
		return 1;
	/*
	 * No pinning: lingerpeer has one thread, so it never uses more than one
	 * core, and how busy that core was is measured below. (Pinning it and
	 * the sender to separate CPUs of a 2-core VM made the runs in which the
	 * sender loses segments and backs off more frequent: docs/performance.md.)
	 */
	cc = control_client_open(peer.control, CONTROL_TIMEOUT_MS, err,
	    sizeof(err));
	if (cc == NULL) {
		fprintf(stderr, "lingerlab-bench: control: %s\n", err);
		goto out;
	}
	inet_pton(AF_INET, SANDBOX_PEER_ADDR, &sa.sin_addr);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		fprintf(stderr, "lingerlab-bench: throughput connect: %s\n",
		    strerror(errno));
		goto out;
	}
	/* Warm up for a tenth of the time, then count what the peer took in. */
	if (pump(fd, cfg->throughput_ms / 10) != 0 ||
	    peer_rx(cc, &rx0, line, sizeof(line)) != 0)
		goto out;
	t0 = monotime_ns();
	cpu0 = bench_cpu_ns(peer.pid);
	drops0 = bench_backlog_drops();
	if (pump(fd, cfg->throughput_ms) != 0 ||
	    peer_rx(cc, &rx1, line, sizeof(line)) != 0)
		goto out;
	t1 = monotime_ns();
	cpu1 = bench_cpu_ns(peer.pid);
	drops1 = bench_backlog_drops();
	sl = sizeof(ti);
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &sl) != 0)
		memset(&ti, 0, sizeof(ti));
	bench_note(cfg,
	    "throughput: %llu bytes in %.3f s; peer capture drops %lld; "
	    "sender retransmitted %u segments, cwnd %u, rtt %u us; input backlog drops "
	    "(whole machine) %llu",
	    (unsigned long long)(rx1 - rx0), (double)(t1 - t0) / 1e9,
	    (long long)capture_drops(cc), ti.tcpi_total_retrans,
	    ti.tcpi_snd_cwnd, ti.tcpi_rtt,
	    (unsigned long long)(drops1 - drops0));
	bench_note(cfg, "throughput: peer's record: %s", line);
	bench_emit(cfg, "throughput.absorbed",
	    (double)(rx1 - rx0) / ((double)(t1 - t0) / 1e9) / 1e6);
	bench_emit(cfg, "throughput.peer_cpu",
	    (double)(cpu1 - cpu0) / (double)(t1 - t0) * 100.0);
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	control_client_close(cc);
	bench_peer_stop(&peer);
	return rc;
}
