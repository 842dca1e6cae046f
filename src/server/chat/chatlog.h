/* chatlog.h: the persistent chat log: append before delivery, replay at start, compact.
 *
 * The record format is described at the top of chatlog.c. In short, one record a line:
 *   UTC-TIME  EPOCH  ROOM  KIND  NAME  TEXT      (TAB-separated; UTC-TIME as
 *   2026-12-01T09:05:17Z); the old five-field form without UTC-TIME still replays.
 *
 * The file at the path must be a regular file: a symlink (dangling or not), a FIFO, a
 * directory or a device is refused with a reason, and nothing ever blocks on it.
 * A failed or short write is rolled back to the last whole record and the records are
 * retried whole later, so the file never holds a torn record except after a crash
 * (which the next open cuts off). */
#ifndef CHATLOG_H
#define CHATLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "buf.h"

/* One record. In replay every field is validated as live input is (see chatlog_replay);
 * for chatlog_compact the caller fills it from what it keeps. Strings are NUL-terminated;
 * in replay they are valid until the callback returns. */
struct chatlog_rec {
	time_t t;             /* seconds since 1970, UTC */
	const char *room;     /* canonical room name (room_check_name) */
	const char *kind;     /* "MSG", "ACTION", "JOIN", "LEAVE", "RENAME", or any other A-Z word */
	const char *name;     /* a valid name (names_check), or "" for kinds without one */
	const char *text;     /* sanitised text (ACTION: "waves" for "/me waves"); for RENAME
	                       * the new name */
	size_t textlen;       /* bytes of text */
};

struct chatlog {
	int fd;
	char *path;
	struct buf pending;   /* whole records of this loop pass, written before any delivery */
	off_t end;            /* bytes of whole records in the file (the rollback point) */
	dev_t dev;            /* the file we write to, to see a rotation on reopen */
	ino_t ino;
	bool rotated;         /* the last chatlog_reopen() opened another file than before */
	bool torn;            /* a rollback failed: truncate to end before writing again */
	int64_t retry_ms;     /* CLOCK_MONOTONIC ms before which a failed write is not retried */
	long dropped;         /* records lost: unwritable fields, or over the retry bound */
};

typedef void (*chatlog_replay_cb)(void *arg, const struct chatlog_rec *rec);
/* Compaction's source of records: fill *rec with the next record to keep and return
 * true, or return false at the end. rec's strings must live until the next call. */
typedef bool (*chatlog_next_cb)(void *arg, struct chatlog_rec *rec);

/* Stream every record of path to cb, oldest first (a missing file is empty). Each record
 * is shape-checked (field count, both times agree, KIND is 1..TC_LOG_KIND_MAX_BYTES of
 * A-Z) and its fields pass the live rules: ROOM as room_check_name, NAME as names_check
 * (or empty), TEXT sanitised like a live message and at most max_text bytes (the longest
 * text the server logs: 3 * max_line today, the sanitised form of a max_line line);
 * MSG and ACTION need a name and non-blank text, JOIN/LEAVE a name, RENAME a valid new
 * name.
 * Records of unknown kinds are handed out too. Anything else, an over-long line (never
 * read into memory whole) and a torn last line are skipped and counted in *skipped.
 * Returns the records handed out, or -1 with errbuf set (not a regular file, I/O). */
long chatlog_replay(const char *path, size_t max_text, chatlog_replay_cb cb, void *arg,
    long *skipped, char *errbuf, size_t errsz);

/* Open (create 0600) for appending; cut a torn last line. 0, or -1 with errbuf set. */
int chatlog_open(struct chatlog *log, const char *path, char *errbuf, size_t errsz);
bool chatlog_is_open(const struct chatlog *log);
/* Queue one record (written by chatlog_flush). A field holding TAB, CR or LF is refused
 * (the record is dropped and counted). */
void chatlog_add(struct chatlog *log, time_t t, const char *room, const char *kind,
    const char *name, const char *text, size_t textlen);
/* Write what is pending. 0 when written, or nothing due; -1 (errno set) when a write
 * failed just now: the file is cut back to its last whole record, the unwritten records
 * stay pending (up to TC_LOG_RETRY_MAX_KIB, past it they are dropped) and are retried
 * whole by a flush after TC_LOG_RETRY_MS; until then flushes return 0 without writing. */
int chatlog_flush(struct chatlog *log);
/* Open the path again (SIGHUP, after logrotate). On failure the old file is kept, still
 * written to, and errbuf says why: -1. On success 0, and log->rotated (see
 * chatlog_rotated) says whether the path now names another file than before. */
int chatlog_reopen(struct chatlog *log, char *errbuf, size_t errsz);
/* The last successful chatlog_reopen() switched to another file (a rotation): write the
 * kept history into it with chatlog_compact(), so a restart still replays it. */
bool chatlog_rotated(const struct chatlog *log);
/* Rewrite the log atomically with exactly the records next() hands out: pending records
 * are flushed to the current file first, then a temporary file in the same directory is
 * written, fsync()ed and renamed over the path, and appending goes on in it. On any
 * failure the current file is kept as it was. Returns the records written (a record
 * with TAB, CR or LF in a field is left out), or -1 with errbuf set. */
long chatlog_compact(struct chatlog *log, chatlog_next_cb next, void *arg, char *errbuf,
    size_t errsz);
/* Whether a log holding file_records lines (records + skipped from chatlog_replay) is
 * worth compacting when kept_records of them are kept: more than TC_LOG_COMPACT_RATIO
 * times as many, and at least TC_LOG_COMPACT_MIN_RECORDS. */
bool chatlog_should_compact(long file_records, long kept_records);
void chatlog_close(struct chatlog *log);

#endif
