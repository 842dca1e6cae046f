/* options.c: getopt_long per subcommand, with range checks. The help texts here are
 * the source of truth; man/tcpchat.1 and completions/ list the same options. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "util.h"
#include "options.h"
#include "tclimits.h"

#define STR_(x) #x
#define STR(x) STR_(x)

static const char main_help[] =
"Usage: tcpchat serve [OPTION]... [PORT]\n"
"       tcpchat connect [OPTION]... HOST [PORT]\n"
"       tcpchat --help | --version\n"
"\n"
"A group chat over plain TCP. 'serve' runs a server anyone can join with nc;\n"
"'connect' is a full-screen terminal client. 'tcpchat SUBCOMMAND --help' lists\n"
"each subcommand's options.\n"
"\n"
"  -h, --help               show this help and exit\n"
"  -V, --version            show the version and exit\n";

static const char serve_help[] =
"Usage: tcpchat serve [OPTION]... [PORT]\n"
"Run the chat server. Anyone can join with 'nc HOST PORT'.\n"
"\n"
"  -p, --port PORT          port to listen on (default " STR(TC_DEFAULT_PORT) "; 0 picks a free port)\n"
"  -b, --bind ADDR          address to listen on (default: every IPv4 and IPv6 address)\n"
"  -m, --max-clients N      connections at once, counted from accept (default " STR(TC_DEFAULT_MAX_CLIENTS) ")\n"
"  -H, --history N          messages kept per room (default " STR(TC_DEFAULT_HISTORY) ")\n"
"      --replay N           history lines sent to whoever enters a room, 0 none (default: all kept)\n"
"  -l, --log FILE           append every message and notice to FILE; reload history from it\n"
"  -L, --max-line BYTES     longest line accepted (default " STR(TC_DEFAULT_MAX_LINE) ")\n"
"  -r, --rate-limit N       messages per second per client, 0 for no limit (default " STR(TC_DEFAULT_RATE) ")\n"
"  -t, --name-timeout SECS  close connections that give no name in time, 0 never (default " STR(TC_DEFAULT_NAME_TIMEOUT) ")\n"
"  -Q, --max-queue KIB      output queued for one client before it is dropped (default " STR(TC_DEFAULT_MAX_QUEUE_KIB) ")\n"
"  -A, --announce-max N     announce joins, leaves and renames only in rooms of at most N members, 0 always (default " STR(TC_DEFAULT_ANNOUNCE_MAX) ")\n"
"      --stall-timeout SECS  drop a client whose output made no progress for SECS, 0 never (default " STR(TC_DEFAULT_STALL_TIMEOUT) ")\n"
"      --max-per-ip N       connections at once from one address (IPv6: one /64), 0 no limit (default " STR(TC_DEFAULT_MAX_PER_ADDR) ")\n"
"      --max-per-ip-rate N  new connections per address per minute after a burst of " STR(TC_DEFAULT_ADDR_BURST) ", 0 no limit (default " STR(TC_DEFAULT_ADDR_PER_MINUTE) ")\n"
"      --max-total-queue MIB  output queued for all clients together; past it the largest queues are dropped (default " STR(TC_DEFAULT_MAX_TOTAL_QUEUE_MIB) ")\n"
"      --tls                also listen for TLS (ncat --ssl, openssl s_client) on the TLS port\n"
"      --tls-port PORT      port of the TLS listener (default " STR(TC_DEFAULT_TLS_PORT) "; 0 picks a free port)\n"
"      --tls-only           listen for TLS only, no plain listener (implies --tls)\n"
"      --tls-cert FILE      PEM certificate, then its chain (default: a self-signed one in the state directory)\n"
"      --tls-key FILE       PEM key of --tls-cert (default: in the --tls-cert file)\n"
"      --state-dir DIR      where the server keeps its certificate, bans and topics (default: see FILES in tcpchat(1))\n"
"      --oper-file FILE     operator accounts, NAME:HASH lines (chmod 600); enables /oper\n"
"      --motd FILE          text shown to each user after the name is accepted\n"
"      --password-file FILE  a server password (one crypt hash, chmod 600) asked before the name\n"
"      --redis URL          join a cluster: every server given the same Redis (redis://HOST:PORT/DB or unix:/PATH) is one chat\n"
"      --reuse-port         let several servers on this machine listen on the same port (SO_REUSEPORT)\n"
"      --irc-port PORT      also listen for IRC clients (irssi, WeeChat, HexChat) on PORT; 0 picks a free port\n"
"      --irc-tls-port PORT  also listen for IRC over TLS on PORT (needs --tls; 0 picks a free port)\n"
"      --server-name NAME   the name of the server in IRC messages (default: the host name)\n"
"  -v, --verbose            log activity to stderr; twice for debugging\n"
"  -q, --quiet              log only errors\n"
"  -h, --help               show this help and exit\n"
"  -V, --version            show the version and exit\n"
"\n"
"Limits without an option (name and room length, rooms, history bytes, ...)\n"
"are listed, with their units, under LIMITS in tcpchat(1).\n";

static const char connect_help[] =
"Usage: tcpchat connect [OPTION]... HOST [PORT]\n"
"Join a tcpchat server (default port " STR(TC_DEFAULT_PORT) ") in a full-screen terminal client.\n"
"When standard input or output is not a terminal it runs as a plain line client.\n"
"\n"
"  -p, --port PORT          port to connect to (default " STR(TC_DEFAULT_PORT) ")\n"
"  -n, --name NAME          join with this name instead of asking\n"
"  -P, --plain              plain line mode even on a terminal\n"
"      --tls                connect with TLS (default port " STR(TC_DEFAULT_TLS_PORT) ")\n"
"      --tls-fingerprint FP  trust the server certificate with this SHA-256 fingerprint (implies --tls)\n"
"      --listen             plain mode: read nothing, print what arrives until the server closes (needs --name)\n"
"      --reconnect          plain mode: reconnect after a drop instead of exiting\n"
"      --no-history         plain mode: do not print the history replayed on joining\n"
"      --json               plain mode: one JSON object per line and event\n"
"      --no-bell            no terminal bell when a line names you or is private\n"
"      --no-mouse           leave the mouse to the terminal (no wheel scrolling)\n"
"  -j, --join ROOMS         be in these rooms (a comma-separated list) instead of the ones of last time\n"
"      --time-format FMT    strftime format of the times shown (default %H:%M)\n"
"      --keepalive SECS     ping a quiet link after SECS, mark it stalled, then reconnect; 0 never (default " STR(TC_CLIENT_KEEPALIVE) ")\n"
"      --server-password-file FILE  the password of a server that asks for one: the first line of FILE\n"
"  -h, --help               show this help and exit\n"
"  -V, --version            show the version and exit\n";

int options_parse_int(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* The option being parsed came from this line of the settings file ("PATH:LINE"). */
static const char *origin;

