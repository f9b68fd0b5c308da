/*
 * scenario_kinds.c - one row for each kind of step and of expectation: its
 * name as written and what it is (scenario_kinds.h).
 *
 * The tables are switches without a default, not arrays: -Wswitch (on
 * through -Wall, an error with -Werror) names a kind that is added to
 * scenario.h and forgotten here, which an array indexed by kind would
 * leave as a silent hole.
 */
#include "scenario_kinds.h"

#include <string.h>

/* What a kind of step is. */
#define CALL	  0x01u /* a system call on the system under test */
#define CLIENT	  0x02u /* run by the client's process */
#define PEER_CMD  0x04u /* sent to lingerpeer */
#define PEER_SIDE 0x08u /* the peer acts */
#define WAITS	  0x10u /* time passes */
#define SOCK	  0x20u /* names a socket in sock */

struct kind_row {
	const char *name;
	unsigned what;
};

#define ROW(name, what) ((struct kind_row){ (name), (what) })

static struct kind_row
step_row(enum scn_step_kind k)
{
	switch (k) {
	case STEP_PEER_LISTEN: return ROW("peer listen", PEER_CMD | PEER_SIDE);
	case STEP_PEER_BEHAVIOUR:
		return ROW("peer behaviour", PEER_CMD | PEER_SIDE | SOCK);
	case STEP_PEER_ACK_FIN:
		return ROW("peer ack-fin", PEER_CMD | PEER_SIDE | SOCK);
	case STEP_PEER_READ:
		return ROW("peer read", PEER_CMD | PEER_SIDE | SOCK);
	case STEP_PEER_RESUME:
		return ROW("peer resume", PEER_CMD | PEER_SIDE | SOCK);
	case STEP_PEER_FIN: return ROW("peer fin", PEER_CMD | PEER_SIDE | SOCK);
	case STEP_PEER_RST: return ROW("peer rst", PEER_CMD | PEER_SIDE | SOCK);
	case STEP_PEER_SEND:
		return ROW("peer send", PEER_CMD | PEER_SIDE | SOCK);
	case STEP_PEER_CONNECT:
		return ROW("peer connect", PEER_CMD | PEER_SIDE);
	case STEP_WAIT_PEER: return ROW("wait peer", PEER_CMD | WAITS | SOCK);
	case STEP_SOCKET: return ROW("socket", CALL | CLIENT | SOCK);
	case STEP_SET: return ROW("set", CALL | CLIENT | SOCK);
	case STEP_CONNECT: return ROW("connect", CALL | CLIENT | SOCK);
	case STEP_SEND: return ROW("send", CALL | CLIENT | SOCK);
	case STEP_RECV: return ROW("recv", CALL | CLIENT | SOCK);
	case STEP_SHUTDOWN: return ROW("shutdown", CALL | CLIENT | SOCK);
	case STEP_CLOSE: return ROW("close", CALL | CLIENT | SOCK);
	case STEP_EXIT_CLOSE: return ROW("exit-close", CALL | CLIENT | SOCK);
	case STEP_LISTEN: return ROW("listen", CALL | CLIENT | SOCK);
	case STEP_ACCEPT: return ROW("accept", CALL | CLIENT | SOCK);
	case STEP_WAIT: return ROW("wait", CLIENT | WAITS);
	case STEP_SIGNAL: return ROW("signal", CLIENT);
	case STEP_REPEAT: return ROW("repeat", 0); /* the runner's own */
	case STEP_END: return ROW("end", 0);
	case STEP_KIND_COUNT: break;
	}
	return ROW("?", 0);
}

const char *
scn_step_name(enum scn_step_kind k)
{
	return step_row(k).name;
}

bool
scn_step_is_call(enum scn_step_kind k)
{
	return (step_row(k).what & CALL) != 0;
}

bool
scn_step_is_client(enum scn_step_kind k)
{
	return (step_row(k).what & CLIENT) != 0;
}

bool
scn_step_is_peer_cmd(enum scn_step_kind k)
{
	return (step_row(k).what & PEER_CMD) != 0;
}

