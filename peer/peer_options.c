/*
 * peer_options.c - lingerpeer's command line.
 *
 * --addr names the addresses lingerpeer owns: one IPv4, one IPv6, or one
 * of each (--addr twice, or a comma list), so one peer serves clients of
 * both families.
 *
 * --behaviour applies to the --port options before it that have none yet and
 * to every port when given once before any --port, so both
 *   --port 7000 --behaviour swallow-fin --port 7001 --behaviour half-close
 * and
 *   --behaviour swallow-fin --port 7000,7001
 * read the way they look.
 */
#include "peer_options.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "endpoint.h"
#include "units.h"

#ifndef LINGERLAB_VERSION
#define LINGERLAB_VERSION "0.1.0"
#endif

enum {
	OPT_PCAP = 256,
	OPT_MAX_CONNS,
	OPT_WHEN_FULL,
	OPT_EVENTS,
	OPT_CAPTURE_BUFFER,
	OPT_MSS,
	OPT_WSCALE,
	OPT_SEED,
	OPT_NO_VERIFY,
	OPT_VERSION,
	OPT_CONTROL_TOKEN,
	OPT_USER,
};

static const struct option long_opts[] = {
	{ "iface", required_argument, NULL, 'i' },
	{ "addr", required_argument, NULL, 'a' },
	{ "port", required_argument, NULL, 'p' },
	{ "behaviour", required_argument, NULL, 'b' },
	{ "behavior", required_argument, NULL, 'b' },
	{ "control", required_argument, NULL, 'c' },
	{ "control-token", required_argument, NULL, OPT_CONTROL_TOKEN },
	{ "user", required_argument, NULL, OPT_USER },
	{ "pcap", required_argument, NULL, OPT_PCAP },
	{ "max-conns", required_argument, NULL, OPT_MAX_CONNS },
	{ "when-full", required_argument, NULL, OPT_WHEN_FULL },
	{ "events", required_argument, NULL, OPT_EVENTS },
	{ "capture-buffer", required_argument, NULL, OPT_CAPTURE_BUFFER },
	{ "mss", required_argument, NULL, OPT_MSS },
	{ "wscale", required_argument, NULL, OPT_WSCALE },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "no-verify-checksums", no_argument, NULL, OPT_NO_VERIFY },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