/* "tcpchat CMD: WHAT 'ARG'" (or just WHAT when ARG is NULL), a hint, exit 2. */
static void usage_error(const char *cmd, const char *what, const char *arg)
{
	if (arg != NULL)
		fprintf(stderr, "tcpchat %s: %s%s%s '%s'\n", cmd, origin ? origin : "",
		    origin ? ": " : "", what, arg);
	else
		fprintf(stderr, "tcpchat %s: %s%s%s\n", cmd, origin ? origin : "",
		    origin ? ": " : "", what);
	fprintf(stderr, "Try 'tcpchat %s --help' for more information.\n", cmd);
	exit(2);
}

static int int_arg(const char *cmd, const char *what, const char *s, long min, long max)
{
	long v;

	if (options_parse_int(s, min, max, &v) != 0) {
		fprintf(stderr, "tcpchat %s: %s%sinvalid %s '%s' (expected %ld to %ld)\n",
		    cmd, origin ? origin : "", origin ? ": " : "", what, s, min, max);
		fprintf(stderr, "Try 'tcpchat %s --help' for more information.\n", cmd);
		exit(2);
	}
	return (int)v;
}

void options_version(void)
{
	printf("tcpchat %s\n", TCPCHAT_VERSION);
	exit(0);
}

void options_usage(int status)
{
	fputs(main_help, status == 0 ? stdout : stderr);
	exit(status);
}

