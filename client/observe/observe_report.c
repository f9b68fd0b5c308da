/*
 * observe_report.c - what `lingerlab observe` found, for people and as
 * JSON: each connection's close, each probe's growth, each expectation.
 * Pure code: it writes to the FILE it is given.
 */
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "duration_text.h"
#include "escape.h"
#include "observe_prog.h"
#include "probe.h"
#include "series.h"
#include "textbuf.h"
#include "timeunit.h"
#include "units.h"

/* Connections shown one by one; more are summed up (all with -v). */
#define DETAIL_MAX  8
#define CHART_WIDTH 40

/* The states worth a line when any sample saw them. */
static const unsigned watched_states[] = { 1, 4, 5, 6, 8, 9, 11 };

/* A time from the program's start, "+1.204s" (rounded), or "never". */
static void
secs(uint64_t t, char *buf, size_t len)
{
	char s[32];

	if (t == OB_NO_TIME) {
		snprintf(buf, len, "never");
		return;
	}
	dur_decimal(t, NS_PER_S, 3, DUR_ROUND, s, sizeof(s));
	tb_set(buf, len, "+%ss", s);
}

static const char *
how_name(int32_t how)
{
	return how == SHUT_RD  ? "SHUT_RD"
	    : how == SHUT_WR   ? "SHUT_WR"
	    : how == SHUT_RDWR ? "SHUT_RDWR"
			       : "?";
}

/* "SO_LINGER {1, 0}" or "SO_LINGER off" or "" unknown */
static void
linger_text(int32_t lon, int32_t lsec, char *buf, size_t len)
{
	if (lon < 0)
		snprintf(buf, len, "SO_LINGER unknown");
	else if (lon == 0)
		snprintf(buf, len, "SO_LINGER off");
	else
		snprintf(buf, len, "SO_LINGER {1, %" PRId32 "}", lsec);
}

static uint64_t
wire_end(const struct ob_conn *c)
{
	return c->t_fin < c->t_rst ? c->t_fin : c->t_rst;
}

static void
shutdown_line(FILE *f, const struct ob_conn *c, const char *before)
{
	char d[32], t[32];

	if (!c->shut_before_close) {
		fprintf(f, "      shutdown: none before %s\n", before);
		return;
	}
	secs(c->t_shutdown, t, sizeof(t));
	dur_measured(c->close.t0 - c->t_shutdown, DUR_OBSERVE, d, sizeof(d));
	fprintf(f, "      shutdown: %s at %s, %s before %s\n",
	    how_name(c->shut_how), t, d, before);
}

/* The kernel closed it when its process exited: what that close met. */
static void
exit_close_line(FILE *f, const struct ob_conn *c)
{
	const struct ob_rec *r = &c->close;
	char l[40], t[32];

	linger_text(r->lon, r->lsec, l, sizeof(l));
	secs(r->t0, t, sizeof(t));
	fprintf(f,
	    "      close():  never called: fd %" PRId32 " was still "
	    "open when its process exited at %s, and the kernel closed it; "
	    "%s; %s\n",
	    r->fd, t, l, r->nb == 1 ? "non-blocking" : "blocking");
	/* inet_release(): no linger wait for a task with PF_EXITING */
	if (r->lon == 1 && r->lsec > 0)
		fprintf(f,
		    "      note:     Linux does not linger when the "
		    "process is exiting: that close did not wait\n");
	shutdown_line(f, c, "exit");
}

