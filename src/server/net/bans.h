/* bans.h: the ban list, by address (an IPv4 address or an IPv6 /64, see addrkey.h),
 * kept in a file in the state directory so bans survive restarts.
 *
 * Each ban has an optional expiry (absolute time; 0 for none), the time it was set,
 * who set it and a reason. Expired bans are dropped as they are met (bans_check) and by
 * bans_expire(). The list changes only in memory; bans_save() writes the whole file
 * again atomically (a temporary file in the same directory, mode 0600, fsync, rename),
 * so a crash leaves the old list or the new one, never half of one.
 *
 * The file: a comment line, then one ban a line, tab-separated:
 *   ADDRESS  EXPIRES  SET_AT  BY  REASON
 * ADDRESS as addrkey_format() writes it, EXPIRES and SET_AT in seconds since the epoch
 * (EXPIRES 0: never). BY and REASON have no control characters (they are replaced by
 * spaces when a ban is added) and are cut to BANS_BY_MAX and TC_BAN_REASON_MAX bytes. */
#ifndef BANS_H
#define BANS_H

#include <stddef.h>
#include <time.h>

#include "addrkey.h"
#include "tclimits.h"

#define BANS_BY_MAX (4 * TC_NAME_MAX_CHARS) /* bytes of the name of who set a ban */

struct ban {
	struct addrkey key;
	time_t expires; /* 0: never */
	time_t set_at;
	char by[BANS_BY_MAX + 1];
	char reason[TC_BAN_REASON_MAX + 1];
};

struct bans {
	struct ban *v; /* in the order they were set */
	size_t n, cap;
	char *path; /* NULL: kept in memory only */
};

/* An empty list saved to path (NULL: never saved). */
void bans_init(struct bans *b, const char *path);
void bans_free(struct bans *b);
/* Read the file (a missing file is an empty list). Bad lines are skipped and counted
 * in *skipped, expired bans dropped. 0, or -1 with a reason in errbuf (the file cannot
 * be opened or read, or is not a regular file). */
int bans_load(struct bans *b, time_t now, size_t *skipped, char *errbuf, size_t errsz);
/* Write the file again, atomically. 0, or -1 with a reason in errbuf. */
int bans_save(const struct bans *b, char *errbuf, size_t errsz);
/* Ban k until expires (0: never). 0 for a new ban, 1 when it replaced the ban of the
 * same address, -1 when the list has TC_MAX_BANS bans already. */
int bans_add(struct bans *b, const struct addrkey *k, time_t now, time_t expires,
    const char *by, const char *reason);
/* Lift the ban of k: 0, or -1 when there was none. */
int bans_remove(struct bans *b, const struct addrkey *k);
/* The ban that applies to k at now, or NULL (an expired one is dropped). */
const struct ban *bans_check(struct bans *b, const struct addrkey *k, time_t now);
/* Drop every ban expired at now; returns how many (save when it is not 0). */
size_t bans_expire(struct bans *b, time_t now);

#endif
