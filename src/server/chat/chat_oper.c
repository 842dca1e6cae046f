/* chat_oper.c: the operator rules (see chat_oper.h). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bans.h"
#include "chat.h"
#include "chat_check.h"
#include "chat_oper.h"
#include "conn.h"
#include "duration.h"
#include "log.h"
#include "member.h"
#include "opers.h"
#include "tclimits.h"
#include "utf8.h"

#define WALL_TEXT_MAX 512 /* bytes of a wall notice's text */

/* --- helpers ----------------------------------------------------------------------- */

static const char *peer_of(const struct member *m)
{
	return m->conn != NULL ? m->conn->peer : "-";
}

/* A notice to a member other than the one typing: with a fresh prompt after it. */
static void tell(struct member *m, const char *text)
{
	if (member_closing(m))
		return;
	member_info(m, text);
	member_prompt(m, time(NULL));
}

void chat_oper_log(const struct member *m, const char *what)
{
	char esc[2][LOG_ESCAPE_MAX];

	log_msg(LOG_WARN, "oper \"%s\" (%s): %s",
	    log_escape(m->name, m->namelen, esc[0], sizeof(esc[0])), peer_of(m),
	    log_escape(what, strlen(what), esc[1], sizeof(esc[1])));
}

/* The log line of an action another server's operator did here. */
static void oper_log_from(const struct cluster_oper *op, const char *what)
{
	char esc[2][LOG_ESCAPE_MAX];

	log_msg(LOG_WARN, "oper \"%s\" (server %s): %s",
	    log_escape(op->by, strlen(op->by), esc[0], sizeof(esc[0])), op->server,
	    log_escape(what, strlen(what), esc[1], sizeof(esc[1])));
}

/* m's action is done: what it was, logged. */
static enum chat_oper_status done(const struct member *m, struct chat_oper_result *res)
{
	chat_oper_log(m, res->what);
	return CHAT_OPER_OK;
}

static const char *for_how_long(long secs, char out[DURATION_TEXT_MAX + 8])
{
	char d[DURATION_TEXT_MAX];

	if (secs == 0)
		return "for good";
	snprintf(out, DURATION_TEXT_MAX + 8, "for %s", duration_format(secs, d));
	return out;
}

static void result_init(struct chat_oper_result *res)
{
	res->what[0] = '\0';
	res->remote = res->unsaved = false;
}

/* --- across the cluster (cluster.h) --------------------------------------------------- */

/* Hand an action of operator by to the other servers; nothing when this one is alone. */
static void publish(struct chat *ch, const char *by, enum cluster_oper_kind kind,
    const char *target, const char *room, const char *addr, int64_t secs, const char *text,
    size_t tlen)
{
	struct cluster_oper op = { .kind = kind, .secs = secs };

	if (!cluster_shares_oper(&ch->cluster))
		return;
	snprintf(op.by, sizeof(op.by), "%s", by);
	snprintf(op.target, sizeof(op.target), "%s", target != NULL ? target : "");
	snprintf(op.room, sizeof(op.room), "%s", room != NULL ? room : "");
	snprintf(op.addr, sizeof(op.addr), "%s", addr != NULL ? addr : "");
	snprintf(op.text, sizeof(op.text), "%.*s", (int)utf8_cut(text, tlen,
	    CLUSTER_OPER_TEXT_MAX), text);
	cluster_oper(&ch->cluster, &op);
}

/* The local member an action from another server is about, or NULL (not here). */
static struct member *local_target(struct chat *ch, const struct cluster_oper *op)
{
	struct member *who = chat_find(ch, op->target, strlen(op->target));

	return who != NULL && !who->remote && who->conn != NULL ? who : NULL;
}

/* --- log in -------------------------------------------------------------------------- */

bool chat_oper_configured(const struct chat *ch)
{
	return ch->cfg.opers != NULL;
}

enum chat_oper_status chat_oper_may(const struct member *m)
{
	return m->oper ? CHAT_OPER_OK : CHAT_OPER_NOT_OPER;
}

static void warn_clear(struct member *m)
{
	if (m->clear_warned || m->conn == NULL || m->conn->t == NULL ||
	    strcmp(m->conn->t->ops->name, "tcp") != 0)
		return;
	m->clear_warned = true;
	member_info(m, "Warning: this connection is not encrypted; your password crossed the "
	    "network in clear.");
}

/* The login's answer (chat_check.h): the oper log, the warning about a password sent
 * in clear, then m is told (EV_OPER: each dialect its way) and prompted. */
