/*
 * Fuzz target: servers/terminal's vt (vt.c, vt_parse.c), the parser of
 * every byte a Terminal client writes. The first three bytes choose the
 * grid (1..64 columns, 1..32 rows, 0..40 lines of history); the rest is
 * written in pieces whose lengths come from the input, with the view
 * scrolled back and forth and a client's handover (vt_soft_reset)
 * between them. Invariants, after every piece:
 * - the cursor, the saved cursor's use, the scrolling region and the
 *   history's ring stay inside their arrays (ASan checks every access);
 * - the cursor is on the grid, top <= bottom < rows, the view within
 *   the history, the reply within its buffer, the parameters counted
 *   within VT_PARAMS;
 * - every cell shown (history included) has a colour of the 16 and a
 *   code point of at most U+10FFFF.
 */
#include "../servers/terminal/vt.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check(const struct vt *v)
{
    if (v->x >= v->cols || v->y >= v->rows || v->top > v->bottom || v->bottom >= v->rows ||
        v->view > v->hist_count || v->hist_count > v->hist_max || (v->hist_max && v->hist_head >= v->hist_max) ||
        v->reply_len > sizeof(v->reply) || v->params > VT_PARAMS || v->saved_x >= v->cols ||
        v->saved_y >= v->rows) {
        abort();
    }
    for (unsigned r = 0; r < v->rows; r++) {
        for (unsigned c = 0; c < v->cols; c++) {
            const struct vt_cell *cell = vt_view_cell(v, r, c);
            if (cell->fg > 15 || cell->bg > 15 || cell->ch > 0x10ffff) {
                abort();
            }
        }
    }
    unsigned x, y;
    (void)vt_cursor(v, &x, &y);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3) {
        return 0;
    }
    unsigned cols = data[0] % 64 + 1, rows = data[1] % 32 + 1, hist = data[2] % 41;
    data += 3, size -= 3;
    struct vt_cell *cells = malloc(sizeof(*cells) * cols * rows);
    struct vt_cell *history = hist ? malloc(sizeof(*history) * cols * hist) : NULL;
    struct vt v;
    vt_init(&v, cols, rows, cells, history, hist);
    check(&v);
    size_t at = 0;
    unsigned round = 0;
    while (at < size) {
        /* a piece: its length from the byte at its start */
        size_t n = 1 + data[at] % 64;
        if (n > size - at) {
            n = size - at;
        }
        vt_write(&v, data + at, n);
        at += n;
        check(&v);
        switch (round++ % 7) {
        case 2:
            vt_view_scroll(&v, (int)(data[at - 1] % 16) - 4);
            check(&v);
            break;
        case 4:
            (void)vt_take_scrolled(&v);
            break;
        case 6:
            if (data[at - 1] & 1) {
                vt_soft_reset(&v);
                check(&v);
            }
            break;
        }
        v.reply_len = 0; /* the session passes the answers on */
    }
    free(cells);
    free(history);
    return 0;
}
