/* test_client_conn.c: the client's connection against a scripted server on loopback:
 * the hello, skipping the banner, the server password, the name, records, sending, and
 * a dropped server. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "client_conn.h"
#include "loop.h"

#define DEADLINE_MS 5000

struct ctx {
	struct loop *loop;
	struct client_conn *cc;
	int lfd, srv;
	char got[4096];          /* what the client sent */
	size_t ngot;
	enum proto_type recs[16];
	char texts[16][64];
	int nrecs;
	enum client_conn_state last_state;
	int nstates;
	int asked;               /* LINK_NEED_PASSWORD states seen */
	char detail[128];        /* the detail of the last state */
	int timed_out;
};

static void on_state(void *arg, enum client_conn_state st, const char *detail)
{
	struct ctx *c = arg;

	snprintf(c->detail, sizeof(c->detail), "%s", detail != NULL ? detail : "");
	c->last_state = st;
	c->nstates++;
	if (st == LINK_NEED_PASSWORD)
		c->asked++;
	loop_stop(c->loop);
}

static void on_record(void *arg, const struct proto_rec *rec)
{
	struct ctx *c = arg;

	if (c->nrecs < 16) {
		c->recs[c->nrecs] = rec->type;
		snprintf(c->texts[c->nrecs], sizeof(c->texts[0]), "%s", rec->nf > 0 ? rec->f[rec->nf - 1] : "");
		c->nrecs++;
	}
	loop_stop(c->loop);
}

static const struct client_conn_ops ops = { .state = on_state, .record = on_record };

static void on_srv(struct loop *loop, int fd, short revents, void *arg)
{
	struct ctx *c = arg;
	ssize_t n = read(fd, c->got + c->ngot, sizeof(c->got) - 1 - c->ngot);

	(void)revents;
	if (n > 0) {
		c->ngot += (size_t)n;
		c->got[c->ngot] = '\0';
	}
	loop_stop(loop);
}

static void on_deadline(struct loop *loop, void *arg)
{
	struct ctx *c = arg;

	c->timed_out = 1;
	loop_stop(loop);
}

/* Run the loop until cond holds (each callback stops the loop to re-check it). */
#define RUN_UNTIL(c, cond) do { \
	uint64_t t_ = loop_timer_add((c)->loop, DEADLINE_MS, on_deadline, (c)); \
	while (!(cond) && !(c)->timed_out) \
		loop_run((c)->loop); \
	loop_timer_cancel((c)->loop, t_); \
	assert_false((c)->timed_out); \
} while (0)

static void srv_write(struct ctx *c, const char *s)
{
	assert_int_equal(write(c->srv, s, strlen(s)), (ssize_t)strlen(s));
}

static int start(struct ctx *c)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	const char *err = NULL;

	memset(c, 0, sizeof(*c));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	c->lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (c->lfd < 0 || bind(c->lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(c->lfd, 4) != 0 || getsockname(c->lfd, (struct sockaddr *)&sa, &len) != 0)
		return -1;
	c->loop = loop_new();
	c->cc = client_conn_new(c->loop, "127.0.0.1", ntohs(sa.sin_port), &ops, c);
	client_conn_set_name(c->cc, "alice");
	if (client_conn_start(c->cc, &err) != 0)
		return -1;
	c->srv = accept(c->lfd, NULL, NULL);
	if (c->srv < 0)
		return -1;
	loop_add(c->loop, c->srv, POLLIN, on_srv, c);
	return 0;
}

static void finish(struct ctx *c)
{
	client_conn_free(c->cc);
	if (c->srv >= 0) {
		loop_del(c->loop, c->srv);
		close(c->srv);
	}
	close(c->lfd);
	loop_free(c->loop);
}

