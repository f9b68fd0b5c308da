/*
 * run_case.c - the worker: one case, for real. Build the sandbox (or
 * reach the --peer lingerpeer, and in lab mode the agent), start the
 * capture (in lab mode, the reading of lingerpeer's log), run the steps in
 * order with the expectations after each, and stream every record to the
 * parent as soon as it is known (run_wire.h).
 *
 * Time 0 is the moment before the first step; setting up is not part of
 * the case's timeline.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run_int.h"
#include "run_plat.h"
#include "run_sut.h"
#include "run_wire.h"
#include "sandbox.h"
#include "scenario_parse.h"
#include "wire_classify.h"

/* A socket's name for messages, "" for none. */
static const char *
sock_name(const struct run_ctx *r, int s)
{
	return s >= 0 && (size_t)s < r->sc->nsocks ? r->sc->socks[s] : "";
}

uint64_t
run_now(const struct run_ctx *r)
{
	uint64_t now = plat_now_ns();

	return now > r->t0 ? now - r->t0 : 0;
}

const char *
run_where(const struct run_ctx *r, size_t i, char *buf, size_t len)
{
	const struct scn_step *st = &r->sc->steps[i];
	const char *a = sock_name(r, st->sock), *b = sock_name(r, st->sock2);

	/* "line 7 (accept l as s)", "line 6 (peer connect s)" */
	snprintf(buf, len, "line %" PRIu32 " (%s%s%s%s%s)", st->pos.line,
	    scn_step_name(st->kind), a[0] != '\0' ? " " : "", a,
	    b[0] == '\0'       ? ""
		: a[0] != '\0' ? " as "
			       : " ",
	    b);
	return buf;
}

/* A record to the parent. If the parent is gone, so is our purpose. */
void
run_emit(struct run_ctx *r, const char *line, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(r->out_fd, line, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(1);
		line += n;
		len -= (size_t)n;
	}
}

void
run_emit_call(struct run_ctx *r, size_t i)
{
	char buf[OBS_LINE_MAX];

	if (r->quiet)
		return; /* a repeat block reports its calls at its end */
	/* The segments a call sent are streamed before it is (--live). */
	rcap_sync(r->cap);
	(void)pwire_collect(r);
	run_emit(r, buf, obs_fmt_call(r->obs, i, buf, sizeof(buf)));
}

void
run_emit_point(struct run_ctx *r, size_t i, size_t j)
{
	char buf[OBS_LINE_MAX];

	run_emit(r, buf, obs_fmt_point(r->obs, i, j, buf, sizeof(buf)));
}

void
run_emit_sock(struct run_ctx *r, size_t s)
{
	char buf[OBS_LINE_MAX];

	/* With --peer, the capture keeps the segments of known connections. */
	rcap_know(r->cap, r->obs);
	run_emit(r, buf, obs_fmt_sock(r->obs, s, buf, sizeof(buf)));
}

void
run_abort(struct run_ctx *r, enum obs_abort kind, const char *fmt, ...)
{
	char buf[OBS_LINE_MAX];
	va_list ap;

	if (r->obs->aborted)
		return;
	va_start(ap, fmt);
	case_obs_vabort(r->obs, kind, fmt, ap);
	va_end(ap);
	r->stop = true;
	run_emit(r, buf, obs_fmt_abort(r->obs, buf, sizeof(buf)));
}

void
run_record(struct run_ctx *r, size_t i, const struct plat_call *pc)
{
	struct obs_call *c = &r->obs->calls[i];

	c->ran = true;
	c->ret = pc->ret;
	c->err = pc->ret < 0 ? pc->err : 0;
	c->err_name[0] = '\0';
	/* named where the call ran: an agent's system has its own numbers */
	if (pc->ret < 0)
		snprintf(c->err_name, sizeof(c->err_name), "%s", pc->err_name);
	c->t_start_ns = pc->t_start_ns > r->t0 ? pc->t_start_ns - r->t0 : 0;
	c->t_end_ns = pc->t_end_ns > r->t0 ? pc->t_end_ns - r->t0 : 0;
	c->bytes = pc->bytes;
	c->cpu_wait_ns = pc->cpu_wait_ns;
	run_signal_note(r, pc, c);
	run_emit_call(r, i);
}

int
run_collect(struct run_ctx *r)
{
	char err[512];

	if (r->pwire != NULL)
		return pwire_collect(r);
	if (r->cap == NULL)
		return 0;
	/* Classified and streamed already, by run_capture.c. */
	if (rcap_collect(r->cap, r->obs, err, sizeof(err)) == -1) {
		run_abort(r, OBS_ABORT_ENV, "%s", err);
		rcap_close(r->cap, &r->obs->capture_drops);
		r->cap = NULL;
		return -1;
	}
	return 0;
}

