/*
 * fuzz_irc.c: libFuzzer harness over the IRC wire format (irc.c): the parser every
 * byte of an IRC client goes through, the nick mapping both ways, and the splitting
 * of long messages.
 *
 * Input: the bytes of one line (no CRLF: the framing removed it; CR, LF and NUL
 * inside are fuzzed too).
 *
 * Invariants checked:
 * - irc_parse never reads or writes out of bounds; on success the command is a word
 *   of upper-case letters or three digits, at most IRC_MAX_PARAMS parameters, no
 *   parameter holds CR, LF or NUL, only the last may hold a space or be empty, and
 *   a middle one never starts with ':';
 * - formatting the parsed message (irc_put) and parsing it again gives the same
 *   command and parameters, and the formatted line is within IRC_LINE_MAX bytes;
 * - a nick irc_nick_to_name accepts is a valid name that maps back to the nick
 *   (ASCII case aside); a valid name maps to a nick of IRC's charset within
 *   IRC_NICK_MAX bytes that maps back to the same name;
 * - irc_put_text of the input (cleaned, as the chat's text is) gives lines of at most
 *   IRC_LINE_MAX bytes each ending in CRLF, with no CR, LF or NUL elsewhere;
 * - the input split at LF and fed line by line to an IRC session (irc_session.c) over a
 *   chat that accepts everything and lists long names: every line the session sends is
 *   within IRC_LINE_MAX bytes, ends in CRLF, and holds no NUL, CR or LF elsewhere; the
 *   text the chat is handed is valid UTF-8 without controls.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "irc.h"
#include "irc_session.h"
#include "names.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct irc_msg m1, m2;

static bool command_ok(const char *c)
{
	size_t n = strlen(c);

	if (n == 3 && c[0] >= '0' && c[0] <= '9' && c[1] >= '0' && c[1] <= '9' &&
	    c[2] >= '0' && c[2] <= '9')
		return true;
	for (size_t i = 0; i < n; i++)
		if (c[i] < 'A' || c[i] > 'Z')
			return false;
	return n > 0;
}

static void check_parsed(const struct irc_msg *m)
{
	FUZZ_CHECK(command_ok(m->command), "bad command", m->command, strlen(m->command));
	FUZZ_CHECK(m->nparams >= 0 && m->nparams <= IRC_MAX_PARAMS, "too many params", NULL, 0);
	for (int i = 0; i < m->nparams; i++) {
		const char *p = m->params[i];
		size_t n = strlen(p);

		FUZZ_CHECK(strpbrk(p, "\r\n") == NULL, "CR or LF in a param", p, n);
		if (i < m->nparams - 1)
			FUZZ_CHECK(n > 0 && strchr(p, ' ') == NULL && p[0] != ':',
			    "middle param empty, spaced or ':'", p, n);
	}
}

static void check_round_trip(size_t size)
{
	struct buf out = { 0 };
	const char *src = m1.source != NULL && m1.source[0] != '\0' &&
	    strchr(m1.source, ' ') == NULL ? m1.source : "s";

	irc_put(&out, NULL, src, m1.command, m1.nparams, m1.params);
	FUZZ_CHECK(buf_len(&out) <= IRC_LINE_MAX + 0u, "formatted line too long",
	    buf_data(&out), buf_len(&out));
	FUZZ_CHECK(buf_len(&out) >= 2 && memcmp(buf_data(&out) + buf_len(&out) - 2, "\r\n", 2) == 0,
	    "no CRLF", buf_data(&out), buf_len(&out));
	/* Unless the line was cut: the formatted line is at most the input (its spaces
	 * collapsed) with ":source ", a ':' before the last parameter and CRLF. */
	if (size + strlen(src) + 5 <= IRC_LINE_MAX &&
	    irc_parse(buf_data(&out), buf_len(&out) - 2, &m2) == IRC_PARSE_OK) {
		FUZZ_CHECK(strcmp(m1.command, m2.command) == 0 && m1.nparams == m2.nparams,
		    "round trip changed the command or the count", buf_data(&out), buf_len(&out));
		for (int i = 0; i < m1.nparams; i++)
			FUZZ_CHECK(strcmp(m1.params[i], m2.params[i]) == 0,
			    "round trip changed a param", buf_data(&out), buf_len(&out));
	}
	buf_free(&out);
}

