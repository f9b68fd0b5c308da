/*
 * control_token.c - read and compare control channel tokens.
 */
#include "control_token.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int
token_check(const char *path, const char *tok, size_t n, char *err,
    size_t errlen)
{
	size_t i;

	if (n < CONTROL_TOKEN_MIN || n > CONTROL_TOKEN_MAX) {
		snprintf(err, errlen,
		    "token file %s: its first line holds %zu characters; a "
		    "token has %d to %d. Make one with: head -c 24 /dev/urandom | base64 > %s",
		    path, n, CONTROL_TOKEN_MIN, CONTROL_TOKEN_MAX, path);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (tok[i] <= ' ' || tok[i] > '~') {
			snprintf(err, errlen,
			    "token file %s: character %zu of the token is a "
			    "space, control character or not ASCII. Use printable characters "
			    "only (base64 is fine)",
			    path, i + 1);
			return -1;
		}
	}
	return 0;
}

int
control_token_read(const char *path, char *buf, size_t len, char *err,
    size_t errlen)
{
	char raw[CONTROL_TOKEN_MAX + 3];
	struct stat st;
	ssize_t got;
	size_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0) {
		snprintf(err, errlen, "token file %s: cannot open: %s", path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		snprintf(err, errlen, "token file %s: cannot stat: %s", path,
		    strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || (st.st_mode & 077) != 0) {
		snprintf(err, errlen,
		    "token file %s: %s. Keep the token in a regular file "
		    "only its owner can read: chmod 600 %s",
		    path,
		    S_ISREG(st.st_mode) ? "group or others may read it"
					: "not a regular file",
		    path);
		close(fd);
		return -1;
	}
	got = read(fd, raw, sizeof(raw) - 1);
	close(fd);
	if (got < 0) {
		snprintf(err, errlen, "token file %s: cannot read: %s", path,
		    strerror(errno));
		return -1;
	}
	raw[got] = '\0';
	n = strcspn(raw, "\r\n");
	if (token_check(path, raw, n, err, errlen) < 0)
		return -1;
	if (n + 1 > len) {
		snprintf(err, errlen, "token file %s: no room for the token",
		    path);
		return -1;
	}
	memcpy(buf, raw, n);
	buf[n] = '\0';
	explicit_bzero(raw, sizeof(raw));
	return 0;
}
