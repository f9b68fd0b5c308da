/*
 * agent_client_int.h - inside the runner's end of lingerlab-agent: the
 * connection, and one request with its reply, which agent_client.c
 * implements and agent_client_calls.c uses for each call.
 */
#ifndef LINGERLAB_AGENT_CLIENT_INT_H
#define LINGERLAB_AGENT_CLIENT_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "agent_proto.h"

/* How long a question's reply may take. */
#define AGENT_QUESTION_MS 10000

struct agent_client {
	int fd;
	bool lost;
	int step_ms;	    /* a step's reply: negative, no limit */
	uint64_t signal_ns; /* signal= of the last call's reply */
	char err[512];
	struct agent_lines lines;
};

/*
 * Send r and read its reply into *rep within timeout_ms (negative: no
 * limit). 0 with *rep, ok or err; or -1 with the agent lost.
 */
int agent_client_request(struct agent_client *ac, const struct agent_req *r,
    int timeout_ms, struct agent_reply *rep);

/* The same, but an err reply is -1 too (not lost; ac->err says what). */
int agent_client_ask(struct agent_client *ac, const struct agent_req *r,
    int timeout_ms, struct agent_reply *rep);

#endif
