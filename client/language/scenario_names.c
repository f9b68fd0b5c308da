/*
 * scenario_names.c - the words an expectation may name that come from
 * outside the language: errno names (POSIX and Winsock), and the peer
 * conditions of "wait peer" and "expect peer", which lingerpeer's own
 * control-protocol parser judges so that a file that checks is one the
 * peer accepts.
 */
#include "scenario_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "control_proto.h"

/* ---- error names ---- */

static const char *const errnos[] = {
	"EWOULDBLOCK",
	"EAGAIN",
	"ECONNRESET",
	"EPIPE",
	"ECONNREFUSED",
	"ETIMEDOUT",
	"EINPROGRESS",
	"EALREADY",
	"ENOTCONN",
	"EISCONN",
	"EINTR",
	"EBADF",
	"EINVAL",
	"ENOBUFS",
	"ENOMEM",
	"EHOSTUNREACH",
	"ENETUNREACH",
	"ENETDOWN",
	"ENETRESET",
	"ECONNABORTED",
	"EADDRINUSE",
	"EADDRNOTAVAIL",
	"EAFNOSUPPORT",
	"EACCES",
	"EPERM",
	"ENOTSOCK",
	"EOPNOTSUPP",
	"ENOPROTOOPT",
	"EMSGSIZE",
	"EFAULT",
	"EMFILE",
	"ENFILE",
	"ESHUTDOWN",
	"EDESTADDRREQ",
	"EHOSTDOWN",
	"EPROTOTYPE",
	"EDOM",
	"WSAEWOULDBLOCK",
	"WSAECONNRESET",
	"WSAECONNABORTED",
	"WSAENOTCONN",
	"WSAETIMEDOUT",
	"WSAEINPROGRESS",
	"WSAEALREADY",
	"WSAECONNREFUSED",
	"WSAEINTR",
	"WSAEINVAL",
	"WSAEBADF",
	"WSAENOTSOCK",
	"WSAESHUTDOWN",
	"WSAENOBUFS",
	"WSAEHOSTUNREACH",
	"WSAENETUNREACH",
	"WSAENETDOWN",
	"WSAENETRESET",
	"WSAEISCONN",
	"WSAEADDRINUSE",
	"WSAEADDRNOTAVAIL",
	"WSAEMSGSIZE",
	"WSAEFAULT",
	"WSAEACCES",
	"WSAEOPNOTSUPP",
	"WSAENOPROTOOPT",
	"WSAEMFILE",
	"WSAEHOSTDOWN",
};

#define NERRNOS (sizeof(errnos) / sizeof(errnos[0]))

bool
scn_errno_known(const char *name)
{
	size_t i;

	for (i = 0; i < NERRNOS; i++)
		if (strcmp(errnos[i], name) == 0)
			return true;
	return false;
}

/* The known name closest to a misspelt one, or NULL. */
const char *
scn_errno_suggest(const char *name)
{
	return scn_suggest(name, errnos, NERRNOS);
}

bool
scn_errno_is_winsock(const char *name)
{
	return strncmp(name, "WSA", 3) == 0 && scn_errno_known(name);
}

static bool
is_eagain(const char *s)
{
	return strcmp(s, "EAGAIN") == 0 || strcmp(s, "EWOULDBLOCK") == 0;
}

bool
scn_errno_same(const char *a, const char *b)
{
	return strcmp(a, b) == 0 || (is_eagain(a) && is_eagain(b));
}

/* ---- peer conditions ---- */

/* "word 3 ('fins>>2') has a bad operator" -> "has a bad operator" */
static const char *
strip_word_prefix(const char *m)
{
	const char *e;

	if (strncmp(m, "word ", 5) != 0)
		return m;
	for (m += 5; *m >= '0' && *m <= '9'; m++)
		continue;
	if (strncmp(m, " ('", 3) == 0 && (e = strstr(m, "')")) != NULL)
		m = e + 2;
	else if (strncmp(m, " (", 2) == 0 && (e = strchr(m, ')')) != NULL)
		m = e + 1;
	while (*m == ':' || *m == ' ')
		m++;
	return m;
}

/*
 * lingerpeer's parser is the judge of a condition, since lingerpeer will be
 * the one to read it: the condition goes through control_parse() as the
 * runner will send it. Its message splits at ". " into ours and a hint.
 */
int
scn_check_cond(struct scn_ctx *c, const char *cond, uint32_t col,
    struct control_cond *out)
{
	struct control_cmd cmd;
	struct control_error ce;
	const char *m, *dot;
	char *line, hint[sizeof(ce.msg)];
	size_t i, n = strlen(cond);
	int r;

	for (i = 0; i < n; i++)
		if ((unsigned char)cond[i] >= 0x80)
			return scn_fail(c, col, COND_HINT,
			    "a condition is plain ASCII");
	if (strncasecmp(cond, "timeout=", 8) == 0)
		return scn_fail(c, col,
		    "write 'within DURATION' after the conditions",
		    "timeout= is written within here");
	if ((line = malloc(n + 16)) == NULL)
		return scn_fail(c, col, "", "out of memory");
	snprintf(line, n + 16, "wait last %s", cond);
	r = control_parse(line, strlen(line), &cmd, &ce);
	free(line);
	if (r < 0) {
		m = strip_word_prefix(ce.msg);
		if ((dot = strstr(m, ". ")) != NULL)
			snprintf(hint, sizeof(hint), "%c%s",
			    tolower((unsigned char)dot[2]), dot + 3);
		return scn_fail(c, col, dot != NULL ? hint : COND_HINT,
		    "bad condition "
		    "\"%.40s\": %.*s",
		    cond, (int)(dot != NULL ? dot - m : (int)strlen(m)), m);
	}
	if (cmd.ncond != 1)
		return scn_fail(c, col, COND_HINT,
		    "expected a condition, got \"%.40s\"", cond);
	*out = cmd.cond[0];
	return 0;
}
