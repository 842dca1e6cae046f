/* test_proto.c: parsing the records the server sends to the client. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "proto.h"

static void parse(const char *text, char *buf, size_t n, struct proto_rec *rec)
{
	snprintf(buf, n, "%s", text);
	proto_parse(buf, rec);
}

static void parse2(const char *text, char *buf, size_t n, struct proto_rec *rec)
{
	snprintf(buf, n, "%s", text);
	proto_parse_v(buf, 2, rec);
}

static void test_msg(void **state)
{
	char buf[256];
	struct proto_rec r;

	(void)state;
	parse("MSG\t2026-01-02 03:04:05\talice\thello world", buf, sizeof(buf), &r);
	assert_int_equal(r.type, PROTO_MSG);
	assert_int_equal(r.nf, 3);
	assert_string_equal(r.f[0], "2026-01-02 03:04:05");
	assert_string_equal(r.f[1], "alice");
	assert_string_equal(r.f[2], "hello world");
}

static void test_crlf_and_empty_text(void **state)
{
	char buf[256];
	struct proto_rec r;

	(void)state;
	parse("INFO\t\r", buf, sizeof(buf), &r);
	assert_int_equal(r.type, PROTO_INFO);
	assert_string_equal(r.f[0], "");
	parse("ERR", buf, sizeof(buf), &r);
	assert_int_equal(r.type, PROTO_ERR);
	assert_string_equal(r.f[0], "");
	parse("BYE\tGoodbye!\r", buf, sizeof(buf), &r);
	assert_string_equal(r.f[0], "Goodbye!");
}

static void test_extra_fields_ignored(void **state)
{
	char buf[256];
	struct proto_rec r;

	(void)state;
	parse("JOIN\t2026-01-02 03:04:05\tbob\tlobby\tfuture", buf, sizeof(buf), &r);
	assert_int_equal(r.type, PROTO_JOIN);
	assert_int_equal(r.nf, 3);                 /* TIME NAME [FROM-ROOM] */
	assert_string_equal(r.f[1], "bob");
	assert_string_equal(r.f[2], "lobby");
	parse("LEAVE\t2026-01-02 03:04:05\tbob", buf, sizeof(buf), &r);
	assert_int_equal(r.nf, 4);                 /* no room: a real leave; no reason */
	assert_string_equal(r.f[2], "");
	assert_string_equal(r.f[3], "");
	parse("LEAVE\t2026-01-02 03:04:05\tbob\t\tQuit: gone fishing\tfuture", buf, sizeof(buf), &r);
	assert_int_equal(r.nf, 4);                 /* TIME NAME [TO-ROOM [REASON]] */
	assert_string_equal(r.f[2], "");
	assert_string_equal(r.f[3], "Quit: gone fishing");
	parse("PRIV\tT\ta\tb\ttext\textra", buf, sizeof(buf), &r);
	assert_int_equal(r.type, PROTO_PRIV);
	assert_string_equal(r.f[3], "text");
}

static void test_too_few_fields(void **state)
{
	char buf[256];
	struct proto_rec r;

	(void)state;
	parse("MSG\t2026-01-02 03:04:05\talice", buf, sizeof(buf), &r);
	assert_int_equal(r.type, PROTO_INVALID);
	parse("WELCOME", buf, sizeof(buf), &r);
	assert_int_equal(r.type, PROTO_INVALID);
}

static void test_unknown(void **state)
{
	char buf[256];
	struct proto_rec r;

	(void)state;
	parse("TYPING\talice", buf, sizeof(buf), &r);
	assert_int_equal(r.type, PROTO_UNKNOWN);
	parse("", buf, sizeof(buf), &r);
	assert_int_equal(r.type, PROTO_UNKNOWN);
	parse("msg\ta\tb\tc", buf, sizeof(buf), &r);   /* type words are case-sensitive */
	assert_int_equal(r.type, PROTO_UNKNOWN);
}

static void test_hello_and_welcome(void **state)
{
	char buf[256];
	struct proto_rec r;

	(void)state;
	parse("+TCPCHAT\t1", buf, sizeof(buf), &r);
	assert_int_equal(r.type, PROTO_HELLO);
	assert_string_equal(r.f[0], "1");
	parse("WELCOME\tJean Luc\tlobby", buf, sizeof(buf), &r);
	assert_int_equal(r.type, PROTO_WELCOME);
	assert_string_equal(r.f[0], "Jean Luc");
	assert_string_equal(r.f[1], "lobby");
	parse("NAME?\tName \"bob\" is already taken.", buf, sizeof(buf), &r);
	assert_int_equal(r.type, PROTO_NAMEQ);
	assert_string_equal(r.f[0], "Name \"bob\" is already taken.");
	assert_string_equal(proto_type_name(PROTO_NAMEQ), "NAME?");
	parse("ONLINE\t42", buf, sizeof(buf), &r);        /* the chat's head count */
	assert_int_equal(r.type, PROTO_ONLINE);
	assert_string_equal(r.f[0], "42");
	parse("ONLINE", buf, sizeof(buf), &r);
	assert_int_equal(r.type, PROTO_INVALID);
}

