/*
 * client_time.h: the times of the records, pure. Version 2 servers send UTC in ISO 8601
 * ("2026-12-01T09:30:00Z"); version 1 servers (and nc lines) their local time
 * ("2026-12-01 10:30:00"). The client shows local time in a strftime format.
 */
#ifndef CLIENT_TIME_H
#define CLIENT_TIME_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define CLIENT_TIME_DEFAULT "%H:%M"             /* --time-format's default */
#define CLIENT_TIME_CLASSIC "%Y-%m-%d %H:%M:%S" /* plain mode: the nc dialect's stamp */

/* The moment a TIME field names: either form above. False when it is neither. */
bool client_time_parse(const char *field, time_t *out);

/* field (NULL or unparseable: now) as local time in fmt, into out; when day_too and
 * the day is not today's, the date ("%Y-%m-%d ") comes first. */
void client_time_show(const char *field, const char *fmt, bool day_too, time_t now,
    char *out, size_t n);

/* The record fields that are times: true for MSG, HIST, JOIN, LEAVE, RENAME, PRIV. */
bool client_time_has(int proto_type);

#endif
