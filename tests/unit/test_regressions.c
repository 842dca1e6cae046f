/*
 * test_regressions.c: every crash or invariant failure the fuzzers (tests/fuzz/) or the
 * hardening tests found, as a named test, plus the invariants they check pinned on a
 * few hand-made inputs.
 *
 * Tests named test_bug_* reproduce a finding reported to the lead; they fail until the
 * server is fixed. The chat is driven as tests/fuzz/fuzz_conn.c drives it: connections
 * without a transport, input appended to c->in and handled by session_input(), queued output taken
 * from c->out, closing connections freed as the server's finish_conn() does.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "chat.h"
#include "conn.h"
#include "session.h"
#include "text.h"
#include "line.h"
#include "log.h"
#include "tclimits.h"
#include "utf8.h"

/* --- helpers ------------------------------------------------------------------------ */

/* Offset of the first byte that is invalid UTF-8 or a control other than LF (and TAB if
 * tab); n if none. Independent of line.c on purpose. */
static size_t first_unsafe(const char *p, size_t n, int tab)
{
	const unsigned char *s = (const unsigned char *)p;

	for (size_t i = 0; i < n;) {
		unsigned v, min;
		size_t k;

		if (s[i] < 0x80) {
			if ((s[i] < 0x20 && s[i] != '\n' && !(tab && s[i] == '\t')) || s[i] == 0x7f)
				return i;
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0)
			k = 2, v = s[i] & 0x1fu, min = 0x80;
		else if ((s[i] & 0xf0) == 0xe0)
			k = 3, v = s[i] & 0x0fu, min = 0x800;
		else if ((s[i] & 0xf8) == 0xf0)
			k = 4, v = s[i] & 0x07u, min = 0x10000;
		else
			return i;
		if (n - i < k)
			return i;
		for (size_t j = 1; j < k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return i;
			v = (v << 6) | (s[i + j] & 0x3fu);
		}
		if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff) || (v >= 0x80 && v <= 0x9f))
			return i;
		i += k;
	}
	return n;
}

#define NCONN 3

struct fixture {
	struct chat ch;
	struct conn *c[NCONN];
	struct buf got[NCONN];  /* everything each connection was sent */
};

static struct fixture fx;
static struct conn_list pending;

static struct session *sess(struct conn *c)
{
	return c->owner;
}

/* The server's before_sleep(): collect what is queued, free what is closing. */
static void drain(void)
{
	struct conn *c;

	while ((c = conn_pending_take(&pending)) != NULL) {
		int who = -1;

		for (int i = 0; i < NCONN; i++)
			if (fx.c[i] == c)
				who = i;
		assert_true(who >= 0);
		if (buf_len(&c->out) > 0)
			buf_append(&fx.got[who], buf_data(&c->out), buf_len(&c->out));
		buf_free(&c->out);
		if (c->closing) {
			session_leave(&fx.ch, sess(c));
			session_free(sess(c));
			conn_free(c);
			fx.c[who] = NULL;
		}
	}
}

static void feed(int who, const void *p, size_t n)
{
	buf_append(&fx.c[who]->in, p, n);
	assert_false(session_input(&fx.ch, sess(fx.c[who]), 1000));
	drain();
}

static void feed_str(int who, const char *s)
{
	feed(who, s, strlen(s));
}

/* What who was sent since the last call, as a NUL-terminated string (freed by the
 * next call). */
static const char *output(int who)
{
	static char *last;

	free(last);
	last = malloc(buf_len(&fx.got[who]) + 1);
	if (buf_len(&fx.got[who]) > 0)
		memcpy(last, buf_data(&fx.got[who]), buf_len(&fx.got[who]));
	last[buf_len(&fx.got[who])] = '\0';
	buf_free(&fx.got[who]);
	return last;
}

/* alice (nc) and bob (client dialect) chatting in the lobby, eve (nc) named too. */
static int setup(void **state)
{
	(void)state;
	log_set_level(LOG_ERROR - 1);
	memset(&fx, 0, sizeof(fx));
	chat_init(&fx.ch, 4096, 0, 16);
	for (int i = 0; i < NCONN; i++) {
		fx.c[i] = conn_new(NULL, "test-peer", 1000, &pending);
		fx.c[i]->owner = session_new(&fx.ch, &front_text, NULL, fx.c[i], 1000);
		session_greet(&fx.ch, sess(fx.c[i]));
	}
	drain();
	feed_str(0, "alice\n");
	feed_str(1, "/TCPCHAT 1\nbob\n");
	feed_str(2, "eve\n");
	for (int i = 0; i < NCONN; i++)
		output(i);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (int i = 0; i < NCONN; i++)
		if (fx.c[i] != NULL)
			conn_close(fx.c[i], "end of test");
	drain();
	for (int i = 0; i < NCONN; i++)
		buf_free(&fx.got[i]);
	output(0);
	chat_free(&fx.ch);
	return 0;
}

