/* chatlog.h: the persistent chat log: append before delivery, replay at start.
 *
 * One record per line, fields separated by TAB:
 *   EPOCH  ROOM  KIND  NAME  TEXT
 * KIND is MSG, JOIN, LEAVE or RENAME (TEXT holds the new name). Names, rooms and text
 * never contain TAB or newlines (input is sanitised first). A last line without its
 * newline (a crash mid-write) is skipped on replay and cut off when the file is opened
 * for appending (it was never delivered: records are written before delivery). */
#ifndef CHATLOG_H
#define CHATLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "buf.h"

struct chatlog {
	int fd;
	char *path;
	struct buf pending;   /* records of this loop pass, written before any delivery */
};

typedef void (*chatlog_replay_cb)(void *arg, time_t t, const char *room,
    const char *kind, const char *name, const char *text);

/* Read every well-formed record of path (a missing file is empty). Returns the number
 * of records read, or -1 with errbuf set; *skipped counts malformed or torn lines. */
long chatlog_replay(const char *path, chatlog_replay_cb cb, void *arg, long *skipped,
    char *errbuf, size_t errsz);

/* Open (create 0600) for appending. 0, or -1 with errbuf set. */
int chatlog_open(struct chatlog *log, const char *path, char *errbuf, size_t errsz);
bool chatlog_is_open(const struct chatlog *log);
void chatlog_add(struct chatlog *log, time_t t, const char *room, const char *kind,
    const char *name, const char *text, size_t textlen);
/* Write what is pending. 0, or -1 (errno set). */
int chatlog_flush(struct chatlog *log);
int chatlog_reopen(struct chatlog *log, char *errbuf, size_t errsz);
void chatlog_close(struct chatlog *log);

#endif
