/*
 * agent_launch.h - start lingerlab-agent on a side of a sandbox (the lab's
 * system under test, sandbox.h) and wait for its ready line, as
 * peer_launch.h does for lingerpeer: what lingerlab-sandbox --lab and the
 * lab's tests do.
 *
 * The program is the caller's whole command line, so that another build
 * of the agent speaking the same protocol takes its place: a Windows one
 * under Wine is `wine lingerlab-agent.exe --listen ...`. It must print the
 * agent's ready line, "lingerlab-agent ready listen=...", on its standard
 * output.
 */
#ifndef LINGERLAB_AGENT_LAUNCH_H
#define LINGERLAB_AGENT_LAUNCH_H

#include <stddef.h>
#include <sys/types.h>

#include "sandbox.h"

#define AGENT_READY_PREFIX "lingerlab-agent ready"

/* How long it gets to print the ready line: Wine's first start is slow. */
#define AGENT_READY_TIMEOUT_MS 60000

struct agent_proc {
	pid_t pid;	      /* 0 once reaped */
	int out_fd;	      /* read end of its stdout; -1 if none */
	char ready_line[256]; /* without the newline */
};

/*
 * Start argv on side (stdin /dev/null, its own process group, stderr the
 * caller's) and read its stdout up to the ready line, echoing what comes
 * before it to echo_fd (-1: dropped). Returns 0 with *out filled (the
 * caller reads or closes out_fd), or -1 with why: not started, it exited
 * (reaped; why gives its status) or no ready line in time (killed, reaped).
 */
int agent_launch(struct sandbox *sb, enum sandbox_side side, char *const argv[],
    int echo_fd, struct agent_proc *out, char *why, size_t whylen);

#endif
