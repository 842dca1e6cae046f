/* client_tui.c: the full-screen client: ties the server connection, the screen (tui.c)
 * and the input line (input.c) together in one loop, with the terminal restored on
 * every way out (tui_term.c).
 * Tested by tests/integration/test_client_tui.py and test_client_windows.py (the client
 * in tmux: typing, windows, scrolling, mentions, reconnects, the server password, the
 * terminal restored); no
 * unit test: it is the controller between curses, readline and the link, which needs a
 * terminal; the models it drives have theirs (scroll, wrap, client_windows,
 * client_members, render). */
#define _XOPEN_SOURCE_EXTENDED 1
#include <ctype.h>
#include <curses.h>
#include <langinfo.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "client_conn.h"
#include "client_help.h"
#include "cmdlist.h"
#include "client_members.h"
#include "client_password.h"
#include "client_pend.h"
#include "client_windows.h"
#include "client_tls.h"
#include "client_tui.h"
#include "hash.h"
#include "input.h"
#include "keys.h"
#include "loop.h"
#include "statedir.h"
#include "render.h"
#include "tclimits.h"
#include "tui.h"
#include "tui_term.h"
#include "utf8.h"
#include "util.h"
#include "wrap.h"

#define TICK_MS   1000   /* status refresh while a reconnect is pending */
#define PEND_TICK_MS 250  /* how often lines waiting for the server's echo are checked */
#define NOTE_SENDING "(sending)"
#define NOTE_FAILED  "(not confirmed: Up brings it back)"

struct ctui {
	struct loop *loop;
	struct client_conn *cc;
	struct client_windows win; /* window i is the screen's pane i */
	char *focus;          /* the room the user /join'ed: its window comes forward */
	char *last_priv;      /* who sent the last private message (/r) */
	char *search;         /* the text of the last /search */
	char *rooms_path;     /* where the rooms are remembered, or NULL */
	char **paste;         /* lines waiting for the paste confirmation */
	size_t npaste;
	bool quitting;
	bool offline;         /* the drop was reported; retries only update the status */
	uint64_t tick;
	int status;
	bool bell;            /* ring on mentions and private messages */
	bool unfocused;       /* the terminal said it lost the focus */
	int title_unread;     /* what the title shows (-1: never set) */
	uint64_t *seen;       /* hashes of the messages shown (ring), so a replay after a */
	size_t nseen, seen_next; /* reconnect or a /join back does not show them twice */
	struct client_pend pend; /* our lines shown, waiting for the echo (MSG or PRIV from
	                       * us, or their action forms), and the failed ones */
	uint64_t pend_timer;
	struct client_tls *tls;  /* --tls, else NULL */
	bool asking;          /* an unknown certificate: the next line is trust or refuse */
	bool asking_password; /* the server asks for its password: the next line is it */
	char said_down[160];  /* the reason of the drop last told (told again when new) */
	int members_shown;    /* a window whose member list is shown once its MEMBERS+
	                       * records are in (-1 none) */
	bool refused;         /* a certificate was refused: say why again on exit */
	char *failed;         /* the first connection failed: why (said on exit) */
};

static void search(struct ctui *t, const char *text, int dir);

static void close_screen(void)
{
	input_stop();
	tui_stop();
}

/* --- status and prompt -------------------------------------------------------------- */

static const struct client_window *active_window(const struct ctui *t)
{
	return &t->win.w[t->win.active];
}

/* The nick list pane: the people of the window shown. */
static void update_nicks(const struct ctui *t, const struct client_window *w)
{
	char title[128], **names;
	const char *me = client_conn_name(t->cc);

	if (w->priv) {
		names = xcalloc(3, sizeof(*names));
		names[0] = xstrdup(me ? me : "");
		names[1] = xstrdup(w->name);
		snprintf(title, sizeof(title), "%s", w->name);
	} else {
		names = client_members_copy(&w->members);
		snprintf(title, sizeof(title), "#%s (%zu)", w->name, w->members.n);
	}
	tui_set_nicks(title, names);
}

/* "N here, M online": the window's people, then the chat's (when the server says and
 * wide is set). */
static void status_count(struct ctui *t, const struct client_window *w, bool wide,
    char *out, size_t n)
{
	size_t here = w->priv ? 2 : w->members.n, online = client_conn_online(t->cc);

	if (online > 0 && wide)
		snprintf(out, n, "%zu here, %zu online", here, online);
	else
		snprintf(out, n, "%zu here", here);
}

/* The right end of the status line: the state of the link. */
static void status_right(struct ctui *t, char *out, size_t n)
{
	switch (client_conn_state(t->cc)) {
	case LINK_CONNECTING: snprintf(out, n, "connecting... "); break;
	case LINK_NEED_PASSWORD: snprintf(out, n, "password needed "); break;
	case LINK_PASS_SENT: snprintf(out, n, "checking the password... "); break;
	case LINK_NEED_NAME: snprintf(out, n, "choose a name "); break;
	case LINK_NAME_SENT: snprintf(out, n, "joining... "); break;
	case LINK_ONLINE:
		snprintf(out, n, client_conn_stalled(t->cc) ?
		    "stalled (no answer) " : "connected ");
		break;
	case LINK_DEGRADED: snprintf(out, n, "connected (nc mode) "); break;
	case LINK_WAITING:
		snprintf(out, n, "offline, retry in %llds ",
		    (long long)(client_conn_retry_in(t->cc) + 999) / 1000);
		break;
	case LINK_CLOSED: snprintf(out, n, "offline "); break;
	}
}

static void status_left(struct ctui *t, const struct client_window *w, bool wide,
    char *out, size_t n)
{
	const char *room = w->name[0] ? w->name : client_conn_room(t->cc);
	const char *name = client_conn_name(t->cc);
	char act[160], count[64];
	enum client_conn_state st = client_conn_state(t->cc);
	bool secure = t->tls != NULL && st != LINK_CONNECTING && st != LINK_WAITING &&
	    st != LINK_CLOSED;

	client_windows_act(&t->win, act, sizeof(act));
	status_count(t, w, wide, count, sizeof(count));
	snprintf(out, n, " tcpchat | %s%s%s | %d:%s%s | %s | %s%s%s%s",
	    client_conn_server(t->cc), secure ? " | " : "", secure ? client_tls_status(t->tls) : "",
	    t->win.active + 1, w->priv ? "" : room ? "#" : "", room ? room : "-", name ? name : "-",
	    count, tui_scrolled_up() ? " | scrolled up" : "", act[0] ? " | " : "", act);
}

