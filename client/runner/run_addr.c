/*
 * run_addr.c - where a case's sockets go, by family: the peer's address
 * of each family (the sandbox's 192.0.2.2 and 2001:db8::2, or --peer-addr
 * in lab mode), and, for a case that listens, ours toward it, which the
 * peer connects to.
 *
 * A sandbox's lingerpeer owns its IPv6 address only in a case that has an
 * IPv6 socket, so an IPv4 case's link is exactly what it always was.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "run_int.h"
#include "run_sut.h"
#include "sandbox.h"
#include "scenario_kinds.h"
#include "wire_peer.h"

/* Does a socket of the case use family (to make, connect or listen)? */
static bool
uses(const struct scenario *sc, unsigned family)
{
	size_t i;

	for (i = 0; i < sc->nsocks; i++)
		if (sc->sock_family[i] == family)
			return true;
	return false;
}

/* Does a socket of family listen? Then the peer connects to ours. */
static bool
listens(const struct scenario *sc, unsigned family)
{
	size_t i;

	for (i = 0; i < sc->nsteps; i++)
		if (sc->steps[i].kind == STEP_LISTEN &&
		    sc->steps[i].sock >= 0 &&
		    sc->sock_family[sc->steps[i].sock] == family)
			return true;
	return false;
}

static int
sandbox_addrs(struct run_ctx *r, char *err, size_t errlen)
{
	(void)ip_addr_parse(SANDBOX_PEER_ADDR, &r->peer_addr[0]);
	if (!uses(r->sc, SCN_FAM_IPV6))
		return 0;
	if (!r->sb->has_ipv6) {
		snprintf(err, errlen,
		    "the case has an IPv6 socket, but this kernel has no "
		    "IPv6 (is it disabled: sysctl "
		    "net.ipv6.conf.all.disable_ipv6, or ipv6.disable=1 on "
		    "the kernel command line?); run it with --family ipv4");
		return -1;
	}
	(void)ip_addr_parse(SANDBOX_PEER_ADDR6, &r->peer_addr[1]);
	return 0;
}

static int
peer_addrs(struct run_ctx *r, char *err, size_t errlen)
{
	static const unsigned fam[2] = { SCN_FAM_IPV4, SCN_FAM_IPV6 };
	size_t k;

	if (r->opt->peer_addr == NULL ||
	    wire_peer_parse(r->opt->peer_addr, r->peer_addr) == -1) {
		snprintf(err, errlen,
		    "--peer needs the peer's address, or one of each "
		    "family joined by a comma (--peer-addr "
		    "192.0.2.77,2001:db8:77::2, or LINGERPEER_ADDR)");
		return -1;
	}
	for (k = 0; k < 2; k++)
		if (uses(r->sc, fam[k]) && r->peer_addr[k].family == IPF_NONE) {
			snprintf(err, errlen,
			    "the case has an %s socket, but --peer-addr "
			    "'%s' gives the peer no %s address: give one of "
			    "each family (--peer-addr 192.0.2.77,"
			    "2001:db8:77::2, as lingerpeer's --addr)",
			    k == 0 ? "IPv4" : "IPv6", r->opt->peer_addr,
			    k == 0 ? "IPv4" : "IPv6");
			return -1;
		}
	return 0;
}

/*
 * A case that listens needs the address the peer is to connect to: ours
 * toward it (192.0.2.1 or 2001:db8::1 in a sandbox; with --peer, whatever
 * the routes say).
 */
static int
client_addrs(struct run_ctx *r, char *err, size_t errlen)
{
	static const unsigned fam[2] = { SCN_FAM_IPV4, SCN_FAM_IPV6 };
	char a[IP_ADDR_STRLEN];
	size_t k;
	int e;

	for (k = 0; k < 2; k++) {
		if (!listens(r->sc, fam[k]) ||
		    sut_source_addr(r, &r->peer_addr[k], &r->client_addr[k]) ==
			0)
			continue;
		if (r->stop)
			return -1; /* the agent is lost: said already */
		e = errno;
		ip_addr_format(&r->peer_addr[k], a, sizeof(a));
		snprintf(err, errlen,
		    "cannot tell the peer where to connect: no "
		    "route from %s to %s (%s); check the routes to the peer "
		    "(ip route get %s)",
		    sut_is_agent(r) ? "the system under test" : "this system",
		    a, strerror(e), a);
		return -1;
	}
	return 0;
}

int
run_addrs(struct run_ctx *r, char *err, size_t errlen)
{
	err[0] = '\0';
	r->peer_addr[0] = r->peer_addr[1] = ip_addr_none();
	r->client_addr[0] = r->client_addr[1] = ip_addr_none();
	if ((r->sb != NULL ? sandbox_addrs(r, err, errlen)
			   : peer_addrs(r, err, errlen)) == -1)
		return -1;
	return client_addrs(r, err, errlen);
}
