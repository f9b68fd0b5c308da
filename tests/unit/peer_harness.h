/*
 * peer_harness.h - drive the pure TCP peer from unit tests: one client,
 * explicit times, every segment the peer sends collected for inspection.
 */
#ifndef LINGERLAB_PEER_HARNESS_H
#define LINGERLAB_PEER_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcp_peer.h"
#include "timeunit.h"

/* 192.0.2.1 and 192.0.2.2; 2001:db8::1 and 2001:db8::2 (h_init6). */
extern const struct ip_addr h_client4, h_peer4, h_client6, h_peer6;
#define CLIENT_ADDR	(&h_client4) /* as the peer's functions take them */
#define PEER_ADDR	(&h_peer4)
#define PEER_PORT	8080
#define CLIENT_PORT	40112
#define CLIENT_ISN	1000u
#define CLIENT_TSVAL	5000u
#define CLIENT_WIN	502 /* x 128 = 64256, what Linux announces */
#define MS		NS_PER_MS
#define HARNESS_MAX_OUT 256

struct harness {
	struct peer *p;
	struct ip_addr
	    caddr; /* the client's: h_client4, or h_client6 (h_init6) */
	uint64_t now;
	uint16_t cport; /* the client's port for new SYNs */
	uint32_t id;	/* the connection under test */
	uint32_t iss;	/* our ISS, learned from the SYN-ACK */
	uint32_t cseq;	/* the client's next sequence number */
	uint32_t tsval; /* the client's clock, sent when ts is on */
	bool ts;	/* the client offered timestamps */
	struct segment out[HARNESS_MAX_OUT];
	size_t nout; /* segments from the last input, tick or command */
};

/* A small peer listening on PEER_PORT with the behaviour spec. */
void h_init(struct harness *h, const char *spec);
/* The same peer owning both families' addresses, its client on IPv6. */
void h_init6(struct harness *h, const char *spec);
void h_init_cfg(struct harness *h, const char *spec,
    const struct peer_config *cfg);
void h_fini(struct harness *h);
/* The config h_init uses: small tables so valgrind runs stay quick. */
void h_config(struct peer_config *cfg);
struct behaviour h_behaviour(const char *spec);

/* A segment from the client's port; payload is a shared zero buffer. */
struct segment h_seg(const struct harness *h, uint8_t flags, uint32_t seq,
    uint32_t ack, uint32_t len);
/* The Linux SYN: MSS 1460 (1440 over IPv6), SACK-perm, TS, WS 7, window 64240. */
struct segment h_syn(const struct harness *h, uint32_t isn);

/* Feed at h->now and collect what comes out; returns h->nout. */
size_t h_input(struct harness *h, const struct segment *s);
size_t h_tick(struct harness *h, uint64_t now);
size_t h_drain(struct harness *h);

/* SYN, check the SYN-ACK, ACK: the connection is ESTABLISHED, h->id set. */
void h_connect(struct harness *h);
/* The client's data, FIN, or pure ACK of our bytes, at h->cseq (advanced). */
size_t h_data(struct harness *h, uint32_t len);
size_t h_fin(struct harness *h);
size_t h_ack(struct harness *h, uint32_t ack, uint16_t win);

void h_info(const struct harness *h, struct conn_info *info);

/*
 * One segment exactly: flags, seq, ack, window, payload length; and from
 * the peer's address of its family to the client's.
 */
void h_expect(const struct segment *s, uint8_t flags, uint32_t seq,
    uint32_t ack, uint16_t win, uint32_t len);
/* The last n events of the connection, oldest first; returns how many. */
size_t h_events(const struct harness *h, struct peer_event *ev, size_t n);

#endif
