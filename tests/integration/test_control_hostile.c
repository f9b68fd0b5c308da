/*
 * test_control_hostile.c - lingerpeer's control channel against clients
 * that misbehave: garbage, lines past 64 KiB, half-sent commands, clients
 * that never read their replies, 200 clients at once, clients that vanish
 * mid-command. Each gets an error or is dropped, the peer stays up, and the
 * packet path never waits on the channel: a TCP handshake through the peer
 * completes promptly while a control client is stalled.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "control_client.h"
#include "itest.h"
#include "monotime.h"

#define PORT		 7000
#define MANY		 200
/*
 * A TCP handshake through the peer on an idle sandbox takes well under a
 * millisecond; a peer blocked on a control client would take until that
 * client gave way (never). 500 ms leaves room for two loaded cores.
 */
#define HANDSHAKE_MAX_MS 500
#define REPLY_MAX_MS	 500

static struct itest_peer peer;
static struct control_client *obs; /* a well-behaved observer */

static int
setup(void **state)
{
	const char *const args[] = { "--port", "7000", NULL };
	char err[256];

	(void)state;
	if (itest_start_peer(args, &peer) != 0)
		return -1;
	if ((obs = control_client_open(peer.control, 5000, err, sizeof(err))) ==
	    NULL) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	int st;

	(void)state;
	control_client_close(obs);
	obs = NULL;
	st = itest_stop_peer(&peer);
	/* Stopped by our SIGTERM and nothing else: it never crashed. */
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	return 0;
}

/*
 * A raw connection to the control socket, non-blocking once connected. The
 * connect itself blocks (5 s at most): with many clients at once the
 * listen backlog fills faster than the peer accepts, and a blocking
 * connect waits its turn where a non-blocking one would fail.
 */
static int
raw_connect(void)
{
	struct timeval tv = { .tv_sec = 5 };
	struct control_endpoint ep;
	char err[256];
	int fd;

	assert_int_equal(control_endpoint_parse(peer.control, &ep, err,
			     sizeof(err)),
	    0);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv,
			     sizeof(tv)),
	    0);
	if (connect(fd, (struct sockaddr *)&ep.addr, ep.addrlen) != 0)
		fail_msg("connect to %s: %s", peer.control, strerror(errno));
	assert_int_equal(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
	return fd;
}

static void
send_all(int fd, const void *buf, size_t len)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = send(fd, (const char *)buf + done, len - done,
		    MSG_NOSIGNAL);
		if (n > 0)
			done += (size_t)n;
		else if (n < 0 && errno == EAGAIN)
			assert_true(poll(&p, 1, 5000) == 1);
		else
			fail_msg("send: %s", strerror(errno));
	}
}

/* Read until the text holds want or timeout; returns what came. */
static size_t
read_until(int fd, char *buf, size_t cap, const char *want, int timeout_ms)
{
	int64_t deadline = monotime_ms() + timeout_ms;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t have = 0;
	ssize_t n;

	buf[0] = '\0';
	while (have + 1 < cap && strstr(buf, want) == NULL &&
	    monotime_ms() < deadline) {
		if (poll(&p, 1, (int)(deadline - monotime_ms())) <= 0)
			continue;
		if ((n = recv(fd, buf + have, cap - 1 - have, 0)) <= 0)
			break;
		have += (size_t)n;
		buf[have] = '\0';
	}
	return have;
}

/* The observer is answered promptly, and the peer is alive. */
static void
peer_answers(void)
{
	struct control_reply r;
	uint64_t t0 = monotime_ms();
	char err[256];

	assert_int_equal(control_request(obs, "version", 5000, &r, err,
			     sizeof(err)),
	    0);
	assert_true(r.ok);
	control_reply_free(&r);
	assert_true(monotime_ms() - t0 < REPLY_MAX_MS);
}

