/*
 * test_sandbox_gone.c - nothing of a sandbox (client/sandbox/sandbox.h) survives its
 * owner, however the owner ends: SIGKILL, exit() without sandbox_close(),
 * or sandbox_close(); as root and as an ordinary user. "Nothing" means no
 * process it started, and no namespace that any process or fd on the host
 * still names.
 *
 * Each case runs in a forked child (itest_run_in_child) that is a child
 * subreaper and forks the owner, so that the owner's orphans come to it
 * and it can watch /proc from outside the sandbox.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "itest.h"
#include "monotime.h"
#include "sandbox.h"

/*
 * A leak stays for good; a slow exit does not. 10 s was once not enough
 * (CI, 2026-12-08: the ASan build beside the library's sandboxes, the
 * owner's processes still exiting after 10 s), so 30 s.
 */
#define GONE_TIMEOUT_MS 30000

#define CHECK  ITEST_CHECK
#define CHECKF ITEST_CHECKF

enum ending { END_SIGKILL, END_EXIT, END_CLOSE };

/* What to look for; the owner itself only once it is gone. */
#define GONE_NET_A    0x01
#define GONE_NET_B    0x02
#define GONE_PID_NS   0x04
#define GONE_USER_NS  0x08
#define GONE_CHILDREN 0x10 /* init and the two sleepers */
#define GONE_OWNER    0x20
#define GONE_ALL      0x3f

struct owner_report {
	enum sandbox_mode mode;
	unsigned long ino[4]; /* net A, net B, pid ns, user ns (or 0) */
	pid_t pid[4];	      /* owner, init, peer side, client side */
};

static const unsigned int ino_bit[4] = {
	GONE_NET_A,
	GONE_NET_B,
	GONE_PID_NS,
	GONE_USER_NS,
};

__attribute__((noreturn)) static void
owner_main(int rep, int cmd, bool as_nobody)
{
	char *sleeper[] = { "sleep", "1000", NULL };
	struct owner_report r;
	struct sandbox sb;
	struct stat st;
	char c = 0;

	memset(&r, 0, sizeof(r));
	if (as_nobody)
		itest_become_nobody();
	if (sandbox_open(&sb) == -1)
		itest_child_exit(ITEST_EXIT_SKIP, "%s", sb.errbuf);
	r.mode = sb.mode;
	r.pid[0] = getpid();
	r.pid[1] = sb.init_pid;
	r.pid[2] = sandbox_spawn_peer_side(&sb, sleeper, -1);
	r.pid[3] = sandbox_spawn_client_side(&sb, sleeper);
	CHECKF(r.pid[2] > 0 && r.pid[3] > 0, "%s", sb.errbuf);
	r.ino[0] = (unsigned long)itest_ns_ino("/proc/self/ns/net");
	CHECK(fstat(sb.peer_ns_fd, &st) == 0);
	r.ino[1] = (unsigned long)st.st_ino;
	r.ino[2] =
	    (unsigned long)itest_ns_ino("/proc/self/ns/pid_for_children");
	if (sb.mode == SANDBOX_USERNS)
		r.ino[3] = (unsigned long)itest_ns_ino("/proc/self/ns/user");
	/* A tag tells the report from a itest_child_exit() message. */
	CHECK(write(rep, "\001", 1) == 1);
	CHECK(write(rep, &r, sizeof(r)) == sizeof(r));
	if (read(cmd, &c, 1) == 1 && c == 'c') {
		sandbox_close(&sb);
		CHECK(write(rep, "C", 1) == 1);
		CHECK(read(cmd, &c, 1) >= 0);
	}
	/* A normal exit, without sandbox_close(); _exit so that no
	 * sanitizer's exit-time work runs inside the sandbox. */
	_exit(0);
}

/* /proc/PID/stat's start time, or 0 if no such process (or a zombie). */
static unsigned long long
start_time(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long t = 0;
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	if (fgets(buf, sizeof(buf), f) != NULL &&
	    (p = strrchr(buf, ')')) != NULL && p[1] == ' ' && p[2] != 'Z') {
		for (i = 0, p += 2; i < 19 && p != NULL; i++)
			if ((p = strchr(p, ' ')) != NULL)
				p++;
		if (p != NULL)
			t = strtoull(p, NULL, 10);
	}
	fclose(f);
	return t;
}

/* Does this "net:[123]"-style link name one of the inodes in mask? */
static bool
names_ns(const char *link, const struct owner_report *r, unsigned int mask)
{
	unsigned long ino;
	int i;

	if (sscanf(link, "%*[a-z_]:[%lu]", &ino) != 1)
		return false;
	for (i = 0; i < 4; i++)
		if ((mask & ino_bit[i]) && r->ino[i] != 0 && r->ino[i] == ino)
			return true;
	return false;
}

/* Every ns link and fd of one process; the first hit goes into why. */
static int
scan_process(const char *pid, const struct owner_report *r, unsigned int mask,
    char *why, size_t len)
{
	static const char *const dirs[] = { "ns", "fd" };
	char path[300], link[128];
	struct dirent *de;
	ssize_t n;
	DIR *d;
	int i, hits = 0;

	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "/proc/%s/%s", pid, dirs[i]);
		if ((d = opendir(path)) == NULL)
			continue; /* gone meanwhile */
		while ((de = readdir(d)) != NULL) {
			snprintf(path, sizeof(path), "/proc/%s/%s/%s", pid,
			    dirs[i], de->d_name);
			n = readlink(path, link, sizeof(link) - 1);
			if (n <= 0)
				continue;
			link[n] = '\0';
			if (names_ns(link, r, mask) && hits++ == 0)
				snprintf(why, len, "%s -> %s", path, link);
		}
		closedir(d);
	}
	return hits;
}

