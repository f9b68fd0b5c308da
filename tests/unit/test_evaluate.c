/*
 * test_evaluate.c - the evaluator on call bodies (returns, fails, blocks,
 * sends), state and peer bodies, OS scoping, steps not reached and cases
 * that stopped; and the words of its verdicts.
 *
 * Scenarios and observations are built by hand (eval_fixture.h), so the
 * parser does not need to exist for these to run.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "eval_fixture.h"

#define LINUX	SCN_OS_LINUX
#define FREEBSD SCN_OS_FREEBSD
#define WINDOWS SCN_OS_WINDOWS
#define ALL	SCN_OS_ALL

/* Evaluate on Linux and return verdict i (the result stays in *cr). */
static const struct verdict *
verdict_of(struct fx *f, struct case_result *cr, size_t i)
{
	assert_int_equal(fx_eval(f, LINUX, cr), 0);
	assert_true(i < cr->nverdicts);
	return &cr->verdicts[i];
}

/* The body of an expectation, for one_close(). */
static struct scn_expect
body(enum scn_expect_kind kind, uint64_t d_ns, uint64_t tol_ns, const char *err)
{
	struct scn_expect e = { .kind = kind,
		.duration_ns = d_ns,
		.tolerance_ns = tol_ns };

	if (err != NULL)
		snprintf(e.err_name, sizeof(e.err_name), "%s", err);
	return e;
}

static struct scn_expect
returns(int64_t value, bool ok_any)
{
	struct scn_expect e = { .kind = EXP_RETURNS,
		.value = value,
		.ok_any = ok_any };

	return e;
}

/* One expectation on one close() that took took_ns and returned ret. */
static enum verdict_kind
one_close(int64_t ret, const char *errname, uint64_t took_ns,
    struct scn_expect want, struct case_result *cr)
{
	struct fx *f = fx_new();
	struct scn_expect *e;
	enum verdict_kind k;

	fx_step(f, STEP_CLOSE, MS(100), MS(100) + took_ns, ret, errname);
	e = fx_expect(f, want.kind, LINUX, "expect linux: ...");
	e->value = want.value;
	e->ok_any = want.ok_any;
	e->duration_ns = want.duration_ns;
	e->tolerance_ns = want.tolerance_ns;
	memcpy(e->err_name, want.err_name, sizeof(e->err_name));
	k = verdict_of(f, cr, 0)->kind;
	free(f);
	return k;
}

#define RETURNS_0     returns(0, false)
#define RETURNS_OK    returns(0, true)
#define FAILS(name)   body(EXP_FAILS, 0, 0, name)
#define AT_LEAST(d)   body(EXP_BLOCKS_AT_LEAST, d, 0, NULL)
#define AT_MOST(d)    body(EXP_BLOCKS_AT_MOST, d, 0, NULL)
#define ABOUT(d, tol) body(EXP_BLOCKS_ABOUT, d, tol, NULL)

static void
test_returns(void **state)
{
	struct case_result cr;

	(void)state;
	assert_int_equal(one_close(0, NULL, 0, RETURNS_0, &cr), VERDICT_PASS);
	case_result_free(&cr);
	assert_int_equal(one_close(-1, "EBADF", 0, RETURNS_0, &cr),
	    VERDICT_FAIL);
	fx_contains("actual", cr.verdicts[0].actual,
	    "close(c) failed with EBADF after 0 us");
	fx_contains("expected", cr.verdicts[0].expected,
	    "close(c) to return 0");
	case_result_free(&cr);
	assert_int_equal(one_close(0, NULL, 0, RETURNS_OK, &cr), VERDICT_PASS);
	fx_contains("expected", cr.verdicts[0].expected,
	    "close(c) to succeed (return 0)");
	case_result_free(&cr);
	/* close() returning 1 is not "ok": only send and recv return counts */
	assert_int_equal(one_close(1, NULL, 0, RETURNS_OK, &cr), VERDICT_FAIL);
	case_result_free(&cr);
	assert_int_equal(one_close(-1, "EINTR", 0, RETURNS_OK, &cr),
	    VERDICT_FAIL);
	case_result_free(&cr);
}

