/* Unit tests for irc.c: parsing, formatting, numerics, splitting, CTCP, channels, nicks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "irc.h"
#include "utf8.h"

static struct irc_msg msg;

static enum irc_parse parse(const char *line)
{
	return irc_parse(line, strlen(line), &msg);
}

static void parse_basic(void **state)
{
	(void)state;
	assert_int_equal(parse("NICK alice"), IRC_PARSE_OK);
	assert_string_equal(msg.command, "NICK");
	assert_null(msg.source);
	assert_null(msg.tags);
	assert_int_equal(msg.nparams, 1);
	assert_string_equal(msg.params[0], "alice");
	assert_false(msg.trailing);

	assert_int_equal(parse("user guest 0 * :Ronnie Reagan"), IRC_PARSE_OK);
	assert_string_equal(msg.command, "USER");     /* upper-cased */
	assert_int_equal(msg.nparams, 4);
	assert_string_equal(msg.params[3], "Ronnie Reagan");
	assert_true(msg.trailing);

	assert_int_equal(parse(":irc.example.com CAP * LIST :"), IRC_PARSE_OK);
	assert_string_equal(msg.source, "irc.example.com");
	assert_int_equal(msg.nparams, 3);
	assert_string_equal(msg.params[2], "");
	assert_true(msg.trailing);
}

static void parse_tags_and_spaces(void **state)
{
	char v[32];

	(void)state;
	assert_int_equal(parse("@id=234AB;+draft/x;time=now :dan!d@localhost PRIVMSG #chan :Hey what's up!"),
	    IRC_PARSE_OK);
	assert_string_equal(msg.tags, "id=234AB;+draft/x;time=now");
	assert_string_equal(irc_tag(&msg, "id", v, sizeof(v)), "234AB");
	assert_string_equal(irc_tag(&msg, "+draft/x", v, sizeof(v)), "");
	assert_string_equal(irc_tag(&msg, "time", v, sizeof(v)), "now");
	assert_null(irc_tag(&msg, "i", v, sizeof(v)));
	assert_string_equal(msg.source, "dan!d@localhost");
	assert_string_equal(msg.command, "PRIVMSG");
	assert_int_equal(msg.nparams, 2);
	assert_string_equal(msg.params[1], "Hey what's up!");

	/* runs of spaces between parameters; a ':' inside a middle parameter */
	assert_int_equal(parse("  PRIVMSG   a:b   :x  y "), IRC_PARSE_OK);
	assert_int_equal(msg.nparams, 2);
	assert_string_equal(msg.params[0], "a:b");
	assert_string_equal(msg.params[1], "x  y ");
	assert_int_equal(parse("PING  "), IRC_PARSE_OK);
	assert_int_equal(msg.nparams, 0);
	/* "JOIN :" (irssi's probe): one empty parameter */
	assert_int_equal(parse("JOIN :"), IRC_PARSE_OK);
	assert_int_equal(msg.nparams, 1);
	assert_string_equal(msg.params[0], "");
}

static void parse_limits(void **state)
{
	char line[IRC_INPUT_MAX + 16];
	const char *params = "MODE 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17";

	(void)state;
	assert_int_equal(parse(params), IRC_PARSE_OK);
	assert_int_equal(msg.nparams, IRC_MAX_PARAMS);
	assert_string_equal(msg.params[13], "14");
	assert_string_equal(msg.params[14], "15 16 17");   /* the 15th takes the rest */

	/* 510 bytes fit, 511 do not */
	memset(line, 'a', 510);
	memcpy(line, "PRIVMSG x :", 11);
	assert_int_equal(irc_parse(line, 510, &msg), IRC_PARSE_OK);
	assert_int_equal(strlen(msg.params[1]), 510 - 11);
	assert_int_equal(irc_parse(line, 511, &msg), IRC_PARSE_TOO_LONG);
	/* tags have their own budget: 8191 bytes with '@' and the space */
	memset(line, 'a', sizeof(line));
	line[0] = '@';
	line[8190] = ' ';
	memcpy(line + 8191, "PING x", 6);
	assert_int_equal(irc_parse(line, 8191 + 6, &msg), IRC_PARSE_OK);
	assert_string_equal(msg.command, "PING");
	line[8190] = 'a';
	line[8191] = ' ';
	assert_int_equal(irc_parse(line, 8192 + 6, &msg), IRC_PARSE_TOO_LONG);
}

