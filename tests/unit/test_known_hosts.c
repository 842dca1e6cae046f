/* Unit tests for known_hosts.c (parsing, lookup, rewrite, and the file) and for
 * statedir.c (which directory, created how). */
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

#define TMPDIR_NAME "/tmp/test_known_hosts.XXXXXX"
#include "tmpdir.h"

#include "known_hosts.h"
#include "statedir.h"

#define FP_A "AC:4A:08:FD:E6:8A:55:EF:C9:3A:C6:5D:A0:B0:44:3A:65:21:97:BE:4A:27:0F:36:E0:51:BD:A1:C8:33:75:21"
#define FP_B "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF"


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

static void normalize(const char *in, const char *want)
{
	char out[TLS_FP_MAX];

	if (want == NULL) {
		assert_int_equal(known_hosts_fp_normalize(in, strlen(in), out), -1);
		return;
	}
	assert_int_equal(known_hosts_fp_normalize(in, strlen(in), out), 0);
	assert_string_equal(out, want);
}

static void fingerprint_forms(void **state)
{
	(void)state;
	normalize(FP_A, FP_A);
	normalize("ac4a08fde68a55efc93ac65da0b0443a652197be4a270f36e051bda1c8337521", FP_A);
	normalize("  ac:4a:08:FD:e6:8a:55:ef:c9:3a:c6:5d:a0:b0:44:3a:65:21:97:be:4a:27:0f:36"
	    ":e0:51:bd:a1:c8:33:75:21 \r", FP_A);
	normalize("", NULL);
	normalize("AC:4A", NULL);
	normalize(FP_A ":00", NULL);                    /* 33 bytes */
	normalize(FP_A "0", NULL);
	normalize("ZZ4a08fde68a55efc93ac65da0b0443a652197be4a270f36e051bda1c8337521", NULL);
	normalize("AC 4A08fde68a55efc93ac65da0b0443a652197be4a270f36e051bda1c8337521", NULL);
	normalize("sha256 Fingerprint=" FP_A, NULL);
}

static int parse(const char *line, struct known_hosts_entry *e)
{
	return known_hosts_parse_line(line, strlen(line), e);
}

static void lines(void **state)
{
	struct known_hosts_entry e;

	(void)state;
	assert_int_equal(parse("chat.example.org 8990 " FP_A, &e), 1);
	assert_int_equal(e.hostlen, strlen("chat.example.org"));
	assert_memory_equal(e.host, "chat.example.org", e.hostlen);
	assert_int_equal(e.port, 8990);
	assert_string_equal(e.fp, FP_A);
	assert_int_equal(parse(" \t::1\t65535   ac4a08fde68a55efc93ac65da0b0443a652197be4a270f36"
	    "e051bda1c8337521\r", &e), 1);
	assert_int_equal(e.port, 65535);
	assert_int_equal(parse("", &e), 0);
	assert_int_equal(parse("   \t", &e), 0);
	assert_int_equal(parse("# a comment " FP_A, &e), 0);
	assert_int_equal(parse("  #indented comment", &e), 0);
	assert_int_equal(parse("host 8990", &e), -1);
	assert_int_equal(parse("host 0 " FP_A, &e), -1);
	assert_int_equal(parse("host 65536 " FP_A, &e), -1);
	assert_int_equal(parse("host 08990 " FP_A, &e), -1);
	assert_int_equal(parse("host 89x0 " FP_A, &e), -1);
	assert_int_equal(parse("host 8990 " FP_A " extra", &e), -1);
	assert_int_equal(parse("host 8990 nothex", &e), -1);
	assert_int_equal(parse("ho\001st 8990 " FP_A, &e), -1);
	assert_true(known_hosts_valid_host("chat.example.org"));
	assert_true(known_hosts_valid_host("fe80::1%eth0"));
	assert_false(known_hosts_valid_host(""));
	assert_false(known_hosts_valid_host("a b"));
	assert_false(known_hosts_valid_host("#x"));
	assert_false(known_hosts_valid_host("a\nb"));
}

static const char FILE_TEXT[] =
    "# known hosts\n"
    "chat.example.org 8990 " FP_A "\n"
    "garbage line here\n"
    "\n"
    "other.example.org 8990 " FP_B "\n"
    "chat.example.org 9000 " FP_B "\n"
    "CHAT.example.org 8990 " FP_B "\n"
    "last 1 " FP_A;                                 /* no final newline */

