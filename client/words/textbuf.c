/*
 * textbuf.c - a line of text built in a fixed buffer (textbuf.h).
 */
#include "textbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void
tb_init(struct tbuf *tb, char *buf, size_t len)
{
	tb->buf = buf;
	tb->len = len;
	tb->off = 0;
	if (len > 0)
		buf[0] = '\0';
}

void
tb_resume(struct tbuf *tb, char *buf, size_t len)
{
	tb->buf = buf;
	tb->len = len;
	tb->off = strnlen(buf, len);
}

void
tb_printf(struct tbuf *tb, const char *fmt, ...)
{
	va_list ap;
	size_t room = tb->off < tb->len ? tb->len - tb->off : 0;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room > 0 ? tb->buf + tb->off : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		tb->off += (size_t)n;
}

void
tb_set(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (len == 0)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}
