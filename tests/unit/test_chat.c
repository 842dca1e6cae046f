/* Unit tests for session.c, chat.c, the dialects, member.c, conn.c and cmd.c without sockets: bytes in, bytes queued out. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "chat.h"
#include "session.h"
#include "text.h"
#include "tclimits.h"

static struct chat ch;
static struct conn_list pending;

static struct conn *new_conn(void)
{
	struct conn *c = conn_new(NULL, "test", 0, &pending);

	c->owner = session_new(&ch, &front_text, NULL, c, 0);
	return c;
}

static struct session *sess(struct conn *c)
{
	return c->owner;
}

static int setup(void **state)
{
	(void)state;
	chat_init(&ch, 100, 0, 10);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	while (conn_pending_take(&pending) != NULL)
		;
	chat_free(&ch);
	return 0;
}

static void feed(struct conn *c, const char *s)
{
	buf_append_str(&c->in, s);
	session_input(&ch, sess(c), 0);
}

/* Take c's queued output as a string, with timestamps replaced by "T". */
static const char *out(struct conn *c)
{
	static char s[8192];
	size_t o = 0;
	const char *p = buf_data(&c->out);
	size_t n = buf_len(&c->out);

	for (size_t i = 0; i < n && o + 1 < sizeof(s);) {
		if (i + 20 <= n && p[i + 4] == '-' && p[i + 7] == '-' && p[i + 10] == 'T' &&
		    p[i + 13] == ':' && p[i + 16] == ':' && p[i + 19] == 'Z') {
			s[o++] = 'U';       /* a UTC stamp (client dialect 2) */
			i += 20;
		} else if (i + 19 <= n && p[i + 4] == '-' && p[i + 7] == '-' && p[i + 10] == ' ' &&
		    p[i + 13] == ':' && p[i + 16] == ':') {
			s[o++] = 'T';
			i += 19;
		} else {
			s[o++] = p[i++];
		}
	}
	s[o] = '\0';
	conn_sent(c, buf_len(&c->out));     /* as if written to the socket */
	return s;
}

static struct conn *named(const char *name)
{
	struct conn *c = new_conn();
	char line[64];

	session_greet(&ch, sess(c));
	snprintf(line, sizeof(line), "%s\n", name);
	feed(c, line);
	buf_clear(&c->out);
	return c;
}

static void done(struct conn *c)
{
	session_leave(&ch, sess(c));
	while (conn_pending_take(&pending) != NULL)   /* as the server does before freeing */
		;
	session_free(sess(c));
	conn_free(c);
}

static void greeting_and_prompt(void **state)
{
	struct conn *c = new_conn();
	const char *o;

	(void)state;
	session_greet(&ch, sess(c));
	o = out(c);
	assert_int_equal(strncmp(o, "Welcome to TCP-Chat!\n         _nnnn_\n", 37), 0);
	assert_string_equal(o + strlen(o) - 18, "[ENTER YOUR NAME]:");
	feed(c, "[bad]\n");
	assert_string_equal(out(c), "Name cannot contain [ or ].\n[ENTER YOUR NAME]:");
	feed(c, "zed\r\n");
	assert_string_equal(out(c), "[T][zed]:");
	done(c);
}

static void message_fan_out(void **state)
{
	struct conn *a = named("a"), *b = named("b");

	(void)state;
	assert_string_equal(out(a), "\nb has joined our chat...\n[T][a]:");
	feed(a, "hi\n");
	assert_string_equal(out(a), "[T][a]:");
	assert_string_equal(out(b), "\n[T][a]:hi\n[T][b]:");
	feed(a, "x\ny\n");     /* lines that arrive together: one repaint, after the last */
	assert_string_equal(out(b), "\n[T][a]:x\n[T][a]:y\n[T][b]:");
	out(a);
	feed(a, "z\n");        /* b's last prompt went out: a newline first, as classic */
	assert_string_equal(out(b), "\n[T][a]:z\n[T][b]:");
	feed(a, "\x1b]0;pwned\x07ok\n");
	assert_string_equal(out(b), "\n[T][a]:]0;pwnedok\n[T][b]:");
	assert_string_equal(out(a), "[T][a]:[T][a]:");
	done(b);
	assert_string_equal(out(a), "\nb has left our chat...\n[T][a]:");
	done(a);
}

