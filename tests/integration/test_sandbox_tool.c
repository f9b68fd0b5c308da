/*
 * test_sandbox_tool.c - the two ways lingerpeer is started in a sandbox:
 * itest_start_peer() (what the integration tests use) and the
 * lingerlab-sandbox program, each with a stand-in lingerpeer that checks
 * the calling contract and, for itest_start_peer(), with the real one.
 *
 * Every case runs in a forked child (itest_run_in_child): a sandbox
 * changes its process for good, and cmocka keeps running on the host.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "itest.h"
#include "itest_run.h"
#include "sandbox.h"

static char fake_dir[64];
static char fake_peer[128];

#define CHECK  ITEST_CHECK
#define CHECKF ITEST_CHECKF

/* ---- itest_start_peer, with a stand-in and with the real lingerpeer ---- */

static void
connect_control(const char *control)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *name = control + strlen("unix:@");
	int fd;

	CHECKF(strncmp(control, "unix:@", 6) == 0, "control is %s", control);
	memcpy(sa.sun_path + 1, name, strlen(name));
	CHECK((fd = socket(AF_UNIX, SOCK_STREAM, 0)) >= 0);
	CHECKF(connect(fd, (struct sockaddr *)&sa,
		   (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
		       strlen(name))) == 0,
	    "connect to %s: %s", control, strerror(errno));
	close(fd);
}

static void
peer_child(void)
{
	const char *const args[] = { "--port", "7000", NULL };
	struct itest_peer peer;
	int status;

	CHECK(itest_start_peer(args, &peer) == 0);
	CHECKF(strncmp(peer.ready_line, "lingerpeer ready", 16) == 0,
	    "ready line: %s", peer.ready_line);
	connect_control(peer.control);
	status = itest_stop_peer(&peer);
	CHECKF((WIFEXITED(status) && WEXITSTATUS(status) == 0) ||
		(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM),
	    "lingerpeer stopped with status %#x", status);
}

static void
fake_peer_child(void)
{
	CHECK(setenv("LINGERPEER", fake_peer, 1) == 0);
	peer_child();
}

static void
failing_peer_child(void)
{
	struct itest_peer peer;

	CHECK(setenv("LINGERPEER", "/bin/false", 1) == 0);
	CHECK(itest_start_peer(NULL, &peer) == -1);
}

static void
real_peer_child(void)
{
	CHECK(unsetenv("LINGERPEER") == 0);
	peer_child();
}

/* ---- lingerlab-sandbox ---- */

/*
 * An honest "no sandbox possible": a user namespace of our own whose limits
 * allow no further network or user namespaces.
 */
static void
forbid_namespaces(void)
{
	char map[32];
	int fd, i;
	static const char *const files[] = {
		"/proc/self/setgroups",
		"/proc/self/uid_map",
		"/proc/self/gid_map",
		"/proc/sys/user/max_net_namespaces",
		"/proc/sys/user/max_user_namespaces",
	};
	const char *text[5] = { "deny", map, map + 16, "0", "0" };

	snprintf(map, 16, "0 %u 1", (unsigned int)geteuid());
	snprintf(map + 16, 16, "0 %u 1", (unsigned int)getegid());
	if (unshare(CLONE_NEWUSER) == -1)
		itest_child_exit(ITEST_EXIT_SKIP, "unshare(CLONE_NEWUSER): %s",
		    strerror(errno));
	for (i = 0; i < 5; i++)
		if ((fd = open(files[i], O_WRONLY)) == -1 ||
		    write(fd, text[i], strlen(text[i])) < 0 || close(fd) == -1)
			itest_child_exit(ITEST_EXIT_SKIP, "%s: %s", files[i],
			    strerror(errno));
}

/* Run lingerlab-sandbox with argv; its output (both streams) into out. */
static int
run_tool(char *const argv[], bool forbid, char *out, size_t len)
{
	int p[2], status;
	pid_t pid;

	CHECK(pipe2(p, O_CLOEXEC) == 0);
	CHECK((pid = fork()) >= 0);
	if (pid == 0) {
		itest_set_report_fd(p[1]);
		if (dup2(p[1], 1) == -1 || dup2(p[1], 2) == -1)
			_exit(126);
		if (forbid)
			forbid_namespaces();
		execv(LINGERLAB_SANDBOX_PATH, argv);
		itest_child_exit(126, "exec %s: %s", LINGERLAB_SANDBOX_PATH,
		    strerror(errno));
	}
	close(p[1]);
	out[itest_read_fd(p[0], out, len - 1, ITEST_CHILD_TIMEOUT_MS)] = '\0';
	close(p[0]);
	CHECK(waitpid(pid, &status, 0) == pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) == ITEST_EXIT_SKIP)
		itest_child_exit(ITEST_EXIT_SKIP, "%s", out);
	CHECKF(WIFEXITED(status), "lingerlab-sandbox: status %#x: %s", status,
	    out);
	if (!forbid && WEXITSTATUS(status) == SANDBOX_EXIT_UNAVAILABLE)
		itest_child_exit(ITEST_EXIT_SKIP, "%s", out);
	return WEXITSTATUS(status);
}

