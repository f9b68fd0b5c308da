/*
 * control_parse_int.h - what the control protocol's parsing files share
 * (control_proto.c, control_words.c, control_cond.c): the error helper and
 * the values inside one word. Not for other modules.
 */
#ifndef LINGERLAB_CONTROL_PARSE_INT_H
#define LINGERLAB_CONTROL_PARSE_INT_H

#include "control_proto.h"
#include "tcp_state.h"

/* control_proto.c */
int control_fail(struct control_error *err, const char *code, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));

/* control_words.c: the values inside one word; idx is the word's index (0: the verb) */
enum {
	CONN_ALLOW_NEW = 1,
	CONN_ALLOW_ALL = 2
}; /* control_parse_conn's allow: "new", "all" */
int control_parse_u64(const char *s, uint64_t *out);
int control_parse_bytes(const char *word, size_t idx, const char *what,
    uint64_t max, uint64_t *out, struct control_error *err);
int control_parse_conn(const char *word, size_t idx, unsigned allow,
    struct control_conn *cc, struct control_error *err);
/* "key=value" with key matched without case; *value points after '='. */
bool control_is_opt(const char *word, const char *key, const char **value);

/* control_cond.c */
int control_parse_cond(const char *word, size_t idx, struct control_cond *c,
    struct control_error *err);

#endif
