/*
 * peer_options.h - lingerpeer's command line, parsed into a plain struct.
 */
#ifndef LINGERLAB_PEER_OPTIONS_H
#define LINGERLAB_PEER_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "behaviour.h"
#include "ip_address.h"
#include "tcp_peer.h"

#define PEER_MAX_PORTS	  64
#define PEER_MAX_CONTROLS 8

/* Exit codes, documented in lingerpeer(8). */
enum peer_exit {
	PEER_EXIT_OK = 0,      /* stopped by SIGINT or SIGTERM */
	PEER_EXIT_FAILURE = 1, /* a failure while running */
	PEER_EXIT_USAGE = 2,   /* the command line was wrong */
	PEER_EXIT_ENV = 3,     /* interface, capture or injection unavailable,
					   the address is already on this host, or
					   privileges cannot be dropped */
};

/* The kernel's capture buffer by default: rides out bursts of 100k SYNs. */
#define PEER_CAPTURE_BUFFER (8u << 20)

struct peer_options {
	const char *iface;
	/* --addr, once or twice or as a list: at most one of each family */
	struct ip_addr addr4; /* family IPF_NONE when not given */
	struct ip_addr addr6;
	char addr_text[2 * IP_ADDR_STRLEN + 1]; /* "192.0.2.2,2001:db8::2" */
	uint16_t ports[PEER_MAX_PORTS];
	struct behaviour port_behaviour[PEER_MAX_PORTS];
	unsigned nports;
	const char *controls[PEER_MAX_CONTROLS];
	unsigned ncontrols;
	const char *pcap_file;
	size_t capture_buffer;	   /* --capture-buffer: bytes */
	const char *control_token; /* --control-token FILE, or NULL */
	const char *user;	   /* --user NAME, or NULL for the default */
	struct peer_config cfg;
	bool mss_given;
	bool verify_csum;
	int verbose;
};

/*
 * Parse argv. Returns 0, or PEER_EXIT_USAGE after printing what was wrong to
 * stderr, or -1 when --help or --version was printed (exit 0).
 */
int peer_options_parse(int argc, char **argv, struct peer_options *o);

void peer_usage(FILE *out);

#endif
