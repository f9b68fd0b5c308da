/*
 * agent_reply.c - the agent protocol's replies: formatted by the agent,
 * read back by the runner. A reply is one line: "ok" with KEY=VALUE words,
 * or "err CODE: MESSAGE". Values that may hold spaces (an OS's version)
 * are percent-encoded; values a system cannot give are "unknown".
 * Standard C only.
 */
#include "agent_proto.h"
#include "agent_proto_int.h"
#include "hexdigit.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char *const tcp_states[PLAT_TCP_NSTATES] = {
	NULL,
	"ESTABLISHED",
	"SYN_SENT",
	"SYN_RECV",
	"FIN_WAIT1",
	"FIN_WAIT2",
	"TIME_WAIT",
	"CLOSE",
	"CLOSE_WAIT",
	"LAST_ACK",
	"LISTEN",
	"CLOSING",
	"NEW_SYN_RECV",
};

const char *
agent_tcp_state_name(unsigned i)
{
	return i < PLAT_TCP_NSTATES ? tcp_states[i] : NULL;
}

/* ---- percent encoding ---- */

static const char hex[] = "0123456789ABCDEF";

size_t
agent_pct_encode(const char *in, char *out, size_t len)
{
	size_t o = 0;
	unsigned char c;

	if (len == 0)
		return 0;
	for (; *in != '\0'; in++) {
		c = (unsigned char)*in;
		if (c > ' ' && c <= '~' && c != '%') {
			if (o + 1 >= len)
				break;
			out[o++] = (char)c;
			continue;
		}
		if (o + 3 >= len)
			break;
		out[o++] = '%';
		out[o++] = hex[c >> 4];
		out[o++] = hex[c & 15];
	}
	out[o] = '\0';
	return o;
}

int
agent_pct_decode(const char *in, size_t inlen, char *out, size_t len)
{
	size_t i, o = 0;
	int h, l;

	for (i = 0; i < inlen; i++) {
		if (o + 1 >= len)
			return -1;
		if (in[i] != '%') {
			out[o++] = in[i];
			continue;
		}
		if (i + 2 >= inlen || (h = hex_digit(in[i + 1])) < 0 ||
		    (l = hex_digit(in[i + 2])) < 0 || (h == 0 && l == 0))
			return -1;
		out[o++] = (char)(h << 4 | l);
		i += 2;
	}
	if (len == 0)
		return -1;
	out[o] = '\0';
	return (int)o;
}

/* ---- the agent's replies ---- */

/* snprintf's count to ours: 0 when it did not fit. */
static size_t
fit(int n, size_t len)
{
	return n > 0 && (size_t)n < len ? (size_t)n : 0;
}

size_t
agent_format_greeting(bool auth_required, char *buf, size_t len)
{
	return fit(snprintf(buf, len, "lingerlab-agent protocol=%d auth=%s\n",
		       AGENT_PROTOCOL, auth_required ? "required" : "none"),
	    len);
}

size_t
agent_format_err(const char *code, const char *msg, char *buf, size_t len)
{
	char clean[AGENT_REPLY_MAX - 64];
	size_t i;

	/* A message quoting the line may hold anything: keep the reply a line. */
	for (i = 0; msg[i] != '\0' && i + 1 < sizeof(clean); i++)
		clean[i] =
		    (char)(msg[i] >= ' ' && msg[i] <= '~' ? msg[i] : '?');
	clean[i] = '\0';
	return fit(snprintf(buf, len, "err %s: %s\n", code, clean), len);
}

size_t
agent_format_ok(const char *text, char *buf, size_t len)
{
	return fit(snprintf(buf, len, "ok%s%s\n", text[0] != '\0' ? " " : "",
		       text),
	    len);
}

