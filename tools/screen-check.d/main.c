/*
 * screen-check - decode a screen picture into text against a PSF font.
 *
 * Reads a QEMU screendump (PPM P6, maxval 255) and a PC Screen Font and
 * cuts the picture into the font's cells (8x16 for the console font) from
 * an origin (0,0 by default). A cell of one colour is a space. A cell of
 * two colours is the glyph whose bits are exactly the pixels of one of
 * them (the foreground), the other being the background; the colour that
 * is the screen's most common one is tried as the background first. Any
 * other cell (three colours or more, or two that form no glyph) is
 * printed as the marker. Nothing is approximated: one pixel off and the
 * cell is the marker. Each glyph prints as the first code point the
 * font's Unicode table names for it, in UTF-8. Cells that do not fit
 * whole into the picture are ignored.
 *
 * The font parser is the kernel's (common/psf.c), so the tool and the
 * screen console agree on every glyph. See tools/screen-check.
 */
#include <arbor/psf.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct picture {
    uint32_t width, height;
    uint8_t *rgb; /* width * height pixels of 3 bytes */
};

struct options {
    const char *font_file, *picture_file, *marker;
    uint32_t x0, y0;
    int colours;
};

static void usage(void)
{
    fprintf(stderr,
            "usage: screen-check --font FONT.psf [--offset X,Y] [--marker TEXT] [--colors] SCREEN.ppm\n");
    exit(2);
}

static uint8_t *read_file(const char *name, size_t *size)
{
    FILE *f = fopen(name, "rb");
    if (!f) {
        fprintf(stderr, "screen-check: cannot open %s: %s\n", name, strerror(errno));
        exit(1);
    }
    size_t cap = 1 << 16, n = 0, got;
    uint8_t *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    if (!buf || ferror(f)) {
        fprintf(stderr, "screen-check: cannot read %s\n", name);
        exit(1);
    }
    fclose(f);
    *size = n;
    return buf;
}

/* A header number of a PPM: skips white space and # comments. */
static int ppm_number(const uint8_t *d, size_t size, size_t *at, uint32_t *value)
{
    for (;;) {
        while (*at < size && (d[*at] == ' ' || d[*at] == '\t' || d[*at] == '\n' || d[*at] == '\r')) {
            (*at)++;
        }
        if (*at < size && d[*at] == '#') {
            while (*at < size && d[*at] != '\n') {
                (*at)++;
            }
            continue;
        }
        break;
    }
    uint64_t v = 0;
    size_t start = *at;
    while (*at < size && d[*at] >= '0' && d[*at] <= '9' && v < 1u << 20) {
        v = v * 10 + (d[(*at)++] - '0');
    }
    *value = (uint32_t)v;
    return *at > start && v < 1u << 20 ? 0 : -1;
}

static void read_picture(const char *name, struct picture *p)
{
    size_t size, at = 2;
    uint8_t *d = read_file(name, &size);
    uint32_t maxval;
    if (size < 2 || d[0] != 'P' || d[1] != '6' || ppm_number(d, size, &at, &p->width) ||
        ppm_number(d, size, &at, &p->height) || ppm_number(d, size, &at, &maxval) || at >= size) {
        fprintf(stderr, "screen-check: %s is no binary PPM (P6) picture\n", name);
        exit(1);
    }
    at++; /* the one white-space byte after maxval */
    if (maxval != 255 || size - at < (size_t)p->width * p->height * 3) {
        fprintf(stderr, "screen-check: %s: %ux%u, maxval %u: need maxval 255 and all %zu pixel bytes\n", name,
                p->width, p->height, maxval, (size_t)p->width * p->height * 3);
        exit(1);
    }
    p->rgb = d + at;
}

static uint32_t pixel(const struct picture *p, uint32_t x, uint32_t y)
{
    const uint8_t *q = p->rgb + ((size_t)y * p->width + x) * 3;
    return (uint32_t)q[0] << 16 | (uint32_t)q[1] << 8 | q[2];
}

