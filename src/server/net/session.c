/* session.c: a local connection's input (see session.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat_bus.h"
#include "cmd.h"
#include "irc_bridge.h"
#include "log.h"
#include "opers.h"
#include "proto.h"
#include "session.h"
#include "tclimits.h"
#include "util.h"

static const char banner[] =
	"Welcome to TCP-Chat!\n"
	"         _nnnn_\n"
	"        dGGGGMMb\n"
	"       @p~qp~~qMb\n"
	"       M|@||@) M|\n"
	"       @,----.JM|\n"
	"      JS^\\__/  qKL\n"
	"     dZP        qKRb\n"
	"    dZP          qKKb\n"
	"   fZP            SMMb\n"
	"   HZM            MMMM\n"
	"   FqM            MMMM\n"
	" __| \".        |\\dS\"qML\n"
	" |    `.       | `' \\Zq\n"
	"_)      \\.___.,|     .'\n"
	"\\____   )MMMMMP|   .'\n"
	"     `-'       `--'\n";

struct session *session_new(struct conn *c, int64_t now_ms)
{
	struct session *s = xcalloc(1, sizeof(*s));

	member_init(&s->m, c);
	s->tokens_at = now_ms;
	return s;
}

void session_free(struct session *s)
{
	irc_bridge_free(s->m.irc);
	s->m.irc = NULL;
	member_release(&s->m);
	free(s);
}

/* The IRC link's claim of a nick ended (session.h: the session is its member). */
static void irc_resume(struct chat *ch, struct member *m)
{
	session_resume(ch, (struct session *)(void *)m);
}

void session_attach_irc(struct chat *ch, struct session *s)
{
	s->m.irc = irc_bridge_attach(&s->m, &s->wait, irc_resume);
	s->greeted = s->sniffed = true;
	s->tokens = ch->rate_limit * TC_RATE_BURST_SECONDS;
}

static void ask_password(struct session *s, const char *why);

void session_greet(struct chat *ch, struct session *s)
{
	if (s->greeted)
		return;
	s->greeted = true;
	s->tokens = ch->rate_limit * TC_RATE_BURST_SECONDS;
	conn_write(s->m.conn, banner, sizeof(banner) - 1);
	s->locked = ch->password != NULL;
	if (s->locked)
		ask_password(s, NULL);
	else
		member_prompt(&s->m, time(NULL));
}

/* --- the server password (--password-file) ----------------------------------------- */

static bool is_hello(const struct session *s, const char *raw, size_t len);
static int hello_version(const char *raw, size_t len);

static void ask_password(struct session *s, const char *why)
{
	char rec[128];

	if (s->m.dialect == DIALECT_PROTO) {
		snprintf(rec, sizeof(rec), PROTO_PASSQ_WORD "\t%s\n", why ? why : "");
		conn_write(s->m.conn, rec, strlen(rec));
		return;
	}
	if (why != NULL) {
		snprintf(rec, sizeof(rec), "%s\n", why);
		conn_write(s->m.conn, rec, strlen(rec));
	}
	conn_write(s->m.conn, PROTO_NC_PASS_PROMPT, sizeof(PROTO_NC_PASS_PROMPT) - 1);
	s->m.prompt_shown = true;
}

/* The line is the password (never logged or echoed); the client's hello may come first. */
static void take_password(struct chat *ch, struct session *s, const char *raw, size_t len)
{
	char pass[TC_PASSWORD_MAX + 2];
	bool ok;

	if (is_hello(s, raw, len)) {
		member_hello(&s->m, hello_version(raw, len));
		ask_password(s, NULL);
		return;
	}
	member_entered(&s->m);
	snprintf(pass, sizeof(pass), "%.*s", (int)(len < sizeof(pass) - 1 ? len :
	    sizeof(pass) - 1), raw);
	ok = memchr(raw, '\0', len) == NULL && opers_verify(ch->password, pass) == 1;
	explicit_bzero(pass, sizeof(pass));
	if (ok) {
		s->locked = false;
		member_prompt(&s->m, time(NULL));
		return;
	}
	s->m.penalty = TC_OPER_FAIL_TOKENS;
	log_msg(LOG_INFO, "wrong server password from %s", s->m.conn->peer);
	if (++s->pass_tries >= TC_PASSWORD_TRIES)
		chat_bye(&s->m, "Wrong password, goodbye.", "wrong password");
	else
		ask_password(s, "Wrong password.");
}

