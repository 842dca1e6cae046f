/* spoof.c: invisible characters in names, UTS #39 skeletons, bidi scopes in messages. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/unorm2.h>
#include <unicode/uspoof.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include "spoof.h"
#include "util.h"

#define SPOOF_BRAILLE_BLANK 0x2800 /* So, not ignorable, but draws nothing */

static USpoofChecker *spoof_checker;

static USpoofChecker *spoof_get(void)
{
	UErrorCode st = U_ZERO_ERROR;

	if (spoof_checker == NULL) {
		spoof_checker = uspoof_open(&st);
		if (U_FAILURE(st))
			fatal("ICU uspoof_open: %s", u_errorName(st));
	}
	return spoof_checker;
}

/* --- blank runs in messages ---------------------------------------------------------- */

static int spoof_blank(UChar32 c)
{
	return u_isUWhiteSpace(c) || c == SPOOF_BRAILLE_BLANK || c == 0x115F || c == 0x1160 ||
	    c == 0x3164 || c == 0xFFA0;
}

size_t spoof_collapse_space(char *s, size_t n, size_t max_run)
{
	size_t out = 0, run = 0;
	int32_t i = 0, len = n > INT32_MAX ? INT32_MAX : (int32_t)n;

	while (i < len) {
		int32_t start = i;
		UChar32 c;

		U8_NEXT(s, i, len, c);
		run = c >= 0 && spoof_blank(c) ? run + 1 : 0;
		if (run > max_run)
			continue;
		memmove(s + out, s + start, (size_t)(i - start));
		out += (size_t)(i - start);
	}
	return out;
}

void spoof_init(void)
{
	(void)spoof_get();
}

void spoof_shutdown(void)
{
	if (spoof_checker != NULL)
		uspoof_close(spoof_checker);
	spoof_checker = NULL;
}

/* --- names ------------------------------------------------------------------------- */

static int spoof_invisible(UChar32 c)
{
	return u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT) ||
	    u_charType(c) == U_FORMAT_CHAR || c == SPOOF_BRAILLE_BLANK;
}

static int spoof_unusable(UChar32 c)
{
	switch (u_charType(c)) {
	case U_CONTROL_CHAR:
	case U_UNASSIGNED:
	case U_PRIVATE_USE_CHAR:
	case U_SURROGATE:
	case U_LINE_SEPARATOR:
	case U_PARAGRAPH_SEPARATOR:
		return 1;
	default:
		return 0;
	}
}

static const char *spoof_space_problem(int first, int last, UChar32 prev)
{
	if (first)
		return "a name cannot start with a space";
	if (last)
		return "a name cannot end with a space";
	return prev == ' ' ? "one space at a time between the words of a name" : NULL;
}

/* Why c cannot be in a name at this place, or NULL. prev: the one before, or -1. */
static const char *spoof_char_problem(UChar32 c, int first, int last, UChar32 prev)
{
	if (c == ' ')
		return spoof_space_problem(first, last, prev);
	if (u_isUWhiteSpace(c))
		return "the only space allowed in a name is the plain space";
	if (spoof_invisible(c))
		return "invisible and formatting characters (zero-width spaces, joiners, "
		    "direction marks, variation selectors) are not allowed in names";
	if (spoof_unusable(c))
		return "control, unassigned and private-use characters are not allowed in names";
	if ((U_GET_GC_MASK(c) & U_GC_M_MASK) && (first || prev == ' '))
		return "a combining mark must follow a letter";
	return NULL;
}

/* --- combining marks (UTS #39, section 5.4) ------------------------------------------ */

#define SPOOF_DOT_ABOVE 0x0307
#define SPOOF_NAME_BYTES (TC_NAME_MAX_CHARS * 4)   /* as names.h NAME_MAX_BYTES */

/* Does a dot above c vanish into it (or into the dot it has)? i, j and the other
 * soft-dotted letters, and the dotless i and j, which then look like i and j. */
static bool spoof_hides_dot(UChar32 base)
{
	return u_hasBinaryProperty(base, UCHAR_SOFT_DOTTED) || base == 0x0131 ||
	    base == 0x0237;
}

/* Is mark m written in the script of base? A mark of the Inherited or Common script
 * goes with any letter; one of a script of its own only with a letter of it. */
static bool spoof_mark_fits(UChar32 m, UChar32 base)
{
	UErrorCode st = U_ZERO_ERROR;
	UScriptCode scx[16], bs = uscript_getScript(base, &st);
	int32_t n = uscript_getScriptExtensions(m, scx, 16, &st);

	if (U_FAILURE(st) || n <= 0)
		return true;
	for (int32_t i = 0; i < n; i++)
		if (scx[i] == USCRIPT_INHERITED || scx[i] == USCRIPT_COMMON || scx[i] == bs)
			return true;
	return bs == USCRIPT_COMMON || bs == USCRIPT_INHERITED;
}

/* One nonspacing or enclosing mark c after base and the marks before it in this run
 * (count of them, the last one prev): why not, or NULL. */
