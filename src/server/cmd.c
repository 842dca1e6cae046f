/* cmd.c: the command table and its one dispatcher. Every command works the same from
 * nc and from the client; replies and errors go to the sender only. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "chat.h"
#include "cmd.h"
#include "line.h"
#include "names.h"
#include "utf8.h"

enum args { NONE, ONE_WORD, REST };

struct cmd {
	const char *name;
	const char *alias;
	enum args args;
	const char *usage;
	const char *help;
	void (*run)(struct chat *ch, struct conn *c, const char *arg, size_t len);
};

static void cmd_help(struct chat *ch, struct conn *c, const char *arg, size_t len);
static void cmd_name(struct chat *ch, struct conn *c, const char *arg, size_t len);
static void cmd_list(struct chat *ch, struct conn *c, const char *arg, size_t len);
static void cmd_rooms(struct chat *ch, struct conn *c, const char *arg, size_t len);
static void cmd_join(struct chat *ch, struct conn *c, const char *arg, size_t len);
static void cmd_msg(struct chat *ch, struct conn *c, const char *arg, size_t len);
static void cmd_quit(struct chat *ch, struct conn *c, const char *arg, size_t len);

static const struct cmd cmds[] = {
	{ "help", NULL, NONE, "/help", "list the commands", cmd_help },
	{ "name", "nick", REST, "/name NEW", "change your name", cmd_name },
	{ "list", "who", NONE, "/list", "who is in this room", cmd_list },
	{ "rooms", NULL, NONE, "/rooms", "every room and how many are in it", cmd_rooms },
	{ "join", NULL, ONE_WORD, "/join ROOM", "go to ROOM, creating it if needed", cmd_join },
	{ "msg", NULL, REST, "/msg NAME TEXT", "a private message to NAME", cmd_msg },
	{ "quit", NULL, NONE, "/quit", "leave the chat", cmd_quit },
};

static void cmd_help(struct chat *ch, struct conn *c, const char *arg, size_t len)
{
	char line[128];

	(void)ch, (void)arg, (void)len;
	conn_info(c, "Commands:");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		char alias[32] = "";

		if (cmds[i].alias != NULL)
			snprintf(alias, sizeof(alias), " (or /%s)", cmds[i].alias);
		snprintf(line, sizeof(line), "  %-16s %s%s", cmds[i].usage, cmds[i].help, alias);
		conn_info(c, line);
	}
	conn_info(c, "  //TEXT           send a message that starts with /");
}

static void cmd_name(struct chat *ch, struct conn *c, const char *arg, size_t len)
{
	chat_rename(ch, c, arg, len);
}

static void cmd_list(struct chat *ch, struct conn *c, const char *arg, size_t len)
{
	(void)arg, (void)len;
	chat_members(ch, c);
}

static void cmd_rooms(struct chat *ch, struct conn *c, const char *arg, size_t len)
{
	char line[128];

	(void)arg, (void)len;
	snprintf(line, sizeof(line), "%zu room%s:", ch->rooms.count,
	    ch->rooms.count == 1 ? "" : "s");
	conn_info(c, line);
	for (struct room *r = ch->rooms.list; r != NULL; r = r->next) {
		snprintf(line, sizeof(line), "  %s (%zu)%s", r->name, r->nmembers,
		    r == c->room ? " <- you are here" : "");
		conn_info(c, line);
	}
}

static void cmd_join(struct chat *ch, struct conn *c, const char *arg, size_t len)
{
	chat_join(ch, c, arg, len);
}

/* NAME may contain spaces: take the longest run of words that names someone. */
static void cmd_msg(struct chat *ch, struct conn *c, const char *arg, size_t len)
{
	struct conn *to = NULL;
	size_t namelen = 0;
	char msg[128];

	for (size_t i = 1; i <= len; i++) {
		if (i < len && arg[i] != ' ')
			continue;
		struct conn *who = names_find(ch->names, arg, i);

		if (who != NULL) {
			to = who;
			namelen = i;
		}
	}
	if (to == NULL) {
		const char *sp = memchr(arg, ' ', len);
		int wl = (int)(sp ? (size_t)(sp - arg) : len);

		snprintf(msg, sizeof(msg), "No such user: %.*s",
		    (int)utf8_cut(arg, (size_t)wl, 64), arg);
		conn_error(c, msg);
		return;
	}
	arg += namelen;
	len -= namelen;
	line_trim(&arg, &len);
	if (len == 0) {
		conn_error(c, "Usage: /msg NAME TEXT");
		return;
	}
	chat_private(ch, c, to, arg, len);
}

static void cmd_quit(struct chat *ch, struct conn *c, const char *arg, size_t len)
{
	(void)ch, (void)arg, (void)len;
	chat_bye(c, "Goodbye!", "quit");
}

/* Command names match case-insensitively (/HELP is /help). */
static bool is_word(const char *name, const char *s, size_t n)
{
	return strlen(name) == n && strncasecmp(name, s, n) == 0;
}

void cmd_dispatch(struct chat *ch, struct conn *c, const char *line, size_t len)
{
	const char *sp = memchr(line, ' ', len);
	size_t wl = sp ? (size_t)(sp - line) : len;
	const char *arg = line + wl;
	size_t alen = len - wl;
	char msg[128];

	line_trim(&arg, &alen);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		const struct cmd *cmd = &cmds[i];

		if (!is_word(cmd->name, line, wl) && !(cmd->alias && is_word(cmd->alias, line, wl)))
			continue;
		if ((cmd->args == NONE && alen > 0) || (cmd->args != NONE && alen == 0) ||
		    (cmd->args == ONE_WORD && memchr(arg, ' ', alen) != NULL)) {
			snprintf(msg, sizeof(msg), "Usage: %s", cmd->usage);
			conn_error(c, msg);
			return;
		}
		cmd->run(ch, c, arg, alen);
		return;
	}
	snprintf(msg, sizeof(msg), "Unknown command: /%.*s (try /help)",
	    (int)utf8_cut(line, wl, 32), line);
	conn_error(c, msg);
}