void
peer_usage(FILE *out)
{
	fprintf(out,
	    "usage: lingerpeer --iface IFACE --addr IP[,IP] [--port PORT[,PORT...]]\n"
	    "                  [--behaviour SPEC] [--control unix:PATH|unix:@NAME|HOST:PORT|fd:N]\n"
	    "                  [--control-token FILE] [--user NAME]\n"
	    "                  [--pcap FILE] [--max-conns N] [--when-full drop|evict]\n"
	    "                  [--events N] [--capture-buffer SIZE] [--mss N] [--wscale N]\n"
	    "                  [--seed N]\n"
	    "                  [--no-verify-checksums] [-v]\n"
	    "\n"
	    "A userspace TCP peer that owns IP on IFACE (it answers ARP, or IPv6 Neighbor\n"
	    "Solicitations, for it; give the address to no kernel) and misbehaves on\n"
	    "command, so a client's close() can be tested against an unresponsive other end.\n"
	    "\n"
	    "  -i, --iface IFACE     link to capture on (libpcap) and inject into (libnet)\n"
	    "  -a, --addr IP[,IP]    the address lingerpeer owns: IPv4 (192.0.2.2), IPv6\n"
	    "                        (2001:db8::2), or one of each (repeat --addr, or a list)\n"
	    "  -p, --port LIST       ports to accept connections on (repeatable); without any,\n"
	    "                        only ports added later with the control command listen,\n"
	    "                        and connections the peer opens itself with connect\n"
	    "  -b, --behaviour SPEC  behaviour of new connections on the ports given before it\n"
	    "                        that have none, or on all ports when given first;\n"
	    "                        items joined by '+', e.g. stop-reading:rcvbuf=64KiB+swallow-fin\n"
	    "  -c, --control EP      control channel (repeatable); fd:N uses an inherited socket;\n"
	    "                        TCP only on loopback unless --control-token is given\n"
	    "      --control-token FILE  clients of TCP endpoints must first send 'auth TOKEN'\n"
	    "                        with the token in FILE (mode 600); allows any address\n"
	    "      --user NAME       user to become once the interface is open (default\n"
	    "                        nobody); every capability is dropped either way\n"
	    "      --pcap FILE       write every frame in and out to FILE (nanosecond pcap)\n"
	    "      --max-conns N     connection table size (default 131072)\n"
	    "      --when-full P     full table: drop new SYNs (default) or evict the least\n"
	    "                        recently active connection\n"
	    "      --events N        event ring entries shared by all connections (default 262144)\n"
	    "      --capture-buffer SIZE  the kernel's capture buffer (default 8MiB; 256KiB-1GiB):\n"
	    "                        frames that wait while lingerpeer is busy\n"
	    "      --mss N           MSS to announce over IPv4 (default: interface MTU - 40);\n"
	    "                        over IPv6, 20 less\n"
	    "      --wscale N        window scale to announce, 0-14 (default 7)\n"
	    "      --seed N          seed for initial sequence numbers and hashing\n"
	    "      --no-verify-checksums  accept frames with bad IP/TCP checksums; not\n"
	    "                        needed for checksum offload (veth, tap): the partial\n"
	    "                        checksum it leaves is accepted anyway (lingerpeer(8))\n"
	    "  -v, --verbose         narrate what happens in plain words, for live demos\n"
	    "  -h, --help            this text;  --version  the version\n"
	    "\n"
	    "Behaviours:\n%s"
	    "\n"
	    "Exit status: 0 stopped by SIGINT/SIGTERM, 1 failure while running, 2 usage\n"
	    "error, 3 interface, capture or injection unavailable, the address already\n"
	    "configured on this host, or privileges that cannot be dropped.\n"
	    "See lingerpeer(8) and docs/control-protocol.md.\n",
	    behaviour_help());
}

static int
usage_error(const char *what, const char *arg, const char *hint)
{
	fprintf(stderr, "lingerpeer: %s '%s': %s\n", what, arg, hint);
	fprintf(stderr, "Run 'lingerpeer --help' for the options.\n");
	return PEER_EXIT_USAGE;
}

static int
parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	if (*s == '\0' || *s == '-')
		return -1;
	*out = strtoul(s, &end, 10);
	return *end == '\0' && *out <= max ? 0 : -1;
}

static int
add_ports(struct peer_options *o, const char *list)
{
	char buf[512], *tok, *save = NULL;
	unsigned long v;

	if (strlen(list) >= sizeof(buf))
		return usage_error("--port", list, "list too long");
	memcpy(buf, list, strlen(list) + 1); /* fits: checked above */
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (parse_uint(tok, 65535, &v) < 0 || v == 0)
			return usage_error("--port", tok,
			    "expected a port number 1-65535");
		if (o->nports == PEER_MAX_PORTS)
			return usage_error("--port", tok,
			    "too many ports (at most 64)");
		o->ports[o->nports] = (uint16_t)v;
		o->port_behaviour[o->nports].bits =
		    UINT16_MAX; /* not yet given */
		o->nports++;
	}
	return 0;
}

