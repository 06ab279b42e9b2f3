#ifndef LOOPTOP_CNCURSES_SHIM_H
#define LOOPTOP_CNCURSES_SHIM_H

#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <langinfo.h>
#include <locale.h>
#include <ncurses.h>
#include <sys/ioctl.h>
#include <term.h>
#include <termios.h>
#include <unistd.h>

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

/// Sets the window's background (what erase fills with) to color pair `pair`.
static inline void looptop_background(WINDOW *w, int pair) {
    cchar_t c;
    wchar_t s[2] = {L' ', 0};
    setcchar(&c, s, A_NORMAL, 0, &pair);
    wbkgrndset(w, &c);
}

/// Starts curses on stdin/stdout with $TERM (stdio's streams are globals
/// Swift 6 will not touch). NULL if the terminal cannot be driven.
static inline SCREEN *looptop_newterm(void) { return newterm(NULL, stdout, stdin); }

/// The terminal's size as the kernel knows it now (after a SIGWINCH), from
/// `fd`. Returns 0 and fills rows/cols, or -1.
static inline int looptop_window_size(int fd, int *rows, int *cols) {
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) != 0 || ws.ws_row == 0 || ws.ws_col == 0) return -1;
    *rows = ws.ws_row;
    *cols = ws.ws_col;
    return 0;
}

/// Whether the locale chosen by setlocale(LC_ALL, "") encodes text as UTF-8.
static inline int looptop_locale_is_utf8(void) {
    const char *codeset = nl_langinfo(CODESET);
    if (codeset == NULL) return 0;
    return (codeset[0] == 'U' || codeset[0] == 'u') && (codeset[1] == 'T' || codeset[1] == 't')
        && (codeset[2] == 'F' || codeset[2] == 'f');
}

/// Whether terminfo knows `term` (without starting curses). 1 yes, 0 no.
static inline int looptop_terminfo_known(const char *term) {
    int err = 0;
    TERMINAL *saved = cur_term;
    if (setupterm(term, STDOUT_FILENO, &err) != OK) return 0;
    // Drop the entry again: curses proper loads its own in newterm.
    del_curterm(cur_term);
    set_curterm(saved);
    return 1;
}
/// Asks for left-button presses as KEY_MOUSE (a click on a graph jumps in time).
static inline void looptop_mouse_on(void) {
    mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED, NULL);
    mouseinterval(0);
}

/// After KEY_MOUSE: the cell of a left-button press, 0; else -1.
static inline int looptop_mouse_click(int *row, int *col) {
    MEVENT e;
    if (getmouse(&e) != OK) return -1;
    if (!(e.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED))) return -1;
    *row = e.y;
    *col = e.x;
    return 0;
}

#endif