/* The status line; the chat's head count goes first when the line is too wide. */
static void update_status(struct ctui *t)
{
	const struct client_window *w = active_window(t);
	char left[512], right[96];

	update_nicks(t, w);
	status_right(t, right, sizeof(right));
	status_left(t, w, true, left, sizeof(left));
	if (utf8_width(left, strlen(left)) + utf8_width(right, strlen(right)) + 1 > tui_cols())
		status_left(t, w, false, left, sizeof(left));
	tui_set_status(left, right);
}

static void update_prompt(struct ctui *t)
{
	char buf[64];
	enum client_conn_state st = client_conn_state(t->cc);

	if (t->asking)
		snprintf(buf, sizeof(buf), "trust this certificate? [y/N] ");
	else if (t->asking_password)
		snprintf(buf, sizeof(buf), "password> ");
	else if (t->npaste > 0)
		snprintf(buf, sizeof(buf), "send %zu lines? [y/N] ", t->npaste);
	else if (st != LINK_DEGRADED && !client_conn_has_name(t->cc))
		snprintf(buf, sizeof(buf), "name> ");
	else
		snprintf(buf, sizeof(buf), "> ");
	input_set_prompt(buf);
}

/* --- from the server ----------------------------------------------------------------- */

static uint64_t msg_hash(const char *room, const char *time, const char *name,
    const char *text)
{
	const char *parts[] = { room, time, name, text };
	uint64_t h = HASH_FNV64_INIT;

	for (size_t i = 0; i < 4; i++)
		h = hash_fnv64(h, parts[i], strlen(parts[i]) + 1);   /* with the NUL: a separator */
	return h;
}

/* Remember a message; true if it was already shown. */
static bool seen_before(struct ctui *t, const char *room, const char *time, const char *name,
    const char *text)
{
	uint64_t h = msg_hash(room, time, name, text);

	for (size_t i = 0; i < t->nseen; i++)
		if (t->seen[i] == h)
			return true;
	if (t->seen == NULL)
		t->seen = xcalloc(TC_CLIENT_SCROLLBACK, sizeof(*t->seen));
	t->seen[t->seen_next] = h;
	t->seen_next = (t->seen_next + 1) % TC_CLIENT_SCROLLBACK;
	if (t->nseen < TC_CLIENT_SCROLLBACK)
		t->nseen++;
	return false;
}

static void show_member_list(int win, const struct client_members *m)
{
	size_t len = 32;
	char *buf;

	for (size_t i = 0; i < m->n; i++)
		len += strlen(m->names[i]) + 2;
	buf = xmalloc(len);
	strcpy(buf, "In the room: ");
	for (size_t i = 0; i < m->n; i++) {
		strcat(buf, m->names[i]);
		if (i + 1 < m->n)
			strcat(buf, ", ");
	}
	tui_add_to(win, TUI_NOTICE, NULL, NULL, buf);
	free(buf);
}

/* MEMBERS sets the list; MEMBERS+ (a big room) adds to it. */
static void set_members(struct client_members *m, const struct proto_rec *rec)
{
	const char *cur = rec->list, *name;
	size_t len;

	if (rec->type == PROTO_MEMBERS)
		client_members_clear(m);
	while ((name = proto_members_next(&cur, &len)) != NULL) {
		char *copy = xstrndup(name, len);

		client_members_add(m, copy);
		free(copy);
	}
}

/* The member list just received, once it is whole: before the next other record, or
 * when the records of this read are all handled. */
static void show_members_once(struct ctui *t)
{
	int win = t->members_shown;

	t->members_shown = -1;
	if (win >= 0 && win < t->win.n)
		show_member_list(win, &t->win.w[win].members);
}

/* Keep the member list of window `win` and the seen messages; false when the record
 * is not shown. */
static bool track(struct ctui *t, int win, const struct proto_rec *rec)
{
	const char *const *f = rec->f;
	struct client_members *m = &t->win.w[win].members;

	switch (rec->type) {
	case PROTO_HIST:
	case PROTO_MSG:
		return !seen_before(t, rec->room, f[0], f[1], f[2]) || rec->type == PROTO_MSG;
	case PROTO_JOIN: client_members_add(m, f[1]); break;
	case PROTO_LEAVE: client_members_remove(m, f[1]); break;
	case PROTO_RENAME: client_members_rename(m, f[1], f[2]); break;
	case PROTO_MEMBERS:             /* after WELCOME, ROOM and /list: shown when whole */
	case PROTO_MEMBERS_MORE:        /* (a big room's list goes on) */
		set_members(m, rec);
		t->members_shown = win;
		break;
	default: break;
	}
	return true;
}

/* --- windows ---------------------------------------------------------------------- */

/* Save the rooms of the room windows (one a line) for the next start. */
static void save_rooms(const struct ctui *t)
{
	struct buf b = { 0 };
	char err[256];

	if (t->rooms_path == NULL)
		return;
	for (int i = 0; i < t->win.n; i++)
		if (!t->win.w[i].priv && t->win.w[i].name[0] != '\0')
			buf_append_str(&b, t->win.w[i].name), buf_putc(&b, '\n');
	if (buf_len(&b) > 0)
		(void)statedir_write_file(t->rooms_path, buf_data(&b), buf_len(&b), 0600, err,
		    sizeof(err));
	buf_free(&b);
}

static void select_window(struct ctui *t, int i)
{
	if (i < 0 || i >= t->win.n)
		return;
	client_windows_select(&t->win, i);
	tui_pane_show(i);
}

/* The window of name (a room, or a private conversation), opened if needed. */
static int open_window(struct ctui *t, const char *name, bool priv)
{
	int i = client_windows_find(&t->win, name, priv);

	if (i >= 0)
		return i;
	if (!priv && t->win.n == 1 && t->win.w[0].name[0] == '\0') {   /* the first room */
		client_windows_rename(&t->win, 0, name);
		return 0;
	}
	if (tui_pane_open() < 0)
		return t->win.active;      /* too many windows: the active one gets it */
	i = client_windows_open(&t->win, name, priv);
	save_rooms(t);
	return i;
}

static void close_window(struct ctui *t, int i)
{
	if (t->win.n < 2)
		return;
	client_pend_window_closed(&t->pend, i);   /* lines waiting there: forgotten */
	client_windows_close(&t->win, i);
	tui_pane_close(i);
	tui_pane_show(t->win.active);
	save_rooms(t);
}

