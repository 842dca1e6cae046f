/* cmd_oper.c: the operator commands and /topic (see cmd_oper.h).
 * Tested by tests/integration/test_operators.py (and test_cluster.py across servers);
 * no unit test: its rules are moving to chat/chat_oper.c with its own unit test
 * (test_chat_oper.c, issue 20), leaving here the thin command layer. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bans.h"
#include "chat.h"
#include "chat_bus.h"
#include "cmd_oper.h"
#include "conn.h"
#include "duration.h"
#include "line.h"
#include "log.h"
#include "member.h"
#include "opers.h"
#include "options.h"
#include "statedir.h"
#include "tclimits.h"
#include "utf8.h"
#include "util.h"

#define REPLY_MAX 512 /* bytes of one reply line */

/* --- helpers ----------------------------------------------------------------------- */

static size_t word_len(const char *s, size_t n)
{
	const char *sp = memchr(s, ' ', n);

	return sp ? (size_t)(sp - s) : n;
}

/* Step past n bytes of the argument and the blanks after them. */
static void skip(const char **arg, size_t *len, size_t n)
{
	*arg += n;
	*len -= n;
	line_trim(arg, len);
}

static const char *peer_of(const struct member *m)
{
	return m->conn != NULL ? m->conn->peer : "-";
}

/* The member named by the longest run of words at the start of arg (names may hold
 * spaces), its length in *used; or NULL. At most a name's length is looked at. */
static struct member *target(struct chat *ch, const char *arg, size_t len, size_t *used)
{
	return chat_find_prefix(ch, arg, len, used);
}

/* The member named (a remote one too: its server applies the action), or NULL after
 * telling m. */
static struct member *target_or_say(struct chat *ch, struct member *m, const char *arg,
    size_t len, size_t *used)
{
	struct member *to = target(ch, arg, len, used);
	char msg[128];

	if (to == NULL) {
		size_t wl = word_len(arg, len);

		snprintf(msg, sizeof(msg), "No such user: %.*s",
		    (int)utf8_cut(arg, wl, 64), arg);
		member_error(m, msg);
	}
	return to;
}

/* --- across the cluster (tcpchat:oper, chat_bus.h) ------------------------------ */

/* Publish an action of operator by; nothing when this server is alone. */
static void publish(struct chat *ch, const char *by, enum bus_oper_kind kind,
    const char *target_name, const char *addr, int64_t secs, const char *text, size_t tlen)
{
	struct bus_oper op = { .kind = kind, .secs = secs };

	if (ch->cluster == NULL)
		return;
	snprintf(op.by, sizeof(op.by), "%s", by);
	snprintf(op.target, sizeof(op.target), "%s", target_name != NULL ? target_name : "");
	snprintf(op.addr, sizeof(op.addr), "%s", addr != NULL ? addr : "");
	snprintf(op.text, sizeof(op.text), "%.*s", (int)utf8_cut(text, tlen,
	    BUS_OPER_TEXT_MAX), text);
	chat_bus_oper(ch->cluster, &op);
}

/* The local member an action from another server is about, or NULL (not here). */
static struct member *local_target(struct chat *ch, const struct bus_oper *op)
{
	struct member *who = chat_find(ch, op->target, strlen(op->target));

	return who != NULL && !who->remote && who->conn != NULL ? who : NULL;
}

/* A notice to a member other than the one typing: with a fresh prompt after it. */
static void tell(struct member *m, const char *text)
{
	if (member_closing(m))
		return;
	member_info(m, text);
	member_prompt(m, time(NULL));
}

static bool is_oper(struct member *m)
{
	if (!m->oper)
		member_error(m, "Only operators can do that (see /oper).");
	return m->oper;
}

/* Log an operator's action at warning level (shown without -v), with who did it. */
static void oper_log(const struct member *m, const char *what)
{
	char esc[2][LOG_ESCAPE_MAX];

	log_msg(LOG_WARN, "oper \"%s\" (%s): %s",
	    log_escape(m->name, m->namelen, esc[0], sizeof(esc[0])), peer_of(m),
	    log_escape(what, strlen(what), esc[1], sizeof(esc[1])));
}

/* The log line of an action another server's operator did here. */
static void oper_log_from(const struct bus_oper *op, const char *what)
{
	char esc[2][LOG_ESCAPE_MAX];

	log_msg(LOG_WARN, "oper \"%s\" (server %s): %s",
	    log_escape(op->by, strlen(op->by), esc[0], sizeof(esc[0])), op->server,
	    log_escape(what, strlen(what), esc[1], sizeof(esc[1])));
}

