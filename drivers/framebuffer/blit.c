/*
 * Clipping and pixel conversion for drivers/framebuffer (see blit.h).
 * The back buffer is always 0x00RRGGBB; the screen has the layout the
 * loader set up, which Multiboot reports only as bits per pixel here:
 * the usual layouts are assumed (32: B, G, R, X bytes; 24: B, G, R;
 * 16: R5 G6 B5; 15: X1 R5 G5 B5).
 */
#include "blit.h"
#include <stddef.h>

static uint32_t clip_axis(uint64_t at, uint64_t len, uint32_t limit, uint32_t *start)
{
    if (at >= limit) {
        return 0;
    }
    *start = (uint32_t)at;
    uint64_t room = limit - at; /* no overflow: at < limit */
    return (uint32_t)(len < room ? len : room);
}

bool blit_clip(uint64_t x, uint64_t y, uint64_t w, uint64_t h, uint32_t width, uint32_t height,
               struct rect *out)
{
    *out = (struct rect){0};
    out->w = clip_axis(x, w, width, &out->x);
    out->h = clip_axis(y, h, height, &out->y);
    if (!out->w || !out->h) {
        *out = (struct rect){0};
        return false;
    }
    return true;
}

bool blit_supported(unsigned bpp, bool text)
{
    return text ? bpp == 16 : bpp == 32 || bpp == 24 || bpp == 16 || bpp == 15;
}

static void row_pixels(volatile uint8_t *dst, const uint32_t *src, uint32_t n, unsigned bpp)
{
    switch (bpp) {
    case 32: /* string moves: far faster than a loop under TCG */
        __builtin_memcpy((uint8_t *)dst, src, (size_t)n * 4);
        break;
    case 24:
        for (uint32_t i = 0; i < n; i++, dst += 3) {
            dst[0] = (uint8_t)src[i];
            dst[1] = (uint8_t)(src[i] >> 8);
            dst[2] = (uint8_t)(src[i] >> 16);
        }
        break;
    case 16:
        for (uint32_t i = 0; i < n; i++) {
            uint32_t p = src[i];
            ((volatile uint16_t *)dst)[i] =
                (uint16_t)(((p >> 8) & 0xf800) | ((p >> 5) & 0x07e0) | ((p >> 3) & 0x001f));
        }
        break;
    case 15:
        for (uint32_t i = 0; i < n; i++) {
            uint32_t p = src[i];
            ((volatile uint16_t *)dst)[i] =
                (uint16_t)(((p >> 9) & 0x7c00) | ((p >> 6) & 0x03e0) | ((p >> 3) & 0x001f));
        }
        break;
    }
}

void blit_copy(const struct blit_target *t, const void *src, uint32_t stride, const struct rect *r)
{
    unsigned bytes = t->text ? 2 : (t->bpp + 7) / 8;
    for (uint32_t row = r->y; row < r->y + r->h; row++) {
        volatile uint8_t *dst = t->base + row * t->pitch + (uint64_t)r->x * bytes;
        if (t->text) {
            __builtin_memcpy((uint8_t *)dst, (const uint16_t *)src + (uint64_t)row * stride + r->x,
                             (size_t)r->w * 2);
        } else {
            row_pixels(dst, (const uint32_t *)src + (uint64_t)row * stride + r->x, r->w, t->bpp);
        }
    }
}