/* The first room window (version 1 servers: the one room). */
static int room_window(struct ctui *t)
{
	const struct client_window *a = active_window(t);

	if (!a->priv)
		return t->win.active;
	for (int i = 0; i < t->win.n; i++)
		if (!t->win.w[i].priv)
			return i;
	return open_window(t, "", false);
}

static bool in_room(const struct ctui *t, const char *room)
{
	char *const *rooms;
	size_t n = client_conn_rooms(t->cc, &rooms);

	for (size_t i = 0; i < n; i++)
		if (strcasecmp(rooms[i], room) == 0)
			return true;
	return false;
}

/* A room we are in (entered: WELCOME, ROOM): its window; brought forward when the
 * user asked for it. -1: a room being left (version 2 rejoin). */
static int entered(struct ctui *t, const char *room)
{
	int i;

	if (client_conn_version(t->cc) < 2) {
		i = room_window(t);
		client_windows_rename(&t->win, i, room);
		save_rooms(t);
	} else if (!in_room(t, room)) {
		return -1;
	} else {
		i = open_window(t, room, false);
	}
	if (t->focus != NULL && strcasecmp(t->focus, room) == 0) {
		select_window(t, i);
		free(t->focus);
		t->focus = NULL;
	}
	return i;
}

/* Which window a record goes to; -1: none (a room we are leaving). */
static int window_of(struct ctui *t, const struct proto_rec *rec)
{
	const char *me = client_conn_name(t->cc);

	switch (rec->type) {
	case PROTO_WELCOME: return entered(t, rec->f[1]);
	case PROTO_ROOM: return entered(t, rec->f[0]);
	case PROTO_PRIV:
		return open_window(t, me != NULL && strcmp(rec->f[1], me) == 0 ? rec->f[2] :
		    rec->f[1], true);
	default: break;
	}
	if (!proto_roomed(rec->type))
		return t->win.active;
	if (rec->room[0] == '\0')
		return room_window(t);
	if (client_windows_find(&t->win, rec->room, false) < 0 && !in_room(t, rec->room))
		return -1;
	return open_window(t, rec->room, false);
}

/* "Active": the newest lines are in view (not scrolled up) and the terminal has the
 * focus (as far as it reports focus). */
static bool active(const struct ctui *t)
{
	return !t->unfocused && !tui_scrolled_up();
}

/* A live line in window win: counted there unless the user sees it; one that names us
 * or is a private message to us rings the bell and counts in the title. */
static void activity(struct ctui *t, int win, bool mention)
{
	if (mention && t->bell)
		tui_bell();
	client_windows_line(&t->win, win, mention, active(t));
}

static void update_title(struct ctui *t)
{
	int unread;

	if (active(t))
		client_windows_seen(&t->win);
	unread = client_windows_mentions(&t->win);
	if (unread != t->title_unread && (unread > 0 || t->title_unread > 0)) {
		tui_title(unread);
		t->title_unread = unread;
	}
}

/* Show a message: highlighted when it names us, "* name action" for an action (and for
 * a message "* NAME ACTION" from NAME, as clients before the ACTION record sent it). */
static void show_view(struct ctui *t, int win, const struct proto_rec *rec,
    enum tui_kind kind, const struct render_view *v)
{
	const char *me = client_conn_name(t->cc), *action = NULL;
	bool live = rec->type == PROTO_MSG || rec->type == PROTO_PRIV, mention = false;

	if (kind == TUI_MSG && render_mentions(v->text, me)) {
		kind = TUI_MENTION;
		mention = true;
	} else if (kind == TUI_PRIV && me != NULL && strcmp(rec->f[1], me) != 0) {
		mention = true;
		if (live) {
			free(t->last_priv);
			t->last_priv = xstrdup(rec->f[1]);
		}
	}
	if (live && kind != TUI_OWN)
		activity(t, win, mention);
	if (kind != TUI_PRIV)
		action = v->action ? v->text : render_action(v->name, v->text);
	if (action != NULL)
		tui_add_to(win, kind == TUI_MENTION ? TUI_MENTION : TUI_ACTION, v->time, NULL, action);
	else
		tui_add_to(win, kind, v->time, v->name, v->text);
}

/* --- our own lines: pending until the server echoes them -------------------------- */

/* A line not confirmed in time: marked failed, its input line back on the history. */
static void pend_failed(const struct client_pend_line *line, void *arg)
{
	(void)arg;
	tui_note(line->id, NOTE_FAILED, true);
	input_keep(line->typed);
}

static void on_pend_tick(struct loop *loop, void *arg)
{
	struct ctui *t = arg;

	t->pend_timer = 0;
	if (client_pend_expire(&t->pend, loop_now_ms(), pend_failed, t))
		t->pend_timer = loop_timer_add(loop, PEND_TICK_MS, on_pend_tick, t);
}

static void pend_add(struct ctui *t, uint64_t id, int win, bool action, const char *text,
    const char *typed)
{
	if (id == 0)
		return;
	client_pend_add(&t->pend, id, win, action, text, typed,
	    loop_now_ms() + TC_CLIENT_CONFIRM_MS);
	tui_note(id, NOTE_SENDING, false);
	if (t->pend_timer == 0)
		t->pend_timer = loop_timer_add(t->loop, PEND_TICK_MS, on_pend_tick, t);
}

/* The echo of a line of ours, waiting or marked failed (a late echo): the line shown
 * already loses its note, and the echo is not shown again. */
static bool confirmed(struct ctui *t, int win, const struct proto_rec *rec)
{
	const char *me = client_conn_name(t->cc);
	const char *text = rec->type == PROTO_MSG ? rec->f[2] : rec->type == PROTO_PRIV ?
	    rec->f[3] : NULL;
	uint64_t id;

	if (text == NULL || me == NULL || strcmp(rec->f[1], me) != 0)
		return false;
	id = client_pend_echo(&t->pend, win, rec->action, text);
	if (id == 0)
		return false;
	tui_note(id, NULL, false);
	(void)seen_before(t, rec->room, rec->f[0], rec->f[1], text);
	return true;
}

static void on_record(void *arg, const struct proto_rec *rec)
{
	static const enum tui_kind kinds[] = {
		[RENDER_MSG] = TUI_MSG, [RENDER_OWN] = TUI_OWN, [RENDER_PRIV] = TUI_PRIV,
		[RENDER_NOTICE] = TUI_NOTICE, [RENDER_INFO] = TUI_INFO, [RENDER_ERROR] = TUI_ERROR,
	};
	struct ctui *t = arg;
	struct render_view v;
	int win = window_of(t, rec);

	if (rec->type != PROTO_MEMBERS_MORE)
		show_members_once(t);
	if (win >= 0 && confirmed(t, win, rec))
		return;
	if (win >= 0 && track(t, win, rec) &&
	    render_record(rec, RENDER_SCREEN, client_conn_name(t->cc), &v)) {
		show_view(t, win, rec, kinds[v.kind], &v);
		render_view_free(&v);
	}
	if (rec->type == PROTO_NAMEQ)
		tui_add(TUI_INFO, NULL, NULL, "Choose another name:");
	update_prompt(t);
}