static void too_long_and_commands(void **state)
{
	struct conn *a = named("a");
	char big[300];

	(void)state;
	memset(big, 'z', sizeof(big) - 2);
	big[sizeof(big) - 2] = '\n';
	big[sizeof(big) - 1] = '\0';
	feed(a, big);
	assert_string_equal(out(a), "Line too long (more than 100 bytes), dropped.\n[T][a]:");
	feed(a, "/nope\n");
	assert_string_equal(out(a), "Unknown command: /nope (try /help)\n[T][a]:");
	feed(a, "/list\n");
	assert_string_equal(out(a), "1 in lobby:\n  a (you)\n[T][a]:");
	done(a);
}

/* Issue 11 item 8 (folded from test_attack_review.c): renames had no rate of their own
 * and ignored --announce-max. */
static void renames_have_their_own_rate(void **state)
{
	struct conn *a = named("user0");
	char line[32];

	(void)state;
	for (int i = 0; i < TC_RENAMES_PER_MINUTE; i++) {
		snprintf(line, sizeof(line), "/name r%d\n", i);
		feed(a, line);
		assert_null(strstr(out(a), "Too many renames"));
	}
	feed(a, "/name one-too-many\n");
	assert_non_null(strstr(out(a), "Too many renames"));
	done(a);
}

static void renames_follow_announce_max(void **state)
{
	struct conn *c[4];
	char name[16];

	(void)state;
	for (int i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "user%d", i);
		c[i] = named(name);
	}
	for (int i = 0; i < 4; i++)
		out(c[i]);
	ch.cfg.announce_max = 2;                      /* the lobby has 4 members */
	feed(c[0], "/name quiet\n");
	assert_null(strstr(out(c[1]), "is now known as"));
	assert_non_null(strstr(out(c[0]), "is now known as quiet"));   /* the renamer is told */
	for (int i = 3; i >= 0; i--)
		done(c[i]);
}

/* Issue 11 item 9 (folded from test_attack_review.c): one user emptied the room table
 * by creating rooms. */
static void room_creation_has_a_budget(void **state)
{
	struct conn *a = named("user0");
	char line[32];

	(void)state;
	for (int i = 0; i <= TC_ROOM_CREATES_PER_MINUTE; i++) {
		snprintf(line, sizeof(line), "/join r%d\n", i);
		feed(a, line);
		if (i < TC_ROOM_CREATES_PER_MINUTE)
			assert_null(strstr(out(a), "Too many new rooms"));
		else
			assert_non_null(strstr(out(a), "Too many new rooms"));
	}
	done(a);
}

static void client_dialect(void **state)
{
	struct conn *p = new_conn(), *a = named("a");

	(void)state;
	session_greet(&ch, sess(p));
	out(p);
	feed(p, "/TCPCHAT 1\n");
	assert_string_equal(out(p), "\n+TCPCHAT\t1\n");
	feed(p, "a\n");
	assert_string_equal(out(p), "NAME?\tName \"a\" is already taken.\n");
	feed(p, "bot\n");
	assert_string_equal(out(p), "WELCOME\tbot\tlobby\nMEMBERS\ta\tbot\n");
	feed(a, "yo\n");
	assert_string_equal(out(p), "MSG\tT\ta\tyo\n");
	feed(p, "/msg a psst\n");
	assert_string_equal(out(p), "PRIV\tT\tbot\ta\tpsst\n");
	assert_string_equal(out(a), "\nbot has joined our chat...\n[T][a]:[T][a]:\n[T][bot][private]:psst\n[T][a]:");
	done(p);
	done(a);
}

