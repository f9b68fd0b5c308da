/*
 * step_words.c - a scenario's steps in the words verdicts are written in
 * (step_words.h).
 */
#include "step_words.h"

#include <stdio.h>

const char *
ev_sock(const struct scenario *sc, int sock)
{
	if (sock < 0 || (size_t)sock >= sc->nsocks ||
	    (size_t)sock >= SCN_MAX_SOCKS)
		return "?";
	return sc->socks[sock];
}

const char *
ev_what(enum scn_wire_what what)
{
	switch (what) {
	case WIRE_FIN: return "FIN";
	case WIRE_RST: return "RST";
	case WIRE_DATA: return "data";
	case WIRE_ANY: return "anything";
	}
	return "?";
}

static const char *
opt_name(enum scn_opt opt)
{
	static const char *names[] = {
		[OPT_LINGER_OFF] = "SO_LINGER",
		[OPT_LINGER] = "SO_LINGER",
		[OPT_BLOCKING] = "O_NONBLOCK",
		[OPT_NONBLOCKING] = "O_NONBLOCK",
		[OPT_SNDBUF] = "SO_SNDBUF",
		[OPT_RCVBUF] = "SO_RCVBUF",
		[OPT_NODELAY] = "TCP_NODELAY",
		[OPT_USER_TIMEOUT] = "TCP_USER_TIMEOUT",
		[OPT_LINGER2] = "TCP_LINGER2",
	};

	if ((size_t)opt >= sizeof(names) / sizeof(names[0]) ||
	    names[opt] == NULL)
		return "?";
	return names[opt];
}

/* The words of a peer command, "ack-fin" for STEP_PEER_ACK_FIN. */
static const char *
peer_cmd(enum scn_step_kind kind)
{
	static const char *names[STEP_KIND_COUNT] = {
		[STEP_PEER_LISTEN] = "listen",
		[STEP_PEER_BEHAVIOUR] = "behaviour",
		[STEP_PEER_ACK_FIN] = "ack-fin",
		[STEP_PEER_READ] = "read",
		[STEP_PEER_RESUME] = "resume",
		[STEP_PEER_FIN] = "fin",
		[STEP_PEER_RST] = "rst",
		[STEP_PEER_SEND] = "send",
	};

	if ((size_t)kind >= STEP_KIND_COUNT || names[kind] == NULL)
		return NULL;
	return names[kind];
}

size_t
ev_step_label(const struct scenario *sc, const struct scn_step *st, char *buf,
    size_t len)
{
	static const char *hows[] = { "SHUT_RD", "SHUT_WR", "SHUT_RDWR" };
	static const char *calls[STEP_KIND_COUNT] = {
		[STEP_SOCKET] = "socket",
		[STEP_CONNECT] = "connect",
		[STEP_SEND] = "send",
		[STEP_RECV] = "recv",
		[STEP_CLOSE] = "close",
		[STEP_EXIT_CLOSE] = "exit-close",
		[STEP_LISTEN] = "listen",
		[STEP_ACCEPT] = "accept",
	};
	const char *s = ev_sock(sc, st->sock);
	int n;

	if (st->kind == STEP_SET)
		n = snprintf(buf, len, "setsockopt(%s, %s)", s,
		    opt_name(st->opt));
	else if (st->kind == STEP_SHUTDOWN)
		n = snprintf(buf, len, "shutdown(%s, %s)", s,
		    st->how >= 0 && st->how <= 2 ? hows[st->how] : "?");
	else if (st->kind == STEP_WAIT)
		n = snprintf(buf, len, "wait");
	else if (st->kind == STEP_SIGNAL)
		n = snprintf(buf, len, "signal after %.3f s",
		    (double)st->duration_ns / 1e9);
	else if (st->kind == STEP_WAIT_PEER)
		n = snprintf(buf, len, "wait peer %s", s);
	else if (st->kind == STEP_PEER_CONNECT)
		n = snprintf(buf, len, "peer connect %u as %s", st->port,
		    ev_sock(sc, st->sock2));
	else if (peer_cmd(st->kind) != NULL)
		n = snprintf(buf, len, "peer %s%s%s", peer_cmd(st->kind),
		    st->sock >= 0 ? " " : "", st->sock >= 0 ? s : "");
	else if ((size_t)st->kind < STEP_KIND_COUNT && calls[st->kind] != NULL)
		n = snprintf(buf, len, "%s(%s)", calls[st->kind], s);
	else
		n = snprintf(buf, len, "step %d", (int)st->kind);
	return n < 0 ? 0 : (size_t)n;
}