/* nc dialect (old-style server): messages still get time and name; the rest is text. */
static void on_raw_line(void *arg, const char *line)
{
	char *copy = xstrdup(line);
	const char *time, *name, *text;

	(void)arg;
	if (proto_nc_parse_msg(copy, &time, &name, &text))
		tui_add(TUI_MSG, time, name, text);
	else
		tui_add(TUI_INFO, NULL, NULL, line);
	free(copy);
}

static void on_tick(struct loop *loop, void *arg)
{
	struct ctui *t = arg;

	t->tick = 0;
	update_status(t);
	if (client_conn_state(t->cc) == LINK_WAITING)
		t->tick = loop_timer_add(loop, TICK_MS, on_tick, t);
}

/* The server asks for its password: the next line is it, typed masked (input.c). */
static void ask_password(struct ctui *t, const char *refusal)
{
	if (refusal != NULL)
		tui_add(TUI_ERROR, NULL, NULL, refusal);
	tui_add(TUI_INFO, NULL, NULL, "This server asks for a password: type it and press "
	    "Enter (it shows as *).");
	t->asking_password = true;
	input_set_secret(true);
}

static void stop_asking_password(struct ctui *t)
{
	t->asking_password = false;
	input_set_secret(false);
}

static void on_state(void *arg, enum client_conn_state st, const char *detail)
{
	struct ctui *t = arg;
	char buf[512];

	if (st != LINK_NEED_PASSWORD && t->asking_password)
		stop_asking_password(t);   /* the link went on (or down) without it */
	switch (st) {
	case LINK_NEED_PASSWORD:
		ask_password(t, detail);
		break;
	case LINK_NEED_NAME:
		tui_add(TUI_INFO, NULL, NULL, "Choose a name and press Enter:");
		break;
	case LINK_DEGRADED:
		snprintf(buf, sizeof(buf), "%s: showing the server's text as it comes (nc mode)",
		    detail);
		tui_add(TUI_ERROR, NULL, NULL, buf);
		t->offline = false;
		break;
	case LINK_WAITING:
		for (int i = 0; i < t->win.n; i++)
			client_members_clear(&t->win.w[i].members);
		snprintf(buf, sizeof(buf), "Disconnected (%s); reconnecting in %llds",
		    detail ? detail : "?", (long long)(client_conn_retry_in(t->cc) + 999) / 1000);
		if (!t->offline || strncmp(t->said_down, detail ? detail : "?",
		    sizeof(t->said_down) - 1) != 0)
			tui_add(TUI_ERROR, NULL, NULL, buf);
		snprintf(t->said_down, sizeof(t->said_down), "%s", detail ? detail : "?");
		t->offline = true;
		if (t->tick == 0)
			t->tick = loop_timer_add(t->loop, TICK_MS, on_tick, t);
		break;
	case LINK_CLOSED:
		for (int i = 0; i < t->win.n; i++)
			client_members_clear(&t->win.w[i].members);
		if (!client_conn_was_up(t->cc) && !t->refused && t->status == 0) {
			free(t->failed);     /* the first connection failed: exit 1, say why */
			t->failed = xstrdup(detail ? detail : "connection failed");
			t->status = 1;
			t->quitting = true;
			loop_stop(t->loop);
			return;
		}
		snprintf(buf, sizeof(buf), "Disconnected (%s)", detail ? detail : "?");
		tui_add(TUI_ERROR, NULL, NULL, buf);
		break;
	case LINK_ONLINE:
		t->offline = false;
		break;
	default:
		break;
	}
	update_prompt(t);
}

/* client_tls_explain() as lines on the screen. */
static void show_explained(struct ctui *t, enum tui_kind kind)
{
	char *text = NULL, *line, *save = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&text, &n);

	if (f == NULL)
		return;
	client_tls_explain(t->tls, f);
	fclose(f);
	for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
		tui_add(kind, NULL, NULL, strncmp(line, "tcpchat: ", 9) == 0 ? line + 9 : line);
	free(text);
}

/* TLS: accept what the CAs or a pin vouch for, ask about an unknown certificate
 * (once: a trusted one goes into known_hosts), refuse a changed one. */
static int on_verify(void *arg, struct client_conn *cc, const struct transport *tr)
{
	struct ctui *t = arg;

	(void)cc;
	if (client_tls_vouched(t->tls, tr))
		return 0;
	if (t->tls->last == CLIENT_TLS_UNKNOWN) {
		show_explained(t, TUI_INFO);
		tui_add(TUI_INFO, NULL, NULL, "Compare it with the fingerprint the server printed. "
		    "Trust it (y: kept in known_hosts) or refuse (n)?");
		t->asking = true;
		update_prompt(t);
		return 1;
	}
	show_explained(t, TUI_ERROR);
	t->refused = true;
	t->status = 1;
	return -1;
}

static void answer_trust(struct ctui *t, const char *line)
{
	bool yes = strcasecmp(line, "y") == 0 || strcasecmp(line, "yes") == 0;

	t->asking = false;
	if (!yes) {
		tui_add(TUI_ERROR, NULL, NULL, "Certificate refused.");
		t->status = 1;
		client_conn_resume(t->cc, false, "certificate refused");
		return;
	}
	if (client_tls_trust(t->tls) != 0)
		tui_add(TUI_ERROR, NULL, NULL, t->tls->err);
	else
		tui_add(TUI_INFO, NULL, NULL, "Certificate trusted and kept in known_hosts.");
	client_conn_resume(t->cc, true, NULL);
}

static const struct client_conn_ops tui_conn_ops = {
	.state = on_state, .record = on_record, .raw_line = on_raw_line, .verify = on_verify,
};

/* --- from the user -------------------------------------------------------------------- */

/* Leave; line is the "/quit [REASON]" typed, or NULL (a key, a signal, a hang-up). */
static void quit(struct ctui *t, const char *line)
{
	if (client_conn_state(t->cc) == LINK_ONLINE || client_conn_state(t->cc) == LINK_DEGRADED) {
		client_conn_send(t->cc, line != NULL ? line : "/quit");
		client_conn_flush(t->cc);
	}
	t->quitting = true;
	loop_stop(t->loop);
}

