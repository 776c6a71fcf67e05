/*
 * PC Screen Font parsing (see include/arbor/psf.h). The Unicode table is
 * walked entry by entry: one entry per glyph, in glyph order, each a list
 * of code points, then sequences (ignored here), then a terminator.
 */
#include <arbor/psf.h>

#define PSF1_MAGIC0 0x36
#define PSF1_MAGIC1 0x04
#define PSF1_MODE512 0x01
#define PSF1_MODEHASTAB 0x02
#define PSF1_MODESEQ 0x04
#define PSF1_SEPARATOR 0xffff
#define PSF1_STARTSEQ 0xfffe

#define PSF2_MAGIC 0x864ab572u
#define PSF2_HAS_UNICODE_TABLE 0x01
#define PSF2_SEPARATOR 0xff
#define PSF2_STARTSEQ 0xfe

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int parse_psf1(struct psf_font *f, const uint8_t *d, size_t size)
{
    if (size < 4) {
        return -1;
    }
    f->version = 1;
    f->count = (d[2] & PSF1_MODE512) ? 512 : 256;
    f->bytes_per_glyph = d[3];
    f->width = 8;
    f->height = d[3];
    f->row_bytes = 1;
    if (f->height == 0 || 4 + (size_t)f->count * f->bytes_per_glyph > size) {
        return -1;
    }
    f->glyphs = d + 4;
    if (d[2] & (PSF1_MODEHASTAB | PSF1_MODESEQ)) {
        f->unicode = f->glyphs + (size_t)f->count * f->bytes_per_glyph;
        f->unicode_end = d + size;
    }
    return 0;
}

static int parse_psf2(struct psf_font *f, const uint8_t *d, size_t size)
{
    if (size < 32) {
        return -1;
    }
    uint32_t header = le32(d + 8), flags = le32(d + 12);
    f->version = 2;
    f->count = le32(d + 16);
    f->bytes_per_glyph = le32(d + 20);
    f->height = le32(d + 24);
    f->width = le32(d + 28);
    f->row_bytes = (f->width + 7) / 8;
    if (f->width == 0 || f->height == 0 || f->width > 64 || f->height > 64 || f->count > 65535 ||
        f->bytes_per_glyph != f->row_bytes * f->height || header < 32 || header > size ||
        (uint64_t)f->count * f->bytes_per_glyph > size - header) {
        return -1;
    }
    f->glyphs = d + header;
    if (flags & PSF2_HAS_UNICODE_TABLE) {
        f->unicode = f->glyphs + (size_t)f->count * f->bytes_per_glyph;
        f->unicode_end = d + size;
    }
    return 0;
}

int psf_parse(struct psf_font *font, const void *data, size_t size)
{
    const uint8_t *d = data;
    *font = (struct psf_font){0};
    if (size >= 2 && d[0] == PSF1_MAGIC0 && d[1] == PSF1_MAGIC1) {
        return parse_psf1(font, d, size);
    }
    if (size >= 4 && le32(d) == PSF2_MAGIC) {
        return parse_psf2(font, d, size);
    }
    return -1;
}

/* One decoded element of the table: a code point, a separator (end of
 * the glyph's entry) or the start of a sequence. */
enum { ELEM_CODE, ELEM_SEPARATOR, ELEM_STARTSEQ, ELEM_END };

static int next_elem(const struct psf_font *f, const uint8_t **p, uint32_t *cp)
{
    const uint8_t *q = *p;
    if (f->version == 1) {
        if (q + 2 > f->unicode_end) {
            return ELEM_END;
        }
        *p = q + 2;
        *cp = (uint32_t)q[0] | (uint32_t)q[1] << 8;
        return *cp == PSF1_SEPARATOR ? ELEM_SEPARATOR : *cp == PSF1_STARTSEQ ? ELEM_STARTSEQ : ELEM_CODE;
    }
    if (q >= f->unicode_end) {
        return ELEM_END;
    }
    if (*q == PSF2_SEPARATOR || *q == PSF2_STARTSEQ) {
        *p = q + 1;
        return *q == PSF2_SEPARATOR ? ELEM_SEPARATOR : ELEM_STARTSEQ;
    }
    unsigned len = *q < 0x80 ? 1 : *q >= 0xf0 ? 4 : *q >= 0xe0 ? 3 : *q >= 0xc0 ? 2 : 1;
    uint32_t v = len == 1 ? *q : *q & (0x3fu >> (len - 1));
    for (unsigned i = 1; i < len; i++) {
        if (q + i >= f->unicode_end) {
            return ELEM_END;
        }
        v = v << 6 | (q[i] & 0x3f);
    }
    *p = q + len;
    *cp = v;
    return ELEM_CODE;
}

/* Walk the table: call visit(glyph, cp, ctx) for each single code point
 * until it returns nonzero. */
static void walk(const struct psf_font *f, int (*visit)(uint32_t, uint32_t, void *), void *ctx)
{
    const uint8_t *p = f->unicode;
    uint32_t glyph = 0, cp;
    int in_seq = 0;
    while (glyph < f->count) {
        int e = next_elem(f, &p, &cp);
        if (e == ELEM_END) {
            return;
        }
        if (e == ELEM_SEPARATOR) {
            glyph++;
            in_seq = 0;
        } else if (e == ELEM_STARTSEQ) {
            in_seq = 1;
        } else if (!in_seq && visit(glyph, cp, ctx)) {
            return;
        }
    }
}

struct map_ctx {
    uint16_t *map;
    uint32_t n;
};

static int map_visit(uint32_t glyph, uint32_t cp, void *ctx)
{
    struct map_ctx *m = ctx;
    if (cp < m->n && m->map[cp] == PSF_NO_GLYPH) {
        m->map[cp] = (uint16_t)glyph;
    }
    return 0;
}

void psf_map(const struct psf_font *font, uint16_t *map, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        map[i] = font->unicode || i >= font->count ? PSF_NO_GLYPH : (uint16_t)i;
    }
    if (font->unicode) {
        struct map_ctx m = {map, n};
        walk(font, map_visit, &m);
    }
}

struct find_ctx {
    uint32_t want, found;
    int by_glyph;
};

static int find_visit(uint32_t glyph, uint32_t cp, void *ctx)
{
    struct find_ctx *c = ctx;
    if (c->by_glyph ? glyph == c->want : cp == c->want) {
        c->found = c->by_glyph ? cp : glyph;
        return 1;
    }
    return 0;
}

uint32_t psf_glyph(const struct psf_font *font, uint32_t cp)
{
    if (!font->unicode) {
        return cp < font->count ? cp : PSF_NO_GLYPH;
    }
    struct find_ctx c = {cp, PSF_NO_GLYPH, 0};
    walk(font, find_visit, &c);
    return c.found;
}

uint32_t psf_code_point(const struct psf_font *font, uint32_t g)
{
    if (!font->unicode) {
        return g < font->count ? g : 0xffffffffu;
    }
    struct find_ctx c = {g, 0xffffffffu, 1};
    walk(font, find_visit, &c);
    return c.found;
}
