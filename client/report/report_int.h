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
size_t rp_where(const struct verdict *v, char *buf, size_t len);

/*
 * Lab mode, in words: "Linux 6.1.0 (Debian GNU/Linux 12) on host sut,
 * through lingerlab-agent at 198.51.100.2:7900; the wire as lingerpeer at
 * 198.51.100.6:7999 saw it; clocks agree within 41 us" (rp_lab_system), and
 * the bound alone, "41 us" (rp_lab_bound).
 */
size_t rp_lab_system(const struct obs_lab *lab, char *buf, size_t len);
size_t rp_lab_bound(const struct obs_lab *lab, char *buf, size_t len);

/* Flush, and turn a stream error into -1. */
int rp_finish(FILE *fp);

#endif
