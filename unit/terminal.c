/*
 * The pure parts of the console: servers/terminal's PSF font reader and
 * its vt (cells, cursor, escape sequences, UTF-8, scrollback), and
 * drivers/framebuffer's clipping of a client's rectangle. The font is
 * the tree's console font (build/font/console.psf).
 */
#include "unit.h"
#include "../servers/terminal/font.h"
#include "../servers/terminal/vt.h"
#include "../drivers/framebuffer/blit.h"
#include <stdlib.h>

static uint8_t font_data[64 * 1024];
static size_t font_size;
static struct font font;

static void font_read(void)
{
    if (font_size) {
        return;
    }
    FILE *f = fopen("build/font/console.psf", "rb");
    if (f) {
        font_size = fread(font_data, 1, sizeof(font_data), f);
        fclose(f);
    }
}

TEST(font_maps_unicode_to_glyphs)
{
    font_read();
    EXPECT(font_size > 4 + 512 * 16);
    EXPECT(font_load(&font, font_data, font_size) == NULL);
    EXPECT(font.psf.count == 512 && font.height == 16);
    uint16_t q = font_glyph(&font, '?');
    EXPECT(font_glyph(&font, 'A') != q && font_glyph(&font, 0xfc) != q && font_glyph(&font, 0xdf) != q);
    EXPECT(font_glyph(&font, 'A') != font_glyph(&font, 'B'));
    EXPECT(font_glyph(&font, 0x4e2d) == q); /* no CJK in a 512-glyph font */
    EXPECT(font_glyph(&font, 0x10ffff) == q);
}

/* A VGA text cell holds a glyph index of the font's first 256 (what the
 * kernel loaded into the VGA font plane), not code page 437. */
TEST(text_cells_hold_glyph_indices_below_256)
{
    font_read();
    EXPECT(font_load(&font, font_data, font_size) == NULL);
    uint8_t q = font_text_glyph(&font, '?');
    EXPECT(q == font_glyph(&font, '?'));
    EXPECT(font_text_glyph(&font, 'A') == font_glyph(&font, 'A'));
    EXPECT(font_text_glyph(&font, 0x4e2d) == q);
    unsigned low = 0, high = 0;
    for (uint32_t cp = 0x20; cp < 0x3000; cp++) {
        uint16_t g = font_glyph(&font, cp);
        if (g == font_glyph(&font, '?')) {
            continue;
        }
        if (g < 256) {
            low += font_text_glyph(&font, cp) == g;
        } else {
            high++;
            EXPECT(font_text_glyph(&font, cp) == q);
        }
    }
    EXPECT(low > 200 && high > 100); /* both kinds exist in the console font */
}

TEST(font_refuses_what_is_no_psf)
{
    static const uint8_t wrong[] = {0x72, 0xb5, 0x4a, 0x86};
    font_read();
    EXPECT(font_load(&font, wrong, sizeof(wrong)) != NULL);
    EXPECT(font_load(&font, font_data, 3) != NULL);
    EXPECT(font_load(&font, font_data, 4 + 100) != NULL); /* glyphs cut short */
    /* a Unicode table cut short: what is there counts, nothing beyond */
    EXPECT(font_load(&font, font_data, 4 + 512 * 16 + 7) == NULL && font_glyph(&font, 0x4e2d) < 512);
    uint8_t zero[4] = {0x36, 0x04, 0, 0};
    EXPECT(font_load(&font, zero, sizeof(zero)) != NULL);
}

enum { COLS = 20, ROWS = 5, HIST = 10 };
static struct vt_cell cells[COLS * ROWS], hist[COLS * HIST];

static void put(struct vt *v, const char *s)
{
    vt_write(v, (const uint8_t *)s, strlen(s));
}

/* Row y of the live screen as ASCII ('?' for others), blanks trimmed. */
static const char *row(struct vt *v, unsigned y)
{
    static char buf[COLS + 1];
    for (unsigned x = 0; x < COLS; x++) {
        uint32_t ch = v->cells[y * COLS + x].ch;
        buf[x] = ch < 0x80 ? (char)ch : '?';
    }
    unsigned n = COLS;
    while (n && buf[n - 1] == ' ') {
        n--;
    }
    buf[n] = 0;
    return buf;
}

