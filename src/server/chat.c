/* chat.c: the chat's rules (see chat.h). Every line an nc user sees is built here or
 * in conn.c; every record a client sees is described in doc/PROTOCOL.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat.h"
#include "cmd.h"
#include "log.h"
#include "tclimits.h"
#include "tstamp.h"
#include "util.h"

static const char banner[] =
	"Welcome to TCP-Chat!\n"
	"         _nnnn_\n"
	"        dGGGGMMb\n"
	"       @p~qp~~qMb\n"
	"       M|@||@) M|\n"
	"       @,----.JM|\n"
	"      JS^\\__/  qKL\n"
	"     dZP        qKRb\n"
	"    dZP          qKKb\n"
	"   fZP            SMMb\n"
	"   HZM            MMMM\n"
	"   FqM            MMMM\n"
	" __| \".        |\\dS\"qML\n"
	" |    `.       | `' \\Zq\n"
	"_)      \\.___.,|     .'\n"
	"\\____   )MMMMMP|   .'\n"
	"     `-'       `--'\n";

#define HELLO "/TCPCHAT "
#define PROTO_VERSION 1

void chat_init(struct chat *ch, size_t max_line, int rate_limit, size_t history)
{
	memset(ch, 0, sizeof(*ch));
	rooms_init(&ch->rooms, history);
	rooms_get(&ch->rooms, TC_DEFAULT_ROOM);
	ch->names = names_new();
	ch->log.fd = -1;
	ch->max_line = max_line;
	ch->rate_limit = rate_limit;
	ch->text = xmalloc(3 * max_line + 4);
}

void chat_free(struct chat *ch)
{
	rooms_free(&ch->rooms);
	names_free(ch->names);
	chatlog_close(&ch->log);
	buf_free(&ch->nc);
	buf_free(&ch->proto);
	free(ch->text);
}

/* --- rendering -------------------------------------------------------------------- */

/* Start both renderings of a line. */
static void render_start(struct chat *ch, const char *type)
{
	buf_clear(&ch->nc);
	buf_clear(&ch->proto);
	buf_append_str(&ch->proto, type);
}

/* Append a TAB and a field to the record. */
static void field(struct chat *ch, const char *s, size_t n)
{
	buf_putc(&ch->proto, '\t');
	buf_append(&ch->proto, s, n);
}

static struct conn_line rendered(const struct chat *ch)
{
	return (struct conn_line){
		.nc = buf_data(&ch->nc), .nclen = buf_len(&ch->nc),
		.proto = buf_data(&ch->proto), .protolen = buf_len(&ch->proto),
	};
}

/* "[ts][who]:text" and TYPE ts who text. */
static void render_msg(struct chat *ch, const char *type, const char *ts,
    const char *who, const char *text, size_t len)
{
	render_start(ch, type);
	buf_putc(&ch->nc, '[');
	buf_append(&ch->nc, ts, TSTAMP_LEN);
	buf_append(&ch->nc, "][", 2);
	buf_append_str(&ch->nc, who);
	buf_append(&ch->nc, "]:", 2);
	buf_append(&ch->nc, text, len);
	field(ch, ts, TSTAMP_LEN);
	field(ch, who, strlen(who));
	field(ch, text, len);
}

/* Send the rendered line to everyone in r but except, each with a fresh prompt. */
static void broadcast(struct chat *ch, struct room *r, struct conn *except, time_t now)
{
	struct conn_line l = rendered(ch);
	struct conn *m;

	ROOM_FOREACH(r, m, it) {
		__builtin_prefetch(it->next);
		if (m != except)
			conn_deliver(m, &l, now);
	}
}

/* A notice such as "NAME has joined our chat..." with its record TYPE ts NAME. */
static void notice(struct chat *ch, struct room *r, struct conn *except, const char *type,
    const char *name, const char *nc_tail, time_t now)
{
	char ts[TSTAMP_LEN + 1];

	/* In a crowd, joins and leaves would drown the conversation (and a join storm
	 * would cost members x joins deliveries): big rooms stay quiet. */
	if (ch->announce_max > 0 && r->nmembers > ch->announce_max)
		return;
	tstamp_format(now, ts);
	render_start(ch, type);
	field(ch, ts, TSTAMP_LEN);
	field(ch, name, strlen(name));
	buf_append_str(&ch->nc, name);
	buf_append_str(&ch->nc, nc_tail);
	broadcast(ch, r, except, now);
}