static void
tool_child(void)
{
	char *argv[] = { "lingerlab-sandbox", "--", "/bin/sh", "-c",
		"test \"$LINGERPEER_ADDR\" = 192.0.2.2 && "
		"test \"$LINGERLAB_CLIENT_ADDR\" = 192.0.2.1 && "
		"{ test ! -e /proc/sys/net/ipv6 || "
		"{ test \"$LINGERPEER_ADDR6\" = 2001:db8::2 && "
		"test \"$LINGERLAB_CLIENT_ADDR6\" = 2001:db8::1; }; } && "
		"test -S \"${LINGERPEER_CONTROL#unix:}\" && exit 7; exit 1",
		NULL };
	char *no_peer[] = { "lingerlab-sandbox", "--no-peer", "--", "/bin/sh",
		"-c", "test -z \"$LINGERPEER_CONTROL\" && exit 5", NULL };
	char out[2048], tmp[128];
	int rc;

	snprintf(tmp, sizeof(tmp), "%s/tmp", fake_dir);
	CHECK(setenv("LINGERPEER", fake_peer, 1) == 0);
	CHECK(setenv("TMPDIR", tmp, 1) == 0);
	rc = run_tool(argv, false, out, sizeof(out));
	CHECKF(rc == 7, "exit status %d, not 7: %s", rc, out);
	CHECKF(strstr(out, "lingerpeer ready") != NULL, "no ready line: %s",
	    out);
	CHECKF(rmdir(tmp) == 0 && mkdir(tmp, 0700) == 0,
	    "%s is not empty after the run", tmp);
	rc = run_tool(no_peer, false, out, sizeof(out));
	CHECKF(rc == 5, "--no-peer: exit status %d, not 5: %s", rc, out);
}

static void
tool_unavailable_child(void)
{
	char *argv[] = { "lingerlab-sandbox", "--", "true", NULL };
	char out[2048];
	int rc;

	rc = run_tool(argv, true, out, sizeof(out));
	CHECKF(rc == SANDBOX_EXIT_UNAVAILABLE, "exit status %d, not 3: %s", rc,
	    out);
	CHECKF(strstr(out, "cannot build the sandbox") != NULL &&
		strstr(out, "Run as root") != NULL,
	    "unclear message: %s", out);
}

/* ---- setup: a stand-in lingerpeer that checks the calling contract ---- */

static const char fake_script[] =
    "#!/bin/sh\n"
    "# Stand-in for lingerpeer: check the contract, say ready, wait.\n"
    "case \" $* \" in\n"
    "*' --iface llpeer0 --addr 192.0.2.2,2001:db8::2 --control fd:3 '*) ;;\n"
    "*' --iface llpeer0 --addr 192.0.2.2 --control fd:3 '*) ;; # no IPv6\n"
    "*) echo \"fake lingerpeer: bad arguments: $*\" >&2; exit 9;;\n"
    "esac\n"
    "[ -S /proc/self/fd/3 ] || { echo 'fake lingerpeer: no fd 3' >&2; "
    "exit 8; }\n"
    "trap 'exit 0' TERM\n"
    "echo \"lingerpeer ready (stand-in) $*\"\n"
    "while :; do sleep 1000 & wait $!; done\n";

static int
setup(void **state)
{
	char tmp[128];
	FILE *f;

	(void)state;
	snprintf(fake_dir, sizeof(fake_dir), "/tmp/lingerlab-test.XXXXXX");
	/* nobody must be able to run the stand-in too */
	if (itest_tmpdir_make(fake_dir) == -1 || chmod(fake_dir, 0755) == -1)
		return -1;
	snprintf(fake_peer, sizeof(fake_peer), "%s/fake-lingerpeer", fake_dir);
	snprintf(tmp, sizeof(tmp), "%s/tmp", fake_dir);
	if (mkdir(tmp, 0700) == -1 || (f = fopen(fake_peer, "w")) == NULL)
		return -1;
	fputs(fake_script, f);
	return fclose(f) == 0 && chmod(fake_peer, 0755) == 0 ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	return itest_tmpdir_remove(fake_dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		ITEST_CASE("itest_fake_peer", fake_peer_child, false),
		ITEST_CASE("itest_failing_peer", failing_peer_child, false),
		ITEST_CASE("itest_real_peer", real_peer_child, false),
		ITEST_CASE("tool_runs_command", tool_child, false),
		ITEST_CASE("tool_unavailable", tool_unavailable_child, false),
	};

	itest_child_runner_init();
	return cmocka_run_group_tests(tests, setup, teardown);
}
