/*
 * chat.h: the chat's rules, apart from any socket: rooms, messages, renames, private
 * messages, who is where. Every action is decided here once and becomes an event
 * (event.h): recorded (history, the persistent log), delivered to the members of its
 * room through their dialects, and handed to the other servers (cluster.h). A
 * connection's input reaches these functions through session.c and the commands
 * (cmd.c).
 */
#ifndef CHAT_H
#define CHAT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "bans.h"
#include "chatlog.h"
#include "cluster.h"
#include "member.h"
#include "names.h"
#include "room.h"
#include "sniff.h"
#include "spoof.h"
#include "topics.h"

/* Work counted, for tests and /stats: what a command costs, not how long it took. */
struct chat_stats {
	unsigned long lookups;      /* name lookups */
	unsigned long bytes_hashed; /* bytes of names looked up */
	unsigned long msgs_in;      /* messages said (public and private) */
	unsigned long msgs_out;     /* messages delivered to local members */
};

struct pwcheck;
struct opers;

/* The words a refused claim is told in ("Name "x" is already taken." or that it
 * could not be checked now); why holds them. */
const char *chat_claim_refusal(enum chat_claim res, const char *name, char *why,
    size_t whysz);

/* What the chat is told at start and keeps as it is (server.c from the command line;
 * the oper file and the MOTD are read once, and again on SIGHUP where said). */
struct chat_config {
	size_t max_line;        /* bytes of an input line */
	int rate_limit;         /* messages per second, 0 off */
	size_t announce_max;    /* members; larger rooms get no JOIN/LEAVE notices; 0 no limit */
	size_t replay;          /* history lines sent on entering a room; SIZE_MAX all kept */
	char *motd;             /* --motd, sanitised lines ending in '\n'; NULL none */
	char *password;         /* --password-file: the crypt hash asked before the name */
	struct opers *opers;    /* --oper-file (chat_oper.c); NULL: no operators */
	/* Where this server is served, for the replies to other protocols (sniff.h): the
	 * plain port is set by server.c; tls_port and irc_port stay 0 until served. */
	struct sniff_where where;
};

/* What the chat asks the server and the protocol modules (set at setup; each NULL:
 * the default said). */
struct chat_hooks {
	/* May m create a room? The budget of its address (server.c); NULL: yes. */
	bool (*may_create)(void *arg, const struct member *m);
	/* The server's one-line summary (SIGUSR1, /stats). */
	const char *(*stats_line)(void *arg, char *out, size_t outsz);
	/* fn on the member of every local connection from address k, named or not: a ban
	 * closes them all, those still at the name or password prompt and unregistered
	 * IRC ones too (server.c: it knows every connection; fn may close them). NULL: the
	 * members of the rooms. */
	void (*each_from)(void *arg, const struct addrkey *k,
	    void (*fn)(struct member *m, void *fnarg), void *fnarg);
	void *arg;              /* of may_create, stats_line and each_from */
	/* "nick!user@host" of the local member called name, kept with a topic it sets
	 * (IRC's 333); the IRC module sets it. NULL: not known. */
	void (*source_of)(void *arg, const char *name, size_t len, char *out, size_t outsz);
	void *source_arg;
};

/* The chat: its configuration and hooks, then its state. No call parameter travels in
 * here: what an action needs is an argument of its function. */
struct chat {
	struct chat_config cfg;
	struct chat_hooks hooks;
	struct rooms rooms;
	struct names *names;
	struct chatlog log;
	struct cluster cluster; /* --redis: the other servers (cluster.h); none: alone */
	struct render_cache rc; /* scratch: one rendering per dialect of the event sent */
	char *text;             /* scratch: sanitised input, CHAT_TEXT_BYTES(cfg.max_line) */
	/* The ban list: loaded from the state directory and checked at accept by
	 * server.c; operator commands add and remove (then bans_save). */
	struct bans bans;
	/* The topics file of the state directory (topics.h): loaded by server.c after the
	 * log's replay, written when a topic changes. */
	struct topics topics;
	struct chat_stats stats;
	long log_lines;         /* lines in the log file at start (chat_replay_log) */
	/* Passwords are checked off the loop through it (chat_check.h; server.c sets it);
	 * NULL: at once. */
	struct pwcheck *pwcheck;
	unsigned long groups;   /* the last group number given (event.h) */
};

/* Bytes of ch->text: the sanitised line (3 bytes per input byte at most), the closing
 * bidi controls spoof_bidi_fix may add, and a NUL. */
#define CHAT_TEXT_BYTES(max_line) (3 * (max_line) + 1 + SPOOF_BIDI_GROWTH)
/* Bytes of a sanitised reason (chat_reason) and its NUL. */
#define CHAT_REASON_BYTES CHAT_TEXT_BYTES(TC_REASON_MAX)

/* Sanitise len bytes a peer sent as every message is: UTF8_MESSAGE (controls dropped,
 * invalid bytes U+FFFD), cut to max bytes, the bidi controls still open closed (stray
 * ones removed), then blank runs cut. out holds CHAT_TEXT_BYTES(len) bytes (outsz).
 * Returns the length; out is NUL-terminated. Sanitising the result again changes
 * nothing (for the same max). */
size_t chat_clean(const char *raw, size_t len, size_t max, char *out, size_t outsz);
/* A leave's or a part's reason: len bytes from a peer, trimmed, sanitised as a message
 * and cut to TC_REASON_MAX bytes (before the closing bidi controls) into out. Returns
 * its length, 0 when there is none (raw NULL or blank). */
size_t chat_reason(const char *raw, size_t len, char out[CHAT_REASON_BYTES]);

void chat_init(struct chat *ch, size_t max_line, int rate_limit, size_t history);
void chat_free(struct chat *ch);

