/*
 * test_lab.c - lab mode (docs/lab.md), proven on two hosts that are two
 * network namespaces: lingerpeer on the test link in one, lingerlab-agent
 * in the other with its own address, and `lingerlab run` in a third that
 * reaches both over TCP only, each behind a token, with a clock of its own
 * on each side (client/sandbox/sandbox.h, "The lab"). No file but the
 * tokens is shared, and no clock.
 *
 *  - a representative part of the scenario library passes through the
 *    agent with the wire seen from the peer's side only, and gives the
 *    verdicts a sandbox run gives, check for check ("sandbox mode must not
 *    drift from lab mode"); its JSON is valid against the schema;
 *  - faults: the agent killed mid-case (the case says "agent lost", the
 *    run goes on when it is back, exit 4), the agent gone for good (the
 *    run stops, the rest not run, exit 4), the network to the agent cut
 *    mid-case, a wrong token and an agent of another protocol version
 *    (exit 3 before any case).
 *
 * The lab is built once for the program and torn down with it, whatever
 * happens: its processes live in the sandbox's PID namespace, its
 * namespaces go with them, and the tokens' folder is removed at the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arpa/inet.h>

#include "itest.h"
#include "itest_run.h"
#include "lab_launch.h"
#include "monotime.h"
#include "netlink_link.h"
#include "peer_launch.h"
#include "probe.h"

#ifndef LINGERLAB_PATH
int
main(void)
{
	printf("SKIP: this build has no lingerlab program to run\n");
	return 77;
}
#else

#define SRC	   LINGERLAB_SOURCE_DIR
#define LAB_SCN	   SRC "/tests/scenarios/lab/"
#define RUN_MS	   300000 /* a run of the subset, with room for ASan */
#define FAULT_MS   120000 /* a fault test's run */
#define STRIKE_MS  20000  /* for the close to block on the far side */
#define OTHER_PORT 7901	  /* the agent of another protocol version */

/*
 * The library's part that runs in `make test`, about 25 s through the
 * agent (the whole library takes 3 min: `make lab-demo`). One file of
 * every topic, chosen for what the lab path must carry: every socket step
 * (set, connect, send, recv, shutdown, close, exit-close, signal after,
 * listen and accept with peer connect), every kind of expectation (the
 * call's, wire within and during, retransmissions, zero-window probes,
 * state, peer, and the probes of repeat blocks: growth, peak, sockets,
 * counters), blocking and non-blocking, a case with no peer at all and
 * one of simultaneous close.
 */
static const char *const subset[] = {
	"examples/linger-off.scn",
	"examples/stop-reading-linger.scn",
	"linger/signal.scn",
	"exit/exit-close.scn",
	"shutdown/half-close.scn",
	"unread-data/partial-read.scn",
	"fin-wait2/negative-linger2.scn",
	"kb-2770054/leak-case.scn",
	"leak/kb-repeated.scn",
	"leak/linger-zero.scn",
	"edge/never-connected.scn",
	"edge/closing.scn",
	"server-side/unresponsive-client.scn",
};
#define NSUBSET	   (sizeof(subset) / sizeof(subset[0]))

static struct sandbox *sb;
static struct lab lab;
static char dir[] = "/tmp/lingerlab-lab-test.XXXXXX";
static char wrong_token[PATH_MAX];

/* ---- the lab ---- */

static void
start_agent(void)
{
	const char *prefix[] = { LINGERLAB_AGENT_PATH, NULL };
	char why[512];

	if (lab_start_agent(&lab, sb, prefix, STDERR_FILENO, why,
		sizeof(why)) == -1)
		fail_msg("cannot start the agent: %s", why);
	close(lab.agent.out_fd);
	lab.agent.out_fd = -1;
}

static void
kill_agent(void)
{
	int status;

	assert_int_equal(kill(lab.agent.pid, SIGKILL), 0);
	assert_int_equal(waitpid(lab.agent.pid, &status, 0), lab.agent.pid);
	lab.agent.pid = 0;
}

