/*
 * scroll.h: the scroll model of the history pane, pure.
 *
 * The view is described by how many rows it sits above the bottom (0: following new
 * lines). While scrolled up, new rows push the offset up by as much, so what the user
 * reads stays in place, and the lines that arrived are counted for the marker.
 */
#ifndef SCROLL_H
#define SCROLL_H

struct scroll {
	int offset;   /* rows between the bottom of the view and the newest row */
	int unseen;   /* entries that arrived while scrolled up */
};

/* rows new rows were appended (one entry). */
void scroll_added(struct scroll *sc, int rows);
/* Scroll by delta rows (positive: up, towards older lines), clamped. */
void scroll_by(struct scroll *sc, int delta, int total, int height);
/* Page up (dir > 0) or down (dir < 0), keeping one row of context. */
void scroll_page(struct scroll *sc, int dir, int total, int height);
void scroll_bottom(struct scroll *sc);
/* Clamp after the total or the height changed (resize, scrollback trimmed). */
void scroll_clamp(struct scroll *sc, int total, int height);
/* Index of the first row to draw (0 = oldest row), given total rows and view height. */
int scroll_first_row(const struct scroll *sc, int total, int height);

#endif
