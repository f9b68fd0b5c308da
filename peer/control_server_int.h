/*
 * control_server_int.h - what control_server.c (sockets, lines, replies)
 * and control_server_wait.c (pending waits, deadlines) share. Not for
 * other modules.
 */
#ifndef LINGERLAB_CONTROL_SERVER_INT_H
#define LINGERLAB_CONTROL_SERVER_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "control_exec.h"
#include "control_listen.h"
#include "control_server.h"

#define IN_BUF	       (2 * (CONTROL_LINE_MAX + 2))
#define READ_BUDGET    (64u * 1024u)
#define ACCEPT_BUDGET  16
#define RECHECK_PASSES 8
#define SEND_COMPACT                                                           \
	(64u * 1024u) /* move unsent bytes to the front past this */

struct client {
	int fd;
	uint32_t serial;	/* for log messages: client #7 */
	bool eof;		/* the client will send no more */
	bool closing;		/* close once the replies are out */
	bool dead;		/* close at the end of this round */
	bool discarding;	/* skipping the rest of an overlong line */
	bool waiting;		/* wait pending: do not run further lines */
	bool need_auth;		/* its first line must be "auth TOKEN" */
	uint64_t auth_deadline; /* need_auth: dropped at this time */
	struct control_wait wait;
	struct control_out out; /* replies not yet sent, from outoff */
	size_t outoff;
	size_t inlen;
	char in[IN_BUF];
};

struct control_server {
	struct peer *peer;
	struct control_server_config cfg;
	struct control_socket lis[CONTROL_MAX_LISTENERS];
	bool lis_paused
	    [CONTROL_MAX_LISTENERS]; /* out of descriptors: stop accepting */
	size_t nlis;
	struct client **clients; /* cfg.max_clients slots */
	uint32_t nclients;
	uint32_t nwaiting;
	uint32_t nunauth; /* clients with need_auth */
	uint32_t serial;
	bool executed; /* a command ran: waits may now hold */
	bool recheck;  /* waits need a check before the next poll */
	struct control_out scratch; /* one reply being built */
};

/* control_server.c */
void cs_log(struct control_server *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Mark c to be closed at the end of the round; why (may be NULL) is logged. */
void cs_drop(struct control_server *s, struct client *c, const char *why);
/* Queue the reply in s->scratch for c and start sending it. */
void cs_reply(struct control_server *s, struct client *c);
/* Run c's complete lines until a wait blocks. */
void cs_process(struct control_server *s, struct client *c, uint64_t now_ns);
/* Close the clients marked dead. */
void cs_reap(struct control_server *s);

/* control_server_wait.c */
void cs_check_waits(struct control_server *s, uint64_t now_ns);

#endif
