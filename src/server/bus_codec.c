/* bus_codec.c: a chat event to and from its JSON on Redis. See bus_codec.h. */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "bus_codec.h"
#include "tstamp.h"
#include "utf8.h"
#include "util.h"

/* A \uXXXX escape is 6 bytes for at most 3 of text: twice the text, plus the rest. */
#define BUS_CODEC_WIRE_MAX (2 * BUS_CODEC_TEXT_MAX + 4096)
#define BUS_TIME_MAX ((json_int_t)1 << 40)   /* seconds: far beyond any real clock */

static const char *const type_names[] = {
	[EV_MSG] = "msg", [EV_JOIN] = "join", [EV_LEAVE] = "leave",
	[EV_MOVE_IN] = "move_in", [EV_MOVE_OUT] = "move_out",
	[EV_RENAME] = "rename", [EV_PRIV] = "priv", [EV_TOPIC] = "topic",
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
	size_t p = strlen(prefix), n = strlen(room);

	p = p < BUS_CHANNEL_MAX - 1 ? p : BUS_CHANNEL_MAX - 1;
	n = n < BUS_CHANNEL_MAX - 1 - p ? n : BUS_CHANNEL_MAX - 1 - p;
	memcpy(out, prefix, p);
	for (size_t i = 0; i < n; i++)
		out[p + i] = (char)tolower((unsigned char)room[i]);
	out[p + n] = '\0';
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
	put_str(&w, "text", ev->text != NULL ? ev->text : "", ev->text != NULL ? ev->len : 0);
	if (ev->via != NULL)
		put_str(&w, "via", ev->via, strlen(ev->via));
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

/* The fields of an event, whoever parsed them (jansson, or decode_flat below). */
enum field_kind { F_ABSENT, F_STR, F_INT, F_OTHER };

struct field {
	enum field_kind kind;
	const char *s;           /* F_STR: NUL-terminated, n bytes */
	size_t n;
	json_int_t i;            /* F_INT */
};

enum { K_V, K_SERVER, K_SEQ, K_TYPE, K_TIME, K_ROOM, K_NAME, K_OTHER, K_TEXT, K_VIA,
	K_UTC, K_N };

static const char *const field_keys[K_N] = {
	"v", "server", "seq", "type", "time", "room", "name", "other", "text", "via", "utc",
};

struct fields {
	struct field f[K_N];
};

static const struct field *field_of(const struct fields *o, const char *key)
{
	int k = 0;

	while (k < K_N - 1 && strcmp(field_keys[k], key) != 0)
		k++;
	return &o->f[k];
}

/* The fast path: one object of strings (no \u escapes) and small non-negative
 * integers, keys among field_keys, each once. Anything else is left to jansson, which
 * decides and explains; so this one only has to accept what jansson would, alike. */
struct flat {
	const char *p, *end;
	char *out;               /* where the next string's bytes go (NUL-terminated) */
};

static void flat_ws(struct flat *fl)
{
	while (fl->p < fl->end && (*fl->p == ' ' || *fl->p == '\t' || *fl->p == '\n' ||
	    *fl->p == '\r'))
		fl->p++;
}

static bool flat_char(struct flat *fl, char c)
{
	flat_ws(fl);
	if (fl->p == fl->end || *fl->p != c)
		return false;
	fl->p++;
	return true;
}

static int flat_escape(struct flat *fl, char *o)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *e;

	if (fl->p == fl->end || *fl->p == '\0' || (e = strchr(from, *fl->p)) == NULL)
		return -1;        /* \u, or not an escape */
	*o = to[e - from];
	fl->p++;
	return 0;
}

/* A string (the opening quote read) into fl->out. */
static int flat_string(struct flat *fl, struct field *f)
{
	char *o = fl->out;
	unsigned cp;

	f->kind = F_STR;
	f->s = o;
	while (fl->p < fl->end && *fl->p != '"') {
		unsigned char c = (unsigned char)*fl->p;
		size_t k = 1;

		if (c < 0x20)
			return -1;
		if (c == '\\') {
			fl->p++;
			if (flat_escape(fl, o++) != 0)
				return -1;
			continue;
		}
		if (c >= 0x80 && (k = utf8_seq((const unsigned char *)fl->p,
		    (size_t)(fl->end - fl->p), &cp)) == 0)
			return -1;
		memcpy(o, fl->p, k);
		o += k;
		fl->p += k;
	}
	if (fl->p == fl->end)
		return -1;
	fl->p++;
	*o++ = '\0';
	f->n = (size_t)(o - fl->out - 1);
	fl->out = o;
	return 0;
}

