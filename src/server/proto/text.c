/* text.c: the nc and client protocol's input (see text.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat_check.h"
#include "cmd.h"
#include "log.h"
#include "proto.h"
#include "session.h"
#include "spoof.h"
#include "tclimits.h"
#include "text.h"
#include "utf8.h"
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

/* What a connection needs until its member is in the chat (the member's link); freed
 * when it enters, so a chatting member costs nothing here. */
struct text_link {
	bool sniffed;            /* the first line was looked at (sniff.h) */
	bool locked;             /* the server password is still to be given */
	uint8_t name_tries;
	uint8_t pass_tries;      /* wrong server passwords (--password-file) */
};

static struct text_link *link_of(struct session *s)
{
	if (s->m.link == NULL)
		s->m.link = xcalloc(1, sizeof(struct text_link));
	return s->m.link;
}

static void text_detach(struct session *s)
{
	free(s->m.link);
	s->m.link = NULL;
}

static void text_attach(struct chat *ch, struct session *s, void *arg)
{
	(void)ch;
	(void)arg;
	link_of(s);
}

static void enter(struct chat *ch, struct session *s, const char *name)
{
	text_detach(s);
	chat_enter(ch, &s->m, name);
}

static void ask_password(struct session *s, const char *why);

static void text_greet(struct chat *ch, struct session *s)
{
	conn_write(s->m.conn, banner, sizeof(banner) - 1);
	link_of(s)->locked = ch->cfg.password != NULL;
	if (link_of(s)->locked)
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

	if (s->m.dialect == DIALECT_PROTO || s->m.dialect == DIALECT_PROTO2) {
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

/* The server's answer about the password (chat_check.h). */
static void password_checked(struct chat *ch, struct member *m, enum pwcheck_result res,
    const char *name)
{
	struct session *s = session_of_member(m);
	struct text_link *l = link_of(s);

	(void)ch;
	(void)name;
	if (res == PWCHECK_OK) {
		l->locked = false;
		member_prompt(m, time(NULL));
		return;
	}
	if (res == PWCHECK_BUSY) {
		ask_password(s, "The server is busy checking passwords; try again.");
		return;
	}
	m->penalty = TC_OPER_FAIL_TOKENS;
	if (++l->pass_tries >= TC_PASSWORD_TRIES)
		chat_bye(m, "Wrong password, goodbye.", "wrong password");
	else
		ask_password(s, "Wrong password.");
}

/* The line is the password (never logged or echoed); the client's hello may come
 * first. It is checked off the loop; the input waits for the answer. */
static void take_password(struct chat *ch, struct session *s, const char *raw, size_t len)
{
	char pass[TC_PASSWORD_MAX + 2];

	if (is_hello(s, raw, len)) {
		member_hello(&s->m, hello_version(raw, len));
		ask_password(s, NULL);
		return;
	}
	member_entered(&s->m);
	snprintf(pass, sizeof(pass), "%.*s", (int)(len < sizeof(pass) - 1 ? len :
	    sizeof(pass) - 1), raw);
	chat_check_password(ch, &s->m, "server password", ch->cfg.password,
	    memchr(raw, '\0', len) == NULL, pass, NULL, password_checked);
	explicit_bzero(pass, sizeof(pass));
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
	size_t n = sniff_reply(k, &ch->cfg.where, out, sizeof(out));

	conn_write(s->m.conn, out, n);
	buf_free(&s->m.conn->in);
	conn_close(s->m.conn, why[k]);
}

/* The first line, when it is another protocol's: answered and closed (true). */
static bool sniff_first_line(struct chat *ch, struct session *s, const char *raw, size_t len)
{
	struct text_link *l = link_of(s);
	enum sniff_kind k;

	if (l->sniffed)
		return false;
	l->sniffed = true;
	k = sniff_line(raw, len);
	if (k == SNIFF_NONE)
		return false;
	sniff_answer(ch, s, k);
	return true;
}

/* Before the banner: TLS bytes, or a first line to look at. True while there is
 * nothing to decide on yet (or the connection was answered and closed). */
static bool text_before_greet(struct chat *ch, struct session *s)
{
	struct buf *in = &s->m.conn->in;
	const char *p = buf_data(in), *nl = memchr(p, '\n', buf_len(in));
	enum sniff_kind k = sniff_bytes(p, buf_len(in));

	if (k == SNIFF_TLS) {
		sniff_answer(ch, s, k);
		return true;
	}
	if (k == SNIFF_MORE || nl == NULL)
		return buf_len(in) < ch->cfg.max_line;   /* the server greets when its wait ends */
	return sniff_first_line(ch, s, p, (size_t)(nl - p));
}

/* --- naming ------------------------------------------------------------------------ */

static void refuse_name(struct session *s, const char *why)
{
	struct event ev = { .type = EV_NAMEQ, .text = why, .len = strlen(why) };

	member_entered(&s->m);  /* the user pressed Enter: no blank line before the bye */
	if (++link_of(s)->name_tries >= TC_MAX_NAME_TRIES) {
		chat_bye(&s->m, "Too many attempts, goodbye.", "too many name attempts");
		return;
	}
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
		enter(ch, s, name);
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
	s->wait = chat_claim_entry(ch, &s->m, name, name_claimed, s);
	if (s->wait == NULL)
		enter(ch, s, name);
}

/* --- lines ------------------------------------------------------------------------- */

static int is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ')
			return 0;
	return 1;
}

static void text_line(struct chat *ch, struct session *s, const char *raw, size_t len)
{
	struct member *m = &s->m;
	size_t n;

	if (!session_named(s)) {
		if (link_of(s)->locked)
			take_password(ch, s, raw, len);
		else
			take_name(ch, s, raw, len);
		return;
	}
	member_entered(m);      /* the user pressed Enter: the cursor is on a new line */
	n = chat_clean(raw, len, SIZE_MAX, ch->text, CHAT_TEXT_BYTES(ch->cfg.max_line));
	if (is_blank(ch->text, n)) {
		member_prompt(m, time(NULL));
		return;
	}
	if (ch->text[0] == '/' && !(n > 1 && ch->text[1] == '/')) {
		cmd_dispatch(ch, m, ch->text + 1, n - 1);
	} else {
		const char *t = ch->text[0] == '/' ? ch->text + 1 : ch->text;

		chat_say(ch, m, SAY_MSG, t, n - (size_t)(t - ch->text));
	}
	if (m->check == NULL)   /* else the prompt comes with the answer */
		member_prompt(m, time(NULL));
}

static void text_too_long(struct chat *ch, struct session *s)
{
	char msg[96];

	snprintf(msg, sizeof(msg), "Line too long (more than %zu bytes), dropped.",
	    ch->cfg.max_line);
	member_entered(&s->m);
	member_error(&s->m, msg);
	member_prompt(&s->m, time(NULL));
}

static size_t text_line_max(const struct chat *ch)
{
	return ch->cfg.max_line;
}

const struct front front_text = {
	.name = "text", .attach = text_attach, .greet_wait = true,
	.before_greet = text_before_greet, .greet = text_greet, .line_max = text_line_max,
	.line = text_line, .too_long = text_too_long, .detach = text_detach,
};
