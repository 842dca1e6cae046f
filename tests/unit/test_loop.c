/* Unit tests for loop.c with real pipes and real signals. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "loop.h"

static int fired[8];

static void on_timer(struct loop *loop, void *arg)
{
	int i = (int)(intptr_t)arg;

	fired[i] = ++fired[7];
	if (i == 3)
		loop_stop(loop);
}

static void timers_in_order(void **state)
{
	struct loop *loop = loop_new();
	uint64_t cancelled;

	(void)state;
	memset(fired, 0, sizeof(fired));
	loop_timer_add(loop, 30, on_timer, (void *)3);
	loop_timer_add(loop, 1, on_timer, (void *)1);
	cancelled = loop_timer_add(loop, 5, on_timer, (void *)2);
	loop_timer_add(loop, 10, on_timer, (void *)0);
	loop_timer_cancel(loop, cancelled);
	assert_int_equal(loop_run(loop), 0);
	assert_int_equal(fired[1], 1);
	assert_int_equal(fired[0], 2);
	assert_int_equal(fired[2], 0);
	assert_int_equal(fired[3], 3);
	loop_free(loop);
}

struct pipes {
	int fds[4][2];
	int reads;
};

static void on_read(struct loop *loop, int fd, short revents, void *arg)
{
	struct pipes *p = arg;
	char c;

	assert_true(revents & POLLIN);
	assert_int_equal(read(fd, &c, 1), 1);
	p->reads++;
	/* removing other fds from inside a callback must be safe */
	for (int i = 0; i < 4; i++)
		loop_del(loop, p->fds[i][0]);
	loop_stop(loop);
}

static void remove_during_dispatch(void **state)
{
	struct loop *loop = loop_new();
	struct pipes p = { .reads = 0 };

	(void)state;
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pipe(p.fds[i]), 0);
		assert_int_equal(loop_add(loop, p.fds[i][0], POLLIN, on_read, &p), 0);
		assert_int_equal(write(p.fds[i][1], "x", 1), 1);
	}
	assert_int_equal(loop_add(loop, p.fds[0][0], POLLIN, on_read, &p), -1); /* twice */
	assert_int_equal(loop_events(loop, p.fds[2][0]), POLLIN);
	loop_set_events(loop, p.fds[2][0], 0);
	assert_int_equal(loop_events(loop, p.fds[2][0]), 0);
	loop_run(loop);
	assert_int_equal(p.reads, 1);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(loop_events(loop, p.fds[i][0]), 0);
		close(p.fds[i][0]);
		close(p.fds[i][1]);
	}
	loop_free(loop);
}

static int got_signal;

static void on_sig(struct loop *loop, int signo, void *arg)
{
	(void)arg;
	got_signal = signo;
	loop_stop(loop);
}

static void raise_signal(struct loop *loop, void *arg)
{
	(void)loop;
	(void)arg;
	raise(SIGUSR1);
}

static void signals_through_self_pipe(void **state)
{
	struct loop *loop = loop_new();

	(void)state;
	assert_int_equal(loop_signal(loop, SIGUSR1, on_sig, NULL), 0);
	loop_timer_add(loop, 1, raise_signal, NULL);
	loop_run(loop);
	assert_int_equal(got_signal, SIGUSR1);
	loop_free(loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(timers_in_order),
		cmocka_unit_test(remove_during_dispatch),
		cmocka_unit_test(signals_through_self_pipe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
