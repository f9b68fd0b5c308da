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
 *   obs 1 OS OSNAME                       format version, enum scn_os bit
 *   sock I CONNECTED LADDR LPORT RADDR RPORT CONNID
 *   call I RAN RET ERR ERRNAME TSTART TEND BYTES DETAIL
 *   point I J REACHED TFROM T TDONE STATE PEERFOUND PEERVALUE
 *   seg T FROMCLIENT SPORT DPORT SEQ ACK FLAGS WINDOW LEN RETX ZWP
 *   capture CAPTURED DROPS NOTE
 *   pcap PATH
 *   abort KIND REASON                     enum obs_abort
 *   end DURATION                          the last record
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

#define OBS_WIRE_VERSION 1
#define OBS_LINE_MAX 2048	/* every record fits, newline included */

/*
 * Allocate calls and points for sc (every call not run, every point not
 * reached). Returns 0, or -1 with errno ENOMEM (obs is then empty and
 * safe to free).
 */
int	case_obs_init(struct case_obs *obs, const struct scenario *sc);
void	case_obs_free(struct case_obs *obs);

/* Append a segment. 0, or -1 with errno ENOMEM. */
int	case_obs_add_segment(struct case_obs *obs,
	    const struct obs_segment *seg);

/* Mark the case aborted, unless it already is: the first reason stands. */
void	case_obs_abort(struct case_obs *obs, enum obs_abort kind,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void	case_obs_vabort(struct case_obs *obs, enum obs_abort kind,
	    const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));

/*
 * Format one record as a line ending in '\n' into buf (OBS_LINE_MAX is
 * always enough). Each returns the line's length.
 */
size_t	obs_fmt_head(const struct case_obs *obs, char *buf, size_t len);
size_t	obs_fmt_sock(const struct case_obs *obs, size_t i, char *buf,
	    size_t len);
size_t	obs_fmt_call(const struct case_obs *obs, size_t i, char *buf,
	    size_t len);
size_t	obs_fmt_point(const struct case_obs *obs, size_t i, size_t j,
	    char *buf, size_t len);
size_t	obs_fmt_seg(const struct obs_segment *seg, char *buf, size_t len);
size_t	obs_fmt_capture(const struct case_obs *obs, char *buf, size_t len);
size_t	obs_fmt_pcap(const struct case_obs *obs, char *buf, size_t len);
size_t	obs_fmt_abort(const struct case_obs *obs, char *buf, size_t len);
size_t	obs_fmt_end(const struct case_obs *obs, char *buf, size_t len);
size_t	obs_fmt_at(size_t step, uint64_t t0, uint64_t t, char *buf,
	    size_t len);

/*
 * If line (without its newline) is an "at" record, read it: 1, or -1 when
 * it is malformed. 0 when it is another record. line is not modified.
 */
int	obs_parse_at(const char *line, size_t *step, uint64_t *t0,
	    uint64_t *t);

/*
 * Apply one line (its newline removed; it is modified) to obs, which
 * case_obs_init() made for the same scenario. Returns 1 after the end
 * record, 0 after any other, -1 with what is wrong in err.
 */
int	obs_apply(struct case_obs *obs, char *line, char *err, size_t errlen);

#endif
