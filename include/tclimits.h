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
/* A real group needs hundreds (peers default to hundreds or thousands); one host is
 * held to --max-per-ip, so a higher ceiling cannot be filled from one address. */
#define TC_DEFAULT_MAX_CLIENTS   1000   /* connections counted from accept, --max-clients */
#define TC_CLASSIC_MAX_CLIENTS   10     /* connections, the limit when run as TCPChat (the net-cat contract) */
#define TC_MAX_CLIENTS_LIMIT     100000 /* connections, the largest --max-clients accepted */
#define TC_ACCEPT_BACKOFF_MS     200    /* milliseconds without accept() after EMFILE/ENFILE */
#define TC_ACCEPTS_PER_PASS      256    /* connections accepted per loop pass */

/* --- server: input ------------------------------------------------------------ */
#define TC_DEFAULT_MAX_LINE      4096   /* bytes in one line, newline excluded, --max-line */
#define TC_MIN_MAX_LINE          64     /* bytes, smallest --max-line */
#define TC_MAX_MAX_LINE          65536  /* bytes, largest --max-line */
#define TC_READ_CHUNK            16384  /* bytes read from one client per loop pass */
#define TC_HANGUP_READ_MAX       (1024 * 1024) /* bytes read from a peer that hung up, to handle or count as dropped */
#define TC_NAME_MAX_CHARS        32     /* characters (code points) in a name */
#define TC_NAME_MAX_MARKS        4      /* combining marks on a letter of a name (UTS #39) */
#define TC_ROOM_MAX_CHARS        32     /* characters in a room name */
#define TC_DEFAULT_RATE          20     /* messages per second per client, --rate-limit */
#define TC_RATE_BURST_SECONDS    2      /* burst allowance: this many seconds of rate */
#define TC_DEFAULT_NAME_TIMEOUT  60     /* seconds to give a valid name, --name-timeout */
#define TC_SNIFF_WAIT_MS         50     /* milliseconds the banner waits for a first line that may be HTTP, IRC or TLS */
#define TC_MAX_NAME_TRIES        16     /* refused names before the connection is closed */
#define TC_OUTPUT_BYTES_PER_TOKEN 4096  /* bytes of a command's own output (history, lists) that cost one more rate-limit token */
#define TC_RENAMES_PER_MINUTE    6      /* renames per minute per client (a burst of as many) */
#define TC_ROOM_CREATES_PER_MINUTE 10   /* new rooms one client may create per minute */
#define TC_ADDR_ROOM_CREATES_PER_MINUTE 30 /* new rooms the clients of one address may create per minute */
#define TC_AWAY_MAX              200    /* bytes of an /away text */
#define TC_IGNORE_MAX            32     /* names one member may /ignore */
#define TC_REASON_MAX            300    /* bytes of a leave's or a part's reason (/quit, /part, IRC QUIT and PART) once sanitised; longer are cut */

/* --- server: output and slow readers ------------------------------------------ */
#define TC_DEFAULT_MAX_QUEUE_KIB 8192   /* KiB of output queued per client (hard), --max-queue */
#define TC_SOFT_QUEUE_DIVISOR    4      /* soft limit = hard limit / this */
#define TC_SOFT_QUEUE_SECONDS    10     /* seconds a client may stay above the soft limit without draining it */
#define TC_SOFT_PROGRESS_DIVISOR 10     /* draining soft limit / this bytes in a second counts as progress */
#define TC_DEFAULT_STALL_TIMEOUT 60     /* seconds a client's queue may make no progress, --stall-timeout */
#define TC_DEFAULT_MAX_TOTAL_QUEUE_MIB 1024 /* MiB queued for all clients together, --max-total-queue */
#define TC_SNDBUF_BYTES          (256 * 1024) /* bytes, the kernel send buffer asked for each client */
#define TC_WRITE_MAX_PER_PASS    (256 * 1024) /* bytes written to one client per loop pass */
#define TC_SHUTDOWN_FLUSH_MS     1000   /* milliseconds to flush output on SIGINT/SIGTERM */

/* --- server: rooms and history ------------------------------------------------- */
#define TC_DEFAULT_ROOM          "lobby"
#define TC_DEFAULT_HISTORY       1000   /* messages kept and replayed per room, --history */
#define TC_MAX_HISTORY           100000 /* messages, the largest --history */
#define TC_HISTORY_MAX_BYTES     (1024 * 1024) /* bytes of text kept per room */
#define TC_DEFAULT_ANNOUNCE_MAX 500  /* members: larger rooms get no join/leave notices, --announce-max */
#define TC_MAX_ROOMS             256    /* rooms at once (empty ones with history included) */

/* --- server: the persistent chat log (--log) ---------------------------------------- */
#define TC_LOG_KIND_MAX_BYTES    16     /* bytes (A-Z) in a record's KIND */
#define TC_LOG_READ_CHUNK        65536  /* bytes read from the log per read(2) at replay */
#define TC_LOG_RETRY_MS          1000   /* milliseconds before a failed log write is retried */
#define TC_LOG_RETRY_MAX_KIB     1024   /* KiB of records held for that retry; past it they are dropped */
#define TC_LOG_COMPACT_RATIO     4      /* records in the file per record kept: past it the log is compacted */
#define TC_LOG_COMPACT_MIN_RECORDS 10000 /* records: a smaller log is never compacted */

