/*
 * lingerlab-sandbox - run a command (or a shell) on the client side of a
 * fresh sandbox (client/sandbox/sandbox.h) with lingerpeer already listening on the
 * peer side. See docs/man/lingerlab-sandbox.1.
 *
 * The peer's control socket is a filesystem socket so that any client can
 * name it in LINGERPEER_CONTROL. It lives in a mkdtemp directory covered by
 * a tmpfs that only this process's private mount namespace sees: when the
 * sandbox dies, even by SIGKILL, the tmpfs goes with the namespace and only
 * the empty directory is left on the host.
 */
#include "lab_launch.h"
#include "peer_launch.h"
#include "sandbox.h"
#include "self_paths.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/pidfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROG		"lingerlab-sandbox"
#define EXIT_TOOL	125 /* as env(1): our own failure */
#define EXIT_CANNOT_RUN 126
#define EXIT_NOT_FOUND	127
#define SUN_PATH_LEN	sizeof(((struct sockaddr_un *)NULL)->sun_path)

struct options {
	const char **peer_args;
	int n_peer_args;
	const char **agent_cmd; /* --agent (NULL: ours), --agent-arg... */
	int n_agent_cmd;	/* --agent-arg's */
	bool lab;		/* --lab */
	bool no_peer;
	const char *control_path; /* --control-socket, or NULL */
	char **command;		  /* NULL: the user's shell */
};

struct run {
	struct sandbox sb;
	char tmpdir[PATH_MAX];	      /* "" if none */
	char sock_path[SUN_PATH_LEN]; /* "" if none */
	bool tmpfs_mounted;
	int listen_fd;
	struct peer_proc peer;
	struct lab lab; /* --lab: the tokens, the agent */
	int peer_echo;	/* where lingerpeer's output goes */
	int sigfd;
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: " PROG
	    " [--peer-arg ARG]... [--no-peer] [--control-socket PATH]\n"
	    "       [-- COMMAND [ARGS...]]\n"
	    "       " PROG
	    " --lab [--agent PROGRAM [--agent-arg ARG]...] [--peer-arg ARG]...\n"
	    "       [-- COMMAND [ARGS...]]\n"
	    "\n"
	    "Build a private test network (no host configuration, nothing left behind),\n"
	    "start lingerpeer on its peer side and run COMMAND (default: $SHELL, or\n"
	    "/bin/sh -i) on its client side with:\n"
	    "  LINGERLAB_CLIENT_ADDR=" SANDBOX_CLIENT_ADDR
	    "   the client's address "
	    "(on " SANDBOX_CLIENT_IFACE ")\n"
	    "  LINGERPEER_ADDR=" SANDBOX_PEER_ADDR
	    "         the address lingerpeer "
	    "owns\n"
	    "  LINGERLAB_CLIENT_ADDR6=" SANDBOX_CLIENT_ADDR6
	    ", LINGERPEER_ADDR6=" SANDBOX_PEER_ADDR6 "\n"
	    "                         the same over IPv6 (where the kernel has it)\n"
	    "  LINGERPEER_CONTROL=unix:PATH      lingerpeer's control socket\n"
	    "\n"
	    "  --peer-arg ARG         pass ARG to lingerpeer (repeat; default: --port "
	    "7000)\n"
	    "  --no-peer              start no lingerpeer (no LINGERPEER_CONTROL)\n"
	    "  --control-socket PATH  put the control socket at PATH, visible outside\n"
	    "                         the sandbox, instead of a private directory\n"
	    "\n"
	    "--lab: a lab of three hosts instead (docs/lab.md): the client side is the\n"
	    "system under test, with lingerlab-agent on " LAB_AGENT_ENDPOINT
	    ", lingerpeer's\n"
	    "control channel is on " LAB_PEER_CONTROL
	    ", each behind a fresh token, and\n"
	    "COMMAND runs on a third host that reaches both over TCP only, with:\n"
	    "  LINGERLAB_AGENT, LINGERLAB_AGENT_TOKEN    the agent and its token file\n"
	    "  LINGERPEER_CONTROL, LINGERPEER_TOKEN      lingerpeer's, and its token file\n"
	    "  LINGERPEER_ADDR, LINGERLAB_CLIENT_ADDR    the test link's two addresses\n"
	    "so that COMMAND can be:\n"
	    "  lingerlab run --agent \"$LINGERLAB_AGENT\" --agent-token \"$LINGERLAB_AGENT_TOKEN\"\n"
	    "      --peer \"$LINGERPEER_CONTROL\" --peer-token \"$LINGERPEER_TOKEN\" scenarios/\n"
	    "  --agent PROGRAM        the agent to start (default: lingerlab-agent beside\n"
	    "                         this program); it gets --agent-arg ARGs, then --listen\n"
	    "                         and --token-file, and must print the agent's ready line:\n"
	    "                         --agent wine --agent-arg lingerlab-agent.exe\n"
	    "  -h, --help             show this help\n"
	    "\n"
	    "lingerpeer is $LINGERPEER if set, else the one installed beside this\n"
	    "program (or the build tree's): %s\n"
	    "Exit status: COMMAND's (128+N if killed by signal N); 3 if no sandbox can\n"
	    "be built here (run as root, or allow unprivileged user namespaces);\n"
	    "125 if lingerpeer fails to start or on other errors; 126/127 if COMMAND\n"
	    "cannot be run / is not found.\n",
	    self_path(SELF_PEER));
}