static void
conn_close_line(FILE *f, const struct ob_conn *c, bool shim)
{
	const struct ob_rec *r = &c->close;
	char d[32], l[40], t[32];

	if (r->call == OB_OPEN_AT_EXIT) {
		exit_close_line(f, c);
		return;
	}
	if (r->call != OB_CLOSE) {
		fprintf(f, "      close():  not seen (%s)\n",
		    !shim ? "no shim "
			    "in the program"
			  : "the program did not close it through "
			    "libc, or it was killed");
		return;
	}
	dur_measured(r->t1 - r->t0, DUR_OBSERVE, d, sizeof(d));
	linger_text(r->lon, r->lsec, l, sizeof(l));
	secs(r->t0, t, sizeof(t));
	fprintf(f,
	    "      close():  fd %" PRId32 " at %s returned %" PRId64
	    "%s%s after %s; %s; %s\n",
	    r->fd, t, r->ret, r->ret < 0 ? ", errno " : "",
	    r->ret < 0 ? strerror(r->err) : "", d, l,
	    r->nb == 1	     ? "non-blocking"
		: r->nb == 0 ? "blocking"
			     : "blocking unknown");
	shutdown_line(f, c, "close()");
	if (c->ncloses > 1 || c->ndups > 0)
		fprintf(f,
		    "      copies:   %" PRIu32 " dup() of its "
		    "descriptor, %" PRIu32 " close() calls\n",
		    c->ndups, c->ncloses);
	if (wire_end(c) != OB_NO_TIME && wire_end(c) > r->t1 + 10 * NS_PER_MS &&
	    (c->ndups > 0 || c->open_at_exit)) {
		secs(wire_end(c), t, sizeof(t));
		fprintf(f,
		    "      note:     close() did not end the connection "
		    "(another descriptor still referred to the socket); it "
		    "ended at %s\n",
		    t);
	}
}

/* "IPv6", or "IPv4 from an IPv6 socket (::ffff:192.0.2.2)". */
static void
family_text(const struct ob_conn *c, char *buf, size_t len)
{
	char a[IP_ADDR_STRLEN];

	if (c->mapped && ip_addr_is_v4(&c->raddr))
		tb_set(buf, len, "IPv4 from an IPv6 socket (::ffff:%s)",
		    ip_addr_format(&c->raddr, a, sizeof(a)));
	else
		tb_set(buf, len, "%s", ob_family_name(&c->raddr));
}

/* "192.0.2.1:40112 > 192.0.2.2:7001 (IPv4)"; ports alone if unknown. */
static void
conn_head(FILE *f, size_t i, const struct ob_conn *c)
{
	char l[IP_ADDR_PORT_STRLEN], r[IP_ADDR_PORT_STRLEN], fam[80];

	if (c->laddr.family == IPF_NONE || c->raddr.family == IPF_NONE) {
		fprintf(f, "   #%zu  port %u > peer port %u", i + 1, c->lport,
		    c->rport);
		return;
	}
	family_text(c, fam, sizeof(fam));
	fprintf(f, "   #%zu  %s > %s  %s", i + 1,
	    ip_addr_format_port(&c->laddr, c->lport, l, sizeof(l)),
	    ip_addr_format_port(&c->raddr, c->rport, r, sizeof(r)), fam);
}

static void
conn_detail(FILE *f, size_t i, const struct ob_conn *c, bool shim)
{
	char a[32], b[32];

	conn_head(f, i, c);
	if (c->pid >= 0)
		fprintf(f, "  (pid %" PRId32 ")", c->pid);
	fputc('\n', f);
	secs(wire_end(c), a, sizeof(a));
	secs(c->t_peer_fin < c->t_peer_rst ? c->t_peer_fin : c->t_peer_rst, b,
	    sizeof(b));
	fprintf(f,
	    "      closed:   %s first; the program sent %s (at %s), "
	    "the peer's FIN/RST %s\n",
	    c->first == OB_CLOSER_PROGRAM    ? "the program"
		: c->first == OB_CLOSER_PEER ? "the peer"
					     : "nobody",
	    ob_end_name(c->end), a, b);
	if (c->retx > 0)
		fprintf(f,
		    "      retx:     %" PRIu32 " segment%s sent again "
		    "(%" PRIu32 " of them FIN)\n",
		    c->retx, c->retx == 1 ? "" : "s", c->fin_retx);
	conn_close_line(f, c, shim);
	fprintf(f, "      state:    %s at exit, %s after settling\n",
	    c->state_exit[0] != '\0' ? c->state_exit : "?",
	    c->state_end[0] != '\0' ? c->state_end : "?");
}

