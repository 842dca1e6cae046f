/*
 * text.h: the input side of the nc and client protocol module (front.h): the banner,
 * the server password, naming and the client's hello (which switches the member to
 * the client dialect, dialect_proto.c), then lines: a message said in the room, or a
 * /command (cmd.c). The first line is looked at once (sniff.h): another protocol's is
 * answered and closed, never a user. Its output side is dialect_nc.c and
 * dialect_proto.c.
 */
#ifndef TEXT_H
#define TEXT_H

#include "front.h"

extern const struct front front_text;

#endif
