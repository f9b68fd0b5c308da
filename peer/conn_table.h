/*
 * conn_table.h - lingerpeer's connections: a fixed pool, hashes on the
 * four-tuple, on the id and on the client's address and port, and two
 * recency lists (open, closed).
 *
 * Everything is allocated once at start for --max-conns entries (pages are
 * touched only when used), so the per-connection cost is sizeof(struct conn)
 * plus three hash buckets, and a flood can never make the peer grow. Closed
 * connections stay for inspection until their slot is needed again.
 */
#ifndef LINGERLAB_CONN_TABLE_H
#define LINGERLAB_CONN_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "behaviour.h"
#include "ip_address.h"

#define CONN_NONE UINT32_MAX

enum conn_flag {
	CF_FIN_HELD = 1u << 0,	/* their FIN seen and not ACKed (swallow-fin) */
	CF_FIN_RCVD = 1u << 1,	/* their FIN accepted and ACKed */
	CF_FIN_SENT = 1u << 2,	/* our FIN is out */
	CF_FIN_ACKED = 1u << 3, /* our FIN was ACKed */
	CF_TS_OK = 1u << 4,	/* timestamps negotiated */
	CF_WS_OK = 1u << 5,	/* window scaling negotiated */
	CF_QUIET = 1u << 6,	/* silent has taken effect */
	CF_ON_CLOSED = 1u << 7, /* on the closed list */
};

struct conn {
	/* identity: the client's address (either family) and port, and ours */
	struct ip_addr raddr;
	uint16_t rport;
	uint16_t lport;
	uint32_t id;
	/* table links: slot numbers, CONN_NONE for none */
	uint32_t hash_next; /* four-tuple chain */
	uint32_t
	    id_next; /* id chain: the control channel names connections by id */
	uint32_t addr_next; /* client address and port chain: how a control
			       command names a connection by address */
	uint32_t lru_prev;
	uint32_t lru_next;
	/* TCP */
	uint8_t state;	   /* enum conn_state */
	uint8_t closed_by; /* enum close_reason */
	uint8_t flags;	   /* enum conn_flag */
	uint8_t
	    snd_wscale;	   /* the client's scale: applies to windows it sends */
	uint8_t rto_shift; /* our retransmission backoff */
	uint8_t ooo;	   /* 1 + its out-of-order queue's index, 0: none */
	uint16_t snd_mss;  /* the client's MSS */
	uint32_t iss;
	uint32_t snd_una;
	uint32_t snd_nxt;
	uint32_t snd_wnd; /* the client's window, scaled, bytes */
	uint32_t irs;
	uint32_t rcv_nxt;
	uint32_t fin_seq;      /* sequence number of their FIN */
	uint32_t ts_recent;    /* their last timestamp, echoed back */
	uint32_t buffered;     /* received, not yet read */
	uint32_t pending_send; /* send command bytes not yet sent */
	uint32_t rto_timer;    /* our retransmission timer, TIMER_NONE: none */
	struct behaviour b;
	/* observations */
	uint64_t created_ns;
	uint64_t last_ns;
	uint64_t bytes_received;
	uint64_t bytes_read;
	uint64_t bytes_sent;
	uint32_t segs_in;
	uint32_t segs_out;
	uint32_t fins_seen;
	uint32_t fin_retx;
	uint32_t data_retx;
	uint32_t zero_window_probes;
	uint32_t rsts_seen;
	uint32_t syns_seen;
};

struct conn_table;

struct conn_table *conn_table_new(uint32_t max_conns, uint64_t seed);
void conn_table_free(struct conn_table *t);

uint32_t conn_table_capacity(const struct conn_table *t);
uint32_t conn_table_used(const struct conn_table *t);

struct conn *conn_find(struct conn_table *t, const struct ip_addr *raddr,
    uint16_t rport, uint16_t lport);

/*
 * The connections from the client's raddr:rport, to any of our ports, one
 * at a time: prev NULL for the first, NULL after the last. A hash chain of
 * its own, so the walk visits only the few connections that share a bucket.
 */
const struct conn *conn_from_next(const struct conn_table *t,
    const struct ip_addr *raddr, uint16_t rport, const struct conn *prev);

/*
 * A new connection for the tuple, with a fresh id. When the pool is full the
 * least recently active closed connection is reused; failing that, if
 * evict_open, a half-open (SYN_RCVD) one among the 64 least recently active,
 * else the least recently active open one; without evict_open, NULL.
 * *evicted is a copy of the open connection that had to go (its id is 0
 * when none did), so the caller can record what was lost.
 */
struct conn *conn_alloc(struct conn_table *t, const struct ip_addr *raddr,
    uint16_t rport, uint16_t lport, bool evict_open, struct conn *evicted);

/* The same four-tuple opens again: a fresh connection (new id) in the same slot. */
void conn_renew(struct conn_table *t, struct conn *c);

/* Activity: move to the recent end of its list. */
void conn_touch(struct conn_table *t, struct conn *c);
/* Closed: move to the closed list (kept for inspection, reused first). */
void conn_retire(struct conn_table *t, struct conn *c);

uint32_t conn_slot(const struct conn_table *t, const struct conn *c);
struct conn *conn_at(struct conn_table *t, uint32_t slot); /* NULL if unused */
const struct conn *conn_at_const(const struct conn_table *t, uint32_t slot);
struct conn *conn_by_id(struct conn_table *t, uint32_t id);

#endif
