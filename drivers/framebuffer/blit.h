/*
 * The pure part of drivers/framebuffer: clipping a client's rectangle to
 * the mode, and copying a rectangle of the back buffer to the screen in
 * the screen's pixel format. No system calls: unit/framebuffer.c tests
 * it on the host with rectangles a hostile client would send.
 */
#ifndef FRAMEBUFFER_BLIT_H
#define FRAMEBUFFER_BLIT_H

#include <stdbool.h>
#include <stdint.h>

struct rect {
    uint32_t x, y, w, h;
};

/* The part of the rectangle x, y, w, h (any 64-bit values) inside a
 * width x height area: false if nothing is. */
bool blit_clip(uint64_t x, uint64_t y, uint64_t w, uint64_t h, uint32_t width, uint32_t height,
               struct rect *out);

/* Where a colour is in a screen pixel: size bits (1 to 8) from bit pos. */
struct blit_field {
    uint8_t pos, size;
};

/* The screen a back buffer is copied to. */
struct blit_target {
    volatile uint8_t *base;
    uint64_t pitch;                     /* bytes a line */
    unsigned bpp;                       /* 32, 24, 16 or 15 for pixels; 16 for text cells */
    bool text;                          /* cells of 16 bits, copied as they are */
    struct blit_field red, green, blue; /* pixels only */
};

/* The usual colour fields for bpp (32 and 24: R 16:8, G 8:8, B 0:8;
 * 16: 11:5, 5:6, 0:5; 15: 10:5, 5:5, 0:5), for a loader that named none. */
void blit_default_fields(struct blit_target *t);

/* Whether the screen's format is one blit_copy can write: text cells of
 * 16 bits, or pixels of 32, 24, 16 or 15 bits whose colour fields (when
 * not text) are 1 to 8 bits wide, inside the pixel and apart. */
bool blit_supported(const struct blit_target *t);

/* Copy r (clipped) from src, stride units a line (pixels 0x00RRGGBB, or
 * cells), to the screen. */
void blit_copy(const struct blit_target *t, const void *src, uint32_t stride, const struct rect *r);

#endif
