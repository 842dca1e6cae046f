/* irc_session.c: an IRC client's registration and commands (irc_session.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "irc_session.h"
#include "tclimits.h"
#include "utf8.h"
#include "util.h"

const char irc_caps_offered[] = "server-time";

#define NICK_OR_STAR(s) ((s)->registered ? (s)->nick : "*")

void irc_session_init(struct irc_session *s, const struct irc_config *cfg,
    const struct irc_chat *chat, void *ctx, const char *host, time_t now)
{
	*s = (struct irc_session){ .cfg = cfg, .chat = chat, .ctx = ctx, .last_input = now };
	snprintf(s->host, sizeof(s->host), "%s", host);
}

void irc_session_free(struct irc_session *s)
{
	buf_free(&s->out);
}

/* A numeric with the usual text after params (NULL-terminated list of up to two). */
static void reply(struct irc_session *s, int code, const char *p1, const char *p2)
{
	const char *text = irc_numeric_text(code);

	if (code <= 0)
		return;
	if (text == NULL)
		text = "";
	if (p1 == NULL)
		irc_numeric(&s->out, s->cfg->server, code, NICK_OR_STAR(s), text, NULL);
	else if (p2 == NULL)
		irc_numeric(&s->out, s->cfg->server, code, NICK_OR_STAR(s), p1, text, NULL);
	else
		irc_numeric(&s->out, s->cfg->server, code, NICK_OR_STAR(s), p1, p2, text, NULL);
}

void irc_session_error(struct irc_session *s, const char *reason)
{
	irc_put_closing(&s->out, s->cfg->server, s->host, reason);
	s->closed = true;
}

void irc_session_source(const struct irc_session *s, char *out, size_t outsz)
{
	snprintf(out, outsz, "%s!%s@%s", s->nick, s->user, s->host);
}

const char *irc_session_tags(const struct irc_session *s, time_t t, char buf[IRC_TIME_TAG_LEN])
{
	if (!(s->caps & IRC_CAP_SERVER_TIME))
		return NULL;
	irc_time_tag(t, buf);
	return buf;
}

/* --- registration -------------------------------------------------------------- */

static void welcome(struct irc_session *s)
{
	const struct irc_config *c = s->cfg;
	char text[512];

	snprintf(text, sizeof(text), "Welcome to the %s IRC Network %s", c->network, s->nick);
	irc_numeric(&s->out, c->server, 1, s->nick, text, NULL);
	snprintf(text, sizeof(text), "Your host is %s, running version %s", c->server, c->version);
	irc_numeric(&s->out, c->server, 2, s->nick, text, NULL);
	snprintf(text, sizeof(text), "This server was created %s", c->created);
	irc_numeric(&s->out, c->server, 3, s->nick, text, NULL);
	irc_numeric(&s->out, c->server, 4, s->nick, c->server, c->version, "i", "o", NULL);
}

static void isupport(struct irc_session *s)
{
	const char *tok[16], *params[IRC_MAX_PARAMS];
	char scratch[256];
	size_t n = irc_isupport(s->cfg->network, tok, 16, scratch, sizeof(scratch));
	int k = 0;

	params[k++] = s->nick;
	for (size_t i = 0; i < n && k < IRC_MAX_PARAMS - 1; i++)
		params[k++] = tok[i];
	params[k++] = irc_numeric_text(5);
	irc_put(&s->out, NULL, s->cfg->server, "005", k, params);
}

static void motd(struct irc_session *s)
{
	const char *p = s->cfg->motd;
	char line[IRC_LINE_MAX];

	if (p == NULL) {
		reply(s, 422, NULL, NULL);
		return;
	}
	snprintf(line, sizeof(line), "- %s Message of the day - ", s->cfg->server);
	irc_numeric(&s->out, s->cfg->server, 375, s->nick, line, NULL);
	while (*p != '\0') {
		size_t len = strcspn(p, "\n");

		snprintf(line, sizeof(line), "- %.*s", (int)(len < 400 ? len : 400), p);
		irc_numeric(&s->out, s->cfg->server, 372, s->nick, line, NULL);
		p += len + (p[len] == '\n');
	}
	reply(s, 376, NULL, NULL);
}

static void nick_in_use(struct irc_session *s, const char *nick)
{
	reply(s, 433, nick, NULL);
}

static enum irc_status try_register(struct irc_session *s)
{
	int r;