/* Many connections: how many ended which way, and in which state. */
static void
conn_summary(FILE *f, const struct ob_conns *cs)
{
	size_t by_end[4] = { 0 }, i, n_close = 0, shut = 0;
	uint64_t worst = 0, d;
	char w[32];

	for (i = 0; i < cs->n; i++) {
		by_end[cs->v[i].end]++;
		shut += cs->v[i].shut_before_close;
		if (cs->v[i].close.call == OB_CLOSE) {
			d = cs->v[i].close.t1 - cs->v[i].close.t0;
			worst = d > worst ? d : worst;
			n_close++;
		}
	}
	dur_measured(worst, DUR_OBSERVE, w, sizeof(w));
	fprintf(f,
	    "   in all: %zu sent FIN, %zu RST, %zu FIN then RST, %zu "
	    "neither; %zu close() calls seen, the longest %s; %zu shut down "
	    "first\n",
	    by_end[OB_END_FIN], by_end[OB_END_RST], by_end[OB_END_FIN_RST],
	    by_end[OB_END_NONE], n_close, w, shut);
}

/*
 * The probe as the runner's reports draw theirs (series.h): one series of
 * the samples that count for it (see ob_series_stats).
 */
static void
chart(const struct ob_series *s, enum ob_probe p, unsigned state, bool utf8,
    char *buf, size_t len)
{
	struct obs_probes one;
	size_t i;

	buf[0] = '\0';
	memset(&one, 0, sizeof(one));
	one.nseries = 1;
	if ((one.samples = calloc(s->n, sizeof(*one.samples))) == NULL)
		return;
	for (i = 0; i < s->n; i++) {
		if (!ob_sample_counts(&s->v[i], p))
			continue;
		one.samples[one.nsamples].t_ns = s->v[i].t_ns;
		one.samples[one.nsamples++].v[0] =
		    ob_sample_value(&s->v[i], p, state);
	}
	(void)series_sparkline(&one, 0, CHART_WIDTH, utf8, buf, len);
	free(one.samples);
}

static void
probe_line(FILE *f, const struct ob_series *s, bool utf8, const char *name,
    enum ob_probe p, unsigned state)
{
	struct ob_stats st;
	char spark[CHART_WIDTH * 4 + 64], a[24], b[24], c[24];

	ob_series_stats(s, p, state, &st);
	if (!st.any)
		return;
	if (p == OB_P_RSS_KIB) {
		format_size((uint64_t)st.start * 1024, a, sizeof(a));
		format_size((uint64_t)st.end * 1024, b, sizeof(b));
		format_size((uint64_t)st.peak * 1024, c, sizeof(c));
	} else {
		snprintf(a, sizeof(a), "%" PRId64, st.start);
		snprintf(b, sizeof(b), "%" PRId64, st.end);
		snprintf(c, sizeof(c), "%" PRId64, st.peak);
	}
	chart(s, p, state, utf8, spark, sizeof(spark));
	fprintf(f, "   %-24s %8s -> %-8s peak %-8s growth %+" PRId64 "  %s\n",
	    name, a, b, c, st.end - st.start, spark);
}

static void
probes(FILE *f, const struct ob_series *s, bool utf8)
{
	char name[OB_TCPEXT_NAME + 8];
	size_t i;

	fprintf(f,
	    "probes (start -> end, while it ran; sockets until the "
	    "end of the settle time):\n");
	probe_line(f, s, utf8, "processes", OB_P_PROCS, 0);
	probe_line(f, s, utf8, "threads", OB_P_THREADS, 0);
	probe_line(f, s, utf8, "fds", OB_P_FDS, 0);
	probe_line(f, s, utf8, "rss", OB_P_RSS_KIB, 0);
	for (i = 0; i < sizeof(watched_states) / sizeof(watched_states[0]);
	     i++) {
		struct ob_stats st;

		ob_series_stats(s, OB_P_STATE, watched_states[i], &st);
		if (!st.any || st.peak == 0)
			continue;
		snprintf(name, sizeof(name), "sockets %s",
		    probe_tcp_state_name(watched_states[i]));
		probe_line(f, s, utf8, name, OB_P_STATE, watched_states[i]);
	}
	/* counters that moved: an abort on close, on linger, ... */
	for (i = 0; i < s->ntcpext; i++) {
		struct ob_stats st;

		ob_series_stats(s, OB_P_TCPEXT, (unsigned)i, &st);
		if (!st.any || st.end == st.start)
			continue;
		snprintf(name, sizeof(name), "tcpext %s", s->tcpext[i]);
		probe_line(f, s, utf8, name, OB_P_TCPEXT, (unsigned)i);
	}
}

