/*
 * loop.h: the poll()-based event loop shared by serve and connect modes.
 *
 * File descriptors are registered with an interest (POLLIN/POLLOUT) and a callback.
 * The pollfd array is kept between passes; an fd-indexed table makes lookups,
 * interest changes and removal O(1) (removal swaps the last entry into the hole).
 * Timers run on CLOCK_MONOTONIC. Signals are delivered through a self-pipe and run
 * their callback from the loop, never from the handler. A "before sleep" hook runs
 * at the end of every pass, just before poll() (where servers flush output).
 */
#ifndef LOOP_H
#define LOOP_H

#include <stdint.h>
#include <poll.h>

struct loop;

typedef void (*loop_fd_cb)(struct loop *loop, int fd, short revents, void *arg);
typedef void (*loop_timer_cb)(struct loop *loop, void *arg);
typedef void (*loop_signal_cb)(struct loop *loop, int signo, void *arg);
typedef void (*loop_hook_cb)(struct loop *loop, void *arg);

struct loop *loop_new(void);
void loop_free(struct loop *loop);

/* Watch fd for events (POLLIN, POLLOUT or both, or 0 to pause). Returns 0 or -1. */
int loop_add(struct loop *loop, int fd, short events, loop_fd_cb cb, void *arg);
void loop_set_events(struct loop *loop, int fd, short events);
short loop_events(const struct loop *loop, int fd);
void loop_del(struct loop *loop, int fd);

/* One-shot timer after ms milliseconds. Returns an id > 0 for loop_timer_cancel. */
uint64_t loop_timer_add(struct loop *loop, int64_t ms, loop_timer_cb cb, void *arg);
void loop_timer_cancel(struct loop *loop, uint64_t id);

/* Route signo through the self-pipe to cb. Returns 0 or -1. */
int loop_signal(struct loop *loop, int signo, loop_signal_cb cb, void *arg);

void loop_set_before_sleep(struct loop *loop, loop_hook_cb cb, void *arg);

/* Run until loop_stop(). Returns 0, or -1 if poll() failed unexpectedly. */
int loop_run(struct loop *loop);
void loop_stop(struct loop *loop);

/* Milliseconds on the monotonic clock. */
int64_t loop_now_ms(void);

#endif
