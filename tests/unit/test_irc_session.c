/*
 * Unit tests for irc_session.c: registration (CAP, PASS, NICK, USER, the welcome
 * burst), PING/PONG, QUIT, and the chat commands against a small in-memory chat that
 * implements the chat interface (struct irc_chat) the way chat.c will: members with
 * names, rooms with members and topics.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "irc_session.h"

/* --- a small chat -------------------------------------------------------------- */

#define MAXM 8
#define MAXR 4

struct fmember {
	bool used, oper;
	char name[NAME_MAX_BYTES + 1];
	char away[64];
	unsigned rooms;             /* bit per room */
};

struct froom {
	const char *name;
	char topic[64], setter[NAME_MAX_BYTES + 1];
	int op;                     /* member index of its operator, -1 none */
};

static struct fmember members[MAXM];
static struct froom rooms[MAXR];
static const char *server_password = "sesame";
static char last_text[1024];    /* the last message the chat was given */
static char last_target[64];
static bool last_notice;
static enum say_kind last_kind;
static char last_quit[300];
static int messages;            /* messages the chat was given */

static int room_find(const char *name)
{
	for (int i = 0; i < MAXR; i++)
		if (names_equal(rooms[i].name, name))
			return i;
	return -1;
}

static int member_find(const char *name)
{
	for (int i = 0; i < MAXM; i++)
		if (members[i].used && names_equal(members[i].name, name))
			return i;
	return -1;
}

static int self(void *ctx)
{
	return (int)((struct fmember *)ctx - members);
}

static int f_password(void *ctx, const char *pass)
{
	(void)ctx;
	return pass != NULL && strcmp(pass, server_password) == 0 ? 0 : 464;
}

static bool f_name_free(void *ctx, const char *name)
{
	(void)ctx;
	return member_find(name) < 0;
}

static int f_enter(void *ctx, const char *name)
{
	struct fmember *m = ctx;

	if (member_find(name) >= 0)
		return 433;
	m->used = true;
	snprintf(m->name, sizeof(m->name), "%s", name);
	return 0;
}

static int f_rename(void *ctx, const char *name)
{
	int other = member_find(name);

	if (other >= 0 && other != self(ctx))
		return 433;
	snprintf(((struct fmember *)ctx)->name, NAME_MAX_BYTES + 1, "%s", name);
	return 0;
}

static int f_join(void *ctx, const char *room)
{
	int r = room_find(room);

	if (r < 0)
		return 403;
	if (((struct fmember *)ctx)->rooms & (1u << r))
		return IRC_SILENT;
	((struct fmember *)ctx)->rooms |= 1u << r;
	return 0;
}

static int f_part(void *ctx, const char *room, const char *reason)
{
	struct fmember *m = ctx;
	int r = room_find(room);

	(void)reason;
	if (r < 0)
		return 403;
	if (!(m->rooms & (1u << r)))
		return 442;
	m->rooms &= ~(1u << r);
	return 0;
}

static int f_message(void *ctx, enum say_kind kind, const char *room, const char *name,
    const char *text, size_t len)
{
	struct fmember *m = ctx;

	if (room != NULL) {
		int r = room_find(room);

		if (r < 0)
			return 403;
		if (!(m->rooms & (1u << r)))
			return 404;
	} else if (member_find(name) < 0) {
		return 401;
	}
	messages++;
	last_notice = kind == SAY_NOTICE;
	last_kind = kind;
	snprintf(last_target, sizeof(last_target), "%s", room != NULL ? room : name);
	snprintf(last_text, sizeof(last_text), "%.*s", (int)len, text);
	return 0;
}

static const char *f_away_of(void *ctx, const char *name, char *text, size_t textsz)
{
	int i = member_find(name);

	(void)ctx;
	if (i < 0 || members[i].away[0] == '\0')
		return NULL;
	snprintf(text, textsz, "%s", members[i].away);
	return text;
}

static int f_names(void *ctx, const char *room, irc_name_fn *each, void *arg)
{
	int r = room_find(room);

	(void)ctx;
	if (r < 0)
		return 403;
	for (int i = 0; i < MAXM; i++)
		if (members[i].used && (members[i].rooms & (1u << r)))
			each(arg, members[i].name, rooms[r].op == i);
	return 0;
}

static int f_topic_get(void *ctx, const char *room, char *topic, size_t topicsz,
    char *setter, size_t settersz, time_t *when)
{
	int r = room_find(room);

	(void)ctx;
	if (r < 0)
		return 403;
	if (rooms[r].topic[0] == '\0')
		return 331;
	snprintf(topic, topicsz, "%s", rooms[r].topic);
	snprintf(setter, settersz, "%s!~u@192.0.2.7", rooms[r].setter);    /* the setter's mask */
	*when = 1000;
	return 0;
}

static int f_topic_set(void *ctx, const char *room, const char *topic)
{
	struct fmember *m = ctx;
	int r = room_find(room);

	if (r < 0)
		return 403;
	if (!(m->rooms & (1u << r)))
		return 442;
	snprintf(rooms[r].topic, sizeof(rooms[r].topic), "%s", topic);
	snprintf(rooms[r].setter, sizeof(rooms[r].setter), "%s", m->name);
	return 0;
}

