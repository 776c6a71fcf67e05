/*
 * The screen console's pixel back-end: a linear framebuffer that the boot
 * loader set up (UEFI GOP, or VBE under BIOS; Multiboot framebuffer type
 * RGB) at 16, 24 or 32 bits per pixel, with the red, green and blue
 * fields where the loader says. A cell is the font's glyph in light grey
 * on black (the colours of VGA text attribute 0x07, so that both
 * back-ends look alike), its top-left pixel at (col * width, row *
 * height). The framebuffer must lie in the direct map (below 4 GiB).
 */
#include "kernel.h"
#include "boot_params.h"
#include "screen_console.h"
#include "arch/x86_64/arch.h"
#include <arbor/kernel_devices.h>

#define FB_TYPE_RGB 1
#define DIRECT_MAP_LIMIT (4ull << 30)
#define GREY 0xa8 /* VGA's light grey (DAC 42 of 63) as QEMU shows it */

static struct {
    uint8_t *base;
    uint64_t pitch;
    unsigned bytes; /* per pixel */
    uint32_t fg, bg;
    const struct psf_font *font;
} fb;

/* An 8-bit intensity as a field of `size` bits at `pos`. */
static uint32_t field(uint32_t v8, unsigned pos, unsigned size)
{
    return size == 0 || size > 8 ? 0 : (v8 >> (8 - size)) << pos;
}

static void put_pixel(uint8_t *p, uint32_t v)
{
    switch (fb.bytes) {
    case 4:
        *(volatile uint32_t *)p = v;
        break;
    case 3:
        ((volatile uint8_t *)p)[0] = (uint8_t)v;
        ((volatile uint8_t *)p)[1] = (uint8_t)(v >> 8);
        ((volatile uint8_t *)p)[2] = (uint8_t)(v >> 16);
        break;
    default:
        *(volatile uint16_t *)p = (uint16_t)v;
        break;
    }
}

static void draw(unsigned row, unsigned col, uint32_t glyph)
{
    const struct psf_font *f = fb.font;
    const uint8_t *bits = f->glyphs + (uint64_t)glyph * f->bytes_per_glyph;
    uint8_t *line = fb.base + (uint64_t)row * f->height * fb.pitch + (uint64_t)col * f->width * fb.bytes;
    for (unsigned y = 0; y < f->height; y++, line += fb.pitch, bits += f->row_bytes) {
        uint8_t *p = line;
        for (unsigned x = 0; x < f->width; x++, p += fb.bytes) {
            put_pixel(p, (bits[x / 8] & (0x80 >> (x % 8))) ? fb.fg : fb.bg);
        }
    }
}

static struct screen_backend backend = {.what = "framebuffer", .device = KDEV_FRAMEBUFFER, .draw = draw};

const struct screen_backend *screen_fb_open(const struct boot_params *bp, const struct psf_font *font,
                                            unsigned *cols, unsigned *rows, const char **why)
{
    *why = NULL;
    if (bp->fb.phys == 0 || bp->fb.type != FB_TYPE_RGB) {
        return NULL; /* not a linear framebuffer: perhaps VGA text */
    }
    uint64_t size = bp->fb.pitch * bp->fb.height;
    if (bp->fb.bpp != 16 && bp->fb.bpp != 24 && bp->fb.bpp != 32) {
        *why = "linear framebuffer of a depth other than 16, 24 or 32 bits";
    } else if (bp->fb.pitch < (uint64_t)bp->fb.width * (bp->fb.bpp / 8) || bp->fb.width < font->width ||
               bp->fb.height < font->height) {
        *why = "linear framebuffer with a pitch or size that does not add up";
    } else if (bp->fb.phys + size < bp->fb.phys || bp->fb.phys + size > DIRECT_MAP_LIMIT) {
        *why = "linear framebuffer above 4 GiB";
    }
    if (*why) {
        return NULL;
    }
    const struct bootinfo_framebuffer *c = &bp->fb;
    fb.base = phys_to_virt(bp->fb.phys);
    fb.pitch = bp->fb.pitch;
    fb.bytes = bp->fb.bpp / 8;
    fb.fg = field(GREY, c->red_pos, c->red_size) | field(GREY, c->green_pos, c->green_size) |
            field(GREY, c->blue_pos, c->blue_size);
    fb.bg = 0;
    fb.font = font;
    backend.glyphs = font->count;
    backend.at = bp->fb.phys;
    backend.phys = ALIGN_DOWN(bp->fb.phys, PAGE_SIZE);
    backend.size = ALIGN_UP(bp->fb.phys + size, PAGE_SIZE) - backend.phys;
    *cols = bp->fb.width / font->width;
    *rows = bp->fb.height / font->height;
    return &backend;
}