/* DIR/NAME.pcap, with NAME's path and brackets made file-name safe. */
static int
pcap_path(const struct run_ctx *r, char *buf, size_t len)
{
	int n;
	char name[SCN_TEXT_MAX], *p;

	snprintf(name, sizeof(name), "%s",
	    r->sc->case_name[0] != '\0' ? r->sc->case_name : "case");
	for (p = name; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			(*p >= '0' && *p <= '9') ||
			strchr(".,=-+", *p) != NULL))
			*p = '_';
	n = snprintf(buf, len, "%s/%s.pcap", r->opt->pcap_dir, name);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static void
open_capture(struct run_ctx *r)
{
	const char *iface =
	    r->sb != NULL ? SANDBOX_CLIENT_IFACE : r->opt->iface;
	struct case_obs *o = r->obs;
	char err[512], buf[OBS_LINE_MAX];

	if (iface == NULL) {
		snprintf(o->capture_note, sizeof(o->capture_note),
		    "--peer was "
		    "given without --iface, the link to capture on");
	} else {
		if (r->opt->pcap_dir != NULL &&
		    pcap_path(r, o->pcap_path, sizeof(o->pcap_path)) == -1) {
			o->pcap_path[0] = '\0';
			run_abort(r, OBS_ABORT_ENV,
			    "--pcap-dir %s: the path of "
			    "the case's pcap file is too long; use a shorter "
			    "directory",
			    r->opt->pcap_dir);
			return;
		}
		r->cap =
		    rcap_open(iface, r->peer_addr, 2, rcap_buffer_for(r->sc),
			r->opt->pcap_dir != NULL ? o->pcap_path : NULL,
			r->sb == NULL, r->out_fd, err, sizeof(err));
		if (r->cap == NULL) {
			o->pcap_path[0] = '\0';
			run_abort(r, OBS_ABORT_ENV, "%s", err);
			return;
		}
		o->captured = true;
		run_emit(r, buf, obs_fmt_pcap(o, buf, sizeof(buf)));
	}
	run_emit(r, buf, obs_fmt_capture(o, buf, sizeof(buf)));
}

/* Lab mode: the wire is lingerpeer's log, read from where the case begins. */
static void
open_peer_wire(struct run_ctx *r)
{
	char buf[OBS_LINE_MAX];

	if (pwire_open(r) == -1)
		return;
	r->obs->captured = true;
	run_emit(r, buf, obs_fmt_capture(r->obs, buf, sizeof(buf)));
}

/* Lab mode: the clock bound as it stands, in a record of its own. */
static void
lab_record(struct run_ctx *r)
{
	char buf[OBS_LINE_MAX];

	if (!r->obs->lab.on)
		return;
	r->obs->lab.clock_bound_ns = sut_clock_bound(r) + pwire_clock_bound(r);
	run_emit(r, buf, obs_fmt_lab(r->obs, buf, sizeof(buf)));
}

static void
setup(struct run_ctx *r, struct sandbox *sb)
{
	char err[1024];

	if (r->opt->peer_control == NULL) {
		if (sandbox_open(sb) == -1) {
			run_abort(r, OBS_ABORT_ENV,
			    "cannot build a sandbox: %s", sb->errbuf);
			return;
		}
		r->sb = sb;
	}
	if (run_addrs(r, err, sizeof(err)) == -1) {
		if (err[0] != '\0')
			run_abort(r, OBS_ABORT_ENV, "%s", err);
		return;
	}
	if (run_peer_start(r, err, sizeof(err)) == -1) {
		run_abort(r, OBS_ABORT_ENV, "%s", err);
		return;
	}
	if (sut_is_agent(r)) {
		open_peer_wire(r);
		lab_record(r);
	} else
		open_capture(r);
}

/* Lab mode: measure both clocks again when it is time, between steps. */
static void
clocks_refresh(struct run_ctx *r)
{
	if (!sut_is_agent(r))
		return;
	sut_clock_refresh(r);
	pwire_clock_refresh(r);
	/* the runner's waits follow the evaluator's windows (run_points.c) */
	r->obs->lab.clock_bound_ns = sut_clock_bound(r) + pwire_clock_bound(r);
}

