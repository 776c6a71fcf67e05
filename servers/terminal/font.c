/*
 * PSF1 fonts (see font.h): a 4-byte header (0x36 0x04, mode, bytes a
 * glyph), the glyphs, and with mode bit 1 a Unicode table: for each
 * glyph, 16-bit code points up to 0xffff, sequences of combining
 * characters after 0xfffe (which a terminal cell cannot show and which
 * are skipped).
 */
#include "font.h"

#define PSF1_MODE512 0x01
#define PSF1_MODEHASTAB 0x02

static uint16_t ld16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

/* Insertion into the sorted map; the first glyph named for a code point
 * wins. */
static void map_add(struct font *f, uint32_t cp, uint16_t glyph)
{
    unsigned at = f->mapped;
    while (at > 0 && f->map[at - 1].cp > cp) {
        at--;
    }
    if ((at > 0 && f->map[at - 1].cp == cp) || f->mapped == FONT_MAP_MAX) {
        return;
    }
    for (unsigned i = f->mapped; i > at; i--) {
        f->map[i] = f->map[i - 1];
    }
    f->map[at] = (struct font_map){cp, glyph};
    f->mapped++;
}

static const char *read_table(struct font *f, const uint8_t *p, const uint8_t *end)
{
    for (unsigned g = 0; g < f->count; g++) {
        bool sequence = false;
        for (;;) {
            if (p + 2 > end) {
                return "Unicode table cut short";
            }
            uint16_t cp = ld16(p);
            p += 2;
            if (cp == 0xffff) {
                break;
            }
            if (cp == 0xfffe) {
                sequence = true;
            } else if (!sequence) {
                map_add(f, cp, (uint16_t)g);
            }
        }
    }
    return NULL;
}

const char *font_load(struct font *f, const uint8_t *data, size_t size)
{
    f->mapped = 0;
    if (size < 4 || data[0] != 0x36 || data[1] != 0x04) {
        return "not a PSF1 font (magic 36 04)";
    }
    f->count = data[2] & PSF1_MODE512 ? 512 : 256;
    f->height = data[3];
    if (f->height == 0 || f->height > 32) {
        return "glyph height not 1..32";
    }
    if (size < 4 + (size_t)f->count * f->height) {
        return "glyphs cut short";
    }
    f->glyphs = data + 4;
    if (data[2] & PSF1_MODEHASTAB) {
        const char *bad = read_table(f, data + 4 + (size_t)f->count * f->height, data + size);
        if (bad) {
            return bad;
        }
    } else {
        for (unsigned g = 0; g < 128; g++) {
            map_add(f, g, (uint16_t)g); /* no table: ASCII where ASCII is */
        }
    }
    f->fallback = 0;
    f->fallback = font_glyph(f, '?');
    return NULL;
}

uint16_t font_glyph(const struct font *f, uint32_t cp)
{
    unsigned lo = 0, hi = f->mapped;
    while (lo < hi) {
        unsigned mid = (lo + hi) / 2;
        if (f->map[mid].cp == cp) {
            return f->map[mid].glyph;
        }
        if (f->map[mid].cp < cp) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return f->fallback;
}