/* How many traces of the sandbox (in mask) the host still has. */
static int
leftovers(const struct owner_report *r, const unsigned long long *start,
    unsigned int mask, char *why, size_t len)
{
	struct dirent *de;
	DIR *d;
	int i, hits = 0;

	for (i = 0; i < 4; i++)
		if ((mask & (i == 0 ? GONE_OWNER : GONE_CHILDREN)) &&
		    start[i] != 0 && start_time(r->pid[i]) == start[i] &&
		    hits++ == 0)
			snprintf(why, len, "pid %d still runs", (int)r->pid[i]);
	CHECK((d = opendir("/proc")) != NULL);
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] >= '1' && de->d_name[0] <= '9')
			hits += scan_process(de->d_name, r, mask, why, len);
	closedir(d);
	return hits;
}

/* Poll /proc until the traces in mask are gone, reaping orphans meanwhile. */
static void
wait_gone(const struct owner_report *r, const unsigned long long *start,
    unsigned int mask, const char *when)
{
	int64_t deadline = monotime_ms() + GONE_TIMEOUT_MS;
	char why[400] = "";
	int n;

	/* We are a child subreaper: the sandbox's orphans come to us. */
	while ((n = leftovers(r, start, mask, why, sizeof(why))) > 0 &&
	    monotime_ms() < deadline) {
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		poll(NULL, 0, 20);
	}
	CHECKF(n == 0, "%d ms %s, %d traces left, e.g. %s", GONE_TIMEOUT_MS,
	    when, n, why);
}

/* The running test case, for the children to read. */
struct test_case {
	bool as_nobody; /* the sandbox's owner as nobody */
	enum ending ending;
};

static const struct test_case *tc;

static void
end_owner(pid_t owner, int rep, int cmd, const struct owner_report *r,
    const unsigned long long *start)
{
	int status;
	char c = 0;

	switch (tc->ending) {
	case END_SIGKILL: CHECK(kill(owner, SIGKILL) == 0); break;
	case END_EXIT: CHECK(write(cmd, "x", 1) == 1); break;
	case END_CLOSE:
		CHECK(write(cmd, "c", 1) == 1);
		CHECK(itest_read_fd(rep, &c, 1, ITEST_CHILD_TIMEOUT_MS) == 1 &&
		    c == 'C');
		/* As root the owner went home; in a userns it cannot. */
		wait_gone(r, start,
		    r->mode == SANDBOX_ROOT ? GONE_ALL & ~GONE_OWNER
					    : GONE_NET_B | GONE_CHILDREN,
		    "after sandbox_close");
		CHECK(write(cmd, "x", 1) == 1);
		break;
	}
	CHECK(waitpid(owner, &status, 0) == owner);
	CHECKF(tc->ending == END_SIGKILL ||
		(WIFEXITED(status) && WEXITSTATUS(status) == 0),
	    "owner ended with status %#x", status);
}

static void
nothing_left_child(void)
{
	unsigned long long start[4];
	struct owner_report r;
	char text[512];
	int rep[2], cmd[2], status, i;
	size_t got;
	pid_t owner;

	if (tc->as_nobody && geteuid() != 0)
		itest_child_exit(ITEST_EXIT_SKIP,
		    "already unprivileged: the "
		    "other tests cover the user-namespace path");
	CHECK(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0);
	CHECK(pipe2(rep, O_CLOEXEC) == 0 && pipe2(cmd, O_CLOEXEC) == 0);
	CHECK((owner = fork()) >= 0);
	if (owner == 0) {
		itest_set_report_fd(rep[1]);
		owner_main(rep[1], cmd[0], tc->as_nobody);
	}
	close(rep[1]);
	close(cmd[0]);
	got = itest_read_fd(rep[0], text, 1, ITEST_CHILD_TIMEOUT_MS);
	if (got == 0 || text[0] != '\001' ||
	    itest_read_fd(rep[0], &r, sizeof(r), ITEST_CHILD_TIMEOUT_MS) !=
		sizeof(r)) {
		got += itest_read_fd(rep[0], text + got, sizeof(text) - 1 - got,
		    ITEST_CHILD_TIMEOUT_MS);
		text[got] = '\0';
		CHECK(waitpid(owner, &status, 0) == owner);
		itest_child_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1,
		    "sandbox owner: %s", text);
	}
	for (i = 0; i < 4; i++) {
		start[i] = start_time(r.pid[i]);
		CHECKF(start[i] != 0, "pid %d is not running", (int)r.pid[i]);
		/* Make sure the scan would see each namespace at all. */
		CHECKF(r.ino[i] == 0 ||
			leftovers(&r, start, ino_bit[i], text, sizeof(text)) >
			    0,
		    "the scan misses namespace %d", i);
	}
	end_owner(owner, rep[0], cmd[1], &r, start);
	wait_gone(&r, start, GONE_ALL, "after the owner ended");
	while (waitpid(-1, NULL, WNOHANG) > 0)
		; /* zombies must not pass to the host's init */
}

static void
run_case(void **state)
{
	tc = *state;
	/* nothing_left_child makes the owner nobody, not itself */
	itest_run_in_child(nothing_left_child, false);
}

#define CASE(name, nobody, how)                                                \
	{                                                                      \
		name, run_case, NULL, NULL, &(struct test_case)                \
		{                                                              \
			nobody, how                                            \
		}                                                              \
	}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		CASE("gone_after_sigkill", false, END_SIGKILL),
		CASE("gone_after_exit", false, END_EXIT),
		CASE("gone_after_close", false, END_CLOSE),
		CASE("nobody_gone_after_sigkill", true, END_SIGKILL),
		CASE("nobody_gone_after_exit", true, END_EXIT),
		CASE("nobody_gone_after_close", true, END_CLOSE),
	};

	itest_child_runner_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