	if (s->registered || s->cap_hold || !s->have_user || s->nick[0] == '\0' ||
	    s->pass_checking)
		return IRC_CONTINUE;
	if (s->cfg->password && !s->pass_ok) {
		r = s->chat->password(s->ctx, s->pass_given ? s->pass : NULL);
		explicit_bzero(s->pass, sizeof(s->pass));
		if (r == IRC_WAIT) {
			s->pass_checking = true;
			return IRC_CONTINUE;
		}
		return irc_session_password_checked(s, r == 0);
	}
	r = s->chat->enter(s->ctx, s->name);
	if (r != IRC_WAIT)
		irc_session_entered(s, r);
	return IRC_CONTINUE;
}

enum irc_status irc_session_password_checked(struct irc_session *s, bool ok)
{
	s->pass_checking = false;
	if (!ok) {
		reply(s, 464, NULL, NULL);
		irc_session_error(s, "Bad password");
		return IRC_CLOSE;
	}
	s->pass_ok = true;
	return try_register(s);
}

void irc_session_entered(struct irc_session *s, int r)
{
	if (r != 0) {
		reply(s, r, s->nick, NULL);
		s->nick[0] = '\0';
		return;
	}
	s->registered = true;
	welcome(s);
	isupport(s);
	motd(s);
}

/* --- the commands -------------------------------------------------------------- */

struct command {
	const char *name;
	int min_params;
	bool before_registration;       /* allowed before it */
	enum irc_status (*fn)(struct irc_session *s, const struct irc_msg *m);
};

static enum irc_status cmd_pass(struct irc_session *s, const struct irc_msg *m)
{
	if (s->registered) {
		reply(s, 462, NULL, NULL);
		return IRC_CONTINUE;
	}
	snprintf(s->pass, sizeof(s->pass), "%s", m->params[0]);
	s->pass_given = true;
	return IRC_CONTINUE;
}

static enum irc_status cmd_nick(struct irc_session *s, const struct irc_msg *m)
{
	char name[NAME_MAX_BYTES + 1];
	const char *nick = m->params[0];
	int r;

	if (nick[0] == '\0') {
		reply(s, 431, NULL, NULL);
		return IRC_CONTINUE;
	}
	if (irc_nick_to_name(nick, name) != NULL) {
		reply(s, 432, nick, NULL);
		return IRC_CONTINUE;
	}
	if (s->registered) {
		if (strcmp(name, s->name) == 0)
			return IRC_CONTINUE;
		r = s->chat->rename(s->ctx, name);
		if (r != 0) {
			reply(s, r, nick, NULL);
			return IRC_CONTINUE;
		}
	} else if (!s->chat->name_free(s->ctx, name)) {
		nick_in_use(s, nick);
		return IRC_CONTINUE;
	}
	memcpy(s->name, name, sizeof(name));
	irc_name_to_nick(name, s->nick);
	return try_register(s);
}

static void keep_user_chars(char *out, size_t outsz, const char *in)
{
	size_t o = 0;

	out[o++] = '~';
	for (; *in != '\0' && o + 1 < outsz; in++)
		if ((*in >= 'a' && *in <= 'z') || (*in >= 'A' && *in <= 'Z') ||
		    (*in >= '0' && *in <= '9') || strchr("-_.", *in) != NULL)
			out[o++] = *in;
	if (o == 1)
		out[o++] = 'u';
	out[o] = '\0';
}

static enum irc_status cmd_user(struct irc_session *s, const struct irc_msg *m)
{
	if (s->registered) {
		reply(s, 462, NULL, NULL);
		return IRC_CONTINUE;
	}
	if (m->params[0][0] == '\0' || m->params[3][0] == '\0') {
		reply(s, 461, "USER", NULL);
		return IRC_CONTINUE;
	}
	keep_user_chars(s->user, sizeof(s->user), m->params[0]);
	utf8_clean(UTF8_MESSAGE, m->params[3], strlen(m->params[3]), s->realname,
	    sizeof(s->realname));
	s->have_user = true;
	return try_register(s);
}

/* CAP ---------------------------------------------------------------------------- */

static bool cap_known(const char *name, size_t len, unsigned *bit)
{
	if (len == strlen("server-time") && memcmp(name, "server-time", len) == 0) {
		*bit = IRC_CAP_SERVER_TIME;
		return true;
	}
	return false;
}