/* --- not a user: other protocols (sniff.h) ------------------------------------------ */

/* Answer a peer that speaks another protocol, and close: never a user, never logged
 * as chat. */
static void sniff_answer(struct chat *ch, struct session *s, enum sniff_kind k)
{
	static const char *const why[] = { [SNIFF_HTTP_GET] = "HTTP request",
	    [SNIFF_HTTP_HEAD] = "HTTP request", [SNIFF_HTTP] = "HTTP request",
	    [SNIFF_IRC] = "IRC client", [SNIFF_TLS] = "TLS on the plain port" };
	char out[SNIFF_REPLY_MAX];
	size_t n = sniff_reply(k, &ch->where, out, sizeof(out));

	conn_write(s->m.conn, out, n);
	buf_free(&s->m.conn->in);
	conn_close(s->m.conn, why[k]);
}

/* The first line, when it is another protocol's: answered and closed (true). */
static bool sniff_first_line(struct chat *ch, struct session *s, const char *raw, size_t len)
{
	enum sniff_kind k;

	if (s->sniffed)
		return false;
	s->sniffed = true;
	k = sniff_line(raw, len);
	if (k == SNIFF_NONE)
		return false;
	sniff_answer(ch, s, k);
	return true;
}

/* Before the banner: TLS bytes, or a first line to look at. True while there is
 * nothing to decide on yet (or the connection was answered and closed). */
static bool sniff_before_greet(struct chat *ch, struct session *s)
{
	struct buf *in = &s->m.conn->in;
	const char *p = buf_data(in), *nl = memchr(p, '\n', buf_len(in));
	enum sniff_kind k = sniff_bytes(p, buf_len(in));

	if (k == SNIFF_TLS) {
		sniff_answer(ch, s, k);
		return true;
	}
	if (k == SNIFF_MORE || nl == NULL)
		return buf_len(in) < ch->max_line;   /* the server greets when its wait ends */
	return sniff_first_line(ch, s, p, (size_t)(nl - p));
}

/* --- naming ------------------------------------------------------------------------ */

static void refuse_name(struct session *s, const char *why)
{
	struct event ev = { .type = EV_NAMEQ, .text = why, .len = strlen(why) };

	if (++s->name_tries >= TC_MAX_NAME_TRIES) {
		chat_bye(&s->m, "Too many attempts, goodbye.", "too many name attempts");
		return;
	}
	member_entered(&s->m);
	member_put(&s->m, &ev);
	member_prompt(&s->m, time(NULL));
}

/* The version a hello asks for: "/TCPCHAT 2" is 2; anything else is 1. */
static int hello_version(const char *raw, size_t len)
{
	size_t w = sizeof(PROTO_HELLO_WORD);       /* the word and its space */
	long v = 0;

	for (size_t i = w; i < len && raw[i] >= '0' && raw[i] <= '9' && v < 1000; i++)
		v = v * 10 + (raw[i] - '0');
	return v >= 2 ? (int)v : 1;
}

/* The client dialect's hello (doc/PROTOCOL.md); the answer is the version used. */
static bool is_hello(const struct session *s, const char *raw, size_t len)
{
	static const char hello[] = PROTO_HELLO_WORD " ";

	return s->m.dialect == DIALECT_NC && len >= sizeof(hello) - 1 &&
	    memcmp(raw, hello, sizeof(hello) - 1) == 0;
}

static bool handle_input(struct chat *ch, struct session *s, bool limited, long *budget);

/* --redis: the claim of the name came back (ok: no other server holds it). */
static void name_claimed(struct chat *ch, void *arg, enum chat_claim res)
{
	struct session *s = arg;
	char name[NAME_MAX_BYTES + 1], why[160];
	const char *reason;

	s->wait = NULL;
	memcpy(name, s->m.name, sizeof(name));
	if (res != CHAT_CLAIM_OK)
		reason = chat_claim_refusal(res, name, why, sizeof(why));
	else
		reason = chat_name_taken(ch, &s->m, name, why, sizeof(why));
	if (reason != NULL)
		refuse_name(s, reason);
	else
		chat_enter(ch, &s->m, name);
	session_resume(ch, s);
}

