/* Unit tests for statedir.c: which directory (the override, $STATE_DIRECTORY,
 * $XDG_STATE_HOME, $HOME), created mode 0700 with its parents; whole-file reads with
 * a size limit; atomic replacement with the mode asked for. In a scratch directory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#define TMPDIR_NAME "/tmp/test_statedir.XXXXXX"
#include "tmpdir.h"

#include "statedir.h"

static char path[4096], want[4096], err[4400];

#define SUB_MAX 1024

static int group_setup(void **state)
{
	(void)state;
	return tmpdir_make();
}

static int group_teardown(void **state)
{
	(void)state;
	return tmpdir_remove();
}

static int clear_env(void **state)
{
	(void)state;
	unsetenv("STATE_DIRECTORY");
	unsetenv("XDG_STATE_HOME");
	unsetenv("HOME");
	return 0;
}

static mode_t mode_of(const char *p)
{
	struct stat st;

	assert_int_equal(stat(p, &st), 0);
	return st.st_mode & 07777;
}

static void the_first_match_wins(void **state)
{
	(void)state;
	snprintf(want, sizeof(want), "%s/home", tmpdir);
	setenv("HOME", want, 1);
	assert_int_equal(statedir_dir(path, sizeof(path), NULL, err, sizeof(err)), 0);
	snprintf(want, sizeof(want), "%s/home/.local/state/tcpchat", tmpdir);
	assert_string_equal(path, want);
	setenv("XDG_STATE_HOME", "relative/not/counted", 1);
	assert_int_equal(statedir_dir(path, sizeof(path), NULL, err, sizeof(err)), 0);
	assert_string_equal(path, want);
	snprintf(want, sizeof(want), "%s/xdg", tmpdir);
	setenv("XDG_STATE_HOME", want, 1);
	assert_int_equal(statedir_dir(path, sizeof(path), NULL, err, sizeof(err)), 0);
	snprintf(want, sizeof(want), "%s/xdg/tcpchat", tmpdir);
	assert_string_equal(path, want);
	snprintf(want, sizeof(want), "%s/systemd:%s/second", tmpdir, tmpdir);
	setenv("STATE_DIRECTORY", want, 1);          /* of a list, the first */
	assert_int_equal(statedir_dir(path, sizeof(path), NULL, err, sizeof(err)), 0);
	snprintf(want, sizeof(want), "%s/systemd", tmpdir);
	assert_string_equal(path, want);
	snprintf(want, sizeof(want), "%s/override", tmpdir);
	assert_int_equal(statedir_dir(path, sizeof(path), want, err, sizeof(err)), 0);
	assert_string_equal(path, want);
	assert_int_equal(statedir_dir(path, sizeof(path), "", err, sizeof(err)), 0);
	snprintf(want, sizeof(want), "%s/systemd", tmpdir);  /* an empty override: none */
	assert_string_equal(path, want);
}

