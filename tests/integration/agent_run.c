/*
 * agent_run.c - the lingerlab-agent under test (agent_run.h): which one,
 * started and stopped in a sandbox beside lingerpeer, and what its
 * system calls its errors.
 */
#include "agent_run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "monotime.h"
#include "peer_launch.h"

#define MAX_ARGS	   16
/* The Linux agent starts and stops in milliseconds. */
#define LINUX_START_MS	   10000
/* Wine: a wineserver, services.exe and winedevice.exe for each run
 * (about a second, more on two busy cores); ended after the program. */
#define WINE_START_MS	   30000
#define WINE_STOP_EXTRA_MS 10000
#define STOP_MS		   5000

static const char *const linux_cmd[] = { LINGERLAB_AGENT_PATH };

struct agent_under_test aut = { false, linux_cmd, 1, LINUX_START_MS, 0 };
struct itest_peer aut_peer;
struct control_client *aut_ctl;
pid_t aut_pid;

/* Whether prog is an executable file in PATH. */
static bool
in_path(const char *prog)
{
	const char *path = getenv("PATH");
	char dir[512], full[600];
	size_t n;

	while (path != NULL && *path != '\0') {
		n = strcspn(path, ":");
		snprintf(dir, sizeof(dir), "%.*s", (int)n, path);
		snprintf(full, sizeof(full), "%s/%s", dir, prog);
		if (access(full, X_OK) == 0)
			return true;
		path += n + (path[n] == ':');
	}
	return false;
}

void
aut_init(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "--windows") == 0) {
		if (argc < 3 || argc - 2 > MAX_ARGS - 8) {
			fprintf(stderr, "usage: %s [--windows COMMAND...]\n",
			    argv[0]);
			exit(2);
		}
		if (!in_path("wine")) {
			printf("SKIP: no wine here to run the Windows agent "
			       "(Debian: apt-get install wine wine64)\n");
			exit(ITEST_EXIT_SKIP);
		}
		aut.windows = true;
		aut.cmd = (const char *const *)argv + 2;
		aut.ncmd = argc - 2;
		aut.start_ms = WINE_START_MS;
		aut.stop_extra_ms = WINE_STOP_EXTRA_MS;
	} else if (argc > 1) {
		fprintf(stderr, "usage: %s [--windows COMMAND...]\n", argv[0]);
		exit(2);
	}
	itest_child_runner_init();
}

