/* ratewarn.c: at most N warnings of a kind per minute, then a count. */
#include "ratewarn.h"

#define RATEWARN_WINDOW_MS 60000 /* one minute */

void ratewarn_init(struct ratewarn *w, int per_minute)
{
	w->per_minute = per_minute;
	w->used = 0;
	w->window_start_ms = INT64_MIN;
	w->suppressed = 0;
}

int ratewarn_allow(struct ratewarn *w, int64_t now_ms, unsigned long *suppressed)
{
	if (w->window_start_ms == INT64_MIN || now_ms - w->window_start_ms >= RATEWARN_WINDOW_MS ||
	    now_ms < w->window_start_ms) {
		w->window_start_ms = now_ms;
		w->used = 0;
	}
	if (w->used >= w->per_minute) {
		w->suppressed++;
		return 0;
	}
	w->used++;
	*suppressed = w->suppressed;
	w->suppressed = 0;
	return 1;
}

unsigned long ratewarn_pending(const struct ratewarn *w)
{
	return w->suppressed;
}
