/* cmdlist.c: the command table. See cmdlist.h. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cmdlist.h"
#include "util.h"

const struct cmdlist_cmd cmdlist[CMDLIST_COUNT] = {
	{ CMDLIST_HELP, "help", NULL, CMDLIST_NONE, "/help", "list the commands" },
	{ CMDLIST_NAME, "name", "nick", CMDLIST_REST, "/name NEW", "change your name" },
	{ CMDLIST_LIST, "list", "who", CMDLIST_NONE, "/list", "who is in this room" },
	{ CMDLIST_ROOMS, "rooms", NULL, CMDLIST_NONE, "/rooms",
	    "every room and how many are in it" },
	{ CMDLIST_JOIN, "join", NULL, CMDLIST_ONE_WORD, "/join ROOM",
	    "go to ROOM, creating it if needed" },
	{ CMDLIST_MSG, "msg", NULL, CMDLIST_REST, "/msg NAME TEXT", "a private message to NAME" },
	{ CMDLIST_HISTORY, "history", NULL, CMDLIST_OPT_WORD, "/history [N]",
	    "the last N messages of this room (default: all kept)" },
	{ CMDLIST_QUIT, "quit", NULL, CMDLIST_ANY, "/quit [REASON]",
	    "leave the chat (the others see REASON)" },
	{ CMDLIST_TOPIC, "topic", NULL, CMDLIST_ANY, "/topic [TEXT]",
	    "show or set this room's topic" },
	{ CMDLIST_OPER, "oper", NULL, CMDLIST_REST, "/oper NAME PASSWORD",
	    "become an operator" },
	{ CMDLIST_KICK, "kick", NULL, CMDLIST_REST, "/kick NAME [REASON]",
	    "operators: disconnect NAME" },
	{ CMDLIST_BAN, "ban", NULL, CMDLIST_REST, "/ban NAME|ADDRESS [DURATION] [REASON]",
	    "operators: ban an address (and kick it)" },
	{ CMDLIST_UNBAN, "unban", NULL, CMDLIST_ONE_WORD, "/unban ADDRESS",
	    "operators: lift a ban" },
	{ CMDLIST_BANS, "bans", NULL, CMDLIST_NONE, "/bans", "operators: list the bans" },
	{ CMDLIST_MUTE, "mute", NULL, CMDLIST_REST, "/mute NAME [DURATION]",
	    "operators: refuse NAME's messages" },
	{ CMDLIST_UNMUTE, "unmute", NULL, CMDLIST_REST, "/unmute NAME",
	    "operators: let NAME speak again" },
	{ CMDLIST_WALL, "wall", NULL, CMDLIST_REST, "/wall TEXT",
	    "operators: a notice to every room" },
	{ CMDLIST_PURGE, "purge", NULL, CMDLIST_REST, "/purge NAME",
	    "operators: remove NAME's messages from the history" },
	{ CMDLIST_PART, "part", NULL, CMDLIST_ANY, "/part [ROOM [REASON]]",
	    "leave ROOM, when you are in several (client, IRC)" },
	{ CMDLIST_SAY, "say", NULL, CMDLIST_REST, "/say ROOM TEXT", "say TEXT in ROOM, one of yours" },
	{ CMDLIST_AWAY, "away", NULL, CMDLIST_ANY, "/away [TEXT]",
	    "mark yourself away (TEXT shown to who messages you); alone: back" },
	{ CMDLIST_WHOIS, "whois", NULL, CMDLIST_REST, "/whois NAME",
	    "NAME's rooms, idle time, away text, connected since" },
	{ CMDLIST_IGNORE, "ignore", NULL, CMDLIST_REST, "/ignore NAME",
	    "see no more messages from NAME" },
	{ CMDLIST_UNIGNORE, "unignore", NULL, CMDLIST_REST, "/unignore NAME",
	    "see NAME's messages again" },
	{ CMDLIST_NAMES, "names", NULL, CMDLIST_OPT_WORD, "/names [ROOM]",
	    "who is in ROOM (default: this room)" },
	{ CMDLIST_STATS, "stats", NULL, CMDLIST_NONE, "/stats",
	    "operators: uptime, connections, rooms, traffic, drops" },
	{ CMDLIST_PING, "ping", NULL, CMDLIST_ANY, "/ping [TOKEN]",
	    "the server answers PONG [TOKEN] (a client's keepalive)" },
	{ CMDLIST_ME, "me", NULL, CMDLIST_REST, "/me TEXT",
	    "an action: this room sees * NAME TEXT" },
	{ CMDLIST_ACTION, "action", NULL, CMDLIST_REST, "/action #ROOM|NAME TEXT",
	    "an action in ROOM, or to NAME alone" },
};

static bool is_word(const char *name, const char *s, size_t n)
{
	return name != NULL && strlen(name) == n && strncasecmp(name, s, n) == 0;
}

const struct cmdlist_cmd *cmdlist_find(const char *word, size_t len)
{
	for (size_t i = 0; i < CMDLIST_COUNT; i++)
		if (is_word(cmdlist[i].name, word, len) || is_word(cmdlist[i].alias, word, len))
			return &cmdlist[i];
	return NULL;
}

bool cmdlist_args_ok(const struct cmdlist_cmd *cmd, const char *arg, size_t len)
{
	switch (cmd->args) {
	case CMDLIST_NONE: return len == 0;
	case CMDLIST_ONE_WORD: return len > 0 && memchr(arg, ' ', len) == NULL;
	case CMDLIST_REST: return len > 0;
	case CMDLIST_ANY: return true;
	case CMDLIST_OPT_WORD: return memchr(arg, ' ', len) == NULL;
	}
	return false;
}

void cmdlist_help_line(const struct cmdlist_cmd *cmd, char *out, size_t outsz)
{
	char alias[32] = "";

	if (cmd->alias != NULL)
		snprintf(alias, sizeof(alias), " (or /%s)", cmd->alias);
	snprintf(out, outsz, "  %-16s %s%s", cmd->usage, cmd->help, alias);
}

static char *slashed(const char *word)
{
	size_t n = strlen(word) + 2;
	char *s = xmalloc(n);

	snprintf(s, n, "/%s", word);
	return s;
}

char **cmdlist_words(void)
{
	char **words = xcalloc(2 * CMDLIST_COUNT + 1, sizeof(*words));
	size_t n = 0;

	for (size_t i = 0; i < CMDLIST_COUNT; i++) {
		words[n++] = slashed(cmdlist[i].name);
		if (cmdlist[i].alias != NULL)
			words[n++] = slashed(cmdlist[i].alias);
	}
	return words;
}
