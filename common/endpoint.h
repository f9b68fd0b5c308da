/*
 * endpoint.h - how a control channel's address is written, for both ends:
 * lingerpeer listens on one (peer/control_listen.c), lingerlab and the
 * tests connect to one (control_client.c). Parsing only; no socket is made.
 */
#ifndef LINGERLAB_ENDPOINT_H
#define LINGERLAB_ENDPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/un.h>

/*
 * Where a control channel is, written as text (the same on both sides):
 *   unix:PATH        a filesystem socket
 *   unix:@NAME       a Linux abstract socket
 *   127.0.0.1:PORT   TCP on loopback (any 127.x.y.z, [::1]:PORT, localhost:PORT);
 *                    other addresses (IP:PORT, [IPV6]:PORT) only with
 *                    CEP_ALLOW_REMOTE, which lingerpeer sets when clients must
 *                    send a token first (--control-token, control_token.h)
 *   fd:N             an inherited descriptor: a listening socket, or one end
 *                    of an already connected stream socket
 */
#define CONTROL_ENDPOINT_FORMS                                                 \
	"unix:PATH, unix:@NAME, 127.0.0.1:PORT, [::1]:PORT or fd:N"

enum control_endpoint_kind {
	CEP_UNIX, /* filesystem path in path */
	CEP_UNIX_ABSTRACT,
	CEP_TCP,
	CEP_FD,
};

struct control_endpoint {
	enum control_endpoint_kind kind;
	struct sockaddr_storage addr; /* not for CEP_FD */
	socklen_t addrlen;
	bool remote; /* CEP_TCP beyond loopback (CEP_ALLOW_REMOTE) */
	int fd;	     /* CEP_FD */
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)]; /* CEP_UNIX */
};

/* Parse text; 0, or -1 with what is wrong and what to write in err. */
int control_endpoint_parse(const char *text, struct control_endpoint *ep,
    char *err, size_t errlen);

/* Accept TCP addresses beyond loopback too (ep->remote tells). */
#define CEP_ALLOW_REMOTE 1u

/* control_endpoint_parse() with CEP_ flags. */
int control_endpoint_parse_flags(const char *text, unsigned flags,
    struct control_endpoint *ep, char *err, size_t errlen);

#endif
