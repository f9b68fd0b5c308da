/*
 * cmd_library.c - --library: scenario PATHs inside the installed scenario
 * library (see cmd_library.h), so `lingerlab run --library examples` works
 * the same from /usr, from any other prefix and from a build tree.
 */
#include "cmd_library.h"

#include <limits.h>
#include <stdio.h>

#include "self_paths.h"

/* rel inside lib (NULL: lib itself; absolute: rel as it is) into path. */
static int
under(const char *lib, const char *rel, char *path, size_t len)
{
	int n;

	if (rel == NULL)
		n = snprintf(path, len, "%s", lib);
	else if (rel[0] == '/')
		n = snprintf(path, len, "%s", rel);
	else
		n = snprintf(path, len, "%s/%s", lib, rel);
	if (n < 0 || (size_t)n >= len) {
		fprintf(stderr,
		    "lingerlab: --library: the path of %s is too long\n",
		    rel != NULL ? rel : lib);
		return -1;
	}
	return 0;
}

int
library_collect(int argc, char *const argv[], struct scn_paths *pl)
{
	const char *lib = self_path(SELF_LIBRARY);
	char path[PATH_MAX];
	char *one[1] = { path };
	int i;

	if (!self_path_found(SELF_LIBRARY)) {
		fprintf(stderr,
		    "lingerlab: --library: no scenario library at %s (it is "
		    "installed beside lingerlab, in PREFIX/share/lingerlab/scenarios); set "
		    "LINGERLAB_LIBRARY to its folder, or name the files without --library\n",
		    lib);
		return -1;
	}
	if (argc == 0)
		return under(lib, NULL, path, sizeof(path)) < 0
		    ? -1
		    : scn_paths_collect(1, one, pl);
	for (i = 0; i < argc; i++)
		if (under(lib, argv[i], path, sizeof(path)) < 0 ||
		    scn_paths_collect(1, one, pl) < 0)
			return -1;
	return 0;
}