static void
test_returns_ok_for_counts(void **state)
{
	struct fx *f = fx_new();
	struct case_result cr;

	(void)state;
	fx_step(f, STEP_SEND, 0, MS(1), 8192, NULL);
	fx_expect(f, EXP_RETURNS, ALL, "expect returns ok")->ok_any = true;
	fx_step(f, STEP_RECV, MS(2), MS(3), 0, NULL);
	fx_expect(f, EXP_RETURNS, ALL, "expect returns ok")->ok_any = true;
	fx_step(f, STEP_RECV, MS(4), MS(5), -1, "ECONNRESET");
	fx_expect(f, EXP_RETURNS, ALL, "expect returns ok")->ok_any = true;
	fx_step(f, STEP_SEND, MS(6), MS(7), 4096, NULL);
	fx_expect(f, EXP_RETURNS, ALL, "expect returns 4096")->value = 4096;
	fx_expect(f, EXP_RETURNS, ALL, "expect returns 4095")->value = 4095;
	/* socket and accept: a descriptor, whatever its number */
	fx_step(f, STEP_ACCEPT, MS(8), MS(9), 7, NULL);
	fx_expect(f, EXP_RETURNS, ALL, "expect returns ok")->ok_any = true;
	assert_int_equal(fx_eval(f, LINUX, &cr), 0);
	assert_int_equal(cr.nverdicts, 6);
	assert_int_equal(cr.verdicts[5].kind, VERDICT_PASS);
	fx_contains("expected", cr.verdicts[5].expected,
	    "to succeed (return a descriptor, 0 or more)");
	assert_int_equal(cr.verdicts[0].kind, VERDICT_PASS);
	fx_contains("expected", cr.verdicts[0].expected,
	    "send(c) to succeed (return a count, 0 or more)");
	assert_int_equal(cr.verdicts[1].kind, VERDICT_PASS);
	assert_int_equal(cr.verdicts[2].kind, VERDICT_FAIL);
	fx_contains("actual", cr.verdicts[2].actual,
	    "recv(c) failed with ECONNRESET after 1.0 ms");
	assert_int_equal(cr.verdicts[3].kind, VERDICT_PASS);
	assert_int_equal(cr.verdicts[4].kind, VERDICT_FAIL);
	fx_contains("actual", cr.verdicts[4].actual, "send(c) returned 4096");
	assert_int_equal(cr.counts[VERDICT_PASS], 4);
	assert_int_equal(cr.counts[VERDICT_FAIL], 2);
	case_result_free(&cr);
	free(f);
}

static void
test_fails_compares_names_with_eagain_as_ewouldblock(void **state)
{
	struct case_result cr;

	(void)state;
	assert_int_equal(one_close(-1, "EWOULDBLOCK", 0, FAILS("EAGAIN"), &cr),
	    VERDICT_PASS);
	fx_contains("expected", cr.verdicts[0].expected,
	    "to fail with EAGAIN (the same as EWOULDBLOCK)");
	case_result_free(&cr);
	assert_int_equal(one_close(-1, "EAGAIN", 0, FAILS("EWOULDBLOCK"), &cr),
	    VERDICT_PASS);
	case_result_free(&cr);
	assert_int_equal(one_close(-1, "EWOULDBLOCK", 0, FAILS("EWOULDBLOCK"),
			     &cr),
	    VERDICT_PASS);
	case_result_free(&cr);
	assert_int_equal(one_close(-1, "ECONNRESET", 0, FAILS("EPIPE"), &cr),
	    VERDICT_FAIL);
	fx_contains("actual", cr.verdicts[0].actual, "failed with ECONNRESET");
	fx_contains("expected", cr.verdicts[0].expected,
	    "close(c) to fail with EPIPE");
	case_result_free(&cr);
	/* returned 0: no errno at all */
	assert_int_equal(one_close(0, NULL, SEC(2), FAILS("EWOULDBLOCK"), &cr),
	    VERDICT_FAIL);
	fx_contains("actual", cr.verdicts[0].actual,
	    "close(c) returned 0 after 2.000 s");
	case_result_free(&cr);
}