static void login_checked(struct chat *ch, struct member *m, enum pwcheck_result res,
    const char *name)
{
	static const char *const text[] = { [PWCHECK_OK] = "You are now an operator.",
	    [PWCHECK_WRONG] = "Wrong operator name or password.",
	    [PWCHECK_BUSY] = "The server is busy checking passwords; try again." };
	static const char *const said[] = { [PWCHECK_OK] = "now an operator",
	    [PWCHECK_WRONG] = "refused", [PWCHECK_BUSY] = "not checked, the server is busy" };
	char what[OPERS_NAME_MAX + 64];
	struct event ev = { .type = EV_OPER, .text = text[res], .len = strlen(text[res]) };

	(void)ch;
	snprintf(what, sizeof(what), "/oper %.*s: %s", OPERS_NAME_MAX, name, said[res]);
	chat_oper_log(m, what);
	warn_clear(m);
	if (res == PWCHECK_OK) {
		m->oper = true;
		ev.other = name;
		ev.otherlen = strlen(name);
	} else if (res == PWCHECK_WRONG) {
		m->penalty = TC_OPER_FAIL_TOKENS;
	}
	member_put(m, &ev);
	member_prompt(m, time(NULL));
}

enum chat_oper_status chat_oper_login(struct chat *ch, struct member *m, const char *name,
    const char *pass)
{
	char what[OPERS_NAME_MAX + 16];
	const char *hash;
	bool known;

	if (ch->cfg.opers == NULL || (hash = opers_hash(ch->cfg.opers, name, &known)) == NULL)
		return CHAT_OPER_NO_OPERS;
	snprintf(what, sizeof(what), "operator %.*s", OPERS_NAME_MAX, name);
	chat_check_password(ch, m, what, hash, known && strlen(name) <= OPERS_NAME_MAX, pass,
	    name, login_checked);
	return CHAT_OPER_WAIT;
}

/* --- kick ---------------------------------------------------------------------------- */

/* Put who out of the chat: a last line, then its connection closes. */
static void kick_out(const char *by, struct member *who, const char *reason, size_t rlen)
{
	char msg[CHAT_OPER_WHAT_MAX];

	snprintf(msg, sizeof(msg), "You were kicked by %s%s%.*s", by,
	    rlen > 0 ? ": " : ".", (int)rlen, reason);
	chat_bye(who, msg, "kicked");
}

/* Tell room r's members (who too) that by kicks who from it (EV_KICK). */
static void kick_tell(struct chat *ch, const char *by, struct member *who, struct room *r,
    const char *reason, size_t rlen, unsigned long group)
{
	struct event ev = { .type = EV_KICK, .t = time(NULL), .room = r, .name = who->name,
	    .namelen = who->namelen, .other = by, .otherlen = strlen(by), .text = reason,
	    .len = rlen, .group = group };

	chat_apply(ch, &ev, who);
	member_put(who, &ev);
}

/* Does who stay in the chat when kicked from r: a member of several rooms, r not its
 * last one. */
static bool kick_leaves_room(const struct member *who, const struct room *r)
{
	const struct membership *first = member_rooms(who);

	return r != NULL && member_multi_room(who) && first != NULL &&
	    member_next_room(who, first) != NULL;
}

/* who leaves r and stays in its other rooms. */
static void kick_from(struct chat *ch, const char *by, struct member *who, struct room *r,
    const char *reason, size_t rlen)
{
	char msg[CHAT_OPER_WHAT_MAX];
	unsigned long group = ++ch->groups;     /* the KICK and the move-out: one action */

	snprintf(msg, sizeof(msg), "You were kicked from room %s by %s%s%.*s", r->name, by,
	    rlen > 0 ? ": " : ".", (int)rlen, reason);
	kick_tell(ch, by, who, r, reason, rlen, group);
	chat_part_room(ch, who, r, group);     /* r may be gone after it (rooms_tidy) */
	tell(who, msg);
}

static void kick_what(char *out, const struct member *who, const char *where,
    const struct room *r, const char *reason, size_t rlen)
{
	snprintf(out, CHAT_OPER_WHAT_MAX, "Kicked %s (%s)%s%s%s%.*s", who->name, where,
	    r != NULL ? " from room " : "", r != NULL ? r->name : "", rlen > 0 ? ": " : ".",
	    (int)rlen, reason);
}