/* --- rooms ------------------------------------------------------------------------- */

/* Send the record being rendered to c alone. */
static void send_record(struct chat *ch, struct conn *c)
{
	buf_putc(&ch->proto, '\n');
	conn_put_raw(c, buf_data(&ch->proto), buf_len(&ch->proto));
}

void chat_members(struct chat *ch, struct conn *c)
{
	struct conn *m;
	char line[128];

	if (c->proto) {
		render_start(ch, "MEMBERS");
		ROOM_FOREACH(c->room, m, it)
			field(ch, m->name, m->namelen);
		send_record(ch, c);
		return;
	}
	snprintf(line, sizeof(line), "%zu in %s:", c->room->nmembers, c->room->name);
	conn_info(c, line);
	ROOM_FOREACH(c->room, m, it) {
		buf_clear(&ch->nc);
		buf_append(&ch->nc, "  ", 2);
		buf_append_str(&ch->nc, m->name);
		if (m == c)
			buf_append_str(&ch->nc, " (you)");
		buf_putc(&ch->nc, '\0');
		conn_info(c, buf_data(&ch->nc));
	}
}

/* Put c in room r: notice to the others, then c's welcome and the room's history. */
static void enter_room(struct chat *ch, struct conn *c, struct room *r, const char *first,
    time_t now)
{
	char ts[TSTAMP_LEN + 1];

	notice(ch, r, NULL, "JOIN", c->name, " has joined our chat...", now);
	chatlog_add(&ch->log, now, r->name, "JOIN", c->name, "", 0);
	room_add(&ch->rooms, r, c);
	if (c->proto) {
		render_start(ch, first);
		if (strcmp(first, "WELCOME") == 0)
			field(ch, c->name, c->namelen);
		field(ch, r->name, strlen(r->name));
		send_record(ch, c);
		chat_members(ch, c);
	} else if (strcmp(first, "ROOM") == 0) {
		char line[96];

		snprintf(line, sizeof(line), "You are now in room %s (%zu here).", r->name,
		    r->nmembers);
		conn_info(c, line);
	}
	for (size_t i = 0; i < r->hist.count; i++) {
		const struct hentry *e = backlog_get(&r->hist, i);
		struct conn_line l;

		tstamp_format(e->t, ts);
		render_msg(ch, "HIST", ts, hentry_name(e), hentry_text(e), e->textlen);
		l = rendered(ch);
		conn_put(c, &l);
	}
	conn_prompt(c, now);
}

static void leave_room(struct chat *ch, struct conn *c, time_t now)
{
	struct room *r = c->room;

	if (r == NULL)
		return;
	room_remove(r, c);
	chatlog_add(&ch->log, now, r->name, "LEAVE", c->name, "", 0);
	notice(ch, r, c, "LEAVE", c->name, " has left our chat...", now);
	rooms_tidy(&ch->rooms, r);
}

void chat_join(struct chat *ch, struct conn *c, const char *raw, size_t len)
{
	char name[ROOM_NAME_MAX_BYTES + 1];
	const char *why = room_check_name(raw, len, name);
	struct room *r;
	time_t now = time(NULL);

	if (why != NULL) {
		conn_error(c, why);
		return;
	}
	if (c->room != NULL && names_equal(c->room->name, name)) {
		conn_error(c, "You are already in that room.");
		return;
	}
	r = rooms_get(&ch->rooms, name);
	if (r == NULL) {
		conn_error(c, "Too many rooms exist; try again later.");
		return;
	}
	log_msg(LOG_INFO, "room %s: %s -> %s", c->peer, c->room ? c->room->name : "-", r->name);
	leave_room(ch, c, now);
	enter_room(ch, c, r, "ROOM", now);
}

/* --- naming ------------------------------------------------------------------------ */

void chat_greet(struct chat *ch, struct conn *c, int64_t now_ms)
{
	c->tokens = ch->rate_limit * TC_RATE_BURST_SECONDS;
	c->tokens_at = now_ms;
	conn_put_raw(c, banner, sizeof(banner) - 1);
	conn_prompt(c, time(NULL));
}

