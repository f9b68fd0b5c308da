/*
 * report_int.h - what the report writers share.
 */
#ifndef LINGERLAB_REPORT_INT_H
#define LINGERLAB_REPORT_INT_H

#include <stdbool.h>
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

/*
 * s as a double-quoted string: JSON's escapes (\u0001, U+FFFD for bytes
 * that are not UTF-8), or those of the YAML that TAP::Parser reads, which
 * knows \x01 but not \u (and gets '?' for such bytes).
 */
enum rp_quote { RP_QUOTE_JSON, RP_QUOTE_YAML };
void	rp_put_quoted(FILE *fp, const char *s, enum rp_quote style);

/* "x.scn:12" or "x.scn" for the case-level verdict. */
size_t	rp_where(const struct verdict *v, char *buf, size_t len);
/* "2.015 s" from nanoseconds, and seconds as JUnit wants them: "2.015". */
size_t	rp_secs(uint64_t ns, char *buf, size_t len);
/*
 * Text from scenario files and the peer, for a terminal: control
 * characters become '?', so a stray escape cannot repaint the screen.
 */
void	rp_put_text(FILE *fp, const char *s);
/*
 * The same for XML (and XHTML): markup characters escaped, and what XML
 * 1.0 cannot hold at all (most control characters, malformed UTF-8) as
 * '?', so the document is always well-formed. In attributes (attr) quotes,
 * line ends and tabs are written as references so they survive.
 */
void	rp_xml_put(FILE *fp, const char *s, bool attr);

/* A JSON string, quotes included; malformed UTF-8 becomes U+FFFD. */


/* Flush, and turn a stream error into -1. */
int	rp_finish(FILE *fp);

#endif
