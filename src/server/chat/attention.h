/*
 * attention.h: what people use to find and filter each other: /away, /whois,
 * /ignore and /unignore, /names. Each is one reply line (or a few) to the member
 * asking; /ignore is applied where messages are delivered (chat.c).
 */
#ifndef ATTENTION_H
#define ATTENTION_H

#include <stddef.h>

struct chat;
struct member;

/* /away [TEXT]: away with TEXT (shown to who messages m, and in /whois); empty: back. */
void attention_away(struct chat *ch, struct member *m, const char *text, size_t len);
/* /whois NAME: rooms, idle time, away text, connected since. */
void attention_whois(struct chat *ch, struct member *m, const char *name, size_t len);
/* /ignore NAME, /unignore NAME (NAME may hold spaces). */
void attention_ignore(struct chat *ch, struct member *m, const char *name, size_t len);
void attention_unignore(struct chat *ch, struct member *m, const char *name, size_t len);
/* /names [ROOM]: who is in ROOM (default: m's current room). */
void attention_names(struct chat *ch, struct member *m, const char *room, size_t len);

#endif
