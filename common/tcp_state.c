/*
 * tcp_state.c - names of the TCP states.
 */
#include "tcp_state.h"

static const char *const state_names[CS_STATE_COUNT] = {
	"CLOSED",
	"SYN_SENT",
	"SYN_RCVD",
	"ESTABLISHED",
	"CLOSE_WAIT",
	"LAST_ACK",
	"FIN_WAIT1",
	"FIN_WAIT2",
	"CLOSING",
	"TIME_WAIT",
};

const char *
conn_state_name(enum conn_state s)
{
	return (unsigned)s < CS_STATE_COUNT ? state_names[s] : "?";
}
