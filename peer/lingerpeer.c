/*
 * lingerpeer.c - the program: wires capture, codec, state machine, injection
 * and the control channel into one poll loop.
 *
 * One thread, one loop: a frame is decoded, handed to the state machine, and
 * whatever it wants to send is encoded and injected before the next frame is
 * read. The control channel is served from the same loop with non-blocking
 * sockets, so a slow control client can never hold up the packet path.
 */
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture.h"
#include "control_server.h"
#include "control_token.h"
#include "frame.h"
#include "inject.h"
#include "link_notice.h"
#include "monotime.h"
#include "neighbour.h"
#include "pcap_writer.h"
#include "peer_options.h"
#include "peer_safety.h"
#include "tcp_peer.h"
#include "timeunit.h"

#define MAX_POLLFDS 128

struct lingerpeer {
	struct peer_options opt;
	struct peer *peer;
	struct capture *cap;
	struct inject *inj;
	struct control_server *ctl;
	struct pcap_writer *pcap;
	struct neigh nb; /* ARP and NDP: neighbour.h */
	uint64_t t0;	 /* monotonic start, for narration times */
	uint64_t frames_in;
	uint64_t frame_errors[FRAME_ERROR_COUNT];
	uint64_t csum_offloaded; /* TCP checksums left for offload: accepted */
	uint64_t super_segments; /* TCP above the MTU (segmentation offload) */
	bool said_bad_csum;	 /* the one stderr notice about bad checksums */
	bool said_cut;		 /* ... and about frames the capture cut */
	unsigned mtu;		 /* the link's, for super_segments */
	uint64_t not_tcp;	 /* decoded, but no ARP, NDP or TCP for us */
	uint64_t link_noise;	 /* ICMPv6 a link sends by itself: RS, MLD */
	uint64_t
	    ip6_ext_skipped; /* frames whose IPv6 extension headers were skipped */
	uint64_t inject_errors;
	char token[CONTROL_TOKEN_MAX + 1]; /* --control-token's, or "" */
	char err[512];
};

static volatile sig_atomic_t stop_signal;

static void
on_stop(int sig)
{
	stop_signal = sig;
}

static uint64_t
wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

static void
narrate(void *arg, uint32_t conn_id, const char *text)
{
	struct lingerpeer *lp = arg;
	uint64_t t = monotime_ns() - lp->t0;

	if (conn_id != 0)
		printf("[%4" PRIu64 ".%06" PRIu64 "] connection %" PRIu32
		       ": %s\n",
		    t / NS_PER_S, t % NS_PER_S / NS_PER_US, conn_id, text);
	else
		printf("[%4" PRIu64 ".%06" PRIu64 "] %s\n", t / NS_PER_S,
		    t % NS_PER_S / NS_PER_US, text);
	fflush(stdout);
}

static void
send_frame(void *arg, const uint8_t *frame, size_t len)
{
	struct lingerpeer *lp = arg;
	char err[256];

	if (inject_frame(lp->inj, frame, len, err, sizeof(err)) < 0) {
		if (lp->inject_errors++ == 0)
			fprintf(stderr,
			    "lingerpeer: %s (further errors only counted)\n",
			    err);
		return;
	}
	if (lp->pcap != NULL)
		pcap_writer_add(lp->pcap, frame, len, wall_ns());
}

static void
send_segment(void *arg, const struct segment *seg, const uint8_t mac[6])
{
	struct lingerpeer *lp = arg;
	uint8_t buf[FRAME_MAX];
	static uint16_t ip_id;
	size_t n;

	n = frame_encode_tcp(buf, sizeof(buf), inject_mac(lp->inj), mac, seg,
	    ip_id++, 64);
	if (n > 0)
		send_frame(lp, buf, n);
}

static void
flush_output(struct lingerpeer *lp)
{
	struct segment seg;

	while (peer_pop_output(lp->peer, &seg))
		neigh_output(&lp->nb, &seg);
}

