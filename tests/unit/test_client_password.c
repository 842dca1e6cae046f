/* Unit tests for client_password.c: the server password from --server-password-file
 * (its first line, LF or CRLF) or $TCPCHAT_SERVER_PASSWORD, and the files refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "client_password.h"
#include "tclimits.h"

#define TMPDIR_NAME "/tmp/test_client_password.XXXXXX"
#include "tmpdir.h"

/* A file in the scratch directory holding text; its path in a static buffer. */
static const char *file_of(const char *name, const char *text)
{
	static char path[sizeof(tmpdir) + 64];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static int setup(void **state)
{
	(void)state;
	unsetenv(CLIENT_PASSWORD_ENV);
	return tmpdir_make();
}

static int teardown(void **state)
{
	(void)state;
	return tmpdir_remove();
}

static void first_line_of_the_file(void **state)
{
	char *pw = NULL, err[256];

	(void)state;
	assert_int_equal(client_password_load(file_of("lf", "open sesame\nsecond\n"), &pw,
	    err, sizeof(err)), 0);
	assert_string_equal(pw, "open sesame");
	client_password_free(pw);
	assert_int_equal(client_password_load(file_of("crlf", " spaced \r\n"), &pw, err,
	    sizeof(err)), 0);
	assert_string_equal(pw, " spaced ");       /* kept as written, but for the CRLF */
	client_password_free(pw);
	assert_int_equal(client_password_load(file_of("bare", "no newline"), &pw, err,
	    sizeof(err)), 0);
	assert_string_equal(pw, "no newline");
	client_password_free(pw);
}

static void bad_files_are_refused(void **state)
{
	char *pw = (char *)1, err[512], longer[TC_PASSWORD_MAX + 3];

	(void)state;
	assert_int_equal(client_password_load("/nonexistent/pw", &pw, err, sizeof(err)), -1);
	assert_null(pw);
	assert_non_null(strstr(err, "--server-password-file /nonexistent/pw: "));
	assert_int_equal(client_password_load(file_of("empty", "\nsecond\n"), &pw, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "the first line is empty"));
	memset(longer, 'x', TC_PASSWORD_MAX + 1);
	strcpy(longer + TC_PASSWORD_MAX + 1, "\n");
	assert_int_equal(client_password_load(file_of("long", longer), &pw, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "longer than 128 bytes"));
	longer[TC_PASSWORD_MAX] = '\n';            /* exactly the limit: taken */
	longer[TC_PASSWORD_MAX + 1] = '\0';
	assert_int_equal(client_password_load(file_of("max", longer), &pw, err, sizeof(err)),
	    0);
	assert_int_equal(strlen(pw), TC_PASSWORD_MAX);
	client_password_free(pw);
}

static void the_environment_when_no_file(void **state)
{
	char *pw = NULL, err[256], longer[TC_PASSWORD_MAX + 2];

	(void)state;
	assert_int_equal(client_password_load(NULL, &pw, err, sizeof(err)), 0);
	assert_null(pw);                                 /* nothing given */
	setenv(CLIENT_PASSWORD_ENV, "", 1);
	assert_int_equal(client_password_load(NULL, &pw, err, sizeof(err)), 0);
	assert_null(pw);                                 /* empty: none */
	setenv(CLIENT_PASSWORD_ENV, "from env", 1);
	assert_int_equal(client_password_load(NULL, &pw, err, sizeof(err)), 0);
	assert_string_equal(pw, "from env");
	client_password_free(pw);
	assert_int_equal(client_password_load(file_of("f", "from file\n"), &pw, err,
	    sizeof(err)), 0);
	assert_string_equal(pw, "from file");            /* the option wins */
	client_password_free(pw);
	memset(longer, 'y', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	setenv(CLIENT_PASSWORD_ENV, longer, 1);
	assert_int_equal(client_password_load(NULL, &pw, err, sizeof(err)), -1);
	assert_non_null(strstr(err, CLIENT_PASSWORD_ENV ": the password is longer than"));
	unsetenv(CLIENT_PASSWORD_ENV);
	client_password_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(first_line_of_the_file),
		cmocka_unit_test(bad_files_are_refused),
		cmocka_unit_test(the_environment_when_no_file),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