TEST(vt_text_controls_and_wrap)
{
    struct vt v;
    vt_init(&v, COLS, ROWS, cells, hist, HIST);
    put(&v, "abc\rX\n\tT\bU");
    EXPECT(!strcmp(row(&v, 0), "Xbc"));
    EXPECT(!strcmp(row(&v, 1), "        U"));
    put(&v, "\033[3;1H01234567890123456789wrap");
    EXPECT(!strcmp(row(&v, 2), "01234567890123456789") && !strcmp(row(&v, 3), "wrap"));
}

TEST(vt_cursor_motion_is_clamped)
{
    struct vt v;
    vt_init(&v, COLS, ROWS, cells, hist, HIST);
    put(&v, "\033[99999999;99999999H");
    EXPECT(v.x == COLS - 1 && v.y == ROWS - 1);
    put(&v, "\033[999A\033[999D");
    EXPECT(v.x == 0 && v.y == 0);
    put(&v, "\033[2;3Hx\033[B\033[2Cy");
    EXPECT(v.cells[1 * COLS + 2].ch == 'x' && v.cells[2 * COLS + 5].ch == 'y');
    put(&v, "\0337\033[5;5H\0338z");
    EXPECT(v.cells[2 * COLS + 6].ch == 'z');
}

TEST(vt_erase_and_sgr)
{
    struct vt v;
    vt_init(&v, COLS, ROWS, cells, hist, HIST);
    put(&v, "0123456789\033[4D\033[K\n\033[1;31;44mR\033[7mV\033[0mN");
    EXPECT(!strcmp(row(&v, 0), "012345"));
    const struct vt_cell *c = &v.cells[COLS];
    EXPECT(c[0].fg == 1 && c[0].bg == 4 && c[0].attr == VT_BOLD);
    EXPECT(c[1].attr == (VT_BOLD | VT_REVERSE) && c[2].fg == VT_DEFAULT_FG && c[2].attr == 0);
    put(&v, "\033[2J");
    EXPECT(!strcmp(row(&v, 0), "") && !strcmp(row(&v, 1), ""));
}

TEST(vt_scroll_keeps_history)
{
    struct vt v;
    vt_init(&v, COLS, ROWS, cells, hist, HIST);
    put(&v, "1\n2\n3\n4\n5\n6\n7");
    EXPECT(!strcmp(row(&v, 0), "3") && !strcmp(row(&v, 4), "7"));
    EXPECT(v.hist_count == 2 && vt_take_scrolled(&v) == 2);
    vt_view_scroll(&v, 100); /* as far as there is history */
    EXPECT(v.view == 2 && vt_view_cell(&v, 0, 0)->ch == '1' && vt_view_cell(&v, 2, 0)->ch == '3');
    unsigned x, y;
    EXPECT(!vt_cursor(&v, &x, &y)); /* the cursor's row is below the view */
    put(&v, "8");
    EXPECT(v.view == 0 && vt_take_scrolled(&v) == 0); /* the view moved: draw everything */
    put(&v, "\033[2;4r\033[4;1H\n");                  /* a region: no history */
    EXPECT(v.hist_count == 2 && !strcmp(row(&v, 1), "5"));
}

TEST(vt_utf8_and_malformed_sequences)
{
    struct vt v;
    vt_init(&v, COLS, ROWS, cells, hist, HIST);
    put(&v, "Gr\xc3\xbc\xc3\x9f"
            "e\xe4\xb8\xad\xff\xc3"
            "A");
    EXPECT(v.cells[2].ch == 0xfc && v.cells[3].ch == 0xdf && v.cells[4].ch == 'e' && v.cells[5].ch == 0x4e2d);
    EXPECT(v.cells[6].ch == 0xfffd && v.cells[7].ch == 0xfffd && v.cells[8].ch == 'A');
    put(&v, "\033[6n");
    EXPECT(v.reply_len == 7 && memcmp(v.reply, "\033[1;10R", 7) == 0);
}

