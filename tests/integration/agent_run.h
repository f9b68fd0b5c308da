/*
 * agent_run.h - the lingerlab-agent under test, for the tests that drive
 * one (test_agent.c: the protocol and its faults; test_agent_steps.c:
 * every step kind). By default the Linux build; with --windows, the
 * command that follows on the test's command line, the Windows build
 * under Wine (tests/integration/CMakeLists.txt):
 *
 *   test_agent
 *   test_agent --windows sh client/agent/windows/wine-run.sh PREFIX lingerlab-agent.exe
 *
 * The agent's own arguments (--listen ...) follow the command. What the
 * two say differently is asked here (aut_err(), aut.windows), so that a
 * case is written once: under Wine it must work, every step answered,
 * errors named, times measured, state and probes answered or unknown;
 * where Wine does what Windows documents, or not, is a finding for
 * docs/windows.md, not a failure.
 *
 * A case runs in a child with a sandbox of its own (itest_run_in_child):
 * lingerpeer on its peer side listens on AGENT_SWALLOW_PORT (swallows
 * FINs), AGENT_QUIET_PORT (accepts, sends nothing) and AGENT_FULL_PORT
 * (stops reading); the agent listens on AGENT_ADDR on its client side.
 */
#ifndef LINGERLAB_AGENT_RUN_H
#define LINGERLAB_AGENT_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "control_client.h"
#include "ip_address.h"
#include "itest.h"

#define AGENT_ADDR	   "127.0.0.1:7900"
#define AGENT_PORT	   7900
#define AGENT_SWALLOW_PORT 80
#define AGENT_QUIET_PORT   81
#define AGENT_FULL_PORT	   82
#define AGENT_CLOSED_PORT  83 /* nothing listens: the peer refuses (RST) */
#define AGENT_PEER_ADDR	   0xc0000202u /* 192.0.2.2 */
#define AGENT_CLIENT_ADDR  0xc0000201u /* 192.0.2.1 */
/* The same as the agent client's calls take them. */
#define AGENT_PEER_IP	   (&(const struct ip_addr)IP_ADDR_V4_INIT(192, 0, 2, 2))
#define AGENT_CLIENT_IP	   (&(const struct ip_addr)IP_ADDR_V4_INIT(192, 0, 2, 1))
/* SANDBOX_PEER_ADDR6 and SANDBOX_CLIENT_ADDR6: 2001:db8::2 and ::1. */
#define AGENT_PEER_IP6                                                         \
	(&(const struct ip_addr){ .family = IPF_V6,                            \
	    .b = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 } })
#define AGENT_CLIENT_IP6                                                       \
	(&(const struct ip_addr){ .family = IPF_V6,                            \
	    .b = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } })

struct agent_under_test {
	bool windows;		/* Winsock's names and ways (under Wine) */
	const char *const *cmd; /* the command, before the agent's args */
	int ncmd;
	/*
	 * How long a start and a stop may take beyond the agent's own: Wine
	 * starts a wineserver and its services for each run, and ends them.
	 */
	int start_ms, stop_extra_ms;
};

extern struct agent_under_test aut;
extern struct itest_peer aut_peer;
extern struct control_client *aut_ctl;
extern pid_t aut_pid;

/*
 * At the start of main(): read the command line (above) and make the
 * test a child runner (itest_child_runner_init). Exits 2 on a wrong
 * command line, 77 (SKIP) when --windows is given and there is no Wine.
 */
void aut_init(int argc, char **argv);

/* The sandbox, lingerpeer on its ports, the agent with extra arguments
 * (NULL-terminated, may be NULL); token_fd >= 0 becomes its fd 3. */
void aut_setup(const char *const extra[], int token_fd);
/*
 * The same with lingerpeer owning peer_addr (its --addr: "192.0.2.2,
 * 2001:db8::2" for both families; NULL: SANDBOX_PEER_ADDR). The sandbox
 * is returned, to ask it whether it has IPv6.
 */
struct sandbox *aut_setup_addr(const char *peer_addr, const char *const extra[],
    int token_fd);
/* Stop the agent (it must exit 0), then lingerpeer. */
void aut_teardown(void);

/* Start the agent: --listen AGENT_ADDR, then extra; wait for "ready". */
void aut_start(const char *const extra[], int token_fd);
/* Stop it as its system stops a program: SIGTERM on Linux, Ctrl+C
 * (SIGINT, which Wine turns into it) on Windows. It must exit 0. */
void aut_stop(void);
/* The agent with exactly these arguments (NULL-terminated), not waited
 * for: to see how it exits. */
pid_t aut_spawn(const char *const args[]);

/* The scenario name of an error: "WOULDBLOCK" is "EWOULDBLOCK" on Linux,
 * "WSAEWOULDBLOCK" on Windows. One of 8 buffers in turn. */
const char *aut_err(const char *name);
/* Whether a call's error has a name (not "E<number>", not empty). */
bool aut_named(const char *err_name);

/* A lingerpeer control command that must succeed. */
void aut_peer_cmd(const char *cmd);
/* A line from fd within ms, without its newline; false at EOF or timeout. */
bool aut_read_line_fd(int fd, char *buf, size_t len, int ms);

#endif
