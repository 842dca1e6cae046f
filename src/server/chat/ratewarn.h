/* ratewarn.h: warnings that reach the operator without -v but cannot flood the log.
 * One struct ratewarn per kind of warning ("chat is full", "address over its limit"):
 * at most `per_minute` of them are logged in each minute (a fixed window); the rest are
 * counted, and the next one logged says how many were held back. Pure: the caller
 * passes the time in. */
#ifndef RATEWARN_H
#define RATEWARN_H

#include <stdint.h>

struct ratewarn {
	int per_minute;           /* warnings logged per window */
	int used;                 /* logged in the current window */
	int64_t window_start_ms;  /* when the current window began */
	unsigned long suppressed; /* held back since the last one logged */
};

void ratewarn_init(struct ratewarn *w, int per_minute);
/* Whether to log this warning now. When it returns 1, *suppressed is how many were held
 * back before it (say "(N more not shown)" when it is not 0) and the count restarts. */
int ratewarn_allow(struct ratewarn *w, int64_t now_ms, unsigned long *suppressed);
/* How many are held back and not yet reported (for a summary at shutdown). */
unsigned long ratewarn_pending(const struct ratewarn *w);

#endif
