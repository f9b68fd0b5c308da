/*
 * run_wire.h - a struct case_obs as a stream of text lines: how a worker
 * tells the parent what happened, record by record as it happens, so that
 * a worker killed at its timeout still leaves what it saw. Also the
 * allocation of a case_obs, which both sides need.
 *
 * One record per line, words separated by one space; strings are escaped
 * (a byte outside '!'..'~', or '%', is written %XX; the empty string is
 * "-", and the string "-" is %2D), numbers are decimal:
 *
 *   obs 3 OS OSNAME                       format version, enum scn_os bit
 *   sock I CONNECTED LADDR LPORT RADDR RPORT CONNID
 *                                         addresses as text, "192.0.2.1"
 *                                         or "2001:db8::1"; "-": not known
 *   call I RAN RET ERR ERRNAME TSTART TEND BYTES DETAIL CPUWAIT
 *   point I J REACHED TFROM T TDONE STATE PEERFOUND PEERVALUE
 *   seg T FROMCLIENT SPORT DPORT SEQ ACK FLAGS WINDOW LEN RETX ZWP
 *   capture CAPTURED DROPS NOTE
 *   pcap PATH
 *   abort KIND REASON                     enum obs_abort
 *   lab BOUND AGENT SYSTEM WIRE           lab mode only (struct obs_lab):
 *                                         the clock bound in ns, and where
 *                                         the case ran and was watched
 *   end DURATION                          the last record
 *
 * and, for repeat blocks and resource probes (run_wire_probe.c):
 *
 *   probes N NAME1 ... NAMEn              series names, %20 for a space
 *   sample T ITER KIND BLOCK V1 ... Vn     enum obs_sample_kind
 *   rep I J CHECKED PASSED FIRSTFAIL RET ERR ERRNAME TSTART TEND BYTES
 *
 * and one that is progress, not observation: "at I T0 T", step I started
 * at T, time 0 being T0 on the worker's monotonic clock (shared by every
 * process), so that the parent can say where a case it killed was.
 *
 * A later record of the same call, point or socket replaces the earlier
 * one. Booleans are 0 or 1. Pure code: formatting and parsing, no I/O.
 */
#ifndef LINGERLAB_RUN_WIRE_H
#define LINGERLAB_RUN_WIRE_H

#include <stdarg.h>
#include <stddef.h>

#include "observe.h"

/*
 * 2: probes, sample, rep (run_wire_probe.c). The lab record came later
 * within 2: a stream without one is as valid as before, and a worker and
 * the parent that reads it are always the same program.
 */
#define OBS_WIRE_VERSION 3
#define OBS_LINE_MAX	 2048 /* every record fits, newline included */

/*
 * Allocate calls and points for sc (every call not run, every point not
 * reached). Returns 0, or -1 with errno ENOMEM (obs is then empty and
 * safe to free).
 */
int case_obs_init(struct case_obs *obs, const struct scenario *sc);
void case_obs_free(struct case_obs *obs);

/* Append a segment. 0, or -1 with errno ENOMEM. */
int case_obs_add_segment(struct case_obs *obs, const struct obs_segment *seg);

/* Mark the case aborted, unless it already is: the first reason stands. */
void case_obs_abort(struct case_obs *obs, enum obs_abort kind, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));
void case_obs_vabort(struct case_obs *obs, enum obs_abort kind, const char *fmt,
    va_list ap) __attribute__((format(printf, 3, 0)));

/*
 * Format one record as a line ending in '\n' into buf (OBS_LINE_MAX is
 * always enough). Each returns the line's length.
 */
size_t obs_fmt_head(const struct case_obs *obs, char *buf, size_t len);
size_t obs_fmt_sock(const struct case_obs *obs, size_t i, char *buf,
    size_t len);
size_t obs_fmt_call(const struct case_obs *obs, size_t i, char *buf,
    size_t len);
size_t obs_fmt_point(const struct case_obs *obs, size_t i, size_t j, char *buf,
    size_t len);
size_t obs_fmt_seg(const struct obs_segment *seg, char *buf, size_t len);
size_t obs_fmt_capture(const struct case_obs *obs, char *buf, size_t len);
size_t obs_fmt_pcap(const struct case_obs *obs, char *buf, size_t len);
size_t obs_fmt_abort(const struct case_obs *obs, char *buf, size_t len);
size_t obs_fmt_lab(const struct case_obs *obs, char *buf, size_t len);
size_t obs_fmt_end(const struct case_obs *obs, char *buf, size_t len);
size_t obs_fmt_at(size_t step, uint64_t t0, uint64_t t, char *buf, size_t len);
size_t obs_fmt_probes(const struct case_obs *obs, char *buf, size_t len);
size_t obs_fmt_sample(const struct case_obs *obs, size_t k, char *buf,
    size_t len);
size_t obs_fmt_rep(const struct case_obs *obs, size_t i, size_t j, char *buf,
    size_t len);

/*
 * Every record of obs, in an order the reader accepts (head first, end
 * last, probes before their samples), each handed to put as one line with
 * its newline: what --raw prints, and what a test writes to read back.
 * Stops at the first put() that returns non-zero and returns that, else 0.
 */
typedef int (*obs_line_fn)(const char *line, size_t len, void *arg);
int obs_fmt_case(const struct case_obs *obs, obs_line_fn put, void *arg);

/* The same into buf, terminated: its length, or (size_t)-1 if it does
 * not fit in len bytes. */
size_t obs_fmt_case_text(const struct case_obs *obs, char *buf, size_t len);

/* Append a probe sample. 0, or -1 with errno ENOMEM. */
int obs_add_sample(struct case_obs *obs, const struct obs_sample *s);

/* A probes, sample or rep record: 0 applied, -1 wrong (err), 1 another kind. */
int obs_apply_probe(struct case_obs *obs, char *line, char *err, size_t errlen);

/*
 * If line (without its newline) is an "at" record, read it: 1, or -1 when
 * it is malformed. 0 when it is another record. line is not modified.
 */
int obs_parse_at(const char *line, size_t *step, uint64_t *t0, uint64_t *t);

/*
 * Apply one line (its newline removed; it is modified) to obs, which
 * case_obs_init() made for the same scenario. Returns 1 after the end
 * record, 0 after any other, -1 with what is wrong in err.
 */
int obs_apply(struct case_obs *obs, char *line, char *err, size_t errlen);

#endif
