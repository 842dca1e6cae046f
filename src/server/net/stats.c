/* stats.c: the server's running totals and their summary. See stats.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "stats.h"

void stats_init(struct stats *st, time_t now)
{
	memset(st, 0, sizeof(*st));
	st->started = now;
}

void stats_drop(struct stats *st, const char *reason)
{
	if (reason == NULL)
		reason = "closed";
	for (size_t i = 0; i < STATS_REASONS; i++) {
		if (st->drops[i].reason == NULL)
			st->drops[i].reason = reason;
		if (strcmp(st->drops[i].reason, reason) == 0) {
			st->drops[i].n++;
			return;
		}
	}
	st->other_drops++;
}

/* Append to out at *used, never past outsz. */
static void add(char *out, size_t outsz, size_t *used, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void add(char *out, size_t outsz, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*used >= outsz)
		return;
	va_start(ap, fmt);
	n = vsnprintf(out + *used, outsz - *used, fmt, ap);
	va_end(ap);
	if (n > 0)
		*used += (size_t)n < outsz - *used ? (size_t)n : outsz - *used - 1;
}

char *stats_format(const struct stats *st, const struct stats_now *sn, char *out,
    size_t outsz)
{
	long up = (long)(sn->now - st->started);
	size_t used = 0;
	const char *sep = " ";

	out[0] = '\0';
	add(out, outsz, &used, "uptime %ldh%02ldm%02lds, connections %d (%lu accepted, %lu refused), "
	    "rooms %d, messages %lu in %lu out, bytes %llu in %llu out, closed:",
	    up / 3600, up / 60 % 60, up % 60, sn->connections, st->accepted, st->refused,
	    sn->rooms, sn->msgs_in, sn->msgs_out, st->bytes_in, st->bytes_out);
	for (size_t i = 0; i < STATS_REASONS && st->drops[i].reason != NULL; i++, sep = ", ")
		add(out, outsz, &used, "%s%s %lu", sep, st->drops[i].reason, st->drops[i].n);
	if (st->other_drops > 0)
		add(out, outsz, &used, "%sother %lu", sep, st->other_drops);
	else if (sep[0] == ' ')
		add(out, outsz, &used, " none");
	return out;
}