/* Apply "a -b c" when every cap is known; false (nothing changed) otherwise. */
static bool cap_request(struct irc_session *s, const char *list)
{
	unsigned on = 0, off = 0;

	for (const char *p = list; *p != '\0';) {
		size_t len;
		bool minus;
		unsigned bit;

		p += strspn(p, " ");
		if (*p == '\0')
			break;
		minus = *p == '-';
		p += minus;
		len = strcspn(p, " ");
		if (!cap_known(p, len, &bit))
			return false;
		*(minus ? &off : &on) |= bit;
		p += len;
	}
	s->caps = (s->caps | on) & ~off;
	return true;
}

static void cap_line(struct irc_session *s, const char *sub, const char *list)
{
	irc_putl(&s->out, NULL, s->cfg->server, "CAP", s->nick[0] ? s->nick : "*", sub, list,
	    NULL);
}

static enum irc_status cmd_cap(struct irc_session *s, const struct irc_msg *m)
{
	const char *sub = m->params[0];

	if (strcasecmp(sub, "LS") == 0) {
		s->cap_hold = !s->registered;
		cap_line(s, "LS", irc_caps_offered);
	} else if (strcasecmp(sub, "LIST") == 0) {
		cap_line(s, "LIST", (s->caps & IRC_CAP_SERVER_TIME) ? "server-time" : "");
	} else if (strcasecmp(sub, "REQ") == 0) {
		const char *list = m->nparams > 1 ? m->params[1] : "";

		s->cap_hold = !s->registered;
		cap_line(s, cap_request(s, list) ? "ACK" : "NAK", list);
	} else if (strcasecmp(sub, "END") == 0) {
		s->cap_hold = false;
		return try_register(s);
	} else {
		reply(s, 410, sub, NULL);
	}
	return IRC_CONTINUE;
}

/* PING, PONG, QUIT --------------------------------------------------------------- */

static enum irc_status cmd_ping(struct irc_session *s, const struct irc_msg *m)
{
	irc_putl(&s->out, NULL, s->cfg->server, "PONG", s->cfg->server, m->params[0], NULL);
	return IRC_CONTINUE;
}

static enum irc_status cmd_pong(struct irc_session *s, const struct irc_msg *m)
{
	(void)m;
	s->ping_sent = 0;
	return IRC_CONTINUE;
}

static enum irc_status cmd_quit(struct irc_session *s, const struct irc_msg *m)
{
	const char *words = m->nparams > 0 ? m->params[0] : "";
	char reason[IRC_LINE_MAX];      /* the words whole: the chat cuts them */

	snprintf(reason, sizeof(reason), "Quit: %s", words);
	if (s->registered)      /* the others see the words as IRC shows them, or "Quit" */
		s->chat->quit(s->ctx, words[0] != '\0' ? reason : "");
	irc_session_error(s, reason);
	return IRC_CLOSE;
}

/* The chat commands ---------------------------------------------------------------- */

/* Each item of a comma-separated list, NUL-terminated in a copy. */
#define FOREACH_ITEM(list, copy, item, save) \
	for (char *item = (snprintf((copy), sizeof(copy), "%s", (list)), \
	    strtok_r((copy), ",", &(save))); item != NULL; item = strtok_r(NULL, ",", &(save)))

struct names_line {
	struct irc_session *s;
	const char *chan;
	struct buf line;            /* the nicks so far */
};

static void names_flush(struct names_line *nl)
{
	buf_putc(&nl->line, '\0');
	irc_numeric(&nl->s->out, nl->s->cfg->server, 353, nl->s->nick, "=", nl->chan,
	    buf_data(&nl->line), NULL);
	buf_clear(&nl->line);
}

static void names_each(void *arg, const char *name, bool chanop)
{
	struct names_line *nl = arg;
	char nick[IRC_NICK_MAX + 1];
	size_t len = irc_name_to_nick(name, nick);
	/* ":server 353 nick = #chan :" and CRLF */
	size_t fixed = strlen(nl->s->cfg->server) + strlen(nl->s->nick) + strlen(nl->chan) + 16;

	if (buf_len(&nl->line) > 0 && fixed + buf_len(&nl->line) + len + 2 > IRC_LINE_MAX)
		names_flush(nl);
	if (buf_len(&nl->line) > 0)
		buf_putc(&nl->line, ' ');
	if (chanop)
		buf_putc(&nl->line, '@');
	buf_append(&nl->line, nick, len);
}

