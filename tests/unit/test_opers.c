/* Unit tests for opers.c: the oper file, the password file, crypt_r checks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "opers.h"

/* openssl passwd -6 -salt abcdefgh secret (also mkpasswd -m sha-512 -S abcdefgh) */
#define SHA512_SECRET "$6$abcdefgh$ltjgWl6579NluT/Vi1nwEvcil.G5Nbc4NiXZaNGStk8PSwGfQv72N2CKPPrVACtLtip/cZ/1GM/O6IND4WQhG."
/* openssl passwd -1 -salt abcdefgh secret: MD5, legacy */
#define MD5_SECRET "$1$abcdefgh$cHJi5PXp/ki/ktXzqlk6I1"
/* mkpasswd -m bcrypt -R 5 secret */
/* mkpasswd secret (yescrypt, the default of mkpasswd and of Debian's passwd) */
#define YESCRYPT_SECRET "$y$j9T$SmaIqkRM4UcTcb0Vk.5/01$TYWkWI15BaPAqMWHvtX28Ga6XER/7msbel7Pa2bNia/"
#define BCRYPT_SECRET "$2b$05$L5Bu8u3.050oEDxz5cQpw.rhp5Oh1LNAtXYQgQG/f9EHKk5AFjSym"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_opers.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

/* Write a file in the temporary directory with the given mode; returns its path. */
static const char *write_file(const char *name, mode_t mode, const char *text)
{
	static char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
	return path;
}

/* A hash made now by `openssl passwd -6`, or NULL when openssl is missing. */
static char *openssl_hash(const char *password)
{
	char cmd[256], line[256];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "openssl passwd -6 '%s' 2>/dev/null", password);
	p = popen(cmd, "r");
	if (p == NULL)
		return NULL;
	if (fgets(line, sizeof(line), p) == NULL) {
		pclose(p);
		return NULL;
	}
	pclose(p);
	line[strcspn(line, "\n")] = '\0';
	return line[0] == '$' ? strdup(line) : NULL;
}

struct reports {
	int n;
	char last[512];
};

static void collect(void *ctx, const char *msg)
{
	struct reports *r = ctx;

	r->n++;
	snprintf(r->last, sizeof(r->last), "%s", msg);
}

static void verify_known_vectors(void **state)
{
	(void)state;
	assert_int_equal(opers_verify(SHA512_SECRET, "secret"), 1);
	assert_int_equal(opers_verify(SHA512_SECRET, "Secret"), 0);
	assert_int_equal(opers_verify(SHA512_SECRET, ""), 0);
	assert_int_equal(opers_verify(YESCRYPT_SECRET, "secret"), 1);
	assert_int_equal(opers_verify(YESCRYPT_SECRET, "secret\n"), 0);
	assert_int_equal(opers_verify(BCRYPT_SECRET, "secret"), 1);
	assert_int_equal(opers_verify(BCRYPT_SECRET, "secreT"), 0);
	assert_int_equal(opers_verify("garbage", "secret"), 0);
	assert_int_equal(opers_verify("", ""), 0);
}

static void password_length_is_capped(void **state)
{
	char pw[TC_PASSWORD_MAX + 2];

	(void)state;
	memset(pw, 'a', sizeof(pw) - 1);
	pw[sizeof(pw) - 1] = '\0';
	assert_int_equal(opers_verify(SHA512_SECRET, pw), 0);
}

static void hash_problems(void **state)
{
	(void)state;
	assert_null(opers_hash_problem(SHA512_SECRET));
	assert_null(opers_hash_problem(BCRYPT_SECRET));
	assert_null(opers_hash_problem(YESCRYPT_SECRET));
	assert_non_null(opers_hash_problem(MD5_SECRET));
	assert_non_null(opers_hash_problem("secret"));       /* a plain password */
	assert_non_null(opers_hash_problem("abPYFqAwgT7nI")); /* DES */
	assert_non_null(opers_hash_problem(""));
	assert_non_null(opers_hash_problem("$6$abcdefgh$ltjgWl6579"));       /* cut */
	assert_non_null(opers_hash_problem(SHA512_SECRET "x"));                /* extra */
}

static void openssl_made_hashes(void **state)
{
	char *h = openssl_hash("correct horse");

	(void)state;
	if (h == NULL) {
		print_message("openssl is not installed: only the fixed vectors were checked\n");
		return;
	}
	assert_null(opers_hash_problem(h));
	assert_int_equal(opers_verify(h, "correct horse"), 1);
	assert_int_equal(opers_verify(h, "correct horse "), 0);
	free(h);
}

