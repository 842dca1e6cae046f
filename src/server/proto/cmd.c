/* cmd.c: the command handlers and their one dispatcher (the table is cmdlist.c). Every command works the same from
 * nc and from the client; replies and errors go to the sender only. */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "attention.h"
#include "chat.h"
#include "cmd.h"
#include "cmdlist.h"
#include "cmd_oper.h"
#include "member.h"
#include "line.h"
#include "names.h"
#include "options.h"
#include "tclimits.h"
#include "utf8.h"

#define CMD_QUIT_WORDS "Quit: "    /* before the words of a /quit */

typedef void cmd_fn(struct chat *ch, struct member *m, const char *arg, size_t len);

static cmd_fn cmd_part, cmd_say, cmd_ping, cmd_me, cmd_action;
static cmd_fn cmd_help, cmd_name, cmd_list, cmd_rooms, cmd_join, cmd_msg, cmd_history, cmd_quit;

/* The handler of each command of cmdlist.h (names, usage and help live there). */
static cmd_fn *const handlers[CMDLIST_COUNT] = {
	[CMDLIST_HELP] = cmd_help, [CMDLIST_NAME] = cmd_name, [CMDLIST_LIST] = cmd_list,
	[CMDLIST_ROOMS] = cmd_rooms, [CMDLIST_JOIN] = cmd_join, [CMDLIST_PART] = cmd_part,
	[CMDLIST_SAY] = cmd_say, [CMDLIST_AWAY] = attention_away,
	[CMDLIST_WHOIS] = attention_whois, [CMDLIST_IGNORE] = attention_ignore,
	[CMDLIST_UNIGNORE] = attention_unignore, [CMDLIST_NAMES] = attention_names,
	[CMDLIST_STATS] = cmd_oper_stats, [CMDLIST_MSG] = cmd_msg, [CMDLIST_HISTORY] = cmd_history,
	[CMDLIST_QUIT] = cmd_quit, [CMDLIST_TOPIC] = cmd_oper_topic,
	[CMDLIST_OPER] = cmd_oper_oper, [CMDLIST_KICK] = cmd_oper_kick,
	[CMDLIST_BAN] = cmd_oper_ban, [CMDLIST_UNBAN] = cmd_oper_unban,
	[CMDLIST_BANS] = cmd_oper_bans, [CMDLIST_MUTE] = cmd_oper_mute,
	[CMDLIST_UNMUTE] = cmd_oper_unmute, [CMDLIST_WALL] = cmd_oper_wall,
	[CMDLIST_PURGE] = cmd_oper_purge, [CMDLIST_PING] = cmd_ping, [CMDLIST_ME] = cmd_me,
	[CMDLIST_ACTION] = cmd_action,
};

static void cmd_help(struct chat *ch, struct member *m, const char *arg, size_t len)
{
	char line[160];

	(void)ch, (void)arg, (void)len;
	member_info(m, "Commands:");
	for (size_t i = 0; i < CMDLIST_COUNT; i++) {
		cmdlist_help_line(&cmdlist[i], line, sizeof(line));
		member_info(m, line);
	}
	member_info(m, "  //TEXT           send a message that starts with /");
}

static void cmd_name(struct chat *ch, struct member *m, const char *arg, size_t len)
{
	chat_rename(ch, m, arg, len);
}

static void cmd_list(struct chat *ch, struct member *m, const char *arg, size_t len)
{
	(void)arg, (void)len;
	chat_members(ch, m);
}

static void cmd_rooms(struct chat *ch, struct member *m, const char *arg, size_t len)
{
	char line[128];
	const struct rooms *rs = chat_rooms(ch);

	(void)arg, (void)len;
	snprintf(line, sizeof(line), "%zu room%s:", rs->count, rs->count == 1 ? "" : "s");
	member_info(m, line);
	for (const struct room *r = rooms_first(rs); r != NULL; r = rooms_next(r)) {
		snprintf(line, sizeof(line), "  %s (%zu)%s", r->name, r->nmembers,
		    r == m->room ? " <- you are here" : "");
		member_info(m, line);
	}
}

static void cmd_join(struct chat *ch, struct member *m, const char *arg, size_t len)
{
	chat_join(ch, m, arg, len);
}

/* "/part [ROOM [REASON]]": room names hold no space, so the first word is the room. */
static void cmd_part(struct chat *ch, struct member *m, const char *arg, size_t len)
{
	const char *sp = memchr(arg, ' ', len);
	size_t rl = sp != NULL ? (size_t)(sp - arg) : len;
	char reason[TC_REASON_MAX + 1];

	snprintf(reason, sizeof(reason), "%.*s",
	    (int)utf8_cut(arg + rl, len - rl, TC_REASON_MAX), arg + rl);
	chat_part(ch, m, arg, rl, reason);
}

/* "ROOM TEXT": kind said in ROOM, one of m's rooms. */
static void say_in(struct chat *ch, struct member *m, enum say_kind kind, const char *arg,
    size_t len, const char *usage)
{
	const char *sp = memchr(arg, ' ', len);
	const char *text = sp;
	size_t tlen = sp ? len - (size_t)(sp - arg) : 0;

	if (sp != NULL)
		line_trim(&text, &tlen);
	if (sp == NULL || tlen == 0) {
		member_error(m, usage);
		return;
	}
	chat_say_in(ch, m, arg, (size_t)(sp - arg), kind, text, tlen);
}

