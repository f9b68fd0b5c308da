/*
 * utf8.h - where one UTF-8 character ends, and which it is: what the
 * escapes for XML, JSON and YAML need to refuse malformed text rather than
 * pass it on to a reader that would reject the whole document.
 */
#ifndef LINGERLAB_UTF8_H
#define LINGERLAB_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * Length of the well-formed UTF-8 sequence at s (1 for ASCII), or 0 when
 * the bytes there are not one: overlong forms, surrogates and code points
 * past U+10FFFF are refused, as XML and JSON readers refuse them. s must
 * be terminated (a NUL ends a sequence early, so nothing past it is read).
 */
size_t utf8_seq_len(const unsigned char *s);

/* Its code point (s must start a sequence utf8_seq_len() accepted). */
uint32_t utf8_code_point(const unsigned char *s, size_t n);

#endif
