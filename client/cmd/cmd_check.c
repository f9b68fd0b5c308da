/*
 * cmd_check.c - "lingerlab check PATH..." and "lingerlab list PATH...".
 *
 * Files are found and read by scn_files.c; everything else is
 * scn_check_text() and friends, which are pure.
 */
#include "cmd_check.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_library.h"
#include "exit_codes.h"
#include "scenario_parse.h"
#include "scn_describe.h"
#include "scn_files.h"
#include "scn_keywords.h"

#define MAX_ERRORS     100 /* per file; the total is still counted */
#define LIST_MAX_DESCS 16  /* distinct descriptions listed per file */

/*
 * argv[0] is the command; "--" ends options, and there are none but help
 * and --library (the PATHs inside the installed scenario library).
 */
static int
paths(int argc, char **argv, const char *usage, struct scn_paths *pl)
{
	int first = 1;
	bool library = false;

	if (argc > 1 &&
	    (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		printf("%s", usage);
		return 1;
	}
	if (argc > 1 && strcmp(argv[1], "--library") == 0) {
		library = true;
		first = 2;
	}
	if (argc > first && strcmp(argv[first], "--") == 0)
		first++;
	else if (argc > first && argv[first][0] == '-' &&
	    argv[first][1] != '\0') {
		fprintf(stderr, "lingerlab: unknown option %s\n%s", argv[first],
		    usage);
		return -1;
	}
	if (library)
		return library_collect(argc - first, argv + first, pl);
	if (argc <= first) {
		fprintf(stderr, "%s", usage);
		return -1;
	}
	return scn_paths_collect(argc - first, argv + first, pl);
}

/*
 * The files argv names, each read and handed to fn (0 fine, -1 bad);
 * *nfiles how many, *nbad how many could not be read or were bad.
 * Returns 0 when every file was fine, 1 after --help, else RUN_EXIT_USAGE.
 */
typedef int (
    *file_fn)(const char *path, const char *text, size_t len, void *arg);

static int
each_file(int argc, char **argv, const char *usage, file_fn fn, void *arg,
    size_t *nfiles, size_t *nbad)
{
	struct scn_paths pl = { NULL, 0, 0 };
	size_t i, len, bad = 0;
	char *text;
	int r;

	*nfiles = *nbad = 0;
	if ((r = paths(argc, argv, usage, &pl)) != 0) {
		scn_paths_free(&pl);
		return r > 0 ? 1 : RUN_EXIT_USAGE;
	}
	for (i = 0; i < pl.n; i++) {
		if (scn_read_file(pl.v[i], &text, &len) < 0) {
			bad++;
			continue;
		}
		if (fn(pl.v[i], text, len, arg) < 0)
			bad++;
		free(text);
	}
	*nfiles = pl.n;
	*nbad = bad;
	scn_paths_free(&pl);
	return bad == 0 ? 0 : RUN_EXIT_USAGE;
}

struct check_counts {
	size_t cases, errors;
};

static int
check_one(const char *path, const char *text, size_t len, void *arg)
{
	struct check_counts *cc = arg;
	struct scn_error errs[MAX_ERRORS];
	size_t nerrs, ncases;
	int rc = 0;

	if (scn_check_text(path, text, len, errs, MAX_ERRORS, &nerrs, &ncases) <
	    0) {
		scn_print_errors(errs, nerrs < MAX_ERRORS ? nerrs : MAX_ERRORS,
		    nerrs);
		cc->errors += nerrs;
		rc = -1;
	}
	cc->cases += ncases;
	return rc;
}

static void
print_keyword(enum scn_keyword_class c, const char *word, void *arg)
{
	(void)arg;
	printf("%s %s\n", scn_keyword_class_name(c), word);
}

int
cmd_check(int argc, char **argv)
{
	static const char usage[] =
	    "usage: lingerlab check PATH... | --library [PATH...]\n"
	    "  Read every case of each scenario file (folders: every *.scn in them)\n"
	    "  and report every error. Runs nothing. --library: the PATHs are in the\n"
	    "  scenario library installed with lingerlab (all of it without any).\n";
	struct check_counts cc = { 0, 0 };
	size_t n, bad;
	int rc;

	/* Not in the usage: for the editor and completion checks
	 * (tests/editors/), one "CLASS WORD" a line. */
	if (argc == 2 && strcmp(argv[1], "--keywords") == 0) {
		scn_keywords(print_keyword, NULL);
		return fflush(stdout) == 0 && !ferror(stdout) ? 0
							      : RUN_EXIT_USAGE;
	}
	if ((rc = each_file(argc, argv, usage, check_one, &cc, &n, &bad)) == 1)
		return 0;
	if (rc == 0)
		printf("%zu file%s, %zu case%s: ok\n", n, n == 1 ? "" : "s",
		    cc.cases, cc.cases == 1 ? "" : "s");
	else if (n > 0)
		fprintf(stderr,
		    "%zu file%s, %zu case%s: %zu error%s in %zu file%s\n", n,
		    n == 1 ? "" : "s", cc.cases, cc.cases == 1 ? "" : "s",
		    cc.errors, cc.errors == 1 ? "" : "s", bad,
		    bad == 1 ? "" : "s");
	return rc;
}

/*
 * A description that uses ${param}: one line per distinct expansion, each
 * after the values it depends on, so no ${...} is shown to the reader.
 */
static void
list_descriptions(const struct scn_file *f)
{
	char seen[LIST_MAX_DESCS][256], label[LIST_MAX_DESCS][128];
	char d[256], l[128];
	size_t i, j, k, nseen = 0, more = 0, width = 0;

	for (i = 0; i < scn_file_ncases(f); i++) {
		scn_describe_case(f, i, d, sizeof(d), l, sizeof(l));
		for (j = 0; j < nseen && strcmp(seen[j], d) != 0; j++)
			;
		if (j < nseen)
			continue;
		if (nseen == LIST_MAX_DESCS) {
			more++;
			continue;
		}
		memcpy(seen[nseen], d, sizeof(d));
		memcpy(label[nseen], l, sizeof(l));
		if (strlen(l) + 2 > width)
			width = strlen(l) + 2;
		nseen++;
	}
	for (k = 0; k < nseen; k++)
		printf("  [%s]%*s %s\n", label[k],
		    (int)(width - strlen(label[k]) - 2), "", seen[k]);
	if (more > 0)
		printf("  (and %zu more descriptions)\n", more);
}

static void
list_one(const struct scn_file *f)
{
	size_t i, j, n = scn_file_ncases(f);

	printf("%s\n", scn_file_path(f));
	if (scn_describe_varies(f))
		list_descriptions(f);
	else
		printf("  %s\n", scn_file_description(f));
	printf("  tags:");
	for (i = 0; i < scn_file_ntags(f); i++)
		printf(" %s", scn_file_tag(f, i));
	printf("%s\n  %zu case%s", scn_file_ntags(f) == 0 ? " -" : "", n,
	    n == 1 ? "" : "s");
	for (i = 0; i < scn_file_nparams(f); i++) {
		const struct scn_param *p = scn_file_param(f, i);

		printf("%s%s =", i == 0 ? ": " : "; ", p->name);
		for (j = 0; j < p->nvalues; j++)
			printf("%s%s", j == 0 ? " " : " | ", p->values[j]);
	}
	printf("\n");
}

static int
list_file(const char *path, const char *text, size_t len, void *arg)
{
	struct scn_error errs[MAX_ERRORS];
	struct scn_file *f;
	size_t nerrs;

	(void)arg;
	if (scn_file_parse(path, text, len, &f, errs, MAX_ERRORS, &nerrs) < 0) {
		scn_print_errors(errs, nerrs < MAX_ERRORS ? nerrs : MAX_ERRORS,
		    nerrs);
		return -1;
	}
	list_one(f);
	scn_file_free(f);
	return 0;
}

int
cmd_list(int argc, char **argv)
{
	static const char usage[] =
	    "usage: lingerlab list PATH... | --library [PATH...]\n"
	    "  Show each scenario file's description, tags and cases. --library: the\n"
	    "  PATHs are in the scenario library installed with lingerlab.\n";
	size_t n, bad;
	int rc = each_file(argc, argv, usage, list_file, NULL, &n, &bad);

	return rc == 1 ? 0 : rc;
}
