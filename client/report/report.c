/*
 * report.c - verdicts and runs: the names of verdicts, the words verdicts
 * are written in (durations, sizes, steps; the evaluator writes them, see
 * evaluate_int.h), run results with their totals, and the dispatcher and
 * helpers the four report writers share.
 */
#include "report.h"
#include "report_int.h"
#include "evaluate_int.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "textbuf.h"
#include "units.h"

#define NS_PER_US	UINT64_C(1000)
#define NS_PER_MS	UINT64_C(1000000)
#define NS_PER_S	UINT64_C(1000000000)

const char *
verdict_kind_name(enum verdict_kind kind)
{
	static const char *names[VERDICT_KIND_COUNT] = {
		[VERDICT_PASS] = "PASS", [VERDICT_FAIL] = "FAIL",
		[VERDICT_NOT_APPLICABLE] = "N/A", [VERDICT_NOT_REACHED] = "NOT REACHED",
		[VERDICT_ERROR] = "ERROR",
	};

	return (size_t)kind < VERDICT_KIND_COUNT ? names[kind] : "?";
}

const char *
verdict_kind_id(enum verdict_kind kind)
{
	static const char *ids[VERDICT_KIND_COUNT] = {
		[VERDICT_PASS] = "pass", [VERDICT_FAIL] = "fail",
		[VERDICT_NOT_APPLICABLE] = "not-applicable",
		[VERDICT_NOT_REACHED] = "not-reached", [VERDICT_ERROR] = "error",
	};

	return (size_t)kind < VERDICT_KIND_COUNT ? ids[kind] : "?";
}

size_t
verdict_os_names(uint32_t mask, char *buf, size_t len)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} oses[] = {
		{ SCN_OS_LINUX, "Linux" }, { SCN_OS_FREEBSD, "FreeBSD" },
		{ SCN_OS_WINDOWS, "Windows" },
	};
	size_t i, k = 0, n = 0;
	struct tbuf tb;

	tb_init(&tb, buf, len);
	if ((mask & SCN_OS_ALL) == SCN_OS_ALL || (mask & SCN_OS_ALL) == 0) {
		tb_printf(&tb, "every system");
		return tb.off;
	}
	for (i = 0; i < 3; i++)
		n += (mask & oses[i].bit) != 0;
	for (i = 0; i < 3; i++) {
		if (!(mask & oses[i].bit))
			continue;
		tb_printf(&tb, "%s%s", k == 0 ? "" : k + 1 == n ? " and " : ", ",
		    oses[i].name);
		k++;
	}
	return tb.off;
}

/* The words of verdicts. */

size_t
ev_took(uint64_t ns, char *buf, size_t len)
{
	int n;

	if (ns >= NS_PER_S)
		n = snprintf(buf, len, "%" PRIu64 ".%03" PRIu64 " s", ns / NS_PER_S,
		    ns % NS_PER_S / NS_PER_MS);
	else if (ns >= NS_PER_MS)
		n = snprintf(buf, len, "%" PRIu64 ".%" PRIu64 " ms", ns / NS_PER_MS,
		    ns % NS_PER_MS / (NS_PER_MS / 10));
	else
		n = snprintf(buf, len, "%" PRIu64 " us", ns / NS_PER_US);
	return n < 0 ? 0 : (size_t)n;
}

/* units.c writes "1.5s"; a sentence reads better with "1.5 s". */
size_t
ev_span(uint64_t ns, char *buf, size_t len)
{
	char raw[32];
	size_t i = 0;
	int n;

	if (ns % NS_PER_MS != 0)
		return ev_took(ns, buf, len);
	format_duration(ns, raw, sizeof(raw));
	while (isdigit((unsigned char)raw[i]) || raw[i] == '.')
		i++;
	n = snprintf(buf, len, "%.*s %s", (int)i, raw, raw + i);
	return n < 0 ? 0 : (size_t)n;
}

size_t
ev_bytes(uint64_t v, char *buf, size_t len)
{
	char raw[32];
	size_t i = 0;
	int n;

	format_size(v, raw, sizeof(raw));
	while (isdigit((unsigned char)raw[i]))
		i++;
	if (strcmp(raw + i, "B") == 0)
		n = snprintf(buf, len, "%" PRIu64 " bytes", v);
	else
		n = snprintf(buf, len, "%.*s %s (%" PRIu64 " bytes)", (int)i, raw, raw + i, v);
	return n < 0 ? 0 : (size_t)n;
}

const char *
ev_sock(const struct scenario *sc, int sock)
{
	if (sock < 0 || (size_t)sock >= sc->nsocks || (size_t)sock >= SCN_MAX_SOCKS)
		return "?";
	return sc->socks[sock];
}

const char *
ev_what(enum scn_wire_what what)
{
	switch (what) {
	case WIRE_FIN:
		return "FIN";
	case WIRE_RST:
		return "RST";
	case WIRE_DATA:
		return "data";
	case WIRE_ANY:
		return "anything";
	}
	return "?";
}

