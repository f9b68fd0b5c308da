/*
 * wire.c - see wire.h.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "monotime.h"
#include "sockdiag.h"
#include "timeunit.h"
#include "wire.h"

#define CTL_TIMEOUT_MS 5000

double
wire_elapsed(uint64_t t0_ns, uint64_t t1_ns)
{
	return (double)(t1_ns - t0_ns) / 1e9;
}

void
wire_start(struct wire *w, const char *behaviour)
{
	wire_start_addr(w, NULL, behaviour);
}

void
wire_start_addr(struct wire *w, const char *addr, const char *behaviour)
{
	const char *args[] = { "--port", "7000", "--behaviour", behaviour,
		NULL };
	char err[256];

	memset(w, 0, sizeof(*w));
	/* The capture first, so it sees the handshake. */
	w->cap =
	    itest_pcap_open_client("tcp or arp or icmp or ip6", PCAP_D_INOUT);
	assert_non_null(w->cap);
	assert_int_equal(itest_start_peer_addr(addr, args, &w->peer), 0);
	w->ctl = control_client_open(w->peer.control, CTL_TIMEOUT_MS, err,
	    sizeof(err));
	if (w->ctl == NULL)
		fail_msg("control connection to %s: %s", w->peer.control, err);
}

void
wire_stop(struct wire *w)
{
	if (w->ctl != NULL)
		control_client_close(w->ctl);
	if (w->peer.pid > 0)
		itest_stop_peer(&w->peer);
	if (w->cap != NULL)
		pcap_close(w->cap);
	w->ctl = NULL;
	w->cap = NULL;
}

int
wire_connect(struct sockaddr_in *local)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
		.sin_port = htons(WIRE_PORT) };
	struct timeval tv = { .tv_sec = 5 };
	socklen_t len = sizeof(*local);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	inet_pton(AF_INET, SANDBOX_PEER_ADDR, &sin.sin_addr);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		fail_msg("connect to %s:%d: %s", SANDBOX_PEER_ADDR, WIRE_PORT,
		    strerror(errno));
	assert_int_equal(getsockname(fd, (struct sockaddr *)local, &len), 0);
	return fd;
}

static void ctl_vrequest(struct wire *w, char *status, size_t len,
    int timeout_ms, const char *fmt, va_list ap)
    __attribute__((format(printf, 5, 0)));

static void
ctl_vrequest(struct wire *w, char *status, size_t len, int timeout_ms,
    const char *fmt, va_list ap)
{
	struct control_reply r;
	char cmd[512], err[256];

	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	if (control_request(w->ctl, cmd, timeout_ms, &r, err, sizeof(err)) < 0)
		fail_msg("control '%s': %s", cmd, err);
	if (!r.ok) {
		char msg[512];

		snprintf(msg, sizeof(msg), "%s", r.status);
		control_reply_free(&r);
		fail_msg("control '%s' answered: %s", cmd, msg);
	}
	if (status != NULL)
		snprintf(status, len, "%s", r.status);
	control_reply_free(&r);
}

void
wire_ctl(struct wire *w, char *status, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ctl_vrequest(w, status, len, CTL_TIMEOUT_MS, fmt, ap);
	va_end(ap);
}

