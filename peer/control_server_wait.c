/*
 * control_server_wait.c - the control server's clocks: pending waits that
 * the peer's progress may complete, and clients that must authenticate
 * within a time. Called from lingerpeer's loop after every batch of packets.
 */
#include <stdint.h>

#include "control_server_int.h"

/*
 * Check every pending wait. A wait that completes lets its client run the
 * lines it sent meanwhile, which may change the peer and satisfy another
 * wait, so repeat while commands ran, a bounded number of times.
 */
void
cs_check_waits(struct control_server *s, uint64_t now_ns)
{
	struct client *c;
	uint32_t i;
	int pass;

	for (pass = 0; pass < RECHECK_PASSES; pass++) {
		s->executed = false;
		for (i = 0; i < s->cfg.max_clients && s->nwaiting > 0; i++) {
			if ((c = s->clients[i]) == NULL || c->dead ||
			    !c->waiting)
				continue;
			control_out_reset(&s->scratch);
			if (control_wait_check(s->peer, &c->wait, now_ns,
				&s->scratch) == CONTROL_PENDING)
				continue;
			c->waiting = false;
			s->nwaiting--;
			cs_reply(s, c);
			cs_process(s, c, now_ns);
		}
		if (!s->executed)
			break;
	}
	s->recheck = s->executed && s->nwaiting > 0;
}

/* Drop clients that were to authenticate and did not in time. */
static void
expire_auth(struct control_server *s, uint64_t now_ns)
{
	struct client *c;
	uint32_t i;

	for (i = 0; i < s->cfg.max_clients; i++) {
		if ((c = s->clients[i]) == NULL || !c->need_auth || c->dead ||
		    c->auth_deadline > now_ns)
			continue;
		cs_drop(s, c, "no token within the time allowed");
	}
}

void
control_server_after_packets(struct control_server *s, uint64_t now_ns)
{
	if (s->nunauth > 0)
		expire_auth(s, now_ns);
	if (s->nwaiting > 0)
		cs_check_waits(s, now_ns);
	cs_reap(s);
}

uint64_t
control_server_next_deadline(const struct control_server *s)
{
	uint64_t next = UINT64_MAX;
	struct client *c;
	uint32_t i;

	if (s->nwaiting == 0 && s->nunauth == 0)
		return UINT64_MAX;
	if (s->recheck && s->nwaiting > 0)
		return 0;
	for (i = 0; i < s->cfg.max_clients; i++) {
		if ((c = s->clients[i]) == NULL)
			continue;
		if (c->waiting && c->wait.deadline_ns < next)
			next = c->wait.deadline_ns;
		if (c->need_auth && c->auth_deadline < next)
			next = c->auth_deadline;
	}
	return next;
}
