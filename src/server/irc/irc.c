/* irc.c: the IRC wire format (irc.h): parse, format, numerics, nicks and channels. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "irc.h"
#include "tstamp.h"
#include "utf8.h"
#include "util.h"

#define IRC_STR_(x) #x
#define IRC_STR(x) IRC_STR_(x)    /* a limit of tclimits.h as text (TARGMAX) */

/* --- parsing ------------------------------------------------------------------- */

static bool bad_byte(const char *s, size_t n)
{
	return memchr(s, '\0', n) != NULL || memchr(s, '\r', n) != NULL ||
	    memchr(s, '\n', n) != NULL;
}

static char *skip_spaces(char *p)
{
	while (*p == ' ')
		p++;
	return p;
}

/* The word at *pp (up to a space or the end), NUL-terminated in place. */
static char *word(char **pp)
{
	char *start = *pp, *sp = strchr(start, ' ');

	if (sp == NULL) {
		*pp = start + strlen(start);
	} else {
		*sp = '\0';
		*pp = sp + 1;
	}
	return start;
}

static bool is_alpha(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool set_command(struct irc_msg *msg, const char *w)
{
	size_t n = strlen(w);
	bool digits = n == 3 && is_digit(w[0]) && is_digit(w[1]) && is_digit(w[2]);

	if (n == 0 || n >= sizeof(msg->command))
		return false;
	for (size_t i = 0; i < n && !digits; i++)
		if (!is_alpha(w[i]))
			return false;
	for (size_t i = 0; i <= n; i++)
		msg->command[i] = (w[i] >= 'a' && w[i] <= 'z') ? (char)(w[i] - 32) : w[i];
	return true;
}

static void parse_params(struct irc_msg *msg, char *p)
{
	for (;;) {
		p = skip_spaces(p);
		if (*p == '\0')
			return;
		if (*p == ':' || msg->nparams == IRC_MAX_PARAMS - 1) {
			msg->trailing = *p == ':';
			msg->params[msg->nparams++] = p + (*p == ':');
			return;
		}
		msg->params[msg->nparams++] = word(&p);
	}
}

/* Bytes of the tags part ("@...", up to its space) and of the rest. */
static bool within_limits(const char *line, size_t n)
{
	size_t tags = 0;

	if (n > 0 && line[0] == '@') {
		const char *sp = memchr(line, ' ', n);

		tags = sp != NULL ? (size_t)(sp - line) + 1 : n;
		if (tags > IRC_TAGS_MAX)
			return false;
	}
	return n - tags <= IRC_LINE_MAX - 2;
}

enum irc_parse irc_parse(const char *line, size_t n, struct irc_msg *msg)
{
	char *p;

	msg->tags = msg->source = NULL;
	msg->command[0] = '\0';
	msg->nparams = 0;
	msg->trailing = false;
	if (!within_limits(line, n))
		return IRC_PARSE_TOO_LONG;
	if (bad_byte(line, n))
		return IRC_PARSE_BAD;
	memcpy(msg->copy, line, n);
	msg->copy[n] = '\0';
	p = skip_spaces(msg->copy);
	if (*p == '\0')
		return IRC_PARSE_EMPTY;
	if (*p == '@') {
		p++;
		msg->tags = word(&p);
		p = skip_spaces(p);
	}
	if (*p == ':') {
		p++;
		msg->source = word(&p);
		p = skip_spaces(p);
	}
	if (!set_command(msg, word(&p)))
		return IRC_PARSE_BAD;
	parse_params(msg, p);
	return IRC_PARSE_OK;
}

const char *irc_tag(const struct irc_msg *msg, const char *key, char *val, size_t valsz)
{
	size_t klen = strlen(key);

	for (const char *t = msg->tags; t != NULL && *t != '\0';) {
		const char *end = strchr(t, ';');
		size_t len = end != NULL ? (size_t)(end - t) : strlen(t);

		if (len >= klen && strncmp(t, key, klen) == 0 &&
		    (len == klen || t[klen] == '=')) {
			size_t vlen = len == klen ? 0 : len - klen - 1;

			if (valsz == 0)
				return NULL;
			if (vlen >= valsz)
				vlen = valsz - 1;
			memcpy(val, t + klen + (len > klen), vlen);
			val[vlen] = '\0';
			return val;
		}
		t = end != NULL ? end + 1 : NULL;
	}
	return NULL;
}

/* --- formatting ---------------------------------------------------------------- */

static void append_clean(struct buf *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != '\r' && s[i] != '\n' && s[i] != '\0')
			buf_putc(out, s[i]);
}