size_t
agent_format_hello(const struct plat_os_info *os, const char *version,
    uint64_t now_ns, char *buf, size_t len)
{
	char name[3 * sizeof(os->name)], ver[3 * sizeof(os->version)];
	char kernel[3 * sizeof(os->kernel)], host[3 * 64],
	    wine[3 * sizeof(os->wine)];
	char agent[3 * 32];

	agent_pct_encode(os->name, name, sizeof(name));
	agent_pct_encode(os->version, ver, sizeof(ver));
	agent_pct_encode(os->kernel, kernel, sizeof(kernel));
	/* A host name is at most 63 bytes a label; the reply stays short. */
	agent_pct_encode(os->host, host, sizeof(host));
	agent_pct_encode(os->wine, wine, sizeof(wine));
	agent_pct_encode(version, agent, sizeof(agent));
	return fit(snprintf(buf, len,
		       "ok protocol=%d agent=%s os=%s "
		       "os-version=%s kernel=%s host=%s wine=%s now=%" PRIu64
		       "\n",
		       AGENT_PROTOCOL, agent, name, ver, kernel, host, wine,
		       now_ns),
	    len);
}

static void
names_words(const struct agent_names *n, char *buf, size_t len)
{
	char l[IP_ADDR_PORT_STRLEN], r[IP_ADDR_PORT_STRLEN];

	agent_ipport_word(&n->laddr, n->lport, l, sizeof(l));
	agent_ipport_word(&n->raddr, n->rport, r, sizeof(r));
	snprintf(buf, len, " local=%s remote=%s", l, r);
}

size_t
agent_format_call(const struct plat_call *c, uint32_t sock,
    const struct agent_names *names, uint64_t signal_ns, char *buf, size_t len)
{
	char s[32] = "", nm[2 * IP_ADDR_PORT_STRLEN + 16] = "", en[3 * 32];

	if (sock != AGENT_SOCK_NONE)
		snprintf(s, sizeof(s), " sock=%" PRIu32, sock);
	if (names != NULL && names->known)
		names_words(names, nm, sizeof(nm));
	agent_pct_encode(c->err == 0	 ? "none"
		: c->err_name[0] != '\0' ? c->err_name
					 : "unknown",
	    en, sizeof(en));
	return fit(snprintf(buf, len,
		       "ok ret=%" PRId64 " err=%d errname=%s "
		       "start=%" PRIu64 " end=%" PRIu64 " cpu-wait=%" PRIu64
		       " bytes=%" PRIu64 " signal=%" PRIu64 "%s%s\n",
		       c->ret, c->err, en, c->t_start_ns, c->t_end_ns,
		       c->cpu_wait_ns, c->bytes, signal_ns, s, nm),
	    len);
}

size_t
agent_format_names(const struct agent_names *n, char *buf, size_t len)
{
	char nm[2 * IP_ADDR_PORT_STRLEN + 16];

	names_words(n, nm, sizeof(nm));
	return fit(snprintf(buf, len, "ok%s\n", nm), len);
}

/* " key=N" or " key=unknown" at buf + *at. */
static void
add_value(char *buf, size_t len, size_t *at, const char *key, int64_t v)
{
	int n;

	if (*at >= len)
		return;
	if (v < 0)
		n = snprintf(buf + *at, len - *at, " %s=unknown", key);
	else
		n = snprintf(buf + *at, len - *at, " %s=%" PRId64, key, v);
	*at = n < 0 ? len : *at + (size_t)n;
}

/* "ok" and the values added, ended: the length, or 0 when cut. */
static size_t
end_values(char *buf, size_t len, size_t at)
{
	if (at + 1 >= len)
		return 0;
	buf[at++] = '\n';
	buf[at] = '\0';
	return at;
}

size_t
agent_format_proc(const struct plat_proc *p, char *buf, size_t len)
{
	size_t at = 2;

	if (len < 3)
		return 0;
	memcpy(buf, "ok", 3);
	add_value(buf, len, &at, "threads", p->threads);
	add_value(buf, len, &at, "fds", p->fds);
	add_value(buf, len, &at, "rss-kib", p->rss_kib);
	add_value(buf, len, &at, "private-kib", p->private_kib);
	return end_values(buf, len, at);
}

size_t
agent_format_socks(const struct plat_socks *s, char *buf, size_t len)
{
	size_t at = 2;
	unsigned i;

	if (len < 3)
		return 0;
	memcpy(buf, "ok", 3);
	for (i = 1; i < PLAT_TCP_NSTATES; i++)
		add_value(buf, len, &at, tcp_states[i], s->by_state[i]);
	return end_values(buf, len, at);
}