static void ctl_timed(struct wire *w, int timeout_ms, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
ctl_timed(struct wire *w, int timeout_ms, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ctl_vrequest(w, NULL, 0, timeout_ms, fmt, ap);
	va_end(ap);
}

/* How the peer names the client's connection from local: "192.0.2.1:40112". */
static const char *
conn_name(const struct sockaddr_in *local, char *buf, size_t len)
{
	snprintf(buf, len, "%s:%u", SANDBOX_CLIENT_ADDR,
	    ntohs(local->sin_port));
	return buf;
}

void
wire_wait_conn(struct wire *w, const char *conn, const char *conds,
    int timeout_s)
{
	ctl_timed(w, timeout_s * 1000 + CTL_TIMEOUT_MS,
	    "wait %s %s timeout=%ds", conn, conds, timeout_s);
}

void
wire_wait(struct wire *w, const struct sockaddr_in *local, const char *conds,
    int timeout_s)
{
	char conn[64];

	wire_wait_conn(w, conn_name(local, conn, sizeof(conn)), conds,
	    timeout_s);
}

uint64_t
wire_show_u64(struct wire *w, const struct sockaddr_in *local, const char *key)
{
	char conn[64];

	return wire_show_conn_u64(w, conn_name(local, conn, sizeof(conn)), key);
}

uint64_t
wire_show_conn_u64(struct wire *w, const char *conn, const char *key)
{
	struct control_reply r;
	char err[256];
	uint64_t v = 0;

	if (control_requestf(w->ctl, CTL_TIMEOUT_MS, &r, err, sizeof(err),
		"show %s", conn) < 0)
		fail_msg("control show: %s", err);
	if (!r.ok || r.nlines < 1 || control_field_u64(r.lines[0], key, &v) < 0)
		fail_msg("control show: no %s in '%s'", key,
		    r.nlines ? r.lines[0] : r.status);
	control_reply_free(&r);
	return v;
}

int
wire_conn_state(uint32_t laddr, uint16_t lport, uint16_t rport, int state,
    int timeout_ms)
{
	uint64_t deadline = monotime_ns() + (uint64_t)timeout_ms * NS_PER_MS;
	struct timespec tick = { 0,
		5 * (long)NS_PER_MS }; /* sock_diag cannot notify: poll */
	struct sockdiag_info di;
	int rc;

	for (;;) {
		rc = sockdiag_lookup(laddr, lport, 0xc0000202u, rport, &di);
		if (rc < 0)
			fail_msg("sock_diag: %s", strerror(errno));
		if ((rc == 1 ? di.state : 0) == state ||
		    monotime_ns() >= deadline)
			return rc == 1 ? di.state : 0;
		nanosleep(&tick, NULL);
	}
}

int
wire_client_state(const struct sockaddr_in *local, int state, int timeout_ms)
{
	return wire_conn_state(ntohl(local->sin_addr.s_addr),
	    ntohs(local->sin_port), WIRE_PORT, state, timeout_ms);
}

/* One of the addresses lingerpeer owns in the sandbox. */
static bool
is_peer_addr(const struct ip_addr *a)
{
	struct ip_addr p4, p6;

	if (ip_addr_parse(SANDBOX_PEER_ADDR, &p4) < 0 ||
	    ip_addr_parse(SANDBOX_PEER_ADDR6, &p6) < 0)
		fail_msg("the sandbox's peer addresses do not parse");
	return ip_addr_eq(a, &p4) || ip_addr_eq(a, &p6);
}

static bool
is_from_peer(const struct frame *f)
{
	if (f->kind == FRAME_TCP)
		return is_peer_addr(&f->u.seg.saddr);
	if (f->kind == FRAME_NDP)
		return is_peer_addr(&f->u.ndp.src);
	if (f->kind == FRAME_ARP)
		return f->u.arp.op == ARP_REPLY && f->u.arp.tpa == 0xc0000201u;
	return false;
}

void
wire_collect(struct wire *w)
{
	const unsigned char *data;
	struct pcap_pkthdr *h;
	struct wire_frame *wf;

	while (w->nframes < WIRE_MAX_FRAMES &&
	    itest_pcap_next(w->cap, 0, &h, &data) == 1) {
		wf = &w->frames[w->nframes];
		wf->t_ns = (uint64_t)h->ts.tv_sec * NS_PER_S +
		    (uint64_t)h->ts.tv_usec * NS_PER_US;
		if (frame_decode(data, h->caplen, true, &wf->f) != FRAME_OK) {
			w->undecodable++;
			continue;
		}
		if (wf->f.kind == FRAME_TCP)
			wf->f.u.seg.payload =
			    NULL; /* points into pcap's buffer */
		wf->from_peer = is_from_peer(&wf->f);
		w->nframes++;
	}
}

ssize_t
wire_find(const struct wire *w, size_t from, uint16_t lport, bool from_peer,
    uint8_t flags_set, uint8_t flags_clear)
{
	const struct frame *f;
	size_t i;

	for (i = from; i < w->nframes; i++) {
		f = &w->frames[i].f;
		if (f->kind != FRAME_TCP || w->frames[i].from_peer != from_peer)
			continue;
		if (lport != 0 &&
		    (from_peer ? f->u.seg.dport : f->u.seg.sport) != lport)
			continue;
		if ((f->u.seg.flags & flags_set) == flags_set &&
		    (f->u.seg.flags & flags_clear) == 0)
			return (ssize_t)i;
	}
	return -1;
}

void
wire_print_events(struct wire *w, const struct sockaddr_in *local)
{
	char conn[64];

	wire_print_events_conn(w, conn_name(local, conn, sizeof(conn)));
}

void
wire_print_events_conn(struct wire *w, const char *conn)
{
	struct control_reply r;
	char err[256];
	size_t i;

	if (control_requestf(w->ctl, CTL_TIMEOUT_MS, &r, err, sizeof(err),
		"events %s", conn) < 0) {
		fprintf(stderr, "events: %s\n", err);
		return;
	}
	fprintf(stderr, "lingerpeer's record of %s:\n", conn);
	for (i = 0; i < r.nlines; i++)
		fprintf(stderr, "  %s\n", r.lines[i]);
	control_reply_free(&r);
}
