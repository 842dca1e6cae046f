/* sniff.h: a first line that is not a user. On the chat port, before the name:
 *  - an HTTP request line ("GET / HTTP/1.1": a browser, curl, a health check) gets a
 *    short plain-text HTTP/1.0 response saying how to join, then the connection closes;
 *  - an IRC client's registration (CAP LS, NICK, USER, PASS as the first line) gets one
 *    IRC ERROR line saying where IRC is served, or that it is not;
 *  - a TLS ClientHello (first bytes 0x16 0x03 0x00..0x04) gets one line pointing at the
 *    TLS port, or saying TLS is not served.
 * None of them is ever a user, in the history or in the chat log.
 * Matching is exact and case-sensitive, as those clients send it, so a person typing a
 * name such as "Nick Cave" or "get real" is never mistaken for one. Pure functions. */
#ifndef SNIFF_H
#define SNIFF_H

#include <stddef.h>

enum sniff_kind {
	SNIFF_NONE,       /* a person, as far as we can tell */
	SNIFF_MORE,       /* sniff_bytes: too few bytes to tell TLS yet */
	SNIFF_HTTP_GET,   /* GET: "200 OK" and a body saying how to join */
	SNIFF_HTTP_HEAD,  /* HEAD: the same without the body */
	SNIFF_HTTP,       /* any other method: "400 Bad Request" and the same body */
	SNIFF_IRC,        /* IRC registration */
	SNIFF_TLS,        /* a TLS handshake */
};

/* Where the server can be reached, for the replies. host: how to name this server in
 * "nc HOST PORT" (NULL: the word HOST). 0 for a port that is not served. */
struct sniff_where {
	const char *host;
	int port;     /* the plain chat port */
	int irc_port; /* the IRC listener */
	int tls_port; /* the TLS chat port */
};

#define SNIFF_REPLY_MAX 1024 /* bytes of any sniff_reply(), the NUL included */

/* The first bytes the peer sent, before any newline: SNIFF_TLS, SNIFF_MORE (fewer than
 * 3 bytes that could start a ClientHello) or SNIFF_NONE. */
enum sniff_kind sniff_bytes(const void *p, size_t n);
/* The first whole line, without its LF (a trailing CR is ignored): SNIFF_HTTP_GET,
 * SNIFF_HTTP_HEAD, SNIFF_HTTP, SNIFF_IRC or SNIFF_NONE. An HTTP request line is
 * METHOD SP TARGET SP HTTP/d.d with METHOD one of GET HEAD POST PUT DELETE OPTIONS
 * CONNECT PATCH TRACE. */
enum sniff_kind sniff_line(const char *line, size_t n);
/* The bytes to send before closing, NUL-terminated in out (at least SNIFF_REPLY_MAX
 * bytes); returns their length, 0 for SNIFF_NONE and SNIFF_MORE. */
size_t sniff_reply(enum sniff_kind k, const struct sniff_where *w, char *out, size_t outsz);

#endif