static int flat_int(struct flat *fl, struct field *f)
{
	const char *start = fl->p;
	json_int_t v = 0;

	while (fl->p < fl->end && *fl->p >= '0' && *fl->p <= '9' && fl->p - start < 18)
		v = v * 10 + (*fl->p++ - '0');
	if (fl->p == start || (*start == '0' && fl->p - start > 1))
		return -1;
	if (fl->p < fl->end && strchr("0123456789.eE", *fl->p) != NULL && *fl->p != '\0')
		return -1;        /* longer, or a real: jansson's */
	*f = (struct field){ .kind = F_INT, .i = v };
	return 0;
}

static int flat_member(struct flat *fl, struct fields *fs, unsigned *seen)
{
	struct field key, val;
	char *keep = fl->out;
	int k = 0;

	if (!flat_char(fl, '"') || flat_string(fl, &key) != 0 || !flat_char(fl, ':'))
		return -1;
	while (k < K_N && strcmp(field_keys[k], key.s) != 0)
		k++;
	fl->out = keep;           /* the key's bytes are not needed any more */
	if (k == K_N || strlen(key.s) != key.n || (*seen & (1u << k)) != 0)
		return -1;        /* unknown or twice */
	*seen |= 1u << k;
	flat_ws(fl);
	if (fl->p < fl->end && *fl->p == '"') {
		fl->p++;
		if (flat_string(fl, &val) != 0)
			return -1;
	} else if (flat_int(fl, &val) != 0) {
		return -1;
	}
	fs->f[k] = val;
	return 0;
}

static int flat_object(struct flat *fl, struct fields *fs)
{
	unsigned seen = 0;

	*fs = (struct fields){ 0 };   /* F_ABSENT */
	if (!flat_char(fl, '{'))
		return -1;
	do {
		if (flat_member(fl, fs, &seen) != 0)
			return -1;
	} while (flat_char(fl, ','));
	if (!flat_char(fl, '}'))
		return -1;
	flat_ws(fl);
	return fl->p == fl->end ? 0 : -1;
}

static const char *get_str(const struct fields *o, const char *key, size_t *n)
{
	const struct field *v = field_of(o, key);

	if (v->kind == F_ABSENT) {
		*n = 0;
		return "";
	}
	if (v->kind != F_STR)
		return NULL;
	*n = v->n;
	return v->s;
}

static const char *get_int(const struct fields *o, const char *key, json_int_t lo, json_int_t hi,
    json_int_t *out)
{
	const struct field *v = field_of(o, key);

	if (v->kind != F_INT)
		return "not an integer";
	*out = v->i;
	return *out < lo || *out > hi ? "out of range" : NULL;
}

/* A name field: exactly what names_check keeps. */
static const char *get_name(const struct fields *o, const char *key, char out[NAME_MAX_BYTES + 1])
{
	size_t n;
	const char *s = get_str(o, key, &n);

	if (s == NULL)
		return "not a string";
	if (names_check(s, n, out) != NULL || strlen(out) != n || memcmp(out, s, n) != 0)
		return "not a valid name";
	return NULL;
}

static const char *get_room(const struct fields *o, char out[ROOM_NAME_MAX_BYTES + 1])
{
	size_t n;
	const char *s = get_str(o, "room", &n);

	if (s == NULL || n == 0 || s[0] == '#' || room_check_name(s, n, out) != NULL)
		return "room: not a valid room name";
	return NULL;
}

/* "via": the other room of a move_in or move_out; absent otherwise. */
static const char *get_via(const struct fields *o, struct bus_msg *m)
{
	size_t n;
	const char *s;

	if (field_of(o, "via")->kind == F_ABSENT)
		return NULL;
	s = get_str(o, "via", &n);
	if ((m->ev.type != EV_MOVE_IN && m->ev.type != EV_MOVE_OUT) || s == NULL || n == 0 ||
	    room_check_name(s, n, m->via) != NULL || s[0] == '#')
		return "via: not a room name, or not a move";
	return NULL;
}