/* --lab has its own peer and control channel; the others go without it. */
static int
check_lab_options(const struct options *o)
{
	const char *bad = o->no_peer  ? "--no-peer"
	    : o->control_path != NULL ? "--control-socket"
				      : NULL;

	if (o->lab && bad != NULL) {
		fprintf(stderr,
		    PROG
		    ": %s and --lab do not go together: the "
		    "lab's lingerpeer is reached over TCP on " LAB_PEER_CONTROL
		    "\n",
		    bad);
		return -1;
	}
	if (!o->lab && (o->agent_cmd[0] != NULL || o->n_agent_cmd > 0)) {
		fprintf(stderr, PROG ": --agent and --agent-arg need --lab\n");
		return -1;
	}
	return 0;
}

static int
parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "peer-arg", required_argument, NULL, 'p' },
		{ "no-peer", no_argument, NULL, 'n' },
		{ "control-socket", required_argument, NULL, 'c' },
		{ "lab", no_argument, NULL, 'l' },
		{ "agent", required_argument, NULL, 'a' },
		{ "agent-arg", required_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	memset(o, 0, sizeof(*o));
	o->peer_args = calloc((size_t)argc + 1, sizeof(char *));
	o->agent_cmd = calloc((size_t)argc + 2, sizeof(char *));
	if (o->peer_args == NULL || o->agent_cmd == NULL) {
		fprintf(stderr, PROG ": out of memory\n");
		exit(EXIT_TOOL);
	}
	/* "+": stop at COMMAND, so its own options stay its own. */
	while ((ch = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'p': o->peer_args[o->n_peer_args++] = optarg; break;
		case 'n': o->no_peer = true; break;
		case 'c': o->control_path = optarg; break;
		case 'l': o->lab = true; break;
		case 'a':
			o->agent_cmd[0] = optarg; /* its arguments follow */
			break;
		case 'A': o->agent_cmd[++o->n_agent_cmd] = optarg; break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
	}
	if (optind < argc)
		o->command = argv + optind;
	return 0;
}

/* Remove what we put on the host; safe to call at any point. */
static void
cleanup(struct run *r)
{
	if (r->listen_fd >= 0)
		close(r->listen_fd);
	r->listen_fd = -1;
	if (r->sock_path[0] != '\0' && !r->tmpfs_mounted)
		(void)unlink(r->sock_path);
	if (r->tmpfs_mounted)
		(void)umount2(r->tmpdir, MNT_DETACH);
	if (r->tmpdir[0] != '\0' && rmdir(r->tmpdir) == -1)
		fprintf(stderr, PROG ": cannot remove %s: %s\n", r->tmpdir,
		    strerror(errno));
	r->sock_path[0] = r->tmpdir[0] = '\0';
	r->tmpfs_mounted = false;
}

__attribute__((noreturn)) static void
finish(struct run *r, int status)
{
	sandbox_close(&r->sb);
	cleanup(r);
	/*
	 * In a user namespace this process can no longer fork, and exit-time
	 * hooks that do (LeakSanitizer's) would fail and change our status.
	 */
	if (r->sb.mode == SANDBOX_USERNS) {
		fflush(NULL);
		_exit(status);
	}
	exit(status);
}

/*
 * A tmpfs on the directory, in a mount namespace of our own: the socket file
 * is then gone with the last process of the sandbox, whatever kills it.
 */
static int
private_tmpfs(struct run *r)
{
	if (unshare(CLONE_NEWNS) == -1 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1) {
		fprintf(stderr,
		    PROG ": cannot make a private mount namespace: "
			 "%s\n",
		    strerror(errno));
		return -1;
	}
	if (mount("lingerlab", r->tmpdir, "tmpfs",
		MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0700,size=64k") == -1) {
		fprintf(stderr, PROG ": cannot mount a tmpfs on %s: %s\n",
		    r->tmpdir, strerror(errno));
		return -1;
	}
	r->tmpfs_mounted = true;
	return 0;
}

static int
listen_unix(struct run *r, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr,
		    PROG ": control socket path too long (max %zu "
			 "bytes): %s\n",
		    sizeof(sa.sun_path) - 1, path);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1); /* fits: checked above */
	r->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (r->listen_fd == -1 ||
	    bind(r->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		fprintf(stderr,
		    PROG ": cannot create the control socket %s: "
			 "%s%s\n",
		    path, strerror(errno),
		    errno == EADDRINUSE
			? " (remove the stale file, or pick another path)"
			: "");
		return -1;
	}
	snprintf(r->sock_path, sizeof(r->sock_path), "%s", path);
	if (listen(r->listen_fd, 16) == -1) {
		fprintf(stderr, PROG ": listen on %s: %s\n", path,
		    strerror(errno));
		return -1;
	}
	return 0;
}

static int
make_tmpdir(struct run *r)
{
	const char *base = getenv("TMPDIR");

	if (base == NULL || *base == '\0')
		base = "/tmp";
	if ((size_t)snprintf(r->tmpdir, sizeof(r->tmpdir),
		"%s/lingerlab-sandbox.XXXXXX", base) >= sizeof(r->tmpdir))
		errno = ENAMETOOLONG;
	else if (mkdtemp(r->tmpdir) != NULL)
		return 0;
	fprintf(stderr,
	    PROG ": cannot make a directory in %s (mkdtemp): %s; "
		 "set TMPDIR to a writable directory\n",
	    base, strerror(errno));
	r->tmpdir[0] = '\0';
	return -1;
}

/* After the sandbox exists: the socket lingerpeer will accept on. */
static int
control_socket(struct run *r, const struct options *o)
{
	char path[sizeof(r->tmpdir) + 16];

	if (o->control_path != NULL)
		return listen_unix(r, o->control_path);
	if (private_tmpfs(r) == -1)
		return -1;
	snprintf(path, sizeof(path), "%s/control", r->tmpdir);
	return listen_unix(r, path);
}

/*
 * lingerpeer runs with stdin from /dev/null (the terminal is COMMAND's),
 * in its own process group (^C is for COMMAND), its stdout into a pipe.
 * What it prints, the ready line included, goes to our stdout.
 */
/* LINGERPEER_ADDR6 and LINGERLAB_CLIENT_ADDR6 where the kernel has IPv6. */
static int
export_v6(const struct sandbox *sb)
{
	if (!sb->has_ipv6)
		return 0;
	if (setenv("LINGERLAB_CLIENT_ADDR6", SANDBOX_CLIENT_ADDR6, 1) == -1 ||
	    setenv("LINGERPEER_ADDR6", SANDBOX_PEER_ADDR6, 1) == -1)
		return -1;
	return 0;
}

static int
start_peer(struct run *r, const struct options *o)
{
	static const char *const dflt[] = { "--port", "7000", NULL };
	struct peer_launch_opts lo = {
		.path = self_path(SELF_PEER),
		.args = o->n_peer_args > 0 ? o->peer_args : dflt,
		.control_fd = r->listen_fd,
		.detach = true,
		.echo_fd = STDOUT_FILENO,
		.echo_ready = true,
		.interrupt_fd = r->sigfd,
	};
	char why[PEER_LAUNCH_WHY_LEN];
	int rc;

	lo.addr = sandbox_peer_addrs(&r->sb); /* IPv6 too, where there is */
	rc = peer_launch_start(&r->sb, &lo, &r->peer, why, sizeof(why));
	if (rc == -1)
		fprintf(stderr, PROG ": %s%s\n", why,
		    errno == ENOENT
			? " (build lingerpeer, or set LINGERPEER to its path)"
			: "");
	/* lingerpeer has the listening socket now; ours would only linger. */
	close(r->listen_fd);
	r->listen_fd = -1;
	if (rc == -1)
		return -1;
	if (peer_launch_wait_ready(&r->peer, &lo, why, sizeof(why)) == 0)
		return 0;
	fprintf(stderr, PROG ": %s (its messages, if any, are above)\n", why);
	return -1;
}

static int
exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return EXIT_TOOL;
}

