/*
 * irc.h: the IRC wire format, apart from any socket or chat (pure). Parsing a line
 * (modern.ircdocs.horse: tags, source, command, parameters), formatting a server
 * message (always with a source), the numerics, ISUPPORT, splitting a long message
 * into lines that fit, CTCP ACTION, and the mappings between our names and rooms and
 * IRC nicks and channels (doc/PROTOCOL.md, "IRC nicks").
 */
#ifndef IRC_H
#define IRC_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "buf.h"
#include "names.h"
#include "room.h"
#include "tclimits.h"

#define IRC_LINE_MAX TC_IRC_LINE_MAX          /* bytes of a message, CRLF included */
#define IRC_TAGS_MAX TC_IRC_TAGS_MAX          /* bytes of the tags, '@' and space included */
#define IRC_INPUT_MAX (IRC_TAGS_MAX + IRC_LINE_MAX - 2) /* a line, CRLF excluded */
#define IRC_MAX_PARAMS 15
#define IRC_NICK_MAX TC_IRC_NICK_MAX          /* bytes of a mapped nick */
#define IRC_CHANNEL_MAX (ROOM_NAME_MAX_BYTES + 1)
#define IRC_TIME_TAG_LEN 30                   /* "time=YYYY-MM-DDThh:mm:ss.000Z" + NUL */

/* Every byte of a name may become "[xx]" (two hex digits plus brackets, grouped). */
_Static_assert(IRC_NICK_MAX == 2 + 2 * NAME_MAX_BYTES, "a mapped nick fits IRC_NICK_MAX");

/* A parsed line. The fields point into the message's own copy (NUL-terminated). */
struct irc_msg {
	const char *tags;       /* without '@'; NULL when none */
	const char *source;     /* without ':'; NULL when none */
	char command[16];       /* upper-cased; a word of letters or three digits */
	int nparams;
	const char *params[IRC_MAX_PARAMS];
	bool trailing;          /* the last parameter was given after ':' */
	char copy[IRC_INPUT_MAX + 1];
};

enum irc_parse {
	IRC_PARSE_OK,
	IRC_PARSE_EMPTY,        /* nothing but spaces (ignored, as servers do) */
	IRC_PARSE_TOO_LONG,     /* tags over IRC_TAGS_MAX, or the rest over IRC_LINE_MAX */
	IRC_PARSE_BAD,          /* no command, a NUL, CR or LF inside, a bad command word */
};

/* Parse one line (its CRLF or LF already removed by the framing). */
enum irc_parse irc_parse(const char *line, size_t n, struct irc_msg *msg);

/* The value of tag key in msg (escapes left as sent), or NULL; "" for a tag without
 * a value. */
const char *irc_tag(const struct irc_msg *msg, const char *key, char *val, size_t valsz);

/* Append one message: "[@tags ]:source COMMAND p1 p2 :last\r\n". The last parameter
 * gets a ':' when it is empty, holds a space or starts with ':'; the others must not
 * (they are names and channels). CR, LF and NUL bytes are dropped. The message after
 * the tags is cut (at a UTF-8 boundary of the last parameter) to IRC_LINE_MAX bytes.
 * tags and source may be NULL (source is always given by the server). */
void irc_put(struct buf *out, const char *tags, const char *source, const char *command,
    int nparams, const char *const params[]);
/* The same with the parameters listed after command, ending with NULL. */
void irc_putl(struct buf *out, const char *tags, const char *source, const char *command, ...);

/* "[:server ]ERROR :Closing Link: host (reason)", the last line to a client the server
 * closes; server NULL: no source (a connection refused at accept, as ircds write it). */
void irc_put_closing(struct buf *out, const char *server, const char *host,
    const char *reason);

/* A numeric reply: ":server NNN target params...": the parameters end with NULL; the
 * last one is the text (irc_numeric_text(code) for the usual one). target is the
 * client's nick, "*" before it has one. */