static const char *
opt_name(enum scn_opt opt)
{
	static const char *names[] = {
		[OPT_LINGER_OFF] = "SO_LINGER", [OPT_LINGER] = "SO_LINGER",
		[OPT_BLOCKING] = "O_NONBLOCK", [OPT_NONBLOCKING] = "O_NONBLOCK",
		[OPT_SNDBUF] = "SO_SNDBUF", [OPT_RCVBUF] = "SO_RCVBUF",
		[OPT_NODELAY] = "TCP_NODELAY", [OPT_USER_TIMEOUT] = "TCP_USER_TIMEOUT",
		[OPT_LINGER2] = "TCP_LINGER2",
	};

	if ((size_t)opt >= sizeof(names) / sizeof(names[0]) || names[opt] == NULL)
		return "?";
	return names[opt];
}

/* The words of a peer command, "ack-fin" for STEP_PEER_ACK_FIN. */
static const char *
peer_cmd(enum scn_step_kind kind)
{
	static const char *names[STEP_KIND_COUNT] = {
		[STEP_PEER_LISTEN] = "listen", [STEP_PEER_BEHAVIOUR] = "behaviour",
		[STEP_PEER_ACK_FIN] = "ack-fin", [STEP_PEER_READ] = "read",
		[STEP_PEER_RESUME] = "resume", [STEP_PEER_FIN] = "fin",
		[STEP_PEER_RST] = "rst", [STEP_PEER_SEND] = "send",
	};

	if ((size_t)kind >= STEP_KIND_COUNT || names[kind] == NULL)
		return NULL;
	return names[kind];
}

size_t
ev_step_label(const struct scenario *sc, const struct scn_step *st, char *buf,
    size_t len)
{
	static const char *hows[] = { "SHUT_RD", "SHUT_WR", "SHUT_RDWR" };
	static const char *calls[STEP_KIND_COUNT] = {
		[STEP_SOCKET] = "socket", [STEP_CONNECT] = "connect",
		[STEP_SEND] = "send", [STEP_RECV] = "recv", [STEP_CLOSE] = "close",
		[STEP_EXIT_CLOSE] = "exit-close", [STEP_LISTEN] = "listen",
		[STEP_ACCEPT] = "accept",
	};
	const char *s = ev_sock(sc, st->sock);
	int n;

	if (st->kind == STEP_SET)
		n = snprintf(buf, len, "setsockopt(%s, %s)", s, opt_name(st->opt));
	else if (st->kind == STEP_SHUTDOWN)
		n = snprintf(buf, len, "shutdown(%s, %s)", s,
		    st->how >= 0 && st->how <= 2 ? hows[st->how] : "?");
	else if (st->kind == STEP_WAIT)
		n = snprintf(buf, len, "wait");
	else if (st->kind == STEP_SIGNAL)
		n = snprintf(buf, len, "signal after %.3f s",
		    (double)st->duration_ns / 1e9);
	else if (st->kind == STEP_WAIT_PEER)
		n = snprintf(buf, len, "wait peer %s", s);
	else if (st->kind == STEP_PEER_CONNECT)
		n = snprintf(buf, len, "peer connect %u as %s", st->port,
		    ev_sock(sc, st->sock2));
	else if (peer_cmd(st->kind) != NULL)
		n = snprintf(buf, len, "peer %s%s%s", peer_cmd(st->kind),
		    st->sock >= 0 ? " " : "", st->sock >= 0 ? s : "");
	else if ((size_t)st->kind < STEP_KIND_COUNT && calls[st->kind] != NULL)
		n = snprintf(buf, len, "%s(%s)", calls[st->kind], s);
	else
		n = snprintf(buf, len, "step %d", (int)st->kind);
	return n < 0 ? 0 : (size_t)n;
}

/* Results. */

void
case_result_free(struct case_result *cr)
{
	size_t i;

	if (cr == NULL)
		return;
	for (i = 0; i < cr->nverdicts; i++)
		free(cr->verdicts[i].wire);
	free(cr->verdicts);
	cr->verdicts = NULL;
	cr->nverdicts = 0;
	free(cr->probes.samples);
	cr->probes.samples = NULL;
	cr->probes.nsamples = 0;
}

void
run_result_init(struct run_result *run, const char *os_name)
{
	memset(run, 0, sizeof(*run));
	snprintf(run->os_name, sizeof(run->os_name), "%s", os_name != NULL ? os_name : "");
}

