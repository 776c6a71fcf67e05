/*
 * The screen console's text (see screen_console.h): a grid of cells, each
 * the index of a glyph of the console font, a cursor, and scrolling. The
 * grid is the truth; `shown` remembers what the back-end last drew in
 * each cell, so that scrolling redraws only the cells that change (under
 * QEMU without KVM, redrawing a large framebuffer for every line of the
 * log would cost seconds of boot time).
 *
 * The console decodes its bytes as UTF-8 (components may log any text)
 * and maps code points to glyphs through the font's Unicode table; what
 * the font cannot show becomes '?'. Output before screen_console_init
 * (the kernel's first lines, printed before it has read the loader's
 * information) waits in a small buffer.
 *
 * After the handover (screen_console_release) the grid is still kept but
 * not drawn; a panic draws it again (screen_console_reclaim).
 */
#include "kernel.h"
#include "boot_params.h"
#include "screen_console.h"

#define MAX_COLS 240
#define MAX_ROWS 90
#define EARLY_BYTES 2048
#define UNDRAWN 0xffffffffu

extern const uint8_t console_font[], console_font_end[]; /* console_font.asm */

static struct psf_font font;
static uint16_t ascii_latin1[256]; /* glyphs of U+0000..U+00FF */
static uint32_t question, blank;   /* glyphs of '?' and ' ' */

static uint32_t cell[MAX_ROWS * MAX_COLS];
static uint32_t shown[MAX_ROWS * MAX_COLS];
static unsigned cols, rows, row, col;
static const struct screen_backend *backend;
static bool drawing; /* false before init, without a screen, after handover */

static char early[EARLY_BYTES];
static unsigned early_len;
static bool ready;

static uint32_t utf8_cp, utf8_need; /* the code point being decoded */

static void draw(unsigned i)
{
    if (drawing && shown[i] != cell[i]) {
        shown[i] = cell[i];
        backend->draw(i / cols, i % cols, cell[i]);
    }
}

static void redraw(void)
{
    for (unsigned i = 0; i < rows * cols; i++) {
        draw(i);
    }
}

static void new_line(void)
{
    col = 0;
    if (++row < rows) {
        return;
    }
    row = rows - 1;
    memcpy(cell, cell + cols, (rows - 1) * cols * sizeof(cell[0]));
    for (unsigned i = 0; i < cols; i++) {
        cell[(rows - 1) * cols + i] = blank;
    }
    redraw();
}

static uint32_t glyph_of(uint32_t cp)
{
    uint32_t g = cp < 256 ? ascii_latin1[cp] : psf_glyph(&font, cp);
    return g == PSF_NO_GLYPH || g >= backend->glyphs ? question : g;
}

static void put_cp(uint32_t cp)
{
    if (cp == '\n') {
        new_line();
        return;
    }
    if (cp == '\r') {
        col = 0;
        return;
    }
    if (col == cols) {
        new_line(); /* wrap only when the next character comes */
    }
    unsigned i = row * cols + col++;
    cell[i] = glyph_of(cp < 0x20 ? '?' : cp);
    draw(i);
}

/* UTF-8: a broken sequence shows as U+FFFD (or '?'), never swallows the
 * byte that broke it. */
static void put_byte(uint8_t b)
{
    if (utf8_need && (b & 0xc0) == 0x80) {
        utf8_cp = utf8_cp << 6 | (b & 0x3f);
        if (--utf8_need == 0) {
            put_cp(utf8_cp);
        }
        return;
    }
    if (utf8_need) {
        utf8_need = 0;
        put_cp(0xfffd);
    }
    if (b < 0x80) {
        put_cp(b);
    } else if (b >= 0xc2 && b < 0xf5) {
        utf8_need = b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : 1;
        utf8_cp = b & (0x3f >> utf8_need);
    } else {
        put_cp(0xfffd);
    }
}

void screen_console_putc(char c)
{
    if (!ready) {
        if (early_len < EARLY_BYTES) {
            early[early_len++] = c;
        }
        return;
    }
    if (backend) {
        put_byte((uint8_t)c);
    }
}

static const struct screen_backend *open_backend(const struct boot_params *bp, const char **why)
{
    const struct screen_backend *b = screen_fb_open(bp, &font, &cols, &rows, why);
    if (b || *why) {
        return b;
    }
    return vga_text_open(bp, &font, &cols, &rows, why);
}

void screen_console_init(const struct boot_params *bp)
{
    const char *why = NULL;
    ready = true;
    if (psf_parse(&font, console_font, (size_t)(console_font_end - console_font))) {
        kprintf("kernel: no screen console: the embedded console font is no PSF font\n");
        return;
    }
    psf_map(&font, ascii_latin1, 256);
    question = ascii_latin1['?'] == PSF_NO_GLYPH ? 0 : ascii_latin1['?'];
    blank = ascii_latin1[' '] == PSF_NO_GLYPH ? 0 : ascii_latin1[' '];
    backend = open_backend(bp, &why);
    if (!backend) {
        kprintf("kernel: no screen console: %s (%ux%u, %u bpp, type %u at 0x%lx); serial only\n", why,
                bp->fb.width, bp->fb.height, bp->fb.bpp, bp->fb.type, bp->fb.phys);
        return;
    }
    cols = cols > MAX_COLS ? MAX_COLS : cols;
    rows = rows > MAX_ROWS ? MAX_ROWS : rows;
    for (unsigned i = 0; i < rows * cols; i++) {
        cell[i] = blank;
        shown[i] = UNDRAWN;
    }
    drawing = true;
    redraw();
    for (unsigned i = 0; i < early_len; i++) {
        put_byte((uint8_t)early[i]);
    }
    kprintf("kernel: screen console on %s, %ux%u cells of %ux%u pixels at 0x%lx\n", backend->what, cols, rows,
            font.width, font.height, backend->at);
}

bool screen_console_memory(uint64_t *phys, uint64_t *size, unsigned *device)
{
    if (!backend) {
        return false;
    }
    *phys = backend->phys;
    *size = backend->size;
    *device = backend->device;
    return true;
}

bool screen_console_release(void)
{
    if (!drawing) {
        return false;
    }
    drawing = false;
    return true;
}

void screen_console_reclaim(void)
{
    if (!backend || drawing) {
        return;
    }
    drawing = true;
    for (unsigned i = 0; i < rows * cols; i++) {
        shown[i] = UNDRAWN;
    }
    redraw();
}
