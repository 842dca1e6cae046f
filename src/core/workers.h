/*
 * workers.h: a small pool of threads for work that must not stop the event loop (a
 * password hash costs 150-350 ms with yescrypt). The loop thread submits a job; a
 * worker runs its run() with nothing shared but the job itself; the loop thread then
 * runs its done(), from the loop (a pipe wakes it), never from the worker.
 *
 * A job is the caller's struct with a struct work inside it. done() always runs once,
 * on the loop thread, and frees the job; a caller whose reader of the answer went away
 * (a connection closed while its password was checked) sets work.cancelled (on the loop
 * thread, the only one that reads it) and done() then frees the job without answering.
 * The queue is bounded: a full queue refuses the job (the caller says "busy").
 */
#ifndef WORKERS_H
#define WORKERS_H

#include <stdbool.h>
#include <stddef.h>

struct loop;
struct workers;

struct work {
	void (*run)(struct work *w);    /* on a worker thread: touches only the job */
	void (*done)(struct work *w);   /* on the loop thread, after run: answers, frees */
	bool cancelled;                 /* loop thread only: done must not answer */
	struct work *next;              /* the pool's */
};

/* nthreads workers, at most max_queue jobs waiting. NULL with errno on failure. */
struct workers *workers_new(struct loop *loop, int nthreads, size_t max_queue);
/* Stop the threads (jobs not started are done() as cancelled), free. */
void workers_free(struct workers *ws);
/* Queue w: 0, or -1 when the queue is full (w untouched, done will not run). */
int workers_submit(struct workers *ws, struct work *w);
/* Jobs waiting or running now. */
size_t workers_busy(struct workers *ws);

#endif
