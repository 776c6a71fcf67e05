/*
 * framebuffer: the driver of the screen the boot loader left — a linear
 * framebuffer (UEFI GOP, VBE) or VGA text mode — serving Framebuffer
 * sessions (include/session/framebuffer.def): one for the whole screen,
 * or one for each band of it that a <policy ypos height> names (a log
 * above, a shell below: run/console.run); bands of open sessions never
 * overlap.
 * Core's platform_info ROM names the screen (<boot><framebuffer phys
 * width height pitch bpp type/></boot>); the driver maps it through an
 * IO_MEM session (the kernel stops drawing its console there once core
 * hands the range out). The client draws into a back buffer paid from
 * its donation; `refresh` copies a clipped rectangle to the screen,
 * converting pixels to the screen's format (blit.c).
 */
#include <rt/server.h>
#include <session/framebuffer.h>
#include <session/io.h>
#include "blit.h"

struct screen {
    uint64_t phys, pitch;
    uint32_t width, height, bpp;
    bool text;
    struct blit_target target;
};

struct fb_session {
    char label[64]; /* for the log; may be cut */
    cap_t ds, sigh;
    void *back;
    uint64_t size;
    uint32_t ypos, height; /* the band of the screen it draws: lines (cells in text mode) */
};

#define FB_SESSIONS_MAX 4

struct fb {
    struct screen screen;
    struct fb_session *session[FB_SESSIONS_MAX]; /* open sessions, NULL where free */
};

static uint32_t unit_bytes(const struct screen *s)
{
    return s->text ? 2 : 4;
}

static status_t mode(void *session, struct rt_call *call, uint64_t *width, uint64_t *height, uint64_t *stride,
                     uint64_t *format)
{
    const struct screen *s = &((struct fb *)call->state)->screen;
    const struct fb_session *f = session;
    *width = s->width;
    *height = f->height;
    *stride = s->width;
    *format = s->text ? FRAMEBUFFER_TEXT : FRAMEBUFFER_RGB32;
    return RPC_OK;
}

static status_t dataspace(void *session, struct rt_call *call, cap_t *ds, uint64_t *size)
{
    struct fb_session *f = session;
    *ds = f->ds;
    *size = f->size;
    return RPC_OK;
}

static status_t refresh(void *session, struct rt_call *call, uint64_t x, uint64_t y, uint64_t w, uint64_t h)
{
    struct fb_session *f = session;
    const struct screen *s = &((struct fb *)call->state)->screen;
    struct rect r;
    if (blit_clip(x, y, w, h, s->width, f->height, &r)) {
        struct blit_target band = s->target;
        band.base += (uint64_t)f->ypos * s->pitch;
        blit_copy(&band, f->back, s->width, &r);
    }
    return RPC_OK;
}

static status_t sigh(void *session, struct rt_call *call, cap_t note)
{
    struct fb_session *f = session;
    if (f->sigh) {
        rt_slot_free(f->sigh);
    }
    f->sigh = note;
    return RPC_OK;
}

/* A band's edge from a policy attribute: lines (cells in text mode), or
 * "N%" of the screen's height, which in a graphics mode is rounded down
 * to a multiple of 16 lines, so that the 8x16 cells of a terminal in
 * each band stay on one grid (tools/screen-check reads them so). */
static uint32_t band_edge(const struct xml_node *policy, const char *name, uint32_t dflt,
                          const struct screen *s)
{
    char v[16];
    if (!policy || !xml_attr(policy, name, v, sizeof(v)) || !v[0]) {
        return dflt;
    }
    const char *end = v;
    uint64_t n = 0;
    for (; *end >= '0' && *end <= '9' && n < (1u << 20); end++) {
        n = n * 10 + (uint64_t)(*end - '0');
    }
    if (*end == '%') {
        n = n > 100 ? s->height : (uint64_t)s->height * n / 100;
        if (!s->text) {
            n &= ~15ull;
        }
    }
    return n > s->height ? s->height : (uint32_t)n;
}

