/* Unit tests for sniff.c: first lines that are not users, and the answers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "sniff.h"

static const struct {
	const char *line;
	enum sniff_kind kind;
} line_cases[] = {
	{ "GET / HTTP/1.1", SNIFF_HTTP_GET },
	{ "GET / HTTP/1.1\r", SNIFF_HTTP_GET },
	{ "GET /favicon.ico HTTP/1.0", SNIFF_HTTP_GET },
	{ "HEAD / HTTP/1.1", SNIFF_HTTP_HEAD },
	{ "POST /api HTTP/1.1", SNIFF_HTTP },
	{ "PUT /x HTTP/1.1", SNIFF_HTTP },
	{ "DELETE /x HTTP/1.1", SNIFF_HTTP },
	{ "OPTIONS * HTTP/1.1", SNIFF_HTTP },
	{ "CONNECT example.org:443 HTTP/1.1", SNIFF_HTTP },
	{ "PATCH /x HTTP/1.1", SNIFF_HTTP },
	{ "TRACE / HTTP/1.1", SNIFF_HTTP },
	{ "GET / HTTP/2.0", SNIFF_HTTP_GET },
	{ "get / http/1.1", SNIFF_NONE },
	{ "GET /", SNIFF_NONE },             /* HTTP/0.9 would be a name */
	{ "GET  / HTTP/1.1", SNIFF_NONE },
	{ "GET / HTTP/1.1 x", SNIFF_NONE },
	{ "GET / HTTP/x.1", SNIFF_NONE },
	{ "FETCH / HTTP/1.1", SNIFF_NONE },
	{ "GETTER / HTTP/1.1", SNIFF_NONE },
	{ "CAP LS", SNIFF_IRC },
	{ "CAP LS 302", SNIFF_IRC },
	{ "CAP LS 302\r", SNIFF_IRC },
	{ "CAP REQ :sasl multi-prefix", SNIFF_IRC },
	{ "CAP END", SNIFF_IRC },
	{ "NICK zed", SNIFF_IRC },
	{ "NICK :zed", SNIFF_IRC },
	{ "USER zed 0 * :Zed Shaw", SNIFF_IRC },
	{ "USER zed zed localhost :Zed", SNIFF_IRC },
	{ "PASS hunter2", SNIFF_IRC },
	{ "PASS :with spaces", SNIFF_IRC },
	{ "Nick Cave", SNIFF_NONE },
	{ "NICK", SNIFF_NONE },
	{ "NICK two words", SNIFF_NONE },
	{ "USER zed", SNIFF_NONE },
	{ "CAP", SNIFF_NONE },
	{ "CAP TAIN", SNIFF_NONE },
	{ "CAPTAIN", SNIFF_NONE },
	{ "get real", SNIFF_NONE },
	{ "zed", SNIFF_NONE },
	{ "", SNIFF_NONE },
	{ "\xff\xfd\x03", SNIFF_NONE },      /* telnet negotiation */
};

static void lines_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(line_cases) / sizeof(line_cases[0]); i++) {
		enum sniff_kind k = sniff_line(line_cases[i].line, strlen(line_cases[i].line));

		if (k != line_cases[i].kind)
			fail_msg("'%s': got %d, expected %d", line_cases[i].line, k, line_cases[i].kind);
	}
}

static void tls_bytes(void **state)
{
	/* The start of a real ClientHello (as tests/integration/junk.py makes one). */
	static const unsigned char hello[] = { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00 };
	static const unsigned char telnet[] = { 0xff, 0xfd, 0x03 };

	(void)state;
	assert_int_equal(sniff_bytes(hello, sizeof(hello)), SNIFF_TLS);
	assert_int_equal(sniff_bytes(hello, 3), SNIFF_TLS);
	assert_int_equal(sniff_bytes(hello, 2), SNIFF_MORE);
	assert_int_equal(sniff_bytes(hello, 1), SNIFF_MORE);
	assert_int_equal(sniff_bytes(hello, 0), SNIFF_MORE);
	assert_int_equal(sniff_bytes("\x16\x03\x05", 3), SNIFF_NONE);
	assert_int_equal(sniff_bytes("\x16z", 2), SNIFF_NONE);
	assert_int_equal(sniff_bytes("zed\n", 4), SNIFF_NONE);
	assert_int_equal(sniff_bytes(telnet, sizeof(telnet)), SNIFF_NONE);
}

