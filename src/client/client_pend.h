/*
 * client_pend.h: the lines of ours the full-screen client shows at once and the server
 * has not echoed yet, pure. A line not echoed by its deadline is failed (the screen marks
 * it and puts it back on the input history); a failed line stays known, so that an echo
 * that comes late (a server that was only slow) clears the mark in place instead of
 * showing the line a second time. At most TC_CLIENT_FAILED_KEPT failed lines are kept
 * (the oldest go first).
 */
#ifndef CLIENT_PEND_H
#define CLIENT_PEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct client_pend_line {
	uint64_t id;          /* its entry on the screen */
	int win;              /* its window */
	bool action;          /* "/me": the echo is an action */
	bool failed;          /* its deadline passed without the echo */
	char *text;           /* the text the echo will carry */
	char *typed;          /* the input line it came from */
	int64_t deadline;
};

struct client_pend {
	struct client_pend_line *v;  /* in the order sent */
	size_t n;
};

typedef void (*client_pend_fn)(const struct client_pend_line *line, void *arg);

void client_pend_add(struct client_pend *p, uint64_t id, int win, bool action,
    const char *text, const char *typed, int64_t deadline);

/* Fail the waiting lines whose deadline is past: fn for each. True while some still
 * wait (not failed). */
bool client_pend_expire(struct client_pend *p, int64_t now, client_pend_fn fn, void *arg);

/* An echo of ours in window win: the oldest line there with the same kind and text,
 * waiting or failed, is taken off. Its screen id (0: none). */
uint64_t client_pend_echo(struct client_pend *p, int win, bool action, const char *text);

/* Window win closed: its lines are forgotten, the later windows' move down one. */
void client_pend_window_closed(struct client_pend *p, int win);

void client_pend_free(struct client_pend *p);

#endif