/* Kick local member who (from r; NULL: out of the chat) for operator by; what it did
 * in out. */
static void kick_apply(struct chat *ch, const char *by, struct member *who, struct room *r,
    const char *reason, size_t rlen, char *out)
{
	bool leaves_room = kick_leaves_room(who, r);

	kick_what(out, who, peer_of(who), leaves_room ? r : NULL, reason, rlen);
	if (leaves_room) {
		kick_from(ch, by, who, r, reason, rlen);
		return;
	}
	if (r != NULL)
		kick_tell(ch, by, who, r, reason, rlen, 0);
	kick_out(by, who, reason, rlen);
}

/* The room a kick names: *r NULL for none; -1 when there is no such room. */
static int kick_room(struct chat *ch, const char *room, struct room **r)
{
	*r = room != NULL ? rooms_find(&ch->rooms, room) : NULL;
	return room != NULL && *r == NULL ? -1 : 0;
}

enum chat_oper_status chat_oper_kick(struct chat *ch, struct member *m, struct member *who,
    const char *room, const char *reason, size_t rlen, struct chat_oper_result *res)
{
	struct room *r;

	result_init(res);
	if (!m->oper)
		return CHAT_OPER_NOT_OPER;
	if (kick_room(ch, room, &r) != 0)
		return CHAT_OPER_NO_SUCH_ROOM;
	if (who == NULL)
		return CHAT_OPER_NO_SUCH_USER;
	if (r != NULL && !member_in(who, r))
		return CHAT_OPER_NOT_IN_ROOM;
	rlen = utf8_cut(reason, rlen, TC_BAN_REASON_MAX);
	res->remote = who->remote;
	if (who->remote) {      /* its server applies it */
		kick_what(res->what, who, "on another server", r, reason, rlen);
		publish(ch, m->name, CLUSTER_OPER_KICK, who->name, r != NULL ? r->name : NULL, NULL, 0,
		    reason, rlen);
	} else {
		kick_apply(ch, m->name, who, r, reason, rlen, res->what);
	}
	return done(m, res);
}

static void remote_kick(struct chat *ch, const struct cluster_oper *op)
{
	struct member *who = local_target(ch, op);
	struct room *r = NULL;
	char what[CHAT_OPER_WHAT_MAX];

	if (who == NULL || kick_room(ch, op->room[0] != '\0' ? op->room : NULL, &r) != 0 ||
	    (r != NULL && !member_in(who, r)))
		return;
	kick_apply(ch, op->by, who, r, op->text, utf8_cut(op->text, strlen(op->text),
	    TC_BAN_REASON_MAX), what);
	oper_log_from(op, what);
}

/* --- ban, unban, bans ---------------------------------------------------------------- */

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
	kick_out(sw->byname, m, sw->reason, sw->rlen);
	sw->kicked++;
}

/* Save the list: false (logged) when it could not be. */
static bool bans_persist(struct chat *ch)
{
	char err[256];

	if (bans_save(&ch->bans, err, sizeof(err)) == 0)
		return true;
	log_msg(LOG_ERROR, "bans: %s", err);
	return false;
}

/* Ban k until expires (0: for good), save, kick its connections here but by's (all of
 * them: those not named yet too).
 * bans_add's result (1: replaced a ban), -1 when the list is full. */
static int ban_apply(struct chat *ch, const struct member *by, const char *byname,
    const struct addrkey *k, time_t expires, const char *reason, int *kicked, bool *unsaved)
{
	int r = bans_add(&ch->bans, k, time(NULL), expires, byname, reason);
	struct ban_sweep sw = { k, by, byname, reason, strlen(reason), 0 };

	if (r < 0)
		return -1;
	*unsaved = !bans_persist(ch);
	if (ch->hooks.each_from != NULL)       /* every connection, named or not */
		ch->hooks.each_from(ch->hooks.arg, k, ban_kick_one, &sw);
	else
		chat_each_member(ch, ban_kick_one, &sw);
	*kicked = sw.kicked;
	return r;
}

/* Every other server of the cluster adds the ban to its list too. */
static void ban_share(struct chat *ch, const char *by, const struct addrkey *k,
    time_t expires, const char *reason)
{
	char addr[ADDRKEY_TEXT_MAX];

	publish(ch, by, CLUSTER_OPER_BANADDR, NULL, NULL, addrkey_format(k, addr),
	    (int64_t)expires, reason, strlen(reason));
}

