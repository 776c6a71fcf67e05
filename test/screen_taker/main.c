/*
 * screen_taker - takes the screen from the kernel's console, as
 * drivers/framebuffer does (run/screen_handover.run). It reads where the
 * screen is from core's platform_info ROM (<boot><framebuffer .../>; none
 * or type ega_text: VGA text at 0xb8000), opens an IO_MEM session over
 * it, which makes core hand the screen over, clears it and writes its
 * lines in the console font's 8x16 cells from the top-left corner (on a
 * framebuffer with the font of the ROM module console.psf, light grey on
 * black), so that tools/screen-check reads them back. Then it asks for
 * the screen a second time, which must be refused, and logs the answer.
 */
#include <rt/component.h>
#include <rt/xml.h>
#include <session/io.h>
#include <arbor/psf.h>

#define VGA_TEXT_PHYS 0xb8000ull

struct screen {
    uint64_t phys, width, height, pitch, bpp;
    bool text;
    volatile uint8_t *at;
    struct psf_font font;
};

static const char *const lines[] = {"screen taken by screen_taker", "kernel lines must not appear below"};

static bool rom_attach(const char *label, void **text, uint64_t *size)
{
    char args[96];
    cap_t rom, ds;
    uint64_t id, version;
    snprintf(args, sizeof(args), "label=\"%s\", ram_quota=4096, cap_quota=2", label);
    return !parent_session(ROM_SERVICE, args, &rom, &id) && !rom_dataspace(rom, &ds, size, &version) &&
           !rt_attach(ds, 0, text);
}

static void where(struct screen *s)
{
    void *text;
    uint64_t size;
    struct xml_node top, boot, fb;
    char type[16] = "";
    s->text = true;
    if (rom_attach("platform_info", &text, &size) && xml_parse(text, size, &top, NULL) &&
        xml_first_sub_of_type(&top, "boot", &boot) && xml_first_sub_of_type(&boot, "framebuffer", &fb) &&
        xml_attr(&fb, "type", type, sizeof(type)) && !strcmp(type, "rgb")) {
        s->text = false;
        xml_attr_u64(&fb, "phys", &s->phys);
        xml_attr_u64(&fb, "width", &s->width);
        xml_attr_u64(&fb, "height", &s->height);
        xml_attr_u64(&fb, "pitch", &s->pitch);
        xml_attr_u64(&fb, "bpp", &s->bpp);
    }
}

static status_t take(struct screen *s, uint64_t phys, uint64_t size, volatile uint8_t **at)
{
    char args[128];
    cap_t ds;
    snprintf(args, sizeof(args), "label=\"screen\", base=0x%lx, size=0x%lx, ram_quota=4096, cap_quota=2",
             phys, size);
    cap_t session;
    uint64_t id, bytes;
    status_t st = parent_session(IO_MEM_SERVICE, args, &session, &id);
    if (!st && (st = io_cap(session, &ds, &bytes))) {
        parent_close(ENV_PARENT, id, NULL, NULL);
    }
    return st ? st : rt_attach(ds, PD_ATTACH_WRITE, (void **)at);
}

static void put_pixel(const struct screen *s, uint64_t x, uint64_t y, bool on)
{
    volatile uint8_t *p = s->at + y * s->pitch + x * (s->bpp / 8);
    uint32_t v = on ? (s->bpp == 16 ? 0xad55u : 0xa8a8a8u) : 0;
    for (unsigned b = 0; b < s->bpp / 8; b++) {
        p[b] = (uint8_t)(v >> (8 * b));
    }
}

static void draw_fb(const struct screen *s)
{
    for (uint64_t y = 0; y < s->height; y++) {
        for (uint64_t x = 0; x < s->width; x++) {
            put_pixel(s, x, y, false);
        }
    }
    const struct psf_font *f = &s->font;
    for (unsigned l = 0; l < sizeof(lines) / sizeof(lines[0]); l++) {
        for (unsigned c = 0; lines[l][c]; c++) {
            const uint8_t *g = f->glyphs + psf_glyph(f, (uint8_t)lines[l][c]) * f->bytes_per_glyph;
            for (unsigned y = 0; y < f->height; y++) {
                for (unsigned x = 0; x < f->width; x++) {
                    bool on = g[y * f->row_bytes + x / 8] & (0x80 >> (x % 8));
                    put_pixel(s, c * f->width + x, (l + 1) * f->height + y, on);
                }
            }
        }
    }
}

static void draw_text(const struct screen *s)
{
    volatile uint16_t *cells = (volatile uint16_t *)s->at;
    for (unsigned i = 0; i < 80 * 25; i++) {
        cells[i] = 0x0720;
    }
    for (unsigned l = 0; l < sizeof(lines) / sizeof(lines[0]); l++) {
        for (unsigned c = 0; lines[l][c]; c++) {
            cells[(l + 1) * 80 + c] = (uint16_t)(0x0700 | (uint8_t)lines[l][c]);
        }
    }
}

int main(uint64_t arg)
{
    static struct screen s;
    void *font;
    uint64_t font_size, size;
    where(&s);
    if (s.text) {
        s.phys = VGA_TEXT_PHYS;
        size = 80 * 25 * 2;
    } else {
        size = s.pitch * s.height;
        if (!rom_attach("console.psf", &font, &font_size) || psf_parse(&s.font, font, font_size) ||
            (s.bpp != 16 && s.bpp != 24 && s.bpp != 32)) {
            printf("cannot draw on a %lu bpp framebuffer with the ROM console.psf\n", s.bpp);
            return 1;
        }
    }
    status_t st = take(&s, s.phys, size, &s.at);
    if (st) {
        printf("could not take the screen at 0x%lx: %s\n", s.phys, status_text(st));
        return 1;
    }
    if (s.text) {
        draw_text(&s);
    } else {
        draw_fb(&s);
    }
    printf("drew on the %s screen at 0x%lx\n", s.text ? "VGA text" : "framebuffer", s.phys);
    volatile uint8_t *again;
    st = take(&s, s.phys, size, &again);
    printf("second request for the screen: %s\n", st ? status_text(st) : "granted");
    return 0;
}
