/*
 * control_listen.h - turn a control endpoint into a socket for the control
 * server: a listening socket, or for fd:N that is not listening, one
 * connected client. Private to control_server.c.
 */
#ifndef LINGERLAB_CONTROL_LISTEN_H
#define LINGERLAB_CONTROL_LISTEN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "endpoint.h"

struct control_socket {
	int fd;
	bool is_client; /* fd:N that is a connected socket */
	bool is_tcp;	/* a TCP listener: its clients may need a token */
	bool owns_path; /* we created path: unlink it when done */
	dev_t dev;	/* path's identity, so we only remove our own file */
	ino_t ino;
	char path[sizeof(((struct control_endpoint *)0)->path)];
};

/*
 * Non-blocking and close-on-exec. flags are control_endpoint_parse_flags()'s
 * (CEP_ALLOW_REMOTE). 0, or -1 with the reason in err.
 */
int control_socket_open(const char *endpoint, unsigned flags,
    struct control_socket *cs, char *err, size_t errlen);

/* Close it, removing the unix socket file if it is still the one we made. */
void control_socket_close(struct control_socket *cs);

#endif
