/*
 * known_hosts.h: the TLS certificates the client trusts on first use, as ssh's
 * known_hosts: the file known_hosts in the state directory (statedir.h; for a user,
 * ~/.local/state/tcpchat/known_hosts), mode 0600.
 *
 * One line per host and port:   HOST PORT FINGERPRINT
 * fields separated by spaces or tabs; HOST as given to `tcpchat connect` (compared
 * without regard to ASCII case), PORT decimal, FINGERPRINT in the tls.h format (on
 * input colons and case are optional). Blank lines and lines whose first non-blank is
 * '#' are comments. A malformed line is skipped by a lookup and kept by an update.
 *
 * The parsing functions are pure (no I/O); the file functions read the whole file
 * (at most TC_KNOWN_HOSTS_MAX_BYTES) and replace it atomically.
 */
#ifndef KNOWN_HOSTS_H
#define KNOWN_HOSTS_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "tls.h"

#define KNOWN_HOSTS_FILE "known_hosts"
#define KNOWN_HOSTS_HOST_MAX 255        /* bytes in a host name */

enum known_hosts_status {
	KNOWN_HOSTS_UNKNOWN,    /* no line for this host and port */
	KNOWN_HOSTS_MATCH,      /* a line with this fingerprint */
	KNOWN_HOSTS_CHANGED,    /* lines for this host and port, none with this fingerprint */
};

struct known_hosts_entry {
	const char *host;       /* into the line parsed, not NUL-terminated */
	size_t hostlen;
	int port;
	char fp[TLS_FP_MAX];    /* normalised */
};

/* n bytes of a fingerprint, colons and case optional ("ab12..." or "AB:12:..."),
 * blanks around it ignored, into the canonical "AB:12:..." form. 0, or -1 if it is
 * not 32 bytes of hex. */
int known_hosts_fp_normalize(const char *in, size_t n, char out[TLS_FP_MAX]);

/* A host name fit for the file: 1 to KNOWN_HOSTS_HOST_MAX bytes, no blank, no control
 * byte, not starting with '#'. */
bool known_hosts_valid_host(const char *host);

/* One line (without its newline): 1 an entry in *e, 0 blank or comment, -1 malformed. */
int known_hosts_parse_line(const char *line, size_t n, struct known_hosts_entry *e);

/* Look host and port up in the text of a known_hosts file, for the fingerprint fp
 * (any form known_hosts_fp_normalize() takes).
 * For MATCH and CHANGED, *line (if not NULL) is the 1-based line of the entry found
 * (for CHANGED the first entry for host and port, whose fingerprint goes into old
 * when old is not NULL). */
enum known_hosts_status known_hosts_lookup(const char *text, size_t n, const char *host,
    int port, const char *fp, char old[TLS_FP_MAX], size_t *line);

/* The text with every entry for host and port left out and, when fp (canonical) is not
 * NULL, one "host port fp" line added at the end, appended to out. Every other line is kept,
 * and ends with a newline. Returns how many entries were left out. */
size_t known_hosts_rewrite(const char *text, size_t n, const char *host, int port,
    const char *fp, struct buf *out);

/* --- the file ----------------------------------------------------------------- */

/* The file's path in the state directory (made if missing). 0, or -1 with errbuf. */
int known_hosts_path(char *out, size_t n, char *errbuf, size_t errsz);

/* known_hosts_lookup() on the file (a missing file knows no host). The status, or -1
 * with errbuf. */
int known_hosts_check(const char *path, const char *host, int port, const char *fp,
    char old[TLS_FP_MAX], size_t *line, char *errbuf, size_t errsz);

/* Trust fp for host and port from now on (replacing what was there). 0, or -1. */
int known_hosts_add(const char *path, const char *host, int port, const char *fp,
    char *errbuf, size_t errsz);

/* Forget host and port. How many entries were removed (0: the file is not touched),
 * or -1 with errbuf. */
int known_hosts_forget(const char *path, const char *host, int port, char *errbuf,
    size_t errsz);

#endif
