/*
 * behaviour.c - parse and print lingerpeer behaviour specs.
 *
 * A table drives both directions so the names in --help, in error messages and
 * in the canonical form printed back can never drift apart.
 */
#include "behaviour.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "timeunit.h"
#include "units.h"

enum param_kind { P_NONE, P_SIZE, P_DURATION_MS };

struct param_def {
	const char *key;
	enum param_kind kind;
	size_t offset; /* into struct behaviour, a uint32_t */
	uint64_t max;
};

struct item_def {
	const char *name;
	uint16_t bit;	      /* 0 for items that are only parameters */
	const char *main_key; /* what NAME=VALUE sets, or NULL */
	struct param_def params[2];
	const char *help;
};

#define PARAM(k, kind, field, max)                                             \
	{                                                                      \
		k, kind, offsetof(struct behaviour, field), max                \
	}

static const struct item_def items[] = {
	{ "normal", 0, NULL, { { NULL, P_NONE, 0, 0 } },
	    "read and ACK data, ACK the FIN and close with our own FIN" },
	{ "swallow-fin", BHV_SWALLOW_FIN, NULL, { { NULL, P_NONE, 0, 0 } },
	    "ACK data, never ACK the FIN, never send our own (client stays in FIN_WAIT1)" },
	{ "half-close", BHV_HALF_CLOSE, NULL, { { NULL, P_NONE, 0, 0 } },
	    "ACK the FIN, never send our own (client stays in FIN_WAIT2)" },
	{ "stop-reading", BHV_STOP_READING, "rcvbuf",
	    { PARAM("rcvbuf", P_SIZE, rcvbuf, BEHAVIOUR_MAX_RCVBUF),
		PARAM("after", P_SIZE, read_after, UINT32_MAX) },
	    "stop reading (after= bytes first); the window shrinks to 0 in rcvbuf= (64KiB)" },
	{ "silent", BHV_SILENT, "after",
	    { PARAM("after", P_SIZE, silent_after, UINT32_MAX),
		{ NULL, P_NONE, 0, 0 } },
	    "after the handshake (or after= bytes) send nothing at all, not even ACKs" },
	{ "reset-on-fin", BHV_RESET_ON_FIN, NULL, { { NULL, P_NONE, 0, 0 } },
	    "answer the client's FIN with RST" },
	{ "refuse", BHV_REFUSE, NULL, { { NULL, P_NONE, 0, 0 } },
	    "answer SYN with RST: connect() fails with ECONNREFUSED" },
	{ "drop-syn", BHV_DROP_SYN, NULL, { { NULL, P_NONE, 0, 0 } },
	    "never answer SYN: connect() times out" },
	{ "delay", 0, "by",
	    { PARAM("by", P_DURATION_MS, delay_ms, BEHAVIOUR_MAX_DELAY_MS),
		{ NULL, P_NONE, 0, 0 } },
	    "delay every reply, e.g. delay=50ms (combines with everything)" },
};

#define NITEMS (sizeof(items) / sizeof(items[0]))

/* Pairs that contradict each other: the first word of the error explains why. */
struct conflict {
	uint16_t a, b;
	const char *why;
};

static const struct conflict conflicts[] = {
	{ BHV_SWALLOW_FIN, BHV_HALF_CLOSE,
	    "half-close ACKs the FIN that swallow-fin withholds" },
	{ BHV_SWALLOW_FIN, BHV_RESET_ON_FIN,
	    "reset-on-fin answers the FIN that swallow-fin ignores" },
	{ BHV_HALF_CLOSE, BHV_RESET_ON_FIN,
	    "reset-on-fin never lets the connection half-close" },
	{ BHV_REFUSE, BHV_DROP_SYN,
	    "a SYN cannot be both refused and dropped" },
};

void
behaviour_default(struct behaviour *b)
{
	memset(b, 0, sizeof(*b));
	b->rcvbuf = BEHAVIOUR_DEFAULT_RCVBUF;
}

static int fail(struct behaviour_error *err, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(struct behaviour_error *err, size_t pos, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL) {
		err->pos = pos;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return -1;
}

static const struct item_def *
find_item(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < NITEMS; i++)
		if (strlen(items[i].name) == len &&
		    strncmp(items[i].name, name, len) == 0)
			return &items[i];
	return NULL;
}

