/* Unit tests for chatlog.c against real files in a temporary directory: what may sit at
 * the log path, whole records on a failed write (RLIMIT_FSIZE), replay's checks, the
 * UTC-TIME field, the old format, compaction. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "chatlog.h"
#include "tclimits.h"

#define MAX_TEXT (3 * TC_DEFAULT_MAX_LINE)

static char dir[64], path[128];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_chatlog.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/chat.log", dir);
	alarm(20);                       /* a hang (a FIFO opened blocking) fails the test */
	return 0;
}

static int teardown(void **state)
{
	char cmd[160];

	(void)state;
	alarm(0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *p, const char *s, size_t n)
{
	FILE *f = fopen(p, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(s, 1, n, f), n);
	fclose(f);
}

static char *read_file(const char *p, size_t *n)
{
	FILE *f = fopen(p, "rb");
	char *s = malloc(1 << 20);

	assert_non_null(f);
	*n = fread(s, 1, (1 << 20) - 1, f);
	s[*n] = '\0';
	fclose(f);
	return s;
}

/* What replay handed out, one "ROOM|KIND|NAME|TEXT" line each. */
static char got[1 << 16];

static void collect(void *arg, const struct chatlog_rec *r)
{
	size_t n = strlen(got);

	(void)arg;
	assert_int_equal(strlen(r->text), r->textlen);
	snprintf(got + n, sizeof(got) - n, "%lld|%s|%s|%s|%s\n", (long long)r->t, r->room,
	    r->kind, r->name, r->text);
}

static long replay(const char *p, long *skipped)
{
	char err[256];

	got[0] = '\0';
	return chatlog_replay(p, MAX_TEXT, collect, NULL, skipped, err, sizeof(err));
}

static void open_fails_with(const char *why)
{
	struct chatlog log = { .fd = -1 };
	char err[256];
	long skipped;

	assert_int_equal(chatlog_open(&log, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, why));
	assert_false(chatlog_is_open(&log));
	assert_int_equal(chatlog_replay(path, MAX_TEXT, collect, NULL, &skipped, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, why));
	chatlog_close(&log);
}

/* Issue 11 item 4: a FIFO froze the server in open(); symlinks were followed. */
static void log_path_fifo_is_refused_without_blocking(void **state)
{
	(void)state;
	assert_int_equal(mkfifo(path, 0600), 0);
	open_fails_with("it is a FIFO, not a regular file");
}

static void log_path_symlink_is_refused(void **state)
{
	char target[160];
	size_t n;
	char *s;

	(void)state;
	snprintf(target, sizeof(target), "%s/target", dir);
	write_file(target, "precious\nlast line", 18);
	assert_int_equal(symlink(target, path), 0);
	open_fails_with("it is a symbolic link");
	s = read_file(target, &n);
	assert_string_equal(s, "precious\nlast line");     /* not cut, nothing appended */
	free(s);
}

static void log_path_dangling_symlink_is_refused(void **state)
{
	char target[160];

	(void)state;
	snprintf(target, sizeof(target), "%s/nowhere", dir);
	assert_int_equal(symlink(target, path), 0);
	open_fails_with("it is a symbolic link");
	assert_int_equal(access(target, F_OK), -1);          /* not created */
}

static void log_path_directory_is_refused(void **state)
{
	(void)state;
	assert_int_equal(mkdir(path, 0700), 0);
	open_fails_with("it is a directory");
}

/* On SIGHUP, a FIFO at the path is refused and the old file kept. */
static void reopen_refusal_keeps_old_file(void **state)
{
	struct chatlog log = { .fd = -1 };
	char err[256], old[160];
	long skipped;

	(void)state;
	snprintf(old, sizeof(old), "%s.1", path);
	assert_int_equal(chatlog_open(&log, path, err, sizeof(err)), 0);
	chatlog_add(&log, 100, "lobby", "MSG", "alice", "one", 3);
	assert_int_equal(chatlog_flush(&log), 0);
	assert_int_equal(rename(path, old), 0);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(chatlog_reopen(&log, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "it is a FIFO"));
	assert_non_null(strstr(err, "still writing to the old file"));
	chatlog_add(&log, 101, "lobby", "MSG", "alice", "two", 3);
	assert_int_equal(chatlog_flush(&log), 0);
	assert_int_equal(replay(old, &skipped), 2);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(chatlog_reopen(&log, err, sizeof(err)), 0);
	assert_true(chatlog_rotated(&log));
	assert_int_equal(chatlog_reopen(&log, err, sizeof(err)), 0);
	assert_false(chatlog_rotated(&log));                 /* the same file again */
	chatlog_close(&log);
}

/* Issue 11 item 5, with a real short write: RLIMIT_FSIZE makes write(2) stop at the
 * limit and then fail with EFBIG, as a full disk does with ENOSPC. In a child. */
static int short_write_child(void)
{
	struct chatlog log = { .fd = -1 };
	struct rlimit rl;
	char err[256], text[40];
	size_t n;
	char *s;

	signal(SIGXFSZ, SIG_IGN);
	if (chatlog_open(&log, path, err, sizeof(err)) != 0 || getrlimit(RLIMIT_FSIZE, &rl))
		return 10;
	rl.rlim_cur = 200;                   /* bytes: about two and a half records */
	if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
		return 11;
	for (int i = 0; i < 5; i++) {
		snprintf(text, sizeof(text), "message number %d, some text to fill", i);
		chatlog_add(&log, 1796115917 + i, "lobby", "MSG", "alice", text, strlen(text));
	}
	if (chatlog_flush(&log) != -1 || errno != EFBIG)
		return 12;
	s = read_file(path, &n);
	if (n == 0 || s[n - 1] != '\n' || n > 200)
		return 13;                       /* torn: the partial record was not cut */
	free(s);
	chatlog_add(&log, 1796115999, "lobby", "MSG", "bob", "later", 5);
	if (chatlog_flush(&log) != 0)        /* not retried before TC_LOG_RETRY_MS */
		return 14;
	rl.rlim_cur = rl.rlim_max;           /* space again */
	setrlimit(RLIMIT_FSIZE, &rl);
	log.retry_ms = 1;                    /* the retry is due */
	if (chatlog_flush(&log) != 0)
		return 15;
	chatlog_close(&log);
	return 0;
}

static void failed_write_never_tears_records(void **state)
{
	long skipped;
	pid_t pid;
	int st;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(short_write_child());
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_int_equal(replay(path, &skipped), 6);        /* every record, whole, in order */
	assert_int_equal(skipped, 0);
	assert_non_null(strstr(got, "message number 0, some text to fill\n1796115918|"));
	assert_non_null(strstr(got, "number 4, some text to fill\n1796115999|lobby|MSG|bob|later\n"));
}

/* Issue 11 item 5: a torn record glued to the next was replayed inside it. */
static void glued_records_are_skipped_not_merged(void **state)
{
	static const char s[] =
	    "2026-12-01T09:05:17Z\t1796115917\tlobby\tMSG\talice\thello, bo"
	    "2026-12-01T09:05:18Z\t1796115918\tlobby\tMSG\tbob\tI am bob\n"
	    "1700000000\tlobby\tMSG\talice\tmy\ttabs\n"
	    "2026-12-01T09:05:19Z\t1796115919\tlobby\tMSG\tcarol\tfine\n";
	long skipped;

	(void)state;
	write_file(path, s, sizeof(s) - 1);
	assert_int_equal(replay(path, &skipped), 1);
	assert_int_equal(skipped, 2);
	assert_string_equal(got, "1796115919|lobby|MSG|carol|fine\n");
}

/* Issue 11 item 7: replayed fields pass the live rules. */
static void replay_checks_every_field(void **state)
{
	char big[6000], line[7000];
	FILE *f;
	long skipped;

	(void)state;
	memset(big, 'n', 5000);
	big[5000] = '\0';
	f = fopen(path, "wb");
	assert_non_null(f);
	fputs("2026-12-01T09:05:17Z\t1796115917\tlobby\tMSG\talice\tok\n", f);    /* good */
	fputs("2026-12-01T09:05:17Z\t1796115918\tlobby\tMSG\talice\tx\n", f);     /* times differ */
	fputs("2026-12-01T09:05:17Z\t-1\tlobby\tMSG\talice\tx\n", f);             /* bad epoch */
	fputs("2026-12-01T09:05:17Z\t1796115917\tlo bby\tMSG\talice\tx\n", f);    /* room */
	fputs("2026-12-01T09:05:17Z\t1796115917\t\tMSG\talice\tx\n", f);          /* no room */
	fputs("2026-12-01T09:05:17Z\t1796115917\tlobby\tmsg\talice\tx\n", f);     /* kind */
	fputs("2026-12-01T09:05:17Z\t1796115917\tlobby\tMSG\t[fake]\tx\n", f);    /* name */
	fputs("2026-12-01T09:05:17Z\t1796115917\tlobby\tMSG\t\tx\n", f);          /* no name */
	fputs("2026-12-01T09:05:17Z\t1796115917\tlobby\tMSG\tbob\t   \n", f);     /* blank */
	fputs("2026-12-01T09:05:17Z\t1796115917\tlobby\tRENAME\tbob\t/x\n", f);   /* new name */
	snprintf(line, sizeof(line), "2026-12-01T09:05:17Z\t1796115917\tlobby\tMSG\t%s\tx\n",
	    big);
	fputs(line, f);                                                          /* 5000 bytes */
	fputs("2026-12-01T09:05:17Z\t1796115917\tlobby\tMSG\tbob\t\x1b]0;pwn\x07\r\xff!\n", f);
	fputs("2026-12-01T09:05:17Z\t1796115917\t#dev\tTOPIC\tbob\tnew kinds pass\n", f);
	fputs("2026-12-01T09:05:17Z\t1796115917\tdev\tEVICT\t\t\n", f);
	fputs("2026-12-01T09:05:17Z\t1796115917\tdev\tJOIN\t  carol  \t\n", f);
	fputs("1700000000\tlobby\tMSG\tbob\ttorn", f);
	fclose(f);
	assert_int_equal(replay(path, &skipped), 5);
	assert_int_equal(skipped, 11);
	assert_string_equal(got,
	    "1796115917|lobby|MSG|alice|ok\n"
	    "1796115917|lobby|MSG|bob|]0;pwn\xef\xbf\xbd!\n"
	    "1796115917|dev|TOPIC|bob|new kinds pass\n"
	    "1796115917|dev|EVICT||\n"
	    "1796115917|dev|JOIN|carol|\n");
}

/* Issue 20 point 3: an action ("/me waves") is an ACTION record, held to MSG's rules:
 * a name and non-blank text. */
static void action_records_are_checked_like_messages(void **state)
{
	static const char log[] = "2026-12-01T09:05:17Z\t1796115917\tlobby\tACTION\talice\twaves\n"
	    "2026-12-01T09:05:18Z\t1796115918\tlobby\tACTION\talice\t  \n"       /* blank */
	    "2026-12-01T09:05:18Z\t1796115918\tlobby\tACTION\t\tno one\n"        /* no name */
	    "1796115919\tlobby\tACTION\tbob\tnods\n";                            /* old form */
	long skipped;

	(void)state;
	write_file(path, log, sizeof(log) - 1);
	assert_int_equal(replay(path, &skipped), 2);
	assert_int_equal(skipped, 2);
	assert_string_equal(got, "1796115917|lobby|ACTION|alice|waves\n"
	    "1796115919|lobby|ACTION|bob|nods\n");
}

/* Issue 11 item 7: one 12 MiB record got every joiner dropped. It is skipped, streamed. */
static void over_long_record_is_skipped(void **state)
{
	static const char good[] = "1700000000\tlobby\tMSG\talice\tbefore\n";
	static const char after[] = "1700000001\tlobby\tMSG\talice\tafter\n";
	size_t big = 12 << 20;
	char *s = malloc(sizeof(good) + big + sizeof(after));
	long skipped;

	(void)state;
	memcpy(s, good, sizeof(good) - 1);
	memcpy(s + sizeof(good) - 1, "1700000000\tlobby\tMSG\talice\t", 27);
	memset(s + sizeof(good) - 1 + 27, 'x', big - 28);
	s[sizeof(good) - 1 + big - 1] = '\n';
	memcpy(s + sizeof(good) - 1 + big, after, sizeof(after) - 1);
	write_file(path, s, sizeof(good) - 1 + big + sizeof(after) - 1);
	free(s);
	assert_int_equal(replay(path, &skipped), 2);
	assert_int_equal(skipped, 1);
	assert_string_equal(got, "1700000000|lobby|MSG|alice|before\n"
	    "1700000001|lobby|MSG|alice|after\n");
}

/* Issue 14: a readable UTC time, so grep 2026-12-01 finds the day; old logs replay. */
static void records_carry_utc_time(void **state)
{
	struct chatlog log = { .fd = -1 };
	char err[256];
	size_t n;
	char *s;
	long skipped;

	(void)state;
	write_file(path, "1700000000\tlobby\tMSG\talice\tfrom 1.0\n", 36);
	assert_int_equal(chatlog_open(&log, path, err, sizeof(err)), 0);
	chatlog_add(&log, 1796115917, "lobby", "MSG", "bob", "hi", 2);
	chatlog_add(&log, 1796115917, "lobby", "MSG", "bob", "a\ttab", 5);   /* refused */
	assert_int_equal(chatlog_flush(&log), 0);
	assert_int_equal(log.dropped, 1);
	chatlog_close(&log);
	s = read_file(path, &n);
	assert_string_equal(s, "1700000000\tlobby\tMSG\talice\tfrom 1.0\n"
	    "2026-12-01T09:05:17Z\t1796115917\tlobby\tMSG\tbob\thi\n");
	free(s);
	assert_int_equal(replay(path, &skipped), 2);
	assert_int_equal(skipped, 0);
	assert_string_equal(got, "1700000000|lobby|MSG|alice|from 1.0\n"
	    "1796115917|lobby|MSG|bob|hi\n");
}

struct kept {
	const struct chatlog_rec *recs;
	size_t n, i;
};

static bool next_kept(void *arg, struct chatlog_rec *rec)
{
	struct kept *k = arg;

	if (k->i == k->n)
		return false;
	*rec = k->recs[k->i++];
	return true;
}

static int files_in_dir(void)
{
	DIR *d = opendir(dir);
	int n = 0;

	while (readdir(d) != NULL)
		n++;
	closedir(d);
	return n - 2;
}

/* Issue 11 item 6 / issue 12: the log is rewritten atomically with what is kept. */
static void compaction_keeps_exactly_what_is_handed(void **state)
{
	static const struct chatlog_rec recs[] = {
		{ 1796115917, "lobby", "MSG", "alice", "kept one", 8 },
		{ 1796115918, "dev", "TOPIC", "bob", "a topic", 7 },
		{ 1796115919, "lobby", "MSG", "bad", "tab\there", 8 },   /* left out */
	};
	struct kept k = { recs, 3, 0 };
	struct chatlog log = { .fd = -1 };
	struct stat before, after;
	char err[256];
	long skipped;

	(void)state;
	assert_int_equal(chatlog_open(&log, path, err, sizeof(err)), 0);
	for (int i = 0; i < 100; i++)
		chatlog_add(&log, 1700000000 + i, "lobby", "MSG", "alice", "old", 3);
	assert_int_equal(stat(path, &before), 0);
	assert_int_equal(chatlog_compact(&log, next_kept, &k, err, sizeof(err)), 2);
	chatlog_add(&log, 1796115920, "lobby", "MSG", "carol", "appended", 8);
	assert_int_equal(chatlog_flush(&log), 0);
	assert_int_equal(stat(path, &after), 0);
	assert_true(before.st_ino != after.st_ino);
	assert_int_equal(after.st_mode & 0777, 0600);
	assert_int_equal(files_in_dir(), 1);                  /* no temporary file left */
	chatlog_close(&log);
	assert_int_equal(replay(path, &skipped), 3);
	assert_int_equal(skipped, 0);
	assert_string_equal(got, "1796115917|lobby|MSG|alice|kept one\n"
	    "1796115918|dev|TOPIC|bob|a topic\n1796115920|lobby|MSG|carol|appended\n");
}

/* A compaction that cannot write (RLIMIT_FSIZE) leaves the log as it was. */
static int failed_compaction_child(void)
{
	static char text[300];
	struct chatlog_rec recs[4];
	struct kept k = { recs, 4, 0 };
	struct chatlog log = { .fd = -1 };
	struct rlimit rl;
	char err[256];

	signal(SIGXFSZ, SIG_IGN);
	memset(text, 'y', sizeof(text) - 1);
	for (int i = 0; i < 4; i++)
		recs[i] = (struct chatlog_rec){ 1700000000, "lobby", "MSG", "a", text, 299 };
	if (chatlog_open(&log, path, err, sizeof(err)) != 0)
		return 10;
	chatlog_add(&log, 1700000000, "lobby", "MSG", "alice", "stays", 5);
	if (getrlimit(RLIMIT_FSIZE, &rl) != 0)
		return 11;
	rl.rlim_cur = 150;                   /* bytes: the pending record fits, the copy not */
	if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
		return 11;
	if (chatlog_compact(&log, next_kept, &k, err, sizeof(err)) != -1)
		return 12;
	if (strstr(err, "cannot compact log") == NULL || files_in_dir() != 1)
		return 13;
	chatlog_close(&log);
	return 0;
}

static void failed_compaction_keeps_the_log(void **state)
{
	long skipped;
	pid_t pid;
	int st;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(failed_compaction_child());
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_int_equal(replay(path, &skipped), 1);
	assert_string_equal(got, "1700000000|lobby|MSG|alice|stays\n");
}

static void compaction_threshold(void **state)
{
	(void)state;
	assert_false(chatlog_should_compact(TC_LOG_COMPACT_MIN_RECORDS - 1, 0));
	assert_true(chatlog_should_compact(TC_LOG_COMPACT_MIN_RECORDS, 0));
	assert_false(chatlog_should_compact(40000, 10000));
	assert_true(chatlog_should_compact(40001, 10000));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(log_path_fifo_is_refused_without_blocking),
		T(log_path_symlink_is_refused),
		T(log_path_dangling_symlink_is_refused),
		T(log_path_directory_is_refused),
		T(reopen_refusal_keeps_old_file),
		T(failed_write_never_tears_records),
		T(glued_records_are_skipped_not_merged),
		T(replay_checks_every_field),
		T(over_long_record_is_skipped),
		T(action_records_are_checked_like_messages),
		T(records_carry_utc_time),
		T(compaction_keeps_exactly_what_is_handed),
		T(failed_compaction_keeps_the_log),
		T(compaction_threshold),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
