/*
 * peer_safety.c - refuse an address the host already has (either family);
 * give up root.
 *
 * lingerpeer starts as root (or with CAP_NET_RAW) because opening a packet
 * socket needs it; nothing after that does. The capture and injection
 * handles, the control sockets and the --pcap file are all open before
 * peer_drop_privileges() runs, and lingerpeer opens nothing afterwards.
 */
#include "peer_safety.h"

#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <ifaddrs.h>
#include <linux/capability.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NOBODY_ID                                                              \
	65534 /* the usual nobody/nogroup, when there is no passwd entry */

/* The address of one interface entry, in the same form; family none if neither. */
static struct ip_addr
entry_addr(const struct sockaddr *sa)
{
	if (sa != NULL && sa->sa_family == AF_INET)
		return ip_addr_v4(
		    ntohl(((const struct sockaddr_in *)(const void *)sa)
			      ->sin_addr.s_addr));
	if (sa != NULL && sa->sa_family == AF_INET6)
		return ip_addr_v6(
		    ((const struct sockaddr_in6 *)(const void *)sa)
			->sin6_addr.s6_addr);
	return ip_addr_none();
}

int
peer_addr_configured(const struct ip_addr *addr, char *iface, size_t ifacelen,
    char *err, size_t errlen)
{
	struct ifaddrs *all, *i;
	struct ip_addr a;
	int found = 0;

	if (getifaddrs(&all) < 0) {
		snprintf(err, errlen,
		    "cannot list this host's addresses (getifaddrs): %s",
		    strerror(errno));
		return -1;
	}
	for (i = all; i != NULL && !found; i = i->ifa_next) {
		a = entry_addr(i->ifa_addr);
		if (a.family != IPF_NONE && ip_addr_eq(&a, addr)) {
			snprintf(iface, ifacelen, "%s", i->ifa_name);
			found = 1;
		}
	}
	freeifaddrs(all);
	return found;
}

/* capget/capset by hand: libcap would be a dependency for two calls. */
static int
caps_get(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };

	memset(d, 0, 2 * sizeof(*d));
	return (int)syscall(SYS_capget, &h, d);
}

static bool
caps_none(void)
{
	struct __user_cap_data_struct d[2];

	if (caps_get(d) < 0)
		return false;
	return (d[0].effective | d[0].permitted | d[0].inheritable |
		   d[1].effective | d[1].permitted | d[1].inheritable) == 0;
}

static int
caps_clear(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	return (int)syscall(SYS_capset, &h, d);
}

/* Empty the bounding and ambient sets while we still may (CAP_SETPCAP). */
static void
caps_bound_clear(void)
{
	unsigned long cap;

	for (cap = 0; cap < 64; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno == EINVAL)
			break; /* past the last capability this kernel knows */
	(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
}

/* Become uid/gid with no groups. 0, or -1 with errno from the failing call. */
static int
switch_user(uid_t uid, gid_t gid, const char **failed)
{
	/* Refused in an unprivileged user namespace; the groups we have are
	 * only the overflow group there, so go on without. */
	if (setgroups(0, NULL) < 0 && errno != EPERM) {
		*failed = "setgroups";
		return -1;
	}
	if (setresgid(gid, gid, gid) < 0) {
		*failed = "setresgid";
		return -1;
	}
	if (setresuid(uid, uid, uid) < 0) {
		*failed = "setresuid";
		return -1;
	}
	return 0;
}

/* Where the user cannot be had: keep the uid, lose every capability. */
static int
caps_only(const char *why, const char *kept, char *msg, size_t msglen,
    char *err, size_t errlen)
{
	if (caps_clear() < 0 || !caps_none()) {
		snprintf(err, errlen, "cannot drop capabilities (%s): %s", why,
		    strerror(errno));
		return -1;
	}
	snprintf(msg, msglen,
	    "stayed uid %u (%s) with no capabilities and no new "
	    "privileges; kept: %s",
	    (unsigned)getuid(), why, kept);
	return 0;
}

int
peer_drop_privileges(const char *user, const char *kept, char *msg,
    size_t msglen, char *err, size_t errlen)
{
	const char *name = user != NULL ? user : PEER_DEFAULT_USER,
		   *failed = "";
	struct passwd *pw;
	uid_t uid = NOBODY_ID;
	gid_t gid = NOBODY_ID;
	char why[160];

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		snprintf(err, errlen, "cannot set no-new-privileges: %s",
		    strerror(errno));
		return -1;
	}
	errno = 0;
	if ((pw = getpwnam(name)) != NULL) {
		uid = pw->pw_uid;
		gid = pw->pw_gid;
	} else if (user != NULL) {
		snprintf(err, errlen,
		    "--user %s: no such user%s%s. Name an existing user, "
		    "e.g. nobody",
		    name, errno ? ": " : "", errno ? strerror(errno) : "");
		return -1;
	}
	if (geteuid() != 0)
		return caps_only("not root, so the user stays", kept, msg,
		    msglen, err, errlen);
	if (uid == 0)
		return caps_only("root was asked for", kept, msg, msglen, err,
		    errlen);
	caps_bound_clear();
	if (switch_user(uid, gid, &failed) < 0) {
		/* EINVAL: the id has no mapping in this user namespace. */
		snprintf(why, sizeof(why), "%s for %s (uid %u) failed: %s",
		    failed, name, (unsigned)uid,
		    errno == EINVAL ? "no such id in this user namespace"
				    : strerror(errno));
		if (user != NULL && errno != EINVAL) {
			snprintf(err, errlen, "cannot become user %s: %s", name,
			    why);
			return -1;
		}
		return caps_only(why, kept, msg, msglen, err, errlen);
	}
	if (!caps_none() && (caps_clear() < 0 || !caps_none())) {
		snprintf(err, errlen, "became %s but capabilities remain: %s",
		    name, strerror(errno));
		return -1;
	}
	snprintf(msg, msglen,
	    "dropped to %s (uid %u gid %u) with no capabilities and no new "
	    "privileges; kept: %s",
	    name, (unsigned)uid, (unsigned)gid, kept);
	return 0;
}