/* One address or a comma list of them; at most one of each family in all. */
static int
add_addrs(struct peer_options *o, const char *list)
{
	char buf[256], *tok, *save = NULL;
	struct ip_addr a, *slot;

	if (strlen(list) >= sizeof(buf))
		return usage_error("--addr", list, "list too long");
	memcpy(buf, list, strlen(list) + 1); /* fits: checked above */
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (ip_addr_parse(tok, &a) < 0)
			return usage_error("--addr", tok,
			    "expected an IPv4 address such as "
			    "192.0.2.2 or an IPv6 address such as 2001:db8::2");
		slot = ip_addr_is_v4(&a) ? &o->addr4 : &o->addr6;
		if (slot->family != IPF_NONE)
			return usage_error("--addr", tok,
			    ip_addr_is_v4(&a)
				? "a second IPv4 address; lingerpeer owns one of each family"
				: "a second IPv6 address; lingerpeer owns one of each family");
		if (ip_addr_is_multicast(&a) ||
		    ip_addr_to_v4(&a) == 0xffffffffu ||
		    ip_addr_is_unspecified6(&a) ||
		    (ip_addr_is_v4(&a) && ip_addr_to_v4(&a) == 0))
			return usage_error("--addr", tok,
			    "not an address one host can own; "
			    "give a unicast address");
		*slot = a;
	}
	return 0;
}

static int
set_behaviour(struct peer_options *o, const char *spec, struct behaviour *all)
{
	struct behaviour_error err;
	struct behaviour b;
	unsigned i;
	bool used = false;

	if (behaviour_parse(spec, &b, &err) < 0) {
		fprintf(stderr,
		    "lingerpeer: --behaviour '%s': at character %zu: %s\n",
		    spec, err.pos + 1, err.msg);
		return PEER_EXIT_USAGE;
	}
	for (i = 0; i < o->nports; i++) {
		if (o->port_behaviour[i].bits == UINT16_MAX) {
			o->port_behaviour[i] = b;
			used = true;
		}
	}
	if (!used)
		*all = b;
	return 0;
}

static int
parse_one(struct peer_options *o, int ch, const char *arg,
    struct behaviour *all)
{
	unsigned long v;
	uint64_t n;

	switch (ch) {
	case 'i': o->iface = arg; return 0;
	case 'a': return add_addrs(o, arg);
	case 'p': return add_ports(o, arg);
	case 'b': return set_behaviour(o, arg, all);
	case 'c':
		if (o->ncontrols == PEER_MAX_CONTROLS)
			return usage_error("--control", arg,
			    "at most 8 control endpoints");
		o->controls[o->ncontrols++] = arg;
		return 0;
	case OPT_PCAP: o->pcap_file = arg; return 0;
	case OPT_CONTROL_TOKEN: o->control_token = arg; return 0;
	case OPT_USER:
		if (*arg == '\0')
			return usage_error("--user", arg,
			    "expected a user name, e.g. nobody");
		o->user = arg;
		return 0;
	case OPT_MAX_CONNS:
		if (parse_uint(arg, 1u << 26, &v) < 0 || v == 0)
			return usage_error("--max-conns", arg,
			    "expected 1 to 67108864");
		o->cfg.max_conns = (uint32_t)v;
		return 0;
	case OPT_WHEN_FULL:
		if (strcmp(arg, "drop") != 0 && strcmp(arg, "evict") != 0)
			return usage_error("--when-full", arg,
			    "expected drop or evict");
		o->cfg.when_full =
		    arg[0] == 'd' ? WHEN_FULL_DROP : WHEN_FULL_EVICT;
		return 0;
	case OPT_EVENTS:
		if (parse_uint(arg, 1u << 26, &v) < 0 || v == 0)
			return usage_error("--events", arg,
			    "expected 1 to 67108864");
		o->cfg.event_capacity = (uint32_t)v;
		return 0;
	case OPT_CAPTURE_BUFFER:
		if (parse_size(arg, &n, NULL, 0) < 0 || n < (256u << 10) ||
		    n > (1u << 30))
			return usage_error("--capture-buffer", arg,
			    "expected a size from 256KiB to 1GiB");
		o->capture_buffer = (size_t)n;
		return 0;
	case OPT_MSS:
		if (parse_size(arg, &n, NULL, 0) < 0 || n < 88 || n > 65495)
			return usage_error("--mss", arg,
			    "expected 88 to 65495");
		o->cfg.mss = (uint16_t)n;
		o->mss_given = true;
		return 0;
	case OPT_WSCALE:
		if (parse_uint(arg, 14, &v) < 0)
			return usage_error("--wscale", arg,
			    "expected 0 to 14 (RFC 7323)");
		o->cfg.wscale = (uint8_t)v;
		return 0;
	case OPT_SEED:
		if (parse_uint(arg, ~0ul, &v) < 0)
			return usage_error("--seed", arg,
			    "expected a whole number");
		o->cfg.seed = v;
		return 0;
	case OPT_NO_VERIFY: o->verify_csum = false; return 0;
	case 'v': o->verbose++; return 0;
	}
	return PEER_EXIT_USAGE;
}

