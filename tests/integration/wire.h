/*
 * wire.h - what the peer-behaviour integration tests share: a lingerpeer
 * with a control connection and a capture on the client's link, kernel
 * sockets on the client side, and checks on both.
 */
#ifndef LINGERLAB_WIRE_H
#define LINGERLAB_WIRE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "control_client.h"
#include "frame.h"
#include "itest.h"

#define WIRE_PORT	7000
#define WIRE_MAX_FRAMES 4096

/* One frame seen on llcli0, decoded with the project's codec. */
struct wire_frame {
	uint64_t t_ns; /* capture time */
	bool
	    from_peer; /* source 192.0.2.2 or 2001:db8::2, or ARP sent by the peer side */
	struct frame f; /* payload pointer not kept */
};

struct wire {
	struct itest_peer peer;
	struct control_client *ctl;
	pcap_t *cap;
	struct wire_frame frames[WIRE_MAX_FRAMES];
	size_t nframes;
	size_t undecodable; /* frames our codec refused: must stay 0 */
};

/* Start lingerpeer on WIRE_PORT with behaviour and capture on llcli0. */
void wire_start(struct wire *w, const char *behaviour);
/* The same, lingerpeer owning addr (its --addr; NULL: 192.0.2.2). */
void wire_start_addr(struct wire *w, const char *addr, const char *behaviour);
void wire_stop(struct wire *w);

/* Connect a blocking kernel socket to the peer; *local gets its address. */
int wire_connect(struct sockaddr_in *local);

/*
 * Send a control command and require an ok reply; the status line is
 * copied to status (if not NULL). A failure ends the test with the reply.
 */
void wire_ctl(struct wire *w, char *status, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* wait for the client's connection to meet conds (space separated). */
void wire_wait(struct wire *w, const struct sockaddr_in *local,
    const char *conds, int timeout_s);
/* The same for a connection the peer names conn ("[2001:db8::1]:40112", "3"). */
void wire_wait_conn(struct wire *w, const char *conn, const char *conds,
    int timeout_s);

/* A field of the peer's "show" line for the client's connection. */
uint64_t wire_show_u64(struct wire *w, const struct sockaddr_in *local,
    const char *key);
uint64_t wire_show_conn_u64(struct wire *w, const char *conn, const char *key);

/*
 * Poll sock_diag until the client's socket is in state (a TCP_* value, 0 for
 * gone) or timeout_ms passes; returns the state last seen.
 */
int wire_client_state(const struct sockaddr_in *local, int state,
    int timeout_ms);

/* The same for any connection to the peer: local address, the peer's port. */
int wire_conn_state(uint32_t laddr, uint16_t lport, uint16_t rport, int state,
    int timeout_ms);

/* Print the peer's event record of the client's connection to stderr. */
void wire_print_events(struct wire *w, const struct sockaddr_in *local);
void wire_print_events_conn(struct wire *w, const char *conn);

/* Read every frame captured so far into w->frames. */
void wire_collect(struct wire *w);

/*
 * Index of the first TCP frame at or after from, of the client's connection
 * from local port lport (0: any), sent by the peer (from_peer) or the client, with
 * all of flags_set and none of flags_clear; -1 if none. Connections of
 * earlier tests may still be retransmitting in the same sandbox, hence lport.
 */
ssize_t wire_find(const struct wire *w, size_t from, uint16_t lport,
    bool from_peer, uint8_t flags_set, uint8_t flags_clear);

/* Seconds between two CLOCK_MONOTONIC readings. */
double wire_elapsed(uint64_t t0_ns, uint64_t t1_ns);

#endif
