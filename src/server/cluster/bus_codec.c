/* bus_codec.c: a chat event to and from its JSON on Redis. See bus_codec.h. */
#include <ctype.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "bus_codec.h"
#include "chat.h"
#include "tstamp.h"
#include "utf8.h"
#include "util.h"

/* A \uXXXX escape is 6 bytes for at most 3 of text: twice the text, plus the rest. */
#define BUS_CODEC_WIRE_MAX (2 * BUS_CODEC_TEXT_MAX + 4096)
#define BUS_TIME_MAX ((json_int_t)1 << 40)   /* seconds: far beyond any real clock (secs) */
/* A group number: what an unsigned long and a JSON integer both hold. */
#define BUS_GROUP_MAX ((unsigned long long)ULONG_MAX > (unsigned long long)INT64_MAX ? \
    (json_int_t)INT64_MAX : (json_int_t)ULONG_MAX)

static const char *const type_names[] = {
	[EV_MSG] = "msg", [EV_JOIN] = "join", [EV_LEAVE] = "leave",
	[EV_MOVE_IN] = "move_in", [EV_MOVE_OUT] = "move_out",
	[EV_RENAME] = "rename", [EV_PRIV] = "priv", [EV_TOPIC] = "topic",
};

/* "kind" of a msg or priv that is not a plain message; absent for one. */
static const char *const kind_names[] = {
	[SAY_NOTICE] = "notice", [SAY_ACTION] = "action",
};

const char *bus_type_name(enum event_type type)
{
	return event_is_room(type) ? type_names[type] : NULL;
}

static int type_from_name(const char *s)
{
	for (int t = EV_MSG; t <= EV_TOPIC; t++)
		if (strcmp(type_names[t], s) == 0)
			return t;
	return -1;
}

bool bus_server_id_ok(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n > TC_REDIS_SERVER_ID_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)id[i]) && strchr("._:-", id[i]) == NULL)
			return false;
	return true;
}

static void lower_key(const char *prefix, const char *room, char out[BUS_CHANNEL_MAX])
{
	size_t n = (size_t)snprintf(out, BUS_CHANNEL_MAX, "%s%s", prefix, room);

	for (size_t i = strlen(prefix); i < n && i < BUS_CHANNEL_MAX; i++)
		out[i] = (char)tolower((unsigned char)out[i]);
}

void bus_room_channel(const char *room, char out[BUS_CHANNEL_MAX])
{
	lower_key("tcpchat:room:", room, out);
}

void bus_hist_key(const char *room, char out[BUS_CHANNEL_MAX])
{
	lower_key("tcpchat:hist:", room, out);
}

void bus_topic_key(const char *room, char out[BUS_CHANNEL_MAX])
{
	lower_key(BUS_TOPIC_PREFIX, room, out);
}

/* --- encoding ------------------------------------------------------------------------ */

static int set_str(json_t *o, const char *key, const char *s, size_t n)
{
	json_t *v = json_stringn(s != NULL ? s : "", s != NULL ? n : 0);

	return v == NULL ? -1 : json_object_set_new(o, key, v);
}

/* Written by hand, byte for byte what jansson's compact dump of the same object gives
 * (keys in this order; '"', '\\' and control characters escaped, the rest as is): an
 * object tree and its dump cost more than the rest of a delivery. */
struct wbuf {
	char *p;
	size_t n;
	bool bad;                /* a string that is not UTF-8 */
};

static void put(struct wbuf *w, const char *s, size_t n)
{
	memcpy(w->p + w->n, s, n);
	w->n += n;
}

static void put_escape(struct wbuf *w, unsigned char c)
{
	static const char named[] = "btn\0fr";   /* \b \t \n . \f \r at c - 8 */

	w->p[w->n++] = '\\';
	if (c == '"' || c == '\\') {
		w->p[w->n++] = (char)c;
	} else if (c >= '\b' && c <= '\r' && c != 0x0b) {
		w->p[w->n++] = named[c - '\b'];
	} else {
		w->n += (size_t)snprintf(w->p + w->n, 6, "u%04X", c);
	}
}

