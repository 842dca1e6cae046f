/* transport.c: what every transport shares (see transport.h). */
#include <sys/socket.h>
#include <unistd.h>

#include "transport.h"

short transport_events(const struct transport *t, bool reading, bool writing)
{
	if (t->hs_events != 0)
		return t->hs_events;
	return (short)((reading ? t->rd_events : 0) | (writing ? t->wr_events : 0));
}

void transport_close_fd(int fd, bool abort)
{
	if (abort) {
		struct linger lg = { .l_onoff = 1, .l_linger = 0 };

		(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	}
	close(fd);
}