static void lookup(void **state)
{
	const char *t = FILE_TEXT;
	size_t n = strlen(FILE_TEXT), line = 0;
	char old[TLS_FP_MAX] = "";

	(void)state;
	assert_int_equal(known_hosts_lookup(t, n, "chat.example.org", 8990, FP_A, old, &line),
	    KNOWN_HOSTS_MATCH);
	assert_int_equal(line, 2);
	/* Host names compare without case; a second entry for it matches too. */
	assert_int_equal(known_hosts_lookup(t, n, "Chat.Example.Org", 8990, FP_B, old, &line),
	    KNOWN_HOSTS_MATCH);
	assert_int_equal(line, 7);
	assert_int_equal(known_hosts_lookup(t, n, "chat.example.org", 9000, FP_A, old, &line),
	    KNOWN_HOSTS_CHANGED);
	assert_string_equal(old, FP_B);
	assert_int_equal(line, 6);
	assert_int_equal(known_hosts_lookup(t, n, "other.example.org", 8990,
	    "ac4a08fde68a55efc93ac65da0b0443a652197be4a270f36e051bda1c8337521", old, NULL),
	    KNOWN_HOSTS_CHANGED);
	assert_int_equal(known_hosts_lookup(t, n, "other.example.org", 8990, FP_B, NULL, NULL),
	    KNOWN_HOSTS_MATCH);
	assert_int_equal(known_hosts_lookup(t, n, "new.example.org", 8990, FP_A, old, &line),
	    KNOWN_HOSTS_UNKNOWN);
	assert_int_equal(known_hosts_lookup(t, n, "garbage", 0, FP_A, NULL, NULL),
	    KNOWN_HOSTS_UNKNOWN);
	assert_int_equal(known_hosts_lookup(t, n, "last", 1, FP_A, NULL, &line),
	    KNOWN_HOSTS_MATCH);
	assert_int_equal(line, 8);
	assert_int_equal(known_hosts_lookup("", 0, "x", 1, FP_A, NULL, NULL),
	    KNOWN_HOSTS_UNKNOWN);
}

static void rewrite(void **state)
{
	struct buf out = { 0 };

	(void)state;
	assert_int_equal(known_hosts_rewrite(FILE_TEXT, strlen(FILE_TEXT), "chat.example.org",
	    8990, FP_B, &out), 2);
	buf_putc(&out, '\0');
	assert_string_equal(buf_data(&out),
	    "# known hosts\n"
	    "garbage line here\n"
	    "\n"
	    "other.example.org 8990 " FP_B "\n"
	    "chat.example.org 9000 " FP_B "\n"
	    "last 1 " FP_A "\n"
	    "chat.example.org 8990 " FP_B "\n");
	buf_clear(&out);
	assert_int_equal(known_hosts_rewrite(FILE_TEXT, strlen(FILE_TEXT), "nobody", 1, NULL,
	    &out), 0);
	buf_putc(&out, '\0');
	assert_int_equal(strlen(buf_data(&out)), strlen(FILE_TEXT) + 1);   /* + the newline */
	buf_free(&out);
}