static void
expectations(FILE *f, const struct ob_report_in *in)
{
	size_t i, pass = 0;

	if (in->nexpects == 0)
		return;
	fprintf(f, "expectations:\n");
	for (i = 0; i < in->nexpects; i++) {
		const struct ob_verdict *v = &in->verdicts[i];

		pass += v->pass;
		fprintf(f, "   %-5s %s\n         %s\n",
		    v->pass	     ? "PASS"
			: v->decided ? "FAIL"
				     : "ERROR",
		    in->expects[i].text, v->detail);
	}
	fprintf(f, "%zu passed, %zu failed\n", pass, in->nexpects - pass);
}

void
ob_report_human(FILE *f, const struct ob_report_in *in, bool verbose)
{
	const struct ob_conns *cs = in->conns;
	char t[32], settle[32];
	size_t i, shown;

	fprintf(f, "== lingerlab observe:");
	for (i = 0; in->argv[i] != NULL; i++) {
		fputc(' ', f);
		esc_put_terminal(f, in->argv[i]);
	}
	fprintf(f, "\n   peer behaviour: %s\n",
	    in->behaviour[0] != '\0' ? in->behaviour : "normal");
	if (in->peer_addrs != NULL && in->peer_addrs[0] != '\0')
		fprintf(f, "   peer address: %s\n", in->peer_addrs);
	secs(in->t_exit, t, sizeof(t));
	format_duration(in->settle_ns, settle, sizeof(settle));
	fprintf(f, "   %s%s at %s; sockets watched %s more\n",
	    in->timed_out ? "timed out and killed: " : "", in->exit_desc, t,
	    settle);
	if (in->note != NULL && in->note[0] != '\0')
		fprintf(f, "   note: %s\n", in->note);
	if (!cs->shim_loaded)
		fprintf(f,
		    "   close timings unavailable: the program does not "
		    "use the dynamic libc (statically linked, setuid, or it "
		    "makes its own system calls); the wire is still seen\n");
	if (in->capture_drops > 0)
		fprintf(f,
		    "   the capture lost %" PRIu64 " frames: the wire "
		    "columns have gaps\n",
		    in->capture_drops);
	fprintf(f, "connections: %zu", cs->n);
	if (cs->unconnected > 0)
		fprintf(f, " (and %zu TCP sockets closed unconnected)",
		    cs->unconnected);
	fputc('\n', f);
	shown = verbose || cs->n <= DETAIL_MAX + 2 ? cs->n : DETAIL_MAX;
	for (i = 0; i < shown; i++)
		conn_detail(f, i, &cs->v[i], cs->shim_loaded);
	if (shown < cs->n)
		fprintf(f, "   ... %zu more (-v shows every one)\n",
		    cs->n - shown);
	if (cs->n > 1)
		conn_summary(f, cs);
	probes(f, in->series, in->utf8);
	expectations(f, in);
}

/* ---- JSON ---- */

static void
jkey(FILE *f, bool *first, const char *k)
{
	fprintf(f, "%s\"%s\":", *first ? "" : ",", k);
	*first = false;
}

static void
jnum(FILE *f, bool *first, const char *k, int64_t v)
{
	jkey(f, first, k);
	fprintf(f, "%" PRId64, v);
}