static void cmd_say(struct chat *ch, struct member *m, const char *arg, size_t len)
{
	say_in(ch, m, SAY_MSG, arg, len, "Usage: /say ROOM TEXT");
}

/* "NAME TEXT": kind said to NAME alone. NAME may contain spaces: the longest run of
 * words that names someone. */
static void say_to(struct chat *ch, struct member *m, enum say_kind kind, const char *arg,
    size_t len, const char *usage)
{
	size_t namelen = 0, scan = len < NAME_MAX_BYTES + 1 ? len : NAME_MAX_BYTES + 1;
	struct member *to = chat_find_prefix(ch, arg, len, &namelen);
	char msg[128];

	if (to == NULL) {
		const char *sp = memchr(arg, ' ', scan);
		int wl = (int)(sp ? (size_t)(sp - arg) : scan);

		snprintf(msg, sizeof(msg), "No such user: %.*s",
		    (int)utf8_cut(arg, (size_t)wl, 64), arg);
		member_error(m, msg);
		return;
	}
	arg += namelen;
	len -= namelen;
	line_trim(&arg, &len);
	if (len == 0) {
		member_error(m, usage);
		return;
	}
	chat_private(ch, m, to, kind, arg, len);
}

static void cmd_msg(struct chat *ch, struct member *m, const char *arg, size_t len)
{
	say_to(ch, m, SAY_MSG, arg, len, "Usage: /msg NAME TEXT");
}

/* "/me TEXT": an action in m's room. */
static void cmd_me(struct chat *ch, struct member *m, const char *arg, size_t len)
{
	chat_say(ch, m, SAY_ACTION, arg, len);
}

/* "/action #ROOM TEXT": an action in one of m's rooms; "/action NAME TEXT": privately. */
static void cmd_action(struct chat *ch, struct member *m, const char *arg, size_t len)
{
	static const char usage[] = "Usage: /action #ROOM|NAME TEXT";

	if (arg[0] == '#')
		say_in(ch, m, SAY_ACTION, arg + 1, len - 1, usage);
	else
		say_to(ch, m, SAY_ACTION, arg, len, usage);
}

static void cmd_history(struct chat *ch, struct member *m, const char *arg, size_t len)
{
	char num[16];
	long n = 0;

	if (len == 0) {
		chat_history(ch, m, SIZE_MAX);
		return;
	}
	snprintf(num, sizeof(num), "%.*s", (int)(len < sizeof(num) ? len : sizeof(num) - 1), arg);
	if (len >= sizeof(num) || options_parse_int(num, 1, LONG_MAX, &n) != 0) {
		member_error(m, "Usage: /history [N] (N a number of messages, at least 1)");
		return;
	}
	chat_history(ch, m, (size_t)n);
}

/* "/ping [TOKEN]": "PONG [TOKEN]" (an INFO record), so a client can tell a quiet link
 * from a dead one. The token is echoed up to 64 bytes. */
static void cmd_ping(struct chat *ch, struct member *m, const char *arg, size_t len)
{
	char line[80];

	(void)ch;
	if (len > 64)
		for (len = 64; len > 0 && ((unsigned char)arg[len] & 0xC0) == 0x80; len--)
			;     /* not inside a character */
	snprintf(line, sizeof(line), "PONG%s%.*s", len > 0 ? " " : "", (int)len, arg);
	member_info(m, line);
}

/* "/quit [REASON]": the others are told "Quit: REASON", as IRC tells a user's own words
 * (so they never pass for the server's, like "Ping timeout"). */
static void cmd_quit(struct chat *ch, struct member *m, const char *arg, size_t len)
{
	char reason[sizeof(CMD_QUIT_WORDS) + TC_REASON_MAX];

	snprintf(reason, sizeof(reason), CMD_QUIT_WORDS "%.*s",
	    (int)utf8_cut(arg, len, TC_REASON_MAX), arg);
	chat_leave(ch, m, len > 0 ? reason : NULL);
	chat_bye(m, "Goodbye!", "quit");
}

/* Why the arguments do not fit, when it is not plain from the usage. */
static const char *why_not(const struct cmdlist_cmd *cmd, size_t alen)
{
	if (cmd->id == CMDLIST_JOIN && alen > 0)
		return " (spaces are not allowed in room names)";
	return "";
}

void cmd_dispatch(struct chat *ch, struct member *m, const char *line, size_t len)
{
	const char *sp = memchr(line, ' ', len);
	size_t wl = sp ? (size_t)(sp - line) : len;
	const char *arg = line + wl;
	size_t alen = len - wl;
	const struct cmdlist_cmd *cmd = cmdlist_find(line, wl);   /* case-insensitive */
	char msg[128];

	line_trim(&arg, &alen);
	if (cmd == NULL) {
		snprintf(msg, sizeof(msg), "Unknown command: /%.*s (try /help)",
		    (int)utf8_cut(line, wl, 32), line);
		member_error(m, msg);
	} else if (!cmdlist_args_ok(cmd, arg, alen)) {
		snprintf(msg, sizeof(msg), "Usage: %s%s", cmd->usage, why_not(cmd, alen));
		member_error(m, msg);
	} else {
		handlers[cmd->id](ch, m, arg, alen);
	}
}
