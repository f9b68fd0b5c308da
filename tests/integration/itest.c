/*
 * itest.c - integration-test helpers (see itest.h).
 *
 * Everything waits for an event with a deadline (a pipe, a pidfd, a capture
 * fd); nothing sleeps a fixed time.
 */
#include "itest.h"
#include "monotime.h"
#include "peer_launch.h"

#include <stdarg.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static struct sandbox the_sandbox;
static bool entered;
static int report_fd = -1;

/*
 * At exit() of the owner: as root this also returns the process to the host
 * namespaces, so that LeakSanitizer's exit-time check can run. That check
 * forks a tracer and reads /proc/PID: it cannot work after a close in a
 * user namespace (no fork possible), nor in a forked child, which lives in
 * the sandbox's PID namespace while /proc shows the host's pids. Those leave
 * without it rather than fail with it.
 */
static void
close_at_exit(int status, void *arg)
{
	bool owner = the_sandbox.owner == getpid();

	(void)arg;
	sandbox_close(&the_sandbox); /* a child's: only its fd copies */
	if (!owner || the_sandbox.mode == SANDBOX_USERNS) {
		fflush(NULL);
		_exit(status);
	}
}

struct sandbox *
itest_enter_sandbox(void)
{
	return itest_enter_sandbox_with(NULL);
}

struct sandbox *
itest_enter_sandbox_with(const struct sandbox_opts *opts)
{
	if (entered)
		return &the_sandbox;
	if (sandbox_open_with(&the_sandbox, opts) == -1) {
		printf("SKIP: cannot build a sandbox: %s\n",
		    the_sandbox.errbuf);
		fflush(NULL);
		_exit(ITEST_EXIT_SKIP);
	}
	entered = true;
	on_exit(close_at_exit, NULL);
	return &the_sandbox;
}

/*
 * Wait for a child to exit, up to timeout_ms; then SIGKILL it: a test never
 * leaves a process behind. Its wait status, or -1 if it was not ours.
 */
static int
reap_within(pid_t pid, int timeout_ms)
{
	int status = -1;

	if (peer_reap_within(pid, &status, timeout_ms) == 0) {
		kill(pid, SIGKILL);
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			;
	}
	return status;
}

/* After a failed start: make sure lingerpeer is gone, and say how it went. */
static void
stop_unready(pid_t pid)
{
	char how[64];
	int status;

	if (pid <= 0)
		return; /* reaped already: its status was in why */
	kill(pid, SIGKILL);
	status = reap_within(pid, ITEST_STOP_TIMEOUT_MS);
	if (status == -1)
		return;
	peer_describe_status(status, how, sizeof(how));
	fprintf(stderr, "itest: lingerpeer was stopped: %s\n", how);
}

/*
 * cat(1) copies lingerpeer's later output to stderr, so that it never blocks
 * on a full pipe. Spawned through the sandbox, it holds none of the test's
 * other descriptors (a socket copy there would keep connections open).
 */
static pid_t
start_forwarder(int out_fd)
{
	struct sandbox_spawn_opts so = SANDBOX_SPAWN_OPTS_INIT;
	char *argv[] = { "cat", NULL };
	pid_t pid;

	so.stdin_fd = out_fd;
	so.stdout_fd = STDERR_FILENO;
	pid = sandbox_spawn(itest_enter_sandbox(), SANDBOX_CLIENT_SIDE, argv,
	    &so);
	if (pid == -1)
		fprintf(stderr,
		    "itest: %s; lingerpeer's later output is "
		    "lost\n",
		    the_sandbox.errbuf);
	return pid;
}

int
itest_start_peer(const char *const extra_args[], struct itest_peer *out)
{
	return itest_start_peer_addr(NULL, extra_args, out);
}

int
itest_start_peer_addr(const char *addr, const char *const extra_args[],
    struct itest_peer *out)
{
	struct peer_launch_opts lo = {
		.path = peer_launch_path(LINGERPEER_PATH),
		.addr = addr,
		.args = extra_args,
		.echo_fd = STDERR_FILENO,
		.interrupt_fd = -1,
	};
	char why[PEER_LAUNCH_WHY_LEN];
	struct peer_proc pp;
	int rc;

