/*
 * Clipping and pixel conversion for drivers/framebuffer (see blit.h).
 * The back buffer is always 0x00RRGGBB; the screen has the layout the
 * loader set up, its colour fields as Multiboot reports them (core's
 * platform_info: red="16:8" ...). The common 32-bit layout (B, G, R, X
 * bytes) is copied as it is; every other one is packed pixel by pixel.
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

void blit_default_fields(struct blit_target *t)
{
    if (t->bpp == 16) {
        t->red = (struct blit_field){11, 5}, t->green = (struct blit_field){5, 6},
        t->blue = (struct blit_field){0, 5};
    } else if (t->bpp == 15) {
        t->red = (struct blit_field){10, 5}, t->green = (struct blit_field){5, 5},
        t->blue = (struct blit_field){0, 5};
    } else {
        t->red = (struct blit_field){16, 8}, t->green = (struct blit_field){8, 8},
        t->blue = (struct blit_field){0, 8};
    }
}

static uint32_t field_mask(struct blit_field f)
{
    return ((1u << f.size) - 1) << f.pos;
}

static bool field_ok(struct blit_field f, unsigned bpp)
{
    return f.size >= 1 && f.size <= 8 && f.pos + f.size <= bpp;
}

bool blit_supported(const struct blit_target *t)
{
    if (t->text) {
        return t->bpp == 16;
    }
    if (t->bpp != 32 && t->bpp != 24 && t->bpp != 16 && t->bpp != 15) {
        return false;
    }
    if (!field_ok(t->red, t->bpp) || !field_ok(t->green, t->bpp) || !field_ok(t->blue, t->bpp)) {
        return false;
    }
    uint32_t r = field_mask(t->red), g = field_mask(t->green), b = field_mask(t->blue);
    return !(r & g) && !(r & b) && !(g & b);
}

static uint32_t pack(const struct blit_target *t, uint32_t p)
{
    return (((p >> 16) & 0xff) >> (8 - t->red.size)) << t->red.pos |
           (((p >> 8) & 0xff) >> (8 - t->green.size)) << t->green.pos |
           ((p & 0xff) >> (8 - t->blue.size)) << t->blue.pos;
}

static void row_pixels(const struct blit_target *t, volatile uint8_t *dst, const uint32_t *src, uint32_t n)
{
    if (t->bpp == 32 && field_mask(t->red) == 0xff0000 && field_mask(t->green) == 0xff00 &&
        field_mask(t->blue) == 0xff) {
        __builtin_memcpy((uint8_t *)dst, src, (size_t)n * 4); /* string moves: far faster under TCG */
        return;
    }
    for (uint32_t i = 0; i < n; i++) {
        uint32_t v = pack(t, src[i]);
        switch (t->bpp) {
        case 32:
            ((volatile uint32_t *)dst)[i] = v;
            break;
        case 24:
            dst[3 * i] = (uint8_t)v;
            dst[3 * i + 1] = (uint8_t)(v >> 8);
            dst[3 * i + 2] = (uint8_t)(v >> 16);
            break;
        default:
            ((volatile uint16_t *)dst)[i] = (uint16_t)v;
            break;
        }
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
            row_pixels(t, dst, (const uint32_t *)src + (uint64_t)row * stride + r->x, r->w);
        }
    }
}
