/* duration.h: durations as an operator types them ("30s", "10m", "2h", "7d", "1d12h")
 * and as /bans shows them ("2h", "1d 3h").
 *
 * A duration is one or more groups of a number and a unit: s (seconds), m (minutes),
 * h (hours), d (days), largest unit first, each unit at most once ("1h30m", "1d 3h":
 * spaces between groups are not allowed, so "1d 3h" as one command word is not one).
 * A bare number is refused: "10" could mean seconds or minutes, so the operator says
 * which. The result is 1 second to TC_DURATION_MAX seconds. */
#ifndef DURATION_H
#define DURATION_H

#include <stddef.h>

#define DURATION_TEXT_MAX 32 /* bytes for duration_format() */

/* Parse s into *secs. 0, or -1 with a one-line reason in *why (a static string). */
int duration_parse(const char *s, long *secs, const char **why);
/* Whether a command word is meant as a duration (it starts with a digit), so a parser
 * can tell "/ban bob 10m spam" from "/ban bob spam" and report a bad one. */
int duration_is_candidate(const char *s);
/* The two largest non-zero units, truncated: 45 -> "45s", 5400 -> "1h 30m",
 * 97200 -> "1d 3h", 0 -> "0s". Returns out. */
char *duration_format(long secs, char out[DURATION_TEXT_MAX]);

#endif
