/* Unit tests for options.c: the command line of serve, connect and the classic TCPChat
 * name: defaults, every option, HOST[:PORT] forms, the settings file of connect (its
 * lines before the command line's, a bad line named by file and line), and every usage
 * error with its message and exit status 2 (in a child process: they exit). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <getopt.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#define TMPDIR_NAME "/tmp/test_options.XXXXXX"
#include "tmpdir.h"

#include "options.h"
#include "tclimits.h"

#define MAXARGS 40

/* Split a command line at spaces into argv (static storage). */
static int split(const char *line, char **argv)
{
	static char store[1024];
	int argc = 0;

	snprintf(store, sizeof(store), "%s", line);
	for (char *p = strtok(store, " "); p != NULL && argc < MAXARGS - 1; p = strtok(NULL, " "))
		argv[argc++] = p;
	argv[argc] = NULL;
	return argc;
}

static struct serve_options sopt;
static struct connect_options copt;

/* glibc's getopt keeps its permutation state between parses unless optind is 0; the
 * program parses once, these tests many times: start each parse afresh. */
static void getopt_afresh(void)
{
	static char a0[] = "x";
	char *argv[] = { a0, NULL };

	optind = 0;
	(void)getopt(1, argv, "");
}

static void serve(const char *line)
{
	char *argv[MAXARGS];
	int argc = split(line, argv);

	getopt_afresh();
	options_serve(argc, argv, &sopt);
}

static void connect_(const char *line)
{
	char *argv[MAXARGS];
	int argc = split(line, argv);

	getopt_afresh();
	options_connect(argc, argv, &copt);
}

/* connect, then what it parsed on stdout (for a child). */
static void connect_print(const char *line)
{
	connect_(line);
	printf("host=%s name=%s plain=%d port=%d\n", copt.host, copt.name ? copt.name : "-",
	    copt.plain, copt.port);
}

static void classic(const char *line)
{
	char *argv[MAXARGS];
	int argc = split(line, argv);

	getopt_afresh();
	options_classic(argc, argv, &sopt);
}

/* Read a pipe to its end. */
static void slurp(int fd, char *out, size_t outsz)
{
	size_t got = 0;
	ssize_t n;

	while (got < outsz - 1 && (n = read(fd, out + got, outsz - 1 - got)) > 0)
		got += (size_t)n;
	out[got] = '\0';
	close(fd);
}

/* Run parse(line) in a child; its exit status (0 when it returned), stdout, stderr. */
static int in_child(void (*parse)(const char *), const char *line, char *out, char *err,
    size_t sz)
{
	int o[2], e[2], st;
	pid_t pid;

	assert_int_equal(pipe(o), 0);
	assert_int_equal(pipe(e), 0);
	fflush(stdout);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(o[1], 1);
		dup2(e[1], 2);
		close(o[0]), close(e[0]), close(o[1]), close(e[1]);
		parse(line);
		fflush(stdout);
		_exit(0);
	}
	close(o[1]), close(e[1]);
	slurp(o[0], out, sz);
	slurp(e[0], err, sz);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char out[8192], err[8192];

/* A usage error of serve: status 2, this first line, the hint after it. */
static void serve_refuses(const char *line, const char *first)
{
	char want[512];

	assert_int_equal(in_child(serve, line, out, err, sizeof(out)), 2);
	snprintf(want, sizeof(want), "%s\nTry 'tcpchat serve --help' for more information.\n",
	    first);
	assert_string_equal(err, want);
	assert_string_equal(out, "");
}

static void connect_refuses(const char *line, const char *first)
{
	char want[512];

	assert_int_equal(in_child(connect_, line, out, err, sizeof(out)), 2);
	snprintf(want, sizeof(want), "%s\nTry 'tcpchat connect --help' for more information.\n",
	    first);
	assert_string_equal(err, want);
}

static int group_setup(void **state)
{
	(void)state;
	if (tmpdir_make() != 0)
		return -1;
	setenv("XDG_CONFIG_HOME", tmpdir, 1);     /* no settings file unless a test writes one */
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	return tmpdir_remove();
}

