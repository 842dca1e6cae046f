/*
 * topics.h: the rooms' topics, kept in a file of the state directory (statedir.h) so
 * that they survive a restart, with the persistent log (-l) or without it.
 *
 * The file, "topics" in the state directory, mode 0600, is written whole and atomically
 * (statedir_write_file: a temporary file, fsync, rename) when a topic changes: at once,
 * or, when the last write is younger than TC_TOPICS_SAVE_MS, by the next topics_flush()
 * (the server calls it once a second and at exit), so a storm of /topic costs at most
 * one write a second. A comment line, then one room a line, in the order of the room
 * names, TAB-separated:
 *
 *   ROOM  SET_AT  BY  SOURCE  TOPIC
 *   lobby	1796115917	alice	alice!~alice@192.0.2.7	release on friday
 *
 * ROOM a room name (room_check_name); SET_AT the second (since 1970) the topic was set
 * or cleared; BY the name of who did it (names_check; empty when unknown); SOURCE the
 * same as IRC shows it, nick!user@host (printable ASCII, no space; empty when unknown);
 * TOPIC the topic, empty when it was cleared (a clear keeps its time, so that it beats
 * an older topic of the log's; the clear of a room no longer there is dropped).
 *
 * Loading checks every line as live input is checked: a line with a bad room, time,
 * name or source, a field over its size or the wrong number of fields is skipped and
 * counted; the topic is sanitised as a message is (UTF8_MESSAGE) and cut to
 * TC_TOPIC_MAX bytes; no room is made past TC_MAX_ROOMS. A file over
 * TC_TOPICS_FILE_MAX_BYTES, or not a regular file, is not read. A line replaces the
 * room's topic so far (the log's, replayed before) when it is at least as new: the
 * newest by time wins.
 */
#ifndef TOPICS_H
#define TOPICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "room.h"

struct topics {
	char *path;         /* the file; NULL: topics are not kept */
	bool dirty;         /* changed since the file was written */
	bool failing;       /* the last write failed (said once, until one works again) */
	int64_t saved_ms;   /* loop_now_ms() of the last write, 0 none */
};

/* Kept in path (NULL: not kept). */
void topics_init(struct topics *tp, const char *path);
void topics_free(struct topics *tp);

/* Read the file into the rooms (a missing file holds no topics). Bad lines are skipped
 * and counted in *skipped. When the rooms' topics now differ from the file (a newer
 * topic from the log, a bad line), tp is marked changed. 0, or -1 with a reason in
 * errbuf (nothing read: not a regular file, too large, a read error). */
int topics_load(struct topics *tp, struct rooms *rs, size_t *skipped, char *errbuf,
    size_t errsz);

/* The file's text for the rooms' topics into out; returns the topics (lines) written.
 * A room whose fields hold a TAB, CR or LF is left out. */
size_t topics_format(const struct rooms *rs, struct buf *out);

/* Write the file now. 0, or -1 with a reason in errbuf. */
int topics_save(struct topics *tp, const struct rooms *rs, char *errbuf, size_t errsz);

/* A topic changed (or a room with one went): the file is written now, or by the next
 * topics_flush when the last write is younger than TC_TOPICS_SAVE_MS. */
void topics_changed(struct topics *tp, const struct rooms *rs);
/* Write the file if it changed and its time has come (force: whatever the time). A
 * failure is logged (once until a write works) and retried at the next flush. */
void topics_flush(struct topics *tp, const struct rooms *rs, bool force);

/* Whether s (n bytes) is a SOURCE the file may hold: nick!user@host, printable ASCII
 * without spaces, not starting with ':', at most ROOM_TOPIC_SRC_MAX bytes. */
bool topics_source_ok(const char *s, size_t n);

#endif
