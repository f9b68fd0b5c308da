/*
 * control_exec.h - lingerpeer's control protocol, the executing half.
 *
 * control_exec() runs one parsed command against a struct peer and writes
 * the reply: zero or more data lines, then exactly one status line ("ok ..."
 * or "err CODE: ..."). Time comes in as an argument and output goes to a
 * memory buffer, so this is as pure as the peer itself: the control server
 * adds the sockets, the unit tests call it directly.
 *
 * A wait that does not hold at once becomes a struct control_wait that the
 * caller keeps and re-checks with control_wait_check() whenever the peer may
 * have changed (after packets, timers or other commands) and at its deadline.
 */
#ifndef LINGERLAB_CONTROL_EXEC_H
#define LINGERLAB_CONTROL_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "control_proto.h"
#include "tcp_peer.h"

#ifndef LINGERLAB_VERSION
#define LINGERLAB_VERSION "0.1.0"
#endif

#define CONTROL_REPLY_MAX  (1024u * 1024u) /* data bytes in one reply */
#define CONTROL_STATUS_MAX 1024u	   /* bytes in one status line */

/*
 * A growable byte buffer with a soft limit. Data lines that would pass the
 * limit are refused (and counted) so one reply cannot eat the memory; the
 * status line is always accepted, so every reply ends properly. failed is
 * set when memory ran out: the output is then incomplete and the caller
 * should drop the client rather than send a reply without its status line.
 */
struct control_out {
	char *buf;
	size_t len;
	size_t cap;
	size_t limit;
	size_t refused; /* data lines that did not fit */
	bool failed;
};

void control_out_init(struct control_out *o, size_t limit);
void control_out_free(struct control_out *o);
void control_out_reset(struct control_out *o);
/* Append raw bytes regardless of the limit (for a queue); -1 if out of memory. */
int control_out_append(struct control_out *o, const char *data, size_t len);
/* Remove n bytes from the front (sent to the client). */
void control_out_consume(struct control_out *o, size_t n);
/* One data line; the newline is added. -1 if it did not fit. */
int control_out_data(struct control_out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The status line; the newline is added. Longer than CONTROL_STATUS_MAX: cut. */
void control_out_status(struct control_out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* What the executor needs besides the peer, for stats. */
struct control_env {
	struct peer *peer;
	uint32_t clients; /* control clients connected now */
	uint32_t max_clients;
};

struct control_wait {
	struct control_conn conn; /* CCONN_ID, CCONN_ADDR or CCONN_NEW */
	bool resolved;		  /* a connection has been found */
	bool gone;		  /* it was found, then left the table */
	uint32_t id;
	struct conn_info info;	  /* its latest values (kept when gone) */
	uint32_t max_id_at_start; /* CCONN_NEW: ids up to this are not new */
	bool scanned;		  /* the table was searched once */
	uint64_t opened_seen;	  /* peer_stats.conns_opened at that search */
	uint64_t ev_start;	  /* event number when the wait began */
	uint64_t ev_next;	  /* events before this were looked at */
	uint32_t states_seen;	  /* bit per state entered since ev_start */
	uint64_t start_ns;
	uint64_t deadline_ns;
	size_t ncond;
	struct control_cond cond[CONTROL_CONDS_MAX];
};

enum control_result {
	CONTROL_DONE = 0, /* the reply is complete */
	CONTROL_PENDING,  /* a wait: keep *wait, re-check it later */
	CONTROL_QUIT,	  /* the reply is complete; close the client after it */
};

enum control_result control_exec(const struct control_env *env,
    const struct control_cmd *cmd, uint64_t now_ns, struct control_out *out,
    struct control_wait *wait);

/* DONE with the reply written (conditions hold, or timed out), or PENDING. */
enum control_result control_wait_check(struct peer *p, struct control_wait *w,
    uint64_t now_ns, struct control_out *out);

/* Write the reply for a parse error (a status line). */
void control_reply_error(struct control_out *out,
    const struct control_error *err);

/* Parse and execute one line: what the server does for each line. */
enum control_result control_exec_line(const struct control_env *env,
    const char *line, size_t len, uint64_t now_ns, struct control_out *out,
    struct control_wait *wait);

#endif