static void
test_fails_with_only_an_errno_number(void **state)
{
	struct fx *f = fx_new();
	struct case_result cr;

	(void)state;
	fx_step(f, STEP_CLOSE, 0, 10, -1, NULL);
	f->calls[0].err = EAGAIN;
	snprintf(fx_expect(f, EXP_FAILS, LINUX, "expect fails EWOULDBLOCK")
		     ->err_name,
	    SCN_NAME_MAX, "EWOULDBLOCK");
	assert_int_equal(verdict_of(f, &cr, 0)->kind, VERDICT_PASS);
	case_result_free(&cr);
	free(f);
}

static void
test_blocks_at_least_and_at_most_edges(void **state)
{
	struct case_result cr;

	(void)state;
	assert_int_equal(one_close(0, NULL, SEC(2), AT_LEAST(SEC(2)), &cr),
	    VERDICT_PASS);
	case_result_free(&cr);
	assert_int_equal(one_close(0, NULL, SEC(2) - 1, AT_LEAST(SEC(2)), &cr),
	    VERDICT_FAIL);
	fx_contains("expected", cr.verdicts[0].expected,
	    "close(c) to block at least 2 s");
	case_result_free(&cr);
	assert_int_equal(one_close(0, NULL, MS(100), AT_MOST(MS(100)), &cr),
	    VERDICT_PASS);
	case_result_free(&cr);
	assert_int_equal(one_close(0, NULL, MS(100) + 1, AT_MOST(MS(100)), &cr),
	    VERDICT_FAIL);
	fx_contains("expected", cr.verdicts[0].expected,
	    "close(c) to block at most 100 ms");
	case_result_free(&cr);
	assert_int_equal(one_close(0, NULL, MS(415), AT_MOST(MS(100)), &cr),
	    VERDICT_FAIL);
	fx_contains("actual", cr.verdicts[0].actual,
	    "close(c) returned 0 after 415.0 ms, 315.0 ms more than 100 ms");
	case_result_free(&cr);
}

static void
test_blocks_about_default_tolerance_edges(void **state)
{
	struct case_result cr;

	(void)state;
	/* 2 s: 50 ms + 5 % = 150 ms either side, both ends inclusive */
	assert_int_equal(evaluate_tolerance(SEC(2), 0), MS(150));
	assert_int_equal(evaluate_tolerance(SEC(2), MS(7)), MS(7));
	assert_int_equal(evaluate_tolerance(0, 0), MS(50));
	assert_int_equal(evaluate_tolerance(MS(250), 0), US(62500));
	assert_int_equal(one_close(0, NULL, MS(2015), ABOUT(SEC(2), 0), &cr),
	    VERDICT_PASS);
	assert_string_equal(cr.verdicts[0].expected,
	    "close(c) to block about 2 s \xc2\xb1 150 ms");
	assert_string_equal(cr.verdicts[0].actual,
	    "close(c) returned 0 after 2.015 s");
	case_result_free(&cr);
	assert_int_equal(one_close(0, NULL, MS(1850), ABOUT(SEC(2), 0), &cr),
	    VERDICT_PASS);
	case_result_free(&cr);
	assert_int_equal(one_close(0, NULL, MS(2150), ABOUT(SEC(2), 0), &cr),
	    VERDICT_PASS);
	case_result_free(&cr);
	assert_int_equal(one_close(0, NULL, MS(1850) - 1, ABOUT(SEC(2), 0),
			     &cr),
	    VERDICT_FAIL);
	case_result_free(&cr);
	assert_int_equal(one_close(0, NULL, MS(2150) + 1, ABOUT(SEC(2), 0),
			     &cr),
	    VERDICT_FAIL);
	case_result_free(&cr);
	/* about 0: 0 .. 50 ms, no underflow */
	assert_int_equal(one_close(0, NULL, 0, ABOUT(0, 0), &cr), VERDICT_PASS);
	case_result_free(&cr);
	assert_int_equal(one_close(0, NULL, MS(50) + 1, ABOUT(0, 0), &cr),
	    VERDICT_FAIL);
	case_result_free(&cr);
}