/* The command, then args (NULL-terminated) into argv. */
static void
build_argv(const char *argv[MAX_ARGS], const char *const args[])
{
	int i, n = 0;

	for (i = 0; i < aut.ncmd; i++)
		argv[n++] = aut.cmd[i];
	for (i = 0; args != NULL && args[i] != NULL && n < MAX_ARGS - 1; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
}

bool
aut_read_line_fd(int fd, char *buf, size_t len, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int64_t deadline = monotime_ms() + ms;
	size_t have = 0;
	ssize_t n;

	while (have + 1 < len) {
		if (poll(&p, 1, (int)(deadline - monotime_ms())) <= 0 ||
		    (n = read(fd, buf + have, 1)) <= 0)
			break;
		/* Windows programs may end a line with \r\n. */
		if (buf[have] == '\r')
			continue;
		if (buf[have] == '\n') {
			buf[have] = '\0';
			return true;
		}
		have++;
	}
	buf[have] = '\0';
	return false;
}

pid_t
aut_spawn(const char *const args[])
{
	const char *argv[MAX_ARGS];

	build_argv(argv, args);
	return sandbox_spawn(itest_enter_sandbox(), SANDBOX_CLIENT_SIDE,
	    (char *const *)argv, NULL);
}

void
aut_start(const char *const extra[], int token_fd)
{
	struct sandbox_spawn_opts so = SANDBOX_SPAWN_OPTS_INIT;
	const char *args[8] = { "--listen", AGENT_ADDR };
	const char *argv[MAX_ARGS];
	const char *ready =
	    "lingerlab-agent ready listen=" AGENT_ADDR " protocol=1 ";
	char line[256];
	int p[2], i;

	for (i = 0; extra != NULL && extra[i] != NULL && i < 4; i++)
		args[2 + i] = extra[i];
	build_argv(argv, args);
	ITEST_CHECK(pipe2(p, O_CLOEXEC) == 0);
	so.stdout_fd = p[1];
	so.extra_fd = token_fd;
	aut_pid = sandbox_spawn(itest_enter_sandbox(), SANDBOX_CLIENT_SIDE,
	    (char *const *)argv, &so);
	ITEST_CHECKF(aut_pid > 0, "cannot start %s", argv[0]);
	close(p[1]);
	ITEST_CHECKF(aut_read_line_fd(p[0], line, sizeof(line), aut.start_ms) &&
		strncmp(line, ready, strlen(ready)) == 0,
	    "no ready line from the "
	    "agent within %d ms: '%s'",
	    aut.start_ms, line);
	close(p[0]);
}

/*
 * Under Wine, a program whose Windows threads have all ended gets a second
 * from its wineserver to be gone as a Unix process, then SIGKILL (seen
 * with perf's signal:signal_generate: the sender was wineserver64). On a
 * loaded host the Ctrl+C exit of the agent, its sockets already reset,
 * sometimes takes longer: wine-run.sh then says 137. That is Wine ending
 * a process that was ending, not the agent failing to stop.
 */
#define WINE_SIGKILLED_EXIT 137

void
aut_stop(void)
{
	int status = -1, ms = STOP_MS + aut.stop_extra_ms;

	ITEST_CHECK(kill(aut_pid, aut.windows ? SIGINT : SIGTERM) == 0);
	ITEST_CHECKF(peer_reap_within(aut_pid, &status, ms) == aut_pid,
	    "the agent did not stop within %d ms of %s", ms,
	    aut.windows ? "Ctrl+C (SIGINT)" : "SIGTERM");
	ITEST_CHECKF(WIFEXITED(status) &&
		(WEXITSTATUS(status) == 0 ||
		    (aut.windows &&
			WEXITSTATUS(status) == WINE_SIGKILLED_EXIT)),
	    "the agent ended with status %#x, not exit 0", status);
	aut_pid = 0;
}

void
aut_peer_cmd(const char *cmd)
{
	struct control_reply r;
	char err[256];

	ITEST_CHECKF(control_request(aut_ctl, cmd, 10000, &r, err,
			 sizeof(err)) == 0,
	    "%s: %s", cmd, err);
	ITEST_CHECKF(r.ok, "%s: %s", cmd, r.status);
	control_reply_free(&r);
}

void
aut_setup(const char *const extra[], int token_fd)
{
	(void)aut_setup_addr(NULL, extra, token_fd);
}

struct sandbox *
aut_setup_addr(const char *peer_addr, const char *const extra[], int token_fd)
{
	static const struct {
		int port;
		const char *spec;
	} ports[] = {
		{ AGENT_SWALLOW_PORT, "swallow-fin" },
		{ AGENT_QUIET_PORT, "normal" },
		{ AGENT_FULL_PORT, "stop-reading" },
	};
	char err[256], cmd[64];
	struct sandbox *sb;
	size_t i;

	sb = itest_enter_sandbox();
	ITEST_CHECK(itest_start_peer_addr(peer_addr, NULL, &aut_peer) == 0);
	aut_ctl = control_client_open(aut_peer.control, 5000, err, sizeof(err));
	ITEST_CHECKF(aut_ctl != NULL, "%s", err);
	for (i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
		snprintf(cmd, sizeof(cmd), "listen %d %s", ports[i].port,
		    ports[i].spec);
		aut_peer_cmd(cmd);
	}
	aut_start(extra, token_fd);
	return sb;
}

void
aut_teardown(void)
{
	aut_stop();
	control_client_close(aut_ctl);
	ITEST_CHECK(itest_stop_peer(&aut_peer) != -1);
}

const char *
aut_err(const char *name)
{
	static char bufs[8][40];
	static unsigned next;
	char *b = bufs[next++ % 8];

	snprintf(b, sizeof(bufs[0]), "%s%s", aut.windows ? "WSAE" : "E", name);
	return b;
}

bool
aut_named(const char *err_name)
{
	const char *p = err_name;

	if (*p != 'E')
		return *p != '\0';
	for (p++; *p >= '0' && *p <= '9'; p++)
		;
	return *p != '\0' || p == err_name + 1;
}