static bool blank(const char *s)
{
	while (*s && isspace((unsigned char)*s))
		s++;
	return *s == '\0';
}

/* The command a line starts ("/word ..."), or NULL. */
static const struct cmdlist_cmd *command_of(const char *s)
{
	return s[0] == '/' ? cmdlist_find(s + 1, strcspn(s + 1, " ")) : NULL;
}

static bool is_command(const char *s, enum cmdlist_id id, bool bare)
{
	const struct cmdlist_cmd *cmd = command_of(s);

	return cmd != NULL && cmd->id == id && (!bare || strchr(s, ' ') == NULL);
}

/* "/WORD" alone or followed by a space: what follows (a command of the client's own). */
static const char *own_command(const char *line, const char *word)
{
	size_t n = strlen(word);

	if (line[0] != '/' || strncmp(line + 1, word, n) != 0 ||
	    (line[n + 1] != '\0' && line[n + 1] != ' '))
		return NULL;
	return line + 1 + n + (line[n + 1] == ' ');
}

/* Send prefix + text in lines of at most TC_DEFAULT_MAX_LINE bytes (the server's
 * default limit; it does not announce its own), cut at spaces, each with the prefix. */
/* How the pieces of a line of ours are shown while the server has not echoed them:
 * in window win, to `to` (a private message) or to the room, as a message or an action
 * ("* NAME piece"). win < 0: not shown (the nc dialect never echoes). */
struct echo {
	int win;
	bool action;
	const char *to, *typed;
};

static void show_pending(struct ctui *t, const struct echo *e, const char *piece, size_t len)
{
	const char *me = client_conn_name(t->cc);
	char *text, *shown, *who;
	uint64_t id;

	if (e->win < 0 || e->win >= t->win.n || me == NULL)
		return;
	text = xstrndup(piece, len);
	shown = xmalloc(strlen(me) + len + 4);
	sprintf(shown, "%s%s%s%s", e->action ? "* " : "", e->action ? me : "",
	    e->action ? " " : "", text);
	if (e->to != NULL) {
		who = xmalloc(strlen(me) + strlen(e->to) + 8);
		sprintf(who, "%s -> %s", me, e->to);
		id = tui_add_to(e->win, TUI_PRIV, NULL, who, shown);
		free(who);
	} else if (e->action) {
		id = tui_add_to(e->win, TUI_ACTION, NULL, NULL, shown + 2);
	} else {
		id = tui_add_to(e->win, TUI_OWN, NULL, me, text);
	}
	pend_add(t, id, e->win, e->action, text, e->typed);
	free(shown);
	free(text);
}

static int send_pieces(struct ctui *t, const char *prefix, const char *text,
    const struct echo *echo)
{
	size_t plen = strlen(prefix), n = strlen(text), next;
	size_t room = TC_DEFAULT_MAX_LINE > plen + 64 ? TC_DEFAULT_MAX_LINE - plen : 64;
	char *line = xmalloc(plen + room + 1);
	int rc = 0;

	while (rc == 0 && n > 0) {
		size_t len = wrap_split(text, n, room, &next);

		memcpy(line, prefix, plen);
		memcpy(line + plen, text, len);
		line[plen + len] = '\0';
		rc = client_conn_send(t->cc, line);
		if (rc == 0 && echo != NULL)
			show_pending(t, echo, text, len);
		text += next;
		n -= next;
	}
	free(line);
	return rc;
}

/* Where the text of "/msg NAME TEXT" starts: after the longest name of the room that
 * fits (names may hold spaces), else after the first word. */
static size_t msg_text_at(struct ctui *t, const char *line)
{
	const char *rest = line + strcspn(line, " ");
	char **names = client_windows_names(&t->win);
	size_t best = 0;

	rest += strspn(rest, " ");
	for (size_t i = 0; names[i] != NULL; i++) {
		size_t len = strlen(names[i]);

		if (len > best && strncasecmp(rest, names[i], len) == 0 && rest[len] == ' ')
			best = len;
		free(names[i]);
	}
	free(names);
	if (best == 0)
		best = strcspn(rest, " ");
	return (size_t)(rest - line) + best + (rest[best] == ' ');
}

/* What a plain line (action: "/me ACTION") of the active window goes as: in a private
 * window "/msg NAME " ("/action NAME "), in a room window of version 2 (the server's
 * current room need not be this one) "/say ROOM " ("/action #ROOM "), else nothing
 * ("/me "). malloc'd. */
static char *window_prefix(const struct ctui *t, bool action)
{
	const struct client_window *w = active_window(t);
	char *p = xmalloc(strlen(w->name) + 16);

	if (w->priv)
		sprintf(p, "%s %s ", action ? "/action" : "/msg", w->name);
	else if (client_conn_version(t->cc) >= 2 && w->name[0] != '\0')
		sprintf(p, "%s%s ", action ? "/action #" : "/say ", w->name);
	else
		sprintf(p, "%s", action ? "/me " : "");
	return p;
}

/* A line for the server: messages, private messages and actions too long for one line
 * go as several. */
static int send_text(struct ctui *t, const char *line)
{
	const char *action = own_command(line, "me");
	const struct client_window *aw = active_window(t);
	bool echoes = client_conn_version(t->cc) > 0;
	struct echo e = { .win = echoes ? t->win.active : -1, .action = action != NULL,
	    .to = aw->priv ? aw->name : NULL, .typed = line };
	int rc;

	if (action != NULL || line[0] != '/') {
		char *prefix = window_prefix(t, action != NULL);

		rc = send_pieces(t, prefix, action != NULL ? action : line, &e);
		free(prefix);
		return rc;
	}
	if (is_command(line, CMDLIST_MSG, false)) {
		size_t at = msg_text_at(t, line);
		const char *from = line + 4 + strspn(line + 4, " ");
		char *prefix = xstrndup(line, at);
		char *to = xstrndup(from, at > (size_t)(from - line) ? at - (size_t)(from - line) : 0);

		while (to[0] != '\0' && to[strlen(to) - 1] == ' ')
			to[strlen(to) - 1] = '\0';
		e.to = to;
		e.win = echoes && to[0] != '\0' ? open_window(t, to, true) : -1;
		rc = line[at] != '\0' ? send_pieces(t, prefix, line + at, &e) :
		    client_conn_send(t->cc, line);
		free(prefix);
		free(to);
		return rc;
	}
	return client_conn_send(t->cc, line);
}