static int
group_setup(void **state)
{
	char why[512];
	int fd;

	(void)state;
	if (itest_tmpdir_make(dir) == -1)
		return -1;
	if (lab_write_tokens(&lab, dir, why, sizeof(why)) == -1 ||
	    lab_start_peer(&lab, sb, LINGERPEER_PATH, NULL, STDERR_FILENO, why,
		sizeof(why)) == -1) {
		fprintf(stderr, "test_lab: %s\n", why);
		return -1;
	}
	/* a well-formed token the agent does not have */
	snprintf(wrong_token, sizeof(wrong_token), "%s/wrong.token", dir);
	if ((fd = open(wrong_token, O_WRONLY | O_CREAT | O_EXCL, 0600)) == -1 ||
	    write(fd, "not-the-agents-token-at-all\n", 28) != 28 ||
	    close(fd) == -1)
		return -1;
	start_agent();
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	return itest_tmpdir_remove(dir);
}

/* ---- running lingerlab ---- */

/*
 * lingerlab on the runner's host, started as the sandbox starts its
 * processes (with a /proc of the lab's PID namespace, which a sanitizer's
 * exit-time check reads), its output collected as itest_run.h does, so
 * that itest_proc_read_until() and itest_proc_finish() work on it.
 */
static void
start_runner(struct itest_proc *p, char *const argv[])
{
	struct sandbox_spawn_opts so = SANDBOX_SPAWN_OPTS_INIT;
	int op[2], ep[2];

	memset(p, 0, sizeof(*p));
	p->ocap = p->ecap = 1u << 16;
	assert_non_null(p->out = calloc(1, p->ocap));
	assert_non_null(p->err = calloc(1, p->ecap));
	assert_int_equal(pipe2(op, O_CLOEXEC), 0);
	assert_int_equal(pipe2(ep, O_CLOEXEC), 0);
	so.stdout_fd = op[1];
	so.stderr_fd = ep[1];
	p->t0 = monotime_ms();
	p->pid = sandbox_spawn(sb, SANDBOX_RUNNER_SIDE, argv, &so);
	close(op[1]);
	close(ep[1]);
	if (p->pid <= 0)
		fail_msg("cannot start %s on the runner's host: %s", argv[0],
		    sb->errbuf);
	p->ofd = op[0];
	p->efd = ep[0];
	p->status = -1;
}

/* argv for lingerlab run in lab mode, then extra, then the files. */
static size_t
lab_argv(const char **argv, const char *token, const char *wait,
    const char *const *extra)
{
	size_t n = 0, i;

	argv[n++] = LINGERLAB_PATH;
	argv[n++] = "run";
	argv[n++] = "--agent";
	argv[n++] = LAB_AGENT_ENDPOINT;
	argv[n++] = "--agent-token";
	argv[n++] = token;
	argv[n++] = "--agent-wait";
	argv[n++] = wait;
	argv[n++] = "--peer";
	argv[n++] = LAB_PEER_CONTROL;
	argv[n++] = "--peer-token";
	argv[n++] = lab.peer_token;
	argv[n++] = "--peer-addr";
	argv[n++] = SANDBOX_PEER_ADDR;
	for (i = 0; extra != NULL && extra[i] != NULL; i++)
		argv[n++] = extra[i];
	return n;
}

/* The k-th JSON line (from 0) of out, in buf; false if there is none. */
static bool
json_case(const char *out, size_t k, char *buf, size_t len)
{
	const char *p = out, *nl;

	for (; *p != '\0'; p = *nl != '\0' ? nl + 1 : nl) {
		nl = p + strcspn(p, "\n");
		if (*p != '{')
			continue;
		if (k-- == 0) {
			snprintf(buf, len, "%.*s", (int)(nl - p), p);
			return true;
		}
	}
	return false;
}

/*
 * A case's verdicts in a line: its name, then each check's verdict, so
 * that two runs compare check for check.
 */
