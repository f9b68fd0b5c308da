/*
 * event_log.c - one ring of fixed-size events for all connections.
 *
 * A ring rather than per-connection lists keeps the cost of a connection
 * fixed (the 100,000-connection target) and makes memory use a single
 * command-line number. Readers filter by connection when they scan.
 */
#include "event_log.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "segment.h"
#include "timeunit.h"

struct event_log {
	struct peer_event *ring;
	uint32_t capacity;
	uint64_t next; /* number of the next event */
};

/*
 * Touch every page of the ring now. calloc hands out untouched pages, so
 * the ring would become resident bit by bit as events arrive: page faults
 * on the packet path, and a memory figure that creeps up with the number
 * of connections although the ring's size is fixed. Resident from the
 * start, its cost is visible in the peer's baseline, where it belongs.
 */
static void
prefault(void *mem, size_t len)
{
	volatile unsigned char *p = mem;
	size_t i;

	for (i = 0; i < len; i += 4096)
		p[i] = 0;
}

struct event_log *
event_log_new(uint32_t capacity)
{
	struct event_log *log;

	if (capacity == 0)
		capacity = 1;
	if ((log = calloc(1, sizeof(*log))) == NULL)
		return NULL;
	if ((log->ring = calloc(capacity, sizeof(*log->ring))) == NULL) {
		free(log);
		return NULL;
	}
	log->capacity = capacity;
	prefault(log->ring, (size_t)capacity * sizeof(*log->ring));
	return log;
}

void
event_log_free(struct event_log *log)
{
	if (log == NULL)
		return;
	free(log->ring);
	free(log);
}

uint64_t
event_log_add(struct event_log *log, const struct peer_event *ev)
{
	uint64_t num = log->next++;

	log->ring[num % log->capacity] = *ev;
	return num;
}

uint64_t
event_log_next(const struct event_log *log)
{
	return log->next;
}

uint64_t
event_log_oldest(const struct event_log *log)
{
	return log->next > log->capacity ? log->next - log->capacity : 0;
}

int
event_log_foreach(const struct event_log *log, uint32_t conn_id, uint64_t since,
    int (*fn)(uint64_t num, const struct peer_event *ev, void *arg), void *arg)
{
	uint64_t num =
	    since > event_log_oldest(log) ? since : event_log_oldest(log);
	const struct peer_event *ev;
	int rc;

	for (; num < log->next; num++) {
		ev = &log->ring[num % log->capacity];
		if (conn_id != 0 && ev->conn_id != conn_id)
			continue;
		if ((rc = fn(num, ev, arg)) != 0)
			return rc;
	}
	return 0;
}

static const char *const class_names[SC_CLASS_COUNT] = {
	[SC_NONE] = "none",
	[SC_SYN] = "syn",
	[SC_SYN_RETX] = "syn-retx",
	[SC_SYNACK] = "synack",
	[SC_DATA] = "data",
	[SC_DATA_RETX] = "data-retx",
	[SC_DATA_BEYOND_WINDOW] = "beyond-window",
	[SC_DATA_OUT_OF_ORDER] = "out-of-order",
	[SC_FIN] = "fin",
	[SC_FIN_RETX] = "fin-retx",
	[SC_FIN_SWALLOWED] = "fin-swallowed",
	[SC_ZERO_WINDOW_PROBE] = "zero-window-probe",
	[SC_ACK] = "ack",
	[SC_RST] = "rst",
	[SC_SILENCED] = "silenced",
	[SC_DATA_OOO_DROPPED] = "out-of-order-dropped",
};

const char *
seg_class_name(enum seg_class c)
{
	return (unsigned)c < SC_CLASS_COUNT && class_names[c] ? class_names[c]
							      : "?";
}

const char *
event_type_name(enum event_type t)
{
	switch (t) {
	case EV_SEG_IN: return "in";
	case EV_SEG_OUT: return "out";
	case EV_STATE: return "state";
	case EV_BEHAVIOUR: return "behaviour";
	case EV_COMMAND: return "command";
	}
	return "?";
}

const char *
event_command_name(enum event_command c)
{
	switch (c) {
	case ECMD_ACK_FIN: return "ack-fin";
	case ECMD_READ: return "read";
	case ECMD_RESUME: return "resume";
	case ECMD_FIN: return "fin";
	case ECMD_RST: return "rst";
	case ECMD_SEND: return "send";
	case ECMD_CONNECT: return "connect";
	}
	return "?";
}

static size_t
format_opts(uint8_t opts, char *buf, size_t len)
{
	static const char *const names[] = { "mss", "wscale", "sackok", "ts" };
	size_t used = 0, i;
	int n;

	buf[0] = '\0';
	for (i = 0; i < 4; i++) {
		if ((opts & (1u << i)) == 0)
			continue;
		n = snprintf(buf + used, len - used, "%s%s", used ? "," : "",
		    names[i]);
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
	return used;
}

size_t
event_format(const struct peer_event *ev, const char *(*state_name)(int),
    char *buf, size_t len)
{
	char fl[10], opts[32];
	uint64_t s = ev->t_ns / NS_PER_S, ns = ev->t_ns % NS_PER_S;
	int n;

	switch ((enum event_type)ev->type) {
	case EV_SEG_IN:
	case EV_SEG_OUT:
		format_opts(ev->opts, opts, sizeof(opts));
		n = snprintf(buf, len,
		    "t=%" PRIu64 ".%09" PRIu64 " %s %s seq=%" PRIu32
		    " ack=%" PRIu32 " win=%u len=%" PRIu32 "%s%s class=%s",
		    s, ns, event_type_name(ev->type),
		    tcp_flags_str(ev->flags, fl), ev->seq, ev->ack,
		    (unsigned)ev->win, ev->len, opts[0] ? " opts=" : "", opts,
		    seg_class_name(ev->cls));
		break;
	case EV_STATE:
		n = snprintf(buf, len,
		    "t=%" PRIu64 ".%09" PRIu64 " state %s->%s", s, ns,
		    state_name(ev->old_state), state_name(ev->state));
		break;
	case EV_BEHAVIOUR:
		n = snprintf(buf, len,
		    "t=%" PRIu64 ".%09" PRIu64 " behaviour changed", s, ns);
		break;
	case EV_COMMAND:
		n = snprintf(buf, len,
		    "t=%" PRIu64 ".%09" PRIu64 " command %s arg=%" PRIu32, s,
		    ns, event_command_name(ev->arg), ev->len);
		break;
	default:
		n = snprintf(buf, len, "t=%" PRIu64 ".%09" PRIu64 " unknown", s,
		    ns);
		break;
	}
	return n < 0 ? 0 : (size_t)n;
}