size_t
agent_format_counters(const struct agent_req *r, const int64_t *values,
    char *buf, size_t len)
{
	size_t at = 2, i;

	if (len < 3)
		return 0;
	memcpy(buf, "ok", 3);
	for (i = 0; i < r->ncounters && i < AGENT_COUNTERS_MAX; i++)
		add_value(buf, len, &at, r->counters[i], values[i]);
	return end_values(buf, len, at);
}

/* ---- the runner's reading ---- */

int
agent_parse_reply(const char *line, size_t len, struct agent_reply *out)
{
	const char *colon;
	size_t clen;

	memset(out, 0, sizeof(*out));
	/* As read (without its newline) or as written (with it). */
	if (len > 0 && line[len - 1] == '\n')
		len--;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len > AGENT_LINE_MAX || memchr(line, '\0', len) != NULL)
		return -1;
	if (len >= 2 && memcmp(line, "ok", 2) == 0 &&
	    (len == 2 || line[2] == ' ')) {
		out->ok = true;
		if (len > 3)
			memcpy(out->text, line + 3, len - 3);
		return 0;
	}
	if (len < 5 || memcmp(line, "err ", 4) != 0 ||
	    (colon = memchr(line + 4, ':', len - 4)) == NULL)
		return -1;
	clen = (size_t)(colon - line) - 4;
	if (clen == 0 || clen >= sizeof(out->code) ||
	    memchr(line + 4, ' ', clen) != NULL)
		return -1;
	memcpy(out->code, line + 4, clen);
	colon += colon + 1 < line + len && colon[1] == ' ' ? 2 : 1;
	memcpy(out->text, colon, (size_t)(line + len - colon));
	return 0;
}

/* The raw value of key in an ok reply: pointer and length, or NULL. */
static const char *
raw_field(const struct agent_reply *r, const char *key, size_t *vlen)
{
	size_t klen = strlen(key), wlen;
	const char *w = r->text, *end;

	if (!r->ok)
		return NULL;
	for (;;) {
		while (*w == ' ')
			w++;
		if (*w == '\0')
			return NULL;
		end = strchr(w, ' ');
		wlen = end != NULL ? (size_t)(end - w) : strlen(w);
		if (wlen > klen && memcmp(w, key, klen) == 0 &&
		    w[klen] == '=') {
			*vlen = wlen - klen - 1;
			return w + klen + 1;
		}
		w += wlen;
	}
}

int
agent_reply_field(const struct agent_reply *r, const char *key, char *buf,
    size_t len)
{
	const char *v;
	size_t vlen;

	if ((v = raw_field(r, key, &vlen)) == NULL)
		return -1;
	return agent_pct_decode(v, vlen, buf, len);
}

int
agent_reply_i64(const struct agent_reply *r, const char *key, int64_t *out)
{
	const char *v;
	size_t vlen;

	if ((v = raw_field(r, key, &vlen)) == NULL)
		return -1;
	if (vlen == 7 && memcmp(v, "unknown", 7) == 0) {
		*out = PLAT_UNKNOWN;
		return 0;
	}
	return agent_parse_i64(v, vlen, out) ? 0 : -1;
}

static int
reply_u64(const struct agent_reply *r, const char *key, uint64_t *out)
{
	const char *v;
	size_t vlen;

	if ((v = raw_field(r, key, &vlen)) == NULL)
		return -1;
	return agent_parse_u64(v, vlen, UINT64_MAX, out) ? 0 : -1;
}

int
agent_parse_greeting(const char *line, size_t len, uint32_t *protocol,
    bool *auth_required)
{
	static const char head[] = "lingerlab-agent ";
	struct agent_reply r;
	char auth[16];
	uint64_t v;

	if (len > 0 && line[len - 1] == '\n')
		len--;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len < sizeof(head) - 1 || len > AGENT_LINE_MAX ||
	    memcmp(line, head, sizeof(head) - 1) != 0 ||
	    memchr(line, '\0', len) != NULL)
		return -1;
	/* The rest reads as an ok reply's words do. */
	memset(&r, 0, sizeof(r));
	r.ok = true;
	memcpy(r.text, line + sizeof(head) - 1, len - (sizeof(head) - 1));
	if (reply_u64(&r, "protocol", &v) < 0 || v == 0 || v > UINT32_MAX ||
	    agent_reply_field(&r, "auth", auth, sizeof(auth)) < 0)
		return -1;
	*protocol = (uint32_t)v;
	*auth_required = strcmp(auth, "required") == 0;
	return 0;
}

