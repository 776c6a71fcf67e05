/*
 * The terminal's font (see font.h) on the shared PSF parser.
 */
#include "font.h"

const char *font_load(struct font *f, const uint8_t *data, size_t size)
{
    if (psf_parse(&f->psf, data, size)) {
        return "not a PSF font (bad magic, or cut short)";
    }
    if (f->psf.width != 8 || f->psf.row_bytes != 1 || f->psf.height == 0 || f->psf.height > 32) {
        return "glyphs are not 8 pixels wide and 1 to 32 high";
    }
    f->glyphs = f->psf.glyphs;
    f->height = f->psf.height;
    psf_map(&f->psf, f->map, FONT_MAP_SIZE);
    f->fallback = f->map['?'] == PSF_NO_GLYPH ? 0 : f->map['?'];
    return NULL;
}

uint16_t font_glyph(const struct font *f, uint32_t cp)
{
    return cp < FONT_MAP_SIZE && f->map[cp] != PSF_NO_GLYPH ? f->map[cp] : f->fallback;
}

uint8_t font_text_glyph(const struct font *f, uint32_t cp)
{
    uint16_t g = font_glyph(f, cp);
    return (uint8_t)(g < 256 ? g : f->fallback < 256 ? f->fallback : 0);
}