static void assert_safe(int who, const char *s)
{
	size_t n = strlen(s), bad = first_unsafe(s, n, who == 1);

	if (bad != n)
		fail_msg("connection %d was sent unsafe bytes at %zu: \"%.60s\"", who, bad,
		    s + (bad > 30 ? bad - 30 : 0));
}

/* --- findings ------------------------------------------------------------------------ */

/* fuzz_conn, crash-bb88aae9 (own output not terminal safe): "Unknown command: /%.*s"
 * cuts the command word at 32 bytes, which can split a UTF-8 sequence, so the sender is
 * sent invalid UTF-8. The word here is 11 three-byte characters (33 bytes). */
static void test_bug_unknown_command_cut_keeps_utf8(void **state)
{
	const char *out;

	(void)state;
	feed_str(2, "/\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5"
	    "\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5 x\n");
	out = output(2);
	assert_non_null(strstr(out, "Unknown command: /"));
	assert_safe(2, out);
}

/* The same cut in "No such user: %.*s" (64 bytes): 22 three-byte characters. */
static void test_bug_no_such_user_cut_keeps_utf8(void **state)
{
	char line[128] = "/msg ";
	const char *out;

	(void)state;
	for (int i = 0; i < 22; i++)
		strcat(line, "\xe6\x97\xa5");
	strcat(line, " hi\n");
	feed_str(2, line);
	out = output(2);
	assert_non_null(strstr(out, "No such user: "));
	assert_safe(2, out);
}

/* test_hardening.py, test_bug_log_escapes_c1_and_invalid_utf8: log_escape() turns C0
 * controls and DEL into \xHH but passes C1 controls (U+009B is CSI to many terminals)
 * and stray bytes such as 0x9b through to the operator's terminal (at -vv, a refused
 * name is logged as typed). */
static void test_bug_log_escape_c1(void **state)
{
	static const char in[] = "x\xc2\x9b""31m \x9b""2J \xe6\x97\xa5 \x1b";
	char out[4 * TC_LOG_PEER_TEXT_MAX];

	(void)state;
	log_escape(in, sizeof(in) - 1, out, sizeof(out));
	assert_int_equal(first_unsafe(out, strlen(out), 0), strlen(out));
	assert_non_null(strstr(out, "\xe6\x97\xa5"));     /* valid UTF-8 stays readable */
}

/* --- invariants, pinned ---------------------------------------------------------------- */

/* Escape sequences and controls never reach another client, in either dialect. */
static void test_controls_not_forwarded(void **state)
{
	static const char in[] =
	    "a\x1b[2J\x07\x08\x7f\x00z \xc2\x9b""31m \x9b \x1b]52;c;eA==\x07 t\tab\r\n";
	const char *out;

	(void)state;
	feed(2, in, sizeof(in) - 1);
	out = output(0);
	assert_safe(0, out);
	assert_non_null(strstr(out, "[eve]:a[2Jz 31m \xef\xbf\xbd ]52;c;eA== t ab\n"));
	out = output(1);
	assert_safe(1, out);
	assert_non_null(strstr(out, "\teve\ta[2Jz 31m \xef\xbf\xbd ]52;c;eA== t ab\n"));
	output(2);
}

/* A 4 MiB line in 16 KiB reads: one error, never more than limit + 1 bytes kept, the
 * connection still works afterwards, nobody else sees any of it. */
static void test_huge_line_not_buffered(void **state)
{
	static char chunk[16384];
	const char *out;

	(void)state;
	memset(chunk, 'L', sizeof(chunk));
	for (int i = 0; i < 256; i++) {
		feed(2, chunk, sizeof(chunk));
		assert_true(buf_len(&fx.c[2]->in) <= fx.ch.max_line + 1);
	}
	feed_str(2, "\nafter\n");
	out = output(2);
	assert_non_null(strstr(out, "Line too long (more than 4096 bytes), dropped.\n"));
	assert_null(strstr(strstr(out, "Line too long") + 1, "Line too long"));
	out = output(0);
	assert_null(strchr(out, 'L'));
	assert_non_null(strstr(out, "[eve]:after\n"));
	output(1);
}