static void parse_bad(void **state)
{
	(void)state;
	assert_int_equal(parse(""), IRC_PARSE_EMPTY);
	assert_int_equal(parse("    "), IRC_PARSE_EMPTY);
	assert_int_equal(parse(":source"), IRC_PARSE_BAD);
	assert_int_equal(parse("@tags"), IRC_PARSE_BAD);
	assert_int_equal(parse("12 x"), IRC_PARSE_BAD);
	assert_int_equal(parse("NI-CK x"), IRC_PARSE_BAD);
	assert_int_equal(parse("ABCDEFGHIJKLMNOPQ"), IRC_PARSE_BAD);
	assert_int_equal(parse("001 x"), IRC_PARSE_OK);
	assert_int_equal(irc_parse("NICK a\0b", 8, &msg), IRC_PARSE_BAD);
	assert_int_equal(parse("NICK a\rb"), IRC_PARSE_BAD);
}

static void format_messages(void **state)
{
	struct buf out = { 0 };
	const char *p[] = { "#chan", "hello world" };

	(void)state;
	irc_put(&out, NULL, "srv", "PRIVMSG", 2, p);
	irc_putl(&out, NULL, "srv", "PING", "srv", NULL);
	irc_putl(&out, NULL, "srv", "CAP", "*", "LIST", "", NULL);
	irc_putl(&out, NULL, "srv", "X", ":colon", NULL);
	irc_putl(&out, "time=x", "srv", "X", "a\r\nb", NULL);
	buf_putc(&out, '\0');
	assert_string_equal(buf_data(&out),
	    ":srv PRIVMSG #chan :hello world\r\n"
	    ":srv PING srv\r\n"
	    ":srv CAP * LIST :\r\n"
	    ":srv X ::colon\r\n"
	    "@time=x :srv X ab\r\n");
	buf_free(&out);
}

static void format_cut_to_limit(void **state)
{
	struct buf out = { 0 };
	char *text = malloc(2000);

	(void)state;
	for (int i = 0; i < 666; i++)
		memcpy(text + 3 * i, "\xe4\xb8\xad", 3);
	text[1998] = '\0';
	irc_putl(&out, "time=x", "srv", "NOTICE", "bob", text, NULL);
	assert_true(buf_len(&out) - strlen("@time=x ") <= IRC_LINE_MAX);
	assert_memory_equal(buf_data(&out) + buf_len(&out) - 2, "\r\n", 2);
	assert_int_equal(utf8_check(buf_data(&out), buf_len(&out) - 2), UTF8_OK);
	free(text);
	buf_free(&out);
}

static void numerics(void **state)
{
	struct buf out = { 0 };

	(void)state;
	irc_numeric(&out, "My.Little.Server", 1, "foo", "Welcome foo", NULL);
	irc_numeric(&out, "My.Little.Server", 451, "*", irc_numeric_text(451), NULL);
	irc_numeric(&out, "My.Little.Server", 433, "*", "foo", irc_numeric_text(433), NULL);
	buf_putc(&out, '\0');
	assert_string_equal(buf_data(&out),
	    ":My.Little.Server 001 foo :Welcome foo\r\n"
	    ":My.Little.Server 451 * :You have not registered\r\n"
	    ":My.Little.Server 433 * foo :Nickname is already in use\r\n");
	assert_string_equal(irc_numeric_name(1), "RPL_WELCOME");
	assert_string_equal(irc_numeric_name(482), "ERR_CHANOPRIVSNEEDED");
	assert_string_equal(irc_numeric_text(421), "Unknown command");
	assert_null(irc_numeric_text(353));
	assert_null(irc_numeric_name(999));
	/* every numeric of the brief has a name */
	static const int codes[] = { 1, 2, 3, 4, 5, 221, 301, 311, 312, 313, 315, 317, 318, 319,
		321, 322, 323, 324, 331, 332, 333, 353, 366, 372, 375, 376, 401, 402, 403, 404,
		411, 412, 421, 422, 431, 432, 433, 442, 451, 461, 462, 482 };
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		assert_non_null(irc_numeric_name(codes[i]));
	buf_free(&out);
}