static bool needs_colon(const char *p)
{
	return p[0] == '\0' || p[0] == ':' || strchr(p, ' ') != NULL;
}

/* Cut the message begun at start to IRC_LINE_MAX - 2 bytes, never inside a UTF-8
 * sequence. */
static void cut_to_limit(struct buf *out, size_t start)
{
	size_t len = buf_len(out) - start, keep;

	if (len <= IRC_LINE_MAX - 2)
		return;
	keep = utf8_cut(buf_data(out) + start, len, IRC_LINE_MAX - 2);
	buf_unappend(out, len - keep);
}

void irc_put(struct buf *out, const char *tags, const char *source, const char *command,
    int nparams, const char *const params[])
{
	size_t start;

	if (tags != NULL && tags[0] != '\0') {
		buf_putc(out, '@');
		append_clean(out, tags, strnlen(tags, IRC_TAGS_MAX - 2));
		buf_putc(out, ' ');
	}
	start = buf_len(out);
	if (source != NULL) {
		buf_putc(out, ':');
		append_clean(out, source, strlen(source));
		buf_putc(out, ' ');
	}
	append_clean(out, command, strlen(command));
	for (int i = 0; i < nparams; i++) {
		buf_putc(out, ' ');
		if (i == nparams - 1 && needs_colon(params[i]))
			buf_putc(out, ':');
		append_clean(out, params[i], strlen(params[i]));
	}
	cut_to_limit(out, start);
	buf_append(out, "\r\n", 2);
}

static int collect(va_list ap, const char *params[], int max)
{
	int n = 0;
	const char *p;

	while ((p = va_arg(ap, const char *)) != NULL)
		if (n < max)
			params[n++] = p;
	return n;
}

void irc_putl(struct buf *out, const char *tags, const char *source, const char *command, ...)
{
	const char *params[IRC_MAX_PARAMS];
	va_list ap;
	int n;

	va_start(ap, command);
	n = collect(ap, params, IRC_MAX_PARAMS);
	va_end(ap);
	irc_put(out, tags, source, command, n, params);
}

void irc_put_closing(struct buf *out, const char *server, const char *host,
    const char *reason)
{
	char text[TC_IRC_LINE_MAX];

	/* Cut to fit (the line is cut to TC_IRC_LINE_MAX again when it is put). */
	if (snprintf(text, sizeof(text), "Closing Link: %s (%s)", host, reason) < 0)
		text[0] = '\0';
	irc_putl(out, NULL, server, "ERROR", text, NULL);
}

void irc_numeric(struct buf *out, const char *server, int code, const char *target, ...)
{
	const char *params[IRC_MAX_PARAMS];
	char num[4];
	va_list ap;
	int n;

	snprintf(num, sizeof(num), "%03u", (unsigned)code % 1000u);
	params[0] = target;
	va_start(ap, target);
	n = collect(ap, params + 1, IRC_MAX_PARAMS - 1);
	va_end(ap);
	irc_put(out, NULL, server, num, n + 1, params);
}

struct numeric {
	int code;
	const char *name, *text;
};

