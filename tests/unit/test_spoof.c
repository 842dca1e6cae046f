/* Unit tests for spoof.c: names that cannot impersonate, skeletons, bidi scopes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "spoof.h"

/* A name and whether it is accepted. */
static const struct {
	const char *name;
	int ok;
} name_cases[] = {
	{ "zed", 1 },
	{ "Zoë", 1 },
	{ "zoe\xcc\x88", 1 },              /* e + combining diaeresis */
	{ "ann marie", 1 },
	{ "Иван", 1 },
	{ "李小龙", 1 },
	{ "أحمد", 1 },                     /* Arabic letters, no controls */
	{ "bob_42", 1 },
	{ "\xe2\x9d\xa4", 1 },             /* U+2764 heavy black heart */
	{ "", 0 },
	{ "z\xe2\x80\x8b" "ed", 0 },       /* U+200B zero-width space */
	{ "zed\xe2\x80\x8b", 0 },
	{ "z\xe2\x80\x8d" "ed", 0 },       /* U+200D ZWJ */
	{ "z\xe2\x80\x8c" "ed", 0 },       /* U+200C ZWNJ */
	{ "\xef\xbb\xbf" "zed", 0 },          /* U+FEFF BOM */
	{ "ze\xc2\xad" "d", 0 },           /* U+00AD soft hyphen */
	{ "\xe2\x80\xaezed", 0 },          /* U+202E RLO */
	{ "\xe2\x80\xaazed", 0 },          /* U+202A LRE */
	{ "zed\xe2\x80\xac", 0 },          /* U+202C PDF */
	{ "\xe2\x81\xa6zed", 0 },          /* U+2066 LRI */
	{ "\xe2\x81\xa9zed", 0 },          /* U+2069 PDI */
	{ "zed\xe2\x80\x8e", 0 },          /* U+200E LRM */
	{ "zed\xe2\x80\x8f", 0 },          /* U+200F RLM */
	{ "\xd8\x9c" "zed", 0 },           /* U+061C ALM */
	{ "zed\xef\xb8\x8f", 0 },          /* U+FE0F variation selector 16 */
	{ "\xe2\x9d\xa4\xef\xb8\x8f", 0 }, /* heart + VS16 */
	{ "zed\xf3\xa0\x84\x80", 0 },      /* U+E0100 variation selector 17 */
	{ "zed\xf3\xa0\x81\xa1", 0 },      /* U+E0061 tag small a */
	{ "\xe3\x85\xa4", 0 },             /* U+3164 Hangul filler */
	{ "\xe2\xa0\x80", 0 },             /* U+2800 braille blank */
	{ "z\xcd\x8f" "ed", 0 },           /* U+034F combining grapheme joiner */
	{ "\xe1\xa0\x8e" "zed", 0 },       /* U+180E Mongolian vowel separator */
	{ "\xe2\x81\xa0zed", 0 },          /* U+2060 word joiner */
	{ "\xcc\x81zed", 0 },              /* leading U+0301 combining acute */
	{ "ann \xcc\x81marie", 0 },        /* combining mark after a space */
	{ "\xe2\x83\x9dzed", 0 },          /* leading U+20DD enclosing circle (Me) */
	{ " zed", 0 },
	{ "zed ", 0 },
	{ "ann  marie", 0 },
	{ "ann\tmarie", 0 },
	{ "ann\xc2\xa0marie", 0 },         /* U+00A0 no-break space */
	{ "ann\xe3\x80\x80marie", 0 },     /* U+3000 ideographic space */
	{ "ann\xe2\x80\x83marie", 0 },     /* U+2003 em space */
	{ "ann\xe2\x80\xafmarie", 0 },     /* U+202F narrow no-break space */
	{ "ann\xe2\x80\xa8marie", 0 },     /* U+2028 line separator */
	{ "ann\xc2\x85marie", 0 },         /* U+0085 next line */
	{ "ann\x7fmarie", 0 },
	{ "ann\x1b[31m", 0 },
	{ "zed\xee\x80\x80", 0 },          /* U+E000 private use */
	{ "zed\xf0\xb0\x80\x80\xf4\x8f\xbf\xbf", 0 }, /* U+10FFFF noncharacter */
	{ "zed\xff", 0 },                  /* invalid UTF-8 */
	{ "zed\xc0\xaf", 0 },              /* overlong */
	{ "\xed\xa0\x80", 0 },             /* a surrogate in UTF-8 */
};