/* --- server: per-address limits, bans, operators ------------------------------ */
/* Peers allow 3 to 16 connections at once per address; a classroom behind one NAT
 * address needs about 30, so 32. One host then holds 32 connections, never the chat. */
#define TC_DEFAULT_MAX_PER_ADDR  32     /* connections at once from one address (IPv6: one /64), --max-per-ip */
/* A class of 30 arriving at once, each reconnecting once, fits the burst; after it, a
 * connect loop (5,700 joins a second were seen) gets one connection every 2 seconds. */
#define TC_DEFAULT_ADDR_BURST    60     /* new connections one address may open at once */
#define TC_DEFAULT_ADDR_PER_MINUTE 30   /* new connections per address per minute, after the burst, --max-per-ip-rate */
#define TC_ADDRLIMIT_IDLE_ENTRIES 4096  /* addresses without connections whose rate is remembered */
#define TC_WARN_PER_MINUTE       6      /* operator warnings of one kind per minute, the rest counted */
#define TC_MAX_BANS              4096   /* bans at once */
#define TC_BAN_REASON_MAX        200    /* bytes in the reason of a ban */
#define TC_DURATION_MAX          (366 * 86400) /* seconds, the longest ban or mute */
#define TC_OPER_LINE_MAX         1024   /* bytes in one line of the oper or password file */
#define TC_PASSWORD_MAX          128    /* bytes in a password (SHA-crypt's work grows with it) */
#define TC_PASSWORD_HASH_MAX     512    /* bytes in a crypt hash */
/* Password checks (pwcheck.h): off the loop, and what a guesser gets. */
#define TC_PWCHECK_THREADS       2      /* worker threads running crypt_r */
#define TC_PWCHECK_QUEUE         64     /* checks waiting for a worker; more are refused */
#define TC_PWCHECK_PER_ADDR      4      /* checks at once from one address */
#define TC_PWCHECK_FREE_FAILS    3      /* failures of an address before its answers wait */
#define TC_PWCHECK_WINDOW_S      600    /* seconds an address's failures are remembered */
#define TC_PWCHECK_DELAY_MS      250    /* the first wait, doubled with each failure */
#define TC_PWCHECK_DELAY_MAX_MS  8000   /* the longest wait of an answer */
#define TC_PWCHECK_SERVER_FAILS  50     /* failures a minute server-wide per doubling */
#define TC_PWCHECK_LOG_PER_MINUTE 10    /* failure lines logged a minute */
#define TC_PWCHECK_ADDRS         1024   /* addresses remembered */
/* A crypt costs the server milliseconds: a failed /oper costs that many extra lines of
 * the rate limit (--rate-limit), so guessing is slow and cannot hog the server. */
#define TC_OPER_FAIL_TOKENS      5      /* extra rate-limit tokens a failed /oper costs */
#define TC_PASSWORD_TRIES        3      /* wrong server passwords (--password-file) before the close */
#define TC_TOPIC_MAX             300    /* bytes in a room's topic */
#define TC_TOPICS_SAVE_MS        1000   /* milliseconds between two writes of the topics file; changes in between wait for the next */
#define TC_TOPICS_FILE_MAX_BYTES (1024 * 1024) /* bytes, the largest topics file read */
#define TC_MOTD_MAX_BYTES        4096   /* bytes of the --motd file read */
#define TC_MOTD_LINE_MAX         300    /* bytes in one line of the --motd text; longer are cut */
#define TC_MSG_BIDI_MAX_DEPTH    16     /* nested bidi embeddings and isolates in one message */
#define TC_MSG_MAX_SPACE_RUN     3      /* whitespace characters in a row in a message; longer runs are cut to this */

/* --- TLS ----------------------------------------------------------------------- */
#define TC_DEFAULT_TLS_PORT      8990   /* TCP port of the TLS listener (--tls-port), and of connect --tls */
#define TC_TLS_HANDSHAKE_MS      10000  /* milliseconds from accept to a finished TLS handshake */
/* A refusal at accept on a TLS port is told inside TLS, after a handshake: that many at
 * once bound what a flood from a banned address costs; past it they are closed unsaid. */
#define TC_REFUSALS_TLS_MAX      64     /* refused connections in their TLS handshake at once */
#define TC_TLS_CERT_DAYS         3650   /* days a generated self-signed certificate is valid */
#define TC_KNOWN_HOSTS_MAX_BYTES (1024 * 1024) /* bytes, the largest known_hosts file read */

