/* Unit tests for addrkey.c and bans.c: address keys, bans in memory and in a file. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "addrkey.h"
#include "bans.h"

static char dir[64], path[128];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_bans.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/bans", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static struct addrkey key(const char *text)
{
	struct addrkey k;

	if (addrkey_from_text(text, &k) != 0)
		fail_msg("'%s' is not an address", text);
	return k;
}

/* Text, and the key it is, as addrkey_format writes it ("" for refused). */
static const struct {
	const char *text, *key;
} text_cases[] = {
	{ "1.2.3.4", "1.2.3.4" },
	{ "1.2.3.4:5678", "1.2.3.4" },
	{ "1.2.3.4/32", "1.2.3.4" },
	{ "::ffff:1.2.3.4", "1.2.3.4" },
	{ "[::ffff:1.2.3.4]:80", "1.2.3.4" },
	{ "2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64" },
	{ "[2001:db8:1:2:3:4:5:6]:8989", "2001:db8:1:2::/64" },
	{ "2001:db8:1:2::/64", "2001:db8:1:2::/64" },
	{ "[::1]", "::/64" },
	{ "::1", "::/64" },
	{ "1.2.3", "" },
	{ "1.2.3.4:", "" },
	{ "1.2.3.4:x", "" },
	{ "1.2.3.4/24", "" },
	{ "2001:db8::/48", "" },
	{ "[2001:db8::1", "" },
	{ "[2001:db8::1]x", "" },
	{ "bob", "" },
	{ "", "" },
	{ "?", "" },
};

static void keys_from_text(void **state)
{
	char out[ADDRKEY_TEXT_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(text_cases) / sizeof(text_cases[0]); i++) {
		struct addrkey k;
		int rc = addrkey_from_text(text_cases[i].text, &k);

		if (text_cases[i].key[0] == '\0') {
			if (rc == 0)
				fail_msg("'%s' should be refused", text_cases[i].text);
		} else if (rc != 0 || strcmp(addrkey_format(&k, out), text_cases[i].key) != 0) {
			fail_msg("'%s': rc %d, key '%s'", text_cases[i].text, rc, rc ? "" : out);
		}
	}
}

static void keys_from_sockaddr(void **state)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *in = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	struct addrkey k, t;

	(void)state;
	memset(&ss, 0, sizeof(ss));
	in->sin_family = AF_INET;
	inet_pton(AF_INET, "10.0.0.7", &in->sin_addr);
	assert_int_equal(addrkey_from_sockaddr((struct sockaddr *)&ss, &k), 0);
	t = key("10.0.0.7");
	assert_true(addrkey_equal(&k, &t));
	memset(&ss, 0, sizeof(ss));
	in6->sin6_family = AF_INET6;
	inet_pton(AF_INET6, "::ffff:10.0.0.7", &in6->sin6_addr);
	assert_int_equal(addrkey_from_sockaddr((struct sockaddr *)&ss, &k), 0);
	assert_true(addrkey_equal(&k, &t));
	assert_int_equal(addrkey_hash(&k), addrkey_hash(&t));
	inet_pton(AF_INET6, "2001:db8:0:1:ffff::9", &in6->sin6_addr);
	assert_int_equal(addrkey_from_sockaddr((struct sockaddr *)&ss, &k), 0);
	t = key("2001:db8:0:1::1");
	assert_true(addrkey_equal(&k, &t)); /* the same /64 */
	t = key("2001:db8:0:2::1");
	assert_false(addrkey_equal(&k, &t));
	ss.ss_family = AF_UNIX;
	assert_int_equal(addrkey_from_sockaddr((struct sockaddr *)&ss, &k), -1);
}

static void add_check_remove(void **state)
{
	struct bans b;
	struct addrkey k = key("1.2.3.4"), v6 = key("2001:db8::5");
	const struct ban *e;

	(void)state;
	bans_init(&b, NULL);
	assert_int_equal(bans_add(&b, &k, 100, 0, "alice", "spam"), 0);
	assert_int_equal(bans_add(&b, &v6, 100, 200, "alice", "flood"), 0);
	e = bans_check(&b, &k, 1000000);
	assert_non_null(e);
	assert_string_equal(e->reason, "spam");
	k = key("1.2.3.4:999");
	assert_non_null(bans_check(&b, &k, 5)); /* any port */
	v6 = key("[2001:db8::ffff]:1");
	assert_non_null(bans_check(&b, &v6, 150)); /* the same /64 */
	assert_null(bans_check(&b, &v6, 200));     /* expired: dropped */
	assert_int_equal(b.n, 1);
	assert_int_equal(bans_add(&b, &k, 300, 400, "bob", "again"), 1); /* replaced */
	assert_int_equal(b.n, 1);
	assert_string_equal(b.v[0].by, "bob");
	assert_int_equal(bans_remove(&b, &k), 0);
	assert_int_equal(bans_remove(&b, &k), -1);
	assert_null(bans_check(&b, &k, 0));
	bans_free(&b);
}

static void expire_and_cap(void **state)
{
	struct bans b;
	struct addrkey k;
	char text[32];

	(void)state;
	bans_init(&b, NULL);
	for (int i = 0; i < TC_MAX_BANS; i++) {
		snprintf(text, sizeof(text), "10.%d.%d.1", i / 256, i % 256);
		k = key(text);
		assert_int_equal(bans_add(&b, &k, 0, i % 2 ? 50 : 0, "op", ""), 0);
	}
	k = key("192.0.2.1");
	assert_int_equal(bans_add(&b, &k, 0, 0, "op", ""), -1);
	assert_int_equal(bans_expire(&b, 49), 0);
	assert_int_equal(bans_expire(&b, 50), TC_MAX_BANS / 2);
	assert_int_equal(b.n, TC_MAX_BANS / 2);
	assert_int_equal(bans_add(&b, &k, 0, 0, "op", ""), 0);
	bans_free(&b);
}

