/* Tests for workers.c: jobs run off the loop thread, answers come back on the loop in
 * order, a full queue refuses, a cancelled job is freed without an answer, and the loop
 * stays responsive (a timer fires) while a job is running. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>

#include "loop.h"
#include "workers.h"

struct job {
	struct work w;                  /* first */
	int in, out;
	pthread_t ran_on;
	int *answers;                   /* counted on the loop */
	int *order;
	int *freed;
	int usleep_us;
};

static int seen[64], nseen;

static void job_run(struct work *w)
{
	struct job *j = (struct job *)w;

	if (j->usleep_us > 0)
		usleep((useconds_t)j->usleep_us);
	j->ran_on = pthread_self();
	j->out = j->in * 2;
}

static void job_done(struct work *w)
{
	struct job *j = (struct job *)w;

	(*j->freed)++;
	if (!w->cancelled) {
		assert_true(pthread_equal(j->ran_on, pthread_self()) == 0);
		assert_int_equal(j->out, j->in * 2);
		(*j->answers)++;
		if (nseen < 64)
			seen[nseen++] = j->in;
	}
	free(j);
}

static struct job *new_job(int in, int *answers, int *freed, int us)
{
	struct job *j = calloc(1, sizeof(*j));

	j->w = (struct work){ .run = job_run, .done = job_done };
	j->in = in;
	j->answers = answers;
	j->freed = freed;
	j->usleep_us = us;
	return j;
}

struct until {
	int *counter, want;
	int64_t deadline;
	int ticks;
};

static void check(struct loop *loop, void *arg)
{
	struct until *u = arg;

	u->ticks++;
	if (*u->counter >= u->want || loop_now_ms() > u->deadline) {
		loop_stop(loop);
		return;
	}
	loop_timer_add(loop, 1, check, u);
}

static int run_until(struct loop *loop, int *counter, int want, int ms)
{
	struct until u = { counter, want, loop_now_ms() + ms, 0 };

	loop_timer_add(loop, 0, check, &u);
	loop_run(loop);
	return u.ticks;
}

static void answers_on_the_loop_in_order(void **state)
{
	struct loop *loop = loop_new();
	struct workers *ws = workers_new(loop, 1, 16);
	int answers = 0, freed = 0;

	(void)state;
	nseen = 0;
	for (int i = 1; i <= 10; i++)
		assert_int_equal(workers_submit(ws, &new_job(i, &answers, &freed, 0)->w), 0);
	run_until(loop, &answers, 10, 3000);
	assert_int_equal(answers, 10);
	for (int i = 0; i < 10; i++)
		assert_int_equal(seen[i], i + 1);   /* one worker: in order */
	assert_int_equal(workers_busy(ws), 0);
	workers_free(ws);
	assert_int_equal(freed, 10);
	loop_free(loop);
}

static void full_queue_refuses(void **state)
{
	struct loop *loop = loop_new();
	struct workers *ws = workers_new(loop, 1, 2);
	int answers = 0, freed = 0, accepted = 0;
	struct job *js[6];

	(void)state;
	for (int i = 0; i < 6; i++) {
		js[i] = new_job(i, &answers, &freed, 50000);
		if (workers_submit(ws, &js[i]->w) == 0)
			accepted++;
		else
			free(js[i]);
	}
	/* One may be running already, two wait: never more than 3 taken. */
	assert_true(accepted >= 2 && accepted <= 3);
	run_until(loop, &answers, accepted, 3000);
	assert_int_equal(answers, accepted);
	workers_free(ws);
	loop_free(loop);
}

static void cancelled_job_is_freed_without_answer(void **state)
{
	struct loop *loop = loop_new();
	struct workers *ws = workers_new(loop, 1, 4);
	int answers = 0, freed = 0;
	struct job *a = new_job(1, &answers, &freed, 20000), *b = new_job(2, &answers, &freed, 0);

	(void)state;
	assert_int_equal(workers_submit(ws, &a->w), 0);
	assert_int_equal(workers_submit(ws, &b->w), 0);
	a->w.cancelled = true;          /* its reader went away */
	run_until(loop, &freed, 2, 3000);
	assert_int_equal(freed, 2);
	assert_int_equal(answers, 1);
	workers_free(ws);
	loop_free(loop);
}

static void loop_runs_while_a_job_runs(void **state)
{
	struct loop *loop = loop_new();
	struct workers *ws = workers_new(loop, 2, 4);
	int answers = 0, freed = 0;
	int ticks;

	(void)state;
	assert_int_equal(workers_submit(ws, &new_job(7, &answers, &freed, 200000)->w), 0);
	ticks = run_until(loop, &answers, 1, 3000);
	assert_int_equal(answers, 1);
	assert_true(ticks > 20);        /* the loop's 1 ms timer kept firing meanwhile */
	workers_free(ws);
	loop_free(loop);
}

static void free_with_jobs_waiting(void **state)
{
	struct loop *loop = loop_new();
	struct workers *ws = workers_new(loop, 1, 8);
	int answers = 0, freed = 0;

	(void)state;
	for (int i = 0; i < 5; i++)
		assert_int_equal(workers_submit(ws, &new_job(i, &answers, &freed, 10000)->w), 0);
	workers_free(ws);               /* joins the running one, cancels the rest */
	assert_int_equal(freed, 5);
	assert_true(answers <= 1);
	loop_free(loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(answers_on_the_loop_in_order),
		cmocka_unit_test(full_queue_refuses),
		cmocka_unit_test(cancelled_job_is_freed_without_answer),
		cmocka_unit_test(loop_runs_while_a_job_runs),
		cmocka_unit_test(free_with_jobs_waiting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
