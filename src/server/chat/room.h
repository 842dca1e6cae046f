/* room.h: the rooms, their members and their history. The rooms are a list (for
 * listings, newest first) and a table by name (strtab.h, ASCII case folded): a room is
 * found, made and dropped in time that does not grow with the number of rooms. */
#ifndef ROOM_H
#define ROOM_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "backlog.h"
#include "member.h"
#include "strtab.h"
#include "tclimits.h"

#define ROOM_NAME_MAX_BYTES TC_ROOM_MAX_CHARS
/* Bytes of who set a topic as IRC shows it, "nick!user@host" (nick, a '~' user name of
 * up to 15 bytes, an address). */
#define ROOM_TOPIC_SRC_MAX (TC_IRC_NICK_MAX + 96)

/* What the cluster (cluster.h) keeps of a room: in the room itself, so that the chat's
 * one table of rooms finds it for both, and it goes with the room when rooms_tidy or
 * rooms_evict drops it (the cluster's own list of rooms grew with every room name ever
 * used: issue 21, item 12). Plain fields rather than an opaque pointer the cluster
 * would own: two counters that any cluster needs, and a pointer would need a hook into
 * the cluster wherever a room is dropped. Only the cluster writes them. */
struct room_cluster {
	unsigned local;               /* local members: cluster_room_used minus _unused */
	unsigned long msgs;           /* messages applied here (to merge a history fetched) */
};

struct room {
	char name[ROOM_NAME_MAX_BYTES + 1];
	struct member_link members;   /* circular list head */
	size_t nmembers;
	struct backlog hist;
	time_t active;                /* time of its newest message (or its creation) */
	char *topic;                  /* /topic, sanitised; NULL: none */
	char topic_by[NAME_MAX_BYTES + 1]; /* who set it ("" unknown) */
	char topic_src[ROOM_TOPIC_SRC_MAX + 1]; /* the same as "nick!user@host" ("" unknown) */
	time_t topic_at;              /* when it was set or cleared (0: never) */
	struct room_cluster cluster;
	unsigned long serial;         /* rooms made before it, plus one: a room dropped and
	                               * made again under its name has another */
	struct room *prev, *next;     /* the list of rooms */
};

struct rooms {
	struct room *list;
	struct strtab byname;         /* name -> room */
	size_t count;
	size_t hist_max;
	unsigned long made;           /* rooms made so far (the last serial) */
};

void rooms_init(struct rooms *rs, size_t hist_max);
void rooms_free(struct rooms *rs);

/* Check a room name as typed; copies the canonical form (no leading '#') to out
 * (ROOM_NAME_MAX_BYTES + 1) and returns NULL, or returns the reason. */
const char *room_check_name(const char *raw, size_t n, char *out);

struct room *rooms_find(const struct rooms *rs, const char *name);
/* Find, or create when fewer than TC_MAX_ROOMS exist; NULL when full. */
struct room *rooms_get(struct rooms *rs, const char *name);
/* Find or create whatever the count (replaying the log: it says what was dropped). */
struct room *rooms_get_any(struct rooms *rs, const char *name);
/* Make space for a new room: the empty room whose newest message is the oldest is
 * chosen (eviction by age, so one user's churn through rooms cannot push out a room
 * people talk in); its name is copied to victim and it is dropped. -1 if every room
 * has members. */
int rooms_evict(struct rooms *rs, char victim[ROOM_NAME_MAX_BYTES + 1]);
/* Drop room name and its history (a replayed EVICT). */
void rooms_drop(struct rooms *rs, const char *name);
/* Drop the room if it has no members, history or topic (the default room stays). */
void rooms_tidy(struct rooms *rs, struct room *r);

/* m enters r (which becomes its current room), or leaves it (its current room is then
 * another of its rooms, or NULL). */
void room_add(struct rooms *rs, struct room *r, struct member *m);
void room_remove(struct room *r, struct member *m);

static inline struct member *room_member(const struct member_link *l)
{
	return ((const struct membership *)(const void *)l)->m;   /* link is its first field */
}

/* Every member of room r, as m (the list must not change during the walk). */
#define ROOM_FOREACH(r, m, l) \
	for (const struct member_link *l = (r)->members.next; \
	     l != &(r)->members && ((m) = room_member(l), 1); l = l->next)

/* Set r's topic (cut to TC_TOPIC_MAX bytes at a character; empty text clears it), set
 * by by ("nick!user@host": src, "" when unknown) at t. text is sanitised already. */
void room_set_topic(struct room *r, const char *by, const char *src, time_t t,
    const char *text, size_t len);

/* The news of a topic change, as told to the room and written to the log:
 * "alice set the topic of lobby: text" or "alice cleared the topic of lobby."
 * (r->topic is the new topic). */
#define ROOM_TOPIC_NEWS_MAX (TC_TOPIC_MAX + NAME_MAX_BYTES + ROOM_NAME_MAX_BYTES + 40)
void room_topic_news(const struct room *r, const char *by, size_t bylen, char *out,
    size_t outsz);

/* Walk the rooms (for listings). */
static inline const struct room *rooms_first(const struct rooms *rs) { return rs->list; }
static inline const struct room *rooms_next(const struct room *r) { return r->next; }

#endif