/*
 * Time the runner spent waiting for a CPU is not blocking: a linger of 1 s
 * that came back 180 ms late on a loaded machine, 175 ms of it spent
 * runnable, blocked 1.005 s (docs/reliability.md, "Flakes").
 */
static void
test_blocks_less_cpu_wait(void **state)
{
	struct fx *f;
	struct scn_expect *e;
	struct case_result cr;
	const struct verdict *v;

	(void)state;
	f = fx_new();
	fx_step(f, STEP_CLOSE, MS(100), MS(100) + MS(1180), 0, NULL);
	f->calls[0].cpu_wait_ns = MS(175);
	e = fx_expect(f, EXP_BLOCKS_ABOUT, LINUX,
	    "expect linux: blocks about 1s");
	e->duration_ns = SEC(1);
	v = verdict_of(f, &cr, 0);
	assert_int_equal(v->kind, VERDICT_PASS);
	fx_contains("actual", v->actual,
	    "after 1.180 s (175.0 ms of it waiting for a CPU)");
	case_result_free(&cr);
	/* Without the measurement the same close is 180 ms late. */
	f->calls[0].cpu_wait_ns = 0;
	assert_int_equal(verdict_of(f, &cr, 0)->kind, VERDICT_FAIL);
	case_result_free(&cr);
	/* A wait larger than the call (a bad reading) takes nothing off. */
	f->calls[0].cpu_wait_ns = SEC(5);
	assert_int_equal(verdict_of(f, &cr, 0)->kind, VERDICT_FAIL);
	case_result_free(&cr);
	free(f);
}

static void
test_blocks_about_given_tolerance(void **state)
{
	struct case_result cr;

	(void)state;
	assert_int_equal(one_close(0, NULL, MS(2010), ABOUT(SEC(2), MS(10)),
			     &cr),
	    VERDICT_PASS);
	fx_contains("expected", cr.verdicts[0].expected,
	    "about 2 s \xc2\xb1 10 ms");
	case_result_free(&cr);
	assert_int_equal(one_close(0, NULL, MS(2011), ABOUT(SEC(2), MS(10)),
			     &cr),
	    VERDICT_FAIL);
	fx_contains("actual", cr.verdicts[0].actual,
	    "2.011 s, 11.0 ms more than 2 s");
	case_result_free(&cr);
}

/* The brief's own example: a wrong expectation must say plainly what happened. */
static void
test_a_wrong_expectation_fails_clearly(void **state)
{
	struct fx *f = fx_new();
	struct case_result cr;
	const struct verdict *v;
	struct scn_expect *e;

	(void)state;
	fx_step(f, STEP_CLOSE, MS(120), MS(120) + MS(2015), 0, NULL);
	e = fx_expect(f, EXP_BLOCKS_ABOUT, LINUX,
	    "expect linux: blocks about 5s");
	e->duration_ns = SEC(5);
	snprintf(e->because, sizeof(e->because), "net/ipv4/tcp.c __tcp_close");
	v = verdict_of(f, &cr, 0);
	assert_int_equal(v->kind, VERDICT_FAIL);
	assert_string_equal(v->check, "expect linux: blocks about 5s");
	assert_string_equal(v->expected,
	    "close(c) to block about 5 s \xc2\xb1 300 ms");
	assert_string_equal(v->actual,
	    "close(c) returned 0 after 2.015 s, 2.985 s less than 5 s");
	assert_string_equal(v->because, "net/ipv4/tcp.c __tcp_close");
	assert_int_equal(v->pos.line, 11);
	assert_true(v->on_call);
	assert_int_equal(v->t_ns, MS(2135));
	assert_null(v->wire);
	case_result_free(&cr);
	free(f);
}

