/*
 * terminal: a text terminal on the screen (servers/terminal). It draws
 * on a Framebuffer session with the PSF font of its "font.psf" ROM,
 * 8x16 cells from pixel (0, 0) (or on VGA text cells), takes keys from
 * an Event session, and serves one Terminal session at a time
 * (include/session/terminal.def). The VT100/ANSI subset it understands
 * is listed in docs/drivers.md.
 */
#include "terminal.h"
#include <session/framebuffer.h>

void terminal_show(struct terminal *t)
{
    unsigned x, y, w, h;
    if (render_update(&t->render, &t->vt, &x, &y, &w, &h)) {
        framebuffer_refresh(t->fb, x, y, w, h);
    }
}

static bool font_open(struct font *f)
{
    cap_t rom, ds;
    uint64_t id, size, version;
    void *data;
    status_t st = parent_session(ROM_SERVICE, "label=\"font.psf\", ram_quota=4096, cap_quota=2", &rom, &id);
    if (!st) {
        st = rom_dataspace(rom, &ds, &size, &version);
    }
    if (!st) {
        st = rt_attach(ds, 0, &data);
    }
    if (st) {
        printf("no font: ROM \"font.psf\": %s\n", status_text(st));
        return false;
    }
    const char *bad = font_load(f, data, size);
    if (bad) {
        printf("ROM \"font.psf\": %s\n", bad);
        return false;
    }
    return true;
}

/* The screen: the Framebuffer session, its mode and back buffer, and
 * the vt of its size. */
static bool screen_open(struct terminal *t)
{
    uint64_t id, width, height, stride, format, size;
    cap_t ds = CAP_NULL;
    void *back;
    char args[96];
    snprintf(args, sizeof(args), "label=\"\", ram_quota=%u, cap_quota=%u", FRAMEBUFFER_RAM_QUOTA,
             FRAMEBUFFER_CAP_QUOTA);
    status_t st = parent_session(FRAMEBUFFER_SERVICE, args, &t->fb, &id);
    if (!st) {
        st = framebuffer_mode(t->fb, &width, &height, &stride, &format);
    }
    if (!st) {
        st = framebuffer_dataspace(t->fb, &ds, &size);
    }
    bool text = format == FRAMEBUFFER_TEXT;
    if (!st && (stride < width || stride * height * (text ? 2 : 4) > size || width > 8192 || height > 8192 ||
                (format != FRAMEBUFFER_RGB32 && !text))) {
        st = RPC_BAD_REPLY; /* a mode that does not fit its buffer */
    }
    if (!st) {
        st = rt_attach(ds, PD_ATTACH_WRITE, &back);
    }
    if (st) {
        printf("no screen: Framebuffer session: %s\n", status_text(st));
        return false;
    }
    unsigned cols = text ? (unsigned)width : (unsigned)width / 8;
    unsigned rows = text ? (unsigned)height : (unsigned)height / t->font.height;
    struct vt_cell *cells = calloc((size_t)cols * rows, sizeof(*cells));
    struct vt_cell *shown = calloc((size_t)cols * rows, sizeof(*shown));
    struct vt_cell *hist = calloc((size_t)cols * HISTORY_LINES, sizeof(*hist));
    if (!cols || !rows || !cells || !shown || !hist) {
        printf("no room for a screen of %ux%u cells\n", cols, rows);
        return false;
    }
    vt_init(&t->vt, cols, rows, cells, hist, HISTORY_LINES);
    render_init(&t->render, &t->font, text, back, (unsigned)width, (unsigned)height, (unsigned)stride, shown);
    printf("%s screen of %lux%lu: %ux%u cells\n", text ? "text" : "graphics", width, height, cols, rows);
    return true;
}

int main(uint64_t arg)
{
    static struct terminal t;
    if (rt_server_init(&t.server, &t)) {
        printf("cannot start the entrypoint\n");
        return 1;
    }
    if (!font_open(&t.font) || !screen_open(&t)) {
        return 1;
    }
    terminal_show(&t); /* a blank screen with the cursor */
    input_open(&t);
    status_t st = rt_server_announce(&t.server, &terminal_service);
    if (st) {
        printf("cannot announce Terminal: %s\n", status_text(st));
        return 1;
    }
    rt_server_run(&t.server);
}
