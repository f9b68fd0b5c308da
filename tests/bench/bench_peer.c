/*
 * bench_peer.c - what the peer measurements share: lingerpeer in the
 * sandbox, its resident memory and CPU time, and SYN to SYN-ACK latency
 * read from the client link's capture.
 *
 * The latency is taken from the kernel's own timestamps on llcli0 (the
 * packet tap stamps the outgoing SYN and the incoming SYN-ACK with one
 * clock), so it measures the other side's reaction plus the veth, not this
 * program's scheduling.
 */
#include "bench.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "monotime.h"
#include "peer_launch.h"
#include "timeunit.h"

#define PROBE_CONNECT_MS 3000
#define PROBE_CAPTURE_MS 1000
#define PROBE_BUFFER	 (8 * 1024 * 1024)

int
bench_peer_start(struct sandbox *sb, const struct bench_cfg *cfg,
    const char *const args[], struct bench_peer *out)
{
	struct peer_launch_opts lo = {
		.path = peer_launch_path(cfg->lingerpeer),
		.args = args,
		.echo_fd = STDERR_FILENO,
		.interrupt_fd = -1,
	};
	char why[PEER_LAUNCH_WHY_LEN];
	struct peer_proc pp;
	int rc;

	memset(out, 0, sizeof(*out));
	out->out_fd = -1;
	if ((lo.control_fd = peer_launch_control_listen("bench", out->control,
		 sizeof(out->control), why, sizeof(why))) == -1) {
		fprintf(stderr, "lingerlab-bench: %s\n", why);
		return -1;
	}
	rc = peer_launch_start(sb, &lo, &pp, why, sizeof(why));
	close(lo.control_fd);
	if (rc == -1 ||
	    peer_launch_wait_ready(&pp, &lo, why, sizeof(why)) == -1) {
		fprintf(stderr, "lingerlab-bench: lingerpeer: %s\n", why);
		if (rc == 0 && pp.pid > 0) {
			kill(pp.pid, SIGKILL);
			waitpid(pp.pid, NULL, 0);
		}
		if (rc == 0)
			close(pp.out_fd);
		return -1;
	}
	out->pid = pp.pid;
	out->out_fd =
	    pp.out_fd; /* kept open: lingerpeer prints nothing more without -v */
	return 0;
}

void
bench_peer_stop(struct bench_peer *p)
{
	if (p->pid > 0) {
		kill(p->pid, SIGKILL);
		waitpid(p->pid, NULL, 0);
		p->pid = 0;
	}
	if (p->out_fd >= 0)
		close(p->out_fd);
	p->out_fd = -1;
}

uint64_t
bench_rss_bytes(pid_t pid)
{
	char path[64], line[256];
	unsigned long long kb = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((fp = fopen(path, "r")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (sscanf(line, "VmRSS: %llu kB", &kb) == 1)
			break;
	fclose(fp);
	return (uint64_t)kb * 1024u;
}

uint64_t
bench_cpu_ns(pid_t pid)
{
	unsigned long long ut = 0, st = 0;
	char path[64], buf[1024], *p;
	size_t n;
	FILE *fp;
	long hz = sysconf(_SC_CLK_TCK);

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fp = fopen(path, "r")) == NULL)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	/* After "(comm)": state is field 3; utime and stime are fields 14 and 15. */
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 1,
		" %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut,
		&st) != 2 ||
	    hz <= 0)
		return 0;
	return (uint64_t)(ut + st) * (NS_PER_S / (uint64_t)hz);
}

uint64_t
bench_backlog_drops(void)
{
	unsigned long long total = 0;
	unsigned int processed, dropped;
	char line[512];
	FILE *fp;

	if ((fp = fopen("/proc/net/softnet_stat", "r")) == NULL)
		return 0;
	/* One line per CPU: packets processed, then dropped (input backlog full), in hex. */
	while (fgets(line, sizeof(line), fp) != NULL)
		if (sscanf(line, "%x %x", &processed, &dropped) == 2)
			total += dropped;
	fclose(fp);
	return total;
}

struct bench_syn_probe {
	pcap_t *pc;
	int fd;
};