static void names_of(struct irc_session *s, const char *chan, const char *room)
{
	struct names_line nl = { .s = s, .chan = chan };

	if (s->chat->names(s->ctx, room, names_each, &nl) == 0 && buf_len(&nl.line) > 0)
		names_flush(&nl);
	buf_free(&nl.line);
	reply(s, 366, chan, NULL);
}

static void topic_of(struct irc_session *s, const char *chan, const char *room, bool asked)
{
	char topic[IRC_LINE_MAX], setter[IRC_NICK_MAX + 160], when[24];
	time_t t = 0;
	int r = s->chat->topic_get(s->ctx, room, topic, sizeof(topic), setter, sizeof(setter), &t);

	if (r == 331 && !asked)
		return;
	if (r != 0) {
		reply(s, r, chan, NULL);
		return;
	}
	irc_numeric(&s->out, s->cfg->server, 332, s->nick, chan, topic, NULL);
	snprintf(when, sizeof(when), "%lld", (long long)t);
	irc_numeric(&s->out, s->cfg->server, 333, s->nick, chan, setter, when, NULL);
}

/* The room of channel chan; 403 written when it is not one. */
static bool room_of(struct irc_session *s, const char *chan, char *room)
{
	if (irc_channel_to_room(chan, room) == NULL)
		return true;
	reply(s, 403, chan, NULL);
	return false;
}

/* --- target lists ---------------------------------------------------------------- */

/* The targets of a PRIVMSG, NOTICE, JOIN or PART: the distinct items of its list (the
 * same nick or channel twice is once), in order, at most the command's TARGMAX. The
 * first item past it is refused with 407 (NOTICE: without a word, as every error of a
 * NOTICE), it and the rest dropped. Each target costs the line a line of the rate limit
 * (s->cost). */
_Static_assert(TC_IRC_MSG_TARGETS <= TC_IRC_JOIN_TARGETS, "struct targets holds either list");
struct targets {
	char copy[IRC_LINE_MAX];
	const char *item[TC_IRC_JOIN_TARGETS];
	size_t n;
};

static bool target_listed(const struct targets *t, const char *item)
{
	for (size_t i = 0; i < t->n; i++)
		if (names_equal(t->item[i], item))
			return true;
	return false;
}

static void too_many_targets(struct irc_session *s, const char *command, const char *item,
    size_t max)
{
	char text[64];

	snprintf(text, sizeof(text), "%s (%s takes at most %zu)", irc_numeric_text(407),
	    command, max);
	irc_numeric(&s->out, s->cfg->server, 407, NICK_OR_STAR(s), item, text, NULL);
}

static void targets_of(struct irc_session *s, const struct irc_msg *m, size_t max, bool quiet,
    struct targets *t)
{
	char *save = NULL;

	t->n = 0;
	snprintf(t->copy, sizeof(t->copy), "%s", m->params[0]);
	for (char *item = strtok_r(t->copy, ",", &save); item != NULL;
	    item = strtok_r(NULL, ",", &save)) {
		if (target_listed(t, item))
			continue;
		if (t->n == max) {
			if (!quiet)
				too_many_targets(s, m->command, item, max);
			break;
		}
		t->item[t->n++] = item;
	}
	if (t->n > 1)
		s->cost = (unsigned)t->n;
}

static enum irc_status cmd_join(struct irc_session *s, const struct irc_msg *m)
{
	char room[ROOM_NAME_MAX_BYTES + 1];
	struct targets t;
	int r;

	if (m->params[0][0] == '\0') {
		reply(s, 461, "JOIN", NULL);
		return IRC_CONTINUE;
	}
	targets_of(s, m, TC_IRC_JOIN_TARGETS, false, &t);
	for (size_t i = 0; i < t.n; i++) {
		const char *chan = t.item[i];

		if (!room_of(s, chan, room))
			continue;
		r = s->chat->join(s->ctx, room);
		if (r != 0) {
			reply(s, r, chan, NULL);
			continue;
		}
		topic_of(s, chan, room, false);
		names_of(s, chan, room);
	}
	return IRC_CONTINUE;
}

