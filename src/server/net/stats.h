/*
 * stats.h: the server's running totals for SIGUSR1's one-line summary: connections,
 * bytes in and out, and connections closed counted by reason. Pure; the counters are
 * bumped where the work happens (server.c), messages counted by chat.c (chat_stats).
 */
#ifndef STATS_H
#define STATS_H

#include <stddef.h>
#include <time.h>

#define STATS_REASONS 16   /* distinct close reasons counted; more go to "other" */

struct stats {
	time_t started;
	unsigned long accepted;     /* connections accepted */
	unsigned long refused;      /* connections refused (server full) */
	unsigned long long bytes_in, bytes_out;
	struct { const char *reason; unsigned long n; } drops[STATS_REASONS];
	unsigned long other_drops;
};

void stats_init(struct stats *st, time_t now);
/* A connection closed for reason (a static string, compared by contents). */
void stats_drop(struct stats *st, const char *reason);

struct stats_now {          /* what the summary adds from elsewhere */
	time_t now;
	int connections, rooms;
	unsigned long msgs_in, msgs_out;
};

/* "uptime 3h02m05s, connections 2 (5 accepted, 0 refused), rooms 1, messages 4 in
 * 9 out, bytes 120 in 2048 out, closed: closed by peer 3" into out (always
 * NUL-terminated); returns out. */
char *stats_format(const struct stats *st, const struct stats_now *sn, char *out,
    size_t outsz);

#endif