/* The most common colour of the picture (a small open hash of colours). */
static uint32_t screen_background(const struct picture *p)
{
    enum { SLOTS = 1 << 14 };
    static uint32_t colour[SLOTS], count[SLOTS];
    uint32_t best = 0, best_count = 0;
    for (uint32_t y = 0; y < p->height; y++) {
        for (uint32_t x = 0; x < p->width; x++) {
            uint32_t c = pixel(p, x, y), h = (c * 2654435761u) >> 18, probes = 0;
            while (count[h] && colour[h] != c && probes++ < SLOTS) {
                h = (h + 1) % SLOTS;
            }
            if (probes >= SLOTS) {
                continue; /* more colours than slots: count the ones we have */
            }
            colour[h] = c;
            if (++count[h] > best_count) {
                best_count = count[h];
                best = c;
            }
        }
    }
    return best;
}

/* The glyphs as bitmaps with the padding bits right of the width cleared. */
static uint8_t *clean_glyphs(const struct psf_font *f)
{
    uint8_t *g = malloc((size_t)f->count * f->bytes_per_glyph);
    if (!g) {
        exit(1);
    }
    memcpy(g, f->glyphs, (size_t)f->count * f->bytes_per_glyph);
    uint32_t spare = f->row_bytes * 8 - f->width;
    for (size_t r = 0; spare && r < (size_t)f->count * f->height; r++) {
        g[r * f->row_bytes + f->row_bytes - 1] &= (uint8_t)(0xff << spare);
    }
    return g;
}

static int find_glyph(const struct psf_font *f, const uint8_t *glyphs, const uint8_t *bits)
{
    for (uint32_t g = 0; g < f->count; g++) {
        if (memcmp(glyphs + (size_t)g * f->bytes_per_glyph, bits, f->bytes_per_glyph) == 0) {
            return (int)g;
        }
    }
    return -1;
}

/* The bitmap of the pixels of colour fg in the cell at (x0, y0). */
static void cell_bits(const struct picture *p, const struct psf_font *f, uint32_t x0, uint32_t y0,
                      uint32_t fg, uint8_t *bits)
{
    memset(bits, 0, f->bytes_per_glyph);
    for (uint32_t y = 0; y < f->height; y++) {
        for (uint32_t x = 0; x < f->width; x++) {
            if (pixel(p, x0 + x, y0 + y) == fg) {
                bits[y * f->row_bytes + x / 8] |= (uint8_t)(0x80 >> (x % 8));
            }
        }
    }
}

struct cell {
    int glyph;       /* -1: space (one colour), -2: no glyph */
    uint32_t fg, bg; /* for --colors */
};

static struct cell decode_cell(const struct picture *p, const struct psf_font *f, const uint8_t *glyphs,
                               uint32_t x0, uint32_t y0, uint32_t screen_bg, uint8_t *bits)
{
    uint32_t c[2] = {pixel(p, x0, y0), 0};
    unsigned colours = 1;
    for (uint32_t y = 0; y < f->height && colours <= 2; y++) {
        for (uint32_t x = 0; x < f->width && colours <= 2; x++) {
            uint32_t v = pixel(p, x0 + x, y0 + y);
            if (v != c[0] && (colours == 1 || v != c[1])) {
                if (colours++ == 1) {
                    c[1] = v;
                }
            }
        }
    }
    if (colours == 1) {
        return (struct cell){-1, c[0], c[0]};
    }
    if (colours > 2) {
        return (struct cell){-2, 0, 0};
    }
    if (c[1] == screen_bg) { /* try the screen's background as the cell's first */
        c[1] = c[0];
        c[0] = screen_bg;
    }
    for (int fg = 1; fg >= 0; fg--) {
        cell_bits(p, f, x0, y0, c[fg], bits);
        int g = find_glyph(f, glyphs, bits);
        if (g >= 0) {
            return (struct cell){g, c[fg], c[!fg]};
        }
    }
    return (struct cell){-2, c[1], c[0]};
}

