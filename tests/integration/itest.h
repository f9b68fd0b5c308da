/*
 * itest.h - helpers for integration tests: a sandbox for the whole test
 * program, lingerpeer on its peer side, and captures of what crossed the
 * wire.
 *
 * Typical use (the test programs are cmocka programs):
 *
 *	int main(void) {
 *		itest_enter_sandbox();	// exits 77 (SKIP) if impossible
 *		return cmocka_run_group_tests(tests, NULL, NULL);
 *	}
 *	static void test_x(void **state) {
 *		struct itest_peer peer;
 *		const char *const args[] = { "--port", "7000", NULL };
 *		assert_int_equal(itest_start_peer(args, &peer), 0);
 *		... connect to SANDBOX_PEER_ADDR, talk to peer.control ...
 *		itest_stop_peer(&peer);
 *	}
 *
 * After itest_enter_sandbox() the process cannot create threads and all its
 * children live in the sandbox (see client/sandbox/sandbox.h). At exit() the
 * sandbox is closed; a forked child's exit() leaves it alone (and skips
 * LeakSanitizer's check, which cannot work inside the sandbox).
 */
#ifndef LINGERLAB_ITEST_H
#define LINGERLAB_ITEST_H

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sandbox.h"

/* ctest's SKIP_RETURN_CODE for the integration tests. */
#define ITEST_EXIT_SKIP 77

/* How long itest_stop_peer() waits after SIGTERM before SIGKILL. */
#define ITEST_STOP_TIMEOUT_MS 5000

/* How long itest_run_in_child() lets a child run. */
#define ITEST_CHILD_TIMEOUT_MS 60000

struct itest_peer {
	pid_t pid;	      /* lingerpeer, in netns B */
	pid_t forwarder;      /* copies its later stdout to our stderr */
	char control[120];    /* "unix:@NAME", for the control client */
	char ready_line[256]; /* what it printed, without the newline */
};

/*
 * Build the sandbox (once per process; later calls return the same one) and
 * move this process to its client side. If no sandbox can be built here,
 * print "SKIP: <reason>" and exit ITEST_EXIT_SKIP. The sandbox is closed at
 * exit.
 */
struct sandbox *itest_enter_sandbox(void);

/*
 * The same, built with opts (keep_offloads: the veth as the kernel made
 * it). Only the first call of either builds; later ones return that one.
 */
struct sandbox *itest_enter_sandbox_with(const struct sandbox_opts *opts);

/*
 * Start lingerpeer on the peer side: --iface llpeer0 --addr 192.0.2.2
 * --control fd:3, then extra_args (NULL-terminated; may be NULL). fd 3 is a
 * listening abstract unix socket with a fresh name, recorded in
 * out->control. The binary is $LINGERPEER if set, else LINGERPEER_PATH.
 * Waits (PEER_READY_TIMEOUT_MS, client/sandbox/peer_launch.h) for the "lingerpeer
 * ready" line; its other output goes to stderr. Returns 0, or -1 after
 * printing why (it exited, timed out, ...) with lingerpeer gone.
 */
int itest_start_peer(const char *const extra_args[], struct itest_peer *out);

/*
 * The same, owning addr instead (lingerpeer's --addr: "2001:db8::2", or
 * "192.0.2.2,2001:db8::2" for both families); NULL: 192.0.2.2.
 */
int itest_start_peer_addr(const char *addr, const char *const extra_args[],
    struct itest_peer *out);

/*
 * SIGTERM lingerpeer, SIGKILL it after ITEST_STOP_TIMEOUT_MS, reap it.
 * Returns its wait status, or -1 if it was not running.
 */
int itest_stop_peer(struct itest_peer *p);

/*
 * Open a capture on one side's link (llcli0 or llpeer0) in immediate,
 * non-blocking mode, with a BPF filter (may be NULL) and a direction
 * (PCAP_D_IN, PCAP_D_OUT or PCAP_D_INOUT). Prints why and returns NULL on
 * failure.
 */
pcap_t *itest_pcap_open(enum sandbox_side side, const char *filter,
    pcap_direction_t dir);

/* The same on llcli0, the client side: what the client sent and got. */
pcap_t *itest_pcap_open_client(const char *filter, pcap_direction_t dir);

/*
 * Wait up to timeout_ms for the next frame. Returns 1 with *hdr and *data
 * set (valid until the next call), 0 on timeout, -1 on error.
 */
int itest_pcap_next(pcap_t *p, int timeout_ms, struct pcap_pkthdr **hdr,
    const unsigned char **data);

/*
 * Run fn in a forked child and turn its end into a cmocka result: exit 0
 * passes, ITEST_EXIT_SKIP skips, anything else fails with the message the
 * child gave itest_child_exit(). This gives a test a sandbox of its own (or
 * several, one per child) while cmocka goes on in the parent. With
 * as_nobody, the child first becomes user nobody (itest_become_nobody()).
 * The child is SIGKILLed after ITEST_CHILD_TIMEOUT_MS.
 */
void itest_run_in_child(void (*fn)(void), bool as_nobody);

/* In such a child: end it with code, reporting a message to the parent. */
__attribute__((format(printf, 2, 3), noreturn)) void itest_child_exit(int code,
    const char *fmt, ...);

/* In such a child: fail with the file, line and condition unless cond. */
#define ITEST_CHECK(cond)                                                      \
	do {                                                                   \
		if (!(cond))                                                   \
			itest_child_exit(1, "%s:%d: %s", __FILE__, __LINE__,   \
			    #cond);                                            \
	} while (0)
#define ITEST_CHECKF(cond, ...)                                                \
	do {                                                                   \
		if (!(cond))                                                   \
			itest_child_exit(1, __VA_ARGS__);                      \
	} while (0)

/* Send itest_child_exit()'s messages to fd (in a grandchild, say). */
void itest_set_report_fd(int fd);

/*
 * In such a child of root: become user nobody with no groups, as a fresh
 * login would be (dumpable again, so that it may map itself in a user
 * namespace). Skips if not root or if there is no nobody.
 */
void itest_become_nobody(void);

/*
 * Read into buf until len bytes, EOF or timeout_ms, whichever is first.
 * Returns how many bytes were read.
 */
size_t itest_read_fd(int fd, void *buf, size_t len, int timeout_ms);

/* Start a non-blocking TCP connect to addr:port. Returns the fd or -1. */
int itest_connect_nonblock(const char *addr, uint16_t port);

/* A /proc/sys/net value (rel: "ipv4/ip_forward") as an int, or -1. */
int itest_read_sysctl(const char *rel);

/* The inode of a namespace file ("/proc/self/ns/net"), or 0 if none. */
ino_t itest_ns_ino(const char *path);

/*
 * For programs whose tests each run in a child (itest_run_in_child), at the
 * start of main(): stdout unbuffered (a pipe under ctest, and no child must
 * inherit a full buffer), this process a child subreaper (what a failing
 * child leaves behind comes to us, not to init), and, if no sandbox can be
 * built here at all, "SKIP: <reason>" and exit ITEST_EXIT_SKIP, so that
 * ctest says SKIP rather than OK.
 */
void itest_child_runner_init(void);

/* A cmocka test that runs fn in a child, as nobody if asked. */
struct itest_case {
	void (*fn)(void);
	bool as_nobody;
};

/* The cmocka test function of an itest_case (its state). */
void itest_run_case(void **state);

#define ITEST_CASE(name, fn, nobody)                                           \
	{                                                                      \
		name, itest_run_case, NULL, NULL, &(struct itest_case)         \
		{                                                              \
			fn, nobody                                             \
		}                                                              \
	}

#endif
