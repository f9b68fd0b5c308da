/*
 * size_text.c - byte counts written for people (size_text.h).
 */
#include "size_text.h"

#include <ctype.h>
#include <inttypes.h>
#include <string.h>

#include "textbuf.h"
#include "units.h"

size_t
size_words(uint64_t bytes, char *buf, size_t len)
{
	char raw[32];
	size_t i = 0;
	struct tbuf tb;

	format_size(bytes, raw, sizeof(raw));
	while (isdigit((unsigned char)raw[i]))
		i++;
	tb_init(&tb, buf, len);
	if (strcmp(raw + i, "B") == 0)
		tb_printf(&tb, "%" PRIu64 " bytes", bytes);
	else
		tb_printf(&tb, "%.*s %s (%" PRIu64 " bytes)", (int)i, raw,
		    raw + i, bytes);
	return tb.off;
}