static const struct numeric numerics[] = {
	{ 1, "RPL_WELCOME", NULL },
	{ 2, "RPL_YOURHOST", NULL },
	{ 3, "RPL_CREATED", NULL },
	{ 4, "RPL_MYINFO", NULL },
	{ 5, "RPL_ISUPPORT", "are supported by this server" },
	{ 221, "RPL_UMODEIS", NULL },
	{ 301, "RPL_AWAY", NULL },
	{ 305, "RPL_UNAWAY", "You are no longer marked as being away" },
	{ 306, "RPL_NOWAWAY", "You have been marked as being away" },
	{ 311, "RPL_WHOISUSER", NULL },
	{ 312, "RPL_WHOISSERVER", NULL },
	{ 313, "RPL_WHOISOPERATOR", "is an IRC operator" },
	{ 315, "RPL_ENDOFWHO", "End of WHO list" },
	{ 317, "RPL_WHOISIDLE", "seconds idle, signon time" },
	{ 318, "RPL_ENDOFWHOIS", "End of /WHOIS list" },
	{ 319, "RPL_WHOISCHANNELS", NULL },
	{ 321, "RPL_LISTSTART", "Users  Name" },
	{ 322, "RPL_LIST", NULL },
	{ 323, "RPL_LISTEND", "End of /LIST" },
	{ 324, "RPL_CHANNELMODEIS", NULL },
	{ 329, "RPL_CREATIONTIME", NULL },
	{ 331, "RPL_NOTOPIC", "No topic is set" },
	{ 332, "RPL_TOPIC", NULL },
	{ 333, "RPL_TOPICWHOTIME", NULL },
	{ 352, "RPL_WHOREPLY", NULL },
	{ 353, "RPL_NAMREPLY", NULL },
	{ 366, "RPL_ENDOFNAMES", "End of /NAMES list" },
	{ 368, "RPL_ENDOFBANLIST", "End of channel ban list" },
	{ 372, "RPL_MOTD", NULL },
	{ 375, "RPL_MOTDSTART", NULL },
	{ 376, "RPL_ENDOFMOTD", "End of /MOTD command." },
	{ 381, "RPL_YOUREOPER", "You are now an IRC operator" },
	{ 401, "ERR_NOSUCHNICK", "No such nick/channel" },
	{ 402, "ERR_NOSUCHSERVER", "No such server" },
	{ 403, "ERR_NOSUCHCHANNEL", "No such channel" },
	{ 404, "ERR_CANNOTSENDTOCHAN", "Cannot send to channel" },
	{ 407, "ERR_TOOMANYTARGETS", "Too many targets" },
	{ 409, "ERR_NOORIGIN", "No origin specified" },
	{ 410, "ERR_INVALIDCAPCMD", "Invalid CAP command" },
	{ 411, "ERR_NORECIPIENT", "No recipient given" },
	{ 412, "ERR_NOTEXTTOSEND", "No text to send" },
	{ 417, "ERR_INPUTTOOLONG", "Input line was too long" },
	{ 421, "ERR_UNKNOWNCOMMAND", "Unknown command" },
	{ 422, "ERR_NOMOTD", "MOTD File is missing" },
	{ 431, "ERR_NONICKNAMEGIVEN", "No nickname given" },
	{ 432, "ERR_ERRONEUSNICKNAME", "Erroneous nickname" },
	{ 433, "ERR_NICKNAMEINUSE", "Nickname is already in use" },
	{ 441, "ERR_USERNOTINCHANNEL", "They aren't on that channel" },
	{ 442, "ERR_NOTONCHANNEL", "You're not on that channel" },
	{ 451, "ERR_NOTREGISTERED", "You have not registered" },
	{ 461, "ERR_NEEDMOREPARAMS", "Not enough parameters" },
	{ 462, "ERR_ALREADYREGISTERED", "You may not reregister" },
	{ 464, "ERR_PASSWDMISMATCH", "Password incorrect" },
	{ 465, "ERR_YOUREBANNEDCREEP", "You are banned from this server" },
	{ 472, "ERR_UNKNOWNMODE", "is unknown mode char to me" },
	{ 476, "ERR_BADCHANMASK", "Bad Channel Mask" },
	{ 481, "ERR_NOPRIVILEGES", "Permission Denied- You're not an IRC operator" },
	{ 482, "ERR_CHANOPRIVSNEEDED", "You're not channel operator" },
	{ 491, "ERR_NOOPERHOST", "No O-lines for your host" },
	{ 501, "ERR_UMODEUNKNOWNFLAG", "Unknown MODE flag" },
	{ 502, "ERR_USERSDONTMATCH", "Cant change mode for other users" },
};

static const struct numeric *numeric_find(int code)
{
	for (size_t i = 0; i < sizeof(numerics) / sizeof(numerics[0]); i++)
		if (numerics[i].code == code)
			return &numerics[i];
	return NULL;
}

const char *irc_numeric_name(int code)
{
	const struct numeric *n = numeric_find(code);

	return n != NULL ? n->name : NULL;
}

const char *irc_numeric_text(int code)
{
	const struct numeric *n = numeric_find(code);

	return n != NULL ? n->text : NULL;
}