static pid_t
start_command(struct run *r, const struct options *o)
{
	static char *dflt_sh[] = { "/bin/sh", "-i", NULL };
	char *shell[2] = { getenv("SHELL"), NULL };
	char **argv = o->command;
	char ctl[SUN_PATH_LEN + 8];
	pid_t pid;

	if (argv == NULL)
		argv = shell[0] != NULL && *shell[0] != '\0' ? shell : dflt_sh;
	if (o->lab) { /* the runner's host: TCP to both, nothing else */
		if (lab_export(&r->lab) == -1)
			return -1;
		pid = sandbox_spawn(&r->sb, SANDBOX_RUNNER_SIDE, argv, NULL);
		if (pid == -1)
			fprintf(stderr, PROG ": %s\n", r->sb.errbuf);
		return pid;
	}
	if (setenv("LINGERLAB_CLIENT_ADDR", SANDBOX_CLIENT_ADDR, 1) == -1 ||
	    setenv("LINGERPEER_ADDR", SANDBOX_PEER_ADDR, 1) == -1 ||
	    export_v6(&r->sb) == -1)
		return -1;
	if (r->sock_path[0] != '\0') {
		snprintf(ctl, sizeof(ctl), "unix:%s", r->sock_path);
		if (setenv("LINGERPEER_CONTROL", ctl, 1) == -1)
			return -1;
	} else
		(void)unsetenv("LINGERPEER_CONTROL");
	pid = sandbox_spawn_client_side(&r->sb, argv);
	if (pid == -1)
		fprintf(stderr, PROG ": %s\n", r->sb.errbuf);
	return pid;
}

