/*
 * textbuf.h - building a line of text in a fixed buffer, piece by piece,
 * with snprintf's rules: never overflows, always terminated, and the
 * length it would have had is kept so truncation can be seen.
 *
 * The bottom of the client's layers (client/words/): the wire classifier,
 * the evaluator and the report writers all build their texts with it.
 */
#ifndef LINGERLAB_TEXTBUF_H
#define LINGERLAB_TEXTBUF_H

#include <stddef.h>

struct tbuf {
	char *buf;
	size_t len;
	size_t off; /* what has been written, or would have been */
};

void tb_init(struct tbuf *tb, char *buf, size_t len);
/* Carry on after the text already in buf (which must be terminated). */
void tb_resume(struct tbuf *tb, char *buf, size_t len);
void tb_printf(struct tbuf *tb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The whole of buf, at once: texts in verdicts are cut, never overflowed. */
void tb_set(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
