/* render.c: the record -> display table of the client's front ends. See render.h. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "render.h"
#include "util.h"

/* ME: the rule applies when f[1] is our own name; MOVED: when f[2] (a room) is there;
 * SAID: when f[3] (a leave's or a part's reason) is. */
enum who { ANYONE, ME, MOVED, SAID };

/* Templates: %0..%3 a field, %L the MEMBERS names (each as ", name", the first " name").
 * A NULL template shows nothing in that style. An action record ("/me": ACTION,
 * HISTACTION, PRIVACTION) matches only the rules of actions, shown "* NAME TEXT". */
struct rule {
	enum proto_type type;
	bool action;
	enum who who;
	enum render_kind kind;
	int time;             /* field with the time stamp (screen), -1 for none */
	const char *name;     /* screen: the name column */
	const char *screen;   /* screen: the text */
	const char *plain;    /* plain: the whole line */
};

static const struct rule rules[] = {
	{ PROTO_MSG, false, ME, RENDER_OWN, 0, "%1", "%2", NULL },  /* the sender knows what it sent */
	{ PROTO_MSG, false, ANYONE, RENDER_MSG, 0, "%1", "%2", "[%0][%1]:%2" },
	{ PROTO_HIST, false, ME, RENDER_OWN, 0, "%1", "%2", "[%0][%1]:%2" },
	{ PROTO_HIST, false, ANYONE, RENDER_MSG, 0, "%1", "%2", "[%0][%1]:%2" },
	{ PROTO_PRIV, false, ME, RENDER_PRIV, 0, "%1 -> %2", "%3", "[%0][to %2][private]:%3" },
	{ PROTO_PRIV, false, ANYONE, RENDER_PRIV, 0, "%1 -> %2", "%3", "[%0][%1][private]:%3" },
	/* actions: as the nc dialect shows them, without a time in plain mode */
	{ PROTO_MSG, true, ME, RENDER_OWN, 0, NULL, "%1 %2", NULL },
	{ PROTO_MSG, true, ANYONE, RENDER_MSG, 0, NULL, "%1 %2", "* %1 %2" },
	{ PROTO_HIST, true, ME, RENDER_OWN, 0, NULL, "%1 %2", "* %1 %2" },
	{ PROTO_HIST, true, ANYONE, RENDER_MSG, 0, NULL, "%1 %2", "* %1 %2" },
	{ PROTO_PRIV, true, ME, RENDER_PRIV, 0, "%1 -> %2", "* %1 %3", "[to %2][private] * %1 %3" },
	{ PROTO_PRIV, true, ANYONE, RENDER_PRIV, 0, "%1 -> %2", "* %1 %3", "[private] * %1 %3" },
	{ PROTO_JOIN, false, MOVED, RENDER_NOTICE, 0, NULL, "%1 came from #%2",
	    "%1 came from room %2" },
	{ PROTO_LEAVE, false, MOVED, RENDER_NOTICE, 0, NULL, "%1 went to #%2",
	    "%1 went to room %2" },
	{ PROTO_JOIN, false, ANYONE, RENDER_NOTICE, 0, NULL, "%1 has joined",
	    "%1 has joined our chat..." },
	{ PROTO_LEAVE, false, SAID, RENDER_NOTICE, 0, NULL, "%1 has left (%3)",
	    "%1 has left our chat... (%3)" },
	{ PROTO_LEAVE, false, ANYONE, RENDER_NOTICE, 0, NULL, "%1 has left",
	    "%1 has left our chat..." },
	{ PROTO_RENAME, false, ANYONE, RENDER_NOTICE, 0, NULL, "%1 is now known as %2",
	    "%1 is now known as %2" },
	{ PROTO_WELCOME, false, ANYONE, RENDER_NOTICE, -1, NULL,
	    "You are %0, in #%1. Type /help for commands.", "*** You are %0, in room %1" },
	{ PROTO_ROOM, false, ANYONE, RENDER_NOTICE, -1, NULL, "Now in #%0", "*** Now in room %0" },
	/* the screen shows its own member list (client_members), kept from these records */
	{ PROTO_MEMBERS, false, ANYONE, RENDER_NOTICE, -1, NULL, NULL, "*** In the room:%L" },
	{ PROTO_INFO, false, ANYONE, RENDER_INFO, -1, NULL, "%0", "%0" },
	{ PROTO_ERR, false, ANYONE, RENDER_ERROR, -1, NULL, "%0", "*** %0" },
	{ PROTO_BYE, false, ANYONE, RENDER_ERROR, -1, NULL, "%0", "*** %0" },
	{ PROTO_NAMEQ, false, ANYONE, RENDER_ERROR, -1, NULL, "Name refused: %0",
	    "*** Name refused: %0" },
};

