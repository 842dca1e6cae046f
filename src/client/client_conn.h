/*
 * client_conn.h: the client's connection to the server.
 *
 * Owns the socket (through a transport, transport.h), its input framing (line_next)
 * and output queue (struct buf), the protocol hello (with the
 * fall-back to the nc dialect when the server does not answer), the server password
 * (--password-file servers), sending the name, and
 * reconnecting with back-off (rejoining with the same name and room). The front end
 * (plain line mode or the screen) gets typed records, raw lines (nc dialect only) and
 * state changes through callbacks, and sends lines with client_conn_send.
 */
#ifndef CLIENT_CONN_H
#define CLIENT_CONN_H

#include <stdbool.h>
#include <stddef.h>

#include "loop.h"
#include "proto.h"

enum client_conn_state {
	LINK_CONNECTING,    /* resolving, connecting, waiting for the hello answer */
	LINK_NEED_PASSWORD, /* the server asks for its password: client_conn_set_password
	                     * (detail: why the last one was refused, or NULL) */
	LINK_PASS_SENT,     /* the password went; waiting a little for a refusal */
	LINK_NEED_NAME,     /* connected; a name must be given (client_conn_set_name) */
	LINK_NAME_SENT,     /* waiting for WELCOME or NAME? */
	LINK_ONLINE,        /* named, in a room */
	LINK_DEGRADED,      /* old-style server: nc dialect, raw lines */
	LINK_WAITING,       /* disconnected, reconnecting after a delay */
	LINK_CLOSED,        /* disconnected for good */
};

struct client_conn;
struct transport;

struct client_conn_ops {
	void (*state)(void *arg, enum client_conn_state st, const char *detail);
	void (*record)(void *arg, const struct proto_rec *rec);
	void (*raw_line)(void *arg, const char *line);    /* LINK_DEGRADED only */
	/* After the transport's handshake, before a byte is sent (TLS: is the certificate
	 * trusted?): 0 go on, -1 refuse (closed for good, no reconnect), 1 wait for
	 * client_conn_resume() (the front end asks the user). NULL: go on. */
	int (*verify)(void *arg, struct client_conn *cc, const struct transport *t);
};

/* Wraps a connected TCP fd (non-blocking) for host: transport_tcp_new by default; a
 * TLS client transport is set here. */
typedef struct transport *(*client_conn_transport_fn)(int fd, const char *host);

struct client_conn *client_conn_new(struct loop *loop, const char *host, int port,
    const struct client_conn_ops *ops, void *arg);
void client_conn_free(struct client_conn *cc);

/* Resolve and connect. Returns -1 (reason in *err) only if the host cannot be resolved. */
int client_conn_start(struct client_conn *cc, const char **err);

/* The server password (a server started with --password-file asks for it before the
 * name: PASS? in the client dialect, doc/PROTOCOL.md). Given now if it is asked for,
 * else when the server asks. A refused one is forgotten (LINK_NEED_PASSWORD with the
 * server's reason); one the server took is given again, unasked, after a reconnect.
 * The server says nothing when a password is right, so the name follows when no
 * refusal came within TC_CLIENT_PASS_WAIT_MS (at once for a password taken before). */
void client_conn_set_password(struct client_conn *cc, const char *password);
/* The name to send (now if one is needed, else at the next (re)connect). */
void client_conn_set_name(struct client_conn *cc, const char *name);
/* The transport made after each TCP connect (default plain TCP). */
void client_conn_set_transport(struct client_conn *cc, client_conn_transport_fn fn);
/* After verify() returned 1: go on (accept) or close for good with reason. */
void client_conn_resume(struct client_conn *cc, bool accept, const char *reason);
/* Reconnect after a drop (default on). Off: the first drop is final. */
void client_conn_set_reconnect(struct client_conn *cc, bool on);

/* Queue one line (without newline). Returns 0, or -1 when not connected. */
int client_conn_send(struct client_conn *cc, const char *line);
/* Bytes still waiting to be written. */
size_t client_conn_pending(const struct client_conn *cc);
/* Try to write the queue right now (before exiting). */
void client_conn_flush(struct client_conn *cc);
/* Close for good (no reconnect); the state callback is not called. */
void client_conn_close(struct client_conn *cc);

enum client_conn_state client_conn_state(const struct client_conn *cc);
const char *client_conn_name(const struct client_conn *cc);   /* accepted name or NULL */
bool client_conn_has_name(const struct client_conn *cc);      /* a name to send is known */
const char *client_conn_room(const struct client_conn *cc);   /* current room or NULL */
/* People in the chat, as the server last said (ONLINE); 0: not told (version 1). */
size_t client_conn_online(const struct client_conn *cc);
const char *client_conn_server(const struct client_conn *cc); /* "host:port" */
/* Keepalive: after ms of quiet a "/ping" (0: off, the default); unanswered for
 * TC_CLIENT_STALL_MS (or ms, if shorter) the link is stalled; for three times that, it is
 * dropped and reconnected. */
void client_conn_set_keepalive(struct client_conn *cc, int ms);
bool client_conn_stalled(const struct client_conn *cc);
/* Some connection got as far as the name. Until then a failure is final (LINK_CLOSED):
 * only a link that was up is retried. */
bool client_conn_was_up(const struct client_conn *cc);
/* Reconnect now (a link that was up: waiting for a retry, or up and to be renewed). */
void client_conn_reconnect_now(struct client_conn *cc);
/* The dialect version in use: 2 (several rooms), 1, or 0 (no answer: nc dialect). */
int client_conn_version(const struct client_conn *cc);
/* The rooms to be in (--join, the remembered set): joined after the next WELCOME
 * (version 1: only the last). A reconnect rejoins the rooms we were in the same way. */
void client_conn_set_rooms(struct client_conn *cc, char *const *rooms, size_t n);
/* Split a list of rooms ("lobby,dev", or one a line) into *rooms (malloc'd, each too);
 * returns how many. client_rooms_free gives them back. */
size_t client_rooms_split(const char *list, char ***rooms);
void client_rooms_free(char **rooms, size_t n);
/* Version 2: "/part ROOM [REASON]" for one of our rooms, not the last (reason "": none).
 * 0, or -1 (not sent). */
int client_conn_part(struct client_conn *cc, const char *room, const char *reason);
/* The rooms we are in (before the first WELCOME: the rooms wanted). */
size_t client_conn_rooms(const struct client_conn *cc, char *const **rooms);
/* Milliseconds until the next reconnect attempt (LINK_WAITING). */
int64_t client_conn_retry_in(const struct client_conn *cc);

#endif