static enum irc_status cmd_part(struct irc_session *s, const struct irc_msg *m)
{
	char room[ROOM_NAME_MAX_BYTES + 1];
	const char *reason = m->nparams > 1 ? m->params[1] : "";
	struct targets t;
	int r;

	targets_of(s, m, TC_IRC_JOIN_TARGETS, false, &t);
	for (size_t i = 0; i < t.n; i++) {
		if (!room_of(s, t.item[i], room))
			continue;
		r = s->chat->part(s->ctx, room, reason);
		if (r != 0)
			reply(s, r, t.item[i], NULL);
	}
	return IRC_CONTINUE;
}

static void away_notice(struct irc_session *s, const char *nick, const char *name)
{
	char text[IRC_LINE_MAX];

	if (s->chat->away_of(s->ctx, name, text, sizeof(text)) != NULL)
		irc_numeric(&s->out, s->cfg->server, 301, s->nick, nick, text, NULL);
}

/* Our text for the message text, sanitised, and what it is (a CTCP ACTION is an action,
 * in a PRIVMSG or a NOTICE); false for another CTCP, or an action that does nothing. */
static bool our_text(const char *in, bool notice, char **out, size_t *len,
    enum say_kind *kind)
{
	size_t n = strlen(in), rawlen;
	char *raw = xmalloc(n + 4);
	enum irc_text what = irc_from_ctcp(in, n, raw, n + 4, &rawlen);

	*out = NULL;
	if (what != IRC_TEXT_CTCP) {
		*out = xmalloc(UTF8_CLEAN_MAX(rawlen));
		*len = utf8_clean(UTF8_MESSAGE, raw, rawlen, *out, UTF8_CLEAN_MAX(rawlen));
	}
	free(raw);
	*kind = what == IRC_TEXT_ACTION ? SAY_ACTION : notice ? SAY_NOTICE : SAY_MSG;
	if (*out != NULL && what == IRC_TEXT_ACTION && strspn(*out, " ") == *len) {
		free(*out);
		*out = NULL;
	}
	return *out != NULL;
}

static void message_to(struct irc_session *s, bool notice, enum say_kind kind,
    const char *target, const char *text, size_t len)
{
	char room[ROOM_NAME_MAX_BYTES + 1], name[NAME_MAX_BYTES + 1];
	bool chan = target[0] == '#';
	int r;

	if (chan ? irc_channel_to_room(target, room) != NULL :
	    irc_nick_to_name(target, name) != NULL) {
		if (!notice)
			reply(s, chan ? 403 : 401, target, NULL);
		return;
	}
	r = s->chat->message(s->ctx, kind, chan ? room : NULL, chan ? NULL : name, text, len);
	if (r != 0 && !notice)
		reply(s, r, target, NULL);
	else if (r == 0 && !notice && !chan)
		away_notice(s, target, name);
}

static enum irc_status message(struct irc_session *s, const struct irc_msg *m, bool notice)
{
	char *text;
	size_t len;
	enum say_kind kind;
	struct targets t;

	if (m->nparams < 1 || m->params[0][0] == '\0') {
		if (!notice)
			irc_numeric(&s->out, s->cfg->server, 411, s->nick,
			    "No recipient given (PRIVMSG)",
			    NULL);
		return IRC_CONTINUE;
	}
	if (m->nparams < 2 || m->params[1][0] == '\0') {
		if (!notice)
			reply(s, 412, NULL, NULL);
		return IRC_CONTINUE;
	}
	if (!our_text(m->params[1], notice, &text, &len, &kind))
		return IRC_CONTINUE;
	targets_of(s, m, TC_IRC_MSG_TARGETS, notice, &t);
	for (size_t i = 0; i < t.n; i++)
		message_to(s, notice, kind, t.item[i], text, len);
	free(text);
	return IRC_CONTINUE;
}

static enum irc_status cmd_privmsg(struct irc_session *s, const struct irc_msg *m)
{
	return message(s, m, false);
}

static enum irc_status cmd_notice(struct irc_session *s, const struct irc_msg *m)
{
	return message(s, m, true);
}

/* NAMES without a channel: every room, then one 366. */
static void names_room(void *arg, const char *room, size_t members, const char *topic)
{
	struct irc_session *s = arg;
	struct names_line nl = { .s = s };
	char chan[IRC_CHANNEL_MAX + 1];

	(void)members, (void)topic;
	irc_room_to_channel(room, chan);
	nl.chan = chan;
	if (s->chat->names(s->ctx, room, names_each, &nl) == 0 && buf_len(&nl.line) > 0)
		names_flush(&nl);
	buf_free(&nl.line);
}