static void test_members(void **state)
{
	char buf[256];
	struct proto_rec r;
	const char *cur, *name;
	size_t len;

	(void)state;
	parse("MEMBERS\talice\tJean Luc\tbob", buf, sizeof(buf), &r);
	assert_int_equal(r.type, PROTO_MEMBERS);
	cur = r.list;
	name = proto_members_next(&cur, &len);
	assert_int_equal(len, 5);
	assert_memory_equal(name, "alice", 5);
	name = proto_members_next(&cur, &len);
	assert_int_equal(len, 8);
	assert_memory_equal(name, "Jean Luc", 8);
	name = proto_members_next(&cur, &len);
	assert_memory_equal(name, "bob", 3);
	assert_null(proto_members_next(&cur, &len));
	parse("MEMBERS", buf, sizeof(buf), &r);
	cur = r.list;
	assert_null(proto_members_next(&cur, &len));
}

static void test_nc_prompts(void **state)
{
	const char *p1 = "[ENTER YOUR NAME]:", *p2 = "[2026-01-02 03:04:05][alice]:";
	const char *m = "[2026-01-02 03:04:05][alice]:hi";

	(void)state;
	assert_true(proto_nc_is_prompt(p1, strlen(p1)));
	assert_true(proto_nc_is_prompt(p2, strlen(p2)));
	assert_false(proto_nc_is_prompt(m, strlen(m)));
	assert_false(proto_nc_is_prompt("", 0));
	assert_false(proto_nc_is_prompt("[2026-01-02 03:04:05][]:", 24));
	assert_false(proto_nc_is_prompt("[ENTER YOUR NAME]", 17));
}

static void test_nc_prompt_len(void **state)
{
	const char *s = "[ENTER YOUR NAME]:[2026-01-02 03:04:05][me]:x";

	(void)state;
	assert_int_equal(proto_nc_prompt_len(s, strlen(s), "me"), 18);
	assert_int_equal(proto_nc_prompt_len(s + 18, strlen(s + 18), "me"), 26);
	assert_int_equal(proto_nc_prompt_len(s + 18, strlen(s + 18), "mel"), 0);
	assert_int_equal(proto_nc_prompt_len(s + 18, strlen(s + 18), NULL), 0);
	assert_int_equal(proto_nc_prompt_len("[ENTER", 6, "me"), 0);
}

static void test_nc_message(void **state)
{
	char line[] = "[2026-01-02 03:04:05][alice]:hi: there";
	char priv[] = "[2026-01-02 03:04:05][alice][private]:psst";
	char notice[] = "bob has joined our chat...";
	const char *t, *n, *x;

	(void)state;
	assert_true(proto_nc_parse_msg(line, &t, &n, &x));
	assert_string_equal(t, "2026-01-02 03:04:05");
	assert_string_equal(n, "alice");
	assert_string_equal(x, "hi: there");
	assert_false(proto_nc_parse_msg(priv, &t, &n, &x));
	assert_false(proto_nc_parse_msg(notice, &t, &n, &x));
}

/* Random lines made of record words, TABs and junk never crash the parser, and the
 * fields it returns are TAB-free strings inside the line. */
static void test_random_lines(void **state)
{
	static const char *const words[] = { "MSG", "HIST", "PRIV", "MEMBERS", "NAME?", "\t",
	    "\t\t", "x", "\r", "+TCPCHAT", "WELCOME", "", "JOIN", "BYE" };
	unsigned seed = 777;

	(void)state;
	for (int round = 0; round < 5000; round++) {
		char line[256] = "";
		struct proto_rec r;
		const char *cur, *name;
		size_t len;

		for (int k = 0; k < 8; k++) {
			seed = seed * 1103515245u + 12345u;
			strcat(line, words[(seed >> 16) % (sizeof(words) / sizeof(words[0]))]);
		}
		proto_parse(line, &r);
		for (int i = 0; i < r.nf; i++)
			assert_null(strchr(r.f[i], '\t'));
		cur = r.list;
		while (r.type == PROTO_MEMBERS && (name = proto_members_next(&cur, &len)) != NULL)
			assert_null(memchr(name, '\t', len));
	}
}