void options_serve_defaults(struct serve_options *opt)
{
	memset(opt, 0, sizeof(*opt));
	opt->port = TC_DEFAULT_PORT;
	opt->max_clients = TC_DEFAULT_MAX_CLIENTS;
	opt->history = TC_DEFAULT_HISTORY;
	opt->replay = -1;
	opt->max_line = TC_DEFAULT_MAX_LINE;
	opt->rate_limit = TC_DEFAULT_RATE;
	opt->name_timeout = TC_DEFAULT_NAME_TIMEOUT;
	opt->max_queue_kib = TC_DEFAULT_MAX_QUEUE_KIB;
	opt->announce_max = TC_DEFAULT_ANNOUNCE_MAX;
	opt->stall_timeout = TC_DEFAULT_STALL_TIMEOUT;
	opt->max_total_queue_mib = TC_DEFAULT_MAX_TOTAL_QUEUE_MIB;
	opt->tls_port = TC_DEFAULT_TLS_PORT;
	opt->max_per_ip = TC_DEFAULT_MAX_PER_ADDR;
	opt->max_per_ip_rate = TC_DEFAULT_ADDR_PER_MINUTE;
	opt->irc_port = -1;
	opt->irc_tls_port = -1;
}

/* Long options without a short form. */
enum {
	OPT_STALL_TIMEOUT = 256, OPT_MAX_TOTAL_QUEUE, OPT_TLS, OPT_TLS_PORT, OPT_TLS_ONLY,
	OPT_TLS_CERT, OPT_TLS_KEY, OPT_STATE_DIR, OPT_TLS_FINGERPRINT, OPT_MAX_PER_IP,
	OPT_MAX_PER_IP_RATE, OPT_OPER_FILE, OPT_MOTD, OPT_PASSWORD_FILE, OPT_REPLAY, OPT_LISTEN,
	OPT_RECONNECT, OPT_NO_HISTORY, OPT_JSON, OPT_REDIS, OPT_REUSE_PORT, OPT_IRC_PORT,
	OPT_IRC_TLS_PORT, OPT_SERVER_NAME,
};

/* TLS options that make sense only with --tls. */
static void check_tls_options(const struct serve_options *opt, bool tls_port_given)
{
	if (opt->tls_only)
		return;
	if (!opt->tls && opt->irc_tls_port >= 0)
		usage_error("serve", "--irc-tls-port needs --tls", NULL);
	if (!opt->tls && (tls_port_given || opt->tls_cert != NULL || opt->tls_key != NULL))
		usage_error("serve", "--tls-port, --tls-cert and --tls-key need --tls", NULL);
	if (opt->tls_key != NULL && opt->tls_cert == NULL)
		usage_error("serve", "--tls-key needs --tls-cert", NULL);
}

