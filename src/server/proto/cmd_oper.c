/* cmd_oper.c: the operator commands and /topic (see cmd_oper.h): their arguments and
 * their words; the rules are the chat's (chat_oper.h).
 * Tested by tests/integration/test_operators.py (and test_cluster.py across servers);
 * no unit test: the rules it words are chat/chat_oper.c's, unit-tested by
 * test_chat_oper.c, and what is left here is the command layer. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bans.h"
#include "chat.h"
#include "chat_oper.h"
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
#define UNSAVED "The ban list could not be saved (see the server log)."

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

/* The member named by the longest run of words at the start of arg (names may hold
 * spaces), its length in *used; or NULL. At most a name's length is looked at. */
static struct member *target(struct chat *ch, const char *arg, size_t len, size_t *used)
{
	return chat_find_prefix(ch, arg, len, used);
}

/* The words of a refusal that names nothing typed; NULL for the others. */
static const char *refusal(enum chat_oper_status st)
{
	switch (st) {
	case CHAT_OPER_NOT_OPER: return "Only operators can do that (see /oper).";
	case CHAT_OPER_NO_OPERS: return "This server has no operators.";
	case CHAT_OPER_REFUSED: return "Wrong operator name or password.";
	case CHAT_OPER_BANS_FULL: return "The ban list is full.";
	default: return NULL;
	}
}

/* "No such user: NAME", NAME the first word typed. */
static const char *no_such_user(const char *arg, size_t len, char *why, size_t whysz)
{
	size_t wl = word_len(arg, len);

	snprintf(why, whysz, "No such user: %.*s", (int)utf8_cut(arg, wl, 64), arg);
	return why;
}

/* How m's command went: what was done (the oper log's words), or why not (the
 * refusal's, else the command's own in why). */
static void answer(struct member *m, enum chat_oper_status st,
    const struct chat_oper_result *res, const char *why)
{
	if (res->unsaved)
		member_error(m, UNSAVED);
	if (st == CHAT_OPER_OK)
		member_info(m, res->what);
	else
		member_error(m, refusal(st) != NULL ? refusal(st) : why);
}

/* Whether m may use an operator command: asked before its arguments are read, so that
 * others are told that, not what is wrong with them. */