/*
 * What a link with offloads on hands over (frame.c): counted for stats and,
 * with -v, said once each; on such a link every segment is like that.
 */
static void
note_offloads(struct lingerpeer *lp, const struct frame *f)
{
	char text[256];

	if (f->tcp_csum == FRAME_CSUM_OFFLOADED && lp->csum_offloaded++ == 0 &&
	    lp->opt.verbose)
		narrate(lp, 0,
		    "segments carry the partial checksum of transmit "
		    "checksum offload on the sender's link: accepted (stats: "
		    "tcp-csum-offloaded)");
	if (lp->mtu > 0 && f->ip_len > lp->mtu && lp->super_segments++ == 0 &&
	    lp->opt.verbose) {
		snprintf(text, sizeof(text),
		    "a %" PRIu32 "-byte segment, above "
		    "the link's MTU of %u: segmentation offload on the sender's "
		    "link; taken as the data it is (stats: tcp-super-segments)",
		    f->ip_len, lp->mtu);
		narrate(lp, 0, text);
	}
}

/* One of our addresses (a frame's address is never of no family). */
static bool
owned(const struct lingerpeer *lp, const struct ip_addr *a)
{
	return ip_addr_eq(a, &lp->opt.addr4) || ip_addr_eq(a, &lp->opt.addr6);
}

static void
on_frame(void *arg, const uint8_t *bytes, size_t len, uint64_t wall)
{
	struct lingerpeer *lp = arg;
	enum frame_error fe;
	struct frame f;

	lp->frames_in++;
	if (lp->pcap != NULL)
		pcap_writer_add(lp->pcap, bytes, len, wall);
	if ((fe = frame_decode(bytes, len, lp->opt.verify_csum, &f)) !=
	    FRAME_OK) {
		lp->frame_errors[fe]++;
		return;
	}
	lp->ip6_ext_skipped += f.ip6_ext > 0;
	if (f.kind == FRAME_ARP) {
		neigh_on_arp(&lp->nb, &f);
	} else if (f.kind == FRAME_NDP) {
		neigh_on_ndp(&lp->nb, &f);
	} else if (f.kind == FRAME_LINK_NOISE) {
		lp->link_noise++; /* the link talking to itself: not an error */
	} else if (f.kind == FRAME_TCP && owned(lp, &f.u.seg.daddr)) {
		note_offloads(lp, &f);
		neigh_learn(&lp->nb, &f.u.seg.saddr, f.eth_src);
		peer_input(lp->peer, &f.u.seg, monotime_ns());
	} else {
		lp->not_tcp++;
	}
	flush_output(lp);
}

/*
 * The two ways offloads can still make the peer look dead with nothing
 * said: checksums it cannot accept, and super-segments the capture cut
 * (link_notice.c). Said once each, after the batch that had the first
 * (never per frame); stats goes on counting.
 */
static void
notice_link_trouble(struct lingerpeer *lp)
{
	uint64_t ip = lp->frame_errors[FRAME_IP_BAD_CSUM];
	uint64_t tcp = lp->frame_errors[FRAME_TCP_BAD_CSUM];
	uint64_t cut = capture_cut(lp->cap);
	char msg[LINK_NOTICE_MAX];

	if (!lp->said_bad_csum && ip + tcp > 0) {
		lp->said_bad_csum = true;
		fprintf(stderr, "lingerpeer: %s\n",
		    link_notice_bad_csum(msg, sizeof(msg), lp->opt.iface, tcp,
			ip));
	}
	if (!lp->said_cut && cut > 0) {
		lp->said_cut = true;
		fprintf(stderr, "lingerpeer: %s\n",
		    link_notice_cut(msg, sizeof(msg), lp->opt.iface, cut));
	}
}