size_t irc_isupport(const char *network, const char *tokens[], size_t max, char *scratch,
    size_t scratchsz)
{
	static const char *const fixed[] = {
		"CASEMAPPING=ascii", "CHANTYPES=#", "CHANMODES=,,,", "PREFIX=(o)@",
		"TARGMAX=PRIVMSG:" IRC_STR(TC_IRC_MSG_TARGETS) ",NOTICE:" IRC_STR(TC_IRC_MSG_TARGETS)
		",JOIN:" IRC_STR(TC_IRC_JOIN_TARGETS) ",PART:" IRC_STR(TC_IRC_JOIN_TARGETS)
		",NAMES:1,WHOIS:1", "SAFELIST",
	};
	size_t n = 0;
	int len;

	len = snprintf(scratch, scratchsz, "NETWORK=%s%cNICKLEN=%d%cCHANNELLEN=%d%cTOPICLEN=%d",
	    network, '\0', IRC_NICK_MAX, '\0', IRC_CHANNEL_MAX, '\0', TC_IRC_LINE_MAX - 100);
	if (len < 0 || (size_t)len >= scratchsz || max < 1)
		return 0;
	for (const char *p = scratch; p < scratch + len && n + 1 < max; p += strlen(p) + 1)
		tokens[n++] = p;
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]) && n + 1 < max; i++)
		tokens[n++] = fixed[i];
	tokens[n] = NULL;
	return n;
}

void irc_time_tag(time_t t, char out[IRC_TIME_TAG_LEN])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, IRC_TIME_TAG_LEN, "time=%Y-%m-%dT%H:%M:%S.000Z", &tm);
}

/* --- long messages and CTCP ---------------------------------------------------- */

size_t irc_split(const char *s, size_t n, size_t max, size_t *skip)
{
	size_t cut;

	*skip = 0;
	if (n <= max)
		return n;
	for (cut = max; cut > max / 2; cut--) {
		if (s[cut] == ' ') {
			*skip = 1;
			return cut;
		}
	}
	cut = utf8_cut(s, n, max);
	if (cut == 0)                   /* max < one character: take it anyway */
		cut = max > 0 ? max : 1;
	return cut;
}

static size_t text_room(const char *source, const char *command, const char *target, bool act)
{
	/* ":source COMMAND target :" and, for an action, "\x01ACTION " and "\x01" */
	size_t fixed = 1 + strlen(source) + 1 + strlen(command) + 1 + strlen(target) + 2;

	if (act)
		fixed += 8 + 1;
	fixed += 2;                     /* CRLF */
	return fixed + 16 < IRC_LINE_MAX ? IRC_LINE_MAX - fixed : 16;
}

static void put_piece(struct buf *out, const char *tags, const char *source,
    const char *command, const char *target, const char *s, size_t n, bool act)
{
	struct buf text = { 0 };
	const char *params[2] = { target, "" };

	if (act)
		buf_append_str(&text, "\x01" "ACTION ");
	buf_append(&text, s, n);
	if (act)
		buf_putc(&text, '\x01');
	buf_putc(&text, '\0');
	params[1] = buf_data(&text);
	irc_put(out, tags, source, command, 2, params);
	buf_free(&text);
}

static void put_text(struct buf *out, const char *tags, const char *source,
    const char *command, const char *target, const char *text, size_t len, bool act)
{
	const char *body = text;
	size_t bodylen = len, room, skip;

	room = text_room(source, command, target, act);
	do {
		size_t piece = irc_split(body, bodylen, room, &skip);

		put_piece(out, tags, source, command, target, body, piece, act);
		body += piece + skip;
		bodylen -= piece + skip;
	} while (bodylen > 0);
}

void irc_put_text(struct buf *out, const char *tags, const char *source, const char *command,
    const char *target, const char *text, size_t len)
{
	put_text(out, tags, source, command, target, text, len, false);
}

void irc_put_action(struct buf *out, const char *tags, const char *source,
    const char *command, const char *target, const char *text, size_t len)
{
	put_text(out, tags, source, command, target, text, len, true);
}

enum irc_text irc_from_ctcp(const char *s, size_t n, char *out, size_t outsz, size_t *outlen)
{
	const char *body;

