/*
 * cmdlist.h: the chat commands, defined once as data: names, aliases, argument kinds,
 * usage and help. The server's dispatcher (cmd.c) attaches a handler to each id; the
 * client completes and explains from the same table. Pure.
 */
#ifndef CMDLIST_H
#define CMDLIST_H

#include <stdbool.h>
#include <stddef.h>

enum cmdlist_id {
	CMDLIST_HELP, CMDLIST_NAME, CMDLIST_LIST, CMDLIST_ROOMS, CMDLIST_JOIN, CMDLIST_MSG,
	CMDLIST_HISTORY, CMDLIST_QUIT, CMDLIST_TOPIC,
	/* Operator commands (cmd_oper.c). */
	CMDLIST_OPER, CMDLIST_KICK, CMDLIST_BAN, CMDLIST_UNBAN, CMDLIST_BANS, CMDLIST_MUTE,
	CMDLIST_UNMUTE, CMDLIST_WALL, CMDLIST_PURGE,
	/* Several rooms at once (client dialect 2, IRC). */
	CMDLIST_PART, CMDLIST_SAY,
	/* Attention. */
	CMDLIST_AWAY, CMDLIST_WHOIS, CMDLIST_IGNORE, CMDLIST_UNIGNORE, CMDLIST_NAMES,
	CMDLIST_STATS,
	/* The link: a client's keepalive. */
	CMDLIST_PING,
	/* Actions ("/me waves": * alice waves). */
	CMDLIST_ME, CMDLIST_ACTION,
	CMDLIST_COUNT
};

enum cmdlist_args {
	CMDLIST_NONE,      /* no argument */
	CMDLIST_ONE_WORD,  /* exactly one word */
	CMDLIST_REST,      /* the rest of the line, not empty */
	CMDLIST_ANY,       /* the rest of the line, may be empty */
	CMDLIST_OPT_WORD,  /* nothing or one word */
};

struct cmdlist_cmd {
	enum cmdlist_id id;
	const char *name;      /* without the slash: "name" */
	const char *alias;     /* "nick", or NULL */
	enum cmdlist_args args;
	const char *usage;     /* "/name NEW" */
	const char *help;      /* "change your name" */
};

/* The commands in /help order; cmdlist[i].id == i. */
extern const struct cmdlist_cmd cmdlist[CMDLIST_COUNT];

/* The command whose name or alias is word[0..len), ASCII case-insensitive; or NULL. */
const struct cmdlist_cmd *cmdlist_find(const char *word, size_t len);

/* Does the (trimmed) argument arg[0..len) fit the command's argument kind? */
bool cmdlist_args_ok(const struct cmdlist_cmd *cmd, const char *arg, size_t len);

/* The /help line of a command: "  /name NEW        change your name (or /nick)". */
void cmdlist_help_line(const struct cmdlist_cmd *cmd, char *out, size_t outsz);

/* Every "/name" and "/alias" in table order, NULL-terminated (xmalloc'd copies, for
 * completion; the caller frees each and the array). */
char **cmdlist_words(void);

#endif