static int
poll_timeout_ms(struct lingerpeer *lp)
{
	uint64_t now = monotime_ns(), next = peer_next_deadline(lp->peer);
	uint64_t ctl = control_server_next_deadline(lp->ctl), ms;

	if (ctl < next)
		next = ctl;
	if (next == UINT64_MAX)
		return 1000;
	if (next <= now)
		return 0;
	ms = (next - now + NS_PER_MS - 1) / NS_PER_MS; /* rounded up */
	return ms > 1000 ? 1000 : (int)ms;
}

static int
run_loop(struct lingerpeer *lp)
{
	struct pollfd fds[MAX_POLLFDS];
	size_t nctl;
	int n;

	while (!stop_signal) {
		fds[0] = (struct pollfd){ .fd = capture_fd(lp->cap),
			.events = POLLIN };
		nctl =
		    control_server_pollfds(lp->ctl, fds + 1, MAX_POLLFDS - 1);
		n = poll(fds, 1 + nctl, poll_timeout_ms(lp));
		if (n < 0 && errno != EINTR) {
			snprintf(lp->err, sizeof(lp->err), "poll failed: %s",
			    strerror(errno));
			return PEER_EXIT_FAILURE;
		}
		if (n > 0 && (fds[0].revents & (POLLIN | POLLERR)) &&
		    capture_drain(lp->cap, on_frame, lp, lp->err,
			sizeof(lp->err)) < 0)
			return PEER_EXIT_FAILURE;
		notice_link_trouble(lp);
		peer_tick(lp->peer, monotime_ns());
		flush_output(lp);
		if (n > 0)
			control_server_handle(lp->ctl, fds + 1, nctl,
			    monotime_ns());
		control_server_after_packets(lp->ctl, monotime_ns());
		flush_output(lp); /* commands may have queued segments */
		if (lp->pcap != NULL)
			pcap_writer_flush(lp->pcap);
	}
	return PEER_EXIT_OK;
}

static int
open_io(struct lingerpeer *lp)
{
	unsigned mtu;

	lp->cap = capture_open(lp->opt.iface, &lp->opt.addr4, &lp->opt.addr6,
	    lp->opt.capture_buffer, lp->err, sizeof(lp->err));
	if (lp->cap == NULL)
		return PEER_EXIT_ENV;
	if ((lp->inj = inject_open(lp->opt.iface, lp->err, sizeof(lp->err))) ==
	    NULL)
		return PEER_EXIT_ENV;
	neigh_init(&lp->nb, &lp->opt.addr4, &lp->opt.addr6, inject_mac(lp->inj),
	    send_frame, send_segment, lp);
	mtu = inject_mtu(lp->inj);
	lp->mtu = mtu;
	if (!lp->opt.mss_given && mtu > 40)
		lp->opt.cfg.mss =
		    (uint16_t)(mtu - 40 > 65495 ? 65495 : mtu - 40);
	if (lp->opt.pcap_file != NULL &&
	    (lp->pcap = pcap_writer_open(lp->opt.pcap_file, lp->err,
		 sizeof(lp->err))) == NULL)
		return PEER_EXIT_ENV;
	return 0;
}

/* For the stats command: what was dropped before the state machine. */
static void
wire_stats(void *arg, struct peer_wire_stats *w)
{
	struct lingerpeer *lp = arg;

	w->frames_in = lp->frames_in;
	memcpy(w->frame_errors, lp->frame_errors, sizeof(w->frame_errors));
	w->not_tcp = lp->not_tcp;
	w->arp_answered = lp->nb.st.arp_answered;
	w->arp_ignored = lp->nb.st.arp_ignored;
	w->no_mac = lp->nb.st.no_mac;
	w->ndp_answered = lp->nb.st.ndp_answered;
	w->ndp_ignored = lp->nb.st.ndp_ignored;
	w->link_noise = lp->link_noise;
	w->ip6_ext_skipped = lp->ip6_ext_skipped;
	w->csum_offloaded = lp->csum_offloaded;
	w->super_segments = lp->super_segments;
	w->inject_errors = lp->inject_errors;
	w->capture_drops = capture_kernel_drops(lp->cap);
	w->capture_cut = capture_cut(lp->cap);
}

