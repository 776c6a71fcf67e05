/*
 * ROM sessions for boot modules, and the LOG service.
 *
 * A boot module is a constant ROM module (rt/rom_module.h): published
 * once, as version 1, when a session first asks for it, and never again.
 * Its sessions are readers served by the one ROM implementation
 * (rom_reader_ops); since the module never changes they are not listed,
 * hold nothing it counts and keep no notification (ROM_SIGH leaves the
 * capability in core's receive window, emptied before the next
 * request), so closing one needs nothing here.
 *
 * Core adds one module of its own, "platform_info" (Genode's name): what
 * the kernel learnt about the machine that drivers need and cannot find
 * themselves, the ACPI root tables (the RSDP may be a copy in the
 * loader's info, in RAM) and the TSC frequency:
 *
 *   <platform_info>
 *       <acpi revision="2" rsdt="0x7ffe2000" xsdt="0x7ffe2100"/>
 *       <tsc freq_khz="2000000"/>
 *       <boot>
 *           <framebuffer phys="0xfd000000" width="1024" height="768"
 *                        pitch="4096" bpp="32" type="rgb"
 *                        red="16:8" green="8:8" blue="0:8"/>
 *       </boot>
 *   </platform_info>
 *
 * <boot> is there only when the loader left a framebuffer (type "rgb":
 * a linear framebuffer, GOP or VBE; "ega_text": VGA text mode, width and
 * height in character cells; "indexed": a palette mode). An RGB
 * framebuffer names where each colour is in a pixel ("pos:size" in bits,
 * from the loader). Where the loader named none but the kernel's screen
 * console is on VGA text (QEMU -kernel: Multiboot 1 leaves the BIOS's
 * 80x25 text mode), that screen is named as "ega_text".
 *
 * It takes the place of module 0 (core itself, never served).
 */
#include "core.h"
#include <arbor/kernel_devices.h>

/* Versions of boot modules are never let go. */
static void boot_version_free(struct rom_version *v)
{
}

/* Module i's dataspace and its one version, made on first use. */
static uint64_t boot_module(struct core *c, unsigned i, struct rom_module **out)
{
    struct boot_rom *rom = &c->roms[i];
    struct dataspace *ds = &c->modules[i];
    const struct bootinfo *bi = c->env.bi;
    if (!ds->used) {
        ds->cap = badged_cap(c, BADGE(B_DS, REC_ID(DS_MODULES, i)));
        if (!ds->cap) {
            return RPC_OUT_OF_CAPS;
        }
        ds->used = true;
        ds->writable = false;
        ds->owner = ~0u;
        ds->frame.cap = bi->module[i].frame;
        ds->size = bi->module[i].size;
        ds->pages = (ds->size + PAGE_SIZE - 1) / PAGE_SIZE;
        rom->version = (struct rom_version){.ds = ds->cap, .size = ds->size, .free = boot_version_free};
        rom_module_init(&rom->module, true);
        rom_module_set_current(&rom->module, &rom->version);
    }
    *out = &rom->module;
    return RPC_OK;
}

#define PLATFORM_INFO 0 /* its place in c->modules and c->roms */

/* The <boot> node of the screen (see above) at text, or nothing. */
static int screen_xml(const struct bootinfo *bi, char *text, size_t cap)
{
    struct bootinfo_framebuffer fb = bi->framebuffer;
    for (uint32_t i = 0; !fb.phys && i < bi->kernel_mmio_count && i < BOOTINFO_MAX_KERNEL_MMIO; i++) {
        if (bi->kernel_mmio[i].device == KDEV_VGA_TEXT) {
            fb = (struct bootinfo_framebuffer){
                .phys = 0xb8000, .pitch = 160, .width = 80, .height = 25, .bpp = 16, .type = 2};
        }
    }
    if (!fb.phys) {
        return 0;
    }
    static const char *const types[] = {"indexed", "rgb", "ega_text"};
    const char *type = fb.type < 3 ? types[fb.type] : "unknown";
    int len = snprintf(text, cap,
                       "\t<boot>\n"
                       "\t\t<framebuffer phys=\"0x%lx\" width=\"%u\" height=\"%u\" pitch=\"%lu\" "
                       "bpp=\"%u\" type=\"%s\"",
                       fb.phys, fb.width, fb.height, fb.pitch, fb.bpp, type);
    if (fb.type == 1) {
        len += snprintf(text + len, cap - len, " red=\"%u:%u\" green=\"%u:%u\" blue=\"%u:%u\"", fb.red_pos,
                        fb.red_size, fb.green_pos, fb.green_size, fb.blue_pos, fb.blue_size);
    }
    return len + snprintf(text + len, cap - len, "/>\n\t</boot>\n");
}

