/*
 * control_int.h - what the peer's control files share: connection lookup,
 * the wait's entry points, and the reply helpers of the pieces of
 * control_exec() that live in other files. Not for other modules.
 */
#ifndef LINGERLAB_CONTROL_INT_H
#define LINGERLAB_CONTROL_INT_H

#include "control_exec.h"
#include "control_proto.h"
#include "tcp_peer.h"

/* control_wait.c */
uint64_t control_key_value(const struct conn_info *ci, enum control_key k);
enum control_result control_wait_start(struct peer *p,
    const struct control_cmd *cmd, uint64_t now_ns, struct control_out *out,
    struct control_wait *w);

/* control_out.c */
const char *control_secs_str(uint64_t ns, char buf[32]);

/* control_exec.c */
/*
 * Find the connection cc names. For CCONN_NEW, the oldest with an id above
 * after_id; for an address or "last", the newest. 0, or -1 if none.
 */
int control_find_conn(const struct peer *p, const struct control_conn *cc,
    uint32_t after_id, struct conn_info *ci);
void control_no_conn(struct control_out *out, const struct control_conn *cc);

#endif