/* Version 2: the room first in room records, taken out; other records as in 1. */
static void test_v2_rooms(void **state)
{
	char buf[256];
	struct proto_rec r;
	const char *cur, *name;
	size_t len;

	(void)state;
	snprintf(buf, sizeof(buf), "MSG\tdev\t2026-12-01T09:30:00Z\tbob\thi");
	proto_parse_v(buf, 2, &r);
	assert_int_equal(r.type, PROTO_MSG);
	assert_string_equal(r.room, "dev");
	assert_int_equal(r.nf, 3);
	assert_string_equal(r.f[0], "2026-12-01T09:30:00Z");
	assert_string_equal(r.f[2], "hi");
	snprintf(buf, sizeof(buf), "MEMBERS\tdev\tbob\teve");
	proto_parse_v(buf, 2, &r);
	assert_string_equal(r.room, "dev");
	cur = r.list;
	name = proto_members_next(&cur, &len);
	assert_int_equal(len, 3);
	assert_memory_equal(name, "bob", 3);
	snprintf(buf, sizeof(buf), "JOIN\tdev");
	proto_parse_v(buf, 2, &r);
	assert_int_equal(r.type, PROTO_INVALID);
	snprintf(buf, sizeof(buf), "MEMBERS");
	proto_parse_v(buf, 2, &r);
	assert_int_equal(r.type, PROTO_INVALID);
	snprintf(buf, sizeof(buf), "PRIV\t2026-12-01T09:30:00Z\ta\tb\tpsst");
	proto_parse_v(buf, 2, &r);
	assert_int_equal(r.type, PROTO_PRIV);
	assert_string_equal(r.room, "");
	assert_string_equal(r.f[3], "psst");
	snprintf(buf, sizeof(buf), "MSG\tdev\tt\tbob\thi");
	proto_parse_v(buf, 1, &r);
	assert_string_equal(r.room, "");
	assert_string_equal(r.f[0], "dev");
	assert_true(proto_roomed(PROTO_RENAME));
	assert_false(proto_roomed(PROTO_WELCOME));
}

/* Issue 20 point 3: the action records of version 2 parse as their MSG, HIST and PRIV
 * twins with action set; the plain ones have it clear. */
static void test_v2_actions(void **state)
{
	char buf[256];
	struct proto_rec r;

	(void)state;
	parse2("ACTION\tdev\t2026-12-01T09:30:00Z\tbob\twaves", buf, sizeof(buf), &r);
	assert_int_equal(r.type, PROTO_MSG);
	assert_true(r.action);
	assert_string_equal(r.room, "dev");
	assert_string_equal(r.f[1], "bob");
	assert_string_equal(r.f[2], "waves");
	parse2("HISTACTION\tdev\t2026-12-01T09:30:00Z\tbob\tnods", buf, sizeof(buf), &r);
	assert_int_equal(r.type, PROTO_HIST);
	assert_true(r.action);
	assert_string_equal(r.f[2], "nods");
	parse2("PRIVACTION\t2026-12-01T09:30:00Z\ta\tb\twinks", buf, sizeof(buf), &r);
	assert_int_equal(r.type, PROTO_PRIV);
	assert_true(r.action);
	assert_string_equal(r.room, "");
	assert_string_equal(r.f[3], "winks");
	parse2("ACTION\tdev", buf, sizeof(buf), &r);
	assert_int_equal(r.type, PROTO_INVALID);
	parse2("MSG\tdev\t2026-12-01T09:30:00Z\tbob\t/me waves", buf, sizeof(buf), &r);
	assert_false(r.action);
	assert_string_equal(proto_action_name(PROTO_MSG), "ACTION");
	assert_string_equal(proto_action_name(PROTO_HIST), "HISTACTION");
	assert_string_equal(proto_action_name(PROTO_PRIV), "PRIVACTION");
	assert_null(proto_action_name(PROTO_JOIN));
	assert_string_equal(proto_type_name(PROTO_MSG), "MSG");
}

/* The table is the one definition: words, field counts and the hello agree. */
static void test_table(void **state)
{
	(void)state;
	assert_string_equal(PROTO_HELLO_LINE, "/TCPCHAT 2\n");
	assert_int_equal(proto_type_of("PRIV", 4), PROTO_PRIV);
	assert_int_equal(proto_type_of("PRIVX", 4), PROTO_PRIV);   /* only len bytes count */
	assert_int_equal(proto_type_of("PRI", 3), PROTO_UNKNOWN);
	assert_int_equal(proto_type_of(PROTO_HELLO_ANSWER, strlen(PROTO_HELLO_ANSWER)), PROTO_HELLO);
	assert_int_equal(proto_fields(PROTO_PRIV), 4);
	assert_int_equal(proto_fields(PROTO_MSG), 3);
	assert_int_equal(proto_fields(PROTO_MEMBERS), PROTO_FIELDS_LIST);
	assert_int_equal(proto_fields(PROTO_UNKNOWN), 0);
	for (int t = PROTO_HELLO; t <= PROTO_ONLINE; t++) {
		const char *w = proto_type_name((enum proto_type)t);

		assert_int_equal(proto_type_of(w, strlen(w)), t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_msg),
		cmocka_unit_test(test_crlf_and_empty_text),
		cmocka_unit_test(test_extra_fields_ignored),
		cmocka_unit_test(test_too_few_fields),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_hello_and_welcome),
		cmocka_unit_test(test_members),
		cmocka_unit_test(test_nc_prompts),
		cmocka_unit_test(test_nc_prompt_len),
		cmocka_unit_test(test_nc_message),
		cmocka_unit_test(test_random_lines),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_v2_rooms),
		cmocka_unit_test(test_v2_actions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