/* Blank runs cut to max_run characters; other text, and short runs, untouched. */
static void collapse_space(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "a     b", "a   b" },
		{ "a   b", "a   b" },
		{ "      lead", "   lead" },
		{ "x\xe2\x80\x83\xe2\x80\x83\xe2\x80\x83\xe2\x80\x83" "y", "x\xe2\x80\x83\xe2\x80\x83\xe2\x80\x83" "y" },
		{ "x \xe3\x80\x80\xe2\xa0\x80\xe3\x85\xa4" "y", "x \xe3\x80\x80\xe2\xa0\x80" "y" },
		{ "no runs at all", "no runs at all" },
		{ "bad \xff" "    bytes", "bad \xff" "   bytes" },
	};
	char buf[64];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = strlen(cases[i].in);

		memcpy(buf, cases[i].in, n);
		n = spoof_collapse_space(buf, n, 3);
		assert_int_equal(n, strlen(cases[i].out));
		assert_memory_equal(buf, cases[i].out, n);
	}
}

static void names_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(name_cases) / sizeof(name_cases[0]); i++) {
		const char *why = spoof_check_name(name_cases[i].name, strlen(name_cases[i].name));

		if ((why == NULL) != name_cases[i].ok)
			fail_msg("case %zu (%s): expected %s, got %s", i, name_cases[i].name,
			    name_cases[i].ok ? "accepted" : "refused", why ? why : "accepted");
	}
}

/* UTS #39 5.4 (issue 21, item 11): names that render as another through combining
 * marks are refused; marks used as they are meant stay allowed. */
static const struct {
	const char *name;
	int ok;
} mark_cases[] = {
	{ "m\xc4\xb1\xcc\x87ke", 0 },     /* mı̇ke: dotless i + dot above */
	{ "t\xc4\xb1\xcc\x87m", 0 },      /* tı̇m */
	{ "\xc8\xb7\xcc\x87" "ack", 0 },  /* ȷ̇ack: dotless j + dot above */
	{ "adm\xc4\xb1\xcc\x87n", 0 },    /* admı̇n */
	{ "al\xc4\xb1\xcc\x87" "ce", 0 }, /* alı̇ce */
	{ "mi\xcc\x87ke", 0 },              /* mi̇ke: i + dot above */
	{ "j\xcc\x87oe", 0 },               /* j + dot above */
	{ "\xd1\x96\xcc\x87va", 0 },      /* Cyrillic і (soft-dotted) + dot above */
	{ "zoe\xcc\x88\xcc\x88", 0 },     /* the same mark twice */
	{ "zo\xc3\xab\xcc\x88", 0 },      /* ë then ¨ again: twice in NFD */
	{ "a\xcc\x81\xcc\x82\xcc\x83\xcc\x84\xcc\x86", 0 }, /* five marks on a */
	{ "a\xd2\x83" "bc", 0 },            /* a Cyrillic titlo on a Latin letter */
	{ "mike", 1 },
	{ "zo\xc3\xab", 1 },                /* zoë */
	{ "zoe\xcc\x88", 1 },               /* zoë, decomposed */
	{ "\xc4\xb1" "lk", 1 },             /* ılk: a dotless i alone is a letter */
	{ "\xc4\xb0stanbul", 1 },           /* İstanbul: capital I with dot above */
	{ "a\xcc\x81\xcc\x82\xcc\x83\xcc\x84", 1 },  /* four marks */
	{ "\xd0\xb0\xd2\x83", 1 },        /* а҃: the titlo on a Cyrillic letter */
	{ "Nguy\xe1\xbb\x85n", 1 },        /* Nguyễn (e, circumflex, tilde) */
	{ "\xe0\xa4\xa6\xe0\xa5\x87\xe0\xa4\xb5", 1 },   /* देव: Devanagari vowel sign */
};

static void combining_marks_uts39_5_4(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(mark_cases) / sizeof(mark_cases[0]); i++) {
		const char *why = spoof_check_name(mark_cases[i].name, strlen(mark_cases[i].name));

		if ((why == NULL) != mark_cases[i].ok)
			fail_msg("case %zu (%s): expected %s, got %s", i, mark_cases[i].name,
			    mark_cases[i].ok ? "accepted" : "refused", why ? why : "accepted");
	}
}

static void embedded_nul_is_refused(void **state)
{
	(void)state;
	assert_non_null(spoof_check_name("ze\0d", 4));
}

/* Two names and whether they clash: their case keys (spoof_skeleton) or their look-alike
 * keys (spoof_lookalike) are equal, as the name table has it. */
