/*
 * A PSF1 console font (8 pixels wide, 256 or 512 glyphs) with its
 * Unicode table: which glyph shows a code point. Pure code over the
 * font's bytes (the "font.psf" ROM); unit/terminal.c loads the tree's
 * console font with it.
 */
#ifndef TERMINAL_FONT_H
#define TERMINAL_FONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FONT_MAP_MAX 2048 /* Unicode table entries kept */

struct font_map {
    uint32_t cp;
    uint16_t glyph;
};

struct font {
    const uint8_t *glyphs; /* height bytes a glyph, bit 7 the leftmost pixel */
    unsigned count, height;
    uint16_t fallback; /* '?' */
    unsigned mapped;
    struct font_map map[FONT_MAP_MAX]; /* sorted by code point */
};

/* Read a PSF1 font from its bytes (which must stay valid): NULL, or what
 * is wrong with it. */
const char *font_load(struct font *f, const uint8_t *data, size_t size);

/* The glyph index for a code point: the font's '?' when it has none. */
uint16_t font_glyph(const struct font *f, uint32_t cp);

#endif
