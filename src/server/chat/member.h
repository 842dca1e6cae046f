/*
 * member.h: a chat member: a name in a room, reached through the room's member list,
 * and the dialect its events are rendered in. A local member has a connection
 * (conn.h) that its output is queued on; the chat's rules (chat.c) own every field
 * here except the dialect state, which belongs to the dialect (dialect.h).
 */
#ifndef MEMBER_H
#define MEMBER_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "buf.h"
#include "event.h"
#include "names.h"
#include "ratewarn.h"

struct conn;
struct room;
struct rename_wait;
struct chat_check;

struct member_link {            /* a place in a room's member list */
	struct member_link *prev, *next;
};

/* A member's place in one room. The first is part of the member (most members are in
 * one room); a member that speaks a multi-room dialect has more, on its list. */
struct membership {
	struct member_link link;     /* first: in the room's member list */
	struct member *m;
	struct room *room;           /* NULL: this membership is unused */
	struct membership *next;     /* the member's other rooms */
};

/* The client dialect's version 1 is one room at a time; version 2 any number (and
 * says which room each record is about, doc/PROTOCOL.md). */
enum dialect_id { DIALECT_NC, DIALECT_PROTO, DIALECT_PROTO2, DIALECT_IRC, DIALECT_COUNT };
enum member_state { MEMBER_NAMING, MEMBER_CHATTING };

struct member {
	/* What a broadcast touches comes first (the room's member walk prefetches the
	 * next member's link). */
	struct membership home;      /* its first room */
	struct conn *conn;
	uint8_t dialect;             /* enum dialect_id */
	uint8_t state;               /* enum member_state */
	uint8_t namelen;
	bool prompt_shown;           /* nc dialect: the last bytes sent end in a prompt */
	bool remote;                 /* a member on another server (cluster.h): no conn */
	char name[NAME_MAX_BYTES + 1];
	struct room *room;           /* the current room: where its plain lines go */
	struct membership *more;     /* rooms beyond home (multi-room dialects) */
	void *link;                  /* its protocol module's state for it (net/front.h: the
	                              * front's, which its dialect may read); NULL: none */
	struct ratewarn renames;     /* renames have their own, slower rate */
	struct ratewarn creates;     /* and so do the rooms it creates */
	/* Moderation (chat_oper.c). */
	bool oper;                   /* /oper succeeded: an operator for this session */
	bool clear_warned;           /* told once that /oper's password crossed in clear */
	bool muted;                  /* messages refused until muted_until */
	time_t muted_until;          /* 0: until /unmute */
	uint8_t penalty;             /* extra rate-limit tokens this line costs (a failed /oper) */
	/* Attention (chat.c): /away, /whois, /ignore. */
	char *away;                  /* /away text, NULL when here */
	time_t since;                /* named at */
	time_t active;               /* its last message */
	uint8_t nignored;
	char **ignored;              /* the names it ignores (their folded keys) */
	size_t online_told;          /* the chat's head count last sent (ONLINE), 0 none */
	struct rename_wait *renaming; /* --redis: a rename waiting for its claim (chat.c) */
	struct chat_check *check;    /* a password being checked (chat_check.h): its input
	                              * waits for the answer */
};

/* Events rendered once per dialect for a whole broadcast. */
struct render_cache {
	struct buf out[DIALECT_COUNT];
	bool done[DIALECT_COUNT];
};

void member_init(struct member *m, struct conn *c);
void member_set_name(struct member *m, const char *name);
bool member_closing(const struct member *m);

/* Queue ev for m alone, rendered in m's dialect. */
void member_put(struct member *m, const struct event *ev);
/* A broadcast: ev rendered once per dialect through cache, then queued for m with
 * what its dialect adds after a line from someone else (nc: a fresh prompt). */
void member_deliver(struct member *m, const struct event *ev, struct render_cache *rc);
void render_cache_reset(struct render_cache *rc);
void render_cache_free(struct render_cache *rc);

/* A one-line notice for m alone. */
void member_info(struct member *m, const char *text);
void member_error(struct member *m, const char *text);
/* What m's dialect shows after its input was handled (nc: a fresh prompt). */
void member_prompt(struct member *m, time_t now);
/* The member pressed Enter: its cursor is on a fresh line (nc). */
void member_entered(struct member *m);
/* Switch m to the client dialect (the version the client asked for, at most ours)
 * and answer its hello. */
void member_hello(struct member *m, int version);
bool member_echoes_own(const struct member *m);
/* Does m ignore the member called name (/ignore)? Its index in m->ignored, or -1. */
bool member_ignores(const struct member *m, const char *name, size_t len);
int member_ignore_find(const struct member *m, const char *name, size_t len);
/* The member m ignores renamed itself from old to name: follow it. */
void member_ignore_rename(struct member *m, const char *old, const char *name);
/* Give back what m holds (its extra rooms must be gone: chat_leave). */
void member_release(struct member *m);

/* Can m be in several rooms at once (the dialect says so)? */
bool member_multi_room(const struct member *m);
/* Is m in room r? */
bool member_in(const struct member *m, const struct room *r);
/* m's rooms, home first: for (mb = member_rooms(m); mb; mb = member_next(mb)) */
const struct membership *member_rooms(const struct member *m);
const struct membership *member_next_room(const struct member *m,
    const struct membership *mb);

#endif
