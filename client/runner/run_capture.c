/*
 * run_capture.c - what crossed the client's link, both directions, as
 * struct obs_segment: libpcap in immediate mode with nanosecond time
 * stamps, decoded by the peer's own codec (common/frame.h), optionally
 * written to a pcap file as well.
 *
 * From the case's time 0 on (rcap_start), a reader process of its own
 * reads the capture as frames come, so that what a blocking call sends is
 * streamed to the parent while the call still blocks (`lingerlab run
 * --live`), and so that a long blocking send cannot overflow the kernel's
 * buffer. A process, not a thread: the worker has unshared its PID
 * namespace for the sandbox, and Linux refuses a thread to a process whose
 * children go to another PID namespace (clone(CLONE_THREAD) fails EINVAL).
 *
 * The segments go through one pipeline, in memory the two processes
 * share, under one process-shared mutex:
 *
 *   pcap  ->  pcap file, decode  ->  raw (in capture order)      [reader]
 *         ->  filter (our connections) -> segs, classified, streamed
 *         ->  copied into the worker's case_obs          [worker only]
 *
 * Either process moves raw segments on; the reader only while the first
 * one belongs to a known connection: whether a segment of a connection
 * being made (a SYN during connect) is ours is decided by rcap_collect()
 * once the step has said which ports it got, exactly as when the capture
 * was only read between steps. Without port filtering (a sandbox) nothing
 * waits.
 *
 * libpcap exists on every system lingerlab means to run on (Npcap on
 * Windows), so this file is not part of the platform layer; only the
 * clock conversion is.
 */
#include <pcap/pcap.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "frame.h"
#include "platform.h"
#include "run_capture.h"
#include "run_capture_int.h"
#include "run_pcap.h"
#include "run_wire.h"
#include "timeunit.h"
#include "wire_classify.h"

/*
 * The kernel's buffer: room for the frames that arrive while the reader
 * waits for the mutex or for a CPU, or for all of a blocking send() when
 * no reader could be started. A case's data goes through it about twice
 * over (the frames, and headroom while the reader is held back on a busy
 * machine), so it is sized from what the case sends (rcap_buffer_for());
 * mapping it is a case's largest CPU cost, so no larger than that.
 */
#define CAPTURE_BUFFER_MIN  (4u << 20)
#define CAPTURE_BUFFER_MAX  (64u << 20)
/* A send until it would block fills the socket's buffers: a few MiB. */
#define UNTIL_BLOCKED_GUESS (8u << 20)

size_t
rcap_buffer_for(const struct scenario *sc)
{
	uint64_t sent = 0, times;
	const struct scn_step *st;
	size_t i;

	for (i = 0; i < sc->nsteps; i++) {
		st = &sc->steps[i];
		if (st->kind != STEP_SEND)
			continue;
		times = st->block > 0 ? sc->steps[st->block - 1].repeat_n : 1;
		sent += times *
		    (st->until_blocked ? UNTIL_BLOCKED_GUESS : st->size);
		if (sent >= CAPTURE_BUFFER_MAX)
			return CAPTURE_BUFFER_MAX;
	}
	if (CAPTURE_BUFFER_MIN + 2 * sent > CAPTURE_BUFFER_MAX)
		return CAPTURE_BUFFER_MAX;
	return CAPTURE_BUFFER_MIN + (size_t)(2 * sent);
}

#define TOO_MANY                                                               \
	"more segments than one case can hold (2097152); send "                \
	"less, or split the case"

/* The pipeline's memory, shared with the reader across fork(). */
static struct cap_shared *
share_mem(void)
{
	pthread_mutexattr_t a;
	struct cap_shared *sh;
	int rc;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (sh == MAP_FAILED)
		return NULL;
	if (pthread_mutexattr_init(&a) != 0)
		goto fail;
	rc = pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED) |
	    pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST) |
	    pthread_mutex_init(&sh->mu, &a);
	pthread_mutexattr_destroy(&a);
	if (rc == 0)
		return sh;
fail:
	munmap(sh, sizeof(*sh));
	return NULL;
}

static void
unshare_mem(struct cap_shared *sh)
{
	if (sh == NULL)
		return;
	pthread_mutex_destroy(&sh->mu);
	munmap(sh, sizeof(*sh));
}

