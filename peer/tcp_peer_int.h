/*
 * tcp_peer_int.h - the inside of the peer's TCP endpoint, which its
 * tcp_peer*.c files share: listeners, the output queue, segments held by
 * delay=, timers, and the functions one part calls in another (each group
 * below names the file that defines it). Not for use outside the peer
 * core; the unit tests of the connection table look in through it.
 */
#ifndef LINGERLAB_TCP_PEER_INT_H
#define LINGERLAB_TCP_PEER_INT_H

#include "conn_table.h"
#include "ooo_queue.h"
#include "tcp_peer.h"
#include "timer_heap.h"
#include "timeunit.h"

#define PEER_MAX_LISTENERS  64
#define PEER_OUTQ	    4096     /* segments between two drains */
#define PEER_RTO_INITIAL_NS NS_PER_S /* RFC 6298: 1 s */
#define PEER_RTO_MAX_SHIFT                                                     \
	6 /* 7 retries (1, 2, ... 64 s), then 128 s more: gone */

enum timer_kind {
	TK_RTO = 1, /* ref = conn slot, id = conn id */
	TK_DELAYED, /* ref = delayed pool slot */
};

struct listener {
	uint16_t port;
	struct behaviour b;
};

struct out_item {
	struct segment seg;
	uint32_t conn_id;   /* 0 for segments of no connection */
	uint32_t conn_slot; /* where that connection lives, CONN_NONE if none */
	uint8_t cls;	    /* enum seg_class, for the event log */
	uint8_t pad_[3];
};

/* Segments waiting out a delay= behaviour; the slot doubles as free-list link. */
struct delay_pool {
	struct out_item *items;
	uint32_t *free_stack;
	uint32_t nfree;
	uint32_t cap;
};

struct peer {
	struct peer_config cfg;
	struct conn_table *conns;
	struct event_log *log;
	struct listener listeners[PEER_MAX_LISTENERS];
	uint32_t nlisteners;
	struct timer_heap timers;
	struct delay_pool delayed;
	struct ooo_pool ooo; /* data held past holes, tcp_peer_ooo.c */
	struct out_item outq[PEER_OUTQ];
	uint32_t outq_head;
	uint32_t outq_len;
	struct peer_stats stats;
	peer_narrate_fn narrate;
	void *narrate_arg;
	peer_wire_stats_fn wire_stats;
	void *wire_stats_arg;
	uint64_t now;		 /* time of the call being handled */
	uint16_t next_ephemeral; /* where peer_connect looks for a free port */
};

/* tcp_peer_out.c: everything that leaves the peer. */
void out_emit(struct peer *p, struct conn *c, uint8_t flags, uint32_t seq,
    uint32_t ack, uint32_t len, enum seg_class cls, bool force);
void out_ack(struct peer *p, struct conn *c, enum seg_class cls);
void out_fin(struct peer *p, struct conn *c);
void out_rst(struct peer *p, struct conn *c);
void out_push_data(struct peer *p, struct conn *c);
void out_arm_rto(struct peer *p, struct conn *c);
void out_cancel_rto(struct peer *p, struct conn *c);
void out_fire_timer(struct peer *p, const struct timer *t);
void out_reset_for(struct peer *p, const struct segment *seg);
uint32_t out_window(const struct peer *p, const struct conn *c);
int delay_pool_init(struct delay_pool *d, uint32_t cap);
void delay_pool_free(struct delay_pool *d);

/* tcp_peer.c */
void peer_set_state(struct peer *p, struct conn *c, enum conn_state st);
void peer_close_conn(struct peer *p, struct conn *c, enum close_reason why);
/* Cancel c's timer and give back its out-of-order queue: before it closes,
 * or its slot opens again. */
void peer_forget(struct peer *p, struct conn *c);
void peer_log_conn(struct peer *p, const struct conn *c, uint8_t type,
    uint32_t arg, uint32_t len);
void peer_say(struct peer *p, const struct conn *c, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void peer_app_read(struct peer *p, struct conn *c, uint32_t limit);
void peer_maybe_close(struct peer *p, struct conn *c);
void peer_app_reads_by_behaviour(struct peer *p, struct conn *c);
const char *peer_nth(uint32_t n, char buf[16]); /* "3rd" */
/* "192.0.2.1:40112", "[2001:db8::1]:40112" */
const char *peer_client_str(const struct conn *c,
    char buf[IP_ADDR_PORT_STRLEN]);
void peer_log_in(struct peer *p, const struct conn *c, const struct segment *s,
    enum seg_class cls);
void peer_on_syn(struct peer *p, struct conn *old, const struct segment *s);
uint32_t peer_initial_seq(const struct peer *p, const struct ip_addr *raddr,
    uint16_t rport, uint16_t lport);
struct conn *peer_new_conn(struct peer *p, const struct ip_addr *raddr,
    uint16_t rport, uint16_t lport);
/* The MSS we announce to, and never send above to, c's family. */
uint16_t peer_mss(const struct peer *p, const struct conn *c);

/* What a segment did, gathered while processing, so it is logged once. */
struct seg_outcome {
	enum seg_class cls;
	bool ack_needed;
	bool reset; /* answer with RST once the segment is logged */
};

/* tcp_peer_ooo.c: data after a hole, held until the hole fills. */
void ooo_hold(struct peer *p, struct conn *c, const struct segment *s,
    struct seg_outcome *v);
/* After in-order data: deliver what the queue now has contiguous. */
void ooo_fill(struct peer *p, struct conn *c);
/* Their FIN is held in the queue and every byte before it is in. */
bool ooo_fin_reached(struct peer *p, struct conn *c);
void ooo_release(struct peer *p, struct conn *c);
/* The same for the copy of an evicted connection whose slot c now has. */
void ooo_release_evicted(struct peer *p, const struct conn *c,
    const struct conn *evicted);

/* Room in c's emulated receive buffer: what its window allows, in bytes. */
static inline uint32_t
peer_rcv_room(const struct conn *c)
{
	return c->b.rcvbuf > c->buffered ? c->b.rcvbuf - c->buffered : 0;
}

/* tcp_peer_connect.c */
void peer_on_syn_sent(struct peer *p, struct conn *c, const struct segment *s);

#endif