static void take_name(struct chat *ch, struct session *s, const char *raw, size_t len)
{
	char name[NAME_MAX_BYTES + 1], why[160], esc[LOG_ESCAPE_MAX];
	const char *reason;
	const char *peer = s->m.conn->peer;

	if (sniff_first_line(ch, s, raw, len))
		return;
	if (is_hello(s, raw, len)) {
		member_hello(&s->m, hello_version(raw, len));
		return;
	}
	reason = names_check(raw, len, name);
	if (reason == NULL)
		reason = chat_name_taken(ch, &s->m, name, why, sizeof(why));
	if (reason != NULL) {
		log_msg(LOG_DEBUG, "name refused %s: \"%s\": %s", peer,
		    log_escape(raw, len, esc, sizeof(esc)), reason);
		refuse_name(s, reason);
		return;
	}
	log_msg(LOG_INFO, "name %s: \"%s\"", peer, log_escape(name, strlen(name), esc,
	    sizeof(esc)));
	if (ch->cluster != NULL) {
		member_set_name(&s->m, name);
		s->wait = chat_bus_claim(ch->cluster, name, name_claimed, s);
		if (s->wait != NULL)
			return;
	}
	chat_enter(ch, &s->m, name);
}

/* --- lines ------------------------------------------------------------------------- */

static int is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ')
			return 0;
	return 1;
}

static void handle_line(struct chat *ch, struct session *s, const char *raw, size_t len)
{
	struct member *m = &s->m;
	size_t n;

	if (m->irc != NULL) {
		irc_bridge_line(m->irc, raw, len);
		return;
	}
	if (s->locked) {
		take_password(ch, s, raw, len);
		return;
	}
	if (!session_named(s)) {
		take_name(ch, s, raw, len);
		return;
	}
	member_entered(m);      /* the user pressed Enter: the cursor is on a new line */
	n = chat_clean(raw, len, SIZE_MAX, ch->text, CHAT_TEXT_BYTES(ch->max_line));
	if (is_blank(ch->text, n)) {
		member_prompt(m, time(NULL));
		return;
	}
	if (ch->text[0] == '/' && !(n > 1 && ch->text[1] == '/')) {
		cmd_dispatch(ch, m, ch->text + 1, n - 1);
	} else {
		const char *t = ch->text[0] == '/' ? ch->text + 1 : ch->text;

		chat_say(ch, m, t, n - (size_t)(t - ch->text));
	}
	member_prompt(m, time(NULL));
}

static void too_long(struct chat *ch, struct session *s)
{
	char msg[96];

	snprintf(msg, sizeof(msg), "Line too long (more than %zu bytes), dropped.",
	    ch->max_line);
	member_entered(&s->m);
	member_error(&s->m, msg);
	member_prompt(&s->m, time(NULL));
}

/* --- the rate limit ---------------------------------------------------------------- */

static void refill(const struct chat *ch, struct session *s, int64_t now_ms)
{
	double burst = (double)ch->rate_limit * TC_RATE_BURST_SECONDS;

	s->tokens += (double)(now_ms - s->tokens_at) * ch->rate_limit / 1000.0;
	if (s->tokens > burst)
		s->tokens = burst;
	s->tokens_at = now_ms;
}

int64_t session_throttle_ms(const struct chat *ch, const struct session *s)
{
	if (ch->rate_limit <= 0 || s->tokens >= 1)
		return 0;
	return (int64_t)((1 - s->tokens) * 1000.0 / ch->rate_limit) + 1;
}

/* One line's cost in tokens: one, plus what it made the server send back to this
 * connection (history, lists), so that no command is a free amplifier. Taking the
 * name (and the first history replay with it) costs one. */
static double line_cost(const struct session *s, bool was_named, size_t before)
{
	size_t after = buf_len(&s->m.conn->out);

	if (!was_named || after <= before)
		return 1;
	return 1 + (double)((after - before) / TC_OUTPUT_BYTES_PER_TOKEN);
}