static void
verdicts(const char *line, char *buf, size_t len)
{
	const char *p = strstr(line, "\"case\":\""), *q;
	size_t n = 0;

	assert_non_null(p);
	p += 8;
	q = strchr(p, '"');
	n = (size_t)snprintf(buf, len, "%.*s:", (int)(q - p), p);
	for (p = line; (p = strstr(p, "\"verdict\":\"")) != NULL && n < len;
	     p = q) {
		p += 11;
		q = strchr(p, '"');
		n += (size_t)snprintf(buf + n, len - n, " %.*s", (int)(q - p),
		    p);
	}
}

/* Until the system under test holds a connection in FIN_WAIT1: the close
 * of close-blocks.scn is blocking on it. */
static void
await_lingering_close(void)
{
	int64_t deadline = monotime_ms() + STRIKE_MS;
	struct probe_socks s;
	char err[256];

	while (monotime_ms() < deadline) {
		assert_int_equal(probe_socks_read(&s, err, sizeof(err)), 0);
		if (s.by_state[4] > 0) /* FIN_WAIT1 */
			return;
		(void)poll(NULL, 0, 5);
	}
	fail_msg("no connection in FIN_WAIT1 on the system under test within "
		 "%d ms: the case never reached its blocking close",
	    STRIKE_MS);
}

/*
 * The lab's reports against docs/schemas/lingerlab-run.schema.json, by the
 * reports' own checker (python3-jsonschema); said and left out where it
 * is not installed.
 */
static void
check_schema(const char *jsonl)
{
	char cmd[3 * PATH_MAX], out[4096];
	size_t n;
	FILE *p;
	int st;

	snprintf(cmd, sizeof(cmd),
	    "python3 %s/tests/reports/consumers.py json "
	    "%s/docs/schemas/lingerlab-run.schema.json %s 2>&1",
	    SRC, SRC, jsonl);
	assert_non_null(p = popen(cmd, "r"));
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	st = pclose(p);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 77) {
		printf("note: the schema check is left out: %s", out);
		return;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("the lab's JSON is not valid against the schema: %s",
		    out);
}

/*
 * lingerlab in sandboxes of its own, from inside the lab: started as the
 * sandbox starts its processes, so that it sees a /proc of the lab's PID
 * namespace, from which it builds each of its own. Its stdout, whole; a
 * status 3 (no sandbox here) skips.
 */
static char *
run_sandboxed(char *const argv[])
{
	struct sandbox_spawn_opts so = SANDBOX_SPAWN_OPTS_INIT;
	char path[PATH_MAX + 32], *text;
	int fd, status = 0;
	off_t len;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/sandbox.jsonl", dir);
	assert_true((fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC,
			 0600)) >= 0);
	so.stdout_fd = fd;
	pid = sandbox_spawn(sb, SANDBOX_CLIENT_SIDE, argv, &so);
	if (pid <= 0)
		fail_msg("cannot run %s: %s", argv[0], sb->errbuf);
	if (peer_reap_within(pid, &status, RUN_MS) != pid) {
		kill(pid, SIGKILL);
		(void)waitpid(pid, &status, 0);
		fail_msg("lingerlab run in sandboxes took over %d ms", RUN_MS);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 3) {
		close(fd);
		skip();
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("lingerlab run in sandboxes: status %#x", status);
	assert_true((len = lseek(fd, 0, SEEK_END)) >= 0);
	assert_non_null(text = malloc((size_t)len + 1));
	assert_int_equal(pread(fd, text, (size_t)len, 0), len);
	text[len] = '\0';
	close(fd);
	return text;
}

/* ---- the library through the agent ---- */

/*
 * The first nfiles of the subset through the agent and in sandboxes, with
 * family (ipv4 or ipv6): the same verdicts, check for check, and the
 * lab's own fields in every lab case. The number of cases compared.
 */
