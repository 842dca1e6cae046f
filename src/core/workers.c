/* workers.c: a pool of threads whose answers come back on the loop (see workers.h). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loop.h"
#include "util.h"
#include "workers.h"

struct workers {
	struct loop *loop;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct work *todo, *todo_tail;  /* waiting for a worker */
	struct work *done;              /* run, waiting for the loop */
	size_t queued, running, max_queue;
	bool stopping;
	int wake[2];                    /* a worker writes a byte when done has work */
	int nthreads;
	pthread_t *threads;
};

static struct work *take_todo(struct workers *ws)
{
	struct work *w = ws->todo;

	ws->todo = w->next;
	if (ws->todo == NULL)
		ws->todo_tail = NULL;
	ws->queued--;
	return w;
}

static void *worker_main(void *arg)
{
	struct workers *ws = arg;
	struct work *w;
	char one = 1;

	pthread_mutex_lock(&ws->mu);
	for (;;) {
		while (ws->todo == NULL && !ws->stopping)
			pthread_cond_wait(&ws->cv, &ws->mu);
		if (ws->todo == NULL)
			break;
		w = take_todo(ws);
		ws->running++;
		pthread_mutex_unlock(&ws->mu);
		w->run(w);
		pthread_mutex_lock(&ws->mu);
		ws->running--;
		w->next = ws->done;
		ws->done = w;
		/* A full pipe already holds a wake-up: nothing is lost. */
		if (write(ws->wake[1], &one, 1) < 0 && errno != EAGAIN)
			fatal("workers: wake-up pipe: %s", strerror(errno));
	}
	pthread_mutex_unlock(&ws->mu);
	return NULL;
}

/* The loop's side: every job run so far is done, oldest first. */
static void finish_done(struct workers *ws)
{
	struct work *list, *rev = NULL;

	pthread_mutex_lock(&ws->mu);
	list = ws->done;
	ws->done = NULL;
	pthread_mutex_unlock(&ws->mu);
	while (list != NULL) {          /* pushed newest first: reverse */
		struct work *next = list->next;

		list->next = rev;
		rev = list;
		list = next;
	}
	while (rev != NULL) {
		struct work *next = rev->next;

		rev->done(rev);
		rev = next;
	}
}

static void on_wake(struct loop *loop, int fd, short revents, void *arg)
{
	char buf[64];

	(void)loop;
	(void)revents;
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	finish_done(arg);
}

static int make_pipe(int fds[2])
{
	if (pipe(fds) != 0)
		return -1;
	for (int i = 0; i < 2; i++)
		if (fcntl(fds[i], F_SETFL, O_NONBLOCK) != 0 ||
		    fcntl(fds[i], F_SETFD, FD_CLOEXEC) != 0)
			return -1;
	return 0;
}

struct workers *workers_new(struct loop *loop, int nthreads, size_t max_queue)
{
	struct workers *ws = xcalloc(1, sizeof(*ws));

	ws->loop = loop;
	ws->max_queue = max_queue;
	ws->wake[0] = ws->wake[1] = -1;
	pthread_mutex_init(&ws->mu, NULL);
	pthread_cond_init(&ws->cv, NULL);
	ws->threads = xcalloc((size_t)nthreads, sizeof(*ws->threads));
	if (make_pipe(ws->wake) != 0 || loop_add(loop, ws->wake[0], POLLIN, on_wake, ws) != 0)
		goto fail;
	for (; ws->nthreads < nthreads; ws->nthreads++)
		if (pthread_create(&ws->threads[ws->nthreads], NULL, worker_main, ws) != 0)
			goto fail;
	return ws;
fail:
	workers_free(ws);
	return NULL;
}

void workers_free(struct workers *ws)
{
	if (ws == NULL)
		return;
	pthread_mutex_lock(&ws->mu);
	ws->stopping = true;
	while (ws->todo != NULL) {      /* not started: answered as cancelled */
		struct work *w = take_todo(ws);

		w->cancelled = true;
		w->next = ws->done;
		ws->done = w;
	}
	pthread_cond_broadcast(&ws->cv);
	pthread_mutex_unlock(&ws->mu);
	for (int i = 0; i < ws->nthreads; i++)
		pthread_join(ws->threads[i], NULL);
	finish_done(ws);
	if (ws->wake[0] >= 0) {
		loop_del(ws->loop, ws->wake[0]);
		close(ws->wake[0]);
	}
	if (ws->wake[1] >= 0)
		close(ws->wake[1]);
	pthread_cond_destroy(&ws->cv);
	pthread_mutex_destroy(&ws->mu);
	free(ws->threads);
	free(ws);
}

int workers_submit(struct workers *ws, struct work *w)
{
	pthread_mutex_lock(&ws->mu);
	if (ws->queued >= ws->max_queue || ws->stopping) {
		pthread_mutex_unlock(&ws->mu);
		return -1;
	}
	w->next = NULL;
	if (ws->todo_tail != NULL)
		ws->todo_tail->next = w;
	else
		ws->todo = w;
	ws->todo_tail = w;
	ws->queued++;
	pthread_cond_signal(&ws->cv);
	pthread_mutex_unlock(&ws->mu);
	return 0;
}

size_t workers_busy(struct workers *ws)
{
	size_t n;

	pthread_mutex_lock(&ws->mu);
	n = ws->queued + ws->running;
	pthread_mutex_unlock(&ws->mu);
	return n;
}