static void
jtime(FILE *f, bool *first, const char *k, uint64_t t)
{
	jkey(f, first, k);
	if (t == OB_NO_TIME)
		fputs("null", f);
	else
		fprintf(f, "%.9f", (double)t / 1e9);
}

static void
jstr(FILE *f, bool *first, const char *k, const char *v)
{
	jkey(f, first, k);
	esc_put_quoted(f, v, ESC_QUOTE_JSON);
}

/* A string, or null. */
static void
jaddr(FILE *f, bool *first, const char *k, const char *v)
{
	if (v != NULL)
		jstr(f, first, k, v);
	else {
		jkey(f, first, k);
		fputs("null", f);
	}
}

static void
json_conn(FILE *f, const struct ob_conn *c)
{
	char la[IP_ADDR_STRLEN], ra[IP_ADDR_STRLEN];
	char le[IP_ADDR_PORT_STRLEN], re[IP_ADDR_PORT_STRLEN];
	bool first = true,
	     call =
		 c->close.call == OB_CLOSE || c->close.call == OB_OPEN_AT_EXIT;

	fputc('{', f);
	jaddr(f, &first, "family",
	    c->raddr.family == IPF_NONE	   ? NULL
		: ip_addr_is_v4(&c->raddr) ? "ipv4"
					   : "ipv6");
	jaddr(f, &first, "socket_family",
	    c->sock_family == AF_INET	     ? "ipv4"
		: c->sock_family == AF_INET6 ? "ipv6"
					     : NULL);
	jkey(f, &first, "v4_mapped");
	fputs(c->mapped ? "true" : "false", f);
	jaddr(f, &first, "address",
	    c->laddr.family == IPF_NONE
		? NULL
		: ip_addr_format(&c->laddr, la, sizeof(la)));
	jnum(f, &first, "port", c->lport);
	jaddr(f, &first, "peer_address",
	    c->raddr.family == IPF_NONE
		? NULL
		: ip_addr_format(&c->raddr, ra, sizeof(ra)));
	jnum(f, &first, "peer_port", c->rport);
	jaddr(f, &first, "endpoint",
	    c->laddr.family == IPF_NONE
		? NULL
		: ip_addr_format_port(&c->laddr, c->lport, le, sizeof(le)));
	jaddr(f, &first, "peer_endpoint",
	    c->raddr.family == IPF_NONE
		? NULL
		: ip_addr_format_port(&c->raddr, c->rport, re, sizeof(re)));
	jnum(f, &first, "pid", c->pid);
	jstr(f, &first, "first_to_close",
	    c->first == OB_CLOSER_PROGRAM    ? "program"
		: c->first == OB_CLOSER_PEER ? "peer"
					     : "none");
	jstr(f, &first, "sent", ob_end_name(c->end));
	jtime(f, &first, "fin_at", c->t_fin);
	jtime(f, &first, "rst_at", c->t_rst);
	jnum(f, &first, "retransmissions", c->retx);
	jnum(f, &first, "fin_retransmissions", c->fin_retx);
	jkey(f, &first, "close");
	if (call) {
		bool f2 = true;

		fputc('{', f);
		jstr(f, &f2, "by",
		    c->close.call == OB_CLOSE ? "close" : "exit");
		jnum(f, &f2, "fd", c->close.fd);
		jtime(f, &f2, "at", c->close.t0);
		jtime(f, &f2, "seconds", c->close.t1 - c->close.t0);
		jnum(f, &f2, "ret", c->close.ret);
		jnum(f, &f2, "errno", c->close.ret < 0 ? c->close.err : 0);
		jnum(f, &f2, "linger_onoff", c->close.lon);
		jnum(f, &f2, "linger_seconds", c->close.lsec);
		jnum(f, &f2, "nonblocking", c->close.nb);
		fputc('}', f);
	} else
		fputs("null", f);
	jkey(f, &first, "shutdown_before_close");
	fputs(c->shut_before_close ? "true" : "false", f);
	jnum(f, &first, "close_calls", c->ncloses);
	jnum(f, &first, "dups", c->ndups);
	jkey(f, &first, "open_at_exit");
	fputs(c->open_at_exit ? "true" : "false", f);
	jstr(f, &first, "state_at_exit", c->state_exit);
	jstr(f, &first, "state_after_settle", c->state_end);
	fputc('}', f);
}

