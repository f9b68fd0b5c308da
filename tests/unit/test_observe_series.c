/*
 * test_observe_series.c - probe series: start, peak and end over the right
 * samples, and the samples the shim measured from inside placed in time
 * order.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "observe_prog.h"
#include "timeunit.h"

#define MS NS_PER_MS

static void
add(struct ob_series *s, uint64_t t_ms, bool running, int64_t fds,
    uint32_t fin_wait1)
{
	struct ob_sample x;

	memset(&x, 0, sizeof(x));
	x.t_ns = t_ms * MS;
	x.running = running;
	x.procs = running ? 1 : 0;
	x.threads = 1;
	x.fds = fds;
	x.rss_kib = 1000 + fds;
	x.by_state[4] = fin_wait1;
	assert_int_equal(ob_series_add(s, &x), 0);
}

static void
test_stats(void **state)
{
	struct ob_series s = { .v = NULL };
	struct ob_stats st;

	(void)state;
	ob_series_stats(&s, OB_P_FDS, 0, &st);
	assert_false(st.any);
	add(&s, 10, true, 4, 0);
	add(&s, 20, true, 50, 3);
	add(&s, 30, true, 5, 9);
	add(&s, 40, false, 0, 4); /* after exit: sockets only */
	ob_series_stats(&s, OB_P_FDS, 0, &st);
	assert_true(st.any);
	assert_int_equal(st.start, 4);
	assert_int_equal(st.peak, 50);
	assert_int_equal(st.t_peak, 20 * MS);
	assert_int_equal(st.end, 5);
	ob_series_stats(&s, OB_P_STATE, 4, &st);
	assert_int_equal(st.start, 0);
	assert_int_equal(st.peak, 9);
	assert_int_equal(st.end, 4);
	assert_int_equal(ob_sample_value(&s.v[1], OB_P_RSS_KIB, 0), 1050);
	assert_int_equal(ob_sample_value(&s.v[1], OB_P_STATE, 99), 0);
	ob_series_free(&s);
}

static struct ob_rec
holding(enum ob_call c, int pid, uint64_t t_ms, int64_t fds)
{
	struct ob_rec r;

	memset(&r, 0, sizeof(r));
	r.call = c;
	r.pid = pid;
	r.t0 = r.t1 = t_ms * MS;
	r.fds = fds;
	r.threads = 1;
	r.rss_kib = 900;
	return r;
}

static void
test_inside_samples(void **state)
{
	struct ob_series s = { .v = NULL };
	struct ob_rec r[3];
	struct ob_stats st;

	(void)state;
	/* a program done before the first outside sample saw it start */
	add(&s, 30, true, 204, 2);
	add(&s, 60, true, 0, 2); /* tearing down after exit() */
	add(&s, 90, false, 0, 1);
	r[0] = holding(OB_HELLO, 3, 5, 4);
	r[1] = holding(OB_EXIT, 7, 40, 99); /* a child's: not the program's */
	r[2] = holding(OB_EXIT, 3, 50, 204);
	assert_int_equal(ob_series_add_inside(&s, r, 3), 0);
	assert_int_equal(s.n, 5);
	assert_int_equal(s.v[0].t_ns, 5 * MS);
	assert_int_equal(s.v[2].t_ns, 50 * MS);
	/* the inserted samples take the socket counts of a neighbour */
	assert_int_equal(s.v[0].by_state[4], 2);
	assert_false(s.v[3].running);
	ob_series_stats(&s, OB_P_FDS, 0, &st);
	assert_int_equal(st.start, 4);
	assert_int_equal(st.end, 204);
	ob_series_free(&s);
}

static void
test_inside_skips_exit_with_children(void **state)
{
	struct ob_series s = { .v = NULL };
	struct ob_rec r[2];

	(void)state;
	add(&s, 30, true, 10, 0);
	s.v[0].procs = 2;
	r[0] = holding(OB_HELLO, 3, 5, 4);
	r[1] = holding(OB_EXIT, 3, 50, 5);
	assert_int_equal(ob_series_add_inside(&s, r, 2), 0);
	assert_int_equal(s.n, 2); /* the hello only */
	assert_int_equal(s.v[0].fds, 4);
	assert_int_equal(ob_series_add_inside(&s, NULL, 0), 0);
	ob_series_free(&s);
}

static void
test_inside_after_exec(void **state)
{
	struct ob_series s = { .v = NULL };
	struct ob_rec r[3];

	(void)state;
	r[0] = holding(OB_HELLO, 3, 5, 3); /* sh -c 'exec prog' */
	r[1] = holding(OB_HELLO, 3, 9, 4); /* prog */
	r[2] = holding(OB_EXIT, 3, 50, 4);
	assert_int_equal(ob_series_add_inside(&s, r, 3), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.v[0].t_ns, 9 * MS);
	assert_int_equal(s.v[0].fds, 4);
	ob_series_free(&s);
}

static void
test_which_samples_count(void **state)
{
	struct ob_sample x;

	(void)state;
	memset(&x, 0, sizeof(x));
	x.running = true;
	assert_false(ob_sample_counts(&x, OB_P_FDS)); /* no process seen */
	x.procs = 1;
	assert_true(ob_sample_counts(&x, OB_P_FDS));
	x.running = false;
	assert_false(ob_sample_counts(&x, OB_P_THREADS));
	assert_true(ob_sample_counts(&x, OB_P_STATE));
	assert_true(ob_sample_counts(&x, OB_P_TCPEXT));
	x.tcpext[2] = 9;
	assert_int_equal(ob_sample_value(&x, OB_P_TCPEXT, 2), 9);
	assert_int_equal(ob_sample_value(&x, OB_P_TCPEXT, OB_TCPEXT_MAX), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stats),
		cmocka_unit_test(test_inside_samples),
		cmocka_unit_test(test_inside_skips_exit_with_children),
		cmocka_unit_test(test_inside_after_exec),
		cmocka_unit_test(test_which_samples_count),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