/* "/window N": show window N (1-based). */
static void window_command(struct ctui *t, const char *arg)
{
	long n = strtol(arg, NULL, 10);

	if (n < 1 || n > t->win.n)
		tui_add(TUI_ERROR, NULL, NULL, "Usage: /window N (a window number shown in the "
		    "status line)");
	else
		select_window(t, (int)n - 1);
}

/* Leave room (the others are told reason, "" for none). */
static void part_room(struct ctui *t, const char *room, const char *reason)
{
	int i = client_windows_find(&t->win, room, false);

	if (client_conn_version(t->cc) < 2) {
		tui_add(TUI_ERROR, NULL, NULL, "This server keeps one room at a time: /join ROOM "
		    "switches to another.");
		return;
	}
	if (client_conn_part(t->cc, room, reason) != 0) {
		tui_add(TUI_ERROR, NULL, NULL, i < 0 ? "You are not in that room." :
		    "That is your last room: /join another one first.");
		return;
	}
	if (i >= 0)
		close_window(t, i);
}

/* "/part [ROOM [REASON]]": leave ROOM (default: the active window's); a private window
 * closes. Room names hold no space: the first word is the room, the rest the reason. */
static void part_command(struct ctui *t, const char *arg)
{
	const struct client_window *w = active_window(t);
	size_t n;
	char *room;

	arg += strspn(arg, " ");
	n = strcspn(arg, " ");
	if (n == 0 && w->priv) {
		close_window(t, t->win.active);
		return;
	}
	room = xstrndup(n > 0 ? arg : w->name, n > 0 ? n : strlen(w->name));
	part_room(t, room, arg + n + strspn(arg + n, " "));
	free(room);
}

/* "/join ROOM": a room we are in already just comes forward; else the server is asked,
 * and its window comes forward when the server says we are in. */
static bool join_command(struct ctui *t, const char *arg)
{
	int i = client_windows_find(&t->win, arg, false);

	if (client_conn_version(t->cc) >= 2 && i >= 0 && in_room(t, arg)) {
		select_window(t, i);
		return true;
	}
	free(t->focus);
	t->focus = xstrdup(arg);
	return false;
}

/* "/r TEXT": a private message to whoever sent the last one. */
static void reply_command(struct ctui *t, const char *text)
{
	char *line;

	if (t->last_priv == NULL || blank(text)) {
		tui_add(TUI_ERROR, NULL, NULL, t->last_priv == NULL ?
		    "Nobody sent you a private message yet." : "Usage: /r TEXT");
		return;
	}
	line = xmalloc(strlen(t->last_priv) + strlen(text) + 8);
	sprintf(line, "/msg %s %s", t->last_priv, text);
	if (send_text(t, line) != 0)
		tui_add(TUI_ERROR, NULL, NULL, "Not connected: the line was not sent.");
	free(line);
}

/* The client's own commands about windows; true if the line was one of them. */
static bool window_commands(struct ctui *t, const char *line)
{
	const char *rest;

	if ((rest = own_command(line, "window")) != NULL)
		window_command(t, rest);
	else if ((rest = own_command(line, "part")) != NULL && client_conn_version(t->cc) >= 2)
		part_command(t, rest);
	else if ((rest = own_command(line, "part")) != NULL && blank(rest) && active_window(t)->priv)
		part_command(t, rest);
	else if ((rest = own_command(line, "r")) != NULL)
		reply_command(t, rest);
	else if ((rest = own_command(line, "reconnect")) != NULL && blank(rest))
		client_conn_reconnect_now(t->cc);
	else if ((rest = own_command(line, "search")) != NULL)
		search(t, blank(rest) ? NULL : rest, 1);
	else if ((rest = own_command(line, "join")) != NULL && !blank(rest))
		return join_command(t, rest);
	else
		return false;
	return true;
}

static void help_line(const char *line, void *arg)
{
	(void)arg;
	tui_add(TUI_INFO, NULL, NULL, line);
}

/* /clear, /me without a text, /help [KEY-OR-COMMAND]: handled here. True if the line
 * was one of them. */
static bool local_command(const char *line)
{
	const char *rest;

	if ((rest = own_command(line, "help")) != NULL) {
		tui_scroll_bottom();
		client_help(rest, tui_text_cols(), help_line, NULL);
		return true;
	}
	if ((rest = own_command(line, "clear")) != NULL && blank(rest)) {
		tui_clear();
		return true;
	}
	if ((rest = own_command(line, "me")) != NULL && blank(rest)) {
		tui_add(TUI_ERROR, NULL, NULL, "Usage: /me ACTION");
		return true;
	}
	return false;
}

static void send_one(struct ctui *t, const char *line)
{
	enum client_conn_state st = client_conn_state(t->cc);

	if (blank(line))
		return;
	if (is_command(line, CMDLIST_QUIT, false)) {
		quit(t, line);
		return;
	}
	if (st != LINK_DEGRADED && !client_conn_has_name(t->cc)) {
		client_conn_set_name(t->cc, line);   /* sent now, or once connected */
		return;
	}
	if (local_command(line) || window_commands(t, line))
		return;
	if (st == LINK_NAME_SENT || st == LINK_PASS_SENT)
		tui_add(TUI_ERROR, NULL, NULL, "Still joining: the line was not sent.");
	else if ((st != LINK_ONLINE && st != LINK_DEGRADED) || send_text(t, line) != 0)
		tui_add(TUI_ERROR, NULL, NULL, "Not connected: the line was not sent.");
}

static void drop_paste(struct ctui *t)
{
	for (size_t i = 0; i < t->npaste; i++)
		free(t->paste[i]);
	free(t->paste);
	t->paste = NULL;
	t->npaste = 0;
}

/* A line with newlines in it (a bracketed paste): send line by line, asking first
 * when there are many. */
static void multi_line(struct ctui *t, const char *text)
{
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *line = xstrndup(p, n);

		if (n > 0 && line[n - 1] == '\r')
			line[n - 1] = '\0';
		if (!blank(line)) {
			t->paste = xreallocarray(t->paste, t->npaste + 1, sizeof(*t->paste));
			t->paste[t->npaste++] = line;
		} else {
			free(line);
		}
		p += n + (nl ? 1 : 0);
	}
	if (t->npaste > TC_CLIENT_PASTE_CONFIRM) {
		char buf[96];

		snprintf(buf, sizeof(buf), "You pasted %zu lines. Send them all? Type y to send.",
		    t->npaste);
		tui_add(TUI_INFO, NULL, NULL, buf);
		return;
	}
	for (size_t i = 0; i < t->npaste && !t->quitting; i++)
		send_one(t, t->paste[i]);
	drop_paste(t);
}

