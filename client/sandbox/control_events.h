/*
 * control_events.h - lingerpeer's event log read back: the segment lines
 * of an `events` reply, its status line, and the `clock` reply, as a
 * runner that sees the wire only through lingerpeer needs them
 * (`lingerlab run --agent`, docs/lab.md). docs/control-protocol.md
 * defines every line read here.
 *
 * Pure: text in, numbers out, every field checked, so the fuzzer
 * (tests/fuzz/fuzz_control_client.c) feeds it anything.
 */
#ifndef LINGERLAB_CONTROL_EVENTS_H
#define LINGERLAB_CONTROL_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

/* One segment that lingerpeer received (in) or sent (out). */
struct control_seg_event {
	uint64_t n;    /* the event's number */
	uint32_t conn; /* the connection's id; 0: none */
	uint64_t t_ns; /* on lingerpeer's monotonic clock */
	bool in;       /* from the client; false: sent by lingerpeer */
	uint8_t flags; /* TCPF_* (common/segment.h) */
	uint32_t seq;
	uint32_t ack;
	uint16_t win; /* as on the wire, not scaled */
	uint32_t len; /* payload bytes */
	/*
	 * The event that opened the connection: its first SYN, in (class
	 * syn), or lingerpeer's own `connect` command. Every later event of
	 * the connection comes after it in the log.
	 */
	bool opens;
};

/*
 * One data line of an `events` reply ("event n=21 conn=1 t=1409.742835570
 * in F. seq=2153207208 ack=3418224636 win=63 len=0 opts=ts class=fin"):
 * 1 with *ev filled when it is a segment, 0 when it is another event (a
 * state change, a command; ev->n, ev->conn and ev->opens are still
 * filled), -1 when the line is not an event line or a field is malformed.
 */
int control_event_segment(const char *line, struct control_seg_event *ev);

/*
 * An `events` reply's status line, "ok 4 events[, 2 lost][, more
 * since=N]": 0 with *lost (0: none), *more and *next (N) filled; -1 when it
 * is not one.
 */
int control_events_status(const char *status, uint64_t *lost, bool *more,
    uint64_t *next);

/* Seconds with up to nine decimals, "1409.742835570", to ns. 0 or -1. */
int control_secs_parse(const char *text, uint64_t *ns);

/* A `clock` reply's status line, "ok now=1409.742835570": 0 or -1. */
int control_clock_parse(const char *status, uint64_t *now_ns);

#endif