static void isupport(void **state)
{
	const char *tok[16];
	char scratch[256];
	size_t n = irc_isupport("tcpchat", tok, 16, scratch, sizeof(scratch));
	bool chantypes = false, casemap = false, nicklen = false, chanlen = false;

	(void)state;
	assert_true(n >= 5 && n <= 13);
	assert_null(tok[n]);
	assert_string_equal(tok[0], "NETWORK=tcpchat");
	for (size_t i = 0; i < n; i++) {
		chantypes |= strcmp(tok[i], "CHANTYPES=#") == 0;
		casemap |= strcmp(tok[i], "CASEMAPPING=ascii") == 0;
		nicklen |= strcmp(tok[i], "NICKLEN=258") == 0;
		chanlen |= strcmp(tok[i], "CHANNELLEN=33") == 0;
		assert_null(strchr(tok[i], ' '));
	}
	assert_true(chantypes && casemap && nicklen && chanlen);
	assert_int_equal(irc_isupport("tcpchat", tok, 3, scratch, sizeof(scratch)), 2);
}

static void time_tag(void **state)
{
	char t[IRC_TIME_TAG_LEN];

	(void)state;
	irc_time_tag(1764581867, t);
	assert_string_equal(t, "time=2025-12-01T09:37:47.000Z");
}

static void split(void **state)
{
	size_t skip;

	(void)state;
	assert_int_equal(irc_split("hello world", 11, 20, &skip), 11);
	assert_int_equal(skip, 0);
	assert_int_equal(irc_split("hello world again", 17, 12, &skip), 11);
	assert_int_equal(skip, 1);
	/* no space in the second half: a UTF-8 boundary */
	assert_int_equal(irc_split("ab \xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad", 12, 8, &skip), 6);
	assert_int_equal(skip, 0);
	assert_int_equal(irc_split("\xe4\xb8\xad\xe4\xb8\xad", 6, 4, &skip), 3);
}

/* Every line of out is within the limit, and their texts join back to text. */
static void check_lines(const char *out, size_t n, const char *prefix, const char *text, bool act)
{
	struct buf joined = { 0 };
	const char *p = out, *end = out + n;

	while (p < end) {
		const char *crlf = strstr(p, "\r\n"), *body;
		size_t plen = strlen(prefix), blen;

		assert_non_null(crlf);
		assert_true((size_t)(crlf - p) + 2 <= IRC_LINE_MAX);
		assert_memory_equal(p, prefix, plen);
		body = p + plen;
		blen = (size_t)(crlf - body);
		if (act) {
			assert_memory_equal(body, "\x01" "ACTION ", 8);
			assert_int_equal(body[blen - 1], '\x01');
			body += 8, blen -= 9;
		}
		assert_int_equal(utf8_check(body, blen), UTF8_OK);
		if (buf_len(&joined) > 0)
			buf_putc(&joined, ' ');
		buf_append(&joined, body, blen);
		p = crlf + 2;
	}
	buf_putc(&joined, '\0');
	assert_string_equal(buf_data(&joined), text);
	buf_free(&joined);
}

static void long_messages(void **state)
{
	struct buf out = { 0 }, text = { 0 };

	(void)state;
	for (int i = 0; i < 300; i++)
		buf_append_str(&text, i % 3 ? "word " : "\xc3\xa9t\xc3\xa9 ");
	buf_append_str(&text, "end");
	buf_putc(&text, '\0');
	irc_put_text(&out, NULL, "alice!~a@host", "PRIVMSG", "#lobby", buf_data(&text),
	    strlen(buf_data(&text)));
	assert_true(buf_len(&out) > IRC_LINE_MAX);
	check_lines(buf_data(&out), buf_len(&out), ":alice!~a@host PRIVMSG #lobby :",
	    buf_data(&text), false);
	buf_clear(&out);
	irc_put_action(&out, NULL, "alice!~a@host", "PRIVMSG", "#lobby", buf_data(&text),
	    strlen(buf_data(&text)));
	check_lines(buf_data(&out), buf_len(&out), ":alice!~a@host PRIVMSG #lobby :",
	    buf_data(&text), true);
	buf_clear(&out);
	irc_put_text(&out, NULL, "s", "PRIVMSG", "#l", "/me x", 5);   /* text, not an action */
	buf_putc(&out, '\0');
	assert_string_equal(buf_data(&out), ":s PRIVMSG #l :/me x\r\n");
	buf_clear(&out);
	irc_put_text(&out, NULL, "s", "PRIVMSG", "#l", "hi", 2);
	buf_putc(&out, '\0');
	assert_string_equal(buf_data(&out), ":s PRIVMSG #l hi\r\n");
	buf_free(&out);
	buf_free(&text);
}