static enum irc_status cmd_names(struct irc_session *s, const struct irc_msg *m)
{
	char copy[IRC_LINE_MAX], room[ROOM_NAME_MAX_BYTES + 1], *save = NULL;

	if (m->nparams == 0 || m->params[0][0] == '\0') {
		s->chat->list(s->ctx, names_room, s);
		reply(s, 366, "*", NULL);
		return IRC_CONTINUE;
	}
	FOREACH_ITEM(m->params[0], copy, chan, save) {
		if (irc_channel_to_room(chan, room) == NULL)
			names_of(s, chan, room);
		else
			reply(s, 366, chan, NULL);
	}
	return IRC_CONTINUE;
}

static enum irc_status cmd_topic(struct irc_session *s, const struct irc_msg *m)
{
	char room[ROOM_NAME_MAX_BYTES + 1], *text;
	const char *chan = m->params[0];
	size_t n;
	int r;

	if (!room_of(s, chan, room))
		return IRC_CONTINUE;
	if (m->nparams < 2) {
		topic_of(s, chan, room, true);
		return IRC_CONTINUE;
	}
	n = strlen(m->params[1]);
	text = xmalloc(UTF8_CLEAN_MAX(n));
	utf8_clean(UTF8_MESSAGE, m->params[1], n, text, UTF8_CLEAN_MAX(n));
	r = s->chat->topic_set(s->ctx, room, text);
	free(text);
	if (r != 0)
		reply(s, r, chan, NULL);
	return IRC_CONTINUE;
}

static void who_each(void *arg, const struct irc_person *p)
{
	struct irc_session *s = arg;
	char nick[IRC_NICK_MAX + 1], chan[IRC_CHANNEL_MAX + 1], flags[4], real[96];
	size_t f = 0;

	irc_name_to_nick(p->name, nick);
	if (p->room != NULL)
		irc_room_to_channel(p->room, chan);
	else
		snprintf(chan, sizeof(chan), "*");
	flags[f++] = p->away != NULL ? 'G' : 'H';
	if (p->oper)
		flags[f++] = '*';
	if (p->chanop)
		flags[f++] = '@';
	flags[f] = '\0';
	snprintf(real, sizeof(real), "0 %s", p->realname);
	irc_numeric(&s->out, s->cfg->server, 352, s->nick, chan, p->user, p->host,
	    s->cfg->server, nick, flags, real, NULL);
}

static enum irc_status cmd_who(struct irc_session *s, const struct irc_msg *m)
{
	char room[ROOM_NAME_MAX_BYTES + 1], name[NAME_MAX_BYTES + 1];
	const char *mask = m->nparams > 0 && m->params[0][0] != '\0' ? m->params[0] : "*";

	if (mask[0] == '#') {
		if (irc_channel_to_room(mask, room) == NULL)
			s->chat->who(s->ctx, room, NULL, who_each, s);
	} else if (strcmp(mask, "*") == 0 || strcmp(mask, "0") == 0) {
		s->chat->who(s->ctx, NULL, NULL, who_each, s);
	} else if (irc_nick_to_name(mask, name) == NULL) {
		s->chat->who(s->ctx, NULL, name, who_each, s);
	}
	reply(s, 315, mask, NULL);
	return IRC_CONTINUE;
}

static void whois_rooms(struct irc_session *s, const char *nick, char *rooms)
{
	struct buf chans = { 0 };
	char *save = NULL;

	for (char *r = strtok_r(rooms, " ", &save); r != NULL; r = strtok_r(NULL, " ", &save)) {
		if (buf_len(&chans) > 0)
			buf_putc(&chans, ' ');
		buf_putc(&chans, '#');
		buf_append_str(&chans, r);
	}
	buf_putc(&chans, '\0');
	if (buf_len(&chans) > 1)
		irc_numeric(&s->out, s->cfg->server, 319, s->nick, nick, buf_data(&chans), NULL);
	buf_free(&chans);
}