static int f_who(void *ctx, const char *room, const char *mask, irc_person_fn *each, void *arg)
{
	int r = room != NULL ? room_find(room) : -1;

	(void)ctx;
	for (int i = 0; i < MAXM; i++) {
		struct irc_person p = { .name = members[i].name, .user = "nc", .host = "127.0.0.1",
			.realname = members[i].name, .oper = members[i].oper };

		if (!members[i].used || (room != NULL && (r < 0 || !(members[i].rooms & (1u << r)))))
			continue;
		if (mask != NULL && !names_equal(members[i].name, mask))
			continue;
		p.room = room;
		p.chanop = r >= 0 && rooms[r].op == i;
		p.away = members[i].away[0] ? members[i].away : NULL;
		each(arg, &p);
	}
	return 0;
}

static int f_whois(void *ctx, const char *name, struct irc_person *p, char *rs, size_t rssz)
{
	int i = member_find(name);

	(void)ctx;
	if (i < 0)
		return 401;
	*p = (struct irc_person){ .name = members[i].name, .user = "nc", .host = "127.0.0.1",
		.realname = "someone", .oper = members[i].oper, .idle = 5, .signon = 100,
		.away = members[i].away[0] ? members[i].away : NULL };
	rs[0] = '\0';
	for (int r = 0; r < MAXR; r++)
		if (members[i].rooms & (1u << r))
			snprintf(rs + strlen(rs), rssz - strlen(rs), "%s%s", rs[0] ? " " : "",
			    rooms[r].name);
	return 0;
}

static int f_away(void *ctx, const char *text)
{
	snprintf(((struct fmember *)ctx)->away, 64, "%s", text != NULL ? text : "");
	return 0;
}

static int f_list(void *ctx, irc_room_fn *each, void *arg)
{
	(void)ctx;
	for (int r = 0; r < MAXR; r++) {
		size_t n = 0;

		for (int i = 0; i < MAXM; i++)
			n += members[i].used && (members[i].rooms & (1u << r));
		each(arg, rooms[r].name, n, rooms[r].topic);
	}
	return 0;
}

static int f_kick(void *ctx, const char *room, const char *name, const char *reason)
{
	int r = room_find(room), i = member_find(name);

	(void)reason;
	if (r < 0)
		return 403;
	if (rooms[r].op != self(ctx))
		return 482;
	if (i < 0)
		return 401;
	if (!(members[i].rooms & (1u << r)))
		return 441;
	members[i].rooms &= ~(1u << r);
	return 0;
}

static void f_quit(void *ctx, const char *reason)
{
	((struct fmember *)ctx)->used = false;
	snprintf(last_quit, sizeof(last_quit), "%s", reason);
}

static int f_oper(void *ctx, const char *name, const char *pass)
{
	(void)ctx;
	return strcmp(name, "admin") == 0 && strcmp(pass, "two words") == 0 ? 0 : 464;
}

static const struct irc_chat fake = {
	.password = f_password, .name_free = f_name_free, .enter = f_enter,
	.rename = f_rename, .join = f_join, .part = f_part, .message = f_message,
	.away_of = f_away_of, .names = f_names, .topic_get = f_topic_get,
	.topic_set = f_topic_set, .who = f_who, .whois = f_whois, .away = f_away,
	.list = f_list, .kick = f_kick, .quit = f_quit, .oper = f_oper,
};

static struct irc_config cfg = {
	.server = "My.Little.Server", .network = "tcpchat", .version = "tcpchat-1.0.0",
	.created = "today", .motd = "Hello\nSecond line", .password = false,
	.ping_idle = 120, .ping_timeout = 60,
};

/* --- helpers ------------------------------------------------------------------- */

static struct irc_session sess[MAXM];

