/*
 * tcp_state.h - the TCP connection states (RFC 9293, section 3.3.2) and
 * their names, as lingerpeer keeps them and as the control protocol and
 * scenario files write them ("FIN_WAIT1"). Shared by both programs.
 */
#ifndef LINGERLAB_TCP_STATE_H
#define LINGERLAB_TCP_STATE_H

enum conn_state {
	CS_CLOSED = 0,
	CS_SYN_SENT, /* we opened actively (connect command) */
	CS_SYN_RCVD,
	CS_ESTABLISHED,
	CS_CLOSE_WAIT, /* their FIN ACKed, ours not sent */
	CS_LAST_ACK,
	CS_FIN_WAIT1, /* we closed first */
	CS_FIN_WAIT2,
	CS_CLOSING,
	CS_TIME_WAIT,
	CS_STATE_COUNT
};

const char *conn_state_name(enum conn_state s); /* "ESTABLISHED" ... */

#endif