static const struct {
	const char *a, *b;
	int same;
} skel_cases[] = {
	{ "zed", "z\xd0\xb5" "d", 1 },     /* Cyrillic е */
	{ "zed", "ZED", 1 },
	{ "zed", "Zed", 1 },
	{ "paypal", "paypa1", 1 },
	{ "paypal", "p\xd0\xb0yp\xd0\xb0l", 1 }, /* Cyrillic а twice */
	{ "alice", "\xce\xb1lice", 1 },    /* Greek alpha */
	{ "alice", "alicia", 0 },
	{ "bob", "b\xd0\xbe" "b", 1 },     /* Cyrillic о */
	{ "rn", "m", 1 },
	{ "Zoë", "zoe\xcc\x88", 1 },       /* NFC and NFD */
	{ "strasse", "stra\xc3\x9f" "e", 1 }, /* ß folds to ss */
	{ "zed", "zod", 0 },
	{ "alice", "bob", 0 },
	{ "ann marie", "annmarie", 0 },
	{ "0", "O", 1 },
	{ "1", "l", 1 },
	/* A capital I looks like an l: the look-alike key keeps case for the skeleton. */
	{ "I", "l", 1 },
	{ "AIice", "Alice", 1 },           /* a capital i */
	{ "Ivan", "ivan", 1 },             /* case, on the case key */
	{ "Ivan", "lvan", 1 },
	{ "ivan", "lvan", 0 },             /* i and l are not one letter */
	{ "i", "l", 0 },
	{ "ALICE", "alice", 1 },
	{ "\xef\xbd\x9a\xef\xbd\x85\xef\xbd\x84", "zed", 1 }, /* fullwidth zed */
	{ "\xef\xac\x81sh", "fish", 1 },      /* U+FB01 fi ligature */
	{ "\xf0\x9d\x90\x9a" "da", "ada", 1 }, /* U+1D41A mathematical bold a */
	{ "Zo\xc3\xab", "ZOE\xcc\x88", 1 },
};

typedef char *spoof_key_fn(const char *utf8, size_t n, size_t *outlen);

static int same_key(spoof_key_fn *f, const char *a, const char *b)
{
	char *ka = f(a, strlen(a), NULL), *kb = f(b, strlen(b), NULL);
	int same;

	assert_non_null(ka);
	assert_non_null(kb);
	same = strcmp(ka, kb) == 0;
	free(ka);
	free(kb);
	return same;
}

static void skeleton_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(skel_cases) / sizeof(skel_cases[0]); i++) {
		const char *a = skel_cases[i].a, *b = skel_cases[i].b;
		int c = same_key(spoof_skeleton, a, b), l = same_key(spoof_lookalike, a, b);

		if ((c || l) != skel_cases[i].same)
			fail_msg("case %zu: '%s', '%s': case keys %s, look-alike keys %s, "
			    "expected %s", i, a, b, c ? "equal" : "differ", l ? "equal" : "differ",
			    skel_cases[i].same ? "a clash" : "none");
	}
}

/* Which key catches what: case on the case key only, a capital I on the look-alike key only. */
static void two_keys(void **state)
{
	(void)state;
	assert_true(same_key(spoof_skeleton, "Ivan", "ivan"));
	assert_false(same_key(spoof_lookalike, "Ivan", "ivan"));
	assert_true(same_key(spoof_lookalike, "AIice", "Alice"));
	assert_false(same_key(spoof_skeleton, "AIice", "Alice"));
	assert_true(same_key(spoof_lookalike, "ZED", "zed"));      /* no I: folded after */
	assert_true(same_key(spoof_lookalike, "z\xd0\xb5" "d", "zed"));
	assert_true(same_key(spoof_lookalike, "\xef\xbc\xa9van", "lvan")); /* fullwidth I */
	assert_null(spoof_lookalike("z\xff", 2, NULL));
}

static void skeleton_length_and_invalid(void **state)
{
	size_t len = 99;
	char *k = spoof_skeleton("zed", 3, &len);

	(void)state;
	assert_int_equal(len, strlen(k));
	free(k);
	assert_null(spoof_skeleton("z\xff", 2, NULL));
	/* One code point whose skeleton is long (U+FDFA): the buffer grows. */
	k = spoof_skeleton("\xef\xb7\xba", 3, &len);
	assert_non_null(k);
	assert_true(len > 3);
	free(k);
}

