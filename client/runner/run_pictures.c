/*
 * run_pictures.c - the pictures of a run, written where they were asked
 * for (run_pictures.h).
 */
#include "run_pictures.h"
#include "series.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PROG "lingerlab run"

bool
pictures_no_colour(void)
{
	const char *v = getenv("NO_COLOR");

	return v != NULL && v[0] != '\0';
}

/* mkdir -p: each missing directory on the way, then DIR itself. */
static int
make_dirs(const char *dir)
{
	char path[4096];
	struct stat st;
	size_t i, n = strlen(dir);

	if (n == 0 || n >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(path, dir, n + 1);
	for (i = 1; i <= n; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0777) == -1 && errno != EEXIST)
			return -1;
		path[i] = i < n ? '/' : '\0';
	}
	if (stat(dir, &st) == -1)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return access(dir, W_OK);
}

int
pictures_start(struct pictures *p, enum report_format fmt)
{
	p->human = fmt == REPORT_HUMAN;
	p->colour_out = isatty(STDOUT_FILENO) && !pictures_no_colour();
	p->colour_err = isatty(STDERR_FILENO) && !pictures_no_colour();
	if (p->svg_dir != NULL && make_dirs(p->svg_dir) == -1) {
		fprintf(stderr,
		    PROG ": --svg-dir '%s': cannot create or write it: %s; "
			 "name a directory you can write\n",
		    p->svg_dir, strerror(errno));
		return -1;
	}
	if (p->html_path != NULL &&
	    (p->html = fopen(p->html_path, "w")) == NULL) {
		fprintf(stderr,
		    PROG ": --html '%s': cannot write it: %s; name a file in "
			 "a directory that exists\n",
		    p->html_path, strerror(errno));
		return -1;
	}
	return 0;
}

/* A character for a file name: letters, digits, '.', '_' and '-' only. */
static char
safe(char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')
		return c;
	return '-';
}

/*
 * "examples-nonblocking-linger-swallow-fin_mode-blocking": the file's
 * directory and name without .scn, then the case's parameters.
 */
static void
svg_name(const struct scenario *sc, char *buf, size_t len)
{
	const char *file = sc->file != NULL ? sc->file : "case", *base,
		   *dir = "";
	const char *params = strchr(sc->case_name, '[');
	size_t n = 0, dlen = 0, blen, i;

	base = strrchr(file, '/');
	if (base != NULL) {
		for (dir = base; dir > file && dir[-1] != '/'; dir--)
			;
		dlen = (size_t)(base - dir);
		base++;
	} else
		base = file;
	blen = strlen(base);
	if (blen > 4 && strcmp(base + blen - 4, ".scn") == 0)
		blen -= 4;
	for (i = 0; i < dlen && n + 1 < len; i++)
		buf[n++] = safe(dir[i]);
	if (dlen > 0 && n + 1 < len)
		buf[n++] = '-';
	for (i = 0; i < blen && n + 1 < len; i++)
		buf[n++] = safe(base[i]);
	for (i = 0; params != NULL && params[i] != '\0' && params[i] != ']' &&
	     n + 1 < len;
	     i++)
		buf[n++] = (char)(params[i] == '[' || params[i] == ',' ? '_'
			: params[i] == '='			       ? '-'
					   : safe(params[i]));
	buf[n] = '\0';
	if (n == 0 || buf[0] == '.')
		buf[0] = '_'; /* never a hidden file, never "." or ".." */
}

/* name, or name-2, name-3 ... when another case had it. */
static int
unique(struct pictures *p, char *name, size_t len)
{
	char base[200], **v;
	size_t i;
	int k = 1;

	snprintf(base, sizeof(base), "%s", name);
	for (i = 0; i < p->nnames; i++) {
		if (strcmp(p->names[i], name) == 0) {
			snprintf(name, len, "%.180s-%d", base, ++k);
			i = (size_t)-1; /* look again from the start */
		}
	}
	if ((v = realloc(p->names, (p->nnames + 1) * sizeof(*v))) == NULL)
		return -1;
	p->names = v;
	if ((p->names[p->nnames] = strdup(name)) == NULL)
		return -1;
	p->nnames++;
	return 0;
}

/* DIR/NAME.svg: the ladder; probes: NAME-probes.svg, the case's probe plots
 * on a sheet of their own (a ladder is tall and the plots wide, so each
 * fits a slide better alone). */
static void
write_file(struct pictures *p, const char *name, const struct case_obs *obs,
    const struct diagram *dg, bool probes)
{
	char path[4096 + 256];
	FILE *fp;
	int rc;

	snprintf(path, sizeof(path), "%s/%s%s.svg", p->svg_dir, name,
	    probes ? "-probes" : "");
	if ((fp = fopen(path, "w")) == NULL) {
		p->failed = true;
		fprintf(stderr, PROG ": cannot write %s: %s\n", path,
		    strerror(errno));
		return;
	}
	rc = probes ? series_svg_sheet(fp, &obs->probes, dg->title, dg->bounds,
			  dg->nbounds)
		    : dg_svg(dg, true, NULL, fp);
	if (fclose(fp) == EOF || rc == -1) {
		p->failed = true;
		fprintf(stderr, PROG ": writing %s: %s\n", path,
		    strerror(errno));
	}
}

