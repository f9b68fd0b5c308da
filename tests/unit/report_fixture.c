/*
 * report_fixture.c - the report tests' cases and files (report_fixture.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "eval_fixture.h"
#include "report_fixture.h"

void
lacks(const char *what, const char *hay, const char *needle)
{
	if (strstr(hay, needle) != NULL)
		fail_msg("%s has \"%s\"; it is:\n%s", what, needle, hay);
}

/* The case the examples in docs/scenario-language.md describe, observed. */
void
add_linger_case(struct run_result *run)
{
	struct fx *f = fx_new();
	struct case_result cr;
	struct scn_expect *e;

	fx_step(f, STEP_CONNECT, MS(10), MS(12), 0, NULL);
	fx_seg(f, MS(10), true, TCPF_SYN, 100, 0, 64240, 0);
	fx_seg(f, MS(11), false, TCPF_SYN | TCPF_ACK, 900, 101, 65535, 0);
	fx_seg(f, MS(12), true, TCPF_ACK, 101, 901, 502, 0);
	fx_step(f, STEP_CLOSE, MS(120), MS(2135), 0, NULL);
	fx_seg(f, MS(120), true, TCPF_FIN | TCPF_ACK, 101, 901, 502, 0);
	fx_seg(f, MS(330), true, TCPF_FIN | TCPF_ACK, 101, 901, 502, 0);
	e = fx_expect(f, EXP_RETURNS, SCN_OS_LINUX, "expect linux: returns 0");
	snprintf(e->because, sizeof(e->because), "net/ipv4/tcp.c __tcp_close");
	fx_expect(f, EXP_BLOCKS_ABOUT, SCN_OS_LINUX,
	    "expect linux: blocks about 2s")
	    ->duration_ns = SEC(2);
	/* deliberately wrong */
	fx_expect(f, EXP_BLOCKS_ABOUT, SCN_OS_LINUX,
	    "expect linux: blocks about 5s")
	    ->duration_ns = SEC(5);
	e = fx_expect(f, EXP_FAILS, SCN_OS_FREEBSD,
	    "expect freebsd: fails EWOULDBLOCK");
	snprintf(e->err_name, sizeof(e->err_name), "EWOULDBLOCK");
	snprintf(e->because, sizeof(e->because),
	    "sys/kern/uipc_socket.c soclose");
	e = fx_expect(f, EXP_WIRE_SENDS, SCN_OS_ALL,
	    "expect wire client sends RST within 100ms");
	e->what = WIRE_RST;
	e->duration_ns = MS(100);
	f->obs.duration_ns = MS(2530);
	snprintf(f->obs.pcap_path, sizeof(f->obs.pcap_path),
	    "/tmp/ll/basic.pcap");
	assert_int_equal(fx_eval(f, SCN_OS_LINUX, &cr), 0);
	assert_int_equal(run_result_add(run, &cr), 0);
	assert_null(cr.verdicts);
	free(f);
}

/* A case that stopped, with hostile text everywhere a scenario puts text. */
void
add_nasty_case(struct run_result *run)
{
	struct fx *f = fx_new();
	struct case_result cr;
	struct scn_expect *e;

	snprintf(f->sc.case_name, sizeof(f->sc.case_name), "x.scn[m=<&\"#>]");
	f->sc.family = SCN_FAM_IPV6; /* the reports say which */
	snprintf(f->sc.description, sizeof(f->sc.description), "%s", NASTY);
	fx_step(f, STEP_CONNECT, 0, MS(1), 0, NULL);
	e = fx_expect(f, EXP_RETURNS, SCN_OS_ALL, NASTY);
	e->value = 1;
	snprintf(e->because, sizeof(e->because), "%s", NASTY);
	fx_step(f, STEP_CLOSE, 0, 0, 0, NULL);
	f->calls[1].ran = false;
	fx_expect(f, EXP_RETURNS, SCN_OS_ALL, "expect returns 0");
	f->obs.aborted = true;
	f->obs.duration_ns = MS(40);
	snprintf(f->obs.abort_reason, sizeof(f->obs.abort_reason), "%s", NASTY);
	assert_int_equal(fx_eval(f, SCN_OS_LINUX, &cr), 0);
	assert_int_equal(run_result_add(run, &cr), 0);
	free(f);
}

void
out_open(struct out *o)
{
	const char *dir = getenv("TMPDIR");
	int fd;

	snprintf(o->path, sizeof(o->path), "%s/llreport.XXXXXX",
	    dir != NULL && strlen(dir) < 40 ? dir : "/tmp");
	assert_true((fd = mkstemp(o->path)) >= 0);
	assert_non_null(o->fp = fdopen(fd, "w+"));
	o->text = NULL;
}

const char *
out_text(struct out *o)
{
	long n;

	assert_int_equal(fflush(o->fp), 0);
	assert_true((n = ftell(o->fp)) >= 0);
	assert_non_null(o->text = calloc(1, (size_t)n + 1));
	rewind(o->fp);
	assert_int_equal(fread(o->text, 1, (size_t)n, o->fp), (size_t)n);
	return o->text;
}

void
out_close(struct out *o)
{
	fclose(o->fp);
	unlink(o->path);
	free(o->text);
}

void
write_run(const struct run_result *run, enum report_format fmt, bool colour,
    struct out *o)
{
	struct report_options opts = { .colour = colour };

	out_open(o);
	assert_int_equal(report_write(fmt, run, &opts, o->fp), 0);
	out_text(o);
}

bool
have(const char *tool)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", tool);
	return system(cmd) == 0;
}

int
run_cmd(char **out, const char *fmt, ...)
{
	char cmd[1024], buf[4096];
	size_t len = 0, n;
	va_list ap;
	FILE *p;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	assert_non_null(p = popen(cmd, "r"));
	assert_non_null(*out = calloc(1, 1));
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0) {
		assert_non_null(*out = realloc(*out, len + n + 1));
		memcpy(*out + len, buf, n);
		len += n;
		(*out)[len] = '\0';
	}
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

void
build(struct run_result *run)
{
	run_result_init(run, "Linux 6.1.0 <&>");
	add_linger_case(run);
	add_nasty_case(run);
}