static void test_session(void **state)
{
	struct ctx c;

	(void)state;
	assert_int_equal(start(&c), 0);
	srv_write(&c, "Welcome to TCP-Chat!\n  penguin\n[ENTER YOUR NAME]:");
	RUN_UNTIL(&c, strchr(c.got, '\n') != NULL);
	assert_string_equal(c.got, "/TCPCHAT 2\n");
	assert_int_equal(client_conn_state(c.cc), LINK_CONNECTING);

	srv_write(&c, "\n+TCPCHAT\t1\n");      /* an older server: version 1 */
	RUN_UNTIL(&c, strstr(c.got, "alice\n") != NULL);
	assert_string_equal(c.got, "/TCPCHAT 2\nalice\n");
	assert_int_equal(client_conn_state(c.cc), LINK_NAME_SENT);
	assert_int_equal(c.nrecs, 0);          /* banner and penguin never reach the front end */

	srv_write(&c, "WELCOME\talice\tlobby\r\nMEMBERS\talice\tbob\nHIST\t2026-01-01 00:00:00\tbob\t"
	    "old\nFUTURE\tthing\nMSG\t2026-01-01 00:00:01\tbob\thi\n");
	RUN_UNTIL(&c, c.nrecs == 5);
	assert_int_equal(c.recs[0], PROTO_WELCOME);
	assert_int_equal(c.recs[1], PROTO_MEMBERS);
	assert_int_equal(c.recs[2], PROTO_HIST);
	assert_string_equal(c.texts[2], "old");
	assert_int_equal(c.recs[3], PROTO_UNKNOWN);
	assert_int_equal(c.recs[4], PROTO_MSG);
	assert_string_equal(c.texts[4], "hi");
	assert_int_equal(client_conn_state(c.cc), LINK_ONLINE);
	assert_string_equal(client_conn_name(c.cc), "alice");
	assert_string_equal(client_conn_room(c.cc), "lobby");

	assert_int_equal(client_conn_send(c.cc, "hello"), 0);
	RUN_UNTIL(&c, strstr(c.got, "hello\n") != NULL);

	srv_write(&c, "ROOM\tdev\nRENAME\t2026-01-01 00:00:02\talice\talicia\n");
	RUN_UNTIL(&c, c.nrecs == 7);
	assert_string_equal(client_conn_room(c.cc), "dev");
	assert_string_equal(client_conn_name(c.cc), "alicia");

	srv_write(&c, "BYE\tServer is shutting down. Goodbye!\n");
	loop_del(c.loop, c.srv);
	close(c.srv);
	c.srv = -1;
	RUN_UNTIL(&c, client_conn_state(c.cc) == LINK_WAITING);
	assert_null(client_conn_room(c.cc));
	assert_true(client_conn_retry_in(c.cc) > 0);
	assert_int_equal(client_conn_send(c.cc, "lost"), -1);
	finish(&c);
}

static void test_refused_name(void **state)
{
	struct ctx c;

	(void)state;
	assert_int_equal(start(&c), 0);
	srv_write(&c, "[ENTER YOUR NAME]:\n+TCPCHAT\t1\n");
	RUN_UNTIL(&c, strstr(c.got, "alice\n") != NULL);
	srv_write(&c, "NAME?\tName \"alice\" is already taken.\n");
	RUN_UNTIL(&c, c.nrecs == 1);
	assert_int_equal(c.recs[0], PROTO_NAMEQ);
	assert_int_equal(client_conn_state(c.cc), LINK_NEED_NAME);
	assert_false(client_conn_has_name(c.cc));
	client_conn_set_name(c.cc, "alice2");
	RUN_UNTIL(&c, strstr(c.got, "alice2\n") != NULL);
	assert_int_equal(client_conn_state(c.cc), LINK_NAME_SENT);
	finish(&c);
}

static void test_late_hello_answer(void **state)
{
	struct ctx c;

	(void)state;
	assert_int_equal(start(&c), 0);
	RUN_UNTIL(&c, client_conn_state(c.cc) == LINK_DEGRADED);   /* no answer in time */
	RUN_UNTIL(&c, strstr(c.got, "alice\n") != NULL);          /* name sent anyway */
	srv_write(&c, "+TCPCHAT\t1\n");
	RUN_UNTIL(&c, client_conn_state(c.cc) == LINK_NAME_SENT);
	srv_write(&c, "WELCOME\talice\tlobby\n");
	RUN_UNTIL(&c, client_conn_state(c.cc) == LINK_ONLINE);
	finish(&c);
}

static void test_no_reconnect(void **state)
{
	struct ctx c;

	(void)state;
	assert_int_equal(start(&c), 0);
	client_conn_set_reconnect(c.cc, false);
	loop_del(c.loop, c.srv);
	close(c.srv);
	c.srv = -1;
	RUN_UNTIL(&c, client_conn_state(c.cc) == LINK_CLOSED);
	finish(&c);
}

