/*
 * The terminal's screen as characters: a grid of cells, the cursor, the
 * pen (colours and attributes new characters get), a scrolling region,
 * a scrollback history, and the VT100/ANSI escape sequences and UTF-8
 * that change them (vt_parse.c). Pure code with no memory of its own
 * (the caller gives the arrays); unit/terminal.c tests it on the host.
 * What the screen shows of it is render.c's business.
 */
#ifndef TERMINAL_VT_H
#define TERMINAL_VT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VT_BOLD 0x01
#define VT_REVERSE 0x02
#define VT_UNDERLINE 0x04
#define VT_DEFAULT_FG 7
#define VT_DEFAULT_BG 0
#define VT_PARAMS 8

struct vt_cell {
    uint32_t ch; /* a Unicode code point */
    uint8_t fg, bg, attr, pad;
};

enum vt_state { VT_GROUND, VT_ESC, VT_CSI, VT_OSC, VT_OSC_ESC, VT_CHARSET };

struct vt {
    unsigned cols, rows;
    struct vt_cell *cells; /* rows * cols, the live screen */
    /* the lines that scrolled off the top, a ring of hist_max lines */
    struct vt_cell *hist;
    unsigned hist_max, hist_count, hist_head; /* head: where the next line goes */
    unsigned view;                            /* lines scrolled back; 0: the live screen */
    unsigned scrolled;                        /* whole-screen scrolls not yet taken */
    bool view_moved;                          /* ... which then mean nothing */
    /* cursor and pen */
    unsigned x, y;
    bool wrap_pending, cursor_visible;
    struct vt_cell pen;
    unsigned saved_x, saved_y;
    struct vt_cell saved_pen;
    unsigned top, bottom; /* the scrolling region, inclusive */
    /* the parser */
    enum vt_state state;
    unsigned param[VT_PARAMS], params;
    bool private_mode;
    uint32_t utf8_cp, utf8_min; /* the smallest code point of its length */
    unsigned utf8_left;
    /* answers to the client's queries (cursor position), for its input */
    char reply[32];
    unsigned reply_len;
};

/* A blank screen of cols x rows with a history of hist_lines lines;
 * cells holds cols * rows cells, hist cols * hist_lines. */
void vt_init(struct vt *v, unsigned cols, unsigned rows, struct vt_cell *cells, struct vt_cell *hist,
             unsigned hist_lines);

/* Interpret bytes written by the client. Goes back to the live screen. */
void vt_write(struct vt *v, const uint8_t *bytes, size_t n);

/* The cell shown at row, col (with the view scrolled back: history). */
const struct vt_cell *vt_view_cell(const struct vt *v, unsigned row, unsigned col);

/* Scroll the view back (lines > 0) or forward, within the history. */
void vt_view_scroll(struct vt *v, int lines);

/* Where the cursor is shown: false when hidden or scrolled out of view. */
bool vt_cursor(const struct vt *v, unsigned *x, unsigned *y);

/* Whole-screen scrolls since the last call (the renderer moves pixels
 * instead of drawing again); 0 after any change of the view. */
unsigned vt_take_scrolled(struct vt *v);

/* ---- the screen operations vt_parse.c calls (vt.c) ---- */
void vt_put(struct vt *v, uint32_t ch);
void vt_newline(struct vt *v);
void vt_scroll_up(struct vt *v, unsigned n);
void vt_scroll_down(struct vt *v, unsigned n);
void vt_erase(struct vt *v, unsigned row, unsigned from, unsigned to); /* columns [from, to) */
void vt_move(struct vt *v, unsigned x, unsigned y);                    /* clamped */
void vt_insert_lines(struct vt *v, unsigned n);
void vt_delete_lines(struct vt *v, unsigned n);
void vt_insert_chars(struct vt *v, unsigned n);
void vt_delete_chars(struct vt *v, unsigned n);
void vt_reset(struct vt *v);
/* The modes back to their start (pen, region, cursor shown, parser in
 * the ground state), the text and the cursor's place kept: what a new
 * client finds, whatever the one before left. */
void vt_soft_reset(struct vt *v);

#endif
