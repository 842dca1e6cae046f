/* cmd_oper.h: the operator commands (/oper, /kick, /ban, /unban, /bans, /mute, /unmute,
 * /wall, /purge, /stats) and /topic. Handlers for cmd.c's table (names, usage and help
 * in cmdlist.c): they read the arguments and say the outcome in the nc and client
 * lines; the rules are the chat's (chat_oper.h), shared with the IRC module.
 *
 * /oper NAME PASSWORD checks an account of the oper file (chat->opers, opers.h) and
 * makes the member an operator for its session; the password is never logged or echoed,
 * and a failed try costs TC_OPER_FAIL_TOKENS more lines of the rate limit. Every other
 * operator command needs that, is answered with one line to the operator, and is logged
 * at warning level with who did it. /topic is open to everyone when no oper file is
 * configured, else to operators (reading it is open to all). */
#ifndef CMD_OPER_H
#define CMD_OPER_H

#include <stddef.h>

struct chat;
struct member;
struct serve_options;

/* Load what moderation needs into ch from the options: the oper file (none: no
 * operators), with it the ban list of the state directory (none, with a warning, when
 * there is no state directory: only operators ban, so without an oper file it is not
 * read), the motd and the server password. 0, or -1 with a reason in err: a bad oper
 * or password file or an unreadable motd stops the server. cmd_oper_free() frees the
 * opers and bans (chat_free the motd and password). */
int cmd_oper_setup(struct chat *ch, const struct serve_options *opt, char *err,
    size_t errsz);
void cmd_oper_free(struct chat *ch);

void cmd_oper_oper(struct chat *ch, struct member *m, const char *arg, size_t len);
void cmd_oper_kick(struct chat *ch, struct member *m, const char *arg, size_t len);
void cmd_oper_ban(struct chat *ch, struct member *m, const char *arg, size_t len);
void cmd_oper_unban(struct chat *ch, struct member *m, const char *arg, size_t len);
void cmd_oper_bans(struct chat *ch, struct member *m, const char *arg, size_t len);
/* /stats: the server's one-line summary, as SIGUSR1 logs it. */
void cmd_oper_stats(struct chat *ch, struct member *m, const char *arg, size_t len);
void cmd_oper_mute(struct chat *ch, struct member *m, const char *arg, size_t len);
void cmd_oper_unmute(struct chat *ch, struct member *m, const char *arg, size_t len);
void cmd_oper_wall(struct chat *ch, struct member *m, const char *arg, size_t len);
void cmd_oper_purge(struct chat *ch, struct member *m, const char *arg, size_t len);
void cmd_oper_topic(struct chat *ch, struct member *m, const char *arg, size_t len);

#endif