int
agent_reply_hello(const struct agent_reply *r, uint32_t *protocol,
    struct plat_os_info *os, uint64_t *now_ns)
{
	uint64_t v;

	memset(os, 0, sizeof(*os));
	if (reply_u64(r, "protocol", &v) < 0 || v > UINT32_MAX ||
	    reply_u64(r, "now", now_ns) < 0 ||
	    agent_reply_field(r, "os", os->name, sizeof(os->name)) < 0 ||
	    agent_reply_field(r, "os-version", os->version,
		sizeof(os->version)) < 0 ||
	    agent_reply_field(r, "kernel", os->kernel, sizeof(os->kernel)) <
		0 ||
	    agent_reply_field(r, "host", os->host, sizeof(os->host)) < 0 ||
	    agent_reply_field(r, "wine", os->wine, sizeof(os->wine)) < 0)
		return -1;
	*protocol = (uint32_t)v;
	return 0;
}

static int
reply_ipport(const struct agent_reply *r, const char *key, struct ip_addr *a,
    uint16_t *p)
{
	const char *v;
	size_t vlen;

	if ((v = raw_field(r, key, &vlen)) == NULL)
		return -1;
	return agent_parse_ipport(v, vlen, a, p) ? 0 : -1;
}

int
agent_reply_names(const struct agent_reply *r, struct agent_names *n)
{
	memset(n, 0, sizeof(*n));
	if (reply_ipport(r, "local", &n->laddr, &n->lport) < 0 ||
	    reply_ipport(r, "remote", &n->raddr, &n->rport) < 0)
		return -1;
	n->known = true;
	return 0;
}

int
agent_reply_call(const struct agent_reply *r, struct plat_call *c,
    uint32_t *sock, struct agent_names *names, uint64_t *signal_ns)
{
	const char *v;
	size_t vlen;
	int64_t err;
	uint64_t s;

	memset(c, 0, sizeof(*c));
	if (agent_reply_i64(r, "ret", &c->ret) < 0 ||
	    agent_reply_i64(r, "err", &err) < 0 || err < 0 || err > INT32_MAX ||
	    agent_reply_field(r, "errname", c->err_name, sizeof(c->err_name)) <
		0 ||
	    reply_u64(r, "start", &c->t_start_ns) < 0 ||
	    reply_u64(r, "end", &c->t_end_ns) < 0 ||
	    reply_u64(r, "cpu-wait", &c->cpu_wait_ns) < 0 ||
	    reply_u64(r, "bytes", &c->bytes) < 0 ||
	    reply_u64(r, "signal", signal_ns) < 0)
		return -1;
	c->err = (int)err;
	if (err == 0)
		c->err_name[0] = '\0';
	*sock = AGENT_SOCK_NONE;
	if ((v = raw_field(r, "sock", &vlen)) != NULL) {
		if (!agent_parse_u64(v, vlen, UINT32_MAX, &s) || s == 0)
			return -1;
		*sock = (uint32_t)s;
	}
	if (agent_reply_names(r, names) < 0)
		memset(names, 0, sizeof(*names));
	return 0;
}

int
agent_reply_proc(const struct agent_reply *r, struct plat_proc *p)
{
	return agent_reply_i64(r, "threads", &p->threads) < 0 ||
		agent_reply_i64(r, "fds", &p->fds) < 0 ||
		agent_reply_i64(r, "rss-kib", &p->rss_kib) < 0 ||
		agent_reply_i64(r, "private-kib", &p->private_kib) < 0
	    ? -1
	    : 0;
}

int
agent_reply_socks(const struct agent_reply *r, struct plat_socks *s)
{
	unsigned i;

	s->by_state[0] = PLAT_UNKNOWN;
	for (i = 1; i < PLAT_TCP_NSTATES; i++)
		if (agent_reply_i64(r, tcp_states[i], &s->by_state[i]) < 0)
			return -1;
	return 0;
}

int
agent_reply_counters(const struct agent_reply *r, const char *const *names,
    size_t n, int64_t *values)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (agent_reply_i64(r, names[i], &values[i]) < 0)
			return -1;
	return 0;
}
