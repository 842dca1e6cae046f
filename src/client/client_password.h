/*
 * client_password.h: the server password the client gives a server started with
 * --password-file, when it is not typed: the first line of --server-password-file FILE,
 * else $TCPCHAT_SERVER_PASSWORD. (An account's own password will have names of its
 * own: --password-file and TCPCHAT_PASSWORD are not these.)
 */
#ifndef CLIENT_PASSWORD_H
#define CLIENT_PASSWORD_H

#include <stddef.h>

#define CLIENT_PASSWORD_ENV "TCPCHAT_SERVER_PASSWORD"

/* The password from file (NULL: none given), else from the environment, into *out
 * (malloc'd; NULL when neither gives one: an empty variable gives none). 0, or -1
 * with the reason in err: the file cannot be read, its first line is empty or longer
 * than TC_PASSWORD_MAX bytes. */
int client_password_load(const char *file, char **out, char *err, size_t errsz);

/* Wipe and free a password (NULL is fine). */
void client_password_free(char *password);

#endif
