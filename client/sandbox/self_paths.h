/*
 * self_paths.h - where a program's companions are: lingerpeer, the shim
 * that `lingerlab observe` preloads, and the scenario library.
 *
 * They are found relative to the running program (/proc/self/exe), so a
 * tree installed under any prefix (`cmake --install --prefix DIR`, the
 * Debian package under /usr) works where it was put, and a build tree
 * works in place:
 *
 *   installed:  PREFIX/bin/lingerlab  -> PREFIX/sbin/lingerpeer,
 *               PREFIX/LIBDIR/lingerlab/liblingerlab-shim.so,
 *               PREFIX/share/lingerlab/scenarios
 *   build tree: BUILD/bin/lingerlab -> BUILD/bin/lingerpeer, BUILD/lib/...
 *               (only when BUILD/CMakeCache.txt is there)
 *
 * An environment variable overrides each: $LINGERPEER, $LINGERLAB_SHIM,
 * $LINGERLAB_LIBRARY, $LINGERLAB_AGENT_PROGRAM (lingerlab-agent, beside
 * lingerpeer). The relative paths are compiled in by
 * client/sandbox/CMakeLists.txt from the install directories.
 */
#ifndef LINGERLAB_SELF_PATHS_H
#define LINGERLAB_SELF_PATHS_H

#include <stdbool.h>
#include <stddef.h>

enum self_companion {
	SELF_PEER,    /* lingerpeer */
	SELF_SHIM,    /* liblingerlab-shim.so */
	SELF_LIBRARY, /* the scenario library's folder */
	SELF_AGENT,   /* lingerlab-agent (lingerlab-sandbox --lab) */
	SELF_COMPANION_COUNT
};

/* Where to look for one companion, relative to the program's folder. */
struct self_layout {
	const char *installed; /* e.g. "../sbin/lingerpeer" */
	const char *build; /* e.g. "../../peer/lingerpeer"; absolute is fine */
	const char *build_marker; /* e.g. "../../CMakeCache.txt" */
};

typedef bool (*self_exists_fn)(const char *path, void *arg);

/*
 * Pure: the companion for a program in exe_dir (absolute, no trailing
 * slash): the installed layout's path if it exists, else the build tree's
 * if the build marker and the path exist. 0 found; 1 neither exists, and
 * out holds the installed layout's path (what an error should name); -1
 * out is too small (ENAMETOOLONG).
 */
int self_path_pick(const char *exe_dir, const struct self_layout *l,
    self_exists_fn exists, void *arg, char *out, size_t outlen);

/*
 * The companion for this process: the environment variable if set and not
 * empty, else self_path_pick() on /proc/self/exe's folder. Never NULL; the
 * string lives as long as the process. When nothing exists it is the
 * installed layout's path, so "cannot run X" names where it looked.
 */
const char *self_path(enum self_companion which);

/* Did self_path(which) find the file (or take it from the environment)? */
bool self_path_found(enum self_companion which);

#endif
