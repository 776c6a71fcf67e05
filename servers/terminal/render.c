/*
 * Drawing the vt's cells (see render.h). Colours are the 16 of the VGA
 * palette in ANSI order; bold brightens the 8 normal colours; reverse
 * and the cursor swap foreground and background.
 */
#include "render.h"

#define CELL_W 8
#define CELL_H 16
#define CURSOR 1 /* in the pad byte of a shown cell */

static const uint32_t palette[16] = {0x000000, 0xaa0000, 0x00aa00, 0xaa5500, 0x0000aa, 0xaa00aa,
                                     0x00aaaa, 0xaaaaaa, 0x555555, 0xff5555, 0x55ff55, 0xffff55,
                                     0x5555ff, 0xff55ff, 0x55ffff, 0xffffff};

void render_init(struct render *r, const struct font *font, bool text, void *back, unsigned width,
                 unsigned height, unsigned stride, struct vt_cell *shown)
{
    *r = (struct render){.font = font,
                         .text = text,
                         .back = back,
                         .width = width,
                         .height = height,
                         .stride = stride,
                         .shown = shown};
    r->cols = text ? width : width / CELL_W;
    r->rows = text ? height : height / font->height;
    for (unsigned i = 0; i < r->cols * r->rows; i++) {
        r->shown[i] = (struct vt_cell){.ch = ~0u}; /* nothing drawn yet */
    }
}

static void colours(const struct vt_cell *c, unsigned *fg, unsigned *bg)
{
    *fg = c->fg & 15;
    *bg = c->bg & 15;
    if ((c->attr & VT_BOLD) && *fg < 8) {
        *fg += 8;
    }
    if (!(c->attr & VT_REVERSE) != !(c->pad & CURSOR)) {
        unsigned t = *fg;
        *fg = *bg;
        *bg = t;
    }
}

static void draw(struct render *r, unsigned col, unsigned row, const struct vt_cell *c)
{
    unsigned fg, bg;
    colours(c, &fg, &bg);
    if (r->text) {
        static const uint8_t vga[8] = {0, 4, 2, 6, 1, 5, 3, 7}; /* ANSI order to VGA order */
        uint8_t attr = (uint8_t)((vga[bg & 7] << 4) | vga[fg & 7] | (fg & 8));
        ((uint16_t *)r->back)[row * r->stride + col] =
            (uint16_t)(font_text_glyph(r->font, c->ch) | attr << 8);
        return;
    }
    unsigned h = r->font->height;
    const uint8_t *glyph = r->font->glyphs + (size_t)font_glyph(r->font, c->ch) * h;
    uint32_t *px = (uint32_t *)r->back + (size_t)row * h * r->stride + col * CELL_W;
    for (unsigned y = 0; y < h; y++, px += r->stride) {
        uint8_t bits = (c->attr & VT_UNDERLINE) && y == h - 1 ? 0xff : glyph[y];
        for (unsigned x = 0; x < CELL_W; x++) {
            px[x] = palette[bits & (0x80 >> x) ? fg : bg];
        }
    }
}

/* Move bytes bytes at base + gap to base: in pieces of gap bytes, which
 * do not overlap (memcpy's string moves are fast under TCG; the runtime
 * has no memmove). */
static void move_up(void *base, size_t gap, size_t bytes)
{
    uint8_t *b = base;
    for (size_t done = 0; done < bytes; done += gap) {
        __builtin_memcpy(b + done, b + done + gap, bytes - done < gap ? bytes - done : gap);
    }
}

/* The whole screen moved up n lines: move what is drawn along. */
static void scroll(struct render *r, unsigned n)
{
    unsigned keep = r->rows - n;
    unsigned lines = r->text ? 1 : r->font->height, unit = r->text ? 2 : 4;
    uint8_t *b = r->back;
    size_t line_bytes = (size_t)r->stride * lines * unit;
    move_up(b, n * line_bytes, keep * line_bytes);
    move_up(r->shown, (size_t)n * r->cols * sizeof(*r->shown), (size_t)keep * r->cols * sizeof(*r->shown));
    for (unsigned i = keep * r->cols; i < r->rows * r->cols; i++) {
        r->shown[i] = (struct vt_cell){.ch = ~0u};
    }
}

bool render_update(struct render *r, struct vt *v, unsigned *x, unsigned *y, unsigned *w, unsigned *h)
{
    unsigned rows = r->rows < v->rows ? r->rows : v->rows, cols = r->cols < v->cols ? r->cols : v->cols;
    unsigned n = vt_take_scrolled(v), x0 = cols, y0 = rows, x1 = 0, y1 = 0;
    unsigned cx, cy;
    bool cursor = vt_cursor(v, &cx, &cy);
    if (n >= rows) {
        render_init(r, r->font, r->text, r->back, r->width, r->height, r->stride, r->shown);
    } else if (n) {
        scroll(r, n);
        x0 = y0 = 0, x1 = cols, y1 = rows; /* everything moved */
    }
    for (unsigned row = 0; row < rows; row++) {
        for (unsigned col = 0; col < cols; col++) {
            struct vt_cell c = *vt_view_cell(v, row, col);
            c.pad = cursor && row == cy && col == cx ? CURSOR : 0;
            struct vt_cell *s = &r->shown[row * r->cols + col];
            if (!__builtin_memcmp(s, &c, sizeof(c))) {
                continue;
            }
            *s = c;
            draw(r, col, row, &c);
            x0 = col < x0 ? col : x0, y0 = row < y0 ? row : y0;
            x1 = col + 1 > x1 ? col + 1 : x1, y1 = row + 1 > y1 ? row + 1 : y1;
        }
    }
    if (x1 <= x0 || y1 <= y0) {
        return false;
    }
    unsigned cw = r->text ? 1 : CELL_W, ch = r->text ? 1 : r->font->height;
    *x = x0 * cw, *y = y0 * ch, *w = (x1 - x0) * cw, *h = (y1 - y0) * ch;
    return true;
}