/* An optional DURATION word at the front of arg: 0 (and *secs 0 when absent), or -1
 * after telling m why it is not one. */
static int take_duration(struct member *m, const char **arg, size_t *len, long *secs)
{
	char word[DURATION_TEXT_MAX + 1], msg[128];
	size_t wl = word_len(*arg, *len);
	const char *why = "too long";

	*secs = 0;
	if (*len == 0 || !duration_is_candidate(*arg))
		return 0;
	if (wl < sizeof(word)) {
		memcpy(word, *arg, wl);
		word[wl] = '\0';
		if (duration_parse(word, secs, &why) == 0) {
			skip(arg, len, wl);
			return 0;
		}
	}
	snprintf(msg, sizeof(msg), "Bad duration %.*s: %s", (int)utf8_cut(*arg, wl, 32), *arg,
	    why);
	member_error(m, msg);
	return -1;
}

static const char *for_how_long(long secs, char out[DURATION_TEXT_MAX + 8])
{
	char d[DURATION_TEXT_MAX];

	if (secs == 0)
		return "for good";
	snprintf(out, DURATION_TEXT_MAX + 8, "for %s", duration_format(secs, d));
	return out;
}

/* --- /oper ------------------------------------------------------------------------- */

static void oper_warn_clear(struct member *m)
{
	if (m->clear_warned || m->conn == NULL || m->conn->t == NULL ||
	    strcmp(m->conn->t->ops->name, "tcp") != 0)
		return;
	m->clear_warned = true;
	member_info(m, "Warning: this connection is not encrypted; your password crossed the "
	    "network in clear.");
}

void cmd_oper_oper(struct chat *ch, struct member *m, const char *arg, size_t len)
{
	char name[OPERS_NAME_MAX + 1], pass[TC_PASSWORD_MAX + 2], what[OPERS_NAME_MAX + 64];
	size_t wl = word_len(arg, len);
	bool ok;

	if (ch->opers == NULL) {
		member_error(m, "This server has no operators.");
		return;
	}
	if (wl == len || wl > OPERS_NAME_MAX) {
		member_error(m, "Usage: /oper NAME PASSWORD");
		return;
	}
	memcpy(name, arg, wl);
	name[wl] = '\0';
	skip(&arg, &len, wl);
	snprintf(pass, sizeof(pass), "%.*s", (int)(len < TC_PASSWORD_MAX + 1 ? len :
	    TC_PASSWORD_MAX + 1), arg);
	ok = opers_check(ch->opers, name, pass) == 1;
	explicit_bzero(pass, sizeof(pass));
	snprintf(what, sizeof(what), "/oper %s: %s", name, ok ? "now an operator" : "refused");
	oper_log(m, what);
	oper_warn_clear(m);
	if (!ok) {
		m->penalty = TC_OPER_FAIL_TOKENS;
		member_error(m, "Wrong operator name or password.");
		return;
	}
	m->oper = true;
	member_info(m, "You are now an operator.");
}

/* --- /kick ------------------------------------------------------------------------- */

static void kick(const char *by, struct member *who, const char *reason, size_t rlen)
{
	char msg[REPLY_MAX];

	snprintf(msg, sizeof(msg), "You were kicked by %s%s%.*s", by,
	    rlen > 0 ? ": " : ".", (int)utf8_cut(reason, rlen, TC_BAN_REASON_MAX), reason);
	chat_bye(who, msg, "kicked");
}

void cmd_oper_kick(struct chat *ch, struct member *m, const char *arg, size_t len)
{
	char msg[REPLY_MAX];
	size_t used = 0;
	struct member *who;

	if (!is_oper(m) || (who = target_or_say(ch, m, arg, len, &used)) == NULL)
		return;
	skip(&arg, &len, used);
	snprintf(msg, sizeof(msg), "Kicked %s (%s)%s%.*s", who->name,
	    who->remote ? "on another server" : peer_of(who),
	    len > 0 ? ": " : ".", (int)utf8_cut(arg, len, TC_BAN_REASON_MAX), arg);
	if (who->remote)
		publish(ch, m->name, BUS_OPER_KICK, who->name, NULL, 0, arg, len);
	else
		kick(m->name, who, arg, len);
	oper_log(m, msg);
	member_info(m, msg);
}