static size_t
same_both_ways(const char *family, size_t nfiles)
{
	const char *extra[] = { "--format", "json", "--family", family,
		"--peer-addr", SANDBOX_PEER_ADDRS, NULL };
	const char *argv[32 + NSUBSET];
	char paths[NSUBSET][256], a[16384], b[16384], va[4096], vb[4096];
	char jsonl[PATH_MAX + 32], *sb_out;
	struct itest_proc lab_run;
	size_t n, k, i;
	FILE *f;

	n = lab_argv(argv, lab.agent_token, "30s", extra);
	for (i = 0; i < nfiles; i++) {
		snprintf(paths[i], sizeof(paths[i]), SRC "/scenarios/%s",
		    subset[i]);
		argv[n++] = paths[i];
	}
	argv[n] = NULL;
	start_runner(&lab_run, (char *const *)argv);
	itest_proc_finish(&lab_run, RUN_MS);
	itest_proc_expect_status(&lab_run, 0);
	/* the same cases in sandboxes, 4 at a time, as make test runs them */
	n = 0;
	argv[n++] = LINGERLAB_PATH;
	argv[n++] = "run";
	argv[n++] = "--jobs";
	argv[n++] = "4";
	argv[n++] = "--format";
	argv[n++] = "json";
	argv[n++] = "--family";
	argv[n++] = family;
	for (i = 0; i < nfiles; i++)
		argv[n++] = paths[i];
	argv[n] = NULL;
	sb_out = run_sandboxed((char *const *)argv);
	for (k = 0; json_case(sb_out, k, b, sizeof(b)); k++) {
		assert_true(json_case(lab_run.out, k, a, sizeof(a)));
		verdicts(a, va, sizeof(va));
		verdicts(b, vb, sizeof(vb));
		if (strcmp(va, vb) != 0)
			fail_msg(
			    "lab mode drifted from sandbox mode:\n  lab:     "
			    "%s\n  sandbox: %s",
			    va, vb);
		/* where it ran, how it was watched, how well clocks agreed */
		if (strstr(a, "\"lab\":{\"system\":\"Linux ") == NULL ||
		    strstr(a, "\"agent\":\"" LAB_AGENT_ENDPOINT "\"") == NULL ||
		    strstr(a,
			"\"wire\":\"lingerpeer at " LAB_PEER_CONTROL
			"\"") == NULL ||
		    strstr(a, "\"clock_bound_ns\":") == NULL ||
		    strstr(a, "\"capture\":\"\"") == NULL)
			fail_msg("a lab case's report lacks its lab: %s", a);
		assert_null(strstr(b, "\"lab\":"));
	}
	assert_false(json_case(lab_run.out, k, a, sizeof(a)));
	/* the schema takes the lab's reports */
	snprintf(jsonl, sizeof(jsonl), "%s/lab.jsonl", dir);
	assert_non_null(f = fopen(jsonl, "w"));
	assert_true(fputs(lab_run.out, f) >= 0);
	assert_int_equal(fclose(f), 0);
	check_schema(jsonl);
	itest_proc_free(&lab_run);
	free(sb_out);
	return k;
}

static void
test_library_subset_same_both_ways(void **state)
{
	(void)state;
	/* the subset's cases, all of them */
	assert_true(same_both_ways("ipv4", NSUBSET) >= 40);
}

/* Over IPv6: the agent's sockets to lingerpeer's 2001:db8::2. */
static void
test_library_subset_ipv6(void **state)
{
	(void)state;
	if (!sb->has_ipv6)
		skip();
	assert_true(same_both_ways("ipv6", 4) >= 4);
}

/* ---- faults ---- */

/* The JSON of case k must say it stopped, and why. */
static void
expect_stopped(const struct itest_proc *p, size_t k, const char *why)
{
	char line[16384];

	if (!json_case(p->out, k, line, sizeof(line)))
		fail_msg("no report of case %zu in:\n%s\n%s", k + 1, p->out,
		    p->err);
	if (strstr(line, "\"aborted\":true") == NULL ||
	    strstr(line, why) == NULL)
		fail_msg("case %zu did not stop with '%s': %s", k + 1, why,
		    line);
}

