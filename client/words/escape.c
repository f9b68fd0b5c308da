/*
 * escape.c - text from outside made safe for its reader (escape.h).
 */
#include "escape.h"

#include <stdint.h>

#include "utf8.h"

void
esc_put_terminal(FILE *fp, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		fputc(esc_terminal_char(*p), fp);
}

/* XML 1.0's Char production, for the code points UTF-8 can carry. */
static bool
xml_char(uint32_t cp)
{
	if (cp < 0x20)
		return cp == '\t' || cp == '\n' || cp == '\r';
	return cp != 0xfffe && cp != 0xffff;
}

void
esc_put_xml(FILE *fp, const char *s, bool attr)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	for (; *p != '\0'; p += n) {
		n = utf8_seq_len(p);
		if (n == 0 || !xml_char(utf8_code_point(p, n))) {
			fputc('?', fp);
			n = 1;
		} else if (*p == '&')
			fputs("&amp;", fp);
		else if (*p == '<')
			fputs("&lt;", fp);
		else if (*p == '>')
			fputs("&gt;", fp);
		else if (*p == '"' && attr)
			fputs("&quot;", fp);
		else if (*p == '\'' && attr)
			fputs("&apos;", fp);
		else if (attr && (*p == '\n' || *p == '\r' || *p == '\t'))
			fprintf(fp, "&#%u;", *p);
		else
			fwrite(p, 1, n, fp);
	}
}

void
esc_put_quoted(FILE *fp, const char *s, enum esc_quote style)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	fputc('"', fp);
	for (; *p != '\0'; p += n) {
		n = utf8_seq_len(p);
		if (n == 0) {
			fputs(style == ESC_QUOTE_JSON ? "\\ufffd" : "?", fp);
			n = 1;
		} else if (*p == '"' || *p == '\\')
			fprintf(fp, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", fp);
		else if (*p == '\t')
			fputs("\\t", fp);
		else if (*p == '\r')
			fputs("\\r", fp);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(fp,
			    style == ESC_QUOTE_JSON ? "\\u%04x" : "\\x%02x",
			    *p);
		else
			fwrite(p, 1, n, fp);
	}
	fputc('"', fp);
}
