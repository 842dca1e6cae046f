/*
 * fuzz_conn.c: libFuzzer harness over a whole connection's input path, without
 * sockets: bytes in (a peer's reads), what every connection would be sent out.
 *
 * Setup per input: a struct chat, two observers that are already chatting in the lobby
 * ("alice" speaks the nc dialect, "bob" the client dialect of doc/PROTOCOL.md), and the
 * fuzzed connection, greeted but not named. Byte 0 holds flags (bit 0: line limit 64
 * instead of 4096; bit 1: rate limit 5/s instead of none), byte 1 seeds the chunking; the
 * rest is what the fuzzed peer sends, appended to its c->in in chunks of 1..512 bytes,
 * each followed by session_input() as the server's read_conn() does. With bit 2 of byte 0
 * set (multiplex mode), the byte 0xF5 (never valid in UTF-8) followed by X switches the
 * sender to connection X % 3 (alice, bob, the fuzzed one), and a connection that was
 * closed comes back as a fresh one (a reconnect: banner, naming, history replay). A throttled connection
 * is resumed after session_throttle_ms(), as the server's throttle timer does. At the end
 * every peer "closes": a last unterminated line counts, then the connection is closed.
 * After every step the pending-write list is drained like the server's before_sleep():
 * queued output is checked and dropped ("written"); closing connections go through
 * session_leave() + conn_free(), as finish_conn() does.
 *
 * Invariants:
 * - what the observers receive is valid UTF-8 with no control character but LF (and
 *   TAB, the field separator, in the client dialect), no DEL, no C1 control;
 * - every record the client-dialect observer (the first bob) receives has a known type
 *   and, for the
 *   types with fixed fields, the right number of TAB-separated fields (between the
 *   least and the most the type has, so no
 *   peer text can smuggle a TAB or a newline into a record);
 * - the sending connection's own output obeys the same rules (set TCPCHAT_FUZZ_SELF=0 in
 *   the environment to skip this while a known finding is being fixed);
 * - after session_input() returns, a live connection holds at most limit + 1 bytes of
 *   input and no complete line unless it is throttled;
 * - the chat log (a file in $TMPDIR, flushed before every delivery as the server does)
 *   reads back completely: every record well formed, no peer text breaking a record;
 * - ASan: no memory error and no leak, with connections closed at any moment.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chat.h"
#include "session.h"
#include "text.h"
#include "conn.h"
#include "fuzz_check.h"
#include "log.h"
#include "proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

enum { ALICE, BOB, FUZZ, NCONNS };
#define SWITCH 0xf5     /* multiplex mode: SWITCH X selects the sending connection */

static struct chat ch;
static struct conn *conns[NCONNS];
static bool check_self = true;
static char log_path[64];      /* the chat log, one per fuzzing process */
static long log_records;       /* records read back by the replay check */
static int sender = FUZZ;      /* whose input is being handled */
static bool records_bob;       /* conns[BOB] is the client-dialect observer */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *self = getenv("TCPCHAT_FUZZ_SELF");

	(void)argc, (void)argv;
	log_set_level(LOG_ERROR - 1);   /* nothing on stderr: it would only slow fuzzing */
	snprintf(log_path, sizeof(log_path), "%s/tcpchat-fuzz-%ld.log",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (long)getpid());
	check_self = self == NULL || strcmp(self, "0") != 0;
	return 0;
}

static struct conn_list pending;

static struct session *sess(const struct conn *c)
{
	return c->owner;
}

/* A new connection, greeted, as the server's add_conn() makes it. */
static struct conn *new_conn(int64_t now_ms)
{
	struct conn *c = conn_new(NULL, "fuzz-peer", now_ms, &pending);

	c->owner = session_new(&ch, &front_text, NULL, c, now_ms);
	session_greet(&ch, sess(c));
	return c;
}

/* Expected TAB count of a client-dialect record (from proto.h's table, the one the
 * client parses with), -1 for "at least one", -2 unknown. */
static int record_tabs(const char *rec, size_t n)
{
	const char *tab = memchr(rec, '\t', n);
	size_t tl = tab ? (size_t)(tab - rec) : n;
	enum proto_type type = proto_type_of(rec, tl);

	if (type == PROTO_UNKNOWN || type == PROTO_INVALID)
		return -2;
	return proto_fields(type) == PROTO_FIELDS_LIST ? -1 : proto_fields(type);
}

