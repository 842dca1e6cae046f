/*
 * bus.h: where chat events leave this server. chat.c hands every room event it has
 * applied locally to bus_publish(); a message bus between servers (Redis pub/sub)
 * implements it and feeds what other servers publish back through chat_apply().
 * Without one (the default) publishing does nothing, and the local path is the whole
 * chat.
 */
#ifndef BUS_H
#define BUS_H

#include "event.h"

struct bus {
	void (*publish)(void *arg, const struct event *ev);
	void *arg;
};

static inline void bus_publish(const struct bus *bus, const struct event *ev)
{
	if (bus != NULL && bus->publish != NULL)
		bus->publish(bus->arg, ev);
}

#endif
