/*
 * cmd_lab.c - `lingerlab run --agent`: lab mode's options and the checks
 * made before the first case (cmd_lab.h). A token, an agent of another
 * release or an unreachable one stops the run here, before any case, with
 * status 3 (exit_codes.h), rather than case after case.
 */
#include "cmd_lab.h"

#include <stdarg.h>
#include <stdio.h>

#include "control_token.h"
#include "endpoint.h"
#include "cmd_run_int.h"
#include "run_plat.h"
#include "units.h"

int
cmd_lab_option(int ch, const char *arg, struct run_opts *o)
{
	static char token[CONTROL_TOKEN_MAX + 1];
	struct control_endpoint ep;
	char err[512];

	switch (ch) {
	case 'g':
		/* Beyond loopback only with --agent-token: checked later. */
		if (control_endpoint_parse_flags(arg, CEP_ALLOW_REMOTE, &ep,
			err, sizeof(err)) == -1)
			return cmd_run_bad(err, "--agent '%s'", arg);
		if (ep.kind != CEP_TCP)
			return cmd_run_bad(
			    "an agent is reached over TCP: write ADDR:PORT",
			    "--agent '%s'", arg);
		o->agent = arg;
		return 0;
	case 'k':
		if (control_token_read(arg, token, sizeof(token), err,
			sizeof(err)) == -1)
			return cmd_run_bad("", "--agent-token: %s", err);
		o->agent_token = token;
		return 0;
	case 'w':
		if (parse_duration(arg, &o->agent_wait_ns, err, sizeof(err)) ==
		    -1)
			return cmd_run_bad(err,
			    "--agent-wait '%s': expected a duration "
			    "such as 30s",
			    arg);
		return 0;
	}
	return -1;
}

int
cmd_lab_check(const struct run_opts *o)
{
	struct control_endpoint ep;
	char err[512];

	if (o->agent == NULL) {
		if (o->agent_token != NULL)
			return cmd_run_bad("", "--agent-token needs --agent");
		return 0;
	}
	if (o->peer_control == NULL)
		return cmd_run_bad(
		    "the wire is what lingerpeer saw: --peer CONTROL, "
		    "with --peer-token beyond loopback (docs/lab.md)",
		    "--agent needs --peer");
	if (o->iface != NULL || o->pcap_dir != NULL)
		return cmd_run_bad(
		    "the system under test's link is not ours to capture "
		    "on; lingerpeer --pcap FILE writes what it saw",
		    "%s does not "
		    "go with --agent",
		    o->iface != NULL ? "--iface" : "--pcap-dir");
	if (o->agent_token == NULL &&
	    control_endpoint_parse(o->agent, &ep, err, sizeof(err)) == -1)
		return cmd_run_bad("",
		    "--agent '%s': %s; give --agent-token FILE (the "
		    "agent's --token-file)",
		    o->agent, err);
	return 0;
}

int
cmd_lab_hello(const struct run_opts *o, uint32_t *os, char *name, size_t len)
{
	struct plat_os_info sut;
	char err[1024];

	if (run_agent_hello(o, &sut, err, sizeof(err)) == -1 ||
	    run_peer_hello(o, err, sizeof(err)) == -1) {
		fprintf(stderr, PROG ": %s\n", err);
		return -1;
	}
	*os = run_os_bit(&sut);
	run_os_name(&sut, name, len);
	return 0;
}