static void
test_sends(void **state)
{
	struct fx *f = fx_new();
	struct case_result cr;

	(void)state;
	fx_step(f, STEP_SEND, 0, MS(3), 10240, NULL);
	f->calls[0].bytes = 10240;
	fx_expect(f, EXP_SENDS, ALL, "expect sends 10KiB")->size = 10240;
	fx_expect(f, EXP_SENDS, ALL, "expect sends 1500")->size = 1500;
	fx_step(f, STEP_CLOSE, MS(4), MS(5), 0, NULL);
	fx_expect(f, EXP_SENDS, ALL, "expect sends 1KiB")->size = 1024;
	assert_int_equal(fx_eval(f, LINUX, &cr), 0);
	assert_int_equal(cr.verdicts[0].kind, VERDICT_PASS);
	assert_string_equal(cr.verdicts[0].expected,
	    "send(c) to accept 10 KiB (10240 bytes) in all");
	fx_contains("actual", cr.verdicts[0].actual,
	    "send(c) accepted 10 KiB (10240 bytes) in all; "
	    "send(c) returned 10240 after 3.0 ms");
	assert_int_equal(cr.verdicts[1].kind, VERDICT_FAIL);
	assert_string_equal(cr.verdicts[1].expected,
	    "send(c) to accept 1500 bytes in all");
	assert_int_equal(cr.verdicts[2].kind, VERDICT_ERROR);
	fx_contains("note", cr.verdicts[2].note, "close(c) is not one");
	case_result_free(&cr);
	free(f);
}

static void
test_os_scoping(void **state)
{
	struct fx *f = fx_new();
	struct case_result cr;
	struct scn_expect *e;

	(void)state;
	fx_step(f, STEP_CLOSE, 0, MS(2015), 0, NULL);
	fx_expect(f, EXP_RETURNS, LINUX, "expect linux: returns 0");
	e = fx_expect(f, EXP_FAILS, FREEBSD,
	    "expect freebsd: fails EWOULDBLOCK");
	snprintf(e->err_name, sizeof(e->err_name), "EWOULDBLOCK");
	snprintf(e->because, sizeof(e->because),
	    "sys/kern/uipc_socket.c soclose");
	e = fx_expect(f, EXP_FAILS, WINDOWS,
	    "expect windows: fails WSAEWOULDBLOCK");
	snprintf(e->err_name, sizeof(e->err_name), "WSAEWOULDBLOCK");
	fx_expect(f, EXP_RETURNS, 0, "expect returns 0"); /* no OS: every OS */
	fx_expect(f, EXP_RETURNS, FREEBSD | WINDOWS,
	    "expect freebsd windows: returns 0");

	assert_int_equal(fx_eval(f, LINUX, &cr), 0);
	assert_int_equal(cr.verdicts[0].kind, VERDICT_PASS);
	assert_int_equal(cr.verdicts[1].kind, VERDICT_NOT_APPLICABLE);
	assert_string_equal(cr.verdicts[1].note,
	    "FreeBSD only (this is Linux): expected from "
	    "source, not yet verified on this system; source: sys/kern/uipc_socket.c soclose");
	assert_string_equal(cr.verdicts[1].expected,
	    "close(c) to fail with EWOULDBLOCK (or EAGAIN)");
	assert_string_equal(cr.verdicts[1].actual, "");
	assert_int_equal(cr.verdicts[2].kind, VERDICT_NOT_APPLICABLE);
	assert_string_equal(cr.verdicts[2].note,
	    "Windows only (this is Linux): not checked here");
	assert_int_equal(cr.verdicts[3].kind, VERDICT_PASS);
	assert_int_equal(cr.verdicts[4].kind, VERDICT_NOT_APPLICABLE);
	fx_contains("note", cr.verdicts[4].note, "FreeBSD and Windows only");
	assert_int_equal(cr.counts[VERDICT_NOT_APPLICABLE], 3);
	case_result_free(&cr);

	/* the same observations read as FreeBSD's: the FreeBSD line is checked */
	assert_int_equal(fx_eval(f, FREEBSD, &cr), 0);
	assert_int_equal(cr.verdicts[0].kind, VERDICT_NOT_APPLICABLE);
	assert_int_equal(cr.verdicts[1].kind, VERDICT_FAIL);
	assert_int_equal(cr.verdicts[4].kind, VERDICT_PASS);
	case_result_free(&cr);
	free(f);
}

