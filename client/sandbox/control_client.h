/*
 * control_client.h - talk to lingerpeer's control channel: endpoints, a
 * small blocking client, and helpers to read KEY=VALUE reply fields.
 *
 * The protocol (docs/control-protocol.md) is one command per line; each
 * reply is zero or more data lines and one status line, "ok ..." or
 * "err CODE: message". This library sends a command and collects its
 * reply with a timeout, for the tests and for the lingerlab driver. It
 * links no peer code, so anything may use it.
 */
#ifndef LINGERLAB_CONTROL_CLIENT_H
#define LINGERLAB_CONTROL_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "endpoint.h"
#include <sys/socket.h>
#include <sys/un.h>

/* A reply as received. lines and status are owned by the reply. */
struct control_reply {
	bool ok;
	char code[32]; /* "" when ok; else the error code, e.g. "no-conn" */
	char *status;  /* the status line, without newline */
	const char
	    *message; /* in status: after "ok " or "err CODE: " ("" if none) */
	size_t nlines;
	char **lines; /* data lines, without newlines */
};

struct control_client;

/*
 * Connect within timeout_ms (negative: no limit). For fd:N the descriptor
 * is taken over and closed by control_client_close(). NULL on failure, with
 * the reason in err.
 */
struct control_client *control_client_open(const char *endpoint, int timeout_ms,
    char *err, size_t errlen);
void control_client_close(struct control_client *c);

/*
 * The same, then, if token is not NULL, authenticate with "auth TOKEN" before
 * anything else (docs/control-protocol.md, Tokens). With a token, endpoints
 * beyond loopback are allowed. NULL on failure, with the reason in err (a
 * refused token included).
 */
struct control_client *control_client_open_token(const char *endpoint,
    const char *token, int timeout_ms, char *err, size_t errlen);

/*
 * Send one command (no newline in it) and collect the whole reply within
 * timeout_ms. Returns 0 when a reply came, ok or err alike: check reply->ok.
 * Returns -1 with err filled when the reply could not be had (timeout,
 * connection closed); the client then refuses further requests, because a
 * late reply would be taken for the next command's.
 * For wait, give timeout_ms more than the wait's own timeout= so the
 * server's explanation arrives rather than a bare client timeout.
 */
int control_request(struct control_client *c, const char *command,
    int timeout_ms, struct control_reply *reply, char *err, size_t errlen);

/* printf-style command; the text must fit in 4096 bytes. */
int control_requestf(struct control_client *c, int timeout_ms,
    struct control_reply *reply, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

void control_reply_free(struct control_reply *r);

/*
 * Find "key=value" among the space-separated words of line and copy value
 * (which runs to the next space and may itself hold '=') into buf. Returns
 * the value's length, or -1 if the key is absent or the value does not fit.
 */
int control_field(const char *line, const char *key, char *buf, size_t len);
/* The same for a decimal number; -1 if absent or not a number. */
int control_field_u64(const char *line, const char *key, uint64_t *out);

#endif
