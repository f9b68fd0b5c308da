/*
 * test_self_paths.c - self_path_pick(): a program finds its companions in
 * the installed layout under any prefix, in its build tree only when the
 * build marker is there, and names the installed place when neither
 * exists. The file system is a list of paths, so nothing on disk matters.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "self_paths.h"

static const struct self_layout peer = { "../sbin/lingerpeer",
	"../../peer/lingerpeer", "../../CMakeCache.txt" };

static const struct self_layout library = { "../share/lingerlab/scenarios",
	"/src/lingerlab/scenarios", "../../CMakeCache.txt" };

/* arg: a NULL-terminated list of the paths that exist */
static bool
in_list(const char *path, void *arg)
{
	const char *const *p;

	for (p = arg; *p != NULL; p++)
		if (strcmp(*p, path) == 0)
			return true;
	return false;
}

static void
test_installed_any_prefix(void **state)
{
	const char *usr[] = { "/usr/sbin/lingerpeer", NULL };
	const char *opt[] = { "/opt/ll/sbin/lingerpeer",
		"/opt/ll/share/lingerlab/scenarios", NULL };
	char out[256];

	(void)state;
	assert_int_equal(self_path_pick("/usr/bin", &peer, in_list, usr, out,
			     sizeof(out)),
	    0);
	assert_string_equal(out, "/usr/sbin/lingerpeer");
	assert_int_equal(self_path_pick("/opt/ll/bin", &peer, in_list, opt, out,
			     sizeof(out)),
	    0);
	assert_string_equal(out, "/opt/ll/sbin/lingerpeer");
	assert_int_equal(self_path_pick("/opt/ll/bin", &library, in_list, opt,
			     out, sizeof(out)),
	    0);
	assert_string_equal(out, "/opt/ll/share/lingerlab/scenarios");
}

static void
test_build_tree_needs_marker(void **state)
{
	const char *built[] = { "/b/peer/lingerpeer", "/b/CMakeCache.txt",
		"/src/lingerlab/scenarios", NULL };
	const char *no_marker[] = { "/b/peer/lingerpeer", NULL };
	char out[256];

	(void)state;
	assert_int_equal(self_path_pick("/b/client/cmd", &peer, in_list, built,
			     out, sizeof(out)),
	    0);
	assert_string_equal(out, "/b/peer/lingerpeer");
	/* an absolute build path is taken as it is */
	assert_int_equal(self_path_pick("/b/client/cmd", &library, in_list,
			     built, out, sizeof(out)),
	    0);
	assert_string_equal(out, "/src/lingerlab/scenarios");
	/* a stray file where the build tree would be is not trusted */
	assert_int_equal(self_path_pick("/b/client/cmd", &peer, in_list,
			     no_marker, out, sizeof(out)),
	    1);
	assert_string_equal(out, "/b/client/sbin/lingerpeer");
}

static void
test_installed_wins_over_build(void **state)
{
	const char *both[] = { "/b/peer/lingerpeer", "/b/CMakeCache.txt",
		"/b/client/sbin/lingerpeer", NULL };
	char out[256];

	(void)state;
	assert_int_equal(self_path_pick("/b/client/cmd", &peer, in_list, both,
			     out, sizeof(out)),
	    0);
	assert_string_equal(out, "/b/client/sbin/lingerpeer");
}

static void
test_missing_names_installed(void **state)
{
	const char *none[] = { NULL };
	char out[256];

	(void)state;
	assert_int_equal(self_path_pick("/usr/local/bin", &peer, in_list, none,
			     out, sizeof(out)),
	    1);
	assert_string_equal(out, "/usr/local/sbin/lingerpeer");
	/* ".." past the root stays at the root */
	assert_int_equal(self_path_pick("/", &peer, in_list, none, out,
			     sizeof(out)),
	    1);
	assert_string_equal(out, "/sbin/lingerpeer");
}

static void
test_too_long(void **state)
{
	const char *none[] = { NULL };
	char out[12];

	(void)state;
	errno = 0;
	assert_int_equal(self_path_pick("/usr/bin", &peer, in_list, none, out,
			     sizeof(out)),
	    -1);
	assert_int_equal(errno, ENAMETOOLONG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_installed_any_prefix),
		cmocka_unit_test(test_build_tree_needs_marker),
		cmocka_unit_test(test_installed_wins_over_build),
		cmocka_unit_test(test_missing_names_installed),
		cmocka_unit_test(test_too_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