/* A free entry for a session on the band, or NULL after saying why not. */
static struct fb_session **band_free(struct fb *d, const char *label, uint32_t ypos, uint32_t height)
{
    struct fb_session **free_at = NULL;
    for (unsigned i = 0; i < FB_SESSIONS_MAX; i++) {
        struct fb_session *o = d->session[i];
        if (!o) {
            free_at = free_at ? free_at : &d->session[i];
        } else if (ypos < o->ypos + o->height && o->ypos < ypos + height) {
            if (o->ypos == 0 && o->height == d->screen.height) {
                printf("\"%s\" asked for the screen, which \"%s\" has: refused (one client at a time)\n",
                       label, o->label);
            } else {
                printf("\"%s\" asked for lines %u-%u of the screen, which \"%s\" has %u-%u of: refused\n",
                       label, ypos, ypos + height - 1, o->label, o->ypos, o->ypos + o->height - 1);
            }
            return NULL;
        }
    }
    if (!free_at) {
        printf("\"%s\" asked for the screen: refused (%u sessions are open)\n", label, FB_SESSIONS_MAX);
    }
    return free_at;
}

static status_t create(void *state, const struct rt_session_info *info, void **session)
{
    struct fb *d = state;
    const struct screen *s = &d->screen;
    uint32_t ypos = band_edge(info->policy, "ypos", 0, s);
    uint32_t height = band_edge(info->policy, "height", s->height - ypos, s);
    if (height > s->height - ypos) {
        height = s->height - ypos;
    }
    if (!height) {
        printf("\"%s\": its policy gives it no line of the %u-line screen: refused\n", info->label,
               s->height);
        return RPC_DENIED;
    }
    struct fb_session **slot = band_free(d, info->label, ypos, height);
    if (!slot) {
        return RPC_BUSY;
    }
    uint64_t size = ((uint64_t)s->width * height * unit_bytes(s) + 4095) & ~4095ull;
    if (info->ram < FRAMEBUFFER_RAM_QUOTA + size) {
        printf("\"%s\" donated %lu bytes RAM, a Framebuffer session of %ux%u needs %lu\n", info->label,
               info->ram, s->width, height, FRAMEBUFFER_RAM_QUOTA + size);
        *info->need = FRAMEBUFFER_RAM_QUOTA + size;
        return RPC_INSUFFICIENT_RAM;
    }
    struct fb_session *f = malloc(sizeof(*f));
    if (!f) {
        return RPC_OUT_OF_RAM;
    }
    *f = (struct fb_session){.size = size, .ypos = ypos, .height = height};
    snprintf(f->label, sizeof(f->label), "%s", info->label);
    uint64_t got;
    status_t st = pd_alloc(ENV_PD, size, &f->ds, &got, NULL);
    if (!st && (st = rt_attach(f->ds, PD_ATTACH_WRITE, &f->back))) {
        pd_free(ENV_PD, f->ds);
        rt_slot_free(f->ds);
    }
    if (st) {
        free(f);
        return st;
    }
    *slot = f;
    if (ypos == 0 && height == s->height) {
        printf("\"%s\" has the screen\n", f->label);
    } else {
        printf("\"%s\" has lines %u-%u of the screen\n", f->label, ypos, ypos + height - 1);
    }
    *session = f;
    return RPC_OK;
}

static void destroy(void *state, void *session)
{
    struct fb *d = state;
    struct fb_session *f = session;
    if (f->sigh) {
        rt_slot_free(f->sigh);
    }
    pd_detach(ENV_PD, (uint64_t)f->back);
    pd_free(ENV_PD, f->ds); /* gone from the client's space too */
    rt_slot_free(f->ds);
    printf("\"%s\" let the screen go\n", f->label);
    for (unsigned i = 0; i < FB_SESSIONS_MAX; i++) {
        if (d->session[i] == f) {
            d->session[i] = NULL;
        }
    }
    free(f);
}

/* A colour field "pos:size" of platform_info's <framebuffer>; false if
 * absent or malformed. */
static bool colour_field(const struct xml_node *fb, const char *name, struct blit_field *f)
{
    char v[12];
    unsigned pos = 0, size = 0;
    const char *p = v;
    if (!xml_attr(fb, name, v, sizeof(v))) {
        return false;
    }
    for (; *p >= '0' && *p <= '9' && pos < 256; p++) {
        pos = pos * 10 + (unsigned)(*p - '0');
    }
    if (p == v || *p++ != ':') {
        return false;
    }
    for (; *p >= '0' && *p <= '9' && size < 256; p++) {
        size = size * 10 + (unsigned)(*p - '0');
    }
    if (*p || pos > 255 || size > 255) {
        return false;
    }
    *f = (struct blit_field){(uint8_t)pos, (uint8_t)size};
    return true;
}