static void whois_lines(struct irc_session *s, const char *nick, const struct irc_person *p,
    char *rooms)
{
	const char *server = s->cfg->server;
	char idle[24], signon[24];

	irc_numeric(&s->out, server, 311, s->nick, nick, p->user, p->host, "*", p->realname, NULL);
	whois_rooms(s, nick, rooms);
	irc_numeric(&s->out, server, 312, s->nick, nick, server, s->cfg->network, NULL);
	if (p->oper)
		reply(s, 313, nick, NULL);
	if (p->away != NULL)
		irc_numeric(&s->out, server, 301, s->nick, nick, p->away, NULL);
	snprintf(idle, sizeof(idle), "%ld", p->idle);
	snprintf(signon, sizeof(signon), "%lld", (long long)p->signon);
	irc_numeric(&s->out, server, 317, s->nick, nick, idle, signon, irc_numeric_text(317), NULL);
}

static enum irc_status cmd_whois(struct irc_session *s, const struct irc_msg *m)
{
	char name[NAME_MAX_BYTES + 1], rooms[IRC_LINE_MAX] = "";
	struct irc_person p = { 0 };
	/* WHOIS [server] nick */
	const char *nick = m->nparams > 1 ? m->params[1] : m->nparams > 0 ? m->params[0] : "";
	int r;

	if (nick[0] == '\0') {
		reply(s, 431, NULL, NULL);
		return IRC_CONTINUE;
	}
	r = irc_nick_to_name(nick, name) != NULL ? 401 :
	    s->chat->whois(s->ctx, name, &p, rooms, sizeof(rooms));
	if (r != 0)
		reply(s, r, nick, NULL);
	else
		whois_lines(s, nick, &p, rooms);
	reply(s, 318, nick, NULL);
	return IRC_CONTINUE;
}

static enum irc_status cmd_away(struct irc_session *s, const struct irc_msg *m)
{
	const char *text = m->nparams > 0 && m->params[0][0] != '\0' ? m->params[0] : NULL;
	char clean[UTF8_CLEAN_MAX(IRC_LINE_MAX)];
	int r;

	if (text != NULL) {
		utf8_clean(UTF8_MESSAGE, text, strlen(text), clean, sizeof(clean));
		text = clean;
	}
	r = s->chat->away(s->ctx, text);
	if (r != 0)
		reply(s, r, NULL, NULL);
	else
		reply(s, text != NULL ? 306 : 305, NULL, NULL);
	return IRC_CONTINUE;
}

static void list_each(void *arg, const char *room, size_t members, const char *topic)
{
	struct irc_session *s = arg;
	char chan[IRC_CHANNEL_MAX + 1], count[24];

	irc_room_to_channel(room, chan);
	snprintf(count, sizeof(count), "%zu", members);
	irc_numeric(&s->out, s->cfg->server, 322, s->nick, chan, count, topic ? topic : "",
	    NULL);
}

static enum irc_status cmd_list(struct irc_session *s, const struct irc_msg *m)
{
	(void)m;
	reply(s, 321, "Channel", NULL);
	s->chat->list(s->ctx, list_each, s);
	reply(s, 323, NULL, NULL);
	return IRC_CONTINUE;
}

static enum irc_status cmd_kick(struct irc_session *s, const struct irc_msg *m)
{
	char room[ROOM_NAME_MAX_BYTES + 1], name[NAME_MAX_BYTES + 1];
	const char *reason = m->nparams > 2 ? m->params[2] : s->nick;
	int r;

	if (!room_of(s, m->params[0], room))
		return IRC_CONTINUE;
	if (irc_nick_to_name(m->params[1], name) != NULL) {
		reply(s, 401, m->params[1], NULL);
		return IRC_CONTINUE;
	}
	r = s->chat->kick(s->ctx, room, name, reason);
	if (r == 441)
		reply(s, 441, m->params[1], m->params[0]);
	else if (r != 0)
		reply(s, r, m->params[0], NULL);
	return IRC_CONTINUE;
}

static enum irc_status cmd_oper(struct irc_session *s, const struct irc_msg *m)
{
	int r = s->chat->oper != NULL ? s->chat->oper(s->ctx, m->params[0], m->params[1]) : 421;

	if (r != IRC_SILENT)            /* else the answer comes later, from the chat */
		reply(s, r == 0 ? 381 : r, r == 421 ? "OPER" : NULL, NULL);
	return IRC_CONTINUE;
}

/* Modes: none are kept; the queries clients send on their own are answered. */
static enum irc_status cmd_mode(struct irc_session *s, const struct irc_msg *m)
{
	const char *target = m->params[0];
	char room[ROOM_NAME_MAX_BYTES + 1];