static const struct option serve_longopts[] = {
	{ "port", required_argument, NULL, 'p' },
	{ "bind", required_argument, NULL, 'b' },
	{ "max-clients", required_argument, NULL, 'm' },
	{ "history", required_argument, NULL, 'H' },
	{ "replay", required_argument, NULL, OPT_REPLAY },
	{ "log", required_argument, NULL, 'l' },
	{ "max-line", required_argument, NULL, 'L' },
	{ "rate-limit", required_argument, NULL, 'r' },
	{ "name-timeout", required_argument, NULL, 't' },
	{ "max-queue", required_argument, NULL, 'Q' },
	{ "announce-max", required_argument, NULL, 'A' },
	{ "stall-timeout", required_argument, NULL, OPT_STALL_TIMEOUT },
	{ "max-total-queue", required_argument, NULL, OPT_MAX_TOTAL_QUEUE },
	{ "tls", no_argument, NULL, OPT_TLS },
	{ "tls-port", required_argument, NULL, OPT_TLS_PORT },
	{ "tls-only", no_argument, NULL, OPT_TLS_ONLY },
	{ "tls-cert", required_argument, NULL, OPT_TLS_CERT },
	{ "tls-key", required_argument, NULL, OPT_TLS_KEY },
	{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
	{ "max-per-ip", required_argument, NULL, OPT_MAX_PER_IP },
	{ "max-per-ip-rate", required_argument, NULL, OPT_MAX_PER_IP_RATE },
	{ "oper-file", required_argument, NULL, OPT_OPER_FILE },
	{ "motd", required_argument, NULL, OPT_MOTD },
	{ "password-file", required_argument, NULL, OPT_PASSWORD_FILE },
	{ "redis", required_argument, NULL, OPT_REDIS },
	{ "reuse-port", no_argument, NULL, OPT_REUSE_PORT },
	{ "irc-port", required_argument, NULL, OPT_IRC_PORT },
	{ "irc-tls-port", required_argument, NULL, OPT_IRC_TLS_PORT },
	{ "server-name", required_argument, NULL, OPT_SERVER_NAME },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* One option of serve (c from getopt_long). */
static void serve_option(int c, struct serve_options *opt, bool *tls_port_given, char **argv)
{
	switch (c) {
	case 'p': opt->port = int_arg("serve", "port", optarg, 0, 65535); break;
	case 'b': opt->bind = optarg; break;
	case 'm': opt->max_clients = int_arg("serve", "client limit", optarg, 1, TC_MAX_CLIENTS_LIMIT); break;
	case 'H': opt->history = int_arg("serve", "history length", optarg, 0, TC_MAX_HISTORY); break;
	case OPT_REPLAY: opt->replay = int_arg("serve", "replay length", optarg, 0, TC_MAX_HISTORY); break;
	case 'l': opt->log_path = optarg; break;
	case 'L': opt->max_line = int_arg("serve", "line limit", optarg, TC_MIN_MAX_LINE, TC_MAX_MAX_LINE); break;
	case 'r': opt->rate_limit = int_arg("serve", "rate limit", optarg, 0, 1000000); break;
	case 't': opt->name_timeout = int_arg("serve", "name timeout", optarg, 0, 86400); break;
	case 'Q': opt->max_queue_kib = int_arg("serve", "queue limit", optarg, 16, 4194304); break;
	case 'A': opt->announce_max = int_arg("serve", "announce limit", optarg, 0, TC_MAX_CLIENTS_LIMIT); break;
	case OPT_STALL_TIMEOUT: opt->stall_timeout = int_arg("serve", "stall timeout", optarg, 0, 86400); break;
	case OPT_MAX_TOTAL_QUEUE: opt->max_total_queue_mib = int_arg("serve", "total queue limit", optarg, 1, 1048576); break;
	case OPT_TLS: opt->tls = true; break;
	case OPT_TLS_PORT: opt->tls_port = int_arg("serve", "TLS port", optarg, 0, 65535); *tls_port_given = true; break;
	case OPT_TLS_ONLY: opt->tls = opt->tls_only = true; break;
	case OPT_TLS_CERT: opt->tls_cert = optarg; break;
	case OPT_TLS_KEY: opt->tls_key = optarg; break;
	case OPT_STATE_DIR: opt->state_dir = optarg; break;
	case OPT_MAX_PER_IP: opt->max_per_ip = int_arg("serve", "per-address limit", optarg, 0, TC_MAX_CLIENTS_LIMIT); break;
	case OPT_MAX_PER_IP_RATE: opt->max_per_ip_rate = int_arg("serve", "per-address rate", optarg, 0, 1000000); break;
	case OPT_OPER_FILE: opt->oper_file = optarg; break;
	case OPT_MOTD: opt->motd_path = optarg; break;
	case OPT_PASSWORD_FILE: opt->password_file = optarg; break;
	case OPT_REDIS: opt->redis = optarg; break;
	case OPT_REUSE_PORT: opt->reuse_port = true; break;
	case OPT_IRC_PORT: opt->irc_port = int_arg("serve", "IRC port", optarg, 0, 65535); break;
	case OPT_IRC_TLS_PORT: opt->irc_tls_port = int_arg("serve", "IRC TLS port", optarg, 0, 65535); break;
	case OPT_SERVER_NAME: opt->server_name = optarg; break;
	case 'v': opt->verbosity = opt->verbosity < 0 ? 1 : opt->verbosity + 1; break;
	case 'q': opt->verbosity = -1; break;
	case 'h': fputs(serve_help, stdout); exit(0);
	case 'V': options_version();
	case ':': usage_error("serve", "missing argument for option", argv[optind - 1]); break;
	default: usage_error("serve", "unknown option", argv[optind - 1]); break;
	}
}

void options_serve(int argc, char **argv, struct serve_options *opt)
{
	bool tls_port_given = false;
	int c;

	options_serve_defaults(opt);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":p:b:m:H:l:L:r:t:Q:A:vqhV", serve_longopts,
	    NULL)) != -1)
		serve_option(c, opt, &tls_port_given, argv);
	if (optind < argc)
		opt->port = int_arg("serve", "port", argv[optind++], 0, 65535);
	if (optind < argc)
		usage_error("serve", "unexpected argument", argv[optind]);
	check_tls_options(opt, tls_port_given);
}