static void refuse_name(struct conn *c, const char *why)
{
	char rec[256];

	if (++c->name_tries >= TC_MAX_NAME_TRIES) {
		chat_bye(c, "Too many attempts, goodbye.", "too many name attempts");
		return;
	}
	if (c->proto) {
		snprintf(rec, sizeof(rec), "NAME?\t%s\n", why);
		conn_put_raw(c, rec, strlen(rec));
		return;
	}
	c->prompt_shown = false;
	conn_info(c, why);
	conn_prompt(c, time(NULL));
}

static void take_name(struct chat *ch, struct conn *c, const char *raw, size_t len)
{
	char name[NAME_MAX_BYTES + 1], why[160], esc[LOG_ESCAPE_MAX];
	const char *reason;

	if (len >= sizeof(HELLO) - 1 && memcmp(raw, HELLO, sizeof(HELLO) - 1) == 0 && !c->proto) {
		/* The client dialect's hello (doc/PROTOCOL.md); any version >= 1 gets 1. */
		char ans[32];

		c->proto = true;
		snprintf(ans, sizeof(ans), "%s+TCPCHAT\t%d\n", c->prompt_shown ? "\n" : "",
		    PROTO_VERSION);
		c->prompt_shown = false;
		conn_put_raw(c, ans, strlen(ans));
		return;
	}
	reason = names_check(raw, len, name);
	if (reason == NULL && names_find(ch->names, name, strlen(name)) != NULL) {
		snprintf(why, sizeof(why), "Name \"%s\" is already taken.", name);
		reason = why;
	}
	if (reason != NULL) {
		log_msg(LOG_DEBUG, "name refused %s: \"%s\": %s", c->peer,
		    log_escape(raw, len, esc, sizeof(esc)), reason);
		refuse_name(c, reason);
		return;
	}
	conn_set_name(c, name);
	names_add(ch->names, c->name, c);
	c->state = CONN_CHATTING;
	c->prompt_shown = false;
	log_msg(LOG_INFO, "name %s: \"%s\"", c->peer, log_escape(c->name, c->namelen,
	    esc, sizeof(esc)));
	enter_room(ch, c, rooms_get(&ch->rooms, TC_DEFAULT_ROOM), "WELCOME", time(NULL));
}

void chat_rename(struct chat *ch, struct conn *c, const char *raw, size_t len)
{
	char name[NAME_MAX_BYTES + 1], old[NAME_MAX_BYTES + 1], esc[2][LOG_ESCAPE_MAX];
	const char *why = names_check(raw, len, name);
	struct conn *holder;
	time_t now = time(NULL);

	if (why != NULL) {
		conn_error(c, why);
		return;
	}
	holder = names_find(ch->names, name, strlen(name));
	if (holder != NULL && holder != c) {
		char msg[160];

		snprintf(msg, sizeof(msg), "Name \"%s\" is already taken.", name);
		conn_error(c, msg);
		return;
	}
	if (strcmp(name, c->name) == 0) {
		conn_error(c, "That is already your name.");
		return;
	}
	memcpy(old, c->name, sizeof(old));
	names_del(ch->names, c->name);
	conn_set_name(c, name);
	names_add(ch->names, c->name, c);
	log_msg(LOG_INFO, "rename %s: \"%s\" -> \"%s\"", c->peer,
	    log_escape(old, strlen(old), esc[0], sizeof(esc[0])),
	    log_escape(name, strlen(name), esc[1], sizeof(esc[1])));
	chatlog_add(&ch->log, now, c->room->name, "RENAME", old, c->name, c->namelen);

	char ts[TSTAMP_LEN + 1];

	tstamp_format(now, ts);
	render_start(ch, "RENAME");
	field(ch, ts, TSTAMP_LEN);
	field(ch, old, strlen(old));
	field(ch, c->name, c->namelen);
	buf_append_str(&ch->nc, old);
	buf_append_str(&ch->nc, " is now known as ");
	buf_append_str(&ch->nc, c->name);
	broadcast(ch, c->room, c, now);
	struct conn_line l = rendered(ch);
	conn_put(c, &l);
}

/* --- messages ---------------------------------------------------------------------- */