bool
scn_step_is_peer_side(enum scn_step_kind k)
{
	return (step_row(k).what & PEER_SIDE) != 0;
}

bool
scn_step_waits(enum scn_step_kind k)
{
	return (step_row(k).what & WAITS) != 0;
}

bool
scn_step_takes_sock(enum scn_step_kind k)
{
	return (step_row(k).what & SOCK) != 0;
}

/* What a kind of expectation is. */
#define ATTACHED 0x01u /* checks the call of its step */
#define WIRE	 0x02u /* checks the captured segments */

static struct kind_row
expect_row(enum scn_expect_kind k)
{
	switch (k) {
	case EXP_RETURNS: return ROW("returns", ATTACHED);
	case EXP_FAILS: return ROW("fails", ATTACHED);
	case EXP_BLOCKS_AT_LEAST: return ROW("blocks at-least", ATTACHED);
	case EXP_BLOCKS_AT_MOST: return ROW("blocks at-most", ATTACHED);
	case EXP_BLOCKS_ABOUT: return ROW("blocks about", ATTACHED);
	case EXP_SENDS: return ROW("sends", ATTACHED);
	case EXP_WIRE_SENDS: return ROW("wire sends", WIRE);
	case EXP_WIRE_SENDS_NO: return ROW("wire sends no", WIRE);
	case EXP_WIRE_RETRANSMITS: return ROW("wire retransmits", WIRE);
	case EXP_WIRE_ZWP: return ROW("wire sends zero-window-probes", WIRE);
	case EXP_STATE: return ROW("state", 0);
	case EXP_PEER: return ROW("peer", 0);
	case EXP_PROBE: return ROW("probe", 0);
	case EXP_KIND_COUNT: break;
	}
	return ROW("?", 0);
}

const char *
scn_expect_name(enum scn_expect_kind k)
{
	return expect_row(k).name;
}

bool
scn_expect_is_attached(enum scn_expect_kind k)
{
	return (expect_row(k).what & ATTACHED) != 0;
}

bool
scn_expect_is_wire(enum scn_expect_kind k)
{
	return (expect_row(k).what & WIRE) != 0;
}

/* ---- the smaller enums: names only ---- */

const char *
scn_os_name(enum scn_os os)
{
	switch (os) {
	case SCN_OS_LINUX: return "linux";
	case SCN_OS_FREEBSD: return "freebsd";
	case SCN_OS_WINDOWS: return "windows";
	case SCN_OS_ALL: return "all";
	}
	return "?";
}

const char *
scn_wire_what_name(enum scn_wire_what w)
{
	switch (w) {
	case WIRE_FIN: return "FIN";
	case WIRE_RST: return "RST";
	case WIRE_DATA: return "data";
	case WIRE_ANY: return "nothing";
	}
	return "?";
}

const char *
scn_op_name(enum scn_op op)
{
	switch (op) {
	case SOP_EQ: return "=";
	case SOP_NE: return "!=";
	case SOP_GE: return ">=";
	case SOP_LE: return "<=";
	case SOP_GT: return ">";
	case SOP_LT: return "<";
	}
	return "?";
}

const char *
scn_family_name(enum scn_family f)
{
	switch (f) {
	case SCN_FAM_IPV4: return "ipv4";
	case SCN_FAM_IPV6: return "ipv6";
	case SCN_FAM_NONE: break;
	}
	return "?";
}

enum scn_family
scn_family_from_name(const char *word)
{
	if (strcmp(word, "ipv4") == 0)
		return SCN_FAM_IPV4;
	if (strcmp(word, "ipv6") == 0)
		return SCN_FAM_IPV6;
	return SCN_FAM_NONE;
}

int
scn_families_parse(const char *word, unsigned *fams)
{
	if (strcmp(word, "both") == 0)
		*fams = SCN_FAMS_BOTH;
	else if (strcmp(word, "ipv4") == 0)
		*fams = SCN_FAMS_IPV4;
	else if (strcmp(word, "ipv6") == 0)
		*fams = SCN_FAMS_IPV6;
	else
		return -1;
	return 0;
}