/* The line typed at the password question: given to the link, then wiped. */
static void answer_password(struct ctui *t, char *line)
{
	line[strcspn(line, "\r\n")] = '\0';    /* a paste: its first line */
	if (line[0] != '\0') {
		stop_asking_password(t);
		client_conn_set_password(t->cc, line);
	}
	explicit_bzero(line, strlen(line));
}

static void on_input(char *line, void *arg)
{
	struct ctui *t = arg;

	if (line == NULL) {   /* Ctrl+D on an empty line */
		quit(t, NULL);
		return;
	}
	tui_scroll_bottom();
	if (t->asking_password) {
		answer_password(t, line);
	} else if (t->asking) {
		answer_trust(t, line);
	} else if (t->npaste > 0) {
		bool yes = strcasecmp(line, "y") == 0 || strcasecmp(line, "yes") == 0;

		for (size_t i = 0; yes && i < t->npaste && !t->quitting; i++)
			send_one(t, t->paste[i]);
		if (!yes)
			tui_add(TUI_INFO, NULL, NULL, "Paste not sent.");
		drop_paste(t);
	} else if (strchr(line, '\n') != NULL) {
		multi_line(t, line);
	} else {
		send_one(t, line);
	}
	free(line);
	if (!t->quitting)
		update_prompt(t);
}

static char **complete_names(void *arg)
{
	struct ctui *t = arg;

	return client_windows_names(&t->win);
}

/* Completion candidates: in the status line until the next key, never in the history. */
static void show_matches(const char *text, void *arg)
{
	(void)arg;
	tui_hint(text);
}

static void on_mouse(void)
{
	MEVENT ev;

	if (getmouse(&ev) != OK)
		return;
	switch (keys_mouse_action((unsigned long)ev.bstate)) {
	case KEYS_UI_WHEEL_UP: tui_wheel(1); break;
	case KEYS_UI_WHEEL_DOWN: tui_wheel(-1); break;
	default: break;
	}
}

/* "/search TEXT" (text), F3 and Shift+F3 (NULL: the last text again). */
static void search(struct ctui *t, const char *text, int dir)
{
	char buf[512];

	if (text != NULL) {
		free(t->search);
		t->search = xstrdup(text);
	}
	if (t->search == NULL || t->search[0] == '\0') {
		tui_add(TUI_ERROR, NULL, NULL, "Usage: /search TEXT (then F3 older, Shift+F3 newer)");
		return;
	}
	if (tui_search(t->search, dir, text == NULL))
		return;
	snprintf(buf, sizeof(buf), "No %s line holds \"%s\".", dir > 0 ? "earlier" : "later",
	    t->search);
	tui_hint(buf);
}

static void on_key(struct ctui *t, int key)
{
	tui_hint(NULL);
	switch (keys_ui_action(key)) {
	case KEYS_UI_PAGE_UP: tui_page(1); break;
	case KEYS_UI_PAGE_DOWN: tui_page(-1); break;
	case KEYS_UI_TOP: tui_scroll_top(); break;
	case KEYS_UI_BOTTOM: tui_scroll_bottom(); break;
	case KEYS_UI_END: tui_scroll_bottom(); input_key(key); break;
	case KEYS_UI_REDRAW: tui_force_redraw(); break;
	case KEYS_UI_RESIZE: break;   /* SIGWINCH does it */
	case KEYS_UI_MOUSE: on_mouse(); break;
	case KEYS_UI_WIN_NEXT: select_window(t, (t->win.active + 1) % t->win.n); break;
	case KEYS_UI_WIN_PREV: select_window(t, (t->win.active + t->win.n - 1) % t->win.n); break;
	case KEYS_UI_NICKS:      /* a new layout: new windows */
		tui_toggle_nicks();
		tui_force_redraw();
		input_set_window(tui_input_window());
		break;
	case KEYS_UI_SEARCH_OLDER: search(t, NULL, 1); break;
	case KEYS_UI_SEARCH_NEWER: search(t, NULL, -1); break;
	case KEYS_UI_FOCUS_IN: t->unfocused = false; break;
	case KEYS_UI_FOCUS_OUT: t->unfocused = true; break;
	case KEYS_UI_WHEEL_UP: case KEYS_UI_WHEEL_DOWN: break;
	case KEYS_UI_NONE: input_key(key); break;
	}
}

static void on_stdin(struct loop *loop, int fd, short revents, void *arg)
{
	struct ctui *t = arg;
	WINDOW *w;
	int key;

	(void)loop;
	(void)fd;
	if (revents & (POLLHUP | POLLERR | POLLNVAL)) {
		quit(t, NULL);
		return;
	}
	/* The input window is asked for again for every key: a key (F2, a resize) may
	 * lay the screen out again, and the old window is then gone. */
	while (!t->quitting && (w = tui_input_window()) != NULL && (key = wgetch(w)) != ERR) {
		int next = key == 27 ? wgetch(w) : ERR;   /* Alt+KEY comes as ESC, KEY */
		int win = keys_alt_window(next);

		if (win >= 0) {
			select_window(t, win);
			continue;
		}
		if (next == KEY_LEFT || next == KEY_RIGHT) {   /* ESC ESC [ D: Alt+Left */
			on_key(t, next == KEY_LEFT ? KEYS_ALT_LEFT : KEYS_ALT_RIGHT);
			continue;
		}
		on_key(t, key);
		if (next != ERR)
			on_key(t, next);
	}
}

/* Ctrl+C: cancels a paste waiting for its answer, else clears a non-empty input line
 * (kept in the input history). False when there was nothing to cancel: quit. */
static bool interrupt(struct ctui *t)
{
	if (t->npaste > 0) {
		drop_paste(t);
		tui_add(TUI_INFO, NULL, NULL, "Paste not sent.");
		update_prompt(t);
		return true;
	}
	return input_clear_line();
}

static void on_signal(struct loop *loop, int signo, void *arg)
{
	struct ctui *t = arg;

	(void)loop;
	if (signo == SIGTSTP) {
		tui_term_suspend();
		loop_signal(t->loop, SIGTSTP, on_signal, t);
		signo = SIGWINCH;    /* the size may have changed meanwhile: lay out again */
	}
	if (signo == SIGWINCH) {
		tui_resize();
		tui_force_redraw();
		input_set_window(tui_input_window());
		return;
	}
	if (signo == SIGINT && interrupt(t))
		return;
	t->status = signo == SIGINT ? 0 : 128 + signo;
	quit(t, NULL);
}

