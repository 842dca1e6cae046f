/* chat.h: the chat's rules, apart from any socket: naming, rooms, messages, renames,
 * private messages and the notices they cause, in both dialects. The server feeds it
 * input and flushes what it queues; tests and fuzzers can drive it directly. */
#ifndef CHAT_H
#define CHAT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "buf.h"
#include "chatlog.h"
#include "conn.h"
#include "names.h"
#include "room.h"

struct chat {
	struct rooms rooms;
	struct names *names;
	struct chatlog log;
	size_t max_line;        /* bytes */
	int rate_limit;         /* messages per second, 0 off */
	size_t announce_max;    /* members; larger rooms get no JOIN/LEAVE notices; 0 no limit */
	struct buf nc, proto;   /* scratch: one rendering of the line being sent */
	char *text;             /* scratch: sanitised input, 3 * max_line */
	long log_lines;         /* lines in the log file at start (chat_replay_log) */
};

void chat_init(struct chat *ch, size_t max_line, int rate_limit, size_t history);
void chat_free(struct chat *ch);

/* Load history from the log file (before chat_open_log). -1 with errbuf on error. */
int chat_replay_log(struct chat *ch, const char *path, char *errbuf, size_t errsz);
/* Open the log for appending; compact it when it is far longer than the history kept. */
int chat_open_log(struct chat *ch, const char *path, char *errbuf, size_t errsz);
/* Rewrite the log with the history kept (after a rotation). -1 with errbuf on error. */
int chat_log_snapshot(struct chat *ch, char *errbuf, size_t errsz);

/* A new connection: the banner and the name prompt. */
void chat_greet(struct chat *ch, struct conn *c, int64_t now_ms);
/* Handle the complete lines buffered in c->in. Returns true when c ran out of
 * rate-limit tokens with lines left (the caller stops reading from it for a while). */
bool chat_input(struct chat *ch, struct conn *c, int64_t now_ms);
/* The end of c's input (EOF, or a hung-up peer): what is buffered is handled whatever
 * the rate limit, a last line without its newline included; c->in is emptied. */
void chat_input_end(struct chat *ch, struct conn *c);
/* c is going away: tell its room, free its name. Safe to call once per conn. */
void chat_leave(struct chat *ch, struct conn *c);
/* Milliseconds until c has a token again (rate limit). */
int64_t chat_throttle_ms(const struct chat *ch, const struct conn *c);

/* Used by the commands (cmd.c). Text is sanitised. */
void chat_say(struct chat *ch, struct conn *c, const char *text, size_t len);
void chat_rename(struct chat *ch, struct conn *c, const char *name, size_t len);
void chat_join(struct chat *ch, struct conn *c, const char *room, size_t len);
void chat_private(struct chat *ch, struct conn *c, struct conn *to, const char *text,
    size_t len);
void chat_members(struct chat *ch, struct conn *c);
void chat_bye(struct conn *c, const char *nc_text, const char *reason);

#endif
