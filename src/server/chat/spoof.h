/* spoof.h: names that cannot impersonate, and messages whose direction controls stay
 * inside them. ICU does the Unicode work (character properties, the UTS #39 skeleton).
 *
 * Names (spoof_check_name) may not contain:
 *  - invisible or format characters: every Default_Ignorable_Code_Point and every
 *    general category Cf character (zero-width space, ZWJ, ZWNJ, BOM, soft hyphen,
 *    LRM/RLM, bidi embeddings, overrides and isolates, variation selectors, tag
 *    characters, Hangul fillers, ...), and U+2800 (a blank braille cell);
 *  - controls, unassigned code points, private use, line and paragraph separators;
 *  - a combining mark first, or right after a space;
 *  - combining marks that hide or pile up (UTS #39 5.4, on the name's NFD): a dot above
 *    on a soft-dotted letter (i, j, ...) or a dotless i or j, the same mark twice on one
 *    letter, more than TC_NAME_MAX_MARKS on one letter, a mark of a script of its own
 *    on a letter of another script;
 *  - any White_Space character but U+0020, and U+0020 first, last or twice in a row.
 * A name has two keys, and the name table (names.h) takes a name when either equals the
 * same kind of key of a name in use:
 *  - the case key (spoof_skeleton): the UTS #39 skeleton of NFKC_Casefold(name), folded;
 *    case-insensitive, so "ZED" and "zed" are one name, as are "zеd" (Cyrillic е),
 *    "paypa1" and "paypal";
 *  - the look-alike key (spoof_lookalike): the skeleton of NFKC(name), case kept, then
 *    folded, so a capital I is an l as it looks in most fonts: "AIice" is "Alice",
 *    "Ivan" is "lvan".
 * One key cannot be both: i and I are one letter to the first, I and l to the second,
 * and one key would make i and l one ("ivan" and "lvan" are two names).
 *
 * Messages (spoof_bidi_fix): explicit bidi controls are kept, so right-to-left writers
 * can use them, but every embedding, override and isolate still open at the end of the
 * message is closed there, so none reorders past the message into what follows it (the
 * next line, or the name and time stamp of another). Pops that close nothing in the
 * message, and openers nested deeper than TC_MSG_BIDI_MAX_DEPTH, are removed. ZWJ,
 * ZWNJ, LRM, RLM and ALM have no scope and stay.
 *
 * One USpoofChecker serves the process, opened on first use (not thread-safe; the
 * server is one thread). */
#ifndef SPOOF_H
#define SPOOF_H

#include <stddef.h>

#include "tclimits.h"

#define SPOOF_BIDI_GROWTH (3 * TC_MSG_BIDI_MAX_DEPTH) /* bytes spoof_bidi_fix() may add */

/* NULL when the name (n bytes of UTF-8) is acceptable, else a one-line reason. */
const char *spoof_check_name(const char *utf8, size_t n);
/* The case key (above): the case-folded UTS #39 skeleton of the name's NFKC_Casefold
 * form (so fullwidth, ligature and math letters are their plain ones), in UTF-8
 * (malloc'd, NUL-terminated; its length in *outlen when not NULL).
 * NULL when utf8 is not valid UTF-8. */
char *spoof_skeleton(const char *utf8, size_t n, size_t *outlen);
/* The look-alike key (above): the skeleton of NFKC(name) with its case, then case-folded;
 * as spoof_skeleton otherwise. */
char *spoof_lookalike(const char *utf8, size_t n, size_t *outlen);
/* Close what is open at the end of a message, in place: s holds n bytes in a buffer
 * of cap >= n + SPOOF_BIDI_GROWTH bytes. Returns the new length (no NUL is added).
 * Bytes that are not valid UTF-8 are left as they are. */
size_t spoof_bidi_fix(char *s, size_t n, size_t cap);
/* Cut every run of blank characters in a message (any White_Space character, a blank
 * braille cell, the Hangul fillers) to its first max_run characters, in place, so that
 * padding cannot push text onto a line of its own on a terminal and pass for a notice
 * or another's message. Returns the new length. Invalid UTF-8 is left as it is. */
size_t spoof_collapse_space(char *s, size_t n, size_t max_run);
/* Open the process's spoof checker now (at start, so that missing ICU data is a start-up
 * error rather than a surprise at the first name; about 0.2 ms). Exits on failure. */
void spoof_init(void);
/* Close the process's spoof checker (at exit, so leak checkers stay quiet). */
void spoof_shutdown(void);

#endif