/* A ban of a user of another server: that server knows the address. */
static void ban_remote(struct chat *ch, const struct member *m, const struct member *who,
    long secs, const char *reason, struct chat_oper_result *res)
{
	char how[DURATION_TEXT_MAX + 8];

	publish(ch, m->name, CLUSTER_OPER_BAN, who->name, NULL, NULL, secs, reason, strlen(reason));
	snprintf(res->what, sizeof(res->what), "Banning %s (on another server) %s: that server "
	    "bans the address and every server adds it to its ban list.", who->name,
	    for_how_long(secs, how));
	res->remote = true;
}

/* The address of who, or NULL. */
static const struct addrkey *address_of(const struct member *who, struct addrkey *k)
{
	return who->conn != NULL && addrkey_from_text(who->conn->peer, k) == 0 ? k : NULL;
}

static void ban_what(struct chat_oper_result *res, const struct addrkey *k, long secs,
    int replaced, int kicked)
{
	char addr[ADDRKEY_TEXT_MAX], how[DURATION_TEXT_MAX + 8];

	snprintf(res->what, sizeof(res->what), "Banned %s %s%s; %d connection%s kicked.",
	    addrkey_format(k, addr), for_how_long(secs, how),
	    replaced ? " (replacing its ban)" : "", kicked, kicked == 1 ? "" : "s");
}

enum chat_oper_status chat_oper_ban(struct chat *ch, struct member *m, struct member *who,
    const struct addrkey *key, long secs, const char *text, size_t len,
    struct chat_oper_result *res)
{
	char reason[TC_BAN_REASON_MAX + 1];
	struct addrkey k;
	time_t expires = secs > 0 ? time(NULL) + secs : 0;
	int r, kicked = 0;

	result_init(res);
	if (!m->oper)
		return CHAT_OPER_NOT_OPER;
	snprintf(reason, sizeof(reason), "%.*s", (int)utf8_cut(text, len, TC_BAN_REASON_MAX),
	    text);
	if (who != NULL && who->remote) {
		ban_remote(ch, m, who, secs, reason, res);
		return done(m, res);
	}
	if (who != NULL)
		key = address_of(who, &k);
	if (key == NULL)
		return CHAT_OPER_NO_SUCH_USER;
	r = ban_apply(ch, m, m->name, key, expires, reason, &kicked, &res->unsaved);
	if (r < 0)
		return CHAT_OPER_BANS_FULL;
	ban_share(ch, m->name, key, expires, reason);
	ban_what(res, key, secs, r, kicked);
	return done(m, res);
}

static void remote_ban_log(const struct cluster_oper *op, const struct addrkey *k, int r,
    int kicked)
{
	char msg[CHAT_OPER_WHAT_MAX], addr[ADDRKEY_TEXT_MAX];

	if (r < 0)
		snprintf(msg, sizeof(msg), "Ban of %s refused: the ban list is full.",
		    addrkey_format(k, addr));
	else
		snprintf(msg, sizeof(msg), "Banned %s%s; %d connection%s kicked.",
		    addrkey_format(k, addr), r ? " (replacing its ban)" : "", kicked,
		    kicked == 1 ? "" : "s");
	oper_log_from(op, msg);
}

/* A ban of a user of this server, typed on another: ban its address, tell the others. */
static void remote_ban(struct chat *ch, const struct cluster_oper *op)
{
	struct member *who = local_target(ch, op);
	struct addrkey k;
	time_t expires = op->secs > 0 ? time(NULL) + (time_t)op->secs : 0;
	int r, kicked = 0;
	bool unsaved;

	if (who == NULL || address_of(who, &k) == NULL)
		return;
	r = ban_apply(ch, NULL, op->by, &k, expires, op->text, &kicked, &unsaved);
	remote_ban_log(op, &k, r, kicked);
	if (r >= 0)
		ban_share(ch, op->by, &k, expires, op->text);
}

/* A ban another server decided: in this server's list too. */
static void remote_banaddr(struct chat *ch, const struct cluster_oper *op)
{
	struct addrkey k;
	int kicked = 0, r;
	bool unsaved;

	if (addrkey_from_text(op->addr, &k) != 0 ||
	    (op->secs != 0 && (time_t)op->secs <= time(NULL)))
		return;
	r = ban_apply(ch, NULL, op->by, &k, (time_t)op->secs, op->text, &kicked, &unsaved);
	remote_ban_log(op, &k, r, kicked);
}

