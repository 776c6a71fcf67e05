/*
 * The cell grid of the terminal (see vt.h): writing characters with the
 * pen, wrapping, scrolling within the region (the whole screen's lines
 * go to the history), erasing, inserting and deleting.
 */
#include "vt.h"

static struct vt_cell *row_of(struct vt *v, unsigned y)
{
    return v->cells + (size_t)y * v->cols;
}

static struct vt_cell blank(const struct vt *v)
{
    return (struct vt_cell){.ch = ' ', .fg = v->pen.fg, .bg = v->pen.bg};
}

void vt_soft_reset(struct vt *v)
{
    v->pen = (struct vt_cell){.ch = ' ', .fg = VT_DEFAULT_FG, .bg = VT_DEFAULT_BG};
    v->saved_pen = v->pen;
    v->saved_x = v->saved_y = 0;
    v->wrap_pending = false;
    v->cursor_visible = true;
    v->top = 0;
    v->bottom = v->rows - 1;
    v->state = VT_GROUND;
    v->utf8_left = 0;
    v->reply_len = 0;
}

void vt_reset(struct vt *v)
{
    vt_soft_reset(v);
    v->x = v->y = 0;
    for (unsigned y = 0; y < v->rows; y++) {
        vt_erase(v, y, 0, v->cols);
    }
}

void vt_init(struct vt *v, unsigned cols, unsigned rows, struct vt_cell *cells, struct vt_cell *hist,
             unsigned hist_lines)
{
    *v = (struct vt){.cols = cols, .rows = rows, .cells = cells, .hist = hist, .hist_max = hist_lines};
    vt_reset(v);
}

void vt_erase(struct vt *v, unsigned row, unsigned from, unsigned to)
{
    struct vt_cell *r = row_of(v, row);
    for (unsigned x = from; x < to && x < v->cols; x++) {
        r[x] = blank(v);
    }
}

void vt_move(struct vt *v, unsigned x, unsigned y)
{
    v->x = x < v->cols ? x : v->cols - 1;
    v->y = y < v->rows ? y : v->rows - 1;
    v->wrap_pending = false;
}

static void history_push(struct vt *v, const struct vt_cell *line)
{
    if (!v->hist_max) {
        return;
    }
    struct vt_cell *to = v->hist + (size_t)v->hist_head * v->cols;
    for (unsigned x = 0; x < v->cols; x++) {
        to[x] = line[x];
    }
    v->hist_head = (v->hist_head + 1) % v->hist_max;
    if (v->hist_count < v->hist_max) {
        v->hist_count++;
    }
}

/* Move rows [from, to] of the region by one line up (dir 1) or down. */
static void shift_rows(struct vt *v, unsigned top, unsigned bottom, unsigned n, bool up)
{
    unsigned span = bottom - top + 1;
    n = n < span ? n : span;
    for (unsigned i = 0; i + n < span; i++) {
        unsigned to = up ? top + i : bottom - i;
        unsigned from = up ? to + n : to - n;
        struct vt_cell *d = row_of(v, to), *s = row_of(v, from);
        for (unsigned x = 0; x < v->cols; x++) {
            d[x] = s[x];
        }
    }
    for (unsigned i = 0; i < n; i++) {
        vt_erase(v, up ? bottom - i : top + i, 0, v->cols);
    }
}

void vt_scroll_up(struct vt *v, unsigned n)
{
    unsigned span = v->bottom - v->top + 1;
    n = n < span ? n : span;
    bool whole = v->top == 0 && v->bottom == v->rows - 1;
    if (whole) {
        for (unsigned i = 0; i < n; i++) {
            history_push(v, row_of(v, i));
        }
        v->scrolled += n;
    }
    shift_rows(v, v->top, v->bottom, n, true);
}

void vt_scroll_down(struct vt *v, unsigned n)
{
    shift_rows(v, v->top, v->bottom, n, false);
}

void vt_newline(struct vt *v)
{
    if (v->y == v->bottom) {
        vt_scroll_up(v, 1);
    } else if (v->y + 1 < v->rows) {
        v->y++;
    }
    v->wrap_pending = false;
}

void vt_put(struct vt *v, uint32_t ch)
{
    if (v->wrap_pending) {
        v->x = 0;
        vt_newline(v);
    }
    struct vt_cell c = v->pen;
    c.ch = ch;
    row_of(v, v->y)[v->x] = c;
    if (v->x + 1 < v->cols) {
        v->x++;
    } else {
        v->wrap_pending = true; /* wrap before the next character, as a VT100 does */
    }
}

void vt_insert_lines(struct vt *v, unsigned n)
{
    if (v->y >= v->top && v->y <= v->bottom) {
        shift_rows(v, v->y, v->bottom, n, false);
    }
}

void vt_delete_lines(struct vt *v, unsigned n)
{
    if (v->y >= v->top && v->y <= v->bottom) {
        shift_rows(v, v->y, v->bottom, n, true);
    }
}

void vt_insert_chars(struct vt *v, unsigned n)
{
    struct vt_cell *r = row_of(v, v->y);
    n = n < v->cols - v->x ? n : v->cols - v->x;
    for (unsigned x = v->cols; x-- > v->x + n;) {
        r[x] = r[x - n];
    }
    vt_erase(v, v->y, v->x, v->x + n);
}

void vt_delete_chars(struct vt *v, unsigned n)
{
    struct vt_cell *r = row_of(v, v->y);
    n = n < v->cols - v->x ? n : v->cols - v->x;
    for (unsigned x = v->x; x + n < v->cols; x++) {
        r[x] = r[x + n];
    }
    vt_erase(v, v->y, v->cols - n, v->cols);
}

const struct vt_cell *vt_view_cell(const struct vt *v, unsigned row, unsigned col)
{
    if (row < v->view) {
        /* history line: view - row lines back from the newest */
        unsigned back = v->view - row;
        unsigned line = (v->hist_head + v->hist_max - back) % v->hist_max;
        return v->hist + (size_t)line * v->cols + col;
    }
    return v->cells + (size_t)(row - v->view) * v->cols + col;
}

void vt_view_scroll(struct vt *v, int lines)
{
    long view = (long)v->view + lines;
    v->view = view < 0 ? 0 : view > (long)v->hist_count ? v->hist_count : (unsigned)view;
    v->view_moved = true;
}

bool vt_cursor(const struct vt *v, unsigned *x, unsigned *y)
{
    *x = v->x;
    *y = v->y + v->view;
    return v->cursor_visible && *y < v->rows;
}

unsigned vt_take_scrolled(struct vt *v)
{
    unsigned n = v->view_moved ? 0 : v->scrolled;
    v->scrolled = 0;
    v->view_moved = false;
    return n;
}
