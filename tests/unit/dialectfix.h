/* dialectfix.h: events to render, for the dialect tests (header only, static): two
 * members (alice, the viewer, and bob) in room dev, an event of each type at a fixed
 * time, and the rendering of one as a string. */
#ifndef DIALECTFIX_H
#define DIALECTFIX_H

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conn.h"
#include "dialect.h"
#include "member.h"
#include "room.h"

#define DF_T0 1764581400      /* 2025-12-01 09:30:00 UTC */

static struct rooms df_rooms;
static struct room *df_dev;
static struct member df_alice, df_bob;
static struct conn *df_conn;      /* alice's */
static struct conn_list df_pending;
static struct buf df_buf;

static inline void df_init(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	rooms_init(&df_rooms, 10);
	df_dev = rooms_get(&df_rooms, "dev");
	df_conn = conn_new(NULL, "peer", 0, &df_pending);
	member_init(&df_alice, df_conn);
	member_init(&df_bob, NULL);
	member_set_name(&df_alice, "alice");
	member_set_name(&df_bob, "bob");
	df_alice.state = df_bob.state = MEMBER_CHATTING;
	room_add(&df_rooms, df_dev, &df_alice);
	room_add(&df_rooms, df_dev, &df_bob);
}

static inline void df_free(void)
{
	room_remove(df_dev, &df_alice);
	room_remove(df_dev, &df_bob);
	member_release(&df_alice);
	member_release(&df_bob);
	while (conn_pending_take(&df_pending) != NULL)
		;
	conn_free(df_conn);
	rooms_free(&df_rooms);
	buf_free(&df_buf);
}

/* An event by who (NULL: none) in dev at DF_T0. */
static inline struct event df_event(enum event_type type, const char *who, const char *text)
{
	return (struct event){ .type = type, .t = DF_T0, .room = df_dev, .name = who,
	    .namelen = who ? strlen(who) : 0, .text = text, .len = text ? strlen(text) : 0 };
}

/* ev rendered by d for alice; "(none)" when d shows nothing for it. */
static inline const char *df_render(const struct dialect *d, const struct event *ev)
{
	static char s[4096];
	size_t n;

	if (!d->render(ev, &df_alice, &df_buf))
		return "(none)";
	n = buf_len(&df_buf) < sizeof(s) - 1 ? buf_len(&df_buf) : sizeof(s) - 1;
	if (n > 0)
		memcpy(s, buf_data(&df_buf), n);
	s[n] = '\0';
	return s;
}

/* What alice's connection was sent, consumed. */
static inline const char *df_sent(void)
{
	static char s[4096];
	size_t n = buf_len(&df_conn->out);

	if (n > 0)
		memcpy(s, buf_data(&df_conn->out), n);
	s[n] = '\0';
	conn_sent(df_conn, n);
	return s;
}

#endif
