/* scroll.c: scroll model of the history pane. See scroll.h. */
#include "scroll.h"

static int max_offset(int total, int height)
{
	return total > height ? total - height : 0;
}

void scroll_clamp(struct scroll *sc, int total, int height)
{
	int max = max_offset(total, height);

	if (sc->offset > max)
		sc->offset = max;
	if (sc->offset < 0)
		sc->offset = 0;
	if (sc->offset == 0)
		sc->unseen = 0;
}

void scroll_added(struct scroll *sc, int rows)
{
	if (sc->offset > 0) {
		sc->offset += rows;
		sc->unseen++;
	}
}

void scroll_by(struct scroll *sc, int delta, int total, int height)
{
	sc->offset += delta;
	scroll_clamp(sc, total, height);
}

void scroll_page(struct scroll *sc, int dir, int total, int height)
{
	int step = height > 2 ? height - 1 : 1;

	scroll_by(sc, dir > 0 ? step : -step, total, height);
}

void scroll_bottom(struct scroll *sc)
{
	sc->offset = 0;
	sc->unseen = 0;
}

int scroll_first_row(const struct scroll *sc, int total, int height)
{
	int first = total - height - sc->offset;

	return first < 0 ? 0 : first;
}