	if (target[0] != '#') {
		if (names_equal(target, s->nick))
			irc_numeric(&s->out, s->cfg->server, 221, s->nick, "+", NULL);
		else
			reply(s, 502, NULL, NULL);
		return IRC_CONTINUE;
	}
	if (!room_of(s, target, room))
		return IRC_CONTINUE;
	if (m->nparams == 1)
		irc_numeric(&s->out, s->cfg->server, 324, s->nick, target, "+", NULL);
	else if (strchr(m->params[1], 'b') != NULL && m->nparams == 2)
		irc_numeric(&s->out, s->cfg->server, 368, s->nick, target,
		    "End of channel ban list", NULL);
	else
		reply(s, 482, target, NULL);
	return IRC_CONTINUE;
}

static const struct command commands[] = {
	{ "CAP", 1, true, cmd_cap },
	{ "PASS", 1, true, cmd_pass },
	{ "NICK", 1, true, cmd_nick },
	{ "USER", 4, true, cmd_user },
	{ "PING", 1, true, cmd_ping },
	{ "PONG", 0, true, cmd_pong },
	{ "QUIT", 0, true, cmd_quit },
	{ "JOIN", 1, false, cmd_join },
	{ "PART", 1, false, cmd_part },
	{ "PRIVMSG", 0, false, cmd_privmsg },
	{ "NOTICE", 0, false, cmd_notice },
	{ "NAMES", 0, false, cmd_names },
	{ "TOPIC", 1, false, cmd_topic },
	{ "WHO", 0, false, cmd_who },
	{ "WHOIS", 0, false, cmd_whois },
	{ "AWAY", 0, false, cmd_away },
	{ "LIST", 0, false, cmd_list },
	{ "KICK", 2, false, cmd_kick },
	{ "MODE", 1, false, cmd_mode },
	{ "OPER", 2, false, cmd_oper },
};

static const struct command *command_find(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static enum irc_status dispatch(struct irc_session *s, const struct irc_msg *m)
{
	const struct command *c = command_find(m->command);

	if (c == NULL) {
		if (s->registered)
			reply(s, 421, m->command, NULL);
		else
			reply(s, 451, NULL, NULL);
		return IRC_CONTINUE;
	}
	if (!s->registered && !c->before_registration) {
		reply(s, 451, NULL, NULL);
		return IRC_CONTINUE;
	}
	if (m->nparams < c->min_params) {
		if (strcmp(c->name, "NICK") == 0)
			reply(s, 431, NULL, NULL);
		else
			reply(s, 461, c->name, NULL);
		return IRC_CONTINUE;
	}
	return c->fn(s, m);
}

enum irc_status irc_session_line(struct irc_session *s, const char *line, size_t n, time_t now)
{
	struct irc_msg *m;
	enum irc_parse r;
	enum irc_status st = IRC_CONTINUE;

	if (s->closed)
		return IRC_CLOSE;
	s->last_input = now;
	s->ping_sent = 0;
	s->cost = 1;
	m = xmalloc(sizeof(*m));
	r = irc_parse(line, n, m);
	if (r == IRC_PARSE_TOO_LONG)
		irc_session_too_long(s);
	else if (r == IRC_PARSE_OK)
		st = dispatch(s, m);
	free(m);
	return s->closed ? IRC_CLOSE : st;
}

void irc_session_too_long(struct irc_session *s)
{
	reply(s, 417, NULL, NULL);
}

enum irc_status irc_session_tick(struct irc_session *s, time_t now)
{
	char reason[64];

	if (s->closed)
		return IRC_CLOSE;
	if (s->ping_sent != 0 && now - s->ping_sent >= s->cfg->ping_timeout) {
		snprintf(reason, sizeof(reason), "Ping timeout: %ld seconds",
		    (long)(now - s->last_input));
		if (s->registered)
			s->chat->quit(s->ctx, reason);
		irc_session_error(s, reason);
		return IRC_CLOSE;
	}
	if (s->ping_sent == 0 && now - s->last_input >= s->cfg->ping_idle) {
		irc_putl(&s->out, NULL, s->cfg->server, "PING", s->cfg->server, NULL);
		s->ping_sent = now;
	}
	return IRC_CONTINUE;
}
