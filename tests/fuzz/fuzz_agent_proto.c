/*
 * fuzz_agent_proto.c - libFuzzer target for lingerlab-agent's protocol
 * codec (client/agent/agent_proto.h), both halves: what the agent reads
 * from a runner and what the runner reads from an agent, each as hostile
 * as the input makes it.
 *
 * The input is a byte stream; its first byte picks the sizes of the reads
 * it arrives in (as TCP would cut it). Each line out of the line buffer is
 * parsed as a request and as a reply, and every reader of replies runs on
 * it. Checked properties, beyond no crash and no undefined behaviour:
 *  - a refused line has a code and a printable one-line message, and the
 *    err reply made of them is one line that reads back with that code;
 *  - a request taken is written back to a line that parses to the very
 *    same request (the runner and the agent agree on every field);
 *  - the line buffer never gives a line over AGENT_LINE_MAX, and a line
 *    that would be one is refused.
 * Any violation aborts, which libFuzzer reports with the input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
require(bool ok, const char *what, const char *text, size_t len)
{
	if (ok)
		return;
	fprintf(stderr, "fuzz_agent_proto: property violated: %s: '%.*s'\n",
	    what, (int)(len > 300 ? 300 : len), text);
	abort();
}

static bool
printable(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return false;
	return true;
}

static void
as_request(const char *line, size_t len)
{
	static struct agent_req r, again;
	struct agent_error e, e2;
	struct agent_reply rep;
	char buf[AGENT_LINE_MAX + 2];
	size_t n;

	if (agent_parse_request(line, len, &r, &e) == -1) {
		require(e.code != NULL && e.msg[0] != '\0',
		    "error without text", line, len);
		require(printable(e.msg, strlen(e.msg)), "unprintable error",
		    e.msg, strlen(e.msg));
		n = agent_format_err(e.code, e.msg, buf, AGENT_REPLY_MAX);
		require(n > 0 && buf[n - 1] == '\n' && printable(buf, n - 1),
		    "err reply not one printable line", buf, n);
		require(agent_parse_reply(buf, n, &rep) == 0 && !rep.ok &&
			strcmp(rep.code, e.code) == 0,
		    "err reply reads back wrong", buf, n);
		return;
	}
	n = agent_format_request(&r, buf, sizeof(buf));
	require(n > 0 && buf[n - 1] == '\n', "request not written back", line,
	    len);
	require(agent_parse_request(buf, n - 1, &again, &e2) == 0,
	    "written request refused", buf, n);
	require(memcmp(&r, &again, sizeof(r)) == 0,
	    "request changed on the way", buf, n);
}

static void
as_reply(const char *line, size_t len)
{
	static struct agent_reply r;
	struct plat_os_info os;
	struct agent_names names;
	struct plat_call c;
	struct plat_proc p;
	struct plat_socks s;
	const char *cnames[] = { "TCPAbortOnLinger", "x" };
	int64_t v[2];
	uint64_t sig, now;
	uint32_t proto, sock;
	char val[64];
	bool auth;

	(void)agent_parse_greeting(line, len, &proto, &auth);
	if (agent_parse_reply(line, len, &r) == -1)
		return;
	require(strlen(r.text) <= AGENT_LINE_MAX, "reply text too long", line,
	    len);
	(void)agent_reply_hello(&r, &proto, &os, &now);
	(void)agent_reply_call(&r, &c, &sock, &names, &sig);
	(void)agent_reply_names(&r, &names);
	(void)agent_reply_proc(&r, &p);
	(void)agent_reply_socks(&r, &s);
	(void)agent_reply_counters(&r, cnames, 2, v);
	if (agent_reply_field(&r, "state", val, sizeof(val)) >= 0)
		require(strlen(val) < sizeof(val), "field overran", line, len);
	(void)agent_reply_i64(&r, "ret", &v[0]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct agent_lines lb;
	const char *line;
	size_t chunk, off = 1, room, n, len;
	char *space;
	int k;

	if (size == 0)
		return 0;
	chunk = (size_t)data[0] % 64 + 1;
	agent_lines_init(&lb);
	while (off < size) {
		space = agent_lines_space(&lb, &room);
		n = size - off < chunk ? size - off : chunk;
		if (n > room)
			n = room;
		if (n == 0)
			break; /* full without a line: refused below already */
		memcpy(space, data + off, n);
		agent_lines_added(&lb, n);
		off += n;
		while ((k = agent_lines_next(&lb, &line, &len)) == 1) {
			require(len <= AGENT_LINE_MAX, "line over the limit",
			    line, len);
			as_request(line, len);
			as_reply(line, len);
		}
		if (k == -1)
			return 0; /* the agent ends the session here */
	}
	return 0;
}
