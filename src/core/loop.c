/* loop.c: the shared poll() loop: fds with interests, monotonic timers, a signal
 * self-pipe and a before-sleep hook. See loop.h. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "loop.h"
#include "util.h"

struct watch {
	loop_fd_cb cb;
	void *arg;
	int slot;        /* index into pfds, -1 when not watched */
};

struct timer {
	uint64_t id;
	int64_t when;    /* loop_now_ms() deadline */
	loop_timer_cb cb;
	void *arg;
};

struct sigwatch {
	loop_signal_cb cb;
	void *arg;
};

struct loop {
	struct pollfd *pfds;
	int npfds, cappfds;
	struct watch *watch; /* indexed by fd */
	int capwatch;

	struct timer *timers; /* unordered; servers keep only a handful */
	int ntimers, captimers;
	uint64_t next_timer_id;

	struct sigwatch sigs[NSIG];
	int sigpipe[2];

	loop_hook_cb before_sleep;
	void *before_sleep_arg;
	int stop;
};

static int sigpipe_wr = -1;

int64_t loop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct loop *loop_new(void)
{
	struct loop *loop = xcalloc(1, sizeof(*loop));

	loop->sigpipe[0] = loop->sigpipe[1] = -1;
	loop->next_timer_id = 1;
	return loop;
}

void loop_free(struct loop *loop)
{
	if (loop == NULL)
		return;
	if (loop->sigpipe[0] >= 0) {
		/* The handlers stay installed but do nothing from now on: a signal that
		 * arrives while the program winds down (a second Ctrl+C) must not kill it
		 * half-way through its clean exit. */
		sigpipe_wr = -1;
		close(loop->sigpipe[0]);
		close(loop->sigpipe[1]);
	}
	free(loop->pfds);
	free(loop->watch);
	free(loop->timers);
	free(loop);
}

static void grow_watch(struct loop *loop, int fd)
{
	int cap = loop->capwatch ? loop->capwatch : 64;

	while (cap <= fd)
		cap *= 2;
	loop->watch = xreallocarray(loop->watch, (size_t)cap, sizeof(*loop->watch));
	for (int i = loop->capwatch; i < cap; i++)
		loop->watch[i].slot = -1;
	loop->capwatch = cap;
}

int loop_add(struct loop *loop, int fd, short events, loop_fd_cb cb, void *arg)
{
	if (fd < 0)
		return -1;
	if (fd >= loop->capwatch)
		grow_watch(loop, fd);
	if (loop->watch[fd].slot >= 0)
		return -1;
	if (loop->npfds == loop->cappfds) {
		loop->cappfds = loop->cappfds ? loop->cappfds * 2 : 64;
		loop->pfds = xreallocarray(loop->pfds, (size_t)loop->cappfds, sizeof(*loop->pfds));
	}
	loop->pfds[loop->npfds] = (struct pollfd){ .fd = fd, .events = events };
	loop->watch[fd] = (struct watch){ .cb = cb, .arg = arg, .slot = loop->npfds++ };
	return 0;
}

static struct watch *find(const struct loop *loop, int fd)
{
	if (fd < 0 || fd >= loop->capwatch || loop->watch[fd].slot < 0)
		return NULL;
	return &loop->watch[fd];
}

void loop_set_events(struct loop *loop, int fd, short events)
{
	struct watch *w = find(loop, fd);

	if (w != NULL)
		loop->pfds[w->slot].events = events;
}

short loop_events(const struct loop *loop, int fd)
{
	const struct watch *w = find(loop, fd);

	return w ? loop->pfds[w->slot].events : 0;
}

void loop_del(struct loop *loop, int fd)
{
	struct watch *w = find(loop, fd);
	int last;

	if (w == NULL)
		return;
	last = --loop->npfds;
	if (w->slot != last) {
		loop->pfds[w->slot] = loop->pfds[last];
		loop->watch[loop->pfds[w->slot].fd].slot = w->slot;
	}
	w->slot = -1;
	w->cb = NULL;
}

uint64_t loop_timer_add(struct loop *loop, int64_t ms, loop_timer_cb cb, void *arg)
{
	if (loop->ntimers == loop->captimers) {
		loop->captimers = loop->captimers ? loop->captimers * 2 : 8;
		loop->timers = xreallocarray(loop->timers, (size_t)loop->captimers,
		    sizeof(*loop->timers));
	}
	loop->timers[loop->ntimers++] = (struct timer){
		.id = loop->next_timer_id, .when = loop_now_ms() + (ms < 0 ? 0 : ms),
		.cb = cb, .arg = arg,
	};
	return loop->next_timer_id++;
}

