/*
 * event.h: a chat event. Every chat action (a message, a join, a leave, a room
 * change, a rename, a private message, and the notices a single member gets) is one
 * typed event: decided once by chat.c, applied to the local members of its room
 * (each rendered by that member's dialect), and handed to the cluster (cluster.h),
 * which can publish it to other servers. Nothing in here is a byte a peer sees.
 */
#ifndef EVENT_H
#define EVENT_H

#include <stddef.h>
#include <time.h>

struct room;

/* What is said (EV_MSG, EV_PRIV, EV_HIST): a message; an IRC NOTICE (IRC viewers get a
 * NOTICE, the others a message); an action, "/me waves" (nc sees "* alice waves", the
 * client an ACTION record, IRC a CTCP ACTION). The text of an action is what follows
 * the name ("waves"). */
enum say_kind { SAY_MSG, SAY_NOTICE, SAY_ACTION };

enum event_type {
	/* Room events: delivered to the members of a room, logged, published. */
	EV_MSG,         /* name said text */
	EV_JOIN,        /* name joined the chat (into room) */
	EV_LEAVE,       /* name left the chat (from room) */
	EV_MOVE_IN,     /* name came into room from another room (via) */
	EV_MOVE_OUT,    /* name went from room to another room (via) */
	EV_RENAME,      /* name is now known as other */
	EV_PRIV,        /* name to other, privately: text */
	EV_TOPIC,       /* name set room's topic to text ("": cleared) */
	/* Member events: for one member only. */
	EV_HIST,        /* a history line: name said text at t */
	EV_WELCOME,     /* you are name, in room */
	EV_ROOM,        /* you are now in room (members) */
	EV_MEMBERS,     /* who is in room */
	EV_NAMEQ,       /* your name was refused: text */
	EV_INFO,        /* text */
	EV_ERR,         /* text */
	EV_BYE,         /* text, then the connection closes */
	EV_ONLINE,      /* text: how many people are in the chat (client dialect 2) */
	EV_KICK,        /* other (an operator) kicks name from room: text (chat_oper.h);
	                 * told to the local members of room. IRC shows a KICK line; the
	                 * other dialects nothing: they see the leave or the move-out that
	                 * follows (a move-out in the same group) */
	EV_OPER,        /* your operator login was answered (chat_oper_login): text says
	                 * how; other is the account when granted, NULL when refused */
	EV_COUNT
};

struct event {
	enum event_type type;
	time_t t;
	struct room *room;
	const char *name;       /* who (the sender; the old name of a rename) */
	size_t namelen;
	const char *other;      /* the new name (EV_RENAME); the receiver (EV_PRIV); the
	                         * new name refused (EV_ERR of a rename refused once the
	                         * other servers answered), else NULL */
	size_t otherlen;
	const char *text;
	size_t len;
	const char *via;        /* the other room (NUL-terminated): where EV_MOVE_OUT went,
	                         * where EV_MOVE_IN came from; NULL otherwise */
	enum say_kind kind;     /* EV_MSG, EV_PRIV, EV_HIST: what is said; SAY_MSG otherwise */
	unsigned long group;    /* events of one action (a leave or a rename told in each of
	                         * the member's rooms) share a number; 0: not grouped */
};

/* Room events go to every member of the room; the others to one member. */
static inline int event_is_room(enum event_type type) { return type <= EV_TOPIC; }

#endif
