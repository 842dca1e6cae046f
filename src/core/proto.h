/*
 * proto.h: the tcpchat wire protocol (doc/PROTOCOL.md), defined once, pure: the hello,
 * the record type words and their field counts (one table in proto.c), the client's
 * parser, and the nc dialect's prompt shapes.
 *
 * A record is one line: a type word, then fields separated by single TABs. The parser
 * splits the line in place and hands back pointers into it. Unknown types parse as
 * PROTO_UNKNOWN (the client ignores them); known types with too few fields parse as
 * PROTO_INVALID. Extra trailing fields are ignored.
 *
 * Actions (version 2): ACTION, HISTACTION and PRIVACTION are MSG, HIST and PRIV of an
 * action ("/me waves": TEXT is "waves"); they parse as those types with action set.
 *
 * The nc dialect helpers recognise the prompts and message lines of servers that do
 * not speak the client dialect (the degraded mode).
 */
#ifndef PROTO_H
#define PROTO_H

#include <stdbool.h>
#include <stddef.h>

#define PROTO_VERSION      2               /* what the client asks for */
#define PROTO_VERSION_MAX  2               /* the highest the server speaks */
#define PROTO_STR_(x)      #x
#define PROTO_STR(x)       PROTO_STR_(x)
#define PROTO_HELLO_WORD   "/TCPCHAT"      /* the client's hello word: "/TCPCHAT VERSION" */
#define PROTO_HELLO_LINE   PROTO_HELLO_WORD " " PROTO_STR(PROTO_VERSION) "\n" /* its first line */
#define PROTO_HELLO_ANSWER "+TCPCHAT"      /* the server's answer: "+TCPCHAT<TAB>VERSION" */
#define PROTO_MAX_FIELDS   4
#define PROTO_FIELDS_LIST  (-1)            /* proto_fields() of MEMBERS: a list of names */

/* nc dialect: the prompt for a name, and the message line "[time][name]:text". */
#define PROTO_NC_NAME_PROMPT "[ENTER YOUR NAME]:"
/* --password-file: the password is asked before the name. nc: this prompt; the client
 * dialect: a "PASS?<TAB>REASON" record (REASON empty the first time) after +TCPCHAT. */
#define PROTO_NC_PASS_PROMPT "[ENTER PASSWORD]:"
#define PROTO_PASSQ_WORD     "PASS?"
/* nc notices after a NAME: a real join or leave (the classic lines), a room switch
 * (followed by the other room's name). */
#define PROTO_NC_JOINED      " has joined our chat..."
#define PROTO_NC_LEFT        " has left our chat..."
#define PROTO_NC_WENT_TO     " went to room "
#define PROTO_NC_CAME_FROM   " came from room "
/* ... and a member of several rooms (client dialect 2, IRC) taking or leaving one. */
#define PROTO_NC_ENTERED     " joined room "
#define PROTO_NC_PARTED      " left room "

enum proto_type {
	PROTO_INVALID, PROTO_UNKNOWN,
	PROTO_HELLO,   /* +TCPCHAT VERSION */
	PROTO_NAMEQ,   /* NAME? REASON */
	PROTO_WELCOME, /* NAME ROOM */
	PROTO_ROOM,    /* ROOM */
	PROTO_MEMBERS, /* NAME... (see proto_members_next) */
	PROTO_HIST,    /* TIME NAME TEXT */
	PROTO_MSG,     /* TIME NAME TEXT */
	PROTO_JOIN,    /* TIME NAME */
	PROTO_LEAVE,   /* TIME NAME [TO-ROOM [REASON]] (the reason: version 2) */
	PROTO_RENAME,  /* TIME OLD NEW */
	PROTO_PRIV,    /* TIME FROM TO TEXT */
	PROTO_INFO,    /* TEXT */
	PROTO_ERR,     /* TEXT */
	PROTO_BYE,     /* REASON */
	PROTO_MEMBERS_MORE, /* NAME...: more of the MEMBERS list just before (a big room) */
	PROTO_ONLINE,  /* N: people in the chat (version 2) */
};

struct proto_rec {
	enum proto_type type;
	int nf;                              /* fields filled in f[] */
	const char *f[PROTO_MAX_FIELDS];     /* NUL-terminated, inside the parsed line */
	const char *list;                    /* PROTO_MEMBERS: the TAB-separated names */
	const char *room;                    /* version 2, a room record: its room; else "" (never NULL) */
	bool action;                         /* PROTO_MSG, PROTO_HIST, PROTO_PRIV: an action */
	const char *raw;                     /* the line parsed, rawlen bytes: its TABs are */
	size_t rawlen;                       /* NULs now (what a PROTO_INVALID one said) */
};

/* Parse one line (without its newline; a trailing '\r' is dropped). Modifies line. */
void proto_parse(char *line, struct proto_rec *rec);

/* The same for a dialect version: from 2 on, a room record (proto_roomed) has its room
 * first, taken out into rec->room (the fields are then as in version 1); a room record
 * without it is PROTO_INVALID. proto_parse is version 1. */
void proto_parse_v(char *line, int version, struct proto_rec *rec);
/* MSG, HIST, JOIN, LEAVE, RENAME, MEMBERS: records about one room. */
bool proto_roomed(enum proto_type type);

/* Walk a MEMBERS list: returns the next name (length in *len) or NULL at the end. */
const char *proto_members_next(const char **cursor, size_t *len);

/* The record's type word ("MSG", ...): what the server writes first, and for logs. */
const char *proto_type_name(enum proto_type type);
/* The word of the action form of type: "ACTION" (MSG), "HISTACTION" (HIST), "PRIVACTION"
 * (PRIV); NULL for the other types. */
const char *proto_action_name(enum proto_type type);

/* The type whose word is word[0..len) (PROTO_UNKNOWN if none). */
enum proto_type proto_type_of(const char *word, size_t len);

/* Fields after the type word that the server sends for type (MEMBERS:
 * PROTO_FIELDS_LIST; PROTO_INVALID/PROTO_UNKNOWN: 0). */
int proto_fields(enum proto_type type);
/* Fields that must be present (JOIN and LEAVE: 2; a room switch adds the other room). */
int proto_min_fields(enum proto_type type);

/* nc dialect: is this (complete or partial) line exactly a prompt the server repaints,
 * `[ENTER YOUR NAME]:` or `[YYYY-MM-DD HH:MM:SS][name]:`? */
bool proto_nc_is_prompt(const char *s, size_t n);

/* nc dialect: length of the prompt at the start of s (n bytes): `[ENTER YOUR NAME]:`, or
 * `[YYYY-MM-DD HH:MM:SS][own]:` for own_name (the server never echoes our own messages
 * in that dialect, so such a head is a prompt). 0 if s does not start with one. */
size_t proto_nc_prompt_len(const char *s, size_t n, const char *own_name);

/* nc dialect: split `[YYYY-MM-DD HH:MM:SS][name]:text` in place into time, name and text.
 * Returns false (line untouched) when the line is not a message. */
bool proto_nc_parse_msg(char *line, const char **time, const char **name, const char **text);

#endif
