/*
 * test_fd_close.c - close_fds_except() leaves exactly the kept descriptors
 * (and those below lo) open, whatever order and duplicates it is given.
 * Each check runs in a child, so the test runner's own descriptors are safe.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdbool.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fd_close.h"

#define NFDS 12

static bool
is_open(int fd)
{
	return fcntl(fd, F_GETFD) != -1;
}

/*
 * In a child: open descriptors up to fd 3 + NFDS, close all but keep,
 * exit 0 when exactly the expected ones are still open, else the first
 * wrong descriptor number.
 */
static int
run_child(int lo, const int *keep, size_t nkeep, const bool *want_open)
{
	pid_t pid;
	int st, fd;

	if ((pid = fork()) == 0) {
		while (
		    (fd = open("/dev/null", O_RDONLY)) < 3 + NFDS && fd != -1)
			;
		close_fds_except(lo, keep, nkeep);
		for (fd = 3; fd <= 3 + NFDS; fd++)
			if (is_open(fd) != want_open[fd - 3])
				_exit(fd);
		_exit(0);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static void
test_keeps_listed(void **state)
{
	const int keep[] = { 9, 5, 9, 14, -1,
		2 }; /* unsorted, a duplicate, junk */
	bool want[NFDS + 1] = { false };

	(void)state;
	want[5 - 3] = want[9 - 3] = want[14 - 3] = true;
	assert_int_equal(run_child(3, keep, 6, want), 0);
}

static void
test_below_lo_untouched(void **state)
{
	const int keep[] = { 8 };
	bool want[NFDS + 1] = { false };
	int fd;

	(void)state;
	for (fd = 3; fd < 7; fd++)
		want[fd - 3] = true;
	want[8 - 3] = true;
	assert_int_equal(run_child(7, keep, 1, want), 0);
}

static void
test_keep_nothing(void **state)
{
	bool want[NFDS + 1] = { false };

	(void)state;
	assert_int_equal(run_child(3, NULL, 0, want), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keeps_listed),
		cmocka_unit_test(test_below_lo_untouched),
		cmocka_unit_test(test_keep_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
