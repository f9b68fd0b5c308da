/*
 * control_auth.h - the control channel's token check, line by line: what a
 * client's line means for its authentication and what to answer. Pure; the
 * server (control_server.c) keeps who has authenticated.
 */
#ifndef LINGERLAB_CONTROL_AUTH_H
#define LINGERLAB_CONTROL_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "control_exec.h"

enum control_auth {
	CAUTH_PASS,	  /* not about the token: run it as a command */
	CAUTH_OK,	  /* the right token: authenticated from now on */
	CAUTH_NOT_NEEDED, /* "auth" where none is needed, or again: ok, no change */
	CAUTH_REQUIRED, /* anything else before the token: refuse, then close */
	CAUTH_FAILED,	/* the wrong token: refuse, then close */
};

/*
 * token is the server's (NULL: none); need says this client must still
 * authenticate. For anything but CAUTH_PASS the status line is written to
 * out. A client gets one try: the caller closes it after REQUIRED or FAILED.
 */
enum control_auth control_auth_line(const char *token, bool need,
    const char *line, size_t len, struct control_out *out);

/*
 * Check a token against the expected one, in time that depends only on the
 * expected token's length, so the time taken tells nothing about how much
 * of a guess was right.
 */
bool control_auth_token_equal(const char *expected, const char *given,
    size_t given_len);

#endif