static void check_nick(const char *s, size_t n)
{
	char nick[IRC_NICK_MAX + 1], name[NAME_MAX_BYTES + 1], back[NAME_MAX_BYTES + 1];
	char *z = malloc(n + 1);

	memcpy(z, s, n);
	z[n] = '\0';
	if (strlen(z) == n && irc_nick_to_name(z, name) == NULL) {
		FUZZ_CHECK(names_check(name, strlen(name), back) == NULL, "nick gave a bad name",
		    name, strlen(name));
		irc_name_to_nick(name, nick);
		FUZZ_CHECK(names_equal(nick, z), "nick does not map back", z, n);
	}
	if (names_check(s, n, name) == NULL) {
		size_t len = irc_name_to_nick(name, nick);

		FUZZ_CHECK(len <= IRC_NICK_MAX && strspn(nick, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789[]\\`_^{|}-") == len,
		    "name gave a bad nick", nick, len);
		FUZZ_CHECK(irc_nick_to_name(nick, back) == NULL && strcmp(back, name) == 0,
		    "name does not map back", name, strlen(name));
	}
	free(z);
}

static void check_text(const char *s, size_t n)
{
	char *clean = malloc(UTF8_CLEAN_MAX(n));
	size_t len = utf8_clean(UTF8_MESSAGE, s, n, clean, UTF8_CLEAN_MAX(n));
	struct buf out = { 0 };
	const char *p, *end;

	irc_put_text(&out, "time=x", "nick!~user@host.example", "PRIVMSG", "#lobby", clean, len);
	p = buf_data(&out);
	end = p + buf_len(&out);
	while (p < end) {
		const char *crlf = memchr(p, '\r', (size_t)(end - p));
		const char *body = p + strlen("@time=x ");

		FUZZ_CHECK(crlf != NULL && crlf + 1 < end && crlf[1] == '\n', "line without CRLF",
		    p, (size_t)(end - p));
		FUZZ_CHECK((size_t)(crlf - body) + 2 <= IRC_LINE_MAX, "split line too long",
		    p, (size_t)(crlf - p));
		FUZZ_CHECK(memchr(p, '\n', (size_t)(crlf - p)) == NULL &&
		    memchr(p, '\0', (size_t)(crlf - p)) == NULL, "LF or NUL inside", p,
		    (size_t)(crlf - p));
		p = crlf + 2;
	}
	buf_free(&out);
	free(clean);
}


/* --- a session over a chat that says yes -------------------------------------------- */

static const char *const some_names[] = { "alice", "bob smith", "Jos\xc3\xa9",
	"\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80"
	"\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80"
	"\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80" };

static int y_pass(void *c, const char *p) { (void)c; return p != NULL && p[0] == 'x' ? 0 : 464; }
static bool y_free(void *c, const char *n) { (void)c; return strcmp(n, "taken") != 0; }
static int y_name(void *c, const char *n) { (void)c; return strcmp(n, "taken") ? 0 : 433; }
static int y_room(void *c, const char *r) { (void)c; return r[0] == 'x' ? 403 : 0; }
static int y_part(void *c, const char *r, const char *w) { (void)c, (void)w; return y_room(c, r); }
static void y_quit(void *c, const char *w) { (void)c, (void)w; }

static int y_message(void *c, enum say_kind kind, const char *room, const char *name,
    const char *text, size_t len)
{
	(void)c, (void)kind, (void)room, (void)name;
	FUZZ_CHECK(fuzz_terminal_safe(text, len, ""), "unsafe text handed to the chat", text, len);
	return 0;
}

static const char *y_away_of(void *c, const char *n, char *t, size_t sz)
{
	(void)c;
	snprintf(t, sz, "%s is away", n);
	return t;
}

static int y_names(void *c, const char *room, irc_name_fn *each, void *arg)
{
	(void)c, (void)room;
	for (int k = 0; k < 40; k++)
		each(arg, some_names[k % 4], k % 3 == 0);
	return 0;
}

static int y_topic_get(void *c, const char *room, char *t, size_t tsz, char *who, size_t wsz,
    time_t *when)
{
	(void)c;
	snprintf(t, tsz, "topic of %s", room);
	snprintf(who, wsz, "%s", some_names[3]);
	*when = 0;
	return 0;
}

static int y_topic_set(void *c, const char *r, const char *t) { (void)c, (void)t; return y_room(c, r); }

static int y_who(void *c, const char *room, const char *mask, irc_person_fn *each, void *arg)
{
	struct irc_person p = { .user = "~u", .host = "h", .realname = "r", .room = room };

	(void)c, (void)mask;
	for (int k = 0; k < 4; k++) {
		p.name = some_names[k];
		p.away = k % 2 ? "away" : NULL;
		each(arg, &p);
	}
	return 0;
}

static int y_whois(void *c, const char *name, struct irc_person *p, char *rooms, size_t sz)
{
	(void)c;
	*p = (struct irc_person){ .name = name, .user = "~u", .host = "h", .realname = name,
		.away = "gone", .oper = true };
	snprintf(rooms, sz, "lobby dev");
	return 0;
}

static int y_away(void *c, const char *t) { (void)c, (void)t; return 0; }

static int y_list(void *c, irc_room_fn *each, void *arg)
{
	(void)c;
	each(arg, "lobby", 3, "a topic");
	each(arg, "12345678901234567890123456789012", 0, NULL);
	return 0;
}

static int y_kick(void *c, const char *r, const char *n, const char *w)
{
	(void)n, (void)w;
	return y_room(c, r);
}

static const struct irc_chat yes_chat = {
	.password = y_pass, .name_free = y_free, .enter = y_name, .rename = y_name,
	.join = y_room, .part = y_part, .message = y_message, .away_of = y_away_of,
	.names = y_names, .topic_get = y_topic_get, .topic_set = y_topic_set, .who = y_who,
	.whois = y_whois, .away = y_away, .list = y_list, .kick = y_kick, .quit = y_quit,
};

static const struct irc_config yes_cfg = {
	.server = "My.Little.Server", .network = "tcpchat", .version = "tcpchat-1.0.0",
	.created = "today", .motd = "one\ntwo", .password = false, .ping_idle = 2,
	.ping_timeout = 2,
};

static void check_output(const struct buf *out)
{
	const char *p = buf_data(out), *end = p + buf_len(out);

	while (p < end) {
		const char *lf = memchr(p, '\n', (size_t)(end - p)), *start = p;

		FUZZ_CHECK(lf != NULL && lf > p && lf[-1] == '\r', "session line without CRLF",
		    p, (size_t)(end - p));
		if (*p == '@') {        /* tags have their own budget */
			const char *sp = memchr(p, ' ', (size_t)(lf - p));

			FUZZ_CHECK(sp != NULL, "tags without a message", p, (size_t)(lf - p));
			start = sp + 1;
		}
		FUZZ_CHECK((size_t)(lf + 1 - start) <= IRC_LINE_MAX, "session line too long",
		    p, (size_t)(lf + 1 - p));
		FUZZ_CHECK(memchr(p, '\0', (size_t)(lf - p)) == NULL &&
		    memchr(p, '\r', (size_t)(lf - 1 - p)) == NULL, "NUL or CR inside a line",
		    p, (size_t)(lf - p));
		p = lf + 1;
	}
}

static void check_session(const char *s, size_t n)
{
	struct irc_session *sess = malloc(sizeof(*sess));
	time_t now = 0;

	irc_session_init(sess, &yes_cfg, &yes_chat, NULL, "127.0.0.1", now);
	for (size_t i = 0; i < n;) {
		const char *lf = memchr(s + i, '\n', n - i);
		size_t len = lf != NULL ? (size_t)(lf - (s + i)) : n - i;
		enum irc_status st;

		if (len > 0 && s[i + len - 1] == '\r')
			len--;
		st = len > IRC_INPUT_MAX ? (irc_session_too_long(sess), IRC_CONTINUE) :
		    irc_session_line(sess, s + i, len, now);
		if (st == IRC_CONTINUE)
			st = irc_session_tick(sess, now += (s[i] & 3));
		check_output(&sess->out);
		buf_clear(&sess->out);
		if (st == IRC_CLOSE)
			break;
		i += (lf != NULL ? (size_t)(lf - (s + i)) + 1 : n - i);
	}
	irc_session_free(sess);
	free(sess);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;

	if (irc_parse(s, size, &m1) == IRC_PARSE_OK) {
		check_parsed(&m1);
		check_round_trip(size);
	}
	if (size <= 4 * IRC_NICK_MAX)
		check_nick(s, size);
	if (size <= 4096)
		check_text(s, size);
	check_session(s, size);
	return 0;
}
