/*
 * self_paths.c - where a program's companions are, found from where the
 * program itself is (see self_paths.h). self_path_pick() is pure; the rest
 * reads /proc/self/exe and the environment once per companion.
 */
#include "self_paths.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * The layouts, compiled in by client/sandbox/CMakeLists.txt; relative to
 * the folder of the programs (bin/ installed, client/cmd/ built).
 */
#if !defined(SELF_REL_PEER) || !defined(SELF_REL_SHIM) ||                      \
    !defined(SELF_REL_LIBRARY) || !defined(SELF_BUILD_PEER) ||                 \
    !defined(SELF_BUILD_SHIM) || !defined(SELF_BUILD_LIBRARY) ||               \
    !defined(SELF_BUILD_MARKER) || !defined(SELF_REL_AGENT) ||                 \
    !defined(SELF_BUILD_AGENT)
#error "client/sandbox/CMakeLists.txt defines the SELF_* layout paths"
#endif

static const struct self_layout layouts[SELF_COMPANION_COUNT] = {
	[SELF_PEER] = { SELF_REL_PEER, SELF_BUILD_PEER, SELF_BUILD_MARKER },
	[SELF_SHIM] = { SELF_REL_SHIM, SELF_BUILD_SHIM, SELF_BUILD_MARKER },
	[SELF_LIBRARY] = { SELF_REL_LIBRARY, SELF_BUILD_LIBRARY,
	    SELF_BUILD_MARKER },
	[SELF_AGENT] = { SELF_REL_AGENT, SELF_BUILD_AGENT, SELF_BUILD_MARKER },
};

static const char *const env_names[SELF_COMPANION_COUNT] = {
	[SELF_PEER] = "LINGERPEER",
	[SELF_SHIM] = "LINGERLAB_SHIM",
	[SELF_LIBRARY] = "LINGERLAB_LIBRARY",
	/* not $LINGERLAB_AGENT: that names an agent's endpoint (docs/lab.md) */
	[SELF_AGENT] = "LINGERLAB_AGENT_PROGRAM",
};

/*
 * dir + "/" + rel with "." and ".." folded away (rel absolute: rel). The
 * folding is lexical, which is right here: dir comes from /proc/self/exe,
 * which has no symbolic links left in it.
 */
static int
join(const char *dir, const char *rel, char *out, size_t outlen)
{
	char buf[PATH_MAX];
	size_t n = 0, len;
	const char *p;

	if ((size_t)snprintf(buf, sizeof(buf), "%s/%s",
		rel[0] == '/' ? "" : dir, rel) >= sizeof(buf) ||
	    outlen < 2) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (p = buf; *p != '\0'; p += len) {
		while (*p == '/')
			p++;
		len = strcspn(p, "/");
		if (len == 0 || (len == 1 && p[0] == '.'))
			continue;
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			while (n > 0 && out[n - 1] != '/')
				n--;
			if (n > 0)
				n--; /* the slash before the folder left */
			continue;
		}
		if (n + 1 + len + 1 > outlen) {
			errno = ENAMETOOLONG;
			return -1;
		}
		out[n++] = '/';
		memcpy(out + n, p, len);
		n += len;
	}
	if (n == 0)
		out[n++] = '/';
	out[n] = '\0';
	return 0;
}

int
self_path_pick(const char *exe_dir, const struct self_layout *l,
    self_exists_fn exists, void *arg, char *out, size_t outlen)
{
	char marker[PATH_MAX];

	if (join(exe_dir, l->build_marker, marker, sizeof(marker)) < 0 ||
	    join(exe_dir, l->build, out, outlen) < 0)
		return -1;
	if (!exists(out, arg) || !exists(marker, arg)) {
		if (join(exe_dir, l->installed, out, outlen) < 0)
			return -1;
		return exists(out, arg) ? 0 : 1;
	}
	/* Both layouts there (a tree installed into its own build folder):
	 * the installed one wins, as it would for an installed program. */
	if (join(exe_dir, l->installed, marker, sizeof(marker)) == 0 &&
	    exists(marker, arg))
		memcpy(out, marker, strlen(marker) + 1);
	return 0;
}

static bool
exists_on_disk(const char *path, void *arg)
{
	(void)arg;
	return access(path, F_OK) == 0;
}

/* The folder of the running program, or NULL without /proc. */
static const char *
exe_dir(void)
{
	static char dir[PATH_MAX];
	ssize_t n;
	char *slash;

	if (dir[0] != '\0')
		return dir;
	n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
	if (n <= 0 || (size_t)n >= sizeof(dir) - 1) {
		dir[0] = '\0';
		return NULL;
	}
	dir[n] = '\0';
	if ((slash = strrchr(dir, '/')) == NULL) {
		dir[0] = '\0';
		return NULL;
	}
	slash[slash == dir] = '\0'; /* "/lingerlab" keeps its "/" */
	return dir;
}

static struct {
	char path[PATH_MAX];
	bool done, found;
} cache[SELF_COMPANION_COUNT];

static void
resolve(enum self_companion which)
{
	const char *env = getenv(env_names[which]), *dir;
	int r;

	cache[which].done = true;
	if (env != NULL && *env != '\0') {
		snprintf(cache[which].path, sizeof(cache[which].path), "%s",
		    env);
		cache[which].found = true;
		return;
	}
	if ((dir = exe_dir()) == NULL) {
		/* no /proc: nothing works here anyway; name the layout at least */
		snprintf(cache[which].path, sizeof(cache[which].path), "%s",
		    layouts[which].installed);
		return;
	}
	r = self_path_pick(dir, &layouts[which], exists_on_disk, NULL,
	    cache[which].path, sizeof(cache[which].path));
	if (r < 0)
		snprintf(cache[which].path, sizeof(cache[which].path), "%s",
		    layouts[which].installed);
	cache[which].found = r == 0;
}

const char *
self_path(enum self_companion which)
{
	if (!cache[which].done)
		resolve(which);
	return cache[which].path;
}

bool
self_path_found(enum self_companion which)
{
	if (!cache[which].done)
		resolve(which);
	return cache[which].found;
}
