/*
 * statedir.h: the state directory, where tcpchat keeps what must survive a restart
 * (the server's generated TLS certificate and key, the client's known_hosts), and
 * whole-file reads and atomic replacements of the files in it.
 *
 * The directory, first match wins:
 *   1. the override (--state-dir DIR), when not NULL;
 *   2. $STATE_DIRECTORY (systemd's StateDirectory=; of a colon-separated list, the first);
 *   3. $XDG_STATE_HOME/tcpchat (only an absolute $XDG_STATE_HOME counts, as the XDG
 *      base directory specification says);
 *   4. $HOME/.local/state/tcpchat.
 * It is created (with its missing parents) mode 0700 when missing.
 */
#ifndef STATEDIR_H
#define STATEDIR_H

#include <stddef.h>
#include <sys/types.h>

#include "buf.h"

/* The directory (created if needed) into out. 0, or -1 with a reason in errbuf
 * (no home, a path too long, mkdir failed, not a directory). */
int statedir_dir(char *out, size_t n, const char *override, char *errbuf, size_t errsz);

/* The directory joined with file ("known_hosts"), the directory created if needed.
 * 0, or -1 with a reason in errbuf. */
int statedir_path(char *out, size_t n, const char *override, const char *file,
    char *errbuf, size_t errsz);

/* Append the whole of path to out, refusing files over max bytes and anything but a
 * regular file (a FIFO or a device is never waited on). 0; 1 when the file does not
 * exist (out untouched); -1 with a reason in errbuf. */
int statedir_read_file(const char *path, size_t max, struct buf *out, char *errbuf,
    size_t errsz);

/* Replace path atomically with n bytes of p: a temporary file in the same directory
 * (created 0600 with O_EXCL, never wider, then chmod to mode), fsync, rename. A reader
 * sees the old file or the new one, never a part. 0, or -1 with a reason in errbuf. */
int statedir_write_file(const char *path, const void *p, size_t n, mode_t mode,
    char *errbuf, size_t errsz);

#endif
