/*
 * agent_lines.c - lines out of a byte stream, for both ends of the agent
 * protocol, with the limit enforced as the bytes arrive; and the token
 * check. Standard C only.
 */
#include "agent_proto.h"

#include <string.h>

void
agent_lines_init(struct agent_lines *lb)
{
	lb->len = 0;
	lb->skip = 0;
}

/* Drop the line given last. */
static void
drop_given(struct agent_lines *lb)
{
	if (lb->skip == 0)
		return;
	memmove(lb->buf, lb->buf + lb->skip, lb->len - lb->skip);
	lb->len -= lb->skip;
	lb->skip = 0;
}

char *
agent_lines_space(struct agent_lines *lb, size_t *room)
{
	drop_given(lb);
	*room = sizeof(lb->buf) - lb->len;
	return lb->buf + lb->len;
}

void
agent_lines_added(struct agent_lines *lb, size_t n)
{
	lb->len += n;
}

int
agent_lines_next(struct agent_lines *lb, const char **line, size_t *len)
{
	const char *nl;
	size_t n;

	drop_given(lb);
	nl = memchr(lb->buf, '\n', lb->len);
	/*
	 * No newline yet: past the limit as soon as a byte after the
	 * AGENT_LINE_MAX allowed is anything but the '\r' of a "\r\n".
	 */
	if (nl == NULL)
		return lb->len > AGENT_LINE_MAX &&
			(lb->len == sizeof(lb->buf) ||
			    lb->buf[AGENT_LINE_MAX] != '\r')
		    ? -1
		    : 0;
	n = (size_t)(nl - lb->buf);
	if (n > 0 && lb->buf[n - 1] == '\r')
		n--;
	if (n > AGENT_LINE_MAX)
		return -1;
	*line = lb->buf;
	*len = n;
	lb->skip = (size_t)(nl - lb->buf) + 1;
	return 1;
}

bool
agent_lines_partial(const struct agent_lines *lb)
{
	return lb->len > lb->skip;
}

/* ---- the token ---- */

bool
agent_token_equal(const char *expected, const char *given)
{
	size_t n = strlen(expected), i, glen = strlen(given);
	unsigned char diff = (unsigned char)(n != glen);
	volatile unsigned char acc = 0;

	/* Every byte of the expected token is looked at, whatever matches. */
	for (i = 0; i < n; i++)
		acc |= (unsigned char)(expected[i] ^ (i < glen ? given[i] : 0));
	return (acc | diff) == 0;
}
