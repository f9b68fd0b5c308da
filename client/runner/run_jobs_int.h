/*
 * run_jobs_int.h - what the parent's two halves share: run_jobs.c (the
 * schedule: which case starts when, results in input order) and
 * run_workers.c (one worker process: fork, go, records, deadline, reap).
 *
 * A worker's life, as the parent sees it:
 *
 *   PREPARED   forked with its case; builds the sandbox, starts lingerpeer
 *              and the capture, then waits for "go" on a pipe. Its records
 *              wait in its pipe: nothing of it is read or shown yet.
 *   RUNNING    go sent: the case's time starts, its records are read.
 *   DRAINING   its end record came: the case is done and reported, while
 *              the worker closes its sockets, lingerpeer and the sandbox
 *              (the kernel's RCU waits) off the critical path.
 *
 * So a case's set-up overlaps the cases before it and its teardown the
 * cases after it; every case still has a sandbox of its own.
 */
#ifndef LINGERLAB_RUN_JOBS_INT_H
#define LINGERLAB_RUN_JOBS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "run.h"
#include "run_wire.h"

enum worker_state {
	WORKER_FREE = 0,
	WORKER_PREPARED,
	WORKER_RUNNING,
	WORKER_DRAINING,
};

struct worker {
	enum worker_state state;
	pid_t pid;
	int fd;		   /* read end of its records; -1 after EOF */
	int go_fd;	   /* write end of its go pipe; -1 once sent */
	size_t index;	   /* which case */
	uint64_t deadline; /* monotonic ns: the case's limit, or the drain's */
	bool killed;	   /* past its deadline */
	bool interrupted;  /* killed because the run was stopped */
	bool ended;	   /* its end record came */
	bool at_known;	   /* an "at" record came: where it got to */
	bool lab;	   /* lab mode: the deadline starts at time 0 */
	uint64_t timeout;  /* the case's time limit */
	uint64_t lab_wait_ns; /* lab mode: the agent's grace, beyond it */
	size_t at_step;
	uint64_t t0; /* its time 0, monotonic ns */
	uint64_t at_t;
	char bad[256]; /* a record we could not read, if any */
	char buf[2 * OBS_LINE_MAX];
	size_t have;
};

/* Every worker slot the parent has, and what it may do. */
struct worker_pool {
	struct worker *w;
	size_t nslots;
	const struct run_opts *opts;
	int stop_signal; /* copied from the signal flag before each use */
};

/* How long a draining worker may take to leave before it is killed. */
#define WORKER_DRAIN_LIMIT_NS (20 * NS_PER_S)

/*
 * Fork a worker for case index into the free slot k. With prepare, it
 * builds everything and waits for worker_go(); without, it runs at once
 * (and is RUNNING). 0, or -1 with err.
 */
int worker_start(struct worker_pool *pool, size_t k, size_t index,
    const struct scenario *sc, bool prepare, char *err, size_t errlen);

/* Let a prepared worker run its steps: the case's time starts now. */
void worker_go(struct worker *w);

/*
 * Read what a running worker wrote into obs (at EOF its fd is closed and
 * set to -1). A draining worker's bytes are dropped, and at its EOF it is
 * reaped and its slot is free.
 */
void worker_read(struct worker *w, struct case_obs *obs,
    const struct run_live *live);

/*
 * A running worker is done with its case: its end record came (it goes on
 * DRAINING, its stream still watched for its EOF) or its stream ended (it
 * is reaped, and what its record lacks is said in obs).
 */
void worker_finish(struct worker_pool *pool, struct worker *w,
    struct case_obs *obs);

/* Kill what is past its deadline; ms until the next one, -1 if none. */
int worker_deadlines(struct worker_pool *pool);

/* The run was asked to stop: kill the running workers (reported as
 * interrupted) and the prepared ones (never started: not reported). */
void worker_stop_all(struct worker_pool *pool);

/* How many slots are in state s. */
size_t worker_count(const struct worker_pool *pool, enum worker_state s);

/* The slot of case index in state s, or NULL. */
struct worker *worker_of(struct worker_pool *pool, size_t index,
    enum worker_state s);

#endif
