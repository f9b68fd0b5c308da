/*
 * platform_posix_watch.c - the watcher of platform_net.h on POSIX: one
 * thread, made at start, that polls the runner's connection while a step
 * that may block runs in the main thread, and shuts the step's socket
 * down if the runner goes away, so that a recv() on a silent connection
 * or a send() to a peer that stopped reading returns instead of holding
 * the agent (and every later runner) for ever.
 *
 * The thread blocks every signal: SIGALRM of `signal after` must reach the
 * main thread, whose call it is meant to interrupt. It never touches the
 * agent's table of sockets; it is given the one socket of the step.
 *
 * A runner speaks only after its reply, so bytes from it during a step
 * are its next request sent early (or its last before it closed): they
 * are left for the main thread. Linux's POLLRDHUP still shows the close
 * behind them; elsewhere the close is seen when the step ends. SIGINT and
 * SIGTERM (the stop pipe of platform_posix_net.c) end the step too.
 */
#include "platform_net.h"
#include "platform_posix_int.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef POLLRDHUP
#define POLLRDHUP 0
#endif

enum wstate { W_IDLE, W_WATCHING };

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static enum wstate state = W_IDLE;
static int w_conn = -1;
static plat_sock w_sock = PLAT_SOCK_NONE;
static bool w_sending;
static bool w_gone;
static int wake[2] = { -1, -1 }; /* the main thread: "the step is over" */
static int stop_fd = -1;	 /* readable: the agent must stop */
static bool started;

/* Whether the runner is gone, by what poll() said of its connection. */
static bool
runner_gone(int conn, short revents)
{
	char c;
	ssize_t n;

	if (revents & (POLLHUP | POLLERR | POLLNVAL | POLLRDHUP))
		return true;
	n = recv(conn, &c, 1, MSG_PEEK | MSG_DONTWAIT);
	return n == 0 ||
	    (n == -1 && errno != EAGAIN && errno != EWOULDBLOCK &&
		errno != EINTR);
}

/*
 * End the call blocked on sock, sending nothing if we can: the session's
 * reset follows, and a FIN now could bring the peer's FIN back before it,
 * leaving the connection in TIME_WAIT. SHUT_RD ends a recv, an accept and
 * a connect (Linux disconnects a listener or a SYN_SENT socket) and sends
 * nothing. Only the writing half ends a send: Linux's disconnect
 * (connect() to AF_UNSPEC) does so with a RST; elsewhere, or where it is
 * refused, shutdown(SHUT_RDWR) does with a FIN.
 */
static void
end_step(plat_sock sock, bool sending)
{
#ifdef __linux__
	struct sockaddr sa;
#endif

	if (sock == PLAT_SOCK_NONE)
		return;
	if (!sending) {
		(void)shutdown((int)sock, SHUT_RD);
		return;
	}
#ifdef __linux__
	memset(&sa, 0, sizeof(sa));
	sa.sa_family = AF_UNSPEC;
	if (connect((int)sock, &sa, sizeof(sa)) == 0)
		return;
#endif
	(void)shutdown((int)sock, SHUT_RDWR);
}

/* One step: until the main thread says it is over. */
static void
watch(int conn, plat_sock sock, bool sending)
{
	/* A negative descriptor is one poll() no longer looks at. */
	struct pollfd p[3] = {
		{ .fd = wake[0], .events = POLLIN },
		{ .fd = conn, .events = POLLIN | POLLRDHUP },
		{ .fd = stop_fd, .events = POLLIN },
	};
	bool gone;
	char buf[16];

	for (;;) {
		if (poll(p, 3, -1) == -1) {
			if (errno == EINTR)
				continue;
			return; /* then the step ends unwatched */
		}
		if (p[0].revents != 0) {
			while (read(wake[0], buf, sizeof(buf)) > 0)
				;
			return;
		}
		gone = p[2].revents != 0 ||
		    (p[1].revents != 0 && runner_gone(conn, p[1].revents));
		/*
		 * Bytes for later (the runner's next line): from now on only
		 * its close, where poll() can tell it apart (POLLRDHUP).
		 */
		if (p[1].revents != 0 && POLLRDHUP != 0)
			p[1].events = POLLRDHUP;
		else if (p[1].revents != 0)
			p[1].fd = -1;
		if (!gone)
			continue;
		end_step(sock, sending);
		pthread_mutex_lock(&mu);
		w_gone = true;
		pthread_mutex_unlock(&mu);
		p[1].fd = p[2].fd = -1; /* done: wait for the step's end */
	}
}

static void *
watcher(void *arg)
{
	int conn;
	plat_sock sock;
	bool sending;

	(void)arg;
	for (;;) {
		pthread_mutex_lock(&mu);
		while (state != W_WATCHING)
			pthread_cond_wait(&cv, &mu);
		conn = w_conn;
		sock = w_sock;
		sending = w_sending;
		pthread_mutex_unlock(&mu);
		watch(conn, sock, sending);
		pthread_mutex_lock(&mu);
		state = W_IDLE;
		pthread_cond_broadcast(&cv);
		pthread_mutex_unlock(&mu);
	}
	return NULL;
}

static int
nonblock_cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl == -1 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1)
		return -1;
	return fcntl(fd, F_SETFD, FD_CLOEXEC);
}

int
plat_posix_watch_init(int stop, char *err, size_t errlen)
{
	sigset_t all, old;
	pthread_t th;
	int rc;

	stop_fd = stop;
	if (pipe(wake) == -1 || nonblock_cloexec(wake[0]) == -1 ||
	    nonblock_cloexec(wake[1]) == -1) {
		snprintf(err, errlen, "cannot make a pipe: %s",
		    strerror(errno));
		return -1;
	}
	/* The thread inherits the mask: every signal is the main thread's. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&th, NULL, watcher, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		snprintf(err, errlen, "cannot start the watcher thread: %s",
		    strerror(rc));
		return -1;
	}
	pthread_detach(th);
	started = true;
	return 0;
}

void
plat_net_watch_begin(plat_conn session, plat_sock sock, bool sending)
{
	if (!started)
		return;
	pthread_mutex_lock(&mu);
	w_conn = (int)session;
	w_sock = sock;
	w_sending = sending;
	w_gone = false;
	state = W_WATCHING;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}

bool
plat_net_watch_end(void)
{
	char c = 1;
	bool gone;

	if (!started)
		return false;
	/* One byte per step; the watcher reads it before it idles again. */
	if (write(wake[1], &c, 1) == -1 && errno != EAGAIN)
		return false;
	pthread_mutex_lock(&mu);
	while (state == W_WATCHING)
		pthread_cond_wait(&cv, &mu);
	gone = w_gone;
	pthread_mutex_unlock(&mu);
	return gone;
}
