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
 *   IRC_LINE_MAX bytes each ending in CRLF, with no CR, LF or NUL elsewhere.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "irc.h"
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

static void check_round_trip(void)
{
	struct buf out = { 0 };
	const char *src = m1.source != NULL && m1.source[0] != '\0' &&
	    strchr(m1.source, ' ') == NULL ? m1.source : "s";

	irc_put(&out, NULL, src, m1.command, m1.nparams, m1.params);
	FUZZ_CHECK(buf_len(&out) <= IRC_LINE_MAX + 0u, "formatted line too long",
	    buf_data(&out), buf_len(&out));
	FUZZ_CHECK(buf_len(&out) >= 2 && memcmp(buf_data(&out) + buf_len(&out) - 2, "\r\n", 2) == 0,
	    "no CRLF", buf_data(&out), buf_len(&out));
	if (irc_parse(buf_data(&out), buf_len(&out) - 2, &m2) == IRC_PARSE_OK &&
	    buf_len(&out) < IRC_LINE_MAX - 1) {     /* not cut */
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;

	if (irc_parse(s, size, &m1) == IRC_PARSE_OK) {
		check_parsed(&m1);
		check_round_trip();
	}
	if (size <= 4 * IRC_NICK_MAX)
		check_nick(s, size);
	if (size <= 4096)
		check_text(s, size);
	return 0;
}