/* Only a link that was up is retried: a first connection that fails is final. */
static void test_first_failure_is_final(void **state)
{
	struct ctx c;

	(void)state;
	assert_int_equal(start(&c), 0);
	loop_del(c.loop, c.srv);
	close(c.srv);
	c.srv = -1;
	RUN_UNTIL(&c, client_conn_state(c.cc) != LINK_CONNECTING);
	assert_int_equal(client_conn_state(c.cc), LINK_CLOSED);
	assert_false(client_conn_was_up(c.cc));
	finish(&c);
}

static void on_enough(struct loop *loop, void *arg)
{
	(void)arg;
	loop_stop(loop);
}

/* Run the loop for ms milliseconds, whatever happens. */
static void run_for(struct ctx *c, int ms)
{
	int64_t until = loop_now_ms() + ms;

	while (loop_now_ms() < until) {
		uint64_t t = loop_timer_add(c->loop, (int)(until - loop_now_ms()), on_enough, c);

		loop_run(c->loop);
		loop_timer_cancel(c->loop, t);
	}
}

/* The server's side of a reconnect: the client's next connection, accepted. */
static void srv_reaccept(struct ctx *c)
{
	loop_del(c->loop, c->srv);
	close(c->srv);
	RUN_UNTIL(c, client_conn_state(c->cc) == LINK_WAITING);
	RUN_UNTIL(c, client_conn_state(c->cc) == LINK_CONNECTING);
	c->srv = accept(c->lfd, NULL, NULL);
	assert_true(c->srv >= 0);
	loop_add(c->loop, c->srv, POLLIN, on_srv, c);
	c->ngot = 0;
	c->got[0] = '\0';
}

/* PASS? (doc/PROTOCOL.md): the name waits; a refusal is told and the password asked
 * again; the name goes when no refusal comes; a reconnect gives the password that was
 * taken, with the name right behind it, unasked. */
static void test_password_record(void **state)
{
	struct ctx c;

	(void)state;
	assert_int_equal(start(&c), 0);
	RUN_UNTIL(&c, strchr(c.got, '\n') != NULL);
	srv_write(&c, "Welcome\n[ENTER PASSWORD]:\n+TCPCHAT\t1\nPASS?\t\n");
	RUN_UNTIL(&c, c.asked == 1);
	assert_string_equal(c.detail, "");
	assert_int_equal(client_conn_state(c.cc), LINK_NEED_PASSWORD);
	assert_string_equal(c.got, "/TCPCHAT 2\n");           /* no name yet */
	assert_int_equal(c.nrecs, 0);                         /* PASS? is the link's */
	client_conn_set_password(c.cc, "wrong");
	RUN_UNTIL(&c, strstr(c.got, "wrong\n") != NULL);
	assert_int_equal(client_conn_state(c.cc), LINK_PASS_SENT);
	srv_write(&c, "PASS?\tWrong password.\n");
	RUN_UNTIL(&c, c.asked == 2);
	assert_string_equal(c.detail, "Wrong password.");
	assert_null(strstr(c.got, "alice"));
	client_conn_set_password(c.cc, "right");
	RUN_UNTIL(&c, strstr(c.got, "alice\n") != NULL);      /* after the wait */
	assert_string_equal(c.got, "/TCPCHAT 2\nwrong\nright\nalice\n");
	assert_int_equal(client_conn_state(c.cc), LINK_NAME_SENT);
	srv_write(&c, "WELCOME\talice\tlobby\n");
	RUN_UNTIL(&c, client_conn_state(c.cc) == LINK_ONLINE);

	srv_reaccept(&c);
	srv_write(&c, "[ENTER PASSWORD]:\n+TCPCHAT\t2\nPASS?\t\n");
	RUN_UNTIL(&c, strstr(c.got, "alice\n") != NULL);
	assert_string_equal(c.got, "/TCPCHAT 2\nright\nalice\n");
	assert_int_equal(c.asked, 2);                          /* not asked again */
	finish(&c);
}

/* A server that asks a version 2 client in nc words: the prompt (not a line) and the
 * refusal as a line of text before it. */