/* --- options_parse_int --------------------------------------------------------------- */

static void integers_in_range_only(void **state)
{
	long v = -7;

	(void)state;
	assert_int_equal(options_parse_int("0", 0, 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(options_parse_int("007", 0, 10, &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(options_parse_int("10", 0, 10, &v), 0);
	v = -7;
	assert_int_equal(options_parse_int("11", 0, 10, &v), -1);
	assert_int_equal(options_parse_int("4", 5, 10, &v), -1);
	assert_int_equal(options_parse_int("-1", -5, 10, &v), -1);   /* no sign at all */
	assert_int_equal(options_parse_int("+1", 0, 10, &v), -1);
	assert_int_equal(options_parse_int(" 1", 0, 10, &v), -1);
	assert_int_equal(options_parse_int("1 ", 0, 10, &v), -1);
	assert_int_equal(options_parse_int("1x", 0, 10, &v), -1);
	assert_int_equal(options_parse_int("", 0, 10, &v), -1);
	assert_int_equal(options_parse_int(NULL, 0, 10, &v), -1);
	assert_int_equal(options_parse_int("99999999999999999999999", 0, LONG_MAX, &v), -1);
	assert_int_equal(v, -7);                               /* untouched when refused */
}

/* --- serve --------------------------------------------------------------------------- */

static void serve_defaults(void **state)
{
	(void)state;
	serve("serve");
	assert_int_equal(sopt.port, TC_DEFAULT_PORT);
	assert_null(sopt.bind);
	assert_int_equal(sopt.max_clients, TC_DEFAULT_MAX_CLIENTS);
	assert_int_equal(sopt.history, TC_DEFAULT_HISTORY);
	assert_int_equal(sopt.replay, -1);
	assert_int_equal(sopt.max_line, TC_DEFAULT_MAX_LINE);
	assert_int_equal(sopt.rate_limit, TC_DEFAULT_RATE);
	assert_int_equal(sopt.name_timeout, TC_DEFAULT_NAME_TIMEOUT);
	assert_int_equal(sopt.max_queue_kib, TC_DEFAULT_MAX_QUEUE_KIB);
	assert_int_equal(sopt.announce_max, TC_DEFAULT_ANNOUNCE_MAX);
	assert_int_equal(sopt.stall_timeout, TC_DEFAULT_STALL_TIMEOUT);
	assert_int_equal(sopt.max_total_queue_mib, TC_DEFAULT_MAX_TOTAL_QUEUE_MIB);
	assert_int_equal(sopt.tls_port, TC_DEFAULT_TLS_PORT);
	assert_int_equal(sopt.max_per_ip, TC_DEFAULT_MAX_PER_ADDR);
	assert_int_equal(sopt.max_per_ip_rate, TC_DEFAULT_ADDR_PER_MINUTE);
	assert_int_equal(sopt.irc_port, -1);
	assert_int_equal(sopt.irc_tls_port, -1);
	assert_int_equal(sopt.verbosity, 0);
	assert_false(sopt.tls || sopt.tls_only || sopt.reuse_port);
	assert_null(sopt.redis);
}

static void serve_short_options(void **state)
{
	(void)state;
	serve("serve -p 0 -b ::1 -m 5 -H 0 -l x.log -L 64 -r 0 -t 0 -Q 16 -A 0 -v -v");
	assert_int_equal(sopt.port, 0);
	assert_string_equal(sopt.bind, "::1");
	assert_int_equal(sopt.max_clients, 5);
	assert_int_equal(sopt.history, 0);
	assert_string_equal(sopt.log_path, "x.log");
	assert_int_equal(sopt.max_line, TC_MIN_MAX_LINE);
	assert_int_equal(sopt.rate_limit, 0);
	assert_int_equal(sopt.name_timeout, 0);
	assert_int_equal(sopt.max_queue_kib, 16);
	assert_int_equal(sopt.announce_max, 0);
	assert_int_equal(sopt.verbosity, 2);
	serve("serve -q");
	assert_int_equal(sopt.verbosity, -1);
	serve("serve -q -v");                         /* -v after -q: activity */
	assert_int_equal(sopt.verbosity, 1);
	serve("serve 2525");                          /* the port as an operand */
	assert_int_equal(sopt.port, 2525);
}

static void serve_long_options(void **state)
{
	(void)state;
	serve("serve --port=7 --replay 3 --tls --tls-port 0 --tls-cert c.pem --tls-key k.pem "
	    "--state-dir /s --max-per-ip 0 --max-per-ip-rate 0 --oper-file o --motd m "
	    "--password-file pw --redis redis://r:1/2 --reuse-port --irc-port 0 "
	    "--irc-tls-port 6697 --server-name chat.example --stall-timeout 0 "
	    "--max-total-queue 1 --max-line 65536");
	assert_int_equal(sopt.port, 7);
	assert_int_equal(sopt.replay, 3);
	assert_true(sopt.tls);
	assert_false(sopt.tls_only);
	assert_int_equal(sopt.tls_port, 0);
	assert_string_equal(sopt.tls_cert, "c.pem");
	assert_string_equal(sopt.tls_key, "k.pem");
	assert_string_equal(sopt.state_dir, "/s");
	assert_int_equal(sopt.max_per_ip, 0);
	assert_int_equal(sopt.max_per_ip_rate, 0);
	assert_string_equal(sopt.oper_file, "o");
	assert_string_equal(sopt.motd_path, "m");
	assert_string_equal(sopt.password_file, "pw");
	assert_string_equal(sopt.redis, "redis://r:1/2");
	assert_true(sopt.reuse_port);
	assert_int_equal(sopt.irc_port, 0);
	assert_int_equal(sopt.irc_tls_port, 6697);
	assert_string_equal(sopt.server_name, "chat.example");
	assert_int_equal(sopt.stall_timeout, 0);
	assert_int_equal(sopt.max_total_queue_mib, 1);
	assert_int_equal(sopt.max_line, TC_MAX_MAX_LINE);
	serve("serve --tls-only");
	assert_true(sopt.tls && sopt.tls_only);
}

static void serve_range_errors(void **state)
{
	(void)state;
	serve_refuses("serve -p 65536", "tcpchat serve: invalid port '65536' (expected 0 to 65535)");
	serve_refuses("serve -p -1", "tcpchat serve: invalid port '-1' (expected 0 to 65535)");
	serve_refuses("serve -p 80x", "tcpchat serve: invalid port '80x' (expected 0 to 65535)");
	serve_refuses("serve 99999", "tcpchat serve: invalid port '99999' (expected 0 to 65535)");
	serve_refuses("serve -m 0", "tcpchat serve: invalid client limit '0' (expected 1 to 100000)");
	serve_refuses("serve -L 63", "tcpchat serve: invalid line limit '63' (expected 64 to 65536)");
	serve_refuses("serve -L 65537",
	    "tcpchat serve: invalid line limit '65537' (expected 64 to 65536)");
	serve_refuses("serve -H 100001",
	    "tcpchat serve: invalid history length '100001' (expected 0 to 100000)");
	serve_refuses("serve -Q 15", "tcpchat serve: invalid queue limit '15' (expected 16 to 4194304)");
	serve_refuses("serve -t 86401",
	    "tcpchat serve: invalid name timeout '86401' (expected 0 to 86400)");
	serve_refuses("serve --max-total-queue 0",
	    "tcpchat serve: invalid total queue limit '0' (expected 1 to 1048576)");
	serve_refuses("serve --irc-port 70000",
	    "tcpchat serve: invalid IRC port '70000' (expected 0 to 65535)");
}

static void serve_usage_errors(void **state)
{
	(void)state;
	serve_refuses("serve --bogus", "tcpchat serve: unknown option '--bogus'");
	serve_refuses("serve -x", "tcpchat serve: unknown option '-x'");
	serve_refuses("serve -p", "tcpchat serve: missing argument for option '-p'");
	serve_refuses("serve 1 2", "tcpchat serve: unexpected argument '2'");
	serve_refuses("serve --tls-port 1", "tcpchat serve: --tls-port, --tls-cert and --tls-key need --tls");
	serve_refuses("serve --tls-cert c", "tcpchat serve: --tls-port, --tls-cert and --tls-key need --tls");
	serve_refuses("serve --tls --tls-key k", "tcpchat serve: --tls-key needs --tls-cert");
	serve_refuses("serve --irc-tls-port 6697", "tcpchat serve: --irc-tls-port needs --tls");
}

static void serve_help_and_version_exit_0(void **state)
{
	(void)state;
	assert_int_equal(in_child(serve, "serve --help", out, err, sizeof(out)), 0);
	assert_int_equal(strncmp(out, "Usage: tcpchat serve [OPTION]... [PORT]\n", 40), 0);
	assert_non_null(strstr(out, "  -p, --port PORT "));
	assert_string_equal(err, "");
	assert_int_equal(in_child(serve, "serve -V", out, err, sizeof(out)), 0);
	assert_string_equal(out, "tcpchat " TCPCHAT_VERSION "\n");
}

/* --- connect ------------------------------------------------------------------------- */

static void connect_host_and_port_forms(void **state)
{
	(void)state;
	connect_("connect chat.example");
	assert_string_equal(copt.host, "chat.example");
	assert_int_equal(copt.port, TC_DEFAULT_PORT);
	assert_int_equal(copt.keepalive, TC_CLIENT_KEEPALIVE);
	assert_null(copt.name);
	connect_("connect chat.example 2525");
	assert_int_equal(copt.port, 2525);
	connect_("connect chat.example:2526");
	assert_string_equal(copt.host, "chat.example");
	assert_int_equal(copt.port, 2526);
	connect_("connect [::1]:2527");
	assert_string_equal(copt.host, "::1");
	assert_int_equal(copt.port, 2527);
	connect_("connect [::1]");
	assert_string_equal(copt.host, "::1");
	assert_int_equal(copt.port, TC_DEFAULT_PORT);
	connect_("connect 2001:db8::1");              /* a bare IPv6 address is a host */
	assert_string_equal(copt.host, "2001:db8::1");
	assert_int_equal(copt.port, TC_DEFAULT_PORT);
	connect_("connect -p 3000 h");
	assert_int_equal(copt.port, 3000);
}

static void connect_tls_picks_its_port(void **state)
{
	(void)state;
	connect_("connect --tls h");
	assert_true(copt.tls);
	assert_int_equal(copt.port, TC_DEFAULT_TLS_PORT);
	connect_("connect --tls h 443");
	assert_int_equal(copt.port, 443);
	connect_("connect --tls h:444");
	assert_int_equal(copt.port, 444);
	connect_("connect --tls -p 445 h");
	assert_int_equal(copt.port, 445);
	connect_("connect --tls-fingerprint AB:CD h");
	assert_true(copt.tls);
	assert_string_equal(copt.tls_fingerprint, "AB:CD");
	assert_int_equal(copt.port, TC_DEFAULT_TLS_PORT);
}

static void connect_plain_mode_options(void **state)
{
	(void)state;
	connect_("connect -n bot --listen h");
	assert_true(copt.listen && copt.plain);
	assert_string_equal(copt.name, "bot");
	connect_("connect --json h");
	assert_true(copt.json && copt.plain);
	connect_("connect --reconnect h");
	assert_true(copt.reconnect && copt.plain);
	connect_("connect --no-history --no-bell --no-mouse -j dev,ops --time-format %H "
	    "--keepalive 0 -P h");
	assert_true(copt.no_history && copt.no_bell && copt.no_mouse && copt.plain);
	assert_false(copt.json);
	assert_string_equal(copt.join, "dev,ops");
	assert_string_equal(copt.time_format, "%H");
	assert_int_equal(copt.keepalive, 0);
	assert_null(copt.server_password_file);
	connect_("connect --server-password-file /run/pw h");
	assert_string_equal(copt.server_password_file, "/run/pw");
	assert_false(copt.plain);                     /* both front ends take it */
}

static void connect_usage_errors(void **state)
{
	(void)state;
	connect_refuses("connect", "tcpchat connect: missing HOST");
	connect_refuses("connect --listen h", "tcpchat connect: --listen needs --name");
	connect_refuses("connect h:0", "tcpchat connect: invalid port '0' (expected 1 to 65535)");
	connect_refuses("connect h 65536", "tcpchat connect: invalid port '65536' (expected 1 to 65535)");
	connect_refuses("connect [::1]x", "tcpchat connect: bad host '[::1]x'");
	connect_refuses("connect a 1 c", "tcpchat connect: unexpected argument 'c'");
	connect_refuses("connect --keepalive 86401 h",
	    "tcpchat connect: invalid keepalive '86401' (expected 0 to 86400)");
	connect_refuses("connect --nope h", "tcpchat connect: unknown option '--nope'");
	connect_refuses("connect h -n", "tcpchat connect: missing argument for option '-n'");
}

/* The settings file: its lines come before the command line's (which wins); a bad line
 * is named by its file and line. */
static void connect_settings_file(void **state)
{
	char dir[sizeof(tmpdir) + 16], path[sizeof(tmpdir) + 32], want[256];
	FILE *f;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/tcpchat", tmpdir);
	snprintf(path, sizeof(path), "%s/config", dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("# mine\n\nname = cfg\nplain = yes\nhost = h.example\nport = 4000\n", f);
	fclose(f);
	/* In a child each time: the file is read into storage kept for the run. */
	assert_int_equal(in_child(connect_print, "connect", out, err, sizeof(out)), 0);
	assert_string_equal(out, "host=h.example name=cfg plain=1 port=4000\n");
	assert_int_equal(in_child(connect_print, "connect -n cli other 5000", out, err,
	    sizeof(out)), 0);
	assert_string_equal(out, "host=other name=cli plain=1 port=5000\n");
	f = fopen(path, "w");
	fputs("name = ok\nport = 99999\n", f);
	fclose(f);
	snprintf(want, sizeof(want), "tcpchat connect: %s:2: invalid port '99999' (expected 1 to "
	    "65535)", path);
	connect_refuses("connect h", want);
	f = fopen(path, "w");
	fputs("nonsense\n", f);
	fclose(f);
	assert_int_equal(in_child(connect_, "connect h", out, err, sizeof(out)), 2);
	snprintf(want, sizeof(want), "tcpchat connect: %s:1: expected `key = value`\n", path);
	assert_string_equal(err, want);
	unlink(path);
	rmdir(dir);
}

/* --- the classic name -------------------------------------------------------------- */

static void classic_takes_one_port(void **state)
{
	(void)state;
	classic("TCPChat");
	assert_int_equal(sopt.port, TC_DEFAULT_PORT);
	assert_int_equal(sopt.max_clients, TC_CLASSIC_MAX_CLIENTS);
	classic("TCPChat 7000");
	assert_int_equal(sopt.port, 7000);
	assert_int_equal(sopt.max_clients, TC_CLASSIC_MAX_CLIENTS);
	assert_int_equal(in_child(classic, "TCPChat x", out, err, sizeof(out)), 2);
	assert_string_equal(out, "[USAGE]: ./TCPChat $port\n");
	assert_int_equal(in_child(classic, "TCPChat 1 2", out, err, sizeof(out)), 2);
	assert_string_equal(out, "[USAGE]: ./TCPChat $port\n");
	assert_int_equal(in_child(classic, "TCPChat 65536", out, err, sizeof(out)), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(integers_in_range_only),
		cmocka_unit_test(serve_defaults),
		cmocka_unit_test(serve_short_options),
		cmocka_unit_test(serve_long_options),
		cmocka_unit_test(serve_range_errors),
		cmocka_unit_test(serve_usage_errors),
		cmocka_unit_test(serve_help_and_version_exit_0),
		cmocka_unit_test(connect_host_and_port_forms),
		cmocka_unit_test(connect_tls_picks_its_port),
		cmocka_unit_test(connect_plain_mode_options),
		cmocka_unit_test(connect_usage_errors),
		cmocka_unit_test(connect_settings_file),
		cmocka_unit_test(classic_takes_one_port),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
