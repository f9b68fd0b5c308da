/*
 * control_int.h - what the control protocol's own files share: the parser's
 * error and number helpers, connection lookup, and the entry points of the
 * pieces of control_exec() that live in other files. Not for other modules.
 */
#ifndef LINGERLAB_CONTROL_INT_H
#define LINGERLAB_CONTROL_INT_H

#include "control_exec.h"
#include "control_proto.h"
#include "tcp_peer.h"

/* control_proto.c */
int control_fail(struct control_error *err, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* control_words.c: the values inside one word; idx is the word's index (0: the verb) */
enum { CONN_ALLOW_NEW = 1, CONN_ALLOW_ALL = 2 };	/* control_parse_conn's allow: "new", "all" */
int control_parse_u64(const char *s, uint64_t *out);
int control_parse_bytes(const char *word, size_t idx, const char *what, uint64_t max,
			uint64_t *out, struct control_error *err);
int control_parse_conn(const char *word, size_t idx, unsigned allow, struct control_conn *cc,
		       struct control_error *err);
/* "key=value" with key matched without case; *value points after '='. */
bool control_is_opt(const char *word, const char *key, const char **value);

/* control_wait.c */
int control_parse_cond(const char *word, size_t idx, struct control_cond *c,
		       struct control_error *err);
uint64_t control_key_value(const struct conn_info *ci, enum control_key k);
enum control_result control_wait_start(struct peer *p, const struct control_cmd *cmd,
				       uint64_t now_ns, struct control_out *out,
				       struct control_wait *w);

/* control_out.c */
const char *control_ip_str(uint32_t addr, char buf[16]);
const char *control_secs_str(uint64_t ns, char buf[32]);

/* control_exec.c */
/*
 * Find the connection cc names. For CCONN_NEW, the oldest with an id above
 * after_id; for an address or "last", the newest. 0, or -1 if none.
 */
int control_find_conn(const struct peer *p, const struct control_conn *cc, uint32_t after_id,
		      struct conn_info *ci);
void control_no_conn(struct control_out *out, const struct control_conn *cc);

#endif
