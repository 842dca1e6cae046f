/*
 * client_json.h: plain mode's --json output: one JSON object per record, on one line
 * (jansson does the encoding). Keys: "type" (the record word in lower case: "msg",
 * "hist", "join", "leave", "rename", "priv", "welcome", "room", "members", "info",
 * "err", "bye", "nameq", "action" for every action record, or "line" for a raw nc
 * line), "time" (UTC, ISO 8601), "room", "name", "text" (of an action: what NAME does),
 * and "history": true on replayed history (HIST, HISTACTION); "to" (PRIV, PRIVACTION,
 * RENAME), "via" (the other room of a room switch), "members" (an array) where they
 * apply. A record of a known type that lacks fields is {"type":"invalid","time":...,
 * "raw":"the line as it came"}; a record of a type not known is no object (NULL).
 */
#ifndef CLIENT_JSON_H
#define CLIENT_JSON_H

#include <time.h>

#include "proto.h"

/* The record's TIME field (local "YYYY-MM-DD HH:MM:SS", or version 2's UTC) as UTC ISO 8601 in
 * out ("2026-12-01T09:30:00Z"); records without one get now. */
void client_json_time(const char *field, time_t now, char out[32]);

/* rec (in room, NULL if unknown) as one line of JSON, without a newline; malloc'd.
 * NULL for a record type this client does not know (it is ignored). */
char *client_json_record(const struct proto_rec *rec, const char *room, time_t now);
/* A raw line of an nc server. */
char *client_json_line(const char *line, const char *room, time_t now);

#endif