enum { CONNECT_NO_BELL = 1001, CONNECT_NO_MOUSE, CONNECT_TIME_FORMAT, CONNECT_KEEPALIVE,
	CONNECT_SERVER_PASSWORD_FILE };   /* long-only options of connect */

/* "HOST:PORT", "[V6ADDR]:PORT" or "[V6ADDR]": the host (brackets off, in place) and the
 * port; true when a port was given. A bare IPv6 address (several colons) is a host. */
static bool host_port(struct connect_options *opt, char *arg)
{
	char *colon = strrchr(arg, ':'), *close = strchr(arg, ']');

	if (arg[0] == '[' && close != NULL) {
		*close = '\0';
		opt->host = arg + 1;
		if (close[1] == '\0')
			return false;
		if (close[1] != ':') {
			*close = ']';    /* the host as typed in the message */
			usage_error("connect", "bad host", arg);
		}
		opt->port = int_arg("connect", "port", close + 2, 1, 65535);
		return true;
	}
	if (colon == NULL || strchr(arg, ':') != colon)
		return false;
	*colon = '\0';
	opt->port = int_arg("connect", "port", colon + 1, 1, 65535);
	return true;
}

/* The settings file's options before the command line's (kept for the run: the
 * options point into them). Exits 2 on a bad line. */
static char **with_config(int *argc, char **argv, const struct option *longopts,
    struct config_args *cfg)
{
	static char **kept;    /* reachable for the run (options point into it) */
	char path[4096], err[4400];
	char **all;
	int r = config_path(path, sizeof(path)) == 0 ?
	    config_read(path, longopts, cfg, err, sizeof(err)) : 1;

	if (r < 0) {
		fprintf(stderr, "tcpchat connect: %s\n", err);
		exit(2);
	}
	if (r == 1 || (cfg->n == 0 && cfg->host == NULL))
		return argv;
	free(kept);
	kept = all = xcalloc((size_t)*argc + (size_t)cfg->n + 1, sizeof(*all));
	all[0] = argv[0];
	memcpy(all + 1, cfg->argv, (size_t)cfg->n * sizeof(*all));
	memcpy(all + 1 + cfg->n, argv + 1, (size_t)(*argc - 1) * sizeof(*all));
	*argc += cfg->n;
	return all;
}

