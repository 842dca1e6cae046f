/*
 * tclimits.h: every limit and default of tcpchat, in one place, each with its unit.
 * The man page's LIMITS section lists the same values; options that change them are
 * named next to each one.
 */
#ifndef TCLIMITS_H
#define TCLIMITS_H

/* --- server: network ---------------------------------------------------------- */
#define TC_DEFAULT_PORT          8989   /* TCP port, --port */
#define TC_LISTEN_BACKLOG        1024   /* connections, listen(2) backlog */
#define TC_DEFAULT_MAX_CLIENTS   10     /* connections counted from accept, --max-clients */
#define TC_MAX_CLIENTS_LIMIT     100000 /* connections, the largest --max-clients accepted */
#define TC_ACCEPT_BACKOFF_MS     200    /* milliseconds without accept() after EMFILE/ENFILE */
#define TC_ACCEPTS_PER_PASS      256    /* connections accepted per loop pass */

/* --- server: input ------------------------------------------------------------ */
#define TC_DEFAULT_MAX_LINE      4096   /* bytes in one line, newline excluded, --max-line */
#define TC_MIN_MAX_LINE          64     /* bytes, smallest --max-line */
#define TC_MAX_MAX_LINE          65536  /* bytes, largest --max-line */
#define TC_READ_CHUNK            16384  /* bytes read from one client per loop pass */
#define TC_NAME_MAX_CHARS        32     /* characters (code points) in a name */
#define TC_ROOM_MAX_CHARS        32     /* characters in a room name */
#define TC_DEFAULT_RATE          20     /* messages per second per client, --rate-limit */
#define TC_RATE_BURST_SECONDS    2      /* burst allowance: this many seconds of rate */
#define TC_DEFAULT_NAME_TIMEOUT  60     /* seconds to give a valid name, --name-timeout */
#define TC_MAX_NAME_TRIES        16     /* refused names before the connection is closed */

/* --- server: output and slow readers ------------------------------------------ */
#define TC_DEFAULT_MAX_QUEUE_KIB 8192   /* KiB of output queued per client (hard), --max-queue */
#define TC_SOFT_QUEUE_DIVISOR    4      /* soft limit = hard limit / this */
#define TC_SOFT_QUEUE_SECONDS    10     /* seconds a client may stay above the soft limit */
#define TC_WRITE_MAX_PER_PASS    (256 * 1024) /* bytes written to one client per loop pass */
#define TC_SHUTDOWN_FLUSH_MS     1000   /* milliseconds to flush output on SIGINT/SIGTERM */

/* --- server: rooms and history ------------------------------------------------- */
#define TC_DEFAULT_ROOM          "lobby"
#define TC_DEFAULT_HISTORY       1000   /* messages kept and replayed per room, --history */
#define TC_MAX_HISTORY           100000 /* messages, the largest --history */
#define TC_HISTORY_MAX_BYTES     (1024 * 1024) /* bytes of text kept per room */
#define TC_DEFAULT_ANNOUNCE_MAX 500  /* members: larger rooms get no join/leave notices, --announce-max */
#define TC_MAX_ROOMS             256    /* rooms at once (empty ones with history included) */

/* --- TLS ----------------------------------------------------------------------- */
#define TC_DEFAULT_TLS_PORT      8990   /* TCP port of the TLS listener, and of connect with TLS */
#define TC_TLS_HANDSHAKE_MS      10000  /* milliseconds from accept to a finished TLS handshake */
#define TC_TLS_CERT_DAYS         3650   /* days a generated self-signed certificate is valid */
#define TC_KNOWN_HOSTS_MAX_BYTES (1024 * 1024) /* bytes, the largest known_hosts file read */

/* --- logging ------------------------------------------------------------------- */
#define TC_LOG_PEER_TEXT_MAX     80     /* bytes of peer-supplied text in one stderr log line */

/* --- client -------------------------------------------------------------------- */
#define TC_CLIENT_SCROLLBACK     5000   /* lines kept in the client's history pane */
#define TC_CLIENT_PASTE_CONFIRM  5      /* lines in one paste before asking to confirm */
#define TC_CLIENT_RECONNECT_MIN_MS 500  /* milliseconds, first reconnect delay */
#define TC_CLIENT_RECONNECT_MAX_MS 30000 /* milliseconds, longest reconnect delay */
#define TC_CLIENT_HANDSHAKE_MS   3000   /* milliseconds to wait for the protocol answer */
#define TC_CLIENT_INPUT_HISTORY  1000   /* input lines kept in the history file */
#define TC_CLIENT_MAX_LINE       (65536 * 2) /* bytes in one line from the server: twice TC_MAX_MAX_LINE */
#define TC_CLIENT_KEY_QUEUE      4096   /* bytes of keys waiting for readline */

_Static_assert(TC_CLIENT_MAX_LINE >= 2 * TC_MAX_MAX_LINE, "the client takes any line the server sends");

#endif
