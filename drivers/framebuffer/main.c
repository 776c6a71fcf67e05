/*
 * framebuffer: the driver of the screen the boot loader left — a linear
 * framebuffer (UEFI GOP, VBE) or VGA text mode — serving one
 * Framebuffer session at a time (include/session/framebuffer.def).
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
};

struct fb {
    struct screen screen;
    struct fb_session *session; /* the one client, or NULL */
};

static uint32_t unit_bytes(const struct screen *s)
{
    return s->text ? 2 : 4;
}

static status_t mode(void *session, struct rt_call *call, uint64_t *width, uint64_t *height, uint64_t *stride,
                     uint64_t *format)
{
    const struct screen *s = &((struct fb *)call->state)->screen;
    *width = s->width;
    *height = s->height;
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
    if (blit_clip(x, y, w, h, s->width, s->height, &r)) {
        blit_copy(&s->target, f->back, s->width, &r);
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

static status_t create(void *state, const struct rt_session_info *info, void **session)
{
    struct fb *d = state;
    const struct screen *s = &d->screen;
    if (d->session) {
        printf("\"%s\" asked for the screen, which \"%s\" has: refused (one client at a time)\n", info->label,
               d->session->label);
        return RPC_BUSY;
    }
    uint64_t size = ((uint64_t)s->width * s->height * unit_bytes(s) + 4095) & ~4095ull;
    if (info->ram < FRAMEBUFFER_RAM_QUOTA + size) {
        printf("\"%s\" donated %lu bytes RAM, a Framebuffer session of %ux%u needs %lu\n", info->label,
               info->ram, s->width, s->height, FRAMEBUFFER_RAM_QUOTA + size);
        *info->need = FRAMEBUFFER_RAM_QUOTA + size;
        return RPC_INSUFFICIENT_RAM;
    }
    struct fb_session *f = malloc(sizeof(*f));
    if (!f) {
        return RPC_OUT_OF_RAM;
    }
    *f = (struct fb_session){.size = size};
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
    d->session = f;
    printf("\"%s\" has the screen\n", f->label);
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
    free(f);
    d->session = NULL;
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
    bool known = s->text || !strcmp(type, "rgb");
    if (!known || !blit_supported(s->bpp, s->text) || !s->width || !s->height || s->width > 8192 ||
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
    s->target = (struct blit_target){
        .base = (volatile uint8_t *)at + (s->phys - base), .pitch = s->pitch, .bpp = s->bpp, .text = s->text};
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