	*outlen = 0;
	if (outsz < n + 4)
		return IRC_TEXT_CTCP;
	out[0] = '\0';
	if (n == 0 || s[0] != '\x01') {
		memcpy(out, s, n);
		out[n] = '\0';
		*outlen = n;
		return IRC_TEXT_PLAIN;
	}
	s++, n--;
	if (n > 0 && s[n - 1] == '\x01')
		n--;
	if (n < 6 || memcmp(s, "ACTION", 6) != 0 || (n > 6 && s[6] != ' '))
		return IRC_TEXT_CTCP;
	body = s + 6 + (n > 6);
	n -= 6 + (n > 6);
	memcpy(out, body, n);
	out[n] = '\0';
	*outlen = n;
	return IRC_TEXT_ACTION;
}

/* --- channels and nicks -------------------------------------------------------- */

const char *irc_channel_to_room(const char *chan, char room[ROOM_NAME_MAX_BYTES + 1])
{
	if (chan[0] != '#')
		return "Channel names start with #.";
	if (chan[1] == '#')
		return "Room names use letters, digits, '-', '_' and '.' only.";
	return room_check_name(chan, strlen(chan), room);
}

void irc_room_to_channel(const char *room, char chan[IRC_CHANNEL_MAX + 1])
{
	snprintf(chan, IRC_CHANNEL_MAX + 1, "#%s", room);
}

/* Bytes that stand for themselves in a nick (the first may not be a digit or '-'). */
static bool nick_plain(unsigned char c, bool first)
{
	if (is_alpha((char)c))
		return true;
	if (is_digit((char)c) || c == '-')
		return !first;
	return c != '\0' && strchr("^_`{|}\\", c) != NULL;
}

size_t irc_name_to_nick(const char *name, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	bool open = false;

	for (size_t i = 0; name[i] != '\0' && i < NAME_MAX_BYTES; i++) {
		unsigned char c = (unsigned char)name[i];

		if (nick_plain(c, i == 0)) {
			if (open)
				out[o++] = ']';
			open = false;
			out[o++] = (char)c;
			continue;
		}
		if (!open)
			out[o++] = '[';
		open = true;
		out[o++] = hex[c >> 4];
		out[o++] = hex[c & 15];
	}
	if (open)
		out[o++] = ']';
	out[o] = '\0';
	return o;
}

/* Decode the bracket group at nick[*i] ('[' there) into name; false when malformed. */
static bool decode_group(const char *nick, size_t *i, char *name, size_t *o)
{
	size_t j = *i + 1;

	if (nick[j] == ']')
		return false;
	for (; nick[j] != ']'; j += 2) {
		int hi = hex_value(nick[j]), lo = hi < 0 ? -1 : hex_value(nick[j + 1]);

		if (lo < 0 || *o >= NAME_MAX_BYTES)
			return false;
		name[(*o)++] = (char)(hi << 4 | lo);
	}
	*i = j + 1;
	return true;
}

static bool decode_nick(const char *nick, char *name)
{
	size_t i = 0, o = 0;

	while (nick[i] != '\0') {
		if (nick[i] == '[') {
			if (!decode_group(nick, &i, name, &o))
				return false;
			continue;
		}
		if (!nick_plain((unsigned char)nick[i], i == 0) || o >= NAME_MAX_BYTES)
			return false;
		name[o++] = nick[i++];
	}
	name[o] = '\0';
	return o > 0;
}

static bool same_ascii_case(const char *a, const char *b)
{
	return names_equal(a, b);
}

const char *irc_nick_to_name(const char *nick, char *name)
{
	char raw[NAME_MAX_BYTES + 1], again[IRC_NICK_MAX + 1];
	const char *why;

	if (strlen(nick) > IRC_NICK_MAX || !decode_nick(nick, raw))
		return "Erroneous nickname";
	why = names_check(raw, strlen(raw), name);
	if (why != NULL)
		return why;
	irc_name_to_nick(name, again);
	if (!same_ascii_case(again, nick))
		return "Erroneous nickname (not written as the server writes it)";
	return NULL;
}

void irc_source(const char *name, const char *user, const char *host, char *out, size_t outsz)
{
	char nick[IRC_NICK_MAX + 1];

	irc_name_to_nick(name, nick);
	snprintf(out, outsz, "%s!%s@%s", nick, user, host);
}