static void remote_kick(struct chat *ch, const struct bus_oper *op)
{
	struct member *who = local_target(ch, op);
	char msg[REPLY_MAX];
	size_t rlen = utf8_cut(op->text, strlen(op->text), TC_BAN_REASON_MAX);

	if (who == NULL)
		return;
	snprintf(msg, sizeof(msg), "Kicked %s (%s)%s%.*s", who->name, peer_of(who),
	    rlen > 0 ? ": " : ".", (int)rlen, op->text);
	kick(op->by, who, op->text, rlen);
	oper_log_from(op, msg);
}

/* --- /ban, /unban, /bans ----------------------------------------------------------- */

struct ban_sweep {
	const struct addrkey *key;
	const struct member *by;    /* not kicked; NULL: an operator of another server */
	const char *byname;
	const char *reason;
	size_t rlen;
	int kicked;
};

static void ban_kick_one(struct member *m, void *arg)
{
	struct ban_sweep *sw = arg;
	struct addrkey k;

	if (m->conn == NULL || m->conn->closing || m == sw->by ||
	    addrkey_from_text(m->conn->peer, &k) != 0 || !addrkey_equal(&k, sw->key))
		return;
	kick(sw->byname, m, sw->reason, sw->rlen);
	sw->kicked++;
}

/* What /ban names: a member's address, a member of another server (*remote) or an
 * address. 0, or -1 after telling m. */
static int ban_key(struct chat *ch, struct member *m, const char **arg, size_t *len,
    struct addrkey *k, struct member **remote)
{
	char word[ADDRKEY_TEXT_MAX + 8];
	size_t used = 0, wl = word_len(*arg, *len);
	struct member *who = target(ch, *arg, *len, &used);

	if (who != NULL && who->remote) {
		*remote = who;
		skip(arg, len, used);
		return 0;
	}
	if (who != NULL && who->conn != NULL && addrkey_from_text(who->conn->peer, k) == 0) {
		skip(arg, len, used);
		return 0;
	}
	if (wl < sizeof(word)) {
		memcpy(word, *arg, wl);
		word[wl] = '\0';
		if (addrkey_from_text(word, k) == 0) {
			skip(arg, len, wl);
			return 0;
		}
	}
	{
		char msg[96];

		snprintf(msg, sizeof(msg), "No such user or address: %.*s",
		    (int)utf8_cut(*arg, wl, 32), *arg);
		member_error(m, msg);
	}
	return -1;
}

/* The ban list is the one the server checks at accept (chat.h). */
static bool have_bans(struct chat *ch, struct member *m)
{
	(void)ch, (void)m;
	return true;
}

/* Save the list; a failure is logged and told to the operator (m; NULL: none here). */
static void bans_persist(struct chat *ch, struct member *m)
{
	char err[256];

	if (bans_save(&ch->bans, err, sizeof(err)) == 0)
		return;
	log_msg(LOG_ERROR, "bans: %s", err);
	if (m != NULL)
		member_error(m, "The ban list could not be saved (see the server log).");
}

/* Ban k until expires (0: for good), save, kick its connections here but by's.
 * bans_add's result (1: replaced a ban), -1 when the list is full. */
static int ban_apply(struct chat *ch, struct member *by, const char *byname,
    const struct addrkey *k, time_t expires, const char *reason, int *kicked)
{
	int r = bans_add(&ch->bans, k, time(NULL), expires, byname, reason);
	struct ban_sweep sw = { k, by, byname, reason, strlen(reason), 0 };

	if (r < 0)
		return -1;
	bans_persist(ch, by);
	chat_each_member(ch, ban_kick_one, &sw);
	*kicked = sw.kicked;
	return r;
}

/* Every other server of the cluster adds the ban to its list too. */
static void ban_share(struct chat *ch, const char *by, const struct addrkey *k,
    time_t expires, const char *reason)
{
	char addr[ADDRKEY_TEXT_MAX];

	publish(ch, by, BUS_OPER_BANADDR, NULL, addrkey_format(k, addr), (int64_t)expires,
	    reason, strlen(reason));
}

