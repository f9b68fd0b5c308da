/*
 * fuzz_control_client.c - libFuzzer target for the client side of the
 * control channel (client/sandbox/control_client.c): what lingerlab and the tests
 * read back from a lingerpeer, which may be another program, a wrong
 * endpoint, or a peer that died mid-reply.
 *
 * The first input line is an endpoint text for control_endpoint_parse();
 * the rest is the server's side of the conversation, written whole into a
 * socketpair whose other end the client reads through fd:N, then closed.
 * The client sends commands until a request fails. Checked properties,
 * beyond no crash, no leak and no undefined behaviour:
 *  - an endpoint is accepted or refused with a reason, and a unix path
 *    always fits its sockaddr;
 *  - a reply is data lines with no newline in them and one status line
 *    ("ok..." or "err ..."), whose code is a prefix of what follows "err ";
 *  - a failed request says why;
 *  - control_field() values are the text after "key=" in the line, up to a
 *    space, and control_field_u64() accepts digits only;
 *  - an event line read as a segment (control_events.c, lab mode's wire)
 *    is an "event" line with its in/out word, whose seq= and len= words
 *    hold the numbers read; a status read as an events status says "ok",
 *    with "since=" when it says there is more.
 * Any violation aborts, which libFuzzer reports with the input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "control_client.h"
#include "control_events.h"

#define MAX_REQUESTS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
require(bool ok, const char *what, const char *text)
{
	if (ok)
		return;
	fprintf(stderr,
	    "fuzz_control_client: property violated: %s: '%.300s'\n", what,
	    text);
	abort();
}

static void
check_endpoint(const char *text)
{
	struct control_endpoint ep;
	char err[256] = "";

	if (control_endpoint_parse(text, &ep, err, sizeof(err)) == -1) {
		require(err[0] != '\0', "endpoint refused without a reason",
		    text);
		return;
	}
	if (ep.kind == CEP_UNIX)
		require(memchr(ep.path, '\0', sizeof(ep.path)) != NULL,
		    "unix path unterminated", text);
	if (ep.kind == CEP_FD)
		require(ep.fd >= 0, "negative fd", text);
	else
		require(ep.addrlen > 0 && ep.addrlen <= sizeof(ep.addr),
		    "address length", text);
}

/* A field's value is in the line, right after "key=". */
static void
check_fields(const char *line)
{
	static const char *keys[] = { "conn", "state", "fins", "waited", "id",
		"a", "" };
	char val[64], key[80];
	uint64_t u;
	size_t k;
	int n;

	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		n = control_field(line, keys[k], val, sizeof(val));
		if (n >= 0) {
			require((size_t)n == strlen(val) &&
				strchr(val, ' ') == NULL,
			    "field value", line);
			snprintf(key, sizeof(key), "%s=%s", keys[k], val);
			require(strstr(line, key) != NULL, "field not in line",
			    line);
		}
		if (control_field_u64(line, keys[k], &u) == 0) {
			require(n > 0 && strspn(val, "0123456789") == (size_t)n,
			    "u64 of a non-number", line);
		}
	}
}

/* Lab mode's readings of the same lines (control_events.h). */
static void
check_events(const char *line, bool status)
{
	struct control_seg_event ev;
	uint64_t lost, next, ns;
	char key[48];
	bool more;
	int k;

	if (status) {
		if (control_events_status(line, &lost, &more, &next) == 0)
			require(strncmp(line, "ok ", 3) == 0 &&
				(!more || strstr(line, "since=") != NULL),
			    "events status", line);
		if (control_clock_parse(line, &ns) == 0)
			require(strstr(line, "now=") != NULL, "clock", line);
		return;
	}
	k = control_event_segment(line, &ev);
	require(k >= -1 && k <= 1, "event result", line);
	if (k != 1)
		return;
	require(strncmp(line, "event ", 6) == 0 &&
		(strstr(line, " in ") != NULL || strstr(line, " out ") != NULL),
	    "segment event", line);
	snprintf(key, sizeof(key), "seq=%u", (unsigned)ev.seq);
	require(strstr(line, key) != NULL, "event seq", line);
	snprintf(key, sizeof(key), "len=%u", (unsigned)ev.len);
	require(strstr(line, key) != NULL, "event len", line);
}

static void
check_reply(const struct control_reply *r)
{
	size_t i;

	require(r->status != NULL && strchr(r->status, '\n') == NULL,
	    "status line", r->status != NULL ? r->status : "(null)");
	require(r->ok == (r->status[0] == 'o'), "ok flag", r->status);
	require(r->message >= r->status &&
		r->message <= r->status + strlen(r->status),
	    "message", r->status);
	if (!r->ok)
		require(strncmp(r->status + 4, r->code, strlen(r->code)) == 0,
		    "error code", r->status);
	check_fields(r->status);
	check_events(r->status, true);
	for (i = 0; i < r->nlines; i++) {
		require(strchr(r->lines[i], '\n') == NULL, "data line",
		    r->lines[i]);
		check_fields(r->lines[i]);
		check_events(r->lines[i], false);
	}
}

static void
converse(const uint8_t *data, size_t size)
{
	struct control_client *c;
	struct control_reply r;
	char ep[32], err[256];
	int sv[2], i;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
		abort();
	/* The whole answer at once: no timing, so every run is the same. */
	if (size > 0 && write(sv[1], data, size) != (ssize_t)size)
		abort();
	shutdown(sv[1], SHUT_WR);
	snprintf(ep, sizeof(ep), "fd:%d", sv[0]);
	if ((c = control_client_open(ep, 1000, err, sizeof(err))) == NULL)
		abort();
	for (i = 0; i < MAX_REQUESTS; i++) {
		err[0] = '\0';
		if (control_request(c, i % 2 ? "list" : "wait last fins>=1",
			1000, &r, err, sizeof(err)) == -1) {
			require(err[0] != '\0',
			    "request failed without a reason", "");
			break;
		}
		check_reply(&r);
		control_reply_free(&r);
	}
	control_client_close(c);
	close(sv[1]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t first = nl != NULL ? (size_t)(nl - data) : size;
	char *text;

	/* A socketpair holds about 200 KiB; more would block the write. */
	if (size > 65536)
		return 0;
	if ((text = malloc(first + 1)) == NULL)
		return 0;
	memcpy(text, data, first);
	text[first] = '\0';
	check_endpoint(text);
	free(text);
	if (nl != NULL)
		converse(nl + 1, size - first - 1);
	return 0;
}