static void
test_not_reached(void **state)
{
	struct fx *f = fx_new();
	struct case_result cr;
	struct scn_expect *e;

	(void)state;
	fx_step(f, STEP_CONNECT, 0, MS(1), 0, NULL);
	fx_expect(f, EXP_RETURNS, ALL, "expect returns 0");
	fx_step(f, STEP_CLOSE, 0, 0, 0, NULL);
	f->calls[1].ran = false;
	fx_expect(f, EXP_RETURNS, ALL, "expect returns 0");
	fx_expect(f, EXP_RETURNS, FREEBSD,
	    "expect freebsd: returns 0"); /* N/A first */
	e = fx_expect(f, EXP_STATE, ALL, "expect state c FIN_WAIT1");
	snprintf(e->text, sizeof(e->text), "FIN_WAIT1");
	fx_last_point(f)->reached = false;
	f->obs.aborted = true;
	f->obs.abort_kind = OBS_ABORT_CASE;
	f->obs.duration_ns = MS(1500);
	snprintf(f->obs.abort_reason, sizeof(f->obs.abort_reason), "peer lost");

	assert_int_equal(fx_eval(f, LINUX, &cr), 0);
	assert_int_equal(cr.nverdicts, 5);
	assert_int_equal(cr.verdicts[0].kind, VERDICT_PASS);
	assert_int_equal(cr.verdicts[1].kind, VERDICT_NOT_REACHED);
	assert_string_equal(cr.verdicts[1].note,
	    "close(c) did not run: the case stopped "
	    "at +1.500s, before it");
	assert_int_equal(cr.verdicts[2].kind, VERDICT_NOT_APPLICABLE);
	assert_int_equal(cr.verdicts[3].kind, VERDICT_NOT_REACHED);
	assert_string_equal(cr.verdicts[3].note,
	    "not reached: the case stopped at +1.500s, before it");
	/* and the stop itself, as the last verdict */
	assert_int_equal(cr.verdicts[4].kind, VERDICT_ERROR);
	assert_int_equal(cr.verdicts[4].step, SIZE_MAX);
	assert_string_equal(cr.verdicts[4].actual,
	    "the case stopped at +1.500s: peer lost");
	assert_string_equal(cr.verdicts[4].note, "the case stopped early");
	assert_true(cr.aborted);
	assert_string_equal(cr.abort_reason, "peer lost");
	assert_int_equal(cr.counts[VERDICT_NOT_REACHED], 2);
	assert_int_equal(cr.counts[VERDICT_ERROR], 1);
	case_result_free(&cr);

	/* the runner's reason, when it gives one, and an environment failure */
	snprintf(f->calls[1].detail, sizeof(f->calls[1].detail),
	    "c has no connection");
	f->obs.abort_kind = OBS_ABORT_ENV;
	assert_int_equal(fx_eval(f, LINUX, &cr), 0);
	assert_string_equal(cr.verdicts[1].note,
	    "close(c) did not run: c has no connection");
	fx_contains("note", cr.verdicts[4].note,
	    "the test system failed, not the case");
	case_result_free(&cr);

	/* not aborted, but a step skipped: a step before it failed */
	f->calls[1].detail[0] = '\0';
	f->obs.aborted = false;
	assert_int_equal(fx_eval(f, LINUX, &cr), 0);
	assert_int_equal(cr.nverdicts, 4);
	fx_contains("note", cr.verdicts[1].note,
	    "a step before it did not do what this one needs");
	case_result_free(&cr);

	/* nothing recorded at all */
	f->obs.calls = NULL;
	f->obs.points = NULL;
	assert_int_equal(fx_eval(f, LINUX, &cr), 0);
	assert_int_equal(cr.verdicts[0].kind, VERDICT_NOT_REACHED);
	assert_int_equal(cr.verdicts[3].kind, VERDICT_NOT_REACHED);
	case_result_free(&cr);
	free(f);
}

