/* tstamp.h: "YYYY-MM-DD HH:MM:SS" in local time, cached per second. */
#ifndef TSTAMP_H
#define TSTAMP_H

#include <stddef.h>
#include <time.h>

#define TSTAMP_LEN 19

/* Write TSTAMP_LEN characters and a NUL to out. */
void tstamp_format(time_t t, char out[TSTAMP_LEN + 1]);

#define TSTAMP_UTC_LEN 20      /* "2026-12-01T09:05:17Z" */

/* t in UTC, ISO 8601: TSTAMP_UTC_LEN characters and a NUL (a year past 9999 or before
 * 0 is shown as "0000-00-00T00:00:00Z"). */
void tstamp_format_utc(time_t t, char out[TSTAMP_UTC_LEN + 1]);

#define TSTAMP_EPOCH_MAX 253402300799LL /* 9999-12-31T23:59:59Z: the last second shown */
#define TSTAMP_EPOCH_DIGITS 12

/* Seconds since 1970 as a file writes them, s[0..n): 1 to TSTAMP_EPOCH_DIGITS decimal
 * digits, at most TSTAMP_EPOCH_MAX. The value, or -1 when it is not that. */
long long tstamp_parse_epoch(const char *s, size_t n);

#endif
