/* opers.h: operator accounts (--oper-file) and the server password (--password-file),
 * both checked with the system's crypt_r (libcrypt), never a home-made hash.
 *
 * The oper file: one account a line, NAME:HASH; blank lines and lines starting with #
 * (after leading blanks) are ignored, trailing blanks and a CR are dropped. NAME is 1 to
 * OPERS_NAME_MAX bytes, no spaces, control characters or ':' (an account name for
 * /oper NAME PASSWORD, not necessarily the user's chat name; compared byte for byte).
 * HASH is what `mkpasswd` or `openssl passwd -6` print: a crypt hash of a method this
 * libcrypt enables and does not call legacy (so not DES or MD5); it is checked at load.
 * The password file: one such HASH alone on a line, with the same comments.
 *
 * Either file must be a regular file that neither group nor others can read or write
 * (chmod 600): a hash that others can read can be cracked offline. */
#ifndef OPERS_H
#define OPERS_H

#include <stdbool.h>
#include <stddef.h>

#include "tclimits.h"

#define OPERS_NAME_MAX (4 * TC_NAME_MAX_CHARS) /* bytes in an operator account name */

struct oper {
	char *name;
	char *hash;
};

struct opers {
	struct oper *v;
	size_t n;
};

/* Called once for each problem found, with a one-line message ("FILE:LINE: reason"). */
typedef void opers_report_fn(void *ctx, const char *msg);

/* Load path into o (emptied first). Reports every bad line and any problem with the
 * file itself; returns 0 when there were none, else -1 and o is empty. */
int opers_load(struct opers *o, const char *path, opers_report_fn *report, void *ctx);
void opers_free(struct opers *o);
/* 1 when name is an operator account and password its password, else 0. Runs one crypt
 * whether or not the name exists, so the time taken does not tell which names do. */
int opers_check(const struct opers *o, const char *name, const char *password);
/* The hash to check name's password against: its own (*known true), or, for a name
 * that is no account, another account's (*known false), so that the check costs the
 * same and the time taken does not tell which names exist. NULL: no accounts. */
const char *opers_hash(const struct opers *o, const char *name, bool *known);
/* 1 when crypt_r(password, hash) is hash (compared in constant time), else 0; 0 for a
 * password longer than TC_PASSWORD_MAX bytes. */
int opers_verify(const char *hash, const char *password);
/* NULL when hash is a usable crypt hash, else a one-line reason. */
const char *opers_hash_problem(const char *hash);
/* The server password file: its one hash (free it), or NULL with a reason in errbuf. */
char *opers_load_password(const char *path, char *errbuf, size_t errsz);

#endif
