/*
 * probe.c - the resource probes: parsers for /proc/PID/status,
 * /proc/net/netstat and sock_diag dump replies, and the readers that feed
 * them (see probe.h).
 *
 * The parsers take (pointer, length) and never assume a terminating NUL or
 * aligned data, so they can be fuzzed and tested on captured bytes.
 */
#include "probe.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sockdiag.h"

/* /proc files this module reads are a few KiB; refuse anything absurd. */
#define PROC_TEXT_MAX (1u << 20)

static const char *const tcp_states[] = {
	"?",
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
#define NSTATES (sizeof(tcp_states) / sizeof(tcp_states[0]))

const char *
probe_tcp_state_name(unsigned state)
{
	return state < NSTATES ? tcp_states[state] : "?";
}

unsigned
probe_tcp_state_number(const char *name)
{
	unsigned i;

	for (i = 1; i < NSTATES; i++)
		if (strcasecmp(name, tcp_states[i]) == 0)
			return i;
	return 0;
}

/* The line starting at text[*pos]: sets *start and *end (excluding '\n') and
 * moves *pos past it. false at the end of the text. */
static bool
next_line(const char *text, size_t len, size_t *pos, size_t *start, size_t *end)
{
	const char *nl;

	if (*pos >= len)
		return false;
	*start = *pos;
	nl = memchr(text + *pos, '\n', len - *pos);
	*end = nl ? (size_t)(nl - text) : len;
	*pos = nl ? *end + 1 : len;
	return true;
}

/* An unsigned decimal in text[*i..end), after optional blanks; moves *i. */
static bool
parse_u64(const char *text, size_t end, size_t *i, uint64_t *out)
{
	uint64_t v = 0;
	size_t start;

	while (*i < end && (text[*i] == ' ' || text[*i] == '\t'))
		(*i)++;
	start = *i;
	for (; *i < end && text[*i] >= '0' && text[*i] <= '9'; (*i)++) {
		unsigned d = (unsigned)(text[*i] - '0');

		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return *i > start;
}

/* "Key:\t123[ kB]" -> 0 and *value; 1 when the line has another key; -1 bad. */
static int
status_field(const char *text, size_t start, size_t end, const char *key,
    int64_t *value)
{
	size_t klen = strlen(key), i = start + klen;
	uint64_t v;

	if (end - start < klen || memcmp(text + start, key, klen) != 0)
		return 1;
	if (!parse_u64(text, end, &i, &v) || v > INT64_MAX)
		return -1;
	while (i < end && (text[i] == ' ' || text[i] == '\t'))
		i++;
	if (i < end && !(end - i == 2 && memcmp(text + i, "kB", 2) == 0))
		return -1;
	*value = (int64_t)v;
	return 0;
}

int
probe_proc_parse_status(const char *text, size_t len, struct probe_proc *out)
{
	size_t pos = 0, start, end;

	out->threads = out->fds = out->rss_kib = -1;
	while (next_line(text, len, &pos, &start, &end)) {
		if (status_field(text, start, end, "Threads:", &out->threads) <
			0 ||
		    status_field(text, start, end, "VmRSS:", &out->rss_kib) < 0)
			return -1;
	}
	return out->threads >= 0 ? 0 : -1;
}

/* Read a whole (small) file into a malloc'd buffer; 0 or -1 with errno. */
static int
slurp(const char *path, char **text, size_t *len)
{
	size_t cap = 8192, n = 0;
	char *buf = malloc(cap), *bigger;
	ssize_t got;
	int fd, saved;

	if (buf == NULL)
		return -1;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		free(buf);
		return -1;
	}
	for (;;) {
		if (n == cap) {
			if (cap >= PROC_TEXT_MAX ||
			    (bigger = realloc(buf, cap * 2)) == NULL) {
				errno = EFBIG;
				break;
			}
			buf = bigger;
			cap *= 2;
		}
		got = read(fd, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			if (got == 0) {
				close(fd);
				*text = buf;
				*len = n;
				return 0;
			}
			break;
		}
		n += (size_t)got;
	}
	saved = errno;
	close(fd);
	free(buf);
	errno = saved;
	return -1;
}

/* Entries of /proc/PID/fd, not counting the directory's own descriptor when
 * the caller lists itself. */
static int64_t
count_fds(pid_t pid, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int64_t n = 0;
	int own;

	if (d == NULL)
		return -1;
	own = pid == getpid() ? dirfd(d) : -1;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (own >= 0 && strtol(e->d_name, NULL, 10) == own)
			continue;
		n++;
	}
	closedir(d);
	return n;
}

int
probe_proc_read(pid_t pid, struct probe_proc *out, char *err, size_t errlen)
{
	char path[64];
	char *text;
	size_t len;
	int rc;

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	if (slurp(path, &text, &len) < 0) {
		snprintf(err, errlen,
		    "cannot read %s: %s (is process %ld still running?)", path,
		    strerror(errno), (long)pid);
		return -1;
	}
	rc = probe_proc_parse_status(text, len, out);
	free(text);
	if (rc < 0) {
		snprintf(err, errlen,
		    "%s: no Threads: line or a malformed value "
		    "(a kernel this module does not know?)",
		    path);
		return -1;
	}
	snprintf(path, sizeof(path), "/proc/%ld/fd", (long)pid);
	if ((out->fds = count_fds(pid, path)) < 0) {
		snprintf(err, errlen,
		    "cannot list %s: %s (another user's process needs "
		    "privileges)",
		    path, strerror(errno));
		return -1;
	}
	return 0;
}

