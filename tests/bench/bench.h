/*
 * bench.h - lingerlab-bench: the harness's and the peer's speed and scale,
 * measured side by side in one run (docs/performance.md says what each
 * figure means and what limits it).
 *
 * The main program stays outside every namespace. Each measurement runs in a
 * forked child that builds a sandbox of its own (client/sandbox/sandbox.h), starts
 * lingerpeer in it, measures, and writes one line per sample to a pipe:
 *
 *	FIGURE-KEY VALUE
 *
 * The parent gathers the samples of every repetition and prints, per figure,
 * the median, p10, p90, min, max and n. A child that dies takes its sandbox
 * with it (PR_SET_PDEATHSIG and the sandbox's PID namespace).
 */
#ifndef LINGERLAB_BENCH_H
#define LINGERLAB_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sandbox.h"

/* Exit codes: 0 every figure measured, 1 a figure is missing, 2 usage, 77 no sandbox. */
#define BENCH_EXIT_OK	   0
#define BENCH_EXIT_MISSING 1
#define BENCH_EXIT_USAGE   2
#define BENCH_EXIT_SKIP	   77

/* Ports lingerpeer listens on in every bench sandbox. */
#define BENCH_PORT_NORMAL 7001
#define BENCH_PORT_HOLD_A 7000 /* swallow-fin: the held connections */
#define BENCH_PORT_HOLD_B 7002
#define BENCH_PORT_KERNEL 7100	      /* the kernel's own listener */
#define BENCH_KERNEL_ADDR "192.0.2.3" /* on llpeer0, for the kernel listener */

struct bench_cfg {
	bool quick;
	unsigned runs;		/* repetitions of each measurement */
	unsigned syn_probes;	/* SYNs per latency measurement */
	unsigned hold_conns;	/* connections held for the capacity figure */
	unsigned throughput_ms; /* how long the peer absorbs data */
	const char *lingerpeer; /* paths of the programs measured */
	const char *lingerlab;
	const char *scenario_dir; /* tests/bench, for its .scn files */
	const char *library_dir;  /* scenarios/, the whole library */
	const char *only;	  /* run only phases whose name has this */
	bool verbose;
	unsigned rep; /* in a child: which repetition, from 0 */
	int out_fd;   /* in a child: where samples go */
};

/* A child's sample: "key value\n" on cfg->out_fd. */
void bench_emit(const struct bench_cfg *cfg, const char *key, double value);

/* A child's progress note on stderr when verbose, and why it failed always. */
void bench_note(const struct bench_cfg *cfg, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* lingerpeer in a sandbox, for a measurement. */
struct bench_peer {
	pid_t pid;
	int out_fd;
	char control[120];
};

/*
 * Start lingerpeer in sb's peer side with extra args (NULL-terminated).
 * Returns 0, or -1 after printing why.
 */
int bench_peer_start(struct sandbox *sb, const struct bench_cfg *cfg,
    const char *const args[], struct bench_peer *out);
void bench_peer_stop(struct bench_peer *p);

/* A lingerpeer's resident memory (VmRSS) in bytes, or 0 if unreadable. */
uint64_t bench_rss_bytes(pid_t pid);

/*
 * Packets the kernel dropped because a CPU's input backlog was full, summed
 * over CPUs (/proc/net/softnet_stat). Veth delivers through that backlog,
 * and it is shared by every namespace on the machine.
 */
uint64_t bench_backlog_drops(void);

/* CPU time (user + system) pid has used, in ns (clock-tick resolution); 0 if unreadable. */
uint64_t bench_cpu_ns(pid_t pid);

/*
 * SYN to SYN-ACK latency seen on the client's link (llcli0): a connection to
 * addr:port, timed from the capture's kernel timestamps, then reset at once
 * (SO_LINGER {1, 0}). kernel_lfd, if >= 0, is a listener to drain (accept
 * and close) afterwards.
 */
struct bench_syn_probe;
struct bench_syn_probe *bench_syn_probe_open(char *err, size_t errlen);
void bench_syn_probe_close(struct bench_syn_probe *sp);
/* One connection; returns its latency in ns, or 0 if none was seen. */
uint64_t bench_syn_probe_one(struct bench_syn_probe *sp, const char *addr,
    uint16_t port, int kernel_lfd);

/* The phases (each runs in its own child, inside its own sandbox). */
int bench_reaction(const struct bench_cfg *cfg, struct sandbox *sb);
int bench_capacity(const struct bench_cfg *cfg, struct sandbox *sb);
int bench_throughput(const struct bench_cfg *cfg, struct sandbox *sb);
/* These run lingerlab, which builds its own sandboxes: no sandbox here. */
int bench_harness(const struct bench_cfg *cfg);
int bench_library(const struct bench_cfg *cfg);
int bench_fidelity(const struct bench_cfg *cfg);

/*
 * Run argv with its stdout into a malloc'd, NUL-terminated buffer. Returns
 * the exit status (0-255) or -1; *out is set either way (maybe NULL).
 */
int bench_run_capture(char *const argv[], char **out);

/* Statistics (bench_stats.c, pure). */
struct bench_summary {
	size_t n;
	double median, p10, p90, min, max;
};

/* Quantile q (0..1) of sorted v[0..n), linear between neighbours. */
double bench_quantile(const double *sorted, size_t n, double q);
/* Sort v in place and summarise it. */
void bench_summarise(double *v, size_t n, struct bench_summary *out);
/* Quantile q of n latencies in ns, as the nearest rank, in us (sorts ns; 0 if n is 0). */
double bench_latency_us(uint64_t *ns, size_t n, double q);

#endif
