/* attention.c: /away, /whois, /ignore, /names (see attention.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "attention.h"
#include "chat.h"
#include "duration.h"
#include "names.h"
#include "tclimits.h"
#include "utf8.h"
#include "util.h"

void attention_away(struct chat *ch, struct member *m, const char *text, size_t len)
{
	(void)ch;
	free(m->away);
	m->away = NULL;
	if (len == 0) {
		member_info(m, "You are back.");
		return;
	}
	m->away = xstrndup(text, utf8_cut(text, len, TC_AWAY_MAX));
	member_info(m, "You are marked away.");
}

/* "lobby, dev": m's rooms. */
static void room_list(const struct member *m, char *out, size_t outsz)
{
	size_t o = 0;

	out[0] = '\0';
	for (const struct membership *mb = member_rooms(m); mb != NULL && o < outsz;
	    mb = member_next_room(m, mb))
		o += (size_t)snprintf(out + o, outsz - o, "%s%s", o > 0 ? ", " : "",
		    mb->room->name);
}

static long idle_seconds(const struct member *m, time_t now)
{
	long secs = (long)(now - m->active);

	return secs > 0 ? secs : 0;
}

/* A user of another server (--redis): what this server knows is where it was seen. */
static void whois_remote(struct member *m, const struct member *who)
{
	char rooms[256], line[NAME_MAX_BYTES + 400];

	room_list(who, rooms, sizeof(rooms));
	snprintf(line, sizeof(line), "%s: on another server, in %s; idle, here since and away "
	    "are not known here", who->name,
	    rooms[0] != '\0' ? rooms : "a room this server does not see");
	member_info(m, line);
}

void attention_whois(struct chat *ch, struct member *m, const char *name, size_t len)
{
	const struct member *who = chat_find(ch, name, len);
	char rooms[256], idle[DURATION_TEXT_MAX], since[32], line[NAME_MAX_BYTES + 640];
	struct tm tm;
	time_t now = time(NULL);

	if (who == NULL) {
		snprintf(line, sizeof(line), "No such user: %.*s", (int)utf8_cut(name, len, 64),
		    name);
		member_error(m, line);
		return;
	}
	if (who->remote) {
		whois_remote(m, who);
		return;
	}
	room_list(who, rooms, sizeof(rooms));
	if (idle_seconds(who, now) > 0)
		duration_format(idle_seconds(who, now), idle);
	else
		snprintf(idle, sizeof(idle), "0s");
	if (gmtime_r(&who->since, &tm) == NULL ||
	    strftime(since, sizeof(since), "%Y-%m-%d %H:%M UTC", &tm) == 0)
		snprintf(since, sizeof(since), "?");
	snprintf(line, sizeof(line), "%s: in %s; idle %s; here since %s%s%s", who->name,
	    rooms, idle, since, who->away != NULL ? "; away: " : "",
	    who->away != NULL ? who->away : "");
	member_info(m, line);
}

void attention_ignore(struct chat *ch, struct member *m, const char *name, size_t len)
{
	const struct member *who = chat_find(ch, name, len);
	char line[NAME_MAX_BYTES + 64];

	if (who == NULL || who == m) {
		member_error(m, who == m ? "You cannot ignore yourself." : "No such user.");
		return;
	}
	if (member_ignore_find(m, who->name, who->namelen) < 0) {
		if (m->nignored >= TC_IGNORE_MAX) {
			member_error(m, "You ignore too many people already (see /unignore).");
			return;
		}
		m->ignored = xreallocarray(m->ignored, (size_t)m->nignored + 1,
		    sizeof(*m->ignored));
		m->ignored[m->nignored++] = xstrdup(who->name);
	}
	snprintf(line, sizeof(line), "You ignore %s (their messages are not shown to you).",
	    who->name);
	member_info(m, line);
}

void attention_unignore(struct chat *ch, struct member *m, const char *name, size_t len)
{
	int i = member_ignore_find(m, name, len);
	char line[NAME_MAX_BYTES + 64];

	(void)ch;
	if (i < 0) {
		member_error(m, "You do not ignore anyone of that name.");
		return;
	}
	snprintf(line, sizeof(line), "You see %s's messages again.", m->ignored[i]);
	free(m->ignored[i]);
	m->ignored[i] = m->ignored[--m->nignored];
	member_info(m, line);
}

void attention_names(struct chat *ch, struct member *m, const char *room, size_t len)
{
	char name[ROOM_NAME_MAX_BYTES + 1];
	struct room *r = m->room, *cur = m->room;

	if (len > 0) {
		const char *why = room_check_name(room, len, name);

		r = why == NULL ? rooms_find(&ch->rooms, name) : NULL;
		if (r == NULL) {
			member_error(m, why != NULL ? why : "No such room.");
			return;
		}
	}
	m->room = r;             /* chat_members lists m's current room */
	chat_members(ch, m);
	m->room = cur;
}