static bool is_oper(struct member *m)
{
	enum chat_oper_status st = chat_oper_may(m);

	if (st != CHAT_OPER_OK)
		member_error(m, refusal(st));
	return st == CHAT_OPER_OK;
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

/* --- /oper ------------------------------------------------------------------------- */

void cmd_oper_oper(struct chat *ch, struct member *m, const char *arg, size_t len)
{
	char name[OPERS_NAME_MAX + 1], pass[TC_PASSWORD_MAX + 2];
	size_t wl = word_len(arg, len);
	enum chat_oper_status st;

	if (wl == len || wl > OPERS_NAME_MAX) {
		member_error(m, chat_oper_configured(ch) ? "Usage: /oper NAME PASSWORD" :
		    refusal(CHAT_OPER_NO_OPERS));
		return;
	}
	memcpy(name, arg, wl);
	name[wl] = '\0';
	skip(&arg, &len, wl);
	snprintf(pass, sizeof(pass), "%.*s", (int)(len < TC_PASSWORD_MAX + 1 ? len :
	    TC_PASSWORD_MAX + 1), arg);
	st = chat_oper_login(ch, m, name, pass);
	explicit_bzero(pass, sizeof(pass));
	if (st != CHAT_OPER_WAIT)       /* else the answer is told when it comes */
		member_error(m, refusal(st));
}

/* --- /kick ------------------------------------------------------------------------- */

void cmd_oper_kick(struct chat *ch, struct member *m, const char *arg, size_t len)
{
	struct chat_oper_result res;
	char why[128];
	size_t used = 0;
	struct member *who = target(ch, arg, len, &used);
	enum chat_oper_status st;

	no_such_user(arg, len, why, sizeof(why));
	if (who != NULL)
		skip(&arg, &len, used);
	st = chat_oper_kick(ch, m, who, NULL, arg, len, &res);
	answer(m, st, &res, why);
}

/* --- /ban, /unban, /bans ----------------------------------------------------------- */

static const char *no_such_target(const char *arg, size_t len, char *why, size_t whysz)
{
	size_t wl = word_len(arg, len);

	snprintf(why, whysz, "No such user or address: %.*s", (int)utf8_cut(arg, wl, 32), arg);
	return why;
}

/* What /ban names: a member (*who), or an address (k). 0, or -1 after telling m. */
static int ban_target(struct chat *ch, struct member *m, const char **arg, size_t *len,
    struct member **who, struct addrkey *k)
{
	char word[ADDRKEY_TEXT_MAX + 8], why[96];
	size_t used = 0, wl = word_len(*arg, *len);

	*who = target(ch, *arg, *len, &used);
	if (*who != NULL) {
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
	member_error(m, no_such_target(*arg, *len, why, sizeof(why)));
	return -1;
}

void cmd_oper_ban(struct chat *ch, struct member *m, const char *arg, size_t len)
{
	struct chat_oper_result res;
	struct addrkey k;
	struct member *who = NULL;
	long secs;
	char why[96];
	enum chat_oper_status st;

	no_such_target(arg, len, why, sizeof(why));
	if (!is_oper(m) || ban_target(ch, m, &arg, &len, &who, &k) != 0 ||
	    take_duration(m, &arg, &len, &secs) != 0)
		return;
	st = chat_oper_ban(ch, m, who, who == NULL ? &k : NULL, secs, arg, len, &res);
	answer(m, st, &res, why);
}

void cmd_oper_unban(struct chat *ch, struct member *m, const char *arg, size_t len)
{
	struct chat_oper_result res;
	char word[ADDRKEY_TEXT_MAX + 8], why[REPLY_MAX], addr[ADDRKEY_TEXT_MAX];
	struct addrkey k;
	enum chat_oper_status st;

	if (!is_oper(m))
		return;
	snprintf(word, sizeof(word), "%.*s", (int)utf8_cut(arg, len, sizeof(word) - 1), arg);
	if (addrkey_from_text(word, &k) != 0) {
		snprintf(why, sizeof(why), "Not an address: %s", word);
		member_error(m, why);
		return;
	}
	st = chat_oper_unban(ch, m, &k, &res);
	snprintf(why, sizeof(why), "%s is not banned.", addrkey_format(&k, addr));
	answer(m, st, &res, why);
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
	struct chat_oper_result res;
	char msg[64];
	time_t now = time(NULL);
	enum chat_oper_status st = chat_oper_bans(ch, m, &res);

	(void)arg, (void)len;
	if (st != CHAT_OPER_OK) {
		answer(m, st, &res, NULL);
		return;
	}
	if (res.unsaved)
		member_error(m, UNSAVED);
	snprintf(msg, sizeof(msg), "%zu ban%s:", ch->bans.n, ch->bans.n == 1 ? "" : "s");
	member_info(m, msg);
	for (size_t i = 0; i < ch->bans.n; i++)
		bans_line(m, &ch->bans.v[i], now);
}

/* --- /mute, /unmute ---------------------------------------------------------------- */

void cmd_oper_mute(struct chat *ch, struct member *m, const char *arg, size_t len)
{
	struct chat_oper_result res;
	char why[128];
	size_t used = 0;
	long secs;
	struct member *who;

	if (!is_oper(m))
		return;
	if ((who = target(ch, arg, len, &used)) == NULL) {
		member_error(m, no_such_user(arg, len, why, sizeof(why)));
		return;
	}
	skip(&arg, &len, used);
	if (take_duration(m, &arg, &len, &secs) != 0)
		return;
	if (len > 0) {
		member_error(m, "Usage: /mute NAME [DURATION]");
		return;
	}
	answer(m, chat_oper_mute(ch, m, who, secs, &res), &res, NULL);
}

void cmd_oper_unmute(struct chat *ch, struct member *m, const char *arg, size_t len)
{
	struct chat_oper_result res;
	char why[REPLY_MAX];
	struct member *who = chat_find(ch, arg, len);
	enum chat_oper_status st = chat_oper_unmute(ch, m, who, &res);

	if (who == NULL)
		snprintf(why, sizeof(why), "No such user: %.*s", (int)utf8_cut(arg, len, 64), arg);
	else
		snprintf(why, sizeof(why), "%s is not muted.", who->name);
	answer(m, st, &res, why);
}

/* --- /wall, /purge ----------------------------------------------------------------- */

void cmd_oper_wall(struct chat *ch, struct member *m, const char *arg, size_t len)
{
	struct chat_oper_result res;
	enum chat_oper_status st = chat_oper_wall(ch, m, arg, len, &res);

	if (st != CHAT_OPER_OK)         /* the notice told m too */
		answer(m, st, &res, NULL);
}

void cmd_oper_purge(struct chat *ch, struct member *m, const char *arg, size_t len)
{
	struct chat_oper_result res;
	char name[NAME_MAX_BYTES + 1];
	const char *why;

	if (!is_oper(m))
		return;
	why = names_check(arg, len, name);
	if (why != NULL) {
		member_error(m, why);
		return;
	}
	answer(m, chat_oper_purge(ch, m, name, &res), &res, NULL);
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
	bool clear = len == 1 && arg[0] == '-';
	enum chat_oper_status st;

	if (len == 0) {
		topic_show(m);
		return;
	}
	st = chat_oper_topic(ch, m, m->room, clear ? "" : arg, clear ? 0 : len);
	if (st != CHAT_OPER_OK)     /* m's own room: only an operator's right can lack */
		member_error(m, refusal(st) != NULL ? refusal(st) : "You cannot set this topic.");
}

/* --- setup ------------------------------------------------------------------------- */

static void oper_report(void *ctx, const char *msg)
{
	(void)ctx;
	log_msg(LOG_WARN, "oper file: %s", msg);
}

static int load_opers(struct chat *ch, const char *path, char *err, size_t errsz)
{
	ch->cfg.opers = xcalloc(1, sizeof(*ch->cfg.opers));
	if (opers_load(ch->cfg.opers, path, oper_report, NULL) == 0)
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
	ch->cfg.motd = motd_clean(raw, n);
	return 0;
}

int cmd_oper_setup(struct chat *ch, const struct serve_options *opt, char *err,
    size_t errsz)
{
	if (opt->oper_file != NULL && load_opers(ch, opt->oper_file, err, errsz) != 0)
		return -1;
	if (opt->motd_path != NULL && load_motd(ch, opt->motd_path, err, errsz) != 0)
		return -1;
	if (opt->password_file != NULL) {
		ch->cfg.password = opers_load_password(opt->password_file, err, errsz);
		if (ch->cfg.password == NULL)
			return -1;
	}
	return 0;
}

void cmd_oper_free(struct chat *ch)
{
	if (ch->cfg.opers != NULL)
		opers_free(ch->cfg.opers);
	free(ch->cfg.opers);
	ch->cfg.opers = NULL;
}

/* --- /stats --------------------------------------------------------------------------- */

void cmd_oper_stats(struct chat *ch, struct member *m, const char *arg, size_t len)
{
	char line[1024];

	(void)arg, (void)len;
	if (!is_oper(m))
		return;
	if (ch->hooks.stats_line == NULL) {
		member_error(m, "No statistics on this server.");
		return;
	}
	member_info(m, ch->hooks.stats_line(ch->hooks.arg, line, sizeof(line)));
	if (cluster_stats_line(&ch->cluster, line, sizeof(line)) != NULL)   /* --redis too */
		member_info(m, line);
}
