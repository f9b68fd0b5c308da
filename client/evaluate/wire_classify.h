/*
 * wire_classify.h - what the segments on the client's link were, and a
 * matcher for them.
 *
 * The runner captures segments (struct obs_segment, observe.h) and calls
 * wire_classify() so that the retransmission and zero_window_probe fields
 * mean one thing everywhere; the evaluator only reads them. Both use
 * wire_find() with a partial pattern: the runner to stop waiting as soon as
 * an expectation is settled, the evaluator to decide it.
 *
 * Pure code: no clock, no I/O.
 */
#ifndef LINGERLAB_WIRE_CLASSIFY_H
#define LINGERLAB_WIRE_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "observe.h"
#include "segment.h" /* TCPF_*: the codec's flag bits */

/* Which of a pattern's optional fields are set; the rest are "don't care". */
enum wire_field {
	WP_FROM = 1u << 0,    /* from_client */
	WP_PAYLOAD = 1u << 1, /* has_payload */
	WP_TIME = 1u << 2,    /* t_from .. t_to */
	WP_RETX = 1u << 3,    /* retransmission */
	WP_ZWP = 1u << 4,     /* zero_window_probe */
};

/*
 * A partial segment. A zero-initialised pattern matches every segment;
 * each field set narrows it. Ports and flags need no bit: port 0 never
 * appears on the wire and no flags wanted means any flags.
 */
struct wire_pattern {
	unsigned int fields; /* WP_* */
	bool from_client;
	uint16_t client_port; /* 0: any connection */
	uint16_t peer_port;   /* 0: any */
	uint8_t flags_set;    /* every one of these flags set */
	uint8_t flags_clear;  /* none of these set */
	bool has_payload;
	bool retransmission;
	bool zero_window_probe;
	uint64_t t_from_ns; /* inclusive, both ends */
	uint64_t t_to_ns;
	uint64_t
	    t_slack_ns; /* also take segments stamped this much before t_from */
};

/*
 * Fill in retransmission and zero_window_probe for every segment, from the
 * start (so calling it again after appending segments is safe and gives
 * the same answer for the earlier ones).
 *
 * Retransmission: a segment that occupies sequence space (data, SYN or FIN)
 * and starts below the highest sequence number its side has already sent on
 * that connection; a FIN sent again is one. RSTs and pure ACKs never are.
 *
 * Zero-window probe, after the other side's last ACK advertised window 0:
 * Linux's form (tcp_xmit_probe_skb) is a bare ACK with seq = that ACK - 1;
 * the BSD and Windows form is one byte at seq = that ACK (the window edge).
 * A probe is not also counted as a retransmission.
 *
 * Returns 0, or -1 with errno ENOMEM (the segments are then left as they
 * were).
 */
int wire_classify(struct obs_segment *segs, size_t n);

/* Whether one segment matches the pattern. */
bool wire_match(const struct obs_segment *seg, const struct wire_pattern *pat);

/* Index of the first match at or after from, or -1. */
ssize_t wire_find(const struct obs_segment *segs, size_t n, size_t from,
    const struct wire_pattern *pat);

/* How many segments match. */
size_t wire_count(const struct obs_segment *segs, size_t n,
    const struct wire_pattern *pat);

/*
 * The fields in which seg differs from the pattern, for people: "flags F.
 * but wanted R", "from peer but wanted from client", "at +2.315s, 2.095s
 * after the window". Returns the number of differing fields (0: it
 * matches); buf gets "" then. Truncates to len like snprintf; with len 0
 * (buf may then be NULL) it only counts.
 */
int wire_diff(const struct obs_segment *seg, const struct wire_pattern *pat,
    char *buf, size_t len);

/* Flags wanted by a pattern, in tcpf_letters(): "R", "F", "no R", "R, no F". */
size_t wire_format_wanted(const struct wire_pattern *pat, char *buf,
    size_t len);

/*
 * One segment on one line: "+1.203s client:54988 > peer:7000 [F.] seq 1001
 * ack 5001 win 502 len 0 retransmission" (its time and flags as words/
 * writes them: duration_text.h, segment_text.h).
 */
size_t wire_format_segment(const struct obs_segment *seg, char *buf,
    size_t len);

/*
 * Capture times are the kernel's stamps, mapped from the wall clock to ours,
 * and on these machines a FIN sent by close() was once stamped under 1 ms
 * before close() started (the wall clock of a VM is nudged while it runs).
 * Checks that look for a segment take ones stamped up to this much before
 * their window; checks that look for an absence do not, since in a fast
 * case the step before may be well within it.
 */
#define WIRE_CLOCK_SLACK_NS (1ull * 1000 * 1000)

/* Whether t falls in p's time window (with its slack at the start). */
bool wire_in_window(uint64_t t_ns, const struct wire_pattern *p);

#endif