static void test_password_nc_prompt(void **state)
{
	struct ctx c;

	(void)state;
	assert_int_equal(start(&c), 0);
	srv_write(&c, "Welcome\n[ENTER PASSWORD]:\n+TCPCHAT\t2\n[ENTER PASSWORD]:");
	RUN_UNTIL(&c, c.asked == 1);
	assert_string_equal(c.detail, "");
	client_conn_set_password(c.cc, "wrong");
	RUN_UNTIL(&c, strstr(c.got, "wrong\n") != NULL);
	srv_write(&c, "Wrong password.\n[ENTER PASSWORD]:");
	RUN_UNTIL(&c, c.asked == 2);
	assert_string_equal(c.detail, "Wrong password.");
	assert_int_equal(c.nrecs, 0);
	client_conn_set_password(c.cc, "still wrong");
	RUN_UNTIL(&c, strstr(c.got, "still wrong\n") != NULL);
	srv_write(&c, "BYE\tWrong password, goodbye.\n");
	RUN_UNTIL(&c, c.nrecs == 1);
	assert_int_equal(c.recs[0], PROTO_BYE);
	srv_reaccept(&c);                          /* the last try is not given again */
	srv_write(&c, "[ENTER PASSWORD]:\n+TCPCHAT\t2\n[ENTER PASSWORD]:");
	RUN_UNTIL(&c, c.asked == 3);
	assert_string_equal(c.detail, "");
	RUN_UNTIL(&c, strchr(c.got, '\n') != NULL);
	run_for(&c, 100);
	assert_string_equal(c.got, "/TCPCHAT 2\n");
	finish(&c);
}

/* A password refused after the name went (the server was slow, or changed its password
 * between two connections): the name was taken for a second try; its refusal is not
 * told twice, and the password is not given again. */
static void test_password_late_refusal(void **state)
{
	struct ctx c;

	(void)state;
	assert_int_equal(start(&c), 0);
	client_conn_set_password(c.cc, "old");
	srv_write(&c, "[ENTER PASSWORD]:\n+TCPCHAT\t1\nPASS?\t\n");
	RUN_UNTIL(&c, strstr(c.got, "alice\n") != NULL);
	assert_string_equal(c.got, "/TCPCHAT 2\nold\nalice\n");
	assert_int_equal(c.asked, 0);
	srv_write(&c, "PASS?\tWrong password.\n");
	run_for(&c, 200);
	assert_int_equal(c.asked, 0);                  /* the name's refusal is to come */
	srv_write(&c, "PASS?\tWrong password.\n");
	RUN_UNTIL(&c, c.asked == 1);
	assert_string_equal(c.detail, "Wrong password.");
	assert_int_equal(client_conn_state(c.cc), LINK_NEED_PASSWORD);
	finish(&c);
}

/* A link that was up and dropped: the reconnect's first attempt connects (it used to
 * find the addresses used up by the last connection, fail with a made-up "Connection
 * refused" and wait a second round). */
static void test_reconnect_first_attempt(void **state)
{
	struct ctx c;
	int waits = 0;

	(void)state;
	assert_int_equal(start(&c), 0);
	srv_write(&c, "[ENTER YOUR NAME]:\n+TCPCHAT\t2\n");
	RUN_UNTIL(&c, strstr(c.got, "alice\n") != NULL);
	srv_write(&c, "WELCOME\talice\tlobby\n");
	RUN_UNTIL(&c, client_conn_state(c.cc) == LINK_ONLINE);
	loop_del(c.loop, c.srv);
	close(c.srv);
	c.srv = -1;
	c.nstates = 0;
	while (waits < 2) {
		RUN_UNTIL(&c, c.nstates > 0);
		c.nstates = 0;
		if (c.last_state == LINK_WAITING) {
			waits++;
			assert_string_equal(c.detail, "the server closed the connection");
		}
		if (c.last_state == LINK_CONNECTING && waits == 1)
			break;
	}
	assert_int_equal(waits, 1);
	c.srv = accept(c.lfd, NULL, NULL);
	assert_true(c.srv >= 0);
	loop_add(c.loop, c.srv, POLLIN, on_srv, &c);
	c.ngot = 0;
	RUN_UNTIL(&c, strchr(c.got, '\n') != NULL);          /* the hello, at once */
	assert_int_equal(waits, 1);
	finish(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_session),
		cmocka_unit_test(test_refused_name),
		cmocka_unit_test(test_late_hello_answer),
		cmocka_unit_test(test_no_reconnect),
		cmocka_unit_test(test_first_failure_is_final),
		cmocka_unit_test(test_password_record),
		cmocka_unit_test(test_password_nc_prompt),
		cmocka_unit_test(test_password_late_refusal),
		cmocka_unit_test(test_reconnect_first_attempt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