/* Framing at the limit: max bytes + CR is a line; max + 1 bytes is not. */
static void test_line_limit_boundaries(void **state)
{
	struct line_reader r = { 0 };
	struct buf in = { 0 };
	const char *line;
	size_t len, used;
	char big[70];

	(void)state;
	memset(big, 'x', sizeof(big));
	buf_append(&in, big, 64);
	buf_append(&in, "\r\n", 2);
	assert_int_equal(line_next(&r, &in, 64, &line, &len, &used), LINE_OK);
	assert_int_equal(len, 64);
	assert_int_equal(used, 66);
	buf_consume(&in, used);
	buf_append(&in, big, 65);
	assert_int_equal(line_next(&r, &in, 64, &line, &len, &used), LINE_NONE);
	buf_append(&in, "\n", 1);
	assert_int_equal(line_next(&r, &in, 64, &line, &len, &used), LINE_TOO_LONG);
	buf_consume(&in, used);
	assert_int_equal(buf_len(&in), 0);
	buf_free(&in);
}

/* Sanitising: valid text passes byte-exact, everything invalid becomes U+FFFD. */
static void test_sanitize_cases(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "h\xc3\xa9llo \xe6\x97\xa5\xf0\x9f\x8e\x89", "h\xc3\xa9llo \xe6\x97\xa5\xf0\x9f\x8e\x89" },
		{ "\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd" },             /* overlong */
		{ "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" }, /* surrogate */
		{ "\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "a\xc3", "a\xef\xbf\xbd" },                             /* cut at the end */
		{ "\xc2\x85\xc2\x9f\xc2\xa0", "\xc2\xa0" },               /* C1 gone, NBSP kept */
		{ "\t\x01\x1f\x7f", " " },
	};
	char out[64];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = utf8_clean(UTF8_MESSAGE, cases[i].in, strlen(cases[i].in), out, sizeof(out));

		out[n] = '\0';
		assert_string_equal(out, cases[i].out);
	}
}

/* fuzz_bus (issue 20): a reason whose stray bidi pop sat between two runs of blanks came
 * out with a run of four (the pop was removed after the runs were cut), so the server
 * that received it, sanitising it again, told another reason than its sender. Blank
 * runs are cut last now, messages included; and a reason cut at its limit with bidi
 * openers open is the same once sanitised again. */
static void test_clean_cuts_blank_runs_last(void **state)
{
	static const char raw[] = "a  \xe2\x80\xac  b";    /* U+202C closes nothing */
	char out[CHAT_TEXT_BYTES(sizeof(raw))], once[CHAT_REASON_BYTES], again[CHAT_REASON_BYTES];
	char big[TC_REASON_MAX + 64];
	size_t n;

	(void)state;
	assert_int_equal(chat_clean(raw, sizeof(raw) - 1, SIZE_MAX, out, sizeof(out)), 5);
	assert_string_equal(out, "a   b");
	memset(big, 'x', sizeof(big));
	for (size_t i = TC_REASON_MAX - 30; i + 3 <= sizeof(big); i += 4)
		memcpy(big + i, "\xe2\x80\xae", 3);                   /* U+202E opens */
	n = chat_reason(big, sizeof(big), once);
	assert_true(n > TC_REASON_MAX && n < CHAT_REASON_BYTES);  /* closers after the cut */
	assert_int_equal(chat_reason(once, n, again), n);
	assert_memory_equal(once, again, n);
	n = chat_reason(raw, sizeof(raw) - 1, once);
	assert_int_equal(chat_reason(once, n, again), n);
	assert_string_equal(again, "a   b");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bug_unknown_command_cut_keeps_utf8, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bug_no_such_user_cut_keeps_utf8, setup,
		    teardown),
		cmocka_unit_test(test_bug_log_escape_c1),
		cmocka_unit_test_setup_teardown(test_controls_not_forwarded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_huge_line_not_buffered, setup, teardown),
		cmocka_unit_test(test_line_limit_boundaries),
		cmocka_unit_test(test_sanitize_cases),
		cmocka_unit_test(test_clean_cuts_blank_runs_last),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