enum chat_oper_status chat_oper_unban(struct chat *ch, struct member *m,
    const struct addrkey *key, struct chat_oper_result *res)
{
	char addr[ADDRKEY_TEXT_MAX];

	result_init(res);
	if (!m->oper)
		return CHAT_OPER_NOT_OPER;
	if (bans_remove(&ch->bans, key) != 0)
		return CHAT_OPER_NOT_BANNED;
	res->unsaved = !bans_persist(ch);
	publish(ch, m->name, CLUSTER_OPER_UNBAN, NULL, NULL, addrkey_format(key, addr), 0, "", 0);
	snprintf(res->what, sizeof(res->what), "Unbanned %s.", addr);
	return done(m, res);
}

static void remote_unban(struct chat *ch, const struct cluster_oper *op)
{
	struct addrkey k;
	char msg[CHAT_OPER_WHAT_MAX], addr[ADDRKEY_TEXT_MAX];

	if (addrkey_from_text(op->addr, &k) != 0 || bans_remove(&ch->bans, &k) != 0)
		return;
	(void)bans_persist(ch);
	snprintf(msg, sizeof(msg), "Unbanned %s.", addrkey_format(&k, addr));
	oper_log_from(op, msg);
}

enum chat_oper_status chat_oper_bans(struct chat *ch, struct member *m,
    struct chat_oper_result *res)
{
	result_init(res);
	if (!m->oper)
		return CHAT_OPER_NOT_OPER;
	if (bans_expire(&ch->bans, time(NULL)) > 0)
		res->unsaved = !bans_persist(ch);
	return CHAT_OPER_OK;
}

/* --- mute, unmute -------------------------------------------------------------------- */

static void mute(const char *by, struct member *who, long secs)
{
	char msg[CHAT_OPER_WHAT_MAX], how[DURATION_TEXT_MAX + 8];

	who->muted = true;
	who->muted_until = secs > 0 ? time(NULL) + secs : 0;
	snprintf(msg, sizeof(msg), "You were muted by %s %s.", by, for_how_long(secs, how));
	tell(who, msg);
}

enum chat_oper_status chat_oper_mute(struct chat *ch, struct member *m, struct member *who,
    long secs, struct chat_oper_result *res)
{
	char how[DURATION_TEXT_MAX + 8];

	result_init(res);
	if (!m->oper)
		return CHAT_OPER_NOT_OPER;
	if (who == NULL)
		return CHAT_OPER_NO_SUCH_USER;
	res->remote = who->remote;
	if (who->remote)
		publish(ch, m->name, CLUSTER_OPER_MUTE, who->name, NULL, NULL, secs, "", 0);
	else
		mute(m->name, who, secs);
	snprintf(res->what, sizeof(res->what), "Muted %s %s.", who->name,
	    for_how_long(secs, how));
	return done(m, res);
}

static void remote_mute(struct chat *ch, const struct cluster_oper *op)
{
	char msg[CHAT_OPER_WHAT_MAX], how[DURATION_TEXT_MAX + 8];
	struct member *who = local_target(ch, op);

	if (who == NULL)
		return;
	mute(op->by, who, (long)op->secs);
	snprintf(msg, sizeof(msg), "Muted %s %s.", who->name, for_how_long((long)op->secs, how));
	oper_log_from(op, msg);
}

static void unmute(struct member *who, char *what)
{
	who->muted = false;
	tell(who, "You can speak again.");
	snprintf(what, CHAT_OPER_WHAT_MAX, "Unmuted %s.", who->name);
}

enum chat_oper_status chat_oper_unmute(struct chat *ch, struct member *m, struct member *who,
    struct chat_oper_result *res)
{
	result_init(res);
	if (!m->oper)
		return CHAT_OPER_NOT_OPER;
	if (who == NULL)
		return CHAT_OPER_NO_SUCH_USER;
	if (who->remote) {      /* its server knows whether it is muted */
		publish(ch, m->name, CLUSTER_OPER_UNMUTE, who->name, NULL, NULL, 0, "", 0);
		snprintf(res->what, sizeof(res->what), "Unmuted %s (on another server).",
		    who->name);
		res->remote = true;
		return done(m, res);
	}
	if (!who->muted)
		return CHAT_OPER_NOT_MUTED;
	unmute(who, res->what);
	return done(m, res);
}

static void remote_unmute(struct chat *ch, const struct cluster_oper *op)
{
	char msg[CHAT_OPER_WHAT_MAX];
	struct member *who = local_target(ch, op);

	if (who == NULL || !who->muted)
		return;
	unmute(who, msg);
	oper_log_from(op, msg);
}