static const char *spoof_mark_problem(UChar32 c, UChar32 base, UChar32 prev, int count)
{
	if (c == prev)
		return "the same combining mark twice on one letter is not allowed in names";
	if (count >= TC_NAME_MAX_MARKS)
		return "at most 4 combining marks on one letter in a name";
	if (c == SPOOF_DOT_ABOVE && spoof_hides_dot(base))
		return "a dot above an i or a j (or a dotless one) looks like the letter alone";
	if (!spoof_mark_fits(c, base))
		return "a combining mark must be of the script of its letter";
	return NULL;
}

/* The rules of UTS #39 5.4 over the canonical decomposition (NFD) of the name, so that
 * a precomposed letter counts with the marks typed after it. */
static const char *spoof_marks_problem(const char *utf8, size_t n)
{
	UChar src[4 * SPOOF_NAME_BYTES + 8], dst[8 * SPOOF_NAME_BYTES + 16];
	UErrorCode st = U_ZERO_ERROR;
	const UNormalizer2 *nfd = unorm2_getNFDInstance(&st);
	int32_t len = 0, i = 0;
	UChar32 c, base = -1, prev = -1;
	const char *why = NULL;
	int count = 0;

	if (n > SPOOF_NAME_BYTES * 4)
		return NULL;             /* longer than any name: refused for its length */
	u_strFromUTF8(src, (int32_t)(sizeof(src) / sizeof(src[0])), &len, utf8, (int32_t)n, &st);
	if (U_SUCCESS(st))
		len = unorm2_normalize(nfd, src, len, dst, (int32_t)(sizeof(dst) / sizeof(dst[0])),
		    &st);
	if (U_FAILURE(st))
		return NULL;             /* the character checks say what is wrong */
	while (i < len && why == NULL) {
		U16_NEXT(dst, i, len, c);
		if ((U_GET_GC_MASK(c) & (U_GC_MN_MASK | U_GC_ME_MASK)) == 0) {
			base = c, prev = -1, count = 0;
			continue;
		}
		why = spoof_mark_problem(c, base, prev, count);
		prev = c;
		count++;
	}
	return why;
}

const char *spoof_check_name(const char *utf8, size_t n)
{
	int32_t i = 0, len = (int32_t)n;
	UChar32 c, prev = -1;

	if (n == 0)
		return "the name is empty";
	if (n > INT32_MAX)
		return "the name is too long";
	while (i < len) {
		int first = i == 0;
		const char *why;

		U8_NEXT(utf8, i, len, c);
		if (c < 0)
			return "the name is not valid UTF-8";
		why = spoof_char_problem(c, first, i == len, prev);
		if (why != NULL)
			return why;
		prev = c;
	}
	return spoof_marks_problem(utf8, n);
}

/* --- skeletons ----------------------------------------------------------------------- */

typedef int32_t spoof_xform(const UChar *src, int32_t n, UChar *dst, int32_t cap,
    UErrorCode *st);

static int32_t spoof_fold(const UChar *src, int32_t n, UChar *dst, int32_t cap,
    UErrorCode *st)
{
	return u_strFoldCase(dst, cap, src, n, U_FOLD_CASE_DEFAULT, st);
}

/* NFKC_Casefold: compatibility forms (fullwidth, ligatures, math letters) and case. */
static int32_t spoof_nfkc_cf(const UChar *src, int32_t n, UChar *dst, int32_t cap,
    UErrorCode *st)
{
	const UNormalizer2 *nfkc_cf = unorm2_getNFKCCasefoldInstance(st);

	return U_FAILURE(*st) ? 0 : unorm2_normalize(nfkc_cf, src, n, dst, cap, st);
}

static int32_t spoof_skel(const UChar *src, int32_t n, UChar *dst, int32_t cap,
    UErrorCode *st)
{
	return uspoof_getSkeleton(spoof_get(), 0, src, n, dst, cap, st);
}

/* f(src) in a new buffer (src is freed); NULL on failure. One call unless the first
 * guess of the size (4 times the input) is short. */
static UChar *spoof_apply(spoof_xform *f, UChar *src, int32_t *n)
{
	int32_t cap = 4 * *n + 16, len;
	UChar *dst = xreallocarray(NULL, (size_t)cap, sizeof(UChar));
	UErrorCode st = U_ZERO_ERROR;

	len = f(src, *n, dst, cap, &st);
	if (st == U_BUFFER_OVERFLOW_ERROR) {
		cap = len + 1;
		dst = xreallocarray(dst, (size_t)cap, sizeof(UChar));
		st = U_ZERO_ERROR;
		len = f(src, *n, dst, cap, &st);
	}
	free(src);
	if (U_FAILURE(st)) {
		free(dst);
		return NULL;
	}
	*n = len;
	return dst;
}

static UChar *spoof_from_utf8(const char *utf8, size_t n, int32_t *len)
{
	UChar *u = xreallocarray(NULL, n + 1, sizeof(UChar));
	UErrorCode st = U_ZERO_ERROR;

	u_strFromUTF8(u, (int32_t)n + 1, len, utf8, (int32_t)n, &st);
	if (U_FAILURE(st)) {
		free(u);
		return NULL;
	}
	return u;
}

