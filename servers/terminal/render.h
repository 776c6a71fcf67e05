/*
 * What the screen shows of the vt (vt.h): each cell drawn into the
 * Framebuffer session's back buffer — with the font as 8x16 pixels from
 * pixel (0, 0), no margins (tools that read screendumps back expect the
 * grid there), or as a VGA text cell — and the rectangle that changed,
 * for one small refresh. A copy of what is drawn is kept, so only cells
 * that differ are drawn again; a whole-screen scroll moves the pixels.
 */
#ifndef TERMINAL_RENDER_H
#define TERMINAL_RENDER_H

#include "font.h"
#include "vt.h"

struct render {
    const struct font *font;
    bool text;                      /* VGA text cells instead of pixels */
    void *back;                     /* the back buffer */
    unsigned width, height, stride; /* pixels (or cells) */
    unsigned cols, rows;
    struct vt_cell *shown; /* cols * rows: what the back buffer shows */
};

/* The grid a mode gives: cols x rows cells. */
void render_init(struct render *r, const struct font *font, bool text, void *back, unsigned width,
                 unsigned height, unsigned stride, struct vt_cell *shown);

/* Bring the back buffer up to the vt; false if nothing changed, else
 * the changed rectangle in pixels (or cells) in x, y, w, h. */
bool render_update(struct render *r, struct vt *v, unsigned *x, unsigned *y, unsigned *w, unsigned *h);

#endif