void chat_say(struct chat *ch, struct conn *c, const char *text, size_t len)
{
	time_t now = time(NULL);
	char ts[TSTAMP_LEN + 1];
	struct room *r = c->room;

	tstamp_format(now, ts);
	backlog_add(&r->hist, now, c->name, c->namelen, text, len);
	chatlog_add(&ch->log, now, r->name, "MSG", c->name, text, len);
	render_msg(ch, "MSG", ts, c->name, text, len);
	broadcast(ch, r, c, now);
	if (c->proto) {
		struct conn_line l = rendered(ch);

		conn_put(c, &l);    /* the client shows its own message once, as sent */
	}
}

/* "[ts][from][private]:text" for the receiver, "[ts][to NAME][private]:text" for
 * the sender; both get the same PRIV record. */
static struct conn_line render_private(struct chat *ch, const char *ts, const char *who,
    bool to, const char *text, size_t len)
{
	buf_clear(&ch->nc);
	buf_putc(&ch->nc, '[');
	buf_append(&ch->nc, ts, TSTAMP_LEN);
	buf_append_str(&ch->nc, to ? "][to " : "][");
	buf_append_str(&ch->nc, who);
	buf_append_str(&ch->nc, "][private]:");
	buf_append(&ch->nc, text, len);
	return rendered(ch);
}

void chat_private(struct chat *ch, struct conn *c, struct conn *to, const char *text,
    size_t len)
{
	time_t now = time(NULL);
	char ts[TSTAMP_LEN + 1];
	struct conn_line l;

	tstamp_format(now, ts);
	render_start(ch, "PRIV");
	field(ch, ts, TSTAMP_LEN);
	field(ch, c->name, c->namelen);
	field(ch, to->name, to->namelen);
	field(ch, text, len);
	if (to != c) {
		l = render_private(ch, ts, c->name, false, text, len);
		conn_deliver(to, &l, now);
	}
	l = render_private(ch, ts, to->name, true, text, len);
	conn_put(c, &l);
}

void chat_bye(struct conn *c, const char *nc_text, const char *reason)
{
	char rec[160];
	struct conn_line l = { .nc = nc_text, .nclen = strlen(nc_text), .proto = rec };

	snprintf(rec, sizeof(rec), "BYE\t%s", nc_text);
	l.protolen = strlen(rec);
	conn_put(c, &l);
	conn_close(c, reason);
}

/* --- input ------------------------------------------------------------------------- */

static int is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ')
			return 0;
	return 1;
}

static void handle_line(struct chat *ch, struct conn *c, const char *raw, size_t len)
{
	size_t n;

	if (c->state == CONN_NAMING) {
		take_name(ch, c, raw, len);
		return;
	}
	c->prompt_shown = false;     /* the user pressed Enter: the cursor is on a new line */
	n = line_sanitize(raw, len, ch->text);
	if (is_blank(ch->text, n)) {
		conn_prompt(c, time(NULL));
		return;
	}
	if (ch->text[0] == '/' && !(n > 1 && ch->text[1] == '/')) {
		cmd_dispatch(ch, c, ch->text + 1, n - 1);
	} else {
		const char *t = ch->text[0] == '/' ? ch->text + 1 : ch->text;

		chat_say(ch, c, t, n - (size_t)(t - ch->text));
	}
	conn_prompt(c, time(NULL));
}

static void refill(const struct chat *ch, struct conn *c, int64_t now_ms)
{
	double burst = (double)ch->rate_limit * TC_RATE_BURST_SECONDS;

	c->tokens += (double)(now_ms - c->tokens_at) * ch->rate_limit / 1000.0;
	if (c->tokens > burst)
		c->tokens = burst;
	c->tokens_at = now_ms;
}

int64_t chat_throttle_ms(const struct chat *ch, const struct conn *c)
{
	if (ch->rate_limit <= 0 || c->tokens >= 1)
		return 0;
	return (int64_t)((1 - c->tokens) * 1000.0 / ch->rate_limit) + 1;
}

