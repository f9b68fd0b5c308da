/*
 * escape.h - text from outside (scenario files, the peer, the program
 * `lingerlab observe` watched) written where it could otherwise do harm:
 * to a terminal, into XML, SVG and HTML, into JSON and YAML strings.
 *
 * Whatever the text holds, the result is well-formed for its reader and
 * cannot repaint a screen; what the reader cannot carry at all becomes
 * '?' (or U+FFFD in JSON) rather than being dropped silently.
 */
#ifndef LINGERLAB_ESCAPE_H
#define LINGERLAB_ESCAPE_H

#include <stdbool.h>
#include <stdio.h>

/* One byte for a terminal: control characters become '?'. */
static inline char
esc_terminal_char(unsigned char c)
{
	return (char)(c < 0x20 || c == 0x7f ? '?' : c);
}

/* s for a terminal, each byte as esc_terminal_char() gives it. */
void esc_put_terminal(FILE *fp, const char *s);

/*
 * s for XML (and XHTML, SVG): markup characters escaped, and what XML
 * 1.0 cannot hold at all (most control characters, malformed UTF-8) as
 * '?', so the document is always well-formed. In attributes (attr) quotes,
 * line ends and tabs are written as references so they survive.
 */
void esc_put_xml(FILE *fp, const char *s, bool attr);

/*
 * s as a double-quoted string: JSON's escapes (\u0001, U+FFFD for bytes
 * that are not UTF-8), or those of the YAML that TAP::Parser reads, which
 * knows \x01 but not \u (and gets '?' for such bytes).
 */
enum esc_quote { ESC_QUOTE_JSON, ESC_QUOTE_YAML };
void esc_put_quoted(FILE *fp, const char *s, enum esc_quote style);

#endif
