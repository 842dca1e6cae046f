/*
 * client_help.h: the full-screen client's /help, pure: a short key card, then every
 * command (the client's own and the server's, cmdlist.h) in aligned columns; and
 * "/help KEY-OR-COMMAND" about one of them ("/help F2", "/help search", "/help /msg",
 * "/help Ctrl+End").
 */
#ifndef CLIENT_HELP_H
#define CLIENT_HELP_H

#include <stdbool.h>

typedef void (*client_help_fn)(const char *line, void *arg);

/* The lines of /help (topic NULL or blank) or of /help TOPIC, each given to out, for
 * text at most width columns wide (the command columns are fitted to it). False when
 * TOPIC is no key or command (out then gets a line that says so). */
bool client_help(const char *topic, int width, client_help_fn out, void *arg);

#endif