static const char *get_text(const struct fields *o, struct bus_msg *m)
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

static const char *get_head(const struct fields *o, struct bus_msg *m)
{
	json_int_t v;
	size_t n;
	const char *s;

	if (get_int(o, "v", BUS_CODEC_VERSION, BUS_CODEC_VERSION, &v) != NULL)
		return "v: not version 1";
	s = get_str(o, "server", &n);
	if (s == NULL || n > TC_REDIS_SERVER_ID_MAX || strlen(s) != n)
		return "server: not a server id";
	memcpy(m->server, s, n + 1);
	if (!bus_server_id_ok(m->server))
		return "server: not a server id";
	if (get_int(o, "seq", 1, INT64_MAX, &v) != NULL)
		return "seq: not a positive integer";
	m->seq = (uint64_t)v;
	if (get_int(o, "time", 0, BUS_TIME_MAX, &v) != NULL)
		return "time: not a time";
	m->ev.t = (time_t)v;
	return NULL;
}

static const char *get_body(const struct fields *o, struct bus_msg *m)
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
	if ((why = get_text(o, m)) != NULL || (why = get_via(o, m)) != NULL)
		return why;
	if (m->ev.len != 0 && type != EV_MSG && type != EV_PRIV && type != EV_TOPIC)
		return "text: only for msg, priv and topic";
	return NULL;
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

/* The fields checked, as jansson found them. */
static void fields_of_json(const json_t *o, struct fields *f)
{
	for (int k = 0; k < K_N; k++) {
		const json_t *v = json_object_get(o, field_keys[k]);
		struct field *d = &f->f[k];

		if (v == NULL)
			*d = (struct field){ .kind = F_ABSENT };
		else if (json_is_string(v))
			*d = (struct field){ .kind = F_STR, .s = json_string_value(v),
			    .n = json_string_length(v) };
		else if (json_is_integer(v))
			*d = (struct field){ .kind = F_INT, .i = json_integer_value(v) };
		else
			*d = (struct field){ .kind = F_OTHER };
	}
}

static const char *check(const struct fields *f, struct bus_msg *m)
{
	const char *why = get_head(f, m);

	return why != NULL ? why : get_body(f, m);
}

/* Through jansson: every JSON, and the reason when it is refused. */
static int decode_json(const char *buf, size_t len, struct bus_msg *out, char *err,
    size_t errsz)
{
	json_error_t jerr;
	json_t *o;
	struct fields f;
	const char *why = NULL;

	o = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (o == NULL || !json_is_object(o))
		why = o == NULL ? jerr.text : "not a JSON object";
	if (why == NULL) {
		fields_of_json(o, &f);
		why = check(&f, out);
	}
	if (why != NULL)
		snprintf(err, errsz, "%s", why);
	json_decref(o);
	return why != NULL ? -1 : 0;
}

/* The flat objects servers write, without jansson; 0, or -1 for anything else (then
 * jansson decides). */
static int decode_flat(const char *buf, size_t len, struct bus_msg *out)
{
	char stack[2048], *scratch = len < sizeof(stack) ? stack : xmalloc(len + 1);
	struct flat fl = { .p = buf, .end = buf + len, .out = scratch };
	struct fields f;
	int rc = flat_object(&fl, &f) == 0 && check(&f, out) == NULL ? 0 : -1;

	if (scratch != stack)
		free(scratch);
	return rc;
}

int bus_codec_decode(const char *buf, size_t len, struct bus_msg *out, char *err, size_t errsz)
{
	memset(out, 0, sizeof(*out));
	if (len > BUS_CODEC_WIRE_MAX) {
		snprintf(err, errsz, "event too long (%zu bytes)", len);
		return -1;
	}
	if (decode_flat(buf, len, out) != 0) {
		bus_msg_clear(out);
		if (decode_json(buf, len, out, err, errsz) != 0) {
			bus_msg_clear(out);
			return -1;
		}
	}
	point_event(out);
	return 0;
}

void bus_msg_clear(struct bus_msg *m)
{
	free(m->text);
	memset(m, 0, sizeof(*m));
}