static int setup(void **state)
{
	(void)state;
	memset(members, 0, sizeof(members));
	memset(rooms, 0, sizeof(rooms));
	messages = 0;
	rooms[0] = (struct froom){ .name = "lobby", .op = -1 };
	rooms[1] = (struct froom){ .name = "dev", .op = -1 };
	rooms[2] = (struct froom){ .name = "ops", .op = -1 };
	rooms[3] = (struct froom){ .name = "empty", .op = -1 };
	cfg.password = false;
	cfg.motd = "Hello\nSecond line";
	for (int i = 0; i < MAXM; i++)
		irc_session_init(&sess[i], &cfg, &fake, &members[i], "127.0.0.1", 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (int i = 0; i < MAXM; i++)
		irc_session_free(&sess[i]);
	return 0;
}

static enum irc_status send_line(int i, const char *line)
{
	return irc_session_line(&sess[i], line, strlen(line), 1);
}

/* What session i was sent since the last call, as one string (static). */
static const char *got(int i)
{
	static char text[65536];
	size_t n = buf_len(&sess[i].out);

	if (n >= sizeof(text))
		n = sizeof(text) - 1;
	memcpy(text, buf_data(&sess[i].out), n);
	text[n] = '\0';
	buf_clear(&sess[i].out);
	return text;
}

static void expect(int i, const char *want)
{
	assert_string_equal(got(i), want);
}

static void expect_has(int i, const char *want)
{
	const char *g = got(i);

	if (strstr(g, want) == NULL)
		fail_msg("expected \"%s\" in:\n%s", want, g);
}

static void connect_as(int i, const char *nick)
{
	char line[300];

	snprintf(line, sizeof(line), "NICK %s", nick);
	send_line(i, line);
	send_line(i, "USER u 0 * :Real Name");
	assert_true(sess[i].registered);
	got(i);
}

/* --- registration -------------------------------------------------------------- */

static void registration_burst(void **state)
{
	(void)state;
	assert_int_equal(send_line(0, "NICK foo"), IRC_CONTINUE);
	expect(0, "");
	send_line(0, "USER username * * :Realname");
	expect(0,
	    ":My.Little.Server 001 foo :Welcome to the tcpchat IRC Network foo\r\n"
	    ":My.Little.Server 002 foo :Your host is My.Little.Server, running version tcpchat-1.0.0\r\n"
	    ":My.Little.Server 003 foo :This server was created today\r\n"
	    ":My.Little.Server 004 foo My.Little.Server tcpchat-1.0.0 i o\r\n"
	    ":My.Little.Server 005 foo NETWORK=tcpchat NICKLEN=258 CHANNELLEN=33 TOPICLEN=412 "
	    "CASEMAPPING=ascii CHANTYPES=# CHANMODES=,,, PREFIX=(o)@ "
	    "TARGMAX=PRIVMSG:4,NOTICE:4,JOIN:10,PART:10,NAMES:1,WHOIS:1 SAFELIST "
	    ":are supported by this server\r\n"
	    ":My.Little.Server 375 foo :- My.Little.Server Message of the day - \r\n"
	    ":My.Little.Server 372 foo :- Hello\r\n"
	    ":My.Little.Server 372 foo :- Second line\r\n"
	    ":My.Little.Server 376 foo :End of /MOTD command.\r\n");
	assert_true(members[0].used);
	assert_string_equal(members[0].name, "foo");
	send_line(0, "USER again * * :x");
	expect(0, ":My.Little.Server 462 foo :You may not reregister\r\n");
	send_line(0, "PASS x");
	expect(0, ":My.Little.Server 462 foo :You may not reregister\r\n");
}

static void registration_no_motd(void **state)
{
	(void)state;
	cfg.motd = NULL;
	send_line(0, "USER username * * :Realname");
	send_line(0, "NICK bob[20]smith");
	expect_has(0, ":My.Little.Server 422 bob[20]smith :MOTD File is missing\r\n");
	assert_string_equal(members[0].name, "bob smith");
}

static void before_registration(void **state)
{
	(void)state;
	send_line(0, "JOIN :");           /* irssi's probe */
	expect(0, ":My.Little.Server 451 * :You have not registered\r\n");
	send_line(0, "PRIVMSG #lobby :hi");
	expect(0, ":My.Little.Server 451 * :You have not registered\r\n");
	send_line(0, "FOO bar");
	expect(0, ":My.Little.Server 451 * :You have not registered\r\n");
	send_line(0, "PING token");
	expect(0, ":My.Little.Server PONG My.Little.Server token\r\n");
	send_line(0, "PING :two words");
	expect(0, ":My.Little.Server PONG My.Little.Server :two words\r\n");
	send_line(0, "PING");
	expect(0, ":My.Little.Server 461 * PING :Not enough parameters\r\n");
	send_line(0, "NICK");
	expect(0, ":My.Little.Server 431 * :No nickname given\r\n");
	send_line(0, "NICK :");
	expect(0, ":My.Little.Server 431 * :No nickname given\r\n");
	send_line(0, "NICK 9lives");
	expect(0, ":My.Little.Server 432 * 9lives :Erroneous nickname\r\n");
	send_line(0, "NICK a.b");
	expect(0, ":My.Little.Server 432 * a.b :Erroneous nickname\r\n");
	send_line(0, "USER username * *");
	expect(0, ":My.Little.Server 461 * USER :Not enough parameters\r\n");
	send_line(0, "NICK foo");
	send_line(0, "USER username * * :");  /* empty realname (irctest) */
	expect(0, ":My.Little.Server 461 * USER :Not enough parameters\r\n");
	assert_false(sess[0].registered);
	send_line(0, "");
	send_line(0, "   ");
	expect(0, "");
}

static void cap_negotiation(void **state)
{
	(void)state;
	send_line(0, "CAP LS 302");
	expect(0, ":My.Little.Server CAP * LS server-time\r\n");
	send_line(0, "CAP LIST");
	expect(0, ":My.Little.Server CAP * LIST :\r\n");
	send_line(0, "USER foo foo foo :foo");
	send_line(0, "NICK foo");
	expect(0, "");                    /* held until CAP END */
	send_line(0, "CAP REQ :foo qux bar baz qux quux");
	expect(0, ":My.Little.Server CAP foo NAK :foo qux bar baz qux quux\r\n");
	send_line(0, "CAP REQ :server-time foo");
	expect(0, ":My.Little.Server CAP foo NAK :server-time foo\r\n");
	assert_int_equal(sess[0].caps, 0);
	send_line(0, "CAP REQ server-time");
	expect(0, ":My.Little.Server CAP foo ACK server-time\r\n");
	assert_int_equal(sess[0].caps, IRC_CAP_SERVER_TIME);
	send_line(0, "CAP LIST");
	expect(0, ":My.Little.Server CAP foo LIST server-time\r\n");
	send_line(0, "CAP FROB");
	expect(0, ":My.Little.Server 410 * FROB :Invalid CAP command\r\n");
	send_line(0, "CAP");
	expect(0, ":My.Little.Server 461 * CAP :Not enough parameters\r\n");
	assert_false(sess[0].registered);
	send_line(0, "CAP END");
	assert_true(sess[0].registered);
	expect_has(0, ":My.Little.Server 001 foo ");
	send_line(0, "CAP REQ :-server-time");
	expect(0, ":My.Little.Server CAP foo ACK -server-time\r\n");
	assert_int_equal(sess[0].caps, 0);
	send_line(0, "CAP END");          /* after registration: nothing */
	expect(0, "");
}

static void server_time_tags(void **state)
{
	char buf[IRC_TIME_TAG_LEN];

	(void)state;
	assert_null(irc_session_tags(&sess[0], 0, buf));
	send_line(0, "CAP REQ :server-time");
	assert_string_equal(irc_session_tags(&sess[0], 0, buf), "time=1970-01-01T00:00:00.000Z");
}

static void cap_end_without_nick(void **state)
{
	(void)state;
	send_line(0, "CAP LS");
	send_line(0, "CAP END");
	assert_false(sess[0].registered);
	send_line(0, "NICK foo");
	send_line(0, "USER a b c d");
	assert_true(sess[0].registered);
}

static void password_check(void **state)
{
	(void)state;
	cfg.password = true;
	/* right password first */
	send_line(0, "PASS sesame");
	send_line(0, "NICK foo");
	send_line(0, "USER username * * :Realname");
	expect_has(0, " 001 foo ");
	/* none */
	send_line(1, "NICK bar");
	assert_int_equal(send_line(1, "USER username * * :Realname"), IRC_CLOSE);
	expect(1, ":My.Little.Server 464 * :Password incorrect\r\n"
	    ":My.Little.Server ERROR :Closing Link: 127.0.0.1 (Bad password)\r\n");
	assert_false(members[1].used);
	assert_int_equal(send_line(1, "PASS sesame"), IRC_CLOSE);   /* closed stays closed */
	/* wrong */
	send_line(2, "PASS sesamegarbage");
	send_line(2, "NICK baz");
	assert_int_equal(send_line(2, "USER username * * :Realname"), IRC_CLOSE);
	expect_has(2, " 464 * :Password incorrect\r\n");
	/* PASS after NICK and USER is too late */
	send_line(3, "NICK qux");
	assert_int_equal(send_line(3, "USER username * * :Realname"), IRC_CLOSE);
	assert_false(sess[3].registered);
}

static void nick_collision(void **state)
{
	(void)state;
	connect_as(0, "foo");
	send_line(1, "NICK FOO");
	expect(1, ":My.Little.Server 433 * FOO :Nickname is already in use\r\n");
	/* two at once: both free at NICK, only one gets in */
	send_line(2, "NICK bar");
	send_line(3, "NICK bar");
	send_line(2, "USER u * * :r");
	send_line(3, "USER u * * :r");
	assert_true(sess[2].registered);
	assert_false(sess[3].registered);
	expect(3, ":My.Little.Server 433 * bar :Nickname is already in use\r\n");
	send_line(3, "NICK bar2");
	assert_true(sess[3].registered);
	expect_has(3, " 001 bar2 ");
}

static void nick_change(void **state)
{
	(void)state;
	connect_as(0, "foo");
	connect_as(1, "bar");
	send_line(0, "NICK bar");
	expect(0, ":My.Little.Server 433 foo bar :Nickname is already in use\r\n");
	send_line(0, "NICK Jos[c3a9]");
	expect(0, "");                    /* the NICK line comes through the dialect */
	assert_string_equal(sess[0].nick, "Jos[c3a9]");
	assert_string_equal(members[0].name, "Jos\xc3\xa9");
	send_line(0, "NICK Jos[C3A9]");   /* the same name */
	expect(0, "");
	assert_string_equal(sess[0].nick, "Jos[c3a9]");
}

static void ping_pong(void **state)
{
	(void)state;
	connect_as(0, "foo");
	assert_int_equal(irc_session_tick(&sess[0], 100), IRC_CONTINUE);
	expect(0, "");
	assert_int_equal(irc_session_tick(&sess[0], 121), IRC_CONTINUE);
	expect(0, ":My.Little.Server PING My.Little.Server\r\n");
	assert_int_equal(irc_session_tick(&sess[0], 150), IRC_CONTINUE);
	expect(0, "");                    /* one PING out at a time */
	irc_session_line(&sess[0], "PONG My.Little.Server", 21, 160);
	assert_int_equal(irc_session_tick(&sess[0], 200), IRC_CONTINUE);
	expect(0, "");
	assert_int_equal(irc_session_tick(&sess[0], 280), IRC_CONTINUE);
	expect(0, ":My.Little.Server PING My.Little.Server\r\n");
	assert_int_equal(irc_session_tick(&sess[0], 340), IRC_CLOSE);
	expect(0, ":My.Little.Server ERROR :Closing Link: 127.0.0.1 (Ping timeout: 180 seconds)\r\n");
	assert_false(members[0].used);    /* the chat was told */
	assert_string_equal(last_quit, "Ping timeout: 180 seconds");
}

static void quit(void **state)
{
	(void)state;
	connect_as(0, "foo");
	assert_int_equal(send_line(0, "QUIT :gone fishing"), IRC_CLOSE);
	expect(0, ":My.Little.Server ERROR :Closing Link: 127.0.0.1 (Quit: gone fishing)\r\n");
	assert_string_equal(last_quit, "Quit: gone fishing");
	assert_int_equal(send_line(1, "QUIT"), IRC_CLOSE);   /* before registering */
	expect(1, ":My.Little.Server ERROR :Closing Link: 127.0.0.1 (Quit: )\r\n");
}

static void too_long_and_unknown(void **state)
{
	char line[600];

	(void)state;
	connect_as(0, "foo");
	memset(line, 'a', sizeof(line));
	memcpy(line, "PRIVMSG #lobby :", 16);
	irc_session_line(&sess[0], line, sizeof(line), 1);
	expect(0, ":My.Little.Server 417 foo :Input line was too long\r\n");
	irc_session_too_long(&sess[0]);
	expect(0, ":My.Little.Server 417 foo :Input line was too long\r\n");
	send_line(0, "FROBNICATE x");
	expect(0, ":My.Little.Server 421 foo FROBNICATE :Unknown command\r\n");
	send_line(0, "@a=b :ignored!x@y frobnicate");
	expect(0, ":My.Little.Server 421 foo FROBNICATE :Unknown command\r\n");
}

/* --- chat commands ------------------------------------------------------------- */

static void join_names_topic(void **state)
{
	(void)state;
	connect_as(0, "foo");
	connect_as(1, "bob[20]smith");
	rooms[0].op = 1;
	send_line(1, "JOIN #lobby");
	got(1);
	send_line(0, "JOIN #lobby,#dev,#nope,lobby");
	expect(0,
	    ":My.Little.Server 353 foo = #lobby :foo @bob[20]smith\r\n"
	    ":My.Little.Server 366 foo #lobby :End of /NAMES list\r\n"
	    ":My.Little.Server 353 foo = #dev foo\r\n"
	    ":My.Little.Server 366 foo #dev :End of /NAMES list\r\n"
	    ":My.Little.Server 403 foo #nope :No such channel\r\n"
	    ":My.Little.Server 403 foo lobby :No such channel\r\n");
	assert_int_equal(members[0].rooms, 3);
	send_line(0, "JOIN");
	expect(0, ":My.Little.Server 461 foo JOIN :Not enough parameters\r\n");
	send_line(0, "JOIN :");
	expect(0, ":My.Little.Server 461 foo JOIN :Not enough parameters\r\n");

	send_line(0, "TOPIC #lobby");
	expect(0, ":My.Little.Server 331 foo #lobby :No topic is set\r\n");
	send_line(0, "TOPIC #lobby :release on friday");
	expect(0, "");
	assert_string_equal(rooms[0].topic, "release on friday");
	send_line(1, "TOPIC #lobby");
	expect(1, ":My.Little.Server 332 bob[20]smith #lobby :release on friday\r\n"
	    ":My.Little.Server 333 bob[20]smith #lobby foo!~u@192.0.2.7 1000\r\n");
	send_line(0, "TOPIC #ops :x");
	expect(0, ":My.Little.Server 442 foo #ops :You're not on that channel\r\n");
	send_line(0, "TOPIC");
	expect(0, ":My.Little.Server 461 foo TOPIC :Not enough parameters\r\n");
	/* a topic is sent on JOIN when there is one */
	connect_as(2, "carol");
	send_line(2, "JOIN #lobby");
	expect(2, ":My.Little.Server 332 carol #lobby :release on friday\r\n"
	    ":My.Little.Server 333 carol #lobby foo!~u@192.0.2.7 1000\r\n"
	    ":My.Little.Server 353 carol = #lobby :foo @bob[20]smith carol\r\n"
	    ":My.Little.Server 366 carol #lobby :End of /NAMES list\r\n");

	send_line(0, "NAMES #dev,#nope");
	expect(0, ":My.Little.Server 353 foo = #dev foo\r\n"
	    ":My.Little.Server 366 foo #dev :End of /NAMES list\r\n"
	    ":My.Little.Server 366 foo #nope :End of /NAMES list\r\n");
	send_line(0, "NAMES #empty");
	expect(0, ":My.Little.Server 366 foo #empty :End of /NAMES list\r\n");
	send_line(0, "NAMES");            /* every room with members */
	expect(0, ":My.Little.Server 353 foo = #lobby :foo @bob[20]smith carol\r\n"
	    ":My.Little.Server 353 foo = #dev foo\r\n"
	    ":My.Little.Server 366 foo * :End of /NAMES list\r\n");
	send_line(0, "NAMES invalid");
	expect(0, ":My.Little.Server 366 foo invalid :End of /NAMES list\r\n");
	send_line(0, "JOIN #lobby");      /* already there: nothing */
	expect(0, "");
}

static void names_split(void **state)
{
	char nick[40];
	const char *out, *p;
	int lines = 0;

	(void)state;
	/* eight members with long names: 353 lines stay within 512 bytes */
	for (int i = 0; i < MAXM; i++) {
		snprintf(nick, sizeof(nick), "n%d[20]%s", i, "abcdefghijklmnopqrstuvwxyzabc");
		connect_as(i, nick);
		send_line(i, "JOIN #lobby");
		got(i);
	}
	cfg.server = "a.very.long.server.name.example.org.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
	send_line(0, "NAMES #lobby");
	out = got(0);
	cfg.server = "My.Little.Server";
	for (p = out; (p = strstr(p, " 353 ")) != NULL; p++) {
		const char *start = p, *end = strstr(p, "\r\n");

		while (start > out && start[-1] != '\n')
			start--;
		assert_true((size_t)(end - start) + 2 <= IRC_LINE_MAX);
		lines++;
	}
	assert_true(lines >= 2);
	for (int i = 0; i < MAXM; i++) {
		snprintf(nick, sizeof(nick), "n%d[20]%s", i, "abcdefghijklmnopqrstuvwxyzabc");
		assert_non_null(strstr(out, nick));
	}
}

static void part(void **state)
{
	(void)state;
	connect_as(0, "foo");
	send_line(0, "JOIN #lobby,#dev");
	got(0);
	send_line(0, "PART #lobby,#ops,#nope :bye");
	expect(0, ":My.Little.Server 442 foo #ops :You're not on that channel\r\n"
	    ":My.Little.Server 403 foo #nope :No such channel\r\n");
	assert_int_equal(members[0].rooms, 2);
	send_line(0, "PART");
	expect(0, ":My.Little.Server 461 foo PART :Not enough parameters\r\n");
}

static void privmsg(void **state)
{
	(void)state;
	connect_as(0, "foo");
	connect_as(1, "bob[20]smith");
	send_line(0, "JOIN #lobby");
	got(0);
	send_line(0, "PRIVMSG #lobby :hello there");
	expect(0, "");
	assert_string_equal(last_target, "lobby");
	assert_string_equal(last_text, "hello there");
	assert_false(last_notice);
	assert_int_equal(last_kind, SAY_MSG);
	send_line(0, "PRIVMSG #lobby :\x01" "ACTION waves\x01");
	assert_string_equal(last_text, "waves");          /* an action, its text what is done */
	assert_int_equal(last_kind, SAY_ACTION);
	send_line(0, "PRIVMSG #lobby :/me claps");        /* text, not an action */
	assert_string_equal(last_text, "/me claps");
	assert_int_equal(last_kind, SAY_MSG);
	send_line(0, "PRIVMSG bob[20]smith :\x01" "ACTION winks\x01");   /* a private action */
	assert_string_equal(last_target, "bob smith");
	assert_string_equal(last_text, "winks");
	assert_int_equal(last_kind, SAY_ACTION);
	last_text[0] = '\0';
	send_line(0, "PRIVMSG #lobby :\x01" "ACTION  \x01");          /* does nothing: dropped */
	expect(0, "");
	assert_string_equal(last_text, "");
	send_line(0, "PRIVMSG bob[20]smith :psst \x1b[31mred");
	assert_string_equal(last_target, "bob smith");
	assert_string_equal(last_text, "psst [31mred");    /* sanitised */
	send_line(0, "NOTICE #lobby :a notice");
	assert_true(last_notice);
	last_text[0] = '\0';
	send_line(0, "PRIVMSG #lobby :\x01VERSION\x01");
	expect(0, "");
	assert_string_equal(last_text, "");     /* other CTCP requests are dropped */
	send_line(0, "PRIVMSG #dev :hi");
	expect(0, ":My.Little.Server 404 foo #dev :Cannot send to channel\r\n");
	send_line(0, "PRIVMSG #nope :hi");
	expect(0, ":My.Little.Server 403 foo #nope :No such channel\r\n");
	send_line(0, "PRIVMSG nobody :hi");
	expect(0, ":My.Little.Server 401 foo nobody :No such nick/channel\r\n");
	send_line(0, "PRIVMSG a.b :hi");
	expect(0, ":My.Little.Server 401 foo a.b :No such nick/channel\r\n");
	send_line(0, "PRIVMSG");
	expect(0, ":My.Little.Server 411 foo :No recipient given (PRIVMSG)\r\n");
	send_line(0, "PRIVMSG #lobby");
	expect(0, ":My.Little.Server 412 foo :No text to send\r\n");
	send_line(0, "PRIVMSG #lobby :");
	expect(0, ":My.Little.Server 412 foo :No text to send\r\n");
	/* NOTICE never gets an error back */
	send_line(0, "NOTICE nobody :hi");
	send_line(0, "NOTICE #dev :hi");
	send_line(0, "NOTICE");
	send_line(0, "NOTICE x");
	expect(0, "");
	/* away: 301 after a private message */
	strcpy(members[1].away, "at lunch");
	send_line(0, "PRIVMSG bob[20]smith :there?");
	expect(0, ":My.Little.Server 301 foo bob[20]smith :at lunch\r\n");
}

/* A list of targets is one line with several effects: the same target twice is once,
 * a line names at most what TARGMAX says (PRIVMSG and NOTICE 4, JOIN and PART 10; the
 * first past it gets 407, NOTICE no word), and each target costs a line (s->cost). */
static void target_lists_cost_a_line_per_distinct_target_up_to_targmax(void **state)
{
	(void)state;
	connect_as(0, "foo");
	connect_as(1, "bob");
	send_line(0, "JOIN #lobby,#dev");
	got(0);
	assert_int_equal(sess[0].cost, 2);
	send_line(0, "PRIVMSG #lobby :one");
	assert_int_equal(sess[0].cost, 1);
	assert_int_equal(messages, 1);

	messages = 0;
	send_line(0, "PRIVMSG #lobby,#LOBBY,#lobby,#lobby,#lobby,#lobby :once");
	expect(0, "");
	assert_int_equal(messages, 1);
	assert_int_equal(sess[0].cost, 1);

	messages = 0;
	send_line(0, "PRIVMSG #lobby,bob,#dev,Bob,foo,#ops,#empty :four");
	expect(0, ":My.Little.Server 407 foo #ops :Too many targets (PRIVMSG takes at most 4)\r\n");
	assert_int_equal(messages, 4);
	assert_int_equal(sess[0].cost, 4);

	messages = 0;
	send_line(0, "NOTICE #lobby,bob,#dev,foo,#ops :quiet");
	expect(0, "");                   /* NOTICE never gets an error back */
	assert_int_equal(messages, 4);
	assert_int_equal(sess[0].cost, 4);

	send_line(0, "JOIN #a,#b,#c,#d,#e,#f,#g,#h,#i,#j,#k,#l");
	expect_has(0, ":My.Little.Server 407 foo #k :Too many targets (JOIN takes at most 10)\r\n");
	assert_int_equal(sess[0].cost, 10);
	send_line(0, "PART #a,#b,#c,#d,#e,#f,#g,#h,#i,#j,#k");
	expect_has(0, ":My.Little.Server 407 foo #k :Too many targets (PART takes at most 10)\r\n");
	assert_int_equal(sess[0].cost, 10);
}

static void away(void **state)
{
	(void)state;
	connect_as(0, "foo");
	send_line(0, "AWAY :gone");
	expect(0, ":My.Little.Server 306 foo :You have been marked as being away\r\n");
	assert_string_equal(members[0].away, "gone");
	send_line(0, "AWAY");
	expect(0, ":My.Little.Server 305 foo :You are no longer marked as being away\r\n");
	assert_string_equal(members[0].away, "");
}

static void who_whois(void **state)
{
	(void)state;
	connect_as(0, "foo");
	connect_as(1, "bob[20]smith");
	members[1].oper = true;
	strcpy(members[1].away, "out");
	rooms[0].op = 1;
	send_line(0, "JOIN #lobby");
	send_line(1, "JOIN #lobby,#dev");
	got(0);
	send_line(0, "WHO #lobby");
	expect(0,
	    ":My.Little.Server 352 foo #lobby nc 127.0.0.1 My.Little.Server foo H :0 foo\r\n"
	    ":My.Little.Server 352 foo #lobby nc 127.0.0.1 My.Little.Server bob[20]smith G*@ "
	    ":0 bob smith\r\n"
	    ":My.Little.Server 315 foo #lobby :End of WHO list\r\n");
	send_line(0, "WHO bob[20]smith");
	expect_has(0, " 352 foo * nc 127.0.0.1 My.Little.Server bob[20]smith G* :0 bob smith\r\n");
	send_line(0, "WHO");
	expect_has(0, " 315 foo * :End of WHO list\r\n");
	send_line(0, "WHOIS bob[20]smith");
	expect(0,
	    ":My.Little.Server 311 foo bob[20]smith nc 127.0.0.1 * someone\r\n"
	    ":My.Little.Server 319 foo bob[20]smith :#lobby #dev\r\n"
	    ":My.Little.Server 312 foo bob[20]smith My.Little.Server tcpchat\r\n"
	    ":My.Little.Server 313 foo bob[20]smith :is an IRC operator\r\n"
	    ":My.Little.Server 301 foo bob[20]smith out\r\n"
	    ":My.Little.Server 317 foo bob[20]smith 5 100 :seconds idle, signon time\r\n"
	    ":My.Little.Server 318 foo bob[20]smith :End of /WHOIS list\r\n");
	send_line(0, "WHOIS My.Little.Server nobody");
	expect(0, ":My.Little.Server 401 foo nobody :No such nick/channel\r\n"
	    ":My.Little.Server 318 foo nobody :End of /WHOIS list\r\n");
	send_line(0, "WHOIS");
	expect(0, ":My.Little.Server 431 foo :No nickname given\r\n");
}

static void list_and_mode(void **state)
{
	(void)state;
	connect_as(0, "foo");
	send_line(0, "JOIN #lobby");
	got(0);
	strcpy(rooms[1].topic, "code");
	send_line(0, "LIST");
	expect(0, ":My.Little.Server 321 foo Channel :Users  Name\r\n"
	    ":My.Little.Server 322 foo #lobby 1 :\r\n"
	    ":My.Little.Server 322 foo #dev 0 code\r\n"
	    ":My.Little.Server 322 foo #ops 0 :\r\n"
	    ":My.Little.Server 322 foo #empty 0 :\r\n"
	    ":My.Little.Server 323 foo :End of /LIST\r\n");
	send_line(0, "MODE foo +i");
	expect(0, ":My.Little.Server 221 foo +\r\n");
	send_line(0, "MODE other");
	expect(0, ":My.Little.Server 502 foo :Cant change mode for other users\r\n");
	send_line(0, "MODE #lobby");
	expect(0, ":My.Little.Server 324 foo #lobby +\r\n");
	send_line(0, "MODE #lobby b");
	expect(0, ":My.Little.Server 368 foo #lobby :End of channel ban list\r\n");
	send_line(0, "MODE #lobby +o foo");
	expect(0, ":My.Little.Server 482 foo #lobby :You're not channel operator\r\n");
}

static void kick(void **state)
{
	(void)state;
	connect_as(0, "foo");
	connect_as(1, "bar");
	send_line(0, "JOIN #lobby");
	send_line(1, "JOIN #lobby");
	got(0);
	send_line(0, "KICK #lobby bar");
	expect(0, ":My.Little.Server 482 foo #lobby :You're not channel operator\r\n");
	rooms[0].op = 0;
	send_line(0, "KICK #lobby bar :behave");
	expect(0, "");
	assert_int_equal(members[1].rooms, 0);
	send_line(0, "KICK #lobby bar");
	expect(0, ":My.Little.Server 441 foo bar #lobby :They aren't on that channel\r\n");
	send_line(0, "KICK #lobby nobody");
	expect(0, ":My.Little.Server 401 foo #lobby :No such nick/channel\r\n");
	send_line(0, "KICK #lobby");
	expect(0, ":My.Little.Server 461 foo KICK :Not enough parameters\r\n");
}

static void source_prefix(void **state)
{
	char src[400];

	(void)state;
	connect_as(0, "bob[20]smith");
	irc_session_source(&sess[0], src, sizeof(src));
	assert_string_equal(src, "bob[20]smith!~u@127.0.0.1");
	send_line(1, "NICK x");
	send_line(1, "USER !!! 0 * :r");
	irc_session_source(&sess[1], src, sizeof(src));
	assert_string_equal(src, "x!~u@127.0.0.1");
}

/* OPER NAME PASSWORD: the chat's answer as 381 or its numeric; without an oper
 * callback, 421. */
static void oper(void **state)
{
	struct irc_chat no_oper = fake;

	(void)state;
	connect_as(0, "foo");
	send_line(0, "OPER admin wrong");
	expect(0, ":My.Little.Server 464 foo :Password incorrect\r\n");
	send_line(0, "OPER admin :two words");
	expect(0, ":My.Little.Server 381 foo :You are now an IRC operator\r\n");
	send_line(0, "OPER admin");
	expect(0, ":My.Little.Server 461 foo OPER :Not enough parameters\r\n");
	no_oper.oper = NULL;
	sess[0].chat = &no_oper;
	send_line(0, "OPER admin x");
	expect(0, ":My.Little.Server 421 foo OPER :Unknown command\r\n");
	sess[0].chat = &fake;
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(registration_burst), T(registration_no_motd), T(before_registration),
		T(cap_negotiation), T(server_time_tags), T(cap_end_without_nick), T(password_check),
		T(nick_collision), T(nick_change), T(ping_pong), T(quit), T(too_long_and_unknown),
		T(join_names_topic), T(names_split), T(part), T(privmsg),
		T(target_lists_cost_a_line_per_distinct_target_up_to_targmax), T(away), T(who_whois),
		T(list_and_mode), T(kick), T(source_prefix), T(oper),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