static void put_utf8(uint32_t cp)
{
    if (cp < 0x80) {
        putchar((int)cp);
    } else if (cp < 0x800) {
        printf("%c%c", 0xc0 | cp >> 6, 0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        printf("%c%c%c", 0xe0 | cp >> 12, 0x80 | (cp >> 6 & 0x3f), 0x80 | (cp & 0x3f));
    } else {
        printf("%c%c%c%c", 0xf0 | cp >> 18, 0x80 | (cp >> 12 & 0x3f), 0x80 | (cp >> 6 & 0x3f),
               0x80 | (cp & 0x3f));
    }
}

static void parse_options(int argc, char **argv, struct options *o)
{
    *o = (struct options){.marker = "\xef\xbf\xbd"}; /* U+FFFD */
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--font") && i + 1 < argc) {
            o->font_file = argv[++i];
        } else if (!strcmp(a, "--marker") && i + 1 < argc) {
            o->marker = argv[++i];
        } else if (!strcmp(a, "--offset") && i + 1 < argc) {
            if (sscanf(argv[++i], "%u,%u", &o->x0, &o->y0) != 2) {
                usage();
            }
        } else if (!strcmp(a, "--colors")) {
            o->colours = 1;
        } else if (a[0] == '-' || o->picture_file) {
            usage();
        } else {
            o->picture_file = a;
        }
    }
    if (!o->font_file || !o->picture_file) {
        usage();
    }
}

int main(int argc, char **argv)
{
    struct options o;
    parse_options(argc, argv, &o);
    size_t font_size;
    uint8_t *font_data = read_file(o.font_file, &font_size);
    struct psf_font font;
    if (psf_parse(&font, font_data, font_size)) {
        fprintf(stderr, "screen-check: %s is no PC Screen Font (PSF1 or PSF2)\n", o.font_file);
        return 1;
    }
    struct picture pic;
    read_picture(o.picture_file, &pic);
    uint8_t *glyphs = clean_glyphs(&font), *bits = malloc(font.bytes_per_glyph);
    uint32_t *code = malloc(font.count * sizeof(*code)), bg = screen_background(&pic);
    for (uint32_t g = 0; g < font.count; g++) {
        code[g] = psf_code_point(&font, g);
    }
    uint32_t cols = pic.width > o.x0 ? (pic.width - o.x0) / font.width : 0;
    uint32_t rows = pic.height > o.y0 ? (pic.height - o.y0) / font.height : 0;
    struct cell *line = malloc((cols + 1) * sizeof(*line));
    for (uint32_t r = 0; r < rows; r++) {
        uint32_t used = 0;
        for (uint32_t c = 0; c < cols; c++) {
            line[c] =
                decode_cell(&pic, &font, glyphs, o.x0 + c * font.width, o.y0 + r * font.height, bg, bits);
            if (!(line[c].glyph == -1 || (line[c].glyph >= 0 && code[line[c].glyph] == ' '))) {
                used = c + 1;
            }
        }
        for (uint32_t c = 0; c < used; c++) {
            int g = line[c].glyph;
            if (g == -1) {
                putchar(' ');
            } else if (g < 0 || code[g] == 0xffffffffu) {
                fputs(o.marker, stdout);
            } else {
                put_utf8(code[g]);
            }
        }
        if (o.colours) {
            for (uint32_t c = 0; c < cols; c++) {
                if (line[c].glyph == -1 && c > 0 && line[c].bg == line[c - 1].bg) {
                    line[c].fg = line[c - 1].fg; /* a blank cell does not change the colours */
                }
                if (c == 0 || line[c].fg != line[c - 1].fg || line[c].bg != line[c - 1].bg) {
                    printf("%s%u:%06x/%06x", c ? " " : "\t", c, line[c].fg, line[c].bg);
                }
            }
        }
        putchar('\n');
    }
    return 0;
}
