#ifndef LOOPTOP_CNCURSES_SHIM_H
#define LOOPTOP_CNCURSES_SHIM_H

#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <ncurses.h>
#include <term.h>

// Swift 6 sees curses globals as shared mutable state and does not import the
// attribute and ACS macros at all; these read them for the UI thread.
static inline int looptop_lines(void) { return LINES; }
static inline int looptop_cols(void) { return COLS; }
static inline int looptop_colors(void) { return COLORS; }
static inline int looptop_color_pairs(void) { return COLOR_PAIRS; }
static inline WINDOW *looptop_stdscr(void) { return stdscr; }
static inline attr_t looptop_a_bold(void) { return A_BOLD; }
static inline attr_t looptop_a_dim(void) { return A_DIM; }
static inline attr_t looptop_a_reverse(void) { return A_REVERSE; }
static inline attr_t looptop_a_underline(void) { return A_UNDERLINE; }
static inline attr_t looptop_a_normal(void) { return A_NORMAL; }
static inline chtype looptop_acs(char c) { return acs_map[(unsigned char)c]; }
static inline int looptop_set_pair(short pair, attr_t attrs) {
    return attr_set(attrs, pair, NULL);
}
static inline int looptop_set_extended_pair(int pair, attr_t attrs) {
    return attr_set(attrs, 0, &pair);
}
#endif
