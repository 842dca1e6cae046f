/*
 * fuzz_proto.c: libFuzzer harness over the client's side of the wire: proto_parse,
 * proto_members_next, the nc dialect helpers (proto_nc_is_prompt, proto_nc_prompt_len,
 * proto_nc_parse_msg), and the display policy the front ends apply to every field
 * (utf8_clean(UTF8_DISPLAY, ...)). Every line a server sends goes through these.
 *
 * Input layout: byte 0 is a flag byte (bit 0: the first line is our own name, for
 * proto_nc_prompt_len; else there is none; bit 1: parse as dialect version 2, where a
 * room record carries its room first, proto_parse_v); the rest is what a server sends, split at LF
 * into lines as client_conn does (the line is NUL-terminated there, so bytes after a NUL
 * are invisible to the parser, as in the client).
 *
 * Invariants checked, per line:
 * - the type is a known one, PROTO_UNKNOWN or PROTO_INVALID; a known type other than
 *   MEMBERS has exactly proto_fields(type) fields, each a TAB-free string inside the line,
 *   and its word (the bytes before the first TAB, less a trailing CR) is
 *   proto_type_name(type), or proto_action_name(type) for an action; an unknown word
 *   parses as PROTO_UNKNOWN;
 * - version 2: a room record's room is a TAB-free string inside the line, other
 *   records have the room "";
 * - walking MEMBERS yields non-empty TAB-free names inside the line, in order, and ends;
 * - the nc prompt length is at most the line, and a prompt found is a whole prompt;
 *   a parsed nc message has a 19-byte time, a non-empty name without [ or ], and all
 *   three parts inside the line;
 * - a field cleaned for display is valid UTF-8 with no control character.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "proto.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool inside(const char *p, const char *line, size_t n)
{
	return p >= line && p <= line + n;
}

static void check_display(const char *s)
{
	char *clean = utf8_clean_str(UTF8_DISPLAY, s);

	FUZZ_CHECK(clean != NULL, "display policy refused text", s, strlen(s));
	FUZZ_CHECK(fuzz_terminal_safe(clean, strlen(clean), ""), "display text not terminal safe",
	    clean, strlen(clean));
	free(clean);
}

static void check_members(const struct proto_rec *rec, const char *line, size_t n)
{
	const char *cur = rec->list, *name, *last = rec->list;
	size_t len, count = 0;

	FUZZ_CHECK(inside(rec->list, line, n) || strcmp(rec->list, "") == 0,
	    "MEMBERS list outside the line", line, n);
	while ((name = proto_members_next(&cur, &len)) != NULL) {
		FUZZ_CHECK(len > 0 && memchr(name, '\t', len) == NULL, "bad member name", name, len);
		FUZZ_CHECK(name >= last && inside(name + len, line, n), "member outside the line",
		    line, n);
		FUZZ_CHECK(++count <= n, "members walk does not end", line, n);
		last = name + len;
	}
}

static void check_word(const struct proto_rec *rec, const char *orig, size_t n)
{
	size_t wl = strcspn(orig, "\t");
	const char *word = rec->action ? proto_action_name(rec->type) : proto_type_name(rec->type);

	if (wl == n && n > 0 && orig[n - 1] == '\r')
		wl--;
	if (rec->type == PROTO_UNKNOWN) {
		FUZZ_CHECK(proto_type_of(orig, wl) == PROTO_UNKNOWN, "known word parsed unknown",
		    orig, n);
		return;
	}
	FUZZ_CHECK(word != NULL && strlen(word) == wl && memcmp(word, orig, wl) == 0,
	    "type word mismatch", orig, n);
}

static void check_record(char *line, size_t n, int version)
{
	char *orig = strndup(line, n);
	struct proto_rec rec;

	proto_parse_v(line, version, &rec);
	FUZZ_CHECK(rec.room != NULL, "room NULL", orig, n);
	if (rec.type != PROTO_INVALID && rec.type != PROTO_UNKNOWN) {
		bool roomed = version >= 2 && proto_roomed(rec.type);

		FUZZ_CHECK(rec.room != NULL && strchr(rec.room, '\t') == NULL &&
		    (roomed ? inside(rec.room, line, n) : rec.room[0] == '\0'), "bad room", orig, n);
	}
	FUZZ_CHECK(rec.nf >= 0 && rec.nf <= PROTO_MAX_FIELDS, "field count out of range", orig, n);
	if (rec.type != PROTO_INVALID)
		check_word(&rec, orig, n);
	if (rec.type == PROTO_MEMBERS || rec.type == PROTO_MEMBERS_MORE)
		check_members(&rec, line, n);
	else if (rec.type != PROTO_INVALID && rec.type != PROTO_UNKNOWN)
		FUZZ_CHECK(rec.nf == proto_fields(rec.type), "wrong field count", orig, n);
	for (int i = 0; i < rec.nf; i++) {
		FUZZ_CHECK(strchr(rec.f[i], '\t') == NULL, "TAB inside a field", orig, n);
		FUZZ_CHECK(inside(rec.f[i], line, n) || rec.f[i][0] == '\0',
		    "field outside the line", orig, n);
		check_display(rec.f[i]);
	}
	free(orig);
}

static void check_nc(char *line, size_t n, const char *own)
{
	size_t plen = proto_nc_prompt_len(line, n, own);
	const char *time, *name, *text;

	FUZZ_CHECK(plen <= n, "prompt longer than the line", line, n);
	if (plen > 0)
		FUZZ_CHECK(proto_nc_is_prompt(line, plen), "prompt head is not a prompt", line, n);
	(void)proto_nc_is_prompt(line, n);
	if (!proto_nc_parse_msg(line, &time, &name, &text))
		return;
	FUZZ_CHECK(strlen(time) == 19 && inside(text, line, n), "nc message time or text", line, n);
	FUZZ_CHECK(*name != '\0' && strpbrk(name, "[]") == NULL && inside(name, line, n),
	    "nc message name", line, n);
}

/* One line of the stream, as the client hands it on: NUL-terminated, LF removed. */
static void check_line(const char *p, size_t n, const char *own, int version)
{
	char *rec = strndup(p, n), *nc = strndup(p, n);

	check_record(rec, strlen(rec), version);
	check_nc(nc, strlen(nc), own);
	free(rec);
	free(nc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data + 1, *end = (const char *)data + size;
	char *own = NULL;

	if (size < 1)
		return 0;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);

		if ((data[0] & 1) && own == NULL)
			own = strndup(s, n);
		else
			check_line(s, n, own, (data[0] & 2) ? 2 : 1);
		s += n + 1;
	}
	free(own);
	return 0;
}