/* The cost of a skeleton: it runs on every name given. Printed, and bounded loosely. */
static void skeleton_cost(void **state)
{
	static const char *const names[] = { "zed", "alice_1984", "Иван Петров",
		"李小龙", "ann marie", "Zoë", "x" };
	struct timespec t0, t1;
	int rounds = 20000;
	double ns;

	(void)state;
	for (int k = 0; k < 2; k++) {
		spoof_key_fn *f = k == 0 ? spoof_skeleton : spoof_lookalike;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (int i = 0; i < rounds; i++) {
			const char *n = names[i % 7];

			free(f(n, strlen(n), NULL));
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		ns = ((double)(t1.tv_sec - t0.tv_sec) * 1e9 +
		    (double)(t1.tv_nsec - t0.tv_nsec)) / rounds;
		print_message("%s: %.0f ns per name (this build)\n",
		    k == 0 ? "spoof_skeleton" : "spoof_lookalike", ns);
		assert_true(ns < 1e6); /* far less than a millisecond, even under ASan */
	}
}

/* A message, what spoof_bidi_fix makes of it. */
static const struct {
	const char *in, *out;
} bidi_cases[] = {
	{ "hello", "hello" },
	{ "", "" },
	{ "\xe2\x80\xae" "evil", "\xe2\x80\xae" "evil\xe2\x80\xac" },               /* RLO closed */
	{ "a\xe2\x80\xab" "b\xe2\x80\xac" "c", "a\xe2\x80\xab" "b\xe2\x80\xac" "c" }, /* closed */
	{ "\xe2\x81\xa7x", "\xe2\x81\xa7x\xe2\x81\xa9" },                            /* RLI closed */
	{ "\xe2\x81\xa8x\xe2\x81\xa9", "\xe2\x81\xa8x\xe2\x81\xa9" },                /* FSI PDI */
	{ "\xe2\x81\xa6\xe2\x80\xaax", "\xe2\x81\xa6\xe2\x80\xaax\xe2\x80\xac\xe2\x81\xa9" },
	{ "\xe2\x80\xaa\xe2\x81\xa6x", "\xe2\x80\xaa\xe2\x81\xa6x\xe2\x81\xa9\xe2\x80\xac" },
	/* PDI closes the embeddings inside its isolate too */
	{ "\xe2\x81\xa6\xe2\x80\xaax\xe2\x81\xa9y", "\xe2\x81\xa6\xe2\x80\xaax\xe2\x81\xa9y" },
	/* unmatched pops are removed */
	{ "x\xe2\x80\xacy", "xy" },
	{ "x\xe2\x81\xa9y", "xy" },
	/* a PDF does not close an embedding outside an isolate */
	{ "\xe2\x80\xaa\xe2\x81\xa6\xe2\x80\xac", "\xe2\x80\xaa\xe2\x81\xa6\xe2\x81\xa9\xe2\x80\xac" },
	/* ZWJ, ZWNJ, LRM, RLM stay */
	{ "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9", "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9" },
	{ "a\xe2\x80\x8c\xe2\x80\x8e\xe2\x80\x8f", "a\xe2\x80\x8c\xe2\x80\x8e\xe2\x80\x8f" },
	/* invalid UTF-8 passes through, and does not hide a control after it */
	{ "\xff\xe2\x80\xae", "\xff\xe2\x80\xae\xe2\x80\xac" },
	{ "\xe2\x80", "\xe2\x80" },
};

static void bidi_table(void **state)
{
	char buf[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bidi_cases) / sizeof(bidi_cases[0]); i++) {
		size_t n = strlen(bidi_cases[i].in), m;

		memcpy(buf, bidi_cases[i].in, n);
		m = spoof_bidi_fix(buf, n, sizeof(buf));
		if (m != strlen(bidi_cases[i].out) || memcmp(buf, bidi_cases[i].out, m) != 0)
			fail_msg("bidi case %zu: got %zu bytes", i, m);
	}
}

static void bidi_depth_is_bounded(void **state)
{
	char buf[3 * 100 + 1 + SPOOF_BIDI_GROWTH];
	size_t n = 0, m;

	(void)state;
	for (int i = 0; i < 100; i++) {
		memcpy(buf + n, "\xe2\x80\xae", 3);
		n += 3;
	}
	buf[n++] = 'x';
	m = spoof_bidi_fix(buf, n, sizeof(buf));
	/* TC_MSG_BIDI_MAX_DEPTH openers kept, as many closers added */
	assert_int_equal(m, 3 * TC_MSG_BIDI_MAX_DEPTH + 1 + 3 * TC_MSG_BIDI_MAX_DEPTH);
	assert_int_equal(buf[3 * TC_MSG_BIDI_MAX_DEPTH], 'x');
}

static int teardown(void **state)
{
	(void)state;
	spoof_shutdown();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(collapse_space),
		cmocka_unit_test(names_table),
		cmocka_unit_test(combining_marks_uts39_5_4),
		cmocka_unit_test(embedded_nul_is_refused),
		cmocka_unit_test(skeleton_table),
		cmocka_unit_test(two_keys),
		cmocka_unit_test(skeleton_length_and_invalid),
		cmocka_unit_test(skeleton_cost),
		cmocka_unit_test(bidi_table),
		cmocka_unit_test(bidi_depth_is_bounded),
	};

	spoof_init();
	return cmocka_run_group_tests(tests, NULL, teardown);
}