/* Client dialect 2: several rooms at once, the room in every room record, UTC times. */
/* ONLINE: the chat's head count, to client dialect 2 only, and only when it changed. */
static void online_count_told_on_change(void **state)
{
	struct conn *a = named("a"), *p = new_conn(), *q = new_conn();

	(void)state;
	session_greet(&ch, sess(p));
	feed(p, "/TCPCHAT 2\ncarol\n");
	session_greet(&ch, sess(q));
	feed(q, "/TCPCHAT 1\ndave\n");
	out(p), out(q), out(a);
	chat_tell_online(&ch, &sess(p)->m);
	assert_string_equal(out(p), "ONLINE\t3\n");
	chat_tell_online(&ch, &sess(p)->m);      /* unchanged: nothing */
	assert_string_equal(out(p), "");
	chat_tell_online(&ch, &sess(q)->m);      /* version 1 and nc: never */
	chat_tell_online(&ch, &sess(a)->m);
	assert_string_equal(out(q), "");
	assert_string_equal(out(a), "");
	done(q);
	out(p);
	chat_tell_online(&ch, &sess(p)->m);
	assert_string_equal(out(p), "ONLINE\t2\n");
	done(p);
	done(a);
}

static void client_dialect_2_several_rooms(void **state)
{
	struct conn *a = named("a"), *p = new_conn();

	(void)state;
	session_greet(&ch, sess(p));
	out(p);
	feed(p, "/TCPCHAT 2\n");
	assert_string_equal(out(p), "\n+TCPCHAT\t2\n");
	feed(p, "carol\n");
	assert_string_equal(out(p), "WELCOME\tcarol\tlobby\nMEMBERS\tlobby\ta\tcarol\n");
	assert_string_equal(out(a), "\ncarol has joined our chat...\n[T][a]:");
	feed(p, "/join dev\n");              /* a room more: the lobby hears nothing */
	assert_string_equal(out(p), "ROOM\tdev\nMEMBERS\tdev\tcarol\n");
	assert_string_equal(out(a), "");
	feed(a, "still here\n");
	assert_string_equal(out(p), "MSG\tlobby\tU\ta\tstill here\n");
	out(a);
	feed(p, "in dev\n");                 /* plain lines go to the room joined last */
	assert_string_equal(out(p), "MSG\tdev\tU\tcarol\tin dev\n");
	assert_string_equal(out(a), "");
	feed(p, "/say lobby hi a\n");
	assert_string_equal(out(a), "\n[T][carol]:hi a\n[T][a]:");
	assert_string_equal(out(p), "MSG\tlobby\tU\tcarol\thi a\n");
	feed(p, "/say nowhere x\n");
	assert_string_equal(out(p), "ERR\tYou are not in that room.\n");
	feed(p, "/name caro\n");            /* told in each of its rooms */
	assert_string_equal(out(p), "RENAME\tlobby\tU\tcarol\tcaro\nRENAME\tdev\tU\tcarol\tcaro\n");
	assert_string_equal(out(a), "\ncarol is now known as caro\n[T][a]:");
	feed(p, "/part lobby\n");
	assert_string_equal(out(a), "\ncaro left room lobby\n[T][a]:");
	feed(p, "/part dev\n");
	assert_string_equal(out(p), "ERR\tThat is your last room: /join another one first.\n");
	feed(a, "/part\n");
	assert_string_equal(out(a),
	    "You are always in one room here; /join ROOM switches to another.\n[T][a]:");
	done(p);
	done(a);
}

/* Issue 20: a leave's and a part's reason reach every dialect, sanitised like a message
 * and cut to TC_REASON_MAX; without one, the classic lines stay as they were. */
