/* sniff.c: HTTP request lines, IRC registration, TLS ClientHello; and the answers. */
#include <stdio.h>
#include <string.h>

#include "sniff.h"

#define SNIFF_TLS_HANDSHAKE 0x16 /* TLS record type: handshake */
#define SNIFF_TLS_MAJOR     0x03 /* SSL 3.0 and TLS 1.x record versions are 3.x */
#define SNIFF_TLS_MINOR_MAX 0x04

static const char *const sniff_http_methods[] = {
	"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "CONNECT", "PATCH", "TRACE",
};

enum sniff_kind sniff_bytes(const void *p, size_t n)
{
	const unsigned char *b = p;

	if (n == 0)
		return SNIFF_MORE;
	if (b[0] != SNIFF_TLS_HANDSHAKE || (n >= 2 && b[1] != SNIFF_TLS_MAJOR))
		return SNIFF_NONE;
	if (n < 3)
		return SNIFF_MORE;
	return b[2] <= SNIFF_TLS_MINOR_MAX ? SNIFF_TLS : SNIFF_NONE;
}

/* Whether s (n bytes) starts with the word w followed by a space. */
static int sniff_word(const char *s, size_t n, const char *w)
{
	size_t len = strlen(w);

	return n > len && memcmp(s, w, len) == 0 && s[len] == ' ';
}

static int sniff_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* "TARGET HTTP/d.d": a target without spaces or controls, then the version. */
static int sniff_http_rest(const char *s, size_t n)
{
	size_t t = 0;

	while (t < n && (unsigned char)s[t] > ' ' && s[t] != 0x7f)
		t++;
	if (t == 0 || n - t != 9)
		return 0;
	s += t;
	return memcmp(s, " HTTP/", 6) == 0 && sniff_is_digit(s[6]) && s[7] == '.' &&
	    sniff_is_digit(s[8]);
}

static enum sniff_kind sniff_http(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof(sniff_http_methods) / sizeof(sniff_http_methods[0]); i++) {
		const char *m = sniff_http_methods[i];
		size_t len = strlen(m);

		if (!sniff_word(s, n, m) || !sniff_http_rest(s + len + 1, n - len - 1))
			continue;
		if (i == 0)
			return SNIFF_HTTP_GET;
		return i == 1 ? SNIFF_HTTP_HEAD : SNIFF_HTTP;
	}
	return SNIFF_NONE;
}

/* How many space-separated parameters follow the command word; an IRC trailing
 * parameter (":with spaces") counts as one and ends the line. */
static int sniff_irc_params(const char *s, size_t n)
{
	int count = 0;
	size_t i = 0;

	while (i < n) {
		if (s[i] == ' ') {
			i++;
			continue;
		}
		count++;
		if (s[i] == ':')
			break;
		while (i < n && s[i] != ' ')
			i++;
	}
	return count;
}

/* After "CAP ": an IRCv3 capability negotiation subcommand. */
static int sniff_cap(const char *s, size_t n)
{
	static const char *const subs[] = { "LS", "REQ", "END", "LIST" };

	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if ((n == strlen(subs[i]) && memcmp(s, subs[i], n) == 0) || sniff_word(s, n, subs[i]))
			return 1;
	return 0;
}

static enum sniff_kind sniff_irc(const char *s, size_t n)
{
	static const struct {
		const char *cmd;
		int params; /* exactly this many */
	} regs[] = { { "NICK", 1 }, { "PASS", 1 }, { "USER", 4 } };

	if (sniff_word(s, n, "CAP"))
		return sniff_cap(s + 4, n - 4) ? SNIFF_IRC : SNIFF_NONE;
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		size_t len = strlen(regs[i].cmd);

		if (sniff_word(s, n, regs[i].cmd) &&
		    sniff_irc_params(s + len + 1, n - len - 1) == regs[i].params)
			return SNIFF_IRC;
	}
	return SNIFF_NONE;
}

enum sniff_kind sniff_line(const char *line, size_t n)
{
	enum sniff_kind k;

	if (n > 0 && line[n - 1] == '\r')
		n--;
	k = sniff_http(line, n);
	return k != SNIFF_NONE ? k : sniff_irc(line, n);
}

/* --- the answers ---------------------------------------------------------------------- */

static size_t sniff_http_reply(enum sniff_kind k, const struct sniff_where *w, char *out,
    size_t outsz)
{
	char body[SNIFF_REPLY_MAX / 2];
	const char *host = w->host ? w->host : "HOST";
	int blen, n;

	blen = snprintf(body, sizeof(body), "This is a tcpchat chat server, not a web server.\n"
	    "To join the chat, connect with nc (or telnet, or tcpchat connect):\n\n"
	    "    nc %s %d\n", host, w->port);
	if (blen < 0 || (size_t)blen >= sizeof(body))
		blen = 0; /* a host name too long to show: no body rather than a cut one */
	n = snprintf(out, outsz, "HTTP/1.0 %s\r\nContent-Type: text/plain; charset=utf-8\r\n"
	    "Content-Length: %d\r\nConnection: close\r\n\r\n%s",
	    k == SNIFF_HTTP ? "400 Bad Request" : "200 OK", blen,
	    k == SNIFF_HTTP_HEAD || blen == 0 ? "" : body);
	return n < 0 || (size_t)n >= outsz ? 0 : (size_t)n;
}

static size_t sniff_irc_reply(const struct sniff_where *w, char *out, size_t outsz)
{
	int n;

	if (w->irc_port > 0)
		n = snprintf(out, outsz, "ERROR :This is tcpchat, a chat server that speaks IRC on "
		    "port %d, not on this one\r\n", w->irc_port);
	else
		n = snprintf(out, outsz, "ERROR :This is tcpchat, a chat server; IRC is not served "
		    "here. Join with: nc %s %d\r\n", w->host ? w->host : "HOST", w->port);
	return n < 0 || (size_t)n >= outsz ? 0 : (size_t)n;
}

static size_t sniff_tls_reply(const struct sniff_where *w, char *out, size_t outsz)
{
	int n;

	if (w->tls_port > 0)
		n = snprintf(out, outsz, "This is tcpchat's plain-text port; TLS is on port %d.\r\n",
		    w->tls_port);
	else
		n = snprintf(out, outsz, "This is tcpchat's plain-text port and TLS is not served "
		    "here. Join with: nc %s %d\r\n", w->host ? w->host : "HOST", w->port);
	return n < 0 || (size_t)n >= outsz ? 0 : (size_t)n;
}

size_t sniff_reply(enum sniff_kind k, const struct sniff_where *w, char *out, size_t outsz)
{
	out[0] = '\0';
	switch (k) {
	case SNIFF_HTTP_GET:
	case SNIFF_HTTP_HEAD:
	case SNIFF_HTTP:
		return sniff_http_reply(k, w, out, outsz);
	case SNIFF_IRC:
		return sniff_irc_reply(w, out, outsz);
	case SNIFF_TLS:
		return sniff_tls_reply(w, out, outsz);
	case SNIFF_NONE:
	case SNIFF_MORE:
		break;
	}
	return 0;
}