static int
open_peer(struct lingerpeer *lp)
{
	struct control_server_config cc = { .token = lp->token[0] ? lp->token
								  : NULL };
	unsigned i;

	lp->opt.cfg.addr4 = lp->opt.addr4;
	lp->opt.cfg.addr6 = lp->opt.addr6;
	if ((lp->peer = peer_new(&lp->opt.cfg)) == NULL) {
		snprintf(lp->err, sizeof(lp->err),
		    "cannot allocate the connection table for "
		    "%" PRIu32 " connections; lower --max-conns or --events",
		    lp->opt.cfg.max_conns);
		return PEER_EXIT_FAILURE;
	}
	for (i = 0; i < lp->opt.nports; i++)
		peer_listen(lp->peer, lp->opt.ports[i],
		    &lp->opt.port_behaviour[i]);
	if (lp->opt.verbose)
		peer_set_narrator(lp->peer, narrate, lp);
	peer_set_wire_stats(lp->peer, wire_stats, lp);
	if ((lp->ctl = control_server_new_config(lp->peer, &cc)) == NULL) {
		snprintf(lp->err, sizeof(lp->err),
		    "cannot allocate the control server");
		return PEER_EXIT_FAILURE;
	}
	for (i = 0; i < lp->opt.ncontrols; i++)
		if (control_server_listen(lp->ctl, lp->opt.controls[i], lp->err,
			sizeof(lp->err)) < 0)
			return PEER_EXIT_USAGE;
	return 0;
}

/* The one line a supervisor waits for: everything it needs to start talking. */
static void
print_ready(const struct lingerpeer *lp)
{
	const uint8_t *m = inject_mac(lp->inj);
	char spec[128];
	unsigned i;

	printf(
	    "lingerpeer ready addr=%s mac=%02x:%02x:%02x:%02x:%02x:%02x iface=%s ports=",
	    lp->opt.addr_text, m[0], m[1], m[2], m[3], m[4], m[5],
	    lp->opt.iface);
	for (i = 0; i < lp->opt.nports; i++)
		printf("%s%u", i ? "," : "", lp->opt.ports[i]);
	if (lp->opt.nports == 0)
		printf("none");
	printf(" control=");
	for (i = 0; i < lp->opt.ncontrols; i++)
		printf("%s%s", i ? "," : "", lp->opt.controls[i]);
	if (lp->opt.ncontrols == 0)
		printf("none");
	printf(" mss=%u max-conns=%" PRIu32 "\n", lp->opt.cfg.mss,
	    lp->opt.cfg.max_conns);
	for (i = 0; lp->opt.verbose && i < lp->opt.nports; i++) {
		behaviour_format(&lp->opt.port_behaviour[i], spec,
		    sizeof(spec));
		printf("port %u: %s\n", lp->opt.ports[i], spec);
	}
	fflush(stdout);
}

static void
print_summary(const struct lingerpeer *lp)
{
	const struct peer_stats *st = peer_get_stats(lp->peer);
	uint64_t bad = 0;
	unsigned i;

	for (i = 1; i < FRAME_ERROR_COUNT; i++)
		bad += lp->frame_errors[i];
	fprintf(stderr,
	    "lingerpeer: stopped: segs-in=%" PRIu64 " segs-out=%" PRIu64
	    " conns=%" PRIu64 " rejected=%" PRIu64 " evicted=%" PRIu64
	    " malformed=%" PRIu64 " bad-csum=%" PRIu64
	    " csum-offloaded=%" PRIu64 " super-segments=%" PRIu64
	    " arp-answered=%" PRIu64 " kernel-drops=%" PRIu64
	    " ndp-answered=%" PRIu64 " link-noise=%" PRIu64 "\n",
	    st->segs_in, st->segs_out, st->conns_opened, st->conns_rejected,
	    st->conns_evicted, bad,
	    lp->frame_errors[FRAME_IP_BAD_CSUM] +
		lp->frame_errors[FRAME_TCP_BAD_CSUM],
	    lp->csum_offloaded, lp->super_segments, lp->nb.st.arp_answered,
	    capture_kernel_drops(lp->cap), lp->nb.st.ndp_answered,
	    lp->link_noise);
}

