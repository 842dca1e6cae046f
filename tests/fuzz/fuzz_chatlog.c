/*
 * fuzz_chatlog.c: libFuzzer harness over the persistent log's replay (chatlog_replay)
 * and compaction (chatlog_compact): any bytes as a log file.
 *
 * Input layout: byte 0 picks the text bound (16..271 bytes, small so over-long records
 * are common); the rest is the log file, written to a temporary file and replayed.
 *
 * Invariants checked:
 * - no crash, no leak, no sanitizer report;
 * - every record handed out has valid fields: ROOM passes room_check_name unchanged,
 *   NAME is empty or passes names_check unchanged, KIND is 1..TC_LOG_KIND_MAX_BYTES of
 *   A-Z, TEXT is at most the bound, valid UTF-8 with no control character (no TAB, CR,
 *   LF, ESC, C1), and textlen is its length;
 * - records + skipped is at most the number of lines;
 * - compaction round trip: the records handed out, written by chatlog_compact and
 *   replayed again, come back the same and none is skipped.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chatlog.h"
#include "fuzz_check.h"
#include "names.h"
#include "room.h"
#include "tclimits.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A record handed out, copied. */
struct owned {
	time_t t;
	char *room, *kind, *name, *text;
	size_t textlen;
};

struct saved {
	struct owned *recs;
	size_t n, cap, i;
	size_t max_text;
	bool compare;       /* second pass: compare with recs instead of saving */
};

static char in_path[64], out_path[64];

static void check_fields(const struct saved *sv, const struct chatlog_rec *r)
{
	char out[NAME_MAX_BYTES + ROOM_NAME_MAX_BYTES + 2];
	size_t kl = strlen(r->kind);

	FUZZ_CHECK(room_check_name(r->room, strlen(r->room), out) == NULL &&
	    strcmp(out, r->room) == 0, "bad room", r->room, strlen(r->room));
	FUZZ_CHECK(r->name[0] == '\0' || (names_check(r->name, strlen(r->name), out) == NULL &&
	    strcmp(out, r->name) == 0), "bad name", r->name, strlen(r->name));
	FUZZ_CHECK(kl > 0 && kl <= TC_LOG_KIND_MAX_BYTES && strspn(r->kind,
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == kl, "bad kind", r->kind, kl);
	FUZZ_CHECK(strlen(r->text) == r->textlen && r->textlen <= sv->max_text,
	    "text length", r->text, r->textlen);
	FUZZ_CHECK(fuzz_terminal_safe(r->text, r->textlen, ""), "text not terminal safe",
	    r->text, r->textlen);
	FUZZ_CHECK(r->t >= 0, "negative time", NULL, 0);
}

static void on_record(void *arg, const struct chatlog_rec *r)
{
	struct saved *sv = arg;
	struct owned *s;

	check_fields(sv, r);
	if (sv->compare) {
		FUZZ_CHECK(sv->i < sv->n, "compaction added a record", r->text, r->textlen);
		s = &sv->recs[sv->i++];
		FUZZ_CHECK(s->t == r->t && strcmp(s->room, r->room) == 0 &&
		    strcmp(s->kind, r->kind) == 0 && strcmp(s->name, r->name) == 0 &&
		    strcmp(s->text, r->text) == 0, "compaction changed a record", r->text,
		    r->textlen);
		return;
	}
	if (sv->n == sv->cap) {
		sv->cap = sv->cap ? 2 * sv->cap : 16;
		sv->recs = realloc(sv->recs, sv->cap * sizeof(*sv->recs));
	}
	sv->recs[sv->n++] = (struct owned){ r->t, strdup(r->room), strdup(r->kind),
	    strdup(r->name), strdup(r->text), r->textlen };
}

static bool next_saved(void *arg, struct chatlog_rec *rec)
{
	struct saved *sv = arg;
	const struct owned *o;

	if (sv->i == sv->n)
		return false;
	o = &sv->recs[sv->i++];
	*rec = (struct chatlog_rec){ o->t, o->room, o->kind, o->name, o->text, o->textlen };
	return true;
}

static void round_trip(struct saved *sv)
{
	struct chatlog log = { .fd = -1 };
	char err[512];
	long skipped, n;

	unlink(out_path);
	FUZZ_CHECK(chatlog_open(&log, out_path, err, sizeof(err)) == 0, "open", err,
	    strlen(err));
	sv->i = 0;
	n = chatlog_compact(&log, next_saved, sv, err, sizeof(err));
	FUZZ_CHECK(n == (long)sv->n, "compaction left records out", err, strlen(err));
	chatlog_close(&log);
	sv->i = 0;
	sv->compare = true;
	n = chatlog_replay(out_path, sv->max_text, on_record, sv, &skipped, err, sizeof(err));
	FUZZ_CHECK(n == (long)sv->n && skipped == 0 && sv->i == sv->n,
	    "compacted log does not replay the same", err, strlen(err));
}

static void free_saved(struct saved *sv)
{
	for (size_t i = 0; i < sv->n; i++) {
		free(sv->recs[i].room);
		free(sv->recs[i].kind);
		free(sv->recs[i].name);
		free(sv->recs[i].text);
	}
	free(sv->recs);
}

static void write_input(const uint8_t *p, size_t n)
{
	FILE *f;

	if (in_path[0] == '\0') {
		snprintf(in_path, sizeof(in_path), "/tmp/fuzz_chatlog.%d.in", (int)getpid());
		snprintf(out_path, sizeof(out_path), "/tmp/fuzz_chatlog.%d.out", (int)getpid());
	}
	f = fopen(in_path, "wb");
	FUZZ_CHECK(f != NULL && fwrite(p, 1, n, f) == n, "cannot write the input", NULL, 0);
	fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct saved sv = { 0 };
	char err[512];
	long skipped, n;
	size_t lines = 1;

	if (size < 1)
		return 0;
	sv.max_text = 16 + data[0];
	write_input(data + 1, size - 1);
	for (size_t i = 1; i < size; i++)
		lines += data[i] == '\n';
	n = chatlog_replay(in_path, sv.max_text, on_record, &sv, &skipped, err, sizeof(err));
	FUZZ_CHECK(n == (long)sv.n, "replay failed or miscounted", err, strlen(err));
	FUZZ_CHECK((size_t)(n + skipped) <= lines, "more records + skipped than lines", NULL, 0);
	round_trip(&sv);
	free_saved(&sv);
	return 0;
}
