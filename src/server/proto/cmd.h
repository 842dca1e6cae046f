/* cmd.h: the chat commands (/help, /name, /list, /rooms, /join, /msg, /quit). */
#ifndef CMD_H
#define CMD_H

#include <stddef.h>

struct chat;
struct member;

/* Run one command line (sanitised, without its leading '/'). Errors go to m alone. */
void cmd_dispatch(struct chat *ch, struct member *m, const char *line, size_t len);

#endif
