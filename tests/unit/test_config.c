/* test_config.c: the client's settings file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"

static const struct option opts[] = {
	{ "port", required_argument, NULL, 'p' },
	{ "no-bell", no_argument, NULL, 1 },
	{ "tls", no_argument, NULL, 2 },
	{ "time-format", required_argument, NULL, 3 },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_good_file(void **state)
{
	char path[] = "/tmp/tcpchat-config-XXXXXX", err[256];
	struct config_args c;
	int fd = mkstemp(path);

	(void)state;
	close(fd);
	write_file(path, "# settings\n\nport = 2525\n  no-bell=yes\ntls = no\n"
	    "time-format = %H:%M:%S  \nhost = chat.example.org\n");
	assert_int_equal(config_read(path, opts, &c, err, sizeof(err)), 0);
	assert_int_equal(c.n, 3);
	assert_string_equal(c.argv[0], "--port=2525");
	assert_string_equal(c.argv[1], "--no-bell");
	assert_string_equal(c.argv[2], "--time-format=%H:%M:%S");
	assert_non_null(strstr(c.origin[2], ":6"));
	assert_string_equal(c.host, "chat.example.org");
	config_free(&c);
	unlink(path);
	assert_int_equal(config_read(path, opts, &c, err, sizeof(err)), 1);   /* no file */
}

static void test_bad_lines(void **state)
{
	static const char *const bad[] = { "port 2525\n", "colour = red\n", "tls = maybe\n",
	    "help = yes\n", "port =\n" };
	char path[] = "/tmp/tcpchat-config-XXXXXX", err[256], want[64];
	struct config_args c;
	int fd = mkstemp(path);

	(void)state;
	close(fd);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[64];

		snprintf(text, sizeof(text), "# ok\n%s", bad[i]);
		write_file(path, text);
		assert_int_equal(config_read(path, opts, &c, err, sizeof(err)), -1);
		snprintf(want, sizeof(want), "%s:2: ", path);
		assert_memory_equal(err, want, strlen(want));
		assert_int_equal(c.n, 0);
	}
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_bad_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
