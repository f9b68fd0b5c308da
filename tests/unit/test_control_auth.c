/*
 * test_control_auth.c - the control token check, line by line
 * (peer/control_auth.c), and the constant-time comparison under it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "control_auth.h"

#define TOKEN "0123456789abcdefXYZ"

static enum control_auth
check(const char *token, bool need, const char *line, char *status, size_t len)
{
	struct control_out out;
	enum control_auth a;

	control_out_init(&out, CONTROL_REPLY_MAX);
	a = control_auth_line(token, need, line, strlen(line), &out);
	snprintf(status, len, "%.*s", (int)out.len,
	    out.buf != NULL ? out.buf : "");
	control_out_free(&out);
	return a;
}

static void
test_right_token(void **state)
{
	char st[512];

	(void)state;
	assert_int_equal(check(TOKEN, true, "auth " TOKEN, st, sizeof(st)),
	    CAUTH_OK);
	assert_string_equal(st, "ok authenticated\n");
	/* Case of the verb, blanks around, a CR: as any other command. */
	assert_int_equal(check(TOKEN, true, "  AUTH\t" TOKEN " \r", st,
			     sizeof(st)),
	    CAUTH_OK);
}

static void
test_wrong_token(void **state)
{
	char st[512];

	(void)state;
	assert_int_equal(check(TOKEN, true, "auth " TOKEN "x", st, sizeof(st)),
	    CAUTH_FAILED);
	assert_non_null(strstr(st, "err auth-failed:"));
	assert_int_equal(check(TOKEN, true, "auth 0123456789abcdefXY", st,
			     sizeof(st)),
	    CAUTH_FAILED);
	assert_int_equal(check(TOKEN, true, "auth", st, sizeof(st)),
	    CAUTH_FAILED);
	assert_int_equal(check(TOKEN, true, "auth ", st, sizeof(st)),
	    CAUTH_FAILED);
	/* The token never shows in the answer. */
	assert_null(strstr(st, TOKEN));
}

static void
test_required_first(void **state)
{
	char st[512];

	(void)state;
	assert_int_equal(check(TOKEN, true, "stats", st, sizeof(st)),
	    CAUTH_REQUIRED);
	assert_non_null(strstr(st, "err auth-required:"));
	assert_int_equal(check(TOKEN, true, "", st, sizeof(st)),
	    CAUTH_REQUIRED);
	assert_int_equal(check(TOKEN, true, "authx " TOKEN, st, sizeof(st)),
	    CAUTH_REQUIRED);
}

static void
test_not_needed(void **state)
{
	char st[512];

	(void)state;
	/* Once in, or where no token is asked: commands pass, auth is a no-op. */
	assert_int_equal(check(TOKEN, false, "stats", st, sizeof(st)),
	    CAUTH_PASS);
	assert_string_equal(st, "");
	assert_int_equal(check(TOKEN, false, "auth whatever", st, sizeof(st)),
	    CAUTH_NOT_NEEDED);
	assert_string_equal(st, "ok authenticated already\n");
	assert_int_equal(check(NULL, false, "auth " TOKEN, st, sizeof(st)),
	    CAUTH_NOT_NEEDED);
	assert_string_equal(st, "ok no token is needed here\n");
	assert_int_equal(check(NULL, false, "authors", st, sizeof(st)),
	    CAUTH_PASS);
}

static void
test_token_equal(void **state)
{
	(void)state;
	assert_true(control_auth_token_equal(TOKEN, TOKEN, strlen(TOKEN)));
	assert_false(control_auth_token_equal(TOKEN, TOKEN, strlen(TOKEN) - 1));
	assert_false(
	    control_auth_token_equal(TOKEN, TOKEN "!", strlen(TOKEN) + 1));
	assert_false(control_auth_token_equal(TOKEN, "1123456789abcdefXYZ",
	    strlen(TOKEN)));
	assert_false(control_auth_token_equal(TOKEN, "", 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_right_token),
		cmocka_unit_test(test_wrong_token),
		cmocka_unit_test(test_required_first),
		cmocka_unit_test(test_not_needed),
		cmocka_unit_test(test_token_equal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
