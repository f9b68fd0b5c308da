/*
 * control_auth.c - "auth TOKEN", the first line a client of a TCP control
 * endpoint must send when lingerpeer has --control-token.
 */
#include "control_auth.h"

#include <string.h>
#include <strings.h>

#include "control_proto.h"

static bool
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Does line start with the word "auth"? Then *tok is the word after it. */
static bool
is_auth(const char *line, size_t len, const char **tok, size_t *toklen)
{
	size_t i = 0;

	while (i < len && blank(line[i]))
		i++;
	if (len - i < 4 || strncasecmp(line + i, "auth", 4) != 0 ||
	    (len - i > 4 && !blank(line[i + 4])))
		return false;
	for (i += 4; i < len && blank(line[i]); i++)
		;
	*tok = line + i;
	for (*toklen = 0; i + *toklen < len && !blank(line[i + *toklen]);
	     (*toklen)++)
		;
	return true;
}

bool
control_auth_token_equal(const char *expected, const char *given,
    size_t given_len)
{
	size_t n = strlen(expected), i;
	unsigned diff = (unsigned)(n != given_len);

	/* Walk the expected token whatever was given; never stop early. */
	for (i = 0; i < n; i++)
		diff |= (unsigned char)expected[i] ^
		    (unsigned char)(i < given_len ? given[i] : 0);
	return diff == 0;
}

enum control_auth
control_auth_line(const char *token, bool need, const char *line, size_t len,
    struct control_out *out)
{
	const char *tok = "";
	size_t toklen = 0;
	bool auth = is_auth(line, len, &tok, &toklen);

	if (!auth && !need)
		return CAUTH_PASS;
	if (!need) {
		control_out_status(out, "ok %s",
		    token != NULL ? "authenticated already"
				  : "no token is needed here");
		return CAUTH_NOT_NEEDED;
	}
	if (!auth) {
		control_out_status(out,
		    "err " CONTROL_E_AUTH_REQUIRED ": this endpoint needs "
		    "the token first. Send 'auth TOKEN' with the token from lingerpeer's "
		    "--control-token file (lingerlab: --peer-token FILE)");
		return CAUTH_REQUIRED;
	}
	if (token == NULL || !control_auth_token_equal(token, tok, toklen)) {
		control_out_status(out,
		    "err " CONTROL_E_AUTH_FAILED ": wrong token. Use the "
		    "token from lingerpeer's --control-token file");
		return CAUTH_FAILED;
	}
	control_out_status(out, "ok authenticated");
	return CAUTH_OK;
}