/* A kernel connection through the peer completes its handshake in time. */
static int64_t
handshake_ms(void)
{
	struct pollfd p;
	int64_t t0 = monotime_ms(), ms;
	int fd, soerr = 0;
	socklen_t len = sizeof(soerr);

	assert_true(
	    (fd = itest_connect_nonblock(SANDBOX_PEER_ADDR, PORT)) >= 0);
	p = (struct pollfd){ .fd = fd, .events = POLLOUT };
	assert_int_equal(poll(&p, 1, 5000), 1);
	assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len), 0);
	assert_int_equal(soerr, 0);
	ms = monotime_ms() - t0;
	close(fd);
	return ms;
}

static uint64_t
control_clients(void)
{
	struct control_reply r;
	char err[256];
	uint64_t v = 0;

	assert_int_equal(control_request(obs, "stats", 5000, &r, err,
			     sizeof(err)),
	    0);
	assert_true(r.ok && r.nlines == 1);
	assert_int_equal(control_field_u64(r.lines[0], "control-clients", &v),
	    0);
	control_reply_free(&r);
	return v;
}

/* Wait until only the observer is left: the others were dropped. */
static void
only_observer_left(void)
{
	int64_t deadline = monotime_ms() + 5000;

	while (control_clients() != 1 && monotime_ms() < deadline)
		poll(NULL, 0, 10); /* the peer reaps at its next round */
	assert_int_equal(control_clients(), 1);
}

static void
test_garbage(void **state)
{
	static const char junk[] =
	    "\x01\x02\xff\xfe\n\x00\x00 nul\nfrobnicate now\n"
	    "list port=banana\nwait\n\r\n   \n\x7f\x80\x81\nversion\n";
	char buf[8192];
	int fd = raw_connect();

	(void)state;
	send_all(fd, junk, sizeof(junk) - 1);
	read_until(fd, buf, sizeof(buf), "version lingerpeer=", 5000);
	assert_non_null(strstr(buf, "err bad-char"));
	assert_non_null(strstr(buf, "err unknown-command"));
	assert_non_null(strstr(buf, "err bad-argument"));
	assert_non_null(strstr(buf, "version lingerpeer="));
	close(fd);
	peer_answers();
}

static void
test_overlong_line(void **state)
{
	static char big[100 * 1024];
	char buf[4096];
	int fd = raw_connect();

	(void)state;
	memset(big, 'x', sizeof(big));
	send_all(fd, "stats ", 6);
	send_all(fd, big, sizeof(big)); /* 100 KiB, no newline yet */
	read_until(fd, buf, sizeof(buf), "err line-too-long", 5000);
	assert_non_null(strstr(buf, "err line-too-long"));
	peer_answers(); /* the peer did not wait for the newline */
	send_all(fd, big, sizeof(big));
	send_all(fd, "\nversion\n", 9);
	read_until(fd, buf, sizeof(buf), "\nok", 5000);
	assert_non_null(strstr(buf, "version lingerpeer="));
	assert_null(strstr(buf, "stat ")); /* the long line was never run */
	close(fd);
}

static void
test_half_sent(void **state)
{
	int held = raw_connect(), gone = raw_connect();

	(void)state;
	send_all(held, "wait new state=ESTAB", 20); /* and nothing more, ever */
	send_all(gone, "events al", 9);
	close(gone);
	peer_answers();
	assert_true(handshake_ms() < HANDSHAKE_MAX_MS);
	close(held);
	only_observer_left();
}

/*
 * A client sends commands with large replies and never reads them: the
 * peer queues up to its limit, then drops it; meanwhile everyone else is
 * served and packets flow.
 */
static void
test_slow_reader(void **state)
{
	char cmds[64 * 16], buf[256];
	int fd = raw_connect(), i;
	int64_t worst = 0, ms, deadline;
	ssize_t n;
	bool dropped = false;

	(void)state;
	for (i = 0; i < 64; i++)
		memcpy(cmds + i * 16, "help behaviours\n", 16);
	deadline = monotime_ms() + 30000;
	/* Keep asking until the peer gives up on us (it stops reading, then drops). */
	while (!dropped && monotime_ms() < deadline) {
		n = send(fd, cmds, sizeof(cmds), MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno != EAGAIN)
			dropped = true; /* EPIPE: the peer closed us */
		if ((ms = handshake_ms()) > worst)
			worst = ms;
		peer_answers();
		if (n < 0 && errno == EAGAIN) {
			/* Our send buffer is full too; see whether the peer closed. */
			struct pollfd p = { .fd = fd, .events = POLLRDHUP };
			dropped = poll(&p, 1, 10) == 1 &&
			    (p.revents & (POLLRDHUP | POLLHUP));
		}
	}
	printf("slow reader: dropped=%d, slowest handshake meanwhile %" PRId64
	       " ms\n",
	    dropped, worst);
	assert_true(dropped);
	assert_true(worst < HANDSHAKE_MAX_MS);
	/* What the peer had sent before dropping it is readable, then the end. */
	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		;
	close(fd);
	only_observer_left();
}

