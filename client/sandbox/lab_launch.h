/*
 * lab_launch.h - a lab in a sandbox (sandbox.h, "The lab"): lingerpeer on
 * its side B with its control channel on the control network, and
 * lingerlab-agent on side A, the system under test, each with a token of
 * its own, so that a runner started on side C reaches both over TCP
 * exactly as it would across a lab's network (docs/lab.md). What
 * lingerlab-sandbox --lab and the lab's tests build.
 */
#ifndef LINGERLAB_LAB_LAUNCH_H
#define LINGERLAB_LAB_LAUNCH_H

#include <limits.h>
#include <stddef.h>

#include "agent_launch.h"
#include "peer_launch.h"
#include "sandbox.h"

#define LAB_AGENT_PORT	      "7900"
#define LAB_PEER_CONTROL_PORT "7999"
#define LAB_AGENT_ENDPOINT    SANDBOX_LAB_SUT_ADDR ":" LAB_AGENT_PORT
#define LAB_PEER_CONTROL      SANDBOX_LAB_PEER_CTL_ADDR ":" LAB_PEER_CONTROL_PORT

struct lab {
	char agent_token[PATH_MAX]; /* DIR/agent.token */
	char peer_token[PATH_MAX];  /* DIR/peer.token */
	struct agent_proc agent;
	struct peer_proc peer;
	bool ipv6; /* lingerpeer owns SANDBOX_PEER_ADDR6 too */
};

/*
 * Two fresh random tokens, DIR/agent.token and DIR/peer.token, each
 * readable by its owner only. 0, or -1 with why.
 */
int lab_write_tokens(struct lab *l, const char *dir, char *why, size_t whylen);

/*
 * lingerpeer on side B: --control LAB_PEER_CONTROL --control-token, then
 * args (NULL-terminated; may be NULL), and wait for its ready line
 * (echoed to echo_fd with what it says before). 0, or -1 with why.
 */
int lab_start_peer(struct lab *l, struct sandbox *sb, const char *path,
    const char *const *args, int echo_fd, char *why, size_t whylen);

/*
 * The agent on side A: prefix (the program and its first arguments;
 * NULL: lingerlab-agent beside this program), then --listen
 * LAB_AGENT_ENDPOINT --token-file, and wait for its ready line. 0, or -1
 * with why.
 */
int lab_start_agent(struct lab *l, struct sandbox *sb,
    const char *const *prefix, int echo_fd, char *why, size_t whylen);

/*
 * What a command on side C is told, in its environment:
 * LINGERLAB_AGENT, LINGERLAB_AGENT_TOKEN, LINGERPEER_CONTROL,
 * LINGERPEER_TOKEN, LINGERPEER_ADDR and LINGERLAB_CLIENT_ADDR (the system
 * under test's address on the test link). 0, or -1 with errno.
 */
int lab_export(const struct lab *l);

#endif
