/*
 * agent_main.c - lingerlab-agent: carries out a runner's socket steps on
 * the system it runs on, so that `lingerlab run --agent` tests that
 * system's TCP stack from a Linux box elsewhere on the link.
 *
 *   lingerlab-agent [--listen ADDR:PORT] [--token-file FILE] [--once]
 *
 * Standard C: the options are read by hand (no getopt), everything the
 * system does is behind platform.h and platform_net.h. docs/agent.md and
 * lingerlab-agent(8) are the manual; docs/agent-protocol.md the protocol.
 */
#include <stdio.h>
#include <string.h>

#include "agent_int.h"

#ifndef LINGERLAB_VERSION
#define LINGERLAB_VERSION "unknown"
#endif

#define PROG "lingerlab-agent"

enum {
	EXIT_STOPPED = 0, /* SIGINT, SIGTERM, or --once served its runner */
	EXIT_FAILED = 1,  /* the system failed under it while running */
	EXIT_USAGE = 2,	  /* the command line or the token file was wrong */
	EXIT_LISTEN = 3,  /* the address could not be listened on */
};

struct opts {
	const char *listen;
	const char *token_file;
	bool once;
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: " PROG
	    " [--listen ADDR:PORT] [--token-file FILE] [--once]\n"
	    "\n"
	    "Carry out a lingerlab runner's socket steps on this system, over\n"
	    "TCP (docs/agent-protocol.md). One runner at a time; every socket\n"
	    "made for a runner is reset when it goes away.\n"
	    "\n"
	    "  --listen ADDR:PORT  where runners connect (default 127.0.0.1:%d);\n"
	    "                      127.0.0.1:PORT, [::1]:PORT, localhost:PORT, or\n"
	    "                      any other address, which needs --token-file\n"
	    "  --token-file FILE   runners must send the token in FILE's first\n"
	    "                      line (16-255 printable characters; the file\n"
	    "                      readable by its owner only: chmod 600)\n"
	    "  --once              serve one runner, then exit\n"
	    "  --version           print the version and protocol, then exit\n"
	    "  -h, --help          this text\n"
	    "\n"
	    "Prints one line when it listens:\n"
	    "  " PROG
	    " ready listen=127.0.0.1:%d protocol=%d token=no os=Linux ...\n"
	    "Exit: 0 stopped (SIGINT, SIGTERM, --once done), 1 failed while\n"
	    "running, 2 usage or token file, 3 cannot listen.\n",
	    AGENT_DEFAULT_PORT, AGENT_DEFAULT_PORT, AGENT_PROTOCOL);
}

/* "--name VALUE" or "--name=VALUE" at argv[*i]: the value, or NULL. */
static const char *
value_of(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n) != 0)
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] != '\0')
		return NULL;
	if (*i + 1 >= argc || argv[*i + 1] == NULL) {
		fprintf(stderr, PROG ": %s needs a value; see --help\n", name);
		return "";
	}
	return argv[++*i];
}

/* 0 to go on, or the exit status (help and version give 0). */
static int
parse(int argc, char **argv, struct opts *o, bool *done)
{
	const char *v;
	int i;

	*done = false;
	for (i = 1; i < argc && argv[i] != NULL; i++) {
		if ((v = value_of(argc, argv, &i, "--listen")) != NULL)
			o->listen = v;
		else if ((v = value_of(argc, argv, &i, "--token-file")) != NULL)
			o->token_file = v;
		else if (strcmp(argv[i], "--once") == 0)
			o->once = true;
		else if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			*done = true;
			return EXIT_STOPPED;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf(PROG " %s protocol=%d\n", LINGERLAB_VERSION,
			    AGENT_PROTOCOL);
			*done = true;
			return EXIT_STOPPED;
		} else {
			fprintf(stderr,
			    PROG ": unknown argument '%s'; see "
				 "--help\n",
			    argv[i]);
			return EXIT_USAGE;
		}
		if (v != NULL && v[0] == '\0')
			return EXIT_USAGE;
	}
	return 0;
}

static void
print_ready(const char *bound, bool token)
{
	struct plat_os_info os;
	char name[96], kernel[384];

	plat_os_describe(&os);
	agent_pct_encode(os.name, name, sizeof(name));
	agent_pct_encode(os.kernel, kernel, sizeof(kernel));
	printf(PROG " ready listen=%s protocol=%d token=%s os=%s kernel=%s\n",
	    bound, AGENT_PROTOCOL, token ? "yes" : "no", name, kernel);
	fflush(stdout);
}

/* Listen, with the token the address needs. 0 or an exit status. */
static int
start(const struct opts *o, const char *token, plat_conn *l)
{
	char err[512], bound[80], where[32];
	bool loopback = true, bad_usage = false;

	snprintf(where, sizeof(where), "127.0.0.1:%d", AGENT_DEFAULT_PORT);
	if (plat_net_listen(o->listen != NULL ? o->listen : where, l, &loopback,
		bound, sizeof(bound), &bad_usage, err, sizeof(err)) == -1) {
		fprintf(stderr, PROG ": %s\n", err);
		return bad_usage ? EXIT_USAGE : EXIT_LISTEN;
	}
	if (!loopback && token == NULL) {
		fprintf(stderr,
		    PROG
		    ": --listen %s is reachable from other "
		    "hosts: whoever reaches it can open and reset connections "
		    "here, so it needs --token-file FILE (make one with: head "
		    "-c 24 /dev/urandom | base64 > FILE && chmod 600 FILE)\n",
		    o->listen);
		plat_net_close(*l);
		return EXIT_USAGE;
	}
	print_ready(bound, token != NULL);
	return 0;
}

int
main(int argc, char **argv)
{
	struct opts o = { NULL, NULL, false };
	struct agent_serve_opts so = { NULL, false, LINGERLAB_VERSION };
	char err[512], token[AGENT_TOKEN_MAX + 1];
	plat_conn l;
	bool done;
	int rc;

	if ((rc = parse(argc, argv, &o, &done)) != 0 || done)
		return rc;
	if (plat_net_init(err, sizeof(err)) == -1) {
		fprintf(stderr, PROG ": %s\n", err);
		return EXIT_FAILED;
	}
	if (o.token_file != NULL) {
		if (plat_net_read_token(o.token_file, token, sizeof(token), err,
			sizeof(err)) == -1) {
			fprintf(stderr, PROG ": %s\n", err);
			return EXIT_USAGE;
		}
		so.token = token;
	}
	if ((rc = start(&o, so.token, &l)) != 0)
		return rc;
	so.once = o.once;
	rc = agent_serve(l, &so, err, sizeof(err));
	plat_net_close(l);
	if (rc != 0) {
		fprintf(stderr, PROG ": %s\n", err);
		return EXIT_FAILED;
	}
	return EXIT_STOPPED;
}