struct bench_syn_probe *
bench_syn_probe_open(char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct bench_syn_probe *sp;
	struct bpf_program prog;

	if ((sp = calloc(1, sizeof(*sp))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if ((sp->pc = pcap_create(SANDBOX_CLIENT_IFACE, ebuf)) == NULL) {
		snprintf(err, errlen, "pcap on %s: %s", SANDBOX_CLIENT_IFACE,
		    ebuf);
		free(sp);
		return NULL;
	}
	pcap_set_immediate_mode(sp->pc, 1);
	pcap_set_snaplen(sp->pc, 96);
	pcap_set_buffer_size(sp->pc, PROBE_BUFFER);
	pcap_set_tstamp_precision(sp->pc, PCAP_TSTAMP_PRECISION_NANO);
	if (pcap_activate(sp->pc) < 0 ||
	    pcap_compile(sp->pc, &prog, "tcp[tcpflags] & tcp-syn != 0", 1,
		PCAP_NETMASK_UNKNOWN) != 0 ||
	    pcap_setfilter(sp->pc, &prog) != 0 ||
	    pcap_setnonblock(sp->pc, 1, ebuf) != 0 ||
	    (sp->fd = pcap_get_selectable_fd(sp->pc)) < 0) {
		snprintf(err, errlen, "pcap on %s: %s", SANDBOX_CLIENT_IFACE,
		    pcap_geterr(sp->pc));
		pcap_close(sp->pc);
		free(sp);
		return NULL;
	}
	pcap_freecode(&prog);
	return sp;
}

void
bench_syn_probe_close(struct bench_syn_probe *sp)
{
	if (sp == NULL)
		return;
	pcap_close(sp->pc);
	free(sp);
}

/* Ports and flags of a captured IPv4/TCP frame; -1 if it is not one. */
static int
tcp_of(const u_char *d, uint32_t caplen, uint16_t *sport, uint16_t *dport,
    uint8_t *flags)
{
	uint32_t ihl;

	if (caplen < 14 + 20 || d[12] != 0x08 || d[13] != 0x00 ||
	    d[14 + 9] != IPPROTO_TCP)
		return -1;
	ihl = (uint32_t)(d[14] & 0x0f) * 4;
	if (caplen < 14 + ihl + 14)
		return -1;
	d += 14 + ihl;
	*sport = (uint16_t)(d[0] << 8 | d[1]);
	*dport = (uint16_t)(d[2] << 8 | d[3]);
	*flags = d[13];
	return 0;
}

/* The SYN from lport and the SYN-ACK to it, from the capture. */
static uint64_t
capture_latency(struct bench_syn_probe *sp, uint16_t lport)
{
	int64_t deadline = monotime_ms() + PROBE_CAPTURE_MS;
	uint64_t t_syn = 0, t_synack = 0;
	struct pcap_pkthdr *h;
	const u_char *d;
	uint16_t s, dp;
	uint8_t fl;
	int rc;

	while (t_syn == 0 || t_synack == 0) {
		struct pollfd pfd = { .fd = sp->fd, .events = POLLIN };

		if ((rc = pcap_next_ex(sp->pc, &h, &d)) < 0)
			return 0;
		if (rc == 0) {
			int64_t left = deadline - monotime_ms();

			if (left <= 0)
				return 0;
			poll(&pfd, 1, (int)left);
			continue;
		}
		if (tcp_of(d, h->caplen, &s, &dp, &fl) != 0)
			continue;
		uint64_t t =
		    (uint64_t)h->ts.tv_sec * NS_PER_S + (uint64_t)h->ts.tv_usec;

		if (s == lport && (fl & 0x12) == 0x02 && t_syn == 0)
			t_syn = t;
		else if (dp == lport && (fl & 0x12) == 0x12 && t_synack == 0)
			t_synack = t;
	}
	return t_synack > t_syn ? t_synack - t_syn : 0;
}

static void
drain_listener(int lfd)
{
	int fd;

	while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0)
		close(fd);
}

static void
close_reset(int fd)
{
	struct linger lg = { 1, 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
}

uint64_t
bench_syn_probe_one(struct bench_syn_probe *sp, const char *addr, uint16_t port,
    int kernel_lfd)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
		.sin_port = htons(port) };
	struct sockaddr_in local;
	socklen_t sl = sizeof(local);
	struct pollfd pfd;
	uint64_t lat = 0;
	int fd, soerr = 0;

	inet_pton(AF_INET, addr, &sa.sin_addr);
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) < 0)
		return 0;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 &&
	    errno != EINPROGRESS)
		goto out;
	pfd = (struct pollfd){ .fd = fd, .events = POLLOUT };
	if (poll(&pfd, 1, PROBE_CONNECT_MS) != 1)
		goto out;
	sl = sizeof(soerr);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0 ||
	    soerr != 0)
		goto out;
	sl = sizeof(local);
	if (getsockname(fd, (struct sockaddr *)&local, &sl) == 0)
		lat = capture_latency(sp, ntohs(local.sin_port));
out:
	close_reset(fd);
	if (kernel_lfd >= 0)
		drain_listener(kernel_lfd);
	return lat;
}