static void no_home_at_all_is_an_error(void **state)
{
	(void)state;
	setenv("HOME", "not-absolute", 1);
	assert_int_equal(statedir_dir(path, sizeof(path), NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no state directory"));
}

static void created_0700_with_its_parents(void **state)
{
	char sub[SUB_MAX];

	(void)state;
	snprintf(sub, sizeof(sub), "%s/a/b/c", tmpdir);
	assert_int_equal(statedir_path(path, sizeof(path), sub, "known_hosts", err, sizeof(err)), 0);
	snprintf(want, sizeof(want), "%s/known_hosts", sub);
	assert_string_equal(path, want);
	assert_int_equal(mode_of(sub), 0700);
	snprintf(sub, sizeof(sub), "%s/a", tmpdir);
	assert_int_equal(mode_of(sub), 0700);
}

static void a_file_in_the_way_is_an_error(void **state)
{
	char file[SUB_MAX];

	(void)state;
	snprintf(file, sizeof(file), "%s/plainfile", tmpdir);
	assert_int_equal(statedir_write_file(file, "x", 1, 0600, err, sizeof(err)), 0);
	assert_int_equal(statedir_dir(path, sizeof(path), file, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "is not a directory"));
	snprintf(file, sizeof(file), "%s/plainfile/below", tmpdir);
	assert_int_equal(statedir_dir(path, sizeof(path), file, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "mkdir"));
}

static void a_name_too_long_is_an_error(void **state)
{
	char small[16];

	(void)state;
	assert_int_equal(statedir_dir(small, sizeof(small), "/tmp/far/too/long/a/name", err,
	    sizeof(err)), -1);
	assert_string_equal(err, "state directory name too long");
	assert_int_equal(statedir_path(path, sizeof(path), tmpdir,
	    "an-extremely-long-file-name-that-goes-on-and-on-and-on-and-on-and-on-and-on"
	    "-and-on-and-on-and-on-and-on-and-on-and-on-and-on-and-on-and-on-and-on-and-on",
	    err, sizeof(err)), 0);
	assert_int_equal(statedir_path(small, sizeof(small), "/tmp", "known_hosts_file", err,
	    sizeof(err)), -1);
	assert_string_equal(err, "state file name too long");
}

static void write_replaces_and_read_reads_back(void **state)
{
	char file[SUB_MAX];
	struct buf b = { 0 };

	(void)state;
	snprintf(file, sizeof(file), "%s/data", tmpdir);
	assert_int_equal(statedir_read_file(file, 100, &b, err, sizeof(err)), 1);  /* missing */
	assert_int_equal(buf_len(&b), 0);
	assert_int_equal(statedir_write_file(file, "first\n", 6, 0644, err, sizeof(err)), 0);
	assert_int_equal(mode_of(file), 0644);
	assert_int_equal(statedir_write_file(file, "second\n", 7, 0600, err, sizeof(err)), 0);
	assert_int_equal(mode_of(file), 0600);
	assert_int_equal(statedir_read_file(file, 100, &b, err, sizeof(err)), 0);
	assert_int_equal(buf_len(&b), 7);
	assert_memory_equal(buf_data(&b), "second\n", 7);
	assert_int_equal(statedir_read_file(file, 100, &b, err, sizeof(err)), 0);   /* appends */
	assert_int_equal(buf_len(&b), 14);
	buf_free(&b);
	assert_int_equal(statedir_read_file(file, 6, &b, err, sizeof(err)), -1);   /* over max */
	assert_non_null(strstr(err, "file too large"));
	buf_free(&b);
}

/* No temporary file is left behind, whether the write worked or not. */
static void write_leaves_no_temporary_file(void **state)
{
	char dir[SUB_MAX], file[SUB_MAX + 100], cmd[SUB_MAX + 200];
	FILE *ls;
	int n = 0;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/clean", tmpdir);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(file, sizeof(file), "%s/f", dir);
	assert_int_equal(statedir_write_file(file, "x", 1, 0600, err, sizeof(err)), 0);
	snprintf(file, sizeof(file), "%s/missing-dir/f", dir);
	assert_int_equal(statedir_write_file(file, "x", 1, 0600, err, sizeof(err)), -1);
	snprintf(cmd, sizeof(cmd), "ls -A '%s'", dir);
	ls = popen(cmd, "r");
	assert_non_null(ls);
	while (fgets(file, sizeof(file), ls) != NULL)
		n++;
	pclose(ls);
	assert_int_equal(n, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(the_first_match_wins, clear_env),
		cmocka_unit_test_setup(no_home_at_all_is_an_error, clear_env),
		cmocka_unit_test_setup(created_0700_with_its_parents, clear_env),
		cmocka_unit_test_setup(a_file_in_the_way_is_an_error, clear_env),
		cmocka_unit_test_setup(a_name_too_long_is_an_error, clear_env),
		cmocka_unit_test_setup(write_replaces_and_read_reads_back, clear_env),
		cmocka_unit_test_setup(write_leaves_no_temporary_file, clear_env),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
