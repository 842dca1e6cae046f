/* transport.c: what every transport shares (see transport.h). */
#include "transport.h"

short transport_events(const struct transport *t, bool reading, bool writing)
{
	if (t->hs_events != 0)
		return t->hs_events;
	return (short)((reading ? t->rd_events : 0) | (writing ? t->wr_events : 0));
}
