/*
 * The screen console's text back-end: the VGA text screen, 80x25 cells of
 * character and attribute at physical 0xb8000, light grey on black.
 *
 * The BIOS's font is replaced by the console font (the first 256 glyphs
 * of $(FONT_PSF)) in the VGA font plane, plane 2, and the cells are made
 * 8 pixels wide (the sequencer's 8-dot clocking with the 25 MHz dot clock,
 * which keeps the 31.5 kHz line rate of the 9-dot mode): so the screen
 * shows exactly the glyphs the framebuffer back-end draws, and a picture
 * of it (640x400) decodes with tools/screen-check like any other. A cell
 * holds a glyph index below 256. The hardware cursor is switched off.
 *
 * A text screen: Multiboot1 without framebuffer information (QEMU
 * -kernel: the BIOS left VGA in text mode), or Multiboot2 from GRUB under
 * BIOS saying EGA text or giving no framebuffer at all. paging.c maps
 * 0xa0000-0xbffff uncached.
 */
#include "../../kernel.h"
#include "../../boot_params.h"
#include "../../screen_console.h"
#include "arch.h"
#include <arbor/kernel_devices.h>

#define VGA_TEXT_PHYS 0xb8000ull
#define COLS 80
#define ROWS 25
#define ATTR 0x0700 /* light grey on black */
#define FB_TYPE_EGA_TEXT 2

/* VGA registers: sequencer, graphics controller, CRT controller,
 * attribute controller, miscellaneous output. */
#define SEQ_INDEX 0x3c4
#define GC_INDEX 0x3ce
#define CRTC_INDEX 0x3d4
#define ATTR_INDEX 0x3c0
#define INPUT_STATUS 0x3da /* reading it resets the attribute flip-flop */
#define MISC_READ 0x3cc
#define MISC_WRITE 0x3c2
#define FONT_SLOT 32 /* bytes of plane 2 per character */

static volatile uint16_t *screen;

static void reg(uint16_t index_port, uint8_t index, uint8_t value)
{
    outb(index_port, index);
    outb(index_port + 1, value);
}

static uint8_t reg_read(uint16_t index_port, uint8_t index)
{
    outb(index_port, index);
    return inb(index_port + 1);
}

/* Plane 2 at 0xa0000 for writing (sequential addressing, no odd/even),
 * the glyphs in, then the text-mode mapping back. */
static void load_font(const struct psf_font *font)
{
    reg(SEQ_INDEX, 0x02, 0x04); /* map mask: plane 2 */
    reg(SEQ_INDEX, 0x04, 0x07); /* memory mode: sequential, extended */
    reg(GC_INDEX, 0x04, 0x02);  /* read map: plane 2 */
    reg(GC_INDEX, 0x05, 0x00);  /* mode: no odd/even */
    reg(GC_INDEX, 0x06, 0x04);  /* misc: 0xa0000, 64 KiB, graphics off */
    volatile uint8_t *plane = phys_to_virt(VGA_WINDOW_PHYS);
    for (unsigned ch = 0; ch < 256; ch++) {
        for (unsigned y = 0; y < FONT_SLOT; y++) {
            bool in = ch < font->count && y < font->height;
            plane[ch * FONT_SLOT + y] =
                in ? font->glyphs[ch * font->bytes_per_glyph + y * font->row_bytes] : 0;
        }
    }
    reg(SEQ_INDEX, 0x02, 0x03); /* planes 0 and 1: characters, attributes */
    reg(SEQ_INDEX, 0x04, 0x03); /* odd/even, extended */
    reg(SEQ_INDEX, 0x03, 0x00); /* both character maps: the font at 0 */
    reg(GC_INDEX, 0x04, 0x00);
    reg(GC_INDEX, 0x05, 0x10); /* odd/even */
    reg(GC_INDEX, 0x06, 0x0e); /* 0xb8000, 32 KiB, chained, text */
}

/* 8-pixel cells: 8-dot clocking with the 25.175 MHz dot clock, no
 * horizontal panning (9-dot mode pans by 8), cursor off. */
static void eight_dot_cells(unsigned font_height)
{
    reg(SEQ_INDEX, 0x00, 0x01); /* synchronous reset while the clock changes */
    outb(MISC_WRITE, inb(MISC_READ) & ~0x0c);
    reg(SEQ_INDEX, 0x01, reg_read(SEQ_INDEX, 0x01) | 0x01);
    reg(SEQ_INDEX, 0x00, 0x03);
    (void)inb(INPUT_STATUS);
    outb(ATTR_INDEX, 0x13 | 0x20); /* pixel panning; keep the palette on */
    outb(ATTR_INDEX, 0x00);
    reg(CRTC_INDEX, 0x09, (uint8_t)((reg_read(CRTC_INDEX, 0x09) & 0xe0) | (font_height - 1)));
    reg(CRTC_INDEX, 0x0a, 0x20); /* cursor disabled */
}

static void draw(unsigned row, unsigned col, uint32_t glyph)
{
    screen[row * COLS + col] = (uint16_t)(ATTR | glyph);
}

static struct screen_backend backend = {.what = "VGA text",
                                        .glyphs = 256,
                                        .at = VGA_TEXT_PHYS,
                                        .phys = VGA_WINDOW_PHYS,
                                        .size = VGA_WINDOW_SIZE,
                                        .device = KDEV_VGA_TEXT,
                                        .draw = draw};

const struct screen_backend *vga_text_open(const struct boot_params *bp, const struct psf_font *font,
                                           unsigned *cols, unsigned *rows, const char **why)
{
    bool text = bp->fb.phys == 0 || (bp->fb.type == FB_TYPE_EGA_TEXT && bp->fb.phys == VGA_TEXT_PHYS &&
                                     bp->fb.width == COLS && bp->fb.height == ROWS);
    if (!text) {
        *why = bp->fb.type == FB_TYPE_EGA_TEXT ? "EGA text mode other than 80x25 at 0xb8000"
                                               : "indexed-colour framebuffer";
        return NULL;
    }
    if (font->width != 8 || font->height > 32) {
        *why = "the console font is not 8 pixels wide and at most 32 high (VGA text cells)";
        return NULL;
    }
    load_font(font);
    eight_dot_cells(font->height);
    screen = phys_to_virt(VGA_TEXT_PHYS);
    *cols = COLS;
    *rows = ROWS;
    return &backend;
}
