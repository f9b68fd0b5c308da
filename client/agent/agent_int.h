/*
 * agent_int.h - lingerlab-agent inside: its table of the sockets it made
 * for the runner it serves, the requests carried out on them
 * (agent_exec.c), and the sessions (agent_serve.c). Standard C only,
 * against platform.h and platform_net.h, so the program is the same on
 * every system.
 */
#ifndef LINGERLAB_AGENT_INT_H
#define LINGERLAB_AGENT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agent_proto.h"
#include "platform.h"
#include "platform_net.h"

/*
 * Sockets open at once for one runner: the scenario language's 16 names
 * times its 1024 instances of a repeat block at once. Past it, socket and
 * accept are refused with too-many-socks (the system's own limit on
 * descriptors comes first on most hosts, and is the call's EMFILE).
 */
#define AGENT_MAX_SOCKS 16384

/* How long a runner has to authenticate and say hello, to finish a line
 * it began, and to take a reply. */
#define AGENT_HANDSHAKE_NS (10ull * 1000000000ull)
#define AGENT_LINE_NS	   (10ull * 1000000000ull)
#define AGENT_SEND_NS	   (10ull * 1000000000ull)

struct agent_slot {
	uint32_t id; /* 0: free */
	plat_sock s;
};

/*
 * The sockets made for the runner: handle ids start at 1 and only grow
 * within a session, so a closed socket's id never names another. An id
 * lives in slot id % AGENT_MAX_SOCKS.
 */
struct agent_table {
	struct agent_slot *slots;
	uint32_t next_id;
	size_t nlive;
};

int agent_table_init(struct agent_table *t);
void agent_table_free(struct agent_table *t);
/* Reset (RST) every socket in it and forget them, and every socket a
 * failed close left open (plat_reset_kept); how many there were. Ids go
 * on growing: a new session sets next_id to 1. */
size_t agent_table_reset(struct agent_table *t);

/*
 * Carry out a request that needs the session to be set up (anything but
 * auth, hello, help and quit) and write its reply line into buf. While a
 * step that may block runs, the session is watched: *gone says the runner
 * went away meanwhile (then there is no one to reply to). The length of
 * the reply.
 */
size_t agent_exec(struct agent_table *t, const struct agent_req *r,
    plat_conn session, bool *gone, char *buf, size_t len);

struct agent_serve_opts {
	const char *token;   /* NULL: none needed */
	bool once;	     /* after the first runner, stop */
	const char *version; /* lingerlab's, for hello */
};

/*
 * Serve runners on listener, one at a time, until SIGINT or SIGTERM (or
 * the first runner's end, with once). Every socket made for a runner is
 * reset when it goes away. 0, or 1 when the system failed under it
 * (err says how).
 */
int agent_serve(plat_conn listener, const struct agent_serve_opts *o, char *err,
    size_t errlen);

#endif