static void
write_svg(struct pictures *p, const struct case_obs *obs,
    const struct diagram *dg)
{
	char name[200];

	svg_name(obs->sc, name, sizeof(name));
	if (unique(p, name, sizeof(name)) == -1) {
		p->failed = true;
		fprintf(stderr, PROG ": %s: no SVG: out of memory\n",
		    dg->title);
		return;
	}
	write_file(p, name, obs, dg, false);
	if (series_nshown(&obs->probes) > 0)
		write_file(p, name, obs, dg, true);
}

static int
grow(struct pictures *p)
{
	struct diagram **d;
	struct dg_checks *c;
	size_t cap = p->cap ? 2 * p->cap : 16;

	if ((d = realloc(p->dgs, cap * sizeof(struct diagram *))) == NULL)
		return -1;
	p->dgs = d;
	if ((c = realloc(p->checks, cap * sizeof(*c))) == NULL)
		return -1;
	p->checks = c;
	p->cap = cap;
	return 0;
}

void
pictures_case(struct pictures *p, const struct case_obs *obs,
    const struct run_result *run)
{
	const struct case_result *cr;
	struct diagram *dg = NULL;

	if (run->ncases == 0 || (p->n == p->cap && grow(p) == -1)) {
		p->failed = true;
		fprintf(stderr, PROG ": out of memory for the pictures\n");
		return;
	}
	/* cases whose evaluation failed are not in run: keep in step with it */
	while (p->n + 1 < run->ncases) {
		p->dgs[p->n] = NULL;
		memset(&p->checks[p->n++], 0, sizeof(p->checks[0]));
		if (p->n == p->cap && grow(p) == -1)
			return;
	}
	cr = &run->cases[run->ncases - 1];
	dg_checks_count(obs->sc, cr, &p->checks[p->n]);
	if (p->diagram || p->svg_dir != NULL || p->html != NULL) {
		if ((dg = dg_build(obs, cr, NULL)) == NULL) {
			p->failed = true;
			fprintf(stderr, PROG ": %s: no diagram: %s\n", cr->name,
			    strerror(errno));
		}
	}
	p->dgs[p->n++] = dg;
	if (dg != NULL && p->svg_dir != NULL)
		write_svg(p, obs, dg);
	if (dg != NULL && p->diagram && !p->human) {
		dg_text(dg, p->colour_err, stderr);
		fputc('\n', stderr);
	}
}

static void
after_case(size_t index, FILE *fp, void *arg)
{
	struct pictures *p = arg;

	if (!p->diagram || index >= p->n || p->dgs[index] == NULL)
		return;
	dg_text(p->dgs[index], p->colour_out, fp);
	fputc('\n', fp);
}

static bool
want_summary(const struct pictures *p, const struct run_result *run)
{
	if (p->n != run->ncases)
		return false; /* out of memory on the way: said then */
	if (p->summary == PIC_SUMMARY_AUTO)
		return p->human && run->ncases > 1;
	return p->summary == PIC_SUMMARY_ON;
}

static void
before_totals(FILE *fp, void *arg)
{
	struct pictures *p = arg;

	if (p->run == NULL || !want_summary(p, p->run))
		return;
	dg_summary_text(p->run, p->checks, p->colour_out, fp);
	fputc('\n', fp);
}

void
pictures_hook(struct pictures *p, struct report_options *ro,
    const struct run_result *run)
{
	p->run = run;
	ro->after_case = after_case;
	ro->before_totals = before_totals;
	ro->hook_arg = p;
}

int
pictures_finish(struct pictures *p, const struct run_result *run)
{
	FILE *fp = p->html;

	if (!p->human && want_summary(p, run))
		dg_summary_text(run, p->checks, p->colour_err, stderr);
	if (fp != NULL) {
		p->html = NULL;
		if (p->n != run->ncases ||
		    dg_html(run, p->checks, p->dgs, fp) == -1) {
			fprintf(stderr, PROG ": writing %s: %s\n", p->html_path,
			    p->n != run->ncases ? "cases are missing"
						: strerror(errno));
			p->failed = true;
		}
		if (fclose(fp) == EOF && !p->failed) {
			fprintf(stderr, PROG ": writing %s: %s\n", p->html_path,
			    strerror(errno));
			p->failed = true;
		}
	}
	return p->failed ? -1 : 0;
}

void
pictures_free(struct pictures *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		dg_free(p->dgs[i]);
	for (i = 0; i < p->nnames; i++)
		free(p->names[i]);
	if (p->html != NULL)
		fclose(p->html);
	free(p->dgs);
	free(p->checks);
	free(p->names);
	p->dgs = NULL;
	p->names = NULL;
	p->html = NULL;
	p->n = p->cap = p->nnames = 0;
}
