/*
 * tcp_peer.h - lingerpeer's TCP endpoint as pure code.
 *
 * Segments go in (peer_input), segments come out (peer_pop_output), time is
 * passed in by the caller (peer_tick). No sockets, no clocks, no globals: the
 * I/O layer in lingerpeer.c, the unit tests and the fuzzers all drive it the
 * same way. Per-connection cost is fixed (struct conn, see conn_table.h);
 * what a connection did is kept in a shared, bounded event ring.
 */
#ifndef LINGERLAB_TCP_PEER_H
#define LINGERLAB_TCP_PEER_H

#include "behaviour.h"
#include "tcp_state.h"
#include "event_log.h"
#include "frame.h"
#include "ip_address.h"
#include "segment.h"

/* Why a connection is closed, or CR_NONE while it is not. */
enum close_reason {
	CR_NONE = 0,
	CR_GRACEFUL,  /* four-way close completed */
	CR_RESET_IN,  /* the client sent RST */
	CR_RESET_OUT, /* we sent RST (rst command, reset-on-fin, refuse) */
	CR_TIMEOUT,   /* we gave up retransmitting (SYN-ACK, FIN or data) */
};

const char *close_reason_name(enum close_reason r);

enum when_full {
	WHEN_FULL_DROP,	 /* drop new SYNs, keep what we have */
	WHEN_FULL_EVICT, /* reuse the least recently active connection */
};

struct peer_config {
	struct ip_addr addr4; /* our IPv4 address; family IPF_NONE: none */
	struct ip_addr addr6; /* our IPv6 address; family IPF_NONE: none */
	uint16_t mss;	      /* MSS we announce over IPv4; 20 less over IPv6,
				   whose header is 20 bytes longer */
	uint8_t wscale;	      /* window scale we announce */
	uint32_t max_conns;   /* connection table size */
	enum when_full when_full;
	uint32_t event_capacity; /* event ring entries */
	uint32_t max_delayed;	 /* segments that may wait in delay queues */
	uint32_t max_ooo_conns;	 /* connections holding out-of-order data at
				    once (at most OOO_MAX_QUEUES, 255) */
	uint64_t seed;		 /* initial sequence numbers derive from it */
};

void peer_config_default(struct peer_config *cfg);

/* A snapshot of one connection, for the control channel and tests. */
struct conn_info {
	uint32_t id;
	struct ip_addr raddr; /* the client's, either family */
	uint16_t rport;
	uint16_t lport;
	enum conn_state state;
	enum close_reason closed_by;
	struct behaviour behaviour;
	bool fin_held; /* a FIN arrived and was swallowed, not ACKed */
	uint64_t created_ns;
	uint64_t last_ns;
	uint64_t bytes_received; /* in-order payload accepted */
	uint64_t bytes_read;	 /* consumed by the emulated application */
	uint32_t buffered;	 /* received but not read */
	uint32_t window; /* window we advertise now, bytes (field x scale) */
	uint32_t segs_in;
	uint32_t segs_out;
	uint32_t fins_seen;	     /* every FIN, first and retransmitted */
	uint32_t fin_retx;	     /* retransmitted FINs */
	uint32_t data_retx;	     /* segments carrying data we had already */
	uint32_t zero_window_probes; /* probes answered with window 0 */
	uint32_t rsts_seen;
	uint32_t syns_seen;
	uint64_t bytes_sent; /* payload we sent (send command) */
};

/* Counters for the whole peer, never reset. */
struct peer_stats {
	uint64_t segs_in;
	uint64_t segs_out;
	uint64_t conns_opened;
	uint64_t conns_rejected; /* table full, WHEN_FULL_DROP */
	uint64_t conns_evicted;
	uint64_t syns_refused;	  /* refuse */
	uint64_t syns_dropped;	  /* drop-syn */
	uint64_t rst_unknown;	  /* RSTs for segments of no open connection */
	uint64_t delayed_dropped; /* delay queue full */
	uint64_t not_for_us; /* addressed elsewhere (or to a family we lack) */
	/* Data after a hole: segments held, holes filled (held data then
	 * delivered in order), and segments or ranges dropped for want of
	 * room (window, OOO_RANGES, the pool). */
	uint64_t ooo_queued;
	uint64_t ooo_filled;
	uint64_t ooo_dropped;
};

struct peer;

struct peer *peer_new(const struct peer_config *cfg);
void peer_free(struct peer *p);

/* Accept connections on port with behaviour b (replacing an earlier one). */
int peer_listen(struct peer *p, uint16_t port, const struct behaviour *b);
bool peer_is_listening(const struct peer *p, uint16_t port);
/* Behaviour given to new connections on port; NULL if not listening. */
const struct behaviour *peer_port_behaviour(const struct peer *p,
    uint16_t port);

/* Feed one segment addressed to us. now_ns is a monotonic clock. */
void peer_input(struct peer *p, const struct segment *seg, uint64_t now_ns);

/* Fire due timers (delayed replies, our retransmissions). */
void peer_tick(struct peer *p, uint64_t now_ns);

/* When peer_tick next has work, or UINT64_MAX. */
uint64_t peer_next_deadline(const struct peer *p);

/*
 * Take the next segment to transmit. The payload, if any, stays valid until
 * the next call into the peer. Returns false when nothing is queued.
 */
bool peer_pop_output(struct peer *p, struct segment *out);