/*
 * Beyond loopback, whoever reaches the channel could reset connections:
 * such an endpoint needs a token. Said here, before anything is opened.
 */
static int
check_controls(const struct peer_options *o)
{
	struct control_endpoint ep;
	char err[256];
	unsigned i;

	for (i = 0; i < o->ncontrols; i++) {
		if (control_endpoint_parse_flags(o->controls[i],
			CEP_ALLOW_REMOTE, &ep, err, sizeof(err)) < 0)
			return usage_error("--control", o->controls[i], err);
		if (ep.remote && o->control_token == NULL)
			return usage_error("--control", o->controls[i],
			    "an endpoint beyond "
			    "loopback needs --control-token FILE, so that only clients that "
			    "know the token can steer the peer (see lingerpeer(8), SECURITY)");
	}
	return 0;
}

/* For the ready line: IPv4 first, then IPv6, as given. */
static void
addr_text(struct peer_options *o)
{
	char v4[IP_ADDR_STRLEN] = "", v6[IP_ADDR_STRLEN] = "";

	if (o->addr4.family != IPF_NONE)
		ip_addr_format(&o->addr4, v4, sizeof(v4));
	if (o->addr6.family != IPF_NONE)
		ip_addr_format(&o->addr6, v6, sizeof(v6));
	snprintf(o->addr_text, sizeof(o->addr_text), "%s%s%s", v4,
	    v4[0] && v6[0] ? "," : "", v6);
}

static int
finish(struct peer_options *o, const struct behaviour *all)
{
	unsigned i;

	if (o->iface == NULL)
		return usage_error("--iface", "",
		    "required: the link lingerpeer owns its address on");
	if (o->addr4.family == IPF_NONE && o->addr6.family == IPF_NONE)
		return usage_error("--addr", "",
		    "required: the address lingerpeer owns (IPv4, "
		    "IPv6, or one of each); it must not be configured on any kernel interface");
	addr_text(o);
	for (i = 0; i < o->nports; i++)
		if (o->port_behaviour[i].bits == UINT16_MAX)
			o->port_behaviour[i] = *all;
	return check_controls(o);
}

int
peer_options_parse(int argc, char **argv, struct peer_options *o)
{
	struct behaviour all;
	int ch, rc;

	memset(o, 0, sizeof(*o));
	peer_config_default(&o->cfg);
	o->verify_csum = true;
	o->capture_buffer = PEER_CAPTURE_BUFFER;
	behaviour_default(&all);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "i:a:p:b:c:vh", long_opts,
		    NULL)) != -1) {
		if (ch == 'h') {
			peer_usage(stdout);
			return -1;
		}
		if (ch == OPT_VERSION) {
			printf("lingerpeer %s\n", LINGERLAB_VERSION);
			return -1;
		}
		if (ch == '?') {
			fprintf(stderr,
			    "Run 'lingerpeer --help' for the options.\n");
			return PEER_EXIT_USAGE;
		}
		if ((rc = parse_one(o, ch, optarg, &all)) != 0)
			return rc;
	}
	if (optind < argc)
		return usage_error("argument", argv[optind],
		    "lingerpeer takes only options");
	return finish(o, &all);
}
