/*
 * itest_run.h - run a program as a user would (lingerlab, mostly) with its
 * stdout and stderr collected, under a deadline: killed if it hangs, its
 * exit status and how long it ran kept. The integration tests share it.
 *
 * Whole runs:	itest_run(argv, &p, timeout_ms); ... itest_proc_free(&p);
 * Step by step:	itest_proc_start(); itest_proc_read_until(p, "a line", ms);
 *		strike; itest_proc_finish(); itest_proc_free().
 * A test that needs each stdout line stamped as it arrives gives an
 * on_line callback (itest_proc_opts).
 *
 * The failing checks are cmocka's: include after <cmocka.h>.
 */
#ifndef LINGERLAB_ITEST_RUN_H
#define LINGERLAB_ITEST_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Past this much of one stream the rest is read and dropped. */
#define ITEST_OUT_MAX (64u << 20)

struct itest_proc;

/* Called for each complete stdout line (no newline, not terminated:
 * len bytes) when it is read; ms since the program started. */
typedef void itest_line_fn(struct itest_proc *p, const char *line, size_t len,
    int64_t ms, void *arg);

struct itest_proc_opts {
	const char *stdin_path; /* NULL: this process's stdin */
	bool own_group; /* a process group of its own, as a shell's job */
	itest_line_fn *on_line; /* NULL: none */
	void *arg;		/* for on_line */
};

struct itest_proc {
	pid_t pid;	 /* with own_group, also its process group */
	int ofd, efd;	 /* -1 at EOF */
	char *out, *err; /* all it wrote so far, '\0'-terminated */
	size_t olen, elen;
	int status; /* exit status; -1 if it did not exit */
	long ms;    /* how long it ran (set by itest_proc_finish) */
	int64_t t0; /* monotime_ms() when it started */
	struct itest_proc_opts opts;
	size_t line_off; /* where the next line for on_line starts */
	size_t ocap, ecap;
};

/* Start argv (argv[0] a path) with stdout and stderr into pipes;
 * opts may be NULL. */
void itest_proc_start(struct itest_proc *p, char *const argv[],
    const struct itest_proc_opts *opts);
/*
 * Read what comes until text is in stdout or stderr (true), or both reach
 * EOF or timeout_ms passes (false). text NULL: read to EOF on both (true)
 * or the timeout (false).
 */
bool itest_proc_read_until(struct itest_proc *p, const char *text,
    int64_t timeout_ms);
/* Kill it (its group with own_group); SIGKILL is for a hung program. */
void itest_proc_kill(const struct itest_proc *p, int sig);
/*
 * Read to the end and reap it; if output has not ended within timeout_ms
 * it is killed with SIGKILL (status -1: the test's checks say so).
 */
void itest_proc_finish(struct itest_proc *p, int64_t timeout_ms);
void itest_proc_free(struct itest_proc *p);
/* start (no opts) and finish. */
void itest_run(char *const argv[], struct itest_proc *p, int64_t timeout_ms);

/*
 * Reap every child until none is left (true) or timeout_s passes (false).
 * In a child subreaper this finds whatever a program left running.
 */
bool itest_reap_all(int timeout_s);
/* Become that child subreaper, for itest_reap_all: 0, or -1 said on stderr. */
int itest_become_subreaper(void);

/*
 * A group's directory for a test's files: made from tmpl (a mkdtemp(3)
 * template the caller keeps), and removed with all in it. 0 or -1, as
 * cmocka's group setup and teardown want.
 */
int itest_tmpdir_make(char *tmpl);
int itest_tmpdir_remove(const char *dir);

/* lingerlab's exit status 3 (no sandbox can be built here): cmocka skip,
 * saying why. */
void itest_proc_skip_if_unavailable(const struct itest_proc *p);
/* Fail unless it exited with want, showing all it wrote. */
void itest_proc_expect_status(const struct itest_proc *p, int want);
/* Fail unless what is in its stdout or stderr. */
void itest_proc_expect_text(const struct itest_proc *p, const char *what);

#endif
