/*
 * event_log.h - what lingerpeer saw and did, with timestamps, in one bounded
 * ring shared by all connections. Memory stays fixed however many connections
 * come and go; when the ring wraps, the oldest events are lost and the loss is
 * reported (events are numbered, so a reader can tell).
 */
#ifndef LINGERLAB_EVENT_LOG_H
#define LINGERLAB_EVENT_LOG_H

#include <stddef.h>
#include <stdint.h>

enum event_type {
	EV_SEG_IN = 1, /* a segment from the client */
	EV_SEG_OUT,    /* a segment we sent (or queued, when delayed) */
	EV_STATE,      /* the connection changed state */
	EV_BEHAVIOUR,  /* its behaviour was changed */
	EV_COMMAND,    /* a one-shot command ran */
};

/* What a segment meant, as the peer judged it. */
enum seg_class {
	SC_NONE = 0,
	SC_SYN,
	SC_SYN_RETX,
	SC_SYNACK,
	SC_DATA,
	SC_DATA_RETX,	       /* payload we already had */
	SC_DATA_BEYOND_WINDOW, /* trimmed or dropped: no room */
	SC_DATA_OUT_OF_ORDER,  /* a hole before it: held, dup ACK sent */
	SC_FIN,
	SC_FIN_RETX,
	SC_FIN_SWALLOWED, /* seen, deliberately not ACKed */
	SC_ZERO_WINDOW_PROBE,
	SC_ACK, /* nothing but an ACK */
	SC_RST,
	SC_SILENCED, /* a reply we did not send (silent) */
	/* a hole before it and no room to hold it (the window, the queue's
	 * ranges or the pool of queues): dropped, dup ACK sent */
	SC_DATA_OOO_DROPPED,
	SC_CLASS_COUNT
};

enum event_opt_bit {
	EVO_MSS = 1u << 0,
	EVO_WSCALE = 1u << 1,
	EVO_SACK_OK = 1u << 2,
	EVO_TS = 1u << 3,
};

struct peer_event {
	uint64_t t_ns; /* caller's monotonic clock */
	uint32_t conn_id;
	uint8_t type;	   /* enum event_type */
	uint8_t cls;	   /* enum seg_class (segments) */
	uint8_t flags;	   /* TCP flags (segments) */
	uint8_t opts;	   /* enum event_opt_bit (segments) */
	uint8_t state;	   /* new state (EV_STATE) or state at the time */
	uint8_t old_state; /* EV_STATE */
	uint16_t win;	   /* window as on the wire */
	uint32_t seq;
	uint32_t ack;
	uint32_t len; /* payload bytes; for EV_COMMAND an argument */
	uint32_t arg; /* EV_COMMAND: which command (enum event_command) */
};

enum event_command {
	ECMD_ACK_FIN = 1,
	ECMD_READ,
	ECMD_RESUME,
	ECMD_FIN,
	ECMD_RST,
	ECMD_SEND,
	ECMD_CONNECT,
};

struct event_log;

struct event_log *event_log_new(uint32_t capacity);
void event_log_free(struct event_log *log);

/* Append; returns the event's number (0, 1, 2, ... for the peer's lifetime). */
uint64_t event_log_add(struct event_log *log, const struct peer_event *ev);

/* Number the next event will get; all events before it were added. */
uint64_t event_log_next(const struct event_log *log);
/* Oldest event number still held. */
uint64_t event_log_oldest(const struct event_log *log);

/*
 * Visit events numbered >= since, oldest first; conn_id 0 means every
 * connection. Stops early when fn returns nonzero and returns that value.
 */
int event_log_foreach(const struct event_log *log, uint32_t conn_id,
    uint64_t since,
    int (*fn)(uint64_t num, const struct peer_event *ev, void *arg), void *arg);

const char *seg_class_name(enum seg_class c);	      /* "fin-retx" */
const char *event_type_name(enum event_type t);	      /* "in", "out", "state" */
const char *event_command_name(enum event_command c); /* "ack-fin" */

/*
 * One line, no newline, key=value fields after the time and type:
 * "12.345678901 in F. seq=1001 ack=1 win=502 len=0 class=fin-retx"
 * state_name maps enum conn_state values to names (kept out of this module).
 */
size_t event_format(const struct peer_event *ev, const char *(*state_name)(int),
    char *buf, size_t len);

#endif