/* A pending wait and a stalled client do not hold the packets up either. */
static void
test_stalled_wait(void **state)
{
	int fd = raw_connect();
	char buf[512];
	ssize_t n;

	(void)state;
	send_all(fd, "wait 192.0.2.1:1 timeout=60min\nlist\nlist\n", 41);
	assert_true(handshake_ms() < HANDSHAKE_MAX_MS);
	assert_true(handshake_ms() < HANDSHAKE_MAX_MS);
	peer_answers();
	n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	buf[n > 0 ? n : 0] = '\0';
	if (n >= 0)
		fail_msg("the waiting client got a reply: %s",
		    buf); /* still waiting */
	close(fd);
	only_observer_left();
}

static void
test_many_clients(void **state)
{
	static int fds[MANY];
	char buf[512];
	int i, ok = 0, busy = 0, other = 0;

	(void)state;
	for (i = 0; i < MANY; i++)
		fds[i] = raw_connect();
	/* Those past the limit may have been told "busy" and closed already. */
	for (i = 0; i < MANY; i++)
		if (send(fds[i], "version\n", 8, MSG_NOSIGNAL) != 8)
			assert_true(errno == EPIPE || errno == ECONNRESET);
	for (i = 0; i < MANY; i++) {
		read_until(fds[i], buf, sizeof(buf), "\n", 5000);
		if (strncmp(buf, "version lingerpeer=", 19) == 0)
			ok++;
		else if (strncmp(buf, "err busy", 8) == 0)
			busy++;
		else
			other++;
	}
	printf("many clients: %d answered, %d told busy, %d other\n", ok, busy,
	    other);
	assert_int_equal(other, 0);
	assert_int_equal(ok + busy, MANY);
	assert_true(ok >= 1);
	assert_true(handshake_ms() < HANDSHAKE_MAX_MS);
	for (i = 0; i < MANY; i++)
		close(fds[i]);
	only_observer_left();
	peer_answers();
}

static void
test_vanish_mid_command(void **state)
{
	char buf[256];
	int i, fd;

	(void)state;
	for (i = 0; i < 50; i++) {
		fd = raw_connect();
		switch (i % 3) {
		case 0: send_all(fd, "wait new timeout=30s\n", 21); break;
		case 1:
			send_all(fd, "events all limit=100000\nhelp\nlist\n",
			    34);
			break;
		default:
			send_all(fd, "listen 7001 swallow-fin\nstats", 29);
			break;
		}
		if (i %
		    2) /* a reset rather than a close: unread data on our side */
			shutdown(fd, SHUT_RDWR);
		close(fd);
	}
	/*
	 * Until the peer has accepted them, the vanished clients are not
	 * counted, and "only the observer" would hold at once. A marker
	 * connected after them is accepted after them (the listen queue is
	 * first in, first out): once it is answered (a reply or "busy"), all
	 * 50 have been seen, and the count must come back to 1.
	 */
	fd = raw_connect();
	send_all(fd, "version\n", 8);
	assert_true(read_until(fd, buf, sizeof(buf), "\n", 5000) > 0);
	close(fd);
	only_observer_left();
	peer_answers();
	assert_true(handshake_ms() < HANDSHAKE_MAX_MS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_garbage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overlong_line, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_half_sent, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_slow_reader, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_stalled_wait, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_many_clients, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_vanish_mid_command, setup,
		    teardown),
	};

	setvbuf(stdout, NULL, _IONBF, 0);
	itest_enter_sandbox();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
