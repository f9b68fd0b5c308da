/*
 * platform_net.h - lingerlab-agent's own connections: the socket it
 * listens on and the runner's connection it reads requests from, as
 * opposed to the sockets under test (platform.h). One implementation per
 * OS family: platform_posix_net.c and platform_posix_watch.c for Linux and
 * FreeBSD; platform_win32_net.c and platform_win32_watch.c for Windows.
 *
 * Like platform.h it needs nothing but standard C, so the agent's session
 * logic (client/agent/agent_serve.c) is the same everywhere.
 */
#ifndef LINGERLAB_PLATFORM_NET_H
#define LINGERLAB_PLATFORM_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "platform.h"

/* One of the agent's own sockets: a descriptor, or a Winsock SOCKET. */
typedef intptr_t plat_conn;
#define PLAT_CONN_NONE ((plat_conn)-1)

/*
 * Once, before anything else: what the program needs of the system
 * (Winsock started; SIGPIPE ignored; SIGINT and SIGTERM turned into a
 * stop that plat_net_wait() reports). 0, or -1 with what failed in err.
 * On Windows, a process that is the agent's own exit-close helper
 * (platform_win32_exit.c) does its work here and exits, never returning.
 */
int plat_net_init(char *err, size_t errlen);

/*
 * Listen on text: "127.0.0.1:7900", "[::1]:7900", "localhost:7900",
 * "192.0.2.1:7900", "0.0.0.0:7900". *loopback says whether only this host
 * can reach it (the agent then needs no token). bound gets the address as
 * written for people. 0; or -1 with err and *usage true when the text is
 * no address (the command line's fault), false when the system refused.
 */
int plat_net_listen(const char *text, plat_conn *out, bool *loopback,
    char *bound, size_t blen, bool *usage, char *err, size_t errlen);

enum plat_net_event {
	PLAT_NET_TIMEOUT,  /* the deadline passed */
	PLAT_NET_LISTENER, /* a runner is waiting to be accepted */
	PLAT_NET_SESSION,  /* the session has bytes, or its end */
	PLAT_NET_STOP,	   /* SIGINT or SIGTERM: stop */
	PLAT_NET_ERROR,	   /* the system failed; err says how */
};

/*
 * Wait for one of the events above. session may be PLAT_CONN_NONE;
 * deadline_ns is on plat_now_ns()'s clock, 0 for none.
 */
enum plat_net_event plat_net_wait(plat_conn listener, plat_conn session,
    uint64_t deadline_ns, char *err, size_t errlen);

/*
 * Take a waiting runner: its connection (non-blocking, with keepalives, so
 * that a cut network ends it) in *out and its address in peer ("192.0.2.9:
 * 40112"). 0, or -1 when it was gone already.
 */
int plat_net_accept(plat_conn listener, plat_conn *out, char *peer,
    size_t plen);

/* What the runner sent: the bytes read (> 0), 0 at its end, -1 on an
 * error (it is gone too), -2 when nothing is there yet. */
long plat_net_recv(plat_conn c, char *buf, size_t len);

/* All of buf by deadline_ns: 0, or -1 when the runner did not take it. */
int plat_net_send(plat_conn c, const char *buf, size_t len,
    uint64_t deadline_ns);

void plat_net_close(plat_conn c);

/* The token in path's first line; the file only its owner may read.
 * 0, or -1 with what is wrong and what to do in err. */
int plat_net_read_token(const char *path, char *buf, size_t len, char *err,
    size_t errlen);

/*
 * While a step that may block runs (connect, send, recv, accept): watch
 * the session from another thread and, if the runner goes away meanwhile,
 * end the call on sock instead of letting it wait for ever: its reading
 * half shut down, which sends nothing (a FIN now could leave the
 * connection in TIME_WAIT after the reset that follows); for a send
 * (sending), which only the writing half ends, a disconnect (a RST) where
 * the system has one, else a shutdown of both halves.
 * A stop (SIGINT, SIGTERM) meanwhile ends the call the same way.
 * plat_net_watch_end() says whether either happened. The watcher is made by
 * plat_net_init(), so the agent's thread count does not change from one
 * step to the next (the threads probe counts it).
 */
void plat_net_watch_begin(plat_conn session, plat_sock sock, bool sending);
bool plat_net_watch_end(void);

#endif
