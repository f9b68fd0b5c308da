/*
 * scenario_kinds.h - what each kind of step and of expectation is (the
 * enums of scenario.h): its name as a scenario file writes it, and the
 * properties by which the parser, the runner, the evaluator and the
 * reports treat it.
 *
 * Ask these rather than compare a kind with a range of the enum: the order
 * of the enum means nothing, and a kind added to it is then placed in one
 * table (scenario_kinds.c), where the compiler names it if it is missing.
 */
#ifndef LINGERLAB_SCENARIO_KINDS_H
#define LINGERLAB_SCENARIO_KINDS_H

#include <stdbool.h>

#include "scenario.h"

/* Names as written in scenario files: "peer listen", "returns", "FIN"; "?"
 * for a value that is no kind. */
const char *scn_step_name(enum scn_step_kind k);
const char *scn_expect_name(enum scn_expect_kind k);
const char *scn_os_name(enum scn_os os);
const char *scn_wire_what_name(enum scn_wire_what w);
const char *scn_op_name(enum scn_op op);
/* "ipv4", "ipv6"; "?" for SCN_FAM_NONE and anything else. */
const char *scn_family_name(enum scn_family f);
/* "ipv4" and "ipv6" to theirs; SCN_FAM_NONE for any other word. */
enum scn_family scn_family_from_name(const char *word);
/* --family: "ipv4", "ipv6" or "both" to SCN_FAMS_* bits. 0, or -1. */
int scn_families_parse(const char *word, unsigned *fams);

/* A system call on the system under test (socket ... accept): indented
 * expectations check it. */
bool scn_step_is_call(enum scn_step_kind k);
/* Run by the client's own process: the calls, wait and signal. */
bool scn_step_is_client(enum scn_step_kind k);
/* A command to lingerpeer over the control channel: peer ..., wait peer. */
bool scn_step_is_peer_cmd(enum scn_step_kind k);
/* The peer acts: drawn on the peer's side. Not wait peer, in which the
 * client waits. */
bool scn_step_is_peer_side(enum scn_step_kind k);
/* Time passes and nothing else happens: wait, wait peer. */
bool scn_step_waits(enum scn_step_kind k);
/* Names a socket in sock (accept and peer connect name another in sock2). */
bool scn_step_takes_sock(enum scn_step_kind k);

/* Checks the call of the step above it (written indented): returns ...
 * sends. */
bool scn_expect_is_attached(enum scn_expect_kind k);
/* Checks the captured segments: wire .... */
bool scn_expect_is_wire(enum scn_expect_kind k);

#endif