static void
run_steps(struct run_ctx *r)
{
	const struct scn_step *st;
	char buf[OBS_LINE_MAX];
	size_t i;

	r->t0 = plat_now_ns();
	/* Segments stream while steps block (a reader process). */
	if (r->cap != NULL)
		(void)rcap_start(r->cap, r->t0);
	run_probe_init(r);
	for (i = 0; i < r->sc->nsteps && !r->stop; i++) {
		st = &r->sc->steps[i];
		run_peer_check(r, i);
		clocks_refresh(r);
		if (r->stop)
			break;
		run_emit(r, buf,
		    obs_fmt_at(i, r->t0, run_now(r), buf, sizeof(buf)));
		if (st->kind == STEP_REPEAT)
			i = run_repeat(r, i); /* on to its end's expects */
		else if (scn_step_is_peer_cmd(st->kind))
			run_peer_step(r, i);
		else if (scn_step_is_client(st->kind))
			run_sock_step(r, i);
		else
			run_abort(r, OBS_ABORT_CASE,
			    "step %zu has unknown kind "
			    "%d (a bug in lingerlab: please report)",
			    i + 1, (int)st->kind);
		if (!r->stop)
			run_points(r, i);
	}
	if (!r->stop)
		run_peer_check(r, r->sc->nsteps);
	rcap_stop(r->cap); /* the final take is ours, as it always was */
	/* A window widened by the clock bound is watched to its new end. */
	if (sut_is_agent(r))
		run_wait_until(r,
		    run_now(r) + sut_clock_bound(r) + pwire_clock_bound(r));
	(void)run_collect(r);
	r->obs->duration_ns = run_now(r);
}

static void
finish(struct run_ctx *r)
{
	char buf[OBS_LINE_MAX];

	if (r->cap != NULL) { /* its packet socket goes after the end */
		rcap_finish(r->cap, &r->obs->capture_drops);
		run_emit(r, buf, obs_fmt_capture(r->obs, buf, sizeof(buf)));
	}
	if (r->pwire != NULL) /* with the events its log lost */
		run_emit(r, buf, obs_fmt_capture(r->obs, buf, sizeof(buf)));
	lab_record(r);
	run_emit(r, buf, obs_fmt_end(r->obs, buf, sizeof(buf)));
}

/*
 * Lab mode: the system under test as the agent describes it, and where
 * the case runs, for the reports; or, when the agent could not be reached
 * at all, the case stopped before it began.
 */
static void
lab_begin(struct run_ctx *r, const struct plat_os_info *os, int opened,
    const char *why)
{
	struct obs_lab *l = &r->obs->lab;

	if (r->opt->agent == NULL)
		return;
	if (opened == -1) {
		run_abort(r, OBS_ABORT_NO_AGENT, "agent lost: %s", why);
		return;
	}
	l->on = true;
	snprintf(l->agent, sizeof(l->agent), "%s", r->opt->agent);
	run_os_system(os, l->system, sizeof(l->system));
	snprintf(l->wire, sizeof(l->wire), "lingerpeer at %s",
	    r->opt->peer_control);
}

/*
 * Prepared ahead (run_jobs_int.h): everything is set up; wait for the
 * parent's word before time 0. EOF means the parent will not run this
 * case (a stop): leave, and the sandbox goes with us.
 */
static void
wait_go(struct run_ctx *r, int go_fd)
{
	ssize_t n;
	char c;

	if (go_fd < 0)
		return;
	while ((n = read(go_fd, &c, 1)) == -1 && errno == EINTR)
		;
	close(go_fd);
	if (n != 1)
		r->stop = true;
}

void
run_case_worker(const struct scenario *sc, const struct run_opts *opts,
    int out_fd, int go_fd)
{
	struct plat_os_info os;
	struct case_obs obs;
	struct run_ctx r;
	struct sandbox sb;
	char buf[OBS_LINE_MAX], why[1024];
	size_t s;
	int opened;

	memset(&r, 0, sizeof(r));
	memset(&sb, 0, sizeof(sb));
	r.sc = sc;
	r.opt = opts;
	r.obs = &obs;
	r.out_fd = out_fd;
	for (s = 0; s < SCN_MAX_SOCKS; s++)
		r.sock[s] = PLAT_SOCK_NONE;
	signal(SIGPIPE, SIG_IGN); /* a dead peer or parent is an error */
	if (case_obs_init(&obs, sc) == -1)
		_exit(1); /* the parent reports a worker lost */
	/* The system under test: this one, or the agent's (lab mode). */
	opened = sut_open(&r, &os, why, sizeof(why));
	obs.os = run_os_bit(&os);
	run_os_name(&os, obs.os_name, sizeof(obs.os_name));
	run_emit(&r, buf, obs_fmt_head(&obs, buf, sizeof(buf)));
	lab_begin(&r, &os, opened, why);
	if (!r.stop)
		setup(&r, &sb);
	wait_go(&r, go_fd);
	if (!r.stop)
		run_steps(&r);
	finish(&r);
	/* The case is reported: what follows is teardown, off its clock. */
	rcap_free(r.cap);
	r.cap = NULL;
	pwire_reset_conns(&r); /* lab mode: what the case left, gone */
	pwire_close(&r);
	sut_close(&r);
	run_peer_stop(&r);
	/* Our sockets close at exit, unobserved: the record is complete. */
	if (r.sb != NULL)
		sandbox_close(r.sb);
	run_peer_finish(&r);
	case_obs_free(&obs);
	fflush(NULL);
	_exit(0);
}
