/*
 * control_cond.c - wait conditions as they are written ("fins>=2",
 * "state=TIME_WAIT"): the grammar, the names of keys and operators, and
 * the comparison. What a key's value is for a connection is the peer's
 * business (peer/control_wait.c); the runner writes the same words.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "control_parse_int.h"

enum key_kind { KK_STATE, KK_BYTES, KK_COUNT };

static const struct {
	const char *name;
	enum key_kind kind;
} keys[CKEY_COUNT] = {
	[CKEY_STATE] = { "state", KK_STATE },
	[CKEY_FINS] = { "fins", KK_COUNT },
	[CKEY_FIN_RETX] = { "fin-retx", KK_COUNT },
	[CKEY_DATA_RETX] = { "data-retx", KK_COUNT },
	[CKEY_ZWP] = { "zwp", KK_COUNT },
	[CKEY_RSTS] = { "rsts", KK_COUNT },
	[CKEY_SYNS] = { "syns", KK_COUNT },
	[CKEY_RX] = { "rx", KK_BYTES },
	[CKEY_READ] = { "read", KK_BYTES },
	[CKEY_BUFFERED] = { "buffered", KK_BYTES },
	[CKEY_WIN] = { "win", KK_BYTES },
	[CKEY_SEGS_IN] = { "segs-in", KK_COUNT },
	[CKEY_SEGS_OUT] = { "segs-out", KK_COUNT },
	[CKEY_TX] = { "tx", KK_BYTES },
};

#define KEY_LIST                                                               \
	"state fins fin-retx data-retx zwp rsts syns rx read buffered "        \
	"win segs-in segs-out tx"

/* Longest first, so ">=" is not read as ">" followed by "=2". */
static const struct {
	const char *text;
	enum control_op op;
} ops[] = {
	{ ">=", COP_GE },
	{ "<=", COP_LE },
	{ "!=", COP_NE },
	{ "==", COP_EQ },
	{ "=", COP_EQ },
	{ ">", COP_GT },
	{ "<", COP_LT },
};

#define NOPS (sizeof(ops) / sizeof(ops[0]))

const char *
control_key_name(enum control_key k)
{
	return (unsigned)k < CKEY_COUNT ? keys[k].name : "?";
}

const char *
control_op_name(enum control_op op)
{
	static const char *const names[] = { "=", "!=", ">=", "<=", ">", "<" };

	return (unsigned)op < sizeof(names) / sizeof(names[0]) ? names[op]
							       : "?";
}

bool
control_cond_holds(const struct control_cond *c, uint64_t actual)
{
	switch (c->op) {
	case COP_EQ: return actual == c->value;
	case COP_NE: return actual != c->value;
	case COP_GE: return actual >= c->value;
	case COP_LE: return actual <= c->value;
	case COP_GT: return actual > c->value;
	case COP_LT: return actual < c->value;
	}
	return false;
}

static int
parse_cond_value(const char *word, size_t idx, enum control_key key,
    struct control_cond *c, const char *v, struct control_error *err)
{
	int state;

	switch (keys[key].kind) {
	case KK_STATE:
		if (c->op != COP_EQ && c->op != COP_NE)
			return control_fail(err, CONTROL_E_BAD_ARG,
			    "word %zu ('%.60s'): states only "
			    "compare with = or !=. Write e.g. state=TIME_WAIT",
			    idx + 1, word);
		if (control_parse_state(v, &state) < 0)
			return control_fail(err, CONTROL_E_BAD_ARG,
			    "word %zu: '%.40s' is not a TCP "
			    "state. Write a name such as ESTABLISHED, FIN_WAIT2 or CLOSED",
			    idx + 1, v);
		c->value = (uint64_t)state;
		return 0;
	case KK_BYTES:
		return control_parse_bytes(v, idx, keys[key].name, UINT64_MAX,
		    &c->value, err);
	case KK_COUNT:
		if (control_parse_u64(v, &c->value) < 0)
			return control_fail(err, CONTROL_E_BAD_ARG,
			    "word %zu: %s counts; '%.40s' is "
			    "not a whole number. Write e.g. %s>=2",
			    idx + 1, keys[key].name, v, keys[key].name);
		return 0;
	}
	return -1;
}

int
control_parse_cond(const char *word, size_t idx, struct control_cond *c,
    struct control_error *err)
{
	size_t klen = strcspn(word, "=!<>"), i;
	const char *v = NULL;
	int k;

	if (word[klen] == '\0')
		return control_fail(err, CONTROL_E_BAD_ARG,
		    "word %zu ('%.60s') is not a condition. "
		    "Write KEY OP VALUE without spaces, e.g. fins>=2 or state=CLOSED",
		    idx + 1, word);
	if (klen == 0)
		return control_fail(err, CONTROL_E_BAD_ARG,
		    "word %zu ('%.60s') has no key before "
		    "the operator. Keys: " KEY_LIST,
		    idx + 1, word);
	for (i = 0; i < NOPS && v == NULL; i++) {
		if (strncmp(word + klen, ops[i].text, strlen(ops[i].text)) ==
		    0) {
			c->op = ops[i].op;
			v = word + klen + strlen(ops[i].text);
		}
	}
	if (v == NULL || (*v != '\0' && strchr("=!<>", *v) != NULL))
		return control_fail(err, CONTROL_E_BAD_ARG,
		    "word %zu ('%.60s') has a bad operator. "
		    "Use one of = != >= <= > <",
		    idx + 1, word);
	for (k = 0; k < CKEY_COUNT; k++)
		if (strlen(keys[k].name) == klen &&
		    strncasecmp(word, keys[k].name, klen) == 0)
			break;
	if (k == CKEY_COUNT)
		return control_fail(err, CONTROL_E_BAD_ARG,
		    "word %zu: unknown key '%.*s'. Keys: " KEY_LIST "%s",
		    idx + 1, (int)(klen > 40 ? 40 : klen), word,
		    klen == 7 && strncasecmp(word, "timeout", 7) == 0
			? "; a timeout is written "
			  "timeout=DURATION"
			: "");
	c->key = (enum control_key)k;
	if (*v == '\0')
		return control_fail(err, CONTROL_E_BAD_ARG,
		    "word %zu ('%.60s') has no value after "
		    "the operator. Write e.g. %s%s%s",
		    idx + 1, word, keys[k].name, control_op_name(c->op),
		    k == CKEY_STATE ? "CLOSED" : "1");
	return parse_cond_value(word, idx, c->key, c, v, err);
}