/* /ban of a user of another server: that server knows the address. */
static void ban_remote(struct chat *ch, struct member *m, const struct member *who, long secs,
    const char *reason)
{
	char msg[REPLY_MAX], how[DURATION_TEXT_MAX + 8];

	publish(ch, m->name, BUS_OPER_BAN, who->name, NULL, secs, reason, strlen(reason));
	snprintf(msg, sizeof(msg), "Banning %s (on another server) %s: that server bans the "
	    "address and every server adds it to its ban list.", who->name,
	    for_how_long(secs, how));
	oper_log(m, msg);
	member_info(m, msg);
}

static void ban_reply(struct member *m, const struct addrkey *k, long secs, int replaced,
    int kicked)
{
	char msg[REPLY_MAX], addr[ADDRKEY_TEXT_MAX], how[DURATION_TEXT_MAX + 8];

	snprintf(msg, sizeof(msg), "Banned %s %s%s; %d connection%s kicked.",
	    addrkey_format(k, addr), for_how_long(secs, how),
	    replaced ? " (replacing its ban)" : "", kicked, kicked == 1 ? "" : "s");
	oper_log(m, msg);
	member_info(m, msg);
}

void cmd_oper_ban(struct chat *ch, struct member *m, const char *arg, size_t len)
{
	struct addrkey k;
	struct member *remote = NULL;
	long secs;
	time_t expires;
	char reason[TC_BAN_REASON_MAX + 1];
	int r, kicked = 0;

	if (!is_oper(m) || !have_bans(ch, m) || ban_key(ch, m, &arg, &len, &k, &remote) != 0 ||
	    take_duration(m, &arg, &len, &secs) != 0)
		return;
	snprintf(reason, sizeof(reason), "%.*s", (int)utf8_cut(arg, len, TC_BAN_REASON_MAX),
	    arg);
	if (remote != NULL) {
		ban_remote(ch, m, remote, secs, reason);
		return;
	}
	expires = secs > 0 ? time(NULL) + secs : 0;
	r = ban_apply(ch, m, m->name, &k, expires, reason, &kicked);
	if (r < 0) {
		member_error(m, "The ban list is full.");
		return;
	}
	ban_share(ch, m->name, &k, expires, reason);
	ban_reply(m, &k, secs, r, kicked);
}

static void remote_ban_log(const struct bus_oper *op, const struct addrkey *k, int r,
    int kicked)
{
	char msg[REPLY_MAX], addr[ADDRKEY_TEXT_MAX];

	if (r < 0)
		snprintf(msg, sizeof(msg), "Ban of %s refused: the ban list is full.",
		    addrkey_format(k, addr));
	else
		snprintf(msg, sizeof(msg), "Banned %s%s; %d connection%s kicked.",
		    addrkey_format(k, addr), r ? " (replacing its ban)" : "", kicked,
		    kicked == 1 ? "" : "s");
	oper_log_from(op, msg);
}

/* /ban of a user of this server, typed on another: ban its address, tell the others. */
static void remote_ban(struct chat *ch, const struct bus_oper *op)
{
	struct member *who = local_target(ch, op);
	struct addrkey k;
	time_t expires = op->secs > 0 ? time(NULL) + (time_t)op->secs : 0;
	int r, kicked = 0;

	if (who == NULL || addrkey_from_text(who->conn->peer, &k) != 0)
		return;
	r = ban_apply(ch, NULL, op->by, &k, expires, op->text, &kicked);
	remote_ban_log(op, &k, r, kicked);
	if (r >= 0)
		ban_share(ch, op->by, &k, expires, op->text);
}

/* A ban another server decided: in this server's list too. */
static void remote_banaddr(struct chat *ch, const struct bus_oper *op)
{
	struct addrkey k;
	int kicked = 0, r;

	if (addrkey_from_text(op->addr, &k) != 0 ||
	    (op->secs != 0 && (time_t)op->secs <= time(NULL)))
		return;
	r = ban_apply(ch, NULL, op->by, &k, (time_t)op->secs, op->text, &kicked);
	remote_ban_log(op, &k, r, kicked);
}

void cmd_oper_unban(struct chat *ch, struct member *m, const char *arg, size_t len)
{
	char word[ADDRKEY_TEXT_MAX + 8], msg[REPLY_MAX], addr[ADDRKEY_TEXT_MAX];
	struct addrkey k;

	if (!is_oper(m) || !have_bans(ch, m))
		return;
	snprintf(word, sizeof(word), "%.*s", (int)utf8_cut(arg, len, sizeof(word) - 1), arg);
	if (addrkey_from_text(word, &k) != 0) {
		snprintf(msg, sizeof(msg), "Not an address: %s", word);
		member_error(m, msg);
		return;
	}
	addrkey_format(&k, addr);
	if (bans_remove(&ch->bans, &k) != 0) {
		snprintf(msg, sizeof(msg), "%s is not banned.", addr);
		member_error(m, msg);
		return;
	}
	bans_persist(ch, m);
	publish(ch, m->name, BUS_OPER_UNBAN, NULL, addr, 0, "", 0);
	snprintf(msg, sizeof(msg), "Unbanned %s.", addr);
	oper_log(m, msg);
	member_info(m, msg);
}

