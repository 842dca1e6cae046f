/* Unit tests for chat_oper.c, the operator rules, without sockets: members made by
 * sessions (nc, client dialect 2), actions called as a protocol module calls them,
 * statuses and what the members are sent checked; a bus that keeps what would go to
 * the other servers of a cluster; a member of another server as chat_bus.c keeps one. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "chat.h"
#include "chat_oper.h"
#include "opers.h"
#include "session.h"
#include "text.h"
#include "tclimits.h"

static struct chat ch;
static struct conn_list pending;

/* A cluster (cluster.h): the operator actions handed to it. */
static struct cluster_oper sent[4];
static size_t nsent;

static void keep_oper(void *arg, struct cluster_oper *op)
{
	(void)arg;
	if (nsent < sizeof(sent) / sizeof(sent[0]))
		sent[nsent++] = *op;
}

static bool purge_shared(void *arg, const char *name)
{
	(void)arg, (void)name;
	return true;
}

static const struct cluster_ops cluster = { .oper = keep_oper, .purge = purge_shared };

static int setup(void **state)
{
	(void)state;
	chat_init(&ch, 100, 0, 10);
	nsent = 0;
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

/* --- members ------------------------------------------------------------------------- */

static struct member *me(struct conn *c)
{
	return &((struct session *)c->owner)->m;
}

static void feed(struct conn *c, const char *s)
{
	buf_append_str(&c->in, s);
	session_input(&ch, c->owner, 0);
}

/* Take c's queued output as a string, with the times of nc lines replaced by "T". */
static const char *out(struct conn *c)
{
	static char s[4096];
	size_t o = 0, n = buf_len(&c->out);
	const char *p = buf_data(&c->out);

	for (size_t i = 0; i < n && o + 1 < sizeof(s);) {
		if (i + 19 <= n && p[i + 4] == '-' && p[i + 7] == '-' && p[i + 10] == ' ' &&
		    p[i + 13] == ':' && p[i + 16] == ':') {
			s[o++] = 'T';
			i += 19;
		} else {
			s[o++] = p[i++];
		}
	}
	s[o] = '\0';
	conn_sent(c, n);
	return s;
}

/* A member named name; hello: the client's hello line first ("" for nc). */
static struct conn *named_from(const char *peer, const char *hello, const char *name)
{
	struct conn *c = conn_new(NULL, peer, 0, &pending);
	char line[64];

	c->owner = session_new(&ch, &front_text, NULL, c, 0);
	session_greet(&ch, c->owner);
	snprintf(line, sizeof(line), "%s%s\n", hello, name);
	feed(c, line);
	out(c);
	return c;
}

static struct conn *nc(const char *name)
{
	return named_from("test", "", name);
}

/* Client dialect 2: a member of several rooms. */
static struct conn *v2(const char *name)
{
	return named_from("test", "/TCPCHAT 2\n", name);
}

static struct conn *oper(const char *name)
{
	struct conn *c = nc(name);

	me(c)->oper = true;
	return c;
}

static void done(struct conn *c)
{
	session_leave(&ch, c->owner);
	while (conn_pending_take(&pending) != NULL)
		;
	session_free(c->owner);
	conn_free(c);
}

static bool in_room(struct conn *c, const char *room)
{
	struct room *r = rooms_find(&ch.rooms, room);

	return r != NULL && member_in(me(c), r);
}

/* A member of another server in room, as chat_bus.c keeps it (member.remote). */
static void remote_init(struct member *g, const char *name, const char *room)
{
	member_init(g, NULL);
	g->remote = true;
	member_set_name(g, name);
	g->state = MEMBER_CHATTING;
	names_add(ch.names, g->name, g);
	room_add(&ch.rooms, rooms_get(&ch.rooms, room), g);
}

static void remote_free(struct member *g)
{
	while (member_rooms(g) != NULL)
		room_remove(member_rooms(g)->room, g);
	names_del(ch.names, g->name);
	member_release(g);
}

/* --- permissions --------------------------------------------------------------------- */

static void only_operators(void **state)
{
	struct conn *a = nc("alice"), *b = nc("bob");
	struct member *bob = me(b);
	struct chat_oper_result res;
	struct addrkey k;

	(void)state;
	assert_int_equal(addrkey_from_text("192.0.2.7", &k), 0);
	assert_int_equal(chat_oper_may(me(a)), CHAT_OPER_NOT_OPER);
	assert_int_equal(chat_oper_kick(&ch, me(a), bob, NULL, "x", 1, &res), CHAT_OPER_NOT_OPER);
	assert_int_equal(chat_oper_kick(&ch, me(a), bob, "lobby", "x", 1, &res),
	    CHAT_OPER_NOT_OPER);
	assert_int_equal(chat_oper_ban(&ch, me(a), bob, NULL, 0, "", 0, &res), CHAT_OPER_NOT_OPER);
	assert_int_equal(chat_oper_ban(&ch, me(a), NULL, &k, 0, "", 0, &res), CHAT_OPER_NOT_OPER);
	assert_int_equal(chat_oper_unban(&ch, me(a), &k, &res), CHAT_OPER_NOT_OPER);
	assert_int_equal(chat_oper_bans(&ch, me(a), &res), CHAT_OPER_NOT_OPER);
	assert_int_equal(chat_oper_mute(&ch, me(a), bob, 0, &res), CHAT_OPER_NOT_OPER);
	assert_int_equal(chat_oper_unmute(&ch, me(a), bob, &res), CHAT_OPER_NOT_OPER);
	assert_int_equal(chat_oper_wall(&ch, me(a), "hi", 2, &res), CHAT_OPER_NOT_OPER);
	assert_int_equal(chat_oper_purge(&ch, me(a), "bob", &res), CHAT_OPER_NOT_OPER);
	assert_false(member_closing(bob));
	assert_false(bob->muted);
	assert_int_equal(ch.bans.n, 0);
	assert_string_equal(out(b), "");
	assert_false(chat_oper_configured(&ch));
	assert_int_equal(chat_oper_login(&ch, me(a), "admin", "pw"), CHAT_OPER_NO_OPERS);
	assert_false(me(a)->oper);
	done(b);
	done(a);
}

/* --- kick ---------------------------------------------------------------------------- */

static void kick_closes_a_member_of_one_room(void **state)
{
	struct conn *a = oper("alice"), *b = nc("bob"), *c = nc("carol");
	struct chat_oper_result res;

	(void)state;
	out(a), out(b);
	assert_int_equal(chat_oper_kick(&ch, me(a), me(b), NULL, "go away", 7, &res),
	    CHAT_OPER_OK);
	assert_string_equal(res.what, "Kicked bob (test): go away");
	assert_false(res.remote);
	assert_true(member_closing(me(b)));
	assert_string_equal(out(b), "\nYou were kicked by alice: go away\n");
	done(b);
	assert_string_equal(out(c), "\nbob has left our chat...\n[T][carol]:");
	/* From a room (IRC KICK): a member of one room is put out all the same. */
	b = nc("bob");
	out(c);
	assert_int_equal(chat_oper_kick(&ch, me(a), me(b), "lobby", "", 0, &res), CHAT_OPER_OK);
	assert_string_equal(res.what, "Kicked bob (test).");
	assert_true(member_closing(me(b)));
	assert_string_equal(out(b), "\nYou were kicked by alice.\n");
	assert_string_equal(out(c), "");            /* nc shows no KICK: the leave says it */
	done(b);
	assert_string_equal(out(c), "\nbob has left our chat...\n[T][carol]:");
	done(c);
	done(a);
}

static void kick_from_one_room_leaves_the_others(void **state)
{
	struct conn *a = oper("alice"), *b = v2("bob"), *c = nc("carol");
	struct chat_oper_result res;

	(void)state;
	feed(b, "/join dev\n");
	feed(c, "/join dev\n");
	out(a), out(b), out(c);
	assert_int_equal(chat_oper_kick(&ch, me(a), me(b), "dev", "spam", 4, &res),
	    CHAT_OPER_OK);
	assert_string_equal(res.what, "Kicked bob (test) from room dev: spam");
	assert_false(member_closing(me(b)));
	assert_false(in_room(b, "dev"));
	assert_true(in_room(b, "lobby"));
	assert_ptr_equal(me(b)->room, rooms_find(&ch.rooms, "lobby"));
	assert_string_equal(out(b), "INFO\tYou were kicked from room dev by alice: spam\n");
	assert_string_equal(out(c), "\nbob left room dev\n[T][carol]:");
	assert_string_equal(out(a), "");            /* alice is in lobby only */
	feed(b, "still here\n");                     /* and speaks in lobby */
	assert_string_equal(out(a), "\n[T][bob]:still here\n[T][alice]:");
	out(b);
	/* Its last room: put out of the chat, as /kick does. */
	assert_int_equal(chat_oper_kick(&ch, me(a), me(b), "lobby", "", 0, &res), CHAT_OPER_OK);
	assert_string_equal(res.what, "Kicked bob (test).");
	assert_true(member_closing(me(b)));
	assert_string_equal(out(b), "BYE\tYou were kicked by alice.\n");
	done(b);
	done(c);
	done(a);
}

static void kick_refusals(void **state)
{
	struct conn *a = oper("alice"), *b = v2("bob");
	struct chat_oper_result res;

	(void)state;
	assert_int_equal(chat_oper_kick(&ch, me(a), NULL, NULL, "", 0, &res),
	    CHAT_OPER_NO_SUCH_USER);
	assert_int_equal(chat_oper_kick(&ch, me(a), me(b), "nowhere", "", 0, &res),
	    CHAT_OPER_NO_SUCH_ROOM);
	feed(a, "/join dev\n");
	assert_int_equal(chat_oper_kick(&ch, me(a), me(b), "dev", "", 0, &res),
	    CHAT_OPER_NOT_IN_ROOM);
	assert_int_equal(chat_oper_kick(&ch, me(a), NULL, "dev", "", 0, &res),
	    CHAT_OPER_NO_SUCH_USER);
	assert_false(member_closing(me(b)));
	done(b);
	done(a);
}

/* A user of another server: its server applies the kick, with the room. */
static void kick_of_a_remote_member_goes_through_the_cluster(void **state)
{
	struct conn *a = oper("alice");
	struct member g;
	struct chat_oper_result res;

	(void)state;
	ch.cluster = (struct cluster){ &cluster, NULL };
	remote_init(&g, "bob", "dev");
	assert_int_equal(chat_oper_kick(&ch, me(a), &g, "dev", "spam", 4, &res), CHAT_OPER_OK);
	assert_true(res.remote);
	assert_string_equal(res.what, "Kicked bob (on another server) from room dev: spam");
	assert_int_equal(nsent, 1);
	assert_int_equal(sent[0].kind, CLUSTER_OPER_KICK);
	assert_string_equal(sent[0].by, "alice");
	assert_string_equal(sent[0].target, "bob");
	assert_string_equal(sent[0].room, "dev");
	assert_string_equal(sent[0].text, "spam");
	assert_int_equal(chat_oper_kick(&ch, me(a), &g, NULL, "", 0, &res), CHAT_OPER_OK);
	assert_string_equal(res.what, "Kicked bob (on another server).");
	assert_string_equal(sent[1].room, "");
	remote_free(&g);
	ch.cluster = (struct cluster){ 0 };
	done(a);
}

/* Another server's operator kicked a member of this one. */
static void kick_from_another_server_is_applied_here(void **state)
{
	struct conn *b = v2("bob"), *c = nc("carol");
	struct cluster_oper op = { .server = "s-2", .kind = CLUSTER_OPER_KICK, .by = "op",
	    .target = "bob", .room = "dev", .text = "spam" };

	(void)state;
	feed(b, "/join dev\n");
	out(b);
	chat_oper_remote(&ch, &op);
	assert_false(member_closing(me(b)));
	assert_false(in_room(b, "dev"));
	assert_string_equal(out(b), "INFO\tYou were kicked from room dev by op: spam\n");
	chat_oper_remote(&ch, &op);                 /* not in dev any more: nothing */
	assert_false(member_closing(me(b)));
	snprintf(op.room, sizeof(op.room), "%s", "");
	chat_oper_remote(&ch, &op);
	assert_true(member_closing(me(b)));
	assert_string_equal(out(b), "BYE\tYou were kicked by op: spam\n");
	done(b);
	done(c);
}

/* --- mute, unmute -------------------------------------------------------------------- */

static void mute_and_unmute(void **state)
{
	struct conn *a = oper("alice"), *b = nc("bob");
	struct chat_oper_result res;
	char why[128];

	(void)state;
	assert_int_equal(chat_oper_mute(&ch, me(a), NULL, 0, &res), CHAT_OPER_NO_SUCH_USER);
	assert_int_equal(chat_oper_unmute(&ch, me(a), me(b), &res), CHAT_OPER_NOT_MUTED);
	assert_int_equal(chat_oper_mute(&ch, me(a), me(b), 600, &res), CHAT_OPER_OK);
	assert_string_equal(res.what, "Muted bob for 10m.");
	assert_true(me(b)->muted);
	assert_non_null(chat_muted(me(b), time(NULL), why, sizeof(why)));
	assert_string_equal(out(b), "\nYou were muted by alice for 10m.\n[T][bob]:");
	assert_int_equal(chat_oper_unmute(&ch, me(a), me(b), &res), CHAT_OPER_OK);
	assert_string_equal(res.what, "Unmuted bob.");
	assert_false(me(b)->muted);
	assert_string_equal(out(b), "\nYou can speak again.\n[T][bob]:");
	assert_int_equal(chat_oper_unmute(&ch, me(a), me(b), &res), CHAT_OPER_NOT_MUTED);
	assert_int_equal(chat_oper_unmute(&ch, me(a), NULL, &res), CHAT_OPER_NO_SUCH_USER);
	done(b);
	done(a);
}

/* --- ban, unban, wall, purge --------------------------------------------------------- */

static void ban_kicks_the_address_and_unban_lifts_it(void **state)
{
	struct conn *a = oper("alice");
	struct conn *b = named_from("192.0.2.7:4000", "", "bob");
	struct conn *c = named_from("192.0.2.7:4001", "", "carl");
	struct chat_oper_result res;
	struct addrkey k;

	(void)state;
	assert_int_equal(chat_oper_ban(&ch, me(a), me(b), NULL, 3600, "spam", 4, &res),
	    CHAT_OPER_OK);
	assert_string_equal(res.what, "Banned 192.0.2.7 for 1h; 2 connections kicked.");
	assert_false(res.unsaved);
	assert_true(member_closing(me(b)));
	assert_true(member_closing(me(c)));
	assert_false(member_closing(me(a)));
	assert_int_equal(ch.bans.n, 1);
	assert_int_equal(addrkey_from_text("192.0.2.7", &k), 0);
	assert_int_equal(chat_oper_unban(&ch, me(a), &k, &res), CHAT_OPER_OK);
	assert_string_equal(res.what, "Unbanned 192.0.2.7.");
	assert_int_equal(chat_oper_unban(&ch, me(a), &k, &res), CHAT_OPER_NOT_BANNED);
	assert_int_equal(chat_oper_ban(&ch, me(a), me(a), NULL, 0, "", 0, &res),
	    CHAT_OPER_NO_SUCH_USER);                 /* "test": no address to ban */
	done(c);
	done(b);
	done(a);
}

static void wall_and_purge(void **state)
{
	struct conn *a = oper("alice"), *b = nc("bob");
	struct chat_oper_result res;

	(void)state;
	feed(b, "one\n");
	feed(b, "two\n");
	out(a), out(b);
	assert_int_equal(chat_oper_wall(&ch, me(a), "noon", 4, &res), CHAT_OPER_OK);
	assert_string_equal(res.what, "*** Notice from alice: noon");
	assert_string_equal(out(b), "\n*** Notice from alice: noon\n[T][bob]:");
	assert_int_equal(chat_oper_purge(&ch, me(a), "BOB", &res), CHAT_OPER_OK);
	assert_string_equal(res.what, "Purged 2 messages of BOB from the history.");
	ch.cluster = (struct cluster){ &cluster, NULL };
	assert_int_equal(chat_oper_purge(&ch, me(a), "bob", &res), CHAT_OPER_OK);
	assert_string_equal(res.what, "Purged 0 messages of bob from the history; every server "
	    "of the cluster purges its own, and the shared history is purged too.");
	assert_int_equal(nsent, 1);
	assert_int_equal(sent[0].kind, CLUSTER_OPER_PURGE);
	ch.cluster = (struct cluster){ 0 };
	done(b);
	done(a);
}

/* The topic's one rule, for /topic and IRC TOPIC alike: in the room, and an operator
 * when the server has operators (it had two copies, and IRC's logged an operator's
 * topic as anyone's). */
static void topic_rule(void **state)
{
	struct conn *a = nc("alice"), *o = oper("olga"), *d = v2("dora");
	struct room *lobby = rooms_find(&ch.rooms, "lobby");
	struct opers none = { 0 };

	(void)state;
	assert_int_equal(chat_oper_topic(&ch, me(a), NULL, "x", 1), CHAT_OPER_NO_SUCH_ROOM);
	assert_int_equal(chat_oper_topic(&ch, me(a), lobby, "open", 4), CHAT_OPER_OK);
	assert_string_equal(lobby->topic, "open");
	ch.cfg.opers = &none;                    /* operators configured: theirs alone */
	assert_int_equal(chat_oper_topic(&ch, me(a), lobby, "mine", 4), CHAT_OPER_NOT_OPER);
	assert_string_equal(lobby->topic, "open");
	assert_int_equal(chat_oper_topic(&ch, me(o), lobby, "", 0), CHAT_OPER_OK);
	assert_null(lobby->topic);
	feed(d, "/join dev\n");
	feed(o, "/join side\n");
	assert_int_equal(chat_oper_topic(&ch, me(o), rooms_find(&ch.rooms, "dev"), "x", 1),
	    CHAT_OPER_NOT_IN_ROOM);
	ch.cfg.opers = NULL;
	done(d);
	done(o);
	done(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(only_operators, setup, teardown),
		cmocka_unit_test_setup_teardown(kick_closes_a_member_of_one_room, setup, teardown),
		cmocka_unit_test_setup_teardown(kick_from_one_room_leaves_the_others, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(kick_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(kick_of_a_remote_member_goes_through_the_cluster,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(kick_from_another_server_is_applied_here, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(mute_and_unmute, setup, teardown),
		cmocka_unit_test_setup_teardown(ban_kicks_the_address_and_unban_lifts_it, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(wall_and_purge, setup, teardown),
		cmocka_unit_test_setup_teardown(topic_rule, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