static void the_file(void **state)
{
	char path[256], err[256] = "", old[TLS_FP_MAX] = "";
	size_t line = 0;
	struct stat st;

	(void)state;
	snprintf(path, sizeof(path), "%s/known_hosts", tmpdir);
	assert_int_equal(known_hosts_check(path, "h", 8990, FP_A, old, &line, err, sizeof(err)),
	    KNOWN_HOSTS_UNKNOWN);                         /* no file yet */
	assert_int_equal(known_hosts_forget(path, "h", 8990, err, sizeof(err)), 0);
	assert_int_not_equal(stat(path, &st), 0);         /* forgetting nothing writes nothing */
	assert_int_equal(known_hosts_add(path, "h", 8990,
	    "ac4a08fde68a55efc93ac65da0b0443a652197be4a270f36e051bda1c8337521", err,
	    sizeof(err)), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(known_hosts_check(path, "h", 8990, FP_A, old, &line, err, sizeof(err)),
	    KNOWN_HOSTS_MATCH);
	assert_int_equal(known_hosts_add(path, "other", 1, FP_B, err, sizeof(err)), 0);
	assert_int_equal(known_hosts_check(path, "h", 8990, FP_B, old, &line, err, sizeof(err)),
	    KNOWN_HOSTS_CHANGED);
	assert_string_equal(old, FP_A);
	assert_int_equal(line, 1);
	assert_int_equal(known_hosts_add(path, "h", 8990, FP_B, err, sizeof(err)), 0);  /* replace */
	assert_int_equal(known_hosts_check(path, "h", 8990, FP_B, old, &line, err, sizeof(err)),
	    KNOWN_HOSTS_MATCH);
	assert_int_equal(line, 2);
	assert_int_equal(known_hosts_forget(path, "h", 8990, err, sizeof(err)), 1);
	assert_int_equal(known_hosts_check(path, "h", 8990, FP_B, old, &line, err, sizeof(err)),
	    KNOWN_HOSTS_UNKNOWN);
	assert_int_equal(known_hosts_check(path, "other", 1, FP_B, old, &line, err, sizeof(err)),
	    KNOWN_HOSTS_MATCH);
	assert_int_equal(known_hosts_add(path, "bad host", 1, FP_B, err, sizeof(err)), -1);
	assert_int_equal(known_hosts_add(path, "h", 1, "xyz", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "fingerprint"));
}

/* --- statedir ------------------------------------------------------------------ */

static void statedir_is(const char *override, const char *want)
{
	char out[512], err[256] = "";
	struct stat st;

	assert_int_equal(statedir_dir(out, sizeof(out), override, err, sizeof(err)), 0);
	assert_string_equal(out, want);
	assert_int_equal(stat(out, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
}

static void statedir_order(void **state)
{
	char a[300], b[300], c[300], home[300], want[400], out[512], err[256] = "";
	struct stat st;

	(void)state;
	snprintf(a, sizeof(a), "%s/systemd/state", tmpdir);
	snprintf(b, sizeof(b), "%s/xdg", tmpdir);
	snprintf(c, sizeof(c), "%s/override/deep/dir", tmpdir);
	snprintf(home, sizeof(home), "%s/home", tmpdir);
	setenv("HOME", home, 1);
	snprintf(want, sizeof(want), "%s/systemd/state:/elsewhere", tmpdir);
	setenv("STATE_DIRECTORY", want, 1);
	setenv("XDG_STATE_HOME", b, 1);
	statedir_is(NULL, a);                             /* the first of systemd's list */
	statedir_is(c, c);                                /* --state-dir wins */
	assert_int_equal(stat(c, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	unsetenv("STATE_DIRECTORY");
	snprintf(want, sizeof(want), "%s/tcpchat", b);
	statedir_is(NULL, want);
	setenv("XDG_STATE_HOME", "relative/ignored", 1);  /* the spec: absolute or ignored */
	snprintf(want, sizeof(want), "%s/.local/state/tcpchat", home);
	statedir_is(NULL, want);
	assert_int_equal(stat(want, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(statedir_path(out, sizeof(out), NULL, "known_hosts", err, sizeof(err)), 0);
	assert_string_equal(out + strlen(want), "/known_hosts");
	unsetenv("HOME");
	unsetenv("XDG_STATE_HOME");
	assert_int_equal(statedir_dir(out, sizeof(out), NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "--state-dir"));
	snprintf(want, sizeof(want), "%s/known_hosts", tmpdir);   /* a file, not a directory */
	assert_int_equal(statedir_dir(out, sizeof(out), want, err, sizeof(err)), -1);
	assert_int_equal(statedir_path(out, 8, c, "f", err, sizeof(err)), -1);
}

static void statedir_files(void **state)
{
	char path[300], err[256] = "";
	struct buf b = { 0 };
	struct stat st;

	(void)state;
	snprintf(path, sizeof(path), "%s/f.txt", tmpdir);
	assert_int_equal(statedir_read_file(path, 100, &b, err, sizeof(err)), 1);
	assert_int_equal(statedir_write_file(path, "hello\n", 6, 0640, err, sizeof(err)), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(statedir_read_file(path, 100, &b, err, sizeof(err)), 0);
	assert_int_equal(buf_len(&b), 6);
	assert_memory_equal(buf_data(&b), "hello\n", 6);
	buf_clear(&b);
	assert_int_equal(statedir_read_file(path, 5, &b, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "too large"));
	assert_int_equal(statedir_write_file("/nonexistent/dir/f", "x", 1, 0600, err,
	    sizeof(err)), -1);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fingerprint_forms),
		cmocka_unit_test(lines),
		cmocka_unit_test(lookup),
		cmocka_unit_test(rewrite),
		cmocka_unit_test(the_file),
		cmocka_unit_test(statedir_order),
		cmocka_unit_test(statedir_files),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