void loop_timer_cancel(struct loop *loop, uint64_t id)
{
	for (int i = 0; i < loop->ntimers; i++) {
		if (loop->timers[i].id == id) {
			loop->timers[i] = loop->timers[--loop->ntimers];
			return;
		}
	}
}

static void on_signal(int signo)
{
	int saved = errno;
	unsigned char b = (unsigned char)signo;

	if (sigpipe_wr >= 0)
		(void)!write(sigpipe_wr, &b, 1);
	errno = saved;
}

static void read_signals(struct loop *loop, int fd, short revents, void *arg)
{
	unsigned char buf[64];
	ssize_t n;

	(void)revents;
	(void)arg;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			struct sigwatch *s;

			if (buf[i] >= NSIG)
				continue;
			s = &loop->sigs[buf[i]];
			if (s->cb != NULL)
				s->cb(loop, buf[i], s->arg);
		}
	}
}

int loop_signal(struct loop *loop, int signo, loop_signal_cb cb, void *arg)
{
	struct sigaction sa;

	if (signo <= 0 || signo >= NSIG)
		return -1;
	if (loop->sigpipe[0] < 0) {
		if (pipe(loop->sigpipe) != 0)
			return -1;
		for (int i = 0; i < 2; i++) {
			fd_set_nonblock(loop->sigpipe[i]);
			fd_set_cloexec(loop->sigpipe[i]);
		}
		sigpipe_wr = loop->sigpipe[1];
		loop_add(loop, loop->sigpipe[0], POLLIN, read_signals, NULL);
	}
	loop->sigs[signo] = (struct sigwatch){ .cb = cb, .arg = arg };
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	return sigaction(signo, &sa, NULL);
}

void loop_set_before_sleep(struct loop *loop, loop_hook_cb cb, void *arg)
{
	loop->before_sleep = cb;
	loop->before_sleep_arg = arg;
}

void loop_stop(struct loop *loop)
{
	loop->stop = 1;
}

/* Run every timer that is due. A timer a callback adds runs in a later pass. */
static void run_timers(struct loop *loop)
{
	int64_t now = loop_now_ms();
	uint64_t last_id = loop->next_timer_id;

	for (int i = 0; i < loop->ntimers;) {
		struct timer t = loop->timers[i];

		if (t.when > now || t.id >= last_id) {
			i++;
			continue;
		}
		loop->timers[i] = loop->timers[--loop->ntimers];
		t.cb(loop, t.arg);
		i = 0;      /* the callback may have added or cancelled timers */
	}
}

/* The poll() timeout until the next timer, without running any (-1: none). */
static int next_timeout(const struct loop *loop)
{
	int64_t now = loop_now_ms(), next = -1;

	for (int i = 0; i < loop->ntimers; i++)
		if (next < 0 || loop->timers[i].when < next)
			next = loop->timers[i].when;
	if (next < 0)
		return -1;
	return next <= now ? 0 : (int)(next - now > 60000 ? 60000 : next - now);
}

/* Dispatch ready fds. Callbacks may add or delete fds (even others than their own):
 * walk the slots and re-check each entry so a swapped-in entry is not skipped twice. */
static void dispatch(struct loop *loop, int ready)
{
	for (int i = 0; i < loop->npfds && ready > 0; i++) {
		struct pollfd *p = &loop->pfds[i];
		short rev = p->revents;
		int fd = p->fd;
		struct watch *w;

		if (rev == 0)
			continue;
		p->revents = 0;
		ready--;
		w = find(loop, fd);
		if (w != NULL && w->cb != NULL)
			w->cb(loop, fd, rev, w->arg);
		if (loop->stop)
			return;
		/* If the callback removed this entry, another took its slot: look again. */
		if (i < loop->npfds && loop->pfds[i].fd != fd && loop->pfds[i].revents != 0)
			i--;
	}
}

int loop_run(struct loop *loop)
{
	loop->stop = 0;
	while (!loop->stop) {
		int n;

		run_timers(loop);
		if (loop->stop)
			break;
		/* Output is written here, after everything this pass did (timers too). */
		if (loop->before_sleep != NULL)
			loop->before_sleep(loop, loop->before_sleep_arg);
		if (loop->stop)
			break;
		n = poll(loop->pfds, (nfds_t)loop->npfds, next_timeout(loop));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		dispatch(loop, n);
	}
	return 0;
}