/* The JSON of case k must say every check of it passed. */
static void
expect_passed(const struct itest_proc *p, size_t k)
{
	char line[16384];

	if (!json_case(p->out, k, line, sizeof(line)))
		fail_msg("no report of case %zu in:\n%s\n%s", k + 1, p->out,
		    p->err);
	if (strstr(line, "\"aborted\":false") == NULL ||
	    strstr(line, "\"fail\":0,\"not-applicable\"") == NULL ||
	    strstr(line, "\"not-reached\":0,\"error\":0") == NULL)
		fail_msg("case %zu did not pass: %s", k + 1, line);
}

/*
 * The agent killed while a close() it was asked for blocks: that case is
 * "agent lost", and the next one runs once the agent is back.
 */
static void
test_agent_killed_comes_back(void **state)
{
	const char *extra[] = { "--format", "json", LAB_SCN "close-blocks.scn",
		LAB_SCN "quick.scn", NULL };
	const char *argv[32];
	struct itest_proc p;

	(void)state;
	argv[lab_argv(argv, lab.agent_token, "30s", extra)] = NULL;
	start_runner(&p, (char *const *)argv);
	await_lingering_close();
	kill_agent();
	start_agent();
	itest_proc_finish(&p, FAULT_MS);
	itest_proc_expect_status(&p, 4);
	expect_stopped(&p, 0, "agent lost at line 14 (close c): ");
	expect_passed(&p, 1);
	itest_proc_free(&p);
}

/* Gone for good: the run stops there, and says what did not run. */
static void
test_agent_gone_stops_the_run(void **state)
{
	const char *extra[] = { "--format", "json", LAB_SCN "close-blocks.scn",
		LAB_SCN "quick.scn", SRC "/scenarios/examples/linger-off.scn",
		NULL };
	const char *argv[32];
	struct itest_proc p;

	(void)state;
	argv[lab_argv(argv, lab.agent_token, "1s", extra)] = NULL;
	start_runner(&p, (char *const *)argv);
	await_lingering_close();
	kill_agent();
	itest_proc_finish(&p, FAULT_MS);
	start_agent(); /* for the tests after */
	itest_proc_expect_status(&p, 4);
	itest_proc_expect_text(&p, "lingerlab-agent was lost");
	expect_stopped(&p, 0, "agent lost at line 14 (close c): ");
	expect_stopped(&p, 1,
	    "\"abort_reason\":\"agent lost: lingerlab-agent "
	    "at " LAB_AGENT_ENDPOINT);
	expect_stopped(&p, 2, "\"abort_reason\":\"not run: agent lost: ");
	expect_stopped(&p, 3, "\"abort_reason\":\"not run: agent lost: ");
	itest_proc_free(&p);
}

/* The system under test's control link down, then up again. */
static void
set_link(bool up)
{
	char err[256];
	int nl = nl_open(err, sizeof(err));

	if (nl == -1 ||
	    (up ? nl_link_set_up(nl, SANDBOX_LAB_CTL_IFACE, err, sizeof(err))
		: nl_link_set_down(nl, SANDBOX_LAB_CTL_IFACE, err,
		      sizeof(err))) == -1 ||
	    (up &&
		nl_link_wait_running(nl, SANDBOX_LAB_CTL_IFACE, 5000, err,
		    sizeof(err)) == -1))
		fail_msg("%s", err);
	close(nl);
}

/*
 * The network to the agent cut while a step blocks there: no reply can
 * come, and none is refused either. The runner must say "agent lost"
 * within seconds (keepalives), not at the case's time limit, and go on
 * once the network and the agent are back.
 */
