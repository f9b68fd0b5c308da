/*
 * report_int.h - what the report writers share.
 */
#ifndef LINGERLAB_REPORT_INT_H
#define LINGERLAB_REPORT_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "verdict.h"

/*
 * Length of the well-formed UTF-8 sequence at s (1 for ASCII), or 0 when
 * the bytes there are not one: overlong forms, surrogates and code points
 * past U+10FFFF are refused, as XML and JSON readers refuse them.
 */
size_t	rp_utf8_len(const unsigned char *s);
/* Its code point (s must start a sequence rp_utf8_len accepted). */
uint32_t rp_utf8_cp(const unsigned char *s, size_t n);

/* "x.scn:12" or "x.scn" for the case-level verdict. */
size_t	rp_where(const struct verdict *v, char *buf, size_t len);
/* "2.015 s" from nanoseconds, and seconds as JUnit wants them: "2.015". */
size_t	rp_secs(uint64_t ns, char *buf, size_t len);
/* Flush, and turn a stream error into -1. */
int	rp_finish(FILE *fp);

#endif