/* Handle c's buffered lines; with limited, stop when its tokens run out. */
static bool handle_input(struct chat *ch, struct conn *c, bool limited)
{
	const char *line;
	size_t len, used;
	char msg[96];

	while (!c->closing && buf_len(&c->in) > 0) {
		if (limited && c->tokens < 1 &&
		    memchr(buf_data(&c->in), '\n', buf_len(&c->in)) != NULL)
			return true;
		switch (line_next(&c->reader, &c->in, ch->max_line, &line, &len, &used)) {
		case LINE_OK:
			handle_line(ch, c, line, len);
			c->tokens -= 1;
			break;
		case LINE_TOO_LONG:
			snprintf(msg, sizeof(msg), "Line too long (more than %zu bytes), dropped.",
			    ch->max_line);
			c->prompt_shown = false;
			conn_error(c, msg);
			conn_prompt(c, time(NULL));
			c->tokens -= 1;
			break;
		case LINE_NONE:
			break;
		}
		if (used == 0)
			break;
		buf_consume(&c->in, used);
	}
	return false;
}

bool chat_input(struct chat *ch, struct conn *c, int64_t now_ms)
{
	if (ch->rate_limit > 0)
		refill(ch, c, now_ms);
	return handle_input(ch, c, ch->rate_limit > 0);
}

void chat_input_end(struct chat *ch, struct conn *c)
{
	if (buf_len(&c->in) > 0 && !c->closing) {
		buf_putc(&c->in, '\n');
		handle_input(ch, c, false);
	}
	buf_free(&c->in);
}

/* --- leaving ----------------------------------------------------------------------- */

void chat_leave(struct chat *ch, struct conn *c)
{
	if (c->state != CONN_CHATTING)
		return;
	leave_room(ch, c, time(NULL));
	names_del(ch->names, c->name);
	c->state = CONN_NAMING;
}

/* --- the log ----------------------------------------------------------------------- */

static void replay_one(void *arg, const struct chatlog_rec *rec)
{
	struct chat *ch = arg;
	struct room *r;

	if (strcmp(rec->kind, "MSG") != 0)
		return;
	r = rooms_get(&ch->rooms, rec->room);
	if (r != NULL)
		backlog_add(&r->hist, rec->t, rec->name, strlen(rec->name), rec->text,
		    rec->textlen);
}

int chat_replay_log(struct chat *ch, const char *path, char *errbuf, size_t errsz)
{
	long skipped, n = chatlog_replay(path, 3 * ch->max_line, replay_one, ch, &skipped,
	    errbuf, errsz);

	if (n < 0)
		return -1;
	ch->log_lines = n + skipped;
	log_msg(LOG_INFO, "log %s: %ld records read, %ld skipped", path, n, skipped);
	if (skipped > 0)
		log_msg(LOG_WARN, "log %s: skipped %ld malformed or torn line(s)", path, skipped);
	return 0;
}

/* chatlog_compact()'s source: every room's kept history, oldest first. */
struct snapshot {
	struct room *r;
	size_t i;
};

static bool snapshot_next(void *arg, struct chatlog_rec *rec)
{
	struct snapshot *sn = arg;
	const struct hentry *e;

	while (sn->r != NULL && sn->i == sn->r->hist.count)
		sn->r = sn->r->next, sn->i = 0;
	if (sn->r == NULL)
		return false;
	e = backlog_get(&sn->r->hist, sn->i++);
	*rec = (struct chatlog_rec){ e->t, sn->r->name, "MSG", hentry_name(e), hentry_text(e),
	    e->textlen };
	return true;
}

int chat_log_snapshot(struct chat *ch, char *errbuf, size_t errsz)
{
	struct snapshot sn = { ch->rooms.list, 0 };
	long n = chatlog_compact(&ch->log, snapshot_next, &sn, errbuf, errsz);

	if (n >= 0)
		log_msg(LOG_INFO, "log %s: rewritten with the %ld record(s) kept", ch->log.path, n);
	return n < 0 ? -1 : 0;
}

static long kept_records(const struct chat *ch)
{
	long n = 0;

	for (const struct room *r = ch->rooms.list; r != NULL; r = r->next)
		n += (long)r->hist.count;
	return n;
}

int chat_open_log(struct chat *ch, const char *path, char *errbuf, size_t errsz)
{
	if (chatlog_open(&ch->log, path, errbuf, errsz) != 0)
		return -1;
	if (chatlog_should_compact(ch->log_lines, kept_records(ch)) &&
	    chat_log_snapshot(ch, errbuf, errsz) != 0)
		log_msg(LOG_WARN, "%s", errbuf);
	return 0;
}
