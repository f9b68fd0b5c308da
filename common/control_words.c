/*
 * control_words.c - the values inside one control word: plain numbers,
 * TCP state names, connections (an id, CLIENTIP:PORT, last, new, all),
 * key=value options and byte sizes.
 *
 * Each reader is strict (no sign, no hex, IPv6 only in brackets with a
 * port) and, where it fails on behalf of a command, says which word
 * (counting the verb as word 1) and what to write instead.
 */
#include "control_proto.h"

#include <string.h>
#include <strings.h>

#include "control_parse_int.h"
#include "units.h"

/* Digits only: no sign, no spaces, no hex, so "-1" and "1e3" are refused. */
int
control_parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

/* State names compare without case and with '-' equal to '_'. */
static bool
state_name_eq(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++) {
		char x = (char)(*a == '-' ? '_' : *a),
		     y = (char)(*b == '-' ? '_' : *b);

		if (x >= 'a' && x <= 'z')
			x = (char)(x - 'a' + 'A');
		if (y >= 'a' && y <= 'z')
			y = (char)(y - 'a' + 'A');
		if (x != y)
			return false;
	}
	return *a == *b;
}

int
control_parse_state(const char *word, int *state)
{
	int s;

	for (s = 0; s < CS_STATE_COUNT; s++) {
		if (state_name_eq(word, conn_state_name((enum conn_state)s))) {
			*state = s;
			return 0;
		}
	}
	return -1;
}

int
control_parse_conn(const char *s, size_t idx, unsigned allow,
    struct control_conn *cc, struct control_error *err)
{
	uint64_t id;

	memset(cc, 0, sizeof(*cc));
	if (strcasecmp(s, "last") == 0) {
		cc->kind = CCONN_LAST;
		return 0;
	}
	if (strcasecmp(s, "new") == 0 || strcasecmp(s, "all") == 0) {
		bool isnew = strcasecmp(s, "new") == 0;

		if (isnew && (allow & CONN_ALLOW_NEW) == 0)
			return control_fail(err, CONTROL_E_BAD_ARG,
			    "word %zu: 'new' only works with "
			    "wait. Use last for the newest connection",
			    idx + 1);
		if (!isnew && (allow & CONN_ALLOW_ALL) == 0)
			return control_fail(err, CONTROL_E_BAD_ARG,
			    "word %zu: 'all' only works with "
			    "events. Name one connection: an id, CLIENTIP:PORT or last",
			    idx + 1);
		cc->kind = isnew ? CCONN_NEW : CCONN_ALL;
		return 0;
	}
	if (control_parse_u64(s, &id) == 0) {
		if (id > UINT32_MAX)
			return control_fail(err, CONTROL_E_BAD_ARG,
			    "word %zu: connection id %.40s is "
			    "too large. Ids are the id= values that list shows",
			    idx + 1, s);
		cc->kind = CCONN_ID;
		cc->id = (uint32_t)id;
		return 0;
	}
	if (ip_addr_parse_port(s, &cc->addr, &cc->port) == 0) {
		cc->kind = CCONN_ADDR;
		return 0;
	}
	if (s[0] != '[' && strchr(s, ':') != strrchr(s, ':'))
		return control_fail(err, CONTROL_E_BAD_ARG,
		    "word %zu ('%.60s') looks like an IPv6 "
		    "address and port without brackets. Write the address in brackets, "
		    "then the port: [2001:db8::1]:40112",
		    idx + 1, s);
	return control_fail(err, CONTROL_E_BAD_ARG,
	    "word %zu ('%.60s') is not a connection. "
	    "Write an id (7), the client's address and port (192.0.2.1:40112 or "
	    "[2001:db8::1]:40112) or last",
	    idx + 1, s);
}

/* "key=value" with key matched without case; *value points after '='. */
bool
control_is_opt(const char *word, const char *key, const char **value)
{
	size_t n = strlen(key);

	if (strncasecmp(word, key, n) != 0 || word[n] != '=')
		return false;
	*value = word + n + 1;
	return true;
}

int
control_parse_bytes(const char *word, size_t idx, const char *what,
    uint64_t max, uint64_t *out, struct control_error *err)
{
	char msg[200];

	if (parse_size(word, out, msg, sizeof(msg)) < 0)
		return control_fail(err, CONTROL_E_BAD_ARG, "word %zu (%s): %s",
		    idx + 1, what, msg);
	if (*out > max)
		return control_fail(err, CONTROL_E_BAD_ARG,
		    "word %zu (%s): %.40s is more than the "
		    "limit of %llu bytes. Use a smaller size",
		    idx + 1, what, word, (unsigned long long)max);
	return 0;
}