/* --- wall ---------------------------------------------------------------------------- */

static void wall_one(struct member *m, void *arg)
{
	tell(m, arg);
}

static void wall(struct chat *ch, const char *by, const char *text, size_t len,
    char out[CHAT_OPER_WHAT_MAX])
{
	snprintf(out, CHAT_OPER_WHAT_MAX, "*** Notice from %s: %.*s", by,
	    (int)utf8_cut(text, len, WALL_TEXT_MAX), text);
	chat_each_member(ch, wall_one, out);
}

enum chat_oper_status chat_oper_wall(struct chat *ch, struct member *m, const char *text,
    size_t len, struct chat_oper_result *res)
{
	result_init(res);
	if (!m->oper)
		return CHAT_OPER_NOT_OPER;
	wall(ch, m->name, text, len, res->what);
	publish(ch, m->name, CLUSTER_OPER_WALL, NULL, NULL, NULL, 0, text, len);
	return done(m, res);
}

static void remote_wall(struct chat *ch, const struct cluster_oper *op)
{
	char msg[CHAT_OPER_WHAT_MAX];

	wall(ch, op->by, op->text, strlen(op->text), msg);
	oper_log_from(op, msg);
}

/* --- purge --------------------------------------------------------------------------- */

enum chat_oper_status chat_oper_purge(struct chat *ch, struct member *m, const char *name,
    struct chat_oper_result *res)
{
	size_t n;
	const char *reach = ".";

	result_init(res);
	if (!m->oper)
		return CHAT_OPER_NOT_OPER;
	n = chat_purge(ch, name);
	if (cluster_shares_oper(&ch->cluster)) {
		publish(ch, m->name, CLUSTER_OPER_PURGE, name, NULL, NULL, 0, "", 0);
		reach = cluster_purge(&ch->cluster, name) ? "; every server of the cluster purges "
		    "its own, and the shared history is purged too." : "; every server of the "
		    "cluster purges its own; Redis is away, so the shared history keeps them.";
	}
	snprintf(res->what, sizeof(res->what), "Purged %zu message%s of %s from the history%s",
	    n, n == 1 ? "" : "s", name, reach);
	return done(m, res);
}

static void remote_purge(struct chat *ch, const struct cluster_oper *op)
{
	char msg[CHAT_OPER_WHAT_MAX];
	size_t n = chat_purge(ch, op->target);

	snprintf(msg, sizeof(msg), "Purged %zu message%s of %s from the history.", n,
	    n == 1 ? "" : "s", op->target);
	oper_log_from(op, msg);
}

/* --- the actions of the other servers' operators ------------------------------------- */

void chat_oper_remote(struct chat *ch, const struct cluster_oper *op)
{
	static void (*const apply[])(struct chat *, const struct cluster_oper *) = {
		[CLUSTER_OPER_KICK] = remote_kick, [CLUSTER_OPER_MUTE] = remote_mute,
		[CLUSTER_OPER_UNMUTE] = remote_unmute, [CLUSTER_OPER_BAN] = remote_ban,
		[CLUSTER_OPER_BANADDR] = remote_banaddr, [CLUSTER_OPER_UNBAN] = remote_unban,
		[CLUSTER_OPER_PURGE] = remote_purge, [CLUSTER_OPER_WALL] = remote_wall,
	};

	if ((size_t)op->kind < sizeof(apply) / sizeof(apply[0]) && apply[op->kind] != NULL)
		apply[op->kind](ch, op);
}

/* --- topic --------------------------------------------------------------------------- */

enum chat_oper_status chat_oper_topic(struct chat *ch, struct member *m, struct room *r,
    const char *text, size_t len)
{
	char news[ROOM_TOPIC_NEWS_MAX];

	if (r == NULL)
		return CHAT_OPER_NO_SUCH_ROOM;
	if (!member_in(m, r))
		return CHAT_OPER_NOT_IN_ROOM;
	if (ch->cfg.opers != NULL && !m->oper)
		return CHAT_OPER_NOT_OPER;
	chat_set_topic(ch, r, m->name, text, len);
	room_topic_news(r, m->name, m->namelen, news, sizeof(news));
	if (m->oper)
		chat_oper_log(m, news);
	else
		log_msg(LOG_INFO, "topic %s: %s", m->conn != NULL ? m->conn->peer : "-", news);
	return CHAT_OPER_OK;
}