static char *spoof_to_utf8(UChar *u, int32_t n, size_t *outlen)
{
	char *s = xmalloc(3 * (size_t)n + 1);
	int32_t len = 0;
	UErrorCode st = U_ZERO_ERROR;

	u_strToUTF8(s, 3 * n + 1, &len, u, n, &st);
	free(u);
	if (U_FAILURE(st))
		fatal("ICU u_strToUTF8: %s", u_errorName(st));
	if (outlen != NULL)
		*outlen = (size_t)len;
	return s;
}

/* NFKC alone: compatibility forms, case kept. */
static int32_t spoof_nfkc(const UChar *src, int32_t n, UChar *dst, int32_t cap,
    UErrorCode *st)
{
	const UNormalizer2 *nfkc = unorm2_getNFKCInstance(st);

	return U_FAILURE(*st) ? 0 : unorm2_normalize(nfkc, src, n, dst, cap, st);
}

/* fold(skeleton(norm(utf8))) in UTF-8; NULL when utf8 is not valid UTF-8. */
static char *spoof_key(spoof_xform *norm, const char *utf8, size_t n, size_t *outlen)
{
	int32_t len;
	UChar *u;

	if (n > INT32_MAX / 4 - 16)
		return NULL;
	u = spoof_from_utf8(utf8, n, &len);
	if (u != NULL)
		u = spoof_apply(norm, u, &len);
	if (u != NULL)
		u = spoof_apply(spoof_skel, u, &len);
	if (u != NULL)
		u = spoof_apply(spoof_fold, u, &len);
	return u != NULL ? spoof_to_utf8(u, len, outlen) : NULL;
}

char *spoof_skeleton(const char *utf8, size_t n, size_t *outlen)
{
	return spoof_key(spoof_nfkc_cf, utf8, n, outlen);
}

char *spoof_lookalike(const char *utf8, size_t n, size_t *outlen)
{
	return spoof_key(spoof_nfkc, utf8, n, outlen);
}

/* --- bidi scopes in messages ------------------------------------------------------------ */

enum { SPOOF_EMBED = 1, SPOOF_ISOLATE = 2 };

struct spoof_bidi {
	unsigned char open[TC_MSG_BIDI_MAX_DEPTH]; /* SPOOF_EMBED or SPOOF_ISOLATE */
	int depth;
};

static int spoof_bidi_push(struct spoof_bidi *b, unsigned char kind)
{
	if (b->depth == TC_MSG_BIDI_MAX_DEPTH)
		return 0;
	b->open[b->depth++] = kind;
	return 1;
}

/* PDI: closes the innermost open isolate and the embeddings inside it. */
static int spoof_bidi_pdi(struct spoof_bidi *b)
{
	int d = b->depth;

	while (d > 0 && b->open[d - 1] != SPOOF_ISOLATE)
		d--;
	if (d == 0)
		return 0;
	b->depth = d - 1;
	return 1;
}

/* Whether to keep c, after updating what is open. */
static int spoof_bidi_step(struct spoof_bidi *b, UChar32 c)
{
	switch (u_charDirection(c)) {
	case U_LEFT_TO_RIGHT_EMBEDDING:
	case U_RIGHT_TO_LEFT_EMBEDDING:
	case U_LEFT_TO_RIGHT_OVERRIDE:
	case U_RIGHT_TO_LEFT_OVERRIDE:
		return spoof_bidi_push(b, SPOOF_EMBED);
	case U_LEFT_TO_RIGHT_ISOLATE:
	case U_RIGHT_TO_LEFT_ISOLATE:
	case U_FIRST_STRONG_ISOLATE:
		return spoof_bidi_push(b, SPOOF_ISOLATE);
	case U_POP_DIRECTIONAL_FORMAT: /* closes an embedding, never across an isolate */
		if (b->depth == 0 || b->open[b->depth - 1] != SPOOF_EMBED)
			return 0;
		b->depth--;
		return 1;
	case U_POP_DIRECTIONAL_ISOLATE:
		return spoof_bidi_pdi(b);
	default:
		return 1;
	}
}

size_t spoof_bidi_fix(char *s, size_t n, size_t cap)
{
	static const char pdf[] = "\xe2\x80\xac", pdi[] = "\xe2\x81\xa9";
	struct spoof_bidi b = { .depth = 0 };
	int32_t r = 0, len = (int32_t)n;
	size_t w = 0;

	if (n > INT32_MAX || cap < n + SPOOF_BIDI_GROWTH)
		fatal("spoof_bidi_fix: a buffer of %zu bytes for %zu", cap, n);
	while (r < len) {
		int32_t start = r;
		UChar32 c;

		U8_NEXT(s, r, len, c);
		if (c < 0 || spoof_bidi_step(&b, c)) {
			memmove(s + w, s + start, (size_t)(r - start));
			w += (size_t)(r - start);
		}
	}
	while (b.depth > 0) {
		memcpy(s + w, b.open[--b.depth] == SPOOF_EMBED ? pdf : pdi, 3);
		w += 3;
	}
	return w;
}