	memset(out, 0, sizeof(*out));
	itest_enter_sandbox();
	if ((lo.control_fd = peer_launch_control_listen("itest", out->control,
		 sizeof(out->control), why, sizeof(why))) == -1) {
		fprintf(stderr, "itest: %s\n", why);
		return -1;
	}
	rc = peer_launch_start(&the_sandbox, &lo, &pp, why, sizeof(why));
	/* Only lingerpeer keeps it: ECONNREFUSED means it is gone. */
	close(lo.control_fd);
	if (rc == -1) {
		fprintf(stderr, "itest: %s\n", why);
		return -1;
	}
	if (peer_launch_wait_ready(&pp, &lo, why, sizeof(why)) == -1) {
		fprintf(stderr, "itest: %s\n", why);
		stop_unready(pp.pid);
		close(pp.out_fd);
		return -1;
	}
	out->pid = pp.pid;
	snprintf(out->ready_line, sizeof(out->ready_line), "%s", pp.ready_line);
	out->forwarder = start_forwarder(pp.out_fd);
	close(pp.out_fd);
	return 0;
}

int
itest_stop_peer(struct itest_peer *p)
{
	int status;

	if (p->pid <= 0)
		return -1;
	kill(p->pid, SIGTERM);
	status = reap_within(p->pid, ITEST_STOP_TIMEOUT_MS);
	if (p->forwarder > 0)
		(void)reap_within(p->forwarder, ITEST_STOP_TIMEOUT_MS);
	p->pid = p->forwarder = 0;
	return status;
}

static int
pcap_setup(pcap_t *p, const char *filter, pcap_direction_t dir)
{
	struct bpf_program prog;

	if (pcap_set_immediate_mode(p, 1) != 0 ||
	    pcap_set_snaplen(p, 65535) != 0 || pcap_activate(p) < 0)
		return -1;
	if (pcap_setnonblock(p, 1, pcap_geterr(p)) == -1)
		return -1;
	if (dir != PCAP_D_INOUT && pcap_setdirection(p, dir) == -1)
		return -1;
	if (filter == NULL)
		return 0;
	if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) == -1)
		return -1;
	if (pcap_setfilter(p, &prog) == -1) {
		pcap_freecode(&prog);
		return -1;
	}
	pcap_freecode(&prog);
	return 0;
}

pcap_t *
itest_pcap_open(enum sandbox_side side, const char *filter,
    pcap_direction_t dir)
{
	struct sandbox *sb = itest_enter_sandbox();
	const char *iface = side == SANDBOX_PEER_SIDE ? SANDBOX_PEER_IFACE
						      : SANDBOX_CLIENT_IFACE;
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p;
	int rc;

	/* The packet socket is made at activation, in the current netns. */
	if (side == SANDBOX_PEER_SIDE && sandbox_enter_peer_ns(sb) == -1) {
		fprintf(stderr, "itest: %s\n", sb->errbuf);
		return NULL;
	}
	p = pcap_create(iface, errbuf);
	rc = p == NULL ? -1 : pcap_setup(p, filter, dir);
	if (side == SANDBOX_PEER_SIDE && sandbox_leave_peer_ns(sb) == -1) {
		fprintf(stderr, "itest: %s\n", sb->errbuf);
		abort(); /* the rest of the test would run in netns B */
	}
	if (rc == 0)
		return p;
	fprintf(stderr, "itest: cannot capture on %s (filter %s): %s\n", iface,
	    filter != NULL ? filter : "none",
	    p != NULL ? pcap_geterr(p) : errbuf);
	if (p != NULL)
		pcap_close(p);
	return NULL;
}

pcap_t *
itest_pcap_open_client(const char *filter, pcap_direction_t dir)
{
	return itest_pcap_open(SANDBOX_CLIENT_SIDE, filter, dir);
}

int
itest_pcap_next(pcap_t *p, int timeout_ms, struct pcap_pkthdr **hdr,
    const unsigned char **data)
{
	struct pollfd pfd = { .fd = pcap_get_selectable_fd(p),
		.events = POLLIN };
	int64_t deadline = monotime_ms() + timeout_ms;
	int rc;

	for (;;) {
		rc = pcap_next_ex(p, hdr, data);
		if (rc != 0)
			return rc == 1 ? 1 : -1;
		if (monotime_ms() >= deadline)
			return 0;
		if (poll(&pfd, 1, (int)(deadline - monotime_ms())) == -1 &&
		    errno != EINTR)
			return -1;
	}
}