static void text_is_cleaned(void **state)
{
	struct bans b;
	struct addrkey k = key("1.2.3.4");
	char reason[TC_BAN_REASON_MAX + 50];

	(void)state;
	bans_init(&b, NULL);
	bans_add(&b, &k, 0, 0, "ev\til", "line\nbreak\x1b[31m");
	assert_string_equal(b.v[0].by, "ev il");
	assert_string_equal(b.v[0].reason, "line break [31m");
	/* cut at a character: 'é' is 2 bytes, the limit falls inside one */
	memset(reason, 'a', sizeof(reason));
	for (size_t i = 1; i + 1 < sizeof(reason); i += 2)
		memcpy(reason + i, "\xc3\xa9", 2);
	reason[sizeof(reason) - 1] = '\0';
	bans_add(&b, &k, 0, 0, NULL, reason);
	assert_true(strlen(b.v[0].reason) <= TC_BAN_REASON_MAX);
	assert_int_not_equal((unsigned char)b.v[0].reason[strlen(b.v[0].reason) - 1], 0xc3);
	assert_string_equal(b.v[0].by, "");
	bans_free(&b);
}

static void save_and_load(void **state)
{
	struct bans b, c;
	struct addrkey k1 = key("1.2.3.4"), k2 = key("2001:db8::1"), k3 = key("5.6.7.8");
	char err[256];
	size_t skipped = 99;
	struct stat st;

	(void)state;
	bans_init(&b, path);
	bans_add(&b, &k1, 100, 0, "alice", "spam and more");
	bans_add(&b, &k2, 100, 5000, "bob", "");
	bans_add(&b, &k3, 100, 1000, "bob", "short");
	assert_int_equal(bans_save(&b, err, sizeof(err)), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	bans_init(&c, path);
	assert_int_equal(bans_load(&c, 2000, &skipped, err, sizeof(err)), 0);
	assert_int_equal(skipped, 0);
	assert_int_equal(c.n, 2); /* k3 expired at 1000 */
	assert_non_null(bans_check(&c, &k1, 2000));
	assert_string_equal(bans_check(&c, &k1, 2000)->reason, "spam and more");
	assert_int_equal(bans_check(&c, &k2, 2000)->expires, 5000);
	assert_int_equal(bans_check(&c, &k2, 2000)->set_at, 100);
	bans_free(&b);
	bans_free(&c);
}

static void bad_lines_are_skipped_and_counted(void **state)
{
	struct bans b;
	char err[256];
	size_t skipped;
	FILE *f = fopen(path, "w");
	struct addrkey k = key("9.9.9.9");

	(void)state;
	assert_non_null(f);
	fprintf(f, "# comment\n\n9.9.9.9\t0\t1\top\tok\n");
	fprintf(f, "nonsense\n");
	fprintf(f, "bob\t0\t1\top\treason\n");
	fprintf(f, "8.8.8.8\tsoon\t1\top\treason\n");
	fprintf(f, "8.8.8.8\t0\t1\top\n");
	fprintf(f, "8.8.8.8\t0\t1\top\tr\textra\n");
	fprintf(f, "8.8.8.8\t-1\t1\top\tr\n");
	fprintf(f, "7.7.7.7\t0\t1\top\t%0*d\n", 5000, 0); /* a line too long */
	fprintf(f, "6.6.6.6\t0\t1\top\tlast, no newline");
	fclose(f);
	bans_init(&b, path);
	assert_int_equal(bans_load(&b, 10, &skipped, err, sizeof(err)), 0);
	assert_int_equal(skipped, 7);
	assert_int_equal(b.n, 2);
	assert_non_null(bans_check(&b, &k, 10));
	bans_free(&b);
}

static void missing_file_and_not_a_file(void **state)
{
	struct bans b;
	char err[256], other[160];
	size_t skipped;

	(void)state;
	snprintf(other, sizeof(other), "%s/none", dir);
	bans_init(&b, other);
	assert_int_equal(bans_load(&b, 0, &skipped, err, sizeof(err)), 0);
	assert_int_equal(b.n, 0);
	bans_free(&b);
	bans_init(&b, dir); /* a directory */
	assert_int_equal(bans_load(&b, 0, &skipped, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a regular file"));
	bans_free(&b);
	snprintf(other, sizeof(other), "%s/nodir/bans", dir);
	bans_init(&b, other);
	assert_int_equal(bans_save(&b, err, sizeof(err)), -1);
	bans_free(&b);
}

static void save_replaces_atomically(void **state)
{
	struct bans b;
	struct addrkey k = key("1.1.1.1");
	char err[256], cmd[160];
	FILE *p;
	char line[64];

	(void)state;
	bans_init(&b, path);
	bans_add(&b, &k, 0, 0, "op", "x");
	assert_int_equal(bans_save(&b, err, sizeof(err)), 0);
	bans_remove(&b, &k);
	assert_int_equal(bans_save(&b, err, sizeof(err)), 0);
	/* no temporary files are left behind */
	snprintf(cmd, sizeof(cmd), "ls '%s' | grep -c tmp", dir);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(line, sizeof(line), p));
	pclose(p);
	assert_string_equal(line, "0\n");
	bans_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keys_from_text),
		cmocka_unit_test(keys_from_sockaddr),
		cmocka_unit_test(add_check_remove),
		cmocka_unit_test(expire_and_cap),
		cmocka_unit_test(text_is_cleaned),
		cmocka_unit_test(save_and_load),
		cmocka_unit_test(bad_lines_are_skipped_and_counted),
		cmocka_unit_test(missing_file_and_not_a_file),
		cmocka_unit_test(save_replaces_atomically),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