static void leave_and_part_reasons(void **state)
{
	struct conn *a = named("a"), *b = named("b"), *c = named("c"), *p = new_conn(),
	    *q = new_conn();
	char big[TC_REASON_MAX + 100], said[CHAT_REASON_BYTES];

	(void)state;
	session_greet(&ch, sess(p));
	feed(p, "/TCPCHAT 1\nbot\n");
	session_greet(&ch, sess(q));
	feed(q, "/TCPCHAT 2\ncarol\n/join dev\n");
	out(a), out(b), out(c), out(p), out(q);
	feed(b, "/quit gone fishing\n");
	assert_string_equal(out(b), "Goodbye!\n");
	assert_string_equal(out(a), "\nb has left our chat... (Quit: gone fishing)\n[T][a]:");
	assert_string_equal(out(p), "LEAVE\tT\tb\n");       /* version 1: as it always was */
	assert_string_equal(out(q), "LEAVE\tlobby\tU\tb\t\tQuit: gone fishing\n");
	chat_leave(&ch, &sess(c)->m, " \x1b[31mred\x01 alert\x1b]0;pwned\x07\t");
	assert_string_equal(out(a), "\nc has left our chat... ([31mred alert]0;pwned)\n[T][a]:");
	assert_string_equal(out(q), "LEAVE\tlobby\tU\tc\t\t[31mred alert]0;pwned\n");
	feed(q, "/part lobby see you\n");
	assert_string_equal(out(a), "\ncarol left room lobby (see you)\n[T][a]:");
	assert_string_equal(out(p), "LEAVE\tT\tc\nLEAVE\tT\tcarol\n");
	feed(q, "/join lobby\n");
	out(a), out(q);
	chat_part(&ch, &sess(q)->m, "lobby", 5, "\x1b[2J\x01" "bye\x01");
	assert_string_equal(out(a), "\ncarol left room lobby ([2Jbye)\n[T][a]:");
	feed(q, "/join lobby\n/part lobby   \n");            /* blank: no reason */
	out(q);
	assert_string_equal(out(a), "\ncarol joined room lobby\ncarol left room lobby\n[T][a]:");
	memset(big, 'x', sizeof(big));
	assert_int_equal(chat_reason(big, sizeof(big), said), TC_REASON_MAX);
	assert_int_equal(chat_reason(NULL, 0, said), 0);
	done(q);
	assert_string_equal(out(a), "");                      /* q was only in dev */
	done(p);
	assert_string_equal(out(a), "\nbot has left our chat...\n[T][a]:");
	done(c);
	done(b);
	done(a);
}

/* /away, /whois, /ignore, /names. */
static void attention_commands(void **state)
{
	struct conn *a = named("a"), *b = named("b");
	const char *o;

	(void)state;
	out(a);
	feed(b, "/away lunch\n");
	assert_string_equal(out(b), "You are marked away.\n[T][b]:");
	feed(a, "/msg b are you there\n");
	assert_string_equal(out(a), "b is away: lunch\n[T][to b][private]:are you there\n[T][a]:");
	out(b);
	feed(a, "/whois b\n");
	o = out(a);
	assert_non_null(strstr(o, "b: in lobby; idle "));
	assert_non_null(strstr(o, "; away: lunch\n"));
	feed(b, "/away\n");
	assert_string_equal(out(b), "You are back.\n[T][b]:");
	feed(a, "/ignore b\n");
	assert_string_equal(out(a), "You ignore b (their messages are not shown to you).\n[T][a]:");
	feed(b, "can you hear me\n");
	assert_string_equal(out(a), "");
	feed(b, "/name bee\n");          /* the ignore follows the rename */
	out(a);
	feed(b, "still?\n");
	assert_string_equal(out(a), "");
	feed(a, "/unignore bee\n");
	assert_string_equal(out(a), "You see bee's messages again.\n[T][a]:");
	feed(b, "now?\n");
	assert_string_equal(out(a), "\n[T][bee]:now?\n[T][a]:");
	feed(a, "/names lobby\n");
	assert_string_equal(out(a), "2 in lobby:\n  a (you)\n  bee\n[T][a]:");
	feed(a, "/names nowhere\n");
	assert_string_equal(out(a), "No such room.\n[T][a]:");
	done(b);
	done(a);
}

/* A client of dialect version v named name. */
static struct conn *client(int v, const char *name)
{
	struct conn *c = new_conn();
	char line[64];

	session_greet(&ch, sess(c));
	snprintf(line, sizeof(line), "/TCPCHAT %d\n%s\n", v, name);
	feed(c, line);
	out(c);
	return c;
}

