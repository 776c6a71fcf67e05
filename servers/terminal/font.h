/*
 * The terminal's font: a PSF font of 8-pixel-wide glyphs (the tree's
 * console font) read by common/psf.c, which the kernel's screen console
 * and tools/screen-check share, and a table from each code point of the
 * Basic Multilingual Plane to its glyph, so drawing a cell is one look-up.
 * unit/terminal.c loads the console font with it.
 */
#ifndef TERMINAL_FONT_H
#define TERMINAL_FONT_H

#include <arbor/psf.h>
#include <stdbool.h>

#define FONT_MAP_SIZE 0x10000

struct font {
    struct psf_font psf;
    const uint8_t *glyphs; /* height bytes a glyph, bit 7 the leftmost pixel */
    unsigned height;
    uint16_t fallback; /* the glyph of '?' */
    uint16_t map[FONT_MAP_SIZE];
};

/* Read a font from its bytes (which must stay valid): NULL, or what is
 * wrong with it. */
const char *font_load(struct font *f, const uint8_t *data, size_t size);

/* The glyph index for a code point: the font's '?' when it has none. */
uint16_t font_glyph(const struct font *f, uint32_t cp);

/* The character for a VGA text cell: the kernel loaded the font's first
 * 256 glyphs into the VGA font plane (kernel/arch/x86_64/vga_text.c), so
 * a cell holds the glyph index, or the font's '?' for a glyph beyond. */
uint8_t font_text_glyph(const struct font *f, uint32_t cp);

#endif
