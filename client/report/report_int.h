/*
 * report_int.h - what the report writers share. Private to client/report/:
 * the escapes and the words they write with are words/ (escape.h,
 * duration_text.h), which other layers use too.
 */
#ifndef LINGERLAB_REPORT_INT_H
#define LINGERLAB_REPORT_INT_H

#include <stddef.h>
#include <stdio.h>

#include "verdict.h"

/* "x.scn:12" or "x.scn" for the case-level verdict. */
size_t	rp_where(const struct verdict *v, char *buf, size_t len);

/* Flush, and turn a stream error into -1. */
int	rp_finish(FILE *fp);

#endif