void irc_numeric(struct buf *out, const char *server, int code, const char *target, ...);
/* The symbolic name (RPL_WELCOME) and usual text of a numeric; NULL when unknown or
 * when its text is built from data (001-005, 353...). */
const char *irc_numeric_name(int code);
const char *irc_numeric_text(int code);

/* The ISUPPORT tokens (005), in the order sent; each ends with the NULL entry.
 * network names the network (NETWORK=). Up to 13 tokens per 005 line. */
size_t irc_isupport(const char *network, const char *tokens[], size_t max, char *scratch,
    size_t scratchsz);

/* "time=2026-12-01T09:37:47.000Z" (the server-time tag) for t, UTC. */
void irc_time_tag(time_t t, char out[IRC_TIME_TAG_LEN]);

/* The bytes of the next piece of text s[0..n) that fits in max bytes: all of it when
 * it fits; else cut after the last space in the piece (the space is left out: the
 * caller skips one space after a cut there), else at a UTF-8 boundary. At least one
 * character when max >= 4. *skip is the number of bytes to skip after the piece. */
size_t irc_split(const char *s, size_t n, size_t max, size_t *skip);

/* A PRIVMSG or NOTICE of text from source to target, as many lines as it takes to keep
 * each within IRC_LINE_MAX bytes. */
void irc_put_text(struct buf *out, const char *tags, const char *source, const char *command,
    const char *target, const char *text, size_t len);
/* The same for an action: each line a CTCP ACTION ("\x01ACTION waves\x01"). */
void irc_put_action(struct buf *out, const char *tags, const char *source,
    const char *command, const char *target, const char *text, size_t len);

/* What a PRIVMSG or NOTICE text is, and our text for it (irc_from_ctcp). */
enum irc_text {
	IRC_TEXT_PLAIN,         /* a message: copied */
	IRC_TEXT_ACTION,        /* CTCP ACTION: what is done ("waves"), an action */
	IRC_TEXT_CTCP,          /* another CTCP request or reply (VERSION, PING...): no text */
};
/* Our text for an IRC message text s[0..n): out (n + 4 bytes at least) is NUL-terminated.
 * The closing \x01 of a CTCP may be missing (clients send that too). */
enum irc_text irc_from_ctcp(const char *s, size_t n, char *out, size_t outsz, size_t *outlen);

/* Channels and rooms: "#lobby" is room "lobby". The room name is checked by our rules
 * (room.c); NULL on success with the room in room, else the reason. */
const char *irc_channel_to_room(const char *chan, char room[ROOM_NAME_MAX_BYTES + 1]);
void irc_room_to_channel(const char *room, char chan[IRC_CHANNEL_MAX + 1]);

/* Names and nicks (doc/PROTOCOL.md): letters, digits and - ^ _ ` { | } \ stand for
 * themselves; every other byte (space, '.', UTF-8...) is written as lower-case hex in
 * brackets, consecutive bytes in one pair ("bob smith" is "bob[20]smith", "José" is
 * "Jos[c3a9]"); a first byte that is a digit or '-' is written so too ("42" is
 * "[34]2"). Our names cannot hold '[' or ']', so the mapping is unique and reversible,
 * and an IRC nick without brackets is the same name on both sides. */
/* The nick for a (valid) name; out has IRC_NICK_MAX + 1 bytes. Returns its length. */
size_t irc_name_to_nick(const char *name, char *out);
/* "nick!user@host" for a member named name: the source of its lines. */
void irc_source(const char *name, const char *user, const char *host, char *out, size_t outsz);
/* The name for a nick: NULL on success (name has NAME_MAX_BYTES + 1 bytes), else the
 * reason (a nick IRC refuses, one not written as irc_name_to_nick writes it, hex in
 * either case accepted, or a name our rules refuse). */
const char *irc_nick_to_name(const char *nick, char *name);

#endif