static void load_and_check(void **state)
{
	struct opers o = { 0 };
	struct reports r = { 0 };
	const char *path = write_file("opers", 0600,
	    "# operators\n\n   # indented comment\nalice:" SHA512_SECRET "\r\n"
	    "bob:" BCRYPT_SECRET "   \n");

	(void)state;
	assert_int_equal(opers_load(&o, path, collect, &r), 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(o.n, 2);
	assert_int_equal(opers_check(&o, "alice", "secret"), 1);
	assert_int_equal(opers_check(&o, "bob", "secret"), 1);
	assert_int_equal(opers_check(&o, "alice", "wrong"), 0);
	assert_int_equal(opers_check(&o, "Alice", "secret"), 0);
	assert_int_equal(opers_check(&o, "carol", "secret"), 0);
	opers_free(&o);
	assert_int_equal(o.n, 0);
}

static void every_bad_line_is_reported(void **state)
{
	struct opers o = { 0 };
	struct reports r = { 0 };
	char text[4096];
	const char *path;

	(void)state;
	snprintf(text, sizeof(text),
	    "alice:%s\n"       /* 1 ok */
	    "nocolon\n"        /* 2 */
	    ":%s\n"            /* 3 no name */
	    "bad name:%s\n"    /* 4 space */
	    "carol:%s\n"       /* 5 md5 */
	    "dave:secret\n"    /* 6 plain */
	    "alice:%s\n"       /* 7 twice */
	    "%*s\n",           /* 8 too long */
	    SHA512_SECRET, SHA512_SECRET, SHA512_SECRET, MD5_SECRET, SHA512_SECRET,
	    TC_OPER_LINE_MAX + 10, "x");
	path = write_file("bad", 0600, text);
	assert_int_equal(opers_load(&o, path, collect, &r), -1);
	assert_int_equal(r.n, 7);
	assert_int_equal(o.n, 0);
	assert_non_null(strstr(r.last, ":8: line too long"));
	assert_true(strncmp(r.last, path, strlen(path)) == 0);
}

static void readable_file_is_refused(void **state)
{
	static const mode_t modes[] = { 0640, 0604, 0620, 0602, 0644 };
	struct opers o = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		struct reports r = { 0 };
		const char *path = write_file("open", modes[i], "alice:" SHA512_SECRET "\n");

		assert_int_equal(opers_load(&o, path, collect, &r), -1);
		assert_int_equal(r.n, 1);
		assert_non_null(strstr(r.last, "chmod 600"));
	}
	{
		struct reports r = { 0 };
		const char *path = write_file("open", 0400, "alice:" SHA512_SECRET "\n");

		assert_int_equal(opers_load(&o, path, collect, &r), 0);
		opers_free(&o);
	}
}

static void missing_and_not_regular(void **state)
{
	struct opers o = { 0 };
	struct reports r = { 0 };

	(void)state;
	assert_int_equal(opers_load(&o, "/nonexistent/opers", collect, &r), -1);
	assert_int_equal(r.n, 1);
	assert_int_equal(opers_load(&o, dir, collect, &r), -1);
	assert_non_null(strstr(r.last, "not a regular file"));
}

static void password_file(void **state)
{
	char err[512], *h;
	const char *path;

	(void)state;
	path = write_file("pw", 0600, "# server password\n" SHA512_SECRET "\n\n");
	h = opers_load_password(path, err, sizeof(err));
	assert_non_null(h);
	assert_int_equal(opers_verify(h, "secret"), 1);
	free(h);
	path = write_file("pw", 0644, SHA512_SECRET "\n");
	assert_null(opers_load_password(path, err, sizeof(err)));
	assert_non_null(strstr(err, "chmod 600"));
	path = write_file("pw", 0600, SHA512_SECRET "\n" SHA512_SECRET "\n");
	assert_null(opers_load_password(path, err, sizeof(err)));
	assert_non_null(strstr(err, ":2: more than one hash"));
	path = write_file("pw", 0600, "# nothing\n");
	assert_null(opers_load_password(path, err, sizeof(err)));
	assert_non_null(strstr(err, "no hash"));
	path = write_file("pw", 0600, "hunter2\n");
	assert_null(opers_load_password(path, err, sizeof(err)));
	assert_non_null(strstr(err, ":1: not a crypt hash"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(verify_known_vectors),
		cmocka_unit_test(password_length_is_capped),
		cmocka_unit_test(hash_problems),
		cmocka_unit_test(openssl_made_hashes),
		cmocka_unit_test(load_and_check),
		cmocka_unit_test(every_bad_line_is_reported),
		cmocka_unit_test(readable_file_is_refused),
		cmocka_unit_test(missing_and_not_regular),
		cmocka_unit_test(password_file),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
