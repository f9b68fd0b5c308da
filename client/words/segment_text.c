/*
 * segment_text.c - a TCP segment's flags written for people
 * (segment_text.h).
 */
#include "segment_text.h"

#include "segment.h"
#include "textbuf.h"

/* tcpdump's letters, ACK last as its ".". */
static const struct {
	uint8_t bit;
	char c;
} flag_letters[] = {
	{ TCPF_FIN, 'F' },
	{ TCPF_SYN, 'S' },
	{ TCPF_RST, 'R' },
	{ TCPF_PSH, 'P' },
	{ TCPF_URG, 'U' },
	{ TCPF_ECE, 'E' },
	{ TCPF_CWR, 'W' },
	{ TCPF_ACK, '.' },
};

size_t
tcpf_letters(uint8_t flags, char *buf, size_t len)
{
	struct tbuf tb;
	size_t i;

	tb_init(&tb, buf, len);
	if (flags == 0)
		tb_printf(&tb, "none");
	for (i = 0; i < sizeof(flag_letters) / sizeof(flag_letters[0]); i++)
		if (flags & flag_letters[i].bit)
			tb_printf(&tb, "%c", flag_letters[i].c);
	return tb.off;
}

size_t
tcpf_words(uint8_t flags, char *buf, size_t len)
{
	static const struct {
		uint8_t bit;
		const char *word;
	} words[] = {
		{ TCPF_SYN, "SYN" },
		{ TCPF_FIN, "FIN" },
		{ TCPF_RST, "RST" },
		{ TCPF_PSH, "PSH" },
		{ TCPF_URG, "URG" },
		{ TCPF_ECE, "ECE" },
		{ TCPF_CWR, "CWR" },
		{ TCPF_ACK, "ACK" },
	};
	struct tbuf tb;
	size_t i, n = 0;

	tb_init(&tb, buf, len);
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (flags & words[i].bit)
			tb_printf(&tb, "%s%s", n++ > 0 ? " " : "",
			    words[i].word);
	if (n == 0)
		tb_printf(&tb, "no flags");
	return tb.off;
}