struct run_capture *
rcap_open(const char *iface, const struct ip_addr *peers, size_t npeers,
    size_t buffer, const char *pcap_path, bool filter_ports, int out_fd,
    char *err, size_t errlen)
{
	struct run_capture *c = calloc(1, sizeof(*c));

	if (c == NULL || (c->sh = share_mem()) == NULL) {
		snprintf(err, errlen, "out of memory for a capture");
		free(c);
		return NULL;
	}
	for (; npeers > 0 && c->npeers < WIRE_PEER_MAX; npeers--)
		c->peers[c->npeers++] = *peers++;
	c->filter_ports = filter_ports;
	c->ask[0] = c->ask[1] = c->note[0] = c->note[1] = -1;
	c->out_fd = out_fd;
	snprintf(c->iface, sizeof(c->iface), "%s", iface);
	c->p = rcap_pcap_open(iface, (int)buffer, c->peers, c->npeers, err,
	    errlen);
	if (c->p == NULL)
		goto fail;
	if (pcap_path != NULL &&
	    (c->dump = pcap_dump_open(c->p, pcap_path)) == NULL) {
		snprintf(err, errlen,
		    "cannot write the capture to %s: %s "
		    "(check that --pcap-dir exists and is writable)",
		    pcap_path, pcap_geterr(c->p));
		goto fail;
	}
	c->rt_offset = plat_realtime_offset_ns();
	return c;
fail:
	if (c->p != NULL)
		pcap_close(c->p);
	unshare_mem(c->sh);
	free(c);
	return NULL;
}

/*
 * Whether a segment belongs to one of the case's own connections: by both
 * ports, because the connections a server accepts share its port with
 * those of earlier cases, still retransmitting.
 */
static bool
ours(const struct cap_shared *sh, const struct obs_segment *s)
{
	uint16_t lport = s->from_client ? s->sport : s->dport;
	uint16_t rport = s->from_client ? s->dport : s->sport;
	size_t i;

	for (i = 0; i < sh->nkeys; i++)
		if (sh->keys[i].lport == lport && sh->keys[i].rport == rport)
			return true;
	return false;
}

/* The connections the steps know of now, for ours(). */
static void
set_keys(struct cap_shared *sh, const struct case_obs *obs)
{
	size_t i;

	sh->nkeys = 0;
	for (i = 0; i < SCN_MAX_SOCKS; i++)
		if (obs->socks[i].connected)
			sh->keys[sh->nkeys++] =
			    (struct conn_key){ obs->socks[i].lport,
				    obs->socks[i].rport };
}

/* A frame as a segment; -1 if it is no TCP segment we can read. */
static int
decode(const struct run_capture *c, const struct pcap_pkthdr *h,
    const u_char *data, struct obs_segment *s)
{
	struct frame f;
	uint64_t ts;
	int64_t mono;

	/* Checksums are not ours to judge: outgoing ones may be offloaded. */
	if (frame_decode(data, h->caplen, false, &f) != FRAME_OK ||
	    f.kind != FRAME_TCP)
		return -1;
	memset(s, 0, sizeof(*s));
	/* With nanosecond precision, tv_usec holds nanoseconds. */
	ts = (uint64_t)h->ts.tv_sec * NS_PER_S + (uint64_t)h->ts.tv_usec;
	mono = (int64_t)ts - c->rt_offset;
	s->t_ns = mono > (int64_t)c->t0 ? (uint64_t)mono - c->t0 : 0;
	s->from_client = wire_from_client(c->peers, c->npeers, &f.u.seg.saddr);
	s->sport = f.u.seg.sport;
	s->dport = f.u.seg.dport;
	s->seq = f.u.seg.seq;
	s->ack = f.u.seg.ack;
	s->flags = f.u.seg.flags;
	s->window = f.u.seg.window;
	s->len = f.u.seg.payload_len;
	return 0;
}

int
rcap_fail(struct cap_shared *sh, const char *what)
{
	if (!sh->failed)
		snprintf(sh->err, sizeof(sh->err), "%s", what);
	sh->failed = true;
	return -1;
}

/* Take mu; a reader that died holding it leaves the capture failed. */
void
rcap_lock(struct cap_shared *sh)
{
	if (pthread_mutex_lock(&sh->mu) == EOWNERDEAD) {
		pthread_mutex_consistent(&sh->mu);
		(void)rcap_fail(sh, "the capture's reader process died");
	}
}

void
rcap_unlock(struct cap_shared *sh)
{
	pthread_mutex_unlock(&sh->mu);
}

int
rcap_read_frames(struct run_capture *c)
{
	struct cap_shared *sh = c->sh;
	const u_char *data;
	struct pcap_pkthdr *h;
	char why[sizeof(sh->err)];
	int rc, n = 0;

	while ((rc = pcap_next_ex(c->p, &h, &data)) == 1) {
		n++;
		if (c->dump != NULL)
			pcap_dump((u_char *)c->dump, h, data);
		if (sh->raw_n == CAP_MAX_SEGS)
			return rcap_fail(sh, TOO_MANY);
		if (decode(c, h, data, &sh->raw[sh->raw_n]) == 0)
			sh->raw_n++;
	}
	/* A worker killed at its timeout keeps the frames seen so far. */
	if (n > 0 && c->dump != NULL)
		(void)pcap_dump_flush(c->dump);
	if (rc == 0)
		return 0;
	snprintf(why, sizeof(why), "capture on %s failed: %s", c->iface,
	    pcap_geterr(c->p));
	return rcap_fail(sh, why);
}