static const struct rule *find_rule(const struct proto_rec *rec, const char *me)
{
	bool mine = me != NULL && rec->nf > 1 && strcmp(rec->f[1], me) == 0;
	bool moved = (rec->type == PROTO_JOIN || rec->type == PROTO_LEAVE) && rec->nf > 2 &&
	    rec->f[2][0] != '\0';
	bool said = rec->type == PROTO_LEAVE && rec->nf > 3 && rec->f[3][0] != '\0';

	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		enum who w = rules[i].who;

		if (rules[i].type == rec->type && rules[i].action == rec->action &&
		    (w == ANYONE || (w == ME && mine) || (w == MOVED && moved) ||
		    (w == SAID && said)))
			return &rules[i];
	}
	return NULL;
}

static void append_members(struct buf *b, const struct proto_rec *rec)
{
	const char *cur = rec->list, *name;
	size_t len;
	int n = 0;

	while ((name = proto_members_next(&cur, &len)) != NULL) {
		buf_append_str(b, n++ ? ", " : " ");
		buf_append(b, name, len);
	}
}

static char *expand(const char *tpl, const struct proto_rec *rec)
{
	struct buf b = { 0 };
	char *s;

	for (const char *p = tpl; *p != '\0'; p++) {
		int i = p[1] - '0';

		if (p[0] == '%' && i >= 0 && i < PROTO_MAX_FIELDS) {
			buf_append_str(&b, i < rec->nf ? rec->f[i] : "");
			p++;
		} else if (p[0] == '%' && p[1] == 'L') {
			append_members(&b, rec);
			p++;
		} else {
			buf_putc(&b, *p);
		}
	}
	s = xstrndup(buf_data(&b), buf_len(&b));
	buf_free(&b);
	return s;
}

bool render_record(const struct proto_rec *rec, enum render_style style, const char *me,
    struct render_view *v)
{
	const struct rule *r = find_rule(rec, me);
	const char *tpl = r == NULL ? NULL : style == RENDER_PLAIN ? r->plain : r->screen;

	if (tpl == NULL)
		return false;
	v->kind = r->kind;
	v->action = r->action;
	v->time = style == RENDER_SCREEN && r->time >= 0 ? rec->f[r->time] : NULL;
	v->name = style == RENDER_SCREEN && r->name != NULL ? expand(r->name, rec) : NULL;
	v->text = expand(tpl, rec);
	return true;
}

void render_view_free(struct render_view *v)
{
	free(v->name);
	free(v->text);
	v->name = v->text = NULL;
}

/* A byte that can be part of a word: letters, digits, '_' and any non-ASCII byte. */
static bool word_byte(unsigned char c)
{
	return c >= 0x80 || c == '_' || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' &&
	    (c | 0x20) <= 'z');
}

bool render_mentions(const char *text, const char *me)
{
	size_t n = me != NULL ? strlen(me) : 0;

	if (n == 0 || text == NULL)
		return false;
	for (const char *p = text; *p; p++) {
		if ((p == text || !word_byte((unsigned char)p[-1])) && strncasecmp(p, me, n) == 0 &&
		    !word_byte((unsigned char)p[n]))
			return true;
	}
	return false;
}

const char *render_action(const char *sender, const char *text)
{
	size_t n = sender != NULL ? strlen(sender) : 0;

	if (n == 0 || text == NULL || strncmp(text, "* ", 2) != 0 ||
	    strncmp(text + 2, sender, n) != 0 || text[2 + n] != ' ' || text[3 + n] == '\0')
		return NULL;
	return text + 2;
}