static void ctcp(void **state)
{
	char out[64];
	size_t len;

	(void)state;
	assert_int_equal(irc_from_ctcp("hello", 5, out, sizeof(out), &len), IRC_TEXT_PLAIN);
	assert_string_equal(out, "hello");
	assert_int_equal(irc_from_ctcp("\x01" "ACTION waves\x01", 14, out, sizeof(out), &len),
	    IRC_TEXT_ACTION);
	assert_string_equal(out, "waves");           /* an action: what is done */
	assert_int_equal(len, 5);
	assert_int_equal(irc_from_ctcp("\x01" "ACTION waves", 13, out, sizeof(out), &len),
	    IRC_TEXT_ACTION);
	assert_string_equal(out, "waves");
	assert_int_equal(irc_from_ctcp("\x01" "ACTION\x01", 8, out, sizeof(out), &len),
	    IRC_TEXT_ACTION);
	assert_string_equal(out, "");
	assert_int_equal(len, 0);
	assert_int_equal(irc_from_ctcp("/me waves", 9, out, sizeof(out), &len), IRC_TEXT_PLAIN);
	assert_string_equal(out, "/me waves");        /* text that starts with /me: a message */
	assert_int_equal(irc_from_ctcp("\x01VERSION\x01", 9, out, sizeof(out), &len),
	    IRC_TEXT_CTCP);
	assert_int_equal(irc_from_ctcp("\x01" "ACTIONS\x01", 9, out, sizeof(out), &len),
	    IRC_TEXT_CTCP);
}

static void channels(void **state)
{
	char room[ROOM_NAME_MAX_BYTES + 1], chan[IRC_CHANNEL_MAX + 1];

	(void)state;
	assert_null(irc_channel_to_room("#lobby", room));
	assert_string_equal(room, "lobby");
	assert_null(irc_channel_to_room("#Dev.Team_2-x", room));
	assert_string_equal(room, "Dev.Team_2-x");
	assert_non_null(irc_channel_to_room("lobby", room));
	assert_non_null(irc_channel_to_room("#", room));
	assert_non_null(irc_channel_to_room("##x", room));
	assert_non_null(irc_channel_to_room("#a,b", room));
	assert_non_null(irc_channel_to_room("#\xc3\xa9", room));
	assert_non_null(irc_channel_to_room("#123456789012345678901234567890123", room));
	assert_null(irc_channel_to_room("#12345678901234567890123456789012", room));
	irc_room_to_channel("12345678901234567890123456789012", chan);
	assert_string_equal(chan, "#12345678901234567890123456789012");
}

static void nick_pair(const char *name, const char *nick)
{
	char n[IRC_NICK_MAX + 1], back[NAME_MAX_BYTES + 1];

	assert_int_equal(irc_name_to_nick(name, n), strlen(nick));
	assert_string_equal(n, nick);
	assert_null(irc_nick_to_name(nick, back));
	assert_string_equal(back, name);
}

