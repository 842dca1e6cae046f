/* Unit tests for addrkey.c: who "one address" is for the limits and bans. An IPv4
 * address is itself, an IPv6 address its /64, a v4-mapped one the IPv4 address; from
 * a sockaddr or from text (peer names with ports, what an operator types), formatted
 * back, compared and hashed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/un.h>
#include <cmocka.h>

#include "addrkey.h"

static const char *fmt(const char *text)
{
	static char out[ADDRKEY_TEXT_MAX];
	struct addrkey k;

	if (addrkey_from_text(text, &k) != 0)
		return "refused";
	return addrkey_format(&k, out);
}

static void text_forms_accepted(void **state)
{
	(void)state;
	assert_string_equal(fmt("1.2.3.4"), "1.2.3.4");
	assert_string_equal(fmt("1.2.3.4:5678"), "1.2.3.4");
	assert_string_equal(fmt("1.2.3.4/32"), "1.2.3.4");
	assert_string_equal(fmt("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
	assert_string_equal(fmt("[2001:db8:1:2::9]:5678"), "2001:db8:1:2::/64");
	assert_string_equal(fmt("[::1]"), "::/64");
	assert_string_equal(fmt("2001:db8::/64"), "2001:db8::/64");
	assert_string_equal(fmt("::ffff:10.0.0.7"), "10.0.0.7");
	assert_string_equal(fmt("[::ffff:10.0.0.7]:80"), "10.0.0.7");
}

static void text_forms_refused(void **state)
{
	(void)state;
	assert_string_equal(fmt(""), "refused");
	assert_string_equal(fmt("example.org"), "refused");
	assert_string_equal(fmt("1.2.3"), "refused");
	assert_string_equal(fmt("1.2.3.4:"), "refused");
	assert_string_equal(fmt("1.2.3.4:123456"), "refused");    /* six digits */
	assert_string_equal(fmt("1.2.3.4:80x"), "refused");
	assert_string_equal(fmt("1.2.3.4/24"), "refused");        /* only the whole address */
	assert_string_equal(fmt("2001:db8::/48"), "refused");     /* only the /64 */
	assert_string_equal(fmt("[2001:db8::1"), "refused");
	assert_string_equal(fmt("[2001:db8::1]x"), "refused");
	assert_string_equal(fmt("[2001:db8::1]:"), "refused");
	assert_string_equal(fmt("256.1.1.1"), "refused");
}

static void one_slash_64_is_one_address(void **state)
{
	struct addrkey a, b, c, d;

	(void)state;
	assert_int_equal(addrkey_from_text("2001:db8:1:2::1", &a), 0);
	assert_int_equal(addrkey_from_text("2001:db8:1:2:ffff:ffff:ffff:ffff", &b), 0);
	assert_int_equal(addrkey_from_text("2001:db8:1:3::1", &c), 0);
	assert_true(addrkey_equal(&a, &b));
	assert_int_equal(addrkey_hash(&a), addrkey_hash(&b));
	assert_false(addrkey_equal(&a, &c));
	assert_int_not_equal(addrkey_hash(&a), addrkey_hash(&c));
	assert_int_equal(addrkey_from_text("1.2.3.4", &a), 0);
	assert_int_equal(addrkey_from_text("1.2.3.5", &b), 0);
	assert_int_equal(addrkey_from_text("::ffff:1.2.3.4", &d), 0);
	assert_false(addrkey_equal(&a, &b));
	assert_true(addrkey_equal(&a, &d));
	/* 1.2.3.4 and the IPv6 address starting with the same bytes are not one. */
	assert_int_equal(addrkey_from_text("102:304::", &c), 0);
	assert_false(addrkey_equal(&a, &c));
}

static void from_sockaddr_of_each_family(void **state)
{
	struct sockaddr_in in4 = { .sin_family = AF_INET, .sin_port = htons(99) };
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6 };
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	struct addrkey k, t;
	char out[ADDRKEY_TEXT_MAX];

	(void)state;
	inet_pton(AF_INET, "192.0.2.1", &in4.sin_addr);
	assert_int_equal(addrkey_from_sockaddr((struct sockaddr *)&in4, &k), 0);
	assert_string_equal(addrkey_format(&k, out), "192.0.2.1");
	inet_pton(AF_INET6, "2001:db8:aa:bb:1:2:3:4", &in6.sin6_addr);
	assert_int_equal(addrkey_from_sockaddr((struct sockaddr *)&in6, &k), 0);
	assert_string_equal(addrkey_format(&k, out), "2001:db8:aa:bb::/64");
	assert_int_equal(addrkey_from_text("2001:db8:aa:bb::/64", &t), 0);
	assert_true(addrkey_equal(&k, &t));
	inet_pton(AF_INET6, "::ffff:192.0.2.1", &in6.sin6_addr);
	assert_int_equal(addrkey_from_sockaddr((struct sockaddr *)&in6, &k), 0);
	assert_string_equal(addrkey_format(&k, out), "192.0.2.1");
	assert_int_equal(addrkey_from_sockaddr((struct sockaddr *)&un, &k), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_forms_accepted),
		cmocka_unit_test(text_forms_refused),
		cmocka_unit_test(one_slash_64_is_one_address),
		cmocka_unit_test(from_sockaddr_of_each_family),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