int
run_result_add(struct run_result *run, struct case_result *cr)
{
	struct case_result *v;
	size_t cap, k;

	if (run->ncases == run->cap) {
		cap = run->cap ? run->cap * 2 : 16;
		if ((v = reallocarray(run->cases, cap, sizeof(*v))) == NULL) {
			errno = ENOMEM;
			return -1;
		}
		run->cases = v;
		run->cap = cap;
	}
	run->cases[run->ncases++] = *cr;
	for (k = 0; k < VERDICT_KIND_COUNT; k++)
		run->counts[k] += cr->counts[k];
	run->duration_ns += cr->duration_ns;
	if (run->os_name[0] == '\0')
		snprintf(run->os_name, sizeof(run->os_name), "%s", cr->os_name);
	/* the run owns the verdicts now */
	cr->verdicts = NULL;
	cr->nverdicts = 0;
	return 0;
}

void
run_result_free(struct run_result *run)
{
	size_t i;

	if (run == NULL)
		return;
	for (i = 0; i < run->ncases; i++)
		case_result_free(&run->cases[i]);
	free(run->cases);
	run->cases = NULL;
	run->ncases = run->cap = 0;
}

size_t
run_result_failures(const struct run_result *run)
{
	return run->counts[VERDICT_FAIL] + run->counts[VERDICT_NOT_REACHED] +
	    run->counts[VERDICT_ERROR];
}

static const struct {
	const char *name;
	enum report_format fmt;
} formats[] = {
	{ "human", REPORT_HUMAN }, { "tap", REPORT_TAP }, { "junit", REPORT_JUNIT },
	{ "json", REPORT_JSON }, { "jsonl", REPORT_JSON },
};

int
report_format_from_name(const char *name, enum report_format *out)
{
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		if (strcmp(formats[i].name, name) == 0) {
			*out = formats[i].fmt;
			return 0;
		}
	}
	errno = EINVAL;
	return -1;
}

const char *
report_format_name(enum report_format fmt)
{
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (formats[i].fmt == fmt)
			return formats[i].name;
	return "?";
}

int
report_write(enum report_format fmt, const struct run_result *run,
    const struct report_options *opts, FILE *fp)
{
	switch (fmt) {
	case REPORT_HUMAN:
		return report_human(run, opts, fp);
	case REPORT_TAP:
		return report_tap(run, opts, fp);
	case REPORT_JUNIT:
		return report_junit(run, opts, fp);
	case REPORT_JSON:
		return report_json(run, opts, fp);
	}
	errno = EINVAL;
	return -1;
}

size_t
rp_utf8_len(const unsigned char *s)
{
	size_t n, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0)
		n = 2;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3;
	else if ((s[0] & 0xf8) == 0xf0)
		n = 4;
	else
		return 0;
	/* a NUL is not a continuation byte, so this never reads past the end */
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	cp = rp_utf8_cp(s, n);
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

uint32_t
rp_utf8_cp(const unsigned char *s, size_t n)
{
	static const unsigned char lead_mask[] = { 0, 0x7f, 0x1f, 0x0f, 0x07 };
	uint32_t cp;
	size_t i;

	if (n == 0 || n > 4)
		return 0xfffd;
	cp = s[0] & lead_mask[n];
	for (i = 1; i < n; i++)
		cp = cp << 6 | (s[i] & 0x3fu);
	return cp;
}

size_t
rp_where(const struct verdict *v, char *buf, size_t len)
{
	const char *file = v->pos.file != NULL ? v->pos.file : "?";
	int n;

	if (v->pos.line == 0)
		n = snprintf(buf, len, "%s", file);
	else
		n = snprintf(buf, len, "%s:%" PRIu32, file, v->pos.line);
	return n < 0 ? 0 : (size_t)n;
}

size_t
rp_secs(uint64_t ns, char *buf, size_t len)
{
	int n;

	n = snprintf(buf, len, "%" PRIu64 ".%03" PRIu64, ns / 1000000000u,
	    ns % 1000000000u / 1000000u);
	return n < 0 ? 0 : (size_t)n;
}

void
rp_put_text(FILE *fp, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		fputc(*p < 0x20 || *p == 0x7f ? '?' : *p, fp);
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
rp_xml_put(FILE *fp, const char *s, bool attr)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	for (; *p != '\0'; p += n) {
		n = rp_utf8_len(p);
		if (n == 0 || !xml_char(rp_utf8_cp(p, n))) {
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
rp_put_quoted(FILE *fp, const char *s, enum rp_quote style)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	fputc('"', fp);
	for (; *p != '\0'; p += n) {
		n = rp_utf8_len(p);
		if (n == 0) {
			fputs(style == RP_QUOTE_JSON ? "\\ufffd" : "?", fp);
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
			fprintf(fp, style == RP_QUOTE_JSON ? "\\u%04x" : "\\x%02x", *p);
		else
			fwrite(p, 1, n, fp);
	}
	fputc('"', fp);
}

int
rp_finish(FILE *fp)
{
	if (fflush(fp) != 0 || ferror(fp)) {
		if (errno == 0)
			errno = EIO;
		return -1;
	}
	return 0;
}
