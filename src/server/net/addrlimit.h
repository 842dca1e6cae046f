/* addrlimit.h: per-address admission, counted from accept.
 *
 * Two limits per address (an IPv4 address, or an IPv6 /64: see addrkey.h):
 *  - connections at once (`at_once`);
 *  - new connections: a token bucket of `burst` tokens, refilled at `per_minute` tokens
 *    a minute. Each admitted connection takes a token; an address may open `burst` at
 *    once (a classroom arriving), then `per_minute` a minute for as long as it goes on.
 *    A refused attempt takes no token.
 * 0 for at_once or per_minute means no such limit.
 *
 * Memory is bounded: an entry lives while its address has a connection or its bucket
 * is not yet full again; addrlimit_release() and addrlimit_sweep() free the others.
 * The table holds at most `max_entries`; entries with connections can always be made
 * while there are fewer connections than that, so size it as the connection limit plus
 * TC_ADDRLIMIT_IDLE_ENTRIES. When it is full, the address without connections that was
 * seen the longest ago is forgotten (it starts again with a full bucket); only when
 * every entry has a connection is a new address refused (ADDRLIMIT_TABLE_FULL).
 * Pure: the caller passes the time in, in milliseconds from any fixed origin. */
#ifndef ADDRLIMIT_H
#define ADDRLIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addrkey.h"

enum addrlimit_verdict {
	ADDRLIMIT_OK,         /* admitted: call addrlimit_release() when it closes */
	ADDRLIMIT_AT_ONCE,    /* the address has at_once connections already */
	ADDRLIMIT_RATE,       /* the address opened too many new connections lately */
	ADDRLIMIT_TABLE_FULL, /* max_entries addresses all hold connections */
};

struct addrlimit;

struct addrlimit *addrlimit_new(unsigned at_once, unsigned per_minute, unsigned burst,
    size_t max_entries);
void addrlimit_free(struct addrlimit *al);
/* Admit a new connection from k at now_ms, or say why not. */
enum addrlimit_verdict addrlimit_admit(struct addrlimit *al, const struct addrkey *k,
    int64_t now_ms);
/* One admitted connection from k has closed. */
void addrlimit_release(struct addrlimit *al, const struct addrkey *k, int64_t now_ms);
/* A connection from k creates a room: within the address's budget
 * (TC_ADDR_ROOM_CREATES_PER_MINUTE in any minute)? An address with no connection
 * counted is not charged. */
bool addrlimit_room_create(struct addrlimit *al, const struct addrkey *k, int64_t now_ms);

/* Free every entry with no connection whose bucket is full again (call it now and then,
 * say once a minute; admit and release also free such entries as they pass). */
void addrlimit_sweep(struct addrlimit *al, int64_t now_ms);
/* Entries held now, and connections counted for k (for tests and /stats). */
size_t addrlimit_entries(const struct addrlimit *al);
unsigned addrlimit_count(const struct addrlimit *al, const struct addrkey *k);
/* The line a refused connection is sent (no newline), e.g. "too many connections from
 * your address (at most 32 at once)". */
const char *addrlimit_reason(const struct addrlimit *al, enum addrlimit_verdict v,
    char *buf, size_t bufsz);

#endif