/* One whole record to the parent (atomic: shorter than PIPE_BUF). */
static void
stream(int fd, const struct obs_segment *s)
{
	char buf[OBS_LINE_MAX];
	size_t len = obs_fmt_seg(s, buf, sizeof(buf));
	ssize_t n;

	while ((n = write(fd, buf, len)) == -1 && errno == EINTR)
		;
	/* As for every record: if the parent is gone, so is our purpose. */
	if (n != (ssize_t)len)
		_exit(1);
}

int
rcap_pump(struct run_capture *c, bool frames, bool decide)
{
	struct cap_shared *sh = c->sh;
	size_t before = sh->segs_n;
	struct obs_segment *s;

	if (sh->failed || (frames && rcap_read_frames(c) == -1))
		return -1;
	for (; sh->raw_head < sh->raw_n; sh->raw_head++) {
		s = &sh->raw[sh->raw_head];
		if (!c->filter_ports || ours(sh, s)) {
			if (sh->segs_n == CAP_MAX_SEGS)
				return rcap_fail(sh, TOO_MANY);
			sh->segs[sh->segs_n++] = *s;
		} else if (!decide)
			break;
	}
	if (sh->raw_head == sh->raw_n)
		sh->raw_head = sh->raw_n = 0;
	if (sh->segs_n == before)
		return 0;
	/* Earlier segments keep their classes: see wire_classify.h. */
	if (wire_classify(sh->segs, sh->segs_n) == -1)
		return rcap_fail(sh, "out of memory classifying segments");
	for (; sh->sent < sh->segs_n; sh->sent++)
		stream(c->out_fd, &sh->segs[sh->sent]);
	return (int)(sh->segs_n - before);
}

void
rcap_note(struct run_capture *c)
{
	char b = 1;

	if (c->sh->noted)
		return;
	c->sh->noted = write(c->note[1], &b, 1) == 1;
}

void
rcap_know(struct run_capture *c, const struct case_obs *obs)
{
	if (c == NULL)
		return;
	rcap_lock(c->sh);
	set_keys(c->sh, obs);
	rcap_unlock(c->sh);
	if (c->reader != 0)
		rcap_sync(c); /* what waited for it goes out now */
}

int
rcap_fd(const struct run_capture *c)
{
	return c->reader != 0 ? c->note[0] : pcap_get_selectable_fd(c->p);
}

int
rcap_collect(struct run_capture *c, struct case_obs *obs, char *err,
    size_t errlen)
{
	struct cap_shared *sh = c->sh;
	char b[64];
	int n = 0;

	rcap_sync(c); /* what was captured until now, all of it */
	rcap_lock(sh);
	/* Under mu, so that no note is lost: see rcap_note(). */
	if (c->note[0] >= 0)
		while (read(c->note[0], b, sizeof(b)) > 0)
			;
	sh->noted = false;
	set_keys(sh, obs);
	if (rcap_pump(c, !c->started, true) == -1)
		n = -1;
	for (; n != -1 && c->taken < sh->segs_n; c->taken++) {
		if (case_obs_add_segment(obs, &sh->segs[c->taken]) == -1) {
			(void)rcap_fail(sh,
			    "out of memory for captured segments");
			n = -1;
		} else
			n++;
	}
	if (n == -1)
		snprintf(err, errlen, "%s", sh->err);
	rcap_unlock(sh);
	return n;
}

void
rcap_finish(struct run_capture *c, uint64_t *drops)
{
	struct pcap_stat st;

	if (c == NULL)
		return;
	rcap_stop(c);
	*drops = 0;
	if (c->started)
		*drops = c->sh->drops;
	else if (pcap_stats(c->p, &st) == 0)
		*drops = (uint64_t)st.ps_drop + st.ps_ifdrop;
	/* Once the reader had it, our copy's buffer is empty: no writes. */
	if (c->dump != NULL)
		pcap_dump_close(c->dump);
	c->dump = NULL;
}

void
rcap_close(struct run_capture *c, uint64_t *drops)
{
	rcap_finish(c, drops);
	rcap_free(c);
}

void
rcap_free(struct run_capture *c)
{
	if (c == NULL)
		return;
	pcap_close(c->p);
	rcap_close_pipes(c);
	unshare_mem(c->sh);
	free(c);
}
