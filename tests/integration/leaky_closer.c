/*
 * leaky_closer.c - a deliberately leaky client for `lingerlab observe`'s
 * tests: it opens N connections to the peer ($LINGERLAB_PEER_ADDR,
 * $LINGERLAB_PEER_PORT) one after the other and closes each. With --leak
 * it dup()s each socket first and never closes the copy, so every close()
 * leaks one descriptor and leaves its connection open, as a program that
 * loses track of a handle does.
 *
 * usage: leaky_closer [--leak] [--hold MS] [N]
 *   N        connections (default 10)
 *   --hold   stay alive MS milliseconds after the last close (default 300),
 *            so that a sampler sees what the program holds at the end
 * Exit status: 0 done, 1 a socket call failed, 2 usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int
usage(void)
{
	fprintf(stderr,
	    "usage: leaky_closer [--leak] [--hold MS] [N]\n"
	    "needs LINGERLAB_PEER_ADDR and LINGERLAB_PEER_PORT (lingerlab "
	    "observe sets them)\n");
	return 2;
}

static int
peer(struct sockaddr_in *sa)
{
	const char *a = getenv("LINGERLAB_PEER_ADDR");
	const char *p = getenv("LINGERLAB_PEER_PORT");

	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	if (a == NULL || p == NULL ||
	    inet_pton(AF_INET, a, &sa->sin_addr) != 1 || atoi(p) <= 0 ||
	    atoi(p) > 65535)
		return -1;
	sa->sin_port = htons((uint16_t)atoi(p));
	return 0;
}

static int
one(const struct sockaddr_in *sa, bool leak, int i)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd == -1 ||
	    connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == -1) {
		fprintf(stderr, "leaky_closer: connection %d: %s\n", i + 1,
		    strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	if (leak && dup(fd) == -1) {
		fprintf(stderr, "leaky_closer: dup: %s\n", strerror(errno));
		close(fd);
		return -1;
	}
	if (close(fd) == -1) {
		fprintf(stderr, "leaky_closer: close: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in sa;
	bool leak = false;
	long n = 10, hold = 300;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--leak") == 0)
			leak = true;
		else if (strcmp(argv[i], "--hold") == 0 && i + 1 < argc)
			hold = atol(argv[++i]);
		else if (argv[i][0] >= '0' && argv[i][0] <= '9')
			n = atol(argv[i]);
		else
			return usage();
	}
	if (peer(&sa) == -1 || n < 0 || hold < 0)
		return usage();
	for (i = 0; i < n; i++)
		if (one(&sa, leak, i) == -1)
			return 1;
	printf("leaky_closer: %ld connections closed%s\n", n,
	    leak ? ", one descriptor leaked each" : "");
	fflush(stdout);
	/* no event to wait for: the point is to be seen holding them */
	(void)poll(NULL, 0, (int)hold);
	return 0;
}