/* The screen platform_info names: false (after saying why) if none. */
static bool screen_find(struct screen *s)
{
    cap_t rom, ds;
    uint64_t id, size, version;
    void *text;
    struct xml_node top, boot, fb;
    char type[16] = "";
    if (parent_session(ROM_SERVICE, "label=\"platform_info\", ram_quota=4096, cap_quota=2", &rom, &id) ||
        rom_dataspace(rom, &ds, &size, &version) || rt_attach(ds, 0, &text) ||
        !xml_parse(text, size, &top, NULL)) {
        printf("no platform_info ROM: no screen\n");
        return false;
    }
    uint64_t v[5] = {0};
    static const char *const attr[5] = {"phys", "width", "height", "pitch", "bpp"};
    if (!xml_first_sub_of_type(&top, "boot", &boot) || !xml_first_sub_of_type(&boot, "framebuffer", &fb)) {
        printf("platform_info names no framebuffer (the loader left none): no screen\n");
        return false;
    }
    for (unsigned i = 0; i < 5; i++) {
        xml_attr_u64(&fb, attr[i], &v[i]);
    }
    xml_attr(&fb, "type", type, sizeof(type));
    *s = (struct screen){.phys = v[0],
                         .width = (uint32_t)v[1],
                         .height = (uint32_t)v[2],
                         .pitch = v[3],
                         .bpp = (uint32_t)v[4],
                         .text = !strcmp(type, "ega_text")};
    s->target = (struct blit_target){.bpp = s->bpp, .text = s->text};
    blit_default_fields(&s->target);
    struct blit_target t = s->target;
    if (!s->text && colour_field(&fb, "red", &t.red) && colour_field(&fb, "green", &t.green) &&
        colour_field(&fb, "blue", &t.blue)) {
        s->target = t; /* all three or none: the loader's, else the usual */
    }
    bool known = s->text || !strcmp(type, "rgb");
    if (!known || !blit_supported(&s->target) || !s->width || !s->height || s->width > 8192 ||
        s->height > 8192 || s->pitch < (uint64_t)s->width * ((s->bpp + 7) / 8) || s->pitch > (1u << 16)) {
        printf("framebuffer of type \"%s\", %ux%u, %u bpp, pitch %lu: not supported\n", type, s->width,
               s->height, s->bpp, s->pitch);
        return false;
    }
    return true;
}

static bool screen_map(struct screen *s)
{
    char args[128];
    cap_t session, mem;
    uint64_t id, size;
    void *at;
    uint64_t base = s->phys & ~4095ull;
    uint64_t bytes = ((s->phys - base + s->pitch * s->height) + 4095) & ~4095ull;
    snprintf(args, sizeof(args), "label=\"screen\", base=0x%lx, size=0x%lx, ram_quota=%u, cap_quota=%u", base,
             bytes, IO_RAM_QUOTA, IO_CAP_QUOTA);
    status_t st = parent_session(IO_MEM_SERVICE, args, &session, &id);
    if (!st) {
        st = io_cap(session, &mem, &size);
    }
    if (!st) {
        st = rt_attach(mem, PD_ATTACH_WRITE, &at);
    }
    if (st) {
        printf("the screen's memory at 0x%lx (%lu KiB): %s%s\n", s->phys, bytes >> 10, status_text(st),
               s->text && st == RPC_DENIED ? " (the kernel keeps the VGA text screen for its console)" : "");
        return false;
    }
    s->target.base = (volatile uint8_t *)at + (s->phys - base);
    s->target.pitch = s->pitch;
    return true;
}

static const struct framebuffer_ops ops = {
    .mode = mode, .dataspace = dataspace, .refresh = refresh, .sigh = sigh};
static const struct rt_service service = {FRAMEBUFFER_SERVICE_INFO(&ops),
                                          .ram = FRAMEBUFFER_RAM_QUOTA,
                                          .caps = FRAMEBUFFER_CAP_QUOTA,
                                          .policy = true,
                                          .create = create,
                                          .close = destroy};

int main(uint64_t arg)
{
    static struct fb d;
    if (!screen_find(&d.screen) || !screen_map(&d.screen)) {
        return 1;
    }
    const struct screen *s = &d.screen;
    if (s->text) {
        printf("VGA text screen at 0x%lx: %ux%u cells\n", s->phys, s->width, s->height);
    } else {
        printf("framebuffer at 0x%lx: %ux%u, %u bpp, pitch %lu\n", s->phys, s->width, s->height, s->bpp,
               s->pitch);
    }
    return rt_serve(&d, &service, NULL);
}
