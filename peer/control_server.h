/*
 * control_server.h - the control channel's sockets, for lingerpeer's main
 * loop.
 *
 * Everything is non-blocking and bounded: the packet path never waits for a
 * control client, a client that stops reading its replies is dropped, and
 * clients past the limit are told "err busy" and closed. Endpoints are
 * written as in endpoint.h (unix:PATH, unix:@NAME, 127.0.0.1:PORT,
 * fd:N). A typical loop:
 *
 *	n = capture fds;
 *	n += control_server_pollfds(cs, pfd + n, max - n);
 *	poll(pfd, n, ms until min(peer_next_deadline, control_server_next_deadline));
 *	now = monotonic clock;
 *	if (poll reported something)
 *		control_server_handle(cs, pfd + first, n - first, now);
 *	... packets in, peer_tick, packets out ...
 *	control_server_after_packets(cs, now);
 */
#ifndef LINGERLAB_CONTROL_SERVER_H
#define LINGERLAB_CONTROL_SERVER_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "tcp_peer.h"
#include "timeunit.h"

#define CONTROL_MAX_CLIENTS_DEFAULT 64u
#define CONTROL_OUT_MAX_DEFAULT	    (4u * 1024u * 1024u)
#define CONTROL_MAX_LISTENERS	    8u
/* A client that must authenticate and has not within this is dropped. */
#define CONTROL_AUTH_TIMEOUT_NS	    (10 * NS_PER_S)

struct control_server_config {
	uint32_t max_clients; /* 0: CONTROL_MAX_CLIENTS_DEFAULT */
	size_t
	    out_max; /* unsent reply bytes before a client is dropped; 0: default */
	/*
	 * Optional: the token clients of TCP endpoints must send first
	 * ("auth TOKEN"); with it, endpoints beyond loopback may be served.
	 * NULL: no token, loopback and unix sockets only. Not copied: it must
	 * outlive the server.
	 */
	const char *token;
	/* Optional: one sentence per notable thing (client dropped, accept failed). */
	void (*log)(void *arg, const char *text);
	void *log_arg;
};

struct control_server;

/* With the defaults; NULL when out of memory. */
struct control_server *control_server_new(struct peer *p);
/* cfg may be NULL for the defaults. */
struct control_server *control_server_new_config(struct peer *p,
    const struct control_server_config *cfg);

/* Close every client and listener; remove the unix socket files it made. */
void control_server_free(struct control_server *s);

/*
 * Serve on endpoint. A stale unix socket file is replaced only when nothing
 * answers on it; fd:N that is not listening becomes one client, and its
 * closing does not stop the server. 0, or -1 with the reason in err.
 */
int control_server_listen(struct control_server *s, const char *endpoint,
    char *err, size_t errlen);

/* Fill up to max entries; returns how many were filled. */
size_t control_server_pollfds(struct control_server *s, struct pollfd *pfd,
    size_t max);

/*
 * Act on the entries control_server_pollfds made (matched by fd, so other entries may
 * be passed too): accept, read and run commands, send replies, time out
 * waits. Call it after every poll that reported something; wait
 * timeouts are also handled by control_server_after_packets().
 */
void control_server_handle(struct control_server *s, const struct pollfd *pfd,
    size_t n, uint64_t now_ns);

/*
 * Re-check pending waits after the peer changed (packets processed, timers
 * fired) and fire their timeouts. Call it every loop round, poll timeout
 * included. Costs nothing when no client is waiting.
 */
void control_server_after_packets(struct control_server *s, uint64_t now_ns);

/* When handle must run next for a wait's timeout: 0 for now, UINT64_MAX for never. */
uint64_t control_server_next_deadline(const struct control_server *s);

/* Clients connected now. */
uint32_t control_server_clients(const struct control_server *s);

#endif
