/* duration.c: "1d12h" <-> seconds, with range checks. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "duration.h"
#include "tclimits.h"

static const struct {
	char unit;
	long secs;
} duration_units[] = { { 'd', 86400 }, { 'h', 3600 }, { 'm', 60 }, { 's', 1 } };
#define DURATION_NUNITS (sizeof(duration_units) / sizeof(duration_units[0]))

/* The index of a unit letter in duration_units, or -1. */
static int duration_unit(char c)
{
	for (size_t i = 0; i < DURATION_NUNITS; i++)
		if (duration_units[i].unit == c)
			return (int)i;
	return -1;
}

int duration_is_candidate(const char *s)
{
	return isdigit((unsigned char)s[0]) != 0;
}

/* One group "12h" at *p: adds to *total, advances *p. Units must come in order. */
static const char *duration_group(const char **p, int *next_unit, long *total)
{
	long n = 0;
	int u;

	if (!isdigit((unsigned char)**p))
		return "a duration is a number and a unit: 30s, 10m, 2h, 7d";
	while (isdigit((unsigned char)**p)) {
		if (n > TC_DURATION_MAX)
			return "that duration is too long";
		n = n * 10 + (**p - '0');
		(*p)++;
	}
	if (**p == '\0')
		return "give the duration a unit: s, m, h or d (10m, not 10)";
	u = duration_unit(**p);
	if (u < 0)
		return "unknown unit in the duration: use s, m, h or d";
	if (u < *next_unit)
		return "each unit once, largest first: 1d12h, 1h30m";
	(*p)++;
	*next_unit = u + 1;
	if (n > TC_DURATION_MAX / duration_units[u].secs)
		return "that duration is too long";
	*total += n * duration_units[u].secs;
	return NULL;
}

int duration_parse(const char *s, long *secs, const char **why)
{
	long total = 0;
	int next_unit = 0;
	const char *err = NULL;

	do
		err = duration_group(&s, &next_unit, &total);
	while (err == NULL && *s != '\0' && total <= TC_DURATION_MAX);
	if (err == NULL && total > TC_DURATION_MAX)
		err = "that duration is too long";
	if (err == NULL && total == 0)
		err = "a duration of 0 is none: leave it out for no end";
	if (err != NULL) {
		*why = err;
		return -1;
	}
	*secs = total;
	return 0;
}

char *duration_format(long secs, char out[DURATION_TEXT_MAX])
{
	size_t len = 0;
	int shown = 0;

	out[0] = '\0';
	if (secs < 0)
		secs = 0;
	for (size_t i = 0; i < DURATION_NUNITS && shown < 2; i++) {
		long n = secs / duration_units[i].secs;

		if (n == 0 && !(shown == 0 && i == DURATION_NUNITS - 1))
			continue;
		len += (size_t)snprintf(out + len, DURATION_TEXT_MAX - len, "%s%ld%c",
		    shown ? " " : "", n, duration_units[i].unit);
		secs -= n * duration_units[i].secs;
		shown++;
		if (secs == 0)
			break;
	}
	return out;
}