static void
json_probe(FILE *f, bool *first, const struct ob_series *s, const char *name,
    enum ob_probe p, unsigned state)
{
	struct ob_stats st;
	bool f2 = true;

	ob_series_stats(s, p, state, &st);
	if (!st.any)
		return;
	jkey(f, first, name);
	fputc('{', f);
	jnum(f, &f2, "start", st.start);
	jnum(f, &f2, "peak", st.peak);
	jnum(f, &f2, "end", st.end);
	jtime(f, &f2, "peak_at", st.t_peak);
	fputc('}', f);
}

void
ob_report_json(FILE *f, const struct ob_report_in *in)
{
	bool first = true, f2 = true;
	char name[OB_TCPEXT_NAME + 8];
	size_t i;

	fputc('{', f);
	jkey(f, &first, "command");
	fputc('[', f);
	for (i = 0; in->argv[i] != NULL; i++) {
		if (i > 0)
			fputc(',', f);
		esc_put_quoted(f, in->argv[i], ESC_QUOTE_JSON);
	}
	fputc(']', f);
	jstr(f, &first, "behaviour", in->behaviour);
	jstr(f, &first, "peer_address",
	    in->peer_addrs != NULL ? in->peer_addrs : "");
	jstr(f, &first, "exit", in->exit_desc);
	jtime(f, &first, "exit_at", in->t_exit);
	jkey(f, &first, "timed_out");
	fputs(in->timed_out ? "true" : "false", f);
	jtime(f, &first, "settle", in->settle_ns);
	jstr(f, &first, "note", in->note != NULL ? in->note : "");
	jkey(f, &first, "close_timings");
	fputs(in->conns->shim_loaded ? "true" : "false", f);
	jnum(f, &first, "capture_drops", (int64_t)in->capture_drops);
	jkey(f, &first, "connections");
	fputc('[', f);
	for (i = 0; i < in->conns->n; i++) {
		if (i > 0)
			fputc(',', f);
		json_conn(f, &in->conns->v[i]);
	}
	fputc(']', f);
	jkey(f, &first, "probes");
	fputc('{', f);
	json_probe(f, &f2, in->series, "processes", OB_P_PROCS, 0);
	json_probe(f, &f2, in->series, "threads", OB_P_THREADS, 0);
	json_probe(f, &f2, in->series, "fds", OB_P_FDS, 0);
	json_probe(f, &f2, in->series, "rss_kib", OB_P_RSS_KIB, 0);
	for (i = 1; i <= 11; i++) {
		snprintf(name, sizeof(name), "sockets_%s",
		    probe_tcp_state_name((unsigned)i));
		json_probe(f, &f2, in->series, name, OB_P_STATE, (unsigned)i);
	}
	for (i = 0; i < in->series->ntcpext; i++) {
		snprintf(name, sizeof(name), "tcpext_%s",
		    in->series->tcpext[i]);
		json_probe(f, &f2, in->series, name, OB_P_TCPEXT, (unsigned)i);
	}
	fputc('}', f);
	jkey(f, &first, "expectations");
	fputc('[', f);
	for (i = 0; i < in->nexpects; i++) {
		bool f3 = true;

		fprintf(f, "%s{", i > 0 ? "," : "");
		jstr(f, &f3, "expect", in->expects[i].text);
		jstr(f, &f3, "result",
		    in->verdicts[i].pass	  ? "pass"
			: in->verdicts[i].decided ? "fail"
						  : "error");
		jnum(f, &f3, "actual", in->verdicts[i].actual);
		jstr(f, &f3, "detail", in->verdicts[i].detail);
		fputc('}', f);
	}
	fputs("]}\n", f);
}
