/*
 * cmd_run.c - `lingerlab run PATH...`: read every scenario file (a
 * directory means the *.scn files under it), refuse to run anything if
 * one is wrong, run the cases (run.h), decide them (evaluate.h) and
 * report (report.h). With --agent, lab mode (docs/lab.md): the system
 * under test is the agent's, asked what it is before the first case.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd_lab.h"
#include "cmd_library.h"
#include "cmd_run.h"
#include "cmd_shard.h"
#include "control_client.h"
#include "control_token.h"
#include "evaluate.h"
#include "ip_address.h"
#include "live_term.h"
#include "peer_launch.h"
#include "run_plat.h"
#include "report.h"
#include "run.h"
#include "run_pictures.h"
#include "run_wire.h"
#include "scenario_parse.h"
#include "scn_files.h"
#include "scn_select.h"
#include "scn_shard.h"
#include "scenario_kinds.h"
#include "wire_peer.h"
#include "self_paths.h"
#include "units.h"
#include "verdict.h"
#include "cmd_run_int.h"

static int
add_case(struct cases *c, struct scenario *sc)
{
	struct scenario **v;

	if (c->n == c->cap || c->v == NULL) {
		c->cap = c->cap ? 2 * c->cap : 32;
		if ((v = realloc(c->v, c->cap * sizeof(struct scenario *))) ==
		    NULL)
			return -1;
		c->v = v;
	}
	c->v[c->n++] = sc;
	return 0;
}

/* Every case of one file into c. 0, or -1 after printing the errors. */
static int
load_file(const char *path, struct cases *c, struct scn_file **fout)
{
	struct scn_error errs[MAX_ERRS];
	struct scenario *fam[2];
	size_t len, nerrs = 0, k, n, j, nfam;
	char *text;
	int rc = 0;

	*fout = NULL;
	if (scn_read_file(path, &text, &len) < 0)
		return -1;
	if (scn_file_parse(path, text, len, fout, errs, MAX_ERRS, &nerrs) ==
	    -1) {
		scn_print_errors(errs, nerrs < MAX_ERRS ? nerrs : MAX_ERRS,
		    nerrs);
		free(text);
		return -1;
	}
	free(text);
	n = scn_file_ncases(*fout);
	for (k = 0; k < n; k++) {
		if (scn_file_case_families(*fout, k,
			c->families != 0 ? c->families : SCN_FAMS_IPV4,
			c->families != 0, fam, &nfam, errs, MAX_ERRS,
			&nerrs) == -1) {
			scn_print_errors(errs,
			    nerrs < MAX_ERRS ? nerrs : MAX_ERRS, nerrs);
			rc = -1;
		}
		for (j = 0; j < nfam; j++)
			if (add_case(c, fam[j]) == -1) {
				while (j < nfam)
					scenario_free(fam[j++]);
				return cmd_run_bad("", "%s: out of memory",
				    path);
			}
	}
	return rc;
}

static int
load(const struct scn_paths *p, struct cases *c, unsigned families)
{
	size_t i;
	int rc = 0;

	c->families = families;
	if ((c->files = calloc(p->n, sizeof(struct scn_file *))) == NULL)
		return cmd_run_bad("", "out of memory for %zu files", p->n);
	for (i = 0; i < p->n; i++, c->nfiles++)
		if (load_file(p->v[i], c, &c->files[i]) == -1)
			rc = -1;
	if (rc == -1)
		fprintf(stderr,
		    PROG ": nothing was run: fix the errors above "
			 "(lingerlab check FILE... finds them all)\n");
	return rc;
}

/*
 * --tags, --skip-tags: keep the chosen cases, in order. Choosing none is
 * an error (a misspelt tag would otherwise pass by running nothing).
 */
static int
select_cases(struct cases *c, const struct run_state *rs)
{
	size_t i, kept = 0;

	if (rs->tags == NULL && rs->skip_tags == NULL)
		return 0;
	for (i = 0; i < c->n; i++) {
		if (scn_tags_select(c->v[i]->tags, c->v[i]->ntags, rs->tags,
			rs->skip_tags))
			c->v[kept++] = c->v[i];
		else
			scenario_free(c->v[i]);
	}
	if (kept < c->n)
		fprintf(stderr,
		    PROG ": %zu of %zu cases left out by their "
			 "tags\n",
		    c->n - kept, c->n);
	c->n = kept;
	if (kept == 0)
		return cmd_run_bad("`lingerlab list` shows each file's tags",
		    "no case left to run after --tags/--skip-tags");
	return 0;
}

/* obs_fmt_case's writer for --raw. */
static int
put_line(const char *line, size_t len, void *arg)
{
	return fwrite(line, 1, len, arg) == len ? 0 : -1;
}

/* --raw: the records as the worker sent them (run_wire.h). */
static void
dump_raw(const struct case_obs *o)
{
	printf("# %s\n", o->sc->case_name);
	(void)obs_fmt_case(o, put_line, stdout);
}

static void
on_done(size_t index, struct case_obs *obs, void *arg)
{
	struct run_state *rs = arg;
	struct case_result cr;

	(void)index;
	if (obs->aborted && obs->abort_kind == OBS_ABORT_ENV)
		rs->env_failed = true;
	if (obs->aborted &&
	    (obs->abort_kind == OBS_ABORT_AGENT ||
		obs->abort_kind == OBS_ABORT_NO_AGENT))
		rs->agent_lost = true;
	if (rs->raw) {
		dump_raw(obs);
		rs->result.counts[VERDICT_ERROR] += obs->aborted;
	} else if (evaluate_case(obs->sc, obs, obs->os != 0 ? obs->os : rs->os,
		       &cr) == -1 ||
	    run_result_add(&rs->result, &cr) == -1) {
		fprintf(stderr, PROG ": %s: cannot evaluate: %s\n",
		    obs->sc->case_name, strerror(errno));
		rs->env_failed = true;
	} else
		pictures_case(&rs->pic, obs, &rs->result);
	case_obs_free(obs);
}