int
probe_socks_parse(const void *buf, size_t len, struct probe_socks *acc)
{
	const unsigned char *p = buf;
	struct nlmsghdr h;
	size_t off = 0, step;
	uint8_t state;

	while (off < len) {
		if (len - off < sizeof(h))
			return -1;
		memcpy(&h, p + off, sizeof(h));
		if (h.nlmsg_len < sizeof(h) || h.nlmsg_len > len - off)
			return -1;
		if (h.nlmsg_type == NLMSG_DONE)
			return 1;
		if (h.nlmsg_type == NLMSG_ERROR)
			return -1;
		if (h.nlmsg_type == SOCK_DIAG_BY_FAMILY) {
			if (h.nlmsg_len <
			    NLMSG_LENGTH(sizeof(struct inet_diag_msg)))
				return -1;
			state = p[off + NLMSG_HDRLEN +
			    offsetof(struct inet_diag_msg, idiag_state)];
			if (state < 16)
				acc->by_state[state]++;
		} else if (h.nlmsg_type != NLMSG_NOOP) {
			return -1;
		}
		/* The last message of a datagram need not be padded. */
		step = NLMSG_ALIGN(h.nlmsg_len);
		off += step < len - off ? step : len - off;
	}
	return 0;
}

struct socks_ctx {
	struct probe_socks *acc;
	bool refused;
};

/* An NLMSG_ERROR at the head of a reply: the kernel refused the dump. */
static bool
is_error_reply(const void *buf, size_t len)
{
	struct nlmsghdr h;

	if (len < sizeof(h))
		return false;
	memcpy(&h, buf, sizeof(h));
	return h.nlmsg_type == NLMSG_ERROR;
}

static int
on_socks(const void *buf, size_t len, void *arg)
{
	struct socks_ctx *ctx = arg;
	int rc = probe_socks_parse(buf, len, ctx->acc);

	if (rc < 0 && is_error_reply(buf, len))
		ctx->refused = true;
	return rc;
}

int
probe_socks_read(struct probe_socks *out, char *err, size_t errlen)
{
	static const int families[] = { AF_INET, AF_INET6 };
	struct socks_ctx ctx = { out, false };
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		ctx.refused = false;
		errno = 0;
		if (sockdiag_dump_raw(families[i], on_socks, &ctx) == 0)
			continue;
		/* No IPv6 in this kernel: nothing to count there. */
		if (families[i] == AF_INET6 && ctx.refused)
			continue;
		snprintf(err, errlen,
		    "sock_diag dump of %s TCP sockets failed: %s "
		    "(is the inet_diag module available?)",
		    families[i] == AF_INET ? "IPv4" : "IPv6",
		    ctx.refused ? "the kernel refused it"
			: errno ? strerror(errno)
				: "a malformed reply");
		return -1;
	}
	return 0;
}

/* Is the line text[start..end) a "TcpExt:" line? */
static bool
is_tcpext(const char *text, size_t start, size_t end)
{
	return end - start >= 7 && memcmp(text + start, "TcpExt:", 7) == 0;
}

/* The next blank-separated word in text[*i..end): *ws and *we; false at end. */
static bool
next_word(const char *text, size_t end, size_t *i, size_t *ws, size_t *we)
{
	while (*i < end && isspace((unsigned char)text[*i]))
		(*i)++;
	if (*i >= end)
		return false;
	*ws = *i;
	while (*i < end && !isspace((unsigned char)text[*i]))
		(*i)++;
	*we = *i;
	return true;
}

/* In one header/value line pair, the value under name: 0, 1 absent, -1 bad. */
static int
netstat_pair(const char *text, size_t hs, size_t he, size_t vs, size_t ve,
    const char *name, uint64_t *value)
{
	size_t hi = hs + 7, vi = vs + 7, nws, nwe, vws, vwe,
	       nlen = strlen(name), k;

	for (;;) {
		bool have_name = next_word(text, he, &hi, &nws, &nwe);
		bool have_value = next_word(text, ve, &vi, &vws, &vwe);

		if (!have_name && !have_value)
			return 1;
		if (have_name != have_value)
			return -1; /* a name without a value or the reverse */
		if (nwe - nws != nlen || memcmp(text + nws, name, nlen) != 0)
			continue;
		k = vws;
		if (!parse_u64(text, vwe, &k, value) || k != vwe)
			return -1;
		return 0;
	}
}

int
probe_netstat_parse(const char *text, size_t len, const char *name,
    uint64_t *value)
{
	size_t pos = 0, hs, he, vs, ve;
	int rc;

	if (name[0] == '\0')
		return -1;
	while (next_line(text, len, &pos, &hs, &he)) {
		if (!is_tcpext(text, hs, he))
			continue;
		if (!next_line(text, len, &pos, &vs, &ve) ||
		    !is_tcpext(text, vs, ve))
			return -1; /* a header line must have its value line */
		if ((rc = netstat_pair(text, hs, he, vs, ve, name, value)) <= 0)
			return rc;
	}
	return -1;
}

int
probe_netstat_read(const char *const *names, uint64_t *values, size_t n,
    char *err, size_t errlen)
{
	static const char path[] = "/proc/self/net/netstat";
	char *text;
	size_t len, i;

	if (slurp(path, &text, &len) < 0) {
		snprintf(err, errlen, "cannot read %s: %s (is /proc mounted?)",
		    path, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (probe_netstat_parse(text, len, names[i], &values[i]) < 0) {
			snprintf(err, errlen,
			    "%s has no TcpExt counter \"%s\" (names are "
			    "case-sensitive, as nstat shows them; an older kernel may "
			    "lack it)",
			    path, names[i]);
			free(text);
			return -1;
		}
	}
	free(text);
	return 0;
}