/*
 * --lab: the tokens in the private directory, lingerpeer behind one on side
 * B, the agent behind the other on side A; their output goes to our
 * stderr.
 */
static int
start_lab(struct run *r, const struct options *o)
{
	char why[PEER_LAUNCH_WHY_LEN];

	if (private_tmpfs(r) == -1)
		return -1;
	if (o->n_agent_cmd > 0 && o->agent_cmd[0] == NULL)
		o->agent_cmd[0] = self_path(SELF_AGENT);
	/* What they say goes to stderr: COMMAND's stdout is a report. */
	if (lab_write_tokens(&r->lab, r->tmpdir, why, sizeof(why)) == -1 ||
	    lab_start_peer(&r->lab, &r->sb, self_path(SELF_PEER), o->peer_args,
		STDERR_FILENO, why, sizeof(why)) == -1) {
		fprintf(stderr, PROG ": %s\n", why);
		return -1;
	}
	r->peer = r->lab.peer;
	r->peer_echo = STDERR_FILENO;
	if (lab_start_agent(&r->lab, &r->sb, o->agent_cmd, STDERR_FILENO, why,
		sizeof(why)) == -1) {
		fprintf(stderr, PROG ": %s%s\n", why,
		    errno == ENOENT
			? " (build lingerlab-agent, or give --agent)"
			: "");
		return -1;
	}
	/* What it says later is on its stderr, which is ours already. */
	close(r->lab.agent.out_fd);
	r->lab.agent.out_fd = -1;
	return 0;
}

/* While COMMAND runs: ^C and ^\ are its business, TERM and HUP we pass on. */
static void
on_signal(struct run *r, pid_t cmd)
{
	struct signalfd_siginfo si;

	if (read(r->sigfd, &si, sizeof(si)) != sizeof(si))
		return;
	if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGHUP)
		(void)kill(cmd, (int)si.ssi_signo);
}