static void remote_unban(struct chat *ch, const struct bus_oper *op)
{
	struct addrkey k;
	char msg[REPLY_MAX], addr[ADDRKEY_TEXT_MAX];

	if (addrkey_from_text(op->addr, &k) != 0 || bans_remove(&ch->bans, &k) != 0)
		return;
	bans_persist(ch, NULL);
	snprintf(msg, sizeof(msg), "Unbanned %s.", addrkey_format(&k, addr));
	oper_log_from(op, msg);
}

static void bans_line(struct member *m, const struct ban *b, time_t now)
{
	char msg[REPLY_MAX], addr[ADDRKEY_TEXT_MAX], left[DURATION_TEXT_MAX];

	snprintf(msg, sizeof(msg), "  %s  %s%s  by %s%s%s", addrkey_format(&b->key, addr),
	    b->expires == 0 ? "for good" : duration_format((long)(b->expires - now), left),
	    b->expires == 0 ? "" : " left", b->by, b->reason[0] ? ": " : "", b->reason);
	member_info(m, msg);
}

void cmd_oper_bans(struct chat *ch, struct member *m, const char *arg, size_t len)
{
	char msg[64];
	time_t now = time(NULL);

	(void)arg, (void)len;
	if (!is_oper(m) || !have_bans(ch, m))
		return;
	if (bans_expire(&ch->bans, now) > 0)
		bans_persist(ch, m);
	snprintf(msg, sizeof(msg), "%zu ban%s:", ch->bans.n, ch->bans.n == 1 ? "" : "s");
	member_info(m, msg);
	for (size_t i = 0; i < ch->bans.n; i++)
		bans_line(m, &ch->bans.v[i], now);
}

/* --- /mute, /unmute ---------------------------------------------------------------- */

static void mute(const char *by, struct member *who, long secs)
{
	char msg[REPLY_MAX], how[DURATION_TEXT_MAX + 8];

	who->muted = true;
	who->muted_until = secs > 0 ? time(NULL) + secs : 0;
	snprintf(msg, sizeof(msg), "You were muted by %s %s.", by, for_how_long(secs, how));
	tell(who, msg);
}

void cmd_oper_mute(struct chat *ch, struct member *m, const char *arg, size_t len)
{
	char msg[REPLY_MAX], how[DURATION_TEXT_MAX + 8];
	size_t used = 0;
	long secs;
	struct member *who;

	if (!is_oper(m) || (who = target_or_say(ch, m, arg, len, &used)) == NULL)
		return;
	skip(&arg, &len, used);
	if (take_duration(m, &arg, &len, &secs) != 0)
		return;
	if (len > 0) {
		member_error(m, "Usage: /mute NAME [DURATION]");
		return;
	}
	if (who->remote)
		publish(ch, m->name, BUS_OPER_MUTE, who->name, NULL, secs, "", 0);
	else
		mute(m->name, who, secs);
	snprintf(msg, sizeof(msg), "Muted %s %s.", who->name, for_how_long(secs, how));
	oper_log(m, msg);
	member_info(m, msg);
}

static void remote_mute(struct chat *ch, const struct bus_oper *op)
{
	char msg[REPLY_MAX], how[DURATION_TEXT_MAX + 8];
	struct member *who = local_target(ch, op);

	if (who == NULL)
		return;
	mute(op->by, who, (long)op->secs);
	snprintf(msg, sizeof(msg), "Muted %s %s.", who->name, for_how_long((long)op->secs, how));
	oper_log_from(op, msg);
}

