/*
 * client_windows.h: the screen client's windows, pure: one per room we are in and one
 * per private conversation, numbered from 1 in the order opened, each with its member
 * list (rooms) and its activity while not the active one (new lines, mentions), which
 * the status line shows as irssi does ("[Act: 2,3!]": window 3 named us).
 */
#ifndef CLIENT_WINDOWS_H
#define CLIENT_WINDOWS_H

#include <stdbool.h>
#include <stddef.h>

#include "client_members.h"
#include "tclimits.h"

struct client_window {
	char *name;          /* the room, or the other party of a private conversation; "" */
	bool priv;           /*   for the first window before the first room is known */
	int unread;          /* lines while not active */
	int mentions;        /* lines naming us, private messages, while not active */
	struct client_members members;   /* rooms */
};

struct client_windows {
	struct client_window w[TC_CLIENT_MAX_WINDOWS];
	int n, active;
};

/* Index of the window (names case-insensitive), or -1. */
int client_windows_find(const struct client_windows *cw, const char *name, bool priv);
/* The window, opened if needed (at the end). -1 when TC_CLIENT_MAX_WINDOWS are open. */
int client_windows_open(struct client_windows *cw, const char *name, bool priv);
/* Close window i (never the last one); the later ones move down. */
void client_windows_close(struct client_windows *cw, int i);
void client_windows_rename(struct client_windows *cw, int i, const char *name);
/* A line in window i: counted unless it is the active one and `seeing` (the user sees
 * the newest lines there). */
void client_windows_line(struct client_windows *cw, int i, bool mention, bool seeing);
/* Make i the active window; its counters go to 0. */
void client_windows_select(struct client_windows *cw, int i);
/* The active window seen: its counters go to 0. */
void client_windows_seen(struct client_windows *cw);
/* "[Act: 2,3!]" (1-based numbers; "!" a mention), or "" when nothing waits. */
void client_windows_act(const struct client_windows *cw, char *out, size_t n);
/* Mentions waiting, over every window. */
int client_windows_mentions(const struct client_windows *cw);
/* Every name in a room window or with a private window, without duplicates: a
 * malloc'd NULL-terminated array of malloc'd strings. */
char **client_windows_names(const struct client_windows *cw);
void client_windows_free(struct client_windows *cw);

#endif