/* Issue 20 point 3: "/me TEXT" is one event that each dialect renders its own way: nc
 * "* a waves" (no time) and the prompt, the client dialect 1 a MSG of "* a waves", 2 an
 * ACTION record; "//me" stays a message; private actions and /action too. */
static void actions_in_every_dialect(void **state)
{
	struct conn *a = named("a"), *b = named("b"), *p = client(1, "carol"),
	    *q = client(2, "dave");

	(void)state;
	out(a), out(b), out(p);
	feed(a, "/me waves\n");
	assert_string_equal(out(a), "[T][a]:");
	assert_string_equal(out(b), "\n* a waves\n[T][b]:");
	assert_string_equal(out(p), "MSG\tT\ta\t* a waves\n");
	assert_string_equal(out(q), "ACTION\tlobby\tU\ta\twaves\n");
	feed(q, "/me nods\n");                   /* its own comes back once */
	assert_string_equal(out(q), "ACTION\tlobby\tU\tdave\tnods\n");
	assert_string_equal(out(b), "\n* dave nods\n[T][b]:");
	feed(q, "/action #lobby grins\n");
	assert_string_equal(out(q), "ACTION\tlobby\tU\tdave\tgrins\n");
	assert_string_equal(out(p), "MSG\tT\tdave\t* dave nods\nMSG\tT\tdave\t* dave grins\n");
	assert_string_equal(out(b), "\n* dave grins\n[T][b]:");
	feed(a, "//me claps\n");
	assert_string_equal(out(b), "\n[T][a]:/me claps\n[T][b]:");
	assert_string_equal(out(q), "MSG\tlobby\tU\ta\t/me claps\n");
	out(a), out(p);
	feed(a, "/me\n");
	assert_string_equal(out(a), "Usage: /me TEXT\n[T][a]:");
	feed(a, "/action b bows\n");
	assert_string_equal(out(a), "[to b][private] * a bows\n[T][a]:");
	assert_string_equal(out(b), "\n[private] * a bows\n[T][b]:");
	feed(q, "/action carol hugs\n");
	assert_string_equal(out(q), "PRIVACTION\tU\tdave\tcarol\thugs\n");
	assert_string_equal(out(p), "PRIV\tT\tdave\tcarol\t* dave hugs\n");
	feed(q, "/action #nowhere x\n/action nobody x\n/action #lobby\n");
	assert_string_equal(out(q), "ERR\tYou are not in that room.\nERR\tNo such user: nobody\n"
	    "ERR\tUsage: /action #ROOM|NAME TEXT\n");
	assert_string_equal(out(a), "");
	done(q);
	done(p);
	done(b);
	done(a);
}

/* Issue 20 point 3: the history and the log keep an action as an action (an ACTION
 * record), through a restart and a compaction; a newcomer sees it as its dialect
 * shows actions. */
static void actions_kept_in_history_and_log(void **state)
{
	char path[] = "/tmp/test_chat_log.XXXXXX", err[256], text[1024];
	int fd = mkstemp(path);
	struct chat after;
	struct conn *a, *n, *q;
	const struct hentry *e;
	FILE *f;
	size_t len;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	assert_int_equal(chat_open_log(&ch, path, err, sizeof(err)), 0);
	a = named("a");
	feed(a, "hi\n/me waves\n");
	assert_int_equal(chat_flush_log(&ch), 0);
	n = named("n");             /* its history came before its prompt */
	q = client(2, "dave");
	out(n);
	feed(n, "/history\n");
	assert_string_equal(out(n), "[T][a]:hi\n* a waves\n[T][n]:");
	feed(q, "/history 1\n");
	assert_string_equal(out(q), "HISTACTION\tlobby\tU\ta\twaves\n");
	assert_int_equal(chat_log_snapshot(&ch, err, sizeof(err)), 0);
	f = fopen(path, "r");
	assert_non_null(f);
	len = fread(text, 1, sizeof(text) - 1, f);
	text[len] = '\0';
	fclose(f);
	assert_non_null(strstr(text, "\tlobby\tMSG\ta\thi\n"));
	assert_non_null(strstr(text, "\tlobby\tACTION\ta\twaves\n"));
	chat_init(&after, 100, 0, 10);
	assert_int_equal(chat_replay_log(&after, path, err, sizeof(err)), 0);
	e = backlog_get(&rooms_find(&after.rooms, "lobby")->hist, 1);
	assert_non_null(e);
	assert_int_equal(e->kind, SAY_ACTION);
	assert_string_equal(hentry_text(e), "waves");
	assert_int_equal(backlog_get(&rooms_find(&after.rooms, "lobby")->hist, 0)->kind, SAY_MSG);
	chat_free(&after);
	done(q);
	done(n);
	done(a);
	unlink(path);
}