static void
install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler =
	    SIG_IGN; /* a control client that hangs up is not fatal */
	sigaction(SIGPIPE, &sa, NULL);
}

/* An address of ours that some interface of this host already has: refused. */
static int
refuse_taken(struct lingerpeer *lp, const struct ip_addr *a)
{
	char iface[IF_NAMESIZE + 1] = "", text[IP_ADDR_STRLEN];
	int r;

	if (a->family == IPF_NONE)
		return 0;
	if ((r = peer_addr_configured(a, iface, sizeof(iface), lp->err,
		 sizeof(lp->err))) < 0)
		return PEER_EXIT_ENV;
	if (r == 0)
		return 0;
	ip_addr_format(a, text, sizeof(text));
	snprintf(lp->err, sizeof(lp->err),
	    "--addr %s is already configured on "
	    "interface %s of this host: lingerpeer would answer for an address the "
	    "kernel owns. Choose an unused address, or remove it ('ip addr del %s/N "
	    "dev %s')",
	    text, iface, text, iface);
	return PEER_EXIT_ENV;
}

/*
 * Before anything is opened: never take over an address the host has, and
 * read the token while the file is still readable to us.
 */
static int
check_start(struct lingerpeer *lp)
{
	int r;

	if ((r = refuse_taken(lp, &lp->opt.addr4)) != 0 ||
	    (r = refuse_taken(lp, &lp->opt.addr6)) != 0)
		return r;
	/* Looked up again at the drop; said now, before the link is touched. */
	if (lp->opt.user != NULL && getpwnam(lp->opt.user) == NULL) {
		snprintf(lp->err, sizeof(lp->err),
		    "--user %s: no such user. Name an existing "
		    "user, e.g. nobody",
		    lp->opt.user);
		return PEER_EXIT_ENV;
	}
	if (lp->opt.control_token != NULL &&
	    control_token_read(lp->opt.control_token, lp->token,
		sizeof(lp->token), lp->err, sizeof(lp->err)) < 0)
		return PEER_EXIT_USAGE;
	return 0;
}

/* Everything is open: give up root, and say what stays open. */
static int
drop_privileges(struct lingerpeer *lp)
{
	char kept[160], msg[512];

	snprintf(kept, sizeof(kept),
	    "the open capture and injection handles on %s, the "
	    "control sockets%s",
	    lp->opt.iface, lp->pcap != NULL ? ", the --pcap file" : "");
	if (peer_drop_privileges(lp->opt.user, kept, msg, sizeof(msg), lp->err,
		sizeof(lp->err)) < 0)
		return PEER_EXIT_ENV;
	printf("lingerpeer: %s\n", msg);
	return 0;
}

static void
teardown(struct lingerpeer *lp)
{
	control_server_free(lp->ctl);
	pcap_writer_close(lp->pcap);
	peer_free(lp->peer);
	inject_close(lp->inj);
	capture_close(lp->cap);
}

int
main(int argc, char **argv)
{
	static struct lingerpeer lp;
	int rc;

	if ((rc = peer_options_parse(argc, argv, &lp.opt)) != 0)
		return rc < 0 ? PEER_EXIT_OK : rc;
	lp.t0 = monotime_ns();
	install_signals();
	if ((rc = check_start(&lp)) == 0 && (rc = open_io(&lp)) == 0 &&
	    (rc = open_peer(&lp)) == 0 && (rc = drop_privileges(&lp)) == 0) {
		print_ready(&lp);
		rc = run_loop(&lp);
		print_summary(&lp);
	}
	if (rc != 0)
		fprintf(stderr, "lingerpeer: %s\n", lp.err);
	teardown(&lp);
	return rc;
}