static void
test_network_cut(void **state)
{
	const char *extra[] = { "--format", "json", "--live",
		LAB_SCN "close-blocks.scn", LAB_SCN "quick.scn", NULL };
	const char *argv[32];
	struct itest_proc p;
	int64_t cut;

	(void)state;
	argv[lab_argv(argv, lab.agent_token, "60s", extra)] = NULL;
	start_runner(&p, (char *const *)argv);
	await_lingering_close();
	set_link(false);
	cut = monotime_ms();
	/* --live says it on stderr as the worker learns it */
	if (!itest_proc_read_until(&p, "agent lost at", FAULT_MS)) {
		set_link(true);
		fail_msg("no \"agent lost\" after the cut:\n%s", p.err);
	}
	set_link(true);
	if (monotime_ms() - cut > 15000)
		fail_msg("the cut took %lld ms to be noticed, not seconds",
		    (long long)(monotime_ms() - cut));
	itest_proc_finish(&p, FAULT_MS);
	itest_proc_expect_status(&p, 4);
	expect_stopped(&p, 0, "agent lost at line 14 (close c): ");
	expect_passed(&p, 1);
	itest_proc_free(&p);
}

/* A wrong token: refused before any case runs, saying so. */
static void
test_wrong_token(void **state)
{
	const char *extra[] = { LAB_SCN "quick.scn", NULL };
	const char *argv[32];
	struct itest_proc p;

	(void)state;
	argv[lab_argv(argv, wrong_token, "30s", extra)] = NULL;
	start_runner(&p, (char *const *)argv);
	itest_proc_finish(&p, FAULT_MS);
	itest_proc_expect_status(&p, 3);
	itest_proc_expect_text(&p, "auth-failed");
	assert_null(strstr(p.out, "quick.scn")); /* nothing ran */
	itest_proc_free(&p);
}

/*
 * An agent of another protocol version: one that greets with protocol 2
 * and refuses hello 1, as a later release would. Refused before any case.
 */
static void
test_other_version(void **state)
{
	char ep[64], line[256];
	const char *extra[] = { LAB_SCN "quick.scn", NULL };
	const char *argv[32];
	struct sockaddr_in sa = { .sin_family = AF_INET,
		.sin_port = htons(OTHER_PORT) };
	struct pollfd pf = { .events = POLLIN };
	struct itest_proc p;
	int ls, c, one = 1;
	ssize_t n;

	(void)state;
	inet_pton(AF_INET, SANDBOX_LAB_SUT_ADDR, &sa.sin_addr);
	assert_true((ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) >= 0);
	(void)setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	assert_int_equal(bind(ls, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(ls, 1), 0);
	snprintf(ep, sizeof(ep), SANDBOX_LAB_SUT_ADDR ":%d", OTHER_PORT);
	argv[lab_argv(argv, lab.agent_token, "30s", extra)] = NULL;
	argv[3] = ep; /* --agent's value: this one, not the lab's */
	start_runner(&p, (char *const *)argv);
	pf.fd = ls;
	assert_int_equal(poll(&pf, 1, 10000), 1);
	assert_true((c = accept(ls, NULL, NULL)) >= 0);
	dprintf(c, "lingerlab-agent protocol=2 auth=none\n");
	pf.fd = c;
	assert_int_equal(poll(&pf, 1, 10000), 1);
	n = read(c, line, sizeof(line) - 1);
	assert_true(n > 0);
	line[n] = '\0';
	assert_non_null(strstr(line, "hello 1"));
	dprintf(c,
	    "err version: this agent speaks protocol 2, the runner 1; "
	    "use an agent of the runner's release\n");
	close(c);
	close(ls);
	itest_proc_finish(&p, FAULT_MS);
	itest_proc_expect_status(&p, 3);
	itest_proc_expect_text(&p, "version: this agent speaks protocol 2");
	itest_proc_free(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_library_subset_same_both_ways),
		cmocka_unit_test(test_library_subset_ipv6),
		cmocka_unit_test(test_agent_killed_comes_back),
		cmocka_unit_test(test_agent_gone_stops_the_run),
		cmocka_unit_test(test_network_cut),
		cmocka_unit_test(test_wrong_token),
		cmocka_unit_test(test_other_version),
	};
	struct sandbox_opts opts = { .lab = true };

	sb = itest_enter_sandbox_with(&opts); /* SKIP (77) when impossible */
	if (sb->runner_ns_fd < 0) {
		printf("SKIP: the sandbox was built without its lab\n");
		return ITEST_EXIT_SKIP;
	}
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
#endif