/* Handle one line (or an over-long one) at the front of the input; returns the bytes
 * used, 0 when no complete line is buffered. */
static size_t handle_one(struct chat *ch, struct session *s)
{
	struct conn *c = s->m.conn;
	bool was_named = session_named(s);
	size_t before = buf_len(&c->out), len, used;
	const char *line;

	size_t max = s->m.irc != NULL ? IRC_INPUT_MAX : ch->max_line;

	switch (line_next(&s->reader, &c->in, max, &line, &len, &used)) {
	case LINE_OK:
		handle_line(ch, s, line, len);
		s->tokens -= line_cost(s, was_named, before) + s->m.penalty;
		s->m.penalty = 0;
		break;
	case LINE_TOO_LONG:
		if (s->m.irc != NULL)
			irc_bridge_too_long(s->m.irc);
		else
			too_long(ch, s);
		s->tokens -= 1;
		break;
	case LINE_NONE:
		break;
	}
	return used;
}

static bool line_waiting(const struct conn *c)
{
	return memchr(buf_data(&c->in), '\n', buf_len(&c->in)) != NULL;
}

/* Handle the buffered lines: with limited, stop when the tokens run out; with a
 * budget >= 0, after that many lines. */
static bool handle_input(struct chat *ch, struct session *s, bool limited, long *budget)
{
	struct conn *c = s->m.conn;
	size_t used;

	while (!c->closing && buf_len(&c->in) > 0) {
		if (s->wait != NULL)
			return false;
		if (limited && s->tokens < 1 && line_waiting(c))
			return true;
		if (budget != NULL && *budget == 0)
			return false;
		used = handle_one(ch, s);
		if (used == 0)
			break;
		buf_consume(&c->in, used);
		if (budget != NULL && *budget > 0)
			(*budget)--;
	}
	return false;
}

bool session_input(struct chat *ch, struct session *s, int64_t now_ms)
{
	if (!s->greeted) {
		if (sniff_before_greet(ch, s))
			return false;
		session_greet(ch, s);
	}
	if (ch->rate_limit > 0)
		refill(ch, s, now_ms);
	return handle_input(ch, s, ch->rate_limit > 0, NULL);
}

/* Drop the complete lines at the front of the input; returns how many. */
static long drop_lines(struct conn *c)
{
	const char *p = buf_data(&c->in), *nl, *end = p + buf_len(&c->in);
	long n = 0;

	while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		p = nl + 1;
		n++;
	}
	buf_consume(&c->in, (size_t)(p - buf_data(&c->in)));
	return n;
}

long session_drain(struct chat *ch, struct session *s, long *budget)
{
	struct conn *c = s->m.conn;

	if (c->closing)
		return 0;
	if (!s->greeted) {      /* hung up within the wait: look at what it sent, then greet */
		if (sniff_before_greet(ch, s) && c->closing)
			return 0;
		session_greet(ch, s);
	}
	handle_input(ch, s, false, *budget >= 0 ? budget : NULL);
	return c->closing ? 0 : drop_lines(c);
}

long session_input_end(struct chat *ch, struct session *s, long *budget)
{
	struct conn *c = s->m.conn;
	long dropped = 0;

	if (buf_len(&c->in) > 0 && !c->closing) {
		if (buf_data(&c->in)[buf_len(&c->in) - 1] != '\n')
			buf_putc(&c->in, '\n');    /* a last line without its newline */
		dropped = session_drain(ch, s, budget);
	}
	buf_free(&c->in);
	return dropped;
}

void session_resume(struct chat *ch, struct session *s)
{
	if (!s->m.conn->closing)
		handle_input(ch, s, ch->rate_limit > 0, NULL);   /* what came meanwhile */
}

long session_burst(const struct chat *ch)
{
	return ch->rate_limit > 0 ? (long)ch->rate_limit * TC_RATE_BURST_SECONDS : -1;
}

void session_leave(struct chat *ch, struct session *s)
{
	if (s->wait != NULL)
		chat_bus_cancel(ch->cluster, s->wait);
	s->wait = NULL;
	chat_leave(ch, &s->m, NULL);
}
