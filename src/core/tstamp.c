/* tstamp.c: local-time stamps (formatted once per second at most) and UTC ones. */
#include <string.h>

#include "tstamp.h"

void tstamp_format(time_t t, char out[TSTAMP_LEN + 1])
{
	static time_t cached_t = (time_t)-1;
	static char cached[TSTAMP_LEN + 1];
	struct tm tm;

	if (t != cached_t) {
		if (localtime_r(&t, &tm) == NULL)
			memset(&tm, 0, sizeof(tm));
		if (strftime(cached, sizeof(cached), "%Y-%m-%d %H:%M:%S", &tm) != TSTAMP_LEN)
			memcpy(cached, "0000-00-00 00:00:00", TSTAMP_LEN + 1);
		cached_t = t;
	}
	memcpy(out, cached, TSTAMP_LEN + 1);
}

void tstamp_format_utc(time_t t, char out[TSTAMP_UTC_LEN + 1])
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 0 ||
	    strftime(out, TSTAMP_UTC_LEN + 1, "%Y-%m-%dT%H:%M:%SZ", &tm) != TSTAMP_UTC_LEN)
		memcpy(out, "0000-00-00T00:00:00Z", TSTAMP_UTC_LEN + 1);
}

long long tstamp_parse_epoch(const char *s, size_t n)
{
	long long v = 0;

	if (n == 0 || n > TSTAMP_EPOCH_DIGITS)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v <= TSTAMP_EPOCH_MAX ? v : -1;
}
