/*
 * PC Screen Font (PSF version 1 and 2) parsing, shared by the kernel's
 * screen console and the host tool that reads screens back
 * (tools/screen-check). Pure code: every offset is checked against the
 * font's length. Layout from the kbd project's psf.h description: a
 * header, the glyph bitmaps (rows of whole bytes, most significant bit
 * leftmost), then an optional Unicode table naming the code points each
 * glyph shows (PSF1: 16-bit little-endian, PSF2: UTF-8; sequences of
 * combining characters are skipped).
 */
#ifndef ARBOR_PSF_H
#define ARBOR_PSF_H

#include <stdint.h>
#include <stddef.h>

struct psf_font {
    const uint8_t *glyphs; /* count glyphs of bytes_per_glyph each */
    uint32_t count;
    uint32_t bytes_per_glyph;
    uint32_t width, height; /* pixels of a cell */
    uint32_t row_bytes;     /* bytes of one pixel row of a glyph */
    const uint8_t *unicode; /* the Unicode table, or NULL */
    const uint8_t *unicode_end;
    unsigned version; /* 1 or 2 */
};

/* Fill *font from size bytes at data: 0, or -1 if they are no PSF font
 * (bad magic, truncated glyphs, a header that does not add up). */
int psf_parse(struct psf_font *font, const void *data, size_t size);

/* For each code point below n, map[cp] = the glyph that shows it, or
 * PSF_NO_GLYPH. Without a Unicode table glyph i shows code point i. */
#define PSF_NO_GLYPH 0xffffu
void psf_map(const struct psf_font *font, uint16_t *map, uint32_t n);

/* The glyph that shows code point cp (any code point), or PSF_NO_GLYPH. */
uint32_t psf_glyph(const struct psf_font *font, uint32_t cp);

/* The first code point the Unicode table names for glyph g (g itself
 * without a table), or 0xffffffff if it names none. */
uint32_t psf_code_point(const struct psf_font *font, uint32_t g);

#endif