/* --- cluster: Redis (--redis) ----------------------------------------------------- */
#define TC_REDIS_CONNECT_TIMEOUT_MS 2000 /* milliseconds for a connection to Redis to open */
#define TC_REDIS_COMMAND_TIMEOUT_MS 3000 /* milliseconds for Redis to answer a command, then the connection is dropped */
#define TC_REDIS_RECONNECT_MIN_MS 100   /* milliseconds, first reconnect delay (doubled each failure) */
#define TC_REDIS_RECONNECT_MAX_MS 5000  /* milliseconds, longest reconnect delay */
#define TC_REDIS_NAME_LEASE_MS   12000  /* milliseconds a claimed name outlives a server that stopped refreshing it */
#define TC_REDIS_SERVER_TTL_MS   12000  /* milliseconds a server's heartbeat key lives: a server silent this long is dead */
#define TC_REDIS_REFRESH_MS      3000   /* milliseconds between refreshes of names, heartbeat and the dead-server check */
#define TC_REDIS_QUEUE_MAX       10000  /* events queued for Redis during an outage; past it the oldest are dropped */
#define TC_REDIS_QUEUE_MAX_KIB   8192   /* KiB of encoded events queued during an outage */
#define TC_REDIS_SERVER_ID_MAX   64     /* bytes in a server id on the wire */
/* An event's time comes from another server's clock: one far off (or a forged event)
 * would show as a date nobody can read, so it is refused. */
#define TC_BUS_TIME_MIN          946684800 /* seconds since the epoch (2000-01-01 00:00:00 UTC): the earliest event time taken from another server */
#define TC_BUS_TIME_AHEAD        86400  /* seconds an event time from another server may be ahead of this server's clock */

/* --- IRC (modern.ircdocs.horse) ------------------------------------------------- */
#define TC_IRC_LINE_MAX          512    /* bytes of one IRC message, CRLF included, tags excluded */
#define TC_IRC_TAGS_MAX          8191   /* bytes of an IRC message's tags, '@' and the space included */
#define TC_IRC_NICK_MAX          258    /* bytes of the IRC nick of a name: 2 + 2 * 128 bytes */
#define TC_IRC_PING_IDLE         120    /* seconds without input from an IRC client before a PING */
#define TC_IRC_PING_TIMEOUT      60     /* seconds to answer that PING before the connection is closed */
/* A list of targets ("PRIVMSG #a,#b,bob :hi") is one line with several effects: each
 * distinct target costs a line of the rate limit (--rate-limit), and 005's TARGMAX says
 * how many one line may name. */
#define TC_IRC_MSG_TARGETS       4      /* targets (channels, nicks) of one PRIVMSG or NOTICE */
#define TC_IRC_JOIN_TARGETS      10     /* channels of one JOIN or PART */

/* --- logging ------------------------------------------------------------------- */
#define TC_LOG_PEER_TEXT_MAX     80     /* bytes of peer-supplied text in one stderr log line */

/* --- client -------------------------------------------------------------------- */
#define TC_CLIENT_SCROLLBACK     5000   /* lines kept in the client's history pane */
#define TC_CLIENT_KEEPALIVE      30     /* seconds of a quiet link before the client pings (default) */
#define TC_CLIENT_STALL_MS       5000   /* milliseconds an unanswered ping takes to mark the link stalled (three times that: reconnect) */
#define TC_CLIENT_CONFIRM_MS     5000   /* milliseconds before a line of ours not echoed by the server is marked failed */
#define TC_CLIENT_FAILED_KEPT    64     /* lines of ours marked failed that a late echo still clears */
#define TC_CLIENT_MAX_WINDOWS    32     /* windows (rooms and private conversations) in the client */
#define TC_CLIENT_PASTE_CONFIRM  5      /* lines in one paste before asking to confirm */
#define TC_CLIENT_RECONNECT_MIN_MS 500  /* milliseconds, first reconnect delay */
#define TC_CLIENT_RECONNECT_MAX_MS 30000 /* milliseconds, longest reconnect delay */
#define TC_CLIENT_RECLAIM_MS     30000  /* milliseconds a reconnect keeps asking for its own name back (a cluster's lease) */
#define TC_CLIENT_RECLAIM_EVERY_MS 2000 /* milliseconds between those tries */
#define TC_CLIENT_HANDSHAKE_MS   3000   /* milliseconds to wait for the protocol answer */
#define TC_CLIENT_PASS_WAIT_MS   1000   /* milliseconds the client waits for a refusal of its server password before it sends the name */
#define TC_CLIENT_INPUT_HISTORY  1000   /* input lines kept in the history file */
#define TC_MEMBERS_RECORD_MAX    16384  /* bytes of names in one MEMBERS record; more go in MEMBERS+ records */
#define TC_CLIENT_MAX_LINE       (65536 * 4) /* bytes in one line from the server: four times TC_MAX_MAX_LINE */
#define TC_CLIENT_KEY_QUEUE      4096   /* bytes of keys waiting for readline */

/* A message of --max-line bytes grows to at most 3 times that once sanitised (each
 * invalid byte becomes U+FFFD, 3 bytes), plus the record's type, time and name. A
 * MEMBERS record lists a whole room and is not bounded by this (see PROTOCOL.md). */
_Static_assert(TC_CLIENT_MAX_LINE >= 3 * TC_MAX_MAX_LINE + 1024,
    "the client takes any message record the server sends");

#endif
