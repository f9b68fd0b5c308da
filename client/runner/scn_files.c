/*
 * scn_files.c - see scn_files.h. Folders are searched recursively, skipping
 * hidden entries and symbolic links to folders (a link loop would never
 * end), and what is found in a folder is sorted, so the output is the same
 * on every machine.
 */
#include "scn_files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scenario_parse.h"

#define MAX_DEPTH 64

/* dir's length without trailing slashes (but "/" stays "/"). */
static size_t
dir_len(const char *dir)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	return n;
}

static int
pl_add(struct scn_paths *pl, const char *path)
{
	char **nv;

	if (pl->n == pl->cap) {
		size_t ncap = pl->cap == 0 ? 16 : pl->cap * 2;

		if ((nv = realloc(pl->v, ncap * sizeof(*nv))) == NULL)
			return -1;
		pl->v = nv;
		pl->cap = ncap;
	}
	if ((pl->v[pl->n] = strdup(path)) == NULL)
		return -1;
	pl->n++;
	return 0;
}

void
scn_paths_free(struct scn_paths *pl)
{
	size_t i;

	for (i = 0; i < pl->n; i++)
		free(pl->v[i]);
	free(pl->v);
}

static int
cmp_path(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool
is_scn(const char *name)
{
	size_t n = strlen(name);

	return n > 4 && strcmp(name + n - 4, ".scn") == 0;
}

static int
collect_dir(const char *dir, struct scn_paths *pl, unsigned depth)
{
	struct dirent *de;
	struct stat st;
	char *path;
	DIR *d;
	int r = 0;

	if (depth > MAX_DEPTH) {
		fprintf(stderr, "lingerlab: %s: folders nested too deep\n",
		    dir);
		return -1;
	}
	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "lingerlab: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while (r == 0 && (errno = 0, de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		/* "dir/" as typed must not become "dir//file" in every report */
		if (asprintf(&path, "%.*s/%s", (int)dir_len(dir), dir,
			de->d_name) < 0) {
			r = -1;
			break;
		}
		if (lstat(path, &st) < 0) {
			fprintf(stderr, "lingerlab: %s: %s\n", path,
			    strerror(errno));
			r = -1;
		} else if (S_ISDIR(st.st_mode)) {
			r = collect_dir(path, pl, depth + 1);
		} else if (is_scn(de->d_name) && stat(path, &st) == 0 &&
		    S_ISREG(st.st_mode)) {
			r = pl_add(pl, path);
		}
		free(path);
	}
	if (r == 0 && errno != 0) {
		fprintf(stderr, "lingerlab: %s: %s\n", dir, strerror(errno));
		r = -1;
	}
	closedir(d);
	return r;
}

/* Files as given; folders searched, their findings sorted. */
int
scn_paths_collect(int argc, char *const argv[], struct scn_paths *pl)
{
	struct stat st;
	size_t start;
	int i;

	for (i = 0; i < argc; i++) {
		if (stat(argv[i], &st) < 0) {
			fprintf(stderr, "lingerlab: %s: %s\n", argv[i],
			    strerror(errno));
			return -1;
		}
		if (!S_ISDIR(st.st_mode)) {
			if (pl_add(pl, argv[i]) < 0)
				return -1;
			continue;
		}
		start = pl->n;
		if (collect_dir(argv[i], pl, 0) < 0)
			return -1;
		if (pl->n == start) {
			fprintf(stderr,
			    "lingerlab: %s: no .scn files in this folder\n",
			    argv[i]);
			return -1;
		}
		qsort(pl->v + start, pl->n - start, sizeof(*pl->v), cmp_path);
	}
	return 0;
}

int
scn_read_file(const char *path, char **text, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap), *nb;
	ssize_t got = 0;
	int fd;

	if (buf == NULL || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		fprintf(stderr, "lingerlab: %s: %s\n", path,
		    strerror(buf ? errno : ENOMEM));
		free(buf);
		return -1;
	}
	for (;;) {
		if (n >= SCN_FILE_MAX_BYTES) {
			fprintf(stderr,
			    "lingerlab: %s: over %d bytes: a scenario file is text, "
			    "not data\n",
			    path, SCN_FILE_MAX_BYTES);
			close(fd);
			free(buf);
			return -1;
		}
		if (n + 1 >= cap) {
			if ((nb = realloc(buf, cap * 2)) == NULL) {
				errno = ENOMEM;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		if ((got = read(fd, buf + n, cap - n)) < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		n += (size_t)got;
	}
	if (got != 0) {
		fprintf(stderr, "lingerlab: %s: %s\n", path, strerror(errno));
		close(fd);
		free(buf);
		return -1;
	}
	close(fd);
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}

void
scn_print_errors(const struct scn_error *errs, size_t n, size_t total)
{
	size_t i, need;
	char *buf;

	for (i = 0; i < n; i++) {
		need = scn_error_format(&errs[i], NULL, 0);
		if ((buf = malloc(need + 1)) == NULL) {
			fprintf(stderr, "%s:%u:%u: error: %s\n",
			    errs[i].pos.file, errs[i].pos.line, errs[i].pos.col,
			    errs[i].msg);
			continue;
		}
		scn_error_format(&errs[i], buf, need + 1);
		fputs(buf, stderr);
		free(buf);
	}
	if (total > n)
		fprintf(stderr, "... and %zu more errors\n", total - n);
}