void cmd_oper_unmute(struct chat *ch, struct member *m, const char *arg, size_t len)
{
	char msg[REPLY_MAX];
	struct member *who;

	if (!is_oper(m))
		return;
	who = chat_find(ch, arg, len);
	if (who == NULL) {
		snprintf(msg, sizeof(msg), "No such user: %.*s", (int)utf8_cut(arg, len, 64), arg);
		member_error(m, msg);
		return;
	}
	if (who->remote) {      /* its server knows whether it is muted */
		publish(ch, m->name, BUS_OPER_UNMUTE, who->name, NULL, 0, "", 0);
		snprintf(msg, sizeof(msg), "Unmuted %s (on another server).", who->name);
		oper_log(m, msg);
		member_info(m, msg);
		return;
	}
	if (!who->muted) {
		snprintf(msg, sizeof(msg), "%s is not muted.", who->name);
		member_error(m, msg);
		return;
	}
	who->muted = false;
	tell(who, "You can speak again.");
	snprintf(msg, sizeof(msg), "Unmuted %s.", who->name);
	oper_log(m, msg);
	member_info(m, msg);
}

static void remote_unmute(struct chat *ch, const struct bus_oper *op)
{
	char msg[REPLY_MAX];
	struct member *who = local_target(ch, op);

	if (who == NULL || !who->muted)
		return;
	who->muted = false;
	tell(who, "You can speak again.");
	snprintf(msg, sizeof(msg), "Unmuted %s.", who->name);
	oper_log_from(op, msg);
}

/* --- /wall ------------------------------------------------------------------------- */

static void wall_one(struct member *m, void *arg)
{
	tell(m, arg);
}

static void wall(struct chat *ch, const char *by, const char *text, size_t len,
    char out[REPLY_MAX + 64])
{
	snprintf(out, REPLY_MAX + 64, "*** Notice from %s: %.*s", by,
	    (int)utf8_cut(text, len, REPLY_MAX), text);
	chat_each_member(ch, wall_one, out);
}

void cmd_oper_wall(struct chat *ch, struct member *m, const char *arg, size_t len)
{
	char msg[REPLY_MAX + 64];

	if (!is_oper(m))
		return;
	wall(ch, m->name, arg, len, msg);
	publish(ch, m->name, BUS_OPER_WALL, NULL, NULL, 0, arg, len);
	oper_log(m, msg);
}

static void remote_wall(struct chat *ch, const struct bus_oper *op)
{
	char msg[REPLY_MAX + 64];

	wall(ch, op->by, op->text, strlen(op->text), msg);
	oper_log_from(op, msg);
}

/* --- /purge ----------------------------------------------------------------------- */

void cmd_oper_purge(struct chat *ch, struct member *m, const char *arg, size_t len)
{
	char name[NAME_MAX_BYTES + 1], msg[REPLY_MAX];
	const char *why;
	size_t n;

	if (!is_oper(m))
		return;
	why = names_check(arg, len, name);
	if (why != NULL) {
		member_error(m, why);
		return;
	}
	n = chat_purge(ch, name);
	if (ch->cluster != NULL)
		publish(ch, m->name, BUS_OPER_PURGE, name, NULL, 0, "", 0);
	snprintf(msg, sizeof(msg), "Purged %zu message%s of %s from the history%s", n,
	    n == 1 ? "" : "s", name, ch->cluster == NULL ? "." :
	    chat_bus_purge(ch->cluster, name) ? "; every server of the cluster purges its "
	    "own, and the shared history is purged too." : "; every server of the cluster "
	    "purges its own; Redis is away, so the shared history keeps them.");
	oper_log(m, msg);
	member_info(m, msg);
}

static void remote_purge(struct chat *ch, const struct bus_oper *op)
{
	char msg[REPLY_MAX];
	size_t n = chat_purge(ch, op->target);

	snprintf(msg, sizeof(msg), "Purged %zu message%s of %s from the history.", n,
	    n == 1 ? "" : "s", op->target);
	oper_log_from(op, msg);
}

/* --- the actions of the other servers' operators (chat_bus_on_oper) ------------- */

static void oper_remote(struct chat *ch, const struct bus_oper *op)
{
	static void (*const apply[])(struct chat *, const struct bus_oper *) = {
		[BUS_OPER_KICK] = remote_kick, [BUS_OPER_MUTE] = remote_mute,
		[BUS_OPER_UNMUTE] = remote_unmute, [BUS_OPER_BAN] = remote_ban,
		[BUS_OPER_BANADDR] = remote_banaddr, [BUS_OPER_UNBAN] = remote_unban,
		[BUS_OPER_PURGE] = remote_purge, [BUS_OPER_WALL] = remote_wall,
	};

	if ((size_t)op->kind < sizeof(apply) / sizeof(apply[0]) && apply[op->kind] != NULL)
		apply[op->kind](ch, op);
}

