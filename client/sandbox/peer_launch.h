/*
 * peer_launch.h - start lingerpeer on the peer side of a sandbox and wait
 * for its ready line: what lingerlab-sandbox, the integration tests and the
 * lingerlab runner all do.
 *
 * lingerpeer gets --iface llpeer0 --addr 192.0.2.2 (or the caller's addr)
 * --control fd:3, then the caller's arguments; fd 3 is the caller's control_fd (a listening socket,
 * typically). Its stdout goes into a pipe whose read end the caller gets in
 * out_fd, so the caller decides where its later output goes
 * (peer_launch_pump()). Its stderr is the caller's.
 *
 * Nothing sleeps: the ready line is read with a deadline, and an optional
 * interrupt_fd (a signalfd, say) ends the wait as soon as it is readable.
 */
#ifndef LINGERLAB_PEER_LAUNCH_H
#define LINGERLAB_PEER_LAUNCH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "sandbox.h"

/* How long lingerpeer gets to print its ready line. */
#define PEER_READY_TIMEOUT_MS 10000

/* Room for a reason: what failed and what to do. */
#define PEER_LAUNCH_WHY_LEN 512

/* At most this many caller arguments. */
#define PEER_LAUNCH_MAX_ARGS 64

#define PEER_READY_PREFIX "lingerpeer ready"

struct peer_launch_opts {
	const char *path;	 /* the lingerpeer binary */
	const char *addr;	 /* --addr's value ("2001:db8::2",
					   "192.0.2.2,2001:db8::2"); NULL:
					   SANDBOX_PEER_ADDR */
	const char *const *args; /* NULL-terminated; may be NULL */
	int control_fd;		 /* becomes lingerpeer's fd 3; -1: none */
	bool detach;		 /* stdin /dev/null, own process group */
	int echo_fd;		 /* lines before the ready line; -1: dropped */
	bool echo_ready;	 /* the ready line too */
	int interrupt_fd;	 /* readable: stop waiting; -1: none */
};

struct peer_proc {
	pid_t pid;	      /* 0 once reaped */
	int out_fd;	      /* read end of its stdout; -1 if none */
	char ready_line[256]; /* without the newline */
};

/* $LINGERPEER if set and not empty, else fallback. */
const char *peer_launch_path(const char *fallback);

/*
 * Start lingerpeer in sb's peer side. Returns 0 with out->pid and
 * out->out_fd set, or -1 with why filled and errno set (ENOENT: the binary
 * is not there); nothing is left open or running then.
 */
int peer_launch_start(struct sandbox *sb, const struct peer_launch_opts *o,
    struct peer_proc *out, char *why, size_t whylen);

/*
 * Read lingerpeer's stdout up to its ready line (PEER_READY_TIMEOUT_MS),
 * echoing what comes before it, and whatever was read past it, to
 * o->echo_fd. Returns 0 with p->ready_line set; or -1 with why: it exited
 * (then it is reaped, p->pid is 0 and why gives its status), it printed no
 * ready line in time, or interrupt_fd became readable (then it still runs:
 * the caller stops it). out_fd stays open either way.
 */
int peer_launch_wait_ready(struct peer_proc *p,
    const struct peer_launch_opts *o, char *why, size_t whylen);

/*
 * Copy what one read() of from gives to to. Returns 0 after copying, -1 at
 * end of file or on an error (then stop pumping and close from).
 */
int peer_launch_pump(int from, int to);

/*
 * Wait up to timeout_ms for pid to exit and reap it, leaving it alone if
 * it does not: what to do then is the caller's policy. Returns pid with
 * *status set, 0 if it is still running, -1 on an error (*status as it was).
 */
pid_t peer_reap_within(pid_t pid, int *status, int timeout_ms);

/* "exit status 1", "killed by signal 9 (Killed)": a wait status for people. */
void peer_describe_status(int status, char *buf, size_t len);

/*
 * A listening control socket for lingerpeer (pass it as control_fd) in the
 * abstract namespace of the caller's netns, so no file is ever left behind.
 * tag names the user ("run", "itest"); endpoint gets "unix:@NAME" for the
 * control client. Returns the fd, or -1 with why filled.
 */
int peer_launch_control_listen(const char *tag, char *endpoint, size_t len,
    char *why, size_t whylen);

#endif
