/*
 * render.h: what a server record shows in the client's front ends, in one table:
 * the plain line mode (client_plain.c) prints one line, the screen (client_tui.c) shows
 * a time, a name, a text and a kind (its colour). Pure.
 */
#ifndef RENDER_H
#define RENDER_H

#include <stdbool.h>

#include "proto.h"

enum render_style { RENDER_PLAIN, RENDER_SCREEN };

enum render_kind { RENDER_MSG, RENDER_OWN, RENDER_PRIV, RENDER_NOTICE, RENDER_INFO,
	RENDER_ERROR };

struct render_view {
	enum render_kind kind;
	bool action;        /* an action record (ACTION, HISTACTION, PRIVACTION); on the
	                     * screen a room's is "* " and text, text being "NAME TEXT" */
	const char *time;   /* a field of the record, or NULL (RENDER_SCREEN only) */
	char *name;         /* NULL, or the name column (RENDER_SCREEN only) */
	char *text;         /* the text; in RENDER_PLAIN the whole line */
};

/* The view of rec for a front end; me is our accepted name (or NULL). Returns false
 * when the record shows nothing in that style (v untouched). Text is not sanitised:
 * the front end cleans it for display. Free with render_view_free. */
bool render_record(const struct proto_rec *rec, enum render_style style, const char *me,
    struct render_view *v);
void render_view_free(struct render_view *v);

/* True if text names me: the whole name, case-insensitive (ASCII), not inside a longer
 * word (letters, digits, '_' and non-ASCII bytes make words). */
bool render_mentions(const char *text, const char *me);

/* A message "* NAME ACTION" (how clients before the ACTION record sent "/me", and how
 * a client of dialect version 1 sees an action): when text is that for its real sender
 * (the server vouches for the name, so nobody can act in another's name), returns
 * "NAME ACTION" (a pointer into text), to be shown as an action; else NULL. */
const char *render_action(const char *sender, const char *text);

#endif