/* Connections: by id, or by the client's address and port and our port. */
int peer_conn_lookup(const struct peer *p, const struct ip_addr *raddr,
    uint16_t rport, uint16_t lport, uint32_t *id);
int peer_conn_info(const struct peer *p, uint32_t id, struct conn_info *out);

/*
 * The newest connection (by creation, then id) from the client's raddr:rport
 * to any of our ports: how the control channel resolves an address. A hash
 * lookup on the client's end (conn_from_next), without copying the table.
 */
int peer_conn_newest_from(const struct peer *p, const struct ip_addr *raddr,
    uint16_t rport, uint32_t *id);

/* Call fn for every connection in the table, oldest first; stop if fn returns nonzero. */
int peer_conn_foreach(const struct peer *p,
    int (*fn)(const struct conn_info *, void *), void *arg);

/* Live changes and one-shot commands. Each returns 0, or -1 with errno-like reason text. */
enum peer_cmd_result {
	PEER_CMD_OK = 0,
	PEER_CMD_NO_CONN,   /* no such connection */
	PEER_CMD_BAD_STATE, /* not possible in the connection's state */
	PEER_CMD_FULL,	    /* no room in the connection table */
	PEER_CMD_NO_ADDR,   /* the peer owns no address of that family */
};

const char *peer_cmd_result_str(enum peer_cmd_result r);

enum peer_cmd_result peer_set_behaviour(struct peer *p, uint32_t id,
    const struct behaviour *b, uint64_t now_ns);
enum peer_cmd_result peer_ack_fin(struct peer *p, uint32_t id, uint64_t now_ns);
/* Read n bytes from the emulated buffer now (n == 0: all), reopening the window. */
enum peer_cmd_result peer_read(struct peer *p, uint32_t id, uint32_t n,
    uint64_t now_ns);
/* Resume reading: clears stop-reading and drains the buffer. */
enum peer_cmd_result peer_resume(struct peer *p, uint32_t id, uint64_t now_ns);
enum peer_cmd_result peer_send_fin(struct peer *p, uint32_t id,
    uint64_t now_ns);
enum peer_cmd_result peer_send_rst(struct peer *p, uint32_t id,
    uint64_t now_ns);
/* Send n bytes of pattern data to the client (within its window). */
enum peer_cmd_result peer_send_data(struct peer *p, uint32_t id, uint32_t n,
    uint64_t now_ns);

/*
 * Active open: connect to raddr:rport (the system under test listening)
 * from our port lport, or from a free port in 40000-60999 when lport is 0,
 * and from our address of raddr's family. The connection then behaves as
 * b. *id names it; it starts in SYN_SENT. PEER_CMD_BAD_STATE when that
 * four-tuple is already open, PEER_CMD_NO_ADDR when we own no address of
 * raddr's family.
 */
enum peer_cmd_result peer_connect(struct peer *p, const struct ip_addr *raddr,
    uint16_t rport, uint16_t lport, const struct behaviour *b, uint64_t now_ns,
    uint32_t *id);

/* Our address of a's family, or NULL when we own none of it. */
const struct ip_addr *peer_local_addr(const struct peer *p,
    const struct ip_addr *a);

const struct peer_stats *peer_get_stats(const struct peer *p);

/*
 * What the I/O around the state machine saw and dropped before it (frames
 * by decode error, ARP, the capture buffer overflowing), for the stats
 * command. The peer keeps only the hook; the program that owns the I/O
 * (lingerpeer.c) fills in the numbers when asked.
 */
struct peer_wire_stats {
	uint64_t frames_in; /* frames the capture delivered */
	uint64_t frame_errors[FRAME_ERROR_COUNT]; /* [FRAME_OK] unused */
	uint64_t not_tcp; /* well-formed, but no TCP for us */
	uint64_t arp_answered;
	uint64_t arp_ignored; /* ARP about another address */
	uint64_t no_mac;      /* segments dropped: MAC unknown */
	uint64_t inject_errors;
	uint64_t capture_drops; /* no room in the capture buffer */
	uint64_t capture_cut;	/* longer than the capture's slots */
	/* Taken, not dropped: what a link with offloads on hands over. */
	uint64_t csum_offloaded; /* TCP checksum left for offload */
	uint64_t super_segments; /* TCP larger than the link's MTU */
	/* IPv6, appended after the older fields. */
	uint64_t ndp_answered;	  /* Neighbor Solicitations for us answered */
	uint64_t ndp_ignored;	  /* NS or NA about another address */
	uint64_t link_noise;	  /* other ICMPv6: RS, MLD; not errors */
	uint64_t ip6_ext_skipped; /* frames with extension headers skipped */
};
typedef void (*peer_wire_stats_fn)(void *arg, struct peer_wire_stats *out);
void peer_set_wire_stats(struct peer *p, peer_wire_stats_fn fn, void *arg);
/* Fill out (all zero when no hook was set). */
void peer_get_wire_stats(const struct peer *p, struct peer_wire_stats *out);
const struct event_log *peer_events(const struct peer *p);

/*
 * Narration for -v: called with a plain-words sentence about conn id
 * ("FIN from 192.0.2.1:40112 swallowed, 3rd time", IPv6 as
 * "[2001:db8::1]:40112"). NULL to turn off.
 */
typedef void (*peer_narrate_fn)(void *arg, uint32_t conn_id, const char *text);
void peer_set_narrator(struct peer *p, peer_narrate_fn fn, void *arg);

#endif