static const struct param_def *
find_param(const struct item_def *it, const char *key, size_t len)
{
	size_t i;

	for (i = 0; i < 2 && it->params[i].key != NULL; i++)
		if (strlen(it->params[i].key) == len &&
		    strncmp(it->params[i].key, key, len) == 0)
			return &it->params[i];
	return NULL;
}

static int
set_param(const struct param_def *pd, const char *value, struct behaviour *b)
{
	char errbuf[160];
	uint64_t v;

	if (pd->kind == P_SIZE) {
		if (parse_size(value, &v, errbuf, sizeof(errbuf)) < 0)
			return -1;
	} else {
		if (parse_duration(value, &v, errbuf, sizeof(errbuf)) < 0)
			return -1;
		if (v % NS_PER_MS != 0)
			return -1; /* kept in ms: 500us would silently become 0 */
		v /= NS_PER_MS;
	}
	if (v > pd->max)
		return -1;
	memcpy((char *)b + pd->offset, &(uint32_t){ (uint32_t)v },
	    sizeof(uint32_t));
	return 0;
}

/* One "key=value" inside an item; [s, e) is its text, base its spec offset. */
static int
parse_param(const struct item_def *it, const char *s, size_t len, size_t pos,
    struct behaviour *b, struct behaviour_error *err)
{
	const char *eq = memchr(s, '=', len);
	const struct param_def *pd;
	char value[64];
	size_t vlen;

	if (it->params[0].key == NULL)
		return fail(err, pos, "%s takes no parameters", it->name);
	if (eq == NULL)
		return fail(err, pos,
		    "expected key=value after ':' (for example %s=...)",
		    it->params[0].key);
	if ((pd = find_param(it, s, (size_t)(eq - s))) == NULL)
		return fail(err, pos, "unknown parameter for %s", it->name);
	vlen = len - (size_t)(eq - s) - 1;
	if (vlen == 0 || vlen >= sizeof(value))
		return fail(err, pos + (size_t)(eq - s) + 1,
		    "missing or overlong value for %s", pd->key);
	memcpy(value, eq + 1, vlen);
	value[vlen] = '\0';
	if (set_param(pd, value, b) < 0)
		return fail(err, pos + (size_t)(eq - s) + 1,
		    pd->kind == P_SIZE
			? "bad size for %s: write e.g. 64KiB (at most 1GiB for rcvbuf)"
			: "bad duration for %s: write whole ms, e.g. 50ms (at most 10min)",
		    pd->key);
	return 0;
}

/* One item "name[=value][:k=v,...]" at spec offset pos. */
static int
parse_item(const char *s, size_t len, size_t pos, struct behaviour *b,
    unsigned *seen, struct behaviour_error *err)
{
	size_t namelen = strcspn(s, "=:+");
	const struct item_def *it;
	size_t i, start;

	if (namelen > len)
		namelen = len;
	if (namelen == 0)
		return fail(err, pos, "expected a behaviour name%s",
		    " (see lingerpeer --help)");
	if ((it = find_item(s, namelen)) == NULL)
		return fail(err, pos,
		    "unknown behaviour; known: normal, swallow-fin, half-close, "
		    "stop-reading, silent, reset-on-fin, refuse, drop-syn, delay%s",
		    "");
	/* by table index, not bit: normal and delay have no bit */
	if (*seen & (1u << (it - items)))
		return fail(err, pos, "%s is given twice", it->name);
	*seen |= 1u << (it - items);
	b->bits |= it->bit;
	i = namelen;
	if (i < len && s[i] == '=') {
		size_t vend = i + 1 + strcspn(s + i + 1, ":");
		char kv[80];

		if (it->main_key == NULL)
			return fail(err, pos + i, "%s takes no value",
			    it->name);
		if (vend > len)
			vend = len;
		if (snprintf(kv, sizeof(kv), "%s=%.*s", it->main_key,
			(int)(vend - i - 1), s + i + 1) >= (int)sizeof(kv))
			return fail(err, pos + i + 1, "value too long for %s",
			    it->name);
		if (parse_param(it, kv, strlen(kv),
			pos + i - strlen(it->main_key), b, err) < 0) {
			if (err != NULL)
				err->pos = pos + i + 1;
			return -1;
		}
		i = vend;
	}
	if (i < len && s[i] == ':') {
		for (i++; i <= len; i = start + strcspn(s + start, ",") + 1) {
			size_t plen;

			start = i;
			plen = strcspn(s + start, ",");
			if (start + plen > len)
				plen = len - start;
			if (parse_param(it, s + start, plen, pos + start, b,
				err) < 0)
				return -1;
			if (start + plen >= len)
				break;
		}
		i = len;
	}
	if (i != len)
		return fail(err, pos + i, "unexpected text after %s", it->name);
	/* A bare "delay" would silently mean no delay at all. */
	if (it->bit == 0 && it->main_key != NULL && b->delay_ms == 0)
		return fail(err, pos, "%s needs a value, e.g. delay=50ms",
		    it->name);
	return 0;
}

