/*
 * endpoint.c - parse a control endpoint: unix:PATH, unix:@NAME, HOST:PORT
 * (loopback unless remote ones are allowed) or fd:N.
 */
#include "endpoint.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int say(char *, size_t, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static int
say(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int
parse_port(const char *s, uint16_t *port)
{
	unsigned long v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' ||
		    (v = v * 10 + (unsigned long)(*s - '0')) > 65535)
			return -1;
	}
	if (v == 0)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

static int
parse_unix(const char *text, const char *rest, struct control_endpoint *ep,
    char *err, size_t errlen)
{
	struct sockaddr_un *sun = (struct sockaddr_un *)&ep->addr;
	bool abstract = rest[0] == '@';
	size_t n = strlen(rest + abstract);

	if (n == 0)
		return say(err, errlen,
		    "'%s' names no socket: write unix:/path/to/sock or "
		    "unix:@name",
		    text);
	if (n + 1 > sizeof(sun->sun_path))
		return say(err, errlen,
		    "'%.60s...': the socket name is %zu bytes, the "
		    "limit is %zu. Use a shorter path",
		    text, n, sizeof(sun->sun_path) - 1);
	sun->sun_family = AF_UNIX;
	if (abstract) {
		/* Abstract names start with a NUL and are not NUL-terminated. */
		ep->kind = CEP_UNIX_ABSTRACT;
		memcpy(sun->sun_path + 1, rest + 1, n);
		ep->addrlen =
		    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
	} else {
		ep->kind = CEP_UNIX;
		memcpy(sun->sun_path, rest, n + 1);
		memcpy(ep->path, rest, n + 1);
		ep->addrlen = (socklen_t)sizeof(*sun);
	}
	return 0;
}

static int
parse_fd(const char *text, const char *rest, struct control_endpoint *ep,
    char *err, size_t errlen)
{
	long v = 0;
	const char *s = rest;

	if (*s == '\0')
		return say(err, errlen,
		    "'%s' names no descriptor: write fd:N, e.g. fd:3", text);
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || (v = v * 10 + (*s - '0')) > 65535)
			return say(err, errlen,
			    "'%s': '%s' is not a descriptor number. Write "
			    "fd:N, e.g. fd:3",
			    text, rest);
	}
	ep->kind = CEP_FD;
	ep->fd = (int)v;
	return 0;
}

/*
 * Only loopback unless the caller allows more: anyone who can reach the
 * channel can reset connections, so beyond loopback a token is needed.
 */
static int
parse_tcp(const char *text, unsigned flags, struct control_endpoint *ep,
    char *err, size_t errlen)
{
	char host[64];
	const char *colon, *h = text;
	size_t hlen;
	uint16_t port;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ep->addr;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ep->addr;

	if (text[0] == '[') {
		colon = strstr(text, "]:");
		h = text + 1;
		hlen = colon != NULL ? (size_t)(colon - h) : 0;
		colon = colon != NULL ? colon + 1 : NULL;
	} else {
		colon = strrchr(text, ':');
		hlen = colon != NULL ? (size_t)(colon - text) : 0;
	}
	if (colon == NULL || hlen == 0 || hlen >= sizeof(host))
		return say(err, errlen,
		    "'%s' is not a control endpoint. Write one of " CONTROL_ENDPOINT_FORMS,
		    text);
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	if (parse_port(colon + 1, &port) < 0)
		return say(err, errlen,
		    "'%s': '%s' is not a port. Write a number from 1 to "
		    "65535",
		    text, colon + 1);
	if (strcmp(host, "localhost") == 0)
		strcpy(host, "127.0.0.1");
	ep->kind = CEP_TCP;
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		ep->remote = (ntohl(sin->sin_addr.s_addr) >> 24) != 127;
		if (ep->remote && !(flags & CEP_ALLOW_REMOTE))
			goto not_loopback;
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		ep->addrlen = sizeof(*sin);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		ep->remote = !IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr);
		if (ep->remote && !(flags & CEP_ALLOW_REMOTE))
			goto not_loopback;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		ep->addrlen = sizeof(*sin6);
		return 0;
	}
	return say(err, errlen,
	    "'%s': '%s' is not an IP address. Write 127.0.0.1:PORT, "
	    "[::1]:PORT or localhost:PORT (names are not looked up)",
	    text, host);
not_loopback:
	return say(err, errlen,
	    "'%s' is not a loopback address: without a token the "
	    "control channel is only offered on 127.0.0.0/8 and ::1. Use 127.0.0.1:PORT or "
	    "a unix: socket, or give a token file (lingerpeer --control-token FILE, "
	    "lingerlab --peer-token FILE)",
	    text);
}

int
control_endpoint_parse(const char *text, struct control_endpoint *ep, char *err,
    size_t errlen)
{
	return control_endpoint_parse_flags(text, 0, ep, err, errlen);
}

int
control_endpoint_parse_flags(const char *text, unsigned flags,
    struct control_endpoint *ep, char *err, size_t errlen)
{
	memset(ep, 0, sizeof(*ep));
	ep->fd = -1;
	if (text == NULL || *text == '\0')
		return say(err, errlen,
		    "no control endpoint given. Write one of " CONTROL_ENDPOINT_FORMS);
	if (strncmp(text, "unix:", 5) == 0)
		return parse_unix(text, text + 5, ep, err, errlen);
	if (strncmp(text, "fd:", 3) == 0)
		return parse_fd(text, text + 3, ep, err, errlen);
	return parse_tcp(text, flags, ep, err, errlen);
}