void
itest_set_report_fd(int fd)
{
	report_fd = fd;
}

void
itest_child_exit(int code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (report_fd >= 0 && write(report_fd, msg, strlen(msg)) < 0)
		_exit(2);
	_exit(code);
}

void
itest_become_nobody(void)
{
	struct passwd *pw = getpwnam("nobody");

	if (geteuid() != 0)
		itest_child_exit(ITEST_EXIT_SKIP,
		    "already unprivileged: "
		    "nothing to drop");
	if (pw == NULL)
		itest_child_exit(ITEST_EXIT_SKIP, "no user nobody here");
	if (setgroups(0, NULL) == -1 ||
	    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) == -1 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1)
		itest_child_exit(1, "cannot become nobody: %s",
		    strerror(errno));
	/* A uid change makes us undumpable, and /proc/self/uid_map root's. */
	if (prctl(PR_SET_DUMPABLE, 1) == -1)
		itest_child_exit(1, "PR_SET_DUMPABLE: %s", strerror(errno));
}

size_t
itest_read_fd(int fd, void *buf, size_t len, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int64_t deadline = monotime_ms() + timeout_ms;
	size_t have = 0;
	ssize_t n;

	while (have < len && monotime_ms() < deadline) {
		if (poll(&p, 1, (int)(deadline - monotime_ms())) <= 0)
			continue;
		if ((n = read(fd, (char *)buf + have, len - have)) <= 0)
			break;
		have += (size_t)n;
	}
	return have;
}

void
itest_run_in_child(void (*fn)(void), bool as_nobody)
{
	char msg[512];
	int p[2], status;
	pid_t pid, r;

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	fflush(NULL); /* or the child's exit() would print it again */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		report_fd = p[1];
		if (as_nobody)
			itest_become_nobody();
		fn();
		exit(0); /* closes the sandbox, runs leak checks */
	}
	close(p[1]);
	msg[itest_read_fd(p[0], msg, sizeof(msg) - 1, ITEST_CHILD_TIMEOUT_MS)] =
	    '\0';
	close(p[0]);
	if ((r = waitpid(pid, &status, WNOHANG)) == 0) {
		kill(pid, SIGKILL); /* past the deadline */
		r = waitpid(pid, &status, 0);
	}
	assert_int_equal(r, pid);
	/* If we are a child subreaper, take in what the child left. */
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == ITEST_EXIT_SKIP) {
		print_message("SKIP: %s\n", msg);
		skip();
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("child failed (status %#x): %s", status, msg);
}

int
itest_connect_nonblock(const char *addr, uint16_t port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
		.sin_port = htons(port) };
	int fd, e;

	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		errno = EINVAL;
		return -1;
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 ||
	    errno == EINPROGRESS)
		return fd;
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

int
itest_read_sysctl(const char *rel)
{
	char path[128], buf[16] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sys/net/%s", rel);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	if (fgets(buf, sizeof(buf), f) == NULL)
		buf[0] = '\0';
	fclose(f);
	return buf[0] != '\0' ? atoi(buf) : -1;
}

ino_t
itest_ns_ino(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_ino : 0;
}

/* Whether a sandbox can be built here at all: try, in a throwaway child. */
static void
skip_all_unless_possible(void)
{
	struct sandbox sb;
	int status;
	pid_t pid;

	if ((pid = fork()) == 0)
		_exit(sandbox_open(&sb) == 0 ? 0
					     : (printf("SKIP: cannot build "
						       "a sandbox: %s\n",
						    sb.errbuf),
						   ITEST_EXIT_SKIP));
	if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	    WEXITSTATUS(status) == ITEST_EXIT_SKIP)
		exit(ITEST_EXIT_SKIP);
}

void
itest_child_runner_init(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1)
		perror("PR_SET_CHILD_SUBREAPER");
	skip_all_unless_possible();
}

void
itest_run_case(void **state)
{
	const struct itest_case *c = *state;

	itest_run_in_child(c->fn, c->as_nobody);
}
