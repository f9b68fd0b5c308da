/*
 * run_capture_reader.c - the capture's reader process (see run_capture.c):
 * from the case's time 0 it reads libpcap as frames come and runs the
 * pipeline, so segments are streamed while the worker blocks in a call;
 * it answers the worker's "sync" (read everything captured until now) and
 * "quit" (one more read, the drop count, the pcap file closed).
 *
 * A process, not a thread: the worker has unshared its PID namespace for
 * the sandbox, and Linux refuses a thread to a process whose children go
 * to another PID namespace (clone(CLONE_THREAD) fails EINVAL). The two
 * share the pipeline's memory (MAP_SHARED) and a process-shared, robust
 * mutex.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fd_close.h"
#include "platform.h"
#include "run_capture.h"
#include "run_capture_int.h"
#include "timeunit.h"

/* How long the worker waits for the reader to catch up (it takes µs). */
#define SYNC_TIMEOUT_NS (200 * NS_PER_MS)

/* How often the reader classifies and streams what it has read. */
#define PUMP_NS (10 * NS_PER_MS)

/* In the reader: keep only what it uses, so nothing else lives on in it. */
static void
close_others(const struct run_capture *c)
{
	const int keep[5] = { pcap_get_selectable_fd(c->p), c->out_fd,
		c->ask[0], c->note[1],
		c->dump != NULL ? fileno(pcap_dump_file(c->dump)) : -1 };

	close_fds_except(3, keep, 5);
}

/* The worker's requests since the last look: true once it said quit. */
static bool
asked_to_quit(int fd)
{
	char b[64];
	ssize_t n, i;
	bool quit = false;

	while ((n = read(fd, b, sizeof(b))) > 0)
		for (i = 0; i < n; i++)
			quit = quit || b[i] == 'q';
	return quit || n == 0; /* EOF: the worker is gone */
}

/*
 * One round, under mu: everything libpcap has now, into raw (cheap, so
 * the kernel's buffer never fills); then, at most every PUMP_NS, or at
 * once when the worker asked for it or we are to quit, the rest of the
 * pipeline: classifying looks at every segment so far, so running it per
 * frame would cost the square of a long send. 1 when raw still waits, 0
 * when not, -1 when the capture failed.
 */
static int
one_round(struct run_capture *c, bool at_once, uint64_t *last)
{
	struct cap_shared *sh = c->sh;
	uint64_t asked = sh->sync_asked, t = plat_now_ns();
	bool answers = asked != sh->sync_done;
	int n;

	if (rcap_read_frames(c) == -1)
		goto failed;
	if (!at_once && !answers && t < *last + PUMP_NS)
		return sh->raw_head < sh->raw_n;
	*last = t;
	if ((n = rcap_pump(c, false, false)) == -1)
		goto failed;
	sh->sync_done = asked;
	if (n != 0 || answers)
		rcap_note(c);
	return sh->raw_head < sh->raw_n && !c->filter_ports;
failed:
	rcap_note(c); /* the worker learns of it at once */
	return -1;
}

/* Until the next pump is due, when raw waits for one; else for ever. */
static int
next_wait(int waiting, uint64_t last)
{
	uint64_t now = plat_now_ns();

	if (waiting != 1)
		return -1;
	return now >= last + PUMP_NS
	    ? 0
	    : (int)((last + PUMP_NS - now) / NS_PER_MS + 1);
}

