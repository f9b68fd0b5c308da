/*
 * agent_proto_int.h - what the files of the agent protocol's codec share:
 * the readers of numbers and addresses, and the words of options and
 * counters. Private to client/agent/agent_*.c.
 */
#ifndef LINGERLAB_AGENT_PROTO_INT_H
#define LINGERLAB_AGENT_PROTO_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ip_address.h"
#include "platform.h"

/* A decimal of len bytes, at most max; false when it is anything else. */
bool agent_parse_u64(const char *s, size_t len, uint64_t max, uint64_t *out);
/* The same with an optional '-'. */
bool agent_parse_i64(const char *s, size_t len, int64_t *out);
/* "192.0.2.1" or "2001:db8::1" (no brackets), by ip_addr_parse(). */
bool agent_parse_ip(const char *s, size_t len, struct ip_addr *out);
/* "192.0.2.1:80" or "[2001:db8::1]:80"; port 0 too (none, or any). */
bool agent_parse_ipport(const char *s, size_t len, struct ip_addr *addr,
    uint16_t *port);
/* The same written (IP_ADDR_PORT_STRLEN bytes hold it). */
void agent_ipport_word(const struct ip_addr *a, uint16_t port, char *buf,
    size_t len);
/* `set`'s word for an option ("linger-off"), NULL for none. */
const char *agent_opt_word(enum plat_opt opt, bool *takes_value);
/* Letters, digits and '_', 1 to AGENT_COUNTER_NAME_MAX: 0, else -1. */
int agent_counter_name_ok(const char *w, size_t len);

#endif
