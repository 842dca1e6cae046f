/* backlog.h: a room's recent messages and actions, bounded by count and by bytes. Pure. */
#ifndef BACKLOG_H
#define BACKLOG_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "event.h"

struct hentry {
	time_t t;
	uint32_t textlen;
	uint16_t namelen;     /* at most NAME_MAX_BYTES */
	uint8_t kind;         /* enum say_kind: SAY_MSG or SAY_ACTION */
	char data[];          /* name, NUL, text, NUL */
};

static inline const char *hentry_name(const struct hentry *e) { return e->data; }
static inline const char *hentry_text(const struct hentry *e) { return e->data + e->namelen + 1; }

struct backlog {
	struct hentry **ring;
	size_t cap;     /* slots allocated (grows up to max) */
	size_t max;     /* most entries kept */
	size_t head;    /* index of the oldest entry */
	size_t count;
	size_t bytes;   /* text bytes held */
	size_t max_bytes;
};

void backlog_init(struct backlog *h, size_t max, size_t max_bytes);
/* Keep what name said at t: an action stays an action; a notice is kept as a message
 * (the history and the log know messages and actions). */
void backlog_add(struct backlog *h, time_t t, enum say_kind kind, const char *name,
    size_t namelen, const char *text, size_t textlen);
/* i-th entry, 0 the oldest. */
const struct hentry *backlog_get(const struct backlog *h, size_t i);
/* Remove every entry whose name drop(name, arg) says to drop, keeping the order of the
 * rest. Returns how many were removed. */
size_t backlog_purge(struct backlog *h, int (*drop)(const char *name, const void *arg), const void *arg);
void backlog_free(struct backlog *h);

#endif