/*
 * --live: on stdout, before the report; on stderr when stdout carries a
 * report for machines (or --raw's records), so that stays parseable.
 */
static struct live_term *
start_live(struct run_opts *o, const struct run_state *rs)
{
	FILE *f = rs->fmt == REPORT_HUMAN && !rs->raw ? stdout : stderr;
	struct live_term *lt = live_term_new(f, isatty(fileno(f)));

	if (lt == NULL)
		fprintf(stderr, PROG ": out of memory for --live\n");
	else
		o->live = live_term_hooks(lt);
	return lt;
}

static int
run_all(struct cases *c, struct run_opts *o, struct run_state *rs)
{
	struct report_options ro = { .verbose = o->verbose };
	struct live_term *lt = NULL;
	struct case_obs *obs;
	char os[32], err[512];
	int rc;

	if (o->agent != NULL) {
		/* lab mode: the agent's system, whose expectations apply */
		if (cmd_lab_hello(o, &rs->os, os, sizeof(os)) == -1)
			return RUN_EXIT_ENV;
	} else
		rs->os = run_os(os, sizeof(os));
	run_result_init(&rs->result, os);
	/* never 0 bytes: calloc(0) may return NULL, which is no failure */
	if ((obs = calloc(c->n > 0 ? c->n : 1, sizeof(*obs))) == NULL) {
		fprintf(stderr, PROG ": out of memory for %zu cases\n", c->n);
		return RUN_EXIT_ENV;
	}
	if (rs->live && (lt = start_live(o, rs)) == NULL) {
		free(obs);
		return RUN_EXIT_ENV;
	}
	rc = run_cases((const struct scenario *const *)c->v, c->n, o, obs,
	    on_done, rs, err, sizeof(err));
	free(obs);
	if (lt != NULL) {
		live_term_free(lt);
		o->live = NULL;
		if (rs->fmt == REPORT_HUMAN && !rs->raw)
			putchar(
			    '\n'); /* between the live view and the report */
	}
	if (rc == -1)
		fprintf(stderr, PROG ": %s\n", err);
	fflush(stdout);
	ro.colour = rs->fmt == REPORT_HUMAN && isatty(STDOUT_FILENO) &&
	    !pictures_no_colour();
	pictures_hook(&rs->pic, &ro, &rs->result);
	if (!rs->raw && report_write(rs->fmt, &rs->result, &ro, stdout) == -1)
		fprintf(stderr, PROG ": writing the report: %s\n",
		    strerror(errno));
	if (!rs->raw && pictures_finish(&rs->pic, &rs->result) == -1)
		rs->env_failed = true; /* a picture asked for is missing */
	if (rc == 1) {		       /* after the report: the last word */
		fprintf(stderr, PROG ": %s\n", err);
		return RUN_EXIT_INTERRUPTED;
	}
	if (rs->agent_lost)
		return RUN_EXIT_AGENT_LOST;
	if (rs->env_failed)
		return RUN_EXIT_ENV;
	if (rs->raw)
		return rs->result.counts[VERDICT_ERROR] > 0 ? RUN_EXIT_FAIL
							    : RUN_EXIT_PASS;
	return run_result_failures(&rs->result) > 0 ? RUN_EXIT_FAIL
						    : RUN_EXIT_PASS;
}

static void
free_all(struct scn_paths *p, struct cases *c, struct run_state *rs)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		scenario_free(c->v[i]);
	for (i = 0; i < c->nfiles; i++)
		scn_file_free(c->files[i]);
	scn_paths_free(p);
	free(c->v);
	free(c->files);
	run_result_free(&rs->result);
	pictures_free(&rs->pic);
}

int
cmd_run(int argc, char **argv)
{
	struct run_opts o = { .jobs = 0, .agent_wait_ns = RUN_AGENT_WAIT_NS };
	struct run_state rs = { .fmt = REPORT_HUMAN,
		.pic.summary = PIC_SUMMARY_AUTO };
	struct scn_paths p = { NULL, 0, 0 };
	struct cases c = { NULL, 0, NULL, 0, 0, 0 };
	int rc = RUN_EXIT_USAGE;

	run_result_init(&rs.result, "");
	if (cmd_run_options(argc, argv, &o, &rs) == -1 ||
	    (rs.library ? library_collect(argc - optind, argv + optind, &p)
			: scn_paths_collect(argc - optind, argv + optind,
			      &p)) == -1 ||
	    load(&p, &c, rs.families) == -1 || select_cases(&c, &rs) == -1 ||
	    (rs.nshards > 0 &&
		cmd_shard_cases(c.v, &c.n, rs.shard, rs.nshards) == -1) ||
	    (!rs.raw && pictures_start(&rs.pic, rs.fmt) == -1))
		goto out;
	o.lingerpeer = self_path(SELF_PEER);
	if (o.peer_control == NULL && access(o.lingerpeer, X_OK) == -1) {
		fprintf(stderr,
		    PROG ": lingerpeer is not at %s: %s (build it, "
			 "or set LINGERPEER to its path)\n",
		    o.lingerpeer, strerror(errno));
		rc = RUN_EXIT_ENV;
		goto out;
	}
	run_result_free(&rs.result);
	rc = run_all(&c, &o, &rs);
out:
	free_all(&p, &c, &rs);
	return rc;
}