/* The persistent log. Replay before chat_open_log. -1 with errbuf on error. */
int chat_replay_log(struct chat *ch, const char *path, char *errbuf, size_t errsz);
/* Open the log for appending; compact it when it is far longer than the history kept. */
int chat_open_log(struct chat *ch, const char *path, char *errbuf, size_t errsz);
bool chat_has_log(const struct chat *ch);
/* Write the records of this pass (before any client output). 0, or -1 (errno). */
int chat_flush_log(struct chat *ch);
/* SIGHUP: reopen the log; after a rotation the new file starts with the history kept.
 * -1 with errbuf on error (the old file is kept when the reopen fails). */
int chat_reopen_log(struct chat *ch, char *errbuf, size_t errsz);
/* Rewrite the log with the history kept (after a rotation). -1 with errbuf on error. */
int chat_log_snapshot(struct chat *ch, char *errbuf, size_t errsz);

/* Names in use. */
struct member *chat_find(struct chat *ch, const char *name, size_t len);
/* Why name (checked) cannot be m's: taken by someone else; NULL if free. The
 * reason is written to why. */
/* The member named by the longest run of words at the start of arg (names may hold
 * spaces), its length in *used; or NULL. At most a name's length of arg is looked at,
 * so the work is bounded whatever the length of the line. */
struct member *chat_find_prefix(struct chat *ch, const char *arg, size_t len, size_t *used);
const char *chat_name_taken(const struct chat *ch, const struct member *m,
    const char *name, char *why, size_t whysz);
const struct rooms *chat_rooms(const struct chat *ch);

/* A member whose name was accepted enters the chat, in the default room. */
void chat_enter(struct chat *ch, struct member *m, const char *name);
/* Before chat_enter, in a cluster: claim name (checked, free here) for m across it.
 * NULL when there is nothing to wait for (alone, or the cluster is away: m may enter
 * now); else done runs once, later, unless chat_claim_cancel is called first. Every
 * protocol module asks through here: none knows the cluster. */
struct cluster_wait *chat_claim_entry(struct chat *ch, struct member *m, const char *name,
    chat_claim_done done, void *arg);
/* The member waiting on w is going away: done will not run, a name granted meanwhile
 * is released. w may be NULL. */
void chat_claim_cancel(struct chat *ch, struct cluster_wait *w);
/* m is going away: tell its rooms, with reason (NULL: none; chat_reason applies), free
 * its name. Safe to call more than once (the first call's reason is told). */
void chat_leave(struct chat *ch, struct member *m, const char *reason);

/* The actions. Text is sanitised. Refusals go to m alone. What is said is a message,
 * an IRC notice or an action ("/me TEXT": kind SAY_ACTION, text "TEXT"). */
void chat_say(struct chat *ch, struct member *m, enum say_kind kind, const char *text,
    size_t len);
void chat_rename(struct chat *ch, struct member *m, const char *name, size_t len);
/* /join: switch to ROOM, or for a member of several rooms, add it (or talk in it). */
void chat_join(struct chat *ch, struct member *m, const char *room, size_t len);
/* /part [ROOM [REASON]]: a member of several rooms leaves one (the current one by
 * default), with reason (NULL: none; chat_reason applies). */
void chat_part(struct chat *ch, struct member *m, const char *room, size_t len,
    const char *reason);
/* An operator's kick (chat_oper.c): m leaves r, one of its rooms but not its last, as
 * after /part, told as a move-out in group (event.h; 0: none). */
void chat_part_room(struct chat *ch, struct member *m, struct room *r, unsigned long group);
/* /say ROOM TEXT: say text in one of m's rooms. */
void chat_say_in(struct chat *ch, struct member *m, const char *room, size_t len,
    enum say_kind kind, const char *text, size_t tlen);
void chat_private(struct chat *ch, struct member *m, struct member *to,
    enum say_kind kind, const char *text, size_t len);
void chat_members(struct chat *ch, struct member *m);
/* The last n history lines of m's room (SIZE_MAX: all kept), or a note that there are none. */
void chat_history(struct chat *ch, struct member *m, size_t n);
/* A last line to m, then its connection closes. */
void chat_bye(struct member *m, const char *text, const char *reason);
/* Tell m how many people are in the chat (client dialect 2: ONLINE) if that changed
 * since it was last told; the server calls it once a second per member. */
void chat_tell_online(struct chat *ch, struct member *m);

/* Apply an event decided here or elsewhere (the cluster): record it, deliver it to the
 * local members of its room but except. */
void chat_apply(struct chat *ch, const struct event *ev, const struct member *except);

/* Every local member (for operator commands); fn may close members' connections. */
void chat_each_member(struct chat *ch, void (*fn)(struct member *m, void *arg), void *arg);
/* The reason m may not speak now, or NULL (a mute that ran out is lifted). */
const char *chat_muted(struct member *m, time_t now, char *why, size_t whysz);
/* Remove name's messages from every room's history, and log a PURGE record per room so
 * the replay after a restart drops them too. Returns the messages removed. */
size_t chat_purge(struct chat *ch, const char *name);
/* Set room r's topic (empty text clears it), logged as a TOPIC record, kept in the
 * topics file, told to the room's members as an EV_TOPIC event and handed to the
 * cluster.
 * chat_topic_told: the same for a topic set on another server (--redis) at t, not
 * handed on; chat_topic_from: stored, logged and kept only (a topic fetched from
 * Redis, told to nobody). */
void chat_topic_from(struct chat *ch, struct room *r, const char *by, time_t t,
    const char *text, size_t len);
void chat_topic_told(struct chat *ch, struct room *r, const char *by, time_t t,
    const char *text, size_t len);
void chat_set_topic(struct chat *ch, struct room *r, const char *by, const char *text,
    size_t len);

#endif