static uint64_t platform_info(struct core *c, struct rom_module **out)
{
    struct dataspace *ds = &c->modules[PLATFORM_INFO];
    struct boot_rom *rom = &c->roms[PLATFORM_INFO];
    const struct bootinfo *bi = c->env.bi;
    char *text;
    if (!ds->used) {
        if (core_region_alloc(c, 1, &ds->frame, (void **)&text)) {
            return RPC_OUT_OF_RAM;
        }
        int len = snprintf(text, PAGE_SIZE,
                           "<platform_info>\n"
                           "\t<acpi revision=\"%u\" rsdt=\"0x%lx\" xsdt=\"0x%lx\"/>\n"
                           "\t<tsc freq_khz=\"%lu\"/>\n",
                           bi->acpi_revision, bi->acpi_rsdt, bi->acpi_xsdt, bi->tsc_hz / 1000);
        len += screen_xml(bi, text + len, PAGE_SIZE - len);
        len += snprintf(text + len, PAGE_SIZE - len, "</platform_info>\n");
        ds->cap = badged_cap(c, BADGE(B_DS, REC_ID(DS_MODULES, PLATFORM_INFO)));
        if (!ds->cap) {
            core_region_free(c, &ds->frame, text, 1);
            return RPC_OUT_OF_CAPS;
        }
        ds->used = true;
        ds->writable = false;
        ds->owner = ~0u;
        ds->size = (uint64_t)len;
        ds->pages = 1;
        rom->version = (struct rom_version){.ds = ds->cap, .size = ds->size, .free = boot_version_free};
        rom_module_init(&rom->module, true);
        rom_module_set_current(&rom->module, &rom->version);
    }
    *out = &rom->module;
    return RPC_OK;
}

uint64_t rom_session_create(struct core *c, struct session *s)
{
    const char *name = s->label;
    for (const char *p = s->label; *p; p++) {
        if (!strncmp(p, " -> ", 4)) {
            name = p + 4;
        }
    }
    const struct bootinfo *bi = c->env.bi;
    if (!strcmp(name, "platform_info")) {
        struct rom_module *m;
        uint64_t st = platform_info(c, &m);
        if (!st) {
            rom_reader_attach(&s->rom, m);
        }
        return st;
    }
    for (unsigned i = 1; i < bi->module_count; i++) { /* module 0 is core */
        struct rom_module *m;
        if (strcmp(bi->module[i].name, name)) {
            continue;
        }
        uint64_t st = boot_module(c, i, &m);
        if (!st) {
            rom_reader_attach(&s->rom, m);
        }
        return st;
    }
    return RPC_NOT_FOUND;
}

void rom_serve(struct core *c, struct session *s, struct request *r)
{
    struct rt_call call = {.m = r->m, .rcv = MSGINFO_CAPS(r->m->info) && r->u->rcv_caps ? c->rcv : CAP_NULL};
    rom_dispatch(&rom_reader_ops, &s->rom, &call);
}

/* One line of a client's text, printable ASCII only: no control byte or
 * escape sequence of a client reaches the console. */
static void print_line(const char *label, const char *text, unsigned len)
{
    char line[RPC_STRING_MAX + 1];
    for (unsigned i = 0; i < len; i++) {
        line[i] = (text[i] >= 0x20 && text[i] < 0x7f) || text[i] == '\t' ? text[i] : '?';
    }
    printf("[%s] %.*s\n", label, (int)len, line);
}

void log_print(const char *label, const char *text)
{
    while (*text) {
        const char *nl = text;
        while (*nl && *nl != '\n' && nl - text < RPC_STRING_MAX) {
            nl++;
        }
        print_line(label, text, (unsigned)(nl - text));
        text = *nl == '\n' ? nl + 1 : nl;
    }
}

static status_t log_write_op(void *session, struct rt_call *call, const char *text)
{
    log_print(session, text);
    return RPC_OK;
}

static const struct log_ops log_ops = {.write = log_write_op};

void log_serve(struct core *c, struct session *s, struct request *r)
{
    struct rt_call call = {.m = r->m};
    log_dispatch(&log_ops, s->label, &call);
}