TEST(vt_random_bytes_keep_the_cursor_on_the_grid)
{
    struct vt v;
    vt_init(&v, COLS, ROWS, cells, hist, HIST);
    srand(9);
    for (unsigned i = 0; i < 200000; i++) {
        uint8_t b = (uint8_t)(rand() % 4 ? rand() : "\033[;0123456789?HJKmABCDrsuLMP@X"[rand() % 30]);
        vt_write(&v, &b, 1);
        if (v.x >= COLS || v.y >= ROWS || v.top > v.bottom || v.bottom >= ROWS || v.view > v.hist_count ||
            v.reply_len > sizeof(v.reply)) {
            EXPECT(!"state off the grid");
            break;
        }
        v.reply_len = 0;
    }
}

TEST(framebuffer_clips_hostile_rectangles)
{
    struct rect r;
    EXPECT(blit_clip(10, 20, 30, 40, 800, 600, &r) && r.x == 10 && r.y == 20 && r.w == 30 && r.h == 40);
    EXPECT(blit_clip(790, 590, 100, 100, 800, 600, &r) && r.w == 10 && r.h == 10);
    EXPECT(blit_clip(0, 0, ~0ull, ~0ull, 800, 600, &r) && r.w == 800 && r.h == 600);
    EXPECT(!blit_clip(800, 0, 1, 1, 800, 600, &r) && r.w == 0);
    EXPECT(!blit_clip(~0ull, ~0ull, 2, 2, 800, 600, &r));
    EXPECT(!blit_clip(1ull << 32, 0, 1, 1, 800, 600, &r)); /* no truncation to 0 */
    EXPECT(!blit_clip(5, 5, 0, 10, 800, 600, &r));
}

TEST(framebuffer_converts_pixels)
{
    uint8_t screen[2 * 8] = {0};
    uint32_t src[2] = {0x00ff8040, 0x00123456};
    struct blit_target t = {.base = screen, .pitch = 8, .bpp = 24};
    blit_default_fields(&t);
    struct rect r = {0, 0, 2, 1};
    blit_copy(&t, src, 2, &r);
    EXPECT(screen[0] == 0x40 && screen[1] == 0x80 && screen[2] == 0xff && screen[3] == 0x56);
    t.bpp = 16;
    blit_default_fields(&t);
    blit_copy(&t, src, 2, &r);
    EXPECT(screen[0] == (uint8_t)((0x80 >> 2) << 5 | 0x40 >> 3) && screen[1] == (uint8_t)(0xf8 | 0x80 >> 5));
    EXPECT(blit_supported(&t));
    struct blit_target other = {.bpp = 8};
    blit_default_fields(&other);
    EXPECT(!blit_supported(&other));
    other = (struct blit_target){.bpp = 16, .text = true};
    EXPECT(blit_supported(&other));
}

/* The loader's colour fields, not an assumed layout: R and B swapped
 * (a 32-bit R, G, B, X screen), and fields that overlap or leave the
 * pixel are refused. */
TEST(framebuffer_follows_the_loaders_colour_fields)
{
    uint32_t screen[2] = {0};
    uint32_t src[2] = {0x00ff8040, 0x00123456};
    struct blit_target t = {.base = (uint8_t *)screen, .pitch = 8, .bpp = 32};
    t.red = (struct blit_field){0, 8}, t.green = (struct blit_field){8, 8},
    t.blue = (struct blit_field){16, 8};
    EXPECT(blit_supported(&t));
    struct rect r = {0, 0, 2, 1};
    blit_copy(&t, src, 2, &r);
    EXPECT(screen[0] == 0x004080ff && screen[1] == 0x00563412);
    t.bpp = 16, t.red = (struct blit_field){0, 5}, t.green = (struct blit_field){5, 6},
    t.blue = (struct blit_field){11, 5};
    blit_copy(&t, src, 2, &r);
    EXPECT((screen[0] & 0xffff) == (uint32_t)((0x40 >> 3) << 11 | (0x80 >> 2) << 5 | 0xff >> 3));
    t.green = (struct blit_field){4, 6};
    EXPECT(!blit_supported(&t)); /* overlaps red */
    t.green = (struct blit_field){12, 6};
    EXPECT(!blit_supported(&t)); /* beyond 16 bits */
    t.green = (struct blit_field){5, 9};
    EXPECT(!blit_supported(&t)); /* wider than 8 */
}