/* ,"key":v (or {"key":v when first) */
static void put_int(struct wbuf *w, const char *key, unsigned long long v)
{
	char digits[24];
	size_t i = sizeof(digits);
	char lead = w->n == 0 ? '{' : ',';

	do {
		digits[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	w->p[w->n++] = lead;
	w->p[w->n++] = '"';
	put(w, key, strlen(key));
	put(w, "\":", 2);
	put(w, digits + i, sizeof(digits) - i);
}

/* "key":"s" (s[0..n) escaped), after a comma unless first. */
static void put_str(struct wbuf *w, const char *key, const char *s, size_t n)
{
	size_t i = 0, run;
	unsigned cp;

	w->p[w->n++] = ',';
	w->p[w->n++] = '"';
	put(w, key, strlen(key));
	put(w, "\":\"", 3);
	while (i < n) {
		for (run = i; run < n && (unsigned char)s[run] >= 0x20 && s[run] != '"' &&
		    s[run] != '\\' && (unsigned char)s[run] < 0x80; run++)
			;
		put(w, s + i, run - i);
		i = run;
		if (i == n)
			break;
		if ((unsigned char)s[i] >= 0x80) {
			size_t k = utf8_seq((const unsigned char *)s + i, n - i, &cp);

			w->bad |= k == 0;
			k = k == 0 ? 1 : k;
			put(w, s + i, k);
			i += k;
		} else {
			put_escape(w, (unsigned char)s[i++]);
		}
	}
	w->p[w->n++] = '"';
}

/* A leave's or a part's (a move_out without via) reason is the event's text, and
 * "reason" on the wire ("text" stays for msg, priv and topic, so that a server that
 * knows no reasons takes the leave and ignores the field). */
static bool has_reason(const struct event *ev)
{
	return (ev->type == EV_LEAVE || (ev->type == EV_MOVE_OUT && ev->via == NULL)) &&
	    ev->len > 0;
}

static size_t wire_size(const char *server, const struct event *ev)
{
	size_t strings = strlen(server) + strlen(ev->room->name) + ev->namelen +
	    ev->otherlen + ev->len + (ev->via != NULL ? strlen(ev->via) : 0);

	return 6 * strings + 256;   /* \u00XX: 6 bytes a byte at most, and the keys */
}

char *bus_codec_encode(const char *server, uint64_t seq, const struct event *ev, size_t *len)
{
	struct wbuf w = { 0 };
	char when[32];
	bool reason = has_reason(ev);

	if (!event_is_room(ev->type) || ev->room == NULL)
		return NULL;
	tstamp_format_utc(ev->t, when);
	w.p = xmalloc(wire_size(server, ev));
	put_int(&w, "v", BUS_CODEC_VERSION);
	put_str(&w, "server", server, strlen(server));
	put_int(&w, "seq", seq);
	put_str(&w, "type", type_names[ev->type], strlen(type_names[ev->type]));
	put_int(&w, "time", (unsigned long long)ev->t);
	put_str(&w, "utc", when, strlen(when));
	put_str(&w, "room", ev->room->name, strlen(ev->room->name));
	put_str(&w, "name", ev->name != NULL ? ev->name : "", ev->name != NULL ? ev->namelen : 0);
	put_str(&w, "other", ev->other != NULL ? ev->other : "",
	    ev->other != NULL ? ev->otherlen : 0);
	put_str(&w, "text", ev->text != NULL && !reason ? ev->text : "",
	    ev->text != NULL && !reason ? ev->len : 0);
	if ((ev->type == EV_MSG || ev->type == EV_PRIV) && ev->kind != SAY_MSG)
		put_str(&w, "kind", kind_names[ev->kind], strlen(kind_names[ev->kind]));
	if (ev->via != NULL)
		put_str(&w, "via", ev->via, strlen(ev->via));
	if (ev->group != 0)
		put_int(&w, "group", ev->group);
	if (reason)
		put_str(&w, "reason", ev->text, ev->len);
	put(&w, "}", 2);
	if (w.bad) {
		free(w.p);
		return NULL;
	}
	*len = w.n - 1;
	return w.p;
}

bool bus_codec_is_from(const char *buf, size_t len, const char *server)
{
	static const char head[] = "{\"v\":1,\"server\":\"";
	size_t h = sizeof(head) - 1, n = strlen(server);

	return len > h + n && memcmp(buf, head, h) == 0 && memcmp(buf + h, server, n) == 0 &&
	    buf[h + n] == '"';
}

/* --- decoding ------------------------------------------------------------------------ */

static const char *get_str(const json_t *o, const char *key, size_t *n)
{
	const json_t *v = json_object_get(o, key);

	if (v == NULL) {
		*n = 0;
		return "";
	}
	if (!json_is_string(v))
		return NULL;
	*n = json_string_length(v);
	return json_string_value(v);
}

static const char *get_int(const json_t *o, const char *key, json_int_t lo, json_int_t hi,
    json_int_t *out)
{
	const json_t *v = json_object_get(o, key);

	if (!json_is_integer(v))
		return "not an integer";
	*out = json_integer_value(v);
	return *out < lo || *out > hi ? "out of range" : NULL;
}

/* A name field: exactly what names_check keeps. */
static const char *get_name(const json_t *o, const char *key, char out[NAME_MAX_BYTES + 1])
{
	size_t n;
	const char *s = get_str(o, key, &n);

	if (s == NULL)
		return "not a string";
	if (names_check(s, n, out) != NULL || strlen(out) != n || memcmp(out, s, n) != 0)
		return "not a valid name";
	return NULL;
}

static const char *get_room(const json_t *o, char out[ROOM_NAME_MAX_BYTES + 1])
{
	size_t n;
	const char *s = get_str(o, "room", &n);

	if (s == NULL || n == 0 || s[0] == '#' || room_check_name(s, n, out) != NULL)
		return "room: not a valid room name";
	return NULL;
}

/* "via": the other room of a move_in or move_out; absent otherwise. */
static const char *get_via(const json_t *o, struct bus_msg *m)
{
	size_t n;
	const char *s;

	if (json_object_get(o, "via") == NULL)
		return NULL;
	s = get_str(o, "via", &n);
	if ((m->ev.type != EV_MOVE_IN && m->ev.type != EV_MOVE_OUT) || s == NULL || n == 0 ||
	    room_check_name(s, n, m->via) != NULL || s[0] == '#')
		return "via: not a room name, or not a move";
	return NULL;
}

/* "kind": "action" or "notice" (msg, priv); absent for a plain message. */
static const char *get_kind(const json_t *o, struct bus_msg *m)
{
	size_t n;
	const char *s;

	m->ev.kind = SAY_MSG;
	if (json_object_get(o, "kind") == NULL)
		return NULL;
	s = get_str(o, "kind", &n);
	if (m->ev.type != EV_MSG && m->ev.type != EV_PRIV)
		return "kind: only for msg and priv";
	for (int k = SAY_NOTICE; s != NULL && strlen(s) == n && k <= SAY_ACTION; k++) {
		if (strcmp(s, kind_names[k]) == 0) {
			m->ev.kind = (enum say_kind)k;
			return NULL;
		}
	}
	return "kind: not action or notice";
}

/* "group": the sender's number for the events of one action; absent (0) otherwise. */
static const char *get_group(const json_t *o, struct bus_msg *m)
{
	json_int_t v;

	if (json_object_get(o, "group") == NULL)
		return NULL;
	if (get_int(o, "group", 1, BUS_GROUP_MAX, &v) != NULL)
		return "group: not a positive integer";
	m->ev.group = (unsigned long)v;
	return NULL;
}

/* "reason": why a leave or a part (a move_out without via) was made; absent otherwise.
 * Sanitised again as the chat does it (chat_reason), into the event's text. */
static const char *get_reason(const json_t *o, struct bus_msg *m)
{
	size_t n;
	const char *s;

	if (json_object_get(o, "reason") == NULL)
		return NULL;
	s = get_str(o, "reason", &n);
	if (s == NULL || n > BUS_CODEC_TEXT_MAX || memchr(s, '\0', n) != NULL)
		return "reason: not a string, too long or has a NUL";
	if (m->ev.type != EV_LEAVE && (m->ev.type != EV_MOVE_OUT || m->via[0] != '\0'))
		return "reason: only for leave and part";
	free(m->text);
	m->text = xmalloc(CHAT_REASON_BYTES);
	m->ev.len = chat_reason(s, n, m->text);
	return NULL;
}

static const char *get_text(const json_t *o, struct bus_msg *m)
{
	size_t n, outsz;
	const char *s = get_str(o, "text", &n);

	if (s == NULL)
		return "text: not a string";
	if (n > BUS_CODEC_TEXT_MAX || memchr(s, '\0', n) != NULL)
		return "text: too long or has a NUL";
	outsz = UTF8_CLEAN_MAX(n);
	m->text = xmalloc(outsz);
	m->ev.len = utf8_clean(UTF8_MESSAGE, s, n, m->text, outsz);
	if (m->ev.len > BUS_CODEC_TEXT_MAX)
		return "text: too long";
	return NULL;
}

/* "v" and "server", first in every message (an event or an operator action). */
static const char *get_origin(const json_t *o, char server[TC_REDIS_SERVER_ID_MAX + 1])
{
	json_int_t v;
	size_t n;
	const char *s;

	if (get_int(o, "v", BUS_CODEC_VERSION, BUS_CODEC_VERSION, &v) != NULL)
		return "v: not version 1";
	s = get_str(o, "server", &n);
	if (s == NULL || n > TC_REDIS_SERVER_ID_MAX || strlen(s) != n)
		return "server: not a server id";
	memcpy(server, s, n + 1);
	return bus_server_id_ok(server) ? NULL : "server: not a server id";
}

static const char *get_head(const json_t *o, struct bus_msg *m)
{
	json_int_t v;
	const char *why = get_origin(o, m->server);

	if (why != NULL)
		return why;
	if (get_int(o, "seq", 1, INT64_MAX, &v) != NULL)
		return "seq: not a positive integer";
	m->seq = (uint64_t)v;
	if (get_int(o, "time", TC_BUS_TIME_MIN, (json_int_t)time(NULL) + TC_BUS_TIME_AHEAD,
	    &v) != NULL)
		return "time: not a time from 2000 to a day ahead of this server's clock";
	m->ev.t = (time_t)v;
	return NULL;
}

static const char *get_body(const json_t *o, struct bus_msg *m)
{
	size_t n;
	const char *s = get_str(o, "type", &n), *why;
	int type = s != NULL && strlen(s) == n ? type_from_name(s) : -1;

	if (type < 0)
		return "type: not a room event";
	m->ev.type = (enum event_type)type;
	if ((why = get_room(o, m->room)) != NULL)
		return why;
	if (get_name(o, "name", m->name) != NULL)
		return "name: not a valid name";
	if (type == EV_RENAME || type == EV_PRIV) {
		if (get_name(o, "other", m->other) != NULL)
			return "other: not a valid name";
	} else if (get_str(o, "other", &n) == NULL || n != 0) {
		return "other: only for rename and priv";
	}
	if ((why = get_text(o, m)) != NULL || (why = get_kind(o, m)) != NULL ||
	    (why = get_via(o, m)) != NULL || (why = get_group(o, m)) != NULL)
		return why;
	if (m->ev.len != 0 && type != EV_MSG && type != EV_PRIV && type != EV_TOPIC)
		return "text: only for msg, priv and topic";
	return get_reason(o, m);
}

static void point_event(struct bus_msg *m)
{
	m->ev.room = NULL;
	m->ev.name = m->name;
	m->ev.namelen = strlen(m->name);
	m->ev.other = m->other[0] ? m->other : NULL;
	m->ev.otherlen = strlen(m->other);
	m->ev.text = m->text;
	m->ev.via = m->via[0] ? m->via : NULL;
}

int bus_codec_decode(const char *buf, size_t len, struct bus_msg *out, char *err, size_t errsz)
{
	json_error_t jerr;
	json_t *o;
	const char *why = NULL;

	memset(out, 0, sizeof(*out));
	if (len > BUS_CODEC_WIRE_MAX) {
		snprintf(err, errsz, "event too long (%zu bytes)", len);
		return -1;
	}
	o = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (o == NULL || !json_is_object(o))
		why = o == NULL ? jerr.text : "not a JSON object";
	if (why == NULL && (why = get_head(o, out)) == NULL)
		why = get_body(o, out);
	if (why != NULL)
		snprintf(err, errsz, "%s", why);
	json_decref(o);
	if (why != NULL) {
		bus_msg_clear(out);
		return -1;
	}
	point_event(out);
	return 0;
}

void bus_msg_clear(struct bus_msg *m)
{
	free(m->text);
	memset(m, 0, sizeof(*m));
}

/* --- operator actions ---------------------------------------------------------------- */

static const char *const oper_names[] = {
	[CLUSTER_OPER_KICK] = "kick", [CLUSTER_OPER_MUTE] = "mute", [CLUSTER_OPER_UNMUTE] = "unmute",
	[CLUSTER_OPER_BAN] = "ban", [CLUSTER_OPER_BANADDR] = "banaddr", [CLUSTER_OPER_UNBAN] = "unban",
	[CLUSTER_OPER_PURGE] = "purge", [CLUSTER_OPER_WALL] = "wall",
};
#define OPER_KINDS (sizeof(oper_names) / sizeof(oper_names[0]))

const char *bus_oper_name(enum cluster_oper_kind kind)
{
	return (size_t)kind < OPER_KINDS ? oper_names[kind] : "?";
}

char *bus_oper_encode(const struct cluster_oper *op, size_t *len)
{
	json_t *o = json_object();
	char *s = NULL;
	int bad;

	bad = json_object_set_new(o, "v", json_integer(BUS_CODEC_VERSION));
	bad |= set_str(o, "server", op->server, strlen(op->server));
	bad |= set_str(o, "type", bus_oper_name(op->kind), strlen(bus_oper_name(op->kind)));
	bad |= set_str(o, "by", op->by, strlen(op->by));
	bad |= set_str(o, "target", op->target, strlen(op->target));
	bad |= set_str(o, "addr", op->addr, strlen(op->addr));
	bad |= json_object_set_new(o, "secs", json_integer((json_int_t)op->secs));
	bad |= set_str(o, "text", op->text, strlen(op->text));
	if (op->room[0] != '\0')
		bad |= set_str(o, "room", op->room, strlen(op->room));
	if (!bad && (size_t)op->kind < OPER_KINDS)
		s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (s != NULL)
		*len = strlen(s);
	return s;
}

static const char *oper_head(const json_t *o, struct cluster_oper *op)
{
	size_t n;
	const char *s, *why = get_origin(o, op->server);

	if (why != NULL)
		return why;
	s = get_str(o, "type", &n);
	for (op->kind = 0; s != NULL && (size_t)op->kind < OPER_KINDS; op->kind++)
		if (strcmp(oper_names[op->kind], s) == 0 && strlen(s) == n)
			return NULL;
	return "type: not an operator action";
}

/* An address as addrkey writes it: hex digits, '.', ':', '/'; at most its size. */
static const char *oper_addr(const json_t *o, struct cluster_oper *op)
{
	size_t n;
	const char *s = get_str(o, "addr", &n);

	if (s == NULL || n >= sizeof(op->addr) || strlen(s) != n ||
	    strspn(s, "0123456789abcdefABCDEF.:/") != n)
		return "addr: not an address";
	memcpy(op->addr, s, n + 1);
	return NULL;
}

static const char *oper_text(const json_t *o, struct cluster_oper *op)
{
	size_t n, cl;
	const char *s = get_str(o, "text", &n);
	char *clean;

	if (s == NULL || n > CLUSTER_OPER_TEXT_MAX || memchr(s, '\0', n) != NULL)
		return "text: not a string, too long or has a NUL";
	clean = xmalloc(UTF8_CLEAN_MAX(n));
	cl = utf8_clean(UTF8_MESSAGE, s, n, clean, UTF8_CLEAN_MAX(n));
	cl = utf8_cut(clean, cl, CLUSTER_OPER_TEXT_MAX);
	memcpy(op->text, clean, cl);
	op->text[cl] = '\0';
	free(clean);
	return NULL;
}

/* A name field that may be "" (absent). */
static const char *get_opt_name(const json_t *o, const char *key, char out[NAME_MAX_BYTES + 1])
{
	size_t n;
	const char *s = get_str(o, key, &n);

	out[0] = '\0';
	if (s == NULL)
		return "not a string";
	return n == 0 ? NULL : get_name(o, key, out);
}

/* "room": the room a kick is from; absent ("") otherwise. */
static const char *oper_room(const json_t *o, struct cluster_oper *op)
{
	if (json_object_get(o, "room") == NULL)
		return NULL;
	if (op->kind != CLUSTER_OPER_KICK || get_room(o, op->room) != NULL)
		return "room: not a room name, or not a kick";
	return NULL;
}

/* What each kind needs: a target, an address. */
static const char *oper_fields(const json_t *o, struct cluster_oper *op)
{
	bool want_target = op->kind != CLUSTER_OPER_BANADDR && op->kind != CLUSTER_OPER_UNBAN &&
	    op->kind != CLUSTER_OPER_WALL;
	bool want_addr = op->kind == CLUSTER_OPER_BANADDR || op->kind == CLUSTER_OPER_UNBAN;
	json_int_t v;
	const char *why;

	if (get_name(o, "by", op->by) != NULL || op->by[0] == '\0')
		return "by: not a valid name";
	if (get_opt_name(o, "target", op->target) != NULL || want_target != (op->target[0] != '\0'))
		return "target: not a valid name, or not for this action";
	if (oper_addr(o, op) != NULL || want_addr != (op->addr[0] != '\0'))
		return "addr: not an address, or not for this action";
	if ((why = oper_room(o, op)) != NULL)
		return why;
	if (get_int(o, "secs", 0, BUS_TIME_MAX, &v) != NULL)
		return "secs: not a duration";
	op->secs = (int64_t)v;
	return oper_text(o, op);
}

int bus_oper_decode(const char *buf, size_t len, struct cluster_oper *out, char *err,
    size_t errsz)
{
	json_error_t jerr;
	json_t *o;
	const char *why = NULL;

	memset(out, 0, sizeof(*out));
	if (len > 4 * CLUSTER_OPER_TEXT_MAX + 4096) {
		snprintf(err, errsz, "action too long (%zu bytes)", len);
		return -1;
	}
	o = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (o == NULL || !json_is_object(o))
		why = o == NULL ? jerr.text : "not a JSON object";
	if (why == NULL && (why = oper_head(o, out)) == NULL)
		why = oper_fields(o, out);
	json_decref(o);
	if (why != NULL) {
		snprintf(err, errsz, "%s", why);
		memset(out, 0, sizeof(*out));
		return -1;
	}
	return 0;
}