static void
test_labels_of_steps(void **state)
{
	struct fx *f = fx_new();
	struct case_result cr;

	(void)state;
	fx_step(f, STEP_SHUTDOWN, 0, 1000, 0, NULL);
	f->steps[0].how = 1;
	fx_expect(f, EXP_RETURNS, ALL, "expect returns 0");
	fx_step(f, STEP_SET, 0, 1000, 0, NULL);
	f->steps[1].opt = OPT_LINGER;
	fx_expect(f, EXP_RETURNS, ALL, "expect returns 0");
	fx_step(f, STEP_PEER_RST, 0, 1000, 0, NULL);
	snprintf(f->calls[2].detail, sizeof(f->calls[2].detail), "ok conn=3");
	fx_expect(f, EXP_RETURNS, ALL, "expect returns 0");
	fx_step(f, STEP_WAIT_PEER, 0, MS(250), 0, NULL);
	fx_expect(f, EXP_BLOCKS_AT_MOST, ALL, "expect blocks at-most 1s")
	    ->duration_ns = SEC(1);
	assert_int_equal(fx_eval(f, LINUX, &cr), 0);
	fx_contains("expected", cr.verdicts[0].expected,
	    "shutdown(c, SHUT_WR) to return 0");
	fx_contains("expected", cr.verdicts[1].expected,
	    "setsockopt(c, SO_LINGER) to return 0");
	assert_string_equal(cr.verdicts[2].actual,
	    "peer rst c returned 0 after 1 us (ok conn=3)");
	assert_int_equal(cr.verdicts[3].kind, VERDICT_PASS);
	fx_contains("actual", cr.verdicts[3].actual,
	    "wait peer c returned 0 after 250.0 ms");
	case_result_free(&cr);
	free(f);
}

static void
test_case_fields_and_bad_arguments(void **state)
{
	struct fx *f = fx_new();
	struct case_result cr;

	(void)state;
	snprintf(f->obs.pcap_path, sizeof(f->obs.pcap_path), "/tmp/x.pcap");
	assert_int_equal(fx_eval(f, LINUX, &cr), 0);
	assert_string_equal(cr.name, "t.scn[mode=blocking]");
	assert_string_equal(cr.description, "a test case");
	assert_string_equal(cr.os_name, "Linux 6.1.0");
	assert_string_equal(cr.pcap_path, "/tmp/x.pcap");
	assert_int_equal(cr.duration_ns, SEC(10));
	assert_int_equal(cr.nverdicts, 0);
	assert_null(cr.verdicts);
	case_result_free(&cr);
	case_result_free(NULL);

	errno = 0;
	assert_int_equal(evaluate_case(NULL, &f->obs, LINUX, &cr), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(evaluate_case(&f->sc, NULL, LINUX, &cr), -1);
	free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_returns),
		cmocka_unit_test(test_returns_ok_for_counts),
		cmocka_unit_test(
		    test_fails_compares_names_with_eagain_as_ewouldblock),
		cmocka_unit_test(test_fails_with_only_an_errno_number),
		cmocka_unit_test(test_blocks_at_least_and_at_most_edges),
		cmocka_unit_test(test_blocks_about_default_tolerance_edges),
		cmocka_unit_test(test_blocks_about_given_tolerance),
		cmocka_unit_test(test_blocks_less_cpu_wait),
		cmocka_unit_test(test_a_wrong_expectation_fails_clearly),
		cmocka_unit_test(test_sends),
		cmocka_unit_test(test_os_scoping),
		cmocka_unit_test(test_not_reached),
		cmocka_unit_test(test_labels_of_steps),
		cmocka_unit_test(test_case_fields_and_bad_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