static int
check_conflicts(const struct behaviour *b, struct behaviour_error *err,
    size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(conflicts) / sizeof(conflicts[0]); i++)
		if ((b->bits & conflicts[i].a) && (b->bits & conflicts[i].b))
			return fail(err, len, "these do not combine: %s",
			    conflicts[i].why);
	return 0;
}

int
behaviour_parse(const char *spec, struct behaviour *out,
    struct behaviour_error *err)
{
	struct behaviour b;
	size_t pos = 0, len = strlen(spec), n;
	bool saw_normal = false;
	unsigned seen = 0;

	behaviour_default(&b);
	if (len == 0)
		return fail(err, 0,
		    "empty behaviour: write a name such as normal or swallow-fin%s",
		    "");
	while (pos <= len) {
		n = strcspn(spec + pos, "+");
		if (n == 6 && strncmp(spec + pos, "normal", 6) == 0)
			saw_normal = true;
		if (parse_item(spec + pos, n, pos, &b, &seen, err) < 0)
			return -1;
		pos += n + 1;
	}
	if (saw_normal && b.bits != 0)
		return fail(err, 0,
		    "normal does not combine with other behaviours except delay%s",
		    "");
	if (check_conflicts(&b, err, 0) < 0)
		return -1;
	*out = b;
	return 0;
}

/* Append prefix and s; like snprintf, returns the length the whole would have. */
static size_t
append(char *buf, size_t len, size_t used, const char *prefix, const char *s)
{
	int n;

	if (used >= len)
		return used + strlen(prefix) + strlen(s);
	n = snprintf(buf + used, len - used, "%s%s", prefix, s);
	return used + (n < 0 ? 0 : (size_t)n);
}

size_t
behaviour_format(const struct behaviour *b, char *buf, size_t len)
{
	char v[32];
	size_t used = 0, i;

	if (len > 0)
		buf[0] = '\0';
	for (i = 0; i < NITEMS; i++) {
		if (items[i].bit == 0 || (b->bits & items[i].bit) == 0)
			continue;
		used = append(buf, len, used, used ? "+" : "", items[i].name);
		if (items[i].bit == BHV_STOP_READING) {
			format_size(b->rcvbuf, v, sizeof(v));
			used = append(buf, len, used, ":rcvbuf=", v);
			if (b->read_after != 0) {
				format_size(b->read_after, v, sizeof(v));
				used = append(buf, len, used, ",after=", v);
			}
		} else if (items[i].bit == BHV_SILENT && b->silent_after != 0) {
			format_size(b->silent_after, v, sizeof(v));
			used = append(buf, len, used, ":after=", v);
		}
	}
	if (used == 0)
		used = append(buf, len, used, "", "normal");
	if (b->delay_ms != 0) {
		format_duration((uint64_t)b->delay_ms * NS_PER_MS, v,
		    sizeof(v));
		used = append(buf, len, used, "+delay=", v);
	}
	return used;
}

const char *
behaviour_help(void)
{
	static char text[2048];
	size_t used = 0, i;
	int n;

	if (text[0] != '\0')
		return text;
	for (i = 0; i < NITEMS; i++) {
		n = snprintf(text + used, sizeof(text) - used, "  %-14s %s\n",
		    items[i].name, items[i].help);
		if (n < 0 || (size_t)n >= sizeof(text) - used)
			break;
		used += (size_t)n;
	}
	return text;
}
