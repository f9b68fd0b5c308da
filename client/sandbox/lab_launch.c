/*
 * lab_launch.c - lingerpeer and lingerlab-agent started in a lab sandbox,
 * each behind a token (lab_launch.h).
 *
 * The tokens are fresh random text for every lab, written where the
 * caller says (a private tmpfs in lingerlab-sandbox: gone with it), and
 * handed to the runner as the paths a lab's user would copy them to.
 */
#include "lab_launch.h"
#include "self_paths.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#define TOKEN_LEN 32
#define MAX_ARGS  32

/* TOKEN_LEN printable characters from the kernel's random bytes. */
static int
make_token(char *out)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				       "abcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned char raw[TOKEN_LEN];
	size_t i;

	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
		return -1;
	for (i = 0; i < TOKEN_LEN; i++)
		out[i] = alphabet[raw[i] % 64];
	out[TOKEN_LEN] = '\n';
	return 0;
}

static int
write_token(const char *path, char *why, size_t whylen)
{
	char text[TOKEN_LEN + 1];
	int fd, e = 0;

	if (make_token(text) == -1) {
		snprintf(why, whylen, "cannot make a token (getrandom): %s",
		    strerror(errno));
		return -1;
	}
	errno = 0;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) ==
	    -1)
		e = errno;
	else if (write(fd, text, sizeof(text)) != (ssize_t)sizeof(text))
		e = errno != 0 ? errno : EIO;
	if (fd >= 0 && close(fd) == -1 && e == 0)
		e = errno;
	if (e != 0) {
		snprintf(why, whylen, "cannot write the token %s: %s", path,
		    strerror(e));
		return -1;
	}
	return 0;
}

int
lab_write_tokens(struct lab *l, const char *dir, char *why, size_t whylen)
{
	if ((size_t)snprintf(l->agent_token, sizeof(l->agent_token),
		"%s/agent.token", dir) >= sizeof(l->agent_token) ||
	    (size_t)snprintf(l->peer_token, sizeof(l->peer_token),
		"%s/peer.token", dir) >= sizeof(l->peer_token)) {
		snprintf(why, whylen,
		    "the folder for the lab's tokens has too "
		    "long a path: %s",
		    dir);
		return -1;
	}
	if (write_token(l->agent_token, why, whylen) == -1 ||
	    write_token(l->peer_token, why, whylen) == -1)
		return -1;
	return 0;
}

int
lab_start_peer(struct lab *l, struct sandbox *sb, const char *path,
    const char *const *args, int echo_fd, char *why, size_t whylen)
{
	const char *argv[MAX_ARGS + 5] = { "--control", LAB_PEER_CONTROL,
		"--control-token", l->peer_token };
	struct peer_launch_opts lo = { .path = path,
		.args = argv,
		.control_fd = -1,
		.detach = true,
		.echo_fd = echo_fd,
		.echo_ready = true,
		.interrupt_fd = -1 };
	size_t n = 4, i;

	lo.addr = sandbox_peer_addrs(sb); /* IPv6 too, where there is */
	l->ipv6 = sb->has_ipv6;
	for (i = 0; args != NULL && args[i] != NULL; i++) {
		if (i == MAX_ARGS) {
			snprintf(why, whylen,
			    "more than %d lingerpeer "
			    "arguments",
			    MAX_ARGS);
			return -1;
		}
		argv[n++] = args[i];
	}
	argv[n] = NULL;
	if (peer_launch_start(sb, &lo, &l->peer, why, whylen) == -1)
		return -1;
	return peer_launch_wait_ready(&l->peer, &lo, why, whylen);
}

int
lab_start_agent(struct lab *l, struct sandbox *sb, const char *const *prefix,
    int echo_fd, char *why, size_t whylen)
{
	const char *dflt[] = { self_path(SELF_AGENT), NULL };
	const char *argv[MAX_ARGS + 5];
	size_t n = 0, i;

	if (prefix == NULL || prefix[0] == NULL)
		prefix = dflt;
	for (i = 0; prefix[i] != NULL; i++) {
		if (i == MAX_ARGS) {
			snprintf(why, whylen,
			    "more than %d words in the agent's "
			    "command",
			    MAX_ARGS);
			return -1;
		}
		argv[n++] = prefix[i];
	}
	argv[n++] = "--listen";
	argv[n++] = LAB_AGENT_ENDPOINT;
	argv[n++] = "--token-file";
	argv[n++] = l->agent_token;
	argv[n] = NULL;
	return agent_launch(sb, SANDBOX_CLIENT_SIDE, (char *const *)argv,
	    echo_fd, &l->agent, why, whylen);
}

int
lab_export(const struct lab *l)
{
	if (setenv("LINGERLAB_AGENT", LAB_AGENT_ENDPOINT, 1) == -1 ||
	    setenv("LINGERLAB_AGENT_TOKEN", l->agent_token, 1) == -1 ||
	    setenv("LINGERPEER_CONTROL", LAB_PEER_CONTROL, 1) == -1 ||
	    setenv("LINGERPEER_TOKEN", l->peer_token, 1) == -1 ||
	    setenv("LINGERPEER_ADDR", SANDBOX_PEER_ADDR, 1) == -1 ||
	    setenv("LINGERLAB_CLIENT_ADDR", SANDBOX_CLIENT_ADDR, 1) == -1)
		return -1;
	if (l->ipv6 &&
	    (setenv("LINGERPEER_ADDR6", SANDBOX_PEER_ADDR6, 1) == -1 ||
		setenv("LINGERLAB_CLIENT_ADDR6", SANDBOX_CLIENT_ADDR6, 1) ==
		    -1))
		return -1;
	return 0;
}