static void before_sleep(struct loop *loop, void *arg)
{
	struct ctui *t = arg;

	(void)loop;
	if (t->quitting)
		return;
	show_members_once(t);
	update_status(t);
	tui_draw();
	input_draw();
	doupdate();
	update_title(t);
}

/* TERM unset, empty or "dumb": no cursor addressing, so no full screen. */
static bool terminal_usable(void)
{
	const char *term = getenv("TERM");

	return term != NULL && term[0] != '\0' && strcmp(term, "dumb") != 0;
}

/* Outside a UTF-8 locale curses and readline take typed non-ASCII bytes for other keys
 * and drop them: say so at once rather than losing them quietly. */
static void warn_locale(void)
{
	const char *set = nl_langinfo(CODESET);
	char buf[256];

	if (set != NULL && (strcasecmp(set, "UTF-8") == 0 || strcasecmp(set, "utf8") == 0))
		return;
	snprintf(buf, sizeof(buf), "The locale's character set is %s, not UTF-8: only ASCII "
	    "can be typed and shown. Set LANG (or LC_ALL) to a UTF-8 locale, e.g. C.UTF-8.",
	    set != NULL && set[0] ? set : "unknown");
	tui_add(TUI_ERROR, NULL, NULL, buf);
}

/* Add each room of a comma-separated list (or one a line) to rooms. */
/* The rooms to be in: --join, else the ones remembered from last time. */
static size_t start_rooms(struct ctui *t, const struct connect_options *opt, char ***rooms)
{
	char path[4096], err[256];
	struct buf b = { 0 };
	size_t n = 0;

	*rooms = NULL;
	if (statedir_path(path, sizeof(path), NULL, "rooms", err, sizeof(err)) == 0)
		t->rooms_path = xstrdup(path);
	if (opt->join != NULL) {
		n = client_rooms_split(opt->join, rooms);
	} else if (t->rooms_path != NULL &&
	    statedir_read_file(t->rooms_path, 65536, &b, err, sizeof(err)) == 0) {
		buf_putc(&b, '\0');
		n = client_rooms_split(buf_data(&b), rooms);
	}
	buf_free(&b);
	return n;
}

/* One window per room to be in (the first window exists from tui_start). */
static void open_start_windows(struct ctui *t, const struct connect_options *opt)
{
	char **rooms;
	size_t n = start_rooms(t, opt, &rooms);

	client_windows_open(&t->win, "", false);
	for (size_t i = 0; i < n; i++)
		open_window(t, rooms[i], false);
	client_conn_set_rooms(t->cc, rooms, n);
	client_rooms_free(rooms, n);
}

/* The loop (signals) and the link (TLS, the name, the password, the keepalive). */
static void open_link(struct ctui *t, const struct connect_options *opt,
    const char *password)
{
	static const int sigs[] = { SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGTSTP };

	t->loop = loop_new();
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		loop_signal(t->loop, sigs[i], on_signal, t);
	t->cc = client_conn_new(t->loop, opt->host, opt->port, &tui_conn_ops, t);
	if (t->tls != NULL)
		client_conn_set_transport(t->cc, client_tls_transport);
	if (opt->name != NULL)
		client_conn_set_name(t->cc, opt->name);
	if (password != NULL)
		client_conn_set_password(t->cc, password);
	client_conn_set_keepalive(t->cc, opt->keepalive * 1000);
}

static void close_link(struct ctui *t)
{
	client_conn_free(t->cc);
	loop_free(t->loop);
	if (t->tls != NULL)
		client_tls_free(t->tls);
}

/* The windows, the input line and what the loop runs for the screen. */
static void start_screen(struct ctui *t, const struct connect_options *opt,
    const struct input_ops *iops)
{
	char *hist;

	tui_term_arm(close_screen);
	open_start_windows(t, opt);
	tui_set_time_format(opt->time_format);
	hist = input_history_path();
	input_start(iops, hist);
	free(hist);
	input_set_window(tui_input_window());
	update_prompt(t);
	loop_add(t->loop, STDIN_FILENO, POLLIN, on_stdin, t);
	loop_set_before_sleep(t->loop, before_sleep, t);
	tui_add(TUI_INFO, NULL, NULL, "Connecting... (/help: the keys and commands; /quit leaves)");
	warn_locale();
}

/* After the loop: what is said on the terminal, the rooms saved, everything freed. */
static int finish_run(struct ctui *t)
{
	tui_term_restore();
	if (t->refused)
		client_tls_explain(t->tls, stderr);
	if (t->failed != NULL)
		fprintf(stderr, "tcpchat: cannot connect to %s: %s\n", client_conn_server(t->cc),
		    t->failed);
	free(t->failed);
	save_rooms(t);
	client_windows_free(&t->win);
	free(t->focus);
	free(t->last_priv);
	free(t->search);
	free(t->rooms_path);
	drop_paste(t);
	client_pend_free(&t->pend);
	free(t->seen);
	close_link(t);
	return t->status;
}

int client_tui_run(const struct connect_options *opt)
{
	struct client_tls tls;
	struct ctui t;
	struct input_ops iops = { .line = on_input, .names = complete_names,
	    .show = show_matches, .arg = &t };
	const char *err = NULL, *no_colour = getenv("NO_COLOR");
	char *password, why[512];

	if (!terminal_usable())
		return -1;      /* the caller says so and runs the plain line mode */
	if (client_password_load(opt->server_password_file, &password, why, sizeof(why)) != 0) {
		fprintf(stderr, "tcpchat: %s\n", why);
		return 1;
	}
	memset(&t, 0, sizeof(t));
	t.bell = !opt->no_bell;
	t.title_unread = -1;
	t.members_shown = -1;
	signal(SIGPIPE, SIG_IGN);
	if (opt->tls) {
		if (client_tls_init(&tls, opt) != 0) {
			fprintf(stderr, "tcpchat: %s\n", tls.err);
			client_tls_free(&tls);
			client_password_free(password);
			return 1;
		}
		t.tls = &tls;
	}
	open_link(&t, opt, password);
	client_password_free(password);
	tui_term_save();
	if (!tui_start(no_colour == NULL || no_colour[0] == '\0', !opt->no_mouse)) {
		close_link(&t);
		return -1;
	}
	start_screen(&t, opt, &iops);
	if (client_conn_start(t.cc, &err) != 0) {
		tui_term_restore();
		fprintf(stderr, "tcpchat: Cannot resolve %s: %s\n", opt->host, err);
		close_link(&t);
		return 1;
	}
	loop_run(t.loop);
	return finish_run(&t);
}