static void nicks(void **state)
{
	char name[NAME_MAX_BYTES + 1];

	(void)state;
	nick_pair("alice", "alice");
	nick_pair("nick_", "nick_");                  /* IRC nicks are themselves */
	nick_pair("a|b^c{d}e`f\\g-1", "a|b^c{d}e`f\\g-1");
	nick_pair("bob smith", "bob[20]smith");
	nick_pair("Jos\xc3\xa9", "Jos[c3a9]");
	nick_pair("42", "[34]2");
	nick_pair("-x", "[2d]x");
	nick_pair("a.b!c", "a[2e]b[21]c");
	nick_pair("\xe4\xb8\xad\xe6\x96\x87", "[e4b8ade69687]");
	/* hex in either case: CASEMAPPING=ascii folds it */
	assert_null(irc_nick_to_name("Jos[C3A9]", name));
	assert_string_equal(name, "Jos\xc3\xa9");
	/* refused: not IRC nicks, not written as we write them, or not our names */
	assert_non_null(irc_nick_to_name("", name));
	assert_non_null(irc_nick_to_name("1abc", name));
	assert_non_null(irc_nick_to_name("a b", name));
	assert_non_null(irc_nick_to_name("a.b", name));
	assert_non_null(irc_nick_to_name("a[61]", name));        /* 'a' written as hex */
	assert_non_null(irc_nick_to_name("a[2e][2e]", name));    /* two groups in a row */
	assert_non_null(irc_nick_to_name("a[]", name));
	assert_non_null(irc_nick_to_name("a[2]", name));
	assert_non_null(irc_nick_to_name("a[2e", name));
	assert_non_null(irc_nick_to_name("a[zz]", name));
	assert_non_null(irc_nick_to_name("a[5b]", name));        /* '[': not our name */
	assert_non_null(irc_nick_to_name("a[0a]", name));        /* a control */
	assert_non_null(irc_nick_to_name("a[ff]", name));        /* not UTF-8 */
	assert_non_null(irc_nick_to_name("a[20]", name));        /* trailing space */
	assert_non_null(irc_nick_to_name("[2f]x", name));        /* '/' first */
	assert_non_null(irc_nick_to_name("x[e4b8]", name));      /* a cut character */
	assert_non_null(irc_nick_to_name("abcdefghijklmnopqrstuvwxyzabcdefg", name)); /* 33 */
}

/* Random valid names map to nicks of IRC's charset within IRC_NICK_MAX and back. */
static void nicks_round_trip(void **state)
{
	static const char *const pieces[] = { "a", "Z", "_", "1", "-", " ", ".", "~", "\\",
		"\xc3\xa9", "\xe4\xb8\xad", "\xf0\x9f\x98\x80", "|", "@", ":", "!", "*" };
	unsigned seed = 12345;

	(void)state;
	for (int i = 0; i < 20000; i++) {
		char raw[NAME_MAX_BYTES + 1] = "", name[NAME_MAX_BYTES + 1];
		char nick[IRC_NICK_MAX + 1], back[NAME_MAX_BYTES + 1];
		int len = 1 + (int)((seed = seed * 1103515245 + 12345) >> 16) % 32;

		for (int k = 0; k < len; k++)
			strcat(raw, pieces[((seed = seed * 1103515245 + 12345) >> 16) % 17]);
		if (names_check(raw, strlen(raw), name) != NULL)
			continue;
		assert_true(irc_name_to_nick(name, nick) <= IRC_NICK_MAX);
		assert_int_equal(strspn(nick, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789[]\\`_^{|}-"), strlen(nick));
		assert_false(nick[0] >= '0' && nick[0] <= '9');
		assert_false(nick[0] == '-');
		assert_null(irc_nick_to_name(nick, back));
		assert_string_equal(back, name);
	}
}

static void source(void **state)
{
	char out[IRC_NICK_MAX + 64];

	(void)state;
	irc_source("bob smith", "nc", "My.Little.Server", out, sizeof(out));
	assert_string_equal(out, "bob[20]smith!nc@My.Little.Server");
}

static void nick_longest(void **state)
{
	char name[NAME_MAX_BYTES + 1] = "", nick[IRC_NICK_MAX + 1], back[NAME_MAX_BYTES + 1];

	(void)state;
	for (int i = 0; i < 32; i++)
		strcat(name, "\xf0\x9f\x98\x80");
	assert_int_equal(irc_name_to_nick(name, nick), IRC_NICK_MAX);
	assert_null(irc_nick_to_name(nick, back));
	assert_string_equal(back, name);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_basic),
		cmocka_unit_test(parse_tags_and_spaces),
		cmocka_unit_test(parse_limits),
		cmocka_unit_test(parse_bad),
		cmocka_unit_test(format_messages),
		cmocka_unit_test(format_cut_to_limit),
		cmocka_unit_test(numerics),
		cmocka_unit_test(isupport),
		cmocka_unit_test(time_tag),
		cmocka_unit_test(split),
		cmocka_unit_test(long_messages),
		cmocka_unit_test(ctcp),
		cmocka_unit_test(channels),
		cmocka_unit_test(nicks),
		cmocka_unit_test(nicks_round_trip),
		cmocka_unit_test(nick_longest),
		cmocka_unit_test(source),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