void options_connect(int argc, char **argv, struct connect_options *opt)
{
	static const struct option longopts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "name", required_argument, NULL, 'n' },
		{ "plain", no_argument, NULL, 'P' },
		{ "tls", no_argument, NULL, OPT_TLS },
		{ "tls-fingerprint", required_argument, NULL, OPT_TLS_FINGERPRINT },
		{ "listen", no_argument, NULL, OPT_LISTEN },
		{ "reconnect", no_argument, NULL, OPT_RECONNECT },
		{ "no-history", no_argument, NULL, OPT_NO_HISTORY },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "no-bell", no_argument, NULL, CONNECT_NO_BELL },
		{ "no-mouse", no_argument, NULL, CONNECT_NO_MOUSE },
		{ "join", required_argument, NULL, 'j' },
		{ "time-format", required_argument, NULL, CONNECT_TIME_FORMAT },
		{ "keepalive", required_argument, NULL, CONNECT_KEEPALIVE },
		{ "server-password-file", required_argument, NULL, CONNECT_SERVER_PASSWORD_FILE },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static struct config_args cfg;   /* for the whole run: options point into it */
	int c;

	bool port_given = false;

	memset(opt, 0, sizeof(*opt));
	opt->port = TC_DEFAULT_PORT;
	opt->keepalive = TC_CLIENT_KEEPALIVE;
	argv = with_config(&argc, argv, longopts, &cfg);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":p:n:Pj:hV", longopts, NULL)) != -1) {
		origin = optind >= 2 && optind - 2 < cfg.n ? cfg.origin[optind - 2] : NULL;
		switch (c) {
		case 'p': opt->port = int_arg("connect", "port", optarg, 1, 65535); port_given = true; break;
		case 'n': opt->name = optarg; break;
		case 'P': opt->plain = true; break;
		case OPT_TLS: opt->tls = true; break;
		case OPT_TLS_FINGERPRINT: opt->tls = true; opt->tls_fingerprint = optarg; break;
		case OPT_LISTEN: opt->listen = opt->plain = true; break;
		case OPT_RECONNECT: opt->reconnect = opt->plain = true; break;
		case OPT_NO_HISTORY: opt->no_history = true; break;
		case OPT_JSON: opt->json = opt->plain = true; break;
		case CONNECT_NO_BELL: opt->no_bell = true; break;
		case CONNECT_NO_MOUSE: opt->no_mouse = true; break;
		case 'j': opt->join = optarg; break;
		case CONNECT_TIME_FORMAT: opt->time_format = optarg; break;
		case CONNECT_KEEPALIVE:
			opt->keepalive = (int)int_arg("connect", "keepalive", optarg, 0, 86400);
			break;
		case CONNECT_SERVER_PASSWORD_FILE: opt->server_password_file = optarg; break;
		case 'h': fputs(connect_help, stdout); exit(0);
		case 'V': options_version();
		case ':': usage_error("connect", "missing argument for option", argv[optind - 1]); break;
		default: usage_error("connect", "unknown option", argv[optind - 1]); break;
		}
	}
	origin = NULL;
	if (optind >= argc && cfg.host == NULL)
		usage_error("connect", "missing HOST", NULL);
	opt->host = optind < argc ? argv[optind++] : cfg.host;
	if (host_port(opt, (char *)(uintptr_t)opt->host))
		port_given = true;
	if (optind < argc) {
		opt->port = int_arg("connect", "port", argv[optind++], 1, 65535);
		port_given = true;
	}
	if (opt->tls && !port_given)
		opt->port = TC_DEFAULT_TLS_PORT;
	if (optind < argc)
		usage_error("connect", "unexpected argument", argv[optind]);
	if (opt->listen && opt->name == NULL)
		usage_error("connect", "--listen needs --name", NULL);
}

void options_classic(int argc, char **argv, struct serve_options *opt)
{
	long v;

	options_serve_defaults(opt);
	opt->max_clients = TC_CLASSIC_MAX_CLIENTS;
	if (argc > 2 || (argc == 2 && options_parse_int(argv[1], 0, 65535, &v) != 0)) {
		fputs("[USAGE]: ./TCPChat $port\n", stdout);
		exit(2);
	}
	if (argc == 2)
		opt->port = (int)v;
}