static void
on_peer_exit(struct run *r, int *pidfd)
{
	char how[64];
	int status;

	if (waitpid(r->peer.pid, &status, WNOHANG) > 0) {
		peer_describe_status(status, how, sizeof(how));
		fprintf(stderr,
		    PROG ": lingerpeer stopped early (%s); COMMAND "
			 "keeps running without it\n",
		    how);
	}
	close(*pidfd);
	*pidfd = -1;
}

/* Wait for COMMAND, forwarding output and signals. Returns its status. */
static int
supervise(struct run *r, pid_t cmd)
{
	struct pollfd p[4];
	int cmd_fd, peer_fd = -1, status = 0;

	cmd_fd = pidfd_open(cmd, 0);
	if (r->peer.pid > 0)
		peer_fd = pidfd_open(r->peer.pid, 0);
	for (;;) {
		p[0] = (struct pollfd){ .fd = cmd_fd, .events = POLLIN };
		p[1] = (struct pollfd){ .fd = r->sigfd, .events = POLLIN };
		p[2] =
		    (struct pollfd){ .fd = r->peer.out_fd, .events = POLLIN };
		p[3] = (struct pollfd){ .fd = peer_fd, .events = POLLIN };
		/* Without a pidfd (old kernel), waitpid below blocks. */
		if (cmd_fd == -1 || (poll(p, 4, -1) > 0 && p[0].revents != 0))
			break;
		if (p[1].revents != 0)
			on_signal(r, cmd);
		if (p[2].revents != 0 &&
		    peer_launch_pump(r->peer.out_fd, r->peer_echo) == -1) {
			close(r->peer.out_fd);
			r->peer.out_fd = -1;
		}
		if (p[3].revents != 0)
			on_peer_exit(r, &peer_fd);
	}
	while (waitpid(cmd, &status, 0) == -1 && errno == EINTR)
		;
	if (cmd_fd >= 0)
		close(cmd_fd);
	if (peer_fd >= 0)
		close(peer_fd);
	return status;
}

/* After sandbox_close every writer is dead: copy what is left, to EOF. */
static void
drain_peer_output(struct run *r)
{
	if (r->peer.out_fd < 0)
		return;
	while (peer_launch_pump(r->peer.out_fd, r->peer_echo) == 0)
		;
	close(r->peer.out_fd);
	r->peer.out_fd = -1;
}

static int
block_signals(struct run *r)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGQUIT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1 ||
	    (r->sigfd = signalfd(-1, &set, SFD_CLOEXEC)) == -1) {
		fprintf(stderr, PROG ": signalfd: %s\n", strerror(errno));
		return -1;
	}
	/* A closed stdout must not kill us before COMMAND's status is in. */
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

int
main(int argc, char **argv)
{
	struct options o;
	struct run r = { .listen_fd = -1,
		.peer.out_fd = -1,
		.sigfd = -1,
		.peer_echo = STDOUT_FILENO };
	pid_t cmd;
	int status, e;

	if (parse_options(argc, argv, &o) == -1 || block_signals(&r) == -1 ||
	    check_lab_options(&o) == -1 ||
	    ((o.lab || !o.no_peer) && o.control_path == NULL &&
		make_tmpdir(&r) == -1)) {
		free(o.peer_args);
		free(o.agent_cmd);
		return EXIT_TOOL;
	}
	if (sandbox_open_with(&r.sb, &(struct sandbox_opts){ .lab = o.lab }) ==
	    -1) {
		fprintf(stderr, PROG ": cannot build the sandbox: %s\n",
		    r.sb.errbuf);
		finish(&r, SANDBOX_EXIT_UNAVAILABLE);
	}
	if (o.lab && start_lab(&r, &o) == -1)
		finish(&r, EXIT_TOOL);
	if (!o.lab && !o.no_peer &&
	    (control_socket(&r, &o) == -1 || start_peer(&r, &o) == -1))
		finish(&r, EXIT_TOOL);
	cmd = start_command(&r, &o);
	if (cmd == -1) {
		e = errno;
		finish(&r, e == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_RUN);
	}
	status = supervise(&r, cmd);
	sandbox_close(&r.sb);
	drain_peer_output(&r);
	free(o.peer_args);
	free(o.agent_cmd);
	finish(&r, exit_code(status));
}
