/*
 * control_token.h - the shared secret that guards a control channel reachable
 * from beyond loopback (lingerpeer --control-token FILE, lingerlab
 * --peer-token FILE).
 *
 * The token is the first line of a file that only its owner may read: 16 to
 * 255 printable ASCII characters without spaces. A client proves it knows
 * it by sending "auth TOKEN" as its first line.
 */
#ifndef LINGERLAB_CONTROL_TOKEN_H
#define LINGERLAB_CONTROL_TOKEN_H

#include <stddef.h>

#define CONTROL_TOKEN_MIN 16
#define CONTROL_TOKEN_MAX 255

/*
 * Read the token from path into buf (at least CONTROL_TOKEN_MAX + 1 bytes).
 * Refuses a file that group or others may read, or whose token is too short,
 * too long or holds spaces or control characters. 0, or -1 with what is
 * wrong and what to do in err.
 */
int control_token_read(const char *path, char *buf, size_t len, char *err,
    size_t errlen);

/* The server's check is control_auth_token_equal() (peer/control_auth.h). */

#endif
