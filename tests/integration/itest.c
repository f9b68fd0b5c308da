/*
 * itest.c - integration-test helpers (see itest.h).
 *
 * Everything waits for an event with a deadline (a pipe, a pidfd, a capture
 * fd); nothing sleeps a fixed time.
 */
#include "itest.h"

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
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define READY_PREFIX "lingerpeer ready"
#define MAX_PEER_ARGS 64

static struct sandbox the_sandbox;
static bool entered;
static int report_fd = -1;

long
itest_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

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
	sandbox_close(&the_sandbox);	/* a child's: only its fd copies */
	if (!owner || the_sandbox.mode == SANDBOX_USERNS) {
		fflush(NULL);
		_exit(status);
	}
}

struct sandbox *
itest_enter_sandbox(void)
{
	if (entered)
		return &the_sandbox;
	if (sandbox_open(&the_sandbox) == -1) {
		printf("SKIP: cannot build a sandbox: %s\n",
		    the_sandbox.errbuf);
		fflush(NULL);
		_exit(ITEST_EXIT_SKIP);
	}
	entered = true;
	on_exit(close_at_exit, NULL);
	return &the_sandbox;
}

static void
write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

/* A listening socket in the abstract namespace of netns A: no file to clean. */
static int
listen_abstract(struct itest_peer *out)
{
	static unsigned int counter;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	socklen_t len;
	int fd, n;

	n = snprintf(sa.sun_path + 1, sizeof(sa.sun_path) - 1,
	    "lingerlab-itest-%d-%u", (int)getpid(), ++counter);
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
	    (size_t)n);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1 || bind(fd, (struct sockaddr *)&sa, len) == -1 ||
	    listen(fd, 16) == -1) {
		fprintf(stderr, "itest: control socket @%s: %s\n",
		    sa.sun_path + 1, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	snprintf(out->control, sizeof(out->control), "unix:@%s",
	    sa.sun_path + 1);
	return fd;
}

static pid_t
spawn_peer(const char *const extra_args[], int ctl_fd, int out_fd)
{
	struct sandbox_spawn_opts so = SANDBOX_SPAWN_OPTS_INIT;
	const char *path = getenv("LINGERPEER");
	char *argv[MAX_PEER_ARGS + 8];
	size_t n = 0, i;
	pid_t pid;

	argv[n++] = (char *)(path != NULL && *path != '\0' ? path :
	    LINGERPEER_PATH);
	argv[n++] = "--iface";
	argv[n++] = SANDBOX_PEER_IFACE;
	argv[n++] = "--addr";
	argv[n++] = SANDBOX_PEER_ADDR;
	argv[n++] = "--control";
	argv[n++] = "fd:3";
	for (i = 0; extra_args != NULL && extra_args[i] != NULL; i++) {
		if (i == MAX_PEER_ARGS) {
			fprintf(stderr, "itest: more than %d peer arguments\n",
			    MAX_PEER_ARGS);
			return -1;
		}
		argv[n++] = (char *)extra_args[i];
	}
	argv[n] = NULL;
	so.stdout_fd = out_fd;
	so.extra_fd = ctl_fd;
	pid = sandbox_spawn(itest_enter_sandbox(), SANDBOX_PEER_SIDE, argv,
	    &so);
	if (pid == -1)
		fprintf(stderr, "itest: %s\n", the_sandbox.errbuf);
	return pid;
}

/* Wait for a child to exit, up to timeout_ms; then SIGKILL it. */
static int
reap_within(pid_t pid, int timeout_ms)
{
	struct pollfd pfd = { .fd = pidfd_open(pid, 0), .events = POLLIN };
	long deadline = itest_now_ms() + timeout_ms;
	int status = -1;

	while (pfd.fd >= 0 && itest_now_ms() < deadline &&
	    poll(&pfd, 1, (int)(deadline - itest_now_ms())) <= 0)
		;
	if (pfd.fd >= 0)
		close(pfd.fd);
	if (waitpid(pid, &status, WNOHANG) == 0) {
		kill(pid, SIGKILL);
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			;
	}
	return status;
}

static void
describe_exit(pid_t pid, const char *why)
{
	int status = reap_within(pid, ITEST_STOP_TIMEOUT_MS);

	if (status == -1)
		fprintf(stderr, "itest: lingerpeer %s\n", why);
	else if (WIFEXITED(status))
		fprintf(stderr, "itest: lingerpeer %s: exit status %d\n", why,
		    WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		fprintf(stderr, "itest: lingerpeer %s: killed by signal %d\n",
		    why, WTERMSIG(status));
}

/*
 * Read lingerpeer's stdout up to its ready line, copying other lines to
 * stderr. Returns 0, or -1 after saying why. Bytes read past the ready line
 * are copied to stderr too.
 */
static int
wait_ready(struct itest_peer *p, int out_fd)
{
	struct pollfd pfd = { .fd = out_fd, .events = POLLIN };
	long deadline = itest_now_ms() + ITEST_READY_TIMEOUT_MS;
	char buf[4096], *nl;
	size_t have = 0, l;
	ssize_t n;

	while (itest_now_ms() < deadline) {
		if (poll(&pfd, 1, (int)(deadline - itest_now_ms())) <= 0)
			continue;
		n = read(out_fd, buf + have, sizeof(buf) - 1 - have);
		if (n <= 0) {
			describe_exit(p->pid, "exited before it was ready");
			return -1;
		}
		have += (size_t)n;
		while ((nl = memchr(buf, '\n', have)) != NULL) {
			l = (size_t)(nl - buf);
			if (strncmp(buf, READY_PREFIX, strlen(READY_PREFIX))
			    == 0) {
				snprintf(p->ready_line, sizeof(p->ready_line),
				    "%.*s", (int)l, buf);
				write_all(STDERR_FILENO, nl + 1, have - l - 1);
				return 0;
			}
			write_all(STDERR_FILENO, buf, l + 1);
			memmove(buf, nl + 1, have - l - 1);
			have -= l + 1;
		}
		if (have == sizeof(buf) - 1)
			have = 0;	/* endless line: not the ready one */
	}
	fprintf(stderr, "itest: lingerpeer printed no ready line within %d "
	    "ms\n", ITEST_READY_TIMEOUT_MS);
	kill(p->pid, SIGKILL);
	describe_exit(p->pid, "was stopped");
	return -1;
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
		fprintf(stderr, "itest: %s; lingerpeer's later output is "
		    "lost\n", the_sandbox.errbuf);
	return pid;
}

int
itest_start_peer(const char *const extra_args[], struct itest_peer *out)
{
	int ctl, pipefd[2], rc = -1;

	memset(out, 0, sizeof(*out));
	itest_enter_sandbox();
	if ((ctl = listen_abstract(out)) == -1)
		return -1;
	if (pipe2(pipefd, O_CLOEXEC) == -1) {
		fprintf(stderr, "itest: pipe2: %s\n", strerror(errno));
		close(ctl);
		return -1;
	}
	out->pid = spawn_peer(extra_args, ctl, pipefd[1]);
	/* Only lingerpeer keeps these: EOF and ECONNREFUSED mean it is gone. */
	close(ctl);
	close(pipefd[1]);
	if (out->pid > 0 && wait_ready(out, pipefd[0]) == 0)
		rc = 0;
	if (rc == 0)
		out->forwarder = start_forwarder(pipefd[0]);
	close(pipefd[0]);
	if (rc == -1)
		out->pid = 0;
	return rc;
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
	const char *iface = side == SANDBOX_PEER_SIDE ? SANDBOX_PEER_IFACE :
	    SANDBOX_CLIENT_IFACE;
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
		abort();	/* the rest of the test would run in netns B */
	}
	if (rc == 0)
		return p;
	fprintf(stderr, "itest: cannot capture on %s (filter %s): %s\n", iface,
	    filter != NULL ? filter : "none", p != NULL ? pcap_geterr(p) :
	    errbuf);
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
	long deadline = itest_now_ms() + timeout_ms;
	int rc;

	for (;;) {
		rc = pcap_next_ex(p, hdr, data);
		if (rc != 0)
			return rc == 1 ? 1 : -1;
		if (itest_now_ms() >= deadline)
			return 0;
		if (poll(&pfd, 1, (int)(deadline - itest_now_ms())) == -1 &&
		    errno != EINTR)
			return -1;
	}
}

/* The Internet checksum of a buffer, added to sum (RFC 1071). */
static uint32_t
csum_add(uint32_t sum, const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static bool
csum_ok(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

int
itest_parse_tcp(const unsigned char *frame, size_t caplen,
    struct itest_tcp_frame *out)
{
	const unsigned char *ip = frame + 14, *tcp;
	size_t ihl, tot, thl;
	unsigned char pseudo[12];

	if (caplen < 14 + 20 || frame[12] != 0x08 || frame[13] != 0x00 ||
	    (ip[0] >> 4) != 4 || ip[9] != IPPROTO_TCP)
		return -1;
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	tot = (size_t)ip[2] << 8 | ip[3];
	if (ihl < 20 || tot < ihl + 20 || 14 + tot > caplen ||
	    (ip[6] & 0x3f) != 0 || ip[7] != 0)
		return -1;	/* short, or a fragment */
	tcp = ip + ihl;
	thl = (size_t)(tcp[12] >> 4) * 4;
	if (thl < 20 || ihl + thl > tot)
		return -1;
	memset(out, 0, sizeof(*out));
	out->frame_len = caplen;
	inet_ntop(AF_INET, ip + 12, out->src, sizeof(out->src));
	inet_ntop(AF_INET, ip + 16, out->dst, sizeof(out->dst));
	out->sport = (uint16_t)(tcp[0] << 8 | tcp[1]);
	out->dport = (uint16_t)(tcp[2] << 8 | tcp[3]);
	out->seq = be32(tcp + 4);
	out->ack = be32(tcp + 8);
	out->flags = tcp[13];
	out->payload = tcp + thl;
	out->payload_len = tot - ihl - thl;
	out->ip_csum_ok = csum_ok(csum_add(0, ip, ihl));
	memcpy(pseudo, ip + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_TCP;
	pseudo[10] = (unsigned char)((tot - ihl) >> 8);
	pseudo[11] = (unsigned char)(tot - ihl);
	out->tcp_csum_ok = csum_ok(csum_add(csum_add(0, pseudo,
	    sizeof(pseudo)), tcp, tot - ihl));
	return 0;
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
		itest_child_exit(ITEST_EXIT_SKIP, "already unprivileged: "
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
	long deadline = itest_now_ms() + timeout_ms;
	size_t have = 0;
	ssize_t n;

	while (have < len && itest_now_ms() < deadline) {
		if (poll(&p, 1, (int)(deadline - itest_now_ms())) <= 0)
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
	fflush(NULL);	/* or the child's exit() would print it again */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		report_fd = p[1];
		if (as_nobody)
			itest_become_nobody();
		fn();
		exit(0);	/* closes the sandbox, runs leak checks */
	}
	close(p[1]);
	msg[itest_read_fd(p[0], msg, sizeof(msg) - 1,
	    ITEST_CHILD_TIMEOUT_MS)] = '\0';
	close(p[0]);
	if ((r = waitpid(pid, &status, WNOHANG)) == 0) {
		kill(pid, SIGKILL);	/* past the deadline */
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
