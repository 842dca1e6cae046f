/* tstamp.h: "YYYY-MM-DD HH:MM:SS" in local time, cached per second. */
#ifndef TSTAMP_H
#define TSTAMP_H

#include <time.h>

#define TSTAMP_LEN 19

/* Write TSTAMP_LEN characters and a NUL to out. */
void tstamp_format(time_t t, char out[TSTAMP_LEN + 1]);

#define TSTAMP_UTC_LEN 20      /* "2026-12-01T09:05:17Z" */

/* t in UTC, ISO 8601: TSTAMP_UTC_LEN characters and a NUL (a year past 9999 or before
 * 0 is shown as "0000-00-00T00:00:00Z"). */
void tstamp_format_utc(time_t t, char out[TSTAMP_UTC_LEN + 1]);

#endif