static void http_reply(void **state)
{
	struct sniff_where w = { .host = "chat.example.org", .port = 8989 };
	char out[SNIFF_REPLY_MAX], *body;
	size_t n;

	(void)state;
	n = sniff_reply(SNIFF_HTTP_GET, &w, out, sizeof(out));
	assert_int_equal(n, strlen(out));
	assert_true(strncmp(out, "HTTP/1.0 200 OK\r\n", 17) == 0);
	assert_non_null(strstr(out, "\r\nContent-Type: text/plain; charset=utf-8\r\n"));
	assert_non_null(strstr(out, "\r\nConnection: close\r\n"));
	body = strstr(out, "\r\n\r\n");
	assert_non_null(body);
	body += 4;
	assert_non_null(strstr(body, "tcpchat"));
	assert_non_null(strstr(body, "nc chat.example.org 8989\n"));
	{
		char want[64];

		snprintf(want, sizeof(want), "Content-Length: %zu\r\n", strlen(body));
		assert_non_null(strstr(out, want));
	}
	n = sniff_reply(SNIFF_HTTP, &w, out, sizeof(out));
	assert_true(strncmp(out, "HTTP/1.0 400 Bad Request\r\n", 26) == 0);
	n = sniff_reply(SNIFF_HTTP_HEAD, &w, out, sizeof(out));
	assert_true(n > 4 && strcmp(out + n - 4, "\r\n\r\n") == 0); /* no body */
	w.host = NULL;
	sniff_reply(SNIFF_HTTP_GET, &w, out, sizeof(out));
	assert_non_null(strstr(out, "nc HOST 8989\n"));
}

static void irc_and_tls_replies(void **state)
{
	struct sniff_where w = { .host = "h", .port = 8989 };
	char out[SNIFF_REPLY_MAX];

	(void)state;
	sniff_reply(SNIFF_IRC, &w, out, sizeof(out));
	assert_true(strncmp(out, "ERROR :", 7) == 0);
	assert_non_null(strstr(out, "IRC is not served"));
	assert_non_null(strstr(out, "nc h 8989\r\n"));
	w.irc_port = 6667;
	sniff_reply(SNIFF_IRC, &w, out, sizeof(out));
	assert_non_null(strstr(out, "port 6667"));
	assert_ptr_equal(strchr(out, '\n'), out + strlen(out) - 1); /* one line */
	sniff_reply(SNIFF_TLS, &w, out, sizeof(out));
	assert_non_null(strstr(out, "TLS is not served"));
	w.tls_port = 8990;
	sniff_reply(SNIFF_TLS, &w, out, sizeof(out));
	assert_non_null(strstr(out, "TLS is on port 8990"));
	assert_int_equal(sniff_reply(SNIFF_NONE, &w, out, sizeof(out)), 0);
	assert_int_equal(sniff_reply(SNIFF_MORE, &w, out, sizeof(out)), 0);
}

static void long_host_never_overflows(void **state)
{
	char host[2000], out[SNIFF_REPLY_MAX];
	struct sniff_where w = { .host = host, .port = 1 };

	(void)state;
	memset(host, 'h', sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	assert_true(sniff_reply(SNIFF_HTTP_GET, &w, out, sizeof(out)) < sizeof(out));
	assert_true(sniff_reply(SNIFF_IRC, &w, out, sizeof(out)) < sizeof(out));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lines_table),
		cmocka_unit_test(tls_bytes),
		cmocka_unit_test(http_reply),
		cmocka_unit_test(irc_and_tls_replies),
		cmocka_unit_test(long_host_never_overflows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
