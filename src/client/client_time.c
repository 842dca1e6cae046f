/* client_time.c: parsing record times, showing them in local time. See client_time.h. */
#define _GNU_SOURCE 1   /* timegm */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "client_time.h"
#include "proto.h"

bool client_time_parse(const char *field, time_t *out)
{
	struct tm tm;
	const char *end;

	if (field == NULL)
		return false;
	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(field, "%Y-%m-%dT%H:%M:%SZ", &tm)) != NULL && *end == '\0') {
		*out = timegm(&tm);
		return *out != (time_t)-1;
	}
	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(field, "%Y-%m-%d %H:%M:%S", &tm)) != NULL && *end == '\0') {
		tm.tm_isdst = -1;
		*out = mktime(&tm);
		return *out != (time_t)-1;
	}
	return false;
}

void client_time_show(const char *field, const char *fmt, bool day_too, time_t now,
    char *out, size_t n)
{
	time_t t = now;
	struct tm tm, today;
	size_t len = 0;

	(void)client_time_parse(field, &t);
	localtime_r(&t, &tm);
	localtime_r(&now, &today);
	if (n == 0)
		return;
	out[0] = '\0';
	if (day_too && (tm.tm_year != today.tm_year || tm.tm_yday != today.tm_yday))
		len = strftime(out, n, "%Y-%m-%d ", &tm);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"   /* --time-format is the user's */
	if (strftime(out + len, n - len, fmt, &tm) == 0)
		out[len] = '\0';
#pragma GCC diagnostic pop
}

bool client_time_has(int t)
{
	return t == PROTO_MSG || t == PROTO_HIST || t == PROTO_JOIN || t == PROTO_LEAVE ||
	    t == PROTO_RENAME || t == PROTO_PRIV;
}
