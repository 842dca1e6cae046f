/* tstamp.h: "YYYY-MM-DD HH:MM:SS" in local time, cached per second. */
#ifndef TSTAMP_H
#define TSTAMP_H

#include <time.h>

#define TSTAMP_LEN 19

/* Write TSTAMP_LEN characters and a NUL to out. */
void tstamp_format(time_t t, char out[TSTAMP_LEN + 1]);

#endif