/* The fields a record of this type must have (JOIN and LEAVE: 2, a room switch 3). */
static int least_tabs(const char *rec, size_t n)
{
	const char *tab = memchr(rec, '\t', n);

	return proto_min_fields(proto_type_of(rec, tab ? (size_t)(tab - rec) : n));
}

static void check_records(const char *p, size_t n)
{
	while (n > 0) {
		const char *nl = memchr(p, '\n', n);
		size_t len, tabs = 0;
		int want;

		FUZZ_CHECK(nl != NULL, "client-dialect output ends in a partial record", p, n);
		len = (size_t)(nl - p);
		for (size_t i = 0; i < len; i++)
			tabs += p[i] == '\t';
		want = record_tabs(p, len);
		FUZZ_CHECK(want != -2, "unknown record type", p, len);
		FUZZ_CHECK(want == -1 ? tabs >= 1 : tabs <= (size_t)want &&
		    tabs >= (size_t)least_tabs(p, len),
		    "record has the wrong number of fields", p, len);
		p += len + 1;
		n -= len + 1;
	}
}

static void check_output(int who, struct conn *c)
{
	size_t n = buf_len(&c->out), bad, skip;
	const char *p, *ok = sess(c)->m.dialect != DIALECT_NC ? "\n\t" : "\n";

	if (n == 0 || (who == sender && !check_self))
		return;
	if (c->closing && !session_named(sess(c)) && sess(c)->m.dialect == DIALECT_NC)
		ok = "\r\n";      /* the answer to another protocol (sniff.h): CRLF lines, closed */
	p = buf_data(&c->out);
	bad = fuzz_first_unsafe(p, n, ok);
	skip = bad > 120 ? bad - 120 : 0;       /* show the bytes before the bad one */
	FUZZ_CHECK(bad == n, who == sender ? "own output not terminal safe" :
	    "output to another client not terminal safe", p + skip, n - skip);
	if (who == BOB && records_bob)
		check_records(p, n);
}

/* Every record the chat wrote to its log must read back, well formed. */
static void check_record(void *arg, const struct chatlog_rec *rec)
{
	time_t t = rec->t;
	const char *room = rec->room, *kind = rec->kind, *name = rec->name, *text = rec->text;
	/* The kinds the chat writes; only EVICT (a room dropped) has no name. */
	static const char *const kinds[] = { "MSG", "ACTION", "JOIN", "LEAVE", "RENAME",
	    "TOPIC", "PURGE", "EVICT" };
	bool known = false;
	const char *fields[] = { room, kind, name, text };

	(void)arg;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		known |= strcmp(kind, kinds[i]) == 0;
	FUZZ_CHECK(known && t > 0 && room[0] != '\0' &&
	    (name[0] != '\0' || strcmp(kind, "EVICT") == 0), "malformed log record",
	    kind, strlen(kind));
	for (size_t i = 0; i < 4; i++)
		FUZZ_CHECK(fuzz_terminal_safe(fields[i], strlen(fields[i]), ""),
		    "log record field not clean", fields[i], strlen(fields[i]));
	log_records++;
}

static void check_log(void)
{
	char err[256];
	long skipped, n;

	log_records = 0;
	n = chatlog_replay(log_path, 3 * ch.cfg.max_line, check_record, NULL, &skipped, err,
	    sizeof(err));
	FUZZ_CHECK(n >= 0 && skipped == 0 && n == log_records,
	    "the chat log does not read back whole", err, strlen(err));
	unlink(log_path);
}

/* The server's before_sleep(): write (here: check and drop) what is queued, free the
 * connections that are closing. */
static void drain(void)
{
	struct conn *c;

	chat_flush_log(&ch);         /* logged before delivery, as the server does */
	while ((c = conn_pending_take(&pending)) != NULL) {
		int who = -1;

		for (int i = 0; i < NCONNS; i++)
			if (conns[i] == c)
				who = i;
		FUZZ_CHECK(who >= 0, "a freed connection is on the pending list", NULL, 0);
		check_output(who, c);
		buf_free(&c->out);
		if (c->closing) {
			session_leave(&ch, sess(c));
			session_free(sess(c));
			conn_free(c);
			conns[who] = NULL;
			if (who == BOB)
				records_bob = false;
		}
	}
}