__attribute__((noreturn)) static void
reader(struct run_capture *c, long parent)
{
	struct cap_shared *sh = c->sh;
	struct pollfd pfd[2] = {
		{ .fd = pcap_get_selectable_fd(c->p), .events = POLLIN },
		{ .fd = c->ask[0], .events = POLLIN },
	};
	struct pcap_stat st;
	uint64_t last = 0;
	bool quit = false;
	int waiting = 0;

	/*
	 * In the sandbox's PID namespace the worker has no pid here
	 * (getppid() is 0); that namespace's init dies with the worker and
	 * takes us along.
	 */
	if (plat_die_with_parent(parent) == -1 && getppid() != 0)
		_exit(1);
	close_others(c);
	while (!quit && waiting != -1) {
		if (poll(pfd, 2, next_wait(waiting, last)) == -1 &&
		    errno != EINTR) {
			rcap_lock(sh);
			(void)rcap_fail(sh, "the capture's reader cannot poll");
			rcap_note(c);
			rcap_unlock(sh);
			break;
		}
		if (pfd[1].revents != 0)
			quit =
			    asked_to_quit(c->ask[0]); /* after one more round */
		rcap_lock(sh);
		waiting = one_round(c, quit, &last);
		rcap_unlock(sh);
	}
	rcap_lock(sh);
	if (pcap_stats(c->p, &st) == 0)
		sh->drops = (uint64_t)st.ps_drop + st.ps_ifdrop;
	rcap_unlock(sh);
	if (c->dump != NULL)
		pcap_dump_close(c->dump);
	_exit(0);
}

void
rcap_close_pipes(struct run_capture *c)
{
	close_pair(c->ask);
	close_pair(c->note);
}

int
rcap_start(struct run_capture *c, uint64_t t0)
{
	long parent = (long)getpid();
	pid_t pid;

	if (c->started)
		return 0; /* one reader per capture, from the first time 0 */
	c->t0 = t0;
	if (pipe2(c->ask, O_CLOEXEC | O_NONBLOCK) == -1 ||
	    pipe2(c->note, O_CLOEXEC | O_NONBLOCK) == -1) {
		close_pair(c->ask);
		return -1;
	}
	/* Nothing buffered may be written twice, by both processes. */
	if (c->dump != NULL)
		(void)pcap_dump_flush(c->dump);
	fflush(NULL);
	if ((pid = fork()) == -1) {
		close_pair(c->ask);
		close_pair(c->note);
		return -1; /* read between steps only, as before */
	}
	if (pid == 0)
		reader(c, parent);
	close(c->ask[0]);
	close(c->note[1]);
	c->ask[0] = c->note[1] = -1;
	c->reader = pid;
	c->started = true;
	return 0;
}

static void
tell(struct run_capture *c, char what)
{
	while (write(c->ask[1], &what, 1) == -1 && errno == EINTR)
		;
}

void
rcap_stop(struct run_capture *c)
{
	if (c == NULL || c->reader == 0)
		return;
	tell(c, 'q');
	while (waitpid(c->reader, NULL, 0) == -1 && errno == EINTR)
		;
	c->reader = 0;
}

/*
 * Wait until the reader has read everything captured until now, and
 * streamed it: so that a call's record never comes before the segments
 * it sent, and the steps see what the capture has, as when they read it
 * themselves. Bounded, in case the reader is stuck: then what it has.
 */
static void
sync_reader(struct run_capture *c)
{
	struct cap_shared *sh = c->sh;
	struct pollfd pfd = { .fd = c->note[0], .events = POLLIN };
	uint64_t gen, deadline = plat_now_ns() + SYNC_TIMEOUT_NS, now;
	char b[64];
	bool done;

	rcap_lock(sh);
	gen = ++sh->sync_asked;
	rcap_unlock(sh);
	tell(c, 's');
	for (;;) {
		rcap_lock(sh);
		while (read(c->note[0], b, sizeof(b)) > 0)
			;
		sh->noted = false;
		done = sh->sync_done >= gen || sh->failed;
		rcap_unlock(sh);
		if (done || (now = plat_now_ns()) >= deadline)
			return;
		(void)poll(&pfd, 1, (int)((deadline - now) / NS_PER_MS + 1));
	}
}

void
rcap_sync(struct run_capture *c)
{
	if (c != NULL && c->reader != 0)
		sync_reader(c);
}
