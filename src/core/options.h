/* options.h: the command line of each subcommand, parsed with getopt_long. */
#ifndef OPTIONS_H
#define OPTIONS_H

#include <stdbool.h>

struct serve_options {
	int port;             /* 0..65535; 0 lets the kernel pick */
	const char *bind;     /* NULL: every IPv4 and IPv6 address */
	int max_clients;
	int history;          /* messages per room */
	int replay;           /* history lines sent on entering a room; -1 all kept */
	const char *log_path; /* NULL: no persistent log */
	int verbosity;        /* 0 quiet (warnings), 1 -v activity, 2 -vv debug; -1 errors only */
	int max_line;         /* bytes */
	int rate_limit;       /* messages per second, 0 off */
	int name_timeout;     /* seconds, 0 off */
	int max_queue_kib;    /* KiB */
	int announce_max;     /* members; 0 announces in every room */
	int stall_timeout;    /* seconds without output progress, 0 off */
	int max_total_queue_mib; /* MiB queued for every client together */
	bool tls;             /* a TLS listener too (--tls; --tls-only implies it) */
	bool tls_only;        /* no plain listener */
	int tls_port;         /* 0..65535; 0 lets the kernel pick */
	const char *tls_cert; /* NULL: the self-signed pair in the state directory */
	const char *tls_key;  /* NULL: in tls_cert */
	const char *state_dir; /* NULL: statedir.h's default */
	int max_per_ip;       /* connections at once per address (IPv6 /64), 0 no limit */
	int max_per_ip_rate;  /* new connections per address per minute after the burst, 0 no limit */
	const char *oper_file;   /* --oper-file: NULL, no operators */
	const char *motd_path;   /* --motd: NULL, none */
	const char *password_file; /* --password-file: NULL, no server password */
	const char *redis;       /* --redis URL: NULL, this server alone */
	bool reuse_port;         /* --reuse-port: SO_REUSEPORT on the listeners */
	int irc_port;         /* --irc-port: -1 no IRC listener; 0 lets the kernel pick */
	int irc_tls_port;     /* --irc-tls-port (with --tls): -1 none */
	const char *server_name; /* --server-name: NULL, the host name */
};

struct connect_options {
	const char *host;
	int port;
	const char *name;     /* NULL: ask */
	bool plain;           /* force the plain line mode even on a terminal */
	bool tls;             /* --tls (default port TC_DEFAULT_TLS_PORT) */
	const char *tls_fingerprint; /* --tls-fingerprint: the one certificate trusted */
	bool listen;          /* plain: read nothing, print what arrives until the server closes */
	bool reconnect;       /* plain: reconnect after a drop instead of exiting */
	bool no_history;      /* plain: do not print the history replayed on joining */
	bool json;            /* plain: one JSON object per event */
	bool no_bell;         /* no bell on mentions and private messages (full screen) */
	bool no_mouse;        /* no mouse reporting: the wheel stays the terminal's */
	const char *join;     /* --join ROOM,...: the rooms to be in (NULL: the remembered) */
	const char *time_format; /* --time-format (NULL: "%H:%M") */
	int keepalive;        /* --keepalive SECS: ping a quiet link after SECS, 0 never */
	const char *server_password_file; /* --server-password-file: NULL, none (then
	                       * $TCPCHAT_SERVER_PASSWORD, or the full-screen client asks) */
};

/* Parse argv (argv[0] is the subcommand). Returns 0, or exits: 0 after --help,
 * 2 after a usage error (message on stderr). */
void options_serve(int argc, char **argv, struct serve_options *opt);
void options_connect(int argc, char **argv, struct connect_options *opt);
/* The classic TCPChat command line: [PORT]. Exits 2 with the classic usage. */
void options_classic(int argc, char **argv, struct serve_options *opt);

void options_usage(int status);
_Noreturn void options_version(void);  /* "tcpchat VERSION" on stdout, exit 0 */        /* tcpchat --help (status 0) or usage error */
void options_serve_defaults(struct serve_options *opt);

/* Parse a decimal integer in [min, max]; returns 0 or -1. */
int options_parse_int(const char *s, long min, long max, long *out);

#endif