/* --- /topic ------------------------------------------------------------------------ */

static void topic_show(struct member *m)
{
	char msg[TC_TOPIC_MAX + 64];

	if (m->room->topic != NULL)
		snprintf(msg, sizeof(msg), "Topic: %s", m->room->topic);
	else
		snprintf(msg, sizeof(msg), "No topic is set in %s.", m->room->name);
	member_info(m, msg);
}

void cmd_oper_topic(struct chat *ch, struct member *m, const char *arg, size_t len)
{
	char msg[ROOM_TOPIC_NEWS_MAX];
	bool clear = len == 1 && arg[0] == '-';

	if (len == 0) {
		topic_show(m);
		return;
	}
	if (ch->opers != NULL && !is_oper(m))
		return;
	chat_set_topic(ch, m->room, m->name, clear ? "" : arg, clear ? 0 : len);
	room_topic_news(m->room, m->name, m->namelen, msg, sizeof(msg));
	if (m->oper)
		oper_log(m, msg);
	else
		log_msg(LOG_INFO, "topic %s: %s", peer_of(m), msg);
}

/* --- setup ------------------------------------------------------------------------- */

static void oper_report(void *ctx, const char *msg)
{
	(void)ctx;
	log_msg(LOG_WARN, "oper file: %s", msg);
}

static int load_opers(struct chat *ch, const char *path, char *err, size_t errsz)
{
	ch->opers = xcalloc(1, sizeof(*ch->opers));
	if (opers_load(ch->opers, path, oper_report, NULL) == 0)
		return 0;
	snprintf(err, errsz, "%s: refused (see the warnings above)", path);
	return -1;
}


/* Each line of raw sanitised and cut to TC_MOTD_LINE_MAX bytes, '\n'-ended. */
static char *motd_clean(const char *raw, size_t n)
{
	struct buf out = { 0 };
	char line[3 * TC_MOTD_LINE_MAX + 1];

	while (n > 0) {
		const char *nl = memchr(raw, '\n', n);
		size_t ll = nl ? (size_t)(nl - raw) : n;
		size_t cl = utf8_clean(UTF8_MESSAGE, raw, ll, line, sizeof(line));

		cl = utf8_cut(line, cl, TC_MOTD_LINE_MAX);
		buf_append(&out, line, cl);
		buf_putc(&out, '\n');
		raw += ll + (nl != NULL);
		n -= ll + (nl != NULL);
	}
	buf_putc(&out, '\0');
	char *s = xstrdup(buf_data(&out));

	buf_free(&out);
	return s;
}

static int load_motd(struct chat *ch, const char *path, char *err, size_t errsz)
{
	char raw[TC_MOTD_MAX_BYTES];
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	n = fread(raw, 1, sizeof(raw), f);
	fclose(f);
	ch->motd = motd_clean(raw, n);
	return 0;
}

int cmd_oper_setup(struct chat *ch, const struct serve_options *opt, char *err,
    size_t errsz)
{
	if (opt->oper_file != NULL && load_opers(ch, opt->oper_file, err, errsz) != 0)
		return -1;
	if (ch->cluster != NULL)
		chat_bus_on_oper(ch->cluster, oper_remote);
	if (opt->motd_path != NULL && load_motd(ch, opt->motd_path, err, errsz) != 0)
		return -1;
	if (opt->password_file != NULL) {
		ch->password = opers_load_password(opt->password_file, err, errsz);
		if (ch->password == NULL)
			return -1;
	}
	return 0;
}

void cmd_oper_free(struct chat *ch)
{
	if (ch->opers != NULL)
		opers_free(ch->opers);
	free(ch->opers);
	ch->opers = NULL;
}

/* --- /stats --------------------------------------------------------------------------- */

void cmd_oper_stats(struct chat *ch, struct member *m, const char *arg, size_t len)
{
	char line[1024];

	(void)arg, (void)len;
	if (!is_oper(m))
		return;
	if (ch->stats_line == NULL) {
		member_error(m, "No statistics on this server.");
		return;
	}
	member_info(m, ch->stats_line(ch->stats_arg, line, sizeof(line)));
	if (ch->cluster != NULL)        /* --redis: the bus's counters too */
		member_info(m, chat_bus_stats_line(ch->cluster, line, sizeof(line)));
}