/* The server's run_input() and throttle timer: handle c's buffered lines, waiting out
 * the rate limit as needed. */
static void input(struct conn *c, int64_t *now_ms)
{
	while (session_input(&ch, sess(c), *now_ms)) {
		int64_t wait = session_throttle_ms(&ch, sess(c));

		FUZZ_CHECK(wait > 0, "throttled with a token left", NULL, 0);
		*now_ms += wait;
		drain();        /* c is not closing (session_input() said so): it survives this */
	}
}

static void feed(int who, const char *s, size_t n, int64_t *now_ms)
{
	struct conn *c = conns[who];

	sender = who;
	buf_append(&c->in, s, n);
	input(c, now_ms);
	drain();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int64_t now_ms = 1000000;
	unsigned seed;
	size_t max_line, pos = 0;
	struct conn *c;
	bool multiplex;
	int target = FUZZ;

	if (size < 2)
		return 0;
	max_line = (data[0] & 1) ? 64 : 4096;
	multiplex = (data[0] & 4) != 0;
	seed = data[1] * 2654435761u + 7;
	chat_init(&ch, max_line, (data[0] & 2) ? 5 : 0, 8);
	unlink(log_path);
	{
		char err[256];

		if (chat_open_log(&ch, log_path, err, sizeof(err)) != 0)
			fuzz_fail(__FILE__, __LINE__, "cannot open the chat log", err, strlen(err));
	}
	records_bob = false;
	for (int i = 0; i < NCONNS; i++) {
		conns[i] = new_conn(now_ms);
	}
	drain();
	feed(ALICE, "alice\n", 6, &now_ms);
	feed(BOB, "/TCPCHAT 1\nbob\n", 15, &now_ms);
	records_bob = true;
	data += 2;
	size -= 2;

	while (pos < size) {
		size_t chunk = 1 + fuzz_rand(&seed) % 512;
		const uint8_t *sw;

		if (multiplex && data[pos] == SWITCH) {
			/* SWITCH X: the following bytes come from connection X % NCONNS; a
			 * connection that was closed comes back as a new one (a reconnect). */
			target = pos + 1 < size ? data[pos + 1] % NCONNS : FUZZ;
			pos += 2;
			if (conns[target] == NULL) {
				conns[target] = new_conn(now_ms);
				drain();
			}
			continue;
		}
		if (chunk > size - pos)
			chunk = size - pos;
		if (multiplex && (sw = memchr(data + pos, SWITCH, chunk)) != NULL)
			chunk = (size_t)(sw - (data + pos));
		c = conns[target];
		if (c == NULL) {               /* closed: what it still sends goes nowhere */
			pos += chunk;
			continue;
		}
		buf_append(&c->in, data + pos, chunk);
		pos += chunk;
		sender = target;
		input(c, &now_ms);
		if ((c = conns[target]) != NULL && !c->closing) {
			FUZZ_CHECK(buf_len(&c->in) <= max_line + 1,
			    "more than limit + 1 bytes of input left buffered",
			    buf_data(&c->in), buf_len(&c->in));
			FUZZ_CHECK(buf_len(&c->in) == 0 ||
			    memchr(buf_data(&c->in), '\n', buf_len(&c->in)) == NULL,
			    "a complete line was left unread", buf_data(&c->in), buf_len(&c->in));
		}
		drain();
	}
	/* End of input: every peer closes, as read_conn() handles it. */
	for (int i = 0; i < NCONNS; i++) {
		if ((c = conns[i]) == NULL || c->closing)
			continue;
		sender = i;
		if (buf_len(&c->in) > 0) {
			buf_putc(&c->in, '\n');
			session_input(&ch, sess(c), now_ms + 1000000);
		}
		buf_free(&c->in);
		conn_close(c, "closed by peer");
		drain();
	}
	drain();
	for (int i = 0; i < NCONNS; i++)
		if (conns[i] != NULL)
			conn_close(conns[i], "end of test");
	drain();
	chat_free(&ch);
	check_log();
	return 0;
}
