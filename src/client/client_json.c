/* client_json.c: records as JSON objects. See client_json.h. */
#define _XOPEN_SOURCE 700
#include <ctype.h>
#include <jansson.h>
#include <string.h>
#include <time.h>

#include "client_json.h"
#include "client_time.h"
#include "tstamp.h"
#include "util.h"

void client_json_time(const char *field, time_t now, char out[32])
{
	time_t t = now;

	if (!client_time_parse(field, &t))
		t = now;
	tstamp_format_utc(t, out);
}

static void set_str(json_t *o, const char *key, const char *s)
{
	if (s != NULL && *s != '\0')
		json_object_set_new(o, key, json_string(s));   /* NULL (invalid UTF-8): skipped */
}

static json_t *member_array(const struct proto_rec *rec)
{
	json_t *a = json_array();
	const char *cur = rec->list, *name;
	size_t len;

	while ((name = proto_members_next(&cur, &len)) != NULL)
		json_array_append_new(a, json_stringn(name, len));
	return a;
}

/* The record word in lower case; every action record (ACTION, HISTACTION, PRIVACTION)
 * is "action" (with "history" or "to" as its MSG, HIST or PRIV twin has them). */
static void type_word(const struct proto_rec *rec, char *out, size_t outsz)
{
	const char *w = rec->action ? "ACTION" : proto_type_name(rec->type);
	size_t i = 0;

	for (; w[i] != '\0' && i + 1 < outsz; i++)
		out[i] = w[i] == '?' ? 'q' : (char)tolower((unsigned char)w[i]);
	out[i] = '\0';
}

/* Which fields are TIME, NAME, the other name, TEXT and the other room, per record. */
static void fill(json_t *o, const struct proto_rec *rec)
{
	const char *const *f = (const char *const *)rec->f;

	switch (rec->type) {
	case PROTO_MSG: case PROTO_HIST:
		set_str(o, "name", f[1]), set_str(o, "text", f[2]);
		break;
	case PROTO_JOIN: case PROTO_LEAVE:
		set_str(o, "name", f[1]), set_str(o, "via", rec->nf > 2 ? f[2] : NULL);
		set_str(o, "reason", rec->nf > 3 ? f[3] : NULL);
		break;
	case PROTO_RENAME:
		set_str(o, "name", f[1]), set_str(o, "to", f[2]);
		break;
	case PROTO_PRIV:
		set_str(o, "name", f[1]), set_str(o, "to", f[2]), set_str(o, "text", f[3]);
		break;
	case PROTO_WELCOME:
		set_str(o, "name", f[0]);
		break;
	case PROTO_MEMBERS:
		json_object_set_new(o, "members", member_array(rec));
		break;
	case PROTO_ROOM:
		break;
	default:
		set_str(o, "text", rec->nf > 0 ? f[0] : NULL);
		break;
	}
}

static bool has_time(enum proto_type t)
{
	return client_time_has(t);
}

static char *dump(json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);

	json_decref(o);
	return s;
}

/* A record of a known type without the fields it needs: "invalid", with what came
 * (its TABs put back) in "raw". */
static char *invalid_record(const struct proto_rec *rec, time_t now)
{
	json_t *o = json_object();
	char ts[32], *raw = xmalloc(rec->rawlen + 1);

	for (size_t i = 0; i < rec->rawlen; i++)
		raw[i] = rec->raw[i] != '\0' ? rec->raw[i] : '\t';
	raw[rec->rawlen] = '\0';
	client_json_time(NULL, now, ts);
	json_object_set_new(o, "type", json_string("invalid"));
	json_object_set_new(o, "time", json_string(ts));
	set_str(o, "raw", raw);
	free(raw);
	return dump(o);
}

char *client_json_record(const struct proto_rec *rec, const char *room, time_t now)
{
	json_t *o;
	char word[16], ts[32];

	if (rec->type == PROTO_UNKNOWN)
		return NULL;            /* a later version's: ignored (doc/PROTOCOL.md) */
	if (rec->type == PROTO_INVALID)
		return invalid_record(rec, now);
	o = json_object();

	type_word(rec, word, sizeof(word));
	client_json_time(has_time(rec->type) && rec->nf > 0 ? rec->f[0] : NULL, now, ts);
	json_object_set_new(o, "type", json_string(word));
	json_object_set_new(o, "time", json_string(ts));
	if (rec->type == PROTO_WELCOME || rec->type == PROTO_ROOM)
		room = rec->type == PROTO_WELCOME ? rec->f[1] : rec->f[0];
	else if (rec->room != NULL && rec->room[0] != '\0')
		room = rec->room;     /* version 2: the record's own room */
	set_str(o, "room", room);
	fill(o, rec);
	if (rec->type == PROTO_HIST)
		json_object_set_new(o, "history", json_true());
	return dump(o);
}

char *client_json_line(const char *line, const char *room, time_t now)
{
	json_t *o = json_object();
	char ts[32];

	client_json_time(NULL, now, ts);
	json_object_set_new(o, "type", json_string("line"));
	json_object_set_new(o, "time", json_string(ts));
	set_str(o, "room", room);
	set_str(o, "text", line);
	return dump(o);
}