/* Issue 11 item 12: a big room's MEMBERS list comes in records the client takes. */
static void members_split_in_big_rooms(void **state)
{
	enum { N = 3000 };
	static struct conn *cs[N];
	struct conn *p = new_conn();
	char name[16];
	const char *o;
	size_t records = 0, longest = 0;

	(void)state;
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "member%04d", i);
		cs[i] = named(name);
	}
	session_greet(&ch, sess(p));
	feed(p, "/TCPCHAT 1\nzed\n");
	buf_clear(&p->out);
	feed(p, "/list\n");
	o = buf_data(&p->out);
	for (const char *line = o, *end = o + buf_len(&p->out), *nl;
	    (nl = memchr(line, '\n', (size_t)(end - line))) != NULL; line = nl + 1) {
		records++;
		assert_true(strncmp(line, records == 1 ? "MEMBERS\t" : "MEMBERS+\t",
		    records == 1 ? 8 : 9) == 0);
		if ((size_t)(nl - line) > longest)
			longest = (size_t)(nl - line);
	}
	assert_true(records >= 2);                    /* 3001 names of 10 bytes: 33 KB */
	assert_true(longest <= TC_MEMBERS_RECORD_MAX + sizeof("MEMBERS+"));
	buf_putc(&p->out, '\0');
	o = buf_data(&p->out);
	assert_non_null(strstr(o, "\tmember2999"));
	assert_non_null(strstr(o, "\tzed\n"));
	buf_clear(&p->out);
	done(p);
	for (int i = 0; i < N; i++)
		done(cs[i]);
}

/* fuzz_bus (issue 20): a reason whose stray bidi pop sat between two runs of blanks came
 * out with a run of four (the pop was removed after the runs were cut), so the server
 * that received it, sanitising it again, told another reason than its sender. Blank
 * runs are cut last now, messages included; and a reason cut at its limit with bidi
 * openers open is the same once sanitised again. */
static void clean_cuts_blank_runs_last(void **state)
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
		cmocka_unit_test(clean_cuts_blank_runs_last),
		cmocka_unit_test_setup_teardown(greeting_and_prompt, setup, teardown),
		cmocka_unit_test_setup_teardown(message_fan_out, setup, teardown),
		cmocka_unit_test_setup_teardown(too_long_and_commands, setup, teardown),
		cmocka_unit_test_setup_teardown(renames_have_their_own_rate, setup, teardown),
		cmocka_unit_test_setup_teardown(renames_follow_announce_max, setup, teardown),
		cmocka_unit_test_setup_teardown(room_creation_has_a_budget, setup, teardown),
		cmocka_unit_test_setup_teardown(client_dialect, setup, teardown),
		cmocka_unit_test_setup_teardown(client_dialect_2_several_rooms, setup, teardown),
		cmocka_unit_test_setup_teardown(online_count_told_on_change, setup, teardown),
		cmocka_unit_test_setup_teardown(attention_commands, setup, teardown),
		cmocka_unit_test_setup_teardown(leave_and_part_reasons, setup, teardown),
		cmocka_unit_test_setup_teardown(members_split_in_big_rooms, setup, teardown),
		cmocka_unit_test_setup_teardown(actions_in_every_dialect, setup, teardown),
		cmocka_unit_test_setup_teardown(actions_kept_in_history_and_log, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
